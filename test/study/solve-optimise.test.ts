import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PATENT_YAML, cli, testDir } from '../helpers.ts';
import { openStore, StudyStore } from '../../src/store/index.ts';
import { prepareStudyText } from '../../src/study/prepare.ts';
import { contextOf, runOptimise, runSolve } from '../../src/study/session.ts';
import { inlineExecutor } from '../../src/study/pool.ts';
import { nsga2, dominates, type Individual } from '../../src/study/nsga2.ts';
import { SobolSequence } from '../../src/numerics/sobol.ts';

// ZDT1 (Zitzler, Deb & Thiele, Evol. Comput. 8 (2000) 173): f1 = x1, g = 1 + 9·mean(x2..xn),
// f2 = g·(1 − √(f1/g)); the Pareto front is g = 1, f2 = 1 − √f1.
function zdt1(x: number[]): number[] {
  const g = 1 + (9 * x.slice(1).reduce((s, v) => s + v, 0)) / (x.length - 1);
  return [x[0]!, g * (1 - Math.sqrt(x[0]! / g))];
}

test('NSGA-II converges on ZDT1 (5 variables): the front lies near f2 = 1 − √f1 and spreads over f1', async () => {
  const d = 5;
  const seq = new SobolSequence(d);
  const pop = await nsga2({
    population: 40,
    generations: 120,
    seed: 3,
    initial: Array.from({ length: 40 }, (_, i) => Array.from(seq.point(i + 1))),
    evaluate: async (genes) => genes.map((g) => ({ f: zdt1(g), violation: 0 })),
  });
  const front = pop.filter((m) => m.rank === 0);
  assert.ok(front.length >= 20, `front of ${front.length}`);
  const gap = Math.max(...front.map((m) => m.f[1]! - (1 - Math.sqrt(m.f[0]!))));
  assert.ok(gap < 0.1, `largest distance above the true front ${gap}`);
  const f1 = front.map((m) => m.f[0]!);
  assert.ok(Math.min(...f1) < 0.05 && Math.max(...f1) > 0.9, `spread ${Math.min(...f1)} … ${Math.max(...f1)}`);
  // no member of the front dominates another
  for (const a of front) for (const b of front) assert.ok(!dominates(a, b) || a === b, '!dominates(a, b) || a === b');
});

test("constraint domination (Deb's rule): feasible beats infeasible; smaller violation beats larger", () => {
  const ind = (f: number[], violation: number): Individual => ({ genes: [], f, violation });
  assert.ok(dominates(ind([9, 9], 0), ind([0, 0], 1)), 'dominates(ind([9, 9], 0), ind([0, 0], 1))');
  assert.ok(dominates(ind([9, 9], 0.5), ind([0, 0], 1)), 'dominates(ind([9, 9], 0.5), ind([0, 0], 1))');
  assert.ok(!dominates(ind([1, 2], 0), ind([2, 1], 0)), '!dominates(ind([1, 2], 0), ind([2, 1], 0))');
});

test('rollcell solve: finds settings that meet the targets, or says no setting can with the closest point', async () => {
  const dir = testDir('rollcell-solve-');
  const recipe = join(dir, 'r.yaml');
  writeFileSync(recipe, PATENT_YAML);
  const ok = join(dir, 'ok.yaml');
  writeFileSync(
    ok,
    `name: anode 29 ± 1 µm, least force
parameters:
  stations.240.force_N: {from: 150, to: 500}
  third_sheet.li_layer.thickness_um: {from: 15, to: 25}
solve:
  targets:
    line.anode.thickness_um: {target: 29, tol: 1}
    claims.12: met
  minimise: stations.240.force_N
  evaluations: 32
  refine: 16
`,
  );
  const r = await cli(['solve', recipe, ok, '--db', join(dir, 's.db'), '--out', dir, '--workers', '0', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as {
    summary: { solve: { met: boolean; best: { outputs: Record<string, number | string> }; settings: unknown[] } };
  };
  assert.equal(s.summary.solve.met, true);
  const out = s.summary.solve.best.outputs;
  assert.ok(
    Math.abs((out['line.anode.thickness_um'] as number) - 29) <= 1,
    "Math.abs((out['line.anode.thickness_um'] as number) - 29) <= 1",
  );
  assert.equal(out['claims.12'], 'met');
  const no = join(dir, 'no.yaml');
  writeFileSync(
    no,
    `name: an anode no Li thickness gives
parameters:
  third_sheet.li_layer.thickness_um: {from: 15, to: 25}
solve:
  targets:
    line.anode.thickness_um: {min: 200}
  evaluations: 8
  refine: 0
`,
  );
  const r2 = await cli(['solve', recipe, no, '--db', join(dir, 's.db'), '--out', dir, '--workers', '0']);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(
    r2.stdout,
    /no setting in the searched ranges meets every target \(8 evaluated\); the closest is point \d+, which misses line\.anode\.thickness_um = /,
  );
  assert.match(r2.stdout, /closest setting/);
});

test('rollcell optimise: a Pareto front over 5 inputs, stored and reported', async () => {
  const dir = testDir('rollcell-opt-');
  const recipe = join(dir, 'r.yaml');
  writeFileSync(recipe, PATENT_YAML);
  const st = join(dir, 'o.yaml');
  writeFileSync(
    st,
    `name: energy vs thickness
parameters:
  stations.240.force_N: {from: 150, to: 500}
  stations.240.temperature_C: {from: 60, to: 170}
  third_sheet.li_layer.thickness_um: {from: 15, to: 25}
  first_sheet.cathode.thickness_um: {from: 40, to: 80}
  first_sheet.electrolyte_layer.thickness_um: {from: 20, to: 40}
optimise:
  objectives:
    design.specific_energy_Wh_kg: max
    design.cell.thickness_um: min
  constraints:
    claims.12: met
  population: 12
  generations: 3
`,
  );
  const r = await cli(['optimise', recipe, st, '--db', join(dir, 'o.db'), '--out', dir, '--workers', '0', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as {
    summary: { points: number; pareto: { objectives: Record<string, number>; settings: Record<string, number> }[] };
    files: { report: string };
  };
  assert.equal(s.summary.points, 36);
  const front = s.summary.pareto;
  assert.ok(front.length >= 2, 'front.length >= 2');
  // mutually non-dominated: sorted by thickness, energy must rise
  const sorted = [...front].sort(
    (a, b) => a.objectives['design.cell.thickness_um']! - b.objectives['design.cell.thickness_um']!,
  );
  for (let i = 1; i < sorted.length; i++)
    assert.ok(
      sorted[i]!.objectives['design.specific_energy_Wh_kg']! >=
        sorted[i - 1]!.objectives['design.specific_energy_Wh_kg']! ||
        sorted[i]!.objectives['design.cell.thickness_um']! === sorted[i - 1]!.objectives['design.cell.thickness_um']!,
      "sorted[i]!.objectives['design.specific_energy_Wh_kg']! >= sorted[i - 1]!.objectives['desi…",
    );
});

test("solve and optimise: the outcome's progress counts this session's points — all at first, none when resumed", async () => {
  const dir = testDir('rollcell-resume-');
  const store = await openStore(join(dir, 'r.db'));
  const force = 'parameters:\n  stations.240.force_N: {from: 150, to: 500}\n';
  const studies = {
    solve: `name: tiny solve\n${force}solve:\n  targets:\n    line.anode.thickness_um: {min: 0}\n  evaluations: 4\n  refine: 0\n`,
    optimise: `name: tiny optimise\n${force}optimise:\n  objectives:\n    design.specific_energy_Wh_kg: max\n    design.cell.thickness_um: min\n  population: 4\n  generations: 1\n`,
  };
  try {
    for (const kind of ['solve', 'optimise'] as const) {
      const ps = prepareStudyText(kind, { text: PATENT_YAML, name: 'r.yaml' }, { text: studies[kind], name: 's.yaml' });
      const executor = inlineExecutor(contextOf(ps.sp));
      const io = { store: new StudyStore(store), executor };
      const run = kind === 'solve' ? runSolve : runOptimise;
      try {
        const first = await run(ps, io);
        assert.equal(first.resumed, false);
        assert.deepEqual([first.progress.done, first.progress.total, first.progress.evaluated], [4, 4, 4], kind);
        assert.ok(first.progress.elapsed_s > 0 && first.progress.points_per_s > 0, kind);
        const again = await run(ps, io);
        assert.equal(again.resumed, true);
        assert.deepEqual([again.progress.done, again.progress.evaluated, again.progress.points_per_s], [4, 0, 0], kind);
        const table = (rows: typeof first.rows): unknown[] => rows.map((r) => [r.idx, r.values, r.outputs]);
        assert.deepEqual(table(again.rows), table(first.rows), kind);
      } finally {
        await executor.close();
      }
    }
  } finally {
    await store.close();
  }
});
