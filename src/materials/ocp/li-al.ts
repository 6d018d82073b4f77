/**
 * Open-circuit potential of the Li–Al alloy anode vs Li/Li⁺ as a function of x = Li/Al (molar ratio,
 * counting every Li atom in the anode, alloyed or metallic, per Al atom).
 *
 * Branches (datasheet /work/shared/data/li-al-ssb-datasheet.md §2.2, contradiction C1 in §8):
 *  - α-Al solid solution, 0 ≤ x < x_α = 0.05 (P1, meas/V): dilute interstitial solution in equilibrium
 *    with β at x_α, so U = U_αβ + (RT/F)·ln(x_α/x) (ideal dilute-solution form — assumption; the
 *    datasheet calls this branch "poorly defined, ≈0.4–1 V"). Blended smoothly into the plateau by
 *    U_α = (RT/F)·ln(1 + (x_α/x)^m)/m with m = 4 (assumption, keeps the function C¹).
 *  - α + β two-phase plateau, x_α < x < x_β = 0.95: U_αβ(T) = 0.451 − 2.20e-4·T[K] V
 *    (Huggins, Handbook of Battery Materials 2nd ed., ch. 14, Fig. 14.2, doi:10.1002/9783527637188.ch14;
 *    fit of Yao 1971 / Sharma & Seefurth 1976 / Weppner & Huggins 1978 molten-salt data; meas/V;
 *    used at room temperature as an extrapolation → 0.385 V at 25 °C).
 *  - single-phase β-LiAl, x_β < x < 1: linear slope of Δβ = 40 mV over the β range (datasheet:
 *    "tens of mV", "~30–50 mV"; value 40 mV is the midpoint — assumption).
 *  - x > 1:
 *      'rt' phase model (default): Li3Al2 / Li9Al4 formation is kinetically hindered at room temperature
 *      (datasheet §2.2 model recommendation, U), so excess Li is free Li metal at 0 V.
 *      'equilibrium' phase model: β + Li3Al2 plateau 0.10 V for 1 < x < 1.5, Li3Al2 + Li9Al4 plateau
 *      0.05 V for 1.5 < x < 2.25 (Handbook Fig. 14.1, read at 423 °C; used at RT as an assumption),
 *      then Li metal at 0 V.
 *  Steps between branches are linear ramps over δx = 0.005 (assumption, numerical regularisation of
 *  a phase boundary), and every kink is rounded over w = 0.002 in x so dU/dx is continuous.
 *
 * Optional hysteresis: two-phase alloys show tens of mV between lithiation and delithiation plateaus
 * (datasheet §2.2, U). `hysteresis_V` (default 0) shifts the alloy branches (x ≤ 1) by −h/2·direction,
 * direction = +1 on lithiation (cell charge), −1 on delithiation; free Li metal stays at 0 V.
 */
import { F, R } from '../constants.ts';
import { problem } from '../../problems.ts';

export type LiAlPhaseModel = 'rt' | 'equilibrium';

export interface LiAlOcpOptions {
  readonly phaseModel?: LiAlPhaseModel;
  /** full lithiation/delithiation hysteresis width (V), default 0 */
  readonly hysteresis_V?: number;
}

/** Li/Al at the Li-rich edge of the α solid solution (P1 abstract, meas/V). */
export const X_ALPHA = 0.05;
/** Li/Al at the Li-poor edge of the β-LiAl phase field (P1 abstract, meas/V). */
export const X_BETA = 0.95;
/** Li/Al at the end of β-LiAl (stoichiometric LiAl). */
export const X_LIAL = 1.0;
/** Li/Al at Li3Al2 and Li9Al4 (stoichiometry). */
export const X_LI3AL2 = 1.5;
export const X_LI9AL4 = 2.25;
/** voltage drop across the single-phase β field (V) — assumption (datasheet "~30–50 mV"). */
export const BETA_SLOPE_DROP_V = 0.04;
/** plateau potentials above x = 1 for the 'equilibrium' model (V), Handbook Fig. 14.1 at 423 °C (V/U). */
export const LI3AL2_PLATEAU_V = 0.1;
export const LI9AL4_PLATEAU_V = 0.05;
const STEP_DX = 0.005; // width of the ramp between plateaus (assumption)
const ROUND_W = 0.002; // rounding width of kinks (assumption)
const ALPHA_M = 4; // blending exponent of the α branch (assumption)
const X_MIN = 1e-5; // below this the α branch is continued linearly (keeps U finite for x ≤ 0)

/** α/β two-phase plateau potential (V) at temperature T (K): E = 451 − 0.220·T mV (Huggins, Fig. 14.2). */
export function liAlPlateau_V(T_K: number): number {
  return 0.451 - 2.2e-4 * T_K;
}

interface Piecewise {
  readonly u0: number; // value at x = 0 of the linear part
  readonly s0: number; // initial slope
  readonly breaks: readonly number[];
  readonly dSlopes: readonly number[];
  readonly alloyEnd: number; // x above which there is free Li (0 V) — hysteresis does not apply
}

function buildPiecewise(T_K: number, model: LiAlPhaseModel): Piecewise {
  const Uab = liAlPlateau_V(T_K);
  // points of a continuous piecewise-linear curve from x_α onward (the α branch is added separately)
  const pts: Array<[number, number]> = [
    [X_ALPHA, Uab],
    [X_BETA, Uab],
    [X_LIAL, Uab - BETA_SLOPE_DROP_V],
  ];
  if (model === 'rt') {
    pts.push([X_LIAL + STEP_DX, 0]);
  } else {
    pts.push([X_LIAL + STEP_DX, LI3AL2_PLATEAU_V]);
    pts.push([X_LI3AL2, LI3AL2_PLATEAU_V]);
    pts.push([X_LI3AL2 + STEP_DX, LI9AL4_PLATEAU_V]);
    pts.push([X_LI9AL4, LI9AL4_PLATEAU_V]);
    pts.push([X_LI9AL4 + STEP_DX, 0]);
  }
  const slopes: number[] = [0]; // flat before x_α (the α term supplies the rise)
  for (let i = 1; i < pts.length; i++) {
    slopes.push((pts[i]![1] - pts[i - 1]![1]) / (pts[i]![0] - pts[i - 1]![0]));
  }
  slopes.push(0); // Li metal: 0 V
  const breaks = pts.map((p) => p[0]);
  const dSlopes = breaks.map((_, i) => slopes[i + 1]! - slopes[i]!);
  return { u0: Uab, s0: 0, breaks, dSlopes, alloyEnd: pts[pts.length - 1]![0] };
}

const cache = new Map<string, Piecewise>();
function piecewise(T_K: number, model: LiAlPhaseModel): Piecewise {
  const key = `${model}:${T_K}`;
  let p = cache.get(key);
  if (!p) {
    p = buildPiecewise(T_K, model);
    if (cache.size > 256) cache.clear();
    cache.set(key, p);
  }
  return p;
}

/** rounded ramp ρ(u) = (u + √(u² + w²))/2 − w/2·(1 at u = 0 offset removed far away) and its derivative */
function ramp(u: number): number {
  return 0.5 * (u + Math.sqrt(u * u + ROUND_W * ROUND_W));
}
function dramp(u: number): number {
  return 0.5 * (1 + u / Math.sqrt(u * u + ROUND_W * ROUND_W));
}

function alphaTerm(x: number, T_K: number): { u: number; du: number } {
  const kT = (R * T_K) / F;
  const xe = x < X_MIN ? X_MIN : x;
  const r = Math.pow(X_ALPHA / xe, ALPHA_M);
  const u = (kT * Math.log1p(r)) / ALPHA_M;
  const du = (kT / ALPHA_M) * (r / (1 + r)) * (-ALPHA_M / xe);
  if (x < X_MIN) return { u: u + du * (x - X_MIN), du };
  return { u, du };
}

/**
 * Li–Al OCP (V vs Li/Li⁺) and its derivative dU/dx at Li/Al ratio x and temperature T (K).
 * direction: +1 lithiation, −1 delithiation, 0 equilibrium (only used when hysteresis_V > 0);
 * a fractional direction (e.g. tanh(i/i_ref)) blends the two branches smoothly.
 */
export function liAlOcp(
  x: number,
  T_K: number,
  opts: LiAlOcpOptions = {},
  direction = 0,
): { U: number; dUdx: number; dUdDirection: number } {
  if (!Number.isFinite(x)) throw problem('anode.x', 'must be finite', String(x), 'a real Li/Al ratio');
  if (!(T_K > 0)) throw problem('temperature_K', 'must be > 0', String(T_K), '> 0');
  const pw = piecewise(T_K, opts.phaseModel ?? 'rt');
  let U = pw.u0 + pw.s0 * x;
  let dU = pw.s0;
  for (let i = 0; i < pw.breaks.length; i++) {
    const ds = pw.dSlopes[i]!;
    if (ds === 0) continue;
    const u = x - pw.breaks[i]!;
    // subtract ramp(−∞ side) offset so the curve is exact far from the kink
    U += ds * (ramp(u) - ramp(-pw.breaks[i]!) + 0);
    dU += ds * dramp(u);
  }
  // the constant ramp(−b) terms above pin U(0) ≈ u0; they are ~w²/(4b), negligible (< 0.1 mV)
  const a = alphaTerm(x, T_K);
  U += a.u;
  dU += a.du;
  const h = opts.hysteresis_V ?? 0;
  let dDir = 0;
  if (h !== 0) {
    // gate: 1 for alloy, 0 for free Li (smooth over the last ramp)
    const g = 1 - dramp(x - pw.alloyEnd);
    dDir = -0.5 * h * g;
    U += dDir * direction;
    dU += -0.5 * h * direction * -((ROUND_W * ROUND_W) / (2 * Math.pow((x - pw.alloyEnd) ** 2 + ROUND_W ** 2, 1.5)));
  }
  return { U, dUdx: dU, dUdDirection: dDir };
}

/** convenience: OCP only */
export function liAlOcp_V(x: number, T_K: number, opts: LiAlOcpOptions = {}): number {
  return liAlOcp(x, T_K, opts).U;
}

/** phase fractions of the Al atoms for an overall Li/Al ratio x (lever rule, 'rt' or 'equilibrium'). */
export function liAlPhaseFractions(
  x: number,
  model: LiAlPhaseModel = 'rt',
): { Al: number; LiAl: number; Li3Al2: number; Li9Al4: number; freeLi_per_Al: number } {
  if (!(x >= 0)) throw problem('anode.x', 'must be ≥ 0', String(x), '≥ 0');
  if (x <= X_LIAL) {
    // α (x_α) + β (taken as x = 1 for the lever rule on the whole β field — assumption)
    const fb = x <= X_ALPHA ? 0 : (x - X_ALPHA) / (X_LIAL - X_ALPHA);
    return { Al: 1 - fb, LiAl: fb, Li3Al2: 0, Li9Al4: 0, freeLi_per_Al: 0 };
  }
  if (model === 'rt') return { Al: 0, LiAl: 1, Li3Al2: 0, Li9Al4: 0, freeLi_per_Al: x - X_LIAL };
  if (x <= X_LI3AL2) {
    const f = (x - X_LIAL) / (X_LI3AL2 - X_LIAL);
    return { Al: 0, LiAl: 1 - f, Li3Al2: f, Li9Al4: 0, freeLi_per_Al: 0 };
  }
  if (x <= X_LI9AL4) {
    const f = (x - X_LI3AL2) / (X_LI9AL4 - X_LI3AL2);
    return { Al: 0, LiAl: 0, Li3Al2: 1 - f, Li9Al4: f, freeLi_per_Al: 0 };
  }
  return { Al: 0, LiAl: 0, Li3Al2: 0, Li9Al4: 1, freeLi_per_Al: x - X_LI9AL4 };
}
