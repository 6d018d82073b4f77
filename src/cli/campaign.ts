/**
 * `rollcell run <recipe> --campaign N`: a production campaign of N cell positions, cut into whole-roll
 * shards (src/jobs/campaign.ts). With `--db postgres://…` the shards are enqueued for `rollcell worker`s
 * and followed live; with SQLite they run here, one after the other. Either way the shards are stored
 * under (campaign id, shard) and joined into the same summary; the same command resumes a campaign.
 */
import { ProblemError } from '../problems.ts';
import type { Recipe } from '../recipe/schema.ts';
import { openStore, CampaignStore, campaignId, maskSpec } from '../store/index.ts';
import { planCampaign, runCampaignShard, summariseCampaign, type ShardResult } from '../jobs/campaign.ts';
import { ROLLCELL_VERSION } from '../version.ts';
import { table, fmtNum } from './table.ts';
import type { Progress } from '../progress.ts';

export interface CampaignCommandOptions {
  db: string;
  seed: number;
  json?: boolean;
  leaseS?: string;
}

export function parseCampaignCells(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1e9)
    throw new ProblemError({
      path: '--campaign',
      problem: 'must be a whole number of cells',
      got: JSON.stringify(v),
      allowed: '1 … 1000000000 (e.g. 1000000)',
    });
  return n;
}

export async function campaignCommand(
  recipe: Recipe,
  recipeText: string,
  cells: number,
  o: CampaignCommandOptions,
  out: (s: string) => void,
  progress?: Progress,
): Promise<void> {
  const plan = planCampaign(recipe, cells);
  const distributed = /^postgres(ql)?:\/\//i.test(o.db.trim());
  const id = campaignId([ROLLCELL_VERSION, recipeText, JSON.stringify(recipe), String(o.seed), String(cells)]);
  const store = await openStore(o.db);
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
    const missing = Array.from({ length: plan.shards }, (_, k) => k).filter((k) => !b.done.has(k));
    const report = (done: number): void =>
      progress?.({ stage: 'production campaign', done, total: plan.shards, unit: 'shards' });
    if (!distributed) {
      let done = b.done.size;
      for (const k of missing) {
        report(done);
        await campaigns.saveShard(id, k, runCampaignShard(recipe, o.seed, plan, k));
        done++;
      }
      report(done);
    } else {
      const { JobQueue } = await import('../jobs/queue.ts');
      const queue = await JobQueue.open(o.db);
      try {
        const before = await queue.campaignCounts(id);
        if (missing.length && before.queued + before.active === 0) {
          const lease = o.leaseS === undefined ? 3600 : Number(o.leaseS);
          await queue.enqueueCampaign(id, missing, { leaseSeconds: lease, retryLimit: 3 });
        }
        let waited = false;
        const tw = performance.now();
        for (;;) {
          const n = await campaigns.countShards(id);
          report(n);
          if (n >= plan.shards) break;
          const q = await queue.campaignCounts(id);
          if (q.queued + q.active === 0 && (await campaigns.countShards(id)) < plan.shards)
            throw new Error(
              `campaign ${id}: ${plan.shards - n} shard(s) missing and none queued or running (${q.failed} given up); run the same command again`,
            );
          if (!waited && q.active === 0 && performance.now() - tw > 10_000) {
            waited = true;
            process.stderr.write(
              `waiting for workers: ${q.queued} campaign shard(s) queued; start one with rollcell worker --db <the same database>\n`,
            );
          }
          await new Promise((r) => setTimeout(r, 500));
        }
      } finally {
        await queue.close();
      }
    }
    const results = (await campaigns.shards(id)) as ShardResult[];
    const summary = summariseCampaign(results);
    await campaigns.finish(id, summary);
    const seconds = (performance.now() - t0) / 1000;
    if (o.json) {
      out(JSON.stringify({ campaign_id: id, plan, summary, seconds }, null, 2));
      return;
    }
    const s = summary;
    out(
      [
        `campaign ${id}: ${s.cells_total} cells in ${s.shards} shard(s) of ${plan.shard_length_m} m of laminate (whole rolls), ` +
          `${distributed ? 'on the workers of ' : 'here, stored in '}${maskSpec(o.db)}${b.created ? '' : ', resumed'}`,
        table(
          ['', 'value'],
          [
            ['cells in spec', `${s.cells_in_spec} (${fmtNum(s.yield_pct, 4)} %)`],
            ['laminate', `${fmtNum(s.web_length_m, 6)} m, ${fmtNum(s.line_time_h, 4)} h of line time`],
            [
              'anode thickness',
              s.anode_thickness_um.mean === null
                ? '—'
                : `${fmtNum(s.anode_thickness_um.mean, 4)} ± ${fmtNum(s.anode_thickness_um.sd ?? 0, 3)} µm`,
            ],
            [
              'capacity',
              s.capacity_mAh.mean === null
                ? '—'
                : `${fmtNum(s.capacity_mAh.mean, 5)} ± ${fmtNum(s.capacity_mAh.sd ?? 0, 3)} mAh`,
            ],
            [
              'rolls',
              Object.entries(s.rolls)
                .map(([k, v]) => `${k} ${v}`)
                .join(', '),
            ],
            ['lots', String(s.lots.length)],
            ['splices', String(s.splices)],
            ['time', `${fmtNum(seconds, 3)} s (${fmtNum(s.cells_total / Math.max(seconds, 1e-9), 3)} cells/s)`],
          ],
        ),
      ].join('\n'),
    );
  } finally {
    await store.close();
  }
}
