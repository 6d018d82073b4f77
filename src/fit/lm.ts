/**
 * Levenberg–Marquardt for the bound-constrained weighted least squares of a FitProblem, with the
 * Jacobian from the problem (forward sensitivities for the DAE models): the residuals and Jacobian of
 * the blocks handed to the one Levenberg–Marquardt of the project (src/numerics/lsq.ts, its scheme
 * and sources there).
 */
import {
  boundedLevenbergMarquardt,
  type BoundedLsqOptions,
  type LsqIteration,
  type LsqPoint,
} from '../numerics/index.ts';
import { internalBounds, objective, type Evaluation, type FitProblem } from './types.ts';

/** the core's options (maximum iterations, ftol, xtol, initial damping, a callback per iteration) */
export type LmOptions = BoundedLsqOptions;

/** one iteration of an optimiser: objective (Σ of the blocks' weighted mean squares) at the current and trial point */
export type IterationRecord = LsqIteration;

export interface OptimiserResult {
  readonly method: 'lm' | 'cmaes';
  /** best point, internal coordinates */
  readonly x: Float64Array;
  readonly cost: number;
  /** the evaluation at x, with the Jacobian (for the confidence intervals) */
  readonly evaluation: Evaluation;
  readonly history: readonly IterationRecord[];
  readonly evaluations: number;
  readonly converged: boolean;
  readonly message: string;
}

/** the weighted residual vector r (Σr² = objective()) (√(w_b/N_b)·(m − d), blocks concatenated) and its Jacobian rows */
function residuals(p: FitProblem, ev: Evaluation): { r: Float64Array; J: Float64Array[] | null } {
  const np = p.parameters.length;
  let N = 0;
  for (const b of p.blocks) N += b.data.length;
  const r = new Float64Array(N);
  const J = ev.jacobian ? Array.from({ length: np }, () => new Float64Array(N)) : null;
  let o = 0;
  p.blocks.forEach((blk, b) => {
    const s = Math.sqrt(blk.weight / blk.data.length);
    const m = ev.model[b]!;
    for (let k = 0; k < blk.data.length; k++) {
      r[o + k] = s * (m[k]! - blk.data[k]!);
      if (J) for (let i = 0; i < np; i++) J[i]![o + k] = s * ev.jacobian![b]![i]![k]!;
    }
    o += blk.data.length;
  });
  return { r, J };
}

export async function levenbergMarquardt(
  problem: FitProblem,
  x0: Float64Array,
  opts: LmOptions = {},
): Promise<OptimiserResult> {
  const empty = new Float64Array(0);
  type Point = LsqPoint & { ev: Evaluation };
  // a trial point is evaluated without its Jacobian; the Jacobian (forward sensitivities, several times
  // the cost of the model alone) is computed only where a step was accepted, when the next step needs it:
  // a rejected trial then costs one model solve instead of a sensitivity solve
  const point = (ev: Evaluation, cost: number): Point => {
    if (!Number.isFinite(cost)) return { cost, r: empty, ev, ...(ev.message !== undefined && { message: ev.message }) };
    const { r, J } = residuals(problem, ev);
    return { cost, r, ...(J ? { J } : {}), ev };
  };
  let evaluations = 0;
  const withJacobian = async (x: Float64Array): Promise<Point> => {
    evaluations++;
    const ev = await problem.evaluate(x, true);
    return point(ev, objective(problem.blocks, ev));
  };
  const res = await boundedLevenbergMarquardt(
    async (x): Promise<Point> => {
      evaluations++;
      const ev = await problem.evaluate(x, false);
      return point(ev, objective(problem.blocks, ev));
    },
    x0,
    problem.parameters.map(internalBounds),
    opts,
    async (x, p) => {
      const q = await withJacobian(x);
      // the Jacobian's evaluation replaces the point's (same model, same x): keep it for the intervals
      (p as { ev: Evaluation }).ev = q.ev;
      return q.J!;
    },
  );
  const { x, cost, history, converged, message } = res;
  // the intervals need the Jacobian at the optimum: computed here when the last step was accepted
  const evaluation = res.point.ev.jacobian ? res.point.ev : (await withJacobian(x)).ev;
  return { method: 'lm', x, cost, evaluation, history, evaluations, converged, message };
}
