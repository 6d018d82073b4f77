/**
 * Export in bounded memory: a 50 000-cell run (realistic cell records: the cells of a short real
 * production run of the patent example, repeated with fresh serials) is saved to a temp SQLite
 * database and exported in a fresh process per mode; each child reports its peak RSS and time.
 *   run_size_MB, run_size_bytes_per_cell      (SQLite file of the saved run)
 *   export_<mode>_maxrss_MB, export_<mode>_s, export_<mode>_file_MB
 * Modes: old_in_memory_json (the store's exportRun + JSON.stringify: what `runs export` did before),
 * json (streamed bundle), csv_cells, xlsx_all (cells, cycles, series, spc).
 * Run: node --import tsx bench/export.bench.ts [--cells N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.ts';
import { main } from '../src/cli/main.ts';

const argCells = process.argv.indexOf('--cells');
const N = argCells > 0 ? Number(process.argv[argCells + 1]) : 50_000;
const dir = mkdtempSync(join(tmpdir(), 'rollcell-bench-export-'));
const example = new URL('../examples/patent-line.yaml', import.meta.url).pathname;
try {
  // 1. a short real run: its cells are the templates
  const small = join(dir, 'small.db');
  const code = await main(
    ['run', example, '--quiet', '--db', small, '--out', dir, '--set', 'production.duration_h=0.2', '--no-battery'],
    () => {},
  );
  if (code !== 0) throw new Error(`rollcell run failed (${code})`);
  const s0 = await openStore(small);
  const [runSummary] = await s0.listRuns({ limit: 1 });
  const src = await s0.exportRun(runSummary!.id);
  await s0.close();
  const templates = src.cells;
  const cells = Array.from({ length: N }, (_, i) => {
    const t = templates[i % templates.length]!;
    const serial = `RC-1-${String(i + 1).padStart(7, '0')}`;
    return { ...t, serial, index: i, genealogy: { ...(t.genealogy ?? {}), serial } };
  });
  // 2. the big run
  const db = join(dir, 'big.db');
  const store = await openStore(db);
  const id = await store.saveRun({
    recipeText: src.recipe.text,
    recipe: src.recipe.parsed,
    seed: 1,
    output: src.output,
    cells,
    cycles: src.cycles,
    timeSeries: src.time_series,
  });
  await store.close();
  const size = statSync(db).size;
  console.log(`run_cells: ${N}`);
  console.log(`run_size_MB: ${(size / 1e6).toFixed(1)} MB (SQLite, after saving)`);
  console.log(`run_size_bytes_per_cell: ${Math.round(size / N)} B`);

  // 3. each export in a fresh process, reporting its peak RSS
  const child = new URL('./export-child.ts', import.meta.url).pathname;
  for (const mode of ['old_in_memory_json', 'json', 'csv_cells', 'xlsx_all']) {
    const out = join(
      dir,
      `export-${mode}.${mode.startsWith('csv') ? 'csv' : mode.startsWith('xlsx') ? 'xlsx' : 'json'}`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', child, mode, db, id, out], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`export_${mode}: failed (exit ${r.status}) ${r.stderr.split('\n').slice(-4).join(' ')}`);
      continue;
    }
    const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as { s: number; maxrss_kB: number };
    console.log(`export_${mode}_maxrss_MB: ${(m.maxrss_kB / 1024).toFixed(0)} MB`);
    console.log(`export_${mode}_s: ${m.s.toFixed(1)} s`);
    console.log(`export_${mode}_file_MB: ${(statSync(out).size / 1e6).toFixed(1)} MB`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
