/**
 * Golden output of the whole run of the patent example (`rollcell run examples/patent-line.yaml --json`:
 * every block — design, line, windows, warnings, cycling, production, battery, claims, validity), compared
 * field by field: every key and every sentence exactly, numbers to a relative 1e-6 (a few figures are not
 * rounded — e.g. cycling.charge_capacity_Ah — and move by ~1e-8 when the numerics change) and to an absolute
 * 1e-7 (the conservation errors are round-off, ~1e-8). It guards the presenters (src/present/) and the claim
 * chart: moving a conversion from physics into a presenter must leave every figure and sentence alone
 * (checked byte for byte when the presenters moved; a presenter's slip is a wrong key, unit or rounding).
 * To stay cheap the pack is 8s2p with a 2-year projection (the example's 96s2p pack takes ≈ 5 s) and the
 * production shift 120 s long; the rest is the example as written. When a figure changes on purpose,
 * regenerate the file deliberately and say why in the commit:
 *   ROLLCELL_UPDATE_GOLDEN=1 node scripts/run-tests.mjs test/golden/patent-run
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { patentObject } from '../helpers.ts';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { runJob } from '../../src/pipeline.ts';
import { jsonDiff } from './diff.ts';

const FILE = new URL('./patent-run.golden.json', import.meta.url);

test('patent example, whole run: every block matches the golden output (rel. 1e-6)', () => {
  const r = patentObject();
  r['battery'] = { ...(r['battery'] as object), series: 8, parallel: 2, extras: { years: 2 } };
  const p = parseRecipeText(stringify(r));
  if (!p.ok) throw new Error(p.problems.map((x) => x.problem).join('\n'));
  const out = runJob(p.recipe, { seed: 1, runId: 'golden', production: { duration_s: 120 }, battery: true }).output;
  const { rollcell_version: _version, ...rest } = out;
  const now = JSON.parse(JSON.stringify(rest)) as unknown;
  if (process.env['ROLLCELL_UPDATE_GOLDEN'] === '1') writeFileSync(FILE, JSON.stringify(now, null, 1) + '\n');
  const want = JSON.parse(readFileSync(FILE, 'utf8')) as unknown;
  const d: string[] = [];
  jsonDiff(now, want, '', d, { rel: 1e-6, abs: 1e-7 });
  assert.deepEqual(d, [], `differences from test/golden/patent-run.golden.json:\n${d.slice(0, 40).join('\n')}`);
  // the blocks this golden file exists for are all there
  for (const k of ['cycling', 'production', 'battery', 'claims'] as const)
    assert.ok(out[k], `the run has a ${k} block`);
});
