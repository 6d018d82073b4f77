/**
 * `npm run bench:shift-memory` (node --import tsx bench/shift-memory.bench.ts [cells …]): peak memory of
 * `rollcell run` (production shift stored in SQLite, no battery) for shifts of 10⁵, 10⁶ and 5 × 10⁶ cell
 * positions of the reliability case `mem-6min-shift-10mm-cells.yaml` (10 × 10 mm cells, 10 lanes,
 * 100 m/min, linear line fidelity; its 6-minute shift is 571 000 positions, 3.8 GB before streaming).
 * Each run is its own process (bench/shift-memory-child.ts), so each peak is that run's alone.
 * Prints `name: value unit` lines: cells made (positions less splice/restart scrap), peak RSS, seconds,
 * the store's bytes per cell, and the growth of the peak per cell made between the smallest and the
 * largest shift (flat memory: ≈ 0). Never part of `npm test`; the 5 × 10⁶ run writes ≈ 16 GB of store and
 * ≈ 6 GB of spool to a temporary directory (removed at the end) and takes tens of minutes.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CASE = new URL('../../shared/review/reliability-cases/mem-6min-shift-10mm-cells.yaml', import.meta.url).pathname;
// the case's line: 100 m/min, 10 lanes of 10 mm cells → 1 000 cell positions per second of running line
const POSITIONS_PER_H = (100 * 60 * 10) / 0.01;
const sizes = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'rollcell-shift-mem-'));
try {
  const recipe = join(dir, 'r.yaml');
  copyFileSync(CASE, recipe);
  const child = new URL('./shift-memory-child.ts', import.meta.url).pathname;
  const peaks: { cells: number; rss_kB: number }[] = [];
  for (const n of sizes.length ? sizes : [1e5, 1e6, 5e6]) {
    const db = join(dir, `${n}.db`);
    const hours = n / POSITIONS_PER_H;
    const r = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', child, recipe, db, join(dir, 'out'), String(hours)], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      }).trim(),
    ) as { s: number; maxrss_kB: number; cells: number };
    const tag = `shift_${n.toExponential().replace('+', '')}`;
    console.log(`${tag}_positions: ${n} cells`);
    console.log(`${tag}_cells_made: ${r.cells} cells`);
    console.log(`${tag}_peak_rss: ${(r.maxrss_kB / 1024).toFixed(0)} MB`);
    console.log(`${tag}_seconds: ${r.s.toFixed(1)} s`);
    console.log(`${tag}_cells_per_second: ${(r.cells / r.s).toFixed(0)} cells/s`);
    peaks.push({ cells: r.cells, rss_kB: r.maxrss_kB });
    console.log(`${tag}_store_bytes_per_cell: ${(statSync(db).size / Math.max(1, r.cells)).toFixed(0)} B`);
    rmSync(db, { force: true });
  }
  if (peaks.length > 1) {
    const a = peaks[0]!;
    const b = peaks[peaks.length - 1]!;
    const perCell = ((b.rss_kB - a.rss_kB) * 1024) / Math.max(1, b.cells - a.cells);
    console.log(`shift_peak_rss_growth_per_cell: ${perCell.toFixed(1)} B/cell`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
