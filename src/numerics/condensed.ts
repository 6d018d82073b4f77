/**
 * Condensed sparse linear system for the integrator's Newton matrix A = diag(m) − diag(w)·J: unknowns
 * whose couplings form trees hanging off the rest of the problem (chains of particle concentrations
 * attached to one pore-wall flux, an electrolyte chain attached only to the terminal current…) are
 * eliminated first, leaf by leaf, without pivoting (static condensation; each elimination only
 * changes the diagonal of its parent and the border). The remaining unknowns are factorised as a band
 * bordered by the few unknowns of very high degree (temperature, terminal current), with partial
 * pivoting in the band (BorderedBandLu).
 *
 * For the DFN with 10 particle volumes this turns a band of width 30 over 581 unknowns into a band of
 * width ≈ 9 over 181 unknowns plus 400 scalar eliminations, i.e. ≈ 20× fewer flops per factorisation
 * and ≈ 5× fewer per solve. Only differential unknowns (m > 0) are eliminated this way: their pivots
 * 1 − c·∂f_v/∂y_v stay away from zero for dissipative problems; should a pivot still be small
 * relative to its row and column (|a_vv| < 1e-8·max|a_v·|, |a_·v|), that factorisation falls back to
 * the bordered-banded LU of the whole matrix (with pivoting).
 * Reference for the idea (Schur complement / static condensation of a block-arrow system):
 * G. H. Golub & C. F. Van Loan, Matrix Computations, 4th ed., 2013, §4.5 (block tridiagonal) and
 * §3.2.11 (block LU).
 */
import type { JacobianSink } from './types.ts';
import { BorderedBandLu } from './linalg.ts';

/**
 * CSR (row pointers, sorted unique column indices) of a pattern; symmetric: with the transpose added;
 * diag: with (or without) the diagonal. Typed arrays only (cheap enough to run at every model build).
 */
export function patternCsr(
  n: number,
  rows: Int32Array,
  cols: Int32Array,
  symmetric: boolean,
  diag: boolean,
): { ptr: Int32Array; idx: Int32Array } {
  const cnt = new Int32Array(n + 1);
  const ne = rows.length;
  for (let e = 0; e < ne; e++) {
    const i = rows[e]!;
    const j = cols[e]!;
    if (i === j) continue;
    cnt[i + 1]!++;
    if (symmetric) cnt[j + 1]!++;
  }
  if (diag) for (let i = 0; i < n; i++) cnt[i + 1]!++;
  for (let i = 0; i < n; i++) cnt[i + 1]! += cnt[i]!;
  const raw = new Int32Array(cnt[n]!);
  const fill = cnt.slice(0, n);
  if (diag) for (let i = 0; i < n; i++) raw[fill[i]!++] = i;
  for (let e = 0; e < ne; e++) {
    const i = rows[e]!;
    const j = cols[e]!;
    if (i === j) continue;
    raw[fill[i]!++] = j;
    if (symmetric) raw[fill[j]!++] = i;
  }
  // sort each row and drop duplicates
  const ptr = new Int32Array(n + 1);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const a = cnt[i]!;
    const e = cnt[i + 1]!;
    // insertion sort for short rows (most), the typed-array sort for long ones (a border's row)
    if (e - a > 32) raw.subarray(a, e).sort();
    else
      for (let q = a + 1; q < e; q++) {
        const v = raw[q]!;
        let r = q - 1;
        while (r >= a && raw[r]! > v) {
          raw[r + 1] = raw[r]!;
          r--;
        }
        raw[r + 1] = v;
      }
    let last = -1;
    for (let q = a; q < e; q++) {
      const j = raw[q]!;
      if (j !== last) {
        raw[w++] = j;
        last = j;
      }
    }
    ptr[i + 1] = w;
  }
  return { ptr, idx: raw.slice(0, w) };
}

export interface CondensedLayout {
  /** peeled unknowns in elimination order */
  readonly peel: Int32Array;
  /** parent of peel[q] (an unknown index) or −1 */
  readonly parent: Int32Array;
  /** band unknowns (original order) */
  readonly band: Int32Array;
  /** border unknowns */
  readonly border: Int32Array;
  readonly kl: number;
  readonly ku: number;
}

/**
 * Chooses the condensed layout: border = unknowns whose degree exceeds max(12, 4× the mean degree)
 * (at most 16, highest first); peeled = differential unknowns removed leaf by leaf from the graph
 * without the border; band = the rest, in their original order.
 */
export function chooseCondensedLayout(
  n: number,
  rows: Int32Array,
  cols: Int32Array,
  massDiag: Float64Array | undefined,
): CondensedLayout {
  const { ptr, idx: adj } = patternCsr(n, rows, cols, true, false);
  const deg = new Int32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    deg[i] = ptr[i + 1]! - ptr[i]!;
    sum += deg[i]!;
  }
  const thr = Math.max(12, (4 * sum) / Math.max(n, 1));
  const cand: number[] = [];
  for (let i = 0; i < n; i++) if (deg[i]! > thr) cand.push(i);
  cand.sort((a, b) => deg[b]! - deg[a]! || a - b);
  const border = cand.slice(0, 16).sort((a, b) => a - b);
  const isBorder = new Uint8Array(n);
  for (const b of border) isBorder[b] = 1;
  // degree among non-border unknowns
  const d = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (isBorder[i]) continue;
    let c = 0;
    for (let e = ptr[i]!; e < ptr[i + 1]!; e++) if (!isBorder[adj[e]!]) c++;
    d[i] = c;
  }
  const gone = new Uint8Array(n);
  const peel: number[] = [];
  const parent: number[] = [];
  const canPeel = (i: number): boolean =>
    !isBorder[i] && !gone[i] && d[i]! <= 1 && (massDiag === undefined || massDiag[i]! > 0);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (canPeel(i)) queue.push(i);
  for (let qh = 0; qh < queue.length; qh++) {
    const v = queue[qh]!;
    if (!canPeel(v)) continue;
    gone[v] = 1;
    let p = -1;
    for (let e = ptr[v]!; e < ptr[v + 1]!; e++) {
      const u = adj[e]!;
      if (!isBorder[u] && !gone[u]) p = u;
    }
    peel.push(v);
    parent.push(p);
    if (p >= 0) {
      d[p]!--;
      if (canPeel(p)) queue.push(p);
    }
  }
  const band: number[] = [];
  for (let i = 0; i < n; i++) if (!isBorder[i] && !gone[i]) band.push(i);
  const pos = new Int32Array(n).fill(-1);
  band.forEach((v, q) => (pos[v] = q));
  let kl = 0;
  let ku = 0;
  for (let e = 0; e < rows.length; e++) {
    const pi = pos[rows[e]!]!;
    const pj = pos[cols[e]!]!;
    if (pi < 0 || pj < 0) continue;
    if (pi - pj > kl) kl = pi - pj;
    if (pj - pi > ku) ku = pj - pi;
  }
  // elimination order: children before parents, each tree in post-order, so that a chain of
  // consecutive unknowns (a particle's shells) is eliminated in one contiguous run (any such order
  // gives the same arithmetic for chains; the solve has a fast path for these runs)
  const np = peel.length;
  const peelPos = new Int32Array(n).fill(-1);
  peel.forEach((v, q) => (peelPos[v] = q));
  const childPtr = new Int32Array(np + 1);
  for (let q = 0; q < np; q++) {
    const pp = parent[q]! >= 0 ? peelPos[parent[q]!]! : -1;
    if (pp >= 0) childPtr[pp + 1]!++;
  }
  for (let q = 0; q < np; q++) childPtr[q + 1]! += childPtr[q]!;
  const childIdx = new Int32Array(childPtr[np]!);
  const fillC = childPtr.slice(0, np);
  for (let q = 0; q < np; q++) {
    const pp = parent[q]! >= 0 ? peelPos[parent[q]!]! : -1;
    if (pp >= 0) childIdx[fillC[pp]!++] = q;
  }
  const order: number[] = [];
  const visit = (root: number): void => {
    // iterative post-order
    const stack: number[] = [root];
    const next: number[] = [childPtr[root]!];
    while (stack.length) {
      const top = stack.length - 1;
      const q = stack[top]!;
      if (next[top]! < childPtr[q + 1]!) {
        const c = childIdx[next[top]!++]!;
        stack.push(c);
        next.push(childPtr[c]!);
      } else {
        order.push(q);
        stack.pop();
        next.pop();
      }
    }
  };
  // roots (parent not peeled), by the position of their last-eliminated original order
  for (let q = 0; q < np; q++) if (!(parent[q]! >= 0 && peelPos[parent[q]!]! >= 0)) visit(q);
  const peelOrd = Int32Array.from(order, (q) => peel[q]!);
  const parentOrd = Int32Array.from(order, (q) => parent[q]!);
  return { peel: peelOrd, parent: parentOrd, band: Int32Array.from(band), border: Int32Array.from(border), kl, ku };
}

const kindNone = (k: number): boolean => k === 0;

/**
 * a peeled unknown's pivot is refused (the factorisation falls back to pivoting over the whole matrix)
 * when it has cancelled to below this fraction of the magnitudes of the terms it is formed from
 * (|m_v| + |w_v·J_vv| + Σ over its eliminated children of |A_v,ch·A_ch,v / piv_ch|). The test is in the
 * units of the pivot's own row and column, so it does not depend on how the unknowns are scaled. (The
 * earlier test against the largest entry of the pivot's row and column compared numbers in different
 * units: a particle surface's row against its flux j in mol/m²/s. It refused the DFN's chains at steps of
 * ≈ 150 s, always with pivots ≥ m_v = 1, and sent those steps to the 581-unknown fallback.)
 */
const PIVOT_CANCEL = 1e-8;

/** relative pivot tolerance of the band LU (BandLu.pivotThreshold) */
const PIVOT_THRESHOLD = 0.1;

// destination kinds of a pattern slot
const D_BAND = 0;
const D_B = 1;
const D_C = 2;
const D_S = 3;
const D_PIV = 4;
const D_UP = 5;
const D_LO = 6;
const D_ROWB = 7;
const D_COLB = 8;

/**
 * The symbolic part of a condensed system: the layout, the pattern's CSR and where each slot of J goes
 * in the factorisation. It depends only on the pattern and on which unknowns are algebraic, so it is
 * computed once per pattern and shared by every system built on the same pattern arrays (a model
 * rebuilt with other parameter values on the same mesh: symbolic analysis once, numeric factorisation
 * per step).
 */
interface CondensedSymbolic {
  readonly layout: CondensedLayout;
  readonly nb: number;
  readonly k: number;
  readonly kl: number;
  readonly ku: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly slotRow: Int32Array;
  readonly kPtr: Int32Array;
  readonly kSlot: Int32Array;
  readonly kRow: Int32Array;
  readonly kIdx: Int32Array;
  /** position of each slot in the kind-grouped order (J is stored in that order) */
  readonly slotPos: Int32Array;
  readonly parKind: Uint8Array;
  readonly parIdx: Int32Array;
  readonly perm: Int32Array;
  readonly runQ0: Int32Array;
  readonly runLen: Int32Array;
  /** which unknowns are algebraic (massDiag = 0; empty without a mass matrix): part of the cache key */
  readonly alg: Uint8Array;
  readonly cols: Int32Array;
  /**
   * the order of a Jacobian's adds (CondensedCore.add) remembered across the systems on this pattern, one
   * for evaluations that write every row and one for those that leave the held linear rows out
   */
  readonly seqs: readonly [AddSequence, AddSequence];
  /**
   * the J positions of the entries of each whole sequence given to CondensedCore.addSequence, by its rows
   * array (with the cols array it was made for; pos null: an entry outside the pattern)
   */
  readonly seqMaps: WeakMap<Int32Array, SequenceMap>;
  /**
   * the band entries of the differential rows (massDiag > 0, or every row without a mass matrix): their J
   * positions and band indices (CondensedCore.factorFromTrees forms −c·J there; found at its first use)
   */
  bandDiff: { readonly q: Int32Array; readonly idx: Int32Array } | null;
}

/** CondensedCore.addSequence's map of one sequence: each entry's position in J (null: one is outside the pattern) */
interface SequenceMap {
  readonly cols: Int32Array;
  readonly pos: Int32Array | null;
}

/**
 * the order of the entries of a Jacobian evaluation (row, column and J position of the k-th add since
 * clearJ): a model's jacobian adds its entries in the same order every time, so add() checks the k-th
 * remembered entry before it searches the row (same sums, fewer searches). A cache only: every entry is
 * checked, so systems that share it (the same pattern) cannot get a wrong position from it.
 */
interface AddSequence {
  i: Int32Array;
  j: Int32Array;
  pos: Int32Array;
  len: number;
}

const emptySequence = (): AddSequence => ({
  i: new Int32Array(0),
  j: new Int32Array(0),
  pos: new Int32Array(0),
  len: 0,
});

/** symbolic analyses by pattern (the rows array of a structure; cols and the algebraic unknowns checked) */
const symbolicCache = new WeakMap<Int32Array, CondensedSymbolic>();

function algebraicMask(n: number, massDiag: Float64Array | undefined): Uint8Array {
  const a = new Uint8Array(massDiag ? n : 0);
  if (massDiag) for (let i = 0; i < n; i++) a[i] = massDiag[i]! > 0 ? 0 : 1;
  return a;
}

function sameMask(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function condensedSymbolic(
  n: number,
  rows: Int32Array,
  cols: Int32Array,
  massDiag: Float64Array | undefined,
): CondensedSymbolic {
  const alg = algebraicMask(n, massDiag);
  const hit = symbolicCache.get(rows);
  if (hit && hit.cols === cols && hit.rowPtr.length === n + 1 && sameMask(hit.alg, alg)) return hit;
  const sym = analyseCondensed(n, rows, cols, massDiag, alg);
  symbolicCache.set(rows, sym);
  return sym;
}

function analyseCondensed(
  n: number,
  rows: Int32Array,
  cols: Int32Array,
  massDiag: Float64Array | undefined,
  alg: Uint8Array,
): CondensedSymbolic {
  const L = chooseCondensedLayout(n, rows, cols, massDiag);
  const nb = L.band.length;
  const k = L.border.length;
  // the band LU's widths (as BorderedBandLu sizes them)
  const kl = nb > 0 ? Math.min(L.kl, Math.max(nb - 1, 0)) : 0;
  const ku = nb > 0 ? Math.min(L.ku, Math.max(nb - 1, 0)) : 0;
  const ld = 2 * kl + ku + 1;
  // CSR pattern with the diagonal
  const pc = patternCsr(n, rows, cols, false, true);
  const rowPtr = pc.ptr;
  const colIdx = pc.idx;
  const nnz = colIdx.length;
  const slotRow = new Int32Array(nnz);
  for (let i = 0; i < n; i++) slotRow.fill(i, rowPtr[i]!, rowPtr[i + 1]!);
  const np = L.peel.length;
  // roles
  const peelPos = new Int32Array(n).fill(-1);
  for (let q = 0; q < np; q++) peelPos[L.peel[q]!] = q;
  const bandPos = new Int32Array(n).fill(-1);
  for (let q = 0; q < nb; q++) bandPos[L.band[q]!] = q;
  const borderPos = new Int32Array(n).fill(-1);
  for (let q = 0; q < k; q++) borderPos[L.border[q]!] = q;
  const parKind = new Uint8Array(np);
  const parIdx = new Int32Array(np);
  for (let q = 0; q < np; q++) {
    const p = L.parent[q]!;
    if (p < 0) continue;
    if (peelPos[p]! >= 0) {
      parKind[q] = 1;
      parIdx[q] = peelPos[p]!;
    } else {
      parKind[q] = 2;
      parIdx[q] = bandPos[p]!;
    }
  }
  const perm = new Int32Array(n - np);
  perm.set(L.band, 0);
  perm.set(L.border, nb);
  const q0s: number[] = [];
  const lens: number[] = [];
  {
    let q = 0;
    while (q < np) {
      const start = q;
      while (q + 1 < np && L.peel[q + 1] === L.peel[q]! + 1 && L.parent[q] === L.peel[q + 1]) q++;
      q0s.push(start);
      lens.push(q - start + 1);
      q++;
    }
  }
  // destination of every slot
  const destKind = new Uint8Array(nnz);
  const destIdx = new Int32Array(nnz);
  for (let s = 0; s < nnz; s++) {
    const i = slotRow[s]!;
    const j = colIdx[s]!;
    const qi = peelPos[i]!;
    const qj = peelPos[j]!;
    let kind: number;
    let idx: number;
    if (qi >= 0 && qi === qj) {
      kind = D_PIV;
      idx = qi;
    } else if (qi >= 0 && L.parent[qi] === j) {
      kind = D_UP;
      idx = qi;
    } else if (qj >= 0 && L.parent[qj] === i) {
      kind = D_LO;
      idx = qj;
    } else if (qi >= 0 && borderPos[j]! >= 0) {
      kind = D_ROWB;
      idx = qi * k + borderPos[j]!;
    } else if (qj >= 0 && borderPos[i]! >= 0) {
      kind = D_COLB;
      idx = qj * k + borderPos[i]!;
    } else if (qi >= 0 || qj >= 0) {
      throw new Error(`condensed system: entry (${i}, ${j}) does not fit the elimination tree (internal error)`);
    } else {
      const bi = bandPos[i]!;
      const bj = bandPos[j]!;
      if (bi >= 0 && bj >= 0) {
        kind = D_BAND;
        idx = kl + ku + bi - bj + bj * ld;
      } else if (bi >= 0) {
        kind = D_B;
        idx = borderPos[j]! * nb + bi;
      } else if (bj >= 0) {
        kind = D_C;
        idx = borderPos[i]! * nb + bj;
      } else {
        kind = D_S;
        idx = borderPos[i]! * k + borderPos[j]!;
      }
    }
    destKind[s] = kind;
    destIdx[s] = idx;
  }
  // group the slots by destination (the diagonal values get m added in factor())
  const kPtr = new Int32Array(10);
  for (let s = 0; s < nnz; s++) kPtr[destKind[s]! + 1]!++;
  for (let q = 0; q < 9; q++) kPtr[q + 1]! += kPtr[q]!;
  const kSlot = new Int32Array(nnz);
  const kRow = new Int32Array(nnz);
  const kIdx = new Int32Array(nnz);
  const slotPos = new Int32Array(nnz);
  const fillK = kPtr.slice(0, 9);
  for (let s = 0; s < nnz; s++) {
    const q = fillK[destKind[s]!]!++;
    kSlot[q] = s;
    kRow[q] = slotRow[s]!;
    kIdx[q] = destIdx[s]!;
    slotPos[s] = q;
  }
  return {
    layout: L,
    nb,
    k,
    kl,
    ku,
    rowPtr,
    colIdx,
    slotRow,
    kPtr,
    kSlot,
    kRow,
    kIdx,
    slotPos,
    parKind,
    parIdx,
    perm,
    runQ0: Int32Array.from(q0s),
    runLen: Int32Array.from(lens),
    alg,
    cols,
    seqs: [emptySequence(), emptySequence()],
    seqMaps: new WeakMap(),
    bandDiff: null,
  };
}

/**
 * The condensed system. J is stored per pattern slot (CSR by row); factor() scatters
 * A = diag(m) − diag(w)·J into the peeled scalars and the bordered band, eliminates the peeled
 * unknowns and factorises the bordered band.
 */
export class CondensedCore {
  readonly n: number;
  readonly layout: CondensedLayout;
  readonly nb: number;
  readonly k: number;
  readonly lu: BorderedBandLu;
  /** CSR of the pattern by row (diagonal included), column indices sorted */
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  /**
   * J's values in the kind-grouped order of kSlot (slot s at slotPos[s]); written through clearJ, add,
   * addSequence and endJ (factorFromTrees keeps an image of it that they invalidate)
   */
  readonly J: Float64Array;
  private readonly slotRow: Int32Array;
  private readonly slotPos: Int32Array;
  /** off-diagonal slots grouped by destination kind: kPtr[kind]..kPtr[kind+1] into kSlot/kRow/kIdx */
  private readonly kPtr: Int32Array;
  private readonly kRow: Int32Array;
  private readonly kIdx: Int32Array;
  /** the symbolic analysis this system was built on (shared by systems on the same pattern) */
  private readonly sym: CondensedSymbolic;
  private readonly kDst: Float64Array[];
  private readonly np: number;
  private readonly pivv: Float64Array;
  /** per peeled unknown: Σ of the magnitudes of the terms its pivot is formed from (the cancellation test) */
  private readonly pivMag: Float64Array;
  /** 1/pivot and the parent-row multiplier lo/pivot of each peeled unknown (set by factor) */
  private readonly invPiv: Float64Array;
  private readonly mult: Float64Array;
  /** up/pivot of each peeled unknown (set by factor: the back substitution along a chain multiplies) */
  private readonly upInv: Float64Array;
  private readonly up: Float64Array;
  private readonly lo: Float64Array;
  private readonly rowB: Float64Array;
  private readonly colB: Float64Array;
  /** for peeled q: parent kind (0 none, 1 peeled, 2 band) and index (q' or band position) */
  private readonly parKind: Uint8Array;
  private readonly parIdx: Int32Array;
  private readonly peel: Int32Array;
  private readonly perm: Int32Array; // reduced position → unknown (band then border)
  private readonly xw: Float64Array;
  /** runs of the elimination order along chains: q0 and length; within a run peel[q+1] = peel[q] + 1 = parent[q] */
  private readonly runQ0: Int32Array;
  private readonly runLen: Int32Array;
  /** row scale of the band rows (1/largest entry, set by factor) */
  private readonly rowScale: Float64Array;

  constructor(n: number, rows: Int32Array, cols: Int32Array, massDiag: Float64Array | undefined) {
    this.n = n;
    const S = condensedSymbolic(n, rows, cols, massDiag);
    this.sym = S;
    this.seq = S.seqs[0];
    const L = S.layout;
    this.layout = L;
    const nb = S.nb;
    const k = S.k;
    this.nb = nb;
    this.k = k;
    this.lu = new BorderedBandLu(nb, k, S.kl, S.ku);
    // threshold pivoting in the band: rows are swapped only when the diagonal is below 0.1 of its column's
    // largest entry, so that U mostly keeps the band's own upper width (cheaper solves)
    if (this.lu.band) this.lu.band.pivotThreshold = PIVOT_THRESHOLD;
    this.rowPtr = S.rowPtr;
    this.colIdx = S.colIdx;
    this.slotRow = S.slotRow;
    this.J = new Float64Array(S.colIdx.length);
    const np = L.peel.length;
    this.np = np;
    this.peel = L.peel;
    this.pivv = new Float64Array(np);
    this.pivMag = new Float64Array(np);
    this.invPiv = new Float64Array(np);
    this.mult = new Float64Array(np);
    this.upInv = new Float64Array(np);
    this.up = new Float64Array(np);
    this.lo = new Float64Array(np);
    this.rowB = new Float64Array(np * k);
    this.colB = new Float64Array(np * k);
    this.parKind = S.parKind;
    this.parIdx = S.parIdx;
    this.perm = S.perm;
    this.xw = new Float64Array(n - np);
    this.rowScale = new Float64Array(nb).fill(1);
    this.runQ0 = S.runQ0;
    this.runLen = S.runLen;
    this.kPtr = S.kPtr;
    this.kRow = S.kRow;
    this.kIdx = S.kIdx;
    this.slotPos = S.slotPos;
    const lu = this.lu;
    this.kDst = [
      lu.band ? lu.band.ab : new Float64Array(0),
      lu.B,
      lu.C,
      lu.S,
      this.pivv,
      this.up,
      this.lo,
      this.rowB,
      this.colB,
    ];
  }

  /** slot of (i, j), −1 when not in the pattern */
  slot(i: number, j: number): number {
    let lo = this.rowPtr[i]!;
    let hi = this.rowPtr[i + 1]! - 1;
    const c = this.colIdx;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = c[mid]!;
      if (v === j) return mid;
      if (v < j) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * A = diag(m) − diag(w)·J: condensation and LU; false when a pivot is zero/small or the band LU fails.
   * c (optional): w is c on every differential row and 1 on every algebraic one (an integrator's Newton
   * matrix); with linear trees covering every peeled unknown (treesOnly), their elimination is then
   * taken from the trees' own factorisation at c (LinearChains.factor: the same operations in the same
   * order), so it is done once per step size instead of twice.
   */
  factor(m: Float64Array, w: Float64Array, c?: number): boolean {
    const tc = this.treesOnly;
    this.fromTrees = c !== undefined && tc !== null && this.factorFromTrees(m, w, c, tc);
    return this.fromTrees || this.factorAll(m, w);
  }

  private fromTrees = false;
  /** the last factor() took the peeled unknowns' elimination from the linear trees (diagnostics, tests) */
  get factorisedFromTrees(): boolean {
    return this.fromTrees;
  }

  /** the linear trees that cover every peeled unknown (bandOnly), registered by linearChains(); null: none */
  private treesOnly: LinearChains | null = null;

  /**
   * factor() with the peeled unknowns' elimination from the trees' factorisation at c: only the band
   * entries are scattered, and each root's pivot, multiplier and update of its band parent's diagonal
   * come from the trees (bit for bit what factorAll computes for this w). False when the trees' or a
   * root's pivot is small (the caller then runs factorAll, which fails or falls back the same way).
   */
  private factorFromTrees(m: Float64Array, w: Float64Array, c: number, tc: LinearChains): boolean {
    if (!tc.factor(m, c)) return false;
    const { lu, J, np, nb, parKind, parIdx, layout, invPiv, mult, up } = this;
    const band = lu.band;
    if (band === null) return false;
    // written in place where the band kernel factorises it (no copy of the band in, nor of its factors out)
    const ab = band.stage();
    // −w_i·J_ij on the band: the algebraic rows' (w = 1) from the image made once per J, the differential
    // rows' (w = c) here — the same products as a scatter of every entry
    if (!this.imageValid) this.bandImage(ab.length);
    ab.set(this.image!);
    const { q: diffQ, idx: diffIdx } = this.sym.bandDiff!;
    const nc = -c;
    for (let t = 0; t < diffQ.length; t++) ab[diffIdx[t]!] = nc * J[diffQ[t]!]!;
    const kl = band.kl;
    const ku = band.ku;
    const ld = band.ld;
    const bandIdx = layout.band;
    for (let p = 0; p < nb; p++) ab[kl + ku + p * ld]! += m[bandIdx[p]!]!;
    const { inv: tInv, upA, mul, jLo } = tc.elimination();
    const parent = layout.parent;
    // the trees' arrays (every peeled unknown is linear, in the same order): their multipliers are the
    // parent-row multipliers of factorAll for a peeled parent, and 0 for none; a band parent's below
    up.set(upA);
    invPiv.set(tInv);
    mult.set(mul);
    // up/pivot, read by the full solve only: formed there (the same products) when it runs after this
    this.upInvFor = -1;
    let roots = this.bandRoots;
    if (roots === null) {
      const rq: number[] = [];
      for (let q = 0; q < np; q++) if (parKind[q] === 2) rq.push(q);
      roots = this.bandRoots = Int32Array.from(rq);
    }
    for (let r = 0; r < roots.length; r++) {
      const q = roots[r]!;
      // a root: its row to the band parent P, −w_P·J_P,root (factorAll's lower entry); its pivot passed
      // the trees' cancellation test, which is factorAll's (same terms, same order)
      const l = jLo[q]! >= 0 ? -w[parent[q]!]! * J[jLo[q]!]! : 0;
      const lm = l * invPiv[q]!;
      mult[q] = lm;
      ab[kl + ku + parIdx[q]! * ld]! -= lm * up[q]!;
    }
    return this.equilibrateAndFactor();
  }

  /**
   * factorFromTrees' band image of J: −J_ij at each band entry of an algebraic row (its w is 1, by factor()'s
   * contract for c), zero elsewhere; made at the first such factorisation after J changes (clearJ, add,
   * addSequence and endJ invalidate it), read by the next ones (only the step size changes between them)
   */
  private image: Float64Array | null = null;
  private imageValid = false;

  private bandImage(len: number): void {
    const { J, kPtr, kIdx, kRow, sym } = this;
    const alg = sym.alg;
    const q0 = kPtr[D_BAND]!;
    const q1 = kPtr[D_BAND + 1]!;
    // algebraic: massDiag = 0 (without a mass matrix every row is differential)
    const isAlg = (q: number): boolean => alg.length > 0 && alg[kRow[q]!] === 1;
    if (sym.bandDiff === null) {
      const dq: number[] = [];
      for (let q = q0; q < q1; q++) if (!isAlg(q)) dq.push(q);
      sym.bandDiff = { q: Int32Array.from(dq), idx: Int32Array.from(dq, (q) => kIdx[q]!) };
    }
    const img = this.image !== null && this.image.length === len ? this.image : (this.image = new Float64Array(len));
    img.fill(0);
    // −w·J with w = 1: factorAll's product −w_i·J_ij itself
    for (let q = q0; q < q1; q++) if (isAlg(q)) img[kIdx[q]!] = -1 * J[q]!;
    this.imageValid = true;
  }

  /**
   * upInv holds up/pivot of the current factors (factorAll forms it; after factorFromTrees the full
   * solve forms it at its first use: −1)
   */
  private upInvFor = 0;
  /** the peeled unknowns whose parent is in the band (factorFromTrees; found at its first run) */
  private bandRoots: Int32Array | null = null;

  /** factor() with every peeled unknown eliminated here */
  private factorAll(m: Float64Array, w: Float64Array): boolean {
    this.upInvFor = 0;
    const { lu, J, kPtr, kRow, kIdx, kDst, np, k, nb, pivv, up, lo, rowB, colB, parKind, parIdx, peel, layout } = this;
    const band = lu.band;
    const ab = band ? band.ab : null;
    if (ab) ab.fill(0);
    if (k > 0) {
      lu.B.fill(0);
      lu.C.fill(0);
      lu.S.fill(0);
      rowB.fill(0);
      colB.fill(0);
    }
    up.fill(0);
    lo.fill(0);
    // scatter −w_i·J_ij by destination kind
    for (let kind = 0; kind < 9; kind++) {
      const dst = kDst[kind]!;
      for (let q = kPtr[kind]!, e = kPtr[kind + 1]!; q < e; q++) dst[kIdx[q]!] = -w[kRow[q]!]! * J[q]!;
    }
    // + diag(m)
    const kl = band ? band.kl : 0;
    const ku = band ? band.ku : 0;
    const ld = band ? band.ld : 0;
    const bandIdx = layout.band;
    if (ab) for (let p = 0; p < nb; p++) ab[kl + ku + p * ld]! += m[bandIdx[p]!]!;
    // the cancellation test's magnitudes: |m| + |w·J_vv| (before the children's updates)
    const pm = this.pivMag;
    for (let q = 0; q < np; q++) {
      const a = m[peel[q]!]!;
      pm[q] = Math.abs(a) + Math.abs(pivv[q]!);
      pivv[q]! += a;
    }
    const S = lu.S;
    for (let c = 0; c < k; c++) S[c * k + c]! += m[layout.border[c]!]!;
    const B = lu.B;
    const C = lu.C;
    for (let q = 0; q < np; q++) {
      const piv = pivv[q]!;
      const u = up[q]!;
      const l = lo[q]!;
      const qk = q * k;
      if (!(Math.abs(piv) > PIVOT_CANCEL * pm[q]!) || !Number.isFinite(piv)) return false;
      const inv = 1 / piv;
      const lm = l * inv; // multiplier of the parent row
      this.invPiv[q] = inv;
      this.upInv[q] = u * inv;
      this.mult[q] = kindNone(parKind[q]!) ? 0 : lm;
      const kind = parKind[q]!;
      if (kind === 1) {
        const p = parIdx[q]!;
        pivv[p]! -= lm * u;
        pm[p]! += Math.abs(lm * u);
        if (k > 0) {
          const pk = p * k;
          for (let c = 0; c < k; c++) {
            rowB[pk + c]! -= lm * rowB[qk + c]!;
            colB[pk + c]! -= colB[qk + c]! * u * inv;
          }
        }
      } else if (kind === 2) {
        const p = parIdx[q]!;
        ab![kl + ku + p * ld]! -= lm * u;
        for (let c = 0; c < k; c++) {
          B[c * nb + p]! -= lm * rowB[qk + c]!;
          C[c * nb + p]! -= colB[qk + c]! * u * inv;
        }
      }
      for (let r = 0; r < k; r++) {
        const cr = colB[qk + r]! * inv;
        if (cr === 0) continue;
        for (let c = 0; c < k; c++) S[r * k + c]! -= cr * rowB[qk + c]!;
      }
    }
    return this.equilibrateAndFactor();
  }

  /**
   * row equilibration of the band rows (A and B blocks): each scaled to a largest entry of 1, so that
   * the threshold pivoting compares like with like (the rows carry different units); then the
   * bordered-band LU
   */
  private equilibrateAndFactor(): boolean {
    const { lu, nb, k } = this;
    const band = lu.band;
    if (band === null) return lu.factor();
    // the B block's entries count towards their rows' largest; the band's own are added by the band
    // LU, which scales its rows (and BorderedBandLu B's) by the inverse (BandLu.factor(rowScale))
    const B = lu.B;
    const rs = this.rowScale;
    rs.fill(0);
    for (let c = 0; c < k; c++)
      for (let i = 0; i < nb; i++) {
        const a = Math.abs(B[c * nb + i]!);
        if (a > rs[i]!) rs[i] = a;
      }
    return lu.factor(rs);
  }

  /** solves A·x = b in place */
  solve(b: Float64Array): void {
    const { np, k, nb, peel, up, upInv, rowB, colB, perm, xw, lu, layout, invPiv, mult } = this;
    if (this.upInvFor < 0) {
      for (let q = 0; q < np; q++) upInv[q] = up[q]! * invPiv[q]!;
      this.upInvFor = 0;
    }
    const parent = layout.parent;
    const border = layout.border;
    // forward elimination of the peeled unknowns
    const { runQ0, runLen } = this;
    const nRuns = runQ0.length;
    if (k === 0) {
      // along each chain run: b[v+1] −= mult·b[v] with v = peel[q], then the run's last onto its parent
      for (let r = 0; r < nRuns; r++) {
        const q0 = runQ0[r]!;
        const qe = q0 + runLen[r]! - 1;
        let v = peel[q0]!;
        let x = b[v]!;
        for (let q = q0; q < qe; q++) {
          v++;
          x = b[v]! - mult[q]! * x;
          b[v] = x;
        }
        const pq = parent[qe]!;
        if (pq >= 0) b[pq]! -= mult[qe]! * x;
      }
    } else {
      for (let q = 0; q < np; q++) {
        const bv = b[peel[q]!]!;
        if (bv === 0) continue;
        const t = bv * invPiv[q]!;
        const pq = parent[q]!;
        if (pq >= 0) b[pq]! -= mult[q]! * bv;
        const qk = q * k;
        for (let c = 0; c < k; c++) b[border[c]!]! -= colB[qk + c]! * t;
      }
    }
    // reduced bordered-band system
    const nr = nb + k;
    const rs = this.rowScale;
    for (let p = 0; p < nb; p++) xw[p] = b[perm[p]!]! * rs[p]!;
    for (let p = nb; p < nr; p++) xw[p] = b[perm[p]!]!;
    lu.solve(xw);
    for (let p = 0; p < nr; p++) b[perm[p]!] = xw[p]!;
    // back substitution
    if (k === 0) {
      for (let r = nRuns - 1; r >= 0; r--) {
        const q0 = runQ0[r]!;
        const qe = q0 + runLen[r]! - 1;
        let v = peel[qe]!;
        const pq = parent[qe]!;
        let x = (pq >= 0 ? b[v]! - up[qe]! * b[pq]! : b[v]!) * invPiv[qe]!;
        b[v] = x;
        for (let q = qe - 1; q >= q0; q--) {
          v--;
          x = b[v]! * invPiv[q]! - upInv[q]! * x;
          b[v] = x;
        }
      }
    } else {
      for (let q = np - 1; q >= 0; q--) {
        const v = peel[q]!;
        let s = b[v]!;
        const pq = parent[q]!;
        if (pq >= 0) s -= up[q]! * b[pq]!;
        const qk = q * k;
        for (let c = 0; c < k; c++) s -= rowB[qk + c]! * b[border[c]!]!;
        b[v] = s * invPiv[q]!;
      }
    }
  }

  /**
   * solves A·x = b for a right-hand side that is zero on every peeled unknown, with no border: xb holds
   * b on the band unknowns in the band's order (layout.band) and receives x there (LinearChains.solve
   * when every peeled unknown is linear)
   */
  solveBandInPlace(xb: Float64Array): void {
    const nb = this.nb;
    const rs = this.rowScale;
    for (let p = 0; p < nb; p++) xb[p]! *= rs[p]!;
    this.lu.solve(xb);
  }

  /** the band rows' scale of the last factor() (a view: the same array after every factor) */
  get bandRowScale(): Float64Array {
    return this.rowScale;
  }

  /** solveBandInPlace for a right-hand side already multiplied by bandRowScale */
  solveBandScaledInPlace(xb: Float64Array): void {
    this.lu.solve(xb);
  }

  /**
   * The linear trees of this system for a problem whose rows marked in linear are exactly linear and
   * homogeneous (LinearChains); null when no peeled unknown qualifies.
   */
  linearChains(linear: Uint8Array): LinearChains | null {
    const n = this.n;
    if (linear.length !== n) throw new RangeError(`linearRows: length must be n = ${n} (got ${linear.length})`);
    // the trees depend only on the pattern and the mask: analysed once per (symbolic analysis, mask array)
    let hit = chainCache.get(linear);
    if (!hit || hit.sym !== this.sym) {
      const lin = this.analyseChains(linear);
      // the J positions of the linear rows' entries (endJ)
      const pos: number[] = [];
      if (lin)
        for (let s = 0; s < this.slotRow.length; s++) if (linear[this.slotRow[s]!] === 1) pos.push(this.slotPos[s]!);
      hit = { sym: this.sym, lin, linPos: Int32Array.from(pos) };
      chainCache.set(linear, hit);
    }
    if (!hit.lin) return null;
    this.linPos = hit.linPos;
    this.linVal = new Float64Array(hit.linPos.length);
    this.linHeld = false;
    const lc = new LinearChains(this, hit.lin);
    // trees covering every peeled unknown: factor(m, w, c) takes their elimination (the latest such trees)
    if (hit.lin.bandOnly) this.treesOnly = lc;
    return lc;
  }

  private analyseChains(linear: Uint8Array): ChainAnalysis | null {
    const { np, peel, parKind, parIdx, kPtr, kIdx, n, k } = this;
    // a peeled unknown qualifies when its row is linear, so is its whole subtree, it has no border
    // entries, and its parent is a band unknown, none, or a qualifying peeled unknown
    const ok = new Uint8Array(np);
    const childBad = new Uint8Array(np);
    for (let q = 0; q < np; q++) {
      const good = linear[peel[q]!] === 1 && !childBad[q] && k === 0;
      ok[q] = good ? 1 : 0;
      if (!good && parKind[q] === 1) childBad[parIdx[q]!] = 1;
    }
    for (let q = np - 1; q >= 0; q--) if (ok[q] && parKind[q] === 1 && !ok[parIdx[q]!]) ok[q] = 0;
    const qs: number[] = [];
    const at = new Int32Array(np).fill(-1);
    for (let q = 0; q < np; q++)
      if (ok[q]) {
        at[q] = qs.length;
        qs.push(q);
      }
    if (qs.length === 0) return null;
    const nl = qs.length;
    const parentQ = new Int32Array(nl).fill(-1);
    for (let i = 0; i < nl; i++) {
      const q = qs[i]!;
      if (parKind[q] === 1) parentQ[i] = at[parIdx[q]!]!;
    }
    const jPiv = new Int32Array(nl).fill(-1);
    const jUp = new Int32Array(nl).fill(-1);
    const jLo = new Int32Array(nl).fill(-1);
    const mark = (kind: number, dst: Int32Array): void => {
      for (let pos = kPtr[kind]!; pos < kPtr[kind + 1]!; pos++) {
        const i = at[kIdx[pos]!]!;
        if (i >= 0) dst[i] = pos;
      }
    };
    mark(D_PIV, jPiv);
    mark(D_UP, jUp);
    mark(D_LO, jLo);
    const inTree = new Uint8Array(n);
    for (const q of qs) inTree[peel[q]!] = 1;
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (!inTree[i]) keep.push(i);
    const L = this.layout;
    const lv = Int32Array.from(qs, (q) => L.peel[q]!);
    const lp = Int32Array.from(qs, (q) => L.parent[q]!);
    // runs: maximal i0..e with lv[i+1] = lv[i] + 1 and the parent of i the next (i + 1)
    const i0s: number[] = [];
    const ends: number[] = [];
    for (let i = 0; i < nl;) {
      const start = i;
      while (i + 1 < nl && parentQ[i] === i + 1 && lv[i + 1] === lv[i]! + 1) i++;
      i0s.push(start);
      ends.push(i);
      i++;
    }
    const roots: number[] = [];
    for (let i = 0; i < nl; i++) if (parentQ[i]! < 0) roots.push(i);
    return {
      q: Int32Array.from(qs),
      v: lv,
      p: lp,
      runI0: Int32Array.from(i0s),
      runEnd: Int32Array.from(ends),
      rootI: Int32Array.from(roots),
      rootV: Int32Array.from(roots, (i) => lv[i]!),
      rootP: Int32Array.from(roots, (i) => lp[i]!),
      parentQ,
      jPiv,
      jUp,
      jLo,
      keep: Int32Array.from(keep),
      bandOnly: nl === np && k === 0,
    };
  }

  /** the add order of the current evaluation (sym.seqs: which rows it writes) and the next add's index */
  private seq: AddSequence;
  private cursor = 0;

  /** J positions of the entries in the linear trees' rows (linearChains; null: no trees) and their held values */
  private linPos: Int32Array | null = null;
  private linVal: Float64Array | null = null;
  private linHeld = false;

  /** JacobianSink.linearRowsHeld: linVal holds the linear rows' entries of this solve (endJ) */
  get linearRowsHeld(): boolean {
    return this.linHeld;
  }

  /** the end of a Jacobian evaluation: keeps the linear rows' entries (the first one) or puts them back */
  endJ(): void {
    const pos = this.linPos;
    if (pos === null) return;
    this.imageValid = false;
    const J = this.J;
    const val = this.linVal!;
    if (this.linHeld) for (let q = 0; q < pos.length; q++) J[pos[q]!] = val[q]!;
    else {
      for (let q = 0; q < pos.length; q++) val[q] = J[pos[q]!]!;
      this.linHeld = true;
    }
  }

  /** the next Jacobian evaluation writes the linear rows again (a new solve: the problem may have changed) */
  forgetLinearRows(): void {
    this.linHeld = false;
  }

  /** zeroes J (a new Jacobian evaluation follows) */
  clearJ(): void {
    this.J.fill(0);
    this.imageValid = false;
    this.cursor = 0;
    this.seq = this.sym.seqs[this.linHeld ? 1 : 0];
  }

  /** adds to J(i, j); entries outside the pattern: zero is ignored, anything else is an error */
  add(i: number, j: number, v: number): void {
    this.imageValid = false;
    const k = this.cursor;
    const q = this.seq;
    if (k < q.len && q.i[k] === i && q.j[k] === j) {
      this.J[q.pos[k]!]! += v;
      this.cursor = k + 1;
      return;
    }
    this.addSearch(i, j, v, k);
  }

  /** add() for an entry that is not the remembered k-th: searches its row and remembers it as the k-th */
  private addSearch(i: number, j: number, v: number, k: number): void {
    const s = this.slot(i, j);
    if (s < 0) {
      if (v === 0) return;
      throw new RangeError(
        `jacobian: entry (${i}, ${j}) = ${v} is not in the declared sparsity pattern (structure.rows/cols)`,
      );
    }
    const pos = this.slotPos[s]!;
    this.J[pos]! += v;
    const q = this.seq;
    if (k >= q.i.length) {
      const cap = Math.max(64, 2 * q.i.length);
      const grow = (a: Int32Array): Int32Array => {
        const b = new Int32Array(cap);
        b.set(a);
        return b;
      };
      q.i = grow(q.i);
      q.j = grow(q.j);
      q.pos = grow(q.pos);
    }
    q.i[k] = i;
    q.j[k] = j;
    q.pos[k] = pos;
    // the remembered order past k belonged to the old sequence: keep it (the next adds are checked against it)
    if (k >= q.len) q.len = k + 1;
    this.cursor = k + 1;
  }

  /** the map of the last sequence given to addSequence */
  private seqMap: SequenceMap | null = null;
  private seqRows: Int32Array | null = null;

  /**
   * JacobianSink.addSequence: count entries (rows[q], cols[q], values[q]) in the order of q, the same sums as
   * add(); the sequence's J positions are looked up once per rows array (shared by the systems on this pattern)
   */
  addSequence(rows: Int32Array, cols: Int32Array, values: Float64Array, count: number): void {
    if (!(count <= rows.length && count <= cols.length && count <= values.length))
      throw new RangeError(
        `jacobian: addSequence count ${count} exceeds its rows (${rows.length}), cols (${cols.length}) or values (${values.length})`,
      );
    let map = this.seqMap;
    if (rows !== this.seqRows || map === null || map.cols !== cols) {
      const maps = this.sym.seqMaps;
      map = maps.get(rows) ?? null;
      if (map === null || map.cols !== cols) {
        map = this.sequenceMap(rows, cols);
        maps.set(rows, map);
      }
      this.seqMap = map;
      this.seqRows = rows;
    }
    const pos = map.pos;
    if (pos === null) {
      // an entry outside the pattern: add() ignores it when zero, else names it
      for (let q = 0; q < count; q++) this.add(rows[q]!, cols[q]!, values[q]!);
      return;
    }
    const J = this.J;
    this.imageValid = false;
    for (let q = 0; q < count; q++) J[pos[q]!]! += values[q]!;
  }

  /** each entry's position in J (pos null when one is outside the pattern) */
  private sequenceMap(rows: Int32Array, cols: Int32Array): SequenceMap {
    const len = Math.min(rows.length, cols.length);
    const pos = new Int32Array(len);
    for (let q = 0; q < len; q++) {
      const s = this.slot(rows[q]!, cols[q]!);
      if (s < 0) return { cols, pos: null };
      pos[q] = this.slotPos[s]!;
    }
    return { cols, pos };
  }

  /** replays the stored J into another sink */
  replay(sink: JacobianSink): void {
    const { J, slotRow, colIdx, slotPos } = this;
    for (let s = 0; s < J.length; s++) {
      const v = J[slotPos[s]!]!;
      if (v !== 0) sink.add(slotRow[s]!, colIdx[s]!, v);
    }
  }
}

/** the symbolic part of LinearChains (which peeled unknowns, in which runs, where their J entries are) */
interface ChainAnalysis {
  /** linear peeled positions q in elimination order, their unknowns and parent unknowns */
  readonly q: Int32Array;
  readonly v: Int32Array;
  readonly p: Int32Array;
  /** index (into q) of each one's parent when linear, else −1 (a root) */
  readonly parentQ: Int32Array;
  readonly jPiv: Int32Array;
  readonly jUp: Int32Array;
  readonly jLo: Int32Array;
  readonly keep: Int32Array;
  readonly bandOnly: boolean;
  readonly runI0: Int32Array;
  readonly runEnd: Int32Array;
  readonly rootI: Int32Array;
  readonly rootV: Int32Array;
  readonly rootP: Int32Array;
}

/**
 * LinearChains' working arrays and its factorisation in a kernel (bdf.ts attaches the state kernel's for
 * a solve: ./state-kernel.ts, the same operations): while attached, factor() runs the kernel's and the
 * other methods use these arrays
 */
export interface ChainKernel {
  readonly piv: Float64Array;
  readonly inv: Float64Array;
  readonly upA: Float64Array;
  readonly mul: Float64Array;
  readonly mag: Float64Array;
  readonly bx: Float64Array;
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  /** LinearChains.factor(m, c)'s loops for the solver's m (false: a small pivot) */
  factor(c: number): boolean;
}

/** the structure of a LinearChains (constant for its life): what a kernel needs besides J's values */
export interface ChainStructure {
  readonly lv: Int32Array;
  readonly lp: Int32Array;
  readonly lpq: Int32Array;
  readonly jPiv: Int32Array;
  readonly jUp: Int32Array;
  readonly jLo: Int32Array;
  readonly runI0: Int32Array;
  readonly runEnd: Int32Array;
  readonly rootI: Int32Array;
  /** the pivots' cancellation test: |pivot| > cancel × the magnitudes it is formed from */
  readonly cancel: number;
}

/** chain analyses by mask array (a model hands the same mask for the same layout), checked against the symbolic analysis */
const chainCache = new WeakMap<Uint8Array, { sym: object; lin: ChainAnalysis | null; linPos: Int32Array }>();

/**
 * Linear trees of a condensed system taken out of the Newton loop (the particle concentration chains of
 * a DFN, as PETLION does: Berliner et al., J. Electrochem. Soc. 168 (2021) 090504,
 * doi:10.1149/1945-7111/ac201c). A peeled unknown v is "linear" when the problem declares its row exactly
 * linear and homogeneous in y with the constant coefficients of the stored J (f_v = Σ_u J_vu·y_u), and so
 * are all of its subtree; such a tree hangs off one band unknown P (or none). In the corrector
 * M·(d + ψ) = c·f(y) its rows read (M − c·J_LL)·y_L = M·(y_pred − ψ) + c·J_LP·y_P: per step (per c) the
 * trees are eliminated exactly, so that each root is an affine function of its parent,
 * y_root = α + β·y_P, and the Newton iteration runs over the other unknowns only (the roots set from
 * their parents after each update); the rest of each tree is filled in once, after convergence.
 * The Newton matrix's band part stays the factorised one (its Schur complement of the trees at the
 * factorised c: a simplified-Newton approximation, as before).
 */
export class LinearChains {
  /** unknowns outside the linear trees (the Newton loop's unknowns), ascending */
  readonly keep: Int32Array;
  /** the trees' roots: unknown, parent unknown (−1: none), and α, β of the current step */
  readonly rootV: Int32Array;
  readonly rootP: Int32Array;
  alpha: Float64Array;
  beta: Float64Array;
  /** every peeled unknown is linear and there is no border: the reduced solve is the band solve alone */
  private readonly bandOnly: boolean;
  /** linear peeled positions q in elimination order, with their unknown, parent unknown and parent's q (−1: not linear) */
  private readonly lq: Int32Array;
  private readonly lv: Int32Array;
  private readonly lp: Int32Array;
  private readonly lpq: Int32Array;
  /** positions in the core's J of (v, v), (v, parent), (parent, v) for each linear q (−1: structural zero) */
  private readonly jPiv: Int32Array;
  private readonly jUp: Int32Array;
  private readonly jLo: Int32Array;
  /** per linear q (same order as lq): pivot of the exact elimination at cFor, its inverse, A_v,parent, multiplier */
  private piv: Float64Array;
  private inv: Float64Array;
  private upA: Float64Array;
  private mul: Float64Array;
  /** per linear q: Σ of the magnitudes of the terms its pivot is formed from (the cancellation test) */
  private mag: Float64Array;
  /** forward-eliminated right-hand side per linear q */
  private bx: Float64Array;
  /** root r → index in lq */
  private readonly rootI: Int32Array;
  /** chain runs (LinearChains constructor): first and last index in lq */
  private readonly runI0: Int32Array;
  private readonly runEnd: Int32Array;
  private cFor = NaN;
  /** solve()'s workspace when not bandOnly (allocated on first use) */
  private scratch: Float64Array | null = null;
  /** the attached kernel (null: the JavaScript loops on the own arrays) */
  private kernel: ChainKernel | null = null;
  private readonly own: Omit<ChainKernel, 'factor'>;

  constructor(
    private readonly core: CondensedCore,
    lin: ChainAnalysis,
  ) {
    const nl = lin.q.length;
    this.lq = lin.q;
    this.lv = lin.v;
    this.lp = lin.p;
    this.lpq = lin.parentQ;
    this.jPiv = lin.jPiv;
    this.jUp = lin.jUp;
    this.jLo = lin.jLo;
    this.keep = lin.keep;
    this.bandOnly = lin.bandOnly;
    this.piv = new Float64Array(nl);
    this.inv = new Float64Array(nl);
    this.upA = new Float64Array(nl);
    this.mul = new Float64Array(nl);
    this.mag = new Float64Array(nl);
    this.bx = new Float64Array(nl);
    this.runI0 = lin.runI0;
    this.runEnd = lin.runEnd;
    this.rootI = lin.rootI;
    this.rootV = lin.rootV;
    this.rootP = lin.rootP;
    this.alpha = new Float64Array(lin.rootI.length);
    this.beta = new Float64Array(lin.rootI.length);
    const { piv, inv, upA, mul, mag, bx, alpha, beta } = this;
    this.own = { piv, inv, upA, mul, mag, bx, alpha, beta };
  }

  /** the structure arrays (a kernel's copy) */
  get structure(): ChainStructure {
    const { lv, lp, lpq, jPiv, jUp, jLo, runI0, runEnd, rootI } = this;
    return { lv, lp, lpq, jPiv, jUp, jLo, runI0, runEnd, rootI, cancel: PIVOT_CANCEL };
  }

  /** the core's J values (positions as jPiv, jUp, jLo; a view, rewritten by every Jacobian evaluation) */
  get jacobianValues(): Float64Array {
    return this.core.J;
  }

  /** attaches a kernel's arrays and factorisation (null: back to the own arrays); forgets the last c */
  attach(k: ChainKernel | null): void {
    const a = k ?? this.own;
    this.piv = a.piv;
    this.inv = a.inv;
    this.upA = a.upA;
    this.mul = a.mul;
    this.mag = a.mag;
    this.bx = a.bx;
    this.alpha = a.alpha;
    this.beta = a.beta;
    this.kernel = k;
    this.cFor = NaN;
  }

  /**
   * the elimination of the last factor() (per linear q, in lq's order): the inverses of the pivots after
   * their children's elimination, the entries to the parents A_v,parent, the parent-row multipliers, and
   * where the parent's entry A_parent,v sits in the core's J (−1: a structural zero). (The pivots
   * themselves are the factorisation's workspace: a kernel need not keep them for every tree.)
   */
  elimination(): { inv: Float64Array; upA: Float64Array; mul: Float64Array; jLo: Int32Array } {
    return { inv: this.inv, upA: this.upA, mul: this.mul, jLo: this.jLo };
  }

  /** forgets the step size of the last elimination (call after J changes) */
  invalidate(): void {
    this.cFor = NaN;
  }

  /**
   * exact elimination of the linear trees of M − c·J (their rows are differential: weight c); false when
   * a pivot is small relative to its row and column (the caller then iterates on every unknown)
   */
  factor(m: Float64Array, c: number): boolean {
    if (c === this.cFor) return true;
    this.cFor = NaN;
    const kernel = this.kernel;
    if (kernel !== null) {
      if (!kernel.factor(c)) return false;
      this.cFor = c;
      return true;
    }
    const { lv, lpq, jPiv, jUp, jLo, piv, inv, upA, mul, mag } = this;
    const J = this.core.J;
    const nl = lv.length;
    for (let i = 0; i < nl; i++) {
      const a = m[lv[i]!]!;
      const b = c * J[jPiv[i]!]!;
      piv[i] = a - b;
      mag[i] = Math.abs(a) + Math.abs(b);
    }
    for (let i = 0; i < nl; i++) {
      const p = piv[i]!;
      const u = jUp[i]! >= 0 ? -c * J[jUp[i]!]! : 0;
      const l = jLo[i]! >= 0 ? -c * J[jLo[i]!]! : 0;
      const pq = lpq[i]!;
      if (!(Math.abs(p) > PIVOT_CANCEL * mag[i]!) || !Number.isFinite(p)) return false;
      const iv = 1 / p;
      inv[i] = iv;
      upA[i] = u;
      // a linear parent's row is differential too (weight c): its pivot loses A_p,v·A_v,p / A_v,v
      if (pq >= 0) {
        const lm = l * iv;
        mul[i] = lm;
        piv[pq]! -= lm * u;
        mag[pq]! += Math.abs(lm * u);
      } else mul[i] = 0;
    }
    this.cFor = c;
    return true;
  }

  /**
   * the step's right-hand side M·(y_pred − ψ) of the trees, eliminated forward: sets α and β of each
   * root (factor() must have run for this c)
   */
  rhs(m: Float64Array, yPred: Float64Array, psi: Float64Array): void {
    const { lv, lpq, mul, bx, inv, upA, rootI, alpha, beta, runI0, runEnd } = this;
    const nl = lv.length;
    for (let i = 0; i < nl; i++) {
      const v = lv[i]!;
      bx[i] = m[v]! * (yPred[v]! - psi[v]!);
    }
    // along each run (its unknowns consecutive, each the parent of the one before), then the run's end
    // onto its parent (children come before parents: every contribution is in before a run starts)
    for (let r = 0; r < runI0.length; r++) {
      const e = runEnd[r]!;
      let i = runI0[r]!;
      let x = bx[i]!;
      for (; i < e; i++) {
        x = bx[i + 1]! - mul[i]! * x;
        bx[i + 1] = x;
      }
      const pq = lpq[e]!;
      if (pq >= 0) bx[pq]! -= mul[e]! * x;
    }
    for (let r = 0; r < rootI.length; r++) {
      const i = rootI[r]!;
      alpha[r] = bx[i]! * inv[i]!;
      beta[r] = -upA[i]! * inv[i]!;
    }
  }

  /** the rest of each tree from its root's parent (back substitution) into y, and d = y − yPred on them */
  fill(y: Float64Array, yPred: Float64Array, d: Float64Array): void {
    const { lv, lp, bx, inv, upA, runI0, runEnd } = this;
    // runs in reverse (parents first), each from its end down
    for (let r = runI0.length - 1; r >= 0; r--) {
      const i0 = runI0[r]!;
      let i = runEnd[r]!;
      const p = lp[i]!;
      let v = lv[i]!;
      let x = (bx[i]! - (p >= 0 ? upA[i]! * y[p]! : 0)) * inv[i]!;
      y[v] = x;
      d[v] = x - yPred[v]!;
      while (i > i0) {
        i--;
        v--;
        x = (bx[i]! - upA[i]! * x) * inv[i]!;
        y[v] = x;
        d[v] = x - yPred[v]!;
      }
    }
  }

  /**
   * every peeled unknown is in a tree and there is no border: the kept unknowns are the band's, in its
   * order, and solve() is the band solve after a row scaling — the scale (a view, updated by every
   * factorisation), so that a caller can fold it into the right-hand side's own sweep and call
   * solveScaled(); null otherwise
   */
  get bandRowScale(): Float64Array | null {
    return this.bandOnly ? this.core.bandRowScale : null;
  }

  /** solve() for a right-hand side already multiplied by bandRowScale (bandRowScale not null) */
  solveScaled(bk: Float64Array): void {
    this.core.solveBandScaledInPlace(bk);
  }

  /**
   * solves the factorised Newton matrix for a right-hand side that is zero on the trees' rows: bk holds
   * it on the kept unknowns (length keep.length, in keep's order) and receives the solution there
   */
  solve(bk: Float64Array): void {
    const core = this.core;
    if (this.bandOnly) {
      // the kept unknowns are the band's, in its order
      core.solveBandInPlace(bk);
      return;
    }
    const s = (this.scratch ??= new Float64Array(core.n));
    s.fill(0);
    const keep = this.keep;
    for (let q = 0; q < keep.length; q++) s[keep[q]!] = bk[q]!;
    core.solve(s);
    for (let q = 0; q < keep.length; q++) bk[q] = s[keep[q]!]!;
  }
}
