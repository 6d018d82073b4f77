/**
 * CMA-ES, the covariance matrix adaptation evolution strategy, (μ/μ_w, λ) with rank-one and rank-μ
 * updates and cumulative step-size adaptation, as in N. Hansen, "The CMA Evolution Strategy: A
 * Tutorial", arXiv:1604.00772 (2016), Table 1 and Fig. 6 (the default parameters of its Appendix A).
 * No maintained CMA-ES package exists on npm for Node 20 (none in the registry list the project
 * checked), so this is a clean implementation of the tutorial's algorithm. The search runs in
 * coordinates normalised to the bounds (z ∈ [0, 1]ⁿ); a candidate outside the box is evaluated at its
 * projection with a quadratic penalty on the distance (Hansen's tutorial, Appendix B.2 boundary
 * handling by penalty). For derivative-free fits (non-smooth objectives, poor starting points).
 */
import { Rng, symmetricEigen } from '../numerics/index.ts';
import { internalBounds, objective, type Evaluation, type FitProblem } from './types.ts';
import type { IterationRecord, OptimiserResult } from './lm.ts';

export interface CmaesOptions {
  readonly seed?: number;
  /** maximum generations (default 60) */
  readonly maxGenerations?: number;
  /** initial step size as a fraction of each parameter's range (default 0.2) */
  readonly sigma0?: number;
  /** population size (default 4 + ⌊3 ln n⌋) */
  readonly lambda?: number;
  /** stop when the best objective of the last 10 generations changed by less than this fraction (default 1e-6) */
  readonly ftol?: number;
  readonly onIteration?: (rec: IterationRecord) => void;
}

export async function cmaes(problem: FitProblem, x0: Float64Array, opts: CmaesOptions = {}): Promise<OptimiserResult> {
  const n = problem.parameters.length;
  const bounds = problem.parameters.map(internalBounds);
  const toX = (z: ArrayLike<number>): Float64Array =>
    Float64Array.from({ length: n }, (_, i) => bounds[i]![0] + z[i]! * (bounds[i]![1] - bounds[i]![0]));
  const rng = new Rng(opts.seed ?? 1);
  const lambda = opts.lambda ?? 4 + Math.floor(3 * Math.log(n));
  const mu = Math.floor(lambda / 2);
  const wRaw = Array.from({ length: mu }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  const wSum = wRaw.reduce((a, b) => a + b, 0);
  const w = wRaw.map((v) => v / wSum);
  const mueff = 1 / w.reduce((a, b) => a + b * b, 0);
  const cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n);
  const cs = (mueff + 2) / (n + mueff + 5);
  const c1 = 2 / ((n + 1.3) ** 2 + mueff);
  const cmu = Math.min(1 - c1, (2 * (mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + mueff));
  const damps = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + cs;
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  let mean = Float64Array.from({ length: n }, (_, i) =>
    Math.min(1, Math.max(0, (x0[i]! - bounds[i]![0]) / (bounds[i]![1] - bounds[i]![0]))),
  );
  let sigma = opts.sigma0 ?? 0.2;
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) C[i * n + i] = 1;
  const pc = new Float64Array(n);
  const ps = new Float64Array(n);
  let B = new Float64Array(C);
  let Dg = new Float64Array(n).fill(1);
  const maxGen = opts.maxGenerations ?? 60;
  const ftol = opts.ftol ?? 1e-6;
  let best = { x: toX(mean), cost: Infinity, ev: null as Evaluation | null };
  const history: IterationRecord[] = [];
  const recent: number[] = [];
  let evaluations = 0;
  let converged = false;
  let message = `stopped after ${maxGen} generations`;
  for (let gen = 1; gen <= maxGen; gen++) {
    const pop: { z: Float64Array; y: Float64Array; f: number }[] = [];
    for (let k = 0; k < lambda; k++) {
      const zn = Float64Array.from({ length: n }, () => rng.normal());
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += B[i * n + j]! * Dg[j]! * zn[j]!;
        y[i] = s;
      }
      const z = mean.map((m, i) => m + sigma * y[i]!);
      const zc = z.map((v) => Math.min(1, Math.max(0, v)));
      let pen = 0;
      for (let i = 0; i < n; i++) pen += (z[i]! - zc[i]!) ** 2;
      const xk = toX(zc);
      const ev = await problem.evaluate(xk, false);
      evaluations++;
      const f0 = objective(problem.blocks, ev);
      const f = f0 + (Number.isFinite(f0) ? pen * (1 + Math.abs(f0)) : 0);
      if (f0 < best.cost && pen === 0) best = { x: xk, cost: f0, ev };
      pop.push({ z, y, f });
    }
    pop.sort((a, b) => a.f - b.f);
    const old = mean;
    mean = new Float64Array(n);
    const yw = new Float64Array(n);
    for (let k = 0; k < mu; k++)
      for (let i = 0; i < n; i++) {
        mean[i]! += w[k]! * pop[k]!.z[i]!;
        yw[i]! += w[k]! * pop[k]!.y[i]!;
      }
    // C^(−1/2)·yw = B·D⁻¹·Bᵀ·yw
    const t = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += B[i * n + j]! * yw[i]!;
      t[j] = s / Dg[j]!;
    }
    const cinv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += B[i * n + j]! * t[j]!;
      cinv[i] = s;
    }
    for (let i = 0; i < n; i++) ps[i] = (1 - cs) * ps[i]! + Math.sqrt(cs * (2 - cs) * mueff) * cinv[i]!;
    const psNorm = Math.sqrt(ps.reduce((a, b) => a + b * b, 0));
    const hsig = psNorm / Math.sqrt(1 - Math.pow(1 - cs, 2 * gen)) / chiN < 1.4 + 2 / (n + 1) ? 1 : 0;
    for (let i = 0; i < n; i++) pc[i] = (1 - cc) * pc[i]! + hsig * Math.sqrt(cc * (2 - cc) * mueff) * yw[i]!;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let rmu = 0;
        for (let k = 0; k < mu; k++) rmu += w[k]! * pop[k]!.y[i]! * pop[k]!.y[j]!;
        C[i * n + j] =
          (1 - c1 - cmu) * C[i * n + j]! +
          c1 * (pc[i]! * pc[j]! + (1 - hsig) * cc * (2 - cc) * C[i * n + j]!) +
          cmu * rmu;
      }
    sigma *= Math.exp((cs / damps) * (psNorm / chiN - 1));
    const eig = symmetricEigen(C, n);
    B = Float64Array.from(eig.vectors);
    Dg = eig.values.map((v) => Math.sqrt(Math.max(v, 1e-20)));
    void old;
    const rec: IterationRecord = {
      iteration: gen,
      cost: best.cost,
      x: Array.from(best.x),
      lambda: sigma,
      accepted: pop[0]!.f <= best.cost,
      trialCost: pop[0]!.f,
    };
    history.push(rec);
    opts.onIteration?.(rec);
    recent.push(best.cost);
    if (recent.length > 10) recent.shift();
    if (recent.length === 10 && Number.isFinite(best.cost) && (recent[0]! - best.cost) / best.cost < ftol) {
      converged = true;
      message = `converged: the best objective changed by less than ${ftol} (relative) over 10 generations`;
      break;
    }
    if (sigma * Math.max(...Dg) < 1e-8) {
      converged = true;
      message = 'converged: the search distribution collapsed (σ below 1e-8 of the ranges)';
      break;
    }
  }
  // the Jacobian at the best point, for the confidence intervals
  const evJ = await problem.evaluate(best.x, true);
  evaluations++;
  return {
    method: 'cmaes',
    x: best.x,
    cost: best.cost,
    evaluation: evJ.ok ? evJ : (best.ev ?? evJ),
    history,
    evaluations,
    converged,
    message,
  };
}
