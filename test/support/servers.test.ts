/**
 * The test-server helpers themselves (test/support/): a cluster of one's own survives a crash with its
 * committed data, is gone after stop(), and fresh databases are separate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { freshDatabase, startPostgres, testPostgres } from './postgres.ts';

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

test(
  'startPostgres: committed data survives kill -9 and restart; stop() deletes the cluster',
  { timeout: 120_000 },
  async (t) => {
    const c = await startPostgres();
    t.diagnostic(c.describe());
    try {
      assert.match(c.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/rollcell_test$/);
      assert.match(c.version, /^\d+\.\d+/);
      await query(c.url, 'create table t (x int); insert into t values (42)');
      const pid = c.pid;
      await c.kill('SIGKILL');
      await assert.rejects(query(c.url, 'select 1'), 'no server after kill -9');
      await c.restart();
      assert.notEqual(c.pid, pid, 'a new postmaster');
      assert.deepEqual(await query(c.url, 'select x from t'), [{ x: 42 }]);
    } finally {
      await c.stop();
    }
    assert.equal(existsSync(c.dataDir), false, 'data dir deleted');
    await assert.rejects(query(c.url, 'select 1'), 'nothing listens after stop()');
  },
);

test('freshDatabase: each is empty and separate, and drop() removes it', { timeout: 60_000 }, async () => {
  const server = await testPostgres();
  const a = await freshDatabase(server);
  const b = await freshDatabase(server);
  try {
    await query(a.url, 'create table only_in_a (x int)');
    const inB = await query(
      b.url,
      "select count(*)::int as n from information_schema.tables where table_name = 'only_in_a'",
    );
    assert.deepEqual(inB, [{ n: 0 }]);
  } finally {
    await a.drop();
    await b.drop();
  }
  await assert.rejects(query(a.url, 'select 1'), /does not exist/);
});
