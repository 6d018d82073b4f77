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
import { arrhenius, arrheniusBounds, liAlData } from '../materials/li-al.ts';
import { illinois } from '../numerics/roots.ts';
import { enthalpyStep, LI_MELTING_K, LI_LATENT_HEAT_J_MOL } from './thermal.ts';
import type { PhaseAmounts } from './types.ts';

export type { PhaseAmounts };

const DATA = liAlData();
const PH = DATA.phases;
const AK = DATA.alloyingKinetics;

/** Li/Al edges at RT (P1): α up to 0.05, β from 0.95 to 1 */
export const X_ALPHA = PH.alpha.xMaxRT!.value;
export const X_BETA_MIN = PH.beta.xMinRT!.value;
export const X_BETA_MAX = PH.beta.xMaxRT!.value;
export const X_LI3AL2 = PH.Li3Al2.x!.value;
export const X_LI9AL4 = PH.Li9Al4.x!.value;

/** molar volumes, m³ per mol Al (Li metal per mol Li) */
export const V_AL = PH.alpha.molarVolumePerAl!.value;
export const V_LIAL = PH.beta.molarVolumePerAl!.value;
export const V_LI3AL2 = PH.Li3Al2.molarVolumePerAl!.value;
export const V_LI9AL4 = PH.Li9Al4.molarVolumePerAl!.value;
export const V_LI = PH.Li.molarVolume!.value;

/** formation enthalpies, J per mol of atoms (negative) */
const H_LIAL = PH.beta.formationEnthalpyPerAtom!.value;
const H_LI3AL2 = PH.Li3Al2.formationEnthalpyPerAtom!.value;
const H_LI9AL4 = PH.Li9Al4.formationEnthalpyPerAtom!.value;

const T_RT = REFERENCE_TEMPERATURE_K;
const D_GROWTH_150 = AK.effectiveGrowthD150C.value; // m² s⁻¹ at 150 °C
const T_150 = celsius(150); // the temperature of the effectiveGrowthD150C measurement
/** activation energy of growth: that of β (assumption, li-al.json β diffusion.Ea) */
export const EA_GROWTH_J_MOL = PH.beta.diffusion.Ea.value;
/** D_g at 25 °C: the 150 °C growth rate moved with Ea_g */
export const D_REF_M2_S = D_GROWTH_150 * Math.exp((-EA_GROWTH_J_MOL / R) * (1 / T_RT - 1 / T_150));
export const D_REF_T_K = T_RT;
/** upper end of the growth D at 25 °C: growth through bulk β (li-al.json `solidStateParabolicRate`) */
export const D_GROWTH_BULK_BETA_RT = arrhenius(PH.beta.diffusion, T_RT);
export const INCUBATION_RT_S = AK.incubationTimeRT.value;
const T_LIRICH = AK.liRichOnsetT.value;
/** width of the Li-rich onset gate, K (assumption) */
export const LIRICH_ONSET_WIDTH_K = 1;
const D_LIRICH = PH.Li3Al2.diffusion;

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
  return (
    (kin?.dRef_m2_s ?? D_REF_M2_S) * Math.exp((-(kin?.ea_J_mol ?? EA_GROWTH_J_MOL) / R) * (1 / T_K - 1 / D_REF_T_K))
  );
}

/** incubation time at T, s */
export function incubationTime(T_K: number, kin?: AlloyKinetics): number {
  return (
    (kin?.incubationRT_s ?? INCUBATION_RT_S) * Math.exp(((kin?.ea_J_mol ?? EA_GROWTH_J_MOL) / R) * (1 / T_K - 1 / T_RT))
  );
}

/** smooth onset of the Li-rich phases, 0 (below) … 1 (above) */
export function liRichGate(T_K: number): number {
  return 1 / (1 + Math.exp(-(T_K - T_LIRICH) / LIRICH_ONSET_WIDTH_K));
}

// ------------------------------------------------------------------------------------ end states
const empty = (): PhaseAmounts => ({ Al: 0, alpha: 0, xAlpha: 0, LiAl: 0, xBeta: 1, Li3Al2: 0, Li9Al4: 0, Li: 0 });

/** α / α + β / β(x) part for x = nLi/nAl ≤ 1 (writes into o) */
function alphaBeta(o: PhaseAmounts, x: number, nAl: number): void {
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
  return a.alpha * a.xAlpha + a.LiAl * a.xBeta + X_LI3AL2 * a.Li3Al2 + X_LI9AL4 * a.Li9Al4 + a.Li;
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
    { phase: 'Li3Al2', n_mol_m2: a.Li3Al2, Vm_m3_mol: V_LI3AL2 },
    { phase: 'Li9Al4', n_mol_m2: a.Li9Al4, Vm_m3_mol: V_LI9AL4 },
    { phase: 'Li', n_mol_m2: a.Li, Vm_m3_mol: V_LI },
  ];
}

/** Σ nᵢ·Vm,ᵢ (m) */
export function anodeThickness(a: PhaseAmounts): number {
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
function productThickness(a: PhaseAmounts): number {
  return a.alpha * vmSolution(a.xAlpha) + a.LiAl * vmSolution(a.xBeta) + a.Li3Al2 * V_LI3AL2 + a.Li9Al4 * V_LI9AL4;
}

/** formation enthalpy of a state from the elements, J m⁻² (≤ 0; the α solid solution's is neglected) */
export function formationEnthalpy(a: PhaseAmounts): number {
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

const STEPS_PER_SEGMENT = 48;

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
  let nLi = nLi0;
  let eB = betaLimitedPhases(nLi, nAl);
  let eE = equilibriumPhases(nLi, nAl);
  let XfB = productThickness(eB);
  let XfR = productThickness(eE) - XfB; // extra product thickness of the Li-rich conversion
  let sB = 0; // ξβ²
  let sR = 0; // ξr²
  let inc = 0; // incubation clock
  let T = T0;
  let nLiq = 0; // molten Li, mol m⁻²
  let t = 0;
  let peakT = T0;
  let peakSeg: AlloySegment['kind'] = segments[0]?.kind ?? 'nip';
  let complete = XfB > 0 ? Number.NaN : 0;
  let rejected = 0;
  let nipLiq = 0;
  // enthalpy and free Li are linear in the combination weights: H = ξβ·((1 − ξr)·H(Eβ) + ξr·H(Eeq)) (H(S₀) = 0)
  let hB = formationEnthalpy(eB);
  let hE = formationEnthalpy(eE);
  let hPrev = 0;
  let heat = 0;
  let lastRate = 0;
  const dRef = kin?.dRef_m2_s ?? D_REF_M2_S;
  const eaR = (kin?.ea_J_mol ?? EA_GROWTH_J_MOL) / R;
  const tInc = kin?.incubationRT_s ?? INCUBATION_RT_S;
  const extentAfter: AlloyResult['extentAfter'] = [];
  for (const seg of segments) {
    const n = STEPS_PER_SEGMENT;
    const dur = seg.duration_s;
    const r = 1.15;
    const first = dur > 0 ? (dur * (r - 1)) / (Math.pow(r, n) - 1) : 0;
    let dt = first;
    if (seg.tau_s === 0) T = seg.T_env_K;
    const Cs = seg.heatCapacity_J_m2K ?? C_A;
    let liqAtPeak = -1;
    const tSeg0 = t;
    for (let k = 0; k < n && dur > 0; k++) {
      const arrh = Math.exp(-eaR * (1 / T - 1 / T_RT)); // D_g(T)/D_g(25 °C) = t_inc(25 °C)/t_inc(T)
      const phi = nLiq > 0 ? 1 : contact; // liquid Li wets the Al
      inc += (dt * arrh) / tInc;
      const nuc = 1 - Math.exp(-inc);
      const rateB = XfB > 0 ? (2 * dRef * arrh * phi * nuc) / (XfB * XfB) : 0;
      lastRate = rateB;
      if (sB < 1 && XfB > 0) {
        const ds = rateB * dt;
        if (sB + ds >= 1 && Number.isNaN(complete)) complete = t + ((1 - sB) / ds) * dt;
        sB = Math.min(1, sB + ds);
      }
      if (XfR > 0 && sR < 1) {
        const g = liRichGate(T);
        if (g > 1e-300) sR = Math.min(1, sR + ((2 * dRef * arrh * g * phi * nuc) / (XfR * XfR)) * dt);
      }
      const xiB = Math.sqrt(sB);
      const xiR = Math.sqrt(sR);
      const h = xiB * ((1 - xiR) * hB + xiR * hE);
      const dQ = hPrev - h; // released heat ≥ 0
      hPrev = h;
      heat += dQ;
      const free = (1 - xiB) * nLi + xiB * ((1 - xiR) * eB.Li + xiR * eE.Li);
      // lumped balance with Li melting/freezing (enthalpy method, thermal.ts)
      const th = enthalpyStep(T, nLiq, dQ, dt, Cs, seg.tau_s, seg.T_env_K, free);
      T = th.T;
      nLiq = th.nLiquid;
      if (seg.kind === 'nip' && free > 0) nipLiq = Math.max(nipLiq, nLiq / free);
      if (seg.kind === 'nip' && liqAtPeak < 0 && t + dt - tSeg0 >= 0.5 * dur) liqAtPeak = nLiq;
      if (T > peakT) {
        peakT = T;
        peakSeg = seg.kind;
      }
      t += dt;
      dt *= r;
    }
    if (seg.kind === 'nip' && liqAtPeak > 0) {
      // the Li molten before the pressure peak leaves the nip at its inlet (to the web edges); the rest carries on
      const st = stateAt(nLi, nAl, eB, eE, Math.sqrt(sB), Math.sqrt(sR));
      const rej = Math.min(liqAtPeak, st.Li);
      nLiq = Math.max(0, nLiq - rej);
      if (rej > 0) {
        rejected += rej;
        // re-base the history on the Li that stays: the alloy made so far is kept, less free Li
        const kept = { ...st, Li: st.Li - rej };
        nLi = liInPhases(kept);
        eB = betaLimitedPhases(nLi, nAl);
        eE = equilibriumPhases(nLi, nAl);
        XfB = productThickness(eB);
        XfR = productThickness(eE) - XfB;
        const made = productThickness(kept);
        const xb = XfB > 0 ? Math.min(1, made / XfB) : 1;
        sB = xb * xb;
        sR = 0;
        hB = formationEnthalpy(eB);
        hE = formationEnthalpy(eE);
        hPrev = xb * hB;
        // the re-based state holds the kept atoms in the end states' phases: the formation enthalpy it differs
        // by from the kept state's is released into the web (C·T + L·n_liq + h is kept), not dropped
        const dh = formationEnthalpy(kept) - hPrev;
        heat += dh;
        T += dh / Cs;
      }
    }
    if (seg.exitMix) {
      // the anode's layers mix their heat with the rest of the web (latent heat kept in the liquid)
      const Cr = seg.exitMix.heatCapacity_J_m2K;
      T = (Cs * T + Cr * seg.exitMix.T_K) / (Cs + Cr);
    }
    extentAfter.push({ kind: seg.kind, extent: Math.sqrt(sB), T_end_K: T });
  }
  if (Number.isNaN(complete)) complete = lastRate > 0 ? t + (1 - sB) / lastRate : Infinity;
  const xiB = Math.sqrt(sB);
  const xiR = Math.sqrt(sR);
  const final = stateAt(nLi, nAl, eB, eE, xiB, xiR);
  const heatFull = -formationEnthalpy(eE);
  return {
    betaEnd: eB,
    end: eE,
    final,
    extent: xiB,
    liRichExtent: xiR,
    productThickness_m: XfB,
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

/** fraction of the anode's Al atoms in each phase (α and unreacted Al counted as Al) */
export function alFractions(a: PhaseAmounts): { Al: number; LiAl: number; Li3Al2: number; Li9Al4: number } {
  const n = alInPhases(a);
  if (n <= 0) return { Al: 0, LiAl: 0, Li3Al2: 0, Li9Al4: 0 };
  return { Al: (a.Al + a.alpha) / n, LiAl: a.LiAl / n, Li3Al2: a.Li3Al2 / n, Li9Al4: a.Li9Al4 / n };
}

/** Li that can cycle: everything above the α solubility (α's Li and unreacted Al hold none), mol m⁻² */
export function liInventory(a: PhaseAmounts): number {
  return a.LiAl * a.xBeta + X_LI3AL2 * a.Li3Al2 + X_LI9AL4 * a.Li9Al4 + a.Li;
}

/** per-phase Li diffusivities at T (li-al.json): α, β, Li-rich, Li metal, m² s⁻¹ */
export function phaseDiffusivities(T_K: number): { alpha: number; beta: number; liRich: number; li: number } {
  return {
    alpha: arrhenius(PH.alpha.diffusion, T_K),
    beta: arrhenius(PH.beta.diffusion, T_K),
    liRich: arrhenius(D_LIRICH, T_K),
    li: arrhenius(PH.Li.diffusion, T_K),
  };
}

/** range of the β growth D at 25 °C over the recorded data (interface-limited low end … bulk-β high end) */
export function growthDRangeRT(): readonly [number, number] {
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

export { LI_MELTING_K, LI_LATENT_HEAT_J_MOL };
