/**
 * A scale-out worker: claims shards of studies from the PostgreSQL queue (./queue.ts), evaluates their
 * points with the study engine's point evaluation (this thread or a pool of worker threads), and writes
 * them into the study's table — the same rows, under the same keys, that a single-machine run writes.
 *
 * Exactly once, under faults:
 * - a shard's points are written in one transaction with `insert … on conflict do nothing` on
 *   (study id, point index): a shard run twice (a lease that ran out under a slow worker, a retry after
 *   a crash) leaves one row per point, and the rows are equal because a point is a pure function of
 *   (plan, seed, index);
 * - a worker killed mid-shard writes nothing of it; its lease runs out, the queue retries the shard and
 *   the next worker runs the points that are not stored;
 * - a retried shard runs point by point, each stored as it finishes, and each try of a point is counted
 *   in `study_point_attempts` before it starts: a point whose worker died `retryLimit` times is stored
 *   as failed ("poisoned") with that reason and the study goes on;
 * - a lost database connection is retried for `reconnectSeconds`; the work in hand is kept and written
 *   when the database is back, else the worker exits with a message naming the database.
 */
import { availableParallelism } from 'node:os';
import { openStore, StudyStore, type StoredStudy, type Store } from '../store/index.ts';
import { planStored } from '../study/prepare.ts';
import { contextOf, sweepTagOf } from '../study/session.ts';
import { taskOf, type Executor } from '../study/engine.ts';
import { inlineExecutor, poolExecutor } from '../study/pool.ts';
import type { PointContext, PointResult, PointTask } from '../study/point.ts';
import type { StudyPlan } from '../study/plan.ts';
import { ROLLCELL_VERSION } from '../version.ts';
import { Piscina } from 'piscina';
import { CampaignStore } from '../store/index.ts';
import { validateRecipeData } from '../recipe/parse.ts';
import type { Recipe } from '../recipe/schema.ts';
import { JobQueue, type ClaimedCampaignShard, type ClaimedShard } from './queue.ts';
import {
  planCampaign,
  runCampaignTask,
  type CampaignPlan,
  type CampaignShardTask,
  type ShardOutput,
} from './campaign.ts';

export interface WorkerOptions {
  db: string;
  /** shards worked on at once (threads); default every core */
  concurrency?: number;
  /** seconds to keep trying a lost database connection before giving up; default 60 */
  reconnectSeconds?: number;
  /** exit after this many seconds without a shard to claim; default: never */
  idleExitSeconds?: number;
  /** seconds between claims when the queue is empty; default 0.5 */
  pollSeconds?: number;
  /** the queue's upkeep interval (lease expiry), s; default 60 (an idle worker also expires leases every second) */
  maintenanceIntervalSeconds?: number;
  /** what the worker reports (one line each) */
  log?: (line: string) => void;
  signal?: AbortSignal;
  /**
   * fault injection for tests: called before each point of a shard; a test uses it to kill the process
   * at a chosen point (the CLI sets it from ROLLCELL_WORKER_DIE_AT=<study>:<index>)
   */
  beforePoint?: (studyId: string, idx: number) => void;
}

export interface WorkerSummary {
  shards: number;
  /** campaign shards (production runs) */
  campaign_shards: number;
  points: number;
  poisoned: number;
  elapsed_s: number;
  /** CPU time of this process, all its threads (s) */
  cpu_s: number;
  /** where this worker's wall time went (see WorkerTiming) */
  timing: WorkerTiming;
  /** the same per study, for the last 20 studies this worker ran shards of (idle time is the worker's only) */
  studies: { study_id: string; timing: WorkerTiming }[];
}

/**
 * Where a worker's wall time went, summed over its slots (seconds), and when its study work began and
 * ended (epoch ms, so that a bench can line several workers up against the coordinator's clock):
 * - `claim_s`: fetching a shard from the queue (one round trip), `stored_s`: reading which of its points
 *   are already stored, `compute_s`: evaluating points, `write_s`: the shard's write transaction,
 *   `complete_s`: marking the job completed — the queue's own cost is claim + stored + write + complete;
 * - `idle_s`: waiting with nothing to claim (the sleep between polls, the queue's upkeep when idle);
 * - `first_shard_*`: the first shard of each study this worker ran (it pays for compiling the point code).
 */
export interface WorkerTiming {
  claim_s: number;
  stored_s: number;
  compute_s: number;
  write_s: number;
  complete_s: number;
  idle_s: number;
  /**
   * CPU seconds of this process while it computed (all threads; with --concurrency 1 the points' own
   * CPU): compute_s well above it means the worker waited for a core (a shared machine)
   */
  compute_cpu_s: number;
  /** points and compute seconds of the first shard this worker ran of each study */
  first_shard_points: number;
  first_shard_compute_s: number;
  /** epoch ms: the claim of the first study shard began, the last study shard completed (null: none) */
  first_claim_at: number | null;
  last_done_at: number | null;
}

const epochMs = (): number => performance.timeOrigin + performance.now();

/** The error a worker exits with when the database stays unreachable. */
export class LostDatabaseError extends Error {
  constructor(display: string, seconds: number, cause: unknown) {
    super(
      `rollcell worker: lost the connection to ${display} and could not get it back within ${seconds} s ` +
        `(last error: ${describe(cause)}); the shards it held are run again by the other workers once their lease runs out`,
    );
    this.name = 'LostDatabaseError';
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const agg = (e as Error & { errors?: unknown[] }).errors;
    if (e.message === '' && Array.isArray(agg) && agg.length) return describe(agg[0]);
    const code = (e as Error & { code?: string }).code;
    return `${e.message}${code ? ` (${code})` : ''}`;
  }
  return String(e);
}

/** Is this the database going away (as opposed to an error of the work)? */
export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = String((e as Error & { code?: unknown }).code ?? '');
  if (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code))
    return true;
  if (
    /Connection terminated|connection.*(closed|ended)|terminating connection|Client has encountered a connection error/i.test(
      e.message,
    )
  )
    return true;
  const agg = (e as Error & { errors?: unknown[] }).errors;
  return Array.isArray(agg) && agg.some(isConnectionError);
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((res) => {
    if (signal?.aborted) return res();
    const t = setTimeout(res, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), res()), { once: true });
  });

interface StudyWork {
  sp: StudyPlan;
  ctx: PointContext;
  seed: number;
  tagOf: ((i: number) => string) | undefined;
  executor: Executor;
}

/** Runs a worker until `signal` aborts, it has been idle for idleExitSeconds, or the database is lost for good. */
export async function runWorker(o: WorkerOptions): Promise<WorkerSummary> {
  const log = o.log ?? (() => {});
  const concurrency = o.concurrency ?? Math.max(1, availableParallelism());
  const reconnectS = o.reconnectSeconds ?? 60;
  const pollMs = Math.max(10, (o.pollSeconds ?? 0.5) * 1000);
  const t0 = performance.now();
  let display = o.db;
  let lastError: unknown;
  let downSince: number | null = null;

  /** runs `f`, retrying while the database is away (up to reconnectSeconds in all) */
  const db = async <T>(f: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        const r = await f();
        if (downSince !== null) {
          log(`database ${display} is back after ${((performance.now() - downSince) / 1000).toFixed(1)} s`);
          downSince = null;
        }
        return r;
      } catch (e) {
        if (!isConnectionError(e)) throw e;
        lastError = e;
        downSince ??= performance.now();
        if (performance.now() - downSince > reconnectS * 1000) throw new LostDatabaseError(display, reconnectS, e);
        if (o.signal?.aborted) throw e;
        await sleep(1000, o.signal);
      }
    }
  };

  const store: Store = await db(() => openStore(o.db));
  const studies = new StudyStore(store);
  display = store.spec;
  let queue: JobQueue;
  try {
    queue = await db(() =>
      JobQueue.open(
        o.db,
        { maintenanceIntervalSeconds: o.maintenanceIntervalSeconds ?? 60, maxConnections: 2 + concurrency },
        (e) => {
          lastError = e;
        },
      ),
    );
  } catch (e) {
    await store.close();
    throw e;
  }
  display = queue.display;
  // an idle worker sleeps until a coordinator's notification that shards are queued (or its poll)
  const wake = await queue.wakeups();
  log(`rollcell worker ${ROLLCELL_VERSION}: ${concurrency} shard(s) at once, database ${display}`);

  const work = new Map<string, Promise<StudyWork>>();
  const studyWork = (id: string): Promise<StudyWork> => {
    let w = work.get(id);
    if (!w) {
      w = (async () => {
        const s: StoredStudy = await db(() => studies.get(id));
        if (s.rollcell_version !== ROLLCELL_VERSION)
          throw new Error(
            `study ${id} was made by rollcell ${s.rollcell_version}; this worker is ${ROLLCELL_VERSION} (run workers of the study's version)`,
          );
        const sp = planStored(s.study_text, s.base as Record<string, unknown>);
        const ctx = contextOf(sp);
        const executor = concurrency === 1 ? inlineExecutor(ctx) : poolExecutor(ctx, concurrency);
        return { sp, ctx, seed: s.seed, tagOf: sweepTagOf(sp), executor };
      })();
      w.catch(() => work.delete(id));
      work.set(id, w);
    }
    return w;
  };

  const zero = (): WorkerTiming => ({
    claim_s: 0,
    stored_s: 0,
    compute_s: 0,
    write_s: 0,
    complete_s: 0,
    idle_s: 0,
    compute_cpu_s: 0,
    first_shard_points: 0,
    first_shard_compute_s: 0,
    first_claim_at: null,
    last_done_at: null,
  });
  const timing = zero();
  const perStudy = new Map<string, WorkerTiming>();
  const studyTiming = (id: string): WorkerTiming => {
    let t = perStudy.get(id);
    if (!t) {
      t = zero();
      perStudy.set(id, t);
      if (perStudy.size > 20) perStudy.delete(perStudy.keys().next().value!);
    }
    return t;
  };
  type Phase = 'claim_s' | 'stored_s' | 'compute_s' | 'write_s' | 'complete_s' | 'idle_s';
  /** runs f and adds its wall time to the phase, the worker's and the study's */
  const timed = async <T>(phase: Phase, st: WorkerTiming, f: () => Promise<T>): Promise<T> => {
    const a = performance.now();
    try {
      return await f();
    } finally {
      const d = (performance.now() - a) / 1000;
      timing[phase] += d;
      st[phase] += d;
    }
  };
  const firstShardDone = new Set<string>();

  let shards = 0;
  let campaignShards = 0;
  let points = 0;
  let poisoned = 0;

  const campaigns = new CampaignStore(store);
  const campaignWork = new Map<string, Promise<{ recipe: Recipe; seed: number; plan: CampaignPlan }>>();
  let campaignPool: Piscina | undefined;
  const runCampaign = async (job: ClaimedCampaignShard): Promise<void> => {
    const { campaign_id: id, shard } = job.data;
    let w = campaignWork.get(id);
    if (!w) {
      w = (async () => {
        const c = await db(() => campaigns.get(id));
        if (c.rollcell_version !== ROLLCELL_VERSION)
          throw new Error(
            `campaign ${id} was made by rollcell ${c.rollcell_version}; this worker is ${ROLLCELL_VERSION}`,
          );
        const v = validateRecipeData(JSON.parse(JSON.stringify(c.recipe)));
        if (!v.ok) throw new Error(`campaign ${id}: its stored recipe no longer checks`);
        return { recipe: v.recipe, seed: c.seed, plan: planCampaign(v.recipe, c.cells) };
      })();
      w.catch(() => campaignWork.delete(id));
      campaignWork.set(id, w);
    }
    const c = await w;
    if (!(await db(() => campaigns.hasShard(id, shard)))) {
      const task: CampaignShardTask = { recipe: c.recipe, seed: c.seed, plan: c.plan, shard };
      let res: ShardOutput;
      if (concurrency === 1) res = runCampaignTask(task);
      else {
        campaignPool ??= new Piscina({
          filename: new URL('./campaign-entry.mjs', import.meta.url).href,
          minThreads: concurrency,
          maxThreads: concurrency,
          execArgv: [],
        });
        res = (await campaignPool.run(task)) as ShardOutput;
      }
      await db(() => campaigns.saveShard(id, shard, res.result, res.cells));
    }
    await db(() => queue.completeCampaign(job.id));
    queue.notify('completed').catch(() => {});
    campaignShards++;
  };

  const runShard = async (job: ClaimedShard): Promise<void> => {
    const { study_id: id, from, to } = job.data;
    let w: StudyWork;
    try {
      w = await studyWork(id);
    } catch (e) {
      if (isConnectionError(e)) throw e;
      await db(() => queue.fail(job.id, describe(e)));
      log(`shard ${id} [${from}, ${to}): ${describe(e)}`);
      return;
    }
    const st = studyTiming(id);
    const stored = await timed('stored_s', st, () => db(() => studies.storedIn(id, from, to)));
    const tasks: PointTask[] = [];
    for (let i = from; i < Math.min(to, w.sp.plan.size); i++)
      if (!stored.has(i)) tasks.push(taskOf(w.sp.plan, w.seed, i, w.tagOf?.(i)));
    if (job.retryCount === 0) {
      // first try: the whole shard on one thread, written in one transaction
      for (const t of tasks) o.beforePoint?.(id, t.idx);
      const c0 = performance.now();
      const u0 = process.cpuUsage();
      const res = await timed('compute_s', st, () => w.executor.run(tasks));
      const u = process.cpuUsage(u0);
      for (const x of [timing, st]) x.compute_cpu_s += (u.user + u.system) / 1e6;
      if (!firstShardDone.has(id)) {
        firstShardDone.add(id);
        for (const x of [timing, st]) {
          x.first_shard_points += res.length;
          x.first_shard_compute_s += (performance.now() - c0) / 1000;
        }
      }
      await timed('write_s', st, () => db(() => studies.savePoints(id, res)));
      points += res.length;
    } else {
      // a retry (an earlier holder died or lost its lease): point by point, each try counted first
      for (const t of tasks) {
        const tries = await db(() => studies.countTry(id, t.idx));
        let res: PointResult;
        // the first try of the shard died somewhere in it; each retry since died at this point
        if (tries >= job.retryLimit) {
          res = {
            idx: t.idx,
            seed: t.seed,
            values: t.values,
            ...(t.tag ? { tag: t.tag } : {}),
            status: 'failed',
            outputs: w.ctx.columns.map(() => null),
            error: `poisoned: the workers that tried this point died (${tries} tries of its shard; a crash, a kill or out of memory); not tried again`,
          };
          poisoned++;
        } else {
          o.beforePoint?.(id, t.idx);
          res = (await timed('compute_s', st, () => w.executor.run([t])))[0]!;
        }
        await timed('write_s', st, () => db(() => studies.savePoints(id, [res])));
        points++;
      }
    }
    await timed('complete_s', st, async () => {
      await db(() => queue.complete(job.id, { points: tasks.length }));
      // the coordinator following the study looks at its table now rather than at its next poll (not
      // awaited: a lost notification only means the coordinator's next poll sees the shard)
      queue.notify('completed').catch(() => {});
    });
    timing.last_done_at = st.last_done_at = epochMs();
    shards++;
  };

  let lastWork = performance.now();
  let lastExpire = 0;
  let lastPing = 0;
  let fatal: unknown;
  const slot = async (): Promise<void> => {
    while (!o.signal?.aborted && fatal === undefined) {
      const idleFrom = performance.now();
      wake.clear();
      const [job] = await db(() => queue.claim(1));
      if (!job) {
        const [cj] = await db(() => queue.claimCampaign(1));
        if (cj) {
          lastWork = performance.now();
          try {
            await runCampaign(cj);
          } catch (e) {
            if (isConnectionError(e) || e instanceof LostDatabaseError) throw e;
            log(`campaign ${cj.data.campaign_id} shard ${cj.data.shard} failed: ${describe(e)}`);
            await db(() => queue.failCampaign(cj.id, describe(e)));
          }
          lastWork = performance.now();
          continue;
        }
        if (o.idleExitSeconds !== undefined && performance.now() - lastWork > o.idleExitSeconds * 1000) return;
        if (performance.now() - lastExpire > 1000) {
          lastExpire = performance.now();
          await db(() => queue.expire());
        }
        // pg-boss's fetch hides connection errors (it returns no job): check the connection ourselves
        if (performance.now() - lastPing > 1000) {
          lastPing = performance.now();
          await db(() => queue.ping());
        }
        await wake.wait(pollMs, o.signal);
        // an empty claim, the upkeep and the sleep: time with nothing to do
        timing.idle_s += (performance.now() - idleFrom) / 1000;
        continue;
      }
      const st = studyTiming(job.data.study_id);
      for (const x of [timing, st]) {
        x.claim_s += (performance.now() - idleFrom) / 1000;
        x.first_claim_at ??= performance.timeOrigin + idleFrom;
      }
      lastWork = performance.now();
      try {
        await runShard(job);
      } catch (e) {
        if (isConnectionError(e) || e instanceof LostDatabaseError) throw e;
        // an error of the work, not of a point (a point's own failure is a row): the queue retries the shard
        log(`shard ${job.data.study_id} [${job.data.from}, ${job.data.to}) failed: ${describe(e)}`);
        await db(() => queue.fail(job.id, describe(e)));
      }
      lastWork = performance.now();
    }
  };
  try {
    const slots = Array.from({ length: concurrency }, () =>
      slot().catch((e: unknown) => {
        fatal ??= e;
      }),
    );
    await Promise.all(slots);
  } finally {
    for (const w of work.values()) await w.then((x) => x.executor.close()).catch(() => {});
    await campaignPool?.destroy();
    await wake.close();
    await queue.close();
    await store.close().catch(() => {});
  }
  if (fatal !== undefined) throw fatal instanceof Error ? fatal : new Error(describe(fatal ?? lastError));
  const cpu = process.cpuUsage();
  const summary = {
    shards,
    campaign_shards: campaignShards,
    points,
    poisoned,
    elapsed_s: (performance.now() - t0) / 1000,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    timing,
    studies: [...perStudy].map(([study_id, t]) => ({ study_id, timing: t })),
  };
  log(
    `rollcell worker: ${shards} shard(s), ${points} point(s)${poisoned ? `, ${poisoned} poisoned` : ''} in ${summary.elapsed_s.toFixed(1)} s`,
  );
  return summary;
}
