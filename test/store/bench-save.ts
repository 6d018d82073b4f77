/**
 * Benchmark (not part of npm test): time to save / export one big run.
 *
 *   node --import tsx test/store/bench-save.ts [dbSpec…]
 *
 * Default spec: a temp SQLite file, plus PostgreSQL in its own schema (dropped afterwards): the server in
 * $ROLLCELL_PG_URL, else a throwaway cluster from npm (test/support/postgres.ts).
 * Prints one line per spec: cells, cycles, series points, save ms, export ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/store/index.ts';
import { makeInput } from './fixtures.ts';
import { testPostgres } from '../support/postgres.ts';

const N_CELLS = Number(process.env.BENCH_CELLS ?? 50_000);
const N_CYCLES = 1_000;
const N_POINTS = 10_000;

async function bench(spec: string, label: string): Promise<void> {
  const store = await openStore(spec);
  const input = makeInput(1, { cells: N_CELLS, cycles: N_CYCLES, points: N_POINTS });
  const runs: number[] = [];
  let id = '';
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    id = await store.saveRun(input);
    runs.push(performance.now() - t0);
  }
  const t1 = performance.now();
  const exp = await store.exportRun(id);
  const exportMs = performance.now() - t1;
  await store.close();
  runs.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(10)} cells ${N_CELLS}  cycles ${N_CYCLES}  series points ${N_POINTS}x2  ` +
      `save median ${runs[1]!.toFixed(0)} ms (min ${runs[0]!.toFixed(0)}, max ${runs[2]!.toFixed(0)})  export ${exportMs.toFixed(0)} ms (${exp.cells.length} cells back)`,
  );
}

const specs = process.argv.slice(2);
if (specs.length === 0) {
  const dir = mkdtempSync(join(tmpdir(), 'rollcell-bench-'));
  try {
    await bench(join(dir, 'bench.db'), 'sqlite');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const server = await testPostgres();
  console.log(`postgres   ${server.describe()}`);
  const u = new URL(server.url);
  const schema = `rc_bench_${process.pid}`;
  u.searchParams.set('schema', schema);
  try {
    await bench(u.toString(), 'postgres');
  } finally {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
} else {
  for (const s of specs) await bench(s, s.startsWith('postgres') ? 'postgres' : 'sqlite');
}
