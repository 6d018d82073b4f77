/**
 * Tridiagonal solves in place (the Thomas algorithm, no pivoting: for the diagonally dominant matrices of
 * one-dimensional diffusion, e.g. the SPMe's particle and anode shells, src/electrochem/ssb/spme.ts).
 */

/**
 * Thomas algorithm for two right-hand sides in place on [o, o + n) of d1 and d2; the tridiagonal matrix
 * lies in w: sub-diagonal at w[o + i], diagonal at w[s + o + i], super-diagonal at w[2s + o + i]; the
 * scratch at w[cp + i]
 */
export function tridiagonalSolve2(
  w: Float64Array,
  s: number,
  d1: Float64Array,
  d2: Float64Array,
  o: number,
  n: number,
  cp: number,
): void {
  const b = s + o;
  const c = 2 * s + o;
  let beta = w[b]!;
  d1[o] = d1[o]! / beta;
  d2[o] = d2[o]! / beta;
  for (let i = 1; i < n; i++) {
    const ci = w[c + i - 1]! / beta;
    w[cp + i - 1] = ci;
    beta = w[b + i]! - w[o + i]! * ci;
    d1[o + i] = (d1[o + i]! - w[o + i]! * d1[o + i - 1]!) / beta;
    d2[o + i] = (d2[o + i]! - w[o + i]! * d2[o + i - 1]!) / beta;
  }
  for (let i = n - 2; i >= 0; i--) {
    d1[o + i] = d1[o + i]! - w[cp + i]! * d1[o + i + 1]!;
    d2[o + i] = d2[o + i]! - w[cp + i]! * d2[o + i + 1]!;
  }
}
