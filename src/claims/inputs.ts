/**
 * What the claim chart is evaluated on: the run's typed results in SI, never its JSON. The job (src/pipeline.ts)
 * builds this from the results it just computed; a stored run's claims are its stored `claims` block and are
 * not evaluated again (the report shows "not evaluated in this stored run" for a run stored without one).
 *
 * Absent results (null) make the elements that need them 'not evaluable', with the reason.
 */
import type { Recipe } from '../recipe/schema.ts';
import type { CellDesign } from '../design/index.ts';
import type { LineResult } from '../process/types.ts';
import type { BatteryResult } from '../battery/run.ts';
import type { DependentVerdict } from '../verdicts.ts';

/** a figure's band over the documented ranges of its uncertain inputs, with a claim's verdict over it */
export interface BandedVerdict {
  readonly low: number;
  readonly high: number;
  readonly verdict: DependentVerdict;
}

/**
 * What the cycling gave that the claims use (built by the job from the cycling's typed results; it crosses
 * threads with them). Specific capacities are per mass of cathode active material in mAh/g, the unit the
 * cycler's first-cycle metrics and bands state them in (src/cycler/metrics.ts).
 */
export interface CyclingClaimInputs {
  /** the first cycle's specific discharge capacity (null: the cycle delivered none, or it is not finite) */
  readonly dischargeCapacity_mAh_g: number | null;
  /** claim 13's verdict over the first cycle's capacity band, mAh/g (null: not computed in this run) */
  readonly firstCycleBand: BandedVerdict | null;
  /**
   * rate capability (claim 16): the highest C-rate that keeps the capacity fraction, with the band in C and
   * claim 16's verdict over it; `failed` when the cell delivers nothing at the reference rate; null when the
   * recipe did not ask for it
   */
  readonly rate: { readonly highestCRate: number; readonly band: BandedVerdict } | 'failed' | null;
  /** the ageing cycles (claim 19): null when none ran */
  readonly ageing: {
    readonly cycles: number;
    /** capacity retention after the last cycle, fraction */
    readonly retention: number;
    /** the retention band over the ageing parameters' ranges, fractions (null: not computed) */
    readonly band: { readonly low: number; readonly high: number } | null;
    /** the projection's validity flags, as sentences (empty: inside validity) */
    readonly validityFlags: readonly string[];
  } | null;
}

/** The production shift's counts the claims use (claim 20). */
export interface ProductionClaimInputs {
  readonly cellsTotal: number;
  readonly cellsInSpec: number;
}

/**
 * A finding that makes a result untrustworthy (src/validity.ts builds them from the line's warnings and the
 * models' validity), as the claims take it: a claim whose verdict rests on it is "not evaluable" (a "not met"
 * stays: it does not rest on the result), with the finding as its first element; a claim that only cites the
 * figure keeps its verdict and lists the finding.
 */
export interface ClaimFinding {
  readonly kind: 'impossible' | 'outside_validity';
  /** the sentence a user reads */
  readonly reason: string;
  /** the claims whose verdict rests on it: 'all', or claim numbers */
  readonly claims: 'all' | readonly number[];
  /** claims whose evidence cites the figure but whose verdict does not rest on it */
  readonly cites?: readonly number[];
}

/** The run's typed results the claim chart is evaluated on. */
export interface ClaimInputs {
  /** what the line was told to do (set points, materials, the way the sheets are supplied and placed) */
  readonly recipe: Recipe;
  /** the cell as designed, before rolling */
  readonly design: CellDesign;
  /** the line physics (stations 222/236/240 with their layers' roles, the anode, the crack model) */
  readonly line: LineResult | null;
  readonly cycling: CyclingClaimInputs | null;
  /** the pack on its duty profile (claims 17–18) */
  readonly battery: BatteryResult | null;
  readonly production: ProductionClaimInputs | null;
  /** what of the run cannot stand (physically impossible, outside a model's validity); empty: nothing */
  readonly findings: readonly ClaimFinding[];
}
