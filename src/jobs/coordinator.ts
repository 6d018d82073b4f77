/**
 * A distributed sweep (`rollcell sweep … --db postgres://… --distributed`): the study is stored as any
 * sweep is (same id, same rows), its missing points are cut into shards and enqueued on the PostgreSQL
 * queue, workers on any machine (`rollcell worker`) run them, and this process follows the study's
 * table until every point is in, then concludes it exactly as a single-machine sweep does. Interrupted,
 * it can be started again: it enqueues only what is missing and nothing while shards are still queued.
 */
import { contextOf, concludeSweep, type PreparedStudy, type StudyOutcome } from '../study/session.ts';
import type { Progress } from '../study/engine.ts';
import { inlineExecutor } from '../study/pool.ts';
import { taskOf } from '../study/engine.ts';
import type { StudyStore } from '../store/studies.ts';
import { sweepTagOf } from '../study/session.ts';
import { shardRanges, shardSize, tailShardSize } from './shards.ts';
import type { JobQueue } from './queue.ts';

export interface DistributedOptions {
  store: StudyStore;
  queue: JobQueue;
  onProgress?: (p: Progress) => void;
  /** one line of news (waiting for workers, shards given up) */
  onNote?: (line: string) => void;
  signal?: AbortSignal;
  /** points per shard (default: sized from a probe of the first points so the queue costs ≤ 1 %) */
  shardPoints?: number;
  /** lease of a shard, s (default: 30× the shard's estimated time, at least 120 s) */
  leaseSeconds?: number;
  /** retries of a shard before it is given up (default 3); a point whose worker died this often is poisoned */
  retryLimit?: number;
  /** the queue's fixed cost per shard assumed when sizing shards, s (default 0.02, bench:scale measures it) */
  shardOverheadSeconds?: number;
  /** seconds between looks at the table (default 1) */
  pollSeconds?: number;
}

export interface DistributedOutcome extends StudyOutcome {
  shards: number;
  shardPoints: number;
  leaseSeconds: number;
  timing: CoordinatorTiming;
}

/** Where the coordinator's wall time went (s), and when the shards went in and the last point was seen (epoch ms). */
export interface CoordinatorTiming {
  /** storing the study (or finding it stored) */
  begin_s: number;
  /** the probe points run here to time a point (the workers have nothing to do meanwhile) */
  probe_s: number;
  probe_points: number;
  enqueue_s: number;
  /** from the shards enqueued to every point seen in the table */
  follow_s: number;
  /** reading every point and summarising the study (sensitivity, answer) */
  conclude_s: number;
  enqueued_at: number;
  all_in_at: number;
}

const epochMs = (): number => performance.timeOrigin + performance.now();

export async function runDistributedSweep(ps: PreparedStudy, o: DistributedOptions): Promise<DistributedOutcome> {
  const { sp } = ps;
  const total = sp.plan.size;
  const tBegin = performance.now();
  const b = await o.store.begin(ps.def);
  const tProbe = performance.now();
  const done = new Set(b.done);
  const tagOf = sweepTagOf(sp);
  let pointSeconds = 0.01;
  // probe: the first missing points run here (they are ordinary rows) and time a point
  if (o.shardPoints === undefined && done.size < total) {
    const probe = inlineExecutor(contextOf(sp));
    const times: number[] = [];
    for (let i = 0; i < total && times.length < 4; i++) {
      if (done.has(i)) continue;
      const t0 = performance.now();
      const res = await probe.run([taskOf(sp.plan, sp.study.seed, i, tagOf?.(i))]);
      times.push((performance.now() - t0) / 1000);
      await o.store.savePoints(ps.id, res);
      done.add(i);
    }
    // the first point pays for loading and compiling: the fastest of the rest is the estimate
    if (times.length) pointSeconds = Math.min(...(times.length > 1 ? times.slice(1) : times));
  }
  const probePoints = done.size - b.done.size;
  const tEnqueue = performance.now();
  const remaining = total - done.size;
  const size =
    o.shardPoints ??
    shardSize({
      pointSeconds,
      overheadSeconds: o.shardOverheadSeconds ?? 0.02,
      remaining: Math.max(1, remaining),
    });
  // sized here: the last shards taper, so the tail (one worker finishing while the others have nothing
  // left) is short; a size given by the caller is kept for every shard
  const overheadSeconds = o.shardOverheadSeconds ?? 0.02;
  const tailMin = o.shardPoints === undefined ? tailShardSize({ pointSeconds, overheadSeconds }, size) : size;
  const lease = o.leaseSeconds ?? Math.max(120, Math.ceil(30 * size * pointSeconds));
  let shards = 0;
  const before = await o.queue.counts(ps.id);
  if (remaining > 0 && before.queued + before.active === 0) {
    const ranges = shardRanges(total, done, size, tailMin);
    await o.queue.enqueueShards(ps.id, ranges, { leaseSeconds: lease, retryLimit: o.retryLimit ?? 3 });
    // idle workers claim now, not at their next poll
    await o.queue.notify('queued');
    shards = ranges.length;
  } else if (remaining > 0) {
    o.onNote?.(`${before.queued + before.active} shard(s) of this study are already queued; following them`);
  }

  const t0 = performance.now();
  const enqueuedAt = epochMs();
  // a worker's notification (a shard completed) wakes this loop before its next poll
  const start = (await o.store.counts(ps.id)).done;
  const wake = await o.queue.wakeups();
  try {
    let waitedNote = false;
    let last = -1;
    let lastChange = performance.now();
    for (;;) {
      wake.clear();
      const c = await o.store.counts(ps.id);
      const elapsed = (performance.now() - t0) / 1000;
      const evaluated = c.done - start;
      const rate = elapsed > 0 ? evaluated / elapsed : 0;
      if (c.done !== last) {
        last = c.done;
        lastChange = performance.now();
        o.onProgress?.({
          done: c.done,
          total,
          failed: c.failed,
          evaluated,
          elapsed_s: elapsed,
          points_per_s: rate,
          eta_s: rate > 0 ? (total - c.done) / rate : null,
        });
      }
      if (c.done >= total) break;
      if (o.signal?.aborted)
        throw new Error('interrupted: the shards stay queued; run the same command again to follow them');
      const q = await o.queue.counts(ps.id);
      // the last shard may have been written between the two looks: look at the table again
      if (q.queued + q.active === 0 && (await o.store.counts(ps.id)).done < total) {
        const why = await o.queue.failures(ps.id);
        throw new Error(
          `${total - c.done} point(s) of study ${ps.id} are missing and no shard of it is queued or running` +
            (why.length ? `; ${q.failed} shard(s) were given up: ${why.join(' | ')}` : '') +
            ' (run the same command again to enqueue them)',
        );
      }
      if (!waitedNote && q.active === 0 && performance.now() - lastChange > 10_000) {
        waitedNote = true;
        o.onNote?.(
          `waiting for workers: ${q.queued} shard(s) queued and none running; start one with rollcell worker --db <the same database>`,
        );
      }
      await wake.wait((o.pollSeconds ?? 1) * 1000, o.signal);
    }
  } finally {
    await wake.close();
  }
  const tAllIn = performance.now();
  const allInAt = epochMs();
  const { rows, summary } = await concludeSweep(ps, o.store);
  const tEnd = performance.now();
  const elapsed = (performance.now() - t0) / 1000;
  const evaluated = rows.length - start;
  return {
    id: ps.id,
    resumed: !b.created,
    progress: {
      done: rows.length,
      total,
      failed: summary.failed,
      evaluated,
      elapsed_s: elapsed,
      points_per_s: elapsed > 0 ? evaluated / elapsed : 0,
      eta_s: 0,
    },
    rows,
    summary,
    shards,
    shardPoints: size,
    leaseSeconds: lease,
    timing: {
      begin_s: (tProbe - tBegin) / 1000,
      probe_s: (tEnqueue - tProbe) / 1000,
      probe_points: probePoints,
      enqueue_s: (t0 - tEnqueue) / 1000,
      follow_s: (tAllIn - t0) / 1000,
      conclude_s: (tEnd - tAllIn) / 1000,
      enqueued_at: enqueuedAt,
      all_in_at: allInAt,
    },
  };
}
