/**
 * Linear algebra on Float64Array for the stiff integrator: dense LU with partial pivoting, banded LU
 * (LAPACK dgbtf2/dgbtrs scheme: column-major band storage with kl extra rows of room for the fill-in
 * caused by row interchanges), and a bordered-banded solver for a banded block plus a few dense
 * border rows/columns (Schur complement on the border). No allocation after construction.
 *
 * References: E. Anderson et al., LAPACK Users' Guide, 3rd ed., SIAM 1999 (dgetrf, dgbtrf/dgbtrs);
 * G. H. Golub & C. F. Van Loan, Matrix Computations, 4th ed., 2013, §4.3 (banded LU), §3.2.
 */

import { bandKernel, type BandArrays, type BandFactors, type BandKernel } from './band-kernel.ts';

/**
 * In-place LU with partial pivoting of the row-major n×n matrix a (PA = LU, unit lower L below the
 * diagonal, U on and above). piv[k] is the row swapped with row k at stage k. Returns false when a
 * pivot is exactly zero (singular matrix).
 */
export function denseLuFactor(a: Float64Array, n: number, piv: Int32Array): boolean {
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    piv[k] = p;
    if (best === 0 || !Number.isFinite(best)) return false;
    if (p !== k) {
      const rk = k * n;
      const rp = p * n;
      for (let j = 0; j < n; j++) {
        const t = a[rk + j]!;
        a[rk + j] = a[rp + j]!;
        a[rp + j] = t;
      }
    }
    const rk = k * n;
    const inv = 1 / a[rk + k]!;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const l = a[ri + k]! * inv;
      a[ri + k] = l;
      if (l !== 0) for (let j = k + 1; j < n; j++) a[ri + j]! -= l * a[rk + j]!;
    }
  }
  return true;
}

/** Solves A·x = b in place (b becomes x) with the factors from denseLuFactor. */
export function denseLuSolve(lu: Float64Array, n: number, piv: Int32Array, b: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const p = piv[k]!;
    if (p !== k) {
      const t = b[k]!;
      b[k] = b[p]!;
      b[p] = t;
    }
  }
  for (let i = 1; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let j = 0; j < i; j++) s -= lu[ri + j]! * b[j]!;
    b[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    let s = b[i]!;
    for (let j = i + 1; j < n; j++) s -= lu[ri + j]! * b[j]!;
    b[i] = s / lu[ri + i]!;
  }
}

/**
 * Band matrix in LAPACK factorisation storage: column-major, leading dimension ld = 2·kl + ku + 1;
 * element A(i, j) (|i−j| within the band) lives at ab[(kl + ku + i − j) + j·ld]. The first kl rows are
 * room for the fill-in of partial pivoting. The WebAssembly kernel (band-kernel.ts) reads the factors through
 * BandFactors, the view of this class it declares (it cannot import this file, which imports it). After a
 * factorisation with the kernel the factors stay in its memory (heldBy) until read: ab, piv, um and lm
 * fetch them first.
 */
export class BandLu implements BandFactors {
  readonly n: number;
  readonly kl: number;
  readonly ku: number;
  readonly ld: number;
  /** the storage behind ab, piv, um and lm (the kernel's view; out of date while heldBy is set) */
  readonly arrays: BandArrays;
  /** the band kernel holding this band's current storage and factors (null: arrays hold them) */
  heldBy: BandKernel | null = null;
  /** arrays, brought up to date first where the kernel holds the band */
  private current(): BandArrays {
    if (this.heldBy !== null) this.heldBy.release(this);
    return this.arrays;
  }
  /** the band storage (A's entries before factor(), the factors after) */
  get ab(): Float64Array {
    return this.current().ab;
  }
  /** the row interchanges of factor(): row j swapped with row piv[j] at column j */
  get piv(): Int32Array {
    return this.current().piv;
  }
  /**
   * entries of U above the diagonal in each column after factor() (≤ kl + ku): row interchanges widen
   * U only near the rows they happen in, and the back substitution skips the rest (zeros)
   */
  get um(): Int32Array {
    return this.current().um;
  }
  /** entries of L below the diagonal in each column up to its last nonzero (set by factor()) */
  get lm(): Int32Array {
    return this.current().lm;
  }
  private readonly reach: Int32Array;
  /** factorisations so far (the WebAssembly solve's copy of the factors is keyed by it) */
  private factorCount = 0;
  /**
   * threshold partial pivoting: the diagonal stays the pivot while |a_jj| ≥ pivotThreshold·max_i |a_ij|
   * (1: classic partial pivoting, the default; 0.1 is the usual sparse-LU choice, e.g. UMFPACK's
   * relative pivot tolerance, with growth bounded by 1 + 1/threshold per step)
   */
  pivotThreshold = 1;

  constructor(n: number, kl: number, ku: number) {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`n: must be an integer ≥ 1 (got ${n})`);
    if (!(Number.isInteger(kl) && kl >= 0 && kl < n))
      throw new RangeError(`structure.lower: must be an integer in 0..n−1 (got ${kl}; n = ${n})`);
    if (!(Number.isInteger(ku) && ku >= 0 && ku < n))
      throw new RangeError(`structure.upper: must be an integer in 0..n−1 (got ${ku}; n = ${n})`);
    this.n = n;
    this.kl = kl;
    this.ku = ku;
    this.ld = 2 * kl + ku + 1;
    this.arrays = {
      ab: new Float64Array(this.ld * n),
      piv: new Int32Array(n),
      um: new Int32Array(n),
      lm: new Int32Array(n),
    };
    this.reach = new Int32Array(n);
  }

  /**
   * the band storage to be written in place for the next factor(), holding the current entries (ab's):
   * with the WebAssembly kernel its own copy, so that neither the entries nor the factors are copied
   * between it and ab; valid until a factor() or solve() of another band (read ab again after that)
   */
  stage(): Float64Array {
    const kernel = bandKernel(this.n);
    return kernel !== null ? kernel.stage(this, this.factorCount) : this.ab;
  }

  /** index of A(i, j) in ab (caller guarantees i − kl ≤ j ≤ i + ku) */
  idx(i: number, j: number): number {
    return this.kl + this.ku + i - j + j * this.ld;
  }

  /** zero the whole storage */
  clear(): void {
    this.ab.fill(0);
  }

  /** sets A(i, j) (must lie in the band) */
  set(i: number, j: number, v: number): void {
    if (j < i - this.kl || j > i + this.ku)
      throw new RangeError(`band matrix: entry (${i}, ${j}) is outside the band (lower ${this.kl}, upper ${this.ku})`);
    this.ab[this.kl + this.ku + i - j + j * this.ld] = v;
  }

  get(i: number, j: number): number {
    if (j < i - this.kl || j > i + this.ku) return 0;
    return this.ab[this.kl + this.ku + i - j + j * this.ld]!;
  }

  /**
   * row equilibration: rs[i] (on entry a lower bound of row i's largest magnitude, 0 for none) becomes
   * 1/the largest magnitude of row i over rs[i] and the band (1 for a row of zeros), and row i is
   * multiplied by it, so that threshold pivoting compares like with like
   */
  private equilibrate(rs: Float64Array): void {
    const { n, kl, ku, ld, ab } = this;
    const kv = kl + ku;
    for (let j = 0; j < n; j++) {
      const i0 = j - ku < 0 ? 0 : j - ku;
      const i1 = j + kl > n - 1 ? n - 1 : j + kl;
      const base = kv + j * ld - j;
      for (let i = i0; i <= i1; i++) {
        const a = Math.abs(ab[base + i]!);
        if (a > rs[i]!) rs[i] = a;
      }
    }
    for (let i = 0; i < n; i++) rs[i] = rs[i]! > 0 ? 1 / rs[i]! : 1;
    for (let j = 0; j < n; j++) {
      const i0 = j - ku < 0 ? 0 : j - ku;
      const i1 = j + kl > n - 1 ? n - 1 : j + kl;
      const base = kv + j * ld - j;
      for (let i = i0; i <= i1; i++) ab[base + i]! *= rs[i]!;
    }
  }

  /**
   * LU with partial pivoting (dgbtf2). Returns false on an exactly zero pivot. rowScale (length n): the
   * rows are equilibrated first (equilibrate: rowScale receives the scale). On a band of 32 rows or more
   * with the WebAssembly kernel (band-kernel.ts: the same operations, bit-identical)
   */
  factor(rowScale?: Float64Array): boolean {
    this.factorCount++;
    const kernel = bandKernel(this.n);
    if (kernel !== null) return kernel.factor(this, this.factorCount, rowScale ?? null);
    if (rowScale !== undefined) this.equilibrate(rowScale);
    const { n, kl, ku, ld, ab, piv } = this;
    const kv = ku + kl;
    // fill-in rows above the original band start at zero (they may hold data from a previous factor)
    for (let j = 0; j < n; j++) {
      const base = j * ld;
      for (let i = 0; i < kl; i++) ab[base + i] = 0;
    }
    let ju = 0;
    const reach = this.reach;
    for (let j = 0; j < n; j++) {
      const km = Math.min(kl, n - 1 - j);
      const cj = j * ld + kv; // position of A(j, j)
      let jp = 0;
      let best = Math.abs(ab[cj]!);
      for (let t = 1; t <= km; t++) {
        const v = Math.abs(ab[cj + t]!);
        if (v > best) {
          best = v;
          jp = t;
        }
      }
      if (jp !== 0 && Math.abs(ab[cj]!) >= this.pivotThreshold * best) jp = 0;
      piv[j] = j + jp;
      if (best === 0 || !Number.isFinite(best)) return false;
      const jEnd = Math.min(j + ku + jp, n - 1);
      if (jEnd > ju) ju = jEnd;
      reach[j] = ju; // row j of U ends at column ju
      if (jp !== 0) {
        // swap rows j and j+jp over columns j..ju
        for (let c = 0; c <= ju - j; c++) {
          const a = cj + c * (ld - 1);
          const b = a + jp;
          const t = ab[a]!;
          ab[a] = ab[b]!;
          ab[b] = t;
        }
      }
      if (km > 0) {
        const inv = 1 / ab[cj]!;
        for (let t = 1; t <= km; t++) ab[cj + t]! *= inv;
        for (let c = 1; c <= ju - j; c++) {
          const col = cj + c * (ld - 1); // A(j, j+c)
          const u = ab[col]!;
          if (u !== 0) for (let t = 1; t <= km; t++) ab[col + t]! -= ab[cj + t]! * u;
        }
      }
    }
    // column j of U: rows top..j−1 with top the first row whose reach includes j (reach is monotonic)
    // trimmed to the first nonzero from the top, and L's columns to their last nonzero: the solves
    // skip the structural zeros of the band (exact zeros: same results)
    const um = this.um;
    const lmv = this.lm;
    let top = 0;
    for (let j = 0; j < n; j++) {
      while (reach[top]! < j) top++;
      const cj = j * ld + kv;
      let m = j - top;
      while (m > 0 && ab[cj - m] === 0) m--;
      um[j] = m;
      let l = Math.min(kl, n - 1 - j);
      while (l > 0 && ab[cj + l] === 0) l--;
      lmv[j] = l;
    }
    return true;
  }

  /**
   * solves A·x = b in place with the factors of the last factor() (dgbtrs, no transpose); on a band of
   * 32 rows or more with the WebAssembly kernel (band-kernel.ts: the same operations, bit-identical)
   */
  solve(b: Float64Array, offset = 0): void {
    const kernel = bandKernel(this.n);
    if (kernel !== null) {
      kernel.solve(this, this.factorCount, b, offset);
      return;
    }
    const { n, kl, ku, ld, ab, piv, um, lm: lmv } = this;
    const kv = ku + kl;
    if (kl > 0) {
      for (let j = 0; j < n - 1; j++) {
        const lm = lmv[j]!;
        const l = piv[j]!;
        const oj = offset + j;
        if (l !== j) {
          const t = b[offset + l]!;
          b[offset + l] = b[oj]!;
          b[oj] = t;
        }
        const bj = b[oj]!;
        if (bj !== 0) {
          const cj = j * ld + kv;
          for (let t = 1; t <= lm; t++) b[oj + t]! -= ab[cj + t]! * bj;
        }
      }
    }
    for (let j = n - 1; j >= 0; j--) {
      const cj = j * ld + kv;
      const oj = offset + j;
      // × the pivot's reciprocal, not ÷ the pivot: the reciprocal does not wait for b[j] (the chain from
      // column to column is a product and a difference, not a division; within 1.5 ulp of the quotient)
      const x = b[oj]! * (1 / ab[cj]!);
      b[oj] = x;
      if (x !== 0) {
        const m = um[j]!; // rows j − m .. j − 1 (U's nonzeros above the diagonal)
        const a0 = cj - m;
        const b0 = oj - m;
        for (let t = 0; t < m; t++) b[b0 + t]! -= ab[a0 + t]! * x;
      }
    }
  }
}

/**
 * Bordered-banded matrix: after a symmetric permutation the unknowns split into nb "band" unknowns
 * (block A, banded with kl/ku) and k "border" unknowns (blocks B: nb×k, C: k×nb, D: k×k, all dense).
 * Factorisation: LU of A (banded, pivoting), W = A⁻¹B, Schur complement S = D − C·W (dense LU).
 * Cost ≈ nb·kl·(kl+ku) + k·nb·(kl+ku) + k²·nb flops, i.e. linear in n for a fixed band and border.
 * Indices in set/get are in the permuted numbering (band unknowns 0..nb−1, border nb..nb+k−1).
 */
export class BorderedBandLu {
  readonly n: number;
  readonly nb: number;
  readonly k: number;
  readonly band: BandLu | null;
  /** B, column-major nb×k (column c at c·nb) */
  readonly B: Float64Array;
  /** C, row-major k×nb */
  readonly C: Float64Array;
  /** D then its LU (row-major k×k) */
  readonly S: Float64Array;
  readonly W: Float64Array;
  readonly spiv: Int32Array;
  private readonly tmp: Float64Array;

  constructor(nb: number, k: number, kl: number, ku: number) {
    this.nb = nb;
    this.k = k;
    this.n = nb + k;
    this.band = nb > 0 ? new BandLu(nb, Math.min(kl, Math.max(nb - 1, 0)), Math.min(ku, Math.max(nb - 1, 0))) : null;
    this.B = new Float64Array(nb * k);
    this.C = new Float64Array(k * nb);
    this.S = new Float64Array(k * k);
    this.W = new Float64Array(nb * k);
    this.spiv = new Int32Array(k);
    this.tmp = new Float64Array(k);
  }

  clear(): void {
    this.band?.clear();
    this.B.fill(0);
    this.C.fill(0);
    this.S.fill(0);
  }

  /** adds v to entry (i, j) in permuted numbering */
  add(i: number, j: number, v: number): void {
    const nb = this.nb;
    if (i < nb && j < nb) {
      const band = this.band!;
      band.ab[band.idx(i, j)]! += v; // caller guarantees the band
    } else if (i < nb) this.B[(j - nb) * nb + i]! += v;
    else if (j < nb) this.C[(i - nb) * nb + j]! += v;
    else this.S[(i - nb) * this.k + (j - nb)]! += v;
  }

  /**
   * rowScale (length nb): the band rows are equilibrated (BandLu.factor(rowScale); on entry each B row's
   * largest magnitude, or 0), and B's rows scaled with them
   */
  factor(rowScale?: Float64Array): boolean {
    const { nb, k, band, B, C, S, W } = this;
    if (band && !band.factor(rowScale)) return false;
    if (k === 0) return true;
    if (band && rowScale !== undefined)
      for (let c = 0; c < k; c++) for (let i = 0; i < nb; i++) B[c * nb + i]! *= rowScale[i]!;
    W.set(B);
    if (band) for (let c = 0; c < k; c++) band.solve(W, c * nb);
    // S = D − C·W
    for (let r = 0; r < k; r++) {
      const cr = r * nb;
      for (let c = 0; c < k; c++) {
        const wc = c * nb;
        let s = 0;
        for (let i = 0; i < nb; i++) s += C[cr + i]! * W[wc + i]!;
        S[r * k + c]! -= s;
      }
    }
    return denseLuFactor(S, k, this.spiv);
  }

  /** solves in place; x in permuted numbering */
  solve(x: Float64Array): void {
    const { nb, k, band, C, S, W, tmp } = this;
    if (band) band.solve(x, 0);
    if (k === 0) return;
    for (let r = 0; r < k; r++) {
      let s = x[nb + r]!;
      const cr = r * nb;
      for (let i = 0; i < nb; i++) s -= C[cr + i]! * x[i]!;
      tmp[r] = s;
    }
    denseLuSolve(S, k, this.spiv, tmp);
    for (let c = 0; c < k; c++) {
      const v = tmp[c]!;
      x[nb + c] = v;
      if (v !== 0) {
        const wc = c * nb;
        for (let i = 0; i < nb; i++) x[i]! -= W[wc + i]! * v;
      }
    }
  }
}

/**
 * Chooses a bordered-banded layout for a sparsity pattern: the k unknowns with the farthest-reaching
 * couplings become border unknowns (k = 0..min(16, n/4) tried), the rest keep their order and the
 * band is measured on them. Returns the ordering (perm[new] = old), the band widths and the estimated
 * cost, so the caller can compare with dense LU (≈ n³/3).
 */
export interface BorderedLayout {
  perm: Int32Array;
  inv: Int32Array;
  nb: number;
  k: number;
  kl: number;
  ku: number;
  cost: number;
}

export function chooseBorderedLayout(n: number, rows: Int32Array, cols: Int32Array): BorderedLayout {
  const maxK = Math.min(16, Math.floor(n / 4));
  const isBorder = new Uint8Array(n);
  // greedy order of border candidates: repeatedly take the unknown whose couplings (among the
  // non-border unknowns) spread farthest from the diagonal (sum of |i − j| over its row and column)
  const order: number[] = [];
  const reach = new Float64Array(n);
  for (let q = 0; q < maxK; q++) {
    reach.fill(0);
    for (let e = 0; e < rows.length; e++) {
      const i = rows[e]!;
      const j = cols[e]!;
      if (isBorder[i] || isBorder[j]) continue;
      const d = Math.abs(i - j);
      reach[i]! += d;
      if (i !== j) reach[j]! += d;
    }
    let bi = -1;
    for (let i = 0; i < n; i++) if (!isBorder[i] && (bi < 0 || reach[i]! > reach[bi]!)) bi = i;
    if (bi < 0) break;
    order.push(bi);
    isBorder[bi] = 1;
  }
  isBorder.fill(0);
  let best: BorderedLayout | null = null;
  for (let k = 0; k <= order.length; k++) {
    if (k > 0) isBorder[order[k - 1]!] = 1;
    // band unknowns keep relative order; compute their new indices
    const newIdx = new Int32Array(n);
    let c = 0;
    for (let i = 0; i < n; i++) if (!isBorder[i]) newIdx[i] = c++;
    let kl = 0;
    let ku = 0;
    for (let e = 0; e < rows.length; e++) {
      const i = rows[e]!;
      const j = cols[e]!;
      if (isBorder[i] || isBorder[j]) continue;
      const d = newIdx[i]! - newIdx[j]!;
      if (d > kl) kl = d;
      if (-d > ku) ku = -d;
    }
    const nb = n - k;
    const cost = nb * (kl + 1) * (kl + ku + 1) + 2 * k * nb * (kl + ku + 1) + 2 * k * k * nb + (k * k * k) / 3;
    if (!best || cost < best.cost) {
      const perm = new Int32Array(n);
      const inv = new Int32Array(n);
      let p = 0;
      for (let i = 0; i < n; i++) if (!isBorder[i]) perm[p++] = i;
      for (let q = 0; q < k; q++) perm[p++] = order[q]!;
      for (let q = 0; q < n; q++) inv[perm[q]!] = q;
      best = { perm, inv, nb, k, kl, ku, cost };
    }
  }
  return best!;
}
