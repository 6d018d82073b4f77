/**
 * Single-particle models of a liquid-electrolyte Li-ion cell:
 *  - SPM: one x-averaged particle per electrode, Butler–Volmer kinetics at the x-averaged flux,
 *    no electrolyte (c_e = c_e0);
 *  - SPMe: SPM + electrolyte concentration across the cell (finite volumes in x) with the
 *    leading-order electrolyte potential drop (concentration and ohmic parts) and the solid-phase
 *    ohmic drop of the electrodes.
 * Reference: Marquis, Sulzer, Timms, Please & Chapman, "An asymptotic derivation of a single particle
 * model with electrolyte", J. Electrochem. Soc. 166 (2019) A3693, doi:10.1149/2.0341915jes; the
 * dimensional form follows PyBaMM's SPMe (Sulzer et al., J. Open Res. Softw. 9 (2021) 14,
 * doi:10.5334/jors.309). Parameters and conventions as in ../bpx.ts and ./dfn.ts.
 *
 * Unknowns: [c_s,n(r_1..r_Nr), c_s,p(r_1..r_Nr), c_e(x_1..x_N) (SPMe only), I, T (thermal only)].
 * Structure: sparse (banded particle / electrolyte blocks bordered by I and T).
 */
import { F as FARADAY, R as GAS_R } from '../../materials/constants.ts';
import type { CellModel, Control } from '../model.ts';
import type { DaeProblem, JacobianSink } from '../../numerics/types.ts';
import { isConstantFn, type BpxElectrode, type LiquidCellParams, type PropertyFn } from '../bpx.ts';
import { THETA_OUT } from './dfn.ts';
import {
  arrhenius as arrheniusImported,
  controlResidual as controlResidualImported,
  dfdx as dfdxImported,
  electrodeHysteresis,
  hysteresisOcp as hysteresisOcpImported,
  lithiationWeight as lithiationWeightImported,
  resolveMesh,
  resolveThermal,
  setPoint as setPointImported,
  sphereShells,
  stoichiometries,
  validateControl,
  type Hysteresis,
  type LiquidMesh,
  type LumpedThermal,
  type ThermalOptions,
  checkScaledAtol,
} from './common.ts';
import {
  electrolyteTable,
  ocpTable,
  propertySlope,
  propertyValue,
  tableValue as tableValueImported,
  type OcpTable,
} from './ocp-table.ts';
import { Ah } from '../../units/index.ts';

/** module-local copies (imported bindings are read through accessors in the transpiled code; these run in the inner loops) */
const F = FARADAY;
const arrhenius = arrheniusImported;
const setPoint = setPointImported;
const controlResidual = controlResidualImported;
const dfdx = dfdxImported;
const hysteresisOcp = hysteresisOcpImported;
const lithiationWeight = lithiationWeightImported;
const R = GAS_R;
const tableValue = tableValueImported;

/** a property of c_e at T_ref (its table, else the function) and its slope */
const prop = propertyValue;
const propSlope = propertySlope;

const THETA_EPS = 1e-10;

interface Particle {
  readonly e: BpxElectrode;
  readonly cmax: number;
  readonly a: number;
  readonly L: number;
  readonly Rp: number;
  readonly dr: number;
  readonly faceCoef: Float64Array;
  readonly invVol: Float64Array;
  readonly vol: Float64Array;
  readonly dsConst: boolean;
  readonly epsS: number;
  /** U_ref(θ) at T_ref tabulated (./ocp-table.ts), null: the exact expression */
  readonly ocpT: OcpTable | null;
  /** OCP hysteresis branches (0th order, PyBaMM's "current sigmoid"), null without hysteresis */
  readonly hyst: Hysteresis | null;
  /** +1 for the positive electrode (lithiated on discharge), −1 for the negative one */
  readonly lithSign: 1 | -1;
}

/**
 * U(θ, T) = U_ref(θ) (table when available) + (T − T_ref)·dU/dT; with hysteresis U_ref is the branches
 * weighted by PyBaMM's current sigmoid at the terminal current I (A) over the electrode area
 */
function particleOcp(pt: Particle, th: number, T: number, Tref: number, I = 0, area = 1): number {
  let u: number;
  const h = pt.hyst;
  if (h === null) u = pt.ocpT ? tableValue(pt.ocpT, th) : pt.e.ocp(th, Tref);
  else {
    u = hysteresisOcp(h, th, Tref, lithiationWeight(pt.lithSign, I, area));
  }
  return T === Tref ? u : u + (T - Tref) * pt.e.entropic(th, Tref);
}

function mkParticle(e: BpxElectrode, nr: number, Tref: number, lithSign: 1 | -1, hysteresis = true): Particle {
  const { dr, faceCoef, invVol, vol } = sphereShells(e.particleRadius_m, nr);
  return {
    e,
    cmax: e.maxConcentration_mol_m3,
    a: e.surfaceArea_per_m,
    L: e.thickness_m,
    Rp: e.particleRadius_m,
    dr,
    faceCoef,
    invVol,
    vol,
    dsConst: isConstantFn(e.diffusivity),
    epsS: e.activeFraction,
    ocpT: ocpTable(e.ocp, Tref),
    hyst: hysteresis ? electrodeHysteresis(e, Tref) : null,
    lithSign,
  };
}

/** distance of a particle surface stoichiometry from 0 or 1 at which a step ends as infeasible */
const STOICHIOMETRY_MARGIN = 1e-5;

export class SpmeModel implements CellModel {
  readonly name: string;
  readonly nominalCapacity_C: number;
  readonly n: number;
  readonly atol: Float64Array;
  readonly params: LiquidCellParams;
  readonly mesh: LiquidMesh;
  readonly electrolyte: boolean;
  /** the lumped thermal model (its ambient changes with setAmbientTemperature), undefined when isothermal */
  thermal: LumpedThermal | undefined;
  readonly area_m2: number;
  readonly nr: number;
  readonly nx: number;
  readonly iN: number;
  readonly iP: number;
  readonly iCe: number; // first electrolyte unknown (−1 for SPM)
  readonly iI: number;
  readonly iT: number;
  readonly pn: Particle;
  readonly pp: Particle;
  readonly dom: Int8Array;
  readonly dx: Float64Array;
  readonly eps: Float64Array;
  readonly tau: Float64Array;
  readonly gFace: Float64Array;
  readonly massDiag: Float64Array;
  readonly Tref: number;
  /**
   * the cell temperature of the isothermal model (= the ambient temperature, as in PyBaMM's isothermal
   * models) and the initial temperature of the lumped-thermal one, K
   */
  T0: number;
  readonly voltageLimits_V: { readonly min: number; readonly max: number };
  /** sparsity pattern of the general (sparse) problem, built on first use */
  private patternCache: { rows: Int32Array; cols: Int32Array } | null = null;
  private readonly vbuf: Float64Array;
  /** electrolyte diffusivity, conductivity and thermodynamic factor of c_e at T_ref tabulated (null: constant or not tabulable) */
  private readonly deT: OcpTable | null;
  private readonly kaT: OcpTable | null;
  private readonly tfT: OcpTable | null;
  /** the unknowns the terminal voltage depends on */
  private readonly vCols: Int32Array;

  constructor(
    params: LiquidCellParams,
    opts: {
      electrolyte: boolean;
      mesh?: Partial<LiquidMesh>;
      thermal?: boolean | ThermalOptions;
      hysteresis?: boolean;
      scaledAtol?: number;
    },
  ) {
    this.params = params;
    this.electrolyte = opts.electrolyte;
    const mesh = resolveMesh(opts.mesh);
    this.mesh = mesh;
    this.thermal = resolveThermal(params, opts.thermal);
    this.name =
      `${opts.electrolyte ? 'spme' : 'spm'} (` +
      `${opts.electrolyte ? `${mesh.negative}/${mesh.separator}/${mesh.positive} x, ` : ''}` +
      `${mesh.particle} r${this.thermal ? ', lumped thermal' : ''})`;
    const c = params.cell;
    this.area_m2 = c.electrodeArea_m2 * c.electrodePairs;
    this.nominalCapacity_C = Ah(c.nominalCapacity_Ah);
    this.Tref = c.referenceTemperature_K;
    this.T0 = this.thermal ? c.initialTemperature_K : c.ambientTemperature_K;
    this.voltageLimits_V = { min: c.lowerCutoff_V, max: c.upperCutoff_V };
    this.nr = mesh.particle;
    this.pn = mkParticle(params.negative, this.nr, this.Tref, -1, opts.hysteresis !== false);
    this.pp = mkParticle(params.positive, this.nr, this.Tref, 1, opts.hysteresis !== false);
    const ely = params.electrolyte;
    const tab = (f: PropertyFn): OcpTable | null =>
      isConstantFn(f) ? null : electrolyteTable(f, this.Tref, ely.initialConcentration_mol_m3);
    this.deT = tab(ely.diffusivity);
    this.kaT = tab(ely.conductivity);
    this.tfT = tab(ely.thermodynamicFactor);
    this.nx = opts.electrolyte ? mesh.negative + mesh.separator + mesh.positive : 0;
    const nx = this.nx;
    this.dom = new Int8Array(nx);
    this.dx = new Float64Array(nx);
    this.eps = new Float64Array(nx);
    this.tau = new Float64Array(nx);
    const doms: Array<[number, number, number, number]> = [
      [mesh.negative, params.negative.thickness_m, params.negative.porosity, params.negative.transportEfficiency],
      [mesh.separator, params.separator.thickness_m, params.separator.porosity, params.separator.transportEfficiency],
      [mesh.positive, params.positive.thickness_m, params.positive.porosity, params.positive.transportEfficiency],
    ];
    if (nx > 0) {
      let k = 0;
      for (let d = 0; d < 3; d++) {
        const [m, L, ep, ta] = doms[d]!;
        for (let i = 0; i < m; i++, k++) {
          this.dom[k] = d;
          this.dx[k] = L / m;
          this.eps[k] = ep;
          this.tau[k] = ta;
        }
      }
    }
    this.gFace = new Float64Array(Math.max(nx - 1, 0));
    for (let f = 0; f < nx - 1; f++)
      this.gFace[f] = 1 / (this.dx[f]! / (2 * this.tau[f]!) + this.dx[f + 1]! / (2 * this.tau[f + 1]!));
    let idx = 0;
    this.iN = idx;
    idx += this.nr;
    this.iP = idx;
    idx += this.nr;
    this.iCe = nx > 0 ? idx : -1;
    idx += nx;
    this.iI = idx++;
    this.iT = this.thermal ? idx++ : -1;
    this.n = idx;
    this.massDiag = new Float64Array(this.n);
    this.atol = new Float64Array(this.n);
    for (let i = 0; i < 2 * this.nr + nx; i++) {
      this.massDiag[i] = 1;
      this.atol[i] = 1e-3;
    }
    this.atol[this.iI] = 1e-6;
    if (this.iT >= 0) {
      this.massDiag[this.iT] = 1;
      this.atol[this.iT] = 1e-4;
    }
    const sa = checkScaledAtol(opts.scaledAtol);
    if (sa !== undefined) {
      // PyBaMM's scaled state (LiquidModelOptions.scaledAtol): c_s/c_max, c_e/c_e0
      for (let i = 0; i < this.nr; i++) {
        this.atol[this.iN + i] = sa * this.pn.cmax;
        this.atol[this.iP + i] = sa * this.pp.cmax;
      }
      for (let k = 0; k < nx; k++) this.atol[this.iCe + k] = sa * params.electrolyte.initialConcentration_mol_m3;
    }
    this.vbuf = new Float64Array(this.n);
    const vc: number[] = [this.iN + this.nr - 1, this.iP + this.nr - 1, this.iI];
    for (let k = 0; k < nx; k++) vc.push(this.iCe + k);
    if (this.iT >= 0) vc.push(this.iT);
    this.vCols = Int32Array.from(vc);
  }

  /** structure: every entry the Jacobian may write, for any control (built once, on first need) */
  private pattern(): { rows: Int32Array; cols: Int32Array } {
    if (this.patternCache) return this.patternCache;
    const seen = new Set<number>();
    const rows: number[] = [];
    const cols: number[] = [];
    const y = this.initialState(0.5);
    const rec: JacobianSink = {
      add: (i, j) => {
        const key = i * this.n + j;
        if (!seen.has(key)) {
          seen.add(key);
          rows.push(i);
          cols.push(j);
        }
      },
    };
    this.jac(0, y, { mode: 'voltage', value: 3.7 }, rec);
    this.jac(0, y, { mode: 'current', value: -1 }, rec);
    this.patternCache = { rows: Int32Array.from(rows), cols: Int32Array.from(cols) };
    return this.patternCache;
  }

  temperature(y: Float64Array): number {
    return this.iT >= 0 ? y[this.iT]! : this.T0;
  }

  /** the ambient temperature (K): the isothermal cell's temperature, or the lumped model's surroundings */
  get ambientTemperature_K(): number {
    return this.thermal ? this.thermal.ambient_K : this.T0;
  }

  /** sets the ambient temperature for the problems built from now on (CellModelExtras) */
  setAmbientTemperature(T_K: number): void {
    if (!(Number.isFinite(T_K) && T_K > 0))
      throw new RangeError(`ambient temperature: must be > 0 K (got ${T_K}; allowed a temperature in kelvin)`);
    if (this.thermal) this.thermal = { ...this.thermal, ambient_K: T_K };
    else this.T0 = T_K;
  }

  /** > 0 while every particle surface stays inside its stoichiometric range (CellModelExtras) */
  validityMargin(y: Float64Array): number {
    return this.stoichiometryMargin(y) - STOICHIOMETRY_MARGIN;
  }

  initialState(soc: number): Float64Array {
    const { xn, xp } = stoichiometries(this.params, soc);
    const y = new Float64Array(this.n);
    for (let i = 0; i < this.nr; i++) {
      y[this.iN + i] = xn * this.pn.cmax;
      y[this.iP + i] = xp * this.pp.cmax;
    }
    for (let k = 0; k < this.nx; k++) y[this.iCe + k] = this.params.electrolyte.initialConcentration_mol_m3;
    if (this.iT >= 0) y[this.iT] = this.T0;
    return y;
  }

  current(y: Float64Array): number {
    return y[this.iI]!;
  }

  lithiumInventory_mol(y: Float64Array): number {
    let tot = 0;
    for (const [pt, b] of [
      [this.pn, this.iN],
      [this.pp, this.iP],
    ] as const) {
      let s = 0;
      for (let i = 0; i < this.nr; i++) s += pt.vol[i]! * y[b + i]!;
      tot += (pt.epsS * pt.L * s) / (pt.Rp ** 3 / 3);
    }
    return tot * this.area_m2;
  }

  /** molar flux out of the negative particles (mol/m²/s) at current I (positive on delithiation) */
  private jn(I: number): number {
    return -I / this.area_m2 / (this.pn.a * F * this.pn.L);
  }

  /** molar flux out of the positive particles (mol/m²/s) at current I */
  private jp(I: number): number {
    return I / this.area_m2 / (this.pp.a * F * this.pp.L);
  }

  private surfaceTheta(y: Float64Array, pt: Particle, b: number, j: number, T: number): number {
    const cN = y[b + this.nr - 1]!;
    const Ds =
      (pt.dsConst ? pt.e.diffusivity(0, this.Tref) : pt.e.diffusivity(cN / pt.cmax, this.Tref)) *
      arrhenius(pt.e.diffusivityActivation_J_mol, this.Tref, T);
    return (cN - (j * pt.dr) / (2 * Ds)) / pt.cmax;
  }

  /** Δx-weighted mean of ln c_e over domain d */
  private meanLn(y: Float64Array, d: number): number {
    let s = 0;
    let w = 0;
    for (let k = 0; k < this.nx; k++)
      if (this.dom[k] === d) {
        s += Math.log(y[this.iCe + k]!) * this.dx[k]!;
        w += this.dx[k]!;
      }
    return s / w;
  }

  /** terminal voltage (V) */
  voltage(y: Float64Array): number {
    const T = this.temperature(y);
    const I = y[this.iI]!;
    const jn = this.jn(I);
    const jp = this.jp(I);
    const thn = this.surfaceTheta(y, this.pn, this.iN, jn, T);
    const thp = this.surfaceTheta(y, this.pp, this.iP, jp, T);
    const p = this.params;
    const ely = p.electrolyte;
    const ce0 = ely.initialConcentration_mol_m3;
    let cen = ce0;
    let cep = ce0;
    let dPhiE = 0;
    const idis = -I / this.area_m2;
    let dPhiS = 0;
    if (this.nx > 0) {
      let sn = 0;
      let sp = 0;
      // the volumes of a domain are equal, so the mean of ln c_e there is ln(Π c_e)/count (one log
      // instead of one per volume; the sum of logs when the product leaves the safe range)
      let prodN = 1;
      let prodP = 1;
      let cntN = 0;
      let cntP = 0;
      let ln = 0;
      let lp = 0;
      let cs = 0;
      let ls = 0;
      for (let k = 0; k < this.nx; k++) {
        const c = y[this.iCe + k]!;
        const w = this.dx[k]!;
        const d = this.dom[k]!;
        if (d === 0) {
          sn += c * w;
          prodN *= c;
          cntN++;
          ln += w;
        } else if (d === 2) {
          sp += c * w;
          prodP *= c;
          cntP++;
          lp += w;
        } else {
          cs += c * w;
          ls += w;
        }
      }
      cen = sn / ln;
      cep = sp / lp;
      const ces = cs / ls;
      const arrK = arrhenius(ely.conductivityActivation_J_mol, this.Tref, T);
      const tp = ely.transferenceNumber;
      const ceAll = (sn + sp + cs) / (ln + lp + ls);
      const lnMeanN = prodN > 1e-290 && prodN < 1e290 ? Math.log(prodN) / cntN : this.meanLn(y, 0);
      const lnMeanP = prodP > 1e-290 && prodP < 1e290 ? Math.log(prodP) / cntP : this.meanLn(y, 2);
      const conc =
        ((2 * R * T) / F) * (1 - tp) * prop(this.tfT, ely.thermodynamicFactor, ceAll, this.Tref) * (lnMeanP - lnMeanN);
      const kn = prop(this.kaT, ely.conductivity, cen, this.Tref) * arrK * p.negative.transportEfficiency;
      const ks = prop(this.kaT, ely.conductivity, ces, this.Tref) * arrK * p.separator.transportEfficiency;
      const kp = prop(this.kaT, ely.conductivity, cep, this.Tref) * arrK * p.positive.transportEfficiency;
      const ohm =
        -idis * (p.negative.thickness_m / (3 * kn) + p.separator.thickness_m / ks + p.positive.thickness_m / (3 * kp));
      dPhiE = conc + ohm;
      dPhiS =
        -idis *
        (p.negative.thickness_m / (3 * p.negative.conductivity_S_m) +
          p.positive.thickness_m / (3 * p.positive.conductivity_S_m));
    }
    const etaN = this.eta(this.pn, jn, thn, cen, T);
    const etaP = this.eta(this.pp, jp, thp, cep, T);
    return (
      particleOcp(this.pp, thp, T, this.Tref, I, this.area_m2) -
      particleOcp(this.pn, thn, T, this.Tref, I, this.area_m2) +
      etaP -
      etaN +
      dPhiE +
      dPhiS
    );
  }

  private eta(pt: Particle, j: number, th: number, ce: number, T: number): number {
    let g = th * (1 - th);
    if (g < THETA_EPS) g = THETA_EPS;
    const cer = ce > 0 ? ce / this.params.electrolyte.initialConcentration_mol_m3 : 1e-12;
    const k = pt.e.rateConstant_mol_m2_s * arrhenius(pt.e.rateActivation_J_mol, this.Tref, T);
    return ((2 * R * T) / F) * Math.asinh(j / (2 * k * Math.sqrt(cer * g)));
  }

  private stoichiometryMarginAt(y: Float64Array, jn: number, jp: number, T: number): number {
    const a = this.surfaceTheta(y, this.pn, this.iN, jn, T);
    const b = this.surfaceTheta(y, this.pp, this.iP, jp, T);
    return Math.min(a, 1 - a, b, 1 - b);
  }

  /** smallest distance of a particle surface stoichiometry from 0 or 1 (see DfnModel.stoichiometryMargin) */
  stoichiometryMargin(y: Float64Array): number {
    const I = y[this.iI]!;
    return this.stoichiometryMarginAt(y, this.jn(I), this.jp(I), this.temperature(y));
  }

  outputs(y: Float64Array): Record<string, number> {
    const T = this.temperature(y);
    const jn = this.jn(y[this.iI]!);
    const jp = this.jp(y[this.iI]!);
    const bulk = (pt: Particle, b: number): number => {
      let s = 0;
      for (let i = 0; i < this.nr; i++) s += pt.vol[i]! * y[b + i]!;
      return s / (pt.Rp ** 3 / 3) / pt.cmax;
    };
    return {
      V: this.voltage(y),
      I_A: y[this.iI]!,
      T_K: T,
      anode_surface_x: this.surfaceTheta(y, this.pn, this.iN, jn, T),
      cathode_surface_x: this.surfaceTheta(y, this.pp, this.iP, jp, T),
      anode_x: bulk(this.pn, this.iN),
      cathode_x: bulk(this.pp, this.iP),
    };
  }

  problem(control: Control): DaeProblem {
    validateControl(control);
    if ((control.mode === 'current' || control.mode === 'rest') && this.iT < 0) {
      // the current is known: the particle and electrolyte equations take the set point directly, so
      // I's column is empty outside its own row (I − I_set = 0) and the Jacobian is tridiagonal (three
      // independent diffusion chains); same solution as the general form, a banded LU of width 3
      return {
        n: this.n,
        massDiag: this.massDiag,
        structure: { kind: 'banded', lower: 1, upper: 1 },
        f: (t, y, out) => this.residual(t, y, control, out, true),
        jacobian: (t, y, sink) => this.jac(t, y, control, sink, true),
      };
    }
    return {
      n: this.n,
      massDiag: this.massDiag,
      structure: { kind: 'sparse', ...this.pattern(), condense: true },
      f: (t, y, out) => this.residual(t, y, control, out),
      jacobian: (t, y, sink) => this.jac(t, y, control, sink),
    };
  }

  /** f(t, y); setCurrent: the particle and electrolyte equations use the control's current instead of y[iI] (current / rest control) */
  residual(t: number, y: Float64Array, control: Control, out: Float64Array, setCurrent = false): void {
    const T = this.temperature(y);
    const I = y[this.iI]!;
    const Is = setCurrent ? (control.mode === 'rest' ? 0 : setPoint(control, t)) : I;
    const jn = this.jn(Is);
    const jp = this.jp(Is);
    if (this.stoichiometryMarginAt(y, jn, jp, T) < -THETA_OUT) {
      // a particle surface left its stoichiometric range: no physical state, the step must fail
      out.fill(NaN);
      return;
    }
    this.particleRhs(y, this.pn, this.iN, jn, T, out);
    this.particleRhs(y, this.pp, this.iP, jp, T, out);
    const ely = this.params.electrolyte;
    const Tref = this.Tref;
    if (this.nx > 0) {
      const arrDe = arrhenius(ely.diffusivityActivation_J_mol, Tref, T);
      const tp = ely.transferenceNumber;
      const b = this.iCe;
      const deT = this.deT;
      for (let k = 0; k < this.nx; k++) {
        const d = this.dom[k]!;
        out[b + k] =
          d === 0 ? (1 - tp) * this.pn.a * jn * this.dx[k]! : d === 2 ? (1 - tp) * this.pp.a * jp * this.dx[k]! : 0;
      }
      for (let f = 0; f < this.nx - 1; f++) {
        const ca = y[b + f]!;
        const cb = y[b + f + 1]!;
        const N = -prop(deT, ely.diffusivity, 0.5 * (ca + cb), Tref) * arrDe * this.gFace[f]! * (cb - ca);
        out[b + f] = out[b + f]! - N;
        out[b + f + 1] = out[b + f + 1]! + N;
      }
      for (let k = 0; k < this.nx; k++) out[b + k] = out[b + k]! / (this.eps[k]! * this.dx[k]!);
    }
    const needV = control.mode !== 'current' && control.mode !== 'rest';
    const V = needV || this.iT >= 0 ? this.voltage(y) : 0;
    out[this.iI] = controlResidual(control, t, I, V);
    if (this.iT >= 0) {
      const th = this.thermal!;
      const p = this.params;
      const thn = this.surfaceTheta(y, this.pn, this.iN, jn, T);
      const thp = this.surfaceTheta(y, this.pp, this.iP, jp, T);
      const Un = particleOcp(this.pn, thn, T, Tref, I, this.area_m2);
      const Up = particleOcp(this.pp, thp, T, Tref, I, this.area_m2);
      const Q = I * (V - (Up - Un)) + I * T * (p.positive.entropic(thp, Tref) - p.negative.entropic(thn, Tref));
      out[this.iT] = (Q - th.hA_W_K * (T - th.ambient_K)) / th.heatCapacity_J_K;
    }
  }

  private particleRhs(y: Float64Array, pt: Particle, b: number, j: number, T: number, out: Float64Array): void {
    const arrDs = arrhenius(pt.e.diffusivityActivation_J_mol, this.Tref, T);
    let prev = 0;
    const nr = this.nr;
    for (let i = 0; i < nr; i++) {
      let flux: number;
      if (i < nr - 1) {
        const c0 = y[b + i]!;
        const c1 = y[b + i + 1]!;
        const Ds =
          (pt.dsConst ? pt.e.diffusivity(0, this.Tref) : pt.e.diffusivity((0.5 * (c0 + c1)) / pt.cmax, this.Tref)) *
          arrDs;
        flux = pt.faceCoef[i]! * Ds * (c1 - c0);
      } else flux = -pt.Rp * pt.Rp * j;
      out[b + i] = (flux - prev) * pt.invVol[i]!;
      prev = flux;
    }
  }

  /**
   * ∂f/∂y: particle and electrolyte blocks analytic (diffusivities' concentration dependence by central
   * differences), the voltage-dependent control and thermal rows by central differences of V.
   */
  jac(t: number, y: Float64Array, control: Control, sink: JacobianSink, setCurrent = false): void {
    const T = this.temperature(y);
    const Tref = this.Tref;
    const nr = this.nr;
    const idisDI = -1 / this.area_m2;
    for (const [pt, b, djdI] of [
      [this.pn, this.iN, idisDI / (this.pn.a * F * this.pn.L)],
      [this.pp, this.iP, -idisDI / (this.pp.a * F * this.pp.L)],
    ] as const) {
      const arrDs = arrhenius(pt.e.diffusivityActivation_J_mol, Tref, T);
      for (let i = 0; i < nr - 1; i++) {
        const c0 = y[b + i]!;
        const c1 = y[b + i + 1]!;
        let dF0: number;
        let dF1: number;
        if (pt.dsConst) {
          dF1 = pt.faceCoef[i]! * pt.e.diffusivity(0, Tref) * arrDs;
          dF0 = -dF1;
        } else {
          const s = (0.5 * (c0 + c1)) / pt.cmax;
          const Ds = pt.e.diffusivity(s, Tref) * arrDs;
          const dDs = (dfdx(pt.e.diffusivity, s, Tref, 1e-7) * arrDs * 0.5) / pt.cmax;
          dF1 = pt.faceCoef[i]! * (Ds + dDs * (c1 - c0));
          dF0 = pt.faceCoef[i]! * (-Ds + dDs * (c1 - c0));
        }
        sink.add(b + i, b + i, dF0 * pt.invVol[i]!);
        sink.add(b + i, b + i + 1, dF1 * pt.invVol[i]!);
        sink.add(b + i + 1, b + i, -dF0 * pt.invVol[i + 1]!);
        sink.add(b + i + 1, b + i + 1, -dF1 * pt.invVol[i + 1]!);
        if (this.iT >= 0) {
          // Arrhenius factor of D_s: ∂flux/∂T = flux·Ea/(R T²)
          const Dsf =
            (pt.dsConst ? pt.e.diffusivity(0, Tref) : pt.e.diffusivity((0.5 * (c0 + c1)) / pt.cmax, Tref)) * arrDs;
          const dflux = (pt.faceCoef[i]! * Dsf * (c1 - c0) * pt.e.diffusivityActivation_J_mol) / (R * T * T);
          sink.add(b + i, this.iT, dflux * pt.invVol[i]!);
          sink.add(b + i + 1, this.iT, -dflux * pt.invVol[i + 1]!);
        }
      }
      if (!setCurrent) sink.add(b + nr - 1, this.iI, -pt.Rp * pt.Rp * djdI * pt.invVol[nr - 1]!);
    }
    const ely = this.params.electrolyte;
    if (this.nx > 0) {
      const arrDe = arrhenius(ely.diffusivityActivation_J_mol, Tref, T);
      const tp = ely.transferenceNumber;
      const b = this.iCe;
      const deConst = isConstantFn(ely.diffusivity);
      for (let k = 0; k < this.nx; k++) {
        const d = this.dom[k]!;
        if (d === 1) continue;
        const pt = d === 0 ? this.pn : this.pp;
        const djdI = d === 0 ? idisDI / (this.pn.a * F * this.pn.L) : -idisDI / (this.pp.a * F * this.pp.L);
        if (!setCurrent) sink.add(b + k, this.iI, ((1 - tp) * pt.a * djdI) / this.eps[k]!);
      }
      for (let f = 0; f < this.nx - 1; f++) {
        const ca = y[b + f]!;
        const cb = y[b + f + 1]!;
        const cf = 0.5 * (ca + cb);
        const G = this.gFace[f]!;
        const De = prop(this.deT, ely.diffusivity, cf, Tref) * arrDe;
        const dDe = deConst ? 0 : propSlope(this.deT, ely.diffusivity, cf, Tref) * arrDe;
        const dNdcb = -De * G - 0.5 * dDe * G * (cb - ca);
        const dNdca = De * G - 0.5 * dDe * G * (cb - ca);
        const wa = 1 / (this.eps[f]! * this.dx[f]!);
        const wb = 1 / (this.eps[f + 1]! * this.dx[f + 1]!);
        sink.add(b + f, b + f, -dNdca * wa);
        sink.add(b + f, b + f + 1, -dNdcb * wa);
        sink.add(b + f + 1, b + f, dNdca * wb);
        sink.add(b + f + 1, b + f + 1, dNdcb * wb);
        if (this.iT >= 0) {
          const dN = (-De * G * (cb - ca) * ely.diffusivityActivation_J_mol) / (R * T * T);
          sink.add(b + f, this.iT, -dN * wa);
          sink.add(b + f + 1, this.iT, dN * wb);
        }
      }
    }
    const needV = control.mode !== 'current' && control.mode !== 'rest';
    if (!needV && this.iT < 0) {
      sink.add(this.iI, this.iI, 1);
      return;
    }
    // rows that depend on V: by central differences over the columns V depends on
    const I = y[this.iI]!;
    const V = this.voltage(y);
    const Rl = control.mode === 'resistance' ? setPoint(control, t) : 0;
    const yy = this.vbuf;
    yy.set(y);
    const cols = this.vCols;
    const th = this.thermal;
    const p = this.params;
    const heat = (yv: Float64Array): number => {
      const Tv = this.temperature(yv);
      const Iv = yv[this.iI]!;
      const jn = this.jn(Iv);
      const jp = this.jp(Iv);
      const thn = this.surfaceTheta(yv, this.pn, this.iN, jn, Tv);
      const thp = this.surfaceTheta(yv, this.pp, this.iP, jp, Tv);
      const Vv = this.voltage(yv);
      const Q =
        Iv *
          (Vv -
            (particleOcp(this.pp, thp, Tv, Tref, Iv, this.area_m2) -
              particleOcp(this.pn, thn, Tv, Tref, Iv, this.area_m2))) +
        Iv * Tv * (p.positive.entropic(thp, Tref) - p.negative.entropic(thn, Tref));
      return (Q - th!.hA_W_K * (Tv - th!.ambient_K)) / th!.heatCapacity_J_K;
    };
    for (const j of cols) {
      const h = j === this.iI ? 1e-5 : j === this.iT ? 1e-4 : 1e-6 * Math.max(Math.abs(y[j]!), 1);
      yy[j] = y[j]! + h;
      const Vp = this.voltage(yy);
      const Hp = th ? heat(yy) : 0;
      yy[j] = y[j]! - h;
      const Vm = this.voltage(yy);
      const Hm = th ? heat(yy) : 0;
      yy[j] = y[j]!;
      const dV = (Vp - Vm) / (2 * h);
      let dr = 0;
      switch (control.mode) {
        case 'current':
        case 'rest':
          dr = j === this.iI ? 1 : 0;
          break;
        case 'voltage':
          dr = dV;
          break;
        case 'power':
          dr = I * dV + (j === this.iI ? V : 0);
          break;
        case 'resistance':
          dr = dV + (j === this.iI ? Rl : 0);
          break;
      }
      sink.add(this.iI, j, dr);
      if (th) sink.add(this.iT, j, (Hp - Hm) / (2 * h));
    }
  }
}
