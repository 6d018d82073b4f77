/**
 * The BDF integrator's O(n) sweeps over its history and weights (bdf.ts updateD, applyRU, errorNorm) as
 * a WebAssembly kernel working in place on the solver's own arrays: while a large system (n ≥
 * STATE_KERNEL_MIN_N) is solved, its history D, predictor, ψ, weights, correction and corrector solution
 * are views into the thread's WebAssembly memory (the arena: a lease per solve, taken and given back
 * stack-wise, so nested solves work), so that the kernel reads and writes them with no copies and the
 * solver's JavaScript reads them as before.
 *
 * The same floating-point operations in the same order as the JavaScript loops (bit-identical results:
 * f64 add/sub/mul/div/abs are IEEE 754 in both, neither fuses a multiply-add); the JavaScript loops stay
 * for small systems (where the arena's set-up would cost more than it saves: the alloying history's n ≈ 4
 * runs thousands of times per shift), where WebAssembly is missing or refuses the module, when switched
 * off (useWasmStateKernel(false): the tests compare both), and for the forward sensitivities' histories.
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
  geU,
  get,
  i32,
  ifThen,
  loadF64At,
  loadU8,
  mul,
  or,
  eqz,
  set,
  storeF64At,
  until,
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

/** Σ terms left to right, from `first` (bdf.ts writes `0 + a + b …` and `a0 + a1 + …`) */
const sum = (first: Code, terms: Code[]): Code => terms.reduce((acc, t) => fAdd(acc, t), first);

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
 * updD{k}(n, D, d, yPred, psi, invScale, atol, rtol, alpha, next): bdf.ts updateD at order k — D[k+2] ←
 * d − D[k+1] (when next), D[k+1] ← d, D[j] += D[j+1] for j = k..0, and the next predictor (yPred, ψ,
 * 1/scale) from the new D[0..k]
 */
function updateDFunc(k: number): Func {
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
  const rows: number[] = [];
  for (let j = 0; j <= k + 2; j++) rows.push(L.local(`r${j}`, I32));
  const di = L.local('di', F64);
  const yp = L.local('yp', F64);
  const a: number[] = [];
  for (let j = 0; j <= k; j++) a.push(L.local(`a${j}`, F64));
  const at = (l: number): Code => add(get(l), get(o));
  const setup: Code[] = [set(end, mul(get(n), i32(8)))];
  for (let j = 0; j <= k + 2; j++) setup.push(set(rows[j]!, add(get(pD), mul(get(end), i32(j)))));
  const body: Code[] = [
    set(di, loadF64At(at(pd), 0)),
    ifThen(get(next), storeF64At(at(rows[k + 2]!), 0, fSub(get(di), loadF64At(at(rows[k + 1]!), 0)))),
    storeF64At(at(rows[k + 1]!), 0, get(di)),
    set(a[k]!, fAdd(loadF64At(at(rows[k]!), 0), get(di))),
    storeF64At(at(rows[k]!), 0, get(a[k]!)),
  ];
  for (let j = k - 1; j >= 0; j--) {
    body.push(set(a[j]!, fAdd(loadF64At(at(rows[j]!), 0), get(a[j + 1]!))));
    body.push(storeF64At(at(rows[j]!), 0, get(a[j]!)));
  }
  const terms: Code[] = [];
  const psiTerms: Code[] = [];
  for (let j = 1; j <= k; j++) {
    terms.push(get(a[j]!));
    psiTerms.push(fMul(f64(GAMMA[j]!), get(a[j]!)));
  }
  body.push(
    set(yp, sum(get(a[0]!), terms)),
    storeF64At(at(pyp), 0, get(yp)),
    storeF64At(at(pinv), 0, fDiv(f64One, fAdd(loadF64At(at(patol), 0), fMul(get(rtol), fAbs(get(yp)))))),
    storeF64At(at(ppsi), 0, fDiv(sum(f64Zero, psiTerms), get(alpha))),
  );
  return {
    name: `updD${k}`,
    params: L.params,
    results: [],
    locals: L.locals,
    body: [...setup.flat(), ...sweep(o, end, body)],
  };
}

/**
 * ru{k}(n, D, RU, yPred, psi, scale, invScale, atol, rtol, alpha): bdf.ts applyRU at order k with the
 * predictor — D[j] ← Σ_i RU[i][j]·D[i] (j ≥ 1, ascending i, from 0), then yPred, ψ, scale and 1/scale
 */
function applyRUFunc(k: number): Func {
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
  const rows: number[] = [];
  for (let j = 0; j <= k; j++) rows.push(L.local(`r${j}`, I32));
  const c: number[][] = [];
  for (let i = 0; i <= k; i++) {
    c.push([]);
    for (let j = 1; j <= k; j++) c[i]![j] = L.local(`c${i}${j}`, F64);
  }
  const dv: number[] = [];
  for (let i = 0; i <= k; i++) dv.push(L.local(`d${i}`, F64));
  const e: number[] = [];
  for (let j = 0; j <= k; j++) e.push(j === 0 ? -1 : L.local(`e${j}`, F64));
  const yp = L.local('yp', F64);
  const w = L.local('w', F64);
  const at = (l: number): Code => add(get(l), get(o));
  const setup: Code[] = [set(end, mul(get(n), i32(8)))];
  for (let j = 0; j <= k; j++) setup.push(set(rows[j]!, add(get(pD), mul(get(end), i32(j)))));
  for (let i = 0; i <= k; i++)
    for (let j = 1; j <= k; j++) setup.push(set(c[i]![j]!, loadF64At(get(pRU), 8 * (i * s + j))));
  const body: Code[] = [];
  for (let i = 0; i <= k; i++) body.push(set(dv[i]!, loadF64At(at(rows[i]!), 0)));
  for (let j = 1; j <= k; j++) {
    const terms: Code[] = [];
    for (let i = 0; i <= k; i++) terms.push(fMul(get(c[i]![j]!), get(dv[i]!)));
    body.push(set(e[j]!, sum(f64Zero, terms)));
  }
  for (let j = 1; j <= k; j++) body.push(storeF64At(at(rows[j]!), 0, get(e[j]!)));
  const terms: Code[] = [];
  const psiTerms: Code[] = [];
  for (let j = 1; j <= k; j++) {
    terms.push(get(e[j]!));
    psiTerms.push(fMul(f64(GAMMA[j]!), get(e[j]!)));
  }
  body.push(
    set(yp, sum(get(dv[0]!), terms)),
    storeF64At(at(pyp), 0, get(yp)),
    storeF64At(at(ppsi), 0, fDiv(sum(f64Zero, psiTerms), get(alpha))),
    set(w, fAdd(loadF64At(at(patol), 0), fMul(get(rtol), fAbs(get(yp))))),
    storeF64At(at(pscale), 0, get(w)),
    storeF64At(at(pinv), 0, fDiv(f64One, get(w))),
  );
  return {
    name: `ru${k}`,
    params: L.params,
    results: [],
    locals: L.locals,
    body: [...setup.flat(), ...sweep(o, end, body)],
  };
}

/**
 * err(n, y, scale, atol, d, isAlg, D_k, D_k+1, out, rtol, mult, multM, multP, all, select) → Σ e²: bdf.ts
 * errorNorm's sweep — scale = atol + rtol·|y|, e = mult·d/scale over the rows counted (all, or the
 * differential ones); select: also Σ (multM·(D_k + d)/scale)² and Σ (multP·(d − D_k+1)/scale)² into
 * out[0], out[1]
 */
function errorNormFunc(): Func {
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
      ...sweep(o, end, body, b),
      ...ifThen(get(sel), storeF64At(get(pout), 0, get(sM)), storeF64At(get(pout), 8, get(sP))),
      ...get(s),
    ],
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

/** one WebAssembly memory with its instance of the module: leases are taken from its top, stack-wise */
interface Arena {
  readonly mem: WasmMemory;
  readonly bytes: number;
  readonly updD: UpdateDFn[];
  readonly ru: ApplyRUFn[];
  readonly err: ErrorNormFn;
  /** the first free byte */
  top: number;
}

/** bytes of one lease for n unknowns: D (MAX_ORDER + 3 = 8 rows), 7 vectors, RU (36), 2 sums, isAlg */
function leaseBytes(n: number): number {
  return 8 * (8 * n + 7 * n + 36 + 2 + Math.ceil(n / 8));
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
    private readonly base: number,
  ) {
    const buf = arena.mem.buffer;
    let at = base;
    const f64 = (len: number): Float64Array => {
      const v = new Float64Array(buf, at, len);
      at += 8 * len;
      return v;
    };
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
    const funcs: Func[] = [];
    for (let k = 1; k <= 5; k++) funcs.push(updateDFunc(k), applyRUFunc(k));
    funcs.push(errorNormFunc());
    return { wasm, module: new wasm.Module(encodeModule(funcs, true)) };
  } catch {
    return null;
  }
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
  return { mem, bytes: pages * 65536, updD, ru, err: ex.err as ErrorNormFn, top: 0 };
}

/**
 * the arrays of one solve of n unknowns in the thread's arena, or null where the JavaScript loops are to
 * run (n < STATE_KERNEL_MIN_N, switched off, WebAssembly unavailable). Release it when the solve ends.
 * An arena too small for the lease is replaced by one twice as large (a solve in progress keeps its own
 * until it releases); one far larger than needed by a solve that runs alone is replaced by a smaller one
 */
export function acquireState(n: number): StateLease | null {
  if (!enabled || n < STATE_KERNEL_MIN_N) return null;
  if (compiled === undefined) compiled = compile();
  if (compiled === null) return null;
  const bytes = leaseBytes(n);
  let a = current;
  try {
    if (a === null || a.top + bytes > a.bytes) a = newArena(compiled, Math.max(2 * (a ? a.bytes : 0), 4 * bytes));
    else if (a.top === 0 && a.bytes > Math.max(16 * bytes, ARENA_KEEP_BYTES)) a = newArena(compiled, 4 * bytes);
  } catch {
    return null;
  }
  current = a;
  const lease = new StateLease(a, n, a.top);
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
