/**
 * The main job on three threads (issue 12):
 * - the cycling stage — the experiment, its bands, rate capability and the ageing projection, independent
 *   of the production shift and the battery — runs on a worker thread (./job-worker.ts);
 * - the production shift runs on another worker thread when its records are streamed to a spool (the
 *   `rollcell run` case): that thread writes each cell's stored record to the spool itself and posts the
 *   pack's first n in-spec cells as soon as they exist, so that this thread runs the battery on them while
 *   the shift goes on;
 * - this thread runs the line and the battery; the battery's multi-year projection (one work item per cell
 *   and per band draw, independent: src/battery/ageing-cells.ts) is shared between this thread and the
 *   workers whose shift or cycling is done by then (ageingOnThreads), each item's trajectory put in its place.
 * - with a StagedSave (`rollcell run`'s store on a file or a server), the shift's worker, once its shift is
 *   done, also writes the shift's cells into the run's save transaction (Store.beginRun) while this thread
 *   runs the battery; the caller commits the rest of the run through it (StagedSave.commit) or aborts it.
 * The result is runJob's, key for key (pipeline's runJobWith puts the cycling's and the shift's blocks,
 * warnings and findings where runJob does, and the pack takes the same cells); the spool holds the same
 * records in the same order. test/pipeline/job-threads.test.ts compares the two.
 *
 * A stage runs in this thread instead (runJob's code) when there is nothing to overlap (no production
 * shift and no battery, or no cycling), when the cycling takes model-parameter overrides (a function: it
 * cannot be sent to a thread), when the shift has per-cell or start callbacks (live views) or is not
 * streamed to a spool, on a single core, or with ROLLCELL_THREADS=0. Progress events of a worker arrive
 * when this thread is free, i.e. between the battery's stages and after it.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  runJob,
  runJobCycling,
  type AgeingRunner,
  runJobProduction,
  runJobWith,
  jobBatterySerial,
  type CyclingRun,
  type JobOptions,
  type JobProductionRequest,
  type JobResult,
  type ProductionElsewhere,
} from '../pipeline.ts';
import type { Recipe } from '../recipe/schema.ts';
import type { ProductionCell as ProducedCellRecord, ProductionRun } from '../process/line.ts';
import { withEstimate } from '../process/production/capacity.ts';
import { ProblemError } from '../problems.ts';
import { storedCell } from '../run-record.ts';
import type { CellSpool } from '../store/spool.ts';
import type {
  AgeingReply,
  AgeingTask,
  C3Reply,
  C3Task,
  CyclingReply,
  CyclingTask,
  ProductionReply,
  ProductionTask,
  StageAbortTask,
  StageCommitTask,
  StageReply,
  StageTask,
} from './job-worker.ts';
import type { BatteryCells } from '../store/spool.ts';
import type { PreparedRunRows, StagedRunHead } from '../store/types.ts';
import { cellAgeingTrajectory, type CellAgeingWork } from '../battery/ageing-cells.ts';
import { stageTicker, type Progress } from '../progress.ts';
import { measurePackC3, type C3Figures, type C3Work } from '../battery/run.ts';
import { markTiming, timingWorkerData } from './timings.ts';
import { checkedDataForWorker } from '../assets.ts';
import { allMaterials } from '../materials/library.ts';
import { mechanicalProperties } from '../materials/mechanics.ts';
import { liAlData } from '../materials/li-al.ts';
import { canonicalCathodeId } from '../electrochem/ssb/params.ts';
import { ageingDatasets, ageingParameterRecords } from '../electrochem/ssb/ageing-data.ts';
import { chartConstantsTable } from '../process/production/spc.ts';

const threadsOn = (env: NodeJS.ProcessEnv): boolean => env['ROLLCELL_THREADS'] !== '0' && availableParallelism() >= 2;

/**
 * Worker threads started ahead of the job (warmJobWorkers), each loading its code while this thread reads
 * the recipe and opens the store; the job takes them instead of starting its own (`rollcell run` starts
 * one: the production shift's when there is one, else the cycling's). Idle ones do not keep
 * the process alive (unref) and are stopped when a job ends.
 */
const warm: Worker[] = [];

/** workers whose thread has ended (their 'exit' came): never given work */
const ended = new WeakSet<Worker>();
const watchEnd = (w: Worker): void => {
  w.once('exit', () => ended.add(w));
};

/**
 * The data files a job's threads read, checked here (once per thread: each loader keeps its value), for the
 * workers' start: each worker takes them from its workerData instead of checking them again (≈ 40 ms CPU per
 * thread: src/assets.ts checkedOnce). A broken file is not this call's error: what was checked goes, and the
 * job reports the file where it uses it.
 */
export const jobDataForWorker = (): Record<string, unknown> => {
  try {
    allMaterials(); // library.json, and mechanics.json for its same_as records
    mechanicalProperties('Cu'); // mechanics.json, checked
    liAlData();
    canonicalCathodeId('NCM811'); // ssb-cathodes.json
    ageingParameterRecords();
    ageingDatasets();
    chartConstantsTable();
  } catch {
    /* reported where the job uses the file */
  }
  return checkedDataForWorker();
};

const newWorker = (): Worker => {
  const w = new Worker(new URL('./job-worker.mjs', import.meta.url), {
    workerData: { ...timingWorkerData(), ...jobDataForWorker() },
  });
  watchEnd(w);
  // a worker's failure is reported through its task's listeners (and its 'exit'), not as this thread's error
  w.on('error', () => {});
  return w;
};

/** Starts `n` job worker threads now (none with ROLLCELL_THREADS=0 or on one core), for the next runJobThreaded. */
export function warmJobWorkers(n: number, env: NodeJS.ProcessEnv = process.env): void {
  if (!threadsOn(env)) return;
  while (warm.length < n) {
    const w = newWorker();
    w.unref();
    // a worker that fails to start is not this job's error (newWorker: its errors are ignored): it leaves
    // the pool, the job starts its own
    w.once('exit', () => {
      const i = warm.indexOf(w);
      if (i >= 0) warm.splice(i, 1);
    });
    warm.push(w);
  }
}

/** Stops the warm worker threads no job took (a command that failed before its job). */
export function releaseJobWorkers(): void {
  for (const w of warm.splice(0)) void w.terminate();
}

/** a started worker (a warm one when there is one, unless `fresh`), kept alive until it ends */
function takeWorker(fresh = false): Worker {
  const w = (fresh ? undefined : warm.shift()) ?? newWorker();
  w.ref();
  return w;
}

/** Whether runJobThreaded would run the cycling on a worker thread for this job. */
export function jobUsesThreads(opts: JobOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  return threadsOn(env) && !opts.noCycling && !opts.cycling?.params && Boolean(opts.production || opts.battery);
}

/** Whether runJobThreaded would run the production shift on a worker thread (given a spool for its records). */
export function shiftUsesThread(opts: JobOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  return threadsOn(env) && Boolean(opts.production) && !opts.onCell && !opts.onProductionStart;
}

/**
 * runJob on up to three threads. With `spool`, the production shift's stored records (run-record's
 * storedCell) go to it — written on the shift's own thread when it has one — and the job must not also
 * have a cellSink; JobResult.productionRun.cells is then empty, as with a cellSink.
 */
export async function runJobThreaded(
  recipe: Recipe,
  opts: JobOptions,
  spool?: CellSpool,
  stage?: StagedSave,
): Promise<JobResult> {
  if (spool && opts.cellSink) throw new Error('runJobThreaded: give the cells a spool or a cellSink, not both');
  const o: JobOptions = spool ? { ...opts, cellSink: (c) => spool.add(storedCell(c)) } : opts;
  const cyclingThread = jobUsesThreads(o);
  const shiftThread = spool !== undefined && shiftUsesThread(o);
  if (!cyclingThread && !shiftThread) {
    releaseJobWorkers();
    return runJob(recipe, o);
  }
  let cyclingWorker: Worker | null = null;
  let shiftWorker: Worker | null = null;
  // the job's workers: those whose task is done take part of the battery (its C/3, its projection)
  const pool = new JobPool();
  const free = (w: Worker): void => pool.free(w);
  try {
    return await runJobWith(
      recipe,
      o,
      cyclingThread
        ? (req) => {
            // with a shift on its own thread, the warm worker is the shift's (its first cells start the
            // battery); the cycling's starts now, once this thread's own start-up work (recipe, store, line)
            // is done, so that on two cores the shift's worker does not share them with a third thread meanwhile
            const w = takeWorker(shiftThread);
            cyclingWorker = w;
            return cyclingOn(w, req, free);
          }
        : (req) => Promise.resolve(runJobCycling(req)),
      shiftThread
        ? (req, packCells) => {
            const w = takeWorker();
            shiftWorker = w;
            pool.shift = w;
            const shift = shiftOn(w, req, packCells, spool, free);
            // the run's cells into its save transaction on the same thread, once its shift is done
            if (stage && opts.runId) stage.attach(w, jobBatterySerial(opts));
            return shift;
          }
        : undefined,
      { ageing: ageingOnThreads(pool.idle), c3: c3OnThread(pool) },
    );
  } finally {
    // a job that failed in this thread leaves no worker running; the shift's worker writes to the
    // caller's spool, so it is stopped before the caller can dispose of it
    pool.closed = true;
    void (cyclingWorker as Worker | null)?.terminate();
    releaseJobWorkers();
    // a worker holding the run's staged save is the StagedSave's to stop (after its commit or abort)
    if (!stage?.holds(shiftWorker)) await (shiftWorker as Worker | null)?.terminate();
  }
}

/** an error posted by a worker, as the error runJob would have thrown */
function workerError(
  m: { problems: ProblemError['problems']; prefix?: string } | { error: { message: string; stack?: string } },
): Error {
  if ('problems' in m) return new ProblemError(m.problems, m.prefix);
  const e = new Error(m.error.message);
  if (m.error.stack) e.stack = m.error.stack;
  return e;
}

function cyclingOn(
  w: Worker,
  req: Parameters<typeof runJobCycling>[0],
  free: (w: Worker) => void,
): Promise<CyclingRun> {
  const { progress, ...rest } = req;
  const task: CyclingTask = { ...rest, progress: Boolean(progress) };
  try {
    w.postMessage(task);
  } catch {
    // a request that cannot be sent to a thread (not structured-cloneable) runs here, in runJob's order
    void w.terminate();
    return Promise.resolve(runJobCycling(req));
  }
  return new Promise<CyclingRun>((resolve, reject) => {
    const settle = (f: () => void): void => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      f();
    };
    const onMessage = (m: CyclingReply): void => {
      if ('progress' in m) progress?.(m.progress);
      else if ('result' in m) {
        markTiming('cycling result in');
        settle(() => resolve(m.result));
        free(w);
      } else settle(() => reject(workerError(m)));
    };
    const onError = (e: Error): void => settle(() => reject(e));
    const onExit = (code: number): void =>
      settle(() => reject(new Error(`the cycling stage's worker thread ended (exit ${code}) without a result`)));
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
  });
}

/**
 * Posts `task` to `w` and waits for the one answer `pick` recognises (undefined: not this task's answer; the
 * worker's other answers go to their own listeners); `ifGone` when the worker ends first or the task cannot be
 * posted.
 */
function askWorker<T>(w: Worker, task: object, pick: (m: object) => T | undefined, ifGone: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const settle = (v: T): void => {
      w.off('message', onMessage);
      w.off('exit', onExit);
      resolve(v);
    };
    const onMessage = (m: object): void => {
      const v = pick(m);
      if (v !== undefined) settle(v);
    };
    const onExit = (): void => settle(ifGone);
    w.on('message', onMessage);
    w.on('exit', onExit);
    try {
      w.postMessage(task);
    } catch {
      settle(ifGone);
    }
  });
}

function shiftOn(
  w: Worker,
  req: JobProductionRequest,
  packCells: number,
  spool: CellSpool,
  free: (w: Worker) => void,
): ProductionElsewhere {
  const { progress, onCell: _onCell, onStart: _onStart, keepCells: _keep, ...rest } = req;
  const task: ProductionTask = { ...rest, kind: 'production', progress: Boolean(progress), packCells, spoolPath: '' };
  try {
    task.spoolPath = spool.lend();
    w.postMessage(task);
  } catch {
    // a request that cannot be sent to a thread runs here: the same shift, written to the spool here
    void w.terminate();
    if (task.spoolPath) spool.settle(0);
    return shiftHere(req, packCells, spool);
  }
  let resolveFirst!: (c: ProducedCellRecord[] | null) => void;
  let rejectFirst!: (e: unknown) => void;
  const firstInSpec = new Promise<ProducedCellRecord[] | null>((res, rej) => {
    resolveFirst = res;
    rejectFirst = rej;
  });
  firstInSpec.catch(() => {}); // the job awaits `done` too, which rejects with the same error
  const done = new Promise<{ run: ProductionRun; inSpec: number }>((resolve, reject) => {
    const detach = (): void => {
      w.off('message', onMessage);
      w.off('error', fail);
      w.off('exit', onExit);
    };
    function fail(e: unknown): void {
      detach();
      rejectFirst(e);
      reject(e);
    }
    const onMessage = (m: ProductionReply): void => {
      if ('progress' in m) progress?.(m.progress);
      else if ('firstInSpec' in m) {
        markTiming("the pack's cells in");
        resolveFirst(m.firstInSpec);
      } else if ('done' in m) {
        detach();
        markTiming('shift result in');
        spool.settle(m.done.spooled);
        resolveFirst(null); // no effect when the pack's cells came already
        resolve({ run: { ...m.done.run, capacity: withEstimate(m.done.run.capacity) }, inSpec: m.done.inSpec });
        free(w);
      } else fail(workerError(m));
    };
    const onExit = (code: number): void =>
      fail(new Error(`the production shift's worker thread ended (exit ${code}) without a result`));
    w.on('message', onMessage);
    w.on('error', fail);
    w.on('exit', onExit);
  });
  return { firstInSpec, done };
}

/** the shift in this thread, with the worker's contract (the records to the spool, the pack's first cells) */
function shiftHere(req: JobProductionRequest, packCells: number, spool: CellSpool): ProductionElsewhere {
  const first: ProducedCellRecord[] = [];
  let inSpec = 0;
  try {
    const run = runJobProduction({
      ...req,
      keepCells: false,
      onCell: (c) => {
        spool.add(storedCell(c));
        if (c.inSpec && inSpec++ < packCells) first.push(c);
      },
    });
    return {
      firstInSpec: Promise.resolve(inSpec >= packCells ? first : null),
      done: Promise.resolve({ run, inSpec }),
    };
  } catch (e) {
    return { firstInSpec: Promise.reject(e), done: Promise.reject(e) };
  }
}

/** cell-ageing items per task sent to a worker (a few ms each: the round trip is small beside them) */
const AGEING_CHUNK = 8;

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * The battery's projection shared between the job's idle workers (`idle`: those whose shift or cycling is
 * done; one that becomes idle meanwhile joins) and, when a core is left for it, this thread: a queue of
 * chunks — the band's draws first, one each (the longest items), then the cells in chunks of AGEING_CHUNK —
 * that each worker (at most `cores` of them: more threads than cores would only share them) and this thread
 * take from until it is empty. This thread takes part only while fewer workers than `cores` do (or none is
 * busy): its projection code is cold after the duty (≈ 100 ms more on its first chunk), while the cycling's
 * worker ran the same cell code and the shift's worker compiled it while the duty ran (job-worker's
 * warmAgeing). Each trajectory goes to its item's place, so the result is runAgeingWork's whoever computes
 * what. A worker that fails (an error, or it ends) gives its chunk back and leaves; this thread computes what
 * is left, so an error of the work itself is thrown here as runJob would throw it.
 */
export function ageingOnThreads(idle: Worker[], cores = availableParallelism()): AgeingRunner {
  const maxWorkers = Math.max(1, cores);
  return async (work, years, progress) => {
    markTiming('battery duty done');
    const out = new Array<number[]>(work.length);
    const ticker = stageTicker(progress, 'battery: ageing', years, 'years');
    let done = 0;
    const put = (chunk: readonly number[], trajectories: readonly number[][]): void => {
      chunk.forEach((i, j) => (out[i] = trajectories[j]!));
      done += chunk.length;
      ticker.tick((years * done) / work.length);
    };
    const draws: number[] = [];
    const cells: number[] = [];
    work.forEach((w, i) => (w.role === 'draw' ? draws : cells).push(i));
    const queue: number[][] = draws.map((i) => [i]);
    for (let a = 0; a < cells.length; a += AGEING_CHUNK) queue.push(cells.slice(a, a + AGEING_CHUNK));
    const busy = new Set<Worker>();
    let taken = 0;
    let over = false;
    let wake: (() => void) | null = null;
    const poke = (): void => {
      const f = wake;
      wake = null;
      f?.();
    };
    const feed = (w: Worker): void => {
      if (over || ended.has(w)) return;
      const chunk = queue.shift();
      if (!chunk) return;
      busy.add(w);
      const task: AgeingTask = { kind: 'ageing', work: chunk.map((i) => work[i]!) as CellAgeingWork[] };
      const settle = (trajectories: number[][] | null): void => {
        busy.delete(w);
        if (trajectories) put(chunk, trajectories);
        else {
          queue.unshift(chunk); // back to the queue; the worker takes no more (another idle one may)
          taken--;
        }
        if (trajectories) feed(w);
        poke();
      };
      // a worker's other answers (a C/3 queued before) go to their own listeners
      const pick = (m: AgeingReply | object): number[][] | null | undefined =>
        'ageing' in m ? (m.ageing.length === chunk.length ? m.ageing : null) : 'ageingFailed' in m ? null : undefined;
      void askWorker(w, task, pick, null).then(settle);
    };
    try {
      for (;;) {
        // messages that came while this thread computed: results, and workers that became idle
        await nextTurn();
        while (taken < maxWorkers && idle.length > 0) {
          taken++;
          feed(idle.shift()!);
        }
        // this thread computes when a core is left for it, or when no worker is (or is any longer) busy
        const chunk = taken < cores || busy.size === 0 ? queue.shift() : undefined;
        if (chunk) {
          put(
            chunk,
            chunk.map((i) => cellAgeingTrajectory(work[i]!)),
          );
          continue;
        }
        if (busy.size === 0 && queue.length === 0) break;
        await new Promise<void>((r) => (wake = r));
      }
    } finally {
      // a worker's late answer (this thread failed meanwhile) is not fed again
      over = true;
    }
    if (done !== work.length) throw new Error(`ageingOnThreads: ${done} of ${work.length} trajectories`);
    ticker.end();
    markTiming('battery ageing done');
    return out;
  };
}

/**
 * A job's worker threads beyond their own task: `idle` those whose task is done and that hold nothing
 * queued, `shift` the production shift's. A worker holding the battery's C/3 (queued behind its task:
 * `reserved`) becomes idle when the C/3's answer comes.
 */
export class JobPool {
  readonly idle: Worker[] = [];
  shift: Worker | null = null;
  readonly reserved = new Set<Worker>();
  /** the job is over (its workers are being stopped): nothing is measured any more */
  closed = false;
  /** a worker's task is done */
  free(w: Worker): void {
    if (!this.reserved.has(w) && !ended.has(w) && !this.idle.includes(w)) this.idle.push(w);
  }
}

/**
 * The battery's C/3 measurement on another thread while this one runs the duty (this thread's event loop
 * is busy until the duty ends, so the task is queued at once): behind the production shift on its worker —
 * measured when the shift is done, long before the duty (and with no third thread busy beside this one and
 * the shift: on two cores, the cycling's worker measuring while the shift goes on would slow the duty) —
 * else on an idle worker, else here at once. The figures are measurePackC3's wherever it runs; a worker that
 * fails or ends leaves the measurement to this thread. The worker is idle again after answering.
 */
export function c3OnThread(pool: JobPool): (work: C3Work, progress?: Progress) => Promise<C3Figures> {
  return (work, progress) => {
    const w = [pool.shift, ...pool.idle].find((x): x is Worker => x !== null && !ended.has(x) && !pool.reserved.has(x));
    if (!w) return Promise.resolve(measurePackC3(work, progress));
    const i = pool.idle.indexOf(w);
    if (i >= 0) pool.idle.splice(i, 1);
    pool.reserved.add(w);
    const ticker = stageTicker(progress, 'battery: C/3 capacity', 100, '%');
    const task: C3Task = { kind: 'c3', work };
    // the worker's other answers (its cycling or shift) go to their own listeners
    const answer = askWorker(
      w,
      task,
      (m: C3Reply | object) => ('c3' in m ? m.c3 : 'c3Failed' in m ? null : undefined),
      null,
    );
    return new Promise<C3Figures>((resolve, reject) => {
      const settle = (figures: C3Figures | null): void => {
        pool.reserved.delete(w);
        if (figures) {
          markTiming('battery C/3 in');
          pool.free(w);
          ticker.end();
          resolve(figures);
          return;
        }
        if (pool.closed) return reject(new Error('the job ended before its C/3 measurement'));
        try {
          resolve(measurePackC3(work));
          ticker.end();
        } catch (e) {
          reject(e);
        }
      };
      void answer.then(settle);
    });
  };
}

/**
 * The run's save in stages on the production shift's worker thread (`rollcell run` with its store on a file
 * or a server): the worker writes the recipe row, the run's id and the shift's cells (from the spool it
 * wrote) in one open write transaction of its own (Store.beginRun) as soon as its shift (and a C/3 queued
 * behind it) is done — while this thread still runs the battery — and the caller commits the run's other
 * rows through it at the end (`commit`), or rolls it all back (`abort`). Nothing is visible before the
 * commit, and a failure or a crash at any point leaves no run. Whenever the staged save cannot be used
 * (its worker failed or ended, the database refused a stage, the cells staged are not the run's cells),
 * `commit` says so (false) after rolling it back, and the caller saves the run as before (Store.saveRun).
 * SQLite: the transaction holds the database's write lock from the end of the shift to the commit (a few
 * seconds for `rollcell run examples/patent-line.yaml`): other writers wait meanwhile (busy timeout).
 */
export class StagedSave {
  #worker: Worker | null = null;
  #staged: Promise<{ cells: number; battery: BatteryCells | null } | null> = Promise.resolve(null);
  /** a commit was tried: the run may be stored even when it failed (a connection lost during COMMIT) */
  #tried = false;

  constructor(
    readonly dbSpec: string,
    readonly head: StagedRunHead,
  ) {}

  /** whether `w` is the worker holding this save (runJobThreaded leaves it running) */
  holds(w: Worker | null): boolean {
    return w !== null && w === this.#worker;
  }

  /** whether a commit was tried and failed: the run may have landed (Store.saveRun's mayExist) */
  get mayHaveLanded(): boolean {
    return this.#tried;
  }

  /** starts the save's first stages on the shift's worker `w` (behind the shift); the pack's cells get `serial` */
  attach(w: Worker, serial: string): void {
    if (this.#worker) throw new Error('StagedSave: attached twice');
    this.#worker = w;
    const task: StageTask = { kind: 'stage', dbSpec: this.dbSpec, head: this.head, batterySerial: serial };
    this.#staged = askWorker(
      w,
      task,
      (m: StageReply | object) => {
        if ('staged' in m) {
          markTiming("the shift's cells staged");
          return m.staged;
        }
        return 'stageFailed' in m ? null : undefined;
      },
      null,
    );
  }

  /** whether the save's first stages were started (attach) */
  get attached(): boolean {
    return this.#worker !== null;
  }

  /**
   * Commits the run: its other rows (`prepareRunRows` of the run, checked by the caller), after checking that
   * the cells staged are the run's — `cells` of them, the pack's first in-spec ones carrying `battery`'s
   * serial (JobResult.batteryCells). True when the run is stored; false (everything rolled back, or — when
   * mayHaveLanded — perhaps stored) when the caller must save it as before.
   */
  async commit(rows: PreparedRunRows, expect: { cells: number; battery: BatteryCells | null }): Promise<boolean> {
    const w = this.#worker;
    if (!w) return false;
    const staged = await this.#staged;
    const same =
      staged !== null &&
      staged.cells === expect.cells &&
      rows.runRow.n_cells === expect.cells &&
      (staged.battery === null
        ? expect.battery === null
        : expect.battery !== null &&
          staged.battery.serial === expect.battery.serial &&
          staged.battery.count === expect.battery.count);
    if (!same) {
      await this.abort();
      return false;
    }
    this.#tried = true;
    const ok = await askWorker<boolean>(
      w,
      { kind: 'stage-commit', rows } satisfies StageCommitTask,
      (m) => ('stageCommitted' in m ? true : 'stageCommitFailed' in m ? false : undefined),
      false,
    );
    await this.abort(); // the worker's part is over: it is stopped
    return ok;
  }

  /** Rolls the save back (when it was not committed) and stops its worker; safe to call more than once. */
  async abort(): Promise<void> {
    const w = this.#worker;
    if (!w) return;
    this.#worker = null;
    if (!ended.has(w))
      await askWorker<true>(
        w,
        { kind: 'stage-abort' } satisfies StageAbortTask,
        (m) => ('stageAborted' in m ? true : undefined),
        true,
      );
    // a terminated worker's connection is closed, its open transaction rolled back
    await w.terminate();
  }
}
