/** Production runs through the real station physics (src/process/stations.ts, the default physics). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProduction } from '../../src/process/line.ts';
import { presentShift } from '../../src/present/production.ts';
import { recipeWith, recordsOf } from './helpers.ts';

test('station physics, σ = 0: every cell identical and in spec for the patent example', () => {
  const run = runProduction(recipeWith({ variability: { scale: 0 }, production: { ramp_s: 0 } }), {
    seed: 1,
    web_length_m: 40,
  });
  assert.ok(recordsOf(run).length >= 380, 'recordsOf(run).length >= 380');
  const ref = recordsOf(run)[0]!;
  for (const c of recordsOf(run)) {
    assert.deepEqual(c.stack, ref.stack);
    assert.equal(c.capacity_mAh, ref.capacity_mAh);
    assert.equal(c.in_spec, true, c.causes.join(','));
  }
  // the cell the line makes: anode within the seed's 10–100 µm, thinner cell than the design stack (Li thinned at 240)
  assert.ok(
    ref.stack.anode_thickness_um > 10 && ref.stack.anode_thickness_um < 100,
    'ref.stack.anode_thickness_um > 10 && ref.stack.anode_thickness_um < 100',
  );
  assert.equal(presentShift(run).yield_pct, 100);
});

test('station physics: same seed → identical run; variability spreads the stack', () => {
  const r = recipeWith();
  const a = runProduction(r, { seed: 9, web_length_m: 25 });
  const b = runProduction(r, { seed: 9, web_length_m: 25 });
  assert.deepEqual(a.cells, b.cells);
  const t = recordsOf(a).map((c) => c.stack.anode_thickness_um);
  assert.ok(Math.max(...t) - Math.min(...t) > 0.1, 'anode thickness varies');
  // a thicker incoming Li layer gives a thicker anode (Li–Al by volume) — correlation over the cells
  const li = recordsOf(a).map((c) => c.incoming_thickness_um.li);
  const mean = (x: number[]) => x.reduce((p, q) => p + q, 0) / x.length;
  const ml = mean(li);
  const mt = mean(t);
  let cov = 0;
  for (let i = 0; i < t.length; i++) cov += (li[i]! - ml) * (t[i]! - mt);
  assert.ok(cov > 0, 'cov > 0');
});

test('station physics: yield falls as the variability rises (tight anode window)', () => {
  const ys = [0, 1, 3].map(
    (scale) =>
      presentShift(
        runProduction(
          recipeWith({
            variability: { scale, defects: { rate_per_m2: 0 } },
            spec: { anode_thickness_um: { min: 28.3, max: 29.4 } },
          }),
          { seed: 4, web_length_m: 20 },
        ),
      ).yield_pct,
  );
  assert.equal(ys[0], 100);
  assert.ok(ys[1]! < ys[0]! && ys[2]! < ys[1]!, `yields ${ys.join(', ')}`);
});

test('station physics over a ±7 % Li sweep of the patent example: every call succeeds (no bracket failures, no retries)', async () => {
  const { processInputFromRecipe } = await import('../../src/process/from-recipe.ts');
  const { simulateStations } = await import('../../src/process/stations.ts');
  const { nominalPerturbation, perturbInput } = await import('../../src/process/production/physics.ts');
  const { parseRecipeText } = await import('../../src/recipe/index.ts');
  const { PATENT_YAML } = await import('../helpers.ts');
  const p = parseRecipeText(PATENT_YAML);
  assert.ok(p.ok, 'p.ok');
  const base = processInputFromRecipe(p.recipe);
  const nom = nominalPerturbation(base);
  for (let i = 0; i <= 400; i++) {
    const li = 0.93 + (0.14 * i) / 400;
    const r = simulateStations(perturbInput(base, { ...nom, li }));
    assert.ok(Number.isFinite(r.anode.diffusivity_m2_s) && r.anode.diffusivity_m2_s > 0, `li × ${li}`);
  }
});
