/**
 * Zod issues as the one error value (src/problems.ts): the field's dotted path, what is wrong, the value
 * found (described, not dumped) and what is allowed, with "did you mean" for unknown keys and options.
 * Every schema of the input (recipe, production, variability, battery extras) reports through this.
 */
import { z } from 'zod';
import type { Problem } from '../problems.ts';
import { suggest } from '../materials/library.ts';

export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object')
    return `an object with keys ${
      Object.keys(v as object)
        .slice(0, 6)
        .join(', ') || '(none)'
    }`;
  return String(v);
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k as string];
  }
  return cur;
}

/** Known keys at a schema location, for "did you mean" on unrecognised keys. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.ZodType = schema;
  for (const k of path) {
    s = unwrapSchema(s);
    const shape = (s as unknown as { shape?: Record<string, z.ZodType> }).shape;
    if (shape && typeof k === 'string' && shape[k]) s = shape[k]!;
    else return [];
  }
  s = unwrapSchema(s);
  const shape = (s as unknown as { shape?: Record<string, z.ZodType> }).shape;
  return shape ? Object.keys(shape) : [];
}

/** a schema without its optional / default / nullable / prefault wrappers (the type a value must have) */
export function unwrapSchema(s: z.ZodType): z.ZodType {
  let cur = s as unknown as { def?: { type?: string; innerType?: z.ZodType } };
  for (
    let i = 0;
    i < 10 && cur.def && ['optional', 'default', 'nullable', 'prefault'].includes(cur.def.type ?? '');
    i++
  ) {
    cur = cur.def.innerType as unknown as typeof cur;
  }
  return cur as unknown as z.ZodType;
}

/** how a caller's input is described where the recipe's wording does not fit (an HTTP request's query or body) */
export interface ZodProblemWords {
  /** what a value outside its range is (default 'out of the physical range', the recipe's) */
  outOfRange?: string;
  /** what is allowed where the issue does not say (default: see `rollcell schema`, the recipe's) */
  see?: string;
}

function allowedFor(issue: z.core.$ZodIssue, words: ZodProblemWords): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'number'
        ? 'a finite number'
        : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_small': {
      const i = issue as z.core.$ZodIssueTooSmall;
      if (i.origin === 'array') return `at least ${i.minimum} item(s)`;
      if (i.origin === 'string') return 'a non-empty string';
      return `${i.inclusive ? '>=' : '>'} ${i.minimum}`;
    }
    case 'too_big': {
      const i = issue as z.core.$ZodIssueTooBig;
      if (i.origin === 'array') return `at most ${i.maximum} item(s)`;
      if (i.origin === 'string') return `at most ${i.maximum} characters`;
      return `${i.inclusive ? '<=' : '<'} ${i.maximum}`;
    }
    case 'invalid_value':
      return `one of ${(issue as z.core.$ZodIssueInvalidValue).values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return words.see ?? 'a step string, {repeat: N, steps: [...]} or {repeat_until: "...", steps: [...]}';
    case 'invalid_format':
      return issue.message;
    default:
      return words.see ?? 'see `rollcell schema`';
  }
}

function problemFor(
  issue: z.core.$ZodIssue,
  data: unknown,
  schema: z.ZodType,
  root: string,
  budget: { detailed: number },
  words: ZodProblemWords,
): Problem[] {
  const path = issue.path.map(String);
  const rootPath = root === '' ? [] : [root];
  const value = valueAt(data, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, issue.path);
    const allowed = known.length ? `keys ${known.join(', ')}` : 'no extra keys';
    const prefix = [...rootPath, ...path].join('.');
    const parent = valueAt(data, issue.path) as Record<string, unknown> | undefined;
    return issue.keys.map((k) => {
      // "did you mean" (an edit distance to every known key) only for the problems that will be shown
      const s = budget.detailed-- > 0 ? suggest(k, known) : undefined;
      return {
        path: prefix === '' ? k : `${prefix}.${k}`,
        problem: `unknown key${s ? ` (did you mean "${s}"?)` : ''}`,
        got: describeValue(parent?.[k]),
        allowed,
      };
    });
  }
  budget.detailed--;
  let problem: string;
  if (issue.code === 'invalid_type') {
    problem =
      value === undefined
        ? 'required field is missing'
        : typeof value === 'number' && !Number.isFinite(value)
          ? 'must be a finite number'
          : `wrong type`;
  } else if (issue.code === 'invalid_format') {
    problem = 'not in the allowed form';
  } else if (issue.code === 'too_small' || issue.code === 'too_big') {
    problem = words.outOfRange ?? 'out of the physical range';
  } else if (issue.code === 'invalid_value') {
    const opts = (issue as z.core.$ZodIssueInvalidValue).values.map(String);
    const s = typeof value === 'string' ? suggest(value, opts) : undefined;
    problem = `not a known option${s ? ` (did you mean "${s}"?)` : ''}`;
  } else {
    problem = issue.message;
  }
  return [
    { path: [...rootPath, ...path].join('.'), problem, got: describeValue(value), allowed: allowedFor(issue, words) },
  ];
}

/**
 * The problems of a failed safeParse of `schema` on `data`; paths start at `root` ('' for the whole
 * input). Linear in the number of issues: "did you mean" suggestions only for the first `detailed`
 * (the ones a capped list shows; 40 000 unknown keys are not each compared with every known key).
 */
export function zodProblems(
  error: z.ZodError,
  data: unknown,
  schema: z.ZodType,
  root = '',
  detailed = Infinity,
  words: ZodProblemWords = {},
): Problem[] {
  const budget = { detailed };
  const out: Problem[] = [];
  for (const i of tightestBounds(error.issues))
    for (const p of problemFor(i, data, schema, root, budget, words)) out.push(p);
  return out;
}

/**
 * One range problem per field and side: a number past several bounds of one side (an integer's safe range,
 * which zod 4's `.int()` adds, and the schema's own `.lte(1e9)`) gets the tightest of them, not one problem
 * for each (before: `{"cells": 1e300}` was two problems at body.cells, "<= 9007199254740991" and
 * "<= 1000000000").
 */
function tightestBounds(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const numeric = (i: z.core.$ZodIssue): i is z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall =>
    (i.code === 'too_big' || i.code === 'too_small') && (i.origin === 'number' || i.origin === 'int');
  const bound = (i: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall): number =>
    Number(i.code === 'too_big' ? i.maximum : -i.minimum);
  const keyOf = (i: z.core.$ZodIssue): string => `${i.code} ${JSON.stringify(i.path.map(String))}`;
  const best = new Map<string, z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall>();
  for (const i of issues) {
    if (!numeric(i)) continue;
    const have = best.get(keyOf(i));
    if (have === undefined || bound(i) < bound(have)) best.set(keyOf(i), i);
  }
  if (best.size === 0) return [...issues];
  return issues.filter((i) => !numeric(i) || best.get(keyOf(i)) === i);
}
