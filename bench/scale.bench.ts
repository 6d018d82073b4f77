/**
 * Scale-out figures (issue 18 item 5), against one PostgreSQL (a throwaway cluster from the npm-shipped
 * server, or ROLLCELL_PG_URL):
 *
 * 1. the queue's own cost with empty work: per shard (enqueue, claim, the write transaction, complete)
 *    and per point written, from shards of 1 and of 200 prepared points;
 * 2. a 2 000-point sweep (line + [0178] first cycle + claims) on 1 and on 2 worker processes
 *    (`rollcell worker`, started and connected before the clock starts), the speed-up and the efficiency
 *    (speed-up / workers): with fresh worker processes (cold: each compiles the point code on the clock)
 *    and with long-running ones (warm: a first study of 600 points a worker before the clock), and where
 *    the time went — each worker's compute, queue work (claim, stored, write, complete), wait for its
 *    first shard, idle between shards and tail, the coordinator's serial parts, and the CPU of the
 *    workers, the coordinator and PostgreSQL (from /proc) while the clock ran;
 * 3. the projected efficiency at 8, 32 and 128 workers from (1) and the measured point cost;
 * 4. the production engine's cells per second (one core, full station physics and linear surrogate) and
 *    the projected time of a 10⁶-cell campaign on this machine's cores;
 * 5. the measured time of a campaign (default 10⁶ cell positions of the patent example, whole-roll shards,
 *    per-cell genealogy rows and campaign-wide SPC) on 2 `rollcell worker` processes against the same
 *    PostgreSQL, from enqueue to the joined summary, with the load average before and after.
 *
 * Prints `name: value unit` lines. Timings on a shared machine are noisy: the load average is printed
 * with them; run it on a quiet machine for figures to quote.
 *
 *   npm run bench:scale [-- --points 2000 --skip-sweep --campaign-cells 1000000 --skip-campaign --campaign-only
 *                          --sweep-only]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { parse } from 'yaml';
import pg from 'pg';
import { startPostgres } from '../test/support/postgres.ts';
import { openStore, StudyStore } from '../src/store/index.ts';
import { prepareStudyText } from '../src/study/prepare.ts';
import { JobQueue, queueSchema } from '../src/jobs/queue.ts';
import { runDistributedSweep, type CoordinatorTiming } from '../src/jobs/coordinator.ts';
import type { WorkerSummary, WorkerTiming } from '../src/jobs/worker.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { shardRanges } from '../src/jobs/shards.ts';
import { runProduction } from '../src/process/line.ts';
import { presentShift } from '../src/present/production.ts';
import { runCampaign } from '../src/jobs/campaign-coordinator.ts';
import { validateRecipeData } from '../src/recipe/parse.ts';
import type { PointResult } from '../src/study/point.ts';
import { benchStudyText, recipeText } from './bench-study.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('points', 2000);
const campaignOnly = process.argv.includes('--campaign-only');
const skipSweep = campaignOnly || process.argv.includes('--skip-sweep');
const sweepOnly = process.argv.includes('--sweep-only');
const skipCampaign = sweepOnly || process.argv.includes('--skip-campaign');
const campaignCells = arg('campaign-cells', 1_000_000);
const BIN = new URL('../bin/rollcell.js', import.meta.url).pathname;
const print = (k: string, v: string | number, unit = ''): void =>
  console.log(`${k}: ${typeof v === 'number' ? Number(v.toPrecision(4)) : v}${unit ? ` ${unit}` : ''}`);

const external = process.env['ROLLCELL_PG_URL'];
const cluster = external ? null : await startPostgres();
const serverUrl = external ?? cluster!.url;
const admin = new pg.Pool({ connectionString: serverUrl, max: 2 });
admin.on('error', () => {});
let schemaN = 0;
const freshSchema = (): { db: string; schema: string } => {
  const schema = `bench_scale_${process.pid}_${schemaN++}`;
  const u = new URL(serverUrl);
  u.searchParams.set('schema', schema);
  return { db: u.toString(), schema };
};
const dropSchema = async (schema: string): Promise<void> => {
  await admin.query(`drop schema if exists "${schema}" cascade`);
  await admin.query(`drop schema if exists "${queueSchema(schema)}" cascade`);
};

console.log(
  `# bench:scale on ${availableParallelism()} cores, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(`# PostgreSQL: ${external ? 'ROLLCELL_PG_URL' : cluster!.describe()}`);

const studyText = (n: number): string => benchStudyText('bench scale', n, true);

/* ------------------------------------------------------------ 1. queue overhead with empty work */
async function queueOverhead(): Promise<{ perShard_s: number; perPoint_s: number }> {
  const { db, schema } = freshSchema();
  const ps = prepareStudyText('sweep', { text: recipeText, name: 'r' }, { text: studyText(20_000), name: 's' });
  const store = await openStore(db);
  const studies = new StudyStore(store);
  const queue = await JobQueue.open(db);
  try {
    await studies.begin(ps.def);
    const cols = ps.sp.columns.length;
    const fake = (i: number): PointResult => ({
      idx: i,
      status: 'ok',
      seed: 1000 + i,
      values: [123.456789, 98.7654321, 18.25, 5.5],
      outputs: Array.from({ length: cols }, (_, k) => (k % 3 === 0 ? 'met' : 12.3456789 + k)),
    });
    const round = async (shards: number, size: number, offset: number): Promise<number> => {
      const ranges = shardRanges(offset + shards * size, new Set(Array.from({ length: offset }, (_, i) => i)), size);
      const t0 = performance.now();
      await queue.enqueueShards(ps.id, ranges, { leaseSeconds: 600, retryLimit: 3 });
      for (;;) {
        const [job] = await queue.claim(1);
        if (!job) break;
        const stored = await studies.storedIn(ps.id, job.data.from, job.data.to);
        const res: PointResult[] = [];
        for (let i = job.data.from; i < job.data.to; i++) if (!stored.has(i)) res.push(fake(i));
        await studies.savePoints(ps.id, res);
        await queue.complete(job.id, { points: res.length });
      }
      return (performance.now() - t0) / 1000 / shards;
    };
    await round(20, 1, 0); // warm-up (connections, plans)
    const S = 200;
    const small = await round(S, 1, 20);
    const big = await round(40, 200, 20 + S);
    const perPoint = (big - small) / 199;
    const perShard = small - perPoint;
    print(
      'queue_shard_overhead_ms',
      perShard * 1000,
      'ms (enqueue + claim + write transaction + complete, empty work)',
    );
    print('queue_point_write_ms', perPoint * 1000, 'ms per point written (JSON row, in the shard transaction)');
    return { perShard_s: perShard, perPoint_s: perPoint };
  } finally {
    await queue.close();
    await store.close();
    await dropSchema(schema);
  }
}

/* ------------------------------------------------------------ 2. a sweep on 1 and 2 workers */
interface Proc {
  child: ChildProcess;
  exit: Promise<number | null>;
  ready: Promise<void>;
  /** the worker's CPU seconds, from its summary line */
  cpu(): number;
  /** the worker's summary line */
  summary(): WorkerSummary | undefined;
}

/**
 * CPU seconds used so far by a process and all its children, living and reaped (Linux /proc; clock
 * ticks of 1/100 s): for PostgreSQL, the postmaster and its backends. NaN where /proc is not there.
 */
function treeCpuSeconds(root: number): number {
  try {
    const stat = (pid: number | string): string[] => {
      const t = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return t.slice(t.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    };
    const r = stat(root);
    // utime, stime, cutime, cstime: fields 14–17 (index 11–14 here)
    let ticks = Number(r[11]) + Number(r[12]) + Number(r[13]) + Number(r[14]);
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const f = stat(d);
        if (Number(f[1]) === root) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      } catch {
        // gone meanwhile
      }
    }
    return ticks / 100;
  } catch {
    return NaN;
  }
}
/** `taskset` (util-linux) binds a worker and all its threads to one core; absent, no pinned figures */
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((f) => existsSync(f));
function worker(db: string, core?: number): Proc {
  const args = [BIN, 'worker', '--db', db, '--concurrency', '1'];
  const child =
    core === undefined || !TASKSET
      ? spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(TASKSET, ['-c', String(core), process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  let err = '';
  const ready = new Promise<void>((res) =>
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (/rollcell worker .*database/.test(err)) res();
    }),
  );
  const exit = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  const summary = (): WorkerSummary | undefined => {
    try {
      return JSON.parse(out.trim().split('\n').at(-1) ?? '') as WorkerSummary;
    } catch {
      return undefined;
    }
  };
  const cpu = (): number => summary()?.cpu_s ?? NaN;
  return { child, exit, ready, cpu, summary };
}

interface SweepRun {
  /** from enqueue (the clock's start) to the summary */
  seconds: number;
  shardPoints: number;
  shards: number;
  /** CPU seconds of the worker processes (all their threads) while the clock ran */
  cpu: number;
  /** epoch ms of the clock's start */
  t0: number;
  coordinator: CoordinatorTiming;
  /** CPU seconds of this process (the coordinator) and of PostgreSQL during the run */
  coordinatorCpu: number;
  postgresCpu: number;
  /** each worker's timing of the timed study */
  workers: WorkerTiming[];
}

/** pinned: worker k runs on core k only (all its threads: V8's compiler and GC threads included) */
async function sweepOn(workers: number, n: number, warm: boolean, pinned = false): Promise<SweepRun> {
  const { db, schema } = freshSchema();
  const ps = prepareStudyText('sweep', { text: recipeText, name: 'r' }, { text: studyText(n), name: 's' });
  const store = await openStore(db);
  const queue = await JobQueue.open(db);
  const procs = Array.from({ length: workers }, (_, k) => worker(db, pinned ? k % availableParallelism() : undefined));
  let result: Omit<SweepRun, 'workers'> | undefined;
  try {
    await Promise.all(procs.map((p) => p.ready));
    if (warm) {
      // long-running workers: a first study of the same kind (other name and seed, 600 points a worker)
      // compiles the point code in every worker before the clock starts
      const text = benchStudyText('bench scale warm-up', 600 * workers, true).replace('seed: 1', 'seed: 2');
      const wu = prepareStudyText('sweep', { text: recipeText, name: 'r' }, { text, name: 'w' });
      await runDistributedSweep(wu, { store: new StudyStore(store), queue });
    }
    // from enqueue to the summary (the coordinator's probe points and its conclusion included; the
    // workers are started and connected before the clock starts)
    const cpuOf = (): number => procs.reduce((a, p) => a + treeCpuSeconds(p.child.pid!), 0);
    const w0 = cpuOf();
    const pg0 = cluster ? treeCpuSeconds(cluster.pid) : NaN;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const res = await runDistributedSweep(ps, { store: new StudyStore(store), queue });
    const c = process.cpuUsage(c0);
    result = {
      seconds: (performance.now() - t0) / 1000,
      shardPoints: res.shardPoints,
      shards: res.shards,
      t0: performance.timeOrigin + t0,
      coordinator: res.timing,
      coordinatorCpu: (c.user + c.system) / 1e6,
      postgresCpu: cluster ? treeCpuSeconds(cluster.pid) - pg0 : NaN,
      cpu: cpuOf() - w0,
    };
  } finally {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exit));
    await queue.close();
    await store.close();
    await dropSchema(schema);
  }
  // each worker's timing of this study (a warm-up study before it is left out)
  const workersTiming = procs
    .map((p) => p.summary()?.studies.find((x) => x.study_id === ps.id)?.timing)
    .filter((x): x is WorkerTiming => x !== undefined);
  return { ...result!, workers: workersTiming };
}

/**
 * Where the wall time of a distributed sweep on W workers went, as shares of the W × wall
 * worker-seconds (the clock: enqueue → summary): the coordinator's serial parts (storing the study,
 * the probe points, enqueueing: no shard exists yet; concluding: every point is in), each worker's wait
 * for its first shard beyond those (poll latency), computing, the queue's own work (claim, reading
 * what is stored, the write transaction, complete), idle between shards, and the tail (its last shard
 * done, the others still running, until the coordinator sees the last point).
 */
function breakdown(label: string, r: SweepRun, points: number): void {
  const W = r.workers.length;
  const budget = W * r.seconds;
  const c = r.coordinator;
  const serialBefore = c.begin_s + c.probe_s + c.enqueue_s;
  const sum = (f: (w: WorkerTiming) => number): number => r.workers.reduce((a, w) => a + f(w), 0);
  const compute = sum((w) => w.compute_s);
  const queueWork = sum((w) => w.claim_s + w.stored_s + w.write_s + w.complete_s);
  const startWait = sum((w) =>
    w.first_claim_at === null ? 0 : Math.max(0, (w.first_claim_at - c.enqueued_at) / 1000),
  );
  const tail = sum((w) => (w.last_done_at === null ? 0 : Math.max(0, (c.all_in_at - w.last_done_at) / 1000)));
  const before = W * serialBefore;
  const conclude = W * c.conclude_s;
  const other = budget - before - conclude - startWait - compute - queueWork - tail;
  const pct = (x: number): string => `${((100 * x) / budget).toFixed(1)} %`;
  print(
    `${label}_breakdown`,
    `compute ${pct(compute)}, queue ${pct(queueWork)}, first-shard wait ${pct(startWait)}, tail ${pct(tail)}, ` +
      `idle between shards ${pct(other)}, coordinator before the shards ${pct(before)}, coordinator concluding ${pct(conclude)}`,
    `(of ${W} × ${r.seconds.toFixed(2)} s worker-wall)`,
  );
  print(
    `${label}_coordinator_probe_seconds`,
    c.probe_s,
    `s (${c.probe_points} points run by the coordinator to size the shards)`,
  );
  print(`${label}_coordinator_conclude_seconds`, c.conclude_s, 's (every point read, the study summarised)');
  print(`${label}_shards`, `${r.shards} of ${r.shardPoints} points`);
  const fp = sum((w) => w.first_shard_points);
  const fc = sum((w) => w.first_shard_compute_s);
  print(
    `${label}_point_compute_ms`,
    `first shard ${((1000 * fc) / Math.max(1, fp)).toFixed(2)}, later ${((1000 * (compute - fc)) / Math.max(1, points - c.probe_points - fp)).toFixed(2)}`,
    'ms per point, wall in the worker (the first shard compiles the point code)',
  );
  print(
    `${label}_queue_seconds`,
    `claim ${sum((w) => w.claim_s).toFixed(3)}, stored ${sum((w) => w.stored_s).toFixed(3)}, write ${sum((w) => w.write_s).toFixed(3)}, complete ${sum((w) => w.complete_s).toFixed(3)}`,
    's (all workers)',
  );
  const computeCpu = sum((w) => w.compute_cpu_s);
  print(
    `${label}_compute_cpu_share`,
    (100 * computeCpu) / compute,
    '% (CPU ÷ wall while computing: < 100 % = waited for a core)',
  );
  print(
    `${label}_cpu_seconds`,
    `workers ${r.cpu.toFixed(2)}, coordinator ${r.coordinatorCpu.toFixed(2)}, PostgreSQL ${r.postgresCpu.toFixed(2)}`,
    `s while the clock ran; the machine had ${availableParallelism()} cores × ${r.seconds.toFixed(2)} s = ${(availableParallelism() * r.seconds).toFixed(2)} core-s`,
  );
}

/* ------------------------------------------------------------ 4. production engine */
function production(): { full: number; linear: number } {
  const base = parse(recipeText) as Record<string, unknown>;
  const rate = (fidelity: 'full' | 'linear'): number => {
    // CPU time of this thread's work (not distorted by other processes on a shared machine)
    const data = structuredClone(base) as Record<string, Record<string, unknown>>;
    data['production'] = { ...(data['production'] ?? {}), fidelity };
    const v = validateRecipeData(data);
    if (!v.ok) throw new Error(`bench recipe: ${JSON.stringify(v.problems)}`);
    const recipe = v.recipe;
    runProduction(recipe, { seed: 1, web_length_m: 20, keepCells: false }); // warm-up
    const c0 = process.cpuUsage();
    const r = runProduction(recipe, { seed: 2, web_length_m: fidelity === 'full' ? 400 : 2000, keepCells: false });
    const c = process.cpuUsage(c0);
    return presentShift(r).cells_total / ((c.user + c.system) / 1e6);
  };
  return { full: rate('full'), linear: rate('linear') };
}

/* ------------------------------------------------------------ 5. a measured campaign on 2 workers */
async function campaignOn(workers: number, cells: number): Promise<void> {
  const { db, schema } = freshSchema();
  const v = validateRecipeData(parse(recipeText) as Record<string, unknown>);
  if (!v.ok) throw new Error('bench recipe');
  // the queue and the store are installed first, so the clock times the campaign, not the set-up
  (await JobQueue.open(db)).close();
  const procs = Array.from({ length: workers }, () => worker(db));
  try {
    await Promise.all(procs.map((p) => p.ready));
    const la0 = loadavg()[0]!;
    const t0 = performance.now();
    const r = await runCampaign(v.recipe, recipeText, cells, { db, seed: 1 });
    const seconds = (performance.now() - t0) / 1000;
    print(
      'campaign_measured_cell_positions',
      cells,
      `(${r.plan.shards} whole-roll shards of ${r.plan.shard_length_m} m)`,
    );
    print('campaign_measured_cells_made', r.summary.cells_total, 'cells (each with its genealogy row)');
    print(`campaign_measured_seconds_${workers}_workers`, seconds, 's from enqueue to the joined summary');
    print('campaign_measured_cells_per_s', r.summary.cells_total / seconds, 'cells/s');
    print(
      'campaign_measured_load_average',
      `${la0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
      '(1-min, before → after)',
    );
  } finally {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exit));
    await dropSchema(schema);
  }
}

const ov = campaignOnly ? { perShard_s: NaN, perPoint_s: NaN } : await queueOverhead();
let pointSeconds = NaN;
if (!skipSweep) {
  // fresh worker processes (each compiles the point code in its first shards: cold) and long-running
  // ones (a warm-up study first: warm), each on 1 and 2 workers
  const cold1 = await sweepOn(1, N, false);
  const cold2 = await sweepOn(2, N, false);
  const one = await sweepOn(1, N, true);
  const two = await sweepOn(2, N, true);
  // a point's cost for the projection: CPU of a warm worker per point (what it costs on an idle core)
  pointSeconds = one.cpu / N;
  print('scale_sweep_points', N, 'points (line + [0178] first cycle + claims, LHS over 4 inputs)');
  print(
    'scale_sweep_shards',
    `${one.shards} (${one.shardPoints} points, the last ones tapering)`,
    'shards, sized by the coordinator',
  );
  // the 1- and 2-worker times of a pair and its efficiency (speed-up ÷ 2)
  const pair = (suffix: string, a: SweepRun, b: SweepRun, what: string, note: string): void => {
    print(`scale_sweep_1_worker${suffix}_seconds`, a.seconds, `s (${what})`);
    print(`scale_sweep_2_workers${suffix}_seconds`, b.seconds, `s (${what})`);
    print(`scale_efficiency_2${suffix}`, (100 * a.seconds) / b.seconds / 2, `% (${note})`);
  };
  pair(
    '',
    one,
    two,
    'warm workers: started and run a first study before',
    'warm; wall: meaningful on a quiet machine only',
  );
  print('scale_speedup_2', one.seconds / two.seconds, '×');
  pair(
    '_cold',
    cold1,
    cold2,
    'fresh worker processes',
    'fresh workers: each compiles the point code on the clock; one worker does it on the spare core',
  );
  // CPU of the workers for the same points while the clock ran: the work the second worker adds to the
  // whole — queue, database contention, a re-run shard, compiling the point code again when cold
  print('scale_worker_cpu_1_seconds', one.cpu, 's (all points, 1 warm worker)');
  print('scale_worker_cpu_2_seconds', two.cpu, 's (all points, 2 warm workers together)');
  print('scale_cpu_efficiency_2', (100 * one.cpu) / two.cpu, '% (CPU for the same work: 1 worker ÷ 2 workers, warm)');
  print('scale_cpu_efficiency_2_cold', (100 * cold1.cpu) / cold2.cpu, '% (the same, fresh workers)');
  print('scale_points_per_cpu_s', N / one.cpu, 'points per CPU-second of a warm worker');
  print('scale_point_wall_ms', (one.seconds / N) * 1000, 'ms per point on one warm worker (wall, incl. the queue)');
  // One core per worker: an unpinned worker process uses more than one core while it computes (V8's
  // garbage collector and compiler threads run beside the JavaScript thread), so on a 2-core machine the
  // 1-worker baseline borrows part of the core the second worker needs, and speed-up ÷ 2 understates how
  // the queue scales. With each worker bound to its own core (taskset; the coordinator and PostgreSQL
  // unbound), 1 and 2 workers get the same resources per worker — the deployment the README sizes.
  if (TASKSET) {
    const pin1 = await sweepOn(1, N, true, true);
    const pin2 = await sweepOn(2, N, true, true);
    pair('_pinned', pin1, pin2, 'warm workers, each bound to its own core', 'one core per worker');
    print(
      'scale_worker_cores_unpinned',
      one.cpu / one.seconds,
      'cores used by one unpinned warm worker while the clock ran (> 1: V8 threads on the spare core)',
    );
    breakdown('scale_1_worker_pinned', pin1, N);
    breakdown('scale_2_workers_pinned', pin2, N);
  }
  breakdown('scale_1_worker', one, N);
  breakdown('scale_2_workers', two, N);
  breakdown('scale_1_worker_cold', cold1, N);
  breakdown('scale_2_workers_cold', cold2, N);
}
if (!campaignOnly) {
  // projection: a worker's share of a shard is its work plus the queue's fixed cost; the database serves
  // the queue's work of all workers (assumed: one core's worth, every overhead millisecond counted as
  // database time — conservative); the last round of shards leaves workers idle
  const t = Number.isFinite(pointSeconds) ? pointSeconds : 0.01;
  for (const [label, points] of [
    ['2000', 2000],
    ['200000', 200_000],
  ] as const) {
    for (const W of [8, 32, 128]) {
      const size = Math.max(1, Math.min(Math.ceil(ov.perShard_s / (0.01 * t)), Math.ceil(points / 16)));
      const shards = Math.ceil(points / size);
      const work = size * t;
      const perShard = ov.perShard_s + size * ov.perPoint_s;
      const busy = work / (work + perShard);
      const dbLoad = (W * perShard) / (work + perShard);
      const dbFactor = Math.min(1, 1 / dbLoad);
      const tail = shards / (W * Math.ceil(shards / W));
      print(`scale_projected_efficiency_${W}_workers_${label}_points`, 100 * busy * dbFactor * tail, '%');
    }
  }
}
if (!campaignOnly && !sweepOnly) {
  const p = production();
  print('campaign_cells_per_core_s_full', p.full, 'cells per CPU-second (full station physics per cell)');
  print('campaign_cells_per_core_s_linear', p.linear, 'cells per CPU-second (linear surrogate per cell)');
  const cores = availableParallelism();
  print(
    'campaign_1e6_cells_seconds_full',
    1e6 / (p.full * cores),
    `s on ${cores} idle cores (CPU time ÷ cores; whole-roll shards on that many worker threads)`,
  );
  print('campaign_1e6_cells_seconds_linear', 1e6 / (p.linear * cores), `s on ${cores} idle cores (CPU time ÷ cores)`);
}
if (!skipCampaign) await campaignOn(2, campaignCells);
await admin.end();
await cluster?.stop();
