/**
 * The cycler's two step engines: how machine.ts (the one step machine) advances a cell through one
 * CC, CV or rest step of an experiment when the caller asks for an engine (RunOptions.engine) — the
 * built-in protocols (./protocols.ts: first cycle, ageing cycles, rate search, C/3 capacity checks) do.
 * A user experiment without an engine runs on machine.ts's own augmented DAE phase (every control and
 * termination of the language, error control on the charge counters).
 *
 *  - `FastStepper` — backward Euler for a model with a linear step response (the SPMe/SPM, driven through
 *    its LinearStepCell, ../electrochem/model.ts: a step is two tridiagonal solves and the current enters
 *    as one scalar), run by the numerics' linear-step engine (src/numerics/linear-step.ts: the time loop,
 *    the CV's Newton on the current, cut-offs located by false position on the step length); this file
 *    sets each step kind's step lengths and tolerances.
 *  - `runDaeStep` — any FullCellModel through the project's stiff DAE solver (src/numerics `solveDae`:
 *    variable-order BDF/NDF, terminal events located on the corrector's solution).
 */
import { LinearStepEngine, solveDae } from '../numerics/index.ts';
import type { DaeProblem, DaeSolverOptions } from '../numerics/index.ts';
import type { Control, ControlMode, FullCellModel, LinearStepCell } from '../electrochem/model.ts';
import { linearStepCell } from '../electrochem/ssb/step-response.ts';
import { problem } from '../problems.ts';
import { cRateCurrent_A, hours } from '../units/index.ts';

export type Step =
  | { readonly kind: 'cc'; readonly current_A: number; readonly vCut_V: number; readonly maxTime_s?: number }
  | { readonly kind: 'cv'; readonly voltage_V: number; readonly iEnd_A: number; readonly maxTime_s?: number }
  | { readonly kind: 'rest'; readonly time_s: number };

export interface StepResult {
  readonly kind: Step['kind'];
  readonly duration_s: number;
  /** charge passed (C), positive on charge */
  readonly charge_C: number;
  readonly endVoltage_V: number;
  /**
   * voltage just after the switch to this step's control: instantaneous (same state, new current) in the
   * fast SPMe/SPM stepper; the first accepted solver step in the DAE runner
   */
  readonly startVoltage_V: number;
  /** current at the start (after the switch) and at the end of the step (A, positive on charge) */
  readonly startCurrent_A: number;
  readonly endCurrent_A: number;
  /** ∫V·I dt (J), positive on charge */
  readonly energy_J: number;
  readonly stoppedBy: 'cutoff' | 'time' | 'current';
}

// -------------------------------------------------------------------------------- fast SPMe path
export interface FastOptions {
  /** steps per hour at 1C (the step is 3600/(C·stepsPerFullSweep)); default 150 */
  readonly stepsPerSweep?: number;
}

export class FastStepper {
  readonly m: FullCellModel;
  private readonly engine: LinearStepEngine;
  private readonly stepsPerSweep: number;
  /** a fast stepper on the model's LinearStepCell (the SPMe/SPM); a model without one is a Problem */
  constructor(model: FullCellModel, opts: FastOptions = {}, cell: LinearStepCell | undefined = linearStepCell(model)) {
    if (!cell)
      throw problem('model', `${model.name} has no linear step response`, model.name, 'a solid-state spme or spm');
    this.m = model;
    this.engine = new LinearStepEngine(cell);
    this.stepsPerSweep = opts.stepsPerSweep ?? 150;
  }

  // one method per step kind keeps the hot CC loop small enough for V8 to optimise it well
  run(y: Float64Array, step: Step): StepResult {
    if (step.kind === 'cc') return this.runCc(y, step);
    if (step.kind === 'cv') return this.runCv(y, step);
    return this.runRest(y, step);
  }

  /** rest: steps of 10 s doubling to the end (the relaxation is fastest at its start) */
  private runRest(y: Float64Array, step: Extract<Step, { kind: 'rest' }>): StepResult {
    const r = this.engine.runInput(y, 0, { tEnd: step.time_s, h0: 10, growth: 2 });
    return {
      kind: 'rest',
      duration_s: step.time_s,
      charge_C: 0,
      endVoltage_V: this.m.voltage(y),
      startVoltage_V: r.outputStart,
      startCurrent_A: 0,
      endCurrent_A: 0,
      energy_J: 0,
      stoppedBy: 'time',
    };
  }

  /**
   * CC: fixed steps of 1/stepsPerSweep of the time the rate takes to pass the nominal capacity, to the
   * cut-off (located to 0.1 µV or 1 µs) or 10 h of that time
   */
  private runCc(y: Float64Array, step: Extract<Step, { kind: 'cc' }>): StepResult {
    const I = step.current_A;
    if (I === 0) throw problem('step.current_A', 'must be ≠ 0 for a CC step', '0', '≠ 0');
    const rate = Math.abs(I) / cRateCurrent_A(this.m.nominalCapacity_C);
    const times = { tEnd: step.maxTime_s ?? hours(10) / rate, h0: hours(1) / (rate * this.stepsPerSweep) };
    const cut = { target: step.vCut_V, direction: I > 0 ? 1 : -1, vtol: 1e-7, xtol: 1e-6 } as const;
    const r = this.engine.runInput(y, I, times, cut);
    return {
      kind: 'cc',
      startVoltage_V: r.outputStart,
      startCurrent_A: I,
      endCurrent_A: I,
      duration_s: r.t,
      charge_C: r.inputIntegral,
      endVoltage_V: r.outputEnd,
      energy_J: r.workIntegral,
      stoppedBy: r.stop === 'event' ? 'cutoff' : 'time',
    };
  }

  /**
   * CV: steps of 30 s growing ×1.4 to at most 30 min, to the end current (located to 1e-9 of it or 1 µs)
   * or 20 h; Newton on the current starts from the current before the switch (twice the end current after
   * a rest)
   */
  private runCv(y: Float64Array, step: Extract<Step, { kind: 'cv' }>): StepResult {
    let Iprev = this.m.current(y);
    if (Iprev === 0) Iprev = step.iEnd_A * 2;
    const iEnd = Math.abs(step.iEnd_A);
    const r = this.engine.runOutput(
      y,
      step.voltage_V,
      Iprev,
      { uStop: iEnd, vtol: 1e-9 * iEnd, xtol: 1e-6 },
      { tEnd: step.maxTime_s ?? hours(20), h0: 30, growth: 1.4, hMax: 1800 },
    );
    return {
      kind: 'cv',
      startVoltage_V: step.voltage_V,
      startCurrent_A: r.inputStart,
      endVoltage_V: step.voltage_V,
      endCurrent_A: r.inputEnd,
      duration_s: r.t,
      charge_C: r.inputIntegral,
      energy_J: r.workIntegral,
      stoppedBy: r.stop === 'event' ? 'current' : 'time',
    };
  }
}

// -------------------------------------------------------------------------------- general DAE path
export interface DaeRunOptions {
  /** relative tolerance (default 1e-4) */
  readonly rtol?: number;
  readonly maxStep?: number;
}

/**
 * Newton tolerance of the solid-state drivers (the remembered-rate test of DaeSolverOptions.newtonTol,
 * 0.1 of the error-test norm as CVODE): on the P2D's [0178] first cycle it halves the factorisations of
 * SciPy's strict test, and the discharge capacity agrees with an rtol 1e-7 solution to 6e-6 (172.269 vs
 * 172.270 mAh/g, the algebraic unknowns in the error test; 172.265 without them, 9e-4 off before the solver
 * refreshed a stale J after a slow step).
 */
export const SSB_NEWTON_TOL = 0.1;

/**
 * ∫ f over [t1, t1 + h] from samples f0 (at t0 < t1; NaN t0: none), f1, f2: the trapezoid minus the
 * curvature of the quadratic through the three samples (exact for quadratics)
 */
function quadSegment(t0: number, t1: number, h: number, f0: number, f1: number, f2: number): number {
  const trap = 0.5 * h * (f1 + f2);
  if (Number.isNaN(t0) || h <= 0) return trap;
  const a = t1 - t0;
  const c = ((f2 - f1) / h - (f1 - f0) / a) / (h + a);
  return trap - (c * h * h * h) / 6;
}

/** the model's DAE problem for a control (a runner keeps one per control mode, see daeRunner) */
type ProblemFor = (control: Control) => DaeProblem;

/**
 * run one step with the project's solver (src/numerics solveDae); y is updated in place to the end state.
 * The step is solved with the remembered-rate Newton test (SSB_NEWTON_TOL); where that fails — in the
 * knee at the end of a high-rate discharge, where the particle surfaces reach y → 1 one after another and
 * an early-accepted Newton iterate of the algebraic unknowns (reaction currents, surface potentials)
 * makes the error test collapse the step size — the step is solved again from its start with the strict
 * Newton test (SciPy's, the cycler's), which converges the algebraic unknowns at every step. A second
 * failure is the step's failure.
 */
export function runDaeStep(
  model: FullCellModel,
  y: Float64Array,
  step: Step,
  opts: DaeRunOptions = {},
  problemFor: ProblemFor = (c) => model.problem(c),
): StepResult {
  const y0 = Float64Array.from(y);
  try {
    return runDaeStepWith(model, y, step, opts, problemFor, false);
  } catch (e) {
    if (!(e instanceof SolverFailure)) throw e;
    y.set(y0);
    return runDaeStepWith(model, y, step, opts, problemFor, true);
  }
}

class SolverFailure extends Error {}

function runDaeStepWith(
  model: FullCellModel,
  y: Float64Array,
  step: Step,
  opts: DaeRunOptions,
  problemFor: ProblemFor,
  strictNewton: boolean,
): StepResult {
  const { control, tEnd, events } = stepSetup(model, y, step);
  // algebraic unknowns (potentials, reaction currents, the current) are in the local error test (IDA's
  // default; suppressalg off). Kept out of it before, the solver accepted corrector solutions whose
  // kinetics rows were still 0.16 V off near the end of a high-rate discharge (a simplified Newton with
  // an old J whose updates shrink while the residual does not: the reaction current's dependence on a
  // surface concentration near saturation is close to singular) — P2's average voltage at 6.5 mA/cm²
  // was 3.121 V against 3.126 V at rtol 1e-7, its capacity 84.285 against 84.217 mAh/g, and P3's 3C
  // discharge failed ("step size became too small") when its start moved by 3e-11 relative. With them
  // in the test, rtol 1e-4 gives the rtol 1e-7 figures of scripts/validate-ssb.ts to their printed
  // digits, at ≈ 5 % more time there (1.75× the steps on P3's 3C discharge, its hardest case).
  // The cut-offs are terminal events, located on the corrector's solution (not on the interpolant)
  // charge and energy: trapezoidal rule over the accepted steps with a curvature correction from the
  // step before (the integral of the quadratic through three consecutive samples), which keeps the
  // energy accurate over the long steps the solver takes and the sharp knee before a cut-off
  let q = 0;
  let E = 0;
  let t1 = 0;
  let I1 = model.current(y);
  let P1 = I1 * model.voltage(y);
  let t0 = NaN;
  let I0 = 0;
  let P0 = 0;
  let Vs = NaN;
  let Is = NaN;
  // the state at the start of the last segment and that segment's contributions (see below)
  const yA = new Float64Array(y.length);
  const yB = Float64Array.from(y);
  let tA = 0;
  let dqLast = 0;
  let dELast = 0;
  const solveOpts: DaeSolverOptions = {
    t0: 0,
    tEnd,
    rtol: opts.rtol ?? 1e-4,
    atol: model.atol ?? 1e-8,
    events,
    saveSteps: true,
    maxStep: opts.maxStep ?? tEnd / 50,
    maxSteps: 200000,
    algebraicErrorControl: true,
    ...(strictNewton ? {} : { newtonTol: SSB_NEWTON_TOL }),
    output: (t, yy) => {
      if (t === 0) return;
      const I = model.current(yy);
      const V = model.voltage(yy);
      const P = I * V;
      if (Number.isNaN(Vs)) {
        Vs = V;
        Is = I;
      }
      const h = t - t1;
      dqLast = quadSegment(t0, t1, h, I0, I1, I);
      dELast = quadSegment(t0, t1, h, P0, P1, P);
      q += dqLast;
      E += dELast;
      yA.set(yB);
      yB.set(yy);
      tA = t1;
      t0 = t1;
      I0 = I1;
      P0 = P1;
      t1 = t;
      I1 = I;
      P1 = P;
    },
  };
  const problem = problemFor(control);
  const res = solveDae(problem, y, solveOpts);
  if (res.status === 'failed') throw new SolverFailure(`solver failed in ${step.kind} step: ${res.message ?? ''}`);
  const span = res.tFinal - tA;
  if (res.status === 'event' && step.kind === 'cc' && span > 0.01 * res.tFinal) {
    // a cut-off sits in a knee of the voltage, and the solver's last step before it can be long (its
    // states are smooth): that segment's charge and energy come from a re-solve on 8 or more steps
    let tp = tA;
    let Ip = model.current(yA);
    let Pp = Ip * model.voltage(yA);
    let dq = 0;
    let dE = 0;
    const fine = solveDae(problem, yA, {
      ...solveOpts,
      t0: tA,
      tEnd: res.tFinal,
      events: [],
      maxStep: span / 8,
      output: (t, yy) => {
        if (t === tA) return;
        const I = model.current(yy);
        const P = I * model.voltage(yy);
        dq += 0.5 * (I + Ip) * (t - tp);
        dE += 0.5 * (P + Pp) * (t - tp);
        tp = t;
        Ip = I;
        Pp = P;
      },
    });
    if (fine.status === 'done') {
      q += dq - dqLast;
      E += dE - dELast;
    }
  }
  y.set(res.yFinal);
  return {
    kind: step.kind,
    duration_s: res.tFinal,
    charge_C: q,
    endVoltage_V: model.voltage(y),
    startVoltage_V: Number.isNaN(Vs) ? model.voltage(y) : Vs,
    startCurrent_A: Number.isNaN(Is) ? model.current(y) : Is,
    endCurrent_A: model.current(y),
    energy_J: E,
    stoppedBy: res.status === 'event' ? (step.kind === 'cv' ? 'current' : 'cutoff') : 'time',
  };
}

/** per-step setup shared by the DAE runners: control, end time and terminal events */
function stepSetup(
  model: FullCellModel,
  y: Float64Array,
  step: Step,
): {
  control: { mode: 'current' | 'voltage' | 'rest'; value: number };
  tEnd: number;
  events: Array<{ name: string; g: (t: number, y: Float64Array) => number; direction: -1 | 0 | 1 }>;
} {
  const cap = model.nominalCapacity_C;
  const events: Array<{ name: string; g: (t: number, y: Float64Array) => number; direction: -1 | 0 | 1 }> = [];
  if (step.kind === 'cc') {
    if (step.current_A === 0) throw problem('step.current_A', 'must be ≠ 0 for a CC step', '0', '≠ 0');
    const rate = Math.abs(step.current_A) / cRateCurrent_A(cap);
    const sgn = step.current_A > 0 ? 1 : -1;
    events.push({ name: 'vcut', g: (_t, yy) => sgn * (model.voltage(yy) - step.vCut_V), direction: 1 });
    y[y.length - 1] = step.current_A;
    const control = { mode: 'current' as const, value: step.current_A };
    model.consistentGuess?.(control, y);
    return { control, tEnd: step.maxTime_s ?? hours(10) / rate, events };
  }
  if (step.kind === 'cv') {
    events.push({ name: 'iend', g: (_t, yy) => Math.abs(model.current(yy)) - Math.abs(step.iEnd_A), direction: -1 });
    return { control: { mode: 'voltage', value: step.voltage_V }, tEnd: step.maxTime_s ?? hours(20), events };
  }
  y[y.length - 1] = 0;
  const control = { mode: 'rest' as const, value: 0 };
  model.consistentGuess?.(control, y);
  return { control, tEnd: step.time_s, events };
}

export type StepRunner = (y: Float64Array, step: Step) => StepResult;

/** the fast stepper's runner on a model with a LinearStepCell (the SPMe/SPM); any other model is a Problem */
export function fastRunner(model: FullCellModel, opts: FastOptions = {}): StepRunner {
  const st = new FastStepper(model, opts);
  return (y, step) => st.run(y, step);
}
/**
 * A runner on the project's DAE solver. It keeps one problem per control mode, its set point read from
 * a variable, so that the solver (and its linear system's layout) is built once per mode and reused by
 * every step of that mode (solveDae caches its workspace per problem).
 */
export function daeRunner(model: FullCellModel, opts: DaeRunOptions = {}): StepRunner {
  const byMode = new Map<ControlMode, { problem: DaeProblem; value: number }>();
  const problemFor: ProblemFor = (c) => {
    let e = byMode.get(c.mode);
    if (!e) {
      const entry = { problem: null as unknown as DaeProblem, value: 0 };
      entry.problem = model.problem({ mode: c.mode, value: () => entry.value });
      byMode.set(c.mode, entry);
      e = entry;
    }
    e.value = typeof c.value === 'function' ? c.value(0) : c.value;
    return e.problem;
  };
  return (y, step) => runDaeStep(model, y, step, opts, problemFor);
}

/**
 * The engine a built-in protocol runs a model on: the fast stepper where the model has a LinearStepCell
 * (the SPMe/SPM), else the project's DAE solver (the P2D).
 */
export function engineFor(model: FullCellModel, opts: FastOptions & DaeRunOptions = {}): StepRunner {
  const cell = linearStepCell(model);
  if (!cell) return daeRunner(model, opts);
  const st = new FastStepper(model, opts, cell);
  return (y, step) => st.run(y, step);
}
