/**
 * In-situ prelithiation: Li + Al → Li–Al phases at station 240 and downstream, by kinetics.
 *
 * Data: src/materials/li-al.ts (data/materials/li-al.json), each number with its source or as an assumption
 * with a range.
 *
 * Phases and which form when (li-al.json `formsAtRT`):
 *  - β-LiAl forms first, at and below room temperature (Baranski & Fawcett, J. Electrochem. Soc. 129 (1982),
 *    doi:10.1149/1.2124050; Biallozor & Lieder 1993); α-Al(Li) up to x = 0.05 (P1), β for 0.95 ≤ x ≤ 1.
 *    The β-limited end state (`betaLimitedPhases`): x ≤ 0.05 α; α + β; β(x); x > 1: β-LiAl + Li metal.
 *  - Li₃Al₂ and Li₉Al₄ need "slightly above ambient" temperatures (Zheng et al. 2023): they form from β + Li
 *    only above an onset temperature (li-al.json `liRichOnsetT`, 40 °C, assumption 30–60 °C), entered
 *    smoothly (logistic gate, width 1 K, assumption) so nothing jumps at the onset. Their end state is the
 *    equilibrium lever rule (`equilibriumPhases`).
 *
 * Kinetics (no 0/1 gates; every rate is continuous in T and time):
 *  - real contact: the fraction φ_c of the Li/Al interface in metallic contact, made in the nip by Li flowing
 *    into the Al roughness (bonding.ts `liAlContact`); held after the nip.
 *  - nucleation / oxide: β nucleation on pure Al is delayed (Electrochim. Acta 45 (1999) 873); the native
 *    Al₂O₃ is reduced by Li (ΔrG < 0) but no rate is known. One incubation clock for both, Scheil's
 *    additivity I = ∫dt/t_inc(T), t_inc(T) = t_inc,RT·exp(Ea/R·(1/T − 1/298.15)) (li-al.json
 *    `incubationTimeRT` 60 s, assumption 1–3600 s; Ea that of growth, assumption); nucleated fraction
 *    ν = 1 − e^(−I).
 *  - growth of the β product by reactive diffusion, parabolic in the product thickness X:
 *    dX²/dt = 2·D_g(T)·φ_c·ν. D_g is the only measured growth rate, 1e-10 cm²/s at 150 °C (Pereira-Ramos,
 *    Messina & Perichon, J. Electroanal. Chem. 209 (1986) 283; interface/nucleation limited, li-al.json
 *    `effectiveGrowthD150C`), moved in T with the β activation energy (li-al.json β `diffusion.Ea`,
 *    38.6 kJ/mol, assumption 24–53). The bulk β D (upper bound of growth through β, li-al.json
 *    `solidStateParabolicRate`) is the other end of the range this assumption spans; it is exposed through
 *    `AlloyKinetics` so claims can report what depends on it.
 *  - growth of the Li-rich product from β + Li the same way: interface/nucleation limited with the same
 *    effective growth D (assumption; the bulk Li₃Al₂ D of li-al.json, 1e-9 cm²/s assumed, would be an upper
 *    bound), times the onset gate.
 *  - state: the composition is the convex combination
 *      S = (1 − ξ_β)·S₀ + ξ_β·[(1 − ξ_r)·E_β + ξ_r·E_eq]
 *    of the initial couple S₀ (Al + Li metal), the β-limited end state E_β and the equilibrium end state
 *    E_eq, with ξ = X/X_final of each front. All three hold the same Li and Al atoms, so every state
 *    conserves them exactly.
 *  - heat: the formation enthalpy released between two states (Dębski et al., J. Alloys Compd. 586 (2014)
 *    703, li-al.json), fed to a lumped heat balance (thermal.ts) with the latent heat of Li (3.0 kJ/mol,
 *    li-al.json) by the enthalpy method: the web holds at 180.5 °C while Li melts or freezes.
 *  - liquid Li in the nip: Li molten in the nip (liquid fraction from the enthalpy balance of the metal
 *    layers next to the heated roll, so it rises continuously from 0 at 180.5 °C as the heat the nip delivers
 *    beyond the melting point grows) wets the Al (full contact) and alloys at least as fast as the solid
 *    (li-al.json `liquidLiOnAl`, assumption). A liquid cannot be held in a loaded nip (its elastohydrodynamic
 *    film is nanometres thick at line speeds): the Li molten before the pressure peak (mid-nip) is pushed
 *    back to the inlet and runs to the web edges — reported as mass with its place (`rejected_mol_m2`), never
 *    lost; Li that melts after the peak leaves with the web and refreezes.
 *  - time history: the nip (t = L/v, heated from both rolls with the nip's conduction time constant), the
 *    open-web dwell (lumped balance with convection) and the wound roll (nearly adiabatic) until the roll
 *    is used.
 *
 * Molar volumes per Al from the lattice constants (li-al.json); α and off-stoichiometric β by linear
 * (Vegard-type) interpolation between Al and LiAl (assumption). Anode D_Li at 25 °C: Bruggeman effective
 * medium over the phases with per-phase D from li-al.json (α: Wen 1980 extrapolated; β: bulk D_chem; Li-rich:
 * assumption; Li metal: self-diffusion) — a computed property, not an input echoed back.
 */
import { GAS_CONSTANT_J_PER_MOL_K as R, REFERENCE_TEMPERATURE_K } from '../materials/constants.ts';
import { celsius } from '../units/index.ts';
import { arrhenius, arrheniusBounds, liAlData, type LiAlData } from '../materials/li-al.ts';
import { createDaeSolver, illinois, type DaeProblem, type DaeSolver, type EventSpec } from '../numerics/index.ts';
import { liLatentHeat_J_mol, liMelting_K } from './thermal.ts';
import type { PhaseAmounts } from './types.ts';

export type { PhaseAmounts };

/**
 * The Li–Al data this module computes with (li-al.json through liAlData(), in SI) and what follows from them,
 * read on first use — not at import: every command, the server and each worker thread import this module. A
 * function takes the ones it uses at its top (`const { X_ALPHA } = alloyData()`), under the names they had as
 * the module's constants.
 */
export interface AlloyData {
  /** Li/Al edges at RT (P1): α up to 0.05, β from 0.95 to 1; Li/Al of Li₃Al₂ and Li₉Al₄ */
  X_ALPHA: number;
  X_BETA_MIN: number;
  X_BETA_MAX: number;
  X_LI3AL2: number;
  X_LI9AL4: number;
  /** molar volumes, m³ per mol Al (Li metal per mol Li) */
  V_AL: number;
  V_LIAL: number;
  V_LI3AL2: number;
  V_LI9AL4: number;
  V_LI: number;
  /** formation enthalpies, J per mol of atoms (negative) */
  H_LIAL: number;
  H_LI3AL2: number;
  H_LI9AL4: number;
  /** effective β growth D at 150 °C, m² s⁻¹ (li-al.json alloyingKinetics.effectiveGrowthD150C) */
  D_GROWTH_150: number;
  /** activation energy of growth: that of β (assumption, li-al.json β diffusion.Ea), J mol⁻¹ */
  EA_GROWTH_J_MOL: number;
  /** D_g at 25 °C: the 150 °C growth rate moved with Ea_g, m² s⁻¹ */
  D_REF_M2_S: number;
  /** upper end of the growth D at 25 °C: growth through bulk β (li-al.json `solidStateParabolicRate`), m² s⁻¹ */
  D_GROWTH_BULK_BETA_RT: number;
  /** incubation time at 25 °C, s */
  INCUBATION_RT_S: number;
  /** onset temperature of the Li-rich phases, K */
  T_LIRICH: number;
  /** Li₃Al₂'s diffusion (Arrhenius) */
  D_LIRICH: LiAlData['phases']['Li3Al2']['diffusion'];
  /** melting point, K, and latent heat of fusion, J mol⁻¹, of Li */
  T_MELT: number;
  LATENT: number;
  /** the phases and the alloying kinetics of the file */
  PH: LiAlData['phases'];
  AK: LiAlData['alloyingKinetics'];
}

let alloyDataRead: AlloyData | undefined;
/**
 * the three the history's ODE reads on every evaluation (evaluate, liRichGate), as plain module bindings: set
 * with the data, before any history runs (alloyHistory takes alloyData() first)
 */
let T_MELT = NaN;
let LATENT = NaN;
let T_LIRICH = NaN;
/** the module's Li–Al data (AlloyData), read and derived on first use, once per thread */
export function alloyData(): AlloyData {
  if (alloyDataRead === undefined) {
    alloyDataRead = alloyDataOf(liAlData());
    ({ T_MELT, LATENT, T_LIRICH } = alloyDataRead);
  }
  return alloyDataRead;
}

function alloyDataOf(data: LiAlData): AlloyData {
  const PH = data.phases;
  const AK = data.alloyingKinetics;
  const D_GROWTH_150 = AK.effectiveGrowthD150C.value;
  const EA_GROWTH_J_MOL = PH.beta.diffusion.Ea.value;
  return {
    X_ALPHA: PH.alpha.xMaxRT!.value,
    X_BETA_MIN: PH.beta.xMinRT!.value,
    X_BETA_MAX: PH.beta.xMaxRT!.value,
    X_LI3AL2: PH.Li3Al2.x!.value,
    X_LI9AL4: PH.Li9Al4.x!.value,
    V_AL: PH.alpha.molarVolumePerAl!.value,
    V_LIAL: PH.beta.molarVolumePerAl!.value,
    V_LI3AL2: PH.Li3Al2.molarVolumePerAl!.value,
    V_LI9AL4: PH.Li9Al4.molarVolumePerAl!.value,
    V_LI: PH.Li.molarVolume!.value,
    H_LIAL: PH.beta.formationEnthalpyPerAtom!.value,
    H_LI3AL2: PH.Li3Al2.formationEnthalpyPerAtom!.value,
    H_LI9AL4: PH.Li9Al4.formationEnthalpyPerAtom!.value,
    D_GROWTH_150,
    EA_GROWTH_J_MOL,
    D_REF_M2_S: D_GROWTH_150 * Math.exp((-EA_GROWTH_J_MOL / R) * (1 / T_RT - 1 / T_150)),
    D_GROWTH_BULK_BETA_RT: arrhenius(PH.beta.diffusion, T_RT),
    INCUBATION_RT_S: AK.incubationTimeRT.value,
    T_LIRICH: AK.liRichOnsetT.value,
    D_LIRICH: PH.Li3Al2.diffusion,
    T_MELT: liMelting_K(),
    LATENT: liLatentHeat_J_mol(),
    PH,
    AK,
  };
}

const T_RT = REFERENCE_TEMPERATURE_K;
const T_150 = celsius(150); // the temperature of the effectiveGrowthD150C measurement
export const D_REF_T_K = T_RT;
/** width of the Li-rich onset gate, K (assumption) */
export const LIRICH_ONSET_WIDTH_K = 1;

/** Li–Al (β) growth kinetics; defaults: the data above. Exposed so claims can scan their ranges. */
export interface AlloyKinetics {
  /** effective β growth D at 25 °C, m² s⁻¹ */
  dRef_m2_s?: number;
  /** its activation energy, J mol⁻¹ */
  ea_J_mol?: number;
  /** incubation time at 25 °C, s */
  incubationRT_s?: number;
}

/** effective β growth D at T */
export function dEff(T_K: number, kin?: AlloyKinetics): number {
  const { EA_GROWTH_J_MOL, D_REF_M2_S } = alloyData();
  return (
    (kin?.dRef_m2_s ?? D_REF_M2_S) * Math.exp((-(kin?.ea_J_mol ?? EA_GROWTH_J_MOL) / R) * (1 / T_K - 1 / D_REF_T_K))
  );
}

/** incubation time at T, s */
export function incubationTime(T_K: number, kin?: AlloyKinetics): number {
  const { EA_GROWTH_J_MOL, INCUBATION_RT_S } = alloyData();
  return (
    (kin?.incubationRT_s ?? INCUBATION_RT_S) * Math.exp(((kin?.ea_J_mol ?? EA_GROWTH_J_MOL) / R) * (1 / T_K - 1 / T_RT))
  );
}

/** smooth onset of the Li-rich phases, 0 (below) … 1 (above) */
export function liRichGate(T_K: number): number {
  if (alloyDataRead === undefined) alloyData();
  return 1 / (1 + Math.exp(-(T_K - T_LIRICH) / LIRICH_ONSET_WIDTH_K));
}

// ------------------------------------------------------------------------------------ end states
const empty = (): PhaseAmounts => ({ Al: 0, alpha: 0, xAlpha: 0, LiAl: 0, xBeta: 1, Li3Al2: 0, Li9Al4: 0, Li: 0 });

/** α / α + β / β(x) part for x = nLi/nAl ≤ 1 (writes into o) */
function alphaBeta(o: PhaseAmounts, x: number, nAl: number): void {
  const { X_ALPHA, X_BETA_MIN } = alloyData();
  if (x <= X_ALPHA) {
    o.alpha = nAl;
    o.xAlpha = x;
  } else if (x < X_BETA_MIN) {
    const fb = (x - X_ALPHA) / (X_BETA_MIN - X_ALPHA);
    o.alpha = (1 - fb) * nAl;
    o.xAlpha = X_ALPHA;
    o.LiAl = fb * nAl;
    o.xBeta = X_BETA_MIN;
  } else {
    o.LiAl = nAl;
    o.xBeta = x;
  }
}

/** β-limited end state (room temperature): α/β by the lever rule, excess Li stays metal. */
export function betaLimitedPhases(nLi: number, nAl: number): PhaseAmounts {
  const { X_BETA_MAX } = alloyData();
  const o = empty();
  if (nAl <= 0) {
    o.Li = nLi;
    return o;
  }
  const x = nLi / nAl;
  if (x <= X_BETA_MAX) alphaBeta(o, x, nAl);
  else {
    o.LiAl = nAl;
    o.xBeta = X_BETA_MAX;
    o.Li = nLi - X_BETA_MAX * nAl;
  }
  return o;
}

/** Equilibrium end state (lever rule through β, Li₃Al₂, Li₉Al₄, then Li metal). */
export function equilibriumPhases(nLi: number, nAl: number): PhaseAmounts {
  const { X_BETA_MAX, X_LI3AL2, X_LI9AL4 } = alloyData();
  const o = empty();
  if (nAl <= 0) {
    o.Li = nLi;
    return o;
  }
  const x = nLi / nAl;
  if (x <= X_BETA_MAX) alphaBeta(o, x, nAl);
  else if (x <= X_LI3AL2) {
    const f = (x - X_BETA_MAX) / (X_LI3AL2 - X_BETA_MAX);
    o.LiAl = (1 - f) * nAl;
    o.Li3Al2 = f * nAl;
  } else if (x <= X_LI9AL4) {
    const f = (x - X_LI3AL2) / (X_LI9AL4 - X_LI3AL2);
    o.Li3Al2 = (1 - f) * nAl;
    o.Li9Al4 = f * nAl;
  } else {
    o.Li9Al4 = nAl;
    o.Li = nLi - X_LI9AL4 * nAl;
  }
  return o;
}

/** Li atoms (mol m⁻²) held in the phases */
export function liInPhases(a: PhaseAmounts): number {
  const { X_LI3AL2, X_LI9AL4 } = alloyData();
  return a.alpha * a.xAlpha + a.LiAl * a.xBeta + X_LI3AL2 * a.Li3Al2 + X_LI9AL4 * a.Li9Al4 + a.Li;
}
export function alInPhases(a: PhaseAmounts): number {
  return a.Al + a.alpha + a.LiAl + a.Li3Al2 + a.Li9Al4;
}

/** molar volume per Al of a solid solution Li_xAl between Al and LiAl (Vegard-type, assumption) */
export const vmSolution = (x: number): number => {
  const { V_AL, V_LIAL } = alloyData();
  return V_AL + x * (V_LIAL - V_AL);
};

/** per-phase (n, Vm) list: n in mol m⁻² of the formula basis used by Vm */
export function phaseVolumes(a: PhaseAmounts): { phase: string; n_mol_m2: number; Vm_m3_mol: number }[] {
  const { V_AL, V_LI3AL2, V_LI9AL4, V_LI } = alloyData();
  return [
    { phase: 'Al', n_mol_m2: a.Al, Vm_m3_mol: V_AL },
    { phase: 'alpha', n_mol_m2: a.alpha, Vm_m3_mol: vmSolution(a.xAlpha) },
    { phase: 'LiAl', n_mol_m2: a.LiAl, Vm_m3_mol: vmSolution(a.xBeta) },
    { phase: 'Li3Al2', n_mol_m2: a.Li3Al2, Vm_m3_mol: V_LI3AL2 },
    { phase: 'Li9Al4', n_mol_m2: a.Li9Al4, Vm_m3_mol: V_LI9AL4 },
    { phase: 'Li', n_mol_m2: a.Li, Vm_m3_mol: V_LI },
  ];
}

/** Σ nᵢ·Vm,ᵢ (m) */
export function anodeThickness(a: PhaseAmounts): number {
  const { V_AL, V_LI3AL2, V_LI9AL4, V_LI } = alloyData();
  return (
    a.Al * V_AL +
    a.alpha * vmSolution(a.xAlpha) +
    a.LiAl * vmSolution(a.xBeta) +
    a.Li3Al2 * V_LI3AL2 +
    a.Li9Al4 * V_LI9AL4 +
    a.Li * V_LI
  );
}

/** thickness of the alloy product of a state (everything but unreacted Al and Li metal), m */
export function productThickness(a: PhaseAmounts): number {
  const { V_LI3AL2, V_LI9AL4 } = alloyData();
  return a.alpha * vmSolution(a.xAlpha) + a.LiAl * vmSolution(a.xBeta) + a.Li3Al2 * V_LI3AL2 + a.Li9Al4 * V_LI9AL4;
}

/** formation enthalpy of a state from the elements, J m⁻² (≤ 0; the α solid solution's is neglected) */
export function formationEnthalpy(a: PhaseAmounts): number {
  const { X_LI3AL2, X_LI9AL4, H_LIAL, H_LI3AL2, H_LI9AL4 } = alloyData();
  return a.LiAl * (1 + a.xBeta) * H_LIAL + a.Li3Al2 * (1 + X_LI3AL2) * H_LI3AL2 + a.Li9Al4 * (1 + X_LI9AL4) * H_LI9AL4;
}

/** the convex combination (1 − ξβ)·S₀ + ξβ·[(1 − ξr)·Eβ + ξr·Eeq]; exact in Li and Al */
export function stateAt(
  nLi: number,
  nAl: number,
  eBeta: PhaseAmounts,
  eEq: PhaseAmounts,
  xiB: number,
  xiR: number,
): PhaseAmounts {
  const wb = xiB * (1 - xiR);
  const we = xiB * xiR;
  return {
    Al: (1 - xiB) * nAl,
    alpha: wb * eBeta.alpha + we * eEq.alpha,
    xAlpha: eBeta.alpha > 0 ? eBeta.xAlpha : eEq.xAlpha,
    LiAl: wb * eBeta.LiAl + we * eEq.LiAl,
    xBeta: xBetaOf(wb, we, eBeta, eEq),
    Li3Al2: we * eEq.Li3Al2,
    Li9Al4: we * eEq.Li9Al4,
    Li: (1 - xiB) * nLi + wb * eBeta.Li + we * eEq.Li,
  };
}

/** Li/Al of the β in a mixture of the two end states (mol-weighted, so the Li count is exact) */
function xBetaOf(wb: number, we: number, eB: PhaseAmounts, eE: PhaseAmounts): number {
  const n = wb * eB.LiAl + we * eE.LiAl;
  return n > 0 ? (wb * eB.LiAl * eB.xBeta + we * eE.LiAl * eE.xBeta) / n : eB.xBeta;
}

// ------------------------------------------------------------------------------------ history
export interface AlloySegment {
  kind: 'nip' | 'dwell' | 'roll';
  duration_s: number;
  /** environment (roll, heater, room) temperature, K */
  T_env_K: number;
  /** thermal time constant to the environment, s (0 = held at T_env; Infinity = adiabatic) */
  tau_s: number;
  /**
   * heat capacity of the part of the web that carries the anode in this segment, J m⁻² K⁻¹ (default: the whole
   * web). In the nip only the metal layers next to the heated roll (Cu, Li, Al) follow the roll; at the exit
   * they mix with the rest of the web (`exitMix`: its heat capacity and temperature then).
   */
  heatCapacity_J_m2K?: number;
  exitMix?: { heatCapacity_J_m2K: number; T_K: number };
}

export interface AlloyResult {
  /** the two end states: β-limited and equilibrium (after any rejection of liquid Li) */
  betaEnd: PhaseAmounts;
  end: PhaseAmounts;
  final: PhaseAmounts;
  /** β growth extent 0..1 and Li-rich conversion extent 0..1 at the end of the history */
  extent: number;
  liRichExtent: number;
  /** β product thickness at completion, m */
  productThickness_m: number;
  /** time after entering the nip at which the β growth completes, s (extrapolated at the last state) */
  complete_s: number;
  peakT_K: number;
  peakSegment: AlloySegment['kind'];
  extentAfter: { kind: AlloySegment['kind']; extent: number; T_end_K: number }[];
  /** heat released by the alloying over the history, J m⁻² */
  heatTotal_J_m2: number;
  /** heat the full conversion to the equilibrium end state releases, and its adiabatic rise, K */
  heatFull_J_m2: number;
  adiabaticRise_K: number;
  /** highest liquid fraction of the free Li in the nip */
  nipLiquidFraction: number;
  /** Li rejected at the nip inlet as liquid (runs to the web edges), mol m⁻² */
  rejected_mol_m2: number;
  /** Li and Al left in the anode, mol m⁻² */
  nLi_mol_m2: number;
  nAl_mol_m2: number;
}

/**
 * The history as an initial value problem for the one solver (src/numerics `createDaeSolver`), state
 * y = [sβ, sr, I, u]:
 *  - sβ = ξβ², sr = ξr²: parabolic fronts, dX²/dt = 2·D_g(T)·φ·ν ⇒ ds/dt = 2·D_g(T)·φ·ν / X_f² (X_f the product
 *    thickness at completion of that front; the Li-rich one times the onset gate);
 *  - I: the incubation clock, dI/dt = 1/t_inc(T), ν = 1 − e^(−I);
 *  - u = (U − U₀)/C, in kelvin: the enthalpy of the segment's heat capacity C,
 *      U = C·(T − T_m) + L·n_liq + h(ξβ, ξr)   (J m⁻²),
 *    sensible heat from solid Li at its melting point T_m, the latent heat L of the molten Li and the formation
 *    enthalpy h ≤ 0 of the alloy made so far. The reaction heat needs no source term: dU/dt = −(C/τ)·(T − T_env)
 *    (τ = ∞: adiabatic). U₀ is the enthalpy at the start of each solve.
 * Enthalpy method: with E = U − h and the free Li n_f(ξβ, ξr), T and n_liq follow E on three branches
 *    solid     E < 0:             T = T_m + E/C,              n_liq = 0
 *    melting   0 ≤ E ≤ L·n_f:     T = T_m (held at 180.5 °C), n_liq = E/L
 *    liquid    E > L·n_f:         T = T_m + (E − L·n_f)/C,    n_liq = n_f
 * (alloying takes the solid Li first, so the melting branch ends when n_f falls to n_liq as well as when E rises).
 * T(E) has a kink at each branch edge (dT/dE jumps between 1/C and 0) and the contact jumps to 1 when Li melts
 * (liquid Li wets the Al): each branch is solved with its own formulas, continued smoothly, and its edges are
 * terminal events — the solve stops on the edge and restarts in the next branch, so no step spans a kink. A
 * front that completes (s = 1) stops the same way. Segment ends are restarts too, and so is the nip's pressure
 * peak (half its duration) where there can be liquid there. The peak temperature is located as an event on
 * dT/dt = 0 (falling), the nip's highest liquid fraction as one on d(n_liq/n_f)/dt = 0, besides the values at the
 * restarts.
 * A segment with τ = 0 holds the web at T_env (free Li molten when T_env > T_m): no heat balance.
 */
type Branch = 'held' | 'solid' | 'melting' | 'liquid';

/** what the ODE of one solve reads (one branch of one piece of a segment) */
interface Piece {
  /** Li of the couple, free Li of the β-limited and of the equilibrium end state, mol m⁻² */
  nLi: number;
  bLi: number;
  eLi: number;
  /** formation enthalpies of the two end states, J m⁻², and their product thicknesses, m */
  hB: number;
  hE: number;
  XfB: number;
  XfR: number;
  dRef: number;
  /** Ea/R, K */
  eaR: number;
  tInc: number;
  contact: number;
  /** heat capacity, J m⁻² K⁻¹; time constant, s; environment, K */
  C: number;
  tau: number;
  Tenv: number;
  /** enthalpy at u = 0, J m⁻² */
  U0: number;
  branch: Branch;
  bDone: boolean;
  rDone: boolean;
}

const P: Piece = {
  nLi: 0,
  bLi: 0,
  eLi: 0,
  hB: 0,
  hE: 0,
  XfB: 0,
  XfR: 0,
  dRef: 0,
  eaR: 0,
  tInc: 1,
  contact: 0,
  C: 1,
  tau: 1,
  Tenv: T_RT,
  U0: 0,
  branch: 'solid',
  bDone: false,
  rDone: false,
};

/** the state's derived values (written by `evaluate`; the ODE, its events and the history read them) */
const W = { T: 0, nLiq: 0, free: 0, E: 0, h: 0, dsB: 0, dsR: 0, dI: 0, du: 0, dE: 0, dFree: 0, dT: 0 };

/** bumped whenever P changes (outside a solve): the memo of `evaluate` is for one solve's repeated points */
let generation = 0;
let memoGeneration = -1;
/** the state of the memo (scalars: a typed array's set() costs a call per evaluation) */
let memo0 = Number.NaN;
let memo1 = Number.NaN;
let memo2 = Number.NaN;
let memo3 = Number.NaN;

/** T, n_liq, free Li, E, h and the rates of the state y on the current branch (into W) */
function evaluate(y: Float64Array): void {
  const y0 = y[0]!;
  const y1 = y[1]!;
  const y2 = y[2]!;
  const y3 = y[3]!;
  // the events read the state the step ended on, one after the other
  if (memoGeneration === generation && y0 === memo0 && y1 === memo1 && y2 === memo2 && y3 === memo3) return;
  memoGeneration = generation;
  memo0 = y0;
  memo1 = y1;
  memo2 = y2;
  memo3 = y3;
  const sB = y0 > 0 ? y0 : 0;
  const sR = y1 > 0 ? y1 : 0;
  const I = y2 > 0 ? y2 : 0;
  const xiB = Math.sqrt(sB);
  const xiR = Math.sqrt(sR);
  const h = xiB * ((1 - xiR) * P.hB + xiR * P.hE);
  const free = (1 - xiB) * P.nLi + xiB * ((1 - xiR) * P.bLi + xiR * P.eLi);
  const E = P.U0 + P.C * y3 - h;
  let T: number;
  let nLiq: number;
  if (P.branch === 'held') {
    T = P.Tenv;
    nLiq = P.Tenv > T_MELT ? free : 0;
  } else if (P.branch === 'solid') {
    T = T_MELT + E / P.C;
    nLiq = 0;
  } else if (P.branch === 'melting') {
    T = T_MELT;
    nLiq = E / LATENT;
  } else {
    T = T_MELT + (E - LATENT * free) / P.C;
    nLiq = free;
  }
  const arrh = Math.exp(-P.eaR * (1 / T - 1 / T_RT)); // D_g(T)/D_g(25 °C) = t_inc(25 °C)/t_inc(T)
  const phi = nLiq > 0 || P.branch === 'melting' || P.branch === 'liquid' ? 1 : P.contact; // liquid Li wets the Al
  const k = 2 * P.dRef * arrh * phi * -Math.expm1(-I);
  const dsB = P.bDone || !(P.XfB > 0) ? 0 : k / (P.XfB * P.XfB);
  const dsR = P.rDone || !(P.XfR > 0) ? 0 : (k * liRichGate(T)) / (P.XfR * P.XfR);
  const du = P.branch === 'held' || !Number.isFinite(P.tau) ? 0 : -(T - P.Tenv) / P.tau;
  // the rates of h, n_f and E (dξ/dt = (ds/dt)/(2ξ); ξ = 0 only while its rate is 0, but a floor keeps it finite)
  const dxiB = dsB > 0 ? dsB / (2 * Math.max(xiB, 1e-150)) : 0;
  const dxiR = dsR > 0 ? dsR / (2 * Math.max(xiR, 1e-150)) : 0;
  const dh = dxiB * ((1 - xiR) * P.hB + xiR * P.hE) + xiB * (P.hE - P.hB) * dxiR;
  const dFree = dxiB * ((1 - xiR) * P.bLi + xiR * P.eLi - P.nLi) + xiB * (P.eLi - P.bLi) * dxiR;
  const dE = P.C * du - dh;
  W.T = T;
  W.nLiq = nLiq;
  W.free = free;
  W.E = E;
  W.h = h;
  W.dsB = dsB;
  W.dsR = dsR;
  W.dI = arrh / P.tInc;
  W.du = du;
  W.dE = dE;
  W.dFree = dFree;
  W.dT = P.branch === 'solid' ? dE / P.C : P.branch === 'liquid' ? (dE - LATENT * dFree) / P.C : 0;
}

/** `evaluate` after P has changed (outside a solve) */
function evaluateAt(y: Float64Array): void {
  generation++;
  evaluate(y);
}

const HISTORY_ODE: DaeProblem = {
  n: 4,
  f(_t, y, out) {
    evaluate(y);
    out[0] = W.dsB;
    out[1] = W.dsR;
    out[2] = W.dI;
    out[3] = W.du;
  },
};
let historySolver: DaeSolver | null = null;

/** the history's solver work since the module was loaded (the bench prints it per call) */
export const alloyHistoryCounts = {
  histories: 0,
  solves: 0,
  steps: 0,
  fEvals: 0,
  newtonIterations: 0,
  factorisations: 0,
};

const ev = (name: string, direction: -1 | 1, g: (y: Float64Array) => number, terminal = true): EventSpec => ({
  name,
  direction,
  terminal,
  g: (_t, y) => g(y),
});
const enthalpyOf = (y: Float64Array): number => (evaluate(y), W.E);
const meltEdge = (y: Float64Array): number => (evaluate(y), W.E - LATENT * W.free);
const FRONT_EVENTS = [ev('beta-complete', 1, (y) => y[0]! - 1), ev('li-rich-complete', 1, (y) => y[1]! - 1)];
const PEAK = ev('peak', -1, (y) => (evaluate(y), W.dT), false);
/** d(n_liq/n_f)/dt ∝ dE·n_f − E·dn_f on the melting branch */
const LIQUID_PEAK = ev('liquid-peak', -1, (y) => (evaluate(y), W.dE * W.free - W.E * W.dFree), false);
const BRANCH_EVENTS: Record<Branch, readonly EventSpec[]> = {
  held: [],
  solid: [ev('melts', 1, enthalpyOf), PEAK],
  melting: [ev('freezes', -1, enthalpyOf), ev('all-molten', 1, meltEdge)],
  liquid: [ev('solidifies', -1, meltEdge), PEAK],
};

/**
 * Tolerances of the history. rtol 1e-6 (the solver's default): the outputs are smooth in the line's inputs to
 * ≈ 1e-7 relative, which the continuity scans need (0.5 K steps in the nip temperature, test/process; 10 mm steps in
 * the roll diameter, test/process/line-physics) — at 1e-5 the step-rule noise reaches ≈ 5e-6 of the extent and at
 * 1e-4 the roll-diameter scan shows a cliff. Absolute: s to 1e-14 (ξ = √s to ≤ 1e-9 at the nip's ξ ≈ 7e-6; the
 * figures are reported to 1e-6), I to 1e-10 (ν to 1e-10), u to 1e-7 K. A tighter atol on s and I (1e-20, control
 * relative to their size from 0) takes twice the steps in the nip for the same figures to 2e-8.
 */
const ALLOY_HISTORY_RTOL = 1e-6;
const ALLOY_HISTORY_ATOL = Float64Array.from([1e-14, 1e-14, 1e-10, 1e-7]);

/** the branch a state of enthalpy E is on; on an edge, the one its enthalpy moves into */
function branchAt(y: Float64Array, E: number, free: number): Branch {
  const Lf = LATENT * free;
  if (E < 0) return 'solid';
  if (E > Lf) return 'liquid';
  if (E > 0 && E < Lf) return 'melting';
  P.branch = 'melting';
  evaluateAt(y);
  if (E === 0 && W.dE <= 0) return 'solid';
  if (E === Lf && W.dE - LATENT * W.dFree > 0) return 'liquid';
  return 'melting';
}

/**
 * Integrate contact, incubation, β and Li-rich growth with the web's heat balance through the segments.
 * @param contact real-contact fraction of the Li/Al interface after the nip (0..1)
 * @param C_A areal heat capacity of the laminate, J m⁻² K⁻¹
 * @param T0 web temperature entering the first segment, K
 */
export function alloyHistory(
  nLi0: number,
  nAl: number,
  segments: readonly AlloySegment[],
  C_A: number,
  T0: number,
  contact: number,
  kin?: AlloyKinetics,
): AlloyResult {
  const { EA_GROWTH_J_MOL, D_REF_M2_S, INCUBATION_RT_S } = alloyData();
  let nLi = nLi0;
  let eB = betaLimitedPhases(nLi, nAl);
  let eE = equilibriumPhases(nLi, nAl);
  const solver = (historySolver ??= createDaeSolver(HISTORY_ODE));
  alloyHistoryCounts.histories++;
  const y = new Float64Array(4);
  const base = (): void => {
    P.nLi = nLi;
    P.bLi = eB.Li;
    P.eLi = eE.Li;
    P.hB = formationEnthalpy(eB);
    P.hE = formationEnthalpy(eE);
    P.XfB = productThickness(eB);
    P.XfR = productThickness(eE) - P.XfB; // extra product thickness of the Li-rich conversion
    P.bDone = !(P.XfB > 0) || y[0]! >= 1;
    P.rDone = !(P.XfR > 0) || y[1]! >= 1;
  };
  base();
  P.dRef = kin?.dRef_m2_s ?? D_REF_M2_S;
  P.eaR = (kin?.ea_J_mol ?? EA_GROWTH_J_MOL) / R;
  P.tInc = kin?.incubationRT_s ?? INCUBATION_RT_S;
  P.contact = contact;
  let T = T0;
  let nLiq = 0; // molten Li, mol m⁻²
  let t = 0;
  let peakT = T0;
  let peakSeg: AlloySegment['kind'] = segments[0]?.kind ?? 'nip';
  let complete = P.XfB > 0 ? Number.NaN : 0;
  let rejected = 0;
  let nipLiq = 0;
  let heat = 0;
  const extentAfter: AlloyResult['extentAfter'] = [];
  /** the state's temperature and liquid on the current branch */
  const settle = (): void => {
    evaluateAt(y);
    T = W.T;
    nLiq = W.nLiq;
  };
  const seePeak = (kind: AlloySegment['kind']): void => {
    if (W.T > peakT) {
      peakT = W.T;
      peakSeg = kind;
    }
    if (kind === 'nip' && W.free > 0) nipLiq = Math.max(nipLiq, Math.min(1, W.nLiq / W.free));
  };
  /** start a solve at (T, nLiq) (E from them; on an edge, snapped to it) with the branch the state is on */
  const restart = (E: number, seg: AlloySegment): void => {
    P.U0 = 0;
    y[3] = 0;
    P.branch = 'solid';
    evaluateAt(y);
    P.branch = seg.tau_s === 0 ? 'held' : branchAt(y, E, W.free);
    P.U0 = E + W.h;
    evaluateAt(y);
  };
  /** the Li molten at the nip's pressure peak (set by `piece` when it passes tPeak) */
  let liqAtPeak: number;
  /**
   * integrate one piece [t, t + dur] of a segment, restarting on every terminal event. tPeak (the nip's pressure
   * peak): the liquid there is recorded in liqAtPeak. A solve on a branch with liquid stops at tPeak and the piece
   * restarts there; one on the solid branch runs through it (no liquid at the peak: the right-hand side does not
   * change there, so a restart would only cost the ramp-up of a new solve)
   */
  const piece = (seg: AlloySegment, dur: number, C: number, tPeak = Number.NaN): void => {
    P.C = C;
    P.tau = seg.tau_s;
    P.Tenv = seg.T_env_K;
    const tEnd = t + dur;
    restart(C * (T - T_MELT) + LATENT * nLiq, seg);
    seePeak(seg.kind);
    for (let restarts = 0; t < tEnd; restarts++) {
      const liquid = P.branch === 'melting' || P.branch === 'liquid' || (P.branch === 'held' && P.Tenv > T_MELT);
      const stop = t < tPeak && liquid ? tPeak : tEnd;
      if (restarts > 1000) throw new Error(`alloyHistory: no progress at t = ${t} s in the ${seg.kind} segment`);
      const hStart = W.h;
      const events =
        P.bDone && P.rDone
          ? BRANCH_EVENTS[P.branch]
          : [
              ...BRANCH_EVENTS[P.branch],
              ...(P.bDone ? [] : [FRONT_EVENTS[0]!]),
              ...(P.rDone ? [] : [FRONT_EVENTS[1]!]),
            ];
      const active = seg.kind === 'nip' && P.branch === 'melting' ? [...events, LIQUID_PEAK] : events;
      generation++;
      const res = solver.solve(y, {
        t0: t,
        tEnd: stop,
        rtol: ALLOY_HISTORY_RTOL,
        atol: ALLOY_HISTORY_ATOL,
        events: active,
        saveSteps: false,
      });
      if (res.status === 'failed') throw new Error(`alloyHistory: ${res.message ?? 'the solver failed'} (${seg.kind})`);
      const st = res.stats;
      alloyHistoryCounts.solves++;
      alloyHistoryCounts.steps += st.steps;
      alloyHistoryCounts.fEvals += st.fEvals;
      alloyHistoryCounts.newtonIterations += st.newtonIterations;
      alloyHistoryCounts.factorisations += st.factorisations;
      for (const hit of res.events) {
        evaluateAt(hit.y);
        seePeak(seg.kind);
      }
      y.set(res.yFinal);
      // s and I never fall (their rates are ≥ 0); a value below 0 is the solver's rounding, within atol of 0
      for (let i = 0; i < 3; i++) if (y[i]! < 0) y[i] = 0;
      t = res.status === 'event' ? res.tFinal : stop;
      evaluateAt(y);
      heat += hStart - W.h;
      seePeak(seg.kind);
      if (res.status !== 'event' && stop === tPeak) {
        // at the pressure peak with liquid: record it and go on from the same state
        settle();
        liqAtPeak = nLiq;
        restart(C * (T - T_MELT) + LATENT * nLiq, seg);
        seePeak(seg.kind);
        continue;
      }
      if (res.status !== 'event') break;
      // the terminal event: finish the front, or snap the enthalpy onto the branch edge, and restart
      let E: number;
      const last = res.events[res.events.length - 1]!.name;
      if (last === 'beta-complete' || last === 'li-rich-complete') {
        const i = last === 'beta-complete' ? 0 : 1;
        if (i === 0 && Number.isNaN(complete)) complete = t;
        const hOld = W.h;
        y[i] = 1; // U is kept: the last sliver's heat goes into E
        evaluateAt(y);
        heat += hOld - W.h;
        E = W.E;
        if (i === 0) P.bDone = true;
        else P.rDone = true;
      } else if (last === 'melts' || last === 'freezes') E = 0;
      else E = LATENT * W.free;
      restart(E, seg);
    }
    settle();
  };
  for (const seg of segments) {
    const dur = seg.duration_s;
    const Cs = seg.heatCapacity_J_m2K ?? C_A;
    if (dur > 0) {
      if (seg.kind === 'nip') {
        // the pressure peak at half the nip: the Li molten there is what the nip pushes back to its inlet
        liqAtPeak = 0;
        if (seg.T_env_K < T_MELT) piece(seg, dur, Cs, t + 0.5 * dur);
        else {
          // a nip that can melt the Li from its rolls: the history restarts at the peak, so that the liquid's
          // growth after it (the figure the peak is there for) starts at a step (the event of its onset is then
          // located on the short steps of a new solve: to 1e-6 of the molten amount, test/process/alloying)
          piece(seg, 0.5 * dur, Cs);
          liqAtPeak = nLiq;
          piece(seg, dur - 0.5 * dur, Cs);
        }
        if (liqAtPeak > 0) {
          // the Li molten before the pressure peak leaves the nip at its inlet (to the web edges); the rest carries on
          const st = stateAt(nLi, nAl, eB, eE, Math.sqrt(y[0]!), Math.sqrt(y[1]!));
          const rej = Math.min(liqAtPeak, st.Li);
          nLiq = Math.max(0, nLiq - rej);
          if (rej > 0) {
            rejected += rej;
            // re-base the history on the Li that stays: the alloy made so far is kept, less free Li
            const kept = { ...st, Li: st.Li - rej };
            nLi = liInPhases(kept);
            eB = betaLimitedPhases(nLi, nAl);
            eE = equilibriumPhases(nLi, nAl);
            const XfB = productThickness(eB);
            const xb = XfB > 0 ? Math.min(1, productThickness(kept) / XfB) : 1;
            y[0] = xb * xb;
            y[1] = 0;
            base();
            if (xb >= 1 && Number.isNaN(complete)) complete = t;
            // the re-based state holds the kept atoms in the end states' phases: the formation enthalpy it
            // differs by from the kept state's is released into the web (U = C·(T − T_m) + L·n_liq + h is kept)
            const dh = formationEnthalpy(kept) - formationEnthalpy(stateAt(nLi, nAl, eB, eE, xb, 0));
            heat += dh;
            T += dh / Cs;
          }
        }
      } else piece(seg, dur, Cs);
    }
    if (seg.exitMix) {
      // the anode's layers mix their heat with the rest of the web (latent heat kept in the liquid)
      const Cr = seg.exitMix.heatCapacity_J_m2K;
      T = (Cs * T + Cr * seg.exitMix.T_K) / (Cs + Cr);
    }
    extentAfter.push({ kind: seg.kind, extent: Math.sqrt(y[0]!), T_end_K: T });
  }
  const xiB = Math.sqrt(y[0]!);
  const xiR = Math.sqrt(y[1]!);
  if (Number.isNaN(complete)) {
    evaluateAt(y);
    complete = W.dsB > 0 ? t + (1 - y[0]!) / W.dsB : Infinity;
  }
  const final = stateAt(nLi, nAl, eB, eE, xiB, xiR);
  const heatFull = -formationEnthalpy(eE);
  return {
    betaEnd: eB,
    end: eE,
    final,
    extent: xiB,
    liRichExtent: xiR,
    productThickness_m: P.XfB,
    complete_s: complete,
    peakT_K: peakT,
    peakSegment: peakSeg,
    extentAfter,
    heatTotal_J_m2: heat,
    heatFull_J_m2: heatFull,
    adiabaticRise_K: C_A > 0 ? heatFull / C_A : 0,
    nipLiquidFraction: nipLiq,
    rejected_mol_m2: rejected,
    nLi_mol_m2: nLi,
    nAl_mol_m2: nAl,
  };
}

/** alloyHistory's signature (a production run puts its expansion about the nominal cell in its place) */
export type AlloyHistoryFn = typeof alloyHistory;

/** fraction of the anode's Al atoms in each phase (α and unreacted Al counted as Al) */
export function alFractions(a: PhaseAmounts): { Al: number; LiAl: number; Li3Al2: number; Li9Al4: number } {
  const n = alInPhases(a);
  if (n <= 0) return { Al: 0, LiAl: 0, Li3Al2: 0, Li9Al4: 0 };
  return { Al: (a.Al + a.alpha) / n, LiAl: a.LiAl / n, Li3Al2: a.Li3Al2 / n, Li9Al4: a.Li9Al4 / n };
}

/** Li that can cycle: everything above the α solubility (α's Li and unreacted Al hold none), mol m⁻² */
export function liInventory(a: PhaseAmounts): number {
  const { X_LI3AL2, X_LI9AL4 } = alloyData();
  return a.LiAl * a.xBeta + X_LI3AL2 * a.Li3Al2 + X_LI9AL4 * a.Li9Al4 + a.Li;
}

/** per-phase Li diffusivities at T (li-al.json): α, β, Li-rich, Li metal, m² s⁻¹ */
export function phaseDiffusivities(T_K: number): { alpha: number; beta: number; liRich: number; li: number } {
  const { D_LIRICH, PH } = alloyData();
  return {
    alpha: arrhenius(PH.alpha.diffusion, T_K),
    beta: arrhenius(PH.beta.diffusion, T_K),
    liRich: arrhenius(D_LIRICH, T_K),
    li: arrhenius(PH.Li.diffusion, T_K),
  };
}

/** range of the β growth D at 25 °C over the recorded data (interface-limited low end … bulk-β high end) */
export function growthDRangeRT(): readonly [number, number] {
  const { D_GROWTH_150, EA_GROWTH_J_MOL, PH, AK } = alloyData();
  const [eaLo, eaHi] = PH.beta.diffusion.Ea.range ?? [EA_GROWTH_J_MOL, EA_GROWTH_J_MOL];
  const [d150lo] = AK.effectiveGrowthD150C.range ?? [D_GROWTH_150, D_GROWTH_150];
  const lo = d150lo * Math.exp((-eaHi / R) * (1 / T_RT - 1 / T_150));
  void eaLo;
  return [lo, arrheniusBounds(PH.beta.diffusion, T_RT)[1]];
}

/**
 * The per-phase diffusivities of anodeDiffusivity in phaseVolumes' order (unreacted Al is α with no Li: the α
 * value is its (blocking) limit), at the temperature last asked: every produced cell asks at the reference
 * temperature, so they are computed once, not per cell.
 */
let bruggemanDs: { T_K: number; Ds: Float64Array } | undefined;
/** the phases' volume fractions of the anodeDiffusivity call under way (scratch: nothing outside it holds them) */
const bruggemanPhi = new Float64Array(6);
/** Σ φᵢ (Dᵢ − D)/(Dᵢ + 2D) at D = exp(lnD) over the phases present, for the current anodeDiffusivity call */
function bruggemanSum(lnD: number): number {
  const D = Math.exp(lnD);
  const Ds = bruggemanDs!.Ds;
  const phi = bruggemanPhi;
  let sum = 0;
  for (let i = 0; i < 6; i++) if (phi[i]! > 0) sum += (phi[i]! * (Ds[i]! - D)) / (Ds[i]! + 2 * D);
  return sum;
}
/** the Bruggeman sum is O(1): |g| ≤ 1e-12 at a bracket end is a root at that end (rounding, not a sign) */
const BRUGGEMAN_ROOT = { xtol: 1e-12, maxIter: 200, ftol: 1e-12 } as const;

/** Bruggeman effective Li diffusivity of the anode at temperature T (m² s⁻¹), from its phases. */
export function anodeDiffusivity(a: PhaseAmounts, T_K = T_RT): number {
  const { V_AL, V_LI3AL2, V_LI9AL4, V_LI } = alloyData();
  if (bruggemanDs?.T_K !== T_K) {
    const d = phaseDiffusivities(T_K);
    bruggemanDs = { T_K, Ds: Float64Array.of(d.alpha, d.alpha, d.beta, d.liRich, d.liRich, d.li) };
  }
  const Ds = bruggemanDs.Ds;
  // each phase's volume (phaseVolumes' n·Vm, in its order), then its fraction of the sum
  const phi = bruggemanPhi;
  phi[0] = a.Al * V_AL;
  phi[1] = a.alpha * vmSolution(a.xAlpha);
  phi[2] = a.LiAl * vmSolution(a.xBeta);
  phi[3] = a.Li3Al2 * V_LI3AL2;
  phi[4] = a.Li9Al4 * V_LI9AL4;
  phi[5] = a.Li * V_LI;
  let V = 0;
  for (let i = 0; i < 6; i++) V += phi[i]!;
  if (V <= 0) return 0;
  let lo = Infinity;
  let hi = 0;
  for (let i = 0; i < 6; i++) {
    phi[i] = phi[i]! / V;
    if (phi[i]! > 0) {
      lo = Math.min(lo, Ds[i]!);
      hi = Math.max(hi, Ds[i]!);
    }
  }
  if (lo === hi) return lo;
  // Σ φᵢ (Dᵢ − D)/(Dᵢ + 2D) = 0, decreasing in D; solve in ln D
  return Math.exp(illinois(bruggemanSum, Math.log(lo), Math.log(hi), BRUGGEMAN_ROOT).x);
}

export { liMelting_K, liLatentHeat_J_mol };
