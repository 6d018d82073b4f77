/**
 * Nonlinear least squares: Levenberg–Marquardt with a forward-difference Jacobian, for small problems
 * (a handful of parameters, residuals that each cost a model run). Minimises ½·Σ rᵢ(θ)² over θ.
 *
 * Scheme: Marquardt's scaled damping (J'J + μ·diag(J'J))·δ = −J'r, μ raised ×10 on a rejected step and
 * lowered ÷10 on an accepted one; stops on a relative step or cost change below `tol`, or after
 * `maxIterations`. The covariance estimate at the solution is s²·(J'J)⁻¹, s² = Σr²/max(1, m − n)
 * (with m = n it is the unscaled (J'J)⁻¹ and the caller's residual weights carry the data error).
 * References: K. Levenberg, Q. Appl. Math. 2 (1944) 164; D. W. Marquardt, SIAM J. Appl. Math. 11 (1963)
 * 431; J. Nocedal & S. Wright, Numerical Optimization, 2nd ed., 2006, §10.3.
 */
import { denseLuFactor, denseLuSolve } from './linalg.ts';

export interface LsqOptions {
  readonly maxIterations?: number;
  /** relative tolerance on the step and on the cost decrease (default 1e-6) */
  readonly tol?: number;
  /** relative forward-difference step (default 1e-4) */
  readonly fdStep?: number;
  /** initial damping (default 1e-3) */
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

/** Levenberg–Marquardt on residuals(x) (length m ≥ 1) from x0 (length n ≥ 1). */
export function levenbergMarquardt(
  residuals: (x: Float64Array) => Float64Array,
  x0: ArrayLike<number>,
  opts: LsqOptions = {},
): LsqResult {
  const n = x0.length;
  const maxIt = opts.maxIterations ?? 50;
  const tol = opts.tol ?? 1e-6;
  const h = opts.fdStep ?? 1e-4;
  let mu = opts.mu0 ?? 1e-3;
  let x = Float64Array.from(x0);
  let r = residuals(x);
  let evals = 1;
  const m = r.length;
  let cost = 0.5 * sumSq(r);
  const J = new Float64Array(m * n);
  const jacobian = (): void => {
    for (let j = 0; j < n; j++) {
      const dx = h * Math.max(1, Math.abs(x[j]!));
      const xp = Float64Array.from(x);
      xp[j] = xp[j]! + dx;
      const rp = residuals(xp);
      evals++;
      for (let i = 0; i < m; i++) J[i * n + j] = (rp[i]! - r[i]!) / dx;
    }
  };
  const JtJ = new Float64Array(n * n);
  const Jtr = new Float64Array(n);
  const normal = (): void => {
    JtJ.fill(0);
    Jtr.fill(0);
    for (let i = 0; i < m; i++)
      for (let a = 0; a < n; a++) {
        const ja = J[i * n + a]!;
        Jtr[a] = Jtr[a]! + ja * r[i]!;
        for (let b = 0; b < n; b++) JtJ[a * n + b] = JtJ[a * n + b]! + ja * J[i * n + b]!;
      }
  };
  const piv = new Int32Array(n);
  const A = new Float64Array(n * n);
  let it = 0;
  let converged = false;
  jacobian();
  normal();
  while (it < maxIt) {
    it++;
    A.set(JtJ);
    for (let a = 0; a < n; a++) A[a * n + a] = JtJ[a * n + a]! * (1 + mu) + 1e-30;
    const d = Float64Array.from(Jtr, (v) => -v);
    if (!denseLuFactor(A, n, piv)) {
      mu *= 10;
      continue;
    }
    denseLuSolve(A, n, piv, d);
    const xn = Float64Array.from(x, (v, j) => v + d[j]!);
    const rn = residuals(xn);
    evals++;
    const cn = 0.5 * sumSq(rn);
    if (Number.isFinite(cn) && cn < cost) {
      let stepRel = 0;
      for (let j = 0; j < n; j++) stepRel = Math.max(stepRel, Math.abs(d[j]!) / Math.max(1e-12, Math.abs(x[j]!)));
      const dc = (cost - cn) / Math.max(1e-300, cost);
      x = xn;
      r = rn;
      cost = cn;
      mu = Math.max(1e-12, mu / 10);
      if (stepRel < tol || dc < tol || cost < 1e-300) {
        converged = true;
        break;
      }
      jacobian();
      normal();
    } else {
      mu *= 10;
      if (mu > 1e12) {
        converged = true; // no decrease possible from here: a (local) minimum within the FD accuracy
        break;
      }
    }
  }
  // covariance s²·(J'J)⁻¹ at the solution
  jacobian();
  normal();
  const cov = new Float64Array(n * n).fill(NaN);
  A.set(JtJ);
  if (denseLuFactor(A, n, piv)) {
    const s2 = m > n ? (2 * cost) / (m - n) : 1;
    for (let j = 0; j < n; j++) {
      const e = new Float64Array(n);
      e[j] = 1;
      denseLuSolve(A, n, piv, e);
      for (let i = 0; i < n; i++) cov[i * n + j] = s2 * e[i]!;
    }
  }
  return { x, residuals: r, cost, iterations: it, evaluations: evals, covariance: cov, converged };
}
