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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { openStore, StudyStore, studyId } from '../src/store/index.ts';
import { parseStudyText, planStudy } from '../src/study/plan.ts';
import { runSweep, contextOf, type PreparedStudy } from '../src/study/session.ts';
import { poolExecutor, defaultWorkers } from '../src/study/pool.ts';
import { ROLLCELL_VERSION } from '../src/version.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('points', 10_000);
const workers = arg('workers', defaultWorkers());
const recipeText = readFileSync(new URL('../examples/patent-line.yaml', import.meta.url), 'utf8');
const base = parse(recipeText) as Record<string, unknown>;

async function bench(label: string, firstCycle: boolean): Promise<void> {
  const studyText = `
name: bench ${label}
seed: 1
parameters:
  stations.240.force_N: {from: 150, to: 500}
  stations.240.temperature_C: {from: 60, to: 170}
  third_sheet.li_layer.thickness_um: {from: 16, to: 22}
  cell.stack_pressure_MPa: {from: 1, to: 10}
design: {type: lhs, n: ${N}}
stages: {first_cycle: ${firstCycle}}
outputs: [line.anode.thickness_um, line.anode.free_li_um, ${firstCycle ? 'cycling.discharge_capacity_mAh_g, cycling.coulombic_efficiency, ' : ''}claims, claims_met]
`;
  const study = parseStudyText(studyText);
  const sp = planStudy(study, base, {});
  const id = studyId('sweep', [label, String(Date.now())]);
  const ps: PreparedStudy = {
    id,
    kind: 'sweep',
    sp,
    def: {
      id,
      kind: 'sweep',
      name: study.name,
      rollcellVersion: ROLLCELL_VERSION,
      recipeText,
      recipe: base,
      studyText,
      study,
      base,
      seed: 1,
      design: 'lhs',
      inputs: sp.factors.map((f) => f.path),
      outputs: sp.columns,
      nPoints: sp.plan.size,
    },
  };
  const dir = mkdtempSync(join(tmpdir(), 'rollcell-bench-sweep-'));
  const store = await openStore(join(dir, 'bench.db'));
  const executor = poolExecutor(contextOf(sp), workers);
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
