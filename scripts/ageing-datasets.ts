/**
 * The published ageing datasets (data/ageing/datasets.json) as model runs: each dataset's cell is the
 * Li–Al ‖ NCM811 lab cell of scripts/validate-ssb.ts, its ageing laws for the anode the paper used
 * (`anode.material`: the void law and the anode's breathing of data/ageing/anodes.json; the electrode
 * model stays Li–Al) (`liAlCell`: Li0.5Al host sized for x 0.5 → 0.92,
 * 4 µm NCM811, 50 µm Li6PS5Cl) at the dataset's loading, stack pressure, C-rate and temperature, aged by
 * the SPMe with the ageing laws of src/electrochem/ssb/ageing.ts (cycle jumping for long runs). Used by
 * scripts/fit-ageing.ts (the fit), scripts/validate.ts (residuals) and the tests. The same model API a
 * later `rollcell fit` will call.
 */
import { ageingDatasets, type AgeingDataset, type AnodeMaterial } from '../src/electrochem/ssb/ageing-data.ts';
import { ageingWithValues, defaultAgeingParams, type AgeingValues } from '../src/electrochem/ssb/ageing.ts';
import { cycleAgeing } from '../src/cycler/protocols.ts';
import { createSpme } from '../src/electrochem/ssb/spme.ts';
import { withParams, type SsbCellParams } from '../src/electrochem/ssb/params.ts';
import { liAlCell } from './validate-ssb.ts';
import { celsius } from '../src/units/index.ts';

/** "0 MPa" (a pellet released after pressing) runs at 0.1 MPa: the contact model needs P > 0 */
export const MIN_PRESSURE_PA = 0.1e6;

export interface DatasetRunConditions {
  readonly stackPressure_Pa: number;
  readonly cRate: number;
  readonly temperature_K: number;
  readonly areal_mAh_cm2: number;
  /** the anode of the published cell (its void law and breathing; absent: Li–Al) */
  readonly anodeMaterial?: AnodeMaterial;
}

export interface DatasetPointResult {
  readonly dataset: string;
  readonly role: 'fitted' | 'held-out';
  readonly cycles: number;
  readonly stackPressure_MPa: number;
  readonly published_pct: number;
  readonly model_pct: number;
  /** model − published, % points */
  readonly residual_pts: number;
  readonly readingError_pts: number;
}

export function datasetCell(c: DatasetRunConditions, values: AgeingValues): SsbCellParams {
  const p = liAlCell({
    areal_mAh_cm2: c.areal_mAh_cm2,
    xLiAl0: 0.5,
    xLiAlMax: 0.92,
    particleRadius_m: 4e-6,
    stackPressure_Pa: Math.max(MIN_PRESSURE_PA, c.stackPressure_Pa),
    separator_m: 50e-6,
    anodeD_m2_s: 1e-11,
  });
  const ageing = ageingWithValues(defaultAgeingParams(), values);
  return withParams(p, {
    temperature_K: c.temperature_K,
    ageing: c.anodeMaterial ? { ...ageing, anodeMaterial: c.anodeMaterial } : ageing,
  });
}

/** capacity retention (%) after each of `cycles` (sorted) of a dataset cell */
export function retentionAt(c: DatasetRunConditions, values: AgeingValues, cycles: readonly number[]): number[] {
  const nMax = Math.max(...cycles);
  const stride = Math.max(1, Math.floor(nMax / 200));
  const m = createSpme(datasetCell(c, values));
  const a = cycleAgeing(m, {
    cycles: nMax + stride,
    cRate: c.cRate,
    cutoffs: { vMax_V: m.core.p.vMax_V, vMin_V: m.core.p.vMin_V },
    stride,
  });
  return cycles.map((n) => {
    const idx = a.cycleIndex;
    let k = 0;
    while (k + 1 < idx.length && idx[k + 1]! <= n) k++;
    if (k + 1 >= idx.length) return a.retention[k]! * 100;
    const f = (n - idx[k]!) / (idx[k + 1]! - idx[k]!);
    return (a.retention[k]! * (1 - f) + a.retention[k + 1]! * f) * 100;
  });
}

/** the run conditions of a dataset (nominal values; pressure per point when the point gives one) */
export function conditionsOf(d: AgeingDataset, stackPressure_MPa?: number): DatasetRunConditions {
  return {
    stackPressure_Pa: (stackPressure_MPa ?? d.conditions.stack_pressure_MPa.value) * 1e6,
    cRate: d.conditions.c_rate.value,
    temperature_K: celsius(d.conditions.temperature_C.value),
    areal_mAh_cm2: d.conditions.areal_capacity_mAh_cm2.value,
    anodeMaterial: d.anode.material,
  };
}

/** model vs published for every point of the datasets with the given role(s) */
export function evaluateDatasets(
  values: AgeingValues,
  roles: readonly ('fitted' | 'held-out')[] = ['fitted', 'held-out'],
): DatasetPointResult[] {
  const out: DatasetPointResult[] = [];
  for (const d of ageingDatasets()) {
    if (!roles.includes(d.role)) continue;
    // group the points by pressure: one run per pressure
    const byP = new Map<number, typeof d.points>();
    for (const pt of d.points) {
      const P = pt.stack_pressure_MPa ?? d.conditions.stack_pressure_MPa.value;
      byP.set(P, [...(byP.get(P) ?? []), pt]);
    }
    for (const [P, pts] of byP) {
      const r = retentionAt(
        conditionsOf(d, P),
        values,
        pts.map((q) => q.cycles),
      );
      pts.forEach((q, i) =>
        out.push({
          dataset: d.id,
          role: d.role,
          cycles: q.cycles,
          stackPressure_MPa: P,
          published_pct: q.retention_pct,
          model_pct: r[i]!,
          residual_pts: r[i]! - q.retention_pct,
          readingError_pts: d.reading_error_points,
        }),
      );
    }
  }
  return out;
}
