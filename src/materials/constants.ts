/**
 * Physical constants (SI). Source: CODATA 2018 recommended values,
 * E. Tiesinga et al., Rev. Mod. Phys. 93, 025010 (2021), doi:10.1103/RevModPhys.93.025010.
 */
export const FARADAY_C_PER_MOL = 96485.33212; // C mol⁻¹ (exact product e·N_A)
export const GAS_CONSTANT_J_PER_MOL_K = 8.314462618; // J mol⁻¹ K⁻¹ (exact)
export const AVOGADRO_PER_MOL = 6.02214076e23; // mol⁻¹ (exact)
export const BOLTZMANN_J_PER_K = 1.380649e-23; // J K⁻¹ (exact)
export const ELEMENTARY_CHARGE_C = 1.602176634e-19; // C (exact)
export const ZERO_CELSIUS_K = 273.15; // K (exact, ITS-90 definition)
export const REFERENCE_TEMPERATURE_K = 298.15; // K, 25 °C reference for Arrhenius laws
/** Short aliases used in equations. */
export const F = FARADAY_C_PER_MOL;
export const R = GAS_CONSTANT_J_PER_MOL_K;
