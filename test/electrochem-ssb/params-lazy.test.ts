/**
 * The default ageing parameters (data/ageing/mechanisms.json) are read where they are first used, once:
 * importing the SSB parameters reads no file, and a damaged file is a Problem naming the file, the field and
 * the value when the parameters are asked for — not an error while a module graph loads (every command,
 * the server and each worker thread import this module). No module under src/ reads one while it loads (the
 * first test imports them all). This file's process patches node:fs before it imports anything of rollcell, so
 * it sees every data file the modules read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const reads: string[] = [];
let damage: ((text: string) => string) | null = null;
const readFileSync = fs.readFileSync;
(fs as { readFileSync: unknown }).readFileSync = (...a: Parameters<typeof readFileSync>): unknown => {
  const file = String(a[0]);
  reads.push(file);
  const out = readFileSync(...a);
  return damage && file.endsWith('/data/ageing/mechanisms.json') ? damage(String(out)) : out;
};
syncBuiltinESMExports();

/** every module under src/ but the worker threads' entry points (they run only in a worker: parentPort at import) */
const WORKER_ENTRIES = ['src/cli/job-worker.ts', 'src/server/worker/run-worker.ts'];
const srcModules = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? srcModules(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );

test('importing any module under src/ reads no data file: every loader reads on first use', async () => {
  // until now the roll steel (rolling.ts), the Li melting point (thermal.ts), the Li–Al data (alloying.ts), Li's
  // density (stations.ts) and the NMC811 OCP table (cathodes.ts) were read while the module graph loaded
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const modules = srcModules(join(root, 'src'))
    .map((f) => relative(root, f))
    .filter((f) => !WORKER_ENTRIES.includes(f))
    .sort();
  assert.ok(modules.length > 200, `${modules.length} modules`);
  for (const f of WORKER_ENTRIES) assert.ok(fs.existsSync(join(root, f)), `${f} is still a worker entry`);
  for (const f of modules) await import(pathToFileURL(join(root, f)).href);
  assert.deepEqual(
    reads.filter((f) => f.includes('/data/')),
    [],
    'no data file read while importing the modules',
  );
});

test('importing the SSB parameters reads no data file; the ageing defaults are read on first use, once', async () => {
  const params = await import('../../src/electrochem/ssb/params.ts');
  const { ProblemError } = await import('../../src/problems.ts');
  assert.deepEqual(
    reads.filter((f) => f.includes('/data/')),
    [],
    'no data file read by the import',
  );
  // a damaged file (cei_kR's value not a number) errors where the parameters are first used, naming it
  damage = (t) => {
    const j = JSON.parse(t) as { parameters: Record<string, { value: unknown }> };
    j.parameters['cei_kR']!.value = 'fast';
    return JSON.stringify(j);
  };
  assert.throws(
    () => params.defaultAgeing(),
    (e: unknown) => {
      assert.ok(e instanceof ProblemError, String(e));
      const [p] = e.problems;
      assert.equal(p!.path, 'data/ageing/mechanisms.json: parameters.cei_kR.value');
      assert.equal(p!.got, '"fast"');
      return true;
    },
  );
  assert.equal(reads.filter((f) => f.endsWith('/data/ageing/mechanisms.json')).length, 1);
});
