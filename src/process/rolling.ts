/**
 * Roll-gap mechanics of a multilayer strip in a force-controlled nip (stations 222, 236, 240).
 *
 * Model (shared/data/process-models.md §1, "recommended implementation" of §1.4c):
 *  - Force per contact width P′ = F / min(face width, web width).
 *  - The stack is a series of layers under one normal-pressure distribution (thin-layer approximation:
 *    normal stress is continuous through the stack). Each layer either
 *      · deforms plastically with a friction hill — its required mean pressure is p̄ = k̄·Q(L/h̄) with
 *        Ford–Alexander sticking, Q = π/4 + L/(4h̄) (Ford & Alexander, J. Inst. Met. 92 (1963–64) 397), or
 *        Stone's Coulomb friction hill, Q = (eˣ − 1)/x, x = μL/h̄ (Stone, Iron Steel Eng. 30 (1953) 61),
 *        the smaller of the two (friction shear cannot exceed the shear yield stress);
 *        k̄ = (2/√3)·σ̄ from the layer's flow law at the Hoff–Dahl mean strain rate ε̇ = v·φ/L;
 *      · densifies (particulate composites) by Heckel's law, ε = ε_green·exp(−p/P_y) (Heckel 1961);
 *      · or is squeezed as a Newtonian film when liquid (Li above 180.5 °C): Stefan/Reynolds squeeze film
 *        between parallel plates, p̄ = η·v·L·(1/h₁² − 1/h₀²)/2 (Stefan 1874; Reynolds 1886);
 *    and every layer also compresses elastically as a Winkler spring of stiffness M/t (M the confined
 *    modulus). The reduction split between layers is therefore an output (Alexandrov & Mustafa, Adv. Mater.
 *    Sci. Eng. 2014, 702376: usually the soft layer yields alone; a thin soft layer can be so constrained by
 *    its friction hill that the hard one yields first).
 *  - Geometry: two equal rolls of radius R′; contact length with entry/plastic zone and elastic exit zone
 *    L = √(R′(Δh_p + δ_e)) + √(R′·δ_e) (Fleck, Johnson, Mear & Zhang, Proc. IMechE B 206 (1992) 119 —
 *    elastic strip zones; it reduces to the Winkler half-width 2a = 2√(R′δ_e) of an elastic stack),
 *    δ_e = (3/2)·p̄·Σ tᵢ/Mᵢ (parabolic Winkler distribution, p_max = 1.5 p̄).
 *  - Force balance P′ = p̄·L; with p̄ = P′/L the problem is one monotone equation in L.
 *  - Roll flattening by Hitchcock: R′/R = 1 + C·P′/Δh, C = 16(1 − ν²)/(πE) (Hitchcock, ASME Research
 *    Publication (1935)); for R′/R > 5.235 Bohm–Flaxa–Hinkfoth's 2·(C·P′/Δh)^(2/3) (process-models.md §1.2),
 *    solved by fixed-point iteration with Δh = Δh_p + δ_e.
 */
import { GAS_CONSTANT_J_PER_MOL_K } from '../materials/constants.ts';
import {
  confinedModulus,
  mechanicalProperties,
  PLANE_STRAIN_FACTOR,
  type MechanicalId,
} from '../materials/mechanics.ts';
import type { LayerInput, LayerRole, StationId, StationInput } from './types.ts';
import { illinois } from '../numerics/roots.ts';

/** Coulomb friction at roll and hard-layer interfaces when the recipe gives none (assumption). */
export const DEFAULT_MU = 0.15; // assumption: lubricated/clean steel on foil, Lenard, Primer on Flat Rolling (2014) range 0.05–0.2 (U)
/** Porous-solid modulus E = E₀(1 − ε)² (Gibson & Ashby, Cellular Solids, 2nd ed. (1997), open-cell scaling; assumption for composites). */
export const porousModulus = (E0: number, porosity: number): number => E0 * (1 - porosity) * (1 - porosity);

const ROLL = mechanicalProperties('roll-steel');
/** Hitchcock constant C = 16(1 − ν²)/(πE) of the roll steel, m² N⁻¹ (per m of width: m/(N/m)). */
export const HITCHCOCK_C = (16 * (1 - ROLL.poissonRatio.value ** 2)) / (Math.PI * ROLL.youngsModulus.value);
const PI4 = Math.PI / 4;
const T_REF_HOLLOMON = 293.15; // K, Johnson–Cook reference temperature

type Mode = 0 /* creep (Li) */ | 1 /* hollomon */ | 2 /* compaction */ | 3 /* brittle */ | 4 /* liquid */;

/** A layer resolved to plain numbers for the solver (no lookups in the loops). */
interface Resolved {
  mode: Mode;
  h0: number;
  eps0: number;
  epsGreen: number;
  epsMin: number;
  pSeen: number;
  Py: number;
  M: number;
  sticking: boolean;
  mu: number;
  // creep
  sRef: number;
  rateRef: number;
  thermal: number; // exp(Q/(nR)(1/T − 1/Tref))
  invN: number;
  eta: number;
  // hollomon
  sy: number;
  K: number;
  nH: number;
  eps0H: number;
  soften: number;
  // scratch: draft result
  hOut: number;
  /** warm start ln φ */
  uGuess: number;
  kbar: number;
  peak: number;
}

export interface RollLayerResult {
  role: LayerRole;
  name: string;
  material: MechanicalId;
  thickness_in_m: number;
  thickness_out_m: number;
  /** elastic compression at the peak pressure, recovered at exit, m */
  elastic_m: number;
  /** permanent reduction (h_in − h_out)/h_in */
  reduction: number;
  /** deformed plastically, densified or was squeezed as a liquid */
  yielded: boolean;
  mode: 'creep' | 'hollomon' | 'compaction' | 'brittle' | 'liquid';
  porosity_in: number;
  porosity_out: number;
  /** plane-strain flow stress at the exit (plastic layers), Pa */
  flowStress_Pa: number;
  /** highest pressure seen so far (compaction history), Pa */
  maxPressureSeen_Pa: number;
}

export interface RollResult {
  station: StationId;
  force_N: number;
  contactWidth_m: number;
  lineLoad_N_per_m: number;
  contactLength_m: number;
  meanPressure_Pa: number;
  peakPressure_Pa: number;
  /** R′/R */
  flattening: number;
  nipTime_s: number;
  totalReduction: number;
  layers: RollLayerResult[];
}

export interface RollContext {
  speed_m_s: number;
  webWidth_m: number;
}

function resolve(l: LayerInput, T: number, friction: StationInput['friction']): Resolved {
  const m = mechanicalProperties(l.material);
  const fl = m.flowLaw;
  const o = l.mechanics ?? {};
  const E0 = o.youngsModulus ?? m.youngsModulus.value;
  const nu = m.poissonRatio.value;
  const r: Resolved = {
    mode: 3,
    h0: l.thickness_m,
    eps0: 0,
    epsGreen: 0,
    epsMin: 0,
    pSeen: l.maxPressureSeen_Pa ?? 0,
    Py: Infinity,
    M: confinedModulus(E0, nu),
    sticking: false,
    mu: friction?.mu ?? DEFAULT_MU,
    sRef: 0,
    rateRef: 1,
    thermal: 1,
    invN: 1,
    eta: 0,
    sy: 0,
    K: 0,
    nH: 0,
    eps0H: 0,
    soften: 1,
    hOut: l.thickness_m,
    uGuess: Math.log(0.01),
    kbar: 0,
    peak: 0,
  };
  if (fl.kind === 'creep') {
    if (T >= m.meltingPoint.value) {
      r.mode = 4;
      r.eta = fl.liquidViscosity.value;
    } else {
      r.mode = 0;
      r.sRef = o.yieldStress ?? fl.sigmaRef.value;
      r.rateRef = fl.strainRateRef.value;
      r.invN = 1 / fl.n.value;
      r.thermal = Math.exp(
        (fl.Q.value / (fl.n.value * GAS_CONSTANT_J_PER_MOL_K)) * (1 / T - 1 / fl.temperatureRef.value),
      );
      r.sticking = friction?.liSticking ?? true;
    }
  } else if (fl.kind === 'hollomon') {
    r.mode = 1;
    r.sy = o.yieldStress ?? fl.yieldStress.value;
    r.K = fl.K.value;
    r.nH = fl.n.value;
    r.eps0H = Math.pow(r.sy / r.K, 1 / r.nH);
    const Ts = Math.max(0, (T - T_REF_HOLLOMON) / (m.meltingPoint.value - T_REF_HOLLOMON));
    r.soften = Math.max(0, 1 - Ts ** fl.thermalSofteningM.value);
  } else if (fl.kind === 'compaction') {
    r.mode = 2;
    r.eps0 = l.porosity ?? fl.greenPorosity.value;
    r.epsGreen = l.greenPorosity ?? r.eps0;
    r.epsMin = Math.min(fl.minPorosity.value, r.eps0);
    r.Py = o.heckelYieldPressure ?? fl.heckelYieldPressure.value;
    r.M = confinedModulus(porousModulus(E0, r.eps0), nu);
  }
  return r;
}

/** plane-strain mean flow stress k̄ of a plastic layer at log strain φ (Pa) */
function kbarOf(r: Resolved, phi: number, L: number, v: number): number {
  if (r.mode === 0) {
    const rate = (v * phi) / L; // Hoff–Dahl mean equivalent strain rate (process-models.md §1.1)
    return PLANE_STRAIN_FACTOR * r.sRef * Math.pow(rate / r.rateRef, r.invN) * r.thermal;
  }
  // Hollomon–Swift σ = K(ε₀ + ε)^n, mean over the pass weighted (σ_in + 2σ_out)/3 (PyRolL roll_pass hook,
  // process-models.md §1.4a); ε = (2/√3)φ, the plane-strain equivalent strain
  const eps = PLANE_STRAIN_FACTOR * phi;
  const sOut = r.K * Math.pow(r.eps0H + eps, r.nH);
  return PLANE_STRAIN_FACTOR * r.soften * ((r.sy + 2 * sOut) / 3);
}

/**
 * Friction-hill factor Q = p̄/k̄ (or p_peak/k̄ when `peak`) of a thin plastic layer of mean thickness h̄
 * over a deformation zone of length L (slab method, flat-platen approximation, hill rising from both ends
 * over L/2):
 *  - 'sticking': Ford–Alexander π/4 + L/(4h̄), peak π/4 + L/(2h̄);
 *  - Coulomb μ with Orowan's friction limit τ = min(μp, k), k = k̄/2 (Orowan, Proc. IMechE 150 (1943) 140):
 *    slip zone p = k̄·e^(2μs/h̄) (Stone, Iron Steel Eng. 30 (1953) 61: mean (eˣ − 1)/x, x = μL/h̄, when
 *    it never sticks) up to p* = k̄/(2μ) at s* = h̄·ln(1/(2μ))/(2μ), then the sticking slope dp/ds = k̄/h̄
 *    (closed form of the two zones, C). Checked against a von Kármán integration in test/process/karman.test.ts.
 */
export function frictionHillFactor(L: number, hm: number, friction: number | 'sticking', peak = false): number {
  if (friction === 'sticking') return peak ? PI4 + L / (2 * hm) : PI4 + L / (4 * hm);
  const mu = friction;
  const half = L / 2;
  if (mu <= 0) return 1;
  const pStar = 1 / (2 * mu); // p*/k̄
  const sStar = pStar > 1 ? (hm * Math.log(pStar)) / (2 * mu) : 0;
  if (sStar >= half) {
    const x = (mu * L) / hm;
    if (peak) return Math.exp(x);
    return x < 1e-8 ? 1 + x / 2 : Math.expm1(x) / x;
  }
  const p0 = Math.max(1, pStar);
  const slip = pStar > 1 ? (hm / (2 * mu)) * (pStar - 1) : 0; // ∫ over the slip zone / k̄
  const rest = half - sStar;
  if (peak) return p0 + rest / hm;
  return (slip + p0 * rest + (rest * rest) / (2 * hm)) / half;
}

function hill(r: Resolved, L: number, hm: number, wantPeak: boolean): number {
  return frictionHillFactor(L, hm, r.sticking ? 'sticking' : r.mu, wantPeak);
}

/** required mean pressure to thin layer r by log strain φ in a nip of length L */
function pReq(r: Resolved, phi: number, L: number, v: number): number {
  const h1 = r.h0 * Math.exp(-phi);
  if (r.mode === 4) return 0.5 * r.eta * v * L * (1 / (h1 * h1) - 1 / (r.h0 * r.h0));
  const hm = 0.5 * (r.h0 + h1);
  return kbarOf(r, phi, L, v) * hill(r, L, hm, false);
}

const H_FLOOR = 1e-9; // m: a layer cannot be thinner than ~atomic dimensions; p_req → ∞ there

/**
 * Log strain φ at which the layer's required mean pressure equals pm: safeguarded Newton on
 * g(u) = ln p_req(e^u) − ln pm (u = ln φ; ln k̄ is linear in ln φ for the creep law, so g is nearly
 * linear), warm-started from the layer's previous solution, with a bisection fallback inside [uLo, uHi].
 */
function solvePhi(r: Resolved, pm: number, L: number, v: number): number {
  const lp = Math.log(pm);
  let uHi = Math.log(Math.log(r.h0 / H_FLOOR));
  if (Math.log(pReq(r, Math.exp(uHi), L, v)) - lp <= 0) return Math.exp(uHi);
  let uLo = -60;
  let u = Math.min(uHi - 1e-6, Math.max(uLo + 1, r.uGuess));
  let gu = Math.log(pReq(r, Math.exp(u), L, v)) - lp;
  for (let it = 0; it < 100; it++) {
    if (gu > 0) uHi = u;
    else uLo = u;
    const du = 1e-6;
    const gp = (Math.log(pReq(r, Math.exp(u + du), L, v)) - lp - gu) / du;
    let un = gp > 0 ? u - gu / gp : 0.5 * (uLo + uHi);
    if (!(un > uLo && un < uHi)) un = 0.5 * (uLo + uHi);
    const step = Math.abs(un - u);
    u = un;
    gu = Math.log(pReq(r, Math.exp(u), L, v)) - lp;
    if (step < 1e-10 || gu === 0) break;
  }
  r.uGuess = u;
  return Math.exp(u);
}

/** permanent draft of layer r at mean pressure pm and contact length L; writes r.hOut, r.kbar, r.peak */
function draft(r: Resolved, pm: number, L: number, v: number): number {
  r.peak = 0;
  r.kbar = 0;
  if (r.mode === 3 || pm <= 0) {
    r.hOut = r.h0;
    return 0;
  }
  if (r.mode === 2) {
    const p = Math.max(1.5 * pm, r.pSeen);
    const eps = Math.min(r.eps0, Math.max(r.epsMin, r.epsGreen * Math.exp(-p / r.Py)));
    r.hOut = (r.h0 * (1 - r.eps0)) / (1 - eps);
    r.peak = 1.5 * pm;
    return r.h0 - r.hOut;
  }
  if (r.mode === 1 && pm <= pReq(r, 0, L, v)) {
    // below the yield onset k̄(0)·Q(L/h₀): elastic only
    r.hOut = r.h0;
    return 0;
  }
  const phi = solvePhi(r, pm, L, v);
  r.hOut = r.h0 * Math.exp(-phi);
  if (r.mode === 4) {
    r.peak = 1.5 * pm;
  } else {
    r.kbar = kbarOf(r, phi, L, v);
    r.peak = r.kbar * hill(r, L, 0.5 * (r.h0 + r.hOut), true);
  }
  return r.h0 - r.hOut;
}

/** Hitchcock / Bohm–Flaxa–Hinkfoth roll-flattening ratio R′/R */
export function flatteningRatio(lineLoad_N_per_m: number, draft_m: number): number {
  if (lineLoad_N_per_m <= 0) return 1;
  const q = (HITCHCOCK_C * lineLoad_N_per_m) / draft_m;
  return 1 + q > 5.235 ? 2 * Math.pow(q, 2 / 3) : 1 + q;
}

/**
 * Solve one nip: the permanent thickness each layer leaves with, for a roll pair pressed with
 * `station.force_N`. Layers are given top to bottom.
 */
export function rollStack(station: StationInput, layers: readonly LayerInput[], ctx: RollContext): RollResult {
  const T = station.temperature_K;
  const v = ctx.speed_m_s;
  const R = station.rollDiameter_m / 2;
  const w = Math.min(station.faceWidth_m, ctx.webWidth_m);
  const Pp = station.force_N / w;
  const rs = layers.map((l) => resolve(l, T, station.friction));
  let Ce = 0;
  let H = 0;
  for (const r of rs) {
    Ce += r.h0 / r.M;
    H += r.h0;
  }
  let L = 0;
  let pm = 0;
  let flat = 1;
  let D = 0;
  if (Pp > 0) {
    let Rp = R;
    for (let it = 0; it < 60; it++) {
      const RpNow = Rp;
      // friction hill over the strip's deformation zone only (undeformed-roll geometry, L·√(R/R′)):
      // the flattened central region of a foil contact does not deform plastically (Fleck & Johnson,
      // Int. J. Mech. Sci. 29 (1987) 507); flattening spreads the load (lower p̄) without lengthening the hill
      const hs = Math.sqrt(R / RpNow);
      const f = (Lc: number): number => {
        const p = Pp / Lc;
        let d = 0;
        for (const r of rs) d += draft(r, p, Lc * hs, v);
        const de = 1.5 * p * Ce;
        return Math.sqrt(RpNow * (d + de)) + Math.sqrt(RpNow * de) - Lc;
      };
      if (L > 0) {
        // warm start: the root moves little between flattening iterations
        const lo = L * 0.97;
        const hi = L * 1.03;
        const flo = f(lo);
        const fhi = f(hi);
        if (flo >= 0 && fhi <= 0) {
          L = illinois(f, lo, hi, { xtol: 1e-10 * hi, maxIter: 200 }, flo, fhi).x;
        } else L = 0;
      }
      if (L === 0) {
        // exact elastic solution (f ≥ 0 there) and an upper bound with the whole stack squeezed (f ≤ 0)
        const Lel = 2 * Math.cbrt(0.75 * Pp * RpNow * Ce);
        const deEl = (1.5 * Pp * Ce) / Lel;
        let Lhi = Math.sqrt(RpNow * (H + deEl)) + Math.sqrt(RpNow * deEl);
        let fhi = f(Lhi);
        while (fhi > 0) {
          Lhi *= 2;
          fhi = f(Lhi);
        }
        const flo = f(Lel);
        L = flo <= 0 ? Lel : illinois(f, Lel, Lhi, { xtol: 1e-10 * Lhi, maxIter: 200 }, flo, fhi).x;
      }
      pm = Pp / L;
      D = 0;
      for (const r of rs) D += draft(r, pm, L * hs, v);
      const de = 1.5 * pm * Ce;
      const RpNew = R * flatteningRatio(Pp, D + de);
      if (Math.abs(RpNew - Rp) <= 1e-8 * Rp) {
        Rp = RpNew;
        break;
      }
      // plain fixed point (contractive: the flattening correction is 0–40 % here); damp if it oscillates
      Rp = it < 10 ? RpNew : 0.5 * (Rp + RpNew);
    }
    flat = Rp / R;
  } else {
    for (const r of rs) draft(r, 0, 1, v);
  }
  let peak = 1.5 * pm;
  for (const r of rs) if (r.peak > peak) peak = r.peak;
  const out: RollLayerResult[] = layers.map((l, i) => {
    const r = rs[i]!;
    const porOut = r.mode === 2 ? 1 - (r.h0 * (1 - r.eps0)) / r.hOut : 0;
    return {
      role: l.role,
      name: l.name,
      material: l.material,
      thickness_in_m: r.h0,
      thickness_out_m: r.hOut,
      elastic_m: (1.5 * pm * r.h0) / r.M,
      reduction: (r.h0 - r.hOut) / r.h0,
      yielded: r.hOut < r.h0,
      mode: (['creep', 'hollomon', 'compaction', 'brittle', 'liquid'] as const)[r.mode],
      porosity_in: r.mode === 2 ? r.eps0 : 0,
      porosity_out: porOut,
      flowStress_Pa: r.kbar,
      maxPressureSeen_Pa: r.mode === 2 ? Math.max(r.pSeen, 1.5 * pm) : 0,
    };
  });
  return {
    station: station.id,
    force_N: station.force_N,
    contactWidth_m: w,
    lineLoad_N_per_m: Pp,
    contactLength_m: L,
    meanPressure_Pa: pm,
    peakPressure_Pa: peak,
    flattening: flat,
    nipTime_s: L / v,
    totalReduction: D / H,
    layers: out,
  };
}

/**
 * The force a target permanent reduction needs (of layer `layerIndex`, or of the whole stack when
 * omitted), by bisection on the monotone force → reduction map. Returns an error value when the target
 * cannot be reached below `maxForce_N`.
 */
export function forceForReduction(
  station: StationInput,
  layers: readonly LayerInput[],
  ctx: RollContext,
  targetReduction: number,
  layerIndex?: number,
  maxForce_N = 1e7,
): { force_N: number } | { error: string } {
  if (!(targetReduction > 0 && targetReduction < 1))
    return { error: `targetReduction: must be in (0, 1) (got ${targetReduction}; allowed 0 < r < 1)` };
  const red = (F: number): number => {
    const res = rollStack({ ...station, force_N: F }, layers, ctx);
    return layerIndex === undefined ? res.totalReduction : res.layers[layerIndex]!.reduction;
  };
  let lo = 0;
  let hi = Math.max(1, station.force_N);
  while (red(hi) < targetReduction) {
    lo = hi;
    hi *= 2;
    if (hi > maxForce_N)
      return {
        error: `targetReduction: ${targetReduction} not reached below ${maxForce_N} N (allowed: a reduction the stack can take)`,
      };
  }
  for (let i = 0; i < 60 && hi - lo > 1e-6 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (red(mid) < targetReduction) lo = mid;
    else hi = mid;
  }
  return { force_N: 0.5 * (lo + hi) };
}
