import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/numerics/index.ts';
import { encodeModule, type WasmApi } from '../../src/numerics/wasm-encoder.ts';
import { libmFuncs } from '../../src/numerics/wasm-libm.ts';

/** the ports as callable functions (their own module, as a kernel would hold them) */
function ports(): { log: (x: number) => number; sinh: (x: number) => number } {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  assert.ok(wasm !== undefined, 'WebAssembly is available');
  const ex = new wasm.Instance(new wasm.Module(encodeModule(libmFuncs(0).funcs)), {}).exports;
  return { log: ex.log as (x: number) => number, sinh: ex.sinh as (x: number) => number };
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** the double of the given high and low 32-bit words */
const fromWords = (hi: number, lo: number): number => {
  words[1] = hi >>> 0;
  words[0] = lo >>> 0;
  return bits[0]!;
};
/** the next double above x (x finite, > 0) */
const up = (x: number): number => {
  bits[0] = x;
  if (words[0] === 0xffffffff) {
    words[0] = 0;
    words[1]!++;
  } else words[0]!++;
  return bits[0]!;
};
const down = (x: number): number => {
  bits[0] = x;
  if (words[0] === 0) {
    words[0] = 0xffffffff;
    words[1]!--;
  } else words[0]!--;
  return bits[0]!;
};

/** every x where port(x) and ref(x) differ as doubles (Object.is: sign of zero and NaN included) */
function mismatches(port: (x: number) => number, ref: (x: number) => number, xs: Iterable<number>): string[] {
  const bad: string[] = [];
  for (const x of xs) {
    const a = port(x);
    const b = ref(x);
    if (!Object.is(a, b) && bad.length < 10) bad.push(`x ${x}: port ${a}, engine ${b}`);
  }
  return bad;
}

function* logUniform(r: Rng, n: number, lo: number, hi: number): Generator<number> {
  const a = Math.log(lo);
  const b = Math.log(hi);
  for (let i = 0; i < n; i++) yield Math.exp(r.inRange(a, b));
}

test("the WebAssembly log is the engine's Math.log bit for bit: c_e from 1e-3 to 1e5 mol/m³, every positive double's exponent and mantissa, subnormals, 0, negatives, ±∞, NaN", () => {
  const { log } = ports();
  const r = new Rng(21);
  // the electrolyte concentrations the DFN kernel takes the log of
  assert.deepEqual(mismatches(log, Math.log, logUniform(r, 200_000, 1e-3, 1e5)), []);
  // random bit patterns: every exponent (subnormals included), both branches of the reduction
  const random = function* (): Generator<number> {
    for (let i = 0; i < 100_000; i++) yield fromWords(r.nextU32() & 0x7fffffff, r.nextU32());
  };
  assert.deepEqual(mismatches(log, Math.log, random()), []);
  // near 1 (|f| < 2^-20, its own polynomial), near √2 and √2/2 (where the reduction switches), powers of 2
  const edges: number[] = [0, -0, -1, -5e-324, 5e-324, 2.2250738585072014e-308, 1e-310, Infinity, -Infinity, NaN];
  for (const c of [1, Math.SQRT2, Math.SQRT1_2, 2, 0.5, 1024, 1 / 1024]) {
    let a = c;
    let b = c;
    for (let i = 0; i < 2000; i++) {
      edges.push(a, b);
      a = up(a);
      b = down(b);
    }
  }
  for (let e = -1074; e <= 1023; e++) edges.push(2 ** e, 3 * 2 ** (e - 1));
  for (let i = 0; i < 20_000; i++) edges.push(1 + r.inRange(-(2 ** -19), 2 ** -19));
  assert.deepEqual(mismatches(log, Math.log, edges), []);
});

test("the WebAssembly sinh is the engine's Math.sinh bit for bit: −50 … 50 (the kinetics' arguments), tiny to overflowing magnitudes, every branch's edges, ±0, ±∞, NaN", () => {
  const { sinh } = ports();
  const r = new Rng(22);
  const uniform = function* (): Generator<number> {
    for (let i = 0; i < 200_000; i++) yield r.inRange(-50, 50);
  };
  assert.deepEqual(mismatches(sinh, Math.sinh, uniform()), []);
  // magnitudes from 2^-40 to past the overflow threshold, both signs (expm1's k = 0, 1, 2 … 19, 20 … 32; exp's k to 1024)
  const wide = function* (): Generator<number> {
    for (const x of logUniform(r, 100_000, 2 ** -40, 720)) {
      yield x;
      yield -x;
    }
  };
  assert.deepEqual(mismatches(sinh, Math.sinh, wide()), []);
  const edges: number[] = [0, -0, Infinity, -Infinity, NaN, 5e-324, 1e300, -1e300];
  const ln2 = Math.LN2;
  const limits = [2 ** -28, 0.5 * ln2, 1, 1.5 * ln2, 0.75, 20 * ln2, 21 * ln2, 22, 709.7822265625, 710.4758600739439];
  for (let k = 2; k < 60; k++) limits.push((k + 0.5) * ln2);
  for (const c of limits) {
    let a = c;
    let b = c;
    for (let i = 0; i < 300; i++) {
      edges.push(a, -a, b, -b);
      a = up(a);
      b = down(b);
    }
  }
  assert.deepEqual(mismatches(sinh, Math.sinh, edges), []);
});

test('the comparison can fail: a port one ulp off at one argument is caught', () => {
  const { log } = ports();
  const off = (x: number): number => (x === 3 ? up(log(x)) : log(x));
  assert.equal(mismatches(off, Math.log, [1, 2, 3, 4]).length, 1);
});
