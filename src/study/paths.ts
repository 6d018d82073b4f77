/**
 * Paths into a recipe (`stations.240.force_N`), a cell model's parameters (`model.cathode.Ds.ref`) and a
 * run's output (`line.anode.thickness_um`, `claims.12`): checking them against the recipe schema, setting
 * a value in a copy of recipe data, and reading a value out of an output. Pure.
 *
 * `setPath` plays the part of the `--set path=value` parser for sweep points; when the CLI's shared
 * `--set` parser lands, both take the same paths.
 */
import type { z } from 'zod';
import { recipeSchema } from '../recipe/schema.ts';
import { suggest } from '../materials/library.ts';
import { unwrapSchema as unwrap } from '../recipe/zod-problems.ts';

export type LeafKind = 'number' | 'string' | 'enum' | 'boolean' | 'other';

/**
 * What a recipe path points at in the schema: a leaf kind, or why the path is not one (with a
 * suggestion for a mistyped key).
 */
export function recipeLeaf(
  path: string,
): { ok: true; kind: LeafKind; options?: string[] } | { ok: false; why: string } {
  let s: z.ZodType = recipeSchema;
  const keys = path.split('.');
  for (let i = 0; i < keys.length; i++) {
    s = unwrap(s);
    const shape = (s as unknown as { shape?: Record<string, z.ZodType> }).shape;
    const k = keys[i]!;
    if (!shape) return { ok: false, why: `${keys.slice(0, i).join('.')} has no fields` };
    // own keys only: `__proto__`, `constructor`, `toString` are the shape object's inherited members
    if (!Object.hasOwn(shape, k)) {
      const known = Object.keys(shape);
      const sg = suggest(k, known);
      return {
        ok: false,
        why:
          `no field "${k}" under ${i === 0 ? 'the recipe' : keys.slice(0, i).join('.')}` +
          `${sg ? ` (did you mean "${sg}"?)` : ''}; fields there: ${known.join(', ')}`,
      };
    }
    s = shape[k]!;
  }
  const leaf = unwrap(s) as unknown as { def?: { type?: string; entries?: Record<string, string> } };
  const t = leaf.def?.type;
  if (t === 'number') return { ok: true, kind: 'number' };
  if (t === 'string') return { ok: true, kind: 'string' };
  if (t === 'boolean') return { ok: true, kind: 'boolean' };
  if (t === 'enum') return { ok: true, kind: 'enum', options: Object.values(leaf.def?.entries ?? {}) };
  if (t === 'object') return { ok: false, why: 'is a block, not a single value (name one of its fields)' };
  return { ok: true, kind: 'other' };
}

/** The schema of a recipe leaf (with its optional/default wrappers), or undefined for a block or an unknown path. */
export function recipeLeafSchema(path: string): z.ZodType | undefined {
  let s: z.ZodType = recipeSchema;
  for (const k of path.split('.')) {
    const shape = (unwrap(s) as unknown as { shape?: Record<string, z.ZodType> }).shape;
    if (!shape || !Object.hasOwn(shape, k)) return undefined;
    s = shape[k]!;
  }
  const t = (unwrap(s) as unknown as { def?: { type?: string } }).def?.type;
  return t === 'object' || t === 'array' || t === 'union' || t === 'lazy' ? undefined : s;
}

/** A deep copy of plain JSON data. */
export function cloneData<T>(x: T): T {
  return structuredClone(x);
}

/** Sets `path` (dotted) in plain data, creating objects on the way (the schema decides if that is valid). */
export function setPath(data: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur: Record<string, unknown> = data;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i]!;
    // own fields only: an inherited `__proto__` would walk into Object.prototype and set it for the process
    const next = Object.hasOwn(cur, k) ? cur[k] : undefined;
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

/** Reads `path` (dotted) from plain data; undefined when absent. */
export function getPath(data: unknown, path: string): unknown {
  let cur: unknown = data;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      // arrays of blocks are addressed by their id (stations: `line.stations.240`) or claim number
      // (`claims.12`), else by index
      const hit = cur.find(
        (e) =>
          e !== null &&
          typeof e === 'object' &&
          (String((e as Record<string, unknown>)['id']) === k || String((e as Record<string, unknown>)['claim']) === k),
      );
      cur = hit ?? (/^\d+$/.test(k) ? cur[Number(k)] : undefined);
    } else cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
