import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDaeSolver } from '../../src/numerics/index.ts';
import type { DaeProblem, DaeSolverOptions, SolveResult } from '../../src/numerics/index.ts';
import {
  STATE_KERNEL_MIN_N,
  acquireState,
  pairRuns,
  type StateLease,
  stateKernelSimdUsed,
  useStateKernelSimd,
  useWasmStateKernel,
  wasmStateKernelAvailable,
} from '../../src/numerics/state-kernel.ts';
import { CondensedCore, type LinearChains } from '../../src/numerics/condensed.ts';

/**
 * a nonlinear reaction–diffusion chain of n − 1 differential unknowns (u′ = (u_{i−1} − 2u_i + u_{i+1})/h²
 * − u_i² + s·sin t) and one algebraic unknown z = Σ u_i·h (its row: z − Σ u_i·h = 0): large enough for the
 * kernel, with a smooth forcing so that the order climbs to 5 and the step size changes often
 */
function chain(n: number): DaeProblem {
  const nu = n - 1;
  const h = 1 / (nu + 1);
  const massDiag = new Float64Array(n).fill(1);
  massDiag[nu] = 0;
  return {
    n,
    massDiag,
    f(t, y, out) {
      let z = 0;
      for (let i = 0; i < nu; i++) {
        const l = i > 0 ? y[i - 1]! : 0;
        const r = i < nu - 1 ? y[i + 1]! : 0;
        out[i] = (l - 2 * y[i]! + r) / (h * h) - y[i]! * y[i]! + 5 * Math.sin(t) * (i % 3);
        z += y[i]! * h;
      }
      out[nu] = y[nu]! - z;
    },
  };
}

function solveWith(wasm: boolean, p: DaeProblem, opts: DaeSolverOptions): SolveResult {
  const was = useWasmStateKernel(wasm);
  try {
    const y0 = new Float64Array(p.n);
    for (let i = 0; i < p.n - 1; i++) y0[i] = Math.sin((Math.PI * (i + 1)) / p.n);
    return createDaeSolver(p).solve(y0, opts);
  } finally {
    useWasmStateKernel(was);
  }
}

/** a kernel lease sized for ch's trees, with the mass diagonal m and the trees (and J's values) loaded */
function chainLease(n: number, m: Float64Array, ch: LinearChains): StateLease {
  const st = ch.structure;
  const lease = acquireState(n, {
    nk: ch.keep.length,
    nR: ch.rootV.length,
    nl: st.lv.length,
    nRuns: st.runI0.length,
    nJ: ch.jacobianValues.length,
  });
  assert.ok(lease !== null, `a kernel lease for n = ${n}`);
  lease.m.set(m);
  lease.loadChains(ch, st);
  return lease;
}

function assertSame(a: SolveResult, b: SolveResult): void {
  assert.deepEqual(b.stats, a.stats);
  assert.equal(b.t.length, a.t.length);
  for (let k = 0; k < a.t.length; k++) {
    assert.ok(Object.is(b.t[k], a.t[k]), `t at output ${k}`);
    for (let i = 0; i < a.y[k]!.length; i++) assert.ok(Object.is(b.y[k]![i], a.y[k]![i]), `y${i} at output ${k}`);
  }
}

test('the WebAssembly sweeps (updateD, applyRU with and without SIMD, errorNorm) give bit for bit the JavaScript loops’ solution: every order, rejected steps, events, algebraic rows in and out of the error test, sensitivities', () => {
  assert.ok(wasmStateKernelAvailable(), 'wasmStateKernelAvailable()');
  const p = chain(STATE_KERNEL_MIN_N + 9);
  const base: DaeSolverOptions = { t0: 0, tEnd: 20, rtol: 1e-7, atol: 1e-9 };
  const cases: DaeSolverOptions[] = [
    base,
    { ...base, algebraicErrorControl: false },
    { ...base, rtol: 1e-3, newtonTol: 0.05 },
    // a terminal event (the trial steps of its location) and one that is not
    {
      ...base,
      events: [
        { name: 'z falls', g: (_t, y) => y[p.n - 1]! + 0.5, direction: -1 },
        { name: 'u0 crosses 0', g: (_t, y) => y[0]!, direction: 0, terminal: false },
      ],
    },
    {
      ...base,
      tEnd: 3,
      sensitivity: {
        np: 1,
        s0: [new Float64Array(p.n)],
        // ∂f/∂y·s + ∂f/∂p for p the forcing's amplitude (5 above)
        rhs: (_i, t, y, _fy, s, out) => {
          const nu = p.n - 1;
          const h = 1 / p.n;
          let z = 0;
          for (let i = 0; i < nu; i++) {
            const l = i > 0 ? s[i - 1]! : 0;
            const r = i < nu - 1 ? s[i + 1]! : 0;
            out[i] = (l - 2 * s[i]! + r) / (h * h) - 2 * y[i]! * s[i]! + Math.sin(t) * (i % 3);
            z += s[i]! * h;
          }
          out[nu] = s[nu]! - z;
        },
      },
    },
  ];
  let maxOrderSeen = false;
  // Node 20's engine has WebAssembly SIMD: the pair loops run (and, switched off, the scalar ones)
  assert.ok(stateKernelSimdUsed(), 'stateKernelSimdUsed()');
  for (const opts of cases) {
    const js = solveWith(false, p, opts);
    const wasm = solveWith(true, p, opts);
    assert.notEqual(js.status, 'failed', js.message);
    assertSame(js, wasm);
    const was = useStateKernelSimd(false);
    try {
      assert.equal(stateKernelSimdUsed(), false);
      assertSame(js, solveWith(true, p, opts));
    } finally {
      useStateKernelSimd(was);
    }
    if (js.stats.rejectedSteps > 0 && js.stats.steps > 40) maxOrderSeen = true;
  }
  assert.ok(maxOrderSeen, 'some case must take many steps with rejections');
  // an even n: the pair loops with no element left over
  const even = chain(STATE_KERNEL_MIN_N + 10);
  assertSame(solveWith(false, even, base), solveWith(true, even, base));
});

test('a solve nested in another’s right-hand side (each with the kernel’s arena lease) gives bit for bit the JavaScript loops’ solutions, and leaves the arena usable', () => {
  const inner = chain(STATE_KERNEL_MIN_N + 3);
  const innerSolver = createDaeSolver(inner);
  const outerBase = chain(STATE_KERNEL_MIN_N + 9);
  let calls = 0;
  // the outer forcing's amplitude from an inner solve's end state, solved anew at every 50th evaluation
  let amp = 1;
  const outer: DaeProblem = {
    ...outerBase,
    f(t, y, out) {
      if (calls++ % 50 === 0) {
        const y0 = new Float64Array(inner.n);
        for (let i = 0; i < inner.n - 1; i++) y0[i] = 0.1 * (i % 4);
        const r = innerSolver.solve(y0, { t0: 0, tEnd: 0.5 + 0.01 * (calls % 7), rtol: 1e-6 });
        amp = 1 + r.yFinal[inner.n - 1]!;
      }
      outerBase.f(t, y, out);
      out[0] = out[0]! + amp;
    },
  };
  const opts: DaeSolverOptions = { t0: 0, tEnd: 2, rtol: 1e-6 };
  calls = 0;
  const js = solveWith(false, outer, opts);
  calls = 0;
  const wasm = solveWith(true, outer, opts);
  assert.equal(js.status, 'done', js.message);
  assertSame(js, wasm);
  // and a plain solve after it is still the JavaScript loops' one
  assertSame(solveWith(false, outerBase, opts), solveWith(true, outerBase, opts));
});

test('the trees’ factorisation in the kernel takes a tree’s elimination from an earlier tree with bit for bit the same entries and computes every other (one bit or the sign of a zero apart): the factors of LinearChains.factor’s JavaScript loops, bit for bit', () => {
  assert.ok(wasmStateKernelAvailable(), 'wasmStateKernelAvailable()');
  // nv chains of 5 differential unknowns, each hanging off an algebraic hub banded with the next chain's
  const nv = 8;
  const len = 5;
  const per = len + 2;
  const n = nv * per;
  const rows: number[] = [];
  const cols: number[] = [];
  const m = new Float64Array(n);
  const put = (...ij: number[]): void => {
    for (let q = 0; q < ij.length; q += 2) {
      rows.push(ij[q]!);
      cols.push(ij[q + 1]!);
    }
  };
  for (let v = 0; v < nv; v++) {
    const b = v * per;
    for (let i = 0; i < len; i++) {
      m[b + i] = 1;
      put(b + i, b + i);
      if (i + 1 < len) put(b + i, b + i + 1, b + i + 1, b + i);
    }
    const hub = b + len;
    m[hub + 1] = 1;
    put(b + len - 1, hub, hub, b + len - 1, hub, hub, hub, hub + 1, hub + 1, hub, hub + 1, hub + 1);
    if (v + 1 < nv) put(hub + 1, hub + 1 + per, hub + 1 + per, hub + 1, hub, hub + per);
  }
  const core = new CondensedCore(n, Int32Array.from(rows), Int32Array.from(cols), m);
  // every chain the same entries, but: chain 3 one bit off in one entry, chain 5 a zero where the others
  // have a value and chain 6 a negative zero there, chain 4 another entry from the hub into its root (not
  // read by the factorisation: 4 takes 0's)
  const value = (v: number, i: number, j: number): number => {
    const b = v * per;
    const hub = b + len;
    if (i >= hub || (j >= hub && i >= b + len - 1 && j !== hub)) return 0.3 + 0.01 * v;
    if (i === hub && j === b + len - 1) return v === 4 ? 0.75 : 0.5;
    const base = i === j ? -2 - 0.1 * (i - b) : 0.7 + 0.05 * (i - b) - 0.02 * (j - b);
    if (v === 3 && i === b + 2 && j === b + 2) return base * (1 + Number.EPSILON);
    if ((v === 5 || v === 6) && i === b + 1 && j === b + 2) return 0;
    return base;
  };
  for (let e = 0; e < rows.length; e++)
    core.add(rows[e]!, cols[e]!, value(Math.floor(rows[e]! / per), rows[e]!, cols[e]!));
  const lin = new Uint8Array(n);
  for (let v = 0; v < nv; v++) lin.fill(1, v * per, v * per + len);
  const ch = core.linearChains(lin)!;
  assert.ok(ch !== null && ch.rootV.length === nv, 'ch !== null && ch.rootV.length === nv');
  const st = ch.structure;
  // (adds sum onto +0: chain 6's negative zero written into J directly)
  core.J[st.jUp[st.lv.indexOf(6 * per + 1)]!] = -0;
  const lease = chainLease(n, m, ch);
  try {
    // chains 1, 2 and 4 from chain 0; 3, 5 and 6 each their own; 7 from 0
    assert.equal(lease.chainCopies, 4 * len);
    for (const c of [0.37, 2.5]) {
      ch.attach(null);
      assert.ok(ch.factor(m, c), 'ch.factor(m, c)');
      const js = ch.elimination();
      const want = [js.inv, js.upA, js.mul].map((a) => Float64Array.from(a));
      const { piv, inv, upA, mul, mag, bx, alpha, beta } = lease;
      ch.attach({ piv, inv, upA, mul, mag, bx, alpha, beta, factor: (cc) => lease.chainFactor(cc, st.cancel) });
      assert.ok(ch.factor(m, c), 'ch.factor(m, c)');
      const got = ch.elimination();
      [got.inv, got.upA, got.mul].forEach((a, k) =>
        a.forEach((x, i) =>
          assert.ok(Object.is(x, want[k]![i]), `array ${k}, element ${i} at c = ${c}: ${x} vs ${want[k]![i]}`),
        ),
      );
    }
    // a changed J is looked at again: every chain its own
    const J = Float64Array.from(ch.jacobianValues);
    J.forEach((x, q) => (J[q] = x * (1 + q * Number.EPSILON)));
    lease.setJ(J);
    assert.equal(lease.chainCopies, 0);
  } finally {
    ch.attach(null);
    lease.release();
  }
});

test('pairRuns: the chain kernels take two runs together only where they have the same length and neither reads what the other writes (rhs: an end onto the next run; fill: a start from the run before)', () => {
  // runs of the given lengths one after another, as LinearChains lays them out (positions in lq; each
  // run's unknowns consecutive in y too, unknown 100 + position); every end onto a band unknown (lpq −1,
  // parent y index 7) unless ends says otherwise ([position, its lpq, its lp])
  const pairs = (lens: number[], ends: [number, number, number][] = []): string => {
    const nl = lens.reduce((a, b) => a + b, 0);
    const runI0 = Int32Array.from(lens, (_, r) => lens.slice(0, r).reduce((a, b) => a + b, 0));
    const st = {
      runI0,
      runEnd: Int32Array.from(lens, (len, r) => runI0[r]! + len - 1),
      lv: Int32Array.from({ length: nl }, (_, i) => 100 + i),
      lpq: new Int32Array(nl).fill(-1),
      lp: new Int32Array(nl).fill(7),
    };
    for (const [q, pq, p] of ends) {
      st.lpq[q] = pq;
      st.lp[q] = p;
    }
    const a = new Int32Array(lens.length);
    const b = new Int32Array(lens.length);
    pairRuns(st, a, b);
    return `${a.join('')}/${b.join('')}`;
  };
  // four runs of three hanging off band unknowns: all paired
  assert.equal(pairs([3, 3, 3, 3]), '1010/0101');
  // run 0's end (position 2) onto position 4, in run 1: rhs must not pair 0 with 1; fill (from run 1 down)
  // must not either: run 0 starts from y[104], which run 1 writes
  assert.equal(pairs([3, 3], [[2, 4, 104]]), '00/00');
  // with a third run after them: rhs pairs 1 with 2, fill 2 with 1 (the greedy walk in each direction)
  assert.equal(pairs([3, 3, 3], [[2, 4, 104]]), '010/001');
  // runs of different lengths: never
  assert.equal(pairs([3, 2]), '00/00');
});

test('the chain kernels (crhs, cfill) on a tree with a side chain on another chain’s middle give LinearChains.rhs and fill bit for bit', () => {
  assert.ok(wasmStateKernelAvailable(), 'wasmStateKernelAvailable()');
  // unknowns: chain A a0..a4 (differential) → hub h (algebraic, band) ↔ g (differential, band); chain B b0..b2
  // → a2, and chain C c0..c4 → h; g coupled to a band of further unknowns (n ≥ STATE_KERNEL_MIN_N). a2 has
  // two children (a1, b2), so A is two runs, a0–a1 and a2–a4; B's run (3 long) comes right before a2–a4
  // (3 long) and ends onto a2, its first unknown: the two must not be taken together
  const n = STATE_KERNEL_MIN_N + 2;
  const A = 0;
  const B = 5;
  const C = 8;
  const h = 13;
  const g = 14;
  const nLin = 13;
  const rows: number[] = [];
  const cols: number[] = [];
  const m = new Float64Array(n);
  const put = (i: number, j: number): void => {
    rows.push(i);
    cols.push(j);
  };
  const chainTo = (b: number, len: number, parent: number): void => {
    for (let i = 0; i < len; i++) {
      m[b + i] = 1;
      put(b + i, b + i);
      const up = i + 1 < len ? b + i + 1 : parent;
      put(b + i, up);
      put(up, b + i);
    }
  };
  chainTo(A, 5, h);
  chainTo(B, 3, A + 2);
  chainTo(C, 5, h);
  put(h, h);
  put(h, g);
  put(g, h);
  for (let i = g; i < n; i++) {
    m[i] = i % 2;
    put(i, i);
    if (i + 1 < n) {
      put(i, i + 1);
      put(i + 1, i);
    }
  }
  const core = new CondensedCore(n, Int32Array.from(rows), Int32Array.from(cols), m);
  for (let e = 0; e < rows.length; e++) {
    const i = rows[e]!;
    const j = cols[e]!;
    core.add(i, j, i === j ? -2 - 0.01 * i : 0.6 + 0.013 * i - 0.007 * j);
  }
  const lin = new Uint8Array(n);
  lin.fill(1, 0, nLin);
  const ch = core.linearChains(lin)!;
  assert.ok(ch !== null, 'linearChains found the trees');
  const st = ch.structure;
  const lease = chainLease(n, m, ch);
  try {
    // B's run and A's tail are next to each other with the same length, and not taken together (the
    // property this test is about)
    const runOf = (v: number): number => {
      const q = st.lv.indexOf(v);
      return st.runI0.findIndex((i0, r) => q >= i0 && q <= st.runEnd[r]!);
    };
    const [rA, rB] = [runOf(A + 2), runOf(B)];
    assert.equal(rA, rB + 1, `B's run (${rB}) right before A's tail (${rA})`);
    assert.equal(st.runEnd[rA]! - st.runI0[rA]!, st.runEnd[rB]! - st.runI0[rB]!, 'the same length');
    assert.equal(lease.pairRhs[rB], 0, 'crhs does not pair the side chain with its parent run');
    assert.equal(lease.pairFill[rA], 0, 'cfill does not pair the side chain with its parent run');
    const yPred = Float64Array.from({ length: n }, (_, i) => 0.3 + 0.11 * i);
    const psi = Float64Array.from({ length: n }, (_, i) => 0.01 * (i % 7) - 0.02);
    const y = Float64Array.from({ length: n }, (_, i) => 1.7 - 0.05 * i);
    const c = 0.37;
    // the JavaScript loops
    ch.attach(null);
    assert.ok(ch.factor(m, c), 'ch.factor(m, c)');
    ch.rhs(m, yPred, psi);
    const want = { alpha: Float64Array.from(ch.alpha), beta: Float64Array.from(ch.beta) };
    const yJ = Float64Array.from(y);
    const dJ = new Float64Array(n);
    ch.fill(yJ, yPred, dJ);
    // the kernel on the lease's arrays
    const { piv, inv, upA, mul, mag, bx, alpha, beta } = lease;
    ch.attach({ piv, inv, upA, mul, mag, bx, alpha, beta, factor: (cc) => lease.chainFactor(cc, st.cancel) });
    assert.ok(ch.factor(m, c), 'ch.factor(m, c) with the kernel');
    lease.yPred.set(yPred);
    lease.psi.set(psi);
    lease.chainRhs();
    want.alpha.forEach((x, r) => assert.ok(Object.is(lease.alpha[r], x), `α of root ${r}: ${lease.alpha[r]} vs ${x}`));
    want.beta.forEach((x, r) => assert.ok(Object.is(lease.beta[r], x), `β of root ${r}: ${lease.beta[r]} vs ${x}`));
    lease.y.set(y);
    lease.d.fill(0);
    lease.chainFill();
    for (let i = 0; i < nLin; i++) {
      assert.ok(Object.is(lease.y[i], yJ[i]), `y${i}: ${lease.y[i]} vs ${yJ[i]}`);
      assert.ok(Object.is(lease.d[i], dJ[i]), `d${i}: ${lease.d[i]} vs ${dJ[i]}`);
    }
  } finally {
    ch.attach(null);
    lease.release();
  }
});
