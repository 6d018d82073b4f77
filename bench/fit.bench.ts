/**
 * `npm run bench:fit`: fits six parameters of the liquid DFN of the About:Energy NMC111/graphite cell
 * (nmc_pouch_cell_BPX.json) to its measured 25 °C discharges by Levenberg–Marquardt with the Jacobian
 * from forward sensitivities, and prints `name: value unit` lines:
 *  - the goal fit, on all five profiles (C/20, C/2, 1C, 2C, drive cycle): the fit time (wall and CPU), the
 *    voltage RMSE per profile before (the file's parameters) and after, against the published file's, and
 *    each fitted value with its 95 % interval or the reason it is not identifiable;
 *  - a separate held-out fit: the same parameters fitted on the four constant-current discharges only, and
 *    the error on the drive cycle it did not see (issue 21 item 4).
 * Never part of `npm test`.
 *
 *   node --import tsx bench/fit.bench.ts [--data <dir>] [--model dfn|spme] [--points 400] [--iterations 16] [--out fitted.json]
 *                                        [--mcmc-samples 20000] [--skip-dfn] [--skip-held-out] [--skip-rate]
 *                                        [--skip-dfn-1c]
 *
 * First the issue's speed goal for one model solve (issue 21 item 3: a DFN 1C discharge, the electrochem
 * bench's mesh, build included, in ≤ 3 ms): the `dfn_1C_discharge_pybamm_tol_*` lines of
 * bench/dfn.bench-part.ts (the same measurement `npm run bench:electrochem` prints, run here alone, before
 * the fits) and `dfn_1C_goal`.
 *
 * Then the published rate tests of data/fit/ (Kong et al. 2024; the EES 2022 sulfide cell) fitted to the
 * patent recipe's solid-state cell (rate parameters), as `rollcell fit --cell examples/patent-line.yaml` does.
 *
 * Why these six parameters and weights (issue 21: the earlier fit stalled at its 12-iteration cap with
 * C/2 and the drive cycle above the file's RMSE): the drive cycle's residual is largest at high currents
 * deep in the discharge, which the electrolyte's transport moves: its conductivity and diffusivity (multipliers
 * of the file's κ(c) and D_e(c)) are fitted; the rate constants are not (the two together are not identifiable,
 * r ≈ −0.99, and the positive one alone went to its upper bound, correlated with κ at r = −0.985). Each block is weighted by (15 mV / its published RMSE)², so the objective counts
 * each profile relative to the goal it must meet, and the drive cycle, the profile with the least headroom
 * (the file's own parameters give 19.0 mV against the published 18.8), three times more. The fit runs the
 * models at rtol 1e-4 (CHAIN_RTOL: the drive cycle's 8393 current steps dominate the cost, about 4× fewer
 * steps than at 1e-6); the RMSEs printed are of the models at 1e-6. Trial steps are evaluated without the
 * Jacobian (src/fit/lm.ts), so a rejected step costs one solve.
 *
 * Then the posterior goal: an adaptive Metropolis chain of --mcmc-samples samples of the SPMe posterior of
 * four parameters (both diffusivities, the positive rate constant, the electrolyte conductivity factor) on
 * the 1C and 2C profiles, started at the SPMe's LM optimum, the models at the chain's tolerance
 * (src/cli/fit.ts CHAIN_RTOL); prints the chain's wall and CPU time, samples per second and acceptance.
 *
 * Fit points: each profile's measured samples thinned to about --points (the model still follows the
 * whole current trace); blocks weighted equally (each a mean square). The RMSEs printed are over every
 * measured sample. The default mesh of the liquid models (the electrochem bench's) is used. Isothermal at 298.15 K, SOC = 1
 * of the BPX window at the start, as scripts/validate-dfn.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMeasuredData, type ProfileData } from '../src/fit/data.ts';
import { liquidFitProblem } from '../src/fit/liquid.ts';
import { levenbergMarquardt } from '../src/fit/lm.ts';
import { fisherAnalysis } from '../src/fit/stats.ts';
import { adaptiveMetropolis } from '../src/fit/mcmc.ts';
import { CHAIN_RTOL } from '../src/cli/fit.ts';
import { blockRmse, toInternal } from '../src/fit/types.ts';
import type { BpxDocument } from '../src/fit/bpx-space.ts';
import type { RateData } from '../src/fit/data.ts';
import { ssbFitProblem } from '../src/fit/ssb.ts';
import { bench as benchDischarge } from './dfn.bench-part.ts';
import { parseJobRecipe, recipeCellParams } from '../src/pipeline.ts';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
};
const dataDir = arg('data', '/work/shared/validation/about-energy-nmc');
const model = arg('model', 'dfn') as 'dfn' | 'spme';
const points = Number(arg('points', '400'));
const iterations = Number(arg('iterations', '16'));
const out = arg('out', '');
const mcmcSamples = Number(arg('mcmc-samples', '20000'));
const skipDfn = process.argv.includes('--skip-dfn');
const skipHeldOut = process.argv.includes('--skip-held-out');

/** the profiles and the published file's RMSEs (mV; the data README and scripts/validate-dfn.ts) */
const PROFILES = [
  { name: 'C/20', file: 'NMC_25degC_Co20.csv', published_mV: 15.9 },
  { name: 'C/2', file: 'NMC_25degC_Co2.csv', published_mV: 12.4 },
  { name: '1C', file: 'NMC_25degC_1C.csv', published_mV: 13.4 },
  { name: '2C', file: 'NMC_25degC_2C.csv', published_mV: 24.5 },
  { name: 'drive cycle', file: 'NMC_25degC_DriveCycle.csv', published_mV: 18.8 },
];
const HELD_OUT = 'drive cycle';

const PARAMETERS = [
  { name: 'negative.diffusivity', lower: 1e-15, upper: 1e-12, log: true },
  { name: 'positive.diffusivity', lower: 1e-15, upper: 1e-12, log: true },
  { name: 'electrolyte.diffusivity', lower: 0.1, upper: 10, log: true },
  { name: 'positive.sto_min', lower: 0.38, upper: 0.46 },
  { name: 'negative.sto_max', lower: 0.7, upper: 0.8 },
  { name: 'electrolyte.conductivity', lower: 0.05, upper: 5, log: true },
];
/** block weight: (15 mV / published RMSE)², the drive cycle ×3 (see the header) */
const weightOf = (q: { name: string; published_mV: number }): number =>
  (15 / q.published_mV) ** 2 * (q.name === HELD_OUT ? 3 : 1);

const doc = JSON.parse(readFileSync(join(dataDir, 'nmc_pouch_cell_BPX.json'), 'utf8')) as BpxDocument;
const all = PROFILES.map((p) => {
  const data = parseMeasuredData(readFileSync(join(dataDir, p.file), 'utf8'), p.file) as ProfileData;
  return { ...p, data, stride: Math.max(1, Math.ceil(data.t_s.length / points)), weight: weightOf(p) };
});
// RMSEs before/after over every measured sample at the default tolerance 1e-6 (as scripts/validate-dfn.ts
// and the published figures)
const allProblem = liquidFitProblem({
  doc,
  model,
  parameters: PARAMETERS,
  profiles: all.map((q) => ({ ...q, stride: 1 })),
});

const lines: string[] = [];
if (!process.argv.includes('--skip-dfn-1c')) {
  const part = await benchDischarge([{ model: 'dfn', tag: '_pybamm_tol' }]);
  for (const l of part) lines.push(l);
  const min = part.find((l) => l.startsWith('dfn_1C_discharge_pybamm_tol_min_ms:'));
  const ms = min === undefined ? NaN : Number(min.split(':')[1]!.trim().split(' ')[0]);
  lines.push(`dfn_1C_goal: ${ms <= 3 ? 'met' : 'NOT met'} (≤ 3 ms; fastest of the timed runs ${ms} ms)`);
}
const p = (name: string, value: number | string, unit = ''): void => {
  lines.push(`${name}: ${typeof value === 'number' ? Number(value.toPrecision(4)) : value}${unit ? ` ${unit}` : ''}`);
};
const cpuSeconds = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1e6;

/** one LM fit on `set`, timed (wall and CPU), with its Fisher analysis and the RMSE of every profile after */
async function fitOn(set: typeof all) {
  const problem = liquidFitProblem({ doc, model, parameters: PARAMETERS, profiles: set, rtol: CHAIN_RTOL });
  const x0 = Float64Array.from(problem.parameters, (q) => toInternal(q, q.initial));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await levenbergMarquardt(problem, x0, { maxIterations: iterations });
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(process.cpuUsage(cpu0));
  const fa = fisherAnalysis(problem, res.x, res.evaluation);
  const after = blockRmse(allProblem.blocks, await allProblem.evaluate(res.x, false));
  return { problem, x0, res, wall, cpu, fa, after };
}

let fittedDoc: BpxDocument | null = null;
if (!skipDfn) {
  const goal = await fitOn(all);
  const before = blockRmse(allProblem.blocks, await allProblem.evaluate(goal.x0, false));
  p('fit_model', model);
  p('fit_parameters', goal.problem.parameters.length);
  p('fit_profiles', all.map((q) => q.name).join(', '));
  p('fit_time_s', goal.wall, 's');
  p('fit_cpu_s', goal.cpu, 's');
  p('fit_evaluations', goal.res.evaluations);
  p('fit_iterations', goal.res.history.length);
  p('fit_converged', `${goal.res.converged} (${goal.res.message})`);
  let met = true;
  all.forEach((q, b) => {
    const key = q.name.replace(/[^A-Za-z0-9]+/g, '_');
    const ok = goal.after[b]! * 1000 <= q.published_mV;
    met &&= ok;
    p(
      `rmse_${key}_mV`,
      `${(before[b]! * 1000).toFixed(2)} → ${(goal.after[b]! * 1000).toFixed(2)}`,
      `mV (published file ${q.published_mV} mV; ${ok ? 'at or below' : 'ABOVE'})`,
    );
  });
  p('fit_goal_rmse', `${met ? 'met' : 'NOT met'} (every profile at or below the published file's RMSE)`);
  p(
    'fit_goal_time',
    `${goal.wall <= 60 ? 'met' : 'NOT met'} (≤ 60 s wall; ${goal.wall.toFixed(1)} s wall, ${goal.cpu.toFixed(1)} s CPU ` +
      'of this process: on a shared machine wall ≫ CPU)',
  );
  for (const e of goal.fa.estimates) {
    const v = Number(e.value.toPrecision(4));
    if (e.identifiable)
      p(`param_${e.name}`, `${v} [${e.ci95!.map((c) => Number(c.toPrecision(3))).join(', ')}]`, `${e.unit} (95 %)`);
    else p(`param_${e.name}`, `${v} (not identifiable: ${e.reason})`, e.unit);
  }
  for (const q of goal.fa.correlatedPairs) p(`correlated_${q.a}__${q.b}`, q.r);
  fittedDoc = goal.problem.documentAt(goal.res.x);

  if (!skipHeldOut) {
    // item 4: fit on the four constant-current discharges, report the error on the drive cycle
    const ho = await fitOn(all.filter((q) => q.name !== HELD_OUT));
    const b = all.findIndex((q) => q.name === HELD_OUT);
    p(
      'held_out_fit_profiles',
      all
        .filter((q) => q.name !== HELD_OUT)
        .map((q) => q.name)
        .join(', '),
    );
    p('held_out_fit_time_s', ho.wall, 's');
    p(
      'held_out_rmse_drive_cycle_mV',
      `${(before[b]! * 1000).toFixed(2)} → ${(ho.after[b]! * 1000).toFixed(2)}`,
      `mV (not fitted; published file ${all[b]!.published_mV} mV)`,
    );
    all.forEach((q, k) => {
      if (k !== b) p(`held_out_fit_rmse_${q.name.replace(/[^A-Za-z0-9]+/g, '_')}_mV`, ho.after[k]! * 1000, 'mV');
    });
  }
}

// item 5: published rate tests (data/fit/) fitted to the patent recipe's solid-state cell, as `rollcell fit` does
if (!process.argv.includes('--skip-rate')) {
  const rec = parseJobRecipe(readFileSync('examples/patent-line.yaml', 'utf8'), {
    stages: { production: false, battery: false },
  });
  if (!rec.ok) throw new Error(JSON.stringify(rec.problems));
  const cell = recipeCellParams(rec.recipe);
  const RATE_TESTS = [
    {
      file: 'kong2024-rate.csv',
      label: 'Kong 2024 (JACS, 4 C-rates)',
      params: [
        { name: 'rate.cathode_Ds_um2_s', lower: 1e-4, upper: 1, log: true },
        { name: 'rate.ionic_tortuosity', lower: 1, upper: 30, log: true },
      ],
    },
    {
      file: 'eesd2ee01067d-rate.csv',
      label: 'EES 2022 sulfide (0.05 C, 5 C)',
      params: [{ name: 'rate.cathode_Ds_um2_s', lower: 1e-4, upper: 1, log: true }],
    },
  ];
  for (const t of RATE_TESTS) {
    const data = parseMeasuredData(readFileSync(join('data', 'fit', t.file), 'utf8'), t.file) as RateData;
    const problem = ssbFitProblem({
      cell,
      parameters: t.params,
      fades: [],
      rates: [{ name: t.file, data }],
      chargeCutoff_V: rec.recipe.cycling.charge_cutoff_V,
      dischargeCutoff_V: rec.recipe.cycling.discharge_cutoff_V,
      ageingCRate: rec.recipe.cycling.ageing_c_rate,
    });
    const x0 = Float64Array.from(problem.parameters, (q) => toInternal(q, q.initial));
    const t0 = performance.now();
    const before = blockRmse(problem.blocks, await problem.evaluate(x0, false));
    const res = await levenbergMarquardt(problem, x0);
    const after = blockRmse(problem.blocks, res.evaluation);
    const fa = fisherAnalysis(problem, res.x, res.evaluation);
    const key = t.file.replace(/-rate\.csv$/, '').replace(/[^A-Za-z0-9]+/g, '_');
    p(`rate_fit_${key}`, t.label);
    p(`rate_fit_${key}_time_s`, (performance.now() - t0) / 1000, 's');
    p(`rate_fit_${key}_rmse_pts`, `${before[0]!.toFixed(2)} → ${after[0]!.toFixed(2)}`, '% points');
    for (const e of fa.estimates) {
      const v = Number(e.value.toPrecision(4));
      const at = e.atBound ? ` (at its ${e.atBound} bound)` : '';
      if (e.identifiable)
        p(
          `rate_fit_${key}_${e.name}`,
          `${v} [${e.ci95!.map((c) => Number(c.toPrecision(3))).join(', ')}]${at}`,
          `${e.unit} (95 %)`,
        );
      else p(`rate_fit_${key}_${e.name}`, `${v} (not identifiable: ${e.reason})`, e.unit);
    }
  }
}

// the posterior goal: ≥ 20 000 samples of a 4-parameter SPMe posterior
{
  const MCMC_PARAMETERS = [
    { name: 'negative.diffusivity', lower: 1e-15, upper: 1e-12, log: true },
    { name: 'positive.diffusivity', lower: 1e-15, upper: 1e-12, log: true },
    { name: 'positive.rate_constant', lower: 1e-7, upper: 1e-4, log: true },
    { name: 'electrolyte.conductivity', lower: 0.2, upper: 5, log: true },
  ];
  const profiles = all.filter((q) => q.name === '1C' || q.name === '2C');
  const fitP = liquidFitProblem({ doc, model: 'spme', parameters: MCMC_PARAMETERS, profiles });
  const chainP = liquidFitProblem({ doc, model: 'spme', parameters: MCMC_PARAMETERS, profiles, rtol: CHAIN_RTOL });
  const x0m = Float64Array.from(fitP.parameters, (q) => toInternal(q, q.initial));
  const lm = await levenbergMarquardt(fitP, x0m, { maxIterations: 20 });
  const fam = fisherAnalysis(fitP, lm.x, lm.evaluation);
  const evc = await chainP.evaluate(lm.x, false);
  let diff = 0;
  lm.evaluation.model.forEach((m, b) => m.forEach((v, k) => (diff = Math.max(diff, Math.abs(v - evc.model[b]![k]!)))));
  const cpu0m = process.cpuUsage();
  const tm = performance.now();
  const ch = await adaptiveMetropolis(chainP, lm.x, {
    samples: mcmcSamples,
    seed: 1,
    noise: fam.noise,
    proposal: fam.covariance.map((v) => v * 0.5),
  });
  const wall = (performance.now() - tm) / 1000;
  const cpu = process.cpuUsage(cpu0m);
  p('mcmc_model', 'spme, 4 parameters, 1C + 2C');
  p('mcmc_samples', ch.total);
  p('mcmc_time_s', wall, 's');
  p('mcmc_cpu_s', (cpu.user + cpu.system) / 1e6, 's');
  p('mcmc_samples_per_s', ch.total / wall, '1/s');
  p('mcmc_acceptance', ch.acceptanceRate);
  p('mcmc_failed_evaluations', ch.failedEvaluations);
  p('mcmc_goal', `${ch.total >= 20000 && wall <= 60 ? 'met' : 'NOT met'} (≥ 20000 samples in ≤ 60 s)`);
  p(
    'mcmc_chain_model_difference_mV',
    diff * 1000,
    `mV (rtol ${CHAIN_RTOL} vs the fit's 1e-6, at the optimum; noise ${(Math.min(...fam.noise) * 1000).toFixed(1)} mV)`,
  );
  p('mcmc_effective_sample_size', ch.effectiveSampleSize.map((e) => Math.round(e)).join(', '));
}
for (const l of lines) console.log(l);
if (out && fittedDoc) {
  writeFileSync(out, JSON.stringify(fittedDoc, null, 2));
  console.log(`fitted_bpx: ${out}`);
}
