/**
 * `--set <path>=<value>` on every command that takes a recipe: applied on top of the file, validated
 * exactly like the file (same messages), and a problem at an overridden field names the flag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { cli, patentObject, testDir } from '../helpers.ts';
import { openStore } from '../../src/store/index.ts';

const dir = testDir('rollcell-set-');
const example = new URL('../../examples/patent-line.yaml', import.meta.url).pathname;

test('--set: a bad value gives the same message as in the file, naming the flag instead of the file and line', async () => {
  const r = patentObject();
  r.stations['240'].force_N = -5;
  const f = join(dir, 'bad-force.yaml');
  writeFileSync(f, stringify(r));
  const fromFile = await cli(['validate', f]);
  const fromFlag = await cli(['validate', example, '--set', 'stations.240.force_N=-5']);
  assert.equal(fromFile.code, 2);
  assert.equal(fromFlag.code, 2);
  const fileMsg = fromFile.stderr.trim();
  assert.match(fileMsg, /^.*bad-force\.yaml: stations\.240\.force_N: .* \[line \d+\]$/);
  const body = fileMsg.replace(/^.*?bad-force\.yaml: /, '').replace(/ \[line \d+(, column \d+)?\]$/, '');
  assert.equal(fromFlag.stderr.trim(), `--set stations.240.force_N=-5: ${body}`);
});

test('--set: unknown fields, wrong types, malformed flags and paths through a value are exit 2 naming the flag', async () => {
  const cases: [string[], RegExp][] = [
    [
      ['--set', 'stations.240.forse_N=450'],
      /^--set stations\.240\.forse_N=450: stations\.240\.forse_N: unknown key \(did you mean "force_N"\?\)/,
    ],
    [
      ['--set', 'line.speed_m_per_min=fast'],
      /^--set line\.speed_m_per_min=fast: line\.speed_m_per_min: wrong type \(got "fast"; allowed a finite number\)/,
    ],
    [['--set', 'no-equals-sign'], /^--set: expected <path>=<value>/],
    [['--set', 'name=[1,'], /^--set name: the value is not valid YAML/],
    [['--set', 'cell.width_mm.x=3'], /^--set cell\.width_mm\.x=3: cell\.width_mm: not a block/],
  ];
  for (const [args, re] of cases) {
    const r = await cli(['validate', example, ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr.trim(), re);
  }
  // a BPX cell takes no recipe overrides
  const bpx = new URL('../electrochem-liquid/fixtures/', import.meta.url).pathname;
  const r = await cli(['cycle', '--cell', join(bpx, 'nmc_pouch_cell_BPX.json'), '--model', 'spm', '--set', 'a=1']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--set: overrides apply to a recipe, not to a BPX cell file/);
});

test('--set __proto__ / constructor / toString: refused as paths, and nothing reaches Object.prototype', async () => {
  // before: `__proto__.x=1` set Object.prototype.x for the whole process (the recipe then failed on the
  // materials library's "Unrecognized key x", and every later command in the process broke); `constructor` and
  // `toString` were the data's inherited members ("not a block (got function Object() { [native code] })")
  const cases: [string, RegExp][] = [
    ['__proto__.x=1', /^--set __proto__\.x=1: __proto__\.x: not a field path/],
    ['battery.__proto__.x=1', /^--set battery\.__proto__\.x=1: battery\.__proto__\.x: not a field path/],
    ['constructor.prototype.x=1', /^--set constructor\.prototype\.x=1: constructor: unknown key/],
    ['toString.x=1', /^--set toString\.x=1: toString: unknown key/],
  ];
  for (const [flag, re] of cases) {
    const r = await cli(['validate', example, '--set', flag]);
    assert.equal(r.code, 2, flag);
    assert.match(r.stderr.trim(), re);
    assert.equal(({} as Record<string, unknown>)['x'], undefined, `${flag} reached Object.prototype`);
  }
  // the study paths (sweep --set, a study's parameters): inherited members are not recipe fields
  const { recipeLeaf, setPath } = await import('../../src/study/paths.ts');
  for (const p of ['__proto__', 'constructor', 'toString', 'battery.hasOwnProperty'])
    assert.equal(recipeLeaf(p).ok, false, p);
  setPath({}, '__proto__.y', 1);
  assert.equal(({} as Record<string, unknown>)['y'], undefined);
});

test('run --set: the override changes the run, several flags combine, and the stored recipe is the effective one', async () => {
  const db = join(dir, 'set.db');
  const r = await cli([
    'run',
    example,
    '--json',
    '--no-production',
    '--no-battery',
    '--db',
    db,
    '--out',
    join(dir, 'out'),
    '--set',
    'stations.240.force_N=450',
    '--set',
    'cycling.ageing_cycles=0',
    '--set',
    'cycling.rate_capability=false',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, any>;
  const s240 = out.line.stations.find((s: { id: string }) => s.id === '240');
  assert.equal(s240.force_N, 450);
  const store = await openStore(db);
  try {
    const ex = await store.exportRun(out.run_id);
    const stored = parse(ex.recipe.text) as Record<string, any>;
    assert.equal(stored.stations['240'].force_N, 450, 'stored text carries the override');
    assert.equal(stored.cycling.ageing_cycles, 0);
    assert.match(
      ex.recipe.text,
      /^# .*patent-line\.yaml with --set stations\.240\.force_N=450 --set cycling\.ageing_cycles=0/,
    );
    assert.equal(stored.stations['236'].force_N, patentObject().stations['236'].force_N, 'the rest as in the file');
  } finally {
    await store.close();
  }
});

test('battery --set: the pack size from the flag', async () => {
  const r = await cli([
    'battery',
    example,
    '--profile',
    'ess:solar',
    '--json',
    '--set',
    'battery={series: 2, parallel: 2, application: ess_solar, extras: {years: 0}}',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const b = JSON.parse(r.stdout) as Record<string, any>;
  assert.equal(b.pack.cells, 4);
});
