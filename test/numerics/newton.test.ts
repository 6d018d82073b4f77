/**
 * newton() and NewtonSearch (src/numerics/roots.ts), the project's one safeguarded scalar Newton, and its
 * helpers growBracket and fixedPoint: analytic roots (Newton's own cubic, Kepler's equation), quadratic
 * convergence counted digit by digit, a vanishing derivative, open brackets, no sign change and NaN reported as
 * statuses, the curvature stop; a geometric bracket search with its limits; a fixed point.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fixedPoint,
  growBracket,
  newton,
  newtonHot,
  NewtonSearch,
  type NewtonFunction,
  type NewtonStatus,
} from '../../src/numerics/index.ts';

/** the root of x³ − 2x − 5 (Newton's example, Wallis 1685): 2.0945514815423265… */
const NEWTON_ROOT = 2.0945514815423265;

test('x³ − 2x − 5 from 2, unbracketed: the root to 1e-15, its error squared at every step (digits double)', () => {
  const xs: number[] = [];
  const f: NewtonFunction = (x, s) => {
    xs.push(x);
    s.df = 3 * x * x - 2;
    return x * x * x - 2 * x - 5;
  };
  const s = new NewtonSearch({ xtol: 0, rtol: 1e-15 });
  assert.ok(newton(f, s, 2, -Infinity, Infinity), 'newton(f, s, 2, -Infinity, Infinity)');
  assert.equal(s.status, 'converged');
  assert.ok(Math.abs(s.x - NEWTON_ROOT) <= 4e-16, String(s.x));
  // e_{n+1} ≈ |f″/(2f′)|·e_n² (0.563 at the root, 0.61 over the first step): the number of correct digits doubles
  const e = xs.map((x) => Math.abs(x - NEWTON_ROOT));
  assert.ok(e.length >= 3 && e.length <= 5, `${e.length} evaluations`);
  for (let i = 0; i + 1 < e.length && e[i + 1]! > 1e-15; i++) {
    assert.ok(e[i + 1]! <= 0.65 * e[i]! * e[i]!, `step ${i}: ${e[i + 1]} vs ${e[i]}²`);
    assert.ok(-Math.log10(e[i + 1]!) >= 1.9 * -Math.log10(e[i]!), `digits ${e[i]} → ${e[i + 1]}`);
  }
});

test("Kepler's equation E − e·sin E = M: E known, M from it, E found back; e = 0.999 near perihelion needs the bracket", () => {
  const s = new NewtonSearch({ xtol: 1e-15, rtol: 1e-15, maxIter: 60 });
  let ecc = 0;
  let M = 0;
  const kepler: NewtonFunction = (E, st) => {
    st.df = 1 - ecc * Math.cos(E);
    return E - ecc * Math.sin(E) - M;
  };
  for (const [e, E] of [
    [0.1, 1],
    [0.5, 2.5],
    [0.9, 0.3],
    [0.99, 0.05],
    [0.99, 3],
  ] as const) {
    ecc = e;
    M = E - e * Math.sin(E);
    // f(0) = −M < 0, f(π) = π − M > 0; start at M (the usual first guess)
    assert.ok(newton(kepler, s, M, 0, Math.PI), `e ${e}, E ${E}: ${s.status}`);
    assert.ok(Math.abs(s.x - E) <= 1e-12, `e ${e}: ${s.x} vs ${E}`);
  }
  // the textbook case (Meeus, Astronomical Algorithms, 2nd ed., ex. 30.a): e = 0.100, M = 5° → E = 5.554589°
  ecc = 0.1;
  M = (5 * Math.PI) / 180;
  assert.ok(newton(kepler, s, M, 0, Math.PI), 'newton(kepler, s, M, 0, Math.PI)');
  assert.ok(Math.abs((s.x * 180) / Math.PI - 5.554589) < 5e-7, String((s.x * 180) / Math.PI));
  // plain Newton from E₀ = M at e = 0.999, E = 1 jumps past π (to ≈ 11.8): the bracket keeps it inside
  ecc = 0.999;
  M = 1 - 0.999 * Math.sin(1);
  const plain = M - (M - ecc * Math.sin(M) - M) / (1 - ecc * Math.cos(M));
  assert.ok(plain > Math.PI, `plain Newton's first step ${plain} leaves [0, π]`);
  assert.ok(newton(kepler, s, M, 0, Math.PI), 'newton(kepler, s, M, 0, Math.PI)');
  assert.ok(Math.abs(s.x - 1) <= 1e-12 && s.iterations < 40, `${s.x} after ${s.iterations}`);
});

test('a derivative that vanishes: bracketed, the fallback steps converge; open, the bracket grows towards the root', () => {
  const cube: NewtonFunction = (x, s) => {
    s.df = 3 * x * x;
    return x * x * x - 8;
  };
  const s = new NewtonSearch({ xtol: 1e-14 });
  // f′(0) = 0 at the start: no Newton step from there
  assert.ok(newton(cube, s, 0, -1, 3), 'newton(cube, s, 0, -1, 3)');
  assert.ok(Math.abs(s.x - 2) <= 1e-13, String(s.x));
  assert.ok(newton(cube, s, 0, -Infinity, Infinity), 'newton(cube, s, 0, -Infinity, Infinity)');
  assert.ok(Math.abs(s.x - 2) <= 1e-13, String(s.x));
  // f′ = 0 everywhere it is asked for (a caller without a derivative): bracketed steps alone still converge
  const blind: NewtonFunction = (x, st) => {
    st.df = 0;
    return Math.tanh(x - 0.3);
  };
  assert.ok(newton(blind, s, -2, -2, 5), 'newton(blind, s, -2, -2, 5)');
  assert.ok(Math.abs(s.x - 0.3) <= 1e-13 && s.iterations < 60, `${s.x} after ${s.iterations}`);
  // far from the root on an open side, with f′ = 0: the steps double (1, 2, 4, …) until the sign changes
  const seen: number[] = [];
  const far: NewtonFunction = (x, st) => {
    seen.push(x);
    st.df = 0;
    return x - 100;
  };
  assert.ok(newton(far, s, 0, -Infinity, Infinity), 'newton(far, s, 0, -Infinity, Infinity)');
  assert.deepEqual(seen.slice(0, 8), [0, 1, 3, 7, 15, 31, 63, 127]);
  assert.ok(Math.abs(s.x - 100) <= 1e-12, String(s.x));
});

test('scale: the first step towards an open side is max(scale, |x|); a root at 1e-3 or 1e3 is reached on its own scale', () => {
  // a model defined only up to 1e-2 (NaN beyond: e.g. a pack of mA currents) with its root at 1.5e-3 and no
  // derivative: the default first step (1) lands outside it; a scale of 1e-3 steps 1e-3, then 2e-3 further
  const seen: number[] = [];
  const small: NewtonFunction = (x, st) => {
    seen.push(x);
    st.df = 0;
    return x <= 1e-2 ? x - 1.5e-3 : NaN;
  };
  const plain = new NewtonSearch({ xtol: 1e-15 });
  assert.equal(newton(small, plain, 0, -Infinity, Infinity), false);
  assert.equal(plain.status, 'not-finite');
  assert.equal(plain.x, 1);
  seen.length = 0;
  const milli = new NewtonSearch({ xtol: 1e-15, scale: 1e-3 });
  assert.ok(newton(small, milli, 0, -Infinity, Infinity), 'newton(small, milli, 0, -Infinity, Infinity)');
  assert.deepEqual(seen.slice(0, 3), [0, 1e-3, 3e-3]);
  assert.ok(Math.abs(milli.x - 1.5e-3) <= 1e-15, String(milli.x));
  // a root at 1.5e3 of a decreasing f (unbracketed: neg = +∞, pos = −∞): the steps 1e3, then 2e3 further
  // — two steps to a bracket instead of the default's eleven (1, 2, 4, … 1024)
  const big: NewtonFunction = (x, st) => {
    seen.push(x);
    st.df = 0;
    return 1.5e3 - x;
  };
  seen.length = 0;
  assert.ok(newton(big, plain, 0, Infinity, -Infinity), 'newton(big, plain, 0, Infinity, -Infinity)');
  assert.ok(Math.abs(plain.x - 1.5e3) <= 1e-9, String(plain.x));
  const byDefault = seen.length;
  seen.length = 0;
  const kilo = new NewtonSearch({ xtol: 1e-9, scale: 1e3 });
  assert.ok(newton(big, kilo, 0, Infinity, -Infinity), 'newton(big, kilo, 0, Infinity, -Infinity)');
  assert.deepEqual(seen.slice(0, 3), [0, 1e3, 3e3]);
  assert.ok(Math.abs(kilo.x - 1.5e3) <= 1e-9, String(kilo.x));
  assert.ok(seen.length + 9 <= byDefault, `${seen.length} evaluations vs ${byDefault} at the default scale`);
});

test('no sign change and NaN are statuses, never a root: the point and its f are reported', () => {
  const s = new NewtonSearch();
  const pos: NewtonFunction = (x, st) => {
    st.df = NaN;
    return x * x + 1;
  };
  // f > 0 at the start (now the pos end); the neg end, evaluated when a step needs it, is positive too
  assert.equal(newton(pos, s, 2, -1, 2), false);
  assert.deepEqual(outcome(s), { status: 'no-sign-change', x: -1, fx: 2 });
  assert.equal(s.converged, false);
  // a start at the neg end where f > 0
  assert.equal(newton(pos, s, -1, -1, 2), false);
  assert.deepEqual(outcome(s), { status: 'no-sign-change', x: -1, fx: 2 });
  // f(neg) given and positive
  const lin: NewtonFunction = (x, st) => {
    st.df = 1;
    return x;
  };
  assert.equal(newton(lin, s, 1, -2, 1, undefined, undefined, 0.5), false);
  assert.deepEqual(outcome(s), { status: 'no-sign-change', x: -2, fx: 0.5 });
  // NaN from f: the point where it came
  const hole: NewtonFunction = (x, st) => {
    st.df = 1;
    return x > 0.5 ? NaN : x - 1;
  };
  assert.equal(newton(hole, s, 0, -Infinity, Infinity), false);
  assert.deepEqual(outcome(s), { status: 'not-finite', x: 1, fx: NaN });
  // a start outside the bracket or NaN
  assert.equal(newton(lin, s, 3, -1, 1), false);
  assert.equal(outcome(s).status, 'not-finite');
  assert.equal(newton(lin, s, NaN, -1, 1), false);
  assert.equal(outcome(s).status, 'not-finite');
  // too few iterations: the best point so far, status max-iterations
  const slow = new NewtonSearch({ maxIter: 2, xtol: 1e-15 });
  assert.equal(newton(blindExp, slow, 0, 0, 5), false);
  assert.ok(slow.status === 'max-iterations' && slow.iterations === 2 && Number.isFinite(slow.x), slow.status);
});

/** a search's outcome, read afresh */
function outcome(s: NewtonSearch): { status: NewtonStatus; x: number; fx: number } {
  return { status: s.status, x: s.x, fx: s.fx };
}

/** eˣ − 3 with no derivative given: only bracketed steps */
const blindExp: NewtonFunction = (x, st) => {
  st.df = NaN;
  return Math.exp(x) - 3;
};

test('the curvature stop saves the last evaluation without losing accuracy; stepStop false ends on a point evaluated', () => {
  let calls = 0;
  const withCurv: NewtonFunction = (x, s) => {
    calls++;
    s.df = Math.exp(x);
    s.curvature = 0.5; // |f″/(2f′)| of eˣ − 2
    return Math.exp(x) - 2;
  };
  const without: NewtonFunction = (x, s) => {
    calls++;
    s.df = Math.exp(x);
    return Math.exp(x) - 2;
  };
  const s = new NewtonSearch({ xtol: 1e-14, rtol: 1e-14 });
  calls = 0;
  assert.ok(newton(withCurv, s, 0, -Infinity, Infinity), 'newton(withCurv, s, 0, -Infinity, Infinity)');
  const nCurv = calls;
  assert.ok(Math.abs(s.x - Math.LN2) <= 2e-16, String(s.x));
  // the step's end is not evaluated: last is the point before it
  assert.notEqual(s.last, s.x);
  calls = 0;
  assert.ok(newton(without, s, 0, -Infinity, Infinity), 'newton(without, s, 0, -Infinity, Infinity)');
  assert.ok(Math.abs(s.x - Math.LN2) <= 2e-16, String(s.x));
  assert.equal(nCurv, calls - 1, `${nCurv} with the curvature vs ${calls} without`);
  const e = new NewtonSearch({ xtol: 1e-14, stepStop: false });
  assert.ok(newton(without, e, 0, -1, 3), 'newton(without, e, 0, -1, 3)');
  assert.ok(Math.abs(e.x - Math.LN2) <= 1e-14, 'Math.abs(e.x - Math.LN2) <= 1e-14');
  assert.ok(e.fx === Math.exp(e.x) - 2, 'x is a point evaluated, fx its f');
});

test('growBracket: a positive quantity doubled until the sign changes; the limit and the step count are statuses', () => {
  const evaluated: number[] = [];
  const f = (x: number): number => (evaluated.push(x), 1000 - x);
  const r = growBracket(f, 0, 1);
  assert.deepEqual(
    { status: r.status, lo: r.lo, hi: r.hi, steps: r.steps },
    { status: 'bracketed', lo: 512, hi: 1024, steps: 10 },
  );
  assert.ok(r.fLo > 0 && r.fHi < 0, 'r.fLo > 0 && r.fHi < 0');
  assert.equal(evaluated.length, 12, 'f(lo), then f at 1, 2, …, 1024');
  // known end values are not evaluated again
  evaluated.length = 0;
  growBracket(f, 0, 1, { fLo: 1000, fHi: 999 });
  assert.equal(evaluated[0], 2);
  // a function that never changes sign: stopped by the limit, or by the step count, never looping
  const never = (x: number): number => x + 1;
  const lim = growBracket(never, 0, 1, { limit: 1e6 });
  assert.ok(lim.status === 'limit' && lim.hi === 2 ** 19 && lim.hi * 2 > 1e6, `${lim.status} ${lim.hi}`);
  const steps = growBracket(never, 0, 1, { maxSteps: 5 });
  assert.ok(
    steps.status === 'max-steps' && steps.hi === 32 && steps.steps === 5,
    "steps.status === 'max-steps' && steps.hi === 32 && steps.steps === 5",
  );
  assert.equal(growBracket(() => NaN, 0, 1).status, 'not-finite');
  assert.equal(growBracket(never, 0, 0).status, 'not-finite', 'hi must be > 0 to grow');
  assert.equal(growBracket(never, 0, 1, { factor: 1 }).status, 'not-finite', 'a factor ≤ 1 does not grow');
});

test('fixedPoint: cos x = x (the Dottie number) by Picard iteration; a divergent map is reported', () => {
  const r = fixedPoint(Math.cos, 1, { rtol: 1e-15, maxIter: 200 });
  assert.ok(r.converged && Math.abs(r.x - 0.7390851332151607) < 1e-15, String(r.x));
  // |cos′| ≈ 0.67 at the fixed point: linear convergence, ≈ 90 iterations for 15 digits
  assert.ok(r.iterations > 50 && r.iterations < 120, String(r.iterations));
  const d = fixedPoint((x) => 2 * x + 1, 1, { rtol: 1e-12, maxIter: 2000 });
  assert.ok(!d.converged && Number.isFinite(d.x), JSON.stringify(d));
  const capped = fixedPoint(Math.cos, 1, { rtol: 1e-15, maxIter: 5 });
  assert.ok(!capped.converged && capped.iterations === 5, '!capped.converged && capped.iterations === 5');
});

test('newtonHot (the inlinable plain loop, then the general one) evaluates the same points as the general loop alone', () => {
  const run = (hot: boolean, f: NewtonFunction, x0: number, neg: number, pos: number): string => {
    const seen: number[] = [];
    const s = new NewtonSearch({ xtol: 1e-14, rtol: 1e-14 });
    const g: NewtonFunction = (x, st) => (seen.push(x), f(x, st));
    if (hot) newtonHot(g, s, x0, neg, pos);
    else {
      // f and f′ at the start given: newton() goes straight to the general loop
      const f0 = g(x0, s);
      newton(g, s, x0, neg, pos, f0, s.df);
    }
    return JSON.stringify({ seen, x: s.x, fx: s.fx, status: s.status, it: s.iterations, neg: s.neg, pos: s.pos });
  };
  const cubic: NewtonFunction = (x, s) => {
    s.df = 3 * x * x - 2;
    return x * x * x - 2 * x - 5;
  };
  const atan: NewtonFunction = (x, s) => {
    s.df = 1 / (1 + x * x);
    return Math.atan(x);
  };
  const triple: NewtonFunction = (x, s) => {
    s.df = 3 * (x - 1) ** 2;
    return (x - 1) ** 3;
  };
  for (const [f, x0, neg, pos] of [
    [cubic, 2, -Infinity, Infinity],
    [cubic, 3, 0, 4],
    [atan, 1.5, -3, 2], // plain Newton from 1.5 overshoots to −1.69, then diverges: the bracket takes over
    [atan, 0.2, -Infinity, Infinity],
    [atan, -1.5, -2, 1.6], // the first step (to 1.69) leaves the bracket at once
    [triple, 2.5, 0, 3], // a triple root: Newton's steps shrink by 2/3 only, so rtsafe's halving test refuses them
  ] as const) {
    const hot = run(true, f, x0, neg, pos);
    assert.equal(hot, run(false, f, x0, neg, pos));
    assert.match(hot, /"status":"converged"/);
  }
});

test('NewtonSearch refuses settings it could not honour, naming the setting, the value and what is allowed', () => {
  assert.throws(() => new NewtonSearch({ scale: 0 }), /NewtonSearch: scale must be finite and > 0 \(got 0\)/);
  assert.throws(() => new NewtonSearch({ scale: -1e-3 }), /scale must be finite and > 0 \(got -0\.001\)/);
  assert.throws(() => new NewtonSearch({ xtol: -1 }), /xtol must be finite and ≥ 0 \(got -1\)/);
  assert.throws(() => new NewtonSearch({ rtol: NaN }), /rtol must be finite and ≥ 0 \(got NaN\)/);
  assert.throws(() => new NewtonSearch({ maxIter: 0 }), /maxIter must be an integer ≥ 1 \(got 0\)/);
  assert.doesNotThrow(() => new NewtonSearch({ xtol: 0, rtol: 0, maxIter: 1, scale: 1e-3 }));
});
