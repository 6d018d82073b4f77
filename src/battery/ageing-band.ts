/**
 * The band on the pack's multi-year projection (issue 16 item 5): years to end of life and the retention
 * after the projected years, over the ageing parameters' documented ranges (data/ageing/mechanisms.json) by
 * seeded sampling. Cheap by construction: one representative cell — the pack's hottest cell under load,
 * the one that ages fastest — goes through the same daily updates as the pack's nominal projection (its own
 * duty: RMS current, time under load, mean temperature, daily charge) once per draw, its C/3 capacity
 * measured once a year (its nominal trajectory is the pack run's own). Each draw's pack trajectory is the nominal pack
 * trajectory times the ratio of the drawn to the nominal representative cell (first order: the same
 * parameter draw moves every cell alike; the cell-to-cell spread stays as the nominal projection has it).
 */
import type { CycleSummary } from '../electrochem/model.ts';
import type { SsbSpme } from '../electrochem/ssb/spme.ts';
import { ageingWithValues } from '../electrochem/ssb/ageing.ts';
import { ageingUncertainParameters, drawAgeingSamples, parameterSensitivity } from '../cycler/ageing-band.ts';
import { spmeOf, type CellSpec } from './cells.ts';
import { toPct } from '../units/index.ts';

export interface PackAgeingBandInput {
  /** the representative cell (the hottest under load) */
  readonly spec: CellSpec;
  /** its day of use (the pack projection's daily update for that cell) */
  readonly day: (index: number, charge_C: number) => CycleSummary;
  /** its charge throughput per day, C */
  readonly dailyCharge_C: number;
  readonly years: number;
  /** the C/3 capacity of a cell in a state (the pack projection's own measurement) */
  readonly capacity_C: (m: SsbSpme, y: Float64Array) => number;
  /** the nominal pack capacity at the start and after each year, C */
  readonly packByYear_C: readonly number[];
  /**
   * the representative cell's own C/3 capacity at the start and after each year in the nominal projection
   * (the pack run measured it: not run again), C
   */
  readonly nominalCellByYear_C: readonly number[];
  /** end of life as a retention fraction of the first-year capacity (0..1) */
  readonly endOfLifeRetention: number;
  readonly samples?: number;
  readonly seed?: number;
}

export interface PackAgeingBand {
  readonly method: string;
  readonly end_of_life_retention_pct: number;
  readonly samples: number;
  readonly seed: number;
  readonly representative_cell: number;
  /** years until the pack's C/3 capacity falls below end of life: nominal and the band (null: beyond the horizon) */
  readonly years_to_end_of_life: {
    readonly nominal: number | null;
    readonly low: number | null;
    readonly median: number | null;
    readonly high: number | null;
    /** draws that stay above end of life over the whole horizon */
    readonly beyond_horizon: number;
    readonly horizon_years: number;
  };
  /** pack capacity retention after the projected years, % */
  readonly capacity_retention_pct_after_years: {
    readonly nominal: number;
    readonly low: number;
    readonly median: number;
    readonly high: number;
  };
  /** the parameters that move the retention after the projected years most (|correlation| over the draws) */
  readonly sensitivity: readonly { readonly parameter: string; readonly correlation: number }[];
}

/** the first time (years, interpolated linearly between yearly points) a trajectory falls below eol; null: never */
export function yearsToEndOfLife(retentionByYear: readonly number[], eol: number): number | null {
  for (let y = 1; y < retentionByYear.length; y++) {
    const a = retentionByYear[y - 1]!;
    const b = retentionByYear[y]!;
    if (b < eol) return y - 1 + (a - eol) / (a - b);
  }
  return null;
}

const r4 = (x: number): number => Number(x.toPrecision(4));

/**
 * A draw's pack retention by year: the nominal pack retention × (drawn cell retention / nominal cell
 * retention), i.e. the drawn cell's retention times the pack-to-cell factor f_k = pack_k / nominalCell_k of
 * the nominal projection. Once the nominal representative cell has no capacity left (its retention is 0, so
 * f_k is 0/0) the factor of the last year in which it had capacity is kept: a drawn cell that outlives the
 * nominal one then keeps scaling the pack, and a dead drawn cell gives 0 — never NaN.
 */
export function scaledPackRetention(
  packNominal: readonly number[],
  nominalCell: readonly number[],
  cell: readonly number[],
): number[] {
  let factor = 1;
  return packNominal.map((r, k) => {
    const nom = nominalCell[k]! / nominalCell[0]!;
    if (nom > 0) factor = r / nom;
    return (cell[k]! / cell[0]!) * factor;
  });
}

/** median of a sorted list */
function medianOf(s: readonly number[]): number {
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
}

/** one representative-cell trajectory: its C/3 capacity at the start and after each year */
function cellTrajectory(inp: PackAgeingBandInput, spec: CellSpec): number[] {
  const m = spmeOf(spec);
  const y = m.initialState(0.5);
  const out = [inp.capacity_C(m, y)];
  let idx = 0;
  for (let yr = 1; yr <= inp.years; yr++) {
    for (let d = 0; d < 365; d++) m.afterCycle(y, inp.day(++idx, inp.dailyCharge_C));
    out.push(inp.capacity_C(m, y));
  }
  return out;
}

export function packAgeingBand(inp: PackAgeingBandInput, representativeCell: number): PackAgeingBand | null {
  const samples = inp.samples ?? 8;
  const seed = inp.seed ?? 1;
  const eol = inp.endOfLifeRetention;
  const nominalCell = inp.nominalCellByYear_C;
  if (!(nominalCell[0]! > 0) || !(inp.packByYear_C[0]! > 0)) return null;
  const packNominal = inp.packByYear_C.map((c) => c / inp.packByYear_C[0]!);
  const pars = ageingUncertainParameters();
  const draws = drawAgeingSamples(pars, samples, seed);
  const finals: number[] = [];
  const eols: (number | null)[] = [];
  for (const d of draws) {
    const p = inp.spec.params;
    const cell = cellTrajectory(inp, { ...inp.spec, params: { ...p, ageing: ageingWithValues(p.ageing, d.values) } });
    const ret = scaledPackRetention(packNominal, nominalCell, cell);
    finals.push(ret[ret.length - 1]!);
    eols.push(yearsToEndOfLife(ret, eol));
  }
  // the band covers the draws and the nominal projection (the headline is always inside its band)
  const nominalEol = yearsToEndOfLife(packNominal, eol);
  finals.push(packNominal[packNominal.length - 1]!);
  eols.push(nominalEol);
  const sorted = [...finals].sort((a, b) => a - b);
  const reached = eols.filter((e): e is number => e !== null).sort((a, b) => a - b);
  const beyond = eols.length - reached.length;
  // years to EOL over the draws: a draw beyond the horizon counts as longer than every one that reached it
  const ordered: (number | null)[] = [...reached, ...Array<null>(beyond).fill(null)];
  const q = (f: number): number | null => {
    const k = Math.min(ordered.length - 1, Math.max(0, Math.round(f * (ordered.length - 1))));
    const v = ordered[k];
    return v === null || v === undefined ? null : r4(v);
  };
  return {
    method:
      "seeded sampling of every ageing parameter over its documented range (data/ageing/mechanisms.json); the pack's " +
      'hottest cell under load is re-aged per draw on its own duty and the nominal pack trajectory is scaled by the ' +
      'ratio of the drawn to the nominal cell (first order: the same draw moves every cell alike); the band spans the ' +
      'draws and the nominal projection',
    end_of_life_retention_pct: r4(toPct(eol)),
    samples,
    seed,
    representative_cell: representativeCell,
    years_to_end_of_life: {
      nominal: nominalEol === null ? null : r4(nominalEol),
      low: q(0),
      median: q(0.5),
      high: q(1),
      beyond_horizon: beyond,
      horizon_years: inp.years,
    },
    capacity_retention_pct_after_years: {
      nominal: r4(toPct(packNominal[packNominal.length - 1]!)),
      low: r4(toPct(sorted[0]!)),
      median: r4(toPct(medianOf(sorted))),
      high: r4(toPct(sorted[sorted.length - 1]!)),
    },
    sensitivity: parameterSensitivity(pars, draws, finals.slice(0, draws.length))
      .slice(0, 3)
      .map((s) => ({ parameter: s.parameter, correlation: r4(s.correlation) })),
  };
}

/** "12.3 (band 9.1–> 15) years" style text of the band, for the summary, the report and the claim chart */
export function yearsToEolText(b: PackAgeingBand): string {
  const y = b.years_to_end_of_life;
  const f = (v: number | null): string => (v === null ? `> ${y.horizon_years}` : v.toFixed(1));
  return (
    `${f(y.nominal)} years to ${b.end_of_life_retention_pct} % (band ${f(y.low)}–${f(y.high)} over the ageing ` +
    `parameters' ranges, ${b.samples} seeded draws${b.sensitivity[0] ? `; most sensitive: ${b.sensitivity[0].parameter}` : ''})`
  );
}
