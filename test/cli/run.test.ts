import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, testDir } from '../helpers.ts';
import { checkRunOutput, runOutputJsonSchema } from '../../src/contract.ts';

const dir = testDir('rollcell-cli-');
const db = join(dir, 'runs.db');
const example = new URL('../../examples/patent-line.yaml', import.meta.url).pathname;

test('run --json prints the CONTRACT design block and stores the run under the printed id', async () => {
  const r = await cli(['run', example, '--json', '--db', db, '--out', join(dir, 'out')]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, any>;
  for (const k of ['thickness_um', 'area_cm2', 'mass_g']) assert.equal(typeof out.design.cell[k], 'number');
  for (const k of ['active_mass_mg_cm2', 'areal_capacity_mAh_cm2'])
    assert.equal(typeof out.design.cathode[k], 'number');
  for (const k of ['al_thickness_um', 'li_thickness_um', 'li_al_molar_ratio'])
    assert.equal(typeof out.design.anode[k], 'number');
  for (const k of ['np_ratio', 'specific_energy_Wh_kg', 'energy_density_Wh_L'])
    assert.equal(typeof out.design[k], 'number');
  assert.match(out.run_id, /^[0-9A-Z]{26}$/);
  // the whole output (cycling, production, battery, claims, report) satisfies the output contract
  assert.ok(out.cycling && out.production && out.battery && out.claims && out.report, 'every block ran');
  assert.deepEqual(checkRunOutput(out), []);
  const shown = await cli(['runs', 'show', out.run_id.slice(0, 20), '--db', db, '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.deepEqual(JSON.parse(shown.stdout).design, out.design);
  const list = await cli(['runs', 'list', '--db', db]);
  assert.ok(list.stdout.includes(out.run_id), 'list.stdout.includes(out.run_id)');
});

test('runs show with an unknown id exits 2 naming the id', async () => {
  const r = await cli(['runs', 'show', 'ZZZZ', '--db', db]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /ZZZZ/);
});

test('an unsupported --db exits 2 naming the value', async () => {
  const r = await cli(['run', example, '--db', 'mysql://nope']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--db: .*mysql:\/\/nope/);
});

test('schema --output prints the JSON Schema of `run --json` (src/contract.ts), schema the recipe one', async () => {
  const r = await cli(['schema', '--output']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), runOutputJsonSchema());
  const recipe = await cli(['schema']);
  assert.equal(JSON.parse(recipe.stdout).title, 'rollcell recipe');
});
