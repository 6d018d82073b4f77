import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, testDir } from '../helpers.ts';

const DATA = '/work/shared/validation/about-energy-nmc';
const CELL = join(DATA, 'nmc_pouch_cell_BPX.json');
const dir = testDir('rollcell-fit-');

/** the first 10 min of the measured 1C and 2C discharges as About:Energy-layout CSVs */
function segment(file: string, tEnd: number): string {
  const lines = readFileSync(join(DATA, file), 'utf8').trim().split('\n');
  const keep = [lines[0]!, ...lines.slice(1).filter((l) => Number(l.split(',')[0]) <= tEnd)];
  const f = join(dir, file);
  writeFileSync(f, keep.join('\n') + '\n');
  return f;
}
const oneC = segment('NMC_25degC_1C.csv', 600);
const twoC = segment('NMC_25degC_2C.csv', 600);

test('rollcell fit: SPMe fitted to two measured segments with a held-out one; RMSE falls, intervals or reasons, fitted BPX written', async () => {
  const out = join(dir, 'fitted.json');
  const r = await cli([
    'fit',
    '--cell',
    CELL,
    '--model',
    'spme',
    '--data',
    oneC,
    '--hold-out',
    twoC,
    '--params',
    'positive.diffusivity:1e-15:1e-12:log',
    '--params',
    'negative.sto_max:0.7:0.8',
    '--points',
    '60',
    '--out',
    out,
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.parameters.length, 2);
  const fitted = o.profiles.find((p: { held_out: boolean }) => !p.held_out);
  assert.ok(fitted.rmse_after_mV < fitted.rmse_before_mV, JSON.stringify(o.profiles));
  assert.equal(o.profiles.filter((p: { held_out: boolean }) => p.held_out).length, 1);
  for (const p of o.parameters) assert.ok(p.identifiable ? p.ci95[0] <= p.value && p.value <= p.ci95[1] : p.reason);
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(doc['Parameterisation']['Negative electrode']['Maximum stoichiometry'], o.parameters[1].value);
});

test('rollcell fit: bad parameter specs, bounds, files and methods exit 2 naming the flag', async () => {
  const base = ['fit', '--cell', CELL, '--model', 'spme', '--data', oneC];
  const cases: [string[], RegExp][] = [
    [[...base, '--params', 'negative.diffusivity'], /--params\.0: not a parameter spec/],
    [[...base, '--params', 'negative.diffusivity:2:1'], /--params\.0: invalid bounds/],
    [[...base, '--params', 'negative.diffusivity:0:1:log'], /--params\.0: invalid bounds.*lower > 0/],
    [[...base, '--params', 'negative.nonsense:0:1'], /params\.0\.name: not a field of the BPX file/],
    [
      ['fit', '--cell', CELL, '--data', join(dir, 'missing.csv'), '--params', 'initial_soc:0.9:1'],
      /--data\.0: file not found/,
    ],
    [[...base, '--params', 'positive.sto_min:0.4:0.45', '--method', 'newton'], /--method: unknown method/],
    [
      ['fit', '--cell', join(dir, 'missing.json'), '--data', oneC, '--params', 'positive.sto_min:0.4:0.45'],
      /--cell: file not found/,
    ],
  ];
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'Time [s],I[A],U[V]\n0,1,3.5\n5,1,3.6\n4,1,3.7\n');
  cases.push([
    ['fit', '--cell', CELL, '--data', bad, '--params', 'positive.sto_min:0.4:0.45'],
    /--data\.0.*must increase.*line 4/,
  ]);
  // --out is checked before the fit: never an input (not even with --force), an existing file only with --force
  const cell = join(dir, 'cell.json');
  writeFileSync(cell, readFileSync(CELL, 'utf8'));
  const fitOut = ['fit', '--cell', cell, '--model', 'spm', '--data', oneC, '--params', 'positive.sto_min:0.4:0.45'];
  cases.push(
    [[...fitOut, '--out', cell, '--force'], /--out: is an input of this command and would be overwritten/],
    [[...fitOut, '--out', oneC, '--force'], /--out: is an input of this command/],
    [[...fitOut, '--out', bad], /--out: file exists \(not overwritten\)/],
    [['fit', '--cell', '/dev/zero', '--data', oneC, '--params', 'a:0:1'], /--cell: not a regular file/],
  );
  for (const [args, re] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  assert.equal(readFileSync(cell, 'utf8'), readFileSync(CELL, 'utf8'), 'the cell file is untouched');
});
