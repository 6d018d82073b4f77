/**
 * Roll-gap mechanics of a multilayer strip in a force-controlled nip (stations 222, 236, 240).
 *
 * Model (shared/data/process-models.md §1; issue 14 item 1 and 6):
 *  - Force per contact width P′ = F / min(face width, web width).
 *  - Normal stress is continuous through the stack (thin-layer approximation). Each layer either
 *      · deforms plastically with a friction hill: required mean pressure p̄ = k̄·Q, k̄ = (2/√3)·σ̄ from the
 *        layer's flow law at the Hoff–Dahl mean strain rate ε̇ = v·φ/L. The shear on each face is bounded by
 *        min(μ·p, k of the softer neighbour) (Orowan's friction limit, Proc. IMechE 150 (1943) 140, applied per
 *        interface): a hard layer next to soft Li or liquid Li has an almost frictionless face. Symmetric faces
 *        use Ford–Alexander (sticking, J. Inst. Met. 92 (1963–64) 397) or Stone/Orowan (Coulomb, Iron Steel
 *        Eng. 30 (1953) 61); unequal faces the slab equation dp/ds = (τ_top + τ_bottom)/h with each τ piecewise
 *        linear in p, integrated in closed form;
 *      · densifies (particulate composites) by Heckel's law, ε = ε_green·exp(−p/P_y) (Heckel 1961);
 *      · or, when soft (Li solid or liquid) and stuck to a neighbour that does not elongate plastically (a
 *        metal foil it leaves the nip bonded to; a roll face separates at the exit and does not hold it), is
 *        held to that neighbour's elongation: velocity compatibility at the
 *        bonded/sticking interfaces of a laminate (bonded-bimetal slab models, e.g. Alexandrov & Mustafa, Adv.
 *        Mater. Sci. Eng. 2014, 702376). In steady state the flux h·v of every layer is conserved, so a soft
 *        layer between elastic foils leaves the nip at its supplied thickness; it carries the load
 *        hydrostatically (compliance t/K with its bulk modulus) and its permanent log strain is the mean of
 *        its stuck neighbours' (Couette). What the nip cannot hold is reported as mass with its place: the
 *        lateral extrusion of solid Li within b = (p̄ − k̄)·h/k̄ of each web edge (sticking lateral friction
 *        hill, into the edge trim) and the start-up bead the entry holds (back-extrusion length p̄h/k̄);
 *        liquid Li is handled by alloying.ts (rejected at the inlet, to the edges).
 *  - Elastic layered contact (Johnson, Contact Mechanics (1985) §5.9 limits): the stack and the two steel rolls
 *    are compliances in series, each layer between its thin-layer (confined Winkler, t/M) and half-space
 *    (16a/(3πE′)) limits, C_i = t/(M + 3πE′t/(16a)); the rolls add 16a/(3πE′_roll), which reproduces the 2D
 *    Hertz half-width of a rigid strip (a² = 4P′R/(πE′)). This replaces the earlier Winkler stack with
 *    Hitchcock flattening (valid for plastic drafts, not for an elastic stack).
 *  - Geometry: two equal rolls of radius R; contact length with entry/plastic zone and elastic exit zone
 *    L = √(R(Δh_p + δ_e)) + √(R·δ_e) (Fleck, Johnson, Mear & Zhang, Proc. IMechE B 206 (1992) 119),
 *    δ_e = (3/2)·p̄·C(L/2) (parabolic distribution, p_max = 1.5 p̄); force balance P′ = p̄·L: one monotone
 *    equation in L, solved with the project's root finder (numerics/roots.ts).
 *  - Stone's minimum rollable gauge of a hard layer, h_min = 3.58·D·μ_eff·k̄/E′_roll (Stone 1953; μ_eff the
 *    mean of the layer's face friction), is reported per layer.
 */
import { GAS_CONSTANT_J_PER_MOL_K } from '../materials/constants.ts';
import {
  confinedModulus,
  mechanicalProperties,
  PLANE_STRAIN_FACTOR,
  type MechanicalId,
} from '../materials/mechanics.ts';
import type { LayerInput, LayerRole, StationId, StationInput } from './types.ts';
import { bisectTest, fixedPoint, growBracket, illinois, newton, NewtonSearch } from '../numerics/roots.ts';

/** Coulomb friction at roll and hard-layer interfaces when the recipe gives none (assumption). */
export const DEFAULT_MU = 0.15; // assumption: lubricated/clean steel on foil, Lenard, Primer on Flat Rolling (2014) range 0.05–0.2 (U)
/** Porous-solid modulus E = E₀(1 − ε)² (Gibson & Ashby, Cellular Solids, 2nd ed. (1997), open-cell scaling; assumption for composites). */
export const porousModulus = (E0: number, porosity: number): number => E0 * (1 - porosity) * (1 - porosity);

let rollModulus: number | undefined;
/** plane-strain modulus E′ = E/(1 − ν²) of the roll steel, Pa (mechanics.json, read on first use: not at import) */
export function rollPlaneStrainModulus(): number {
  if (rollModulus === undefined) {
    const roll = mechanicalProperties('roll-steel');
    rollModulus = roll.youngsModulus.value / (1 - roll.poissonRatio.value ** 2);
  }
  return rollModulus;
}
const PI4 = Math.PI / 4;
const T_REF_HOLLOMON = 293.15; // K, Johnson–Cook reference temperature
/** Stone's minimum-gauge constant (Stone, Iron Steel Eng. 30 (1953) 61) */
export const STONE_CONSTANT = 3.58;

type Mode = 0 /* creep (Li) */ | 1 /* hollomon */ | 2 /* compaction */ | 3 /* brittle */ | 4 /* liquid */;

/** One face of a layer: Coulomb μ (Infinity = sticking) with the shear capped at cap·k̄/2. */
interface Face {
  mu: number;
  cap: number;
}

/** A layer resolved to plain numbers for the solver (no lookups in the loops). */
interface Resolved {
  mode: Mode;
  h0: number;
  eps0: number;
  epsGreen: number;
  epsMin: number;
  pSeen: number;
  Py: number;
  /** elastic confined modulus, and the layer's plane-strain modulus E′ (half-space limit) */
  M: number;
  Ep: number;
  /** bulk modulus (stiffness of a confined layer that flows plastically) */
  K: number;
  /** soft (Li solid or liquid) and held by stuck neighbours: its draft follows theirs */
  held: boolean;
  /** indices of the neighbour layers a held layer follows */
  follow: number[];
  faceTop: Face;
  faceBottom: Face;
  // creep
  sRef: number;
  rateRef: number;
  thermal: number; // exp(Q/(nR)(1/T − 1/Tref))
  invN: number;
  eta: number;
  // hollomon
  sy: number;
  K_h: number;
  nH: number;
  eps0H: number;
  soften: number;
  // scratch: draft result
  hOut: number;
  phi: number;
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
  /** deformed plastically, densified or flowed (a held soft layer flows but keeps its thickness) */
  yielded: boolean;
  mode: 'creep' | 'hollomon' | 'compaction' | 'brittle' | 'liquid';
  /** held to its stuck neighbours' elongation (velocity compatibility) */
  held: boolean;
  porosity_in: number;
  porosity_out: number;
  /** plane-strain flow stress at the exit (plastic layers), Pa */
  flowStress_Pa: number;
  /** highest pressure seen so far (compaction history), Pa */
  maxPressureSeen_Pa: number;
  /** mean friction coefficient of the layer's two faces (shear caps as equivalent μ at the mean pressure) */
  faceFriction: number;
  /** Stone's minimum rollable thickness of a hard metal layer, m (null for other layers) */
  minGauge_m: number | null;
}

export interface RollResult {
  station: StationId;
  force_N: number;
  contactWidth_m: number;
  lineLoad_N_per_m: number;
  contactLength_m: number;
  meanPressure_Pa: number;
  peakPressure_Pa: number;
  /** R′/R an elastic-roll Winkler stack would need for the same contact (1 = rigid rolls) */
  flattening: number;
  nipTime_s: number;
  totalReduction: number;
  layers: RollLayerResult[];
  /**
   * the soft layer's mass the nip cannot hold, per metre of web length: lateral extrusion within b of each
   * web edge (into the edge trim), m² (volume per length), and the start-up bead the entry holds per metre
   * of web width (a transient that re-enters the nip, not a loss), m²
   */
  softLayer: { index: number; edgeBand_m: number; edgeExtrusion_m2: number; entryBead_m2: number } | null;
}

export interface RollContext {
  speed_m_s: number;
  webWidth_m: number;
}

const isMetal = (m: Mode): boolean => m === 0 || m === 1 || m === 3;

function resolve(l: LayerInput, T: number): Resolved {
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
    Ep: E0 / (1 - nu * nu),
    K: E0 / (3 * (1 - 2 * nu)),
    held: false,
    follow: [],
    faceTop: { mu: 0, cap: 1 },
    faceBottom: { mu: 0, cap: 1 },
    sRef: 0,
    rateRef: 1,
    thermal: 1,
    invN: 1,
    eta: 0,
    sy: 0,
    K_h: 0,
    nH: 0,
    eps0H: 0,
    soften: 1,
    hOut: l.thickness_m,
    phi: 0,
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
    }
  } else if (fl.kind === 'hollomon') {
    r.mode = 1;
    r.sy = o.yieldStress ?? fl.yieldStress.value;
    r.K_h = fl.K.value;
    r.nH = fl.n.value;
    r.eps0H = Math.pow(r.sy / r.K_h, 1 / r.nH);
    const Ts = Math.max(0, (T - T_REF_HOLLOMON) / (m.meltingPoint.value - T_REF_HOLLOMON));
    r.soften = Math.max(0, 1 - Ts ** fl.thermalSofteningM.value);
  } else if (fl.kind === 'compaction') {
    r.mode = 2;
    r.eps0 = l.porosity ?? fl.greenPorosity.value;
    r.epsGreen = l.greenPorosity ?? r.eps0;
    r.epsMin = Math.min(fl.minPorosity.value, r.eps0);
    r.Py = o.heckelYieldPressure ?? fl.heckelYieldPressure.value;
    const Ep = porousModulus(E0, r.eps0);
    r.M = confinedModulus(Ep, nu);
    r.Ep = Ep / (1 - nu * nu);
    r.K = Ep / (3 * (1 - 2 * nu));
  }
  return r;
}

/** plane-strain mean flow stress k̄ of a plastic layer at log strain φ and strain rate v·φ/L (Pa) */
function kbarAt(r: Resolved, phi: number, rate: number): number {
  if (r.mode === 0) return PLANE_STRAIN_FACTOR * r.sRef * Math.pow(rate / r.rateRef, r.invN) * r.thermal;
  if (r.mode === 4) return 0;
  if (r.mode === 1) {
    // Hollomon–Swift σ = K(ε₀ + ε)^n, mean over the pass weighted (σ_in + 2σ_out)/3 (PyRolL roll_pass hook,
    // process-models.md §1.4a); ε = (2/√3)φ, the plane-strain equivalent strain
    const eps = PLANE_STRAIN_FACTOR * phi;
    const sOut = r.K_h * Math.pow(r.eps0H + eps, r.nH);
    return PLANE_STRAIN_FACTOR * r.soften * ((r.sy + 2 * sOut) / 3);
  }
  return Infinity;
}

function kbarOf(r: Resolved, phi: number, L: number, v: number): number {
  return kbarAt(r, phi, (v * phi) / L);
}

/** the shear strength k = k̄/2 a layer offers its neighbour across an interface (Pa; Infinity: not limiting) */
function interfaceShear(r: Resolved, L: number, v: number): number {
  if (r.mode === 4) return 0; // liquid Li transmits no shear
  if (r.mode === 0) return 0.5 * kbarAt(r, 1, v / L); // Li at the nip's strain rate scale v/L (assumption)
  if (r.mode === 1) return 0.5 * kbarAt(r, 0, 0);
  return Infinity; // elastic/brittle solids and compacts: the layer's own k limits
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

/**
 * Friction hill with unequal faces: dP/ds = (τ_top(P) + τ_bottom(P))/h̄ (P = p/k̄), each face
 * τ = min(μP, cap/2) (a cap below 1 is a softer neighbour's k), integrated in closed form region by region
 * (each region is linear in P: exponential or straight). Returns the mean (or peak) of P over the half-length.
 */
export function asymmetricHillFactor(L: number, hm: number, top: Face, bottom: Face, peak = false): number {
  const half = L / 2;
  const faces = [top, bottom];
  // breakpoints P* = cap/(2μ) where a Coulomb face reaches its cap, sorted
  const bps: number[] = [];
  for (const f of faces) if (f.mu > 0 && Number.isFinite(f.mu) && f.cap > 0) bps.push(f.cap / (2 * f.mu));
  bps.sort((a, b) => a - b);
  let P = 1;
  let s = 0;
  let integral = 0;
  for (let guard = 0; guard < 4 && s < half; guard++) {
    // slope dP/ds = (αP + β)/h̄ in the current region
    let alpha = 0;
    let beta = 0;
    for (const f of faces) {
      if (!Number.isFinite(f.mu)) beta += f.cap / 2;
      else if (f.mu > 0 && f.mu * P < f.cap / 2 - 1e-15) alpha += f.mu;
      else if (f.mu > 0) beta += f.cap / 2;
    }
    const next = bps.find((b) => b > P + 1e-15);
    const remaining = half - s;
    let ds = remaining;
    if (next !== undefined) {
      const need =
        alpha > 0
          ? (hm / alpha) * Math.log((next + beta / alpha) / (P + beta / alpha))
          : beta > 0
            ? ((next - P) * hm) / beta
            : Infinity;
      if (need < remaining) ds = need;
    }
    if (alpha > 0) {
      const c = P + beta / alpha;
      const e = Math.exp((alpha * ds) / hm);
      integral += c * (hm / alpha) * (e - 1) - (beta / alpha) * ds;
      P = c * e - beta / alpha;
    } else {
      integral += P * ds + (beta * ds * ds) / (2 * hm);
      P += (beta * ds) / hm;
    }
    s += ds;
  }
  if (s < half) {
    integral += P * (half - s);
  }
  return peak ? P : integral / half;
}

function hill(r: Resolved, L: number, hm: number, wantPeak: boolean): number {
  const t = r.faceTop;
  const b = r.faceBottom;
  const sym = t.mu === b.mu && t.cap === b.cap;
  if (sym && t.cap >= 1) return frictionHillFactor(L, hm, Number.isFinite(t.mu) ? t.mu : 'sticking', wantPeak);
  return asymmetricHillFactor(L, hm, t, b, wantPeak);
}

/** required mean pressure to thin layer r by log strain φ in a nip of length L */
function pReq(r: Resolved, phi: number, L: number, v: number): number {
  const h1 = r.h0 * Math.exp(-phi);
  if (r.mode === 4) return 0.5 * r.eta * v * L * (1 / (h1 * h1) - 1 / (r.h0 * r.h0));
  const hm = 0.5 * (r.h0 + h1);
  return kbarOf(r, phi, L, v) * hill(r, L, hm, false);
}

const H_FLOOR = 1e-9; // m: a layer cannot be thinner than ~atomic dimensions; p_req → ∞ there

/** the step of solvePhi's forward-difference slope in u = ln φ (its Newton converges to 1e-10 in u) */
const DU_SLOPE = 1e-6;
/** the lowest log of the log strain solvePhi searches (φ = e^−60 ≈ 1e-26: no draft) */
const U_MIN = -60;

/** the layer, pressure and nip solvePhi solves for (module-level: no closure allocated per solve) */
const phiProblem = { r: null as Resolved | null, lp: 0, L: 0, v: 0 };
/** g(u) = ln p_req(e^u) − ln pm and its forward-difference slope (to s.df; NaN where it is not rising) */
function phiResidual(u: number, s: NewtonSearch): number {
  const q = phiProblem;
  const r = q.r!;
  const gu = Math.log(pReq(r, Math.exp(u), q.L, q.v)) - q.lp;
  const gp = (Math.log(pReq(r, Math.exp(u + DU_SLOPE), q.L, q.v)) - q.lp - gu) / DU_SLOPE;
  s.df = gp > 0 ? gp : NaN;
  return gu;
}
const phiSearch = new NewtonSearch({ xtol: 1e-10, rtol: 0, maxIter: 100 });

/**
 * Log strain φ at which the layer's required mean pressure equals pm: the numerics' safeguarded Newton on
 * g(u) = ln p_req(e^u) − ln pm (u = ln φ; ln k̄ is linear in ln φ for the creep law, so g is nearly
 * linear) with a forward-difference slope, warm-started from the layer's previous solution, inside
 * [U_MIN, ln(room)] (g > 0 at the top: checked).
 */
function solvePhi(r: Resolved, pm: number, L: number, v: number): number {
  // the log strain left before the floor; a layer at it (or, by round-off of an earlier nip's h₀·e^(−φ), a hair
  // below it) takes no more: ln of a non-positive room would be NaN and reach the contact-length root finder
  const room = Math.log(r.h0 / H_FLOOR);
  if (!(room > 0)) return 0;
  const lp = Math.log(pm);
  const uHi = Math.log(room);
  const gHi = Math.log(pReq(r, Math.exp(uHi), L, v)) - lp;
  if (gHi <= 0) return Math.exp(uHi);
  const u0 = Math.min(uHi - 1e-6, Math.max(U_MIN + 1, r.uGuess));
  phiProblem.r = r;
  phiProblem.lp = lp;
  phiProblem.L = L;
  phiProblem.v = v;
  const s = phiSearch;
  newton(phiResidual, s, u0, U_MIN, uHi, undefined, undefined, undefined, gHi);
  phiProblem.r = null;
  // no sign change: even φ = e^−60 needs more than pm (no draft, s.x = U_MIN); max-iterations: the best point
  if (s.status === 'not-finite')
    throw new RangeError(
      `rolling: the required pressure of a layer is not a number at log strain e^${s.x} (pm ${pm} Pa)`,
    );
  r.uGuess = s.x;
  return Math.exp(s.x);
}

/** permanent draft of a free layer r at mean pressure pm and contact length L; writes r.hOut, r.phi, r.kbar, r.peak */
function draft(r: Resolved, pm: number, L: number, v: number): number {
  r.peak = 0;
  r.kbar = 0;
  r.phi = 0;
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
  r.phi = phi;
  r.hOut = r.h0 * Math.exp(-phi);
  if (r.mode === 4) {
    r.peak = 1.5 * pm;
  } else {
    r.kbar = kbarOf(r, phi, L, v);
    r.peak = r.kbar * hill(r, L, 0.5 * (r.h0 + r.hOut), true);
  }
  return r.h0 - r.hOut;
}

/** draft of a held soft layer: the mean permanent log strain of the neighbours it is stuck to */
function heldDraft(r: Resolved, rs: readonly Resolved[]): number {
  let phi = 0;
  for (const j of r.follow) phi += rs[j]!.phi;
  phi /= Math.max(1, r.follow.length);
  r.phi = phi;
  r.hOut = r.h0 * Math.exp(-phi);
  r.peak = 0;
  return r.h0 - r.hOut;
}

/** elastic compliance of the stack and both rolls at contact half-width a (m³ N⁻¹ per m: δ = 1.5·p̄·C) */
function compliance(rs: readonly Resolved[], a: number): number {
  let C = (16 * a) / (3 * Math.PI * rollPlaneStrainModulus());
  const g = (3 * Math.PI) / (16 * a);
  for (const r of rs) {
    // a held (plastically flowing, confined) layer stiffens like its bulk modulus; others by their confined modulus
    const M = r.held && r.mode !== 4 ? Math.max(r.K, r.M) : r.M;
    C += r.h0 / (M + g * r.Ep * r.h0);
  }
  return C;
}

/**
 * The friction face of layer i towards its neighbour j (j outside the stack: the roll). Module-level, not a
 * closure in rollStack: it runs for every layer of every nip of every produced cell.
 */
function faceOf(
  rs: readonly Resolved[],
  i: number,
  j: number,
  Lc: number,
  v: number,
  mu: number,
  liSticks: boolean,
): Face {
  const r = rs[i]!;
  if (j < 0 || j >= rs.length) return r.mode === 0 && liSticks ? { mu: Infinity, cap: 1 } : { mu, cap: 1 };
  const kn = interfaceShear(rs[j]!, Lc, v);
  const kOwn = 0.5 * kbarAt(r, 0, 0);
  if (r.mode === 0) return { mu: Infinity, cap: 1 }; // Li sticks to what it touches
  return { mu, cap: Number.isFinite(kn) && kOwn > 0 ? Math.min(1, kn / kOwn) : 1 };
}

/** the friction a face transmits at mean pressure pm: Coulomb μ capped by the layer's shear (k̄/2 · cap) */
function faceMu(fc: Face, kOwn: number, pm: number): number {
  return !Number.isFinite(fc.mu)
    ? pm > 0
      ? (0.5 * fc.cap * kOwn) / pm
      : 0
    : Math.min(fc.mu, pm > 0 ? (0.5 * fc.cap * kOwn) / pm : fc.mu);
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
  const mu = station.friction?.mu ?? DEFAULT_MU;
  const liSticks = station.friction?.liSticking ?? true;
  const rs = layers.map((l) => resolve(l, T));
  const n = rs.length;
  let H = 0;
  for (const r of rs) H += r.h0;
  // held soft layers: solid or liquid Li stuck to metal neighbour layers (they leave the nip bonded together)
  for (let i = 0; i < n; i++) {
    const r = rs[i]!;
    if (r.mode !== 0 && r.mode !== 4) continue;
    const f: number[] = [];
    // a roll face does not hold the Li after the exit (it separates; forward slip), a bonded foil does
    if (i > 0 && isMetal(rs[i - 1]!.mode) && rs[i - 1]!.mode !== 0) f.push(i - 1);
    if (i < n - 1 && isMetal(rs[i + 1]!.mode) && rs[i + 1]!.mode !== 0) f.push(i + 1);
    if (f.length) {
      r.held = true;
      r.follow = f;
    }
  }
  let L = 0;
  let pm = 0;
  let D = 0;
  const setFaces = (Lc: number): void => {
    for (let i = 0; i < n; i++) {
      const r = rs[i]!;
      r.faceTop = faceOf(rs, i, i - 1, Lc, v, mu, liSticks);
      r.faceBottom = faceOf(rs, i, i + 1, Lc, v, mu, liSticks);
    }
  };
  const drafts = (p: number, Lc: number): number => {
    let d = 0;
    for (const r of rs) if (!r.held) d += draft(r, p, Lc, v);
    for (const r of rs) if (r.held) d += heldDraft(r, rs);
    return d;
  };
  if (Pp > 0) {
    setFaces(2 * Math.cbrt(0.75 * Pp * R * compliance(rs, 1e-4)));
    const f = (Lc: number): number => {
      const p = Pp / Lc;
      const d = drafts(p, Lc);
      const de = 1.5 * p * compliance(rs, Lc / 2);
      return Math.sqrt(R * (d + de)) + Math.sqrt(R * de) - Lc;
    };
    // the elastic half-width (a³ = 0.75·P′·R·C(a), a fixed point that converges monotonically: C rises with a
    // and C/a falls, so d ln C/d ln a ≤ 1 and each iterate's log error is a third of the last's or less)
    const el = fixedPoint(
      (an) => Math.cbrt(0.75 * Pp * R * compliance(rs, an)),
      Math.cbrt(0.75 * Pp * R * compliance(rs, 1e-4)),
      { rtol: 1e-12, maxIter: 30 },
    );
    // 30 iterations shrink the log error by 3^−30 ≈ 5e-15 or more: not converged means C(a) is not a number
    if (!el.converged) throw new RangeError(`rolling: the elastic contact half-width did not settle (last ${el.x} m)`);
    const a = el.x;
    const Lel = 2 * a;
    setFaces(Lel);
    const flo = f(Lel);
    if (flo <= 0) L = Lel;
    else {
      const deEl = (1.5 * Pp * compliance(rs, a)) / Lel;
      // the plastic contact is longer than the elastic one and f < 0 once L exceeds the stack's whole draft's
      // chord: grow the trial length until f changes sign
      const g = growBracket(f, Lel, Math.sqrt(R * (H + deEl)) + Math.sqrt(R * deEl), { fLo: flo, maxSteps: 60 });
      if (g.status !== 'bracketed')
        throw new RangeError(`rolling: no contact length found up to ${g.hi} m (${g.status}) at line load ${Pp} N/m`);
      L = illinois(f, Lel, g.hi, { xtol: 1e-10 * g.hi, maxIter: 200 }, flo, g.fHi).x;
    }
    setFaces(L);
    pm = Pp / L;
    D = drafts(pm, L);
  } else {
    for (const r of rs) if (!r.held) draft(r, 0, 1, v);
    for (const r of rs) if (r.held) heldDraft(r, rs);
  }
  let peak = 1.5 * pm;
  for (const r of rs) if (r.peak > peak) peak = r.peak;
  const Cfull = L > 0 ? compliance(rs, L / 2) : 0;
  const Crig = L > 0 ? Cfull - (8 * L) / (3 * Math.PI * rollPlaneStrainModulus()) : 0;
  let soft: RollResult['softLayer'] = null;
  const out: RollLayerResult[] = layers.map((l, i) => {
    const r = rs[i]!;
    const porOut = r.mode === 2 ? 1 - (r.h0 * (1 - r.eps0)) / r.hOut : 0;
    const kOwn = r.mode === 1 ? kbarAt(r, r.phi, (v * r.phi) / Math.max(L, 1e-12)) : 0;
    const muEff = r.mode === 1 ? 0.5 * (faceMu(r.faceTop, kOwn, pm) + faceMu(r.faceBottom, kOwn, pm)) : 0;
    if (r.held && r.mode === 0 && pm > 0 && soft === null) {
      // lateral extrusion at the web edges (sticking lateral friction hill) and the start-up entry bead
      const kbarLi = kbarAt(r, 1, v / Math.max(L, 1e-12));
      const b = pm > kbarLi ? ((pm - kbarLi) * r.h0) / kbarLi : 0;
      const edge = Math.min(b, w / 2);
      soft = {
        index: i,
        edgeBand_m: edge,
        edgeExtrusion_m2: r.h0 * edge, // two edges × h·b/2
        entryBead_m2: pm > kbarLi ? r.h0 * Math.min(L, (pm / kbarLi) * r.h0) : 0,
      };
    }
    return {
      role: l.role,
      name: l.name,
      material: l.material,
      thickness_in_m: r.h0,
      thickness_out_m: r.hOut,
      elastic_m:
        L > 0
          ? (1.5 * pm * r.h0) /
            ((r.held && r.mode !== 4 ? Math.max(r.K, r.M) : r.M) + ((3 * Math.PI) / (8 * L)) * r.Ep * r.h0)
          : 0,
      reduction: (r.h0 - r.hOut) / r.h0,
      yielded: r.hOut < r.h0 || (r.held && r.mode === 0 && pm > 0),
      mode: (['creep', 'hollomon', 'compaction', 'brittle', 'liquid'] as const)[r.mode],
      held: r.held,
      porosity_in: r.mode === 2 ? r.eps0 : 0,
      porosity_out: porOut,
      flowStress_Pa: r.held && r.mode === 0 ? kbarAt(r, 1, v / Math.max(L, 1e-12)) : r.kbar,
      maxPressureSeen_Pa: r.mode === 2 ? Math.max(r.pSeen, 1.5 * pm) : 0,
      faceFriction: muEff,
      minGauge_m:
        r.mode === 1 ? (STONE_CONSTANT * station.rollDiameter_m * muEff * kOwn) / rollPlaneStrainModulus() : null,
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
    flattening: Crig > 0 ? Cfull / Crig : 1,
    nipTime_s: L / v,
    totalReduction: D / H,
    layers: out,
    softLayer: soft,
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
  // no force, no reduction: f(0) = −target < 0; double the force until the target is reached
  const g = growBracket((F) => red(F) - targetReduction, 0, Math.max(1, station.force_N), {
    fLo: -targetReduction,
    limit: maxForce_N,
  });
  if (g.status === 'not-finite')
    return {
      error: `targetReduction: the reduction at ${g.hi} N is not a number (allowed: a stack the model can roll)`,
    };
  if (g.status !== 'bracketed')
    return {
      error: `targetReduction: ${targetReduction} not reached below ${maxForce_N} N (allowed: a reduction the stack can take)`,
    };
  const b = bisectTest((F) => red(F) < targetReduction, g.lo, g.hi, { maxIter: 60, rtol: 1e-6 });
  return { force_N: 0.5 * (b.keep + b.drop) };
}
