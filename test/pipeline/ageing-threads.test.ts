// The battery's multi-year projection spread over the job's idle worker threads (src/cli/job-threads.ts
// ageingOnThreads): each cell's and each band draw's trajectory is the one computed in place
// (runAgeingWork), bit for bit, whoever computed it — also when a worker ends or fails mid-way (its chunk is
// computed here) — and the pack run finished with them is runBattery's. The C/3 measurement of an EV pack
// on the shift's worker (c3OnThread) gives measurePackC3's figures, and the whole threaded job runJob's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { stringify } from 'yaml';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import {
  measurePackC3,
  runAgeingWork,
  runBattery,
  startBattery,
  type BatteryCommandOptions,
} from '../../src/battery/run.ts';
import { ageingOnThreads, c3OnThread, JobPool, runJobThreaded } from '../../src/cli/job-threads.ts';
import { runJob, type JobOptions } from '../../src/pipeline.ts';
import { CellSpool } from '../../src/store/spool.ts';
import { patentObject } from '../helpers.ts';

const skip = availableParallelism() < 2 ? 'one core: the job runs in one thread' : false;

const rec = (() => {
  const r = patentObject();
  r['battery'] = { series: 3, parallel: 2, application: 'ess_solar', extras: { years: 3 } };
  const p = parseRecipeText(stringify(r));
  if (!p.ok) throw new Error(p.problems.map((x) => x.problem).join('\n'));
  return p.recipe;
})();
const OPTS: BatteryCommandOptions = { profile: 'ess:solar', days: 1, seed: 4 };

/** a job worker thread (the one `rollcell run` uses), counting the answers it posts */
function jobWorker(): { w: Worker; answers: () => number } {
  const w = new Worker(new URL('../../src/cli/job-worker.mjs', import.meta.url));
  let n = 0;
  w.on('message', () => n++);
  return { w, answers: () => n };
}

test(
  'battery projection on a worker thread: every trajectory bit for bit as in place, and runBattery’s result',
  { skip },
  async () => {
    const started = startBattery(rec, OPTS);
    const plan = started.ageing!;
    assert.equal(plan.work.length, 6 + 8, 'six cells and eight band draws');
    const here = runAgeingWork(plan.work, plan.years);
    const { w, answers } = jobWorker();
    try {
      const there = await ageingOnThreads([w])(plan.work, plan.years);
      assert.ok(answers() >= 1, 'the worker computed part of the projection');
      assert.equal(there.length, here.length);
      // Object.is on every number: not a bit moves
      for (let i = 0; i < here.length; i++)
        here[i]!.forEach((x, j) =>
          assert.ok(Object.is(there[i]![j], x), `item ${i} point ${j}: ${there[i]![j]} vs ${x}`),
        );
      assert.equal(
        JSON.stringify(started.finish(there).result),
        JSON.stringify(runBattery(rec, OPTS).result),
        'the pack run finished with the threaded trajectories is runBattery’s',
      );
    } finally {
      await w.terminate();
    }
  },
);

test(
  'battery projection: a worker that ends or answers with an error gives its chunk back; the result is the same',
  { skip },
  async () => {
    const plan = startBattery(rec, OPTS).ageing!;
    const here = runAgeingWork(plan.work, plan.years);
    // one worker ends when it is given work, another answers every task with an error
    const ends = new Worker("require('node:worker_threads').parentPort.once('message', () => process.exit(3))", {
      eval: true,
    });
    const fails = new Worker(
      "const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => parentPort.postMessage({ ageingFailed: { error: { message: 'broken' } } }))",
      { eval: true },
    );
    try {
      const there = await ageingOnThreads([ends, fails])(plan.work, plan.years);
      assert.deepStrictEqual(there, here);
    } finally {
      await Promise.all([ends.terminate(), fails.terminate()]);
    }
  },
);

test(
  'battery C/3 on the shift’s worker: the figures measurePackC3 gives in place; a worker that ends leaves it here',
  { skip },
  async () => {
    const work = { recipe: rec, seed: 4 };
    const here = measurePackC3(work);
    const { w, answers } = jobWorker();
    const ends = new Worker("require('node:worker_threads').parentPort.once('message', () => process.exit(3))", {
      eval: true,
    });
    try {
      const pool = new JobPool();
      pool.shift = w;
      assert.deepStrictEqual(await c3OnThread(pool)(work), here);
      assert.equal(answers(), 1, 'the worker measured it');
      assert.deepEqual(pool.idle, [w], 'and is idle again');
      const other = new JobPool();
      other.shift = ends;
      assert.deepStrictEqual(await c3OnThread(other)(work), here);
    } finally {
      await Promise.all([w.terminate(), ends.terminate()]);
    }
  },
);

test(
  'job on threads with an EV pack (C/3 on the shift’s worker, ageing shared): runJob’s result',
  { skip },
  async () => {
    const r = patentObject();
    r['battery'] = { series: 2, parallel: 2, application: 'ev', extras: { years: 2 } };
    const p = parseRecipeText(stringify(r));
    if (!p.ok) throw new Error(p.problems.map((x) => x.problem).join('\n'));
    const opts: JobOptions = { seed: 3, runId: 'EV', noCycling: true, production: { web_length_m: 3 }, battery: true };
    const one = runJob(p.recipe, { ...opts, cellSink: () => {} });
    const spool = new CellSpool();
    try {
      const two = await runJobThreaded(p.recipe, opts, spool);
      assert.ok(one.output.battery?.ageing, 'an EV pack with its projection');
      assert.equal(JSON.stringify(two.output), JSON.stringify(one.output));
      assert.deepEqual(two.batteryFrames, one.batteryFrames);
    } finally {
      spool.dispose();
    }
  },
);
