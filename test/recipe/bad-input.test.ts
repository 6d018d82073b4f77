/**
 * The bad-input corpus: every bad recipe exits 2 with one line per problem naming the path, the value
 * and what is allowed; never a stack trace, never a hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { cli, patentObject, PATENT_YAML, testDir } from '../helpers.ts';

type Obj = Record<string, any>;
const dir = testDir('rollcell-bad-');
let n = 0;
function file(text: string): string {
  const f = join(dir, `bad-${n++}.yaml`);
  writeFileSync(f, text);
  return f;
}
function mutate(fn: (r: Obj) => void): string {
  const r = patentObject();
  fn(r);
  return stringify(r);
}

/** [name, recipe text, substrings every one of which must appear in stderr] */
const cases: [string, string, string[]][] = [
  ['missing name', mutate((r) => delete r.name), ['name: required field is missing']],
  ['missing first_sheet', mutate((r) => delete r.first_sheet), ['first_sheet: required field is missing']],
  ['missing stations.240', mutate((r) => delete r.stations['240']), ['stations.240: required field is missing']],
  [
    'missing line speed',
    mutate((r) => delete r.line.speed_m_per_min),
    ['line.speed_m_per_min: required field is missing', 'allowed a finite number'],
  ],
  ['missing cell block', mutate((r) => delete r.cell), ['cell: required field is missing']],
  [
    'missing Al thickness',
    mutate((r) => delete r.al_sheet.thickness_um),
    ['al_sheet.thickness_um: required field is missing'],
  ],
  [
    'string for number',
    mutate((r) => (r.stations['240'].force_N = 'three hundred')),
    ['stations.240.force_N: wrong type', 'got "three hundred"', 'allowed a finite number'],
  ],
  ['numeric string', mutate((r) => (r.cell.width_mm = '80')), ['cell.width_mm: wrong type', 'got "80"']],
  ['boolean for number', mutate((r) => (r.line.web_width_mm = true)), ['line.web_width_mm: wrong type', 'got true']],
  ['list for number', mutate((r) => (r.cell.length_mm = [1, 2])), ['cell.length_mm: wrong type', 'got a list of 2']],
  [
    'NaN',
    PATENT_YAML.replace('stack_pressure_MPa: 5', 'stack_pressure_MPa: .nan'),
    ['cell.stack_pressure_MPa', 'got NaN', 'allowed a finite number'],
  ],
  [
    'Infinity',
    PATENT_YAML.replace('speed_m_per_min: 1', 'speed_m_per_min: .inf'),
    ['line.speed_m_per_min', 'Infinity', 'allowed a finite number'],
  ],
  ['-Infinity', PATENT_YAML.replace('thickness_um: 60', 'thickness_um: -.inf'), ['first_sheet.cathode.thickness_um']],
  [
    'negative thickness',
    mutate((r) => (r.first_sheet.electrolyte_layer.thickness_um = -3)),
    ['first_sheet.electrolyte_layer.thickness_um: out of the physical range (got -3; allowed > 0)'],
  ],
  ['zero thickness', mutate((r) => (r.al_sheet.thickness_um = 0)), ['al_sheet.thickness_um', 'got 0; allowed > 0']],
  [
    // fuzz seed 2 run #285: validate said ok, and the run ended with an internal path (anode.x: NaN)
    'cathode particle smaller than a unit cell',
    mutate((r) => (r.first_sheet.cathode.particle_radius_um = 1e-9)),
    ['first_sheet.cathode.particle_radius_um: out of the physical range (got 1e-9; allowed >= 0.001)'],
  ],
  [
    // fuzz seed 3 run #328: 1e-9 s validated, and the shift drew its station signals at 1e-10 s (RSS past 18 GB)
    'station fluctuations faster than the signals can be drawn',
    mutate((r) => (r.variability = { stations: { correlation_time_s: 1e-9 } })),
    ['variability.stations.correlation_time_s: out of the physical range (got 1e-9; allowed >= 0.1)'],
  ],
  [
    // fuzz seed 3 run #284: a 2.5 mm particle in a 60 µm layer ran into anode.x: NaN (exit 2, internal path)
    'cathode particle wider than its layer',
    mutate((r) => (r.first_sheet.cathode.particle_radius_um = 2500)),
    [
      'first_sheet.cathode.particle_radius_um: an active particle cannot be wider than the cathode layer it sits in',
      'got 2500 µm, a 5000 µm diameter in a 60 µm layer; allowed ≤ 30 µm',
    ],
  ],
  ['negative force', mutate((r) => (r.stations['236'].force_N = -5)), ['stations.236.force_N', 'got -5; allowed >= 0']],
  [
    'temperature below absolute zero',
    mutate((r) => (r.stations['240'].temperature_C = -300)),
    ['stations.240.temperature_C', 'got -300; allowed > -273.15'],
  ],
  [
    'porosity 100 %',
    mutate((r) => (r.first_sheet.cathode.porosity_pct = 100)),
    ['first_sheet.cathode.porosity_pct', 'got 100; allowed < 100'],
  ],
  [
    'negative porosity',
    mutate((r) => (r.first_sheet.cathode.porosity_pct = -1)),
    ['first_sheet.cathode.porosity_pct', 'got -1'],
  ],
  [
    'wt% not summing to 100',
    mutate((r) => (r.first_sheet.cathode.composition_wt_pct.active = 60)),
    ['first_sheet.cathode.composition_wt_pct: mass fractions must sum to 100 (got sum 90'],
  ],
  [
    'wt% over 100',
    mutate((r) => (r.first_sheet.cathode.composition_wt_pct.electrolyte = 40)),
    ['mass fractions must sum to 100 (got sum 113'],
  ],
  [
    'Li content over 100 %',
    mutate((r) => (r.third_sheet.li_layer.li_wt_pct = 120)),
    ['third_sheet.li_layer.li_wt_pct', 'got 120; allowed <= 100'],
  ],
  [
    'Li content zero',
    mutate((r) => (r.third_sheet.li_layer.li_wt_pct = 0)),
    ['third_sheet.li_layer.li_wt_pct', 'allowed > 0'],
  ],
  [
    'unknown cathode with suggestion',
    mutate((r) => (r.first_sheet.cathode.active_material = 'NCM81')),
    ['first_sheet.cathode.active_material: unknown material (did you mean "NCM811"?)', 'got "NCM81"'],
  ],
  [
    'unknown electrolyte with suggestion',
    mutate((r) => (r.first_sheet.electrolyte_layer.material = 'Li6PS5Cll')),
    ['first_sheet.electrolyte_layer.material', 'did you mean "Li6PS5Cl"?'],
  ],
  [
    'cathode material used as electrolyte',
    mutate((r) => (r.first_sheet.electrolyte_layer.material = 'NCM811')),
    ['first_sheet.electrolyte_layer.material: unknown material', 'solid_electrolyte'],
  ],
  [
    'unknown collector',
    mutate((r) => (r.third_sheet.conductive_layer.material = 'Unobtainium')),
    ['third_sheet.conductive_layer.material: unknown material', 'got "Unobtainium"'],
  ],
  [
    'unknown binder',
    mutate((r) => (r.first_sheet.cathode.binder = 'PVFD')),
    ['first_sheet.cathode.binder', 'did you mean "PVDF"?'],
  ],
  [
    'bad enum with suggestion',
    mutate((r) => (r.al_sheet.form = 'foils')),
    ['al_sheet.form: not a known option (did you mean "foil"?)', 'allowed one of "foil", "particles_on_carrier"'],
  ],
  [
    'bad supply mode',
    mutate((r) => (r.first_sheet.supply = 'insitu')),
    ['first_sheet.supply', 'did you mean "in_situ"?'],
  ],
  [
    'typo key with suggestion',
    mutate((r) => (r.cell.stack_presure_MPa = 5)),
    ['cell.stack_presure_MPa: unknown key (did you mean "stack_pressure_MPa"?)'],
  ],
  ['unknown top-level key', mutate((r) => (r.extra = 1)), ['extra: unknown key']],
  ['unknown station id', mutate((r) => (r.stations['241'] = r.stations['240'])), ['stations.241: unknown key']],
  [
    'in-situ without 222',
    mutate((r) => delete r.stations['222']),
    ['stations.222: in-situ lamination of the first composite sheet needs station 222'],
  ],
  [
    'particles without carrier',
    mutate((r) => (r.al_sheet.form = 'particles_on_carrier')),
    ['al_sheet.carrier: an Al-particle sheet rides on a plastic carrier'],
  ],
  [
    'carrier never peeled',
    mutate((r) => {
      r.al_sheet.form = 'particles_on_carrier';
      r.al_sheet.carrier = { material: 'PET', thickness_um: 25, removed_before: 'never' };
    }),
    [
      'al_sheet.carrier.removed_before: the plastic carrier must be peeled off before station 236',
      '(got "never"; allowed "236")',
    ],
  ],
  [
    'carrier on a foil',
    mutate((r) => (r.al_sheet.carrier = { material: 'PET', thickness_um: 25 })),
    ['al_sheet.carrier: a carrier only applies to form particles_on_carrier'],
  ],
  [
    'neither thickness nor loading',
    mutate((r) => delete r.first_sheet.cathode.thickness_um),
    ['first_sheet.cathode: give the cathode thickness or its loading'],
  ],
  [
    'both thickness and loading',
    mutate((r) => (r.first_sheet.cathode.loading_mg_cm2 = 10)),
    ['give thickness_um or loading_mg_cm2, not both'],
  ],
  [
    'cell wider than web',
    mutate((r) => (r.cell.width_mm = 150)),
    ['cell.width_mm: cells are cut from the web', 'allowed <= line.web_width_mm (100)'],
  ],
  [
    'roll face narrower than web',
    mutate((r) => (r.stations['240'].face_width_mm = 50)),
    ['stations.240.face_width_mm: the roll face must cover the web'],
  ],
  [
    'cut-offs inverted',
    mutate((r) => (r.cycling.discharge_cutoff_V = 4.5)),
    ['cycling.discharge_cutoff_V: the discharge cut-off must be below the charge cut-off'],
  ],
  ['battery with zero cells', mutate((r) => (r.battery.series = 0)), ['battery.series', 'got 0; allowed >= 1']],
  ['fractional cell count', mutate((r) => (r.battery.parallel = 1.5)), ['battery.parallel', 'got 1.5']],
  ['empty experiment list', mutate((r) => (r.experiment = [])), ['experiment', 'at least 1 item']],
  ['experiment entry of wrong shape', mutate((r) => (r.experiment = [{ repeat: 2 }])), ['experiment.0']],
  ['recipe is a list', '- a\n- b\n', ['(recipe): a recipe is a YAML mapping', 'got a list of 2']],
  ['recipe is a scalar', 'hello\n', ['(recipe): a recipe is a YAML mapping', 'got "hello"']],
  ['empty file', '', ['(recipe): empty recipe']],
  ['whitespace only', '   \n\n', ['(recipe): empty recipe']],
  ['YAML syntax error', 'name: x\n  bad: [1, 2\n', ['(recipe): YAML syntax error']],
  ['tab indentation', 'name: x\nline:\n\tspeed_m_per_min: 1\n', ['(recipe): YAML syntax error']],
  ['duplicate key', PATENT_YAML + '\nname: again\n', ['name: key given twice in the same mapping', '[line ']],
  [
    'alias bomb',
    [
      'a: &a [1,1,1,1,1,1,1,1,1,1]',
      ...'bcdefgh'.split('').map(
        (c, i) =>
          `${c}: &${c} [${Array(10)
            .fill('*' + 'abcdefgh'[i])
            .join(',')}]`,
      ),
    ].join('\n') + '\n',
    ['alias'],
  ],
  ['deeply nested', 'name: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n', ['(recipe): nesting too deep']],
  [
    'moderately deep nesting',
    'name: x\ndescription: ' + '{a: '.repeat(40) + '1' + '}'.repeat(40) + '\n',
    ['(recipe): nesting too deep'],
  ],
  [
    '20 MB file',
    'name: x\n' + '# ' + 'x'.repeat(20 * 1024 * 1024) + '\n',
    ['recipe: file too large', 'at most 1000000 bytes'],
  ],
];

test(`bad-input corpus has at least 40 recipes (${cases.length})`, () => {
  assert.ok(cases.length >= 40, 'cases.length >= 40');
});

for (const [name, text, expected] of cases) {
  test(`bad recipe: ${name} → exit 2 with a clear message`, async () => {
    const f = file(text);
    const t0 = Date.now();
    const r = await cli(['validate', f]);
    assert.equal(r.code, 2, `exit code for "${name}" (stderr: ${r.stderr})`);
    assert.equal(r.stdout, '', 'nothing on stdout');
    const lines = r.stderr.trim().split('\n');
    assert.ok(lines.length >= 1, 'lines.length >= 1');
    for (const l of lines) {
      assert.match(l, /: .+ \(got .+; allowed .+\)/, `every line names path, value and what is allowed: ${l}`);
      assert.doesNotMatch(l, /\bat .+\.ts:\d+/, 'no stack trace');
      assert.doesNotMatch(l, /undefined/, 'no "undefined" in messages');
    }
    for (const e of expected) assert.ok(r.stderr.includes(e), `"${name}": expected "${e}" in:\n${r.stderr}`);
    assert.ok(Date.now() - t0 < 10_000, 'never hangs');
  });
}

test('a missing file exits 2 naming the file', async () => {
  const r = await cli(['validate', join(dir, 'does-not-exist.yaml')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /recipe: file not found \(got ".*does-not-exist.yaml"; allowed a regular YAML recipe file/);
});

test('problems carry the YAML line number', async () => {
  const f = file(
    PATENT_YAML.replace(
      'force_N: 300, roll_diameter_mm: 100, face_width_mm: 120, temperature_C: 100',
      'force_N: -1, roll_diameter_mm: 100, face_width_mm: 120, temperature_C: 100',
    ),
  );
  const r = await cli(['validate', f]);
  const expectedLine = PATENT_YAML.split('\n').findIndex((l) => l.includes('"240"')) + 1;
  assert.ok(r.stderr.includes(`[line ${expectedLine}]`), r.stderr);
});

test('an invalid --seed exits 2', async () => {
  const f = file(PATENT_YAML);
  const r = await cli(['run', f, '--seed', 'abc']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--seed: must be a non-negative integer \(got "abc"/);
});

test('an unknown command exits 2 without a stack trace', async () => {
  const r = await cli(['frobnicate']);
  assert.equal(r.code, 2);
  assert.doesNotMatch(r.stderr, /at .*\.ts/);
});
