/**
 * Min/max-per-pixel downsampling of a long trace for drawing (M4-style: in each of `buckets` equal x
 * intervals keep the first, the min, the max and the last point, in x order). A 10⁶-point trace becomes
 * ≤ 4·buckets points whose polyline is pixel-identical to the full one at that width, so pan and zoom
 * ask the server for the visible window again instead of pushing 10⁶ points into the browser.
 * Reference: Jugel et al., "M4: a visualization-oriented time series data aggregation", PVLDB 7 (2014).
 */

export interface Downsampled {
  /** indices into the original arrays, ascending */
  index: number[];
  /** points in the window before downsampling */
  points_in_window: number;
}

/** lower bound: first i with x[i] >= v (x ascending) */
function lowerBound(x: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (x[m]! < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/**
 * Indices to keep for drawing y(x) over [x0, x1] at `buckets` pixels. x must be non-decreasing. The
 * window is widened by one point on each side so that lines leave the plot edges correctly.
 */
export function m4(x: ArrayLike<number>, y: ArrayLike<number>, x0: number, x1: number, buckets: number): Downsampled {
  const n = x.length;
  if (n === 0) return { index: [], points_in_window: 0 };
  const a = Math.max(0, lowerBound(x, x0) - 1);
  const b = Math.min(n - 1, lowerBound(x, x1));
  const count = b - a + 1;
  if (count <= 4 * buckets) return { index: Array.from({ length: count }, (_, i) => a + i), points_in_window: count };
  const xa = x[a]!;
  const w = (x[b]! - xa) / buckets || 1;
  const out: number[] = [];
  let i = a;
  while (i <= b) {
    const k = Math.min(buckets - 1, Math.floor((x[i]! - xa) / w));
    const first = i;
    let iMin = i;
    let iMax = i;
    let last = i;
    while (i <= b && Math.min(buckets - 1, Math.floor((x[i]! - xa) / w)) === k) {
      const v = y[i]!;
      if (v < y[iMin]!) iMin = i;
      if (v > y[iMax]!) iMax = i;
      last = i;
      i++;
    }
    const keep = [first, iMin, iMax, last].sort((p, q) => p - q);
    for (let j = 0; j < keep.length; j++) if (j === 0 || keep[j] !== keep[j - 1]) out.push(keep[j]!);
  }
  return { index: out, points_in_window: count };
}
