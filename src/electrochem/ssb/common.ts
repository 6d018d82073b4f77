/**
 * Pieces shared by the solid-state P2D, SPMe and SPM: kinetics, OCP wrappers, the design window
 * (state of charge ↔ stoichiometries), the cell thickness model (seed [0178], Eq. 1) and the ageing
 * state that the submodels in ageing.ts change between cycles.
 */
import { F, R } from '../../materials/constants.ts';
import { cathodeOcp, type CathodeOcp } from '../../materials/ocp/cathodes.ts';
import { liAlOcp } from '../../materials/ocp/li-al.ts';
import { MOLAR_VOLUME, derive, type Derived, type SsbCellParams } from './params.ts';
import { problem } from '../../problems.ts';

/** mutable degradation state of a model (changed only by afterCycle / ageing.ts) */
export interface AgeingState {
  /** fraction of the cathode active material still connected (loss of active material by contact loss) */
  activeScale: number;
  /** interphase resistance added at the cathode|SE interface (Ω m² per true area) */
  extraRc: number;
  /** time the cell has spent cycling (s), for the parabolic interphase law */
  age_s: number;
  /** cumulative Li consumed by the interphase and other side reactions (mol) */
  lostLi_mol: number;
  cycles: number;
}

export function freshAgeing(): AgeingState {
  return { activeScale: 1, extraRc: 0, age_s: 0, lostLi_mol: 0, cycles: 0 };
}

/** symmetric Butler–Volmer solved for the overpotential: η = (2RT/F)·asinh(j/(2 j0)); with ∂η/∂j, ∂η/∂j0 */
export function bvEta(j: number, j0: number, T: number): { eta: number; dj: number; dj0: number } {
  const k = (2 * R * T) / F;
  const s = j / (2 * j0);
  const q = Math.sqrt(1 + s * s);
  return { eta: k * Math.asinh(s), dj: k / (q * 2 * j0), dj0: (k / q) * (-j / (2 * j0 * j0)) };
}

/**
 * cathode exchange-current density j0(y) = j0ref·2√(y(1−y)) (form of CHEN with the SE concentration
 * fixed) and dj0/dy. y(1−y) is passed through a smooth positive floor q = (s + √(s² + ε²))/2, ε = 1e-3,
 * so j0 stays positive and differentiable when a surface stoichiometry overshoots [0, 1] inside a
 * Newton iteration (numerical regularisation).
 */
export function cathodeJ0(j0ref: number, y: number): { j0: number; d: number } {
  const s = y * (1 - y);
  const e = 1e-3;
  const r = Math.sqrt(s * s + e * e);
  const q = 0.5 * (s + r);
  const sq = Math.sqrt(q);
  const dq = 0.5 * (1 + s / r) * (1 - 2 * y);
  return { j0: 2 * j0ref * sq, d: (j0ref * dq) / sq };
}

export class CellCore {
  readonly p: SsbCellParams;
  readonly ocpC: CathodeOcp;
  ageing: AgeingState;
  d: Derived;
  /** Li mol per unit cathode stoichiometry (whole cell, fresh) */
  readonly nC: number;
  /** Al mol in the anode (whole cell) */
  readonly nAl: number;
  readonly T: number;
  readonly window: { qLo: number; qHi: number; y0: number; x0: number };

  constructor(p: SsbCellParams) {
    validateParams(p);
    this.p = p;
    this.ocpC = cathodeOcp(p.cathode.activeMaterial);
    this.ageing = freshAgeing();
    this.d = derive(p);
    this.T = p.temperature_K;
    this.nC = this.d.cathodeLi_mol_perY;
    this.nAl = p.anode.al_mol_m2 * p.area_m2;
    this.window = designWindow(p, this.ocpC);
  }

  refreshDerived(): void {
    this.d = derive(this.p, { extraRc: this.ageing.extraRc });
  }

  Ua(x: number, direction = 0): { U: number; dUdx: number; dUdDirection: number } {
    return liAlOcp(
      x,
      this.T,
      { phaseModel: this.p.anode.phaseModel, hysteresis_V: this.p.anode.hysteresis_V },
      direction,
    );
  }

  /**
   * hysteresis direction from the anode current density i (A m⁻², positive = lithiation on charge):
   * a smooth sign, tanh(i/i_h) with i_h = 1 A m⁻² (assumption), and its derivative
   */
  static direction(i: number): { dir: number; d: number } {
    const t = Math.tanh(i);
    return { dir: t, d: 1 - t * t };
  }

  /** stoichiometries of a uniform rest state at the given soc (fraction of the design window) */
  restStoich(soc: number): { y: number; x: number } {
    if (!(soc >= 0 && soc <= 1)) throw problem('soc', 'must be in [0, 1]', String(soc), '0..1');
    const q = this.window.qLo + soc * (this.window.qHi - this.window.qLo);
    return { y: this.window.y0 - q / this.nC, x: this.window.x0 + q / this.nAl };
  }

  /** nominal capacity of the design window (C) */
  get nominalCapacity_C(): number {
    return (this.window.qHi - this.window.qLo) * F;
  }

  get cathodeActiveMass_kg(): number {
    const c = this.p.cathode;
    return c.activeFraction * c.thickness_m * this.p.area_m2 * c.density_kg_m3;
  }

  /**
   * Cell thickness (m) under the stack pressure for a mean cathode stoichiometry and the anode's Li/Al
   * profile (equal Al per finite volume). See thicknessModel().
   */
  thickness(yMean: number, xs: ArrayLike<number>): number {
    return thicknessModel(this.p, yMean, xs, this.ageing);
  }
}

export function validateParams(p: SsbCellParams): void {
  const pos = (path: string, v: number): void => {
    if (!(Number.isFinite(v) && v > 0)) throw problem(path, 'must be > 0', String(v), '> 0');
  };
  pos('area_m2', p.area_m2);
  pos('temperature_K', p.temperature_K);
  pos('stackPressure_Pa', p.stackPressure_Pa);
  pos('cathode.thickness_m', p.cathode.thickness_m);
  pos('cathode.activeFraction', p.cathode.activeFraction);
  pos('cathode.electrolyteFraction', p.cathode.electrolyteFraction);
  pos('cathode.particleRadius_m', p.cathode.particleRadius_m);
  pos('cathode.cMax_mol_m3', p.cathode.cMax_mol_m3);
  pos('separator.thickness_m', p.separator.thickness_m);
  pos('anode.al_mol_m2', p.anode.al_mol_m2);
  if (!(p.anode.li_mol_m2 >= 0)) throw problem('anode.li_mol_m2', 'must be ≥ 0', String(p.anode.li_mol_m2), '≥ 0');
  if (!(p.vMax_V > p.vMin_V))
    throw problem('vMax_V', 'must be > vMin_V', `${p.vMax_V} ≤ ${p.vMin_V}`, 'vMax_V > vMin_V');
}

/**
 * The design window in terms of q = mol Li moved from cathode to anode, from the as-made state
 * (cathode at yPristine, anode at x0 = Li/Al). qLo: most discharged rest state (cathode full, anode
 * empty, or OCV = vMin); qHi: OCV = vMax or the cathode's lowest allowed stoichiometry.
 */
export function designWindow(p: SsbCellParams, ocpC: CathodeOcp): { qLo: number; qHi: number; y0: number; x0: number } {
  const d = derive(p);
  const nC = d.cathodeLi_mol_perY;
  const nAl = p.anode.al_mol_m2 * p.area_m2;
  const y0 = p.cathode.yPristine;
  const x0 = p.anode.li_mol_m2 / p.anode.al_mol_m2;
  const T = p.temperature_K;
  const opts = { phaseModel: p.anode.phaseModel };
  const ocv = (q: number): number => ocpC.U(y0 - q / nC) - liAlOcp(x0 + q / nAl, T, opts).U;
  // feasible q range from the stoichiometries: y ≤ 1, x ≥ 0, y ≥ yMinAllowed
  let lo = Math.max((y0 - 1) * nC, -x0 * nAl);
  const hiBound = (y0 - p.cathode.yMinAllowed) * nC;
  if (!(hiBound > lo))
    throw problem('cathode.yPristine', 'leaves no window', String(y0), `> yMinAllowed ${p.cathode.yMinAllowed}`);
  // shift lo up to where OCV ≥ vMin (OCV increases with q)
  if (ocv(lo) < p.vMin_V) lo = bisect((q) => ocv(q) - p.vMin_V, lo, hiBound);
  let hi = hiBound;
  if (ocv(hi) > p.vMax_V) hi = bisect((q) => ocv(q) - p.vMax_V, lo, hiBound);
  return { qLo: lo, qHi: hi, y0, x0 };
}

function bisect(f: (q: number) => number, a: number, b: number): number {
  let fa = f(a);
  const fb = f(b);
  if (fa * fb > 0) return fa > 0 ? a : b;
  for (let i = 0; i < 200 && b - a > 1e-15 * Math.max(1, Math.abs(b)); i++) {
    const m = 0.5 * (a + b);
    const fm = f(m);
    if (fm * fa <= 0) b = m;
    else {
      a = m;
      fa = fm;
    }
  }
  return 0.5 * (a + b);
}

/** volume per Al atom (m³ mol⁻¹) at Li/Al = x (linear between phases, Vegard-type; assumption) */
export function anodeVolumePerAl(x: number, model: 'rt' | 'equilibrium'): number {
  const V = MOLAR_VOLUME;
  if (x <= 0) return V.Al;
  if (x <= 1) return V.Al + x * (V.LiAl - V.Al);
  if (model === 'rt') return V.LiAl + (x - 1) * V.Li;
  if (x <= 1.5) return V.LiAl + ((x - 1) / 0.5) * (V.Li3Al2 - V.LiAl);
  if (x <= 2.25) return V.Li3Al2 + ((x - 1.5) / 0.75) * (V.Li9Al4 - V.Li3Al2);
  return V.Li9Al4 + (x - 2.25) * V.Li;
}

/** relative volume change of the cathode active material at stoichiometry y (vs y = 1) */
export function cathodeVolumeStrain(p: SsbCellParams, y: number): number {
  const c = p.cathode;
  const s = Math.max(0, Math.min(1.2, (1 - y) / (1 - c.yRefVolume)));
  // Ni-rich layered oxides: the c-axis collapse is concentrated at high delithiation → quadratic
  // shape (assumption on the shape; end value from the cited total change); others linear.
  const nonlinear = /^NC/.test(c.activeMaterial);
  return c.latticeVolumeChange * (nonlinear ? s * s : s);
}

/**
 * Thickness model for the Eq. 1 expansion rate (seed [0178]): sum of layers, each laterally
 * constrained (all volume change goes into thickness — assumption for a bonded web in a fixture) and
 * elastically compressed by the stack pressure P held by the fixture: t = t₀·(1 − P/E).
 *  - anode: Σ (n_Al/N)·V(x_m) / A, with the phase molar volumes of DS §2.1;
 *  - cathode composite: L·(1 + ε_AM·(1 − φ)·ΔV/V(y)), where the pore fraction φ accommodates part of
 *    the particle breathing (electrolyte/pore compliance — assumption), ΔV/V from the cited lattice change;
 *  - separator and collectors: constant; interphase growth adds a film (Li consumed × V_m(Li2S-like)
 *    ≈ 2.8e-5 m³ mol⁻¹ Li, assumption) on the cathode side.
 */
export function thicknessModel(p: SsbCellParams, yMean: number, xs: ArrayLike<number>, ageing?: AgeingState): number {
  const c = p.cathode;
  const P = p.stackPressure_Pa;
  const Ec = p.electrolyte.youngsModulus_Pa; // composite modulus ~ SE modulus (assumption)
  let vAnode = 0;
  for (let m = 0; m < xs.length; m++) vAnode += anodeVolumePerAl(xs[m]!, p.anode.phaseModel);
  const tAnode = (vAnode * p.anode.al_mol_m2) / xs.length;
  const tCath =
    c.thickness_m *
    (1 +
      c.activeFraction * (1 - c.porosity) * cathodeVolumeStrain(p, yMean) -
      c.activeFraction * cathodeVolumeStrain(p, c.yPristine) * (1 - c.porosity));
  const tFilm = ageing ? (ageing.lostLi_mol / p.area_m2) * 2.8e-5 : 0;
  const tSep = p.separator.thickness_m;
  const tCC = p.collectors.cathodeCollectorThickness_m + p.collectors.anodeCollectorThickness_m;
  return (
    tAnode * (1 - P / p.anode.youngsModulus_Pa) +
    (tCath + tFilm) * (1 - P / Ec) +
    tSep * (1 - P / Ec) +
    tCC * (1 - P / p.collectors.youngsModulus_Pa)
  );
}
