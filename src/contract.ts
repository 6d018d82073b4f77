/**
 * TypeScript shape of the public JSON of `rollcell run --json` (../shared/CONTRACT.md).
 * Add fields freely; never rename or remove one without a deprecation note in the README.
 * Units are in the field names.
 */
export interface DesignBlock {
  cell: { thickness_um: number; area_cm2: number; mass_g: number; [k: string]: unknown };
  cathode: { active_mass_mg_cm2: number; areal_capacity_mAh_cm2: number; [k: string]: unknown };
  anode: { al_thickness_um: number; li_thickness_um: number; li_al_molar_ratio: number; [k: string]: unknown };
  np_ratio: number;
  specific_energy_Wh_kg: number;
  energy_density_Wh_L: number;
  [k: string]: unknown;
}

import type { LayerRole } from './recipe/layers.ts';
export type { LayerRole };

export interface StationLayer {
  name: string;
  /** what the layer is: cathode, electrolyte, collector, al, carrier, li, conductor, anode */
  role?: LayerRole;
  thickness_in_um: number;
  thickness_out_um: number;
  [k: string]: unknown;
}

export interface StationBlock {
  id: '222' | '236' | '240';
  force_N: number;
  temperature_C: number;
  peak_pressure_MPa: number;
  bonded: boolean;
  layers: StationLayer[];
  [k: string]: unknown;
}

export interface LineBlock {
  stations: StationBlock[];
  anode: {
    thickness_um: number;
    li_diffusivity_cm2_s: number;
    alloying_complete_s: number;
    free_li_um: number;
    al_fractions: { Al: number; LiAl: number; Li3Al2: number; Li9Al4: number };
    [k: string]: unknown;
  };
  crack: {
    sandwiched: { risk: number; [k: string]: unknown };
    free_standing: { risk: number; [k: string]: unknown };
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface ProductionBlock {
  cells_total: number;
  cells_in_spec: number;
  yield_pct: number;
  [k: string]: unknown;
}

export interface CyclingBlock {
  charge_capacity_mAh_g: number;
  discharge_capacity_mAh_g: number;
  coulombic_efficiency: number;
  volume_expansion_rate_pct: number;
  [k: string]: unknown;
}

export type Verdict = 'met' | 'not met' | 'not evaluable';

export interface ClaimElement {
  id: string;
  text: string;
  verdict: Verdict;
  evidence: string;
  paragraph?: string;
  [k: string]: unknown;
}

export interface ClaimResult {
  claim: number;
  verdict: Verdict;
  elements: ClaimElement[];
  [k: string]: unknown;
}

export interface RunOutput {
  rollcell_version: string;
  run_id: string;
  design: DesignBlock;
  line?: LineBlock;
  production?: ProductionBlock;
  cycling?: CyclingBlock;
  battery?: Record<string, unknown>;
  claims?: ClaimResult[];
  /**
   * present when something makes results untrustworthy: a physical impossibility of the line as set, or
   * a result outside a model's validity (src/validity.ts); the cells and claims concerned are out of
   * spec / not evaluable with the reason
   */
  validity?: {
    findings: {
      kind: 'impossible' | 'outside_validity';
      source: string;
      code: string;
      reason: string;
      claims: 'all' | number[];
      /** claims whose evidence cites the figure but whose verdict does not rest on it */
      cites?: number[];
    }[];
  };
  report?: string;
  [k: string]: unknown;
}
