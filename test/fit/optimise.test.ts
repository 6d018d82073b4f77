import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, cholesky, solveSpd, symmetricEigen } from '../../src/numerics/index.ts';
import { levenbergMarquardt } from '../../src/fit/lm.ts';
import { cmaes } from '../../src/fit/cmaes.ts';
import { adaptiveMetropolis } from '../../src/fit/mcmc.ts';
import { fisherAnalysis } from '../../src/fit/stats.ts';
import {
  fromInternal,
  type Evaluation,
  type FitBlock,
  type FitProblem,
  type ParameterSpec,
} from '../../src/fit/types.ts';

const spec = (
  name: string,
  lower: number,
  upper: number,
  log = false,
  initial = (lower + upper) / 2,
): ParameterSpec => ({
  name,
  path: name,
  lower,
  upper,
  log,
  initial,
  unit: '',
});

/** a FitProblem from a closed-form model y(x; p) and its derivatives ∂y/∂p (chain rule into ln p for log parameters) */
function analyticProblem(
  ps: ParameterSpec[],
  x: Float64Array,
  data: Float64Array,
  f: (p: number[], x: number) => number,
  df: (p: number[], x: number) => number[],
): FitProblem & { calls: number } {
  const block: FitBlock = {
    name: 'synthetic',
    source: 'test',
    quantity: 'voltage',
    unit: 'V',
    xLabel: 'time',
    xUnit: 's',
    x,
    data,
    weight: 1,
  };
  const prob = {
    parameters: ps,
    blocks: [block],
    calls: 0,
    async evaluate(xi: Float64Array, jac: boolean): Promise<Evaluation> {
      prob.calls++;
      const p = ps.map((s, i) => fromInternal(s, xi[i]!));
      const m = Float64Array.from(x, (t) => f(p, t));
      if (!jac) return { ok: true, model: [m] };
      const J = ps.map(() => new Float64Array(x.length));
      x.forEach((t, k) => {
        const d = df(p, t);
        ps.forEach((s, i) => (J[i]![k] = s.log ? d[i]! * p[i]! : d[i]!));
      });
      return { ok: true, model: [m], jacobian: [J] };
    },
  };
  return prob;
}

const expModel = (p: number[], t: number): number => p[0]! * Math.exp(-p[1]! * t) + p[2]!;
const expGrad = (p: number[], t: number): number[] => [Math.exp(-p[1]! * t), -p[0]! * t * Math.exp(-p[1]! * t), 1];

function expData(truth: number[], sigma: number, seed: number): { x: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: 200 }, (_, k) => k * 0.05);
  const y = Float64Array.from(x, (t) => expModel(truth, t) + sigma * rng.normal());
  return { x, y };
}

test('dense: Jacobi eigenpairs satisfy A·v = λ·v with orthonormal v; Cholesky factors an SPD matrix and refuses an indefinite one', () => {
  const n = 5;
  const rng = new Rng(3);
  const B = Float64Array.from({ length: n * n }, () => rng.normal());
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? 0.5 : 0;
      for (let k = 0; k < n; k++) s += B[i * n + k]! * B[j * n + k]!;
      A[i * n + j] = s;
    }
  const { values, vectors } = symmetricEigen(A, n);
  for (let k = 1; k < n; k++) assert.ok(values[k]! >= values[k - 1]!, 'values[k]! >= values[k - 1]!');
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += A[i * n + j]! * vectors[j * n + k]!;
      assert.ok(
        Math.abs(av - values[k]! * vectors[i * n + k]!) < 1e-10 * values[n - 1]!,
        'Math.abs(av - values[k]! * vectors[i * n + k]!) < 1e-10 * values[n - 1]!',
      );
    }
    for (let l = 0; l < n; l++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += vectors[i * n + k]! * vectors[i * n + l]!;
      assert.ok(Math.abs(d - (k === l ? 1 : 0)) < 1e-12, 'Math.abs(d - (k === l ? 1 : 0)) < 1e-12');
    }
  }
  const L = cholesky(A, n)!;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += L[i * n + k]! * L[j * n + k]!;
      assert.ok(
        Math.abs(s - A[i * n + j]!) < 1e-12 * values[n - 1]!,
        'Math.abs(s - A[i * n + j]!) < 1e-12 * values[n - 1]!',
      );
    }
  const b = Float64Array.from({ length: n }, (_, i) => i + 1);
  const xs = solveSpd(A, n, b)!;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j]! * xs[j]!;
    assert.ok(Math.abs(s - b[i]!) < 1e-9, 'Math.abs(s - b[i]!) < 1e-9');
  }
  assert.equal(cholesky(Float64Array.from([1, 2, 2, 1]), 2), null);
});

test('Levenberg–Marquardt recovers known parameters from noisy synthetic data, each inside its 95 % Fisher interval', async () => {
  const truth = [2, 0.7, 0.5];
  const sigma = 0.01;
  const { x, y } = expData(truth, sigma, 11);
  const ps = [spec('A', 0.1, 10), spec('k', 0.01, 10, true, 3), spec('c', -2, 2, false, 0)];
  const prob = analyticProblem(ps, x, y, expModel, expGrad);
  const x0 = Float64Array.from(ps, (p) => (p.log ? Math.log(p.initial) : p.initial));
  const r = await levenbergMarquardt(prob, x0);
  assert.ok(r.converged, r.message);
  const fa = fisherAnalysis(prob, r.x, r.evaluation);
  // the noise estimate is the RMS residual: close to the σ the data were made with
  assert.ok(Math.abs(fa.noise[0]! / sigma - 1) < 0.15, `σ̂ = ${fa.noise[0]}`);
  fa.estimates.forEach((e, i) => {
    assert.ok(e.identifiable, e.reason);
    assert.ok(e.ci95![0] < truth[i]! && truth[i]! < e.ci95![1], `${e.name}: ${truth[i]} in ${e.ci95}`);
    // and the interval is tight: the data do constrain it
    assert.ok(e.ci95![1] - e.ci95![0] < 0.1 * truth[i]!, `${e.name}: ${e.ci95}`);
  });
  // the cost history never rises
  for (let k = 1; k < r.history.length; k++)
    assert.ok(r.history[k]!.cost <= r.history[k - 1]!.cost, 'r.history[k]!.cost <= r.history[k - 1]!.cost');
  // a bound is respected: with k's upper bound below the truth, the fit stops on it
  const tight = analyticProblem([ps[0]!, spec('k', 0.01, 0.5, true, 0.3), ps[2]!], x, y, expModel, expGrad);
  const rb = await levenbergMarquardt(tight, Float64Array.from([5, Math.log(0.3), 0]));
  const fb = fisherAnalysis(tight, rb.x, rb.evaluation);
  assert.equal(fb.estimates[1]!.atBound, 'upper');
  assert.ok(fb.estimates[1]!.value <= 0.5 * (1 + 1e-12), 'fb.estimates[1]!.value <= 0.5 * (1 + 1e-12)');
});

test('identifiability: a product a·b is flagged as a flat direction, a near-collinear pair as correlated — no interval is returned for them', async () => {
  const x = Float64Array.from({ length: 50 }, (_, k) => k / 49);
  const rng = new Rng(5);
  // y = a·b·t: only the product is determined
  const y = Float64Array.from(x, (t) => 1.5 * t + 0.001 * rng.normal());
  const ps = [spec('a', 0.1, 10, true, 1), spec('b', 0.1, 10, true, 1)];
  const prob = analyticProblem(
    ps,
    x,
    y,
    (p, t) => p[0]! * p[1]! * t,
    (p, t) => [p[1]! * t, p[0]! * t],
  );
  const r = await levenbergMarquardt(prob, Float64Array.from([0, 0]));
  const fa = fisherAnalysis(prob, r.x, r.evaluation);
  assert.equal(fa.flatDirections.length, 1);
  assert.deepEqual(Object.keys(fa.flatDirections[0]!.loadings).sort(), ['a', 'b']);
  for (const e of fa.estimates) {
    assert.equal(e.identifiable, false);
    assert.equal(e.ci95, null);
    assert.match(e.reason!, /flat direction/);
  }
  // the product itself is found
  assert.ok(
    Math.abs(fa.estimates[0]!.value * fa.estimates[1]!.value - 1.5) < 1e-3,
    'Math.abs(fa.estimates[0]!.value * fa.estimates[1]!.value - 1.5) < 1e-3',
  );
  // y = a·t + b·t·(1 + 0.05 t): identifiable in principle, but |r| > 0.95
  const y2 = Float64Array.from(x, (t) => 1 * t + 2 * t * (1 + 0.05 * t) + 0.001 * rng.normal());
  const ps2 = [spec('a', -10, 10, false, 0), spec('b', -10, 10, false, 0)];
  const prob2 = analyticProblem(
    ps2,
    x,
    y2,
    (p, t) => p[0]! * t + p[1]! * t * (1 + 0.05 * t),
    (_p, t) => [t, t * (1 + 0.05 * t)],
  );
  const r2 = await levenbergMarquardt(prob2, Float64Array.from([0, 0]));
  const f2 = fisherAnalysis(prob2, r2.x, r2.evaluation);
  assert.equal(f2.flatDirections.length, 0);
  assert.equal(f2.correlatedPairs.length, 1);
  assert.ok(Math.abs(f2.correlatedPairs[0]!.r) > 0.95, 'Math.abs(f2.correlatedPairs[0]!.r) > 0.95');
  for (const e of f2.estimates) {
    assert.equal(e.identifiable, false);
    assert.match(e.reason!, /correlated with/);
  }
});

test('CMA-ES (derivative-free) reaches the least-squares optimum of the exponential fit and of Rosenbrock’s valley', async () => {
  const { x, y } = expData([2, 0.7, 0.5], 0.01, 11);
  const ps = [spec('A', 0.1, 10), spec('k', 0.01, 10, true, 3), spec('c', -2, 2, false, 0)];
  const prob = analyticProblem(ps, x, y, expModel, expGrad);
  const x0 = Float64Array.from(ps, (p) => (p.log ? Math.log(p.initial) : p.initial));
  const lm = await levenbergMarquardt(prob, x0);
  const cm = await cmaes(prob, x0, { seed: 2, maxGenerations: 400, ftol: 1e-12 });
  assert.ok(cm.cost <= lm.cost * (1 + 1e-4), `${cm.cost} vs ${lm.cost}`);
  // Rosenbrock as least squares: r = (10(x₂ − x₁²), 1 − x₁), minimum 0 at (1, 1)
  const rz = {
    parameters: [spec('x1', -2, 2, false, -1), spec('x2', -2, 3, false, 2)],
    blocks: [
      {
        name: 'r',
        source: 't',
        quantity: 'voltage',
        unit: '',
        xLabel: 'i',
        xUnit: '',
        x: Float64Array.from([0, 1]),
        data: new Float64Array(2),
        weight: 2,
      },
    ] as FitBlock[],
    async evaluate(v: Float64Array): Promise<Evaluation> {
      return { ok: true, model: [Float64Array.from([10 * (v[1]! - v[0]! * v[0]!), 1 - v[0]!])] };
    },
  };
  const rr = await cmaes(rz, Float64Array.from([-1, 2]), { seed: 7, maxGenerations: 600, ftol: 1e-14 });
  assert.ok(Math.abs(rr.x[0]! - 1) < 1e-3 && Math.abs(rr.x[1]! - 1) < 2e-3, `${rr.x}`);
});

test('adaptive Metropolis: a linear-Gaussian posterior has the analytic mean and covariance; the same seed gives the same chain', async () => {
  const x = Float64Array.from({ length: 40 }, (_, k) => k / 39);
  const rng = new Rng(9);
  const sigma = 0.05;
  const y = Float64Array.from(x, (t) => 0.3 + 1.2 * t + sigma * rng.normal());
  const ps = [spec('a', -5, 5, false, 0), spec('b', -5, 5, false, 0)];
  const prob = analyticProblem(
    ps,
    x,
    y,
    (p, t) => p[0]! + p[1]! * t,
    (_p, t) => [1, t],
  );
  // ordinary least squares: mean and covariance σ²(XᵀX)⁻¹ (flat prior inside wide bounds)
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    sy = 0,
    sty = 0;
  x.forEach((t, k) => {
    s0 += 1;
    s1 += t;
    s2 += t * t;
    sy += y[k]!;
    sty += t * y[k]!;
  });
  const det = s0 * s2 - s1 * s1;
  const mean = [(s2 * sy - s1 * sty) / det, (s0 * sty - s1 * sy) / det];
  const cov = [(sigma * sigma * s2) / det, (-sigma * sigma * s1) / det, (sigma * sigma * s0) / det];
  const run = () => adaptiveMetropolis(prob, Float64Array.from(mean), { samples: 20000, seed: 4, noise: [sigma] });
  const r = await run();
  const m = [0, 0];
  for (let k = 0; k < r.kept; k++) for (let i = 0; i < 2; i++) m[i]! += r.samples[k * 2 + i]! / r.kept;
  const c = [0, 0, 0];
  for (let k = 0; k < r.kept; k++) {
    const d0 = r.samples[k * 2]! - m[0]!;
    const d1 = r.samples[k * 2 + 1]! - m[1]!;
    c[0]! += (d0 * d0) / r.kept;
    c[1]! += (d0 * d1) / r.kept;
    c[2]! += (d1 * d1) / r.kept;
  }
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(m[i]! - mean[i]!) < 0.1 * Math.sqrt(cov[i * 2]!), `mean ${i}`);
  assert.ok(Math.abs(c[0]! / cov[0]! - 1) < 0.15, `var a ${c[0]} vs ${cov[0]}`);
  assert.ok(Math.abs(c[2]! / cov[2]! - 1) < 0.15, `var b ${c[2]} vs ${cov[2]}`);
  assert.ok(Math.abs(c[1]! / cov[1]! - 1) < 0.2, `cov ab ${c[1]} vs ${cov[1]}`);
  assert.ok(r.acceptanceRate > 0.15 && r.acceptanceRate < 0.6, `${r.acceptanceRate}`);
  for (const e of r.effectiveSampleSize) assert.ok(e > 500 && e <= r.kept, 'e > 500 && e <= r.kept');
  const again = await run();
  assert.deepEqual(Array.from(again.samples.slice(0, 20)), Array.from(r.samples.slice(0, 20)));
});

test('a 95 % interval stays inside the parameter’s range: a linear parameter fitted near its lower bound 0 gets no negative end', async () => {
  const x = Float64Array.from({ length: 20 }, (_, k) => k / 19);
  const rng = new Rng(3);
  // y = c + s·t with c = 0.01 and noise σ = 0.1: c's ±1.96 sd (≈ 0.09) reaches well below 0
  const y = Float64Array.from(x, (t) => 0.01 + 1 * t + 0.1 * rng.normal());
  const ps = [spec('c', 0, 2, false, 0.5), spec('s', 0.1, 10, true, 2)];
  const prob = analyticProblem(
    ps,
    x,
    y,
    (p, t) => p[0]! + p[1]! * t,
    (_p, t) => [1, t],
  );
  const r = await levenbergMarquardt(prob, Float64Array.from([0.5, Math.log(2)]));
  const fa = fisherAnalysis(prob, r.x, r.evaluation);
  const c = fa.estimates[0]!;
  assert.ok(c.identifiable, c.reason);
  // the unclipped interval would cross the bound (so this case does test the limit)
  assert.ok(c.value - 1.96 * c.sdInternal! < 0, `${c.value} − 1.96·${c.sdInternal}`);
  assert.equal(c.ci95![0], 0);
  assert.ok(c.ci95![1] > c.value && c.ci95![1] <= 2, 'c.ci95![1] > c.value && c.ci95![1] <= 2');
  for (const e of fa.estimates) {
    const p = ps.find((q) => q.name === e.name)!;
    assert.ok(
      p.lower <= e.ci95![0] && e.ci95![0] <= e.value && e.value <= e.ci95![1] && e.ci95![1] <= p.upper,
      'p.lower <= e.ci95![0] && e.ci95![0] <= e.value && e.value <= e.ci95![1] && e.ci95![1] <=…',
    );
  }
});

test('a parameter the model does not depend on is flagged alone; the one beside it keeps its interval', async () => {
  const x = Float64Array.from({ length: 20 }, (_, k) => k / 19);
  const rng = new Rng(8);
  const y = Float64Array.from(x, (t) => 2 * t + 0.01 * rng.normal());
  // the least-squares slope (closed form) is what the fit must return for a
  const slope = x.reduce((s, t, k) => s + t * y[k]!, 0) / x.reduce((s, t) => s + t * t, 0);
  const ps = [spec('a', 0, 10, false, 1), spec('z', 0.1, 10, true, 1)];
  const prob = analyticProblem(
    ps,
    x,
    y,
    (p, t) => p[0]! * t,
    (_p, t) => [t, 0],
  );
  const r = await levenbergMarquardt(prob, Float64Array.from([1, 0]));
  const fa = fisherAnalysis(prob, r.x, r.evaluation);
  const [a, z] = fa.estimates;
  assert.ok(a!.identifiable, a!.reason);
  assert.ok(Math.abs(a!.value - slope) < 1e-8, `a = ${a!.value}, slope ${slope}`);
  assert.ok(a!.ci95![0] < slope && slope < a!.ci95![1] && a!.ci95![1] - a!.ci95![0] < 0.05, `a: ${a!.ci95}`);
  assert.equal(z!.identifiable, false);
  assert.equal(z!.ci95, null);
  assert.match(z!.reason!, /flat direction/);
  assert.deepEqual(
    fa.flatDirections.map((f) => Object.keys(f.loadings)),
    [['z']],
  );
  assert.ok(
    Number.isNaN(fa.correlation[1]!) && fa.correlation[0] === 1,
    'Number.isNaN(fa.correlation[1]!) && fa.correlation[0] === 1',
  );
});
