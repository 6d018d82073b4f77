import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  c4,
  xbarS,
  individuals,
  cusum,
  nelson,
  honestLimits,
  histogram,
  autocorrelation,
  capabilityIndices,
} from '../../src/process/production/control-charts.ts';
import { Rng } from '../../src/numerics/rng.ts';

test('c4, A3, B3, B4 reproduce Montgomery App. VI (3 decimals)', () => {
  // Montgomery 7th ed. Appendix VI: c4(2)=0.7979, c4(5)=0.9400, c4(10)=0.9727, c4(25)=0.9896
  assert.equal(c4(2).toFixed(4), '0.7979');
  assert.equal(c4(5).toFixed(4), '0.9400');
  assert.equal(c4(10).toFixed(4), '0.9727');
  assert.equal(c4(25).toFixed(4), '0.9896');
  // A3(5)=1.427, B3(5)=0, B4(5)=2.089; B3(6)=0.030, B4(6)=1.970
  const ch = xbarS([1, 2, 3, 4, 5, 2, 3, 4, 5, 6], 5);
  const sbar = ch.s_bar;
  assert.equal(((ch.xbar.ucl - ch.xbar.center) / sbar).toFixed(3), '1.427');
  assert.equal((ch.s.ucl / sbar).toFixed(3), '2.089');
  assert.equal(ch.s.lcl, 0);
  const ch6 = xbarS([1, 2, 3, 4, 5, 6], 6);
  assert.equal((ch6.s.lcl / ch6.s_bar).toFixed(3), '0.030');
  assert.equal((ch6.s.ucl / ch6.s_bar).toFixed(3), '1.970');
});

test('individuals chart: σ = MR̄/1.128 and the MR limit 3.267·MR̄', () => {
  const c = individuals([10, 12, 11, 13, 12]);
  assert.equal(c.mr_bar, (2 + 1 + 2 + 1) / 4);
  assert.ok(Math.abs(c.sigma - 1.5 / 1.128) < 1e-12, 'Math.abs(c.sigma - 1.5 / 1.128) < 1e-12');
  assert.ok(Math.abs(c.mr.ucl - 3.267 * 1.5) < 1e-12, 'Math.abs(c.mr.ucl - 3.267 * 1.5) < 1e-12');
});

test('CUSUM signals a 1σ shift within ~10 samples; on target its false-alarm rate is near ARL₀ ≈ 465', () => {
  const rng = new Rng(3);
  const onTarget = Array.from({ length: 20000 }, () => rng.normal());
  const ooc = cusum(onTarget, 0, 1).out_of_control;
  const episodes = ooc.filter((i, k) => k === 0 || ooc[k - 1] !== i - 1).length;
  assert.ok(episodes >= 10 && episodes <= 90, `false-alarm episodes in 20 000 (${episodes}; ≈ 43 expected)`);
  const calm = new Rng(1);
  const shifted = [
    ...Array.from({ length: 50 }, () => calm.normal()),
    ...Array.from({ length: 50 }, () => 1 + rng.normal()),
  ];
  assert.ok(cusum(shifted.slice(0, 50), 0, 1).out_of_control.length === 0, 'this seed has no alarm before the shift');
  const c = cusum(shifted, 0, 1);
  assert.ok(
    c.out_of_control.length > 0 && c.out_of_control[0]! >= 50 && c.out_of_control[0]! < 70,
    `first signal after the shift (${c.out_of_control[0]})`,
  );
});

test('Nelson rules fire on their patterns and not on a centred alternating run', () => {
  assert.deepEqual(nelson([0, 0, 4, 0], 0, 1).rule1, [2]);
  assert.deepEqual(nelson(Array(9).fill(0.5), 0, 1).rule2, [8]);
  assert.deepEqual(nelson([0, 0.1, 0.2, 0.3, 0.4, 0.5], 0, 1).rule3, [5]);
  const alt = Array.from({ length: 14 }, (_, i) => (i % 2 ? 0.5 : -0.5));
  assert.deepEqual(nelson(alt, 0, 1).rule4, [13]);
  assert.deepEqual(nelson([2.5, 0, 2.5], 0, 1).rule5, [2]);
  assert.deepEqual(nelson([1.5, 1.5, 0, 1.5, 1.5], 0, 1).rule6, [4]);
  assert.equal(nelson(alt, 0, 1).rule7.length, 0, 'within 1σ for 14 only');
  assert.deepEqual(
    nelson(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? 1.5 : -1.5)),
      0,
      1,
    ).rule8,
    [7],
  );
});

test('honest limits: AR(1) web data (φ = 0.95) flag far fewer subgroups with stationary-σ limits than classical limits', () => {
  const rng = new Rng(7);
  const x: number[] = [];
  let e = 0;
  for (let i = 0; i < 5000; i++) {
    e = 0.95 * e + rng.normal();
    x.push(100 + e);
  }
  const h = honestLimits(x, 5);
  assert.equal(h.method, 'batch means');
  assert.ok(h.autocorrelated, 'h.autocorrelated');
  assert.ok(Math.abs(h.ar1.phi - 0.95) < 0.03, `φ̂ ${h.ar1.phi}`);
  const means = Array.from({ length: 1000 }, (_, g) => x.slice(g * 5, g * 5 + 5).reduce((a, b) => a + b) / 5);
  const out = (l: { ucl: number; lcl: number }) => means.filter((m) => m > l.ucl || m < l.lcl).length;
  assert.ok(out(h.classical) > 300, `classical limits flag most subgroups (${out(h.classical)})`);
  assert.ok(out(h.batch_means) < out(h.classical) / 3, `batch means flag fewer (${out(h.batch_means)})`);
  // the AR(1) residuals are (nearly) independent
  assert.ok(
    Math.abs(autocorrelation(h.ar1.residuals, 1)[0]!) < 0.1,
    'Math.abs(autocorrelation(h.ar1.residuals, 1)[0]!) < 0.1',
  );
  // independent data keep the classical limits
  const iid = Array.from({ length: 2000 }, () => rng.normal());
  assert.equal(honestLimits(iid, 5).method, 'classical');
});

test('histogram counts every value and those outside the spec', () => {
  const h = histogram([1, 2, 3, 4, 5, 6], 5, 2, 5);
  assert.equal(
    h.counts.reduce((a, b) => a + b, 0),
    6,
  );
  assert.equal(h.below_lsl, 1);
  assert.equal(h.above_usl, 1);
  assert.ok(h.edges[0]! <= 1 && h.edges.at(-1)! >= 6, 'h.edges[0]! <= 1 && h.edges.at(-1)! >= 6');
});

test('capability: Cp = Pp for a stable process; within σ < overall σ when the mean wanders', () => {
  const rng = new Rng(11);
  const iid = Array.from({ length: 5000 }, () => 10 + rng.normal());
  const c = capabilityIndices(iid, 7, 13, 5);
  assert.ok(Math.abs(c.cp! - 1) < 0.05 && Math.abs(c.pp! - 1) < 0.05, `Cp ${c.cp} Pp ${c.pp} ≈ 1 for ±3σ specs`);
  assert.ok(c.cpk! <= c.cp! && c.ppk! <= c.pp!, 'c.cpk! <= c.cp! && c.ppk! <= c.pp!');
  const wander: number[] = [];
  let e = 0;
  for (let i = 0; i < 5000; i++) {
    e = 0.98 * e + 0.3 * rng.normal();
    wander.push(10 + e + 0.2 * rng.normal());
  }
  const w = capabilityIndices(wander, 7, 13, 5);
  assert.ok(w.pp! < w.cp!, `Pp ${w.pp} < Cp ${w.cp} when the mean drifts`);
  const one = capabilityIndices(iid, undefined, 13);
  assert.equal(one.cp, null);
  assert.ok(one.cpk !== null && one.pp === null, 'one.cpk !== null && one.pp === null');
});
