/**
 * Mechanical and thermal data for the roll-gap, bonding, alloying and cracking models (src/process/).
 * Every number is a `Prop` in SI with its unit and source; `assumption: true` marks an engineering
 * default without a primary source. The tables are data: `data/materials/mechanics.json`, read on
 * first use and checked (zod, through src/assets.ts: a Problem naming the file and field); the laws
 * stay here. "U" in a source means the value is recalled from the cited paper and was not re-read
 * (shared/data/li-al-ssb-datasheet.md tags); verify before it becomes a bar.
 *
 * Flow laws:
 *  - `creep`:      σ = σ_ref·(ε̇/ε̇_ref)^(1/n)·exp(Q/(nR)·(1/T − 1/T_ref))  (inverse of the power-law creep
 *                  law ε̇ = A·σⁿ·exp(−Q/RT); LePage et al., J. Electrochem. Soc. 166 (2019) A89,
 *                  doi:10.1149/2.0221902jes; Masias et al., J. Mater. Sci. 54 (2019) 2585). Above the melting
 *                  point the material is a Newtonian liquid of viscosity η.
 *  - `hollomon`:   σ = K·(ε₀ + ε)^n·(1 − T*^m), ε₀ = (σ_y/K)^(1/n), T* = (T − T_ref)/(T_m − T_ref): Hollomon's
 *                  law (Trans. AIME 162 (1945) 268) in Swift's pre-strained form (J. Mech. Phys. Solids 1 (1952) 1),
 *                  so a harder temper of the same alloy is the same curve further along (temper as prestrain,
 *                  assumption); thermal softening of Johnson & Cook, Proc. 7th Int. Symp. Ballistics (1983) 541.
 *  - `compaction`: particulate layer, Heckel law ln(1/(1 − D)) = K·p + A (Heckel, Trans. Metall. Soc. AIME 221
 *                  (1961) 671), written as porosity ε(p) = ε_green·exp(−p/P_y) with P_y = 1/K.
 *  - `brittle`:    elastic to fracture (intermetallics), characterised by K_Ic.
 */
import { z } from 'zod';
import type { Prop } from './library.ts';
import { checkedProp, propFields, propSchema } from './library.ts';
import { assetCheckedJson } from '../assets.ts';
import { problem } from '../problems.ts';

export type FlowLaw =
  | {
      readonly kind: 'creep';
      /** flow stress at ε̇_ref and T_ref, Pa */
      readonly sigmaRef: Prop;
      /** s⁻¹ */
      readonly strainRateRef: Prop;
      /** K */
      readonly temperatureRef: Prop;
      /** stress exponent */
      readonly n: Prop;
      /** activation energy, J mol⁻¹ */
      readonly Q: Prop;
      /** liquid viscosity above the melting point, Pa s */
      readonly liquidViscosity: Prop;
    }
  | {
      readonly kind: 'hollomon';
      /** initial yield stress, Pa */
      readonly yieldStress: Prop;
      /** strength coefficient, Pa */
      readonly K: Prop;
      /** strain-hardening exponent */
      readonly n: Prop;
      /** Johnson–Cook thermal-softening exponent m */
      readonly thermalSofteningM: Prop;
    }
  | {
      readonly kind: 'compaction';
      /** Heckel yield pressure P_y = 1/K, Pa */
      readonly heckelYieldPressure: Prop;
      /** typical as-made (green) porosity when the recipe gives none */
      readonly greenPorosity: Prop;
      /** porosity below which the compact behaves as dense (closed pores) */
      readonly minPorosity: Prop;
    }
  | {
      readonly kind: 'brittle';
      /** fracture strength, Pa (used only as a yield ceiling in the slab model) */
      readonly strength: Prop;
    };

export interface MechanicalProperties {
  readonly id: MechanicalId;
  readonly name: string;
  /** Young's modulus of the dense material, Pa */
  readonly youngsModulus: Prop;
  readonly poissonRatio: Prop;
  /** fully dense density, kg m⁻³ */
  readonly density: Prop;
  /** specific heat, J kg⁻¹ K⁻¹ */
  readonly specificHeat: Prop;
  /** linear thermal expansion coefficient, K⁻¹ */
  readonly thermalExpansion: Prop;
  /** melting / decomposition point, K */
  readonly meltingPoint: Prop;
  /** ultimate tensile strength (bond-strength ceiling), Pa */
  readonly tensileStrength: Prop;
  readonly flowLaw: FlowLaw;
  /** fracture toughness K_Ic, Pa m^½ (brittle phases) */
  readonly fractureToughness?: Prop;
}

/** the materials with mechanical data (the file holds exactly these, in this order) */
const MECHANICAL_ID_LIST = [
  'Li',
  'Al-O',
  'Al-H14',
  'Al-H18',
  'Al-particles',
  'Cu',
  'Ni',
  'SS',
  'LiAl',
  'Li3Al2',
  'Li9Al4',
  'sulfide-SE',
  'oxide-SE',
  'halide-SE',
  'polymer-SE',
  'cathode-composite',
  'roll-steel',
] as const;
export type MechanicalId = (typeof MECHANICAL_ID_LIST)[number];

// ------------------------------------------------------------------------------- Li–Al phase data
export type LiAlPhase = 'Al' | 'LiAl' | 'Li3Al2' | 'Li9Al4' | 'Li';

export interface PhaseData {
  /** Li atoms per Al atom (for 'Li' metal: per Li atom, x undefined) */
  readonly liPerAl: number;
  /** molar volume per Al atom (per Li atom for Li metal), m³ mol⁻¹ */
  readonly molarVolume: Prop;
  /** formation enthalpy per mol of atoms, J mol⁻¹ */
  readonly formationEnthalpyPerAtom: Prop;
  readonly density: Prop;
}

/** the packaged mechanical data (SI values, each with its unit and source) */
export const MECHANICS_DATA_FILE = 'materials/mechanics.json';

const flowLawSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('creep'),
    sigmaRef: propSchema,
    strainRateRef: propSchema,
    temperatureRef: propSchema,
    n: propSchema,
    Q: propSchema,
    liquidViscosity: propSchema,
  }),
  z.strictObject({
    kind: z.literal('hollomon'),
    yieldStress: propSchema,
    K: propSchema,
    n: propSchema,
    thermalSofteningM: propSchema,
  }),
  z.strictObject({
    kind: z.literal('compaction'),
    heckelYieldPressure: propSchema,
    greenPorosity: propSchema,
    minPorosity: propSchema,
  }),
  z.strictObject({ kind: z.literal('brittle'), strength: propSchema }),
]);
const mechanicalSchema = z.strictObject({
  id: z.enum(MECHANICAL_ID_LIST),
  name: z.string().min(1),
  youngsModulus: propSchema,
  poissonRatio: propSchema,
  density: propSchema,
  specificHeat: propSchema,
  thermalExpansion: propSchema,
  meltingPoint: propSchema,
  tensileStrength: propSchema,
  flowLaw: flowLawSchema,
  fractureToughness: propSchema.optional(),
});
const phaseSchema = z.strictObject({
  /** null: Li metal (per Li atom, no Li/Al ratio) */
  liPerAl: z.number().gte(0).nullable(),
  molarVolume: propSchema,
  formationEnthalpyPerAtom: propSchema,
  density: propSchema,
});
/** a constant with a primary source (no assumption) */
const sourcedSchema = checkedProp(propFields.omit({ assumption: true }));
const mechanicsFile = z.object({
  schema: z.literal('rollcell/material-mechanics@1'),
  source: z.string().min(1),
  note: z.string(),
  materials: z.array(mechanicalSchema).refine((ms) => ms.map((m) => m.id).join() === MECHANICAL_ID_LIST.join(), {
    message: `must hold each of ${MECHANICAL_ID_LIST.join(', ')} once, in this order`,
  }),
  phases: z.strictObject({
    Al: phaseSchema,
    LiAl: phaseSchema,
    Li3Al2: phaseSchema,
    Li9Al4: phaseSchema,
    Li: phaseSchema,
  }),
  constants: z.strictObject({
    alphaSolubilityLiPerAl: sourcedSchema,
    betaLiPoorEdgeLiPerAl: sourcedSchema,
    molarMassLi: sourcedSchema,
    molarMassAl: sourcedSchema,
  }),
});
type MechanicsFile = z.infer<typeof mechanicsFile>;

/** an object whose fields are read on first access (enumerable getters, each cached once read) */
function lazyFields<K extends string, V>(keys: readonly K[], get: (k: K) => V): Record<K, V> {
  const o = {} as Record<K, V>;
  for (const k of keys)
    Object.defineProperty(o, k, {
      enumerable: true,
      configurable: true,
      get: () => {
        const v = get(k);
        Object.defineProperty(o, k, { value: v, enumerable: true, writable: false, configurable: false });
        return v;
      },
    });
  return o;
}

let DATA: { file: MechanicsFile; byId: ReadonlyMap<string, MechanicalProperties> } | null = null;
/**
 * the file, read and checked on first use (not at import: start-up, issue 12); its entries as given (zod's
 * output would reorder their fields after its schema)
 */
function data(): { file: MechanicsFile; byId: ReadonlyMap<string, MechanicalProperties> } {
  if (!DATA) {
    const file = assetCheckedJson(mechanicsFile, MECHANICS_DATA_FILE) as MechanicsFile;
    const entries = file.materials as readonly MechanicalProperties[];
    DATA = { file, byId: new Map(entries.map((e) => [e.id, e])) };
  }
  return DATA;
}

/** the materials with mechanical data, in the file's order (which the file's check holds to this list) */
export const MECHANICAL_IDS: readonly MechanicalId[] = MECHANICAL_ID_LIST;

/** Typed lookup; throws a RangeError naming the id and the allowed ids. */
export function mechanicalProperties(id: string): MechanicalProperties {
  const m = data().byId.get(id);
  if (!m) throw problem('mechanics.id', 'unknown material id', `'${id}'`, String(MECHANICAL_IDS.join(', ')));
  return m;
}

/** Plane-strain flow stress k̄ = (2/√3)·σ (von Mises). */
export const PLANE_STRAIN_FACTOR = 2 / Math.sqrt(3);

/** Confined (oedometric) modulus M = E(1−ν)/((1+ν)(1−2ν)) — Winkler stiffness of a thin layer. */
export function confinedModulus(E: number, nu: number): number {
  return (E * (1 - nu)) / ((1 + nu) * (1 - 2 * nu));
}

/** Datasheet §2.1 (lattice, comp) and Dębski 2014 enthalpies (per Al atom; Li metal per Li atom, liPerAl NaN). */
export const LI_AL_PHASES: Readonly<Record<LiAlPhase, PhaseData>> = lazyFields(
  ['Al', 'LiAl', 'Li3Al2', 'Li9Al4', 'Li'] as const,
  (k) => {
    const v = data().file.phases[k];
    return { ...v, liPerAl: v.liPerAl ?? Number.NaN };
  },
);

/** a constant of the file: value, unit and source read on first use (the file's check: no assumption among them) */
const constant = (k: keyof MechanicsFile['constants']): Prop =>
  lazyFields(['value', 'unit', 'source'] as const, (f) => data().file.constants[k][f]) as Prop;

/** Li solubility limit in α-Al (Li/Al) and the Li-poor edge of β-LiAl. */
export const ALPHA_SOLUBILITY_LI_PER_AL: Prop = constant('alphaSolubilityLiPerAl');
export const BETA_LI_POOR_EDGE_LI_PER_AL: Prop = constant('betaLiPoorEdgeLiPerAl');
export const MOLAR_MASS_LI: Prop = constant('molarMassLi');
export const MOLAR_MASS_AL: Prop = constant('molarMassAl');
