/**
 * Issue 16 item 4: `cycling.model: auto` (the default) runs an experiment with a step above the SPMe's
 * stated C-rate on the P2D, and says so (cycling.experiment_model: which steps, at which C-rate, on which
 * model); `cycling.model: spme` keeps the SPMe and reports the step as outside validity
 * (test/pipeline/validity.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJob } from '../../src/pipeline.ts';
import { recipeSchema } from '../../src/recipe/schema.ts';
import { quickRecipe } from '../helpers.ts';

test('the recipe default cycling model is auto', () => {
  const r = recipeSchema.shape.cycling.parse(undefined);
  assert.equal(r.model, 'auto');
});

test('model auto: a 1C experiment runs on the P2D, the output says which steps ran on which model, no finding', () => {
  const recipe = quickRecipe((r) => {
    r.cycling = { ...r.cycling, model: 'auto' };
    r.experiment = [['Charge at 1C until 4.3 V', 'Discharge at 1C until 3.0 V']];
  });
  const res = runJob(recipe, { seed: 1 });
  const cyc = res.output.cycling!;
  assert.equal(cyc['model'], 'p2d');
  const em = cyc['experiment_model'] as {
    model: string;
    switched_from: string;
    reason: string;
    steps: { step: number; text: string; c_rate_max: number; model: string; above_switched_model_validity: boolean }[];
  };
  assert.equal(em.model, 'p2d');
  assert.equal(em.switched_from, 'spme');
  assert.match(em.reason, /above the SPMe's stated 0\.5C/);
  assert.equal(em.steps.length, 2);
  for (const s of em.steps) {
    assert.equal(s.model, 'p2d');
    assert.ok(s.c_rate_max > 0.9 && s.c_rate_max < 1.1, `${s.text}: ${s.c_rate_max}C`);
    assert.equal(s.above_switched_model_validity, true);
  }
  // valid on the P2D: no outside-validity finding on the experiment, claim 13 is evaluated
  const codes = (res.output.validity?.findings ?? []).map((f) => f.code);
  assert.ok(!codes.includes('experiment_c_rate_above_model_validity'), codes.join(', '));
  assert.notEqual(res.output.claims!.find((c) => c.claim === 13)!.verdict, 'not evaluable');
  assert.ok(
    res.warnings.some((w) => /the experiment ran on the P2D \(automatic\)/.test(w)),
    'res.warnings.some((w) => /the experiment ran on the P2D \\(automatic\\)/.test(w))',
  );
});

test('model auto: the 0.1C seed protocol stays on the SPMe, no switch', () => {
  const res = runJob(
    quickRecipe((r) => {
      r.cycling = { ...r.cycling, model: 'auto' };
    }),
    { seed: 1 },
  );
  assert.equal(res.output.cycling!['model'], 'spme');
  assert.equal(res.output.cycling!['experiment_model'], undefined);
});
