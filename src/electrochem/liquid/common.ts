/**
 * Pieces shared by the liquid-electrolyte DFN, SPMe and SPM: options, Arrhenius factors, the
 * state-of-charge window, the control equation and the lumped thermal parameters.
 */
import { F as FARADAY, R as GAS_R } from '../../materials/constants.ts';
import type { Control } from '../model.ts';
import type { BpxElectrode, BpxParticle, LiquidCellParams, PropertyFn } from '../bpx.ts';
import { ProblemError, type Problem } from '../../problems.ts';
import { ocpTable, tableValue, type OcpTable } from './ocp-table.ts';
import { bisectTest } from '../../numerics/roots.ts';

/** module-local copies (imported bindings are read through accessors in the transpiled code; these run in the inner loops) */
const F = FARADAY;
const R = GAS_R;

export interface LiquidMesh {
  /** finite volumes across the negative electrode, separator, positive electrode */
  readonly negative: number;
  readonly separator: number;
  readonly positive: number;
  /** finite volumes along the particle radius */
  readonly particle: number;
}

export const DEFAULT_MESH: LiquidMesh = { negative: 20, separator: 10, positive: 20, particle: 10 };

export interface ThermalOptions {
  /** heat-transfer coefficient to ambient (W/m²/K); default: the BPX value, else 10 W/m²/K (assumption: natural convection of a pouch in a thermal chamber) */
  readonly h_W_m2K?: number;
}

export interface LiquidModelOptions {
  readonly model?: 'dfn' | 'spme' | 'spm';
  readonly mesh?: Partial<LiquidMesh>;
  /** false / undefined: isothermal at the ambient temperature; true or options: lumped thermal model */
  readonly thermal?: boolean | ThermalOptions;
  /**
   * OCP hysteresis when the BPX file gives lithiation and delithiation branches: PyBaMM's 0th-order
   * "current sigmoid" OCP (the branch of the current's direction, the mean of both at rest). Default
   * true; false runs the file's single `OCP [V]` (PyBaMM's default "single" OCP option).
   */
  readonly hysteresis?: boolean;
  /**
   * Absolute tolerance on PyBaMM's scaled state instead of the model's own per-unknown atol: PyBaMM
   * integrates (y − reference)/scale with c_e scaled by its initial value, c_s by c_max and the potentials
   * unscaled (V), so its solver atol a is a·c_e0 mol/m³ on c_e, a·c_max on each c_s and a V on φ_e, φ_s
   * (PyBaMM's BasicDFN variables, pybamm/models/full_battery_models/lithium_ion/basic_dfn.py). The
   * unknowns PyBaMM has no state for (the pore-wall flux j, the terminal current I, T) keep the model's
   * own atol. For like-for-like timings against PyBaMM's IDAKLUSolver (defaults rtol 1e-4, atol 1e-6).
   */
  readonly scaledAtol?: number;
}

/** the scaledAtol option checked (undefined: not given) */
export function checkScaledAtol(v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!(typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 1))
    throw new ProblemError({
      path: 'scaledAtol',
      problem: 'must be a tolerance',
      got: String(v),
      allowed: '0 < scaledAtol < 1',
    });
  return v;
}

/** natural convection to air of a vertical pouch, order of magnitude (assumption, used when BPX gives none) */
export const DEFAULT_HTC_W_M2K = 10;

export function resolveMesh(m: Partial<LiquidMesh> | undefined): LiquidMesh {
  const out = { ...DEFAULT_MESH, ...(m ?? {}) };
  for (const k of ['negative', 'separator', 'positive', 'particle'] as const) {
    const v = out[k];
    if (!Number.isInteger(v) || v < 1) throw new Error(`mesh.${k}: must be an integer ≥ 1 (got ${v})`);
  }
  if (out.particle < 2) throw new Error(`mesh.particle: must be an integer ≥ 2 (got ${out.particle})`);
  return out;
}

export interface LumpedThermal {
  /** heat capacity m·c_p (J/K) */
  readonly heatCapacity_J_K: number;
  /** h·A_ext (W/K) */
  readonly hA_W_K: number;
  readonly ambient_K: number;
}

export function resolveThermal(
  p: LiquidCellParams,
  opt: boolean | ThermalOptions | undefined,
): LumpedThermal | undefined {
  if (!opt) return undefined;
  const o: ThermalOptions = opt === true ? {} : opt;
  const c = p.cell;
  const need = (v: number | undefined, name: string): number => {
    if (v === undefined) throw new Error(`Parameterisation.Cell.${name}: needed by the lumped thermal model (missing)`);
    return v;
  };
  const m = need(c.density_kg_m3, 'Density [kg.m-3]') * need(c.volume_m3, 'Volume [m3]');
  const h = o.h_W_m2K ?? c.heatTransferCoefficient_W_m2K ?? DEFAULT_HTC_W_M2K;
  if (!(h >= 0)) throw new Error(`thermal.h_W_m2K: must be ≥ 0 (got ${h})`);
  return {
    heatCapacity_J_K: m * need(c.specificHeat_J_kgK, 'Specific heat capacity [J.K-1.kg-1]'),
    hA_W_K: h * need(c.externalSurfaceArea_m2, 'External surface area [m2]'),
    ambient_K: c.ambientTemperature_K,
  };
}

/**
 * The finite-volume shells of a spherical particle of radius Rp (nr equal shells, i-th from r_i = i·dr to
 * r_(i+1)): vol = (r_(i+1)³ − r_i³)/3 (shell volume / 4π), invVol = 1/vol, faceCoef = r_(i+1)²/dr at the
 * nr − 1 inner faces (Fick's flux through a face = faceCoef·D·Δc, per 4π)
 */
export interface SphereShells {
  readonly dr: number;
  readonly faceCoef: Float64Array;
  readonly invVol: Float64Array;
  readonly vol: Float64Array;
}

export function sphereShells(Rp: number, nr: number): SphereShells {
  const dr = Rp / nr;
  const faceCoef = new Float64Array(nr - 1);
  const invVol = new Float64Array(nr);
  const vol = new Float64Array(nr);
  for (let i = 0; i < nr; i++) {
    const rm = i * dr;
    const rp = (i + 1) * dr;
    vol[i] = (rp ** 3 - rm ** 3) / 3;
    invVol[i] = 1 / vol[i]!;
    if (i < nr - 1) faceCoef[i] = (rp * rp) / dr;
  }
  return { dr, faceCoef, invVol, vol };
}

/** exp(Ea/R·(1/T_ref − 1/T)) */
export function arrhenius(Ea: number, Tref: number, T: number): number {
  // at T = T_ref the exponent is exactly 0 (skips the exp call in every isothermal residual evaluation)
  return Ea === 0 || T === Tref ? 1 : Math.exp((Ea / R) * (1 / Tref - 1 / T));
}

/** electrode stoichiometries at a state of charge (0: both at the discharged end of the window) */
export function stoichiometries(p: LiquidCellParams, soc: number): { xn: number; xp: number } {
  if (!(soc >= 0 && soc <= 1)) throw new Error(`soc: must be within 0..1 (got ${soc})`);
  const n = p.negative;
  const q = p.positive;
  return { xn: n.stoMin + soc * (n.stoMax - n.stoMin), xp: q.stoMax - soc * (q.stoMax - q.stoMin) };
}

/** OCP including the entropic term: U(θ,T) = U_ref(θ) + (T − T_ref)·dU/dT(θ) */
export function ocp(e: BpxParticle, theta: number, T: number, Tref: number): number {
  const u = e.ocp(theta, Tref);
  return T === Tref ? u : u + (T - Tref) * e.entropic(theta, Tref);
}

/** open-circuit voltage of the cell at a state of charge (V) */
export function ocvAtSoc(p: LiquidCellParams, soc: number, T = p.cell.initialTemperature_K): number {
  const { xn, xp } = stoichiometries(p, soc);
  const Tref = p.cell.referenceTemperature_K;
  return ocp(p.positive, xp, T, Tref) - ocp(p.negative, xn, T, Tref);
}

/** state of charge whose OCV equals V (bisection; OCV is monotonic over the window) */
export function socAtOcv(p: LiquidCellParams, V: number, T = p.cell.initialTemperature_K): number {
  const lo0 = ocvAtSoc(p, 0, T);
  const hi0 = ocvAtSoc(p, 1, T);
  if (!(V >= lo0 && V <= hi0))
    throw new Error(
      `voltage: ${V} V is outside the OCV window of the cell (allowed ${lo0.toFixed(4)}..${hi0.toFixed(4)} V)`,
    );
  const b = bisectTest((soc) => ocvAtSoc(p, soc, T) < V, 0, 1, { maxIter: 60 });
  return 0.5 * (b.keep + b.drop);
}

/**
 * The stoichiometries of a blended electrode's materials at rest at a state of charge: the electrode holds
 * the lithium of its materials' windows at that SOC (θ_k = θ_min,k + soc·(θ_max,k − θ_min,k) on the
 * negative, reversed on the positive), shared among its materials at one common OCP (the rest state of
 * materials in contact). U(k, θ): the OCP of material k (it falls with θ). One material: its window's θ.
 */
export function restStoichiometries(
  ps: readonly BpxParticle[],
  side: 0 | 1,
  soc: number,
  U: (k: number, theta: number) => number,
): number[] {
  const th = ps.map((p) =>
    side === 0 ? p.stoMin + soc * (p.stoMax - p.stoMin) : p.stoMax - soc * (p.stoMax - p.stoMin),
  );
  if (ps.length < 2) return th;
  // lithium capacity weight ε_s·c_max (mol/m³ of electrode) of each material
  const w = ps.map((p) => p.activeFraction * p.maxConcentration_mol_m3);
  const Q = ps.reduce((s, _p, k) => s + w[k]! * th[k]!, 0);
  // θ of a material at potential u (bisection; an OCP falls with θ)
  const thetaAt = (k: number, u: number): number => {
    const lo = 1e-9;
    const hi = 1 - 1e-9;
    if (U(k, lo) <= u) return lo;
    if (U(k, hi) >= u) return hi;
    const b = bisectTest((th) => U(k, th) > u, lo, hi, { maxIter: 60 });
    return 0.5 * (b.keep + b.drop);
  };
  const uLo = Math.min(...ps.map((_p, k) => U(k, 1 - 1e-9)));
  const uHi = Math.max(...ps.map((_p, k) => U(k, 1e-9)));
  // lithium held at potential u falls as u rises
  const held = (u: number): number => ps.reduce((s, _p, k) => s + w[k]! * thetaAt(k, u), 0);
  const bu = bisectTest((mid) => held(mid) > Q, uLo, uHi, { maxIter: 60 });
  const u = 0.5 * (bu.keep + bu.drop);
  return ps.map((_p, k) => thetaAt(k, u));
}

/** central-difference derivative of a property function in its first argument */
export function dfdx(f: PropertyFn, x: number, T: number, h: number): number {
  return (f(x + h, T) - f(x - h, T)) / (2 * h);
}

export const FRT = F / R; // K/V

/** value of a control set point at time t */
export function setPoint(c: Control, t: number): number {
  return typeof c.value === 'function' ? c.value(t) : c.value;
}

/** stoichiometric capacity of the cell (C): the smaller electrode's, summed over its materials (blends) */
export function stoichiometricCapacity_C(p: LiquidCellParams): number {
  const A = p.cell.electrodeArea_m2 * p.cell.electrodePairs;
  const q = (e: BpxElectrode): number =>
    e.particles.reduce(
      (s, m) => s + F * m.maxConcentration_mol_m3 * m.activeFraction * e.thickness_m * A * (m.stoMax - m.stoMin),
      0,
    );
  return Math.min(q(p.negative), q(p.positive));
}

export function validateControl(c: Control): void {
  const allowed = ['current', 'voltage', 'power', 'resistance', 'rest'];
  if (!allowed.includes(c.mode))
    throw new Error(`control.mode: unknown mode '${String(c.mode)}' (allowed ${allowed.join(', ')})`);
  if (typeof c.value === 'number' && !Number.isFinite(c.value))
    throw new Error(`control.value: must be finite (got ${c.value})`);
  if (c.mode === 'resistance' && typeof c.value === 'number' && !(c.value > 0))
    throw new Error(`control.value: resistance must be > 0 Ω (got ${c.value})`);
}

/** Largest magnitude of a BPX quantity (SI units) a model runs with: a choice far above any real parameter. */
export const BPX_MAX_MAGNITUDE = 1e15;
/** Largest nominal cell capacity a model runs with, A·h (the largest single cells are ≈ 1 000 A·h). */
export const BPX_MAX_CAPACITY_AH = 1e5;

/** a value checkModelParams refuses, at path (its texts are built only for a refused value) */
function refuse(out: Problem[], model: string, path: string, v: number, allowed: string): void {
  out.push({ path, problem: `not a value the ${model} can run with`, got: String(v), allowed });
}

/**
 * checkModelParams: v finite, > 0 and ≤ max (ceilings far above any real cell: no BPX quantity in its SI unit
 * comes near 1e15, the largest single cells hold ≈ 1 000 A·h; beyond them products such as capacity × 3600
 * overflow to Infinity), else refused at `${at}.${name}`
 */
function needPositive(
  out: Problem[],
  model: string,
  at: string,
  name: string,
  v: number,
  max = BPX_MAX_MAGNITUDE,
): void {
  if (!(Number.isFinite(v) && v > 0 && v <= max)) refuse(out, model, `${at}.${name}`, v, `> 0 and ≤ ${max}`);
}

/** checkModelParams: 0 < v ≤ 1 (0 < v < 1 when open1), else refused at `${at}.${name}` */
function needFraction(out: Problem[], model: string, at: string, name: string, v: number, open1 = false): void {
  if (!(v > 0 && (open1 ? v < 1 : v <= 1)))
    refuse(out, model, `${at}.${name}`, v, open1 ? '0 < value < 1' : '0 < value ≤ 1');
}

/** checkModelParams for one electrode (its BPX path at) */
function checkElectrode(out: Problem[], model: 'dfn' | 'spme' | 'spm', at: string, e: BpxElectrode): void {
  needPositive(out, model, at, 'Thickness [m]', e.thickness_m);
  if (model !== 'spm') {
    needFraction(out, model, at, 'Porosity', e.porosity, true);
    needFraction(out, model, at, 'Transport efficiency', e.transportEfficiency);
    needPositive(out, model, at, 'Conductivity [S.m-1]', e.conductivity_S_m);
  }
  const blend = e.particles.length > 1;
  for (const q of e.particles) {
    const pp = blend ? `${at}.Particle.${q.name}` : at;
    needPositive(out, model, pp, 'Particle radius [m]', q.particleRadius_m);
    needPositive(out, model, pp, 'Surface area per unit volume [m-1]', q.surfaceArea_per_m);
    needPositive(out, model, pp, 'Maximum concentration [mol.m-3]', q.maxConcentration_mol_m3);
    needPositive(out, model, pp, 'Reaction rate constant [mol.m-2.s-1]', q.rateConstant_mol_m2_s);
    if (!(q.stoMin >= 0 && q.stoMin < 1)) refuse(out, model, `${pp}.Minimum stoichiometry`, q.stoMin, '0 ≤ value < 1');
    if (!(q.stoMax > q.stoMin && q.stoMax <= 1))
      refuse(out, model, `${pp}.Maximum stoichiometry`, q.stoMax, `${q.stoMin} < value ≤ 1`);
  }
}

/**
 * The values a liquid model cannot run with — the standard accepts them (it checks types, not physics),
 * the model refuses them by their BPX path: lengths, areas, concentrations and rate constants must be
 * positive, porosities and transport efficiencies within (0, 1], stoichiometry windows inside [0, 1]
 * and not empty, the electrolyte present for the DFN and SPMe. (Every model build runs it: the checks
 * build no text for a value they accept.)
 */
export function checkModelParams(p: LiquidCellParams, model: 'dfn' | 'spme' | 'spm'): void {
  const out: Problem[] = [];
  if (model !== 'spm' && p.fullSet === false) {
    out.push({
      path: 'Parameterisation.Electrolyte',
      problem: `an SPM parameter set (no Electrolyte or Separator) cannot run the ${model}`,
      got: `Header.Model ${p.modelSet ?? 'SPM'}`,
      allowed: '--model spm, or a DFN/SPMe set',
    });
    throw new ProblemError(out);
  }
  const c = p.cell;
  const pc = 'Parameterisation.Cell';
  needPositive(out, model, pc, 'Electrode area [m2]', c.electrodeArea_m2);
  if (!(Number.isInteger(c.electrodePairs) && c.electrodePairs >= 1))
    refuse(
      out,
      model,
      `${pc}.Number of electrode pairs connected in parallel to make a cell`,
      c.electrodePairs,
      'an integer ≥ 1',
    );
  needPositive(out, model, pc, 'Nominal cell capacity [A.h]', c.nominalCapacity_Ah, BPX_MAX_CAPACITY_AH);
  if (!(c.upperCutoff_V > c.lowerCutoff_V))
    refuse(out, model, `${pc}.Upper voltage cut-off [V]`, c.upperCutoff_V, `> the lower cut-off ${c.lowerCutoff_V} V`);
  needPositive(out, model, pc, 'Reference temperature [K]', c.referenceTemperature_K);
  needPositive(out, model, 'State.Thermal environment', 'Ambient temperature [K]', c.ambientTemperature_K);
  needPositive(out, model, 'State.Initial conditions', 'Initial temperature [K]', c.initialTemperature_K);
  needPositive(
    out,
    model,
    'State.Initial conditions',
    'Initial electrolyte concentration [mol.m-3]',
    p.electrolyte.initialConcentration_mol_m3,
  );
  checkElectrode(out, model, 'Parameterisation.Negative electrode', p.negative);
  checkElectrode(out, model, 'Parameterisation.Positive electrode', p.positive);
  if (model !== 'spm') {
    const sp = 'Parameterisation.Separator';
    needPositive(out, model, sp, 'Thickness [m]', p.separator.thickness_m);
    needFraction(out, model, sp, 'Porosity', p.separator.porosity);
    needFraction(out, model, sp, 'Transport efficiency', p.separator.transportEfficiency);
    const tp = p.electrolyte.transferenceNumber;
    if (!(tp >= 0 && tp < 1))
      refuse(out, model, 'Parameterisation.Electrolyte.Cation transference number', tp, '0 ≤ t+ < 1');
  }
  if (out.length) throw new ProblemError(out);
}

/** the residual of the control equation at current I and terminal voltage V (the set point at t) */
export function controlResidual(control: Control, t: number, I: number, V: number): number {
  switch (control.mode) {
    case 'current':
      return I - setPoint(control, t);
    case 'voltage':
      return V - setPoint(control, t);
    case 'power':
      return I * V - setPoint(control, t);
    case 'resistance':
      return V + I * setPoint(control, t);
    case 'rest':
      return I;
  }
}

/** OCP branches on lithiation and delithiation at T_ref, tabulated when possible */
export interface Hysteresis {
  readonly lith: PropertyFn;
  readonly delith: PropertyFn;
  readonly lithT: OcpTable | null;
  readonly delithT: OcpTable | null;
}

/** a material's hysteresis branches at T_ref (./ocp-table.ts), null when its file gives none */
export function electrodeHysteresis(e: BpxParticle, Tref: number): Hysteresis | null {
  return e.hysteresis
    ? {
        lith: e.hysteresis.lithiation,
        delith: e.hysteresis.delithiation,
        lithT: ocpTable(e.hysteresis.lithiation, Tref),
        delithT: ocpTable(e.hysteresis.delithiation, Tref),
      }
    : null;
}

/** the steepness k of PyBaMM's current sigmoid, m² A⁻¹ (PyBaMM current_sigmoid_ocp.py: k = 100) */
export const CURRENT_SIGMOID_K_M2_PER_A = 100;

/**
 * The weight of the lithiation branch in PyBaMM's "current sigmoid" OCP (current_sigmoid_ocp.py):
 * (1 + tanh(k·i_lith))/2 with k = 100 m²/A and i_lith the electrode's lithiation current density —
 * the discharge current density i = −I/A for the positive electrode, −i for the negative one. At rest
 * the two branches count half each.
 */
export function lithiationWeight(lithSign: 1 | -1, I: number, area_m2: number): number {
  return 0.5 * (1 + Math.tanh(CURRENT_SIGMOID_K_M2_PER_A * lithSign * (-I / area_m2)));
}

/** U_ref(θ) at T_ref with hysteresis: the lithiation branch weighted by w, the delithiation one by 1 − w */
export function hysteresisOcp(h: Hysteresis, th: number, Tref: number, w: number): number {
  const a = h.lithT ? tableValue(h.lithT, th) : h.lith(th, Tref);
  const b = h.delithT ? tableValue(h.delithT, th) : h.delith(th, Tref);
  return w * a + (1 - w) * b;
}

/** a lower-case name fit for an output column: 'Large Particles' → 'large_particles' */
export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '') || 'material'
  );
}
