/**
 * Bond formation at the new interface of each station.
 *
 * Two mechanisms (shared/data/process-models.md §1.6):
 *  1. Li on Al at station 240: real contact made by Li flow and creep (`liAlContact`, below), continuous;
 *     the alloying that follows (alloying.ts) grows with that contact. (Earlier versions gated this on Bay's
 *     cold-welding threshold, below, which needs both surfaces to expand: the Al does not.)
 * *     Bay's cold-welding model (N. Bay, J. Eng. Ind. 101 (1979) 121) needs surface expansion of both partners
 *     and a threshold exposure; it is not used for Li on elastic Al.
 *  2. Adhesion / mechanical interlock of layers that do not deform (Al on a sulfide SE at 236, Cu on Al
 *     when the third sheet is turned over, particle sheets): real contact fraction
 *         φ_c = min(1, p_peak / H),   H = 3·σ_y of the softer partner (Bowden & Tabor, The Friction and
 *     Lubrication of Solids (1950); Tabor, The Hardness of Metals (1951): H ≈ 3Y; for a particulate layer H
 *     is its Heckel yield pressure, Heckel 1961: K = 1/(3σ₀)). Bond strength σ_B = φ_c·σ_adh with
 *     σ_adh = 5 MPa (assumption: metal/sulfide adhesion), bonded when φ_c ≥ 0.05 (assumption).
 */
import { GAS_CONSTANT_J_PER_MOL_K } from '../materials/constants.ts';
import { mechanicalProperties, PLANE_STRAIN_FACTOR } from '../materials/mechanics.ts';

export const ADHESION_STRENGTH_PA = 5e6; // assumption
export const CONTACT_FRACTION_BONDED = 0.05; // assumption

export interface BondResult {
  mechanism: 'adhesion' | 'liquid_wetting' | 'contact_creep' | 'none';
  bonded: boolean;
  /** bond strength estimate, Pa */
  strength_Pa: number;
  /** the real-contact fraction φ_c, 0..1 */
  index: number;
  /** what the estimate was limited by */
  limitedBy: 'li_bulk' | 'contact' | 'threshold';
}

/** Hardness-like resistance H (Pa) of a layer material for real-contact formation. */
export function contactHardness(materialId: string, T_K: number): number {
  const m = mechanicalProperties(materialId);
  const fl = m.flowLaw;
  switch (fl.kind) {
    case 'compaction':
      return fl.heckelYieldPressure.value;
    case 'hollomon': {
      const Ts = Math.max(0, (T_K - 293.15) / (m.meltingPoint.value - 293.15));
      return 3 * fl.yieldStress.value * Math.max(0, 1 - Ts ** fl.thermalSofteningM.value);
    }
    case 'creep':
      return 3 * PLANE_STRAIN_FACTOR * fl.sigmaRef.value;
    case 'brittle':
      return 3 * fl.strength.value;
  }
}

/** Adhesive / interlock lamination of two layers that meet under peak pressure pPeak. */
export function adhesionBond(materialA: string, materialB: string, pPeak: number, T_K: number): BondResult {
  const H = Math.min(contactHardness(materialA, T_K), contactHardness(materialB, T_K));
  const phi = Math.min(1, pPeak / H);
  const bonded = phi >= CONTACT_FRACTION_BONDED;
  return {
    mechanism: 'adhesion',
    bonded,
    strength_Pa: bonded ? phi * ADHESION_STRENGTH_PA : 0,
    index: phi,
    limitedBy: bonded ? 'contact' : 'threshold',
  };
}

/**
 * Real metallic contact of the Li/Al interface made in the nip at 240 (issue 14 item 2), continuous in
 * pressure, temperature, speed and roll geometry — no threshold:
 *  - instantaneous plastic contact of the soft Li on the hard Al asperities, φ₀ = min(1, p̄/H_Li) with the
 *    indentation hardness H = 3·σ_flow (Tabor, The Hardness of Metals (1951)) at the nip's strain rate;
 *  - then creep closure of the remaining gaps under the real contact stress: Li creeps at
 *    ε̇ = ε̇_ref·(σ/σ_ref)ⁿ·exp(−Q/R·(1/T − 1/T_ref)) (materials/mechanics.ts, LePage 2019), and the open
 *    fraction decays as (1 − φ) ∝ exp(−ε̇(p̄)·t_nip) (a first-order closure of asperity gaps of aspect ratio
 *    ~1; assumption — geometric factor 1);
 *  - molten Li wets the Al: φ = 1.
 * The bond strength is φ·σ_UTS(Li) (the joint fails in the Li bulk where it is in contact); the oxide and
 * nucleation delay act on the alloying (alloying.ts), not on the contact.
 */
export function liAlContact(pMean: number, nipTime_s: number, T_K: number, strainRate: number): BondResult {
  const li = mechanicalProperties('Li');
  const fl = li.flowLaw;
  if (fl.kind !== 'creep') throw new Error('Li must have a creep flow law');
  if (T_K >= li.meltingPoint.value)
    return {
      mechanism: 'liquid_wetting',
      bonded: true,
      strength_Pa: li.tensileStrength.value,
      index: 1,
      limitedBy: 'li_bulk',
    };
  const n = fl.n.value;
  const thermal = Math.exp((-fl.Q.value / GAS_CONSTANT_J_PER_MOL_K) * (1 / T_K - 1 / fl.temperatureRef.value));
  const rate = Math.max(strainRate, fl.strainRateRef.value);
  const sigmaFlow = fl.sigmaRef.value * Math.pow(rate / fl.strainRateRef.value, 1 / n) * Math.pow(thermal, -1 / n);
  const phi0 = pMean > 0 ? Math.min(1, pMean / (3 * sigmaFlow)) : 0;
  const creepRate = fl.strainRateRef.value * Math.pow(Math.max(pMean, 0) / fl.sigmaRef.value, n) * thermal;
  const phi = 1 - (1 - phi0) * Math.exp(-creepRate * Math.max(0, nipTime_s));
  return {
    mechanism: 'contact_creep',
    bonded: phi >= LI_AL_CONTACT_REPORTED_BONDED,
    strength_Pa: phi * li.tensileStrength.value,
    index: phi,
    limitedBy: phi >= 1 - 1e-12 ? 'li_bulk' : 'contact',
  };
}

/**
 * Contact fraction above which station 240 is *reported* bonded (the physics uses the continuous
 * fraction: alloying rate ∝ contact). Assumption: half the interface in metallic contact.
 */
export const LI_AL_CONTACT_REPORTED_BONDED = 0.5;
