/**
 * The store suite on PostgreSQL. Needs a server: `export ROLLCELL_PG_URL=$(scripts/pg-start.sh)`.
 * Without ROLLCELL_PG_URL this file FAILS (it does not pass silently) unless ROLLCELL_SKIP_PG=1,
 * in which case the suite is reported as skipped with the reason.
 * Each test works in its own fresh schema (`?schema=…`), dropped afterwards, so test files and
 * tests running in parallel never see each other's tables.
 */
import { test } from 'node:test';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { defineStoreSuite } from './suite.ts';

const url = process.env.ROLLCELL_PG_URL;
const skip = process.env.ROLLCELL_SKIP_PG === '1';

if (!url) {
  if (skip) {
    test(
      '[postgres] store suite',
      { skip: 'ROLLCELL_SKIP_PG=1 and ROLLCELL_PG_URL unset: PostgreSQL store tests NOT run' },
      () => {},
    );
  } else {
    test('[postgres] store suite needs a PostgreSQL server', () => {
      throw new Error(
        'ROLLCELL_PG_URL is not set. Start a throwaway server with `export ROLLCELL_PG_URL=$(scripts/pg-start.sh)` ' +
          '(stop it with scripts/pg-stop.sh), or set ROLLCELL_SKIP_PG=1 to skip the PostgreSQL tests explicitly.',
      );
    });
  }
} else {
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
}
