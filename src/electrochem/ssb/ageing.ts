/**
 * Ageing of the solid-state Li–Al | Li6PS5Cl | layered-oxide cell (seed claim 19, issue 16): the
 * mechanisms such a cell has, each switchable (recipe `cycling.ageing_mechanisms`) and each with its source
 * (parameters with value, range, kind and source in data/ageing/mechanisms.json).
 *
 * The laws act on an explicit, per-m² degradation state (`DegradationState`, a plain value: `degrade`
 * returns a new one), so one law serves the cell models, the pack's cells and the fit alike:
 *
 *  1. Cathode–electrolyte interphase (CEI), parabolic (diffusion-limited, δ ∝ √t; Scaltrito et al. 2024,
 *     Koerver et al. 2017): an effective time τ_c grows by f_T·e^{κ_c(SOC−½)}·Δt, f_T = exp(−Ea/R·(1/T−1/T_ref));
 *     Li bound = k_Li·√τ_c, resistance = k_R·√τ_c. CALENDAR ageing is this law during rest (SOC and T of
 *     the rest); CYCLE time adds at the cycle's mean SOC. Growth with T and SOC is therefore built in.
 *  2. Anode–electrolyte interphase (AEI): Li-rich Li–Al and plated Li reduce Li6PS5Cl (Wenzel et al.
 *     2018): the same parabolic law on τ_a (SOC slope κ_a), plus fresh interphase on the surface the
 *     alloy's breathing cracks open each cycle (∝ the anode's volumetric strain swing).
 *  3. Dead Li: a fraction of the Li plated in a cycle is not stripped back.
 *  4. Cathode contact loss vs stack pressure: the active material's volume swing Δε_c isolates particles
 *     until the composite settles; the isolated fraction L_c approaches L∞ = λ·Δε_c·P0/(P0 + P) with a
 *     time constant of N_c cycles (Shi et al. 2020; magnitude and P0 fitted to Yan et al. 2026).
 *  5. Anode void formation / contact loss from the alloy's breathing vs stack pressure and C-rate: the
 *     contact fraction lost per cycle is k_a·Δε_a·P0a/(P0a + P)·(1 + i_dis/CCD(P, T)) (Kasemchainan 2019),
 *     written for Li–Al. Another anode material (data/ageing/anodes.json: Li–In, LiGa, Li metal) breathes
 *     its own strain per Li (Δε scaled by V_Li,m/V_Li,LiAl, also for the anode interphase's cracking) and
 *     resupplies the stripped Li from its bulk by its own diffusivity: the void rate × (1 + Fo_LiAl)/(1 + Fo_m),
 *     Fo = D·t_discharge/L_anode² (`anodeMaterialFactors`; diffusion-controlled stripping, Xue 2025, P1).
 *  6. Li inventory loss into the interphases and dead Li (1–3) leaves the anode; the Li in isolated
 *     cathode particles leaves the cyclable inventory with them.
 *  7. Temperature: the laws run at the temperature the caller passes (the pack's thermal model), not
 *     only at the cell model's own temperature.
 *
 * No law ever raises capacity: every accumulator only grows.
 */
import { F, R, REFERENCE_TEMPERATURE_K } from '../../materials/constants.ts';
import type { CycleSummary } from '../model.ts';
import type { AgeingParams } from './params.ts';
import { anodeVolumePerAl, cathodeVolumeStrain, cathodeVolumeStrainLaw, type CellCore } from './common.ts';
import { criticalCurrentDensity } from './plating.ts';
import { problem } from '../../problems.ts';
import {
  ALL_MECHANISMS,
  NO_MECHANISMS,
  anodeMaterialRecords,
  defaultAgeingValues,
  type AnodeMaterial,
  type AgeingMechanisms,
  type AgeingParameterId,
  type AgeingValues,
  FRESH_DEGRADATION,
  type DegradationState,
} from './ageing-data.ts';

export {
  ALL_MECHANISMS,
  NO_MECHANISMS,
  FRESH_DEGRADATION,
  defaultAgeingValues,
  type AgeingMechanisms,
  type AgeingValues,
  type DegradationState,
};

/** the default ageing parameters: every mechanism on, the nominal values */
export function defaultAgeingParams(): AgeingParams {
  return { mechanisms: ALL_MECHANISMS, values: defaultAgeingValues() };
}

/** the ageing parameters with the given mechanisms switched (those not named keep the base setting) */
export function ageingWithMechanisms(base: AgeingParams, m: Partial<AgeingMechanisms>): AgeingParams {
  return { ...base, mechanisms: { ...base.mechanisms, ...m } };
}

/** the ageing parameters with some values replaced */
export function ageingWithValues(base: AgeingParams, v: Partial<Record<AgeingParameterId, number>>): AgeingParams {
  return { ...base, values: { ...base.values, ...v } };
}

// ----------------------------------------------------------------------------------------- the laws
/** what one ageing update sees (SI; per m² where it says so) */
export interface AgeingInputs {
  /** time under current (s) and its mean SOC (0..1) */
  readonly cycling_s: number;
  readonly meanSoc: number;
  /** time at rest (s) and the SOC of the rest */
  readonly rest_s: number;
  readonly restSoc: number;
  readonly temperature_K: number;
  readonly stackPressure_Pa: number;
  /** volumetric strain swing of the cathode active material and of the anode alloy over the cycle (0 = no cycle) */
  readonly cathodeStrain: number;
  readonly anodeStrain: number;
  /** mean discharge current density (A m⁻²) */
  readonly dischargeCurrent_A_m2: number;
  /** Li plated in the cycle (mol m⁻²) */
  readonly platedLi_mol_m2: number;
  /**
   * the anode material's void rate relative to Li–Al's at this cycle (`anodeMaterialFactors`); absent
   * or 1: Li–Al, the law as written
   */
  readonly anodeVoidScale?: number;
}

/** how an anode material's breathing and void formation compare with Li–Al's at one cycle */
export interface AnodeMaterialFactors {
  /** its volumetric strain per Li cycled over Li–Al's: V_Li,m / V_Li,LiAl */
  readonly strainScale: number;
  /** its void rate over Li–Al's: strainScale · (1 + Fo_LiAl)/(1 + Fo_m) */
  readonly voidScale: number;
  /** Fourier numbers D·t/L² of the discharge in the material and in Li–Al */
  readonly fourier: number;
  readonly fourierLiAl: number;
}

/**
 * An anode material's ageing factors against Li–Al (data/ageing/anodes.json) for a discharge of
 * `discharge_s` through an anode `thickness_m` thick: the strain it breathes per Li (its volume per Li
 * over Li–Al's), and the share of the stripped Li it cannot resupply from its bulk by diffusion,
 * 1/(1 + Fo) with Fo = D·t/L² (the form an assumption; D and V per material from their sources).
 * Li–Al gives exactly 1 and 1.
 */
export function anodeMaterialFactors(
  material: AnodeMaterial,
  discharge_s: number,
  thickness_m: number,
): AnodeMaterialFactors {
  if (!(discharge_s >= 0 && Number.isFinite(discharge_s)))
    throw problem('ageing.discharge_s', 'must be a finite number ≥ 0', String(discharge_s), '≥ 0 s');
  if (!(thickness_m > 0 && Number.isFinite(thickness_m)))
    throw problem('ageing.anodeThickness_m', 'must be a finite number > 0', String(thickness_m), '> 0 m');
  const recs = anodeMaterialRecords();
  const m = recs[material];
  const ref = recs['li-al'];
  const fo = (D: number): number => (D * discharge_s) / (thickness_m * thickness_m);
  const fourier = fo(m.li_diffusivity_m2_s.value);
  const fourierLiAl = fo(ref.li_diffusivity_m2_s.value);
  if (material === 'li-al') return { strainScale: 1, voidScale: 1, fourier, fourierLiAl };
  const strainScale = m.li_volume_m3_mol.value / ref.li_volume_m3_mol.value;
  return { strainScale, voidScale: (strainScale * (1 + fourierLiAl)) / (1 + fourier), fourier, fourierLiAl };
}

/** total Li a state has taken out of the cyclable inventory by side reactions (mol m⁻²) */
export function sideReactionLi_mol_m2(s: DegradationState): number {
  return s.liCei_mol_m2 + s.liAei_mol_m2 + s.liDead_mol_m2;
}

/** cathode interphase resistance of a state (Ω m² per true contact area) */
export function interphaseResistance(s: DegradationState, a: AgeingParams): number {
  return a.mechanisms.interphase ? a.values.cei_kR * Math.sqrt(s.ceiTime_s) : 0;
}

/**
 * Law 5: the anode contact fraction lost in one cycle, k_a·Δε_a·P0a/(P0a + P)·(1 + i_dis/CCD(P, T)) times the
 * anode material's void scale (Kasemchainan 2019), capped at half the contact per cycle; the CCD is taken
 * at no less than 1 bar (criticalCurrentDensity needs P > 0: the floor is an assumption, as before)
 */
function anodeVoidStep(v: AgeingValues, inp: AgeingInputs, T: number): number {
  const P0 = v.anode_void_P0;
  const ccd = criticalCurrentDensity(Math.max(inp.stackPressure_Pa, 1e5), T).value;
  const d =
    v.anode_void_k *
    inp.anodeStrain *
    (P0 / (P0 + inp.stackPressure_Pa)) *
    (1 + inp.dischargeCurrent_A_m2 / ccd) *
    (inp.anodeVoidScale ?? 1);
  return Math.min(0.5, d);
}

/** one ageing update: the state after a cycle (or a rest) with the given inputs */
export function degrade(s: DegradationState, inp: AgeingInputs, a: AgeingParams): DegradationState {
  const v = a.values;
  const m = a.mechanisms;
  // the named check only when one fails (the list is built per call: this runs once per cell per day)
  const ok =
    inp.cycling_s >= 0 &&
    inp.rest_s >= 0 &&
    inp.cathodeStrain >= 0 &&
    inp.anodeStrain >= 0 &&
    inp.platedLi_mol_m2 >= 0 &&
    inp.stackPressure_Pa >= 0 &&
    inp.dischargeCurrent_A_m2 >= 0;
  if (!ok)
    for (const [k, x] of [
      ['cycling_s', inp.cycling_s],
      ['rest_s', inp.rest_s],
      ['cathodeStrain', inp.cathodeStrain],
      ['anodeStrain', inp.anodeStrain],
      ['platedLi_mol_m2', inp.platedLi_mol_m2],
      ['stackPressure_Pa', inp.stackPressure_Pa],
      ['dischargeCurrent_A_m2', inp.dischargeCurrent_A_m2],
    ] as const)
      if (!(x >= 0)) throw problem(`ageing.${k}`, 'must be ≥ 0', String(x), '≥ 0');
  if (!(inp.temperature_K > 0))
    throw problem('ageing.temperature_K', 'must be > 0', String(inp.temperature_K), '> 0 K');
  const T = inp.temperature_K;
  const fT = Math.exp((-v.cei_Ea / R) * (1 / T - 1 / REFERENCE_TEMPERATURE_K));
  const restT = m.calendar ? inp.rest_s : 0;
  const cycled = inp.cathodeStrain > 0 || inp.anodeStrain > 0;
  let { ceiTime_s, aeiTime_s, cathodeLoss, anodeLoss, liCei_mol_m2, liAei_mol_m2, liDead_mol_m2 } = s;
  // 1. cathode interphase (resistance with `interphase`, its Li with `li_inventory`)
  if (m.interphase || m.li_inventory) {
    const k = v.cei_socSlope;
    const dt = fT * (Math.exp(k * (inp.meanSoc - 0.5)) * inp.cycling_s + Math.exp(k * (inp.restSoc - 0.5)) * restT);
    const t2 = ceiTime_s + dt;
    if (m.li_inventory) liCei_mol_m2 += v.cei_kLi * (Math.sqrt(t2) - Math.sqrt(ceiTime_s));
    ceiTime_s = t2;
  }
  // 2. anode interphase, parabolic + cracked by breathing
  if (m.anode_interphase && m.li_inventory) {
    const k = v.aei_socSlope;
    const dt = fT * (Math.exp(k * (inp.meanSoc - 0.5)) * inp.cycling_s + Math.exp(k * (inp.restSoc - 0.5)) * restT);
    const t2 = aeiTime_s + dt;
    liAei_mol_m2 += v.aei_kLi * (Math.sqrt(t2) - Math.sqrt(aeiTime_s)) + v.aei_freshPerStrain * inp.anodeStrain;
    aeiTime_s = t2;
  }
  // 3. dead Li
  if (m.li_inventory) liDead_mol_m2 += v.dead_li_fraction * inp.platedLi_mol_m2;
  // 4. cathode contact loss: towards L∞(P, Δε) over N_c cycles; never recovers
  if (m.contact_loss && inp.cathodeStrain > 0) {
    const P0 = v.cathode_contact_P0;
    const Linf = Math.min(0.95, v.cathode_contact_lambda * inp.cathodeStrain * (P0 / (P0 + inp.stackPressure_Pa)));
    if (Linf > cathodeLoss) cathodeLoss += (Linf - cathodeLoss) * Math.min(1, 1 / v.cathode_contact_cycles);
  }
  // 5. anode voids from breathing vs pressure and stripping current
  if (m.anode_voids && inp.anodeStrain > 0) {
    anodeLoss += (1 - anodeLoss) * anodeVoidStep(v, inp, T);
  }
  return {
    ceiTime_s,
    aeiTime_s,
    cathodeLoss,
    anodeLoss,
    liCei_mol_m2,
    liAei_mol_m2,
    liDead_mol_m2,
    cycles: s.cycles + (cycled ? 1 : 0),
    time_s: s.time_s + inp.cycling_s + inp.rest_s,
  };
}

// ------------------------------------------------------------------------- applied to a cell model
export interface AgeingHooks {
  /** remove this many mol Li from the anode of the current state */
  removeLi(mol: number): void;
}

/** the inputs of one ageing update of a cell model from what the cycler reports about a cycle */
export function ageingInputsFor(core: CellCore, cycle: CycleSummary): AgeingInputs {
  const p = core.p;
  if (!(cycle.duration_s >= 0)) throw problem('cycle.duration_s', 'must be ≥ 0', String(cycle.duration_s), '≥ 0');
  const st = core.ageing;
  const swingC = Math.min(cycle.charge_C, cycle.discharge_C);
  const meanSoc = cycle.meanSoc ?? 0.5;
  let cathodeStrain = 0;
  let anodeStrain = 0;
  if (swingC > 0) {
    // strain swings over the cycle's charge around its mean SOC (stoichiometries of the design window)
    const mid = core.restStoich(Math.min(1, Math.max(0, meanSoc)));
    const dy = swingC / (F * core.nC * Math.max(1e-6, st.activeScale));
    cathodeStrain = Math.abs(cathodeVolumeStrain(p, mid.y - dy / 2) - cathodeVolumeStrain(p, mid.y + dy / 2));
    const dx = swingC / (F * core.nAl);
    const x1 = Math.max(0, mid.x - dx / 2);
    const V1 = anodeVolumePerAl(x1, core.T);
    anodeStrain = Math.abs(anodeVolumePerAl(x1 + dx, core.T) - V1) / V1;
  }
  const cycling = Math.max(0, cycle.duration_s - (cycle.rest_s ?? 0));
  const iDis = cycle.dischargeCurrent_A ?? (cycling > 0 ? (2 * cycle.discharge_C) / cycling : 0);
  // another anode material than the line's Li–Al: its own strain per Li and void rate (anodes.json)
  const material = p.ageing.anodeMaterial ?? 'li-al';
  let anodeVoidScale: number | undefined;
  if (material !== 'li-al') {
    const tDis = Math.abs(iDis) > 0 ? cycle.discharge_C / Math.abs(iDis) : cycling / 2;
    const f = anodeMaterialFactors(material, Math.min(cycling, tDis), p.anode.thickness_m);
    anodeStrain *= f.strainScale;
    anodeVoidScale = f.voidScale;
  }
  return {
    ...(anodeVoidScale === undefined ? {} : { anodeVoidScale }),
    cycling_s: cycling,
    meanSoc,
    rest_s: cycle.rest_s ?? 0,
    restSoc: cycle.restSoc ?? meanSoc,
    temperature_K: cycle.temperature_K ?? p.temperature_K,
    stackPressure_Pa: p.stackPressure_Pa,
    cathodeStrain,
    anodeStrain,
    dischargeCurrent_A_m2: Math.abs(iDis) / p.area_m2,
    platedLi_mol_m2: (cycle.platedLi_mol ?? 0) / p.area_m2,
  };
}

/** apply one ageing update to a cell model's core; the Li the side reactions took leaves the anode */
export function applyAgeing(core: CellCore, cycle: CycleSummary, hooks: AgeingHooks): void {
  const a = core.p.ageing;
  const st = core.ageing;
  const before = sideReactionLi_mol_m2(st.degradation);
  const next = degrade(st.degradation, ageingInputsFor(core, cycle), a);
  st.degradation = next;
  const li = (sideReactionLi_mol_m2(next) - before) * core.p.area_m2;
  if (li > 0) {
    st.lostLi_mol += li;
    hooks.removeLi(li);
  }
  // the Li in the isolated particles leaves the inventory with them (lithiumInventory scales by activeScale)
  st.activeScale = 1 - next.cathodeLoss;
  st.anodeContact = 1 - next.anodeLoss;
  st.extraRc = interphaseResistance(next, a);
  st.age_s += cycle.duration_s;
  st.cycles += 1;
  core.refreshDerived();
}

/**
 * `days` ageing updates with the same cycle in a row (a pack's daily duty over a year): the same
 * arithmetic, in the same order, as `days` calls of applyAgeing — `beforeDay` (the model's swing
 * record) first each day — with what is the same every day computed once: the Arrhenius and SOC
 * factors, the anode strain, the critical current, the mid-window stoichiometries. Only the cathode
 * strain (through the active fraction left) and the state change from day to day. The derived
 * parameters are refreshed once at the end (nothing in the loop reads them). A test checks that the
 * state after it equals the one after `days` calls of applyAgeing, bit for bit.
 */
export function applyAgeingDays(
  core: CellCore,
  cycle: CycleSummary,
  days: number,
  hooks: AgeingHooks,
  beforeDay?: () => void,
): void {
  if (!(Number.isInteger(days) && days >= 0))
    throw problem('ageing.days', 'must be an integer ≥ 0', String(days), '0, 1, 2, …');
  if (days === 0) return;
  // the first day the general way: it checks the inputs, which are the same every day (the cathode
  // strain, the one that changes, is an absolute value)
  beforeDay?.();
  applyAgeing(core, cycle, hooks);
  if (days === 1) return;
  const p = core.p;
  const a = p.ageing;
  const v = a.values;
  const m = a.mechanisms;
  const st = core.ageing;
  const inp = ageingInputsFor(core, cycle);
  // ageingInputsFor's cathode strain, per day (it depends on the active fraction left)
  const swingC = Math.min(cycle.charge_C, cycle.discharge_C);
  const mid = core.restStoich(Math.min(1, Math.max(0, cycle.meanSoc ?? 0.5)));
  const strain = cathodeVolumeStrainLaw(p);
  const fnC = F * core.nC;
  // degrade's day-invariant parts
  const T = inp.temperature_K;
  const fT = Math.exp((-v.cei_Ea / R) * (1 / T - 1 / REFERENCE_TEMPERATURE_K));
  const restT = m.calendar ? inp.rest_s : 0;
  const kc = v.cei_socSlope;
  const dtCei = fT * (Math.exp(kc * (inp.meanSoc - 0.5)) * inp.cycling_s + Math.exp(kc * (inp.restSoc - 0.5)) * restT);
  const ka = v.aei_socSlope;
  const dtAei = fT * (Math.exp(ka * (inp.meanSoc - 0.5)) * inp.cycling_s + Math.exp(ka * (inp.restSoc - 0.5)) * restT);
  const aeiFresh = v.aei_freshPerStrain * inp.anodeStrain;
  const deadLi = v.dead_li_fraction * inp.platedLi_mol_m2;
  const P0c = v.cathode_contact_P0;
  const pc = P0c / (P0c + inp.stackPressure_Pa);
  const settle = Math.min(1, 1 / v.cathode_contact_cycles);
  let voidStep = 0;
  if (m.anode_voids && inp.anodeStrain > 0) {
    voidStep = anodeVoidStep(v, inp, T);
  }
  const anodeStrain = inp.anodeStrain;
  const doCei = m.interphase || m.li_inventory;
  const doAei = m.anode_interphase && m.li_inventory;
  const area = p.area_m2;
  const s0 = st.degradation;
  let { ceiTime_s, aeiTime_s, cathodeLoss, anodeLoss, liCei_mol_m2, liAei_mol_m2, liDead_mol_m2, cycles, time_s } = s0;
  let activeScale = st.activeScale;
  let sqCei = Math.sqrt(ceiTime_s);
  let sqAei = Math.sqrt(aeiTime_s);
  for (let day = 1; day < days; day++) {
    beforeDay?.();
    let cathodeStrain = 0;
    if (swingC > 0) {
      const dy = swingC / (fnC * Math.max(1e-6, activeScale));
      cathodeStrain = Math.abs(strain(mid.y - dy / 2) - strain(mid.y + dy / 2));
    }
    const before = liCei_mol_m2 + liAei_mol_m2 + liDead_mol_m2;
    if (doCei) {
      const t2 = ceiTime_s + dtCei;
      const sq2 = Math.sqrt(t2);
      if (m.li_inventory) liCei_mol_m2 += v.cei_kLi * (sq2 - sqCei);
      ceiTime_s = t2;
      sqCei = sq2;
    }
    if (doAei) {
      const t2 = aeiTime_s + dtAei;
      const sq2 = Math.sqrt(t2);
      liAei_mol_m2 += v.aei_kLi * (sq2 - sqAei) + aeiFresh;
      aeiTime_s = t2;
      sqAei = sq2;
    }
    if (m.li_inventory) liDead_mol_m2 += deadLi;
    if (m.contact_loss && cathodeStrain > 0) {
      const Linf = Math.min(0.95, v.cathode_contact_lambda * cathodeStrain * pc);
      if (Linf > cathodeLoss) cathodeLoss += (Linf - cathodeLoss) * settle;
    }
    if (m.anode_voids && anodeStrain > 0) anodeLoss += (1 - anodeLoss) * voidStep;
    cycles += cathodeStrain > 0 || anodeStrain > 0 ? 1 : 0;
    time_s = time_s + inp.cycling_s + inp.rest_s;
    const li = (liCei_mol_m2 + liAei_mol_m2 + liDead_mol_m2 - before) * area;
    if (li > 0) {
      st.lostLi_mol += li;
      hooks.removeLi(li);
    }
    activeScale = 1 - cathodeLoss;
    st.age_s += cycle.duration_s;
    st.cycles += 1;
  }
  const next: DegradationState = {
    ceiTime_s,
    aeiTime_s,
    cathodeLoss,
    anodeLoss,
    liCei_mol_m2,
    liAei_mol_m2,
    liDead_mol_m2,
    cycles,
    time_s,
  };
  st.degradation = next;
  st.activeScale = activeScale;
  st.anodeContact = 1 - next.anodeLoss;
  st.extraRc = interphaseResistance(next, a);
  core.refreshDerived();
}
