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
  const res = await boundedLevenbergMarquardt(
    async (x): Promise<LsqPoint & { ev: Evaluation }> => {
      const ev = await problem.evaluate(x, true);
      const cost = objective(problem.blocks, ev);
      if (!Number.isFinite(cost))
        return { cost, r: empty, ev, ...(ev.message !== undefined && { message: ev.message }) };
      const { r, J } = residuals(problem, ev);
      return { cost, r, J: J!, ev };
    },
    x0,
    problem.parameters.map(internalBounds),
    opts,
  );
  const { x, cost, history, evaluations, converged, message } = res;
  return { method: 'lm', x, cost, evaluation: res.point.ev, history, evaluations, converged, message };
}
