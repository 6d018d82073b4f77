/**
 * One point of a study: the base recipe with the point's values set, validated like any recipe, run
 * through the same job as `rollcell run` (`runJob`) with the study's stages, and reduced to the output
 * columns. A point that fails (invalid recipe, a Problem or an error of the physics) gives its reason
 * instead of outputs; it never stops the study. Pure and deterministic: the result depends only on the
 * base recipe, the stages, the values and the point's seed.
 *
 * What a point skips (it changes no verdict and no requested output): the reduction-force search of the
 * claim 3/4 evidence text, and the per-minute sampling of the cycling series (the solver takes the same
 * steps; only the step ends are kept).
 */
import { runJob, type JobOptions } from '../pipeline.ts';
import { validateRecipeData } from '../recipe/parse.ts';
import { formatProblem, ProblemError } from '../problems.ts';
import type { SsbCellParams } from '../electrochem/ssb/index.ts';
import type { Recipe } from '../recipe/schema.ts';
import type { Stages } from './schema.ts';
import type { Value } from './design.ts';
import { cloneData, getPath, setPath } from './paths.ts';
import { OUTPUT_ALIASES } from './plan.ts';

export type Cell = number | string | boolean | null;

/** What a worker needs to evaluate points (plain data: it crosses thread and machine boundaries). */
export interface PointContext {
  /** recipe data every point starts from (YAML as parsed, `--set` applied) */
  base: Record<string, unknown>;
  stages: Stages;
  /** factor paths, in the order of a point's values */
  paths: string[];
  /** output columns */
  columns: string[];
}

export interface PointTask {
  idx: number;
  values: Value[];
  seed: number;
  /** what the point is in its design (Saltelli matrix, optimiser generation), for the table */
  tag?: string;
}

export interface PointResult {
  idx: number;
  status: 'ok' | 'failed';
  seed: number;
  tag?: string;
  values: Value[];
  /** one cell per output column (null when the run has no such value) */
  outputs: Cell[];
  /** why the point failed */
  error?: string;
}

function tuneFor(
  paths: readonly string[],
  values: readonly Value[],
): ((p: SsbCellParams) => SsbCellParams) | undefined {
  const sets: [string, number][] = [];
  paths.forEach((p, i) => {
    if (p.startsWith('model.')) sets.push([p.slice('model.'.length), values[i] as number]);
  });
  if (sets.length === 0) return undefined;
  return (p) => {
    const q = cloneData(p) as unknown as Record<string, unknown>;
    for (const [path, v] of sets) setPath(q, path, v);
    return q as unknown as SsbCellParams;
  };
}

/** cells per metre of web at the recipe's lanes: the web length that carries N cells */
function webLengthFor(recipe: Recipe, cells: number): number {
  const lanes = Math.max(1, Math.floor(recipe.line.web_width_mm / recipe.cell.width_mm));
  return (Math.ceil(cells / lanes) * recipe.cell.length_mm) / 1000;
}

/** the job options of a point's stages */
export function jobOptions(recipe: Recipe, st: Stages, seed: number, tune?: JobOptions['cycling']): JobOptions {
  const cycle = st.first_cycle || st.rate || st.ageing !== undefined;
  return {
    seed,
    noCycling: !cycle,
    production: st.production ? { web_length_m: webLengthFor(recipe, st.production.cells) } : false,
    battery: st.battery,
    reductionForces: false,
    cycling: { series: 'summary', ...tune },
  };
}

function cellOf(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'object' && 'verdict' in (v as object)) return String((v as { verdict: unknown }).verdict);
  return null;
}

/** Evaluates one point. Never throws for a point's own failure. */
export function evaluatePoint(ctx: PointContext, task: PointTask): PointResult {
  const head = { idx: task.idx, seed: task.seed, values: task.values, ...(task.tag ? { tag: task.tag } : {}) };
  const fail = (error: string): PointResult => ({
    ...head,
    status: 'failed',
    outputs: ctx.columns.map(() => null),
    error,
  });
  const data = cloneData(ctx.base);
  ctx.paths.forEach((p, i) => {
    if (!p.startsWith('model.')) setPath(data, p, task.values[i]);
  });
  const v = validateRecipeData(data);
  if (!v.ok) return fail(v.problems.map((p) => `recipe ${formatProblem(p)}`).join('; '));
  const st = ctx.stages;
  const recipe: Recipe = {
    ...v.recipe,
    cycling: { ...v.recipe.cycling, rate_capability: st.rate, ageing_cycles: st.ageing?.cycles ?? 0 },
  };
  const tune = tuneFor(ctx.paths, task.values);
  let output;
  try {
    output = runJob(recipe, jobOptions(recipe, st, task.seed, tune ? { params: tune } : undefined)).output;
  } catch (e) {
    if (e instanceof ProblemError) return fail(e.message);
    return fail(`${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? String(e)}`);
  }
  const outputs = ctx.columns.map((col): Cell => {
    if (col === 'claims_met') return (output.claims ?? []).filter((c) => c.verdict === 'met').length;
    return cellOf(getPath(output, OUTPUT_ALIASES[col] ?? col));
  });
  return { ...head, status: 'ok', outputs };
}
