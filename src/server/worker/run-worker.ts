/**
 * A run in a worker thread (reads of the HTTP server stay fast while it computes): parse the recipe,
 * run the job with stage and per-cell hooks, stream cell batches and live Shift snapshots to the main
 * thread, store the run (or, when it fails, a failed run with its reason) in the database.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseRecipeText } from '../../recipe/parse.ts';
import { runJob, parseJobRecipe, JOB_LIMITS } from '../../pipeline.ts';
import { failedRunOutput, storedCell, storedDetail } from '../../run-record.ts';
import { openStore, CellSpool } from '../../store/index.ts';
import { ProblemError } from '../../problems.ts';
import { runFailure } from '../http-problems.ts';
import { parseProduction } from '../../process/production/config.ts';
import type { ProductionCell } from '../../process/line.ts';
import { presentCell } from '../../present/production-cell.ts';
import { presentProductionStart } from '../../present/production.ts';
import {
  SPC_QUANTITIES,
  ShiftStream,
  shiftCellOf,
  toBatch,
  type ShiftCell,
  type ShiftContext,
  type ShiftPayload,
  type SpcQuantity,
} from '../present/shift.ts';
import type { RunTask, WorkerMessage, ShiftStart } from './messages.ts';

/** the live Shift snapshot's interval, ms (at least), and the most of the worker's time snapshots take (1/share) */
const SHIFT_MS = 2000;
const SHIFT_CPU_SHARE = 20;

const port = parentPort;
if (!port) throw new Error('run-worker: not in a worker thread');
const post = (m: WorkerMessage): void => port.postMessage(m);

async function main(task: RunTask): Promise<void> {
  const t0 = performance.now();
  // the server's one validation again, with the run's own stages and length: a run refused here (the
  // request's check and the worker's disagree, or a task submitted without it) reaches the client as a
  // `failed` event with its problems, and is stored as failed
  const parsed = parseJobRecipe(task.text, {
    stages: { production: task.production, battery: task.battery, cellLimit: JOB_LIMITS.liveProductionCells },
  });
  if (!parsed.ok) {
    const parsedRecipe = parseRecipeText(task.text);
    const store = await openStore(task.dbSpec);
    try {
      await store.saveRun({
        recipeText: task.text,
        recipe: (parsedRecipe.ok ? parsedRecipe.recipe : null) as unknown,
        seed: task.seed,
        runId: task.runId,
        status: 'failed',
        output: failedRunOutput(task.runId, new ProblemError(parsed.problems).message),
      });
    } catch {
      /* the problems matter more */
    } finally {
      await store.close();
    }
    throw new ProblemError(parsed.problems);
  }
  const recipe = parsed.recipe;
  const store = await openStore(task.dbSpec);
  // the cells go to the store through a spool file as the line makes them (bounded memory)
  const spool = task.production ? new CellSpool() : undefined;
  try {
    // the live Shift view: running totals and per-lane SPC of the cells so far (O(subgroups), not O(cells))
    let live: ShiftStream | null = null;
    let pending: ShiftCell[] = [];
    let lastBatch = performance.now();
    let lastShift = performance.now();
    let shiftEvery = SHIFT_MS;
    let start: ShiftStart | null = null;
    let tNow = 0;
    let lastStage = '';
    let lastProgress = 0;
    const ctx = (done: boolean): ShiftContext => ({
      planned_s: start!.planned_s,
      lanes: start!.lanes,
      speed_m_per_min: start!.speed_m_per_min,
      cell_length_mm: start!.cell_length_mm,
      stops: start!.stops,
      spec: start!.spec as ShiftContext['spec'],
      subgroup_size: start!.subgroup_size,
      ewma_lambda: start!.ewma_lambda,
      ewma_L: start!.ewma_L,
      t_now_s: tNow,
      done,
    });
    const postShift = (): void => {
      if (!live || !start) return;
      const t = performance.now();
      const c = ctx(false);
      const payloads = Object.fromEntries(
        (Object.keys(SPC_QUANTITIES) as SpcQuantity[]).map((q) => [q, live!.payload(c, q)]),
      ) as Record<SpcQuantity, ShiftPayload>;
      post({ type: 'shift', payloads });
      lastShift = performance.now();
      // a snapshot is one pass over each lane's subgroup means: on a long shift the interval stretches so
      // that snapshots take at most 1/SHIFT_CPU_SHARE of the worker's time
      shiftEvery = Math.max(SHIFT_MS, SHIFT_CPU_SHARE * (lastShift - t));
    };
    const flush = (): void => {
      if (pending.length === 0) return;
      post({ type: 'cells', batch: toBatch(pending), t_now_s: tNow });
      pending = [];
      lastBatch = performance.now();
    };
    const res = runJob(recipe, {
      seed: task.seed,
      runId: task.runId,
      production: task.production,
      battery: task.battery,
      batteryFrames: 60,
      progress: (e) => {
        // the job's own progress reporter (src/progress.ts), throttled per stage; cells keep flowing between
        const now = performance.now();
        if (e.stage !== lastStage || e.done >= e.total || now - lastProgress >= 250) {
          lastStage = e.stage;
          lastProgress = now;
          post({
            type: 'progress',
            stage: e.stage,
            done: e.done,
            total: e.total,
            ...(e.unit ? { unit: e.unit } : {}),
            t_ms: now - t0,
          });
        }
      },
      onProductionStart: (info) => {
        const P = parseProduction(recipe.production);
        start = {
          ...presentProductionStart(info),
          spec: (recipe.spec ?? {}) as Record<string, unknown>,
          subgroup_size: P.spc.subgroup_size,
          ewma_lambda: P.spc.ewma_lambda,
          ewma_L: P.spc.ewma_L,
        };
        post({ type: 'shift-start', info: start });
        live = new ShiftStream(ctx(false));
        postShift();
      },
      ...(spool ? { cellSink: (c: ProductionCell) => spool.add(storedCell(c)) } : {}),
      onCell: (c: ProductionCell) => {
        const sc = shiftCellOf(presentCell(c));
        tNow = sc.t_s;
        live?.push(sc);
        pending.push(sc);
        const now = performance.now();
        if (now - lastBatch >= task.batchMs) flush();
        if (now - lastShift >= shiftEvery) postShift();
      },
    });
    flush();
    postShift();
    post({ type: 'progress', stage: 'saving', done: 0, total: 1, t_ms: performance.now() - t0 });
    await store.saveRun({
      recipeText: task.text,
      recipe: recipe as unknown,
      seed: task.seed,
      runId: task.runId,
      output: res.output,
      ...storedDetail(res),
      ...(spool ? { cellStream: spool.stream(res.batteryCells) } : {}),
    });
    post({ type: 'saved' });
  } catch (e) {
    // nothing a user ran is lost: a failed run is stored with its reason
    const msg = e instanceof Error ? e.message : String(e);
    try {
      await store.saveRun({
        recipeText: task.text,
        recipe: recipe as unknown,
        seed: task.seed,
        runId: task.runId,
        status: 'failed',
        output: failedRunOutput(task.runId, msg),
      });
    } catch {
      /* the original error matters more */
    }
    throw e;
  } finally {
    spool?.dispose();
    await store.close();
  }
}

main(workerData as RunTask).catch((e: unknown) => post({ type: 'failed', ...runFailure(e) }));
