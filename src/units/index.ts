/**
 * Unit conversions at the edges. Everything inside rollcell is SI (m, s, kg, mol, A, V, K, Pa, N, J);
 * recipes and reports use the unit named in the field (thickness_um, temperature_C, …).
 */
import { ZERO_CELSIUS_K } from '../materials/constants.ts';

export const um = (x: number): number => x * 1e-6; // µm → m
export const toUm = (x_m: number): number => x_m * 1e6; // m → µm
export const mm = (x: number): number => x * 1e-3; // mm → m
export const toMm = (x_m: number): number => x_m * 1e3;
export const cm2 = (x: number): number => x * 1e-4; // cm² → m²
export const toCm2 = (a_m2: number): number => a_m2 * 1e4;
export const celsius = (t_C: number): number => t_C + ZERO_CELSIUS_K; // °C → K
export const toCelsius = (t_K: number): number => t_K - ZERO_CELSIUS_K;
export const MPa = (p: number): number => p * 1e6; // MPa → Pa
/** Pa → MPa, divided by the exact 10⁶: the correctly rounded quotient (1e5 × 1e-6 would give 0.09999999999999999) */
export const toMPa = (p_Pa: number): number => p_Pa / 1e6;
export const gPerCm3 = (rho: number): number => rho * 1e3; // g cm⁻³ → kg m⁻³
export const toGPerCm3 = (rho_kg_m3: number): number => rho_kg_m3 * 1e-3;
export const mgPerCm2 = (x: number): number => x * 1e-2; // mg cm⁻² → kg m⁻²
export const toMgPerCm2 = (x_kg_m2: number): number => x_kg_m2 * 1e2;
export const mPerMin = (v: number): number => v / 60; // m min⁻¹ → m s⁻¹
export const toMPerMin = (v_m_s: number): number => v_m_s * 60;
export const cm2PerS = (d: number): number => d * 1e-4; // cm² s⁻¹ → m² s⁻¹
export const toCm2PerS = (d_m2_s: number): number => d_m2_s * 1e4;
export const mScm = (s: number): number => s * 0.1; // mS cm⁻¹ → S m⁻¹
export const toMScm = (s_S_m: number): number => s_S_m * 10;
/** g mol⁻¹ → kg mol⁻¹, divided by the exact 10³: the correctly rounded quotient (a molar mass of 268.4 g/mol is 0.2684) */
export const gPerMol = (m: number): number => m / 1000;
/** mAh → C (coulomb) */
export const mAh = (q: number): number => q * 3.6;
/** C → mAh */
export const toMAh = (q_C: number): number => q_C / 3.6;
/** Ah → C */
export const Ah = (q: number): number => q * 3600;
export const toAh = (q_C: number): number => q_C / 3600;
/** mAh g⁻¹ → C kg⁻¹ (1 mAh/g = 3.6 C/g = 3600 C/kg; one product, one rounding) */
export const mAhPerG = (q: number): number => q * 3600;
/** C kg⁻¹ → mAh g⁻¹ */
export const toMAhPerG = (q_C_kg: number): number => q_C_kg / 3.6e3;
/** J → Wh */
export const toWh = (e_J: number): number => e_J / 3600;
/** J → kWh */
export const toKWh = (e_J: number): number => e_J / 3.6e6;
export const GPa = (x: number): number => x * 1e9;
export const kJPerMol = (x: number): number => x * 1e3;
export const hours = (h: number): number => h * 3600;
/** kW → W */
export const kW = (p: number): number => p * 1e3;
/** s → h */
export const toHours = (t_s: number): number => t_s / 3600;
/** min → s and back */
export const minutes = (t_min: number): number => t_min * 60;
export const toMinutes = (t_s: number): number => t_s / 60;
/** ms → s (e.g. Date.parse's milliseconds) */
export const milliseconds = (t_ms: number): number => t_ms / 1000;
/** kg → g */
export const toG = (m_kg: number): number => m_kg * 1e3;
/** J mol⁻¹ → kJ mol⁻¹ */
export const toKJPerMol = (x_J_mol: number): number => x_J_mol / 1000;
/** C m⁻² → mAh cm⁻² */
export const toMAhPerCm2 = (q_C_m2: number): number => q_C_m2 / 36000;
/** C kg⁻¹ → mAh g⁻¹, as the cycler's text writes it (the same number as Ah kg⁻¹) */
export const toAhPerKg = (q_C_kg: number): number => q_C_kg / 3600;
/** the current of a C-rate on a capacity: c · Q / 1 h, A (c = 1: the 1C current) */
export const cRateCurrent_A = (capacity_C: number, c_rate = 1): number => (c_rate * capacity_C) / 3600;
/** the C-rate of a current on a capacity: I · 1 h / Q */
export const cRateOf = (current_A: number, capacity_C: number): number => (current_A * 3600) / capacity_C;
/** % → fraction and back */
export const fromPct = (x: number): number => x / 100;
export const toPct = (f: number): number => f * 100;
/** day → s and back (a day of duty, profile lengths) */
export const days = (d: number): number => d * 86400;
export const toDays = (t_s: number): number => t_s / 86400;
/** m → km (distances driven) */
export const toKm = (x_m: number): number => x_m / 1000;
/** Wh → J */
export const Wh = (e: number): number => e * 3600;
/** mΩ → Ω, mV → V */
export const mOhm = (r: number): number => r * 1e-3;
export const mV = (v: number): number => v * 1e-3;
/** km h⁻¹ → m s⁻¹, mile h⁻¹ → m s⁻¹ (1 mile = 1609.344 m exactly) */
export const kmPerH = (v: number): number => v / 3.6;
export const mph = (v: number): number => v * 0.44704;
