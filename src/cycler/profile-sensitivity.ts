/**
 * A measured current profile driven through a liquid model together with the forward sensitivities of
 * its terminal voltage to parameters (the fit's Jacobian): the sensitivity equations are integrated by
 * the one solver (../../numerics, SensitivitySpec) with right-hand sides from directional differences of
 * the model's residual (numerics/sensitivity.ts), and ∂V/∂p_i at each output time is the directional
 * difference of the voltage along (s_i, e_i). The caller builds one model per parameter at p + δ_i·e_i
 * (same mesh, so the same unknowns) and gives y0 and ∂y0/∂p_i.
 */
import type { CellModel } from '../electrochem/model.ts';
import { directionalSensitivityRhs, solveDae } from '../numerics/index.ts';
import type { SolveResult } from '../numerics/types.ts';
import { LIQUID_NEWTON_TOL, profileBreakpoints, profileInterpolant, STOICHIOMETRY_LIMIT } from './profile-drive.ts';

export interface ProfileSensitivityOptions {
  /** initial state and its sensitivities ∂y0/∂p_i */
  readonly y0: Float64Array;
  readonly s0: readonly Float64Array[];
  /** output times (within the profile's time range, increasing) */
  readonly tEval: Float64Array;
  readonly rtol?: number;
  /** kinks of the current the steps end at (profileBreakpoints tolerance, A); default none */
  readonly breakpointTolerance_A?: number;
}

export interface ProfileSensitivityResult {
  readonly status: SolveResult['status'];
  readonly message?: string;
  /** the output times reached (a prefix of tEval when the model stopped early) */
  readonly t_s: Float64Array;
  readonly V: Float64Array;
  /** ∂V/∂p_i at t_s, one array per parameter */
  readonly dV: readonly Float64Array[];
  readonly stats: SolveResult['stats'];
}

/**
 * The profile on `base` with the voltage sensitivities to np parameters: perturbed[i] is the model at
 * p + delta[i]·e_i (null: the parameter enters only the initial state). Stops at the stoichiometry limit
 * of a particle surface (status 'event'; the outputs end there).
 */
export function simulateProfileSensitivities(
  base: CellModel,
  perturbed: readonly (CellModel | null)[],
  delta: readonly number[],
  profile: { readonly t_s: Float64Array; readonly I_A: Float64Array },
  opts: ProfileSensitivityOptions,
): ProfileSensitivityResult {
  const np = perturbed.length;
  if (opts.s0.length !== np) throw new RangeError(`s0: must hold one array per parameter (got ${opts.s0.length})`);
  const { t_s, I_A } = profile;
  const value = profileInterpolant(t_s, I_A);
  const control = { mode: 'current' as const, value: (t: number) => value(t) };
  const problem = base.problem(control);
  const plus = perturbed.map((m) => (m ? m.problem(control) : null));
  const rhs = directionalSensitivityRhs(problem, plus, delta);
  const m = opts.tEval.length;
  const tOut = new Float64Array(m);
  const V = new Float64Array(m);
  const dV = Array.from({ length: np }, () => new Float64Array(m));
  const yt = new Float64Array(base.n);
  let k = 0;
  const output = (t: number, y: Float64Array, S?: readonly Float64Array[]): void => {
    if (k >= m) return;
    tOut[k] = t;
    const v = base.voltage(y);
    V[k] = v;
    for (let i = 0; i < np; i++) {
      const s = S![i]!;
      const h = delta[i]!;
      for (let q = 0; q < yt.length; q++) yt[q] = y[q]! + h * s[q]!;
      dV[i]![k] = ((perturbed[i] ?? base).voltage(yt) - v) / h;
    }
    k++;
  };
  const margin = (base as Partial<{ stoichiometryMargin(y: Float64Array): number }>).stoichiometryMargin;
  const res = solveDae(problem, opts.y0, {
    t0: t_s[0]!,
    tEnd: opts.tEval[m - 1]!,
    rtol: opts.rtol ?? 1e-6,
    newtonTol: LIQUID_NEWTON_TOL,
    ...(base.atol ? { atol: base.atol } : {}),
    algebraicErrorControl: false,
    tEval: opts.tEval,
    output,
    ...(np > 0 ? { sensitivity: { np, s0: opts.s0, rhs } } : {}),
    ...(typeof margin === 'function'
      ? {
          events: [
            {
              name: 'stoichiometry limit',
              g: (_t: number, y: Float64Array) => margin.call(base, y) - STOICHIOMETRY_LIMIT,
              direction: -1 as const,
            },
          ],
        }
      : {}),
    ...(opts.breakpointTolerance_A !== undefined
      ? { breakpoints: profileBreakpoints(t_s, I_A, opts.breakpointTolerance_A) }
      : {}),
  });
  return {
    status: res.status,
    ...(res.message !== undefined ? { message: res.message } : {}),
    t_s: tOut.slice(0, k),
    V: V.slice(0, k),
    dV: dV.map((a) => a.slice(0, k)),
    stats: res.stats,
  };
}
