/**
 * Nonlinear least squares: the one Levenberg–Marquardt of the project, for small problems (a handful of
 * parameters, residuals that each cost a model run). Minimises Σ rᵢ(x)² over x within a box.
 *
 * Core (boundedLevenbergMarquardt): scaling by diag(JᵀJ) (Moré, "The Levenberg–Marquardt algorithm:
 * implementation and theory", Lecture Notes in Mathematics 630 (1978) 105–116, doi:10.1007/BFb0067700);
 * damping update from the gain ratio (H. B. Nielsen, "Damping parameter in Marquardt's method",
 * IMM-REP-1999-05, DTU; K. Madsen, H. B. Nielsen & O. Tingleff, "Methods for non-linear least squares
 * problems", 2nd ed., DTU 2004, §3.2); bounds by projecting the step onto the box (the gain ratio is
 * computed with the projected step). The Jacobian comes with each evaluation (forward sensitivities:
 * src/fit/lm.ts) or from a callback (forward differences: levenbergMarquardt below).
 * References: K. Levenberg, Q. Appl. Math. 2 (1944) 164; D. W. Marquardt, SIAM J. Appl. Math. 11 (1963)
 * 431; J. Nocedal & S. Wright, Numerical Optimization, 2nd ed., 2006, §10.3.
 */
import { denseLuFactor, denseLuSolve } from './linalg.ts';
import { solveSpd } from './dense.ts';

/** the residuals at a point */
export interface LsqPoint {
  /** Σ r² (Infinity where the point cannot be evaluated) */
  readonly cost: number;
  /** the residuals r (length m; read only where cost is finite) */
  readonly r: Float64Array;
  /** ∂r/∂x_i, one array of length m per parameter, when the evaluation gives them */
  readonly J?: readonly Float64Array[];
  /** why the point cannot be evaluated */
  readonly message?: string;
}

export interface LsqIteration {
  readonly iteration: number;
  /** Σ r² at the current (accepted) point after this iteration */
  readonly cost: number;
  /** the current point */
  readonly x: readonly number[];
  readonly lambda: number;
  readonly accepted: boolean;
  /** Σ r² of the trial point of this iteration */
  readonly trialCost: number;
}

export interface BoundedLsqOptions {
  /** maximum iterations (accepted or rejected trial steps; default 40) */
  readonly maxIterations?: number;
  /** stop when an accepted step lowers the objective by less than this fraction, as predicted (default 1e-5) */
  readonly ftol?: number;
  /**
   * stop when every step component is below this fraction of its bounds' range, or of |x_i| where the
   * range is infinite (default 1e-5)
   */
  readonly xtol?: number;
  /** initial damping relative to max diag(JᵀJ) (default 1e-3) */
  readonly lambda0?: number;
  readonly onIteration?: (rec: LsqIteration) => void;
}

export interface BoundedLsqResult<P extends LsqPoint> {
  /** best point */
  readonly x: Float64Array;
  /** Σ r² at x */
  readonly cost: number;
  /** the evaluation at x */
  readonly point: P;
  readonly history: readonly LsqIteration[];
  /** iterations run (those whose damped system was not positive definite included) */
  readonly iterations: number;
  /** evaluations of the residuals (not counting Jacobian callbacks) */
  readonly evaluations: number;
  readonly converged: boolean;
  readonly message: string;
}

/**
 * Levenberg–Marquardt from x0 within bounds (per parameter [lower, upper], ±Infinity allowed).
 * evaluate(x) gives the residuals (and, optionally, their Jacobian); jacobian(x, point) is asked for the
 * Jacobian at an accepted point whose evaluation did not give it.
 */
export async function boundedLevenbergMarquardt<P extends LsqPoint>(
  evaluate: (x: Float64Array) => P | Promise<P>,
  x0: Float64Array,
  bounds: readonly (readonly [number, number])[],
  opts: BoundedLsqOptions = {},
  jacobian?: (x: Float64Array, point: P) => readonly Float64Array[] | Promise<readonly Float64Array[]>,
): Promise<BoundedLsqResult<P>> {
  const np = x0.length;
  if (bounds.length !== np)
    throw new RangeError(`bounds: must have one [lower, upper] per parameter (got ${bounds.length} for ${np})`);
  const clamp = (x: Float64Array): Float64Array => x.map((v, i) => Math.min(Math.max(v, bounds[i]![0]), bounds[i]![1]));
  const maxIt = opts.maxIterations ?? 40;
  const ftol = opts.ftol ?? 1e-5;
  const xtol = opts.xtol ?? 1e-5;
  let x = clamp(x0);
  let point = await evaluate(x);
  let evaluations = 1;
  let cost = point.cost;
  const history: LsqIteration[] = [];
  const done = (converged: boolean, message: string, iterations: number): BoundedLsqResult<P> => ({
    x,
    cost,
    point,
    history,
    iterations,
    evaluations,
    converged,
    message,
  });
  if (!Number.isFinite(cost))
    return done(
      false,
      `the model cannot be evaluated at the start point (${point.message ?? 'no finite objective'})`,
      0,
    );
  let J: readonly Float64Array[] | null = null;
  let lambda = -1;
  let nu = 2;
  let it = 1;
  for (; it <= maxIt; it++) {
    const r = point.r;
    J ??= point.J ?? (await jacobian!(x, point));
    const g = new Float64Array(np);
    const H = new Float64Array(np * np);
    for (let i = 0; i < np; i++) {
      const Ji = J[i]!;
      let s = 0;
      for (let k = 0; k < r.length; k++) s += Ji[k]! * r[k]!;
      g[i] = s;
      for (let j = 0; j <= i; j++) {
        const Jj = J[j]!;
        let h = 0;
        for (let k = 0; k < r.length; k++) h += Ji[k]! * Jj[k]!;
        H[i * np + j] = h;
        H[j * np + i] = h;
      }
    }
    const D = Float64Array.from({ length: np }, (_, i) => Math.max(H[i * np + i]!, 1e-12 * Math.max(...H) || 1e-30));
    if (lambda < 0) lambda = (opts.lambda0 ?? 1e-3) * Math.max(...D);
    // solve (H + λ·diag(D)) δ = −g
    const A = Float64Array.from(H);
    for (let i = 0; i < np; i++) A[i * np + i]! += lambda * D[i]!;
    const delta = solveSpd(
      A,
      np,
      g.map((v) => -v),
    );
    if (!delta) {
      lambda *= nu;
      nu *= 2;
      continue;
    }
    const xn = clamp(x.map((v, i) => v + delta[i]!));
    const step = xn.map((v, i) => v - x[i]!);
    // predicted decrease of Σr² for the projected step: −(2 stepᵀg + stepᵀH step)
    let pred = 0;
    for (let i = 0; i < np; i++) {
      let hs = 0;
      for (let j = 0; j < np; j++) hs += H[i * np + j]! * step[j]!;
      pred -= 2 * step[i]! * g[i]! + step[i]! * hs;
    }
    const trial = await evaluate(xn);
    evaluations++;
    const costN = trial.cost;
    const rho = pred > 0 ? (cost - costN) / pred : -1;
    const accepted = Number.isFinite(costN) && costN < cost && rho > 0;
    const prevCost = cost;
    const small = step.every((s, i) => {
      const range = bounds[i]![1] - bounds[i]![0];
      return Math.abs(s) <= xtol * (Number.isFinite(range) ? range : Math.max(Math.abs(x[i]!), 1e-12));
    });
    if (accepted) {
      x = xn;
      point = trial;
      cost = costN;
      J = null;
      lambda *= Math.max(1 / 3, 1 - Math.pow(2 * rho - 1, 3));
      nu = 2;
    } else {
      lambda *= nu;
      nu *= 2;
    }
    const rec: LsqIteration = { iteration: it, cost, x: Array.from(x), lambda, accepted, trialCost: costN };
    history.push(rec);
    opts.onIteration?.(rec);
    // Moré's test: both the actual and the predicted relative reductions below ftol (a small actual
    // reduction alone also happens while the damping is still large, far from the optimum)
    if (accepted && (prevCost - cost) / prevCost < ftol && pred / prevCost < ftol)
      return done(true, `converged: the objective changed by less than ${ftol} (relative), as predicted`, it);
    if (small) return done(true, `converged: the step is below ${xtol} of every parameter's range`, it);
    if (lambda > 1e16 * Math.max(...D))
      return done(true, 'converged: no step lowers the objective (damping at its limit)', it);
  }
  return done(false, `stopped after ${maxIt} iterations`, maxIt);
}

export interface LsqOptions {
  readonly maxIterations?: number;
  /** relative tolerance on the step and on the cost decrease (default 1e-6) */
  readonly tol?: number;
  /** relative forward-difference step (default 1e-4) */
  readonly fdStep?: number;
  /** initial damping, relative to max diag(J'J) (default 1e-3) */
  readonly mu0?: number;
}

export interface LsqResult {
  readonly x: Float64Array;
  readonly residuals: Float64Array;
  /** ½·Σr² at x */
  readonly cost: number;
  readonly iterations: number;
  /** residual evaluations used */
  readonly evaluations: number;
  /** covariance estimate of x (row-major n×n); NaN entries where J'J is singular */
  readonly covariance: Float64Array;
  readonly converged: boolean;
}

function sumSq(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i]! * r[i]!;
  return s;
}

/**
 * Unbounded least squares on residuals(x) (length m ≥ 1) from x0 (length n ≥ 1) with a forward-difference
 * Jacobian (step fdStep·max(1, |x_j|)), by boundedLevenbergMarquardt. The covariance estimate at the
 * solution is s²·(J'J)⁻¹, s² = Σr²/max(1, m − n) (with m = n it is the unscaled (J'J)⁻¹ and the caller's
 * residual weights carry the data error).
 */
export async function levenbergMarquardt(
  residuals: (x: Float64Array) => Float64Array,
  x0: ArrayLike<number>,
  opts: LsqOptions = {},
): Promise<LsqResult> {
  const n = x0.length;
  const tol = opts.tol ?? 1e-6;
  const h = opts.fdStep ?? 1e-4;
  let fdEvals = 0;
  const at = (x: Float64Array): LsqPoint => {
    const r = residuals(x);
    const c = sumSq(r);
    return { cost: Number.isFinite(c) ? c : Infinity, r };
  };
  /** forward-difference Jacobian at x (residuals r there), per parameter */
  const jac = (x: Float64Array, r: Float64Array): Float64Array[] =>
    Array.from({ length: n }, (_, j) => {
      const dx = h * Math.max(1, Math.abs(x[j]!));
      const xp = Float64Array.from(x);
      xp[j] = xp[j]! + dx;
      const rp = residuals(xp);
      fdEvals++;
      return Float64Array.from(r, (v, i) => (rp[i]! - v) / dx);
    });
  const res = await boundedLevenbergMarquardt(
    at,
    Float64Array.from(x0),
    Array.from({ length: n }, () => [-Infinity, Infinity] as const),
    { maxIterations: opts.maxIterations ?? 50, ftol: tol, xtol: tol, lambda0: opts.mu0 ?? 1e-3 },
    (x, p) => jac(x, p.r),
  );
  // covariance s²·(J'J)⁻¹ at the solution
  const { x } = res;
  const r = res.point.r;
  const m = r.length;
  const cost = 0.5 * res.cost;
  const J = jac(x, r);
  const A = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += J[a]![i]! * J[b]![i]!;
      A[a * n + b] = s;
    }
  const cov = new Float64Array(n * n).fill(NaN);
  const piv = new Int32Array(n);
  if (denseLuFactor(A, n, piv)) {
    const s2 = m > n ? (2 * cost) / (m - n) : 1;
    for (let j = 0; j < n; j++) {
      const e = new Float64Array(n);
      e[j] = 1;
      denseLuSolve(A, n, piv, e);
      for (let i = 0; i < n; i++) cov[i * n + j] = s2 * e[i]!;
    }
  }
  return {
    x,
    residuals: r,
    cost,
    iterations: res.iterations,
    evaluations: res.evaluations + fdEvals,
    covariance: cov,
    converged: res.converged,
  };
}
