import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/numerics/index.ts';
import {
  call,
  encodeModule,
  get,
  I32,
  v128Load,
  v128Store,
  type Func,
  type WasmApi,
} from '../../src/numerics/wasm-encoder.ts';
import { log, sinh, SINH_OVERFLOW } from '../../src/numerics/libm.ts';
import { libmFuncs, writeLibmTable, LIBM_TABLE_BYTES } from '../../src/numerics/wasm-libm.ts';

/**
 * The reference: log and sinh in 120-bit fixed point (BigInt), written here independently of the tables'
 * construction in src/numerics/libm.ts: log through x = m·2^e, m in [√2/2, √2), log m = 2·atanh((m−1)/(m+1));
 * sinh through its Taylor series below 1 and (e^x − e^−x)/2 above, e^x = 2^k·e^r by its series. The error of a
 * double y is |y − ref| in units of the last place of ref (ulp: 2^(⌊log2 |ref|⌋ − 52)).
 */
const P = 120n;
const ONE = 1n << P;
const dv = new DataView(new ArrayBuffer(8));
/** x = m·2^e exactly (x finite, non-zero) */
function parts(x: number): [bigint, number] {
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const be = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const m = be === 0 ? frac : frac | (1n << 52n);
  return [x < 0 ? -m : m, (be === 0 ? 1 : be) - 1075];
}
/** x·2^P exactly (x·2^P an integer for the arguments here) */
function fixed(x: number): bigint {
  if (x === 0) return 0n;
  const [m, e] = parts(x);
  const s = e + Number(P);
  assert.ok(s >= 0, `${x} has bits below 2^-${P}`);
  return m << BigInt(s);
}
const bitLength = (v: bigint): number => (v < 0n ? -v : v).toString(2).length;
function atanhRef(num: bigint, den: bigint): bigint {
  const neg = num < 0n;
  const s = ((neg ? -num : num) << P) / den;
  const s2 = (s * s) >> P;
  let sum = 0n;
  let pw = s;
  for (let n = 1n; pw > 0n; n += 2n, pw = (pw * s2) >> P) sum += pw / n;
  return neg ? -sum : sum;
}
const LN2 = 2n * atanhRef(1n, 3n);
/** log(x)·2^P, x > 0 finite */
function logRef(x: number): bigint {
  const [m, e] = parts(x);
  const n = bitLength(m) - 1;
  // m / 2^n in [1, 2); above √2 (m² > 2·4^n) halve it
  let d = 1n << BigInt(n);
  let ex = e + n;
  if (m * m > 2n * d * d) {
    d <<= 1n;
    ex += 1;
  }
  return BigInt(ex) * LN2 + 2n * atanhRef(m - d, m + d);
}
function expRef(r: bigint): bigint {
  let sum = ONE;
  let term = ONE;
  for (let n = 1n; term !== 0n; n++) {
    term = ((term * r) >> P) / n;
    sum += term;
  }
  return sum;
}
/** sinh(x)·2^P, 2^-60 ≤ |x| ≤ 720 */
function sinhRef(x: number): bigint {
  const X = fixed(x);
  const ax = X < 0n ? -X : X;
  let v: bigint;
  if (ax < ONE) {
    const x2 = (ax * ax) >> P;
    let term = ax;
    v = ax;
    for (let n = 2n; term !== 0n; n += 2n) {
      term = ((term * x2) >> P) / (n * (n + 1n));
      v += term;
    }
  } else {
    const k = BigInt(Math.round(Math.abs(x) / Math.LN2));
    const er = expRef(ax - k * LN2);
    const e = er << k;
    const einv = ((ONE * ONE) / er) >> k;
    v = (e - einv) / 2n;
  }
  return X < 0n ? -v : v;
}
/** |y − ref| in ulps of ref (ref ≠ 0, finite y) */
function ulpError(y: number, ref: bigint): number {
  const ulpExp = bitLength(ref) - 53;
  assert.ok(ulpExp >= 8, 'the reference has enough bits below the last place');
  const d = fixed(y) - ref;
  return Number((d < 0n ? -d : d) >> BigInt(ulpExp - 8)) / 256;
}

/** the largest error of fn against ref over xs, and where */
function maxError(
  fn: (x: number) => number,
  ref: (x: number) => bigint,
  xs: Iterable<number>,
): { max: number; at: number } {
  let max = 0;
  let at = NaN;
  for (const x of xs) {
    const e = ulpError(fn(x), ref(x));
    if (e > max) {
      max = e;
      at = x;
    }
  }
  return { max, at };
}

function* logUniform(r: Rng, n: number, lo: number, hi: number): Generator<number> {
  const a = Math.log(lo);
  const b = Math.log(hi);
  for (let i = 0; i < n; i++) yield Math.exp(r.inRange(a, b));
}
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const fromWords = (hi: number, lo: number): number => {
  words[1] = hi >>> 0;
  words[0] = lo >>> 0;
  return bits[0]!;
};
/** the n-th double above (n > 0) or below (n < 0) a positive double */
const nextUp = (x: number, n: number): number => {
  const b = new BigInt64Array(new Float64Array([x]).buffer);
  b[0] = b[0]! + BigInt(n);
  return new Float64Array(b.buffer)[0]!;
};

test('log is within 1 ulp of a 120-bit reference: c_e from 1e-3 to 1e5 mol/m³, random positive doubles (subnormals included), near 1, every subinterval edge', (t) => {
  const r = new Rng(31);
  const xs: number[] = [...logUniform(r, 100_000, 1e-3, 1e5)];
  for (let i = 0; i < 20_000; i++) {
    const x = fromWords(r.nextU32() & 0x7fffffff, r.nextU32());
    if (x > 0 && x < Infinity) xs.push(x);
  }
  // near 1 (its own branch, and the table's next to it): 1 ± 1/16 and 1 ± 2^-k
  for (let i = 0; i < 20_000; i++) xs.push(1 + r.inRange(-0.1, 0.1));
  for (let k = 1; k <= 52; k++) xs.push(1 + 2 ** -k, 1 - 2 ** -(k + 1));
  // the ends of the 128 subintervals of z (and of x = 2z), a few doubles either side
  for (let i = 0; i <= 128; i++)
    for (const z of [fromWords(0x3fe60000 + i * 0x2000, 0), 2 * fromWords(0x3fe60000 + i * 0x2000, 0)])
      for (let d = -3; d <= 3; d++) if (d !== 0 || z !== 1) xs.push(nextUp(z, d));
  for (const x of [0.9375, 1.0625, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308]) xs.push(x);
  const { max, at } = maxError(log, logRef, xs);
  t.diagnostic(`log: max error ${max.toFixed(3)} ulp at x = ${at} over ${xs.length} arguments`);
  assert.ok(max <= 1, `log: max error ${max} ulp at x = ${at}`);
});

test('sinh is within 1 ulp of a 120-bit reference: −50 … 50 (the kinetics), magnitudes 2^-40 … 710.47 both signs, the branch limits 1 and 22, the overflow threshold', (t) => {
  const r = new Rng(32);
  const xs: number[] = [];
  for (let i = 0; i < 100_000; i++) xs.push(r.inRange(-50, 50));
  for (const x of logUniform(r, 20_000, 2 ** -40, SINH_OVERFLOW)) xs.push(x, -x);
  for (const c of [1, 22, SINH_OVERFLOW]) for (let d = -50; d <= 50; d++) xs.push(nextUp(c, d), -nextUp(c, d));
  const finite = xs.filter((x) => Math.abs(x) <= SINH_OVERFLOW);
  const { max, at } = maxError(sinh, sinhRef, finite);
  t.diagnostic(`sinh: max error ${max.toFixed(3)} ulp at x = ${at} over ${finite.length} arguments`);
  assert.ok(max <= 1, `sinh: max error ${max} ulp at x = ${at}`);
  // just above the threshold the true value is beyond the largest double: ±∞ there
  const over = nextUp(SINH_OVERFLOW, 1);
  assert.ok(sinhRef(over) > fixed(Number.MAX_VALUE), 'sinh overflows above the threshold');
  assert.equal(sinh(over), Infinity);
  assert.equal(sinh(-over), -Infinity);
});

test('log and sinh at their special values: log(±0) = −∞, log(< 0) = NaN, log(NaN) = NaN, log(∞) = ∞, log(1) = +0; sinh(±0) = ±0, sinh(±∞) = ±∞, sinh(NaN) = NaN, tiny x → x', () => {
  assert.equal(log(0), -Infinity);
  assert.equal(log(-0), -Infinity);
  for (const x of [-5e-324, -1, -Infinity, NaN]) assert.ok(Number.isNaN(log(x)), `log(${x})`);
  assert.equal(log(Infinity), Infinity);
  assert.ok(Object.is(log(1), 0), 'log(1) is +0');
  assert.ok(Object.is(sinh(0), 0), 'sinh(0) is +0');
  assert.ok(Object.is(sinh(-0), -0), 'sinh(−0) is −0');
  assert.equal(sinh(Infinity), Infinity);
  assert.equal(sinh(-Infinity), -Infinity);
  assert.equal(sinh(711), Infinity);
  assert.equal(sinh(-1e300), -Infinity);
  assert.ok(Number.isNaN(sinh(NaN)), 'sinh(NaN) is NaN');
  for (const x of [5e-324, -5e-324, 1e-300, 2 ** -30]) assert.equal(sinh(x), x);
});

test('the WebAssembly log and sinh are the JavaScript ones bit for bit (Object.is) over 10⁵ arguments each and every special value', () => {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  assert.ok(wasm !== undefined, 'WebAssembly is available');
  // the module's own memory (one page) holds the tables at byte 0
  const ex = new wasm.Instance(new wasm.Module(encodeModule(libmFuncs(0, 0).funcs)), {}).exports;
  const mem = ex.mem as { buffer: ArrayBuffer };
  assert.ok(LIBM_TABLE_BYTES <= mem.buffer.byteLength, 'the tables fit in one page');
  writeLibmTable(new Float64Array(mem.buffer), 0);
  const wlog = ex.log as (x: number) => number;
  const wsinh = ex.sinh as (x: number) => number;
  const r = new Rng(33);
  const specials = [0, -0, 1, -1, 5e-324, -5e-324, 1e-310, Infinity, -Infinity, NaN, 22, -22, 711, -711, SINH_OVERFLOW];
  const logArgs = [...specials, ...logUniform(r, 60_000, 1e-3, 1e5)];
  const sinhArgs = [...specials];
  for (let i = 0; i < 60_000; i++) sinhArgs.push(r.inRange(-50, 50));
  // random bit patterns: every sign, exponent, NaN payload
  for (let i = 0; i < 50_000; i++) {
    const x = fromWords(r.nextU32(), r.nextU32());
    logArgs.push(x);
    sinhArgs.push(x);
  }
  for (let i = 0; i < 20_000; i++) logArgs.push(1 + r.inRange(-0.1, 0.1));
  const bad: string[] = [];
  for (const x of logArgs) if (!Object.is(wlog(x), log(x)) && bad.length < 10) bad.push(`log(${x})`);
  for (const x of sinhArgs) if (!Object.is(wsinh(x), sinh(x)) && bad.length < 10) bad.push(`sinh(${x})`);
  assert.deepEqual(bad, []);
  assert.ok(logArgs.length >= 100_000 && sinhArgs.length >= 100_000, 'at least 10⁵ arguments each');
});

test('the error measure can fail: a log two ulps off, and Math.log itself, measured the same way', () => {
  const xs = [2, 3, 10, 1000, 1.5];
  const off = (x: number): number => nextUp(log(x), 2);
  assert.ok(maxError(off, logRef, xs).max > 1.4, 'a log two ulps off measures > 1.4 ulp');
  // the engine's fdlibm log is within 1 ulp too (a check of the reference, not of src)
  assert.ok(maxError(Math.log, logRef, xs).max < 1, 'Math.log measures < 1 ulp');
  assert.ok(Math.abs(ulpError(Math.LN2, LN2)) < 0.5, 'the reference ln 2 rounds to Math.LN2');
});

test("the WebAssembly logPair (two logarithms in f64x2 lanes) is log bit for bit in each lane: c_e's range, the table's subinterval edges, near 1 and its edges, special values, and pairs of one main-path and one special argument", () => {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  assert.ok(wasm !== undefined, 'WebAssembly is available');
  const lib = libmFuncs(0, 0);
  assert.equal(lib.funcs[lib.logPair]!.name, 'logPair');
  const ex = new wasm.Instance(new wasm.Module(encodeModule(lib.funcs)), {}).exports;
  const mem = ex.mem as { buffer: ArrayBuffer };
  const f = new Float64Array(mem.buffer);
  writeLibmTable(f, 0);
  const logPair = ex.logPair as (a: number, b: number, p: number) => void;
  const at = LIBM_TABLE_BYTES; // the results' two doubles after the tables
  const r = new Rng(35);
  const xs: number[] = [...logUniform(r, 40_000, 1e-3, 1e5)];
  for (let i = 0; i < 10_000; i++) xs.push(1 + r.inRange(-0.1, 0.1));
  for (let i = 0; i <= 128; i++)
    for (const z of [fromWords(0x3fe60000 + i * 0x2000, 0), 2 * fromWords(0x3fe60000 + i * 0x2000, 0)])
      for (let d = -2; d <= 2; d++) xs.push(nextUp(z, d));
  for (const e of [0.9375, 1.0625]) for (let d = -2; d <= 2; d++) xs.push(nextUp(e, d));
  const specials = [
    0,
    -0,
    -1,
    5e-324,
    1e-310,
    2.2250738585072014e-308,
    Infinity,
    -Infinity,
    NaN,
    1.7976931348623157e308,
  ];
  for (let i = 0; i < 5_000; i++) xs.push(fromWords(r.nextU32(), r.nextU32()));
  const bad: string[] = [];
  let mainPairs = 0;
  const check = (a: number, b: number): void => {
    f[at / 8] = 7;
    f[at / 8 + 1] = 7;
    logPair(a, b, at);
    if ((!Object.is(f[at / 8], log(a)) || !Object.is(f[at / 8 + 1], log(b))) && bad.length < 10)
      bad.push(`logPair(${a}, ${b}) = ${f[at / 8]}, ${f[at / 8 + 1]}; log: ${log(a)}, ${log(b)}`);
    if (a > 1e-3 && a < 1e5 && b > 1e-3 && b < 1e5 && Math.abs(a - 1) > 0.07 && Math.abs(b - 1) > 0.07) mainPairs++;
  };
  for (let i = 0; i < xs.length; i++) check(xs[i]!, xs[(7 * i + 3) % xs.length]!);
  for (const s of specials)
    for (const x of [1234.5, 0.5, 1, 3e-200]) {
      check(s, x);
      check(x, s);
    }
  assert.deepEqual(bad, []);
  // the comparison covers the two-lane path itself, not only its fallback
  assert.ok(mainPairs > 20_000, `pairs on the two-lane path: ${mainPairs}`);
});

test("the WebAssembly sinhPair (two sinh in f64x2 lanes) is sinh bit for bit in each lane: the kinetics' range, both common paths and their limits 1 and 22, special values, and pairs across paths", () => {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  assert.ok(wasm !== undefined, 'WebAssembly is available');
  const lib = libmFuncs(0, 0);
  assert.equal(lib.funcs[lib.sinhPair]!.name, 'sinhPair');
  // sp(p): the two doubles at byte address p replaced by sinhPair of them (sinhPair takes and gives a v128)
  const sp: Func = {
    name: 'sp',
    params: [I32],
    results: [],
    locals: [],
    body: v128Store(get(0), call(lib.sinhPair, v128Load(get(0)))),
  };
  const ex = new wasm.Instance(new wasm.Module(encodeModule([...lib.funcs, sp])), {}).exports;
  const f = new Float64Array((ex.mem as { buffer: ArrayBuffer }).buffer);
  writeLibmTable(f, 0);
  const run = ex.sp as (p: number) => void;
  const at = LIBM_TABLE_BYTES;
  const r = new Rng(37);
  const xs: number[] = [];
  for (let i = 0; i < 40_000; i++) xs.push(r.inRange(-30, 30));
  for (let i = 0; i < 20_000; i++) xs.push(r.inRange(-1.2, 1.2));
  for (const e of [1, 22]) for (let d = -2; d <= 2; d++) xs.push(nextUp(e, d), -nextUp(e, d));
  for (let i = 0; i < 5_000; i++) xs.push(fromWords(r.nextU32(), r.nextU32()));
  const specials = [0, -0, 5e-324, -5e-324, 23, -23, 711, -711, SINH_OVERFLOW, Infinity, -Infinity, NaN];
  const bad: string[] = [];
  let poly = 0;
  let twoSided = 0;
  const check = (a: number, b: number): void => {
    f[at / 8] = a;
    f[at / 8 + 1] = b;
    run(at);
    if ((!Object.is(f[at / 8], sinh(a)) || !Object.is(f[at / 8 + 1], sinh(b))) && bad.length < 10)
      bad.push(`sinhPair(${a}, ${b}) = ${f[at / 8]}, ${f[at / 8 + 1]}; sinh: ${sinh(a)}, ${sinh(b)}`);
    const [ua, ub] = [Math.abs(a), Math.abs(b)];
    if (ua < 1 && ub < 1) poly++;
    if (ua >= 1 && ua <= 22 && ub >= 1 && ub <= 22) twoSided++;
  };
  for (let i = 0; i < xs.length; i++) {
    check(xs[i]!, xs[(7 * i + 3) % xs.length]!);
    // the same argument in both lanes (both lanes on the same path), and its neighbour of the other sign
    check(xs[i]!, -xs[i]!);
  }
  for (const s of specials)
    for (const x of [0.5, -3, 21.5]) {
      check(s, x);
      check(x, s);
    }
  assert.deepEqual(bad, []);
  // the comparison covers both two-lane paths, not only the fallback
  assert.ok(
    poly > 10_000 && twoSided > 30_000,
    `pairs on the polynomial path ${poly}, on the two-sided path ${twoSided}`,
  );
});
