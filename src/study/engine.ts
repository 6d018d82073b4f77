/**
 * The study engine: hands a plan's points to an executor in batches, keeps a bounded number of batches
 * in flight (memory does not grow with the number of points), passes finished batches to a sink (the
 * store) and reports progress. Points already done (a resumed study) are skipped. No I/O of its own:
 * the executor (this thread or a worker pool) and the sink are given.
 */
import { pointSeed, type Plan } from './design.ts';
import type { PointResult, PointTask } from './point.ts';

export interface Executor {
  /** evaluates a batch (any order of completion across batches; the results carry their idx) */
  run(batch: PointTask[]): Promise<PointResult[]>;
  /** how many batches it works on at once */
  readonly parallelism: number;
  close(): Promise<void>;
}

export interface Progress {
  done: number;
  total: number;
  failed: number;
  /** points evaluated in this session (not counting the ones a resumed study already had) */
  evaluated: number;
  elapsed_s: number;
  points_per_s: number;
  /** estimated seconds to go (null before the first batch) */
  eta_s: number | null;
}

export interface RunPointsOptions {
  executor: Executor;
  sink: (results: PointResult[]) => Promise<void>;
  /** point indices already done (resumed study) */
  done?: ReadonlySet<number>;
  /** failed among those already done */
  alreadyFailed?: number;
  batchSize?: number;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** a tag for point i (e.g. Saltelli matrix) */
  tagOf?: (i: number) => string | undefined;
}

/** the task of point i of a plan */
export function taskOf(plan: Plan, seed: number, i: number, tag?: string): PointTask {
  const rep = plan.replicateOf?.(i);
  const t = tag ?? (rep !== undefined ? `rep ${rep + 1}` : undefined);
  return {
    idx: i,
    values: plan.point(i),
    seed: plan.seedOf ? plan.seedOf(i) : pointSeed(seed, i),
    ...(t ? { tag: t } : {}),
  };
}

/** a batch size that keeps every worker busy and the per-batch overhead small */
export function defaultBatchSize(total: number, parallelism: number): number {
  return Math.max(1, Math.min(64, Math.ceil(total / (parallelism * 8))));
}

/** Runs every point of `plan` not yet done; resolves when all are in the sink. */
export async function runPoints(plan: Plan, seed: number, o: RunPointsOptions): Promise<Progress> {
  const total = plan.size;
  const done = o.done ?? new Set<number>();
  const batchSize = o.batchSize ?? defaultBatchSize(total - done.size, o.executor.parallelism);
  const maxInFlight = Math.max(1, o.executor.parallelism * 2);
  const t0 = performance.now();
  let next = 0;
  let doneCount = done.size;
  let failed = o.alreadyFailed ?? 0;
  let evaluated = 0;
  const progress = (): Progress => {
    const elapsed = (performance.now() - t0) / 1000;
    const rate = elapsed > 0 ? evaluated / elapsed : 0;
    return {
      done: doneCount,
      total,
      failed,
      evaluated,
      elapsed_s: elapsed,
      points_per_s: rate,
      eta_s: evaluated > 0 && rate > 0 ? (total - doneCount) / rate : null,
    };
  };
  const nextBatch = (): PointTask[] => {
    const b: PointTask[] = [];
    while (next < total && b.length < batchSize) {
      const i = next++;
      if (!done.has(i)) b.push(taskOf(plan, seed, i, o.tagOf?.(i)));
    }
    return b;
  };
  let firstError: unknown;
  const inFlight = new Set<Promise<void>>();
  // the sink is called one batch at a time, in completion order
  let sinkChain: Promise<void> = Promise.resolve();
  const launch = (batch: PointTask[]): void => {
    const p: Promise<void> = o.executor
      .run(batch)
      .then((results) => {
        sinkChain = sinkChain.then(async () => {
          await o.sink(results);
          doneCount += results.length;
          evaluated += results.length;
          failed += results.filter((r) => r.status === 'failed').length;
          o.onProgress?.(progress());
        });
        return sinkChain;
      })
      .catch((e: unknown) => {
        firstError ??= e;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  o.onProgress?.(progress());
  while (firstError === undefined && !o.signal?.aborted) {
    while (inFlight.size < maxInFlight) {
      const b = nextBatch();
      if (b.length === 0) break;
      launch(b);
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
  }
  await Promise.allSettled([...inFlight]);
  await sinkChain.catch((e: unknown) => {
    firstError ??= e;
  });
  if (firstError !== undefined) throw firstError;
  return progress();
}

/** Evaluates the given tasks (adaptive searches: solve, optimise) through the executor, in batches. */
export async function runTasks(tasks: PointTask[], executor: Executor, batchSize?: number): Promise<PointResult[]> {
  const size = batchSize ?? defaultBatchSize(tasks.length, executor.parallelism);
  const batches: PointTask[][] = [];
  for (let i = 0; i < tasks.length; i += size) batches.push(tasks.slice(i, i + size));
  const res = await Promise.all(batches.map((b) => executor.run(b)));
  return res.flat().sort((a, b) => a.idx - b.idx);
}
