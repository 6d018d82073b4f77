/**
 * One pack cell as a stepper with the prepare / voltageAt / commit capability the pack needs (and a
 * cycler can drive): over a step of length dt the model's own step response gives the end state as
 *     y' = base + I·g
 * (SsbSpme.stepResponse: the particle and anode equations for a current known up to the scalar I), and
 * the terminal voltage at any trial current is the model's own voltageFrom(surface states, I). The pack
 * prepares every cell once per step, evaluates voltages at trial currents while it solves Kirchhoff's
 * laws, and commits the accepted current.
 */
import type { SsbSpme } from '../electrochem/ssb/spme.ts';

export class CellStepper {
  readonly m: SsbSpme;
  /** the state after the prepared step at zero current, and its response to 1 A */
  readonly base: Float64Array;
  readonly g: Float64Array;
  private readonly work: Float64Array;
  private readonly ic: number;
  private readonly ia: number;
  private readonly iI: number;

  constructor(model: SsbSpme, work?: Float64Array) {
    this.m = model;
    this.base = new Float64Array(model.n);
    this.g = new Float64Array(model.n);
    this.work = work ?? new Float64Array(8 * model.n);
    this.ic = model.nr - 1;
    this.ia = model.offA;
    this.iI = model.iI;
  }

  /** prepare a step of length dt from state y: base and g */
  prepare(y: Float64Array, dt: number): void {
    this.m.stepResponse(y, dt, this.base, this.g, this.work);
  }

  /** terminal voltage after the prepared step at cell current I (A), and dV/dI (Ω) */
  voltageAt(I: number): { V: number; dVdI: number } {
    this.evaluate(I);
    return { V: this.V, dVdI: this.dVdI };
  }
  /** voltageAt into the fields V and dVdI (the pack's hot path: no allocation) */
  evaluate(I: number): void {
    const b = this.base;
    const g = this.g;
    const ic = this.ic;
    const ia = this.ia;
    const m = this.m;
    m.voltageAt(b[ic]! + I * g[ic]!, b[ia]! + I * g[ia]!, I, m.stepSide_A_m2);
    this.V = m.vV;
    this.dVdI = m.vDc * g[ic]! + m.vDx * g[ia]! + m.vDI;
  }
  /** evaluate's results: terminal voltage (V) and dV/dI (Ω) */
  V = 0;
  dVdI = 0;

  /** write the end state of the prepared step at current I into y */
  commit(y: Float64Array, I: number): void {
    const b = this.base;
    const g = this.g;
    const n = this.m.n;
    for (let i = 0; i < n; i++) y[i] = b[i]! + I * g[i]!;
    y[this.iI] = I;
  }
}
