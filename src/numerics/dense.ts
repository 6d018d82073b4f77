/**
 * Small dense symmetric matrices (row-major Float64Array, n ≤ a few dozen) for the fitting layer:
 * the cyclic Jacobi eigenvalue method and the Cholesky factorisation.
 * Jacobi: G. H. Golub & C. F. Van Loan, Matrix Computations, 4th ed., 2013, §8.5.3 (cyclic Jacobi,
 * rotations from Algorithm 8.5.1); Cholesky: ibid. §4.2.
 */

export interface SymmetricEigen {
  /** eigenvalues, ascending */
  readonly values: Float64Array;
  /** eigenvectors as columns: vectors[i·n + k] is component i of the k-th eigenvector */
  readonly vectors: Float64Array;
}

/** eigen-decomposition of the symmetric n×n matrix a (not modified) */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  if (a.length !== n * n) throw new RangeError(`a: must hold n·n = ${n * n} entries (got ${a.length})`);
  const A = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let tot = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const v = A[i * n + j]! * A[i * n + j]!;
        tot += v;
        if (i !== j) off += v;
      }
    if (off <= 1e-30 * tot || off === 0) break;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (apq === 0) continue;
        const app = A[p * n + p]!;
        const aqq = A[q * n + q]!;
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!;
          const akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!;
          const aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!;
          const vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => A[x * n + x]! - A[y * n + y]!);
  const values = Float64Array.from(order, (k) => A[k * n + k]!);
  const vectors = new Float64Array(n * n);
  order.forEach((k, col) => {
    for (let i = 0; i < n; i++) vectors[i * n + col] = V[i * n + k]!;
  });
  return { values, vectors };
}

/** lower-triangular L with a = L·Lᵀ (row-major), or null when a is not positive definite */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j]!;
    }
  return L;
}

/** solves the symmetric positive-definite system a·x = b by Cholesky; null when a is not positive definite */
export function solveSpd(a: Float64Array, n: number, b: Float64Array): Float64Array | null {
  const L = cholesky(a, n);
  if (!L) return null;
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}
