/**
 * Where a command's wall time goes (issue 12): with ROLLCELL_TIMINGS=1 the CLI writes one line per phase
 * boundary to stderr, `timing: <phase> <ms> ms, cpu <ms> ms`: the milliseconds since the process started
 * (performance.now(): its origin is the process's start) and the CPU the process used so far (user +
 * system, all its threads). `npm run bench:main` reads them to split
 * `rollcell run` into process start and module load, recipe, store open, job, report, save and exit.
 * A job's worker thread (./job-threads.ts) marks its own phases the same way, `timing: worker <phase> …`,
 * on the process's clock (the main thread's origin, given to the worker as workerData.timingOrigin), written
 * straight to the file descriptor (a worker's process.stderr goes through the main thread, which is busy).
 * Off (one env lookup) otherwise.
 */
import { writeSync } from 'node:fs';
import { isMainThread, workerData } from 'node:worker_threads';

const ON = process.env['ROLLCELL_TIMINGS'] === '1';

/** the epoch ms of the process's start (a worker thread: its parent's, when the parent gave it) */
const ORIGIN: number = isMainThread
  ? performance.timeOrigin
  : typeof (workerData as { timingOrigin?: unknown } | null)?.timingOrigin === 'number'
    ? (workerData as { timingOrigin: number }).timingOrigin
    : performance.timeOrigin;

/** what a job's worker thread needs to mark its phases on the process's clock (its Worker's workerData) */
export const timingWorkerData = (): { timingOrigin: number } => ({ timingOrigin: ORIGIN });

/** writes `timing: <phase> <ms since process start> ms, cpu <ms> ms` to stderr when ROLLCELL_TIMINGS=1 */
export function markTiming(phase: string): void {
  if (!ON) return;
  const c = process.cpuUsage();
  const t = performance.timeOrigin + performance.now() - ORIGIN;
  const line = `timing: ${isMainThread ? '' : 'worker '}${phase} ${t.toFixed(1)} ms, cpu ${((c.user + c.system) / 1000).toFixed(1)} ms\n`;
  if (isMainThread) process.stderr.write(line);
  else writeSync(2, line);
}
