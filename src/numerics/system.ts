/**
 * The Newton iteration matrix of the integrator,  A = diag(m) − diag(w)·J,  for the three Jacobian
 * structures (dense, banded, sparse = bordered-banded), with storage for J itself so that A can be
 * re-factorised for a new step size without re-evaluating J. Also the column colouring used by the
 * finite-difference Jacobian (Curtis, Powell & Reid, "On the estimation of sparse Jacobian matrices",
 * IMA J. Appl. Math. 13 (1974) 117–119, doi:10.1093/imamat/13.1.117).
 */
import type { JacobianSink, JacobianStructure } from './types.ts';
import { BandLu, BorderedBandLu, chooseBorderedLayout, denseLuFactor, denseLuSolve } from './linalg.ts';
import { CondensedCore, type LinearChains } from './condensed.ts';

export interface LinearSystem extends JacobianSink {
  readonly n: number;
  readonly kind: 'dense' | 'banded' | 'bordered' | 'condensed';
  /** zero the stored J */
  clearJ(): void;
  /** adds ∂f_i/∂y_j to the stored J (JacobianSink) */
  add(i: number, j: number, v: number): void;
  /**
   * A = diag(m) − diag(w)·J, factorised; false when singular. c (optional): w is c on every differential
   * row (m > 0) and 1 on every algebraic one — an integrator's Newton matrix; a condensed system with
   * linear trees then reuses their elimination at c (others ignore it)
   */
  factor(m: Float64Array, w: Float64Array, c?: number): boolean;
  /** solves A·x = b in place */
  solve(b: Float64Array): void;
  /** column colouring for finite differences: colour c has columns groupCols[groupPtr[c] .. groupPtr[c+1]) */
  readonly groupPtr: Int32Array;
  readonly groupCols: Int32Array;
  /** rows of column j: colRows[colPtr[j] .. colPtr[j+1]) */
  readonly colPtr: Int32Array;
  readonly colRows: Int32Array;
  /** a short description (for benchmarks / diagnostics) */
  describe(): string;
  /** condensed systems: the linear trees of a problem's declared linear rows (null: none qualify) */
  linearChains?(linear: Uint8Array): LinearChains | null;
  /** condensed systems: the last factorisation is the condensed one (not the pivoting fallback) */
  readonly condensedActive?: boolean;
  /**
   * condensed systems with linear trees (after linearChains): the end of a Jacobian evaluation — the
   * first one after forgetLinearRows() is kept for the linear rows' entries, later ones get them back
   * (so that a jacobian may leave them out while linearRowsHeld is true)
   */
  endJ?(): void;
  /** condensed systems: the next Jacobian evaluation must write the linear rows (a new solve) */
  forgetLinearRows?(): void;
}

/** column pattern and colouring for the finite-difference Jacobian (built on first use: not needed with an analytic Jacobian) */
interface FdPattern {
  readonly groupPtr: Int32Array;
  readonly groupCols: Int32Array;
  readonly colPtr: Int32Array;
  readonly colRows: Int32Array;
}

function greedyColouring(
  n: number,
  colPtr: Int32Array,
  colRows: Int32Array,
): { groupPtr: Int32Array; groupCols: Int32Array } {
  // rows → columns (CSR of the pattern)
  const rowCount = new Int32Array(n + 1);
  for (let e = 0; e < colRows.length; e++) rowCount[colRows[e]! + 1]!++;
  for (let i = 0; i < n; i++) rowCount[i + 1]! += rowCount[i]!;
  const rowCols = new Int32Array(colRows.length);
  const fill = rowCount.slice(0, n);
  for (let j = 0; j < n; j++) for (let e = colPtr[j]!; e < colPtr[j + 1]!; e++) rowCols[fill[colRows[e]!]!++] = j;
  const colour = new Int32Array(n).fill(-1);
  const mark = new Int32Array(n + 1).fill(-1);
  let nColours = 0;
  for (let j = 0; j < n; j++) {
    for (let e = colPtr[j]!; e < colPtr[j + 1]!; e++) {
      const r = colRows[e]!;
      for (let q = rowCount[r]!; q < rowCount[r + 1]!; q++) {
        const c = colour[rowCols[q]!]!;
        if (c >= 0) mark[c] = j;
      }
    }
    let c = 0;
    while (mark[c] === j) c++;
    colour[j] = c;
    if (c + 1 > nColours) nColours = c + 1;
  }
  const groupPtr = new Int32Array(nColours + 1);
  for (let j = 0; j < n; j++) groupPtr[colour[j]! + 1]!++;
  for (let c = 0; c < nColours; c++) groupPtr[c + 1]! += groupPtr[c]!;
  const groupCols = new Int32Array(n);
  const pos = groupPtr.slice(0, nColours);
  for (let j = 0; j < n; j++) groupCols[pos[colour[j]!]!++] = j;
  return { groupPtr, groupCols };
}

/**
 * The finite-difference colouring (column groups and each column's rows) of a system, built on first
 * use only: models with an analytic Jacobian never pay for it.
 */
abstract class LazyFdPattern {
  private fd: FdPattern | null = null;
  protected abstract buildFd(): FdPattern;
  private pattern(): FdPattern {
    return (this.fd ??= this.buildFd());
  }
  get groupPtr(): Int32Array {
    return this.pattern().groupPtr;
  }
  get groupCols(): Int32Array {
    return this.pattern().groupCols;
  }
  get colPtr(): Int32Array {
    return this.pattern().colPtr;
  }
  get colRows(): Int32Array {
    return this.pattern().colRows;
  }
}

class DenseSystem extends LazyFdPattern implements LinearSystem {
  readonly kind = 'dense' as const;
  readonly J: Float64Array;
  readonly lu: Float64Array;
  readonly piv: Int32Array;
  constructor(readonly n: number) {
    super();
    this.J = new Float64Array(n * n);
    this.lu = new Float64Array(n * n);
    this.piv = new Int32Array(n);
  }
  protected buildFd(): FdPattern {
    const n = this.n;
    const groupPtr = new Int32Array(n + 1);
    const groupCols = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      groupPtr[j + 1] = j + 1;
      groupCols[j] = j;
    }
    const colPtr = new Int32Array(n + 1);
    const colRows = new Int32Array(n * n);
    for (let j = 0; j < n; j++) {
      colPtr[j + 1] = (j + 1) * n;
      for (let i = 0; i < n; i++) colRows[j * n + i] = i;
    }
    return { groupPtr, groupCols, colPtr, colRows };
  }
  clearJ(): void {
    this.J.fill(0);
  }
  add(i: number, j: number, v: number): void {
    this.J[i * this.n + j]! += v;
  }
  factor(m: Float64Array, w: Float64Array): boolean {
    const { n, J, lu } = this;
    for (let i = 0; i < n; i++) {
      const r = i * n;
      const wi = w[i]!;
      for (let j = 0; j < n; j++) lu[r + j] = -wi * J[r + j]!;
      lu[r + i]! += m[i]!;
    }
    return denseLuFactor(lu, n, this.piv);
  }
  solve(b: Float64Array): void {
    denseLuSolve(this.lu, this.n, this.piv, b);
  }
  describe(): string {
    return `dense n=${this.n}`;
  }
}

class BandSystem extends LazyFdPattern implements LinearSystem {
  readonly kind = 'banded' as const;
  /** compact band storage of J: J(i,j) at (ku + i − j) + j·(kl+ku+1) */
  readonly J: Float64Array;
  readonly lw: number;
  readonly lu: BandLu;
  constructor(
    readonly n: number,
    readonly kl: number,
    readonly ku: number,
  ) {
    super();
    this.lu = new BandLu(n, kl, ku);
    this.lw = kl + ku + 1;
    this.J = new Float64Array(this.lw * n);
  }
  protected buildFd(): FdPattern {
    const { n, kl, ku } = this;
    const nc = Math.min(this.lw, n);
    const groupPtr = new Int32Array(nc + 1);
    const groupCols = new Int32Array(n);
    let p = 0;
    for (let c = 0; c < nc; c++) {
      for (let j = c; j < n; j += nc) groupCols[p++] = j;
      groupPtr[c + 1] = p;
    }
    const colPtr = new Int32Array(n + 1);
    const rows: number[] = [];
    for (let j = 0; j < n; j++) {
      for (let i = Math.max(0, j - ku); i <= Math.min(n - 1, j + kl); i++) rows.push(i);
      colPtr[j + 1] = rows.length;
    }
    return { groupPtr, groupCols, colPtr, colRows: Int32Array.from(rows) };
  }
  clearJ(): void {
    this.J.fill(0);
  }
  add(i: number, j: number, v: number): void {
    const d = i - j;
    if (d > this.kl || -d > this.ku) {
      if (v === 0) return;
      throw new RangeError(
        `jacobian: entry (${i}, ${j}) = ${v} lies outside the declared band (structure.lower ${this.kl}, structure.upper ${this.ku})`,
      );
    }
    this.J[this.ku + d + j * this.lw]! += v;
  }
  factor(m: Float64Array, w: Float64Array): boolean {
    const { n, kl, ku, lw, J, lu } = this;
    const ab = lu.ab;
    const ld = lu.ld;
    for (let j = 0; j < n; j++) {
      const src = j * lw;
      const dst = j * ld + kl; // row offset kl in LAPACK storage = J compact row 0 (i = j − ku)
      const i0 = j - ku;
      for (let r = 0; r < lw; r++) {
        const i = i0 + r;
        ab[dst + r] = i >= 0 && i < n ? -w[i]! * J[src + r]! : 0;
      }
      ab[dst + ku]! += m[j]!;
    }
    return lu.factor();
  }
  solve(b: Float64Array): void {
    this.lu.solve(b, 0);
  }
  describe(): string {
    return `banded n=${this.n} kl=${this.kl} ku=${this.ku}`;
  }
}

class BorderedSystem extends LazyFdPattern implements LinearSystem {
  readonly kind = 'bordered' as const;
  readonly lu: BorderedBandLu;
  /** J in the same block layout (permuted numbering), compact band for the A block */
  readonly Jb: Float64Array;
  readonly JB: Float64Array;
  readonly JC: Float64Array;
  readonly JD: Float64Array;
  readonly lw: number;
  readonly perm: Int32Array;
  readonly inv: Int32Array;
  readonly nb: number;
  readonly k: number;
  readonly kl: number;
  readonly ku: number;
  private readonly xw: Float64Array;
  constructor(
    readonly n: number,
    rows: Int32Array,
    cols: Int32Array,
  ) {
    super();
    const L = chooseBorderedLayout(n, rows, cols);
    this.perm = L.perm;
    this.inv = L.inv;
    this.nb = L.nb;
    this.k = L.k;
    this.kl = Math.min(L.kl, Math.max(L.nb - 1, 0));
    this.ku = Math.min(L.ku, Math.max(L.nb - 1, 0));
    this.lu = new BorderedBandLu(L.nb, L.k, this.kl, this.ku);
    this.lw = this.kl + this.ku + 1;
    this.Jb = new Float64Array(this.lw * L.nb);
    this.JB = new Float64Array(L.nb * L.k);
    this.JC = new Float64Array(L.k * L.nb);
    this.JD = new Float64Array(L.k * L.k);
    this.xw = new Float64Array(n);
    this.rows = rows;
    this.cols = cols;
  }
  private readonly rows: Int32Array;
  private readonly cols: Int32Array;
  protected buildFd(): FdPattern {
    const { n, rows, cols } = this;
    // pattern by column, with the diagonal, duplicates removed
    const sets: Set<number>[] = Array.from({ length: n }, (_, j) => new Set<number>([j]));
    for (let e = 0; e < rows.length; e++) sets[cols[e]!]!.add(rows[e]!);
    const colPtr = new Int32Array(n + 1);
    const all: number[] = [];
    for (let j = 0; j < n; j++) {
      const s = [...sets[j]!].sort((a, b) => a - b);
      for (const i of s) all.push(i);
      colPtr[j + 1] = all.length;
    }
    const colRows = Int32Array.from(all);
    return { colPtr, colRows, ...greedyColouring(n, colPtr, colRows) };
  }
  clearJ(): void {
    this.Jb.fill(0);
    this.JB.fill(0);
    this.JC.fill(0);
    this.JD.fill(0);
  }
  add(i: number, j: number, v: number): void {
    const pi = this.inv[i]!;
    const pj = this.inv[j]!;
    const nb = this.nb;
    if (pi < nb && pj < nb) {
      const d = pi - pj;
      if (d > this.kl || -d > this.ku) {
        if (v === 0) return;
        throw new RangeError(
          `jacobian: entry (${i}, ${j}) = ${v} is not in the declared sparsity pattern (structure.rows/cols)`,
        );
      }
      this.Jb[this.ku + d + pj * this.lw]! += v;
    } else if (pi < nb) this.JB[(pj - nb) * nb + pi]! += v;
    else if (pj < nb) this.JC[(pi - nb) * nb + pj]! += v;
    else this.JD[(pi - nb) * this.k + (pj - nb)]! += v;
  }
  factor(m: Float64Array, w: Float64Array): boolean {
    const { nb, k, kl, ku, lw, perm, lu } = this;
    const band = lu.band;
    if (band) {
      const ab = band.ab;
      const ld = band.ld;
      for (let j = 0; j < nb; j++) {
        const src = j * lw;
        const dst = j * ld + kl;
        const i0 = j - ku;
        for (let r = 0; r < lw; r++) {
          const i = i0 + r;
          ab[dst + r] = i >= 0 && i < nb ? -w[perm[i]!]! * this.Jb[src + r]! : 0;
        }
        ab[dst + ku]! += m[perm[j]!]!;
      }
    }
    for (let c = 0; c < k; c++) for (let i = 0; i < nb; i++) lu.B[c * nb + i] = -w[perm[i]!]! * this.JB[c * nb + i]!;
    for (let r = 0; r < k; r++) {
      const wr = w[perm[nb + r]!]!;
      for (let j = 0; j < nb; j++) lu.C[r * nb + j] = -wr * this.JC[r * nb + j]!;
      for (let c = 0; c < k; c++) lu.S[r * k + c] = -wr * this.JD[r * k + c]!;
      lu.S[r * k + r]! += m[perm[nb + r]!]!;
    }
    return lu.factor();
  }
  solve(b: Float64Array): void {
    const { n, perm, xw } = this;
    for (let p = 0; p < n; p++) xw[p] = b[perm[p]!]!;
    this.lu.solve(xw);
    for (let p = 0; p < n; p++) b[perm[p]!] = xw[p]!;
  }
  describe(): string {
    return `bordered-banded n=${this.n} band=${this.nb} (kl=${this.kl} ku=${this.ku}) border=${this.k}`;
  }
}

/**
 * Sparse pattern with static condensation of tree-like differential unknowns (./condensed.ts). When a
 * condensation pivot is too small, that factorisation is done by a bordered-banded LU of the whole
 * matrix instead (built on first need).
 */
class CondensedSystem extends LazyFdPattern implements LinearSystem {
  readonly kind = 'condensed' as const;
  readonly core: CondensedCore;
  private fallback: BorderedSystem | null = null;
  private usingFallback = false;
  constructor(
    readonly n: number,
    private readonly rows: Int32Array,
    private readonly cols: Int32Array,
    massDiag: Float64Array | undefined,
  ) {
    super();
    this.core = new CondensedCore(n, rows, cols, massDiag);
  }
  protected buildFd(): FdPattern {
    const n = this.n;
    // column pattern (diagonal included) from the core's row CSR
    const { rowPtr, colIdx } = this.core;
    const cnt = new Int32Array(n + 1);
    for (let e = 0; e < colIdx.length; e++) cnt[colIdx[e]! + 1]!++;
    for (let j = 0; j < n; j++) cnt[j + 1]! += cnt[j]!;
    const colPtr = cnt.slice();
    const colRows = new Int32Array(colIdx.length);
    const fill = cnt.slice(0, n);
    for (let i = 0; i < n; i++) for (let e = rowPtr[i]!; e < rowPtr[i + 1]!; e++) colRows[fill[colIdx[e]!]!++] = i;
    return { colPtr, colRows, ...greedyColouring(n, colPtr, colRows) };
  }
  clearJ(): void {
    this.core.clearJ();
  }
  add(i: number, j: number, v: number): void {
    this.core.add(i, j, v);
  }
  addSequence(rows: Int32Array, cols: Int32Array, values: Float64Array, count: number): void {
    this.core.addSequence(rows, cols, values, count);
  }
  factor(m: Float64Array, w: Float64Array, c?: number): boolean {
    if (this.core.factor(m, w, c)) {
      this.usingFallback = false;
      return true;
    }
    // a small condensation pivot (or a singular band): LU with pivoting over the whole matrix
    if (!this.fallback) this.fallback = new BorderedSystem(this.n, this.rows, this.cols);
    const fb = this.fallback;
    fb.clearJ();
    this.core.replay(fb);
    this.usingFallback = true;
    return fb.factor(m, w);
  }
  solve(b: Float64Array): void {
    if (this.usingFallback) this.fallback!.solve(b);
    else this.core.solve(b);
  }
  linearChains(linear: Uint8Array): LinearChains | null {
    return this.core.linearChains(linear);
  }
  get condensedActive(): boolean {
    return !this.usingFallback;
  }
  get linearRowsHeld(): boolean {
    return this.core.linearRowsHeld;
  }
  endJ(): void {
    this.core.endJ();
  }
  forgetLinearRows(): void {
    this.core.forgetLinearRows();
  }
  describe(): string {
    const c = this.core;
    return `condensed n=${this.n}: ${c.layout.peel.length} eliminated, band=${c.nb} (kl=${c.layout.kl} ku=${c.layout.ku}) border=${c.k}`;
  }
}

/** builds the linear system for a structure; sparse patterns whose bordered-banded cost exceeds dense LU fall back to dense */
export function createLinearSystem(
  n: number,
  structure: JacobianStructure | undefined,
  massDiag?: Float64Array,
): LinearSystem {
  const s = structure ?? { kind: 'dense' };
  if (s.kind === 'dense') return new DenseSystem(n);
  if (s.kind === 'banded') {
    const { lower, upper } = s;
    if (!(Number.isInteger(lower) && lower >= 0))
      throw new RangeError(`problem.structure.lower: must be an integer ≥ 0 (got ${lower})`);
    if (!(Number.isInteger(upper) && upper >= 0))
      throw new RangeError(`problem.structure.upper: must be an integer ≥ 0 (got ${upper})`);
    const kl = Math.min(lower, n - 1);
    const ku = Math.min(upper, n - 1);
    if ((kl + 1) * (kl + ku + 1) * 3 >= n * n) return new DenseSystem(n);
    return new BandSystem(n, kl, ku);
  }
  if (s.kind === 'sparse') {
    const { rows, cols } = s;
    if (rows.length !== cols.length)
      throw new RangeError(
        `problem.structure.rows: length must equal structure.cols length (got ${rows.length} vs ${cols.length})`,
      );
    for (let e = 0; e < rows.length; e++) {
      const i = rows[e]!;
      const j = cols[e]!;
      if (!(i >= 0 && i < n && Number.isInteger(i)))
        throw new RangeError(`problem.structure.rows.${e}: must be an integer in 0..${n - 1} (got ${i})`);
      if (!(j >= 0 && j < n && Number.isInteger(j)))
        throw new RangeError(`problem.structure.cols.${e}: must be an integer in 0..${n - 1} (got ${j})`);
    }
    if (s.condense) return new CondensedSystem(n, rows, cols, massDiag);
    const sys = new BorderedSystem(n, rows, cols);
    const denseCost = (n * n * n) / 3;
    const L =
      sys.nb * (sys.kl + 1) * (sys.kl + sys.ku + 1) +
      2 * sys.k * sys.nb * (sys.kl + sys.ku + 1) +
      2 * sys.k * sys.k * sys.nb +
      (sys.k * sys.k * sys.k) / 3;
    if (L >= denseCost && n <= 400) return new DenseSystem(n);
    return sys;
  }
  throw new RangeError(
    `problem.structure.kind: must be 'dense', 'banded' or 'sparse' (got ${(s as { kind: string }).kind})`,
  );
}
