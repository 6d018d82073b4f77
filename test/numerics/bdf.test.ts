import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDaeSolver, solveDae } from '../../src/numerics/index.ts';
import type { DaeProblem, JacobianSink } from '../../src/numerics/index.ts';
import { robertson, robertsonDae, ROB40, ROB4E10, vanDerPol } from './problems.ts';

const robAtol = (rtol: number): Float64Array => Float64Array.from([1e-6 * rtol, 1e-10 * rtol, 1e-6 * rtol]);

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

test('Robertson ODE to t = 40 matches Hairer & Wanner to 1e-8 relative', () => {
  const r = solveDae(robertson, Float64Array.from([1, 0, 0]), { t0: 0, tEnd: 40, rtol: 1e-10, atol: robAtol(1e-10) });
  assert.equal(r.status, 'done');
  assert.equal(r.tFinal, 40);
  for (let i = 0; i < 3; i++)
    assert.ok(relErr(r.yFinal[i]!, ROB40[i]!) < 1e-8, `y${i + 1} = ${r.yFinal[i]} vs ${ROB40[i]}`);
});

test('Robertson ODE to t = 4e10 matches the reference to 1e-4 relative', () => {
  const r = solveDae(robertson, Float64Array.from([1, 0, 0]), { t0: 0, tEnd: 4e10, rtol: 1e-8, atol: robAtol(1e-8) });
  assert.equal(r.status, 'done');
  for (let i = 0; i < 3; i++)
    assert.ok(relErr(r.yFinal[i]!, ROB4E10[i]!) < 1e-4, `y${i + 1} = ${r.yFinal[i]} vs ${ROB4E10[i]}`);
});

test('Robertson DAE (y3 algebraic) to t = 40 and 4e10: reference values and mass conservation to 1e-10', () => {
  for (const [tEnd, ref, tol] of [
    [40, ROB40, 1e-7],
    [4e10, ROB4E10, 1e-4],
  ] as const) {
    // inconsistent y3 guess: the solver makes it consistent at t0
    const r = solveDae(robertsonDae, Float64Array.from([1, 0, 0.3]), { t0: 0, tEnd, rtol: 1e-9, atol: robAtol(1e-9) });
    assert.equal(r.status, 'done', r.message);
    for (let i = 0; i < 3; i++)
      assert.ok(relErr(r.yFinal[i]!, ref[i]!) < tol, `t=${tEnd}: y${i + 1} = ${r.yFinal[i]} vs ${ref[i]}`);
    assert.ok(Math.abs(r.y[0]![2]!) < 1e-12, `initialised y3 = ${r.y[0]![2]}`);
    for (const y of r.y) assert.ok(Math.abs(y[0]! + y[1]! + y[2]! - 1) < 1e-10, `sum = ${y[0]! + y[1]! + y[2]!}`);
  }
});

test('Jacobian and LU are reused: factorisations and Jacobian evaluations ≪ steps', () => {
  const r = solveDae(robertson, Float64Array.from([1, 0, 0]), { t0: 0, tEnd: 4e10, rtol: 1e-6, atol: robAtol(1e-6) });
  assert.equal(r.status, 'done');
  const s = r.stats;
  assert.ok(s.factorisations < s.steps / 3, `factorisations ${s.factorisations}, steps ${s.steps}`);
  assert.ok(s.jacobianEvals < s.steps / 10, `J evals ${s.jacobianEvals}, steps ${s.steps}`);
  assert.ok(s.newtonIterations < 3 * (s.steps + s.rejectedSteps), `Newton iterations ${s.newtonIterations}`);
});

test('error decreases as rtol tightens (y′ = −y², y = 1/(1+t))', () => {
  const p: DaeProblem = { n: 1, f: (_t, y, o) => void (o[0] = -y[0]! * y[0]!) };
  const errs = [1e-3, 1e-5, 1e-7, 1e-9].map((rtol) => {
    const r = solveDae(p, Float64Array.from([1]), { t0: 0, tEnd: 10, rtol, atol: rtol * 1e-3 });
    return Math.abs(r.yFinal[0]! - 1 / 11) * 11;
  });
  for (let k = 1; k < errs.length; k++)
    assert.ok(errs[k]! < errs[k - 1]! / 5, `errors ${errs.map((e) => e.toExponential(2))}`);
  assert.ok(errs[3]! < 1e-8, 'errs[3]! < 1e-8');
});

// ---------- Van der Pol, μ = 1000 ----------
const MU = 1000;
const vdp = vanDerPol(MU);

test('Van der Pol μ = 1000: period ≈ (3 − 2 ln 2)μ and agreement with a tight-tolerance run', () => {
  const downCross = { name: 'x=0', g: (_t: number, y: Float64Array) => y[0]!, direction: -1 as const, terminal: false };
  const tEval = [400, 800, 1200, 2000, 2500];
  const run = (rtol: number) =>
    solveDae(vdp, Float64Array.from([2, 0]), {
      t0: 0,
      tEnd: 3000,
      rtol,
      atol: rtol * 1e-2,
      tEval,
      events: [downCross],
    });
  const tight = run(1e-9);
  assert.equal(tight.status, 'done', tight.message);
  assert.equal(tight.events.length, 2);
  const period = tight.events[1]!.t - tight.events[0]!.t;
  const asymptotic = (3 - 2 * Math.LN2) * MU;
  assert.ok(Math.abs(period / asymptotic - 1) < 0.02, `period ${period} vs ${asymptotic}`);
  // SciPy Radau/LSODA (rtol 1e-10) give the first downward zero crossing at 807.0847 and the period 1614.401
  assert.ok(Math.abs(tight.events[0]!.t - 807.0847) < 1e-2, `first crossing ${tight.events[0]!.t}`);
  assert.ok(Math.abs(period - 1614.401) < 2e-2, `period ${period}`);
  // SciPy 1.17 Radau at rtol 1e-10, atol 1e-12 (x at t = 800 and 2500)
  assert.ok(Math.abs(tight.y[1]![0]! - 1.0839233646) < 1e-6, `x(800) = ${tight.y[1]![0]}`);
  assert.ok(Math.abs(tight.y[4]![0]! - -1.9465395178) < 1e-6, `x(2500) = ${tight.y[4]![0]}`);
  // looser runs converge towards the tight one
  const maxDiff = (r: ReturnType<typeof run>): number =>
    Math.max(...tEval.map((_, k) => Math.abs(r.y[k]![0]! - tight.y[k]![0]!)));
  const e5 = maxDiff(run(1e-5));
  const e7 = maxDiff(run(1e-7));
  assert.ok(e5 < 3e-3, `rtol 1e-5: ${e5}`);
  assert.ok(e7 < e5 / 5, `rtol 1e-7: ${e7} vs rtol 1e-5: ${e5}`);
});

// ---------- index-1 DAEs with analytic solutions ----------

test('index-1 DAE y′ = −z, 0 = z − y²: y = 1/(1+t), z = y², inconsistent z0 is corrected', () => {
  const p: DaeProblem = {
    n: 2,
    massDiag: Float64Array.from([1, 0]),
    f(_t, y, o) {
      o[0] = -y[1]!;
      o[1] = y[1]! - y[0]! * y[0]!;
    },
  };
  const tEval = [0, 0.5, 1, 2, 5, 10];
  const r = solveDae(p, Float64Array.from([1, 0.2]), { t0: 0, tEnd: 10, rtol: 1e-8, atol: 1e-10, tEval });
  assert.equal(r.status, 'done');
  assert.deepEqual(r.t, tEval);
  for (let k = 0; k < tEval.length; k++) {
    const ya = 1 / (1 + tEval[k]!);
    assert.ok(Math.abs(r.y[k]![0]! - ya) < 1e-7, `y(${tEval[k]}) = ${r.y[k]![0]} vs ${ya}`);
    assert.ok(Math.abs(r.y[k]![1]! - ya * ya) < 1e-7, `z(${tEval[k]}) = ${r.y[k]![1]} vs ${ya * ya}`);
  }
});

test('time-dependent constraint y′ = z, 0 = z + y − cos t: y = (cos t + sin t)/2 + e^{−t}/2', () => {
  const p: DaeProblem = {
    n: 2,
    massDiag: Float64Array.from([1, 0]),
    f(t, y, o) {
      o[0] = y[1]!;
      o[1] = y[1]! + y[0]! - Math.cos(t);
    },
  };
  const exact = (t: number): number => (Math.cos(t) + Math.sin(t)) / 2 + Math.exp(-t) / 2;
  const r = solveDae(p, Float64Array.from([1, 5]), { t0: 0, tEnd: 20, rtol: 1e-8, atol: 1e-10 });
  assert.equal(r.status, 'done');
  let maxErr = 0;
  for (let k = 0; k < r.t.length; k++) maxErr = Math.max(maxErr, Math.abs(r.y[k]![0]! - exact(r.t[k]!)));
  assert.ok(maxErr < 1e-6, `max error ${maxErr}`);
  // the initial z is made consistent with the constraint at t0 (z0 = cos 0 − y0 = 0)
  assert.ok(Math.abs(r.y[0]![1]!) < 1e-12, `z0 = ${r.y[0]![1]}`);
  assert.ok(r.stats.rejectedSteps < 0.1 * r.stats.steps, `rejected ${r.stats.rejectedSteps} of ${r.stats.steps}`);
});

test('consistent initialisation of a strongly nonlinear constraint (0 = e^z − 2 − y) from a poor guess', () => {
  const p: DaeProblem = {
    n: 2,
    massDiag: Float64Array.from([1, 0]),
    f(_t, y, o) {
      o[0] = -0.1 * y[0]!;
      o[1] = Math.exp(y[1]!) - 2 - y[0]!;
    },
  };
  const r = solveDae(p, Float64Array.from([3, 8]), { t0: 0, tEnd: 1, rtol: 1e-8, atol: 1e-10 });
  assert.equal(r.status, 'done', r.message);
  assert.ok(Math.abs(r.y[0]![1]! - Math.log(5)) < 1e-9, `z0 = ${r.y[0]![1]}`);
  const y1 = 3 * Math.exp(-0.1);
  assert.ok(Math.abs(r.yFinal[1]! - Math.log(2 + y1)) < 1e-7, 'Math.abs(r.yFinal[1]! - Math.log(2 + y1)) < 1e-7');
});

test('a singular algebraic block (missing equation) fails with a message, not NaN', () => {
  const p: DaeProblem = {
    n: 2,
    massDiag: Float64Array.from([1, 0]),
    f(_t, y, o) {
      o[0] = -y[0]!;
      o[1] = y[0]! - 1; // does not involve z: index > 1 / ill-posed
    },
  };
  const r = solveDae(p, Float64Array.from([1, 0]), { t0: 0, tEnd: 1 });
  assert.equal(r.status, 'failed');
  assert.match(r.message ?? '', /singular/);
});

// ---------- events ----------

test('event y = 0.5 on y′ = −y is located at ln 2 to 1e-8 and stops the solve there', () => {
  const p: DaeProblem = { n: 1, f: (_t, y, o) => void (o[0] = -y[0]!) };
  const r = solveDae(p, Float64Array.from([1]), {
    t0: 0,
    tEnd: 5,
    rtol: 1e-10,
    atol: 1e-12,
    events: [{ name: 'half', g: (_t, y) => y[0]! - 0.5, direction: -1 }],
  });
  assert.equal(r.status, 'event');
  assert.ok(Math.abs(r.tFinal - Math.LN2) < 1e-8, `t = ${r.tFinal}`);
  assert.ok(Math.abs(r.yFinal[0]! - 0.5) < 1e-9, 'Math.abs(r.yFinal[0]! - 0.5) < 1e-9');
  assert.equal(r.events.length, 1);
  assert.equal(r.events[0]!.name, 'half');
  assert.equal(r.t[r.t.length - 1], r.tFinal);
  for (const t of r.t) assert.ok(t <= r.tFinal, 't <= r.tFinal');
});

test('event direction filters crossings; non-terminal events record every zero of sin t', () => {
  const osc: DaeProblem = {
    n: 2,
    f(_t, y, o) {
      o[0] = y[1]!;
      o[1] = -y[0]!;
    },
  };
  const y0 = Float64Array.from([0, 1]); // y = sin t
  const rising = solveDae(osc, y0, {
    t0: 0,
    tEnd: 1,
    events: [{ name: 'up', g: (_t, y) => y[0]! - 0.5, direction: 1 }],
  });
  assert.equal(rising.status, 'event');
  assert.ok(Math.abs(rising.tFinal - Math.PI / 6) < 1e-5, 'Math.abs(rising.tFinal - Math.PI / 6) < 1e-5');
  const falling = solveDae(osc, y0, {
    t0: 0,
    tEnd: 1,
    events: [{ name: 'down', g: (_t, y) => y[0]! - 0.5, direction: -1 }],
  });
  assert.equal(falling.status, 'done');
  assert.equal(falling.events.length, 0);
  const zeros = solveDae(osc, y0, {
    t0: 0,
    tEnd: 10,
    rtol: 1e-9,
    atol: 1e-12,
    events: [{ name: 'zero', g: (_t, y) => y[0]!, direction: 0, terminal: false }],
  });
  assert.equal(zeros.status, 'done');
  assert.deepEqual(
    zeros.events.map((e) => Math.round(e.t / Math.PI)),
    [1, 2, 3],
  );
  for (const e of zeros.events) assert.ok(Math.abs(e.t - Math.round(e.t / Math.PI) * Math.PI) < 1e-7, `${e.t}`);
});

// ---------- structures ----------

/**
 * Method-of-lines diffusion on N cells (u_i′ = D(T)·Δu + I·w_i) with two global unknowns: a current I
 * (algebraic: Σ u_i·Δx + R·I − V(t) = 0, a dense row) and a temperature T (differential:
 * T′ = R·I² − k(T − 1)), both coupled to every cell. Jacobian structure: tridiagonal + 2 dense
 * border rows/columns.
 */
function borderedProblem(
  N: number,
  structure: 'dense' | 'sparse',
  analytic: boolean,
  /** a sparse structure to take (the same pattern arrays as another problem's) and the set point's amplitude */
  shared?: { structure: DaeProblem['structure']; amplitude: number },
): DaeProblem {
  const n = N + 2;
  const dx = 1 / N;
  const R = 0.5;
  const kT = 0.3;
  const iI = N;
  const iT = N + 1;
  const Dc = (T: number): number => 0.05 * (1 + 0.5 * (T - 1));
  const rows: number[] = [];
  const cols: number[] = [];
  const push = (i: number, j: number): void => {
    rows.push(i);
    cols.push(j);
  };
  for (let i = 0; i < N; i++) {
    for (let j = Math.max(0, i - 1); j <= Math.min(N - 1, i + 1); j++) push(i, j);
    push(i, iI);
    push(i, iT);
    push(iI, i);
  }
  push(iI, iI);
  push(iT, iI);
  push(iT, iT);
  const massDiag = new Float64Array(n).fill(1);
  massDiag[iI] = 0;
  const p: DaeProblem = {
    n,
    massDiag,
    structure:
      structure === 'dense'
        ? { kind: 'dense' }
        : (shared?.structure ?? { kind: 'sparse', rows: Int32Array.from(rows), cols: Int32Array.from(cols) }),
    f(t, y, o) {
      const D = Dc(y[iT]!);
      const I = y[iI]!;
      let s = 0;
      for (let i = 0; i < N; i++) {
        const l = i > 0 ? y[i - 1]! : y[i]!;
        const r = i < N - 1 ? y[i + 1]! : y[i]!;
        o[i] = (D * (l - 2 * y[i]! + r)) / (dx * dx) + I * (1 + 0.5 * Math.sin(Math.PI * i * dx));
        s += y[i]! * dx;
      }
      o[iI] = s + R * I - (1 + (shared?.amplitude ?? 0.2) * Math.sin(t));
      o[iT] = R * I * I - kT * (y[iT]! - 1);
    },
  };
  if (analytic) {
    (p as { jacobian?: (t: number, y: Float64Array, s: JacobianSink) => void }).jacobian = (_t, y, sink) => {
      const D = Dc(y[iT]!);
      const dD = 0.05 * 0.5;
      for (let i = 0; i < N; i++) {
        const l = i > 0 ? i - 1 : i;
        const r = i < N - 1 ? i + 1 : i;
        const c = D / (dx * dx);
        sink.add(i, l, c);
        sink.add(i, i, -2 * c);
        sink.add(i, r, c);
        sink.add(i, iT, (dD * (y[l]! - 2 * y[i]! + y[r]!)) / (dx * dx));
        sink.add(i, iI, 1 + 0.5 * Math.sin(Math.PI * i * dx));
        sink.add(iI, i, dx);
      }
      sink.add(iI, iI, R);
      sink.add(iT, iI, 2 * R * y[iI]!);
      sink.add(iT, iT, -kT);
    };
  }
  return p;
}

test('bordered-banded (sparse) and dense linear solvers give the same DAE solution; analytic = FD Jacobian', () => {
  const N = 40;
  const y0 = new Float64Array(N + 2);
  for (let i = 0; i < N; i++) y0[i] = 1 + 0.3 * Math.cos((Math.PI * (i + 0.5)) / N);
  y0[N + 1] = 1;
  const opts = { t0: 0, tEnd: 5, rtol: 1e-8, atol: 1e-10, tEval: [1, 2.5, 5] };
  const sparseSolver = createDaeSolver(borderedProblem(N, 'sparse', true));
  assert.match(sparseSolver.linearSolver, /bordered-banded .*border=2/);
  const results = [
    sparseSolver.solve(y0, opts),
    solveDae(borderedProblem(N, 'dense', true), y0, opts),
    solveDae(borderedProblem(N, 'sparse', false), y0, opts),
  ];
  for (const r of results) assert.equal(r.status, 'done', r.message);
  for (let k = 1; k < results.length; k++)
    for (let q = 0; q < 3; q++)
      for (let i = 0; i < N + 2; i++)
        assert.ok(
          Math.abs(results[k]!.y[q]![i]! - results[0]!.y[q]![i]!) < 2e-6,
          `solver ${k}, t=${opts.tEval[q]}, i=${i}: ${results[k]!.y[q]![i]!} vs ${results[0]!.y[q]![i]!}`,
        );
  // the constraint holds along the solution
  const yF = results[0]!.yFinal;
  let s = 0;
  for (let i = 0; i < N; i++) s += yF[i]! * (1 / N);
  assert.ok(
    Math.abs(s + 0.5 * yF[N]! - (1 + 0.2 * Math.sin(5))) < 1e-8,
    'Math.abs(s + 0.5 * yF[N]! - (1 + 0.2 * Math.sin(5))) < 1e-8',
  );
});

test('solveDae hands its solver to a new problem of the same layout: the solves are those of a solver of its own', () => {
  const N = 40;
  const y0 = new Float64Array(N + 2);
  for (let i = 0; i < N; i++) y0[i] = 1 + 0.3 * Math.cos((Math.PI * (i + 0.5)) / N);
  y0[N + 1] = 1;
  const opts = { t0: 0, tEnd: 5, rtol: 1e-6, atol: 1e-8 };
  const a = borderedProblem(N, 'sparse', true);
  const same = (amplitude: number): DaeProblem =>
    borderedProblem(N, 'sparse', true, { structure: a.structure, amplitude });
  const own = (p: DaeProblem) => createDaeSolver(p).solve(y0, opts);
  const assertSame = (r: ReturnType<typeof own>, ref: ReturnType<typeof own>, what: string): void => {
    assert.equal(r.status, 'done', `${what}: ${r.message}`);
    assert.deepEqual(r.stats, ref.stats, what);
    assert.deepEqual(r.t, ref.t, what);
    assert.deepEqual(r.y, ref.y, what);
  };
  const refA = own(a);
  const b = same(0.3);
  const refB = own(b);
  // different problems (the check below could not pass by comparing a solve with itself)
  assert.notDeepEqual(refB.yFinal, refA.yFinal);
  assertSame(solveDae(a, y0, opts), refA, 'a');
  assertSame(solveDae(b, y0, opts), refB, 'b after a (a’s solver)');
  assertSame(solveDae(a, y0, opts), refA, 'a after b');
  // a nested solve of the same layout (from b′s f) gets a solver of its own; both solves stay exact
  let inner: ReturnType<typeof own> | null = null;
  const c = same(0.3);
  const f = c.f.bind(c);
  (c as { f: DaeProblem['f'] }).f = (t, y, o) => {
    if (inner === null) inner = solveDae(same(0.2), y0, opts);
    f(t, y, o);
  };
  assertSame(solveDae(c, y0, opts), refB, 'outer');
  assertSame(inner!, refA, 'inner');
  // the same pattern with another mass matrix (T algebraic too) is another layout
  const d = same(0.2);
  const md = Float64Array.from(d.massDiag!);
  md[N + 1] = 0;
  const e = { ...d, massDiag: md };
  assertSame(solveDae(e, y0, opts), own(e), 'other mass matrix');
  assertSame(solveDae(a, y0, opts), refA, 'a at last');
});

test('banded structure (FD Jacobian coloured by bandwidth) agrees with dense on a heat equation with an exact mode', () => {
  const N = 60;
  const dx = Math.PI / (N + 1);
  const mk = (structure: 'dense' | 'banded'): DaeProblem => ({
    n: N,
    structure: structure === 'dense' ? { kind: 'dense' } : { kind: 'banded', lower: 1, upper: 1 },
    f(_t, y, o) {
      for (let i = 0; i < N; i++)
        o[i] = ((i > 0 ? y[i - 1]! : 0) - 2 * y[i]! + (i < N - 1 ? y[i + 1]! : 0)) / (dx * dx);
    },
  });
  const y0 = new Float64Array(N).map((_, i) => Math.sin((i + 1) * dx));
  // the discrete sine mode decays exactly with λ = −4 sin²(dx/2)/dx²
  const lam = (-4 * Math.sin(dx / 2) ** 2) / (dx * dx);
  const banded = createDaeSolver(mk('banded'));
  assert.match(banded.linearSolver, /banded/);
  const rb = banded.solve(y0, { t0: 0, tEnd: 2, rtol: 1e-8, atol: 1e-12 });
  const rd = solveDae(mk('dense'), y0, { t0: 0, tEnd: 2, rtol: 1e-8, atol: 1e-12 });
  assert.equal(rb.status, 'done');
  for (let i = 0; i < N; i++) {
    assert.ok(Math.abs(rb.yFinal[i]! - rd.yFinal[i]!) < 1e-10, 'Math.abs(rb.yFinal[i]! - rd.yFinal[i]!) < 1e-10');
    assert.ok(
      Math.abs(rb.yFinal[i]! - y0[i]! * Math.exp(lam * 2)) < 1e-7 * Math.exp(lam * 2) + 1e-12,
      'Math.abs(rb.yFinal[i]! - y0[i]! * Math.exp(lam * 2)) < 1e-7 * Math.exp(lam * 2) + 1e-12',
    );
  }
  // colouring by bandwidth: 3 f-evaluations per Jacobian instead of N
  assert.ok(rb.stats.fEvals < rd.stats.fEvals, `banded ${rb.stats.fEvals} vs dense ${rd.stats.fEvals} f-evals`);
});

// ---------- outputs and options ----------

test('tEval sampling on dense output, saveSteps, exact stop at tEnd, maxStep, per-unknown atol', () => {
  const p: DaeProblem = { n: 2, f: (_t, y, o) => ((o[0] = -y[0]!), (o[1] = -10 * y[1]!), undefined) };
  const tEval = Array.from({ length: 21 }, (_, k) => k * 0.15);
  const r = solveDae(p, Float64Array.from([1, 1]), {
    t0: 0,
    tEnd: 3,
    rtol: 1e-9,
    atol: Float64Array.from([1e-12, 1e-12]),
    tEval,
  });
  assert.deepEqual(r.t, tEval);
  for (let k = 0; k < tEval.length; k++)
    assert.ok(
      Math.abs(r.y[k]![0]! - Math.exp(-tEval[k]!)) < 1e-8,
      'Math.abs(r.y[k]![0]! - Math.exp(-tEval[k]!)) < 1e-8',
    );
  const s = solveDae(p, Float64Array.from([1, 1]), { t0: 0, tEnd: 3, maxStep: 0.1 });
  assert.equal(s.t[s.t.length - 1], 3);
  assert.equal(s.tFinal, 3);
  for (let k = 1; k < s.t.length; k++)
    assert.ok(s.t[k]! - s.t[k - 1]! <= 0.1 + 1e-12, 's.t[k]! - s.t[k - 1]! <= 0.1 + 1e-12');
  const both = solveDae(p, Float64Array.from([1, 1]), { t0: 0, tEnd: 3, tEval: [1, 2], saveSteps: true });
  assert.ok(
    both.t.length > 3 && both.t.includes(1) && both.t.includes(2),
    'both.t.length > 3 && both.t.includes(1) && both.t.includes(2)',
  );
});

test('integration backwards in time (tEnd < t0)', () => {
  const p: DaeProblem = { n: 1, f: (_t, y, o) => void (o[0] = y[0]!) };
  const r = solveDae(p, Float64Array.from([1]), { t0: 1, tEnd: 0, rtol: 1e-9, atol: 1e-12 });
  assert.equal(r.status, 'done');
  assert.ok(Math.abs(r.yFinal[0]! - Math.exp(-1)) < 1e-8, 'Math.abs(r.yFinal[0]! - Math.exp(-1)) < 1e-8');
});

test('blow-up (y′ = y², y(0) = 1) fails with a message instead of returning NaN', () => {
  const p: DaeProblem = { n: 1, f: (_t, y, o) => void (o[0] = y[0]! * y[0]!) };
  const r = solveDae(p, Float64Array.from([1]), { t0: 0, tEnd: 2 });
  assert.equal(r.status, 'failed');
  assert.ok(r.message && r.message.length > 0, 'r.message && r.message.length > 0');
  assert.ok(r.tFinal < 1.0001 && r.tFinal > 0.99, `t = ${r.tFinal}`);
});

test('bad input names the field, the value and what is allowed', () => {
  const p: DaeProblem = { n: 2, f: (_t, y, o) => o.set(y) };
  assert.throws(
    () => solveDae(p, Float64Array.from([1]), { t0: 0, tEnd: 1 }),
    /y0: must be a Float64Array of length n = 2/,
  );
  assert.throws(() => solveDae(p, Float64Array.from([1, NaN]), { t0: 0, tEnd: 1 }), /y0\.1: must be finite/);
  assert.throws(() => solveDae(p, Float64Array.from([1, 1]), { t0: 0, tEnd: 1, rtol: -1 }), /opts\.rtol/);
  assert.throws(
    () => solveDae(p, Float64Array.from([1, 1]), { t0: 0, tEnd: 1, tEval: [0.5, 0.2] }),
    /opts\.tEval\.1: must be sorted/,
  );
  assert.throws(
    () => solveDae(p, Float64Array.from([1, 1]), { t0: 0, tEnd: 1, tEval: [2] }),
    /opts\.tEval\.0: must lie within/,
  );
  assert.throws(
    () => solveDae(p, Float64Array.from([1, 1]), { t0: 0, tEnd: 1, atol: Float64Array.from([1]) }),
    /opts\.atol/,
  );
  assert.throws(() => solveDae(p, Float64Array.from([1, 1]), { t0: 0, tEnd: 1, maxOrder: 6 }), /opts\.maxOrder/);
  assert.throws(
    () => solveDae({ ...p, massDiag: Float64Array.from([1]) }, Float64Array.from([1, 1]), { t0: 0, tEnd: 1 }),
    /problem\.massDiag/,
  );
});

test('a reused solver gives identical results on repeated solves (no state leaks between solves)', () => {
  const s = createDaeSolver(robertsonDae);
  const a = s.solve(Float64Array.from([1, 0, 0]), { t0: 0, tEnd: 40 });
  const b = s.solve(Float64Array.from([1, 0, 0]), { t0: 0, tEnd: 40 });
  assert.deepEqual(Array.from(a.yFinal), Array.from(b.yFinal));
  assert.deepEqual(a.stats, b.stats);
});

test('remembered-rate Newton test (newtonTol): references still met, fewer Newton iterations than the strict test', () => {
  const strict = solveDae(robertsonDae, Float64Array.from([1, 0, 0]), {
    t0: 0,
    tEnd: 40,
    rtol: 1e-9,
    atol: robAtol(1e-9),
  });
  const loose = solveDae(robertsonDae, Float64Array.from([1, 0, 0]), {
    t0: 0,
    tEnd: 40,
    rtol: 1e-9,
    atol: robAtol(1e-9),
    newtonTol: 0.1,
  });
  assert.equal(loose.status, 'done', loose.message);
  for (let i = 0; i < 3; i++)
    assert.ok(relErr(loose.yFinal[i]!, ROB40[i]!) < 1e-7, `y${i + 1} = ${loose.yFinal[i]} vs ${ROB40[i]}`);
  assert.ok(
    loose.stats.newtonIterations < strict.stats.newtonIterations,
    `${loose.stats.newtonIterations} vs strict ${strict.stats.newtonIterations}`,
  );
  // Van der Pol μ = 1000: first downward zero crossing (SciPy Radau, rtol 1e-10: 807.0847)
  const ev = { name: 'x=0', g: (_t: number, y: Float64Array) => y[0]!, direction: -1 as const, terminal: false };
  const v = solveDae(vdp, Float64Array.from([2, 0]), {
    t0: 0,
    tEnd: 1000,
    rtol: 1e-8,
    atol: 1e-10,
    events: [ev],
    newtonTol: 0.1,
  });
  assert.equal(v.status, 'done', v.message);
  assert.ok(Math.abs(v.events[0]!.t - 807.0847) < 1e-2, `first crossing ${v.events[0]?.t}`);
  assert.throws(() => solveDae(vdp, Float64Array.from([2, 0]), { t0: 0, tEnd: 1, newtonTol: 2 }), /opts.newtonTol/);
});

test('earlyShrink (IDA’s step shrink after an accepted step with err > ½): on a DAE whose error grows step by step towards a singularity, fewer rejected attempts than the default controller and the same accuracy', () => {
  // y′ = z, 0 = z·(a − t) − 1: y = ln(a/(a − t)), whose derivatives grow without bound as t → a
  const a = 1.001;
  const knee: DaeProblem = {
    n: 2,
    massDiag: Float64Array.from([1, 0]),
    f: (t, y, out) => {
      out[0] = y[1]!;
      out[1] = y[1]! * (a - t) - 1;
    },
  };
  const tEnd = 0.9995;
  const exact = Math.log(a / (a - tEnd));
  for (const rtol of [1e-4, 1e-6]) {
    const run = (earlyShrink: boolean) =>
      solveDae(knee, Float64Array.from([0, 1 / a]), { t0: 0, tEnd, rtol, atol: 1e-10, earlyShrink });
    const plain = run(false);
    const early = run(true);
    for (const r of [plain, early]) {
      assert.equal(r.status, 'done', r.message);
      assert.ok(Math.abs(r.yFinal[0]! / exact - 1) < 5 * rtol, `rtol ${rtol}: y = ${r.yFinal[0]} vs ${exact}`);
    }
    assert.ok(
      early.stats.rejectedSteps < plain.stats.rejectedSteps,
      `rtol ${rtol}: ${early.stats.rejectedSteps} rejected vs ${plain.stats.rejectedSteps}`,
    );
    const attempts = (r: typeof plain) => r.stats.steps + r.stats.rejectedSteps;
    assert.ok(attempts(early) < attempts(plain), `rtol ${rtol}: ${attempts(early)} attempts vs ${attempts(plain)}`);
  }
});

test('output callback: the same samples (steps, tEval times, terminal event) as the stored result, which then stays empty', () => {
  const ev = { name: 'y3 = 0.2', g: (_t: number, y: Float64Array) => y[2]! - 0.2, direction: 1 as const };
  for (const extra of [{ saveSteps: true }, { tEval: [0, 1e-3, 0.1, 1, 10] }] as const) {
    const opts = { t0: 0, tEnd: 40, rtol: 1e-8, atol: robAtol(1e-8), events: [ev], ...extra };
    const stored = solveDae(robertsonDae, Float64Array.from([1, 0, 0]), opts);
    const t: number[] = [];
    const y: Float64Array[] = [];
    const viaCb = solveDae(robertsonDae, Float64Array.from([1, 0, 0]), {
      ...opts,
      output: (tt: number, yy: Float64Array) => (t.push(tt), y.push(yy.slice())),
    });
    assert.equal(viaCb.t.length, 0);
    assert.equal(viaCb.y.length, 0);
    assert.equal(viaCb.status, 'event');
    assert.deepEqual(t, stored.t);
    for (let i = 0; i < t.length; i++) assert.deepEqual(Array.from(y[i]!), Array.from(stored.y[i]!));
    if ('saveSteps' in extra) assert.equal(t[t.length - 1], viaCb.tFinal, 'the last sample is the event');
  }
});

test('a DAE terminal event on an algebraic unknown with a knee is located on the solution, not on the interpolant', () => {
  // x′ = −1 (exactly linear: the error test allows one huge step), 0 = z·(x − 0.5) − 1: z = 1/(x − 0.5)
  // turns sharply near x = 0.5; the event z = 20 is at x = 0.55, t = 0.45 exactly
  const problem: DaeProblem = {
    n: 2,
    massDiag: Float64Array.from([1, 0]),
    f(_t, y, out) {
      out[0] = -1;
      out[1] = y[1]! * (y[0]! - 0.5) - 1;
    },
    jacobian(_t, y, sink: JacobianSink) {
      sink.add(1, 0, y[1]!);
      sink.add(1, 1, y[0]! - 0.5);
    },
  };
  const r = solveDae(problem, Float64Array.from([1, 2]), {
    t0: 0,
    tEnd: 0.49,
    rtol: 1e-6,
    algebraicErrorControl: false,
    events: [{ name: 'z = 20', g: (_t, y) => y[1]! - 20, direction: 1 }],
  });
  assert.equal(r.status, 'event');
  assert.ok(Math.abs(r.tFinal - 0.45) < 1e-9, `event at t = ${r.tFinal}`);
  assert.ok(
    Math.abs(r.yFinal[1]! - 20) < 1e-6 && Math.abs(r.yFinal[0]! - 0.55) < 1e-9,
    'Math.abs(r.yFinal[1]! - 20) < 1e-6 && Math.abs(r.yFinal[0]! - 0.55) < 1e-9',
  );
  assert.equal(r.events.length, 1);
  assert.equal(r.events[0]!.t, r.tFinal);
});

test('initialJacobianKeep: the consistent initialisation keeps the J of its starting point when Newton moved less than the given relative distance from it (one J and one factorisation fewer, the solution within the tolerance), a fresh one when it moved more, and refuses a bad value', () => {
  // y′ = −z, 0 = z³ + z − y: z(y) increasing, the algebraic equation nonlinear (J depends on z)
  const p: DaeProblem = {
    n: 2,
    massDiag: Float64Array.from([1, 0]),
    f: (_t, y, out) => {
      out[0] = -y[1]!;
      out[1] = y[1]! ** 3 + y[1]! - y[0]!;
    },
    jacobian: (_t, y, s: JacobianSink) => {
      s.add(0, 1, -1);
      s.add(1, 0, -1);
      s.add(1, 1, 3 * y[1]! ** 2 + 1);
    },
  };
  const zStar = 0.6823278038280193; // z³ + z = 1
  const rtol = 1e-6;
  const run = (z0: number, initialJacobianKeep?: number) =>
    solveDae(p, Float64Array.from([1, z0]), {
      t0: 0,
      tEnd: 2,
      rtol,
      atol: 1e-10,
      ...(initialJacobianKeep !== undefined ? { initialJacobianKeep } : {}),
    });
  // close start: Newton moves z by 1e-6 (relative), within a keep of 1e-3
  const fresh = run(zStar * (1 + 1e-6));
  const kept = run(zStar * (1 + 1e-6), 1e-3);
  assert.equal(kept.status, 'done', kept.message);
  assert.equal(kept.stats.jacobianEvals, fresh.stats.jacobianEvals - 1);
  assert.equal(kept.stats.factorisations, fresh.stats.factorisations - 1);
  for (let i = 0; i < 2; i++)
    assert.ok(Math.abs(kept.yFinal[i]! / fresh.yFinal[i]! - 1) < 10 * rtol, `${kept.yFinal[i]} vs ${fresh.yFinal[i]}`);
  // far start (z0 = 2): the iterates move by far more than 1e-3, so J is fresh at the consistent point
  const far = run(2, 1e-3);
  const farFresh = run(2);
  assert.deepEqual(far.stats, farFresh.stats);
  assert.deepEqual(far.yFinal, farFresh.yFinal);
  assert.throws(() => run(zStar, -1), /opts\.initialJacobianKeep: must be ≥ 0 and < 1 \(got -1\)/);
  assert.throws(() => run(zStar, NaN), /opts\.initialJacobianKeep/);
});
