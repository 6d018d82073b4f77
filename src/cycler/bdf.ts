/**
 * Battery Data Format (BDF) CSV: time series out, per-cycle summary out, measured data in, and the
 * measured-vs-predicted voltage comparison.
 *
 * Column names follow the Battery Data Alliance's Battery Data Format ("Quantity / unit"):
 * `Test Time / s`, `Voltage / V`, `Current / A`, `Cycle Count / 1`, `Step Count / 1`,
 * `Charging Capacity / Ah`, `Discharging Capacity / Ah` (then more). Current is positive on charge.
 * Capacities and energies are cumulative from the start of the test.
 * Numbers are written with JavaScript's shortest round-trip form, so write → read gives the same doubles.
 * Pure string in / string out (file I/O lives at the CLI edge).
 */
import { formatProblem, type Problem } from '../problems.ts';
import type { DriveCycle, ExperimentResult } from './machine.ts';
import { cycleMetrics } from './metrics.ts';

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

/** BDF time series of an experiment result (model outputs appended as extra columns unless `outputs: false`). */
export function toBdfCsv(result: ExperimentResult, opts: { outputs?: boolean } = {}): string {
  const s = result.series;
  const extra = opts.outputs === false ? [] : Object.keys(s.outputs).sort();
  const header = [...BDF_REQUIRED, 'Charging Energy / Wh', 'Discharging Energy / Wh', 'State of Charge / 1', ...extra];
  const lines = [header.map(csvField).join(',')];
  for (let i = 0; i < s.time_s.length; i++) {
    const row = [
      num(s.time_s[i]!),
      num(s.voltage_V[i]!),
      num(s.current_A[i]!),
      String(s.cycle[i]!),
      String(s.step[i]!),
      num(s.charge_C[i]! / 3600),
      num(s.discharge_C[i]! / 3600),
      num(s.chargeEnergy_J[i]! / 3600),
      num(s.dischargeEnergy_J[i]! / 3600),
      num(s.soc[i]!),
      ...extra.map((k) => num(s.outputs[k]![i]!)),
    ];
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

/** Per-cycle summary CSV (BDF-style names). Specific/areal columns appear when the model gives mass/area. */
export function toCycleSummaryCsv(result: ExperimentResult): string {
  const hasMass = result.cathodeActiveMass_kg !== undefined;
  const hasArea = result.area_m2 !== undefined;
  const hasThickness = result.cycles.some((c) => c.thickness_m !== undefined);
  const header = [
    'Cycle Count / 1',
    'Charging Capacity / Ah',
    'Discharging Capacity / Ah',
    'Coulombic Efficiency / 1',
    'Charging Energy / Wh',
    'Discharging Energy / Wh',
    'Energy Efficiency / 1',
    'Mean Charging Voltage / V',
    'Mean Discharging Voltage / V',
    'Cycle Start Time / s',
    'Cycle End Time / s',
    ...(hasMass ? ['Specific Charging Capacity / mAh/g', 'Specific Discharging Capacity / mAh/g'] : []),
    ...(hasArea ? ['Areal Charging Capacity / mAh/cm2', 'Areal Discharging Capacity / mAh/cm2'] : []),
    ...(hasThickness ? ['Thickness / um'] : []),
  ];
  const lines = [header.map(csvField).join(',')];
  for (const c of result.cycles) {
    const m = cycleMetrics(result, c.index);
    const opt = (x: number | null | undefined): string => (x === null || x === undefined ? '' : num(x));
    lines.push(
      [
        String(c.index),
        num(m.charge_Ah),
        num(m.discharge_Ah),
        opt(m.coulombicEfficiency),
        num(m.chargeEnergy_Wh),
        num(m.dischargeEnergy_Wh),
        opt(m.energyEfficiency),
        opt(m.meanChargeVoltage_V),
        opt(m.meanDischargeVoltage_V),
        num(c.start_s),
        num(c.end_s),
        ...(hasMass ? [opt(m.charge_mAh_g), opt(m.discharge_mAh_g)] : []),
        ...(hasArea ? [opt(m.charge_mAh_cm2), opt(m.discharge_mAh_cm2)] : []),
        ...(hasThickness ? [opt(c.thickness_m !== undefined ? c.thickness_m * 1e6 : undefined)] : []),
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

/** splits CSV text into rows of fields (RFC 4180 quoting); tracks 1-based line numbers of each row */
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
    if (!(fields.length === 1 && fields[0]!.trim() === '')) rows.push({ fields, line: startLine });
  }
  return rows;
}

/** a measured or predicted table: named numeric columns */
export interface CsvTable {
  header: string[];
  columns: Record<string, number[]>;
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

/**
 * Reads a CSV of numbers. `required` columns must exist (after aliasing); every cell of every column
 * must be a finite number (empty cells allowed only in optional columns, read as NaN-free gaps → error).
 */
export function parseCsvTable(text: string, required: readonly string[]): CsvParsed<CsvTable> {
  const rows = splitCsv(text);
  if (rows.length === 0)
    return {
      ok: false,
      errors: [{ line: 1, column: 1, problem: 'empty file', got: 'no lines', allowed: 'a header line, then rows' }],
    };
  const header = rows[0]!.fields.map((h) => {
    const t = h.trim();
    return ALIASES[t] ?? t;
  });
  const errors: CsvError[] = [];
  for (const r of required) {
    if (!header.includes(r)) {
      errors.push({
        line: rows[0]!.line,
        column: header.length + 1,
        problem: `missing column '${r}'`,
        got: header.map((h) => `'${h}'`).join(', '),
        allowed: `a header with '${r}'`,
      });
    }
  }
  const seen = new Set<string>();
  header.forEach((h, k) => {
    if (seen.has(h))
      errors.push({
        line: rows[0]!.line,
        column: k + 1,
        field: h,
        problem: 'duplicate column',
        got: `'${h}' twice`,
        allowed: 'each column once',
      });
    seen.add(h);
  });
  if (errors.length) return { ok: false, errors };
  const columns: Record<string, number[]> = {};
  for (const h of header) columns[h] = [];
  for (let r = 1; r < rows.length; r++) {
    const { fields, line } = rows[r]!;
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
    for (let k = 0; k < header.length; k++) {
      const raw = fields[k]!.trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) {
        errors.push({
          line,
          column: k + 1,
          field: header[k]!,
          problem: 'not a finite number',
          got: `'${raw}'`,
          allowed: 'a finite number',
        });
        if (errors.length > 20) break;
        continue;
      }
      columns[header[k]!]!.push(v);
    }
    if (errors.length > 20) break;
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { header, columns } };
}

export interface BdfSeries {
  time_s: number[];
  voltage_V: number[];
  current_A: number[];
  cycle?: number[];
  step?: number[];
  chargeCapacity_Ah?: number[];
  dischargeCapacity_Ah?: number[];
  /** every column by name */
  columns: Record<string, number[]>;
}

/**
 * Reads a measured (or rollcell-written) BDF CSV. Requires `Test Time / s`, `Voltage / V`, `Current / A`
 * (also accepted: `Time [s]`, `U[V]`, `I[A]`); time must increase.
 */
export function parseBdfCsv(text: string): CsvParsed<BdfSeries> {
  const t = parseCsvTable(text, ['Test Time / s', 'Voltage / V', 'Current / A']);
  if (!t.ok) return t;
  const c = t.value.columns;
  const time = c['Test Time / s']!;
  const col = t.value.header.indexOf('Test Time / s') + 1;
  for (let i = 1; i < time.length; i++) {
    if (!(time[i]! >= time[i - 1]!)) {
      return {
        ok: false,
        errors: [
          {
            line: i + 2,
            column: col,
            field: 'Test Time / s',
            problem: 'time goes backwards',
            got: `${time[i]} after ${time[i - 1]}`,
            allowed: 'non-decreasing times',
          },
        ],
      };
    }
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
    },
  };
}

/**
 * Reads a drive-cycle (current or power profile) CSV: a time column (`Test Time / s` or `Time [s]`) and a value
 * column (`Current / A`, `I[A]`, `Power / W`, …; the first non-time column when `valueColumn` is not given).
 * Sign convention: positive on charge. The profile is shifted to start at t = 0.
 */
export function parseDriveCycleCsv(text: string, valueColumn?: string): CsvParsed<DriveCycle> {
  const t = parseCsvTable(text, ['Test Time / s']);
  if (!t.ok) return t;
  const { header, columns } = t.value;
  const name = valueColumn ?? header.find((h) => h === 'Current / A') ?? header.find((h) => h !== 'Test Time / s');
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
  const time = columns['Test Time / s']!;
  if (time.length < 2)
    return {
      ok: false,
      errors: [
        {
          line: 2,
          column: 1,
          field: 'Test Time / s',
          problem: 'too few rows for a drive cycle',
          got: String(time.length),
          allowed: '≥ 2 rows',
        },
      ],
    };
  const col = header.indexOf('Test Time / s') + 1;
  for (let i = 1; i < time.length; i++) {
    if (!(time[i]! > time[i - 1]!))
      return {
        ok: false,
        errors: [
          {
            line: i + 2,
            column: col,
            field: 'Test Time / s',
            problem: 'time must increase',
            got: `${time[i]} after ${time[i - 1]}`,
            allowed: 'strictly increasing times',
          },
        ],
      };
  }
  const t0 = time[0]!;
  return { ok: true, value: { time_s: time.map((x) => x - t0), value: columns[name]!.slice() } };
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
