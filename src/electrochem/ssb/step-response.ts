/**
 * The SPMe/SPM as a LinearStepCell (../model.ts): over a step of length dt the model's own step response
 * gives the end state as y' = base + I·g (SsbSpme.stepResponse), and the terminal voltage at any trial
 * current is the model's own voltageAt(surface states, I). The cycler's fast stepper drives the
 * solid-state single-particle models through it, and the battery pack (src/battery/pack.ts) each of its cells.
 */
import type { CellModel, LinearStepCell } from '../model.ts';
import { SsbSpme } from './spme.ts';

export class SpmeLinearStep implements LinearStepCell {
  private readonly m: SsbSpme;
  /** the state after the prepared step at zero current, and its response to 1 A */
  private readonly base: Float64Array;
  private readonly g: Float64Array;
  private readonly work: Float64Array;
  private readonly ic: number;
  private readonly ia: number;
  private readonly iQ: number;
  private readonly iI: number;
  V = 0;
  dVdI = 0;

  /**
   * `work`: stepResponse's scratch (≥ 6·n numbers); cells stepped one after another (a pack's) may share
   * one, which keeps it in cache
   */
  constructor(model: SsbSpme, work?: Float64Array) {
    this.m = model;
    this.base = new Float64Array(model.n);
    this.g = new Float64Array(model.n);
    this.work = work ?? new Float64Array(6 * model.n);
    this.ic = model.nr - 1;
    this.ia = model.offA;
    this.iQ = model.iQ;
    this.iI = model.iI;
  }

  prepare(y: Float64Array, dt: number): void {
    this.m.stepResponse(y, dt, this.base, this.g, this.work);
  }

  evaluate(I: number): void {
    const b = this.base;
    const g = this.g;
    const ic = this.ic;
    const ia = this.ia;
    const m = this.m;
    const c = b[ic]! + I * g[ic]!;
    const x = b[ia]! + I * g[ia]!;
    m.voltageAt(c, x, I, m.stepSide_A_m2);
    this.V = m.vV;
    this.dVdI = m.vDc * g[ic]! + m.vDx * g[ia]! + m.vDI;
    // the linearisation in the voltage function's own inputs, for linearAt
    this.eC = c;
    this.eX = x;
    this.eI = I;
    this.eV = m.vV;
    this.eDc = m.vDc;
    this.eDx = m.vDx;
    this.eDI = m.vDI;
  }

  /**
   * The last evaluation's linearisation in the voltage function's inputs (surface states c, x and the
   * current: V ≈ V_e + ∂V/∂c·(c − c_e) + ∂V/∂x·(x − x_e) + ∂V/∂I·(I − I_e)), carried to the prepared step
   * (c = base + I·g there): V and dVdI at current I without evaluating the model — a predictor, exact to
   * first order in the change of state and current since that evaluation. NaN before any evaluation.
   */
  linearAt(I: number): void {
    const b = this.base;
    const g = this.g;
    const ic = this.ic;
    const ia = this.ia;
    this.V =
      this.eV +
      this.eDc * (b[ic]! + I * g[ic]! - this.eC) +
      this.eDx * (b[ia]! + I * g[ia]! - this.eX) +
      this.eDI * (I - this.eI);
    this.dVdI = this.eDc * g[ic]! + this.eDx * g[ia]! + this.eDI;
  }
  /** the current of the last evaluation (A; NaN before any) */
  get evaluatedAt(): number {
    return this.eI;
  }
  private eC = NaN;
  private eX = NaN;
  private eI = NaN;
  private eV = NaN;
  private eDc = NaN;
  private eDx = NaN;
  private eDI = NaN;

  commit(y: Float64Array, I: number): void {
    const b = this.base;
    const g = this.g;
    const n = this.iI;
    for (let k = 0; k < n; k++) y[k] = b[k]! + I * g[k]!;
    y[n] = I;
  }

  // the LinearStepSystem's names (src/numerics/linear-step.ts): the output is the terminal voltage
  get output(): number {
    return this.V;
  }
  get dOutput(): number {
    return this.dVdI;
  }
  instantOutput(y: Float64Array, I: number): number {
    return this.instantVoltage(y, I);
  }

  instantVoltage(y: Float64Array, I: number): number {
    const m = this.m;
    const cl = y[this.ic]!;
    return m.voltageFrom(cl, y[this.ia]!, I, m.sideCurrent(cl, y[this.iQ]!).i).V;
  }
}

/** the model's LinearStepCell, if it has one (the solid-state SPMe and SPM) */
export function linearStepCell(model: CellModel): LinearStepCell | undefined {
  return model instanceof SsbSpme ? new SpmeLinearStep(model) : undefined;
}
