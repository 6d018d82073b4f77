/**
 * newton()'s safeguards (src/numerics/roots.ts): Newton kept inside a shrinking bracket with Illinois and
 * bisection fallbacks and the caller's acceptance test as a stop predicate — analytic roots, cases where
 * plain Newton diverges or cycles, ends that cannot be evaluated (±∞), a lazily evaluated end. Run as the
 * battery pack's derating runs it: from the pos end with its f (and f′) given, stopping only on a point
 * evaluated (stepStop false). These were safeguardedNewton's tests, the object-per-point adapter it replaced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newton, NewtonSearch, type NewtonStatus } from '../../src/numerics/index.ts';

/** f and its derivative at a point */
interface NewtonPoint {
  f: number;
  df: number;
}

/** newton() from `pos` inside [neg, pos] (f, f′ there given when known; f(neg) when known), its outcome */
function safeguarded(
  fdf: (x: number) => NewtonPoint,
  neg: { x: number; f?: number },
  pos: { x: number; f?: number; df?: number },
  opts: { xtol?: number; rtol?: number; accept?: (x: number, f: number) => boolean } = {},
): {
  x: number;
  fx: number;
  status: NewtonStatus;
  converged: boolean;
  accepted: boolean;
  bracket: boolean;
  neg: number;
  fNeg: number;
  pos: number;
  last: number;
} {
  const s = new NewtonSearch({ ...opts, maxIter: 200, stepStop: false });
  const f = (x: number, st: NewtonSearch): number => {
    const p = fdf(x);
    st.df = p.df;
    return p.f;
  };
  newton(f, s, pos.x, neg.x, pos.x, pos.f, pos.f === undefined ? undefined : pos.df, neg.f);
  return {
    x: s.x,
    fx: s.fx,
    status: s.status,
    converged: s.converged,
    accepted: s.accepted,
    bracket: s.status !== 'no-sign-change',
    neg: s.neg,
    fNeg: s.fNeg,
    pos: s.pos,
    last: s.last,
  };
}

/** plain Newton from x0, n steps (what the safeguard protects against) */
function plainNewton(fdf: (x: number) => NewtonPoint, x0: number, n: number): number {
  let x = x0;
  for (let i = 0; i < n; i++) {
    const p = fdf(x);
    x -= p.f / p.df;
  }
  return x;
}

test('analytic roots: ∛2, cos x = x, ln 3, to 1e-12, quadratically (few evaluations)', () => {
  let calls = 0;
  const cube = (x: number): NewtonPoint => (calls++, { f: x * x * x - 2, df: 3 * x * x });
  const r1 = safeguarded(cube, { x: 0 }, { x: 2 }, { xtol: 1e-14 });
  assert.ok(r1.converged, 'r1.converged');
  assert.ok(Math.abs(r1.x - Math.cbrt(2)) < 1e-12, String(r1.x));
  assert.ok(calls <= 12, `calls ${calls}`);
  // f(neg) given: a decreasing function, neg above pos
  const r2 = safeguarded(
    (x) => ({ f: x - Math.cos(x), df: 1 + Math.sin(x) }),
    { x: 0, f: -1 },
    { x: 1, f: 1 - Math.cos(1), df: 1 + Math.sin(1) },
    { xtol: 1e-14 },
  );
  assert.ok(Math.abs(r2.x - 0.7390851332151607) < 1e-12, String(r2.x));
  const r3 = safeguarded((x) => ({ f: 3 - Math.exp(x), df: -Math.exp(x) }), { x: 5 }, { x: 0 }, { xtol: 1e-14 });
  assert.ok(Math.abs(r3.x - Math.log(3)) < 1e-12, String(r3.x));
  assert.ok(r3.neg > r3.pos, 'the bracket keeps its sides: f(neg) < 0 < f(pos), neg the larger here');
});

test('where plain Newton diverges (atan) or cycles (x³ − 2x + 2) the safeguarded one converges', () => {
  const atan = (x: number): NewtonPoint => ({ f: Math.atan(x), df: 1 / (1 + x * x) });
  // plain Newton from 2 runs away (|x| grows without bound)
  assert.ok(!(Math.abs(plainNewton(atan, 2, 8)) < 1e3), 'plain Newton on atan from 2 diverges');
  const r = safeguarded(atan, { x: -3 }, { x: 2, f: Math.atan(2), df: 1 / 5 }, { xtol: 1e-14 });
  assert.ok(r.converged && Math.abs(r.x) < 1e-12, String(r.x));
  // x³ − 2x + 2: plain Newton from 0 cycles 0 → 1 → 0 → …
  const cyc = (x: number): NewtonPoint => ({ f: x * x * x - 2 * x + 2, df: 3 * x * x - 2 });
  assert.equal(plainNewton(cyc, 0, 10), 0, 'plain Newton from 0 cycles back to 0');
  const root = -1.7692923542386314; // the real root (Cardano)
  const c = safeguarded(cyc, { x: -3 }, { x: 0, f: 2, df: -2 }, { xtol: 1e-14 });
  assert.ok(c.converged && Math.abs(c.x - root) < 1e-12, String(c.x));
});

test('an end where f cannot be evaluated (+∞) is bisected towards; a steep one-sided function converges', () => {
  // f = +∞ past 1 (outside a model), root of x − 0.9 inside
  const f = (x: number): NewtonPoint => (x >= 1 ? { f: Infinity, df: NaN } : { f: x - 0.9, df: 1 });
  const r = safeguarded(f, { x: 0 }, { x: 3, f: Infinity }, { xtol: 1e-13 });
  assert.ok(r.converged && Math.abs(r.x - 0.9) < 1e-12, String(r.x));
  // the steep end of a cell's voltage: f = 1e4·(x − 0.5)^9 + (x − 0.5) − 1e-3
  let calls = 0;
  const steep = (x: number): NewtonPoint => {
    calls++;
    const u = x - 0.5;
    return { f: 1e4 * u ** 9 + u - 1e-3, df: 9e4 * u ** 8 + 1 };
  };
  const s = safeguarded(steep, { x: 0 }, { x: 2, ...steep(2) }, { xtol: 1e-14 });
  assert.ok(s.converged && Math.abs(steep(s.x).f) < 1e-12, `${s.x}`);
  assert.ok(calls < 60, `calls ${calls}`);
});

test('the caller’s acceptance test stops the search at the first point it accepts; the bracket shrinks', () => {
  const seen: number[] = [];
  const f = (x: number): NewtonPoint => (seen.push(x), { f: x * x - 2, df: 2 * x });
  const band = (x: number, fx: number): boolean => fx <= 0 && fx > -1e-3;
  const r = safeguarded(f, { x: 0, f: -2 }, { x: 2, f: 2, df: 4 }, { accept: band });
  assert.ok(r.accepted && band(r.x, r.fx), JSON.stringify(r));
  assert.equal(r.last, seen[seen.length - 1], 'last: where f was evaluated last');
  assert.equal(r.x, r.last);
  assert.ok(r.neg <= r.x && r.x <= r.pos, 'x inside the final bracket');
  // without it the same search goes on to the root
  const exact = safeguarded(f, { x: 0, f: -2 }, { x: 2, f: 2, df: 4 }, { xtol: 1e-15 });
  assert.ok(
    Math.abs(exact.x - Math.SQRT2) < 1e-14 && !exact.accepted,
    'Math.abs(exact.x - Math.SQRT2) < 1e-14 && !exact.accepted',
  );
});

test('a lazily evaluated end is evaluated only when a step needs it; no sign change is reported, not thrown', () => {
  let calls = 0;
  const f = (x: number): NewtonPoint => (calls++, { f: x - 1, df: 1 });
  // Newton from pos lands on the root at once: neg (x = −5) never evaluated
  const r = safeguarded(f, { x: -5 }, { x: 3, f: 2, df: 1 });
  assert.ok(r.accepted && r.x === 1 && calls === 1, `${r.x}, ${calls} calls`);
  assert.ok(Number.isNaN(r.fNeg), 'neg was not evaluated');
  // a neg end that turns out positive: bracket false, x is that end
  const g = (x: number): NewtonPoint => ({ f: x * x + 1, df: NaN });
  const n = safeguarded(g, { x: 0 }, { x: 2, f: 5, df: NaN });
  assert.ok(!n.bracket && !n.converged && n.x === 0 && n.fx === 1, JSON.stringify(n));
});

test('bad input: non-finite ends, f(pos) ≤ 0 and NaN values are statuses that say so, never a root', () => {
  const f = (x: number): NewtonPoint => ({ f: x, df: 1 });
  const nanEnd = safeguarded(f, { x: NaN }, { x: 1 });
  assert.ok(nanEnd.status === 'not-finite' && !nanEnd.converged, nanEnd.status);
  // f(pos) < 0: the start is on the wrong side, reported at pos with its f
  const wrong = safeguarded(f, { x: 1 }, { x: -1 });
  assert.ok(wrong.status === 'no-sign-change' && wrong.x === -1 && wrong.fx === -1, JSON.stringify(wrong));
  const nan = safeguarded(() => ({ f: NaN, df: 1 }), { x: 0 }, { x: 1 });
  assert.ok(nan.status === 'not-finite' && nan.x === 1 && !nan.converged, JSON.stringify(nan));
});
