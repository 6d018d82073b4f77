/**
 * Standard stiff test problems with their reference values, shared by test/numerics/bdf.test.ts and
 * bench/numerics.bench-part.ts (the bench checks its answers against the same references).
 */
import type { DaeProblem } from '../../src/numerics/index.ts';

/** Robertson's chemical kinetics (stiff ODE), analytic Jacobian. */
export const robertson: DaeProblem = {
  n: 3,
  f(_t, y, o) {
    o[0] = -0.04 * y[0]! + 1e4 * y[1]! * y[2]!;
    o[1] = 0.04 * y[0]! - 1e4 * y[1]! * y[2]! - 3e7 * y[1]! * y[1]!;
    o[2] = 3e7 * y[1]! * y[1]!;
  },
  jacobian(_t, y, s) {
    s.add(0, 0, -0.04);
    s.add(0, 1, 1e4 * y[2]!);
    s.add(0, 2, 1e4 * y[1]!);
    s.add(1, 0, 0.04);
    s.add(1, 1, -1e4 * y[2]! - 6e7 * y[1]!);
    s.add(1, 2, -1e4 * y[1]!);
    s.add(2, 1, 6e7 * y[1]!);
  },
};

/** Robertson as an index-1 DAE: y3 algebraic from y1 + y2 + y3 = 1 (finite-difference Jacobian). */
export const robertsonDae: DaeProblem = {
  n: 3,
  massDiag: Float64Array.from([1, 1, 0]),
  f(_t, y, o) {
    o[0] = -0.04 * y[0]! + 1e4 * y[1]! * y[2]!;
    o[1] = 0.04 * y[0]! - 1e4 * y[1]! * y[2]! - 3e7 * y[1]! * y[1]!;
    o[2] = y[0]! + y[1]! + y[2]! - 1;
  },
};

// Reference: E. Hairer & G. Wanner, Solving ODEs II, 2nd ed., Springer 1996, §IV.10 (Robertson);
// values at t = 40 as quoted in the issue; at t = 4e10 y1 = 5.2083e-8, y2 = 2.0833e-13 (ibid. and
// SciPy LSODA at rtol 1e-12).
export const ROB40 = [0.7158270687, 9.185534764e-6, 0.2841637457] as const;
export const ROB4E10 = [5.2083e-8, 2.0833e-13, 0.99999994792] as const;

/** Van der Pol oscillator y'' − μ(1 − y²)y' + y = 0 as a first-order system, analytic Jacobian. */
export function vanDerPol(mu: number): DaeProblem {
  return {
    n: 2,
    f(_t, y, o) {
      o[0] = y[1]!;
      o[1] = mu * (1 - y[0]! * y[0]!) * y[1]! - y[0]!;
    },
    jacobian(_t, y, s) {
      s.add(0, 1, 1);
      s.add(1, 0, -2 * mu * y[0]! * y[1]! - 1);
      s.add(1, 1, mu * (1 - y[0]! * y[0]!));
    },
  };
}
