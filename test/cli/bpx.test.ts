/**
 * BPX on the command line: `rollcell bpx check` reports the reference validator's verdict with its
 * field paths, and `rollcell cycle` honours a BPX 1.x State (ambient temperature, initial SOC;
 * --initial-soc overrides).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, testDir } from '../helpers.ts';

const dir = testDir('rollcell-bpx-');
const EXAMPLES = new URL('../conformance/corpora/bpx/examples/', import.meta.url).pathname;
const V0 = JSON.parse(readFileSync(join(EXAMPLES, 'nmc_pouch_cell_BPX.json'), 'utf8')) as Record<string, any>;

/** the About:Energy NMC example as a BPX 1.x file with a State */
function v1(state: Record<string, unknown>): string {
  const d = structuredClone(V0);
  d['Header']['BPX'] = '1.0.0';
  for (const k of ['Ambient temperature [K]', 'Initial temperature [K]', 'Thermal conductivity [W.m-1.K-1]'])
    delete d['Parameterisation']['Cell'][k];
  delete d['Parameterisation']['Electrolyte']['Initial concentration [mol.m-3]'];
  d['State'] = state;
  const f = join(dir, `cell-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, JSON.stringify(d));
  return f;
}

test('bpx check: accepted examples (v0.x converted) exit 0; a refused file exits 2 with the field path', async () => {
  let r = await cli(['bpx', 'check', join(EXAMPLES, 'nmc_pouch_cell_BPX_SPM.json'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.valid, true);
  assert.equal(o.legacy, true);
  assert.deepEqual(o.rollcell.models, ['spm']);
  assert.ok(
    o.warnings.some((w: string) => /maximum voltage computed from the STO limits/.test(w)),
    'o.warnings.some((w: string) => /maximum voltage computed from the STO limits/.test(w))',
  );
  const bad = structuredClone(V0);
  bad['Parameterisation']['Electrolyte']['bad'] = "this shouldn't be here";
  const f = join(dir, 'bad.json');
  writeFileSync(f, JSON.stringify(bad));
  r = await cli(['bpx', 'check', f]);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /refused by the BPX standard/);
  assert.match(r.stdout, /error {2}Parameterisation\.Electrolyte\.bad: Extra inputs are not permitted/);
  r = await cli(['bpx', 'check', f, '--v-tol', '-1']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--v-tol: v_tol should not be negative/);
});

test('bpx check lists the dfn for the blended-electrode example, and cycle runs it in the DFN (per-material outputs)', async () => {
  const f = join(EXAMPLES, 'nmc_pouch_cell_BPX_blended_electrode.json');
  let r = await cli(['bpx', 'check', f, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).rollcell.models, ['dfn', 'spme', 'spm']);
  const csv = join(dir, 'blend-dfn.csv');
  r = await cli([
    'cycle',
    '--cell',
    f,
    '--model',
    'dfn',
    '--experiment',
    'Discharge at 1C for 10 minutes',
    '--csv',
    csv,
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  // 10 minutes at 1C of the 12.5 A·h cell: 12.5/6 A·h out
  assert.ok(Math.abs(o.discharge_capacity_Ah - 12.5 / 6) < 1e-3, String(o.discharge_capacity_Ah));
  assert.match(readFileSync(csv, 'utf8').split('\n')[0]!, /cathode_small_particles_I_A/);
});

test('cycle honours the BPX State: 318 K and SOC 0.5 from the file, --initial-soc overrides', async () => {
  const hot = v1({
    'Initial conditions': { 'Initial state-of-charge': 0.5 },
    'Thermal environment': { 'Ambient temperature [K]': 318.15 },
  });
  const cold = v1({ 'Initial conditions': { 'Initial state-of-charge': 1 } });
  const run = async (f: string, extra: string[] = []): Promise<any> => {
    const r = await cli([
      'cycle',
      '--cell',
      f,
      '--model',
      'spm',
      '--experiment',
      'Discharge at 1C until 2.7 V',
      '--json',
      ...extra,
    ]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const a = await run(hot);
  const b = await run(cold);
  const c = await run(hot, ['--initial-soc', '1']);
  assert.equal(a.initial_soc, 0.5);
  assert.equal(b.initial_soc, 1);
  assert.equal(c.initial_soc, 1);
  // from SOC 0.5 about half the charge comes out; from SOC 1 at 318 K a little more than at 298 K
  assert.ok(
    a.discharge_capacity_Ah / b.discharge_capacity_Ah > 0.4 && a.discharge_capacity_Ah / b.discharge_capacity_Ah < 0.6,
    'a.discharge_capacity_Ah / b.discharge_capacity_Ah > 0.4 && a.discharge_capacity_Ah / b.di…',
  );
  assert.ok(c.discharge_capacity_Ah > b.discharge_capacity_Ah, 'c.discharge_capacity_Ah > b.discharge_capacity_Ah');
  // a State SOC outside 0–1 (the schema accepts it) is refused at the start unless --initial-soc is given
  const out = v1({ 'Initial conditions': { 'Initial state-of-charge': 100 } });
  const r = await cli(['cycle', '--cell', out, '--model', 'spm', '--experiment', 'Discharge at 1C until 2.7 V']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /State\.Initial conditions\.Initial state-of-charge: must be between 0 and 1/);
});

test('bpx export: the produced cell as a BPX SPM set the standard accepts; its C/10 charge matches the solid-state SPM', async () => {
  const EXAMPLE = new URL('../../examples/patent-line.yaml', import.meta.url).pathname;
  let r = await cli(['bpx', 'export', EXAMPLE, '--out', join(dir, 'uncoated.bpx.json'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  // the uncoated cathode's first-charge CEI is a side reaction BPX cannot hold: listed, not hidden
  assert.ok(
    JSON.parse(r.stdout).not_expressed.some((n: string) => /interphase that forms on the first charge/.test(n)),
    'JSON.parse(r.stdout).not_expressed.some((n: string) => /interphase that forms on the firs…',
  );
  // the comparison runs on the coated cathode (no CEI), where the SPM set expresses the whole first charge
  const RECIPE = join(dir, 'coated.yaml');
  writeFileSync(RECIPE, readFileSync(EXAMPLE, 'utf8').replace(/(\n {2}cathode:\n)/, '$1    coating: Nb2O5\n'));
  const f = join(dir, 'patent.bpx.json');
  r = await cli(['bpx', 'export', RECIPE, '--out', f, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.accepted_by_the_standard, true);
  assert.ok(
    rep.not_expressed.some((n: string) => /solid electrolyte/.test(n)),
    'rep.not_expressed.some((n: string) => /solid electrolyte/.test(n))',
  );
  assert.ok(
    !rep.not_expressed.some((n: string) => /interphase that forms/.test(n)),
    '!rep.not_expressed.some((n: string) => /interphase that forms/.test(n))',
  );
  r = await cli(['bpx', 'check', f, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).rollcell.models, ['spm']);
  const step = ['--experiment', 'Charge at 0.1C until 4.3 V', '--json'];
  const a = await cli(['cycle', '--cell', f, '--model', 'spm', ...step]);
  const b = await cli(['cycle', '--cell', RECIPE, '--model', 'spm', ...step]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const qa = JSON.parse(a.stdout).charge_capacity_Ah;
  const qb = JSON.parse(b.stdout).charge_capacity_Ah;
  // the BPX file starts where the cell does (State: SOC 0, as produced); capacities within 1 %
  assert.equal(JSON.parse(a.stdout).initial_soc, 0);
  assert.ok(Math.abs(qa / qb - 1) < 0.01, `${qa} vs ${qb} Ah`);
});

test('bpx files are read and written like every other file: export never replaces its recipe or an existing file without --force; check refuses a FIFO and /dev/zero at once', async () => {
  const recipe = join(dir, 'own.yaml');
  const text = readFileSync(new URL('../../examples/patent-line.yaml', import.meta.url), 'utf8');
  writeFileSync(recipe, text);
  let r = await cli(['bpx', 'export', recipe, '--out', recipe, '--force']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--out: is an input of this command and would be overwritten/);
  assert.equal(readFileSync(recipe, 'utf8'), text, 'the recipe is untouched');
  const kept = join(dir, 'kept.json');
  writeFileSync(kept, '{"mine": true}');
  r = await cli(['bpx', 'export', recipe, '--out', kept]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--out: file exists \(not overwritten\)/);
  assert.equal(readFileSync(kept, 'utf8'), '{"mine": true}');
  const fifo = join(dir, 'pipe.json');
  execFileSync('mkfifo', [fifo]);
  const t0 = Date.now();
  for (const [f, kind] of [
    [fifo, 'a FIFO'],
    ['/dev/zero', 'a character device'],
  ] as const) {
    r = await cli(['bpx', 'check', f]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`bpx check: not a regular file \\(${kind}`));
  }
  assert.ok(Date.now() - t0 < 5000, 'refused, not waited on');
});
