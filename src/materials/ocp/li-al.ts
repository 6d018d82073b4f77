/**
 * Open-circuit potential of the Li–Al alloy anode vs Li/Li⁺ as a function of x = Li/Al (molar ratio,
 * counting every Li atom in the anode, alloyed or metallic, per Al atom) and temperature.
 *
 * ONE curve per material and temperature: the phase sequence that is stable at T (α-Al, β-LiAl, the
 * Li-rich intermetallics where they are stable, then Li metal), each two-phase field a plateau at its
 * coexistence potential E(T), each single-phase field a slope. Nothing here depends on what a process
 * formed: the phases an anode holds are its state (x), not a choice of curve. Data (plateaus, their
 * temperature coefficients, edges, hysteresis, host limit): `liAlElectrodeData(T)` below, with sources.
 *
 * Shape (x increasing):
 *  - α-Al solid solution below x_α: ideal dilute-solution rise U_αβ + (RT/F)·ln(1 + (x_α/x)^m)/m (m = 4,
 *    keeps the curve C¹; assumption — the datasheet calls this branch "poorly defined, ≈ 0.4–1 V");
 *  - each two-phase field a flat plateau; each single-phase field a linear slope between plateaus;
 *  - steps between plateaus are linear ramps over δx = 0.005 and every kink is rounded over w = 0.002 in
 *    x (numerical regularisation of a phase boundary, so dU/dx is continuous);
 *  - beyond the host limit x_host (the Li-richest phase stable at T): Li metal at 0 V.
 *
 * Hysteresis: two-phase alloys lithiate below and delithiate above their coexistence potential; the
 * alloy branches (x < x_host) shift by −h/2·direction (direction = +1 lithiation/cell charge, −1
 * delithiation, a smooth tanh of the current in the models); Li metal has none.
 */
import { F, R } from '../constants.ts';
import { problem } from '../../problems.ts';
import { liAlElectrodeData, type LiAlElectrodeData } from './li-al-data.ts';

export { liAlElectrodeData, type LiAlElectrodeData } from './li-al-data.ts';

export interface LiAlOcpOptions {
  /** full lithiation/delithiation hysteresis width (V); default: the material's published value */
  readonly hysteresis_V?: number;
}

const STEP_DX = 0.005; // width of the ramp between plateaus (assumption, numerical)
const ROUND_W = 0.002; // rounding width of kinks (assumption, numerical)
const ALPHA_M = 4; // blending exponent of the α branch (assumption)
const X_MIN = 1e-5; // below this the α branch is continued linearly (keeps U finite for x ≤ 0)

/** α/β two-phase plateau potential (V) at temperature T (K). */
export function liAlPlateau_V(T_K: number): number {
  return liAlElectrodeData(T_K).plateaus[0]!.E_V;
}

/** Li/Al at which the host lattice is full at T (K): Li added beyond it is Li metal. */
export function liAlHostLimit(T_K: number): number {
  return liAlElectrodeData(T_K).xHost;
}

interface Piecewise {
  readonly u0: number;
  readonly breaks: readonly number[];
  readonly dSlopes: readonly number[];
  /** ramp(−break) per break: each kink's rounded ramp at x = 0, subtracted so the curve is exact far from it */
  readonly ramp0: readonly number[];
  /** the unrounded piecewise-linear curve's knot values at the breaks and its slope after each break */
  readonly knotU: readonly number[];
  readonly slopeAfter: readonly number[];
  /** x above which there is Li metal (0 V) — hysteresis does not apply */
  readonly alloyEnd: number;
  readonly xAlpha: number;
  readonly hysteresis_V: number;
}

function buildPiecewise(T_K: number): Piecewise {
  const d: LiAlElectrodeData = liAlElectrodeData(T_K);
  // points of a continuous piecewise-linear curve from x_α onward (the α branch is added separately)
  const pts: Array<[number, number]> = [];
  for (let k = 0; k < d.plateaus.length; k++) {
    const pl = d.plateaus[k]!;
    const prev = pts[pts.length - 1];
    // a step from the previous single-phase end to this plateau's start (ramp δx, or the slope between)
    if (prev && pl.xFrom - prev[0] < STEP_DX) pts.push([prev[0] + STEP_DX, pl.E_V]);
    else pts.push([pl.xFrom, pl.E_V]);
    pts.push([pl.xTo, pl.E_V]);
    // the single-phase field after the plateau: linear slope to its Li-rich edge
    const sp = d.singlePhase[k];
    if (sp) pts.push([sp.xTo, pl.E_V - sp.drop_V]);
  }
  const last = pts[pts.length - 1]!;
  pts.push([last[0] + STEP_DX, 0]);
  const slopes: number[] = [0]; // flat before x_α (the α term supplies the rise)
  for (let i = 1; i < pts.length; i++) slopes.push((pts[i]![1] - pts[i - 1]![1]) / (pts[i]![0] - pts[i - 1]![0]));
  slopes.push(0); // Li metal: 0 V
  const breaks = pts.map((p) => p[0]);
  const dSlopes = breaks.map((_, i) => slopes[i + 1]! - slopes[i]!);
  return {
    u0: pts[0]![1],
    breaks,
    dSlopes,
    ramp0: breaks.map((b) => ramp(-b)),
    knotU: pts.map((p) => p[1]),
    slopeAfter: breaks.map((_, i) => slopes[i + 1]!),
    alloyEnd: last[0],
    xAlpha: d.plateaus[0]!.xFrom,
    hysteresis_V: d.hysteresis_V,
  };
}

const cache = new Map<number, Piecewise>();
function piecewise(T_K: number): Piecewise {
  let p = cache.get(T_K);
  if (!p) {
    p = buildPiecewise(T_K);
    if (cache.size > 256) cache.clear();
    cache.set(T_K, p);
  }
  return p;
}

function ramp(u: number): number {
  return 0.5 * (u + Math.sqrt(u * u + ROUND_W * ROUND_W));
}
function dramp(u: number): number {
  return 0.5 * (1 + u / Math.sqrt(u * u + ROUND_W * ROUND_W));
}

/**
 * Li–Al OCP (V vs Li/Li⁺) and its derivative dU/dx at Li/Al ratio x and temperature T (K).
 * direction: +1 lithiation, −1 delithiation, 0 equilibrium; a fractional direction (e.g. tanh(i/i_ref))
 * blends the two branches smoothly.
 */
export function liAlOcp(
  x: number,
  T_K: number,
  opts: LiAlOcpOptions = {},
  direction = 0,
): { U: number; dUdx: number; dUdDirection: number } {
  if (!Number.isFinite(x)) throw problem('anode.x', 'must be finite', String(x), 'a real Li/Al ratio');
  if (!(T_K > 0)) throw problem('temperature_K', 'must be > 0', String(T_K), '> 0');
  const c = cachedCurve(T_K, opts.hysteresis_V);
  c.at(x, direction);
  return { U: c.U, dUdx: c.dUdx, dUdDirection: c.dUdDirection };
}

const curves = new Map<number, Map<number | undefined, LiAlOcpCurve>>();
function cachedCurve(T_K: number, hysteresis_V: number | undefined): LiAlOcpCurve {
  let byH = curves.get(T_K);
  if (!byH) {
    if (curves.size > 256) curves.clear();
    byH = new Map();
    curves.set(T_K, byH);
  }
  let c = byH.get(hysteresis_V);
  if (!c) {
    if (byH.size > 64) byH.clear();
    c = new LiAlOcpCurve(T_K, hysteresis_V === undefined ? {} : { hysteresis_V });
    byH.set(hysteresis_V, c);
  }
  return c;
}

/**
 * The Li–Al OCP at one temperature and hysteresis width, with the curve's constants looked up once: the
 * models' hot path (one evaluation per anode surface per residual or trial current). `at(x, direction)`
 * writes U, dU/dx and ∂U/∂direction into the fields (no allocation); the same arithmetic as liAlOcp,
 * which is built on it. x must be finite (the caller's state).
 */
export class LiAlOcpCurve {
  U = 0;
  dUdx = 0;
  dUdDirection = 0;
  private readonly pw: Piecewise;
  private readonly T_K: number;
  private readonly h: number;
  private readonly breaks: Float64Array;
  private readonly dSlopes: Float64Array;
  private readonly ramp0: Float64Array;
  private readonly knotU: Float64Array;
  private readonly slopeAfter: Float64Array;
  /** the segment of the last call (at) */
  private mHint = -1;
  constructor(T_K: number, opts: LiAlOcpOptions = {}) {
    if (!(T_K > 0)) throw problem('temperature_K', 'must be > 0', String(T_K), '> 0');
    const pw = piecewise(T_K);
    this.pw = pw;
    this.T_K = T_K;
    this.h = opts.hysteresis_V ?? pw.hysteresis_V;
    // the kinks that change the slope (a zero change adds nothing)
    const keep = pw.breaks.map((_, i) => i).filter((i) => pw.dSlopes[i] !== 0);
    this.breaks = Float64Array.from(keep, (i) => pw.breaks[i]!);
    this.dSlopes = Float64Array.from(keep, (i) => pw.dSlopes[i]!);
    this.ramp0 = Float64Array.from(keep, (i) => pw.ramp0[i]!);
    this.knotU = Float64Array.from(keep, (i) => pw.knotU[i]!);
    this.slopeAfter = Float64Array.from(keep, (i) => pw.slopeAfter[i]!);
  }
  /** evaluate at Li/Al x and hysteresis direction (see liAlOcp) into U, dUdx, dUdDirection */
  at(x: number, direction = 0): void {
    const pw = this.pw;
    const W2 = ROUND_W * ROUND_W;
    const br = this.breaks;
    const dsl = this.dSlopes;
    const r0 = this.ramp0;
    // U = u₀ + Σ Δs_i·(ramp(x − b_i) − ramp(−b_i)), split as the unrounded piecewise-linear curve (its knot
    // value and slope on x's segment: u₀ + Σ_{b_i<x} Δs_i·(x − b_i) without summing those large terms,
    // which cancel far past the last kink — at x ≈ 10⁷ (an anode with almost no Al) the sum left noise
    // of 1e-7 V, and the pack's Newton on the cells' currents could not settle) plus each kink's rounding
    // ramp(u) − max(u, 0) = w²/(2(q + |u|)), small and free of cancellation
    // the last break at or below x (breaks ascend), from the last call's (a cell's anode moves little
    // between calls): the same index as a scan from the start
    let m = this.mHint;
    while (m >= 0 && !(br[m]! <= x)) m--;
    while (m + 1 < br.length && br[m + 1]! <= x) m++;
    this.mHint = m;
    let U = m < 0 ? pw.u0 : this.knotU[m]! + this.slopeAfter[m]! * (x - br[m]!);
    let dU = 0;
    for (let i = 0; i < br.length; i++) {
      const ds = dsl[i]!;
      const u = x - br[i]!;
      // ramp(u) and dramp(u) share the root; the ramp's value at x = 0 is subtracted so the curve is
      // exact far from the kink
      const q = Math.sqrt(u * u + W2);
      U += ds * ((0.5 * W2) / (q + (u < 0 ? -u : u)) - r0[i]!);
      dU += ds * (0.5 * (1 + u / q));
    }
    // α branch: ideal dilute-solution rise (RT/F)·ln(1 + (x_α/x)^m)/m, continued linearly below X_MIN
    const kT = (R * this.T_K) / F;
    const xe = x < X_MIN ? X_MIN : x;
    // (x_α/x)^m with m = ALPHA_M = 4 as two squarings (Math.pow is the slow part of this function; the
    // two agree to a rounding error)
    const z = pw.xAlpha / xe;
    const z2 = z * z;
    const r = z2 * z2;
    const au = (kT * Math.log1p(r)) / ALPHA_M;
    const adu = (kT / ALPHA_M) * (r / (1 + r)) * (-ALPHA_M / xe);
    U += x < X_MIN ? au + adu * (x - X_MIN) : au;
    dU += adu;
    const h = this.h;
    let dDir = 0;
    if (h !== 0) {
      // gate: 1 for alloy, 0 for Li metal (smooth over the last ramp)
      const v = x - pw.alloyEnd;
      const g = 1 - dramp(v);
      dDir = -0.5 * h * g;
      U += dDir * direction;
      const q = v * v + W2;
      dU += -0.5 * h * direction * -(W2 / (2 * (q * Math.sqrt(q))));
    }
    this.U = U;
    this.dUdx = dU;
    this.dUdDirection = dDir;
  }
}

/** convenience: OCP only */
export function liAlOcp_V(x: number, T_K: number, opts: LiAlOcpOptions = {}): number {
  return liAlOcp(x, T_K, opts).U;
}

/**
 * Phase fractions of the Al atoms for an overall Li/Al ratio x at T (lever rule over the phase sequence
 * stable at T), and the Li metal per Al beyond the host limit.
 */
export function liAlPhaseFractions(
  x: number,
  T_K = 298.15,
): { Al: number; LiAl: number; Li3Al2: number; Li9Al4: number; freeLi_per_Al: number } {
  if (!(x >= 0)) throw problem('anode.x', 'must be ≥ 0', String(x), '≥ 0');
  const d = liAlElectrodeData(T_K);
  const out = { Al: 0, LiAl: 0, Li3Al2: 0, Li9Al4: 0, freeLi_per_Al: 0 };
  // phase compositions along the sequence: Al (x = 0, α counted as Al), then each plateau's Li-rich phase
  const seq: Array<{ name: keyof typeof out; x: number }> = [{ name: 'Al', x: 0 }];
  for (const pl of d.plateaus) seq.push({ name: pl.richPhase, x: pl.richX });
  const top = seq[seq.length - 1]!;
  if (x >= top.x) {
    out[top.name] = 1;
    out.freeLi_per_Al = x - top.x;
    return out;
  }
  for (let k = 1; k < seq.length; k++) {
    const a = seq[k - 1]!;
    const b = seq[k]!;
    if (x <= b.x) {
      const f = (x - a.x) / (b.x - a.x);
      out[a.name] += 1 - f;
      out[b.name] += f;
      return out;
    }
  }
  return out;
}
