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
  for (const p of o.parameters)
    assert.ok(
      p.identifiable ? p.ci95[0] <= p.value && p.value <= p.ci95[1] : p.reason,
      'p.identifiable ? p.ci95[0] <= p.value && p.value <= p.ci95[1] : p.reason',
    );
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

const RECIPE = join(process.cwd(), 'examples', 'patent-line.yaml');

test('rollcell fit --cell recipe.yaml: a rate test fitted to the produced solid-state cell; the recipe patch applies with --set; the HTML report is written', async () => {
  // a rate test made by the model with the cathode diffusivity doubled (the recovery itself is tested in test/fit/ssb-fit.test.ts)
  const rate = join(dir, 'rate.csv');
  writeFileSync(
    rate,
    '# source: synthetic\nC-rate / 1,Capacity Retention / %\n0.1,100\n0.2,97.67\n0.5,93.71\n1,89.77\n2,84.55\n3,80.56\n',
  );
  const patch = join(dir, 'patch.yaml');
  const html = join(dir, 'fit.html');
  const r = await cli([
    'fit',
    '--cell',
    RECIPE,
    '--data',
    rate,
    '--params',
    'rate.cathode_Ds_um2_s:1e-3:3e-2:log',
    '--out',
    patch,
    '--report',
    html,
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.cell_kind, 'recipe');
  assert.equal(o.recipe_patch, patch);
  const ds = o.parameters[0];
  assert.equal(ds.path, 'cycling.model_parameters.rate.cathode_Ds_um2_s');
  assert.ok(Math.abs(Math.log(ds.value / 8e-3)) < 0.1, `Ds ${ds.value} µm²/s (made with 8e-3)`);
  assert.ok(o.profiles[0].rmse_after_pts < 0.1 && o.profiles[0].rmse_before_pts > 2, JSON.stringify(o.profiles));
  // the patch: a YAML block of cycling.model_parameters headed by the --set flags that apply it
  const text = readFileSync(patch, 'utf8');
  const set = /--set (cycling\.model_parameters\.rate\.cathode_Ds_um2_s=\S+)/.exec(text);
  assert.ok(set, text);
  const { parse } = await import('yaml');
  assert.equal(
    (parse(text) as { cycling: { model_parameters: { rate: { cathode_Ds_um2_s: number } } } }).cycling.model_parameters
      .rate.cathode_Ds_um2_s,
    Number(ds.value.toPrecision(6)),
  );
  const v = await cli(['validate', RECIPE, '--set', set[1]!]);
  assert.equal(v.code, 0, v.stderr);
  const report = readFileSync(html, 'utf8');
  for (const cls of ['fit-block', 'fit-cost', 'fit-traces', 'fit-correlation'])
    assert.ok(report.includes(cls), `report has svg.${cls}`);
  assert.match(report, /C-rate \/ 1/);
  assert.match(report, /retention \/ %/);
});

test('rollcell fit: a recipe is fitted to fade curves and rate tests, a BPX cell to profiles — the wrong kind, model or name exits 2', async () => {
  const fade = join(dir, 'fade.csv');
  writeFileSync(fade, 'Cycle Count / 1,Capacity Retention / %\n1,100\n10,97\n');
  const cases: [string[], RegExp][] = [
    [
      ['fit', '--cell', CELL, '--data', fade, '--params', 'positive.sto_min:0.4:0.45'],
      /--data\.0: a fade curve is fitted to a recipe/,
    ],
    [
      ['fit', '--cell', RECIPE, '--data', oneC, '--params', 'ageing.cei_kR:1e-6:1e-5'],
      /--data\.0: a current profile is fitted to a BPX/,
    ],
    [
      ['fit', '--cell', RECIPE, '--model', 'dfn', '--data', fade, '--params', 'ageing.cei_kR:1e-6:1e-5'],
      /--model: not a model of the recipe fit/,
    ],
    [
      ['fit', '--cell', RECIPE, '--data', fade, '--params', 'ageing.kR:1e-6:1e-5'],
      /params\.0\.name: not a parameter of the solid-state cell/,
    ],
    [
      ['fit', '--cell', RECIPE, '--data', fade, '--params', 'ageing.cei_kR:1e-6:1e-5', '--report', fade, '--force'],
      /--report: is an input/,
    ],
  ];
  for (const [args, re] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});
