/**
 * What a job's worker thread spends on the data files (library, mechanics, Li–Al, SSB cathodes, ageing, SPC
 * constants) alone (it reads and checks them itself) and handed (its parent's checked data in its workerData,
 * src/assets.ts checkedOnce): worker threads started one after another, alternately alone and handed, each
 * timed from `new Worker` to its exit (the parent waits idle, so the process's CPU is the worker's, the
 * workerData's copy included). The worker's module load is in both.
 * Prints worker_data_<alone|handed>_check_cpu_ms (the loaders in the worker), _worker_cpu_ms and _worker_wall_ms
 * (new Worker to exit, module load included), worker_data_clone_cpu_ms (the copy) and worker_data_saved_cpu_ms.
 * Run: node --import tsx bench/worker-data.bench.ts [rounds=10]
 *      node --single-threaded --import tsx bench/worker-data.bench.ts <alone|handed> <workers>   (for cachegrind:
 *      that many workers of one kind, nothing printed but the count)
 */
import { Worker } from 'node:worker_threads';
import { jobDataForWorker } from '../src/cli/job-threads.ts';

const entry = new URL('./worker-data-child.mjs', import.meta.url);
const parentData = jobDataForWorker(); // the parent's own check, once (it checks them for its own work anyway)

type Round = { cpu_ms: number; wall_ms: number; check_cpu_ms: number };
const once = (handed: boolean): Promise<Round> =>
  new Promise((resolve, reject) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let check_cpu_ms = NaN;
    const w = new Worker(entry, { workerData: handed ? jobDataForWorker() : {} });
    w.once('message', (m: { check_cpu_ms: number }) => (check_cpu_ms = m.check_cpu_ms));
    w.once('error', reject);
    w.once('exit', () => {
      const c = process.cpuUsage(c0);
      resolve({ cpu_ms: (c.user + c.system) / 1000, wall_ms: performance.now() - t0, check_cpu_ms });
    });
  });

/** the handover's copy: the structured clone of the checked data (serialised here, deserialised by the worker) */
const cloneCpuMs = (): number => {
  const c0 = process.cpuUsage();
  structuredClone(jobDataForWorker());
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

const median = (x: number[]): number => {
  const s = [...x].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
};
const line = (name: string, x: number[]): void =>
  console.log(`${name}: ${Math.min(...x).toFixed(2)} ms (min), ${median(x).toFixed(2)} ms (median)`);

const mode = process.argv[2];
if (mode === 'alone' || mode === 'handed') {
  const n = Number(process.argv[3] ?? 1);
  for (let i = 0; i < n; i++) await once(mode === 'handed');
  console.log(`workers: ${n} ${mode} (${Object.keys(parentData).length} key)`);
} else {
  const rounds = Number(mode ?? 10);
  await once(false); // warm the file system and tsx's cache
  const r = { alone: [] as Round[], handed: [] as Round[] };
  const clone: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // interleaved, the order alternating each round
    if (i % 2 === 0) {
      r.alone.push(await once(false));
      r.handed.push(await once(true));
    } else {
      r.handed.push(await once(true));
      r.alone.push(await once(false));
    }
    clone.push(cloneCpuMs());
  }
  for (const k of ['alone', 'handed'] as const) {
    line(
      `worker_data_${k}_check_cpu_ms`,
      r[k].map((x) => x.check_cpu_ms),
    );
    line(
      `worker_data_${k}_worker_cpu_ms`,
      r[k].map((x) => x.cpu_ms),
    );
    line(
      `worker_data_${k}_worker_wall_ms`,
      r[k].map((x) => x.wall_ms),
    );
  }
  line('worker_data_clone_cpu_ms', clone);
  const saved =
    median(r.alone.map((x) => x.check_cpu_ms)) - median(r.handed.map((x) => x.check_cpu_ms)) - median(clone);
  console.log(
    `worker_data_saved_cpu_ms: ${saved.toFixed(2)} ms per worker (check alone − check handed − clone, medians)`,
  );
}
