/**
 * Structured diff of two JSON documents (run outputs, recipes): changed numeric leaves with
 * old/new/Δ/Δ%, other changed leaves, and added/removed paths. Arrays whose elements are objects
 * with a unique `id`, `name`, `claim` or `serial` field are matched by that key (so reordering
 * stations does not show as a change), other arrays by index.
 */
import type { JsonDiff } from './types.ts';

const ARRAY_KEYS = ['id', 'claim', 'name', 'serial'] as const;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function joinKey(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/** The key field by which all elements of both arrays can be matched, or null. */
function arrayKeyField(a: unknown[], b: unknown[]): string | null {
  if (a.length === 0 && b.length === 0) return null;
  for (const field of ARRAY_KEYS) {
    let ok = true;
    for (const arr of [a, b]) {
      const seen = new Set<string>();
      for (const el of arr) {
        if (!isPlainObject(el)) return null;
        const k = el[field];
        if (typeof k !== 'string' && typeof k !== 'number') {
          ok = false;
          break;
        }
        const ks = String(k);
        if (seen.has(ks)) {
          ok = false;
          break;
        }
        seen.add(ks);
      }
      if (!ok) break;
    }
    if (ok) return field;
  }
  return null;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

export interface DiffOptions {
  /** Paths (exact) to leave out, e.g. ["run_id"]. */
  ignore?: string[];
}

/** Diff b against a. */
export function diffJson(a: unknown, b: unknown, options: DiffOptions = {}): JsonDiff {
  const out: JsonDiff = { numeric: [], changed: [], added: [], removed: [] };
  const ignore = new Set(options.ignore ?? []);
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (ignore.has(path)) return;
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) {
        const delta = y - x;
        out.numeric.push({ path, old: x, new: y, delta, delta_pct: x !== 0 ? (delta / Math.abs(x)) * 100 : null });
      }
      return;
    }
    if (isPlainObject(x) && isPlainObject(y)) {
      for (const k of Object.keys(x)) {
        const p = joinKey(path, k);
        if (ignore.has(p)) continue;
        if (!Object.hasOwn(y, k)) out.removed.push({ path: p, value: x[k] });
        else walk(x[k], y[k], p);
      }
      for (const k of Object.keys(y)) {
        const p = joinKey(path, k);
        if (!ignore.has(p) && !Object.hasOwn(x, k)) out.added.push({ path: p, value: y[k] });
      }
      return;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      const field = arrayKeyField(x, y);
      if (field) {
        const key = (el: unknown) => String((el as Record<string, unknown>)[field]);
        const mapY = new Map(y.map((el) => [key(el), el] as const));
        const keysX = new Set(x.map(key));
        for (const el of x) {
          const k = key(el);
          const p = `${path}[${field}=${k}]`;
          if (!mapY.has(k)) out.removed.push({ path: p, value: el });
          else walk(el, mapY.get(k), p);
        }
        for (const el of y) {
          const k = key(el);
          if (!keysX.has(k)) out.added.push({ path: `${path}[${field}=${k}]`, value: el });
        }
        return;
      }
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) walk(x[i], y[i], `${path}[${i}]`);
      for (let i = n; i < x.length; i++) out.removed.push({ path: `${path}[${i}]`, value: x[i] });
      for (let i = n; i < y.length; i++) out.added.push({ path: `${path}[${i}]`, value: y[i] });
      return;
    }
    if (!deepEqual(x, y)) out.changed.push({ path, old: x, new: y });
  };
  walk(a, b, '');
  return out;
}
