/**
 * The CLI's input helpers, shared by the commands: the one error value for a bad flag or file
 * (`ProblemError`, exit code 2 by type) and the recipe loader.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseRecipeText, MAX_RECIPE_BYTES } from '../recipe/parse.ts';
import type { Recipe } from '../recipe/schema.ts';
import { ProblemError, problem } from '../problems.ts';
import { parseErrorProblem, parseExperiment, type ExperimentEntryInput } from '../cycler/experiment.ts';

/** ends a command with an exit code after it has printed its own output (e.g. `bpx check` of a refused file) */
export class ExitStatus extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** a bad flag or file: `<path>: <problem> (got <value>; allowed <what>)`, exit code 2 */
export function inputError(path: string, what: string, got: string, allowed: string): ProblemError {
  return problem(path, what, got, allowed);
}

/** the problems of e under a prefix (the flag that brought the input: `--cell`, `--experiment`), or e itself */
export function underFlag(flag: string, e: unknown): unknown {
  return e instanceof ProblemError ? new ProblemError(e.problems, e.prefix ? `${flag}: ${e.prefix}` : flag) : e;
}

/** Reads and validates a recipe file, or throws a ProblemError. */
export function loadRecipe(file: string): { recipe: Recipe; text: string } {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw inputError('recipe', 'not a regular file', JSON.stringify(file), 'a YAML recipe file');
    size = st.size;
  } catch (e) {
    if (e instanceof ProblemError) throw e;
    throw inputError(
      'recipe',
      'file not found or not readable',
      JSON.stringify(file),
      'an existing, readable YAML file',
    );
  }
  if (size > MAX_RECIPE_BYTES)
    throw inputError('', 'file too large for a recipe', `${size} bytes`, `<= ${MAX_RECIPE_BYTES} bytes`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw inputError('recipe', 'file not readable', JSON.stringify(file), 'a readable YAML file');
  }
  const r = parseRecipeText(text);
  if (!r.ok) throw new ProblemError(r.problems, file);
  if (r.recipe.experiment) {
    // the steps themselves (the schema checks the structure; the experiment language is the cycler's)
    const e = parseExperiment(r.recipe.experiment as ExperimentEntryInput[], 'experiment');
    if (!e.ok) throw new ProblemError(e.errors.map(parseErrorProblem), file);
  }
  return { recipe: r.recipe, text };
}

export function parseSeed(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1)
    throw inputError('--seed', 'must be a non-negative integer', JSON.stringify(v), '0 … 4294967295');
  return n;
}
