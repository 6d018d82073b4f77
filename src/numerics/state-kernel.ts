/**
 * The BDF integrator's O(n) sweeps over its history and weights (bdf.ts updateD, applyRU, errorNorm) as
 * a WebAssembly kernel working in place on the solver's own arrays: while a large system (n ≥
 * STATE_KERNEL_MIN_N) is solved, its history D, predictor, ψ, weights, correction and corrector solution
 * are views into the thread's WebAssembly memory (the arena: a lease per solve, taken and given back
 * stack-wise, so nested solves work), so that the kernel reads and writes them with no copies and the
 * solver's JavaScript reads them as before.
 *
 * The same floating-point operations in the same order as the JavaScript loops (bit-identical results:
 * f64 add/sub/mul/div/abs are IEEE 754 in both, neither fuses a multiply-add; updateD's and applyRU's
 * sweeps take two elements at a time with WebAssembly SIMD where the engine has it — f64x2 lanes are the
 * same IEEE 754 operations, element by element — and useStateKernelSimd(false) keeps them scalar, for the
 * tests to compare); the JavaScript loops stay for small systems (where the arena's set-up would cost
 * more than it saves: the alloying history's n ≈ 4 runs thousands of times per shift), where WebAssembly
 * is missing or refuses the module, when switched off (useWasmStateKernel(false): the tests compare both),
 * and for the forward sensitivities' histories.
 * The module is assembled from the instructions below (./wasm-encoder.ts) at the first use and compiled
 * once per thread, instantiated with the arena's memory (never grown: views never detach).
 */
import {
  F64,
  I32,
  add,
  encodeModule,
  f64,
  f64One,
  f64Zero,
  fAbs,
  fAdd,
  fDiv,
  fMul,
  fSub,
  fGt,
  fNe,
  fNeg,
  geS,
  leS,
  ret,
  sub,
  geU,
  get,
  loadI32At,
  shl,
  shrU,
  ltU,
  i32,
  ifThen,
  ifElse,
  loadF64At,
  loadU8,
  mul,
  or,
  eqz,
  set,
  storeF64At,
  until,
  V128,
  f64x2Abs,
  f64x2Add,
  f64x2Div,
  f64x2Lane,
  f64x2Mul,
  f64x2Splat,
  f64x2Sub,
  v128Load,
  v128Store,
  type Code,
  type Func,
  type WasmApi,
  type WasmMemory,
} from './wasm-encoder.ts';

/** systems smaller than this keep the JavaScript loops (no arena) */
export const STATE_KERNEL_MIN_N = 32;

/** a function's locals: parameters first, then declared locals, by name */
class Locals {
  readonly params: number[] = [];
  readonly locals: number[] = [];
  private readonly index = new Map<string, number>();
  param(name: string, type: number): number {
    if (this.locals.length > 0) throw new Error('state-kernel: parameters before locals');
    this.index.set(name, this.params.length);
    this.params.push(type);
    return this.params.length - 1;
  }
  local(name: string, type: number): number {
    const i = this.params.length + this.locals.length;
    this.index.set(name, i);
    this.locals.push(type);
    return i;
  }
}

/** γ_j = Σ_{i ≤ j} 1/i, as bdf.ts computes them (the same doubles) */
function gammas(max: number): number[] {
  const g = [0];
  for (let k = 1; k <= max; k++) g.push(g[k - 1]! + 1 / k);
  return g;
}
const GAMMA = gammas(5);

/**
 * the element loop: o (byte offset of element i) from 0 to n·8 in steps of 8, with a byte index b (i)
 * alongside when wanted
 */
function sweep(o: number, end: number, body: Code[], b = -1): Code {
  return [
    ...set(o, i32(0)),
    ...(b >= 0 ? set(b, i32(0)) : []),
    ...until(
      geU(get(o), get(end)),
      ...body,
      set(o, add(get(o), i32(8))),
      ...(b >= 0 ? [set(b, add(get(b), i32(1)))] : []),
    ),
  ];
}

/**
 * the element operations of a sweep on one f64 (scalar) or on two adjacent ones (f64x2: WebAssembly SIMD,
 * IEEE 754 in each lane — the same doubles as the scalar operations, element by element)
 */
interface Lane {
  readonly type: number;
  load(addr: Code): Code;
  store(addr: Code, v: Code): Code;
  add(a: Code, b: Code): Code;
  sub(a: Code, b: Code): Code;
  mul(a: Code, b: Code): Code;
  div(a: Code, b: Code): Code;
  abs(a: Code): Code;
  /** a lane value from an f64 (a constant or a parameter) */
  splat(v: Code): Code;
}
const SCALAR: Lane = {
  type: F64,
  load: (a) => loadF64At(a, 0),
  store: (a, v) => storeF64At(a, 0, v),
  add: fAdd,
  sub: fSub,
  mul: fMul,
  div: fDiv,
  abs: fAbs,
  splat: (v) => v,
};
const PAIR: Lane = {
  type: V128,
  load: v128Load,
  store: v128Store,
  add: f64x2Add,
  sub: f64x2Sub,
  mul: f64x2Mul,
  div: f64x2Div,
  abs: f64x2Abs,
  splat: f64x2Splat,
};

/**
 * a sweep's element loop, two elements per pass with SIMD (then the last one alone when n is odd), one per
 * pass without: body(lane, v) is the element's code with its values in v's locals (v: the lane's locals of
 * the body, one set per lane kind)
 */
function laneSweep<V>(
  simd: boolean,
  o: number,
  end: number,
  pairEnd: number,
  n: number,
  vars: { scalar: V; pair: V | null },
  body: (lane: Lane, v: V) => Code[],
): Code {
  if (!simd || vars.pair === null) return sweep(o, end, body(SCALAR, vars.scalar));
  return [
    ...set(pairEnd, shl(shrU(get(n), i32(1)), i32(4))),
    ...set(o, i32(0)),
    ...until(geU(get(o), get(pairEnd)), ...body(PAIR, vars.pair), set(o, add(get(o), i32(16)))),
    ...ifThen(ltU(get(o), get(end)), ...body(SCALAR, vars.scalar)),
  ];
}

/**
 * the constants of a history sweep at order k in a lane's locals (tag: the locals' name prefix): 1, 0,
 * rtol, α and γ_1..γ_k; set() splats them once per call (scalar lanes take them as they are)
 */
function sweepConstants(L: Locals, lane: Lane, tag: string, k: number) {
  const g: number[] = [0];
  for (let j = 1; j <= k; j++) g.push(L.local(`${tag}g${j}`, lane.type));
  const one = L.local(`${tag}one`, lane.type);
  const zero = L.local(`${tag}zero`, lane.type);
  const rtol = L.local(`${tag}rtol`, lane.type);
  const alpha = L.local(`${tag}alpha`, lane.type);
  const set_ = (rtolParam: number, alphaParam: number): Code[] => {
    const c: Code[] = [
      set(one, lane.splat(f64One)),
      set(zero, lane.splat(f64Zero)),
      set(rtol, lane.splat(get(rtolParam))),
      set(alpha, lane.splat(get(alphaParam))),
    ];
    for (let j = 1; j <= k; j++) c.push(set(g[j]!, lane.splat(f64(GAMMA[j]!))));
    return c;
  };
  return { g, one, zero, rtol, alpha, set: set_ };
}

/**
 * updD{k}(n, D, d, yPred, psi, invScale, atol, rtol, alpha, next): bdf.ts updateD at order k — D[k+2] ←
 * d − D[k+1] (when next), D[k+1] ← d, D[j] += D[j+1] for j = k..0, and the next predictor (yPred, ψ,
 * 1/scale) from the new D[0..k]
 */
function updateDFunc(k: number, simd: boolean): Func {
  const L = new Locals();
  const n = L.param('n', I32);
  const pD = L.param('D', I32);
  const pd = L.param('d', I32);
  const pyp = L.param('yPred', I32);
  const ppsi = L.param('psi', I32);
  const pinv = L.param('invScale', I32);
  const patol = L.param('atol', I32);
  const rtol = L.param('rtol', F64);
  const alpha = L.param('alpha', F64);
  const next = L.param('next', I32);
  const o = L.local('o', I32);
  const end = L.local('end', I32);
  const pairEnd = L.local('pairEnd', I32);
  const rows: number[] = [];
  for (let j = 0; j <= k + 2; j++) rows.push(L.local(`r${j}`, I32));
  // the element's values and the loop's constants, per lane kind (γ_j, 1, 0, rtol, α: splatted once)
  const laneVars = (lane: Lane, tag: string) => {
    const a: number[] = [];
    for (let j = 0; j <= k; j++) a.push(L.local(`${tag}a${j}`, lane.type));
    return {
      di: L.local(`${tag}di`, lane.type),
      yp: L.local(`${tag}yp`, lane.type),
      a,
      ...sweepConstants(L, lane, tag, k),
    };
  };
  type V = ReturnType<typeof laneVars>;
  const vars = { scalar: laneVars(SCALAR, 's'), pair: simd ? laneVars(PAIR, 'v') : null };
  const at = (l: number): Code => add(get(l), get(o));
  const setup: Code[] = [set(end, mul(get(n), i32(8))), ...vars.scalar.set(rtol, alpha)];
  if (vars.pair) setup.push(...vars.pair.set(rtol, alpha));
  for (let j = 0; j <= k + 2; j++) setup.push(set(rows[j]!, add(get(pD), mul(get(end), i32(j)))));
  const body = (lane: Lane, v: V): Code[] => {
    const { di, yp, a } = v;
    const b: Code[] = [
      set(di, lane.load(at(pd))),
      ifThen(get(next), lane.store(at(rows[k + 2]!), lane.sub(get(di), lane.load(at(rows[k + 1]!))))),
      lane.store(at(rows[k + 1]!), get(di)),
      set(a[k]!, lane.add(lane.load(at(rows[k]!)), get(di))),
      lane.store(at(rows[k]!), get(a[k]!)),
    ];
    for (let j = k - 1; j >= 0; j--) {
      b.push(set(a[j]!, lane.add(lane.load(at(rows[j]!)), get(a[j + 1]!))));
      b.push(lane.store(at(rows[j]!), get(a[j]!)));
    }
    let ypSum = get(a[0]!);
    let psiSum = get(v.zero);
    for (let j = 1; j <= k; j++) {
      ypSum = lane.add(ypSum, get(a[j]!));
      psiSum = lane.add(psiSum, lane.mul(get(v.g[j]!), get(a[j]!)));
    }
    b.push(
      set(yp, ypSum),
      lane.store(at(pyp), get(yp)),
      lane.store(
        at(pinv),
        lane.div(get(v.one), lane.add(lane.load(at(patol)), lane.mul(get(v.rtol), lane.abs(get(yp))))),
      ),
      lane.store(at(ppsi), lane.div(psiSum, get(v.alpha))),
    );
    return b;
  };
  return {
    name: `updD${k}`,
    params: L.params,
    results: [],
    locals: L.locals,
    body: [...setup.flat(), ...laneSweep(simd, o, end, pairEnd, n, vars, body)],
  };
}

/**
 * ru{k}(n, D, RU, yPred, psi, scale, invScale, atol, rtol, alpha): bdf.ts applyRU at order k with the
 * predictor — D[j] ← Σ_i RU[i][j]·D[i] (j ≥ 1, ascending i, from 0), then yPred, ψ, scale and 1/scale
 */
function applyRUFunc(k: number, simd: boolean): Func {
  const s = k + 1;
  const L = new Locals();
  const n = L.param('n', I32);
  const pD = L.param('D', I32);
  const pRU = L.param('RU', I32);
  const pyp = L.param('yPred', I32);
  const ppsi = L.param('psi', I32);
  const pscale = L.param('scale', I32);
  const pinv = L.param('invScale', I32);
  const patol = L.param('atol', I32);
  const rtol = L.param('rtol', F64);
  const alpha = L.param('alpha', F64);
  const o = L.local('o', I32);
  const end = L.local('end', I32);
  const pairEnd = L.local('pairEnd', I32);
  const rows: number[] = [];
  for (let j = 0; j <= k; j++) rows.push(L.local(`r${j}`, I32));
  // the element's values and the loop's constants (RU's entries, γ_j, 1, 0, rtol, α), per lane kind
  const laneVars = (lane: Lane, tag: string) => {
    const c: number[][] = [];
    for (let i = 0; i <= k; i++) {
      c.push([]);
      for (let j = 1; j <= k; j++) c[i]![j] = L.local(`${tag}c${i}${j}`, lane.type);
    }
    const dv: number[] = [];
    for (let i = 0; i <= k; i++) dv.push(L.local(`${tag}d${i}`, lane.type));
    const e: number[] = [];
    for (let j = 0; j <= k; j++) e.push(j === 0 ? -1 : L.local(`${tag}e${j}`, lane.type));
    return {
      c,
      dv,
      e,
      yp: L.local(`${tag}yp`, lane.type),
      w: L.local(`${tag}w`, lane.type),
      ...sweepConstants(L, lane, tag, k),
    };
  };
  type V = ReturnType<typeof laneVars>;
  const vars = { scalar: laneVars(SCALAR, 's'), pair: simd ? laneVars(PAIR, 'v') : null };
  const consts = (lane: Lane, v: V): Code[] => {
    const c = v.set(rtol, alpha);
    for (let i = 0; i <= k; i++)
      for (let j = 1; j <= k; j++) c.push(set(v.c[i]![j]!, lane.splat(loadF64At(get(pRU), 8 * (i * s + j)))));
    return c;
  };
  const at = (l: number): Code => add(get(l), get(o));
  const setup: Code[] = [set(end, mul(get(n), i32(8))), ...consts(SCALAR, vars.scalar)];
  if (vars.pair) setup.push(...consts(PAIR, vars.pair));
  for (let j = 0; j <= k; j++) setup.push(set(rows[j]!, add(get(pD), mul(get(end), i32(j)))));
  const body = (lane: Lane, v: V): Code[] => {
    const { c, dv, e, g, yp, w } = v;
    const b: Code[] = [];
    for (let i = 0; i <= k; i++) b.push(set(dv[i]!, lane.load(at(rows[i]!))));
    for (let j = 1; j <= k; j++) {
      let t = get(v.zero);
      for (let i = 0; i <= k; i++) t = lane.add(t, lane.mul(get(c[i]![j]!), get(dv[i]!)));
      b.push(set(e[j]!, t));
    }
    for (let j = 1; j <= k; j++) b.push(lane.store(at(rows[j]!), get(e[j]!)));
    let ypSum = get(dv[0]!);
    let psiSum = get(v.zero);
    for (let j = 1; j <= k; j++) {
      ypSum = lane.add(ypSum, get(e[j]!));
      psiSum = lane.add(psiSum, lane.mul(get(g[j]!), get(e[j]!)));
    }
    b.push(
      set(yp, ypSum),
      lane.store(at(pyp), get(yp)),
      lane.store(at(ppsi), lane.div(psiSum, get(v.alpha))),
      set(w, lane.add(lane.load(at(patol)), lane.mul(get(v.rtol), lane.abs(get(yp))))),
      lane.store(at(pscale), get(w)),
      lane.store(at(pinv), lane.div(get(v.one), get(w))),
    );
    return b;
  };
  return {
    name: `ru${k}`,
    params: L.params,
    results: [],
    locals: L.locals,
    body: [...setup.flat(), ...laneSweep(simd, o, end, pairEnd, n, vars, body)],
  };
}

/**
 * err(n, y, scale, atol, d, isAlg, D_k, D_k+1, out, rtol, mult, multM, multP, all, select) → Σ e²: bdf.ts
 * errorNorm's sweep — scale = atol + rtol·|y|, e = mult·d/scale over the rows counted (all, or the
 * differential ones); select: also Σ (multM·(D_k + d)/scale)² and Σ (multP·(d − D_k+1)/scale)² into
 * out[0], out[1]
 */
function errorNormFunc(simd: boolean): Func {
  const L = new Locals();
  const n = L.param('n', I32);
  const py = L.param('y', I32);
  const pscale = L.param('scale', I32);
  const patol = L.param('atol', I32);
  const pd = L.param('d', I32);
  const palg = L.param('isAlg', I32);
  const pDk = L.param('Dk', I32);
  const pDk1 = L.param('Dk1', I32);
  const pout = L.param('out', I32);
  const rtol = L.param('rtol', F64);
  const mult = L.param('mult', F64);
  const multM = L.param('multM', F64);
  const multP = L.param('multP', F64);
  const all = L.param('all', I32);
  const sel = L.param('select', I32);
  const o = L.local('o', I32);
  const end = L.local('end', I32);
  const b = L.local('b', I32);
  const w = L.local('w', F64);
  const di = L.local('di', F64);
  const e = L.local('e', F64);
  const s = L.local('s', F64);
  const sM = L.local('sM', F64);
  const sP = L.local('sP', F64);
  const at = (l: number): Code => add(get(l), get(o));
  const counted: Code[] = [
    set(di, loadF64At(at(pd), 0)),
    set(e, fDiv(fMul(get(mult), get(di)), get(w))),
    set(s, fAdd(get(s), fMul(get(e), get(e)))),
    ifThen(
      get(sel),
      set(e, fDiv(fMul(get(multM), fAdd(loadF64At(at(pDk), 0), get(di))), get(w))),
      set(sM, fAdd(get(sM), fMul(get(e), get(e)))),
      set(e, fDiv(fMul(get(multP), fSub(get(di), loadF64At(at(pDk1), 0))), get(w))),
      set(sP, fAdd(get(sP), fMul(get(e), get(e)))),
    ),
  ];
  const body: Code[] = [
    set(w, fAdd(loadF64At(at(patol), 0), fMul(get(rtol), fAbs(loadF64At(at(py), 0))))),
    storeF64At(at(pscale), 0, get(w)),
    ifThen(or(get(all), eqz(loadU8(add(get(palg), get(b))))), ...counted),
  ];
  // with SIMD and every row counted: two rows per pass — the weights, quotients and squares in f64x2
  // lanes, the sums taken lane 0 then lane 1 (the scalar loop's order), then the scalar loop from the
  // row left over (b and o where the pairs stopped)
  const pairs: Code = [];
  if (simd) {
    const pairEnd = L.local('pairEnd', I32);
    const [vw, vd, ve, vrtol, vmult, vmultM, vmultP] = [0, 1, 2, 3, 4, 5, 6].map((i) => L.local(`v${i}`, V128)) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const acc = (sum: number, sq: Code): Code[] => [
      set(ve, sq),
      set(sum, fAdd(get(sum), f64x2Lane(get(ve), 0))),
      set(sum, fAdd(get(sum), f64x2Lane(get(ve), 1))),
    ];
    const sqr = (l: number): Code => f64x2Mul(get(l), get(l));
    pairs.push(
      ...set(pairEnd, shl(shrU(get(n), i32(1)), i32(4))),
      ...set(vrtol, f64x2Splat(get(rtol))),
      ...set(vmult, f64x2Splat(get(mult))),
      ...set(vmultM, f64x2Splat(get(multM))),
      ...set(vmultP, f64x2Splat(get(multP))),
      ...ifThen(
        get(all),
        until(
          geU(get(o), get(pairEnd)),
          set(vw, f64x2Add(v128Load(at(patol)), f64x2Mul(get(vrtol), f64x2Abs(v128Load(at(py)))))),
          v128Store(at(pscale), get(vw)),
          set(vd, v128Load(at(pd))),
          set(ve, f64x2Div(f64x2Mul(get(vmult), get(vd)), get(vw))),
          ...acc(s, sqr(ve)),
          ifThen(
            get(sel),
            set(ve, f64x2Div(f64x2Mul(get(vmultM), f64x2Add(v128Load(at(pDk)), get(vd))), get(vw))),
            ...acc(sM, sqr(ve)),
            set(ve, f64x2Div(f64x2Mul(get(vmultP), f64x2Sub(get(vd), v128Load(at(pDk1)))), get(vw))),
            ...acc(sP, sqr(ve)),
          ),
          set(o, add(get(o), i32(16))),
          set(b, add(get(b), i32(2))),
        ),
      ),
    );
  }
  return {
    name: 'err',
    params: L.params,
    results: [F64],
    locals: L.locals,
    body: [
      ...set(end, mul(get(n), i32(8))),
      ...set(s, f64Zero),
      ...set(sM, f64Zero),
      ...set(sP, f64Zero),
      ...set(o, i32(0)),
      ...set(b, i32(0)),
      ...pairs,
      ...until(geU(get(o), get(end)), ...body, set(o, add(get(o), i32(8))), set(b, add(get(b), i32(1)))),
      ...ifThen(get(sel), storeF64At(get(pout), 0, get(sM)), storeF64At(get(pout), 8, get(sP))),
      ...get(s),
    ],
  };
}

/**
 * nres(nk, keep, fv, cw, m, psi, d, rs, dy, scaled) → Σ (f − f): bdf.ts newtonReduced's right-hand side
 * over the kept unknowns i = keep[q]: dy[q] = (cw_i·f_i − m_i·(ψ_i + d_i)) (· rs[q] when scaled), and the
 * finiteness sum of f (NaN when an f_i is not finite)
 */
function newtonRhsFunc(): Func {
  const L = new Locals();
  const nk = L.param('nk', I32);
  const pkeep = L.param('keep', I32);
  const pfv = L.param('fv', I32);
  const pcw = L.param('cw', I32);
  const pm = L.param('m', I32);
  const ppsi = L.param('psi', I32);
  const pd = L.param('d', I32);
  const prs = L.param('rs', I32);
  const pdy = L.param('dy', I32);
  const scaled = L.param('scaled', I32);
  const o = L.local('o', I32);
  const end = L.local('end', I32);
  const i8 = L.local('i8', I32);
  const v = L.local('v', F64);
  const r = L.local('r', F64);
  const bad = L.local('bad', F64);
  const atI = (l: number): Code => add(get(l), get(i8));
  const atQ = (l: number): Code => add(get(l), get(o));
  const body: Code[] = [
    // i8 = keep[q]·8 (keep: i32 at byte 4q = o/2)
    set(i8, shl(loadI32At(add(get(pkeep), shrU(get(o), i32(1))), 0), i32(3))),
    set(v, loadF64At(atI(pfv), 0)),
    set(bad, fAdd(get(bad), fSub(get(v), get(v)))),
    set(
      r,
      fSub(
        fMul(loadF64At(atI(pcw), 0), get(v)),
        fMul(loadF64At(atI(pm), 0), fAdd(loadF64At(atI(ppsi), 0), loadF64At(atI(pd), 0))),
      ),
    ),
    ifThen(get(scaled), set(r, fMul(get(r), loadF64At(atQ(prs), 0)))),
    storeF64At(atQ(pdy), 0, get(r)),
  ];
  return {
    name: 'nres',
    params: L.params,
    results: [F64],
    locals: L.locals,
    body: [...set(end, mul(get(nk), i32(8))), ...set(bad, f64Zero), ...sweep(o, end, body), ...get(bad)],
  };
}

/**
 * nupd(nk, nR, keep, dy, invScale, yNew, d, rootV, rootP, alpha, beta, yPred) → Σ e²: bdf.ts
 * newtonReduced's update — the kept unknowns i = keep[q]: yNew_i += dy[q], d_i += dy[q], e = dy[q]/scale_i;
 * then each root v from its parent p: x = α + β·yNew_p (α + 0 without a parent), e = (x − yNew_v)/scale_v,
 * yNew_v = x, d_v = x − yPred_v
 */
function newtonUpdateFunc(): Func {
  const L = new Locals();
  const nk = L.param('nk', I32);
  const nR = L.param('nR', I32);
  const pkeep = L.param('keep', I32);
  const pdy = L.param('dy', I32);
  const pinv = L.param('invScale', I32);
  const py = L.param('yNew', I32);
  const pd = L.param('d', I32);
  const pv = L.param('rootV', I32);
  const pp = L.param('rootP', I32);
  const pa = L.param('alpha', I32);
  const pb = L.param('beta', I32);
  const pyp = L.param('yPred', I32);
  const o = L.local('o', I32);
  const end = L.local('end', I32);
  const i8 = L.local('i8', I32);
  const p = L.local('p', I32);
  const v = L.local('v', F64);
  const e = L.local('e', F64);
  const x = L.local('x', F64);
  const t = L.local('t', F64);
  const sq = L.local('sq', F64);
  const atI = (l: number): Code => add(get(l), get(i8));
  const atQ = (l: number): Code => add(get(l), get(o));
  /** an i32 array's entry at the element whose f64 byte offset is o (4·q = o/2) */
  const i32Q = (l: number): Code => loadI32At(add(get(l), shrU(get(o), i32(1))), 0);
  const kept: Code[] = [
    set(i8, shl(i32Q(pkeep), i32(3))),
    set(v, loadF64At(atQ(pdy), 0)),
    set(e, fMul(get(v), loadF64At(atI(pinv), 0))),
    set(sq, fAdd(get(sq), fMul(get(e), get(e)))),
    storeF64At(atI(py), 0, fAdd(loadF64At(atI(py), 0), get(v))),
    storeF64At(atI(pd), 0, fAdd(loadF64At(atI(pd), 0), get(v))),
  ];
  const roots: Code[] = [
    set(i8, shl(i32Q(pv), i32(3))),
    set(p, i32Q(pp)),
    set(t, f64Zero),
    ifThen(geS(get(p), i32(0)), set(t, fMul(loadF64At(atQ(pb), 0), loadF64At(add(get(py), shl(get(p), i32(3))), 0)))),
    set(x, fAdd(loadF64At(atQ(pa), 0), get(t))),
    set(e, fMul(fSub(get(x), loadF64At(atI(py), 0)), loadF64At(atI(pinv), 0))),
    set(sq, fAdd(get(sq), fMul(get(e), get(e)))),
    storeF64At(atI(py), 0, get(x)),
    storeF64At(atI(pd), 0, fSub(get(x), loadF64At(atI(pyp), 0))),
  ];
  return {
    name: 'nupd',
    params: L.params,
    results: [F64],
    locals: L.locals,
    body: [
      ...set(sq, f64Zero),
      ...set(end, mul(get(nk), i32(8))),
      ...sweep(o, end, kept),
      ...set(end, mul(get(nR), i32(8))),
      ...sweep(o, end, roots),
      ...get(sq),
    ],
  };
}

/** address of element i (an i32 local) of an array of 2^shift-byte elements at the byte offset in local base */
const elt = (base: number, i: Code, shift: number): Code => add(get(base), shl(i, i32(shift)));

/**
 * cfac(nRng, rng, c, cancel, m, lv, lpq, jPiv, jUp, jLo, J, piv, inv, upA, mul, mag) → 1, or 0 on a small
 * or non-finite pivot: condensed.ts LinearChains.factor's loops, step for step, over each range
 * [rng[2r], rng[2r + 1]) of the trees in turn (whole trees: a tree's elimination reads only its own
 * entries, so the ranges one after another give every tree the operations of the loops over all)
 */
function chainFactorFunc(): Func {
  const L = new Locals();
  const nRng = L.param('nRng', I32);
  const prng = L.param('rng', I32);
  const c = L.param('c', F64);
  const cancel = L.param('cancel', F64);
  const pm = L.param('m', I32);
  const plv = L.param('lv', I32);
  const plpq = L.param('lpq', I32);
  const pjPiv = L.param('jPiv', I32);
  const pjUp = L.param('jUp', I32);
  const pjLo = L.param('jLo', I32);
  const pJ = L.param('J', I32);
  const ppiv = L.param('piv', I32);
  const pinv = L.param('inv', I32);
  const pupA = L.param('upA', I32);
  const pmul = L.param('mul', I32);
  const pmag = L.param('mag', I32);
  const i = L.local('i', I32);
  const j = L.local('j', I32);
  const pq = L.local('pq', I32);
  const a = L.local('a', F64);
  const b = L.local('b', F64);
  const p = L.local('p', F64);
  const u = L.local('u', F64);
  const l = L.local('l', F64);
  const iv = L.local('iv', F64);
  const lm = L.local('lm', F64);
  const nc = L.local('nc', F64);
  const r = L.local('r', I32);
  const i0 = L.local('i0', I32);
  const i1 = L.local('i1', I32);
  const inc = set(i, add(get(i), i32(1)));
  /** −c·J[j] where j ≥ 0, else 0 (into the f64 local dst) */
  const entry = (dst: number, pos: number): Code[] => [
    set(j, loadI32At(elt(pos, get(i), 2), 0)),
    set(dst, f64Zero),
    ifThen(geS(get(j), i32(0)), set(dst, fMul(get(nc), loadF64At(elt(pJ, get(j), 3), 0)))),
  ];
  const loop1: Code[] = [
    set(a, loadF64At(elt(pm, loadI32At(elt(plv, get(i), 2), 0), 3), 0)),
    set(j, loadI32At(elt(pjPiv, get(i), 2), 0)),
    // a structural zero reads as JavaScript's J[−1] (undefined: NaN), which fails the test below
    set(b, f64(NaN)),
    ifThen(geS(get(j), i32(0)), set(b, fMul(get(c), loadF64At(elt(pJ, get(j), 3), 0)))),
    storeF64At(elt(ppiv, get(i), 3), 0, fSub(get(a), get(b))),
    storeF64At(elt(pmag, get(i), 3), 0, fAdd(fAbs(get(a)), fAbs(get(b)))),
    inc,
  ];
  const loop2: Code[] = [
    set(p, loadF64At(elt(ppiv, get(i), 3), 0)),
    ...entry(u, pjUp),
    ...entry(l, pjLo),
    set(pq, loadI32At(elt(plpq, get(i), 2), 0)),
    ifThen(
      or(
        eqz(fGt(fAbs(get(p)), fMul(get(cancel), loadF64At(elt(pmag, get(i), 3), 0)))),
        fNe(fSub(get(p), get(p)), f64Zero),
      ),
      ret(i32(0)),
    ),
    set(iv, fDiv(f64One, get(p))),
    storeF64At(elt(pinv, get(i), 3), 0, get(iv)),
    storeF64At(elt(pupA, get(i), 3), 0, get(u)),
    storeF64At(elt(pmul, get(i), 3), 0, f64Zero),
    ifThen(
      geS(get(pq), i32(0)),
      set(lm, fMul(get(l), get(iv))),
      storeF64At(elt(pmul, get(i), 3), 0, get(lm)),
      storeF64At(elt(ppiv, get(pq), 3), 0, fSub(loadF64At(elt(ppiv, get(pq), 3), 0), fMul(get(lm), get(u)))),
      storeF64At(elt(pmag, get(pq), 3), 0, fAdd(loadF64At(elt(pmag, get(pq), 3), 0), fAbs(fMul(get(lm), get(u))))),
    ),
    inc,
  ];
  return {
    name: 'cfac',
    params: L.params,
    results: [I32],
    locals: L.locals,
    body: [
      ...set(nc, fNeg(get(c))),
      ...set(r, i32(0)),
      ...until(
        geS(get(r), get(nRng)),
        set(i0, loadI32At(elt(prng, get(r), 3), 0)),
        set(i1, loadI32At(elt(prng, get(r), 3), 4)),
        set(i, get(i0)),
        until(geS(get(i), get(i1)), ...loop1),
        set(i, get(i0)),
        until(geS(get(i), get(i1)), ...loop2),
        set(r, add(get(r), i32(1))),
      ),
      ...i32(1),
    ],
  };
}

/**
 * ccpy(nCopy, dst, src, inv, upA, mul): the elimination of each tree that is bit for bit another's (the
 * same entries: StateLease.chainFactor) copied from it, element dst[q] from src[q] — what the rest reads
 * (LinearChains.elimination, rhs, fill); its pivots and magnitudes are the factorisation's workspace
 */
function chainCopyFunc(): Func {
  const L = new Locals();
  const nCopy = L.param('nCopy', I32);
  const pdst = L.param('dst', I32);
  const psrc = L.param('src', I32);
  const arrays = [L.param('inv', I32), L.param('upA', I32), L.param('mul', I32)];
  const q = L.local('q', I32);
  const d8 = L.local('d8', I32);
  const s8 = L.local('s8', I32);
  const body: Code[] = [
    set(d8, shl(loadI32At(elt(pdst, get(q), 2), 0), i32(3))),
    set(s8, shl(loadI32At(elt(psrc, get(q), 2), 0), i32(3))),
  ];
  for (const a of arrays) body.push(storeF64At(add(get(a), get(d8)), 0, loadF64At(add(get(a), get(s8)), 0)));
  body.push(set(q, add(get(q), i32(1))));
  return {
    name: 'ccpy',
    params: L.params,
    results: [],
    locals: L.locals,
    body: [...set(q, i32(0)), ...until(geS(get(q), get(nCopy)), ...body)],
  };
}

/**
 * which runs of the linear trees the chain kernels take two at a time (crhs, cfill): each run's recurrence
 * is a serial chain of a product and a difference per unknown (latency-bound, ≈ 7 cycles an unknown), so two
 * independent runs side by side take about the time of one. Two runs of the same length are taken together
 * only where that gives every unknown the operations, in the same order, of the loops one run after the
 * other (condensed.ts LinearChains.rhs and fill):
 * - rhs, runs r and r + 1: run r's end goes onto its parent pq after its loop; run r + 1 must not read that
 *   parent (pq outside r + 1's unknowns). Where both have the same parent its two updates keep their order
 *   (r's first). Nothing run r reads is written by run r + 1 before r's loop ends in either order.
 * - fill, runs r and r − 1 (fill walks the runs in reverse): run r − 1 starts from its parent's solution
 *   y[p], which run r must not write (p outside r's unknowns, lv[i0 .. end] — consecutive); run r's own
 *   parent is read before either writes anything.
 * Greedy in each loop's direction. pairRhs[r] = 1: r with r + 1; pairFill[r] = 1: r with r − 1.
 */
export function pairRuns(
  st: { readonly [K in 'lv' | 'lp' | 'lpq' | 'runI0' | 'runEnd']: Int32Array },
  pairRhs: Int32Array,
  pairFill: Int32Array,
): void {
  const { lv, lp, lpq, runI0, runEnd } = st;
  const nRuns = runI0.length;
  pairRhs.fill(0);
  pairFill.fill(0);
  const len = (r: number): number => runEnd[r]! - runI0[r]!;
  for (let r = 0; r + 1 < nRuns; r++) {
    const pq = lpq[runEnd[r]!]!;
    if (len(r) !== len(r + 1) || (pq >= runI0[r + 1]! && pq <= runEnd[r + 1]!)) continue;
    pairRhs[r] = 1;
    r++;
  }
  for (let r = nRuns - 1; r >= 1; r--) {
    const p = lp[runEnd[r - 1]!]!;
    const v0 = lv[runI0[r]!]!;
    const v1 = lv[runEnd[r]!]!;
    if (len(r) !== len(r - 1) || (p >= v0 && p <= v1)) continue;
    pairFill[r] = 1;
    r--;
  }
}

/**
 * crhs(nl, nRuns, nRoots, m, yPred, psi, lv, lpq, mul, bx, inv, upA, rootI, alpha, beta, runI0, runEnd,
 * pair): condensed.ts LinearChains.rhs's loops, step for step, with the runs that pairRuns marks taken two
 * at a time (the same operations on every unknown, in the same order)
 */
function chainRhsFunc(): Func {
  const L = new Locals();
  const nl = L.param('nl', I32);
  const nRuns = L.param('nRuns', I32);
  const nRoots = L.param('nRoots', I32);
  const pm = L.param('m', I32);
  const pyp = L.param('yPred', I32);
  const ppsi = L.param('psi', I32);
  const plv = L.param('lv', I32);
  const plpq = L.param('lpq', I32);
  const pmul = L.param('mul', I32);
  const pbx = L.param('bx', I32);
  const pinv = L.param('inv', I32);
  const pupA = L.param('upA', I32);
  const prootI = L.param('rootI', I32);
  const palpha = L.param('alpha', I32);
  const pbeta = L.param('beta', I32);
  const prunI0 = L.param('runI0', I32);
  const prunEnd = L.param('runEnd', I32);
  const ppair = L.param('pair', I32);
  const i = L.local('i', I32);
  const r = L.local('r', I32);
  const e = L.local('e', I32);
  const v8 = L.local('v8', I32);
  const pq = L.local('pq', I32);
  const x = L.local('x', F64);
  const i2 = L.local('i2', I32);
  const e2 = L.local('e2', I32);
  const x2 = L.local('x2', F64);
  const inc = (l: number): Code => set(l, add(get(l), i32(1)));
  const at8 = (base: number): Code => add(get(base), get(v8));
  const loop1: Code[] = [
    set(v8, shl(loadI32At(elt(plv, get(i), 2), 0), i32(3))),
    storeF64At(
      elt(pbx, get(i), 3),
      0,
      fMul(loadF64At(at8(pm), 0), fSub(loadF64At(at8(pyp), 0), loadF64At(at8(ppsi), 0))),
    ),
    inc(i),
  ];
  /** x ← bx[i + 1] − mul[i]·x, stored as bx[i + 1] */
  const step = (ii: number, xx: number): Code[] => [
    set(xx, fSub(loadF64At(elt(pbx, get(ii), 3), 8), fMul(loadF64At(elt(pmul, get(ii), 3), 0), get(xx)))),
    storeF64At(elt(pbx, get(ii), 3), 8, get(xx)),
  ];
  /** the run's end (at ee, its last value xx) onto its parent */
  const toParent = (ee: number, xx: number): Code[] => [
    set(pq, loadI32At(elt(plpq, get(ee), 2), 0)),
    ifThen(
      geS(get(pq), i32(0)),
      storeF64At(
        elt(pbx, get(pq), 3),
        0,
        fSub(loadF64At(elt(pbx, get(pq), 3), 0), fMul(loadF64At(elt(pmul, get(ee), 3), 0), get(xx))),
      ),
    ),
  ];
  const runs: Code[] = [
    set(e, loadI32At(elt(prunEnd, get(r), 2), 0)),
    set(i, loadI32At(elt(prunI0, get(r), 2), 0)),
    set(x, loadF64At(elt(pbx, get(i), 3), 0)),
    ifElse(
      eqz(loadI32At(elt(ppair, get(r), 2), 0)),
      [until(geS(get(i), get(e)), ...step(i, x), inc(i)), ...toParent(e, x), inc(r)],
      [
        // runs r and r + 1 (the same length) side by side
        set(e2, loadI32At(elt(prunEnd, get(r), 2), 4)),
        set(i2, loadI32At(elt(prunI0, get(r), 2), 4)),
        set(x2, loadF64At(elt(pbx, get(i2), 3), 0)),
        until(geS(get(i), get(e)), ...step(i, x), ...step(i2, x2), inc(i), inc(i2)),
        ...toParent(e, x),
        ...toParent(e2, x2),
        set(r, add(get(r), i32(2))),
      ],
    ),
  ];
  const roots: Code[] = [
    set(i, loadI32At(elt(prootI, get(r), 2), 0)),
    storeF64At(elt(palpha, get(r), 3), 0, fMul(loadF64At(elt(pbx, get(i), 3), 0), loadF64At(elt(pinv, get(i), 3), 0))),
    storeF64At(
      elt(pbeta, get(r), 3),
      0,
      fMul(fNeg(loadF64At(elt(pupA, get(i), 3), 0)), loadF64At(elt(pinv, get(i), 3), 0)),
    ),
    inc(r),
  ];
  return {
    name: 'crhs',
    params: L.params,
    results: [],
    locals: L.locals,
    body: [
      ...set(i, i32(0)),
      ...until(geS(get(i), get(nl)), ...loop1),
      ...set(r, i32(0)),
      ...until(geS(get(r), get(nRuns)), ...runs),
      ...set(r, i32(0)),
      ...until(geS(get(r), get(nRoots)), ...roots),
    ],
  };
}

/**
 * cfill(nRuns, y, yPred, d, lv, lp, bx, inv, upA, runI0, runEnd, pair): condensed.ts LinearChains.fill's
 * loops, step for step, with the runs that pairRuns marks taken two at a time (the same operations on every
 * unknown, in the same order)
 */
function chainFillFunc(): Func {
  const L = new Locals();
  const nRuns = L.param('nRuns', I32);
  const py = L.param('y', I32);
  const pyp = L.param('yPred', I32);
  const pd = L.param('d', I32);
  const plv = L.param('lv', I32);
  const plp = L.param('lp', I32);
  const pbx = L.param('bx', I32);
  const pinv = L.param('inv', I32);
  const pupA = L.param('upA', I32);
  const prunI0 = L.param('runI0', I32);
  const prunEnd = L.param('runEnd', I32);
  const ppair = L.param('pair', I32);
  const r = L.local('r', I32);
  const i = L.local('i', I32);
  const i0 = L.local('i0', I32);
  const p = L.local('p', I32);
  const v = L.local('v', I32);
  const x = L.local('x', F64);
  const t = L.local('t', F64);
  const i2 = L.local('i2', I32);
  const v2 = L.local('v2', I32);
  const x2 = L.local('x2', F64);
  const store = (vv: number, xx: number): Code[] => [
    storeF64At(elt(py, get(vv), 3), 0, get(xx)),
    storeF64At(elt(pd, get(vv), 3), 0, fSub(get(xx), loadF64At(elt(pyp, get(vv), 3), 0))),
  ];
  /** the run ending at (ii, vv) from its parent's solution: x ← (bx[i] − upA[i]·y[p])·inv[i] (0 for no parent) */
  const start = (ii: number, vv: number, xx: number): Code[] => [
    set(p, loadI32At(elt(plp, get(ii), 2), 0)),
    set(vv, loadI32At(elt(plv, get(ii), 2), 0)),
    set(t, f64Zero),
    ifThen(geS(get(p), i32(0)), set(t, fMul(loadF64At(elt(pupA, get(ii), 3), 0), loadF64At(elt(py, get(p), 3), 0)))),
    set(xx, fMul(fSub(loadF64At(elt(pbx, get(ii), 3), 0), get(t)), loadF64At(elt(pinv, get(ii), 3), 0))),
    ...store(vv, xx),
  ];
  /** one unknown down the run: x ← (bx[i] − upA[i]·x)·inv[i] */
  const down = (ii: number, vv: number, xx: number): Code[] => [
    set(ii, sub(get(ii), i32(1))),
    set(vv, sub(get(vv), i32(1))),
    set(
      xx,
      fMul(
        fSub(loadF64At(elt(pbx, get(ii), 3), 0), fMul(loadF64At(elt(pupA, get(ii), 3), 0), get(xx))),
        loadF64At(elt(pinv, get(ii), 3), 0),
      ),
    ),
    ...store(vv, xx),
  ];
  const run: Code[] = [
    set(r, sub(get(r), i32(1))),
    set(i0, loadI32At(elt(prunI0, get(r), 2), 0)),
    set(i, loadI32At(elt(prunEnd, get(r), 2), 0)),
    ...start(i, v, x),
    ifElse(
      eqz(loadI32At(elt(ppair, get(r), 2), 0)),
      [until(leS(get(i), get(i0)), ...down(i, v, x))],
      [
        // runs r and r − 1 (the same length) side by side
        set(i2, loadI32At(elt(prunEnd, sub(get(r), i32(1)), 2), 0)),
        ...start(i2, v2, x2),
        until(leS(get(i), get(i0)), ...down(i, v, x), ...down(i2, v2, x2)),
        set(r, sub(get(r), i32(1))),
      ],
    ),
  ];
  return {
    name: 'cfill',
    params: L.params,
    results: [],
    locals: L.locals,
    body: [...set(r, get(nRuns)), ...until(leS(get(r), i32(0)), ...run)],
  };
}

type UpdateDFn = (
  n: number,
  D: number,
  d: number,
  yPred: number,
  psi: number,
  invScale: number,
  atol: number,
  rtol: number,
  alpha: number,
  next: number,
) => void;
type ApplyRUFn = (
  n: number,
  D: number,
  RU: number,
  yPred: number,
  psi: number,
  scale: number,
  invScale: number,
  atol: number,
  rtol: number,
  alpha: number,
) => void;
type ErrorNormFn = (
  n: number,
  y: number,
  scale: number,
  atol: number,
  d: number,
  isAlg: number,
  Dk: number,
  Dk1: number,
  out: number,
  rtol: number,
  mult: number,
  multM: number,
  multP: number,
  all: number,
  select: number,
) => number;

type NewtonRhsFn = (
  nk: number,
  keep: number,
  fv: number,
  cw: number,
  m: number,
  psi: number,
  d: number,
  rs: number,
  dy: number,
  scaled: number,
) => number;
type NewtonUpdateFn = (
  nk: number,
  nR: number,
  keep: number,
  dy: number,
  invScale: number,
  yNew: number,
  d: number,
  rootV: number,
  rootP: number,
  alpha: number,
  beta: number,
  yPred: number,
) => number;

type ChainFactorFn = (
  nRng: number,
  rng: number,
  c: number,
  cancel: number,
  m: number,
  lv: number,
  lpq: number,
  jPiv: number,
  jUp: number,
  jLo: number,
  J: number,
  piv: number,
  inv: number,
  upA: number,
  mul: number,
  mag: number,
) => number;
type ChainCopyFn = (nCopy: number, dst: number, src: number, inv: number, upA: number, mul: number) => void;
type ChainRhsFn = (
  nl: number,
  nRuns: number,
  nRoots: number,
  m: number,
  yPred: number,
  psi: number,
  lv: number,
  lpq: number,
  mul: number,
  bx: number,
  inv: number,
  upA: number,
  rootI: number,
  alpha: number,
  beta: number,
  runI0: number,
  runEnd: number,
  pair: number,
) => void;
type ChainFillFn = (
  nRuns: number,
  y: number,
  yPred: number,
  d: number,
  lv: number,
  lp: number,
  bx: number,
  inv: number,
  upA: number,
  runI0: number,
  runEnd: number,
  pair: number,
) => void;

/** one WebAssembly memory with its instance of the module: leases are taken from its top, stack-wise */
interface Arena {
  readonly mem: WasmMemory;
  readonly bytes: number;
  readonly updD: UpdateDFn[];
  readonly ru: ApplyRUFn[];
  readonly err: ErrorNormFn;
  readonly nres: NewtonRhsFn;
  readonly nupd: NewtonUpdateFn;
  readonly cfac: ChainFactorFn;
  readonly ccpy: ChainCopyFn;
  readonly crhs: ChainRhsFn;
  readonly cfill: ChainFillFn;
  /** the first free byte */
  top: number;
}

/** the sizes of a solve with linear trees (LinearChains) beside its n unknowns */
export interface ChainSizes {
  /** unknowns kept in the Newton loop */
  readonly nk: number;
  /** roots of the trees */
  readonly nR: number;
  /** unknowns in the trees, and their runs */
  readonly nl: number;
  readonly nRuns: number;
  /** the core's J values */
  readonly nJ: number;
}
const NO_CHAINS: ChainSizes = { nk: 0, nR: 0, nl: 0, nRuns: 0, nJ: 0 };

/**
 * bytes of one lease for n unknowns: D (MAX_ORDER + 3 = 8 rows), 11 vectors, RU (36), 2 sums, the
 * trees' f64 arrays (row scale nk, α and β nR, 6 of nl, J), then the i32 ones (keep nk, rootV, rootP and
 * rootI nR, 6 of nl, 4 of nRuns, the factorisation's ranges 2·nR and copies 2·nl), and isAlg (n bytes)
 */
function leaseBytes(n: number, z: ChainSizes): number {
  const f = 8 * n + 11 * n + 36 + 2 + z.nk + 2 * z.nR + 6 * z.nl + z.nJ;
  const i = z.nk + 5 * z.nR + 8 * z.nl + 4 * z.nRuns;
  return 8 * f + 8 * Math.ceil((4 * i + n) / 8);
}

/**
 * a solve's arrays in the thread's arena (views, valid until release()) and the kernel's sweeps on them:
 * D (the history, MAX_ORDER + 3 rows of n), d, y (the corrector's solution), yPred, ψ, scale, 1/scale,
 * atol, RU ((order + 1)² step-change coefficients, row-major) and isAlg
 */
export class StateLease {
  readonly D: Float64Array;
  readonly d: Float64Array;
  readonly y: Float64Array;
  readonly yPred: Float64Array;
  readonly psi: Float64Array;
  readonly scale: Float64Array;
  readonly invScale: Float64Array;
  readonly atol: Float64Array;
  readonly RU: Float64Array;
  readonly isAlg: Uint8Array;
  /** the Newton loop's f, row weights, mass diagonal and update (n each) */
  readonly fv: Float64Array;
  readonly cw: Float64Array;
  readonly m: Float64Array;
  readonly dy: Float64Array;
  /** the linear trees' reduced iteration: the band's row scale (nk), each root's α and β (nR) */
  readonly rs: Float64Array;
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  /** the kept unknowns (nk), the roots and their parents (nR) */
  readonly keep: Int32Array;
  readonly rootV: Int32Array;
  readonly rootP: Int32Array;
  private readonly ofv: number;
  private readonly ocw: number;
  private readonly om: number;
  private readonly ody: number;
  private readonly ors: number;
  private readonly oalpha: number;
  private readonly obeta: number;
  private readonly okeep: number;
  private readonly orootV: number;
  private readonly orootP: number;
  /** the linear trees (LinearChains' arrays while attached: ChainKernel; the structure copied in) */
  readonly nk: number;
  readonly nR: number;
  readonly nl: number;
  readonly nRuns: number;
  readonly piv: Float64Array;
  readonly inv: Float64Array;
  readonly upA: Float64Array;
  readonly mul: Float64Array;
  readonly mag: Float64Array;
  readonly bx: Float64Array;
  /** a copy of the core's J values (set after every Jacobian evaluation) */
  readonly J: Float64Array;
  readonly rootI: Int32Array;
  readonly lv: Int32Array;
  readonly lp: Int32Array;
  readonly lpq: Int32Array;
  readonly jPiv: Int32Array;
  readonly jUp: Int32Array;
  readonly jLo: Int32Array;
  readonly runI0: Int32Array;
  readonly runEnd: Int32Array;
  /** 1 where run r is taken together with run r + 1 in chainRhs (pairRuns), else 0 */
  readonly pairRhs: Int32Array;
  /** 1 where run r is taken together with run r − 1 in chainFill (pairRuns), else 0 */
  readonly pairFill: Int32Array;
  private readonly opiv: number;
  private readonly oinvP: number;
  private readonly oupA: number;
  private readonly omul: number;
  private readonly omag: number;
  private readonly obx: number;
  private readonly oJ: number;
  private readonly orootI: number;
  private readonly olv: number;
  private readonly olp: number;
  private readonly olpq: number;
  private readonly ojPiv: number;
  private readonly ojUp: number;
  private readonly ojLo: number;
  private readonly orunI0: number;
  private readonly orunEnd: number;
  private readonly opairRhs: number;
  private readonly opairFill: number;
  /**
   * the trees' factorisation (chainFactor): the ranges of lv it computes (pairs [i0, i1)), and the
   * elements it copies instead, each from the same element of an earlier tree with the same entries
   */
  private readonly rng: Int32Array;
  private readonly cdst: Int32Array;
  private readonly csrc: Int32Array;
  private readonly orng: number;
  private readonly ocdst: number;
  private readonly ocsrc: number;
  private nRng = 0;
  private nCopy = 0;
  /** the ranges and copies are those of the lease's J and m (false: to be found at the next chainFactor) */
  private classesValid = false;
  private readonly out: Float64Array;
  private readonly oD: number;
  private readonly od: number;
  private readonly oy: number;
  private readonly oyPred: number;
  private readonly opsi: number;
  private readonly oscale: number;
  private readonly oinv: number;
  private readonly oatol: number;
  private readonly oRU: number;
  private readonly oout: number;
  private readonly oalg: number;

  constructor(
    private readonly arena: Arena,
    readonly n: number,
    z: ChainSizes,
    private readonly base: number,
  ) {
    const buf = arena.mem.buffer;
    let at = base;
    const f64 = (len: number): Float64Array => {
      const v = new Float64Array(buf, at, len);
      at += 8 * len;
      return v;
    };
    const i32 = (len: number): Int32Array => {
      const v = new Int32Array(buf, at, len);
      at += 4 * len;
      return v;
    };
    const { nk, nR, nl } = z;
    this.nk = nk;
    this.nR = nR;
    this.nl = nl;
    this.nRuns = z.nRuns;
    this.oD = at;
    this.D = f64(8 * n);
    this.od = at;
    this.d = f64(n);
    this.oy = at;
    this.y = f64(n);
    this.oyPred = at;
    this.yPred = f64(n);
    this.opsi = at;
    this.psi = f64(n);
    this.oscale = at;
    this.scale = f64(n);
    this.oinv = at;
    this.invScale = f64(n);
    this.oatol = at;
    this.atol = f64(n);
    this.oRU = at;
    this.RU = f64(36);
    this.oout = at;
    this.out = f64(2);
    this.ofv = at;
    this.fv = f64(n);
    this.ocw = at;
    this.cw = f64(n);
    this.om = at;
    this.m = f64(n);
    this.ody = at;
    this.dy = f64(n);
    this.ors = at;
    this.rs = f64(nk);
    this.oalpha = at;
    this.alpha = f64(nR);
    this.obeta = at;
    this.beta = f64(nR);
    this.opiv = at;
    this.piv = f64(nl);
    this.oinvP = at;
    this.inv = f64(nl);
    this.oupA = at;
    this.upA = f64(nl);
    this.omul = at;
    this.mul = f64(nl);
    this.omag = at;
    this.mag = f64(nl);
    this.obx = at;
    this.bx = f64(nl);
    this.oJ = at;
    this.J = f64(z.nJ);
    this.okeep = at;
    this.keep = i32(nk);
    this.orootV = at;
    this.rootV = i32(nR);
    this.orootP = at;
    this.rootP = i32(nR);
    this.orootI = at;
    this.rootI = i32(nR);
    this.olv = at;
    this.lv = i32(nl);
    this.olp = at;
    this.lp = i32(nl);
    this.olpq = at;
    this.lpq = i32(nl);
    this.ojPiv = at;
    this.jPiv = i32(nl);
    this.ojUp = at;
    this.jUp = i32(nl);
    this.ojLo = at;
    this.jLo = i32(nl);
    this.orunI0 = at;
    this.runI0 = i32(z.nRuns);
    this.orunEnd = at;
    this.runEnd = i32(z.nRuns);
    this.opairRhs = at;
    this.pairRhs = i32(z.nRuns);
    this.opairFill = at;
    this.pairFill = i32(z.nRuns);
    this.orng = at;
    this.rng = i32(2 * nR);
    this.ocdst = at;
    this.cdst = i32(nl);
    this.ocsrc = at;
    this.csrc = i32(nl);
    this.oalg = at;
    this.isAlg = new Uint8Array(buf, at, n);
  }

  /** gives the arrays back (leases are released in the reverse order of their taking: nested solves) */
  release(): void {
    this.arena.top = this.base;
  }

  /** bdf.ts updateD (order 1..5) */
  updateD(order: number, next: boolean, rtol: number, alpha: number): void {
    this.arena.updD[order]!(
      this.n,
      this.oD,
      this.od,
      this.oyPred,
      this.opsi,
      this.oinv,
      this.oatol,
      rtol,
      alpha,
      next ? 1 : 0,
    );
  }

  /** bdf.ts applyRU of D with the predictor (order 1..5), RU in this.RU */
  applyRU(order: number, rtol: number, alpha: number): void {
    this.arena.ru[order]!(
      this.n,
      this.oD,
      this.oRU,
      this.oyPred,
      this.opsi,
      this.oscale,
      this.oinv,
      this.oatol,
      rtol,
      alpha,
    );
  }

  /**
   * errorNorm's sweep on y (the corrector's solution): Σ e² over the counted rows (all, or the
   * differential ones); select: the order selection's sums at k − 1 and k + 1 in selectSums (multM, multP:
   * their error constants)
   */
  errorSums(
    order: number,
    rtol: number,
    all: boolean,
    mult: number,
    select: boolean,
    multM: number,
    multP: number,
  ): number {
    const n = this.n;
    const oDk = this.oD + 8 * order * n;
    return this.arena.err(
      n,
      this.oy,
      this.oscale,
      this.oatol,
      this.od,
      this.oalg,
      oDk,
      oDk + 8 * n,
      this.oout,
      rtol,
      mult,
      multM,
      multP,
      all ? 1 : 0,
      select ? 1 : 0,
    );
  }

  /**
   * newtonReduced's right-hand side on the kept unknowns into dy[0 .. nk) (scaled: times rs); returns
   * the finiteness sum of f on them (0, or NaN when one is not finite)
   */
  newtonRhs(scaled: boolean): number {
    return this.arena.nres(
      this.nk,
      this.okeep,
      this.ofv,
      this.ocw,
      this.om,
      this.opsi,
      this.od,
      this.ors,
      this.ody,
      scaled ? 1 : 0,
    );
  }

  /**
   * newtonReduced's update of y (the corrector's iterate) and d by dy on the first nk kept unknowns (0:
   * none), then the roots from their parents; returns Σ e² of the changes
   */
  newtonUpdate(nk: number): number {
    return this.arena.nupd(
      nk,
      this.nR,
      this.okeep,
      this.ody,
      this.oinv,
      this.oy,
      this.od,
      this.orootV,
      this.orootP,
      this.oalpha,
      this.obeta,
      this.oyPred,
    );
  }

  /**
   * the linear trees of a solve into the lease: their unknowns (keep, roots and their parents), their
   * structure and J's values as they stand (condensed.ts LinearChains and its ChainStructure)
   */
  loadChains(
    ch: {
      readonly keep: Int32Array;
      readonly rootV: Int32Array;
      readonly rootP: Int32Array;
      readonly jacobianValues: Float64Array;
    },
    st: { readonly [K in 'rootI' | 'lv' | 'lp' | 'lpq' | 'jPiv' | 'jUp' | 'jLo' | 'runI0' | 'runEnd']: Int32Array },
  ): void {
    this.keep.set(ch.keep);
    this.rootV.set(ch.rootV);
    this.rootP.set(ch.rootP);
    this.rootI.set(st.rootI);
    this.lv.set(st.lv);
    this.lp.set(st.lp);
    this.lpq.set(st.lpq);
    this.jPiv.set(st.jPiv);
    this.jUp.set(st.jUp);
    this.jLo.set(st.jLo);
    this.runI0.set(st.runI0);
    this.runEnd.set(st.runEnd);
    pairRuns(st, this.pairRhs, this.pairFill);
    this.setJ(ch.jacobianValues);
  }

  /**
   * sets the copy of the core's J values (after every Jacobian evaluation; J's entries may be written
   * directly too, then call jacobianChanged()); linearHeld: the evaluation left the linear rows' entries
   * as the system held them (the same doubles as at the last setJ)
   */
  setJ(values: Float64Array, linearHeld = false): void {
    this.J.set(values);
    // the entries the trees' classes compare are all in linear rows: put back unchanged (linearHeld: the
    // system kept them from the solve's first evaluation, JacobianSink.linearRowsHeld), the classes stand
    if (!linearHeld) this.classesValid = false;
  }

  /** J or m changed in place: the trees' classes are found again at the next chainFactor */
  jacobianChanged(): void {
    this.classesValid = false;
  }

  /**
   * the trees that are bit for bit an earlier one (the same structure, mass entries and J entries that
   * the factorisation reads: a DFN's particles of one electrode with a constant diffusivity) take its
   * elimination by copy; the others are computed, in ranges of consecutive trees. A tree is the range
   * of lv ending at its root (children come before parents: each tree's elements are consecutive, the
   * roots ascending); when the trees do not lie so, one range covers them all and nothing is copied.
   * The structure and m are compared once per lease (shapes), J's entries after every change of J.
   */
  private findClasses(): void {
    this.classesValid = true;
    const { rootI, jPiv, jUp, jLo, J, rng, cdst, csrc, nl } = this;
    const nR = rootI.length;
    const shape = (this.shape ??= this.findShapes());
    this.nCopy = 0;
    rng[0] = 0;
    rng[1] = nl;
    this.nRng = nl > 0 ? 1 : 0;
    if (shape.length === 0) return;
    // per tree: the tree whose elimination it takes (itself: computed)
    const from = (this.from ??= new Int32Array(nR));
    let nRng = 0;
    let nCopy = 0;
    let s0 = 0;
    for (let r = 0; r < nR; r++) {
      const e = rootI[r]!;
      from[r] = r;
      // the earlier computed trees of its shape, latest first
      for (let t = r - 1; t >= 0; t--) {
        if (from[t] !== t || shape[t] !== shape[r]) continue;
        const d = rootI[t]! - e;
        let same = true;
        for (let i = s0; i <= e && same; i++) {
          // the same double, ±0 told apart (NaN never the same: such a tree is computed, and fails, itself)
          let a = jPiv[i]!;
          if (a >= 0) {
            const x = J[a]!;
            const y = J[jPiv[i + d]!]!;
            same = x === y && (x !== 0 || 1 / x === 1 / y);
          }
          a = jUp[i]!;
          if (same && a >= 0) {
            const x = J[a]!;
            const y = J[jUp[i + d]!]!;
            same = x === y && (x !== 0 || 1 / x === 1 / y);
          }
          // the root's entry from its parent is not read (its multiplier is 0)
          a = jLo[i]!;
          if (same && a >= 0 && i < e) {
            const x = J[a]!;
            const y = J[jLo[i + d]!]!;
            same = x === y && (x !== 0 || 1 / x === 1 / y);
          }
        }
        if (same) {
          from[r] = t;
          break;
        }
      }
      const t = from[r]!;
      if (t === r) {
        // a range of its own, or the previous one extended (consecutive computed trees)
        if (nRng > 0 && rng[2 * nRng - 1] === s0) rng[2 * nRng - 1] = e + 1;
        else {
          rng[2 * nRng] = s0;
          rng[2 * nRng + 1] = e + 1;
          nRng++;
        }
      } else
        for (let i = s0, k = s0 + rootI[t]! - e; i <= e; i++, k++) {
          cdst[nCopy] = i;
          csrc[nCopy] = k;
          nCopy++;
        }
      s0 = e + 1;
    }
    this.nRng = nRng;
    this.nCopy = nCopy;
  }

  /** per tree: the first tree with its structure and mass entries (shapes; empty: the trees do not lie in ranges) */
  private shape: Int32Array | null = null;
  /** findClasses' per tree source */
  private from: Int32Array | null = null;

  /** the trees' shapes (findClasses): the same length, parents, structural zeros and m (bit for bit) */
  private findShapes(): Int32Array {
    const { rootI, lpq, lv, jPiv, jUp, jLo, m, nl } = this;
    const nR = rootI.length;
    const none = new Int32Array(0);
    // the trees' ranges: every element's parent later in its own tree, the root's none
    let s0 = 0;
    for (let r = 0; r < nR; r++) {
      const e = rootI[r]!;
      if (e < s0) return none;
      for (let i = s0; i < e; i++) if (!(lpq[i]! > i && lpq[i]! <= e)) return none;
      if (lpq[e]! >= 0) return none;
      s0 = e + 1;
    }
    if (s0 !== nl) return none;
    const shape = new Int32Array(nR);
    const start = (r: number): number => (r === 0 ? 0 : rootI[r - 1]! + 1);
    for (let r = 0; r < nR; r++) {
      shape[r] = r;
      const s = start(r);
      const e = rootI[r]!;
      for (let t = 0; t < r; t++) {
        if (shape[t] !== t) continue;
        const s2 = start(t);
        if (rootI[t]! - s2 !== e - s) continue;
        let same = true;
        for (let i = s, k = s2; i <= e && same; i++, k++) {
          const a = m[lv[i]!]!;
          const b = m[lv[k]!]!;
          same =
            (i === e || lpq[i]! - s === lpq[k]! - s2) &&
            a === b &&
            (a !== 0 || 1 / a === 1 / b) &&
            jPiv[i]! >= 0 === jPiv[k]! >= 0 &&
            jUp[i]! >= 0 === jUp[k]! >= 0 &&
            (i === e || jLo[i]! >= 0 === jLo[k]! >= 0);
        }
        if (same) {
          shape[r] = t;
          break;
        }
      }
    }
    return shape;
  }

  /** elements of the trees whose elimination chainFactor copies from an earlier tree's (tests) */
  get chainCopies(): number {
    if (!this.classesValid) this.findClasses();
    return this.nCopy;
  }

  /** condensed.ts LinearChains.factor(m, c) on the lease's m, J and trees (cancel: its pivot test's factor) */
  chainFactor(c: number, cancel: number): boolean {
    if (!this.classesValid) this.findClasses();
    const a = this.arena;
    const ok =
      a.cfac(
        this.nRng,
        this.orng,
        c,
        cancel,
        this.om,
        this.olv,
        this.olpq,
        this.ojPiv,
        this.ojUp,
        this.ojLo,
        this.oJ,
        this.opiv,
        this.oinvP,
        this.oupA,
        this.omul,
        this.omag,
      ) === 1;
    if (ok && this.nCopy > 0) a.ccpy(this.nCopy, this.ocdst, this.ocsrc, this.oinvP, this.oupA, this.omul);
    return ok;
  }

  /** condensed.ts LinearChains.rhs(m, yPred, ψ) on the lease's arrays */
  chainRhs(): void {
    this.arena.crhs(
      this.nl,
      this.nRuns,
      this.nR,
      this.om,
      this.oyPred,
      this.opsi,
      this.olv,
      this.olpq,
      this.omul,
      this.obx,
      this.oinvP,
      this.oupA,
      this.orootI,
      this.oalpha,
      this.obeta,
      this.orunI0,
      this.orunEnd,
      this.opairRhs,
    );
  }

  /** condensed.ts LinearChains.fill(y, yPred, d) on the lease's arrays (y: the corrector's solution) */
  chainFill(): void {
    this.arena.cfill(
      this.nRuns,
      this.oy,
      this.oyPred,
      this.od,
      this.olv,
      this.olp,
      this.obx,
      this.oinvP,
      this.oupA,
      this.orunI0,
      this.orunEnd,
      this.opairFill,
    );
  }

  /** the select sums of the last errorSums(…, select) (a view: [Σ at k − 1, Σ at k + 1]) */
  get selectSums(): Float64Array {
    return this.out;
  }
}

let compiled: { wasm: WasmApi; module: object } | null | undefined; // undefined: not tried; null: unavailable
let enabled = true;
/** the thread's current arena (null: none yet) */
let current: Arena | null = null;

function compile(): { wasm: WasmApi; module: object } | null {
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (wasm === undefined) return null;
    const build = (simd: boolean): object => {
      const funcs: Func[] = [];
      for (let k = 1; k <= 5; k++) funcs.push(updateDFunc(k, simd), applyRUFunc(k, simd));
      funcs.push(
        errorNormFunc(simd),
        newtonRhsFunc(),
        newtonUpdateFunc(),
        chainFactorFunc(),
        chainCopyFunc(),
        chainRhsFunc(),
        chainFillFunc(),
      );
      return new wasm.Module(encodeModule(funcs, true));
    };
    // with WebAssembly SIMD in updD and ru where the engine has it, else the same kernel with scalar loops
    simdUsed = false;
    if (simdWanted)
      try {
        const module = build(true);
        simdUsed = true;
        return { wasm, module };
      } catch {
        // no SIMD: the scalar kernel below
      }
    return { wasm, module: build(false) };
  } catch {
    return null;
  }
}

/** whether compile() tries the SIMD loops first (tests switch it off to compare the scalar ones too) */
let simdWanted = true;
/** whether the compiled kernel has the SIMD loops */
let simdUsed = false;

/**
 * the kernel with (true) or without (false) its SIMD loops for solves started from now on (compiled
 * again; solves in progress keep their arena); returns the previous setting
 */
export function useStateKernelSimd(on: boolean): boolean {
  const was = simdWanted;
  if (on !== simdWanted) {
    simdWanted = on;
    compiled = undefined;
    current = null;
  }
  return was;
}

/** whether this thread's kernel runs the SIMD loops (tests) */
export function stateKernelSimdUsed(): boolean {
  if (compiled === undefined) compiled = compile();
  return compiled !== null && simdUsed;
}

/**
 * a fresh arena of at least `bytes`: a memory of its own, never grown (growing a memory detaches its
 * buffer, which would invalidate the views of the solves in progress, and the engine's typed-array fast
 * paths assume no buffer is ever detached)
 */
function newArena(c: { wasm: WasmApi; module: object }, bytes: number): Arena {
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  const mem = new c.wasm.Memory({ initial: pages, maximum: pages });
  const ex = new c.wasm.Instance(c.module, { env: { mem } }).exports;
  const updD: UpdateDFn[] = [];
  const ru: ApplyRUFn[] = [];
  for (let k = 0; k <= 5; k++) {
    updD.push(ex[`updD${Math.max(k, 1)}`] as UpdateDFn);
    ru.push(ex[`ru${Math.max(k, 1)}`] as ApplyRUFn);
  }
  return {
    mem,
    bytes: pages * 65536,
    updD,
    ru,
    err: ex.err as ErrorNormFn,
    nres: ex.nres as NewtonRhsFn,
    nupd: ex.nupd as NewtonUpdateFn,
    cfac: ex.cfac as ChainFactorFn,
    ccpy: ex.ccpy as ChainCopyFn,
    crhs: ex.crhs as ChainRhsFn,
    cfill: ex.cfill as ChainFillFn,
    top: 0,
  };
}

/**
 * the arrays of one solve of n unknowns in the thread's arena, or null where the JavaScript loops are to
 * run (n < STATE_KERNEL_MIN_N, switched off, WebAssembly unavailable). Release it when the solve ends.
 * An arena too small for the lease is replaced by one twice as large (a solve in progress keeps its own
 * until it releases); one far larger than needed by a solve that runs alone is replaced by a smaller one
 */
export function acquireState(n: number, chains: ChainSizes = NO_CHAINS): StateLease | null {
  if (!enabled || n < STATE_KERNEL_MIN_N) return null;
  if (compiled === undefined) compiled = compile();
  if (compiled === null) return null;
  const bytes = leaseBytes(n, chains);
  let a = current;
  try {
    if (a === null || a.top + bytes > a.bytes) a = newArena(compiled, Math.max(2 * (a ? a.bytes : 0), 4 * bytes));
    else if (a.top === 0 && a.bytes > Math.max(16 * bytes, ARENA_KEEP_BYTES)) a = newArena(compiled, 4 * bytes);
  } catch {
    return null;
  }
  current = a;
  const lease = new StateLease(a, n, chains, a.top);
  a.top += bytes;
  return lease;
}

/** an arena this small is kept whatever the solves' sizes */
const ARENA_KEEP_BYTES = 4 << 20;

/** switches the kernel on or off for solves started from now on (tests compare both); returns the previous setting */
export function useWasmStateKernel(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** whether the kernel compiled on this thread (tests: the comparison of both paths must not be vacuous) */
export function wasmStateKernelAvailable(): boolean {
  if (compiled === undefined) compiled = compile();
  return compiled !== null;
}
