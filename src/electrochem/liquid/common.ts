/**
 * Pieces shared by the liquid-electrolyte DFN, SPMe and SPM: options, Arrhenius factors, the
 * state-of-charge window, the control equation and the lumped thermal parameters.
 */
import { F as FARADAY, R as GAS_R } from '../../materials/constants.ts';
import type { Control } from '../model.ts';
import type { BpxElectrode, LiquidCellParams, PropertyFn } from '../bpx.ts';

/** module-local copies (imported bindings are read through accessors in the transpiled code; these run in the inner loops) */
const F = FARADAY;
const R = GAS_R;

export interface LiquidMesh {
  /** finite volumes across the negative electrode, separator, positive electrode */
  readonly negative: number;
  readonly separator: number;
  readonly positive: number;
  /** finite volumes along the particle radius */
  readonly particle: number;
}

export const DEFAULT_MESH: LiquidMesh = { negative: 20, separator: 10, positive: 20, particle: 10 };

export interface ThermalOptions {
  /** heat-transfer coefficient to ambient (W/m²/K); default: the BPX value, else 10 W/m²/K (assumption: natural convection of a pouch in a thermal chamber) */
  readonly h_W_m2K?: number;
}

export interface LiquidModelOptions {
  readonly model?: 'dfn' | 'spme' | 'spm';
  readonly mesh?: Partial<LiquidMesh>;
  /** false / undefined: isothermal at the BPX initial temperature; true or options: lumped thermal model */
  readonly thermal?: boolean | ThermalOptions;
}

/** natural convection to air of a vertical pouch, order of magnitude (assumption, used when BPX gives none) */
export const DEFAULT_HTC_W_M2K = 10;

export function resolveMesh(m: Partial<LiquidMesh> | undefined): LiquidMesh {
  const out = { ...DEFAULT_MESH, ...(m ?? {}) };
  for (const k of ['negative', 'separator', 'positive', 'particle'] as const) {
    const v = out[k];
    if (!Number.isInteger(v) || v < 1) throw new Error(`mesh.${k}: must be an integer ≥ 1 (got ${v})`);
  }
  if (out.particle < 2) throw new Error(`mesh.particle: must be an integer ≥ 2 (got ${out.particle})`);
  return out;
}

export interface LumpedThermal {
  /** heat capacity m·c_p (J/K) */
  readonly heatCapacity_J_K: number;
  /** h·A_ext (W/K) */
  readonly hA_W_K: number;
  readonly ambient_K: number;
}

export function resolveThermal(
  p: LiquidCellParams,
  opt: boolean | ThermalOptions | undefined,
): LumpedThermal | undefined {
  if (!opt) return undefined;
  const o: ThermalOptions = opt === true ? {} : opt;
  const c = p.cell;
  const need = (v: number | undefined, name: string): number => {
    if (v === undefined) throw new Error(`Parameterisation.Cell.${name}: needed by the lumped thermal model (missing)`);
    return v;
  };
  const m = need(c.density_kg_m3, 'Density [kg.m-3]') * need(c.volume_m3, 'Volume [m3]');
  const h = o.h_W_m2K ?? c.heatTransferCoefficient_W_m2K ?? DEFAULT_HTC_W_M2K;
  if (!(h >= 0)) throw new Error(`thermal.h_W_m2K: must be ≥ 0 (got ${h})`);
  return {
    heatCapacity_J_K: m * need(c.specificHeat_J_kgK, 'Specific heat capacity [J.K-1.kg-1]'),
    hA_W_K: h * need(c.externalSurfaceArea_m2, 'External surface area [m2]'),
    ambient_K: c.ambientTemperature_K,
  };
}

/** exp(Ea/R·(1/T_ref − 1/T)) */
export function arrhenius(Ea: number, Tref: number, T: number): number {
  return Ea === 0 ? 1 : Math.exp((Ea / R) * (1 / Tref - 1 / T));
}

/** electrode stoichiometries at a state of charge (0: both at the discharged end of the window) */
export function stoichiometries(p: LiquidCellParams, soc: number): { xn: number; xp: number } {
  if (!(soc >= 0 && soc <= 1)) throw new Error(`soc: must be within 0..1 (got ${soc})`);
  const n = p.negative;
  const q = p.positive;
  return { xn: n.stoMin + soc * (n.stoMax - n.stoMin), xp: q.stoMax - soc * (q.stoMax - q.stoMin) };
}

/** OCP including the entropic term: U(θ,T) = U_ref(θ) + (T − T_ref)·dU/dT(θ) */
export function ocp(e: BpxElectrode, theta: number, T: number, Tref: number): number {
  const u = e.ocp(theta, Tref);
  return T === Tref ? u : u + (T - Tref) * e.entropic(theta, Tref);
}

/** open-circuit voltage of the cell at a state of charge (V) */
export function ocvAtSoc(p: LiquidCellParams, soc: number, T = p.cell.initialTemperature_K): number {
  const { xn, xp } = stoichiometries(p, soc);
  const Tref = p.cell.referenceTemperature_K;
  return ocp(p.positive, xp, T, Tref) - ocp(p.negative, xn, T, Tref);
}

/** state of charge whose OCV equals V (bisection; OCV is monotonic over the window) */
export function socAtOcv(p: LiquidCellParams, V: number, T = p.cell.initialTemperature_K): number {
  const lo0 = ocvAtSoc(p, 0, T);
  const hi0 = ocvAtSoc(p, 1, T);
  if (!(V >= lo0 && V <= hi0))
    throw new Error(
      `voltage: ${V} V is outside the OCV window of the cell (allowed ${lo0.toFixed(4)}..${hi0.toFixed(4)} V)`,
    );
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi);
    if (ocvAtSoc(p, mid, T) < V) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** central-difference derivative of a property function in its first argument */
export function dfdx(f: PropertyFn, x: number, T: number, h: number): number {
  return (f(x + h, T) - f(x - h, T)) / (2 * h);
}

export const FRT = F / R; // K/V

/** value of a control set point at time t */
export function setPoint(c: Control, t: number): number {
  return typeof c.value === 'function' ? c.value(t) : c.value;
}

/** stoichiometric capacity of the cell (C) */
export function stoichiometricCapacity_C(p: LiquidCellParams): number {
  const A = p.cell.electrodeArea_m2 * p.cell.electrodePairs;
  const n = p.negative;
  const q = p.positive;
  const qn = F * n.maxConcentration_mol_m3 * n.activeFraction * n.thickness_m * A * (n.stoMax - n.stoMin);
  const qp = F * q.maxConcentration_mol_m3 * q.activeFraction * q.thickness_m * A * (q.stoMax - q.stoMin);
  return Math.min(qn, qp);
}

export function validateControl(c: Control): void {
  const allowed = ['current', 'voltage', 'power', 'resistance', 'rest'];
  if (!allowed.includes(c.mode))
    throw new Error(`control.mode: unknown mode '${String(c.mode)}' (allowed ${allowed.join(', ')})`);
  if (typeof c.value === 'number' && !Number.isFinite(c.value))
    throw new Error(`control.value: must be finite (got ${c.value})`);
  if (c.mode === 'resistance' && typeof c.value === 'number' && !(c.value > 0))
    throw new Error(`control.value: resistance must be > 0 Ω (got ${c.value})`);
}
