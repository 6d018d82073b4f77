/**
 * The Shift view's data: output vs pace, OEE = A × P × Q, stops and scrap Paretos with cumulative
 * lines, and SPC per lane (X̄–R, X̄–S, individuals, EWMA, CUSUM with Western Electric / Nelson flags,
 * limits honest for autocorrelated web data, Cp/Cpk/Pp/Ppk, histograms against spec). Pure: the same
 * cells give the same payload, live (cells so far) or for a stored run (all cells), because both are a
 * ShiftStream fed the cells in production order. The stream holds running totals, a bounded pace series
 * and per lane and quantity a LaneStream (./lane-stream.ts: O(subgroups), never O(cells)); a payload has
 * at most CHART_POINTS chart points per lane, whatever the shift's length. The statistics come from
 * src/process/production/spc.ts and control-charts.ts; this module only assembles them.
 */
import { CHART_POINTS } from '../../process/line.ts';
import {
  NELSON_RULES,
  type Limits,
  type NelsonFlags,
  type CapabilityIndices,
  type Histogram,
} from '../../process/production/control-charts.ts';
import { LaneStream } from './lane-stream.ts';
import { genealogyOf, type CellRecord } from '../../store/records.ts';

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

/** the fields of a produced cell (src/present/production-cell.ts, as stored) a ShiftCell reads */
export type ShiftCellSource = Pick<
  CellRecord,
  'index' | 'lane' | 'stack' | 'stations' | 'capacity_mAh' | 'in_spec' | 'causes' | 'genealogy'
>;

/** A produced cell record (src/present/production-cell.ts CellRecord, as stored) → ShiftCell. */
export function shiftCellOf(c: ShiftCellSource): ShiftCell {
  const gen = genealogyOf(c);
  return {
    index: Number(c.index ?? 0),
    lane: Number(c.lane ?? 0),
    t_s: Number(gen.time_s ?? 0),
    cell_um: Number(c.stack?.cell_thickness_um ?? NaN),
    anode_um: Number(c.stack?.anode_thickness_um ?? NaN),
    gauge_um: (c.stations ?? []).find((s) => s.id === '240')?.gauge_thickness_um ?? null,
    capacity_mAh: Number(c.capacity_mAh ?? NaN),
    in_spec: c.in_spec === true,
    cause: c.causes?.[0] ?? '',
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

export interface LaneSpc {
  lane: number;
  n_values: number;
  subgroups: number;
  /**
   * the subgroups (1-based) the chart series below draw — every one, or beyond CHART_POINTS the CLI's
   * min–max decimation (`decimated` says so; the counts are over every subgroup, the Nelson flags list
   * the charted subgroups, 0-based)
   */
  chart: { subgroup: number[]; decimated: string | null };
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

const QUANTITIES = Object.keys(SPC_QUANTITIES) as SpcQuantity[];
/** most points kept in the pace series (between half of it and it) */
const PACE_POINTS = 1200;

const pick = (q: SpcQuantity, c: ShiftCell): number | null =>
  q === 'gauge_240_thickness_um'
    ? c.gauge_um
    : q === 'cell_thickness_um'
      ? c.cell_um
      : q === 'anode_thickness_um'
        ? c.anode_um
        : c.capacity_mAh;

/**
 * The Shift view's running state: fed the cells in production order (index ascending: the run's stream
 * and the store's order), it gives the payload of the cells so far at any time. What it holds grows with
 * the subgroups per lane and quantity (2.5 numbers each, `held()`), not with the cells.
 */
export class ShiftStream {
  readonly quantities: readonly SpcQuantity[];
  readonly #lanes: Map<SpcQuantity, LaneStream[]>;
  readonly #lanesN: number;
  #cells = 0;
  #good = 0;
  #tLast = 0;
  readonly #scrap = new Map<string, number>();
  // pace: every `stride`-th cell's (time, cells, good), the stride doubling when PACE_POINTS are held
  #stride = 1;
  #paceT: number[] = [];
  #paceN: number[] = [];
  #paceG: number[] = [];
  #lastT = 0;

  constructor(
    ctx: Pick<ShiftContext, 'lanes' | 'subgroup_size' | 'spec'>,
    quantities: readonly SpcQuantity[] = QUANTITIES,
  ) {
    this.quantities = quantities;
    this.#lanesN = ctx.lanes;
    this.#lanes = new Map(
      quantities.map((q) => {
        const { lsl, usl } = specOf(q, ctx.spec);
        return [q, Array.from({ length: ctx.lanes }, () => new LaneStream(ctx.subgroup_size, lsl, usl))];
      }),
    );
  }

  /** cells so far */
  get cells(): number {
    return this.#cells;
  }

  /** numbers held (pace series and every lane's, `LaneStream.held`): bounded by O(subgroups), not O(cells) */
  held(): number {
    let h = 3 * this.#paceT.length + this.#scrap.size;
    for (const ls of this.#lanes.values()) for (const l of ls) h += l.held();
    return h;
  }

  push(c: ShiftCell): void {
    const i = this.#cells++;
    if (c.in_spec) this.#good++;
    else {
      const k = c.cause || 'unknown';
      this.#scrap.set(k, (this.#scrap.get(k) ?? 0) + 1);
    }
    if (c.t_s > this.#tLast) this.#tLast = c.t_s;
    this.#lastT = c.t_s;
    if ((i + 1) % this.#stride === 0) {
      this.#paceT.push(c.t_s);
      this.#paceN.push(i + 1);
      this.#paceG.push(this.#good);
      if (this.#paceT.length >= PACE_POINTS) {
        this.#stride *= 2;
        const keep = (_: number, j: number) => this.#paceN[j]! % this.#stride === 0;
        this.#paceT = this.#paceT.filter(keep);
        this.#paceG = this.#paceG.filter(keep);
        this.#paceN = this.#paceN.filter((v) => v % this.#stride === 0);
      }
    }
    if (c.lane < 0 || c.lane >= this.#lanesN) return;
    for (const [q, ls] of this.#lanes) {
      const v = pick(q, c);
      if (v !== null && Number.isFinite(v)) ls[c.lane]!.push(v);
    }
  }

  /** the payload of the cells so far for `quantity` (one of those the stream was made with) */
  payload(ctx: ShiftContext, quantity: SpcQuantity = 'gauge_240_thickness_um', maxPoints = CHART_POINTS): ShiftPayload {
    const laneStreams = this.#lanes.get(quantity);
    if (!laneStreams) throw new Error(`ShiftStream: quantity ${quantity} not accumulated`);
    const total = this.#cells;
    const good = this.#good;
    const tNow = ctx.t_now_s ?? this.#tLast;
    // output vs pace: cumulative cells and good cells against the ideal (lanes × set speed / cell length)
    const idealRate = (ctx.lanes * ctx.speed_m_per_min) / 60 / (ctx.cell_length_mm / 1000); // cells per s
    const pace = { t_s: [0], cells: [0], good: [0], ideal: [0] };
    for (let j = 0; j < this.#paceT.length; j++) {
      pace.t_s.push(this.#paceT[j]!);
      pace.cells.push(this.#paceN[j]!);
      pace.good.push(this.#paceG[j]!);
      pace.ideal.push(this.#paceT[j]! * idealRate);
    }
    if (total > 0 && this.#paceN.at(-1) !== total) {
      pace.t_s.push(this.#lastT);
      pace.cells.push(total);
      pace.good.push(good);
      pace.ideal.push(this.#lastT * idealRate);
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
      const P = idealRunning > 0 ? Math.min(1, total / idealRunning) : 0;
      const Q = total > 0 ? good / total : 0;
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
    const scrap: ShiftPayload['scrap_pareto'] =
      ctx.done && ctx.scrap_by_cause
        ? ctx.scrap_by_cause.map((r) => ({ ...r }))
        : pareto([...this.#scrap].map(([cause, n]) => ({ cause, cell_equivalents: n, value: n }))).map(
            ({ value: _v, ...r }) => r,
          );
    // SPC per lane
    const meta = SPC_QUANTITIES[quantity];
    const { lsl, usl } = specOf(quantity, ctx.spec);
    const lanes: LaneSpc[] = [];
    laneStreams.forEach((l, i) => {
      const ls = l.snapshot(i, ctx.ewma_lambda, ctx.ewma_L, maxPoints);
      if (ls) lanes.push(ls);
    });
    return {
      done: ctx.done,
      t_now_s: tNow,
      planned_s: ctx.planned_s,
      lanes: ctx.lanes,
      cells_total: total,
      cells_in_spec: good,
      yield_pct: total ? (100 * good) / total : null,
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
          `Electric 1–4, Nelson 1–8; charts of at most ${maxPoints} points per lane`,
      },
    };
  }
}

/** The Shift view's payload for the cells so far (live) or all cells (stored run), in production order. */
export function shiftPayload(
  cells: readonly ShiftCell[],
  ctx: ShiftContext,
  quantity: SpcQuantity = 'gauge_240_thickness_um',
): ShiftPayload {
  const sorted = cells.every((c, i) => i === 0 || c.index >= cells[i - 1]!.index)
    ? cells
    : [...cells].sort((a, b) => a.index - b.index);
  const s = new ShiftStream(ctx, [quantity]);
  for (const c of sorted) s.push(c);
  return s.payload(ctx, quantity);
}
