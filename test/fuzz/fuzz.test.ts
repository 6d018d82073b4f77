/**
 * rollcell's own fault and fuzz suite at a small size (issue 22, item 11; `npm run fuzz` runs 10⁴):
 * mutated recipes through `validate`, CSV and BPX mutations through their readers and the CLI,
 * experiment strings through the parser and the step machine, hostile file arguments and output
 * paths, kill -9 of `rollcell run` on SQLite and on PostgreSQL, concurrent writers. It must find
 * 0 internal errors, 0 crashes, 0 hangs and 0 data lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz, formatReport } from './runner.ts';
import { testPostgres } from '../support/postgres.ts';

const SEED = Number(process.env['ROLLCELL_FUZZ_SEED'] ?? 1);

test(
  `fuzz and fault suite, small size (seed ${SEED}): 0 internal errors, crashes, hangs, data lost`,
  { timeout: 900_000 },
  async (t) => {
    const pg = await testPostgres();
    const r = await fuzz({
      cases: 120,
      seed: SEED,
      timeLimit_s: 600,
      workers: 2,
      pgUrl: pg.url,
      // valid-recipe runs are the property test's (test/fuzz/property.test.ts)
      only: ['validate', 'csv', 'bpx', 'experiment', 'cli-files', 'kill9-sqlite', 'kill9-postgres', 'concurrent'],
    });
    t.diagnostic(formatReport(r).split('\n').slice(0, 9).join('; '));
    assert.equal(r.tried, r.planned, 'every planned case ran within the time limit');
    assert.deepEqual(
      { internal: r.internal, crashes: r.crashes, hangs: r.hangs, dataLost: r.dataLost },
      { internal: 0, crashes: 0, hangs: 0, dataLost: 0 },
      formatReport(r),
    );
    for (const f of [
      'validate',
      'csv',
      'bpx',
      'experiment',
      'cli-files',
      'kill9-sqlite',
      'kill9-postgres',
      'concurrent',
    ])
      assert.ok((r.byFamily[f]?.tried ?? 0) > 0, `family ${f} ran`);
  },
);
