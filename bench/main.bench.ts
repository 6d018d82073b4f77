/**
 * The main job's speed: `rollcell run examples/patent-line.yaml` (production shift and battery included)
 * as a user runs it — the bin in a fresh process, SQLite store and HTML report written to a temp dir —
 * timed wall-clock, plus the time of each stage (from the job's own progress events, in-process).
 * Prints
 *   main_job_s: <min of the runs> s
 *   main_job_median_s, main_job_runs, main_job_cpu_s (user + system CPU of the command, all its threads),
 *   cli_<phase>_s (median over the runs: where the command's wall time goes, from its ROLLCELL_TIMINGS=1
 *   phase marks — process start, module load, recipe, store open, job, report, save, print, exit),
 *   cli_worker_<mark>_at_s (median over the runs: when a job's worker thread reached its marks — loaded,
 *   the pack's cells made, cycling, shift, C/3, ageing chunks, the staged save — s since the process started),
 *   stage_<name>_s (median over the in-process runs), stage_job_cpu_s
 *   (CPU seconds of the in-process job: a figure less sensitive to other load on a shared machine)
 * Run: npm run bench:main [-- --runs N]   (default 3 runs; timings on a shared machine are noisy: the
 * minimum is the figure, the median shows the spread)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRecipeText } from '../src/recipe/parse.ts';
import { runJob } from '../src/pipeline.ts';

const argRuns = process.argv.indexOf('--runs');
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 3;
const bin = new URL('../bin/rollcell.js', import.meta.url).pathname;
const example = new URL('../examples/patent-line.yaml', import.meta.url).pathname;

const median = (x: number[]): number => {
  const s = [...x].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
};

// ---- the command as a user runs it, with its phase marks (ROLLCELL_TIMINGS=1: src/cli/timings.ts)
const walls: number[] = [];
const cpus: number[] = [];
const phases = new Map<string, number[]>();
/** a worker thread's marks, s since the process started (per run) */
const workerMarks = new Map<string, number[]>();
for (let i = 0; i < RUNS; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'rollcell-bench-main-'));
  try {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'run', example, '--quiet', '--db', join(dir, 'r.db'), '--out', dir], {
      encoding: 'utf8',
      env: { ...process.env, ROLLCELL_TIMINGS: '1' },
    });
    const s = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`rollcell run failed (exit ${r.status}): ${r.stderr}`);
    walls.push(s);
    const all = [...r.stderr.matchAll(/^timing: (.+) ([0-9.]+) ms, cpu ([0-9.]+) ms$/gm)].map(
      (m) => [m[1]!, Number(m[2]), Number(m[3])] as const,
    );
    // the main thread's marks make the chain of phases; a worker thread's (`worker …`) are points in time
    const marks = all.filter(([name]) => !name.startsWith('worker '));
    // a mark a worker writes more than once (its ageing chunks): its first and its last time
    const here = new Map<string, number>();
    for (const [name, t] of all) {
      if (!name.startsWith('worker ')) continue;
      here.set(here.has(name) ? `${name} (last)` : name, t / 1000);
    }
    for (const [k, t] of here) workerMarks.set(k, [...(workerMarks.get(k) ?? []), t]);
    // the command's CPU (all its threads) at its last mark, `exit`
    if (marks.length) cpus.push(marks[marks.length - 1]![2] / 1000);
    let prev = 0;
    let prevName = 'process start';
    for (const [name, t] of marks) {
      const key = `${prevName} → ${name}`;
      const l = phases.get(key) ?? [];
      l.push((t - prev) / 1000);
      phases.set(key, l);
      prev = t;
      prevName = name;
    }
    const l = phases.get('exit → process end') ?? [];
    l.push(Math.max(0, s - prev / 1000));
    phases.set('exit → process end', l);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- per stage, in-process (same job, timed by its progress events)
const p = parseRecipeText(readFileSync(example, 'utf8'));
if (!p.ok) throw new Error('examples/patent-line.yaml must parse');
const stageTimes = new Map<string, number[]>();
for (let i = 0; i < RUNS; i++) {
  let stage = '';
  let t0 = performance.now();
  const close = (): void => {
    if (stage) {
      const l = stageTimes.get(stage) ?? [];
      l.push((performance.now() - t0) / 1000);
      stageTimes.set(stage, l);
    }
  };
  const tJob = performance.now();
  const c0 = process.cpuUsage();
  runJob(p.recipe, {
    seed: 1,
    production: true,
    battery: true,
    progress: (e) => {
      if (e.stage === stage) return;
      close();
      stage = e.stage;
      t0 = performance.now();
    },
  });
  close();
  const c1 = process.cpuUsage(c0);
  const l = stageTimes.get('job (in-process, all stages)') ?? [];
  l.push((performance.now() - tJob) / 1000);
  stageTimes.set('job (in-process, all stages)', l);
  // CPU time of this process over the job: less sensitive than wall time to other load on a shared machine
  const c = stageTimes.get('job cpu') ?? [];
  c.push((c1.user + c1.system) / 1e6);
  stageTimes.set('job cpu', c);
}

console.log(`main_job_s: ${Math.min(...walls).toFixed(2)} s`);
console.log(`main_job_median_s: ${median(walls).toFixed(2)} s`);
if (cpus.length)
  console.log(
    `main_job_cpu_s: ${median(cpus).toFixed(2)} s (min ${Math.min(...cpus).toFixed(2)}; all threads, user + system)`,
  );
console.log(
  `main_job_runs: ${walls.map((w) => w.toFixed(2)).join(' ')} s (rollcell run examples/patent-line.yaml, fresh process each)`,
);
for (const [name, t] of phases) {
  const key = name
    .replace(/[^a-z0-9]+/gi, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
  console.log(`cli_${key}_s: ${median(t).toFixed(3)} s (min ${Math.min(...t).toFixed(3)}; ${name})`);
}
for (const [name, t] of workerMarks) {
  const key = name
    .replace(/[^a-z0-9]+/gi, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
  console.log(
    `cli_${key}_at_s: ${median(t).toFixed(3)} s (min ${Math.min(...t).toFixed(3)}; since the process started)`,
  );
}
for (const [name, t] of stageTimes) {
  const key = name
    .replace(/[^a-z0-9]+/gi, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
  console.log(`stage_${key}_s: ${median(t).toFixed(2)} s (min ${Math.min(...t).toFixed(2)})`);
}
