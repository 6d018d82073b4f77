/**
 * Executors of study points: in this thread, or on a pool of worker threads (piscina 5, the Node.js
 * project's worker pool: Node ≥ 20, task queue, per-thread ESM entry; chosen over tinypool for its
 * maintained `execArgv`/resource options and over workerpool for native ESM). A worker evaluates whole
 * batches, so a 10 000-point sweep is a few hundred messages; results do not depend on which worker took
 * which batch.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Executor } from './engine.ts';
import { evaluatePoint, type PointContext, type PointResult, type PointTask } from './point.ts';
import type { BatchTask } from './worker.ts';

/** Evaluates in the calling thread (library use, one core). */
export function inlineExecutor(ctx: PointContext): Executor {
  return {
    parallelism: 1,
    run: (batch: PointTask[]) => Promise.resolve(batch.map((t) => evaluatePoint(ctx, t))),
    close: () => Promise.resolve(),
  };
}

/** every core by default */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** A pool of `workers` threads (default: every core). */
export function poolExecutor(ctx: PointContext, workers = defaultWorkers()): Executor {
  const pool = new Piscina({
    filename: new URL('./worker-entry.mjs', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    // the entry registers tsx itself; do not inherit the parent's loader flags twice
    execArgv: [],
  });
  return {
    parallelism: workers,
    run: (batch: PointTask[]) => pool.run({ ctx, points: batch } satisfies BatchTask) as Promise<PointResult[]>,
    close: () => pool.destroy(),
  };
}
