/**
 * Production campaigns as shards (`rollcell run <recipe> --campaign N`): many production runs of the
 * line, each shard a run of the production engine (full station physics per cell, genealogy, SPC
 * sums), joined into one campaign. Pure: the shard's result depends only on (recipe, campaign seed,
 * shard index); storage and the queue are at the edges.
 *
 * Shard boundaries keep rolls and splices consistent and deterministic. All input webs advance with
 * the laminate (src/process/production/timeline.ts), so roll j of an unwinder with roll length L covers
 * laminate [jL, (j+1)L). A shard is a fixed laminate length: the least common multiple of the three
 * roll lengths, so every shard starts where every unwinder starts a new roll. Shard k's local roll i of
 * a sheet is then the campaign's roll k·(shard length / L) + i — its id and lot are the campaign's, the
 * splices fall at the campaign's positions, and a lot of several rolls joins across shards. What this
 * boundary adds: the line starts each shard from a standstill (its ramp and restart scrap), as at a
 * shift change, and all three unwinders change rolls there at once (true of whole-roll shards).
 */
import type { Recipe } from '../recipe/schema.ts';
import { runProduction, type ProductionRun } from '../process/line.ts';
import { parseProduction } from '../process/production/config.ts';
import { SHEETS, type SheetId } from '../process/production/timeline.ts';
import { firstCycleDischarge_C } from '../pipeline.ts';
import { problem } from '../problems.ts';
import { pointSeed } from '../study/design.ts';

export interface CampaignPlan {
  /** laminate length of one shard, m (the LCM of the roll lengths) */
  shard_length_m: number;
  shards: number;
  lanes: number;
  /** cell positions (rows × lanes) of one shard's laminate */
  positions_per_shard: number;
  /** rolls of each unwinder in one shard */
  rolls_per_shard: Record<SheetId, number>;
}

/** the largest shard: a campaign whose roll lengths have no common multiple below it cannot be sharded by rolls */
const MAX_SHARD_M = 100_000;

function lcmMm(a: number, b: number): number {
  const g = (x: number, y: number): number => (y === 0 ? x : g(y, x % y));
  return (a / g(a, b)) * b;
}

/** How a campaign of `cells` cell positions is cut into whole-roll shards. Throws a Problem when it cannot be. */
export function planCampaign(recipe: Recipe, cells: number): CampaignPlan {
  if (!Number.isInteger(cells) || cells < 1)
    throw problem('--campaign', 'must be a whole number of cells', String(cells), '1, 2, 3, … (e.g. 1000000)');
  const P = parseProduction(recipe.production);
  const lanes = Math.floor((recipe.line.web_width_mm - 2 * P.edge_trim_mm + 1e-9) / recipe.cell.width_mm);
  if (lanes < 1)
    throw problem('cell.width_mm', 'no lane fits the web', String(recipe.cell.width_mm), '≤ the web width less trims');
  let mm = 1;
  for (const sh of SHEETS) {
    const L = recipe.line.roll_length_m[sh];
    const Lmm = Math.round(L * 1000);
    if (Math.abs(Lmm - L * 1000) > 1e-6)
      throw problem(
        `line.roll_length_m.${sh}`,
        'a campaign needs roll lengths in whole mm',
        String(L),
        'e.g. 500 or 500.25',
      );
    mm = lcmMm(mm, Lmm);
    if (mm > MAX_SHARD_M * 1000)
      throw problem(
        'line.roll_length_m',
        `the roll lengths have no common multiple ≤ ${MAX_SHARD_M} m: a campaign shard must hold whole rolls of every unwinder`,
        JSON.stringify(recipe.line.roll_length_m),
        'roll lengths with a small common multiple (e.g. 500, 1000, 300 → 3000 m)',
      );
  }
  const shardLength = mm / 1000;
  const rows = Math.floor((shardLength * 1000) / recipe.cell.length_mm + 1e-9);
  const positions = rows * lanes;
  return {
    shard_length_m: shardLength,
    shards: Math.ceil(cells / positions),
    lanes,
    positions_per_shard: positions,
    rolls_per_shard: Object.fromEntries(
      SHEETS.map((sh) => [sh, Math.round(shardLength / recipe.line.roll_length_m[sh])]),
    ) as Record<SheetId, number>,
  };
}

export interface Moments {
  n: number;
  sum: number;
  sum2: number;
}

export interface ShardRoll {
  sheet: SheetId;
  roll_id: string;
  lot: string;
  /** campaign laminate position where the roll starts, m */
  start_m: number;
  cells: number;
  cells_in_spec: number;
}

export interface ShardResult {
  shard: number;
  seed: number;
  cells_total: number;
  cells_in_spec: number;
  web_length_m: number;
  duration_s: number;
  scrap_by_cause: Record<string, number>;
  anode_thickness_um: Moments;
  capacity_mAh: Moments;
  rolls: ShardRoll[];
  /** splices inside the shard, at campaign laminate positions (the shard boundaries are roll changes too) */
  splices: { sheet: SheetId; s_m: number; from_roll: string }[];
}

const CODE: Record<SheetId, string> = { first_sheet: 'FS', al_sheet: 'AL', third_sheet: 'LC' };
const globalRollId = (sheet: SheetId, g: number): string => `${CODE[sheet]}-${String(g + 1).padStart(6, '0')}`;

function moments(xs: Iterable<number>): Moments {
  let n = 0;
  let sum = 0;
  let sum2 = 0;
  for (const x of xs) {
    if (!Number.isFinite(x)) continue;
    n++;
    sum += x;
    sum2 += x * x;
  }
  return { n, sum, sum2 };
}

/** Runs shard `k` of a campaign (full station physics for every cell). */
export function runCampaignShard(recipe: Recipe, campaignSeed: number, plan: CampaignPlan, k: number): ShardResult {
  const seed = pointSeed(campaignSeed, k);
  const prod: ProductionRun = runProduction(recipe, {
    seed,
    web_length_m: plan.shard_length_m,
    capacityModel: (cell) => firstCycleDischarge_C(recipe, cell),
  });
  const P = parseProduction(recipe.production);
  const s0 = k * plan.shard_length_m;
  // local roll id → campaign roll index, per sheet
  const globalIdx = (sheet: SheetId, localId: string): number =>
    k * plan.rolls_per_shard[sheet] + Number(localId.slice(localId.lastIndexOf('-') + 1)) - 1;
  const counts = new Map<string, { cells: number; good: number }>();
  for (const c of prod.cells) {
    for (const p of c.genealogy.parents) {
      const key = `${p.sheet}\u0000${p.roll_id}`;
      const e = counts.get(key) ?? { cells: 0, good: 0 };
      e.cells++;
      if (c.in_spec) e.good++;
      counts.set(key, e);
    }
  }
  const rolls: ShardRoll[] = [];
  for (const sh of SHEETS) {
    for (let i = 0; i < plan.rolls_per_shard[sh]; i++) {
      const local = `${CODE[sh]}-${String(i + 1).padStart(4, '0')}`;
      const g = k * plan.rolls_per_shard[sh] + i;
      const e = counts.get(`${sh}\u0000${local}`) ?? { cells: 0, good: 0 };
      rolls.push({
        sheet: sh,
        roll_id: globalRollId(sh, g),
        lot: `${P.lots[sh]}-${String(Math.floor(g / P.lots.rolls_per_lot) + 1).padStart(3, '0')}`,
        start_m: s0 + i * recipe.line.roll_length_m[sh],
        cells: e.cells,
        cells_in_spec: e.good,
      });
    }
  }
  const b = prod.block;
  return {
    shard: k,
    seed,
    cells_total: b.cells_total,
    cells_in_spec: b.cells_in_spec,
    web_length_m: Number(b.web_length_m),
    duration_s: Number(b.duration_s),
    scrap_by_cause: Object.fromEntries(
      (b.scrap_by_cause as { cause: string; cells: number }[]).map((x) => [x.cause, x.cells]),
    ),
    anode_thickness_um: moments(prod.cells.map((c) => c.stack.anode_thickness_um)),
    capacity_mAh: moments(prod.cells.map((c) => c.capacity_mAh)),
    rolls,
    splices: prod.timeline.splices.map((s) => ({
      sheet: s.sheet,
      s_m: Number((s0 + s.s_m).toPrecision(12)),
      from_roll: globalRollId(
        s.sheet,
        globalIdx(s.sheet, `${CODE[s.sheet]}-${String(s.from_roll + 1).padStart(4, '0')}`),
      ),
    })),
  };
}

export interface CampaignSummary {
  shards: number;
  cells_total: number;
  cells_in_spec: number;
  yield_pct: number;
  web_length_m: number;
  line_time_h: number;
  anode_thickness_um: { mean: number | null; sd: number | null };
  capacity_mAh: { mean: number | null; sd: number | null };
  scrap_by_cause: Record<string, number>;
  rolls: Record<SheetId, number>;
  /** lots in campaign order with their cells and yield (a lot spans shards when its rolls do) */
  lots: { sheet: SheetId; lot: string; rolls: number; cells: number; yield_pct: number }[];
  splices: number;
}

const meanSd = (m: Moments): { mean: number | null; sd: number | null } => {
  if (m.n === 0) return { mean: null, sd: null };
  const mean = m.sum / m.n;
  const v = m.n > 1 ? Math.max(0, (m.sum2 - m.n * mean * mean) / (m.n - 1)) : 0;
  return { mean, sd: Math.sqrt(v) };
};

/** Joins the shards of a campaign (in shard order; the result does not depend on who ran which shard). */
export function summariseCampaign(results: readonly ShardResult[]): CampaignSummary {
  const rs = [...results].sort((a, b) => a.shard - b.shard);
  const add = (a: Moments, b: Moments): Moments => ({ n: a.n + b.n, sum: a.sum + b.sum, sum2: a.sum2 + b.sum2 });
  let anode: Moments = { n: 0, sum: 0, sum2: 0 };
  let cap: Moments = { n: 0, sum: 0, sum2: 0 };
  const scrap: Record<string, number> = {};
  const lots = new Map<string, { sheet: SheetId; lot: string; rolls: number; cells: number; good: number }>();
  const rolls = { first_sheet: 0, al_sheet: 0, third_sheet: 0 } as Record<SheetId, number>;
  let cells = 0;
  let good = 0;
  let web = 0;
  let time = 0;
  let splices = 0;
  for (const r of rs) {
    cells += r.cells_total;
    good += r.cells_in_spec;
    web += r.web_length_m;
    time += r.duration_s;
    splices += r.splices.length;
    anode = add(anode, r.anode_thickness_um);
    cap = add(cap, r.capacity_mAh);
    for (const [k, v] of Object.entries(r.scrap_by_cause)) scrap[k] = (scrap[k] ?? 0) + v;
    for (const roll of r.rolls) {
      rolls[roll.sheet]++;
      const key = `${roll.sheet}\u0000${roll.lot}`;
      const e = lots.get(key) ?? { sheet: roll.sheet, lot: roll.lot, rolls: 0, cells: 0, good: 0 };
      e.rolls++;
      e.cells += roll.cells;
      e.good += roll.cells_in_spec;
      lots.set(key, e);
    }
  }
  // the boundaries between shards are roll changes on every unwinder
  splices += 3 * Math.max(0, rs.length - 1);
  return {
    shards: rs.length,
    cells_total: cells,
    cells_in_spec: good,
    yield_pct: cells > 0 ? (100 * good) / cells : 0,
    web_length_m: web,
    line_time_h: time / 3600,
    anode_thickness_um: meanSd(anode),
    capacity_mAh: meanSd(cap),
    scrap_by_cause: scrap,
    rolls,
    lots: [...lots.values()].map((l) => ({
      sheet: l.sheet,
      lot: l.lot,
      rolls: l.rolls,
      cells: l.cells,
      yield_pct: l.cells > 0 ? (100 * l.good) / l.cells : 0,
    })),
    splices,
  };
}

/** What a thread needs to run a shard (plain data: it crosses thread and machine boundaries). */
export interface CampaignShardTask {
  recipe: Recipe;
  seed: number;
  plan: CampaignPlan;
  shard: number;
}

export function runCampaignTask(t: CampaignShardTask): ShardResult {
  return runCampaignShard(t.recipe, t.seed, t.plan, t.shard);
}
