/**
 * SI input and output types of the station physics (rolling, bonding, alloying, thermal, cracking).
 * Independent of the recipe schema: the integrator maps recipe → ProcessInput (µm → m, °C → K, …).
 */
import { ProblemError } from '../problems.ts';
import type { LayerRole } from '../recipe/layers.ts';
import type { MechanicalId } from '../materials/mechanics.ts';
import type { RollResult } from './rolling.ts';
import type { BondResult } from './bonding.ts';
import type { CrackConfigResult, CrackInput } from './cracking.ts';
import type { AlloyHistoryFn, AlloyResult } from './alloying.ts';
import type { VerdictDependence } from './assumptions.ts';

import type { StationId } from '../recipe/stations.ts';
export type { StationId };

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
  /** what the layer is (set by the recipe → SI step) */
  role: LayerRole;
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
  /** surface state of the Al facing Li */
  surface?: 'as_rolled' | 'brushed';
  /** Al metal mass fraction of the layer's solids (purity; × the non-binder share of a particle sheet); default 1 */
  alMassFraction?: number;
}

export interface FirstSheetInput {
  /** true: laminated in situ at station 222 from separate layers; false: supplied as a finished sheet */
  inSitu: boolean;
  cathode: LayerInput;
  electrolyte: LayerInput;
  /** optional Al collector under the cathode (claim 9) */
  collector?: LayerInput;
  /** the composite cathode's make-up (library ids, volume fractions, particle size) */
  composite: CathodeComposite;
  /** materials-library ids of the separator's electrolyte and of the cathode collector */
  electrolyteId: string;
  collectorId?: string;
}

export interface ThirdSheetInput {
  li: LayerInput;
  conductor: LayerInput;
  /** 'li_facing_al' is the claim; 'cu_facing_al' puts the conductor against the Al (Li faces the roll) */
  orientation: 'li_facing_al' | 'cu_facing_al';
  /** materials-library id of the conductive layer (e.g. Cu) */
  conductorId: string;
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
  /** open web between station 240 and the winder, m, when the web is wound (dwell = min(total, span/speed)) */
  openSpan_m?: number;
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
  /** Li–Al (β) growth D_eff at 25 °C, m² s⁻¹ (default: the 150 °C growth rate of li-al.json moved to 25 °C) */
  alloyDRef_m2_s?: number;
  /** its activation energy, J mol⁻¹ (default: β's, li-al.json) */
  alloyEa_J_mol?: number;
  /** β nucleation/oxide incubation time at 25 °C, s (default li-al.json, 60 s) */
  incubationRT_s?: number;
  /** Li–Al fracture toughness, Pa m^½ (default 1 MPa√m) */
  liAlFractureToughness_Pa_m05?: number;
  /** in-plane share of the isotropic growth strain (default 0.1) */
  growthInPlaneFraction?: number;
  /** creep strength of the Li–Al alloy at 1e-6 s⁻¹, Pa (default 20 MPa, assumption) */
  creepStrength_Pa?: number;
}

export interface ProcessInput {
  /** the cut cell (one face), m */
  cell: { width_m: number; length_m: number };
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

/** bad input to the line physics: the one error value (the issues keep the raw values) */
export class ProcessInputError extends ProblemError {
  readonly issues: ProcessIssue[];
  constructor(issues: ProcessIssue[]) {
    super(issues.map((i) => ({ path: i.path, problem: i.message, got: String(i.value), allowed: i.allowed })));
    this.name = 'ProcessInputError';
    this.issues = issues;
  }
}

/**
 * What the line flags, as data (codes and numbers in SI); src/present/line.ts writes the sentences.
 * The seed's windows are not physics and are not flagged here (they are evaluated once, from the station
 * table, by claims/windows.ts).
 */
export type ProcessWarning =
  | { code: 'not_bonded'; station: StationId; mechanism: string; index: number; partner?: string }
  | { code: 'short_circuit' }
  | { code: 'al_yields'; station: StationId; peakPressure_Pa: number }
  | { code: 'li_on_roll' }
  | {
      code: 'li_melting';
      where: 'nip' | 'dwell' | 'storage';
      temperature_K: number;
      /** nip: highest liquid fraction of the free Li, and the Li rejected at the inlet (to the web edges) */
      liquidFraction?: number;
      rejected_mol_m2?: number;
    }
  | {
      code: 'li_melting_in_roll';
      peakTemperature_K: number;
      where: 'nip' | 'dwell' | 'roll';
      adiabaticRise_K: number;
    }
  | { code: 'alloying_incomplete'; extent: number; complete_s: number }
  | { code: 'no_alloying'; reason: 'not_bonded' | 'cu_between' };

/** What a layer is in the cell: the recipe's vocabulary (src/recipe/layers.ts), used by the line's results. */
export type { LayerRole } from '../recipe/layers.ts';

/**
 * Li–Al amounts per m² of anode: mol of Al in each Al-bearing phase (α solid solution and β-LiAl with
 * their Li/Al), and Li metal in mol of Li. Li atoms = α·xα + β·xβ + 1.5·Li₃Al₂ + 2.25·Li₉Al₄ + Li;
 * Al atoms = Al + α + β + Li₃Al₂ + Li₉Al₄.
 */
export interface PhaseAmounts {
  /** pure, unreacted Al, mol m⁻² */
  Al: number;
  /** α-Al(Li) solid solution, mol Al m⁻², and its Li/Al */
  alpha: number;
  xAlpha: number;
  /** β-LiAl, mol Al m⁻², and its Li/Al */
  LiAl: number;
  xBeta: number;
  /** Li₃Al₂, mol Al m⁻² */
  Li3Al2: number;
  /** Li₉Al₄, mol Al m⁻² */
  Li9Al4: number;
  /** Li metal, mol Li m⁻² */
  Li: number;
}

/** The composite cathode's make-up as supplied (before the nips), carried by the line to the produced cell. */
export interface CathodeComposite {
  /** materials-library ids */
  activeMaterialId: string;
  electrolyteId: string;
  /** volume fractions of the composite as supplied: active + electrolyte + conductive + binder + pores = 1 */
  volumeFractions: { active: number; electrolyte: number; conductive: number; binder: number; pores: number };
  /** active-material particle radius, m */
  particleRadius_m: number;
  /** surface coating of the active material (absent = none); handed on to the ProducedCell */
  coating?: 'none' | 'LiNbO3' | 'Nb2O5';
}

/** Operating conditions of a finished cell (not made by the line; from the recipe → SI step). */
export interface OperatingConditions {
  /** stack pressure on the cell, Pa */
  stackPressure_Pa: number;
  /** cell temperature, K */
  temperature_K: number;
}

/** One layer of the produced cell (final thickness), top (anode collector) to bottom (cathode side). */
export interface CellLayer {
  role: LayerRole;
  /** display name as in FIG. 1/2 of the seed */
  name: string;
  /** mechanical class (materials/mechanics.ts), or 'Li-Al' for the alloyed anode */
  material: string;
  /** m */
  thickness_m: number;
  /** void fraction 0..1 */
  porosity: number;
}

/**
 * THE produced cell: the one SI description of a cell the line makes, owned by process/ and consumed by
 * production (per cell), the electrochemical models (one mapping: electrochem/ssb/params.ts
 * `ssbParamsFromProducedCell`) and the battery. Every field is SI; amounts are per m² of cell face.
 */
export interface ProducedCell {
  /** cut cell area (one face), m² */
  area_m2: number;
  /** the layer stack, top (the 240 roll's side: Cu, or the Li layer when cu_facing_al) to bottom (cathode side), final thicknesses */
  layers: CellLayer[];
  /** Σ layer thicknesses, m */
  cellThickness_m: number;

  // ---- composite cathode after the nips
  /** m */
  cathodeThickness_m: number;
  /** void fraction after densification */
  cathodePorosity: number;
  /** volume fractions of the densified composite: active + electrolyte + carbon + binder + porosity = 1 */
  cathodeActiveFraction: number;
  cathodeElectrolyteFraction: number;
  cathodeCarbonFraction: number;
  cathodeBinderFraction: number;
  /** materials-library ids of the active material and of the composite's electrolyte */
  activeMaterialId: string;
  electrolyteId: string;
  /** active-material particle radius (recipe's particle_radius_um), m */
  cathodeParticleRadius_m: number;
  /**
   * surface coating of the active material (recipe `first_sheet.cathode.coating`; absent = none): decides
   * the cathode–electrolyte interphase the first charge forms (electrochem/ssb/params.ts ceiDefaults)
   */
  cathodeCoating?: 'none' | 'LiNbO3' | 'Nb2O5';
  /** cathode current collector (208): thickness, m (0 = none) and library id (null = none) */
  cathodeCollectorThickness_m: number;
  cathodeCollectorMaterialId: string | null;

  // ---- solid-electrolyte separator after the nips
  /** m */
  separatorThickness_m: number;
  /** void fraction */
  separatorPorosity: number;
  /** materials-library id of the separator's electrolyte */
  separatorElectrolyteId: string;

  // ---- prelithiated Li–Al anode (238) as it leaves the line (after dwell and storage)
  /** m (Σ phase amounts × molar volumes, plus pores) */
  anodeThickness_m: number;
  /** void fraction of the anode (0 for a dense alloy) */
  anodePorosity: number;
  /** Al atoms in the anode, mol m⁻² */
  anodeAl_mol_m2: number;
  /** elemental Li in the anode (alloyed + free metal; the Li-containing layer's li_wt_pct share), mol m⁻² */
  anodeLi_mol_m2: number;
  /** as-formed Li:Al molar ratio, anodeLi/anodeAl (0 when no Al) */
  liAlRatio: number;
  /** phase amounts (mol Al per phase, Li metal in mol Li) */
  anodePhases: PhaseAmounts;
  /** fraction of the anode's Al atoms per phase (α-Al counted as Al), summing to 1 */
  phaseFractions: { Al: number; LiAl: number; Li3Al2: number; Li9Al4: number };
  /** Li metal left unalloyed: mol m⁻² and the thickness it fills, m */
  freeLi_mol_m2: number;
  freeLi_m: number;
  /** Li above the α solubility (cyclable: β, Li-rich phases and free Li), mol m⁻² */
  liInventory_mol_m2: number;
  /** effective Li diffusivity of the anode at 25 °C, m² s⁻¹ */
  anodeD_m2_s: number;
  /** anode current collector (the conductive layer 234): thickness, m, and library id */
  anodeCollectorThickness_m: number;
  anodeCollectorMaterialId: string | null;

  // ---- line verdicts
  /** each station bonded its new interface */
  bonded: { '222'?: boolean; '236': boolean; '240': boolean };
  /** crack risk of the anode as made (sandwiched), 0–1 */
  crackRisk: number;
}

// ------------------------------------------------------------------------------------ typed line results (SI)

/** the force a target Al reduction needs at one station (claims 3–4 evidence), SI */
export interface ReductionForce {
  id: '236' | '240';
  /** target permanent reduction of the Al-containing layer, fraction */
  target: number;
  /** null when no force below the search limit reaches the target (see note) */
  force_N: number | null;
  lineLoad_N_per_m: number | null;
  note?: string;
}

/** One station's nip as the physics computed it (SI, no rounding, no prose). */
export interface StationResult {
  id: StationId;
  /** set points as applied to this cell */
  force_N: number;
  temperature_K: number;
  /** the nip: contact, pressures, and each layer in → out (layers carry their role) */
  roll: RollResult;
  bond: BondResult;
  /** the layers as they entered the nip (top roll first) */
  stack: readonly LayerInput[];
  /** permanent thickness reduction of the first composite sheet (electrolyte + cathode + collector) */
  firstSheetReduction: number;
  /** force for a 1 % Al reduction with this station's rolls (set by withJobEvidence, once per job) */
  alReduction?: ReductionForce;
}

/** The prelithiated anode as it leaves the line (after the nip, the dwell and storage). */
export interface AnodeResult {
  thickness_m: number;
  /** effective Li diffusivity at 25 °C, m² s⁻¹ (computed from the phases) */
  diffusivity_m2_s: number;
  /** time after the nip at which alloying completes, s (null: no alloying) */
  complete_s: number | null;
  freeLi_m: number;
  alFractions: { Al: number; LiAl: number; Li3Al2: number; Li9Al4: number };
  /** Li:Al delivered to the anode (null without Al) */
  liAlRatio: number | null;
  /** β growth extent 0..1, and the Li-rich conversion extent 0..1 */
  extent: number;
  liRichExtent: number;
  /** real-contact fraction of the Li/Al interface made in the nip */
  contactFraction: number;
  liInventory_mol_m2: number;
  li_mol_m2: number;
  al_mol_m2: number;
  peakTemperature_K: number;
  peakWhere: 'nip' | 'dwell' | 'roll';
  adiabaticRise_K: number;
  /** what-if peaks: everything after the nip in the open web / wound at once (null without alloying) */
  openWebPeak_K: number | null;
  woundPeak_K: number | null;
  /** heat released by the history, and by full conversion to equilibrium, J m⁻² */
  reactionHeat_J_m2: number;
  reactionHeatFull_J_m2: number;
  /** highest liquid fraction of the free Li in the nip */
  nipLiquidFraction: number;
  extentAfter: { where: 'nip' | 'dwell' | 'roll'; extent: number; temperature_K: number }[];
}

/** The whole line for one cell: typed SI results; src/present/line.ts turns them into the public block. */
export interface LineResult {
  stations: StationResult[];
  anode: AnodeResult;
  /** where the supplied atoms went (issue 14 item 1: conserved to 1e-9, never lost) */
  ledger: AtomLedger;
  crack: { sandwiched: CrackConfigResult; free_standing: CrackConfigResult };
  /** the crack model's input (SI), kept so assumption scans can re-run it without the line */
  crackInput: CrackInput;
  cell: ProducedCell;
  warnings: ProcessWarning[];
  /** job-level evidence for the claims (stations.ts withJobEvidence; absent on per-cell results) */
  evidence?: LineEvidence;
  /** the alloying history (null: no alloying) and the anode's phases with their molar volumes */
  alloy: AlloyResult | null;
  /**
   * the alloying history's input (alloying.ts alloyHistory's arguments; null: no alloying), kept so the job evidence
   * can re-run the history under other kinetics or thermal segments without the line
   */
  alloyInput: Parameters<AlloyHistoryFn> | null;
  anodePhases: { phase: string; n_mol_m2: number; Vm_m3_mol: number }[];
}

/**
 * Atom ledger of the line, per m² of the produced laminate unless stated: Li supplied by the third sheet
 * (its li_wt_pct share) = Li in the anode + Li rejected as liquid at the 240 inlet (to the web edges) + Li on
 * the roll side of a turned-over sheet, after the layer's elongation (supplied/elongation). Lateral extrusion
 * at the two web edges and the start-up entry bead are per metre of web length (they sit in the edge trim
 * and in front of the nip, not in the cells).
 */
export interface AtomLedger {
  li: {
    supplied_mol_m2: number;
    /** permanent elongation of the Li layer at 240 (1 when its stuck neighbours stay elastic) */
    elongation: number;
    anode_mol_m2: number;
    rejectedToEdges_mol_m2: number;
    onRollSide_mol_m2: number;
    /** width of each web-edge band the solid Li extrudes from, m */
    edgeBand_m: number;
    edgeExtrusion_mol_per_m: number;
    entryBead_mol_per_m: number;
  };
  al: { supplied_mol_m2: number; elongation: number; anode_mol_m2: number };
}

/** Evidence the claims cite, computed once per run (stations.ts `withJobEvidence`). */
export interface LineEvidence {
  /** force for a 1 % Al reduction at 236/240 over the friction coefficient */
  alReduction: (ReductionForce & { mu: number })[];
  /** web width below which the seed's 500 N reaches a 1 % Al reduction at μ = 0 (null: never) */
  narrowWeb: { id: '236' | '240'; webWidth_m: number | null }[];
  /** claim 2 (sandwiched cracks less) and claim 1 (an alloy forms) over their assumptions' ranges */
  claim2DependsOn: VerdictDependence[];
  alloyFormedDependsOn: VerdictDependence[];
}
