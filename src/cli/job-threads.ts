/**
 * The main job on two threads (issue 12): the cycling stage — the experiment, its bands, rate capability
 * and the ageing projection, independent of the production shift and the battery — runs on a worker thread
 * (./job-worker.ts) while this thread runs the line, the production shift and the battery. The result is
 * runJob's, key for key (pipeline's runJobWith puts the cycling's block, warnings and findings where runJob
 * does); test/pipeline/job-threads.test.ts compares the two.
 *
 * It runs in this thread instead (runJob) when there is nothing to overlap (no production shift and no
 * battery, or no cycling), when the cycling takes model-parameter overrides (a function: it cannot be sent
 * to a thread), on a single core, or with ROLLCELL_THREADS=0. The cycling's progress events arrive when
 * this thread is free again, after the battery.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { runJob, runJobCycling, runJobWith, type CyclingRun, type JobOptions, type JobResult } from '../pipeline.ts';
import type { Recipe } from '../recipe/schema.ts';
import { ProblemError } from '../problems.ts';
import type { CyclingReply, CyclingTask } from './job-worker.ts';

/** Whether runJobThreaded would use a worker thread for this job. */
export function jobUsesThreads(opts: JobOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  return (
    env['ROLLCELL_THREADS'] !== '0' &&
    !opts.noCycling &&
    !opts.cycling?.params &&
    Boolean(opts.production || opts.battery) &&
    availableParallelism() >= 2
  );
}

export async function runJobThreaded(recipe: Recipe, opts: JobOptions): Promise<JobResult> {
  if (!jobUsesThreads(opts)) return runJob(recipe, opts);
  let worker: Worker | null = null;
  try {
    return await runJobWith(recipe, opts, (req) => {
      const { progress, ...rest } = req;
      const task: CyclingTask = { ...rest, progress: Boolean(progress) };
      const w = new Worker(new URL('./job-worker.mjs', import.meta.url));
      worker = w;
      try {
        w.postMessage(task);
      } catch {
        // a request that cannot be sent to a thread (not structured-cloneable) runs here, in runJob's order
        void w.terminate();
        return Promise.resolve(runJobCycling(req));
      }
      return new Promise<CyclingRun>((resolve, reject) => {
        let settled = false;
        const settle = (f: () => void): void => {
          if (settled) return;
          settled = true;
          f();
        };
        w.on('message', (m: CyclingReply) => {
          if ('progress' in m) progress?.(m.progress);
          else if ('result' in m) settle(() => resolve(m.result));
          else if ('problems' in m) settle(() => reject(new ProblemError(m.problems, m.prefix)));
          else
            settle(() => {
              const e = new Error(m.error.message);
              if (m.error.stack) e.stack = m.error.stack;
              reject(e);
            });
        });
        w.on('error', (e) => settle(() => reject(e)));
        w.on('exit', (code) =>
          settle(() => reject(new Error(`the cycling stage's worker thread ended (exit ${code}) without a result`))),
        );
      });
    });
  } finally {
    // a job that failed in this thread leaves no worker running
    void (worker as Worker | null)?.terminate();
  }
}
