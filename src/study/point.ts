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
import type { z } from 'zod';
import { runJob, type JobOptions } from '../pipeline.ts';
import { semanticProblems, validateRecipeData } from '../recipe/parse.ts';
import { formatProblem, ProblemError } from '../problems.ts';
import type { SsbCellParams } from '../electrochem/ssb/index.ts';
import type { Recipe } from '../recipe/schema.ts';
import type { Stages } from './schema.ts';
import type { Value } from './design.ts';
import { cloneData, getPath, recipeLeafSchema, setPath } from './paths.ts';
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
    // a point keeps only the output: the production run's cell records are dropped as they are made, so a
    // point of up to 10⁷ cells runs in bounded memory (no record is kept past the kept-cells limit)
    ...(st.production ? { cellSink: () => {} } : {}),
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

/**
 * Blocks whose schemas check each field on its own (no rule across fields inside the schema: those are
 * in `semanticProblems`). A point that only changes fields under them is validated by checking the
 * changed fields with their own schemas and running the cross-field checks on the result — the same
 * verdict as parsing the whole recipe again, without re-parsing it. Anything else (a block the base
 * does not have, the production/variability/battery blocks) is validated by the full parse.
 */
const FIELD_WISE_BLOCKS = new Set(['first_sheet', 'al_sheet', 'third_sheet', 'stations', 'line', 'cell', 'cycling']);

interface Prepared {
  key: string;
  /** the validated base recipe, or undefined when the base itself is invalid */
  recipe: Recipe | undefined;
  /** per factor: its leaf schema when it can be checked field-wise */
  leaves: (z.ZodType | undefined)[];
  claims: boolean;
}

let prepared: Prepared | undefined;

function prepare(ctx: PointContext): Prepared {
  const key = JSON.stringify([ctx.base, ctx.paths]);
  if (prepared?.key === key) return prepared;
  const v = validateRecipeData(cloneData(ctx.base));
  const recipe = v.ok ? v.recipe : undefined;
  const leaves = ctx.paths.map((p) => {
    if (p.startsWith('model.') || !recipe || !FIELD_WISE_BLOCKS.has(p.split('.')[0]!)) return undefined;
    // the parent block must exist in the base (setting a field of an absent optional block needs the full parse)
    const parent = p.split('.').slice(0, -1).join('.');
    const obj = getPath(recipe, parent);
    if (obj === null || typeof obj !== 'object') return undefined;
    return recipeLeafSchema(p);
  });
  prepared = {
    key,
    recipe,
    leaves,
    claims: ctx.columns.some((c) => c === 'claims_met' || c.startsWith('claims')),
  };
  return prepared;
}

/** a copy of `r` with `path` set, sharing every untouched block (the physics never mutates a recipe) */
function withValue<T>(r: T, keys: readonly string[], value: unknown): T {
  if (keys.length === 0) return value as T;
  const o = r as Record<string, unknown>;
  return { ...o, [keys[0]!]: withValue(o[keys[0]!], keys.slice(1), value) } as T;
}

/** the point's recipe: field-wise when it can be, else the full parse of the base with the values set */
function pointRecipe(
  ctx: PointContext,
  pre: Prepared,
  values: readonly Value[],
): { ok: true; recipe: Recipe } | { ok: false; error: string } {
  let fast = pre.recipe !== undefined;
  let recipe = pre.recipe!;
  for (let i = 0; fast && i < ctx.paths.length; i++) {
    const p = ctx.paths[i]!;
    if (p.startsWith('model.')) continue;
    const leaf = pre.leaves[i];
    const r = leaf?.safeParse(values[i]);
    if (!r || !r.success) fast = false;
    else recipe = withValue(recipe, p.split('.'), r.data);
  }
  if (fast) {
    const sem = semanticProblems(recipe);
    if (sem.length === 0) return { ok: true, recipe };
  }
  const data = cloneData(ctx.base);
  ctx.paths.forEach((p, i) => {
    if (!p.startsWith('model.')) setPath(data, p, values[i]);
  });
  const v = validateRecipeData(data);
  if (!v.ok) return { ok: false, error: v.problems.map((p) => `recipe ${formatProblem(p)}`).join('; ') };
  return { ok: true, recipe: v.recipe };
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
  const pre = prepare(ctx);
  const v = pointRecipe(ctx, pre, task.values);
  if (!v.ok) return fail(v.error);
  const st = ctx.stages;
  const recipe: Recipe = {
    ...v.recipe,
    cycling: { ...v.recipe.cycling, rate_capability: st.rate, ageing_cycles: st.ageing?.cycles ?? 0 },
  };
  const tune = tuneFor(ctx.paths, task.values);
  let output;
  try {
    output = runJob(recipe, {
      ...jobOptions(recipe, st, task.seed, tune ? { params: tune } : undefined),
      claims: pre.claims,
    }).output;
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
