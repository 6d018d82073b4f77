/**
 * The default ageing parameters (data/ageing/mechanisms.json) are read where they are first used, once:
 * importing the SSB parameters reads no file, and a damaged file is a Problem naming the file, the field and
 * the value when the parameters are asked for — not an error while a module graph loads (every command,
 * the server and each worker thread import this module). This file's process patches node:fs before it
 * imports anything of rollcell, so it sees every data file the modules read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

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
