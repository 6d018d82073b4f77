/**
 * SI parameter set of an all-solid-state cell: composite cathode | solid-electrolyte separator |
 * Li–Al anode (prelithiated in situ) on Cu, under stack pressure (US 2025/0266422 A1, claims 13–16, 19).
 *
 * Sources: DS = /work/shared/data/li-al-ssb-datasheet.md (section numbers given), CHEN = Chen et al.,
 * J. Electrochem. Soc. 167 (2020) 080534, doi:10.1149/1945-7111/ab9050. "assumption" marks values
 * without a primary source. Every value is SI.
 */
import { R, REFERENCE_TEMPERATURE_K } from '../../materials/constants.ts';
import { hours, kJPerMol, MPa } from '../../units/index.ts';
import { liAlElectrodeData } from '../../materials/ocp/li-al-data.ts';
import type { OperatingConditions, ProducedCell } from '../../process/types.ts';
import { problem } from '../../problems.ts';
import { assetChecked } from '../../assets.ts';
import { z } from 'zod';
import {
  ALL_MECHANISMS,
  defaultAgeingValues,
  type AgeingMechanisms,
  type AgeingValues,
  type AnodeMaterial,
} from './ageing-data.ts';

/** value(T) = ref·exp(−Ea/R·(1/T − 1/Tref)) */
export interface Arrhenius {
  readonly ref: number;
  readonly Ea_J_mol: number;
  readonly Tref_K: number;
}
export function arrhenius(a: Arrhenius, T_K: number): number {
  return a.ref * Math.exp((-a.Ea_J_mol / R) * (1 / T_K - 1 / a.Tref_K));
}
const arr = (ref: number, Ea_J_mol: number, Tref_K = REFERENCE_TEMPERATURE_K): Arrhenius => ({ ref, Ea_J_mol, Tref_K });

export interface CathodeParams {
  /** OCP id in materials/ocp (NCM811, NCM622, NCM111, NCA, LCO, LFP, LNMO) */
  readonly activeMaterial: string;
  readonly thickness_m: number;
  /** volume fractions of the composite (sum with porosity = 1) */
  readonly activeFraction: number;
  readonly electrolyteFraction: number;
  readonly carbonFraction: number;
  readonly binderFraction: number;
  readonly porosity: number;
  readonly particleRadius_m: number;
  /** Li site density of the active material (mol m⁻³) = ρ/M (1 Li per formula unit) */
  readonly cMax_mol_m3: number;
  readonly density_kg_m3: number;
  /** pristine (as-made) Li stoichiometry y = c/c_max */
  readonly yPristine: number;
  /** stoichiometry limits of the design window: lowest y at full charge is found from the cut-off */
  readonly yMinAllowed: number;
  /** Li diffusivity in the active material at mid-window stoichiometry (m² s⁻¹), see `DsVacancy` */
  readonly Ds: Arrhenius;
  /**
   * stoichiometry dependence of D_s for layered oxides (null: constant). Li hops in layered oxides by a
   * divacancy mechanism, so D_s falls as the square of the vacancy fraction when y → 1 (Van der Ven &
   * Ceder, Electrochem. Solid-State Lett. 3 (2000) 301, doi:10.1149/1.1391130, LixCoO2; the same
   * O3 layered framework holds for NCM): D_s(y) = D_s·f(y), f a smooth crossover from 1 (empty host)
   * to ∝ (1 − y)² below a vacancy fraction `width` and a `floor` (common.ts dsFactor). `floor`: a residual
   * non-divacancy hop (assumption, range 1e-3–3e-2). This is
   * the kinetic, recoverable first-cycle loss near full lithiation (Kasnatscheew et al., Phys. Chem.
   * Chem. Phys. 18 (2016) 3956, doi:10.1039/C5CP07718D; Robert & Novák, Chem. Mater. 30 (2018) 1907,
   * doi:10.1021/acs.chemmater.7b04934: NCA's first-cycle loss is slow Li diffusion near full lithiation,
   * regained by a deeper or slower discharge).
   */
  readonly DsVacancy: { readonly width: number; readonly floor: number } | null;
  /** exchange-current density at y = 0.5 per true contact area (A m⁻²): j0 = j0ref·2√(y(1−y)) */
  readonly j0: Arrhenius;
  /** specific resistance of the cathode|SE interphase per true contact area (Ω m²) */
  readonly interphaseResistance_ohm_m2: number;
  /** fraction of the geometric particle surface in ionic contact at pressureRef_Pa */
  readonly contactFractionRef: number;
  /**
   * tortuosity factor of the SE network in the composite: κ_eff = σ_SE·ε_SE/τ (MacMullin form). Measured
   * for sulfide composite cathodes, not Bruggeman's ε^0.5 (≈ 1.6 here) — see DEFAULTS.ionicTortuosity.
   */
  readonly ionicTortuosity: number;
  /** Bruggeman exponent for the electronic network (σ_eff = Σ σ_i·ε_i^b) */
  readonly bruggemanElectronic: number;
  /** intrinsic electronic conductivity of carbon additive and of the active material (S m⁻¹) */
  readonly carbonConductivity_S_m: number;
  readonly activeConductivity_S_m: number;
  /** the cathode–electrolyte interphase that the first charge forms (a Li sink, see CeiParams) */
  readonly cei: CeiParams;
  /** relative volume change of the active material between y = 1 and y = yRefVolume (negative = shrink) */
  readonly latticeVolumeChange: number;
  readonly yRefVolume: number;
}

/** surface coating of the cathode active material (recipe `first_sheet.cathode.coating`) */
export type CathodeCoating = 'none' | 'LiNbO3' | 'Nb2O5';
export const CATHODE_COATINGS: readonly CathodeCoating[] = ['none', 'LiNbO3', 'Nb2O5'];

/**
 * Cathode–electrolyte interphase (CEI): oxidative decomposition of the sulfide SE where it touches the
 * charged cathode. Its electrons leave through the cathode and are counted as charge; its Li⁺ leaves
 * the SE for the anode; the cathode's sites are not emptied by it, so that charge never comes back on
 * discharge (an irreversible first-cycle loss). The film passivates: the charge it can take is bounded
 * by qMax per m² of particle surface. Rate per m² of particle surface:
 *   dq/dt = k(T)·exp(α·F·(E − E_ref)/(R·T))·(q_max − q),  E: the cathode's OCP at its surface.
 */
export interface CeiParams {
  readonly coating: CathodeCoating;
  /** SE oxidation charge until the film passivates, per m² of geometric particle surface (C m⁻²) */
  readonly qMax_C_m2: number;
  /** rate constant at E_ref and 298.15 K (s⁻¹) */
  readonly k: Arrhenius;
  readonly ERef_V: number;
  readonly alpha: number;
}

export interface ElectrolyteParams {
  readonly id: string;
  /** bulk Li⁺ conductivity (S m⁻¹), transference number 1 */
  readonly sigma: Arrhenius;
  readonly density_kg_m3: number;
  readonly youngsModulus_Pa: number;
}

export interface SeparatorParams {
  readonly thickness_m: number;
  readonly porosity: number;
}

export interface AnodeParams {
  /** as-made thickness of the Li–Al layer (m) (for reference; the thickness model uses molar volumes) */
  readonly thickness_m: number;
  readonly al_mol_m2: number;
  /** all Li in the anode after prelithiation (alloyed + free metal), mol m⁻² */
  readonly li_mol_m2: number;
  /** Li chemical diffusivity in the alloy (m² s⁻¹) */
  readonly D: Arrhenius;
  /** exchange-current density at the anode|SE interface (A m⁻² of contact) */
  readonly j0: Arrhenius;
  readonly interphaseResistance_ohm_m2: number;
  /** fraction of the anode|SE geometric area in contact at pressureRef_Pa */
  readonly contactFractionRef: number;
  readonly hysteresis_V: number;
  /** Al-atom fractions by phase after prelithiation (reported, informs the initial x profile) */
  readonly phaseFractions: {
    readonly Al: number;
    readonly LiAl: number;
    readonly Li3Al2: number;
    readonly Li9Al4: number;
  };
  readonly freeLi_m: number;
  readonly youngsModulus_Pa: number;
  /**
   * fraction of the volume the alloy gives up on delithiation that stays as pores under the stack
   * pressure (Eq. 1's residual porosity after dealloying); assumption, see DEFAULTS.anodeVoidRetention
   */
  readonly voidRetention: number;
}

export interface ContactParams {
  /** reference pressure of the contact fractions (Pa) */
  readonly pressureRef_Pa: number;
  /** A_contact ∝ P^n, R_int ∝ P^(−n): n = 0.5 (arXiv:2501.00600, DS §4.3) */
  readonly exponent: number;
}

export interface CollectorParams {
  readonly cathodeCollectorThickness_m: number;
  readonly anodeCollectorThickness_m: number;
  /** lumped contact + collector ohmic resistance (Ω m²) */
  readonly contactResistance_ohm_m2: number;
  readonly youngsModulus_Pa: number;
}

/**
 * Ageing (issue 16): which mechanisms run and their parameter values (SI), by id of
 * data/ageing/mechanisms.json (values, ranges, sources); the laws are in ageing.ts.
 */
export interface AgeingParams {
  readonly mechanisms: AgeingMechanisms;
  readonly values: AgeingValues;
  /**
   * the anode material the void law and the anode's breathing strain are for (data/ageing/anodes.json);
   * absent: Li–Al, the anode the line makes (the cell model's own anode; another material changes only
   * the ageing laws, for the published cells of data/ageing/datasets.json)
   */
  readonly anodeMaterial?: AnodeMaterial;
}

export interface SsbCellParams {
  readonly area_m2: number;
  readonly temperature_K: number;
  readonly stackPressure_Pa: number;
  /** voltage window for the design capacity (V) */
  readonly vMin_V: number;
  readonly vMax_V: number;
  readonly cathode: CathodeParams;
  readonly electrolyte: ElectrolyteParams;
  readonly separator: SeparatorParams;
  readonly anode: AnodeParams;
  readonly contact: ContactParams;
  readonly collectors: CollectorParams;
  readonly ageing: AgeingParams;
}

// -------------------------------------------------------------------------------- material data
export interface PropLike {
  readonly value: number;
}
/** the subset of a materials-library entry this module reads (structurally matches src/materials Material) */
export interface MaterialLike {
  readonly id?: string;
  readonly density: PropLike;
  readonly molarMass?: PropLike;
  readonly ionicConductivity?: PropLike;
  readonly ionicActivationEnergy?: PropLike;
  readonly electronicConductivity?: PropLike;
  readonly liDiffusivity?: PropLike;
  readonly latticeVolumeChange?: PropLike;
  readonly youngsModulus?: PropLike;
}
/** lookup by id, e.g. `getMaterial` from src/materials/library.ts; throws or returns undefined on unknown ids */
export type MaterialLookup = (id: string) => MaterialLike | undefined;

interface CathodeDefaults {
  density: number; // kg m⁻³
  molarMass: number; // kg mol⁻¹
  radius: number; // m
  Ds: Arrhenius;
  j0: Arrhenius;
  volumeChange: number;
  yRefVolume: number;
  yMin: number;
  source: string;
}
/** the per-cathode defaults (data/materials/ssb-cathodes.json, sources there), read and checked once */
export const SSB_CATHODES_FILE = 'materials/ssb-cathodes.json';
const cathodeFile = z.object({
  source: z.string().min(1),
  note: z.string(),
  cathodes: z.record(
    z.string(),
    z.strictObject({
      density_kg_m3: z.number().gt(0),
      molarMass_kg_mol: z.number().gt(0),
      radius_m: z.number().gt(0),
      Ds_m2_s: z.number().gt(0),
      Ds_Ea_J_mol: z.number().gte(0),
      j0_A_m2: z.number().gt(0),
      j0_Ea_J_mol: z.number().gte(0),
      volumeChange: z.number(),
      yRefVolume: z.number().gte(0).lte(1),
      yMin: z.number().gte(0).lte(1),
      source: z.string().min(1),
    }),
  ),
});
let cathodeTable: Readonly<Record<string, CathodeDefaults>> | undefined;
function cathodes(): Readonly<Record<string, CathodeDefaults>> {
  if (!cathodeTable) {
    const data = assetChecked(cathodeFile, SSB_CATHODES_FILE);
    const t: Record<string, CathodeDefaults> = {};
    for (const [id, c] of Object.entries(data.cathodes))
      t[id] = {
        density: c.density_kg_m3,
        molarMass: c.molarMass_kg_mol,
        radius: c.radius_m,
        Ds: arr(c.Ds_m2_s, c.Ds_Ea_J_mol),
        j0: arr(c.j0_A_m2, c.j0_Ea_J_mol),
        volumeChange: c.volumeChange,
        yRefVolume: c.yRefVolume,
        yMin: c.yMin,
        source: c.source,
      };
    cathodeTable = Object.freeze(t);
  }
  return cathodeTable;
}
/** layered oxides (O3 framework): divacancy Li diffusion, D_s(y) falls near full lithiation */
const LAYERED_OXIDES = new Set(['NCM811', 'NCM622', 'NCM111', 'NCA', 'LCO']);
const CATHODE_ALIAS: Record<string, string> = {
  NMC811: 'NCM811',
  NMC622: 'NCM622',
  NMC111: 'NCM111',
  'SC-NCM83': 'NCM811',
  NCM83: 'NCM811',
};
function cathodeDefaults(id: string, path: string): CathodeDefaults {
  const table = cathodes();
  const d = table[id] ?? table[CATHODE_ALIAS[id] ?? ''];
  if (!d)
    throw problem(
      path,
      'unknown cathode active material',
      String(JSON.stringify(id)),
      String(Object.keys(table).join(', ')),
    );
  return d;
}
export function canonicalCathodeId(id: string): string {
  return cathodes()[id] ? id : (CATHODE_ALIAS[id] ?? id);
}

/**
 * Li6PS5Cl: σ = 0.2 S m⁻¹ (2 mS cm⁻¹, DS §4.2 range 1–4, cold-pressed RT), Ea = 0.35 eV = 33.8 kJ mol⁻¹
 * (DS §4.2, Kraft et al. JACS 140 (2018) 16330, U), ρ = 1865 kg m⁻³ (DS §4.2, C4), E = 22 GPa (Sakuda
 * et al., Sci. Rep. 3 (2013) 2261, U).
 */
const LPSCL: ElectrolyteParams = {
  id: 'Li6PS5Cl',
  sigma: arr(0.2, 33.8e3),
  density_kg_m3: 1865,
  youngsModulus_Pa: 22e9,
};

/** Molar volumes (m³ per mol Al or Li), DS §2.1 (comp from lattice constants). */
export const MOLAR_VOLUME = {
  Al: 9.997e-6,
  Li: 12.998e-6,
  LiAl: 19.46e-6,
  Li3Al2: 25.19e-6,
  Li9Al4: 33.55e-6,
} as const;

let defaultAgeingParams: AgeingParams | undefined;
/**
 * every ageing mechanism on, at the nominal values of data/ageing/mechanisms.json (sources there): the file is
 * read and checked on first use, once per thread — importing this module reads no file, and a damaged file is
 * a Problem naming it and its field where the parameters are first asked for
 */
export function defaultAgeing(): AgeingParams {
  return (defaultAgeingParams ??= { mechanisms: ALL_MECHANISMS, values: defaultAgeingValues() });
}

/**
 * CEI of an uncoated layered oxide against a thiophosphate SE. qMax: CALIBRATED to one published gap —
 * Jangid et al., Nat. Commun. 15 (2024) 10233, doi:10.1038/s41467-024-54331-w (abstract, read in the
 * PMC copy, V): initial CE 82.2 ± 0.3 % uncoated vs 91.6 ± 0.5 % with a ~5 nm Nb2O5 coating
 * (single-crystal NCM532, Li4Ti5O12 anode). With the kinetic loss common to both, the uncoated cell's
 * extra charge is 0.916/0.822 − 1 = 11.4 % of the cathode's delithiation charge (comp); at ≈ 230 mAh/g
 * to high voltage (assumption) that is 94 C/g, and over the particle surface of a single crystal of
 * R ≈ 2 µm (3/(R·ρ) = 0.32 m²/g, assumption) q_max ≈ 290 C m⁻² (≈ 80 nm of Li6PS5Cl oxidised at
 * 5 e⁻ per formula unit, comp). Range 150–600 C m⁻² (the assumed radius and charge capacity).
 * Coated particles: no CEI on first charge (Stavola et al., DS §4.3, V: "if a stabilizing coating is
 * applied to the NMC, it delivers full capacity during initial charge"; Jangid: the coating removes
 * the gap) — q_max = 0. Rate: k = 1/3600 s⁻¹ at E_ref = 3.9 V vs Li, α = 0.5, Ea 50 kJ mol⁻¹ —
 * assumptions that only place the loss within the first charge (it saturates above ≈ 4.0 V).
 */
export function ceiDefaults(coating: CathodeCoating): CeiParams {
  return {
    coating,
    qMax_C_m2: coating === 'none' ? 290 : 0,
    k: arr(1 / hours(1), kJPerMol(50)),
    ERef_V: 3.9,
    alpha: 0.5,
  };
}
export const CEI_QMAX_RANGE_C_M2: readonly [number, number] = [150, 600];

/** the other defaults not tied to a material */
const DEFAULTS = {
  contactFractionCathode: 1 / 7.5, // Stavola et al. (DS §4.3): active area 7.5× below geometric (meas/V)
  contactFractionAnode: 1.0, // P5: 5 MPa adequate for Li|Li6PS5Cl (assumption: full contact at 5 MPa)
  pressureRef_Pa: 5e6, // assumption: reference pressure of the contact fractions
  contactExponent: 0.5, // arXiv:2501.00600 (DS §4.3): R_int ∝ P^−0.5
  interphaseCathode_ohm_m2: 1e-3, // 10 Ω cm² per true area (assumption; Koerver 2017 order of magnitude)
  interphaseAnode_ohm_m2: 2e-4, // 2 Ω cm² (assumption)
  j0Anode: arr(30, 30e3), // 3 mA cm⁻² (DS §4.3 "~1–10 mA cm⁻²", assump), Ea assumption
  anodeD: arr(1e-13, 40e3), // 1e-9 cm² s⁻¹ (DS §2.3 working value, assump); Ea 40 kJ mol⁻¹ assumption
  // separator: a dense SE layer with dispersed pores — Bruggeman's effective medium for insulating
  // spherical inclusions, κ = σ·(1 − φ)^1.5 (D. A. G. Bruggeman, Ann. Phys. 416 (1935) 636)
  bruggemanSeparator: 1.5,
  bruggemanElectronic: 1.5, // carbon/active-material network (assumption, same form)
  // Ionic tortuosity factor of NCM–Li6PS5Cl composite cathodes, κ_eff = σ·ε_SE/τ: measured values lie
  // far above Bruggeman's ε^(−0.5) ≈ 1.6 — Minnmann et al., J. Electrochem. Soc. 168 (2021) 040537,
  // doi:10.1149/1945-7111/abf8d7 (NCM–Li6PS5Cl composites, EIS/TLM: τ ≈ 3–12, rising with the active
  // fraction; recalled, not re-read — U); Ketter et al., Nat. Commun. 16 (2025), doi:10.1038/s41467-025-56514-5
  // (Fig. 3d: κ_eff of NCM83–Li6PS5Cl falls steeply with NCM fraction; read: trend, V). Default 6, range 3–12.
  ionicTortuosity: 6,
  ionicTortuosityRange: [3, 12] as const,
  // As-made stoichiometry of the oxide: every Li site filled but a vacancy fraction 1e-4 (assumption,
  // range 1e-5–1e-3: Li/TM of synthesis ≈ 1 and a few % Ni on Li sites block rather than vacate sites).
  // A fully filled lattice (y = 1) would put the lattice-gas OCP at −∞; y_pristine = 0.9999 gives an
  // as-made OCV of ≈ 3.37 V vs Li for NCM811, as fresh Li|NCM half cells show (≈ 3.2–3.5 V).
  yPristine: 1 - 1e-4,
  // divacancy D_s(y) of layered oxides (see CathodeParams.DsVacancy): D_s is CHEN's constant-D fit over
  // the middle of the window; the (1 − y)² law takes over below a vacancy fraction of 0.25 (assumption,
  // range 0.15–0.5), floor 1e-2 (assumption, range 1e-3–3e-2): D falls ≈ 6× from mid window to y = 0.9
  // and ≈ 17× to 0.95 — the order of the drop GITT shows for Ni-rich NCM towards the end of discharge
  // (general literature, U). With CHEN's D_s it puts the recipe cell's kinetic first-cycle loss at ≈ 8 %
  // (coated CE 0.92 vs Jangid 2024's 0.916 — a consequence, not a fit).
  dsVacancy: { width: 0.25, floor: 1e-2 },
  carbonConductivity_S_m: 1e3, // materials library carbon_black (assumption)
  activeConductivity_S_m: 1e-3, // materials library NCM811 (assumption)
  contactResistance_ohm_m2: 1e-4, // 1 Ω cm² lumped collector contact (assumption)
  collectorModulus_Pa: 70e9, // Al/Cu foil ~70 GPa (library)
  anodeModulus_Pa: 70e9, // DS §2.5 placeholder for LiAl (assumption)
  // Residual porosity after dealloying: delithiated alloy anodes keep pores where the Li left (dealloying
  // porosity of Li–M alloys, e.g. nanoporous Si/Sn/Al after delithiation); under 1–10 MPa the β-LiAl
  // skeleton does not creep shut within a cycle. Fraction of the released volume kept: 0.1 (assumption,
  // range 0–0.3; no measurement for Li–Al under stack pressure was found).
  anodeVoidRetention: 0.1,
  temperature_K: REFERENCE_TEMPERATURE_K,
  stackPressure_Pa: 5e6, // claim 15 window 1–10 MPa
  vMin_V: 3.0, // [0178]
  vMax_V: 4.3, // [0178]: 4.25–4.4 V
} as const;

// -------------------------------------------------------------------------------- produced cell
// The cell the line makes is process/'s one SI `ProducedCell` (src/process/types.ts, every field documented
// there); the cell's operating conditions (stack pressure, temperature) come with it from the recipe → SI
// step (`operatingConditions` in src/process/from-recipe.ts). This module maps the two into model
// parameters in ONE place, `ssbParamsFromProducedCell`.

function positive(path: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw problem(path, 'must be > 0', String(v), '> 0');
}
function fraction(path: string, v: number): void {
  if (!(Number.isFinite(v) && v >= 0 && v <= 1)) throw problem(path, 'must be in [0, 1]', String(v), '0..1');
}

export function validateProducedCell(c: ProducedCell, conditions: OperatingConditions): void {
  positive('cell.area_m2', c.area_m2);
  positive('cell.cathodeThickness_m', c.cathodeThickness_m);
  positive('cell.separatorThickness_m', c.separatorThickness_m);
  positive('cell.anodeThickness_m', c.anodeThickness_m);
  for (const k of [
    'cathodeActiveFraction',
    'cathodeElectrolyteFraction',
    'cathodeCarbonFraction',
    'cathodeBinderFraction',
    'cathodePorosity',
  ] as const) {
    fraction(`cell.${k}`, c[k]);
  }
  const sum =
    c.cathodeActiveFraction +
    c.cathodeElectrolyteFraction +
    c.cathodeCarbonFraction +
    c.cathodeBinderFraction +
    c.cathodePorosity;
  if (Math.abs(sum - 1) > 1e-6)
    throw problem('cell.cathode volume fractions', 'must sum to 1', String(sum), '1 ± 1e-6');
  positive('cell.cathodeActiveFraction', c.cathodeActiveFraction);
  positive('cell.cathodeElectrolyteFraction', c.cathodeElectrolyteFraction);
  positive('cell.anodeAl_mol_m2', c.anodeAl_mol_m2);
  positive('cell.cathodeParticleRadius_m', c.cathodeParticleRadius_m);
  if (!(Number.isFinite(c.separatorPorosity) && c.separatorPorosity >= 0 && c.separatorPorosity < 1))
    throw problem('cell.separatorPorosity', 'must be in [0, 1)', String(c.separatorPorosity), '0 ≤ φ < 1');
  if (c.cathodeCoating !== undefined && !CATHODE_COATINGS.includes(c.cathodeCoating))
    throw problem(
      'cell.cathodeCoating',
      'unknown coating',
      JSON.stringify(c.cathodeCoating),
      CATHODE_COATINGS.join(', '),
    );
  if (!(c.anodeLi_mol_m2 >= 0)) throw problem('cell.anodeLi_mol_m2', 'must be ≥ 0', String(c.anodeLi_mol_m2), '≥ 0');
  positive('cell.anodeD_m2_s', c.anodeD_m2_s);
  positive('conditions.stackPressure_Pa', conditions.stackPressure_Pa);
  positive('conditions.temperature_K', conditions.temperature_K);
  if (!(c.freeLi_m >= 0)) throw problem('cell.freeLi_m', 'must be ≥ 0', String(c.freeLi_m), '≥ 0');
}

/**
 * THE mapping from a produced cell (process/types.ts `ProducedCell`, SI) and its operating conditions to
 * the solid-state model parameters. Field by field:
 *  - area, cathode thickness/porosity/volume fractions, separator thickness, anode thickness, Al and Li
 *    amounts (the line's anodeLi_mol_m2 already holds only the elemental Li share), phase fractions,
 *    free Li and the anode D (its Arrhenius reference at the cell temperature) are taken as they are;
 *  - the cathode's library id selects the per-cathode defaults below; `materials` (optional) overrides
 *    densities, conductivities and diffusivities with the materials library's values;
 *  - the particle radius and the separator porosity are the line's (the recipe's radius; the separator's
 *    porosity after the nips); the coating selects the CEI (ceiDefaults);
 *  - collectors are the produced ones: a thickness of 0 means the cell has none (Eq. 1's A is the sum of
 *    the produced layers);
 *  - stack pressure and temperature come from `conditions`.
 */
export function ssbParamsFromProducedCell(
  cell: ProducedCell,
  conditions: OperatingConditions,
  materials?: MaterialLookup,
): SsbCellParams {
  validateProducedCell(cell, conditions);
  const amId = canonicalCathodeId(cell.activeMaterialId);
  const cd = cathodeDefaults(amId, 'cell.activeMaterialId');
  const look = (id: string): MaterialLike | undefined => {
    if (!materials) return undefined;
    try {
      return materials(id);
    } catch {
      return undefined;
    }
  };
  const am = look(amId);
  const density = am?.density.value ?? cd.density;
  const molarMass = am?.molarMass?.value ?? cd.molarMass;
  const se = look(cell.electrolyteId);
  if (!se && cell.electrolyteId !== 'Li6PS5Cl') {
    throw problem(
      'cell.electrolyteId',
      materials ? 'not in the materials library' : 'no data without a materials library',
      JSON.stringify(cell.electrolyteId),
      materials ? 'a solid electrolyte id of the library' : 'Li6PS5Cl or pass materials',
    );
  }
  if (se && !se.ionicConductivity) {
    throw problem(
      'cell.electrolyteId',
      'material has no ionic conductivity',
      String(JSON.stringify(cell.electrolyteId)),
      'a solid electrolyte',
    );
  }
  const electrolyte: ElectrolyteParams = se
    ? {
        id: cell.electrolyteId,
        sigma: arr(
          se.ionicConductivity?.value ?? LPSCL.sigma.ref,
          se.ionicActivationEnergy?.value ?? LPSCL.sigma.Ea_J_mol,
        ),
        density_kg_m3: se.density.value,
        youngsModulus_Pa: se.youngsModulus?.value ?? LPSCL.youngsModulus_Pa,
      }
    : LPSCL;
  const carbon = look('carbon_black');
  return {
    area_m2: cell.area_m2,
    temperature_K: conditions.temperature_K,
    stackPressure_Pa: conditions.stackPressure_Pa,
    vMin_V: DEFAULTS.vMin_V,
    vMax_V: DEFAULTS.vMax_V,
    cathode: {
      activeMaterial: amId,
      thickness_m: cell.cathodeThickness_m,
      activeFraction: cell.cathodeActiveFraction,
      electrolyteFraction: cell.cathodeElectrolyteFraction,
      carbonFraction: cell.cathodeCarbonFraction,
      binderFraction: cell.cathodeBinderFraction,
      porosity: cell.cathodePorosity,
      // the recipe's particle radius, as the line hands it over
      particleRadius_m: cell.cathodeParticleRadius_m,
      cMax_mol_m3: density / molarMass,
      density_kg_m3: density,
      yPristine: DEFAULTS.yPristine,
      yMinAllowed: cd.yMin,
      Ds: am?.liDiffusivity ? arr(am.liDiffusivity.value, cd.Ds.Ea_J_mol) : cd.Ds,
      DsVacancy: LAYERED_OXIDES.has(amId) ? DEFAULTS.dsVacancy : null,
      j0: cd.j0,
      interphaseResistance_ohm_m2: DEFAULTS.interphaseCathode_ohm_m2,
      contactFractionRef: DEFAULTS.contactFractionCathode,
      ionicTortuosity: DEFAULTS.ionicTortuosity,
      bruggemanElectronic: DEFAULTS.bruggemanElectronic,
      carbonConductivity_S_m: carbon?.electronicConductivity?.value ?? DEFAULTS.carbonConductivity_S_m,
      activeConductivity_S_m: am?.electronicConductivity?.value ?? DEFAULTS.activeConductivity_S_m,
      cei: ceiDefaults(cell.cathodeCoating ?? 'none'),
      latticeVolumeChange: am?.latticeVolumeChange?.value ?? cd.volumeChange,
      yRefVolume: cd.yRefVolume,
    },
    electrolyte,
    // the separator's residual porosity after the nips, as the line reports it
    separator: { thickness_m: cell.separatorThickness_m, porosity: cell.separatorPorosity },
    anode: {
      thickness_m: cell.anodeThickness_m,
      al_mol_m2: cell.anodeAl_mol_m2,
      li_mol_m2: cell.anodeLi_mol_m2,
      D: arr(cell.anodeD_m2_s, DEFAULTS.anodeD.Ea_J_mol, conditions.temperature_K),
      j0: DEFAULTS.j0Anode,
      interphaseResistance_ohm_m2: DEFAULTS.interphaseAnode_ohm_m2,
      contactFractionRef: DEFAULTS.contactFractionAnode,
      // the material's published lithiation/delithiation hysteresis (materials/ocp/li-al-data.ts)
      hysteresis_V: liAlElectrodeData(conditions.temperature_K).hysteresis_V,
      phaseFractions: cell.phaseFractions,
      freeLi_m: cell.freeLi_m,
      youngsModulus_Pa: DEFAULTS.anodeModulus_Pa,
      voidRetention: DEFAULTS.anodeVoidRetention,
    },
    contact: { pressureRef_Pa: DEFAULTS.pressureRef_Pa, exponent: DEFAULTS.contactExponent },
    collectors: {
      // the produced layers only: a collector the line did not put on the cell (0) is not there (Eq. 1's A)
      cathodeCollectorThickness_m: cell.cathodeCollectorThickness_m,
      anodeCollectorThickness_m: cell.anodeCollectorThickness_m,
      contactResistance_ohm_m2: DEFAULTS.contactResistance_ohm_m2,
      youngsModulus_Pa: DEFAULTS.collectorModulus_Pa,
    },
    ageing: defaultAgeing(),
  };
}

/** Cathode composite fractions from weight fractions and densities (kg m⁻³), with a given porosity. */
export function volumeFractionsFromWeights(
  w: { active: number; electrolyte: number; carbon: number; binder: number },
  rho: { active: number; electrolyte: number; carbon: number; binder: number },
  porosity: number,
): { active: number; electrolyte: number; carbon: number; binder: number; porosity: number } {
  const va = w.active / rho.active;
  const ve = w.electrolyte / rho.electrolyte;
  const vc = w.carbon / rho.carbon;
  const vb = w.binder / rho.binder;
  const s = (va + ve + vc + vb) / (1 - porosity);
  return { active: va / s, electrolyte: ve / s, carbon: vc / s, binder: vb / s, porosity };
}

/**
 * A representative cell inside the seed's claim windows (the patent gives no worked numeric example —
 * every number below is an assumption within its ranges): NCM811 / Li6PS5Cl / carbon black / PVDF
 * = 75 / 20 / 3 / 2 wt % ([0058]–[0063] ranges), 10 % porosity, 60 µm cathode; 30 µm Li6PS5Cl separator
 * ([0170]: 30–50 µm); anode from 10 µm Al + 13 µm Li foil → β-LiAl with Li/Al ≈ 1.0 plus a small excess
 * of free Li (x = 1.05) — prelithiated "in situ" ([0016]: 10–100 µm anode); 10 µm Cu; 1 cm²; 5 MPa (claim 15).
 */
export function patentExampleCell(): ProducedCell {
  const vf = volumeFractionsFromWeights(
    { active: 0.75, electrolyte: 0.2, carbon: 0.03, binder: 0.02 },
    { active: 4780, electrolyte: 1865, carbon: 1900, binder: 1780 },
    0.1,
  );
  const alThickness = 10e-6;
  const al = alThickness / MOLAR_VOLUME.Al; // mol m⁻²
  const li = 1.05 * al;
  const freeLi = 0.05 * al;
  const anodeThickness_m = al * MOLAR_VOLUME.LiAl + freeLi * MOLAR_VOLUME.Li;
  const layers: ProducedCell['layers'] = [
    { role: 'conductor', name: 'conductive layer (234)', material: 'Cu', thickness_m: 10e-6, porosity: 0 },
    { role: 'anode', name: 'anode', material: 'Li-Al', thickness_m: anodeThickness_m, porosity: 0 },
    {
      role: 'electrolyte',
      name: 'solid electrolyte layer (206)',
      material: 'sulfide-SE',
      thickness_m: 30e-6,
      porosity: 0.05,
    },
    {
      role: 'cathode',
      name: 'cathode layer (202)',
      material: 'cathode-composite',
      thickness_m: 60e-6,
      porosity: vf.porosity,
    },
  ];
  return {
    area_m2: 1e-4,
    layers,
    cellThickness_m: layers.reduce((t, l) => t + l.thickness_m, 0),
    cathodeThickness_m: 60e-6,
    cathodePorosity: vf.porosity,
    cathodeActiveFraction: vf.active,
    cathodeElectrolyteFraction: vf.electrolyte,
    cathodeCarbonFraction: vf.carbon,
    cathodeBinderFraction: vf.binder,
    activeMaterialId: 'NCM811',
    electrolyteId: 'Li6PS5Cl',
    cathodeParticleRadius_m: 5.22e-6, // CHEN (LG M50 NMC811)
    cathodeCollectorThickness_m: 0,
    cathodeCollectorMaterialId: null,
    separatorThickness_m: 30e-6,
    separatorPorosity: 0.05,
    separatorElectrolyteId: 'Li6PS5Cl',
    anodeThickness_m,
    anodePorosity: 0,
    anodeAl_mol_m2: al,
    anodeLi_mol_m2: li,
    liAlRatio: li / al,
    anodePhases: { Al: 0, alpha: 0, xAlpha: 0, LiAl: al, xBeta: 1, Li3Al2: 0, Li9Al4: 0, Li: freeLi },
    phaseFractions: { Al: 0, LiAl: 1, Li3Al2: 0, Li9Al4: 0 },
    freeLi_mol_m2: freeLi,
    freeLi_m: freeLi * MOLAR_VOLUME.Li,
    liInventory_mol_m2: li,
    anodeD_m2_s: 1e-13,
    anodeCollectorThickness_m: 10e-6,
    anodeCollectorMaterialId: 'Cu',
    bonded: { '236': true, '240': true },
    crackRisk: 0,
  };
}

/** the patent example's operating conditions: 5 MPa (claim 15), 25 °C */
export function patentExampleConditions(): OperatingConditions {
  return { stackPressure_Pa: MPa(5), temperature_K: REFERENCE_TEMPERATURE_K };
}

export function patentExampleParams(): SsbCellParams {
  return ssbParamsFromProducedCell(patentExampleCell(), patentExampleConditions());
}

/** a copy of params with some fields replaced (deep for the first level of sub-objects) */
export function withParams(
  p: SsbCellParams,
  patch: {
    [K in keyof SsbCellParams]?: SsbCellParams[K] extends object ? Partial<SsbCellParams[K]> : SsbCellParams[K];
  },
): SsbCellParams {
  const out: Record<string, unknown> = { ...p };
  for (const [k, v] of Object.entries(patch)) {
    const cur = (p as unknown as Record<string, unknown>)[k];
    out[k] = cur !== null && typeof cur === 'object' && v !== null && typeof v === 'object' ? { ...cur, ...v } : v;
  }
  return out as unknown as SsbCellParams;
}

// -------------------------------------------------------------------------------- derived quantities
export interface Derived {
  readonly T: number;
  readonly kappaEff: number; // S m⁻¹ composite ionic
  readonly sigmaEff: number; // S m⁻¹ composite electronic
  readonly kappaSep: number;
  readonly Ds: number;
  readonly Da: number;
  readonly j0c: number; // A m⁻² (true contact area) at y=0.5
  readonly j0a: number;
  /** reaction area per composite volume, in contact (m⁻¹) */
  readonly aCath: number;
  /** contact fraction of the anode interface */
  readonly fAnode: number;
  readonly Rc: number; // Ω m² per true contact area
  readonly Ra: number; // Ω m² per anode contact area
  readonly Rcc: number;
  readonly cathodeCapacityPerY_C: number; // C per unit Δy over the whole cell area
  readonly cathodeLi_mol_perY: number;
}

export function contactFactor(p: SsbCellParams): number {
  return Math.pow(p.stackPressure_Pa / p.contact.pressureRef_Pa, p.contact.exponent);
}

export function derive(
  p: SsbCellParams,
  state?: { contactRetention?: number; extraRc?: number; anodeContactRetention?: number },
): Derived {
  const T = p.temperature_K;
  const c = p.cathode;
  const sigmaSE = arrhenius(p.electrolyte.sigma, T);
  const kappaEff = (sigmaSE * c.electrolyteFraction) / c.ionicTortuosity;
  const sigmaEff =
    c.carbonConductivity_S_m * Math.pow(c.carbonFraction, c.bruggemanElectronic) +
    c.activeConductivity_S_m * Math.pow(c.activeFraction, c.bruggemanElectronic);
  const kappaSep = sigmaSE * Math.pow(1 - p.separator.porosity, DEFAULTS.bruggemanSeparator);
  const g = contactFactor(p);
  const fc = Math.min(1, c.contactFractionRef * g) * (state?.contactRetention ?? 1);
  const fa = Math.min(1, p.anode.contactFractionRef * g) * (state?.anodeContactRetention ?? 1);
  const aCath = ((3 * c.activeFraction) / c.particleRadius_m) * fc;
  const cathodeLi_mol_perY = c.activeFraction * c.thickness_m * p.area_m2 * c.cMax_mol_m3;
  return {
    T,
    kappaEff,
    sigmaEff,
    kappaSep,
    Ds: arrhenius(c.Ds, T),
    Da: arrhenius(p.anode.D, T),
    j0c: arrhenius(c.j0, T),
    j0a: arrhenius(p.anode.j0, T),
    aCath,
    fAnode: fa,
    Rc: c.interphaseResistance_ohm_m2 + (state?.extraRc ?? 0),
    Ra: p.anode.interphaseResistance_ohm_m2,
    Rcc: p.collectors.contactResistance_ohm_m2,
    cathodeCapacityPerY_C: cathodeLi_mol_perY * 96485.33212,
    cathodeLi_mol_perY,
  };
}
