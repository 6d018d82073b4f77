/**
 * Issue 21 item 2: the MCMC posterior of a fit propagated into the production capacity distribution. A
 * recipe's `cycling.model_parameters.posterior` (draws of fitted parameters, as `rollcell fit --method mcmc
 * --out patch.yaml` writes them) makes the production run give each cell the parameters of a seeded draw:
 * the per-lane capacity spread widens, the production block and the summary say the distribution
 * includes the parameter uncertainty, and a posterior whose draws all equal the recipe's values changes
 * nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { jobProblems, runJob } from '../../src/pipeline.ts';
import { formatSummary } from '../../src/cli/summary.ts';
import { patentObject } from '../helpers.ts';

type Cap = { n: number; mean: number; sigma_overall: number };

function run(posterior?: unknown, seed = 1) {
  const r = patentObject();
  r.cycling = {
    ...r.cycling,
    ageing_cycles: 0,
    rate_capability: false,
    ...(posterior ? { model_parameters: { rate: { cathode_Ds_um2_s: 0.004 }, posterior } } : {}),
  };
  const p = parseRecipeText(stringify(r));
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  const res = runJob(p.recipe, { seed, production: { duration_s: 600 } });
  const pr = res.output.production!;
  const lanes = pr['capability'] as { capacity_mAh: Cap }[];
  return { recipe: p.recipe, res, pr, cap: lanes.map((l) => l.capacity_mAh), text: formatSummary(p.recipe, res) };
}

// cathode diffusivity draws over a decade around the model's 0.004 µm²/s: the first-cycle capacity moves with them
const WIDE = {
  parameters: ['rate.cathode_Ds_um2_s'],
  samples: [[0.0008], [0.0015], [0.003], [0.004], [0.006], [0.01], [0.02]],
  source: 'test: a wide posterior',
};

test('production: a posterior of the rate parameters widens the capacity spread, is stated, and is seeded', () => {
  const base = run();
  const post = run(WIDE);
  const cm = post.pr['capacity_model'] as {
    parameter_uncertainty?: { included: boolean; draws: number; source: string };
  };
  assert.equal(cm.parameter_uncertainty?.included, true);
  assert.equal(cm.parameter_uncertainty?.draws, 7);
  assert.match(cm.parameter_uncertainty!.source, /7 draws of rate\.cathode_Ds_um2_s \(test: a wide posterior\)/);
  assert.equal((base.pr['capacity_model'] as Record<string, unknown>)['parameter_uncertainty'], undefined);
  // same cells (the line's streams are untouched), wider capacity spread in every lane
  assert.equal(post.pr.cells_total, base.pr.cells_total);
  post.cap.forEach((c, l) => {
    assert.equal(c.n, base.cap[l]!.n);
    assert.ok(
      c.sigma_overall > 3 * base.cap[l]!.sigma_overall,
      `lane ${l}: σ ${c.sigma_overall} mAh with the posterior vs ${base.cap[l]!.sigma_overall} mAh without`,
    );
  });
  assert.match(post.text, /cell capacities\s+include the fit's parameter uncertainty \(7 posterior draws/);
  assert.doesNotMatch(base.text, /parameter uncertainty/);
  // seeded: the same seed gives the same distribution, another seed another draw sequence
  assert.deepEqual(run(WIDE).cap, post.cap);
  assert.notDeepEqual(run(WIDE, 2).cap, post.cap);
});

test("production: a posterior whose draws all equal the recipe's value gives the capacities of the run without one", () => {
  const base = run({ parameters: ['rate.cathode_Ds_um2_s'], samples: [[0.004]] });
  const same = run({ parameters: ['rate.cathode_Ds_um2_s'], samples: [[0.004], [0.004], [0.004]] });
  const none = run();
  for (const [a, b] of [
    [same, none],
    [base, none],
  ] as const)
    a.cap.forEach((c, l) => {
      assert.ok(Math.abs(c.mean - b.cap[l]!.mean) < 1e-6 * b.cap[l]!.mean, `lane ${l} mean`);
      assert.ok(Math.abs(c.sigma_overall - b.cap[l]!.sigma_overall) < 1e-6, `lane ${l} σ`);
    });
});

test('a posterior with a wrong row or an unknown parameter is refused naming the field', () => {
  const bad = (post: unknown) => {
    const r = patentObject();
    r.cycling = { ...r.cycling, model_parameters: { posterior: post } };
    const p = parseRecipeText(stringify(r));
    if (!p.ok) return p.problems;
    return jobProblems(p.recipe);
  };
  const rows = bad({ parameters: ['rate.cathode_Ds_um2_s', 'rate.ionic_tortuosity'], samples: [[0.004, 6], [0.004]] });
  assert.ok(
    rows.some((q) => q.path === 'cycling.model_parameters.posterior.samples.1' && /1 values/.test(q.got)),
    JSON.stringify(rows),
  );
  const names = bad({ parameters: ['rate.cathode_D'], samples: [[0.004]] });
  assert.ok(
    names.some(
      (q) => q.path === 'cycling.model_parameters.posterior.parameters.0' && /rate\.cathode_Ds_um2_s/.test(q.allowed),
    ),
    JSON.stringify(names),
  );
  const neg = bad({ parameters: ['rate.cathode_Ds_um2_s'], samples: [[-1]] });
  assert.ok(
    neg.some((q) => q.path.startsWith('cycling.model_parameters.posterior.samples.0')),
    JSON.stringify(neg),
  );
});
