/**
 * The production run's linear surrogate (fidelity: linear) makes whole, consistent cells: it linearises what
 * the line computes per cell (layer thicknesses, porosities, the anode's Al and Li, the two alloying extents)
 * and derives every other field through the line's own rules (src/process/produced-cell.ts) — the anode's
 * phases by the phase rule, its thickness, D, free Li and inventory from them, the composite's fractions from
 * its porosity, the stack from its layers. It used to keep the nominal cell's phases, inventory, free Li, D,
 * fractions and stack around perturbed moles and thicknesses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProduction } from '../../src/process/line.ts';
import { alInPhases, liInPhases, liInventory } from '../../src/process/alloying.ts';
import { extentsOf, phasesAt } from '../../src/process/produced-cell.ts';
import { simulateStations } from '../../src/process/stations.ts';
import type { ProducedCell } from '../../src/process/types.ts';
import { patentExample } from '../process/fixtures.ts';
import { recipeWith } from './helpers.ts';

const rel = (a: number, b: number): number => Math.abs(a / b - 1);
const full = runProduction(recipeWith(), { seed: 3, web_length_m: 12 });
const lin = runProduction(recipeWith({ production: { fidelity: 'linear' } }), { seed: 3, web_length_m: 12 });

/** the facts every produced cell satisfies, whichever physics made it */
function assertConsistent(c: ProducedCell, who: string): void {
  const a = c.anodePhases;
  // phase amounts hold the anode's Al and Li
  assert.ok(
    rel(alInPhases(a), c.anodeAl_mol_m2) < 1e-12,
    `${who}: Al in phases ${alInPhases(a)} vs ${c.anodeAl_mol_m2}`,
  );
  assert.ok(
    rel(liInPhases(a), c.anodeLi_mol_m2) < 1e-12,
    `${who}: Li in phases ${liInPhases(a)} vs ${c.anodeLi_mol_m2}`,
  );
  // the cyclable inventory is the anode's Li less what the α solid solution holds; free Li is the phases' metal
  assert.ok(rel(c.liInventory_mol_m2, c.anodeLi_mol_m2 - a.alpha * a.xAlpha) < 1e-12, `${who}: inventory`);
  assert.equal(c.liInventory_mol_m2, liInventory(a));
  assert.equal(c.freeLi_mol_m2, a.Li);
  assert.ok(rel(c.liAlRatio, c.anodeLi_mol_m2 / c.anodeAl_mol_m2) < 1e-12, `${who}: Li/Al`);
  const f = c.phaseFractions;
  assert.ok(Math.abs(f.Al + f.LiAl + f.Li3Al2 + f.Li9Al4 - 1) < 1e-12, `${who}: phase fractions`);
  assert.ok(rel(f.Al, a.Al / c.anodeAl_mol_m2) < 1e-12, `${who}: unalloyed Al fraction`);
  // the stack: its layers sum to the cell's thickness and carry the cell's layer fields
  let sum = 0;
  for (const l of c.layers) sum += l.thickness_m;
  assert.ok(rel(sum, c.cellThickness_m) < 1e-12, `${who}: Σ layers ${sum} vs ${c.cellThickness_m}`);
  const by = (role: string): number => c.layers.find((l) => l.role === role)!.thickness_m;
  assert.equal(by('anode'), c.anodeThickness_m);
  assert.equal(by('cathode'), c.cathodeThickness_m);
  assert.equal(by('electrolyte'), c.separatorThickness_m);
  assert.equal(by('conductor'), c.anodeCollectorThickness_m);
  // the densified composite's volume fractions and porosity sum to 1
  const vsum =
    c.cathodeActiveFraction +
    c.cathodeElectrolyteFraction +
    c.cathodeCarbonFraction +
    c.cathodeBinderFraction +
    c.cathodePorosity;
  assert.ok(Math.abs(vsum - 1) < 1e-12, `${who}: composite fractions sum ${vsum}`);
}

test('the phase rule round trip: the extents of the line cell rebuild its phases exactly', () => {
  const c = simulateStations(patentExample()).cell;
  const x = extentsOf(c.anodePhases);
  assert.ok(x.beta > 0 && x.beta < 1, `β extent ${x.beta} (the patent example leaves part of the Al unalloyed)`);
  const back = phasesAt(c.anodeLi_mol_m2, c.anodeAl_mol_m2, x);
  for (const k of ['Al', 'alpha', 'LiAl', 'Li3Al2', 'Li9Al4', 'Li'] as const)
    assert.ok(
      Math.abs(back[k] - c.anodePhases[k]) <= 1e-12 * c.anodeAl_mol_m2,
      `${k}: ${back[k]} vs ${c.anodePhases[k]}`,
    );
});

test('every production cell is consistent: full physics and the linear surrogate', () => {
  assert.ok(lin.cells.length > 50, `cells: ${lin.cells.length}`);
  for (const r of full.cells) assertConsistent(r.cell, `full ${r.serial}`);
  for (const r of lin.cells) assertConsistent(r.cell, `linear ${r.serial}`);
  // the surrogate's cells are not the nominal cell's anode around other moles: their free Li, inventory and
  // D move from cell to cell as the full physics' do
  const distinct = (xs: number[]): number => new Set(xs).size;
  assert.ok(
    distinct(lin.cells.map((r) => r.cell.liInventory_mol_m2)) > 10,
    'distinct(lin.cells.map((r) => r.cell.liInventory_mol_m2)) > 10',
  );
  assert.ok(
    distinct(lin.cells.map((r) => r.cell.anodeD_m2_s)) > 10,
    'distinct(lin.cells.map((r) => r.cell.anodeD_m2_s)) > 10',
  );
  assert.ok(
    distinct(lin.cells.map((r) => r.cell.freeLi_mol_m2)) > 10,
    'distinct(lin.cells.map((r) => r.cell.freeLi_mol_m2)) > 10',
  );
});

test('linear vs full physics, cell by cell: thicknesses, Li, inventory, free Li, phases and D agree', () => {
  assert.equal(lin.cells.length, full.cells.length);
  const pm = lin.shift.surrogate!.errorVsFull;
  let phaseAbs = 0;
  const mx = { cell: 0, anode: 0, li: 0, inventory: 0, freeLi: 0, D: 0, porosity: 0 };
  for (let i = 0; i < full.cells.length; i++) {
    const f = full.cells[i]!.cell;
    const l = lin.cells[i]!.cell;
    mx.cell = Math.max(mx.cell, rel(l.cellThickness_m, f.cellThickness_m));
    mx.anode = Math.max(mx.anode, rel(l.anodeThickness_m, f.anodeThickness_m));
    mx.li = Math.max(mx.li, rel(l.anodeLi_mol_m2, f.anodeLi_mol_m2));
    mx.inventory = Math.max(mx.inventory, rel(l.liInventory_mol_m2, f.liInventory_mol_m2));
    mx.freeLi = Math.max(mx.freeLi, rel(l.freeLi_mol_m2, f.freeLi_mol_m2));
    mx.D = Math.max(mx.D, rel(l.anodeD_m2_s, f.anodeD_m2_s));
    mx.porosity = Math.max(mx.porosity, Math.abs(l.cathodePorosity - f.cathodePorosity));
    for (const k of ['Al', 'LiAl', 'Li3Al2', 'Li9Al4'] as const)
      phaseAbs = Math.max(phaseAbs, Math.abs(l.phaseFractions[k] - f.phaseFractions[k]));
  }
  // the stated accuracy: the error the run measures on its sampled cells (cell and anode thickness) holds on
  // every cell to within a factor of 10, and the fields derived from the linearised ones stay within 1e-3
  // (D, a Bruggeman mean of phases whose D differ by decades, within 1e-2)
  assert.ok(mx.cell <= 10 * pm.cell_thickness_max_rel + 1e-12 && mx.cell < 1e-3, `cell ${mx.cell}`);
  assert.ok(mx.anode <= 10 * pm.anode_thickness_max_rel + 1e-12 && mx.anode < 1e-3, `anode ${mx.anode}`);
  assert.ok(mx.li < 1e-9, `anode Li ${mx.li} (moles are linear in the Li sheet's thickness)`);
  assert.ok(mx.inventory < 1e-3, `inventory ${mx.inventory}`);
  assert.ok(mx.freeLi < 1e-3, `free Li ${mx.freeLi}`);
  assert.ok(phaseAbs < 1e-3, `phase fractions ${phaseAbs}`);
  assert.ok(mx.D < 1e-2, `D ${mx.D}`);
  assert.ok(mx.porosity < 1e-3, `cathode porosity ${mx.porosity}`);
});

test('turned-over third sheet under the surrogate: the anode holds no Li, the Li layer faces the roll, the stack sums', () => {
  const patch = { third_sheet: { ...recipeWith().third_sheet, facing_al: 'conductive_layer' } };
  const runL = runProduction(recipeWith({ ...patch, production: { fidelity: 'linear' } }), {
    seed: 5,
    web_length_m: 3,
  });
  const runF = runProduction(recipeWith(patch), { seed: 5, web_length_m: 3 });
  assert.ok(
    runL.cells.length > 5 && runL.cells.length === runF.cells.length,
    'runL.cells.length > 5 && runL.cells.length === runF.cells.length',
  );
  for (let i = 0; i < runL.cells.length; i++) {
    const c = runL.cells[i]!.cell;
    assert.equal(c.anodeLi_mol_m2, 0);
    assert.equal(c.liInventory_mol_m2, 0);
    assert.equal(c.anodePhases.Al, c.anodeAl_mol_m2);
    assert.equal(c.layers[0]!.role, 'li');
    let sum = 0;
    for (const l of c.layers) sum += l.thickness_m;
    assert.ok(rel(sum, c.cellThickness_m) < 1e-12, 'rel(sum, c.cellThickness_m) < 1e-12');
    assert.ok(
      rel(c.layers[0]!.thickness_m, runF.cells[i]!.cell.layers[0]!.thickness_m) < 1e-3,
      'rel(c.layers[0]!.thickness_m, runF.cells[i]!.cell.layers[0]!.thickness_m) < 1e-3',
    );
  }
});
