/**
 * The step machine: runs a parsed experiment on any `CellModel` with the stiff DAE solver.
 *
 * Per step: the control (current, C-rate → A with the model's nominal capacity, voltage, power,
 * resistance, rest, drive cycle) gives `model.problem(control)`; the problem is augmented with four
 * quadratures (charge in, charge out, energy in, energy out; C and J) so that charge counters, SOC and
 * capacity terminations are integrated with the same error control as the model; terminations become
 * EventSpecs; the algebraic unknowns are made consistent at every switch (the solver's
 * `initialiseAlgebraic`, run once as a short probe so that terminations already met at the start end the
 * step at once, as a real cycler does). Every step is recorded; after every cycle `model.afterCycle?.()`
 * is called and the experiment stops are checked. A failed solve ends the experiment with the step and
 * the solver's reason; no NaN reaches the results.
 *
 * With an engine (RunOptions.engine, ./step-engines.ts) the machine runs each CC, CV and rest step on it
 * instead: the fast stepper of a model with a LinearStepCell (the SPMe/SPM) or the solid-state DAE step
 * on src/numerics. The built-in protocols (./protocols.ts: the [0178] first cycle, ageing cycles, the rate
 * search, the battery's C/3 capacity checks) are experiments written in the language and run so; the
 * machine's cycles, records, experiment stops and hooks are the same on every path.
 *
 * A parsed experiment is compiled once into a plan (its steps with what each needs at run time, each
 * step's phase per model capacity, each phase's engine step), kept with the Experiment object and reused
 * by every later run of it on any cell; a run is a `MachineRun`, whose parts are methods, so that a run
 * builds no closures of its own on the engine path. `records: 'none'` keeps no step or cycle record in
 * the result (the protocols read them through afterStep/afterCycle as they happen).
 *
 * Sign convention: current and power are positive on charge.
 */
import { ProblemError, type Problem } from '../problems.ts';
import type { Step, StepResult, StepRunner } from './step-engines.ts';
import type { CellModel, CellModelExtras, Control, ControlMode, CycleSummary } from '../electrochem/model.ts';
import type { DaeProblem, EventSpec, JacobianStructure, SolveOptions, SolveResult } from '../numerics/types.ts';
import { findInterval, solveDae } from '../numerics/index.ts';
import { EXPERIMENT_LIMITS } from './limits.ts';
import {
  defaultDuration_s,
  parseErrorProblem,
  parseExperiment,
  type Experiment,
  type ExperimentEntryInput,
  type ExperimentInput,
  type LoopCondition,
  type StepAst,
  type Termination,
} from './experiment.ts';
import { problem } from '../problems.ts';
import { toAh, toAhPerKg, cRateCurrent_A, cRateOf, toHours, hours, toPct } from '../units/index.ts';

export type SolveFn = (problem: DaeProblem, y0: Float64Array, opts: SolveOptions) => SolveResult;

/** A drive-cycle profile: times (s, from 0, increasing) and values (A, W, C-rate or V; positive on charge). */
export interface DriveCycle {
  readonly time_s: readonly number[];
  readonly value: readonly number[];
}

export interface RunOptions {
  /** initial state of charge (0..1); default: 0 when the first active step charges, else 1 */
  initialSoc?: number;
  /** initial state (overrides initialSoc for the model state; SOC counting still starts at initialSoc) */
  y0?: Float64Array;
  rtol?: number;
  atol?: number | Float64Array;
  /** largest solver step (s) */
  maxStep_s?: number;
  /**
   * cap on a step written without 'for' (s). Default: PyBaMM's default duration of the step
   * (defaultDuration_s: 2/|C-rate| h for a C-rate step, the profile's length for a drive cycle, 24 h
   * otherwise); reaching it without a termination makes the experiment infeasible, as in PyBaMM.
   */
  maxStepDuration_s?: number;
  /** cap on the cycles of a `repeat_until` loop (default 1000) */
  maxLoopCycles?: number;
  /** drive cycles by source name (file path as written in the step, or a profile name) */
  driveCycles?: Readonly<Record<string, DriveCycle>>;
  /** solver (default numerics' solveDae; the tests pass an independent reference to cross-check) */
  solver?: SolveFn;
  /** record model outputs in the series (default true) */
  recordOutputs?: boolean;
  /** call model.afterCycle after each cycle (default true; the rate-capability test turns ageing off) */
  callAfterCycle?: boolean;
  /** 'full' (default): record the time series; 'none': only step and cycle records (long ageing runs) */
  series?: 'full' | 'none';
  /**
   * 'all' (default): every step and cycle record in the result; 'none': neither (the caller reads them as
   * they happen through afterStep and afterCycle: the built-in protocols, which run thousands of cycles)
   */
  records?: 'all' | 'none';
  /**
   * what a charge step at imposed current does when Li starts to plate (the model's platingIndicator
   * falls to 0 V): 'report' (default) nothing — the plating shows in the outputs; 'stop' ends the step
   * there; 'derate' goes on at `factor` × the current (default 0.5) each time plating starts again,
   * down to `minCRate` (default 0.02C), then ends the step.
   */
  plating?: PlatingPolicy;
  /**
   * the step engine the steps run on (./step-engines.ts: fastRunner, daeRunner, engineFor); absent: the
   * machine's own augmented DAE phase. An engine runs CC steps (a current or C-rate until one voltage),
   * holds (a voltage until one current or C-rate), CC-CV steps and timed rests; any other step fails,
   * naming its control. A step without 'for' is capped by the engine's own limit (10 h/|C-rate| for CC,
   * 20 h for a hold), and the experiment goes on after it (the protocols' rule, not PyBaMM's default duration).
   * The engine path records two rows per phase (its start and its end) and checks no safety event.
   */
  engine?: StepRunner;
  /** run on this state, updated in place (it overrides y0 and initialState; SOC counting still starts at initialSoc) */
  state?: Float64Array;
  /**
   * called after each cycle with the state and the cycle's record, instead of the machine's own
   * model.afterCycle / recordCycleGeometry (the caller's ageing protocol, e.g. cycle jumping)
   */
  afterCycle?: (y: Float64Array, cycle: CycleRecord) => void;
  /** record the cell thickness before the test and after each cycle (default true; the protocols measure their own) */
  recordThickness?: boolean;
  /** called after each step that ran (status 'ok') with the state at its end and its record */
  afterStep?: (y: Float64Array, step: StepRecord) => void;
}

export type PlatingPolicy =
  | { readonly action: 'report' }
  | { readonly action: 'stop' }
  | { readonly action: 'derate'; readonly factor?: number; readonly minCRate?: number };

export interface StepRecord {
  /** 1-based step count over the whole test */
  index: number;
  /** 1-based cycle */
  cycle: number;
  text: string;
  /** the control mode; 'cccv' for a one-step CC-CV, 'drive_cycle' for a profile */
  mode: ControlMode | 'cccv' | 'drive_cycle';
  status: 'ok' | 'failed';
  /** why the step ended: 'duration', 'until 4.3 V', 'already met: until 4.3 V', 'experiment time limit', … */
  endReason: string;
  failure?: string;
  start_s: number;
  end_s: number;
  /** charge into the cell (C) and out of it (C), energies in and out (J) */
  charge_C: number;
  discharge_C: number;
  chargeEnergy_J: number;
  dischargeEnergy_J: number;
  startVoltage_V: number;
  endVoltage_V: number;
  startCurrent_A: number;
  endCurrent_A: number;
  minVoltage_V: number;
  maxVoltage_V: number;
  temperature_K?: number;
  /** rows [rowStart, rowEnd] of the series that belong to this step */
  rowStart: number;
  rowEnd: number;
  warnings: string[];
}

export interface CycleRecord {
  index: number;
  charge_C: number;
  discharge_C: number;
  chargeEnergy_J: number;
  dischargeEnergy_J: number;
  start_s: number;
  end_s: number;
  minVoltage_V: number;
  maxVoltage_V: number;
  firstStep: number;
  lastStep: number;
  /** cell thickness after the cycle (m), when the model provides thickness_m */
  thickness_m?: number;
}

export interface Series {
  time_s: number[];
  voltage_V: number[];
  current_A: number[];
  /** cumulative since the start of the test */
  charge_C: number[];
  discharge_C: number[];
  chargeEnergy_J: number[];
  dischargeEnergy_J: number[];
  /** state of charge by coulomb counting against the nominal capacity */
  soc: number[];
  /** the ambient temperature the model ran at (K), NaN where the model has no ambient input */
  ambient_K?: number[];
  cycle: number[];
  step: number[];
  outputs: Record<string, number[]>;
}

export interface ExperimentResult {
  model: string;
  status: 'completed' | 'stopped' | 'failed';
  reason?: string;
  nominalCapacity_C: number;
  cathodeActiveMass_kg?: number;
  area_m2?: number;
  initialSoc: number;
  /** cell thickness before the first step (m), when the model provides thickness_m */
  initialThickness_m?: number;
  series: Series;
  steps: StepRecord[];
  cycles: CycleRecord[];
  /** the model state at the end (plain numbers; empty when the run was given RunOptions.state, which holds it) */
  finalState: number[];
  warnings: string[];
}

/** why a step without 'for' ended when it reached PyBaMM's default duration */
const DEFAULT_DURATION_END = 'default duration (no termination reached)';

/**
 * why a step without 'for' ended on an engine's own time cap (10 h/|C-rate| for CC, 20 h for a hold):
 * unlike PyBaMM's default duration the experiment goes on, as the built-in protocols always did
 */
const ENGINE_TIME_CAP = "the step engine's time cap";

/** PyBaMM's experiments keep the model's voltage cut-offs as safety events this far beyond them (V) */
const SAFETY_VOLTAGE_MARGIN_V = 1;
/** the event name of the plating policy (RunOptions.plating) */
const PLATING_EVENT = 'Li plating (plating policy)';

/** each termination's description, kept per parsed termination (a protocol's steps are parsed once and rerun) */
const described = new WeakMap<Termination, string>();
function describeTermination(t: Termination): string {
  let d = described.get(t);
  if (d === undefined) {
    d = describe(t);
    described.set(t, d);
  }
  return d;
}
function describe(t: Termination): string {
  const op = 'operator' in t && t.operator ? `${t.operator} ` : '';
  switch (t.kind) {
    case 'voltage':
      return `until ${op}${t.voltage_V} V`;
    case 'current':
      return `until ${op}${t.current_A} A`;
    case 'c_rate':
      return `until ${op}${t.c_rate}C`;
    case 'soc':
      return `until ${toPct(t.soc)}% SOC`;
    case 'capacity':
      return `until ${toAh(t.charge_C)} Ah`;
    case 'specific_capacity':
      return `until ${toAhPerKg(t.charge_C_per_kg)} mAh/g`;
    case 'power':
      return `until ${t.power_W} W`;
    case 'resistance':
      return `until ${t.resistance_ohm} Ohm`;
    case 'plating':
      return 'until Li plating';
  }
}

/** linear interpolation of a profile looped over its period (PyBaMM repeats a drive cycle that is shorter than the step) */
function profileFunction(dc: DriveCycle, scale: number): (t: number) => number {
  const ts = dc.time_s;
  const vs = dc.value;
  const T = ts[ts.length - 1]!;
  return (t: number): number => {
    let tt = t;
    if (tt > T) tt = T > 0 ? tt - Math.floor(tt / T) * T : T;
    if (tt <= ts[0]!) return scale * vs[0]!;
    const lo = findInterval(ts, tt);
    const hi = lo + 1;
    const w = (tt - ts[lo]!) / (ts[hi]! - ts[lo]! || 1);
    return scale * (vs[lo]! + w * (vs[hi]! - vs[lo]!));
  };
}

function checkDriveCycle(name: string, dc: DriveCycle): string | undefined {
  if (dc.time_s.length < 2 || dc.time_s.length !== dc.value.length)
    return `drive cycle '${name}': needs ≥ 2 rows with a time and a value (got ${dc.time_s.length} times, ${dc.value.length} values)`;
  if (dc.time_s[0] !== 0) return `drive cycle '${name}': must start at t = 0 s (got ${dc.time_s[0]})`;
  for (let i = 0; i < dc.time_s.length; i++) {
    if (!Number.isFinite(dc.time_s[i]!) || !Number.isFinite(dc.value[i]!))
      return `drive cycle '${name}': row ${i + 1} is not finite`;
    if (i > 0 && !(dc.time_s[i]! > dc.time_s[i - 1]!))
      return `drive cycle '${name}': times must increase (row ${i + 1}: ${dc.time_s[i]} after ${dc.time_s[i - 1]})`;
  }
  return undefined;
}

/**
 * A problem with four quadratures appended: y[n] = charge in (C), y[n+1] = charge out (C),
 * y[n+2] = energy in (J), y[n+3] = energy out (J).
 */
function augment(model: CellModel, inner: DaeProblem, yProbe: Float64Array): DaeProblem {
  const n = inner.n;
  const N = n + 4;
  const yIn = new Float64Array(n);
  const outIn = new Float64Array(n);
  const mass = new Float64Array(N);
  for (let i = 0; i < n; i++) mass[i] = inner.massDiag ? inner.massDiag[i]! : 1;
  for (let i = n; i < N; i++) mass[i] = 1;
  const load = (y: Float64Array): void => {
    for (let i = 0; i < n; i++) yIn[i] = y[i]!;
  };
  // which unknowns the terminal current and voltage depend on (probed at two nearby states)
  const deps: number[] = [];
  {
    const base = Float64Array.from(yProbe);
    for (let j = 0; j < n; j++) {
      let depends = false;
      for (const shift of [0, 1e-3]) {
        const y = Float64Array.from(base);
        for (let k = 0; k < n; k++) y[k] = y[k]! + shift * (1 + Math.abs(y[k]!)) * ((k % 3) - 1) * 0.1;
        const I0 = model.current(y);
        const V0 = model.voltage(y);
        const h = 1e-6 * (1 + Math.abs(y[j]!));
        y[j] = y[j]! + h;
        if (model.current(y) !== I0 || model.voltage(y) !== V0) depends = true;
      }
      if (depends) deps.push(j);
    }
  }
  let structure: JacobianStructure | undefined;
  const s = inner.structure ?? { kind: 'dense' };
  if (s.kind === 'dense') structure = { kind: 'dense' };
  else {
    const rows: number[] = [];
    const cols: number[] = [];
    if (s.kind === 'banded') {
      for (let i = 0; i < n; i++)
        for (let j = Math.max(0, i - s.lower); j <= Math.min(n - 1, i + s.upper); j++) {
          rows.push(i);
          cols.push(j);
        }
    } else {
      for (let k = 0; k < s.rows.length; k++) {
        rows.push(s.rows[k]!);
        cols.push(s.cols[k]!);
      }
    }
    for (let q = 0; q < 4; q++)
      for (const j of deps) {
        rows.push(n + q);
        cols.push(j);
      }
    structure = { kind: 'sparse', rows: Int32Array.from(rows), cols: Int32Array.from(cols) };
  }
  const yJ = new Float64Array(n);
  const problem: DaeProblem = {
    n: N,
    massDiag: mass,
    structure,
    f(t: number, y: Float64Array, out: Float64Array): void {
      load(y);
      inner.f(t, yIn, outIn);
      for (let i = 0; i < n; i++) out[i] = outIn[i]!;
      const I = model.current(yIn);
      const V = model.voltage(yIn);
      out[n] = I > 0 ? I : 0;
      out[n + 1] = I < 0 ? -I : 0;
      out[n + 2] = I > 0 ? I * V : 0;
      out[n + 3] = I < 0 ? -I * V : 0;
    },
    ...(inner.jacobian
      ? {
          jacobian(t: number, y: Float64Array, sink): void {
            load(y);
            inner.jacobian!(t, yIn, sink);
            const I = model.current(yIn);
            const V = model.voltage(yIn);
            for (const j of deps) {
              for (let k = 0; k < n; k++) yJ[k] = yIn[k]!;
              const h = 1e-7 * (1 + Math.abs(yIn[j]!));
              yJ[j] = yIn[j]! + h;
              const dI = (model.current(yJ) - I) / h;
              const dV = (model.voltage(yJ) - V) / h;
              if (I > 0) {
                sink.add(n, j, dI);
                sink.add(n + 2, j, dI * V + I * dV);
              } else if (I < 0) {
                sink.add(n + 1, j, -dI);
                sink.add(n + 3, j, -dI * V - I * dV);
              }
            }
          },
        }
      : {}),
  };
  return problem;
}

interface Phase {
  control: Control;
  /** +1 charge, −1 discharge, 0 unknown (side taken from the start) */
  direction: 1 | -1 | 0;
  duration_s: number | undefined;
  /** PyBaMM's default duration, used when duration_s is absent (s) */
  defaultDuration_s: number;
  terminations: readonly Termination[];
  period_s: number;
  maxStep_s?: number;
  /** drive cycles: the profile's period (s); the phase restarts the solver at each repeat (a jump in the set point) */
  loopPeriod_s?: number;
  /** a C-rate step's C-rate (an engine takes the current as C-rate × the 1C current, as the protocols always did) */
  cRate?: number;
}

type PhaseOutcome =
  | {
      ok: true;
      endReason: string;
      t_end: number;
      y: Float64Array;
      q: [number, number, number, number];
      /** the phase ended on one of the model's limits, not on a termination of the step */
      infeasible?: string;
    }
  | { ok: false; failure: string; y: Float64Array };

// ------------------------------------------------------------------------------------- the compiled plan
/**
 * One step of a compiled plan: the parsed step and what the machine derives from it alone, built once
 * per parsed experiment and reused by every run of it (on every cell).
 */
interface StepPlan {
  readonly ast: StepAst;
  /** a one-step CC-CV's voltage termination, which ends its CC phase (undefined for other steps) */
  readonly cvEnd: Termination | undefined;
  /** the phase of a constant control for the model capacity it was last built for (a drive cycle: never kept) */
  phase: { readonly Qnom: number; readonly hit: { readonly phase: Phase; readonly error?: string } } | undefined;
}

/**
 * An experiment compiled for the machine: its blocks as step plans, the experiment-wide figures a run
 * reads (the first active step's direction, the time stop, the start times), each step's phase per model
 * capacity and (through `engineSteps`) each phase's engine step. Compiled once per parsed experiment
 * (`plans`, keyed by the Experiment object: the protocols keep theirs parsed, so their plans live as long).
 */
interface ExperimentPlan {
  readonly exp: Experiment;
  readonly blocks: readonly StepPlan[][];
  /** the first step that is not a rest charges (the default initial SOC is then 0, else 1) */
  readonly firstActiveCharges: boolean;
  /** the experiment's time stop (s), Infinity without one */
  readonly timeLimit: number;
  /** PyBaMM's start times: some step has one; the wall clock then starts at the first step's */
  readonly usesStartTimes: boolean;
  readonly wall0: number;
}

const plans = new WeakMap<Experiment, ExperimentPlan>();

/** the machine's plan of a parsed experiment (compiled on its first run, then reused) */
function planOf(exp: Experiment): ExperimentPlan {
  let plan = plans.get(exp);
  if (plan) return plan;
  const byAst = new Map<StepAst, StepPlan>();
  const stepPlan = (ast: StepAst): StepPlan => {
    let sp = byAst.get(ast);
    if (!sp) {
      sp = { ast, cvEnd: ast.cv ? ast.terminations.find((t) => t.kind === 'voltage') : undefined, phase: undefined };
      byAst.set(ast, sp);
    }
    return sp;
  };
  const timeStop = exp.stops.find((s) => s.kind === 'time');
  const usesStartTimes = exp.blocks.some((b) => b.steps.some((x) => x.startTime_s !== undefined));
  plan = {
    exp,
    blocks: exp.blocks.map((b) => b.steps.map(stepPlan)),
    firstActiveCharges:
      exp.blocks.flatMap((b) => b.steps).find((s) => s.instruction !== 'rest')?.instruction === 'charge',
    timeLimit: timeStop && timeStop.kind === 'time' ? timeStop.time_s : Infinity,
    usesStartTimes,
    wall0: usesStartTimes ? (exp.blocks[0]!.steps[0]!.startTime_s ?? 0) : 0,
  };
  plans.set(exp, plan);
  return plan;
}

/** the engine's step of each phase and the time cap it was built for (a plan's phases live as long as the plan) */
const engineSteps = new WeakMap<
  Phase,
  { maxTime_s: number | undefined; es: { step: Step; name: string } | { error: string } }
>();

/** the engine's step for a phase, or why the engine cannot run it */
function engineStep(
  ph: Phase,
  Qnom: number,
  maxTime_s: number | undefined,
): { step: Step; name: string } | { error: string } {
  const c = ph.control;
  const terms = ph.terminations;
  const t = terms.length === 1 ? terms[0]! : undefined;
  if (c.mode === 'current' && typeof c.value === 'number' && t?.kind === 'voltage' && t.operator === undefined) {
    const current_A = ph.cRate !== undefined ? ph.cRate * cRateCurrent_A(Qnom) : c.value;
    return { step: { kind: 'cc', current_A, vCut_V: t.voltage_V, maxTime_s }, name: describeTermination(t) };
  }
  if (
    c.mode === 'voltage' &&
    typeof c.value === 'number' &&
    (t?.kind === 'c_rate' || (t?.kind === 'current' && t.operator === undefined))
  ) {
    const iEnd_A = t.kind === 'c_rate' ? t.c_rate * cRateCurrent_A(Qnom) : t.current_A;
    return { step: { kind: 'cv', voltage_V: c.value, iEnd_A, maxTime_s }, name: describeTermination(t) };
  }
  if (c.mode === 'rest' && terms.length === 0 && maxTime_s !== undefined)
    return { step: { kind: 'rest', time_s: maxTime_s }, name: 'duration' };
  const until = terms.length ? terms.map(describeTermination).join(', ') : 'with no termination';
  const got = `${c.mode}${typeof c.value === 'function' ? ' (a profile)' : ''} ${until}`;
  return {
    error:
      `the step engine cannot run this step (got ${got}; allowed: a current or C-rate until one voltage, ` +
      'a hold until one current or C-rate, a rest for a time)',
  };
}

/**
 * a step's phase (its control, direction, durations, terminations): depends on the step, the experiment,
 * the model's capacity and, for a drive cycle, the loaded profiles
 */
function buildPhase(
  step: StepAst,
  exp: Experiment,
  Qnom: number,
  driveCycles: RunOptions['driveCycles'],
): { phase: Phase; error?: string } {
  const c = step.control;
  const base = {
    duration_s: step.duration_s,
    defaultDuration_s: defaultDuration_s(c),
    terminations: step.terminations,
    period_s: step.period_s ?? exp.period_s,
  };
  const dirOf = (v: number): 1 | -1 | 0 => (v > 0 ? 1 : v < 0 ? -1 : 0);
  // one object shape for every constant control (the engine path reads these per step)
  const constant = (control: Control, direction: 1 | -1 | 0, cRate?: number): { phase: Phase } => ({
    phase: {
      control,
      direction,
      duration_s: base.duration_s,
      defaultDuration_s: base.defaultDuration_s,
      terminations: base.terminations,
      period_s: base.period_s,
      maxStep_s: undefined,
      loopPeriod_s: undefined,
      cRate,
    },
  });
  switch (c.mode) {
    case 'current':
      return constant({ mode: 'current', value: c.current_A }, dirOf(c.current_A));
    case 'c_rate':
      return constant({ mode: 'current', value: cRateCurrent_A(Qnom, c.c_rate) }, dirOf(c.c_rate), c.c_rate);
    case 'voltage':
      return constant({ mode: 'voltage', value: c.voltage_V }, 0);
    case 'power':
      return constant({ mode: 'power', value: c.power_W }, dirOf(c.power_W));
    case 'resistance':
      return constant({ mode: 'resistance', value: c.resistance_ohm }, -1);
    case 'rest':
      return constant({ mode: 'rest', value: 0 }, 0);
    case 'drive_cycle': {
      const dc = c.data ?? driveCycles?.[c.source];
      const dummy: Phase = { ...base, control: { mode: 'rest', value: 0 }, direction: 0 };
      if (!dc)
        return {
          phase: dummy,
          error: `drive cycle '${c.source}' was not loaded (pass it in opts.driveCycles, e.g. with loadDriveCycles from cycler/io.ts)`,
        };
      const bad = checkDriveCycle(c.source, dc);
      if (bad) return { phase: dummy, error: bad };
      const scale = c.quantity === 'c_rate' ? cRateCurrent_A(Qnom) : 1;
      const mode: ControlMode =
        c.quantity === 'power'
          ? 'power'
          : c.quantity === 'voltage'
            ? 'voltage'
            : c.quantity === 'resistance'
              ? 'resistance'
              : 'current';
      let minDt = Infinity;
      for (let i = 1; i < dc.time_s.length; i++) minDt = Math.min(minDt, dc.time_s[i]! - dc.time_s[i - 1]!);
      const v0 = dc.value.find((v) => v !== 0) ?? 0;
      return {
        phase: {
          ...base,
          duration_s: step.duration_s ?? dc.time_s[dc.time_s.length - 1]!,
          period_s: step.period_s ?? Math.min(exp.period_s, minDt),
          control: { mode, value: profileFunction(dc, scale) },
          direction: mode === 'voltage' ? 0 : mode === 'resistance' ? -1 : v0 > 0 ? 1 : v0 < 0 ? -1 : 0,
          maxStep_s: minDt,
          loopPeriod_s: dc.time_s[dc.time_s.length - 1]!,
        },
      };
    }
  }
}

/** Runs an experiment (parsed, or in its YAML/string form) on a cell model. */
export function runExperiment(
  model: CellModel & CellModelExtras,
  experiment: Experiment | ExperimentInput | ExperimentEntryInput[] | string,
  opts: RunOptions = {},
): ExperimentResult {
  let exp: Experiment;
  if (typeof experiment === 'object' && !Array.isArray(experiment) && 'blocks' in experiment) exp = experiment;
  else {
    const r = parseExperiment(experiment);
    if (!r.ok) throw new ExperimentParseError(r.errors.map(parseErrorProblem));
    exp = r.value;
  }
  return new MachineRun(model, planOf(exp), opts).run();
}

/** a step's running summary of its rows: count, first and last voltage and current, voltage extremes */
interface StepAggregates {
  count: number;
  startV: number;
  startI: number;
  endV: number;
  endI: number;
  minV: number;
  maxV: number;
}
const newAggregates = (): StepAggregates => ({
  count: 0,
  startV: 0,
  startI: 0,
  endV: 0,
  endI: 0,
  minV: Infinity,
  maxV: -Infinity,
});
function copyAggregates(to: StepAggregates, from: StepAggregates): void {
  to.count = from.count;
  to.startV = from.startV;
  to.startI = from.startI;
  to.endV = from.endV;
  to.endI = from.endI;
  to.minV = from.minV;
  to.maxV = from.maxV;
}

/**
 * One run of a compiled plan on a model: the run's state and running totals as fields, the machine's
 * parts as methods (built once with the class, not per run).
 */
class MachineRun {
  private readonly exp: Experiment;
  private readonly solve: SolveFn;
  private readonly Qnom: number;
  private readonly initialSoc: number;
  private y: Float64Array;
  private readonly engine: StepRunner | undefined;
  private readonly rtol: number;
  private readonly maxStepDuration: number | undefined;
  private readonly modelAmbient_K: number | undefined;
  /** the ambient temperature of the step being run (K), NaN when the model has no ambient input */
  private ambientNow_K: number;
  private readonly limits: CellModelExtras['voltageLimits_V'];
  private readonly recordOutputs: boolean;
  private readonly timeLimit: number;
  private readonly series: Series;
  private readonly steps: StepRecord[] = [];
  private readonly cycles: CycleRecord[] = [];
  private readonly warnings: string[] = [];
  private readonly result: ExperimentResult;
  private readonly thickness: ((y: Float64Array) => number) | undefined;
  /** keep every step and cycle record in the result (RunOptions.records) */
  private readonly keepRecords: boolean;
  private readonly keepSeries: boolean;

  // running totals
  private tNow = 0;
  private qIn = 0;
  private qOut = 0;
  private eIn = 0;
  private eOut = 0;
  private stepCount = 0;
  private cycleCount = 0;
  private stopped: string | undefined;
  private failed: string | undefined;
  /** the first cycle's record (the experiment stops and loops compare with its discharge) */
  private firstCycle: CycleRecord | undefined;
  /** the lowest and highest voltage of the steps of the cycle being run */
  private cycleMinV = Infinity;
  private cycleMaxV = -Infinity;

  private outputKeys: string[] | undefined;
  /** the output columns warned about (made on the first warning) */
  private outputWarned: Set<string> | undefined;
  /** the current step's first/last/min/max of V and I, kept whether or not the series is recorded */
  private readonly agg: StepAggregates = newAggregates();
  /** the step's aggregates before its last row: popLast restores them (a popped row is not the step's) */
  private readonly aggBefore: StepAggregates = newAggregates();
  /** the phases of the drive-cycle steps of this run (they depend on the run's loaded profiles) */
  private drivePhases: Map<StepAst, { phase: Phase; error?: string }> | undefined;
  /** where the step runs (block, repetition, index): set by runCycle */
  private posB = 0;
  private posR = 0;
  private posK = 0;

  // the step being run (set by runStep, read by recordStep)
  private curStep!: StepAst;
  private curPhase!: Phase;
  private curSt = 0;
  private curCyc = 0;
  private curTStart = 0;
  private curRowStart = 0;
  private curTemperature_K: number | undefined;
  private curWarnings: string[] = [];

  constructor(
    private readonly model: CellModel & CellModelExtras,
    private readonly plan: ExperimentPlan,
    private readonly opts: RunOptions,
  ) {
    const exp = plan.exp;
    this.exp = exp;
    this.solve = opts.solver ?? solveDae;
    const Qnom = model.nominalCapacity_C;
    if (!(Qnom > 0 && Number.isFinite(Qnom)))
      throw problem('model.nominalCapacity_C', 'must be > 0', String(Qnom), '> 0');
    this.Qnom = Qnom;
    const initialSoc = opts.initialSoc ?? (plan.firstActiveCharges ? 0 : 1);
    if (!(Number.isFinite(initialSoc) && initialSoc >= 0 && initialSoc <= 1))
      throw problem('initialSoc', 'must be within 0..1', String(initialSoc), '0..1');
    this.initialSoc = initialSoc;
    const y = opts.state ?? (opts.y0 ? Float64Array.from(opts.y0) : model.initialState(initialSoc));
    if (y.length !== model.n) throw new RangeError(`y0: length must be model.n = ${model.n} (got ${y.length})`);
    this.y = y;
    this.engine = opts.engine;
    this.rtol = opts.rtol ?? 1e-6;
    const maxStepDuration = opts.maxStepDuration_s;
    if (maxStepDuration !== undefined && !(maxStepDuration > 0))
      throw new RangeError(`maxStepDuration_s: must be > 0 s (got ${maxStepDuration}; allowed > 0)`);
    this.maxStepDuration = maxStepDuration;
    this.modelAmbient_K = model.ambientTemperature_K;
    this.ambientNow_K = this.modelAmbient_K ?? NaN;
    this.limits = model.voltageLimits_V;
    this.recordOutputs = opts.recordOutputs ?? true;
    this.timeLimit = plan.timeLimit;
    this.keepSeries = opts.series !== 'none';
    this.keepRecords = opts.records !== 'none';
    this.series = {
      time_s: [],
      voltage_V: [],
      current_A: [],
      charge_C: [],
      discharge_C: [],
      chargeEnergy_J: [],
      dischargeEnergy_J: [],
      soc: [],
      ambient_K: [],
      cycle: [],
      step: [],
      outputs: {},
    };
    const mass_kg = model.cathodeActiveMass_kg;
    const area_m2 = model.area_m2;
    this.result =
      mass_kg !== undefined && area_m2 !== undefined
        ? // a cell model's result in one literal (no spreads: every protocol run builds one)
          {
            model: model.name,
            status: 'completed',
            nominalCapacity_C: Qnom,
            cathodeActiveMass_kg: mass_kg,
            area_m2,
            initialSoc,
            series: this.series,
            steps: this.steps,
            cycles: this.cycles,
            finalState: [],
            warnings: this.warnings,
          }
        : // the same keys in the same order, the mass and the area where the model gives them
          {
            model: model.name,
            status: 'completed',
            nominalCapacity_C: Qnom,
            ...(mass_kg !== undefined ? { cathodeActiveMass_kg: mass_kg } : {}),
            ...(area_m2 !== undefined ? { area_m2 } : {}),
            initialSoc,
            series: this.series,
            steps: this.steps,
            cycles: this.cycles,
            finalState: [],
            warnings: this.warnings,
          };
    this.thickness = opts.recordThickness === false ? undefined : model.thickness_m?.bind(model);
    if (this.thickness) {
      const th = this.thickness(y);
      if (Number.isFinite(th)) this.result.initialThickness_m = th;
      else this.warnings.push(`model.thickness_m returned ${th} before the first cycle; Eq. 1 not evaluable`);
    }
  }

  run(): ExperimentResult {
    const { model, opts, exp, plan, result } = this;
    outer: for (let bi = 0; bi < exp.blocks.length; bi++) {
      const b = exp.blocks[bi]!;
      const steps = plan.blocks[bi]!;
      if (b.kind === 'cycles') {
        for (let r = 0; r < b.repeat; r++) if (!this.runCycle(steps, bi, r)) break outer;
      } else {
        const cap = opts.maxLoopCycles ?? 1000;
        let k = 0;
        for (;;) {
          const rec = this.runCycle(steps, bi, 0);
          if (!rec) break outer;
          k++;
          if (this.loopMet(b.until, rec)) break;
          if (this.firstCycle!.discharge_C <= 0 && b.until.kind === 'capacity_fraction') {
            this.stopped = `'repeat until ${b.text}' needs a discharge in the first cycle to compare with`;
            break outer;
          }
          if (k >= cap) {
            this.warnings.push(
              `'repeat until ${b.text}' not met after ${cap} cycles (maxLoopCycles); went on with the next block`,
            );
            break;
          }
        }
      }
    }
    if (this.failed) {
      result.status = 'failed';
      result.reason = this.failed;
    } else if (this.stopped) {
      result.status = 'stopped';
      result.reason = this.stopped;
    }
    // the model is the caller's: its own ambient temperature again
    const modelAmbient_K = this.modelAmbient_K;
    if (model.setAmbientTemperature && modelAmbient_K !== undefined && model.ambientTemperature_K !== modelAmbient_K)
      model.setAmbientTemperature(modelAmbient_K);
    if (!opts.state) result.finalState = Array.from(this.y);
    else if (this.y !== opts.state) opts.state.set(this.y);
    return result;
  }

  private atolFor(N: number, n: number): number | Float64Array {
    const a = new Float64Array(N);
    const base = this.opts.atol ?? this.model.atol ?? 1e-8;
    for (let i = 0; i < n; i++) a[i] = typeof base === 'number' ? base : (base[i] ?? 1e-8);
    const aq = Math.max(1e-9, 1e-7 * this.Qnom);
    a[n] = aq;
    a[n + 1] = aq;
    a[n + 2] = aq * 4;
    a[n + 3] = aq * 4;
    return a;
  }

  private pushRow(
    t: number,
    ym: Float64Array,
    q: ArrayLike<number>,
    cyc: number,
    st: number,
    V = this.model.voltage(ym),
    I = this.model.current(ym),
  ): void {
    const agg = this.agg;
    copyAggregates(this.aggBefore, agg);
    if (agg.count === 0) {
      agg.startV = V;
      agg.startI = I;
    }
    agg.count++;
    agg.endV = V;
    agg.endI = I;
    agg.minV = Math.min(agg.minV, V);
    agg.maxV = Math.max(agg.maxV, V);
    if (!this.keepSeries) return;
    const series = this.series;
    series.time_s.push(t);
    series.voltage_V.push(V);
    series.current_A.push(I);
    series.charge_C.push(this.qIn + q[0]!);
    series.discharge_C.push(this.qOut + q[1]!);
    series.chargeEnergy_J.push(this.eIn + q[2]!);
    series.dischargeEnergy_J.push(this.eOut + q[3]!);
    series.soc.push(this.initialSoc + (this.qIn + q[0]! - this.qOut - q[1]!) / this.Qnom);
    series.ambient_K!.push(this.ambientNow_K);
    series.cycle.push(cyc);
    series.step.push(st);
    const model = this.model;
    if (this.recordOutputs && model.outputs) {
      const o = model.outputs(ym);
      if (this.outputKeys === undefined) {
        // the columns are the keys of the first row; a later row without one repeats the last value (warned once)
        this.outputKeys = Object.keys(o).filter((k) => typeof o[k] === 'number');
        for (const k of this.outputKeys) series.outputs[k] = [];
      }
      for (const k of this.outputKeys) {
        const col = series.outputs[k]!;
        let v = o[k];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          const warned = (this.outputWarned ??= new Set<string>());
          if (!warned.has(k)) {
            this.warnings.push(
              `model output '${k}' was ${v === undefined ? 'missing' : v} at t = ${t} s; the previous value is repeated there`,
            );
            warned.add(k);
          }
          v = col.length ? col[col.length - 1]! : 0;
        }
        col.push(v);
      }
    }
  }

  /** runs one control phase from state y (model layout) on the engine or the augmented DAE; appends rows */
  private runPhase(
    ph: Phase,
    yStart: Float64Array,
    cyc: number,
    st: number,
    qBase: [number, number, number, number],
  ): PhaseOutcome {
    const engine = this.engine;
    return engine
      ? this.runEnginePhase(engine, ph, yStart, cyc, st, qBase)
      : this.runDaePhase(ph, yStart, cyc, st, qBase);
  }

  /** one phase on the engine: the state is advanced in place */
  private runEnginePhase(
    run: StepRunner,
    ph: Phase,
    yStart: Float64Array,
    cyc: number,
    st: number,
    qBase: [number, number, number, number],
  ): PhaseOutcome {
    const remaining = this.timeLimit - this.tNow;
    const own = ph.duration_s ?? this.maxStepDuration;
    const byLimit = remaining < (own ?? Infinity);
    const maxTime_s = byLimit ? remaining : own;
    if (maxTime_s !== undefined && !(maxTime_s > 0))
      return { ok: true, endReason: 'experiment time limit', t_end: 0, y: yStart, q: qBase };
    let held = engineSteps.get(ph);
    if (!held || held.maxTime_s !== maxTime_s) {
      held = { maxTime_s, es: engineStep(ph, this.Qnom, maxTime_s) };
      engineSteps.set(ph, held);
    }
    const es = held.es;
    if ('error' in es) return { ok: false, failure: es.error, y: yStart };
    const model = this.model;
    const yBefore = this.keepSeries && this.recordOutputs && model.outputs ? Float64Array.from(yStart) : yStart;
    let r: StepResult;
    try {
      r = run(yStart, es.step);
    } catch (e) {
      if (e instanceof ProblemError) throw e;
      return { ok: false, failure: `the step engine failed: ${(e as Error).message}`, y: yStart };
    }
    const q: [number, number, number, number] = [qBase[0], qBase[1], qBase[2], qBase[3]];
    if (r.charge_C >= 0) {
      q[0] += r.charge_C;
      q[2] += r.energy_J;
    } else {
      q[1] -= r.charge_C;
      q[3] -= r.energy_J;
    }
    this.pushRow(this.tNow, yBefore, qBase, cyc, st, r.startVoltage_V, r.startCurrent_A);
    this.pushRow(this.tNow + r.duration_s, yStart, q, cyc, st, r.endVoltage_V, r.endCurrent_A);
    const endReason =
      r.stoppedBy === 'time'
        ? byLimit
          ? 'experiment time limit'
          : ph.duration_s !== undefined
            ? 'duration'
            : ENGINE_TIME_CAP
        : r.duration_s === 0
          ? `already met at the start: ${es.name}`
          : es.name;
    return { ok: true, endReason, t_end: r.duration_s, y: yStart, q };
  }

  private runDaePhase(
    ph: Phase,
    yStart: Float64Array,
    cyc: number,
    st: number,
    qBase: [number, number, number, number],
  ): PhaseOutcome {
    const { model, opts, series, keepSeries, Qnom, rtol, solve, limits, initialSoc, timeLimit, maxStepDuration } = this;
    const { tNow, qIn, qOut } = this;
    const n = model.n;
    let inner: DaeProblem;
    try {
      inner = model.problem(ph.control);
    } catch (e) {
      return {
        ok: false,
        failure: `model.problem(${ph.control.mode}) refused the control: ${(e as Error).message}`,
        y: yStart,
      };
    }
    const prob = augment(model, inner, yStart);
    const N = n + 4;
    const y0 = new Float64Array(N);
    for (let i = 0; i < n; i++) y0[i] = yStart[i]!;
    if (model.consistentGuess) {
      // the model's own estimate of the algebraic unknowns under the new control (the solver polishes it)
      const g = Float64Array.from(yStart);
      try {
        model.consistentGuess(ph.control, g);
        if (g.every((v) => Number.isFinite(v))) for (let i = 0; i < n; i++) y0[i] = g[i]!;
      } catch {
        // keep yStart: the solver's own initialisation decides
      }
    }
    const atol = this.atolFor(N, n);
    const view = (ya: Float64Array): Float64Array => ya.subarray(0, n);
    const qOf = (ya: Float64Array): [number, number, number, number] => [
      qBase[0] + ya[n]!,
      qBase[1] + ya[n + 1]!,
      qBase[2] + ya[n + 2]!,
      qBase[3] + ya[n + 3]!,
    ];
    const remaining = timeLimit - tNow;
    const cap = ph.duration_s ?? Math.min(ph.defaultDuration_s, maxStepDuration ?? Infinity);
    const tEnd = Math.min(cap, remaining);
    const endByTime =
      remaining < cap ? 'experiment time limit' : ph.duration_s !== undefined ? 'duration' : DEFAULT_DURATION_END;
    if (!(tEnd > 0)) return { ok: true, endReason: 'experiment time limit', t_end: 0, y: yStart, q: qBase };

    // probe: consistent algebraic unknowns at the switch
    const tProbe = Math.min(1e-3, tEnd * 1e-3);
    const probeFrom = (p: DaeProblem, y: Float64Array, a: number | Float64Array): SolveResult =>
      solve(p, y, { t0: 0, tEnd: tProbe, rtol, atol: a, tEval: [0, tProbe], initialiseAlgebraic: true });
    let probe: SolveResult;
    try {
      probe = probeFrom(prob, y0, atol);
    } catch (e) {
      return { ok: false, failure: `solver threw at the start of the step: ${(e as Error).message}`, y: yStart };
    }
    if ((probe.status === 'failed' || probe.y.length === 0) && ph.control.mode === 'voltage') {
      // A voltage hold far from the present voltage: PyBaMM applies the set point at once and the cell
      // draws the inrush current. The consistent initialisation's Newton iteration can miss that state
      // from rest, so the set point is walked from the present voltage to the hold voltage in steps
      // (each consistent state, at t = 0, the start of the next); the step then starts from the state at
      // the hold voltage itself — the same inrush state, found by continuation.
      const walked = this.walkVoltage(ph.control, yStart, probeFrom, (atol as Float64Array).subarray(0, n));
      if (walked) {
        const yw = new Float64Array(N);
        yw.set(walked);
        try {
          probe = probeFrom(prob, yw, atol);
        } catch (e) {
          return { ok: false, failure: `solver threw at the start of the step: ${(e as Error).message}`, y: yStart };
        }
      }
    }
    if (probe.status === 'failed' || probe.y.length === 0) {
      return {
        ok: false,
        failure: `could not make the algebraic unknowns consistent at the step start: ${probe.message ?? 'solver failed'}`,
        y: yStart,
      };
    }
    const yc = Float64Array.from(probe.y[0]!);
    for (let i = n; i < N; i++) yc[i] = 0;
    const Vc = model.voltage(view(yc));
    const Ic = model.current(view(yc));
    if (!Number.isFinite(Vc) || !Number.isFinite(Ic))
      return { ok: false, failure: `non-finite voltage or current at the step start (V=${Vc}, I=${Ic})`, y: yStart };

    // events
    let dir = ph.direction;
    if (dir === 0 && Ic !== 0 && ph.control.mode !== 'rest') dir = Ic > 0 ? 1 : -1;
    const socStart = initialSoc + (qIn + qBase[0] - qOut - qBase[1]) / Qnom;
    const events: EventSpec[] = [];
    for (const term of ph.terminations) {
      const name = describeTermination(term);
      switch (term.kind) {
        case 'voltage': {
          const Vc0 = term.voltage_V;
          // '>' ends the step when V rises to the value, '<' when it falls to it; without an operator the
          // step's direction decides (a hold or rest: the side the voltage starts on)
          const side = term.operator === '>' ? 1 : term.operator === '<' ? -1 : dir !== 0 ? dir : Vc < Vc0 ? 1 : -1;
          events.push({ name, direction: -1, g: (_t, ya) => side * (Vc0 - model.voltage(view(ya))) });
          break;
        }
        case 'current':
        case 'c_rate': {
          if (term.kind === 'current' && term.operator !== undefined) {
            // PyBaMM's signed current, positive on discharge: I_PyBaMM = −I
            const lim = term.current_A;
            const g: EventSpec['g'] =
              term.operator === '>'
                ? (_t, ya) => lim + model.current(view(ya))
                : (_t, ya) => -model.current(view(ya)) - lim;
            events.push({ name, direction: -1, g });
            break;
          }
          // |I| falls to the value
          const lim = term.kind === 'current' ? term.current_A : cRateCurrent_A(Qnom, term.c_rate);
          events.push({ name, direction: -1, g: (_t, ya) => Math.abs(model.current(view(ya))) - lim });
          break;
        }
        case 'soc': {
          const target = term.soc;
          const side = dir !== 0 ? dir : socStart < target ? 1 : -1;
          events.push({
            name,
            direction: -1,
            g: (_t, ya) => side * (target - (socStart + (ya[n]! - ya[n + 1]!) / Qnom)),
          });
          break;
        }
        case 'capacity':
        case 'specific_capacity': {
          let lim: number;
          if (term.kind === 'capacity') lim = term.charge_C;
          else {
            if (model.cathodeActiveMass_kg === undefined) {
              return {
                ok: false,
                failure: `'${name}' needs the model's cathodeActiveMass_kg, which ${model.name} does not give`,
                y: yStart,
              };
            }
            lim = term.charge_C_per_kg * model.cathodeActiveMass_kg;
          }
          events.push({ name, direction: -1, g: (_t, ya) => lim - (ya[n]! + ya[n + 1]!) });
          break;
        }
        case 'power': {
          const lim = term.power_W;
          events.push({
            name,
            direction: -1,
            g: (_t, ya) => Math.abs(model.current(view(ya)) * model.voltage(view(ya))) - lim,
          });
          break;
        }
        case 'resistance': {
          // |V| − R·|I| falls through 0 when |V/I| rises to R (no division: finite at I = 0)
          const lim = term.resistance_ohm;
          events.push({
            name,
            direction: -1,
            g: (_t, ya) => lim * Math.abs(model.current(view(ya))) - Math.abs(model.voltage(view(ya))),
          });
          break;
        }
        case 'plating': {
          const pi = model.platingIndicator?.bind(model);
          if (!pi)
            return {
              ok: false,
              failure: `'${name}' needs a model with a Li plating indicator, which ${model.name} does not give`,
              y: yStart,
            };
          events.push({ name, direction: -1, g: (_t, ya) => pi(view(ya)) });
          break;
        }
      }
    }
    // the plating policy watches every charge at imposed current (a termination the recipe did not write)
    const policy = opts.plating?.action ?? 'report';
    if (
      policy !== 'report' &&
      model.platingIndicator &&
      ph.control.mode === 'current' &&
      dir === 1 &&
      !ph.terminations.some((t) => t.kind === 'plating')
    ) {
      const pi = model.platingIndicator.bind(model);
      events.push({ name: PLATING_EVENT, direction: -1, g: (_t, ya) => pi(view(ya)) });
    }
    // the model's own limits (not terminations of the step): reaching one first makes the step, and the
    // experiment, infeasible — PyBaMM's "Minimum voltage [V]" / "Maximum voltage [V]" events 1 V beyond
    // the cut-offs in experiments, and the edge of the model's valid range
    const safety = new Set<string>();
    if (limits) {
      const lo = limits.min - SAFETY_VOLTAGE_MARGIN_V;
      const hi = limits.max + SAFETY_VOLTAGE_MARGIN_V;
      events.push({ name: 'Minimum voltage [V]', direction: -1, g: (_t, ya) => model.voltage(view(ya)) - lo });
      events.push({ name: 'Maximum voltage [V]', direction: -1, g: (_t, ya) => hi - model.voltage(view(ya)) });
      safety.add('Minimum voltage [V]').add('Maximum voltage [V]');
    }
    if (model.validityMargin) {
      const vm = model.validityMargin.bind(model);
      events.push({ name: 'model validity limit', direction: -1, g: (_t, ya) => vm(view(ya)) });
      safety.add('model validity limit');
    }
    const met = events.find((e) => e.g(0, yc) <= 0);
    if (met) {
      this.pushRow(tNow, view(yc), qBase, cyc, st);
      return {
        ok: true,
        endReason: `already met at the start: ${met.name}`,
        t_end: 0,
        y: Float64Array.from(view(yc)),
        q: qBase,
        ...(safety.has(met.name) ? { infeasible: met.name } : {}),
      };
    }

    const tEval: number[] = [];
    const per = ph.period_s;
    // the limits of ./limits.ts, while running: a step that would pass them ends the experiment with
    // the reason (its length was not known before: "until …" steps, tiny periods)
    const want = per > 0 ? Math.ceil(tEnd / per) + 1 : Infinity;
    const have = keepSeries ? series.time_s.length : 0;
    if (!(tEnd <= EXPERIMENT_LIMITS.stepDuration_s) || !(have + want <= EXPERIMENT_LIMITS.seriesPoints))
      return {
        ok: false,
        failure: !(tEnd <= EXPERIMENT_LIMITS.stepDuration_s)
          ? `step too long (got ${tEnd} s; allowed <= ${toHours(EXPERIMENT_LIMITS.stepDuration_s)} h per step)`
          : `the experiment would record more than ${EXPERIMENT_LIMITS.seriesPoints} time-series points ` +
            `(got ${have} so far and ${want} more for this step at a ${per} s period; ` +
            `allowed <= ${EXPERIMENT_LIMITS.seriesPoints}: give long steps a longer period)`,
        y: yStart,
      };
    for (let k = 0; k * per < tEnd; k++) tEval.push(k * per);
    tEval.push(tEnd);
    let res: SolveResult;
    try {
      res = solve(prob, yc, {
        t0: 0,
        tEnd,
        rtol,
        atol,
        events,
        tEval,
        saveSteps: false,
        initialiseAlgebraic: true,
        ...(ph.maxStep_s !== undefined || opts.maxStep_s !== undefined
          ? { maxStep: Math.min(ph.maxStep_s ?? Infinity, opts.maxStep_s ?? Infinity) }
          : {}),
        maxSteps: 1_000_000,
      });
    } catch (e) {
      return { ok: false, failure: `solver threw: ${(e as Error).message}`, y: yStart };
    }
    // record samples (finite ones); the end point too
    let lastT = -Infinity;
    let bad: string | undefined;
    const add = (t: number, ya: Float64Array): void => {
      if (t <= lastT) return;
      const V = model.voltage(view(ya));
      const I = model.current(view(ya));
      if (!Number.isFinite(V) || !Number.isFinite(I) || !Number.isFinite(ya[n]!) || !Number.isFinite(ya[n + 1]!)) {
        bad ??= `non-finite voltage or current at t = ${t} s into the step (V=${V}, I=${I})`;
        return;
      }
      lastT = t;
      this.pushRow(tNow + t, view(ya), qOf(ya), cyc, st);
    };
    // samples strictly before the end point (a solver may return a tEval point a rounding error past an event)
    const tStop = res.tFinal - 1e-9 * Math.max(1, Math.abs(res.tFinal));
    for (let i = 0; i < res.t.length; i++) {
      if (bad) break;
      if (res.t[i]! < tStop) add(res.t[i]!, res.y[i]!);
    }
    if (res.status === 'failed') {
      return {
        ok: false,
        failure: `solver failed at t = ${res.tFinal} s into the step: ${res.message ?? 'no reason given'}`,
        y: Float64Array.from(view(res.yFinal)),
      };
    }
    if (!bad) add(res.tFinal, res.yFinal);
    if (bad) return { ok: false, failure: bad, y: yStart };
    const yEnd = Float64Array.from(view(res.yFinal));
    const endReason =
      res.status === 'event' && res.events.length > 0 ? res.events[res.events.length - 1]!.name : endByTime;
    return {
      ok: true,
      endReason,
      t_end: res.tFinal,
      y: yEnd,
      q: qOf(res.yFinal),
      ...(safety.has(endReason) ? { infeasible: endReason } : {}),
    };
  }

  /** consistent state at a voltage set point reached by continuation from the present voltage (or undefined) */
  private walkVoltage(
    control: Control,
    yStart: Float64Array,
    probeFrom: (p: DaeProblem, y: Float64Array, a: number | Float64Array) => SolveResult,
    atolInner: Float64Array,
  ): Float64Array | undefined {
    const model = this.model;
    const target = control.value;
    const V0 = model.voltage(yStart);
    if (typeof target !== 'number' || !Number.isFinite(V0)) return undefined;
    // adaptive continuation: grow the increment after a success, cut it after a failure
    let y = Float64Array.from(yStart);
    let V = V0;
    let h = (target - V0) / 4;
    for (let solves = 0; solves < 200 && V !== target; solves++) {
      const Vn = Math.abs(target - V) <= Math.abs(h) ? target : V + h;
      let r: SolveResult | undefined;
      try {
        r = probeFrom(model.problem({ mode: 'voltage', value: Vn }), y, atolInner);
      } catch {
        r = undefined;
      }
      if (r && r.status !== 'failed' && r.y.length > 0) {
        y = Float64Array.from(r.y[0]!);
        V = Vn;
        h *= 1.5;
      } else {
        h /= 4;
        if (Math.abs(h) < 1e-5) return undefined;
      }
    }
    return V === target ? y : undefined;
  }

  /** a step's phase: the plan's for a constant control (kept per model capacity), the run's for a drive cycle */
  private controlFor(sp: StepPlan): { readonly phase: Phase; readonly error?: string } {
    const step = sp.ast;
    if (step.control.mode === 'drive_cycle') {
      const map = (this.drivePhases ??= new Map());
      let hit = map.get(step);
      if (!hit) {
        hit = buildPhase(step, this.exp, this.Qnom, this.opts.driveCycles);
        map.set(step, hit);
      }
      return hit;
    }
    const held = sp.phase;
    if (held && held.Qnom === this.Qnom) return held.hit;
    const hit = buildPhase(step, this.exp, this.Qnom, undefined);
    sp.phase = { Qnom: this.Qnom, hit };
    return hit;
  }

  /** the steps after step k of repetition r of block b, in the order they run (a loop block once more) */
  private *following(b: number, r: number, k: number): Generator<StepAst> {
    const exp = this.exp;
    const blk = exp.blocks[b]!;
    yield* blk.steps.slice(k + 1);
    const reps = blk.kind === 'cycles' ? blk.repeat : r + 2;
    for (let q = r + 1; q < reps; q++) yield* blk.steps;
    for (const nb of exp.blocks.slice(b + 1)) yield* nb.steps;
  }

  /** the record of the step being run (runStep's), kept when the caller asks for records; the running totals move on */
  private recordStep(o: {
    status: 'ok' | 'failed';
    endReason: string;
    failure?: string;
    q: [number, number, number, number];
  }): StepRecord {
    const { agg, model, curStep: step, curPhase: phase } = this;
    const rowEnd = this.series.time_s.length - 1;
    const has = agg.count > 0;
    const Vy = has ? 0 : model.voltage(this.y);
    const Iy = has ? 0 : model.current(this.y);
    const temperature_K = this.curTemperature_K;
    const mode = step.cv ? 'cccv' : step.control.mode === 'drive_cycle' ? 'drive_cycle' : phase.control.mode;
    const startV = has ? agg.startV : Vy;
    const endV = has ? agg.endV : Vy;
    const startI = has ? agg.startI : Iy;
    const endI = has ? agg.endI : Iy;
    const minV = has ? agg.minV : Vy;
    const maxV = has ? agg.maxV : Vy;
    const rec: StepRecord =
      !o.failure && temperature_K === undefined
        ? // the common record in one literal (no spreads: this runs for every step of every protocol)
          {
            index: this.curSt,
            cycle: this.curCyc,
            text: step.text,
            mode,
            status: o.status,
            endReason: o.endReason,
            start_s: this.curTStart,
            end_s: this.tNow,
            charge_C: o.q[0],
            discharge_C: o.q[1],
            chargeEnergy_J: o.q[2],
            dischargeEnergy_J: o.q[3],
            startVoltage_V: startV,
            endVoltage_V: endV,
            startCurrent_A: startI,
            endCurrent_A: endI,
            minVoltage_V: minV,
            maxVoltage_V: maxV,
            rowStart: this.curRowStart,
            rowEnd,
            warnings: this.curWarnings,
          }
        : // the same keys in the same order, with the failure and the temperature where there are
          {
            index: this.curSt,
            cycle: this.curCyc,
            text: step.text,
            mode,
            status: o.status,
            endReason: o.endReason,
            ...(o.failure ? { failure: o.failure } : {}),
            start_s: this.curTStart,
            end_s: this.tNow,
            charge_C: o.q[0],
            discharge_C: o.q[1],
            chargeEnergy_J: o.q[2],
            dischargeEnergy_J: o.q[3],
            startVoltage_V: startV,
            endVoltage_V: endV,
            startCurrent_A: startI,
            endCurrent_A: endI,
            minVoltage_V: minV,
            maxVoltage_V: maxV,
            ...(temperature_K !== undefined ? { temperature_K } : {}),
            rowStart: this.curRowStart,
            rowEnd,
            warnings: this.curWarnings,
          };
    if (this.keepRecords) this.steps.push(rec);
    this.cycleMinV = Math.min(this.cycleMinV, rec.minVoltage_V);
    this.cycleMaxV = Math.max(this.cycleMaxV, rec.maxVoltage_V);
    this.qIn += o.q[0];
    this.qOut += o.q[1];
    this.eIn += o.q[2];
    this.eOut += o.q[3];
    return rec;
  }

  private runStep(sp: StepPlan, cyc: number): boolean {
    const { model, exp, opts, series, Qnom } = this;
    const step = sp.ast;
    this.stepCount++;
    const st = this.stepCount;
    const rowStart = series.time_s.length;
    const stepWarnings: string[] = [];
    const agg = this.agg;
    agg.count = 0;
    agg.minV = Infinity;
    agg.maxV = -Infinity;
    // the ambient temperature of the step: its own, else the experiment's, else the model's (PyBaMM)
    const asked_K = step.temperature_K ?? exp.temperature_K;
    let temperature_K = asked_K;
    const modelAmbient_K = this.modelAmbient_K;
    if (model.setAmbientTemperature && modelAmbient_K !== undefined) {
      const T = asked_K ?? modelAmbient_K;
      if (model.ambientTemperature_K !== T) model.setAmbientTemperature(T);
      temperature_K = T;
      this.ambientNow_K = T;
    } else if (asked_K !== undefined) {
      stepWarnings.push(
        `ambient temperature ${asked_K} K recorded but not applied: ${model.name} has no ambient-temperature input, so it ran at its own temperature`,
      );
    }
    const { phase: ownPhase, error } = this.controlFor(sp);
    let phase = ownPhase;
    // start times (PyBaMM): the step ends at the next start time at the latest
    let nextStart: number | undefined;
    let capped = false;
    const wall0 = this.plan.wall0;
    if (this.plan.usesStartTimes) {
      const it = this.following(this.posB, this.posR, this.posK);
      const first = it.next();
      nextStart = first.done ? undefined : first.value.startTime_s;
      let end = nextStart;
      if (end === undefined)
        for (const x of it)
          if (x.startTime_s !== undefined) {
            end = x.startTime_s;
            break;
          }
      if (end !== undefined) {
        const rem = Math.max(0, end - (wall0 + this.tNow));
        const own = phase.duration_s ?? Math.min(phase.defaultDuration_s, this.maxStepDuration ?? Infinity);
        if (rem < own) {
          phase = { ...phase, duration_s: rem };
          capped = true;
        }
      }
    }
    this.curStep = step;
    this.curPhase = phase;
    this.curSt = st;
    this.curCyc = cyc;
    this.curTStart = this.tNow;
    this.curRowStart = rowStart;
    this.curTemperature_K = temperature_K;
    this.curWarnings = stepWarnings;
    if (error) {
      this.recordStep({ status: 'failed', endReason: 'failed', failure: error, q: [0, 0, 0, 0] });
      this.failed = `step ${st} ("${step.text}") failed: ${error}`;
      return false;
    }
    let y = this.y;
    let out: PhaseOutcome;
    /** counters of the repeats that completed before a failure */
    let qBeforeFailure: [number, number, number, number] = [0, 0, 0, 0];
    if (
      phase.loopPeriod_s !== undefined &&
      phase.duration_s !== undefined &&
      phase.duration_s > phase.loopPeriod_s * (1 + 1e-12)
    ) {
      // a drive cycle longer than its profile: one solve per repeat, so the jump back to the profile's start is a restart
      let left = phase.duration_s;
      let qAcc: [number, number, number, number] = [0, 0, 0, 0];
      let first = true;
      for (;;) {
        if (!first) this.popLast(); // the previous repeat's end row is this repeat's first row
        first = false;
        const seg = this.runPhase({ ...phase, duration_s: Math.min(left, phase.loopPeriod_s) }, y, cyc, st, qAcc);
        out = seg;
        if (!seg.ok) {
          qBeforeFailure = qAcc;
          break;
        }
        this.y = y = seg.y;
        this.tNow += seg.t_end;
        left -= seg.t_end;
        qAcc = seg.q;
        if (seg.endReason !== 'duration' || left <= 1e-9 * phase.duration_s) break;
      }
      out = out!;
      if (out.ok) {
        this.tNow -= out.t_end; // added again below
      }
    } else out = this.runPhase(phase, y, cyc, st, [0, 0, 0, 0]);
    const pol = opts.plating;
    if (out.ok && pol?.action === 'derate' && phase.control.mode === 'current') {
      // derate: go on at a lower current each time Li starts to plate, down to the minimum C-rate
      const factor = pol.factor ?? 0.5;
      const minI = cRateCurrent_A(Qnom, pol.minCRate ?? 0.02);
      let cur = phase.control.value as number;
      let derates = 0;
      while (out.ok && out.endReason.endsWith(PLATING_EVENT)) {
        const next = cur * factor;
        if (Math.abs(next) < minI) {
          out = {
            ...out,
            endReason: `Li plating at the lowest derated current (${cRateOf(cur, Qnom).toPrecision(3)}C)`,
          };
          break;
        }
        this.y = y = out.y;
        this.tNow += out.t_end;
        if (this.agg.count > 0) this.popLast();
        cur = next;
        derates++;
        const { cRate: _ownRate, ...unrated } = phase;
        out = this.runPhase({ ...unrated, control: { mode: 'current', value: cur } }, y, cyc, st, out.q);
      }
      if (derates > 0)
        stepWarnings.push(
          `Li plating: the charge was derated ${derates}× (×${factor} each) to ${cRateOf(cur, Qnom).toPrecision(3)}C`,
        );
    }
    if (!out.ok) {
      this.recordStep({ status: 'failed', endReason: 'failed', failure: out.failure, q: qBeforeFailure });
      this.failed = `step ${st} ("${step.text}") failed: ${out.failure}`;
      return false;
    }
    this.y = y = out.y;
    this.tNow += out.t_end;
    let endReason = out.endReason;
    let q = out.q;
    let infeasible = out.infeasible ?? (out.endReason === DEFAULT_DURATION_END ? out.endReason : undefined);
    if (capped && endReason === 'duration') endReason = 'the next start time';
    const vTerm = sp.cvEnd;
    const ccReachedVoltage = vTerm !== undefined && out.endReason.endsWith(describeTermination(vTerm));
    if (step.cv && !infeasible && (ccReachedVoltage || out.endReason === 'duration')) {
      // constant-voltage phase of the CC-CV step (the CC phase has put the cell at the hold voltage)
      const cvPhase: Phase = {
        control: { mode: 'voltage', value: step.cv.voltage_V },
        direction: 0,
        duration_s: step.cv.duration_s,
        defaultDuration_s: defaultDuration_s({ mode: 'voltage', voltage_V: step.cv.voltage_V }),
        terminations: step.cv.terminations,
        period_s: phase.period_s,
      };
      // the CC phase's end row is the CV phase's first row
      if (this.agg.count > 0) this.popLast();
      const cvOut = this.runPhase(cvPhase, y, cyc, st, q);
      if (!cvOut.ok) {
        this.recordStep({ status: 'failed', endReason: 'failed', failure: `CV phase: ${cvOut.failure}`, q });
        this.failed = `step ${st} ("${step.text}") failed in its CV phase: ${cvOut.failure}`;
        return false;
      }
      this.y = y = cvOut.y;
      this.tNow += cvOut.t_end;
      q = cvOut.q;
      endReason = `${endReason} then ${cvOut.endReason}`;
      infeasible = cvOut.infeasible ?? (cvOut.endReason === DEFAULT_DURATION_END ? cvOut.endReason : undefined);
    }
    // start times (PyBaMM): a rest pads the time to the next step's start ("Rest for padding")
    if (!infeasible && nextStart !== undefined && nextStart - (wall0 + this.tNow) > 1e-9) {
      const pad: Phase = {
        control: { mode: 'rest', value: 0 },
        direction: 0,
        duration_s: nextStart - (wall0 + this.tNow),
        defaultDuration_s: hours(24),
        terminations: [],
        period_s: phase.period_s,
      };
      if (this.agg.count > 0) this.popLast();
      const po = this.runPhase(pad, y, cyc, st, q);
      if (!po.ok) {
        this.recordStep({ status: 'failed', endReason: 'failed', failure: `Rest for padding: ${po.failure}`, q });
        this.failed = `step ${st} ("${step.text}") failed in its padding rest: ${po.failure}`;
        return false;
      }
      this.y = y = po.y;
      this.tNow += po.t_end;
      q = po.q;
      endReason = `${endReason} then Rest for padding`;
    }
    const done = this.recordStep({ status: 'ok', endReason, q });
    opts.afterStep?.(y, done);
    if (infeasible) {
      // PyBaMM: a step that ends on a model event, or at its default duration, makes the experiment
      // infeasible; the data up to there are kept
      this.stopped =
        infeasible === DEFAULT_DURATION_END
          ? `experiment infeasible: step ${st} ("${step.text}") reached its default duration without meeting a termination`
          : `experiment infeasible: step ${st} ("${step.text}") reached '${infeasible}' before its terminations`;
      return false;
    }
    if (endReason.includes('experiment time limit')) {
      this.stopped = `experiment time limit ${this.timeLimit} s reached`;
      return false;
    }
    return true;
  }

  /**
   * Drops the step's last row: the next phase (or repeat) starts at the same time with a row of its own. The
   * step's aggregates go back to those of the rows before it, so its summary (start, end, min and max voltage
   * and current) is that of the rows it keeps — the dropped row can differ from the next first row: a drive
   * cycle's repeat restarts its profile's current, a derated charge its current, a CV phase holds the voltage
   * the CC phase's end reached within the event tolerance. The same whether the series is kept or not.
   */
  private popLast(): void {
    copyAggregates(this.agg, this.aggBefore);
    if (!this.keepSeries) return;
    const series = this.series;
    series.time_s.pop();
    series.voltage_V.pop();
    series.current_A.pop();
    series.charge_C.pop();
    series.discharge_C.pop();
    series.chargeEnergy_J.pop();
    series.dischargeEnergy_J.pop();
    series.soc.pop();
    series.ambient_K!.pop();
    series.cycle.pop();
    series.step.pop();
    for (const k of Object.keys(series.outputs)) series.outputs[k]!.pop();
  }

  /** a cycle's record: kept when the caller asks for records; the first one is always remembered */
  private pushCycle(rec: CycleRecord): void {
    this.firstCycle ??= rec;
    if (this.keepRecords) this.cycles.push(rec);
  }

  private runCycle(stepsOfCycle: readonly StepPlan[], b: number, r: number): CycleRecord | undefined {
    const { model, opts } = this;
    this.cycleCount++;
    const first = this.stepCount + 1;
    const q0In = this.qIn;
    const q0Out = this.qOut;
    const e0In = this.eIn;
    const e0Out = this.eOut;
    const t0 = this.tNow;
    this.cycleMinV = Infinity;
    this.cycleMaxV = -Infinity;
    let ok = true;
    for (let k = 0; k < stepsOfCycle.length; k++) {
      this.posB = b;
      this.posR = r;
      this.posK = k;
      ok = this.runStep(stepsOfCycle[k]!, this.cycleCount);
      if (!ok) break;
    }
    const rec: CycleRecord = {
      index: this.cycleCount,
      charge_C: this.qIn - q0In,
      discharge_C: this.qOut - q0Out,
      chargeEnergy_J: this.eIn - e0In,
      dischargeEnergy_J: this.eOut - e0Out,
      start_s: t0,
      end_s: this.tNow,
      // this cycle's steps' lowest and highest voltages (recordStep keeps them)
      minVoltage_V: this.cycleMinV,
      maxVoltage_V: this.cycleMaxV,
      firstStep: first,
      lastStep: this.stepCount,
    };
    if (this.failed) {
      this.pushCycle(rec);
      return undefined;
    }
    const y = this.y;
    if (opts.afterCycle) {
      try {
        opts.afterCycle(y, rec);
      } catch (e) {
        if (e instanceof ProblemError) throw e;
        this.failed = `the protocol's afterCycle after cycle ${rec.index} threw: ${(e as Error).message}`;
        this.pushCycle(rec);
        return undefined;
      }
    } else if (opts.callAfterCycle === false && model.recordCycleGeometry) {
      // ageing off: the cycle still leaves its geometry (e.g. the anode's dealloying porosity, Eq. 1)
      model.recordCycleGeometry(y, {
        index: rec.index,
        charge_C: rec.charge_C,
        discharge_C: rec.discharge_C,
        duration_s: rec.end_s - rec.start_s,
      });
    }
    if (!opts.afterCycle && model.afterCycle && opts.callAfterCycle !== false) {
      const summary: CycleSummary = {
        index: rec.index,
        charge_C: rec.charge_C,
        discharge_C: rec.discharge_C,
        duration_s: rec.end_s - rec.start_s,
      };
      try {
        model.afterCycle(y, summary);
      } catch (e) {
        this.failed = `model.afterCycle after cycle ${rec.index} threw: ${(e as Error).message}`;
        this.pushCycle(rec);
        return undefined;
      }
    }
    if (this.thickness) {
      const th = this.thickness(y);
      if (Number.isFinite(th)) rec.thickness_m = th;
      else this.warnings.push(`model.thickness_m returned ${th} after cycle ${rec.index}`);
    }
    this.pushCycle(rec);
    if (!ok) return undefined;
    // experiment stops
    const firstDis = this.firstCycle!.discharge_C;
    for (const s of this.exp.stops) {
      if (s.kind === 'capacity_fraction' && firstDis > 0 && rec.index > 1 && rec.discharge_C < s.fraction * firstDis) {
        this.stopped = `capacity ${((100 * rec.discharge_C) / firstDis).toFixed(2)} % of the first cycle's < ${toPct(s.fraction)} % after cycle ${rec.index}`;
      } else if (s.kind === 'capacity' && rec.discharge_C > 0 && rec.discharge_C < s.charge_C) {
        this.stopped = `discharge capacity ${toAh(rec.discharge_C).toPrecision(4)} Ah < ${toAh(s.charge_C)} Ah after cycle ${rec.index}`;
      } else if (s.kind === 'voltage' && rec.minVoltage_V <= s.voltage_V) {
        this.stopped = `voltage ${rec.minVoltage_V.toPrecision(4)} V ≤ ${s.voltage_V} V in cycle ${rec.index}`;
      }
      if (this.stopped) return undefined;
    }
    return rec;
  }

  private loopMet(cond: LoopCondition, rec: CycleRecord): boolean {
    if (cond.kind === 'capacity') return rec.discharge_C < cond.charge_C;
    const firstDis = this.firstCycle!.discharge_C;
    return rec.index > 1 && firstDis > 0 && rec.discharge_C < cond.fraction * firstDis;
  }
}

/** an experiment that does not parse: its parse errors as problems */
export class ExperimentParseError extends ProblemError {
  constructor(problems: readonly Problem[]) {
    super(problems);
    this.name = 'ExperimentParseError';
  }
}
