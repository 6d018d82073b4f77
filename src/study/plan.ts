/**
 * A study file → a checked, runnable plan: the factors (recipe paths and model parameters with their
 * specs), the design, the stages and the output columns. Every problem is a `Problem` whose path is the
 * study's own (`parameters.stations.240.force_N.to`, `outputs.2`), so the CLI can name the study file
 * and the field. Pure: the caller reads the files.
 */
import { z } from 'zod';
import { readYamlMapping, describeValue } from '../recipe/parse.ts';
import { ProblemError, type Problem } from '../problems.ts';
import { assetJson } from '../assets.ts';
import {
  distSpecSchema,
  rangeSpecSchema,
  studySchema,
  type Bound,
  type ParameterSpec,
  type Stages,
  type Study,
} from './schema.ts';
import { makeFactor, makePlan, replicated, type Factor, type Plan } from './design.ts';
import { getPath, recipeLeaf } from './paths.ts';

/** One input of the library's sensitivity catalogue (data/study/library-inputs.json). */
export interface LibraryInput {
  path: string;
  from: number;
  to: number;
  scale: 'linear' | 'log';
  unit: string;
  source: string;
}

const libraryFileSchema = z.object({
  description: z.string(),
  inputs: z.array(
    z
      .object({
        path: z.string(),
        from: z.number(),
        to: z.number(),
        scale: z.enum(['linear', 'log']),
        unit: z.string(),
        source: z.string(),
      })
      .strict(),
  ),
});

let library: LibraryInput[] | undefined;
/** The library's sensitivity inputs with their ranges and sources. */
export function libraryInputs(): LibraryInput[] {
  library ??= libraryFileSchema.parse(assetJson('study/library-inputs.json')).inputs;
  return library;
}

/** Output columns that are not plain paths of the run JSON. */
export const OUTPUT_ALIASES: Readonly<Record<string, string>> = {
  yield_pct: 'production.yield_pct',
  cost_per_kWh: 'production.cost_per_kWh',
};

/** claims whose verdicts bound the process window (drawn as boundaries in the 2-D maps) */
export const BOUNDARY_CLAIMS = [3, 4, 7, 12, 13, 14, 16] as const;

const STAGE_OF_BLOCK: Record<string, keyof Stages | 'line'> = {
  design: 'line',
  line: 'line',
  windows: 'line',
  warnings: 'line',
  claims: 'line',
  claims_met: 'line',
  cycling: 'first_cycle',
  production: 'production',
  battery: 'battery',
};

export function defaultOutputs(st: Stages): string[] {
  const out = [
    'design.specific_energy_Wh_kg',
    'design.cell.thickness_um',
    'line.anode.thickness_um',
    'line.anode.free_li_um',
    'line.crack.sandwiched.risk',
    'line.stations.240.peak_pressure_MPa',
  ];
  if (st.first_cycle || st.rate || st.ageing)
    out.push('cycling.discharge_capacity_mAh_g', 'cycling.coulombic_efficiency', 'cycling.volume_expansion_rate_pct');
  if (st.rate) out.push('cycling.max_c_rate');
  if (st.ageing) out.push('cycling.ageing.capacity_retention_pct');
  if (st.production) out.push('yield_pct', 'cost_per_kWh');
  if (st.battery) out.push('battery.pack.specific_energy_Wh_kg');
  out.push('claims', 'claims_met');
  return out;
}

/** `claims` expands into one verdict column per claim */
export function expandOutputs(outputs: readonly string[]): string[] {
  const cols: string[] = [];
  for (const o of outputs) {
    if (o === 'claims') for (let c = 1; c <= 20; c++) cols.push(`claims.${c}`);
    else cols.push(o);
  }
  return [...new Set(cols)];
}

/** what an output column needs run, or a reason it is not an output */
function outputStage(col: string): keyof Stages | 'line' | undefined {
  const path = OUTPUT_ALIASES[col] ?? col;
  const head = path.split('.')[0]!;
  if (head === 'claims' && path !== 'claims') {
    const n = Number(path.split('.')[1]);
    if (!(Number.isInteger(n) && n >= 1 && n <= 20) || path.split('.').length > 2) return undefined;
  }
  return STAGE_OF_BLOCK[head];
}

function stageOn(st: Stages, s: keyof Stages | 'line'): boolean {
  if (s === 'line') return true;
  if (s === 'first_cycle') return st.first_cycle || st.rate || st.ageing !== undefined;
  return Boolean(st[s]);
}

export interface StudyPlan {
  study: Study;
  /** the recipe data (YAML as parsed, `--set` applied) that every point starts from */
  base: Record<string, unknown>;
  factors: Factor[];
  plan: Plan;
  /** output columns, in order */
  columns: string[];
  /** library sources of the factors that came from the catalogue, by path */
  sources: Record<string, string>;
  /** bounds of a feasible point (window shading), possibly empty */
  feasible: Record<string, Bound>;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k as string];
  }
  return cur;
}

function zodProblems(err: z.ZodError, data: unknown, prefix: readonly PropertyKey[] = []): Problem[] {
  return err.issues.flatMap((i): Problem[] => {
    const full = [...prefix, ...i.path];
    const path = full.map(String).join('.');
    const value = valueAt(data, full);
    // a parameter spec that matches none of its forms: check it against the form it looks like
    if (
      i.code === 'invalid_union' &&
      full[0] === 'parameters' &&
      full.length === 2 &&
      value &&
      typeof value === 'object' &&
      !Array.isArray(value)
    ) {
      const form = 'from' in value ? rangeSpecSchema : 'dist' in value ? distSpecSchema : undefined;
      const r = form?.safeParse(value);
      if (r && !r.success) return zodProblems(r.error, data, full);
    }
    let allowed = 'see the study format in the README (sweeps)';
    if (i.code === 'too_small') allowed = `>= ${String((i as { minimum: unknown }).minimum)}`;
    else if (i.code === 'too_big') allowed = `<= ${String((i as { maximum: unknown }).maximum)}`;
    else if (i.code === 'invalid_value')
      allowed = `one of ${(i as { values: unknown[] }).values.map((v) => JSON.stringify(v)).join(', ')}`;
    else if (i.code === 'unrecognized_keys') allowed = 'no extra keys';
    else if (i.code === 'invalid_type') allowed = `a ${(i as { expected: string }).expected}`;
    else if (i.code === 'invalid_union')
      allowed =
        full[0] === 'parameters'
          ? 'a list of levels, {from, to, n?, scale?}, or {dist: uniform|normal|lognormal|triangular, …}'
          : 'one of the documented forms';
    if (i.code === 'unrecognized_keys')
      return i.keys.map((k) => ({
        path: [path, k].filter(Boolean).join('.'),
        problem: 'unknown key',
        got: describeValue(valueAt(data, [...full, k])),
        allowed,
      }));
    return [
      {
        path,
        problem: value === undefined ? 'required field is missing' : i.message,
        got: describeValue(value),
        allowed,
      },
    ];
  });
}

/** Parses study YAML text; throws ProblemError (paths in the study) on any problem. */
export function parseStudyText(text: string): Study {
  const y = readYamlMapping(text, 'a study', 'name, parameters, design, stages, outputs');
  if (!y.ok) throw new ProblemError(y.problems);
  const r = studySchema.safeParse(y.data);
  if (!r.success)
    throw new ProblemError(
      zodProblems(r.error, y.data).map((p) => {
        const line = y.lineOf(p.path);
        return line ? { ...p, line } : p;
      }),
    );
  return r.data;
}

/** Checks a parameter spec's numbers (ranges, positive log scales, distributions). */
function specProblems(path: string, spec: ParameterSpec): Problem[] {
  const at = `parameters.${path}`;
  const out: Problem[] = [];
  if (Array.isArray(spec)) return out;
  if ('from' in spec) {
    if (spec.scale === 'log' && !(spec.from > 0 && spec.to > 0))
      out.push({
        path: at,
        problem: 'a log scale needs positive ends',
        got: `${spec.from} … ${spec.to}`,
        allowed: '> 0',
      });
    if (spec.from === spec.to && (spec.n ?? 2) > 1)
      out.push({
        path: `${at}.to`,
        problem: 'a range needs two different ends',
        got: String(spec.to),
        allowed: `≠ from (${spec.from})`,
      });
    return out;
  }
  if (spec.dist === 'uniform' && !(spec.high > spec.low))
    out.push({ path: `${at}.high`, problem: 'must be above low', got: String(spec.high), allowed: `> ${spec.low}` });
  if (spec.dist === 'triangular' && !(spec.low <= spec.mode && spec.mode <= spec.high && spec.low < spec.high))
    out.push({
      path: `${at}.mode`,
      problem: 'must lie within low … high',
      got: String(spec.mode),
      allowed: `${spec.low} … ${spec.high}`,
    });
  if (spec.dist === 'normal' && spec.low !== undefined && spec.high !== undefined && !(spec.high > spec.low))
    out.push({ path: `${at}.high`, problem: 'must be above low', got: String(spec.high), allowed: `> ${spec.low}` });
  return out;
}

/** pass as `modelParams` to re-plan a stored study without checking its model.* paths again */
export const UNCHECKED: unique symbol = Symbol('unchecked');

/**
 * The plan of a study on a recipe. `modelParams` is the base recipe's cell-model parameters (for
 * checking `model.*` paths), or undefined when the base recipe cannot cycle.
 */
export function planStudy(study: Study, base: Record<string, unknown>, modelParams: unknown): StudyPlan {
  const problems: Problem[] = [];
  const params: Record<string, ParameterSpec> = {};
  const sources: Record<string, string> = {};
  const units: Record<string, string> = {};
  if (study.library_inputs !== undefined) {
    const lib = libraryInputs();
    const want = study.library_inputs === 'all' ? lib.map((l) => l.path) : study.library_inputs;
    want.forEach((p, i) => {
      const l = lib.find((x) => x.path === p);
      if (!l) {
        problems.push({
          path: `library_inputs.${i}`,
          problem: 'not in the library catalogue',
          got: JSON.stringify(p),
          allowed: lib.map((x) => x.path).join(', '),
        });
        return;
      }
      // an input the base recipe does not have (e.g. station 222 of a ready-made sheet) is left out
      if (!l.path.startsWith('model.') && getPath(base, l.path) === undefined) return;
      if (l.path.startsWith('model.') && modelParams === undefined) return;
      params[l.path] = { from: l.from, to: l.to, scale: l.scale };
      sources[l.path] = l.source;
      units[l.path] = l.unit;
    });
  }
  for (const [p, spec] of Object.entries(study.parameters)) {
    params[p] = spec;
    delete sources[p];
  }
  const design = study.design;
  if (design.type === 'points') {
    design.points.forEach((pt, i) => {
      for (const k of Object.keys(pt)) if (!(k in params)) params[k] = [pt[k]!];
      for (const k of Object.keys(params))
        if (!(k in pt))
          problems.push({
            path: `design.points.${i}`,
            problem: `has no value for ${k}`,
            got: describeValue(pt),
            allowed: `a value for every varied path (${Object.keys(params).join(', ')})`,
          });
    });
  }
  const factors: Factor[] = [];
  for (const [path, spec] of Object.entries(params)) {
    problems.push(...specProblems(path, spec));
    if (path.startsWith('model.') && modelParams === UNCHECKED) {
      // a stored study, checked when it was run
    } else if (path.startsWith('model.')) {
      if (modelParams === undefined) {
        problems.push({
          path: `parameters.${path}`,
          problem: 'a model parameter needs a recipe whose line makes a cell that cycles',
          got: path,
          allowed: 'recipe paths only for this recipe',
        });
        continue;
      }
      const v = getPath(modelParams, path.slice('model.'.length));
      if (typeof v !== 'number')
        problems.push({
          path: `parameters.${path}`,
          problem: 'not a numeric parameter of the cell model',
          got: describeValue(v),
          allowed: 'a number in the SSB model parameters, e.g. model.cathode.Ds.ref, model.electrolyte.sigma.ref',
        });
    } else {
      const leaf = recipeLeaf(path);
      if (!leaf.ok) {
        problems.push({
          path: `parameters.${path}`,
          problem: 'not a recipe field',
          got: JSON.stringify(path),
          allowed: leaf.why,
        });
        continue;
      }
      const numericSpec = !Array.isArray(spec) || spec.every((v) => typeof v === 'number');
      if (leaf.kind === 'number' && !numericSpec)
        problems.push({
          path: `parameters.${path}`,
          problem: 'a numeric field takes numbers',
          got: describeValue(spec),
          allowed: 'numbers',
        });
      if (
        (leaf.kind === 'string' || leaf.kind === 'enum') &&
        numericSpec &&
        !(Array.isArray(spec) && spec.length === 0)
      )
        problems.push({
          path: `parameters.${path}`,
          problem: 'a text field takes a list of names',
          got: describeValue(spec),
          allowed: leaf.options ? `a list of ${leaf.options.join(', ')}` : 'a list of names',
        });
    }
    factors.push(makeFactor(path, spec, units[path]));
  }
  if (factors.length === 0)
    problems.push({
      path: 'parameters',
      problem: 'a study varies at least one input',
      got: 'none',
      allowed: 'recipe paths with ranges or lists',
    });
  if (design.type === 'saltelli' && factors.length * 2 > 1024)
    problems.push({
      path: 'parameters',
      problem: 'too many inputs for the Sobol sequence',
      got: String(factors.length),
      allowed: '<= 512',
    });
  if (design.type === 'sobol' && factors.length > 1024)
    problems.push({
      path: 'parameters',
      problem: 'too many inputs for the Sobol sequence',
      got: String(factors.length),
      allowed: '<= 1024',
    });

  const st = study.stages;
  const outputs = study.outputs ?? defaultOutputs(st);
  const columns = expandOutputs(outputs);
  const bounds: [string, Record<string, Bound>][] = [['feasible', study.feasible ?? {}]];
  if (study.solve) bounds.push(['solve.targets', study.solve.targets]);
  if (study.optimise) bounds.push(['optimise.constraints', study.optimise.constraints]);
  const extra: string[] = [];
  for (const [where, b] of bounds) for (const k of Object.keys(b)) extra.push(`${where}.${k}`);
  if (study.solve?.minimise) extra.push('solve.minimise');
  if (study.solve?.maximise) extra.push('solve.maximise');
  if (study.optimise) for (const k of Object.keys(study.optimise.objectives)) extra.push(`optimise.objectives.${k}`);
  const check = (col: string, where: string): void => {
    if (col in params) return; // an input used as an objective or bound
    const s = outputStage(col);
    if (s === undefined)
      problems.push({
        path: where,
        problem: 'not an output of a run',
        got: JSON.stringify(col),
        allowed:
          'a path of the run JSON under design, line, cycling, production, battery; claims or claims.N (1–20); ' +
          `claims_met; ${Object.keys(OUTPUT_ALIASES).join(', ')}`,
      });
    else if (!stageOn(st, s))
      problems.push({
        path: where,
        problem: `needs the ${s} stage`,
        got: JSON.stringify(col),
        allowed: `outputs of the stages run (add stages.${s}${s === 'production' ? ': {cells: N}' : ': true'})`,
      });
  };
  outputs.forEach((o, i) => check(o, `outputs.${i}`));
  for (const e of extra) {
    const col = e.replace(/^(feasible|solve\.targets|optimise\.constraints|optimise\.objectives)\./, '');
    if (e === 'solve.minimise' || e === 'solve.maximise') {
      const v = e === 'solve.minimise' ? study.solve!.minimise! : study.solve!.maximise!;
      check(v, e);
      if (!columns.includes(v) && !(v in params)) columns.push(v);
    } else {
      check(col, e);
      if (!columns.includes(col) && !(col in params)) columns.push(col);
    }
  }
  if (study.solve && study.solve.minimise && study.solve.maximise)
    problems.push({
      path: 'solve',
      problem: 'give minimise or maximise, not both',
      got: 'both',
      allowed: 'one of them',
    });
  if (study.optimise && Object.keys(study.optimise.objectives).length < 2)
    problems.push({
      path: 'optimise.objectives',
      problem: 'a Pareto front needs at least two objectives',
      got: String(Object.keys(study.optimise.objectives).length),
      allowed: '>= 2 (use solve for one)',
    });
  if (study.replicates > 1 && design.type === 'saltelli')
    problems.push({
      path: 'replicates',
      problem: 'a Saltelli design is not replicated (its matrices are the sample)',
      got: String(study.replicates),
      allowed: '1 with design saltelli',
    });
  if (design.type === 'grid') {
    const size = factors.reduce((n, f) => n * f.levels().length, 1);
    if (size > 10_000_000)
      problems.push({
        path: 'design',
        problem: 'the grid is too large',
        got: `${size} points`,
        allowed: '<= 10 000 000 (use lhs or sobol)',
      });
  }
  if (problems.length) throw new ProblemError(problems);
  return {
    study,
    base,
    factors,
    plan: replicated(makePlan(design, factors, study.seed), study.replicates, study.seeds, study.seed),
    columns,
    sources,
    feasible: study.feasible ?? {},
  };
}

/** whether a value satisfies a bound (null/undefined never does) */
export function meets(v: unknown, b: Bound): boolean {
  if (typeof b === 'string') return v === b;
  if (typeof b === 'boolean') return v === b || (b ? v === 1 : v === 0);
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if (b.min !== undefined && v < b.min) return false;
  if (b.max !== undefined && v > b.max) return false;
  if (b.target !== undefined && Math.abs(v - b.target) > (b.tol ?? 0)) return false;
  return true;
}

/** how far a value is from a bound, in units of the bound's scale (0 when met) */
export function violation(v: unknown, b: Bound): number {
  if (typeof b === 'string' || typeof b === 'boolean') return meets(v, b) ? 0 : 1;
  if (typeof v !== 'number' || !Number.isFinite(v)) return 1e6;
  const scale = Math.max(
    1e-12,
    b.tol ?? 0,
    Math.abs(b.target ?? 0) * 0.01,
    Math.abs(b.min ?? 0) * 0.01,
    Math.abs(b.max ?? 0) * 0.01,
  );
  let d = 0;
  if (b.min !== undefined && v < b.min) d += (b.min - v) / scale;
  if (b.max !== undefined && v > b.max) d += (v - b.max) / scale;
  if (b.target !== undefined) d += Math.max(0, Math.abs(v - b.target) - (b.tol ?? 0)) / scale;
  return d;
}
