import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BandLu, Rng } from '../../src/numerics/index.ts';
import {
  useWasmBandKernel,
  useWasmBandShaped,
  useWasmBandSimd,
  wasmBandShapedUsed,
  wasmBandKernelArenaBytes,
  wasmBandKernelAvailable,
  wasmBandSimdUsed,
} from '../../src/numerics/band-kernel.ts';

/** a seeded uniform source in [−1, 1) */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.inRange(-1, 1);
}

/** fills a band with random entries: weak diagonals (row interchanges) and some exact zeros */
function fill(band: BandLu, seed: number): void {
  const r = rng(seed);
  const { n, kl, ku } = band;
  band.clear();
  for (let i = 0; i < n; i++)
    for (let j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) {
      const u = r();
      band.set(i, j, i === j ? (i % 7 === 3 ? 0.01 * u : 2 + u) : Math.abs(u) < 0.2 ? 0 : u);
    }
}

function withKernel<T>(on: boolean, f: () => T): T {
  const was = useWasmBandKernel(on);
  try {
    return f();
  } finally {
    useWasmBandKernel(was);
  }
}

/**
 * factorises the band (filled from seed) with the kernel, checking that the JavaScript loops give the
 * same factors; equilibrated (factor(rowScale)) on odd seeds, from a row scale with some lower bounds
 * above the rows' largest entries
 */
function factorBothWays(band: BandLu, seed: number): void {
  const scaled = seed % 2 === 1;
  const rs0 = new Float64Array(band.n).map((_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 0.5 : 4));
  const rsJs = Float64Array.from(rs0);
  const rsWasm = Float64Array.from(rs0);
  fill(band, seed);
  const ok = withKernel(false, () => band.factor(scaled ? rsJs : undefined));
  const js = {
    ab: Float64Array.from(band.ab),
    piv: Int32Array.from(band.piv),
    um: Int32Array.from(band.um),
    lm: Int32Array.from(band.lm),
  };
  fill(band, seed);
  assert.equal(
    withKernel(true, () => band.factor(scaled ? rsWasm : undefined)),
    ok,
  );
  assert.ok(ok, `factor n=${band.n}`);
  assertSameBits(js.ab, band.ab, `factors n=${band.n} kl=${band.kl} ku=${band.ku}`);
  assert.deepEqual(band.piv, js.piv);
  assert.deepEqual(band.um, js.um);
  assert.deepEqual(band.lm, js.lm);
  assertSameBits(rsJs, rsWasm, 'row scale');
  if (scaled) assert.ok(rsJs.some((v) => v === 0.25) && rsJs.some((v) => v > 0.25), 'both kinds of row bound');
}

function randomBand(seed: number, n: number, kl: number, ku: number, threshold: number): BandLu {
  const band = new BandLu(n, kl, ku);
  band.pivotThreshold = threshold;
  factorBothWays(band, seed);
  return band;
}

function rhs(r: () => number, n: number): Float64Array {
  // some exact zeros: the forward and backward sweeps skip a zero entry
  return new Float64Array(n).map((_, i) => (i % 5 === 1 ? 0 : r()));
}

/** solves b (at offset) with the JavaScript loops, then with the kernel, and returns both */
function bothWays(band: BandLu, b: Float64Array, offset = 0): [Float64Array, Float64Array] {
  const js = Float64Array.from(b);
  const wasm = Float64Array.from(b);
  withKernel(false, () => band.solve(js, offset));
  withKernel(true, () => band.solve(wasm, offset));
  return [js, wasm];
}

function assertSameBits(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++)
    assert.ok(Object.is(a[i], b[i]), `${what}: entry ${i} differs (JavaScript ${a[i]}, WebAssembly ${b[i]})`);
}

test('the WebAssembly band kernel compiles on this Node (else the comparisons below would test the JavaScript loops twice)', () => {
  assert.ok(wasmBandKernelAvailable(), 'wasmBandKernelAvailable()');
});

/** the comparison of the kernel's factors and solutions with the JavaScript loops' on random bands */
function compareRandomBands(): void {
  const r = rng(2024);
  let seed = 1;
  for (const [n, kl, ku] of [
    [32, 1, 1],
    [181, 5, 4],
    [100, 3, 0],
    [64, 0, 3],
    [200, 7, 7],
  ] as const)
    for (const threshold of [1, 0.1]) {
      const band = randomBand(seed++, n, kl, ku, threshold);
      if (kl > 0 && threshold === 1)
        assert.ok(
          band.um.some((m) => m > ku),
          'the test band has row interchanges',
        );
      for (let k = 0; k < 3; k++) {
        const [js, wasm] = bothWays(band, rhs(r, n));
        assertSameBits(js, wasm, `n=${n} kl=${kl} ku=${ku} threshold ${threshold}`);
      }
      // a right-hand side inside a longer array (BorderedBandLu solves W's columns in place)
      const long = new Float64Array(3 * n).map(() => r());
      const [js, wasm] = bothWays(band, long, n);
      assertSameBits(js, wasm, `n=${n} at offset ${n}`);
      // the entries outside [offset, offset + n) are untouched
      for (const i of [0, n - 1, 2 * n, 3 * n - 1]) assert.equal(wasm[i], long[i]);
    }
}

test('band LU: the WebAssembly kernel gives the JavaScript loops’ factors and solutions bit for bit (row interchanges, threshold pivoting, zeros, offsets)', () => {
  assert.ok(wasmBandSimdUsed(), 'the kernel has its SIMD loops on this Node');
  compareRandomBands();
});

test('band LU: the kernel without SIMD (engines that lack it) gives the same bits too', () => {
  const was = useWasmBandSimd(false);
  try {
    assert.ok(wasmBandKernelAvailable() && !wasmBandSimdUsed(), 'wasmBandKernelAvailable() && !wasmBandSimdUsed()');
    compareRandomBands();
  } finally {
    useWasmBandSimd(was);
  }
  assert.ok(wasmBandSimdUsed(), 'wasmBandSimdUsed()');
});

test('band solve: two bands used in turn and a refactorised band solve with their current factors (the kernel’s copy follows)', () => {
  const r = rng(99);
  const a = randomBand(1, 120, 4, 3, 0.1);
  const b = randomBand(2, 90, 2, 5, 1);
  for (let round = 0; round < 3; round++) {
    for (const band of [a, b, a]) {
      const [js, wasm] = bothWays(band, rhs(r, band.n));
      assertSameBits(js, wasm, `round ${round} n=${band.n}`);
    }
    // new values in a, refactorised with the JavaScript loops: the kernel must not keep the old factors
    fill(a, 10 + round);
    assert.ok(
      withKernel(false, () => a.factor()),
      'withKernel(false, () => a.factor())',
    );
  }
});

test('band solve: a band larger than the kernel’s first memory page grows it and still agrees bit for bit', () => {
  const r = rng(5);
  const band = randomBand(3, 3000, 10, 10, 0.1); // 3000 × 31 × 8 B ≈ 0.74 MB of band storage
  const [js, wasm] = bothWays(band, rhs(r, 3000));
  assertSameBits(js, wasm, 'n=3000');
});

test('band kernel: after a large band, a small one used long enough gets a fresh arena of its own size (WebAssembly memory only grows), and still agrees bit for bit', () => {
  const r = rng(6);
  const big = randomBand(3, 8000, 10, 10, 0.1); // 8000 × 31 × 8 B ≈ 2 MB of band storage
  const [jb, wb] = bothWays(big, rhs(r, 8000));
  assertSameBits(jb, wb, 'n=8000');
  const large = wasmBandKernelArenaBytes();
  assert.ok(large > 2e6, `the arena grew for the large band (${large} B)`);
  const small = randomBand(4, 200, 5, 4, 0.1);
  const [js0, ws0] = bothWays(small, rhs(r, 200));
  assertSameBits(js0, ws0, 'n=200, first');
  assert.equal(wasmBandKernelArenaBytes(), large, 'kept while the small band is new (bands used in turn)');
  // many solves with the small band's factors: the arena is renewed, and the solves still agree
  const b0 = rhs(r, 200);
  const ref = Float64Array.from(b0);
  withKernel(false, () => small.solve(ref));
  for (let k = 0; k < 300; k++) {
    const b = Float64Array.from(b0);
    withKernel(true, () => small.solve(b));
    assertSameBits(ref, b, `solve ${k}`);
  }
  assert.ok(wasmBandKernelArenaBytes() < 1 << 20, `arena given back (${wasmBandKernelArenaBytes()} B)`);
  const [js1, ws1] = bothWays(small, rhs(r, 200));
  assertSameBits(js1, ws1, 'n=200, after the renewal');
});

test('band LU: a singular band fails at the same column both ways, leaving the same partial factors', () => {
  // column 30 zero in every row of the band (rows 28–32): no pivot when the elimination reaches it
  const make = (): BandLu => {
    const band = new BandLu(60, 2, 2);
    fill(band, 7);
    for (let i = 28; i <= 32; i++) band.set(i, 30, 0);
    return band;
  };
  const js = make();
  const ws = make();
  assert.equal(
    withKernel(false, () => js.factor()),
    false,
  );
  assert.equal(
    withKernel(true, () => ws.factor()),
    false,
  );
  assertSameBits(js.ab, ws.ab, 'partial factors');
  assert.deepEqual(ws.piv, js.piv);
  assert.deepEqual(ws.um, js.um);
  assert.deepEqual(ws.lm, js.lm);
  // it stopped at column 30 (its pivot row is its own, the later columns were never reached)
  assert.equal(js.piv[30], 30);
  assert.ok(
    js.piv.subarray(31).every((p) => p === 0),
    'js.piv.subarray(31).every((p) => p === 0)',
  );
});

/**
 * a diagonally dominant band (no row interchanges: piv[j] = j) whose columns have every extent: below
 * the diagonal column j has entries to row j + j mod (kl + 1), above it from row j − j mod (ku + 1)
 */
function extentsBand(n: number, kl: number, ku: number): BandLu {
  const r = rng(n + kl + ku);
  const band = new BandLu(n, kl, ku);
  for (let j = 0; j < n; j++) {
    band.set(j, j, 3 * (kl + ku + 1) + r());
    for (let i = j + 1; i <= Math.min(n - 1, j + (j % (kl + 1))); i++) band.set(i, j, r() || 0.5);
    for (let i = Math.max(0, j - (j % (ku + 1))); i < j; i++) band.set(i, j, r() || 0.5);
  }
  return band;
}

test('band solve: every column extent (even and odd, none, past the straight-line pairs), with and without row interchanges and SIMD, agrees bit for bit', () => {
  const r = rng(77);
  for (const simd of [true, false]) {
    const was = useWasmBandSimd(simd);
    try {
      assert.equal(wasmBandSimdUsed(), simd);
      for (const [n, kl, ku] of [
        [97, 5, 4],
        [64, 9, 11],
        [40, 1, 2],
      ] as const) {
        // no interchanges: U's and L's extents as built
        const plain = extentsBand(n, kl, ku);
        assert.ok(
          withKernel(true, () => plain.factor()),
          'withKernel(true, () => plain.factor())',
        );
        assert.ok(
          plain.piv.every((p, j) => p === j),
          'no row interchanges',
        );
        for (let m = 0; m <= ku; m++) assert.ok(plain.um.includes(m), `um = ${m} occurs (n=${n} kl=${kl} ku=${ku})`);
        for (let m = 0; m <= kl; m++) assert.ok(plain.lm.includes(m), `lm = ${m} occurs (n=${n} kl=${kl} ku=${ku})`);
        // with interchanges: U up to kl + ku above the diagonal
        const pivoted = randomBand(n + 1, n, kl, ku, 1);
        assert.ok(pivoted.piv.some((p, j) => p !== j) && pivoted.um.some((m) => m > ku), 'row interchanges');
        for (const band of [plain, pivoted])
          for (let k = 0; k < 3; k++) {
            // exact zeros of both signs (skipped columns) in some right-hand sides
            const b = rhs(r, n).map((v, i) => (k === 2 && i % 3 === 0 ? (i % 2 === 0 ? -0 : 0) : v));
            const [js, wasm] = bothWays(band, b);
            assertSameBits(js, wasm, `n=${n} kl=${kl} ku=${ku} simd ${simd} rhs ${k}`);
          }
      }
    } finally {
      useWasmBandSimd(was);
    }
  }
});

test('band LU: the kernels assembled per band shape give the general kernel’s and the JavaScript loops’ factors and solutions bit for bit, for kl and ku from 0 to 9 (n even and odd, row interchanges, exact zeros, equilibration), with and without SIMD', () => {
  const r = rng(4242);
  for (const simd of [true, false]) {
    const wasSimd = useWasmBandSimd(simd);
    try {
      let seed = 100;
      // kl 0..9 with ku 0, 1, 4, 9, and every ku for kl = 5 (the DFN's): 46 shapes (a thread keeps 64)
      for (let kl = 0; kl <= 9; kl++)
        for (let ku = 0; ku <= 9; ku++) {
          if (kl !== 5 && ![0, 1, 4, 9].includes(ku)) continue;
          const n = 32 + ((7 * kl + 3 * ku + (simd ? 1 : 0)) % 61);
          const what = `n=${n} kl=${kl} ku=${ku} simd ${simd}`;
          assert.ok(wasmBandShapedUsed(kl, ku), `${what}: the shape's own kernels`);
          for (const threshold of [1, 0.1]) {
            const band = randomBand(seed++, n, kl, ku, threshold);
            // the general kernel's factors too
            const shapedAb = Float64Array.from(band.ab);
            const wasShaped = useWasmBandShaped(false);
            try {
              factorBothWays(band, seed - 1);
              assertSameBits(shapedAb, band.ab, `${what}: general kernel's factors`);
            } finally {
              useWasmBandShaped(wasShaped);
            }
            fill(band, seed - 1);
            assert.ok(
              withKernel(true, () => band.factor()),
              `${what}: factorised`,
            );
            const b = rhs(r, n).map((v, i) => (i % 4 === 2 ? (i % 8 === 2 ? -0 : 0) : v));
            const [js, wasm] = bothWays(band, b);
            assertSameBits(js, wasm, `${what} threshold ${threshold}`);
          }
        }
    } finally {
      useWasmBandSimd(wasSimd);
    }
  }
});

test('band LU: a band factorised, then the arena grown by a far larger one, still solves and refactorises bit for bit', () => {
  const r = rng(31);
  const a = randomBand(41, 181, 5, 4, 0.1);
  const before = wasmBandKernelArenaBytes();
  const big = randomBand(42, 6000, 5, 4, 0.1); // 6000 × 15 × 8 B ≈ 0.7 MB: the memory grows
  assert.ok(wasmBandKernelArenaBytes() > before, 'the arena grew');
  for (const band of [a, big, a]) {
    const [js, wasm] = bothWays(band, rhs(r, band.n));
    assertSameBits(js, wasm, `n=${band.n} after the growth`);
  }
  factorBothWays(a, 43);
  const [js, wasm] = bothWays(a, rhs(r, a.n));
  assertSameBits(js, wasm, 'refactorised after the growth');
});

/** the JavaScript loops' factors of a band filled from seed (threshold 0.1), and x: their solution of b */
function jsReference(
  n: number,
  kl: number,
  ku: number,
  seed: number,
  b: Float64Array,
): { lu: BandLu; x: Float64Array } {
  const lu = new BandLu(n, kl, ku);
  lu.pivotThreshold = 0.1;
  fill(lu, seed);
  const x = Float64Array.from(b);
  withKernel(false, () => {
    assert.ok(lu.factor(), `reference n=${n} factorised`);
    lu.solve(x);
  });
  return { lu, x };
}

/** a band of the shape, filled from seed, threshold 0.1 */
function filled(n: number, kl: number, ku: number, seed: number): BandLu {
  const lu = new BandLu(n, kl, ku);
  lu.pivotThreshold = 0.1;
  fill(lu, seed);
  return lu;
}

/** lu's own arrays (read without the accessors, which would fetch the kernel's) equal ref's factors */
function assertOwnFactors(lu: BandLu, ref: BandLu, what: string): void {
  assertSameBits(ref.ab, lu.arrays.ab, what);
  assert.deepEqual(lu.arrays.piv, ref.piv);
  assert.deepEqual(lu.arrays.um, ref.um);
  assert.deepEqual(lu.arrays.lm, ref.lm);
}

/** solves b with lu (the kernel's path as it stands) and checks the reference's solution bit for bit */
function assertSolves(lu: BandLu, b: Float64Array, x: Float64Array, what: string): void {
  const y = Float64Array.from(b);
  lu.solve(y);
  assertSameBits(x, y, what);
}

test('band LU: the factors stay in the kernel until read or until another band takes it (staged in place, bands in turn, a grown arena, a kernel compiled again), bit for bit the JavaScript loops’', () => {
  const r = rng(55);
  const ba = rhs(r, 181);
  const bb = rhs(r, 120);
  const A = jsReference(181, 5, 4, 61, ba);
  const B = jsReference(120, 3, 2, 62, bb);
  assert.ok(
    A.lu.piv.some((p, j) => p !== j),
    'row interchanges in the test band',
  );
  const a = new BandLu(181, 5, 4);
  a.pivotThreshold = 0.1;
  const b = filled(120, 3, 2, 62);
  const entriesA = filled(181, 5, 4, 61).ab;
  withKernel(true, () => {
    // a's entries written straight into the kernel's storage: its own arrays never see them
    const staged = a.stage();
    assert.ok(a.heldBy !== null, 'staged: held by the kernel');
    staged.set(entriesA);
    assert.ok(a.factor(), 'a factorised');
    assert.ok(a.heldBy !== null, 'the factors left in the kernel');
    assert.ok(
      a.arrays.ab.every((v) => v === 0),
      'a.arrays.ab.every((v) => v === 0)',
    );
    assertSolves(a, ba, A.x, 'a held');
    // b takes the arena: a's factors written back into its arrays first
    assert.ok(b.factor(), 'b factorised');
    assert.equal(a.heldBy, null);
    assertOwnFactors(a, A.lu, 'a evicted by b');
    // solves in turn: each band's factors copied in again, the other's written back first
    for (let k = 0; k < 2; k++) {
      assertSolves(a, ba, A.x, `a, round ${k}`);
      assertSolves(b, bb, B.x, `b, round ${k}`);
    }
    assertOwnFactors(b, B.lu, 'b evicted by a');
    // held while a far larger band grows the arena: written back before the memory grows
    a.stage().set(entriesA);
    assert.ok(a.factor() && a.heldBy !== null, 'a refactorised, held');
    const before = wasmBandKernelArenaBytes();
    // more band storage than the arena has (15 doubles a row), whatever earlier tests grew it to
    const big = filled(Math.ceil(before / 120) + 1000, 5, 4, 63);
    assert.ok(big.factor(), 'the large band factorised');
    assert.ok(wasmBandKernelArenaBytes() > before, 'the arena grew');
    assertOwnFactors(a, A.lu, 'a evicted by the growth');
    assertSolves(a, ba, A.x, 'a after the growth');
    // held by a kernel that is then compiled again (SIMD switched): the new one fetches the factors
    a.stage().set(entriesA);
    assert.ok(a.factor() && a.heldBy !== null, 'a refactorised, held again');
    const was = useWasmBandSimd(!wasmBandSimdUsed());
    try {
      assertSolves(a, ba, A.x, 'a with the recompiled kernel');
      assert.equal(a.heldBy, null, 'the old kernel gave the factors back');
    } finally {
      useWasmBandSimd(was);
    }
  });
  // held, then read by the JavaScript loops (kernel off): the accessors fetch the factors
  withKernel(true, () => {
    b.stage().set(filled(120, 3, 2, 62).ab);
    assert.ok(b.factor() && b.heldBy !== null, 'b refactorised, held');
  });
  withKernel(false, () => assertSolves(b, bb, B.x, 'b with the JavaScript loops'));
  assert.equal(b.heldBy, null);
  assertOwnFactors(b, B.lu, 'b read');
});
