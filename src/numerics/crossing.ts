/**
 * Where a quantity reaches a target inside one step of a fixed-step engine — the cycler's linear-step cells
 * (src/cycler/step-engines.ts): a CC step's cut-off voltage, a CV hold's end current. The DAE solver
 * (bdf.ts) locates its own events on its corrector; this is the same job for an engine whose state after a
 * step of any length x is one `value(x)` call away.
 */

export interface CrossingOptions {
  /** whether a value is on the far side of the target (the side the step's end is on) */
  readonly reached: (v: number) => boolean;
  /** stop when |v − target| < vtol */
  readonly vtol: number;
  /** or when the bracket was narrower than xtol before the trial */
  readonly xtol: number;
  /** trials at most (default 30) */
  readonly maxIter?: number;
  /** each trial stays this fraction of the bracket inside it (default 1e-6): no stall on a convex value */
  readonly interior?: number;
}

/**
 * False position on x in [xLo, xHi], whose values vLo and vHi lie either side of the target. Every trial
 * calls `value` once, so the caller's state is left at the returned x (the last trial), with v its value.
 */
export function locateCrossing(
  value: (x: number) => number,
  target: number,
  xLo: number,
  vLo: number,
  xHi: number,
  vHi: number,
  opts: CrossingOptions,
): { x: number; v: number } {
  const maxIter = opts.maxIter ?? 30;
  const interior = opts.interior ?? 1e-6;
  let x = xHi;
  let v = vHi;
  for (let it = 0; it < maxIter; it++) {
    const xn = xLo + ((target - vLo) * (xHi - xLo)) / (vHi - vLo);
    const xc = Math.min(Math.max(xn, xLo + interior * (xHi - xLo)), xHi - interior * (xHi - xLo));
    const vc = value(xc);
    x = xc;
    v = vc;
    if (Math.abs(vc - target) < opts.vtol || xHi - xLo < opts.xtol) break;
    if (opts.reached(vc)) {
      xHi = xc;
      vHi = vc;
    } else {
      xLo = xc;
      vLo = vc;
    }
  }
  return { x, v };
}
