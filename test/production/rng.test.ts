import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/numerics/rng.ts';
import { Ar1Field } from '../../src/process/production/variability.ts';

test('xoshiro128**: deterministic integer stream, uniform moments, normal moments', () => {
  const a = new Rng(123);
  const b = new Rng(123);
  for (let i = 0; i < 1000; i++) assert.equal(a.nextU32(), b.nextU32());
  const r = new Rng(9);
  let s = 0;
  let q = 0;
  const N = 200000;
  for (let i = 0; i < N; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1, 'u >= 0 && u < 1');
    s += u;
    q += u * u;
  }
  assert.ok(Math.abs(s / N - 0.5) < 0.005, 'Math.abs(s / N - 0.5) < 0.005');
  assert.ok(Math.abs(q / N - (s * s) / N / N - 1 / 12) < 0.002, 'Math.abs(q / N - (s * s) / N / N - 1 / 12) < 0.002');
  let m = 0;
  let v = 0;
  for (let i = 0; i < N; i++) {
    const z = r.normal();
    m += z;
    v += z * z;
  }
  assert.ok(Math.abs(m / N) < 0.01, 'Math.abs(m / N) < 0.01');
  assert.ok(Math.abs(v / N - 1) < 0.02, 'Math.abs(v / N - 1) < 0.02');
});

test('AR(1) field: stationary σ and lag-1 correlation exp(−Δ/ℓ); resets start independent realisations', () => {
  const f = new Ar1Field(0, 0.1, 400000, 0.02, 1, new Rng(4));
  const x = Array.from({ length: f.length }, (_, i) => f.value(i));
  let s2 = 0;
  let c1 = 0;
  for (let i = 0; i < x.length; i++) s2 += x[i]! ** 2;
  for (let i = 1; i < x.length; i++) c1 += x[i]! * x[i - 1]!;
  const sd = Math.sqrt(s2 / x.length);
  assert.ok(Math.abs(sd / 0.02 - 1) < 0.03, `sd ${sd}`);
  assert.ok(Math.abs(c1 / s2 - Math.exp(-0.1)) < 0.01, `rho ${c1 / s2}`);
  // the mean over an interval lies between the min and max of the field there
  const mean = f.mean(10.03, 10.57);
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 10.03; p <= 10.57; p += 0.001) {
    lo = Math.min(lo, f.at(p));
    hi = Math.max(hi, f.at(p));
  }
  assert.ok(mean >= lo - 1e-12 && mean <= hi + 1e-12, 'mean >= lo - 1e-12 && mean <= hi + 1e-12');
});

test('AR(1) field read lazily along the web with release: the same values as generated in one go, and a bounded window', () => {
  // the field as the line generated it before (all n values at once, from the same RNG stream)
  const eager = (x0: number, dx: number, n: number, sigma: number, corr: number, rng: Rng, resets: number[]) => {
    const v = new Float64Array(n);
    const rho = Math.exp(-dx / corr);
    const innov = sigma * Math.sqrt(1 - rho * rho);
    let r = 0;
    let x = sigma * rng.normal();
    for (let k = 0; k < n; k++) {
      const pos = x0 + k * dx;
      if (r < resets.length && pos >= resets[r]!) {
        while (r < resets.length && pos >= resets[r]!) r++;
        x = sigma * rng.normal();
      } else if (k > 0) x = rho * x + innov * rng.normal();
      v[k] = x;
    }
    return v;
  };
  const n = 50_000;
  const resets = [0, 3.3, 77.7, 77.8, 2000];
  const want = eager(0, 0.0025, n, 0.015, 0.6, new Rng(11), resets);
  const f = new Ar1Field(0, 0.0025, n, 0.015, 0.6, new Rng(11), resets);
  let maxHeld = 0;
  for (let p = 0; p < n * 0.0025; p += 0.01) {
    f.release(p - 0.01);
    const i = Math.floor(p / 0.0025);
    assert.equal(f.value(i), want[i], `node ${i}`);
    const u = (p + 0.001) / 0.0025;
    const j = Math.floor(u);
    assert.equal(f.at(p + 0.001), want[j]! * (1 - (u - j)) + want[j + 1]! * (u - j)); // the interpolation as before
    maxHeld = Math.max(maxHeld, f.held);
  }
  // whatever the field's length, only a window of a few blocks is held
  assert.ok(maxHeld <= 3 * 4096, `held ${maxHeld} of ${n} nodes`);
  assert.throws(() => f.value(0), /released/);
  // σ = 0: no draws, zeros
  assert.equal(new Ar1Field(0, 1, 10, 0, 1, new Rng(1)).at(3.5), 0);
});
