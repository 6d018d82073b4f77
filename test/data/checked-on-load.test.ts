/**
 * Every data file checked on load is still refused when broken, by the loader a job's thread uses, with a
 * Problem naming the file, the field and what is wrong (the load checks run without zod's compiled fast
 * path since the start-up work of issue 13: the check must stay the same). Each file is read through a
 * patched readFileSync that breaks one field of it; the loaders are the ones the main job calls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const src = (p: string): string => JSON.stringify(new URL(`../../src/${p}`, import.meta.url).href);

test('a broken field in each data file checked on load is refused with the file, the field and the reason', () => {
  const script = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const orig = fs.readFileSync;
    // one field broken per file: a wrong type, an unknown key, a value outside its range, a bound crossed
    const breakers = {
      'materials/library.json': (d) => { d.materials[0].density.value = 'dense'; },
      'materials/mechanics.json': (d) => { d.materials[3].colour = 'grey'; },
      'materials/li-al.json': (d) => { d.phases.beta.density.value = 'heavy'; },
      'ageing/mechanisms.json': (d) => { d.parameters.cei_kLi.value = 1; },
      'ageing/anodes.json': (d) => { d.anodes['li-in'].li_volume_m3_mol.value = -1; },
      'materials/ssb-cathodes.json': (d) => { d.cathodes.NCM811.density_kg_m3 = -1; },
      'spc/chart-constants.json': (d) => { d.constants[0].D4 = 0.5; },
    };
    const broken = process.env.BREAK.split(',');
    fs.readFileSync = (p, ...a) => {
      const t = orig(p, ...a);
      const key = broken.find((k) => String(p).replaceAll('\\\\', '/').endsWith('data/' + k));
      if (!key) return t;
      const d = JSON.parse(t);
      breakers[key](d);
      return JSON.stringify(d);
    };
    syncBuiltinESMExports();
    const lib = await import(${src('materials/library.ts')});
    const mech = await import(${src('materials/mechanics.ts')});
    const liAl = await import(${src('materials/li-al.ts')});
    const ageing = await import(${src('electrochem/ssb/ageing-data.ts')});
    const params = await import(${src('electrochem/ssb/params.ts')}).catch((e) => ({ importError: e }));
    const spc = await import(${src('process/production/spc.ts')});
    const out = {};
    const loaders = {
      library: () => lib.getMaterial('Al'),
      mechanics: () => mech.mechanicalProperties('Cu'),
      liAl: () => liAl.liAlData(),
      mechanisms: () => ageing.ageingParameterRecords(),
      anodes: () => ageing.anodeMaterialRecords(),
      cathodes: () => { if (params.importError) throw params.importError; return params.canonicalCathodeId('NCM811'); },
      spc: () => spc.chartConstants(2),
    };
    for (const [k, f] of Object.entries(loaders))
      try { f(); out[k] = 'loaded'; } catch (e) {
        out[k] = e.name + ': ' + e.message + ' ' + JSON.stringify(e.problems ?? []);
      }
    console.log(JSON.stringify(out));`;
  const run = (files: string[]): Record<string, string> => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, BREAK: files.join(',') },
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string>;
  };
  const refused = (file: string, field: string, reason: string): RegExp =>
    new RegExp(`^ProblemError: data/${file}: ${field}: ${reason}`.replaceAll('.', '\\.'));
  // the ageing parameters' file is broken in a second run of its own (the SSB parameters read it on first use)
  const a = run([
    'materials/library.json',
    'materials/mechanics.json',
    'materials/li-al.json',
    'ageing/anodes.json',
    'materials/ssb-cathodes.json',
    'spc/chart-constants.json',
  ]);
  assert.match(
    a['library']!,
    refused('materials/library.json', 'materials.0.density.value', 'Invalid input: expected number'),
  );
  assert.match(a['mechanics']!, refused('materials/mechanics.json', 'materials.3', 'Unrecognized key: "colour"'));
  assert.match(
    a['liAl']!,
    /^ProblemError: data\/materials\/li-al\.json: phases\.beta\.density\.value: Invalid input: expected number/,
  );
  assert.equal(a['mechanisms'], 'loaded');
  assert.match(
    a['anodes']!,
    refused('ageing/anodes.json', 'anodes.li-in.li_volume_m3_mol.value', 'Too small: expected number to be >0'),
  );
  assert.match(a['cathodes']!, refused('materials/ssb-cathodes.json', 'cathodes.NCM811.density_kg_m3', 'Too small'));
  assert.match(a['spc']!, refused('spc/chart-constants.json', 'constants.0.D4', 'Too small: expected number to be >1'));
  const b = run(['ageing/mechanisms.json']);
  assert.match(b['mechanisms']!, refused('ageing/mechanisms.json', 'parameters.cei_kLi', 'value outside its range'));
  assert.equal(b['library'], 'loaded');
});
