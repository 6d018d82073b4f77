/**
 * log and sinh as WebAssembly functions that return the same doubles as the engine's Math.log and
 * Math.sinh, for kernels that replace a JavaScript path bit for bit (../electrochem/liquid/dfn-kernel.ts).
 *
 * V8 computes Math.log and Math.sinh with its ports of fdlibm (V8 src/base/ieee754.cc: log = fdlibm
 * e_log.c; sinh through expm1 = s_expm1.c and exp = e_exp.c), compiled without fused multiply-add.
 * WebAssembly's f64 arithmetic is IEEE 754 binary64 with round-to-nearest and no contraction, so the
 * same operations in the same order, on the same high/low 32-bit words of the doubles (read and written
 * through i64 reinterpretation), give the same results. The coefficients are fdlibm's (their hexadecimal
 * bits in the comments, as there); test/numerics/wasm-libm.test.ts checks the results against Math.log
 * and Math.sinh bit for bit, so an engine that computed them otherwise would fail there, not silently.
 *
 * log covers every double (0 → −∞, negative → NaN, subnormals scaled by 2⁵⁴, ±∞/NaN as fdlibm);
 * sinh every double too (|x| < 2⁻²⁸ → x, < 22 through expm1, < 709.78 through exp, up to the overflow
 * threshold through exp(x/2)², beyond ±∞, NaN → NaN); expm1 and exp are ported only on the arguments
 * sinh gives them (expm1 on [2⁻²⁸, 22), exp on [22, 709.79)) and are not exported for other use.
 */
import {
  F64,
  I32,
  add,
  and,
  call,
  eqI32,
  f64,
  f64FromI32S,
  fAbs,
  fAdd,
  fDiv,
  fEq,
  fLe,
  fLt,
  fMul,
  fSub,
  fromWords,
  get,
  gtS,
  hiWord,
  i32,
  ifThen,
  ifElse,
  loWord,
  ltS,
  or,
  ret,
  set,
  shl,
  shrS,
  sub,
  truncF64S,
  xor,
  eqz,
  geS,
  type Code,
  type Func,
} from './wasm-encoder.ts';

const LN2_HI = 6.9314718036912381649e-1; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const TWO54 = 1.8014398509481984e16; // 0x43500000 00000000
// log: Remez coefficients of (log(1+s) − log(1−s) − 2s)/s on [0, 0.1716] (e_log.c)
const LG1 = 6.66666666666673513e-1; // 0x3FE55555 55555593
const LG2 = 3.999999999940941908e-1; // 0x3FD99999 9997FA04
const LG3 = 2.857142874366239149e-1; // 0x3FD24924 94229359
const LG4 = 2.222219843214978396e-1; // 0x3FCC71C5 1D8E78AF
const LG5 = 1.818357216161805012e-1; // 0x3FC74664 96CB03DE
const LG6 = 1.531383769920937332e-1; // 0x3FC39A09 D078C69F
const LG7 = 1.479819860511658591e-1; // 0x3FC2F112 DF3E5244
const INVLN2 = 1.442695040888963387; // 0x3FF71547 652B82FE
// expm1: its scaled rational approximation's coefficients (s_expm1.c)
const Q1 = -3.33333333333331316428e-2; // BFA11111 111110F4
const Q2 = 1.58730158725481460165e-3; // 3F5A01A0 19FE5585
const Q3 = -7.93650757867487942473e-5; // BF14CE19 9EAADBB7
const Q4 = 4.00821782732936239552e-6; // 3ED0CFCA 86E65239
const Q5 = -2.01099218183624371326e-7; // BE8AFDB7 6E09C32D
// exp: Remez coefficients of r(e^r + 1)/(e^r − 1) on [0, 0.34658] (e_exp.c)
const P1 = 1.66666666666666019037e-1; // 0x3FC55555 5555553E
const P2 = -2.77777777770155933842e-3; // 0xBF66C16C 16BEBD93
const P3 = 6.61375632143793436117e-5; // 0x3F11566A AF25DE2C
const P4 = -1.6533902205465251539e-6; // 0xBEBBBD41 C5D26BF1
const P5 = 4.13813679705723846039e-8; // 0x3E663769 72BEA4D0
const TWO1023 = 8.988465674311579539e307; // 2^1023
// sinh's range limits (V8 ieee754.cc sinh)
const TWO_M28 = 3.725290298461914e-9; // 2^-28
const LOG_MAXD = 709.7822265625; // 0x40862E42 00000000
const KSINH_OVERFLOW = 710.4758600739439;
const SHUGE = 1.0e307;

/** log(x): fdlibm e_log.c (V8 ieee754::log) */
function logFunc(): Func {
  // params: x; locals
  const x = 0;
  const hx = 1;
  const k = 2;
  const i = 3;
  const j = 4;
  const f = 5;
  const s = 6;
  const z = 7;
  const w = 8;
  const R = 9;
  const hfsq = 10;
  const dk = 11;
  const g = get;
  const body: Code[] = [
    set(hx, hiWord(g(x))),
    set(k, i32(0)),
    ifThen(
      ltS(g(hx), i32(0x00100000)),
      // ±0 → −∞; negative → NaN; a subnormal scaled into the normal range
      ifThen(eqz(or(and(g(hx), i32(0x7fffffff)), loWord(g(x)))), ret(f64(-Infinity))),
      ifThen(ltS(g(hx), i32(0)), ret(f64(NaN))),
      set(k, i32(-54)),
      set(x, fMul(g(x), f64(TWO54))),
      set(hx, hiWord(g(x))),
    ),
    ifThen(geS(g(hx), i32(0x7ff00000)), ret(fAdd(g(x), g(x)))),
    set(k, add(g(k), sub(shrS(g(hx), i32(20)), i32(1023)))),
    set(hx, and(g(hx), i32(0x000fffff))),
    set(i, and(add(g(hx), i32(0x95f64)), i32(0x100000))),
    // x or x/2 normalised into [√2/2, √2)
    set(x, fromWords(or(g(hx), xor(g(i), i32(0x3ff00000))), loWord(g(x)))),
    set(k, add(g(k), shrS(g(i), i32(20)))),
    set(f, fSub(g(x), f64(1))),
    ifThen(
      ltS(and(i32(0x000fffff), add(i32(2), g(hx))), i32(3)),
      // |f| < 2^-20
      ifThen(
        fEq(g(f), f64(0)),
        ifThen(eqz(g(k)), ret(f64(0))),
        set(dk, f64FromI32S(g(k))),
        ret(fAdd(fMul(g(dk), f64(LN2_HI)), fMul(g(dk), f64(LN2_LO)))),
      ),
      // fdlibm writes 1/3 as 0.33333333333333333, the same double
      set(R, fMul(fMul(g(f), g(f)), fSub(f64(0.5), fMul(f64(0.3333333333333333), g(f))))),
      ifThen(eqz(g(k)), ret(fSub(g(f), g(R)))),
      set(dk, f64FromI32S(g(k))),
      ret(fSub(fMul(g(dk), f64(LN2_HI)), fSub(fSub(g(R), fMul(g(dk), f64(LN2_LO))), g(f)))),
    ),
    set(s, fDiv(g(f), fAdd(f64(2), g(f)))),
    set(dk, f64FromI32S(g(k))),
    set(z, fMul(g(s), g(s))),
    set(i, sub(g(hx), i32(0x6147a))),
    set(w, fMul(g(z), g(z))),
    set(j, sub(i32(0x6b851), g(hx))),
    // R = t2 + t1
    set(
      R,
      fAdd(
        fMul(g(z), fAdd(f64(LG1), fMul(g(w), fAdd(f64(LG3), fMul(g(w), fAdd(f64(LG5), fMul(g(w), f64(LG7)))))))),
        fMul(g(w), fAdd(f64(LG2), fMul(g(w), fAdd(f64(LG4), fMul(g(w), f64(LG6)))))),
      ),
    ),
    set(i, or(g(i), g(j))),
    ifElse(
      gtS(g(i), i32(0)),
      [
        set(hfsq, fMul(fMul(f64(0.5), g(f)), g(f))),
        ifThen(eqz(g(k)), ret(fSub(g(f), fSub(g(hfsq), fMul(g(s), fAdd(g(hfsq), g(R))))))),
        ret(
          fSub(
            fMul(g(dk), f64(LN2_HI)),
            fSub(fSub(g(hfsq), fAdd(fMul(g(s), fAdd(g(hfsq), g(R))), fMul(g(dk), f64(LN2_LO)))), g(f)),
          ),
        ),
      ],
      [
        ifThen(eqz(g(k)), ret(fSub(g(f), fMul(g(s), fSub(g(f), g(R)))))),
        ret(fSub(fMul(g(dk), f64(LN2_HI)), fSub(fSub(fMul(g(s), fSub(g(f), g(R))), fMul(g(dk), f64(LN2_LO))), g(f)))),
      ],
    ),
    f64(0), // not reached (both branches return); the function's value for the validator
  ];
  return {
    name: 'log',
    params: [F64],
    results: [F64],
    locals: [I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64],
    body: body.flat(),
  };
}

/** expm1(x) for x in [2^-28, 22) (the arguments sinh gives it): fdlibm s_expm1.c's branches for those */
function expm1Func(): Func {
  const x = 0;
  const hx = 1;
  const k = 2;
  const hi = 3;
  const lo = 4;
  const c = 5;
  const t = 6;
  const hfx = 7;
  const hxs = 8;
  const r1 = 9;
  const e = 10;
  const y = 11;
  const twopk = 12;
  const g = get;
  const body: Code[] = [
    set(hx, and(hiWord(g(x)), i32(0x7fffffff))),
    set(c, f64(0)),
    ifElse(
      gtS(g(hx), i32(0x3fd62e42)),
      // |x| > ln2/2: x = k ln2 + r, r = hi − lo, c the rounding error of r
      [
        ifElse(
          ltS(g(hx), i32(0x3ff0a2b2)),
          [set(hi, fSub(g(x), f64(LN2_HI))), set(lo, f64(LN2_LO)), set(k, i32(1))],
          [
            set(k, truncF64S(fAdd(fMul(f64(INVLN2), g(x)), f64(0.5)))),
            set(t, f64FromI32S(g(k))),
            set(hi, fSub(g(x), fMul(g(t), f64(LN2_HI)))),
            set(lo, fMul(g(t), f64(LN2_LO))),
          ],
        ),
        set(x, fSub(g(hi), g(lo))),
        set(c, fSub(fSub(g(hi), g(x)), g(lo))),
      ],
      [set(k, i32(0))],
    ),
    set(hfx, fMul(f64(0.5), g(x))),
    set(hxs, fMul(g(x), g(hfx))),
    set(
      r1,
      fAdd(
        f64(1),
        fMul(
          g(hxs),
          fAdd(
            f64(Q1),
            fMul(
              g(hxs),
              fAdd(f64(Q2), fMul(g(hxs), fAdd(f64(Q3), fMul(g(hxs), fAdd(f64(Q4), fMul(g(hxs), f64(Q5))))))),
            ),
          ),
        ),
      ),
    ),
    set(t, fSub(f64(3), fMul(g(r1), g(hfx)))),
    set(e, fMul(g(hxs), fDiv(fSub(g(r1), g(t)), fSub(f64(6), fMul(g(x), g(t)))))),
    ifThen(eqz(g(k)), ret(fSub(g(x), fSub(fMul(g(x), g(e)), g(hxs))))),
    set(twopk, fromWords(add(i32(0x3ff00000), shl(g(k), i32(20))), i32(0))),
    set(e, fSub(fMul(g(x), fSub(g(e), g(c))), g(c))),
    set(e, fSub(g(e), g(hxs))),
    ifThen(
      eqI32(g(k), i32(1)),
      ifThen(fLt(g(x), f64(-0.25)), ret(fMul(f64(-2), fSub(g(e), fAdd(g(x), f64(0.5)))))),
      ret(fAdd(f64(1), fMul(f64(2), fSub(g(x), g(e))))),
    ),
    // 2 ≤ k ≤ 32 here
    ifElse(
      ltS(g(k), i32(20)),
      [
        set(t, fromWords(sub(i32(0x3ff00000), shrS(i32(0x200000), g(k))), i32(0))), // 1 − 2^-k
        set(y, fSub(g(t), fSub(g(e), g(x)))),
        set(y, fMul(g(y), g(twopk))),
      ],
      [
        set(t, fromWords(shl(sub(i32(0x3ff), g(k)), i32(20)), i32(0))), // 2^-k
        set(y, fSub(g(x), fAdd(g(e), g(t)))),
        set(y, fAdd(g(y), f64(1))),
        set(y, fMul(g(y), g(twopk))),
      ],
    ),
    get(y),
  ];
  return {
    name: 'expm1',
    params: [F64],
    results: [F64],
    locals: [I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64],
    body: body.flat(),
  };
}

/** exp(x) for x in [22, 709.79) (the arguments sinh gives it): fdlibm e_exp.c's branch for those */
function expFunc(): Func {
  const x = 0;
  const k = 1;
  const t = 2;
  const hi = 3;
  const lo = 4;
  const c = 5;
  const y = 6;
  const g = get;
  const body: Code[] = [
    // |x| ≥ 1.5 ln2: x = k ln2 + (hi − lo)
    set(k, truncF64S(fAdd(fMul(f64(INVLN2), g(x)), f64(0.5)))),
    set(t, f64FromI32S(g(k))),
    set(hi, fSub(g(x), fMul(g(t), f64(LN2_HI)))),
    set(lo, fMul(g(t), f64(LN2_LO))),
    set(x, fSub(g(hi), g(lo))),
    set(t, fMul(g(x), g(x))),
    set(
      c,
      fSub(
        g(x),
        fMul(
          g(t),
          fAdd(
            f64(P1),
            fMul(g(t), fAdd(f64(P2), fMul(g(t), fAdd(f64(P3), fMul(g(t), fAdd(f64(P4), fMul(g(t), f64(P5)))))))),
          ),
        ),
      ),
    ),
    set(y, fSub(f64(1), fSub(fSub(g(lo), fDiv(fMul(g(x), g(c)), fSub(f64(2), g(c)))), g(hi)))),
    // 2^1024 is not a double: y·2·2^1023
    ifThen(eqI32(g(k), i32(1024)), ret(fMul(fMul(g(y), f64(2)), f64(TWO1023)))),
    fMul(g(y), fromWords(add(i32(0x3ff00000), shl(g(k), i32(20))), i32(0))),
  ];
  return { name: 'exp', params: [F64], results: [F64], locals: [I32, F64, F64, F64, F64, F64], body: body.flat() };
}

/** sinh(x): V8 ieee754::sinh (through expm1 and exp at the function indices given) */
function sinhFunc(expm1Fn: number, expFn: number): Func {
  const x = 0;
  const h = 1;
  const ax = 2;
  const t = 3;
  const w = 4;
  const g = get;
  const body: Code[] = [
    set(h, f64(0.5)),
    ifThen(fLt(g(x), f64(0)), set(h, f64(-0.5))),
    set(ax, fAbs(g(x))),
    ifThen(
      fLt(g(ax), f64(22)),
      ifThen(fLt(g(ax), f64(TWO_M28)), ret(g(x))),
      set(t, call(expm1Fn, g(ax))),
      ifThen(fLt(g(ax), f64(1)), ret(fMul(g(h), fSub(fMul(f64(2), g(t)), fDiv(fMul(g(t), g(t)), fAdd(g(t), f64(1))))))),
      ret(fMul(g(h), fAdd(g(t), fDiv(g(t), fAdd(g(t), f64(1)))))),
    ),
    ifThen(fLt(g(ax), f64(LOG_MAXD)), ret(fMul(g(h), call(expFn, g(ax))))),
    ifThen(
      fLe(g(ax), f64(KSINH_OVERFLOW)),
      set(w, call(expFn, fMul(f64(0.5), g(ax)))),
      set(t, fMul(g(h), g(w))),
      ret(fMul(g(t), g(w))),
    ),
    // beyond the overflow threshold: ±∞; NaN stays NaN
    fMul(g(x), f64(SHUGE)),
  ];
  return { name: 'sinh', params: [F64], results: [F64], locals: [F64, F64, F64, F64], body: body.flat() };
}

/**
 * The functions to put at indices base, base + 1, … of a module: their Funcs (in that order) and the
 * indices of log and sinh for call(); the module exports them under their names (log, sinh, and the
 * helpers expm1 and exp, valid on sinh's arguments only).
 */
export function libmFuncs(base: number): { funcs: Func[]; log: number; sinh: number } {
  const expm1 = base + 2;
  const exp = base + 3;
  return { funcs: [logFunc(), sinhFunc(expm1, exp), expm1Func(), expFunc()], log: base, sinh: base + 1 };
}
