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
import { presentShift } from '../present/production.ts';
import { presentCell } from '../present/production-cell.ts';
import { parseProduction } from '../process/production/config.ts';
import { SHEETS, type SheetId } from '../process/production/timeline.ts';
import { firstCycleDischarge_C } from '../pipeline.ts';
import { problem } from '../problems.ts';
import { pointSeed } from '../study/design.ts';
import { capabilityPair, chartConstants, westernElectric } from '../process/production/spc.ts';

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

/** One cell of a campaign with its genealogy (a row of `campaign_cells`; the campaign's roll ids and positions). */
export interface CampaignCell {
  shard: number;
  /** index of the cell in its shard (production order) */
  idx: number;
  serial: string;
  lane: number;
  /** campaign laminate position of the cell's start, m */
  s_m: number;
  in_spec: boolean;
  /** primary scrap cause (null when in spec) */
  cause: string | null;
  /** parent roll ids per sheet, '|'-joined when the cell spans a splice */
  rolls: Record<SheetId, string>;
  /** MD position of the cell's start on its first parent roll of each sheet, m */
  md_m: Record<SheetId, number>;
  splice: boolean;
  anode_thickness_um: number;
  capacity_mAh: number;
}

/** Sums of one quantity over a segment (an Al-sheet roll) or a lane of a shard. */
export interface SpcSums {
  anode_thickness_um: Moments;
  cell_thickness_um: Moments;
  capacity_mAh: Moments;
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
  /** sums per roll of the Al sheet (the anode's parent; the points of the campaign's control charts), in laminate order */
  segments?: ({ roll_id: string } & SpcSums)[];
  /** sums per lane (campaign-wide capability per lane) */
  lanes_spc?: ({ lane: number } & SpcSums)[];
}

/** A shard's result and its cells with their genealogy (the cells are stored as rows, not in the result). */
export interface ShardOutput {
  result: ShardResult;
  cells: CampaignCell[];
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

const zero = (): Moments => ({ n: 0, sum: 0, sum2: 0 });
const zeroSums = (): SpcSums => ({ anode_thickness_um: zero(), cell_thickness_um: zero(), capacity_mAh: zero() });
function addTo(m: Moments, x: number): void {
  if (!Number.isFinite(x)) return;
  m.n++;
  m.sum += x;
  m.sum2 += x * x;
}

/** Runs shard `k` of a campaign (full station physics for every cell): its result and its cells' genealogy. */
export function runCampaignShard(recipe: Recipe, campaignSeed: number, plan: CampaignPlan, k: number): ShardOutput {
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
  const toGlobal = (sheet: SheetId, localId: string): string => globalRollId(sheet, globalIdx(sheet, localId));
  const counts = new Map<string, { cells: number; good: number }>();
  const segments = new Map<string, SpcSums>();
  const lanes = new Map<number, SpcSums>();
  const cells: CampaignCell[] = [];
  // the campaign's rows are the cells' public records (src/present/production-cell.ts)
  const records = prod.cells.map(presentCell);
  for (const c of records) {
    const rolls = { first_sheet: [], al_sheet: [], third_sheet: [] } as Record<SheetId, string[]>;
    const md = { first_sheet: NaN, al_sheet: NaN, third_sheet: NaN } as Record<SheetId, number>;
    for (const p of c.genealogy.parents) {
      const key = `${p.sheet}\u0000${p.roll_id}`;
      const e = counts.get(key) ?? { cells: 0, good: 0 };
      e.cells++;
      if (c.in_spec) e.good++;
      counts.set(key, e);
      if (rolls[p.sheet].length === 0) md[p.sheet] = p.md_start_m;
      rolls[p.sheet].push(toGlobal(p.sheet, p.roll_id));
    }
    const alRoll = rolls.al_sheet[0] ?? '';
    const sums = [segments.get(alRoll) ?? zeroSums(), lanes.get(c.lane) ?? zeroSums()];
    segments.set(alRoll, sums[0]!);
    lanes.set(c.lane, sums[1]!);
    for (const x of sums) {
      addTo(x.anode_thickness_um, c.stack.anode_thickness_um);
      addTo(x.cell_thickness_um, c.stack.cell_thickness_um);
      addTo(x.capacity_mAh, c.capacity_mAh);
    }
    cells.push({
      shard: k,
      idx: c.index,
      serial: c.serial,
      lane: c.lane,
      s_m: Number((s0 + c.s_start_m).toPrecision(12)),
      in_spec: c.in_spec,
      cause: c.causes[0] ?? null,
      rolls: {
        first_sheet: rolls.first_sheet.join('|'),
        al_sheet: rolls.al_sheet.join('|'),
        third_sheet: rolls.third_sheet.join('|'),
      },
      md_m: md,
      splice: c.genealogy.splice,
      anode_thickness_um: c.stack.anode_thickness_um,
      capacity_mAh: c.capacity_mAh,
    });
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
  const b = presentShift(prod);
  const result: ShardResult = {
    shard: k,
    seed,
    cells_total: b.cells_total,
    cells_in_spec: b.cells_in_spec,
    web_length_m: Number(b.web_length_m),
    duration_s: Number(b.duration_s),
    scrap_by_cause: Object.fromEntries(
      (b.scrap_by_cause as { cause: string; cells: number }[]).map((x) => [x.cause, x.cells]),
    ),
    anode_thickness_um: moments(records.map((c) => c.stack.anode_thickness_um)),
    capacity_mAh: moments(records.map((c) => c.capacity_mAh)),
    rolls,
    splices: prod.timeline.splices.map((s) => ({
      sheet: s.sheet,
      s_m: Number((s0 + s.s_m).toPrecision(12)),
      from_roll: globalRollId(
        s.sheet,
        globalIdx(s.sheet, `${CODE[s.sheet]}-${String(s.from_roll + 1).padStart(4, '0')}`),
      ),
    })),
    segments: [...segments.entries()]
      .filter(([id]) => id !== '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([roll_id, x]) => ({ roll_id, ...x })),
    lanes_spc: [...lanes.entries()].sort(([a], [b]) => a - b).map(([lane, x]) => ({ lane, ...x })),
  };
  return { result, cells };
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
  /** campaign-wide control charts and capability (absent for shards stored by an older rollcell) */
  spc?: CampaignSpc;
}

/** spec limits of one quantity */
export interface SpecLimits {
  lsl?: number | undefined;
  usl?: number | undefined;
}

/**
 * A campaign-wide three-way chart of one quantity (Wheeler, *Advanced Topics in Statistical Process
 * Control*, 2nd ed. 2004, ch. 10): the points are the means of the cells made from each Al-sheet roll,
 * in laminate order across all shards; their limits come from the moving range of those means
 * (σ̂ = MR̄/d₂, d₂ = 1.128; MR chart UCL = D₄·MR̄ = 3.267·MR̄). The limits thus include the real
 * roll-to-roll variation, so autocorrelated MD variation inside a roll does not put every point out of
 * control (X̄ limits from the within-roll σ would). Capability: Cp/Cpk with the pooled within-roll σ,
 * Pp/Ppk with the overall σ of every cell (AIAG SPC manual, 2nd ed. 2005), per lane and overall.
 */
export interface CampaignChart {
  quantity: string;
  /** the chart's points: one per Al-sheet roll */
  rolls: string[];
  means: number[];
  /** cells behind each point */
  n: number[];
  center: number;
  ucl: number;
  lcl: number;
  mr_bar: number;
  mr_ucl: number;
  /** rolls whose mean is beyond the limits, and rolls whose moving range is beyond its UCL */
  out_of_control: string[];
  mr_out_of_control: string[];
  western_electric: { rule1: number; rule2: number; rule3: number; rule4: number };
  capability: CampaignCapability;
  lanes: ({ lane: number } & CampaignCapability)[];
}

export interface CampaignCapability {
  n: number;
  mean: number | null;
  sigma_within: number | null;
  sigma_overall: number | null;
  lsl: number | null;
  usl: number | null;
  cp: number | null;
  cpk: number | null;
  pp: number | null;
  ppk: number | null;
}

export interface CampaignSpc {
  method: string;
  anode_thickness_um: CampaignChart | null;
  cell_thickness_um: CampaignChart | null;
  capacity_mAh: CampaignChart | null;
}

const QUANTITIES = ['anode_thickness_um', 'cell_thickness_um', 'capacity_mAh'] as const;
type Quantity = (typeof QUANTITIES)[number];

function indices(mean: number | null, s: number | null, lim: SpecLimits): { c: number | null; ck: number | null } {
  if (mean === null || s === null) return { c: null, ck: null };
  return capabilityPair(mean, s, lim.lsl, lim.usl);
}

/** capability from the overall moments and the within-group sums of squares (Σ over groups of (n−1)s²) */
function capabilityOf(all: Moments, withinSS: number, withinDf: number, lim: SpecLimits): CampaignCapability {
  const { mean, sd } = meanSd(all);
  const sw = withinDf > 0 ? Math.sqrt(Math.max(0, withinSS) / withinDf) : null;
  const w = indices(mean, sw, lim);
  const o = indices(mean, sd, lim);
  return {
    n: all.n,
    mean,
    sigma_within: sw,
    sigma_overall: sd,
    lsl: lim.lsl ?? null,
    usl: lim.usl ?? null,
    cp: w.c,
    cpk: w.ck,
    pp: o.c,
    ppk: o.ck,
  };
}

const ss = (m: Moments): number => (m.n > 0 ? m.sum2 - (m.sum * m.sum) / m.n : 0);

function campaignChart(
  q: Quantity,
  segments: readonly ({ roll_id: string } & SpcSums)[],
  lanes: readonly ({ lane: number } & SpcSums)[],
  lim: SpecLimits,
): CampaignChart | null {
  const segs = segments.filter((s) => s[q].n > 0);
  if (segs.length < 2) return null;
  const means = segs.map((s) => s[q].sum / s[q].n);
  const mr = means.slice(1).map((x, i) => Math.abs(x - means[i]!));
  const mrBar = mr.reduce((a, b) => a + b, 0) / mr.length;
  const center = means.reduce((a, b) => a + b, 0) / means.length;
  const k = chartConstants(2);
  const sigma = mrBar / k.d2;
  const ucl = center + 3 * sigma;
  const lcl = center - 3 * sigma;
  const mrUcl = k.D4 * mrBar;
  const we = westernElectric(means, center, sigma);
  let all: Moments = zero();
  let withinSS = 0;
  let withinDf = 0;
  for (const s of segs) {
    all = { n: all.n + s[q].n, sum: all.sum + s[q].sum, sum2: all.sum2 + s[q].sum2 };
    withinSS += ss(s[q]);
    withinDf += s[q].n - 1;
  }
  return {
    quantity: q,
    rolls: segs.map((s) => s.roll_id),
    means,
    n: segs.map((s) => s[q].n),
    center,
    ucl,
    lcl,
    mr_bar: mrBar,
    mr_ucl: mrUcl,
    out_of_control: segs.filter((_, i) => means[i]! > ucl || means[i]! < lcl).map((s) => s.roll_id),
    mr_out_of_control: segs.filter((_, i) => i > 0 && mr[i - 1]! > mrUcl).map((s) => s.roll_id),
    western_electric: {
      rule1: we.rule1.length,
      rule2: we.rule2.length,
      rule3: we.rule3.length,
      rule4: we.rule4.length,
    },
    capability: capabilityOf(all, withinSS, withinDf, lim),
    // per lane: within = the lane's cells per roll are not kept apart, so within-lane σ is the lane's
    // overall σ (Cp/Cpk equal Pp/Ppk there)
    lanes: lanes.map((l) => ({ lane: l.lane, ...capabilityOf(l[q], ss(l[q]), l[q].n - 1, lim) })),
  };
}

/** spec limits of the campaign's quantities, from the recipe's `spec` */
export function campaignSpecLimits(recipe: Recipe): Record<Quantity, SpecLimits> {
  const sp = recipe.spec ?? {};
  return {
    anode_thickness_um: { lsl: sp.anode_thickness_um?.min, usl: sp.anode_thickness_um?.max },
    cell_thickness_um: { lsl: sp.cell_thickness_um?.min, usl: sp.cell_thickness_um?.max },
    capacity_mAh: { lsl: sp.capacity_mAh_min },
  };
}

const meanSd = (m: Moments): { mean: number | null; sd: number | null } => {
  if (m.n === 0) return { mean: null, sd: null };
  const mean = m.sum / m.n;
  const v = m.n > 1 ? Math.max(0, (m.sum2 - m.n * mean * mean) / (m.n - 1)) : 0;
  return { mean, sd: Math.sqrt(v) };
};

/**
 * Joins the shards of a campaign (in shard order; the result does not depend on who ran which shard).
 * With the spec limits, the summary has campaign-wide control charts and capability (`spc`).
 */
export function summariseCampaign(
  results: readonly ShardResult[],
  limits?: Record<Quantity, SpecLimits>,
): CampaignSummary {
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
  let spc: CampaignSpc | undefined;
  if (limits && rs.every((r) => r.segments && r.lanes_spc)) {
    const segments = rs.flatMap((r) => r.segments!);
    const laneMap = new Map<number, SpcSums>();
    for (const r of rs)
      for (const l of r.lanes_spc!) {
        const e = laneMap.get(l.lane) ?? zeroSums();
        for (const q of QUANTITIES)
          e[q] = { n: e[q].n + l[q].n, sum: e[q].sum + l[q].sum, sum2: e[q].sum2 + l[q].sum2 };
        laneMap.set(l.lane, e);
      }
    const lanes = [...laneMap.entries()].sort(([a], [b]) => a - b).map(([lane, x]) => ({ lane, ...x }));
    spc = {
      method:
        'three-way chart (Wheeler 2004): individuals and moving-range charts of the Al-roll means across all ' +
        'shards, limits from MR̄/1.128; Cp/Cpk with the pooled within-roll σ, Pp/Ppk with the overall σ',
      anode_thickness_um: campaignChart('anode_thickness_um', segments, lanes, limits.anode_thickness_um),
      cell_thickness_um: campaignChart('cell_thickness_um', segments, lanes, limits.cell_thickness_um),
      capacity_mAh: campaignChart('capacity_mAh', segments, lanes, limits.capacity_mAh),
    };
  }
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
    ...(spc ? { spc } : {}),
  };
}

/** The one shard that holds a roll of the campaign (`FS-000001`, `AL-000042`, `LC-000007`), or null for an id that is not one. */
export function shardOfRoll(plan: CampaignPlan, rollId: string): number | null {
  const m = /^(FS|AL|LC)-(\d{6})$/.exec(rollId);
  if (!m) return null;
  const sheet = SHEETS.find((sh) => CODE[sh] === m[1])!;
  const g = Number(m[2]) - 1;
  const k = Math.floor(g / plan.rolls_per_shard[sheet]);
  return k < plan.shards ? k : null;
}

/** What a thread needs to run a shard (plain data: it crosses thread and machine boundaries). */
export interface CampaignShardTask {
  recipe: Recipe;
  seed: number;
  plan: CampaignPlan;
  shard: number;
}

export function runCampaignTask(t: CampaignShardTask): ShardOutput {
  return runCampaignShard(t.recipe, t.seed, t.plan, t.shard);
}
