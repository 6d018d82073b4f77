/**
 * Pack runs for the CLI (`rollcell battery`): build the pack from the recipe (design cells with a seeded
 * spread, or a production run's cells), measure its C/3 capacity and energy, run a duty profile for
 * `days`, estimate the capacity after N years with the SSB ageing submodels, and return the `battery`
 * block (JSON, units in names) plus a text summary. Pure and deterministic for a given seed.
 */
import type { Recipe } from '../recipe/schema.ts';
import type { ProductionCell } from '../process/line.ts';
import type { ProducedCell } from '../process/types.ts';
import { Rng } from '../numerics/rng.ts';
import { stageTicker, type Progress } from '../progress.ts';
import { SsbSpme } from '../electrochem/ssb/spme.ts';
import { parseBatteryExtras, type BatteryExtras, type BatteryExtrasInput } from './config.ts';
import { designCells, lineCellOf, productionCells, spmeOf, type CellSpec } from './cells.ts';
import { Pack, PackNotEvaluable, type Derating, type NotEvaluable, type PackOptions } from './pack.ts';
import {
  driveCycle,
  parseProfileCsv,
  solarDays,
  speedProfile,
  windDays,
  binAverage,
  meanWindPower,
  type PowerProfile,
} from './profiles.ts';
import { problem } from '../problems.ts';
import { Ah, celsius, cRateCurrent_A, days, fromPct, kW, mOhm, mV, toAh, toKm, toPct, toWh } from '../units/index.ts';
import { ageingValidity } from '../cycler/ageing-band.ts';
import {
  ageingDaySummary,
  c3Capacity_C,
  cellAgeingTrajectory,
  type AgeingDay,
  type CellAgeingWork,
} from './ageing-cells.ts';
import {
  bandDrawSpecs,
  formationDays,
  packAgeingBand,
  trajectoryTimes,
  yearsToEndOfLife,
  type PackAgeingBand,
} from './ageing-band.ts';

/** one day, s (the longest a day's duty can be active) */
const DAY_S = days(1);

export type BatteryProfileName = 'ev:UDDS' | 'ev:US06' | 'ev:WLTC' | 'ess:solar' | 'ess:wind' | 'csv';
export const BATTERY_PROFILES: readonly BatteryProfileName[] = [
  'ev:UDDS',
  'ev:US06',
  'ev:WLTC',
  'ess:solar',
  'ess:wind',
  'csv',
];

export interface BatteryCommandOptions {
  readonly profile: BatteryProfileName;
  readonly days?: number;
  readonly seed?: number;
  /** a production run's cells (in-spec cells are taken in order); default: design cells with spread */
  readonly cells?: readonly ProductionCell[];
  /**
   * the line's cell for the recipe (LineResult.cell) the design cells spread around, when the caller has run
   * the line already; else the battery runs it (cells.ts lineCellOf). Unused with production cells.
   */
  readonly lineCell?: ProducedCell;
  /** settings beyond the recipe's battery block (else recipe.battery.extras, else defaults) */
  readonly extras?: BatteryExtrasInput;
  /** for profile 'csv': the CSV text and what its second column is */
  readonly csv?: {
    readonly text: string;
    readonly column: 'power_W' | 'power_kW' | 'current_A' | 'speed_km_h' | 'speed_m_s' | 'speed_mph';
    readonly name?: string;
    readonly repeat_until_empty?: boolean;
  };
  /** skip the multi-year estimate (faster) */
  readonly ageing?: boolean;
  /** points kept in the time series (default 400) */
  readonly seriesPoints?: number;
  /**
   * the C/3 measurement left to the caller when the duty does not need it (an EV profile): called with its
   * work before the duty, and its figures (measurePackC3) go to StartedBattery.finish; runBattery ignores it
   */
  readonly c3Elsewhere?: (work: C3Work) => void;
  /** progress of the C/3 measurement, the duty profile and the ageing estimate, for the edges to show */
  readonly progress?: Progress;
  /**
   * keep per-cell snapshots (voltage, SOC, temperature of every cell) at between `cellFrames` and
   * 2·`cellFrames` evenly spaced steps of the duty profile (for the dashboard's pack heatmaps); default none
   */
  readonly cellFrames?: number;
}

/**
 * Per-cell snapshots over the duty profile (SI; src/present/battery.ts `presentCellFrames` writes them for
 * the dashboard): frame f, cell k (series group k / parallel, position k % parallel).
 */
export interface CellFramesSI {
  series: number;
  parallel: number;
  /** serial of each pack cell (production serial, or D-<n> for a design-spread cell) */
  serials: string[];
  time_s: number[];
  /** [frame][cell]: cell voltage, V; SOC, fraction; temperature, K */
  voltage_V: number[][];
  soc: number[][];
  temperature_K: number[][];
}

/** the cell that limited the pack over the duty profile (SI; the presenter writes its reason) */
export interface LimitingCell {
  index: number;
  group: number;
  positionInGroup: number;
  serial: string;
  limit: 'v_min' | 'v_max' | 'p_max' | 'none';
  /** the BMS deratings it caused (0 when none) */
  deratings: number;
  /** which cell-voltage limit it reached first: 'lower' (a v_min derating), 'upper' (any other), null: none */
  reachedFirst: 'lower' | 'upper' | null;
  capacity_C: number;
  /** its capacity and resistance relative to the pack mean, −1.. (0: at the mean) */
  capacityVsPackMean: number;
  resistance_ohm: number;
  resistanceVsPackMean: number;
  /** the capacity of each parallel group, C (the string is limited by the smallest) */
  groupCapacities_C: number[];
  /** rank of its group by capacity, 1 = smallest */
  groupCapacityRank: number;
  genealogy?: CellSpec['origin']['genealogy'];
}

/** the pack's static figures: a C/3 discharge of a fresh, fully charged copy (SI) */
export interface PackFigures {
  series: number;
  parallel: number;
  cellSource: 'design' | 'production';
  cellLayers: number;
  interconnect_ohm: number;
  /** the pack's voltage window (series × the BMS cell window), V */
  voltageMin_V: number;
  voltageMax_V: number;
  /** C/3 energy over C/3 charge, V (0 when the pack delivers nothing) */
  nominalVoltage_V: number;
  /** the smallest parallel group's nominal capacity, C */
  capacityNominal_C: number;
  capacityC3_C: number;
  energyC3_J: number;
  mass_kg: number;
  volume_m3: number;
  /** each cell's nominal capacity, C, and DC resistance at 50 % SOC, Ω */
  cellCapacity_C: number[];
  cellResistance_ohm: number[];
  /** the cell that stopped the C/3 discharge (−1: none) */
  c3StoppedByCell: number;
}

/** what the duty profile did to the pack (SI) */
export interface DutyResult {
  duration_s: number;
  energyOut_J: number;
  energyIn_J: number;
  /** null when no energy went in or came out (undefined ratio) */
  roundTripEfficiency: number | null;
  interconnectLoss_J: number;
  balancingLoss_J: number;
  cellVoltageMin_V: number;
  cellVoltageMax_V: number;
  /** the largest and the final SOC spread between cells, fractions */
  socSpreadMax: number;
  socSpreadEnd: number;
  /** the hottest cell, K (null without the thermal model) */
  temperatureMax_K: number | null;
  maxCellCRate: number;
  modelValidityCRate: number;
  /**
   * counted deratings (Pack.deratingCounts): steps on which the BMS delivered less than 99 % of the demand
   * — a fixed target, so round-off cannot move a count; `first` lists the first ten BMS interventions of
   * any size
   */
  deratings: {
    count: number;
    discharge: number;
    charge: number;
    energyNotDelivered_J: number;
    /** the first ten */
    first: Derating[];
  };
  /** an EV profile: the range on the first day */
  ev?: {
    range_m: number;
    cycles: number;
    distancePerCycle_m: number;
    /** traction energy out of the pack per distance driven, J/m */
    consumption_J_per_m: number;
    stoppedBy: string;
  };
  conservation: { energyBalanceError_J: number; chargeBalanceError_C: number };
  /**
   * the step at which the pack could not be evaluated (PackNotEvaluable: a cell outside its model at every
   * current the BMS may choose): the duty stopped there, like a cut-off, and its figures are those of the
   * duty up to it; absent when the whole duty ran
   */
  notEvaluable?: NotEvaluable & { readonly serial: string };
}

/** the multi-year capacity projection (SI) */
export interface PackAgeing {
  years: number;
  equivalentFullCyclesPerYear: number;
  /** the pack's C/3 capacity at the start and after each year, C */
  capacityByYear_C: number[];
  /** the duty the projection used: highest cell RMS C-rate under load, peak C-rate, hottest cell under load */
  dutyRmsCRateMax: number;
  dutyPeakCRate: number;
  cellTemperatureUnderLoadMax_K: number;
  /** the projection against the model's validity and the fitted ageing data ("outside validity: …") */
  validity: { inside: boolean; flags: string[] };
  /**
   * years until the pack's C/3 capacity falls below end of life of the reference capacity — the capacity
   * after formation when formationDays > 0 (null: not within the projected years)
   */
  yearsToEndOfLife: number | null;
  /** end of life as a retention fraction */
  endOfLifeRetention: number;
  /**
   * days of the duty before the reference capacity is measured: the cathode contact loss settles over them
   * (src/battery/ageing-band.ts formationDays); 0: the fresh capacity is the reference
   */
  formationDays: number;
  /** the pack's C/3 capacity after formation, C (the fresh capacity when formationDays is 0) */
  capacityAfterFormation_C: number;
  /** years to end of life of the fresh capacity (null: not within the projected years) */
  yearsToEndOfLifeVsFresh: number | null;
  /** the band over the ageing parameters' ranges (issue 16 item 5; src/battery/ageing-band.ts) */
  band: PackAgeingBand | null;
}

/** the pack's trace over the duty profile, downsampled (SI; SOC as fractions) */
export interface PackSeries {
  time_s: number[];
  packVoltage_V: number[];
  packCurrent_A: number[];
  cellVoltageMin_V: number[];
  cellVoltageMax_V: number[];
  socMin: number[];
  socMax: number[];
  temperatureMax_K: number[];
}

/** A pack run on a duty profile, in SI: the presenter (src/present/battery.ts) writes the `battery` block. */
export interface BatteryResult {
  /** the profile's name as the block states it (csv:<file> for a CSV profile) */
  profile: string;
  seed: number;
  days: number;
  cellModel: string;
  pack: PackFigures;
  duty: DutyResult;
  limitingCell: LimitingCell;
  ageing: PackAgeing | null;
  series: PackSeries;
  notes: string[];
}

function extrasOf(recipe: Recipe, opt?: BatteryExtrasInput): BatteryExtras {
  if (opt !== undefined) return parseBatteryExtras(opt);
  const b = recipe.battery as unknown as Record<string, unknown> | undefined;
  return parseBatteryExtras(b && typeof b === 'object' && 'extras' in b ? b['extras'] : {});
}

export interface BuiltPack {
  pack: Pack;
  specs: CellSpec[];
  extras: BatteryExtras;
  source: 'design' | 'production';
  options: PackOptions;
}

/** the pack of the recipe's battery block with its cells */
export function buildPack(
  recipe: Recipe,
  o: {
    seed: number;
    cells?: readonly ProductionCell[] | undefined;
    lineCell?: ProducedCell | undefined;
    extras?: BatteryExtrasInput | undefined;
    initialSoc?: number;
  },
): BuiltPack {
  const b = recipe.battery;
  if (!b)
    throw new RangeError(
      'battery: the recipe has no battery block (got undefined; allowed {series, parallel, application, interconnect_resistance_mOhm})',
    );
  const ex = extrasOf(recipe, o.extras);
  const n = b.series * b.parallel;
  if (n < 2)
    throw problem(
      'battery',
      'needs at least two cells',
      `${b.series}s${b.parallel}p`,
      'series × parallel ≥ 2, claim 17',
    );
  const specs = o.cells
    ? productionCells(recipe, o.cells, n, ex.cell_layers)
    : designCells(recipe, n, ex.cell_layers, ex.spread, o.seed, o.lineCell);
  // the BMS window must lie inside the cell's own cut-offs (the model's valid range and the seed's [0178] window)
  const vLo = recipe.cycling.discharge_cutoff_V;
  const vHi = recipe.cycling.charge_cutoff_V;
  if (ex.bms.cell_v_min_V !== undefined && ex.bms.cell_v_min_V < vLo)
    throw problem(
      'battery.extras.bms.cell_v_min_V',
      `below the cell's discharge cut-off`,
      `${ex.bms.cell_v_min_V} V`,
      `≥ cycling.discharge_cutoff_V = ${vLo} V`,
    );
  if (ex.bms.cell_v_max_V !== undefined && ex.bms.cell_v_max_V > vHi)
    throw problem(
      'battery.extras.bms.cell_v_max_V',
      `above the cell's charge cut-off`,
      `${ex.bms.cell_v_max_V} V`,
      `≤ cycling.charge_cutoff_V = ${vHi} V`,
    );
  const rIc = mOhm(b.interconnect_resistance_mOhm);
  const options: PackOptions = {
    series: b.series,
    parallel: b.parallel,
    cellConnection_ohm: rIc,
    seriesLink_ohm: rIc,
    vMin_V: ex.bms.cell_v_min_V ?? recipe.cycling.discharge_cutoff_V,
    vMax_V: ex.bms.cell_v_max_V ?? recipe.cycling.charge_cutoff_V,
    bleed_ohm: ex.bms.bleed_resistance_ohm,
    balanceThreshold_V: mV(ex.bms.balance_threshold_mV),
    balancing: ex.bms.balancing,
    initialSoc: o.initialSoc ?? ex.initial_soc ?? (b.application === 'ev' ? 1 : 0.5),
    thermal: ex.thermal.enabled
      ? {
          ambient_K: celsius(ex.thermal.ambient_C),
          heatCapacity_J_kgK: ex.thermal.heat_capacity_J_kgK,
          h_W_m2K: ex.thermal.h_W_m2K,
          neighbour_W_K: ex.thermal.neighbour_conductance_W_K,
        }
      : undefined,
  };
  return { pack: new Pack(specs, options), specs, extras: ex, source: o.cells ? 'production' : 'design', options };
}

/** instantaneous DC resistance of a cell model at 50 % SOC (Ω): dV/dI of the SPMe at zero current */
export function cellResistance_ohm(m: SsbSpme): number {
  const y = m.initialState(0.5);
  return m.voltageFrom(y[m.nr - 1]!, y[m.offA]!, 0).dI;
}

/** the pack's C/3 figures: charge and energy of a C/3 discharge of a fresh, full pack, and the cell that stopped it */
export interface C3Figures {
  capacity_C: number;
  energy_J: number;
  /** −1: none */
  stoppedByCell: number;
}

/** what a C/3 measurement needs (plain data: it can go to another thread) */
export interface C3Work {
  recipe: Recipe;
  seed: number;
  cells?: readonly ProductionCell[] | undefined;
  /** the line's cell for the recipe (design cells; plain data like the rest) */
  lineCell?: ProducedCell | undefined;
  extras?: BatteryExtrasInput | undefined;
}

/** The C/3 figures of the pack of `work` (a fresh, fully charged copy): what runBattery measures itself. */
export function measurePackC3(work: C3Work, progress?: Progress): C3Figures {
  const ref = buildPack(work.recipe, {
    seed: work.seed,
    cells: work.cells,
    lineCell: work.lineCell,
    extras: work.extras,
    initialSoc: 1,
  });
  return measureC3(ref.pack, 30, progress);
}

/** C/3 constant-current discharge from the initial state until the first cell reaches v_min */
export function measureC3(
  pack: Pack,
  dt = 30,
  progress?: Progress,
): { capacity_C: number; energy_J: number; stoppedByCell: number } {
  let cap = 0;
  for (let gi = 0; gi < pack.Ns; gi++) {
    let s = 0;
    for (let j = 0; j < pack.Np; j++) s += pack.cellCapacity_C(gi * pack.Np + j);
    cap = gi === 0 ? s : Math.min(cap, s);
  }
  const I = -toAh(cap / 3); // C/3: a third of the capacity in Ah, in A
  const q0 = pack.packCharge_C;
  const e0 = pack.packEnergy_J;
  const d0 = pack.deratings.length;
  const ticker = stageTicker(progress, 'battery: C/3 capacity', 100, '%');
  for (let i = 0; i < 100000; i++) {
    pack.stepCurrent(I, dt);
    ticker.tick(Math.min(99, toPct((q0 - pack.packCharge_C) / cap)));
    if (pack.deratings.length > d0) break;
  }
  ticker.end();
  const stop = pack.deratings[d0];
  return {
    capacity_C: -(pack.packCharge_C - q0),
    energy_J: -(pack.packEnergy_J - e0),
    stoppedByCell: stop ? stop.cell : -1,
  };
}

/**
 * The pack's trace in bounded memory: running extremes over the whole run, and the downsampled series
 * kept as bins of 2^k steps (at most 2 × `points` bins; two neighbours merge when they fill up), so a
 * 365-day run holds a few thousand numbers instead of hundreds of millions. For runs of at most
 * 2 × `points` steps the series is exactly the stride-downsampling of every step.
 */
export class PackTrace {
  /** per-cell snapshots for the dashboard (evenly spaced in steps, between want and 2·want of them) */
  frames?: { want: number; stride: number; calls: number; data: CellFramesSI };
  /** steps recorded */
  m = 0;
  vminAll = Infinity;
  vmaxAll = -Infinity;
  tmaxAll = -Infinity;
  socSpreadMax = 0;
  lastSmin = NaN;
  lastSmax = NaN;
  #w = 1; // steps per bin
  #fill = 0; // steps in the last (open) bin
  readonly #cap: number;
  readonly t: number[] = [];
  readonly vp: number[] = [];
  readonly ip: number[] = [];
  readonly vmin: number[] = [];
  readonly vmax: number[] = [];
  readonly smin: number[] = [];
  readonly smax: number[] = [];
  readonly tmax: number[] = [];
  constructor(points: number) {
    this.#cap = 2 * Math.max(1, points);
  }
  push(t: number, vp: number, ip: number, vmin: number, vmax: number, smin: number, smax: number, tmax: number): void {
    this.m++;
    this.vminAll = Math.min(this.vminAll, vmin);
    this.vmaxAll = Math.max(this.vmaxAll, vmax);
    this.tmaxAll = Math.max(this.tmaxAll, tmax);
    this.socSpreadMax = Math.max(this.socSpreadMax, smax - smin);
    this.lastSmin = smin;
    this.lastSmax = smax;
    const k = this.t.length - 1;
    if (k >= 0 && this.#fill < this.#w) {
      // into the open bin: the last time/voltage/current, the extremes of the rest
      this.t[k] = t;
      this.vp[k] = vp;
      this.ip[k] = ip;
      this.vmin[k] = Math.min(this.vmin[k]!, vmin);
      this.vmax[k] = Math.max(this.vmax[k]!, vmax);
      this.smin[k] = Math.min(this.smin[k]!, smin);
      this.smax[k] = Math.max(this.smax[k]!, smax);
      this.tmax[k] = Math.max(this.tmax[k]!, tmax);
      this.#fill++;
      return;
    }
    if (this.t.length >= this.#cap) this.#halve();
    this.t.push(t);
    this.vp.push(vp);
    this.ip.push(ip);
    this.vmin.push(vmin);
    this.vmax.push(vmax);
    this.smin.push(smin);
    this.smax.push(smax);
    this.tmax.push(tmax);
    this.#fill = 1;
  }
  /** merge neighbouring bins: width doubles, count halves */
  #halve(): void {
    const n = this.t.length >> 1;
    for (let i = 0; i < n; i++) {
      const a = 2 * i;
      const b = a + 1;
      this.t[i] = this.t[b]!;
      this.vp[i] = this.vp[b]!;
      this.ip[i] = this.ip[b]!;
      this.vmin[i] = Math.min(this.vmin[a]!, this.vmin[b]!);
      this.vmax[i] = Math.max(this.vmax[a]!, this.vmax[b]!);
      this.smin[i] = Math.min(this.smin[a]!, this.smin[b]!);
      this.smax[i] = Math.max(this.smax[a]!, this.smax[b]!);
      this.tmax[i] = Math.max(this.tmax[a]!, this.tmax[b]!);
    }
    for (const arr of [this.t, this.vp, this.ip, this.vmin, this.vmax, this.smin, this.smax, this.tmax]) arr.length = n;
    this.#w *= 2;
    this.#fill = this.#w; // the last bin is full
  }
}

function record(pack: Pack, tr: PackTrace, I: number, Vp: number): void {
  let vmin = Infinity;
  let vmax = -Infinity;
  let smin = Infinity;
  let smax = -Infinity;
  let tmax = -Infinity;
  for (let k = 0; k < pack.n; k++) {
    vmin = Math.min(vmin, pack.V[k]!);
    vmax = Math.max(vmax, pack.V[k]!);
    const s = pack.soc(k);
    smin = Math.min(smin, s);
    smax = Math.max(smax, s);
    tmax = Math.max(tmax, pack.T[k]!);
  }
  tr.push(pack.t, Vp, I, vmin, vmax, smin, smax, tmax);
  const f = tr.frames;
  if (f && f.calls++ % f.stride === 0) {
    const d = f.data;
    d.time_s.push(pack.t);
    d.voltage_V.push(Array.from(pack.V));
    d.soc.push(Array.from({ length: pack.n }, (_, k) => pack.soc(k)));
    d.temperature_K.push(Array.from(pack.T));
    if (d.time_s.length >= 2 * f.want) {
      // keep every other snapshot and halve the rate: the frames stay evenly spaced in steps
      const keep = <T>(a: T[]): T[] => a.filter((_, i) => i % 2 === 0);
      f.data = {
        ...d,
        time_s: keep(d.time_s),
        voltage_V: keep(d.voltage_V),
        soc: keep(d.soc),
        temperature_K: keep(d.temperature_K),
      };
      f.stride *= 2;
    }
  }
}

/** the trace downsampled to at most `n` points: the last time, voltage and current of each stride, the extremes of the rest */
export function downsample(tr: PackTrace, n: number): PackSeries {
  const m = tr.t.length;
  const stride = Math.max(1, Math.ceil(m / n));
  const out: PackSeries = {
    time_s: [],
    packVoltage_V: [],
    packCurrent_A: [],
    cellVoltageMin_V: [],
    cellVoltageMax_V: [],
    socMin: [],
    socMax: [],
    temperatureMax_K: [],
  };
  for (let i = 0; i < m; i += stride) {
    const e = Math.min(m, i + stride);
    let vmin = Infinity;
    let vmax = -Infinity;
    let smin = Infinity;
    let smax = -Infinity;
    let tmax = -Infinity;
    for (let j = i; j < e; j++) {
      vmin = Math.min(vmin, tr.vmin[j]!);
      vmax = Math.max(vmax, tr.vmax[j]!);
      smin = Math.min(smin, tr.smin[j]!);
      smax = Math.max(smax, tr.smax[j]!);
      tmax = Math.max(tmax, tr.tmax[j]!);
    }
    out.time_s.push(tr.t[e - 1]!);
    out.packVoltage_V.push(tr.vp[e - 1]!);
    out.packCurrent_A.push(tr.ip[e - 1]!);
    out.cellVoltageMin_V.push(vmin);
    out.cellVoltageMax_V.push(vmax);
    out.socMin.push(smin);
    out.socMax.push(smax);
    out.temperatureMax_K.push(tmax);
  }
  return out;
}

function profileOf(
  recipe: Recipe,
  ex: BatteryExtras,
  opts: BatteryCommandOptions,
  packEnergy_J: number,
  days: number,
  rng: Rng,
): PowerProfile {
  const p = opts.profile;
  if (p === 'ev:UDDS' || p === 'ev:US06' || p === 'ev:WLTC')
    return driveCycle(p.slice(3) as 'UDDS' | 'US06' | 'WLTC', ex.vehicle, 1);
  const Ewh = toWh(packEnergy_J);
  if (p === 'ess:solar') {
    // defaults (assumption): PV sized so a clear day (≈ 7 peak-sun hours) yields ≈ 1.4× the pack energy,
    // evening load 18–23 h drawing ≈ 80 % of the pack energy
    const pv = ex.solar.pv_peak_kW !== undefined ? kW(ex.solar.pv_peak_kW) : Ewh / 5;
    const load = ex.solar.evening_load_kW !== undefined ? kW(ex.solar.evening_load_kW) : (0.8 * Ewh) / 5;
    return solarDays(
      {
        latitude_deg: ex.solar.latitude_deg,
        day_of_year: ex.solar.day_of_year,
        pv_peak_W: pv,
        evening_load_W: load,
        cloud_sigma: ex.solar.cloud_sigma,
        days,
        dt_s: 60,
      },
      rng,
    );
  }
  if (p === 'ess:wind') {
    const w = ex.wind;
    // default rating (assumption): turbine rated power = pack energy / 2 h
    const rated = w.rated_kW !== undefined ? kW(w.rated_kW) : Ewh / 2;
    const o = {
      k: w.weibull_k,
      c_m_s: w.weibull_c_m_s,
      rated_W: rated,
      cut_in_m_s: w.cut_in_m_s,
      rated_m_s: w.rated_m_s,
      cut_out_m_s: w.cut_out_m_s,
      days,
      dt_s: 60,
    };
    return windDays({ ...o, export_W: w.grid_export_kW !== undefined ? kW(w.grid_export_kW) : meanWindPower(o) }, rng);
  }
  if (p === 'csv') {
    const c = opts.csv;
    if (!c) throw new RangeError('csv: profile "csv" needs the CSV text (got none; allowed {text, column})');
    const tab = parseProfileCsv(c.text, c.name ?? 'profile.csv');
    if (c.column.startsWith('speed')) {
      const unit = c.column === 'speed_km_h' ? 'km/h' : c.column === 'speed_mph' ? 'mph' : 'm/s';
      return speedProfile(tab, ex.vehicle, unit, 1, c.name ?? 'profile.csv');
    }
    if (c.column === 'current_A') {
      // a pack current (A, positive on charge) is turned into power at the present pack voltage by the caller
      const I = binAverage(tab, 1, c.name ?? 'profile.csv');
      return { name: c.name ?? 'profile.csv', dt_s: 1, power_W: I, note: 'current profile (A, positive on charge)' };
    }
    const P = binAverage(tab, 1, c.name ?? 'profile.csv');
    // the CSV's column in W, or in kW (the edge's one conversion)
    if (c.column === 'power_kW') for (let i = 0; i < P.length; i++) P[i] = kW(P[i]!);
    return { name: c.name ?? 'profile.csv', dt_s: 1, power_W: P, note: 'power profile (positive on charge)' };
  }
  throw problem('profile', 'unknown', String(JSON.stringify(p)), String(BATTERY_PROFILES.join(', ')));
}

/**
 * The multi-year projection's work, before it is done: one item per cell and per band draw
 * (src/battery/ageing-cells.ts, independent of one another), and `finish`, which turns their trajectories
 * into the projection. runBattery does the work in place (runAgeingWork); the job may spread it over threads.
 */
export interface AgeingPlan {
  /** the projection's horizon, years */
  readonly years: number;
  /** the pack's cells in order, then the band's draws (bandDrawSpecs' order) */
  readonly work: readonly CellAgeingWork[];
  /** each item's trajectory (cellAgeingTrajectory), in the order of `work` → the projection */
  finish(trajectories: readonly (readonly number[])[]): PackAgeing | null;
}

/** the plan's work in this thread, in order, with the 'battery: ageing' progress (in years of the horizon) */
export function runAgeingWork(work: readonly CellAgeingWork[], years: number, progress?: Progress): number[][] {
  const ticker = stageTicker(progress, 'battery: ageing', years, 'years');
  const out = work.map((w, i) => {
    const t = cellAgeingTrajectory(w);
    ticker.tick((years * (i + 1)) / work.length);
    return t;
  });
  ticker.end();
  return out;
}

/**
 * Capacity after N years: every cell's SPMe goes through `daysPerYear × years` ageing updates
 * (applyAgeing via afterCycles: √t interphase growth over 86 400 s, contact loss from the day's
 * cycling depth, Li loss), with that cell's per-day charge/discharge from the simulated profile; at the
 * start, after formation and at the end of each year each cell's C/3 capacity is measured (CC charge to
 * v_max + CV to C/20, CC discharge to v_min, SSB fast stepper). Pack capacity = the smallest group sum
 * (series string limited by its weakest group; within a group the cells share by Kirchhoff and all empty
 * together at C/3 — assumption). The cells age independently: one work item each (planned here, done by
 * the caller), plus one per band draw.
 */
function planAgeing(
  built: BuiltPack,
  perCellDaily_C: Float64Array,
  years: number,
  vMin: number,
  vMax: number,
  duty: DutyForAgeing,
): AgeingPlan {
  const { pack, specs } = built;
  const models = specs.map(spmeOf);
  // the hottest cell under load ages fastest: it stands for the pack in the band (below)
  let hot = 0;
  for (let k = 1; k < models.length; k++) if (duty.temperature_K[k]! > duty.temperature_K[hot]!) hot = k;
  // each day: the duty's time under current at its RMS current and the cell's mean temperature under
  // load (the pack's thermal model), the rest of the day at rest at mid SOC and ambient temperature — the
  // interphase laws take one temperature per update: the Arrhenius factor's day mean (assumption: ≤ 2 %
  // from averaging T instead of the factor over a ±10 K swing)
  const day: AgeingDay[] = models.map((_, k) => {
    const active = duty.active_s[k]!;
    const Tm = (duty.temperature_K[k]! * active + duty.ambient_K * (days(1) - active)) / days(1);
    return { active_s: active, temperature_K: Tm, rmsCurrent_A: duty.rmsCurrent_A[k]! };
  });
  let Tmax = -Infinity;
  let iRms = 0;
  for (let k = 0; k < models.length; k++) {
    Tmax = Math.max(Tmax, duty.temperature_K[k]!);
    iRms = Math.max(iRms, duty.rmsCurrent_A[k]! / toAh(models[k]!.nominalCapacity_C));
  }
  let efc = 0;
  for (let k = 0; k < models.length; k++) efc += perCellDaily_C[k]! / models[k]!.nominalCapacity_C;
  efc = (efc / models.length) * 365;
  // formation: the days over which the cathode contact loss settles; the reference capacity is measured after
  const a0 = models[0]!.core.p.ageing;
  const fDays = years >= 1 ? formationDays(a0.mechanisms.contact_loss, a0.values.cathode_contact_cycles) : 0;
  const item = (spec: CellSpec, k: number, role: CellAgeingWork['role']): CellAgeingWork => ({
    spec,
    day: day[k]!,
    dailyCharge_C: perCellDaily_C[k]!,
    years,
    formationDays: fDays,
    vMin_V: vMin,
    vMax_V: vMax,
    role,
  });
  const n = specs.length;
  const work = [
    ...specs.map((s, k) => item(s, k, 'cell')),
    // the band: the hottest cell under load, re-aged per draw
    ...bandDrawSpecs(specs[hot]!).map((s) => item(s, hot, 'draw')),
  ];
  const finish = (traj: readonly (readonly number[])[]): PackAgeing | null => {
    if (traj.length !== work.length)
      throw problem(
        'battery.ageing',
        'has the wrong number of cell trajectories',
        String(traj.length),
        String(work.length),
      );
    // the pack's capacity at a point of the trajectories: its smallest group sum
    const packCap = (point: number): number => {
      let mn = Infinity;
      for (let gi = 0; gi < pack.Ns; gi++) {
        let s = 0;
        for (let j = 0; j < pack.Np; j++) s += traj[gi * pack.Np + j]![point]!;
        mn = Math.min(mn, s);
      }
      return mn;
    };
    const hotByYear = [...traj[hot]!];
    // a pack that delivers nothing at C/3 has no retention to give (0/0): not evaluable, said by the caller
    const byYear = [packCap(0)];
    if (!(byYear[0]! > 0)) return null;
    // byYear holds the start and the years; the formation point is afterFormation (hotByYear holds every
    // point: the start, after formation, the years)
    const afterFormation = fDays > 0 ? packCap(1) : byYear[0]!;
    for (let yr = 1; yr <= years; yr++) byYear.push(packCap(yr + (fDays > 0 ? 1 : 0)));
    // the pack trajectory with the formation point (the band's input and the fresh-referenced end of life)
    const packTrajectory = fDays > 0 ? [byYear[0]!, afterFormation, ...byYear.slice(1)] : byYear;
    const eolVsFresh = yearsToEndOfLife(
      packTrajectory.map((c) => c / byYear[0]!),
      duty.endOfLifeRetention,
      trajectoryTimes(years, fDays),
    );
    // the band on years to end of life and on the retention: the hottest cell under load, re-aged per draw
    const band = packAgeingBand(
      {
        spec: specs[hot]!,
        day: (index, q) => ageingDaySummary(day[hot]!, index, q),
        dailyCharge_C: perCellDaily_C[hot]!,
        years,
        capacity_C: (m, y) => c3Capacity_C(m, y, vMin, vMax),
        packByYear_C: packTrajectory,
        nominalCellByYear_C: hotByYear,
        endOfLifeRetention: duty.endOfLifeRetention,
        formationDays: fDays,
      },
      hot,
      traj.slice(n),
    );
    const flags = ageingValidity({
      cRate: duty.maxCRate,
      modelMaxCRate: models[0]!.validity.maxCRate,
      temperature_K: Tmax,
      stackPressure_Pa: models[0]!.core.p.stackPressure_Pa,
      cycles: Math.round(efc * years),
    });
    return {
      years,
      equivalentFullCyclesPerYear: efc,
      capacityByYear_C: byYear,
      dutyRmsCRateMax: iRms,
      dutyPeakCRate: duty.maxCRate,
      cellTemperatureUnderLoadMax_K: Tmax,
      validity: { inside: flags.length === 0, flags: flags.map((f) => f.text) },
      yearsToEndOfLife: band ? band.years_to_end_of_life.nominal : null,
      endOfLifeRetention: duty.endOfLifeRetention,
      formationDays: fDays,
      capacityAfterFormation_C: afterFormation,
      yearsToEndOfLifeVsFresh: eolVsFresh,
      band,
    };
  };
  return { years, work, finish };
}

/** what the cells' ageing sees of the simulated duty, per cell (one day of use) */
interface DutyForAgeing {
  readonly active_s: Float64Array;
  readonly temperature_K: Float64Array;
  readonly rmsCurrent_A: Float64Array;
  readonly ambient_K: number;
  readonly maxCRate: number;
  /** end of life as a retention fraction (the recipe's cycling.end_of_life_retention_pct, default 80 %) */
  readonly endOfLifeRetention: number;
}

function limitingCell(built: BuiltPack, resist: number[]): LimitingCell {
  const { pack, specs } = built;
  // the counted deratings (Pack.deratingCounts: steps short of the demand by > 1 %, per cell within 1 mV of
  // the limit hit): the cell counted most often at v_min, else at v_max; among cells counted equally often
  // (a balanced pack held at a limit), the one closest to the limit over those steps
  const dc = pack.deratingCounts;
  const anyLower = dc.cellVMin.some((x) => x > 0);
  const pool = anyLower ? dc.cellVMin : dc.cellVMax;
  const dist = anyLower ? dc.cellVMinDistance : dc.cellVMaxDistance;
  let k = -1;
  let best = 0;
  for (let c = 0; c < pool.length; c++)
    if (pool[c]! > best || (pool[c]! === best && best > 0 && dist[c]! < dist[k]!)) {
      best = pool[c]!;
      k = c;
    }
  let limit: LimitingCell['limit'] = k < 0 ? 'none' : anyLower ? 'v_min' : 'v_max';
  if (k < 0) {
    // no derating: the cell closest to a limit at the end of the run (lowest cell voltage)
    let vmin = Infinity;
    for (let i = 0; i < pack.n; i++)
      if (pack.V[i]! < vmin) {
        vmin = pack.V[i]!;
        k = i;
      }
    limit = 'none';
  }
  const caps = specs.map((_, i) => pack.cellCapacity_C(i));
  const meanCap = caps.reduce((a, b) => a + b, 0) / caps.length;
  const meanR = resist.reduce((a, b) => a + b, 0) / resist.length;
  const groupCaps: number[] = [];
  for (let gi = 0; gi < pack.Ns; gi++) {
    let s = 0;
    for (let j = 0; j < pack.Np; j++) s += caps[gi * pack.Np + j]!;
    groupCaps.push(s);
  }
  const g = pack.group(k);
  const gen = specs[k]!.origin.genealogy;
  return {
    index: k,
    group: g,
    positionInGroup: k % pack.Np,
    serial: specs[k]!.origin.serial,
    limit,
    deratings: Math.max(0, best),
    reachedFirst: limit === 'none' ? null : anyLower ? 'lower' : 'upper',
    capacity_C: caps[k]!,
    capacityVsPackMean: caps[k]! / meanCap - 1,
    resistance_ohm: resist[k]!,
    resistanceVsPackMean: resist[k]! / meanR - 1,
    groupCapacities_C: groupCaps,
    groupCapacityRank: groupCaps.filter((c) => c < groupCaps[g]!).length + 1,
    ...(gen ? { genealogy: gen } : {}),
  };
}

/**
 * The recipe's pack on a duty profile, in SI (`rollcell battery` and the job's battery stage; the presenter,
 * src/present/battery.ts, writes the `battery` block and its summary), with the per-cell snapshots when asked.
 */
/** The C-rate below which a cell's current is rest for its ageing (balancing bleed, self-discharge): 0.01C. */
export const ACTIVE_C_RATE = 0.01;

/**
 * Whether a cell current counts as time under current for the ageing's duty (active time, its mean
 * temperature and RMS current): |I| above 0.01C of the cell's capacity in Ah.
 */
export function countsAsActive(current_A: number, capacity_Ah: number): boolean {
  return Math.abs(current_A) > cRateCurrent_A(Ah(capacity_Ah), ACTIVE_C_RATE);
}

export function runBattery(
  recipe: Recipe,
  opts: BatteryCommandOptions,
): { result: BatteryResult; cellFrames?: CellFramesSI } {
  const { c3Elsewhere: _elsewhere, ...here } = opts;
  const started = startBattery(recipe, here);
  const plan = started.ageing;
  return started.finish(plan ? runAgeingWork(plan.work, plan.years, opts.progress) : null);
}

/** A pack run up to its multi-year projection: the projection's work (null: none), then `finish` with its trajectories. */
export interface StartedBattery {
  readonly ageing: AgeingPlan | null;
  /**
   * the run's result, given the trajectories of `ageing.work` in order (null when `ageing` is null) and the
   * C/3 figures when they were left to the caller (options.c3Elsewhere: measurePackC3 of its work)
   */
  finish(
    trajectories: readonly (readonly number[])[] | null,
    c3?: C3Figures,
  ): { result: BatteryResult; cellFrames?: CellFramesSI };
}

/**
 * runBattery in two steps, so that the projection's work (independent per cell) can be done elsewhere:
 * the C/3 measurement and the duty profile now, the rest in `finish`. runBattery is
 * `finish(runAgeingWork(ageing.work))`: any other way of computing the same trajectories gives its result.
 */
export function startBattery(recipe: Recipe, opts: BatteryCommandOptions): StartedBattery {
  const seed = opts.seed ?? 1;
  const days = opts.days ?? 1;
  if (!(Number.isInteger(days) && days >= 1 && days <= 365))
    throw problem('days', 'must be an integer in 1..365', String(days), '1..365');
  if (!Number.isInteger(seed)) throw problem('seed', 'must be an integer', String(seed), 'an integer');
  if (!BATTERY_PROFILES.includes(opts.profile))
    throw problem('profile', 'unknown', String(JSON.stringify(opts.profile)), String(BATTERY_PROFILES.join(', ')));
  const notes: string[] = [];
  // the design cells' unit cell: the line's cell for the recipe, the line run once here unless the caller ran it
  const lineCell = opts.cells ? undefined : (opts.lineCell ?? lineCellOf(recipe));
  const from = { seed, cells: opts.cells, lineCell, extras: opts.extras };
  // ---- static pack figures from a C/3 discharge of a fresh, fully charged copy
  const ref = buildPack(recipe, { ...from, initialSoc: 1 });
  // an EV duty does not need the C/3 figures (its trace is fixed): the caller may measure them elsewhere
  // meanwhile (c3Elsewhere), on its own copy of the same pack — the same numbers
  const evDuty =
    opts.profile.startsWith('ev:') || (opts.profile === 'csv' && opts.csv?.column.startsWith('speed') === true);
  let c3: C3Figures | null = null;
  if (opts.c3Elsewhere && evDuty) opts.c3Elsewhere({ recipe, ...from });
  else c3 = measureC3(ref.pack, 30, opts.progress);
  const ex = ref.extras;
  const resist = ref.pack.models.map(cellResistance_ohm);
  const caps = ref.pack.models.map((m) => toAh(m.nominalCapacity_C));
  let capNom = Infinity;
  for (let gi = 0; gi < ref.pack.Ns; gi++) {
    let s = 0;
    for (let j = 0; j < ref.pack.Np; j++) s += caps[gi * ref.pack.Np + j]!;
    capNom = Math.min(capNom, s);
  }
  let capNom_C = Infinity;
  for (let gi = 0; gi < ref.pack.Ns; gi++) {
    let s = 0;
    for (let j = 0; j < ref.pack.Np; j++) s += ref.pack.models[gi * ref.pack.Np + j]!.nominalCapacity_C;
    capNom_C = Math.min(capNom_C, s);
  }
  const cellMass = ref.specs.reduce((a, s) => a + s.mass_kg, 0);
  const cellVol = ref.specs.reduce((a, s) => a + s.volume_m3, 0);
  const massPack = cellMass / ex.cell_to_pack_mass_ratio;
  const volPack = cellVol / ex.cell_to_pack_volume_ratio;
  const vMin = ref.pack.vMin;
  const vMax = ref.pack.vMax;
  const Ns = ref.pack.Ns;
  const Np = ref.pack.Np;
  const packV = { min: Ns * vMin, max: Ns * vMax };

  // ---- the duty profile
  const built = buildPack(recipe, from);
  const pack = built.pack;
  const rng = new Rng(seed ^ 0x5eed);
  // (c3 is null only for an EV duty, whose profile does not use the pack energy)
  const prof = profileOf(recipe, ex, opts, c3?.energy_J ?? NaN, days, rng);
  const tr = new PackTrace(opts.seriesPoints ?? 400);
  if (opts.cellFrames !== undefined && opts.cellFrames > 0)
    tr.frames = {
      want: Math.ceil(opts.cellFrames),
      stride: 1,
      calls: 0,
      data: {
        series: pack.Ns,
        parallel: pack.Np,
        serials: built.specs.map((c) => c.origin.serial),
        time_s: [],
        voltage_V: [],
        soc: [],
        temperature_K: [],
      },
    };
  const q0 = Float64Array.from({ length: pack.n }, (_, k) => pack.anodeCharge_C(k));
  const V0start = Float64Array.from(pack.V0);
  let notDelivered_J = 0;
  let evOut: DutyResult['ev'];
  const isEv =
    opts.profile.startsWith('ev:') || (opts.profile === 'csv' && opts.csv?.column.startsWith('speed') === true);
  const isCurrent = opts.profile === 'csv' && opts.csv?.column === 'current_A';
  let maxC = 0;
  const capMean = caps.reduce((a, b) => a + b, 0) / caps.length;
  // a pack that cannot be evaluated stops the duty where it happened (the result says so), like a cut-off
  const halt: { at: DutyResult['notEvaluable'] | null } = { at: null };
  // (read through a call: the flow analysis cannot see the assignment inside `evaluable`)
  const halted = (): DutyResult['notEvaluable'] | null => halt.at;
  const evaluable = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof PackNotEvaluable)) throw e;
      halt.at = { ...e.at, serial: built.specs[e.at.cell]!.origin.serial };
      return undefined;
    }
  };
  const step = (P: number, dt: number): void => {
    if (isCurrent) {
      const res = pack.stepCurrent(P, dt);
      if (res.derated) notDelivered_J += Math.abs((P - res.I_A) * res.V_pack_V) * dt;
      record(pack, tr, res.I_A, res.V_pack_V);
    } else {
      const res = pack.stepPower(P, dt);
      if (res.derated) notDelivered_J += Math.abs(P - res.P_W) * dt;
      record(pack, tr, res.I_A, res.V_pack_V);
    }
    for (let k = 0; k < pack.n; k++) {
      const Ik = Math.abs(pack.I[k]!);
      maxC = Math.max(maxC, Ik / capMean);
      // what the cells' ageing sees of the duty: time under current, its temperature and RMS current
      if (countsAsActive(Ik, capMean)) {
        duty.active_s[k] = duty.active_s[k]! + dt;
        duty.Tdt[k] = duty.Tdt[k]! + pack.T[k]! * dt;
        duty.I2dt[k] = duty.I2dt[k]! + Ik * Ik * dt;
      }
    }
  };
  const duty = {
    active_s: new Float64Array(pack.n),
    Tdt: new Float64Array(pack.n),
    I2dt: new Float64Array(pack.n),
  };
  const dailyCharge = new Float64Array(pack.n);
  // the share of the simulated duty that one day of use is (EV: rescaled to 40 km a day below)
  let dayFraction = 1 / days;
  // EV: each day is driven to empty (≈ the C/3 energy) and recharged; progress in days
  const ticker = stageTicker(
    opts.progress,
    'battery: duty profile',
    isEv ? days : prof.power_W.length,
    isEv ? 'days' : 'steps',
  );
  if (isEv) {
    const P = prof.power_W;
    const dist = prof.distance_m ?? 0;
    let range_km = 0;
    let range_m = 0;
    let cycles = 0;
    let stoppedBy = 'cycle limit (500 cycles)';
    let consumption_J_per_m = 0;
    for (let day = 0; day < days && !halted(); day++) {
      const dayOut0 = pack.energyOut_J;
      // drive until a whole cycle delivers < 90 % of the requested discharge energy (the vehicle can no
      // longer follow the trace), at most 500 cycles
      let driven = 0;
      let outJ = 0;
      let c = 0;
      for (; c < 500; c++) {
        let req = 0;
        let got = 0;
        let net = 0;
        for (let i = 0; i < P.length; i++) {
          const e0 = pack.energyOut_J;
          const i0 = pack.energyIn_J;
          if (!evaluable(() => (step(P[i]!, prof.dt_s), true))) break;
          ticker.tick(
            day + 0.8 * Math.min(1, (pack.energyOut_J - dayOut0) / Math.max(1, c3?.energy_J ?? capNom_C * packV.max)),
          );
          if (P[i]! < 0) {
            req += -P[i]! * prof.dt_s;
            got += pack.energyOut_J - e0 - (pack.energyIn_J - i0);
          }
          net += pack.energyOut_J - e0 - (pack.energyIn_J - i0);
        }
        const frac = req > 0 ? got / req : 1;
        outJ += net;
        const h = halted();
        if (h) {
          driven += dist * Math.max(0, Math.min(1, frac));
          stoppedBy = `not evaluable: ${h.reason}`;
          c++;
          break;
        }
        if (frac < 0.9) {
          driven += dist * Math.max(0, frac);
          stoppedBy = `the pack delivered ${toPct(frac).toFixed(1)} % of cycle ${c + 1}'s traction energy (< 90 %)`;
          c++;
          break;
        }
        driven += dist;
      }
      if (day === 0) {
        range_m = driven;
        range_km = toKm(driven);
        cycles = c;
        consumption_J_per_m = driven > 0 ? outJ / driven : 0;
      }
      // recharge: CC at C/3 of the pack, held at the cell v_max by the BMS (→ CV-like taper), to C/20
      const Ic = toAh(Ah(capNom) / 3); // C/3 of the weakest group (capNom in Ah), in A
      for (let i = 0; i < 2000 && !halted(); i++) {
        const res = evaluable(() => pack.stepCurrent(Ic, 30));
        if (!res) break;
        record(pack, tr, res.I_A, res.V_pack_V);
        ticker.tick(day + 0.8 + Math.min(0.19, (0.2 * i) / 400));
        if (res.I_A < Ic / (20 / 3)) break;
      }
    }
    evOut = {
      range_m,
      cycles,
      distancePerCycle_m: dist,
      consumption_J_per_m: consumption_J_per_m,
      stoppedBy,
    };
    // ageing: km per day → partial cycles of depth km_per_day / range
    const kmPerDay = 40; // assumption: ≈ 14 600 km per year
    for (let k = 0; k < pack.n; k++)
      dailyCharge[k] = range_km > 0 ? (pack.cellThroughput_C[k]! / 2 / days) * Math.min(1, kmPerDay / range_km) : 0;
    notes.push('EV ageing: 40 km per day (assumption), each day one partial cycle of depth 40 km / range');
    dayFraction = range_km > 0 ? Math.min(1, kmPerDay / range_km) / days : 0;
  } else {
    for (let i = 0; i < prof.power_W.length; i++) {
      if (!evaluable(() => (step(prof.power_W[i]!, prof.dt_s), true))) break;
      ticker.tick(i + 1);
    }
    for (let k = 0; k < pack.n; k++) dailyCharge[k] = pack.cellThroughput_C[k]! / 2 / days;
  }
  ticker.end();
  if (halt.at) {
    const h = halt.at;
    notes.push(
      `not evaluable: the pack could not be evaluated at t = ${h.t_s} s — cell #${h.cell} (${h.serial}, group ` +
        `${h.group}) at pack current ${h.current_A.toPrecision(6)} A: ${h.reason}; the duty stopped there and its ` +
        'figures are those of the duty up to it',
    );
  }
  // conservation checks
  let sumCellE = 0;
  let dq = 0;
  let dE = 0;
  for (let k = 0; k < pack.n; k++) {
    sumCellE += pack.cellEnergy_J[k]!;
    const d = pack.anodeCharge_C(k) - q0[k]!;
    dq = Math.max(dq, Math.abs(d - pack.cellCharge_C[k]!));
    dE += 0.5 * (V0start[k]! + pack.V0[k]!) * d;
  }
  const eBal = pack.packEnergy_J - (sumCellE + pack.interconnectLoss_J + pack.bleedLoss_J);
  // round trip: out / in, corrected by the change of stored energy (≈ mean rest voltage × charge)
  const rte = pack.energyIn_J > 0 ? (pack.energyOut_J + Math.max(0, dE)) / (pack.energyIn_J - Math.min(0, dE)) : 0;
  const socSpreadMax = tr.socSpreadMax;
  const lc = limitingCell(built, resist);
  const plan =
    opts.ageing === false || ex.years === 0
      ? null
      : planAgeing(built, dailyCharge, Math.round(ex.years), vMin, vMax, {
          active_s: Float64Array.from(duty.active_s, (a) => Math.min(DAY_S, a * dayFraction)),
          temperature_K: Float64Array.from(duty.Tdt, (x, k) =>
            duty.active_s[k]! > 0 ? x / duty.active_s[k]! : celsius(recipe.cell.temperature_C),
          ),
          rmsCurrent_A: Float64Array.from(duty.I2dt, (x, k) =>
            duty.active_s[k]! > 0 ? Math.sqrt(x / duty.active_s[k]!) : 0,
          ),
          ambient_K: celsius(recipe.cell.temperature_C),
          maxCRate: maxC,
          endOfLifeRetention: fromPct(recipe.cycling?.end_of_life_retention_pct || 80),
        });
  const finish: StartedBattery['finish'] = (trajectories, c3Measured) => {
    const c3f = c3 ?? c3Measured;
    if (!c3f) throw new Error('startBattery: the C/3 figures measured elsewhere (c3Elsewhere) are needed');
    const nominalV = c3f.capacity_C > 0 ? c3f.energy_J / c3f.capacity_C : 0;
    if ((plan === null) !== (trajectories === null))
      throw new Error(`startBattery: ${plan ? 'the projection needs its trajectories' : 'no projection to finish'}`);
    const ageing = plan && trajectories ? plan.finish(trajectories) : null;
    if (ageing === null && opts.ageing !== false && ex.years !== 0)
      notes.push('ageing not evaluable: the pack delivers no capacity in a C/3 cycle between its cut-offs');
    const validity = ref.pack.models[0]!.validity.maxCRate;
    if (maxC > validity)
      notes.push(
        `cells ran up to ${maxC.toFixed(2)}C, above the SPMe's stated validity (${validity}C vs the P2D): voltages at the peaks are less accurate`,
      );
    notes.push(
      `thermal model is one-way for the duty (the electrochemistry stays at ${recipe.cell.temperature_C.toFixed(1)} °C); ` +
        "the multi-year ageing runs at each cell's mean temperature under load and its RMS current",
    );
    if (ageing) for (const f of ageing.validity.flags) notes.push(`ageing projection: ${f}`);
    notes.push(prof.note);
    const d = pack.deratings;
    const result: BatteryResult = {
      profile: opts.profile === 'csv' ? `csv:${opts.csv?.name ?? 'profile.csv'}` : opts.profile,
      seed,
      days,
      cellModel: 'ssb-spme (full SPMe of src/electrochem/ssb per cell, backward Euler, Kirchhoff-coupled)',
      pack: {
        series: Ns,
        parallel: Np,
        cellSource: built.source,
        cellLayers: ex.cell_layers,
        interconnect_ohm: built.options.cellConnection_ohm,
        voltageMin_V: packV.min,
        voltageMax_V: packV.max,
        nominalVoltage_V: nominalV,
        capacityNominal_C: capNom_C,
        capacityC3_C: c3f.capacity_C,
        energyC3_J: c3f.energy_J,
        mass_kg: massPack,
        volume_m3: volPack,
        cellCapacity_C: ref.pack.models.map((m) => m.nominalCapacity_C),
        cellResistance_ohm: resist,
        c3StoppedByCell: c3f.stoppedByCell,
      },
      duty: {
        duration_s: pack.t,
        energyOut_J: pack.energyOut_J,
        energyIn_J: pack.energyIn_J,
        roundTripEfficiency: pack.energyIn_J > 0 && pack.energyOut_J > 0 ? rte : null,
        interconnectLoss_J: pack.interconnectLoss_J,
        balancingLoss_J: pack.bleedLoss_J,
        cellVoltageMin_V: tr.vminAll,
        cellVoltageMax_V: tr.vmaxAll,
        socSpreadMax,
        socSpreadEnd: tr.lastSmax - tr.lastSmin,
        temperatureMax_K: built.options.thermal ? tr.tmaxAll : null,
        maxCellCRate: maxC,
        modelValidityCRate: validity,
        deratings: {
          count: pack.deratingCounts.total,
          discharge: pack.deratingCounts.discharge,
          charge: pack.deratingCounts.charge,
          energyNotDelivered_J: notDelivered_J,
          first: d.slice(0, 10).map((x) => ({ ...x })),
        },
        ...(evOut ? { ev: evOut } : {}),
        conservation: { energyBalanceError_J: eBal, chargeBalanceError_C: dq },
        ...(halt.at ? { notEvaluable: halt.at } : {}),
      },
      limitingCell: lc,
      ageing,
      series: downsample(tr, opts.seriesPoints ?? 400),
      notes,
    };
    return { result, ...(tr.frames ? { cellFrames: tr.frames.data } : {}) };
  };
  return { ageing: plan, finish };
}
