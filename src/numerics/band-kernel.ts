/**
 * BandLu's factorisation (dgbtf2 with threshold pivoting) and triangular solves (dgbtrs, no transpose)
 * as a WebAssembly kernel: the same floating-point operations in the same order as BandLu's JavaScript
 * loops (bit-identical results: f64 add/sub/mul/div/abs and comparisons are IEEE 754 in both, neither
 * fuses a multiply-add), about 1.5–2× faster on the DFN's band (181 rows, 5 below and 4 above the
 * diagonal) because the engine's bounds checks and loop overhead of the short inner loops go away.
 * The row updates of the solve and of the factorisation walk byte addresses and run two rows at a time
 * with WebAssembly SIMD where the engine has it (f64x2.mul and f64x2.sub: the same IEEE 754 product and
 * difference in each lane as f64.mul and f64.sub), the odd last row alone; the scalar loops otherwise.
 *
 * No binary in the repository and no build step: the module is assembled from the instructions written
 * below (a minimal encoder of the WebAssembly binary format, https://webassembly.github.io/spec/core/binary/)
 * at the first solve and compiled once per thread. Where WebAssembly is missing or refuses the module, or
 * when switched off (useWasmBandKernel(false): the tests compare both), BandLu keeps its JavaScript loops.
 *
 * The kernel works in its own memory (the arena), one band at a time: factor() copies the band in
 * (unless the arena holds it already), factorises it there and leaves the factors there, the band then
 * held by the kernel (BandFactors.heldBy): its own arrays are written back only when someone reads them
 * (BandLu's ab, piv, um, lm: release()) or when another band takes the arena (eviction), so a solver that
 * factorises and solves one band copies no factors at all. stage() gives the arena's band storage to be
 * written in place for the next factorisation (the condensed system writes its Newton matrix there). A
 * solve with another band's or an older factorisation (ownership by instance and factorisation count)
 * copies that band's factors in first; the right-hand side is copied in and the solution out at every
 * solve. The arena grows to the largest band in use and is given back (a fresh
 * instance of the compiled module) once a band far smaller has been used long enough (ARENA_RENEW_AFTER).
 */

import {
  gtU,
  F64,
  I32,
  add,
  and,
  at,
  encodeModule,
  eqz,
  f64Inf,
  f64One,
  f64Zero,
  fAbs,
  fDiv,
  fGe,
  fGt,
  fLt,
  fMul,
  fNe,
  fSub,
  geS,
  geU,
  get,
  gtS,
  i32,
  ifThen,
  ifElse,
  leS,
  loadF64,
  loadI32,
  ltS,
  mul,
  ne,
  or,
  ret,
  select,
  set,
  shl,
  storeF64,
  storeI32,
  sub,
  u32,
  until,
  type Code,
  type Func,
  type WasmApi,
  type WasmMemory,
  V128,
  f64x2Mul,
  f64x2Splat,
  f64x2Sub,
  f64x2Abs,
  f64x2Pmax,
  f64x2Lane,
  loadF64At,
  loadI32At,
  storeF64At,
  ltU,
  v128Load,
  v128Store,
  v128LoadAt,
  v128StoreAt,
  f64x2Lane1,
  f64x2Ne,
  i64x2Bitmask,
  clz,
  memoryCopy,
  storeI32At,
  block,
  br,
  brIf,
} from './wasm-encoder.ts';

/** a band's storage and factors: band storage, pivots, U's and L's column extents */
export interface BandArrays {
  readonly ab: Float64Array;
  readonly piv: Int32Array;
  readonly um: Int32Array;
  readonly lm: Int32Array;
}

/** the factors' layout as BandLu holds them */
export interface BandFactors {
  readonly n: number;
  readonly kl: number;
  readonly ku: number;
  readonly ld: number;
  /** the band's own arrays, as they are (out of date while heldBy is set) */
  readonly arrays: BandArrays;
  /**
   * the kernel whose arena holds the band's current storage and factors (newer than arrays': the kernel
   * leaves them there after a factorisation, and release() writes them back); null: arrays are current
   */
  heldBy: BandKernel | null;
  readonly pivotThreshold: number;
}

// ---- the kernel ----

/** the pairs of a column's update in the solve written out (static offsets) before a loop takes over */
const SOLVE_UNROLL_PAIRS = 4;

/**
 * the forward solve's row interchange of column j: l ← the address of b[piv[j]] (pp: the address of piv[j], b: the
 * right-hand side's base), and b[j] (at pj) and b[piv[j]] swapped when they differ (locals l and tmp are scratch)
 */
const swapRhs = (b: number, pp: number, pj: number, l: number, tmp: number): Code =>
  [
    set(l, at(get(b), loadI32(get(pp)), 3)),
    ifThen(
      ne(get(l), get(pj)),
      set(tmp, loadF64(get(l))),
      storeF64(get(l), loadF64(get(pj))),
      storeF64(get(pj), get(tmp)),
    ),
  ].flat();

/**
 * solve(n, kv, ld, ab, b, piv, um, lm): byte offsets of the band storage (f64), the right-hand side (f64,
 * solved in place), the pivots and U's and L's column extents (i32). BandLu.solve's loops, step for step.
 * The rows are walked by byte address (b[j], the column's diagonal, piv[j], lm[j] / um[j] each advanced by
 * its stride: no index arithmetic per row). With SIMD a column's update of b runs as straight-line pairs
 * for the first SOLVE_UNROLL_PAIRS pairs (static offsets from the column's first entry; a loop only beyond
 * them) and its odd last entry alone: each entry still gets the one product and difference it gets in
 * BandLu.solve, and no entry of b is read by another's update within a column, so the order among them
 * does not change a bit.
 */
function solveFunc(simd: boolean): Func {
  // parameters 0..7, then locals
  const [n, kv, ld, ab, b, piv, um, lm] = [0, 1, 2, 3, 4, 5, 6, 7];
  // byte addresses: b[j], the end of the walk, the column's entries, piv[j] / um[j], lm[j]; the update's
  // column entries, right-hand side entries, its length in bytes, the address b[piv[j]] / the update's end
  const [pj, pend, pd, pp, pl, pa, pb, d, l, ld8] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  const [bj, tmp] = [18, 19];
  const sv = 20; // v128: s in both lanes
  const pair = (off: number): Code =>
    v128StoreAt(get(pb), off, f64x2Sub(v128LoadAt(get(pb), off), f64x2Mul(v128LoadAt(get(pa), off), get(sv))));
  /** the entries pb .. pb + d (bytes) of b −= the entries from pa of ab · s */
  const axpy = (s: number): Code => {
    if (!simd)
      return [
        set(l, add(get(pb), get(d))),
        until(
          geU(get(pb), get(l)),
          storeF64(get(pb), fSub(loadF64(get(pb)), fMul(loadF64(get(pa)), get(s)))),
          set(pa, add(get(pa), i32(8))),
          set(pb, add(get(pb), i32(8))),
        ),
      ].flat();
    // pairs beyond the straight-line ones: a loop
    let rest: Code = [
      set(l, add(get(pb), get(d))),
      set(pa, add(get(pa), i32(16 * SOLVE_UNROLL_PAIRS))),
      set(pb, add(get(pb), i32(16 * SOLVE_UNROLL_PAIRS))),
      until(geU(get(pb), get(l)), pair(0), set(pa, add(get(pa), i32(16))), set(pb, add(get(pb), i32(16)))),
    ].flat();
    for (let k = SOLVE_UNROLL_PAIRS - 1; k >= 0; k--) rest = ifThen(gtU(get(d), i32(16 * k)), pair(16 * k), rest);
    return [
      // the odd last entry alone
      ifThen(
        and(get(d), i32(8)),
        set(d, sub(get(d), i32(8))),
        storeF64(
          add(get(pb), get(d)),
          fSub(loadF64(add(get(pb), get(d))), fMul(loadF64(add(get(pa), get(d))), get(s))),
        ),
      ),
      set(sv, f64x2Splat(get(s))),
      rest,
    ].flat();
  };
  // forward: for j < n − 1: swap b[j], b[piv[j]]; b[j+1 .. j+lm[j]] −= ab[cj+1 ..]·b[j] (cj = j·ld + kv)
  const forward = [
    set(pj, get(b)),
    set(pend, at(get(b), sub(get(n), i32(1)), 3)),
    set(pd, at(get(ab), add(get(kv), i32(1)), 3)),
    set(pp, get(piv)),
    set(pl, get(lm)),
    until(
      geU(get(pj), get(pend)),
      swapRhs(b, pp, pj, l, tmp),
      set(bj, loadF64(get(pj))),
      ifThen(
        fNe(get(bj), f64Zero),
        set(pa, get(pd)),
        set(pb, add(get(pj), i32(8))),
        set(d, shl(loadI32(get(pl)), i32(3))),
        axpy(bj),
      ),
      set(pj, add(get(pj), i32(8))),
      set(pd, add(get(pd), get(ld8))),
      set(pp, add(get(pp), i32(4))),
      set(pl, add(get(pl), i32(4))),
    ),
  ];
  // backward: for j = n − 1 … 0: x = b[j] · (1 / ab[cj]); b[j − um[j] .. j − 1] −= ab[cj − um[j] ..]·x
  const x = bj;
  const backward = [
    set(pj, at(get(b), sub(get(n), i32(1)), 3)),
    set(pd, at(get(ab), add(mul(sub(get(n), i32(1)), get(ld)), get(kv)), 3)),
    set(pp, at(get(um), sub(get(n), i32(1)), 2)),
    until(
      ltS(get(pj), get(b)),
      set(x, fMul(loadF64(get(pj)), fDiv(f64One, loadF64(get(pd))))),
      storeF64(get(pj), get(x)),
      ifThen(
        fNe(get(x), f64Zero),
        set(d, shl(loadI32(get(pp)), i32(3))),
        set(pa, sub(get(pd), get(d))),
        set(pb, sub(get(pj), get(d))),
        axpy(x),
      ),
      set(pj, sub(get(pj), i32(8))),
      set(pd, sub(get(pd), get(ld8))),
      set(pp, sub(get(pp), i32(4))),
    ),
  ];
  return {
    name: 'solve',
    params: [I32, I32, I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [...[I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64], ...(simd ? [V128] : [])],
    body: [set(ld8, shl(get(ld), i32(3))), ...forward, ...backward].flat(),
  };
}

/**
 * factor(n, kl, ku, ld, ab, piv, reach, um, lm, threshold) → 1, or 0 on a zero or non-finite pivot
 * column: BandLu.factor's loops (dgbtf2 with threshold pivoting, then U's and L's column extents), step
 * for step, on the band storage at byte offset ab and the i32 arrays at piv, reach, um, lm.
 */
function factorFunc(simd: boolean): Func {
  const [n, kl, ku, ld, ab, piv, reach, um, lm, thr] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [kv, j, i, t, km, cj, jp, ju, c, a, col, m, top] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
  const [best, v, inv, u, tmp] = [23, 24, 25, 26, 27];
  // byte addresses of the column walks: the entry updated, the multiplier read, the end
  const [pa, pl, pe] = [28, 29, 30];
  const uv = 31; // v128: u in both lanes
  const step = (l: number): Code => set(l, add(get(l), i32(8)));
  const abAt = (idx: Code): Code => at(get(ab), idx, 3);
  const i32At = (base: number, idx: Code): Code => at(get(base), idx, 2);
  const inc = (l: number): Code => set(l, add(get(l), i32(1)));
  const nm1j = sub(sub(get(n), i32(1)), get(j)); // n − 1 − j
  const body = [
    set(kv, add(get(ku), get(kl))),
    // fill-in rows above the original band start at zero
    set(j, i32(0)),
    until(
      geS(get(j), get(n)),
      set(a, mul(get(j), get(ld))),
      set(i, i32(0)),
      until(geS(get(i), get(kl)), storeF64(abAt(add(get(a), get(i))), f64Zero), inc(i)),
      inc(j),
    ),
    set(ju, i32(0)),
    set(j, i32(0)),
    until(
      geS(get(j), get(n)),
      set(km, select(get(kl), nm1j, ltS(get(kl), nm1j))),
      set(cj, add(mul(get(j), get(ld)), get(kv))),
      set(jp, i32(0)),
      set(best, fAbs(loadF64(abAt(get(cj))))),
      set(t, i32(1)),
      until(
        gtS(get(t), get(km)),
        set(v, fAbs(loadF64(abAt(add(get(cj), get(t)))))),
        ifThen(fGt(get(v), get(best)), set(best, get(v)), set(jp, get(t))),
        inc(t),
      ),
      ifThen(
        ne(get(jp), i32(0)),
        ifThen(fGe(fAbs(loadF64(abAt(get(cj)))), fMul(get(thr), get(best))), set(jp, i32(0))),
      ),
      storeI32(i32At(piv, get(j)), add(get(j), get(jp))),
      ifThen(eqz(and(fGt(get(best), f64Zero), fLt(get(best), f64Inf))), ret(i32(0))),
      // ju: the last column row j of U reaches
      set(a, add(add(get(j), get(ku)), get(jp))),
      set(a, select(sub(get(n), i32(1)), get(a), gtS(get(a), sub(get(n), i32(1))))),
      ifThen(gtS(get(a), get(ju)), set(ju, get(a))),
      storeI32(i32At(reach, get(j)), get(ju)),
      ifThen(
        ne(get(jp), i32(0)),
        // swap rows j and j + jp over columns j .. ju
        set(c, i32(0)),
        until(
          gtS(get(c), sub(get(ju), get(j))),
          set(a, add(get(cj), mul(get(c), sub(get(ld), i32(1))))),
          set(tmp, loadF64(abAt(get(a)))),
          storeF64(abAt(get(a)), loadF64(abAt(add(get(a), get(jp))))),
          storeF64(abAt(add(get(a), get(jp))), get(tmp)),
          inc(c),
        ),
      ),
      ifThen(
        gtS(get(km), i32(0)),
        set(inv, fDiv(f64One, loadF64(abAt(get(cj))))),
        // t = 1 .. km: ab[cj + t] *= inv
        set(pa, abAt(add(get(cj), i32(1)))),
        set(pe, add(get(pa), shl(get(km), i32(3)))),
        until(geU(get(pa), get(pe)), storeF64(get(pa), fMul(loadF64(get(pa)), get(inv))), step(pa)),
        set(c, i32(1)),
        until(
          gtS(get(c), sub(get(ju), get(j))),
          set(col, add(get(cj), mul(get(c), sub(get(ld), i32(1))))),
          set(u, loadF64(abAt(get(col)))),
          ifThen(
            fNe(get(u), f64Zero),
            // t = 1 .. km: ab[col + t] −= ab[cj + t]·u
            set(pa, abAt(add(get(col), i32(1)))),
            set(pl, abAt(add(get(cj), i32(1)))),
            set(pe, add(get(pa), shl(get(km), i32(3)))),
            simd
              ? [
                  // two rows at a time (the same product and difference in each lane), the last odd one alone
                  set(uv, f64x2Splat(get(u))),
                  until(
                    geU(add(get(pa), i32(8)), get(pe)),
                    v128Store(get(pa), f64x2Sub(v128Load(get(pa)), f64x2Mul(v128Load(get(pl)), get(uv)))),
                    set(pa, add(get(pa), i32(16))),
                    set(pl, add(get(pl), i32(16))),
                  ),
                  ifThen(
                    ltU(get(pa), get(pe)),
                    storeF64(get(pa), fSub(loadF64(get(pa)), fMul(loadF64(get(pl)), get(u)))),
                  ),
                ].flat()
              : until(
                  geU(get(pa), get(pe)),
                  storeF64(get(pa), fSub(loadF64(get(pa)), fMul(loadF64(get(pl)), get(u)))),
                  step(pa),
                  step(pl),
                ),
          ),
          inc(c),
        ),
      ),
      inc(j),
    ),
    // U's column extents (from the first row whose reach includes j, trimmed to the first nonzero) and
    // L's (trimmed to the last nonzero)
    set(top, i32(0)),
    set(j, i32(0)),
    until(
      geS(get(j), get(n)),
      until(geS(loadI32(i32At(reach, get(top))), get(j)), inc(top)),
      set(cj, add(mul(get(j), get(ld)), get(kv))),
      set(m, sub(get(j), get(top))),
      until(or(leS(get(m), i32(0)), fNe(loadF64(abAt(sub(get(cj), get(m)))), f64Zero)), set(m, sub(get(m), i32(1)))),
      storeI32(i32At(um, get(j)), get(m)),
      set(m, select(get(kl), nm1j, ltS(get(kl), nm1j))),
      until(or(leS(get(m), i32(0)), fNe(loadF64(abAt(add(get(cj), get(m)))), f64Zero)), set(m, sub(get(m), i32(1)))),
      storeI32(i32At(lm, get(j)), get(m)),
      inc(j),
    ),
    i32(1),
  ];
  return {
    name: 'factor',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, F64],
    results: [I32],
    locals: [
      ...[I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, I32, I32, I32],
      ...(simd ? [V128] : []),
    ],
    body: body.flat(),
  };
}

/**
 * equilibrate(n, kl, ku, ld, ab, rs): BandLu.equilibrate's loops, step for step (rs: f64 at byte offset
 * rs; on entry a lower bound of each row's largest magnitude, on return its inverse; the rows scaled).
 * With SIMD two rows at a time: f64x2.abs and f64x2.pmax (rs < |a| ? |a| : rs, the comparison and choice
 * of `if (a > rs[i]) rs[i] = a`) and f64x2.mul (the same IEEE product per lane), the last odd row alone.
 */
function equilibrateFunc(simd: boolean): Func {
  const [n, kl, ku, ld, ab, rs] = [0, 1, 2, 3, 4, 5];
  const [kv, j, i, i1, pa, pr, pe] = [6, 7, 8, 9, 10, 11, 12];
  const [a] = [13];
  const inc = (l: number): Code => set(l, add(get(l), i32(1)));
  const step = (l: number): Code => set(l, add(get(l), i32(8)));
  const rsAt = (idx: Code): Code => at(get(rs), idx, 3);
  /**
   * for each column j, rows i0 .. i1 of the band (i0 = max(j − ku, 0), i1 = min(j + kl, n − 1)), walked
   * by byte address: pa at ab[kv + j·ld − j + i], pr at rs[i], up to pe = the address of rs[i1 + 1]
   */
  const overBand = (body: Code[], pair: Code[] | null): Code =>
    [
      set(j, i32(0)),
      until(
        geS(get(j), get(n)),
        set(i, sub(get(j), get(ku))),
        set(i, select(i32(0), get(i), ltS(get(i), i32(0)))),
        set(i1, add(get(j), get(kl))),
        set(i1, select(sub(get(n), i32(1)), get(i1), gtS(get(i1), sub(get(n), i32(1))))),
        set(pa, at(get(ab), add(sub(add(get(kv), mul(get(j), get(ld))), get(j)), get(i)), 3)),
        set(pr, rsAt(get(i))),
        set(pe, rsAt(add(get(i1), i32(1)))),
        pair === null || !simd
          ? until(geU(get(pr), get(pe)), ...body, step(pa), step(pr))
          : [
              until(
                geU(add(get(pr), i32(8)), get(pe)),
                ...pair,
                set(pa, add(get(pa), i32(16))),
                set(pr, add(get(pr), i32(16))),
              ),
              ifThen(ltU(get(pr), get(pe)), ...body),
            ].flat(),
        inc(j),
      ),
    ].flat();
  const body = [
    set(kv, add(get(kl), get(ku))),
    overBand(
      [set(a, fAbs(loadF64(get(pa)))), ifThen(fGt(get(a), loadF64(get(pr))), storeF64(get(pr), get(a)))],
      [v128Store(get(pr), f64x2Pmax(v128Load(get(pr)), f64x2Abs(v128Load(get(pa)))))],
    ),
    set(i, i32(0)),
    until(
      geS(get(i), get(n)),
      set(a, loadF64(rsAt(get(i)))),
      storeF64(rsAt(get(i)), select(fDiv(f64One, get(a)), f64One, fGt(get(a), f64Zero))),
      inc(i),
    ),
    overBand(
      [storeF64(get(pa), fMul(loadF64(get(pa)), loadF64(get(pr))))],
      [v128Store(get(pa), f64x2Mul(v128Load(get(pa)), v128Load(get(pr))))],
    ),
  ];
  return {
    name: 'equilibrate',
    params: [I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, F64],
    body: body.flat(),
  };
}

// ---- kernels for one band shape: kl, ku, ld and the byte strides as constants ----

/**
 * seq(m) for m = idx (0 … max) as straight-line code: a br_table into max + 1 written-out sequences
 * (nested blocks; the sequence for m follows the end of the m-th innermost block, then leaves them all)
 */
function dispatch(idx: Code, max: number, seq: (m: number) => Code): Code {
  // written flat (nesting the blocks one by one would copy the code max + 1 times):
  // max + 2 blocks, the br_table, then for m = 0 … max: end, seq(m), br to the outermost block's end
  const out: Code = [];
  const put = (c: Code): void => {
    for (let k = 0; k < c.length; k++) out.push(c[k]!);
  };
  for (let m = 0; m <= max + 1; m++) out.push(0x02, 0x40);
  put(idx);
  out.push(0x0e);
  put(u32(max + 1));
  for (let m = 0; m <= max; m++) put(u32(m));
  put(u32(max));
  for (let m = 0; m <= max; m++) {
    out.push(0x0b);
    put(seq(m));
    if (m < max) put(br(max - m));
  }
  out.push(0x0b);
  return out;
}

/**
 * how a column's consecutive entries rows r0 … r0 + len − 1 are taken: with SIMD in pairs of an even
 * row and the next (the same pairs whichever column step reads or writes them, so that a load meets
 * the store of the same bytes), the odd first and odd last row alone; without SIMD one at a time.
 * [first entry (0-based), 1 or 2]
 */
function groups(r0Odd: boolean, len: number, simd: boolean): [number, number][] {
  const out: [number, number][] = [];
  let t = 0;
  if (simd && r0Odd && len > 0) out.push([t++, 1]);
  while (t < len) {
    const two = simd && t + 1 < len;
    out.push([t, two ? 2 : 1]);
    t += two ? 2 : 1;
  }
  return out;
}

/**
 * solve(n, ab, b, piv, um, lm) for the band shape (kl, ku): solveFunc's operations, entry for entry, with
 * each column's update written out (static byte offsets, a br_table on its extent) and the column loops
 * taken two columns at a time (even and odd, so that the SIMD pairs fall on even rows of b). The entry of b
 * that the next column reads first (b[j + 1] forward, b[j − 1] backward) is updated alone and kept in a
 * local as well as stored: each column's chain to the next (its multiplier, or its division) then starts
 * from a register instead of a store and a reload (the solve is latency-bound; the same operations: on the
 * DFN's band 2.9 → 2.4 µs per solve)
 */
function solveShapedFunc(kl: number, ku: number, simd: boolean): Func {
  const kv = kl + ku;
  const ld8 = 8 * (2 * kl + ku + 1);
  const [n, ab, b, piv, um, lm] = [0, 1, 2, 3, 4, 5];
  const [pj, pend, pd, pp, pl, l, qend] = [6, 7, 8, 9, 10, 11, 12];
  const [s, nx] = [13, 14];
  const sv = 15; // v128
  /** entries pb + o of b −= pa + o of ab · s (o = 8·(t0 + t)), rows from r0 (its parity r0Odd) */
  const update = (pb: number, pa: number, t0: number, len: number, r0Odd: boolean): Code =>
    groups(r0Odd, len, simd)
      .map(([t, w]) => {
        const o = 8 * (t0 + t);
        return w === 2
          ? v128StoreAt(get(pb), o, f64x2Sub(v128LoadAt(get(pb), o), f64x2Mul(v128LoadAt(get(pa), o), get(sv))))
          : storeF64At(get(pb), o, fSub(loadF64At(get(pb), o), fMul(loadF64At(get(pa), o), get(s))));
      })
      .flat();
  /** the entry pb + o of b −= pa + o of ab · s, its new value kept in nx too (the next column's b[j]) */
  const nearest = (pb: number, pa: number, o: number): Code => [
    ...set(nx, fSub(loadF64At(get(pb), o), fMul(loadF64At(get(pa), o), get(s)))),
    ...storeF64At(get(pb), o, get(nx)),
  ];
  // forward, column j (its parity jOdd): swap b[j] and b[piv[j]]; b[j + 1 .. j + lm[j]] −= L's column · b[j].
  // nx holds b[j] as the previous column left it (in memory too): the chain from one column's b[j + 1] to
  // the next column's multiplier stays in a register; the other entries go through memory as before
  const fwd = (jOdd: boolean): Code =>
    [
      set(l, at(get(b), loadI32(get(pp)), 3)),
      ifElse(
        ne(get(l), get(pj)),
        [set(s, loadF64(get(l))), storeF64(get(l), get(nx)), storeF64(get(pj), get(s))],
        [set(s, get(nx))],
      ),
      ifElse(
        fNe(get(s), f64Zero),
        [
          simd ? set(sv, f64x2Splat(get(s))) : [],
          dispatch(loadI32(get(pl)), kl, (m) =>
            m === 0 ? set(nx, loadF64At(get(pj), 8)) : [...nearest(pj, pd, 8), ...update(pj, pd, 2, m - 1, jOdd)],
          ),
        ],
        [set(nx, loadF64At(get(pj), 8))],
      ),
      set(pj, add(get(pj), i32(8))),
      set(pd, add(get(pd), i32(ld8))),
      set(pp, add(get(pp), i32(4))),
      set(pl, add(get(pl), i32(4))),
    ].flat();
  // pj: b[j]; pd: ab[j·ld + kv] (the diagonal); the walk ends at b[n − 1]
  const forward =
    kl === 0
      ? []
      : [
          set(pj, get(b)),
          set(pend, at(get(b), sub(get(n), i32(1)), 3)),
          set(pd, add(get(ab), i32(8 * kv))),
          set(pp, get(piv)),
          set(pl, get(lm)),
          set(nx, loadF64(get(b))),
          until(geU(add(get(pj), i32(8)), get(pend)), fwd(false), fwd(true)),
          ifThen(ltU(get(pj), get(pend)), fwd(false)),
        ].flat();
  // backward, column j: x = b[j] · (1 / ab[cj]) (BandLu.solve's operations: the reciprocal does not wait for
  // b[j]); b[j − um[j] .. j − 1] −= U's column · x. pj, pd: b[j] and
  // ab[cj] less 8·kv bytes (the entries above at static offsets 8·(kv − t)); j's parity jOdd. nx holds
  // b[j] as the previous column left it (b[j − 1] the nearest entry of each column's update, in a register)
  // b[j − 1] (its static offset would be negative for a diagonal band, kv = 0)
  const prev = (): Code => (kv > 0 ? loadF64At(get(pj), 8 * (kv - 1)) : loadF64(sub(get(pj), i32(8))));
  const bwd = (jOdd: boolean): Code =>
    [
      set(s, fMul(get(nx), fDiv(f64One, loadF64At(get(pd), 8 * kv)))),
      storeF64At(get(pj), 8 * kv, get(s)),
      ifElse(
        fNe(get(s), f64Zero),
        [
          simd ? set(sv, f64x2Splat(get(s))) : [],
          dispatch(loadI32(get(pp)), kv, (m) =>
            m === 0
              ? set(nx, prev())
              : [...update(pj, pd, kv - m, m - 1, jOdd === (m % 2 === 0)), ...nearest(pj, pd, 8 * (kv - 1))],
          ),
        ],
        [set(nx, prev())],
      ),
      set(pj, sub(get(pj), i32(8))),
      set(pd, sub(get(pd), i32(ld8))),
      set(pp, sub(get(pp), i32(4))),
    ].flat();
  // b's offset is at least 8·kv (the band storage lies before it), so pj stays ≥ 0 (the load of b[−1]
  // after column 0 reads the band storage's last entry, unused); j = n − 1 first
  const backward = [
    set(pj, sub(at(get(b), sub(get(n), i32(1)), 3), i32(8 * kv))),
    set(pd, add(get(ab), mul(sub(get(n), i32(1)), i32(ld8)))),
    set(pp, at(get(um), sub(get(n), i32(1)), 2)),
    set(qend, sub(get(b), i32(8 * kv))),
    set(nx, loadF64At(get(pj), 8 * kv)),
    // n − 1 odd: that column first; then pairs (even j, odd j − 1) down to j = 2, and j = 0 last
    ifThen(and(sub(get(n), i32(1)), i32(1)), bwd(true)),
    until(leS(get(pj), get(qend)), bwd(false), bwd(true)),
    bwd(false),
  ];
  return {
    name: 'solve',
    params: [I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, F64, F64, ...(simd ? [V128] : [])],
    body: [...forward, ...backward].flat(),
  };
}

/**
 * factor(n, ab, piv, reach, um, lm, threshold) for the band shape (kl, ku): factorFunc's operations,
 * entry for entry. Each column's pivot search, scaling and update of the columns to its right are
 * written out (static byte offsets from the column's diagonal, its multipliers held in locals), the
 * update's column count ju − j tested before each written-out column step; the columns taken two at a
 * time so that the SIMD pairs fall on even rows; the last kl columns (fewer rows below the diagonal)
 * by a br_table into their own written-out bodies. L's column extents come from the multipliers while
 * they are in locals (a bit mask of the nonzero ones, no scan of the stored column: on the DFN's band
 * 5.30 → 5.19 µs per write and factorisation), U's from bits set where a row's update takes a nonzero
 * entry of U (no scan of the stored columns either: 5.68 → 5.2 µs), U's written over its bits when
 * its column comes; both kept aside (in reach, which is scratch here) until the factorisation succeeds,
 * then copied to um and lm by memory.copy (a failed one leaves um and lm as they were, as BandLu.factor's
 * loops do).
 */
function factorShapedFunc(kl: number, ku: number, simd: boolean): Func {
  const kv = kl + ku;
  const ld = 2 * kl + ku + 1;
  const ld8 = 8 * ld;
  const step8 = 8 * (ld - 1); // from A(j, j + c) to A(j, j + c + 1)
  const [n, ab, piv, reach, um, lm, thr] = [0, 1, 2, 3, 4, 5, 6];
  const [j, pc, ju, jp, d, a, pa, pe, top, m] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  const [best, v, a0, inv, u, tmp] = [17, 18, 19, 20, 21, 22];
  const ls = 23; // f64 × kl: the multipliers taken alone
  const uv = 23 + kl; // v128
  const lv = uv + 1; // v128 × kl: the multiplier pairs
  const msk = 23 + kl + (simd ? 1 + kl : 0); // i32: the nonzero multipliers' bits
  const zv = msk + 1; // v128: zero in both lanes
  /** L's extent of column j, kept at reach[n + j] (lm[j] once the factorisation has succeeded) */
  const lmAt = at(get(reach), add(get(j), get(n)), 2);
  // U's extents (kl > 0): reach[j'] (the loops' row reaches are not needed then) gathers bit c − 1 from
  // each row j = j' − c whose entry U(j, j') is nonzero; pu walks reach[j]. The rows that update column
  // j' are exactly those from the first whose reach includes j' (reach only grows), where the loops' scan
  // starts, and U(j, j') is final when row j takes it (u): the highest bit is the loops' extent. Without
  // rows below the diagonal (kl = 0) nothing is updated: the loops' scan of the stored columns
  const uBits = kl > 0;
  const pu = 24 + kl + (simd ? 1 + kl : 0) + (simd ? 1 : 0); // i32
  /** column j (parity jOdd; null: unknown, no pairs) with mm entries below the diagonal; pc at its diagonal */
  const column = (mm: number, jOdd: boolean | null): Code => {
    const g = groups(jOdd === false, mm, simd && jOdd !== null); // rows j + 1 …: even when j is even
    const search: Code[] = [set(best, fAbs(loadF64(get(pc)))), set(a0, get(best)), set(jp, i32(0))];
    // U's extent of column j, complete now (every row above has taken its entry): in place of its bits
    if (uBits) search.push(storeI32At(get(pu), 0, sub(i32(32), clz(loadI32At(get(pu), 0)))));
    for (let t = 1; t <= mm; t++)
      search.push(
        set(v, fAbs(loadF64At(get(pc), 8 * t))),
        set(jp, select(i32(t), get(jp), fGt(get(v), get(best)))),
        set(best, select(get(v), get(best), fGt(get(v), get(best)))),
      );
    // a diagonal within the threshold of the largest stays the pivot (jp is 0 already when it is the largest)
    if (mm > 0) search.push(set(jp, select(i32(0), get(jp), fGe(get(a0), fMul(get(thr), get(best))))));
    const pivot = [
      storeI32(at(get(piv), get(j), 2), add(get(j), get(jp))),
      ifThen(eqz(and(fGt(get(best), f64Zero), fLt(get(best), f64Inf))), ret(i32(0))),
      set(a, add(add(get(j), i32(ku)), get(jp))),
      set(a, select(sub(get(n), i32(1)), get(a), gtS(get(a), sub(get(n), i32(1))))),
      ifThen(gtS(get(a), get(ju)), set(ju, get(a))),
      uBits ? [] : storeI32(at(get(reach), get(j), 2), get(ju)),
      // swap rows j and j + jp over columns j .. ju
      ifThen(
        ne(get(jp), i32(0)),
        set(pa, get(pc)),
        set(pe, add(get(pc), mul(sub(get(ju), get(j)), i32(step8)))),
        set(d, shl(get(jp), i32(3))),
        until(
          gtU(get(pa), get(pe)),
          set(tmp, loadF64(get(pa))),
          storeF64(get(pa), loadF64(add(get(pa), get(d)))),
          storeF64(add(get(pa), get(d)), get(tmp)),
          set(pa, add(get(pa), i32(step8))),
        ),
      ),
    ];
    if (mm === 0) return [...search, ...pivot, storeI32(lmAt, i32(0))].flat();
    // the multipliers: ab[cj + t] *= 1 / ab[cj], kept in locals (a pair in lv + k, one alone in ls + k)
    const scale: Code[] = [set(inv, fDiv(f64One, loadF64(get(pc))))];
    if (g.some(([, w]) => w === 2)) scale.push(set(uv, f64x2Splat(get(inv))));
    g.forEach(([t, w], k) => {
      const o = 8 * (t + 1);
      if (w === 2)
        scale.push(set(lv + k, f64x2Mul(v128LoadAt(get(pc), o), get(uv))), v128StoreAt(get(pc), o, get(lv + k)));
      else scale.push(set(ls + k, fMul(loadF64At(get(pc), o), get(inv))), storeF64At(get(pc), o, get(ls + k)));
    });
    // L's extent, the last nonzero multiplier (the loops' scan of the stored multipliers from the bottom up,
    // later row interchanges not reaching column j): bit t − 1 for row j + t set where it is nonzero (f64.ne,
    // as the scan's === 0 fails for a NaN and holds for −0), the extent is the highest bit's position
    const bits = g.map(([t, w], k) =>
      shl(w === 2 ? i64x2Bitmask(f64x2Ne(get(lv + k), get(zv))) : fNe(get(ls + k), f64Zero), i32(t)),
    );
    scale.push(
      set(
        msk,
        bits.reduce((acc, b) => or(acc, b)),
      ),
      storeI32(lmAt, sub(i32(32), clz(get(msk)))),
    );
    // columns j + c, c = 1 .. ju − j (≤ kv; ≤ mm in the last kl columns, where ju ≤ n − 1): −= multipliers · u
    const steps: Code[] = [set(d, sub(get(ju), get(j)))];
    const cMax = mm < kl ? mm : kv;
    for (let c = 1; c <= cMax; c++) {
      const oc = c * step8;
      const upd: Code[] = [];
      if (g.some(([, w]) => w === 2)) upd.push(set(uv, f64x2Splat(get(u))));
      g.forEach(([t, w], k) => {
        const o = oc + 8 * (t + 1);
        upd.push(
          w === 2
            ? v128StoreAt(get(pc), o, f64x2Sub(v128LoadAt(get(pc), o), f64x2Mul(get(lv + k), get(uv))))
            : storeF64At(get(pc), o, fSub(loadF64At(get(pc), o), fMul(get(ls + k), get(u)))),
        );
      });
      upd.push(storeI32At(get(pu), 4 * c, or(loadI32At(get(pu), 4 * c), i32(1 << (c - 1)))));
      steps.push(brIf(ltS(get(d), i32(c)), 0), set(u, loadF64At(get(pc), oc)), ifThen(fNe(get(u), f64Zero), ...upd));
    }
    return [...search, ...pivot, ...scale, block(...steps)].flat();
  };
  const next = [set(j, add(get(j), i32(1))), set(pc, add(get(pc), i32(ld8))), set(pu, add(get(pu), i32(4)))].flat();
  const body = [
    // fill-in rows above the original band start at zero, and U's extent bits
    set(pa, get(ab)),
    set(pe, add(get(ab), mul(get(n), i32(ld8)))),
    set(pu, get(reach)),
    until(
      geU(get(pa), get(pe)),
      ...Array.from({ length: kl }, (_, i) => storeF64At(get(pa), 8 * i, f64Zero)),
      storeI32At(get(pu), 0, i32(0)),
      set(pa, add(get(pa), i32(ld8))),
      set(pu, add(get(pu), i32(4))),
    ),
    set(pu, get(reach)),
    set(ju, i32(0)),
    set(j, i32(0)),
    set(pc, add(get(ab), i32(8 * kv))),
    // columns with kl rows below the diagonal (j ≤ n − 1 − kl), two at a time, then the last kl
    until(gtS(add(get(j), i32(1)), sub(sub(get(n), i32(1)), i32(kl))), column(kl, false), next, column(kl, true), next),
    ifThen(leS(get(j), sub(sub(get(n), i32(1)), i32(kl))), column(kl, false), next),
    kl === 0
      ? []
      : until(
          geS(get(j), get(n)),
          dispatch(sub(sub(get(n), i32(1)), get(j)), kl - 1, (mm) => column(mm, null)),
          next,
        ),
    // U's and L's column extents, now that the factorisation has succeeded
    uBits
      ? [
          memoryCopy(get(um), get(reach), shl(get(n), i32(2))),
          memoryCopy(get(lm), at(get(reach), get(n), 2), shl(get(n), i32(2))),
        ].flat()
      : [
          set(j, i32(0)),
          set(top, i32(0)),
          set(pc, add(get(ab), i32(8 * kv))),
          until(
            geS(get(j), get(n)),
            // from the first row whose reach includes j, trimmed to the first nonzero
            until(geS(loadI32(at(get(reach), get(top), 2)), get(j)), set(top, add(get(top), i32(1)))),
            set(m, sub(get(j), get(top))),
            until(
              or(leS(get(m), i32(0)), fNe(loadF64(sub(get(pc), shl(get(m), i32(3)))), f64Zero)),
              set(m, sub(get(m), i32(1))),
            ),
            storeI32(at(get(um), get(j), 2), get(m)),
            storeI32(at(get(lm), get(j), 2), loadI32(lmAt)),
            next,
          ),
        ].flat(),
    i32(1),
  ];
  return {
    name: 'factor',
    params: [I32, I32, I32, I32, I32, I32, F64],
    results: [I32],
    locals: [
      ...[I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
      ...[F64, F64, F64, F64, F64, F64],
      ...Array.from({ length: kl }, () => F64),
      ...(simd ? [V128, ...Array.from({ length: kl }, () => V128)] : []),
      I32,
      ...(simd ? [V128] : []),
      I32,
    ],
    body: [simd ? set(zv, f64x2Splat(f64Zero)) : [], ...body].flat(),
  };
}

/**
 * equilibrate(n, ab, rs) for the band shape (kl, ku): BandLu.equilibrate's operations row by row — row
 * i's largest magnitude over rs[i] and its entries in column order, its inverse (1 for none), then its
 * entries scaled — which is what the column sweeps compute: each row's maximum and scaling involve only
 * that row's entries, taken in the same order. With SIMD two rows at a time (rows i and i + 1 of a column
 * are adjacent in the band storage): f64x2.pmax and f64x2.abs (the comparison and choice of
 * `if (a > rs[i]) rs[i] = a`) over the columns both rows have, row i's first column and row i + 1's last
 * alone; f64x2.mul for the scaling. Rows whose band is cut by the matrix's edge one at a time.
 */
function equilibrateShapedFunc(kl: number, ku: number, simd: boolean): Func {
  const kv = kl + ku;
  const ld = 2 * kl + ku + 1;
  const step8 = 8 * (ld - 1); // from A(i, j) to A(i, j + 1)
  const [n, ab, rs] = [0, 1, 2];
  const [i, pa, pe, pr, ps, k] = [3, 4, 5, 6, 7, 8];
  const [x, y, r] = [9, 10, 11];
  const [acc, sc] = [12, 13]; // v128
  const inverse = (l: number): Code => select(fDiv(f64One, get(l)), f64One, fGt(get(l), f64Zero));
  /**
   * row i (any i): its columns j0 = max(0, i − kl) .. j1 = min(n − 1, i + ku), counted (the step between
   * them is 0 bytes when kl = ku = 0); pr at rs[i]
   */
  const j0 = select(i32(0), sub(get(i), i32(kl)), ltS(get(i), i32(kl)));
  const j1 = select(sub(get(n), i32(1)), add(get(i), i32(ku)), gtS(add(get(i), i32(ku)), sub(get(n), i32(1))));
  const rowAny = [
    set(ps, at(get(ab), add(i32(kv), add(get(i), mul(j0, i32(ld - 1)))), 3)),
    set(pe, sub(j1, j0)),
    set(x, loadF64(get(pr))),
    set(pa, get(ps)),
    set(k, get(pe)),
    until(
      ltS(get(k), i32(0)),
      set(y, fAbs(loadF64(get(pa)))),
      set(x, select(get(y), get(x), fGt(get(y), get(x)))),
      set(pa, add(get(pa), i32(step8))),
      set(k, sub(get(k), i32(1))),
    ),
    set(x, inverse(x)),
    storeF64(get(pr), get(x)),
    set(pa, get(ps)),
    set(k, get(pe)),
    until(
      ltS(get(k), i32(0)),
      storeF64(get(pa), fMul(loadF64(get(pa)), get(x))),
      set(pa, add(get(pa), i32(step8))),
      set(k, sub(get(k), i32(1))),
    ),
  ].flat();
  // rows i with i ≥ kl and i + 1 + ku ≤ n − 1 (SIMD: rows i, i + 1; else row i alone): pa at A(i, i − kl)
  const rowsFull = simd
    ? [
        set(pa, at(get(ab), add(i32(kv), add(get(i), mul(sub(get(i), i32(kl)), i32(ld - 1)))), 3)),
        set(acc, v128Load(get(pr))),
        ...Array.from({ length: kv }, (_, c) =>
          set(acc, f64x2Pmax(get(acc), f64x2Abs(v128LoadAt(get(pa), (c + 1) * step8)))),
        ),
        // row i's first column (c = 0) and row i + 1's last (c = kv + 1) alone
        set(x, f64x2Lane(get(acc), 0)),
        set(y, fAbs(loadF64(get(pa)))),
        set(x, select(get(y), get(x), fGt(get(y), get(x)))),
        set(r, f64x2Lane(get(acc), 1)),
        set(y, fAbs(loadF64At(get(pa), (kv + 1) * step8 + 8))),
        set(r, select(get(y), get(r), fGt(get(y), get(r)))),
        set(x, inverse(x)),
        set(r, inverse(r)),
        storeF64(get(pr), get(x)),
        storeF64At(get(pr), 8, get(r)),
        set(sc, f64x2Lane1(f64x2Splat(get(x)), get(r))),
        storeF64(get(pa), fMul(loadF64(get(pa)), get(x))),
        ...Array.from({ length: kv }, (_, c) =>
          v128StoreAt(get(pa), (c + 1) * step8, f64x2Mul(v128LoadAt(get(pa), (c + 1) * step8), get(sc))),
        ),
        storeF64At(get(pa), (kv + 1) * step8 + 8, fMul(loadF64At(get(pa), (kv + 1) * step8 + 8), get(r))),
      ]
    : [
        set(pa, at(get(ab), add(i32(kv), add(get(i), mul(sub(get(i), i32(kl)), i32(ld - 1)))), 3)),
        set(x, loadF64(get(pr))),
        ...Array.from({ length: kv + 1 }, (_, c) => [
          set(y, fAbs(loadF64At(get(pa), c * step8))),
          set(x, select(get(y), get(x), fGt(get(y), get(x)))),
        ]).flat(),
        set(x, inverse(x)),
        storeF64(get(pr), get(x)),
        ...Array.from({ length: kv + 1 }, (_, c) =>
          storeF64At(get(pa), c * step8, fMul(loadF64At(get(pa), c * step8), get(x))),
        ),
      ];
  const rows = simd ? 2 : 1;
  const body = [
    set(i, i32(0)),
    set(pr, get(rs)),
    until(
      or(geS(get(i), i32(kl)), geS(get(i), get(n))),
      rowAny,
      set(i, add(get(i), i32(1))),
      set(pr, add(get(pr), i32(8))),
    ),
    until(
      gtS(add(get(i), i32(rows - 1 + ku)), sub(get(n), i32(1))),
      ...rowsFull,
      set(i, add(get(i), i32(rows))),
      set(pr, add(get(pr), i32(8 * rows))),
    ),
    until(geS(get(i), get(n)), rowAny, set(i, add(get(i), i32(1))), set(pr, add(get(pr), i32(8)))),
  ];
  return {
    name: 'equilibrate',
    params: [I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, F64, F64, F64, ...(simd ? [V128, V128] : [])],
    body: body.flat(),
  };
}

type EquilibrateFn = (n: number, kl: number, ku: number, ld: number, ab: number, rs: number) => void;
type SolveFn = (n: number, kv: number, ld: number, ab: number, b: number, piv: number, um: number, lm: number) => void;
type FactorFn = (
  n: number,
  kl: number,
  ku: number,
  ld: number,
  ab: number,
  piv: number,
  reach: number,
  um: number,
  lm: number,
  threshold: number,
) => number;

type ShapedSolveFn = (n: number, ab: number, b: number, piv: number, um: number, lm: number) => void;
type ShapedFactorFn = (
  n: number,
  ab: number,
  piv: number,
  reach: number,
  um: number,
  lm: number,
  thr: number,
) => number;
type ShapedEquilibrateFn = (n: number, ab: number, rs: number) => void;
/** the kernels of one band shape, instantiated on the arena's memory */
interface ShapedFns {
  readonly kl: number;
  readonly ku: number;
  readonly solve: ShapedSolveFn;
  readonly factor: ShapedFactorFn;
  readonly equilibrate: ShapedEquilibrateFn;
}

/** BandLu's factor and solve with the kernel (count: the number of the factorisation the factors belong to) */
export interface BandKernel {
  /** factorises lu's band storage (BandLu.factor(rowScale): same results, held in the arena until read: heldBy) */
  factor(lu: BandFactors, count: number, rowScale: Float64Array | null): boolean;
  /** solves b[offset .. offset + n) in place with lu's factors of factorisation count */
  solve(lu: BandFactors, count: number, b: Float64Array, offset: number): void;
  /**
   * lu's band storage in the arena, holding lu's current contents, to be written in place for the next
   * factor(lu) (lu held by the kernel from then on); valid until this kernel next serves another band
   * (which may move or grow the arena: the contents are then written back to lu's arrays first)
   */
  stage(lu: BandFactors, count: number): Float64Array;
  /** writes the arena's contents of lu (held by this kernel) back into lu's arrays; lu no longer held */
  release(lu: BandFactors): void;
}

/** the arena's layout for one band size: byte offsets and views */
interface Layout {
  readonly n: number;
  readonly len: number;
  readonly ab: Float64Array;
  readonly b: Float64Array;
  readonly piv: Int32Array;
  readonly um: Int32Array;
  readonly lm: Int32Array;
  readonly rs: Float64Array;
  readonly oB: number;
  readonly oRs: number;
  readonly oPiv: number;
  readonly oReach: number;
  readonly oUm: number;
  readonly oLm: number;
}

/** the compiled kernel and its arena, with the factors of one band at a time */
/**
 * the arena is given back (a fresh instance, its memory grown to the band in use) after ARENA_RENEW_AFTER
 * factorisations and solves in a row with a band that needs less than 1/ARENA_SHRINK_FACTOR of it, when
 * it is larger than ARENA_KEEP_BYTES: WebAssembly memory only grows, so one large band would otherwise
 * hold its memory for the thread's lifetime (the count keeps bands of different sizes used in turn from
 * renewing and growing it at every switch)
 */
const ARENA_SHRINK_FACTOR = 4;
const ARENA_KEEP_BYTES = 1 << 20;
const ARENA_RENEW_AFTER = 256;

/**
 * bands whose kl and ku are at most SHAPED_MAX_WIDTH get kernels assembled for their shape (the written-out
 * column bodies grow as kl·(kl + ku)), up to SHAPED_MAX_SHAPES shapes per thread; the others, and any
 * beyond, run the general kernels (the same operations)
 */
const SHAPED_MAX_WIDTH = 12;
const SHAPED_MAX_SHAPES = 64;

/** compiles the kernels for a shape (null: not to be specialised) and instantiates a module on a memory */
interface KernelModules {
  general: object;
  shaped(kl: number, ku: number): object | null;
  instantiate(module: object, mem: WasmMemory): { exports: Record<string, unknown> };
  memory(): WasmMemory;
}

class Kernel implements BandKernel {
  private mem: WasmMemory;
  private runSolve!: SolveFn;
  private runFactor!: FactorFn;
  private runEquilibrate!: EquilibrateFn;
  /** the shapes' kernels on the current memory (instantiated at first use after each renewal) */
  private shapes = new Map<number, ShapedFns | null>();
  /** the last shape looked up (a solver uses one band at a time) */
  private last: ShapedFns | null = null;
  private lastKey = -1;
  /** calls in a row with a layout that needs less than 1/ARENA_SHRINK_FACTOR of a large arena (0: none) */
  private oversize = 0;
  private owner: BandFactors | null = null;
  private ownerCount = -1;
  private lay: Layout | null = null;
  /** the last right-hand side's subarray (a solver passes the same array at the same offset every time) */
  private subSrc: Float64Array | null = null;
  private subOff = -1;
  private sub: Float64Array = new Float64Array(0);

  constructor(private readonly modules: KernelModules) {
    this.mem = modules.memory();
    this.attach();
  }

  /** the general kernels on this.mem */
  private attach(): void {
    const { exports } = this.modules.instantiate(this.modules.general, this.mem);
    this.runSolve = exports.solve as SolveFn;
    this.runFactor = exports.factor as FactorFn;
    this.runEquilibrate = exports.equilibrate as EquilibrateFn;
    this.shapes.clear();
    this.last = null;
    this.lastKey = -1;
  }

  /** the kernels for lu's shape, null for the general ones */
  private shaped(kl: number, ku: number): ShapedFns | null {
    if (!shapedWanted) return null;
    const key = kl * 65536 + ku;
    if (key === this.lastKey) return this.last;
    let fns = this.shapes.get(key);
    if (fns === undefined) {
      const module = this.modules.shaped(kl, ku);
      if (module === null) fns = null;
      else {
        const { exports } = this.modules.instantiate(module, this.mem);
        fns = {
          kl,
          ku,
          solve: exports.solve as ShapedSolveFn,
          factor: exports.factor as ShapedFactorFn,
          equilibrate: exports.equilibrate as ShapedEquilibrateFn,
        };
      }
      this.shapes.set(key, fns);
    }
    this.last = fns;
    this.lastKey = key;
    return fns;
  }

  /** whether bands of this shape run kernels assembled for it (tests) */
  hasShaped(kl: number, ku: number): boolean {
    return this.shaped(kl, ku) !== null;
  }

  /** the arena's size in bytes (tests: it does not keep a large band's memory) */
  get arenaBytes(): number {
    return this.mem.buffer.byteLength;
  }

  /** a fresh memory (its first page) for the kernels: the old arena is given back */
  private renew(): void {
    this.mem = this.modules.memory();
    this.attach();
  }

  /** the arena's layout for lu's size (growing the memory when needed) */
  private layout(lu: BandFactors): Layout {
    const { n } = lu;
    const len = lu.arrays.ab.length;
    const have = this.lay;
    // only layout() grows the memory (detaching the old views), so a layout of the same size is current
    if (have !== null && have.n === n && have.len === len) {
      if (this.oversize === 0 || ++this.oversize <= ARENA_RENEW_AFTER) return have;
      // long enough on a band far smaller than the arena: a fresh one (laid out below)
      this.evict();
      this.renew();
    }
    // the held band's contents back into its arrays while the views of the old layout are attached
    this.evict();
    const oB = len * 8;
    const oPiv = oB + n * 8;
    // 2·n of scratch: the general factor's row reaches; the shaped factor's U extent bits, and L's extents
    // in the second half, until it ends
    const oReach = oPiv + n * 4;
    const oUm = oReach + n * 8;
    const oLm = oUm + n * 4;
    const oRs = oLm + n * 4 + (n % 2) * 4; // a multiple of 8 (five i32 arrays of n after f64 ones, n odd: 4 bytes more)
    const bytes = oRs + n * 8;
    this.oversize = this.mem.buffer.byteLength > Math.max(ARENA_SHRINK_FACTOR * bytes, ARENA_KEEP_BYTES) ? 1 : 0;
    const size = this.mem.buffer.byteLength;
    if (bytes > size) this.mem.grow(Math.ceil((bytes - size) / 65536));
    const buffer = this.mem.buffer;
    const lay: Layout = {
      n,
      len,
      ab: new Float64Array(buffer, 0, len),
      b: new Float64Array(buffer, oB, n),
      piv: new Int32Array(buffer, oPiv, n),
      um: new Int32Array(buffer, oUm, n),
      lm: new Int32Array(buffer, oLm, n),
      rs: new Float64Array(buffer, oRs, n),
      oB,
      oRs,
      oPiv,
      oReach,
      oUm,
      oLm,
    };
    this.lay = lay;
    this.owner = null;
    return lay;
  }

  /** copies lu's band storage, pivots and extents into the arena, as factorisation count */
  private loadFrom(lu: BandFactors, lay: Layout, count: number): void {
    if (this.owner !== lu) this.evict();
    const own = lu.arrays;
    lay.ab.set(own.ab);
    lay.piv.set(own.piv);
    lay.um.set(own.um);
    lay.lm.set(own.lm);
    this.owner = lu;
    this.ownerCount = count;
  }

  /** the arena's band back to its owner's arrays where the kernel holds it (another band takes the arena) */
  private evict(): void {
    const o = this.owner;
    if (o !== null && o.heldBy === this) this.release(o);
    this.owner = null;
  }

  release(lu: BandFactors): void {
    // held by this kernel: lu owns the arena and the layout is lu's (layout() and loadFrom evict first)
    const lay = this.lay!;
    const own = lu.arrays;
    own.ab.set(lay.ab);
    own.piv.set(lay.piv);
    own.um.set(lay.um);
    own.lm.set(lay.lm);
    lu.heldBy = null;
  }

  /**
   * the arena laid out for lu, holding lu's current contents: lu's own arrays copied in unless the
   * kernel holds lu (the contents held by another kernel — compiled again after a switch — written
   * back first)
   */
  private claim(lu: BandFactors, count: number): Layout {
    const other = lu.heldBy;
    if (other !== null && other !== this) other.release(lu);
    const lay = this.layout(lu);
    if (lu.heldBy !== this) this.loadFrom(lu, lay, count);
    return lay;
  }

  stage(lu: BandFactors, count: number): Float64Array {
    const lay = this.claim(lu, count);
    lu.heldBy = this;
    return lay.ab;
  }

  factor(lu: BandFactors, count: number, rowScale: Float64Array | null): boolean {
    // piv, um, lm too: what the factorisation leaves unset (after a failed column) stays lu's own
    const lay = this.claim(lu, count);
    const fns = this.shaped(lu.kl, lu.ku);
    if (rowScale !== null) {
      lay.rs.set(rowScale);
      if (fns !== null) fns.equilibrate(lu.n, 0, lay.oRs);
      else this.runEquilibrate(lu.n, lu.kl, lu.ku, lu.ld, 0, lay.oRs);
      rowScale.set(lay.rs);
    }
    const ok =
      (fns !== null
        ? fns.factor(lu.n, 0, lay.oPiv, lay.oReach, lay.oUm, lay.oLm, lu.pivotThreshold)
        : this.runFactor(lu.n, lu.kl, lu.ku, lu.ld, 0, lay.oPiv, lay.oReach, lay.oUm, lay.oLm, lu.pivotThreshold)) ===
      1;
    // the factors stay in the arena (lu's arrays get them when read, or when another band takes it)
    this.ownerCount = count;
    lu.heldBy = this;
    return ok;
  }

  solve(lu: BandFactors, count: number, b: Float64Array, offset: number): void {
    const other = lu.heldBy;
    if (other !== null && other !== this) other.release(lu);
    const lay = this.layout(lu);
    // another band's (or an older) factorisation in the arena: lu's factors in
    if (lu.heldBy !== this && (this.owner !== lu || this.ownerCount !== count)) this.loadFrom(lu, lay, count);
    const n = lu.n;
    const bv = lay.b;
    if (offset === 0 && b.length === n) bv.set(b);
    else {
      if (this.subSrc !== b || this.subOff !== offset || this.sub.length !== n) {
        this.sub = b.subarray(offset, offset + n);
        this.subSrc = b;
        this.subOff = offset;
      }
      bv.set(this.sub);
    }
    const fns = this.shaped(lu.kl, lu.ku);
    if (fns !== null) fns.solve(n, 0, lay.oB, lay.oPiv, lay.oUm, lay.oLm);
    else this.runSolve(n, lu.kl + lu.ku, lu.ld, 0, lay.oB, lay.oPiv, lay.oUm, lay.oLm);
    b.set(bv, offset);
  }
}

let kernel: Kernel | null | undefined; // undefined: not tried yet; null: unavailable
let enabled = true;
/** whether compile() tries the SIMD loops first (tests switch it off to compare the scalar ones too) */
let simdWanted = true;
/** whether the compiled kernel has the SIMD loops */
let simdUsed = false;

/** whether kernels are assembled per band shape (tests compare them with the general ones) */
let shapedWanted = true;

function compile(): Kernel | null {
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (wasm === undefined) return null;
    // with WebAssembly SIMD where the engine has it, else the same kernels with scalar loops; every module
    // imports the one memory (the arena) so that the general and the shapes' kernels share it
    const build = (simd: boolean, funcs: Func[]): object => new wasm.Module(encodeModule(funcs, true));
    let general: object | null = null;
    simdUsed = false;
    if (simdWanted)
      try {
        general = build(true, [solveFunc(true), factorFunc(true), equilibrateFunc(true)]);
        simdUsed = true;
      } catch {
        general = null;
      }
    general ??= build(false, [solveFunc(false), factorFunc(false), equilibrateFunc(false)]);
    const simd = simdUsed;
    const shaped = new Map<number, object | null>();
    return new Kernel({
      general,
      shaped(kl: number, ku: number): object | null {
        if (kl > SHAPED_MAX_WIDTH || ku > SHAPED_MAX_WIDTH) return null;
        const key = kl * 65536 + ku;
        let module = shaped.get(key);
        if (module === undefined) {
          module = null;
          if (shaped.size < SHAPED_MAX_SHAPES)
            try {
              module = build(simd, [
                solveShapedFunc(kl, ku, simd),
                factorShapedFunc(kl, ku, simd),
                equilibrateShapedFunc(kl, ku, simd),
              ]);
            } catch {
              module = null;
            }
          shaped.set(key, module);
        }
        return module;
      },
      instantiate: (module, mem) => new wasm.Instance(module, { env: { mem } }),
      memory: () => new wasm.Memory({ initial: 1 }),
    });
  } catch {
    return null;
  }
}

/**
 * the kernel for a band of n rows, null where BandLu's JavaScript loops are to run (switched off,
 * WebAssembly unavailable, or a band too small for the copies to pay: n < 32)
 */
export function bandKernel(n: number): BandKernel | null {
  if (!enabled || n < 32) return null;
  if (kernel === undefined) kernel = compile();
  return kernel;
}

/** switches the WebAssembly band solve on or off (tests compare both paths); returns the previous setting */
export function useWasmBandKernel(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/**
 * the kernel with (true) or without (false) its SIMD loops from the next use on (it is compiled again);
 * tests compare both with the JavaScript loops. Returns the previous setting
 */
export function useWasmBandSimd(on: boolean): boolean {
  const was = simdWanted;
  if (on !== simdWanted) {
    simdWanted = on;
    kernel = undefined;
  }
  return was;
}

/**
 * the kernels assembled per band shape (true) or only the general ones (false) from the next call on;
 * tests compare both with the JavaScript loops. Returns the previous setting
 */
export function useWasmBandShaped(on: boolean): boolean {
  const was = shapedWanted;
  shapedWanted = on;
  return was;
}

/** whether bands of shape (kl, ku) run kernels assembled for their shape on this thread (tests) */
export function wasmBandShapedUsed(kl: number, ku: number): boolean {
  if (kernel === undefined) kernel = compile();
  return kernel !== null && kernel.hasShaped(kl, ku);
}

/** whether this thread's kernel runs the SIMD loops (tests) */
export function wasmBandSimdUsed(): boolean {
  if (kernel === undefined) kernel = compile();
  return kernel !== null && simdUsed;
}

/** the kernel's arena in bytes on this thread (0: no kernel); tests */
export function wasmBandKernelArenaBytes(): number {
  return kernel ? kernel.arenaBytes : 0;
}

/** whether the kernel compiled on this thread (tests: the comparison of both paths must not be vacuous) */
export function wasmBandKernelAvailable(): boolean {
  if (kernel === undefined) kernel = compile();
  return kernel !== null;
}
