import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BandBorderLU, integrateBE } from '../../src/electrochem/ssb/be.ts';
import {
  createSsbModel,
  fastRunner,
  patentExampleParams,
  runCycle,
  withParams,
} from '../../src/electrochem/ssb/index.ts';

test('bordered-banded LU solves random band+border systems that need pivoting', () => {
  let seed = 3;
  const rnd = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  for (const [n, k, kl, ku] of [
    [30, 4, 3, 2],
    [60, 7, 6, 6],
    [97, 9, 11, 11],
  ] as const) {
    const m = n - k;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const inside = i < m && j < m ? i - j <= kl && j - i <= ku : true;
        if (inside && rnd() > -0.3) A[i * n + j] = rnd();
      }
    for (let i = 0; i < m; i += 3) A[i * n + i] = 0; // force row interchanges
    const lu = new BandBorderLU(n, k, kl, ku);
    lu.a.set(A);
    assert.ok(lu.factor());
    const x = Float64Array.from({ length: n }, () => rnd());
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] = b[i]! + A[i * n + j]! * x[j]!;
    lu.solve(b);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(b[i]! - x[i]!) < 1e-9, `n=${n} i=${i}`);
  }
});

test('BDF2 integrator: second-order accurate on y′ = −y with an algebraic companion z = 2y', () => {
  const problem = {
    n: 2,
    massDiag: Float64Array.from([1, 0]),
    f(_t: number, y: Float64Array, out: Float64Array): void {
      out[0] = -y[0]!;
      out[1] = y[1]! - 2 * y[0]!;
    },
    jacobian(_t: number, _y: Float64Array, sink: { add(i: number, j: number, v: number): void }): void {
      sink.add(0, 0, -1);
      sink.add(1, 1, 1);
      sink.add(1, 0, -2);
    },
  };
  const errs: number[] = [];
  for (const rtol of [1e-4, 1e-6]) {
    const r = integrateBE(problem, Float64Array.from([1, 2]), {
      tEnd: 2,
      rtol,
      atol: 1e-10,
      firstStep: 1e-3,
      maxStep: 0.5,
    });
    assert.equal(r.status, 'done');
    errs.push(Math.abs(r.y[0]! - Math.exp(-2)));
    assert.ok(Math.abs(r.y[1]! - 2 * r.y[0]!) < 1e-8, 'algebraic constraint holds');
  }
  assert.ok(errs[0]! < 1e-3 && errs[1]! < errs[0]! / 10, `errors ${errs.join(', ')}`);
});

test('terminal events stop the integration at the crossing', () => {
  const problem = {
    n: 1,
    f(_t: number, _y: Float64Array, out: Float64Array): void {
      out[0] = 1;
    },
    jacobian(): void {},
  };
  const r = integrateBE(problem, Float64Array.from([0]), {
    tEnd: 10,
    events: [{ name: 'half', g: (_t, y) => y[0]! - 3.3, direction: 1 }],
    maxStep: 1,
  });
  assert.equal(r.status, 'event');
  assert.ok(Math.abs(r.t - 3.3) < 1e-6 && Math.abs(r.y[0]! - 3.3) < 1e-6);
});

test('warmer cell delivers more at 1C (Arrhenius transport and kinetics)', () => {
  const caps: number[] = [];
  for (const T of [273.15, 298.15, 323.15]) {
    const m = createSsbModel('spme', withParams(patentExampleParams(), { temperature_K: T }));
    const y = m.initialState(0);
    const run = fastRunner(m as Parameters<typeof fastRunner>[0]);
    runCycle(run, m, y, 0.1, 0.1, { vMax_V: 4.3, vMin_V: 3.0, cvEndCRate: 0.02 });
    caps.push(runCycle(run, m, y, 0.1, 1, { vMax_V: 4.3, vMin_V: 3.0, cvEndCRate: 0.02 }).discharge_C);
  }
  assert.ok(caps[0]! < caps[1]! && caps[1]! < caps[2]!, caps.join(' < '));
});

test('createSsbModel names the bad kind', () => {
  assert.throws(
    () => createSsbModel('dfn' as 'p2d', patentExampleParams()),
    /model: unknown solid-state model \(got "dfn"; allowed p2d, spme, spm\)/,
  );
});
