/**
 * Fit of the ageing laws to published data (issue 16 item 2): least squares (Levenberg–Marquardt,
 * src/numerics/lsq.ts) of the retention the SPMe + ageing laws give for the FITTED datasets of
 * data/ageing/datasets.json (scripts/ageing-datasets.ts) over the fitted parameters of
 * data/ageing/mechanisms.json, in log space; then the HELD-OUT dataset, which the fit never sees, is
 * predicted with the fitted values. Prints `name: value unit` lines: the fitted values with ±1σ
 * (covariance s²(J'J)⁻¹; with as many points as parameters the reading error sets the scale), every
 * point's residual, and the RMS residual of fitted and held-out points.
 *
 *   node --import tsx scripts/fit-ageing.ts            fit and print
 *   node --import tsx scripts/fit-ageing.ts --write    also write data/ageing/fit.json (values, σ, residuals)
 *
 * After a refit, copy the values into data/ageing/mechanisms.json (the test checks the residuals there).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { levenbergMarquardt } from '../src/numerics/index.ts';
import { defaultAgeingValues, type AgeingValues } from '../src/electrochem/ssb/ageing.ts';
import type { AgeingParameterId } from '../src/electrochem/ssb/ageing-data.ts';
import { evaluateDatasets, type DatasetPointResult } from './ageing-datasets.ts';

/** the parameters the fit moves (the others stay at their recorded values) */
export const FITTED: readonly AgeingParameterId[] = ['cathode_contact_lambda', 'cathode_contact_P0', 'cei_kR'];

export interface AgeingFit {
  readonly values: AgeingValues;
  /** 1σ of each fitted parameter as a factor (log-normal: value ×/÷ factor) */
  readonly sigmaFactor: Readonly<Record<string, number>>;
  readonly fitted: readonly DatasetPointResult[];
  readonly heldOut: readonly DatasetPointResult[];
  readonly iterations: number;
  readonly evaluations: number;
}

const rms = (r: readonly DatasetPointResult[]): number =>
  Math.sqrt(r.reduce((s, q) => s + q.residual_pts ** 2, 0) / Math.max(1, r.length));

export async function fitAgeing(start: AgeingValues = defaultAgeingValues()): Promise<AgeingFit> {
  const withTheta = (th: ArrayLike<number>): AgeingValues => {
    const v: Record<string, number> = { ...start };
    FITTED.forEach((k, i) => (v[k] = Math.exp(th[i]!)));
    return v as AgeingValues;
  };
  const res = await levenbergMarquardt(
    (th) => {
      const r = evaluateDatasets(withTheta(th), ['fitted']);
      // weighted by the reading error plus 1 point of model-form error (assumption)
      return Float64Array.from(r, (q) => q.residual_pts / Math.hypot(q.readingError_pts, 1));
    },
    FITTED.map((k) => Math.log(start[k])),
    { maxIterations: 25, tol: 1e-4, fdStep: 1e-3 },
  );
  const values = withTheta(res.x);
  const n = FITTED.length;
  const sigmaFactor: Record<string, number> = {};
  FITTED.forEach((k, i) => (sigmaFactor[k] = Math.exp(Math.sqrt(Math.abs(res.covariance[i * n + i]!)))));
  return {
    values,
    sigmaFactor,
    fitted: evaluateDatasets(values, ['fitted']),
    heldOut: evaluateDatasets(values, ['held-out']),
    iterations: res.iterations,
    evaluations: res.evaluations,
  };
}

export function printFit(f: AgeingFit): void {
  for (const k of FITTED)
    console.log(`${k}: ${f.values[k].toPrecision(4)} (1σ ×/÷ ${f.sigmaFactor[k]!.toPrecision(3)}) fitted`);
  for (const q of [...f.fitted, ...f.heldOut])
    console.log(
      `${q.dataset} [${q.role}] ${q.cycles} cycles @ ${q.stackPressure_MPa} MPa: model ${q.model_pct.toFixed(2)} % vs published ${q.published_pct} % (residual ${q.residual_pts >= 0 ? '+' : ''}${q.residual_pts.toFixed(2)} points, reading ±${q.readingError_pts})`,
    );
  console.log(`fit_rms_residual: ${rms(f.fitted).toFixed(2)} points`);
  console.log(`held_out_rms_residual: ${rms(f.heldOut).toFixed(2)} points`);
  console.log(`fit_iterations: ${f.iterations}`);
  console.log(`fit_model_evaluations: ${f.evaluations}`);
}

const entry = process.argv[1] ?? '';
if (entry && fileURLToPath(import.meta.url) === entry) {
  const t0 = performance.now();
  const f = await fitAgeing();
  printFit(f);
  console.log(`fit_wall_s: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (process.argv.includes('--write')) {
    const out = new URL('../data/ageing/fit.json', import.meta.url);
    const round = (x: number): number => Number(x.toPrecision(6));
    writeFileSync(
      out,
      JSON.stringify(
        {
          about: 'written by scripts/fit-ageing.ts --write; values copied into data/ageing/mechanisms.json',
          fitted: Object.fromEntries(
            FITTED.map((k) => [k, { value: round(f.values[k]), sigma_factor: round(f.sigmaFactor[k]!) }]),
          ),
          residuals: [...f.fitted, ...f.heldOut].map((q) => ({
            dataset: q.dataset,
            role: q.role,
            cycles: q.cycles,
            stack_pressure_MPa: q.stackPressure_MPa,
            published_pct: q.published_pct,
            model_pct: round(q.model_pct),
            residual_pts: round(q.residual_pts),
          })),
        },
        null,
        2,
      ) + '\n',
    );
    console.log(`written: ${fileURLToPath(out)}`);
  }
}
