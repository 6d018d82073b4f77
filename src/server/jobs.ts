/**
 * Runs off the request thread: each run is a worker thread (./worker/run-worker.ts) that computes and
 * stores it; at most `concurrency` run at once, the rest wait in a FIFO queue. The manager keeps each
 * job's events so that a client that subscribes late gets them, then the live events: every stage
 * change, the newest live Shift snapshot, and the cell batches of the last REPLAY_CELLS cells (older
 * batches are dropped — the snapshot has the totals and the store every cell). What a job holds is
 * therefore bounded whatever its shift's length; the live Shift view is computed in the run's worker
 * (ShiftStream, ./present/shift.ts) and arrives here as snapshots. A finished job stays in memory for
 * `keepMs` (its events can still be replayed), after which the store is the only source.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { checkedDataForWorker } from '../assets.ts';
import type { Problem } from '../problems.ts';
import type { ShiftCellBatch, ShiftPayload, SpcQuantity } from './present/shift.ts';
import type { RunTask, WorkerMessage, ShiftStart } from './worker/messages.ts';

export type JobStateName = 'queued' | 'running' | 'completed' | 'failed';

export type JobEvent =
  | {
      event: 'state';
      data: { state: JobStateName; stage: string | null; done?: number; total?: number; unit?: string; t_ms?: number };
    }
  | { event: 'shift-start'; data: ShiftStart }
  | { event: 'cells'; data: { batch: ShiftCellBatch; t_now_s: number } }
  | { event: 'shift'; data: ShiftPayload }
  | { event: 'done'; data: { run_id: string } }
  | { event: 'failed'; data: { problems: Problem[]; internal: boolean } };

export interface Job {
  runId: string;
  state: JobStateName;
  stage: string | null;
  error: string | null;
  problems: Problem[];
  /** cells streamed so far */
  cellsSeen: number;
  /** cells in the 'cells' events kept for replay (at most about REPLAY_CELLS) */
  replayCells: number;
  start: ShiftStart | null;
  tNow: number;
  /** the newest live Shift snapshot per SPC quantity (from the worker) */
  live: Record<SpcQuantity, ShiftPayload> | null;
  events: JobEvent[];
  listeners: Set<(e: JobEvent) => void>;
  task: Omit<RunTask, 'dbSpec' | 'batchMs'>;
  finishedAt: number | null;
}

export interface JobManagerOptions {
  dbSpec: string;
  concurrency?: number;
  /** how long a finished job's events stay replayable, ms */
  keepMs?: number;
  batchMs?: number;
  /** called when a run is stored (e.g. to drop caches) */
  onStored?: (runId: string) => void;
  log?: (s: string) => void;
}

/** cells whose batches a late subscriber is replayed (the dashboard's live plot draws the last 20 000) */
export const REPLAY_CELLS = 20_000;

export class JobManager {
  readonly #jobs = new Map<string, Job>();
  readonly #queue: string[] = [];
  readonly #workers = new Map<string, Worker>();
  #running = 0;
  readonly concurrency: number;
  readonly #o: Required<Omit<JobManagerOptions, 'onStored' | 'log' | 'concurrency'>> & JobManagerOptions;
  #closed = false;

  constructor(o: JobManagerOptions) {
    this.concurrency = Math.max(1, o.concurrency ?? Math.max(1, availableParallelism() - 1));
    this.#o = { keepMs: 10 * 60_000, batchMs: 100, ...o };
  }

  get(runId: string): Job | undefined {
    return this.#jobs.get(runId);
  }

  list(): Job[] {
    return [...this.#jobs.values()];
  }

  submit(task: Omit<RunTask, 'dbSpec' | 'batchMs'>): Job {
    if (this.#closed) throw new Error('job manager closed');
    const job: Job = {
      runId: task.runId,
      state: 'queued',
      stage: null,
      error: null,
      problems: [],
      cellsSeen: 0,
      replayCells: 0,
      start: null,
      tNow: 0,
      live: null,
      events: [],
      listeners: new Set(),
      task,
      finishedAt: null,
    };
    this.#jobs.set(task.runId, job);
    this.#emit(job, { event: 'state', data: { state: 'queued', stage: null } });
    this.#queue.push(task.runId);
    this.#pump();
    return job;
  }

  /** subscribe to a job's events: the past ones are replayed first; returns the unsubscribe function */
  subscribe(runId: string, fn: (e: JobEvent) => void): () => void {
    const job = this.#jobs.get(runId);
    if (!job) return () => {};
    for (const e of job.events) fn(e);
    if (job.state === 'completed' || job.state === 'failed') return () => {};
    job.listeners.add(fn);
    return () => job.listeners.delete(fn);
  }

  /**
   * live Shift payload of a running job for any quantity: the worker's newest snapshot (taken every
   * ≥ 2 s; null before the shift starts)
   */
  liveShift(runId: string, quantity: SpcQuantity): ShiftPayload | null {
    const job = this.#jobs.get(runId);
    if (!job || !job.start || !job.live) return null;
    return job.live[quantity];
  }

  #emit(job: Job, e: JobEvent): void {
    job.events.push(e);
    for (const l of job.listeners) l(e);
  }

  #dropOldCells(job: Job): void {
    let drop = 0;
    const keep: JobEvent[] = [];
    for (const e of job.events) {
      if (e.event === 'cells' && job.replayCells - drop > REPLAY_CELLS) {
        const k = e.data.batch.index.length;
        if (job.replayCells - drop - k >= REPLAY_CELLS * 0.5) {
          drop += k;
          continue;
        }
      }
      keep.push(e);
    }
    job.events = keep;
    job.replayCells -= drop;
  }

  #pump(): void {
    while (this.#running < this.concurrency && this.#queue.length > 0) {
      const id = this.#queue.shift()!;
      const job = this.#jobs.get(id);
      if (!job) continue;
      this.#start(job);
    }
  }

  #finish(job: Job, state: 'completed' | 'failed'): void {
    if (job.state === 'completed' || job.state === 'failed') return;
    job.state = state;
    job.finishedAt = Date.now();
    this.#running--;
    this.#workers.delete(job.runId);
    if (state === 'completed') this.#emit(job, { event: 'done', data: { run_id: job.runId } });
    else this.#emit(job, { event: 'failed', data: { problems: job.problems, internal: job.error !== null } });
    job.listeners.clear();
    this.#o.onStored?.(job.runId);
    // drop the per-cell data of finished jobs after keepMs (the store has them)
    setTimeout(() => this.#jobs.delete(job.runId), this.#o.keepMs).unref();
    this.#pump();
  }

  #start(job: Job): void {
    this.#running++;
    job.state = 'running';
    this.#emit(job, { event: 'state', data: { state: 'running', stage: null } });
    const task: RunTask = { ...job.task, dbSpec: this.#o.dbSpec, batchMs: this.#o.batchMs };
    // with the data files this thread has checked (validating the recipe): the worker does not check them again
    const w = new Worker(new URL('./worker/run-worker.mjs', import.meta.url), {
      workerData: { ...task, ...checkedDataForWorker() },
    });
    this.#workers.set(job.runId, w);
    let failed = false;
    w.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'progress':
          job.stage = m.stage;
          // progress within a stage replaces the stage's previous progress in the replay history
          for (let i = job.events.length - 1; i >= 0; i--) {
            const e = job.events[i]!;
            if (e.event !== 'state') continue;
            if (e.data.state === 'running' && e.data.stage === m.stage) job.events.splice(i, 1);
            break;
          }
          this.#emit(job, {
            event: 'state',
            data: {
              state: 'running',
              stage: m.stage,
              done: m.done,
              total: m.total,
              ...(m.unit ? { unit: m.unit } : {}),
              t_ms: m.t_ms,
            },
          });
          break;
        case 'shift-start':
          job.start = m.info;
          this.#emit(job, { event: 'shift-start', data: m.info });
          break;
        case 'cells': {
          const k = m.batch.index.length;
          job.cellsSeen += k;
          job.replayCells += k;
          job.tNow = m.t_now_s;
          this.#emit(job, { event: 'cells', data: { batch: m.batch, t_now_s: m.t_now_s } });
          // replay only the newest REPLAY_CELLS cells' batches (the oldest go; `events` stays bounded)
          if (job.replayCells > REPLAY_CELLS) this.#dropOldCells(job);
          break;
        }
        case 'shift': {
          // keep only the newest snapshot in the replay history
          const i = job.events.findIndex((e) => e.event === 'shift');
          if (i >= 0) job.events.splice(i, 1);
          job.live = m.payloads;
          this.#emit(job, { event: 'shift', data: m.payloads.gauge_240_thickness_um });
          break;
        }
        case 'saved':
          this.#finish(job, 'completed');
          break;
        case 'failed':
          failed = true;
          job.problems = m.problems;
          job.error = m.internal ? m.message : null;
          if (m.internal) this.#o.log?.(`run ${job.runId} failed: ${m.message}`);
          this.#finish(job, 'failed');
          break;
      }
    });
    w.on('error', (e) => {
      this.#o.log?.(`run ${job.runId}: worker error: ${e.message}`);
      job.problems = [
        {
          path: '',
          problem: 'internal error in the run worker (the server log has the details)',
          got: '',
          allowed: '',
        },
      ];
      job.error = e.message;
      this.#finish(job, 'failed');
    });
    w.on('exit', (code) => {
      if (job.state === 'running' && !failed) {
        job.problems = [{ path: '', problem: `the run worker stopped (exit code ${code})`, got: '', allowed: '' }];
        job.error = `exit ${code}`;
        this.#finish(job, 'failed');
      }
    });
  }

  /** stop all workers (running runs are lost: they were not stored yet) */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#workers.values()].map((w) => w.terminate()));
  }
}
