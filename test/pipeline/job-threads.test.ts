// The main job on two threads (src/cli/job-threads.ts): the cycling stage on a worker thread while this
// thread runs the production shift and the battery gives exactly runJob's result — the same output, key
// for key and in the same order, the same warnings, series, cycles and production — and the same errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { stringify } from 'yaml';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { runJob, type JobOptions } from '../../src/pipeline.ts';
import { jobUsesThreads, runJobThreaded } from '../../src/cli/job-threads.ts';
import { ProblemError } from '../../src/problems.ts';
import type { ProgressEvent } from '../../src/progress.ts';
import { patentObject } from '../helpers.ts';

const skip = availableParallelism() < 2 ? 'one core: the job runs in one thread' : false;

function recipe(edit: (r: Record<string, any>) => void) {
  const r = patentObject();
  edit(r);
  const p = parseRecipeText(stringify(r));
  if (!p.ok) throw new Error(p.problems.map((x) => x.problem).join('\n'));
  return p.recipe;
}

test(
  'job on two threads: the same result as runJob (seeded production shift, battery from its cells, cycling with ageing and rate capability)',
  { skip },
  async () => {
    const rec = recipe((r) => {
      r.battery = { series: 2, parallel: 2, application: 'ess_solar', extras: { years: 1 } };
      r.cycling = { ...r.cycling, ageing_cycles: 5 };
    });
    const events: ProgressEvent[] = [];
    const opts = (progress?: (e: ProgressEvent) => void): JobOptions => ({
      seed: 7,
      runId: 'R1',
      production: { duration_s: 120 },
      battery: true,
      ...(progress ? { progress } : {}),
    });
    assert.equal(jobUsesThreads(opts()), true, 'this job runs its cycling on a worker thread');
    const one = runJob(rec, opts());
    const two = await runJobThreaded(
      rec,
      opts((e) => events.push(e)),
    );
    assert.ok(one.output.cycling && one.output.production && one.output.battery && one.output.claims);
    assert.equal(JSON.stringify(two.output), JSON.stringify(one.output));
    assert.deepEqual(two.warnings, one.warnings);
    assert.deepEqual(two.timeSeries, one.timeSeries);
    assert.deepEqual(two.cycles, one.cycles);
    assert.deepEqual(two.experiment, one.experiment);
    assert.deepEqual(two.windows, one.windows);
    assert.deepEqual(two.batteryCells, one.batteryCells);
    assert.deepEqual(two.productionRun?.cells, one.productionRun?.cells);
    // every stage still reports, the cycling's last (it comes back from the worker after the battery)
    const stages = [...new Set(events.map((e) => e.stage))];
    assert.deepEqual(
      [...stages].sort(),
      [
        'battery: C/3 capacity',
        'battery: ageing',
        'battery: duty profile',
        'cycling',
        'line',
        'production shift',
      ].sort(),
    );
    const cyc = events.filter((e) => e.stage === 'cycling');
    assert.equal(cyc[cyc.length - 1]!.done, cyc[cyc.length - 1]!.total);
  },
);

test(
  'job on two threads: a cycling stage that fails fails the job with the same input error as runJob',
  { skip },
  async () => {
    // parsed without the job's checks, so the experiment's error is found by the cycling stage itself
    const rec = recipe((r) => {
      r.experiment = ['Run drive cycle from missing.csv'];
      r.battery = { series: 2, parallel: 1, application: 'ess_solar', extras: { years: 1 } };
    });
    const opts: JobOptions = { seed: 1, production: { duration_s: 30 }, battery: true };
    assert.equal(jobUsesThreads(opts), true);
    let expected: unknown;
    try {
      runJob(rec, opts);
    } catch (e) {
      expected = e;
    }
    assert.ok(expected instanceof ProblemError);
    await assert.rejects(runJobThreaded(rec, opts), (e: unknown) => {
      assert.ok(e instanceof ProblemError);
      assert.equal(e.message, (expected as ProblemError).message);
      assert.deepEqual(e.problems, (expected as ProblemError).problems);
      return true;
    });
  },
);

test('job threads: not used when nothing overlaps, with parameter overrides (a function) or ROLLCELL_THREADS=0', () => {
  assert.equal(jobUsesThreads({ production: true }, {}), availableParallelism() >= 2);
  assert.equal(jobUsesThreads({}, {}), false);
  assert.equal(jobUsesThreads({ production: true, noCycling: true }, {}), false);
  assert.equal(jobUsesThreads({ battery: true, cycling: { params: (p) => p } }, {}), false);
  assert.equal(jobUsesThreads({ production: true }, { ROLLCELL_THREADS: '0' }), false);
});
