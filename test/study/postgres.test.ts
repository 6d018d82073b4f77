// A study on PostgreSQL (the npm-shipped server of test/support/postgres.ts): the same tables and
// idempotent point writes as on SQLite, and a resumed study equal to an uninterrupted one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { testPostgres } from '../support/postgres.ts';
import { PATENT_YAML, cli, testDir } from '../helpers.ts';
import { openStore, StudyStore } from '../../src/store/index.ts';

const server = await testPostgres();
const admin = new pg.Pool({ connectionString: server.url, max: 2 });
admin.on('error', () => {});
test.after(() => admin.end());

test('[postgres] rollcell sweep stores a study; writing its points again adds no row; the same command resumes it', async () => {
  const schema = `rc_study_${process.pid}_${randomBytes(4).toString('hex')}`;
  const u = new URL(server.url);
  u.searchParams.set('schema', schema);
  const db = u.toString();
  const dir = testDir('rollcell-pg-study-');
  const recipe = join(dir, 'r.yaml');
  const study = join(dir, 's.yaml');
  writeFileSync(recipe, PATENT_YAML);
  writeFileSync(
    study,
    'name: pg\nparameters:\n  stations.240.force_N: [200, 300, 400]\noutputs: [line.anode.thickness_um, claims.6]\n',
  );
  try {
    const a = await cli([
      'sweep',
      recipe,
      study,
      '--db',
      db,
      '--out',
      dir,
      '--workers',
      '0',
      '--csv',
      join(dir, 'a.csv'),
    ]);
    assert.equal(a.code, 0, a.stderr);
    const id = /stored as study (\w+)/.exec(a.stdout)![1]!;
    const store = await openStore(db);
    try {
      const ss = new StudyStore(store);
      const rows = await ss.allPoints(id);
      assert.deepEqual(
        rows.map((r) => [r.idx, r.values[0], r.outputs[1]]),
        [
          [0, 200, 'met'],
          [1, 300, 'met'],
          [2, 400, 'met'],
        ],
      );
      await ss.savePoints(
        id,
        rows.map((r) => ({ ...r, outputs: r.outputs.map(() => null) })),
      );
      assert.deepEqual(
        (await ss.allPoints(id)).map((r) => r.outputs),
        rows.map((r) => r.outputs),
        'stored points are kept',
      );
    } finally {
      await store.close();
    }
    const b = await cli([
      'sweep',
      recipe,
      study,
      '--db',
      db,
      '--out',
      dir,
      '--workers',
      '0',
      '--csv',
      join(dir, 'b.csv'),
    ]);
    assert.match(b.stdout, /3 points \(0 failed\), resumed/);
    assert.equal(readFileSync(join(dir, 'b.csv'), 'utf8'), readFileSync(join(dir, 'a.csv'), 'utf8'));
  } finally {
    await admin.query(`drop schema if exists "${schema}" cascade`);
  }
});
