/**
 * Measured data for `rollcell fit`, from CSV text (file I/O stays at the CLI edge):
 *  - a profile: time, current and voltage — Battery Data Format (`Test Time / s`, `Current / A`,
 *    `Voltage / V`) or the About:Energy/PyBaMM layout (`Time [s],I[A],U[V]`); current positive on charge;
 *  - a fade curve: `Cycle Count / 1` with `Capacity Retention / %` (or `/ 1`) or `Discharging Capacity / Ah`;
 *  - a rate test: `C-rate / 1` with `Discharging Capacity / Ah` or `Capacity Retention / %` (of the lowest rate).
 * Lines starting with `#` are comments; `# key: value` lines are the data's metadata (source, conditions:
 * `c_rate`, `charge_cutoff_V`, `discharge_cutoff_V`, `temperature_C`, `stack_pressure_MPa`, …).
 * Every problem names the file, line, column and what is allowed (ProblemError).
 */
import { csvProblem, parseCsvTable } from '../cycler/bdf.ts';
import { ProblemError } from '../problems.ts';

export interface ProfileData {
  readonly kind: 'profile';
  readonly source: string;
  readonly t_s: Float64Array;
  readonly I_A: Float64Array;
  readonly U_V: Float64Array;
  readonly meta: Readonly<Record<string, string>>;
}
export interface FadeData {
  readonly kind: 'fade';
  readonly source: string;
  readonly cycle: Float64Array;
  /** capacity retention in % of the first cycle's discharge capacity */
  readonly retention_pct: Float64Array;
  readonly meta: Readonly<Record<string, string>>;
}
export interface RateData {
  readonly kind: 'rate';
  readonly source: string;
  readonly cRate: Float64Array;
  /** discharge capacity (A·h) when measured in A·h, else null */
  readonly capacity_Ah: Float64Array | null;
  /** capacity in % of the lowest rate's */
  readonly retention_pct: Float64Array;
  readonly meta: Readonly<Record<string, string>>;
}
export type MeasuredData = ProfileData | FadeData | RateData;

const ALIAS: Record<string, string> = {
  'Cycle Count': 'Cycle Count / 1',
  Cycle: 'Cycle Count / 1',
  'Capacity Retention [%]': 'Capacity Retention / %',
  'Retention / %': 'Capacity Retention / %',
  'C-rate': 'C-rate / 1',
  'C rate': 'C-rate / 1',
  'C-rate [1]': 'C-rate / 1',
  'Discharge Capacity [A.h]': 'Discharging Capacity / Ah',
};

function fail(source: string, problem: string, got: string, allowed: string, line?: number): never {
  throw new ProblemError(
    line === undefined ? { path: source, problem, got, allowed } : { path: source, problem, got, allowed, line },
  );
}

/** parses one data file's text; `source` names it in messages */
export function parseMeasuredData(text: string, source: string): MeasuredData {
  const meta: Record<string, string> = {};
  // comment lines become empty lines (the CSV reader skips them and keeps the line numbers)
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const body = lines.map((l) => {
    const m = /^\s*#\s*([A-Za-z_][\w ]*?)\s*:\s*(.*)$/.exec(l);
    if (m) meta[m[1]!.trim()] = m[2]!.trim();
    return /^\s*#/.test(l) ? '' : l;
  });
  const headerIdx = body.findIndex((l) => l.trim() !== '');
  if (headerIdx < 0) fail(source, 'no data', 'an empty file (or comments only)', 'a CSV header line, then rows');
  body[headerIdx] = body[headerIdx]!.split(',')
    .map((h) => ALIAS[h.trim()] ?? h.trim())
    .join(',');
  const header = body[headerIdx]!.split(',').map((h) => h.trim());
  const has = (c: string): boolean => header.includes(c);
  const isTime = has('Test Time / s') || has('Time [s]') || has('Time / s');
  const kind: MeasuredData['kind'] | null = isTime
    ? 'profile'
    : has('C-rate / 1')
      ? 'rate'
      : has('Cycle Count / 1')
        ? 'fade'
        : null;
  if (!kind)
    fail(
      source,
      'unknown kind of data (no time, cycle or C-rate column)',
      header.map((h) => `'${h}'`).join(', '),
      'a profile (Test Time / s, Current / A, Voltage / V — or Time [s], I[A], U[V]), ' +
        'a fade curve (Cycle Count / 1 with Capacity Retention / % or Discharging Capacity / Ah) ' +
        'or a rate test (C-rate / 1 with Discharging Capacity / Ah or Capacity Retention / %)',
      headerIdx + 1,
    );
  const req =
    kind === 'profile'
      ? ['Test Time / s', 'Current / A', 'Voltage / V']
      : kind === 'fade'
        ? ['Cycle Count / 1']
        : ['C-rate / 1'];
  const t = parseCsvTable(body.join('\n'), req);
  if (!t.ok)
    throw new ProblemError(
      t.errors.map((e) => csvProblem(e, source)),
      undefined,
    );
  const c = t.value.columns;
  const n = c[req[0]!]!.length;
  if (n < 2) fail(source, 'too few rows', String(n), 'at least 2 data rows');
  const col = (name: string): Float64Array => Float64Array.from(c[name]!);
  const increasing = (name: string): void => {
    const a = c[name]!;
    const k = t.value.header.indexOf(name) + 1;
    for (let i = 1; i < a.length; i++)
      if (!(a[i]! > a[i - 1]!))
        throw new ProblemError({
          path: `${source} '${name}'`,
          problem: 'must increase from row to row',
          got: `${a[i]} after ${a[i - 1]}`,
          allowed: `> ${a[i - 1]}`,
          line: headerIdx + 2 + i,
          column: k,
        });
  };
  const positive = (name: string, a: Float64Array): void => {
    const k = t.value.header.indexOf(name) + 1;
    a.forEach((v, i) => {
      if (!(v > 0))
        throw new ProblemError({
          path: `${source} '${name}'`,
          problem: 'must be > 0',
          got: String(v),
          allowed: '> 0',
          line: headerIdx + 2 + i,
          column: k,
        });
    });
  };
  if (kind === 'profile') {
    increasing('Test Time / s');
    const U = col('Voltage / V');
    positive('Voltage / V', U);
    return { kind, source, t_s: col('Test Time / s'), I_A: col('Current / A'), U_V: U, meta };
  }
  const retentionCol = has('Capacity Retention / %')
    ? 'Capacity Retention / %'
    : has('Capacity Retention / 1')
      ? 'Capacity Retention / 1'
      : null;
  const capCol = has('Discharging Capacity / Ah') ? 'Discharging Capacity / Ah' : null;
  if (!retentionCol && !capCol)
    fail(
      source,
      `missing a capacity column for a ${kind === 'fade' ? 'fade curve' : 'rate test'}`,
      header.map((h) => `'${h}'`).join(', '),
      "'Capacity Retention / %', 'Capacity Retention / 1' or 'Discharging Capacity / Ah'",
      headerIdx + 1,
    );
  const cap = capCol ? col(capCol) : null;
  if (cap) positive(capCol!, cap);
  const ret = retentionCol
    ? col(retentionCol).map((v) => (retentionCol.endsWith('/ 1') ? v * 100 : v))
    : cap!.map((v) => (100 * v) / cap![0]!);
  if (retentionCol) positive(retentionCol, ret);
  if (kind === 'fade') {
    increasing('Cycle Count / 1');
    const cyc = col('Cycle Count / 1');
    cyc.forEach((v, i) => {
      if (!(Number.isInteger(v) && v >= 1))
        throw new ProblemError({
          path: `${source} 'Cycle Count / 1'`,
          problem: 'not a cycle number',
          got: String(v),
          allowed: 'an integer ≥ 1',
          line: headerIdx + 2 + i,
          column: t.value.header.indexOf('Cycle Count / 1') + 1,
        });
    });
    return { kind, source, cycle: cyc, retention_pct: ret, meta };
  }
  increasing('C-rate / 1');
  const rate = col('C-rate / 1');
  positive('C-rate / 1', rate);
  return {
    kind,
    source,
    cRate: rate,
    capacity_Ah: cap,
    retention_pct: cap ? cap.map((v) => (100 * v) / cap[0]!) : ret,
    meta,
  };
}
