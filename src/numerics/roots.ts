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

/** how a newton() search ended (NewtonSearch.status) */
export type NewtonStatus =
  /** a root: f = 0 or `accept` at a point evaluated, a bracket narrower than the tolerance, or a Newton step below it */
  | 'converged'
  /** maxIter evaluations without converging: x is the best point so far */
  | 'max-iterations'
  /** the start or a bracket end evaluated on the wrong side of the root (f(neg) > 0 or f(pos) < 0): x is that point */
  | 'no-sign-change'
  /** f was NaN at x, or the start or an end was NaN (the start must be a finite number inside the bracket) */
  | 'not-finite';

/** f and f′ at x for newton(): returns f(x) and writes f′(x) to s.df (NaN: unknown, no Newton step from x) */
export type NewtonFunction = (x: number, s: NewtonSearch) => number;

/** a NewtonSearch's settings (all optional) */
export interface NewtonSettings {
  /** absolute tolerance on x (default 0) */
  xtol?: number;
  /** relative tolerance on x (default 4·eps) */
  rtol?: number;
  /** evaluations of f at most, after the start (default 100) */
  maxIter?: number;
  /**
   * stop when a Newton step is at most the tolerance, at the point it leads to (not evaluated; `last` is where f
   * was evaluated last) — the usual stop of an unbracketed Newton (default true); false: only f = 0, `accept`
   * or a bracket narrower than the tolerance stop the search (then x is always a point evaluated)
   */
  stepStop?: boolean;
  /** the caller's acceptance test, asked at every point evaluated: the first point it accepts is returned */
  accept?: ((x: number, f: number) => boolean) | null;
  /**
   * the scale of x (> 0, default 1): on an open bracket the first step towards the root's open side is
   * max(scale, |x|), then each step twice the last — a search for a root near 1e-3 or 1e3 gives that scale
   */
  scale?: number;
}

/**
 * The state of scalar Newton searches (newton()): settings, the derivative f writes at each evaluation,
 * and the result — owned by the caller and reused search after search, so nothing is allocated per search
 * or per iteration (a hot caller keeps one at module or object level).
 */
export class NewtonSearch {
  xtol: number;
  rtol: number;
  maxIter: number;
  readonly stepStop: boolean;
  readonly accept: ((x: number, f: number) => boolean) | null;
  /** the scale of x: the first step towards an open side is max(scale, |x|) */
  scale: number;
  /** stepStop and no accept: newton()'s plain Newton loop may run */
  readonly plain: boolean;
  /** written by f at each evaluation: f′(x) (NaN: unknown) */
  df = NaN;
  /**
   * optionally written by f: |f″/(2f′)| at x (0: unknown; reset before each evaluation). Newton's error after a
   * step is ≈ |f″/(2f′)|·step² (quadratic convergence); once that is below a hundredth of the tolerance the
   * search stops at the step's end instead of evaluating f once more to see the next step is negligible
   */
  curvature = 0;
  /** the result: the root (or best point), f there (where x ends a Newton step, f where that step began) */
  x = NaN;
  fx = NaN;
  /** evaluations of f after the start (the start's own, when f0 is not given, is not counted) */
  iterations = 0;
  status: NewtonStatus = 'converged';
  /** whether `accept` (or f = 0) stopped the search at x, a point evaluated */
  accepted = false;
  /** the final bracket: f(neg) < 0 < f(pos) (either may be the larger; ±∞: open on that side; f NaN: not evaluated) */
  neg = NaN;
  fNeg = NaN;
  pos = NaN;
  fPos = NaN;
  /** where f was evaluated last (a caller whose f leaves state behind finds it there; NaN: nowhere) */
  last = NaN;

  constructor(settings: NewtonSettings = {}) {
    this.xtol = settings.xtol ?? 0;
    this.rtol = settings.rtol ?? 4 * EPS;
    this.maxIter = settings.maxIter ?? 100;
    // a setting out of its range would not fail loudly later: it would stop at once, never, or step nowhere
    const bad = (name: string, got: number, allowed: string): never => {
      throw new RangeError(`NewtonSearch: ${name} must be ${allowed} (got ${got})`);
    };
    if (!(this.xtol >= 0 && this.xtol < Infinity)) bad('xtol', this.xtol, 'finite and ≥ 0');
    if (!(this.rtol >= 0 && this.rtol < Infinity)) bad('rtol', this.rtol, 'finite and ≥ 0');
    if (!(Number.isInteger(this.maxIter) && this.maxIter >= 1)) bad('maxIter', this.maxIter, 'an integer ≥ 1');
    if (settings.scale !== undefined && !(settings.scale > 0 && settings.scale < Infinity))
      bad('scale', settings.scale, 'finite and > 0');
    this.stepStop = settings.stepStop ?? true;
    this.accept = settings.accept ?? null;
    this.scale = settings.scale ?? 1;
    this.plain = this.stepStop && this.accept === null;
  }

  /** whether the last search found a root (status 'converged') */
  get converged(): boolean {
    return this.status === 'converged';
  }
}

/** the Newton step's end from x (NaN when f or f′ there cannot give one) */
function newtonTarget(x: number, fx: number, df: number): number {
  return Number.isFinite(fx) && Number.isFinite(df) && df !== 0 ? x - fx / df : NaN;
}

/** newton()'s result into s (a function, not a closure over the loop's variables: nothing allocated) */
function finish(
  s: NewtonSearch,
  x: number,
  fx: number,
  status: NewtonStatus,
  a: number,
  fa: number,
  b: number,
  fb: number,
): boolean {
  s.x = x;
  s.fx = fx;
  s.status = status;
  s.neg = a;
  s.fNeg = fa;
  s.pos = b;
  s.fPos = fb;
  return status === 'converged';
}

/**
 * The one safeguarded scalar Newton of the project (the shape of Numerical Recipes' rtsafe, W. H. Press et al.,
 * Numerical Recipes, 3rd ed., CUP 2007, §9.4), allocation-free: the root of f from the start x0 inside the
 * bracket between `neg` (where f < 0) and `pos` (where f > 0) — either end the larger, and either may be ±∞
 * (open on that side: an unbracketed search gives neg = −∞, pos = +∞ for an increasing f, the reverse for a
 * decreasing one). f(x, s) returns f(x) and writes f′(x) to s.df (and may write s.curvature).
 *
 * Every point evaluated narrows the bracket by its sign. A Newton step x − f/f′ from the last point is taken
 * while it lands strictly inside the bracket and, while both ends are finite, is at most half as long as the
 * step before it (rtsafe's test: a divergent or cycling Newton step is refused and the bracket narrowed
 * instead). Otherwise: with both ends finite, an Illinois step (regula falsi with the retained end's f
 * halved, Dowell & Jarratt 1971) while both ends' f are finite, bisection while one is ±∞ (f cannot be
 * evaluated there, e.g. outside a model) or f′ vanishes; with the root's side open, a step towards it twice as
 * long as the last (max(scale, |x|) at first: the caller's scale of x, 1 unless set) — the bracket grows
 * geometrically.
 * The ends are evaluated only when such a step needs them (f0, df0, fNeg, fPos: values the caller already has); an end
 * evaluated on the wrong side is reported (status 'no-sign-change'), as is a NaN ('not-finite') — never a NaN
 * returned as a root. Stops at f = 0 or the first point `accept` accepts, when the bracket is narrower than
 * xtol + rtol·max(|neg|, |pos|) (x: the end with the smaller |f|), or (stepStop) when a Newton step is at most
 * xtol + rtol·|x| or the error it leaves (curvature·step²) is at most a hundredth of that (x: the step's end).
 * Returns whether it converged; the result is in s (x, fx, status, iterations, the final bracket, last).
 * Without values known beforehand it is newtonHot's search.
 */
export function newton(
  f: NewtonFunction,
  s: NewtonSearch,
  x0: number,
  neg: number,
  pos: number,
  f0?: number,
  df0?: number,
  fNeg?: number,
  fPos?: number,
): boolean {
  if (f0 === undefined && fNeg === undefined && fPos === undefined) return newtonHot(f, s, x0, neg, pos);
  return general(f, s, x0, neg, pos, f0, df0, fNeg, fPos);
}

/**
 * newton() without values known beforehand, for a hot caller (a model's residual): its first part — plain Newton
 * steps while they behave — is small enough for the compiler to inline it, and f with it, into the caller, so a
 * warm-started search that converges in a step or two costs no call. The same search, the same result.
 */
export function newtonHot(f: NewtonFunction, s: NewtonSearch, x0: number, neg: number, pos: number): boolean {
  // plain Newton steps while they behave (strictly inside the bracket, each at most half the last once both ends
  // are finite; kept under V8's 460-byte inlining limit); the first step that needs a safeguard, a NaN or f = 0
  // hands the search over to the general loop from the point reached
  const up = neg < pos;
  if (!(s.plain && (up ? x0 > neg && x0 < pos : x0 > pos && x0 < neg))) return general(f, s, x0, neg, pos);
  let a = neg;
  let fa = NaN;
  let b = pos;
  let fb = NaN;
  let x = x0;
  let fc: number;
  let lastStep = Infinity;
  let it = 0;
  s.curvature = 0;
  for (; ; it++) {
    fc = f(x, s);
    if (fc > 0) {
      b = x;
      fb = fc;
    } else if (fc < 0) {
      a = x;
      fa = fc;
    } else break;
    const t = x - fc / s.df;
    const lo = up ? a : b;
    const hi = up ? b : a;
    // (t − t is NaN for t = ±∞ or NaN)
    if (!(t > lo && t < hi && t - t === 0)) break;
    const step = Math.abs(t - x);
    const tol = s.xtol + s.rtol * Math.abs(t);
    const curv = s.curvature;
    if (step <= tol || (curv > 0 && curv * step * step <= 0.01 * tol)) return stepped(s, t, fc, a, fa, b, fb, it, x);
    if (it >= s.maxIter || (hi - lo < Infinity && !(step <= 0.5 * lastStep))) break;
    lastStep = step;
    x = t;
  }
  // the general loop from x (evaluated: fc, s.df, s.curvature; the step that led there) in the bracket so far
  s.last = x;
  return search(f, s, x, a, b, fc, s.df, s.curvature, fa, fb, it, lastStep);
}

/** newton() without the plain loop: the start checked and evaluated (unless f0 is given), then the general loop */
function general(
  f: NewtonFunction,
  s: NewtonSearch,
  x0: number,
  neg: number,
  pos: number,
  f0?: number,
  df0?: number,
  fNeg?: number,
  fPos?: number,
): boolean {
  s.last = NaN;
  return search(f, s, x0, neg, pos, f0, df0, 0, fNeg ?? NaN, fPos ?? NaN, 0, Infinity);
}

/** newton()'s result where a Newton step from `last` (the it-th evaluation) to x met the tolerance */
function stepped(
  s: NewtonSearch,
  x: number,
  fx: number,
  a: number,
  fa: number,
  b: number,
  fb: number,
  it: number,
  last: number,
): boolean {
  s.accepted = false;
  s.iterations = it;
  s.last = last;
  return finish(s, x, fx, 'converged', a, fa, b, fb);
}

/**
 * newton()'s general loop from the start x0 (f0, df0, curv: f, f′ and the curvature there when known; fNeg, fPos:
 * f at the ends, NaN where not known; s.last: x0
 * where newton() evaluated f there, else NaN — then the start is checked and, without f0, evaluated here; `done`
 * evaluations already made, lastStep0 the step that led to x0)
 */
function search(
  f: NewtonFunction,
  s: NewtonSearch,
  x0: number,
  neg: number,
  pos: number,
  f0: number | undefined,
  df0: number | undefined,
  curv: number,
  fNeg: number,
  fPos: number,
  done: number,
  lastStep0: number,
): boolean {
  s.accepted = false;
  s.iterations = done;
  // (NaN ends or start fail the test too)
  if (!(Number.isFinite(x0) && x0 >= Math.min(neg, pos) && x0 <= Math.max(neg, pos)))
    return finish(s, x0, NaN, 'not-finite', neg, NaN, pos, NaN);
  let fc: number;
  let dfc: number;
  if (f0 !== undefined) {
    fc = f0;
    dfc = df0 ?? NaN;
  } else {
    s.curvature = 0;
    fc = f(x0, s);
    dfc = s.df;
    curv = s.curvature;
    s.last = x0;
  }
  const xtol = s.xtol;
  const rtol = s.rtol;
  const maxIter = s.maxIter;
  const accept = s.accept;
  const stepStop = s.stepStop;
  let a = neg;
  let fa = NaN;
  let b = pos;
  let fb = NaN;
  if (Number.isNaN(fc)) return finish(s, x0, fc, 'not-finite', a, fa, b, fb);
  if (fc === 0 || (accept !== null && accept(x0, fc))) {
    s.accepted = true;
    return finish(s, x0, fc, 'converged', a, fa, b, fb);
  }
  if (fc > 0) {
    if (x0 === a) return finish(s, x0, fc, 'no-sign-change', a, fa, b, fb);
    b = x0;
    fb = fc;
  } else {
    if (x0 === b) return finish(s, x0, fc, 'no-sign-change', a, fa, b, fb);
    a = x0;
    fa = fc;
  }
  // the ends' values the caller has, where the start did not replace that end
  if (!Number.isNaN(fNeg) && Number.isNaN(fa)) {
    fa = fNeg;
    if (Number.isNaN(fa)) return finish(s, a, fa, 'not-finite', a, fa, b, fb);
    if (fa === 0 || (accept !== null && accept(a, fa))) {
      s.accepted = true;
      return finish(s, a, fa, 'converged', a, fa, b, fb);
    }
    if (!(fa < 0)) return finish(s, a, fa, 'no-sign-change', a, fa, b, fb);
  }
  if (!Number.isNaN(fPos) && Number.isNaN(fb)) {
    fb = fPos;
    if (Number.isNaN(fb)) return finish(s, b, fb, 'not-finite', a, fa, b, fb);
    if (fb === 0 || (accept !== null && accept(b, fb))) {
      s.accepted = true;
      return finish(s, b, fb, 'converged', a, fa, b, fb);
    }
    if (!(fb > 0)) return finish(s, b, fb, 'no-sign-change', a, fa, b, fb);
  }
  // the Newton step pending from the last point (NaN: none), where that point is, and the step that led there
  let target = newtonTarget(x0, fc, dfc);
  let from = x0;
  let lastStep = lastStep0;
  let side = 0;
  for (let it = done + 1; it <= maxIter + 1; it++) {
    if (stepStop && Number.isFinite(target)) {
      const step = Math.abs(target - from);
      const tol = xtol + rtol * Math.abs(target);
      if (
        (step <= tol || (curv > 0 && curv * step * step <= 0.01 * tol)) &&
        target >= Math.min(a, b) &&
        target <= Math.max(a, b)
      )
        return finish(s, target, fc, 'converged', a, fa, b, fb);
    }
    if (it > maxIter) break;
    s.iterations = it;
    let c = target;
    const open = !(Number.isFinite(a) && Number.isFinite(b));
    if (!(c > Math.min(a, b) && c < Math.max(a, b)) || (!open && !(Math.abs(c - from) <= 0.5 * lastStep))) {
      if (open) {
        // the root's side is open (the last point is the finite end): grow towards it geometrically
        const towards = from === b ? a : b;
        const grow = Number.isFinite(lastStep) && lastStep > 0 ? 2 * lastStep : Math.max(s.scale, Math.abs(from));
        c = towards > from ? from + grow : from - grow;
      } else {
        // the ends not evaluated yet are needed now
        if (Number.isNaN(fa)) {
          s.curvature = 0;
          fa = f(a, s);
          s.last = a;
          if (Number.isNaN(fa)) return finish(s, a, fa, 'not-finite', a, fa, b, fb);
          if (fa === 0 || (accept !== null && accept(a, fa))) {
            s.accepted = true;
            return finish(s, a, fa, 'converged', a, fa, b, fb);
          }
          if (!(fa < 0)) return finish(s, a, fa, 'no-sign-change', a, fa, b, fb);
        }
        if (Number.isNaN(fb)) {
          s.curvature = 0;
          fb = f(b, s);
          s.last = b;
          if (Number.isNaN(fb)) return finish(s, b, fb, 'not-finite', a, fa, b, fb);
          if (fb === 0 || (accept !== null && accept(b, fb))) {
            s.accepted = true;
            return finish(s, b, fb, 'converged', a, fa, b, fb);
          }
          if (!(fb > 0)) return finish(s, b, fb, 'no-sign-change', a, fa, b, fb);
        }
        c = Number.isFinite(fa) && Number.isFinite(fb) ? b - (fb * (b - a)) / (fb - fa) : 0.5 * (a + b);
        if (!(c > Math.min(a, b) && c < Math.max(a, b))) c = 0.5 * (a + b);
      }
    }
    s.curvature = 0;
    fc = f(c, s);
    dfc = s.df;
    curv = s.curvature;
    s.last = c;
    if (Number.isNaN(fc)) return finish(s, c, fc, 'not-finite', a, fa, b, fb);
    if (fc === 0 || (accept !== null && accept(c, fc))) {
      s.accepted = true;
      return finish(s, c, fc, 'converged', a, fa, b, fb);
    }
    target = newtonTarget(c, fc, dfc);
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
    // (an open end never meets the test: rtol·∞ = ∞)
    if (Number.isFinite(b - a) && Math.abs(b - a) <= xtol + rtol * Math.max(Math.abs(a), Math.abs(b))) {
      const x = Math.abs(fa) <= Math.abs(fb) ? a : b;
      return finish(s, x, x === a ? fa : fb, 'converged', a, fa, b, fb);
    }
  }
  // the best point: the end with the smaller |f| of those evaluated
  const x = Number.isNaN(fb) || Math.abs(fa) <= Math.abs(fb) ? a : b;
  return finish(s, x, x === a ? fa : fb, 'max-iterations', a, fa, b, fb);
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

/** how growBracket ended */
export type GrowBracketStatus =
  /** f(lo) and f(hi) differ in sign (or one is 0): [lo, hi] brackets a root */
  | 'bracketed'
  /** hi would pass `limit` before f changed sign (hi: the last point evaluated) */
  | 'limit'
  /** maxSteps growths without a sign change */
  | 'max-steps'
  /** f was NaN, or lo, hi or the factor unusable (lo, hi finite, 0 < hi, factor > 1) */
  | 'not-finite';

export interface GrowBracketOptions {
  /** the factor hi grows by at each step (default 2) */
  factor?: number;
  /** the largest hi to evaluate (default +∞) */
  limit?: number;
  /** growths at most (default 60) */
  maxSteps?: number;
  /** f(lo) and f(hi) when the caller has them (else evaluated) */
  fLo?: number;
  fHi?: number;
}

export interface GrowBracketResult {
  status: GrowBracketStatus;
  /** the last point with f(lo)'s sign and the first without it (the bracket, when bracketed) */
  lo: number;
  hi: number;
  fLo: number;
  fHi: number;
  /** growths taken */
  steps: number;
}

/**
 * Grows the interval [lo, hi] of a positive quantity geometrically until f changes sign: while f(hi) has the
 * sign of f(lo), lo ← hi and hi ← factor·hi — at most maxSteps times and never past `limit`, each end
 * of the search a status (never an endless loop, never a NaN passed on as a bracket). The caller hands the
 * bracket to a bracketing root finder (brent, illinois, newton); the original lo is a valid end too.
 */
export function growBracket(
  f: (x: number) => number,
  lo: number,
  hi: number,
  opts: GrowBracketOptions = {},
): GrowBracketResult {
  const factor = opts.factor ?? 2;
  const limit = opts.limit ?? Infinity;
  const maxSteps = opts.maxSteps ?? 60;
  let steps = 0;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > 0 && factor > 1))
    return { status: 'not-finite', lo, hi, fLo: NaN, fHi: NaN, steps };
  let fLo = opts.fLo ?? f(lo);
  if (Number.isNaN(fLo)) return { status: 'not-finite', lo, hi, fLo, fHi: NaN, steps };
  let fHi = opts.fHi ?? f(hi);
  const sgn = fLo > 0 ? 1 : fLo < 0 ? -1 : 0;
  for (;;) {
    if (Number.isNaN(fHi)) return { status: 'not-finite', lo, hi, fLo, fHi, steps };
    if (!(sgn * fHi > 0)) return { status: 'bracketed', lo, hi, fLo, fHi, steps };
    if (steps >= maxSteps) return { status: 'max-steps', lo, hi, fLo, fHi, steps };
    if (hi * factor > limit) return { status: 'limit', lo, hi, fLo, fHi, steps };
    lo = hi;
    fLo = fHi;
    hi *= factor;
    steps++;
    fHi = f(hi);
  }
}

export interface FixedPointResult {
  x: number;
  iterations: number;
  /** false: maxIter iterations without |x_{n+1} − x_n| ≤ rtol·|x_n|, or g gave a non-finite value (x: the last finite) */
  converged: boolean;
}

/**
 * x = g(x) by plain (Picard) iteration from x0, for a contraction: stops at the first x_{n+1} = g(x_n) with
 * |x_{n+1} − x_n| ≤ rtol·|x_n| (returned), after maxIter iterations (default 100), or at a non-finite value.
 */
export function fixedPoint(
  g: (x: number) => number,
  x0: number,
  opts: { rtol: number; maxIter?: number },
): FixedPointResult {
  const maxIter = opts.maxIter ?? 100;
  let x = x0;
  for (let it = 1; it <= maxIter; it++) {
    const xn = g(x);
    if (!Number.isFinite(xn)) return { x, iterations: it, converged: false };
    if (Math.abs(xn - x) <= opts.rtol * Math.abs(x)) return { x: xn, iterations: it, converged: true };
    x = xn;
  }
  return { x, iterations: maxIter, converged: false };
}
