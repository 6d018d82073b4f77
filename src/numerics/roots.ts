/**
 * Scalar root finding on a bracket: Brent's method (R. P. Brent, "Algorithms for Minimization without
 * Derivatives", Prentice-Hall 1973, ch. 4 — inverse quadratic interpolation, secant and bisection)
 * and the Illinois variant of regula falsi (M. Dowell & P. Jarratt, BIT 11 (1971) 168–174,
 * doi:10.1007/BF01934364). Both keep a sign-changing bracket, so they always converge.
 */

export interface RootOptions {
  /** absolute tolerance on x (default 0) */
  xtol?: number;
  /** relative tolerance on x (default 4·eps) */
  rtol?: number;
  /** maximum iterations (default 200) */
  maxIter?: number;
  /**
   * absolute tolerance on |f| at the bracket ends (default 0): an end with |f| ≤ ftol is a root. A function
   * whose root sits at a bracket end evaluates there to ±rounding (e.g. +6e-17 instead of 0); with ftol the
   * bracket test accepts it instead of failing on the sign.
   */
  ftol?: number;
}

export interface RootResult {
  x: number;
  fx: number;
  iterations: number;
  converged: boolean;
}

const EPS = 2.220446049250313e-16;

function checkBracket(name: string, a: number, b: number, fa: number, fb: number): void {
  if (!Number.isFinite(a)) throw new RangeError(`${name}: a must be finite (got ${a})`);
  if (!Number.isFinite(b)) throw new RangeError(`${name}: b must be finite (got ${b})`);
  if (Number.isNaN(fa)) throw new RangeError(`${name}: f(a) is NaN at a = ${a}`);
  if (Number.isNaN(fb)) throw new RangeError(`${name}: f(b) is NaN at b = ${b}`);
  if (fa * fb > 0)
    throw new RangeError(`${name}: f(a) and f(b) must differ in sign (got f(${a}) = ${fa}, f(${b}) = ${fb})`);
}

/** Brent's method on [a, b] with f(a)·f(b) ≤ 0. fa/fb may be passed when already known. */
export function brent(
  f: (x: number) => number,
  a: number,
  b: number,
  opts: RootOptions = {},
  fa0?: number,
  fb0?: number,
): RootResult {
  const xtol = opts.xtol ?? 0;
  const rtol = opts.rtol ?? 4 * EPS;
  const maxIter = opts.maxIter ?? 200;
  let fa = fa0 ?? f(a);
  let fb = fb0 ?? f(b);
  const ftol = opts.ftol ?? 0;
  if (Math.abs(fa) <= ftol) return { x: a, fx: fa, iterations: 0, converged: true };
  if (Math.abs(fb) <= ftol) return { x: b, fx: fb, iterations: 0, converged: true };
  checkBracket('brent', a, b, fa, fb);
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let it = 1; it <= maxIter; it++) {
    if (fb * fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * rtol * Math.abs(b) + 0.5 * xtol;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return { x: b, fx: fb, iterations: it, converged: true };
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const s = fb / fa;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
    if (Number.isNaN(fb)) throw new RangeError(`brent: f(x) is NaN at x = ${b}`);
  }
  return { x: b, fx: fb, iterations: maxIter, converged: false };
}

/** Illinois regula falsi on [a, b] with f(a)·f(b) ≤ 0. */
export function illinois(
  f: (x: number) => number,
  a: number,
  b: number,
  opts: RootOptions = {},
  fa0?: number,
  fb0?: number,
): RootResult {
  const xtol = opts.xtol ?? 0;
  const rtol = opts.rtol ?? 4 * EPS;
  const maxIter = opts.maxIter ?? 200;
  let fa = fa0 ?? f(a);
  let fb = fb0 ?? f(b);
  const ftol = opts.ftol ?? 0;
  if (Math.abs(fa) <= ftol) return { x: a, fx: fa, iterations: 0, converged: true };
  if (Math.abs(fb) <= ftol) return { x: b, fx: fb, iterations: 0, converged: true };
  checkBracket('illinois', a, b, fa, fb);
  let side = 0;
  for (let it = 1; it <= maxIter; it++) {
    let x = (a * fb - b * fa) / (fb - fa);
    if (!(x > Math.min(a, b) && x < Math.max(a, b))) x = 0.5 * (a + b);
    const fx = f(x);
    if (Number.isNaN(fx)) throw new RangeError(`illinois: f(x) is NaN at x = ${x}`);
    if (fx === 0) return { x, fx, iterations: it, converged: true };
    if (fx * fb < 0) {
      a = b;
      fa = fb;
      b = x;
      fb = fx;
      side = 0;
    } else {
      b = x;
      fb = fx;
      if (side === 1) fa *= 0.5;
      side = 1;
    }
    const tol = 2 * rtol * Math.abs(b) + 0.5 * xtol;
    if (Math.abs(b - a) <= 2 * tol) {
      const best = Math.abs(fa) < Math.abs(fb) ? a : b;
      return { x: best, fx: best === a ? fa : fb, iterations: it, converged: true };
    }
  }
  return { x: b, fx: fb, iterations: maxIter, converged: false };
}

/**
 * Bisection on a sign change of f over [a, b] (f(a)·f(b) ≤ 0): halves while the bracket is wider than
 * rtol·max(1, |b|), at most maxIter times, and returns its midpoint. Where f does not change sign it
 * returns the end nearer the root of a monotone increasing f (a when f(a) > 0, else b) — the clamp a window
 * search wants — instead of throwing as brent/illinois do.
 */
export function bisect(
  f: (x: number) => number,
  a: number,
  b: number,
  opts: { rtol?: number; maxIter?: number } = {},
): number {
  const rtol = opts.rtol ?? 1e-15;
  const maxIter = opts.maxIter ?? 200;
  let fa = f(a);
  const fb = f(b);
  if (fa * fb > 0) return fa > 0 ? a : b;
  for (let i = 0; i < maxIter && b - a > rtol * Math.max(1, Math.abs(b)); i++) {
    const m = 0.5 * (a + b);
    const fm = f(m);
    if (fm * fa <= 0) b = m;
    else {
      a = m;
      fa = fm;
    }
  }
  return 0.5 * (a + b);
}

export interface BisectTestOptions {
  /** the trial point: (keep + drop)/2, or √(keep·drop) for a search on a log scale (both ends > 0) */
  midpoint?: 'arithmetic' | 'geometric';
  /** halvings at most (default 200) */
  maxIter?: number;
  /**
   * stop once the bracket is this narrow: |drop − keep| ≤ rtol·|drop| (arithmetic) or
   * max/min ≤ 1 + rtol (geometric); absent, only maxIter stops it
   */
  rtol?: number;
}

/**
 * Bisection of a monotone yes/no test (a C-rate that still delivers 80 %, a force that reaches a reduction,
 * where a verdict flips): `keep` is a point where the test holds and `drop` one where it does not (in either
 * order); each trial point replaces the end whose answer it shares. Returns the final bracket.
 */
export function bisectTest(
  test: (x: number) => boolean,
  keep: number,
  drop: number,
  opts: BisectTestOptions = {},
): { keep: number; drop: number; iterations: number } {
  const geometric = opts.midpoint === 'geometric';
  const maxIter = opts.maxIter ?? 200;
  const rtol = opts.rtol;
  let i = 0;
  for (; i < maxIter; i++) {
    if (rtol !== undefined) {
      const narrow = geometric
        ? Math.max(keep, drop) / Math.min(keep, drop) <= 1 + rtol
        : Math.abs(drop - keep) <= rtol * Math.abs(drop);
      if (narrow) break;
    }
    const m = geometric ? Math.sqrt(keep * drop) : 0.5 * (keep + drop);
    if (test(m)) keep = m;
    else drop = m;
  }
  return { keep, drop, iterations: i };
}
