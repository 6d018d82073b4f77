/**
 * Doyle–Fuller–Newman (pseudo-two-dimensional) model of a liquid-electrolyte Li-ion cell, finite
 * volumes in x (negative electrode | separator | positive electrode) and in r (one spherical particle
 * per electrode volume).
 *
 * Equations (Doyle, Fuller & Newman, J. Electrochem. Soc. 140 (1993) 1526, doi:10.1149/1.2221597;
 * notation of Marquis et al., J. Electrochem. Soc. 166 (2019) A3693, doi:10.1149/2.0341915jes):
 *   particle     ∂c_s/∂t = r⁻²∂_r(r² D_s ∂_r c_s),   −D_s ∂_r c_s|_R = j
 *   kinetics     j = 2k·√(c_e/c_e0 · θ(1−θ))·sinh(Fη/2RT),   η = φ_s − φ_e − U(θ,T),   θ = c_s(R)/c_max
 *   electrolyte  ε ∂c_e/∂t = ∂_x(D_e τ ∂_x c_e) + (1−t⁺)·a·j
 *                ∂_x i_e = a F j,   i_e = −κτ ∂_x φ_e + κτ (2RT/F)(1−t⁺)·TF·∂_x ln c_e
 *   solid        ∂_x i_s = −a F j,  i_s = −σ_eff ∂_x φ_s
 *   boundaries   i_s = i_dis at both current collectors, i_e = 0 and N_e = 0 there; i_s = 0 at the separator
 * with τ the BPX transport efficiency (Bruggeman-type effective transport), j the molar flux out of the
 * particle (mol/m²/s, positive on delithiation), i_dis = −I/A the discharge current density.
 *
 * Blended electrodes (two or more active materials in one electrode, BPX `Particle: {name: {...}}`,
 * PyBaMM's "particle phases"): each x-volume of the electrode holds one particle per material, each with
 * its own radius, surface area a_k, OCP, diffusivity, kinetics and window, all at the volume's φ_s, φ_e
 * and c_e; the reaction terms of the electrolyte and charge balances are the sums Σ_k a_k j_k (PyBaMM's
 * DFN with `particle phases`; Jiang et al., J. Power Sources 342 (2017) 853).
 *
 * Unknown layout: per x-volume of an electrode [per material: c_s(r_1..r_Nr), j; then c_e, φ_e, φ_s],
 * per separator volume [c_e, φ_e]; then the terminal current I and, with the lumped thermal option, T.
 * The Jacobian (analytic) is banded (bandwidth Nr + 4 or 5) when isothermal; the temperature row and column are
 * full (Arrhenius factors, heat of reaction). The model declares its sparse pattern with condense: the
 * solver eliminates each particle chain onto its pore-wall flux j (static condensation, no pivoting
 * needed: the particle blocks are diagonally dominant) and factorises the remaining [j, c_e, φ_e, φ_s]
 * band (width ≈ 9, bordered by T when thermal) — ../../numerics/condensed.ts. Isothermal with a constant
 * D_s the particle rows are exactly linear (linearRows()): the solver then keeps the chains out of its
 * Newton loop altogether (LinearChains: each surface concentration an affine function of j per step).
 * Lumped thermal model: m·c_p·dT/dt = I·V − A·Σ a F j (U − T ∂U/∂T) Δx − h·A_ext·(T − T_amb)
 * (irreversible + reversible heat; Bernardi, Pawlikowski & Newman, J. Electrochem. Soc. 132 (1985) 5,
 * doi:10.1149/1.2113792).
 * The potentials are fixed by φ_s = 0 in the first negative volume (that row replaces the negative
 * electrode's first charge balance, which is implied by the others: the three charge balances sum to
 * zero identically), which also keeps I out of the far band: I enters only the positive collector's
 * balance, the control row and the thermal row.
 * Speed: U_ref(θ) and the electrolyte properties of c_e come from cubic Hermite tables checked against
 * the BPX expressions when the model is built (./ocp-table.ts: ≤ 0.1 µV, ≤ 1e-9 relative; the exact
 * expressions where a table does not meet that or outside its range), and algebraicGuess() gives the
 * drivers a starting point for the consistent initialisation at the drive current.
 */
import { F as FARADAY, R as GAS_R } from '../../materials/constants.ts';
import { Ah } from '../../units/index.ts';
import type { CellModel, Control } from '../model.ts';
import type { DaeProblem, JacobianSink, JacobianStructure } from '../../numerics/types.ts';
import { isConstantFn, type BpxElectrode, type BpxParticle, type LiquidCellParams, type PropertyFn } from '../bpx.ts';
import {
  arrhenius as arrheniusImported,
  controlResidual as controlResidualImported,
  dfdx as dfdxImported,
  electrodeHysteresis,
  hysteresisOcp as hysteresisOcpImported,
  lithiationWeight as lithiationWeightImported,
  ocp as ocpImported,
  resolveMesh,
  resolveThermal,
  restStoichiometries,
  setPoint as setPointImported,
  slug,
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
  tableSlope as tableSlopeImported,
  tableValue as tableValueImported,
  type OcpTable,
} from './ocp-table.ts';
import { DfnResidualKernel } from './dfn-kernel.ts';
import { log as libmLog, sinh as libmSinh } from '../../numerics/libm.ts';

/** module-local copies (imported bindings are read through accessors in the transpiled code; these run in the inner loops) */
const F = FARADAY;
const arrhenius = arrheniusImported;
const ocp = ocpImported;
const setPoint = setPointImported;
const controlResidual = controlResidualImported;
const dfdx = dfdxImported;
const hysteresisOcp = hysteresisOcpImported;
const lithiationWeight = lithiationWeightImported;
const R = GAS_R;
const tableValue = tableValueImported;
const tableSlope = tableSlopeImported;
/** a property of c_e at T_ref (its table, else the function) and its slope */
const prop = propertyValue;
const propSlope = propertySlope;

const THETA_EPS = 1e-10;
/** surface stoichiometries beyond [−THETA_OUT, 1 + THETA_OUT] are unphysical: f returns NaN (the solver rejects the step) */
export const THETA_OUT = 0.01;

/** one active material of an electrode (the electrode itself when it has only one) */
interface ElectrodeConst {
  readonly e: BpxParticle;
  /** the material's name in the file ('single' for a one-material electrode) */
  readonly name: string;
  readonly cmax: number;
  readonly a: number;
  readonly epsS: number;
  readonly Rp: number;
  readonly dr: number;
  /** r²_{i+1/2}/Δr for faces i = 0..Nr−2 */
  readonly faceCoef: Float64Array;
  /** 1/V_i with V_i = (r_{i+1/2}³ − r_{i−1/2}³)/3 */
  readonly invVol: Float64Array;
  /** shell volumes V_i (per 4π) */
  readonly vol: Float64Array;
  readonly dsConst: boolean;
  /** U_ref(θ) at T_ref tabulated (./ocp-table.ts), null: the exact expression */
  readonly ocpT: OcpTable | null;
  /** OCP hysteresis branches (0th order, PyBaMM's "current sigmoid"), null without hysteresis */
  readonly hyst: Hysteresis | null;
  /** +1 for the positive electrode (lithiated on discharge), −1 for the negative one */
  readonly lithSign: 1 | -1;
}

/** U_ref(θ) at the reference temperature (table when available); with hysteresis, the branches weighted by w */
function uRef(el: ElectrodeConst, th: number, Tref: number, w = 0.5): number {
  const h = el.hyst;
  if (h === null) return el.ocpT ? tableValue(el.ocpT, th) : el.e.ocp(th, Tref);
  return hysteresisOcp(h, th, Tref, w);
}

/** dU_ref/dθ at the reference temperature (derivative of the table when available) */
function duRef(el: ElectrodeConst, th: number, Tref: number, w = 0.5): number {
  const h = el.hyst;
  if (h === null) return el.ocpT ? tableSlope(el.ocpT, th) : dfdx(el.e.ocp, th, Tref, 1e-6);
  const a = h.lithT ? tableSlope(h.lithT, th) : dfdx(h.lith, th, Tref, 1e-6);
  const b = h.delithT ? tableSlope(h.delithT, th) : dfdx(h.delith, th, Tref, 1e-6);
  return w * a + (1 - w) * b;
}

interface JacobianPattern {
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  readonly lower: number;
  readonly upper: number;
}

/** Jacobian patterns by layout (mesh, materials per electrode, thermal): see the DfnModel constructor */
const patternCache = new Map<string, JacobianPattern>();
/** linear-row masks (DfnModel.linearRows) by layout and the materials' kinds of D_s (null: none) */
const linearCache = new Map<string, Uint8Array | null>();

/**
 * fixed-point passes of DfnModel.algebraicGuess's reaction distribution (each flux moved by its kinetics'
 * mismatch over its charge-transfer resistance, then the potentials again): two take the DFN 1C's consistent
 * initialisation (PyBaMM tolerance) from four Newton iterations to two
 */
const GUESS_FLUX_PASSES = 2;
/**
 * the starting guess keeps c_e/c_e0 and the surface θ at least this far from 0 (θ also from 1), so that its
 * √(c_e θ(1−θ)) and asinh stay finite (a guess only: the consistent initialisation then solves the exact
 * equations; dimensionless, an assumption far below the states' own values, so that it acts only at the ends)
 */
const GUESS_FLOOR = 1e-6;

/** distance of a particle surface stoichiometry from 0 or 1 at which a step ends as infeasible */
const STOICHIOMETRY_MARGIN = 1e-5;

/** the products of a DfnModel build that depend only on its parameter values, mesh and options (DfnBuild) */
interface DfnBuild {
  name: string;
  nominalCapacity_C: number;
  n: number;
  atol: Float64Array;
  area_m2: number;
  nx: number;
  nr: number;
  dom: Int8Array;
  dx: Float64Array;
  xc: Float64Array;
  eps: Float64Array;
  tau: Float64Array;
  gFace: Float64Array;
  sFace: Float64Array;
  iCs: Int32Array;
  iJ: Int32Array;
  iCe: Int32Array;
  iPe: Int32Array;
  iPs: Int32Array;
  iI: number;
  iT: number;
  mats: readonly [readonly ElectrodeConst[], readonly ElectrodeConst[]];
  allMats: readonly ElectrodeConst[];
  stride: number;
  rColl: number;
  massDiag: Float64Array;
  Tref: number;
  voltageLimits_V: { readonly min: number; readonly max: number };
  deT: OcpTable | null;
  kaT: OcpTable | null;
  tfT: OcpTable | null;
  kinRow: Int32Array;
  marginIdx: readonly Int32Array[];
  /**
   * what the DfnModel constructor derives from a build, kept on it for the next model built from it:
   * the layout's key, Jacobian pattern and linear-row mask (by-layout caches), and the residual kernel with
   * the parameter values it reads besides the build's (kernelInputs). Undefined until the first model
   */
  layout?: { key: string; pattern: JacobianPattern };
  lin?: Uint8Array | null;
  kern?: { inputs: unknown[]; kern: DfnResidualKernel | null };
  /**
   * DfnModel.jac's entry sequences, [every row, the held linear rows left out] (null: not recorded yet), and
   * the value scratch of its jacInto (the models of a build take turns: a jac call does not re-enter)
   */
  jacSeq?: [JacobianSequence | null, JacobianSequence | null];
  jacVals?: Float64Array;
}

/** D_e's and κ's tables on one grid (DfnModel.eGrid): start, 1/h, intervals and each one's coefficients */
interface ElectrolyteGrid {
  readonly x0: number;
  readonly invh: number;
  readonly nInt: number;
  readonly cD: Float64Array;
  readonly cK: Float64Array;
}
/** no common grid: nInt 0 sends every face to the tables' own lookups */
const NO_GRID: ElectrolyteGrid = { x0: 0, invh: 0, nInt: 0, cD: new Float64Array(0), cK: new Float64Array(0) };

/** the (row, column) of each entry of DfnModel.jacInto, in its order */
interface JacobianSequence {
  readonly rows: Int32Array;
  readonly cols: Int32Array;
}

/**
 * The parameter values a DfnBuild reads (numbers, and the property functions and objects by identity):
 * a cached build is reused only while they are all the same (BPX parameters are readonly, but a caller
 * may still change a field in place between two builds)
 */
function buildInputs(p: LiquidCellParams): unknown[] {
  const c = p.cell;
  const ely = p.electrolyte;
  const s = p.separator;
  const out: unknown[] = [
    c.electrodeArea_m2,
    c.electrodePairs,
    c.nominalCapacity_Ah,
    c.referenceTemperature_K,
    c.lowerCutoff_V,
    c.upperCutoff_V,
    ely.initialConcentration_mol_m3,
    ely.diffusivity,
    ely.conductivity,
    ely.thermodynamicFactor,
    s.thickness_m,
    s.porosity,
    s.transportEfficiency,
  ];
  for (const e of [p.negative, p.positive]) {
    out.push(e.thickness_m, e.porosity, e.transportEfficiency, e.conductivity_S_m, e.particles, e.particles.length);
    for (const q of e.particles.length > 1 ? e.particles : [e]) {
      const h = q.hysteresis;
      out.push(q, q.name, q.particleRadius_m, q.maxConcentration_mol_m3, q.surfaceArea_per_m, q.activeFraction);
      out.push(q.diffusivity, q.ocp, h, h?.lithiation, h?.delithiation);
    }
  }
  return out;
}

/**
 * The parameter values DfnModel.residualKernel reads besides buildInputs' (the kernel's constants at T_ref):
 * a build's kernel is reused only while they are all the same
 */
function kernelInputs(p: LiquidCellParams, allMats: readonly ElectrodeConst[]): unknown[] {
  const ely = p.electrolyte;
  const out: unknown[] = [ely.transferenceNumber, ely.diffusivityActivation_J_mol, ely.conductivityActivation_J_mol];
  for (const el of allMats) {
    const e = el.e;
    out.push(e.rateConstant_mol_m2_s, e.rateActivation_J_mol, e.diffusivityActivation_J_mol);
  }
  return out;
}

/**
 * DfnModel.jac's per-material scratch (jacMat), JM_STRIDE slots per material g: its D_s Arrhenius factor,
 * D_s when constant (else 0), k(T), and the hysteresis weight of its OCP (0.5 without hysteresis)
 */
const JM_ARR_DS = 0;
const JM_DS = 1;
const JM_K = 2;
const JM_W = 3;
const JM_STRIDE = 4;

/** a and b of the same length and element by element the same (Object.is) */
function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** a cached DfnBuild: its options (mesh, thermal, hysteresis, scaledAtol), the inputs it was built from, the build */
interface BuildEntry {
  readonly mesh: LiquidMesh;
  readonly thermal: boolean;
  readonly hysteresis: boolean;
  readonly scaledAtol: number | undefined;
  readonly inputs: unknown[];
  readonly build: DfnBuild;
}

/**
 * DfnBuilds by parameter object and (mesh, thermal, hysteresis, scaledAtol): the bench and a user who
 * re-runs a cell build the same model again and again; the typed arrays of a build (≈ 30, each an
 * allocation that costs more than its filling) and the material tables are then shared, read-only, by
 * the models built from it. At most 16 per parameter object, looked up by their options' values
 */
const buildCache = new WeakMap<LiquidCellParams, BuildEntry[]>();

function dfnBuild(
  params: LiquidCellParams,
  mesh: LiquidMesh,
  thermal: boolean,
  hysteresis: boolean,
  scaledAtol: number | undefined,
): DfnBuild {
  let entries = buildCache.get(params);
  const inputs = buildInputs(params);
  let at = -1;
  if (entries !== undefined)
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const m = e.mesh;
      if (
        m.negative === mesh.negative &&
        m.separator === mesh.separator &&
        m.positive === mesh.positive &&
        m.particle === mesh.particle &&
        e.thermal === thermal &&
        e.hysteresis === hysteresis &&
        Object.is(e.scaledAtol, scaledAtol)
      ) {
        if (sameValues(e.inputs, inputs)) return e.build;
        at = i;
        break;
      }
    }
  const o = {} as DfnBuild;
  const blendNote = [params.negative, params.positive].some((e) => e.particles.length > 1)
    ? `, blended ${params.negative.particles.length} | ${params.positive.particles.length} materials`
    : '';
  o.name = `dfn (${mesh.negative}/${mesh.separator}/${mesh.positive} x, ${mesh.particle} r${blendNote}${thermal ? ', lumped thermal' : ''})`;
  const c = params.cell;
  o.area_m2 = c.electrodeArea_m2 * c.electrodePairs;
  o.nominalCapacity_C = Ah(c.nominalCapacity_Ah);
  o.Tref = c.referenceTemperature_K;
  o.voltageLimits_V = { min: c.lowerCutoff_V, max: c.upperCutoff_V };
  const nx = mesh.negative + mesh.separator + mesh.positive;
  const nr = mesh.particle;
  o.nx = nx;
  o.nr = nr;
  o.dom = new Int8Array(nx);
  o.dx = new Float64Array(nx);
  o.xc = new Float64Array(nx);
  o.eps = new Float64Array(nx);
  o.tau = new Float64Array(nx);
  const doms: Array<[number, number, number, number]> = [
    [mesh.negative, params.negative.thickness_m, params.negative.porosity, params.negative.transportEfficiency],
    [mesh.separator, params.separator.thickness_m, params.separator.porosity, params.separator.transportEfficiency],
    [mesh.positive, params.positive.thickness_m, params.positive.porosity, params.positive.transportEfficiency],
  ];
  let k = 0;
  let x0 = 0;
  for (let d = 0; d < 3; d++) {
    const [m, L, ep, ta] = doms[d]!;
    for (let i = 0; i < m; i++, k++) {
      o.dom[k] = d;
      o.dx[k] = L / m;
      o.xc[k] = x0 + (i + 0.5) * (L / m);
      o.eps[k] = ep;
      o.tau[k] = ta;
    }
    x0 += L;
  }
  o.gFace = new Float64Array(Math.max(nx - 1, 0));
  o.sFace = new Float64Array(Math.max(nx - 1, 0));
  for (let f = 0; f < nx - 1; f++) {
    o.gFace[f] = 1 / (o.dx[f]! / (2 * o.tau[f]!) + o.dx[f + 1]! / (2 * o.tau[f + 1]!));
    const d = o.dom[f]!;
    if (d !== 1 && o.dom[f + 1] === d) {
      const sig = d === 0 ? params.negative.conductivity_S_m : params.positive.conductivity_S_m;
      o.sFace[f] = sig / (0.5 * (o.dx[f]! + o.dx[f + 1]!));
    }
  }
  const mkElec = (e: BpxParticle, lithSign: 1 | -1): ElectrodeConst => {
    const { dr, faceCoef, invVol, vol } = sphereShells(e.particleRadius_m, nr);
    return {
      e,
      name: e.name,
      cmax: e.maxConcentration_mol_m3,
      a: e.surfaceArea_per_m,
      epsS: e.activeFraction,
      Rp: e.particleRadius_m,
      dr,
      faceCoef,
      invVol,
      vol,
      dsConst: isConstantFn(e.diffusivity),
      ocpT: ocpTable(e.ocp, params.cell.referenceTemperature_K),
      hyst: hysteresis ? electrodeHysteresis(e, params.cell.referenceTemperature_K) : null,
      lithSign,
    };
  };
  // a one-material electrode is its own material (its top-level fields); a blend: one per material
  const materials = (e: BpxElectrode, lithSign: 1 | -1): ElectrodeConst[] =>
    e.particles.length > 1 ? e.particles.map((q) => mkElec(q, lithSign)) : [mkElec(e, lithSign)];
  o.mats = [materials(params.negative, -1), materials(params.positive, 1)];
  o.allMats = [...o.mats[0], ...o.mats[1]];
  o.stride = nr + 1;
  const ely = params.electrolyte;
  const tab = (f: PropertyFn): OcpTable | null =>
    isConstantFn(f) ? null : electrolyteTable(f, o.Tref, ely.initialConcentration_mol_m3);
  o.deT = tab(ely.diffusivity);
  o.kaT = tab(ely.conductivity);
  o.tfT = tab(ely.thermodynamicFactor);
  // unknown layout
  o.iCs = new Int32Array(nx).fill(-1);
  o.iJ = new Int32Array(nx).fill(-1);
  o.iCe = new Int32Array(nx);
  o.iPe = new Int32Array(nx);
  o.iPs = new Int32Array(nx).fill(-1);
  let idx = 0;
  for (let kk = 0; kk < nx; kk++) {
    if (o.dom[kk] !== 1) {
      o.iCs[kk] = idx;
      o.iJ[kk] = idx + nr;
      idx += o.mats[o.dom[kk] === 0 ? 0 : 1].length * o.stride;
      o.iCe[kk] = idx++;
      o.iPe[kk] = idx++;
      o.iPs[kk] = idx++;
    } else {
      o.iCe[kk] = idx++;
      o.iPe[kk] = idx++;
    }
  }
  const kin: number[] = [];
  for (let kk = 0; kk < nx; kk++) {
    if (o.dom[kk] === 1) continue;
    const nm = o.mats[o.dom[kk] === 0 ? 0 : 1].length;
    for (let q = 0; q < nm; q++) kin.push(o.iJ[kk]! + q * o.stride);
  }
  o.kinRow = Int32Array.from(kin);
  // per material: the outer shell of its particle in each volume of its electrode (stoichiometryMargin)
  o.marginIdx = o.allMats.map((_, g) => {
    const neg = g < o.mats[0].length;
    const q = neg ? g : g - o.mats[0].length;
    const out: number[] = [];
    for (let kk = 0; kk < nx; kk++) if (o.dom[kk] === (neg ? 0 : 2)) out.push(o.iCs[kk]! + q * o.stride + nr - 1);
    return Int32Array.from(out);
  });
  o.iI = idx++;
  o.iT = thermal ? idx++ : -1;
  o.n = idx;
  o.rColl = o.dx[nx - 1]! / (2 * params.positive.conductivity_S_m) + o.dx[0]! / (2 * params.negative.conductivity_S_m);
  o.massDiag = new Float64Array(o.n);
  o.atol = new Float64Array(o.n);
  for (let kk = 0; kk < nx; kk++) {
    o.massDiag[o.iCe[kk]!] = 1;
    o.atol[o.iCe[kk]!] = 1e-3;
    o.atol[o.iPe[kk]!] = 1e-5; // V: 10 µV (the voltage is ~4 V, rtol 1e-6 of it is 4 µV)
    if (o.dom[kk] !== 1) {
      const nm = o.mats[o.dom[kk] === 0 ? 0 : 1].length;
      for (let q = 0; q < nm; q++) {
        const b = o.iCs[kk]! + q * o.stride;
        for (let i = 0; i < nr; i++) {
          o.massDiag[b + i] = 1;
          o.atol[b + i] = 1e-3;
        }
        o.atol[b + nr] = 1e-10; // j, mol/m²/s (1C flux ≈ 1e-5)
      }
      o.atol[o.iPs[kk]!] = 1e-5;
    }
  }
  o.atol[o.iI] = 1e-5; // A
  if (o.iT >= 0) {
    o.massDiag[o.iT] = 1;
    o.atol[o.iT] = 1e-4;
  }
  const sa = checkScaledAtol(scaledAtol);
  if (sa !== undefined) {
    // PyBaMM's scaled state (LiquidModelOptions.scaledAtol): c_e/c_e0, c_s/c_max, potentials in V
    const ce0 = params.electrolyte.initialConcentration_mol_m3;
    for (let kk = 0; kk < nx; kk++) {
      o.atol[o.iCe[kk]!] = sa * ce0;
      o.atol[o.iPe[kk]!] = sa;
      if (o.dom[kk] === 1) continue;
      o.atol[o.iPs[kk]!] = sa;
      const ms = o.mats[o.dom[kk] === 0 ? 0 : 1];
      for (let q = 0; q < ms.length; q++) {
        const b = o.iCs[kk]! + q * o.stride;
        for (let i = 0; i < nr; i++) o.atol[b + i] = sa * ms[q]!.cmax;
      }
    }
  }
  if (entries === undefined) {
    entries = [];
    buildCache.set(params, entries);
  }
  const entry: BuildEntry = { mesh: { ...mesh }, thermal, hysteresis, scaledAtol, inputs, build: o };
  if (at >= 0) entries[at] = entry;
  else {
    if (entries.length >= 16) entries.length = 0;
    entries.push(entry);
  }
  return o;
}

export class DfnModel implements CellModel {
  readonly name: string;
  readonly nominalCapacity_C: number;
  readonly n: number;
  readonly atol: Float64Array;
  readonly params: LiquidCellParams;
  readonly mesh: LiquidMesh;
  /** the lumped thermal model (its ambient changes with setAmbientTemperature), undefined when isothermal */
  thermal: LumpedThermal | undefined;
  /** total electrode area (all pairs), m² */
  readonly area_m2: number;

  // mesh
  readonly nx: number;
  readonly nr: number;
  readonly dom: Int8Array; // 0 negative, 1 separator, 2 positive
  readonly dx: Float64Array;
  readonly xc: Float64Array;
  readonly eps: Float64Array;
  readonly tau: Float64Array;
  /** conductance factor of the face between volumes k and k+1: 1/(Δx_k/(2τ_k) + Δx_{k+1}/(2τ_{k+1})) */
  readonly gFace: Float64Array;
  /** solid conductance σ/((Δx_k+Δx_{k+1})/2) for faces within an electrode, 0 elsewhere */
  readonly sFace: Float64Array;
  readonly iCs: Int32Array; // first particle unknown (−1 in separator)
  readonly iJ: Int32Array;
  readonly iCe: Int32Array;
  readonly iPe: Int32Array;
  readonly iPs: Int32Array;
  readonly iI: number;
  readonly iT: number; // −1 when isothermal
  /** the active materials of the negative [0] and positive [1] electrode: one each, several in a blend */
  readonly mats: readonly [readonly ElectrodeConst[], readonly ElectrodeConst[]];
  /** every material, the negative's first (index g; the positive's start at mats[0].length) */
  private readonly allMats: readonly ElectrodeConst[];
  /** unknowns per material in an electrode volume: its Nr shells and its pore-wall flux j */
  readonly stride: number;
  /** terminal-voltage series resistance of the half volumes at the collectors (Ω·m²) */
  readonly rColl: number;
  readonly massDiag: Float64Array;
  private readonly bandLower: number;
  private readonly bandUpper: number;
  readonly Tref: number;
  /**
   * the cell temperature of the isothermal model (= the ambient temperature, as in PyBaMM's isothermal
   * models) and the initial temperature of the lumped-thermal one, K
   */
  T0: number;
  readonly voltageLimits_V: { readonly min: number; readonly max: number };

  constructor(
    params: LiquidCellParams,
    opts: {
      mesh?: Partial<LiquidMesh>;
      thermal?: boolean | ThermalOptions;
      hysteresis?: boolean;
      scaledAtol?: number;
    } = {},
  ) {
    this.params = params;
    const mesh = resolveMesh(opts.mesh);
    this.mesh = mesh;
    this.thermal = resolveThermal(params, opts.thermal);
    const c = params.cell;
    this.T0 = this.thermal ? c.initialTemperature_K : c.ambientTemperature_K;
    const b = dfnBuild(params, mesh, this.thermal !== undefined, opts.hysteresis !== false, opts.scaledAtol);
    this.name = b.name;
    this.nominalCapacity_C = b.nominalCapacity_C;
    this.n = b.n;
    this.atol = b.atol;
    this.area_m2 = b.area_m2;
    this.nx = b.nx;
    this.nr = b.nr;
    this.dom = b.dom;
    this.dx = b.dx;
    this.xc = b.xc;
    this.eps = b.eps;
    this.tau = b.tau;
    this.gFace = b.gFace;
    this.sFace = b.sFace;
    this.iCs = b.iCs;
    this.iJ = b.iJ;
    this.iCe = b.iCe;
    this.iPe = b.iPe;
    this.iPs = b.iPs;
    this.iI = b.iI;
    this.iT = b.iT;
    this.mats = b.mats;
    this.allMats = b.allMats;
    this.stride = b.stride;
    this.rColl = b.rColl;
    this.massDiag = b.massDiag;
    this.Tref = b.Tref;
    this.voltageLimits_V = b.voltageLimits_V;
    this.deT = b.deT;
    this.kaT = b.kaT;
    this.tfT = b.tfT;
    // D_e and κ tabulated on one grid (electrolyteTable: the same range and intervals for every property of
    // c_e): residual and jacInto take both from one interval search
    const { deT, kaT } = b;
    this.eGrid =
      deT !== null && kaT !== null && deT.x0 === kaT.x0 && deT.invh === kaT.invh && deT.nInt === kaT.nInt
        ? { x0: deT.x0, invh: deT.invh, nInt: deT.nInt, cD: deT.c, cK: kaT.c }
        : NO_GRID;
    // a constant thermodynamic factor (a BPX number) is read once rather than called per face
    const tf = params.electrolyte.thermodynamicFactor;
    this.tfConst = b.tfT === null && isConstantFn(tf);
    this.tf0 = this.tfConst ? tf(params.electrolyte.initialConcentration_mol_m3, b.Tref) : 0;
    this.kinRow = b.kinRow;
    this.marginIdx = b.marginIdx;
    // the residual's scratch: the model's own
    this.lnCe = new Float64Array(b.nx);
    this.kinPre = new Float64Array(b.kinRow.length);
    this.kinArg = new Float64Array(b.kinRow.length);
    this.kTs = new Float64Array(b.allMats.length);
    this.arrDss = new Float64Array(b.allMats.length);
    this.dscs = new Float64Array(b.allMats.length);
    this.jacLnCe = new Float64Array(b.nx);
    this.marginArr = new Float64Array(b.allMats.length);
    this.marginDen = new Float64Array(b.allMats.length);
    this.jacMat = new Float64Array(JM_STRIDE * b.allMats.length);
    this.build = b;
    // structure of the analytic Jacobian: banded when isothermal; with the lumped temperature the
    // T row and column are full, so a sparse (bordered-banded) pattern. It depends only on the mesh, the
    // materials per electrode and the thermal option: computed once per such layout and shared, so that
    // the solver's symbolic analysis of it (../../numerics/condensed.ts) is shared too (and kept on the
    // build for the next model built from it)
    let layout = b.layout;
    if (layout === undefined) {
      const key = `${mesh.negative}/${mesh.separator}/${mesh.positive}/${b.nr}/${this.mats[0].length}/${this.mats[1].length}/${this.iT >= 0}`;
      let pat = patternCache.get(key);
      if (!pat) {
        pat = this.jacobianPattern();
        if (patternCache.size >= 64) patternCache.clear();
        patternCache.set(key, pat);
      }
      layout = { key, pattern: pat };
      b.layout = layout;
    }
    const pat = layout.pattern;
    this.layoutKey = layout.key;
    this.bandLower = pat.lower;
    this.bandUpper = pat.upper;
    this.pattern = { rows: pat.rows, cols: pat.cols };
    // the kernel depends on the build and a few more parameter values (kernelInputs): one per build while
    // they stay the same, shared by its models (it keeps no state of a model between two residual calls:
    // the thread's kernel memory holds the loaded one, which a model of the same build then need not reload)
    const kin = kernelInputs(params, b.allMats);
    const kc = b.kern;
    if (kc !== undefined && sameValues(kc.inputs, kin)) this.kern = kc.kern;
    else {
      this.kern = this.residualKernel();
      b.kern = { inputs: kin, kern: this.kern };
    }
  }

  /** the build this model was made from (shared with the other models of the same parameters and options) */
  private readonly build: DfnBuild;

  /**
   * the WebAssembly kernel of the nonlinear residual (./dfn-kernel.ts) where the model is of its kind:
   * isothermal, every material without hysteresis, with a tabulated OCP and a constant D_s, D_e and κ
   * tabulated on one grid, the thermodynamic factor constant or tabulated on that grid; null otherwise.
   * Its constants are those of T = T_ref (residual uses it only while T0 = T_ref)
   */
  private residualKernel(): DfnResidualKernel | null {
    if (this.iT >= 0) return null;
    const { deT, kaT, tfT, Tref } = this;
    if (deT === null || kaT === null) return null;
    const sameGrid = (t: OcpTable): boolean => t.x0 === deT.x0 && t.invh === deT.invh && t.nInt === deT.nInt;
    if (!sameGrid(kaT)) return null;
    const ely = this.params.electrolyte;
    if (tfT !== null ? !sameGrid(tfT) : !isConstantFn(ely.thermodynamicFactor)) return null;
    const mats = [];
    for (const el of this.allMats) {
      if (el.hyst !== null || el.ocpT === null || !el.dsConst) return null;
      const e = el.e;
      mats.push({
        cmax: el.cmax,
        dr: el.dr,
        a: el.a,
        ocp: el.ocpT,
        kT: e.rateConstant_mol_m2_s * arrhenius(e.rateActivation_J_mol, Tref, Tref),
        ds: e.diffusivity(0, Tref) * arrhenius(e.diffusivityActivation_J_mol, Tref, Tref),
        rp: el.Rp,
        faceCoef: el.faceCoef,
        invVol: el.invVol,
      });
    }
    // the residual's scalars at T = T_ref, the same expressions
    const T = Tref;
    const RTF2 = (2 * R * T) / F;
    const tp = ely.transferenceNumber;
    const c1 = RTF2 * (1 - tp);
    return new DfnResidualKernel({
      n: this.n,
      nx: this.nx,
      nr: this.nr,
      stride: this.stride,
      nNeg: this.mats[0].length,
      mats,
      dom: this.dom,
      iCe: this.iCe,
      iPe: this.iPe,
      iPs: this.iPs,
      iCs: this.iCs,
      gFace: this.gFace,
      sFace: this.sFace,
      dx: this.dx,
      eps: this.eps,
      de: deT,
      ka: kaT,
      tf: tfT,
      arrDe: arrhenius(ely.diffusivityActivation_J_mol, Tref, T),
      arrKe: arrhenius(ely.conductivityActivation_J_mol, Tref, T),
      c1,
      nuConst: tfT === null ? c1 * ely.thermodynamicFactor(ely.initialConcentration_mol_m3, Tref) : 0,
      ce0: ely.initialConcentration_mol_m3,
      omt: 1 - tp,
      halfFRT: F / (2 * R * T),
      F,
      thLo: -THETA_OUT,
      thHi: 1 + THETA_OUT,
      thEps: THETA_EPS,
    });
  }

  /** the nonlinear residual's kernel (null: the model is not of its kind) */
  private readonly kern: DfnResidualKernel | null;

  /** the structural nonzeros of jac() (every entry it adds, whatever its value) and the band widths */
  private jacobianPattern(): JacobianPattern {
    let lo = 0;
    let up = 0;
    const y = this.initialState(0.5);
    const seen = new Set<number>();
    const rows: number[] = [];
    const cols: number[] = [];
    this.jac(
      0,
      y,
      { mode: 'current', value: -1 },
      {
        add: (i: number, j: number) => {
          if (i - j > lo) lo = i - j;
          if (j - i > up) up = j - i;
          const key = i * this.n + j;
          if (!seen.has(key)) {
            seen.add(key);
            rows.push(i);
            cols.push(j);
          }
        },
      },
    );
    return { rows: Int32Array.from(rows), cols: Int32Array.from(cols), lower: lo, upper: up };
  }

  private readonly pattern: { rows: Int32Array; cols: Int32Array };
  /** the unknown layout (mesh, materials per electrode, thermal): the key of patternCache */
  private readonly layoutKey: string;
  /** electrolyte diffusivity, conductivity and thermodynamic factor of c_e at T_ref tabulated (null: constant or not tabulable) */
  private readonly deT: OcpTable | null;
  private readonly kaT: OcpTable | null;
  private readonly tfT: OcpTable | null;
  /** deT and kaT's common grid and coefficients (nInt 0: no common grid; the tables' own lookups then) */
  private readonly eGrid: ElectrolyteGrid;
  /** the thermodynamic factor is constant (and not tabulated), tf0 its value */
  private readonly tfConst: boolean;
  private readonly tf0: number;
  /** scratch: ln c_e per volume (residual) */
  private readonly lnCe: Float64Array;
  /**
   * scratch of the residual's kinetics rows, one per (electrode volume, material) in the order of its
   * volume loop: the pore-wall flux's row, 2k·√(c_e/c_e0·θ(1−θ)) and F·η/2RT. The rows are written by a
   * sweep of their own after the loop, so that the sinh calls (calls into the runtime, which spill what
   * the volume loop keeps live) run back to back (same expression, same operation order)
   */
  private readonly kinRow: Int32Array;
  /** per material g: the index of its outer shell's c_s in each volume of its electrode (its j follows) */
  private readonly marginIdx: readonly Int32Array[];
  private readonly kinPre: Float64Array;
  private readonly kinArg: Float64Array;
  /** scratch per material g (residual): rate constant and D_s Arrhenius factor at T, D_s when constant */
  private readonly kTs: Float64Array;
  private readonly arrDss: Float64Array;
  private readonly dscs: Float64Array;
  /** scratch of jac: ln c_e per volume; per material g its D_s Arrhenius factor, D_s when constant, k(T), hysteresis weight */
  private readonly jacLnCe: Float64Array;
  /** stoichiometryMargin's per-material Arrhenius factor of D_s and 2·D_s (constant D_s) at marginT (NaN: none yet) */
  private marginT = NaN;
  private readonly marginArr: Float64Array;
  private readonly marginDen: Float64Array;
  private readonly jacMat: Float64Array;

  get structure(): JacobianStructure {
    // sparse pattern with the particle chains condensed onto their pore-wall flux (../../numerics/condensed.ts):
    // the remaining band has width ≈ 9 instead of 2·(Nr + 4)
    return { kind: 'sparse', rows: this.pattern.rows, cols: this.pattern.cols, condense: true };
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
    const p = this.params;
    const T = this.T0;
    const y = new Float64Array(this.n);
    // the materials' stoichiometries at rest and the electrodes' OCP: one material, its window at soc;
    // a blend, its materials at one common OCP (restStoichiometries)
    let un: number;
    let up: number;
    let thN: readonly number[];
    let thP: readonly number[];
    const [mN, mP] = this.mats;
    if (mN.length === 1 && mP.length === 1) {
      const { xn, xp } = stoichiometries(p, soc);
      un = ocp(p.negative, xn, T, this.Tref);
      up = ocp(p.positive, xp, T, this.Tref);
      thN = [xn];
      thP = [xp];
    } else {
      if (!(soc >= 0 && soc <= 1)) throw new Error(`soc: must be within 0..1 (got ${soc})`);
      const U = (el: ElectrodeConst, th: number): number =>
        uRef(el, th, this.Tref) + (T === this.Tref ? 0 : (T - this.Tref) * el.e.entropic(th, this.Tref));
      const at = (ms: readonly ElectrodeConst[], side: 0 | 1): number[] =>
        restStoichiometries(
          ms.map((el) => el.e),
          side,
          soc,
          (k, th) => U(ms[k]!, th),
        );
      thN = at(mN, 0);
      thP = at(mP, 1);
      un = U(mN[0]!, thN[0]!);
      up = U(mP[0]!, thP[0]!);
    }
    for (let k = 0; k < this.nx; k++) {
      y[this.iCe[k]!] = p.electrolyte.initialConcentration_mol_m3;
      y[this.iPe[k]!] = -un;
      const d = this.dom[k]!;
      if (d === 1) continue;
      const ms = this.mats[d === 0 ? 0 : 1];
      const ths = d === 0 ? thN : thP;
      for (let q = 0; q < ms.length; q++) {
        const b = this.iCs[k]! + q * this.stride;
        for (let i = 0; i < this.nr; i++) y[b + i] = ths[q]! * ms[q]!.cmax;
        y[b + this.nr] = 0;
      }
      y[this.iPs[k]!] = d === 0 ? 0 : up - un;
    }
    y[this.iI] = 0;
    if (this.iT >= 0) y[this.iT] = T;
    return y;
  }

  /**
   * A starting point for the algebraic unknowns at terminal current I (A), the differential ones as in
   * y. The pore-wall fluxes start uniform in each electrode (each material's alike); then φ_e from the
   * electrolyte's ohmic (κ_eff) and diffusion (ln c_e) drops at the electrolyte current these fluxes
   * give, φ_s from the solid's ohmic drop (σ_eff) at i_dis − i_e — the residual's own face laws, so the
   * charge balances hold exactly for these fluxes — and their offsets (φ_e's, the gauge φ_s = 0 in the
   * first negative volume holding φ_s; φ_s's in the positive electrode) such that φ_s − φ_e equals
   * U(θ_surf) + η (Butler–Volmer at the flux) on average over each electrode (weighted by a·Δx). Then
   * GUESS_FLUX_PASSES times: each flux moved by its mismatch φ_s − φ_e − U − η (less the electrode's mean)
   * over its charge-transfer resistance (Butler–Volmer linearised at it), scaled to carry the current, and
   * the potentials again (a fixed-point pass: the reaction distribution's error shrinks ≈ 4× a pass on the
   * BPX cell at 1C). The drivers hand it to the solver's consistent initialisation, which
   * then needs two Newton iterations instead of four (DFN 1C, PyBaMM tolerance).
   */
  algebraicGuess(y: Float64Array, I: number): void {
    const T = this.temperature(y);
    const Tref = this.Tref;
    const p = this.params;
    const ely = p.electrolyte;
    const ce0 = ely.initialConcentration_mol_m3;
    const idis = -I / this.area_m2;
    const twoRTF = (2 * R * T) / F;
    const { nx, dom, dx, iCe, iPe, iPs, iJ, gFace, sFace, stride, mats, allMats } = this;
    const nNeg = mats[0].length;
    const nMat = allMats.length;
    // per material g: D_s's Arrhenius factor, D_s when constant, the rate constant at T and the hysteresis weight
    const { arrDss, dscs, kTs } = this;
    const wts = new Float64Array(nMat);
    for (let g = 0; g < nMat; g++) {
      const el = allMats[g]!;
      const e = el.e;
      arrDss[g] = arrhenius(e.diffusivityActivation_J_mol, Tref, T);
      dscs[g] = el.dsConst ? e.diffusivity(0, Tref) * arrDss[g]! : 0;
      kTs[g] = e.rateConstant_mol_m2_s * arrhenius(e.rateActivation_J_mol, Tref, T);
      wts[g] = lithiationWeight(el.lithSign, I, this.area_m2);
    }
    // per face: the electrolyte's diffusion drop ν·ln(c_b/c_a) and 1/(κG) (the same in every pass)
    const arrKe = arrhenius(ely.conductivityActivation_J_mol, Tref, T);
    const tf = ely.thermodynamicFactor;
    const c1 = twoRTF * (1 - ely.transferenceNumber);
    const nF = nx - 1;
    // per pore-wall flux g (the order of kinRow: volumes, then materials): U(θ_surf), 2k·√(c_e/c_e0·θ(1−θ)),
    // the kinetics' mismatch φ_s − φ_e − U − η; then the faces' drops
    const nK = this.kinRow.length;
    const sc = new Float64Array(3 * nK + 2 * nF);
    const fD = 3 * nK;
    const fR = fD + nF;
    for (let f = 0; f < nF; f++) {
      const ca = y[iCe[f]!]!;
      const cb = y[iCe[f + 1]!]!;
      const cf = 0.5 * (ca + cb);
      sc[fD + f] = cb === ca ? 0 : c1 * prop(this.tfT, tf, cf, Tref) * Math.log(cb / ca);
      sc[fR + f] = 1 / (prop(this.kaT, ely.conductivity, cf, Tref) * arrKe * gFace[f]!);
    }
    // uniform fluxes
    for (let k = 0; k < nx; k++) {
      const d = dom[k]!;
      if (d === 1) continue;
      const ms = mats[d === 0 ? 0 : 1];
      let aTot = 0;
      for (let q = 0; q < ms.length; q++) aTot += ms[q]!.a;
      const L = d === 0 ? p.negative.thickness_m : p.positive.thickness_m;
      const j = ((d === 0 ? 1 : -1) * idis) / (aTot * F * L);
      for (let q = 0; q < ms.length; q++) y[iJ[k]! + q * stride] = j;
    }
    for (let pass = 0; ; pass++) {
      // potentials relative to the first volume of their region: φ_e from volume 0, φ_s from each electrode's first
      let ie = 0;
      let pe = 0;
      let ps = 0;
      y[iPe[0]!] = 0;
      y[iPs[0]!] = 0;
      for (let f = 0; f < nF; f++) {
        // the electrolyte current through face f: the reaction of the volumes up to f
        if (dom[f] !== 1) {
          const ms = mats[dom[f] === 0 ? 0 : 1];
          for (let q = 0; q < ms.length; q++) ie += F * ms[q]!.a * y[iJ[f]! + q * stride]! * dx[f]!;
        }
        // i_e = −κG(φ_e,b − φ_e,a) + κGν(ln c_b − ln c_a)
        pe += sc[fD + f]! - ie * sc[fR + f]!;
        y[iPe[f + 1]!] = pe;
        const sF = sFace[f]!;
        if (sF > 0) {
          // i_s = i_dis − i_e = −σ'(φ_s,b − φ_s,a)
          ps -= (idis - ie) / sF;
          y[iPs[f + 1]!] = ps;
        } else if (dom[f + 1] === 2) {
          ps = 0;
          y[iPs[f + 1]!] = 0;
        }
      }
      // the kinetics' mismatch at each flux, and its mean (weighted by a·Δx) over each electrode's materials
      let mn = 0;
      let wn = 0;
      let mp = 0;
      let wp = 0;
      for (let k = 0, g = 0; k < nx; k++) {
        const d = dom[k]!;
        if (d === 1) continue;
        const g0 = d === 0 ? 0 : nNeg;
        const gEnd = d === 0 ? nNeg : nMat;
        const dse = y[iPs[k]!]! - y[iPe[k]!]!;
        const cer = Math.max(y[iCe[k]!]! / ce0, GUESS_FLOOR);
        for (let m = g0; m < gEnd; m++, g++) {
          const el = allMats[m]!;
          const e = el.e;
          const ij = iJ[k]! + (m - g0) * stride;
          const j = y[ij]!;
          const cN = y[ij - 1]!;
          const Ds = el.dsConst ? dscs[m]! : e.diffusivity(cN / el.cmax, Tref) * arrDss[m]!;
          let th = (cN - (j * el.dr) / (2 * Ds)) / el.cmax;
          th = th < GUESS_FLOOR ? GUESS_FLOOR : th > 1 - GUESS_FLOOR ? 1 - GUESS_FLOOR : th;
          const U = uRef(el, th, Tref, wts[m]!) + (T === Tref ? 0 : (T - Tref) * e.entropic(th, Tref));
          const kv = 2 * kTs[m]! * Math.sqrt(cer * th * (1 - th));
          sc[g] = U;
          sc[nK + g] = kv;
          const r = dse - U - twoRTF * Math.asinh(j / kv);
          sc[2 * nK + g] = r;
          const w = el.a * dx[k]!;
          if (d === 0) {
            mn += r * w;
            wn += w;
          } else {
            mp += r * w;
            wp += w;
          }
        }
      }
      // negative: φ_s is held by the gauge, so φ_e moves by the mean; positive: then φ_s by −(its mean)
      mn /= wn;
      mp /= wp;
      for (let k = 0; k < nx; k++) {
        y[iPe[k]!] += mn;
        if (dom[k] === 2) y[iPs[k]!] += mn - mp;
      }
      if (pass === GUESS_FLUX_PASSES || idis === 0) break;
      // each flux moved by its mismatch (less the mean) over its charge-transfer resistance ∂η/∂j = (2RT/F)/√(j² + k_v²),
      // k_v = 2k·√(c_e/c_e0·θ(1−θ)) (Butler–Volmer linearised at j), then scaled to carry the current in each electrode
      let sn = 0;
      let sp = 0;
      for (let k = 0, g = 0; k < nx; k++) {
        const d = dom[k]!;
        if (d === 1) continue;
        const g0 = d === 0 ? 0 : nNeg;
        const gEnd = d === 0 ? nNeg : nMat;
        for (let m = g0; m < gEnd; m++, g++) {
          const ij = iJ[k]! + (m - g0) * stride;
          const j = y[ij]!;
          const kv = sc[nK + g]!;
          const jn = j + ((sc[2 * nK + g]! - (d === 0 ? mn : mp)) * Math.sqrt(j * j + kv * kv)) / twoRTF;
          sc[2 * nK + g] = jn;
          if (d === 0) sn += F * allMats[m]!.a * jn * dx[k]!;
          else sp -= F * allMats[m]!.a * jn * dx[k]!;
        }
      }
      // (a pass that does not give fluxes of the current's sign in both electrodes keeps the last ones)
      const cn = idis / sn;
      const cp = idis / sp;
      if (!(cn > 0 && cp > 0 && Number.isFinite(cn) && Number.isFinite(cp))) break;
      for (let k = 0, g = 0; k < nx; k++) {
        const d = dom[k]!;
        if (d === 1) continue;
        const nm = mats[d === 0 ? 0 : 1].length;
        for (let q = 0; q < nm; q++, g++) y[iJ[k]! + q * stride] = sc[2 * nK + g]! * (d === 0 ? cn : cp);
      }
    }
    y[this.iI] = I;
  }

  /** φ_s at the positive collector minus φ_s at the negative collector; the gauge holds φ_s = 0 in the first negative volume */
  voltage(y: Float64Array): number {
    return y[this.iPs[this.nx - 1]!]! + (y[this.iI]! * this.rColl) / this.area_m2;
  }

  current(y: Float64Array): number {
    return y[this.iI]!;
  }

  /** mean stoichiometry of material q's particle in electrode volume k */
  private bulk(y: Float64Array, k: number, q: number): number {
    const el = this.mats[this.dom[k] === 0 ? 0 : 1][q]!;
    const b = this.iCs[k]! + q * this.stride;
    let s = 0;
    for (let i = 0; i < this.nr; i++) s += el.vol[i]! * y[b + i]!;
    return s / (el.Rp ** 3 / 3) / el.cmax;
  }

  /** moles of Li in the particles of both electrodes (the cyclable lithium) */
  lithiumInventory_mol(y: Float64Array): number {
    let tot = 0;
    for (let k = 0; k < this.nx; k++) {
      const d = this.dom[k]!;
      if (d === 1) continue;
      const ms = this.mats[d === 0 ? 0 : 1];
      for (let q = 0; q < ms.length; q++) {
        const el = ms[q]!;
        const b = this.iCs[k]! + q * this.stride;
        let s = 0;
        for (let i = 0; i < this.nr; i++) s += el.vol[i]! * y[b + i]!;
        tot += (el.epsS * this.dx[k]! * s) / (el.Rp ** 3 / 3);
      }
    }
    return tot * this.area_m2;
  }

  /** moles of Li⁺ in the electrolyte */
  electrolyteLithium_mol(y: Float64Array): number {
    let tot = 0;
    for (let k = 0; k < this.nx; k++) tot += this.eps[k]! * this.dx[k]! * y[this.iCe[k]!]!;
    return tot * this.area_m2;
  }

  /** surface stoichiometry of material q in electrode volume k */
  private surfaceTheta(y: Float64Array, k: number, T: number, q = 0): number {
    const el = this.mats[this.dom[k] === 0 ? 0 : 1][q]!;
    const b = this.iCs[k]! + q * this.stride;
    const cN = y[b + this.nr - 1]!;
    const Ds = el.e.diffusivity(cN / el.cmax, this.Tref) * arrhenius(el.e.diffusivityActivation_J_mol, this.Tref, T);
    return (cN - (y[b + this.nr]! * el.dr) / (2 * Ds)) / el.cmax;
  }

  /**
   * Smallest distance of any particle surface stoichiometry from 0 or 1: the drivers stop at its zero
   * crossing ('stoichiometry limit'), where the cell cannot carry the imposed current any more.
   */
  stoichiometryMargin(y: Float64Array): number {
    const T = this.temperature(y);
    const Tref = this.Tref;
    const allMats = this.allMats;
    const nMat = allMats.length;
    // per material: the Arrhenius factor, and 2·D_s when D_s is constant, at T: evaluated when T changes
    // (isothermal: once; the same expressions, so the same doubles as evaluating them every call)
    const { marginArr, marginDen } = this;
    if (T !== this.marginT) {
      for (let g = 0; g < nMat; g++) {
        const el = allMats[g]!;
        const arr = arrhenius(el.e.diffusivityActivation_J_mol, Tref, T);
        marginArr[g] = arr;
        marginDen[g] = el.dsConst ? 2 * (el.e.diffusivity(0, Tref) * arr) : 0;
      }
      this.marginT = T;
    }
    // the smallest distance over every particle surface, material by material (a minimum: the order of
    // the volumes does not matter); the surface value extrapolated from the outer shell by its flux
    let m = Infinity;
    for (let g = 0; g < nMat; g++) {
      const el = allMats[g]!;
      const idx = this.marginIdx[g]!;
      const dr = el.dr;
      const cmax = el.cmax;
      if (el.dsConst) {
        const den = marginDen[g]!;
        for (let q = 0; q < idx.length; q++) {
          const b = idx[q]!;
          const th = (y[b]! - (y[b + 1]! * dr) / den) / cmax;
          const d = th < 1 - th ? th : 1 - th;
          if (d < m) m = d;
        }
      } else {
        const arr = marginArr[g]!;
        for (let q = 0; q < idx.length; q++) {
          const b = idx[q]!;
          const cN = y[b]!;
          const Ds = el.e.diffusivity(cN / cmax, Tref) * arr;
          const th = (cN - (y[b + 1]! * dr) / (2 * Ds)) / cmax;
          const d = th < 1 - th ? th : 1 - th;
          if (d < m) m = d;
        }
      }
    }
    return m;
  }

  outputs(y: Float64Array): Record<string, number> {
    const T = this.temperature(y);
    const avg = (d: number, f: (k: number) => number): number => {
      let s = 0;
      let w = 0;
      for (let k = 0; k < this.nx; k++)
        if (this.dom[k] === d) {
          s += f(k) * this.dx[k]!;
          w += this.dx[k]!;
        }
      return s / w;
    };
    let ceMin = Infinity;
    let ceMax = -Infinity;
    for (let k = 0; k < this.nx; k++) {
      const c = y[this.iCe[k]!]!;
      if (c < ceMin) ceMin = c;
      if (c > ceMax) ceMax = c;
    }
    // an electrode's mean over x of f(k, q); a blend's: weighted by its materials' capacity ε_s·c_max
    const mean = (side: 0 | 1, f: (k: number, q: number) => number): number => {
      const ms = this.mats[side];
      const d = side === 0 ? 0 : 2;
      if (ms.length === 1) return avg(d, (k) => f(k, 0));
      let wS = 0;
      for (const el of ms) wS += el.epsS * el.cmax;
      return avg(d, (k) => {
        let s = 0;
        for (let q = 0; q < ms.length; q++) s += ms[q]!.epsS * ms[q]!.cmax * f(k, q);
        return s / wS;
      });
    };
    const surf = (k: number, q: number): number => this.surfaceTheta(y, k, T, q);
    const bulk = (k: number, q: number): number => this.bulk(y, k, q);
    const o: Record<string, number> = {
      V: this.voltage(y),
      I_A: this.current(y),
      T_K: T,
      anode_surface_x: mean(0, surf),
      cathode_surface_x: mean(1, surf),
      anode_x: mean(0, bulk),
      cathode_x: mean(1, bulk),
      electrolyte_c_min_mol_m3: ceMin,
      electrolyte_c_max_mol_m3: ceMax,
    };
    // a blend, per material: its mean surface stoichiometry and its current (the materials' currents add up to I)
    for (const side of [0, 1] as const) {
      const ms = this.mats[side];
      if (ms.length === 1) continue;
      const key = side === 0 ? 'anode' : 'cathode';
      const d = side === 0 ? 0 : 2;
      ms.forEach((el, q) => {
        o[`${key}_${slug(el.name)}_surface_x`] = avg(d, (k) => surf(k, q));
        let i = 0;
        for (let k = 0; k < this.nx; k++)
          if (this.dom[k] === d) i += el.a * y[this.iJ[k]! + q * this.stride]! * this.dx[k]!;
        o[`${key}_${slug(el.name)}_I_A`] = (side === 0 ? -1 : 1) * F * this.area_m2 * i;
      });
    }
    return o;
  }

  problem(control: Control): DaeProblem {
    validateControl(control);
    const lin = this.linearRows();
    return {
      n: this.n,
      massDiag: this.massDiag,
      structure: this.structure,
      f: (t, y, out) => this.residual(t, y, control, out),
      jacobian: (t, y, sink) => this.jac(t, y, control, sink),
      ...(lin
        ? {
            linearRows: lin,
            fNonlinear: (t: number, y: Float64Array, out: Float64Array) => this.residual(t, y, control, out, true),
          }
        : {}),
    };
  }

  /**
   * the particle rows that are exactly linear in the concentrations and the pore-wall flux with the
   * constant coefficients jac() writes (DaeProblem.linearRows): every particle of a material with a
   * constant diffusivity, when isothermal (with the lumped temperature D_s carries an Arrhenius factor
   * of T); null when there are none
   */
  private linearRows(): Uint8Array | null {
    if (this.lin === undefined) {
      // the build's (it fixes the layout and the materials)
      const b = this.build;
      if (b.lin === undefined) b.lin = this.findLinearRows();
      this.lin = b.lin;
    }
    return this.lin;
  }

  /** linearRows() of this model (undefined: not looked up yet; the layout and the materials are fixed at build) */
  private lin: Uint8Array | null | undefined = undefined;

  private findLinearRows(): Uint8Array | null {
    if (this.iT >= 0) return null;
    // one mask array per layout and materials' D_s kind, so that the solver's analysis of the trees is shared
    const key = `${this.layoutKey}/${this.allMats.map((el) => (el.dsConst ? 1 : 0)).join('')}`;
    const hit = linearCache.get(key);
    if (hit !== undefined) return hit;
    const lin = new Uint8Array(this.n);
    let any = false;
    for (let k = 0; k < this.nx; k++) {
      const d = this.dom[k]!;
      if (d === 1) continue;
      const ms = this.mats[d === 0 ? 0 : 1];
      for (let q = 0; q < ms.length; q++) {
        if (!ms[q]!.dsConst) continue;
        const b = this.iCs[k]! + q * this.stride;
        lin.fill(1, b, b + this.nr);
        any = true;
      }
    }
    if (linearCache.size >= 64) linearCache.clear();
    linearCache.set(key, any ? lin : null);
    return any ? lin : null;
  }

  /**
   * f(t, y) of M·y′ = f; nonlinearOnly: without the linear particle rows (linearRows: their entries of
   * out are left as they are)
   */
  residual(t: number, y: Float64Array, control: Control, out: Float64Array, nonlinearOnly = false): void {
    const kern = this.kern;
    if (kern !== null && this.T0 === this.Tref && kern.run(y, out, !nonlinearOnly)) {
      // the kernel wrote the electrolyte, φ_e, φ_s and kinetics rows (and the full residual's linear
      // particle rows: every D_s is constant, T = T_ref); the collectors, gauge and control as below
      const I = y[this.iI]!;
      const idis = -I / this.area_m2;
      const iPs = this.iPs;
      const last = iPs[this.nx - 1]!;
      out[last] = out[last]! - idis;
      out[iPs[0]!] = y[iPs[0]!]!;
      const V = y[last]! + (I * this.rColl) / this.area_m2;
      out[this.iI] = controlResidual(control, t, I, V);
      return;
    }
    const p = this.params;
    const nx = this.nx;
    const nr = this.nr;
    const Tref = this.Tref;
    const T = this.iT >= 0 ? y[this.iT]! : this.T0;
    const ely = p.electrolyte;
    const { deT, kaT, tfT } = this;
    const arrDe = arrhenius(ely.diffusivityActivation_J_mol, Tref, T);
    const arrKe = arrhenius(ely.conductivityActivation_J_mol, Tref, T);
    const tp = ely.transferenceNumber;
    const ce0 = ely.initialConcentration_mol_m3;
    const RTF2 = (2 * R * T) / F;
    const halfFRT = F / (2 * R * T);
    const I = y[this.iI]!;
    const idis = -I / this.area_m2;
    let heatRxn = 0; // Σ a F j (U − T dU/dT) Δx  (W/m²)
    // the layout in locals (the loops below call table lookups; field loads are not hoisted across calls)
    const { iCe, iPe, iPs, iCs, gFace, sFace, dom, dx, eps } = this;

    // zero the conservation rows, then accumulate face fluxes
    const lnCe = this.lnCe;
    for (let k = 0; k < nx; k++) {
      out[iCe[k]!] = 0;
      out[iPe[k]!] = 0;
      if (iPs[k]! >= 0) out[iPs[k]!] = 0;
      lnCe[k] = libmLog(y[iCe[k]!]!);
    }
    // electrolyte faces: D_e and κ by one interval search on their common grid (eGrid), tf0 when constant
    const tf = ely.thermodynamicFactor;
    const { tfConst, tf0 } = this;
    const { x0: gx0, invh: ginvh, nInt: gnInt, cD, cK } = this.eGrid;
    // each volume's values (state, ln c_e, and its rows' sums so far) carried from the face before, not
    // read again (the same values: the rows were zeroed above and only their two faces touch them)
    let a = iCe[0]!;
    let ca = y[a]!;
    let oa = 0; // out[a]
    let pa = iPe[0]!;
    let ya = y[pa]!;
    let opa = 0; // out[pa]
    let lna = lnCe[0]!;
    let sa = iPs[0]!;
    let osa = 0; // out[sa] where sa is an electrode volume's
    for (let f = 0; f < nx - 1; f++) {
      const b = iCe[f + 1]!;
      const cb = y[b]!;
      const cf = 0.5 * (ca + cb);
      const G = gFace[f]!;
      // D_e and κ: tableValue's operations inline, one interval search for both tables (one grid)
      let De: number;
      let ka: number;
      const sg = (cf - gx0) * ginvh;
      if (sg >= 0 && sg < gnInt) {
        const i = sg | 0;
        const u = sg - i;
        const q = 4 * i;
        De = (cD[q]! + u * (cD[q + 1]! + u * (cD[q + 2]! + u * cD[q + 3]!))) * arrDe;
        ka = (cK[q]! + u * (cK[q + 1]! + u * (cK[q + 2]! + u * cK[q + 3]!))) * arrKe;
      } else {
        De = prop(deT, ely.diffusivity, cf, Tref) * arrDe;
        ka = prop(kaT, ely.conductivity, cf, Tref) * arrKe;
      }
      const N = -De * G * (cb - ca); // mol/m²/s in +x (diffusive part)
      out[a] = oa - N;
      const ob = 0 + N;
      out[b] = ob;
      const nu = RTF2 * (1 - tp) * (tfConst ? tf0 : prop(tfT, tf, cf, Tref));
      const pb = iPe[f + 1]!;
      const yb = y[pb]!;
      const lnb = lnCe[f + 1]!;
      const ie = -ka * G * (yb - ya) + ka * G * nu * (lnb - lna);
      out[pa] = opa - ie;
      const opb = 0 + ie;
      out[pb] = opb;
      const sb = iPs[f + 1]!;
      const sF = sFace[f]!;
      let osb = 0;
      if (sF > 0) {
        const is = -sF * (y[sb]! - y[sa]!);
        out[sa] = osa - is;
        osb = 0 + is;
        out[sb] = osb;
      }
      a = b;
      ca = cb;
      oa = ob;
      pa = pb;
      ya = yb;
      opa = opb;
      lna = lnb;
      sa = sb;
      osa = osb;
    }
    // volumes
    // per-material temperature factors, once per call
    const allMats = this.allMats;
    const nMat = allMats.length;
    const nNeg = this.mats[0].length;
    const stride = this.stride;
    const { kTs, arrDss, dscs } = this;
    for (let g = 0; g < nMat; g++) {
      const el = allMats[g]!;
      const arrDs = arrhenius(el.e.diffusivityActivation_J_mol, Tref, T);
      arrDss[g] = arrDs;
      kTs[g] = el.e.rateConstant_mol_m2_s * arrhenius(el.e.rateActivation_J_mol, Tref, T);
      dscs[g] = el.dsConst ? el.e.diffusivity(0, Tref) * arrDs : 0;
    }
    const isoRef = T === Tref;
    // OCP hysteresis: the lithiation-branch weights at this current (the Jacobian leaves out their ∂/∂I)
    const wN = lithiationWeight(-1, I, this.area_m2);
    const wP = lithiationWeight(1, I, this.area_m2);
    const { kinPre, kinArg, kinRow } = this;
    let nKin = 0;
    for (let k = 0; k < nx; k++) {
      const d = dom[k]!;
      const dxk = dx[k]!;
      const ice = iCe[k]!;
      if (d === 1) {
        out[ice] = out[ice]! / (eps[k]! * dxk);
        continue;
      }
      const neg = d === 0;
      const g0 = neg ? 0 : nNeg;
      const gEnd = neg ? nNeg : nMat;
      const ce = y[ice]!;
      const cer = ce > 0 ? ce / ce0 : 0;
      const phiSE = y[iPs[k]!]! - y[iPe[k]!]!;
      let src = 0; // Σ_materials a j Δx, mol/m²/s
      for (let g = g0; g < gEnd; g++) {
        const el = allMats[g]!;
        const e = el.e;
        const b = iCs[k]! + (g - g0) * stride;
        const ij = b + nr;
        const jj = y[ij]!;
        const arrDs = arrDss[g]!;
        const dsc = dscs[g]!;
        const faceCoef = el.faceCoef;
        const invVol = el.invVol;
        // particle
        const cmax = el.cmax;
        let prevFlux = 0; // r² D ∂c/∂r at the inner face (into shell i from i+1 positive)
        let c0 = y[b]!;
        if (nonlinearOnly && el.dsConst) c0 = y[b + nr - 1]!;
        else {
          for (let i = 0; i < nr - 1; i++) {
            const c1 = y[b + i + 1]!;
            const Ds = el.dsConst ? dsc : e.diffusivity((0.5 * (c0 + c1)) / cmax, Tref) * arrDs;
            const flux = faceCoef[i]! * Ds * (c1 - c0);
            out[b + i] = (flux - prevFlux) * invVol[i]!;
            prevFlux = flux;
            c0 = c1;
          }
          out[b + nr - 1] = (-el.Rp * el.Rp * jj - prevFlux) * invVol[nr - 1]!;
        }
        // kinetics
        const cN = c0;
        const DsN = el.dsConst ? dsc : e.diffusivity(cN / cmax, Tref) * arrDs;
        const th = (cN - (jj * el.dr) / (2 * DsN)) / cmax;
        if (th < -THETA_OUT || th > 1 + THETA_OUT) {
          // the particle surface left its stoichiometric range: no physical state, the step must fail
          out.fill(NaN);
          return;
        }
        let gth = th * (1 - th);
        if (gth < THETA_EPS) gth = THETA_EPS;
        const w = el.hyst ? (neg ? wN : wP) : 0.5;
        const U = isoRef ? uRef(el, th, Tref, w) : uRef(el, th, Tref, w) + (T - Tref) * e.entropic(th, Tref);
        // the kinetics row F·(j − j_BV) is written by the sweep after this loop (its sinh calls in a
        // loop of their own: see kinArg)
        kinPre[nKin] = 2 * kTs[g]! * Math.sqrt(cer * gth);
        kinArg[nKin] = halfFRT * (phiSE - U);
        nKin++;
        const s = el.a * jj * dxk; // mol/m²/s
        src += s;
        if (this.iT >= 0) heatRxn += F * s * (U - T * e.entropic(th, Tref));
      }
      out[ice] = (out[ice]! + (1 - tp) * src) / (eps[k]! * dxk);
      out[iPe[k]!] = out[iPe[k]!]! + F * src;
      out[iPs[k]!] = out[iPs[k]!]! - F * src;
    }
    // kinetics rows: j_BV = 2k·√(c_e/c_e0·θ(1−θ))·sinh(Fη/2RT), in the order of the loop above
    for (let q = 0; q < nKin; q++) {
      const ij = kinRow[q]!;
      out[ij] = F * (y[ij]! - kinPre[q]! * libmSinh(kinArg[q]!));
    }
    // collectors: i_s = i_dis enters the positive collector face
    const last = iPs[nx - 1]!;
    out[last] = out[last]! - idis;
    // gauge replaces the first negative charge balance
    out[iPs[0]!] = y[iPs[0]!]!;
    // control
    const V = y[last]! + (I * this.rColl) / this.area_m2;
    out[this.iI] = controlResidual(control, t, I, V);
    if (this.iT >= 0) {
      const th = this.thermal!;
      const Q = I * V - this.area_m2 * heatRxn; // W
      out[this.iT] = (Q - th.hA_W_K * (T - th.ambient_K)) / th.heatCapacity_J_K;
    }
  }

  /**
   * analytic ∂f/∂y (OCP and concentration-dependent property slopes by central differences): jacInto's values,
   * with the build's recorded (row, column) sequence, handed to the sink in one call where it takes a whole
   * sequence (JacobianSink.addSequence: the condensed system places them by a map made once), else entry by
   * entry in the same order (the same sums)
   */
  jac(t: number, y: Float64Array, control: Control, sink: JacobianSink): void {
    // the sink holds the linear rows' entries (DaeProblem.linearRows: the particles of constant D_s, isothermal)
    const held = sink.linearRowsHeld === true && this.iT < 0;
    const b = this.build;
    const seqs = (b.jacSeq ??= [null, null]);
    let seq = seqs[held ? 1 : 0]!;
    if (seq === null) seq = seqs[held ? 1 : 0] = this.recordJacobianSequence(t, y, control, held);
    const vals = b.jacVals!;
    const count = this.jacInto(t, y, control, held, vals, null);
    const { rows, cols } = seq;
    if (count !== rows.length)
      throw new Error(`DfnModel.jac: ${count} entries where the recorded sequence has ${rows.length} (internal error)`);
    if (sink.addSequence !== undefined) sink.addSequence(rows, cols, vals, count);
    else for (let q = 0; q < count; q++) sink.add(rows[q]!, cols[q]!, vals[q]!);
  }

  /**
   * the (row, column) sequence of jacInto's entries for this build and held flag (no branch of jacInto depends
   * on y, t or the control's values, only on the build, the control's mode and held, and every mode writes the
   * same entries): recorded by a pass of jacInto, and the build's value scratch sized for it
   */
  private recordJacobianSequence(t: number, y: Float64Array, control: Control, held: boolean): JacobianSequence {
    let cap = 16 * this.n;
    for (;;) {
      const ix: number[] = [];
      const count = this.jacInto(t, y, control, held, new Float64Array(cap), ix);
      if (count <= cap) {
        const rows = new Int32Array(count);
        const cols = new Int32Array(count);
        for (let q = 0; q < count; q++) {
          rows[q] = ix[2 * q]!;
          cols[q] = ix[2 * q + 1]!;
        }
        const b = this.build;
        if (b.jacVals === undefined || b.jacVals.length < count) b.jacVals = new Float64Array(count);
        return { rows, cols };
      }
      cap = count;
    }
  }

  /**
   * ∂f/∂y's entries into vals in their fixed order (returns their count; an entry may appear more than once:
   * the sums are the sink's); ix (recording): each entry's row and column pushed too, block by block. held: the
   * linear rows' entries left out (see jac)
   */
  private jacInto(
    t: number,
    y: Float64Array,
    control: Control,
    held: boolean,
    vals: Float64Array,
    ix: number[] | null,
  ): number {
    const p = this.params;
    const nx = this.nx;
    const nr = this.nr;
    const Tref = this.Tref;
    const T = this.iT >= 0 ? y[this.iT]! : this.T0;
    const ely = p.electrolyte;
    const { deT, kaT, tfT } = this;
    const arrDe = arrhenius(ely.diffusivityActivation_J_mol, Tref, T);
    const arrKe = arrhenius(ely.conductivityActivation_J_mol, Tref, T);
    const tp = ely.transferenceNumber;
    const ce0 = ely.initialConcentration_mol_m3;
    const RTF2 = (2 * R * T) / F;
    const halfFRT = F / (2 * R * T);
    const deConst = isConstantFn(ely.diffusivity);
    const kaConst = isConstantFn(ely.conductivity);
    const I = y[this.iI]!;
    const iT = this.iT;
    const thermal = iT >= 0;
    const RT2 = R * T * T;
    const dlnDe = ely.diffusivityActivation_J_mol / RT2; // ∂ln(Arrhenius)/∂T
    const dlnKe = ely.conductivityActivation_J_mol / RT2;
    const heatC = thermal ? this.thermal!.heatCapacity_J_K : 1;
    let dHeatDT = 0; // ∂(Σ a F j Uh Δx)/∂T through θ(T)
    let nv = 0; // entries written
    // ln c_e once per volume (each face takes the difference of its two volumes'), and per material its
    // constants at T (the same expressions as in the loops below, evaluated once)
    // the layout in locals (the loops call functions and Math builtins; field loads are not hoisted across calls)
    const { iCe, iPe, iPs, iCs, gFace, sFace, dom, dx, eps, stride } = this;
    const lnCe = this.jacLnCe;
    for (let k = 0; k < nx; k++) lnCe[k] = Math.log(y[iCe[k]!]!);
    const jm = this.jacMat;
    const allMats = this.allMats;
    for (let g = 0; g < allMats.length; g++) {
      const el = allMats[g]!;
      const e = el.e;
      const arrDs = arrhenius(e.diffusivityActivation_J_mol, Tref, T);
      const at = JM_STRIDE * g;
      jm[at + JM_ARR_DS] = arrDs;
      jm[at + JM_DS] = el.dsConst ? e.diffusivity(0, Tref) * arrDs : 0;
      jm[at + JM_K] = e.rateConstant_mol_m2_s * arrhenius(e.rateActivation_J_mol, Tref, T);
      jm[at + JM_W] = el.hyst ? lithiationWeight(el.lithSign, I, this.area_m2) : 0.5;
    }
    const nNeg = this.mats[0].length;
    // D_e and κ on their common grid, and a constant thermodynamic factor read once: as in residual
    const { tfConst, tf0 } = this;
    const { x0: gx0, invh: ginvh, nInt: gnInt, cD, cK } = this.eGrid;

    for (let f = 0; f < nx - 1; f++) {
      const a = iCe[f]!;
      const b = iCe[f + 1]!;
      const ca = y[a]!;
      const cb = y[b]!;
      const cf = 0.5 * (ca + cb);
      const G = gFace[f]!;
      const wa = 1 / (eps[f]! * dx[f]!);
      const wb = 1 / (eps[f + 1]! * dx[f + 1]!);
      // D_e, κ and their slopes: tableValue's and tableSlope's operations inline, one interval search for
      // both tables (one grid: residual's), the functions themselves outside the tables
      let De: number;
      let dDe: number;
      let ka: number;
      let dka: number;
      const sg = (cf - gx0) * ginvh;
      if (sg >= 0 && sg < gnInt) {
        const i = sg | 0;
        const u = sg - i;
        const q = 4 * i;
        // (a table exists only for a non-constant property: deConst and kaConst are false here)
        De = (cD[q]! + u * (cD[q + 1]! + u * (cD[q + 2]! + u * cD[q + 3]!))) * arrDe;
        dDe = (cD[q + 1]! + u * (2 * cD[q + 2]! + 3 * u * cD[q + 3]!)) * ginvh * arrDe;
        ka = (cK[q]! + u * (cK[q + 1]! + u * (cK[q + 2]! + u * cK[q + 3]!))) * arrKe;
        dka = (cK[q + 1]! + u * (2 * cK[q + 2]! + 3 * u * cK[q + 3]!)) * ginvh * arrKe;
      } else {
        De = prop(deT, ely.diffusivity, cf, Tref) * arrDe;
        dDe = deConst ? 0 : propSlope(deT, ely.diffusivity, cf, Tref) * arrDe;
        ka = prop(kaT, ely.conductivity, cf, Tref) * arrKe;
        dka = kaConst ? 0 : propSlope(kaT, ely.conductivity, cf, Tref) * arrKe;
      }
      // N = −De G (cb − ca)
      const dNdcb = -De * G - 0.5 * dDe * G * (cb - ca);
      const dNdca = De * G - 0.5 * dDe * G * (cb - ca);
      vals[nv++] = -dNdca * wa;
      vals[nv++] = -dNdcb * wa;
      vals[nv++] = dNdca * wb;
      vals[nv++] = dNdcb * wb;
      if (ix !== null) ix.push(a, a, a, b, b, a, b, b);
      const nu = RTF2 * (1 - tp) * (tfConst ? tf0 : prop(tfT, ely.thermodynamicFactor, cf, Tref));
      const pa = iPe[f]!;
      const pb = iPe[f + 1]!;
      const dphi = y[pb]! - y[pa]!;
      const dln = lnCe[f + 1]! - lnCe[f]!;
      const bracket = -dphi + nu * dln;
      const dieDpb = -ka * G;
      const dieDpa = ka * G;
      const dieDcb = 0.5 * dka * G * bracket + (ka * G * nu) / cb;
      const dieDca = 0.5 * dka * G * bracket - (ka * G * nu) / ca;
      // out[pa] −= ie ; out[pb] += ie
      vals[nv++] = -dieDpa;
      vals[nv++] = -dieDpb;
      vals[nv++] = -dieDca;
      vals[nv++] = -dieDcb;
      vals[nv++] = dieDpa;
      vals[nv++] = dieDpb;
      vals[nv++] = dieDca;
      vals[nv++] = dieDcb;
      if (ix !== null) ix.push(pa, pa, pa, pb, pa, a, pa, b, pb, pa, pb, pb, pb, a, pb, b);
      if (thermal) {
        const N = -De * G * (cb - ca);
        vals[nv++] = -N * dlnDe * wa;
        vals[nv++] = N * dlnDe * wb;
        if (ix !== null) ix.push(a, iT, b, iT);
        const ie = ka * G * bracket;
        const dieDT = ie * dlnKe + (ka * G * nu * dln) / T;
        vals[nv++] = -dieDT;
        vals[nv++] = dieDT;
        if (ix !== null) ix.push(pa, iT, pb, iT);
      }
      const sF = sFace[f]!;
      if (sF > 0) {
        const sa = iPs[f]!;
        const sb = iPs[f + 1]!;
        // is = −sF (φb − φa); out[sa] −= is; out[sb] += is
        if (f !== 0) {
          vals[nv++] = -sF;
          vals[nv++] = sF;
          if (ix !== null) ix.push(sa, sa, sa, sb);
        }
        vals[nv++] = sF;
        vals[nv++] = -sF;
        if (ix !== null) ix.push(sb, sa, sb, sb);
      }
    }
    for (let k = 0; k < nx; k++) {
      const d = dom[k]!;
      if (d === 1) continue;
      const dxk = dx[k]!;
      const ice = iCe[k]!;
      const ms = this.mats[d === 0 ? 0 : 1];
      for (let q = 0; q < ms.length; q++) {
        const el = ms[q]!;
        const e = el.e;
        const b = iCs[k]! + q * stride;
        const ij = b + nr;
        const jj = y[ij]!;
        const g4 = JM_STRIDE * ((d === 0 ? 0 : nNeg) + q);
        const arrDs = jm[g4 + JM_ARR_DS]!;
        const dsc = jm[g4 + JM_DS]!;
        const cmax = el.cmax;
        // particle: out[b+i] = (flux_i − flux_{i−1})/V_i — left out when the sink holds them (its rows are
        // among linearRows(): constant D_s, isothermal)
        const skip = held && el.dsConst;
        for (let i = 0; i < nr - 1 && !skip; i++) {
          const c0 = y[b + i]!;
          const c1 = y[b + i + 1]!;
          let dF0: number;
          let dF1: number;
          if (el.dsConst) {
            const Ds = dsc;
            dF1 = el.faceCoef[i]! * Ds;
            dF0 = -dF1;
          } else {
            const s = (0.5 * (c0 + c1)) / cmax;
            const Ds = e.diffusivity(s, Tref) * arrDs;
            const dDs = (dfdx(e.diffusivity, s, Tref, 1e-7) * arrDs * 0.5) / cmax;
            dF1 = el.faceCoef[i]! * (Ds + dDs * (c1 - c0));
            dF0 = el.faceCoef[i]! * (-Ds + dDs * (c1 - c0));
          }
          // flux_i appears in row i (+) and row i+1 (−)
          vals[nv++] = dF0 * el.invVol[i]!;
          vals[nv++] = dF1 * el.invVol[i]!;
          vals[nv++] = -dF0 * el.invVol[i + 1]!;
          vals[nv++] = -dF1 * el.invVol[i + 1]!;
          if (ix !== null) ix.push(b + i, b + i, b + i, b + i + 1, b + i + 1, b + i, b + i + 1, b + i + 1);
          if (thermal) {
            const Dsf = (el.dsConst ? e.diffusivity(0, Tref) : e.diffusivity((0.5 * (c0 + c1)) / cmax, Tref)) * arrDs;
            const dflux = el.faceCoef[i]! * Dsf * (c1 - c0) * (e.diffusivityActivation_J_mol / RT2);
            vals[nv++] = dflux * el.invVol[i]!;
            vals[nv++] = -dflux * el.invVol[i + 1]!;
            if (ix !== null) ix.push(b + i, iT, b + i + 1, iT);
          }
        }
        if (!skip) {
          vals[nv++] = -el.Rp * el.Rp * el.invVol[nr - 1]!;
          if (ix !== null) ix.push(b + nr - 1, ij);
        }
        // kinetics row: F (j − jbv(θ(cN, j), ce, φs − φe))
        const cN = y[b + nr - 1]!;
        const DsN = el.dsConst ? dsc : e.diffusivity(cN / cmax, Tref) * arrDs;
        const th = (cN - (jj * el.dr) / (2 * DsN)) / cmax;
        const gRaw = th * (1 - th);
        const g = gRaw < THETA_EPS ? THETA_EPS : gRaw;
        const dg = gRaw < THETA_EPS ? 0 : 1 - 2 * th;
        const ce = y[ice]!;
        const cer = ce > 0 ? ce / ce0 : 0;
        const kT = jm[g4 + JM_K]!;
        const w = jm[g4 + JM_W]!;
        // U_ref and its slope: one interval search of the OCP table for both (tableValue's and tableSlope's
        // operations inline), uRef and duRef themselves with hysteresis, without a table or outside it
        let U0: number;
        let dU0: number;
        const ot = el.hyst === null ? el.ocpT : null;
        const so = ot !== null ? (th - ot.x0) * ot.invh : -1;
        if (ot !== null && so >= 0 && so < ot.nInt) {
          const i = so | 0;
          const u = so - i;
          const c = ot.c;
          const q = 4 * i;
          U0 = c[q]! + u * (c[q + 1]! + u * (c[q + 2]! + u * c[q + 3]!));
          dU0 = (c[q + 1]! + u * (2 * c[q + 2]! + 3 * u * c[q + 3]!)) * ot.invh;
        } else {
          U0 = uRef(el, th, Tref, w);
          dU0 = duRef(el, th, Tref, w);
        }
        const U = T === Tref ? U0 : U0 + (T - Tref) * e.entropic(th, Tref);
        const dU = dU0 + (T !== Tref ? (T - Tref) * dfdx(e.entropic, th, Tref, 1e-6) : 0);
        const eta = y[iPs[k]!]! - y[iPe[k]!]! - U;
        const sq = Math.sqrt(cer * g);
        const sh = Math.sinh(halfFRT * eta);
        const chd = 2 * kT * sq * Math.cosh(halfFRT * eta) * halfFRT; // ∂jbv/∂η
        const djbvDth = (sq > 0 ? (2 * kT * sh * (cer * dg)) / (2 * sq) : 0) - chd * dU;
        const dthDcN = 1 / cmax;
        const dthDj = -el.dr / (2 * DsN * cmax);
        vals[nv++] = F * (1 - djbvDth * dthDj);
        vals[nv++] = -F * djbvDth * dthDcN;
        vals[nv++] = ce > 0 && sq > 0 ? (-F * 2 * kT * sh * g) / (2 * sq * ce0) : 0;
        vals[nv++] = -F * chd;
        vals[nv++] = F * chd;
        if (ix !== null) ix.push(ij, ij, ij, b + nr - 1, ij, ice, ij, iPs[k]!, ij, iPe[k]!);
        if (thermal) {
          const dlnDs = e.diffusivityActivation_J_mol / RT2;
          const dthDT = ((jj * el.dr) / (2 * DsN * cmax)) * dlnDs;
          const A = halfFRT * eta;
          const dAdT = halfFRT * -e.entropic(th, Tref) - A / T;
          const djbvDT =
            2 * kT * ((e.rateActivation_J_mol / RT2) * sq * sh + sq * Math.cosh(A) * dAdT) + djbvDth * dthDT;
          vals[nv++] = -F * djbvDT;
          if (ix !== null) ix.push(ij, iT);
          // heat of reaction a F j (U − T dU/dT) Δx, with U − T dU/dT = U_ref(θ) − T_ref dU/dT(θ)
          const Uh = U0 - Tref * e.entropic(th, Tref);
          const dUh = dU0 - Tref * dfdx(e.entropic, th, Tref, 1e-6);
          const w = (-this.area_m2 * F * el.a * dxk) / heatC;
          vals[nv++] = w * (Uh + jj * dUh * dthDj);
          vals[nv++] = w * jj * dUh * dthDcN;
          if (ix !== null) ix.push(iT, ij, iT, b + nr - 1);
          dHeatDT += w * jj * dUh * dthDT;
        }
        // sources
        const srcJ = el.a * dxk; // ∂src/∂j
        vals[nv++] = ((1 - tp) * srcJ) / (eps[k]! * dxk);
        vals[nv++] = F * srcJ;
        if (ix !== null) ix.push(ice, ij, iPe[k]!, ij);
        if (k !== 0) {
          vals[nv++] = -F * srcJ;
          if (ix !== null) ix.push(iPs[k]!, ij);
        }
      }
    }
    const last = iPs[nx - 1]!;
    vals[nv++] = 1 / this.area_m2;
    vals[nv++] = 1;
    if (ix !== null) ix.push(last, this.iI, iPs[0]!, iPs[0]!);
    // control row: ∂/∂I and ∂/∂φ_s at the positive collector (every mode writes both: a fixed sequence)
    const V = y[last]! + (I * this.rColl) / this.area_m2;
    const dVdI = this.rColl / this.area_m2;
    let dI = 1;
    let dLast = 0;
    switch (control.mode) {
      case 'current':
      case 'rest':
        break;
      case 'voltage':
        dI = dVdI;
        dLast = 1;
        break;
      case 'power':
        dI = V + I * dVdI;
        dLast = I;
        break;
      case 'resistance':
        dI = dVdI + setPoint(control, t);
        dLast = 1;
        break;
    }
    vals[nv++] = dI;
    vals[nv++] = dLast;
    if (ix !== null) ix.push(this.iI, this.iI, this.iI, last);
    if (this.iT >= 0) {
      const th = this.thermal!;
      vals[nv++] = -th.hA_W_K / th.heatCapacity_J_K + dHeatDT;
      vals[nv++] = (V + I * dVdI) / th.heatCapacity_J_K;
      vals[nv++] = I / th.heatCapacity_J_K;
      if (ix !== null) ix.push(this.iT, this.iT, this.iT, this.iI, this.iT, last);
    }
    return nv;
  }
}
