/**
 * Pack runs for the CLI (`rollcell battery`): build the pack from the recipe (design cells with a seeded
 * spread, or a production run's cells), measure its C/3 capacity and energy, run a duty profile for
 * `days`, estimate the capacity after N years with the SSB ageing submodels, and return the `battery`
 * block (JSON, units in names) plus a text summary. Pure and deterministic for a given seed.
 */
import type { Recipe } from '../recipe/schema.ts';
import type { CellRecord } from '../process/line.ts';
import { Rng } from '../numerics/rng.ts';
import { stageTicker, type Progress } from '../progress.ts';
import { SsbSpme } from '../electrochem/ssb/spme.ts';
import { fastRunner, runCycle } from '../electrochem/ssb/cycle.ts';
import { parseBatteryExtras, type BatteryExtras, type BatteryExtrasInput } from './config.ts';
import { designCells, productionCells, spmeOf, type CellSpec } from './cells.ts';
import { Pack, type PackOptions } from './pack.ts';
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
import { celsius, toCelsius } from '../units/index.ts';
import type { CycleSummary } from '../electrochem/model.ts';
import { ageingValidity } from '../electrochem/ssb/ageing-band.ts';
import {
  FORMATION_SETTLED,
  formationDays,
  packAgeingBand,
  trajectoryTimes,
  yearsToEndOfLife,
  yearsToEolText,
  type PackAgeingBand,
} from './ageing-band.ts';

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
  readonly cells?: readonly CellRecord[];
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
  /** progress of the C/3 measurement, the duty profile and the ageing estimate, for the edges to show */
  readonly progress?: Progress;
  /**
   * keep per-cell snapshots (voltage, SOC, temperature of every cell) at between `cellFrames` and
   * 2·`cellFrames` evenly spaced steps of the duty profile (for the dashboard's pack heatmaps); default none
   */
  readonly cellFrames?: number;
}

/** Per-cell snapshots over the duty profile: frame f, cell k (series group k / parallel, position k % parallel). */
export interface CellFrames {
  series: number;
  parallel: number;
  /** serial of each pack cell (production serial, or D-<n> for a design-spread cell) */
  serials: string[];
  time_s: number[];
  /** [frame][cell] */
  voltage_V: number[][];
  soc_pct: number[][];
  temperature_C: number[][];
}

export interface LimitingCell {
  index: number;
  group: number;
  position_in_group: number;
  serial: string;
  limit: 'v_min' | 'v_max' | 'p_max' | 'none';
  deratings: number;
  capacity_Ah: number;
  capacity_vs_pack_mean_pct: number;
  resistance_mOhm: number;
  resistance_vs_pack_mean_pct: number;
  group_capacity_Ah: number;
  group_capacity_rank: number;
  reason: string;
  genealogy?: CellSpec['origin']['genealogy'];
}

export interface BatteryBlock {
  profile: string;
  seed: number;
  days: number;
  cell_model: string;
  pack: {
    series: number;
    parallel: number;
    cells: number;
    cell_source: 'design' | 'production';
    cell_layers: number;
    interconnect_resistance_mOhm: number;
    voltage_min_V: number;
    voltage_max_V: number;
    nominal_voltage_V: number;
    in_seed_voltage_window_1_500_V: boolean;
    capacity_nominal_Ah: number;
    capacity_C3_Ah: number;
    energy_C3_kWh: number;
    mass_kg: number;
    volume_L: number;
    specific_energy_Wh_kg: number;
    energy_density_Wh_L: number;
    cell_capacity_Ah: { mean: number; sigma: number; min: number; max: number };
    cell_resistance_mOhm: { mean: number; sigma: number; min: number; max: number };
    c3_stopped_by_cell: number;
  };
  results: {
    duration_h: number;
    energy_out_kWh: number;
    energy_in_kWh: number;
    throughput_kWh: number;
    /** null when no energy went in or came out (undefined ratio) */
    round_trip_efficiency: number | null;
    interconnect_loss_Wh: number;
    balancing_loss_Wh: number;
    cell_voltage_min_V: number;
    cell_voltage_max_V: number;
    soc_spread_max_pct: number;
    soc_spread_end_pct: number;
    temperature_max_C: number | null;
    max_cell_c_rate: number;
    model_validity_c_rate: number;
    deratings: {
      count: number;
      discharge: number;
      charge: number;
      energy_not_delivered_Wh: number;
      first: {
        t_s: number;
        requested_W: number | null;
        delivered_W: number | null;
        requested_A: number;
        delivered_A: number;
        cell: number;
        limit: string;
      }[];
    };
    ev?: {
      range_km: number;
      cycles: number;
      distance_per_cycle_km: number;
      consumption_Wh_per_km: number;
      stopped_by: string;
    };
    conservation: { energy_balance_error_J: number; charge_balance_error_C: number };
  };
  limiting_cell: LimitingCell;
  ageing: {
    years: number;
    equivalent_full_cycles_per_year: number;
    capacity_Ah_by_year: number[];
    capacity_retention_pct_after_years: number;
    /** the duty the projection used: highest cell RMS C-rate under load, peak C-rate, hottest cell under load */
    duty_rms_c_rate_max: number;
    duty_peak_c_rate: number;
    cell_temperature_under_load_max_C: number;
    /** the projection against the model's validity and the fitted ageing data ("outside validity: …") */
    validity: { inside: boolean; flags: string[] };
    /**
     * years until the pack's C/3 capacity falls below end of life of the capacity after formation (null: not
     * within the projected years)
     */
    years_to_end_of_life: number | null;
    end_of_life_retention_pct: number;
    /**
     * what retention and years to end of life are referenced to: the pack's C/3 capacity after formation —
     * `formation_days` days of the duty, over which the cathode contact loss settles (src/battery/ageing-band.ts
     * formationDays) — or the fresh capacity when no loss settles (contact loss off)
     */
    retention_reference: string;
    formation_days: number;
    /** the pack's C/3 capacity after formation, Ah, and the loss from fresh to it, % of fresh */
    capacity_Ah_after_formation: number;
    formation_loss_pct: number;
    /** the same figures referenced to the fresh capacity (capacity_Ah_by_year[0]) */
    capacity_retention_pct_after_years_vs_fresh: number;
    years_to_end_of_life_vs_fresh: number | null;
    /** the band over the ageing parameters' ranges (issue 16 item 5; src/battery/ageing-band.ts) */
    band: PackAgeingBand | null;
  } | null;
  series: {
    time_s: number[];
    pack_voltage_V: number[];
    pack_current_A: number[];
    cell_voltage_min_V: number[];
    cell_voltage_max_V: number[];
    soc_min_pct: number[];
    soc_max_pct: number[];
    temperature_max_C: number[];
  };
  notes: string[];
}

const r = (x: number, p = 6): number => Number(x.toPrecision(p));

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
  o: { seed: number; cells?: readonly CellRecord[]; extras?: BatteryExtrasInput; initialSoc?: number },
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
    : designCells(recipe, n, ex.cell_layers, ex.spread, o.seed);
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
  const rIc = b.interconnect_resistance_mOhm * 1e-3;
  const options: PackOptions = {
    series: b.series,
    parallel: b.parallel,
    cellConnection_ohm: rIc,
    seriesLink_ohm: rIc,
    vMin_V: ex.bms.cell_v_min_V ?? recipe.cycling.discharge_cutoff_V,
    vMax_V: ex.bms.cell_v_max_V ?? recipe.cycling.charge_cutoff_V,
    bleed_ohm: ex.bms.bleed_resistance_ohm,
    balanceThreshold_V: ex.bms.balance_threshold_mV * 1e-3,
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

const stats = (x: number[]): { mean: number; sigma: number; min: number; max: number } => {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const sigma = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, x.length - 1));
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { mean: r(mean), sigma: r(sigma), min: r(min), max: r(max) };
};

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
  const I = -cap / 3 / 3600;
  const q0 = pack.packCharge_C;
  const e0 = pack.packEnergy_J;
  const d0 = pack.deratings.length;
  const ticker = stageTicker(progress, 'battery: C/3 capacity', 100, '%');
  for (let i = 0; i < 100000; i++) {
    pack.stepCurrent(I, dt);
    ticker.tick(Math.min(99, (100 * (q0 - pack.packCharge_C)) / cap));
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
  frames?: { want: number; stride: number; calls: number; data: CellFrames };
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
    d.voltage_V.push(Array.from(pack.V, (v) => r(v, 5)));
    d.soc_pct.push(Array.from({ length: pack.n }, (_, k) => r(pack.soc(k) * 100, 4)));
    d.temperature_C.push(Array.from(pack.T, (T) => r(toCelsius(T), 4)));
    if (d.time_s.length >= 2 * f.want) {
      // keep every other snapshot and halve the rate: the frames stay evenly spaced in steps
      const keep = <T>(a: T[]): T[] => a.filter((_, i) => i % 2 === 0);
      f.data = {
        ...d,
        time_s: keep(d.time_s),
        voltage_V: keep(d.voltage_V),
        soc_pct: keep(d.soc_pct),
        temperature_C: keep(d.temperature_C),
      };
      f.stride *= 2;
    }
  }
}

export function downsample(tr: PackTrace, n: number): BatteryBlock['series'] {
  const m = tr.t.length;
  const stride = Math.max(1, Math.ceil(m / n));
  const out: BatteryBlock['series'] = {
    time_s: [],
    pack_voltage_V: [],
    pack_current_A: [],
    cell_voltage_min_V: [],
    cell_voltage_max_V: [],
    soc_min_pct: [],
    soc_max_pct: [],
    temperature_max_C: [],
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
    out.time_s.push(r(tr.t[e - 1]!));
    out.pack_voltage_V.push(r(tr.vp[e - 1]!, 5));
    out.pack_current_A.push(r(tr.ip[e - 1]!, 5));
    out.cell_voltage_min_V.push(r(vmin, 5));
    out.cell_voltage_max_V.push(r(vmax, 5));
    out.soc_min_pct.push(r(smin * 100, 4));
    out.soc_max_pct.push(r(smax * 100, 4));
    out.temperature_max_C.push(r(toCelsius(tmax), 4));
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
  const Ewh = packEnergy_J / 3600;
  if (p === 'ess:solar') {
    // defaults (assumption): PV sized so a clear day (≈ 7 peak-sun hours) yields ≈ 1.4× the pack energy,
    // evening load 18–23 h drawing ≈ 80 % of the pack energy
    const pv = ex.solar.pv_peak_kW !== undefined ? ex.solar.pv_peak_kW * 1000 : Ewh / 5;
    const load = ex.solar.evening_load_kW !== undefined ? ex.solar.evening_load_kW * 1000 : (0.8 * Ewh) / 5;
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
    const rated = w.rated_kW !== undefined ? w.rated_kW * 1000 : Ewh / 2;
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
    return windDays(
      { ...o, export_W: w.grid_export_kW !== undefined ? w.grid_export_kW * 1000 : meanWindPower(o) },
      rng,
    );
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
    const k = c.column === 'power_kW' ? 1000 : 1;
    const P = binAverage(tab, 1, c.name ?? 'profile.csv');
    for (let i = 0; i < P.length; i++) P[i] = P[i]! * k;
    return { name: c.name ?? 'profile.csv', dt_s: 1, power_W: P, note: 'power profile (positive on charge)' };
  }
  throw problem('profile', 'unknown', String(JSON.stringify(p)), String(BATTERY_PROFILES.join(', ')));
}

/**
 * Capacity after N years: every cell's SPMe goes through `daysPerYear × years` ageing updates
 * (applyAgeing via afterCycle: √t interphase growth over 86 400 s, contact loss from the day's
 * cycling depth, Li loss), with that cell's per-day charge/discharge from the simulated profile; at the
 * end of each year each cell's C/3 capacity is measured (CC charge to v_max + CV to C/20, CC discharge to
 * v_min, SSB fast stepper). Pack capacity = the smallest group sum (series string limited by its weakest
 * group; within a group the cells share by Kirchhoff and all empty together at C/3 — assumption).
 */
function ageingEstimate(
  built: BuiltPack,
  perCellDaily_C: Float64Array,
  years: number,
  vMin: number,
  vMax: number,
  duty: DutyForAgeing,
  progress?: Progress,
): BatteryBlock['ageing'] {
  const { pack, specs } = built;
  const models = specs.map(spmeOf);
  const ys = models.map((m) => m.initialState(0.5));
  const capacityOf = (m: SsbSpme, yy: Float64Array): number =>
    runCycle(fastRunner(m, { stepsPerSweep: 60 }), m, yy, 1 / 3, 1 / 3, {
      vMax_V: vMax,
      vMin_V: vMin,
      cvEndCRate: 0.05,
    }).discharge_C;
  const capOf = (k: number): number => capacityOf(models[k]!, ys[k]!);
  // the hottest cell under load ages fastest: it stands for the pack in the band (below)
  let hot = 0;
  for (let k = 1; k < models.length; k++) if (duty.temperature_K[k]! > duty.temperature_K[hot]!) hot = k;
  const hotByYear: number[] = [];
  const packCap = (): number => {
    const caps = models.map((_, k) => capOf(k));
    hotByYear.push(caps[hot]!);
    let mn = Infinity;
    for (let gi = 0; gi < pack.Ns; gi++) {
      let s = 0;
      for (let j = 0; j < pack.Np; j++) s += caps[gi * pack.Np + j]!;
      mn = Math.min(mn, s);
    }
    return mn;
  };
  // each day: the duty's time under current at its RMS current and the cell's mean temperature under
  // load (the pack's thermal model), the rest of the day at rest at mid SOC and ambient temperature — the
  // interphase laws take one temperature per update: the Arrhenius factor's day mean (assumption: ≤ 2 %
  // from averaging T instead of the factor over a ±10 K swing)
  const day = models.map((m, k) => {
    const active = duty.active_s[k]!;
    const Tm = (duty.temperature_K[k]! * active + duty.ambient_K * (86400 - active)) / 86400;
    return (index: number, q: number): CycleSummary => ({
      index,
      charge_C: q,
      discharge_C: q,
      duration_s: 86400,
      rest_s: 86400 - active,
      restSoc: 0.5,
      meanSoc: 0.5,
      temperature_K: Tm,
      dischargeCurrent_A: duty.rmsCurrent_A[k]!,
    });
  });
  let Tmax = -Infinity;
  let iRms = 0;
  for (let k = 0; k < models.length; k++) {
    Tmax = Math.max(Tmax, duty.temperature_K[k]!);
    iRms = Math.max(iRms, duty.rmsCurrent_A[k]! / (models[k]!.nominalCapacity_C / 3600));
  }
  const ticker = stageTicker(progress, 'battery: ageing', years, 'years');
  const byYear = [packCap()];
  // a pack that delivers nothing at C/3 has no retention to give (0/0): not evaluable, said by the caller
  if (!(byYear[0]! > 0)) {
    ticker.end();
    return null;
  }
  let efc = 0;
  for (let k = 0; k < models.length; k++) efc += perCellDaily_C[k]! / models[k]!.nominalCapacity_C;
  efc = (efc / models.length) * 365;
  // formation: the days over which the cathode contact loss settles (the reference capacity is measured after)
  const a0 = models[0]!.core.p.ageing;
  const fDays = years >= 1 ? formationDays(a0.mechanisms.contact_loss, a0.values.cathode_contact_cycles) : 0;
  // the points of the trajectory: the start, after formation (when fDays > 0), each year (byYear holds the
  // start and the years; the formation point goes to afterFormation and into the band's trajectories;
  // hotByYear, filled by packCap, holds all of them)
  let afterFormation = byYear[0]!;
  for (let yr = 1; yr <= years; yr++) {
    // the cells age independently: each cell's 365 days in a row (afterCycles: the same figures as 365
    // afterCycle calls, the day-invariant work done once); in year 1 split at the end of formation
    const split = yr === 1 && fDays > 0 ? [fDays, 365 - fDays] : [365];
    let done = 0;
    for (const n of split) {
      for (let k = 0; k < models.length; k++) {
        const q = perCellDaily_C[k]!;
        models[k]!.afterCycles(ys[k]!, day[k]!(365 * (yr - 1) + done + 1, q), n);
      }
      done += n;
      if (done < 365) afterFormation = packCap();
    }
    byYear.push(packCap());
    ticker.tick(yr);
  }
  ticker.end();
  // the pack trajectory with the formation point (the band's input and the post-formation figures)
  const packTrajectory = fDays > 0 ? [byYear[0]!, afterFormation, ...byYear.slice(1)] : byYear;
  const times = trajectoryTimes(years, fDays);
  const last = byYear[byYear.length - 1]!;
  const eolVsFresh = yearsToEndOfLife(
    packTrajectory.map((c) => c / byYear[0]!),
    duty.endOfLifeRetention,
    times,
  );
  // the band on years to end of life and on the retention: the hottest cell under load, re-aged per draw
  const band = packAgeingBand(
    {
      spec: specs[hot]!,
      day: day[hot]!,
      dailyCharge_C: perCellDaily_C[hot]!,
      years,
      capacity_C: capacityOf,
      packByYear_C: packTrajectory,
      nominalCellByYear_C: hotByYear,
      endOfLifeRetention: duty.endOfLifeRetention,
      formationDays: fDays,
    },
    hot,
  );
  return {
    years,
    equivalent_full_cycles_per_year: r(efc, 4),
    capacity_Ah_by_year: byYear.map((c) => r(c / 3600, 5)),
    capacity_retention_pct_after_years: r(afterFormation > 0 ? (last / afterFormation) * 100 : 0, 4),
    duty_rms_c_rate_max: r(iRms, 4),
    duty_peak_c_rate: r(duty.maxCRate, 4),
    cell_temperature_under_load_max_C: r(toCelsius(Tmax), 4),
    validity: (() => {
      const flags = ageingValidity({
        cRate: duty.maxCRate,
        modelMaxCRate: models[0]!.validity.maxCRate,
        temperature_K: Tmax,
        stackPressure_Pa: models[0]!.core.p.stackPressure_Pa,
        cycles: Math.round(efc * years),
      });
      return { inside: flags.length === 0, flags: flags.map((f) => f.text) };
    })(),
    years_to_end_of_life: band ? band.years_to_end_of_life.nominal : null,
    end_of_life_retention_pct: r(duty.endOfLifeRetention * 100, 4),
    retention_reference:
      fDays > 0
        ? `the pack's C/3 capacity after formation: ${fDays} days of the duty, over which the cathode contact loss ` +
          `settles to ${FORMATION_SETTLED * 100} % of its asymptote (as a datasheet's rated capacity is measured after ` +
          'formation); the fresh-referenced figures are the *_vs_fresh fields'
        : "the pack's fresh C/3 capacity (no contact loss to settle)",
    formation_days: fDays,
    capacity_Ah_after_formation: r(afterFormation / 3600, 5),
    formation_loss_pct: r((1 - afterFormation / byYear[0]!) * 100, 4),
    capacity_retention_pct_after_years_vs_fresh: r((last / byYear[0]!) * 100, 4),
    years_to_end_of_life_vs_fresh: eolVsFresh === null ? null : r(eolVsFresh, 4),
    band,
  };
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
  const dis = pack.deratings.filter((d) => d.limit === 'v_min');
  const pool = dis.length > 0 ? dis : pack.deratings;
  const counts = new Map<number, number>();
  for (const d of pool) counts.set(d.cell, (counts.get(d.cell) ?? 0) + 1);
  let k = -1;
  let best = -1;
  for (const [c, n] of counts)
    if (n > best) {
      best = n;
      k = c;
    }
  let limit: LimitingCell['limit'] = pool.find((d) => d.cell === k)?.limit ?? 'none';
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
  const caps = specs.map((_, i) => pack.cellCapacity_C(i) / 3600);
  const meanCap = caps.reduce((a, b) => a + b, 0) / caps.length;
  const meanR = resist.reduce((a, b) => a + b, 0) / resist.length;
  const groupCaps: number[] = [];
  for (let gi = 0; gi < pack.Ns; gi++) {
    let s = 0;
    for (let j = 0; j < pack.Np; j++) s += caps[gi * pack.Np + j]!;
    groupCaps.push(s);
  }
  const g = pack.group(k);
  const rank = groupCaps.filter((c) => c < groupCaps[g]!).length + 1;
  const capPct = (caps[k]! / meanCap - 1) * 100;
  const resPct = (resist[k]! / meanR - 1) * 100;
  const parts: string[] = [];
  if (limit === 'none') parts.push('no cell reached a BMS limit; this is the cell with the lowest voltage at the end');
  else
    parts.push(
      `${dis.length > 0 ? 'reached the lower' : 'reached the upper'} cell voltage limit first (${best} BMS deratings)`,
    );
  parts.push(
    `its group ${g} holds ${groupCaps[g]!.toFixed(3)} Ah (rank ${rank} of ${pack.Ns}, 1 = ` +
      `smallest; string mean ${(groupCaps.reduce((a, b) => a + b, 0) / pack.Ns).toFixed(3)} Ah)`,
  );
  parts.push(
    `cell capacity ${capPct >= 0 ? '+' : ''}${capPct.toFixed(2)} % and resistance ${resPct >= 0 ? '+' : ''}${resPct.toFixed(2)} % vs the pack mean`,
  );
  const gen = specs[k]!.origin.genealogy;
  if (gen) {
    parts.push(
      `made on lane ${gen.lane}, station run ${gen.station_run}, from rolls ` +
        `${gen.parents.map((p) => `${p.roll_id} (${p.sheet}, lot ${p.lot}, ${p.md_start_m.toFixed(1)} m)`).join(', ')}` +
        `; cathode ${gen.cathode_thickness_um.toFixed(2)} µm, anode ${gen.anode_thickness_um.toFixed(2)}` +
        ` µm`,
    );
  }
  return {
    index: k,
    group: g,
    position_in_group: k % pack.Np,
    serial: specs[k]!.origin.serial,
    limit,
    deratings: Math.max(0, best),
    capacity_Ah: r(caps[k]!),
    capacity_vs_pack_mean_pct: r(capPct, 4),
    resistance_mOhm: r(resist[k]! * 1e3),
    resistance_vs_pack_mean_pct: r(resPct, 4),
    group_capacity_Ah: r(groupCaps[g]!),
    group_capacity_rank: rank,
    reason: parts.join('; '),
    genealogy: gen,
  };
}

/** `rollcell battery`: the battery block and a text summary */
export function runBatteryCommand(
  recipe: Recipe,
  opts: BatteryCommandOptions,
): { block: BatteryBlock; summary: string; cellFrames?: CellFrames } {
  const seed = opts.seed ?? 1;
  const days = opts.days ?? 1;
  if (!(Number.isInteger(days) && days >= 1 && days <= 365))
    throw problem('days', 'must be an integer in 1..365', String(days), '1..365');
  if (!Number.isInteger(seed)) throw problem('seed', 'must be an integer', String(seed), 'an integer');
  if (!BATTERY_PROFILES.includes(opts.profile))
    throw problem('profile', 'unknown', String(JSON.stringify(opts.profile)), String(BATTERY_PROFILES.join(', ')));
  const notes: string[] = [];
  // ---- static pack figures from a C/3 discharge of a fresh, fully charged copy
  const ref = buildPack(recipe, { seed, cells: opts.cells, extras: opts.extras, initialSoc: 1 });
  const c3 = measureC3(ref.pack, 30, opts.progress);
  const ex = ref.extras;
  const resist = ref.pack.models.map(cellResistance_ohm);
  const caps = ref.pack.models.map((m) => m.nominalCapacity_C / 3600);
  let capNom = Infinity;
  for (let gi = 0; gi < ref.pack.Ns; gi++) {
    let s = 0;
    for (let j = 0; j < ref.pack.Np; j++) s += caps[gi * ref.pack.Np + j]!;
    capNom = Math.min(capNom, s);
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
  const nominalV = c3.capacity_C > 0 ? c3.energy_J / c3.capacity_C : 0;

  // ---- the duty profile
  const built = buildPack(recipe, { seed, cells: opts.cells, extras: opts.extras });
  const pack = built.pack;
  const rng = new Rng(seed ^ 0x5eed);
  const prof = profileOf(recipe, ex, opts, c3.energy_J, days, rng);
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
        soc_pct: [],
        temperature_C: [],
      },
    };
  const q0 = Float64Array.from({ length: pack.n }, (_, k) => pack.anodeCharge_C(k));
  const V0start = Float64Array.from(pack.V0);
  let notDelivered_J = 0;
  let evOut: BatteryBlock['results']['ev'];
  const isEv =
    opts.profile.startsWith('ev:') || (opts.profile === 'csv' && opts.csv?.column.startsWith('speed') === true);
  const isCurrent = opts.profile === 'csv' && opts.csv?.column === 'current_A';
  let maxC = 0;
  const capMean = caps.reduce((a, b) => a + b, 0) / caps.length;
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
      if (Ik > (0.01 * capMean) / 3600) {
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
    let cycles = 0;
    let stoppedBy = 'cycle limit (500 cycles)';
    let consumption = 0;
    for (let day = 0; day < days; day++) {
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
          step(P[i]!, prof.dt_s);
          ticker.tick(day + 0.8 * Math.min(1, (pack.energyOut_J - dayOut0) / Math.max(1, c3.energy_J)));
          if (P[i]! < 0) {
            req += -P[i]! * prof.dt_s;
            got += pack.energyOut_J - e0 - (pack.energyIn_J - i0);
          }
          net += pack.energyOut_J - e0 - (pack.energyIn_J - i0);
        }
        const frac = req > 0 ? got / req : 1;
        outJ += net;
        if (frac < 0.9) {
          driven += dist * Math.max(0, frac);
          stoppedBy = `the pack delivered ${(frac * 100).toFixed(1)} % of cycle ${c + 1}'s traction energy (< 90 %)`;
          c++;
          break;
        }
        driven += dist;
      }
      if (day === 0) {
        range_km = driven / 1000;
        cycles = c;
        consumption = driven > 0 ? outJ / 3600 / (driven / 1000) : 0;
      }
      // recharge: CC at C/3 of the pack, held at the cell v_max by the BMS (→ CV-like taper), to C/20
      const Ic = (capNom * 3600) / 3 / 3600;
      for (let i = 0; i < 2000; i++) {
        const res = pack.stepCurrent(Ic, 30);
        record(pack, tr, res.I_A, res.V_pack_V);
        ticker.tick(day + 0.8 + Math.min(0.19, (0.2 * i) / 400));
        if (res.I_A < Ic / (20 / 3)) break;
      }
    }
    evOut = {
      range_km: r(range_km, 5),
      cycles,
      distance_per_cycle_km: r(dist / 1000, 5),
      consumption_Wh_per_km: r(consumption, 5),
      stopped_by: stoppedBy,
    };
    // ageing: km per day → partial cycles of depth km_per_day / range
    const kmPerDay = 40; // assumption: ≈ 14 600 km per year
    for (let k = 0; k < pack.n; k++)
      dailyCharge[k] = range_km > 0 ? (pack.cellThroughput_C[k]! / 2 / days) * Math.min(1, kmPerDay / range_km) : 0;
    notes.push('EV ageing: 40 km per day (assumption), each day one partial cycle of depth 40 km / range');
    dayFraction = range_km > 0 ? Math.min(1, kmPerDay / range_km) / days : 0;
  } else {
    for (let i = 0; i < prof.power_W.length; i++) {
      step(prof.power_W[i]!, prof.dt_s);
      ticker.tick(i + 1);
    }
    for (let k = 0; k < pack.n; k++) dailyCharge[k] = pack.cellThroughput_C[k]! / 2 / days;
  }
  ticker.end();
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
  const ageing =
    opts.ageing === false || ex.years === 0
      ? null
      : ageingEstimate(
          built,
          dailyCharge,
          Math.round(ex.years),
          vMin,
          vMax,
          {
            active_s: Float64Array.from(duty.active_s, (a) => Math.min(86400, a * dayFraction)),
            temperature_K: Float64Array.from(duty.Tdt, (x, k) =>
              duty.active_s[k]! > 0 ? x / duty.active_s[k]! : celsius(recipe.cell.temperature_C),
            ),
            rmsCurrent_A: Float64Array.from(duty.I2dt, (x, k) =>
              duty.active_s[k]! > 0 ? Math.sqrt(x / duty.active_s[k]!) : 0,
            ),
            ambient_K: celsius(recipe.cell.temperature_C),
            maxCRate: maxC,
            endOfLifeRetention: (recipe.cycling?.end_of_life_retention_pct || 80) / 100,
          },
          opts.progress,
        );
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
  const block: BatteryBlock = {
    profile: opts.profile === 'csv' ? `csv:${opts.csv?.name ?? 'profile.csv'}` : opts.profile,
    seed,
    days,
    cell_model: 'ssb-spme (full SPMe of src/electrochem/ssb per cell, backward Euler, Kirchhoff-coupled)',
    pack: {
      series: Ns,
      parallel: Np,
      cells: Ns * Np,
      cell_source: built.source,
      cell_layers: ex.cell_layers,
      interconnect_resistance_mOhm: built.options.cellConnection_ohm * 1e3,
      voltage_min_V: r(packV.min),
      voltage_max_V: r(packV.max),
      nominal_voltage_V: r(nominalV, 5),
      in_seed_voltage_window_1_500_V: packV.min >= 1 && packV.max <= 500,
      capacity_nominal_Ah: r(capNom),
      capacity_C3_Ah: r(c3.capacity_C / 3600),
      energy_C3_kWh: r(c3.energy_J / 3.6e6),
      mass_kg: r(massPack),
      volume_L: r(volPack * 1000),
      specific_energy_Wh_kg: r(c3.energy_J / 3600 / massPack, 5),
      energy_density_Wh_L: r(c3.energy_J / 3600 / (volPack * 1000), 5),
      cell_capacity_Ah: stats(caps),
      cell_resistance_mOhm: stats(resist.map((x) => x * 1e3)),
      c3_stopped_by_cell: c3.stoppedByCell,
    },
    results: {
      duration_h: r(pack.t / 3600, 5),
      energy_out_kWh: r(pack.energyOut_J / 3.6e6),
      energy_in_kWh: r(pack.energyIn_J / 3.6e6),
      throughput_kWh: r((pack.energyOut_J + pack.energyIn_J) / 3.6e6),
      round_trip_efficiency: pack.energyIn_J > 0 && pack.energyOut_J > 0 ? r(rte, 5) : null,
      interconnect_loss_Wh: r(pack.interconnectLoss_J / 3600),
      balancing_loss_Wh: r(pack.bleedLoss_J / 3600),
      cell_voltage_min_V: r(tr.vminAll, 5),
      cell_voltage_max_V: r(tr.vmaxAll, 5),
      soc_spread_max_pct: r(socSpreadMax * 100, 4),
      soc_spread_end_pct: r((tr.lastSmax - tr.lastSmin) * 100, 4),
      temperature_max_C: built.options.thermal ? r(toCelsius(tr.tmaxAll), 4) : null,
      max_cell_c_rate: r(maxC, 4),
      model_validity_c_rate: validity,
      deratings: {
        count: d.length,
        discharge: d.filter((x) => x.limit === 'v_min' || (x.limit === 'p_max' && x.delivered_A < 0)).length,
        charge: d.filter((x) => x.limit === 'v_max' || (x.limit === 'p_max' && x.delivered_A > 0)).length,
        energy_not_delivered_Wh: r(notDelivered_J / 3600),
        first: d.slice(0, 10).map((x) => ({
          t_s: x.t_s,
          requested_W: x.requested_W === undefined ? null : r(x.requested_W),
          delivered_W: x.delivered_W === undefined ? null : r(x.delivered_W),
          requested_A: r(x.requested_A),
          delivered_A: r(x.delivered_A),
          cell: x.cell,
          limit: x.limit,
        })),
      },
      ev: evOut,
      conservation: { energy_balance_error_J: eBal, charge_balance_error_C: dq },
    },
    limiting_cell: lc,
    ageing,
    series: downsample(tr, opts.seriesPoints ?? 400),
    notes,
  };
  if (!evOut) delete block.results.ev;
  return { block, summary: summaryText(block), ...(tr.frames ? { cellFrames: tr.frames.data } : {}) };
}

export function summaryText(b: BatteryBlock): string {
  const p = b.pack;
  const s = b.results;
  const lines = [
    `battery ${p.series}s${p.parallel}p (${p.cells} ${p.cell_source} cells, ${p.cell_layers} ` +
      `layers each) — profile ${b.profile}, ${b.days} day(s), seed ${b.seed}`,
    `  pack: ${p.voltage_min_V}–${p.voltage_max_V} V (nominal ${p.nominal_voltage_V} V, seed ` +
      `window 1–500 V: ${p.in_seed_voltage_window_1_500_V ? 'inside' : 'OUTSIDE'}), ` +
      `${p.capacity_C3_Ah} Ah / ${p.energy_C3_kWh} kWh at C/3, ${p.mass_kg} kg, ${p.volume_L} L, ` +
      `${p.specific_energy_Wh_kg} Wh/kg, ${p.energy_density_Wh_L} Wh/L`,
    `  cells: capacity ${p.cell_capacity_Ah.mean} ± ${p.cell_capacity_Ah.sigma} Ah, resistance ` +
      `${p.cell_resistance_mOhm.mean} ± ${p.cell_resistance_mOhm.sigma} mΩ`,
  ];
  if (s.ev)
    lines.push(
      `  EV: range ${s.ev.range_km} km (${s.ev.cycles} cycles of ${s.ev.distance_per_cycle_km} ` +
        `km, ${s.ev.consumption_Wh_per_km} Wh/km; stopped: ${s.ev.stopped_by})`,
    );
  lines.push(
    `  energy out ${s.energy_out_kWh} kWh, in ${s.energy_in_kWh} kWh, round-trip efficiency ` +
      `${s.round_trip_efficiency === null ? 'undefined (no energy in or out)' : `${(s.round_trip_efficiency * 100).toFixed(2)} %`}` +
      `, interconnect loss ${s.interconnect_loss_Wh} Wh, balancing ${s.balancing_loss_Wh} Wh`,
    `  cell voltage ${s.cell_voltage_min_V}–${s.cell_voltage_max_V} V, SOC spread max ` +
      `${s.soc_spread_max_pct} % (end ${s.soc_spread_end_pct} %), peak ${s.max_cell_c_rate}C` +
      `${s.temperature_max_C !== null ? `, T max ${s.temperature_max_C} °C` : ''}`,
    `  BMS deratings: ${s.deratings.count} (${s.deratings.discharge} at v_min, ` +
      `${s.deratings.charge} at v_max), ${s.deratings.energy_not_delivered_Wh} Wh not ` +
      `delivered/accepted`,
    `  limiting cell #${b.limiting_cell.index} (${b.limiting_cell.serial}): ${b.limiting_cell.reason}`,
  );
  if (b.ageing)
    lines.push(
      `  after ${b.ageing.years} years (${b.ageing.equivalent_full_cycles_per_year} full ` +
        `cycles/yr): ${b.ageing.capacity_Ah_by_year[b.ageing.capacity_Ah_by_year.length - 1]} Ah (` +
        (b.ageing.formation_days > 0
          ? `${b.ageing.capacity_retention_pct_after_years} % of ${b.ageing.capacity_Ah_after_formation} Ah after ` +
            `formation, ${b.ageing.capacity_retention_pct_after_years_vs_fresh} % of ${b.ageing.capacity_Ah_by_year[0]} Ah ` +
            `fresh; formation loss ${b.ageing.formation_loss_pct} % in ${b.ageing.formation_days} days)`
          : `${b.ageing.capacity_retention_pct_after_years} % of ${b.ageing.capacity_Ah_by_year[0]} Ah)`),
    );
  if (b.ageing?.band) lines.push(`  end of life: ${yearsToEolText(b.ageing.band)}`);
  for (const n of b.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}
