/**
 * Verdicts that depend on assumptions: a figure evaluated at the nominal value of its inputs and at the
 * ends of the plausible range of each uncertain one, and the verdict a threshold gives over that band —
 * "met", "not met", or "met, depends on <parameter>" when the verdict flips inside a range.
 *
 * General and small on purpose (issue 15 item 6 for claim 16; the line's claims and issue 16's bands
 * can use the same shape): physics computes the figure; this module only records which assumption
 * moved it how far and what that does to a yes/no question.
 */

/** An uncertain input: its nominal value and the plausible range (both in the unit given), with its source. */
export interface AssumedParameter {
  readonly id: string;
  readonly description: string;
  readonly unit: string;
  readonly nominal: number;
  readonly range: readonly [number, number];
  readonly source: string;
}

/** The figure with one parameter at one end of its range (the others nominal). */
export interface SensitivityPoint {
  readonly parameter: string;
  readonly at: number;
  readonly value: number;
}

/** A figure with the band the assumed parameters give (one at a time, each to both ends). */
export interface BandedFigure {
  readonly nominal: number;
  readonly low: number;
  readonly high: number;
  readonly points: readonly SensitivityPoint[];
  readonly parameters: readonly AssumedParameter[];
}

export type BandVerdict = 'met' | 'not met' | 'depends';

export interface DependentVerdict {
  readonly verdict: BandVerdict;
  /** parameters whose range flips the verdict (empty unless 'depends') */
  readonly dependsOn: readonly string[];
  /** e.g. "met, depends on anode_D (met above 2e-13 m²/s)" */
  readonly text: string;
}

/** Band of a figure from its nominal value and its values with each parameter at either end. */
export function band(
  nominal: number,
  points: readonly SensitivityPoint[],
  parameters: readonly AssumedParameter[],
): BandedFigure {
  const all = [nominal, ...points.map((p) => p.value)].filter((v) => Number.isFinite(v));
  return {
    nominal,
    low: all.length ? Math.min(...all) : NaN,
    high: all.length ? Math.max(...all) : NaN,
    points,
    parameters,
  };
}

/**
 * The verdict of `test` over a band: 'met' when it holds at the nominal value and at every point,
 * 'not met' when it holds nowhere, else 'depends' on the parameters whose points disagree with the
 * nominal verdict (the nominal verdict comes first in the text).
 */
export function verdictOverBand(b: BandedFigure, test: (value: number) => boolean): DependentVerdict {
  const nom = test(b.nominal);
  const flips = b.points.filter((p) => test(p.value) !== nom);
  if (flips.length === 0) return { verdict: nom ? 'met' : 'not met', dependsOn: [], text: nom ? 'met' : 'not met' };
  const ids = [...new Set(flips.map((p) => p.parameter))];
  const detail = ids
    .map((id) => {
      const par = b.parameters.find((q) => q.id === id);
      const at = flips.filter((p) => p.parameter === id).map((p) => `${p.at.toPrecision(3)} ${par?.unit ?? ''}`.trim());
      return `${id} (${nom ? 'not met' : 'met'} at ${at.join(', ')})`;
    })
    .join('; ');
  return { verdict: 'depends', dependsOn: ids, text: `${nom ? 'met' : 'not met'}, depends on ${detail}` };
}
