/**
 * Sweep speed (issue 17 item 6): 10 000 points of "line + anode + [0178] first cycle on the SPMe +
 * claims" and 10 000 line-only points, on a worker pool of every core, stored in a SQLite file as a
 * real study is. Prints `name: value unit` lines: sweep_points, sweep_seconds, points_per_core_s (and the
 * line-only figures with a `line_` prefix), and the CPU time of all threads (points_per_cpu_s: what the
 * wall time would be on idle cores; on a shared, busy machine the wall figures are not). Timings on a
 * shared machine are noisy: run it on a quiet one.
 *
 *   npm run bench:sweep [-- --points 10000 --workers N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, StudyStore } from '../src/store/index.ts';
import { prepareStudyText } from '../src/study/prepare.ts';
import { runSweep, contextOf } from '../src/study/session.ts';
import { poolExecutor, defaultWorkers } from '../src/study/pool.ts';
import { benchStudyText, recipeText } from './bench-study.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('points', 10_000);
const workers = arg('workers', defaultWorkers());

async function bench(label: string, firstCycle: boolean): Promise<void> {
  const ps = prepareStudyText(
    'sweep',
    { text: recipeText, name: 'r' },
    { text: benchStudyText(`bench ${label}`, N, firstCycle), name: 's' },
  );
  const dir = mkdtempSync(join(tmpdir(), 'rollcell-bench-sweep-'));
  const store = await openStore(join(dir, 'bench.db'));
  const executor = poolExecutor(contextOf(ps.sp), workers);
  try {
    // the pool's threads start and load the sources before the clock starts (a long study pays this once)
    await executor.run([]);
    const t0 = performance.now();
    const c0 = process.cpuUsage(); // process-wide: every worker thread's CPU time too
    const res = await runSweep(ps, { store: new StudyStore(store), executor });
    const s = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1e6;
    const p = label === 'first cycle' ? '' : 'line_';
    console.log(`${p}sweep_points: ${res.rows.length} points`);
    console.log(`${p}sweep_failed: ${res.summary.failed} points`);
    console.log(`${p}sweep_seconds: ${s.toFixed(2)} s`);
    console.log(`${p}points_per_core_s: ${(res.rows.length / s / workers).toFixed(1)} points/(core s)`);
    // CPU time is what a busy shared machine does not distort: the wall time a quiet machine would need
    console.log(`${p}sweep_cpu_seconds: ${cpu.toFixed(2)} s`);
    console.log(`${p}points_per_cpu_s: ${(res.rows.length / cpu).toFixed(1)} points/(CPU s)`);
  } finally {
    await executor.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`workers: ${workers} threads`);
await bench('line only', false);
await bench('first cycle', true);
