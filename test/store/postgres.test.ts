/**
 * The store suite on a real PostgreSQL server: the test run's throwaway cluster (test/support/postgres.ts,
 * PostgreSQL 18 from npm), or the external server named by ROLLCELL_PG_URL. Nothing to install or set.
 * Each test works in its own fresh schema (`?schema=…`), dropped afterwards, so test files and tests
 * running in parallel never see each other's tables.
 */
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import pg from 'pg';
import { defineStoreSuite } from './suite.ts';
import { testPostgres } from '../support/postgres.ts';

const server = await testPostgres();
test(`[postgres] the server answers (${server.origin === 'external' ? 'ROLLCELL_PG_URL' : 'PostgreSQL from npm'})`, async (t) => {
  t.diagnostic(server.describe());
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  try {
    const v = String((await c.query('select version() as v')).rows[0]?.v);
    assert.match(v, /^PostgreSQL \d+/);
    t.diagnostic(v);
  } finally {
    await c.end();
  }
});
const url = server.url;
const admin = new pg.Pool({ connectionString: url, max: 2 });
admin.on('error', () => {});
test.after(() => admin.end());
const schemaOf = (spec: string) => new URL(spec).searchParams.get('schema')!;
defineStoreSuite({
  dialect: 'postgres',
  freshSpec: async () => {
    const u = new URL(url);
    u.searchParams.set('schema', `rc_test_${process.pid}_${randomBytes(4).toString('hex')}`);
    return u.toString();
  },
  cleanup: async (spec) => {
    await admin.query(`drop schema if exists "${schemaOf(spec)}" cascade`);
  },
});
