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
  assert.ok(newton(f, s, 2, -Infinity, Infinity));
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
  assert.ok(newton(kepler, s, M, 0, Math.PI));
  assert.ok(Math.abs((s.x * 180) / Math.PI - 5.554589) < 5e-7, String((s.x * 180) / Math.PI));
  // plain Newton from E₀ = M at e = 0.999, E = 1 jumps past π (to ≈ 11.8): the bracket keeps it inside
  ecc = 0.999;
  M = 1 - 0.999 * Math.sin(1);
  const plain = M - (M - ecc * Math.sin(M) - M) / (1 - ecc * Math.cos(M));
  assert.ok(plain > Math.PI, `plain Newton's first step ${plain} leaves [0, π]`);
  assert.ok(newton(kepler, s, M, 0, Math.PI));
  assert.ok(Math.abs(s.x - 1) <= 1e-12 && s.iterations < 40, `${s.x} after ${s.iterations}`);
});

test('a derivative that vanishes: bracketed, the fallback steps converge; open, the bracket grows towards the root', () => {
  const cube: NewtonFunction = (x, s) => {
    s.df = 3 * x * x;
    return x * x * x - 8;
  };
  const s = new NewtonSearch({ xtol: 1e-14 });
  // f′(0) = 0 at the start: no Newton step from there
  assert.ok(newton(cube, s, 0, -1, 3));
  assert.ok(Math.abs(s.x - 2) <= 1e-13, String(s.x));
  assert.ok(newton(cube, s, 0, -Infinity, Infinity));
  assert.ok(Math.abs(s.x - 2) <= 1e-13, String(s.x));
  // f′ = 0 everywhere it is asked for (a caller without a derivative): bracketed steps alone still converge
  const blind: NewtonFunction = (x, st) => {
    st.df = 0;
    return Math.tanh(x - 0.3);
  };
  assert.ok(newton(blind, s, -2, -2, 5));
  assert.ok(Math.abs(s.x - 0.3) <= 1e-13 && s.iterations < 60, `${s.x} after ${s.iterations}`);
  // far from the root on an open side, with f′ = 0: the steps double (1, 2, 4, …) until the sign changes
  const seen: number[] = [];
  const far: NewtonFunction = (x, st) => {
    seen.push(x);
    st.df = 0;
    return x - 100;
  };
  assert.ok(newton(far, s, 0, -Infinity, Infinity));
  assert.deepEqual(seen.slice(0, 8), [0, 1, 3, 7, 15, 31, 63, 127]);
  assert.ok(Math.abs(s.x - 100) <= 1e-12, String(s.x));
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
  assert.ok(newton(withCurv, s, 0, -Infinity, Infinity));
  const nCurv = calls;
  assert.ok(Math.abs(s.x - Math.LN2) <= 2e-16, String(s.x));
  // the step's end is not evaluated: last is the point before it
  assert.notEqual(s.last, s.x);
  calls = 0;
  assert.ok(newton(without, s, 0, -Infinity, Infinity));
  assert.ok(Math.abs(s.x - Math.LN2) <= 2e-16, String(s.x));
  assert.equal(nCurv, calls - 1, `${nCurv} with the curvature vs ${calls} without`);
  const e = new NewtonSearch({ xtol: 1e-14, stepStop: false });
  assert.ok(newton(without, e, 0, -1, 3));
  assert.ok(Math.abs(e.x - Math.LN2) <= 1e-14);
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
  assert.ok(r.fLo > 0 && r.fHi < 0);
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
  assert.ok(steps.status === 'max-steps' && steps.hi === 32 && steps.steps === 5);
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
  assert.ok(!capped.converged && capped.iterations === 5);
});
