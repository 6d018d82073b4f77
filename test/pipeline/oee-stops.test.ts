/**
 * Issue 12: OEE 0.99 with availability 1 because unplanned stops default to none, and nothing said so.
 * The production block now states whether unplanned stops were modelled, and the summary labels an OEE
 * without them as an upper bound. Also issue 12: `rollcell run` passed no capacity model, so the
 * production run's per-cell capacities were stoichiometric while the README said calibrated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { runJob } from '../../src/pipeline.ts';
import { formatSummary } from '../../src/cli/summary.ts';
import { patentObject } from '../helpers.ts';

function run(breakdowns?: { mtbf_h: number; mttr_min: number }) {
  const r = patentObject();
  r.cycling = { ...r.cycling, ageing_cycles: 0, rate_capability: false };
  if (breakdowns) r.production = { ...(r.production ?? {}), breakdowns };
  const p = parseRecipeText(stringify(r));
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  const res = runJob(p.recipe, { seed: 1, production: { duration_s: 3600 } });
  return { res, text: formatSummary(p.recipe, res) };
}

let defaultRun: ReturnType<typeof run> | undefined;
const runDefault = (): ReturnType<typeof run> => (defaultRun ??= run());

test('OEE: unplanned stops off by default is stated in the output and the summary; on when an MTBF is given', () => {
  const off = runDefault();
  const oee = off.res.output.production!['oee'] as { availability: number; unplanned_stops: string };
  assert.match(oee.unplanned_stops, /^off \(production\.breakdowns\.mtbf_h = 0\)/);
  assert.match(off.text, /OEE \(no unplanned stops modelled: an upper bound\)/);
  const on = run({ mtbf_h: 0.25, mttr_min: 15 });
  const oee2 = on.res.output.production!['oee'] as { availability: number; unplanned_stops: string };
  assert.match(oee2.unplanned_stops, /^on: MTBF 0\.25 h, MTTR 15 min/);
  assert.doesNotMatch(on.text, /upper bound/);
  assert.ok(oee2.availability < oee.availability, `${oee2.availability} < ${oee.availability}`);
});

test('the production run of a job calibrates its per-cell capacity estimate against the SPMe (as the README says)', () => {
  const { res } = runDefault();
  const cm = res.output.production!['capacity_model'] as { kind: string; calibration_cells: number };
  assert.equal(cm.kind, 'calibrated');
  assert.ok(cm.calibration_cells > 0, 'cm.calibration_cells > 0');
});
