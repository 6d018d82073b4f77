/**
 * The Battery Data Format's columns (data/bdf/columns.json, from the BDF ontology snapshot of
 * battery-data-alliance/battery-data-format, src/bdf/data/bdf-ontology-snapshot.ttl): preferred labels
 * ("Test Time / s"), machine-readable notations ("test_time_second"), alternative labels, the obligation
 * of each (required / recommended / optional) and deprecations — and how a CSV header resolves to one of
 * them, by the rules of the reference validator (src/bdf/_validate.py, spec.py): the preferred label, a
 * deprecated label (→ its replacement), a notation, or a synonym (the slug of the header against the
 * labels' base names and alternative labels; accepted as a legacy label).
 */
import { assetJson } from '../assets.ts';

export interface BdfColumnSpec {
  /** the machine-readable name (mr_name) */
  readonly name: string;
  /** the preferred label "Quantity / unit" */
  readonly label: string;
  readonly notation: string;
  readonly altLabels: readonly string[];
  /** null for deprecated terms */
  readonly obligation: 'required' | 'recommended' | 'optional' | null;
  readonly deprecated: boolean;
  readonly replacedBy?: string;
  readonly unitCode?: string;
  readonly definition?: string;
}

let cache: { columns: BdfColumnSpec[]; byName: Map<string, BdfColumnSpec> } | undefined;

function load(): { columns: BdfColumnSpec[]; byName: Map<string, BdfColumnSpec> } {
  if (cache) return cache;
  const d = assetJson('bdf/columns.json') as { columns?: unknown };
  if (!d || !Array.isArray(d.columns)) throw new Error('data/bdf/columns.json: no columns list');
  const columns = d.columns as BdfColumnSpec[];
  for (const c of columns)
    if (typeof c.name !== 'string' || typeof c.label !== 'string' || typeof c.notation !== 'string')
      throw new Error(`data/bdf/columns.json: a column without name, label or notation (${JSON.stringify(c)})`);
  cache = { columns, byName: new Map(columns.map((c) => [c.name, c])) };
  return cache;
}

/** every BDF column of the ontology */
export function bdfColumns(): readonly BdfColumnSpec[] {
  return load().columns;
}

export function bdfColumn(name: string): BdfColumnSpec {
  const c = load().byName.get(name);
  if (!c) throw new Error(`no BDF column '${name}' in data/bdf/columns.json`);
  return c;
}

/** the preferred labels of the required columns (Test Time / s, Voltage / V, Current / A) */
export function bdfRequiredLabels(): string[] {
  return bdfColumns()
    .filter((c) => c.obligation === 'required' && !c.deprecated)
    .map((c) => c.label);
}

/** lowercase, runs of non-alphanumerics → '-' (the reference's _slugify) */
export function bdfSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const base = (label: string): string => label.split(' / ')[0]!.trim();

/** vendor headers the reference maps explicitly (spec.py _VENDOR_SYNONYM_OVERRIDES) */
const VENDOR_OVERRIDES: Record<string, string> = {
  'step-index': 'step_id',
  step: 'step_id',
  ns: 'step_id',
  'cycle-index': 'cycle_count',
};

interface Index {
  label: Map<string, BdfColumnSpec>;
  deprecatedLabel: Map<string, BdfColumnSpec>;
  notation: Map<string, BdfColumnSpec>;
  synonym: Map<string, BdfColumnSpec>;
}
let index: Index | undefined;

function buildIndex(): Index {
  if (index) return index;
  const cols = bdfColumns();
  const current = cols.filter((c) => !c.deprecated);
  // the non-deprecated column with the same base name as a deprecated one (Test Time / ms → Test Time / s)
  const basePreferred = new Map<string, BdfColumnSpec>();
  for (const c of current)
    if (!basePreferred.has(base(c.label).toLowerCase())) basePreferred.set(base(c.label).toLowerCase(), c);
  const target = (c: BdfColumnSpec): BdfColumnSpec =>
    c.deprecated ? (basePreferred.get(base(c.label).toLowerCase()) ?? c) : c;
  const label = new Map(current.map((c) => [c.label, c]));
  const deprecatedLabel = new Map(cols.filter((c) => c.deprecated).map((c) => [c.label, target(c)]));
  const notation = new Map(cols.map((c) => [c.notation, target(c)]));
  const synonym = new Map<string, BdfColumnSpec>();
  const add = (slug: string, c: BdfColumnSpec): void => {
    if (slug && !synonym.has(slug)) synonym.set(slug, c);
  };
  for (const c of current) {
    add(bdfSlug(base(c.label)), c);
    add(bdfSlug(c.notation), c);
    const syns = new Set<string>([bdfSlug(base(c.label)), bdfSlug(c.name)]);
    for (const l of [...c.altLabels, c.notation]) syns.add(bdfSlug(l.split(' / ')[0]!.trim().replace(/[/#_]/g, ' ')));
    for (const s of [...syns].sort()) add(s, c);
  }
  for (const [slug, name] of Object.entries(VENDOR_OVERRIDES)) {
    const c = cols.find((x) => x.name === name);
    if (c) synonym.set(slug, c);
  }
  index = { label, deprecatedLabel, notation, synonym };
  return index;
}

export type BdfResolution = {
  readonly column: BdfColumnSpec;
  /** how the header matched: its preferred label, a deprecated label, a notation, or a synonym (legacy) */
  readonly via: 'label' | 'deprecated' | 'notation' | 'synonym';
};

/** The BDF column a CSV header stands for, or undefined (a non-canonical column, ignored by BDF). */
export function resolveBdfHeader(header: string): BdfResolution | undefined {
  const ix = buildIndex();
  const h = header.trim();
  const l = ix.label.get(h);
  if (l) return { column: l, via: 'label' };
  const d = ix.deprecatedLabel.get(h);
  if (d) return { column: d, via: 'deprecated' };
  const n = ix.notation.get(h);
  if (n) return { column: n, via: 'notation' };
  const s = ix.synonym.get(bdfSlug(h));
  if (s) return { column: s, via: 'synonym' };
  return undefined;
}
