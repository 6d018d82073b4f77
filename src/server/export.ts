/**
 * Run exports for download, streamed: the JSON bundle (the store's `exportRun` document, byte for byte),
 * the cells as CSV, a workbook (XLSX: summary, cells, cycles, the cycling series) — each reading the run's
 * cells a page at a time and writing to a stream that waits for the client, so memory does not grow with
 * the run — and the cycling series as Battery Data Format CSV (CONTRACT.md column names, current positive
 * on charge).
 */
import type { Writable } from 'node:stream';
import { runExportHead, type CellRecord, type Store, type StoredRun, type TimeSeriesRecord } from '../store/index.ts';
import { BDF_REQUIRED } from '../cycler/bdf.ts';
import { put, type TableSink } from '../export/writers.ts';
import { genealogyOf } from '../store/records.ts';

/** flattens a JSON value into [path, value] leaves (arrays of numbers longer than 20 are skipped) */
export function flatten(
  v: unknown,
  prefix = '',
  out: [string, string | number | boolean | null][] = [],
): [string, string | number | boolean | null][] {
  if (v === null || typeof v !== 'object') {
    out.push([prefix, v === undefined ? null : (v as string | number | boolean | null)]);
    return out;
  }
  if (Array.isArray(v)) {
    if (v.length > 20 && v.every((x) => typeof x === 'number')) return out;
    v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out));
    return out;
  }
  for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

const CELL_COLUMNS: [string, (c: CellRecord) => unknown][] = [
  ['serial', (c) => c.serial],
  ['index', (c) => c.index],
  ['lane', (c) => c.lane],
  ['verdict', (c) => c.verdict],
  ['in_spec', (c) => c.in_spec],
  ['s_start_m', (c) => c.s_start_m],
  ['s_end_m', (c) => c.s_end_m],
  ['cd_start_mm', (c) => c.cd_start_mm],
  ['cd_end_mm', (c) => c.cd_end_mm],
  ['cell_thickness_um', (c) => c.stack?.cell_thickness_um],
  ['anode_thickness_um', (c) => c.stack?.anode_thickness_um],
  ['capacity_mAh', (c) => c.capacity_mAh],
  ['specific_capacity_mAh_g', (c) => c.specific_capacity_mAh_g],
  ['energy_Wh', (c) => c.energy_Wh],
  ['crack_risk', (c) => c.crack_risk],
  ['time_s', (c) => genealogyOf(c).time_s],
  ['station_run', (c) => genealogyOf(c).station_run],
  ['parent_rolls', (c) => (genealogyOf(c).parents ?? []).map((p) => `${p.roll_id}@${p.md_start_m}m`).join(' ')],
  ['battery_serial', (c) => genealogyOf(c).battery_serial ?? ''],
];

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  // formula injection: a field starting with = + - @ is quoted and prefixed so spreadsheets show it as text
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v !== 'number' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

type Pages = AsyncIterable<readonly CellRecord[]>;

/** the cells as CSV (CELL_COLUMNS), a page at a time */
export async function writeCellsCsv(pages: Pages, out: Writable): Promise<void> {
  await put(out, CELL_COLUMNS.map(([h]) => h).join(',') + '\n');
  for await (const page of pages) {
    let s = '';
    for (const c of page) s += CELL_COLUMNS.map(([, f]) => csvField(f(c))).join(',') + '\n';
    await put(out, s);
  }
}

/** the `rollcell-run-export` document exactly as JSON.stringify(store.exportRun(id)) writes it */
export async function writeRunJson(
  store: Pick<Store, 'listCycles' | 'getTimeSeries'>,
  run: StoredRun,
  pages: Pages,
  out: Writable,
): Promise<void> {
  const head = JSON.stringify(runExportHead(run));
  await put(out, head.slice(0, -1) + ',"cells":[');
  let n = 0;
  for await (const page of pages) {
    let s = '';
    for (const c of page) s += (n++ ? ',' : '') + JSON.stringify(c);
    await put(out, s);
  }
  const tail = JSON.stringify({
    cycles: await store.listCycles(run.id),
    time_series: await store.getTimeSeries(run.id),
  });
  await put(out, '],' + tail.slice(1));
}

/** Battery Data Format CSV of a cycling series (t_s, voltage_V, current_A[, capacity_Ah]) */
export function seriesBdf(ts: TimeSeriesRecord): string {
  const t = ts.columns['t_s'] ?? [];
  const v = ts.columns['voltage_V'] ?? [];
  const i = ts.columns['current_A'] ?? [];
  const lines = [BDF_REQUIRED.join(',')];
  let qc = 0;
  let qd = 0;
  let step = 1;
  for (let k = 0; k < t.length; k++) {
    if (k > 0) {
      const dq = (0.5 * (i[k]! + i[k - 1]!) * (t[k]! - t[k - 1]!)) / 3600;
      if (dq > 0) qc += dq;
      else qd -= dq;
      if (Math.sign(i[k]!) !== Math.sign(i[k - 1]!)) step++;
    }
    lines.push([t[k], v[k], i[k], 1, step, qc, qd].map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

/** the run's workbook (summary, cells, cycles, the first cycling series) into a streaming XLSX sink */
export async function writeRunXlsx(
  store: Pick<Store, 'listCycles' | 'getTimeSeries'>,
  run: StoredRun,
  pages: Pages,
  sink: TableSink,
): Promise<void> {
  const { recipe: _recipe, output, stations: _stations, ...summary } = run;
  await sink.table('summary', ['field', 'value']);
  for (const [k, v] of flatten({ run: summary, output })) await sink.row([k, v]);
  await sink.table(
    'cells',
    CELL_COLUMNS.map(([h]) => h),
  );
  for await (const page of pages)
    for (const c of page) await sink.row(CELL_COLUMNS.map(([, f]) => f(c) as string | number | boolean | null));
  await sink.table('cycles', ['cycle', 'charge_Ah', 'discharge_Ah', 'coulombic_efficiency', 'resistance_mOhm']);
  for (const c of await store.listCycles(run.id))
    await sink.row([
      c.cycle,
      c.charge_Ah,
      c.discharge_Ah,
      c.coulombic_efficiency ?? null,
      (c['resistance_mOhm'] as number | undefined) ?? null,
    ]);
  const first = (await store.getTimeSeries(run.id)).find((s) => 'voltage_V' in s.columns);
  if (first) {
    const cols = Object.keys(first.columns);
    await sink.table('series', cols);
    const n = first.columns[cols[0]!]!.length;
    for (let k = 0; k < n; k++) await sink.row(cols.map((c) => first.columns[c]![k]!));
  }
  await sink.close();
}
