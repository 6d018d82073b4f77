/**
 * Battery Data Format (BDF) CSV: time series out, per-cycle summary out, measured data in, and the
 * measured-vs-predicted voltage comparison.
 *
 * Written with the Battery Data Alliance's preferred labels ("Quantity / unit", ./bdf-ontology.ts):
 * `Test Time / s`, `Unix Time / s` (when the run's start time is given), `Voltage / V`, `Current / A`,
 * `Cycle Count / 1`, `Step Count / 1`, `Charging Capacity / Ah`, `Discharging Capacity / Ah`,
 * `Charging Energy / Wh`, `Discharging Energy / Wh` (cumulative from the start of the test),
 * `Ambient Temperature / degC` (the ambient the model ran at), `Surface Temperature / degC` (the cell's
 * temperature, when the model gives one), then non-canonical columns (`State of Charge / 1`, model
 * outputs). The per-cycle summary uses the spec's per-cycle names (`Cycle Charging Capacity / Ah`, …) on
 * the record at each cycle's end. Every file rollcell writes passes the reference validator's checks
 * (./bdf-validate.ts). Current is positive on charge.
 *
 * Read as the spec allows: preferred labels, deprecated labels (converted from ms), notations
 * (`test_time_second`), synonyms, other units of the same quantity (`Current / mA`), text columns,
 * empty cells (NaN), and PyBaMM/About:Energy headers (`Time [s],I[A],U[V]`).
 * Numbers are written with JavaScript's shortest round-trip form, so write → read gives the same doubles.
 * Pure string in / string out (file I/O lives at the CLI edge).
 */
import { formatProblem, type Problem } from '../problems.ts';
import type { DriveCycle, ExperimentResult } from './machine.ts';
import { cycleMetrics } from './metrics.ts';
import { bdfColumns, resolveBdfHeader } from './bdf-ontology.ts';
import { toAh, toWh, toCelsius, toUm, kW } from '../units/index.ts';
import { ZERO_CELSIUS_K } from '../materials/constants.ts';
import { parseDecimal } from '../io/decimal.ts';

export const BDF_REQUIRED = [
  'Test Time / s',
  'Voltage / V',
  'Current / A',
  'Cycle Count / 1',
  'Step Count / 1',
  'Charging Capacity / Ah',
  'Discharging Capacity / Ah',
] as const;

const num = (x: number): string => (Number.isFinite(x) ? String(x) : '');

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface BdfWriteOptions {
  /** model outputs as extra columns (default true) */
  readonly outputs?: boolean;
  /** the run's start as Unix time (s): adds `Unix Time / s` = start + test time */
  readonly startTime_s?: number;
}

/** model outputs that are BDF columns themselves (written under their BDF names, not twice) */
const OUTPUTS_AS_BDF: Record<string, string> = {
  V: 'Voltage / V',
  I_A: 'Current / A',
  T_K: 'Surface Temperature / degC',
};

/** A generic BDF CSV: a header and columns of numbers (NaN → empty cell), strings or nulls. */
export function toBdfTableCsv(
  header: readonly string[],
  columns: readonly ArrayLike<number | string | null | undefined>[],
): string {
  const n = columns.reduce((m, c) => Math.max(m, c.length), 0);
  const lines = [header.map(csvField).join(',')];
  for (let i = 0; i < n; i++)
    lines.push(
      columns
        .map((c) => {
          const v = c[i];
          return typeof v === 'number' ? num(v) : typeof v === 'string' ? csvField(v) : '';
        })
        .join(','),
    );
  return lines.join('\n') + '\n';
}

/** BDF time series of an experiment result (model outputs appended as extra columns unless `outputs: false`). */
export function toBdfCsv(result: ExperimentResult, opts: BdfWriteOptions = {}): string {
  const s = result.series;
  const extra =
    opts.outputs === false
      ? []
      : Object.keys(s.outputs)
          .filter((k) => !(k in OUTPUTS_AS_BDF))
          .sort();
  const head: string[] = [];
  const cols: ArrayLike<number>[] = [];
  const col = (h: string, c: ArrayLike<number>): void => {
    head.push(h);
    cols.push(c);
  };
  col('Test Time / s', s.time_s);
  if (opts.startTime_s !== undefined) {
    const t0 = opts.startTime_s;
    col(
      'Unix Time / s',
      s.time_s.map((t) => t0 + t),
    );
  }
  col('Voltage / V', s.voltage_V);
  col('Current / A', s.current_A);
  col('Cycle Count / 1', s.cycle);
  col('Step Count / 1', s.step);
  col('Charging Capacity / Ah', s.charge_C.map(toAh));
  col('Discharging Capacity / Ah', s.discharge_C.map(toAh));
  col('Charging Energy / Wh', s.chargeEnergy_J.map(toWh));
  col('Discharging Energy / Wh', s.dischargeEnergy_J.map(toWh));
  if (s.ambient_K && s.ambient_K.some(Number.isFinite)) col('Ambient Temperature / degC', s.ambient_K.map(toCelsius));
  if (opts.outputs !== false && s.outputs['T_K']) col('Surface Temperature / degC', s.outputs['T_K'].map(toCelsius));
  col('State of Charge / 1', s.soc);
  for (const k of extra) col(k, s.outputs[k]!);
  return toBdfTableCsv(head, cols);
}

/** The per-cycle summary's columns every run has, in order (`Unix Time / s` when the run's start is known). */
export function cycleSummaryColumns(unixTime: boolean): string[] {
  return [
    'Cycle Count / 1',
    'Test Time / s',
    ...(unixTime ? ['Unix Time / s'] : []),
    'Voltage / V',
    'Current / A',
    'Cycle Charging Capacity / Ah',
    'Cycle Discharging Capacity / Ah',
    'Cycle Charging Energy / Wh',
    'Cycle Discharging Energy / Wh',
    'Coulombic Efficiency / 1',
    'Energy Efficiency / 1',
    'Mean Charging Voltage / V',
    'Mean Discharging Voltage / V',
    'Cycle Start Time / s',
  ];
}

/**
 * Per-cycle summary CSV: one record per cycle at its end (`Test Time / s`, `Voltage / V`, `Current / A`
 * there — the BDF's required columns) with the cycle's totals under the spec's per-cycle names
 * (`Cycle Charging Capacity / Ah`, `Cycle Discharging Capacity / Ah`, `Cycle Charging Energy / Wh`,
 * `Cycle Discharging Energy / Wh`: the running integrals from the start of the cycle, at its end), then
 * rollcell's figures (efficiencies, mean voltages, specific and areal capacities, thickness).
 */
export function toCycleSummaryCsv(result: ExperimentResult, opts: BdfWriteOptions = {}): string {
  const hasMass = result.cathodeActiveMass_kg !== undefined;
  const hasArea = result.area_m2 !== undefined;
  const hasThickness = result.cycles.some((c) => c.thickness_m !== undefined);
  const header = [
    ...cycleSummaryColumns(opts.startTime_s !== undefined),
    ...(hasMass ? ['Specific Charging Capacity / mAh/g', 'Specific Discharging Capacity / mAh/g'] : []),
    ...(hasArea ? ['Areal Charging Capacity / mAh/cm2', 'Areal Discharging Capacity / mAh/cm2'] : []),
    ...(hasThickness ? ['Thickness / um'] : []),
  ];
  const lines = [header.map(csvField).join(',')];
  for (const c of result.cycles) {
    const m = cycleMetrics(result, c.index);
    const last = result.steps.find((s) => s.index === c.lastStep);
    const opt = (x: number | null | undefined): string => (x === null || x === undefined ? '' : num(x));
    lines.push(
      [
        String(c.index),
        num(c.end_s),
        ...(opts.startTime_s !== undefined ? [num(opts.startTime_s + c.end_s)] : []),
        opt(last?.endVoltage_V),
        opt(last?.endCurrent_A),
        num(m.charge_Ah),
        num(m.discharge_Ah),
        num(m.chargeEnergy_Wh),
        num(m.dischargeEnergy_Wh),
        opt(m.coulombicEfficiency),
        opt(m.energyEfficiency),
        opt(m.meanChargeVoltage_V),
        opt(m.meanDischargeVoltage_V),
        num(c.start_s),
        ...(hasMass ? [opt(m.charge_mAh_g), opt(m.discharge_mAh_g)] : []),
        ...(hasArea ? [opt(m.charge_mAh_cm2), opt(m.discharge_mAh_cm2)] : []),
        ...(hasThickness ? [opt(c.thickness_m !== undefined ? toUm(c.thickness_m) : undefined)] : []),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** a CSV problem as a value (the fields of src/problems.ts's Problem) at its line and column */
export interface CsvError {
  /** 1-based line */
  line: number;
  /** 1-based column (field index) */
  column: number;
  /** column name, when known */
  field?: string;
  problem: string;
  got: string;
  allowed: string;
}

export type CsvParsed<T> = { ok: true; value: T } | { ok: false; errors: CsvError[] };

/** the CSV problem as a Problem: the file (and column name) as its path, with line and column */
export function csvProblem(e: CsvError, file = 'csv'): Problem {
  return {
    path: e.field ? `${file} '${e.field}'` : file,
    problem: e.problem,
    got: e.got,
    allowed: e.allowed,
    line: e.line,
    column: e.column,
  };
}

export function formatCsvError(e: CsvError, file = 'csv'): string {
  return formatProblem(csvProblem(e, file));
}

/** splits CSV text into rows of fields (RFC 4180 quoting); tracks 1-based line numbers of each row; `#` comment lines skipped */
function splitCsv(text: string): { fields: string[]; line: number }[] {
  const rows: { fields: string[]; line: number }[] = [];
  let line = 1;
  let i = 0;
  const s = text.replace(/^\uFEFF/, '');
  while (i < s.length) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let inQ = false;
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (inQ) {
        if (c === '"') {
          if (s[i + 1] === '"') {
            field += '"';
            i++;
          } else inQ = false;
        } else {
          if (c === '\n') line++;
          field += c;
        }
      } else if (c === '"' && field === '') inQ = true;
      else if (c === ',') {
        fields.push(field);
        field = '';
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && s[i + 1] === '\n') i++;
        i++;
        line++;
        break;
      } else field += c;
    }
    fields.push(field);
    if (fields.length === 1 && fields[0]!.trim() === '') continue;
    if (fields.length >= 1 && fields[0]!.trimStart().startsWith('#')) continue;
    rows.push({ fields, line: startLine });
  }
  return rows;
}

/** a measured or predicted table: named numeric columns and text columns */
export interface CsvTable {
  /** the column names after canonicalisation (BDF preferred labels where the header resolves to one) */
  header: string[];
  /** numeric columns by name (empty cells NaN) */
  columns: Record<string, number[]>;
  /** text columns by name (a column with a cell that is not a number; empty cells '') */
  text: Record<string, string[]>;
  /** the header as written */
  rawHeader: string[];
}

/** column aliases accepted on import (PyBaMM/About:Energy style `Time [s],I[A],U[V]` files) */
const ALIASES: Record<string, string> = {
  'Time [s]': 'Test Time / s',
  'Time / s': 'Test Time / s',
  'I[A]': 'Current / A',
  'I [A]': 'Current / A',
  'Current [A]': 'Current / A',
  'U[V]': 'Voltage / V',
  'U [V]': 'Voltage / V',
  'Voltage [V]': 'Voltage / V',
  'Power [W]': 'Power / W',
  'P[W]': 'Power / W',
};

/** other units of a quantity: factor and offset into the BDF label's unit */
const UNIT_CONVERSIONS: Record<string, Record<string, [number, number]>> = {
  s: { s: [1, 0], ms: [1e-3, 0], min: [60, 0], h: [3600, 0] },
  V: { V: [1, 0], mV: [1e-3, 0] },
  A: { A: [1, 0], mA: [1e-3, 0] },
  Ah: { Ah: [1, 0], mAh: [1e-3, 0], 'A.h': [1, 0] },
  Wh: { Wh: [1, 0], mWh: [1e-3, 0], 'W.h': [1, 0] },
  W: { W: [1, 0], mW: [1e-3, 0] },
  degC: { degC: [1, 0], '°C': [1, 0], C: [1, 0], K: [1, -ZERO_CELSIUS_K] },
};

/** a header's BDF label and the conversion of its values into the label's unit, or undefined */
function canonical(header: string): { label: string; scale: number; offset: number } | undefined {
  const h = header.trim();
  const a = ALIASES[h];
  if (a) return { label: a, scale: 1, offset: 0 };
  const r = resolveBdfHeader(h);
  if (r) {
    // a deprecated label in another unit (Test Time / ms → Test Time / s)
    const from = h.split(' / ')[1]?.trim();
    const to = r.column.label.split(' / ')[1]?.trim();
    if (r.via === 'deprecated' && from && to && from !== to) {
      const c = UNIT_CONVERSIONS[to]?.[from];
      if (c) return { label: r.column.label, scale: c[0], offset: c[1] };
    }
    if (r.via === 'notation' && /_millisecond$/.test(h)) return { label: r.column.label, scale: 1e-3, offset: 0 };
    return { label: r.column.label, scale: 1, offset: 0 };
  }
  // "Quantity / other unit" of a BDF quantity (Current / mA)
  const m = /^(.+?)\s*\/\s*(.+)$/.exec(h);
  if (m) {
    const base = m[1]!.trim().toLowerCase();
    const unit = m[2]!.trim();
    for (const c of bdfColumns()) {
      if (c.deprecated) continue;
      const [b, u] = c.label.split(' / ');
      if (b!.trim().toLowerCase() !== base || !u) continue;
      const conv = UNIT_CONVERSIONS[u.trim()]?.[unit];
      if (conv) return { label: c.label, scale: conv[0], offset: conv[1] };
    }
  }
  return undefined;
}

/**
 * Largest magnitudes accepted per column (choices far beyond any cell test — absolute Unix times of
 * ≈ 1.7e9 s fit — and small enough that squares and sums of a million rows stay finite).
 */
export const CSV_MAX_ABS: Readonly<Record<string, number>> = {
  'Test Time / s': 1e10,
  'Voltage / V': 1e3,
  'Current / A': 1e5,
  'Power / W': 1e9,
};
const CSV_MAX_ABS_OTHER = 1e12;

/**
 * Reads a CSV: `required` columns must exist (after canonicalisation) and hold numbers (empty cells
 * allowed, NaN); any other column holding a cell that is not a number is a text column.
 * A number column whose magnitude passes CSV_MAX_ABS is refused (line and column).
 */
/** a BDF notation to name in the missing-column message */
const BDF_NOTATION_EXAMPLE: Record<string, string> = {
  'Test Time / s': 'test_time_second',
  'Voltage / V': 'voltage_volt',
  'Current / A': 'current_ampere',
};

export function parseCsvTable(text: string, required: readonly string[]): CsvParsed<CsvTable> {
  const rows = splitCsv(text);
  if (rows.length === 0)
    return {
      ok: false,
      errors: [{ line: 1, column: 1, problem: 'empty file', got: 'no lines', allowed: 'a header line, then rows' }],
    };
  const rawHeader = rows[0]!.fields.map((h) => h.trim());
  const conv = rawHeader.map(canonical);
  const seen = new Set<string>();
  const header = rawHeader.map((h, k) => {
    const c = conv[k];
    // a second column of the same quantity keeps its own name
    const name = c && !seen.has(c.label) ? c.label : h;
    seen.add(name);
    return name;
  });
  const errors: CsvError[] = [];
  for (const r of required) {
    if (!header.includes(r)) {
      errors.push({
        line: rows[0]!.line,
        column: header.length + 1,
        problem: `missing column '${r}'`,
        got: rawHeader.map((h) => `'${h}'`).join(', '),
        allowed: `a header with '${r}' (or its BDF notation, e.g. ${BDF_NOTATION_EXAMPLE[r] ?? 'current_ampere'})`,
      });
    }
  }
  const dup = new Set<string>();
  rawHeader.forEach((h, k) => {
    if (dup.has(h))
      errors.push({
        line: rows[0]!.line,
        column: k + 1,
        field: h,
        problem: 'duplicate column',
        got: `'${h}' twice`,
        allowed: 'each column once',
      });
    dup.add(h);
  });
  if (errors.length) return { ok: false, errors };
  const cells: string[][] = header.map(() => []);
  const dataLines: number[] = [];
  for (let r = 1; r < rows.length; r++) {
    const { fields, line } = rows[r]!;
    // trailing empty fields beyond the header are tolerated
    while (fields.length > header.length && fields[fields.length - 1]!.trim() === '') fields.pop();
    if (fields.length !== header.length) {
      errors.push({
        line,
        column: Math.min(fields.length, header.length) + 1,
        problem: 'wrong number of fields',
        got: String(fields.length),
        allowed: `${header.length} (as the header)`,
      });
      if (errors.length > 20) break;
      continue;
    }
    for (let k = 0; k < header.length; k++) cells[k]!.push(fields[k]!.trim());
    dataLines.push(line);
  }
  const columns: Record<string, number[]> = {};
  const textCols: Record<string, string[]> = {};
  header.forEach((h, k) => {
    const raw = cells[k]!;
    const c = conv[k] && conv[k]!.label === h ? conv[k]! : { scale: 1, offset: 0 };
    const vals = raw.map((x) => parseDecimal(x));
    const bad = raw.findIndex((x, i) => x !== '' && !Number.isFinite(vals[i]!));
    if (bad < 0) {
      const col = c.scale === 1 && c.offset === 0 ? vals : vals.map((v) => v * c.scale + c.offset);
      const max = CSV_MAX_ABS[h] ?? CSV_MAX_ABS_OTHER;
      const big = col.findIndex((v) => Math.abs(v) > max);
      if (big >= 0) {
        errors.push({
          line: dataLines[big]!,
          column: k + 1,
          field: h,
          problem: 'too large to be a measurement',
          got: raw[big]!,
          allowed: `a magnitude ≤ ${max}`,
        });
        return;
      }
      columns[h] = col;
      return;
    }
    if (required.includes(h)) {
      // the line of the bad cell: data rows in order (skipping malformed ones)
      let n = -1;
      for (let r = 1; r < rows.length; r++) {
        const f = rows[r]!.fields;
        if (f.length !== header.length) continue;
        n++;
        if (n === bad) {
          errors.push({
            line: rows[r]!.line,
            column: k + 1,
            field: h,
            problem: 'not a finite number',
            got: `'${raw[bad]}'`,
            allowed: 'a finite number',
          });
          break;
        }
      }
      return;
    }
    textCols[h] = raw;
  });
  if (errors.length) {
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, errors };
  }
  return { ok: true, value: { header, columns, text: textCols, rawHeader } };
}

export interface BdfSeries {
  time_s: number[];
  voltage_V: number[];
  current_A: number[];
  cycle?: number[];
  step?: number[];
  chargeCapacity_Ah?: number[];
  dischargeCapacity_Ah?: number[];
  /** every numeric column by name (BDF preferred labels where the header resolves to one) */
  columns: Record<string, number[]>;
  /** text columns by name */
  text: Record<string, string[]>;
}

/**
 * Reads a measured (or rollcell-written) BDF CSV. Requires `Test Time / s`, `Voltage / V`, `Current / A`
 * (or their notations, synonyms, other units; also `Time [s]`, `U[V]`, `I[A]`); time must not go back.
 */
export function parseBdfCsv(text: string): CsvParsed<BdfSeries> {
  const t = parseCsvTable(text, ['Test Time / s', 'Voltage / V', 'Current / A']);
  if (!t.ok) return t;
  const c = t.value.columns;
  const time = c['Test Time / s']!;
  const col = t.value.header.indexOf('Test Time / s') + 1;
  let last = -Infinity;
  for (let i = 0; i < time.length; i++) {
    if (!Number.isFinite(time[i]!)) continue;
    if (time[i]! < last) {
      return {
        ok: false,
        errors: [
          {
            line: i + 2,
            column: col,
            field: 'Test Time / s',
            problem: 'time goes backwards',
            got: `${time[i]} after ${last}`,
            allowed: 'non-decreasing times',
          },
        ],
      };
    }
    last = time[i]!;
  }
  return {
    ok: true,
    value: {
      time_s: time,
      voltage_V: c['Voltage / V']!,
      current_A: c['Current / A']!,
      ...(c['Cycle Count / 1'] ? { cycle: c['Cycle Count / 1'] } : {}),
      ...(c['Step Count / 1'] ? { step: c['Step Count / 1'] } : {}),
      ...(c['Charging Capacity / Ah'] ? { chargeCapacity_Ah: c['Charging Capacity / Ah'] } : {}),
      ...(c['Discharging Capacity / Ah'] ? { dischargeCapacity_Ah: c['Discharging Capacity / Ah'] } : {}),
      columns: c,
      text: t.value.text,
    },
  };
}

/** The convention of a drive-cycle file: rollcell's and BDF's (positive on charge) or PyBaMM's (on discharge). */
export type DriveCycleSign = 'charge-positive' | 'discharge-positive';

/**
 * Reads a drive-cycle (current, power, … profile) CSV:
 *  - a BDF / rollcell file: a time column (`Test Time / s`, `Time [s]`, notations) and a value column
 *    (`Current / A`, `I[A]`, `Power / W`, …; the first other numeric column when `valueColumn` is not
 *    given), positive on charge;
 *  - a PyBaMM drive cycle (pybamm/input/drive_cycles: `#` comment lines, the last naming the columns as
 *    `# time [s],current [A]`, then rows without a header): values positive on DISCHARGE, so they are
 *    negated here (`sign: 'discharge-positive'` in the result).
 * The profile is shifted to start at t = 0.
 */
export function parseDriveCycleCsv(
  text: string,
  valueColumn?: string,
): CsvParsed<DriveCycle & { sign: DriveCycleSign; quantity?: string }> {
  const pybamm = parsePybammDriveCycle(text);
  if (pybamm) return pybamm;
  const t = parseCsvTable(text, ['Test Time / s']);
  if (!t.ok) return t;
  const { header, columns } = t.value;
  const name =
    valueColumn ?? header.find((h) => h === 'Current / A') ?? header.find((h) => h !== 'Test Time / s' && columns[h]);
  if (!name || !columns[name]) {
    return {
      ok: false,
      errors: [
        {
          line: 1,
          column: header.length + 1,
          problem: `missing value column${valueColumn ? ` '${valueColumn}'` : ''}`,
          got: header.join(', '),
          allowed: valueColumn ? `a column '${valueColumn}'` : 'a value column besides the time',
        },
      ],
    };
  }
  return driveCycleFrom(
    columns['Test Time / s']!,
    columns[name]!,
    header.indexOf('Test Time / s') + 1,
    2,
    'charge-positive',
    name,
  );
}

function driveCycleFrom(
  time: number[],
  value: number[],
  timeColumn: number,
  firstLine: number,
  sign: DriveCycleSign,
  quantity: string,
): CsvParsed<DriveCycle & { sign: DriveCycleSign; quantity?: string }> {
  if (time.length < 2)
    return {
      ok: false,
      errors: [
        {
          line: firstLine,
          column: 1,
          field: 'Test Time / s',
          problem: 'too few rows for a drive cycle',
          got: String(time.length),
          allowed: '≥ 2 rows',
        },
      ],
    };
  for (let i = 0; i < time.length; i++) {
    if (!Number.isFinite(time[i]!) || !Number.isFinite(value[i]!))
      return {
        ok: false,
        errors: [
          {
            line: i + firstLine,
            column: Number.isFinite(time[i]!) ? timeColumn + 1 : timeColumn,
            problem: 'empty cell in a drive cycle',
            got: `time ${time[i]}, value ${value[i]}`,
            allowed: 'a time and a value on every row',
          },
        ],
      };
    if (i > 0 && !(time[i]! > time[i - 1]!))
      return {
        ok: false,
        errors: [
          {
            line: i + firstLine,
            column: timeColumn,
            field: 'Test Time / s',
            problem: 'time must increase',
            got: `${time[i]} after ${time[i - 1]}`,
            allowed: 'strictly increasing times',
          },
        ],
      };
  }
  const t0 = time[0]!;
  const flip = sign === 'discharge-positive' ? -1 : 1;
  return {
    ok: true,
    value: {
      time_s: time.map((x) => x - t0),
      value: value.map((v) => flip * v + 0),
      sign,
      quantity,
    },
  };
}

/** a PyBaMM drive-cycle file (comment lines, then headerless numeric rows), or undefined when it is not one */
function parsePybammDriveCycle(
  text: string,
): CsvParsed<DriveCycle & { sign: DriveCycleSign; quantity?: string }> | undefined {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let k = 0;
  let names: string | undefined;
  while (k < lines.length && (lines[k]!.trim() === '' || lines[k]!.trimStart().startsWith('#'))) {
    const c = lines[k]!.trim().replace(/^#\s*/, '');
    if (/,/.test(c)) names = c;
    k++;
  }
  // PyBaMM's files have no header row: the first data line is numeric
  const first = (lines[k] ?? '').split(',').map((x) => x.trim());
  if (first.length < 2 || !first.every((x) => Number.isFinite(parseDecimal(x)))) return undefined;
  if (k === 0) return undefined; // headerless without PyBaMM's comment: not recognised
  const time: number[] = [];
  const value: number[] = [];
  for (let i = k; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === '' || l.startsWith('#')) continue;
    const f = l.split(',');
    const t = parseDecimal((f[0] ?? '').trim());
    const v = parseDecimal((f[1] ?? '').trim());
    if (f.length < 2 || !Number.isFinite(t) || !Number.isFinite(v))
      return {
        ok: false,
        errors: [
          {
            line: i + 1,
            column: !Number.isFinite(t) ? 1 : 2,
            problem: 'not a finite number',
            got: `'${l}'`,
            allowed: 'rows "time, value" of numbers',
          },
        ],
      };
    time.push(t);
    value.push(v);
  }
  let qty = names ? (names.split(',')[1] ?? '').trim() : 'current [A]';
  if (/\[kW\]/i.test(qty)) {
    // (PyBaMM's WLTC profile is a power in kW)
    for (let i = 0; i < value.length; i++) value[i] = kW(value[i]!);
    qty = qty.replace(/\[kW\]/i, '[W]');
  }
  return driveCycleFrom(time, value, 1, k + 1, 'discharge-positive', qty);
}

export interface VoltageComparison {
  /** root-mean-square voltage error over the overlapping time range, V */
  rmse_V: number;
  maxAbsError_V: number;
  /** number of measured points compared */
  points: number;
  /** overlay for plots: measured time, measured and predicted voltage */
  time_s: number[];
  measured_V: number[];
  predicted_V: number[];
}

/**
 * Compares measured voltage with a prediction by linear interpolation of the prediction at the measured
 * times that lie within the predicted time range (`timeOffset_s` is added to the measured times).
 */
export function compareVoltage(
  predicted: { time_s: readonly number[]; voltage_V: readonly number[] },
  measured: { time_s: readonly number[]; voltage_V: readonly number[] },
  timeOffset_s = 0,
): VoltageComparison {
  const pt = predicted.time_s;
  const pv = predicted.voltage_V;
  if (pt.length < 2) throw new RangeError(`predicted.time_s: needs ≥ 2 points (got ${pt.length})`);
  const out: VoltageComparison = {
    rmse_V: 0,
    maxAbsError_V: 0,
    points: 0,
    time_s: [],
    measured_V: [],
    predicted_V: [],
  };
  let k = 0;
  let se = 0;
  for (let i = 0; i < measured.time_s.length; i++) {
    const t = measured.time_s[i]! + timeOffset_s;
    // (empty cells of a measured file are NaN: not compared)
    if (!Number.isFinite(t) || !Number.isFinite(measured.voltage_V[i]!)) continue;
    if (t < pt[0]! || t > pt[pt.length - 1]!) continue;
    while (k < pt.length - 2 && pt[k + 1]! < t) k++;
    const dt = pt[k + 1]! - pt[k]!;
    const w = dt > 0 ? (t - pt[k]!) / dt : 0;
    const v = pv[k]! + w * (pv[k + 1]! - pv[k]!);
    const e = v - measured.voltage_V[i]!;
    se += e * e;
    out.maxAbsError_V = Math.max(out.maxAbsError_V, Math.abs(e));
    out.points++;
    out.time_s.push(measured.time_s[i]!);
    out.measured_V.push(measured.voltage_V[i]!);
    out.predicted_V.push(v);
  }
  if (out.points === 0)
    throw new RangeError(
      `measured.time_s: no measured point lies within the predicted time range ${pt[0]}–${pt[pt.length - 1]} s`,
    );
  out.rmse_V = Math.sqrt(se / out.points);
  return out;
}
