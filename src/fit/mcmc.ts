/**
 * Posterior sampling by the adaptive Metropolis algorithm (H. Haario, E. Saksman & J. Tamminen, "An
 * adaptive Metropolis algorithm", Bernoulli 7 (2001) 223–242, doi:10.2307/3318737): a Gaussian random
 * walk whose covariance is, after an initial period with a fixed proposal, s_d·(Cov(x_0…x_{t−1}) + ε·I)
 * with s_d = 2.4²/d (Gelman, Roberts & Gilks 1996), the chain covariance updated recursively.
 * Likelihood: independent Gaussian errors per block with the block's noise σ_b (the fit's RMS
 * residual, or given); prior: uniform in the internal coordinates within the bounds (log-uniform for a
 * log-scaled parameter). Seeded: the same seed gives the same chain.
 * Effective sample size per parameter from the initial positive sequence of autocorrelations
 * (C. J. Geyer, "Practical Markov chain Monte Carlo", Statist. Sci. 7 (1992) 473, doi:10.1214/ss/1177011137).
 */
import { Rng, cholesky } from '../numerics/index.ts';
import { internalBounds, type FitProblem } from './types.ts';

export interface McmcOptions {
  readonly samples: number;
  readonly seed?: number;
  /** initial proposal covariance (internal coordinates, row-major); default (range/50)² on the diagonal */
  readonly proposal?: ArrayLike<number>;
  /** noise σ_b per block (default 1 in each block's unit: give the fit's RMS residuals) */
  readonly noise: readonly number[];
  /** samples before the adaptation starts (default 500) */
  readonly adaptAfter?: number;
  /** fraction discarded as burn-in (default 0.2) */
  readonly burnIn?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface McmcResult {
  /** kept samples (after burn-in), internal coordinates: samples[k·np + i] */
  readonly samples: Float64Array;
  readonly kept: number;
  readonly total: number;
  readonly acceptanceRate: number;
  /** log-posterior of each kept sample */
  readonly logPosterior: Float64Array;
  readonly effectiveSampleSize: readonly number[];
  /** model evaluations that failed (counted as rejections) */
  readonly failedEvaluations: number;
}

function effectiveSampleSize(chain: Float64Array, np: number, i: number, m: number): number {
  let mean = 0;
  for (let k = 0; k < m; k++) mean += chain[k * np + i]!;
  mean /= m;
  let c0 = 0;
  for (let k = 0; k < m; k++) c0 += (chain[k * np + i]! - mean) ** 2;
  c0 /= m;
  if (!(c0 > 0)) return m;
  const rho = (lag: number): number => {
    let s = 0;
    for (let k = 0; k + lag < m; k++) s += (chain[k * np + i]! - mean) * (chain[(k + lag) * np + i]! - mean);
    return s / m / c0;
  };
  let sum = 0;
  for (let lag = 1; lag + 1 < m; lag += 2) {
    const pair = rho(lag) + rho(lag + 1);
    if (pair <= 0) break;
    sum += pair;
  }
  return m / (1 + 2 * sum);
}

export async function adaptiveMetropolis(
  problem: FitProblem,
  x0: Float64Array,
  opts: McmcOptions,
): Promise<McmcResult> {
  const np = problem.parameters.length;
  const bounds = problem.parameters.map(internalBounds);
  const rng = new Rng(opts.seed ?? 1);
  const N = opts.samples;
  if (!(Number.isInteger(N) && N >= 10)) throw new RangeError(`samples: must be an integer ≥ 10 (got ${N})`);
  const sd = (2.4 * 2.4) / np;
  const eps = 1e-10;
  const t0 = opts.adaptAfter ?? 500;
  const logLik = async (x: Float64Array): Promise<number> => {
    for (let i = 0; i < np; i++) if (x[i]! < bounds[i]![0] || x[i]! > bounds[i]![1]) return -Infinity;
    const ev = await problem.evaluate(x, false);
    if (!ev.ok) return NaN;
    let s = 0;
    problem.blocks.forEach((blk, b) => {
      const m = ev.model[b]!;
      const s2 = opts.noise[b]! ** 2;
      for (let k = 0; k < blk.data.length; k++) s += (m[k]! - blk.data[k]!) ** 2 / s2;
    });
    return Number.isFinite(s) ? -0.5 * s : NaN;
  };
  let prop = new Float64Array(np * np);
  if (opts.proposal) prop.set(opts.proposal);
  else for (let i = 0; i < np; i++) prop[i * np + i] = ((bounds[i]![1] - bounds[i]![0]) / 50) ** 2;
  let L = cholesky(prop, np);
  if (!L) {
    prop = new Float64Array(np * np);
    for (let i = 0; i < np; i++) prop[i * np + i] = ((bounds[i]![1] - bounds[i]![0]) / 50) ** 2;
    L = cholesky(prop, np)!;
  }
  const chain = new Float64Array(N * np);
  const lp = new Float64Array(N);
  let x = Float64Array.from(x0);
  let cur = await logLik(x);
  if (!Number.isFinite(cur)) throw new RangeError('the start point of the chain has no finite likelihood');
  // running mean and covariance of the chain (Welford)
  const mean = new Float64Array(np);
  const M2 = new Float64Array(np * np);
  let accepted = 0;
  let failed = 0;
  const xn = new Float64Array(np);
  const z = new Float64Array(np);
  for (let t = 0; t < N; t++) {
    for (let i = 0; i < np; i++) z[i] = rng.normal();
    for (let i = 0; i < np; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s += L[i * np + j]! * z[j]!;
      xn[i] = x[i]! + s;
    }
    const cand = await logLik(xn);
    if (Number.isNaN(cand)) failed++;
    if (Number.isFinite(cand) && Math.log(rng.uniform()) < cand - cur) {
      x = Float64Array.from(xn);
      cur = cand;
      accepted++;
    }
    chain.set(x, t * np);
    lp[t] = cur;
    // Welford update
    const k = t + 1;
    const d = new Float64Array(np);
    for (let i = 0; i < np; i++) {
      d[i] = x[i]! - mean[i]!;
      mean[i]! += d[i]! / k;
    }
    for (let i = 0; i < np; i++) for (let j = 0; j < np; j++) M2[i * np + j]! += d[i]! * (x[j]! - mean[j]!);
    if (k >= t0 && k % 50 === 0) {
      const c = new Float64Array(np * np);
      for (let i = 0; i < np; i++)
        for (let j = 0; j < np; j++) c[i * np + j] = sd * (M2[i * np + j]! / (k - 1) + (i === j ? eps : 0));
      const Ln = cholesky(c, np);
      if (Ln) L = Ln;
    }
    if (opts.onProgress && (t + 1) % 1000 === 0) opts.onProgress(t + 1, N);
  }
  const burn = Math.floor((opts.burnIn ?? 0.2) * N);
  const kept = N - burn;
  const samples = chain.slice(burn * np);
  return {
    samples,
    kept,
    total: N,
    acceptanceRate: accepted / N,
    logPosterior: lp.slice(burn),
    effectiveSampleSize: Array.from({ length: np }, (_, i) => effectiveSampleSize(samples, np, i, kept)),
    failedEvaluations: failed,
  };
}
