/**
 * Ageing submodels for repeated cycling (seed claim 19), applied after each cycle. Each can be switched
 * off in params.ageing.
 *
 * 1. Interphase growth at the cathode|SE interface (parabolic, diffusion-limited: δ ∝ √t; form as in
 *    Scaltrito, Lanjan, Srinivasan, Energies 17 (2024) 2896, doi:10.3390/en17122896; NCM811|thiophosphate
 *    interphase: Koerver et al., Chem. Mater. 29 (2017) 5574, doi:10.1021/acs.chemmater.7b00931):
 *      R_int += kR·(√t₂ − √t₁)·A_T,  Li consumed += kLi·A·(√t₂ − √t₁)·A_T,  A_T = exp(−Ea/R(1/T − 1/Tref)).
 *    The Li consumed is taken from the anode (loss of Li inventory).
 * 2. Contact loss (loss of active material) driven by the active material's volume change and opposed
 *    by stack pressure (Shi et al., J. Mater. Chem. A 2020, d0ta06985j; Koerver 2017; DS §4.3):
 *      δ = k·|Δε_v|·P0/(P0 + P) per cycle, activeScale ← activeScale·(1 − δ);
 *    Δε_v: the active material's volume strain swing over the cycle from the charge passed. The Li held
 *    by the isolated particles leaves the cyclable inventory with them. P0 from the 0 vs 125 MPa data
 *    of Yan et al. 2026 (DS §4.3, secondary source).
 * 3. Extra loss of Li inventory per charge passed (e.g. anode-side interphase), off by default.
 *
 * Every step only ever reduces capacity-relevant quantities: no submodel can raise capacity.
 *
 * The recipe switches the mechanisms (`cycling.ageing_mechanisms`) through `ageingWithMechanisms`:
 *   interphase   — the interphase's resistance growth (kR·√t)
 *   contact_loss — loss of active material by contact loss (2.)
 *   li_inventory — Li consumed by side reactions: the interphase's kLi·√t and the per-charge loss (3.)
 * With all three off nothing changes between cycles.
 */
import { F, R } from '../../materials/constants.ts';
import type { CycleSummary } from '../model.ts';
import type { AgeingParams } from './params.ts';
import { cathodeVolumeStrain, type CellCore } from './common.ts';
import { problem } from '../../problems.ts';

/** the switchable ageing mechanisms (recipe `cycling.ageing_mechanisms`) */
export interface AgeingMechanisms {
  /** interphase growth at the cathode|SE interface: resistance growth kR·√t */
  readonly interphase: boolean;
  /** contact loss (loss of active material) driven by volume change, opposed by stack pressure */
  readonly contact_loss: boolean;
  /** loss of Li inventory by side reactions (the interphase's Li consumption and the per-charge loss) */
  readonly li_inventory: boolean;
}

export const ALL_MECHANISMS: AgeingMechanisms = { interphase: true, contact_loss: true, li_inventory: true };

/**
 * The ageing parameters with the given mechanisms switched off (a switched-on mechanism keeps the base
 * setting, so all on gives `base` unchanged). Interphase resistance and its Li consumption are split:
 * the resistance belongs to `interphase`, the Li to `li_inventory`.
 */
export function ageingWithMechanisms(base: AgeingParams, m: AgeingMechanisms): AgeingParams {
  const ip = base.interphase;
  return {
    interphase: {
      ...ip,
      enabled: ip.enabled && (m.interphase || m.li_inventory),
      kR_ohm_m2_per_sqrt_s: m.interphase ? ip.kR_ohm_m2_per_sqrt_s : 0,
      kLi_mol_m2_per_sqrt_s: m.li_inventory ? ip.kLi_mol_m2_per_sqrt_s : 0,
    },
    contactLoss: { ...base.contactLoss, enabled: base.contactLoss.enabled && m.contact_loss },
    lithiumLoss: { ...base.lithiumLoss, enabled: base.lithiumLoss.enabled && m.li_inventory },
  };
}

export interface AgeingHooks {
  /** remove this many mol Li from the anode of the current state */
  removeLi(mol: number): void;
}

export function applyAgeing(core: CellCore, cycle: CycleSummary, hooks: AgeingHooks): void {
  const p = core.p;
  const a = p.ageing;
  const st = core.ageing;
  if (!(cycle.duration_s >= 0)) throw problem('cycle.duration_s', 'must be ≥ 0', String(cycle.duration_s), '≥ 0');
  const t1 = st.age_s;
  const t2 = t1 + cycle.duration_s;
  if (a.interphase.enabled) {
    const fT = Math.exp((-a.interphase.Ea_J_mol / R) * (1 / p.temperature_K - 1 / 298.15));
    const ds = Math.sqrt(t2) - Math.sqrt(t1);
    st.extraRc += a.interphase.kR_ohm_m2_per_sqrt_s * ds * fT;
    const li = a.interphase.kLi_mol_m2_per_sqrt_s * p.area_m2 * ds * fT;
    st.lostLi_mol += li;
    hooks.removeLi(li);
  }
  if (a.contactLoss.enabled) {
    const dy = Math.min(cycle.charge_C, cycle.discharge_C) / (F * core.nC * st.activeScale);
    // strain swing: difference of the volume strain over a swing dy from the mid-window stoichiometry
    const mid = core.restStoich(0.5).y;
    const dEps = Math.abs(cathodeVolumeStrain(p, mid - dy / 2) - cathodeVolumeStrain(p, mid + dy / 2));
    const P0 = a.contactLoss.P0_Pa;
    const delta = Math.min(0.5, a.contactLoss.k * dEps * (P0 / (P0 + p.stackPressure_Pa)));
    // the Li in the isolated particles leaves the inventory with them (lithiumInventory scales by activeScale)
    st.activeScale *= 1 - delta;
  }
  if (a.lithiumLoss.enabled) {
    const li = (a.lithiumLoss.fractionPerCharge * cycle.charge_C) / F;
    st.lostLi_mol += li;
    hooks.removeLi(li);
  }
  st.age_s = t2;
  st.cycles += 1;
  core.refreshDerived();
}
