/**
 * In-situ prelithiation: Li + Al → Li–Al phases at station 240 and downstream.
 *
 * End state (phase diagram, lever rule on x = n_Li/n_Al; Hallstedt & Kim, Int. J. Mater. Res. 98 (2007)
 * 961 CALPHAD phase list; composition limits from P1 via shared/data/li-al-ssb-datasheet.md §1.1):
 *   x ≤ 0.05          α-Al(Li) solid solution
 *   0.05 < x < 0.95   α (x = 0.05) + β-LiAl (x = 0.95)
 *   0.95 ≤ x ≤ 1      β-LiAl of composition x
 *   1 < x ≤ 1.5       β-LiAl (x = 1) + Li₃Al₂
 *   1.5 < x ≤ 2.25    Li₃Al₂ + Li₉Al₄
 *   x > 2.25          Li₉Al₄ + Li metal left over
 * (at RT Li₃Al₂/Li₉Al₄ may be kinetically hindered — datasheet §2.2; the equilibrium end state is used.)
 *
 * Kinetics: diffusion-controlled (parabolic) growth of the product layer, X² = 2·∫D_eff(T(t)) dt
 * (Wagner-type reactive diffusion; datasheet §2.4 and process-models.md §2.4), with Arrhenius
 * D_eff(T) = D_ref·exp(−E_a/R·(1/T − 1/T_ref)). The extent ξ = X/X_final scales every product of the end
 * state, so Li and Al atoms are conserved exactly at every ξ. Time history: the nip (t = L/v at the roll
 * temperature), the open-web dwell (lumped heat balance with convection) and the wound roll (nearly
 * adiabatic); the reaction heat (thermal.ts) feeds back on D_eff.
 *
 * Molar volumes per Al from the lattice constants (datasheet §2.1); α and off-stoichiometric β by linear
 * (Vegard-type) interpolation between Al and LiAl (assumption). Anode D_Li at 25 °C: Bruggeman effective
 * medium over the phases (Bruggeman, Ann. Phys. 416 (1935) 636), D_β = 1e-9 cm² s⁻¹ (datasheet §2.3 working
 * value, assumption), D_α = D_β·1e-10 (P1: "ten orders of magnitude"), Li₃Al₂/Li₉Al₄ = D_β (assumption),
 * Li metal self-diffusion 5.7e-11 cm² s⁻¹ (Lodding, Mundy & Ott, Phys. Status Solidi 38 (1970) 559; U).
 */
import { GAS_CONSTANT_J_PER_MOL_K } from '../materials/constants.ts';
import { ALPHA_SOLUBILITY_LI_PER_AL, BETA_LI_POOR_EDGE_LI_PER_AL, LI_AL_PHASES } from '../materials/mechanics.ts';
import { heatOfAlloying, lumpedStep, LI_MELTING_K } from './thermal.ts';
import { illinois } from '../numerics/roots.ts';
import type { PhaseAmounts } from './types.ts';

export const D_REF_M2_S = 1e-13; // 1e-9 cm² s⁻¹ at 298.15 K, datasheet §2.3 working value (assumption)
export const D_REF_T_K = 298.15;
export const EA_GROWTH_J_MOL = 40e3; // assumption: no measured Li/Al couple kinetics (datasheet §9 gap 3)
export const D_ALPHA_OVER_BETA = 1e-10; // P1 (datasheet §2.3, V)
export const D_LI_METAL_M2_S = 5.7e-15; // 5.7e-11 cm² s⁻¹, Lodding et al. 1970 (U)

const XA = ALPHA_SOLUBILITY_LI_PER_AL.value;
const XB = BETA_LI_POOR_EDGE_LI_PER_AL.value;
const V_AL = LI_AL_PHASES.Al.molarVolume.value;
const V_LIAL = LI_AL_PHASES.LiAl.molarVolume.value;
const V_LI = LI_AL_PHASES.Li.molarVolume.value;

export type { PhaseAmounts };

/** Equilibrium end state for n_Li, n_Al (mol m⁻²). */
export function equilibriumPhases(nLi: number, nAl: number): PhaseAmounts {
  const o: PhaseAmounts = { Al: 0, alpha: 0, xAlpha: 0, LiAl: 0, xBeta: 1, Li3Al2: 0, Li9Al4: 0, Li: 0 };
  if (nAl <= 0) {
    o.Li = nLi;
    return o;
  }
  const x = nLi / nAl;
  if (x <= XA) {
    o.alpha = nAl;
    o.xAlpha = x;
  } else if (x < XB) {
    const fb = (x - XA) / (XB - XA);
    o.alpha = (1 - fb) * nAl;
    o.xAlpha = XA;
    o.LiAl = fb * nAl;
    o.xBeta = XB;
  } else if (x <= 1) {
    o.LiAl = nAl;
    o.xBeta = x;
  } else if (x <= 1.5) {
    const f = (x - 1) / 0.5;
    o.LiAl = (1 - f) * nAl;
    o.Li3Al2 = f * nAl;
  } else if (x <= 2.25) {
    const f = (x - 1.5) / 0.75;
    o.Li3Al2 = (1 - f) * nAl;
    o.Li9Al4 = f * nAl;
  } else {
    o.Li9Al4 = nAl;
    o.Li = nLi - 2.25 * nAl;
  }
  return o;
}

/** Li atoms (mol m⁻²) held in the phases */
export function liInPhases(a: PhaseAmounts): number {
  return a.alpha * a.xAlpha + a.LiAl * a.xBeta + 1.5 * a.Li3Al2 + 2.25 * a.Li9Al4 + a.Li;
}
export function alInPhases(a: PhaseAmounts): number {
  return a.Al + a.alpha + a.LiAl + a.Li3Al2 + a.Li9Al4;
}

/** molar volume per Al of a solid solution Li_xAl between Al and LiAl (Vegard-type, assumption) */
export const vmSolution = (x: number): number => V_AL + x * (V_LIAL - V_AL);

/** per-phase (n, Vm) list: n in mol m⁻² of the formula basis used by Vm */
export function phaseVolumes(a: PhaseAmounts): { phase: string; n_mol_m2: number; Vm_m3_mol: number }[] {
  return [
    { phase: 'Al', n_mol_m2: a.Al, Vm_m3_mol: V_AL },
    { phase: 'alpha', n_mol_m2: a.alpha, Vm_m3_mol: vmSolution(a.xAlpha) },
    { phase: 'LiAl', n_mol_m2: a.LiAl, Vm_m3_mol: vmSolution(a.xBeta) },
    { phase: 'Li3Al2', n_mol_m2: a.Li3Al2, Vm_m3_mol: LI_AL_PHASES.Li3Al2.molarVolume.value },
    { phase: 'Li9Al4', n_mol_m2: a.Li9Al4, Vm_m3_mol: LI_AL_PHASES.Li9Al4.molarVolume.value },
    { phase: 'Li', n_mol_m2: a.Li, Vm_m3_mol: V_LI },
  ];
}

/** Σ nᵢ·Vm,ᵢ (m) */
export function anodeThickness(a: PhaseAmounts): number {
  let t = 0;
  for (const p of phaseVolumes(a)) t += p.n_mol_m2 * p.Vm_m3_mol;
  return t;
}

/** State at extent ξ between the initial couple (pure Al + Li metal) and the end state. */
export function stateAtExtent(nLi: number, nAl: number, end: PhaseAmounts, xi: number): PhaseAmounts {
  const reactedAl = end.alpha + end.LiAl + end.Li3Al2 + end.Li9Al4; // = nAl when nAl > 0
  return {
    Al: nAl - xi * reactedAl,
    alpha: xi * end.alpha,
    xAlpha: end.xAlpha,
    LiAl: xi * end.LiAl,
    xBeta: end.xBeta,
    Li3Al2: xi * end.Li3Al2,
    Li9Al4: xi * end.Li9Al4,
    Li: nLi - xi * (nLi - end.Li),
  };
}

/** growth-kinetics parameters (defaults: the assumptions above); exposed so users can calibrate them */
export interface AlloyKinetics {
  /** D_eff at 25 °C, m² s⁻¹ */
  dRef_m2_s?: number;
  /** activation energy, J mol⁻¹ */
  ea_J_mol?: number;
}

export function dEff(T_K: number, kin?: AlloyKinetics): number {
  return (
    (kin?.dRef_m2_s ?? D_REF_M2_S) *
    Math.exp((-(kin?.ea_J_mol ?? EA_GROWTH_J_MOL) / GAS_CONSTANT_J_PER_MOL_K) * (1 / T_K - 1 / D_REF_T_K))
  );
}

export interface AlloySegment {
  kind: 'nip' | 'dwell' | 'roll';
  duration_s: number;
  /** environment (roll, heater, room) temperature, K */
  T_env_K: number;
  /** thermal time constant to the environment, s (0 = held at T_env; Infinity = adiabatic) */
  tau_s: number;
}

export interface AlloyResult {
  end: PhaseAmounts;
  final: PhaseAmounts;
  /** extent reached, 0..1 */
  extent: number;
  /** product-layer thickness at completion, m */
  productThickness_m: number;
  /** time after entering the nip at which alloying is complete, s (extrapolated at the last temperature when beyond the history) */
  complete_s: number;
  /** highest web temperature and where */
  peakT_K: number;
  peakSegment: AlloySegment['kind'];
  /** extent at the end of each segment */
  extentAfter: { kind: AlloySegment['kind']; extent: number; T_end_K: number }[];
  heatTotal_J_m2: number;
  adiabaticRise_K: number;
}

const STEPS_PER_SEGMENT = 48;

/**
 * Integrate the coupled parabolic growth and lumped heat balance through the segments.
 * @param C_A areal heat capacity of the laminate, J m⁻² K⁻¹
 * @param T0 temperature entering the first segment, K
 */
export function alloyHistory(
  nLi: number,
  nAl: number,
  segments: readonly AlloySegment[],
  C_A: number,
  T0: number,
  kin?: AlloyKinetics,
): AlloyResult {
  const end = equilibriumPhases(nLi, nAl);
  const Xf =
    end.alpha * vmSolution(end.xAlpha) +
    end.LiAl * vmSolution(end.xBeta) +
    end.Li3Al2 * LI_AL_PHASES.Li3Al2.molarVolume.value +
    end.Li9Al4 * LI_AL_PHASES.Li9Al4.molarVolume.value;
  const Qtot = heatOfAlloying(end.LiAl, end.Li3Al2, end.Li9Al4);
  let s = 0; // ξ²
  let T = T0;
  let t = 0;
  let peakT = T0;
  let peakSeg: AlloySegment['kind'] = segments[0]?.kind ?? 'nip';
  let complete = Xf > 0 ? Number.NaN : 0;
  const extentAfter: AlloyResult['extentAfter'] = [];
  for (const seg of segments) {
    if (seg.tau_s === 0) T = seg.T_env_K;
    const n = STEPS_PER_SEGMENT;
    // geometric time steps resolve the 1/√t start of parabolic growth
    const dur = seg.duration_s;
    const r = 1.15;
    const first = dur > 0 ? (dur * (r - 1)) / (Math.pow(r, n) - 1) : 0;
    let dt = first;
    for (let k = 0; k < n && dur > 0; k++) {
      if (s < 1 && Xf > 0) {
        const xiOld = Math.sqrt(s);
        const ds = (2 * dEff(T, kin) * dt) / (Xf * Xf);
        if (s + ds >= 1 && Number.isNaN(complete)) {
          complete = t + ((1 - s) / ds) * dt;
        }
        s = Math.min(1, s + ds);
        const dXi = Math.sqrt(s) - xiOld;
        T = seg.tau_s === 0 ? seg.T_env_K : lumpedStep(T, Qtot * dXi, dt, C_A, seg.tau_s, seg.T_env_K);
      } else {
        T = seg.tau_s === 0 ? seg.T_env_K : lumpedStep(T, 0, dt, C_A, seg.tau_s, seg.T_env_K);
      }
      if (T > peakT) {
        peakT = T;
        peakSeg = seg.kind;
      }
      t += dt;
      dt *= r;
    }
    extentAfter.push({ kind: seg.kind, extent: Math.sqrt(s), T_end_K: T });
  }
  if (Number.isNaN(complete)) complete = t + ((1 - s) * Xf * Xf) / (2 * dEff(T, kin)); // continue at the last temperature
  const xi = Math.sqrt(s);
  return {
    end,
    final: stateAtExtent(nLi, nAl, end, xi),
    extent: xi,
    productThickness_m: Xf,
    complete_s: complete,
    peakT_K: peakT,
    peakSegment: peakSeg,
    extentAfter,
    heatTotal_J_m2: Qtot,
    adiabaticRise_K: Qtot / C_A,
  };
}

/** fraction of the anode's Al atoms in each phase (α and unreacted Al counted as Al) */
export function alFractions(a: PhaseAmounts): { Al: number; LiAl: number; Li3Al2: number; Li9Al4: number } {
  const n = alInPhases(a);
  if (n <= 0) return { Al: 0, LiAl: 0, Li3Al2: 0, Li9Al4: 0 };
  return { Al: (a.Al + a.alpha) / n, LiAl: a.LiAl / n, Li3Al2: a.Li3Al2 / n, Li9Al4: a.Li9Al4 / n };
}

/** Li that can cycle: everything above the α solubility (α's Li and unreacted Al hold none), mol m⁻² */
export function liInventory(a: PhaseAmounts): number {
  return a.LiAl * a.xBeta + 1.5 * a.Li3Al2 + 2.25 * a.Li9Al4 + a.Li;
}

/** Bruggeman effective Li diffusivity of the anode at temperature T (m² s⁻¹). */
export function anodeDiffusivity(a: PhaseAmounts, T_K = 298.15, kin?: AlloyKinetics): number {
  const Db = dEff(T_K, kin);
  const ph = phaseVolumes(a);
  const Ds = [Db * D_ALPHA_OVER_BETA, Db * D_ALPHA_OVER_BETA, Db, Db, Db, D_LI_METAL_M2_S];
  let V = 0;
  for (const p of ph) V += p.n_mol_m2 * p.Vm_m3_mol;
  if (V <= 0) return 0;
  const phi = ph.map((p) => (p.n_mol_m2 * p.Vm_m3_mol) / V);
  let lo = Infinity;
  let hi = 0;
  for (let i = 0; i < Ds.length; i++) {
    if (phi[i]! > 0) {
      lo = Math.min(lo, Ds[i]!);
      hi = Math.max(hi, Ds[i]!);
    }
  }
  if (lo === hi) return lo;
  // Σ φᵢ (Dᵢ − D)/(Dᵢ + 2D) = 0, decreasing in D; solve in ln D
  const g = (lnD: number): number => {
    const D = Math.exp(lnD);
    let sum = 0;
    for (let i = 0; i < Ds.length; i++) if (phi[i]! > 0) sum += (phi[i]! * (Ds[i]! - D)) / (Ds[i]! + 2 * D);
    return sum;
  };
  const a0 = Math.log(lo);
  const b0 = Math.log(hi);
  // the Bruggeman sum is O(1): |g| ≤ 1e-12 at a bracket end is a root at that end (rounding, not a sign)
  return Math.exp(illinois(g, a0, b0, { xtol: 1e-12, maxIter: 200, ftol: 1e-12 }).x);
}

export { LI_MELTING_K };
