import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directionalSensitivityRhs, solveDae, type DaeProblem } from '../../src/numerics/index.ts';

/** y′ = −k·y + z, 0 = z − a·y: y = y0·e^{(a−k)t}, z = a·y; ∂y/∂a = t·y, ∂y/∂k = −t·y, ∂z/∂a = y + a·t·y */
function linearDae(k: number, a: number): DaeProblem {
  return {
    n: 2,
    massDiag: Float64Array.from([1, 0]),
    f(_t, y, o) {
      o[0] = -k * y[0]! + y[1]!;
      o[1] = y[1]! - a * y[0]!;
    },
  };
}

test('sensitivities of a linear index-1 DAE match the analytic ∂y/∂p (parameters in f and in y0)', () => {
  const k = 1.3;
  const a = 0.4;
  const h = 1e-4;
  const base = linearDae(k, a);
  // parameters: a, k, y0 (the last enters only the initial state); centred differences
  const rhs = directionalSensitivityRhs(
    base,
    [linearDae(k, a + h), linearDae(k + h, a), null],
    [h, h, h],
    [linearDae(k, a - h), linearDae(k - h, a), null],
  );
  const y0 = Float64Array.from([2, 0]);
  const tEval = [0, 0.5, 1, 2, 3];
  const r = solveDae(base, y0, {
    t0: 0,
    tEnd: 3,
    rtol: 1e-8,
    atol: 1e-10,
    tEval,
    sensitivity: {
      np: 3,
      s0: [new Float64Array(2), new Float64Array(2), Float64Array.from([1, 0])],
      rhs,
    },
  });
  assert.equal(r.status, 'done', r.message);
  assert.ok(r.s && r.s.length === tEval.length, 'r.s && r.s.length === tEval.length');
  for (let m = 0; m < tEval.length; m++) {
    const t = tEval[m]!;
    const y = 2 * Math.exp((a - k) * t);
    const S = r.s[m]!;
    const want = [
      [t * y, y + a * t * y],
      [-t * y, -a * t * y],
      [y / 2, (a * y) / 2],
    ];
    for (let i = 0; i < 3; i++)
      for (let q = 0; q < 2; q++)
        assert.ok(
          Math.abs(S[i]![q]! - want[i]![q]!) < 2e-5 * (1 + Math.abs(want[i]![q]!)),
          `t=${t} s${i}[${q}] = ${S[i]![q]} vs ${want[i]![q]}`,
        );
  }
  assert.ok((r.stats.sensitivityIterations ?? 0) > 0, '(r.stats.sensitivityIterations ?? 0) > 0');
});

/** Robertson as a DAE with its three rate constants as parameters */
function robertson(k1: number, k2: number, k3: number): DaeProblem {
  return {
    n: 3,
    massDiag: Float64Array.from([1, 1, 0]),
    f(_t, y, o) {
      o[0] = -k1 * y[0]! + k3 * y[1]! * y[2]!;
      o[1] = k1 * y[0]! - k3 * y[1]! * y[2]! - k2 * y[1]! * y[1]!;
      o[2] = y[0]! + y[1]! + y[2]! - 1;
    },
  };
}

test('Robertson DAE: forward sensitivities in ln k agree with central differences of whole solves', () => {
  const k = [0.04, 3e7, 1e4];
  const mk = (kk: number[]): DaeProblem => robertson(kk[0]!, kk[1]!, kk[2]!);
  const opts = { t0: 0, tEnd: 40, rtol: 1e-8, atol: Float64Array.from([1e-14, 1e-18, 1e-14]) };
  const y0 = Float64Array.from([1, 0, 0]);
  const h = 1e-6;
  const pert = k.map((_, i) => mk(k.map((v, j) => (j === i ? v * Math.exp(h) : v))));
  const r = solveDae(mk(k), y0, {
    ...opts,
    sensitivity: {
      np: 3,
      s0: [0, 1, 2].map(() => new Float64Array(3)),
      rhs: directionalSensitivityRhs(mk(k), pert, [h, h, h]),
    },
  });
  assert.equal(r.status, 'done', r.message);
  const e = 1e-4;
  for (let i = 0; i < 3; i++) {
    const up = solveDae(mk(k.map((v, j) => (j === i ? v * Math.exp(e) : v))), y0, opts).yFinal;
    const dn = solveDae(mk(k.map((v, j) => (j === i ? v * Math.exp(-e) : v))), y0, opts).yFinal;
    for (let q = 0; q < 3; q++) {
      const fd = (up[q]! - dn[q]!) / (2 * e);
      const s = r.sFinal![i]![q]!;
      const scale = Math.max(Math.abs(fd), q === 1 ? 1e-8 : 1e-4);
      assert.ok(Math.abs(s - fd) < 2e-3 * scale, `∂y${q + 1}/∂ln k${i + 1}: ${s} vs FD ${fd}`);
    }
  }
});

test('sensitivity options are checked', () => {
  const p = linearDae(1, 0);
  const rhs = directionalSensitivityRhs(p, [null], [1e-7]);
  assert.throws(
    () => solveDae(p, Float64Array.from([1, 0]), { t0: 0, tEnd: 1, sensitivity: { np: 1, s0: [], rhs } }),
    /opts\.sensitivity\.s0: must hold np = 1 arrays/,
  );
  assert.throws(() => directionalSensitivityRhs(p, [null], [0]), /delta\.0: must be finite and non-zero/);
});
