/**
 * Shards of a study: contiguous ranges of point indices, the unit a worker claims from the queue. Pure.
 *
 * A point's values and seed are a pure function of (design, study seed, point index) and a point is
 * stored under (study id, index), so how the points are cut into shards, and which worker runs which
 * shard, changes nothing in the table: shard boundaries are a matter of overhead and balance only.
 *
 * Size: a shard should carry ≥ 100× the queue's fixed cost per shard (claim, one write transaction,
 * complete: a few ms on PostgreSQL, measured by `npm run bench:scale`), so that the queue costs ≤ 1 %
 * of the work; and there should be enough shards that the last ones do not leave workers idle for long.
 */
import { createHash } from 'node:crypto';

/** A half-open range [from, to) of point indices of one study. */
export interface ShardRange {
  from: number;
  to: number;
}

export interface ShardSizing {
  /** measured (or estimated) seconds of one point on one core */
  pointSeconds: number;
  /** the queue's fixed cost of one shard, s (claim + write transaction + complete) */
  overheadSeconds: number;
  /** allowed share of the queue in the work (default 0.01) */
  maxOverheadShare?: number;
  /** points still to run */
  remaining: number;
  /** at least this many shards when the study is large enough (balance at the end; default 16) */
  minShards?: number;
}

/**
 * Points per shard: the smallest size that keeps the queue's share ≤ maxOverheadShare, but never so
 * large that fewer than minShards shards remain (a small study favours balance over the last per cent).
 */
export function shardSize(s: ShardSizing): number {
  const share = s.maxOverheadShare ?? 0.01;
  const minShards = s.minShards ?? 16;
  const t = Math.max(s.pointSeconds, 1e-6);
  const forOverhead = Math.ceil(s.overheadSeconds / (share * t));
  const forBalance = Math.max(1, Math.ceil(s.remaining / minShards));
  return Math.max(1, Math.min(forOverhead, forBalance, 100_000));
}

/**
 * The smallest shard of a study's tail: a tail shard may cost the queue up to `share` of its work
 * (default 10 %: the tail is a few shards, so the whole study's overhead hardly moves), never more
 * points than `size`.
 */
export function tailShardSize(s: Omit<ShardSizing, 'remaining' | 'minShards'>, size: number, share = 0.1): number {
  const t = Math.max(s.pointSeconds, 1e-6);
  return Math.max(1, Math.min(size, Math.ceil(s.overheadSeconds / (share * t))));
}

/**
 * The cut points of [0, total): shards of `size` points (the first one takes what does not divide),
 * except the last ones, which taper — from the end, two of `tailMin` points, then 2·tailMin,
 * 4·tailMin, … below `size`. Shards are claimed in index
 * order, so the tapered ones run last: when the other workers run out of shards, the one still busy
 * finishes a small shard, not a full one (the tail of a study is about half the last shard's time).
 * `tailMin = size` gives equal shards.
 */
function cuts(total: number, size: number, tailMin: number): number[] {
  const tail: number[] = []; // shard sizes from the end
  let tailSum = 0;
  if (tailMin < size && 2 * tailMin <= total) {
    tail.push(tailMin);
    tailSum = tailMin;
    for (let k = tailMin; k < size && tailSum + k <= total; k = Math.min(size, 2 * k)) {
      tail.push(k);
      tailSum += k;
    }
  }
  const head = total - tailSum;
  // the head's odd part (head mod size) is its first shard, so shard sizes never grow toward the end
  const out: number[] = [0];
  for (let a = head % size; a < head; a += size) out.push(a);
  let a = head;
  for (let i = tail.length - 1; i >= 0; i--) {
    out.push(a);
    a += tail[i]!;
  }
  out.push(total);
  return out.filter((x, i, xs) => i === 0 || x > xs[i - 1]!);
}

/**
 * The ranges over [0, total) that still hold a point not in `done` — shards of `size` points, the last
 * ones tapering down to `tailMin` (default: no taper) — each trimmed to its first and last missing
 * point (a resumed study re-runs nothing it has).
 */
export function shardRanges(total: number, done: ReadonlySet<number>, size: number, tailMin = size): ShardRange[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`shard size must be a positive integer (got ${size})`);
  if (!Number.isInteger(tailMin) || tailMin < 1 || tailMin > size)
    throw new RangeError(`tail shard size must be an integer in [1, ${size}] (got ${tailMin})`);
  const out: ShardRange[] = [];
  const at = cuts(total, size, tailMin);
  for (let j = 0; j + 1 < at.length; j++) {
    const a = at[j]!;
    const b = at[j + 1]!;
    let lo = a;
    while (lo < b && done.has(lo)) lo++;
    if (lo === b) continue;
    let hi = b;
    while (hi > lo && done.has(hi - 1)) hi--;
    out.push({ from: lo, to: hi });
  }
  return out;
}

/**
 * A deterministic job id (a UUID in form) for a shard of a study: enqueueing the same shard twice
 * inserts one job (the queue's insert ignores a known id). Its first 8 hex digits are the shard's first
 * point index, so that shards enqueued together are claimed in index order (the queue orders equal
 * creation times by id) and a study's table fills from the front; the rest is a hash of study and range.
 */
export function shardJobId(studyId: string, r: ShardRange): string {
  const h = createHash('sha256').update(`${studyId}\u0000${r.from}\u0000${r.to}`).digest('hex');
  const head = (r.from >>> 0).toString(16).padStart(8, '0');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${head}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
