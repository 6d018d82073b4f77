/**
 * Sweeps and production campaigns started over the API (`POST /api/sweeps`, `POST /api/campaigns`): run
 * off the request thread and followed by server-sent events. With the embedded SQLite a sweep's points
 * run on the local pool of worker threads (src/study/pool.ts) and a campaign's shards on a worker thread
 * (src/jobs/campaign-entry.mjs); with PostgreSQL both go through the job queue to the `rollcell worker`s
 * (src/jobs/coordinator.ts, src/jobs/campaign-coordinator.ts), exactly as `rollcell sweep --distributed`
 * and `rollcell run --campaign N` do. Everything is stored as the CLI stores it (same ids: a request
 * for a study or campaign that exists resumes or re-reads it). Each job keeps its events so that a late
 * subscriber gets the latest progress, then the live ones.
 */
import { Piscina } from 'piscina';
import type { Problem } from '../problems.ts';
import type { Store } from '../store/index.ts';
import { StudyStore } from '../store/studies.ts';
import { runSweep, contextOf, type PreparedStudy } from '../study/session.ts';
import { poolExecutor, defaultWorkers } from '../study/pool.ts';
import type { Recipe } from '../recipe/schema.ts';
import { runCampaign, isPostgresSpec } from '../jobs/campaign-coordinator.ts';
import type { CampaignShardTask, ShardOutput } from '../jobs/campaign.ts';
import { toHttp } from './http-problems.ts';

export type LongJobKind = 'sweep' | 'campaign';
export type LongJobState = 'running' | 'completed' | 'failed';

export interface LongProgress {
  done: number;
  total: number;
  failed?: number;
  unit: 'points' | 'shards';
  elapsed_s: number;
  eta_s: number | null;
}

export type LongJobEvent =
  | { event: 'progress'; data: LongProgress }
  | { event: 'note'; data: { message: string } }
  | { event: 'done'; data: { id: string } }
  | { event: 'failed'; data: { problems: Problem[]; internal: boolean } };

export interface LongJob {
  kind: LongJobKind;
  id: string;
  state: LongJobState;
  distributed: boolean;
  progress: LongProgress | null;
  problems: Problem[];
  last: LongJobEvent | null;
  listeners: Set<(e: LongJobEvent) => void>;
}

export interface LongJobsOptions {
  store: Store;
  /** the `--db` spec the server opened (postgres://… sends work to the queue's workers) */
  dbSpec?: string;
  /** threads for a local sweep (default every core) */
  threads?: number;
  log?: (s: string) => void;
}

export class LongJobs {
  readonly #jobs = new Map<string, LongJob>();
  readonly #o: LongJobsOptions;
  readonly #abort = new AbortController();
  #campaignPool: Piscina | undefined;
  readonly #running = new Set<Promise<void>>();

  constructor(o: LongJobsOptions) {
    this.#o = o;
  }

  get distributed(): boolean {
    return this.#o.dbSpec !== undefined && isPostgresSpec(this.#o.dbSpec);
  }

  get(kind: LongJobKind, id: string): LongJob | undefined {
    const j = this.#jobs.get(`${kind}:${id}`);
    return j;
  }

  active(kind: LongJobKind): LongJob[] {
    return [...this.#jobs.values()].filter((j) => j.kind === kind && j.state === 'running');
  }

  /** Subscribes to a job's events: the last one first (the state so far), then the live ones. */
  subscribe(job: LongJob, f: (e: LongJobEvent) => void): () => void {
    if (job.last) f(job.last);
    job.listeners.add(f);
    return () => job.listeners.delete(f);
  }

  #emit(job: LongJob, e: LongJobEvent): void {
    if (e.event !== 'note') job.last = e;
    for (const f of job.listeners) f(e);
  }

  #start(kind: LongJobKind, id: string, work: (job: LongJob) => Promise<void>): { job: LongJob; started: boolean } {
    const key = `${kind}:${id}`;
    const old = this.#jobs.get(key);
    if (old && old.state === 'running') return { job: old, started: false };
    const job: LongJob = {
      kind,
      id,
      state: 'running',
      distributed: this.distributed,
      progress: null,
      problems: [],
      last: null,
      listeners: new Set(),
    };
    this.#jobs.set(key, job);
    const p = work(job).then(
      () => {
        job.state = 'completed';
        this.#emit(job, { event: 'done', data: { id } });
      },
      (e: unknown) => {
        const h = toHttp(e);
        if (h.internal) this.#o.log?.(`${kind} ${id} failed: ${(e as Error)?.stack ?? String(e)}`);
        job.state = 'failed';
        job.problems = h.internal
          ? [{ path: '', problem: (e as Error)?.message ?? String(e), got: '', allowed: '' }]
          : h.problems;
        this.#emit(job, { event: 'failed', data: { problems: job.problems, internal: h.internal } });
      },
    );
    const tracked = p.finally(() => this.#running.delete(tracked));
    this.#running.add(tracked);
    return { job, started: true };
  }

  /** Starts (or resumes, or follows) a sweep. */
  startSweep(ps: PreparedStudy): { job: LongJob; started: boolean } {
    return this.#start('sweep', ps.id, async (job) => {
      const store = new StudyStore(this.#o.store);
      const onProgress = (p: {
        done: number;
        total: number;
        failed: number;
        elapsed_s: number;
        eta_s: number | null;
      }): void => {
        job.progress = {
          done: p.done,
          total: p.total,
          failed: p.failed,
          unit: 'points',
          elapsed_s: p.elapsed_s,
          eta_s: p.eta_s,
        };
        this.#emit(job, { event: 'progress', data: job.progress });
      };
      if (this.distributed) {
        const { JobQueue } = await import('../jobs/queue.ts');
        const { runDistributedSweep } = await import('../jobs/coordinator.ts');
        const queue = await JobQueue.open(this.#o.dbSpec!);
        try {
          await runDistributedSweep(ps, {
            store,
            queue,
            onProgress,
            onNote: (message) => this.#emit(job, { event: 'note', data: { message } }),
            signal: this.#abort.signal,
            pollSeconds: 0.5,
          });
        } finally {
          await queue.close();
        }
        return;
      }
      const executor = poolExecutor(contextOf(ps.sp), this.#o.threads ?? defaultWorkers());
      try {
        // small batches so the table fills in live
        await runSweep(ps, { store, executor, onProgress, batchSize: 8, signal: this.#abort.signal });
      } finally {
        await executor.close();
      }
    });
  }

  /** Starts (or resumes, or follows) a campaign. */
  startCampaign(
    id: string,
    recipe: Recipe,
    recipeText: string,
    cells: number,
    seed: number,
  ): { job: LongJob; started: boolean } {
    return this.#start('campaign', id, async (job) => {
      const t0 = performance.now();
      await runCampaign(recipe, recipeText, cells, {
        db: this.#o.dbSpec ?? '',
        seed,
        store: this.#o.store,
        execute: (t: CampaignShardTask) => {
          this.#campaignPool ??= new Piscina({
            filename: new URL('../jobs/campaign-entry.mjs', import.meta.url).href,
            minThreads: 0,
            maxThreads: 1,
            idleTimeout: 30_000,
            execArgv: [],
          });
          return this.#campaignPool.run(t) as Promise<ShardOutput>;
        },
        onProgress: (done, total) => {
          const el = (performance.now() - t0) / 1000;
          job.progress = {
            done,
            total,
            unit: 'shards',
            elapsed_s: el,
            eta_s: done > 0 ? ((total - done) * el) / done : null,
          };
          this.#emit(job, { event: 'progress', data: job.progress });
        },
        onNote: (message) => this.#emit(job, { event: 'note', data: { message } }),
        signal: this.#abort.signal,
      });
    });
  }

  /** Stops following (the stored work stays; the same request resumes it) and waits for the jobs to end. */
  async close(): Promise<void> {
    this.#abort.abort();
    await Promise.allSettled([...this.#running]);
    await this.#campaignPool?.destroy();
  }
}
