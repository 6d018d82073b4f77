/**
 * POST /api/recipes/validate's answer: the recipe checked as `rollcell validate` checks it, then evaluated
 * on the line alone (no cycling) for the windows, the claims' verdicts and the line block. An invalid
 * recipe is an answer (`ok: false` with its Problems), whether the parser or the evaluation found it; any
 * other error is internal and is thrown — the server logs it and answers a 500 that names nothing of it.
 */
import type { z } from 'zod';
import { parseJobRecipe, runJob, type JobResult } from '../pipeline.ts';
import { ProblemError, type Problem } from '../problems.ts';
import type { Recipe } from '../recipe/schema.ts';
import type { validateResponseSchema } from './schemas.ts';

/** the answer (the response schema's, with the cell design of a valid recipe) */
export type RecipeValidation = z.input<typeof validateResponseSchema> & { design?: JobResult['output']['design'] };

/** the line-only evaluation of a valid recipe */
export const lineOnly = (recipe: Recipe): JobResult => runJob(recipe, { noCycling: true });

export function recipeValidation(text: string, evaluate: (recipe: Recipe) => JobResult = lineOnly): RecipeValidation {
  const t0 = performance.now();
  const invalid = (problems: Problem[]): RecipeValidation => ({
    ok: false,
    problems,
    windows: [],
    claims: [],
    warnings: [],
    line: null,
    elapsed_ms: performance.now() - t0,
  });
  const r = parseJobRecipe(text);
  if (!r.ok) return invalid(r.problems);
  let job: JobResult;
  try {
    job = evaluate(r.recipe);
  } catch (e) {
    if (e instanceof ProblemError) return invalid([...e.problems]);
    throw e;
  }
  return {
    ok: true,
    problems: [],
    windows: job.windows,
    claims: job.output.claims ?? [],
    warnings: job.warnings,
    line: job.output.line ?? null,
    design: job.output.design,
    elapsed_ms: performance.now() - t0,
  };
}
