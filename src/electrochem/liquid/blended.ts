/**
 * Single-particle models (SPM, SPMe) of a liquid-electrolyte cell with blended electrodes: an electrode
 * holds several active materials (BPX `Particle: {name: {...}}`, PyBaMM's "particle phases"), each its
 * own x-averaged particle with its own radius, surface area, OCP, diffusivity, kinetics and window.
 *
 * As in PyBaMM's particle-phase models (the SPM/SPMe with `{"particle phases": ("1", "2")}`): the
 * materials of an electrode share the solid potential and the electrolyte, so their OCP plus reaction
 * overpotential are equal, U_k(θ_k,surf) + η_k(j_k) = U_1 + η_1, and their interfacial currents add up
 * to the electrode's current, Σ_k a_k j_k L F A = ∓I (negative / positive). The electrolyte part of
 * the SPMe (its concentration across the cell and the leading-order potential drop) depends only on
 * that total and is the one of ./spme.ts. Isothermal (the cell at the ambient temperature).
 * References: Marquis et al., J. Electrochem. Soc. 166 (2019) A3693 (SPMe); PyBaMM particle phases
 * (Sulzer et al., J. Open Res. Softw. 9 (2021) 14); blended-electrode SPM: Jiang et al., J. Power
 * Sources 342 (2017) 853.
 *
 * Unknowns: [shells of each material (negative materials first), c_e(x) (SPMe only), the current of
 * each material i_k = a_k j_k L F A (A, algebraic), I]. Structure: dense (a few dozen unknowns; the
 * solver's finite-difference Jacobian).
 */
import { F as FARADAY, R as GAS_R } from '../../materials/constants.ts';
import type { CellModel, Control } from '../model.ts';
import type { DaeProblem } from '../../numerics/types.ts';
import { isConstantFn, type BpxParticle, type LiquidCellParams, type PropertyFn } from '../bpx.ts';
import {
  arrhenius,
  controlResidual,
  lithiationWeight,
  resolveMesh,
  restStoichiometries,
  slug,
  sphereShells,
  validateControl,
  type LiquidMesh,
} from './common.ts';
import { THETA_OUT } from './dfn.ts';
import { electrolyteTable, ocpTable, propertyValue, tableValue, type OcpTable } from './ocp-table.ts';
import { Ah } from '../../units/index.ts';

const F = FARADAY;
const R = GAS_R;
const THETA_EPS = 1e-10;
/** distance of a particle surface stoichiometry from 0 or 1 at which a step ends as infeasible (as ./spme.ts) */
const STOICHIOMETRY_MARGIN = 1e-5;

/** one material of an electrode: its particle and where its unknowns are */
interface Phase {
  /** the material's name in the file ('single' for a one-material electrode) */
  readonly name: string;
  /** 0: negative electrode, 1: positive */
  readonly side: 0 | 1;
  readonly p: BpxParticle;
  readonly cmax: number;
  readonly a: number;
  readonly Rp: number;
  readonly dr: number;
  readonly faceCoef: Float64Array;
  readonly invVol: Float64Array;
  readonly vol: Float64Array;
  readonly dsConst: boolean;
  /** U_ref(θ) at T_ref tabulated, null: the expression */
  readonly ocpT: OcpTable | null;
  readonly hyst: { lith: PropertyFn; delith: PropertyFn } | null;
  /** first shell unknown */
  readonly b: number;
  /** its current unknown i_k (A) */
  readonly iJ: number;
  /** j (mol/m²/s out of the particle) per ampere of i_k: 1/(a L F A) */
  readonly perAmp: number;
  /** lithium capacity weight ε_s·c_max (mol/m³ of electrode) */
  readonly w: number;
}

/** a property of c_e at T_ref: its table, else the function */
const prop = propertyValue;

export class BlendedSpmModel implements CellModel {
  readonly name: string;
  readonly nominalCapacity_C: number;
  readonly n: number;
  readonly atol: Float64Array;
  readonly params: LiquidCellParams;
  readonly mesh: LiquidMesh;
  readonly electrolyte: boolean;
  readonly area_m2: number;
  readonly nr: number;
  readonly nx: number;
  readonly phases: readonly Phase[];
  /** the materials of the negative [0] and positive [1] electrode */
  readonly sides: readonly [readonly Phase[], readonly Phase[]];
  readonly iCe: number;
  readonly iI: number;
  readonly Tref: number;
  /** the cell temperature (= the ambient temperature, as PyBaMM's isothermal models), K */
  T0: number;
  readonly voltageLimits_V: { readonly min: number; readonly max: number };
  readonly massDiag: Float64Array;
  private readonly L: readonly [number, number];
  private readonly dom: Int8Array;
  private readonly dx: Float64Array;
  private readonly eps: Float64Array;
  private readonly gFace: Float64Array;
  private readonly deT: OcpTable | null;
  private readonly kaT: OcpTable | null;
  private readonly tfT: OcpTable | null;
  /** mean c_e of the negative and positive electrode, set by drop() */
  private ceN = 0;
  private ceP = 0;

  constructor(
    params: LiquidCellParams,
    opts: { electrolyte: boolean; mesh?: Partial<LiquidMesh>; hysteresis?: boolean },
  ) {
    this.params = params;
    this.electrolyte = opts.electrolyte;
    const mesh = resolveMesh(opts.mesh);
    this.mesh = mesh;
    const c = params.cell;
    this.area_m2 = c.electrodeArea_m2 * c.electrodePairs;
    this.nominalCapacity_C = Ah(c.nominalCapacity_Ah);
    this.Tref = c.referenceTemperature_K;
    this.T0 = c.ambientTemperature_K;
    this.voltageLimits_V = { min: c.lowerCutoff_V, max: c.upperCutoff_V };
    this.nr = mesh.particle;
    const nr = this.nr;
    this.L = [params.negative.thickness_m, params.positive.thickness_m];
    const count = params.negative.particles.length + params.positive.particles.length;
    this.nx = opts.electrolyte ? mesh.negative + mesh.separator + mesh.positive : 0;
    const nx = this.nx;
    this.iCe = opts.electrolyte ? count * nr : -1;
    const iJ0 = count * nr + nx;
    this.iI = iJ0 + count;
    this.n = this.iI + 1;
    const phases: Phase[] = [];
    const sides: [Phase[], Phase[]] = [[], []];
    let k = 0;
    for (const side of [0, 1] as const) {
      const el = side === 0 ? params.negative : params.positive;
      for (const p of el.particles) {
        const { dr, faceCoef, invVol, vol } = sphereShells(p.particleRadius_m, nr);
        const ph: Phase = {
          name: p.name,
          side,
          p,
          cmax: p.maxConcentration_mol_m3,
          a: p.surfaceArea_per_m,
          Rp: p.particleRadius_m,
          dr,
          faceCoef,
          invVol,
          vol,
          dsConst: isConstantFn(p.diffusivity),
          ocpT: ocpTable(p.ocp, this.Tref),
          hyst:
            p.hysteresis && opts.hysteresis !== false
              ? { lith: p.hysteresis.lithiation, delith: p.hysteresis.delithiation }
              : null,
          b: k * nr,
          iJ: iJ0 + k,
          perAmp: 1 / (p.surfaceArea_per_m * el.thickness_m * F * this.area_m2),
          w: p.activeFraction * p.maxConcentration_mol_m3,
        };
        phases.push(ph);
        sides[side].push(ph);
        k++;
      }
    }
    this.phases = phases;
    this.sides = sides;
    const names = (ps: Phase[]): string => (ps.length > 1 ? `${ps.length} materials` : '1 material');
    const xMesh = opts.electrolyte ? `${mesh.negative}/${mesh.separator}/${mesh.positive} x, ` : '';
    this.name = `${opts.electrolyte ? 'spme' : 'spm'} blended (${names(sides[0])} | ${names(sides[1])}, ${xMesh}${nr} r)`;
    const ely = params.electrolyte;
    const tab = (f: PropertyFn): OcpTable | null =>
      isConstantFn(f) ? null : electrolyteTable(f, this.Tref, ely.initialConcentration_mol_m3);
    this.deT = opts.electrolyte ? tab(ely.diffusivity) : null;
    this.kaT = opts.electrolyte ? tab(ely.conductivity) : null;
    this.tfT = opts.electrolyte ? tab(ely.thermodynamicFactor) : null;
    this.dom = new Int8Array(nx);
    this.dx = new Float64Array(nx);
    this.eps = new Float64Array(nx);
    const tau = new Float64Array(nx);
    if (nx > 0) {
      const doms: Array<[number, number, number, number]> = [
        [mesh.negative, params.negative.thickness_m, params.negative.porosity, params.negative.transportEfficiency],
        [mesh.separator, params.separator.thickness_m, params.separator.porosity, params.separator.transportEfficiency],
        [mesh.positive, params.positive.thickness_m, params.positive.porosity, params.positive.transportEfficiency],
      ];
      let q = 0;
      for (let d = 0; d < 3; d++) {
        const [m, L, ep, ta] = doms[d]!;
        for (let i = 0; i < m; i++, q++) {
          this.dom[q] = d;
          this.dx[q] = L / m;
          this.eps[q] = ep;
          tau[q] = ta;
        }
      }
    }
    this.gFace = new Float64Array(Math.max(nx - 1, 0));
    for (let f = 0; f < nx - 1; f++)
      this.gFace[f] = 1 / (this.dx[f]! / (2 * tau[f]!) + this.dx[f + 1]! / (2 * tau[f + 1]!));
    this.massDiag = new Float64Array(this.n);
    this.atol = new Float64Array(this.n);
    for (let i = 0; i < iJ0; i++) {
      this.massDiag[i] = 1;
      this.atol[i] = 1e-3;
    }
    for (let i = iJ0; i < this.n; i++) this.atol[i] = 1e-6;
  }

  temperature(_y?: Float64Array): number {
    return this.T0;
  }

  get ambientTemperature_K(): number {
    return this.T0;
  }

  setAmbientTemperature(T_K: number): void {
    if (!(Number.isFinite(T_K) && T_K > 0))
      throw new RangeError(`ambient temperature: must be > 0 K (got ${T_K}; allowed a temperature in kelvin)`);
    this.T0 = T_K;
  }

  current(y: Float64Array): number {
    return y[this.iI]!;
  }

  /** U_k(θ) at T (hysteresis: the branches weighted by the current's sign, as ./spme.ts) */
  private ocp(ph: Phase, th: number, T: number, I: number): number {
    let u: number;
    if (ph.hyst === null) u = ph.ocpT ? tableValue(ph.ocpT, th) : ph.p.ocp(th, this.Tref);
    else {
      const w = lithiationWeight(ph.side === 1 ? 1 : -1, I, this.area_m2);
      u = w * ph.hyst.lith(th, this.Tref) + (1 - w) * ph.hyst.delith(th, this.Tref);
    }
    return T === this.Tref ? u : u + (T - this.Tref) * ph.p.entropic(th, this.Tref);
  }

  private surfaceTheta(y: Float64Array, ph: Phase, j: number, T: number): number {
    const cN = y[ph.b + this.nr - 1]!;
    const Ds =
      (ph.dsConst ? ph.p.diffusivity(0, this.Tref) : ph.p.diffusivity(cN / ph.cmax, this.Tref)) *
      arrhenius(ph.p.diffusivityActivation_J_mol, this.Tref, T);
    return (cN - (j * ph.dr) / (2 * Ds)) / ph.cmax;
  }

  private eta(ph: Phase, j: number, th: number, ce: number, T: number): number {
    let g = th * (1 - th);
    if (g < THETA_EPS) g = THETA_EPS;
    const cer = ce > 0 ? ce / this.params.electrolyte.initialConcentration_mol_m3 : 1e-12;
    const k = ph.p.rateConstant_mol_m2_s * arrhenius(ph.p.rateActivation_J_mol, this.Tref, T);
    return ((2 * R * T) / F) * Math.asinh(j / (2 * k * Math.sqrt(cer * g)));
  }

  /** U + η of a material: the potential of its electrode (solid minus electrolyte) */
  private potential(y: Float64Array, ph: Phase, T: number, I: number): number {
    const j = y[ph.iJ]! * ph.perAmp;
    const th = this.surfaceTheta(y, ph, j, T);
    return this.ocp(ph, th, T, I) + this.eta(ph, j, th, ph.side === 0 ? this.ceN : this.ceP, T);
  }

  /**
   * the SPMe's electrolyte and solid ohmic drop at current I (0 for the SPM); sets the electrodes'
   * mean c_e (./spme.ts voltage())
   */
  private drop(y: Float64Array, I: number, T: number): number {
    const ely = this.params.electrolyte;
    const ce0 = ely.initialConcentration_mol_m3;
    if (this.nx === 0) {
      this.ceN = ce0;
      this.ceP = ce0;
      return 0;
    }
    const p = this.params;
    // per domain (negative, separator, positive): ∫c_e dx, its length, ∫ln c_e dx (electrodes); scalars, not
    // arrays: this runs in every residual evaluation
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let l0 = 0;
    let l1 = 0;
    let l2 = 0;
    let lnN = 0;
    let lnP = 0;
    for (let k = 0; k < this.nx; k++) {
      const c = y[this.iCe + k]!;
      const w = this.dx[k]!;
      const d = this.dom[k]!;
      if (d === 0) {
        s0 += c * w;
        l0 += w;
        lnN += Math.log(c) * w;
      } else if (d === 1) {
        s1 += c * w;
        l1 += w;
      } else {
        s2 += c * w;
        l2 += w;
        lnP += Math.log(c) * w;
      }
    }
    this.ceN = s0 / l0;
    this.ceP = s2 / l2;
    const ces = s1 / l1;
    const ceAll = (s0 + s1 + s2) / (l0 + l1 + l2);
    const arrK = arrhenius(ely.conductivityActivation_J_mol, this.Tref, T);
    const conc =
      ((2 * R * T) / F) *
      (1 - ely.transferenceNumber) *
      prop(this.tfT, ely.thermodynamicFactor, ceAll, this.Tref) *
      (lnP / l2 - lnN / l0);
    const kn = prop(this.kaT, ely.conductivity, this.ceN, this.Tref) * arrK * p.negative.transportEfficiency;
    const ks = prop(this.kaT, ely.conductivity, ces, this.Tref) * arrK * p.separator.transportEfficiency;
    const kp = prop(this.kaT, ely.conductivity, this.ceP, this.Tref) * arrK * p.positive.transportEfficiency;
    const idis = -I / this.area_m2;
    const ohm =
      -idis * (p.negative.thickness_m / (3 * kn) + p.separator.thickness_m / ks + p.positive.thickness_m / (3 * kp));
    const solid =
      -idis *
      (p.negative.thickness_m / (3 * p.negative.conductivity_S_m) +
        p.positive.thickness_m / (3 * p.positive.conductivity_S_m));
    return conc + ohm + solid;
  }

  /** terminal voltage (V): the positive's potential minus the negative's, plus the SPMe's drop */
  voltage(y: Float64Array): number {
    const T = this.T0;
    const I = y[this.iI]!;
    const d = this.drop(y, I, T);
    return this.potential(y, this.sides[1][0]!, T, I) - this.potential(y, this.sides[0][0]!, T, I) + d;
  }

  /** smallest distance of a material's surface stoichiometry from 0 or 1 */
  stoichiometryMargin(y: Float64Array): number {
    let m = Infinity;
    for (const ph of this.phases) {
      const th = this.surfaceTheta(y, ph, y[ph.iJ]! * ph.perAmp, this.T0);
      m = Math.min(m, th, 1 - th);
    }
    return m;
  }

  validityMargin(y: Float64Array): number {
    return this.stoichiometryMargin(y) - STOICHIOMETRY_MARGIN;
  }

  /** the mean stoichiometry of a material's particle */
  private bulk(y: Float64Array, ph: Phase): number {
    let s = 0;
    for (let i = 0; i < this.nr; i++) s += ph.vol[i]! * y[ph.b + i]!;
    return s / (ph.Rp ** 3 / 3) / ph.cmax;
  }

  lithiumInventory_mol(y: Float64Array): number {
    let tot = 0;
    for (const ph of this.phases) tot += ph.p.activeFraction * this.L[ph.side] * this.bulk(y, ph) * ph.cmax;
    return tot * this.area_m2;
  }

  /**
   * A state at rest at a state of charge: each electrode holds the lithium of its materials' windows at
   * that SOC (θ_k = θ_min,k + soc·(θ_max,k − θ_min,k) on the negative, reversed on the positive), shared
   * among its materials at one common OCP (the rest state of materials in contact).
   */
  initialState(soc: number): Float64Array {
    if (!(soc >= 0 && soc <= 1)) throw new Error(`soc: must be within 0..1 (got ${soc})`);
    const y = new Float64Array(this.n);
    for (const side of [0, 1] as const) {
      const ps = this.sides[side];
      const th = restStoichiometries(
        ps.map((ph) => ph.p),
        side,
        soc,
        (k, x) => this.ocp(ps[k]!, x, this.T0, 0),
      );
      ps.forEach((ph, k) => {
        for (let i = 0; i < this.nr; i++) y[ph.b + i] = th[k]! * ph.cmax;
      });
    }
    for (let k = 0; k < this.nx; k++) y[this.iCe + k] = this.params.electrolyte.initialConcentration_mol_m3;
    return y;
  }

  /** the materials' currents for terminal current I: shared by surface area (a first guess for the solver) */
  algebraicGuess(y: Float64Array, I: number): void {
    y[this.iI] = I;
    for (const side of [0, 1] as const) {
      const ps = this.sides[side];
      const aTot = ps.reduce((s, ph) => s + ph.a, 0);
      for (const ph of ps) y[ph.iJ] = ((side === 0 ? -I : I) * ph.a) / aTot;
    }
  }

  outputs(y: Float64Array): Record<string, number> {
    const T = this.T0;
    const o: Record<string, number> = { V: this.voltage(y), I_A: y[this.iI]!, T_K: T };
    for (const side of [0, 1] as const) {
      const key = side === 0 ? 'anode' : 'cathode';
      let wS = 0;
      let sS = 0;
      let sB = 0;
      for (const ph of this.sides[side]) {
        const ths = this.surfaceTheta(y, ph, y[ph.iJ]! * ph.perAmp, T);
        const thb = this.bulk(y, ph);
        wS += ph.w * this.L[side];
        sS += ph.w * this.L[side] * ths;
        sB += ph.w * this.L[side] * thb;
        if (this.sides[side].length > 1) {
          o[`${key}_${slug(ph.name)}_surface_x`] = ths;
          o[`${key}_${slug(ph.name)}_I_A`] = (side === 0 ? -1 : 1) * y[ph.iJ]!;
        }
      }
      // the electrode's capacity-weighted means over its materials
      o[`${key}_surface_x`] = sS / wS;
      o[`${key}_x`] = sB / wS;
    }
    return o;
  }

  problem(control: Control): DaeProblem {
    validateControl(control);
    return {
      n: this.n,
      massDiag: this.massDiag,
      structure: { kind: 'dense' },
      f: (t, y, out) => this.residual(t, y, control, out),
    };
  }

  residual(t: number, y: Float64Array, control: Control, out: Float64Array): void {
    const T = this.T0;
    const I = y[this.iI]!;
    if (this.stoichiometryMargin(y) < -THETA_OUT) {
      // a particle surface left its stoichiometric range: no physical state, the step must fail
      out.fill(NaN);
      return;
    }
    for (const ph of this.phases) this.particleRhs(y, ph, y[ph.iJ]! * ph.perAmp, T, out);
    const d = this.drop(y, I, T);
    // the materials of an electrode: their currents add up to the electrode's, their potentials agree
    for (const side of [0, 1] as const) {
      const ps = this.sides[side];
      let sum = 0;
      for (const ph of ps) sum += y[ph.iJ]!;
      out[ps[0]!.iJ] = sum - (side === 0 ? -I : I);
      if (ps.length > 1) {
        const u0 = this.potential(y, ps[0]!, T, I);
        for (let k = 1; k < ps.length; k++) out[ps[k]!.iJ] = this.potential(y, ps[k]!, T, I) - u0;
      }
    }
    if (this.nx > 0) {
      const ely = this.params.electrolyte;
      const Tref = this.Tref;
      const arrDe = arrhenius(ely.diffusivityActivation_J_mol, Tref, T);
      const tp = ely.transferenceNumber;
      const b = this.iCe;
      // the source a·j summed over the materials: ∓I/(A F L)
      const srcN = -I / (this.area_m2 * F * this.L[0]);
      const srcP = I / (this.area_m2 * F * this.L[1]);
      for (let k = 0; k < this.nx; k++) {
        const dm = this.dom[k]!;
        out[b + k] = dm === 0 ? (1 - tp) * srcN * this.dx[k]! : dm === 2 ? (1 - tp) * srcP * this.dx[k]! : 0;
      }
      for (let f = 0; f < this.nx - 1; f++) {
        const ca = y[b + f]!;
        const cb = y[b + f + 1]!;
        const N = -prop(this.deT, ely.diffusivity, 0.5 * (ca + cb), Tref) * arrDe * this.gFace[f]! * (cb - ca);
        out[b + f] = out[b + f]! - N;
        out[b + f + 1] = out[b + f + 1]! + N;
      }
      for (let k = 0; k < this.nx; k++) out[b + k] = out[b + k]! / (this.eps[k]! * this.dx[k]!);
    }
    let V = 0;
    if (control.mode !== 'current' && control.mode !== 'rest')
      V = this.potential(y, this.sides[1][0]!, T, I) - this.potential(y, this.sides[0][0]!, T, I) + d;
    out[this.iI] = controlResidual(control, t, I, V);
  }

  private particleRhs(y: Float64Array, ph: Phase, j: number, T: number, out: Float64Array): void {
    const arrDs = arrhenius(ph.p.diffusivityActivation_J_mol, this.Tref, T);
    let prev = 0;
    const nr = this.nr;
    const b = ph.b;
    for (let i = 0; i < nr; i++) {
      let flux: number;
      if (i < nr - 1) {
        const c0 = y[b + i]!;
        const c1 = y[b + i + 1]!;
        const Ds =
          (ph.dsConst ? ph.p.diffusivity(0, this.Tref) : ph.p.diffusivity((0.5 * (c0 + c1)) / ph.cmax, this.Tref)) *
          arrDs;
        flux = ph.faceCoef[i]! * Ds * (c1 - c0);
      } else flux = -ph.Rp * ph.Rp * j;
      out[b + i] = (flux - prev) * ph.invVol[i]!;
      prev = flux;
    }
  }
}
