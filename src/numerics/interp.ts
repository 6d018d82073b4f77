/**
 * Interpolation on sorted tables: piecewise-linear and monotone piecewise-cubic Hermite
 * (F. N. Fritsch & R. E. Carlson, "Monotone piecewise cubic interpolation", SIAM J. Numer. Anal. 17
 * (1980) 238–246, doi:10.1137/0717021; derivative formula of Fritsch & Butland 1984 as used by
 * MATLAB/SciPy `pchip`). Outside the table both either clamp to the end values (default) or extrapolate
 * linearly from the end segment, as the caller chooses; there is no silent NaN.
 */

export type Extrapolation = 'clamp' | 'linear' | 'error';

export interface TableOptions {
  /** what to do outside [x0, xN] (default 'clamp') */
  extrapolate?: Extrapolation;
  /** name used in error messages (default 'table') */
  name?: string;
}

type Num = ArrayLike<number>;

function validate(name: string, x: Num, y: Num): void {
  if (x.length !== y.length)
    throw new RangeError(`${name}.y: length must equal ${name}.x length (got ${y.length} vs ${x.length})`);
  if (x.length < 2) throw new RangeError(`${name}.x: needs at least 2 points (got ${x.length})`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new RangeError(`${name}.x.${i}: must be finite (got ${x[i]})`);
    if (!Number.isFinite(y[i]!)) throw new RangeError(`${name}.y.${i}: must be finite (got ${y[i]})`);
    if (i > 0 && !(x[i]! > x[i - 1]!))
      throw new RangeError(
        `${name}.x.${i}: must be strictly increasing (got ${x[i]} after ${x[i - 1]}; allowed > ${x[i - 1]})`,
      );
  }
}

/** index k with x[k] ≤ t < x[k+1] (clamped to 0..n−2), by bisection */
export function findInterval(x: Num, t: number): number {
  const n = x.length;
  if (t <= x[0]!) return 0;
  if (t >= x[n - 1]!) return n - 2;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

function outside(name: string, mode: Extrapolation, t: number, x: Num): boolean {
  if (Number.isNaN(t)) throw new RangeError(`${name}: query point must not be NaN`);
  const n = x.length;
  if (t < x[0]! || t > x[n - 1]!) {
    if (mode === 'error')
      throw new RangeError(`${name}: query ${t} is outside the table (allowed ${x[0]}..${x[n - 1]})`);
    return true;
  }
  return false;
}

export interface Interpolant {
  (t: number): number;
  /** derivative dy/dx at t */
  derivative(t: number): number;
}

/** piecewise-linear interpolant of a strictly increasing table */
export function linearInterpolant(x: Num, y: Num, opts: TableOptions = {}): Interpolant {
  const name = opts.name ?? 'table';
  const mode = opts.extrapolate ?? 'clamp';
  validate(name, x, y);
  const xs = Float64Array.from(x);
  const ys = Float64Array.from(y);
  const n = xs.length;
  const f = ((t: number): number => {
    if (outside(name, mode, t, xs) && mode === 'clamp') return t < xs[0]! ? ys[0]! : ys[n - 1]!;
    const k = findInterval(xs, t);
    const s = (t - xs[k]!) / (xs[k + 1]! - xs[k]!);
    return ys[k]! + s * (ys[k + 1]! - ys[k]!);
  }) as Interpolant;
  f.derivative = (t: number): number => {
    if (outside(name, mode, t, xs) && mode === 'clamp') return 0;
    const k = findInterval(xs, t);
    return (ys[k + 1]! - ys[k]!) / (xs[k + 1]! - xs[k]!);
  };
  return f;
}

/** Fritsch–Carlson/Butland end-point and interior slopes (shape preserving, as in pchip) */
export function pchipSlopes(x: Num, y: Num): Float64Array {
  const n = x.length;
  const d = new Float64Array(n);
  const h = new Float64Array(n - 1);
  const del = new Float64Array(n - 1);
  for (let k = 0; k < n - 1; k++) {
    h[k] = x[k + 1]! - x[k]!;
    del[k] = (y[k + 1]! - y[k]!) / h[k]!;
  }
  if (n === 2) {
    d[0] = del[0]!;
    d[1] = del[0]!;
    return d;
  }
  for (let k = 1; k < n - 1; k++) {
    const a = del[k - 1]!;
    const b = del[k]!;
    if (a * b <= 0) d[k] = 0;
    else {
      const w1 = 2 * h[k]! + h[k - 1]!;
      const w2 = h[k]! + 2 * h[k - 1]!;
      d[k] = (w1 + w2) / (w1 / a + w2 / b);
    }
  }
  const end = (h0: number, h1: number, d0: number, d1: number): number => {
    let s = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
    if (Math.sign(s) !== Math.sign(d0)) s = 0;
    else if (Math.sign(d0) !== Math.sign(d1) && Math.abs(s) > Math.abs(3 * d0)) s = 3 * d0;
    return s;
  };
  d[0] = end(h[0]!, h[1]!, del[0]!, del[1]!);
  d[n - 1] = end(h[n - 2]!, h[n - 3]!, del[n - 2]!, del[n - 3]!);
  return d;
}

/** monotone cubic Hermite interpolant (pchip) of a strictly increasing table */
export function pchipInterpolant(x: Num, y: Num, opts: TableOptions = {}): Interpolant {
  const name = opts.name ?? 'table';
  const mode = opts.extrapolate ?? 'clamp';
  validate(name, x, y);
  const xs = Float64Array.from(x);
  const ys = Float64Array.from(y);
  const d = pchipSlopes(xs, ys);
  const n = xs.length;
  const f = ((t: number): number => {
    if (outside(name, mode, t, xs)) {
      if (mode === 'clamp') return t < xs[0]! ? ys[0]! : ys[n - 1]!;
      // linear extrapolation with the end slope
      return t < xs[0]! ? ys[0]! + d[0]! * (t - xs[0]!) : ys[n - 1]! + d[n - 1]! * (t - xs[n - 1]!);
    }
    const k = findInterval(xs, t);
    const h = xs[k + 1]! - xs[k]!;
    const s = (t - xs[k]!) / h;
    const s2 = s * s;
    const s3 = s2 * s;
    return (
      (2 * s3 - 3 * s2 + 1) * ys[k]! +
      (s3 - 2 * s2 + s) * h * d[k]! +
      (-2 * s3 + 3 * s2) * ys[k + 1]! +
      (s3 - s2) * h * d[k + 1]!
    );
  }) as Interpolant;
  f.derivative = (t: number): number => {
    if (outside(name, mode, t, xs)) {
      if (mode === 'clamp') return 0;
      return t < xs[0]! ? d[0]! : d[n - 1]!;
    }
    const k = findInterval(xs, t);
    const h = xs[k + 1]! - xs[k]!;
    const s = (t - xs[k]!) / h;
    const s2 = s * s;
    return (
      ((6 * s2 - 6 * s) * ys[k]! +
        (3 * s2 - 4 * s + 1) * h * d[k]! +
        (-6 * s2 + 6 * s) * ys[k + 1]! +
        (3 * s2 - 2 * s) * h * d[k + 1]!) /
      h
    );
  };
  return f;
}

/** one-shot linear interpolation of a table at t (see linearInterpolant) */
export function interpLinear(x: Num, y: Num, t: number, opts: TableOptions = {}): number {
  return linearInterpolant(x, y, opts)(t);
}

/** one-shot monotone cubic interpolation of a table at t (see pchipInterpolant) */
export function interpPchip(x: Num, y: Num, t: number, opts: TableOptions = {}): number {
  return pchipInterpolant(x, y, opts)(t);
}
