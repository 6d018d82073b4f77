/**
 * What the integrity check costs when a SQLite database is opened (issue 22, item 1): a damaged file is
 * refused on open, at the price of `PRAGMA quick_check`, which reads every page once.
 *
 *   npm run bench:store-open [-- <runs of 50 000 cells>]
 *
 * Builds a database of N runs of 50 000 cells (default 2, ≈ 100 MB), then prints, as medians of 5:
 *   store_db_MB, store_quick_check_ms (the check alone), store_open_ms (openStore: check + WAL + migrations
 *   look-up), store_open_per_100MB_ms.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../src/store/index.ts';
import { makeInput } from '../test/store/fixtures.ts';

const runs = Number(process.argv[2] ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'rollcell-open-bench-'));
const db = join(dir, 'runs.db');
try {
  const s = await openStore(db);
  for (let i = 0; i < runs; i++) await s.saveRun(makeInput(i, { cells: 50_000, cycles: 1_000, points: 10_000 }));
  await s.close();
  const mb = statSync(db).size / 1e6;
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const check: number[] = [];
  const open: number[] = [];
  for (let k = 0; k < 5; k++) {
    const raw = new Database(db, { readonly: true });
    const t0 = performance.now();
    raw.pragma('quick_check(10)');
    check.push(performance.now() - t0);
    raw.close();
    const t1 = performance.now();
    const st = await openStore(db);
    open.push(performance.now() - t1);
    await st.close();
  }
  console.log(`store_db_MB: ${mb.toFixed(1)} MB`);
  console.log(`store_quick_check_ms: ${median(check).toFixed(0)} ms`);
  console.log(`store_open_ms: ${median(open).toFixed(0)} ms`);
  console.log(`store_open_per_100MB_ms: ${((median(open) / mb) * 100).toFixed(0)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
