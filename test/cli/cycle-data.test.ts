/**
 * `rollcell cycle` data in and out: per-cycle summary CSV, comparison with a measured CSV (voltage RMSE),
 * and the start state (a recipe's cell as produced, discharged; --initial-soc).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, testDir } from '../helpers.ts';

const dir = testDir('rollcell-cycle-data-');
const BPX = new URL('../electrochem-liquid/fixtures/nmc_pouch_cell_BPX.json', import.meta.url).pathname;
const MEASURED = new URL('../../../shared/validation/about-energy-nmc/NMC_25degC_1C.csv', import.meta.url).pathname;
const RECIPE = new URL('../../examples/patent-line.yaml', import.meta.url).pathname;

test('cycle --summary-csv writes the per-cycle summary that agrees with the run', async () => {
  const sum = join(dir, 'summary.csv');
  // the CLI's steps form one cycle
  const steps = ['Charge at 0.2C until 4.3 V', 'Hold at 4.3 V until 0.05C', 'Discharge at 0.2C until 3 V'];
  const r = await cli([
    'cycle',
    '--cell',
    RECIPE,
    '--model',
    'spme',
    ...steps.flatMap((s) => ['--experiment', s]),
    '--summary-csv',
    sum,
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  const lines = readFileSync(sum, 'utf8').trim().split('\n');
  const head = lines[0]!.split(',');
  // per-cycle totals under the spec's per-cycle names; the record at the cycle's end carries the required columns
  for (const c of [
    'Cycle Count / 1',
    'Test Time / s',
    'Unix Time / s',
    'Voltage / V',
    'Current / A',
    'Cycle Charging Capacity / Ah',
    'Cycle Discharging Capacity / Ah',
    'Coulombic Efficiency / 1',
    'Specific Discharging Capacity / mAh/g',
  ])
    assert.ok(head.includes(c), c);
  assert.ok(!head.includes('Charging Capacity / Ah'), 'no per-cycle value under a cumulative name');
  assert.equal(o.cycles, 1);
  assert.equal(lines.length - 1, 1);
  assert.equal(o.per_cycle.length, 1);
  const row = lines[1]!.split(',').map(Number);
  const col = (name: string): number => row[head.indexOf(name)]!;
  assert.equal(col('Cycle Count / 1'), 1);
  assert.ok(
    Math.abs(col('Cycle Discharging Capacity / Ah') - o.discharge_capacity_Ah) < 1e-12,
    "Math.abs(col('Cycle Discharging Capacity / Ah') - o.discharge_capacity_Ah) < 1e-12",
  );
  assert.ok(
    Math.abs(col('Cycle Charging Capacity / Ah') - o.per_cycle[0].charge_Ah) < 1e-12,
    "Math.abs(col('Cycle Charging Capacity / Ah') - o.per_cycle[0].charge_Ah) < 1e-12",
  );
  assert.ok(
    Math.abs(col('Coulombic Efficiency / 1') - o.coulombic_efficiency) < 1e-12,
    "Math.abs(col('Coulombic Efficiency / 1') - o.coulombic_efficiency) < 1e-12",
  );
  assert.ok(
    Math.abs(col('Specific Discharging Capacity / mAh/g') - o.discharge_capacity_mAh_g) < 1e-9,
    "Math.abs(col('Specific Discharging Capacity / mAh/g') - o.discharge_capacity_mAh_g) < 1e-9",
  );
  // first-cycle CE of uncoated NCM in a sulfide cell: 0.82–0.92 (Jangid et al., Nat. Commun. 15 (2024) 10233)
  assert.ok(o.coulombic_efficiency > 0.75 && o.coulombic_efficiency <= 1, String(o.coulombic_efficiency));
  assert.equal(o.summary_csv, sum);
});

test('cycle --compare prints the voltage RMSE against a measured CSV (BDF or Time [s],I[A],U[V])', async () => {
  const own = join(dir, 'own.csv');
  const args = ['cycle', '--cell', BPX, '--model', 'spm', '--experiment', 'Discharge at 1C until 2.5 V'];
  let r = await cli([...args, '--csv', own, '--json']);
  assert.equal(r.code, 0, r.stderr);
  // the run against its own BDF output: zero error
  r = await cli([...args, '--compare', own, '--json']);
  assert.equal(r.code, 0, r.stderr);
  let o = JSON.parse(r.stdout);
  assert.ok(o.voltage_rmse_mV < 1e-6, `${o.voltage_rmse_mV} mV`);
  assert.ok(o.compared_points > 10, 'o.compared_points > 10');
  // a "measurement" 10 mV above the run: RMSE 10 mV
  const lines = readFileSync(own, 'utf8').trim().split('\n');
  const head = lines[0]!.split(',');
  const iv = head.indexOf('Voltage / V');
  const shifted = [
    lines[0]!,
    ...lines.slice(1).map((l) =>
      l
        .split(',')
        .map((x, j) => (j === iv ? String(Number(x) + 0.01) : x))
        .join(','),
    ),
  ];
  const sh = join(dir, 'shifted.csv');
  writeFileSync(sh, shifted.join('\n') + '\n');
  r = await cli([...args, '--compare', sh, '--json']);
  o = JSON.parse(r.stdout);
  assert.ok(
    Math.abs(o.voltage_rmse_mV - 10) < 1e-6 && Math.abs(o.voltage_max_error_mV - 10) < 1e-6,
    `${o.voltage_rmse_mV} mV`,
  );
  // the validation set's format, a real 1C discharge of the cell: tens of mV, not volts
  r = await cli([...args, '--compare', MEASURED, '--json']);
  assert.equal(r.code, 0, r.stderr);
  o = JSON.parse(r.stdout);
  assert.ok(o.voltage_rmse_mV > 1 && o.voltage_rmse_mV < 100, `${o.voltage_rmse_mV} mV`);
  // bad files: exit 2 naming --compare
  r = await cli([...args, '--compare', join(dir, 'missing.csv')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--compare: file not found/);
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'a,b\n1,2\n');
  r = await cli([...args, '--compare', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--compare: .*bad\.csv.*missing column 'Voltage \/ V'/);
});

test("cycle on a recipe's cell starts as produced (discharged) unless --initial-soc says otherwise", async () => {
  const dis = ['--experiment', 'Discharge at 0.2C until 3 V'];
  let r = await cli(['cycle', '--cell', RECIPE, '--model', 'spme', ...dis, '--json']);
  assert.equal(r.code, 0, r.stderr);
  let o = JSON.parse(r.stdout);
  assert.equal(o.initial_soc, 0);
  assert.ok(o.discharge_capacity_Ah < 1e-6, `fresh cell discharges ${o.discharge_capacity_Ah} Ah`);
  r = await cli(['cycle', '--cell', RECIPE, '--model', 'spme', ...dis, '--initial-soc', '1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  o = JSON.parse(r.stdout);
  assert.equal(o.initial_soc, 1);
  assert.ok(o.discharge_capacity_Ah > 0.1, `charged cell discharges ${o.discharge_capacity_Ah} Ah`);
  r = await cli(['cycle', '--cell', RECIPE, '--model', 'spme', ...dis, '--initial-soc', 'full']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--initial-soc: .*\(got "full"; allowed a number 0–1/);
});

test('cycle --current-profile with --compare and --summary-csv: same RMSE as the profile’s own U[V], summary = run', async () => {
  const prof = join(dir, 'profile.csv');
  writeFileSync(prof, readFileSync(MEASURED, 'utf8').split('\n').slice(0, 600).join('\n'));
  const sum = join(dir, 'profile-summary.csv');
  const own = await cli(['cycle', '--cell', BPX, '--model', 'spm', '--current-profile', prof, '--json']);
  assert.equal(own.code, 0, own.stderr);
  const r = await cli([
    'cycle',
    '--cell',
    BPX,
    '--model',
    'spm',
    '--current-profile',
    prof,
    '--compare',
    prof,
    '--summary-csv',
    sum,
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const a = JSON.parse(own.stdout);
  const o = JSON.parse(r.stdout);
  assert.ok(
    Math.abs(o.voltage_rmse_mV - a.voltage_rmse_mV) < 1e-3 * a.voltage_rmse_mV,
    `${o.voltage_rmse_mV} vs ${a.voltage_rmse_mV}`,
  );
  const [head, row] = readFileSync(sum, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  assert.ok(
    Math.abs(Number(row![head!.indexOf('Cycle Discharging Capacity / Ah')]) - o.discharge_Ah) < 1e-12,
    "Math.abs(Number(row![head!.indexOf('Cycle Discharging Capacity / Ah')]) - o.discharge_Ah)…",
  );
});
