/**
 * Fracture of the brittle Li–Al alloy layer: bonded in the seed's sandwich (Cu | Li–Al | electrolyte | cathode)
 * versus free-standing (the same Li–Al with its unreacted Al, no carrier), under the same loads and with the
 * SAME flaw population (like with like, issue 14 item 7), during formation AND on the first cycles.
 *
 * Stress (laminated-plate theory, each layer linear-elastic, stress-free at formation):
 *   ε(z) = ε₀ + κ·z,  σᵢ(z) = Ēᵢ·(ε₀ + κz − eᵢ),  Σ∫σ dz = N,  Σ∫σ z dz = M  (Timoshenko, J. Opt. Soc. Am. 11
 *   (1925) 233 for the bimetal; Freund & Suresh, Thin Film Materials (2003) ch. 2 for multilayers).
 * Moduli where they apply: equibiaxial eigenstrains (growth, cooling, cycling) Ē = E/(1 − ν); uniaxial web
 * tension and cylindrical bending of a wide web E/(1 − ν²).
 * Loads:
 *   1. growth eigenstrain of the product: e_g = f_ip·((V_product/V_Al)^(1/3) − 1), f_ip the in-plane share of
 *      the isotropic growth strain (assumption 0.1, range 0–1: reaction layers grow mostly normal to the
 *      interface). The growth stress relaxes by creep of the alloy while it forms: under a steady eigenstrain
 *      rate ė = e_g/t_g (t_g the time the alloy takes to form) the stress cannot exceed the creep stress
 *      σ_c = σ_cref·(ė/ε̇_ref)^(1/n_c) (power-law creep, Norton; β-LiAl creep data: none — assumption σ_cref
 *      = 20 MPa at ε̇_ref = 1e-6 s⁻¹, n_c = 4, range 5–80 MPa); the two combine as 1/σ = 1/σ_el + 1/σ_c
 *      (smooth, no clamp).
 *   2. cooling from the formation temperature to 25 °C: eᵢ = αᵢ·(T_ref − T_form).
 *   3. web tension N (N m⁻¹) and bending on the winding core, κ = ±1/R_core (worst sign).
 *   4. stack pressure p (sandwich only): σ = −ν/(1−ν)·p.
 *   5. the first cycles: the anode takes the cathode's Li on charge and gives it back on discharge
 *      (`cycleLi_mol_m2`); Li added to a Li–Al host with Al left forms β (+ΔV per Al), otherwise it plates as
 *      metal (no alloy strain). Delithiation contracts the alloy by the same in-plane share: tension. It
 *      relaxes by creep over the discharge time (C/10: 10 h).
 *   Li metal creeps at these time scales (LePage 2019) and carries no long-term stress (left out).
 * Fracture (Hutchinson & Suo, Adv. Appl. Mech. 29 (1992) 63, doi:10.1016/S0065-2156(08)70164-9), both from the
 * same intrinsic flaws a₀ = h (assumption: flaws of the order of the layer thickness):
 *   sandwiched: tunnel crack across a layer bounded on both faces, G = (π/4)·σ²h/Ē′ (Ho & Suo, J. Appl. Mech.
 *   60 (1993) 890; matched moduli), capped: cracks arrest at the neighbours and fragments stay on the Cu;
 *   free-standing: through-thickness crack of half-length a₀ in a sheet, G = π·σ²·a₀/Ē′, unstable once G ≥ Γ.
 *   Γ = K_Ic²/Ē′ (Ē′ = E/(1−ν²)); risk = min(1, G/Γ) (CONTRACT: driving force over resistance capped at 1);
 *   the uncapped ratio G/Γ is reported and compared for claim 2.
 * Crack spacing of the bonded layer when G_ss > Γ: S = 2h·artanh(Γ/G_ss), a shear-lag interaction
 * G(S) = G_ss·tanh(S/2h) (form after Thouless, Olsson & Gupta, Acta Metall. Mater. 40 (1992) 1287; the tanh
 * closure is an assumption).
 */
import { REFERENCE_TEMPERATURE_K } from '../materials/constants.ts';
import { LI_AL_PHASES, mechanicalProperties, type MechanicalId } from '../materials/mechanics.ts';
import { porousModulus } from './rolling.ts';
import { vmSolution, type PhaseAmounts } from './alloying.ts';

export const GROWTH_IN_PLANE_FRACTION = 0.1; // assumption
/** the temperature the formed alloy's thermal misfit is taken to (the cell at 25 °C) */
const T_REF = REFERENCE_TEMPERATURE_K;

export interface CrackLayer {
  material: MechanicalId;
  thickness_m: number;
  porosity?: number;
  /** the brittle Li–Al layer whose cracking is evaluated */
  brittle?: boolean;
}

export interface Ply {
  E: number; // Ē for the load case
  t: number;
  e: number; // eigenstrain
}

/** Solve the laminate for ε₀, κ (free curvature when kappaFixed is undefined). */
export function laminate(
  plies: readonly Ply[],
  N: number,
  kappaFixed: number | undefined,
): { e0: number; k: number; z: number[] } {
  const n = plies.length;
  const E = new Float64Array(n);
  const t = new Float64Array(n);
  const e = new Float64Array(n);
  plies.forEach((p, i) => {
    E[i] = p.E;
    t[i] = p.t;
    e[i] = p.e;
  });
  const z = new Float64Array(n + 1);
  const out = new Float64Array(2);
  solveLaminate(E, t, e, n, N, kappaFixed, z, out);
  return { e0: out[0]!, k: out[1]!, z: Array.from(z) };
}

/**
 * laminate on plies held in arrays (the first n of E, t, e): the ply faces into z (n + 1) and ε₀, κ into out —
 * no objects, for crackRisk's many laminates per cell.
 */
function solveLaminate(
  E: Float64Array,
  t: Float64Array,
  e: Float64Array,
  n: number,
  N: number,
  kappaFixed: number | undefined,
  z: Float64Array,
  out: Float64Array,
): void {
  let A = 0;
  let B = 0;
  let D = 0;
  let NT = 0;
  let MT = 0;
  let zc = 0;
  for (let i = 0; i < n; i++) {
    const Ei = E[i]!;
    const ei = e[i]!;
    const z0 = zc;
    const z1 = zc + t[i]!;
    z[i] = z0;
    A += Ei * (z1 - z0);
    B += (Ei * (z1 * z1 - z0 * z0)) / 2;
    D += (Ei * (z1 ** 3 - z0 ** 3)) / 3;
    NT += Ei * ei * (z1 - z0);
    MT += (Ei * ei * (z1 * z1 - z0 * z0)) / 2;
    zc = z1;
  }
  z[n] = zc;
  if (kappaFixed !== undefined) {
    out[0] = (N + NT - B * kappaFixed) / A;
    out[1] = kappaFixed;
    return;
  }
  const det = A * D - B * B;
  // M = 0
  out[0] = ((N + NT) * D - B * MT) / det;
  out[1] = (A * MT - B * (N + NT)) / det;
}

export interface CrackConfigResult {
  risk: number;
  /** uncapped driving force over resistance G/Γ (the quantity claim 2 compares) */
  ratio: number;
  G_J_m2: number;
  Gamma_J_m2: number;
  /** highest in-plane tensile stress in the Li–Al layer, Pa */
  sigma_max_Pa: number;
  Z: number;
  mode: 'tunnel' | 'through_crack';
  /** when the driving force peaks: during formation (extent) or on delithiation in the first cycles */
  critical: 'formation' | 'cycling';
  /** conversion extent at which the formation driving force peaks */
  critical_extent: number;
  /** the formation and the cycling driving ratios separately */
  formationRatio: number;
  cyclingRatio: number;
  crack_spacing_m: number | null;
  crack_density_per_m: number;
  /** fraction of Li–Al that loses electronic contact when cracked */
  isolated_fraction: number;
}

/** Uncertain crack-model parameters (defaults: the assumptions in the header). */
export interface CrackAssumptions {
  /** Li–Al fracture toughness, Pa m^½ (library value of the product phase) */
  fractureToughness_Pa_m05?: number;
  /** in-plane share of the isotropic growth (and cycling) strain */
  growthInPlaneFraction?: number;
  /** creep strength of the alloy at 1e-6 s⁻¹, Pa */
  creepStrength_Pa?: number;
}

export interface CrackInput extends CrackAssumptions {
  /** laminate above the Li–Al (towards the roll), top → down, e.g. Cu */
  above: CrackLayer[];
  /** laminate below the Li–Al, e.g. SE, cathode (, Al collector) */
  below: CrackLayer[];
  /** Al per m² initially and the state the alloying reaches (its product defines the layer) */
  nAl_mol_m2: number;
  end: PhaseAmounts;
  /** extent reached in the line (0..1 of `end`'s product) */
  extent: number;
  T_form_K: number;
  /** time over which the alloy formed, s (creep relaxation of the growth stress) */
  formationTime_s: number;
  webTension_N_per_m: number;
  coreRadius_m: number;
  stackPressure_Pa: number;
  /** Li the anode takes from the cathode on a full charge, mol m⁻² (0: no cycling evaluated) */
  cycleLi_mol_m2: number;
  /** duration of a half cycle, s (creep relaxation of the cycling stress; C/10 → 36 000 s) */
  halfCycle_s: number;
}

export const CREEP_STRENGTH_PA = 20e6; // assumption: 5–80 MPa at 1e-6 s⁻¹ (no β-LiAl creep data)
const CREEP_RATE_REF = 1e-6;
const CREEP_N = 4;

const EXTENTS = [0.1, 0.25, 0.5, 0.75, 1];

/** crackRisk's plies in arrays (its laminates' inputs and outputs): one set, grown when a call needs more plies */
function newPlyScratch(n: number): {
  t: Float64Array;
  Ebi: Float64Array;
  Eps: Float64Array;
  alpha: Float64Array;
  eg: Float64Array;
  Eth: Float64Array;
  eth: Float64Array;
  zero: Float64Array;
  zg: Float64Array;
  zs: Float64Array;
  g: Float64Array;
  th: Float64Array;
  ten: Float64Array;
  bend: Float64Array;
} {
  const a = (k: number): Float64Array => new Float64Array(k);
  return {
    t: a(n),
    Ebi: a(n),
    Eps: a(n),
    alpha: a(n),
    eg: a(n),
    Eth: a(n),
    eth: a(n),
    zero: a(n),
    zg: a(n + 1),
    zs: a(n + 1),
    g: a(2),
    th: a(2),
    ten: a(2),
    bend: a(2),
  };
}
let plyScratch = newPlyScratch(8);

/** a ply's moduli: Ē = E/(1 − ν) (biaxial), E/(1 − ν²), ν and α */
interface Moduli {
  Ebi: number;
  Eps: number;
  nu: number;
  alpha: number;
}

function moduli(material: MechanicalId, porosity = 0): Moduli {
  const m = mechanicalProperties(material);
  const E = porousModulus(m.youngsModulus.value, porosity);
  const nu = m.poissonRatio.value;
  return { Ebi: E / (1 - nu), Eps: E / (1 - nu * nu), nu, alpha: m.thermalExpansion.value };
}

/** creep-limited stress: 1/σ = 1/σ_el + 1/σ_c (signs kept) */
function relaxed(sigmaEl: number, strain: number, time_s: number, creepStrength: number): number {
  if (sigmaEl === 0) return 0;
  const rate = Math.abs(strain) / Math.max(time_s, 1e-9);
  const sc = creepStrength * Math.pow(Math.max(rate, 1e-30) / CREEP_RATE_REF, 1 / CREEP_N);
  return sigmaEl / (1 + Math.abs(sigmaEl) / sc);
}

/** the dominant product phase, which sets the alloy's elastic and fracture data */
function productPhase(end: PhaseAmounts): MechanicalId {
  return end.Li9Al4 > Math.max(end.LiAl, end.Li3Al2) ? 'Li9Al4' : end.Li3Al2 > end.LiAl ? 'Li3Al2' : 'LiAl';
}

/** the Li–Al fracture toughness crackRisk uses, Pa m^½: the input's, else the product phase's library value */
export function crackToughness(inp: CrackInput): number {
  return inp.fractureToughness_Pa_m05 ?? mechanicalProperties(productPhase(inp.end)).fractureToughness?.value ?? 1e6;
}

/** Evaluate both configurations. */
export function crackRisk(inp: CrackInput): { sandwiched: CrackConfigResult; free_standing: CrackConfigResult } {
  const end = inp.end;
  const alloyAl = end.alpha + end.LiAl + end.Li3Al2 + end.Li9Al4;
  const Vprod =
    end.alpha * vmSolution(end.xAlpha) +
    end.LiAl * vmSolution(end.xBeta) +
    end.Li3Al2 * LI_AL_PHASES.Li3Al2.molarVolume.value +
    end.Li9Al4 * LI_AL_PHASES.Li9Al4.molarVolume.value;
  const vAl = LI_AL_PHASES.Al.molarVolume.value;
  const fip = inp.growthInPlaneFraction ?? GROWTH_IN_PLANE_FRACTION;
  const growth = alloyAl > 0 ? fip * (Math.cbrt(Vprod / (alloyAl * vAl)) - 1) : 0;
  const prodId = productPhase(end);
  const pm = moduli(prodId);
  const al = moduli('Al-O');
  const Eprime = pm.Eps;
  const Gamma = crackToughness(inp) ** 2 / Eprime;
  const creep = inp.creepStrength_Pa ?? CREEP_STRENGTH_PA;
  const dT = T_REF - inp.T_form_K;
  // cycling: Li taken on charge forms β from the Al left (per Al: V_LiAl − V_Al), beyond it plates as metal
  const alLeft = Math.max(0, inp.nAl_mol_m2 - inp.extent * alloyAl);
  const alCycled = Math.min(alLeft, Math.max(0, inp.cycleLi_mol_m2));
  const hAlloyEnd = inp.extent * Vprod;
  const dVcyc = alCycled * (LI_AL_PHASES.LiAl.molarVolume.value - vAl);
  const cycStrain = hAlloyEnd > 0 ? -fip * (Math.cbrt(1 + dVcyc / Math.max(hAlloyEnd, 1e-30)) - 1) : 0;

  // the plies' moduli, once per call, when first needed (a ply that is not the alloy keeps its material and
  // porosity at every extent); an Al-O ply takes the Al's, as the Al left does
  const modOf = (l: CrackLayer): Moduli => (l.material === 'Al-O' ? al : moduli(l.material, l.porosity ?? 0));
  let modsAbove: Moduli[] | null = null;
  let modsBelow: Moduli[] | null = null;
  // the plies, top → down (sandwiched: the layers above, the alloy, the Al left, the layers below; free-standing:
  // the alloy and the Al left), in arrays for solveLaminate: thickness, the moduli Ē (biaxial) and E/(1 − ν²),
  // α; the alloy's index
  const nMax = inp.above.length + inp.below.length + 2;
  if (plyScratch.t.length < nMax) plyScratch = newPlyScratch(nMax);
  const { t, Ebi, Eps, alpha, eg, Eth, eth, zero, zg, zs, g, th, ten, bend } = plyScratch;
  let n = 0;
  const ply = (m: Moduli, thickness: number): void => {
    t[n] = thickness;
    Ebi[n] = m.Ebi;
    Eps[n] = m.Eps;
    alpha[n] = m.alpha;
    n++;
  };
  const plies = (sandwich: boolean, h: number, hAl: number): number => {
    n = 0;
    if (sandwich) {
      modsAbove ??= inp.above.map(modOf);
      for (let k = 0; k < inp.above.length; k++) ply(modsAbove[k]!, inp.above[k]!.thickness_m);
    }
    const ia = n;
    ply(pm, h);
    if (hAl > 0) ply(al, hAl);
    if (sandwich) {
      modsBelow ??= inp.below.map(modOf);
      for (let k = 0; k < inp.below.length; k++) ply(modsBelow[k]!, inp.below[k]!.thickness_m);
    }
    return ia;
  };

  /** highest tensile in-plane stress in the alloy ply for an eigenstrain e (relaxed over time_s) plus the common loads */
  const peakStress = (sandwich: boolean, h: number, hAl: number, e: number, time_s: number, cool: boolean): number => {
    const ia = plies(sandwich, h, hAl);
    for (let i = 0; i < n; i++) {
      eg[i] = i === ia ? e : 0;
      Eth[i] = cool ? Ebi[i]! : Eps[i]!;
      eth[i] = cool ? alpha[i]! * dT : 0;
    }
    solveLaminate(Ebi, t, eg, n, 0, undefined, zg, g);
    solveLaminate(Eth, t, eth, n, 0, undefined, zs, th);
    solveLaminate(Eps, t, zero, n, inp.webTension_N_per_m, undefined, zs, ten);
    solveLaminate(Eps, t, zero, n, 0, 1 / inp.coreRadius_m, zs, bend);
    const pStack = sandwich ? (-pm.nu / (1 - pm.nu)) * inp.stackPressure_Pa : 0;
    let best = -Infinity;
    for (let f = ia; f <= ia + 1; f++) {
      const zz = zg[f]!;
      const sg = relaxed(pm.Ebi * (g[0]! + g[1]! * zz - e), e, time_s, creep);
      const sth = cool ? pm.Ebi * (th[0]! + th[1]! * zz - pm.alpha * dT) : 0;
      const st = pm.Eps * (ten[0]! + ten[1]! * zz);
      const sb = Math.abs(pm.Eps * (bend[0]! + bend[1]! * zz));
      best = Math.max(best, sg + sth + st + sb + pStack);
    }
    return best;
  };

  const evalConfig = (sandwich: boolean): CrackConfigResult => {
    const Z = sandwich ? Math.PI / 4 : Math.PI;
    const Gof = (sigma: number, h: number): number => (Z * Math.max(0, sigma) ** 2 * h) / Eprime;
    // formation, along the conversion path
    let form = { G: 0, s: 0, xi: 0, h: 0 };
    const xis = EXTENTS.filter((x) => x < inp.extent).concat([inp.extent]);
    for (const xi of xis) {
      if (xi <= 0) continue;
      const h = xi * Vprod;
      const hAl = Math.max(0, inp.nAl_mol_m2 - xi * alloyAl) * vAl;
      const s = peakStress(sandwich, h, hAl, growth, inp.formationTime_s * xi, true);
      const G = Gof(s, h);
      if (G > form.G || form.h === 0) form = { G, s, xi, h };
    }
    // the first cycles: contraction of the alloy on delithiation, relaxed over the half cycle
    let cyc = { G: 0, s: 0, h: hAlloyEnd };
    if (hAlloyEnd > 0 && cycStrain !== 0) {
      const hAl = alLeft * vAl;
      const s = peakStress(sandwich, hAlloyEnd, hAl, cycStrain, inp.halfCycle_s, false);
      cyc = { G: Gof(s, hAlloyEnd), s, h: hAlloyEnd };
    }
    const worst =
      cyc.G > form.G
        ? { ...cyc, xi: inp.extent, critical: 'cycling' as const }
        : { ...form, critical: 'formation' as const };
    const ratio = worst.G / Gamma;
    const risk = Math.min(1, ratio);
    let spacing: number | null = null;
    if (sandwich && worst.G > Gamma) spacing = 2 * worst.h * Math.atanh(Gamma / worst.G);
    return {
      risk,
      ratio,
      G_J_m2: worst.G,
      Gamma_J_m2: Gamma,
      sigma_max_Pa: worst.s,
      Z,
      mode: sandwich ? 'tunnel' : 'through_crack',
      critical: worst.critical,
      critical_extent: worst.xi,
      formationRatio: form.G / Gamma,
      cyclingRatio: cyc.G / Gamma,
      crack_spacing_m: spacing,
      crack_density_per_m: spacing ? 1 / spacing : 0,
      isolated_fraction: sandwich ? 0 : risk >= 1 ? 1 : 0,
    };
  };
  return { sandwiched: evalConfig(true), free_standing: evalConfig(false) };
}
