/**
 * The DFN model's nonlinear residual (./dfn.ts DfnModel.residual with nonlinearOnly: every row but the
 * linear particle rows) as a WebAssembly kernel for the common case: isothermal at the reference
 * temperature, no OCP hysteresis, every material's U_ref(θ) tabulated and its D_s constant, the
 * electrolyte's D_e and κ tabulated on one grid and its thermodynamic factor constant or tabulated on
 * that grid (./ocp-table.ts). The kernel does the logarithms of c_e, the electrolyte faces (fluxes,
 * currents, solid currents) and the volumes (sources, surface stoichiometry, OCP table, the kinetics
 * rows with their sinh), so the result is bit for bit the JavaScript path's: the same IEEE 754
 * operations in the same order (f64 add/sub/mul/div/sqrt, no fused multiply-add), the same interval
 * search of the tables (truncation of a non-negative double), and log and sinh as the WebAssembly twins
 * (../../numerics/wasm-libm.ts) of the functions the JavaScript path calls (../../numerics/libm.ts, ≤ 1 ulp;
 * test/numerics/libm.test.ts checks the twins bit for bit), two arguments a call in f64x2 lanes (logPair
 * and sinhPair: per lane log's and sinh's operations in their order). As in the JavaScript path, the
 * logarithms run in a sweep of their own before the faces, and the kinetics rows in one after the volumes
 * (their prefactors and sinh arguments kept per entry), so that consecutive arguments pair up; each row
 * depends on its own entry alone, so the order of the sweeps changes no double. Likewise the kinetics
 * entries (one per electrode volume and material: surface stoichiometry, OCP, prefactor, argument, source
 * a·j·Δx) run two a pass in f64x2 lanes before the volumes, each lane the scalar operations in their order
 * (the OCP table's coefficients loaded per lane; the θ(1 − θ) floor as f64x2.pmax, the same comparison;
 * c_e/c_e0 masked to +0 where c_e ≤ 0 or NaN, the same value as the scalar branch), and each volume then
 * sums its entries' sources in the materials' order.
 * The full residual (./dfn.ts) runs this kernel too and writes the linear particle rows in JavaScript.
 *
 * Where a value leaves a table's range (the JavaScript path then calls the exact function) or a surface
 * stoichiometry leaves its window (the JavaScript path fills f with NaN), the kernel declines the call
 * (it writes nothing to f) and the model runs its JavaScript path. Models of another kind (thermal,
 * hysteresis, an OCP or property without a table, a concentration-dependent D_s, T ≠ T_ref) never
 * reach the kernel (DfnModel decides, dfnKernelFor builds nothing for them).
 *
 * One memory per thread, never grown (growing detaches the buffer the views hold, and the engine's
 * typed-array fast paths assume no buffer is ever detached): log and sinh's tables at its start, the model
 * block of the model that ran last (indices, geometry, the kinetics entries' constants, state and f copies,
 * ln c_e, scratch)
 * after them, the OCP and property tables above it,
 * cached by table (models built from the same parsed parameters share them). A model larger than the
 * block, or tables more than the memory holds, get a fresh memory. The module is assembled from the
 * instructions below (../../numerics/wasm-encoder.ts) at the first use and compiled once per thread.
 */
import {
  F64,
  I32,
  add,
  and,
  at,
  call,
  encodeModule,
  eqz,
  f64,
  f64Zero,
  fAdd,
  fDiv,
  fGe,
  fGt,
  fLt,
  fMul,
  fNeg,
  fSub,
  get,
  i32,
  ifThen,
  ifElse,
  truncF64S,
  f64FromI32S,
  loadF64,
  loadF64At,
  loadI32,
  mul,
  op,
  ret,
  set,
  storeF64,
  sub,
  until,
  geS,
  ltS,
  or,
  loadI32At,
  v128LoadAt,
  v128Store,
  pair,
  lanes,
  vconst,
  f64x2Add,
  f64x2Sub,
  f64x2Mul,
  f64x2Div,
  f64x2Sqrt,
  f64x2Gt,
  f64x2Pmax,
  f64x2Splat,
  v128And,
  v128Load,
  f64x2Lane,
  V128,
  type Code,
  type Func,
  type WasmApi,
  type WasmMemory,
} from '../../numerics/wasm-encoder.ts';
import { LIBM_TABLE_BYTES, libmFuncs, writeLibmTable } from '../../numerics/wasm-libm.ts';
import type { OcpTable } from './ocp-table.ts';

const eqI = op(0x46);

/**
 * per pair of kinetics entries (one per electrode volume and material, in the volumes' order, padded to an
 * even count by repeating the last): the two entries' constants side by side, so that the pair's
 * arithmetic runs in the two lanes of f64x2 operations. PAIR_STRIDE bytes each; f64x2 fields (lane 0 the
 * first entry, lane 1 the second), then per lane an f64 and i32 fields.
 */
const P_DR = 0; // radial step Δr
const P_DS2 = 16; // 2·D_s
const P_CMAX = 32;
const P_X0 = 48; // the OCP table's start, 1/h
const P_INVH = 64;
const P_KT2 = 80; // 2·k(T)
const P_A = 96; // surface area per volume
const P_DX = 112; // the volume's Δx
const P_NINT = 128; // the OCP table's intervals (f64, per lane)
const P_TAB = 144; // byte address of the OCP table's coefficients (i32, per lane)
const P_ROW = 152; // the pore-wall flux's row (its kinetics row; c_s's outer shell the row before)
const P_CE = 160; // the volume's c_e, φ_s and φ_e rows
const P_PS = 168;
const P_PE = 176;
const PAIR_STRIDE = 192;

/** scalars of the model block (f64 at these byte offsets of SC) */
const S_ARRDE = 0;
const S_ARRKE = 8;
const S_C1 = 16; // 2RT/F·(1 − t⁺)
const S_NU = 24; // 2RT/F·(1 − t⁺)·TF with a constant TF
const S_CE0 = 32;
const S_OMT = 40; // 1 − t⁺
const S_HALFFRT = 48;
const S_GX0 = 56;
const S_GINVH = 64;
const S_GNINT = 72;
const S_THLO = 80;
const S_THHI = 88;
const S_THEPS = 96;
const S_F = 104;
const SC_BYTES = 112;
/** byte address of log and sinh's tables (../../numerics/wasm-libm.ts) and of the model block's scalars after them */
const LIBM_AT = 0;
const SC_AT = LIBM_AT + LIBM_TABLE_BYTES;

/** the kernel's status: 0 done; otherwise it declined (nothing written to f) */
export const KERNEL_OK = 0;

class Locals {
  readonly params: number[] = [];
  readonly locals: number[] = [];
  param(type: number): number {
    this.params.push(type);
    return this.params.length - 1;
  }
  local(type: number): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }
}

/**
 * res(nx, nNeg, nMat, tfTab, pDom, pCe, pPe, pPs, pG, pS, pDx, pEps, pPC, pY, pOut, pLn, pSc, pTD, pTK, pTF,
 * pKR, pKP, pKA, nPair, pSE) → status (pPC: the nPair pairs of kinetics entries, PAIR_STRIDE bytes each;
 * pKR: the kinetics rows; pKP, pKA, pSE: per entry its prefactor, sinh argument and source, scratch; log,
 * sinh, logPair, sinhPair: the function indices of ../../numerics/wasm-libm.ts's)
 */
function residualFunc(logFn: number, sinhFn: number, logPairFn: number, sinhPairFn: number): Func {
  const L = new Locals();
  const nx = L.param(I32);
  const nNeg = L.param(I32);
  const nMat = L.param(I32);
  const tfTab = L.param(I32);
  const pDom = L.param(I32);
  const pCe = L.param(I32);
  const pPe = L.param(I32);
  const pPs = L.param(I32);
  const pG = L.param(I32);
  const pS = L.param(I32);
  const pDx = L.param(I32);
  const pEps = L.param(I32);
  const pPC = L.param(I32);
  const pY = L.param(I32);
  const pOut = L.param(I32);
  const pLn = L.param(I32);
  const pSc = L.param(I32);
  const pTD = L.param(I32);
  const pTK = L.param(I32);
  const pTF = L.param(I32);
  const pKR = L.param(I32);
  const pKP = L.param(I32);
  const pKA = L.param(I32);
  const nPair = L.param(I32);
  const pSE = L.param(I32);
  // locals
  const k = L.local(I32);
  const f = L.local(I32);
  const ia = L.local(I32);
  const ib = L.local(I32);
  const ipa = L.local(I32);
  const ipb = L.local(I32);
  const isa = L.local(I32);
  const isb = L.local(I32);
  const q = L.local(I32);
  const ca = L.local(F64);
  const cb = L.local(F64);
  const cf = L.local(F64);
  const G = L.local(F64);
  const sg = L.local(F64);
  const u = L.local(F64);
  const De = L.local(F64);
  const ka = L.local(F64);
  const N = L.local(F64);
  const oa = L.local(F64);
  const ob = L.local(F64);
  const nu = L.local(F64);
  const ya = L.local(F64);
  const yb = L.local(F64);
  const lna = L.local(F64);
  const lnb = L.local(F64);
  const ie = L.local(F64);
  const opa = L.local(F64);
  const opb = L.local(F64);
  const sF = L.local(F64);
  const is = L.local(F64);
  const osa = L.local(F64);
  const osb = L.local(F64);
  const gnInt = L.local(F64);
  const ice = L.local(I32);
  const d = L.local(I32);
  const g = L.local(I32);
  const g0 = L.local(I32);
  const gEnd = L.local(I32);
  const b = L.local(I32);
  const dxk = L.local(F64);
  const src = L.local(F64);
  const pt = L.local(I32);
  const tmp = L.local(F64);
  const nk = L.local(I32);
  const sp = L.local(V128);
  // the kinetics entries' pass (two a pass)
  const pp = L.local(I32);
  const p = L.local(I32);
  const qa = L.local(I32);
  const qb = L.local(I32);
  const tha = L.local(F64);
  const thb = L.local(F64);
  const [JJ, TH, GTH, SV, UV, T0a, T0b, T1a, T1b, OCP, CE, CER] = Array.from({ length: 12 }, () => L.local(V128));

  const i32At = (p: number, i: Code): Code => loadI32(at(get(p), i, 2));
  const f64At = (p: number, i: Code): Code => loadF64(at(get(p), i, 3));
  const yAt = (i: Code): Code => f64At(pY, i);
  const outAddr = (i: Code): Code => at(get(pOut), i, 3);
  // the block's scalars in locals (loaded once, before the loops)
  const scLocals = new Map<number, number>();
  const sc = (off: number): Code => {
    let l = scLocals.get(off);
    if (l === undefined) {
      l = L.local(F64);
      scLocals.set(off, l);
    }
    return get(l);
  };
  /** c[q] + u(c[q+1] + u(c[q+2] + u c[q+3])) of the table at byte address t (q: the interval's byte offset) */
  const poly = (t: Code): Code => [
    ...set(pt, add(t, get(q))),
    ...fAdd(
      loadF64At(get(pt), 0),
      fMul(
        get(u),
        fAdd(loadF64At(get(pt), 8), fMul(get(u), fAdd(loadF64At(get(pt), 16), fMul(get(u), loadF64At(get(pt), 24))))),
      ),
    ),
  ];
  /** the interval of s (a double in [0, nInt)): q its coefficients' byte offset, u = s − i */
  const interval = (sv: number): Code[] => [
    set(q, truncF64S(get(sv))),
    set(u, fSub(get(sv), f64FromI32S(get(q)))),
    set(q, mul(get(q), i32(32))),
  ];
  /** status when !(v ≥ 0 && v < n) */
  const outside = (v: number, n: Code, status: number): Code =>
    ifThen(eqz(and(fGe(get(v), f64Zero), fLt(get(v), n))), ret(i32(status)));

  const lnCe = (i: Code): Code => storeF64(at(get(pLn), i, 3), call(logFn, yAt(i32At(pCe, i))));
  const zero: Code[] = [
    // ln c_e of every volume (../../numerics/libm.ts's log), two volumes a call (logPair: log's doubles)
    set(k, i32(0)),
    until(
      geS(add(get(k), i32(1)), get(nx)),
      call(logPairFn, yAt(i32At(pCe, get(k))), yAt(i32At(pCe, add(get(k), i32(1)))), at(get(pLn), get(k), 3)),
      set(k, add(get(k), i32(2))),
    ),
    ifThen(ltS(get(k), get(nx)), lnCe(get(k))),
    set(k, i32(0)),
    until(
      geS(get(k), get(nx)),
      storeF64(outAddr(i32At(pCe, get(k))), f64Zero),
      storeF64(outAddr(i32At(pPe, get(k))), f64Zero),
      set(isa, i32At(pPs, get(k))),
      ifThen(geS(get(isa), i32(0)), storeF64(outAddr(get(isa)), f64Zero)),
      set(k, add(get(k), i32(1))),
    ),
  ];
  const faces: Code[] = [
    set(gnInt, sc(S_GNINT)),
    set(ia, i32At(pCe, i32(0))),
    set(ca, yAt(get(ia))),
    set(oa, f64Zero),
    set(ipa, i32At(pPe, i32(0))),
    set(ya, yAt(get(ipa))),
    set(opa, f64Zero),
    set(lna, f64At(pLn, i32(0))),
    set(isa, i32At(pPs, i32(0))),
    set(osa, f64Zero),
    set(f, i32(0)),
    until(
      geS(get(f), sub(get(nx), i32(1))),
      set(ib, i32At(pCe, add(get(f), i32(1)))),
      set(cb, yAt(get(ib))),
      set(cf, fMul(f64(0.5), fAdd(get(ca), get(cb)))),
      set(G, f64At(pG, get(f))),
      set(sg, fMul(fSub(get(cf), sc(S_GX0)), sc(S_GINVH))),
      outside(sg, get(gnInt), 1),
      ...interval(sg),
      set(De, fMul(poly(get(pTD)), sc(S_ARRDE))),
      set(ka, fMul(poly(get(pTK)), sc(S_ARRKE))),
      set(N, fMul(fMul(fNeg(get(De)), get(G)), fSub(get(cb), get(ca)))),
      storeF64(outAddr(get(ia)), fSub(get(oa), get(N))),
      set(ob, fAdd(f64Zero, get(N))),
      storeF64(outAddr(get(ib)), get(ob)),
      ifElse(get(tfTab), [set(nu, fMul(sc(S_C1), poly(get(pTF))))], [set(nu, sc(S_NU))]),
      set(ipb, i32At(pPe, add(get(f), i32(1)))),
      set(yb, yAt(get(ipb))),
      set(lnb, f64At(pLn, add(get(f), i32(1)))),
      set(
        ie,
        fAdd(
          fMul(fMul(fNeg(get(ka)), get(G)), fSub(get(yb), get(ya))),
          fMul(fMul(fMul(get(ka), get(G)), get(nu)), fSub(get(lnb), get(lna))),
        ),
      ),
      storeF64(outAddr(get(ipa)), fSub(get(opa), get(ie))),
      set(opb, fAdd(f64Zero, get(ie))),
      storeF64(outAddr(get(ipb)), get(opb)),
      set(isb, i32At(pPs, add(get(f), i32(1)))),
      set(sF, f64At(pS, get(f))),
      set(osb, f64Zero),
      ifThen(
        fGt(get(sF), f64Zero),
        set(is, fMul(fNeg(get(sF)), fSub(yAt(get(isb)), yAt(get(isa))))),
        storeF64(outAddr(get(isa)), fSub(get(osa), get(is))),
        set(osb, fAdd(f64Zero, get(is))),
        storeF64(outAddr(get(isb)), get(osb)),
      ),
      set(ia, get(ib)),
      set(ca, get(cb)),
      set(oa, get(ob)),
      set(ipa, get(ipb)),
      set(ya, get(yb)),
      set(opa, get(opb)),
      set(lna, get(lnb)),
      set(isa, get(isb)),
      set(osa, get(osb)),
      set(f, add(get(f), i32(1))),
    ),
  ];
  // the kinetics entries, two a pass (the pair block, pPC): per lane the scalar path's operations on that
  // entry's values, in its order: θ, the window, θ(1 − θ) and its floor, the OCP table, the prefactor
  // 2k·√(c_e/c_e0·θ(1−θ)), sinh's argument F/(2RT)·(φ_s − φ_e − U) and the source a·j·Δx (pSE)
  const pc = (off: number): Code => v128LoadAt(get(pp), off);
  const pcI = (off: number, lane: number): Code => loadI32At(get(pp), off + 4 * lane);
  /** y at the row in the pair block's i32 field off of lane l, minus d */
  const yRow = (off: number, l: number, d = 0): Code => yAt(d === 0 ? pcI(off, l) : sub(pcI(off, l), i32(d)));
  const entries: Code[] = [
    set(pp, get(pPC)),
    set(p, i32(0)),
    until(
      geS(get(p), get(nPair)),
      set(JJ, pair(yRow(P_ROW, 0), yRow(P_ROW, 1))),
      // θ = (c_N − j·Δr/(2 D_s))/c_max
      set(
        TH,
        f64x2Div(
          f64x2Sub(pair(yRow(P_ROW, 0, 1), yRow(P_ROW, 1, 1)), f64x2Div(f64x2Mul(get(JJ), pc(P_DR)), pc(P_DS2))),
          pc(P_CMAX),
        ),
      ),
      set(tha, f64x2Lane(get(TH), 0)),
      set(thb, f64x2Lane(get(TH), 1)),
      ifThen(
        or(
          or(fLt(get(tha), sc(S_THLO)), fGt(get(tha), sc(S_THHI))),
          or(fLt(get(thb), sc(S_THLO)), fGt(get(thb), sc(S_THHI))),
        ),
        ret(i32(2)),
      ),
      // θ(1 − θ), raised to the floor where below it (pmax(a, b): a < b ? b : a, the scalar path's test)
      set(GTH, f64x2Pmax(f64x2Mul(get(TH), f64x2Sub(vconst(1), get(TH))), f64x2Splat(sc(S_THEPS)))),
      set(SV, f64x2Mul(f64x2Sub(get(TH), pc(P_X0)), pc(P_INVH))),
      set(tha, f64x2Lane(get(SV), 0)),
      set(thb, f64x2Lane(get(SV), 1)),
      ifThen(
        eqz(
          and(
            and(fGe(get(tha), f64Zero), fLt(get(tha), loadF64At(get(pp), P_NINT))),
            and(fGe(get(thb), f64Zero), fLt(get(thb), loadF64At(get(pp), P_NINT + 8))),
          ),
        ),
        ret(i32(3)),
      ),
      set(qa, truncF64S(get(tha))),
      set(qb, truncF64S(get(thb))),
      set(UV, f64x2Sub(get(SV), pair(f64FromI32S(get(qa)), f64FromI32S(get(qb))))),
      set(qa, add(pcI(P_TAB, 0), mul(get(qa), i32(32)))),
      set(qb, add(pcI(P_TAB, 1), mul(get(qb), i32(32)))),
      set(T0a, v128LoadAt(get(qa), 0)),
      set(T0b, v128LoadAt(get(qb), 0)),
      set(T1a, v128LoadAt(get(qa), 16)),
      set(T1b, v128LoadAt(get(qb), 16)),
      // U = c0 + u(c1 + u(c2 + u c3)), the coefficients regrouped by lane
      set(
        OCP,
        f64x2Add(
          lanes(get(T0a), get(T0b), false),
          f64x2Mul(
            get(UV),
            f64x2Add(
              lanes(get(T0a), get(T0b), true),
              f64x2Mul(
                get(UV),
                f64x2Add(lanes(get(T1a), get(T1b), false), f64x2Mul(get(UV), lanes(get(T1a), get(T1b), true))),
              ),
            ),
          ),
        ),
      ),
      // c_e/c_e0 where c_e > 0, else +0 (the mask keeps the quotient's bits or clears them)
      set(CE, pair(yRow(P_CE, 0), yRow(P_CE, 1))),
      set(CER, v128And(f64x2Div(get(CE), f64x2Splat(sc(S_CE0))), f64x2Gt(get(CE), vconst(0)))),
      v128Store(at(get(pKP), get(p), 4), f64x2Mul(pc(P_KT2), f64x2Sqrt(f64x2Mul(get(CER), get(GTH))))),
      v128Store(
        at(get(pKA), get(p), 4),
        f64x2Mul(
          f64x2Splat(sc(S_HALFFRT)),
          f64x2Sub(pair(fSub(yRow(P_PS, 0), yRow(P_PE, 0)), fSub(yRow(P_PS, 1), yRow(P_PE, 1))), get(OCP)),
        ),
      ),
      v128Store(at(get(pSE), get(p), 4), f64x2Mul(f64x2Mul(pc(P_A), get(JJ)), pc(P_DX))),
      set(pp, add(get(pp), i32(PAIR_STRIDE))),
      set(p, add(get(p), i32(1))),
    ),
  ];
  const volumes: Code[] = [
    set(nk, i32(0)),
    set(k, i32(0)),
    until(
      geS(get(k), get(nx)),
      set(d, i32At(pDom, get(k))),
      set(dxk, f64At(pDx, get(k))),
      set(ice, i32At(pCe, get(k))),
      ifElse(
        eqI(get(d), i32(1)),
        [storeF64(outAddr(get(ice)), fDiv(loadF64(outAddr(get(ice))), fMul(f64At(pEps, get(k)), get(dxk))))],
        [
          ifElse(eqz(get(d)), [set(g0, i32(0)), set(gEnd, get(nNeg))], [set(g0, get(nNeg)), set(gEnd, get(nMat))]),
          // Σ over the volume's materials of a·j·Δx (its entries: the next gEnd − g0, nk the first)
          set(src, f64Zero),
          set(g, get(g0)),
          until(
            geS(get(g), get(gEnd)),
            set(src, fAdd(get(src), f64At(pSE, get(nk)))),
            set(nk, add(get(nk), i32(1))),
            set(g, add(get(g), i32(1))),
          ),
          storeF64(
            outAddr(get(ice)),
            fDiv(fAdd(loadF64(outAddr(get(ice))), fMul(sc(S_OMT), get(src))), fMul(f64At(pEps, get(k)), get(dxk))),
          ),
          set(tmp, fMul(sc(S_F), get(src))),
          set(b, i32At(pPe, get(k))),
          storeF64(outAddr(get(b)), fAdd(loadF64(outAddr(get(b))), get(tmp))),
          set(b, i32At(pPs, get(k))),
          storeF64(outAddr(get(b)), fSub(loadF64(outAddr(get(b))), get(tmp))),
        ],
      ),
      set(k, add(get(k), i32(1))),
    ),
  ];
  /** the kinetics row of entry i: F·(j − prefactor·s) with s = sinh(argument) */
  const kinRow = (i: Code, sv: Code): Code[] => [
    set(ia, i32At(pKR, i)),
    storeF64(outAddr(get(ia)), fMul(sc(S_F), fSub(yAt(get(ia)), fMul(f64At(pKP, i), sv)))),
  ];
  // the kinetics rows in the volumes' order, two a sinhPair call (../../numerics/wasm-libm.ts: sinh's doubles)
  const kinetics: Code[] = [
    set(q, i32(0)),
    until(
      geS(add(get(q), i32(1)), get(nk)),
      set(sp, call(sinhPairFn, v128Load(at(get(pKA), get(q), 3)))),
      ...kinRow(get(q), f64x2Lane(get(sp), 0)),
      ...kinRow(add(get(q), i32(1)), f64x2Lane(get(sp), 1)),
      set(q, add(get(q), i32(2))),
    ),
    ifThen(ltS(get(q), get(nk)), ...kinRow(get(q), call(sinhFn, f64At(pKA, get(q))))),
  ];
  return {
    name: 'res',
    params: L.params,
    results: [I32],
    locals: L.locals,
    body: [
      ...[...scLocals].flatMap(([off, l]) => set(l, loadF64At(get(pSc), off))),
      ...zero.flat(),
      ...faces.flat(),
      ...entries.flat(),
      ...volumes.flat(),
      ...kinetics.flat(),
      ...i32(KERNEL_OK),
    ],
  };
}

/**
 * prow(pPR, nPR, pY, pOut, nr): the linear particle rows of the full residual (./dfn.ts's particle loop,
 * the same operations in its order) for the nPR entries at pPR (PR_STRIDE bytes each: the first row of its
 * particle, the byte address of its material's coefficients — r²/Δr per face, then 1/V per shell — its
 * constant D_s and R_p)
 */
const PR_STRIDE = 24;
function particleFunc(): Func {
  const pPR = 0;
  const nPR = 1;
  const pY = 2;
  const pOut = 3;
  const nr = 4;
  const e = 5;
  const pe = 6;
  const b = 7;
  const mc = 8;
  const i = 9;
  const dsc = 10;
  const prev = 11;
  const c0 = 12;
  const c1 = 13;
  const flux = 14;
  const yAt = (r: Code): Code => loadF64(at(get(pY), r, 3));
  const outAddr = (r: Code): Code => at(get(pOut), r, 3);
  /** 1/V of shell r */
  const invVol = (r: Code): Code => loadF64(at(get(mc), add(sub(get(nr), i32(1)), r), 3));
  const body: Code[] = [
    set(pe, get(pPR)),
    set(e, i32(0)),
    until(
      geS(get(e), get(nPR)),
      set(b, loadI32At(get(pe), 0)),
      set(mc, loadI32At(get(pe), 4)),
      set(dsc, loadF64At(get(pe), 8)),
      set(prev, f64Zero),
      set(c0, yAt(get(b))),
      set(i, i32(0)),
      until(
        geS(get(i), sub(get(nr), i32(1))),
        set(c1, yAt(add(add(get(b), get(i)), i32(1)))),
        set(flux, fMul(fMul(loadF64(at(get(mc), get(i), 3)), get(dsc)), fSub(get(c1), get(c0)))),
        storeF64(outAddr(add(get(b), get(i))), fMul(fSub(get(flux), get(prev)), invVol(get(i)))),
        set(prev, get(flux)),
        set(c0, get(c1)),
        set(i, add(get(i), i32(1))),
      ),
      // (−R_p·R_p·j − flux)/V of the outer shell
      storeF64(
        outAddr(sub(add(get(b), get(nr)), i32(1))),
        fMul(
          fSub(fMul(fMul(fNeg(loadF64At(get(pe), 16)), loadF64At(get(pe), 16)), yAt(add(get(b), get(nr)))), get(prev)),
          invVol(sub(get(nr), i32(1))),
        ),
      ),
      set(pe, add(get(pe), i32(PR_STRIDE))),
      set(e, add(get(e), i32(1))),
    ),
  ];
  return {
    name: 'prow',
    params: [I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, F64, F64, F64, F64, F64],
    body: body.flat(),
  };
}

type ProwFn = (pPR: number, nPR: number, pY: number, pOut: number, nr: number) => void;

type ResFn = (
  nx: number,
  nNeg: number,
  nMat: number,
  tfTab: number,
  pDom: number,
  pCe: number,
  pPe: number,
  pPs: number,
  pG: number,
  pS: number,
  pDx: number,
  pEps: number,
  pPC: number,
  pY: number,
  pOut: number,
  pLn: number,
  pSc: number,
  pTD: number,
  pTK: number,
  pTF: number,
  pKR: number,
  pKP: number,
  pKA: number,
  nPair: number,
  pSE: number,
) => number;

/** one material of an electrode as the kernel sees it */
export interface DfnKernelMaterial {
  readonly cmax: number;
  /** radial step Δr of its particle, m */
  readonly dr: number;
  /** surface area per volume, 1/m */
  readonly a: number;
  /** U_ref(θ) at T_ref */
  readonly ocp: OcpTable;
  /** rate constant at T */
  readonly kT: number;
  /** its constant D_s at T */
  readonly ds: number;
  /** particle radius R_p, m; r²/Δr per inner face (nr − 1) and 1/V per shell (nr) of its particle */
  readonly rp: number;
  readonly faceCoef: Float64Array;
  readonly invVol: Float64Array;
}

/** what the kernel needs of a DfnModel (its own arrays, not copies) */
export interface DfnKernelSpec {
  readonly n: number;
  readonly nx: number;
  readonly nr: number;
  readonly stride: number;
  /** materials of the negative electrode (the first nNeg of mats) */
  readonly nNeg: number;
  readonly mats: readonly DfnKernelMaterial[];
  readonly dom: Int8Array;
  readonly iCe: Int32Array;
  readonly iPe: Int32Array;
  readonly iPs: Int32Array;
  readonly iCs: Int32Array;
  readonly gFace: Float64Array;
  readonly sFace: Float64Array;
  readonly dx: Float64Array;
  readonly eps: Float64Array;
  /** D_e and κ at T_ref, one grid */
  readonly de: OcpTable;
  readonly ka: OcpTable;
  /** the thermodynamic factor's table on that grid, null when it is constant (then nuConst) */
  readonly tf: OcpTable | null;
  readonly arrDe: number;
  readonly arrKe: number;
  /** 2RT/F·(1 − t⁺) */
  readonly c1: number;
  /** 2RT/F·(1 − t⁺)·TF for a constant TF (unused with a table) */
  readonly nuConst: number;
  readonly ce0: number;
  /** 1 − t⁺ */
  readonly omt: number;
  /** F/(2RT) */
  readonly halfFRT: number;
  readonly F: number;
  /** the surface stoichiometry's window: below thLo or above thHi the model's f is NaN */
  readonly thLo: number;
  readonly thHi: number;
  /** θ(1 − θ) floor */
  readonly thEps: number;
}

interface Compiled {
  readonly wasm: WasmApi;
  readonly module: object;
}

let compiled: Compiled | null | undefined; // undefined: not tried; null: unavailable
let enabled = true;
/** calls the kernel completed on this thread (tests: that it ran, or declined) */
let runs = 0;

function compile(): Compiled | null {
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (wasm === undefined) return null;
    const libm = libmFuncs(1, LIBM_AT);
    return {
      wasm,
      module: new wasm.Module(
        encodeModule(
          [residualFunc(libm.log, libm.sinh, libm.logPair, libm.sinhPair), ...libm.funcs, particleFunc()],
          true,
        ),
      ),
    };
  } catch {
    return null;
  }
}

/** one memory and its instance: log and sinh's tables, then the loaded model's block, in [0, blockBytes); tables above */
class KernelMemory {
  readonly res: ResFn;
  readonly prow: ProwFn;
  readonly buffer: ArrayBuffer;
  readonly f64: Float64Array;
  loaded: DfnResidualKernel | null = null;
  readonly tables = new Map<OcpTable, number>();
  tableTop: number;
  constructor(
    c: Compiled,
    readonly bytes: number,
    readonly blockBytes: number,
  ) {
    const pages = bytes / 65536;
    const mem: WasmMemory = new c.wasm.Memory({ initial: pages, maximum: pages });
    const ex = new c.wasm.Instance(c.module, { env: { mem } }).exports;
    this.res = ex.res as ResFn;
    this.prow = ex.prow as ProwFn;
    this.buffer = mem.buffer;
    this.f64 = new Float64Array(mem.buffer);
    writeLibmTable(this.f64, LIBM_AT);
    this.tableTop = blockBytes;
  }
}

/** the thread's memory (null: none yet) */
let current: KernelMemory | null = null;
const MIN_BYTES = 4 << 20;
const MIN_BLOCK = 256 << 10;
const roundUp = (v: number, m: number): number => Math.ceil(v / m) * m;

/**
 * The kernel of one DfnModel: run(y, out) writes the nonlinear residual's electrolyte, φ_e, φ_s and
 * kinetics rows into out; false when it declined (out untouched).
 */
export class DfnResidualKernel {
  /** views of the loaded memory (valid while this kernel is the loaded one) */
  private yv: Float64Array = new Float64Array(0);
  private ov: Float64Array = new Float64Array(0);
  private mem: KernelMemory | null = null;
  // byte offsets in the block
  private readonly off: {
    dom: number;
    ce: number;
    pe: number;
    ps: number;
    g: number;
    s: number;
    dx: number;
    eps: number;
    pc: number;
    y: number;
    out: number;
    ln: number;
    kr: number;
    kp: number;
    ka: number;
    se: number;
    pr: number;
    mcoef: number;
    end: number;
  };
  /** the kinetics entries (volume, material) in the volumes' order */
  private readonly entries: ReadonlyArray<readonly [number, number]>;
  /** byte address of the pair block */
  private pc = 0;
  private tD = 0;
  private tK = 0;
  private tF = 0;

  constructor(private readonly spec: DfnKernelSpec) {
    const { nx, n } = spec;
    // the kinetics entries, one per (electrode volume, material) in the volumes' order: volume and material
    const entries: Array<[number, number]> = [];
    for (let k = 0; k < nx; k++) {
      const d = spec.dom[k];
      if (d === 1) continue;
      const [g0, gEnd] = d === 0 ? [0, spec.nNeg] : [spec.nNeg, spec.mats.length];
      for (let g = g0; g < gEnd; g++) entries.push([k, g]);
    }
    this.entries = entries;
    const nKin = entries.length;
    const nPair = Math.ceil(nKin / 2);
    let o = SC_AT + SC_BYTES;
    const take = (bytes: number): number => {
      const at = o;
      o = roundUp(o + bytes, 8);
      return at;
    };
    this.off = {
      dom: take(4 * nx),
      ce: take(4 * nx),
      pe: take(4 * nx),
      ps: take(4 * nx),
      g: take(8 * nx),
      s: take(8 * nx),
      dx: take(8 * nx),
      eps: take(8 * nx),
      pc: take(PAIR_STRIDE * nPair + 16),
      y: take(8 * n),
      out: take(8 * n),
      ln: take(8 * nx),
      kr: take(4 * nKin),
      kp: take(16 * nPair),
      ka: take(16 * nPair),
      se: take(16 * nPair),
      pr: take(PR_STRIDE * nKin),
      mcoef: take(8 * (2 * spec.nr - 1) * spec.mats.length),
      end: o,
    };
  }

  /** the tables this model reads (each once) */
  private tableList(): OcpTable[] {
    const s = this.spec;
    const all = [s.de, s.ka, ...(s.tf ? [s.tf] : []), ...s.mats.map((m) => m.ocp)];
    return [...new Set(all)];
  }

  /** this model's block and tables in memory m; false when they do not fit */
  private load(m: KernelMemory): boolean {
    const s = this.spec;
    if (this.off.end > m.blockBytes) return false;
    const list = this.tableList();
    let need = 0;
    for (const t of list) if (!m.tables.has(t)) need += 8 * t.c.length;
    if (m.tableTop + need > m.bytes) {
      m.tables.clear();
      m.tableTop = m.blockBytes;
      need = 0;
      for (const t of list) need += 8 * t.c.length;
      if (m.tableTop + need > m.bytes) return false;
    }
    for (const t of list) {
      if (m.tables.has(t)) continue;
      m.f64.set(t.c, m.tableTop / 8);
      m.tables.set(t, m.tableTop);
      m.tableTop += 8 * t.c.length;
    }
    const tab = (t: OcpTable): number => m.tables.get(t)!;
    this.tD = tab(s.de);
    this.tK = tab(s.ka);
    this.tF = s.tf ? tab(s.tf) : 0;
    const buf = m.buffer;
    const f = m.f64;
    const o = this.off;
    const sc = [
      [S_ARRDE, s.arrDe],
      [S_ARRKE, s.arrKe],
      [S_C1, s.c1],
      [S_NU, s.nuConst],
      [S_CE0, s.ce0],
      [S_OMT, s.omt],
      [S_HALFFRT, s.halfFRT],
      [S_GX0, s.de.x0],
      [S_GINVH, s.de.invh],
      [S_GNINT, s.de.nInt],
      [S_THLO, s.thLo],
      [S_THHI, s.thHi],
      [S_THEPS, s.thEps],
      [S_F, s.F],
    ] as const;
    for (const [at, v] of sc) f[(SC_AT + at) / 8] = v;
    new Int32Array(buf, o.dom, s.nx).set(s.dom);
    new Int32Array(buf, o.ce, s.nx).set(s.iCe);
    new Int32Array(buf, o.pe, s.nx).set(s.iPe);
    new Int32Array(buf, o.ps, s.nx).set(s.iPs);
    f.set(s.gFace, o.g / 8);
    f.set(s.sFace, o.s / 8);
    f.set(s.dx, o.dx / 8);
    f.set(s.eps, o.eps / 8);
    // the pair block (16-byte aligned): per pair and lane its entry's constants and rows (an odd count's
    // last pair repeats its entry in lane 1, whose results no row reads)
    const pc = roundUp(o.pc, 16);
    const i32v = new Int32Array(buf);
    const ents = this.entries;
    for (let e = 0; e < 2 * Math.ceil(ents.length / 2); e++) {
      const [k, g] = ents[Math.min(e, ents.length - 1)]!;
      const mt = s.mats[g]!;
      const at = pc + PAIR_STRIDE * (e >> 1);
      const l = e & 1;
      const put = (off: number, v: number): void => {
        f[(at + off + 8 * l) / 8] = v;
      };
      put(P_DR, mt.dr);
      put(P_DS2, 2 * mt.ds);
      put(P_CMAX, mt.cmax);
      put(P_X0, mt.ocp.x0);
      put(P_INVH, mt.ocp.invh);
      put(P_KT2, 2 * mt.kT);
      put(P_A, mt.a);
      put(P_DX, s.dx[k]!);
      put(P_NINT, mt.ocp.nInt);
      const row = s.iCs[k]! + (g - (s.dom[k] === 0 ? 0 : s.nNeg)) * s.stride + s.nr;
      const geti = (off: number, v: number): void => {
        i32v[(at + off + 4 * l) / 4] = v;
      };
      geti(P_TAB, tab(mt.ocp));
      geti(P_ROW, row);
      geti(P_CE, s.iCe[k]!);
      geti(P_PS, s.iPs[k]!);
      geti(P_PE, s.iPe[k]!);
      // the kinetics rows in the entries' order (the sweep after the volumes)
      if (e < ents.length) i32v[o.kr / 4 + e] = row;
    }
    this.pc = pc;
    // the particle rows' entries (prow) and each material's coefficients
    const nc = 2 * s.nr - 1;
    s.mats.forEach((mt, g) => {
      f.set(mt.faceCoef.subarray(0, s.nr - 1), o.mcoef / 8 + g * nc);
      f.set(mt.invVol.subarray(0, s.nr), o.mcoef / 8 + g * nc + s.nr - 1);
    });
    ents.forEach(([k, g], e) => {
      const at = o.pr + PR_STRIDE * e;
      const mt = s.mats[g]!;
      i32v[at / 4] = s.iCs[k]! + (g - (s.dom[k] === 0 ? 0 : s.nNeg)) * s.stride;
      i32v[at / 4 + 1] = o.mcoef + 8 * g * nc;
      f[(at + 8) / 8] = mt.ds;
      f[(at + 16) / 8] = mt.rp;
    });
    this.yv = new Float64Array(buf, o.y, s.n);
    this.ov = new Float64Array(buf, o.out, s.n);
    this.mem = m;
    m.loaded = this;
    return true;
  }

  /** makes this model the loaded one of the thread's memory (a new memory when it does not fit); false: unavailable */
  private attach(): boolean {
    if (compiled === undefined) compiled = compile();
    if (compiled === null) return false;
    try {
      if (current !== null && this.load(current)) return true;
      let tables = 0;
      for (const t of this.tableList()) tables += 8 * t.c.length;
      const block = Math.max(MIN_BLOCK, roundUp(2 * this.off.end, 65536));
      const bytes = Math.max(MIN_BYTES, roundUp(block + 4 * tables, 65536));
      current = new KernelMemory(compiled, bytes, block);
      return this.load(current);
    } catch {
      return false;
    }
  }

  /**
   * the nonlinear rows of f at y into out (the electrolyte, φ_e, φ_s and kinetics rows; the collector,
   * gauge and control rows are the model's), and with full the linear particle rows too (prow); false
   * where the kernel declines or is off (out untouched)
   */
  run(y: Float64Array, out: Float64Array, full = false): boolean {
    if (!enabled) return false;
    const s = this.spec;
    if (y.length !== s.n || out.length !== s.n) return false;
    const m = this.mem;
    if (m === null || m !== current || m.loaded !== this) {
      if (!this.attach()) return false;
    }
    const { yv, ov } = this;
    yv.set(y);
    ov.set(out);
    const o = this.off;
    const st = this.mem!.res(
      s.nx,
      s.nNeg,
      s.mats.length,
      s.tf ? 1 : 0,
      o.dom,
      o.ce,
      o.pe,
      o.ps,
      o.g,
      o.s,
      o.dx,
      o.eps,
      this.pc,
      o.y,
      o.out,
      o.ln,
      SC_AT,
      this.tD,
      this.tK,
      this.tF,
      o.kr,
      o.kp,
      o.ka,
      Math.ceil(this.entries.length / 2),
      o.se,
    );
    if (st !== KERNEL_OK) return false;
    if (full) this.mem!.prow(o.pr, this.entries.length, o.y, o.out, s.nr);
    out.set(ov);
    runs++;
    return true;
  }
}

/** switches the kernel on or off (tests compare both paths); returns the previous setting */
export function useWasmDfnKernel(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** whether the kernel compiled on this thread (tests: the comparison of both paths must not be vacuous) */
export function wasmDfnKernelAvailable(): boolean {
  if (compiled === undefined) compiled = compile();
  return compiled !== null;
}

/** how many residual evaluations the kernel completed on this thread so far */
export function dfnKernelRuns(): number {
  return runs;
}
