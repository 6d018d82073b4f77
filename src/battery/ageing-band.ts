/**
 * The band on the pack's multi-year projection (issue 16 item 5): years to end of life and the retention
 * after the projected years, over the ageing parameters' documented ranges (data/ageing/mechanisms.json) by
 * seeded sampling. Cheap by construction: one representative cell — the pack's hottest cell under load,
 * the one that ages fastest — goes through the same daily updates as the pack's nominal projection (its own
 * duty: RMS current, time under load, mean temperature, daily charge) once per draw, its C/3 capacity
 * measured once a year (its nominal trajectory is the pack run's own). Each draw's pack trajectory is the nominal pack
 * trajectory times the ratio of the drawn to the nominal representative cell (first order: the same
 * parameter draw moves every cell alike; the cell-to-cell spread stays as the nominal projection has it).
 *
 * Retention is referenced to the capacity AFTER FORMATION (issue 16): the cathode contact loss of the ageing
 * laws (src/electrochem/ssb/ageing.ts, law 4) approaches its asymptote within ≈ 3 N_c cycles and then stays —
 * the composite settling that Koerver et al. 2017 (doi:10.1021/acs.chemmater.7b00931) and Shi et al. 2020
 * (doi:10.1039/D0TA06985J) see in the first cycles, a loss a cell shows once. Like a datasheet's rated
 * capacity (measured after formation), the reference is the capacity once that loss has settled; the loss is
 * its own figure (`formation_loss_pct`) and the fresh-referenced figures stay beside it.
 */
import type { CycleSummary } from '../electrochem/model.ts';
import type { SsbSpme } from '../electrochem/ssb/spme.ts';
import { ageingWithValues } from '../electrochem/ssb/ageing.ts';
import { ageingUncertainParameters, drawAgeingSamples, parameterSensitivity } from '../cycler/ageing-band.ts';
import { spmeOf, type CellSpec } from './cells.ts';
import { problem } from '../problems.ts';
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
  /** end of life as a retention fraction of the reference capacity (after formation) (0..1) */
  readonly endOfLifeRetention: number;
  /**
   * days of use before the reference capacity is measured (formation and settling: `formationDays`); with
   * days > 0 the trajectories packByYear_C / nominalCellByYear_C hold one more point, after those days,
   * between the start and year 1 (`trajectoryTimes`)
   */
  readonly formationDays?: number;
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
  /** days of use before the reference capacity (0: the fresh capacity is the reference) */
  readonly formation_days: number;
  /** capacity the representative cell's pack trajectory loses before the reference point, % of fresh */
  readonly formation_loss_pct: {
    readonly nominal: number;
    readonly low: number;
    readonly median: number;
    readonly high: number;
  };
  /** pack capacity retention after the projected years (of the capacity after formation), % */
  readonly capacity_retention_pct_after_years: {
    readonly nominal: number;
    readonly low: number;
    readonly median: number;
    readonly high: number;
  };
  /** the parameters that move the retention after the projected years most (|correlation| over the draws) */
  readonly sensitivity: readonly { readonly parameter: string; readonly correlation: number }[];
}

/**
 * The first time (years, interpolated linearly between the trajectory's points) a trajectory falls below
 * eol; null: never. `times` are the points' times in years (default: one point a year from 0).
 */
export function yearsToEndOfLife(retention: readonly number[], eol: number, times?: readonly number[]): number | null {
  const t = (k: number): number => (times ? times[k]! : k);
  for (let k = 1; k < retention.length; k++) {
    const a = retention[k - 1]!;
    const b = retention[k]!;
    if (b < eol) return t(k - 1) + ((t(k) - t(k - 1)) * (a - eol)) / (a - b);
  }
  return null;
}

/** fraction of the way to its asymptote the cathode contact loss must have gone for formation to be over */
export const FORMATION_SETTLED = 0.95;

/**
 * Days of use over which the cathode contact loss settles (formation and settling): the contact law moves
 * the isolated fraction 1/N_c of the way to its asymptote per cycle (one daily update is one cycle), so it
 * is within 1 − FORMATION_SETTLED of it after ⌈ln(1 − 0.95)/ln(1 − 1/N_c)⌉ cycles — 59 days at the
 * nominal N_c = 20. 0 when the contact-loss law is off (nothing settles: the fresh capacity is the
 * reference); at most 364 (formation ends inside the first year).
 */
export function formationDays(contactLossOn: boolean, contactCycles: number): number {
  if (!contactLossOn) return 0;
  if (!(contactCycles > 1)) return 1;
  return Math.min(364, Math.ceil(Math.log(1 - FORMATION_SETTLED) / Math.log(1 - 1 / contactCycles)));
}

/** the times (years) of a trajectory's points: the start, the end of formation (formationDays > 0), each year */
export function trajectoryTimes(years: number, formationDays: number): number[] {
  const t = [0];
  if (formationDays > 0) t.push(formationDays / 365);
  for (let y = 1; y <= years; y++) t.push(y);
  return t;
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

/** one representative-cell trajectory: its C/3 capacity at the start, after formation (if any) and after each year */
function cellTrajectory(inp: PackAgeingBandInput, spec: CellSpec): number[] {
  const m = spmeOf(spec);
  const y = m.initialState(0.5);
  const out = [inp.capacity_C(m, y)];
  const f = inp.formationDays ?? 0;
  let idx = 0;
  for (let yr = 1; yr <= inp.years; yr++) {
    for (let d = 0; d < 365; d++) {
      m.afterCycle(y, inp.day(++idx, inp.dailyCharge_C));
      if (yr === 1 && d + 1 === f) out.push(inp.capacity_C(m, y));
    }
    out.push(inp.capacity_C(m, y));
  }
  return out;
}

/** the band's draws: the representative cell with each seeded draw's ageing parameters, in draw order */
export function bandDrawSpecs(spec: CellSpec, samples = 8, seed = 1): CellSpec[] {
  const p = spec.params;
  return drawAgeingSamples(ageingUncertainParameters(), samples, seed).map((d) => ({
    ...spec,
    params: { ...p, ageing: ageingWithValues(p.ageing, d.values) },
  }));
}

/**
 * The band. `drawn`: each draw's representative-cell trajectory (bandDrawSpecs' cells, in order), when the
 * caller has computed them (src/battery/ageing-cells.ts, possibly on other threads); else they are computed
 * here with `inp.day` and `inp.capacity_C`.
 */
export function packAgeingBand(
  inp: PackAgeingBandInput,
  representativeCell: number,
  drawn?: readonly (readonly number[])[],
): PackAgeingBand | null {
  const samples = inp.samples ?? 8;
  const seed = inp.seed ?? 1;
  const eol = inp.endOfLifeRetention;
  const nominalCell = inp.nominalCellByYear_C;
  const f = inp.formationDays ?? 0;
  const times = trajectoryTimes(inp.years, f);
  if (nominalCell.length !== times.length || inp.packByYear_C.length !== times.length)
    throw problem(
      'battery.ageing.trajectory',
      'has the wrong number of points',
      String(inp.packByYear_C.length),
      `${times.length} (the start${f > 0 ? ', after formation' : ''} and each of ${inp.years} years)`,
    );
  if (!(nominalCell[0]! > 0) || !(inp.packByYear_C[0]! > 0)) return null;
  const packNominal = inp.packByYear_C.map((c) => c / inp.packByYear_C[0]!);
  // the reference point: after formation (index 1) when there is one, else the start
  const ref = f > 0 ? 1 : 0;
  const afterFormation = (ret: readonly number[]): { final: number; eol: number | null; loss: number } => {
    const r0 = ret[ref]!;
    if (!(r0 > 0)) return { final: 0, eol: times[ref]!, loss: 1 - r0 };
    const rel = ret.slice(ref).map((x) => x / r0);
    return { final: rel[rel.length - 1]!, eol: yearsToEndOfLife(rel, eol, times.slice(ref)), loss: 1 - r0 };
  };
  const pars = ageingUncertainParameters();
  const draws = drawAgeingSamples(pars, samples, seed);
  const finals: number[] = [];
  const eols: (number | null)[] = [];
  const losses: number[] = [];
  if (drawn && drawn.length !== draws.length)
    throw problem('battery.ageing.band', 'has the wrong number of draws', String(drawn.length), String(draws.length));
  for (const [i, d] of draws.entries()) {
    const p = inp.spec.params;
    const cell =
      drawn?.[i] ??
      cellTrajectory(inp, { ...inp.spec, params: { ...p, ageing: ageingWithValues(p.ageing, d.values) } });
    const a = afterFormation(scaledPackRetention(packNominal, nominalCell, cell));
    finals.push(a.final);
    eols.push(a.eol);
    losses.push(a.loss);
  }
  // the band covers the draws and the nominal projection (the headline is always inside its band)
  const nom = afterFormation(packNominal);
  const nominalEol = nom.eol;
  finals.push(nom.final);
  eols.push(nominalEol);
  losses.push(nom.loss);
  const sorted = [...finals].sort((a, b) => a - b);
  const lossSorted = [...losses].sort((a, b) => a - b);
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
      'draws and the nominal projection; retention and years to end of life are referenced to the capacity after ' +
      `formation (${f} days of the duty, the cathode contact loss settled to ${toPct(FORMATION_SETTLED)} % of its ` +
      'nominal asymptote; formation_loss_pct is the loss before it)',
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
    formation_days: f,
    formation_loss_pct: {
      nominal: r4(toPct(nom.loss)),
      low: r4(toPct(lossSorted[0]!)),
      median: r4(toPct(medianOf(lossSorted))),
      high: r4(toPct(lossSorted[lossSorted.length - 1]!)),
    },
    capacity_retention_pct_after_years: {
      nominal: r4(toPct(nom.final)),
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
export function yearsToEolText(
  b: Omit<PackAgeingBand, 'formation_days' | 'formation_loss_pct'> &
    Partial<Pick<PackAgeingBand, 'formation_days' | 'formation_loss_pct'>>,
): string {
  const y = b.years_to_end_of_life;
  const f = (v: number | null): string => (v === null ? `> ${y.horizon_years}` : v.toFixed(1));
  const fl = b.formation_loss_pct;
  const ref =
    b.formation_days && fl
      ? `, of the capacity after formation (${b.formation_days} days; formation loss ${fl.nominal.toFixed(1)} %, ` +
        `band ${fl.low.toFixed(1)}–${fl.high.toFixed(1)} %)`
      : ', of the fresh capacity';
  return (
    `${f(y.nominal)} years to ${b.end_of_life_retention_pct} % (band ${f(y.low)}–${f(y.high)} over the ageing ` +
    `parameters' ranges, ${b.samples} seeded draws${b.sensitivity[0] ? `; most sensitive: ${b.sensitivity[0].parameter}` : ''})` +
    ref
  );
}
