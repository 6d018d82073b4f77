/**
 * newtonIteration (src/numerics/newton-system.ts): Newton's loop over a problem that linearises and solves
 * itself — a 2×2 system with a closed-form root, the error-left estimate from the contraction, damping where
 * plain Newton diverges (arctan), a stall where Newton's updates grow (the cube root), the predictor, and the
 * ways an iteration ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newtonIteration, type NewtonProblem } from '../../src/numerics/index.ts';

/** scalar Newton on f as a NewtonProblem; counts setups and solves, records each update and `left` */
function scalar(f: (x: number) => number, df: (x: number) => number, x0: number, tol: number) {
  const s = {
    x: x0,
    prev: x0,
    step: 0,
    fx: NaN,
    dfx: NaN,
    setups: 0,
    solves: 0,
    lefts: [] as number[],
    updates: [] as number[],
  };
  const p: NewtonProblem = {
    setup: () => {
      s.setups++;
      s.fx = f(s.x);
      s.dfx = df(s.x);
      return Number.isFinite(s.fx);
    },
    solve: () => {
      s.solves++;
      s.prev = s.x;
      s.step = -s.fx / s.dfx;
      s.x += s.step;
      s.updates.push(Math.abs(s.step));
      return Math.abs(s.step);
    },
    converged: (d, left) => {
      s.lefts.push(left);
      return d * left <= tol;
    },
    residual: () => Math.abs(s.fx),
    backtrack: (lambda) => {
      s.x = s.prev + lambda * s.step;
    },
  };
  return { s, p };
}

test('a 2×2 system: x² + y² = 4, x·y = 1 to its closed-form root, the error left estimated from the contraction', () => {
  // root with x > y > 0: x² = 2 + √3, y² = 2 − √3
  const X = Math.sqrt(2 + Math.sqrt(3));
  const Y = Math.sqrt(2 - Math.sqrt(3));
  const z = [2, 0.3];
  const J = [0, 0, 0, 0];
  const F = [0, 0];
  let solves = 0;
  const lefts: number[] = [];
  const r = newtonIteration(
    {
      setup: () => {
        const [x, y] = z as [number, number];
        F[0] = x * x + y * y - 4;
        F[1] = x * y - 1;
        J[0] = 2 * x;
        J[1] = 2 * y;
        J[2] = y;
        J[3] = x;
        return true;
      },
      solve: () => {
        solves++;
        const det = J[0]! * J[3]! - J[1]! * J[2]!;
        const dx = -(J[3]! * F[0]! - J[1]! * F[1]!) / det;
        const dy = -(-J[2]! * F[0]! + J[0]! * F[1]!) / det;
        z[0]! += dx;
        z[1]! += dy;
        return Math.max(Math.abs(dx), Math.abs(dy));
      },
      converged: (d, left) => (lefts.push(left), d * left <= 1e-13),
    },
    { maxIter: 50 },
  );
  assert.equal(r, 'converged');
  assert.ok(Math.abs(z[0]! - X) <= 1e-13 && Math.abs(z[1]! - Y) <= 1e-13, `${z} vs ${X}, ${Y}`);
  // quadratic convergence: ≤ 7 updates from this start, the estimate's factor falling to ≈ 0 (ρ → 0)
  assert.ok(solves <= 7, `solves ${solves}`);
  assert.equal(lefts[0], 1); // no rate from a single update
  assert.ok(lefts.at(-1)! < 1e-3, `left ${lefts.at(-1)}`);
});

test('damping: Newton on arctan from x = 2 diverges; halving the updates whose residual grew converges to 0', () => {
  const plain = scalar(Math.atan, (x) => 1 / (1 + x * x), 2, 1e-14);
  const r0 = newtonIteration(plain.p, { maxIter: 8 });
  assert.equal(r0, 'max-iterations');
  assert.ok(Math.abs(plain.s.x) > 1e3, `plain Newton at ${plain.s.x}`);
  assert.equal(plain.s.solves, 8);
  const damped = scalar(Math.atan, (x) => 1 / (1 + x * x), 2, 1e-14);
  const r1 = newtonIteration(damped.p, { maxIter: 60, minLambda: 1 / 1024 });
  assert.equal(r1, 'converged');
  assert.ok(Math.abs(damped.s.x) <= 1e-14, `damped at ${damped.s.x}`);
  // the damped steps were linearised but not solved from
  assert.ok(damped.s.setups > damped.s.solves, `${damped.s.setups} setups, ${damped.s.solves} solves`);
});

test('a stall: Newton on the cube root moves −2x each update (ρ = 2): stopped at the third update', () => {
  const c = scalar(Math.cbrt, (x) => 1 / (3 * Math.cbrt(x) ** 2), 1, 1e-12);
  const r = newtonIteration(c.p, { maxIter: 50, stallRate: 0.9 });
  assert.equal(r, 'stalled');
  assert.equal(c.s.solves, 3);
  [3, 6, 12].forEach((u, i) => assert.ok(Math.abs(c.s.updates[i]! - u) <= 1e-12 * u, `${c.s.updates}`));
});

test('the predictor, a refusal to proceed, and failures end the iteration as they say', () => {
  // predicted: the first update from the linearisation in place — one solve more than setups
  const q = scalar(
    (x) => x * x - 2,
    (x) => 2 * x,
    1,
    1e-14,
  );
  q.p.setup(); // the linearisation the predictor uses
  q.s.setups = 0;
  assert.equal(newtonIteration(q.p, { maxIter: 20, predicted: true }), 'converged');
  assert.equal(q.s.solves, q.s.setups + 1);
  assert.ok(Math.abs(q.s.x - Math.SQRT2) <= 1e-14, 'Math.abs(q.s.x - Math.SQRT2) <= 1e-14');
  // proceed false after the first update that has not converged
  const s = scalar(
    (x) => x * x - 2,
    (x) => 2 * x,
    1,
    1e-14,
  );
  assert.equal(newtonIteration({ ...s.p, proceed: () => false }, { maxIter: 20 }), 'stopped');
  assert.equal(s.s.solves, 1);
  // a setup that cannot be done, and an update that cannot be taken
  const f = scalar(
    (x) => (x > 1.2 ? NaN : x * x - 2),
    (x) => 2 * x,
    1,
    1e-14,
  );
  assert.equal(newtonIteration(f.p, { maxIter: 20 }), 'failed');
  assert.equal(f.s.solves, 1);
  assert.equal(newtonIteration({ ...q.p, solve: () => NaN }, { maxIter: 20 }), 'failed');
});
