/**
 * Validation of the recipe's `variability` and `production` sections (their zod schemas live in
 * src/recipe/production.ts): `parseVariability` / `parseProduction` fill the defaults and throw a
 * ConfigError naming path, value and what is allowed.
 */
import { ProblemError, type Problem } from '../../problems.ts';
import { zodProblems } from '../../recipe/zod-problems.ts';
import { z } from 'zod';

// the schemas are the recipe's (src/recipe/production.ts); re-exported for the line's modules
export {
  sheetVariabilitySchema,
  stationVariabilitySchema,
  gaugeSchema,
  variabilitySchema,
  productionSchema,
  type Variability,
  type SheetVariability,
  type Production,
} from '../../recipe/production.ts';
import type { Production, Variability } from '../../recipe/production.ts';
import { productionSchema, variabilitySchema } from '../../recipe/production.ts';

// ------------------------------------------------------------------------------------- parsing
/** a bad production or variability setting: the one error value */
export class ConfigError extends ProblemError {
  constructor(problems: readonly Problem[]) {
    super(problems);
    this.name = 'ConfigError';
  }
}

function parseWith<T extends z.ZodType>(schema: T, root: string, data: unknown): z.output<T> {
  const r = schema.safeParse(data ?? {});
  if (r.success) return r.data;
  throw new ConfigError(zodProblems(r.error, data ?? {}, schema, root));
}

/** Validates the recipe's `variability` record (undefined → all defaults). Throws ConfigError. */
export function parseVariability(data: unknown): Variability {
  return parseWith(variabilitySchema, 'variability', data);
}

/** Validates the recipe's `production` record (undefined → all defaults). Throws ConfigError. */
export function parseProduction(data: unknown): Production {
  return parseWith(productionSchema, 'production', data);
}
