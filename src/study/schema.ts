/**
 * The study language (`rollcell sweep|solve|optimise <recipe.yaml> <study.yaml>`): which recipe paths
 * (and cell-model parameters) vary and how, the design that places the points, the stages each point
 * runs, and the outputs kept. Field names carry units where they have one; parameter paths are the
 * recipe's own (`stations.240.force_N`), or `model.<path>` for a parameter of the solid-state cell model
 * in SI (`model.cathode.Ds.ref`).
 */
import { z } from 'zod';

const finite = z.number();

/** A list of levels: numbers, or names (e.g. materials). */
export const listSpecSchema = z.array(z.union([finite, z.string().min(1)])).min(1);

/** A range: grid levels from..to (n of them), or a uniform (log-uniform) range for samplers. */
export const rangeSpecSchema = z
  .object({
    from: finite.describe('lowest value'),
    to: finite.describe('highest value'),
    n: z.number().int().gte(1).lte(10_000).optional().describe('grid levels (default 5)'),
    scale: z.enum(['linear', 'log']).default('linear').describe('level spacing / sampling scale'),
  })
  .strict();

export const distSpecSchema = z.discriminatedUnion('dist', [
  z.object({ dist: z.literal('uniform'), low: finite, high: finite, n: z.number().int().gte(1).optional() }).strict(),
  z
    .object({
      dist: z.literal('normal'),
      mean: finite,
      sd: finite.gt(0),
      low: finite.optional().describe('truncate below'),
      high: finite.optional().describe('truncate above'),
      n: z.number().int().gte(1).optional(),
    })
    .strict(),
  z
    .object({
      dist: z.literal('lognormal'),
      median: finite.gt(0),
      gsd: finite.gt(1).describe('geometric standard deviation'),
      n: z.number().int().gte(1).optional(),
    })
    .strict(),
  z
    .object({
      dist: z.literal('triangular'),
      low: finite,
      mode: finite,
      high: finite,
      n: z.number().int().gte(1).optional(),
    })
    .strict(),
]);

export const parameterSpecSchema = z.union([listSpecSchema, rangeSpecSchema, distSpecSchema]);

export const designSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('grid') }).strict(),
  z.object({ type: z.literal('lhs'), n: z.number().int().gte(2).lte(10_000_000) }).strict(),
  z.object({ type: z.literal('sobol'), n: z.number().int().gte(2).lte(10_000_000) }).strict(),
  z
    .object({
      type: z.literal('saltelli'),
      n: z.number().int().gte(8).lte(1_000_000).describe('base samples N: N·(d + 2) points'),
      bootstrap: z.number().int().gte(0).lte(10_000).default(200).describe('bootstrap resamples for the CIs'),
      confidence: z.number().gt(0).lt(1).default(0.95),
    })
    .strict(),
  z
    .object({
      type: z.literal('points'),
      points: z.array(z.record(z.string(), z.union([finite, z.string()]))).min(1),
    })
    .strict(),
]);

export const stagesSchema = z
  .object({
    first_cycle: z.boolean().default(false).describe('the [0178] first cycle (or the recipe experiment)'),
    rate: z.boolean().default(false).describe('rate capability (claim 16); needs first_cycle'),
    ageing: z
      .object({ cycles: z.number().int().gte(1).lte(100_000) })
      .strict()
      .optional()
      .describe('K ageing cycles (claim 19); needs first_cycle'),
    production: z
      .object({ cells: z.number().int().gte(1).lte(10_000_000) })
      .strict()
      .optional()
      .describe('a production run long enough for N cells (yield, $/kWh)'),
    battery: z.boolean().default(false).describe("the recipe's battery on its duty profile"),
  })
  .strict();

/** a bound on an output: {min}, {max}, {target, tol} or a verdict */
export const boundSchema = z.union([
  z
    .object({
      min: finite.optional(),
      max: finite.optional(),
      target: finite.optional(),
      tol: finite.gte(0).optional(),
    })
    .strict(),
  z.enum(['met', 'not met', 'not evaluable']),
  z.boolean(),
]);

export const solveSchema = z
  .object({
    targets: z.record(z.string(), boundSchema).describe('output path → bound that a setting must meet'),
    minimise: z.string().optional().describe('among the settings that meet every bound, the one with the least'),
    maximise: z.string().optional(),
    evaluations: z.number().int().gte(4).lte(1_000_000).default(256).describe('Sobol points of the search'),
    refine: z.number().int().gte(0).lte(10_000).default(64).describe('local refinement evaluations'),
  })
  .strict();

export const optimiseSchema = z
  .object({
    objectives: z.record(z.string(), z.enum(['min', 'max'])).describe('output path → min or max'),
    constraints: z.record(z.string(), boundSchema).default({}),
    population: z.number().int().gte(4).lte(10_000).default(40),
    generations: z.number().int().gte(1).lte(10_000).default(20),
  })
  .strict();

export const studySchema = z
  .object({
    rollcell_study: z.literal(1).default(1).describe('study format version'),
    name: z.string().min(1),
    description: z.string().optional(),
    seed: z.number().int().gte(0).lte(4294967295).default(1).describe('seeds every point (same seed → same table)'),
    parameters: z.record(z.string(), parameterSpecSchema).default({}),
    library_inputs: z
      .union([z.literal('all'), z.array(z.string().min(1))])
      .optional()
      .describe("add inputs with the library's ranges (data/study/library-inputs.json): all, or a list of paths"),
    design: designSchema.default({ type: 'grid' }),
    replicates: z
      .number()
      .int()
      .gte(1)
      .lte(10_000)
      .default(1)
      .describe('runs of every design point, each with its own seed (production and battery variability)'),
    seeds: z
      .enum(['per_point', 'common'])
      .default('per_point')
      .describe(
        'per_point: every point its own seed; common: replicate r of every design point shares one seed ' +
          "(common random numbers: differences between points are the inputs', not the noise's)",
      ),
    stages: stagesSchema.default({ first_cycle: false, rate: false, battery: false }),
    outputs: z.array(z.string().min(1)).min(1).optional().describe('output paths (default: a standard set)'),
    feasible: z
      .record(z.string(), boundSchema)
      .optional()
      .describe('bounds that make a point feasible (shaded as the window in the report)'),
    solve: solveSchema.optional(),
    optimise: optimiseSchema.optional(),
  })
  .strict();

export type ParameterSpec = z.output<typeof parameterSpecSchema>;
export type Bound = z.output<typeof boundSchema>;
export type StudyInput = z.input<typeof studySchema>;
export type Study = z.output<typeof studySchema>;
export type DesignSpec = z.output<typeof designSchema>;
export type Stages = z.output<typeof stagesSchema>;
