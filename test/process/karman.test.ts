/**
 * Reference check of the closed-form friction hills used in rolling.ts against a numerical von Kármán slab
 * integration on the real (parabolic) roll gap (process-models.md §1.4a, §7 item 4):
 *   exit zone  h·dp/dx = k̄·h′ + 2τ,  entry zone  h·dp/dx = k̄·h′ − 2τ,  x from the exit, h = h₁ + x²/R,
 *   p = k̄ at exit and entry (no strip tension), p(x) = min of the two branches (neutral point where they
 *   cross), τ = min(μp, k̄/2) (Coulomb) or k̄/2 (sticking).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frictionHillFactor } from '../../src/process/rolling.ts';

function karmanMeanFactor(h0: number, h1: number, R: number, friction: number | 'sticking'): number {
  const k = 1;
  const L = Math.sqrt(R * (h0 - h1));
  const N = 4000;
  const dx = L / N;
  const h = (x: number): number => h1 + (x * x) / R;
  const hp = (x: number): number => (2 * x) / R;
  const tau = (p: number): number => (friction === 'sticking' ? k / 2 : Math.min(friction * p, k / 2));
  const fExit = (x: number, p: number): number => (k * hp(x) + 2 * tau(p)) / h(x);
  const fEntry = (x: number, p: number): number => (k * hp(x) - 2 * tau(p)) / h(x);
  const rk4 = (f: (x: number, p: number) => number, x: number, p: number, d: number): number => {
    const a = f(x, p);
    const b = f(x + d / 2, p + (d / 2) * a);
    const c = f(x + d / 2, p + (d / 2) * b);
    const e = f(x + d, p + d * c);
    return p + (d / 6) * (a + 2 * b + 2 * c + e);
  };
  const pe = new Float64Array(N + 1);
  const pn = new Float64Array(N + 1);
  pe[0] = k;
  for (let i = 0; i < N; i++) pe[i + 1] = rk4(fExit, i * dx, pe[i]!, dx);
  pn[N] = k;
  for (let i = N; i > 0; i--) pn[i - 1] = rk4(fEntry, i * dx, pn[i]!, -dx);
  let P = 0;
  for (let i = 0; i <= N; i++) {
    const p = Math.min(pe[i]!, pn[i]!);
    P += (i === 0 || i === N ? 0.5 : 1) * p * dx;
  }
  return P / L / k;
}

test('Ford–Alexander sticking hill agrees with the von Kármán slab solution for thin layers (L/h̄ ≥ 5)', () => {
  for (const [h0, red, R] of [
    [30e-6, 0.1, 0.05],
    [13e-6, 0.05, 0.05],
    [10e-6, 0.2, 0.01],
    [50e-6, 0.3, 0.1],
  ] as const) {
    const h1 = h0 * (1 - red);
    const L = Math.sqrt(R * (h0 - h1));
    const hm = (h0 + h1) / 2;
    const ref = karmanMeanFactor(h0, h1, R, 'sticking');
    const fa = frictionHillFactor(L, hm, 'sticking');
    assert.ok(L / hm >= 5, 'L / hm >= 5');
    assert.ok(
      Math.abs(fa - ref) / ref < 0.08,
      `L/h̄=${(L / hm).toFixed(1)}: FA ${fa.toFixed(3)} vs von Kármán ${ref.toFixed(3)}`,
    );
  }
});

test('Coulomb slip–stick hill (Stone + Orowan friction limit) agrees with the von Kármán slab solution for foil (μ = 0.05–0.3)', () => {
  for (const [h0, red, R, mu] of [
    [10e-6, 0.05, 0.05, 0.05],
    [10e-6, 0.1, 0.05, 0.1],
    [20e-6, 0.1, 0.1, 0.15],
    [10e-6, 0.2, 0.01, 0.1],
    [10e-6, 0.1, 0.05, 0.3],
    [5e-6, 0.1, 0.1, 0.2],
  ] as const) {
    const h1 = h0 * (1 - red);
    const L = Math.sqrt(R * (h0 - h1));
    const hm = (h0 + h1) / 2;
    const ref = karmanMeanFactor(h0, h1, R, mu);
    const st = frictionHillFactor(L, hm, mu);
    assert.ok(
      Math.abs(st - ref) / ref < 0.03,
      `x=${((mu * L) / hm).toFixed(2)}: Stone ${st.toFixed(3)} vs von Kármán ${ref.toFixed(3)}`,
    );
  }
});
