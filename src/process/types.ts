/**
 * SI input and output types of the station physics (rolling, bonding, alloying, thermal, cracking).
 * Independent of the recipe schema: the integrator maps recipe → ProcessInput (µm → m, °C → K, …).
 */
import type { MechanicalId } from '../materials/mechanics.ts';

export type StationId = '222' | '236' | '240';

/** Optional overrides of the library's mechanical data for one layer (SI). */
export interface LayerMechanicsOverride {
  /** Young's modulus of the dense material, Pa */
  youngsModulus?: number;
  /** Heckel yield pressure, Pa (compaction layers) */
  heckelYieldPressure?: number;
  /** yield stress, Pa (Hollomon layers) or reference flow stress at ε̇_ref, T_ref (creep layers) */
  yieldStress?: number;
}

export interface LayerInput {
  name: string;
  material: MechanicalId;
  /** m, > 0 */
  thickness_m: number;
  /** void fraction 0..<1 (compaction layers; default the material's green porosity, 0 for metals) */
  porosity?: number;
  /** porosity the layer had before any pressing; default = porosity (compaction history) */
  greenPorosity?: number;
  /** highest pressure the layer has seen upstream, Pa (compaction is irreversible) */
  maxPressureSeen_Pa?: number;
  mechanics?: LayerMechanicsOverride;
}

export interface FrictionInput {
  /** Coulomb friction coefficient at roll and hard-layer interfaces (default 0.15, assumption) */
  mu?: number;
  /** Li sticks to bare metal rolls and foils (friction factor m = 1); default true */
  liSticking?: boolean;
}

export interface StationInput {
  id: StationId;
  /** total force on the roll pair, N (≥ 0) */
  force_N: number;
  /** m, > 0 */
  rollDiameter_m: number;
  /** roll face width, m; contact width = min(face, web) */
  faceWidth_m: number;
  /** nip temperature, K */
  temperature_K: number;
  friction?: FrictionInput;
}

export interface AlSheetInput {
  form: 'foil' | 'particles_binder';
  layer: LayerInput;
  /** plastic carrier of a particle sheet (claim 10, [0191]–[0192]) */
  carrier?: { thickness_m: number; removedBefore236: boolean };
  /** face of the first sheet the Al goes on (claim 1: the electrolyte; default) */
  placedOn?: 'electrolyte' | 'cathode';
  /** surface state of the Al facing Li (brushed lowers the Bay threshold) */
  surface?: 'as_rolled' | 'brushed';
}

export interface FirstSheetInput {
  /** true: laminated in situ at station 222 from separate layers; false: supplied as a finished sheet */
  inSitu: boolean;
  cathode: LayerInput;
  electrolyte: LayerInput;
  /** optional Al collector under the cathode (claim 9) */
  collector?: LayerInput;
}

export interface ThirdSheetInput {
  li: LayerInput;
  conductor: LayerInput;
  /** 'li_facing_al' is the claim; 'cu_facing_al' puts the conductor against the Al (Li faces the roll) */
  orientation: 'li_facing_al' | 'cu_facing_al';
  /** elemental Li mass fraction of the Li-containing layer ([0199]: ≥ 0.8 claimed; default 1) */
  liMassFraction?: number;
}

export interface LineInput {
  /** m s⁻¹, > 0 */
  speed_m_s: number;
  /** m, > 0 */
  webWidth_m: number;
  /** open-web time after station 240 before winding, s (≥ 0) */
  dwell_s: number;
  /** web temperature in that dwell (heated zone or ambient), K */
  dwellTemperature_K: number;
  /** time in the wound roll / storage, s (≥ 0) */
  storage_s: number;
  /** storage (room) temperature, K */
  storageTemperature_K: number;
  /** ambient temperature, K (default 298.15) */
  ambient_K?: number;
  /** convective heat-transfer coefficient per face of the open web, W m⁻² K⁻¹ (default 10) */
  htc_W_m2K?: number;
  /** outer radius of the wound roll, m (default 0.15) */
  rollOuterRadius_m?: number;
  /** winding core radius, m (default 0.0381, 3-inch core) — smallest bending radius */
  coreRadius_m?: number;
  /** web tension, N m⁻¹ (default 100) */
  webTension_N_per_m?: number;
  /** stack pressure on the finished cell, Pa (default 5 MPa, [0207]) */
  stackPressure_Pa?: number;
}

/** Uncertain model parameters (defaults are flagged assumptions in alloying.ts / cracking.ts). */
export interface ModelOverrides {
  /** Li–Al growth D_eff at 25 °C, m² s⁻¹ (default 1e-13) */
  alloyDRef_m2_s?: number;
  /** its activation energy, J mol⁻¹ (default 40 kJ/mol) */
  alloyEa_J_mol?: number;
  /** Li–Al fracture toughness, Pa m^½ (default 1 MPa√m) */
  liAlFractureToughness_Pa_m05?: number;
  /** in-plane share of the isotropic growth strain (default 0.1) */
  growthInPlaneFraction?: number;
}

export interface ProcessInput {
  firstSheet: FirstSheetInput;
  alSheet: AlSheetInput;
  thirdSheet: ThirdSheetInput;
  stations: { '222'?: StationInput; '236': StationInput; '240': StationInput };
  line: LineInput;
  model?: ModelOverrides;
}

/** A bad-input problem: path, offending value and what is allowed. */
export interface ProcessIssue {
  path: string;
  message: string;
  value: unknown;
  allowed: string;
}

export class ProcessInputError extends Error {
  readonly issues: ProcessIssue[];
  constructor(issues: ProcessIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message} (got ${String(i.value)}; allowed ${i.allowed})`).join('\n'));
    this.name = 'ProcessInputError';
    this.issues = issues;
  }
}

export interface ProcessWarning {
  code:
    | 'li_melting'
    | 'li_melting_in_roll'
    | 'out_of_window'
    | 'not_bonded'
    | 'li_on_roll'
    | 'no_alloying'
    | 'alloying_incomplete'
    | 'li_displaced'
    | 'al_yields'
    | 'short_circuit';
  message: string;
}

/** SI description of the cell the line makes, for the electrochemistry and production models. */
export interface ProducedCell {
  /** layers top (Cu side) to bottom (cathode side), final thicknesses */
  layers: { name: string; material: string; thickness_m: number; porosity: number }[];
  cathodeThickness_m: number;
  cathodePorosity: number;
  separatorThickness_m: number;
  separatorPorosity: number;
  anodeThickness_m: number;
  anodeCollectorThickness_m: number;
  cathodeCollectorThickness_m: number;
  /** Al and Li in the anode, mol m⁻² */
  anodeAl_mol_m2: number;
  anodeLi_mol_m2: number;
  /** Li that can cycle (alloyed above α + free Li), mol m⁻² */
  liInventory_mol_m2: number;
  /** fraction of the anode's Al atoms per phase (α-Al counted as Al) */
  phaseFractions: { Al: number; LiAl: number; Li3Al2: number; Li9Al4: number };
  freeLi_m: number;
  anodeD_m2_s: number;
  bonded: { '222'?: boolean; '236': boolean; '240': boolean };
  crackRisk: number;
  cellThickness_m: number;
}
