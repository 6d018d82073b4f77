/** The golden files' comparison: every difference between two JSON values, numbers to a relative tolerance. */
/** how close two numbers must be: |got − want| ≤ abs + rel·|want| */
export interface Tolerance {
  rel: number;
  abs: number;
}

/** every difference between two JSON values, as 'path: got … expected …' lines */
export function jsonDiff(
  got: unknown,
  want: unknown,
  path: string,
  out: string[],
  tol: Tolerance = { rel: 1e-9, abs: 1e-12 },
): void {
  if (typeof want === 'number' && typeof got === 'number') {
    if (!(Math.abs(got - want) <= tol.abs + tol.rel * Math.abs(want)))
      out.push(`${path}: got ${got}, expected ${want}`);
    return;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) {
      out.push(`${path}: got ${JSON.stringify(got)?.slice(0, 200)}, expected an array of ${want.length}`);
      return;
    }
    want.forEach((w, i) => jsonDiff(got[i], w, `${path}[${i}]`, out, tol));
    return;
  }
  if (want !== null && typeof want === 'object') {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) {
      out.push(`${path}: got ${JSON.stringify(got)?.slice(0, 200)}, expected an object`);
      return;
    }
    const g = got as Record<string, unknown>;
    const w = want as Record<string, unknown>;
    for (const k of new Set([...Object.keys(w), ...Object.keys(g)])) {
      if (!(k in w)) out.push(`${path}.${k}: new field (not in the golden file)`);
      else if (!(k in g)) out.push(`${path}.${k}: missing`);
      else jsonDiff(g[k], w[k], `${path}.${k}`, out, tol);
    }
    return;
  }
  if (got !== want) out.push(`${path}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}
