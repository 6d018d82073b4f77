/**
 * The battery's cells are the line's cells (issue 13 item 2): the design cells spread around the ProducedCell
 * the line computes for the recipe, a production cell is the `cell` the line made for it, both through the one
 * mapper (electrochem/ssb/params.ts ssbParamsFromProducedCell). The battery builds no anode of its own (it used
 * to: all Li → β-LiAl at once, free Li on top, its own D of 1e-13 m²/s), and a cell the line makes without a
 * working anode gives a Problem naming why, never a pack of an invented anode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { designCells, productionCells, spmeOf } from '../../src/battery/cells.ts';
import { buildPack, runBattery } from '../../src/battery/run.ts';
import { designCell } from '../../src/design/index.ts';
import { runLine, runJob } from '../../src/pipeline.ts';
import { runProduction, type LayerKey } from '../../src/process/line.ts';
import type { LayerRole } from '../../src/recipe/layers.ts';
import { ProblemError } from '../../src/problems.ts';
import { loadExample } from '../claims/fixtures.ts';
import { recipeWith } from '../production/helpers.ts';

const LAYERS = 40;
const NO_SPREAD = { capacity_sigma_pct: 0, resistance_sigma_pct: 0 };
const rel = (a: number, b: number): number => Math.abs(a / b - 1);

test("patent example: the battery's design cell has the line's anode — thickness, Li, phases, diffusivity", () => {
  const recipe = loadExample('patent-line.yaml');
  const line = runLine(recipe).cell; // the line's result, not a formula of the battery's
  for (const spec of designCells(recipe, 3, LAYERS, NO_SPREAD, 1)) {
    const a = spec.params.anode;
    assert.equal(a.thickness_m, line.anodeThickness_m);
    assert.equal(a.li_mol_m2, line.anodeLi_mol_m2);
    assert.equal(a.al_mol_m2, line.anodeAl_mol_m2);
    assert.deepEqual(a.phaseFractions, line.phaseFractions);
    assert.equal(a.freeLi_m, line.freeLi_m);
    assert.equal(a.D.ref, line.anodeD_m2_s);
    assert.equal(spec.params.cathode.thickness_m, line.cathodeThickness_m);
    assert.equal(spec.params.separator.thickness_m, line.separatorThickness_m);
    // the pouch: `LAYERS` unit cells of the line's cut area
    assert.ok(
      rel(spec.params.area_m2, line.area_m2 * LAYERS) < 1e-12,
      'rel(spec.params.area_m2, line.area_m2 * LAYERS) < 1e-12',
    );
    // the cell's Li inventory as its model holds it: the cathode's as-made Li plus the Li the line put in the anode
    const m = spmeOf(spec);
    const cathodeLi = m.core.nC * spec.params.cathode.yPristine;
    assert.ok(
      rel(m.lithiumInventory_mol(m.initialState(0.5)), cathodeLi + line.anodeLi_mol_m2 * line.area_m2 * LAYERS) < 1e-9,
      'rel(m.lithiumInventory_mol(m.initialState(0.5)), cathodeLi + line.anodeLi_mol_m2 * line.a…',
    );
  }
  // not the anode the battery used to invent: at the line's exit part of the Al is not yet alloyed, and the
  // anode's D is the line's (from its phases), not 1e-13 m²/s
  assert.ok(line.phaseFractions.Al > 0, `unalloyed Al fraction ${line.phaseFractions.Al}`);
  assert.notEqual(line.anodeD_m2_s, 1e-13);
});

test("the design cell's volume and mass follow the produced stack: thinner than designed, the same matter", () => {
  const recipe = loadExample('patent-line.yaml');
  const d = designCell(recipe);
  const line = runLine(recipe, d).cell;
  const [spec] = designCells(recipe, 1, LAYERS, NO_SPREAD, 1, line);
  // volume: the produced stack (the nips densify the cathode and separator), not the design's thickness
  assert.ok(line.cellThickness_m < d.thickness_m - 1e-6, 'the line makes the stack thinner than designed');
  assert.ok(
    rel(spec!.volume_m3, line.area_m2 * line.cellThickness_m * LAYERS) < 1e-12,
    'rel(spec!.volume_m3, line.area_m2 * line.cellThickness_m * LAYERS) < 1e-12',
  );
  // mass: rolling moves no matter in or out of the cut area, so the produced stack weighs what went in
  // (the line's Al moles differ from the design's by its own density data: ≈ 4e-6 of the mass)
  assert.ok(rel(spec!.mass_kg, d.mass_kg * LAYERS) < 1e-4, `${spec!.mass_kg} vs ${d.mass_kg * LAYERS}`);
  // the line's cell passed in is the cell the battery runs the line for itself
  const own = designCells(recipe, 1, LAYERS, NO_SPREAD, 1)[0]!;
  assert.deepEqual(own, spec);
});

// a short shift through the full station physics: each cell is the line's, with its own incoming sheets
const recipe = recipeWith({ production: { fidelity: 'full' } });
const run = runProduction(recipe, { seed: 3, web_length_m: 2 });
const good = run.cells.filter((c) => c.inSpec);
/** the incoming sheet layer of each design layer (the cathode collector is not varied by the line) */
const KEY: Partial<Record<LayerRole, LayerKey>> = {
  cathode: 'cathode',
  electrolyte: 'electrolyte',
  al: 'al',
  li: 'li',
  conductor: 'cu',
};

test('production cells: each pack cell is the cell the line made for it; thinner incoming Li, less Li', () => {
  assert.ok(good.length >= 6, `${good.length} in-spec cells`);
  const specs = productionCells(recipe, run.cells, good.length, 1);
  const d = designCell(recipe);
  const liOf = specs.map((s) => s.params.anode.li_mol_m2 * s.params.area_m2);
  specs.forEach((s, k) => {
    const c = good[k]!.cell;
    assert.equal(s.params.anode.thickness_m, c.anodeThickness_m);
    assert.equal(s.params.anode.li_mol_m2, c.anodeLi_mol_m2);
    assert.deepEqual(s.params.anode.phaseFractions, c.phaseFractions);
    assert.equal(s.params.anode.D.ref, c.anodeD_m2_s);
    assert.equal(s.params.area_m2, c.area_m2);
    // its volume is its produced stack; its mass what its incoming sheets brought (rolling moves no matter)
    const rec = good[k]!;
    assert.ok(
      rel(s.volume_m3, c.area_m2 * rec.cellThickness_m) < 1e-12,
      'rel(s.volume_m3, c.area_m2 * rec.cellThickness_m) < 1e-12',
    );
    const incoming = d.layers.reduce((m, l) => {
      const key = KEY[l.role];
      return m + l.arealMass_kg_m2 * (key ? rec.incomingThickness_m[key] / l.thickness_m : 1);
    }, 0);
    const want = incoming * c.area_m2 * (1 + recipe.cell.packaging_mass_fraction);
    assert.ok(rel(s.mass_kg, want) < 1e-4, `${rec.serial}: ${s.mass_kg} kg vs ${want} kg in`);
  });
  // monotone: order the cells by their incoming Li thickness; the battery cell's anode Li (mol per cell) follows
  const order = good.map((_, k) => k).sort((i, j) => good[i]!.incomingThickness_m.li - good[j]!.incomingThickness_m.li);
  for (let q = 1; q < order.length; q++) {
    const i = order[q - 1]!;
    const j = order[q]!;
    if (good[i]!.incomingThickness_m.li < good[j]!.incomingThickness_m.li)
      assert.ok(liOf[i]! < liOf[j]!, `${good[i]!.serial} (thinner Li) holds less Li than ${good[j]!.serial}`);
  }
  assert.ok(
    good[order[0]!]!.incomingThickness_m.li < good[order.at(-1)!]!.incomingThickness_m.li,
    'the shift varies the incoming Li',
  );
});

test("the pack's Li inventory is the sum of its cells', and stays so through a discharge", () => {
  const n = 4;
  const built = buildPack(
    { ...recipe, battery: { ...recipe.battery!, series: 2, parallel: 2 } },
    { seed: 1, cells: run.cells, initialSoc: 0.5 },
  );
  const { pack, specs } = built;
  assert.equal(specs.length, n);
  const packLi = (): number => pack.models.reduce((s, m, k) => s + m.lithiumInventory_mol(pack.y[k]!), 0);
  // each cell's own inventory, from a fresh model of that cell at the pack's starting state of charge
  const cells = specs.map((s) => {
    const m = spmeOf(s);
    return m.lithiumInventory_mol(m.initialState(0.5));
  });
  const sum = cells.reduce((a, b) => a + b, 0);
  assert.ok(rel(packLi(), sum) < 1e-9, `${packLi()} vs Σ ${sum}`);
  // the cells differ (their own anodes), so the sum is not n × one cell
  assert.ok(
    Math.max(...cells) - Math.min(...cells) > 1e-9 * sum,
    'Math.max(...cells) - Math.min(...cells) > 1e-9 * sum',
  );
  for (let i = 0; i < 20; i++) pack.stepCurrent(-2, 30);
  assert.ok(pack.packCharge_C < 0, 'the pack discharged');
  assert.ok(rel(packLi(), sum) < 1e-9, 'Li moves between the electrodes of each cell, none is made or lost');
});

test('not-interposed: the line makes no Li–Al anode, so the battery is a Problem naming why — no invented anode', () => {
  const r = loadExample('not-interposed.yaml');
  assert.equal(runLine(r).cell.anodeLi_mol_m2, 0, "the line's cell holds no Li in its anode");
  const expectProblem = (f: () => unknown): void =>
    assert.throws(f, (e: unknown) => {
      assert.ok(e instanceof ProblemError, String(e));
      const p = e.problems[0]!;
      assert.equal(p.path, 'third_sheet.facing_al');
      assert.match(p.problem, /no working Li–Al anode .*not interposed between the Al and the conductive layer/);
      assert.match(p.got, /conductive_layer/);
      assert.match(p.allowed, /li_layer/);
      return true;
    });
  expectProblem(() => designCells(r, 2, LAYERS, NO_SPREAD, 1));
  expectProblem(() => runBattery(r, { profile: 'ev:UDDS', ageing: false }));
  // the main job: no battery block, and a validity finding that says why — it leads the warnings (once) and
  // claims 17–18 rest on it: each leads with a "not evaluable" validity element naming the missing anode
  // (their verdict stays "not met": their parent claim 13, by claim 1's method, is not met without the
  // interposition, and a "not met" does not rest on the battery)
  const out = runJob(r, { seed: 1, battery: true }).output;
  assert.equal(out.battery, undefined);
  const warnings = out.warnings ?? [];
  assert.equal(
    warnings.filter((w) =>
      /^OUTSIDE MODEL VALIDITY: no battery: .*no working Li–Al anode .*pack is not evaluated/.test(w),
    ).length,
    1,
    warnings.join('\n'),
  );
  const f = out.validity!.findings.find((x) => x.code === 'no_working_anode');
  assert.ok(f, JSON.stringify(out.validity));
  assert.equal(f.source, 'battery');
  assert.deepEqual(f.claims, [17, 18]);
  assert.match(f.reason, /third_sheet\.facing_al = conductive_layer/);
  for (const n of [17, 18]) {
    const c = out.claims!.find((x) => x.claim === n)!;
    const v = c.elements[0]!;
    assert.equal(v.id, 'validity');
    assert.equal(v.verdict, 'not evaluable');
    assert.match(v.evidence, /no battery: the line's cell has no working Li–Al anode/);
    assert.equal(c.verdict, 'not met', `claim ${n}: its parent (claim ${n === 17 ? 13 : 17}) is not met`);
    assert.equal(c.elements.find((e) => e.id === `${n}.parent`)!.verdict, 'not met');
  }
});
