/**
 * The alloying history of a production run's cells as an expansion about the run's nominal cell.
 *
 * A production run asks the line physics for thousands of cells that differ from its nominal cell by a few per
 * cent (sheet thicknesses, nip force and temperature, line speed). The alloying history (alloying.ts
 * `alloyHistory`, solved by the one solver) is smooth in its inputs away from Li melting and front completion,
 * so each cell's history is the nominal one plus a second-order expansion in its deviations:
 *    q(p₀ + δ) ≈ q(p₀) + Σₖ gₖ·δₖ + ½·Σₖ cₖ·δₖ²
 * with gₖ and cₖ the central differences of full solves at p₀ ± hₖ·eₖ (2 solves per input; the diagonal
 * curvature comes with them; cross terms are left out). Inputs p (the coordinates of alloyHistory's arguments):
 * ln of the Li and Al amounts, of the heat capacities, of the contact fraction and of every segment's duration
 * and time constant; every temperature in K. Outputs q: ln of the β and Li-rich extents (and of each segment's
 * β extent), ln of the completion time, the peak temperature and each segment's end temperature. Everything
 * else of the result is computed exactly from them: the end states and the final phases from the cell's own Li
 * and Al (stateAt: Li and Al conserved exactly per cell), the heat released as the formation enthalpy of the
 * final state (what the full solve gives when no Li is rejected).
 *
 * Choices (numerical): steps h = 0.03 in the logs and 2 K in the temperatures (a secant over the production
 * deviations, 1–3 σ of the default variability); a cell is expanded only within 0.12 in every log and 6 K in
 * every temperature of the nominal (4 σ of the default variability), and only when its history stays where the
 * nominal's is smooth — no Li melting (predicted peak ≥ 10 K below 180.5 °C), no front completing within the
 * history, the same segments, the same kinetics; any other cell gets the full solve. Past a phase boundary of the
 * Li:Al ratio the ratio's region is 0.12 from the boundary (the far side's expansion is centred there). Measured
 * error over that region (test/process/alloy-expansion.test.ts, bench/stations.bench.ts): see those files.
 * The full solve stays the reference: the nominal cell is its own solve.
 */
import {
  alloyData,
  alloyHistory,
  betaLimitedPhases,
  equilibriumPhases,
  formationEnthalpy,
  productThickness,
  stateAt,
  type AlloyHistoryFn,
  type AlloyKinetics,
  type AlloyResult,
  type AlloySegment,
} from './alloying.ts';

/** step of the central differences: in a log coordinate, and in a temperature (K) */
const H_LOG = 0.03;
const H_T = 2;
/** the region a cell is expanded in: |δ| in every log, in every temperature (K) */
const R_LOG = 0.12;
const R_T = 6;
/** margin of the predicted peak below the Li melting point, K */
const MELT_MARGIN_K = 10;

type Args = Parameters<AlloyHistoryFn>;

/** the expansion's input coordinates of one call (NaN where a coordinate is not usable: must then equal) */
function coordinates(
  nLi: number,
  nAl: number,
  segments: readonly AlloySegment[],
  C_A: number,
  T0: number,
  contact: number,
): number[] {
  const x = [Math.log(nLi / nAl), Math.log(nAl), Math.log(C_A), T0, Math.log(contact)];
  for (const s of segments) {
    x.push(Math.log(s.duration_s), s.T_env_K, Math.log(s.tau_s));
    if (s.heatCapacity_J_m2K !== undefined) x.push(Math.log(s.heatCapacity_J_m2K));
    if (s.exitMix) x.push(Math.log(s.exitMix.heatCapacity_J_m2K), s.exitMix.T_K);
  }
  return x;
}

/** which coordinates are temperatures (the rest are logs), in the order of `coordinates` */
function temperatureMask(segments: readonly AlloySegment[]): boolean[] {
  const m = [false, false, false, true, false];
  for (const s of segments) {
    m.push(false, true, false);
    if (s.heatCapacity_J_m2K !== undefined) m.push(false);
    if (s.exitMix) m.push(false, true);
  }
  return m;
}

/** the call's arguments at the coordinates x (the inverse of `coordinates`, on the nominal's structure) */
function argsAt(x: readonly number[], segments: readonly AlloySegment[], kin: AlloyKinetics | undefined): Args {
  let i = 5;
  const segs: AlloySegment[] = segments.map((s) => {
    const o: AlloySegment = {
      kind: s.kind,
      duration_s: Math.exp(x[i]!),
      T_env_K: x[i + 1]!,
      tau_s: Math.exp(x[i + 2]!),
    };
    i += 3;
    if (s.heatCapacity_J_m2K !== undefined) o.heatCapacity_J_m2K = Math.exp(x[i++]!);
    if (s.exitMix) {
      o.exitMix = { heatCapacity_J_m2K: Math.exp(x[i]!), T_K: x[i + 1]! };
      i += 2;
    }
    return o;
  });
  return [Math.exp(x[0]! + x[1]!), Math.exp(x[1]!), segs, Math.exp(x[2]!), x[3]!, Math.exp(x[4]!), kin];
}

/**
 * the expanded outputs of a result: ln Xβ and ln Xr (the two fronts' product thicknesses, ξ·X_final: their growth
 * does not depend on how much product the end states hold, so the cell's own X_final divides them out exactly),
 * ln(t_complete/Xβ,final²), the peak T, then per segment ln Xβ and T at its end
 */
function outputs(r: AlloyResult): number[] {
  const XfB = r.productThickness_m;
  const XfR = productThickness(r.end) - XfB;
  // no Li-rich conversion possible (Li:Al ≤ 1: the two end states are one): its coordinate is held at 0
  const lnXr = XfR > 0 ? Math.log(r.liRichExtent * XfR) : 0;
  const q = [Math.log(r.extent * XfB), lnXr, Math.log(r.complete_s / (XfB * XfB)), r.peakT_K];
  for (const s of r.extentAfter) q.push(Math.log(s.extent * XfB), s.T_end_K);
  return q;
}

const sameKinetics = (a: AlloyKinetics | undefined, b: AlloyKinetics | undefined): boolean =>
  a?.dRef_m2_s === b?.dRef_m2_s && a?.ea_J_mol === b?.ea_J_mol && a?.incubationRT_s === b?.incubationRT_s;

const sameStructure = (a: readonly AlloySegment[], b: readonly AlloySegment[]): boolean =>
  a.length === b.length &&
  a.every(
    (s, i) =>
      s.kind === b[i]!.kind &&
      (s.heatCapacity_J_m2K === undefined) === (b[i]!.heatCapacity_J_m2K === undefined) &&
      (s.exitMix === undefined) === (b[i]!.exitMix === undefined),
  );

/** a run's expansion of the alloying history about its nominal cell */
export interface AlloyExpansion {
  /** the nominal cell's full solve */
  readonly nominal: AlloyResult;
  /** the history of a cell: the expansion where the cell is inside its region, else the full solve */
  readonly history: AlloyHistoryFn;
  /** how many calls were expanded and how many solved in full (the nominal's and the differences' excluded) */
  readonly counts: { expanded: number; solved: number };
}

/**
 * The expansion about the nominal call (alloyHistory's arguments). Costs 1 + 2·(number of inputs) full solves
 * (≈ 35 for a nip, an open web and a wound roll); null when the nominal history is not smooth (Li melts or is
 * rejected, a front completes, an input is not positive and finite) — then every cell is solved in full.
 */
export function expandAlloyHistory(...nominalArgs: Args): AlloyExpansion | null {
  const [nLi0, nAl0, segs0, C0, T00, contact0, kin0] = nominalArgs;
  const { T_MELT, X_ALPHA, X_BETA_MIN, X_BETA_MAX, X_LI3AL2, X_LI9AL4 } = alloyData();
  /** the Li:Al ratios where the end states change phases (their kinks) */
  const PHASE_BOUNDARIES = [X_ALPHA, X_BETA_MIN, X_BETA_MAX, X_LI3AL2, X_LI9AL4];
  const nominal = alloyHistory(...nominalArgs);
  const x0 = coordinates(nLi0, nAl0, segs0, C0, T00, contact0);
  const tTotal = segs0.reduce((s, g) => s + g.duration_s, 0);
  const q0 = outputs(nominal);
  if (
    !x0.every(Number.isFinite) ||
    !q0.every(Number.isFinite) ||
    nominal.rejected_mol_m2 > 0 ||
    nominal.nipLiquidFraction > 0 ||
    nominal.peakT_K > T_MELT - MELT_MARGIN_K ||
    !(nominal.complete_s > tTotal) ||
    !(nominal.extent < 1) ||
    !(nominal.liRichExtent < 1)
  )
    return null;
  const hasLiRich = productThickness(nominal.end) - nominal.productThickness_m > 0;
  const isT = temperatureMask(segs0);
  const nx = x0.length;
  const nq = q0.length;
  const solveAt = (k: number, v: number): number[] => {
    const x = x0.slice();
    x[k] = v;
    return outputs(alloyHistory(...argsAt(x, segs0, kin0)));
  };
  /**
   * q along coordinate k from three solves (v, f0), (v + s·h, f1), (v + 2s·h, f2) (f0 given): the derivative
   * and curvature at v, one-sided (s = ±1) — or central when s = 0 (points v − h, v + h)
   */
  const stencil = (
    k: number,
    v: number,
    f0: readonly number[],
    s: -1 | 0 | 1,
    h: number,
    gOut: Float64Array,
    cOut: Float64Array,
  ): boolean => {
    const f1 = solveAt(k, s === 0 ? v + h : v + s * h);
    const f2 = solveAt(k, s === 0 ? v - h : v + 2 * s * h);
    for (let j = 0; j < nq; j++) {
      if (s === 0) {
        gOut[k * nq + j] = (f1[j]! - f2[j]!) / (2 * h);
        cOut[k * nq + j] = (f1[j]! - 2 * f0[j]! + f2[j]!) / (h * h);
      } else {
        gOut[k * nq + j] = (s * (-3 * f0[j]! + 4 * f1[j]! - f2[j]!)) / (2 * h);
        cOut[k * nq + j] = (f0[j]! - 2 * f1[j]! + f2[j]!) / (h * h);
      }
    }
    return f1.every(Number.isFinite) && f2.every(Number.isFinite);
  };
  /** gradient and diagonal curvature, row k: ∂q/∂x_k and ∂²q/∂x_k² */
  const g = new Float64Array(nx * nq);
  const c = new Float64Array(nx * nq);
  // the Li:Al ratio (coordinate 0): the end states are piecewise linear in it, with a kink at each phase boundary
  // (the lever rule's): a boundary within the region splits it — q on the far side is the near side's expansion
  // at the boundary plus one from solves on the far side (one-sided, from the boundary)
  const u0 = x0[0]!;
  const cross = PHASE_BOUNDARIES.map(Math.log).filter((b) => Math.abs(b - u0) < R_LOG);
  if (cross.length > 1) return null;
  const ub = cross.length ? cross[0]! : NaN;
  const side = ub > u0 ? 1 : -1; // where the boundary is, from the nominal
  const far = { g: new Float64Array(nx * nq), c: new Float64Array(nx * nq), q: [] as number[] };
  // the far side's expansion is centred on the boundary: its region in the Li:Al ratio is R_LOG from there (not from
  // the nominal), up to the next boundary
  const next = PHASE_BOUNDARIES.map(Math.log)
    .filter((b) => (b - ub) * side > 0)
    .reduce((m, b) => (Math.abs(b - ub) < Math.abs(m - ub) ? b : m), side * Infinity);
  const onFarSide = (u: number): boolean => (u - ub) * side > 0 && Math.abs(u - ub) <= R_LOG && (u - next) * side < 0;
  for (let k = 0; k < nx; k++) {
    const h = isT[k] ? H_T : H_LOG;
    let ok: boolean;
    if (k === 0 && Math.abs(ub - u0) < h) ok = stencil(0, u0, q0, side === 1 ? -1 : 1, h / 2, g, c);
    else ok = stencil(k, x0[k]!, q0, 0, h, g, c);
    if (!ok) return null;
  }
  if (Number.isFinite(ub)) {
    far.q = solveAt(0, ub);
    if (!far.q.every(Number.isFinite) || !stencil(0, ub, far.q, side === 1 ? 1 : -1, H_LOG / 2, far.g, far.c))
      return null;
  }
  const counts = { expanded: 0, solved: 0 };
  const dx = new Float64Array(nx);
  const q = new Float64Array(nq);
  const history: AlloyHistoryFn = (nLi, nAl, segments, C_A, T0, contact, kin) => {
    const full = (): AlloyResult => {
      counts.solved++;
      return alloyHistory(nLi, nAl, segments, C_A, T0, contact, kin);
    };
    if (!sameKinetics(kin, kin0) || !sameStructure(segments, segs0)) return full();
    const x = coordinates(nLi, nAl, segments, C_A, T0, contact);
    for (let k = 0; k < nx; k++) {
      // an input equal to the nominal's is no deviation (an infinite time constant, say, held as it is)
      const d = x[k] === x0[k] ? 0 : x[k]! - x0[k]!;
      if (!(Math.abs(d) <= (isT[k] ? R_T : R_LOG)) && !(k === 0 && onFarSide(x[0]!))) return full();
      dx[k] = d;
    }
    if (dx.every((d) => d === 0)) return structuredClone(nominal); // the nominal cell: its own full solve (a copy)
    q.set(q0);
    let k0 = 0;
    if (Number.isFinite(ub) && (x[0]! - ub) * side > 0) {
      // across the boundary: the near side's expansion to it, then the far side's from it
      const dn = ub - u0;
      const df = x[0]! - ub;
      for (let j = 0; j < nq; j++)
        q[j] = q[j]! + dn * (g[j]! + 0.5 * dn * c[j]!) + df * (far.g[j]! + 0.5 * df * far.c[j]!);
      k0 = 1;
    }
    for (let k = k0; k < nx; k++) {
      const d = dx[k]!;
      if (d === 0) continue;
      for (let j = 0; j < nq; j++) q[j] = q[j]! + d * (g[k * nq + j]! + 0.5 * d * c[k * nq + j]!);
    }
    const eB = betaLimitedPhases(nLi, nAl);
    const eE = equilibriumPhases(nLi, nAl);
    const XfB = productThickness(eB);
    const XfR = productThickness(eE) - XfB;
    // a cell that can make Li-rich phases where the nominal cannot, or the other way round, is solved in full
    if (XfR > 0 !== hasLiRich) return full();
    const xiB = Math.exp(q[0]!) / XfB;
    const xiR = hasLiRich ? Math.exp(q[1]!) / XfR : 0;
    if (q[3]! > T_MELT - MELT_MARGIN_K || !(xiB < 1) || !(xiR < 1)) return full();
    counts.expanded++;
    const final = stateAt(nLi, nAl, eB, eE, xiB, xiR);
    const heatFull = -formationEnthalpy(eE);
    return {
      betaEnd: eB,
      end: eE,
      final,
      extent: xiB,
      liRichExtent: xiR,
      productThickness_m: XfB,
      complete_s: Math.exp(q[2]!) * XfB * XfB,
      peakT_K: q[3]!,
      peakSegment: nominal.peakSegment,
      extentAfter: segments.map((s, i) => ({
        kind: s.kind,
        extent: Math.exp(q[4 + 2 * i]!) / XfB,
        T_end_K: q[5 + 2 * i]!,
      })),
      heatTotal_J_m2: -formationEnthalpy(final),
      heatFull_J_m2: heatFull,
      adiabaticRise_K: C_A > 0 ? heatFull / C_A : 0,
      nipLiquidFraction: 0,
      rejected_mol_m2: 0,
      nLi_mol_m2: nLi,
      nAl_mol_m2: nAl,
    };
  };
  return { nominal, history, counts };
}
