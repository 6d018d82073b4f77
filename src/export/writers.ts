/**
 * Streaming table writers for exports: CSV (RFC 4180), JSON (an array of objects per table) and XLSX
 * (exceljs's streaming WorkbookWriter: one worksheet per table, rows committed as they come). Each
 * writes to a Writable and waits for it to drain, so memory stays bounded whatever the row count.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Row } from './tables.ts';

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface TableSink {
  /** starts a table (a CSV file holds one; JSON and XLSX any number) */
  table(name: string, columns: readonly string[]): Promise<void>;
  row(r: Row): Promise<void>;
  /** ends the last table and the document; resolves when everything is written to the stream */
  close(): Promise<void>;
}

/** writes `s`, and waits while `out` is behind; rejects when `out` is closed first (a client gone) */
export async function put(out: Writable, s: string): Promise<void> {
  if (out.destroyed) throw new Error('export: the output was closed before the export ended');
  if (!s || out.write(s)) return;
  await drained(out);
}

/** resolves on 'drain', rejects on 'close' (listeners removed either way) */
export function drained(out: Writable): Promise<void> {
  return new Promise<void>((res, rej) => {
    const off = (): void => {
      out.off('drain', ok);
      out.off('close', gone);
    };
    const ok = (): void => {
      off();
      res();
    };
    const gone = (): void => {
      off();
      rej(new Error('export: the output was closed before the export ended'));
    };
    out.on('drain', ok);
    out.on('close', gone);
  });
}

const csvField = (v: Row[number]): string => {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function csvSink(out: Writable): TableSink {
  let tables = 0;
  return {
    async table(name, columns) {
      if (++tables > 1)
        throw new Error(`csv: one table per file (got a second one, ${name}); use xlsx or json for several`);
      await put(out, columns.map(csvField).join(',') + '\r\n');
    },
    async row(r) {
      await put(out, r.map(csvField).join(',') + '\r\n');
    },
    async close() {},
  };
}

/** `{"cells": [ {...}, ... ], "cycles": [...]}`, or a bare array when `single` (one table) */
export function jsonSink(out: Writable, single: boolean): TableSink {
  let cols: readonly string[] = [];
  let rows = 0;
  let tables = 0;
  const endTable = async (): Promise<void> => {
    if (tables > 0) await put(out, rows > 0 ? '\n  ]' : ']');
  };
  return {
    async table(name, columns) {
      if (single && tables > 0) throw new Error('json: one table expected');
      await endTable();
      await put(out, single ? '' : tables === 0 ? `{\n  ${JSON.stringify(name)}: ` : `,\n  ${JSON.stringify(name)}: `);
      await put(out, '[');
      cols = columns;
      rows = 0;
      tables++;
    },
    async row(r) {
      const o: Record<string, unknown> = {};
      cols.forEach((c, i) => (o[c] = r[i] ?? null));
      await put(out, (rows++ > 0 ? ',\n    ' : '\n    ') + JSON.stringify(o));
    },
    async close() {
      if (tables === 0) await put(out, single ? '[]' : '{');
      else await endTable();
      await put(out, single ? '\n' : '\n}\n');
    },
  };
}

interface Backlogged {
  _writableState?: { length?: number };
  _readableState?: { length?: number };
}
const backlog = (s: Backlogged | undefined): number =>
  (s?._writableState?.length ?? 0) + (s?._readableState?.length ?? 0);

export function xlsxSink(out: Writable): TableSink {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  let ws: ExcelJS.Worksheet | null = null;
  let n = 0;
  const endSheet = (): void => {
    if (ws) ws.commit();
    ws = null;
  };
  return {
    async table(name, columns) {
      endSheet();
      ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
      ws.addRow([...columns]).commit();
    },
    async row(r) {
      ws!.addRow(r).commit();
      // exceljs 4.4's streaming writer has no backpressure (exceljs issues #734, #2916): a committed row
      // is written into the zip entry's stream whatever its backlog, and waits there for zlib, so an
      // export would hold the whole worksheet in memory. Every 256 rows, wait while that entry stream
      // (the sheet stream's pipe destination) holds more than 1 MB, and while the file is behind.
      if (++n % 256 === 0) {
        await new Promise((res) => setImmediate(res));
        const dest = (ws as unknown as { stream?: { pipes?: Backlogged[] } }).stream?.pipes?.[0];
        for (let k = 0; k < 100_000 && backlog(dest) > 1 << 20; k++) await new Promise((res) => setTimeout(res, 1));
        if (out.destroyed) throw new Error('export: the output was closed before the export ended');
        if (out.writableNeedDrain) await drained(out);
      }
    },
    async close() {
      endSheet();
      await wb.commit();
    },
  };
}

export function sinkFor(format: ExportFormat, out: Writable, tables: number): TableSink {
  if (format === 'csv') return csvSink(out);
  if (format === 'json') return jsonSink(out, tables === 1);
  return xlsxSink(out);
}
