/**
 * Static data files shipped with rollcell (tables, drive cycles, material data with sources), read once
 * and cached. The files live under `data/` at the repository root, beside their README and licence
 * notes (PyBaMM keeps `input/parameters/…/data/*.csv` the same way). This is the only module under
 * `src/` outside the edges that touches the file system, and it reads only files of the package itself.
 */
import { readFileSync } from 'node:fs';
import { isMainThread, workerData } from 'node:worker_threads';
import type { z } from 'zod';
import { problem } from './problems.ts';

const cache = new Map<string, string>();

/**
 * The data this thread has checked, by file (assetChecked: zod's output; assetCheckedJson: the file as parsed;
 * a loader's own value through checkedOnce): each file is checked once per thread. A job's worker thread is
 * handed its parent's (checkedDataForWorker, in the Worker's workerData: plain data, copied by the structured
 * clone of the worker's start) and takes it when this module loads, before any loader runs, so it does not
 * check the files again; a thread started without it (a worker of its own, a test) checks them itself.
 */
const CHECKED = new Map<string, unknown>();
const HANDED = 'rollcellCheckedData';
if (!isMainThread) {
  const handed = (workerData as Record<string, unknown> | null | undefined)?.[HANDED];
  if (handed !== null && typeof handed === 'object') for (const [k, v] of Object.entries(handed)) CHECKED.set(k, v);
}

/** `check()`'s value under `key`, once per thread (or the value this worker thread was handed under it) */
export function checkedOnce<T>(key: string, check: () => T): T {
  if (CHECKED.has(key)) return CHECKED.get(key) as T;
  const v = check();
  CHECKED.set(key, v);
  return v;
}

/** what a worker thread's workerData carries (merge it in) so that the worker takes the data this thread has checked */
export function checkedDataForWorker(): Record<string, unknown> {
  return { [HANDED]: Object.fromEntries(CHECKED) };
}

/** URL of a packaged data file, from a path relative to `data/` (e.g. `materials/li-al.json`). */
export function assetUrl(rel: string): URL {
  if (rel.startsWith('/') || rel.split('/').includes('..'))
    throw new Error(`asset path must stay inside data/: ${rel}`);
  return new URL(`../data/${rel}`, import.meta.url);
}

/** Text of a packaged data file (UTF-8), read once. */
export function assetText(rel: string): string {
  let t = cache.get(rel);
  if (t === undefined) {
    t = readFileSync(assetUrl(rel), 'utf8');
    cache.set(rel, t);
  }
  return t;
}

/** A packaged JSON data file, parsed (the caller validates its shape); text that is not JSON is a Problem naming the file. */
export function assetJson(rel: string): unknown {
  const text = assetText(rel);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw problem(
      `data/${rel}`,
      `not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
      `${text.length} characters`,
      'the file as shipped',
    );
  }
}

/**
 * A packaged JSON data file, parsed and checked against its schema, once per thread (checkedOnce); a file that
 * does not match is a Problem naming the file and the first offending field.
 * The check runs without zod's compiled fast path (`jitless`): a file is checked once per thread, and
 * generating and compiling a parser per object shape cost more than the one check it speeds (about 2×
 * the CPU of the check itself, paid by the main thread and each job worker at start-up); same schema,
 * same issues.
 */
export function assetChecked<T>(schema: z.ZodType<T>, rel: string): T {
  return checkedOnce(`checked ${rel}`, () => checked(schema, assetJson(rel), rel));
}

/**
 * A packaged JSON data file checked as assetChecked does, given as the file holds it (its fields in the file's
 * order, not the schema's): one parse for a caller that keeps the file's own objects.
 */
export function assetCheckedJson(schema: z.ZodType, rel: string): unknown {
  return checkedOnce(`json ${rel}`, () => {
    const raw = assetJson(rel);
    checked(schema, raw, rel);
    return raw;
  });
}

function checked<T>(schema: z.ZodType<T>, raw: unknown, rel: string): T {
  const r = schema.safeParse(raw, { jitless: true });
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw problem(`data/${rel}: ${i.path.join('.')}`, i.message, valueText(raw, i.path), 'the file as shipped');
  }
  return r.data;
}

/** the value at `path` in a parsed file, as a Problem's `got` (JSON, cut at 80 characters; 'nothing' when absent) */
function valueText(raw: unknown, path: readonly PropertyKey[]): string {
  let v = raw;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  if (v === undefined) return 'nothing';
  const t = JSON.stringify(v);
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
}
