/**
 * A job's cycling stage, its production shift, or part of the battery's multi-year projection, on a worker
 * thread (src/cli/job-threads.ts): takes a task and posts back its progress events and then its result, or
 * the error (a ProblemError's problems, else the message and stack); then waits for the next task (the job
 * ends the thread).
 * - cycling: pipeline's runJobCycling — the same code runJob runs in place;
 * - production: pipeline's runJobProduction — the same shift runJob runs in place — writing each cell's
 *   stored record to the job's spool (lent to this thread: CellSpool.lend) and posting the pack's first n
 *   in-spec cells as soon as they exist, so the battery starts on them while the shift goes on;
 * - c3: the battery's C/3 measurement (battery/run.ts measurePackC3), when the duty does not need it;
 * - ageing: some cells' (or band draws') trajectories of the battery's projection (battery/ageing-cells.ts
 *   cellAgeingTrajectory — the same function runJob runs in place), given by a thread whose shift or
 *   cycling is done while the battery's thread does the rest;
 * - stage: the first stages of the run's save (a staged save, Store.beginRun, on this thread's own connection
 *   to the job's database), once the shift is done: the recipe row, the run's id and the shift's cells from
 *   the spool this thread wrote, while the battery's thread still computes; then, on `stage-commit`, the
 *   run's other rows (prepared and checked by the battery's thread) and COMMIT, or on `stage-abort` a
 *   rollback. A stage runs after the tasks queued before it (the C/3) and lets ageing tasks in between its
 *   chunks of cells.
 */
import { parentPort } from 'node:worker_threads';
import { runJobCycling, runJobProduction, type JobCyclingRequest, type JobProductionRequest } from '../pipeline.ts';
import type { CapacitySurrogate } from '../process/production/capacity.ts';
import type { ProductionCell as ProducedCellRecord, ProductionRun } from '../process/line.ts';
import type { ProducedCell } from '../process/types.ts';
import { ProblemError } from '../problems.ts';
import type { ProgressEvent } from '../progress.ts';
import { storedCell } from '../run-record.ts';
import { readSpoolRows, SpoolWriter, type BatteryCells } from '../store/spool.ts';
import { openStore } from '../store/store.ts';
import type { PreparedRunRows, StagedRun, StagedRunHead, Store } from '../store/types.ts';
import { cellAgeingTrajectory, type CellAgeingWork } from '../battery/ageing-cells.ts';
import { buildPack, measurePackC3, type C3Figures, type C3Work } from '../battery/run.ts';
import { spmeOf } from '../battery/cells.ts';
import type { Recipe } from '../recipe/schema.ts';
import { celsius } from '../units/index.ts';
import { markTiming } from './timings.ts';

/** what job-threads.ts sends for the cycling: the request without its progress callback, and whether to report progress */
export type CyclingTask = Omit<JobCyclingRequest, 'progress'> & { progress: boolean };

/** what job-threads.ts sends for the production shift: the request, the pack's cell count and the spool's path */
export type ProductionTask = Omit<JobProductionRequest, 'progress' | 'onCell' | 'onStart' | 'keepCells'> & {
  kind: 'production';
  progress: boolean;
  packCells: number;
  spoolPath: string;
};

/** a production run as sent between threads: its capacity surrogate without the estimate (a function) */
export type PostedProductionRun = Omit<ProductionRun, 'capacity'> & { capacity: Omit<CapacitySurrogate, 'estimate'> };

/** what the worker posts back: progress events, then exactly one result or error */
export type CyclingReply =
  | { progress: ProgressEvent }
  | { result: ReturnType<typeof runJobCycling> }
  | { problems: ProblemError['problems']; prefix?: string }
  | { error: { message: string; stack?: string } };

/** the production worker's messages: progress, the pack's cells (or null: fewer), then the end or an error */
export type ProductionReply =
  | { progress: ProgressEvent }
  | { firstInSpec: ProducedCellRecord[] }
  | { done: { run: PostedProductionRun; inSpec: number; spooled: number } }
  | { problems: ProblemError['problems']; prefix?: string }
  | { error: { message: string; stack?: string } };

/** a part of the battery's projection: work items, in the job's order */
export interface AgeingTask {
  kind: 'ageing';
  work: CellAgeingWork[];
}

/** a task's failure: a ProblemError's problems, else the message and stack */
export type TaskFailure =
  { problems: ProblemError['problems']; prefix?: string } | { error: { message: string; stack?: string } };

/** the ageing task's answer: each item's trajectory, in order, or the error (tagged: other answers may be queued) */
export type AgeingReply = { ageing: number[][] } | { ageingFailed: TaskFailure };

/** the battery's C/3 measurement (an EV duty does not need it: measured here while the battery's thread runs the duty) */
export interface C3Task {
  kind: 'c3';
  work: C3Work;
}

/** the C/3 task's answer: the figures, or the error (tagged: other answers may be queued) */
export type C3Reply = { c3: C3Figures } | { c3Failed: TaskFailure };

/** the first stages of the run's save on this thread, after the shift it ran (the pack's cells get `batterySerial`) */
export interface StageTask {
  kind: 'stage';
  dbSpec: string;
  head: StagedRunHead;
  batterySerial: string;
}

/** the staged save's last stage: the run's other rows, then COMMIT */
export interface StageCommitTask {
  kind: 'stage-commit';
  rows: PreparedRunRows;
}

/** the staged save rolled back */
export interface StageAbortTask {
  kind: 'stage-abort';
}

/**
 * the staged save's answers: its cells are in (how many, and which pack serial they carry), or it failed
 * (rolled back); then committed, or the commit failed (rolled back, or — a connection lost during COMMIT —
 * perhaps landed); or aborted
 */
export type StageReply =
  | { staged: { cells: number; battery: BatteryCells | null } }
  | { stageFailed: TaskFailure }
  | { stageCommitted: true }
  | { stageCommitFailed: TaskFailure }
  | { stageAborted: true };

const port = parentPort;
if (!port) throw new Error('src/cli/job-worker.ts runs on a worker thread');

function failure(e: unknown): TaskFailure {
  if (e instanceof ProblemError) return { problems: e.problems, ...(e.prefix ? { prefix: e.prefix } : {}) };
  return {
    error: {
      message: (e as Error)?.message ?? String(e),
      ...((e as Error)?.stack ? { stack: (e as Error).stack } : {}),
    },
  };
}

function runCyclingTask(task: CyclingTask): void {
  const post = (m: CyclingReply): void => port!.postMessage(m);
  try {
    const { progress, ...req } = task;
    const result = runJobCycling(progress ? { ...req, progress: (e) => post({ progress: e }) } : req);
    markTiming('cycling done');
    post({ result });
  } catch (e) {
    post(failure(e));
  }
}

/** the last shift this thread ran (a staged save stages its cells) */
let lastShift: { spoolPath: string; packCells: number; inSpec: number; spooled: number } | null = null;

function runProductionTask(task: ProductionTask): void {
  lastShift = null;
  const post = (m: ProductionReply): void => port!.postMessage(m);
  const { progress, packCells, spoolPath, kind: _kind, lineCell, ...req } = task;
  let writer: SpoolWriter | null = null;
  try {
    writer = new SpoolWriter(spoolPath);
    const spool = writer;
    const first: ProducedCellRecord[] = [];
    let inSpec = 0;
    markTiming('shift started');
    let made = 0;
    const run = runJobProduction({
      ...req,
      keepCells: false,
      onStart: () => markTiming('shift timeline built'),
      onCell: (c) => {
        if (made++ === 0) markTiming('first cell made');
        spool.add(storedCell(c));
        if (c.inSpec && inSpec++ < packCells) {
          first.push(c);
          if (first.length === packCells) {
            markTiming("the pack's cells made");
            post({ firstInSpec: first });
          }
        }
      },
      ...(progress ? { progress: (e) => post({ progress: e }) } : {}),
    });
    const spooled = writer.close();
    markTiming('shift done');
    lastShift = { spoolPath, packCells, inSpec, spooled };
    // the battery's projection comes to this thread once the battery's duty is done: its code compiled now,
    // while this thread has nothing to do (after the tasks already queued: the C/3, a staged save)
    if (packCells > 0) {
      const cells = first.length === packCells ? first : undefined;
      setImmediate(() => warmAgeing(req.recipe, req.seed, cells, lineCell));
    }
    const { estimate: _estimate, ...capacity } = run.capacity;
    post({ done: { run: { ...run, capacity }, inSpec, spooled } });
  } catch (e) {
    try {
      writer?.close();
    } catch {
      /* the original error matters more */
    }
    post(failure(e));
  }
}

/**
 * One of the pack's cells (the shift's first in-spec cells, else design cells around the job's line cell)
 * through a 10-year projection like the battery's (cellAgeingTrajectory; a day of
 * use made up: an hour at C/3 at 25 °C, 0.3 of its capacity through it), the result discarded: it compiles
 * the projection's code on this thread before the projection's work comes (a cold first chunk costs
 * ≈ 100 ms more: bench:main's ageing marks). Nothing outside this call changes; a failure is ignored (the
 * projection then finds it, and reports it, itself).
 */
function warmAgeing(
  recipe: Recipe,
  seed: number,
  cells: readonly ProducedCellRecord[] | undefined,
  lineCell: ProducedCell | undefined,
): void {
  try {
    // design cells around the job's line cell when it came with the task (else buildPack runs the line again)
    const built = buildPack(recipe, { seed, ...(cells ? { cells } : { lineCell }) });
    const spec = built.specs[0]!;
    const capacity_C = spmeOf(spec).nominalCapacity_C;
    cellAgeingTrajectory({
      spec,
      day: { active_s: 3600, temperature_K: celsius(25), rmsCurrent_A: capacity_C / 3600 / 3 },
      dailyCharge_C: 0.3 * capacity_C,
      years: 10,
      formationDays: 30,
      vMin_V: built.pack.vMin,
      vMax_V: built.pack.vMax,
      role: 'cell',
    });
    markTiming('ageing code warmed');
  } catch {
    /* only a warm-up */
  }
}

function runAgeingTask(task: AgeingTask): void {
  const post = (m: AgeingReply): void => port!.postMessage(m);
  try {
    const ageing = task.work.map(cellAgeingTrajectory);
    markTiming(`ageing chunk of ${ageing.length} done`);
    post({ ageing });
  } catch (e) {
    post({ ageingFailed: failure(e) });
  }
}

function runC3Task(task: C3Task): void {
  const post = (m: C3Reply): void => port!.postMessage(m);
  try {
    const c3 = measurePackC3(task.work);
    markTiming('C/3 done');
    post({ c3 });
  } catch (e) {
    post({ c3Failed: failure(e) });
  }
}

/** this thread's staged save: its connection, the run, and its stages in order */
let stage: { store: Store | null; run: StagedRun | null; chain: Promise<void> } | null = null;

/** the staged save's connection closed (its transaction committed or rolled back before) */
async function endStage(): Promise<void> {
  const st = stage;
  stage = null;
  try {
    await st?.run?.abort(); // nothing when it committed
  } finally {
    await st?.store?.close();
  }
}

function runStageTask(task: StageTask): void {
  const post = (m: StageReply): void => port!.postMessage(m);
  const st: NonNullable<typeof stage> = { store: null, run: null, chain: Promise.resolve() };
  stage = st;
  // after the tasks already queued (a C/3 the battery waits for): they run before this thread's next turn
  st.chain = new Promise<void>((r) => setImmediate(r)).then(async () => {
    try {
      const shift = lastShift;
      if (!shift) throw new Error('a staged save needs the shift this thread ran, and it ran none');
      const battery =
        shift.packCells > 0 && shift.inSpec >= shift.packCells
          ? { serial: task.batterySerial, count: shift.packCells }
          : null;
      st.store = await openStore(task.dbSpec, { integrityCheck: false });
      st.run = await st.store.beginRun(task.head);
      await st.run.addCells(readSpoolRows(shift.spoolPath, battery));
      markTiming('cells staged');
      post({ staged: { cells: st.run.cells, battery } });
    } catch (e) {
      await endStage().catch(() => {});
      post({ stageFailed: failure(e) });
    }
  });
}

function runStageCommitTask(task: StageCommitTask): void {
  const post = (m: StageReply): void => port!.postMessage(m);
  const st = stage;
  if (!st) return post({ stageCommitFailed: failure(new Error('no staged save on this thread')) });
  st.chain = st.chain.then(async () => {
    try {
      if (!st.run || stage !== st) throw new Error('the staged save failed before its commit');
      await st.run.commit(task.rows);
      markTiming('staged save committed');
      post({ stageCommitted: true });
    } catch (e) {
      post({ stageCommitFailed: failure(e) });
    } finally {
      await endStage().catch(() => {});
    }
  });
}

function runStageAbortTask(): void {
  const post = (m: StageReply): void => port!.postMessage(m);
  const st = stage;
  if (!st) return post({ stageAborted: true });
  st.chain = st.chain.then(async () => {
    await endStage().catch(() => {});
    post({ stageAborted: true });
  });
}

markTiming('loaded');
port.on(
  'message',
  (task: CyclingTask | ProductionTask | AgeingTask | C3Task | StageTask | StageCommitTask | StageAbortTask) => {
    if ('kind' in task && task.kind === 'stage') runStageTask(task);
    else if ('kind' in task && task.kind === 'stage-commit') runStageCommitTask(task);
    else if ('kind' in task && task.kind === 'stage-abort') runStageAbortTask();
    else if ('kind' in task && task.kind === 'production') runProductionTask(task);
    else if ('kind' in task && task.kind === 'ageing') runAgeingTask(task);
    else if ('kind' in task && task.kind === 'c3') runC3Task(task);
    else runCyclingTask(task as CyclingTask);
  },
);
