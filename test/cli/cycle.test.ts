import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, testDir } from '../helpers.ts';

const dir = testDir('rollcell-cycle-');
const BPX = new URL('../electrochem-liquid/fixtures/nmc_pouch_cell_BPX.json', import.meta.url).pathname;
const RECIPE = new URL('../../examples/patent-line.yaml', import.meta.url).pathname;

test('cycle on a BPX cell writes BDF CSV whose discharge capacity equals ∫|I| dt', async () => {
  const csv = join(dir, 'bpx.csv');
  const r = await cli([
    'cycle',
    '--cell',
    BPX,
    '--model',
    'spm',
    '--experiment',
    'Discharge at 1C until 2.5 V',
    '--csv',
    csv,
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  const head = lines[0]!.split(',');
  for (const c of [
    'Test Time / s',
    'Voltage / V',
    'Current / A',
    'Cycle Count / 1',
    'Step Count / 1',
    'Charging Capacity / Ah',
    'Discharging Capacity / Ah',
  ])
    assert.ok(head.includes(c), c);
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  const it = head.indexOf('Test Time / s');
  const ii = head.indexOf('Current / A');
  const iq = head.indexOf('Discharging Capacity / Ah');
  let q = 0;
  for (let k = 1; k < rows.length; k++)
    q += (-0.5 * (rows[k]![ii]! + rows[k - 1]![ii]!) * (rows[k]![it]! - rows[k - 1]![it]!)) / 3600;
  assert.ok(
    rows.every((row) => row[ii]! <= 0),
    'discharge current is negative (BDF convention)',
  );
  assert.ok(Math.abs(q - rows[rows.length - 1]![iq]!) < 1e-3 * q, `${q} vs ${rows[rows.length - 1]![iq]}`);
});

test('cycle --current-profile reports the voltage RMSE against the measured U[V]', async () => {
  const prof = join(dir, 'p.csv');
  const src = readFileSync(
    new URL('../../../shared/validation/about-energy-nmc/NMC_25degC_1C.csv', import.meta.url),
    'utf8',
  ).split('\n');
  writeFileSync(prof, src.slice(0, 600).join('\n'));
  const r = await cli(['cycle', '--cell', BPX, '--model', 'spme', '--current-profile', prof, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.ok(o.voltage_rmse_mV > 0 && o.voltage_rmse_mV < 50, `rmse ${o.voltage_rmse_mV} mV`);
});

test('cycle on the recipe cell runs the [0178] protocol by default', async () => {
  const r = await cli(['cycle', '--cell', RECIPE, '--model', 'spme', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.steps, 3);
  // first-cycle CE of uncoated NCM in a sulfide cell: 0.82–0.92 (Jangid et al., Nat. Commun. 15 (2024) 10233)
  assert.ok(o.coulombic_efficiency > 0.75 && o.coulombic_efficiency <= 1, String(o.coulombic_efficiency));
  assert.ok(o.discharge_capacity_mAh_g > 100, 'o.discharge_capacity_mAh_g > 100');
});

test('cycle: wrong model for the cell kind, bad step, missing file → exit 2 naming the field', async () => {
  let r = await cli(['cycle', '--cell', RECIPE, '--model', 'dfn']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--model: .*\(got "dfn"; allowed p2d, spme, spm\)/);
  r = await cli(['cycle', '--cell', BPX, '--model', 'p2d']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /allowed dfn, spme, spm/);
  r = await cli(['cycle', '--cell', RECIPE, '--model', 'spme', '--experiment', 'Dischrge at 1C until 3 V']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /did you mean 'Discharge'/);
  r = await cli(['cycle', '--cell', join(dir, 'nope.json'), '--model', 'dfn']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--cell: file not found/);
});
