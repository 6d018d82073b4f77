/**
 * Plain-text renderers of the run history for the CLI (`rollcell runs list | show | diff`):
 * aligned tables, units taken from the field names (`force_N` → N, `thickness_um` → µm, …).
 * Pure functions of their input (no I/O, no colour codes), so they are easy to test and to pipe.
 */
import type { JsonDiff, RunDiff, RunSummary, StoredRun } from './types.ts';

/* ------------------------------------------------------------------ units and numbers */

/** Unit suffixes of field names (longest first) and how they are shown. */
const UNIT_SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['_m_per_min', 'm/min'],
  ['_mAh_cm2', 'mAh/cm²'],
  ['_mg_cm2', 'mg/cm²'],
  ['_cm2_s', 'cm²/s'],
  ['_m2_s', 'm²/s'],
  ['_Wh_kg', 'Wh/kg'],
  ['_Wh_L', 'Wh/L'],
  ['_mAh_g', 'mAh/g'],
  ['_mol_m3', 'mol/m³'],
  ['_S_cm', 'S/cm'],
  ['_S_m', 'S/m'],
  ['_g_cm3', 'g/cm³'],
  ['_kg_m3', 'kg/m³'],
  ['_cm2', 'cm²'],
  ['_mm2', 'mm²'],
  ['_MPa', 'MPa'],
  ['_GPa', 'GPa'],
  ['_kPa', 'kPa'],
  ['_Pa', 'Pa'],
  ['_pct', '%'],
  ['_ppm', 'ppm'],
  ['_mAh', 'mAh'],
  ['_Ah', 'Ah'],
  ['_Wh', 'Wh'],
  ['_kWh', 'kWh'],
  ['_mV', 'mV'],
  ['_V', 'V'],
  ['_mA', 'mA'],
  ['_A', 'A'],
  ['_kW', 'kW'],
  ['_W', 'W'],
  ['_kN', 'kN'],
  ['_N', 'N'],
  ['_um', 'µm'],
  ['_nm', 'nm'],
  ['_mm', 'mm'],
  ['_cm', 'cm'],
  ['_m', 'm'],
  ['_mg', 'mg'],
  ['_kg', 'kg'],
  ['_g', 'g'],
  ['_C', '°C'],
  ['_K', 'K'],
  ['_ms', 'ms'],
  ['_min', 'min'],
  ['_h', 'h'],
  ['_s', 's'],
  ['_ohm', 'Ω'],
  ['_mohm', 'mΩ'],
  ['_mOhm', 'mΩ'],
  ['_Ohm', 'Ω'],
  ['_J', 'J'],
  ['_kJ', 'kJ'],
  ['_km', 'km'],
  ['_L', 'L'],

  ['_m2', 'm²'],
];

/**
 * Split a field name into a label and a unit: `force_N` → {label: 'force', unit: 'N'}. Rates per time
 * (`cells_per_h` → cells/h) and the three meanings of a `_C` suffix (°C for temperatures, C-rate for
 * rates, coulombs for charges) are told apart by the name.
 */
export function unitOf(key: string): { label: string; unit: string } {
  const per = /^(.+)_per_([A-Za-z]+)$/.exec(key);
  if (per) {
    const what = per[1]!;
    const inner = unitOf(`x_${what}`);
    const den = unitOf(`x_${per[2]}`).unit || per[2]!;
    if (inner.unit) return { label: inner.label === 'x' ? what : inner.label.slice(2), unit: `${inner.unit}/${den}` };
    return { label: what, unit: `${what.replace(/_/g, ' ')}/${den}` };
  }
  if (/_C$/.test(key) && !/temperature|temp_|_T_|peak|ambient|melt|nip_|hot|cold/i.test(key)) {
    if (/rate/i.test(key)) return { label: key.slice(0, -2), unit: 'C-rate' };
    if (/charge|capacity|coulomb|balance|throughput|_Q_?/i.test(key)) return { label: key.slice(0, -2), unit: 'C' };
  }
  let best: readonly [string, string] | undefined;
  for (const entry of UNIT_SUFFIXES) {
    if (key.endsWith(entry[0]) && key.length > entry[0].length && (!best || entry[0].length > best[0].length))
      best = entry;
  }
  if (!best) return { label: key, unit: '' };
  return { label: key.slice(0, -best[0].length), unit: best[1] };
}

/** The unit of the last field of a diff path like `line.stations[id=240].force_N`. */
export function unitOfPath(path: string): string {
  const m = /([A-Za-z_$][\w$]*)(\[\])*$/.exec(path);
  return m ? unitOf(m[1]!).unit : '';
}

/** A number for humans: integers as they are, others to 6 significant digits, tiny/huge in exponent form. */
export function fmtNum(v: number | null | undefined, digits = 6): string {
  if (v === null || v === undefined) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e9)) return v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  const s = v.toPrecision(digits);
  return s.includes('e') ? s : s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function fmtSigned(v: number, digits = 4): string {
  const s = fmtNum(v, digits);
  return v > 0 ? `+${s}` : s;
}

function fmtDate(iso: string): string {
  return iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
    .replace(/Z$/, ' UTC');
}

function fmtValue(v: unknown): string {
  if (typeof v === 'number') return fmtNum(v);
  if (typeof v === 'string') return v;
  if (v === undefined) return '–';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

/* ------------------------------------------------------------------ tables */

type Align = 'l' | 'r';

/** widest a text column gets before its cells wrap */
export const TEXT_COLUMN_WIDTH = 88;

/** splits text into lines of at most `width` characters at spaces (a longer word is cut) */
export function wrapText(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let w = word;
    while (w.length > width) {
      if (line) {
        out.push(line);
        line = '';
      }
      out.push(w.slice(0, width));
      w = w.slice(width);
    }
    if (!line) line = w;
    else if (line.length + 1 + w.length <= width) line += ' ' + w;
    else {
      out.push(line);
      line = w;
    }
  }
  if (line) out.push(line);
  return out;
}

/** widest a whole table gets (its text columns share what is left after the others) */
export const TABLE_MAX_WIDTH = 160;
/** narrowest a text column is squeezed to so that its table fits TABLE_MAX_WIDTH */
const MIN_TEXT_WIDTH = 24;

/**
 * The wrap width of each column: every column at most `maxWidth`, and while the table is wider than
 * TABLE_MAX_WIDTH the widest text columns (those with spaces to wrap at) give up width, down to
 * MIN_TEXT_WIDTH. Columns of numbers and single words keep their width.
 */
export function columnWidths(headers: readonly string[], rows: readonly string[][], maxWidth: number): number[] {
  const natural = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const w = natural.map((n) => Math.min(n, maxWidth));
  const wrappable = headers.map((_, i) => rows.some((r) => (r[i] ?? '').includes(' ')));
  const total = (): number => w.reduce((a, b) => a + b, 0) + 2 * (w.length - 1);
  for (let guard = 0; total() > TABLE_MAX_WIDTH && guard < 1000; guard++) {
    let widest = -1;
    for (let i = 0; i < w.length; i++)
      if (wrappable[i] && w[i]! > MIN_TEXT_WIDTH && (widest < 0 || w[i]! > w[widest]!)) widest = i;
    if (widest < 0) break;
    w[widest] = Math.max(MIN_TEXT_WIDTH, w[widest]! - Math.max(1, Math.min(8, total() - TABLE_MAX_WIDTH)));
  }
  return w.map((x, i) => Math.max(x, headers[i]!.length));
}

/**
 * a row whose long cells wrap: the first physical row, then continuation rows (blank elsewhere); `width`
 * is one width for every column or one per column
 */
export function wrapRow(r: string[], width: number | readonly number[]): string[][] {
  const parts = r.map((c, i) => wrapText(c ?? '', typeof width === 'number' ? width : (width[i] ?? TEXT_COLUMN_WIDTH)));
  const n = Math.max(1, ...parts.map((p) => p.length));
  return Array.from({ length: n }, (_, k) => parts.map((p) => p[k] ?? ''));
}

/** Render rows as an aligned table; `align` per column (default: right for numbers-looking columns). */
export function table(headers: string[], rowsIn: string[][], align?: Align[], maxWidth = TEXT_COLUMN_WIDTH): string {
  // long text wraps at word boundaries inside its column (continuation lines), never past maxWidth, and
  // text columns narrow until the table fits TABLE_MAX_WIDTH
  const wrapAt = columnWidths(headers, rowsIn, maxWidth);
  const rows = rowsIn.flatMap((r) => wrapRow(r, wrapAt));
  const width = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const al =
    align ??
    headers.map((_, i) =>
      rows.length > 0 && rows.every((r) => /^[+\-–]?[\d.]+(e[+-]?\d+)?%?$|^–$|^\d+\/\d+$/.test(r[i] ?? '')) ? 'r' : 'l',
    );
  const cell = (s: string, i: number) => (al[i] === 'r' ? s.padStart(width[i]!) : s.padEnd(width[i]!));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => cell(c, i))
      .join('  ')
      .trimEnd();
  return [line(headers), line(width.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/* ------------------------------------------------------------------ runs list */

/** `rollcell runs list`: one line per run, newest first (as given). */
export function formatRunList(runs: RunSummary[]): string {
  if (runs.length === 0) return 'no runs stored yet (rollcell run <recipe.yaml> stores one)';
  const headers = [
    'id',
    'created (UTC)',
    'status',
    'seed',
    'cells',
    'yield %',
    'Wh/kg',
    'Wh/L',
    'N/P',
    'dis. mAh/g',
    'CE %',
    'claims met',
    'recipe',
  ];
  const rows = runs.map((r) => [
    r.id,
    fmtDate(r.created_at).replace(' UTC', ''),
    r.status,
    r.seed === null ? '–' : String(r.seed),
    r.cells_total !== null ? fmtNum(r.cells_total) : r.n_cells > 0 ? String(r.n_cells) : '–',
    r.yield_pct === null ? '–' : r.yield_pct.toFixed(2),
    r.specific_energy_Wh_kg === null ? '–' : r.specific_energy_Wh_kg.toFixed(1),
    r.energy_density_Wh_L === null ? '–' : r.energy_density_Wh_L.toFixed(1),
    r.np_ratio === null ? '–' : r.np_ratio.toFixed(3),
    r.discharge_capacity_mAh_g === null ? '–' : r.discharge_capacity_mAh_g.toFixed(1),
    r.coulombic_efficiency === null ? '–' : (r.coulombic_efficiency * 100).toFixed(2),
    r.claims_total === null ? '–' : `${r.claims_met ?? 0}/${r.claims_total}`,
    r.recipe_hash.slice(0, 10),
  ]);
  const align: Align[] = ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];
  return `${table(headers, rows, align)}\n${runs.length} run${runs.length === 1 ? '' : 's'}`;
}

/* ------------------------------------------------------------------ one run */

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Key/value lines of a JSON block, nested blocks indented, arrays of objects as tables. */
function renderBlock(block: Record<string, unknown>, indent: string, out: string[]): void {
  const leaves: [string, string, string][] = [];
  const flush = () => {
    if (leaves.length === 0) return;
    const w = Math.max(...leaves.map((l) => l[0].length));
    const isNum = (v: string): boolean => /^[+-]?[\d.]/.test(v);
    // numbers right-aligned among themselves; text left-aligned (and wrapped), not padded to the widest text
    const wv = Math.max(0, ...leaves.filter((l) => isNum(l[1])).map((l) => l[1].length));
    for (const [k, v, u] of leaves) {
      const lines = wrapText(v, TEXT_COLUMN_WIDTH);
      out.push(`${indent}${k.padEnd(w)}  ${isNum(v) ? v.padStart(wv) : lines[0]!}${u ? ` ${u}` : ''}`.trimEnd());
      for (const l of lines.slice(1)) out.push(`${indent}${''.padEnd(w)}  ${l}`.trimEnd());
    }
    leaves.length = 0;
  };
  for (const [key, v] of Object.entries(block)) {
    if (isObj(v)) {
      flush();
      out.push(`${indent}${key}`);
      renderBlock(v, `${indent}  `, out);
    } else if (Array.isArray(v) && v.length > 0 && v.every(isObj)) {
      flush();
      out.push(`${indent}${key}`);
      const cols = [
        ...new Set(v.flatMap((el) => Object.keys(el).filter((k) => !isObj(el[k]) && !Array.isArray(el[k])))),
      ];
      const headers = cols.map((c) => {
        const { label, unit } = unitOf(c);
        return unit ? `${label} ${unit}` : c;
      });
      const rows = v.map((el) =>
        cols.map((c) => (typeof el[c] === 'boolean' ? (el[c] ? 'yes' : 'no') : fmtValue(el[c]))),
      );
      out.push(
        ...table(headers, rows)
          .split('\n')
          .map((l) => `${indent}  ${l}`),
      );
    } else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) {
      const { label, unit } = unitOf(key);
      const nums = v as number[];
      const shown =
        nums.length <= 8
          ? nums.map((x) => fmtNum(x)).join(', ')
          : `${nums.length} values, ${fmtNum(nums.reduce((a, b) => Math.min(a, b), Infinity))} … ${fmtNum(nums.reduce((a, b) => Math.max(a, b), -Infinity))}`;
      leaves.push([label, `[${shown}]`, unit]);
    } else {
      const { label, unit } = unitOf(key);
      if (typeof v === 'number') leaves.push([label, fmtNum(v), unit]);
      else if (typeof v === 'boolean') leaves.push([key, v ? 'yes' : 'no', '']);
      else leaves.push([key, fmtValue(v), '']);
    }
  }
  flush();
}

/** `rollcell runs show <id>`: everything about one run, in sections. */
export function formatRun(run: StoredRun): string {
  const out: string[] = [];
  const o = run.output;
  out.push(`run ${run.id}  (${run.status})`);
  const head: [string, string][] = [
    ['created', fmtDate(run.created_at)],
    ['rollcell', run.rollcell_version],
    ['seed', run.seed === null ? '–' : String(run.seed)],
    ['recipe', `sha256 ${run.recipe_hash} (${Buffer.byteLength(run.recipe.text, 'utf8')} bytes)`],
    ['stored', `${run.n_cells} cells, ${run.n_cycles} cycles, ${run.n_series} time series`],
  ];
  if (typeof o.report === 'string') head.push(['report', o.report]);
  const w = Math.max(...head.map((h) => h[0].length));
  for (const [k, v] of head) out.push(`  ${k.padEnd(w)}  ${v}`);

  if (isObj(o.design)) {
    out.push('', 'design');
    renderBlock(o.design, '  ', out);
  }
  if (run.stations.length > 0) {
    out.push('', 'line stations');
    const rows = run.stations.map((s) => [
      s.station_id,
      fmtNum(s.force_N),
      fmtNum(s.temperature_C),
      fmtNum(s.peak_pressure_MPa),
      s.bonded === null ? '–' : s.bonded ? 'yes' : 'no',
    ]);
    out.push(
      ...table(['station', 'force N', 'T °C', 'peak pressure MPa', 'bonded'], rows, ['l', 'r', 'r', 'r', 'l'])
        .split('\n')
        .map((l) => `  ${l}`),
    );
    for (const s of run.stations) {
      const layers = Array.isArray(s.data.layers) ? s.data.layers.filter(isObj) : [];
      if (layers.length === 0) continue;
      out.push(`  station ${s.station_id} layers`);
      const lrows = layers.map((l) => [
        String(l.name ?? '?'),
        fmtNum(l.thickness_in_um as number),
        fmtNum(l.thickness_out_um as number),
      ]);
      out.push(
        ...table(['layer', 'in µm', 'out µm'], lrows, ['l', 'r', 'r'])
          .split('\n')
          .map((l) => `    ${l}`),
      );
    }
  }
  if (isObj(o.line)) {
    const { stations: _s, ...rest } = o.line;
    if (Object.keys(rest).length > 0) {
      out.push('', 'line');
      renderBlock(rest, '  ', out);
    }
  }
  for (const section of ['production', 'cycling', 'battery'] as const) {
    const b = o[section];
    if (isObj(b)) {
      out.push('', section);
      renderBlock(b, '  ', out);
    }
  }
  if (Array.isArray(o.claims) && o.claims.length > 0) {
    out.push('', 'claims');
    const rows = o.claims.map((c) => [
      String(c.claim),
      c.verdict,
      `${c.elements.filter((e) => e.verdict === 'met').length}/${c.elements.length}`,
    ]);
    out.push(
      ...table(['claim', 'verdict', 'elements met'], rows, ['r', 'l', 'r'])
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  const known = new Set([
    'rollcell_version',
    'run_id',
    'design',
    'line',
    'production',
    'cycling',
    'battery',
    'claims',
    'report',
  ]);
  const extra = Object.fromEntries(Object.entries(o).filter(([k]) => !known.has(k)));
  if (Object.keys(extra).length > 0) {
    out.push('', 'other');
    renderBlock(extra, '  ', out);
  }
  return out.join('\n');
}

/* ------------------------------------------------------------------ diff */

export interface FormatDiffOptions {
  /** Most rows shown per section (the rest are counted); default 200. */
  limit?: number;
}

/** a path inside an array element by position (`series.time_s[12]`, `first[0].delivered_W`) */
const ARRAY_INDEX = /\[\d+\]/g;

/**
 * Splits a diff into its scalar changes and a summary per array (path with the positions as `[]`):
 * elements changed, added, removed, largest |Δ| and |Δ%| — so a changed chart of 400 points is one
 * line, after the scalars that answer "what changed".
 */
function splitArrays(d: JsonDiff): {
  scalars: JsonDiff;
  arrays: {
    path: string;
    unit: string;
    changed: number;
    added: number;
    removed: number;
    maxAbs: number;
    maxPct: number | null;
  }[];
} {
  const scalars: JsonDiff = { numeric: [], changed: [], added: [], removed: [] };
  const arrays = new Map<
    string,
    {
      path: string;
      unit: string;
      changed: number;
      added: number;
      removed: number;
      maxAbs: number;
      maxPct: number | null;
    }
  >();
  const slot = (path: string) => {
    const key = path.replace(ARRAY_INDEX, '[]');
    let a = arrays.get(key);
    if (!a)
      arrays.set(
        key,
        (a = { path: key, unit: unitOfPath(key), changed: 0, added: 0, removed: 0, maxAbs: 0, maxPct: null }),
      );
    return a;
  };
  const inArray = (path: string) => ARRAY_INDEX.test(path) && !(ARRAY_INDEX.lastIndex = 0);
  for (const c of d.numeric) {
    if (!inArray(c.path)) {
      scalars.numeric.push(c);
      continue;
    }
    const a = slot(c.path);
    a.changed++;
    a.maxAbs = Math.max(a.maxAbs, Math.abs(c.delta));
    if (c.delta_pct !== null) a.maxPct = Math.max(a.maxPct ?? 0, Math.abs(c.delta_pct));
  }
  for (const c of d.changed)
    if (inArray(c.path)) slot(c.path).changed++;
    else scalars.changed.push(c);
  for (const c of d.added)
    if (inArray(c.path)) slot(c.path).added++;
    else scalars.added.push(c);
  for (const c of d.removed)
    if (inArray(c.path)) slot(c.path).removed++;
    else scalars.removed.push(c);
  return { scalars, arrays: [...arrays.values()] };
}

function diffSection(title: string, dIn: JsonDiff, limit: number, out: string[]): void {
  const { scalars: d, arrays } = splitArrays(dIn);
  const more = (n: number) => (n > limit ? [`  … and ${n - limit} more`] : []);
  if (d.numeric.length > 0) {
    out.push('', `${title}: changed numbers (b − a)`);
    const rows = d.numeric
      .slice(0, limit)
      .map((c) => [
        c.path,
        unitOfPath(c.path),
        fmtNum(c.old),
        fmtNum(c.new),
        fmtSigned(c.delta),
        c.delta_pct === null ? '–' : `${fmtSigned(c.delta_pct, 3)}%`,
      ]);
    out.push(
      ...table(['field', 'unit', 'a', 'b', 'Δ', 'Δ%'], rows, ['l', 'l', 'r', 'r', 'r', 'r'])
        .split('\n')
        .map((l) => `  ${l}`),
    );
    out.push(...more(d.numeric.length));
  }
  if (d.changed.length > 0) {
    out.push('', `${title}: changed values`);
    const rows = d.changed.slice(0, limit).map((c) => [c.path, fmtValue(c.old), fmtValue(c.new)]);
    out.push(
      ...table(['field', 'a', 'b'], rows, ['l', 'l', 'l'])
        .split('\n')
        .map((l) => `  ${l}`),
    );
    out.push(...more(d.changed.length));
  }
  if (d.added.length > 0) {
    out.push('', `${title}: only in b`);
    const rows = d.added.slice(0, limit).map((c) => [c.path, fmtValue(c.value), unitOfPath(c.path)]);
    out.push(
      ...table(['field', 'value', 'unit'], rows, ['l', 'l', 'l'])
        .split('\n')
        .map((l) => `  ${l}`),
    );
    out.push(...more(d.added.length));
  }
  if (d.removed.length > 0) {
    out.push('', `${title}: only in a`);
    const rows = d.removed.slice(0, limit).map((c) => [c.path, fmtValue(c.value), unitOfPath(c.path)]);
    out.push(
      ...table(['field', 'value', 'unit'], rows, ['l', 'l', 'l'])
        .split('\n')
        .map((l) => `  ${l}`),
    );
    out.push(...more(d.removed.length));
  }
  if (arrays.length > 0) {
    out.push('', `${title}: arrays (element by element, summarised)`);
    const rows = arrays
      .slice(0, limit)
      .map((a) => [
        a.path,
        a.unit,
        String(a.changed),
        a.added || a.removed ? `+${a.added} −${a.removed}` : '',
        a.changed ? fmtNum(a.maxAbs, 4) : '–',
        a.maxPct === null ? '–' : `${fmtNum(a.maxPct, 3)}%`,
      ]);
    out.push(
      ...table(['array', 'unit', 'changed', 'added/removed', 'max |Δ|', 'max |Δ%|'], rows, [
        'l',
        'l',
        'r',
        'l',
        'r',
        'r',
      ])
        .split('\n')
        .map((l) => `  ${l}`),
    );
    out.push(...more(arrays.length));
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function diffCount(d: JsonDiff): number {
  return d.numeric.length + d.changed.length + d.added.length + d.removed.length;
}

/** `rollcell runs diff <a> <b>`: what changed from run a to run b. */
export function formatDiff(diff: RunDiff, options: FormatDiffOptions = {}): string {
  const limit = options.limit ?? 200;
  const out: string[] = [];
  out.push(
    `a  ${diff.a.id}  ${fmtDate(diff.a.created_at)}  seed ${diff.a.seed ?? '–'}  recipe ${diff.a.recipe_hash.slice(0, 10)}`,
  );
  out.push(
    `b  ${diff.b.id}  ${fmtDate(diff.b.created_at)}  seed ${diff.b.seed ?? '–'}  recipe ${diff.b.recipe_hash.slice(0, 10)}`,
  );
  if (diff.same_recipe) out.push('recipe: identical text');
  else if (diffCount(diff.recipe) === 0)
    out.push('recipe: text differs, parsed content identical (comments/formatting)');
  else diffSection('recipe', diff.recipe, limit, out);
  if (diffCount(diff.output) === 0) out.push('results: identical');
  else {
    diffSection('results', diff.output, limit, out);
    const { scalars, arrays } = splitArrays(diff.output);
    out.push(
      '',
      `${plural(scalars.numeric.length, 'number')} changed, ${plural(scalars.changed.length, 'other value')} changed, ` +
        `${scalars.added.length} added, ${scalars.removed.length} removed; ${plural(arrays.length, 'array')} with changed elements`,
    );
  }
  return out.join('\n');
}
