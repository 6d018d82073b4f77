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
 *  - Li melts at 180.5 °C (453.65 K): flag any point above it.
 */
import { LI_AL_PHASES, mechanicalProperties } from '../materials/mechanics.ts';

export const LI_MELTING_K = mechanicalProperties('Li').meltingPoint.value;
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

/** Heat released (J m⁻², positive) when the given amounts of each phase form from the elements (mol of Al per m²). */
export function heatOfAlloying(nAl_LiAl: number, nAl_Li3Al2: number, nAl_Li9Al4: number): number {
  const atoms = (phase: 'LiAl' | 'Li3Al2' | 'Li9Al4', nAl: number): number => nAl * (1 + LI_AL_PHASES[phase].liPerAl);
  return -(
    atoms('LiAl', nAl_LiAl) * LI_AL_PHASES.LiAl.formationEnthalpyPerAtom.value +
    atoms('Li3Al2', nAl_Li3Al2) * LI_AL_PHASES.Li3Al2.formationEnthalpyPerAtom.value +
    atoms('Li9Al4', nAl_Li9Al4) * LI_AL_PHASES.Li9Al4.formationEnthalpyPerAtom.value
  );
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

/**
 * One implicit step of the lumped balance C_A dT = dQ − (C_A/τ)(T − T_env) dt (backward Euler in the
 * loss term, exact in the source): returns the new temperature.
 */
export function lumpedStep(T: number, dQ_J_m2: number, dt: number, C_A: number, tau: number, T_env: number): number {
  const a = Number.isFinite(tau) ? dt / tau : 0;
  return (T + dQ_J_m2 / C_A + a * T_env) / (1 + a);
}
