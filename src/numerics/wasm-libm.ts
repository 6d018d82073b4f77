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
  ret,
  set,
  shl,
  shrS,
  sub,
  truncF64S,
  eqz,
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
  const expTab = tab + 8 * EXP_OFF;
  /** e^r − 1 by its Taylor polynomial r·(1 + r·(1/2! + …)) */
  const expm1 = (rv: Code): Code => fMul(rv, fAdd(f64(1), fMul(rv, horner(rv, EXPM1_COEF))));
  /** the table's byte address of 2^(j/128), j = n mod 128 */
  const entry = (n: Code): Code => add(i32(expTab), shl(and(n, i32(EXP_N - 1)), i32(4)));
  const body: Code[] = [
    set(ax, fAbs(g(x))),
    ifThen(
      fLt(g(ax), f64(SINH_POLY_MAX)),
      set(x2, fMul(g(x), g(x))),
      ret(fAdd(g(x), fMul(g(x), fMul(g(x2), horner(g(x2), SINH_COEF))))),
    ),
    ifThen(eqz(fLe(g(ax), f64(SINH_OVERFLOW))), ret(fMul(g(x), f64(1e307)))),
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

/**
 * The functions to put at indices base and base + 1 of a module whose memory holds the tables at byte
 * address tab (writeLibmTable): their Funcs (log, sinh) and their indices for call(); the module exports
 * them under those names.
 */
export function libmFuncs(base: number, tab: number): { funcs: Func[]; log: number; sinh: number } {
  return { funcs: [logFunc(tab), sinhFunc(tab)], log: base, sinh: base + 1 };
}
