import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bisect,
  bisectTest,
  brent,
  illinois,
  locateCrossing,
  linearInterpolant,
  pchipInterpolant,
  interpLinear,
  interpPchip,
  findInterval,
} from '../../src/numerics/index.ts';

test('brent and illinois find cube roots and transcendental roots to 1e-12', () => {
  for (const solver of [brent, illinois]) {
    const r1 = solver((x) => x * x * x - 2, 0, 2, { xtol: 1e-14 });
    assert.ok(r1.converged, 'r1.converged');
    assert.ok(Math.abs(r1.x - Math.cbrt(2)) < 1e-12, `${solver.name}: ${r1.x}`);
    const r2 = solver((x) => Math.cos(x) - x, 0, 1, { xtol: 1e-14 });
    assert.ok(Math.abs(r2.x - 0.7390851332151607) < 1e-12, `${solver.name}: ${r2.x}`);
  }
});

test('brent needs few evaluations on a smooth root (superlinear)', () => {
  let calls = 0;
  const r = brent((x) => (calls++, Math.exp(x) - 3), 0, 5, { xtol: 1e-13 });
  assert.ok(Math.abs(r.x - Math.log(3)) < 1e-12, 'Math.abs(r.x - Math.log(3)) < 1e-12');
  assert.ok(calls < 20, `calls ${calls}`);
});

test('illinois does not stall on a one-sided convex function (regula falsi would)', () => {
  let calls = 0;
  const r = illinois((x) => (calls++, Math.pow(x, 10) - 0.5), 0, 1.5, { xtol: 1e-13 });
  assert.ok(Math.abs(r.x - Math.pow(0.5, 0.1)) < 1e-11, 'Math.abs(r.x - Math.pow(0.5, 0.1)) < 1e-11');
  assert.ok(calls < 60, `calls ${calls}`);
});

test('root finders reject a bracket without a sign change and NaN values', () => {
  assert.throws(() => brent((x) => x * x + 1, -1, 1), /differ in sign/);
  assert.throws(() => illinois(() => NaN, -1, 1), /NaN/);
});

test('bisect: halves a sign change to its tolerance, and clamps to the nearer end where f does not change sign', () => {
  const r = bisect((x) => x * x - 2, 0, 2);
  assert.ok(Math.abs(r - Math.SQRT2) <= 4e-15, `${r}`);
  // f > 0 over the whole bracket: the lower end; f < 0: the upper end (a window search clamps to them)
  assert.equal(
    bisect((x) => x + 1, 0, 1),
    0,
  );
  assert.equal(
    bisect((x) => x - 2, 0, 1),
    1,
  );
  // maxIter bounds the work: 10 halvings of [0, 1] leave a bracket of 2⁻¹⁰ around the root
  let calls = 0;
  const c = bisect((x) => (calls++, x - 0.3), 0, 1, { maxIter: 10 });
  assert.equal(calls, 12);
  assert.ok(Math.abs(c - 0.3) <= 2 ** -11, `${c}`);
});

test('bisectTest: a monotone yes/no test on a linear and on a log scale, the ends in either order', () => {
  // the largest x with x² ≤ 2: keep below, drop above, to a relative width of 1e-12
  const a = bisectTest((x) => x * x <= 2, 0, 4, { rtol: 1e-12 });
  assert.ok(a.keep <= Math.SQRT2 && a.drop > Math.SQRT2 && a.drop - a.keep <= 1e-12 * a.drop, JSON.stringify(a));
  // geometric: the highest rate with rate ≤ 3.7 between 0.1 and 10 within 1 %: log2(100)/log2(1.01) ≈ 463 → 9 halvings
  const g = bisectTest((r) => r <= 3.7, 0.1, 10, { midpoint: 'geometric', rtol: 0.01 });
  assert.ok(g.keep <= 3.7 && g.drop > 3.7 && g.drop / g.keep <= 1.01, JSON.stringify(g));
  assert.equal(g.iterations, 9);
  // keep above drop (a verdict that holds at the larger value): 40 halvings and no width rule
  const d = bisectTest((x) => x >= 0.25, 1, 0, { maxIter: 40 });
  assert.equal(d.iterations, 40);
  assert.ok(d.keep >= 0.25 && d.drop < 0.25 && d.keep - d.drop <= 2 ** -40, JSON.stringify(d));
});

test('locateCrossing: a target inside a step, the caller left at the returned trial', () => {
  // v = x² crosses 2 in [0, 2]: false position stops within vtol, and the last value call was at the answer
  let last = NaN;
  const r = locateCrossing((x) => ((last = x), x * x), 2, 0, 0, 2, 4, {
    reached: (v) => v >= 2,
    vtol: 1e-10,
    xtol: 1e-12,
  });
  assert.ok(Math.abs(r.x - Math.SQRT2) < 1e-10, `${r.x}`);
  assert.equal(r.v, r.x * r.x);
  assert.equal(last, r.x);
  // a falling value (a CV hold's current decaying to its end value), stopped by the bracket width
  const d = locateCrossing((x) => Math.exp(-x), 0.05, 0, 1, 10, Math.exp(-10), {
    reached: (v) => v <= 0.05,
    vtol: 0,
    xtol: 1e-6,
    maxIter: 200,
  });
  assert.ok(Math.abs(d.x - Math.log(20)) < 1e-5, `${d.x}`);
});

test('linear interpolation: exact on lines, clamps by default, errors on request', () => {
  const f = linearInterpolant([0, 1, 3], [1, 3, 7]);
  assert.equal(f(0.5), 2);
  assert.equal(f(2), 5);
  assert.equal(f(-1), 1);
  assert.equal(f(10), 7);
  assert.equal(f.derivative(2), 2);
  assert.throws(
    () => linearInterpolant([0, 1], [0, 1], { extrapolate: 'error', name: 'ocp' })(2),
    /ocp: query 2 is outside the table/,
  );
  assert.equal(interpLinear([0, 2], [0, 4], 1.5), 3);
});

test('tables: unsorted, duplicate, NaN and length mismatches name the offending entry', () => {
  assert.throws(
    () => linearInterpolant([0, 2, 1], [0, 1, 2], { name: 'ocp' }),
    /ocp\.x\.2: must be strictly increasing/,
  );
  assert.throws(() => pchipInterpolant([0, 1, 1], [0, 1, 2]), /x\.2: must be strictly increasing/);
  assert.throws(() => pchipInterpolant([0, 1, 2], [0, NaN, 2]), /y\.1: must be finite/);
  assert.throws(() => linearInterpolant([0, 1], [0, 1, 2]), /length/);
  assert.throws(() => linearInterpolant([0, 1], [0, 1])(NaN), /NaN/);
});

test('pchip is monotone on monotone data with a sharp step (no overshoot) and interpolates the nodes', () => {
  const x = [0, 1, 2, 3, 4, 5];
  const y = [0, 0, 0, 1, 1, 1];
  const f = pchipInterpolant(x, y);
  let prev = -Infinity;
  for (let t = 0; t <= 5; t += 0.01) {
    const v = f(t);
    assert.ok(v >= prev - 1e-15, `not monotone at ${t}`);
    assert.ok(v >= 0 && v <= 1, `overshoot at ${t}: ${v}`);
    prev = v;
  }
  for (let i = 0; i < x.length; i++)
    assert.ok(Math.abs(f(x[i]!) - y[i]!) < 1e-15, 'Math.abs(f(x[i]!) - y[i]!) < 1e-15');
});

test('pchip reproduces a smooth function to O(h³) and its derivative', () => {
  const n = 41;
  const x = Array.from({ length: n }, (_, i) => (i / (n - 1)) * Math.PI);
  const y = x.map(Math.sin);
  const f = pchipInterpolant(x, y);
  let err = 0;
  let derr = 0;
  for (let t = 0.05; t < 3; t += 0.037) err = Math.max(err, Math.abs(f(t) - Math.sin(t)));
  // away from the extremum at π/2 (where the harmonic-mean slopes are only O(h) accurate)
  for (let t = 0.05; t < 1.2; t += 0.037) derr = Math.max(derr, Math.abs(f.derivative(t) - Math.cos(t)));
  assert.ok(err < 2e-4, `err ${err}`);
  assert.ok(derr < 3e-3, `derr ${derr}`);
  assert.ok(Math.abs(interpPchip(x, y, 1) - Math.sin(1)) < 2e-4, 'Math.abs(interpPchip(x, y, 1) - Math.sin(1)) < 2e-4');
});

test('findInterval brackets the query', () => {
  const x = [0, 1, 2, 4, 8];
  assert.equal(findInterval(x, 3), 2);
  assert.equal(findInterval(x, 8), 3);
  assert.equal(findInterval(x, -1), 0);
});

test('ftol: a root at a bracket end that evaluates to +6e-17 by rounding is accepted, not a bracket error', () => {
  // g decreasing with its root exactly at b; rounding gives g(b) = +6e-17 (the same sign as g(a))
  const g = (x: number): number => (x < 2 ? 2 - x : 6e-17);
  assert.throws(() => illinois(g, 0, 2), /must differ in sign/);
  const r = illinois(g, 0, 2, { ftol: 1e-12 });
  assert.equal(r.x, 2);
  assert.ok(r.converged, 'r.converged');
  assert.equal(brent(g, 0, 2, { ftol: 1e-12 }).x, 2);
  // a real sign problem beyond ftol still fails
  assert.throws(() => illinois((x) => 1 + x, 0, 2, { ftol: 1e-12 }), /must differ in sign/);
});
