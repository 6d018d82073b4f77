/**
 * Right-hand sides of the forward sensitivity equations (./types.ts SensitivitySpec) by directional
 * differences of f, as the DQ option of CVODES (Hindmarsh & Serban, "User documentation for CVODES",
 * §"Forward sensitivity analysis": the difference of f along (s_i, e_i)):
 *
 *   forward   ∂f/∂y·s_i + ∂f/∂p_i ≈ [f(t, y + δ_i·s_i; p + δ_i·e_i) − f(t, y; p)] / δ_i
 *   centred   ∂f/∂y·s_i + ∂f/∂p_i ≈ [f(t, y + δ_i·s_i; p + δ_i·e_i) − f(t, y − δ_i·s_i; p − δ_i·e_i)] / 2δ_i
 *
 * one (forward) or two (centred) evaluations of f per parameter and corrector iteration, for any model
 * whose f can be evaluated at perturbed parameters: the caller passes, per parameter, the problem built
 * at p + δ_i·e_i (and at p − δ_i·e_i for centred differences), or null where p_i enters only the initial
 * state (the term is then ∂f/∂y·s_i alone). Error: forward O(δ) + roundoff O(ε/δ) relative (δ ≈ 1e-6
 * in a log-scaled parameter is about right at rtol 1e-6), centred O(δ²) + O(ε/δ) (δ ≈ 1e-4).
 */
import type { DaeProblem, SensitivitySpec } from './types.ts';

/** the sensitivity right-hand side of SensitivitySpec from problems at perturbed parameters */
export function directionalSensitivityRhs(
  base: DaeProblem,
  plus: readonly (DaeProblem | null)[],
  delta: readonly number[],
  minus?: readonly (DaeProblem | null)[],
): SensitivitySpec['rhs'] {
  if (plus.length !== delta.length)
    throw new RangeError(`delta: must have one entry per parameter (got ${delta.length} for ${plus.length})`);
  if (minus && minus.length !== plus.length)
    throw new RangeError(`minus: must have one entry per parameter (got ${minus.length} for ${plus.length})`);
  delta.forEach((d, i) => {
    if (!(Number.isFinite(d) && d !== 0)) throw new RangeError(`delta.${i}: must be finite and non-zero (got ${d})`);
  });
  for (const [name, list] of [
    ['plus', plus],
    ['minus', minus ?? []],
  ] as const)
    list.forEach((p, i) => {
      if (p && p.n !== base.n)
        throw new RangeError(`${name}.${i}.n: must equal the base problem's n = ${base.n} (got ${p.n})`);
    });
  const n = base.n;
  const yt = new Float64Array(n);
  const fm = new Float64Array(n);
  if (!minus)
    return (i, t, y, fy, s, out) => {
      const h = delta[i]!;
      for (let q = 0; q < n; q++) yt[q] = y[q]! + h * s[q]!;
      (plus[i] ?? base).f(t, yt, out);
      const inv = 1 / h;
      for (let q = 0; q < n; q++) out[q] = (out[q]! - fy[q]!) * inv;
    };
  return (i, t, y, _fy, s, out) => {
    const h = delta[i]!;
    for (let q = 0; q < n; q++) yt[q] = y[q]! + h * s[q]!;
    (plus[i] ?? base).f(t, yt, out);
    for (let q = 0; q < n; q++) yt[q] = y[q]! - h * s[q]!;
    (minus[i] ?? base).f(t, yt, fm);
    const inv = 0.5 / h;
    for (let q = 0; q < n; q++) out[q] = (out[q]! - fm[q]!) * inv;
  };
}
