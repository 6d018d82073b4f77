/**
 * A minimal encoder of the WebAssembly binary format (https://webassembly.github.io/spec/core/binary/):
 * only what the project's kernels use (band-kernel.ts, state-kernel.ts). Each instruction helper returns
 * its bytes, operands first, as the stack machine takes them; no binary in the repository, no build step.
 */

export type Code = number[];
export const I32 = 0x7f;
export const F64 = 0x7c;

export function u32(v: number): Code {
  const out: Code = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export function s32(v: number): Code {
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

export const vec = (items: Code[]): Code => [...u32(items.length), ...items.flat()];
export const name = (s: string): Code => vec([...s].map((ch) => [ch.charCodeAt(0)]));
export const section = (id: number, body: Code): Code => [id, ...u32(body.length), ...body];

// instructions (each returns its bytes; operands first, as the stack machine takes them)
export const get = (l: number): Code => [0x20, ...u32(l)];
export const set = (l: number, v: Code): Code => [...v, 0x21, ...u32(l)];
export const i32 = (v: number): Code => [0x41, ...s32(v)];
export const f64Zero: Code = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
export const f64One: Code = [0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f];
export const f64Inf: Code = [0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f];
export const op =
  (code: number) =>
  (a: Code, b: Code): Code => [...a, ...b, code];
export const add = op(0x6a);
export const sub = op(0x6b);
export const mul = op(0x6c);
export const shl = op(0x74);
export const ne = op(0x47);
export const geS = op(0x4e);
export const ltS = op(0x48);
export const geU = op(0x4f);
export const gtS = op(0x4a);
export const leS = op(0x4c);
export const and = op(0x71);
export const or = op(0x72);
export const fGt = op(0x64);
export const fLt = op(0x63);
export const fGe = op(0x66);
export const fAbs = (a: Code): Code => [...a, 0x99];
export const eqz = (a: Code): Code => [...a, 0x45];
/** cond ? a : b (both evaluated) */
export const select = (a: Code, b: Code, cond: Code): Code => [...a, ...b, ...cond, 0x1b];
export const ret = (v: Code): Code => [...v, 0x0f];
/** return from a function without a result */
export const retVoid: Code = [0x0f];
export const fNe = op(0x62);
export const fSub = op(0xa1);
export const fMul = op(0xa2);
export const fDiv = op(0xa3);
export const loadI32 = (addr: Code): Code => [...addr, 0x28, 2, 0];
export const loadF64 = (addr: Code): Code => [...addr, 0x2b, 3, 0];
export const storeF64 = (addr: Code, v: Code): Code => [...addr, ...v, 0x39, 3, 0];
export const storeI32 = (addr: Code, v: Code): Code => [...addr, ...v, 0x36, 2, 0];
/** byte address of element i of an array of 2^shift-byte elements at byte offset base */
export const at = (base: Code, i: Code, shift: number): Code => add(base, shl(i, i32(shift)));
export const ifThen = (cond: Code, ...body: Code[]): Code => [...cond, 0x04, 0x40, ...body.flat(), 0x0b];
/** if (cond) { then } else { otherwise } (no result) */
export const ifElse = (cond: Code, then: Code[], otherwise: Code[]): Code => [
  ...cond,
  0x04,
  0x40,
  ...then.flat(),
  0x05,
  ...otherwise.flat(),
  0x0b,
];
/** block { loop { br_if exit; body; br loop } } */
export const until = (exit: Code, ...body: Code[]): Code => [
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

// f64 arithmetic and memory beyond the band kernel's
export const fAdd = op(0xa0);
export const fSqrt = (a: Code): Code => [...a, 0x9f];
export const fNeg = (a: Code): Code => [...a, 0x9a];
/** an f64 constant (its IEEE 754 bits, little-endian) */
export function f64(v: number): Code {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return [0x44, ...b];
}
export const tee = (l: number, v: Code): Code => [...v, 0x22, ...u32(l)];
export const loadU8 = (addr: Code): Code => [...addr, 0x2d, 0, 0];
/** f64.load / f64.store with a constant byte offset added to the address */
export const loadF64At = (addr: Code, offset: number): Code => [...addr, 0x2b, 3, ...u32(offset)];
export const storeF64At = (addr: Code, offset: number, v: Code): Code => [...addr, ...v, 0x39, 3, ...u32(offset)];
export const ltU = op(0x49);
export const shrU = op(0x76);
export const loadI32At = (addr: Code, offset: number): Code => [...addr, 0x28, 2, ...u32(offset)];

// 128-bit SIMD (two f64 lanes; https://webassembly.github.io/spec/core/binary/instructions.html#vector-instructions):
// f64x2.add, .sub, .mul, .div and .abs are IEEE 754 in each lane, the same results as two f64 operations
export const V128 = 0x7b;
/** v128.load / v128.store (alignment hint 8 bytes: the f64 arrays' own) */
export const v128Load = (addr: Code): Code => [...addr, 0xfd, ...u32(0), 3, 0];
export const v128Store = (addr: Code, v: Code): Code => [...addr, ...v, 0xfd, ...u32(11), 3, 0];
export const f64x2Splat = (a: Code): Code => [...a, 0xfd, ...u32(20)];
export const f64x2Sub = (a: Code, b: Code): Code => [...a, ...b, 0xfd, ...u32(241)];
export const f64x2Mul = (a: Code, b: Code): Code => [...a, ...b, 0xfd, ...u32(242)];
/** f64x2.abs: |x| per lane (the sign bit cleared, as f64.abs) */
export const f64x2Abs = (a: Code): Code => [...a, 0xfd, ...u32(236)];
export const f64x2Add = (a: Code, b: Code): Code => [...a, ...b, 0xfd, ...u32(240)];
export const f64x2Div = (a: Code, b: Code): Code => [...a, ...b, 0xfd, ...u32(243)];
/** f64x2.extract_lane: lane 0 or 1 of a v128 as an f64 */
export const f64x2Lane = (a: Code, lane: 0 | 1): Code => [...a, 0xfd, ...u32(33), lane];
/** f64x2.pmax(a, b): per lane a < b ? b : a (the comparison and choice of `if (b > a) a = b`, NaN included) */
export const f64x2Pmax = (a: Code, b: Code): Code => [...a, ...b, 0xfd, ...u32(247)];

/** v128.load at addr + a constant byte offset (alignment hint 8 bytes) */
export const v128LoadAt = (addr: Code, offset: number): Code => [...addr, 0xfd, 0, 3, ...u32(offset)];
/** v128.store at addr + a constant byte offset (alignment hint 8 bytes) */
export const v128StoreAt = (addr: Code, offset: number, v: Code): Code => [...addr, ...v, 0xfd, 11, 3, ...u32(offset)];
/** f64x2.ne: each lane all ones where a ≠ b (a NaN too), else zero (f64.ne per lane) */
export const f64x2Ne = (a: Code, b: Code): Code => [...a, ...b, 0xfd, ...u32(72)];
/** i64x2.bitmask: the lanes' top bits (lane 0 in bit 0) */
export const i64x2Bitmask = (a: Code): Code => [...a, 0xfd, ...u32(196)];
/** i32.clz */
export const clz = (a: Code): Code => [...a, 0x67];
/** memory.copy (bulk memory): len bytes from src to dst */
export const memoryCopy = (dst: Code, src: Code, len: Code): Code => [...dst, ...src, ...len, 0xfc, ...u32(10), 0, 0];
/** i32.store at a static byte offset from addr */
export const storeI32At = (addr: Code, offset: number, v: Code): Code => [...addr, ...v, 0x36, 2, ...u32(offset)];
/** block … end (no result); br / br_if to an enclosing label (0: the innermost) */
export const block = (...body: Code[]): Code => [0x02, 0x40, ...body.flat(), 0x0b];
export const br = (depth: number): Code => [0x0c, ...u32(depth)];
export const brIf = (cond: Code, depth: number): Code => [...cond, 0x0d, ...u32(depth)];
/** f64x2.replace_lane: v with lane 1 set to b */
export const f64x2Lane1 = (v: Code, b: Code): Code => [...v, ...b, 0xfd, 0x22, 1];
/** (a, b) as two lanes (f64x2.splat, f64x2.replace_lane) */
export const pair = (a: Code, b: Code): Code => f64x2Lane1(f64x2Splat(a), b);
/** i8x16.shuffle taking the low (lane 0) or high (lane 1) double of a and of b: (a₀, b₀) or (a₁, b₁) */
export const lanes = (a: Code, b: Code, high: boolean): Code => {
  const o = high ? 8 : 0;
  const idx = Array.from({ length: 16 }, (_, i) => (i < 8 ? o + i : 16 + o + i - 8));
  return [...a, ...b, 0xfd, 0x0d, ...idx];
};
/** v128.const of the double v in both lanes */
export const vconst = (v: number): Code => {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setFloat64(0, v, true);
  dv.setFloat64(8, v, true);
  return [0xfd, 0x0c, ...b];
};
/** f64x2.neg: the sign bit of each lane flipped (as f64.neg) */
export const f64x2Neg = (a: Code): Code => [...a, 0xfd, ...u32(237)];
/** f64x2.sqrt: IEEE 754 square root per lane (as f64.sqrt) */
export const f64x2Sqrt = (a: Code): Code => [...a, 0xfd, ...u32(239)];
/** f64x2.gt: per lane all ones where a > b (false for NaN), else zero */
export const f64x2Gt = (a: Code, b: Code): Code => [...a, ...b, 0xfd, ...u32(74)];
/** v128.and, v128.xor: bitwise */
export const v128And = (a: Code, b: Code): Code => [...a, ...b, 0xfd, ...u32(78)];
export const v128Xor = (a: Code, b: Code): Code => [...a, ...b, 0xfd, ...u32(81)];

export interface Func {
  name: string;
  params: number[];
  results: number[];
  locals: number[];
  body: Code;
}

export function encodeModule(funcs: Func[], importMemory = false): Uint8Array {
  const types = section(
    1,
    vec(funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))])),
  );
  // an imported memory (env.mem, at least one page) instead of the module's own, exported one
  const imports = importMemory ? section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, ...u32(1)]])) : [];
  const fnSec = section(3, vec(funcs.map((_, i) => u32(i))));
  const memSec = importMemory ? [] : section(5, vec([[0x00, ...u32(1)]]));
  const exports = section(
    7,
    vec([
      ...funcs.map((f, i) => [...name(f.name), 0x00, ...u32(i)]),
      ...(importMemory ? [] : [[...name('mem'), 0x02, 0]]),
    ]),
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
  // the custom "name" section's function names (subsection 1): profilers and stack traces show the
  // kernels by name instead of wasm-function[i]
  const names = section(0, [...name('name'), ...section(1, vec(funcs.map((f, i) => [...u32(i), ...name(f.name)])))]);
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...types,
    ...imports,
    ...fnSec,
    ...memSec,
    ...exports,
    ...code,
    ...names,
  ]);
}

/** the parts of the WebAssembly API used here (the project's TypeScript lib has no WebAssembly types) */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum?: number }) => WasmMemory;
}

// integer ↔ float and 64-bit integer instructions (log and sinh, ./wasm-libm.ts)
export const I64 = 0x7e;
/** i64.const of a small integer (|v| < 2^31: its signed LEB128 is the i32 one) */
export const i64 = (v: number): Code => [0x42, ...s32(v)];
export const xor = op(0x73);
/** i32.shr_s (arithmetic shift) */
export const shrS = op(0x75);
export const gtU = op(0x4b);
export const eqI32 = op(0x46);
export const fEq = op(0x61);
export const fLe = op(0x65);
/** i32.trunc_f64_s: a double truncated toward zero (C's (int)d where it fits) */
export const truncF64S = (a: Code): Code => [...a, 0xaa];
/** f64.convert_i32_s: an int32 as a double (exact) */
export const f64FromI32S = (a: Code): Code => [...a, 0xb7];
/** the high 32 bits of a double's IEEE 754 bits as an i32 (i64.reinterpret_f64, i64.shr_u 32, i32.wrap_i64) */
export const hiWord = (x: Code): Code => [...x, 0xbd, ...i64(32), 0x88, 0xa7];
/** the low 32 bits of a double's bits as an i32 (i64.reinterpret_f64, i32.wrap_i64) */
export const loWord = (x: Code): Code => [...x, 0xbd, 0xa7];
/** the double of high word hi and low word lo (i64.extend_i32_u, i64.shl 32, i64.or, f64.reinterpret_i64) */
export const fromWords = (hi: Code, lo: Code): Code => [...hi, 0xad, ...i64(32), 0x86, ...lo, 0xad, 0x84, 0xbf];
/** call of function index fn with its arguments (each leaves one value) */
export const call = (fn: number, ...args: Code[]): Code => [...args.flat(), 0x10, ...u32(fn)];
