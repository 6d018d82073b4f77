/**
 * Li–Al material data: the one sourced place for the phases, plateau potentials, thermochemistry,
 * Li diffusivities, alloying kinetics, Li metal and critical current densities that the line (station
 * 240, alloying) and the cell (anode OCP, diffusion, plating) use.
 *
 * The numbers live in `data/materials/li-al.json` (read once through `src/assets.ts`); each record says
 * where it comes from (references with DOI, table/figure), what kind it is (measured / model-fit /
 * computed here with its formula / assumption with a plausible range) and whether it was read in a stored
 * copy of the source or recalled. This module validates the file with zod, converts every record to SI
 * (V, V/K, J/mol, J/(mol K), m²/s, m³/mol, kg/m³, Pa, K, A/m², s, m) and offers small pure evaluators
 * (Arrhenius D(T), linear plateau E(T), and their bounds over the recorded ranges). No physics models.
 *
 * See data/materials/README.md for the table of values, what is missing and the assumptions.
 */
import { z } from 'zod';
import { assetJson, checkedOnce } from '../assets.ts';
import { problem, ProblemError, type Problem } from '../problems.ts';
import { GAS_CONSTANT_J_PER_MOL_K as R, ZERO_CELSIUS_K } from './constants.ts';

export const LI_AL_DATA_FILE = 'materials/li-al.json';

// ------------------------------------------------------------------------------------------- units
interface UnitDef {
  readonly si: string;
  readonly factor: number;
  /** added after scaling (°C → K) */
  readonly offset?: number;
}

/** Units allowed in the data file and their SI conversion (value_SI = value·factor + offset). */
export const LI_AL_FILE_UNITS: Readonly<Record<string, UnitDef>> = {
  '1': { si: '1', factor: 1 },
  'at%': { si: '1', factor: 0.01 },
  V: { si: 'V', factor: 1 },
  mV: { si: 'V', factor: 1e-3 },
  'V K^-1': { si: 'V K^-1', factor: 1 },
  'mV K^-1': { si: 'V K^-1', factor: 1e-3 },
  K: { si: 'K', factor: 1 },
  degC: { si: 'K', factor: 1, offset: ZERO_CELSIUS_K },
  'J mol^-1': { si: 'J mol^-1', factor: 1 },
  'kJ mol^-1': { si: 'J mol^-1', factor: 1e3 },
  'kcal mol^-1': { si: 'J mol^-1', factor: 4184 },
  'J mol^-1 K^-1': { si: 'J mol^-1 K^-1', factor: 1 },
  'cal mol^-1 K^-1': { si: 'J mol^-1 K^-1', factor: 4.184 },
  'm^2 s^-1': { si: 'm^2 s^-1', factor: 1 },
  'cm^2 s^-1': { si: 'm^2 s^-1', factor: 1e-4 },
  'cm^3 mol^-1': { si: 'm^3 mol^-1', factor: 1e-6 },
  'g cm^-3': { si: 'kg m^-3', factor: 1e3 },
  'J g^-1 K^-1': { si: 'J kg^-1 K^-1', factor: 1e3 },
  GPa: { si: 'Pa', factor: 1e9 },
  MPa: { si: 'Pa', factor: 1e6 },
  'MPa m^0.5': { si: 'Pa m^0.5', factor: 1e6 },
  nm: { si: 'm', factor: 1e-9 },
  angstrom: { si: 'm', factor: 1e-10 },
  deg: { si: 'rad', factor: Math.PI / 180 },
  'mA cm^-2': { si: 'A m^-2', factor: 10 },
  'g cm^-2 s^-1': { si: 'kg m^-2 s^-1', factor: 10 },
  s: { si: 's', factor: 1 },
  's^-1': { si: 's^-1', factor: 1 },
};

/** The SI units a loaded record can carry. */
export const LI_AL_SI_UNITS: ReadonlySet<string> = new Set(Object.values(LI_AL_FILE_UNITS).map((u) => u.si));

// ---------------------------------------------------------------------------------- public types
export type LiAlKind = 'measured' | 'model-fit' | 'computed' | 'assumption';
export type LiAlCheck = 'read' | 'recalled';

export interface LiAlReference {
  readonly key: string;
  readonly authors: string;
  readonly title: string;
  readonly journal: string;
  readonly year: number | null;
  readonly doi?: string;
  readonly url?: string;
  readonly note?: string;
}

/**
 * One quantity in SI. Compatible with `Prop` of materials/library.ts (value, unit, source, assumption?),
 * plus the range, kind, check and the references themselves.
 */
export interface LiAlProp {
  readonly value: number;
  /** SI unit */
  readonly unit: string;
  /** plausible or measured range in SI (always present for assumptions) */
  readonly range?: readonly [number, number];
  readonly kind: LiAlKind;
  readonly check?: LiAlCheck;
  readonly refs: readonly string[];
  readonly sources: readonly LiAlReference[];
  /** one-line citation: references, where, kind/check */
  readonly source: string;
  readonly assumption: boolean;
  readonly where?: string;
  readonly conditions?: string;
  readonly formula?: string;
  readonly note?: string;
  /** as written in the data file */
  readonly file: { readonly value: number; readonly unit: string; readonly range?: readonly [number, number] };
}

/** A small table with one SI unit per column. */
export interface LiAlTable {
  readonly columns: readonly string[];
  /** SI unit per column */
  readonly units: readonly string[];
  readonly rows: readonly (readonly number[])[];
  readonly kind: LiAlKind;
  readonly check?: LiAlCheck;
  readonly refs: readonly string[];
  readonly sources: readonly LiAlReference[];
  readonly source: string;
  readonly where?: string;
  readonly conditions?: string;
  readonly note?: string;
}

export type LiAlAnswer = 'forms' | 'kinetically-hindered' | 'no' | 'unknown';

/** A qualitative finding (does a phase form at RT, does the oxide block) with its evidence. */
export interface LiAlStatement {
  readonly answer: LiAlAnswer;
  readonly text: string;
  readonly kind: LiAlKind;
  readonly check?: LiAlCheck;
  readonly refs: readonly string[];
  readonly sources: readonly LiAlReference[];
  readonly source: string;
}

/** D(T) = D0·exp(−Ea/RT), or D(T) = Dref·exp(−Ea/R·(1/T − 1/Tref)). */
export interface LiAlArrhenius {
  readonly quantity: 'chemical' | 'self' | 'tracer' | 'effective';
  readonly method: string;
  readonly D0?: LiAlProp;
  readonly Dref?: LiAlProp;
  readonly Tref?: LiAlProp;
  readonly Ea: LiAlProp;
  /** temperatures (K) of the measurements behind the law; null where nothing was measured */
  readonly validT_K: readonly [number, number] | null;
  readonly note?: string;
}

export type LiAlPhaseId = 'alpha' | 'beta' | 'Li3Al2' | 'Li9Al4' | 'Li';

export interface LiAlPhase {
  readonly id: LiAlPhaseId;
  readonly name: string;
  readonly structure: { readonly type: string; readonly spaceGroup: string; readonly refs: readonly string[] };
  /** Li/Al edges at room temperature (α: xMaxRT; β: xMinRT…xMaxRT); stoichiometric phases: x */
  readonly xMinRT?: LiAlProp;
  readonly xMaxRT?: LiAlProp;
  readonly xMaxRTEquilibrium?: LiAlProp;
  readonly x?: LiAlProp;
  readonly solvus?: LiAlTable;
  readonly rangeHighT?: LiAlTable;
  readonly latticeA?: LiAlProp;
  readonly latticeB?: LiAlProp;
  readonly latticeC?: LiAlProp;
  readonly latticeBeta?: LiAlProp;
  readonly formulaUnitsPerCell?: number;
  /** m³ per mol of Al (Li metal: per mol of Li in `molarVolume`) */
  readonly molarVolumePerAl?: LiAlProp;
  readonly molarVolume?: LiAlProp;
  readonly density: LiAlProp;
  readonly densityReported?: LiAlProp;
  readonly densityLiquid?: LiAlProp;
  /** J per mol of atoms */
  readonly formationEnthalpyPerAtom?: LiAlProp;
  /** K: melting or peritectic decomposition */
  readonly stableUpTo?: LiAlProp;
  readonly meltingPoint?: LiAlProp;
  readonly latentHeatOfFusion?: LiAlProp;
  readonly specificHeat?: LiAlProp;
  readonly formsAtRT?: { readonly electrochemical: LiAlStatement; readonly solidState: LiAlStatement };
  readonly diffusion: LiAlArrhenius;
  readonly diffusionCheck?: LiAlTable;
  readonly thermodynamicFactorMax?: LiAlProp;
  readonly ocpSpanHighT?: LiAlProp;
  readonly mechanics?: Readonly<Record<string, LiAlProp>>;
}

export type LiAlPlateauId = 'alphaBeta' | 'betaLi3Al2' | 'Li3Al2Li9Al4';

/** A two-phase plateau vs Li/Li⁺: E(T) = Eref + dEdT·(T − Tref). */
export interface LiAlPlateau {
  readonly id: LiAlPlateauId;
  readonly phases: readonly [LiAlPhaseId, LiAlPhaseId];
  readonly Eref: LiAlProp;
  readonly Tref: LiAlProp;
  readonly dEdT: LiAlProp;
  readonly validT_K: readonly [number, number] | null;
  /** full lithiation/delithiation gap, V */
  readonly hysteresis: LiAlProp;
  readonly rtRecalled?: LiAlProp;
  readonly singlePhaseDrop?: LiAlProp;
  readonly observedAtRT?: LiAlStatement;
}

export interface LiAlData {
  readonly references: Readonly<Record<string, LiAlReference>>;
  readonly phases: Readonly<Record<LiAlPhaseId, LiAlPhase>>;
  readonly plateaus: Readonly<Record<LiAlPlateauId, LiAlPlateau>>;
  readonly thermochemistry: {
    /** Li + Al(α) → LiAl(β) per mol Li (Yao 1971), J/mol and J/(mol K) */
    readonly alphaBetaReactionEnthalpy: LiAlProp;
    readonly alphaBetaReactionEntropy: LiAlProp;
    readonly alphaBetaGibbs: LiAlTable;
    /** ΔrG of 6 Li + Al2O3 → 3 Li2O + 2 Al, J per mol Al2O3 */
    readonly oxideReductionByLi: LiAlProp;
  };
  readonly alloyingKinetics: {
    readonly effectiveGrowthD150C: LiAlProp;
    readonly electrochemicalFormationRate: LiAlProp;
    readonly nucleation: LiAlStatement;
    readonly incubationTimeRT: LiAlProp;
    /** K: onset of Li3Al2/Li9Al4 formation from β + Li on the process time scale (assumption) */
    readonly liRichOnsetT: LiAlProp;
    readonly nativeOxideThickness: LiAlProp;
    readonly oxideBlocksLithiation: LiAlStatement;
    readonly solidStateParabolicRate: LiAlStatement;
    readonly liquidLiOnAl: LiAlStatement;
  };
  readonly criticalCurrent: {
    /** A/m² */
    readonly liMetalLPSCl: LiAlProp;
    readonly liMetalLPSClStackPressure: LiAlProp;
    readonly platingOnLiAlHost: LiAlProp;
    readonly liAlHostDemonstrated: LiAlProp;
    readonly liInDiffusivity: LiAlProp;
  };
}

// ------------------------------------------------------------------------------------ file schema
const kindSchema = z.enum(['measured', 'model-fit', 'computed', 'assumption']);
const checkSchema = z.enum(['read', 'recalled']);
const pair = z.tuple([z.number(), z.number()]);

const propSchema = z
  .object({
    value: z.number(),
    unit: z.string(),
    range: pair.optional(),
    kind: kindSchema,
    check: checkSchema.optional(),
    refs: z.array(z.string()),
    where: z.string().optional(),
    conditions: z.string().optional(),
    formula: z.string().optional(),
    note: z.string().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const issue = (message: string, path: string): void => {
      ctx.addIssue({ code: 'custom', message, path: [path] });
    };
    if (!(p.unit in LI_AL_FILE_UNITS))
      issue(`unknown unit '${p.unit}' (allowed: ${Object.keys(LI_AL_FILE_UNITS).join(', ')})`, 'unit');
    if (p.range) {
      const [lo, hi] = p.range;
      if (!(lo <= hi)) issue(`range must be [low, high] (got [${lo}, ${hi}])`, 'range');
      else if (!(p.value >= lo && p.value <= hi))
        issue(`value ${p.value} lies outside its range [${lo}, ${hi}]`, 'value');
    }
    if (p.kind === 'assumption' && !p.range) issue('an assumption needs a plausible range', 'range');
    if (p.kind === 'computed' && !p.formula) issue('a computed record needs its formula', 'formula');
    if (p.kind !== 'assumption') {
      if (p.refs.length === 0) issue(`a ${p.kind} record needs at least one reference`, 'refs');
      if (!p.check) issue(`a ${p.kind} record must say whether it was read or recalled`, 'check');
    }
  });

const tableSchema = z
  .object({
    columns: z.array(z.string()).min(1),
    units: z.array(z.string()).min(1),
    rows: z.array(z.array(z.number())).min(1),
    kind: kindSchema,
    check: checkSchema.optional(),
    refs: z.array(z.string()).min(1),
    where: z.string().optional(),
    conditions: z.string().optional(),
    note: z.string().optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.units.length !== t.columns.length)
      ctx.addIssue({ code: 'custom', message: 'one unit per column', path: ['units'] });
    t.units.forEach((u, i) => {
      if (!(u in LI_AL_FILE_UNITS))
        ctx.addIssue({ code: 'custom', message: `unknown unit '${u}'`, path: ['units', i] });
    });
    t.rows.forEach((r, i) => {
      if (r.length !== t.columns.length)
        ctx.addIssue({
          code: 'custom',
          message: `row has ${r.length} cells for ${t.columns.length} columns`,
          path: ['rows', i],
        });
    });
    if (t.kind !== 'assumption' && !t.check)
      ctx.addIssue({ code: 'custom', message: 'a table must say whether it was read or recalled', path: ['check'] });
  });

const statementSchema = z
  .object({
    answer: z.enum(['forms', 'kinetically-hindered', 'no', 'unknown']),
    text: z.string().min(1),
    kind: kindSchema,
    check: checkSchema.optional(),
    refs: z.array(z.string()).min(1),
  })
  .strict();

const arrheniusSchema = z
  .object({
    quantity: z.enum(['chemical', 'self', 'tracer', 'effective']),
    method: z.string(),
    D0: propSchema.optional(),
    Dref: propSchema.optional(),
    Tref: propSchema.optional(),
    Ea: propSchema,
    validT_K: pair.nullable(),
    note: z.string().optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const byD0 = a.D0 !== undefined;
    const byRef = a.Dref !== undefined && a.Tref !== undefined;
    if (byD0 === byRef)
      ctx.addIssue({ code: 'custom', message: 'give either D0, or Dref with Tref (not both, not neither)', path: [] });
  });

const referenceSchema = z
  .object({
    authors: z.string().min(1),
    title: z.string().min(1),
    journal: z.string().min(1),
    year: z.number().int().nullable(),
    doi: z.string().optional(),
    url: z.string().optional(),
    note: z.string().optional(),
  })
  .strict();

const phaseSchema = z
  .object({
    name: z.string(),
    structure: z.object({ type: z.string(), spaceGroup: z.string(), refs: z.array(z.string()).min(1) }).strict(),
    xMinRT: propSchema.optional(),
    xMaxRT: propSchema.optional(),
    xMaxRTEquilibrium: propSchema.optional(),
    x: propSchema.optional(),
    solvus: tableSchema.optional(),
    rangeHighT: tableSchema.optional(),
    latticeA: propSchema.optional(),
    latticeB: propSchema.optional(),
    latticeC: propSchema.optional(),
    latticeBeta: propSchema.optional(),
    formulaUnitsPerCell: z.number().int().positive().optional(),
    molarVolumePerAl: propSchema.optional(),
    molarVolume: propSchema.optional(),
    density: propSchema,
    densityReported: propSchema.optional(),
    densityLiquid: propSchema.optional(),
    formationEnthalpyPerAtom: propSchema.optional(),
    stableUpTo: propSchema.optional(),
    meltingPoint: propSchema.optional(),
    latentHeatOfFusion: propSchema.optional(),
    specificHeat: propSchema.optional(),
    formsAtRT: z.object({ electrochemical: statementSchema, solidState: statementSchema }).strict().optional(),
    diffusion: arrheniusSchema,
    diffusionCheck: tableSchema.optional(),
    thermodynamicFactorMax: propSchema.optional(),
    ocpSpanHighT: propSchema.optional(),
    mechanics: z.record(z.string(), propSchema).optional(),
  })
  .strict();

const plateauSchema = z
  .object({
    phases: z.tuple([z.string(), z.string()]),
    form: z.string(),
    Eref: propSchema,
    Tref: propSchema,
    dEdT: propSchema,
    validT_K: pair.nullable(),
    hysteresis: propSchema,
    rtRecalled: propSchema.optional(),
    singlePhaseDrop: propSchema.optional(),
    observedAtRT: statementSchema.optional(),
  })
  .strict();

const fileSchema = z
  .object({
    schema: z.literal('rollcell/li-al-material-data@1'),
    title: z.string(),
    conventions: z.record(z.string(), z.string()),
    references: z.record(z.string(), referenceSchema),
    phases: z
      .object({
        alpha: phaseSchema,
        beta: phaseSchema,
        Li3Al2: phaseSchema,
        Li9Al4: phaseSchema,
        Li: phaseSchema,
      })
      .strict(),
    plateaus: z.object({ alphaBeta: plateauSchema, betaLi3Al2: plateauSchema, Li3Al2Li9Al4: plateauSchema }).strict(),
    thermochemistry: z
      .object({
        alphaBetaReactionEnthalpy: propSchema,
        alphaBetaReactionEntropy: propSchema,
        alphaBetaGibbs: tableSchema,
        oxideReductionByLi: propSchema,
      })
      .strict(),
    alloyingKinetics: z
      .object({
        effectiveGrowthD150C: propSchema,
        electrochemicalFormationRate: propSchema,
        nucleation: statementSchema,
        incubationTimeRT: propSchema,
        liRichOnsetT: propSchema,
        nativeOxideThickness: propSchema,
        oxideBlocksLithiation: statementSchema,
        solidStateParabolicRate: statementSchema,
        liquidLiOnAl: statementSchema,
      })
      .strict(),
    criticalCurrent: z
      .object({
        liMetalLPSCl: propSchema,
        liMetalLPSClStackPressure: propSchema,
        platingOnLiAlHost: propSchema,
        liAlHostDemonstrated: propSchema,
        liInDiffusivity: propSchema,
      })
      .strict(),
  })
  .strict();

type FileData = z.infer<typeof fileSchema>;
type FileProp = z.infer<typeof propSchema>;
type FileTable = z.infer<typeof tableSchema>;
type FileStatement = z.infer<typeof statementSchema>;
type FileArrhenius = z.infer<typeof arrheniusSchema>;

// ------------------------------------------------------------------------------------- conversion
const PHASE_IDS: readonly LiAlPhaseId[] = ['alpha', 'beta', 'Li3Al2', 'Li9Al4', 'Li'];
const PLATEAU_IDS: readonly LiAlPlateauId[] = ['alphaBeta', 'betaLi3Al2', 'Li3Al2Li9Al4'];

function toSI(v: number, unit: string): number {
  const u = LI_AL_FILE_UNITS[unit]!;
  return v * u.factor + (u.offset ?? 0);
}

class Converter {
  readonly problems: Problem[] = [];
  constructor(private readonly refs: Readonly<Record<string, LiAlReference>>) {}

  sources(keys: readonly string[], path: string): LiAlReference[] {
    const out: LiAlReference[] = [];
    keys.forEach((k, i) => {
      const r = this.refs[k];
      if (r) out.push(r);
      else
        this.problems.push({
          path: `${path}.refs.${i}`,
          problem: 'unknown reference key',
          got: k,
          allowed: 'a key of references',
        });
    });
    return out;
  }

  private cite(
    sources: readonly LiAlReference[],
    kind: LiAlKind,
    check: LiAlCheck | undefined,
    where?: string,
    formula?: string,
  ): string {
    const refs = sources
      .map(
        (s) =>
          `${s.authors.replace(/ \(authors recalled\)$/, '')}, ${s.journal} (${s.year ?? 'n.d.'})${s.doi ? `, doi:${s.doi}` : ''}`,
      )
      .join('; ');
    const tag = kind === 'assumption' ? 'assumption' : `${kind}, ${check}`;
    const parts = [refs, where, formula ? `computed: ${formula}` : undefined, tag].filter((s) => s && s.length > 0);
    return parts.join(' — ');
  }

  prop(p: FileProp, path: string): LiAlProp {
    const u = LI_AL_FILE_UNITS[p.unit]!;
    const sources = this.sources(p.refs, path);
    const range = p.range ? ([toSI(p.range[0], p.unit), toSI(p.range[1], p.unit)] as const) : undefined;
    return {
      value: toSI(p.value, p.unit),
      unit: u.si,
      ...(range ? { range } : {}),
      kind: p.kind,
      ...(p.check ? { check: p.check } : {}),
      refs: p.refs,
      sources,
      source: this.cite(sources, p.kind, p.check, p.where, p.formula),
      assumption: p.kind === 'assumption',
      ...(p.where ? { where: p.where } : {}),
      ...(p.conditions ? { conditions: p.conditions } : {}),
      ...(p.formula ? { formula: p.formula } : {}),
      ...(p.note ? { note: p.note } : {}),
      file: { value: p.value, unit: p.unit, ...(p.range ? { range: p.range } : {}) },
    };
  }

  table(t: FileTable, path: string): LiAlTable {
    const sources = this.sources(t.refs, path);
    return {
      columns: t.columns,
      units: t.units.map((u) => LI_AL_FILE_UNITS[u]!.si),
      rows: t.rows.map((r) => r.map((v, i) => toSI(v, t.units[i]!))),
      kind: t.kind,
      ...(t.check ? { check: t.check } : {}),
      refs: t.refs,
      sources,
      source: this.cite(sources, t.kind, t.check, t.where),
      ...(t.where ? { where: t.where } : {}),
      ...(t.conditions ? { conditions: t.conditions } : {}),
      ...(t.note ? { note: t.note } : {}),
    };
  }

  statement(s: FileStatement, path: string): LiAlStatement {
    const sources = this.sources(s.refs, path);
    return { ...s, sources, source: this.cite(sources, s.kind, s.check) };
  }

  arrhenius(a: FileArrhenius, path: string): LiAlArrhenius {
    return {
      quantity: a.quantity,
      method: a.method,
      ...(a.D0 ? { D0: this.prop(a.D0, `${path}.D0`) } : {}),
      ...(a.Dref ? { Dref: this.prop(a.Dref, `${path}.Dref`) } : {}),
      ...(a.Tref ? { Tref: this.prop(a.Tref, `${path}.Tref`) } : {}),
      Ea: this.prop(a.Ea, `${path}.Ea`),
      validT_K: a.validT_K,
      ...(a.note ? { note: a.note } : {}),
    };
  }
}

function convert(f: FileData): LiAlData {
  const references: Record<string, LiAlReference> = {};
  for (const [key, r] of Object.entries(f.references)) references[key] = { key, ...r };
  const c = new Converter(references);
  const optProp = (p: FileProp | undefined, path: string): LiAlProp | undefined => (p ? c.prop(p, path) : undefined);

  const phases = {} as Record<LiAlPhaseId, LiAlPhase>;
  for (const id of PHASE_IDS) {
    const p = f.phases[id];
    const base = `phases.${id}`;
    const props: Record<string, LiAlProp> = {};
    const propKeys = [
      'xMinRT',
      'xMaxRT',
      'xMaxRTEquilibrium',
      'x',
      'latticeA',
      'latticeB',
      'latticeC',
      'latticeBeta',
      'molarVolumePerAl',
      'molarVolume',
      'densityReported',
      'densityLiquid',
      'formationEnthalpyPerAtom',
      'stableUpTo',
      'meltingPoint',
      'latentHeatOfFusion',
      'specificHeat',
      'thermodynamicFactorMax',
      'ocpSpanHighT',
    ] as const;
    for (const k of propKeys) {
      const v = optProp(p[k], `${base}.${k}`);
      if (v) props[k] = v;
    }
    const mechanics: Record<string, LiAlProp> = {};
    for (const [k, v] of Object.entries(p.mechanics ?? {})) mechanics[k] = c.prop(v, `${base}.mechanics.${k}`);
    c.sources(p.structure.refs, `${base}.structure`);
    phases[id] = {
      id,
      name: p.name,
      structure: p.structure,
      ...props,
      ...(p.formulaUnitsPerCell !== undefined ? { formulaUnitsPerCell: p.formulaUnitsPerCell } : {}),
      density: c.prop(p.density, `${base}.density`),
      ...(p.solvus ? { solvus: c.table(p.solvus, `${base}.solvus`) } : {}),
      ...(p.rangeHighT ? { rangeHighT: c.table(p.rangeHighT, `${base}.rangeHighT`) } : {}),
      ...(p.diffusionCheck ? { diffusionCheck: c.table(p.diffusionCheck, `${base}.diffusionCheck`) } : {}),
      ...(p.formsAtRT
        ? {
            formsAtRT: {
              electrochemical: c.statement(p.formsAtRT.electrochemical, `${base}.formsAtRT.electrochemical`),
              solidState: c.statement(p.formsAtRT.solidState, `${base}.formsAtRT.solidState`),
            },
          }
        : {}),
      diffusion: c.arrhenius(p.diffusion, `${base}.diffusion`),
      ...(p.mechanics ? { mechanics } : {}),
    };
  }

  const plateaus = {} as Record<LiAlPlateauId, LiAlPlateau>;
  for (const id of PLATEAU_IDS) {
    const p = f.plateaus[id];
    const base = `plateaus.${id}`;
    const [a, b] = p.phases;
    for (const [i, ph] of [a, b].entries())
      if (!(PHASE_IDS as readonly string[]).includes(ph))
        c.problems.push({
          path: `${base}.phases.${i}`,
          problem: 'unknown phase',
          got: ph,
          allowed: PHASE_IDS.join(', '),
        });
    const rt = optProp(p.rtRecalled, `${base}.rtRecalled`);
    const drop = optProp(p.singlePhaseDrop, `${base}.singlePhaseDrop`);
    plateaus[id] = {
      id,
      phases: [a as LiAlPhaseId, b as LiAlPhaseId],
      Eref: c.prop(p.Eref, `${base}.Eref`),
      Tref: c.prop(p.Tref, `${base}.Tref`),
      dEdT: c.prop(p.dEdT, `${base}.dEdT`),
      validT_K: p.validT_K,
      hysteresis: c.prop(p.hysteresis, `${base}.hysteresis`),
      ...(rt ? { rtRecalled: rt } : {}),
      ...(drop ? { singlePhaseDrop: drop } : {}),
      ...(p.observedAtRT ? { observedAtRT: c.statement(p.observedAtRT, `${base}.observedAtRT`) } : {}),
    };
  }

  const t = f.thermochemistry;
  const k = f.alloyingKinetics;
  const cc = f.criticalCurrent;
  const data: LiAlData = {
    references,
    phases,
    plateaus,
    thermochemistry: {
      alphaBetaReactionEnthalpy: c.prop(t.alphaBetaReactionEnthalpy, 'thermochemistry.alphaBetaReactionEnthalpy'),
      alphaBetaReactionEntropy: c.prop(t.alphaBetaReactionEntropy, 'thermochemistry.alphaBetaReactionEntropy'),
      alphaBetaGibbs: c.table(t.alphaBetaGibbs, 'thermochemistry.alphaBetaGibbs'),
      oxideReductionByLi: c.prop(t.oxideReductionByLi, 'thermochemistry.oxideReductionByLi'),
    },
    alloyingKinetics: {
      effectiveGrowthD150C: c.prop(k.effectiveGrowthD150C, 'alloyingKinetics.effectiveGrowthD150C'),
      electrochemicalFormationRate: c.prop(
        k.electrochemicalFormationRate,
        'alloyingKinetics.electrochemicalFormationRate',
      ),
      nucleation: c.statement(k.nucleation, 'alloyingKinetics.nucleation'),
      incubationTimeRT: c.prop(k.incubationTimeRT, 'alloyingKinetics.incubationTimeRT'),
      liRichOnsetT: c.prop(k.liRichOnsetT, 'alloyingKinetics.liRichOnsetT'),
      nativeOxideThickness: c.prop(k.nativeOxideThickness, 'alloyingKinetics.nativeOxideThickness'),
      oxideBlocksLithiation: c.statement(k.oxideBlocksLithiation, 'alloyingKinetics.oxideBlocksLithiation'),
      solidStateParabolicRate: c.statement(k.solidStateParabolicRate, 'alloyingKinetics.solidStateParabolicRate'),
      liquidLiOnAl: c.statement(k.liquidLiOnAl, 'alloyingKinetics.liquidLiOnAl'),
    },
    criticalCurrent: {
      liMetalLPSCl: c.prop(cc.liMetalLPSCl, 'criticalCurrent.liMetalLPSCl'),
      liMetalLPSClStackPressure: c.prop(cc.liMetalLPSClStackPressure, 'criticalCurrent.liMetalLPSClStackPressure'),
      platingOnLiAlHost: c.prop(cc.platingOnLiAlHost, 'criticalCurrent.platingOnLiAlHost'),
      liAlHostDemonstrated: c.prop(cc.liAlHostDemonstrated, 'criticalCurrent.liAlHostDemonstrated'),
      liInDiffusivity: c.prop(cc.liInDiffusivity, 'criticalCurrent.liInDiffusivity'),
    },
  };
  if (c.problems.length > 0) throw new ProblemError(c.problems, `data/${LI_AL_DATA_FILE}`);
  return data;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}

/**
 * Validates a parsed Li–Al data file and converts it to SI. Throws a `ProblemError` whose problems name
 * the record's path (`phases.beta.diffusion.Ea.range`), what is wrong and what is allowed.
 */
export function parseLiAlData(raw: unknown): LiAlData {
  // checked once per thread: zod's compiled fast path would cost more to build than it saves (src/assets.ts)
  const r = fileSchema.safeParse(raw, { jitless: true });
  if (!r.success) {
    const problems: Problem[] = r.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      problem: i.message,
      got: 'see the data file',
      allowed: 'a record as described in data/materials/README.md',
    }));
    throw new ProblemError(problems, `data/${LI_AL_DATA_FILE}`);
  }
  return deepFreeze(convert(r.data));
}

let cached: LiAlData | undefined;

/** The packaged Li–Al data (data/materials/li-al.json), validated and in SI; read once. */
export function liAlData(): LiAlData {
  // once per thread (or as a job's worker thread was handed it: a copy, frozen again here)
  cached ??= deepFreeze(checkedOnce(`li-al ${LI_AL_DATA_FILE}`, () => parseLiAlData(assetJson(LI_AL_DATA_FILE))));
  return cached;
}

// ------------------------------------------------------------------------------------- evaluators
function checkT(T_K: number, field: string): void {
  if (!Number.isFinite(T_K) || !(T_K > 0))
    throw problem(field, 'must be a finite absolute temperature', String(T_K), '> 0 K');
}

const lo = (p: LiAlProp): number => p.range?.[0] ?? p.value;
const hi = (p: LiAlProp): number => p.range?.[1] ?? p.value;

function arrheniusAt(a: LiAlArrhenius, T_K: number, D: number, Ea: number, Tref: number | undefined): number {
  if (a.D0) return D * Math.exp(-Ea / (R * T_K));
  return D * Math.exp((-Ea / R) * (1 / T_K - 1 / Tref!));
}

/** D(T) in m²/s from a recorded Arrhenius law (central values). */
export function arrhenius(a: LiAlArrhenius, T_K: number): number {
  checkT(T_K, 'temperature_K');
  const D = (a.D0 ?? a.Dref)!;
  return arrheniusAt(a, T_K, D.value, a.Ea.value, a.Tref?.value);
}

/**
 * The lowest and highest D(T) (m²/s) over the recorded ranges of the prefactor and Ea (each taken at
 * its range ends; D is monotone in both). Records without a range contribute their value.
 */
export function arrheniusBounds(a: LiAlArrhenius, T_K: number): readonly [number, number] {
  checkT(T_K, 'temperature_K');
  const D = (a.D0 ?? a.Dref)!;
  const vals: number[] = [];
  for (const d of [lo(D), hi(D)])
    for (const e of [lo(a.Ea), hi(a.Ea)])
      for (const tr of a.Tref ? [lo(a.Tref), hi(a.Tref)] : [undefined]) vals.push(arrheniusAt(a, T_K, d, e, tr));
  return [Math.min(...vals), Math.max(...vals)];
}

/** Plateau potential vs Li/Li⁺ (V) at T (K): E = Eref + dEdT·(T − Tref), central values. */
export function plateauPotential(p: LiAlPlateau, T_K: number): number {
  checkT(T_K, 'temperature_K');
  return p.Eref.value + p.dEdT.value * (T_K - p.Tref.value);
}

/**
 * Bounds of the plateau potential (V) at T: the central line where T lies inside the measured range
 * (`validT_K`), and outside it the Eref range plus the dEdT range applied over the distance from the
 * nearest measured temperature (extrapolation uncertainty).
 */
export function plateauBounds(p: LiAlPlateau, T_K: number): readonly [number, number] {
  checkT(T_K, 'temperature_K');
  const Ec = plateauPotential(p, T_K);
  const [tLo, tHi] = p.validT_K ?? [p.Tref.value, p.Tref.value];
  const anchor = T_K < tLo ? tLo : T_K > tHi ? tHi : T_K;
  const Eanchor = plateauPotential(p, anchor);
  const dEref = [lo(p.Eref) - p.Eref.value, hi(p.Eref) - p.Eref.value];
  const cands: number[] = [];
  for (const s of [lo(p.dEdT), hi(p.dEdT)]) for (const de of dEref) cands.push(Eanchor + de + s * (T_K - anchor));
  cands.push(Ec);
  return [Math.min(...cands), Math.max(...cands)];
}

/** Lowest and highest value of a record (its range, or its value twice). */
export function propBounds(p: LiAlProp): readonly [number, number] {
  return [lo(p), hi(p)];
}
