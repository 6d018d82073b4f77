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

/** f and its derivative at a point (safeguardedNewton); f may be ±∞ where it cannot be evaluated */
export interface NewtonPoint {
  f: number;
  df: number;
}

/** one end of safeguardedNewton's bracket: f (and f′) when already known, else evaluated when needed */
export interface BracketEnd {
  readonly x: number;
  readonly f?: number;
  readonly df?: number;
}

export interface SafeguardedNewtonOptions extends RootOptions {
  /**
   * the caller's acceptance test, asked at every point evaluated (its f included): the first point it
   * accepts is returned at once (a stop predicate looser than the bracket's width, e.g. a band)
   */
  accept?: (x: number, f: number) => boolean;
}

export interface SafeguardedNewtonResult extends RootResult {
  /** whether `accept` (or f = 0) stopped the search at x */
  accepted: boolean;
  /** false when the lazily evaluated end `neg` turned out to have f > 0 (no sign change: x is that end) */
  bracket: boolean;
  /** the final bracket: f(neg) < 0 < f(pos) (neg may lie above pos) */
  neg: number;
  fNeg: number;
  pos: number;
  fPos: number;
  /** where f was evaluated last (a caller whose f leaves state behind finds it there) */
  last: number;
}

/**
 * Safeguarded Newton on a bracket (the shape of Numerical Recipes' rtsafe, W. H. Press et al., Numerical
 * Recipes, 3rd ed., CUP 2007, §9.4): the root of f between `neg` (f < 0) and `pos` (f > 0), either end
 * the larger. A Newton step x − f/f′ from the last point is taken while it lands strictly inside the
 * bracket and is at most half as long as the step before it (rtsafe's test); otherwise an Illinois step (regula falsi with the
 * retained end's f halved, Dowell & Jarratt 1971) while both ends' f are finite, or bisection while one
 * is ±∞ (f cannot be evaluated there, e.g. outside a model). Every point evaluated narrows the bracket,
 * so the search always converges, however badly Newton alone would do (divergent or cycling steps are
 * never taken). Stops at the first point `accept` accepts, at f = 0, or when the bracket is narrower
 * than xtol + rtol·max(|neg|, |pos|) (then x is the end with the smaller |f|).
 * `neg.f` may be omitted: it is evaluated only when a step needs it (a caller whose Newton steps usually
 * converge from `pos` saves that evaluation); when it turns out > 0 there is no bracket and the search
 * returns that end with `bracket: false`. The first Newton step is from `pos` when its f and f′ are given.
 */
export function safeguardedNewton(
  fdf: (x: number) => NewtonPoint,
  neg: BracketEnd,
  pos: BracketEnd,
  opts: SafeguardedNewtonOptions = {},
): SafeguardedNewtonResult {
  const xtol = opts.xtol ?? 0;
  const rtol = opts.rtol ?? 4 * EPS;
  const maxIter = opts.maxIter ?? 200;
  const accept = opts.accept;
  let a = neg.x;
  let fa = neg.f ?? NaN;
  let b = pos.x;
  let fb = pos.f ?? NaN;
  if (!Number.isFinite(a)) throw new RangeError(`safeguardedNewton: neg must be finite (got ${a})`);
  if (!Number.isFinite(b)) throw new RangeError(`safeguardedNewton: pos must be finite (got ${b})`);
  let dfb = pos.df;
  let last = NaN;
  const result = (x: number, fx: number, it: number, converged: boolean, accepted: boolean, bracket = true) => ({
    x,
    fx,
    iterations: it,
    converged,
    accepted,
    bracket,
    neg: a,
    fNeg: fa,
    pos: b,
    fPos: fb,
    last,
  });
  if (pos.f === undefined) {
    const p = fdf(b);
    last = b;
    fb = p.f;
    dfb = p.df;
  }
  if (Number.isNaN(fb)) throw new RangeError(`safeguardedNewton: f is NaN at pos = ${b}`);
  if (accept?.(b, fb) || fb === 0) return result(b, fb, 0, true, true);
  if (!(fb > 0)) throw new RangeError(`safeguardedNewton: f(pos) must be > 0 (got f(${b}) = ${fb})`);
  if (neg.f !== undefined) {
    if (Number.isNaN(fa)) throw new RangeError(`safeguardedNewton: f is NaN at neg = ${a}`);
    if (accept?.(a, fa) || fa === 0) return result(a, fa, 0, true, true);
    if (!(fa < 0)) return result(a, fa, 0, false, false, false);
  }
  // the Newton step pending from the last point (NaN: none), where that point is, and the length of the
  // step that led there
  let newton = Number.isFinite(fb) && dfb !== undefined && dfb !== 0 ? b - fb / dfb : NaN;
  let from = b;
  let lastStep = Infinity;
  let side = 0;
  for (let it = 1; it <= maxIter; it++) {
    let c = newton;
    // Newton while it lands strictly inside the bracket and its step is at most half the step before
    // (rtsafe's test: a Newton step from the flat side of a steep function that overshoots, or cycles,
    // is refused, and the bracket is narrowed instead)
    if (!(c > Math.min(a, b) && c < Math.max(a, b)) || !(Math.abs(c - from) <= 0.5 * lastStep)) {
      if (Number.isNaN(fa)) {
        const p = fdf(a);
        last = a;
        fa = p.f;
        if (Number.isNaN(fa)) throw new RangeError(`safeguardedNewton: f is NaN at neg = ${a}`);
        if (accept?.(a, fa) || fa === 0) return result(a, fa, it, true, true);
        if (!(fa < 0)) return result(a, fa, it, false, false, false);
      }
      c = Number.isFinite(fa) && Number.isFinite(fb) ? b - (fb * (b - a)) / (fb - fa) : 0.5 * (a + b);
      if (!(c > Math.min(a, b) && c < Math.max(a, b))) c = 0.5 * (a + b);
    }
    const p = fdf(c);
    last = c;
    const fc = p.f;
    if (Number.isNaN(fc)) throw new RangeError(`safeguardedNewton: f is NaN at x = ${c}`);
    if (accept?.(c, fc) || fc === 0) return result(c, fc, it, true, true);
    newton = Number.isFinite(fc) && Number.isFinite(p.df) && p.df !== 0 ? c - fc / p.df : NaN;
    lastStep = Math.abs(c - from);
    from = c;
    if (fc > 0) {
      b = c;
      fb = fc;
      if (side === -1 && Number.isFinite(fa)) fa /= 2;
      side = -1;
    } else {
      a = c;
      fa = fc;
      if (side === 1 && Number.isFinite(fb)) fb /= 2;
      side = 1;
    }
    if (Math.abs(b - a) <= xtol + rtol * Math.max(Math.abs(a), Math.abs(b))) {
      const x = Math.abs(fa) <= Math.abs(fb) ? a : b;
      return result(x, x === a ? fa : fb, it, true, false);
    }
  }
  const x = Math.abs(fa) <= Math.abs(fb) ? a : b;
  return result(x, x === a ? fa : fb, maxIter, false, false);
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
