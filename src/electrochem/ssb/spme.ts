/**
 * Single-particle models of the all-solid-state cell (same parameters and state conventions as the
 * P2D in p2d.ts): one representative cathode particle (spherical finite volumes), the Li–Al anode's
 * 1-D diffusion, Butler–Volmer + interphase resistance at both interfaces, terminal current algebraic.
 *
 *  - SPM: no ohmic losses in the solid electrolyte or the electronic network (κ, σ → ∞); only the
 *    lumped collector/contact resistance.
 *  - SPMe: SPM + leading-order ohmic correction of the composite (uniform reaction distribution:
 *    ΔV = i·L_c/3·(1/κ_eff + 1/σ_eff)) and of the separator (i·L_s/κ_sep). With transference number 1
 *    there is no electrolyte concentration, so this is the whole "electrolyte" correction.
 *
 * Validity (see `validity`): the reaction must be nearly uniform through the composite cathode, i.e.
 *   ν² = a·L_c²·(1/κ_eff + 1/σ_eff) / (R_int + RT/(F·j0)) ≲ 1
 * (ratio of transport to interfacial resistance, Newman & Tobias, J. Electrochem. Soc. 109 (1962) 1183),
 * and the particle-diffusion time must not vary through the electrode; in practice ≤ 0.5C for the seed's
 * cell (tested against the P2D in test/electrochem-ssb). The SPM additionally neglects the ohmic drop,
 * so its voltage error grows like i·(L_c/3κ + L_s/κ_sep).
 */
import { F } from '../../materials/constants.ts';
import type { DaeProblem, JacobianSink } from '../../numerics/types.ts';
import type { Control, CycleSummary, FullCellModel } from '../model.ts';
import { applyAgeing } from './ageing.ts';
import { CellCore, bvEta, cathodeJ0 } from './common.ts';
import { controlValue } from './p2d.ts';
import type { SsbCellParams } from './params.ts';
import { problem } from '../../problems.ts';

export interface SpmeOptions {
  readonly nr?: number;
  readonly na?: number;
}

export interface Validity {
  /** Newman's ν² at the reference state; the SPMe needs ν² ≲ 1 */
  readonly nu2: number;
  /** highest C-rate at which the model is claimed to match the P2D (capacity within 2 %, voltage within 20 mV) */
  readonly maxCRate: number;
  readonly note: string;
}

export class SsbSpme implements FullCellModel {
  readonly name: string;
  readonly variant: 'spme' | 'spm';
  readonly core: CellCore;
  readonly nr: number;
  readonly na: number;
  readonly n: number;
  readonly atol: Float64Array;
  readonly iI: number;
  readonly offA: number;
  private readonly faceA: Float64Array;
  private readonly shellV: Float64Array;
  private readonly dr: number;

  constructor(params: SsbCellParams, opts: SpmeOptions = {}, variant: 'spme' | 'spm' = 'spme') {
    this.variant = variant;
    this.name = `ssb-${variant}`;
    this.core = new CellCore(params);
    this.nr = opts.nr ?? 10;
    this.na = opts.na ?? 10;
    for (const [k, v] of [
      ['nr', this.nr],
      ['na', this.na],
    ] as const) {
      if (!(Number.isInteger(v) && v >= 2))
        throw problem(`${variant}.${k}`, 'must be an integer ≥ 2', String(v), '2, 3, …');
    }
    this.offA = this.nr;
    this.iI = this.nr + this.na;
    this.n = this.iI + 1;
    const R = params.cathode.particleRadius_m;
    this.dr = R / this.nr;
    this.faceA = new Float64Array(this.nr + 1);
    this.shellV = new Float64Array(this.nr);
    for (let i = 0; i <= this.nr; i++) this.faceA[i] = (i * this.dr) ** 2;
    for (let i = 0; i < this.nr; i++) this.shellV[i] = (((i + 1) * this.dr) ** 3 - (i * this.dr) ** 3) / 3;
    this.atol = new Float64Array(this.n);
    for (let i = 0; i < this.nr; i++) this.atol[i] = 1e-7 * params.cathode.cMax_mol_m3;
    for (let m = 0; m < this.na; m++) this.atol[this.offA + m] = 1e-9;
    this.atol[this.iI] = 1e-9 * Math.max(1e-3, this.core.nominalCapacity_C / 3600);
  }

  get validity(): Validity {
    const d = this.core.d;
    const c = this.core.p.cathode;
    const rct = d.Rc + (8.314462618 * this.core.T) / (F * d.j0c);
    const nu2 = (d.aCath * c.thickness_m ** 2 * (1 / d.kappaEff + 1 / d.sigmaEff)) / rct;
    return {
      nu2,
      maxCRate: this.variant === 'spme' ? 0.5 : 0.2,
      note:
        this.variant === 'spme'
          ? 'uniform reaction through the composite (ν² ≲ 1), particle diffusion uniform in x; ohmic SE/electronic drop at leading order'
          : 'as SPMe and additionally negligible ohmic drop in the SE network and separator (i·(L_c/3κ + L_s/κ_sep) ≪ RT/F)',
    };
  }

  get nominalCapacity_C(): number {
    return this.core.nominalCapacity_C;
  }
  get cathodeActiveMass_kg(): number {
    return this.core.cathodeActiveMass_kg;
  }
  get area_m2(): number {
    return this.core.p.area_m2;
  }

  /** ohmic resistance (Ω m²) */
  rOhm(): number {
    const d = this.core.d;
    const p = this.core.p;
    if (this.variant === 'spm') return d.Rcc;
    return (
      (p.cathode.thickness_m / 3) * (1 / d.kappaEff + 1 / d.sigmaEff) + p.separator.thickness_m / d.kappaSep + d.Rcc
    );
  }
  /** reaction area per geometric area (m² m⁻²) */
  areaRatio(): number {
    return this.core.d.aCath * this.core.ageing.activeScale * this.core.p.cathode.thickness_m;
  }
  fc(): number {
    const c = this.core.p.cathode;
    return (this.core.d.aCath * c.particleRadius_m) / (3 * c.activeFraction);
  }

  /** terminal voltage from the particle's last shell, the anode's first volume and the current (A) */
  voltageFrom(cLast: number, x0: number, I: number): { V: number; dc: number; dx: number; dI: number } {
    const core = this.core;
    const d = core.d;
    const p = core.p;
    const A = p.area_m2;
    const i = I / A;
    const ar = this.areaRatio();
    const j = i / ar;
    const fc = this.fc();
    const cmax = p.cathode.cMax_mol_m3;
    const dcs_dj = -(0.5 * this.dr * fc) / (F * d.Ds);
    const ys = (cLast + dcs_dj * j) / cmax;
    const j0 = cathodeJ0(d.j0c, ys);
    const bvc = bvEta(j, j0.j0, core.T);
    const dUc = core.ocpC.dUdy(ys) + bvc.dj0 * j0.d;
    const fa = d.fAnode;
    const ja = -i / fa;
    const La = p.anode.thickness_m;
    const kx = La / this.na / (2 * d.Da * (p.anode.al_mol_m2 / La) * F);
    const xs = x0 + kx * i;
    const dir = CellCore.direction(i);
    const ua = core.Ua(xs, dir.dir);
    const bva = bvEta(ja, d.j0a, core.T);
    const V = core.ocpC.U(ys) + bvc.eta + d.Rc * j - ua.U - d.Ra * ja - bva.eta + i * this.rOhm();
    const dVdi =
      (dUc * dcs_dj) / cmax / ar +
      (bvc.dj + d.Rc) / ar -
      ua.dUdx * kx -
      ua.dUdDirection * dir.d +
      (d.Ra + bva.dj) / fa +
      this.rOhm();
    return { V, dc: dUc / cmax, dx: -ua.dUdx, dI: dVdi / A };
  }

  voltage(y: Float64Array): number {
    return this.voltageFrom(y[this.nr - 1]!, y[this.offA]!, y[this.iI]!).V;
  }
  current(y: Float64Array): number {
    return y[this.iI]!;
  }
  cathodeMeanY(y: Float64Array): number {
    const c = this.core.p.cathode;
    let s = 0;
    for (let r = 0; r < this.nr; r++) s += this.shellV[r]! * y[r]!;
    return s / ((c.particleRadius_m ** 3 / 3) * c.cMax_mol_m3);
  }
  anodeX(y: Float64Array): Float64Array {
    return y.subarray(this.offA, this.offA + this.na);
  }
  lithiumInventory_mol(y: Float64Array): number {
    let an = 0;
    for (let m = 0; m < this.na; m++) an += y[this.offA + m]!;
    an *= this.core.nAl / this.na;
    return this.cathodeMeanY(y) * this.core.nC * this.core.ageing.activeScale + an;
  }
  outputs(y: Float64Array): Record<string, number> {
    const I = y[this.iI]!;
    const i = I / this.core.p.area_m2;
    const d = this.core.d;
    const La = this.core.p.anode.thickness_m;
    const kx = La / this.na / (2 * d.Da * (this.core.p.anode.al_mol_m2 / La) * F);
    const j = i / this.areaRatio();
    const cs = y[this.nr - 1]! - (0.5 * this.dr * this.fc() * j) / (F * d.Ds);
    let xm = 0;
    for (let m = 0; m < this.na; m++) xm += y[this.offA + m]!;
    return {
      voltage_V: this.voltage(y),
      current_A: I,
      anode_surface_x: y[this.offA]! + kx * i,
      anode_mean_x: xm / this.na,
      anode_ocp_V: this.core.Ua(y[this.offA]! + kx * i).U,
      cathode_surface_stoich: cs / this.core.p.cathode.cMax_mol_m3,
      cathode_mean_stoich: this.cathodeMeanY(y),
      thickness_m: this.thickness_m(y),
      lithium_inventory_mol: this.lithiumInventory_mol(y),
      T_K: this.core.T,
    };
  }
  thickness_m(y: Float64Array): number {
    return this.core.thickness(this.cathodeMeanY(y), this.anodeX(y));
  }
  afterCycle(y: Float64Array, cycle: CycleSummary): void {
    applyAgeing(this.core, cycle, {
      removeLi: (mol) => {
        const dx = mol / this.core.nAl;
        for (let m = 0; m < this.na; m++) y[this.offA + m] = y[this.offA + m]! - dx;
      },
    });
  }
  initialState(soc: number): Float64Array {
    const { y: ys, x } = this.core.restStoich(soc);
    const y = new Float64Array(this.n);
    for (let r = 0; r < this.nr; r++) y[r] = ys * this.core.p.cathode.cMax_mol_m3;
    for (let m = 0; m < this.na; m++) y[this.offA + m] = x;
    return y;
  }

  // -------------------------------------------------------------- DAE form (for the general solver)
  problem(control: Control): DaeProblem {
    const n = this.n;
    const mass = new Float64Array(n);
    for (let i = 0; i < this.iI; i++) mass[i] = 1;
    const rows: number[] = [];
    const cols: number[] = [];
    // structure: tridiagonal particle + tridiagonal anode + I column + control row
    const nr = this.nr;
    for (let r = 0; r < nr; r++) {
      for (const c of [r - 1, r, r + 1]) if (c >= 0 && c < nr) (rows.push(r), cols.push(c));
    }
    rows.push(nr - 1);
    cols.push(this.iI);
    for (let m = 0; m < this.na; m++) {
      for (const c of [m - 1, m, m + 1])
        if (c >= 0 && c < this.na) (rows.push(this.offA + m), cols.push(this.offA + c));
    }
    rows.push(this.offA);
    cols.push(this.iI);
    rows.push(this.iI, this.iI, this.iI);
    cols.push(nr - 1, this.offA, this.iI);
    const self = this;
    return {
      n,
      massDiag: mass,
      structure: { kind: 'sparse', rows: Int32Array.from(rows), cols: Int32Array.from(cols) },
      f(t: number, y: Float64Array, out: Float64Array): void {
        self.residual(control, t, y, out);
      },
      jacobian(t: number, y: Float64Array, sink: JacobianSink): void {
        self.jac(control, t, y, sink);
      },
    };
  }

  private residual(control: Control, t: number, y: Float64Array, out: Float64Array): void {
    const d = this.core.d;
    const p = this.core.p;
    const nr = this.nr;
    const I = y[this.iI]!;
    const i = I / p.area_m2;
    const j = i / this.areaRatio();
    const fc = this.fc();
    for (let r = 0; r < nr; r++) {
      const c = y[r]!;
      let flux = 0;
      if (r > 0) flux += (this.faceA[r]! * d.Ds * (y[r - 1]! - c)) / this.dr;
      if (r < nr - 1) flux += (this.faceA[r + 1]! * d.Ds * (y[r + 1]! - c)) / this.dr;
      else flux -= (this.faceA[nr]! * fc * j) / F;
      out[r] = flux / this.shellV[r]!;
    }
    const dz = p.anode.thickness_m / this.na;
    const G = d.Da / (dz * dz);
    for (let m = 0; m < this.na; m++) {
      const x = y[this.offA + m]!;
      let r = 0;
      if (m > 0) r += G * (y[this.offA + m - 1]! - x);
      if (m < this.na - 1) r += G * (y[this.offA + m + 1]! - x);
      if (m === 0) r += (i / F) * (this.na / p.anode.al_mol_m2);
      out[this.offA + m] = r;
    }
    const V = this.voltage(y);
    const A = p.area_m2;
    // current and power rows per unit area (A m⁻², W m⁻²), as in the P2D
    switch (control.mode) {
      case 'current':
        out[this.iI] = (I - controlValue(control, t)) / A;
        break;
      case 'voltage':
        out[this.iI] = V - controlValue(control, t);
        break;
      case 'power':
        out[this.iI] = (V * I - controlValue(control, t)) / A;
        break;
      case 'resistance':
        out[this.iI] = V + I * controlValue(control, t);
        break;
      case 'rest':
        out[this.iI] = I / A;
        break;
      default:
        throw problem(
          'control.mode',
          'unknown',
          String(String((control as Control).mode)),
          'current, voltage, power, resistance, rest',
        );
    }
  }

  private jac(control: Control, t: number, y: Float64Array, sink: JacobianSink): void {
    const d = this.core.d;
    const p = this.core.p;
    const nr = this.nr;
    const A = p.area_m2;
    const ar = this.areaRatio();
    const fc = this.fc();
    for (let r = 0; r < nr; r++) {
      const v = this.shellV[r]!;
      let diag = 0;
      if (r > 0) {
        const g = (this.faceA[r]! * d.Ds) / this.dr / v;
        sink.add(r, r - 1, g);
        diag -= g;
      }
      if (r < nr - 1) {
        const g = (this.faceA[r + 1]! * d.Ds) / this.dr / v;
        sink.add(r, r + 1, g);
        diag -= g;
      } else sink.add(r, this.iI, -(this.faceA[nr]! * fc) / F / v / (A * ar));
      sink.add(r, r, diag);
    }
    const dz = p.anode.thickness_m / this.na;
    const G = d.Da / (dz * dz);
    for (let m = 0; m < this.na; m++) {
      const row = this.offA + m;
      let diag = 0;
      if (m > 0) {
        sink.add(row, row - 1, G);
        diag -= G;
      }
      if (m < this.na - 1) {
        sink.add(row, row + 1, G);
        diag -= G;
      }
      sink.add(row, row, diag);
    }
    sink.add(this.offA, this.iI, (1 / (F * A)) * (this.na / p.anode.al_mol_m2));
    const I = y[this.iI]!;
    const v = this.voltageFrom(y[nr - 1]!, y[this.offA]!, I);
    switch (control.mode) {
      case 'current':
      case 'rest':
        sink.add(this.iI, this.iI, 1 / A);
        break;
      case 'voltage':
        sink.add(this.iI, nr - 1, v.dc);
        sink.add(this.iI, this.offA, v.dx);
        sink.add(this.iI, this.iI, v.dI);
        break;
      case 'power':
        sink.add(this.iI, nr - 1, (v.dc * I) / A);
        sink.add(this.iI, this.offA, (v.dx * I) / A);
        sink.add(this.iI, this.iI, (v.dI * I + v.V) / A);
        break;
      case 'resistance':
        sink.add(this.iI, nr - 1, v.dc);
        sink.add(this.iI, this.offA, v.dx);
        sink.add(this.iI, this.iI, v.dI + controlValue(control, t));
        break;
    }
  }

  // -------------------------------------------------------------- fast dedicated stepper
  /**
   * Backward-Euler step of the linear particle + anode diffusion for a current that is known up to the
   * scalar I: the new state is base + I·g (two tridiagonal solves). Used by the fast cycler in
   * cycle.ts (the DAE above is the same model for the general BDF solver).
   */
  stepResponse(y: Float64Array, dt: number, base: Float64Array, g: Float64Array, work: Float64Array): void {
    const d = this.core.d;
    const p = this.core.p;
    const nr = this.nr;
    const A = p.area_m2;
    const fc = this.fc();
    const ar = this.areaRatio();
    // particle: (V_r/dt)(c' − c) = Σ faces; matrix M c' = V/dt c + b·I
    const sub = work.subarray(0, this.n);
    const dia = work.subarray(this.n, 2 * this.n);
    const sup = work.subarray(2 * this.n, 3 * this.n);
    for (let r = 0; r < nr; r++) {
      const v = this.shellV[r]! / dt;
      const gl = r > 0 ? (this.faceA[r]! * d.Ds) / this.dr : 0;
      const gr = r < nr - 1 ? (this.faceA[r + 1]! * d.Ds) / this.dr : 0;
      sub[r] = -gl;
      sup[r] = -gr;
      dia[r] = v + gl + gr;
      base[r] = v * y[r]!;
      g[r] = r === nr - 1 ? -(this.faceA[nr]! * fc) / F / (A * ar) : 0;
    }
    thomas2(sub, dia, sup, base, g, 0, nr, work.subarray(3 * this.n));
    const dz = p.anode.thickness_m / this.na;
    const G = d.Da / (dz * dz);
    const o = this.offA;
    for (let m = 0; m < this.na; m++) {
      const gl = m > 0 ? G : 0;
      const gr = m < this.na - 1 ? G : 0;
      sub[o + m] = -gl;
      sup[o + m] = -gr;
      dia[o + m] = 1 / dt + gl + gr;
      base[o + m] = y[o + m]! / dt;
      g[o + m] = m === 0 ? (1 / (F * A)) * (this.na / p.anode.al_mol_m2) : 0;
    }
    thomas2(sub, dia, sup, base, g, o, this.na, work.subarray(3 * this.n));
  }
}

/** Thomas algorithm for two right-hand sides in place on [o, o + n) */
function thomas2(
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  d1: Float64Array,
  d2: Float64Array,
  o: number,
  n: number,
  cp: Float64Array,
): void {
  let beta = b[o]!;
  d1[o] = d1[o]! / beta;
  d2[o] = d2[o]! / beta;
  for (let i = 1; i < n; i++) {
    cp[i - 1] = c[o + i - 1]! / beta;
    beta = b[o + i]! - a[o + i]! * cp[i - 1]!;
    d1[o + i] = (d1[o + i]! - a[o + i]! * d1[o + i - 1]!) / beta;
    d2[o + i] = (d2[o + i]! - a[o + i]! * d2[o + i - 1]!) / beta;
  }
  for (let i = n - 2; i >= 0; i--) {
    d1[o + i] = d1[o + i]! - cp[i]! * d1[o + i + 1]!;
    d2[o + i] = d2[o + i]! - cp[i]! * d2[o + i + 1]!;
  }
}

export function createSpme(params: SsbCellParams, opts: SpmeOptions = {}): SsbSpme {
  return new SsbSpme(params, opts, 'spme');
}
