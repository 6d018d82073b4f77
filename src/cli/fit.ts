/**
 * `rollcell fit --cell <bpx.json> --data <csv>… --params <name:lower:upper[:log]>… [--model dfn|spme|spm]
 * [--method lm|cmaes|mcmc] [--hold-out <csv>…] [--points n] [--samples n] [--out fitted.json] [--json]`:
 * weighted least squares of a liquid cell's voltage against measured current profiles (src/fit/). Prints
 * each parameter with its 95 % interval (or why it is not identifiable), the voltage RMSE per profile
 * before and after, and the held-out profiles' RMSE; writes the fitted BPX document with --out. mcmc: the
 * LM fit, then an adaptive Metropolis chain started there (posterior median and 2.5–97.5 % quantiles).
 * Bad files, names and bounds exit 2 naming the flag and the field.
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
import { blockRmse, fromInternal, toInternal } from '../fit/types.ts';
import type { BpxDocument } from '../fit/bpx-space.ts';
import { inputError, underFlag } from './input.ts';

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
  const lower = Number(parts[1]);
  const upper = Number(parts[2]);
  if (!Number.isFinite(lower) || !Number.isFinite(upper) || !(lower < upper))
    throw inputError(where, 'invalid bounds', JSON.stringify(s), 'finite numbers with lower < upper');
  if (parts[3] !== undefined && parts[3] !== 'log')
    throw inputError(where, 'unknown scale', JSON.stringify(parts[3]), "'log' or nothing");
  const log = parts[3] === 'log';
  if (log && !(lower > 0))
    throw inputError(where, 'invalid bounds', JSON.stringify(s), 'lower > 0 for a log-scaled parameter');
  return { name: parts[0], lower, upper, log };
}

function readProfile(flag: string, file: string): ProfileData {
  const text = readText(flag, file, 'measured profile CSV (time, current, voltage)');
  let d;
  try {
    d = parseMeasuredData(text, basename(file));
  } catch (e) {
    throw underFlag(flag, e);
  }
  if (d.kind !== 'profile')
    throw inputError(
      flag,
      `a ${d.kind === 'fade' ? 'fade curve' : 'rate test'} cannot be fitted to a liquid cell yet`,
      JSON.stringify(file),
      'a current profile (time, current, voltage)',
    );
  return d;
}

export async function fitCommand(o: FitCliOptions, out: (s: string) => void): Promise<void> {
  if (/\.ya?ml$/i.test(o.cell))
    throw inputError(
      '--cell',
      'fitting a recipe cell is not available yet',
      JSON.stringify(o.cell),
      'a BPX JSON file (liquid cell)',
    );
  // the output path first: before the fit (minutes), and never onto an input or a database
  if (o.out)
    checkOutputFile(o.out, { field: '--out', force: o.force, inputs: [o.cell, ...o.data, ...(o.holdOut ?? [])] });
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
  const method = o.method ?? 'lm';
  if (!['lm', 'cmaes', 'mcmc'].includes(method))
    throw inputError('--method', 'unknown method', JSON.stringify(method), 'lm, cmaes or mcmc');
  const points = Number(o.points ?? '400');
  if (!(Number.isInteger(points) && points >= 10))
    throw inputError('--points', 'not a point count', JSON.stringify(o.points), 'an integer ≥ 10');
  const samples = Number(o.samples ?? '20000');
  if (!(Number.isInteger(samples) && samples >= 100))
    throw inputError('--samples', 'not a sample count', JSON.stringify(o.samples), 'an integer ≥ 100');
  const seed = Number(o.seed ?? '1');
  if (!Number.isInteger(seed)) throw inputError('--seed', 'not an integer', JSON.stringify(o.seed), 'an integer');
  if (o.data.length === 0) throw inputError('--data', 'no data', '[]', 'one or more profile CSV files');
  const params = o.params.map(parseParamSpec);
  if (params.length === 0) throw inputError('--params', 'no parameters', '[]', 'one or more name:lower:upper[:log]');
  const prof = (flag: string, f: string) => {
    const data = readProfile(flag, f);
    return { name: basename(f), data, stride: Math.max(1, Math.ceil(data.t_s.length / points)) };
  };
  const fitSet = o.data.map((f, i) => prof(`--data.${i}`, f));
  const held = (o.holdOut ?? []).map((f, i) => prof(`--hold-out.${i}`, f));
  const problem = liquidFitProblem({ doc, model, parameters: params, profiles: fitSet });
  const every = liquidFitProblem({
    doc,
    model,
    parameters: params,
    profiles: [...fitSet, ...held].map((p) => ({ ...p, stride: 1 })),
  });
  const x0 = Float64Array.from(problem.parameters, (p) => toInternal(p, p.initial));
  const before = blockRmse(every.blocks, await every.evaluate(x0, false));
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
  const after = blockRmse(every.blocks, await every.evaluate(res.x, false));
  let posterior: { name: string; median: number; q025: number; q975: number }[] | null = null;
  let chainInfo: { kept: number; acceptance: number; ess: number[]; seconds: number } | null = null;
  if (method === 'mcmc') {
    const np = problem.parameters.length;
    const prop = fa.covariance.map((v) => v * 0.5);
    const tm = performance.now();
    const ch = await adaptiveMetropolis(problem, res.x, { samples, seed, noise: fa.noise, proposal: prop });
    chainInfo = {
      kept: ch.kept,
      acceptance: ch.acceptanceRate,
      ess: [...ch.effectiveSampleSize],
      seconds: (performance.now() - tm) / 1000,
    };
    posterior = problem.parameters.map((p, i) => {
      const v = Array.from({ length: ch.kept }, (_, k) => fromInternal(p, ch.samples[k * np + i]!)).sort(
        (a, b) => a - b,
      );
      const q = (f: number): number => v[Math.min(v.length - 1, Math.floor(f * v.length))]!;
      return { name: p.name, median: q(0.5), q025: q(0.025), q975: q(0.975) };
    });
  }
  if (o.out)
    writeFileAtomic(o.out, JSON.stringify(problem.documentAt(res.x), null, 2) + '\n', {
      field: '--out',
      force: o.force,
    });
  const names = [...fitSet.map((p) => p.name), ...held.map((p) => p.name)];
  const report = {
    cell: o.cell,
    model,
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
      held_out: b >= fitSet.length,
      rmse_before_mV: Number((before[b]! * 1000).toFixed(3)),
      rmse_after_mV: Number((after[b]! * 1000).toFixed(3)),
    })),
    ...(posterior ? { posterior, chain: chainInfo } : {}),
    ...(o.out ? { fitted_bpx: o.out } : {}),
  };
  if (o.json) {
    out(JSON.stringify(report, null, 2));
    return;
  }
  out(
    `fit of ${o.cell} (${model}, ${method}): ${res.message}; ${res.evaluations} model evaluations in ${seconds.toFixed(1)} s`,
  );
  for (const e of report.parameters) {
    const v = e.value.toPrecision(4);
    out(
      e.identifiable
        ? `  ${e.name.padEnd(28)} ${v} ${e.unit}  95 % [${e.ci95!.map((c) => c.toPrecision(3)).join(', ')}]${e.at_bound ? ` (at its ${e.at_bound} bound)` : ''}`
        : `  ${e.name.padEnd(28)} ${v} ${e.unit}  not identifiable: ${e.reason}`,
    );
  }
  for (const p of report.profiles)
    out(
      `  ${(p.held_out ? 'held out: ' : '') + p.name}: RMSE ${p.rmse_before_mV.toFixed(2)} → ${p.rmse_after_mV.toFixed(2)} mV`,
    );
  if (posterior && chainInfo) {
    out(
      `  posterior: ${chainInfo.kept} samples kept, acceptance ${(chainInfo.acceptance * 100).toFixed(1)} %, ${chainInfo.seconds.toFixed(1)} s`,
    );
    for (const q of posterior)
      out(
        `    ${q.name.padEnd(26)} median ${q.median.toPrecision(4)}  [${q.q025.toPrecision(3)}, ${q.q975.toPrecision(3)}]`,
      );
  }
  if (o.out) out(`  fitted BPX written to ${o.out}`);
}
