/**
 * Database faults (issue 22, items 1 and 5), on a real PostgreSQL server of our own (restarted under a
 * writer holding its transaction open) and on SQLite files with a damaged page:
 * - a server restart during a save: the transaction is run again after a back-off and commits once —
 *   no unhandled 'error' event, no half run, no duplicate;
 * - connection refused, a missing database and an unknown role: exit 2 saying what to fix;
 * - a damaged SQLite file is refused on open and not modified.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { startPostgres } from '../support/postgres.ts';
import { spawnWriter } from '../store/helpers.ts';
import { makeInput } from '../store/fixtures.ts';
import { cli, testDir } from '../helpers.ts';
import { openStore, StoreError } from '../../src/store/index.ts';
import { storeKysely } from '../../src/store/store.ts';
import { isTransient, whatToFix, withRetries } from '../../src/store/faults.ts';

const dir = testDir('rollcell-faults-');
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

test('fault classification: restarts and dropped connections are transient; configuration errors say what to fix', async () => {
  const err = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  for (const c of ['ECONNRESET', 'EPIPE', '57P01', '57P03', '08006', '40001'])
    assert.equal(isTransient(err(c)), true, c);
  assert.equal(isTransient(new Error('Connection terminated unexpectedly')), true);
  for (const c of ['3D000', '28000', '42P01', '23505']) assert.equal(isTransient(err(c)), false, c);
  assert.match(whatToFix(err('3D000'))!, /database does not exist: create it/);
  assert.match(whatToFix(err('28000'))!, /refused the user or password/);
  assert.match(whatToFix(err('ECONNREFUSED'))!, /is the PostgreSQL server running/);
  assert.match(whatToFix(err('SQLITE_FULL'))!, /disk full/);
  let calls = 0;
  const delays: number[] = [];
  const v = await withRetries(
    async () => {
      if (++calls < 3) throw err('ECONNRESET');
      return 'done';
    },
    { firstDelay_ms: 1, onRetry: (_a, _e, d) => delays.push(d) },
  );
  assert.equal(v, 'done');
  assert.deepEqual(delays, [1, 2], 'exponential back-off');
  let permanentCalls = 0;
  await assert.rejects(
    withRetries(async () => {
      permanentCalls++;
      throw err('3D000');
    }),
    /x/,
  );
  assert.equal(permanentCalls, 1, 'a configuration error is not retried');
});

test('[postgres] a server restart while a run is being saved: the save is retried and lands exactly once', async (t) => {
  const cluster = await startPostgres({ database: 'faults' });
  t.after(() => cluster.stop());
  const spec = `${cluster.url}?schema=restart`;
  const first = await openStore(spec);
  const keptId = await first.saveRun(makeInput(1, { cells: 100 }));
  await first.close();
  const w = spawnWriter(t, spec, 2, 5_000, 2_000);
  await w.waitFor('holding'); // its transaction is open, its client checked out and idle
  await cluster.kill('SIGKILL'); // a crash of the server: every connection drops
  // the killed postmaster's backends hold its shared memory for a moment (longer on a loaded machine):
  // a start refused for that ("pre-existing shared memory block") is tried again
  for (let i = 0; ; i++) {
    try {
      await cluster.restart();
      break;
    } catch (e) {
      if (i >= 20 || !/shared memory|before it was ready/.test(String(e))) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  w.send('continue');
  const saved = await w.waitFor('saved', 120_000);
  const ex = await w.exited;
  assert.equal(ex.code, 0, `the writer finished normally (no unhandled 'error' event): ${ex.stderr}`);
  const id = saved.split(' ')[1]!;
  const s = await openStore(spec);
  try {
    const runs = await s.listRuns();
    assert.deepEqual(runs.map((r) => r.id).sort(), [keptId, id].sort(), 'both runs, each once');
    const got = await s.getRun(id);
    assert.equal(got.n_cells, 5_000, 'the retried run is whole');
    const n = await sql<{ n: number }>`select cast(count(*) as integer) as n from cells where run_id = ${id}`.execute(
      storeKysely(s),
    );
    assert.equal(Number(n.rows[0]!.n), 5_000, 'no cell twice');
  } finally {
    await s.close();
  }
});

test('[postgres] connection refused, a missing database and an unknown role: exit 2 saying what to fix (password masked)', async (t) => {
  const cluster = await startPostgres({ database: 'present' });
  t.after(() => cluster.stop());
  const u = new URL(cluster.url);
  const missingDb = `postgres://postgres:s3cret-pw@127.0.0.1:${u.port}/no_such_database`;
  let r = await cli(['runs', 'list', '--db', missingDb]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /the database does not exist: create it \(createdb <name>\) or fix its name in --db/);
  assert.doesNotMatch(r.stderr + r.stdout, /s3cret-pw/);
  r = await cli(['runs', 'list', '--db', `postgres://no_such_role@127.0.0.1:${u.port}/present`]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /refused the user or password/);
  await cluster.stop();
  r = await cli(['runs', 'list', '--db', `postgres://postgres:s3cret-pw@127.0.0.1:${u.port}/present`]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /connection refused: is the PostgreSQL server running/);
  assert.doesNotMatch(r.stderr, /s3cret-pw|internal error/);
});

test('[sqlite] a database with a zeroed page is refused on open, with a clear message, and not modified', async () => {
  const db = join(dir, 'damaged.db');
  const s = await openStore(db);
  for (let i = 0; i < 3; i++) await s.saveRun(makeInput(10 + i, { cells: 300 }));
  await s.close();
  assert.ok(statSync(db).size > 64 * 1024, 'several pages');
  // zero page 5 (page size 4096): a torn or wiped block in the middle of the file
  const fd = openSync(db, 'r+');
  writeSync(fd, Buffer.alloc(4096), 0, 4096, 4 * 4096);
  closeSync(fd);
  const before = sha(db);
  await assert.rejects(openStore(db), (e: unknown) => {
    assert.ok(e instanceof StoreError, String(e));
    assert.equal(e.code, 'corrupt');
    assert.equal(e.isUserError, true);
    assert.match(
      e.message,
      /^--db: database '.*damaged\.db' is damaged; it was not modified \(got .*page 5.*; allowed an undamaged SQLite file: restore it from a backup/,
    );
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
  const r = await cli(['runs', 'list', '--db', db]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /is damaged/);
  assert.equal(sha(db), before, 'not one byte written into the damaged file');
});
