/**
 * Li plating of the Li–Al anode: the critical current density it is judged against, the assessment of a
 * cycling run (how much Li metal plated at the separator, when it started, the local current density
 * while it did, and the dendrite/short risk), and the anode's N/P from the host capacity that is LEFT
 * after prelithiation.
 *
 * Plating happens in the models (spme.ts, p2d.ts) where it happens in the cell: Li that reaches the SE
 * interface when the host lattice there is full (x ≥ x_host, the Li-richest phase that forms at the cell
 * temperature) stays as Li metal; the anode's potential vs Li/Li⁺ at the separator then sits at or
 * below 0 V (CellModel.platingIndicator).
 *
 * Critical current density CCD(P, T) of Li metal on Li6PS5Cl (shared Li–Al data, criticalCurrent):
 *   CCD = CCD_ref·(P/P_ref)·exp(−Q/R·(1/T − 1/T_ref)),
 *   CCD_ref = 1 mA cm⁻² at P_ref = 5 MPa, 25 °C (Kasemchainan et al., Nat. Mater. 18 (2019) 1105,
 *   doi:10.1038/s41563-019-0438-9, recalled — range 0.3–3 mA cm⁻²; Doux et al. 2020: 5 MPa reliable);
 *   the critical current rises with stack pressure because Li creep refills the voids that stripping
 *   leaves (Kasemchainan 2019) — linear in P (assumption, exponent range 0.5–1.5) and Arrhenius with
 *   Li's creep activation energy Q (LePage 2019 / Masias 2019 via the shared data, ≈ 37 kJ mol⁻¹).
 * Above the CCD plated Li penetrates the separator (dendrite, short-circuit risk); below it, plated Li
 * grows as a dense layer that the next discharge strips first.
 */
import { F, R, REFERENCE_TEMPERATURE_K } from '../../materials/constants.ts';
import { liAlData } from '../../materials/li-al.ts';
import { MOLAR_VOLUME, type SsbCellParams } from './params.ts';
import { liAlHostLimit } from '../../materials/ocp/li-al.ts';
import { problem } from '../../problems.ts';
import { toKJPerMol, toMAhPerCm2 } from '../../units/index.ts';

export interface CriticalCurrent {
  /** A m⁻² of contact area */
  readonly value: number;
  readonly range: readonly [number, number];
  readonly source: string;
}

/** CCD of Li metal against the sulfide SE at stack pressure P (Pa) and temperature T (K). */
export function criticalCurrentDensity(P_Pa: number, T_K: number): CriticalCurrent {
  if (!(P_Pa > 0)) throw problem('stackPressure_Pa', 'must be > 0', String(P_Pa), '> 0');
  if (!(T_K > 0)) throw problem('temperature_K', 'must be > 0', String(T_K), '> 0');
  const d = liAlData();
  const cc = d.criticalCurrent.liMetalLPSCl;
  const Pref = d.criticalCurrent.liMetalLPSClStackPressure.value;
  const creep = d.phases.Li.mechanics?.['creepActivationEnergy'];
  if (!creep)
    throw problem(
      'data/materials/li-al.json: phases.Li.mechanics.creepActivationEnergy',
      'is missing',
      'nothing',
      'the Li creep activation energy (kJ mol^-1) the CCD scales with',
    );
  const Q = creep.value;
  const f = (P_Pa / Pref) * Math.exp((-Q / R) * (1 / T_K - 1 / REFERENCE_TEMPERATURE_K));
  const r = cc.range ?? [cc.value, cc.value];
  return {
    value: cc.value * f,
    range: [r[0] * f, r[1] * f],
    source: `${cc.source}; ∝ stack pressure (Kasemchainan 2019, linear: assumption) and Arrhenius with Li creep Q = ${toKJPerMol(Q).toFixed(0)} kJ/mol`,
  };
}

/** The model outputs the assessment reads (a cycler Series or any record of equal-length columns). */
export interface PlatingSeries {
  readonly time_s: readonly number[];
  readonly current_A: readonly number[];
  readonly outputs: Readonly<Record<string, readonly number[]>>;
}

export type PlatingRisk = 'none' | 'plating' | 'dendrite';

export interface PlatingAssessment {
  readonly plated: boolean;
  /** most Li metal at the SE interface during the run (mol m⁻²) and its thickness (m) */
  readonly maxPlated_mol_m2: number;
  readonly maxPlated_m: number;
  /** Li metal at the SE interface at the end of the run (mol m⁻², m) */
  readonly endPlated_mol_m2: number;
  readonly endPlated_m: number;
  /** time (s from the start of the run) when the anode potential first fell below 0 V on charge */
  readonly onset_s: number | null;
  readonly minAnodePotential_V: number;
  /** highest local current density at the anode contact while Li was plating (A m⁻²) */
  readonly maxPlatingCurrent_A_m2: number;
  readonly ccd: CriticalCurrent;
  readonly risk: PlatingRisk;
}

/**
 * Assessment of a run from the model's outputs `plated_li_mol_m2`, `anode_potential_V` and
 * `anode_local_current_A_m2` (spme.ts/p2d.ts outputs). Plating is counted where the anode potential is
 * below 0 V on charge or Li metal sits at the interface; the dendrite risk where, while plating, the
 * local current density exceeds the CCD's central value.
 */
export function assessPlating(s: PlatingSeries, P_Pa: number, T_K: number): PlatingAssessment {
  const ccd = criticalCurrentDensity(P_Pa, T_K);
  const pl = s.outputs['plated_li_mol_m2'] ?? [];
  const ea = s.outputs['anode_potential_V'] ?? [];
  const il = s.outputs['anode_local_current_A_m2'] ?? [];
  let maxPl = 0;
  let minEa = Infinity;
  let onset: number | null = null;
  let maxI = 0;
  for (let k = 0; k < s.time_s.length; k++) {
    const p = pl[k] ?? 0;
    const e = ea[k] ?? Infinity;
    const charging = (s.current_A[k] ?? 0) > 0;
    maxPl = Math.max(maxPl, p);
    if (charging) minEa = Math.min(minEa, e);
    const plating = charging && (e < 0 || p > 0);
    if (plating) {
      if (onset === null) onset = s.time_s[k]!;
      maxI = Math.max(maxI, il[k] ?? 0);
    }
  }
  const end = pl.length ? pl[pl.length - 1]! : 0;
  const plated = onset !== null || maxPl > 0;
  const risk: PlatingRisk = !plated ? 'none' : maxI > ccd.value ? 'dendrite' : 'plating';
  return {
    plated,
    maxPlated_mol_m2: maxPl,
    maxPlated_m: maxPl * MOLAR_VOLUME.Li,
    endPlated_mol_m2: end,
    endPlated_m: end * MOLAR_VOLUME.Li,
    onset_s: onset,
    minAnodePotential_V: Number.isFinite(minEa) ? minEa : NaN,
    maxPlatingCurrent_A_m2: maxI,
    ccd,
    risk,
  };
}

export interface HostNp {
  /** Li/Al at which the host is full at the cell temperature, and as made */
  readonly xHost: number;
  readonly x0: number;
  /** host capacity left after prelithiation (mol Li m⁻²) */
  readonly hostLeft_mol_m2: number;
  /** Li a full charge of the design window moves into the anode (mol m⁻²) */
  readonly charge_mol_m2: number;
  /** N/P = host left / charge; < 1: the rest of the charge plates as Li metal */
  readonly np: number;
  /** N/P the anode's Al would give as an empty Al→LiAl host (what the design used to print), for comparison */
  readonly npEmptyAl: number;
}

/**
 * N/P from the host capacity left after prelithiation: (x_host − x₀)·n_Al over the Li a full charge
 * moves (the model's design window). The anode's Al alone would hold x_host·n_Al.
 */
export function hostNpRatio(p: SsbCellParams, window: { qLo: number; qHi: number }): HostNp {
  const xHost = liAlHostLimit(p.temperature_K);
  const al = p.anode.al_mol_m2;
  const x0 = p.anode.li_mol_m2 / al;
  const left = Math.max(0, xHost - x0) * al;
  const charge = (window.qHi - window.qLo) / p.area_m2;
  return {
    xHost,
    x0,
    hostLeft_mol_m2: left,
    charge_mol_m2: charge,
    np: charge > 0 ? left / charge : NaN,
    npEmptyAl: charge > 0 ? (xHost * al) / charge : NaN,
  };
}

/** Li (mol m⁻²) ↔ areal capacity (mAh cm⁻²) */
export const molM2ToMAhCm2 = (mol: number): number => toMAhPerCm2(mol * F);
