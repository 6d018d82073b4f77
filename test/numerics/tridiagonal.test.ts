import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, tridiagonalSolve, tridiagonalSolve2, tridiagonalSolve2Last } from '../../src/numerics/index.ts';

/** x of A·x = d for a tridiagonal A (sub a, diagonal b, super c), by Gaussian elimination on the dense matrix */
function denseSolve(a: number[], b: number[], c: number[], d: number[]): number[] {
  const n = b.length;
  const M = Array.from({ length: n }, (_, i) => {
    const row = new Array<number>(n + 1).fill(0);
    row[i] = b[i]!;
    if (i > 0) row[i - 1] = a[i]!;
    if (i < n - 1) row[i + 1] = c[i]!;
    row[n] = d[i]!;
    return row;
  });
  for (let k = 0; k < n; k++)
    for (let i = k + 1; i < n; i++) {
      const f = M[i]![k]! / M[k]![k]!;
      for (let j = k; j <= n; j++) M[i]![j]! -= f * M[k]![j]!;
    }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= M[i]![j]! * x[j]!;
    x[i] = s / M[i]![i]!;
  }
  return x;
}

test('tridiagonalSolve2: two right-hand sides of a diagonally dominant system at an offset, as a dense solve gives', () => {
  const rng = new Rng(7);
  const s = 12; // the work array's stride (the model's unknowns); the system sits at offset o with n rows
  const o = 3;
  const n = 7;
  const w = new Float64Array(6 * s);
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < n; i++) {
    a.push(i > 0 ? -rng.uniform() : 0);
    c.push(i < n - 1 ? -rng.uniform() : 0);
    b.push(2.5 + rng.uniform());
    w[o + i] = a[i]!;
    w[s + o + i] = b[i]!;
    w[2 * s + o + i] = c[i]!;
  }
  const d1 = new Float64Array(s).fill(NaN);
  const d2 = new Float64Array(s).fill(NaN);
  const r1: number[] = [];
  const r2: number[] = [];
  for (let i = 0; i < n; i++) {
    d1[o + i] = r1[i] = rng.normal();
    d2[o + i] = r2[i] = 10 * rng.normal();
  }
  tridiagonalSolve2(w, s, d1, d2, o, n, 4 * s);
  const x1 = denseSolve(a, b, c, r1);
  const x2 = denseSolve(a, b, c, r2);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(d1[o + i]! - x1[i]!) <= 1e-14 * (1 + Math.abs(x1[i]!)), `x1[${i}]`);
    assert.ok(Math.abs(d2[o + i]! - x2[i]!) <= 1e-13 * (1 + Math.abs(x2[i]!)), `x2[${i}]`);
  }
  // outside [o, o + n) nothing is touched
  assert.ok(
    Number.isNaN(d1[0]!) && Number.isNaN(d1[o + n]!) && Number.isNaN(d2[o - 1]!),
    'Number.isNaN(d1[0]!) && Number.isNaN(d1[o + n]!) && Number.isNaN(d2[o - 1]!)',
  );
});

test('tridiagonalSolve2Last: a second right-hand side zero but in its last entry gives the same doubles as tridiagonalSolve2', () => {
  const rng = new Rng(11);
  const s = 10;
  const n = 10;
  const fill = (): Float64Array => {
    const w = new Float64Array(6 * s);
    const r = new Rng(3);
    for (let i = 0; i < n; i++) {
      w[i] = i > 0 ? -r.uniform() : 0;
      w[2 * s + i] = i < n - 1 ? -r.uniform() : 0;
      w[s + i] = 2.5 + r.uniform();
    }
    return w;
  };
  const rhs = Float64Array.from({ length: s }, () => rng.normal());
  const last = new Float64Array(s);
  last[n - 1] = -3.7;
  const a1 = Float64Array.from(rhs);
  const a2 = Float64Array.from(last);
  const b1 = Float64Array.from(rhs);
  const b2 = Float64Array.from(last);
  tridiagonalSolve2(fill(), s, a1, a2, 0, n, 3 * s);
  tridiagonalSolve2Last(fill(), s, b1, b2, 0, n, 3 * s);
  for (let i = 0; i < n; i++) {
    assert.ok(Object.is(a1[i], b1[i]), `d1[${i}]: ${a1[i]} vs ${b1[i]}`);
    assert.ok(Object.is(a2[i], b2[i]), `d2[${i}]: ${a2[i]} vs ${b2[i]}`);
  }
  assert.ok(b2[0] !== 0, 'the response reaches the first row');
});

test('tridiagonalSolve: a diagonally dominant system (a chain of heat capacities) as a dense solve gives; x may be d', () => {
  const rng = new Rng(5);
  for (const n of [1, 2, 9, 192]) {
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < n; i++) {
      a.push(i > 0 ? -rng.uniform() : 0);
      c.push(i < n - 1 ? -rng.uniform() : 0);
      b.push(0.1 + 2 * rng.uniform() + Math.abs(a[i]!) + Math.abs(c[i]!));
      r.push(rng.normal() * 300);
    }
    const x = new Float64Array(n);
    tridiagonalSolve(Float64Array.from(a), Float64Array.from(b), Float64Array.from(c), Float64Array.from(r), x, n);
    const xd = denseSolve(a, b, c, r);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(x[i]! - xd[i]!) <= 1e-12 * (1 + Math.abs(xd[i]!)), `n ${n} x[${i}]`);
    // in place: the solution written over the right-hand side
    const d = Float64Array.from(r);
    tridiagonalSolve(Float64Array.from(a), Float64Array.from(b), Float64Array.from(c), d, d, n);
    for (let i = 0; i < n; i++) assert.ok(Object.is(d[i], x[i]), `in place x[${i}]`);
    // the residual of the original system
    for (let i = 0; i < n; i++) {
      const ax = b[i]! * x[i]! + (i > 0 ? a[i]! * x[i - 1]! : 0) + (i < n - 1 ? c[i]! * x[i + 1]! : 0);
      assert.ok(Math.abs(ax - r[i]!) <= 1e-10 * (1 + Math.abs(r[i]!)), `n ${n} row ${i}: ${ax} vs ${r[i]}`);
    }
  }
});
