/**
 * The cycler's drivers for a measured current trace (piecewise-linear in time) and a constant current to a
 * cut-off voltage, on any CellModel (used with the liquid models: the profile validation, the fit, the
 * server's constant-current fast path); they were electrochem/liquid/simulate.ts. Current is positive on
 * charge.
 */
import type { CellModel } from '../electrochem/model.ts';
import type { DaeProblem, EventSpec, SolveOptions, SolveResult } from '../numerics/types.ts';
import { findInterval, solveDae } from '../numerics/index.ts';
import { toAh } from '../units/index.ts';

/** SolveOptions plus the project's solver extension (algebraic unknowns out of the error test) */
export type DaeSolveOptions = SolveOptions & {
  algebraicErrorControl?: boolean;
  newtonTol?: number;
  /** IDA's step shrink after an accepted step with a large error estimate (DaeSolverOptions.earlyShrink) */
  earlyShrink?: boolean;
  /** the consistent initialisation's J kept within this relative movement (DaeSolverOptions.initialJacobianKeep) */
  initialJacobianKeep?: number;
  /** output samples by callback instead of res.t / res.y (y valid only during the call); a solver may ignore it and fill res.t / res.y */
  output?: (t: number, y: Float64Array) => void;
};

/**
 * Newton tolerance of the liquid drivers (remembered-rate test, see DaeSolverOptions.newtonTol): 0.1 of
 * the error-test norm, as CVODE. On the BPX cell's 1C discharge at rtol 1e-6 it takes 2.3 instead of
 * 3.1 Newton iterations per step, and the voltage stays within 7 µV of an rtol 1e-10 solution (the
 * strict test: 11 µV).
 */
export const LIQUID_NEWTON_TOL = 0.1;
/**
 * The constant-current driver's initialJacobianKeep (DaeSolverOptions): its consistent initialisation
 * starts from the model's algebraicGuess and keeps the J of that guess when Newton moved the state by
 * less than 1e-3 (relative) from it. On the BPX cell's 1C discharge it moves 3.8e-4, and the J and
 * factorisation at the consistent point then saved (≈ 2.5 % of the run) change only last digits (the
 * bench's dV_vs_ref and capacity_vs_ref stay the same to 1e-4 mV and mAh). An assumption (≈ 3× that
 * movement); the other solves (profiles, the cycler's solid-state steps) keep the default fresh J.
 */
export const LIQUID_INIT_J_KEEP = 1e-3;
export type DaeSolver = (problem: DaeProblem, y0: Float64Array, opts: DaeSolveOptions) => SolveResult;

export interface SimulateOptions {
  /** initial state (default: model.initialState(soc0)) */
  readonly y0?: Float64Array;
  /** initial state of charge, 0..1 of the stoichiometric window (default 1) */
  readonly soc0?: number;
  readonly rtol?: number;
  /** stop when the voltage falls below this (V) */
  readonly minVoltage_V?: number;
  /** stop when the voltage rises above this (V) */
  readonly maxVoltage_V?: number;
  /** output times (s; the start time is added when missing); default: the profile's sample times (profile) or every solver step (constant current) */
  readonly tEval?: Float64Array;
  readonly maxStep_s?: number;
  /** the DAE solver (default: the project's solveDae; the tests pass an independent reference to cross-check) */
  readonly solver?: DaeSolver;
  /**
   * profiles only: steps end at the kinks of the current trace (profileBreakpoints, with this tolerance
   * in A; default: none). At loose tolerances (rtol ≥ 1e-5) this keeps a drive cycle accurate with
   * fewer rejected steps; at rtol 1e-6 it costs steps.
   */
  readonly breakpointTolerance_A?: number;
}

export interface SimulationSeries {
  readonly t_s: Float64Array;
  readonly V: Float64Array;
  readonly I_A: Float64Array;
  /** charge passed since the start, positive on charge (A·h) */
  readonly capacity_Ah: Float64Array;
  readonly T_K: Float64Array;
  readonly status: 'done' | 'event' | 'failed';
  readonly message?: string;
  readonly yFinal: Float64Array;
  readonly stats: SolveResult['stats'];
}

/**
 * The terminal voltage of the last (t, y) asked for: the solver evaluates the voltage events and then
 * hands the same state to the output callback, so the second evaluation is a lookup. Keyed on the
 * time and the state array; reset between solves (a solver reuses its buffers).
 */
class VoltageMemo {
  private t = NaN;
  private y: Float64Array | null = null;
  private v = 0;
  constructor(private readonly model: CellModel) {}
  at(t: number, y: Float64Array): number {
    if (t === this.t && y === this.y) return this.v;
    const v = this.model.voltage(y);
    this.t = t;
    this.y = y;
    this.v = v;
    return v;
  }
  reset(): void {
    this.t = NaN;
    this.y = null;
  }
}

/**
 * Collects the driver outputs (t, V, I, T, charge) sample by sample from the solver's output callback,
 * so that the state vector is never copied per sample.
 */
class SeriesCollector {
  // plain arrays of doubles while collecting (no typed-array allocation per sample column; the series
  // copies them once into its typed arrays)
  private readonly t: number[] = [];
  private readonly V: number[] = [];
  private readonly I: number[] = [];
  private readonly Q: number[] = [];
  private readonly T: number[] = [];
  private m = 0;
  private readonly temperature: (y: Float64Array) => number;
  /** the callback handed to the solver */
  readonly sample: (t: number, y: Float64Array) => void;

  readonly memo: VoltageMemo;

  constructor(private readonly model: CellModel) {
    this.memo = new VoltageMemo(model);
    const tm = (model as Partial<{ temperature(y: Float64Array): number }>).temperature;
    this.temperature = typeof tm === 'function' ? (y) => tm.call(model, y) : (y) => model.outputs?.(y)?.['T_K'] ?? NaN;
    this.sample = (t, y) => this.push(t, y);
  }

  reset(): void {
    this.m = 0;
    this.t.length = 0;
    this.V.length = 0;
    this.I.length = 0;
    this.Q.length = 0;
    this.T.length = 0;
    this.memo.reset();
  }

  push(t: number, y: Float64Array): void {
    const i = this.m;
    const I = this.model.current(y);
    this.t[i] = t;
    this.V[i] = this.memo.at(t, y);
    this.I[i] = I;
    this.T[i] = this.temperature(y);
    this.Q[i] = i > 0 ? this.Q[i - 1]! + toAh(0.5 * (I + this.I[i - 1]!) * (t - this.t[i - 1]!)) : 0;
    this.m = i + 1;
  }

  series(res: SolveResult): SimulationSeries {
    // a solver without the output callback (e.g. a custom one) returns its samples in res
    if (this.m === 0) {
      this.memo.reset();
      for (let i = 0; i < res.t.length; i++) this.push(res.t[i]!, res.y[i]!);
    }
    return {
      t_s: Float64Array.from(this.t),
      V: Float64Array.from(this.V),
      I_A: Float64Array.from(this.I),
      capacity_Ah: Float64Array.from(this.Q),
      T_K: Float64Array.from(this.T),
      status: res.status,
      ...(res.message !== undefined ? { message: res.message } : {}),
      yFinal: res.yFinal,
      stats: res.stats,
    };
  }
}

/** distance of a particle surface stoichiometry from 0 or 1 at which the drivers stop */
export const STOICHIOMETRY_LIMIT = 1e-5;

function voltageEvents(model: CellModel, opts: SimulateOptions, memo: VoltageMemo): EventSpec[] {
  const ev: EventSpec[] = [];
  const margin = (model as Partial<{ stoichiometryMargin(y: Float64Array): number }>).stoichiometryMargin;
  // the surface of a particle within 1e-5 of an end of its stoichiometric range: the kinetics (∝ √(θ(1−θ)))
  // make the problem arbitrarily stiff there, so the drivers stop just before it
  if (typeof margin === 'function')
    ev.push({ name: 'stoichiometry limit', g: (_t, y) => margin.call(model, y) - STOICHIOMETRY_LIMIT, direction: -1 });
  if (opts.minVoltage_V !== undefined) {
    const v = opts.minVoltage_V;
    ev.push({ name: 'min voltage', g: (t, y) => memo.at(t, y) - v, direction: -1 });
  }
  if (opts.maxVoltage_V !== undefined) {
    const v = opts.maxVoltage_V;
    ev.push({ name: 'max voltage', g: (t, y) => memo.at(t, y) - v, direction: 1 });
  }
  return ev;
}

/**
 * y0 with the model's starting guess for its algebraic unknowns at current I (a copy; y0 itself when
 * the model has none): the consistent initialisation then starts close to its solution.
 */
function withAlgebraicGuess(model: CellModel, y0: Float64Array, I: number): Float64Array {
  const guess = (model as Partial<{ algebraicGuess(y: Float64Array, I: number): void }>).algebraicGuess;
  if (typeof guess !== 'function' || !Number.isFinite(I)) return y0;
  const y = y0.slice();
  guess.call(model, y, I);
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i]!)) return y0;
  return y;
}

/** output times that start at t0 (so that the capacity counts from the start) */
function withStart(t0: number, tEval: Float64Array): Float64Array {
  if (tEval.length > 0 && tEval[0]! <= t0) return tEval;
  const out = new Float64Array(tEval.length + 1);
  out[0] = t0;
  out.set(tEval, 1);
  return out;
}

/** piecewise-linear interpolation of a profile (constant outside its time range) */
export function profileInterpolant(t_s: Float64Array, I_A: Float64Array): (t: number) => number {
  const n = t_s.length;
  let last = 0;
  return (t: number): number => {
    if (t <= t_s[0]!) return I_A[0]!;
    if (t >= t_s[n - 1]!) return I_A[n - 1]!;
    // the solver's calls are nearly monotonic in t: search from the last interval
    let k = last;
    if (t < t_s[k]! || t > t_s[k + 1]!) {
      k = findInterval(t_s, t);
      last = k;
    }
    const w = (t - t_s[k]!) / (t_s[k + 1]! - t_s[k]!);
    return I_A[k]! + w * (I_A[k + 1]! - I_A[k]!);
  };
}

/**
 * The samples of a piecewise-linear current trace where its slope changes by more than tol_A over the
 * neighbouring intervals (|ΔI_k/Δt_k − ΔI_{k−1}/Δt_{k−1}|·min(Δt) > tol_A): the kinks the solver must
 * not step across (DaeSolverOptions.breakpoints). A constant-current trace with measurement noise has
 * none but its start; a drive cycle has one at nearly every sample.
 */
export function profileBreakpoints(t_s: Float64Array, I_A: Float64Array, tol_A: number): Float64Array {
  const out: number[] = [];
  for (let k = 1; k < t_s.length - 1; k++) {
    const d0 = t_s[k]! - t_s[k - 1]!;
    const d1 = t_s[k + 1]! - t_s[k]!;
    const s0 = (I_A[k]! - I_A[k - 1]!) / d0;
    const s1 = (I_A[k + 1]! - I_A[k]!) / d1;
    if (Math.abs(s1 - s0) * Math.min(d0, d1) > tol_A) out.push(t_s[k]!);
  }
  return Float64Array.from(out);
}

/** Drive the model with a measured current trace (piecewise-linear in time). */
export function simulateCurrentProfile(
  model: CellModel,
  profile: { t_s: Float64Array; I_A: Float64Array },
  opts: SimulateOptions = {},
): SimulationSeries {
  const { t_s, I_A } = profile;
  if (t_s.length !== I_A.length || t_s.length < 2)
    throw new Error(`profile: t_s and I_A must have the same length ≥ 2 (got ${t_s.length} and ${I_A.length})`);
  const t0 = t_s[0]!;
  const value = profileInterpolant(t_s, I_A);
  const problem = model.problem({ mode: 'current', value: (t: number) => value(t) });
  // (no algebraic starting guess here: measured profiles start at rest or close to it, where the
  // model's initial state is already close to consistent)
  const y0 = opts.y0 ?? model.initialState(opts.soc0 ?? 1);
  const solver = opts.solver ?? solveDae;
  const out = new SeriesCollector(model);
  const base: DaeSolveOptions = {
    t0,
    tEnd: t_s[t_s.length - 1]!,
    rtol: opts.rtol ?? 1e-6,
    newtonTol: LIQUID_NEWTON_TOL,
    earlyShrink: true,
    ...(model.atol ? { atol: model.atol } : {}),
    events: voltageEvents(model, opts, out.memo),
    tEval: opts.tEval ? withStart(t0, opts.tEval) : t_s,
    ...(opts.maxStep_s !== undefined ? { maxStep: opts.maxStep_s } : {}),
    ...(opts.breakpointTolerance_A !== undefined
      ? { breakpoints: profileBreakpoints(t_s, I_A, opts.breakpointTolerance_A) }
      : {}),
  };
  // the set point is piecewise linear: its kinks would otherwise force tiny steps through the
  // algebraic unknowns (I, potentials), which follow the differential ones (index 1); should the
  // solver fail that way (seen at a 2 ms current ramp of the thermal DFN), it is run again with them
  // in the error test
  let res = solver(problem, y0, { ...base, algebraicErrorControl: false, output: out.sample });
  if (res.status === 'failed') {
    out.reset();
    res = solver(problem, y0, { ...base, algebraicErrorControl: true, output: out.sample });
  }
  return out.series(res);
}

/** Constant current (A, positive on charge) until a cut-off voltage (V): below it on discharge, above it on charge. */
export function simulateConstantCurrent(
  model: CellModel,
  I_A: number,
  cutoff_V: number,
  opts: SimulateOptions & { tEnd_s?: number } = {},
): SimulationSeries {
  if (!Number.isFinite(I_A) || I_A === 0) throw new Error(`I_A: must be a non-zero finite current (got ${I_A})`);
  const problem = model.problem({ mode: 'current', value: I_A });
  const y0 = withAlgebraicGuess(model, opts.y0 ?? model.initialState(opts.soc0 ?? (I_A < 0 ? 1 : 0)), I_A);
  const solver = opts.solver ?? solveDae;
  const tEnd = opts.tEnd_s ?? (2 * model.nominalCapacity_C) / Math.abs(I_A);
  const out = new SeriesCollector(model);
  const res = solver(problem, y0, {
    output: out.sample,
    t0: 0,
    tEnd,
    rtol: opts.rtol ?? 1e-6,
    newtonTol: LIQUID_NEWTON_TOL,
    earlyShrink: true,
    initialJacobianKeep: LIQUID_INIT_J_KEEP,
    ...(model.atol ? { atol: model.atol } : {}),
    events: voltageEvents(model, I_A < 0 ? { minVoltage_V: cutoff_V } : { maxVoltage_V: cutoff_V }, out.memo),
    ...(opts.tEval ? { tEval: withStart(0, opts.tEval) } : { saveSteps: true }),
    ...(opts.maxStep_s !== undefined ? { maxStep: opts.maxStep_s } : {}),
  });
  return out.series(res);
}
