/**
 * Allocation-free bracketed root finder for monotone scalar functions (Illinois variant of regula falsi,
 * Dowell & Jarratt, BIT 11 (1971) 168), with a bisection safeguard. Used in the roll-gap solves, which run
 * ~10⁵ times per production shift.
 */
export function solveMonotone(
  f: (x: number) => number,
  a: number,
  b: number,
  fa: number,
  fb: number,
  xtol: number,
  maxIter = 100,
): number {
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (fa * fb > 0) throw new RangeError(`solveMonotone: root not bracketed (f(${a}) = ${fa}, f(${b}) = ${fb})`);
  let side = 0;
  let x = a;
  for (let i = 0; i < maxIter; i++) {
    // Illinois step, falling back to bisection when the step leaves the bracket or stalls
    x = (a * fb - b * fa) / (fb - fa);
    if (!(x > Math.min(a, b) && x < Math.max(a, b)) || i % 8 === 7) x = 0.5 * (a + b);
    const fx = f(x);
    if (fx === 0 || Math.abs(b - a) < xtol) return x;
    if (fx * fb > 0) {
      b = x;
      fb = fx;
      if (side === -1) fa *= 0.5;
      side = -1;
    } else {
      a = x;
      fa = fx;
      if (side === 1) fb *= 0.5;
      side = 1;
    }
    if (Math.abs(b - a) < xtol) return 0.5 * (a + b);
  }
  return x;
}
