/**
 * The banded triangular solves of BandLu (dgbtrs, no transpose) as a WebAssembly kernel: the same
 * floating-point operations in the same order as BandLu's JavaScript loops (bit-identical results: f64
 * add/sub/mul/div are IEEE 754 round-to-nearest in both, neither fuses a multiply-add), about 1.5–2×
 * faster on the DFN's band (181 rows, 5 below and 4 above the diagonal) because the engine's bounds
 * checks and loop overhead of the short inner loops go away.
 *
 * No binary in the repository and no build step: the module is assembled from the instructions written
 * below (a minimal encoder of the WebAssembly binary format, https://webassembly.github.io/spec/core/binary/)
 * at the first solve and compiled once per thread. Where WebAssembly is missing or refuses the module, or
 * when switched off (useWasmBandKernel(false): the tests compare both), BandLu keeps its JavaScript loops.
 *
 * The kernel works on a copy of the factors in its own memory (the arena): a BandLu's factors are copied
 * there at its first solve after each factor() (ownership by instance and factorisation count), the
 * right-hand side is copied in and the solution out at every solve.
 */

/** the factors' layout as BandLu holds them (band storage, pivots, U's and L's column extents) */
export interface BandFactors {
  readonly n: number;
  readonly kl: number;
  readonly ku: number;
  readonly ld: number;
  readonly ab: Float64Array;
  readonly piv: Int32Array;
  readonly um: Int32Array;
  readonly lm: Int32Array;
}

// ---- a minimal WebAssembly binary encoder (only what the kernel uses) ----

type Code = number[];
const I32 = 0x7f;
const F64 = 0x7c;

function u32(v: number): Code {
  const out: Code = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function s32(v: number): Code {
  const out: Code = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: Code[]): Code => [...u32(items.length), ...items.flat()];
const name = (s: string): Code => vec([...s].map((ch) => [ch.charCodeAt(0)]));
const section = (id: number, body: Code): Code => [id, ...u32(body.length), ...body];

// instructions (each returns its bytes; operands first, as the stack machine takes them)
const get = (l: number): Code => [0x20, ...u32(l)];
const set = (l: number, v: Code): Code => [...v, 0x21, ...u32(l)];
const i32 = (v: number): Code => [0x41, ...s32(v)];
const f64Zero: Code = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
const op =
  (code: number) =>
  (a: Code, b: Code): Code => [...a, ...b, code];
const add = op(0x6a);
const sub = op(0x6b);
const mul = op(0x6c);
const shl = op(0x74);
const ne = op(0x47);
const geS = op(0x4e);
const ltS = op(0x48);
const geU = op(0x4f);
const fNe = op(0x62);
const fSub = op(0xa1);
const fMul = op(0xa2);
const fDiv = op(0xa3);
const loadI32 = (addr: Code): Code => [...addr, 0x28, 2, 0];
const loadF64 = (addr: Code): Code => [...addr, 0x2b, 3, 0];
const storeF64 = (addr: Code, v: Code): Code => [...addr, ...v, 0x39, 3, 0];
/** byte address of element i of an array of 2^shift-byte elements at byte offset base */
const at = (base: Code, i: Code, shift: number): Code => add(base, shl(i, i32(shift)));
const ifThen = (cond: Code, ...body: Code[]): Code => [...cond, 0x04, 0x40, ...body.flat(), 0x0b];
/** block { loop { br_if exit; body; br loop } } */
const until = (exit: Code, ...body: Code[]): Code => [
  0x02,
  0x40,
  0x03,
  0x40,
  ...exit,
  0x0d,
  1,
  ...body.flat(),
  0x0c,
  0,
  0x0b,
  0x0b,
];

interface Func {
  name: string;
  params: number[];
  locals: number[];
  body: Code;
}

function encodeModule(funcs: Func[]): Uint8Array {
  const types = section(1, vec(funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec([])])));
  const fnSec = section(3, vec(funcs.map((_, i) => u32(i))));
  const memSec = section(5, vec([[0x00, ...u32(1)]]));
  const exports = section(
    7,
    vec([...funcs.map((f, i) => [...name(f.name), 0x00, ...u32(i)]), [...name('mem'), 0x02, 0]]),
  );
  const code = section(
    10,
    vec(
      funcs.map((f) => {
        const body = [...vec(f.locals.map((t) => [1, t])), ...f.body, 0x0b];
        return [...u32(body.length), ...body];
      }),
    ),
  );
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...types, ...fnSec, ...memSec, ...exports, ...code]);
}

// ---- the kernel ----

/**
 * solve(n, kv, ld, ab, b, piv, um, lm): byte offsets of the band storage (f64), the right-hand side (f64,
 * solved in place), the pivots and U's and L's column extents (i32). BandLu.solve's loops, step for step.
 */
function solveFunc(): Func {
  // parameters 0..7, then locals
  const [n, kv, ld, ab, b, piv, um, lm] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [j, l, pa, pb, pe] = [8, 9, 10, 11, 12];
  const [bj, tmp] = [13, 14];
  const bAt = (i: Code): Code => at(get(b), i, 3);
  // forward: for j < n − 1: swap b[j], b[piv[j]]; b[j+1 .. j+lm[j]] −= ab[cj+1 ..]·b[j] (cj = j·ld + kv)
  const forward = [
    set(j, i32(0)),
    until(
      geS(get(j), sub(get(n), i32(1))),
      set(l, loadI32(at(get(piv), get(j), 2))),
      ifThen(
        ne(get(l), get(j)),
        set(tmp, loadF64(bAt(get(l)))),
        storeF64(bAt(get(l)), loadF64(bAt(get(j)))),
        storeF64(bAt(get(j)), get(tmp)),
      ),
      set(bj, loadF64(bAt(get(j)))),
      ifThen(
        fNe(get(bj), f64Zero),
        set(pa, at(get(ab), add(mul(get(j), get(ld)), add(get(kv), i32(1))), 3)),
        set(pb, bAt(add(get(j), i32(1)))),
        set(pe, add(get(pb), shl(loadI32(at(get(lm), get(j), 2)), i32(3)))),
        until(
          geU(get(pb), get(pe)),
          storeF64(get(pb), fSub(loadF64(get(pb)), fMul(loadF64(get(pa)), get(bj)))),
          set(pa, add(get(pa), i32(8))),
          set(pb, add(get(pb), i32(8))),
        ),
      ),
      set(j, add(get(j), i32(1))),
    ),
  ];
  // backward: for j = n − 1 … 0: x = b[j] / ab[cj]; b[j − um[j] .. j − 1] −= ab[cj − um[j] ..]·x
  const x = bj;
  const backward = [
    set(j, sub(get(n), i32(1))),
    until(
      ltS(get(j), i32(0)),
      set(pa, at(get(ab), add(mul(get(j), get(ld)), get(kv)), 3)),
      set(pb, bAt(get(j))),
      set(x, fDiv(loadF64(get(pb)), loadF64(get(pa)))),
      storeF64(get(pb), get(x)),
      ifThen(
        fNe(get(x), f64Zero),
        set(pe, get(pb)),
        set(l, shl(loadI32(at(get(um), get(j), 2)), i32(3))),
        set(pa, sub(get(pa), get(l))),
        set(pb, sub(get(pb), get(l))),
        until(
          geU(get(pb), get(pe)),
          storeF64(get(pb), fSub(loadF64(get(pb)), fMul(loadF64(get(pa)), get(x)))),
          set(pa, add(get(pa), i32(8))),
          set(pb, add(get(pb), i32(8))),
        ),
      ),
      set(j, sub(get(j), i32(1))),
    ),
  ];
  return {
    name: 'solve',
    params: [I32, I32, I32, I32, I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, I32, F64, F64],
    body: [...forward, ...backward].flat(),
  };
}

/** the parts of the WebAssembly API used here (the project's TypeScript lib has no WebAssembly types) */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

type SolveFn = (n: number, kv: number, ld: number, ab: number, b: number, piv: number, um: number, lm: number) => void;

/** the banded solve with the kernel (BandLu.solve's contract; count: the factorisation it belongs to) */
export interface BandSolveKernel {
  solve(lu: BandFactors, count: number, b: Float64Array, offset: number): void;
}

/** the compiled kernel and its arena, with the views of the factors it holds */
class Kernel implements BandSolveKernel {
  private readonly mem: WasmMemory;
  private readonly run: SolveFn;
  private owner: BandFactors | null = null;
  private ownerCount = -1;
  // byte offsets of the owner's arrays in the arena, and the right-hand side's view
  private oB = 0;
  private oPiv = 0;
  private oUm = 0;
  private oLm = 0;
  private bView = new Float64Array(0);

  constructor(instance: { exports: Record<string, unknown> }) {
    this.mem = instance.exports.mem as WasmMemory;
    this.run = instance.exports.solve as SolveFn;
  }

  /** copies lu's factors into the arena (growing it when needed) */
  private load(lu: BandFactors, count: number): void {
    const { n, ab } = lu;
    const oB = ab.length * 8;
    const oPiv = oB + n * 8;
    const oUm = oPiv + n * 4;
    const oLm = oUm + n * 4;
    const bytes = oLm + n * 4;
    const have = this.mem.buffer.byteLength;
    if (bytes > have) this.mem.grow(Math.ceil((bytes - have) / 65536));
    const buf = this.mem.buffer;
    new Float64Array(buf, 0, ab.length).set(ab);
    new Int32Array(buf, oPiv, n).set(lu.piv);
    new Int32Array(buf, oUm, n).set(lu.um);
    new Int32Array(buf, oLm, n).set(lu.lm);
    this.bView = new Float64Array(buf, oB, n);
    this.oB = oB;
    this.oPiv = oPiv;
    this.oUm = oUm;
    this.oLm = oLm;
    this.owner = lu;
    this.ownerCount = count;
  }

  /** solves with lu's factors of factorisation number count; b[offset .. offset + n) in place */
  solve(lu: BandFactors, count: number, b: Float64Array, offset: number): void {
    if (this.owner !== lu || this.ownerCount !== count) this.load(lu, count);
    const n = lu.n;
    const bv = this.bView;
    bv.set(offset === 0 && b.length === n ? b : b.subarray(offset, offset + n));
    this.run(n, lu.kl + lu.ku, lu.ld, 0, this.oB, this.oPiv, this.oUm, this.oLm);
    b.set(bv, offset);
  }
}

let kernel: Kernel | null | undefined; // undefined: not tried yet; null: unavailable
let enabled = true;

function compile(): Kernel | null {
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (wasm === undefined) return null;
    return new Kernel(new wasm.Instance(new wasm.Module(encodeModule([solveFunc()])), {}));
  } catch {
    return null;
  }
}

/**
 * the kernel for a band of n rows, null where BandLu's JavaScript loops are to run (switched off,
 * WebAssembly unavailable, or a band too small for the copies to pay: n < 32)
 */
export function bandKernel(n: number): BandSolveKernel | null {
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

/** whether the kernel compiled on this thread (tests: the comparison of both paths must not be vacuous) */
export function wasmBandKernelAvailable(): boolean {
  if (kernel === undefined) kernel = compile();
  return kernel !== null;
}
