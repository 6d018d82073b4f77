/**
 * The Shift view's data: output vs pace, OEE = A × P × Q, stops and scrap Paretos with cumulative
 * lines, and SPC per lane (X̄–R, X̄–S, individuals, EWMA, CUSUM with Western Electric / Nelson flags,
 * limits honest for autocorrelated web data, Cp/Cpk/Pp/Ppk, histograms against spec). Pure: the same
 * cells give the same payload, live (cells so far) or for a stored run (all cells). The statistics come
 * from src/process/production/spc.ts and control-charts.ts; this module only assembles them.
 */
import { xbarR, ewma, westernElectric } from '../../process/production/spc.ts';
import {
  xbarS,
  individuals,
  cusum,
  nelson,
  honestLimits,
  histogram,
  capabilityIndices,
  NELSON_RULES,
  type Limits,
  type NelsonFlags,
  type CapabilityIndices,
  type Histogram,
} from '../../process/production/control-charts.ts';

/** One cell as the Shift view needs it (the live stream sends these, columnar). */
export interface ShiftCell {
  index: number;
  lane: number;
  t_s: number;
  cell_um: number;
  anode_um: number;
  /** outfeed gauge after 240, µm (null when not measured) */
  gauge_um: number | null;
  capacity_mAh: number;
  in_spec: boolean;
  /** primary scrap cause ('' when in spec) */
  cause: string;
}

/** Columnar batch of ShiftCells (what the SSE stream carries: ~5× smaller than objects). */
export interface ShiftCellBatch {
  index: number[];
  lane: number[];
  t_s: number[];
  cell_um: number[];
  anode_um: number[];
  gauge_um: (number | null)[];
  capacity_mAh: number[];
  in_spec: (0 | 1)[];
  cause: string[];
}

export function toBatch(cells: readonly ShiftCell[]): ShiftCellBatch {
  return {
    index: cells.map((c) => c.index),
    lane: cells.map((c) => c.lane),
    t_s: cells.map((c) => c.t_s),
    cell_um: cells.map((c) => c.cell_um),
    anode_um: cells.map((c) => c.anode_um),
    gauge_um: cells.map((c) => c.gauge_um),
    capacity_mAh: cells.map((c) => c.capacity_mAh),
    in_spec: cells.map((c) => (c.in_spec ? 1 : 0)),
    cause: cells.map((c) => c.cause),
  };
}

export function fromBatch(b: ShiftCellBatch): ShiftCell[] {
  return b.index.map((index, i) => ({
    index,
    lane: b.lane[i]!,
    t_s: b.t_s[i]!,
    cell_um: b.cell_um[i]!,
    anode_um: b.anode_um[i]!,
    gauge_um: b.gauge_um[i] ?? null,
    capacity_mAh: b.capacity_mAh[i]!,
    in_spec: b.in_spec[i] === 1,
    cause: b.cause[i]!,
  }));
}

/** A produced cell record (src/process/line.ts CellRecord, as stored) → ShiftCell. */
export function shiftCellOf(c: Record<string, unknown>): ShiftCell {
  const stack = (c['stack'] ?? {}) as Record<string, number>;
  const stations = (c['stations'] ?? []) as { id: string; gauge_thickness_um: number | null }[];
  const gen = (c['genealogy'] ?? {}) as Record<string, unknown>;
  const causes = (c['causes'] ?? []) as string[];
  return {
    index: Number(c['index'] ?? 0),
    lane: Number(c['lane'] ?? 0),
    t_s: Number(gen['time_s'] ?? 0),
    cell_um: Number(stack['cell_thickness_um'] ?? NaN),
    anode_um: Number(stack['anode_thickness_um'] ?? NaN),
    gauge_um: stations.find((s) => s.id === '240')?.gauge_thickness_um ?? null,
    capacity_mAh: Number(c['capacity_mAh'] ?? NaN),
    in_spec: c['in_spec'] === true,
    cause: causes[0] ?? '',
  };
}

export interface ShiftContext {
  planned_s: number;
  lanes: number;
  speed_m_per_min: number;
  cell_length_mm: number;
  stops: { cause: string; t0_s: number; t1_s: number }[];
  spec: {
    cell_thickness_um?: { min?: number; max?: number };
    anode_thickness_um?: { min?: number; max?: number };
    capacity_mAh_min?: number;
  };
  subgroup_size: number;
  ewma_lambda: number;
  ewma_L: number;
  /** the stored run's scrap Pareto (with splice/restart zones, fragments, edge trim); live: from cells */
  scrap_by_cause?: { cause: string; cell_equivalents: number; share_pct: number; cumulative_pct: number }[];
  /** the stored run's OEE (exact, from the timeline) */
  oee?: { availability: number; performance: number; quality: number; oee: number; definition?: string };
  /** live: the current simulated time (else the last cell's time) */
  t_now_s?: number;
  done: boolean;
}

export const SPC_QUANTITIES = {
  gauge_240_thickness_um: { label: 'outfeed gauge after 240', unit: 'µm' },
  cell_thickness_um: { label: 'cell thickness as produced', unit: 'µm' },
  anode_thickness_um: { label: 'anode thickness', unit: 'µm' },
  capacity_mAh: { label: 'cell capacity', unit: 'mAh' },
} as const;
export type SpcQuantity = keyof typeof SPC_QUANTITIES;

type RuleCounts = Record<string, number>;
const countRules = (f: NelsonFlags | Record<string, number[]>): RuleCounts =>
  Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.length]));

export interface LaneSpc {
  lane: number;
  n_values: number;
  subgroups: number;
  xbar_r: { means: number[]; ranges: number[]; xbar: Limits; r: Limits; western_electric: RuleCounts };
  xbar_s: { sds: number[]; xbar: Limits; s: Limits };
  honest: {
    method: string;
    note: string;
    r1_values: number;
    r1_means: number;
    limits: Limits;
    classical_out_of_control: number;
    honest_out_of_control: number;
    ar1_phi: number;
    ar1_residuals: number[];
    ar1_limits: Limits;
  };
  /** flags on the subgroup means against the honest limits */
  nelson: { flags: NelsonFlags; counts: RuleCounts };
  individuals: { values: number[]; moving_ranges: number[]; x: Limits; mr: Limits; truncated: boolean };
  ewma: { z: number[]; ucl: number[]; lcl: number[]; center: number; out_of_control: number };
  cusum: { upper: number[]; lower: number[]; h: number; out_of_control: number };
  capability: CapabilityIndices;
  histogram: Histogram;
}

export interface ShiftPayload {
  done: boolean;
  t_now_s: number;
  planned_s: number;
  lanes: number;
  cells_total: number;
  cells_in_spec: number;
  yield_pct: number | null;
  pace: { t_s: number[]; cells: number[]; good: number[]; ideal: number[] };
  oee: { availability: number; performance: number; quality: number; oee: number; definition: string; live: boolean };
  stops: { cause: string; t0_s: number; t1_s: number }[];
  stops_pareto: { cause: string; count: number; downtime_s: number; share_pct: number; cumulative_pct: number }[];
  scrap_pareto: { cause: string; cell_equivalents: number; share_pct: number; cumulative_pct: number }[];
  spc: {
    quantity: SpcQuantity;
    label: string;
    unit: string;
    lsl: number | null;
    usl: number | null;
    subgroup_size: number;
    rules: typeof NELSON_RULES;
    lanes: LaneSpc[];
    note: string;
  } | null;
}

const MAX_INDIVIDUALS = 5000;

function pareto<T extends { cause: string }>(
  rows: (T & { value: number })[],
): (T & { share_pct: number; cumulative_pct: number })[] {
  const sorted = [...rows].sort((a, b) => b.value - a.value);
  const total = sorted.reduce((s, r) => s + r.value, 0);
  let cum = 0;
  return sorted.map((r) => {
    cum += r.value;
    return {
      ...r,
      share_pct: total > 0 ? (100 * r.value) / total : 0,
      cumulative_pct: total > 0 ? (100 * cum) / total : 0,
    };
  });
}

function specOf(q: SpcQuantity, spec: ShiftContext['spec']): { lsl?: number; usl?: number } {
  const lim =
    q === 'anode_thickness_um'
      ? spec.anode_thickness_um
      : q === 'capacity_mAh'
        ? spec.capacity_mAh_min !== undefined
          ? { min: spec.capacity_mAh_min }
          : undefined
        : spec.cell_thickness_um;
  const out: { lsl?: number; usl?: number } = {};
  if (lim?.min !== undefined) out.lsl = lim.min;
  if (lim?.max !== undefined) out.usl = lim.max;
  return out;
}

function laneSpc(x: number[], lane: number, ctx: ShiftContext, lsl?: number, usl?: number): LaneSpc | null {
  const n = ctx.subgroup_size;
  if (x.length < 3 * n) return null;
  const r = xbarR(x, n);
  const s = xbarS(x, n);
  const h = honestLimits(x, n);
  const lim = h.method === 'classical' ? h.classical : h.batch_means;
  const sigmaMeans = (lim.ucl - lim.center) / 3;
  const outOf = (l: Limits) => r.means.filter((m) => m > l.ucl || m < l.lcl).length;
  const we = westernElectric(r.means, lim.center, sigmaMeans);
  const nf = nelson(r.means, lim.center, sigmaMeans);
  const tail = x.length > MAX_INDIVIDUALS ? x.slice(x.length - MAX_INDIVIDUALS) : x;
  const ind = individuals(tail);
  const ew = ewma(r.means, lim.center, sigmaMeans, ctx.ewma_lambda, ctx.ewma_L);
  const cu = cusum(r.means, lim.center, sigmaMeans);
  return {
    lane,
    n_values: x.length,
    subgroups: r.subgroups,
    xbar_r: {
      means: r.means,
      ranges: r.ranges,
      xbar: r.xbar,
      r: r.r,
      western_electric: countRules(we as unknown as Record<string, number[]>),
    },
    xbar_s: { sds: s.sds, xbar: s.xbar, s: s.s },
    honest: {
      method: h.method,
      note: h.note,
      r1_values: h.r1_values,
      r1_means: h.r1_means,
      limits: lim,
      classical_out_of_control: outOf(h.classical),
      honest_out_of_control: outOf(lim),
      ar1_phi: h.ar1.phi,
      ar1_residuals:
        h.ar1.residuals.length > MAX_INDIVIDUALS ? h.ar1.residuals.slice(-MAX_INDIVIDUALS) : h.ar1.residuals,
      ar1_limits: h.ar1.limits,
    },
    nelson: { flags: nf, counts: countRules(nf) },
    individuals: {
      values: ind.values,
      moving_ranges: ind.moving_ranges,
      x: ind.x,
      mr: ind.mr,
      truncated: tail.length < x.length,
    },
    ewma: { z: ew.z, ucl: ew.ucl, lcl: ew.lcl, center: lim.center, out_of_control: ew.out_of_control.length },
    cusum: { upper: cu.upper, lower: cu.lower, h: cu.h * cu.sigma, out_of_control: cu.out_of_control.length },
    capability: capabilityIndices(x, lsl, usl, n),
    histogram: histogram(x, 30, lsl, usl),
  };
}

/** The Shift view's payload for the cells so far (live) or all cells (stored run). */
export function shiftPayload(
  cells: readonly ShiftCell[],
  ctx: ShiftContext,
  quantity: SpcQuantity = 'gauge_240_thickness_um',
): ShiftPayload {
  // cells arrive in production order (index and time ascending): sort only when they do not
  let ordered = true;
  let tLast = 0;
  for (let i = 0; i < cells.length; i++) {
    if (i > 0 && cells[i]!.index < cells[i - 1]!.index) ordered = false;
    if (cells[i]!.t_s > tLast) tLast = cells[i]!.t_s;
  }
  const sorted = ordered ? cells : [...cells].sort((a, b) => a.index - b.index);
  const tNow = ctx.t_now_s ?? tLast;
  const good = sorted.filter((c) => c.in_spec).length;
  // output vs pace: cumulative cells and good cells against the ideal (lanes × set speed / cell length)
  const idealRate = (ctx.lanes * ctx.speed_m_per_min) / 60 / (ctx.cell_length_mm / 1000); // cells per s
  let timeOrdered = true;
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.t_s < sorted[i - 1]!.t_s) timeOrdered = false;
  const byTime = timeOrdered ? sorted : [...sorted].sort((a, b) => a.t_s - b.t_s);
  const step = Math.max(1, Math.ceil(byTime.length / 600));
  const pace = { t_s: [0], cells: [0], good: [0], ideal: [0] };
  let g = 0;
  for (let i = 0; i < byTime.length; i++) {
    if (byTime[i]!.in_spec) g++;
    if (i % step === step - 1 || i === byTime.length - 1) {
      pace.t_s.push(byTime[i]!.t_s);
      pace.cells.push(i + 1);
      pace.good.push(g);
      pace.ideal.push(byTime[i]!.t_s * idealRate);
    }
  }
  const stops = ctx.stops.filter((s) => s.t0_s <= tNow).map((s) => ({ ...s, t1_s: Math.min(s.t1_s, tNow) }));
  const down = stops.reduce((s, x) => s + (x.t1_s - x.t0_s), 0);
  let oee: ShiftPayload['oee'];
  if (ctx.done && ctx.oee) {
    oee = {
      availability: ctx.oee.availability,
      performance: ctx.oee.performance,
      quality: ctx.oee.quality,
      oee: ctx.oee.oee,
      definition: ctx.oee.definition ?? 'A × P × Q',
      live: false,
    };
  } else {
    // live estimate up to tNow: A = running / elapsed; P·Q from the cells made vs the ideal for the running time
    const A = tNow > 0 ? Math.max(0, (tNow - down) / tNow) : 0;
    const idealRunning = (tNow - down) * idealRate;
    const P = idealRunning > 0 ? Math.min(1, sorted.length / idealRunning) : 0;
    const Q = sorted.length > 0 ? good / sorted.length : 0;
    oee = {
      availability: A,
      performance: P,
      quality: Q,
      oee: A * P * Q,
      definition:
        'live estimate: A = running / elapsed time; P = cells cut / (ideal rate × running time); Q = good / cut cells',
      live: true,
    };
  }
  const stopsAgg = new Map<string, { count: number; downtime_s: number }>();
  for (const s of stops) {
    const e = stopsAgg.get(s.cause) ?? { count: 0, downtime_s: 0 };
    e.count++;
    e.downtime_s += s.t1_s - s.t0_s;
    stopsAgg.set(s.cause, e);
  }
  const stopsPareto = pareto([...stopsAgg].map(([cause, e]) => ({ cause, ...e, value: e.downtime_s }))).map(
    ({ value: _v, ...r }) => r,
  );
  let scrap: ShiftPayload['scrap_pareto'];
  if (ctx.done && ctx.scrap_by_cause) scrap = ctx.scrap_by_cause.map((r) => ({ ...r }));
  else {
    const m = new Map<string, number>();
    for (const c of sorted) if (!c.in_spec) m.set(c.cause || 'unknown', (m.get(c.cause || 'unknown') ?? 0) + 1);
    scrap = pareto([...m].map(([cause, n]) => ({ cause, cell_equivalents: n, value: n }))).map(
      ({ value: _v, ...r }) => r,
    );
  }
  // SPC per lane
  const meta = SPC_QUANTITIES[quantity];
  const { lsl, usl } = specOf(quantity, ctx.spec);
  const pick = (c: ShiftCell): number | null =>
    quantity === 'gauge_240_thickness_um'
      ? c.gauge_um
      : quantity === 'cell_thickness_um'
        ? c.cell_um
        : quantity === 'anode_thickness_um'
          ? c.anode_um
          : c.capacity_mAh;
  const lanes: LaneSpc[] = [];
  for (let l = 0; l < ctx.lanes; l++) {
    const x: number[] = [];
    for (const c of sorted) {
      if (c.lane !== l) continue;
      const v = pick(c);
      if (v !== null && Number.isFinite(v)) x.push(v);
    }
    const ls = laneSpc(x, l, ctx, lsl, usl);
    if (ls) lanes.push(ls);
  }
  return {
    done: ctx.done,
    t_now_s: tNow,
    planned_s: ctx.planned_s,
    lanes: ctx.lanes,
    cells_total: sorted.length,
    cells_in_spec: good,
    yield_pct: sorted.length ? (100 * good) / sorted.length : null,
    pace,
    oee,
    stops,
    stops_pareto: stopsPareto,
    scrap_pareto: scrap,
    spc: {
      quantity,
      label: meta.label,
      unit: meta.unit,
      lsl: lsl ?? null,
      usl: usl ?? null,
      subgroup_size: ctx.subgroup_size,
      rules: NELSON_RULES,
      lanes,
      note:
        `subgroups of ${ctx.subgroup_size} consecutive cells per lane; X̄–R/X̄–S constants ` +
        `Montgomery App. VI; EWMA (λ = ${ctx.ewma_lambda}, L = ${ctx.ewma_L}) and CUSUM (k = 0.5σ, h = ` +
        `5σ) on the subgroup means with the limits' σ; rules: Western ` +
        `Electric 1–4, Nelson 1–8`,
    },
  };
}
