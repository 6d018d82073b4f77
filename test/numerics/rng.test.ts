import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/numerics/rng.ts';

test('Rng.inRange: log-uniform over a positive range (median at the geometric mean), uniform otherwise', () => {
  const rng = new Rng(7);
  const pos = Array.from({ length: 4001 }, () => rng.inRange(1e-3, 10)).sort((a, b) => a - b);
  assert.ok(pos[0]! >= 1e-3 && pos.at(-1)! <= 10, 'pos[0]! >= 1e-3 && pos.at(-1)! <= 10');
  // log-uniform: the median is √(1e-3 · 10) = 0.1 (a uniform draw would put it near 5)
  assert.ok(Math.abs(Math.log10(pos[2000]!) + 1) < 0.1, String(pos[2000]));
  const lin = Array.from({ length: 4001 }, () => rng.inRange(-2, 2)).sort((a, b) => a - b);
  assert.ok(lin[0]! >= -2 && lin.at(-1)! <= 2, 'lin[0]! >= -2 && lin.at(-1)! <= 2');
  assert.ok(Math.abs(lin[2000]!) < 0.15, String(lin[2000]));
  // one uniform per value (the seeded streams of the bands stay where they were): after one inRange the
  // stream is where it is after one uniform
  const a = new Rng(3);
  const b = new Rng(3);
  a.inRange(1, 100);
  b.uniform();
  assert.equal(a.uniform(), b.uniform());
});
