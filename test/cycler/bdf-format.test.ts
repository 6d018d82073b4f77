/**
 * The Battery Data Format as its specification and reference validator (battery-data-alliance/
 * battery-data-format 1412b98) define it: headers by preferred label, notation, synonym, deprecated label
 * or another unit of the quantity; text columns and empty cells; the validator's required columns and
 * derived-column checks; PyBaMM's drive-cycle files; `--current-profile` with BDF and PyBaMM files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBdfCsv, parseCsvTable, parseDriveCycleCsv } from '../../src/cycler/bdf.ts';
import { validateBdfTable } from '../../src/cycler/bdf-validate.ts';
import { resolveBdfHeader } from '../../src/cycler/bdf-ontology.ts';
import { cli, testDir } from '../helpers.ts';

const CORPORA = new URL('../conformance/corpora/', import.meta.url);

test('headers resolve as the reference resolves them: label, notation, deprecated label, synonym', () => {
  assert.deepEqual(
    ['Test Time / s', 'test_time_second', 'voltage_volt', 'Unix Time / ms', 'Voltage', 'cycle_count', 'Step Index'].map(
      (h) => {
        const r = resolveBdfHeader(h);
        return r ? `${r.column.label} (${r.via})` : undefined;
      },
    ),
    [
      'Test Time / s (label)',
      'Test Time / s (notation)',
      'Voltage / V (notation)',
      'Unix Time / s (deprecated)',
      'Voltage / V (synonym)',
      'Cycle Count / 1 (notation)',
      'Step ID (synonym)',
    ],
  );
  assert.equal(resolveBdfHeader('State of Charge / 1'), undefined);
});

test('reading: notations, other units (mA, ms), text columns and empty cells', () => {
  const csv = [
    'test_time_second,Voltage / V,Current / mA,Step Type,Temperature T1 / degC,Test Time / ms',
    '0,3.7,100,CC charge,25.1,0',
    '1.5,3.71,100,CC charge,,1500',
    '3,3.72,,rest,25.3,3000',
  ].join('\n');
  const r = parseBdfCsv(csv);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
  if (!r.ok) return;
  assert.deepEqual(r.value.time_s, [0, 1.5, 3]);
  assert.deepEqual(r.value.current_A, [0.1, 0.1, NaN]);
  assert.deepEqual(r.value.text['Step Type'], ['CC charge', 'CC charge', 'rest']);
  assert.deepEqual(r.value.columns['Temperature T1 / degC'], [25.1, NaN, 25.3]);
  // a second time column (deprecated ms label) keeps its own name, in seconds
  assert.deepEqual(r.value.columns['Test Time / ms'], [0, 1500, 3000]);
  // a required column with text is an error naming line and column
  const bad = parseBdfCsv('Test Time / s,Voltage / V,Current / A\n0,3.7,1\n1,3.7,one\n');
  assert.ok(
    !bad.ok && bad.errors[0]!.line === 3 && bad.errors[0]!.column === 3,
    '!bad.ok && bad.errors[0]!.line === 3 && bad.errors[0]!.column === 3',
  );
});

test('the validator: required columns, and the derived checks that flag per-cycle values under cumulative names', () => {
  const sample = parseCsvTable(readFileSync(new URL('bdf/sample.bdf.csv', CORPORA), 'utf8'), []);
  assert.ok(sample.ok, 'sample.ok');
  if (!sample.ok) return;
  const cols = sample.value.header.map((h) => sample.value.columns[h]!);
  assert.equal(validateBdfTable(sample.value.rawHeader, cols).clean, true);
  const noCurrent = validateBdfTable(['Test Time / s', 'Voltage / V'], [cols[0]!, cols[1]!]);
  assert.deepEqual(noCurrent.missing, ['Current / A']);
  // a summary that puts each cycle's charge under 'Charging Capacity / Ah' (cumulative by definition) drops
  const summary = validateBdfTable(
    ['Test Time / s', 'Voltage / V', 'Current / A', 'Cycle Count / 1', 'Charging Capacity / Ah'],
    [
      [3600, 7200, 10800],
      [3, 3, 3],
      [0, 0, 0],
      [1, 2, 3],
      [1.0, 0.99, 0.98],
    ],
  );
  assert.ok(summary.ok, 'summary.ok');
  assert.match(summary.issues.join(' '), /'charging_capacity_ah' is not monotonically non-decreasing \(2 drops\)/);
  // Unix time against test time: milliseconds under a seconds header are caught
  const t = Array.from({ length: 20 }, (_, i) => i * 10);
  const ms = validateBdfTable(
    ['Test Time / s', 'Unix Time / s', 'Voltage / V', 'Current / A'],
    [t.map((x) => x * 1000), t.map((x) => 1.7e9 + x), t.map(() => 3.7), t.map(() => 0)],
  );
  assert.match(ms.issues.join(' '), /values appear to be milliseconds/);
});

test("PyBaMM's drive-cycle files: comment lines, headerless rows, current positive on discharge (negated)", () => {
  const us06 = readFileSync(new URL('pybamm/drive_cycles/US06.csv', CORPORA), 'utf8');
  const r = parseDriveCycleCsv(us06);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.errors));
  if (!r.ok) return;
  assert.equal(r.value.sign, 'discharge-positive');
  assert.equal(r.value.time_s.length, 601);
  // the file's first row: 0,0.012859 (discharge in PyBaMM) → −0.012859 A in rollcell's convention
  assert.equal(r.value.value[0], -0.012859);
});

test('--current-profile takes a BDF file and a PyBaMM drive cycle', async () => {
  const dir = testDir('rollcell-profile-');
  const bpx = new URL('bpx/examples/nmc_pouch_cell_BPX.json', CORPORA).pathname;
  const bdf = join(dir, 'pulse.csv');
  writeFileSync(bdf, 'test_time_second,current_ampere\n0,-12.5\n300,-12.5\n301,0\n600,0\n');
  const aef = join(dir, 'pulse-ae.csv');
  writeFileSync(aef, 'Time [s],I[A]\n0,-12.5\n300,-12.5\n301,0\n600,0\n');
  const run = async (f: string, extra: string[] = []): Promise<any> => {
    const x = await cli(['cycle', '--cell', bpx, '--model', 'spm', '--current-profile', f, '--json', ...extra]);
    assert.equal(x.code, 0, x.stderr);
    return JSON.parse(x.stdout);
  };
  const a = await run(bdf, ['--initial-soc', '1']);
  const b = await run(aef, ['--initial-soc', '1']);
  assert.equal(a.profile_format, 'BDF');
  assert.equal(b.profile_format, 'Time [s],I[A],U[V]');
  // the same profile in two formats: the same run
  assert.equal(a.discharge_Ah, b.discharge_Ah);
  assert.ok(Math.abs(a.discharge_Ah - (12.5 * 300 + 0.5 * 12.5) / 3600) < 0.02 * a.discharge_Ah, `${a.discharge_Ah}`);
  const us06 = new URL('pybamm/drive_cycles/US06.csv', CORPORA).pathname;
  const csv = join(dir, 'us06-out.csv');
  const o = await run(us06, ['--csv', csv]);
  assert.equal(o.profile_format, 'PyBaMM drive cycle');
  // US06 is mostly a discharge in PyBaMM's convention: more charge leaves the cell than enters it
  assert.ok(o.discharge_Ah > o.charge_Ah, `${o.discharge_Ah} vs ${o.charge_Ah}`);
  // the file rollcell writes passes the BDF validator clean
  const t = parseCsvTable(readFileSync(csv, 'utf8'), []);
  assert.ok(t.ok, 't.ok');
  if (!t.ok) return;
  const rep = validateBdfTable(
    t.value.rawHeader,
    t.value.header.map((h) => t.value.columns[h]!),
  );
  assert.ok(rep.clean, JSON.stringify(rep));
  assert.ok(
    t.value.header.includes('Unix Time / s') && t.value.header.includes('Ambient Temperature / degC'),
    "t.value.header.includes('Unix Time / s') && t.value.header.includes('Ambient Temperature…",
  );
});
