/**
 * The integrator's exact shortcuts (src/numerics/bdf.ts useBdfShortcuts: the small-system paths, Newton's
 * convergence test by integer powers, the triangular U of the step-size change) give bit for bit the doubles of the
 * plain operations — on small stiff problems that change order and step size often, reject steps, and stop on
 * events (interpolated for an ODE, on the corrector's solution for a DAE).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDaeSolver, useBdfShortcuts } from '../../src/numerics/bdf.ts';
import type { DaeProblem, DaeSolverOptions, SolveResult } from '../../src/numerics/index.ts';
import { robertson, robertsonDae, vanDerPol } from './problems.ts';

function solveWith(on: boolean, p: DaeProblem, y0: number[], opts: DaeSolverOptions): SolveResult {
  const was = useBdfShortcuts(on);
  try {
    return createDaeSolver(p).solve(Float64Array.from(y0), opts);
  } finally {
    useBdfShortcuts(was);
  }
}

function assertSame(a: SolveResult, b: SolveResult, what: string): void {
  assert.deepEqual(b.stats, a.stats, what);
  assert.equal(b.status, a.status, what);
  assert.ok(Object.is(b.tFinal, a.tFinal), `${what}: tFinal`);
  for (let i = 0; i < a.yFinal.length; i++) assert.ok(Object.is(b.yFinal[i], a.yFinal[i]), `${what}: yFinal ${i}`);
  assert.equal(b.t.length, a.t.length, what);
  for (let k = 0; k < a.t.length; k++) {
    assert.ok(Object.is(b.t[k], a.t[k]), `${what}: t at output ${k}`);
    for (let i = 0; i < a.y[k]!.length; i++)
      assert.ok(Object.is(b.y[k]![i], a.y[k]![i]), `${what}: y${i} at output ${k}`);
  }
  assert.equal(b.events.length, a.events.length, what);
  for (let k = 0; k < a.events.length; k++) {
    assert.equal(b.events[k]!.name, a.events[k]!.name, what);
    assert.ok(Object.is(b.events[k]!.t, a.events[k]!.t), `${what}: event ${k}`);
  }
}

/** a finite-difference-Jacobian copy of a problem (the solver's own columns, as the alloying history) */
const fd = (p: DaeProblem): DaeProblem => ({ n: p.n, f: p.f, ...(p.massDiag ? { massDiag: p.massDiag } : {}) });

test('shortcuts on and off: the same doubles on stiff ODEs (every order, rejections, events on the interpolant)', () => {
  const cases: [string, DaeProblem, number[], DaeSolverOptions][] = [
    ['Robertson to 4e10', robertson, [1, 0, 0], { t0: 0, tEnd: 4e10, rtol: 1e-7, atol: 1e-12 }],
    [
      'Robertson (FD Jacobian) with events',
      fd(robertson),
      [1, 0, 0],
      {
        t0: 0,
        tEnd: 1e5,
        rtol: 1e-6,
        atol: Float64Array.from([1e-10, 1e-14, 1e-10]),
        events: [
          { name: 'y3 passes 0.5', g: (_t, y) => y[2]! - 0.5, direction: 1, terminal: false },
          { name: 'y1 below 0.02', g: (_t, y) => y[0]! - 0.02, direction: -1 },
        ],
      },
    ],
    ['Van der Pol μ = 1000', vanDerPol(1000), [2, 0], { t0: 0, tEnd: 3000, rtol: 1e-6, atol: 1e-8 }],
    [
      'Van der Pol μ = 100, remembered-rate Newton test, tEval',
      fd(vanDerPol(100)),
      [2, 0],
      { t0: 0, tEnd: 300, rtol: 1e-5, atol: 1e-8, newtonTol: 0.05, tEval: [1, 50, 100.5, 299] },
    ],
  ];
  let rejected = 0;
  let orders = 0;
  for (const [what, p, y0, opts] of cases) {
    const plain = solveWith(false, p, y0, opts);
    const short = solveWith(true, p, y0, opts);
    assert.notEqual(plain.status, 'failed', `${what}: ${plain.message}`);
    assertSame(plain, short, what);
    rejected += plain.stats.rejectedSteps;
    orders += plain.stats.steps;
  }
  // not vacuous: the runs reject steps and take many (the order climbs and falls in Van der Pol's relaxations)
  assert.ok(rejected > 20 && orders > 1000, `${rejected} rejected of ${orders} steps`);
});

test('shortcuts on and off: the same doubles on a small DAE stopped by a terminal event on its corrector solutions', () => {
  const opts: DaeSolverOptions = {
    t0: 0,
    tEnd: 1e6,
    rtol: 1e-6,
    atol: 1e-10,
    events: [{ name: 'y1 below 0.1', g: (_t, y) => y[0]! - 0.1, direction: -1 }],
  };
  const plain = solveWith(false, robertsonDae, [1, 0, 0], opts);
  const short = solveWith(true, robertsonDae, [1, 0, 0], opts);
  assert.equal(plain.status, 'event');
  assertSame(plain, short, 'Robertson DAE');
});
