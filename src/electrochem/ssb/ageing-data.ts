/**
 * The ageing mechanisms' parameters (issue 16): `data/ageing/mechanisms.json`, one record per parameter
 * with value (SI), plausible range, kind (fitted / assumption / literature) and source. Validated with zod
 * and read once through src/assets.ts. The fitted records come from scripts/fit-ageing.ts over the
 * published datasets of `data/ageing/datasets.json` (also loaded here).
 */
import { z } from 'zod';
import { assetChecked } from '../../assets.ts';
import { AGEING_PARAMETER_FIELDS } from '../../recipe/ageing-fields.ts';

/** the ids of the ageing parameters (one list with the recipe's fields: src/recipe/ageing-fields.ts) */
export const AGEING_PARAMETER_IDS = AGEING_PARAMETER_FIELDS;
export type AgeingParameterId = (typeof AGEING_PARAMETER_IDS)[number];

const record = z
  .object({
    value: z.number().finite(),
    unit: z.string(),
    range: z.tuple([z.number().finite(), z.number().finite()]),
    kind: z.enum(['fitted', 'assumption', 'literature']),
    description: z.string(),
    source: z.string(),
  })
  .refine((r) => r.range[0] <= r.value && r.value <= r.range[1], { message: 'value outside its range' });
export type AgeingParameterRecord = z.infer<typeof record>;

const mechanismsFile = z.object({
  about: z.string(),
  parameters: z.object(
    Object.fromEntries(AGEING_PARAMETER_IDS.map((k) => [k, record])) as Record<AgeingParameterId, typeof record>,
  ),
});

/** the anode materials of the void law (data/ageing/anodes.json); Li–Al is the line's and the law's reference */
export const ANODE_MATERIALS = ['li-al', 'li-in', 'li-ga', 'li-metal'] as const;
export type AnodeMaterial = (typeof ANODE_MATERIALS)[number];

const sourced = z
  .object({
    value: z.number().finite().positive(),
    range: z.tuple([z.number().finite().positive(), z.number().finite().positive()]),
    source: z.string().min(1),
  })
  .refine((r) => r.range[0] <= r.value && r.value <= r.range[1], { message: 'value outside its range' });
const anodeRecord = z.object({
  name: z.string(),
  /** volume the anode gains per mol Li it takes up (m³ mol⁻¹) */
  li_volume_m3_mol: sourced,
  /** Li diffusivity in the anode at 25 °C (m² s⁻¹) */
  li_diffusivity_m2_s: sourced,
  note: z.string().optional(),
});
export type AnodeMaterialRecord = z.infer<typeof anodeRecord>;
const anodesFile = z.object({
  about: z.string(),
  reference: z.literal('li-al'),
  anodes: z.object(
    Object.fromEntries(ANODE_MATERIALS.map((k) => [k, anodeRecord])) as Record<AnodeMaterial, typeof anodeRecord>,
  ),
});

const point = z.object({
  cycles: z.number().int().positive(),
  retention_pct: z.number().min(0).max(100),
  stack_pressure_MPa: z.number().min(0).optional(),
  where: z.string(),
});
const condition = z.object({
  value: z.number(),
  range: z.tuple([z.number(), z.number()]).optional(),
  note: z.string(),
});
const dataset = z.object({
  id: z.string(),
  role: z.enum(['fitted', 'held-out']),
  /** the anode the paper's cell used (or, where it does not say, the assumed one: note says so) */
  anode: z.object({ material: z.enum(ANODE_MATERIALS), note: z.string() }),
  citation: z.string(),
  doi: z.string().nullable(),
  readIn: z.string(),
  cell: z.string(),
  reading_error_points: z.number().nonnegative(),
  conditions: z.object({
    stack_pressure_MPa: condition,
    c_rate: condition,
    temperature_C: condition,
    areal_capacity_mAh_cm2: condition,
  }),
  points: z.array(point).min(1),
});
export type AgeingDataset = z.infer<typeof dataset>;
const datasetsFile = z.object({ about: z.string(), datasets: z.array(dataset).min(1) });

let cachedParams: Readonly<Record<AgeingParameterId, AgeingParameterRecord>> | null = null;
let cachedSets: readonly AgeingDataset[] | null = null;
let cachedAnodes: Readonly<Record<AnodeMaterial, AnodeMaterialRecord>> | null = null;

const parse = assetChecked; // data/ageing/*.json, checked against their schemas

/** the parameter records of data/ageing/mechanisms.json */
export function ageingParameterRecords(): Readonly<Record<AgeingParameterId, AgeingParameterRecord>> {
  if (!cachedParams) cachedParams = parse(mechanismsFile, 'ageing/mechanisms.json').parameters;
  return cachedParams;
}

/** the anode materials of data/ageing/anodes.json */
export function anodeMaterialRecords(): Readonly<Record<AnodeMaterial, AnodeMaterialRecord>> {
  if (!cachedAnodes) cachedAnodes = parse(anodesFile, 'ageing/anodes.json').anodes;
  return cachedAnodes;
}

/** the published datasets of data/ageing/datasets.json */
export function ageingDatasets(): readonly AgeingDataset[] {
  if (!cachedSets) cachedSets = parse(datasetsFile, 'ageing/datasets.json').datasets;
  return cachedSets;
}

/** the switchable ageing mechanisms (recipe `cycling.ageing_mechanisms`) */
export interface AgeingMechanisms {
  /** cathode–electrolyte interphase growth: its resistance (k_R·√τ) */
  readonly interphase: boolean;
  /** cathode contact loss (loss of active material) driven by volume change, opposed by stack pressure */
  readonly contact_loss: boolean;
  /** loss of Li inventory: the interphases' Li and dead Li (off: the interphases grow without taking Li) */
  readonly li_inventory: boolean;
  /** anode–electrolyte interphase (Li-rich Li–Al / plated Li reducing Li6PS5Cl), incl. breathing-cracked film */
  readonly anode_interphase: boolean;
  /** anode void formation / contact loss from the alloy's breathing vs stack pressure and C-rate */
  readonly anode_voids: boolean;
  /** calendar ageing: the interphases also grow during rest (time at SOC and T) */
  readonly calendar: boolean;
}

export const ALL_MECHANISMS: AgeingMechanisms = {
  interphase: true,
  contact_loss: true,
  li_inventory: true,
  anode_interphase: true,
  anode_voids: true,
  calendar: true,
};
export const NO_MECHANISMS: AgeingMechanisms = {
  interphase: false,
  contact_loss: false,
  li_inventory: false,
  anode_interphase: false,
  anode_voids: false,
  calendar: false,
};

export type AgeingValues = Readonly<Record<AgeingParameterId, number>>;

/** the nominal values of data/ageing/mechanisms.json */
export function defaultAgeingValues(): AgeingValues {
  const r = ageingParameterRecords();
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.value])) as Record<AgeingParameterId, number>;
}

/** degradation state per m² of cell (a plain value; fresh: all zero) */
export interface DegradationState {
  /** effective time of the cathode interphase at reference conditions (s) */
  readonly ceiTime_s: number;
  /** effective time of the anode interphase at reference conditions (s) */
  readonly aeiTime_s: number;
  /** fraction of the cathode active material isolated by contact loss */
  readonly cathodeLoss: number;
  /** fraction of the anode|SE contact lost to voids */
  readonly anodeLoss: number;
  readonly liCei_mol_m2: number;
  readonly liAei_mol_m2: number;
  readonly liDead_mol_m2: number;
  /** cycles and time the state has seen */
  readonly cycles: number;
  readonly time_s: number;
}

export const FRESH_DEGRADATION: DegradationState = {
  ceiTime_s: 0,
  aeiTime_s: 0,
  cathodeLoss: 0,
  anodeLoss: 0,
  liCei_mol_m2: 0,
  liAei_mol_m2: 0,
  liDead_mol_m2: 0,
  cycles: 0,
  time_s: 0,
};
