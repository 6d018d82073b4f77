/**
 * Duty profiles for the pack (pure, seeded): drive cycles (EV, claim 18), a solar-storage day and a
 * wind-storage day. Every profile is a power demand at the pack terminals in W, POSITIVE ON CHARGE,
 * sampled on a uniform step dt (bin averages, so the energy of the source trace is preserved).
 */
import { assetText } from '../assets.ts';
import type { Vehicle } from './config.ts';
import { Rng } from '../numerics/rng.ts';
import { ProblemError, problem } from '../problems.ts';
import { Wh, days, kW, kmPerH, mph, toDays, toHours, toKm } from '../units/index.ts';
import { parseDecimal } from '../io/decimal.ts';

// ------------------------------------------------------------------------------------------- CSV
/** a malformed profile CSV: the one error value with the file's line and column */
export class ProfileCsvError extends ProblemError {
  constructor(
    readonly line: number,
    readonly column: number,
    p: { path: string; problem: string; got: string; allowed: string },
  ) {
    super({ ...p, line, column });
    this.name = 'ProfileCsvError';
  }
}

export interface ProfileTable {
  readonly t: Float64Array;
  readonly v: Float64Array;
  /** the last comment line before the data (column names, units), if any */
  readonly header: string;
}

/**
 * A two-column numeric CSV (time [s], value). Lines starting with `#` are comments, blank lines are
 * skipped, a first non-numeric line is taken as a header. Errors name the line (1-based) and column.
 * Time must start ≥ 0 and increase strictly.
 */
/** largest magnitude of a time (s) or value (W, kW, A, km/h …) in a duty-profile CSV: a choice far beyond any duty */
export const PROFILE_MAX_ABS = 1e10;

export function parseProfileCsv(text: string, name = 'profile'): ProfileTable {
  const t: number[] = [];
  const v: number[] = [];
  let header = '';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    const ln = i + 1;
    if (raw === '') continue;
    if (raw.startsWith('#')) {
      header = raw.slice(1).trim();
      continue;
    }
    const cells = raw.split(/[,;\t]/).map((c) => c.trim());
    if (
      t.length === 0 &&
      cells.some((c) => c !== '' && !Number.isFinite(parseDecimal(c))) &&
      header === '' &&
      !/^[-+.\d]/.test(cells[0]!)
    ) {
      header = raw;
      continue;
    }
    if (cells.length !== 2) {
      throw new ProfileCsvError(ln, Math.min(cells.length, 3), {
        path: name,
        problem: 'expected 2 columns (time [s], value)',
        got: `${cells.length}: ${JSON.stringify(raw.slice(0, 60))}`,
        allowed: 'exactly 2',
      });
    }
    for (let c = 0; c < 2; c++) {
      const s = cells[c]!;
      const x = parseDecimal(s);
      if (s === '' || !Number.isFinite(x)) {
        throw new ProfileCsvError(ln, c + 1, {
          path: `${name} (${c === 0 ? 'time' : 'value'})`,
          problem: 'not a finite number',
          got: JSON.stringify(s),
          allowed: 'a finite decimal number',
        });
      }
    }
    const tt = parseDecimal(cells[0]!);
    const vv = parseDecimal(cells[1]!);
    for (const [c, x] of [
      [1, tt],
      [2, vv],
    ] as const)
      if (Math.abs(x) > PROFILE_MAX_ABS)
        throw new ProfileCsvError(ln, c, {
          path: `${name} (${c === 1 ? 'time' : 'value'})`,
          problem: 'too large to be a duty profile',
          got: String(x),
          allowed: `a magnitude ≤ ${PROFILE_MAX_ABS}`,
        });
    if (t.length === 0 && tt < 0)
      throw new ProfileCsvError(ln, 1, {
        path: `${name} (time)`,
        problem: 'must be ≥ 0',
        got: String(tt),
        allowed: '≥ 0',
      });
    if (t.length > 0 && !(tt > t[t.length - 1]!)) {
      throw new ProfileCsvError(ln, 1, {
        path: `${name} (time)`,
        problem: 'must increase',
        got: `${tt} after ${t[t.length - 1]}`,
        allowed: `> ${t[t.length - 1]}`,
      });
    }
    t.push(tt);
    v.push(vv);
  }
  if (t.length < 2)
    throw new ProfileCsvError(lines.length, 1, {
      path: name,
      problem: 'needs at least 2 data rows',
      got: String(t.length),
      allowed: '≥ 2',
    });
  return { t: Float64Array.from(t), v: Float64Array.from(v), header };
}

/**
 * Average of a piecewise-linear trace over bins [k·dt, (k+1)·dt) up to its last time (exact integral of
 * the linear interpolant, so ∫ of the result = ∫ of the trace over the covered span).
 */
/** longest profile accepted, in steps (31 days at 1 s): beyond it the run takes hours and gigabytes */
export const MAX_PROFILE_STEPS = days(31);

export function binAverage(
  tab: { t: ArrayLike<number>; v: ArrayLike<number> },
  dt: number,
  /** the profile's name in messages (the CSV file as the user gave it) */
  name = 'profile',
): Float64Array {
  if (!(dt > 0)) throw problem('dt_s', 'must be > 0', String(dt), '> 0');
  const t = tab.t;
  const v = tab.v;
  const t0 = t[0]!;
  const tEnd = t[t.length - 1]!;
  if (!(tEnd - t0 >= dt))
    throw problem(
      name,
      'the CSV spans less than one time step',
      `${tEnd - t0} s`,
      `a profile of at least one step of ${dt} s`,
    );
  const nb = Math.max(1, Math.round((tEnd - t0) / dt));
  if (nb > MAX_PROFILE_STEPS)
    throw problem(
      name,
      `the CSV spans ${tEnd - t0} s = ${nb} steps of ${dt} s`,
      `${nb} steps`,
      `≤ ${MAX_PROFILE_STEPS}, i.e. ≤ ${toDays(MAX_PROFILE_STEPS * dt)} days — use --days to repeat a shorter profile`,
    );
  const out = new Float64Array(nb);
  let i = 0;
  const val = (x: number): number => {
    while (i < t.length - 2 && t[i + 1]! < x) i++;
    const a = t[i]!;
    const b = t[i + 1]!;
    return v[i]! + ((v[i + 1]! - v[i]!) * (x - a)) / (b - a);
  };
  // integrate the interpolant on the union of bin edges and sample times
  for (let k = 0; k < nb; k++) {
    const lo = t0 + k * dt;
    const hi = Math.min(tEnd, lo + dt);
    let x = lo;
    let acc = 0;
    i = Math.max(0, i - 1);
    while (x < hi) {
      while (i < t.length - 2 && t[i + 1]! <= x) i++;
      const nx = Math.min(hi, t[i + 1]!);
      acc += 0.5 * (val(x) + val(nx)) * (nx - x);
      if (nx <= x) break;
      x = nx;
    }
    out[k] = acc / dt;
  }
  return out;
}

// ------------------------------------------------------------------------------------- road load
/** standard gravity (m s⁻²), CGPM 1901 */
const G0 = 9.80665;

export interface RoadLoad {
  /** per interval [t_i, t_i+1]: mean speed (m/s), acceleration (m/s²), wheel power (W, + traction) */
  readonly v_m_s: Float64Array;
  readonly a_m_s2: Float64Array;
  readonly wheel_W: Float64Array;
  /** battery power demand, W, positive on DISCHARGE (traction/eff + aux; regen·eff·braking + aux) */
  readonly battery_W: Float64Array;
  readonly dt_s: Float64Array;
  readonly distance_m: number;
}

/**
 * Road-load model (e.g. Guzzella & Sciarretta, Vehicle Propulsion Systems, 3rd ed., Springer 2013, §2.1):
 *   F = f_r·m·a + m·g·C_rr (while moving) + ½·ρ·C_dA·v²,  P_wheel = F·v
 * per interval of the speed trace (v = interval mean, a = Δv/Δt). Battery (discharge positive):
 *   P_wheel ≥ 0: P_wheel/η + P_aux;   P_wheel < 0: P_wheel·regen·η + P_aux.
 */
export function roadLoad(t: ArrayLike<number>, speed_m_s: ArrayLike<number>, veh: Vehicle): RoadLoad {
  const n = t.length - 1;
  if (n < 1) throw problem('speed trace', 'needs ≥ 2 samples', String(t.length), '≥ 2');
  const v = new Float64Array(n);
  const a = new Float64Array(n);
  const w = new Float64Array(n);
  const b = new Float64Array(n);
  const dts = new Float64Array(n);
  let dist = 0;
  for (let i = 0; i < n; i++) {
    const dt = t[i + 1]! - t[i]!;
    if (!(dt > 0))
      throw problem('speed trace', 'time must increase', `${t[i + 1]} after ${t[i]} at sample ${i + 2}`, 'increasing');
    const v0 = speed_m_s[i]!;
    const v1 = speed_m_s[i + 1]!;
    if (!(v0 >= 0 && v1 >= 0))
      throw problem(
        'speed trace',
        'speed must be ≥ 0',
        `${v0 < 0 ? v0 : v1} at sample ${v0 < 0 ? i + 1 : i + 2}`,
        '≥ 0',
      );
    const vm = 0.5 * (v0 + v1);
    const acc = (v1 - v0) / dt;
    const F =
      veh.rotating_mass_factor * veh.mass_kg * acc +
      (vm > 0 ? veh.mass_kg * G0 * veh.rolling_resistance : 0) +
      0.5 * veh.air_density_kg_m3 * veh.drag_area_m2 * vm * vm;
    const Pw = F * vm;
    v[i] = vm;
    a[i] = acc;
    w[i] = Pw;
    b[i] =
      (Pw >= 0 ? Pw / veh.drivetrain_efficiency : Pw * veh.regen_fraction * veh.drivetrain_efficiency) +
      veh.auxiliary_power_W;
    dts[i] = dt;
    dist += vm * dt;
  }
  return { v_m_s: v, a_m_s2: a, wheel_W: w, battery_W: b, dt_s: dts, distance_m: dist };
}

// ------------------------------------------------------------------------------------ drive cycles
export type DriveCycleName = 'UDDS' | 'US06' | 'WLTC';

/** cycle distances: EPA dynamometer schedules (UDDS 7.45 mi, US06 8.01 mi); UN GTR 15 WLTC class 3b 23.266 km */
export const CYCLE_DISTANCE_M: Record<DriveCycleName, number> = { UDDS: 11990, US06: 12890, WLTC: 23266 };

export interface PowerProfile {
  readonly name: string;
  readonly dt_s: number;
  /** pack terminal power demand per step, W, positive on charge */
  readonly power_W: Float64Array;
  /** distance covered per profile repetition (EV), m */
  readonly distance_m?: number;
  readonly note: string;
}

/**
 * A built-in drive cycle as pack power. UDDS/US06: the shared files are PyBaMM current shapes
 * normalised to 8.1 A (no speed trace is shipped), so the shape is scaled such that the net battery
 * energy over the cycle equals vehicle.consumption_Wh_per_km × the cycle distance — i.e. the pack sees
 * the vehicle's energy at the cycle's time structure (assumption: battery power ∝ the reference current,
 * valid while the reference cell's voltage swing is small). WLTC: PyBaMM's power trace (kW, a small car,
 * ≈127 Wh/km), × vehicle.wltc_power_scale. A speed trace (time, speed) goes through roadLoad instead
 * (speedProfile below).
 */
export function driveCycle(name: DriveCycleName, veh: Vehicle, dt = 1): PowerProfile {
  if (name === 'WLTC') {
    const tab = parseProfileCsv(assetText('drive-cycles/wltc.csv'), 'WLTC.csv');
    const p = binAverage(tab, dt);
    for (let i = 0; i < p.length; i++) p[i] = kW(-p[i]!) * veh.wltc_power_scale;
    return {
      name,
      dt_s: dt,
      power_W: p,
      distance_m: CYCLE_DISTANCE_M.WLTC,
      note: 'PyBaMM WLTC power trace (kW) × wltc_power_scale',
    };
  }
  const tab = parseProfileCsv(
    assetText(name === 'UDDS' ? 'drive-cycles/udds.csv' : 'drive-cycles/us06.csv'),
    `${name}.csv`,
  );
  const I = binAverage(tab, dt);
  let net = 0;
  for (let i = 0; i < I.length; i++) net += I[i]! * dt; // A·s, positive = net discharge
  const target_J = Wh(veh.consumption_Wh_per_km[name]) * toKm(CYCLE_DISTANCE_M[name]);
  const k = target_J / net; // W per A of the reference shape
  const p = new Float64Array(I.length);
  for (let i = 0; i < I.length; i++) p[i] = -k * I[i]!;
  return {
    name,
    dt_s: dt,
    power_W: p,
    distance_m: CYCLE_DISTANCE_M[name],
    note: `PyBaMM ${name} current shape scaled to ${veh.consumption_Wh_per_km[name]} Wh/km over ${toKm(CYCLE_DISTANCE_M[name])} km`,
  };
}

/** a (time [s], speed) trace → pack power through the road-load model; unit: 'm/s' | 'km/h' | 'mph' */
export function speedProfile(
  tab: ProfileTable,
  veh: Vehicle,
  unit: 'm/s' | 'km/h' | 'mph',
  dt = 1,
  name = 'speed trace',
): PowerProfile {
  const f = unit === 'm/s' ? 1 : unit === 'km/h' ? kmPerH(1) : mph(1);
  const v = Float64Array.from(tab.v, (x) => x * f);
  const rl = roadLoad(tab.t, v, veh);
  // piecewise-constant battery power per interval → bins
  const tt: number[] = [];
  const vv: number[] = [];
  for (let i = 0; i < rl.battery_W.length; i++) {
    tt.push(tab.t[i]!, tab.t[i + 1]! - 1e-9 * (tab.t[i + 1]! - tab.t[i]!));
    vv.push(-rl.battery_W[i]!, -rl.battery_W[i]!);
  }
  const p = binAverage({ t: tt, v: vv }, dt, name);
  return { name, dt_s: dt, power_W: p, distance_m: rl.distance_m, note: 'road-load model on the given speed trace' };
}

// ---------------------------------------------------------------------------------- solar storage
/** standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |ε| < 1.5e-7) */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** cosine of the solar zenith angle at local solar time h (hours), latitude φ, day n (Cooper 1969 declination) */
export function cosZenith(latitude_deg: number, day: number, solarHour: number): number {
  const d2r = Math.PI / 180;
  const decl = 23.45 * d2r * Math.sin(((2 * Math.PI) / 365) * (284 + day)); // P. I. Cooper, Sol. Energy 12 (1969) 333
  const h = 15 * d2r * (solarHour - 12);
  const phi = latitude_deg * d2r;
  return Math.sin(phi) * Math.sin(decl) + Math.cos(phi) * Math.cos(decl) * Math.cos(h);
}

/**
 * Haurwitz clear-sky global horizontal irradiance, W m⁻²: GHI = 1098·cos z·exp(−0.059/cos z), cos z > 0
 * (B. Haurwitz, J. Meteorol. 2 (1945) 154; as evaluated by Reno, Hansen & Stein, Sandia SAND2012-2389).
 */
export function haurwitzGhi(cosZ: number): number {
  return cosZ > 0 ? 1098 * cosZ * Math.exp(-0.059 / cosZ) : 0;
}

/** standard test-condition irradiance (W m⁻², IEC 61215): a PV array's peak power is rated at it */
const STC_IRRADIANCE_W_M2 = 1000;

export interface SolarDayOptions {
  readonly latitude_deg: number;
  readonly day_of_year: number;
  readonly pv_peak_W: number;
  readonly evening_load_W: number;
  readonly cloud_sigma: number;
  readonly days: number;
  readonly dt_s: number;
}

/**
 * Solar-storage days: PV power = P_peak·GHI/1000·k_c with a cloud clear-sky index
 * k_c = exp(−σ·|z|), z a stationary AR(1) standard-normal process with 30-min correlation time
 * (assumption: a simple cloud-noise model, k_c ≤ 1); a constant household load 18:00–23:00 and a base
 * load of 10 % of it at all other hours (assumption). Pack power = PV − load (positive = charge).
 */
export function solarDays(o: SolarDayOptions, rng: Rng): PowerProfile & { pv_W: Float64Array; load_W: Float64Array } {
  const n = Math.round(days(o.days) / o.dt_s);
  const rho = Math.exp(-o.dt_s / 1800);
  const pv = new Float64Array(n);
  const load = new Float64Array(n);
  const p = new Float64Array(n);
  let z = rng.normal();
  for (let i = 0; i < n; i++) {
    const t = (i + 0.5) * o.dt_s;
    const day = o.day_of_year + Math.floor(toDays(t));
    const hour = toHours(t % days(1));
    z = rho * z + Math.sqrt(1 - rho * rho) * rng.normal();
    const kc = Math.exp(-o.cloud_sigma * Math.abs(z));
    pv[i] =
      ((o.pv_peak_W * haurwitzGhi(cosZenith(o.latitude_deg, ((day - 1) % 365) + 1, hour))) / STC_IRRADIANCE_W_M2) * kc;
    load[i] = hour >= 18 && hour < 23 ? o.evening_load_W : 0.1 * o.evening_load_W;
    p[i] = pv[i]! - load[i]!;
  }
  return {
    name: 'ess:solar',
    dt_s: o.dt_s,
    power_W: p,
    pv_W: pv,
    load_W: load,
    note: 'Haurwitz clear sky × AR(1) cloud index; evening load 18–23 h',
  };
}

// ----------------------------------------------------------------------------------- wind storage
export interface WindOptions {
  readonly k: number;
  readonly c_m_s: number;
  readonly rated_W: number;
  readonly cut_in_m_s: number;
  readonly rated_m_s: number;
  readonly cut_out_m_s: number;
  /** constant export to the grid (W); default: the mean turbine power over the Weibull distribution */
  readonly export_W?: number;
  readonly days: number;
  readonly dt_s: number;
}

/** turbine power curve: cubic between cut-in and rated, rated to cut-out, zero otherwise (IEC 61400-12 form; assumption) */
export function turbinePower(
  v: number,
  o: Pick<WindOptions, 'rated_W' | 'cut_in_m_s' | 'rated_m_s' | 'cut_out_m_s'>,
): number {
  if (v < o.cut_in_m_s || v >= o.cut_out_m_s) return 0;
  if (v >= o.rated_m_s) return o.rated_W;
  return (o.rated_W * (v ** 3 - o.cut_in_m_s ** 3)) / (o.rated_m_s ** 3 - o.cut_in_m_s ** 3);
}

/** mean of turbinePower over Weibull(k, c) speeds (midpoint rule, 0–40 m/s in 4000 steps) */
export function meanWindPower(o: WindOptions): number {
  let s = 0;
  const h = 0.01;
  for (let v = h / 2; v < 40; v += h) {
    const pdf = (o.k / o.c_m_s) * (v / o.c_m_s) ** (o.k - 1) * Math.exp(-((v / o.c_m_s) ** o.k));
    s += turbinePower(v, o) * pdf * h;
  }
  return s;
}

/**
 * Wind-storage days: hub-height speed with a Weibull(k, c) marginal from a Gaussian AR(1) process
 * (2-h correlation time) mapped through the probability-integral transform v = c·(−ln(1 − Φ(z)))^(1/k)
 * (assumption: the usual way to give a correlated series a Weibull marginal), turbine power curve, and
 * the storage firming the output to a constant export: pack power = P_turbine − P_export.
 */
export function windDays(
  o: WindOptions,
  rng: Rng,
): PowerProfile & { wind_m_s: Float64Array; turbine_W: Float64Array; export_W: number } {
  const n = Math.round(days(o.days) / o.dt_s);
  const rho = Math.exp(-o.dt_s / 7200);
  const exp = o.export_W ?? meanWindPower(o);
  const w = new Float64Array(n);
  const tp = new Float64Array(n);
  const p = new Float64Array(n);
  let z = rng.normal();
  for (let i = 0; i < n; i++) {
    z = rho * z + Math.sqrt(1 - rho * rho) * rng.normal();
    const u = Math.min(normalCdf(z), 1 - 1e-12); // Φ(z) < 1 in exact arithmetic; guard the log against its rounding
    const v = o.c_m_s * Math.pow(-Math.log(1 - u), 1 / o.k);
    w[i] = v;
    tp[i] = turbinePower(v, o);
    p[i] = tp[i]! - exp;
  }
  return {
    name: 'ess:wind',
    dt_s: o.dt_s,
    power_W: p,
    wind_m_s: w,
    turbine_W: tp,
    export_W: exp,
    note: 'Weibull AR(1) wind, cubic power curve, constant export',
  };
}
