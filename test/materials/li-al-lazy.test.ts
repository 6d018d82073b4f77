// Start-up (issue 12): importing the Li–Al electrode module does not read and parse the Li–Al data (it was
// parsed at import for LI_RICH_ONSET_K, ≈ 10 % of `rollcell --version`'s CPU in every thread); the first use
// does. Observed in a fresh process by watching which files node:fs reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

test('the Li–Al data are read on first use, not when the electrode module is imported', () => {
  const mod = new URL('../../src/materials/ocp/li-al-data.ts', import.meta.url).href;
  const script = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const orig = fs.readFileSync;
    const read = [];
    fs.readFileSync = (p, ...a) => { read.push(String(p)); return orig(p, ...a); };
    syncBuiltinESMExports();
    const m = await import(${JSON.stringify(mod)});
    const atImport = read.filter((p) => p.endsWith('li-al.json')).length;
    m.liAlElectrodeData(300);
    const afterUse = read.filter((p) => p.endsWith('li-al.json')).length;
    console.log(JSON.stringify({ atImport, afterUse }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const { atImport, afterUse } = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
  assert.equal(atImport, 0, 'nothing read at import');
  assert.equal(afterUse, 1, 'read once on first use');
});
