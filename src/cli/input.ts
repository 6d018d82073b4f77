/**
 * The CLI's input helpers, shared by the commands: the one error value for a bad flag or file
 * (`ProblemError`, exit code 2 by type) and the recipe loader.
 */
import { dirname, resolve } from 'node:path';
import type { Recipe } from '../recipe/schema.ts';
import { ProblemError, problem } from '../problems.ts';
import { MAX_FILE_BYTES, readUserFile } from '../io/files.ts';
import { readDriveCycle } from '../cycler/io.ts';
import type { DriveCycle } from '../cycler/machine.ts';
import { parseJobRecipe } from '../pipeline.ts';

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

export interface LoadedRecipe {
  recipe: Recipe;
  /** the text as read (stored with the run) */
  text: string;
  /** the drive cycles the recipe's experiment names, read relative to the recipe's directory */
  driveCycles: Record<string, DriveCycle>;
}

/**
 * Reads and validates a recipe file — the ONE validation `validate`, `run`, `cycle` and `battery` share
 * (and the server, through parseJobRecipe): the recipe's schema and cross-field checks, its experiment
 * steps, the drive-cycle files they name (read relative to the recipe's directory, as regular files under
 * the size cap) and the job limits. The file itself is read through the file-safety helper (a regular
 * file under 1 MB). Throws a ProblemError (exit 2) naming the file, the field and the line.
 */
export function loadRecipe(file: string, stages: { production?: boolean; battery?: boolean } = {}): LoadedRecipe {
  const text = readUserFile(file, { field: 'recipe', maxBytes: MAX_FILE_BYTES.recipe, what: 'YAML recipe file' });
  const baseDir = dirname(resolve(file));
  const r = parseJobRecipe(text, { stages, readDriveCycle: (src) => readDriveCycle(src, baseDir, 'experiment') });
  if (!r.ok) throw new ProblemError(r.problems, file);
  return { recipe: r.recipe, text, driveCycles: r.driveCycles };
}

export function parseSeed(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1)
    throw inputError('--seed', 'must be a non-negative integer', JSON.stringify(v), '0 … 4294967295');
  return n;
}
