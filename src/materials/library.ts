/**
 * rollcell's material library: every material the seed names for the cathode ([0058]–[0062]), the
 * solid electrolyte ([0155]–[0165]), binders, conductive additives, current collectors ([0123]),
 * protective layers and the Li–Al phases, with the properties the models need.
 *
 * Every property is a `Prop`: value in SI, the SI unit, and its source. `assumption: true` marks a value
 * without a primary source (an engineering default) — replace it when data arrive. The table is data:
 * `data/materials/library.json`, read once and checked (zod, through src/assets.ts: a Problem naming the
 * file and field); this module computes what is computed (the theoretical capacity n·F/M) and looks up.
 * Mechanical data for the rolling models (flow laws, fracture) live in `mechanics.ts`.
 */
import { z } from 'zod';
import { assetCheckedJson, assetJson, checkedOnce } from '../assets.ts';
import { problem, ProblemError } from '../problems.ts';
import { FARADAY_C_PER_MOL } from './constants.ts';

export interface Prop {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
  readonly assumption?: boolean;
  /** plausible [low, high] in the value's unit (required for an assumption; the value lies inside) */
  readonly range?: readonly [number, number];
  /** why that range (the data or reasoning behind it) */
  readonly range_basis?: string;
}

export type MaterialKind =
  | 'cathode_active'
  | 'solid_electrolyte'
  | 'binder'
  | 'conductive_additive'
  | 'collector'
  | 'anode_metal'
  | 'li_al_phase'
  | 'protective_layer'
  | 'carrier';

export interface Material {
  readonly id: string;
  readonly name: string;
  readonly kind: MaterialKind;
  readonly formula?: string;
  readonly aliases?: readonly string[];
  /** kg m⁻³ (fully dense) */
  readonly density: Prop;
  /** kg mol⁻¹ (per formula unit) */
  readonly molarMass?: Prop;
  /** theoretical specific capacity, C kg⁻¹ */
  readonly theoreticalCapacity?: Prop;
  /** practical reversible specific capacity in a typical window, C kg⁻¹ */
  readonly practicalCapacity?: Prop;
  /** average discharge potential vs Li/Li⁺, V */
  readonly averagePotential?: Prop;
  /** usual upper cut-off vs Li/Li⁺, V */
  readonly upperPotential?: Prop;
  /** usual lower cut-off vs Li/Li⁺, V */
  readonly lowerPotential?: Prop;
  /** Li⁺ conductivity at 25 °C, S m⁻¹ */
  readonly ionicConductivity?: Prop;
  /** activation energy of the ionic conductivity, J mol⁻¹ */
  readonly ionicActivationEnergy?: Prop;
  /** electronic conductivity at 25 °C, S m⁻¹ */
  readonly electronicConductivity?: Prop;
  /** Li chemical diffusivity in the solid at 25 °C, m² s⁻¹ */
  readonly liDiffusivity?: Prop;
  /** Young's modulus, Pa */
  readonly youngsModulus?: Prop;
  /** yield / flow stress, Pa (quasi-static, 25 °C) */
  readonly yieldStress?: Prop;
  /** molar volume per Al atom (Li–Al phases), m³ mol⁻¹ */
  readonly molarVolumePerAl?: Prop;
  /** Li atoms per Al atom (Li–Al phases) */
  readonly liPerAl?: number;
  /** melting point, K */
  readonly meltingPoint?: Prop;
  /** lattice volume change on full delithiation in the usual window (fraction, negative = shrink) */
  readonly latticeVolumeChange?: Prop;
}

/** Theoretical capacity of n Li per formula unit of molar mass M (kg/mol): n·F/M (C kg⁻¹). */
export function theoreticalCapacity(nLi: number, molarMass_kg_mol: number): number {
  return (nLi * FARADAY_C_PER_MOL) / molarMass_kg_mol;
}

/** the packaged material table (SI values, each with its unit and source) */
export const MATERIAL_LIBRARY_FILE = 'materials/library.json';
/** the mechanical data file: the one place of the elastic moduli the library's entries share with it */
const MECHANICS_FILE = 'materials/mechanics.json';

const MATERIAL_KINDS = [
  'cathode_active',
  'solid_electrolyte',
  'binder',
  'conductive_additive',
  'collector',
  'anode_metal',
  'li_al_phase',
  'protective_layer',
  'carrier',
] as const satisfies readonly MaterialKind[];

/** the fields of a property in the file (its checks are in `checkedProp`) */
export const propFields = z.strictObject({
  value: z.number(),
  range: z.tuple([z.number(), z.number()]).optional(),
  unit: z.string().min(1),
  source: z.string().min(1),
  assumption: z.literal(true).optional(),
  range_basis: z.string().min(1).optional(),
});
/**
 * A property's checks: a range is [low, high] and holds the value, and comes with its basis; an assumption
 * (no primary source) must carry a plausible range — the project standard for every assumed constant.
 */
export function checkedProp<T extends z.ZodType<z.infer<typeof propFields>>>(fields: T): T {
  return fields.superRefine((p, ctx) => {
    const issue = (message: string, path: string): void => ctx.addIssue({ code: 'custom', message, path: [path] });
    if (p.range) {
      const [lo, hi] = p.range;
      if (!(lo <= hi)) issue(`range must be [low, high] (got [${lo}, ${hi}])`, 'range');
      else if (!(p.value >= lo && p.value <= hi))
        issue(`value ${p.value} lies outside its range [${lo}, ${hi}]`, 'value');
      if (p.range_basis === undefined)
        issue('a range needs its range_basis (the data or reasoning behind it)', 'range_basis');
    } else if (p.range_basis !== undefined) issue('range_basis without a range', 'range');
    if (p.assumption && !p.range)
      issue('an assumption needs a plausible range [low, high] and its range_basis', 'range');
  });
}
/** a property in the file: value in SI, its unit, its source; `assumption: true` (no primary source) with its range */
export const propSchema = checkedProp(propFields);
const prop = propSchema.optional();
/**
 * A property held in another data file (one property, one place): `{ "same_as": "mechanics.json#Al-O.youngsModulus" }`
 * stands for that file's record, read as it is there (value, unit, source, range).
 */
const sameAs = (key: string): z.ZodType<{ same_as: string }> =>
  z.strictObject({ same_as: z.string().regex(new RegExp(`^mechanics\\.json#[A-Za-z0-9-]+\\.${key}$`)) });
/** the theoretical capacity is computed here from the molar mass (n_Li·F/M), the file names n_Li and the source */
const computedCapacity = z.strictObject({
  computed: z.literal('n_Li F / molarMass'),
  nLi: z.number().gt(0),
  unit: z.literal('C kg^-1'),
  source: z.string().min(1),
});
const materialSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  kind: z.enum(MATERIAL_KINDS),
  formula: z.string().optional(),
  aliases: z.array(z.string().min(1)).optional(),
  density: propSchema,
  molarMass: prop,
  theoreticalCapacity: computedCapacity.optional(),
  practicalCapacity: prop,
  averagePotential: prop,
  upperPotential: prop,
  lowerPotential: prop,
  ionicConductivity: prop,
  ionicActivationEnergy: prop,
  electronicConductivity: prop,
  liDiffusivity: prop,
  youngsModulus: z.union([propSchema, sameAs('youngsModulus')]).optional(),
  /** a foil's yield is its flow law's initial yield (Hollomon) or reference flow stress (creep) in mechanics.json */
  yieldStress: z.union([propSchema, sameAs('flowLaw\\.(yieldStress|sigmaRef)')]).optional(),
  molarVolumePerAl: prop,
  liPerAl: z.number().optional(),
  meltingPoint: prop,
  latticeVolumeChange: prop,
});
/**
 * A material as `allMaterials()` gives it (and GET /api/materials serves it): the file's entry with its
 * theoretical capacity computed (value, unit, source) in place of the file's recipe for it.
 */
export const materialOutSchema = materialSchema.extend({
  youngsModulus: prop,
  yieldStress: prop,
  theoreticalCapacity: z
    .strictObject({ value: z.number(), unit: computedCapacity.shape.unit, source: z.string().min(1) })
    .optional(),
});
const libraryFile = z.object({
  schema: z.literal('rollcell/material-library@1'),
  source: z.string().min(1),
  note: z.string(),
  materials: z
    .array(materialSchema)
    .min(1)
    .refine((ms) => ms.every((m) => m.theoreticalCapacity === undefined || m.molarMass !== undefined), {
      message: 'a computed theoretical capacity needs the molar mass',
    }),
});
type MaterialEntry = z.infer<typeof materialSchema>;

type MechanicsEntries = Array<Record<string, unknown>>;
/**
 * mechanics.json's entries, parsed on the first `same_as` and then shared by the others (read-only here); once
 * per thread, or as a job's worker thread was handed them (src/assets.ts checkedOnce)
 */
function mechanicsEntriesOnce(): () => MechanicsEntries {
  let mats: MechanicsEntries | undefined;
  return () =>
    (mats ??=
      checkedOnce(`parsed ${MECHANICS_FILE}`, () => assetJson(MECHANICS_FILE) as { materials?: MechanicsEntries })
        .materials ?? []);
}

/** the record a `same_as` names, as its file holds it (a Problem naming the library's field when there is none) */
function heldIn(ref: string, field: string, mechanics: () => MechanicsEntries): Prop {
  const [, path] = ref.split('#') as [string, string];
  const [id, ...keys] = path.split('.');
  const key = keys.join('.');
  const mats = mechanics();
  let node: unknown = mats.find((m) => m['id'] === id);
  for (const k of keys) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined;
  const target = propSchema.safeParse(node, { jitless: true }); // one record: no compiled parser (src/assets.ts)
  if (!target.success)
    throw problem(
      `data/${MATERIAL_LIBRARY_FILE}: ${field}.same_as`,
      `names no property of data/${MECHANICS_FILE}`,
      JSON.stringify(ref),
      `mechanics.json#<id>.${key} of a material that file holds (${mats.map((m) => String(m['id'])).join(', ')})`,
    );
  const p = target.data;
  return { ...p, source: `${p.source} [held in data/${MECHANICS_FILE}, ${path}]` };
}

/** one entry of the file as a Material, its fields in the file's order (computed capacity, shared records in place) */
function toMaterial(e: MaterialEntry, i: number, mechanics: () => MechanicsEntries): Material {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === 'theoreticalCapacity' && e.theoreticalCapacity) {
      const c = e.theoreticalCapacity;
      out[k] = { value: theoreticalCapacity(c.nLi, e.molarMass!.value), unit: c.unit, source: c.source };
    } else if (v && typeof v === 'object' && 'same_as' in v)
      out[k] = heldIn(String(v.same_as), `materials.${i}.${k}`, mechanics);
    else out[k] = v;
  }
  return out as unknown as Material;
}

let MATERIALS: readonly Material[] | null = null;
let BY_ID: Map<string, Material> | null = null;
/** the library, read and checked once; the entries keep the file's field order (zod's output follows its schema's) */
function library(): { all: readonly Material[]; byId: Map<string, Material> } {
  if (!MATERIALS || !BY_ID) {
    const raw = (assetCheckedJson(libraryFile, MATERIAL_LIBRARY_FILE) as { materials: MaterialEntry[] }).materials;
    const mechanics = mechanicsEntriesOnce();
    const all = raw.map((e, i) => toMaterial(e, i, mechanics));
    const byId = new Map<string, Material>();
    for (const m of all) {
      byId.set(m.id.toLowerCase(), m);
      for (const a of m.aliases ?? []) byId.set(a.toLowerCase(), m);
    }
    MATERIALS = all;
    BY_ID = byId;
  }
  return { all: MATERIALS, byId: BY_ID };
}

export function allMaterials(): readonly Material[] {
  return library().all;
}
export function materialIds(kind?: MaterialKind | readonly MaterialKind[]): string[] {
  const kinds = kind === undefined ? null : Array.isArray(kind) ? kind : [kind];
  return allMaterials()
    .filter((m) => kinds === null || kinds.includes(m.kind))
    .map((m) => m.id);
}

/** Levenshtein edit distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d = new Array<number>(t.length + 1);
  for (let j = 0; j <= t.length; j++) d[j] = j;
  for (let i = 1; i <= s.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (s[i - 1] === t[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[t.length]!;
}

/** The closest known name to `name` among `candidates`, or undefined when nothing is close. */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(name, c);
    if (dist < bestD) {
      bestD = dist;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** an id the library does not know: the one error value (the recipe maps it onto its field's path) */
export class UnknownMaterialError extends ProblemError {
  constructor(
    readonly id: string,
    readonly kind: MaterialKind | readonly MaterialKind[] | undefined,
    readonly suggestion?: string,
  ) {
    super({
      path: 'material',
      problem: `unknown material${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      got: JSON.stringify(id),
      allowed: materialIds(kind as MaterialKind).join(', '),
    });
    this.name = 'UnknownMaterialError';
  }
}

/** Looks a material up by id or alias (case-insensitive), optionally requiring a kind. */
export function getMaterial(id: string, kind?: MaterialKind | readonly MaterialKind[]): Material {
  const m = library().byId.get(id.toLowerCase());
  const kinds = kind === undefined ? null : Array.isArray(kind) ? kind : [kind];
  if (!m || (kinds && !kinds.includes(m.kind))) {
    const names = allMaterials()
      .filter((x) => !kinds || kinds.includes(x.kind))
      .flatMap((x) => [x.id, ...(x.aliases ?? [])]);
    throw new UnknownMaterialError(id, kind, suggest(id, names));
  }
  return m;
}

export function hasMaterial(id: string, kind?: MaterialKind | readonly MaterialKind[]): boolean {
  try {
    getMaterial(id, kind);
    return true;
  } catch {
    return false;
  }
}
