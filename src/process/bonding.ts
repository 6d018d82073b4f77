/**
 * Bond formation at the new interface of each station.
 *
 * Two mechanisms (shared/data/process-models.md §1.6):
 *  1. Cold (pressure) welding of metal that deforms — Bay's model (N. Bay, J. Eng. Ind. 101 (1979) 121,
 *     doi:10.1115/1.3439484; Zhang & Bay, CIRP Annals 45 (1996) 215): surface exposure Y equals the
 *     reduction of the deforming sheet in roll bonding; virgin metal extrudes through the cracked cover
 *     films when the normal pressure exceeds the extrusion pressure p_E. Bond strength
 *         σ_B = β·(Y − Y′)/(1 − Y′)·(p − p_E)   for Y > Y′ and p > p_E, else 0,
 *     bounded by the tensile strength of the weaker partner (the joint then fails in the bulk).
 *     Applied to Li on Al at station 240 (Li is the only layer that deforms there). Assumptions, flagged:
 *     Y′ (Li's soft native film: 0.05, process-models.md suggests 0.02–0.10; halved for a brushed Al
 *     surface, Bay 1979: scratch-brushing gives the smallest threshold), falling linearly to 0 at the Li
 *     melting point (thresholds fall with temperature, Li, Nagai & Yin, Sci. Technol. Adv. Mater. 9 (2008)
 *     023001); p_E = 3·k̄_Li; β = 0.6 (Bay: the cover-layer mechanism acts on ~60 % of the area for Al).
 *     The Al₂O₃ film on Al does not expand (Al stays elastic); we assume Li extrudes through its cracks and
 *     reduces it (Li + Al₂O₃ → Li₂O + Al is strongly exergonic) — this is an assumption.
 *     Liquid Li (T ≥ 180.5 °C) wets Al: bonded whenever it contacts it.
 *  2. Adhesion / mechanical interlock of layers that do not deform (Al on a sulfide SE at 236, Cu on Al
 *     when the third sheet is turned over, particle sheets): real contact fraction
 *         φ_c = min(1, p_peak / H),   H = 3·σ_y of the softer partner (Bowden & Tabor, The Friction and
 *     Lubrication of Solids (1950); Tabor, The Hardness of Metals (1951): H ≈ 3Y; for a particulate layer H
 *     is its Heckel yield pressure, Heckel 1961: K = 1/(3σ₀)). Bond strength σ_B = φ_c·σ_adh with
 *     σ_adh = 5 MPa (assumption: metal/sulfide adhesion), bonded when φ_c ≥ 0.05 (assumption).
 */
import { mechanicalProperties, PLANE_STRAIN_FACTOR } from '../materials/mechanics.ts';

export const BAY_THRESHOLD_LI = 0.05; // assumption, process-models.md §1.6 (A: 0.02–0.10)
export const BAY_BETA = 0.6; // Bay 1983 (Al–Al cover-layer fraction, V via process-models.md §1.6); assumption for Li–Al
export const EXTRUSION_FACTOR = 3; // p_E = 3·k̄, process-models.md §1.6 (A)
export const ADHESION_STRENGTH_PA = 5e6; // assumption
export const CONTACT_FRACTION_BONDED = 0.05; // assumption

export interface BondResult {
  mechanism: 'cold_weld' | 'adhesion' | 'liquid_wetting' | 'none';
  bonded: boolean;
  /** bond strength estimate, Pa */
  strength_Pa: number;
  /** Bay bond index (Y−Y′)/(1−Y′)·(p−p_E)/k̄ or the contact fraction φ_c */
  index: number;
  /** what the estimate was limited by */
  limitedBy: 'bay' | 'li_bulk' | 'contact' | 'threshold';
  /** threshold surface exposure used (cold weld) */
  threshold?: number;
}

/**
 * Cold weld of a deforming soft metal (Li) onto a hard one.
 * @param Y surface exposure = reduction of the deforming layer
 * @param pMean mean nip pressure, Pa
 * @param kbar plane-strain flow stress of the deforming layer in the nip, Pa
 */
export function coldWeldLi(
  Y: number,
  pMean: number,
  kbar: number,
  T_K: number,
  surface: 'as_rolled' | 'brushed' = 'as_rolled',
): BondResult {
  const li = mechanicalProperties('Li');
  const Tm = li.meltingPoint.value;
  if (T_K >= Tm)
    return {
      mechanism: 'liquid_wetting',
      bonded: true,
      strength_Pa: li.tensileStrength.value,
      index: 1,
      limitedBy: 'li_bulk',
    };
  const T0 = 298.15;
  const base = surface === 'brushed' ? BAY_THRESHOLD_LI / 2 : BAY_THRESHOLD_LI;
  const Yt = base * Math.min(1, Math.max(0, 1 - (T_K - T0) / (Tm - T0)));
  const pE = EXTRUSION_FACTOR * kbar;
  if (!(Y > Yt) || !(pMean > pE))
    return { mechanism: 'cold_weld', bonded: false, strength_Pa: 0, index: 0, limitedBy: 'threshold', threshold: Yt };
  const sB = BAY_BETA * ((Y - Yt) / (1 - Yt)) * (pMean - pE);
  const ceiling = li.tensileStrength.value;
  const index = ((Y - Yt) / (1 - Yt)) * ((pMean - pE) / Math.max(kbar, 1e-30));
  return sB >= ceiling
    ? { mechanism: 'cold_weld', bonded: true, strength_Pa: ceiling, index, limitedBy: 'li_bulk', threshold: Yt }
    : { mechanism: 'cold_weld', bonded: true, strength_Pa: sB, index, limitedBy: 'bay', threshold: Yt };
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
