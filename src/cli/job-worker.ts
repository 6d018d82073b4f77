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
 *   cycling is done while the battery's thread does the rest.
 */
import { parentPort } from 'node:worker_threads';
import { runJobCycling, runJobProduction, type JobCyclingRequest, type JobProductionRequest } from '../pipeline.ts';
import type { CapacitySurrogate } from '../process/production/capacity.ts';
import type { ProductionCell as ProducedCellRecord, ProductionRun } from '../process/line.ts';
import { ProblemError } from '../problems.ts';
import type { ProgressEvent } from '../progress.ts';
import { storedCell } from '../run-record.ts';
import { SpoolWriter } from '../store/spool.ts';
import { cellAgeingTrajectory, type CellAgeingWork } from '../battery/ageing-cells.ts';
import { measurePackC3, type C3Figures, type C3Work } from '../battery/run.ts';

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
    post({ result: runJobCycling(progress ? { ...req, progress: (e) => post({ progress: e }) } : req) });
  } catch (e) {
    post(failure(e));
  }
}

function runProductionTask(task: ProductionTask): void {
  const post = (m: ProductionReply): void => port!.postMessage(m);
  const { progress, packCells, spoolPath, kind: _kind, ...req } = task;
  let writer: SpoolWriter | null = null;
  try {
    writer = new SpoolWriter(spoolPath);
    const spool = writer;
    const first: ProducedCellRecord[] = [];
    let inSpec = 0;
    const run = runJobProduction({
      ...req,
      keepCells: false,
      onCell: (c) => {
        spool.add(storedCell(c));
        if (c.inSpec && inSpec++ < packCells) {
          first.push(c);
          if (first.length === packCells) post({ firstInSpec: first });
        }
      },
      ...(progress ? { progress: (e) => post({ progress: e }) } : {}),
    });
    const spooled = writer.close();
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

function runAgeingTask(task: AgeingTask): void {
  const post = (m: AgeingReply): void => port!.postMessage(m);
  try {
    post({ ageing: task.work.map(cellAgeingTrajectory) });
  } catch (e) {
    post({ ageingFailed: failure(e) });
  }
}

function runC3Task(task: C3Task): void {
  const post = (m: C3Reply): void => port!.postMessage(m);
  try {
    post({ c3: measurePackC3(task.work) });
  } catch (e) {
    post({ c3Failed: failure(e) });
  }
}

port.on('message', (task: CyclingTask | ProductionTask | AgeingTask | C3Task) => {
  if ('kind' in task && task.kind === 'production') runProductionTask(task);
  else if ('kind' in task && task.kind === 'ageing') runAgeingTask(task);
  else if ('kind' in task && task.kind === 'c3') runC3Task(task);
  else runCyclingTask(task as CyclingTask);
});
