/**
 * A number as a person types it on a command line or in a URL: decimal digits with an optional sign,
 * point and exponent (`12`, `-0.5`, `+3`, `.25`, `1e-7`) — nothing else. `Number()` also reads a blank or
 * white space as 0, `0x10` as 16, `0b1`, `0o7`, surrounding spaces and `Infinity`, none of which anyone means
 * as a count, a limit or a seed; the edges (CLI flags, HTTP queries and paths) read numbers through this.
 */
export const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** the value of a plain decimal number, or NaN for any other text (and for one too large to be finite) */
export function parseDecimal(text: string): number {
  if (!DECIMAL.test(text)) return NaN;
  const n = Number(text);
  return Number.isFinite(n) ? n : NaN;
}
