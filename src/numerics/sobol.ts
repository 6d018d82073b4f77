/**
 * Sobol' low-discrepancy sequence (Sobol', USSR Comput. Math. Math. Phys. 7 (1967) 86) with the
 * direction numbers of Joe & Kuo, "Constructing Sobol sequences with better two-dimensional
 * projections", SIAM J. Sci. Comput. 30 (2008) 2635, doi:10.1137/070709359 (file new-joe-kuo-6.21201,
 * first 1024 dimensions, in data/sobol/). Unscrambled, 32-bit: point i is computed directly from the
 * Gray code of i (x = ⊕ v_k over the set bits of i ^ (i >> 1)), so any point is available without
 * generating the ones before it — a study can hand any slice of the sequence to any worker.
 *
 * No npm package offers a maintained Sobol' generator (checked: none on the registry besides copies
 * of a 10-dimension table), so it is written here; the points equal scipy.stats.qmc.Sobol(scramble=False).
 */
import { assetText } from '../assets.ts';

const BITS = 32;
/** the largest dimension the shipped direction numbers cover */
export const SOBOL_MAX_DIM = 1024;

let table: { s: number; a: number; m: number[] }[] | undefined;

function directionTable(): { s: number; a: number; m: number[] }[] {
  if (table) return table;
  const lines = assetText('sobol/new-joe-kuo-6.1024.tsv').trim().split('\n').slice(1);
  table = lines.map((l) => {
    const f = l.trim().split(/\s+/).map(Number);
    return { s: f[1]!, a: f[2]!, m: f.slice(3) };
  });
  return table;
}

/** Direction numbers v[j][k] (k = 0 … 31, as 32-bit integers) of the first `dim` dimensions. */
function directions(dim: number): Uint32Array[] {
  const t = directionTable();
  const out: Uint32Array[] = [];
  const v0 = new Uint32Array(BITS);
  for (let k = 0; k < BITS; k++) v0[k] = 2 ** (BITS - 1 - k);
  out.push(v0);
  for (let j = 1; j < dim; j++) {
    const { s, a, m } = t[j - 1]!;
    const v = new Uint32Array(BITS);
    for (let k = 0; k < Math.min(s, BITS); k++) v[k] = (m[k]! * 2 ** (BITS - 1 - k)) >>> 0;
    for (let k = s; k < BITS; k++) {
      let x = (v[k - s]! ^ (v[k - s]! >>> s)) >>> 0;
      for (let q = 1; q < s; q++) if ((a >>> (s - 1 - q)) & 1) x = (x ^ v[k - q]!) >>> 0;
      v[k] = x;
    }
    out.push(v);
  }
  return out;
}

/** A Sobol' sequence of `dim` dimensions; `point(i)` is its i-th point (i = 0 is the origin). */
export class SobolSequence {
  readonly dim: number;
  readonly #v: Uint32Array[];

  constructor(dim: number) {
    if (!Number.isInteger(dim) || dim < 1 || dim > SOBOL_MAX_DIM)
      throw new RangeError(`sobol: dimension must be an integer in 1 … ${SOBOL_MAX_DIM} (got ${dim})`);
    this.dim = dim;
    this.#v = directions(dim);
  }

  /** point i (0 ≤ i < 2³²) into `out` (length dim), coordinates in [0, 1) */
  point(i: number, out: Float64Array = new Float64Array(this.dim)): Float64Array {
    if (!Number.isInteger(i) || i < 0 || i >= 2 ** BITS)
      throw new RangeError(`sobol: index must be an integer in 0 … 2^32 - 1 (got ${i})`);
    const g = (i ^ (i >>> 1)) >>> 0;
    for (let j = 0; j < this.dim; j++) {
      const v = this.#v[j]!;
      let x = 0;
      for (let k = 0, b = g; b !== 0; k++, b >>>= 1) if (b & 1) x = (x ^ v[k]!) >>> 0;
      out[j] = x / 2 ** BITS;
    }
    return out;
  }
}
