/**
 * Newton's iteration on a system of equations that the caller linearises and solves — the shape of SUNDIALS'
 * SUNNonlinearSolver (A. C. Hindmarsh et al., ACM TOMS 31 (2005) 363–396, doi:10.1145/1089014.1089020; the
 * SUNNonlinSol interface of SUNDIALS ≥ 4): the iteration owns the loop — the count, the estimate of the error
 * left from the contraction of the updates, damping (backtracking) and stall detection — and the problem
 * supplies the setup of its linearisation, the solve of the linear system with the update of its iterate, and
 * its convergence test (SUNNonlinSolSetConvTestFn), which sees the error estimate. The battery pack's
 * Kirchhoff solves (src/battery/pack.ts: the cell currents of every group at a pack current, jointly with the
 * pack current under power control or at a voltage limit) run on it. A scalar root is `newton` (roots.ts).
 */

/** a system solved by newtonIteration (see the file's comment); nothing is allocated per iteration */
export interface NewtonProblem {
  /** linearise at the present iterate; false: it cannot be evaluated there (the iteration fails) */
  setup(): boolean;
  /**
   * solve the linearisation and take the full update of the iterate; returns the update's size (a norm of the
   * problem's choosing, the same at every update) — NaN: no update can be taken (the iteration fails)
   */
  solve(): number;
  /**
   * whether the iterate has converged after an update of size d: d·left estimates the error left after it
   * (left = ρ/(1 − ρ) where the contraction ρ = d/d_prev of the last two full updates is < ½, else 1: SUNDIALS'
   * and scipy's BDF test), `full` says the update was not damped
   */
  converged(d: number, left: number, full: boolean): boolean;
  /** optional, asked after an update that has not converged (and has not stalled): false stops the iteration */
  proceed?(): boolean;
  /** optional damping (options.minLambda): the residual's size at the present linearisation */
  residual?(): number;
  /** the iterate set to the last undamped one plus λ times the update taken from it */
  backtrack?(lambda: number): void;
}

export interface NewtonIterationOptions {
  /** updates at most (damped ones included) */
  readonly maxIter: number;
  /**
   * the first update is taken from a linearisation already in place (a predictor): no setup before it and no
   * test after it; it does not count against maxIter
   */
  readonly predicted?: boolean;
  /** stop ('stalled') at the third update or later when two in a row contracted by more than this (e.g. 0.9) */
  readonly stallRate?: number;
  /**
   * damping: where the residual at a new iterate is larger than at the one before, the update is halved back
   * along its direction (problem.backtrack) instead of solved from, down to this λ (needs residual and
   * backtrack); never on the last allowed update
   */
  readonly minLambda?: number;
}

/**
 * how newtonIteration ended: `converged` (the problem's test), `failed` (a setup or solve could not be done,
 * or an update was not finite), `stalled` (stallRate), `stopped` (problem.proceed), `max-iterations`
 */
export type NewtonIterationStatus = 'converged' | 'failed' | 'stalled' | 'stopped' | 'max-iterations';

/** Newton's iteration on `problem` (see NewtonProblem); the iterate is the problem's own state */
export function newtonIteration(problem: NewtonProblem, o: NewtonIterationOptions): NewtonIterationStatus {
  const maxIter = o.maxIter;
  const stallRate = o.stallRate ?? Infinity;
  const minLambda = o.minLambda ?? 1;
  const damped = minLambda < 1;
  if (o.predicted) {
    const d0 = problem.solve();
    if (d0 !== d0) return 'failed';
  }
  let prevD = 0;
  let rateWas = 0;
  let prevRes = Infinity;
  let lambda = 1;
  for (let it = 0; ; it++) {
    if (!problem.setup()) return 'failed';
    if (damped && problem.residual!() > prevRes && lambda > minLambda && it < maxIter - 1) {
      lambda /= 2;
      problem.backtrack!(lambda);
      continue;
    }
    const d = problem.solve();
    if (d !== d) return 'failed';
    const full = lambda === 1;
    const rate = it > 0 && full && prevD > 0 ? d / prevD : 1;
    const left = rate < 0.5 ? rate / (1 - rate) : 1;
    if (problem.converged(d, left, full)) return 'converged';
    if (rate > stallRate && rateWas > stallRate && it >= 2) return 'stalled';
    if (problem.proceed !== undefined && !problem.proceed()) return 'stopped';
    rateWas = rate;
    prevD = d;
    if (!Number.isFinite(d)) return 'failed';
    if (it >= maxIter - 1) return 'max-iterations';
    if (damped) {
      prevRes = problem.residual!();
      lambda = 1;
    }
  }
}
