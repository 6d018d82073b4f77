/**
 * Compare: two or more runs side by side — the changed inputs first (recipe differences against the
 * first run, then the seed), then the output deltas of the key figures, then every other changed output
 * number. Pure, over stored runs.
 */
import { diffJson } from '../../store/index.ts';
import type { StoredRun, NumericChange, ValueChange } from '../../store/index.ts';

/** the figures a user compares first (paths into the run output) */
export const KEY_FIGURES = [
  'design.specific_energy_Wh_kg',
  'design.energy_density_Wh_L',
  'design.np_ratio',
  'design.cell.thickness_um',
  'line.anode.thickness_um',
  'line.anode.free_li_um',
  'line.crack.sandwiched.risk',
  'cycling.discharge_capacity_mAh_g',
  'cycling.coulombic_efficiency',
  'cycling.max_c_rate',
  'cycling.ageing.capacity_retention_pct',
  'production.yield_pct',
  'production.oee.oee',
  'production.cost_per_kWh',
  'battery.results.ev.range_km',
  'battery.pack.energy_C3_kWh',
] as const;

function at(o: unknown, path: string): unknown {
  let v: unknown = o;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** Resolves a diffJson path (`a.b`, `a["240"].c`, `a[id=240].c`, `a[3]`) in a JSON value. */
export function resolvePath(o: unknown, path: string): unknown {
  const re = /([A-Za-z_$][\w$]*)|\[("(?:[^"\\]|\\.)*")\]|\[([^=\]]+)=([^\]]*)\]|\[(\d+)\]/g;
  let v: unknown = o;
  for (const m of path.matchAll(re)) {
    if (v === null || typeof v !== 'object') return undefined;
    if (m[1] !== undefined) v = (v as Record<string, unknown>)[m[1]];
    else if (m[2] !== undefined) v = (v as Record<string, unknown>)[JSON.parse(m[2]) as string];
    else if (m[3] !== undefined) {
      const f = m[3];
      const want = m[4]!;
      v = Array.isArray(v) ? v.find((e) => String((e as Record<string, unknown>)?.[f]) === want) : undefined;
    } else if (m[5] !== undefined) v = Array.isArray(v) ? v[Number(m[5])] : undefined;
  }
  return v;
}

export interface CompareRun {
  id: string;
  created_at: string;
  name: string;
  seed: number | null;
  status: string;
  claims_met: number | null;
}

export interface ComparePayload {
  runs: CompareRun[];
  /** per run after the first: recipe changes against the first run */
  inputs: { path: string; values: unknown[] }[];
  key_figures: { path: string; values: (number | null)[]; delta_pct: (number | null)[] }[];
  claims: { claim: number; verdicts: (string | null)[] }[];
  /** other changed output numbers (first 200 by |Δ%|) */
  other_outputs: { path: string; values: (number | null)[] }[];
}

export function comparePayload(runs: readonly StoredRun[]): ComparePayload {
  const base = runs[0]!;
  const inputPaths = new Set<string>();
  const outputPaths = new Map<string, number>();
  for (const r of runs.slice(1)) {
    const d = diffJson(base.recipe.parsed, r.recipe.parsed);
    for (const c of [...d.numeric, ...d.changed] as (NumericChange | ValueChange)[]) inputPaths.add(c.path);
    for (const a of d.added) inputPaths.add(a.path);
    for (const a of d.removed) inputPaths.add(a.path);
    const o = diffJson(base.output, r.output, { ignore: ['run_id', 'report'] });
    for (const c of o.numeric)
      outputPaths.set(c.path, Math.max(outputPaths.get(c.path) ?? 0, Math.abs(c.delta_pct ?? 0)));
  }
  const val = (o: unknown, p: string): unknown => resolvePath(o, p);
  const inputs = [...inputPaths]
    .sort()
    .map((path) => ({ path, values: runs.map((r) => val(r.recipe.parsed, path) ?? null) }));
  if (runs.some((r) => r.seed !== base.seed)) inputs.push({ path: 'seed', values: runs.map((r) => r.seed) });
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const key_figures = KEY_FIGURES.map((path) => {
    const values = runs.map((r) => num(at(r.output, path)));
    const b = values[0];
    return {
      path,
      values,
      delta_pct: values.map((v) =>
        v === null || b === null || b === undefined || b === 0 ? null : (100 * (v - b)) / Math.abs(b),
      ),
    };
  }).filter((k) => k.values.some((v) => v !== null));
  const claimsOf = (r: StoredRun) => (Array.isArray(r.output.claims) ? r.output.claims : []);
  const claimNos = [...new Set(runs.flatMap((r) => claimsOf(r).map((c) => c.claim)))].sort((a, b) => a - b);
  const keySet = new Set<string>(KEY_FIGURES);
  const other_outputs = [...outputPaths]
    .filter(([p]) => !keySet.has(p))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 200)
    .map(([path]) => ({ path, values: runs.map((r) => num(val(r.output, path))) }));
  return {
    runs: runs.map((r) => ({
      id: r.id,
      created_at: r.created_at,
      name: String((r.recipe.parsed as Record<string, unknown> | null)?.['name'] ?? ''),
      seed: r.seed,
      status: r.status,
      claims_met: r.claims_met,
    })),
    inputs,
    key_figures,
    claims: claimNos.map((claim) => ({
      claim,
      verdicts: runs.map((r) => claimsOf(r).find((c) => c.claim === claim)?.verdict ?? null),
    })),
    other_outputs,
  };
}
