/**
 * `npm run bench:server-memory` (node --import tsx bench/server-memory.bench.ts [cells …] [--skip a,b]):
 * peak memory of each server endpoint that goes through a stored run's cells, on runs of 10⁵ and 10⁶ cell
 * positions of the reliability case `mem-6min-shift-10mm-cells.yaml` (10 × 10 mm cells, 10 lanes; made by
 * `rollcell run --no-battery` in its own process, bench/shift-memory-child.ts). Each request runs in its
 * own process (bench/server-memory-child.ts: store open, app built, one GET, the body read and dropped),
 * so each peak is that endpoint's alone; `server_idle` is the same process with no request. Prints
 * `name: value unit` lines: peak RSS, seconds and bytes per endpoint, and the peak's growth per cell between
 * the two runs (bounded memory: ≈ 0). Never part of `npm test`: the 10⁶ run writes a few GB of store to a
 * temporary directory (removed at the end), and its exports take minutes (the XLSX the longest).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.ts';

const CASE = new URL('../../shared/review/reliability-cases/mem-6min-shift-10mm-cells.yaml', import.meta.url).pathname;
// the case's line: 100 m/min, 10 lanes of 10 mm cells → 1 000 cell positions per second of running line
const POSITIONS_PER_H = (100 * 60 * 10) / 0.01;
const args = process.argv.slice(2);
const sizes = args.filter((a) => /^[0-9.e+]+$/i.test(a)).map(Number);
const skipAt = args.indexOf('--skip');
const skip = new Set(skipAt >= 0 ? (args[skipAt + 1] ?? '').split(',') : []);
const dir = mkdtempSync(join(tmpdir(), 'rollcell-server-mem-'));
const node = (file: string, a: string[]): Record<string, number> =>
  JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', new URL(file, import.meta.url).pathname, ...a], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }).trim(),
  ) as Record<string, number>;
try {
  const recipe = join(dir, 'r.yaml');
  copyFileSync(CASE, recipe);
  const peaks = new Map<string, { cells: number; rss_kB: number }[]>();
  for (const n of sizes.length ? sizes : [1e5, 1e6]) {
    const db = join(dir, `${n}.db`);
    const made = node('./shift-memory-child.ts', [recipe, db, join(dir, 'out'), String(n / POSITIONS_PER_H)]);
    const store = await openStore(db);
    const [run] = await store.listRuns();
    const id = run!.id;
    const cells = run!.n_cells;
    if (!(cells > 1000)) throw new Error(`the run stored ${cells} cells: ask for more positions`);
    const [mid] = await store.listCells(id, { offset: Math.floor(cells / 2), limit: 1 });
    await store.close();
    const roll = (mid!['genealogy'] as { parents: { roll_id: string }[] }).parents[0]!.roll_id;
    const serial = mid!.serial;
    const tag = `n${n.toExponential().replace('+', '')}`;
    console.log(`server_${tag}_cells_stored: ${cells} cells (run made in ${made['s']!.toFixed(0)} s)`);
    const endpoints: [string, string][] = [
      ['idle', '-'],
      // the before figure: every endpoint below loaded this (getCells) before it paged
      ['whole_run_loaded_before', 'whole'],
      ['cells_page_last', `/api/runs/${id}/cells?offset=${cells - 200}&limit=200`],
      ['cells_filtered', `/api/runs/${id}/cells?q=${encodeURIComponent(serial.slice(-5))}&limit=200`],
      ['cell', `/api/runs/${id}/cells/${encodeURIComponent(serial)}`],
      ['rolls', `/api/runs/${id}/rolls`],
      ['roll_cells', `/api/runs/${id}/rolls/${encodeURIComponent(roll)}`],
      ['shift', `/api/runs/${id}/shift`],
      ['export_csv', `/api/runs/${id}/export?format=csv`],
      ['export_json', `/api/runs/${id}/export?format=json`],
      ['export_spc', `/api/runs/${id}/export?format=csv&what=spc`],
      ['export_xlsx', `/api/runs/${id}/export?format=xlsx`],
    ];
    for (const [name, path] of endpoints) {
      if (skip.has(name)) continue;
      const r = node('./server-memory-child.ts', [db, path]);
      if (path !== '-' && r['status'] !== 200) throw new Error(`${name}: HTTP ${r['status']}`);
      console.log(`server_${name}_${tag}_peak_rss: ${(r['maxrss_kB']! / 1024).toFixed(0)} MB`);
      if (path !== '-' && path !== 'whole') {
        console.log(`server_${name}_${tag}_seconds: ${r['s']!.toFixed(2)} s`);
        console.log(`server_${name}_${tag}_bytes: ${r['bytes']} B`);
      }
      const list = peaks.get(name) ?? [];
      list.push({ cells, rss_kB: r['maxrss_kB']! });
      peaks.set(name, list);
    }
    rmSync(db, { force: true });
  }
  for (const [name, list] of peaks) {
    if (list.length < 2) continue;
    const a = list[0]!;
    const b = list[list.length - 1]!;
    const perCell = ((b.rss_kB - a.rss_kB) * 1024) / Math.max(1, b.cells - a.cells);
    console.log(`server_${name}_peak_rss_growth_per_cell: ${perCell.toFixed(1)} B/cell`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
