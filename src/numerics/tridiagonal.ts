/**
 * Tridiagonal solves in place (the Thomas algorithm, no pivoting: for the diagonally dominant matrices of
 * one-dimensional diffusion, e.g. the SPMe's particle and anode shells, src/electrochem/ssb/spme.ts, and
 * the battery pack's cell-to-cell heat conduction, src/battery/pack.ts).
 */

/**
 * A·x = d for a tridiagonal A of n rows (the Thomas algorithm): sub-diagonal `sub` (sub[0] unused),
 * diagonal `dia`, super-diagonal `sup` (sup[n − 1] unused). `dia` and `d` are overwritten by the
 * elimination; x may be d itself.
 */
export function tridiagonalSolve(
  sub: Float64Array,
  dia: Float64Array,
  sup: Float64Array,
  d: Float64Array,
  x: Float64Array,
  n: number,
): void {
  for (let k = 1; k < n; k++) {
    const w = sub[k]! / dia[k - 1]!;
    dia[k] = dia[k]! - w * sup[k - 1]!;
    d[k] = d[k]! - w * d[k - 1]!;
  }
  x[n - 1] = d[n - 1]! / dia[n - 1]!;
  for (let k = n - 2; k >= 0; k--) x[k] = (d[k]! - sup[k]! * x[k + 1]!) / dia[k]!;
}

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
  // one division per row (the pivot's reciprocal), multiplications elsewhere
  let ib = 1 / w[b]!;
  d1[o] = d1[o]! * ib;
  d2[o] = d2[o]! * ib;
  for (let i = 1; i < n; i++) {
    const ci = w[c + i - 1]! * ib;
    w[cp + i - 1] = ci;
    const wi = w[o + i]!;
    ib = 1 / (w[b + i]! - wi * ci);
    d1[o + i] = (d1[o + i]! - wi * d1[o + i - 1]!) * ib;
    d2[o + i] = (d2[o + i]! - wi * d2[o + i - 1]!) * ib;
  }
  for (let i = n - 2; i >= 0; i--) {
    d1[o + i] = d1[o + i]! - w[cp + i]! * d1[o + i + 1]!;
    d2[o + i] = d2[o + i]! - w[cp + i]! * d2[o + i + 1]!;
  }
}

/**
 * tridiagonalSolve2 for a second right-hand side that is zero but in its last entry (the SPMe particle's
 * response to the current, which enters through the surface shell only): its forward sweep is skipped
 * where it would only carry zeros — the same doubles as tridiagonalSolve2 (0 − w·0 is +0, and 0 − x is −x
 * exactly)
 */
export function tridiagonalSolve2Last(
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
  let ib = 1 / w[b]!;
  d1[o] = d1[o]! * ib;
  for (let i = 1; i < n; i++) {
    const ci = w[c + i - 1]! * ib;
    w[cp + i - 1] = ci;
    const wi = w[o + i]!;
    ib = 1 / (w[b + i]! - wi * ci);
    d1[o + i] = (d1[o + i]! - wi * d1[o + i - 1]!) * ib;
  }
  d2[o + n - 1] = d2[o + n - 1]! * ib;
  for (let i = n - 2; i >= 0; i--) {
    d1[o + i] = d1[o + i]! - w[cp + i]! * d1[o + i + 1]!;
    d2[o + i] = -(w[cp + i]! * d2[o + i + 1]!);
  }
}
