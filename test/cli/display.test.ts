/**
 * What a new user reads (issue 12): units by meaning, diffs that answer first, tables that wrap text
 * instead of cutting it, and kinds that exist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, testDir } from '../helpers.ts';
import { TABLE_MAX_WIDTH, formatDiff, table, unitOf, wrapText } from '../../src/store/format.ts';
import type { RunDiff, RunSummary } from '../../src/store/types.ts';

const dir = testDir('rollcell-display-');
const example = new URL('../../examples/patent-line.yaml', import.meta.url).pathname;

test('units from field names: rates per hour, C-rates and coulombs are not °C', () => {
  const u = (k: string) => unitOf(k).unit;
  assert.equal(u('cells_per_h'), 'cells/h');
  assert.equal(u('m2_per_h'), 'm²/h');
  assert.equal(u('consumption_Wh_per_km'), 'Wh/km');
  assert.equal(u('reference_rate_C'), 'C-rate');
  assert.equal(u('charge_balance_error_C'), 'C');
  assert.equal(u('temperature_max_C'), '°C');
  assert.equal(u('wound_at_once_peak_C'), '°C');
  assert.equal(u('energy_balance_error_J'), 'J');
  assert.equal(u('force_N'), 'N');
});

test('runs diff: changed scalars first, each changed array summarised in one line', () => {
  const sum = (id: string): RunSummary =>
    ({ id, created_at: '2026-01-01T00:00:00.000Z', seed: 1, recipe_hash: 'abcdef0123456789' }) as unknown as RunSummary;
  const numeric = [
    { path: 'production.yield_pct', old: 99, new: 98, delta: -1, delta_pct: -1.0101 },
    ...Array.from({ length: 400 }, (_, i) => ({
      path: `battery.series.pack_voltage_V[${i}]`,
      old: 300 + i,
      new: 301 + i,
      delta: 1,
      delta_pct: 100 / (300 + i),
    })),
  ];
  const d: RunDiff = {
    a: sum('A'),
    b: sum('B'),
    same_recipe: true,
    recipe: { numeric: [], changed: [], added: [], removed: [] },
    output: { numeric, changed: [], added: [], removed: [] },
  } as RunDiff;
  const text = formatDiff(d);
  const lines = text.split('\n');
  assert.ok(lines.length < 25, `short (${lines.length} lines, was one line per chart point)`);
  const iYield = lines.findIndex((l) => l.includes('production.yield_pct'));
  const iArr = lines.findIndex((l) => l.includes('battery.series.pack_voltage_V[]'));
  assert.ok(iYield > 0 && iArr > iYield, 'the scalar before the array summary');
  assert.match(lines[iArr]!, /pack_voltage_V\[\]\s+V\s+400\s+1\s+0\.333/);
  assert.match(text, /1 number changed.*1 array with changed elements/);
});

test('tables wrap long reasons at word boundaries: the claim chart shows every word of the deciding evidence', async () => {
  assert.deepEqual(wrapText('aaa bbb ccc ddd', 7), ['aaa bbb', 'ccc ddd']);
  // three long text columns share the table's width: each narrows, none is cut, every word is kept
  const long = (w: string): string => Array.from({ length: 20 }, (_, i) => `${w}${i}`).join(' ');
  const t3 = table(['a', 'b', 'c', 'n'], [[long('alpha'), long('beta'), long('gamma'), '1.5']]);
  for (const l of t3.split('\n')) assert.ok(l.length <= TABLE_MAX_WIDTH, `${l.length} > ${TABLE_MAX_WIDTH}`);
  for (const w of ['alpha19', 'beta0', 'gamma7', '1.5']) assert.ok(t3.includes(w), w);
  const r = await cli([
    'run',
    example,
    '--json',
    '--no-production',
    '--no-battery',
    '--db',
    join(dir, 'r.db'),
    '--out',
    dir,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    claims: { claim: number; verdict: string; elements: { id: string; verdict: string; evidence: string }[] }[];
  };
  const t = await cli([
    'runs',
    'show',
    out.claims.length ? (JSON.parse(r.stdout) as { run_id: string }).run_id : '',
    '--db',
    join(dir, 'r.db'),
  ]);
  assert.equal(t.code, 0, t.stderr);
  for (const l of t.stdout.split('\n'))
    assert.ok(l.length <= 200, `runs show line of ${l.length} characters: ${l.slice(0, 80)}…`);
  const text = await cli(['run', example, '--no-production', '--no-battery', '--db', join(dir, 'r.db'), '--out', dir]);
  // the cell thickness in each state carries its state (issue 12: four values had the same label)
  const thick = text.stdout.split('\n').filter((l) => /cell thickness/.test(l));
  assert.ok(thick.length >= 2, thick.join('\n'));
  for (const l of thick) assert.match(l, /cell thickness as (supplied|produced)/);
  assert.ok(
    thick.some((l) => /as supplied/.test(l)) && thick.some((l) => /as produced/.test(l)),
    'thick.some((l) => /as supplied/.test(l)) && thick.some((l) => /as produced/.test(l))',
  );
  const chart = text.stdout.slice(text.stdout.indexOf('Claim chart'));
  const flat = chart.replace(/\n\s{10,}/g, ' ').replace(/\s+/g, ' ');
  for (const c of out.claims.filter((x) => x.verdict !== 'met')) {
    const e = c.elements.find((x) => x.verdict === c.verdict)!;
    assert.ok(
      flat.includes(`${e.id}: ${e.evidence}`.replace(/\s+/g, ' ')),
      `claim ${c.claim}: the whole evidence is shown`,
    );
  }
});

test('materials --kind with an unknown kind is exit 2 listing the kinds', async () => {
  const r = await cli(['materials', '--kind', 'foo']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--kind: unknown kind of material \(got "foo"; allowed .*cathode_active.*solid_electrolyte\)/);
  const ok = await cli(['materials', '--kind', 'binder']);
  assert.equal(ok.code, 0);
});
