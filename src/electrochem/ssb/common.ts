/**
 * Pieces shared by the solid-state P2D, SPMe and SPM: kinetics, OCP wrappers, the design window
 * (state of charge ↔ stoichiometries), the cell thickness model (seed [0178], Eq. 1) and the ageing
 * state that the submodels in ageing.ts change between cycles.
 */
import { F, R, REFERENCE_TEMPERATURE_K } from '../../materials/constants.ts';
import { cathodeOcp, type CathodeOcp } from '../../materials/ocp/cathodes.ts';
import { LiAlOcpCurve, liAlElectrodeData, liAlHostLimit, liAlOcp } from '../../materials/ocp/li-al.ts';
import { MOLAR_VOLUME, derive, type Derived, type SsbCellParams } from './params.ts';
import { problem } from '../../problems.ts';
import { FRESH_DEGRADATION, type DegradationState } from './ageing-data.ts';
import { bisect, newton, newtonHot, NewtonSearch } from '../../numerics/roots.ts';

/** mutable degradation state of a model (changed only by afterCycle / ageing.ts) */
export interface AgeingState {
  /** fraction of the cathode active material still connected (loss of active material by contact loss) */
  activeScale: number;
  /** interphase resistance added at the cathode|SE interface (Ω m² per true area) */
  extraRc: number;
  /** time the cell has spent cycling (s), for the parabolic interphase law */
  age_s: number;
  /** cumulative Li consumed by the interphase and other side reactions (mol) */
  lostLi_mol: number;
  cycles: number;
  /**
   * void thickness the anode keeps after dealloying (m): the alloy shrinks on delithiation and, under a
   * stack pressure that cannot close them at once, part of the released volume stays as pores
   */
  anodeVoid_m: number;
  /** fraction of the anode|SE contact left (anode voids, ageing.ts) */
  anodeContact: number;
  /** the per-m² degradation state of the ageing laws (ageing.ts), a plain value replaced by each update */
  degradation: DegradationState;
}

export function freshAgeing(): AgeingState {
  return {
    activeScale: 1,
    extraRc: 0,
    age_s: 0,
    lostLi_mol: 0,
    cycles: 0,
    anodeVoid_m: 0,
    anodeContact: 1,
    degradation: FRESH_DEGRADATION,
  };
}

/** symmetric Butler–Volmer solved for the overpotential: η = (2RT/F)·asinh(j/(2 j0)); with ∂η/∂j, ∂η/∂j0 */
export function bvEta(j: number, j0: number, T: number): { eta: number; dj: number; dj0: number } {
  const k = (2 * R * T) / F;
  const s = j / (2 * j0);
  const q = Math.sqrt(1 + s * s);
  return { eta: k * Math.asinh(s), dj: k / (q * 2 * j0), dj0: (k / q) * (-j / (2 * j0 * j0)) };
}

/**
 * cathode exchange-current density j0(y) = j0ref·2√(y(1−y)) (form of CHEN with the SE concentration
 * fixed) and dj0/dy. y(1−y) is passed through a smooth positive floor q = (s + √(s² + ε²))/2, ε = 1e-3,
 * so j0 stays positive and differentiable when a surface stoichiometry overshoots [0, 1] inside a
 * Newton iteration (numerical regularisation).
 */
export function cathodeJ0(j0ref: number, y: number): { j0: number; d: number } {
  const s = y * (1 - y);
  const e = 1e-3;
  const r = Math.sqrt(s * s + e * e);
  const q = 0.5 * (s + r);
  const sq = Math.sqrt(q);
  const dq = 0.5 * (1 + s / r) * (1 - 2 * y);
  return { j0: 2 * j0ref * sq, d: (j0ref * dq) / sq };
}

/**
 * D_s(y)/D_s,ref of the active material and its derivative (CathodeParams.DsVacancy): a smooth crossover
 * from the mid-window value (1 at y = 0) to the divacancy law ∝ (1 − y)² near full lithiation and a floor:
 *   f(y) = floor + (1 − floor)·(1 + w²)·u²/(u² + w²),  u = 1 − y  (held at u = 0 for y ≥ 1).
 * For u ≪ w, f ≈ (1 + w²)(1 − y)²/w²: the divacancy scaling; f(0.9) ≈ 0.05, f(0.95) ≈ 0.02 for w = 0.5.
 */
export function dsFactor(v: DsLaw | null, y: number): { f: number; df: number } {
  if (!v) return { f: 1, df: 0 };
  const u = y >= 1 ? 0 : 1 - y;
  const w2 = v.width * v.width;
  const k = v.k;
  const q = u * u + w2;
  return { f: v.floor + (k * u * u) / q, df: y >= 1 ? 0 : (-k * 2 * u * w2) / (q * q) };
}

/**
 * A CathodeParams.DsVacancy law with the constants of dsFactor and dsPhi computed once,
 * k = (1 − floor)(1 + w²) and G₁ = 1 − w·atan(1/w): dsPhi runs per particle shell per residual, the
 * P2D's hot path (CellCore builds it once).
 */
export interface DsLaw {
  readonly width: number;
  readonly floor: number;
  readonly k: number;
  readonly G1: number;
}
export function dsLaw(v: { readonly width: number; readonly floor: number } | null): DsLaw | null {
  if (!v) return null;
  const w = v.width;
  return { width: w, floor: v.floor, k: (1 - v.floor) * (1 + w * w), G1: 1 - w * Math.atan(1 / w) };
}

/**
 * Kirchhoff transform of the stoichiometry-dependent diffusivity: φ(y) = ∫₀^y f(y′) dy′ with f = dsFactor.
 * Fluxes between two points are exact in steady state as D_ref·c_max·(φ(y_a) − φ(y_b))/Δr, however
 * steeply D varies between them; the inverse gives the particle surface from the outer shell and the
 * surface flux.
 */
export function dsPhi(v: DsLaw | null, y: number): number {
  if (!v) return y;
  const w = v.width;
  const k = v.k;
  // ∫ u²/(u² + w²) du = u − w·atan(u/w); G1 = the integral from u = 0 to 1
  const G1 = v.G1;
  if (y >= 1) return v.floor * y + k * G1;
  const u = 1 - y;
  return v.floor * y + k * (G1 - (u - w * Math.atan(u / w)));
}
/** dsPhiInv's problem (module-level: no closure allocated per inversion) */
const invProblem = { v: null as DsLaw | null, phi: 0 };
/** φ(y) − φ_target, and φ′(y) = dsFactor(v, y).f to s.df */
function invResidual(y: number, s: NewtonSearch): number {
  const v = invProblem.v!;
  const u = y >= 1 ? 0 : 1 - y;
  s.df = v.floor + (v.k * u * u) / (u * u + v.width * v.width);
  return dsPhi(v, y) - invProblem.phi;
}
/** the inversions' Newton stop: a step of at most 1e-14·(1 + |y|) */
const invSearch = new NewtonSearch({ xtol: 1e-14, rtol: 1e-14, maxIter: 100 });

/**
 * inverse of dsPhi (monotone increasing): the numerics' safeguarded Newton from the start value y0 (e.g. the
 * outer shell's stoichiometry, close to the answer) inside (−∞, 1], φ(1) above the target; phiY0 = dsPhi(v, y0)
 * when the caller has computed it (only for y0 ≤ 1). NaN only for a NaN phi.
 */
export function dsPhiInv(v: DsLaw | null, phi: number, y0 = 0.5, phiY0?: number): number {
  if (!v) return phi;
  const p1 = dsPhi(v, 1);
  if (phi >= p1) return 1 + (phi - p1) / v.floor;
  const x0 = Math.min(y0, 1);
  invProblem.v = v;
  invProblem.phi = phi;
  const s = invSearch;
  if (phiY0 !== undefined) {
    const u = x0 >= 1 ? 0 : 1 - x0;
    const df0 = v.floor + (v.k * u * u) / (u * u + v.width * v.width);
    newton(invResidual, s, x0, -Infinity, 1, phiY0 - phi, df0, undefined, p1 - phi);
  } else newton(invResidual, s, x0, -Infinity, 1, undefined, undefined, undefined, p1 - phi);
  invProblem.v = null;
  // a bracketed monotone function converges; max-iterations would leave the best point, not-finite a NaN phi
  return s.status === 'not-finite' ? NaN : s.x;
}

/** the width over which hostX rounds min(x, xHost) (numerical regularisation) */
export const HOST_W = 2e-3;
/**
 * φ(y) − φ(y0) for Δ = y − y0, u = 1 − y > 0, u0 = 1 − y0 > 0, without the two arctangents (see dsPhiShift):
 * Δ·(floor + k·u·u0/q) + k·w·(z − atan z), q = w² + u·u0, z = Δ·w/q; z − atan z by its series while |z| < 0.05.
 */
export function dsPhiDifference(v: DsLaw, d: number, u: number, u0: number): number {
  const w = v.width;
  const q = w * w + u * u0;
  const z = (d * w) / q;
  let zm: number; // z − atan z
  if (z < 0.05 && z > -0.05) {
    const z2 = z * z;
    zm = z * z2 * (1 / 3 - z2 * (1 / 5 - z2 * (1 / 7 - z2 * (1 / 9 - z2 * (1 / 11 - z2 / 13)))));
  } else zm = z - Math.atan(z);
  return d * (v.floor + (v.k * u * u0) / q) + v.k * w * zm;
}

/** dsPhiShift's problem (module-level: no closure allocated per shift) */
const shiftProblem = { v: null as DsLaw | null, u0: 0, r: 0 };
/**
 * φ(y0 + Δ) − φ(y0) − r (dsPhiDifference), its slope φ′ to s.df and |φ″/(2φ′)| to s.curvature (φ″ = −dφ′/du =
 * −2k·u·w²/q²): the newton() stop on the error a step leaves (one update instead of two on the usual small shift)
 */
function shiftResidual(d: number, s: NewtonSearch): number {
  const q0 = shiftProblem;
  const v = q0.v!;
  const w2 = v.width * v.width;
  const u = q0.u0 - d;
  const q = u * u + w2;
  const f = v.floor + (v.k * u * u) / q;
  s.df = f;
  s.curvature = Math.abs(v.k * u * w2) / (q * q * f);
  return dsPhiDifference(v, d, u, q0.u0) - q0.r;
}
const shiftSearch = new NewtonSearch({ xtol: 1e-14, rtol: 1e-14, maxIter: 60 });

/**
 * The stoichiometry y = y0 + Δ with φ(y) − φ(y0) = r (φ = dsPhi), for y0 < 1 and a result below 1
 * (NaN otherwise: the caller then takes dsPhiInv). The difference is written without the two
 * arctangents: atan(a) − atan(b) = atan((a − b)/(1 + ab)) for ab > −1 gives
 *   φ(y) − φ(y0) = Δ·(floor + k·u·u0/q) + k·w·(z − atan z),  u = 1 − y, u0 = 1 − y0, q = w² + u·u0, z = Δ·w/q,
 * and z − atan z by its series z³/3 − z⁵/5 + … while |z| < 0.05 (truncation below 1e-17 relative) — so
 * the usual small Δ of a particle surface costs no arctangent at all, and the difference carries no
 * cancellation of two φ values. The numerics' safeguarded Newton on Δ from a second-order start, stopped as
 * dsPhiInv stops (|step| ≤ 1e-14·(1 + |y|)), or as soon as the error left after an update, estimated from the
 * quadratic convergence (shiftResidual's curvature), is below a hundredth of that.
 */
export function dsPhiShift(v: DsLaw, y0: number, r: number): number {
  const w2 = v.width * v.width;
  const k = v.k;
  const fl = v.floor;
  const u0 = 1 - y0;
  if (!(u0 > 0)) return NaN;
  // start: the second-order (Halley) step from Δ = 0, Δ₁ = r/f − f′·r²/(2f³) (f = φ′ at y0, rational),
  // which leaves an error O(r³): Newton then stops after its second update
  const p0 = u0 * u0 + w2;
  const f0 = fl + (k * u0 * u0) / p0;
  const f0p = (-2 * k * u0 * w2) / (p0 * p0);
  const d1 = r / f0;
  let d = d1 - (f0p * d1 * d1) / (2 * f0);
  if (!(u0 - d > 0)) d = d1;
  shiftProblem.v = v;
  shiftProblem.u0 = u0;
  shiftProblem.r = r;
  const s = shiftSearch;
  // the stop of dsPhiInv, |step| ≤ 1e-14·(1 + |y|), on Δ = y − y0
  s.xtol = 1e-14 * (1 + Math.abs(y0));
  // Δ < u0 (y < 1); an iterate past it, or no root below 1, leaves NaN for the caller to take dsPhiInv
  const ok = newtonHot(shiftResidual, s, d, -Infinity, u0);
  shiftProblem.v = null;
  return ok ? y0 + s.x : NaN;
}

/** smooth min(x, xHost) over a width w (the Li held by the host lattice) and its derivative in x */
export function hostX(x: number, xHost: number, w = HOST_W): { h: number; s: number; ds: number } {
  const u = (x - xHost) / w;
  if (u > 30) return { h: xHost, s: 0, ds: 0 };
  if (u < -30) return { h: x, s: 1, ds: 0 };
  const e = Math.exp(u);
  const s = 1 / (1 + e);
  return { h: x - w * Math.log1p(e), s, ds: (-s * (1 - s)) / w };
}

/** shortest time constant of CEI formation on a fresh surface (s): assumption, range 10–600 s */
export const CEI_MIN_TIME_S = 60;

export class CellCore {
  readonly p: SsbCellParams;
  readonly ocpC: CathodeOcp;
  ageing: AgeingState;
  d: Derived;
  /** derive(p) of the fresh cell (refreshDerived) */
  private readonly dFresh: Derived;
  /** Li mol per unit cathode stoichiometry (whole cell, fresh) */
  readonly nC: number;
  /** Al mol in the anode (whole cell) */
  readonly nAl: number;
  readonly T: number;
  readonly window: { qLo: number; qHi: number; y0: number; x0: number };
  private readonly xHostT: number;
  /** the cathode's D_s(y) law with its constants computed once (null: constant D_s) */
  private readonly dsL: DsLaw | null;
  /** whether D_s follows the vacancy law (surfaceAt then shifts by dsPhiShift) */
  get hasDsLaw(): boolean {
    return this.dsL !== null;
  }
  /** the anode OCP at T with the cell's hysteresis, its constants looked up once (Ua, the hot path) */
  readonly ua: LiAlOcpCurve;
  /** surfaceAt's results: surface concentration, ∂c_s/∂c and ∂c_s/∂(N·δ) (scratch, no allocation) */
  scCs = 0;
  scDc = 0;
  scDN = 0;

  constructor(p: SsbCellParams) {
    validateParams(p);
    this.p = p;
    this.ocpC = cathodeOcp(p.cathode.activeMaterial);
    this.ageing = freshAgeing();
    this.d = derive(p);
    this.dFresh = this.d;
    this.T = p.temperature_K;
    this.nC = this.d.cathodeLi_mol_perY;
    this.nAl = p.anode.al_mol_m2 * p.area_m2;
    this.window = designWindow(p, this.ocpC);
    this.xHostT = liAlHostLimit(this.T);
    this.dsL = dsLaw(p.cathode.DsVacancy);
    this.ua = new LiAlOcpCurve(this.T, { hysteresis_V: p.anode.hysteresis_V });
  }

  /**
   * d = derive(p, ageing state) after an ageing update. Only two fields depend on the state —
   * fAnode = min(1, f_ref·g)·retention and Rc = R_int + extraRc — so they are updated on the fresh
   * derive(p) with the same arithmetic instead of deriving everything again (once per cell per day in a
   * pack's multi-year ageing estimate); a test checks the two agree.
   */
  refreshDerived(): void {
    const f = this.dFresh;
    this.d = { ...f, fAnode: f.fAnode * this.ageing.anodeContact, Rc: f.Rc + this.ageing.extraRc };
  }

  /** D_s at particle concentration c (mol m⁻³) and dD/dc */
  ds(c: number): { D: number; dD: number } {
    const cmax = this.p.cathode.cMax_mol_m3;
    const f = dsFactor(this.dsL, c / cmax);
    return { D: this.d.Ds * f.f, dD: (this.d.Ds * f.df) / cmax };
  }
  /** D_s at particle concentration c (mol m⁻³): ds(c).D without the derivative (no allocation) */
  dsAt(c: number): number {
    const v = this.dsL;
    if (!v) return this.d.Ds * 1;
    const y = c / this.p.cathode.cMax_mol_m3;
    const u = y >= 1 ? 0 : 1 - y;
    const q = u * u + v.width * v.width;
    return this.d.Ds * (v.floor + (v.k * u * u) / q);
  }
  /**
   * D_s at c and the Kirchhoff potential Φ(c) in one pass (the same values as dsAt and dsPhi) into kD
   * and kPhi: the fast stepper's per-shell linearisation
   */
  kirchhoffAt(c: number): void {
    const v = this.dsL;
    const cmax = this.p.cathode.cMax_mol_m3;
    const Ds = this.d.Ds;
    const y = c / cmax;
    if (!v) {
      this.kD = Ds * 1;
      this.kPhi = Ds * cmax * y;
      return;
    }
    const w = v.width;
    const u = y >= 1 ? 0 : 1 - y;
    this.kD = Ds * (v.floor + (v.k * u * u) / (u * u + w * w));
    this.kPhi =
      Ds * cmax * (y >= 1 ? v.floor * y + v.k * v.G1 : v.floor * y + v.k * (v.G1 - (u - w * Math.atan(u / w))));
  }
  /**
   * The fast stepper's per-shell linearisation of the Kirchhoff potential for the first nr entries of
   * y: D⁰ = D(c_r) into out[oD + r], and the differences ρ_{r+1} − ρ_r of ρ = Φ(c) − D⁰·c between
   * neighbouring shells into out[oRho + r] (r < nr − 1) — the only way ρ enters. The potential
   * difference Φ(c_{r+1}) − Φ(c_r) is taken as dsPhiShift takes it (arctangent difference, no
   * cancellation, no arctangent while the shells are close); at or past full lithiation from φ itself.
   */
  kirchhoffLinear(y: Float64Array, nr: number, out: Float64Array, oD: number, oRho: number): void {
    const v = this.dsL;
    const cmax = this.p.cathode.cMax_mol_m3;
    const Ds = this.d.Ds;
    if (!v) {
      for (let r = 0; r < nr; r++) out[oD + r] = Ds * 1;
      // Φ = D·c exactly: ρ = 0
      for (let r = 0; r < nr - 1; r++) out[oRho + r] = 0;
      return;
    }
    const w = v.width;
    const w2 = w * w;
    const k = v.k;
    const fl = v.floor;
    const scale = Ds * cmax;
    let yPrev = 0;
    let uPrev = 0;
    let dcPrev = 0;
    for (let r = 0; r < nr; r++) {
      const c = y[r]!;
      const yy = c / cmax;
      const u = yy >= 1 ? 0 : 1 - yy;
      const D = Ds * (fl + (k * u * u) / (u * u + w2));
      out[oD + r] = D;
      const dc = D * c;
      if (r > 0) {
        let dphi: number;
        if (u > 0 && uPrev > 0) {
          dphi = dsPhiDifference(v, yy - yPrev, u, uPrev);
        } else dphi = dsPhi(v, yy) - dsPhi(v, yPrev);
        out[oRho + r - 1] = scale * dphi - (dc - dcPrev);
      }
      yPrev = yy;
      uPrev = u;
      dcPrev = dc;
    }
  }
  /** kirchhoffAt's results */
  kD = 0;
  kPhi = 0;
  /** Kirchhoff potential Φ(c) = ∫₀^c D dc′ (mol m⁻¹ s⁻¹) */
  dsPhi(c: number): number {
    const cmax = this.p.cathode.cMax_mol_m3;
    return this.d.Ds * cmax * dsPhi(this.dsL, c / cmax);
  }
  /**
   * particle surface concentration from the outer shell's c and the outward flux per area N (mol m⁻² s⁻¹)
   * over the half shell δ: Φ(c_s) = Φ(c) − N·δ; with ∂c_s/∂c and ∂c_s/∂(N·δ)
   */
  surfaceC(c: number, Ndelta: number): { cs: number; dc: number; dN: number } {
    this.surfaceAt(c, Ndelta);
    return { cs: this.scCs, dc: this.scDc, dN: this.scDN };
  }
  /** surfaceC into the fields scCs, scDc, scDN (the models' hot path: no allocation) */
  surfaceAt(c: number, Ndelta: number): void {
    const cmax = this.p.cathode.cMax_mol_m3;
    const v = this.dsL;
    const y0 = c / cmax;
    if (v && y0 < 1) {
      // φ(c_s) − φ(y0) = −N·δ/(D_ref·c_max), solved for the shift without arctangents (dsPhiShift)
      const ys = dsPhiShift(v, y0, -Ndelta / (this.d.Ds * cmax));
      if (ys === ys) {
        const cs = cmax * ys;
        const Ds = this.dsAt(cs);
        this.scCs = cs;
        this.scDc = this.dsAt(c) / Ds;
        this.scDN = -1 / Ds;
        return;
      }
    }
    const phi0 = dsPhi(v, y0);
    const phi = this.d.Ds * cmax * phi0 - Ndelta;
    // Newton from the outer shell's y0, whose φ(y0) is phi0 (dsPhiInv would compute it again)
    const cs = cmax * dsPhiInv(v, phi / (this.d.Ds * cmax), y0, y0 <= 1 ? phi0 : undefined);
    const Ds = this.dsAt(cs);
    this.scCs = cs;
    this.scDc = this.dsAt(c) / Ds;
    this.scDN = -1 / Ds;
  }

  /**
   * CEI growth rate (C m⁻² s⁻¹ on the basis of `cap`) for SE-oxidation charge Q already passed, its
   * capacity `cap` (same basis: qMax × particle surface) and the cathode surface concentration c:
   * r(E)·max(0, cap − Q), E = U_c(c/c_max). Derivatives in c and Q.
   */
  cei(c: number, Q: number, cap: number): { rate: number; dc: number; dQ: number } {
    const ce = this.p.cathode.cei;
    const room = cap - Q;
    if (!(room > 0) || ce.qMax_C_m2 <= 0) return { rate: 0, dc: 0, dQ: 0 };
    const cmax = this.p.cathode.cMax_mol_m3;
    const y = c / cmax;
    const b = (ce.alpha * F) / (R * this.T);
    const o = this.ocpC;
    const u = o.eval ? o.eval(y) : { v: o.U(y), d: o.dUdy(y) };
    const arg = Math.min(60, b * (u.v - ce.ERef_V));
    const r0 = this.ceiK * Math.exp(arg);
    const dr0 = arg >= 60 ? 0 : (r0 * b * u.d) / cmax;
    // the film cannot form faster than within CEI_MIN_TIME_S (SE oxidation kinetics of a fresh surface):
    // r = r₀/(1 + r₀·t_min) saturates at 1/t_min (assumption)
    const q = 1 + r0 * CEI_MIN_TIME_S;
    const r = r0 / q;
    const dr = dr0 / (q * q);
    return { rate: r * room, dc: dr * room, dQ: -r };
  }
  /** cei(c, Q, cap).rate without the derivatives and without allocation (the fast stepper's once-per-step call) */
  ceiRate(c: number, Q: number, cap: number): number {
    const ce = this.p.cathode.cei;
    const room = cap - Q;
    if (!(room > 0) || ce.qMax_C_m2 <= 0) return 0;
    const y = c / this.p.cathode.cMax_mol_m3;
    const b = (ce.alpha * F) / (R * this.T);
    const o = this.ocpC;
    const v = o.eval ? o.eval(y).v : o.U(y);
    const arg = Math.min(60, b * (v - ce.ERef_V));
    const r0 = this.ceiK * Math.exp(arg);
    const q = 1 + r0 * CEI_MIN_TIME_S;
    const r = r0 / q;
    return r * room;
  }
  /** CEI rate constant at the cell temperature (s⁻¹), computed once (p and T are fixed) */
  get ceiK(): number {
    if (this.ceiKT < 0) {
      const k = this.p.cathode.cei.k;
      this.ceiKT = k.ref * Math.exp((-k.Ea_J_mol / R) * (1 / this.T - 1 / k.Tref_K));
    }
    return this.ceiKT;
  }
  private ceiKT = -1;

  /**
   * Anode Li/Al profile of a rest state whose mean is xMean, over na equal-Al volumes (index 0 at the SE).
   * At or below the as-made Li/Al x₀ it is uniform: at rest the host's Li is uniform, and the Li the
   * anode holds beyond the host as made — the line's free Li and, at room temperature, its Li-rich phases
   * that lithiation cannot re-form — sits throughout the alloy. Above x₀ (a charged rest state) the Li
   * added since it was made came in through the separator: it first fills the host uniformly (up to the
   * host limit at T), and what the host cannot take is Li metal plated in the first volume at the SE —
   * the state a slow charge leaves, so a cell started charged has its charge where a charged cell has it
   * (spread through the alloy it could not be stripped at the separator without diffusing out first).
   */
  initialAnodeProfile(xMean: number, na: number): Float64Array {
    const a = this.p.anode;
    const x0 = a.li_mol_m2 / a.al_mol_m2;
    const xs = new Float64Array(na).fill(Math.min(xMean, x0));
    if (!(xMean > x0)) return xs;
    let added = (xMean - x0) * na; // Li/Al summed over the volumes
    const fill = Math.min(added / na, Math.max(0, this.xHost - x0));
    for (let m = 0; m < na; m++) xs[m] = x0 + fill;
    added -= fill * na;
    xs[0] = xs[0]! + added;
    return xs;
  }

  /** Li/Al the as-made anode holds beyond the host at the cell temperature (free Li, Li-rich phases) */
  get xBeyondHostAsMade(): number {
    const a = this.p.anode;
    return Math.max(0, a.li_mol_m2 / a.al_mol_m2 - this.xHost);
  }

  /**
   * Li metal in the anode (mol m⁻²) over na equal-Al volumes (index 0 at the SE): `plated` is what the
   * first volume holds beyond the host on top of what it held as made (Li deposited at the separator);
   * `free` all other Li beyond the host (the as-made excess, wherever it is).
   */
  lithiumMetal(xs: ArrayLike<number>): { plated: number; free: number } {
    const xh = this.xHost;
    const per = this.p.anode.al_mol_m2 / xs.length;
    let total = 0;
    for (let m = 0; m < xs.length; m++) total += xs[m]! - hostX(xs[m]!, xh).h;
    const x0 = xs[0]!;
    const plated = Math.max(0, x0 - hostX(x0, xh).h - this.xBeyondHostAsMade);
    return { plated: plated * per, free: Math.max(0, total - plated) * per };
  }

  /**
   * After a cycle: the anode's residual porosity after dealloying. The discharge took Li out of the
   * alloy (the cycle's discharge charge); the volume that left is V(x_end + Δx) − V(x_end) per Al, of
   * which a fraction `anode.voidRetention` stays as pores (Eq. 1's B). Li-metal stripping leaves no
   * alloy skeleton behind and is excluded (only the host part of the swing counts).
   */
  recordSwing(xs: ArrayLike<number>, cycle: { discharge_C: number }): void {
    const f = this.p.anode.voidRetention;
    if (!(f > 0) || !(cycle.discharge_C > 0)) return;
    const xh = this.xHost;
    let xm = 0;
    for (let m = 0; m < xs.length; m++) xm += Math.min(xh, xs[m]!);
    xm /= xs.length;
    const dx = cycle.discharge_C / F / this.nAl;
    const top = Math.min(xh, xm + dx);
    const T = this.T;
    const dV = anodeVolumePerAl(top, T) - anodeVolumePerAl(xm, T);
    this.ageing.anodeVoid_m += f * Math.max(0, dV) * this.p.anode.al_mol_m2;
  }

  /** Li/Al above which the anode's host lattice is full and Li is metal (the Li-richest phase at T) */
  get xHost(): number {
    return this.xHostT;
  }

  Ua(x: number, direction = 0): { U: number; dUdx: number; dUdDirection: number } {
    if (!Number.isFinite(x)) return liAlOcp(x, this.T, {}, direction); // its error names the field
    const c = this.ua;
    c.at(x, direction);
    return { U: c.U, dUdx: c.dUdx, dUdDirection: c.dUdDirection };
  }

  /**
   * hysteresis direction from the anode current density i (A m⁻², positive = lithiation on charge):
   * a smooth sign, tanh(i/i_h) with i_h = 1 A m⁻² (assumption), and its derivative
   */
  static direction(i: number): { dir: number; d: number } {
    const t = Math.tanh(i);
    return { dir: t, d: 1 - t * t };
  }

  /** stoichiometries of a uniform rest state at the given soc (fraction of the design window) */
  restStoich(soc: number): { y: number; x: number } {
    if (!(soc >= 0 && soc <= 1)) throw problem('soc', 'must be in [0, 1]', String(soc), '0..1');
    const q = this.window.qLo + soc * (this.window.qHi - this.window.qLo);
    return { y: this.window.y0 - q / this.nC, x: this.window.x0 + q / this.nAl };
  }

  /** nominal capacity of the design window (C) */
  get nominalCapacity_C(): number {
    return (this.window.qHi - this.window.qLo) * F;
  }

  get cathodeActiveMass_kg(): number {
    const c = this.p.cathode;
    return c.activeFraction * c.thickness_m * this.p.area_m2 * c.density_kg_m3;
  }

  /**
   * Cell thickness (m) under the stack pressure for a mean cathode stoichiometry and the anode's Li/Al
   * profile (equal Al per finite volume). See thicknessModel().
   */
  thickness(yMean: number, xs: ArrayLike<number>): number {
    return thicknessModel(this.p, yMean, xs, this.ageing);
  }
}

export function validateParams(p: SsbCellParams): void {
  const pos = (path: string, v: number): void => {
    if (!(Number.isFinite(v) && v > 0)) throw problem(path, 'must be > 0', String(v), '> 0');
  };
  pos('area_m2', p.area_m2);
  pos('temperature_K', p.temperature_K);
  pos('stackPressure_Pa', p.stackPressure_Pa);
  pos('cathode.thickness_m', p.cathode.thickness_m);
  pos('cathode.activeFraction', p.cathode.activeFraction);
  pos('cathode.electrolyteFraction', p.cathode.electrolyteFraction);
  pos('cathode.particleRadius_m', p.cathode.particleRadius_m);
  pos('cathode.cMax_mol_m3', p.cathode.cMax_mol_m3);
  pos('separator.thickness_m', p.separator.thickness_m);
  pos('anode.al_mol_m2', p.anode.al_mol_m2);
  if (!(p.anode.li_mol_m2 >= 0)) throw problem('anode.li_mol_m2', 'must be ≥ 0', String(p.anode.li_mol_m2), '≥ 0');
  if (!(p.vMax_V > p.vMin_V))
    throw problem('vMax_V', 'must be > vMin_V', `${p.vMax_V} ≤ ${p.vMin_V}`, 'vMax_V > vMin_V');
}

/**
 * The design window in terms of q = mol Li moved from cathode to anode, from the as-made state
 * (cathode at yPristine, anode at x0 = Li/Al). qLo: most discharged rest state (cathode full, anode
 * empty, or OCV = vMin); qHi: OCV = vMax or the cathode's lowest allowed stoichiometry.
 */
/** the most lithiated rest state of a layered oxide: every site but a vacancy fraction of 1e-4 (params.ts yPristine) */
export const Y_FULL = 1 - 1e-4;

export function designWindow(p: SsbCellParams, ocpC: CathodeOcp): { qLo: number; qHi: number; y0: number; x0: number } {
  const d = derive(p);
  const nC = d.cathodeLi_mol_perY;
  const nAl = p.anode.al_mol_m2 * p.area_m2;
  const y0 = p.cathode.yPristine;
  const x0 = p.anode.li_mol_m2 / p.anode.al_mol_m2;
  const T = p.temperature_K;
  const ocv = (q: number): number => ocpC.U(y0 - q / nC) - liAlOcp(x0 + q / nAl, T, { hysteresis_V: 0 }).U;
  // feasible q range from the stoichiometries: y ≤ the full stoichiometry (a cathode made full stays at
  // or below its as-made state however much spare Li a prelithiated anode holds; one made partly
  // delithiated can be filled up to full), x ≥ 0, y ≥ yMinAllowed
  let lo = Math.max((y0 - Math.max(y0, Y_FULL)) * nC, -x0 * nAl);
  const hiBound = (y0 - p.cathode.yMinAllowed) * nC;
  if (!(hiBound > lo))
    throw problem('cathode.yPristine', 'leaves no window', String(y0), `> yMinAllowed ${p.cathode.yMinAllowed}`);
  // shift lo up to where OCV ≥ vMin (OCV increases with q)
  if (ocv(lo) < p.vMin_V) lo = bisect((q) => ocv(q) - p.vMin_V, lo, hiBound);
  let hi = hiBound;
  if (ocv(hi) > p.vMax_V) hi = bisect((q) => ocv(q) - p.vMax_V, lo, hiBound);
  return { qLo: lo, qHi: hi, y0, x0 };
}

/**
 * Volume per Al atom (m³ mol⁻¹) at Li/Al = x and temperature T: linear between the phases stable at T
 * (Al, β-LiAl, Li3Al2, Li9Al4 — molar volumes of DS §2.1), i.e. the lever rule of a two-phase mixture;
 * beyond the host limit each further Li adds the molar volume of Li metal.
 */
export function anodeVolumePerAl(x: number, T_K = REFERENCE_TEMPERATURE_K): number {
  const V = MOLAR_VOLUME;
  if (x <= 0) return V.Al;
  const data = liAlElectrodeData(T_K);
  let xa = 0;
  let va: number = V.Al;
  for (const pl of data.plateaus) {
    const vb = V[pl.richPhase];
    if (x <= pl.richX) return va + ((x - xa) / (pl.richX - xa)) * (vb - va);
    xa = pl.richX;
    va = vb;
  }
  return va + (x - xa) * V.Li;
}

/** relative volume change of the cathode active material at stoichiometry y (vs y = 1) */
export function cathodeVolumeStrain(p: SsbCellParams, y: number): number {
  return cathodeVolumeStrainLaw(p)(y);
}
/**
 * cathodeVolumeStrain(p, ·) with what depends only on p looked up once (the same arithmetic): for loops
 * that evaluate it for the same cell many times (a pack's multi-year ageing)
 */
export function cathodeVolumeStrainLaw(p: SsbCellParams): (y: number) => number {
  const c = p.cathode;
  const span = 1 - c.yRefVolume;
  const dv = c.latticeVolumeChange;
  // Ni-rich layered oxides: the c-axis collapse is concentrated at high delithiation → quadratic
  // shape (assumption on the shape; end value from the cited total change); others linear.
  const nonlinear = /^NC/.test(c.activeMaterial);
  return (y) => {
    const s = Math.max(0, Math.min(1.2, (1 - y) / span));
    return dv * (nonlinear ? s * s : s);
  };
}

/**
 * Thickness model for the Eq. 1 expansion rate (seed [0178]): the produced layers only (A at the as-made
 * state is their sum), each laterally constrained (all volume change goes into thickness — assumption for
 * a bonded web in a fixture) and elastically compressed by the stack pressure P held by the fixture:
 * t = t₀·(1 − P/E) (the stack-pressure compliance).
 *  - anode: the line's as-made thickness plus Σ (n_Al/N)·(V(x_m) − V(x₀)) / A — the volume per Al of the
 *    phases lithiation forms at T (DS §2.1) and Li metal beyond the host; the Li that stays in the anode
 *    after a cycle (trapped, plated) thickens it; plus the residual porosity after dealloying;
 *  - cathode composite: L·(1 + ε_AM·(1 − φ)·ΔV/V(y)), where the pore fraction φ accommodates part of
 *    the particle breathing (electrolyte/pore compliance — assumption), ΔV/V from the cited lattice change;
 *  - separator and collectors: constant; interphase growth adds a film (Li consumed × V_m(Li2S-like)
 *    ≈ 2.8e-5 m³ mol⁻¹ Li, assumption) on the cathode side.
 */
export function thicknessModel(p: SsbCellParams, yMean: number, xs: ArrayLike<number>, ageing?: AgeingState): number {
  const c = p.cathode;
  const P = p.stackPressure_Pa;
  const Ec = p.electrolyte.youngsModulus_Pa; // composite modulus ~ SE modulus (assumption)
  // the anode as the line made it (its phases and pores) plus the volume its Li/Al change since then
  // adds or removes (the phases lithiation forms at the cell temperature, and Li metal beyond the host)
  const T = p.temperature_K;
  const x0 = p.anode.li_mol_m2 / p.anode.al_mol_m2;
  const v0 = anodeVolumePerAl(x0, T);
  let dv = 0;
  for (let m = 0; m < xs.length; m++) dv += anodeVolumePerAl(xs[m]!, T) - v0;
  const tAnode = p.anode.thickness_m + (dv * p.anode.al_mol_m2) / xs.length;
  const tCath =
    c.thickness_m *
    (1 +
      c.activeFraction * (1 - c.porosity) * cathodeVolumeStrain(p, yMean) -
      c.activeFraction * cathodeVolumeStrain(p, c.yPristine) * (1 - c.porosity));
  const tFilm = ageing ? (ageing.lostLi_mol / p.area_m2) * 2.8e-5 : 0;
  const tVoid = ageing ? ageing.anodeVoid_m : 0;
  const tSep = p.separator.thickness_m;
  const tCC = p.collectors.cathodeCollectorThickness_m + p.collectors.anodeCollectorThickness_m;
  return (
    (tAnode + tVoid) * (1 - P / p.anode.youngsModulus_Pa) +
    (tCath + tFilm) * (1 - P / Ec) +
    tSep * (1 - P / Ec) +
    tCC * (1 - P / p.collectors.youngsModulus_Pa)
  );
}
