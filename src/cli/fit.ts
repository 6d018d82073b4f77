/**
 * `rollcell fit --cell <bpx.json|recipe.yaml> --data <csv>… --params <name:lower:upper[:log]>…
 * [--model dfn|spme|spm] [--method lm|cmaes|mcmc] [--hold-out <csv>…] [--points n] [--samples n]
 * [--out fitted.json|patch.yaml] [--report fit.html] [--json]`: weighted least squares of a cell model
 * against measured data (src/fit/), then the same intervals, identifiability flags, RMSE per block before
 * and after, held-out blocks, and the HTML fit report (src/report/fit.ts).
 *  - a BPX file (liquid cell): current profiles (time, current, voltage); the liquid DFN/SPMe/SPM; --out
 *    writes the fitted BPX document;
 *  - a recipe (the solid-state cell its line produces): fade curves (cycle, retention) and rate tests
 *    (C-rate, retention) against the SPMe with ageing (src/fit/ssb.ts); parameters `ageing.<id>` and
 *    `rate.<field>`; --out writes a recipe patch (YAML) of `cycling.model_parameters`, to merge into the
 *    recipe or apply with the `--set` flags its header lists.
 * mcmc: the LM fit, then an adaptive Metropolis chain started there (posterior median and 2.5–97.5 %
 * quantiles). Bad files, names and bounds exit 2 naming the flag and the field.
 */
import { basename } from 'node:path';
import { ProblemError } from '../problems.ts';
import { checkOutputFile, MAX_FILE_BYTES, readUserFile, writeFileAtomic } from '../io/files.ts';
import { parseMeasuredData, type ProfileData } from '../fit/data.ts';
import { liquidFitProblem, type LiquidFitOptions } from '../fit/liquid.ts';
import { levenbergMarquardt, type OptimiserResult } from '../fit/lm.ts';
import { cmaes } from '../fit/cmaes.ts';
import { adaptiveMetropolis } from '../fit/mcmc.ts';
import { fisherAnalysis } from '../fit/stats.ts';
import { blockRmse, fromInternal, toInternal, type FitProblem } from '../fit/types.ts';
import type { BpxDocument } from '../fit/bpx-space.ts';
import { ssbFitProblem, RECIPE_PARAMETER_ROOT, type SsbModelParameters, type SsbPosterior } from '../fit/ssb.ts';
import type { FadeData, RateData } from '../fit/data.ts';
import { renderFitReport, type FitReportInput } from '../report/fit.ts';
import { stringify as toYaml } from 'yaml';
import { parseDecimal } from '../io/decimal.ts';
import { inputError, parseSeed, requiredNumberFlag, underFlag } from './input.ts';

/**
 * Ceilings of the count flags (assumptions, not physics): fit points per profile (measured samples are
 * thinned to about this many; more than the samples keeps them all), and the MCMC chain length — the chain
 * is kept in memory (8 bytes × samples × parameters), so a length past this is refused at once rather than
 * failing to allocate or running for days.
 */
const MAX_POINTS = 1_000_000;
const MAX_SAMPLES = 1_000_000;

export interface FitCliOptions {
  cell: string;
  data: string[];
  params: string[];
  model?: string;
  method?: string;
  holdOut?: string[];
  points?: string;
  samples?: string;
  seed?: string;
  out?: string;
  /** write the HTML fit report there */
  report?: string;
  json?: boolean;
  /** replace an existing --out file (never an input or a database) */
  force?: boolean;
}

/** a regular file under the cap of its kind (a FIFO or /dev/zero is refused, not waited on or read forever) */
const readText = (flag: string, file: string, what: string, maxBytes: number = MAX_FILE_BYTES.csv): string =>
  readUserFile(file, { field: flag, maxBytes, what });

/** `name:lower:upper[:log]` → a parameter of the fit (ProblemError naming --params.<i>) */
export function parseParamSpec(s: string, i: number): LiquidFitOptions['parameters'][number] {
  const parts = s.split(':');
  const where = `--params.${i}`;
  const allowed = 'name:lower:upper or name:lower:upper:log (e.g. negative.diffusivity:1e-15:1e-12:log)';
  if (parts.length < 3 || parts.length > 4 || !parts[0])
    throw inputError(where, 'not a parameter spec', JSON.stringify(s), allowed);
  const lower = parseDecimal(parts[1]!);
  const upper = parseDecimal(parts[2]!);
  if (!Number.isFinite(lower) || !Number.isFinite(upper) || !(lower < upper))
    throw inputError(where, 'invalid bounds', JSON.stringify(s), 'finite numbers with lower < upper');
  if (parts[3] !== undefined && parts[3] !== 'log')
    throw inputError(where, 'unknown scale', JSON.stringify(parts[3]), "'log' or nothing");
  const log = parts[3] === 'log';
  if (log && !(lower > 0))
    throw inputError(where, 'invalid bounds', JSON.stringify(s), 'lower > 0 for a log-scaled parameter');
  return { name: parts[0], lower, upper, log };
}

function readMeasured(flag: string, file: string): ReturnType<typeof parseMeasuredData> {
  const text = readText(flag, file, 'measured data CSV (a profile, a fade curve or a rate test)');
  try {
    return parseMeasuredData(text, basename(file));
  } catch (e) {
    throw underFlag(flag, e);
  }
}

function readProfile(flag: string, file: string): ProfileData {
  const d = readMeasured(flag, file);
  if (d.kind !== 'profile')
    throw inputError(
      flag,
      `a ${d.kind === 'fade' ? 'fade curve' : 'rate test'} is fitted to a recipe's solid-state cell, not a BPX liquid cell`,
      JSON.stringify(file),
      'a current profile (time, current, voltage), or --cell recipe.yaml',
    );
  return d;
}

/** what a cell kind gives the common fit: the problems (fit points, every point) and how to write --out */
interface FitSetup {
  readonly kind: 'bpx' | 'recipe';
  readonly model: string;
  readonly problem: FitProblem;
  /** the same blocks with every measured point (fitted blocks first, then the held-out ones) */
  readonly every: FitProblem;
  readonly nFitted: number;
  /** RMSE scale and unit for reports (V → mV; % → % points) */
  readonly rmseScale: number;
  readonly rmseUnit: string;
  /**
   * the problem the posterior chain samples (default: problem): the liquid models at the looser CHAIN_RTOL,
   * whose voltages differ from the fit's by far less than the residual noise (checked and reported)
   */
  readonly chainProblem?: FitProblem;
  /**
   * the text --out writes for the fitted point, and how the user applies it; with an MCMC posterior the
   * recipe patch also carries its draws (the production run samples each cell's parameters from them)
   */
  output(x: Float64Array, posterior?: SsbPosterior): { text: string; how: string };
}

/** most posterior draws a recipe patch carries (evenly spaced along the chain; the recipe schema allows 1000) */
export const POSTERIOR_DRAWS = 200;

/**
 * solver tolerance of the liquid models in the posterior chain (the fit's is 1e-6): about 3× fewer steps per
 * sample; the largest voltage difference to the fit's model at the optimum is reported beside the noise
 */
export const CHAIN_RTOL = 1e-4;

function bpxSetup(o: FitCliOptions, points: number): FitSetup {
  let doc: BpxDocument;
  try {
    doc = JSON.parse(readText('--cell', o.cell, 'BPX JSON file', MAX_FILE_BYTES.bpx)) as BpxDocument;
  } catch (e) {
    if (e instanceof ProblemError) throw e;
    throw inputError('--cell', `not valid JSON (${(e as Error).message})`, JSON.stringify(o.cell), 'a BPX JSON file');
  }
  const model = (o.model ?? 'dfn') as 'dfn' | 'spme' | 'spm';
  if (!['dfn', 'spme', 'spm'].includes(model))
    throw inputError('--model', 'unknown model', JSON.stringify(o.model), 'dfn, spme or spm');
  const params = o.params.map(parseParamSpec);
  const prof = (flag: string, f: string) => {
    const data = readProfile(flag, f);
    return { name: basename(f), data, stride: Math.max(1, Math.ceil(data.t_s.length / points)) };
  };
  const fitSet = o.data.map((f, i) => prof(`--data.${i}`, f));
  const held = (o.holdOut ?? []).map((f, i) => prof(`--hold-out.${i}`, f));
  const problem = liquidFitProblem({ doc, model, parameters: params, profiles: fitSet });
  const chainProblem = liquidFitProblem({ doc, model, parameters: params, profiles: fitSet, rtol: CHAIN_RTOL });
  const every = liquidFitProblem({
    doc,
    model,
    parameters: params,
    profiles: [...fitSet, ...held].map((p) => ({ ...p, stride: 1 })),
  });
  return {
    kind: 'bpx',
    model,
    problem,
    chainProblem,
    every,
    nFitted: fitSet.length,
    rmseScale: 1000,
    rmseUnit: 'mV',
    output: (x) => ({
      text: JSON.stringify(problem.documentAt(x), null, 2) + '\n',
      how: 'the fitted BPX document: use it as --cell of fit, or in any BPX tool',
    }),
  };
}

async function recipeSetup(o: FitCliOptions): Promise<FitSetup> {
  const model = o.model ?? 'spme';
  if (model !== 'spme')
    throw inputError(
      '--model',
      'not a model of the recipe fit',
      JSON.stringify(o.model),
      "spme (the solid-state cell's ageing and rate model)",
    );
  const { loadRecipe } = await import('./input.ts');
  const { recipeCellParams } = await import('../pipeline.ts');
  const { recipe } = loadRecipe(o.cell, { production: false, battery: false });
  const cell = recipeCellParams(recipe);
  const params = o.params.map(parseParamSpec);
  const read = (flag: string, f: string): { name: string; data: FadeData | RateData } => {
    const d = readMeasured(flag, f);
    if (d.kind === 'profile')
      throw inputError(
        flag,
        "a current profile is fitted to a BPX liquid cell; a recipe's solid-state cell is fitted to fade curves and rate tests",
        JSON.stringify(f),
        'a fade curve (Cycle Count / 1, Capacity Retention / %) or a rate test (C-rate / 1, Capacity Retention / %)',
      );
    return { name: basename(f), data: d };
  };
  const fitSet = o.data.map((f, i) => read(`--data.${i}`, f));
  const held = (o.holdOut ?? []).map((f, i) => read(`--hold-out.${i}`, f));
  const mk = (set: typeof fitSet) => {
    // fade blocks first, then rate blocks (ssbFitProblem's order): keep the user's order within each kind
    const fades = set.filter((q) => q.data.kind === 'fade') as { name: string; data: FadeData }[];
    const rates = set.filter((q) => q.data.kind === 'rate') as { name: string; data: RateData }[];
    return ssbFitProblem({
      cell,
      parameters: params,
      fades,
      rates,
      chargeCutoff_V: recipe.cycling.charge_cutoff_V,
      dischargeCutoff_V: recipe.cycling.discharge_cutoff_V,
      ageingCRate: recipe.cycling.ageing_c_rate,
    });
  };
  const problem = mk(fitSet);
  // every block: the fitted ones in the problem's own order, then the held-out ones
  const everyAll = mk([...fitSet, ...held]);
  const order = [...problem.blocks.map((b) => b.name), ...held.map((h) => h.name)];
  const reordered: FitProblem = {
    parameters: everyAll.parameters,
    blocks: order.map((n) => everyAll.blocks.find((b) => b.name === n)!),
    async evaluate(x, jac) {
      const ev = await everyAll.evaluate(x, jac);
      if (!ev.ok) return ev;
      const idx = order.map((n) => everyAll.blocks.findIndex((b) => b.name === n));
      return {
        ...ev,
        model: idx.map((i) => ev.model[i]!),
        ...(ev.jacobian ? { jacobian: idx.map((i) => ev.jacobian![i]!) } : {}),
      };
    },
  };
  return {
    kind: 'recipe',
    model: 'ssb-spme',
    problem,
    every: reordered,
    nFitted: fitSet.length,
    rmseScale: 1,
    rmseUnit: '% points',
    output: (x, posterior) => recipePatch(o.cell, problem.modelParametersAt(x), posterior),
  };
}

/** the recipe patch of fitted model parameters: a YAML block to merge, headed by the equivalent --set flags */
export function recipePatch(
  recipeFile: string,
  m: SsbModelParameters,
  posterior?: SsbPosterior,
): { text: string; how: string } {
  const round = (v: number): number => Number(v.toPrecision(6));
  const block: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const [group, values] of Object.entries(m) as [string, Record<string, number>][]) {
    const g: Record<string, number> = (block[group] = {});
    for (const [k, v] of Object.entries(values)) {
      g[k] = round(v);
      sets.push(`--set ${RECIPE_PARAMETER_ROOT}.${group}.${k}=${round(v)}`);
    }
  }
  const text =
    `# rollcell fit: the fitted model parameters of ${basename(recipeFile)}\n` +
    `# merge this block into the recipe, or apply it on the command line:\n` +
    `#   rollcell run ${basename(recipeFile)} ${sets.join(' ')}\n` +
    (posterior
      ? `# posterior: ${posterior.samples.length} MCMC draws; a production run (rollcell run) gives each cell the\n` +
        '# parameters of a seeded draw, so its capacity distribution includes the parameter uncertainty\n'
      : '') +
    toYaml({
      cycling: {
        model_parameters: posterior
          ? {
              ...block,
              posterior: {
                parameters: [...posterior.parameters],
                samples: posterior.samples.map((r) => r.map(round)),
                ...(posterior.source ? { source: posterior.source } : {}),
              },
            }
          : block,
      },
    });
  return {
    text,
    how:
      `a recipe patch: merge it into the recipe, or run with ${sets.join(' ')}` +
      (posterior ? ` (the posterior draws need the merged patch)` : ''),
  };
}

export async function fitCommand(o: FitCliOptions, out: (s: string) => void): Promise<void> {
  const isRecipe = /\.ya?ml$/i.test(o.cell);
  // the output paths first: before the fit (minutes), and never onto an input or a database
  const inputs = [o.cell, ...o.data, ...(o.holdOut ?? [])];
  if (o.out) checkOutputFile(o.out, { field: '--out', force: o.force, inputs });
  if (o.report)
    checkOutputFile(o.report, { field: '--report', force: o.force, inputs: [...inputs, ...(o.out ? [o.out] : [])] });
  const method = o.method ?? 'lm';
  if (!['lm', 'cmaes', 'mcmc'].includes(method))
    throw inputError('--method', 'unknown method', JSON.stringify(method), 'lm, cmaes or mcmc');
  // plain decimals (not 0x10, '', Infinity); the seed as every command's --seed (0 … 2³² − 1)
  const points = requiredNumberFlag(o.points ?? '400', '--points', 10, MAX_POINTS, true, 'not a point count');
  const samples = requiredNumberFlag(o.samples ?? '20000', '--samples', 100, MAX_SAMPLES, true, 'not a sample count');
  const seed = parseSeed(o.seed ?? '1');
  if (o.data.length === 0)
    throw inputError('--data', 'no data', '[]', 'one or more measured CSV files (profiles, fade curves or rate tests)');
  if (o.params.length === 0) throw inputError('--params', 'no parameters', '[]', 'one or more name:lower:upper[:log]');
  const setup = isRecipe ? await recipeSetup(o) : bpxSetup(o, points);
  const { problem, every } = setup;
  const x0 = Float64Array.from(problem.parameters, (p) => toInternal(p, p.initial));
  const evBefore = await every.evaluate(x0, false);
  const before = blockRmse(every.blocks, evBefore);
  const t0 = performance.now();
  const res: OptimiserResult =
    method === 'cmaes' ? await cmaes(problem, x0, { seed }) : await levenbergMarquardt(problem, x0);
  const seconds = (performance.now() - t0) / 1000;
  if (!Number.isFinite(res.cost))
    throw new ProblemError({
      path: '--cell',
      problem: 'the model cannot be evaluated on the data',
      got: res.message,
      allowed: 'a cell that runs the profiles from its initial state',
    });
  const fa = fisherAnalysis(problem, res.x, res.evaluation);
  const evAfter = await every.evaluate(res.x, false);
  const after = blockRmse(every.blocks, evAfter);
  const np = problem.parameters.length;
  let posterior: { name: string; median: number; q025: number; q975: number }[] | null = null;
  let chainInfo: {
    kept: number;
    acceptance: number;
    ess: number[];
    seconds: number;
    /** largest |chain model − fit model| at the optimum, and the smallest block noise (RMSE units) */
    model_difference: number;
    noise: number;
  } | null = null;
  let chainValues: number[] = [];
  if (method === 'mcmc') {
    const prop = fa.covariance.map((v) => v * 0.5);
    const sampled = setup.chainProblem ?? problem;
    // the chain's model against the fit's at the optimum (the tolerance's effect on the likelihood)
    let chainModelDiff = 0;
    if (sampled !== problem) {
      const ev = await sampled.evaluate(res.x, false);
      res.evaluation.model.forEach((m, b) =>
        m.forEach((v, k) => (chainModelDiff = Math.max(chainModelDiff, Math.abs(v - ev.model[b]![k]!)))),
      );
    }
    const tm = performance.now();
    const ch = await adaptiveMetropolis(sampled, res.x, { samples, seed, noise: fa.noise, proposal: prop });
    chainInfo = {
      kept: ch.kept,
      acceptance: ch.acceptanceRate,
      ess: [...ch.effectiveSampleSize],
      seconds: (performance.now() - tm) / 1000,
      model_difference: chainModelDiff * setup.rmseScale,
      noise: Math.min(...fa.noise) * setup.rmseScale,
    };
    chainValues = Array.from({ length: ch.kept * np }, (_, k) =>
      fromInternal(problem.parameters[k % np]!, ch.samples[k]!),
    );
    posterior = problem.parameters.map((p, i) => {
      const v = Array.from({ length: ch.kept }, (_, k) => chainValues[k * np + i]!).sort((a, b) => a - b);
      const q = (f: number): number => v[Math.min(v.length - 1, Math.floor(f * v.length))]!;
      return { name: p.name, median: q(0.5), q025: q(0.025), q975: q(0.975) };
    });
  }
  // the posterior draws the recipe patch carries: at most POSTERIOR_DRAWS, evenly spaced along the kept chain
  let postDraws: SsbPosterior | undefined;
  if (chainValues.length > 0) {
    const kept = chainValues.length / np;
    const n = Math.min(POSTERIOR_DRAWS, kept);
    postDraws = {
      parameters: problem.parameters.map((p) => p.name),
      samples: Array.from({ length: n }, (_, j) => {
        const k = Math.floor(((j + 0.5) * kept) / n);
        return chainValues.slice(k * np, k * np + np);
      }),
      source: `rollcell fit --method mcmc of ${basename(o.cell)} on ${o.data.map((d) => basename(d)).join(', ')}, seed ${seed}, ${kept} kept samples`,
    };
  }
  const written = o.out ? setup.output(res.x, postDraws) : null;
  if (o.out && written) writeFileAtomic(o.out, written.text, { field: '--out', force: o.force });
  const names = every.blocks.map((b) => b.name);
  const rmse = (v: number): number => Number((v * setup.rmseScale).toFixed(3));
  const unitKey = setup.rmseUnit === 'mV' ? 'mV' : 'pts';
  const report = {
    cell: o.cell,
    cell_kind: setup.kind,
    model: setup.model,
    method,
    converged: res.converged,
    message: res.message,
    evaluations: res.evaluations,
    seconds: Number(seconds.toFixed(3)),
    parameters: fa.estimates.map((e) => ({
      name: e.name,
      path: e.path,
      unit: e.unit,
      value: e.value,
      ci95: e.ci95,
      identifiable: e.identifiable,
      ...(e.reason ? { reason: e.reason } : {}),
      at_bound: e.atBound,
    })),
    correlated_pairs: fa.correlatedPairs,
    profiles: names.map((n, b) => ({
      name: n,
      held_out: b >= setup.nFitted,
      quantity: every.blocks[b]!.quantity,
      [`rmse_before_${unitKey}`]: rmse(before[b]!),
      [`rmse_after_${unitKey}`]: rmse(after[b]!),
    })),
    ...(posterior ? { posterior, chain: chainInfo } : {}),
    ...(o.out ? { [setup.kind === 'bpx' ? 'fitted_bpx' : 'recipe_patch']: o.out } : {}),
    ...(o.report ? { fit_report: o.report } : {}),
  };
  if (o.report) {
    const ps = problem.parameters;
    const input: FitReportInput = {
      title: `rollcell fit: ${basename(o.cell)}`,
      cell: o.cell,
      model: setup.model,
      method,
      message: res.message,
      converged: res.converged,
      evaluations: res.evaluations,
      seconds,
      parameters: fa.estimates.map((e, i) => ({
        name: e.name,
        path: e.path,
        unit: e.unit,
        log: ps[i]!.log,
        lower: ps[i]!.lower,
        upper: ps[i]!.upper,
        initial: ps[i]!.initial,
        value: e.value,
        ci95: e.ci95,
        identifiable: e.identifiable,
        ...(e.reason ? { reason: e.reason } : {}),
        atBound: e.atBound,
      })),
      blocks: every.blocks.map((b, k) => ({
        name: b.name,
        heldOut: k >= setup.nFitted,
        quantity: b.quantity,
        unit: b.unit,
        xLabel: b.xLabel,
        xUnit: b.xUnit,
        x: [...b.x],
        data: [...b.data],
        before: evBefore.ok ? [...evBefore.model[k]!] : Array.from(b.x, () => NaN),
        after: evAfter.ok ? [...evAfter.model[k]!] : Array.from(b.x, () => NaN),
        rmseBefore: before[k]! * setup.rmseScale,
        rmseAfter: after[k]! * setup.rmseScale,
        rmseUnit: setup.rmseUnit,
      })),
      history: [
        { iteration: 0, cost: Number.NaN, values: ps.map((p) => p.initial) },
        ...res.history
          .filter((h) => h.accepted)
          .map((h) => ({ iteration: h.iteration, cost: h.cost, values: h.x.map((v, i) => fromInternal(ps[i]!, v)) })),
      ],
      correlation: fa.correlation,
      correlatedPairs: fa.correlatedPairs,
      ...(chainInfo && posterior
        ? {
            chain: {
              samples: chainValues,
              kept: chainInfo.kept,
              acceptance: chainInfo.acceptance,
              seconds: chainInfo.seconds,
              summary: posterior,
            },
          }
        : {}),
      ...(o.out && written ? { output: { path: o.out, how: written.how } } : {}),
      notes: [
        'The 95 % intervals come from the Fisher information with each block’s residuals taken as independent; ' +
          'measured series are autocorrelated, so they are lower bounds of the true uncertainty.',
        ...(setup.kind === 'recipe'
          ? [
              'Fade curves run the SPMe with the ageing laws (cycle jumping for long curves); conditions a file ' +
                'does not give (# c_rate, # stack_pressure_MPa, # temperature_C) are the recipe’s.',
            ]
          : []),
      ],
    };
    writeFileAtomic(o.report, renderFitReport(input), { field: '--report', force: o.force });
  }
  if (o.json) {
    out(JSON.stringify(report, null, 2));
    return;
  }
  out(
    `fit of ${o.cell} (${setup.model}, ${method}): ${res.message}; ${res.evaluations} model evaluations in ${seconds.toFixed(1)} s`,
  );
  for (const e of report.parameters) {
    const v = e.value.toPrecision(4);
    out(
      e.identifiable
        ? `  ${e.name.padEnd(28)} ${v} ${e.unit}  95 % [${e.ci95!.map((c) => c.toPrecision(3)).join(', ')}]${e.at_bound ? ` (at its ${e.at_bound} bound)` : ''}`
        : `  ${e.name.padEnd(28)} ${v} ${e.unit}  not identifiable: ${e.reason}`,
    );
  }
  names.forEach((n, b) =>
    out(
      `  ${(b >= setup.nFitted ? 'held out: ' : '') + n}: RMSE ${(before[b]! * setup.rmseScale).toFixed(2)} → ` +
        `${(after[b]! * setup.rmseScale).toFixed(2)} ${setup.rmseUnit}`,
    ),
  );
  if (posterior && chainInfo) {
    out(
      `  posterior: ${chainInfo.kept} samples kept, acceptance ${(chainInfo.acceptance * 100).toFixed(1)} %, ${chainInfo.seconds.toFixed(1)} s`,
    );
    if (chainInfo.model_difference > 0)
      out(
        `    (chain model at rtol ${CHAIN_RTOL}: within ${chainInfo.model_difference.toPrecision(2)} ${setup.rmseUnit} of the fit's ` +
          `at the optimum; noise ≥ ${chainInfo.noise.toPrecision(3)} ${setup.rmseUnit})`,
      );
    for (const q of posterior)
      out(
        `    ${q.name.padEnd(26)} median ${q.median.toPrecision(4)}  [${q.q025.toPrecision(3)}, ${q.q975.toPrecision(3)}]`,
      );
  }
  if (o.out) out(`  ${setup.kind === 'bpx' ? 'fitted BPX' : 'recipe patch'} written to ${o.out}`);
  if (o.report) out(`  fit report written to ${o.report}`);
}
