/** a number rounded to `digits` significant digits (6 unless said): how the presenters write figures */
export const sig = (x: number, digits = 6): number => Number(x.toPrecision(digits));
