/**
 * Measured line data for a production run (the edge: reads the file; src/process/production/linedata.ts
 * parses it): `--line-data <file>` (relative to the working directory) or the recipe's
 * `production.line_data` (relative to the recipe file). A bad file is an input error (exit 2) naming
 * the file, the line and the column.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Recipe } from '../recipe/schema.ts';
import { ProblemError } from '../problems.ts';
import { LineDataError, parseLineData, type LineData } from '../process/production/linedata.ts';

/** largest line-data file read (bytes): a week of 10 Hz data at three nips is ≈ 100 MB */
export const MAX_LINE_DATA_BYTES = 512 * 1024 * 1024;

export interface LoadedLineData {
  data: LineData;
  /** the file as given, where it came from, and its SHA-256 (stored with the run) */
  file: string;
  source: '--line-data' | 'production.line_data';
  sha256: string;
}

export function loadLineData(recipeFile: string, recipe: Recipe, flag?: string): LoadedLineData | undefined {
  const fromRecipe = (recipe.production as { line_data?: string } | undefined)?.line_data;
  const source = flag !== undefined ? '--line-data' : 'production.line_data';
  const given = flag ?? fromRecipe;
  if (given === undefined) return undefined;
  const path = flag !== undefined ? resolve(flag) : resolve(dirname(recipeFile), given);
  const fail = (problem: string, got: string, allowed: string): never => {
    throw new ProblemError({ path: source, problem, got, allowed });
  };
  let size = 0;
  try {
    const st = statSync(path);
    if (!st.isFile()) fail('not a regular file', JSON.stringify(given), 'a CSV file of measured line data');
    size = st.size;
  } catch (e) {
    if (e instanceof ProblemError) throw e;
    fail('file not found or not readable', JSON.stringify(path), 'an existing CSV file (README: measured line data)');
  }
  if (size > MAX_LINE_DATA_BYTES) fail('file too large', `${size} bytes`, `≤ ${MAX_LINE_DATA_BYTES} bytes`);
  const text = readFileSync(path, 'utf8');
  try {
    return {
      data: parseLineData(text),
      file: given,
      source,
      sha256: createHash('sha256').update(text).digest('hex'),
    };
  } catch (e) {
    if (!(e instanceof LineDataError)) throw e;
    const p = e.problems[0]!;
    throw new ProblemError(
      { path: source, problem: `column ${e.column}: ${p.problem}`, got: p.got, allowed: p.allowed, line: e.line },
      given,
    );
  }
}
