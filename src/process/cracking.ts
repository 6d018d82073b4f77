/**
 * Fracture of the brittle Li–Al layer: bonded in the seed's sandwich (Cu | Li–Al | electrolyte | cathode)
 * versus free-standing (Li–Al with its unreacted Al, no carrier) under the same process conditions.
 *
 * Stress (laminated-plate theory, each layer linear-elastic, stress-free at formation):
 *   ε(z) = ε₀ + κ·z,  σᵢ(z) = Ēᵢ·(ε₀ + κz − eᵢ),  Σ∫σ dz = N,  Σ∫σ z dz = M  (Timoshenko, J. Opt. Soc. Am. 11
 *   (1925) 233 for the bimetal; Freund & Suresh, Thin Film Materials (2003) ch. 2 for multilayers).
 * Loads, applied identically to both configurations:
 *   1. alloying growth eigenstrain of the product: e_g = f_ip·((V_product/V_Al)^(1/3) − 1), f_ip = 0.1 the
 *      in-plane share of the isotropic growth strain (assumption: reaction layers accommodate growth mostly
 *      normal to the interface). Evaluated along the conversion path (the free bilayer is most bent half-way).
 *      The growth stress relaxes by flow at the reaction temperature to at most the alloy's strength
 *      (mechanics.ts, assumption) — stated, not silent.
 *   2. cooling from the formation temperature to 25 °C: eᵢ = αᵢ·(T_ref − T_form) (CTEs in mechanics.ts).
 *   3. web tension N (N m⁻¹) and bending on the winding core, κ = ±1/R_core (worst sign).
 *   4. stack pressure p (sandwich only, laterally confined by its bonded neighbours): in-plane
 *      σ = −ν/(1−ν)·p.
 *   Li metal creeps at these time scales (LePage 2019) and carries no long-term stress (modulus 0 here).
 * Fracture (Hutchinson & Suo, Adv. Appl. Mech. 29 (1992) 63, doi:10.1016/S0065-2156(08)70164-9):
 *   sandwiched: tunnel crack across a layer bounded on both faces, steady-state G = (π/4)·σ²h/Ē′
 *   (Ho & Suo, J. Appl. Mech. 60 (1993) 890; matched-moduli value, stiffer neighbours lower it — not included),
 *   capped in crack length: cracks arrest at the neighbours and fragments stay on the Cu.
 *   free-standing: through-thickness crack of half-length a in a sheet, G = π·σ²·a/Ē′ with no cap, evaluated
 *   at the intrinsic flaw a₀ = h (assumption: flaws/grains of the order of the layer thickness); once
 *   G ≥ Γ the crack runs unstably across the web.
 *   Γ = K_Ic²/Ē′ (Ē′ = E/(1−ν²)); risk = min(1, G/Γ).
 * Crack spacing of the bonded layer when G_ss > Γ: S = 2h·artanh(Γ/G_ss), a shear-lag interaction
 * G(S) = G_ss·tanh(S/2h) (form after Thouless, Olsson & Gupta, Acta Metall. Mater. 40 (1992) 1287; the tanh
 * closure is an assumption).
 */
import { LI_AL_PHASES, mechanicalProperties, type MechanicalId } from '../materials/mechanics.ts';
import { porousModulus } from './rolling.ts';
import { vmSolution, type PhaseAmounts } from './alloying.ts';

export const GROWTH_IN_PLANE_FRACTION = 0.1; // assumption
const T_REF = 298.15;

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
  let A = 0;
  let B = 0;
  let D = 0;
  let NT = 0;
  let MT = 0;
  const z: number[] = [];
  let zc = 0;
  for (const p of plies) {
    const z0 = zc;
    const z1 = zc + p.t;
    z.push(z0);
    A += p.E * (z1 - z0);
    B += (p.E * (z1 * z1 - z0 * z0)) / 2;
    D += (p.E * (z1 ** 3 - z0 ** 3)) / 3;
    NT += p.E * p.e * (z1 - z0);
    MT += (p.E * p.e * (z1 * z1 - z0 * z0)) / 2;
    zc = z1;
  }
  z.push(zc);
  if (kappaFixed !== undefined) return { e0: (N + NT - B * kappaFixed) / A, k: kappaFixed, z };
  const det = A * D - B * B;
  // M = 0
  const e0 = ((N + NT) * D - B * MT) / det;
  const k = (A * MT - B * (N + NT)) / det;
  return { e0, k, z };
}

export interface CrackConfigResult {
  risk: number;
  G_J_m2: number;
  Gamma_J_m2: number;
  /** highest in-plane tensile stress in the Li–Al layer, Pa */
  sigma_max_Pa: number;
  Z: number;
  mode: 'tunnel' | 'through_crack';
  /** conversion extent at which the driving force peaks */
  critical_extent: number;
  crack_spacing_m: number | null;
  crack_density_per_m: number;
  /** fraction of Li–Al that loses electronic contact when cracked */
  isolated_fraction: number;
}

export interface CrackInput {
  /** laminate above the Li–Al (towards the roll), top → down, e.g. Cu */
  above: CrackLayer[];
  /** laminate below the Li–Al, e.g. SE, cathode (, Al collector) */
  below: CrackLayer[];
  /** Al per m² initially and the end state of the alloying */
  nAl_mol_m2: number;
  end: PhaseAmounts;
  /** extent reached in the line */
  extent: number;
  T_form_K: number;
  webTension_N_per_m: number;
  coreRadius_m: number;
  stackPressure_Pa: number;
  /** override of the Li–Al fracture toughness, Pa m^½ (the library value is an assumption) */
  fractureToughness_Pa_m05?: number;
  /** override of the in-plane share of the growth strain */
  growthInPlaneFraction?: number;
}

const EXTENTS = [0.1, 0.25, 0.5, 0.75, 1];

function moduli(material: MechanicalId, porosity = 0): { Ebi: number; Eps: number; nu: number; alpha: number } {
  const m = mechanicalProperties(material);
  const E = porousModulus(m.youngsModulus.value, porosity);
  const nu = m.poissonRatio.value;
  return { Ebi: E / (1 - nu), Eps: E / (1 - nu * nu), nu, alpha: m.thermalExpansion.value };
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
  const growth =
    alloyAl > 0
      ? (inp.growthInPlaneFraction ?? GROWTH_IN_PLANE_FRACTION) * (Math.cbrt(Vprod / (alloyAl * vAl)) - 1)
      : 0;
  // dominant product phase sets the alloy's elastic and fracture data
  const prodId: MechanicalId =
    end.Li9Al4 > Math.max(end.LiAl, end.Li3Al2) ? 'Li9Al4' : end.Li3Al2 > end.LiAl ? 'Li3Al2' : 'LiAl';
  const prod = mechanicalProperties(prodId);
  const pm = moduli(prodId);
  const al = moduli('Al-O');
  const Eprime = pm.Eps;
  const Gamma = (inp.fractureToughness_Pa_m05 ?? prod.fractureToughness?.value ?? 1e6) ** 2 / Eprime;
  const sFlow = prod.tensileStrength.value;
  const dT = T_REF - inp.T_form_K;

  const evalConfig = (sandwich: boolean): CrackConfigResult => {
    let best = { G: 0, s: 0, xi: 0, h: 0 };
    const xis = EXTENTS.filter((x) => x < inp.extent).concat([inp.extent]);
    for (const xi of xis) {
      if (xi <= 0) continue;
      const h = xi * Vprod;
      const hAl = (1 - xi) * inp.nAl_mol_m2 * vAl;
      const layers: { id: MechanicalId; t: number; por: number; alloy: boolean }[] = [];
      if (sandwich)
        for (const l of inp.above)
          layers.push({ id: l.material, t: l.thickness_m, por: l.porosity ?? 0, alloy: false });
      layers.push({ id: prodId, t: h, por: 0, alloy: true });
      if (hAl > 0) layers.push({ id: 'Al-O', t: hAl, por: 0, alloy: false });
      if (sandwich)
        for (const l of inp.below)
          layers.push({ id: l.material, t: l.thickness_m, por: l.porosity ?? 0, alloy: false });
      const mods = layers.map((l) => (l.id === prodId && l.alloy ? pm : l.id === 'Al-O' ? al : moduli(l.id, l.por)));
      // (1) growth eigenstrain, biaxial moduli, free curvature; relaxed to ± the alloy strength
      const g = laminate(
        layers.map((l, i) => ({ E: mods[i]!.Ebi, t: l.t, e: l.alloy ? growth : 0 })),
        0,
        undefined,
      );
      // (2) cooling, (3a) web tension, free curvature
      const th = laminate(
        layers.map((l, i) => ({ E: mods[i]!.Eps, t: l.t, e: mods[i]!.alpha * dT })),
        inp.webTension_N_per_m,
        undefined,
      );
      // (3b) bending on the core: extra curvature ±1/R about the laminate's neutral axis
      const bend = laminate(
        layers.map((l, i) => ({ E: mods[i]!.Eps, t: l.t, e: 0 })),
        0,
        1 / inp.coreRadius_m,
      );
      const ia = layers.findIndex((l) => l.alloy);
      const zA = g.z[ia]!;
      const zB = g.z[ia + 1]!;
      const pStack = sandwich ? (-pm.nu / (1 - pm.nu)) * inp.stackPressure_Pa : 0;
      for (const zz of [zA, zB]) {
        const sg = pm.Ebi * (g.e0 + g.k * zz - growth);
        const sgr = Math.max(-sFlow, Math.min(sFlow, sg));
        const sth = pm.Eps * (th.e0 + th.k * zz - pm.alpha * dT);
        // neutral-axis bending strain: fixed curvature with zero net force → ε₀ = −B·κ/A
        const sb = Math.abs(pm.Eps * (bend.e0 + bend.k * zz));
        const s = sgr + sth + sb + pStack;
        const sigma = Math.max(0, s);
        const G = sandwich ? ((Math.PI / 4) * sigma * sigma * h) / Eprime : (Math.PI * sigma * sigma * h) / Eprime;
        if (G > best.G || best.h === 0) best = { G, s, xi, h };
      }
    }
    const risk = Math.min(1, best.G / Gamma);
    let spacing: number | null = null;
    if (sandwich && best.G > Gamma) spacing = 2 * best.h * Math.atanh(Gamma / best.G);
    return {
      risk,
      G_J_m2: best.G,
      Gamma_J_m2: Gamma,
      sigma_max_Pa: best.s,
      Z: sandwich ? Math.PI / 4 : Math.PI,
      mode: sandwich ? 'tunnel' : 'through_crack',
      critical_extent: best.xi,
      crack_spacing_m: spacing,
      crack_density_per_m: spacing ? 1 / spacing : 0,
      isolated_fraction: sandwich ? 0 : risk >= 1 ? 1 : 0,
    };
  };
  return { sandwiched: evalConfig(true), free_standing: evalConfig(false) };
}
