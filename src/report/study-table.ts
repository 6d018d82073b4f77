/**
 * A study's table (one row per point: index, status, tag, seed, inputs, outputs, error) as CSV
 * (RFC 4180), XLSX (exceljs, streamed workbook) or Parquet (hyparquet-writer: pure JS, typed columns —
 * DOUBLE for numeric columns, STRING otherwise). Pure: returns text or bytes; the CLI writes them.
 */
import ExcelJS from 'exceljs';
import { parquetWriteBuffer } from 'hyparquet-writer';

export interface TableRow {
  idx: number;
  status: string;
  tag?: string | undefined;
  seed: number;
  values: (number | string)[];
  outputs: (number | string | boolean | null)[];
  error?: string | undefined;
}

export interface StudyTable {
  inputs: string[];
  outputs: string[];
  rows: Iterable<TableRow>;
}

type CellV = number | string | boolean | null;

export function tableHeader(t: Pick<StudyTable, 'inputs' | 'outputs'>): string[] {
  return ['idx', 'status', 'tag', 'seed', ...t.inputs, ...t.outputs, 'error'];
}

function rowCells(r: TableRow): CellV[] {
  return [r.idx, r.status, r.tag ?? null, r.seed, ...r.values, ...r.outputs, r.error ?? null];
}

function csvCell(v: CellV): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function* csvLines(t: StudyTable): Generator<string> {
  yield tableHeader(t).map(csvCell).join(',');
  for (const r of t.rows) yield rowCells(r).map(csvCell).join(',');
}

export function toCsv(t: StudyTable): string {
  return [...csvLines(t)].join('\n') + '\n';
}

export async function toXlsx(t: StudyTable, sheet = 'points'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'rollcell';
  const ws = wb.addWorksheet(sheet);
  ws.addRow(tableHeader(t));
  ws.getRow(1).font = { bold: true };
  for (const r of t.rows) ws.addRow(rowCells(r));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function toParquet(t: StudyTable): ArrayBuffer {
  const header = tableHeader(t);
  const rows = [...t.rows].map(rowCells);
  const columnData = header.map((name, j) => {
    const col = rows.map((r) => r[j] ?? null);
    const numeric = col.every((v) => v === null || typeof v === 'number');
    if (name === 'idx' || name === 'seed') return { name, data: col as number[], type: 'DOUBLE' as const };
    if (numeric) return { name, data: col as (number | null)[], type: 'DOUBLE' as const };
    return { name, data: col.map((v) => (v === null ? null : String(v))), type: 'STRING' as const };
  });
  return parquetWriteBuffer({ columnData, createdBy: 'rollcell' });
}
