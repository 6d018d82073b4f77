/**
 * `npm run bench:shift-memory` (node --import tsx bench/shift-memory.bench.ts [cells …] [--live-only |
 * --no-live]): peak memory of
 * `rollcell run` (production shift stored in SQLite, no battery) for shifts of 10⁵, 10⁶ and 5 × 10⁶ cell
 * positions of the reliability case `mem-6min-shift-10mm-cells.yaml` (10 × 10 mm cells, 10 lanes,
 * 100 m/min, linear line fidelity; its 6-minute shift is 571 000 positions, 3.8 GB before streaming).
 * Each run is its own process (bench/shift-memory-child.ts), so each peak is that run's alone.
 * Prints `name: value unit` lines: cells made (positions less splice/restart scrap), peak RSS, seconds,
 * the store's bytes per cell, and the growth of the peak per cell made between the smallest and the
 * largest shift (flat memory: ≈ 0). Never part of `npm test`; the 5 × 10⁶ run writes ≈ 16 GB of store and
 * ≈ 6 GB of spool to a temporary directory (removed at the end) and takes tens of minutes.
 *
 * Then the server's live run (`rollcell serve`'s worker, the live Shift view and its SSE client) of the same
 * case at 10⁵ and 10⁶ positions, each in its own process (bench/live-shift-memory-child.ts): peak RSS,
 * cells streamed, Shift snapshots and the largest snapshot's size; and the live Shift view's snapshot
 * cost itself (ShiftStream.payload, all four SPC quantities, 10 lanes) after 10⁵ and 10⁶ synthetic cells.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShiftStream } from '../src/server/present/shift.ts';
import { Rng } from '../src/numerics/rng.ts';

const CASE = new URL('../../shared/review/reliability-cases/mem-6min-shift-10mm-cells.yaml', import.meta.url).pathname;
// the case's line: 100 m/min, 10 lanes of 10 mm cells → 1 000 cell positions per second of running line
const POSITIONS_PER_H = (100 * 60 * 10) / 0.01;
const args = process.argv.slice(2);
const sizes = args.filter((a) => !a.startsWith('--')).map(Number);
const live = !args.includes('--no-live');
const cli = !args.includes('--live-only');
const dir = mkdtempSync(join(tmpdir(), 'rollcell-shift-mem-'));
try {
  const recipe = join(dir, 'r.yaml');
  copyFileSync(CASE, recipe);
  const child = new URL('./shift-memory-child.ts', import.meta.url).pathname;
  const peaks: { cells: number; rss_kB: number }[] = [];
  for (const n of cli ? (sizes.length ? sizes : [1e5, 1e6, 5e6]) : []) {
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
  if (live) {
    const liveChild = new URL('./live-shift-memory-child.ts', import.meta.url).pathname;
    const livePeaks: { cells: number; rss_kB: number }[] = [];
    for (const n of [1e5, 1e6]) {
      const db = join(dir, `live-${n}.db`);
      const r = JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', liveChild, recipe, db, String(n / POSITIONS_PER_H)], {
          encoding: 'utf8',
          maxBuffer: 1 << 26,
        }).trim(),
      ) as { s: number; maxrss_kB: number; cells: number; snapshots: number; shift_bytes: number };
      const tag = `server_live_shift_${n.toExponential().replace('+', '')}`;
      console.log(`${tag}_cells_streamed: ${r.cells} cells`);
      console.log(`${tag}_peak_rss: ${(r.maxrss_kB / 1024).toFixed(0)} MB`);
      console.log(`${tag}_seconds: ${r.s.toFixed(1)} s`);
      console.log(`${tag}_cells_per_second: ${(r.cells / r.s).toFixed(0)} cells/s`);
      console.log(`${tag}_snapshots: ${r.snapshots}`);
      console.log(`${tag}_largest_snapshot: ${(r.shift_bytes / 1024).toFixed(0)} kB`);
      livePeaks.push({ cells: r.cells, rss_kB: r.maxrss_kB });
      rmSync(db, { force: true });
    }
    const [a, b] = livePeaks as [(typeof livePeaks)[0], (typeof livePeaks)[0]];
    console.log(
      `server_live_shift_peak_rss_growth_per_cell: ${(((b.rss_kB - a.rss_kB) * 1024) / Math.max(1, b.cells - a.cells)).toFixed(1)} B/cell`,
    );
    // the snapshot's own cost: one pass over every lane's subgroup means per quantity
    for (const n of [1e5, 1e6]) {
      const lanes = 10;
      const stream = new ShiftStream({ lanes, subgroup_size: 5, spec: {} });
      const rng = new Rng(1);
      for (let i = 0; i < n; i++) {
        const g = 100 + 0.3 * rng.normal();
        stream.push({
          index: i,
          lane: i % lanes,
          t_s: i / 1000,
          cell_um: g,
          anode_um: 25 + 0.1 * rng.normal(),
          gauge_um: g,
          capacity_mAh: 60 + rng.normal(),
          in_spec: true,
          cause: '',
        });
      }
      const ctx = {
        planned_s: 3600,
        lanes,
        speed_m_per_min: 100,
        cell_length_mm: 10,
        stops: [],
        spec: {},
        subgroup_size: 5,
        ewma_lambda: 0.2,
        ewma_L: 3,
        done: false,
      };
      const times: number[] = [];
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now();
        for (const q of stream.quantities) stream.payload(ctx, q);
        times.push(performance.now() - t0);
      }
      times.sort((x, y) => x - y);
      const tag = `live_shift_snapshot_${n.toExponential().replace('+', '')}`;
      console.log(
        `${tag}_ms: ${times[0]!.toFixed(1)} ms (min of 5; median ${times[2]!.toFixed(1)} ms; 4 quantities, ${lanes} lanes)`,
      );
      console.log(`${tag}_held: ${((stream.held() * 8) / 2 ** 20).toFixed(1)} MB (${stream.held()} numbers)`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
