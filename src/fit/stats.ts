/**
 * Confidence intervals and identifiability at the optimum, from the Fisher information of the data:
 * each block's points are taken as independent Gaussian errors with the block's own variance σ_b²
 * (estimated by its mean square residual at the optimum, at least the block's reading error when it has one), so F = Σ_b J_bᵀJ_b/σ_b² and the asymptotic
 * covariance of the internal coordinates is F⁻¹ (Bard, Nonlinear Parameter Estimation, Academic Press
 * 1974, §7-5; Seber & Wild, Nonlinear Regression, Wiley 1989, §5.1). Intervals are ±1.96 standard
 * deviations in internal coordinates (multiplicative for a log-scaled parameter), cut to the parameter's
 * range (the search bounds: no value outside them is a possible estimate).
 *
 * Identifiability: a parameter is reported as not identifiable from the data when its correlation
 * with another exceeds 0.95 in magnitude, or when it loads on a flat direction of F (an eigenvalue
 * below 1e-8 of F scaled to unit diagonal — scale-free: the data do not change along it), following the practice of Raue et
 * al., Bioinformatics 25 (2009) 1923, doi:10.1093/bioinformatics/btp358 (practical
 * non-identifiability). Measured voltages are strongly autocorrelated, so these intervals are lower
 * bounds of the true uncertainty (said in the report).
 */
import { symmetricEigen } from '../numerics/index.ts';
import { blockRmse, fromInternal, type Evaluation, type FitProblem } from './types.ts';

export const CORRELATION_LIMIT = 0.95;
export const FLAT_RATIO = 1e-8;

export interface ParameterEstimate {
  readonly name: string;
  readonly path: string;
  readonly unit: string;
  readonly log: boolean;
  /** fitted value (the parameter's units) */
  readonly value: number;
  /**
   * 95 % interval (null when not identifiable), cut to the parameter's range [lower, upper]: a linear one
   * near a bound would otherwise reach outside it (e.g. a negative diffusivity)
   */
  readonly ci95: readonly [number, number] | null;
  /** standard deviation in internal coordinates (of ln p for a log-scaled parameter) */
  readonly sdInternal: number | null;
  readonly identifiable: boolean;
  /** why not, when not identifiable */
  readonly reason?: string;
  /** on a bound of its range */
  readonly atBound: 'lower' | 'upper' | null;
}

export interface FisherAnalysis {
  readonly estimates: readonly ParameterEstimate[];
  /** correlation matrix (row-major, np×np); NaN where undefined */
  readonly correlation: readonly number[];
  /** eigenvalues of F scaled to unit diagonal (ascending, sum = number of parameters) and, per flat direction, the parameters that load on it */
  readonly eigenvalues: readonly number[];
  readonly flatDirections: readonly { readonly eigenvalue: number; readonly loadings: Record<string, number> }[];
  /** pairs with |r| > CORRELATION_LIMIT */
  readonly correlatedPairs: readonly { readonly a: string; readonly b: string; readonly r: number }[];
  /** the per-block noise σ_b used (RMS residual at the optimum, in the block's unit) */
  readonly noise: readonly number[];
  /** covariance of the internal coordinates (row-major), for the sampler's first proposal */
  readonly covariance: readonly number[];
}

export function fisherAnalysis(problem: FitProblem, x: Float64Array, ev: Evaluation): FisherAnalysis {
  const ps = problem.parameters;
  const np = ps.length;
  // a block's noise is its RMS residual, but never below the data's own reading error (a fit with as many
  // points as parameters has zero residual: its intervals come from the reading error, not from nothing)
  const sigma = blockRmse(problem.blocks, ev).map((s, b) => Math.max(s, problem.blocks[b]!.noiseFloor ?? 0));
  const F = new Float64Array(np * np);
  problem.blocks.forEach((blk, b) => {
    const s2 = Math.max(sigma[b]! ** 2, 1e-300);
    const Jb = ev.jacobian![b]!;
    for (let i = 0; i < np; i++)
      for (let j = 0; j <= i; j++) {
        let h = 0;
        const a = Jb[i]!;
        const c = Jb[j]!;
        for (let k = 0; k < blk.data.length; k++) h += a[k]! * c[k]!;
        F[i * np + j]! += h / s2;
        if (i !== j) F[j * np + i]! += h / s2;
      }
  });
  // flat directions are judged on the Fisher matrix scaled to unit diagonal (the correlation form of
  // F), so that the verdict does not depend on the parameters' units or scales; a parameter that does
  // not move the model at all (zero diagonal) is flat by itself
  const dmax = Math.max(...Array.from({ length: np }, (_, i) => F[i * np + i]!), 0);
  const scale = Float64Array.from({ length: np }, (_, i) => {
    const d = F[i * np + i]!;
    return d > 1e-300 && d > 1e-30 * dmax ? 1 / Math.sqrt(d) : 0;
  });
  const Fs = new Float64Array(np * np);
  for (let i = 0; i < np; i++)
    for (let j = 0; j < np; j++) Fs[i * np + j] = scale[i] && scale[j] ? F[i * np + j]! * scale[i]! * scale[j]! : 0;
  const eig = symmetricEigen(Fs, np);
  const cov = new Float64Array(np * np);
  const flat: { eigenvalue: number; loadings: Record<string, number> }[] = [];
  const onFlat = new Uint8Array(np);
  for (let k = 0; k < np; k++) {
    const lam = eig.values[k]!;
    if (!(lam > FLAT_RATIO)) {
      const loadings: Record<string, number> = {};
      for (let i = 0; i < np; i++) {
        const v = eig.vectors[i * np + k]!;
        if (Math.abs(v) > 0.2 || scale[i] === 0) {
          loadings[ps[i]!.name] = Number(v.toFixed(3));
          onFlat[i] = 1;
        }
      }
      flat.push({ eigenvalue: lam, loadings });
      continue;
    }
    for (let i = 0; i < np; i++)
      for (let j = 0; j < np; j++)
        cov[i * np + j]! += (eig.vectors[i * np + k]! * scale[i]! * eig.vectors[j * np + k]! * scale[j]!) / lam;
  }
  const sd = Array.from({ length: np }, (_, i) => Math.sqrt(cov[i * np + i]!));
  const corr: number[] = [];
  const pairs: { a: string; b: string; r: number }[] = [];
  for (let i = 0; i < np; i++)
    for (let j = 0; j < np; j++) {
      const r = i === j ? 1 : cov[i * np + j]! / (sd[i]! * sd[j]!);
      corr.push(onFlat[i] || onFlat[j] ? NaN : r);
      if (j > i && !onFlat[i] && !onFlat[j] && Math.abs(r) > CORRELATION_LIMIT)
        pairs.push({ a: ps[i]!.name, b: ps[j]!.name, r: Number(r.toFixed(4)) });
    }
  const estimates: ParameterEstimate[] = ps.map((p, i) => {
    const v = fromInternal(p, x[i]!);
    const lo = p.log ? Math.log(p.lower) : p.lower;
    const hi = p.log ? Math.log(p.upper) : p.upper;
    const tol = 1e-6 * (hi - lo);
    const atBound = x[i]! <= lo + tol ? 'lower' : x[i]! >= hi - tol ? 'upper' : null;
    const partners = pairs.filter((q) => q.a === p.name || q.b === p.name);
    let reason: string | undefined;
    if (onFlat[i]) reason = 'the data do not constrain it: it lies on a flat direction of the Fisher information';
    else if (partners.length)
      reason = `correlated with ${partners.map((q) => `${q.a === p.name ? q.b : q.a} (r = ${q.r.toFixed(3)})`).join(', ')}`;
    else if (!Number.isFinite(sd[i]!)) reason = 'its variance is not finite';
    const identifiable = reason === undefined;
    return {
      name: p.name,
      path: p.path,
      unit: p.unit,
      log: p.log,
      value: v,
      ci95: identifiable
        ? [
            Math.max(p.lower, fromInternal(p, x[i]! - 1.96 * sd[i]!)),
            Math.min(p.upper, fromInternal(p, x[i]! + 1.96 * sd[i]!)),
          ]
        : null,
      sdInternal: identifiable ? sd[i]! : null,
      identifiable,
      ...(reason ? { reason } : {}),
      atBound,
    };
  });
  return {
    estimates,
    correlation: corr,
    eigenvalues: Array.from(eig.values),
    flatDirections: flat,
    correlatedPairs: pairs,
    noise: sigma,
    covariance: Array.from(cov),
  };
}
