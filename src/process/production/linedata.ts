/**
 * Real line data in: a CSV of measured series that replaces simulated variability for a run.
 *
 * FORMAT (UTF-8 text, comma-separated, first non-comment line is the header):
 *   time_s,station,force_N,temperature_C,thickness_um
 *   0,240,300.5,100.2,30.1
 *   0.5,222,401.0,,90.3
 * - Lines starting with `#` and blank lines are ignored (comments); everything else is data.
 * - Columns (header names are exact, case-sensitive, with the unit in the name; order is free):
 *   `time_s`        required; time since the start of the run, s; non-decreasing per station.
 *   `station`       required; one of 222, 236, 240 (the nip the row describes).
 *   `force_N`       optional column; measured roll force of that nip, N (> 0).
 *   `temperature_C` optional column; measured nip / web temperature, °C (> −273.15).
 *   `thickness_um`  optional column; infeed gauge: thickness of the sheet FED to that nip, µm (> 0):
 *                   222 → the first composite sheet (cathode + electrolyte layer),
 *                   236 → the Al-containing sheet, 240 → the third sheet (Li layer + conductive layer).
 *                   The measured/nominal ratio scales every layer of that sheet.
 *   At least one of force_N, temperature_C, thickness_um must be present in the header.
 * - An empty field means "not measured at this time"; the series of that column is interpolated
 *   linearly between its measured times and held constant beyond its ends.
 * - Any other defect — unknown column, wrong field count, a non-number, a value out of range, time
 *   going backwards, an unknown station — is an error naming the line (1-based) and the column.
 *   Nothing is skipped silently.
 * A series replaces the simulated fluctuation of that quantity at that station for the whole run
 * (the run's time at each cell is mapped onto `time_s`).
 */
import { ProblemError } from '../../problems.ts';
import { celsius, um } from '../../units/index.ts';
import { ZERO_CELSIUS_K } from '../../materials/constants.ts';

export const LINE_DATA_COLUMNS = ['time_s', 'station', 'force_N', 'temperature_C', 'thickness_um'] as const;
export type LineDataColumn = (typeof LINE_DATA_COLUMNS)[number];
import { STATION_IDS as STATIONS, type StationId } from '../../recipe/stations.ts';
import { parseDecimal } from '../../io/decimal.ts';
export type { StationId };

/** a malformed line-data CSV: the one error value, naming the column, with the file's line */
export class LineDataError extends ProblemError {
  constructor(
    readonly line: number,
    readonly column: string,
    problem: string,
    got: string,
    allowed: string,
  ) {
    super({ path: `line data.${column}`, problem, got, allowed, line });
    this.name = 'LineDataError';
  }
}

/** one measured series: times (s, ascending) and values (SI: N, K, m) */
export interface Series {
  t: number[];
  v: number[];
}

export interface LineData {
  /** per station: force (N), temperature (K), infeed sheet thickness (m) */
  stations: Partial<Record<StationId, { force?: Series; temperature?: Series; thickness?: Series }>>;
  rows: number;
  /** last time in the file, s */
  tEnd_s: number;
}

/** Parses the CSV text (see the format above). Throws LineDataError naming line and column. */
export function parseLineData(text: string): LineData {
  const lines = text.split(/\r?\n/);
  let header: string[] | undefined;
  let headerLine = 0;
  const out: LineData = { stations: {}, rows: 0, tEnd_s: 0 };
  const lastT: Partial<Record<StationId, number>> = {};
  for (let li = 0; li < lines.length; li++) {
    const lineNo = li + 1;
    const raw = lines[li]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const fields = raw.split(',').map((f) => f.trim());
    if (!header) {
      header = fields;
      headerLine = lineNo;
      const seen = new Set<string>();
      fields.forEach((h, i) => {
        if (!(LINE_DATA_COLUMNS as readonly string[]).includes(h)) {
          throw new LineDataError(
            lineNo,
            h === '' ? `#${i + 1}` : h,
            'unknown column',
            JSON.stringify(h),
            LINE_DATA_COLUMNS.join(', '),
          );
        }
        if (seen.has(h)) throw new LineDataError(lineNo, h, 'column appears twice', `"${h}" twice`, 'each column once');
        seen.add(h);
      });
      for (const req of ['time_s', 'station'])
        if (!seen.has(req))
          throw new LineDataError(lineNo, req, 'required column missing', fields.join(', '), `a header with ${req}`);
      if (!fields.some((h) => h === 'force_N' || h === 'temperature_C' || h === 'thickness_um')) {
        throw new LineDataError(
          lineNo,
          'force_N',
          'no measured column',
          fields.join(', '),
          'at least one of force_N, temperature_C, thickness_um',
        );
      }
      continue;
    }
    if (fields.length !== header.length) {
      throw new LineDataError(
        lineNo,
        fields.length > header.length ? `#${header.length + 1}` : header[fields.length]!,
        'wrong number of fields',
        String(fields.length),
        `${header.length} as in the header on line ${headerLine}`,
      );
    }
    const rec: Partial<Record<LineDataColumn, string>> = {};
    header.forEach((h, i) => (rec[h as LineDataColumn] = fields[i]!));
    const numAt = (col: LineDataColumn, required: boolean): number | undefined => {
      const s = rec[col] ?? '';
      if (s === '') {
        if (required) throw new LineDataError(lineNo, col, 'value missing', 'empty', 'a number');
        return undefined;
      }
      const v = parseDecimal(s);
      if (!Number.isFinite(v))
        throw new LineDataError(lineNo, col, 'not a number', `${JSON.stringify(s)}`, 'a finite decimal number');
      return v;
    };
    const t = numAt('time_s', true)!;
    if (t < 0) throw new LineDataError(lineNo, 'time_s', 'must be ≥ 0', `${t}`, '≥ 0');
    const st = rec.station ?? '';
    if (!(STATIONS as readonly string[]).includes(st))
      throw new LineDataError(lineNo, 'station', 'unknown station', `${JSON.stringify(st)}`, '222, 236, 240');
    const sid = st as StationId;
    const prev = lastT[sid];
    if (prev !== undefined && t < prev)
      throw new LineDataError(
        lineNo,
        'time_s',
        `time goes backwards for station ${sid}`,
        `${t} after ${prev}`,
        'non-decreasing',
      );
    lastT[sid] = t;
    const slot = (out.stations[sid] ??= {});
    const push = (key: 'force' | 'temperature' | 'thickness', v: number): void => {
      const s = (slot[key] ??= { t: [], v: [] });
      s.t.push(t);
      s.v.push(v);
    };
    const f = numAt('force_N', false);
    if (f !== undefined) {
      if (!(f > 0)) throw new LineDataError(lineNo, 'force_N', 'must be > 0', `${f}`, '> 0');
      push('force', f);
    }
    const T = numAt('temperature_C', false);
    if (T !== undefined) {
      if (!(T > -ZERO_CELSIUS_K))
        throw new LineDataError(lineNo, 'temperature_C', 'below absolute zero', `${T}`, `> ${-ZERO_CELSIUS_K}`);
      push('temperature', celsius(T));
    }
    const h = numAt('thickness_um', false);
    if (h !== undefined) {
      if (!(h > 0)) throw new LineDataError(lineNo, 'thickness_um', 'must be > 0', `${h}`, '> 0');
      push('thickness', um(h));
    }
    out.rows++;
    if (t > out.tEnd_s) out.tEnd_s = t;
  }
  if (!header)
    throw new LineDataError(1, 'time_s', 'empty file: no header', 'no lines', 'a header line naming the columns');
  if (out.rows === 0)
    throw new LineDataError(headerLine, 'time_s', 'no data rows after the header', '0 rows', '≥ 1 row');
  return out;
}

/** linear interpolation of a series at time t, held constant beyond its ends */
export function interpSeries(s: Series, t: number): number {
  const n = s.t.length;
  if (t <= s.t[0]!) return s.v[0]!;
  if (t >= s.t[n - 1]!) return s.v[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const m = (lo + hi) >> 1;
    if (s.t[m]! <= t) lo = m;
    else hi = m;
  }
  const t0 = s.t[lo]!;
  const t1 = s.t[hi]!;
  return t1 === t0 ? s.v[hi]! : s.v[lo]! + ((s.v[hi]! - s.v[lo]!) * (t - t0)) / (t1 - t0);
}
