/**
 * The material tables are data (issue 13 item 8): data/materials/library.json and mechanics.json, read through
 * the checked loader. Published values load with their source; the computed theoretical capacity is the
 * published one; every property has a unit and a source (or is an assumption); a broken file is refused with
 * its field; and importing the modules reads neither file (start-up, issue 12).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import { allMaterials, getMaterial, propSchema, type Prop } from '../../src/materials/library.ts';
import {
  LI_AL_PHASES,
  MECHANICAL_IDS,
  MOLAR_MASS_AL,
  MOLAR_MASS_LI,
  mechanicalProperties,
} from '../../src/materials/mechanics.ts';
import { toMAhPerG } from '../../src/units/index.ts';

const cites = (p: Prop | undefined, value: number, unit: string, source: RegExp): void => {
  assert.ok(p, 'the property is there');
  assert.equal(p.value, value);
  assert.equal(p.unit, unit);
  assert.match(p.source, source);
};

test('published values load in SI with their source', () => {
  const ncm = getMaterial('NCM811');
  cites(ncm.density, 4780, 'kg m^-3', /li-al-ssb-datasheet\.md §4\.1/);
  cites(
    ncm.youngsModulus,
    199e9,
    'Pa',
    /Cheng et al\., J\. Power Sources 357 \(2017\) 1, doi:10\.1016\/j\.jpowsour\.2017\.05\.003/,
  );
  cites(ncm.latticeVolumeChange, -0.051, '1', /de Biasi et al\., Adv\. Mater\. 31 \(2019\) 1900985/);
  cites(getMaterial('LFP').averagePotential, 3.43, 'V', /Padhi et al\. 1997/);
  cites(getMaterial('Li6PS5Cl').ionicConductivity, 0.2, 'S m^-1', /Hanghofer/);
  cites(mechanicalProperties('Li').youngsModulus, 7.8e9, 'Pa', /Masias et al\., J\. Mater\. Sci\. 54 \(2019\) 2585/);
  cites(LI_AL_PHASES.LiAl.formationEnthalpyPerAtom, -20.55e3, 'J mol^-1', /Dębski/);
  cites(MOLAR_MASS_AL, 0.0269815, 'kg mol^-1', /IUPAC 2021/);
  cites(MOLAR_MASS_LI, 0.00694, 'kg mol^-1', /IUPAC 2021/);
  assert.ok(Number.isNaN(LI_AL_PHASES.Li.liPerAl), 'Li metal has no Li/Al ratio (null in the file)');
});

test('the theoretical capacity is computed from the molar mass (n·F/M): the published 275 mAh/g of NCM811, 3861 of Li', () => {
  const q = (id: string): number => toMAhPerG(getMaterial(id).theoreticalCapacity!.value);
  assert.ok(Math.abs(q('NCM811') - 275.5) < 0.5, `NCM811 ${q('NCM811')}`);
  assert.ok(Math.abs(q('LFP') - 170) < 0.5, `LFP ${q('LFP')}`);
  assert.ok(Math.abs(q('Li') - 3861) < 1, `Li ${q('Li')}`);
});

test('every property has a unit and a source, or is marked an assumption', () => {
  const props: Prop[] = [];
  const walk = (v: unknown): void => {
    if (v && typeof v === 'object') {
      if ('value' in v && 'unit' in v) props.push(v as Prop);
      else for (const x of Object.values(v)) walk(x);
    }
  };
  walk(allMaterials());
  walk(MECHANICAL_IDS.map(mechanicalProperties));
  walk(LI_AL_PHASES);
  assert.ok(props.length > 300, `${props.length} properties`);
  for (const p of props) {
    assert.ok(Number.isFinite(p.value), JSON.stringify(p));
    assert.ok(p.unit.length > 0 && p.source.trim().length > 0, JSON.stringify(p));
  }
  // the library holds 37 materials, the mechanics 17, as the embedded tables did
  assert.equal(allMaterials().length, 37);
  assert.equal(MECHANICAL_IDS.length, 17);
});

test('a property without a source, or with a field the file does not know, is refused with its path', () => {
  const bad = z.object({ p: propSchema }).safeParse({ p: { value: 1, unit: 'Pa', source: '' } });
  assert.ok(!bad.success && bad.error.issues[0]!.path.join('.') === 'p.source');
  const typo = z.object({ p: propSchema }).safeParse({ p: { value: 1, unit: 'Pa', source: 'x', asumption: true } });
  assert.ok(!typo.success);
  const flag = z.object({ p: propSchema }).safeParse({ p: { value: 1, unit: 'Pa', source: 'x', assumption: false } });
  assert.ok(!flag.success, 'assumption is true or absent');
});

test('importing the library and the mechanics reads neither data file; the first use reads each once', () => {
  const lib = new URL('../../src/materials/library.ts', import.meta.url).href;
  const mech = new URL('../../src/materials/mechanics.ts', import.meta.url).href;
  const script = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const orig = fs.readFileSync;
    const read = [];
    fs.readFileSync = (p, ...a) => { read.push(String(p)); return orig(p, ...a); };
    syncBuiltinESMExports();
    const l = await import(${JSON.stringify(lib)});
    const m = await import(${JSON.stringify(mech)});
    const n = (f) => read.filter((p) => p.endsWith(f)).length;
    const atImport = n('library.json') + n('mechanics.json');
    l.getMaterial('Al'); m.MOLAR_MASS_AL.value; m.mechanicalProperties('Cu'); m.LI_AL_PHASES.LiAl;
    console.log(JSON.stringify({ atImport, library: n('library.json'), mechanics: n('mechanics.json') }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
  assert.deepEqual(got, { atImport: 0, library: 1, mechanics: 1 });
});
