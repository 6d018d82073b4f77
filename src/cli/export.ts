/**
 * `rollcell runs export <id> [--format json|csv|xlsx] [--what cells|cycles|series|spc]… [--out file]`:
 * a run's tables streamed from the store (cells a page at a time) into the writer, so a 50 000-cell
 * run exports in bounded memory. Without --what: JSON gives the whole run as one document (the
 * `rollcell-run-export` bundle, as before), XLSX one worksheet per table; CSV needs exactly one table.
 * With --out the file is written under a temporary name and renamed when complete (an existing file
 * is kept unless --force); otherwise the export goes to stdout.
 */
import { createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, extname } from 'node:path';
import type { Writable } from 'node:stream';
import { runExportHead, type Store } from '../store/index.ts';
import { EXPORT_WHATS, type ExportWhat } from '../export/tables.ts';
import { EXPORT_PAGE_CELLS, cellPages, writeTables } from '../export/stream.ts';
import { EXPORT_FORMATS, sinkFor, type ExportFormat } from '../export/writers.ts';
import { inputError } from './input.ts';

export interface ExportCliOptions {
  format?: string;
  what?: string[];
  out?: string;
  force?: boolean;
}

export { EXPORT_PAGE_CELLS };

function parseOptions(o: ExportCliOptions): { format: ExportFormat; what: ExportWhat[] | 'bundle' } {
  const ext = o.out ? extname(o.out).slice(1).toLowerCase() : '';
  const format = (o.format ?? ((EXPORT_FORMATS as readonly string[]).includes(ext) ? ext : 'json')) as ExportFormat;
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw inputError('--format', 'unknown export format', JSON.stringify(o.format), EXPORT_FORMATS.join(', '));
  const whats = (o.what ?? []).flatMap((w) => w.split(',')).map((w) => w.trim());
  for (const w of whats)
    if (!(EXPORT_WHATS as readonly string[]).includes(w))
      throw inputError('--what', 'unknown table', JSON.stringify(w), EXPORT_WHATS.join(', '));
  const what = [...new Set(whats)] as ExportWhat[];
  if (format === 'csv' && what.length !== 1)
    throw inputError(
      '--what',
      'a CSV file holds one table',
      what.length ? what.join(', ') : 'none',
      `one of ${EXPORT_WHATS.join(', ')} (several at once: --format xlsx)`,
    );
  if (what.length === 0) return { format, what: format === 'json' ? 'bundle' : [...EXPORT_WHATS] };
  return { format, what };
}

async function put(out: Writable, s: string): Promise<void> {
  if (!out.write(s)) await once(out, 'drain');
}

/** JSON of a value indented to sit at `depth` inside the bundle */
const nested = (v: unknown, depth: number): string =>
  JSON.stringify(v, null, 2).replace(/\n/g, '\n' + '  '.repeat(depth));

/** the `rollcell-run-export` document (same keys as Store.exportRun), with cells streamed page by page */
async function writeBundle(store: Store, id: string, out: Writable): Promise<void> {
  const run = await store.getRun(id);
  let head = '{';
  for (const [k, v] of Object.entries(runExportHead(run))) head += `\n  ${JSON.stringify(k)}: ${nested(v, 1)},`;
  await put(out, head + '\n  "cells": [');
  let n = 0;
  for await (const page of cellPages(store, run.id))
    for (const c of page) await put(out, (n++ ? ',\n    ' : '\n    ') + nested(c, 2));
  await put(out, n ? '\n  ],\n' : '],\n');
  await put(out, `  "cycles": ${nested(await store.listCycles(run.id), 1)},\n`);
  await put(out, `  "time_series": ${nested(await store.getTimeSeries(run.id), 1)}\n}\n`);
}

/** Runs the export; returns the path written (or '' for stdout). */
export async function exportCommand(
  store: Store,
  id: string,
  o: ExportCliOptions,
  stdout: Writable & { isTTY?: boolean },
): Promise<string> {
  const { format, what } = parseOptions(o);
  if (!o.out && format === 'xlsx' && stdout.isTTY)
    throw inputError('--out', 'an XLSX workbook is binary: write it to a file', 'a terminal', '--out <file.xlsx>');
  if (o.out) {
    if (existsSync(o.out) && !o.force)
      throw inputError(
        '--out',
        'the file exists (nothing was overwritten)',
        JSON.stringify(o.out),
        'a new file, or --force',
      );
    if (!existsSync(dirname(o.out)) || !statSync(dirname(o.out)).isDirectory())
      throw inputError(
        '--out',
        'the directory does not exist',
        JSON.stringify(dirname(o.out)),
        'an existing directory',
      );
  }
  // resolve the id (and fail on an unknown one) before creating any file
  await store.resolveRunId(id);
  const tmp = o.out ? `${o.out}.tmp-${process.pid}` : '';
  const out: Writable = o.out ? createWriteStream(tmp) : stdout;
  const done = o.out ? once(out, 'finish') : Promise.resolve([]);
  try {
    if (what === 'bundle') await writeBundle(store, id, out);
    else await writeTables(store, id, what, sinkFor(format, out, what.length));
    if (o.out) {
      out.end();
      await done;
      renameSync(tmp, o.out);
    }
  } catch (e) {
    if (o.out) {
      out.destroy();
      rmSync(tmp, { force: true });
    }
    throw e;
  }
  return o.out ?? '';
}
