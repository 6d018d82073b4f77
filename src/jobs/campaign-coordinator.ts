/**
 * Running a production campaign against its store (`rollcell run --campaign N`, `POST /api/campaigns`):
 * the campaign is stored (same id for the same recipe, seed, cells and version: the same call resumes
 * it), its missing whole-roll shards run here through `execute` (SQLite) or go to the `rollcell worker`s
 * of the PostgreSQL queue and are followed until every shard is stored; the shards are then joined into
 * the summary (with the campaign-wide control charts and capability) and the campaign is completed.
 */
import type { Recipe } from '../recipe/schema.ts';
import { CampaignStore, campaignId, openStore, type Store } from '../store/index.ts';
import { ROLLCELL_VERSION } from '../version.ts';
import {
  campaignSpecLimits,
  planCampaign,
  runCampaignTask,
  summariseCampaign,
  type CampaignPlan,
  type CampaignShardTask,
  type CampaignSummary,
  type ShardOutput,
  type ShardResult,
} from './campaign.ts';

export interface CampaignRunOptions {
  /** the `--db` spec: postgres://… sends the shards to the workers */
  db: string;
  seed: number;
  /** an open store of `db` (opened and closed here when absent) */
  store?: Store;
  /** runs one shard here (default: in this thread) */
  execute?: (t: CampaignShardTask) => Promise<ShardOutput>;
  /** shards done of the total, after each */
  onProgress?: (done: number, total: number) => void;
  /** one line of news (waiting for workers) */
  onNote?: (line: string) => void;
  /** called once the campaign is stored, before any shard runs */
  onBegin?: (id: string, plan: CampaignPlan, resumed: boolean) => void;
  /** lease of a shard on the queue, s (default 3600) */
  leaseSeconds?: number;
  signal?: AbortSignal;
}

export interface CampaignOutcome {
  campaign_id: string;
  plan: CampaignPlan;
  summary: CampaignSummary;
  resumed: boolean;
  distributed: boolean;
  seconds: number;
}

export const isPostgresSpec = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db.trim());

/** The campaign's deterministic id. */
export function campaignIdOf(recipe: Recipe, recipeText: string, seed: number, cells: number): string {
  return campaignId([ROLLCELL_VERSION, recipeText, JSON.stringify(recipe), String(seed), String(cells)]);
}

export async function runCampaign(
  recipe: Recipe,
  recipeText: string,
  cells: number,
  o: CampaignRunOptions,
): Promise<CampaignOutcome> {
  const plan = planCampaign(recipe, cells);
  const distributed = isPostgresSpec(o.db);
  const id = campaignIdOf(recipe, recipeText, o.seed, cells);
  const store = o.store ?? (await openStore(o.db));
  const campaigns = new CampaignStore(store);
  const t0 = performance.now();
  try {
    const b = await campaigns.begin({
      id,
      rollcellVersion: ROLLCELL_VERSION,
      recipeText,
      recipe,
      seed: o.seed,
      cells,
      shards: plan.shards,
      shardLength_m: plan.shard_length_m,
    });
    o.onBegin?.(id, plan, !b.created);
    const missing = Array.from({ length: plan.shards }, (_, k) => k).filter((k) => !b.done.has(k));
    const aborted = (): void => {
      if (o.signal?.aborted) throw new Error(`campaign ${id} interrupted: the same request resumes it`);
    };
    if (!distributed) {
      let done = b.done.size;
      const execute = o.execute ?? ((t: CampaignShardTask) => Promise.resolve(runCampaignTask(t)));
      for (const k of missing) {
        o.onProgress?.(done, plan.shards);
        aborted();
        const r = await execute({ recipe, seed: o.seed, plan, shard: k });
        await campaigns.saveShard(id, k, r.result, r.cells);
        done++;
      }
      o.onProgress?.(done, plan.shards);
    } else {
      const { JobQueue } = await import('./queue.ts');
      const queue = await JobQueue.open(o.db);
      const wake = await queue.wakeups();
      try {
        const before = await queue.campaignCounts(id);
        if (missing.length && before.queued + before.active === 0) {
          await queue.enqueueCampaign(id, missing, { leaseSeconds: o.leaseSeconds ?? 3600, retryLimit: 3 });
          await queue.notify('queued');
        }
        let waited = false;
        const tw = performance.now();
        for (;;) {
          wake.clear();
          const n = await campaigns.countShards(id);
          o.onProgress?.(n, plan.shards);
          if (n >= plan.shards) break;
          aborted();
          const q = await queue.campaignCounts(id);
          if (q.queued + q.active === 0 && (await campaigns.countShards(id)) < plan.shards)
            throw new Error(
              `campaign ${id}: ${plan.shards - n} shard(s) missing and none queued or running (${q.failed} given up); run the same command again`,
            );
          if (!waited && q.active === 0 && performance.now() - tw > 10_000) {
            waited = true;
            o.onNote?.(
              `waiting for workers: ${q.queued} campaign shard(s) queued; start one with rollcell worker --db <the same database>`,
            );
          }
          // a worker's notification (a shard completed) or the next look
          await wake.wait(500, o.signal);
        }
      } finally {
        await wake.close();
        await queue.close();
      }
    }
    const results = (await campaigns.shards(id)) as ShardResult[];
    const summary = summariseCampaign(results, campaignSpecLimits(recipe));
    await campaigns.finish(id, summary);
    return {
      campaign_id: id,
      plan,
      summary,
      resumed: !b.created,
      distributed,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    if (!o.store) await store.close();
  }
}
