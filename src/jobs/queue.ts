/**
 * The job queue of scale-out runs: pg-boss 10 (a PostgreSQL job queue for Node ≥ 20) in the same
 * PostgreSQL database as the run history, in a schema of its own next to the store's tables
 * (`rollcell_queue`, or `<schema>_queue` for a store in `?schema=<schema>`). A deployment is one
 * database and any number of workers; nothing else runs.
 *
 * What pg-boss gives here: jobs claimed with `FOR UPDATE SKIP LOCKED` (two workers never hold the same
 * shard), a lease per job (`expireInSeconds`: a job still active after it is failed by the queue's
 * supervisor and retried — a worker killed with SIGKILL loses its shard to the next worker), retries
 * with a limit, and inserts that ignore a known job id (enqueueing a shard twice makes one job).
 * What it does not: heartbeats — a lease must cover the longest shard (the coordinator sizes shards in
 * seconds and leases at many times that).
 */
import PgBoss from 'pg-boss';
import pg from 'pg';
import { createHash } from 'node:crypto';
import { parseDbSpec } from '../store/spec.ts';
import { shardJobId, type ShardRange } from './shards.ts';

export const SHARD_QUEUE = 'rollcell_study_shard';
export const CAMPAIGN_QUEUE = 'rollcell_campaign_shard';

/** The data of a campaign shard job. */
export interface CampaignJobData {
  campaign_id: string;
  shard: number;
}

export interface ClaimedCampaignShard {
  id: string;
  data: CampaignJobData;
  retryCount: number;
  retryLimit: number;
}

/** The data of a shard job. */
export interface ShardJobData {
  study_id: string;
  from: number;
  to: number;
}

export interface ClaimedShard {
  id: string;
  data: ShardJobData;
  /** 0 on the first try; > 0 when an earlier holder failed or lost its lease */
  retryCount: number;
  retryLimit: number;
}

export interface QueueOptions {
  /** how often this process runs the queue's upkeep (expired leases → retry), s; default 60 */
  maintenanceIntervalSeconds?: number;
  /** connections this process keeps to the database; default 4 */
  maxConnections?: number;
}

export interface EnqueueOptions {
  /** lease of each shard, s */
  leaseSeconds: number;
  /** tries after the first before a shard is given up (its points are then recorded as failed by the next claim) */
  retryLimit: number;
}

export interface ShardCounts {
  queued: number;
  active: number;
  failed: number;
  completed: number;
}

/** the queue's schema for a store spec */
export function queueSchema(storeSchema: string): string {
  return storeSchema === 'public' ? 'rollcell_queue' : `${storeSchema.slice(0, 56)}_queue`;
}

/**
 * Wake-ups through PostgreSQL's LISTEN/NOTIFY: `wait` sleeps until a notification on the queue's channel,
 * the timeout or the signal, whichever comes first. A notification that arrives while nobody waits is
 * kept, so the next `wait` returns at once (none is lost between an empty claim and the sleep). The
 * listening connection is best effort: while it is down, `wait` is a plain sleep (the caller polls
 * anyway) and it is opened again at most every 5 s.
 */
export class Wakeups {
  readonly #connectionString: string;
  readonly #channel: string;
  #client: pg.Client | null = null;
  #connecting: Promise<void> | null = null;
  #lastTry = -Infinity;
  #pending = false;
  #waiters = new Set<() => void>();
  #closed = false;

  constructor(connectionString: string, channel: string) {
    this.#connectionString = connectionString;
    this.#channel = channel;
  }

  /** Opens the listening connection (resolves when listening or when that failed). */
  start(): Promise<void> {
    if (this.#closed || this.#client || this.#connecting) return this.#connecting ?? Promise.resolve();
    this.#lastTry = performance.now();
    const c = new pg.Client({ connectionString: this.#connectionString, application_name: 'rollcell listen' });
    const drop = (): void => {
      if (this.#client === c) this.#client = null;
      c.end().catch(() => {});
    };
    c.on('error', drop);
    c.on('end', drop);
    c.on('notification', (m) => {
      if (m.channel === this.#channel) this.#wake();
    });
    this.#connecting = c
      .connect()
      .then(() => c.query(`LISTEN ${this.#channel}`))
      .then(() => {
        if (this.#closed) drop();
        else this.#client = c;
      })
      .catch(drop)
      .finally(() => (this.#connecting = null));
    return this.#connecting;
  }

  #wake(): void {
    if (this.#waiters.size === 0) this.#pending = true;
    for (const w of [...this.#waiters]) w();
  }

  /** Forgets a notification that came in before now (call before looking for work). */
  clear(): void {
    this.#pending = false;
  }

  /** Waits for a notification, `ms` or the signal. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (!this.#client && !this.#connecting && performance.now() - this.#lastTry > 5000) void this.start();
    if (this.#pending || signal?.aborted) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((res) => {
      const done = (): void => {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        this.#waiters.delete(done);
        res();
      };
      const t = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#connecting;
    const c = this.#client;
    this.#client = null;
    for (const w of [...this.#waiters]) w();
    await c?.end().catch(() => {});
  }
}

/** A connection to the queue of the PostgreSQL database named by a `--db` spec. */
export class JobQueue {
  readonly #boss: PgBoss;
  readonly #connectionString: string;
  readonly schema: string;
  readonly display: string;
  /** the LISTEN/NOTIFY channel of this queue: new shards queued, shards completed */
  readonly channel: string;

  private constructor(boss: PgBoss, schema: string, display: string, connectionString: string) {
    this.#boss = boss;
    this.schema = schema;
    this.display = display;
    this.#connectionString = connectionString;
    this.channel = `rollcell_queue_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
  }

  /**
   * Tells the listeners of this queue (idle workers, coordinators) that something changed: shards
   * queued (workers claim at once instead of at their next poll) or completed (a coordinator looks).
   */
  async notify(what: 'queued' | 'completed'): Promise<void> {
    await this.#boss.getDb().executeSql('select pg_notify($1, $2)', [this.channel, what]);
  }

  /** Wake-ups on this queue's notifications (started; close it when done). */
  async wakeups(): Promise<Wakeups> {
    const w = new Wakeups(this.#connectionString, this.channel);
    await w.start();
    return w;
  }

  /** Opens (and on first use installs) the queue; `onError` gets the errors of background upkeep. */
  static async open(dbSpec: string, o: QueueOptions = {}, onError?: (e: Error) => void): Promise<JobQueue> {
    const spec = parseDbSpec(dbSpec);
    if (spec.kind !== 'postgres')
      throw new Error(
        `--db: a distributed run needs PostgreSQL (got '${spec.display}'; allowed postgres://user@host:port/database)`,
      );
    const schema = queueSchema(spec.schema);
    const boss = new PgBoss({
      connectionString: spec.connectionString,
      schema,
      application_name: 'rollcell',
      max: o.maxConnections ?? 4,
      supervise: true,
      schedule: false,
      migrate: true,
      maintenanceIntervalSeconds: o.maintenanceIntervalSeconds ?? 60,
    });
    boss.on('error', (e: Error) => onError?.(e));
    // pg-boss installs its schema and creates queues with no lock across processes: two processes opening
    // the queue of a fresh database at once deadlock in create_queue (40P01; a worker started with the
    // first coordinator died of it and the coordinator waited for ever). The set-up runs one process at a
    // time, under a session advisory lock of our own (released when its connection ends).
    const lock = new pg.Client({ connectionString: spec.connectionString, application_name: 'rollcell' });
    lock.on('error', () => {});
    await lock.connect();
    try {
      await lock.query('select pg_advisory_lock(hashtext($1))', [`rollcell queue set-up: ${schema}`]);
      await boss.start();
      await boss.createQueue(SHARD_QUEUE, { name: SHARD_QUEUE, retryLimit: 3, expireInSeconds: 900 });
      await boss.createQueue(CAMPAIGN_QUEUE, { name: CAMPAIGN_QUEUE, retryLimit: 3, expireInSeconds: 3600 });
    } catch (e) {
      await boss.stop({ graceful: false, wait: true, close: true, timeout: 2000 }).catch(() => {});
      throw e;
    } finally {
      await lock.end().catch(() => {});
    }
    return new JobQueue(boss, schema, spec.display, spec.connectionString);
  }

  /** Enqueues shards of a study (a shard already queued under the same id is not added again). */
  async enqueueShards(studyId: string, ranges: readonly ShardRange[], o: EnqueueOptions): Promise<void> {
    const CHUNK = 1000;
    for (let i = 0; i < ranges.length; i += CHUNK) {
      await this.#boss.insert(
        ranges.slice(i, i + CHUNK).map((r) => ({
          id: shardJobId(studyId, r),
          name: SHARD_QUEUE,
          data: { study_id: studyId, from: r.from, to: r.to } satisfies ShardJobData,
          expireInSeconds: Math.max(1, Math.round(o.leaseSeconds)),
          retryLimit: o.retryLimit,
          retryDelay: 0,
        })),
      );
    }
  }

  /** Enqueues shards of a campaign (ids deterministic: a shard queued twice is one job). */
  async enqueueCampaign(campaignId: string, shards: readonly number[], o: EnqueueOptions): Promise<void> {
    const CHUNK = 1000;
    for (let i = 0; i < shards.length; i += CHUNK) {
      await this.#boss.insert(
        shards.slice(i, i + CHUNK).map((k) => ({
          id: shardJobId(campaignId, { from: k, to: k + 1 }),
          name: CAMPAIGN_QUEUE,
          data: { campaign_id: campaignId, shard: k } satisfies CampaignJobData,
          expireInSeconds: Math.max(1, Math.round(o.leaseSeconds)),
          retryLimit: o.retryLimit,
          retryDelay: 0,
        })),
      );
    }
  }

  async claimCampaign(n = 1): Promise<ClaimedCampaignShard[]> {
    const jobs = await this.#boss.fetch<CampaignJobData>(CAMPAIGN_QUEUE, { batchSize: n, includeMetadata: true });
    return jobs.map((j) => ({ id: j.id, data: j.data, retryCount: j.retryCount, retryLimit: j.retryLimit }));
  }

  async completeCampaign(id: string, output: Record<string, unknown> = {}): Promise<void> {
    await this.#boss.complete(CAMPAIGN_QUEUE, id, output);
  }

  async failCampaign(id: string, message: string): Promise<void> {
    await this.#boss.fail(CAMPAIGN_QUEUE, id, { message });
  }

  /** The campaign's shard jobs by state. */
  async campaignCounts(campaignId: string): Promise<ShardCounts> {
    return this.#countBy(CAMPAIGN_QUEUE, 'campaign_id', campaignId);
  }

  /** Claims up to `n` shards (none when the queue is empty). */
  async claim(n = 1): Promise<ClaimedShard[]> {
    const jobs = await this.#boss.fetch<ShardJobData>(SHARD_QUEUE, { batchSize: n, includeMetadata: true });
    return jobs.map((j) => ({ id: j.id, data: j.data, retryCount: j.retryCount, retryLimit: j.retryLimit }));
  }

  async complete(id: string, output: Record<string, unknown> = {}): Promise<void> {
    await this.#boss.complete(SHARD_QUEUE, id, output);
  }

  async fail(id: string, message: string): Promise<void> {
    await this.#boss.fail(SHARD_QUEUE, id, { message });
  }

  /** Fails the shards whose lease ran out (they are retried); every worker calls it when idle. */
  async expire(): Promise<void> {
    await this.#boss.expire();
  }

  /** A round trip to the database (throws when the connection is lost). */
  async ping(): Promise<void> {
    await this.#boss.getDb().executeSql('select 1', []);
  }

  /** The study's shards by state (the queue's job table, read directly: pg-boss 10 has no per-data count). */
  async counts(studyId: string): Promise<ShardCounts> {
    return this.#countBy(SHARD_QUEUE, 'study_id', studyId);
  }

  async #countBy(queue: string, key: 'study_id' | 'campaign_id', value: string): Promise<ShardCounts> {
    const { rows } = await this.#boss
      .getDb()
      .executeSql(
        `select state, count(*)::int as n from ${this.schema}.job where name = $1 and data->>'${key}' = $2 group by state`,
        [queue, value],
      );
    const c: ShardCounts = { queued: 0, active: 0, failed: 0, completed: 0 };
    for (const r of rows as { state: string; n: number }[]) {
      if (r.state === 'created' || r.state === 'retry') c.queued += r.n;
      else if (r.state === 'active') c.active += r.n;
      else if (r.state === 'failed' || r.state === 'cancelled') c.failed += r.n;
      else if (r.state === 'completed') c.completed += r.n;
    }
    return c;
  }

  /** The messages of the study's shards that were given up (failed after their retries). */
  async failures(studyId: string, limit = 5): Promise<string[]> {
    const { rows } = await this.#boss
      .getDb()
      .executeSql(
        `select output from ${this.schema}.job where name = $1 and data->>'study_id' = $2 and state = 'failed' limit $3`,
        [SHARD_QUEUE, studyId, limit],
      );
    return (rows as { output: { message?: string; value?: { message?: string } } | null }[]).map(
      (r) => r.output?.message ?? r.output?.value?.message ?? JSON.stringify(r.output),
    );
  }

  /** Stops (waits for nothing: a shard still held is given back by its lease). */
  async close(): Promise<void> {
    await this.#boss.stop({ graceful: false, wait: true, close: true, timeout: 2000 }).catch(() => {});
  }
}
