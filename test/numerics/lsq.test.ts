import { test } from 'node:test';
import assert from 'node:assert/strict';
import { levenbergMarquardt } from '../../src/numerics/index.ts';

test('Levenberg–Marquardt recovers the parameters of an exponential from exact data, and from noisy data within 3σ', async () => {
  const t = Float64Array.from({ length: 12 }, (_, i) => i * 0.5);
  const model = (x: ArrayLike<number>, ti: number): number => x[0]! * Math.exp(-x[1]! * ti) + x[2]!;
  const truth = [2.5, 0.7, 0.3];
  const y = Float64Array.from(t, (ti) => model(truth, ti));
  const r = await levenbergMarquardt((x) => Float64Array.from(t, (ti, i) => model(x, ti) - y[i]!), [1, 0.1, 0]);
  assert.ok(r.converged, 'r.converged');
  truth.forEach((v, i) => assert.ok(Math.abs(r.x[i]! - v) < 1e-5, `x${i} ${r.x[i]} vs ${v}`));
  // deterministic ±0.01 "noise": the estimate stays within 3σ of the truth
  const yn = Float64Array.from(y, (v, i) => v + (i % 2 ? 0.01 : -0.01));
  const rn = await levenbergMarquardt((x) => Float64Array.from(t, (ti, i) => model(x, ti) - yn[i]!), [1, 0.1, 0]);
  truth.forEach((v, i) => {
    const s = Math.sqrt(rn.covariance[i * 3 + i]!);
    assert.ok(s > 0 && Math.abs(rn.x[i]! - v) < 3 * s + 1e-9, `x${i} ${rn.x[i]} ± ${s} vs ${v}`);
  });
});
