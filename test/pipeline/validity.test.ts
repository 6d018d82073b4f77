/**
 * No clean headline beside a warning (issue 12): when the reaction heat melts the Li in the wound roll
 * (the case was 10 m/min; with the line's current alloying kinetics it takes a roll wound at
 * 10 m/min and stored at 150 °C), the run used to warn about it yet report claim 1 met, 99.6 % yield and a cost.
 * A physical impossibility marks every cell it concerns out of spec and the claims not evaluable, with
 * the reason, and heads the summary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { runJob } from '../../src/pipeline.ts';
import { formatSummary } from '../../src/cli/summary.ts';
import { applyFindingsToClaims, finding } from '../../src/validity.ts';
import { patentObject } from '../helpers.ts';

function recipeAt(speed: number, storage_C = 25) {
  const r = patentObject();
  r.line.speed_m_per_min = speed;
  r.line.downstream = { dwell_h: 24, temperature_C: storage_C, wound: true };
  r.cycling = { ...r.cycling, ageing_cycles: 0, rate_capability: false };
  const p = parseRecipeText(stringify(r));
  if (!p.ok) throw new Error('recipe');
  return p.recipe;
}

test('Li melting in the wound roll (10 m/min, stored at 150 °C): every cell out of spec as physically impossible, claims not evaluable, no cost, summary headed by it', () => {
  const recipe = recipeAt(10, 150);
  const res = runJob(recipe, { seed: 1, production: { duration_s: 120 } });
  const f = res.output.validity?.findings ?? [];
  assert.equal(f.length, 1);
  assert.equal(f[0]!.kind, 'impossible');
  assert.equal(f[0]!.code, 'li_melting_in_roll');
  assert.match(f[0]!.reason, /Li melts/);
  const p = res.output.production!;
  assert.ok(p.cells_total > 0);
  assert.equal(p.cells_in_spec, 0);
  assert.equal(p.yield_pct, 0);
  assert.ok(res.productionRun!.cells.every((c) => !c.in_spec && c.causes[0] === 'physically_impossible'));
  const c1 = res.output.claims!.find((c) => c.claim === 1)!;
  assert.equal(c1.verdict, 'not evaluable');
  assert.equal(c1.elements[0]!.id, 'validity');
  assert.match(c1.elements[0]!.evidence, /^physically impossible: .*Li melts/);
  assert.ok(!res.output.claims!.some((c) => c.verdict === 'met'), 'no claim stays met on a cell that cannot be made');
  assert.match(res.warnings[0]!, /^PHYSICALLY IMPOSSIBLE: /);
  const text = formatSummary(recipe, res);
  assert.match(text.split('\n').slice(0, 4).join('\n'), /!! PHYSICALLY IMPOSSIBLE \(line\): .*Li melts/);
});

test('the same roll stored at 25 °C: no finding, claim 1 met, cells in spec', () => {
  const res = runJob(recipeAt(10), { seed: 1, production: { duration_s: 300 } });
  assert.equal(res.output.validity, undefined);
  assert.equal(res.output.claims!.find((c) => c.claim === 1)!.verdict, 'met');
  assert.ok(res.output.production!.cells_in_spec > 0);
});

test('a finding outside model validity concerns only its claims; "not met" stays "not met"', () => {
  type El = { id: string; text: string; verdict: string; evidence: string };
  const claims: { claim: number; verdict: 'met' | 'not met' | 'not evaluable'; elements: El[] }[] = [
    { claim: 13, verdict: 'met', elements: [] },
    { claim: 16, verdict: 'not met', elements: [] },
    { claim: 17, verdict: 'met', elements: [] },
  ];
  const out = applyFindingsToClaims(claims, [finding('outside_validity', 'cycling', 'c_rate', 'above 0.5C', [13, 16])]);
  assert.deepEqual(
    out.map((c) => c.verdict),
    ['not evaluable', 'not met', 'met'],
  );
  assert.match(out[0]!.elements[0]!.evidence, /^outside model validity: above 0\.5C/);
});
