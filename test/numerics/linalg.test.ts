import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BandLu,
  BorderedBandLu,
  chooseBorderedLayout,
  createLinearSystem,
  denseLuFactor,
  denseLuSolve,
} from '../../src/numerics/index.ts';
import { CondensedCore } from '../../src/numerics/condensed.ts';
import { mulberry32 } from '../support/mulberry32.ts';

/** mulberry32 in [−1, 1) */
function rng(seed: number): () => number {
  const u = mulberry32(seed);
  return () => u() * 2 - 1;
}

function matvec(a: Float64Array, n: number, x: Float64Array): Float64Array {
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i]! += a[i * n + j]! * x[j]!;
  return b;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

test('dense LU solves a system that needs pivoting (zero leading pivot)', () => {
  const n = 3;
  const a = Float64Array.from([0, 2, 1, 1, 1, 1, 2, 1, 3]);
  const x = Float64Array.from([1, -2, 3]);
  const b = matvec(a, n, x);
  const lu = Float64Array.from(a);
  const piv = new Int32Array(n);
  assert.equal(denseLuFactor(lu, n, piv), true);
  denseLuSolve(lu, n, piv, b);
  assert.ok(maxAbsDiff(b, x) < 1e-14, `x = ${Array.from(b)}`);
});

test('dense LU reports an exactly singular matrix', () => {
  const a = Float64Array.from([1, 2, 2, 4]);
  assert.equal(denseLuFactor(a, 2, new Int32Array(2)), false);
});

test('dense LU: random 30×30 system, residual at round-off level', () => {
  const r = rng(1);
  const n = 30;
  const a = new Float64Array(n * n).map(() => r());
  const x = new Float64Array(n).map(() => r());
  const b = matvec(a, n, x);
  const lu = Float64Array.from(a);
  const piv = new Int32Array(n);
  assert.ok(denseLuFactor(lu, n, piv), 'denseLuFactor(lu, n, piv)');
  denseLuSolve(lu, n, piv, b);
  assert.ok(maxAbsDiff(b, x) < 1e-10, 'maxAbsDiff(b, x) < 1e-10');
});

test('banded LU (with row interchanges) agrees with dense LU', () => {
  const r = rng(7);
  for (const [n, kl, ku] of [
    [25, 2, 3],
    [40, 4, 1],
    [12, 0, 2],
    [15, 3, 0],
    [1, 0, 0],
  ] as const) {
    const band = new BandLu(n, kl, ku);
    const dense = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) {
        // small diagonal forces pivoting
        const v = i === j ? (kl > 0 ? 0.01 * r() : 2 + r()) : r();
        band.set(i, j, v);
        dense[i * n + j] = v;
      }
    const x = new Float64Array(n).map(() => r());
    const b = matvec(dense, n, x);
    const b2 = Float64Array.from(b);
    assert.ok(band.factor(), `band factor n=${n}`);
    band.solve(b);
    const lu = Float64Array.from(dense);
    const piv = new Int32Array(n);
    assert.ok(denseLuFactor(lu, n, piv), 'denseLuFactor(lu, n, piv)');
    denseLuSolve(lu, n, piv, b2);
    assert.ok(maxAbsDiff(b, b2) < 1e-9, `n=${n} kl=${kl} ku=${ku}: ${maxAbsDiff(b, b2)}`);
    // residual of the banded solution
    const res = matvec(dense, n, b);
    assert.ok(maxAbsDiff(res, matvec(dense, n, x)) < 1e-9, 'maxAbsDiff(res, matvec(dense, n, x)) < 1e-9');
  }
});

test('banded LU rejects entries outside the band with a clear message', () => {
  const band = new BandLu(5, 1, 1);
  assert.throws(() => band.set(0, 3, 1), /outside the band/);
});

test('bordered-banded (Schur complement) agrees with dense LU on band + 2 dense border rows/cols', () => {
  const r = rng(11);
  const nb = 30;
  const k = 2;
  const kl = 2;
  const ku = 1;
  const n = nb + k;
  const bb = new BorderedBandLu(nb, k, kl, ku);
  const dense = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const inBand = i < nb && j < nb && j >= i - kl && j <= i + ku;
      const border = i >= nb || j >= nb;
      if (!inBand && !border) continue;
      const v = i === j ? 3 + r() : r();
      bb.add(i, j, v);
      dense[i * n + j] = v;
    }
  const x = new Float64Array(n).map(() => r());
  const b = matvec(dense, n, x);
  assert.ok(bb.factor(), 'bb.factor()');
  bb.solve(b);
  assert.ok(maxAbsDiff(b, x) < 1e-10, `${maxAbsDiff(b, x)}`);
});

test('layout chooser finds the border unknowns of an arrow-like pattern', () => {
  // tridiagonal 50×50 plus unknowns 10 and 49 coupled to everything
  const n = 50;
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (Math.abs(i - j) <= 1 || i === 10 || j === 10 || i === 49 || j === 49) {
        rows.push(i);
        cols.push(j);
      }
    }
  const L = chooseBorderedLayout(n, Int32Array.from(rows), Int32Array.from(cols));
  assert.equal(L.k, 2);
  assert.deepEqual(
    [...L.perm.subarray(L.nb)].sort((a, b) => a - b),
    [10, 49],
  );
  // removing unknown 10 joins its neighbours 9 and 11: bandwidth ≤ 2
  assert.ok(L.kl <= 2 && L.ku <= 2, `kl=${L.kl} ku=${L.ku}`);
});

test('sparse linear system (bordered) solves diag(m) − diag(w)·J like the dense one', () => {
  const r = rng(5);
  const n = 60;
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (Math.abs(i - j) <= 2 || i === 0 || j === 0 || j === n - 1) {
        rows.push(i);
        cols.push(j);
        vals.push(r());
      }
    }
  const sp = createLinearSystem(n, { kind: 'sparse', rows: Int32Array.from(rows), cols: Int32Array.from(cols) });
  assert.equal(sp.kind, 'bordered');
  const de = createLinearSystem(n, { kind: 'dense' });
  for (let e = 0; e < rows.length; e++) {
    sp.add(rows[e]!, cols[e]!, vals[e]!);
    de.add(rows[e]!, cols[e]!, vals[e]!);
  }
  const m = new Float64Array(n).map((_, i) => (i % 3 === 0 ? 0 : 1));
  const w = new Float64Array(n).map((_, i) => (m[i] === 0 ? 1 : 0.3));
  assert.ok(sp.factor(m, w), 'sp.factor(m, w)');
  assert.ok(de.factor(m, w), 'de.factor(m, w)');
  const b = new Float64Array(n).map(() => r());
  const b2 = Float64Array.from(b);
  sp.solve(b);
  de.solve(b2);
  assert.ok(maxAbsDiff(b, b2) < 1e-8, `${maxAbsDiff(b, b2)}`);
  // colouring: columns sharing a colour never share a row
  const { groupPtr, groupCols, colPtr, colRows } = sp;
  for (let g = 0; g + 1 < groupPtr.length; g++) {
    const seen = new Set<number>();
    for (let q = groupPtr[g]!; q < groupPtr[g + 1]!; q++) {
      const j = groupCols[q]!;
      for (let e = colPtr[j]!; e < colPtr[j + 1]!; e++) {
        assert.ok(!seen.has(colRows[e]!), `colour ${g}: row ${colRows[e]} hit twice`);
        seen.add(colRows[e]!);
      }
    }
  }
});

test('banded system: analytic entries outside the declared band are an error, not silently dropped', () => {
  const s = createLinearSystem(20, { kind: 'banded', lower: 1, upper: 1 });
  assert.throws(() => s.add(0, 5, 2), /outside the declared band/);
});

test('sparse structure with mismatched rows/cols lengths is rejected', () => {
  assert.throws(
    () => createLinearSystem(5, { kind: 'sparse', rows: Int32Array.from([0, 1]), cols: Int32Array.from([0]) }),
    /structure.rows/,
  );
  assert.throws(
    () => createLinearSystem(5, { kind: 'sparse', rows: Int32Array.from([0, 7]), cols: Int32Array.from([0, 1]) }),
    /rows.1/,
  );
});

/** a DFN-like pattern: per "volume" a chain of 6 differential unknowns hanging off an algebraic hub, hubs coupled as a band, plus one border unknown coupled to everything */
function chainPattern(
  nv: number,
  chain: number,
  withBorder: boolean,
): { n: number; rows: number[]; cols: number[]; m: Float64Array } {
  const per = chain + 2;
  const n = nv * per + (withBorder ? 1 : 0);
  const rows: number[] = [];
  const cols: number[] = [];
  const m = new Float64Array(n);
  const put = (i: number, j: number): void => {
    rows.push(i);
    cols.push(j);
  };
  for (let v = 0; v < nv; v++) {
    const b = v * per;
    for (let i = 0; i < chain; i++) {
      m[b + i] = 1;
      put(b + i, b + i);
      if (i + 1 < chain) {
        put(b + i, b + i + 1);
        put(b + i + 1, b + i);
      }
    }
    const hub = b + chain; // algebraic
    const e = b + chain + 1; // differential, banded with neighbours
    m[e] = 1;
    put(b + chain - 1, hub);
    put(hub, b + chain - 1);
    put(hub, hub);
    put(hub, e);
    put(e, hub);
    put(e, e);
    if (v + 1 < nv) {
      put(e, e + per);
      put(e + per, e);
      put(hub, hub + per);
    }
  }
  if (withBorder) {
    const t = n - 1;
    m[t] = 1;
    for (let i = 0; i < n; i++) {
      put(t, i);
      put(i, t);
    }
  }
  return { n, rows, cols, m };
}

for (const withBorder of [false, true]) {
  test(`condensed system (chains eliminated onto their hub${withBorder ? ', with a dense border unknown' : ''}) agrees with dense LU`, () => {
    const r = rng(withBorder ? 11 : 12);
    const { n, rows, cols, m } = chainPattern(9, 6, withBorder);
    const st = { kind: 'sparse' as const, rows: Int32Array.from(rows), cols: Int32Array.from(cols), condense: true };
    const cs = createLinearSystem(n, st, m);
    assert.equal(cs.kind, 'condensed');
    assert.match(cs.describe(), withBorder ? /54 eliminated.*border=1/ : /54 eliminated.*border=0/);
    const de = createLinearSystem(n, { kind: 'dense' });
    for (let e = 0; e < rows.length; e++) {
      // diffusion-like chains (negative diagonal), arbitrary couplings elsewhere
      const i = rows[e]!;
      const j = cols[e]!;
      const v = i === j && m[i] === 1 ? -2 - Math.abs(r()) : r();
      cs.add(i, j, v);
      de.add(i, j, v);
    }
    const w = new Float64Array(n).map((_, i) => (m[i] === 0 ? 1 : 0.7));
    assert.ok(cs.factor(m, w), 'cs.factor(m, w)');
    assert.ok(de.factor(m, w), 'de.factor(m, w)');
    for (let rep = 0; rep < 2; rep++) {
      const b = new Float64Array(n).map(() => r());
      const b2 = Float64Array.from(b);
      cs.solve(b);
      de.solve(b2);
      assert.ok(maxAbsDiff(b, b2) < 1e-10, `${maxAbsDiff(b, b2)}`);
    }
  });
}

test('condensed systems on the same pattern arrays share the symbolic analysis only where the algebraic unknowns match', () => {
  const { n, rows, cols, m } = chainPattern(6, 5, false);
  const st = { kind: 'sparse' as const, rows: Int32Array.from(rows), cols: Int32Array.from(cols), condense: true };
  // the same arrays again, and with the chains' first shells algebraic (they cannot be eliminated then)
  const m2 = Float64Array.from(m);
  for (let e = 0; e < n; e++) if (m[e] === 1 && (e === 0 || m[e - 1] === 0)) m2[e] = 0;
  const systems = [createLinearSystem(n, st, m), createLinearSystem(n, st, m2), createLinearSystem(n, st, m)];
  assert.match(systems[0]!.describe(), /30 eliminated/);
  assert.match(systems[2]!.describe(), /30 eliminated/);
  assert.doesNotMatch(systems[1]!.describe(), /30 eliminated/);
  const r = rng(5);
  const vals = rows.map((i, e) => (i === cols[e] && m[i] === 1 ? -2 - Math.abs(r()) : r()));
  for (const [q, sys] of systems.entries()) {
    const mm = q === 1 ? m2 : m;
    const de = createLinearSystem(n, { kind: 'dense' });
    for (let e = 0; e < rows.length; e++) {
      sys.add(rows[e]!, cols[e]!, vals[e]!);
      de.add(rows[e]!, cols[e]!, vals[e]!);
    }
    const w = new Float64Array(n).map((_, i) => (mm[i] === 0 ? 1 : 0.7));
    assert.ok(sys.factor(mm, w), 'sys.factor(mm, w)');
    assert.ok(de.factor(mm, w), 'de.factor(mm, w)');
    const b = new Float64Array(n).map((_, i) => Math.sin(i + q));
    const b2 = Float64Array.from(b);
    sys.solve(b);
    de.solve(b2);
    assert.ok(maxAbsDiff(b, b2) < 1e-10, `system ${q}: ${maxAbsDiff(b, b2)}`);
  }
});

test('condensed system: a vanishing elimination pivot falls back to pivoting LU and still solves exactly', () => {
  const { n, rows, cols, m } = chainPattern(5, 4, false);
  const cs = createLinearSystem(
    n,
    { kind: 'sparse', rows: Int32Array.from(rows), cols: Int32Array.from(cols), condense: true },
    m,
  );
  const de = createLinearSystem(n, { kind: 'dense' });
  const r = rng(3);
  for (let e = 0; e < rows.length; e++) {
    const i = rows[e]!;
    const j = cols[e]!;
    // unknown 0 (a chain end): 1 − w·J = 0 exactly, the chain cannot be eliminated without pivoting
    const v = i === 0 && j === 0 ? 1 / 0.5 : i === j ? -3 : r();
    cs.add(i, j, v);
    de.add(i, j, v);
  }
  const w = new Float64Array(n).map((_, i) => (m[i] === 0 ? 1 : 0.5));
  assert.ok(cs.factor(m, w), 'cs.factor(m, w)');
  assert.ok(de.factor(m, w), 'de.factor(m, w)');
  const b = new Float64Array(n).map(() => r());
  const b2 = Float64Array.from(b);
  cs.solve(b);
  de.solve(b2);
  assert.ok(maxAbsDiff(b, b2) < 1e-10, `${maxAbsDiff(b, b2)}`);
});

test('condensed system: a well-conditioned chain whose hub is in other units (entries 1e9 and 1e-9 beside a pivot of 2.5) is eliminated, not sent to the fallback, and solves exactly', () => {
  // the particle chains of a DFN: a surface concentration's row has c·1e6 m⁻¹ against its flux j (mol/m²/s)
  // and a pivot ≥ 1; the old test (pivot against the largest entry of its row and column) refused it
  for (const withBorder of [false, true]) {
    const { n, rows, cols, m } = chainPattern(5, 4, withBorder);
    const cs = createLinearSystem(
      n,
      { kind: 'sparse', rows: Int32Array.from(rows), cols: Int32Array.from(cols), condense: true },
      m,
    );
    const de = createLinearSystem(n, { kind: 'dense' });
    const r = rng(5);
    const per = 4 + 2;
    for (let e = 0; e < rows.length; e++) {
      const i = rows[e]!;
      const j = cols[e]!;
      const hub = (q: number): boolean => q < 5 * per && q % per === 4;
      const chainEnd = (q: number): boolean => q < 5 * per && q % per === 3;
      // the chain's diagonal −3 (pivot 1 + 0.5·3 = 2.5 and more), the end's entry to its hub 1e9, the hub's to it 1e-9
      const v =
        i === j && !hub(i)
          ? -3
          : chainEnd(i) && hub(j)
            ? 1e9 * (1 + r())
            : hub(i) && chainEnd(j)
              ? 1e-9 * (1 + r())
              : r();
      cs.add(i, j, v);
      de.add(i, j, v);
    }
    const w = new Float64Array(n).map((_, i) => (m[i] === 0 ? 1 : 0.5));
    assert.ok(cs.factor(m, w), 'cs.factor(m, w)');
    assert.equal(cs.condensedActive, true, `border ${withBorder}: condensed, not the fallback`);
    assert.ok(de.factor(m, w), 'de.factor(m, w)');
    const b = new Float64Array(n).map(() => r());
    const b2 = Float64Array.from(b);
    cs.solve(b);
    de.solve(b2);
    let rel = 0;
    for (let i = 0; i < n; i++) rel = Math.max(rel, Math.abs(b[i]! - b2[i]!) / Math.max(Math.abs(b2[i]!), 1e-300));
    assert.ok(rel < 1e-9, `border ${withBorder}: relative difference ${rel}`);
  }
});

test('banded LU with threshold pivoting: diagonal pivots above the threshold are kept (U keeps width ku, classic pivoting widens it), a weak one is swapped; residuals at round-off', () => {
  const r = rng(11);
  const n = 60;
  const kl = 1;
  const ku = 1;
  for (const [threshold, weak] of [
    [0.1, false],
    [1, false],
    [0.1, true],
  ] as const) {
    const band = new BandLu(n, kl, ku);
    band.pivotThreshold = threshold;
    const dense = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) {
        // diagonal 1 (0.01 for the weak pivot), sub-diagonal up to 5, super-diagonal up to 0.05: the
        // eliminated diagonal stays ≥ 0.75 ≥ 0.1 × 5
        const v = i === j ? (weak && i === 30 ? 0.01 : 1) : i > j ? 5 * r() : 0.05 * r();
        band.set(i, j, v);
        dense[i * n + j] = v;
      }
    const x = new Float64Array(n).map(() => r());
    const b0 = matvec(dense, n, x);
    const b = Float64Array.from(b0);
    assert.ok(band.factor(), 'band.factor()');
    band.solve(b);
    // backward error (the matrix is ill-conditioned: |A⁻¹| grows like 5^k down the sub-diagonal)
    const res = maxAbsDiff(matvec(dense, n, b), b0);
    assert.ok(res < 1e-12, `threshold ${threshold} weak=${weak}: residual ${res}`);
    const maxUm = Math.max(...band.um);
    if (threshold === 1) assert.ok(maxUm > ku, 'classic partial pivoting swaps rows here');
    else if (!weak) assert.equal(maxUm, ku, 'no interchange: U keeps the upper bandwidth ku');
    else assert.ok(band.piv[30] !== 30, 'the weak pivot is swapped');
  }
});

/** The condensed linear system of `chainPattern(nv, chain)` (no loops), with its pattern. */
function condensedChain(
  nv: number,
  chain: number,
): ReturnType<typeof chainPattern> & {
  cs: ReturnType<typeof createLinearSystem>;
} {
  const p = chainPattern(nv, chain, false);
  const sparse = {
    kind: 'sparse',
    rows: Int32Array.from(p.rows),
    cols: Int32Array.from(p.cols),
    condense: true,
  } as const;
  return { ...p, cs: createLinearSystem(p.n, sparse, p.m) };
}

test('linear trees of a condensed system: exact elimination per c, roots affine in their hub, reduced solve = full solve', () => {
  const nv = 7;
  const chain = 5;
  const per = chain + 2;
  const { n, rows, cols, m, cs } = condensedChain(nv, chain);
  const r = rng(21);
  const J = new Map<number, number>();
  for (let e = 0; e < rows.length; e++) {
    const i = rows[e]!;
    const j = cols[e]!;
    const v = i === j && m[i] === 1 ? -2 - Math.abs(r()) : r();
    cs.add(i, j, v);
    J.set(i * n + j, v);
  }
  const Jv = (i: number, j: number): number => J.get(i * n + j) ?? 0;
  // every chain linear except the third's middle shell: that chain (and only it) stays in the Newton loop
  const lin = new Uint8Array(n);
  for (let v = 0; v < nv; v++) lin.fill(1, v * per, v * per + chain);
  lin[2 * per + 2] = 0;
  const ch = cs.linearChains!(lin)!;
  assert.equal(ch.keep.length, n - (nv - 1) * chain);
  assert.equal(ch.rootV.length, nv - 1);
  const c = 0.37;
  assert.ok(ch.factor(m, c), 'ch.factor(m, c)');
  const yPred = new Float64Array(n).map(() => r());
  const psi = new Float64Array(n).map(() => r());
  ch.rhs(m, yPred, psi);
  const y = new Float64Array(n).map(() => r());
  for (let k = 0; k < ch.rootV.length; k++) y[ch.rootV[k]!] = ch.alpha[k]! + ch.beta[k]! * y[ch.rootP[k]!]!;
  const d = new Float64Array(n);
  ch.fill(y, yPred, d);
  // each linear row: (m − c·J)·y over the chain and its hub = m·(yPred − ψ)
  let worst = 0;
  for (let v = 0; v < nv; v++) {
    if (v === 2) continue;
    const b = v * per;
    for (let i = b; i < b + chain; i++) {
      let s = m[i]! * y[i]! - m[i]! * (yPred[i]! - psi[i]!);
      for (let j = b; j <= b + chain; j++) s -= c * Jv(i, j) * y[j]!;
      worst = Math.max(worst, Math.abs(s));
      assert.equal(d[i], y[i]! - yPred[i]!);
    }
  }
  assert.ok(worst < 1e-12, `linear rows residual ${worst}`);
  // the reduced solve of a right-hand side that is zero on the trees = the full solve, on the kept unknowns
  const w = new Float64Array(n).map((_, i) => (m[i] === 0 ? 1 : c));
  assert.ok(cs.factor(m, w), 'cs.factor(m, w)');
  const b = new Float64Array(n).map(() => r());
  for (let v = 0; v < nv; v++) if (v !== 2) b.fill(0, v * per, v * per + chain);
  const full = Float64Array.from(b);
  cs.solve(full);
  const bk = Float64Array.from(ch.keep, (i) => b[i]!);
  ch.solve(bk);
  let diff = 0;
  ch.keep.forEach((i, q) => (diff = Math.max(diff, Math.abs(bk[q]! - full[i]!))));
  assert.ok(diff < 1e-12, `reduced vs full solve ${diff}`);
  // every chain linear: the reduced solve is the band solve alone (kept unknowns = the band's)
  const linAll = new Uint8Array(n);
  for (let v = 0; v < nv; v++) linAll.fill(1, v * per, v * per + chain);
  const ch2 = cs.linearChains!(linAll)!;
  assert.equal(ch2.keep.length, n - nv * chain);
  const b2 = new Float64Array(n).map(() => r());
  for (let v = 0; v < nv; v++) b2.fill(0, v * per, v * per + chain);
  const full2 = Float64Array.from(b2);
  cs.solve(full2);
  const bk2 = Float64Array.from(ch2.keep, (i) => b2[i]!);
  ch2.solve(bk2);
  let diff2 = 0;
  ch2.keep.forEach((i, q) => (diff2 = Math.max(diff2, Math.abs(bk2[q]! - full2[i]!))));
  assert.ok(diff2 < 1e-12, `band-only reduced vs full solve ${diff2}`);
  // no linear rows, no trees; a wrong length is refused naming the field
  assert.equal(cs.linearChains!(new Uint8Array(n)), null);
  assert.throws(() => cs.linearChains!(new Uint8Array(3)), /linearRows: length must be n/);
});

test('condensed systems on one pattern share the remembered order of the adds, a cache only: two systems adding in different orders, in turn, each get their own sums', () => {
  const pat = chainPattern(3, 4, true);
  const { n, m } = pat;
  // each entry once (the pattern lists some twice)
  const seen = new Set<number>();
  const rows: number[] = [];
  const cols: number[] = [];
  pat.rows.forEach((i, e) => {
    const key = i * pat.n + pat.cols[e]!;
    if (seen.has(key)) return;
    seen.add(key);
    rows.push(i);
    cols.push(pat.cols[e]!);
  });
  const R = Int32Array.from(rows);
  const C = Int32Array.from(cols);
  const a = new CondensedCore(n, R, C, m);
  const b = new CondensedCore(n, R, C, m);
  const r = rng(51);
  const order = rows.map((_, e) => e);
  const reversed = [...order].reverse();
  const read = (core: CondensedCore): Map<number, number> => {
    const out = new Map<number, number>();
    core.replay({ add: (i, j, v) => out.set(i * n + j, v) });
    return out;
  };
  for (let round = 0; round < 3; round++) {
    const va = rows.map(() => r());
    const vb = rows.map(() => r());
    a.clearJ();
    b.clearJ();
    // interleaved, in opposite orders, each entry twice (the second add sums onto the first)
    for (let q = 0; q < order.length; q++) {
      const ea = order[q]!;
      const eb = reversed[q]!;
      a.add(rows[ea]!, cols[ea]!, va[ea]!);
      b.add(rows[eb]!, cols[eb]!, vb[eb]!);
    }
    for (let q = 0; q < order.length; q++) {
      const ea = reversed[q]!;
      const eb = order[q]!;
      a.add(rows[ea]!, cols[ea]!, va[ea]!);
      b.add(rows[eb]!, cols[eb]!, vb[eb]!);
    }
    const ja = read(a);
    const jb = read(b);
    for (let e = 0; e < rows.length; e++) {
      const key = rows[e]! * n + cols[e]!;
      assert.equal(ja.get(key), va[e]! + va[e]!, `system a, entry (${rows[e]}, ${cols[e]})`);
      assert.equal(jb.get(key), vb[e]! + vb[e]!, `system b, entry (${rows[e]}, ${cols[e]})`);
    }
  }
});

test('condensed system with linear trees: endJ keeps the linear rows’ entries of the first evaluation and puts them back after later ones; forgetLinearRows starts over', () => {
  const nv = 4;
  const chain = 5;
  const per = chain + 2;
  const { n, rows, cols, cs } = condensedChain(nv, chain);
  const lin = new Uint8Array(n);
  for (let v = 0; v < nv; v++) lin.fill(1, v * per, v * per + chain);
  assert.ok(cs.linearChains!(lin), 'cs.linearChains!(lin)');
  const r = rng(41);
  const vals = rows.map(() => r());
  // J as the stored values read back through replay (row-major map)
  const stored = (): Map<number, number> => {
    const out = new Map<number, number>();
    const core = (cs as unknown as { core: { replay(s: { add(i: number, j: number, v: number): void }): void } }).core;
    core.replay({ add: (i, j, v) => out.set(i * n + j, v) });
    return out;
  };
  const evaluate = (scaleNonlinear: number, linearJunk: boolean): void => {
    cs.clearJ();
    for (let e = 0; e < rows.length; e++) {
      const i = rows[e]!;
      if (lin[i]) {
        if (!cs.linearRowsHeld) cs.add(i, cols[e]!, vals[e]!);
        else if (linearJunk) cs.add(i, cols[e]!, 1e6); // replaced by the held value
      } else cs.add(i, cols[e]!, scaleNonlinear * vals[e]!);
    }
    cs.endJ!();
  };
  assert.equal(cs.linearRowsHeld, false);
  evaluate(1, false);
  assert.equal(cs.linearRowsHeld, true, 'held after the first evaluation');
  const first = stored();
  evaluate(2, true);
  const second = stored();
  for (let e = 0; e < rows.length; e++) {
    const key = rows[e]! * n + cols[e]!;
    if (lin[rows[e]!]) assert.equal(second.get(key), first.get(key), `linear row entry (${rows[e]}, ${cols[e]})`);
    else assert.equal(second.get(key), 2 * vals[e]!, `other entry (${rows[e]}, ${cols[e]})`);
  }
  // a new solve: the next evaluation writes the linear rows (here with other values) and they are kept
  cs.forgetLinearRows!();
  assert.equal(cs.linearRowsHeld, false);
  for (let e = 0; e < vals.length; e++) vals[e] = 3 * vals[e]!;
  evaluate(1, false);
  evaluate(1, true);
  const third = stored();
  for (let e = 0; e < rows.length; e++)
    if (lin[rows[e]!]) assert.equal(third.get(rows[e]! * n + cols[e]!), vals[e], 'the new solve’s values');
});

test('condensed system with linear trees over every peeled unknown: factor(m, w, c) takes the trees’ elimination and gives the factors of factor(m, w) bit for bit', () => {
  const nv = 6;
  const chain = 5;
  const per = chain + 2;
  const { n, rows, cols, m } = chainPattern(nv, chain, false);
  const R = Int32Array.from(rows);
  const C = Int32Array.from(cols);
  const plain = new CondensedCore(n, R, C, m);
  const trees = new CondensedCore(n, R, C, m);
  const r = rng(31);
  for (let e = 0; e < rows.length; e++) {
    const i = rows[e]!;
    const j = cols[e]!;
    const v = i === j && m[i] === 1 ? -2 - Math.abs(r()) : r();
    plain.add(i, j, v);
    trees.add(i, j, v);
  }
  const lin = new Uint8Array(n);
  for (let v = 0; v < nv; v++) lin.fill(1, v * per, v * per + chain);
  const ch = trees.linearChains(lin)!;
  for (const c of [0.37, 2.5]) {
    const w = new Float64Array(n).map((_, i) => (m[i] === 0 ? 1 : c));
    assert.ok(plain.factor(m, w, c), 'plain.factor(m, w, c)');
    assert.equal(plain.factorisedFromTrees, false, 'no trees registered: the full elimination');
    assert.ok(trees.factor(m, w, c), 'trees.factor(m, w, c)');
    assert.equal(trees.factorisedFromTrees, true, 'the trees’ elimination');
    const b = new Float64Array(n).map(() => r());
    const x1 = Float64Array.from(b);
    const x2 = Float64Array.from(b);
    plain.solve(x1);
    trees.solve(x2);
    assert.deepEqual(x2, x1, `full solves at c = ${c}`);
    // the reduced (band-only) solve of the trees agrees too
    const bz = Float64Array.from(b);
    for (let v = 0; v < nv; v++) bz.fill(0, v * per, v * per + chain);
    const full = Float64Array.from(bz);
    plain.solve(full);
    const bk = Float64Array.from(ch.keep, (i) => bz[i]!);
    ch.solve(bk);
    ch.keep.forEach((i, q) => assert.equal(bk[q], full[i], `kept unknown ${i}`));
  }
  // without c (a projection's or an initialisation's matrix), or with other weights, the full elimination
  const w0 = new Float64Array(n).map((_, i) => (m[i] === 0 ? -1 : 0));
  assert.ok(trees.factor(m, w0), 'trees.factor(m, w0)');
  assert.equal(trees.factorisedFromTrees, false);
});

test('condensed system: a Jacobian added in another order, or with zero entries outside the pattern, gives the same J (the remembered order of adds is checked entry by entry)', () => {
  const { n, rows, cols, m } = chainPattern(5, 4, true);
  const R = Int32Array.from(rows);
  const C = Int32Array.from(cols);
  const a = new CondensedCore(n, R, C, m);
  const b = new CondensedCore(n, R, C, m);
  const r = rng(41);
  const vals = rows.map((i, e) => (i === cols[e] && m[i] === 1 ? -2 - Math.abs(r()) : r()));
  // a: the same order twice (the second evaluation runs on the remembered order); b: once in order, then reversed with a zero outside the pattern in between
  for (let pass = 0; pass < 2; pass++) {
    a.clearJ();
    for (let e = 0; e < rows.length; e++) a.add(rows[e]!, cols[e]!, vals[e]!);
  }
  b.clearJ();
  for (let e = 0; e < rows.length; e++) b.add(rows[e]!, cols[e]!, 123);
  b.clearJ();
  for (let e = rows.length - 1; e >= 0; e--) {
    b.add(rows[e]!, cols[e]!, vals[e]!);
    if (e === 7) b.add(0, n - 2, 0);
  }
  assert.deepEqual(b.J, a.J);
  // entries accumulate (+=) on the remembered path too
  a.clearJ();
  for (let e = 0; e < rows.length; e++) a.add(rows[e]!, cols[e]!, vals[e]! / 2);
  for (let e = 0; e < rows.length; e++) a.add(rows[e]!, cols[e]!, vals[e]! / 2);
  assert.deepEqual(a.J, b.J);
  // a nonzero outside the pattern is still an error naming the entry
  assert.throws(() => a.add(0, n - 2, 1), /entry \(0, \d+\) = 1 is not in the declared sparsity pattern/);
});

test('condensed system: addSequence gives J bit for bit as the same adds one by one (repeated entries summed in order), on a second system of the same pattern too (the map is shared); outside the pattern a zero is ignored and anything else named; a count past the arrays is an error', () => {
  const { n, rows, cols, m } = chainPattern(5, 4, true);
  const R = Int32Array.from(rows);
  const C = Int32Array.from(cols);
  // the pattern's entries in a scrambled order, each twice (a sequence may repeat an entry: its values sum)
  const order = [...rows.keys(), ...rows.keys()].sort((p, q) => ((p * 7919) % 61) - ((q * 7919) % 61));
  const sr = Int32Array.from(order, (e) => rows[e]!);
  const sc = Int32Array.from(order, (e) => cols[e]!);
  const r = rng(71);
  for (const fresh of [true, false]) {
    const one = new CondensedCore(n, R, C, m);
    const seq = new CondensedCore(n, R, C, m);
    for (let round = 0; round < 3; round++) {
      const v = Float64Array.from(order, () => r() * 10 ** Math.round(4 * r()));
      one.clearJ();
      seq.clearJ();
      for (let q = 0; q < order.length; q++) one.add(sr[q]!, sc[q]!, v[q]!);
      seq.addSequence(sr, sc, v, order.length);
      seq.J.forEach((x, q) => assert.ok(Object.is(x, one.J[q]), `${fresh ? 'first' : 'second'} system, J[${q}]`));
      // a shorter count adds the first entries only
      seq.clearJ();
      one.clearJ();
      seq.addSequence(sr, sc, v, 5);
      for (let q = 0; q < 5; q++) one.add(sr[q]!, sc[q]!, v[q]!);
      assert.deepEqual(seq.J, one.J);
    }
  }
  const core = new CondensedCore(n, R, C, m);
  const outR = Int32Array.from([rows[0]!, 0]);
  const outC = Int32Array.from([cols[0]!, n - 2]);
  core.addSequence(outR, outC, Float64Array.from([2.5, 0]), 2);
  const want = new CondensedCore(n, R, C, m);
  want.add(rows[0]!, cols[0]!, 2.5);
  assert.deepEqual(core.J, want.J);
  assert.throws(
    () => core.addSequence(outR, outC, Float64Array.from([2.5, 1]), 2),
    /entry \(0, \d+\) = 1 is not in the declared sparsity pattern/,
  );
  assert.throws(() => core.addSequence(outR, outC, new Float64Array(2), 3), /addSequence count 3 exceeds/);
});

test('condensed system with linear trees: factor(m, w, c) after J changes (clearJ and adds, adds alone, addSequence) factorises the new J, bit for bit as a fresh system does', () => {
  const nv = 4;
  const chain = 5;
  const per = chain + 2;
  const { n, rows, cols, m } = chainPattern(nv, chain, false);
  const R = Int32Array.from(rows);
  const C = Int32Array.from(cols);
  const lin = new Uint8Array(n);
  for (let v = 0; v < nv; v++) lin.fill(1, v * per, v * per + chain);
  const r = rng(83);
  const values = (): Float64Array =>
    Float64Array.from(rows, (i, e) => (i === cols[e] && m[i] === 1 ? -2 - Math.abs(r()) : r()));
  const solveWith = (core: CondensedCore, c: number, b: Float64Array): Float64Array => {
    const w = new Float64Array(n).map((_, i) => (m[i] === 0 ? 1 : c));
    assert.ok(core.factor(m, w, c), `factorised at c = ${c}`);
    assert.equal(core.factorisedFromTrees, true);
    const x = Float64Array.from(b);
    core.solve(x);
    return x;
  };
  const sys = new CondensedCore(n, R, C, m);
  const v0 = values();
  for (let e = 0; e < rows.length; e++) sys.add(rows[e]!, cols[e]!, v0[e]!);
  const ch = sys.linearChains(lin)!;
  assert.ok(ch, 'linear trees over every peeled unknown');
  const b = new Float64Array(n).map(() => r());
  solveWith(sys, 0.5, b);
  solveWith(sys, 0.7, b);
  for (const how of ['clearJ and add', 'add', 'addSequence']) {
    const v = values();
    if (how !== 'add') sys.clearJ();
    if (how === 'addSequence') sys.addSequence(R, C, v, rows.length);
    else for (let e = 0; e < rows.length; e++) sys.add(rows[e]!, cols[e]!, v[e]!);
    // the trees' elimination is kept per c until told that J changed (as the integrator does after a Jacobian)
    ch.invalidate();
    const fresh = new CondensedCore(n, R, C, m);
    for (let e = 0; e < rows.length; e++) fresh.add(rows[e]!, cols[e]!, v[e]!);
    if (how === 'add') for (let e = 0; e < rows.length; e++) fresh.J[e] = sys.J[e]!; // v added onto the last J
    assert.ok(fresh.linearChains(lin), 'the fresh system’s linear trees');
    for (const c of [0.7, 1.3]) assert.deepEqual(solveWith(sys, c, b), solveWith(fresh, c, b), `${how}, c = ${c}`);
  }
});
