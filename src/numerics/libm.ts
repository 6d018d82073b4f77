/**
 * log and sinh within 1 ulp, faster than the engine's Math.log and Math.sinh (V8's fdlibm ports: a
 * division each, sinh through expm1), for the DFN residual's 50 logarithms and 40 sinh a call. The same
 * IEEE 754 operations in the same order run as WebAssembly in ./wasm-libm.ts (the DFN kernel's), so a
 * kernel and its JavaScript path give the same doubles; test/numerics/libm.test.ts checks that bit for bit
 * and the error of both against a 120-bit reference (≤ 1 ulp over every range below).
 *
 * log(x), x = 2^k·z with z in [0.6875, 1.375) split into 128 subintervals by the top bits of its
 * significand: log x = k·ln2 + log c + log1p(r), r = (z − c)/c with c the subinterval's centre, log1p(r)
 * a degree-7 Taylor polynomial (|r| ≤ 2⁻⁸); the algorithm of ARM optimized-routines math/log.c
 * (Szabolcs Nagy, 2018; the one in glibc ≥ 2.28 and musl), without fused multiply-add: c is a short
 * double, so z − c is exact (Sterbenz) and r carries two roundings; log c is kept as a high part on a
 * 2⁻⁴³ grid (k·ln2_hi + that high part is exact, ARM's condition) and a low part. Near 1 (x in
 * [0.9375, 1.0625), where log c and r would cancel), fdlibm's log1p form with s = f/(2 + f) and the
 * atanh series' coefficients 2/(2i+1). Declared behaviour, Math.log's: log(±0) = −∞, log(x < 0) = NaN,
 * log(NaN) = NaN, log(∞) = ∞, subnormals scaled by 2⁵² first.
 *
 * sinh(x): |x| < 1: x + x·x²·P(x²) with P's coefficients 1/(2i+1)! (Taylor to x¹⁹, truncation
 * < 2⁻⁶¹ relative). 1 ≤ |x| ≤ 22: (e^|x| − e^−|x|)/2 from one reduction |x| = (128m + j)·ln2/128 + r,
 * e^±|x| = 2^(±m…)·2^(j/128)·(1 + expm1(±r)), expm1 by Taylor to r⁵ (|r| ≤ ln2/256), 2^(j/128) a
 * double-double table; the two halves are subtracted with an error-free sum (Knuth's TwoSum), so the
 * result has one rounding beyond ≈ 2⁻⁶⁰ relative. 22 < |x| ≤ 710.4758600739439: e^|x|/2 alone (e^−2|x|
 * < 2⁻⁶³), scaled by 2^(m−2) and doubled so it overflows only where sinh does; beyond, ±∞; NaN → NaN;
 * sinh(±0) = ±0.
 *
 * The tables (1/c, c, log c; 2^(j/128)) are computed when this module loads, from their rules, in 120-bit
 * fixed point (BigInt): log c = 2·atanh((c − 1)/(c + 1)), ln 2 = 2·atanh(1/3), 2^(j/128) = exp(j·ln2/128)
 * by their series. ln2_hi / ln2_lo are fdlibm's split of ln 2 (e_log.c: ln2_hi 0x3FE62E42FEE00000, 32
 * significant bits so k·ln2_hi is exact for |k| < 2²¹; ln2_lo 0x3DEA39EF35793C76).
 */

/** fdlibm's ln 2 = LN2_HI + LN2_LO (e_log.c) */
export const LN2_HI = 6.9314718036912381649e-1;
export const LN2_LO = 1.90821492927058770002e-10;

/** the log table: per subinterval i, LOG_STRIDE doubles: c, 1/c, log c high (on 2⁻⁴³), log c low */
export const LOG_N = 128;
export const LOG_STRIDE = 4;
/** the exp table: per j, 2^(j/128) as a high and a low double */
export const EXP_N = 128;
export const EXP_OFF = LOG_N * LOG_STRIDE;
/** all tables in one array (JavaScript reads it; ./wasm-libm.ts copies it into a kernel's memory) */
export const LIBM_DOUBLES = EXP_OFF + 2 * EXP_N;

/** the high word of z's subinterval 0 (z = 0.6875) and of 1 ± 1/16, the near-1 range */
export const LOG_Z0_HI = 0x3fe60000;
export const NEAR1_LO_HI = 0x3fee0000;
export const NEAR1_SPAN_HI = 0x3ff10000 - 0x3fee0000;

/** sinh: the polynomial below |x| < SINH_POLY_MAX, e^|x|/2 alone above SINH_TWO_SIDED_MAX, ±∞ above SINH_OVERFLOW */
export const SINH_POLY_MAX = 1;
export const SINH_TWO_SIDED_MAX = 22;
/** V8 ieee754.cc's (and fdlibm e_sinh.c's) overflow threshold of sinh */
export const SINH_OVERFLOW = 710.4758600739439;
/** 1.5·2⁵²: (v + SHIFT) − SHIFT rounds v (|v| < 2⁵¹) to an integer */
export const SHIFT = 6755399441055744;
/** 128/ln 2 and ln2/128 in fdlibm's two parts (exact scalings of LN2_HI, LN2_LO) */
export const INVLN2_N = EXP_N / Math.LN2;
export const LN2HI_N = LN2_HI / EXP_N;
export const LN2LO_N = LN2_LO / EXP_N;

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
/** sinh's Taylor coefficients 1/3!, 1/5!, … 1/19! (n! is exact in a double to 22!, so each is one rounding) */
export const SINH_COEF: readonly number[] = Array.from({ length: 9 }, (_, i) => 1 / factorial(2 * i + 3));
/** expm1's Taylor coefficients 1/2!, … 1/5! */
export const EXPM1_COEF: readonly number[] = [2, 3, 4, 5].map((n) => 1 / factorial(n));
/** log1p(r)'s Taylor coefficients (−1)^(n+1)/n, n = 2 … 7 */
export const LOG1P_COEF: readonly number[] = [2, 3, 4, 5, 6, 7].map((n) => (n % 2 === 0 ? -1 : 1) / n);
/** the atanh series' coefficients 2/3, 2/5, … 2/13 (log1p near 1: 2s + s·R, R = Σ 2s^(2i)/(2i+1)) */
export const ATANH_COEF: readonly number[] = [3, 5, 7, 9, 11, 13].map((n) => 2 / n);

// 120-bit fixed point for the tables
const FB = 120n;
const FONE = 1n << FB;
const TWO_FB = 2 ** 120;
/** atanh(num/den) · 2^120, |num/den| ≤ 1/3, den > 0 (odd: the series of |num|/den, its sign after) */
function atanhFixed(num: bigint, den: bigint): bigint {
  if (num < 0n) return -atanhFixed(-num, den);
  const s = (num << FB) / den;
  const s2 = (s * s) >> FB;
  let term = s;
  let sum = 0n;
  for (let n = 1n; term !== 0n; n += 2n) {
    sum += term / n;
    term = (term * s2) >> FB;
  }
  return sum;
}
/** exp(y)·2^120 of y·2^120, 0 ≤ y < 1 */
function expFixed(y: bigint): bigint {
  let term = FONE;
  let sum = FONE;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * y) / (n << FB);
    sum += term;
  }
  return sum;
}
const fixedToDouble = (v: bigint): number => Number(v) / TWO_FB;
/** v·2^-120 as hi + lo (hi the nearest double, lo the nearest to the rest) */
function fixedSplit(v: bigint): [number, number] {
  const nv = Number(v);
  return [nv / TWO_FB, fixedToDouble(v - BigInt(nv))];
}
const words = new Float64Array(1);
const word32 = new Int32Array(words.buffer);
/** the double of high word hi and low word 0 (little-endian, as every engine this runs on: checked below) */
function fromHigh(hi: number): number {
  word32[0] = 0;
  word32[1] = hi;
  return words[0]!;
}
/** x = M·2^E as the fraction M / 2^−E (x > 0, E < 0 for the c here) */
function ratio(x: number): [bigint, bigint] {
  let e = 0;
  while (!Number.isInteger(x)) {
    x *= 2;
    e++;
  }
  return [BigInt(x), 1n << BigInt(e)];
}

function buildTables(): Float64Array {
  if (fromHigh(0x3ff00000) !== 1)
    throw new Error('libm: this engine stores doubles big-endian; the tables assume little-endian');
  const t = new Float64Array(LIBM_DOUBLES);
  for (let i = 0; i < LOG_N; i++) {
    // the subinterval's ends from their bits, its centre (exact: a few significant bits)
    const lo = fromHigh(LOG_Z0_HI + (i << 13));
    const hi = fromHigh(LOG_Z0_HI + ((i + 1) << 13));
    const c = 0.5 * (lo + hi);
    const [num, den] = ratio(c);
    const logc = 2n * atanhFixed(num - den, num + den);
    // high part on the 2^-43 grid (2^77 units of 2^-120), rounded to nearest
    const q = (logc + (1n << 76n)) >> 77n;
    const at = i * LOG_STRIDE;
    t[at] = c;
    t[at + 1] = 1 / c;
    t[at + 2] = Number(q) / 2 ** 43;
    t[at + 3] = fixedToDouble(logc - (q << 77n));
  }
  const ln2 = 2n * atanhFixed(1n, 3n);
  for (let j = 0; j < EXP_N; j++) {
    const [h, l] = fixedSplit(expFixed((ln2 * BigInt(j)) / BigInt(EXP_N)));
    t[EXP_OFF + 2 * j] = h;
    t[EXP_OFF + 2 * j + 1] = l;
  }
  return t;
}

/** the tables (computed once, when this module loads; read-only by contract) */
export const LIBM_TABLE: Float64Array = buildTables();

const T = LIBM_TABLE;
const [A2, A3, A4, A5, A6, A7] = LOG1P_COEF as [number, number, number, number, number, number];
const [B3, B5, B7, B9, B11, B13] = ATANH_COEF as [number, number, number, number, number, number];
const [S3, S5, S7, S9, S11, S13, S15, S17, S19] = SINH_COEF as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];
const [E2, E3, E4, E5] = EXPM1_COEF as [number, number, number, number];
const TWO52 = 4503599627370496;
/** 2^e for e in [−1074, 1023] at POW2[e + 1074] (exact scalings) */
const POW2 = ((): Float64Array => {
  const p = new Float64Array(2098);
  p[1074] = 1;
  for (let e = 1; e <= 1023; e++) p[1074 + e] = 2 * p[1073 + e]!;
  for (let e = 1; e <= 1074; e++) p[1074 - e] = 0.5 * p[1075 - e]!;
  return p;
})();

/** log(x) within 1 ulp (see the file's comment; ./wasm-libm.ts's log bit for bit) */
export function log(x: number): number {
  words[0] = x;
  let hx = word32[1]!;
  let k = 0;
  // (unsigned) below the smallest normal or at/after ∞: zero, negative, subnormal, ∞, NaN
  if ((hx - 0x00100000) >>> 0 >= 0x7fe00000) {
    if (x === 0) return -Infinity;
    if (!(x > 0)) return NaN;
    if (x === Infinity) return x;
    x *= TWO52;
    words[0] = x;
    hx = word32[1]!;
    k = -52;
  }
  if ((hx - NEAR1_LO_HI) >>> 0 < NEAR1_SPAN_HI) {
    // x in [0.9375, 1.0625): log1p(f) = f − (f²/2 − s(f²/2 + R)), s = f/(2 + f)
    const f = x - 1;
    const s = f / (2 + f);
    const z = s * s;
    const R = z * (B3 + z * (B5 + z * (B7 + z * (B9 + z * (B11 + z * B13)))));
    const hfsq = 0.5 * f * f;
    return f - (hfsq - s * (hfsq + R));
  }
  const tmp = hx - LOG_Z0_HI;
  const at = ((tmp >> 13) & (LOG_N - 1)) * LOG_STRIDE;
  const e = tmp >> 20;
  k += e;
  // z = x·2^−e (exact: ./wasm-libm.ts writes e out of x's exponent field instead, the same double)
  const z = x * POW2[1074 - e]!;
  const r = (z - T[at]!) * T[at + 1]!;
  const kd = k;
  const w = kd * LN2_HI + T[at + 2]!;
  const hi = w + r;
  const lo = w - hi + r + (kd * LN2_LO + T[at + 3]!);
  const r2 = r * r;
  return hi + (lo + r2 * (A2 + r * (A3 + r * (A4 + r * (A5 + r * (A6 + r * A7))))));
}

/** sinh(x) within 1 ulp (see the file's comment; ./wasm-libm.ts's sinh bit for bit) */
export function sinh(x: number): number {
  const ax = Math.abs(x);
  if (ax < SINH_POLY_MAX) {
    const x2 = x * x;
    return (
      x +
      x * (x2 * (S3 + x2 * (S5 + x2 * (S7 + x2 * (S9 + x2 * (S11 + x2 * (S13 + x2 * (S15 + x2 * (S17 + x2 * S19)))))))))
    );
  }
  if (!(ax <= SINH_OVERFLOW)) return x * 1e307; // ±∞, NaN
  const kd = ax * INVLN2_N + SHIFT - SHIFT;
  const r = ax - kd * LN2HI_N - kd * LN2LO_N;
  const ki = kd | 0;
  const ta = EXP_OFF + 2 * (ki & (EXP_N - 1));
  const pa = r * (1 + r * (E2 + r * (E3 + r * (E4 + r * E5))));
  let v: number;
  if (ax <= SINH_TWO_SIDED_MAX) {
    const sa = POW2[1074 + (ki >> 7) - 1]!;
    const kn = -ki;
    const tb = EXP_OFF + 2 * (kn & (EXP_N - 1));
    const sb = POW2[1074 + (kn >> 7) - 1]!;
    const rn = -r;
    const pb = rn * (1 + rn * (E2 + rn * (E3 + rn * (E4 + rn * E5))));
    const a = T[ta]! * sa;
    const b = T[tb]! * sb;
    // a − b = s + e exactly (TwoSum)
    const s = a - b;
    const bb = s - a;
    const e = a - (s - bb) + (-b - bb);
    v = s + (e + ((T[ta]! * pa + T[ta + 1]!) * sa - (T[tb]! * pb + T[tb + 1]!) * sb));
  } else {
    const sa = POW2[1074 + (ki >> 7) - 2]!;
    v = (T[ta]! * sa + (T[ta]! * pa + T[ta + 1]!) * sa) * 2;
  }
  return x < 0 ? -v : v;
}
