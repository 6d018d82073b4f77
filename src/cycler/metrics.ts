/**
 * Metrics of a cycling result: capacities (Ah, mAh/g per cathode active mass, mAh/cm²), energies (Wh),
 * coulombic and energy efficiency, mean voltages, DC internal resistance from current pulses, the
 * volume expansion rate of Eq. 1 in [0178] of US 2025/0266422 A1, and a rate-capability search.
 */
import type { CellModel, CellModelExtras } from '../electrochem/model.ts';
import { runExperiment, type ExperimentResult, type RunOptions, type StepRecord } from './machine.ts';
import { problem } from '../problems.ts';
import { toAh, toMAh, toG, toWh, toUm, toCm2, toPct } from '../units/index.ts';
import { bisectTest } from '../numerics/roots.ts';

export interface ChargeFigures {
  charge_Ah: number;
  discharge_Ah: number;
  /** per cathode active mass (model's cathodeActiveMass_kg), mAh/g; null when the model gives no mass */
  charge_mAh_g: number | null;
  discharge_mAh_g: number | null;
  /** per electrode area (model's area_m2), mAh/cm²; null when the model gives no area */
  charge_mAh_cm2: number | null;
  discharge_mAh_cm2: number | null;
  chargeEnergy_Wh: number;
  dischargeEnergy_Wh: number;
  /** discharge / charge; null when nothing was charged */
  coulombicEfficiency: number | null;
  /** discharge energy / charge energy; null when nothing was charged */
  energyEfficiency: number | null;
  /** charge-weighted mean voltage on charge (energy/charge), V; null without charge */
  meanChargeVoltage_V: number | null;
  meanDischargeVoltage_V: number | null;
}

function figures(r: ExperimentResult, q_in: number, q_out: number, e_in: number, e_out: number): ChargeFigures {
  const m = r.cathodeActiveMass_kg;
  const a = r.area_m2;
  return {
    charge_Ah: toAh(q_in),
    discharge_Ah: toAh(q_out),
    charge_mAh_g: m !== undefined ? toMAh(q_in) / toG(m) : null,
    discharge_mAh_g: m !== undefined ? toMAh(q_out) / toG(m) : null,
    charge_mAh_cm2: a !== undefined ? toMAh(q_in) / toCm2(a) : null,
    discharge_mAh_cm2: a !== undefined ? toMAh(q_out) / toCm2(a) : null,
    chargeEnergy_Wh: toWh(e_in),
    dischargeEnergy_Wh: toWh(e_out),
    coulombicEfficiency: q_in > 0 ? q_out / q_in : null,
    energyEfficiency: e_in > 0 ? e_out / e_in : null,
    meanChargeVoltage_V: q_in > 0 ? e_in / q_in : null,
    meanDischargeVoltage_V: q_out > 0 ? e_out / q_out : null,
  };
}

export interface StepMetrics extends ChargeFigures {
  index: number;
  cycle: number;
  text: string;
  duration_s: number;
  endReason: string;
  status: StepRecord['status'];
}

export function stepMetrics(r: ExperimentResult, stepIndex: number): StepMetrics {
  const s = r.steps.find((x) => x.index === stepIndex);
  if (!s) throw problem('stepIndex', `no step ${stepIndex}`, String(stepIndex), `1..${r.steps.length}`);
  return {
    index: s.index,
    cycle: s.cycle,
    text: s.text,
    duration_s: s.end_s - s.start_s,
    endReason: s.endReason,
    status: s.status,
    ...figures(r, s.charge_C, s.discharge_C, s.chargeEnergy_J, s.dischargeEnergy_J),
  };
}

export interface CycleMetrics extends ChargeFigures {
  index: number;
  duration_s: number;
  /** cell thickness after the cycle, µm (models with thickness_m) */
  thickness_um: number | null;
}

export function cycleMetrics(r: ExperimentResult, cycleIndex: number): CycleMetrics {
  const c = r.cycles.find((x) => x.index === cycleIndex);
  if (!c) throw problem('cycleIndex', `no cycle ${cycleIndex}`, String(cycleIndex), `1..${r.cycles.length}`);
  return {
    index: c.index,
    duration_s: c.end_s - c.start_s,
    thickness_um: c.thickness_m !== undefined ? toUm(c.thickness_m) : null,
    ...figures(r, c.charge_C, c.discharge_C, c.chargeEnergy_J, c.dischargeEnergy_J),
  };
}

export const allCycleMetrics = (r: ExperimentResult): CycleMetrics[] => r.cycles.map((c) => cycleMetrics(r, c.index));
export const allStepMetrics = (r: ExperimentResult): StepMetrics[] => r.steps.map((s) => stepMetrics(r, s.index));

/** capacity retention of each cycle's discharge against the first cycle's (fraction), null without a first discharge */
export function capacityRetention(r: ExperimentResult): (number | null)[] {
  const q1 = r.cycles[0]?.discharge_C ?? 0;
  return r.cycles.map((c) => (q1 > 0 ? c.discharge_C / q1 : null));
}

export interface DcirResult {
  resistance_ohm: number;
  /** V(after) − V(before), V */
  deltaV_V: number;
  /** I(after) − I(before), A */
  deltaI_A: number;
  before_s: number;
  after_s: number;
}

function interpRows(r: ExperimentResult, from: number, to: number, t: number): { V: number; I: number } {
  const s = r.series;
  let k = from;
  while (k < to - 1 && s.time_s[k + 1]! < t) k++;
  if (to === from) return { V: s.voltage_V[from]!, I: s.current_A[from]! };
  const t0 = s.time_s[k]!;
  const t1 = s.time_s[k + 1]!;
  const w = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 1;
  return {
    V: s.voltage_V[k]! + w * (s.voltage_V[k + 1]! - s.voltage_V[k]!),
    I: s.current_A[k]! + w * (s.current_A[k + 1]! - s.current_A[k]!),
  };
}

/**
 * DC internal resistance of the current step at the start of step `stepIndex`: R = ΔV/ΔI between the last
 * recorded point before the step (end of the previous step) and the point `after_s` seconds into the step
 * (interpolated; sample the pulse finely, e.g. "(1 second period)"). Common choices: 0.1 s, 1 s, 10 s, 30 s.
 */
export function dcInternalResistance(r: ExperimentResult, stepIndex: number, after_s: number): DcirResult {
  const k = r.steps.findIndex((x) => x.index === stepIndex);
  if (k < 0) throw problem('stepIndex', `no step ${stepIndex}`, String(stepIndex), `1..${r.steps.length}`);
  if (k === 0)
    throw new RangeError(
      `stepIndex: step ${stepIndex} is the first step; DCIR needs a step before the pulse (allowed 2..${r.steps.length})`,
    );
  if (r.series.time_s.length === 0)
    throw new RangeError(`result.series: DCIR needs the recorded time series (run with series: 'full')`);
  const st = r.steps[k]!;
  const prev = r.steps[k - 1]!;
  if (!(after_s > 0) || after_s > st.end_s - st.start_s) {
    throw problem('after_s', 'must be within the pulse', String(after_s), `0 < t ≤ ${st.end_s - st.start_s} s`);
  }
  const Vb = r.series.voltage_V[prev.rowEnd]!;
  const Ib = r.series.current_A[prev.rowEnd]!;
  const a = interpRows(r, st.rowStart, st.rowEnd, st.start_s + after_s);
  const dI = a.I - Ib;
  if (!(Math.abs(dI) > 0))
    throw new RangeError(
      `step ${stepIndex}: the current does not change at the step (ΔI = 0 A); DCIR needs a current pulse`,
    );
  return {
    resistance_ohm: (a.V - Vb) / dI,
    deltaV_V: a.V - Vb,
    deltaI_A: dI,
    before_s: r.series.time_s[prev.rowEnd]!,
    after_s: st.start_s + after_s,
  };
}

export type ExpansionRate =
  | { evaluable: true; before_um: number; after_um: number; rate_pct: number; cycle: number }
  | { evaluable: false; reason: string };

/**
 * Volume expansion rate, Eq. 1 of [0178]: (B − A)/A × 100, A = cell thickness before the first cycle,
 * B = thickness after it (by default after cycle 1; the seed measures after the first CC-CV/CC cycle).
 */
export function volumeExpansionRate(r: ExperimentResult, afterCycle = 1): ExpansionRate {
  if (r.initialThickness_m === undefined) {
    return {
      evaluable: false,
      reason: `model ${r.model} gives no cell thickness (thickness_m), so Eq. 1 of [0178] cannot be evaluated`,
    };
  }
  const c = r.cycles.find((x) => x.index === afterCycle);
  if (!c)
    return {
      evaluable: false,
      reason: `cycle ${afterCycle} did not run (${r.cycles.length} cycles${r.reason ? `; ${r.reason}` : ''})`,
    };
  if (c.thickness_m === undefined) return { evaluable: false, reason: `no thickness after cycle ${afterCycle}` };
  const A = r.initialThickness_m;
  const B = c.thickness_m;
  return { evaluable: true, before_um: toUm(A), after_um: toUm(B), rate_pct: toPct((B - A) / A), cycle: afterCycle };
}

export interface RateCapabilityOptions {
  /** fraction of the reference capacity the cell must still deliver (default 0.8) */
  fraction?: number;
  /** reference C-rate (default 0.1, C/10) */
  referenceRate?: number;
  /** upper bound of the search (default 10C) */
  maxRate?: number;
  /** relative width at which the bisection stops (default 0.01) */
  tolerance?: number;
  /** charge cut-off of the CC-CV charge before the discharges (V) */
  chargeCutoff_V: number;
  /** discharge cut-off (V) */
  dischargeCutoff_V: number;
  /** threshold to report on (claim 16: ≥ 0.33C) */
  claimRate?: number;
  run?: RunOptions;
}

export interface RateCapabilityResult {
  referenceRate: number;
  referenceCapacity_Ah: number;
  fraction: number;
  /** highest C-rate found that still delivers fraction × reference capacity */
  highestRate: number;
  /** true when even maxRate delivers it (highestRate is then a lower bound) */
  atSearchLimit: boolean;
  claimRate: number;
  meetsClaimRate: boolean;
  /** every discharge evaluated: C-rate, capacity (Ah), whether it met the fraction; a failed solve counts as not met */
  evaluations: { rate: number; capacity_Ah: number; ok: boolean; failure?: string }[];
}

/**
 * Rate capability: the highest C-rate at which the cell still delivers `fraction` (default 80 %) of its
 * C/10 capacity, by bisection on log(C-rate). Every discharge starts from the same charged state
 * (CC-CV at the reference rate to chargeCutoff_V with a C/50 end); ageing hooks are not called.
 */
export function rateCapability(model: CellModel & CellModelExtras, opts: RateCapabilityOptions): RateCapabilityResult {
  const fraction = opts.fraction ?? 0.8;
  const ref = opts.referenceRate ?? 0.1;
  const maxRate = opts.maxRate ?? 10;
  const tol = opts.tolerance ?? 0.01;
  const claimRate = opts.claimRate ?? 0.33;
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`fraction: must be within (0, 1] (got ${fraction})`);
  if (!(ref > 0)) throw new RangeError(`referenceRate: must be > 0 (got ${ref})`);
  if (!(maxRate > ref)) throw new RangeError(`maxRate: must be > referenceRate ${ref} (got ${maxRate})`);
  if (!(opts.chargeCutoff_V > opts.dischargeCutoff_V))
    throw new RangeError(
      `chargeCutoff_V: must be > dischargeCutoff_V (got ${opts.chargeCutoff_V} ≤ ${opts.dischargeCutoff_V})`,
    );
  const run: RunOptions = { ...opts.run, callAfterCycle: false };
  const charged = runExperiment(
    model,
    [[`Charge at ${ref}C until ${opts.chargeCutoff_V} V`, `Hold at ${opts.chargeCutoff_V} V until C/50`]],
    { initialSoc: 0, ...run },
  );
  if (charged.status === 'failed') throw new Error(`rate capability: the reference charge failed: ${charged.reason}`);
  const y0 = Float64Array.from(charged.finalState);
  const evaluations: RateCapabilityResult['evaluations'] = [];
  /** capacity (Ah) delivered to the cut-off; a failed solve counts as what was delivered until the failure */
  const capacityAt = (rate: number): { q: number; failure?: string } => {
    const r = runExperiment(model, [`Discharge at ${rate}C until ${opts.dischargeCutoff_V} V`], {
      ...run,
      y0,
      initialSoc: 1,
    });
    const q = toAh(r.cycles[0]?.discharge_C ?? 0);
    return r.status === 'failed' ? { q, failure: r.reason ?? 'failed' } : { q };
  };
  const refRun = capacityAt(ref);
  if (refRun.failure) throw new Error(`rate capability: the reference ${ref}C discharge failed: ${refRun.failure}`);
  const qRef = refRun.q;
  evaluations.push({ rate: ref, capacity_Ah: qRef, ok: true });
  if (!(qRef > 0)) throw new Error(`rate capability: no capacity at the reference rate ${ref}C`);
  const meets = (rate: number): boolean => {
    const c = capacityAt(rate);
    const ok = !c.failure && c.q >= fraction * qRef;
    evaluations.push({ rate, capacity_Ah: c.q, ok, ...(c.failure ? { failure: c.failure } : {}) });
    return ok;
  };
  let lo = ref;
  const hi = maxRate;
  let atLimit = false;
  if (meets(maxRate)) {
    lo = maxRate;
    atLimit = true;
  } else lo = bisectTest(meets, lo, hi, { midpoint: 'geometric', rtol: tol }).keep;
  return {
    referenceRate: ref,
    referenceCapacity_Ah: qRef,
    fraction,
    highestRate: lo,
    atSearchLimit: atLimit,
    claimRate,
    meetsClaimRate: lo >= claimRate,
    evaluations,
  };
}

/** the CONTRACT's `cycling` block figures for the first cycle (nulls where the model gives no mass/thickness) */
export function firstCycleSummary(r: ExperimentResult): {
  charge_capacity_mAh_g: number | null;
  discharge_capacity_mAh_g: number | null;
  coulombic_efficiency: number | null;
  volume_expansion_rate_pct: number | null;
  volume_expansion: ExpansionRate;
  charge_capacity_Ah: number | null;
  discharge_capacity_Ah: number | null;
} {
  const c = r.cycles[0];
  const m = c ? cycleMetrics(r, c.index) : undefined;
  const ex = volumeExpansionRate(r, 1);
  return {
    charge_capacity_mAh_g: m ? m.charge_mAh_g : null,
    discharge_capacity_mAh_g: m ? m.discharge_mAh_g : null,
    coulombic_efficiency: m ? m.coulombicEfficiency : null,
    volume_expansion_rate_pct: ex.evaluable ? ex.rate_pct : null,
    volume_expansion: ex,
    charge_capacity_Ah: m ? m.charge_Ah : null,
    discharge_capacity_Ah: m ? m.discharge_Ah : null,
  };
}
