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
];

/** Split a field name into a label and a unit: `force_N` → {label: 'force', unit: 'N'}. */
export function unitOf(key: string): { label: string; unit: string } {
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
  const m = /([A-Za-z_$][\w$]*)$/.exec(path);
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

/** Render rows as an aligned table; `align` per column (default: right for numbers-looking columns). */
export function table(headers: string[], rows: string[][], align?: Align[]): string {
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
    const wv = Math.max(...leaves.map((l) => l[1].length));
    for (const [k, v, u] of leaves)
      out.push(
        `${indent}${k.padEnd(w)}  ${/^[+-]?[\d.]/.test(v) ? v.padStart(wv) : v.padEnd(wv)}${u ? ` ${u}` : ''}`.trimEnd(),
      );
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

function diffSection(title: string, d: JsonDiff, limit: number, out: string[]): void {
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
    out.push(
      '',
      `${plural(diff.output.numeric.length, 'number')} changed, ` +
        `${plural(diff.output.changed.length, 'other value')} changed, ${diff.output.added.length} ` +
        `added, ${diff.output.removed.length} removed`,
    );
  }
  return out.join('\n');
}
