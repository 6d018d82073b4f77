/**
 * Seeded generators of the fault and fuzz suite (issue 22, item 11): everything is a pure function of
 * (seed, case index), so a failing case is reproduced by its number alone.
 *
 * - `validRecipe`: a recipe the schema accepts — an example with 1–5 fields drawn from their allowed
 *   ranges (bounds read from the recipe's JSON Schema: edges, decades around the default, the largest
 *   and smallest magnitudes a recipe may hold), made cheap to run (few ageing cycles, small shifts and
 *   packs). The property: it runs (exit 0) or is refused with exit 2 — never exit 1.
 * - `mutatedRecipeText`: structure-aware mutations (wrong types, boundary and non-finite numbers,
 *   unknown keys, control characters, markup, deletions) and text-level damage (truncation, byte flips,
 *   tabs, aliases, duplicate keys): through `validate`.
 * - `mutatedCsv`, `mutatedBpx`, `experimentStrings`: the data files and the experiment grammar.
 */
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { recipeJsonSchema } from '../../src/recipe/schema.ts';
import { BPX_FIXTURE } from '../helpers.ts';

/** xorshift32 seeded through splitmix: small, fast, reproducible */
export class FuzzRng {
  #s: number;
  constructor(seed: number, stream = 0) {
    let z = (seed * 0x9e3779b1 + stream * 0x85ebca6b + 0x6d2b79f5) >>> 0;
    z = Math.imul(z ^ (z >>> 16), 0x45d9f3b) >>> 0;
    z = Math.imul(z ^ (z >>> 16), 0x45d9f3b) >>> 0;
    this.#s = (z ^ (z >>> 16)) >>> 0 || 1;
  }
  /** uniform in [0, 1) */
  next(): number {
    let x = this.#s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.#s = x;
    return x / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** log-uniform in [a, b] (a, b > 0) */
  logUniform(a: number, b: number): number {
    return Math.exp(Math.log(a) + this.next() * (Math.log(b) - Math.log(a)));
  }
}

const EXAMPLES = ['patent-line.yaml', 'al-particles-on-carrier.yaml', 'with-al-collector.yaml', 'not-interposed.yaml'];
const exampleText = new Map<string, string>();
export function example(name: string): string {
  let t = exampleText.get(name);
  if (t === undefined) {
    t = readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8');
    exampleText.set(name, t);
  }
  return t;
}
export const exampleObject = (name: string): Record<string, any> => parse(example(name)) as Record<string, any>;

/* ------------------------------------------------------------------ numeric fields from the schema */

export interface NumField {
  path: string[];
  integer: boolean;
  min?: number;
  max?: number;
  exclusiveMin: boolean;
  exclusiveMax: boolean;
  default?: number;
}
export interface EnumField {
  path: string[];
  values: readonly (string | number)[];
}

let fieldCache: { nums: NumField[]; enums: EnumField[] } | undefined;
/** Every numeric and enum field of the recipe, with its bounds, read from the JSON Schema. */
export function recipeFields(): { nums: NumField[]; enums: EnumField[] } {
  if (fieldCache) return fieldCache;
  const nums: NumField[] = [];
  const enums: EnumField[] = [];
  const walk = (n: unknown, path: string[], depth: number): void => {
    if (depth > 12 || n === null || typeof n !== 'object') return;
    const o = n as Record<string, any>;
    if (o.type === 'number' || o.type === 'integer') {
      const exMin = typeof o.exclusiveMinimum === 'number';
      const exMax = typeof o.exclusiveMaximum === 'number';
      nums.push({
        path,
        integer: o.type === 'integer',
        ...(exMin ? { min: o.exclusiveMinimum } : typeof o.minimum === 'number' ? { min: o.minimum } : {}),
        ...(exMax
          ? { max: o.exclusiveMaximum }
          : typeof o.maximum === 'number' && o.maximum < 1e15
            ? { max: o.maximum }
            : {}),
        exclusiveMin: exMin,
        exclusiveMax: exMax,
        ...(typeof o.default === 'number' ? { default: o.default } : {}),
      });
    }
    if (Array.isArray(o.enum)) enums.push({ path, values: o.enum });
    for (const [k, v] of Object.entries((o.properties ?? {}) as Record<string, unknown>))
      walk(v, [...path, k], depth + 1);
    for (const key of ['anyOf', 'oneOf', 'allOf'])
      if (Array.isArray(o[key])) for (const x of o[key] as unknown[]) walk(x, path, depth + 1);
  };
  walk(recipeJsonSchema(), [], 0);
  // paths inside lists / maps (cd_profile_pct.*, prices) and the format version are left to the mutator
  fieldCache = {
    nums: nums.filter((f) => f.path.length > 0 && f.path[0] !== 'rollcell_recipe'),
    enums: enums.filter((f) => f.path.length > 0),
  };
  return fieldCache;
}

/** A value inside the field's allowed range (edges, decades around the default, extreme magnitudes). */
export function inRange(f: NumField, rng: FuzzRng): number {
  const lo = f.min ?? -1e12;
  const hi = f.max ?? 1e12;
  const d = f.default ?? (lo > 0 ? lo * 10 : hi < 1e12 ? (lo + hi) / 2 : 1);
  const cands: number[] = [];
  const eps = (x: number) => Math.max(Math.abs(x) * 1e-6, 1e-9);
  cands.push(f.exclusiveMin ? lo + eps(lo) : lo, f.exclusiveMax ? hi - eps(hi) : hi);
  if (d !== 0) for (const k of [-3, -2, -1, 1, 2, 3]) cands.push(d * 10 ** k);
  cands.push(
    d,
    lo > 0 ? rng.logUniform(Math.max(lo, 1e-9), Math.min(hi, 1e12)) : lo + rng.next() * (Math.min(hi, 1e6) - lo),
  );
  if (lo <= 1e-9 && hi >= 1e-9) cands.push(1e-9);
  if (hi >= 1e12) cands.push(1e12, 1e9);
  let v = rng.pick(cands);
  if (f.integer) v = Math.round(v);
  if (Math.abs(v) < 1e-9) v = 0;
  if (v < lo || (f.exclusiveMin && v <= lo)) v = f.integer ? Math.floor(lo) + 1 : lo + eps(lo);
  if (v > hi || (f.exclusiveMax && v >= hi)) v = f.integer ? Math.ceil(hi) - 1 : hi - eps(hi);
  return Number(v.toPrecision(12));
}

export function setPath(obj: Record<string, any>, path: readonly string[], v: unknown): void {
  let o = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    if (o[k] === null || typeof o[k] !== 'object') o[k] = {};
    o = o[k] as Record<string, any>;
  }
  o[path[path.length - 1]!] = v;
}
export function getPath(obj: unknown, path: readonly string[]): unknown {
  let o = obj;
  for (const k of path) {
    if (o === null || typeof o !== 'object') return undefined;
    o = (o as Record<string, unknown>)[k];
  }
  return o;
}

/** Steps of the experiment grammar, some at the edges of the limits. */
export function experimentSteps(rng: FuzzRng, n = 1 + rng.int(4)): string[] {
  const rate = () => rng.pick(['0.05C', '0.1C', '0.33C', '1C', '2C', 'C/3', '0.5 A', '50 mA', '1e-3 A']);
  const v = () => rng.pick(['2.5 V', '3.0 V', '3 V', '4.2 V', '4.3 V', '4.4 V', '5 V', '0.1 V']);
  const dur = () => rng.pick(['1 minute', '10 minutes', '30 s', '2 hours', '1e-3 seconds', '100 hours', '1 hour']);
  const forms = [
    () => `Charge at ${rate()} until ${v()}`,
    () => `Discharge at ${rate()} until ${v()}`,
    () => `Discharge at ${rate()} for ${dur()} or until ${v()}`,
    () => `Rest for ${dur()}`,
    () => `Hold at ${v()} until ${rng.pick(['0.02C', 'C/50', '10 mA', '1e-9 A'])}`,
    () => `Charge at ${rate()} until ${v()} then hold until 0.02C`,
    () => `Discharge at ${rng.pick(['1 W', '200mW', '2 W'])} for ${dur()} or until 3 V`,
    () => `Discharge at ${rng.pick(['2 Ohm', '10 Ohm', '100 Ohm'])} for ${dur()} or until 3 V`,
    () => `Charge at ${rate()} until 80% SOC`,
    () => `Discharge at ${rate()} until ${rng.pick(['1 mAh', '0.01 Ah', '50 mAh/g'])}`,
    () => `Rest for ${dur()} (${rng.pick(['1 second', '10 seconds', '5 minute'])} period)`,
  ];
  return Array.from({ length: n }, () => rng.pick(forms)());
}

/**
 * Cell positions of a production shift the valid-recipe generator lets through (a few seconds on a quiet
 * core). A longer shift that rollcell accepts (up to its 10⁷-cell limit) is bounded work with progress,
 * but can take longer than a run case's time limit and was counted as a hang (fuzz seed 1 run #3: a
 * 168 h shift; seed 2 run #274: 0.1 mm cells, 4.8 × 10⁶ positions, ETA hours under load). Long shifts are
 * the shift-memory bench's and the reliability cases' (mem-6min-shift-10mm-cells.yaml); a shift past the
 * limit is left as drawn (refused up front, exit 2).
 */
const CHEAP_SHIFT_CELLS = 20_000;

/**
 * A recipe the schema accepts (before the job checks), cheap enough to run in about a second:
 * few or no ageing cycles, no rate-capability search most of the time, a production shift of at most
 * CHEAP_SHIFT_CELLS positions when there is one, and a pack of at most 8 cells.
 */
export function validRecipe(
  seed: number,
  index: number,
): { text: string; object: Record<string, any>; changed: string[] } {
  const rng = new FuzzRng(seed, index);
  const name = rng.pick(EXAMPLES.slice(0, 3));
  const r = exampleObject(name);
  const { nums, enums } = recipeFields();
  const changed: string[] = [];
  const k = 1 + rng.int(5);
  for (let i = 0; i < k; i++) {
    if (rng.chance(0.15)) {
      const e = rng.pick(enums);
      setPath(r, e.path, rng.pick(e.values));
      changed.push(e.path.join('.'));
    } else {
      const f = rng.pick(nums);
      // optional blocks only when the recipe has them (keeps the mutation in one place)
      if (
        ['battery', 'variability', 'production', 'spec'].includes(f.path[0]!) &&
        r[f.path[0]!] === undefined &&
        rng.chance(0.5)
      )
        continue;
      setPath(r, f.path, inRange(f, rng));
      changed.push(f.path.join('.'));
    }
  }
  if (rng.chance(0.3)) {
    r.experiment = experimentSteps(rng);
    if (rng.chance(0.3)) r.experiment = [{ repeat: 1 + rng.int(3), steps: r.experiment }];
    changed.push('experiment');
  }
  // cheap to run
  r.cycling = { ...(r.cycling ?? {}) };
  r.cycling.ageing_cycles = Math.min(Number(r.cycling.ageing_cycles ?? 0), rng.pick([0, 0, 1, 2]));
  if (!changed.includes('cycling.rate_capability')) r.cycling.rate_capability = rng.chance(0.1);
  if (r.production) {
    // about the positions the run checks up front (pipeline's productionSize), with no edge trim
    const h = Number(r.production.duration_h ?? 8);
    const lanes = Math.max(1, Math.floor(Number(r.line?.web_width_mm) / Number(r.cell?.width_mm)));
    const cells = ((Number(r.line?.speed_m_per_min) * 60 * h * 1000) / Number(r.cell?.length_mm)) * lanes;
    if (cells > CHEAP_SHIFT_CELLS && cells <= 1e7)
      r.production = { ...r.production, duration_h: (h * CHEAP_SHIFT_CELLS) / cells };
  }
  if (r.battery) {
    r.battery.series = Math.min(Math.max(1, Math.round(Number(r.battery.series) || 1)), 4);
    r.battery.parallel = Math.min(Math.max(1, Math.round(Number(r.battery.parallel) || 1)), 2);
    if (r.battery.series * r.battery.parallel < 2) r.battery.series = 2;
  }
  return { text: stringify(r), object: r, changed };
}

/* ------------------------------------------------------------------ mutations (invalid input) */

const NASTY_NUMBERS: readonly unknown[] = [
  0,
  -0,
  -1,
  // eslint-disable-next-line no-loss-of-precision -- on purpose: a literal below the smallest subnormal reads as 0
  1e-324,
  5e-324,
  1e-10,
  1e-9,
  1e12,
  1e13,
  1e308,
  -1e308,
  2 ** 53 + 1,
  0.1 + 0.2,
  -273.15,
  1e-300,
];
const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  'x'.repeat(10_000),
  '\u001b]0;PWNED\u0007\u001b[2J',
  '<script>alert(1)</script>',
  '‮evil',
  'NaN',
  '1e308',
  '../../etc/passwd',
  '${HOME}',
  'Discharge at 1C until 3 V',
  '\u0000',
  '😀'.repeat(50),
];

function leaves(o: unknown, path: string[] = [], out: string[][] = [], depth = 0): string[][] {
  if (depth > 10) return out;
  if (o !== null && typeof o === 'object') {
    const entries = Array.isArray(o) ? o.map((v, i) => [String(i), v] as const) : Object.entries(o);
    for (const [k, v] of entries) {
      out.push([...path, k]);
      leaves(v, [...path, k], out, depth + 1);
    }
  }
  return out;
}

/** A damaged recipe: through `validate` it must give exit 0 or 2 with contract-form messages. */
export function mutatedRecipeText(seed: number, index: number): string {
  const rng = new FuzzRng(seed, index);
  const base = rng.chance(0.5) ? validRecipe(seed, index + 1_000_000).object : exampleObject(rng.pick(EXAMPLES));
  const r = base;
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) {
    const ls = leaves(r);
    const path = rng.pick(ls);
    const op = rng.int(9);
    if (op === 0) setPath(r, path, rng.pick(NASTY_NUMBERS));
    else if (op === 1) setPath(r, path, rng.pick(NASTY_STRINGS));
    else if (op === 2) setPath(r, path, rng.pick([null, [], {}, true, [1, 2], { a: 1 }]));
    else if (op === 3) {
      const parent = getPath(r, path.slice(0, -1));
      if (parent && typeof parent === 'object' && !Array.isArray(parent))
        delete (parent as Record<string, unknown>)[path.at(-1)!];
    } else if (op === 4)
      setPath(r, [...path.slice(0, -1), rng.pick(['extra', 'speed_m_per_mim', '\u001b[31mkey', 'k'.repeat(300)])], 1);
    else if (op === 5) setPath(r, path, Number.NaN);
    else if (op === 6) setPath(r, path, rng.chance(0.5) ? Infinity : -Infinity);
    else if (op === 7)
      r.experiment = rng.pick([
        ['Frobnicate at 1C'],
        [{ repeat: 1e9, steps: ['Rest for 1 s'] }],
        [[{ repeat: 1e6, steps: ['Rest for 1 s', 'Rest for 2 s'] }]],
        ['Rest for 1e308 seconds'],
        ['Rest for 100000 hours'],
        ['Run drive cycle from /dev/zero as current'],
        ['Run drive cycle from does-not-exist.csv as current'],
        [{ repeat_until: 'capacity < 80 %', steps: [] }],
        ['Discharge at 1e308 A until 3 V'],
        ['Charge at -1C until 4.2 V'],
        [''],
        [{}],
      ]);
    else {
      const f = rng.pick(recipeFields().nums);
      setPath(r, f.path, rng.pick([f.min ?? -1, (f.max ?? 1e12) * 10, -1e-12, 1e15]));
    }
  }
  let text = stringify(r);
  if (rng.chance(0.25)) {
    // text-level damage
    const op = rng.int(7);
    if (op === 0) text = text.slice(0, rng.int(text.length));
    else if (op === 1) {
      const b = Buffer.from(text, 'utf8');
      for (let i = 0; i < 1 + rng.int(8); i++) b[rng.int(b.length)] = rng.int(256);
      text = b.toString('latin1');
    } else if (op === 2) text = text.replace(/\n {2}/g, '\n\t');
    else if (op === 3)
      text = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n${text}`;
    else if (op === 4) text += `\nname: twice\n`;
    else if (op === 5) text = `${'['.repeat(200)}${']'.repeat(200)}`;
    else text = text + Array.from({ length: 2000 }, (_, i) => `unknown_${i}: ${i}`).join('\n');
  }
  return text;
}

/* ------------------------------------------------------------------ CSV and BPX */

const CSV_BASES = [
  'Test Time / s,Current / A\n0,-5\n10,-5\n20,-4\n30,0\n',
  'Time [s],I[A],U[V]\n0,-1,4.1\n1,-1,4.05\n2,-1,4.0\n3,0,4.02\n',
  'Test Time / s,Voltage / V,Current / A\n0,3.9,-1\n60,3.85,-1\n120,3.8,-1\n',
  'time_s,power_W\n0,-1500\n1,-1200\n2,800\n3,-100\n',
];

/** A damaged CSV (header, numbers, times, magnitudes, quoting, encoding). */
export function mutatedCsv(seed: number, index: number): { text: string; base: number } {
  const rng = new FuzzRng(seed, index);
  const base = rng.int(CSV_BASES.length);
  const lines = CSV_BASES[base]!.trimEnd().split('\n');
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const li = 1 + rng.int(lines.length - 1);
    const cells = lines[li]!.split(',');
    const op = rng.int(12);
    const c = rng.int(cells.length);
    if (op === 0)
      cells[c] = String(rng.pick(['1e308', '-1e308', 'NaN', 'Infinity', '', ' ', 'abc', '0x10', '1e-320', '1,5']));
    else if (op === 1) cells[0] = rng.pick(['1e9', '-5', '0', '1e-12', '5e-324']);
    else if (op === 2) cells.push('extra');
    else if (op === 3) cells.pop();
    else if (op === 4) lines.splice(li, 1);
    else if (op === 5) lines.splice(li, 0, lines[li]!);
    else if (op === 6)
      lines[0] = rng.pick(['', 'Time,I', 'a,b,c', '"Test Time / s","Current / A"', '\ufeffTest Time / s,Current / A']);
    else if (op === 7) for (let k = 0; k < 50; k++) lines.push(`${1000 + k * 1e-12},1`);
    else if (op === 8) lines.push(`"${'x'.repeat(1000)}`);
    else if (op === 9) cells[c] = `${cells[c]}\r`;
    else if (op === 10) cells[c] = String(Number(cells[c]) * 10 ** (rng.int(600) - 300));
    else lines.push(`${1e9},-5`);
    if (li < lines.length) lines[li] = cells.join(',');
  }
  return { text: lines.join(rng.chance(0.1) ? '\r\n' : '\n') + '\n', base };
}

let bpxBase: Record<string, any> | undefined;

/** A damaged BPX parameter set (numbers, types, tables, missing and unknown keys). */
export function mutatedBpx(seed: number, index: number): string {
  const rng = new FuzzRng(seed, index);
  bpxBase ??= JSON.parse(readFileSync(BPX_FIXTURE, 'utf8')) as Record<string, any>;
  const b = structuredClone(bpxBase);
  const ls = leaves(b);
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const path = rng.pick(ls);
    const op = rng.int(7);
    if (op === 0) setPath(b, path, rng.pick([1e308, -1e308, 0, -1, 1e-320, 1e15, 1e16]));
    else if (op === 1) setPath(b, path, rng.pick([null, 'x', [], {}, true]));
    else if (op === 2) {
      const parent = getPath(b, path.slice(0, -1));
      if (parent && typeof parent === 'object' && !Array.isArray(parent))
        delete (parent as Record<string, unknown>)[path.at(-1)!];
    } else if (op === 3) setPath(b, path, rng.pick(['1/0', 'x**1e308', 'exp(1000)', '1e308*10', 'x', '']));
    else if (op === 4) setPath(b, [...path.slice(0, -1), 'Unknown [1]'], 1);
    else if (op === 5) {
      const v = getPath(b, path);
      if (typeof v === 'number') setPath(b, path, v * 10 ** (rng.int(40) - 20));
    } else setPath(b, path, { x: [0, 0.5, 0.5, 1], y: [1, 2, 3, 4] });
  }
  const text = JSON.stringify(b);
  return rng.chance(0.05) ? text.slice(0, rng.int(text.length)) : text;
}
