/**
 * The HTTP API's request and response shapes as zod schemas: requests are validated with them (a bad
 * body is a 400 Problem naming the field) and the OpenAPI document (./openapi.ts) is generated from
 * them with zod's own JSON Schema export. The recipe is src/recipe/schema.ts's schema; the run output,
 * its claims, windows and line block are the output contract's schema (src/contract.ts).
 */
import { z } from 'zod';
import {
  claimResultSchema as claimSchema,
  lineSchema,
  runOutputSchema,
  stationSchema,
  windowCheckSchema,
} from '../contract.ts';
import { materialOutSchema, type Material } from '../materials/library.ts';
import type { ExpansionRate, firstCycleSummary } from '../cycler/metrics.ts';
import type { RunSummary, StationResultRecord } from '../store/types.ts';

export const problemSchema = z
  .object({
    path: z
      .string()
      .describe('dotted path of the field (stations.240.force_N), a parameter, or "" for the whole input'),
    problem: z.string(),
    got: z.string(),
    allowed: z.string(),
    line: z.number().int().optional(),
    column: z.number().int().optional(),
  })
  .describe('one problem with the input: the same value the CLI prints as <path>: <problem> (got …; allowed …)');

/** RFC 9457 problem details, with the rollcell Problems in `problems`. */
export const problemResponseSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    problems: z.array(problemSchema),
  })
  .describe('application/problem+json (RFC 9457) with the CLI’s Problem values');

/** The run output and its parts are the output contract's own schema (src/contract.ts), not copies. */
export { claimResultSchema as claimSchema, runOutputSchema, windowCheckSchema } from '../contract.ts';

export const validateRequestSchema = z
  .object({ text: z.string().describe('the recipe as YAML (or JSON) text') })
  .strict();

export const validateResponseSchema = z.object({
  ok: z.boolean(),
  problems: z.array(problemSchema),
  windows: z.array(windowCheckSchema).describe("the seed's preferred windows (reported, not enforced)"),
  claims: z.array(claimSchema).describe('claim verdicts from the line alone (cycling claims are not evaluable here)'),
  warnings: z.array(z.string()),
  line: lineSchema.nullable().describe('the line block (stations 222/236/240, anode, crack)'),
  elapsed_ms: z.number(),
});

export const recipeSaveRequestSchema = z
  .object({
    name: z.string().min(1).max(200).optional().describe('store under this name (default: the recipe’s own name)'),
    text: z.string(),
    note: z.string().max(2000).optional(),
  })
  .strict();

export const recipeVersionSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  hash: z.string(),
  created_at: z.string(),
  note: z.string().nullable(),
});

export const recipeEntrySchema = recipeVersionSchema.extend({ versions: z.number().int() });

export const productionOptionSchema = z.union([
  z.boolean(),
  z
    .object({
      duration_s: z
        .number()
        .gt(0)
        .lte(86_400)
        .optional()
        .describe('shift length, s (default: the recipe’s production.duration_h)'),
      web_length_m: z.number().gt(0).lte(100_000).optional(),
    })
    .strict(),
]);

export const runRequestSchema = z
  .object({
    text: z.string().optional().describe('recipe YAML text (or give recipe)'),
    recipe: z
      .object({ name: z.string(), version: z.number().int().gte(1).optional() })
      .strict()
      .optional()
      .describe('a stored recipe by name (newest version unless given)'),
    seed: z.number().int().gte(0).lte(4294967295).default(1),
    production: productionOptionSchema.default(true).describe('run a production shift (live in the Shift view)'),
    battery: z.boolean().default(true).describe("run the recipe's battery on its duty profile"),
  })
  .strict();

export const runStartedSchema = z.object({
  run_id: z.string(),
  status: z.enum(['queued', 'running']),
  events: z.string().describe('URL of the server-sent event stream of this run'),
});

/** one run as the store lists it (src/store/types.ts RunSummary: the runs table's columns) */
export const runSummarySchema = z.strictObject({
  id: z.string(),
  created_at: z.string().describe('ISO 8601 UTC'),
  rollcell_version: z.string(),
  recipe_hash: z.string(),
  seed: z.number().int().nullable(),
  status: z.enum(['completed', 'failed']),
  n_cells: z.number().int(),
  n_cycles: z.number().int(),
  n_series: z.number().int(),
  cells_total: z.number().nullable(),
  cells_in_spec: z.number().nullable(),
  yield_pct: z.number().nullable(),
  specific_energy_Wh_kg: z.number().nullable(),
  energy_density_Wh_L: z.number().nullable(),
  np_ratio: z.number().nullable(),
  cell_thickness_um: z.number().nullable(),
  charge_capacity_mAh_g: z.number().nullable(),
  discharge_capacity_mAh_g: z.number().nullable(),
  coulombic_efficiency: z.number().nullable(),
  claims_met: z.number().int().nullable(),
  claims_total: z.number().int().nullable(),
});

/** a row of GET /api/runs: the summary and the recipe's name when the run is in the server's cache */
export const runListEntrySchema = runSummarySchema.extend({ recipe_name: z.string().nullable() });

/** a stored station row (src/store/types.ts StationResultRecord): its columns and the output's station block */
export const storedStationSchema = z.strictObject({
  station_id: z.string(),
  force_N: z.number().nullable(),
  temperature_C: z.number().nullable(),
  peak_pressure_MPa: z.number().nullable(),
  bonded: z.boolean().nullable(),
  data: stationSchema.describe('the station block as in the output (line.stations[i])'),
});

/** the schemas and the store's types agree both ways: a field added to one and not the other fails the typecheck */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies Same<z.infer<typeof runSummarySchema>, RunSummary>;
true satisfies Same<z.infer<typeof storedStationSchema>, StationResultRecord>;

export const storedRunSchema = runSummarySchema.extend({
  recipe: z.strictObject({
    hash: z.string(),
    text: z.string(),
    // open on purpose: the recipe as parsed when the run was saved, kept verbatim (older versions' recipes too)
    parsed: z.unknown().describe('the recipe as parsed when the run was saved (JSON, verbatim)'),
  }),
  output: runOutputSchema,
  stations: z.array(storedStationSchema),
});

export const jobStateSchema = z.strictObject({
  run_id: z.string(),
  state: z.enum(['queued', 'running', 'completed', 'failed']),
  stage: z.string().nullable(),
  cells: z.number().int(),
  error: z.string().nullable(),
});

export const seriesQuerySchema = z
  .object({
    x: z.string().default('t_s').describe('column for the x axis'),
    y: z.string().describe('comma-separated columns to return'),
    x0: z.coerce.number().optional(),
    x1: z.coerce.number().optional(),
    px: z.coerce.number().int().gte(10).lte(8000).default(1200).describe('plot width in pixels (≤ 4 points per pixel)'),
  })
  .strict();

export const seriesResponseSchema = z.object({
  name: z.string(),
  x: z.string(),
  columns: z.record(z.string(), z.array(z.number())),
  points_total: z.number().int(),
  points_in_window: z.number().int(),
  points_returned: z.number().int(),
});

export const cycleRequestSchema = z
  .object({
    // open on purpose: a user's BPX object, checked field by field by the BPX parser (src/server/bpx.ts → src/bpx)
    bpx: z.record(z.string(), z.unknown()).optional().describe('a BPX cell (JSON object) for the liquid models'),
    text: z.string().optional().describe('or a recipe (YAML): the cell its line produces, solid-state models'),
    model: z.enum(['dfn', 'spme', 'spm', 'p2d']),
    experiment: z.array(z.string().min(1)).min(1).max(100).optional(),
    initial_soc: z.number().gte(0).lte(1).optional(),
    points: z.number().int().gte(10).lte(20_000).default(500).describe('points of the returned series'),
  })
  .strict();

/** Eq. 1 of [0178] (src/cycler/metrics.ts ExpansionRate): evaluable with its figures, or the reason not */
const expansionRateSchema = z.union([
  z.strictObject({
    evaluable: z.literal(true),
    before_um: z.number(),
    after_um: z.number(),
    rate_pct: z.number(),
    cycle: z.number().int(),
  }),
  z.strictObject({ evaluable: z.literal(false), reason: z.string() }),
]);

/** the experiment's first cycle (src/cycler/metrics.ts firstCycleSummary), its initial SOC and its points */
const cycleExperimentSummarySchema = z.strictObject({
  charge_capacity_mAh_g: z.number().nullable(),
  discharge_capacity_mAh_g: z.number().nullable(),
  coulombic_efficiency: z.number().nullable(),
  volume_expansion_rate_pct: z.number().nullable(),
  volume_expansion: expansionRateSchema,
  charge_capacity_Ah: z.number().nullable(),
  discharge_capacity_Ah: z.number().nullable(),
  initial_soc: z.number(),
  points: z.number().int().describe('points of the full series (before downsampling)'),
});

/** one constant-current step to a voltage cut-off on a BPX cell (a single DAE solve with a terminal event) */
const singleStepFields = {
  step: z.string().describe('the step as given'),
  stopped_by: z.string().describe("'voltage <V> V' at the cut-off, else the solver's status"),
  duration_s: z.number(),
  initial_soc: z.number(),
  points: z.number().int().describe('points of the full series (before downsampling)'),
};
const cycleSingleStepSummarySchema = z.union([
  z.strictObject({ ...singleStepFields, discharge_capacity_Ah: z.number() }),
  z.strictObject({ ...singleStepFields, charge_capacity_Ah: z.number() }),
]);

export const cycleResponseSchema = z.strictObject({
  model: z.string(),
  status: z.string(),
  summary: z.union([cycleExperimentSummarySchema, cycleSingleStepSummarySchema]),
  series: z.strictObject({
    time_s: z.array(z.number()),
    voltage_V: z.array(z.number()),
    current_A: z.array(z.number()),
  }),
  elapsed_ms: z.number(),
});

true satisfies Same<z.infer<typeof expansionRateSchema>, ExpansionRate>;
true satisfies Same<
  Omit<z.infer<typeof cycleExperimentSummarySchema>, 'initial_soc' | 'points'>,
  ReturnType<typeof firstCycleSummary>
>;

/** a material of the library with its sources (src/materials/library.ts, read from data/materials/library.json) */
export const materialSchema = materialOutSchema;
// one way: the file's checks are narrower than the Material interface (assumption: true only; non-empty strings)
true satisfies [z.infer<typeof materialSchema>] extends [Material] ? true : false;

export const compareQuerySchema = z.object({ ids: z.string().describe('comma-separated run ids (2 … 6)') }).strict();

export const exportFormatSchema = z.enum(['json', 'csv', 'xlsx', 'bdf']);

/* ---------------------------------------------------------------- sweeps and campaigns (issue 18) */

export const sweepRequestSchema = z
  .object({
    text: z.string().describe('recipe YAML text'),
    study: z.string().describe('study YAML text (parameters, design, outputs: the file rollcell sweep takes)'),
  })
  .strict();

export const sweepStartedSchema = z.object({
  study_id: z.string(),
  status: z.enum(['running', 'completed']),
  distributed: z.boolean().describe('true: the points go to the rollcell workers of the PostgreSQL queue'),
  events: z.string().describe('URL of the server-sent event stream of this sweep'),
});

export const campaignRequestSchema = z
  .object({
    text: z.string().describe('recipe YAML text'),
    cells: z.number().int().gte(1).lte(1_000_000_000).describe('cell positions of laminate to make'),
    seed: z.number().int().gte(0).lte(4294967295).default(1),
  })
  .strict();

export const campaignStartedSchema = z.object({
  campaign_id: z.string(),
  status: z.enum(['running', 'completed']),
  distributed: z.boolean(),
  shards: z.number().int(),
  events: z.string().describe('URL of the server-sent event stream of this campaign'),
});

export const longProgressSchema = z.object({
  done: z.number(),
  total: z.number(),
  failed: z.number().optional(),
  unit: z.enum(['points', 'shards']),
  elapsed_s: z.number(),
  eta_s: z.number().nullable(),
});

export const campaignCellSchema = z
  .object({
    shard: z.number().int(),
    idx: z.number().int(),
    serial: z.string(),
    lane: z.number().int(),
    s_m: z.number().describe('campaign laminate position of the cell, m'),
    in_spec: z.boolean(),
    cause: z.string().nullable(),
    rolls: z.record(z.string(), z.string()).describe("parent roll ids per sheet ('|'-joined across a splice)"),
    md_m: z.record(z.string(), z.number().nullable()).describe('MD position on the first parent roll, m'),
    splice: z.boolean(),
    anode_thickness_um: z.number().nullable(),
    capacity_mAh: z.number().nullable(),
  })
  .describe('a campaign cell with its genealogy');
