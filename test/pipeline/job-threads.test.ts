// The main job on two or three threads (src/cli/job-threads.ts): the cycling stage on a worker thread, and
// with a spool the production shift on another (the battery starting on its first in-spec cells), give
// exactly runJob's result — the same output, key for key and in the same order, the same warnings, series,
// cycles and production, the same spooled records in the same order — and the same errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { stringify } from 'yaml';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { runJob, type JobOptions } from '../../src/pipeline.ts';
import { jobUsesThreads, runJobThreaded, shiftUsesThread, warmJobWorkers } from '../../src/cli/job-threads.ts';
import { CellSpool } from '../../src/store/spool.ts';
import { storedCell } from '../../src/run-record.ts';
import type { CellRecord } from '../../src/store/types.ts';
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
    assert.ok(
      one.output.cycling && one.output.production && one.output.battery && one.output.claims,
      'one.output.cycling && one.output.production && one.output.battery && one.output.claims',
    );
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
    assert.ok(expected instanceof ProblemError, 'expected instanceof ProblemError');
    await assert.rejects(runJobThreaded(rec, opts), (e: unknown) => {
      assert.ok(e instanceof ProblemError, 'e instanceof ProblemError');
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

/** the records of a spool, as the store reads them back */
async function spooled(spool: CellSpool): Promise<CellRecord[]> {
  const all: CellRecord[] = [];
  for await (const chunk of spool.chunks()) all.push(...chunk);
  return all;
}

for (const [name, pack] of [
  ['the pack takes the first 4 in-spec cells while the shift goes on', { series: 2, parallel: 2 }],
  [
    'the shift makes fewer in-spec cells than the pack needs: design cells, the same warning',
    { series: 12, parallel: 2 },
  ],
] as const) {
  test(`shift on its own thread: runJob's result and the same spooled records — ${name}`, { skip }, async () => {
    const rec = recipe((r) => {
      r.battery = { ...pack, application: 'ess_solar', extras: { years: 1 } };
    });
    const opts = (progress?: (e: ProgressEvent) => void): JobOptions => ({
      seed: 5,
      runId: 'R2',
      noCycling: true, // the cycling thread is the tests above'
      production: { web_length_m: 3 },
      battery: true,
      ...(progress ? { progress } : {}),
    });
    assert.equal(shiftUsesThread(opts()), true, 'this job runs its shift on a worker thread');
    const sunk: CellRecord[] = [];
    const one = runJob(rec, { ...opts(), cellSink: (c) => sunk.push(JSON.parse(JSON.stringify(storedCell(c)))) });
    const spool = new CellSpool();
    try {
      // the shift's worker started ahead of the job (as `rollcell run` does while it reads the recipe)
      warmJobWorkers(1);
      const events: ProgressEvent[] = [];
      const two = await runJobThreaded(
        rec,
        opts((e) => events.push(e)),
        spool,
      );
      assert.ok(one.output.production && one.output.battery, 'one.output.production && one.output.battery');
      assert.equal(JSON.stringify(two.output), JSON.stringify(one.output));
      assert.deepEqual(two.warnings, one.warnings);
      assert.deepEqual(two.batteryCells, one.batteryCells);
      assert.equal(two.productionRun?.cells.length, 0, 'the records went to the spool');
      assert.deepEqual(two.productionRun?.timeline, one.productionRun?.timeline);
      // the capacity surrogate came back from the thread with its estimate rebuilt
      const { estimate: e1, ...cap1 } = one.productionRun!.capacity;
      const { estimate: e2, ...cap2 } = two.productionRun!.capacity;
      assert.deepEqual(cap2, cap1);
      assert.equal(e2(two.process.cell), e1(one.process.cell));
      assert.ok(sunk.length > 8, `${sunk.length} cells`);
      assert.equal(spool.count, sunk.length);
      assert.deepEqual(await spooled(spool), sunk);
      const fewer = one.warnings.some((w) => w.includes('fewer than the 24'));
      assert.equal(fewer, pack.series === 12, 'the warning when the shift makes fewer in-spec cells');
      assert.equal(one.batteryCells === null, fewer);
      assert.ok(
        events.some((e) => e.stage === 'production shift' && e.done === e.total),
        "events.some((e) => e.stage === 'production shift' && e.done === e.total)",
      );
    } finally {
      spool.dispose();
    }
  });
}

test(
  "shift on its own thread: a shift that fails fails the job with runJob's input error, and the spool can be removed",
  { skip },
  async () => {
    // parsed without the job's checks, so the shift itself finds that the edge trims take the whole web
    const rec = recipe((r) => {
      r.production = { ...r.production, edge_trim_mm: 1000 };
      r.battery = { series: 2, parallel: 1, application: 'ess_solar', extras: { years: 1 } };
    });
    const opts: JobOptions = { seed: 1, noCycling: true, production: { duration_s: 30 }, battery: true };
    let expected: unknown;
    try {
      runJob(rec, opts);
    } catch (e) {
      expected = e;
    }
    assert.ok(expected instanceof ProblemError, 'expected instanceof ProblemError');
    const spool = new CellSpool();
    await assert.rejects(runJobThreaded(rec, opts, spool), (e: unknown) => {
      assert.ok(e instanceof ProblemError, 'e instanceof ProblemError');
      assert.equal(e.message, (expected as ProblemError).message);
      assert.deepEqual(e.problems, (expected as ProblemError).problems);
      return true;
    });
    spool.dispose();
  },
);

test('shift thread: not used with live-view callbacks (they cannot cross threads), without a shift or with ROLLCELL_THREADS=0', () => {
  assert.equal(shiftUsesThread({ production: true }, {}), availableParallelism() >= 2);
  assert.equal(shiftUsesThread({ battery: true }, {}), false);
  assert.equal(shiftUsesThread({ production: true, onCell: () => {} }, {}), false);
  assert.equal(shiftUsesThread({ production: true, onProductionStart: () => {} }, {}), false);
  assert.equal(shiftUsesThread({ production: true }, { ROLLCELL_THREADS: '0' }), false);
});
