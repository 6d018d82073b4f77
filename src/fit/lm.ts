/**
 * Levenberg–Marquardt for bound-constrained weighted least squares, with the Jacobian from the
 * problem (forward sensitivities for the DAE models). Scaling by diag(JᵀJ) (Moré, "The
 * Levenberg–Marquardt algorithm: implementation and theory", Lecture Notes in Mathematics 630 (1978)
 * 105–116, doi:10.1007/BFb0067700); damping update from the gain ratio (H. B. Nielsen, "Damping
 * parameter in Marquardt's method", IMM-REP-1999-05, DTU; K. Madsen, H. B. Nielsen & O. Tingleff,
 * "Methods for non-linear least squares problems", 2nd ed., DTU 2004, §3.2); bounds by projecting the
 * step onto the box (the gain ratio is computed with the projected step).
 */
import { solveSpd } from '../numerics/index.ts';
import { internalBounds, objective, type Evaluation, type FitProblem } from './types.ts';

export interface LmOptions {
  /** maximum iterations (accepted or rejected trial steps; default 40) */
  readonly maxIterations?: number;
  /** stop when an accepted step lowers the objective by less than this fraction (default 1e-5) */
  readonly ftol?: number;
  /** stop when every step component is below this fraction of its bounds' range (default 1e-5) */
  readonly xtol?: number;
  /** initial damping relative to max diag(JᵀJ) (default 1e-3) */
  readonly lambda0?: number;
  readonly onIteration?: (rec: IterationRecord) => void;
}

export interface IterationRecord {
  readonly iteration: number;
  /** objective at the current (accepted) point after this iteration */
  readonly cost: number;
  /** current point (internal coordinates) */
  readonly x: readonly number[];
  readonly lambda: number;
  readonly accepted: boolean;
  /** objective of the trial point of this iteration */
  readonly trialCost: number;
}

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

/** the weighted residual vector r (√(w_b/N_b)·(m − d), blocks concatenated) and its Jacobian rows */
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
  const np = problem.parameters.length;
  const bounds = problem.parameters.map(internalBounds);
  const clamp = (x: Float64Array): Float64Array => x.map((v, i) => Math.min(Math.max(v, bounds[i]![0]), bounds[i]![1]));
  const maxIt = opts.maxIterations ?? 40;
  const ftol = opts.ftol ?? 1e-5;
  const xtol = opts.xtol ?? 1e-5;
  let x = clamp(x0);
  let ev = await problem.evaluate(x, true);
  let evaluations = 1;
  let cost = objective(problem.blocks, ev);
  if (!Number.isFinite(cost))
    return {
      method: 'lm',
      x,
      cost,
      evaluation: ev,
      history: [],
      evaluations,
      converged: false,
      message: `the model cannot be evaluated at the start point (${ev.message ?? 'no finite objective'})`,
    };
  const history: IterationRecord[] = [];
  let lambda = -1;
  let nu = 2;
  let converged = false;
  let message = `stopped after ${maxIt} iterations`;
  for (let it = 1; it <= maxIt; it++) {
    const { r, J } = residuals(problem, ev);
    const g = new Float64Array(np);
    const H = new Float64Array(np * np);
    for (let i = 0; i < np; i++) {
      const Ji = J![i]!;
      let s = 0;
      for (let k = 0; k < r.length; k++) s += Ji[k]! * r[k]!;
      g[i] = s;
      for (let j = 0; j <= i; j++) {
        const Jj = J![j]!;
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
    const evn = await problem.evaluate(xn, true);
    evaluations++;
    const costN = objective(problem.blocks, evn);
    const rho = pred > 0 ? (cost - costN) / pred : -1;
    const accepted = Number.isFinite(costN) && costN < cost && rho > 0;
    const prevCost = cost;
    if (accepted) {
      x = xn;
      ev = evn;
      cost = costN;
      lambda *= Math.max(1 / 3, 1 - Math.pow(2 * rho - 1, 3));
      nu = 2;
    } else {
      lambda *= nu;
      nu *= 2;
    }
    const rec: IterationRecord = { iteration: it, cost, x: Array.from(x), lambda, accepted, trialCost: costN };
    history.push(rec);
    opts.onIteration?.(rec);
    const small = step.every((s, i) => Math.abs(s) <= xtol * (bounds[i]![1] - bounds[i]![0]));
    // Moré's test: both the actual and the predicted relative reductions below ftol (a small actual
    // reduction alone also happens while the damping is still large, far from the optimum)
    if (accepted && (prevCost - cost) / prevCost < ftol && pred / prevCost < ftol) {
      converged = true;
      message = `converged: the objective changed by less than ${ftol} (relative), as predicted`;
      break;
    }
    if (small) {
      converged = true;
      message = `converged: the step is below ${xtol} of every parameter's range`;
      break;
    }
    if (lambda > 1e16 * Math.max(...D)) {
      converged = true;
      message = 'converged: no step lowers the objective (damping at its limit)';
      break;
    }
  }
  return { method: 'lm', x, cost, evaluation: ev, history, evaluations, converged, message };
}
