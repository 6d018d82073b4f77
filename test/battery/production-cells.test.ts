/**
 * A pack built from a production run's cells takes each cell as the line made it, in SI (issue 13 items 1–2):
 * its produced cathode and separator thicknesses, its anode (the line's Al and Li moles, which follow the
 * incoming sheets), its cut size and its stack thickness — not the 6-significant-digit µm values of the stored
 * record, which the battery read before (cathode 59.9715 µm for 59.97148… µm).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProduction } from '../../src/process/line.ts';
import { productionCells } from '../../src/battery/cells.ts';
import { um } from '../../src/units/index.ts';
import { recipeWith } from '../production/helpers.ts';
import { standinPhysics } from '../production/standin.ts';

const recipe = recipeWith();
const run = runProduction(recipe, { seed: 9, web_length_m: 3, physics: standinPhysics });
const good = run.cells.filter((c) => c.inSpec);

test('a production cell in the pack: the produced thicknesses and the incoming Al and Li, unrounded', () => {
  assert.ok(good.length >= 4, `${good.length} in-spec cells`);
  const specs = productionCells(recipe, run.cells, good.length, 1);
  let unroundedSeen = 0;
  good.forEach((c, k) => {
    const u = specs[k]!.params;
    assert.equal(u.cathode.thickness_m, c.cell.cathodeThickness_m);
    assert.equal(u.separator.thickness_m, c.cell.separatorThickness_m);
    // the cut size: lane width × cell length, from the cell's place on the web
    assert.ok(
      Math.abs(u.area_m2 / ((c.cdEnd_m - c.cdStart_m) * (c.sEnd_m - c.sStart_m)) - 1) < 1e-12,
      'Math.abs(u.area_m2 / ((c.cdEnd_m - c.cdStart_m) * (c.sEnd_m - c.sStart_m)) - 1) < 1e-12',
    );
    // Al and Li moles in proportion to the incoming layers (the stand-in's anode: moles ∝ incoming thickness)
    const alRatio = c.incomingThickness_m.al / um(recipe.al_sheet.thickness_um);
    const liRatio = c.incomingThickness_m.li / um(recipe.third_sheet.li_layer.thickness_um);
    assert.ok(Math.abs(alRatio - 1) > 0 && Math.abs(liRatio - 1) > 0, 'the cells vary');
    const c0 = good[0]!;
    assert.ok(
      Math.abs(
        u.anode.al_mol_m2 / specs[0]!.params.anode.al_mol_m2 / (c.incomingThickness_m.al / c0.incomingThickness_m.al) -
          1,
      ) < 1e-12,
      'Math.abs(u.anode.al_mol_m2 / specs[0]!.params.anode.al_mol_m2 / (c.incomingThickness_m.al…',
    );
    assert.ok(
      Math.abs(
        u.anode.li_mol_m2 / specs[0]!.params.anode.li_mol_m2 / (c.incomingThickness_m.li / c0.incomingThickness_m.li) -
          1,
      ) < 1e-12,
      'Math.abs(u.anode.li_mol_m2 / specs[0]!.params.anode.li_mol_m2 / (c.incomingThickness_m.li…',
    );
    const x = Number(c.cell.cathodeThickness_m.toPrecision(6));
    if (x !== c.cell.cathodeThickness_m) unroundedSeen++;
  });
  assert.ok(unroundedSeen > 0, 'the run has cells whose thickness has more than 6 significant digits');
});

test('the pack cells: stack thickness and genealogy from the SI cell, scrapped cells rejected', () => {
  const specs = productionCells(recipe, run.cells, 4, 1);
  assert.equal(specs.length, 4);
  specs.forEach((s, k) => {
    const c = good[k]!;
    assert.equal(s.origin.serial, c.serial);
    assert.equal(s.origin.genealogy?.cathodeThickness_m, c.cell.cathodeThickness_m);
    assert.equal(s.origin.genealogy?.anodeThickness_m, c.cell.anodeThickness_m);
    assert.equal(s.origin.genealogy?.parents[0]?.mdStart_m, c.genealogy.parents[0]?.mdStart_m);
    // volume = footprint × the produced stack thickness (its mass: test/battery/cell-source.test.ts, on the
    // full station physics — the stand-in's anode is not the design's matter)
    assert.ok(
      Math.abs(s.volume_m3 / (s.footprint_m2 * c.cellThickness_m) - 1) < 1e-12,
      'Math.abs(s.volume_m3 / (s.footprint_m2 * c.cellThickness_m) - 1) < 1e-12',
    );
  });
  assert.throws(() => productionCells(recipe, run.cells, good.length + 1, 1), /too few in-spec cells/);
});
