import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseRecipeText, type Recipe } from '../../src/recipe/index.ts';
import type { ProductionRun } from '../../src/process/line.ts';
import { presentCell, type CellRecord } from '../../src/present/production-cell.ts';

export const PATENT_TEXT = readFileSync(new URL('../../examples/patent-line.yaml', import.meta.url), 'utf8');

/** the patent example recipe with `patch` merged at the top level (production/variability/spec/line) */
export function recipeWith(patch: Record<string, unknown> = {}): Recipe {
  const obj = parse(PATENT_TEXT) as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    const cur = obj[k];
    obj[k] =
      cur && typeof cur === 'object' && v && typeof v === 'object' && !Array.isArray(v)
        ? { ...(cur as object), ...(v as object) }
        : v;
  }
  const r = parseRecipeText(JSON.stringify(obj));
  if (!r.ok)
    throw new Error(r.problems.map((p) => `${p.path}: ${p.problem} (got ${p.got}; allowed ${p.allowed})`).join('\n'));
  return r.recipe;
}

/** the run's cells as the store keeps them (src/present/production-cell.ts), presented once per run */
const presented = new WeakMap<ProductionRun, CellRecord[]>();
export function recordsOf(run: ProductionRun): CellRecord[] {
  let r = presented.get(run);
  if (!r) presented.set(run, (r = run.cells.map(presentCell)));
  return r;
}
