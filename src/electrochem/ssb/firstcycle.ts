/**
 * The produced cell's first cycle in terms of its mechanisms: where the charge that did not come back
 * went (the cathode–electrolyte interphase, irreversible; the Li the cathode could not take back near
 * full lithiation, recoverable by a slower or deeper discharge), where the Li that stayed in the anode
 * sits (plated metal at the separator, host), the plating assessment, the host-based N/P, and the
 * literature range the first-cycle CE is compared with.
 *
 * Charge balance of a first cycle from the as-made state (exact in the models): charge in = Li out of
 * the cathode + SE-oxidation charge (CEI); charge out = Li back into the cathode; so
 *   charge in − charge out = CEI + (Li the cathode did not get back),
 * and CE ≤ 1 whenever the cathode starts full (y₀ = y_pristine: nothing can go back that did not leave).
 */
import { F } from '../../materials/constants.ts';
import { JANGID2024, cite } from './literature.ts';
import { assessPlating, hostNpRatio, type HostNp, type PlatingAssessment } from './plating.ts';
import type { CellCore } from './common.ts';
import { toMAh, toG } from '../../units/index.ts';

export interface FirstCycleLoss {
  readonly charge_C: number;
  readonly discharge_C: number;
  /** SE oxidation charge (CEI) during the cycle, C — irreversible */
  readonly cei_C: number;
  /** Li the cathode did not get back (C) — the kinetic, recoverable part near full lithiation */
  readonly kinetic_C: number;
  /** cathode mean stoichiometry at the start and after the cycle */
  readonly yStart: number;
  readonly yEnd: number;
}

export interface LiteratureRange {
  readonly quantity: string;
  readonly low: number;
  readonly high: number;
  readonly unit: string;
  readonly source: string;
}

/** first-cycle CE of sulfide cells with layered oxides: uncoated … coated (Jangid 2024) */
export function firstCycleCeRange(): LiteratureRange {
  const u = JANGID2024.figures['firstCycleCE_uncoated']!;
  const c = JANGID2024.figures['firstCycleCE_coated']!;
  return {
    quantity: 'first-cycle coulombic efficiency, sulfide SE, uncoated … coated layered oxide',
    low: u.value! - 0.003,
    high: c.value! + 0.005,
    unit: '1',
    source: `${cite(JANGID2024, 'firstCycleCE_uncoated')}; ${cite(JANGID2024, 'firstCycleCE_coated')}`,
  };
}

export interface ProducedCellFirstCycle {
  readonly loss: FirstCycleLoss;
  readonly plating: PlatingAssessment;
  readonly np: HostNp;
  readonly ceRange: LiteratureRange;
}

/** the parts of a cycler result the assessment reads (structurally the cycler's ExperimentResult) */
export interface CyclingRecord {
  readonly cycles: readonly { readonly index: number; readonly charge_C: number; readonly discharge_C: number }[];
  readonly series: {
    readonly time_s: readonly number[];
    readonly current_A: readonly number[];
    readonly cycle: readonly number[];
    readonly outputs: Readonly<Record<string, readonly number[]>>;
  };
}

/** the first cycle of an experiment run on an SSB model (reads the SPMe/SPM/P2D outputs) */
export function assessFirstCycle(core: CellCore, exp: CyclingRecord): ProducedCellFirstCycle | null {
  const c = exp.cycles[0];
  const o = exp.series.outputs;
  const cei = o['cei_charge_C_m2'];
  const ym = o['cathode_mean_stoich'];
  if (!c || !cei || !ym || cei.length === 0) return null;
  const rows = exp.series.cycle;
  let last = rows.length - 1;
  while (last > 0 && rows[last]! > c.index) last--;
  const A = core.p.area_m2;
  const ceiC = (cei[last]! - cei[0]!) * A;
  const loss: FirstCycleLoss = {
    charge_C: c.charge_C,
    discharge_C: c.discharge_C,
    cei_C: ceiC,
    kinetic_C: Math.max(0, c.charge_C - c.discharge_C - ceiC),
    yStart: ym[0]!,
    yEnd: ym[last]!,
  };
  const s = exp.series;
  const cut = (a: readonly number[]): number[] => a.slice(0, last + 1);
  const outs: Record<string, number[]> = {};
  for (const k of ['plated_li_mol_m2', 'anode_potential_V', 'anode_local_current_A_m2']) outs[k] = cut(o[k] ?? []);
  const plating = assessPlating(
    { time_s: cut(s.time_s), current_A: cut(s.current_A), outputs: outs },
    core.p.stackPressure_Pa,
    core.T,
  );
  return { loss, plating, np: hostNpRatio(core.p, core.window), ceRange: firstCycleCeRange() };
}

/** C → mAh per gram of cathode active material */
export const perGram = (q_C: number, activeMass_kg: number): number => toMAh(q_C) / toG(activeMass_kg);
/** mol m⁻² of Li → C over the cell */
export const molToC = (mol_m2: number, area_m2: number): number => mol_m2 * area_m2 * F;
