/**
 * The linear-step engine: time stepping of a system whose backward-Euler step is linear in one scalar
 * input u — the end state of a step of length h from y is base + u·g, and one scalar output (with its
 * derivative in u) is a function of that end state and u. The cycler's SPMe/SPM (LinearStepCell,
 * src/electrochem/model.ts: u the current, the output the terminal voltage) is driven through it.
 *
 * The system supplies its step operator (LinearStepSystem: prepare a step, evaluate the output at a trial
 * input, commit an input); this engine owns the time loop, the step lengths (h₀, then ×growth after each
 * step, capped at hMax, the last step cut to tEnd) and the location of a stop that falls inside a step
 * (locateCrossing: false position on the step's length). Two controls:
 *  - `runInput`: a fixed input (a CC step, a rest at u = 0) until tEnd, or until the output reaches a
 *    cut-off (`event`);
 *  - `runOutput`: the output held at a target (a CV hold) — at every step the input that holds it, by
 *    Newton on u — until tEnd, or until |u| falls to `uStop`.
 * Each returns why it stopped (diffsol's OdeSolverStopReason: a root found, or the end time reached), the
 * time taken, ∫u dt and ∫u·output dt (trapezoidal over the steps), and the input and output at both ends.
 */
import { locateCrossing, type CrossingOptions } from './crossing.ts';

/** a system whose step from a state is linear in one scalar input (see the file's comment) */
export interface LinearStepSystem {
  /** prepare a step of length h from state y (y is not changed) */
  prepare(y: Float64Array, h: number): void;
  /** the output at the end of the prepared step at input u into `output`, and d output/du into `dOutput` */
  evaluate(u: number): void;
  readonly output: number;
  readonly dOutput: number;
  /** write the end state of the prepared step at input u into y */
  commit(y: Float64Array, u: number): void;
  /** the output of state y with the input u applied at once (the same state, no step) */
  instantOutput(y: Float64Array, u: number): number;
}

/** the step lengths: h0 first, then each step's length times `growth` (default 1), at most hMax */
export interface LinearStepTimes {
  readonly tEnd: number;
  readonly h0: number;
  readonly growth?: number;
  readonly hMax?: number;
}

/** a cut-off of the output under a fixed input: reached when direction·(output − target) ≥ 0 */
export interface OutputCutoff {
  readonly target: number;
  readonly direction: 1 | -1;
  /** located to |output − target| < vtol, or to a bracket on the step length narrower than xtol */
  readonly vtol: number;
  readonly xtol: number;
}

/** the end of a held output: reached when |u| ≤ uStop */
export interface InputStop {
  readonly uStop: number;
  /** located to ||u| − uStop| < vtol, or to a bracket on the step length narrower than xtol */
  readonly vtol: number;
  readonly xtol: number;
}

export interface LinearStepRun {
  /** `event`: the cut-off (runInput) or the end input (runOutput) was reached; `tEnd`: the time ran out */
  readonly stop: 'event' | 'tEnd';
  /** time taken */
  readonly t: number;
  /** ∫u dt and ∫u·output dt over the run */
  readonly inputIntegral: number;
  readonly workIntegral: number;
  /** input and output just after the switch to the control (same state) and at the end */
  readonly inputStart: number;
  readonly outputStart: number;
  readonly inputEnd: number;
  /** NaN where the output was not evaluated: runInput at u = 0 without a cut-off */
  readonly outputEnd: number;
}

/**
 * Newton's stop on the input of a held output: |Δu| ≤ 1e-12·max(U_FLOOR, |u|), at most 40 updates. U_FLOOR
 * is the input's absolute scale below which a relative test is meaningless (assumption: 1e-6 of the input's
 * unit, e.g. 1 µA for a cell's current; the update converges quadratically, so any floor in 1e-9–1e-3 gives
 * the same input to rounding).
 */
const NEWTON_RTOL = 1e-12;
const U_FLOOR = 1e-6;
const NEWTON_MAX = 40;
/** the vanishing step on which runOutput solves the input just after the switch (same state) */
const SWITCH_STEP = 1e-9;

/**
 * The engine on one system. The crossing searches' value and side functions are built once per engine;
 * the step they work on is in the fields below (closures built per run would capture the hot loops'
 * variables, which V8 then keeps in a heap context, and each would be built anew per step).
 */
export class LinearStepEngine {
  private readonly sys: LinearStepSystem;
  constructor(sys: LinearStepSystem) {
    this.sys = sys;
  }

  /** the state, input, direction, cut-off, held output and end input of the step being located */
  private atY: Float64Array = new Float64Array(0);
  private atU = 0;
  private atSgn = 0;
  private atCut = 0;
  private atHold = 0;
  private atUEnd = 0;
  /** a fixed input: the output after a step of length hc */
  private readonly inputValue = (hc: number): number => {
    this.sys.prepare(this.atY, hc);
    this.sys.evaluate(this.atU);
    return this.sys.output;
  };
  private readonly inputCrossing: { reached: CrossingOptions['reached']; vtol: number; xtol: number } = {
    reached: (v) => this.atSgn * (v - this.atCut) >= 0,
    vtol: 0,
    xtol: 0,
  };
  /** a held output: |u| after a step of length hc (atU follows the trials: Newton starts from the last one) */
  private readonly outputValue = (hc: number): number => {
    this.sys.prepare(this.atY, hc);
    this.atU = this.inputFor(this.atHold, this.atU);
    return Math.abs(this.atU);
  };
  private readonly outputCrossing = { reached: (u: number): boolean => u <= this.atUEnd, vtol: 0, xtol: 0 };

  /** the input that gives the output `target` after the prepared step (Newton from u0) */
  inputFor(target: number, u0: number): number {
    const sys = this.sys;
    let u = u0;
    for (let it = 0; it < NEWTON_MAX; it++) {
      sys.evaluate(u);
      const du = (sys.output - target) / sys.dOutput;
      u -= du;
      if (Math.abs(du) <= NEWTON_RTOL * Math.max(U_FLOOR, Math.abs(u))) break;
    }
    return u;
  }

  /**
   * Fixed input u from state y (updated in place) until times.tEnd, or until the output reaches the
   * cut-off (checked at every step's end, located inside the step where it falls there; an output already
   * at the cut-off when the input is switched on stops at once, t = 0). ∫u·output dt is trapezoidal on
   * the outputs at the steps' ends, from the output just after the switch.
   */
  runInput(y: Float64Array, u: number, times: LinearStepTimes, cutoff?: OutputCutoff): LinearStepRun {
    const v0 = this.sys.instantOutput(y, u);
    // the output is needed for the cut-off, or for ∫u·output dt where u ≠ 0
    if (cutoff === undefined && u === 0) return this.relax(y, times, v0);
    const sgn = cutoff?.direction ?? 0;
    const cut = cutoff?.target ?? NaN;
    if (cutoff && sgn * (v0 - cut) >= 0) return runResult('event', 0, 0, 0, u, v0, u, v0);
    return this.driven(y, u, times, v0, sgn, cut, cutoff);
  }

  /** runInput's loop at an input that is on or has a cut-off (one small method: V8 optimises the hot loop well) */
  private driven(
    y: Float64Array,
    u: number,
    times: LinearStepTimes,
    v0: number,
    sgn: number,
    cut: number,
    cutoff: OutputCutoff | undefined,
  ): LinearStepRun {
    const sys = this.sys;
    const tEnd = times.tEnd;
    const growth = times.growth ?? 1;
    const hMax = times.hMax ?? Infinity;
    let t = 0;
    let q = 0;
    let E = 0;
    let vPrev = v0;
    let dt = times.h0;
    while (t < tEnd) {
      let h = Math.min(dt, tEnd - t);
      sys.prepare(y, h);
      sys.evaluate(u);
      let v = sys.output;
      let stopped = false;
      if (sgn * (v - cut) >= 0) {
        // the cut-off inside the step (false position on h; the system is left prepared at it)
        const at = this.locateCut(y, u, sgn, cut, cutoff!, vPrev, h, v);
        h = at.x;
        v = at.v;
        stopped = true;
      }
      sys.commit(y, u);
      t += h;
      q += u * h;
      E += 0.5 * (v + vPrev) * u * h;
      vPrev = v;
      if (stopped) return runResult('event', t, q, E, u, v0, u, v);
      dt = Math.min(dt * growth, hMax);
    }
    return runResult('tEnd', t, q, E, u, v0, u, vPrev);
  }

  private locateCut(
    y: Float64Array,
    u: number,
    sgn: number,
    cut: number,
    cutoff: OutputCutoff,
    vPrev: number,
    h: number,
    v: number,
  ): { x: number; v: number } {
    this.atY = y;
    this.atU = u;
    this.atSgn = sgn;
    this.atCut = cut;
    this.inputCrossing.vtol = cutoff.vtol;
    this.inputCrossing.xtol = cutoff.xtol;
    return locateCrossing(this.inputValue, cut, 0, vPrev, h, v, this.inputCrossing);
  }

  /** runInput at u = 0 without a cut-off: the steps only (the integrals are 0; the output is not evaluated) */
  private relax(y: Float64Array, times: LinearStepTimes, v0: number): LinearStepRun {
    const sys = this.sys;
    const tEnd = times.tEnd;
    const growth = times.growth ?? 1;
    const hMax = times.hMax ?? Infinity;
    let t = 0;
    let dt = times.h0;
    while (t < tEnd) {
      const h = Math.min(dt, tEnd - t);
      sys.prepare(y, h);
      sys.commit(y, 0);
      t += h;
      dt = Math.min(dt * growth, hMax);
    }
    return runResult('tEnd', t, 0, 0, 0, v0, 0, NaN);
  }

  /**
   * The output held at `target` from state y (updated in place) until times.tEnd, or until |u| falls to
   * `stop.uStop` (located inside the step where it falls there; the input decays monotonically in a hold).
   * `uGuess` is Newton's start (e.g. the input before the switch); the input just after the switch is
   * solved on a vanishing step. ∫u dt is trapezoidal on the inputs at the steps' ends from uGuess.
   */
  runOutput(y: Float64Array, target: number, uGuess: number, stop: InputStop, times: LinearStepTimes): LinearStepRun {
    const sys = this.sys;
    const tEnd = times.tEnd;
    const growth = times.growth ?? 1;
    const hMax = times.hMax ?? Infinity;
    let t = 0;
    let q = 0;
    let E = 0;
    let h = times.h0;
    let uPrev = uGuess;
    sys.prepare(y, SWITCH_STEP);
    const u0 = this.inputFor(target, uPrev);
    const uEnd = Math.abs(stop.uStop);
    while (t < tEnd) {
      const hh = Math.min(h, tEnd - t);
      sys.prepare(y, hh);
      let u = this.inputFor(target, uPrev);
      if (Math.abs(u) <= uEnd) {
        // the end time inside the step (the system is left prepared at it, and atU is the input there)
        this.atY = y;
        this.atU = u;
        this.atHold = target;
        this.atUEnd = uEnd;
        this.outputCrossing.vtol = stop.vtol;
        this.outputCrossing.xtol = stop.xtol;
        const hUsed = locateCrossing(
          this.outputValue,
          uEnd,
          0,
          Math.abs(uPrev),
          hh,
          Math.abs(u),
          this.outputCrossing,
        ).x;
        u = this.atU;
        sys.commit(y, u);
        t += hUsed;
        q += 0.5 * (u + uPrev) * hUsed;
        E += target * 0.5 * (u + uPrev) * hUsed;
        return runResult('event', t, q, E, u0, target, u, target);
      }
      sys.commit(y, u);
      t += hh;
      q += 0.5 * (u + uPrev) * hh;
      E += target * 0.5 * (u + uPrev) * hh;
      uPrev = u;
      h = Math.min(h * growth, hMax);
    }
    return runResult('tEnd', t, q, E, u0, target, uPrev, target);
  }
}

function runResult(
  stop: LinearStepRun['stop'],
  t: number,
  inputIntegral: number,
  workIntegral: number,
  inputStart: number,
  outputStart: number,
  inputEnd: number,
  outputEnd: number,
): LinearStepRun {
  return { stop, t, inputIntegral, workIntegral, inputStart, outputStart, inputEnd, outputEnd };
}
