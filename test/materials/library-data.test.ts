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
  assert.ok(
    !bad.success && bad.error.issues[0]!.path.join('.') === 'p.source',
    "!bad.success && bad.error.issues[0]!.path.join('.') === 'p.source'",
  );
  const typo = z.object({ p: propSchema }).safeParse({ p: { value: 1, unit: 'Pa', source: 'x', asumption: true } });
  assert.ok(!typo.success, '!typo.success');
  const flag = z.object({ p: propSchema }).safeParse({ p: { value: 1, unit: 'Pa', source: 'x', assumption: false } });
  assert.ok(!flag.success, 'assumption is true or absent');
});

test('every assumption carries a plausible range [low, high] with its basis, and its value lies inside', () => {
  const props: [string, Prop][] = [];
  const walk = (v: unknown, path: string): void => {
    if (v && typeof v === 'object') {
      if ('value' in v && 'unit' in v) props.push([path, v as Prop]);
      else for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    }
  };
  for (const m of allMaterials()) walk(m, `library.${m.id}`);
  for (const id of MECHANICAL_IDS) walk(mechanicalProperties(id), `mechanics.${id}`);
  walk(LI_AL_PHASES, 'phases');
  const assumed = props.filter(([, p]) => p.assumption);
  // 38 in library.json and 84 in mechanics.json when the ranges were added; fewer as values get a source (the
  // Li–Al heat capacities: the Al–Li assessment's Neumann–Kopp) — a floor against a walk that finds none
  assert.ok(assumed.length >= 100, `${assumed.length} assumptions`);
  for (const [path, p] of assumed) {
    assert.ok(p.range, `${path} has a range`);
    const [lo, hi] = p.range;
    assert.ok(lo <= p.value && p.value <= hi, `${path}: ${p.value} in [${lo}, ${hi}]`);
    assert.ok((p.range_basis ?? '').trim().length > 0, `${path} says why`);
  }
  // a range is an interval, never a point
  for (const [path, p] of props.filter(([, q]) => q.range)) assert.ok(p.range![0] < p.range![1], path);
});

test('an assumption without a range, a value outside its range or a range without its basis is refused with its path', () => {
  const check = (p: object): string | undefined => {
    const r = z.object({ p: propSchema }).safeParse({ p });
    return r.success ? undefined : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  };
  const base = { value: 2, unit: 'Pa', source: 'x' };
  assert.equal(check(base), undefined, 'a sourced value needs no range');
  assert.match(check({ ...base, assumption: true }) ?? '', /^p\.range: an assumption needs a plausible range/);
  assert.equal(check({ ...base, assumption: true, range: [1, 3], range_basis: 'b' }), undefined);
  assert.match(
    check({ ...base, assumption: true, range: [3, 4], range_basis: 'b' }) ?? '',
    /^p\.value: value 2 lies outside/,
  );
  assert.match(
    check({ ...base, assumption: true, range: [3, 1], range_basis: 'b' }) ?? '',
    /^p\.range: range must be \[low, high\]/,
  );
  assert.match(
    check({ ...base, assumption: true, range: [1, 3] }) ?? '',
    /^p\.range_basis: a range needs its range_basis/,
  );
});

test('a shipped file with an assumption planted without its range fails to load with a Problem naming the file and field', () => {
  const lib = new URL('../../src/materials/library.ts', import.meta.url).href;
  const mech = new URL('../../src/materials/mechanics.ts', import.meta.url).href;
  // each file read through a patched readFileSync that drops the range of the first assumption it holds
  const script = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const orig = fs.readFileSync;
    fs.readFileSync = (p, ...a) => {
      const t = orig(p, ...a);
      if (!/materials[\\/\\\\](library|mechanics)\\.json$/.test(String(p))) return t;
      let done = false;
      return JSON.stringify(JSON.parse(t), (k, v) => {
        if (!done && v && typeof v === 'object' && v.assumption === true) {
          done = true;
          const { range, range_basis, ...rest } = v;
          return rest;
        }
        return v;
      });
    };
    syncBuiltinESMExports();
    const l = await import(${JSON.stringify(lib)});
    const m = await import(${JSON.stringify(mech)});
    const out = [];
    for (const f of [() => l.getMaterial('Al'), () => m.mechanicalProperties('Cu')])
      try { f(); out.push('loaded'); } catch (e) { out.push(e.name + ': ' + e.message); }
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [libErr, mechErr] = JSON.parse(r.stdout.trim().split('\n').pop()!) as string[];
  assert.match(
    libErr!,
    /^ProblemError: data\/materials\/library\.json: materials\.\d+\.\w+\.range: an assumption needs a plausible range/,
  );
  assert.match(
    mechErr!,
    /^ProblemError: data\/materials\/mechanics\.json: materials\.\d+\.[\w.]+\.range: an assumption needs a plausible range/,
  );
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
