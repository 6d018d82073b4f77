/**
 * Heat of the Li + Al reaction and the temperature of the web.
 *
 *  - Formation enthalpies per mol of atoms: LiAl −20.55, Li₃Al₂ −19.1, Li₉Al₄ −15.1 kJ mol⁻¹ (Dębski,
 *    Gąsior et al., J. Alloys Compd. 586 (2014) 703; materials/mechanics.ts LI_AL_PHASES). The α solid
 *    solution's small enthalpy is neglected (assumption).
 *  - Areal heat capacity C_A = Σ ρᵢ·c_p,i·tᵢ·(1 − εᵢ) (J m⁻² K⁻¹), c_p from the CRC Handbook (mechanics.ts).
 *  - Adiabatic rise ΔT_ad = Q_A / C_A.
 *  - Open web: lumped balance C_A·dT/dt = q − 2h(T − T_∞) (two faces, Newton cooling; h ≈ 10 W m⁻² K⁻¹ free
 *    convection, Incropera & DeWitt, Fundamentals of Heat and Mass Transfer, 6th ed., Table 1.1; assumption
 *    for the line), time constant τ_web = C_A/(2h).
 *  - Wound roll: nearly adiabatic; the slowest radial conduction mode of a long cylinder decays with
 *    τ_roll = ρc·r²/(k·j₀₁²), j₀₁ = 2.405 (Carslaw & Jaeger, Conduction of Heat in Solids, 2nd ed. (1959) §7.4),
 *    radial k of a laminate roll ≈ 0.5 W m⁻¹ K⁻¹ (assumption: layered, interfaces with air gaps).
 *  - Li melts at 180.5 °C (453.65 K) with a latent heat of 3.0 kJ/mol (li-al.json, JANAF / Kirk-Othmer):
 *    the enthalpy method holds the web at the melting point while the free Li melts or freezes (the history is
 *    an ODE solved by src/numerics, with melting and freezing located as events: alloying.ts `alloyHistory`).
 *  - In the nip the web is heated from both rolls through the contact conductance h_c (assumption
 *    3·10⁴ W m⁻² K⁻¹, range 10⁴–10⁵ for pressed metal/roll contacts, Madhusudana, Thermal Contact
 *    Conductance, 2nd ed., Springer (2014) ch. 3) and conducts through its thickness: τ_nip = C_A/(2h_c) +
 *    ρc·H²/(π²·k_eff) (lumped contact + the slowest through-thickness mode of a slab heated on both faces,
 *    Carslaw & Jaeger §3.3; k_eff from the layers in series). For the example stack this is ≈ 10–40 ms
 *    against a ≈ 19 ms nip, so the nip does not bring the web to the roll temperature at once.
 */
import { mechanicalProperties } from '../materials/mechanics.ts';
import { liAlData } from '../materials/li-al.ts';
import { REFERENCE_TEMPERATURE_K } from '../materials/constants.ts';

/** ambient of the line hall when a recipe gives none, K: 25 °C (assumption: a conditioned dry room, 15–30 °C) */
export const DEFAULT_AMBIENT_K = REFERENCE_TEMPERATURE_K;

/** melting point of Li, K (li-al.json; read on first use, not at import) */
export const liMelting_K = (): number => liAlData().phases.Li.meltingPoint!.value;
/** latent heat of fusion of Li, J mol⁻¹ (li-al.json; read on first use, not at import) */
export const liLatentHeat_J_mol = (): number => liAlData().phases.Li.latentHeatOfFusion!.value;
/** roll/web contact conductance in the nip, W m⁻² K⁻¹ (assumption, 1e4–1e5) */
export const NIP_CONTACT_CONDUCTANCE = 3e4;
/** through-thickness conductivities by mechanical class, W m⁻¹ K⁻¹ (CRC; composites assumption) */
const CONDUCTIVITY: Record<string, number> = {
  Li: 85,
  'Al-O': 237,
  'Al-H14': 237,
  'Al-H18': 237,
  'Al-particles': 20,
  Cu: 400,
  Ni: 90,
  SS: 16,
  LiAl: 40,
  Li3Al2: 30,
  Li9Al4: 30,
  'sulfide-SE': 0.7,
  'oxide-SE': 1.5,
  'halide-SE': 0.7,
  'polymer-SE': 0.2,
  'cathode-composite': 0.8,
};
export const ROLL_RADIAL_CONDUCTIVITY = 0.5; // W m⁻¹ K⁻¹, assumption
const J01_SQ = 2.405 * 2.405;

export interface ThermalLayer {
  material: string;
  thickness_m: number;
  porosity?: number;
}

/** Σ ρ c_p t (1 − ε), J m⁻² K⁻¹ */
export function arealHeatCapacity(layers: readonly ThermalLayer[]): number {
  let c = 0;
  for (const l of layers) {
    const m = mechanicalProperties(l.material);
    c += m.density.value * m.specificHeat.value * l.thickness_m * (1 - (l.porosity ?? 0));
  }
  return c;
}

/**
 * Time constant of the web heating up in the nip from both rolls, s: contact conductance in series with
 * the slowest through-thickness conduction mode (see the header).
 */
export function nipTimeConstant(layers: readonly ThermalLayer[], h_c = NIP_CONTACT_CONDUCTANCE): number {
  let C = 0;
  let H = 0;
  let Rk = 0;
  for (const l of layers) {
    const m = mechanicalProperties(l.material);
    C += m.density.value * m.specificHeat.value * l.thickness_m * (1 - (l.porosity ?? 0));
    H += l.thickness_m;
    Rk += l.thickness_m / ((CONDUCTIVITY[l.material] ?? 1) * (1 - (l.porosity ?? 0)));
  }
  if (!(H > 0)) return 0;
  const kEff = H / Rk;
  return C / (2 * h_c) + ((C / H) * (H * H)) / (Math.PI * Math.PI * kEff);
}

/** open-web time constant C_A/(2h), s */
export function webTimeConstant(arealHeatCapacity_J_m2K: number, htc_W_m2K: number): number {
  return arealHeatCapacity_J_m2K / (2 * htc_W_m2K);
}

/** wound-roll time constant ρc·r²/(k·j₀₁²), s; ρc = C_A / web thickness */
export function rollTimeConstant(
  arealHeatCapacity_J_m2K: number,
  webThickness_m: number,
  outerRadius_m: number,
  k = ROLL_RADIAL_CONDUCTIVITY,
): number {
  const rhoC = arealHeatCapacity_J_m2K / webThickness_m;
  return (rhoC * outerRadius_m * outerRadius_m) / (k * J01_SQ);
}
