/**
 * Per-cell capacity estimate for a production run.
 *
 * Surrogate: Q = u · Q_stoich, Q_stoich = t_cathode · A · φ_active · ρ_active · q_practical (cathode-limited:
 * the Li-rich prelithiated anode of the recipe holds Li in excess, so the cathode's reversible capacity
 * limits the cell — see examples/patent-line.yaml). ρ_active and q_practical come from the material
 * library (src/materials/library.ts, each with its source). The utilisation u is calibrated at run
 * start against a full electrochemical model when one is injected (`capacityModel`, e.g. the SSB
 * P2D/SPMe of src/electrochem/ssb/ — injected by the caller because process/ may not import
 * electrochem/), from a handful of cells spanning the run's variability; without one u = 1 (the
 * design's stoichiometric capacity, as designCell computes it).
 *
 * Parameter uncertainty: when the caller also injects the posterior of fitted model parameters (one full
 * model per posterior draw, `CapacityPosterior`: e.g. the draws `rollcell fit --method mcmc` saved in the
 * recipe's `cycling.model_parameters.posterior`), a utilisation u_j is calibrated the same way for each
 * draw j, and each produced cell's capacity is u_j · Q_stoich with j drawn (seeded) by the run: the
 * capacity distribution then carries the fit's parameter uncertainty on top of the line's variability.
 */
import { problem } from '../../problems.ts';
import { getMaterial } from '../../materials/library.ts';
import type { ProducedCell } from '../types.ts';

/** full model: the cell's discharge capacity, C (coulomb) */
export type CapacityModel = (cell: ProducedCell) => number;

export function stoichiometricCapacity_C(cell: ProducedCell): number {
  const am = getMaterial(cell.activeMaterialId);
  const q = (am.practicalCapacity ?? am.theoreticalCapacity)?.value;
  if (q === undefined)
    throw problem(
      'cell.activeMaterialId',
      'no capacity known',
      JSON.stringify(cell.activeMaterialId),
      'a cathode active material with a capacity in the library',
    );
  return cell.cathodeThickness_m * cell.area_m2 * cell.cathodeActiveFraction * am.density.value * q;
}

/** the posterior of the model parameters as one full capacity model per draw (seeded selection per cell) */
export interface CapacityPosterior {
  readonly models: readonly CapacityModel[];
  /** where the draws come from (shown in the production block) */
  readonly source: string;
}

export interface CapacitySurrogate {
  kind: 'stoichiometric' | 'calibrated';
  utilisation: number;
  calibration_cells: number;
  /** relative error of the calibrated surrogate on its calibration cells (max |Q_s/Q_full − 1|) */
  calibration_max_rel_error: number;
  /** per posterior draw: its utilisation (absent without a posterior) */
  draws?: { readonly utilisation: Float64Array; readonly source: string };
  /** the cell's capacity (C); `draw`: the posterior draw's index (ignored without a posterior) */
  estimate(cell: ProducedCell, draw?: number): number;
}

/** u = Σ Q_full·Q_s / Σ Q_s² over the samples, and max |u·Q_s/Q_full − 1| */
function fitUtilisation(qs: readonly number[], full: CapacityModel, samples: readonly ProducedCell[], what: string) {
  const qf = samples.map((c, i) => {
    const q = full(c);
    if (!(Number.isFinite(q) && q >= 0))
      throw new RangeError(`${what}: returned ${q} for calibration cell ${i} (allowed a finite capacity ≥ 0, C)`);
    return q;
  });
  let num = 0;
  let den = 0;
  for (let i = 0; i < qs.length; i++) {
    num += qf[i]! * qs[i]!;
    den += qs[i]! * qs[i]!;
  }
  const u = den > 0 ? num / den : 1;
  let maxErr = 0;
  for (let i = 0; i < qs.length; i++) if (qf[i]! > 0) maxErr = Math.max(maxErr, Math.abs((u * qs[i]!) / qf[i]! - 1));
  return { u, maxErr };
}

/** Calibrates u = Σ Q_full·Q_s / Σ Q_s² (least squares through the origin) on the sample cells. */
export function calibrateCapacity(
  samples: readonly ProducedCell[],
  full?: CapacityModel,
  posterior?: CapacityPosterior,
): CapacitySurrogate {
  if (!full || samples.length === 0) {
    return withEstimate({ kind: 'stoichiometric', utilisation: 1, calibration_cells: 0, calibration_max_rel_error: 0 });
  }
  const qs = samples.map(stoichiometricCapacity_C);
  const { u, maxErr } = fitUtilisation(qs, full, samples, 'capacityModel');
  if (!posterior || posterior.models.length === 0)
    return withEstimate({
      kind: 'calibrated',
      utilisation: u,
      calibration_cells: samples.length,
      calibration_max_rel_error: maxErr,
    });
  let err = maxErr;
  const ud = Float64Array.from(posterior.models, (m, j) => {
    const r = fitUtilisation(qs, m, samples, `capacity posterior draw ${j}`);
    err = Math.max(err, r.maxErr);
    return r.u;
  });
  return withEstimate({
    kind: 'calibrated',
    utilisation: u,
    calibration_cells: samples.length,
    calibration_max_rel_error: err,
    draws: { utilisation: ud, source: posterior.source },
  });
}

/**
 * A surrogate's estimate from its data: the stoichiometric capacity times the utilisation (of the
 * posterior draw when there are draws and one is named). Also rebuilds a surrogate sent between threads
 * (a function cannot be sent).
 */
export function withEstimate(s: Omit<CapacitySurrogate, 'estimate'>): CapacitySurrogate {
  if (s.kind === 'stoichiometric') return { ...s, estimate: stoichiometricCapacity_C };
  const u = s.utilisation;
  const ud = s.draws?.utilisation;
  if (!ud || ud.length === 0) return { ...s, estimate: (c) => u * stoichiometricCapacity_C(c) };
  const n = ud.length;
  return {
    ...s,
    estimate: (c, draw) =>
      (draw === undefined ? u : ud[Math.min(n - 1, Math.max(0, Math.floor(draw)))]!) * stoichiometricCapacity_C(c),
  };
}
