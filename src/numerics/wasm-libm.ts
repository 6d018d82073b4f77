/**
 * log and sinh as WebAssembly functions, bit for bit ./libm.ts's (the same IEEE 754 operations in the same
 * order: WebAssembly's f64 arithmetic is binary64 with round-to-nearest and no contraction, as JavaScript's),
 * for kernels that replace a JavaScript path that calls those (../electrochem/liquid/dfn-kernel.ts). The
 * algorithms, their error (≤ 1 ulp) and their special values are described in ./libm.ts; its tables
 * (LIBM_TABLE) are read from the module's memory at the byte address given to libmFuncs, where the kernel
 * copies them (writeLibmTable) before the first call. test/numerics/libm.test.ts checks these functions
 * against ./libm.ts's bit for bit and both against a 120-bit reference.
 */
import {
  F64,
  I32,
  add,
  and,
  call,
  f64,
  f64FromI32S,
  fAbs,
  fAdd,
  fDiv,
  fEq,
  fGt,
  fLe,
  fLt,
  fMul,
  fNeg,
  fSub,
  fromWords,
  geU,
  get,
  hiWord,
  i32,
  ifThen,
  ifElse,
  loWord,
  loadF64At,
  ltU,
  or,
  storeF64At,
  ret,
  retVoid,
  set,
  shl,
  shrS,
  sub,
  truncF64S,
  eqz,
  f64x2Abs,
  f64x2Add,
  f64x2Lane,
  f64x2Mul,
  f64x2Sub,
  v128Store,
  V128,
  f64x2Neg,
  lanes,
  pair,
  v128And,
  v128LoadAt,
  v128Xor,
  vconst,
  type Code,
  type Func,
} from './wasm-encoder.ts';
import {
  ATANH_COEF,
  EXPM1_COEF,
  EXP_N,
  EXP_OFF,
  INVLN2_N,
  LIBM_DOUBLES,
  LIBM_TABLE,
  LN2HI_N,
  LN2LO_N,
  LN2_HI,
  LN2_LO,
  LOG1P_COEF,
  LOG_N,
  LOG_STRIDE,
  LOG_Z0_HI,
  NEAR1_LO_HI,
  NEAR1_SPAN_HI,
  SHIFT,
  SINH_COEF,
  SINH_OVERFLOW,
  SINH_POLY_MAX,
  SINH_TWO_SIDED_MAX,
} from './libm.ts';

/** bytes of the tables in a module's memory */
export const LIBM_TABLE_BYTES = 8 * LIBM_DOUBLES;

/** copies the tables into memory (a Float64Array over it) at byte address addr (a multiple of 8) */
export function writeLibmTable(mem: Float64Array, addr: number): void {
  mem.set(LIBM_TABLE, addr / 8);
}

/** c0 + v·(c1 + v·(c2 + …)) of the given coefficients (Horner, as ./libm.ts writes it) */
function horner(v: Code, cs: readonly number[]): Code {
  let acc = f64(cs[cs.length - 1]!);
  for (let i = cs.length - 2; i >= 0; i--) acc = fAdd(f64(cs[i]!), fMul(v, acc));
  return acc;
}

/** 2^e of an i32 e in [−1022, 1023] (its bits) */
const pow2 = (e: Code): Code => fromWords(shl(add(e, i32(1023)), i32(20)), i32(0));
/** the byte address of 2^(j/128) (high and low doubles) in the tables at tab, j = n mod 128 (sinh, sinhPair) */
const expEntry = (tab: number, n: Code): Code => add(i32(tab + 8 * EXP_OFF), shl(and(n, i32(EXP_N - 1)), i32(4)));

/** log(x): ./libm.ts log (tables at byte address tab) */
function logFunc(tab: number): Func {
  const x = 0;
  const hx = 1;
  const k = 2;
  const tmp = 3;
  const t = 4;
  const r = 5;
  const kd = 6;
  const w = 7;
  const hi = 8;
  const lo = 9;
  const f = 10;
  const s = 11;
  const z = 12;
  const hfsq = 13;
  const g = get;
  const body: Code[] = [
    set(hx, hiWord(g(x))),
    set(k, i32(0)),
    ifThen(
      geU(sub(g(hx), i32(0x00100000)), i32(0x7fe00000)),
      ifThen(fEq(g(x), f64(0)), ret(f64(-Infinity))),
      ifThen(eqz(fGt(g(x), f64(0))), ret(f64(NaN))),
      ifThen(fEq(g(x), f64(Infinity)), ret(g(x))),
      set(x, fMul(g(x), f64(4503599627370496))),
      set(hx, hiWord(g(x))),
      set(k, i32(-52)),
    ),
    ifThen(
      ltU(sub(g(hx), i32(NEAR1_LO_HI)), i32(NEAR1_SPAN_HI)),
      set(f, fSub(g(x), f64(1))),
      set(s, fDiv(g(f), fAdd(f64(2), g(f)))),
      set(z, fMul(g(s), g(s))),
      set(hfsq, fMul(fMul(f64(0.5), g(f)), g(f))),
      ret(fSub(g(f), fSub(g(hfsq), fMul(g(s), fAdd(g(hfsq), fMul(g(z), horner(g(z), ATANH_COEF))))))),
    ),
    set(tmp, sub(g(hx), i32(LOG_Z0_HI))),
    set(t, add(i32(tab), shl(and(shrS(g(tmp), i32(13)), i32(LOG_N - 1)), i32(Math.log2(8 * LOG_STRIDE))))),
    set(k, add(g(k), shrS(g(tmp), i32(20)))),
    set(z, fromWords(add(i32(LOG_Z0_HI), and(g(tmp), i32(0xfffff))), loWord(g(x)))),
    set(r, fMul(fSub(g(z), loadF64At(g(t), 0)), loadF64At(g(t), 8))),
    set(kd, f64FromI32S(g(k))),
    set(w, fAdd(fMul(g(kd), f64(LN2_HI)), loadF64At(g(t), 16))),
    set(hi, fAdd(g(w), g(r))),
    set(lo, fAdd(fAdd(fSub(g(w), g(hi)), g(r)), fAdd(fMul(g(kd), f64(LN2_LO)), loadF64At(g(t), 24)))),
    fAdd(g(hi), fAdd(g(lo), fMul(fMul(g(r), g(r)), horner(g(r), LOG1P_COEF)))),
  ];
  return {
    name: 'log',
    params: [F64],
    results: [F64],
    locals: [I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64],
    body: body.flat(),
  };
}

/** sinh(x): ./libm.ts sinh (tables at byte address tab) */
function sinhFunc(tab: number): Func {
  const x = 0;
  const ax = 1;
  const x2 = 2;
  const kd = 3;
  const r = 4;
  const ki = 5;
  const ta = 6;
  const tb = 7;
  const pa = 8;
  const pb = 9;
  const sa = 10;
  const sb = 11;
  const a = 12;
  const b = 13;
  const s = 14;
  const bb = 15;
  const v = 16;
  const rn = 17;
  const g = get;
  /** e^r − 1 by its Taylor polynomial r·(1 + r·(1/2! + …)) */
  const expm1 = (rv: Code): Code => fMul(rv, fAdd(f64(1), fMul(rv, horner(rv, EXPM1_COEF))));
  const entry = (n: Code): Code => expEntry(tab, n);
  const body: Code[] = [
    set(ax, fAbs(g(x))),
    ifThen(
      fLt(g(ax), f64(SINH_POLY_MAX)),
      set(x2, fMul(g(x), g(x))),
      ret(fAdd(g(x), fMul(g(x), fMul(g(x2), horner(g(x2), SINH_COEF))))),
    ),
    ifThen(eqz(fLe(g(ax), f64(SINH_OVERFLOW))), ret(fMul(g(x), f64(1e307)))), // |x| beyond sinh's range: ±∞ (x·1e307 overflows), NaN stays NaN
    set(kd, fSub(fAdd(fMul(g(ax), f64(INVLN2_N)), f64(SHIFT)), f64(SHIFT))),
    set(r, fSub(fSub(g(ax), fMul(g(kd), f64(LN2HI_N))), fMul(g(kd), f64(LN2LO_N)))),
    set(ki, truncF64S(g(kd))),
    set(ta, entry(g(ki))),
    set(pa, expm1(g(r))),
    ifElse(
      fLe(g(ax), f64(SINH_TWO_SIDED_MAX)),
      [
        set(sa, pow2(sub(shrS(g(ki), i32(7)), i32(1)))),
        set(tb, entry(sub(i32(0), g(ki)))),
        set(sb, pow2(sub(shrS(sub(i32(0), g(ki)), i32(7)), i32(1)))),
        set(rn, fNeg(g(r))),
        set(pb, expm1(g(rn))),
        set(a, fMul(loadF64At(g(ta), 0), g(sa))),
        set(b, fMul(loadF64At(g(tb), 0), g(sb))),
        set(s, fSub(g(a), g(b))),
        set(bb, fSub(g(s), g(a))),
        set(
          v,
          fAdd(
            g(s),
            fAdd(
              fAdd(fSub(g(a), fSub(g(s), g(bb))), fSub(fNeg(g(b)), g(bb))),
              fSub(
                fMul(fAdd(fMul(loadF64At(g(ta), 0), g(pa)), loadF64At(g(ta), 8)), g(sa)),
                fMul(fAdd(fMul(loadF64At(g(tb), 0), g(pb)), loadF64At(g(tb), 8)), g(sb)),
              ),
            ),
          ),
        ),
      ],
      [
        set(sa, pow2(sub(shrS(g(ki), i32(7)), i32(2)))),
        set(
          v,
          fMul(
            fAdd(
              fMul(loadF64At(g(ta), 0), g(sa)),
              fMul(fAdd(fMul(loadF64At(g(ta), 0), g(pa)), loadF64At(g(ta), 8)), g(sa)),
            ),
            f64(2),
          ),
        ),
      ],
    ),
    ifThen(fLt(g(x), f64(0)), ret(fNeg(g(v)))),
    g(v),
  ];
  return {
    name: 'sinh',
    params: [F64],
    results: [F64],
    locals: [F64, F64, F64, F64, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64],
    body: body.flat(),
  };
}

/** horner() of two lanes: each lane the same additions and multiplications in the same order */
function horner2(v: Code, cs: readonly number[]): Code {
  let acc = vconst(cs[cs.length - 1]!);
  for (let i = cs.length - 2; i >= 0; i--) acc = f64x2Add(vconst(cs[i]!), f64x2Mul(v, acc));
  return acc;
}

/**
 * logPair(xa, xb, p): log(xa) and log(xb) stored at byte addresses p and p + 8, bit for bit log's (tables
 * at byte address tab; logFn: log's function index). Where both arguments take log's main path (normal,
 * positive, finite, outside the near-1 range [0.9375, 1.0625)), the integer work (high word, subinterval,
 * exponent, z) runs per argument as in log, and the floating-point work runs in the two lanes of f64x2
 * operations: each lane performs log's additions, subtractions and multiplications on its own values in
 * the same order (f64x2 arithmetic is IEEE 754 binary64 per lane, round to nearest, no contraction), so
 * each lane's result is log's double. Otherwise it calls log for each argument.
 */
function logPairFunc(tab: number, logFn: number): Func {
  const xa = 0;
  const xb = 1;
  const p = 2;
  const hxa = 3;
  const hxb = 4;
  const ta = 5;
  const tb = 6;
  const za = 7;
  const zb = 8;
  const kda = 9;
  const kdb = 10;
  const ta0 = 11;
  const tb0 = 12;
  const ta1 = 13;
  const tb1 = 14;
  const kd = 15;
  const r = 16;
  const w = 17;
  const hi = 18;
  const g = get;
  /** log's special or near-1 path for the high word hx */
  const offMain = (hx: number): Code =>
    or(geU(sub(g(hx), i32(0x00100000)), i32(0x7fe00000)), ltU(sub(g(hx), i32(NEAR1_LO_HI)), i32(NEAR1_SPAN_HI)));
  /** log's main-path integer work for one argument x (hx its high word, reused as tmp): table address, k as a double, z */
  const lane = (x: number, hx: number, t: number, z: number, kdl: number): Code[] => [
    set(hx, sub(g(hx), i32(LOG_Z0_HI))),
    set(t, add(i32(tab), shl(and(shrS(g(hx), i32(13)), i32(LOG_N - 1)), i32(Math.log2(8 * LOG_STRIDE))))),
    // k = 0 + (tmp >> 20) on the main path (no subnormal scaling), as a double (exact)
    set(kdl, f64FromI32S(add(i32(0), shrS(g(hx), i32(20))))),
    set(z, fromWords(add(i32(LOG_Z0_HI), and(g(hx), i32(0xfffff))), loWord(g(x)))),
  ];
  const body: Code[] = [
    set(hxa, hiWord(g(xa))),
    set(hxb, hiWord(g(xb))),
    ifThen(
      or(offMain(hxa), offMain(hxb)),
      storeF64At(g(p), 0, call(logFn, g(xa))),
      storeF64At(g(p), 8, call(logFn, g(xb))),
      retVoid,
    ),
    ...lane(xa, hxa, ta, za, kda),
    ...lane(xb, hxb, tb, zb, kdb),
    // per subinterval: c, 1/c, log c high, log c low (two v128 loads each), regrouped by lane
    set(ta0, v128LoadAt(g(ta), 0)),
    set(tb0, v128LoadAt(g(tb), 0)),
    set(ta1, v128LoadAt(g(ta), 16)),
    set(tb1, v128LoadAt(g(tb), 16)),
    set(kd, pair(g(kda), g(kdb))),
    // r = (z − c)·(1/c)
    set(r, f64x2Mul(f64x2Sub(pair(g(za), g(zb)), lanes(g(ta0), g(tb0), false)), lanes(g(ta0), g(tb0), true))),
    set(w, f64x2Add(f64x2Mul(g(kd), vconst(LN2_HI)), lanes(g(ta1), g(tb1), false))),
    set(hi, f64x2Add(g(w), g(r))),
    v128Store(
      g(p),
      f64x2Add(
        g(hi),
        f64x2Add(
          // lo = w − hi + r + (k·ln2_lo + log c low)
          f64x2Add(
            f64x2Add(f64x2Sub(g(w), g(hi)), g(r)),
            f64x2Add(f64x2Mul(g(kd), vconst(LN2_LO)), lanes(g(ta1), g(tb1), true)),
          ),
          f64x2Mul(f64x2Mul(g(r), g(r)), horner2(g(r), LOG1P_COEF)),
        ),
      ),
    ),
  ];
  return {
    name: 'logPair',
    params: [F64, F64, I32],
    results: [],
    locals: [I32, I32, I32, I32, F64, F64, F64, F64, V128, V128, V128, V128, V128, V128, V128, V128],
    body: body.flat(),
  };
}

/**
 * sinhPair(v): sinh of each lane of v (f64x2), bit for bit sinh's (tables at byte address tab; sinhFn:
 * sinh's function index). Where both lanes take the same one of sinh's two common paths, |x| < 1 (the
 * polynomial) or 1 ≤ |x| ≤ 22 (the two-sided exponential), its floating-point work runs in the two lanes
 * of f64x2 operations, each lane sinh's additions, subtractions, multiplications and negations on its own
 * values in sinh's order (binary64 per lane, round to nearest, no contraction); the integer work (the
 * reduction's integer, the table entries, the powers of two) runs per lane as in sinh, and the final
 * sign as an exclusive or of x's sign bit (f64.neg flips that bit alone). Otherwise it calls sinh for each lane.
 */
function sinhPairFunc(tab: number, sinhFn: number): Func {
  const v = 0;
  const ax = 1;
  const axa = 2;
  const axb = 3;
  const kd = 4;
  const r = 5;
  const ka = 6;
  const kb = 7;
  const taa = 8;
  const tab_ = 9;
  const tba = 10;
  const tbb = 11;
  const TA = 12;
  const TB = 13;
  const TA2 = 14;
  const TB2 = 15;
  const sa = 16;
  const sb = 17;
  const pa = 18;
  const pb = 19;
  const a = 20;
  const b = 21;
  const sv = 22;
  const bb = 23;
  const x2 = 24;
  const g = get;
  const expm1 = (rv: Code): Code => f64x2Mul(rv, f64x2Add(vconst(1), f64x2Mul(rv, horner2(rv, EXPM1_COEF))));
  const entry = (n: Code): Code => expEntry(tab, n);
  const scalar: Code[] = [ret(pair(call(sinhFn, f64x2Lane(g(v), 0)), call(sinhFn, f64x2Lane(g(v), 1))))];
  const body: Code[] = [
    set(ax, f64x2Abs(g(v))),
    set(axa, f64x2Lane(g(ax), 0)),
    set(axb, f64x2Lane(g(ax), 1)),
    ifThen(
      and(fLt(g(axa), f64(SINH_POLY_MAX)), fLt(g(axb), f64(SINH_POLY_MAX))),
      set(x2, f64x2Mul(g(v), g(v))),
      ret(f64x2Add(g(v), f64x2Mul(g(v), f64x2Mul(g(x2), horner2(g(x2), SINH_COEF))))),
    ),
    // both on the two-sided path, else sinh per lane
    ifThen(
      eqz(
        and(
          and(eqz(fLt(g(axa), f64(SINH_POLY_MAX))), fLe(g(axa), f64(SINH_TWO_SIDED_MAX))),
          and(eqz(fLt(g(axb), f64(SINH_POLY_MAX))), fLe(g(axb), f64(SINH_TWO_SIDED_MAX))),
        ),
      ),
      ...scalar,
    ),
    set(kd, f64x2Sub(f64x2Add(f64x2Mul(g(ax), vconst(INVLN2_N)), vconst(SHIFT)), vconst(SHIFT))),
    set(r, f64x2Sub(f64x2Sub(g(ax), f64x2Mul(g(kd), vconst(LN2HI_N))), f64x2Mul(g(kd), vconst(LN2LO_N)))),
    set(ka, truncF64S(f64x2Lane(g(kd), 0))),
    set(kb, truncF64S(f64x2Lane(g(kd), 1))),
    set(taa, entry(g(ka))),
    set(tab_, entry(g(kb))),
    set(tba, entry(sub(i32(0), g(ka)))),
    set(tbb, entry(sub(i32(0), g(kb)))),
    set(sa, pair(pow2(sub(shrS(g(ka), i32(7)), i32(1))), pow2(sub(shrS(g(kb), i32(7)), i32(1))))),
    set(
      sb,
      pair(pow2(sub(shrS(sub(i32(0), g(ka)), i32(7)), i32(1))), pow2(sub(shrS(sub(i32(0), g(kb)), i32(7)), i32(1)))),
    ),
    // 2^(j/128) high and low of each lane's two entries, regrouped by lane
    set(TA, v128LoadAt(g(taa), 0)),
    set(TA2, v128LoadAt(g(tab_), 0)),
    set(TB, v128LoadAt(g(tba), 0)),
    set(TB2, v128LoadAt(g(tbb), 0)),
    set(pa, expm1(g(r))),
    set(pb, expm1(f64x2Neg(g(r)))),
    set(a, f64x2Mul(lanes(g(TA), g(TA2), false), g(sa))),
    set(b, f64x2Mul(lanes(g(TB), g(TB2), false), g(sb))),
    set(sv, f64x2Sub(g(a), g(b))),
    set(bb, f64x2Sub(g(sv), g(a))),
    v128Xor(
      f64x2Add(
        g(sv),
        f64x2Add(
          f64x2Add(f64x2Sub(g(a), f64x2Sub(g(sv), g(bb))), f64x2Sub(f64x2Neg(g(b)), g(bb))),
          f64x2Sub(
            f64x2Mul(f64x2Add(f64x2Mul(lanes(g(TA), g(TA2), false), g(pa)), lanes(g(TA), g(TA2), true)), g(sa)),
            f64x2Mul(f64x2Add(f64x2Mul(lanes(g(TB), g(TB2), false), g(pb)), lanes(g(TB), g(TB2), true)), g(sb)),
          ),
        ),
      ),
      v128And(g(v), vconst(-0)),
    ),
  ];
  return {
    name: 'sinhPair',
    params: [V128],
    results: [V128],
    locals: [
      V128,
      F64,
      F64,
      V128,
      V128,
      I32,
      I32,
      I32,
      I32,
      I32,
      I32,
      V128,
      V128,
      V128,
      V128,
      V128,
      V128,
      V128,
      V128,
      V128,
      V128,
      V128,
      V128,
      V128,
    ],
    body: body.flat(),
  };
}

/**
 * The functions to put at indices base … base + 3 of a module whose memory holds the tables at
 * byte address tab (writeLibmTable): their Funcs (log, sinh, logPair, sinhPair) and their indices for call(); the
 * module exports them under those names.
 */
export function libmFuncs(
  base: number,
  tab: number,
): { funcs: Func[]; log: number; sinh: number; logPair: number; sinhPair: number } {
  return {
    funcs: [logFunc(tab), sinhFunc(tab), logPairFunc(tab, base), sinhPairFunc(tab, base + 1)],
    log: base,
    sinh: base + 1,
    logPair: base + 2,
    sinhPair: base + 3,
  };
}
