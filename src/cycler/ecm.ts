/**
 * Equivalent-circuit cell model (Thevenin, one RC pair) implementing `CellModel`:
 *
 *   V = OCV(SOC) + v₁ + R₀·I              (I positive on charge)
 *   dSOC/dt = I / Q                        (Q: nominal capacity, C)
 *   dv₁/dt  = (R₁·I − v₁) / τ₁             (τ₁ = R₁·C₁; R₁ = 0 turns the RC pair off)
 *   0 = g(I, V, t)                         (the control: I − I*(t), V − V*(t), I·V − P*(t), V + I·R*(t), I)
 *
 * The terminal current is an algebraic unknown, so every control mode is the same DAE with one different
 * algebraic row (Plett, "Battery Management Systems Vol. 1", Artech House 2015, ch. 2; the Thevenin model).
 * OCV(SOC) is a user-supplied table, linearly interpolated and linearly extrapolated beyond its ends
 * (the model is not limited to 0 ≤ SOC ≤ 1; the cycler's terminations keep it in range).
 * No lithium bookkeeping exists in an ECM: `lithiumInventory_mol` reports the stored charge
 * SOC·Q/F as moles of electrons (F from materials/constants.ts).
 */
import type { CellModel, CellModelExtras, Control } from '../electrochem/model.ts';
import type { DaeProblem, JacobianSink } from '../numerics/types.ts';
import { findInterval } from '../numerics/interp.ts';
import { F } from '../materials/constants.ts';
import { problem } from '../problems.ts';
import { cRateCurrent_A } from '../units/index.ts';

export interface EcmParams {
  readonly name?: string;
  /** nominal capacity, C (coulomb) */
  readonly capacity_C: number;
  /** OCV table: SOC points (strictly increasing) and voltages (V) */
  readonly ocvSoc: readonly number[];
  readonly ocvV: readonly number[];
  /** series resistance, Ω */
  readonly R0_ohm: number;
  /** RC-pair resistance, Ω (0: no RC pair) */
  readonly R1_ohm: number;
  /** RC-pair time constant R₁C₁, s (> 0) */
  readonly tau1_s: number;
  readonly cathodeActiveMass_kg?: number;
  readonly area_m2?: number;
}

const finite = (x: number): boolean => Number.isFinite(x);

function check(p: EcmParams): void {
  const bad = (field: string, got: unknown, allowed: string): never => {
    throw problem(`ecm.${field}`, 'invalid', String(JSON.stringify(got)), String(allowed));
  };
  if (!(p.capacity_C > 0 && finite(p.capacity_C))) bad('capacity_C', p.capacity_C, '> 0');
  if (!(p.R0_ohm >= 0 && finite(p.R0_ohm))) bad('R0_ohm', p.R0_ohm, '≥ 0');
  if (!(p.R1_ohm >= 0 && finite(p.R1_ohm))) bad('R1_ohm', p.R1_ohm, '≥ 0');
  if (!(p.tau1_s > 0 && finite(p.tau1_s))) bad('tau1_s', p.tau1_s, '> 0');
  if (p.ocvSoc.length < 2 || p.ocvSoc.length !== p.ocvV.length)
    bad('ocvSoc', p.ocvSoc.length, `≥ 2 points, as many as ocvV (${p.ocvV.length})`);
  for (let i = 0; i < p.ocvSoc.length; i++) {
    if (!finite(p.ocvSoc[i]!)) bad(`ocvSoc.${i}`, p.ocvSoc[i], 'finite');
    if (!finite(p.ocvV[i]!)) bad(`ocvV.${i}`, p.ocvV[i], 'finite');
    if (i > 0 && !(p.ocvSoc[i]! > p.ocvSoc[i - 1]!))
      bad(`ocvSoc.${i}`, p.ocvSoc[i], `> ocvSoc.${i - 1} (${p.ocvSoc[i - 1]}); strictly increasing`);
  }
  if (p.cathodeActiveMass_kg !== undefined && !(p.cathodeActiveMass_kg > 0))
    bad('cathodeActiveMass_kg', p.cathodeActiveMass_kg, '> 0');
  if (p.area_m2 !== undefined && !(p.area_m2 > 0)) bad('area_m2', p.area_m2, '> 0');
}

export class EcmModel implements CellModel, CellModelExtras {
  readonly name: string;
  readonly n = 3;
  readonly atol: Float64Array;
  readonly cathodeActiveMass_kg?: number;
  readonly area_m2?: number;
  /** mutable so that ageing hooks (afterCycle) of subclasses can change the capacity */
  capacity_C: number;
  readonly params: EcmParams;

  constructor(p: EcmParams) {
    check(p);
    this.params = p;
    this.name = p.name ?? 'ecm-1rc';
    this.capacity_C = p.capacity_C;
    if (p.cathodeActiveMass_kg !== undefined) this.cathodeActiveMass_kg = p.cathodeActiveMass_kg;
    if (p.area_m2 !== undefined) this.area_m2 = p.area_m2;
    const Inom = cRateCurrent_A(p.capacity_C);
    this.atol = Float64Array.from([1e-9, 1e-8, 1e-9 * Math.max(Inom, 1e-6)]);
  }

  get nominalCapacity_C(): number {
    return this.params.capacity_C;
  }

  /** OCV (V) and dOCV/dSOC (V) at soc */
  ocv(soc: number): { V: number; dV: number } {
    const xs = this.params.ocvSoc;
    const vs = this.params.ocvV;
    const k = findInterval(xs, soc);
    const dV = (vs[k + 1]! - vs[k]!) / (xs[k + 1]! - xs[k]!);
    return { V: vs[k]! + dV * (soc - xs[k]!), dV };
  }

  initialState(soc: number): Float64Array {
    if (!finite(soc)) throw problem('ecm.initialState.soc', 'must be finite', String(soc), '0..1');
    return Float64Array.from([soc, 0, 0]);
  }
  voltage(y: Float64Array): number {
    return this.ocv(y[0]!).V + y[1]! + this.params.R0_ohm * y[2]!;
  }
  current(y: Float64Array): number {
    return y[2]!;
  }
  lithiumInventory_mol(y: Float64Array): number {
    return (y[0]! * this.capacity_C) / F;
  }
  outputs(y: Float64Array): Record<string, number> {
    return { soc: y[0]!, ocv_V: this.ocv(y[0]!).V, rc_overpotential_V: y[1]! };
  }

  problem(control: Control): DaeProblem {
    const { R0_ohm: R0, R1_ohm: R1, tau1_s: tau } = this.params;
    const Q = this.capacity_C;
    const value = control.value;
    const sp = typeof value === 'number' ? (): number => value : value;
    if (typeof value === 'number' && !finite(value))
      throw new RangeError(`control.value: must be finite (got ${value})`);
    if (control.mode === 'resistance' && typeof value === 'number' && !(value > 0)) {
      throw problem('control.value', 'a resistance must be > 0 Ω', String(value), '> 0');
    }
    const mode = control.mode;
    const self = this;
    return {
      n: 3,
      massDiag: Float64Array.from([1, 1, 0]),
      structure: { kind: 'dense' },
      f(t: number, y: Float64Array, out: Float64Array): void {
        const I = y[2]!;
        out[0] = I / Q;
        out[1] = (R1 * I - y[1]!) / tau;
        const V = self.ocv(y[0]!).V + y[1]! + R0 * I;
        switch (mode) {
          case 'current':
            out[2] = I - sp(t);
            break;
          case 'voltage':
            out[2] = V - sp(t);
            break;
          case 'power':
            out[2] = I * V - sp(t);
            break;
          case 'resistance':
            out[2] = V + I * sp(t);
            break;
          case 'rest':
            out[2] = I;
            break;
        }
      },
      jacobian(t: number, y: Float64Array, sink: JacobianSink): void {
        const I = y[2]!;
        const o = self.ocv(y[0]!);
        const V = o.V + y[1]! + R0 * I;
        sink.add(0, 2, 1 / Q);
        sink.add(1, 1, -1 / tau);
        sink.add(1, 2, R1 / tau);
        switch (mode) {
          case 'current':
          case 'rest':
            sink.add(2, 2, 1);
            break;
          case 'voltage':
            sink.add(2, 0, o.dV);
            sink.add(2, 1, 1);
            sink.add(2, 2, R0);
            break;
          case 'power':
            sink.add(2, 0, I * o.dV);
            sink.add(2, 1, I);
            sink.add(2, 2, V + I * R0);
            break;
          case 'resistance': {
            const R = sp(t);
            sink.add(2, 0, o.dV);
            sink.add(2, 1, 1);
            sink.add(2, 2, R0 + R);
            break;
          }
        }
      },
    };
  }
}
