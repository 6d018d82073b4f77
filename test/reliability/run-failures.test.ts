/**
 * A run that fails late loses nothing and leaves nothing half-done (issue 22, item 1): it is stored as
 * failed with its reason, or — when the store itself fails — leaves nothing; a report never appears
 * without its run; a non-finite number never reaches the store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, quickRecipeFile, testDir } from '../helpers.ts';
import { firstNonFinite, runAndStore } from '../../src/cli/main.ts';
import { loadRecipe } from '../../src/cli/input.ts';
import { openStore, type RunRecordInput, type Store } from '../../src/store/index.ts';

const dir = testDir('rollcell-runfail-');
const quickRecipe = (name: string, edit?: (r: Record<string, any>) => void): string => quickRecipeFile(dir, name, edit);

test('a run that fails at run time (an input problem found late) is stored as failed with its reason, and leaves no report', async () => {
  const f = quickRecipe('late.yaml', (r) => {
    r.production = { duration_h: 0.05 };
    r.variability = { scale: 50 }; // a sampled thickness turns negative only while the shift runs
  });
  const db = join(dir, 'late.db');
  const out = join(dir, 'late-out');
  const r = await cli(['run', f, '--db', db, '--out', out, '--no-battery']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /variability/);
  const s = await openStore(db);
  try {
    const runs = await s.listRuns();
    assert.equal(runs.length, 1, 'the failed run is recorded');
    assert.equal(runs[0]!.status, 'failed');
    const got = await s.getRun(runs[0]!.id);
    assert.match(String(got.output.error), /variability/, 'with its reason');
  } finally {
    await s.close();
  }
  let files: string[];
  try {
    files = readdirSync(out);
  } catch {
    files = [];
  }
  assert.deepEqual(files, [], 'no report (and no temporary file) without a completed run');
});

/** a store double: saveRun fails as told, every other method unused (rejects) */
function failingStore(
  fail: (input: RunRecordInput, call: number) => Error | undefined,
): Store & { saved: RunRecordInput[] } {
  let calls = 0;
  const saved: RunRecordInput[] = [];
  const base = {
    dialect: 'sqlite',
    spec: 'double',
    saved,
    saveRun: async (input: RunRecordInput) => {
      const e = fail(input, ++calls);
      if (e) throw e;
      saved.push(input);
      return input.runId ?? 'x';
    },
    close: async () => {},
  };
  return new Proxy(base, {
    get: (t, k) => (k in t ? t[k as keyof typeof t] : () => Promise.reject(new Error('unused'))),
  }) as unknown as Store & { saved: RunRecordInput[] };
}

test('when saving the run fails, the report is removed and the failure is recorded; when that fails too, nothing is left and both reasons are given', async () => {
  const f = quickRecipe('store-fails.yaml');
  const loaded = loadRecipe(f, { production: false, battery: false });
  const o = { production: false, battery: false };
  // the completed run cannot be saved (a disk-full write): recorded as failed, no report
  const out1 = join(dir, 'out1');
  const s1 = failingStore((input) => (input.status === 'failed' ? undefined : new Error('SQLITE_FULL: disk full')));
  await assert.rejects(runAndStore(s1, 'RUN1', loaded, 1, o, out1), /disk full/);
  assert.equal(s1.saved.length, 1);
  assert.equal(s1.saved[0]!.status, 'failed');
  assert.match(String(s1.saved[0]!.output.error), /disk full/);
  assert.deepEqual(readdirSync(out1), [], 'the staged report was removed');
  // the store is gone altogether: nothing is left, and the message carries both reasons
  const out2 = join(dir, 'out2');
  const s2 = failingStore(() => new Error('Connection terminated unexpectedly'));
  await assert.rejects(
    runAndStore(s2, 'RUN2', loaded, 1, o, out2),
    /Connection terminated unexpectedly; the failed run could not be recorded either: Connection terminated/,
  );
  assert.deepEqual(readdirSync(out2), []);
  // and when it works, the report appears only after the run is stored
  const out3 = join(dir, 'out3');
  let reportSeenBeforeSave = true;
  const s3 = failingStore(() => {
    reportSeenBeforeSave = readdirSync(out3).some((x) => x.endsWith('.html'));
    return undefined;
  });
  await runAndStore(s3, 'RUN3', loaded, 1, o, out3);
  assert.equal(reportSeenBeforeSave, false, 'no report before its run is stored');
  assert.deepEqual(readdirSync(out3), ['RUN3.html']);
});

test('firstNonFinite finds NaN and ±Infinity anywhere in a result (they are never stored)', () => {
  assert.equal(firstNonFinite({ a: 1, b: [1, { c: 2 }] }), undefined);
  assert.equal(firstNonFinite({ a: 1, b: [1, { c: NaN }] }), 'output.b[1].c = NaN');
  assert.equal(
    firstNonFinite({ line: { stations: [{}, {}, { t: Infinity }] } }),
    'output.line.stations[2].t = Infinity',
  );
  assert.equal(firstNonFinite(new Float64Array([0, -Infinity])), 'output[1] = -Infinity');
});
