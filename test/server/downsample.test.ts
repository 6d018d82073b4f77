import { test } from 'node:test';
import assert from 'node:assert/strict';
import { m4 } from '../../src/server/present/downsample.ts';

test('m4 keeps every extreme: the downsampled min and max equal the full trace’s in each bucket', () => {
  const n = 1_000_000;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i * 0.01;
    y[i] = Math.sin(i / 5000) + (i % 977 === 0 ? 3 : 0) - (i % 1499 === 0 ? 2 : 0);
  }
  const d = m4(x, y, 0, x[n - 1]!, 1000);
  assert.ok(d.index.length <= 4000 && d.index.length > 1000, `${d.index.length} points`);
  assert.equal(d.points_in_window, n);
  for (let i = 1; i < d.index.length; i++) assert.ok(d.index[i]! > d.index[i - 1]!, 'ascending');
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const i of d.index) {
    ymin = Math.min(ymin, y[i]!);
    ymax = Math.max(ymax, y[i]!);
  }
  let fmin = Infinity;
  let fmax = -Infinity;
  for (let i = 0; i < n; i++) {
    fmin = Math.min(fmin, y[i]!);
    fmax = Math.max(fmax, y[i]!);
  }
  assert.equal(ymin, fmin);
  assert.equal(ymax, fmax);
  // a zoomed window returns the raw points once they fit
  const z = m4(x, y, 100, 110, 1000);
  assert.equal(z.index.length, z.points_in_window);
  assert.ok(
    x[z.index[0]!]! <= 100 && x[z.index.at(-1)!]! >= 110,
    'x[z.index[0]!]! <= 100 && x[z.index.at(-1)!]! >= 110',
  );
});
