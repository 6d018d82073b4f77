// Shards of a distributed study (src/jobs/shards.ts): every point in exactly one shard, the tail tapering
// to small shards so the last worker busy finishes a small one, stored points trimmed away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shardRanges, shardSize, tailShardSize } from '../../src/jobs/shards.ts';

const covered = (ranges: { from: number; to: number }[]): number[] => ranges.flatMap((r) => range(r.from, r.to));
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

test('shards without a taper are equal and cover every point once', () => {
  const r = shardRanges(1000, new Set(), 125);
  assert.equal(r.length, 8);
  assert.ok(
    r.every((x) => x.to - x.from === 125),
    'r.every((x) => x.to - x.from === 125)',
  );
  assert.deepEqual(covered(r), range(0, 1000));
});

test('a tapered tail: full shards, then from the end two of tailMin points, 2·tailMin, 4·tailMin … below size', () => {
  const r = shardRanges(2000, new Set(), 125, 27);
  assert.deepEqual(covered(r), range(0, 2000));
  const sizes = r.map((x) => x.to - x.from);
  // the last shards: 108, 54, 27, 27 (216 points); before them 1784 points: a first shard of 1784 mod 125
  // = 34, then 14 of 125
  assert.deepEqual(sizes.slice(-4), [108, 54, 27, 27]);
  assert.equal(sizes[0], 34);
  assert.deepEqual(sizes.slice(1, 15), Array(14).fill(125));
  assert.equal(sizes.length, 19);
  // claimed in index order: after the first, shards never grow toward the end
  for (let i = 2; i < sizes.length; i++) assert.ok(sizes[i]! <= sizes[i - 1]!, 'sizes[i]! <= sizes[i - 1]!');
});

test('a taper on a study smaller than its tail still covers every point once', () => {
  for (const total of [1, 2, 5, 27, 28, 60, 100, 130]) {
    const r = shardRanges(total, new Set(), 64, 8);
    assert.deepEqual(covered(r), range(0, total), `total ${total}`);
    assert.ok(
      r.every((x) => x.to > x.from && x.to - x.from <= 64),
      'r.every((x) => x.to > x.from && x.to - x.from <= 64)',
    );
  }
});

test('stored points are trimmed from the shards and a fully stored shard is left out', () => {
  const done = new Set([...range(0, 4), ...range(1900, 2000)]);
  const r = shardRanges(2000, done, 125, 27);
  assert.equal(r[0]!.from, 4);
  assert.deepEqual(covered(r), range(4, 1900));
  assert.ok(
    r.every((x) => x.to <= 1900),
    'r.every((x) => x.to <= 1900)',
  );
});

test('shard sizes: bad sizes are refused; the tail size keeps the queue ≤ 10 % of a tail shard', () => {
  assert.throws(() => shardRanges(10, new Set(), 0), /shard size must be a positive integer \(got 0\)/);
  assert.throws(() => shardRanges(10, new Set(), 5, 6), /tail shard size must be an integer in \[1, 5\] \(got 6\)/);
  // 7.5 ms points, 20 ms per shard: 27 points cost 202 ms, the queue ≤ 10 % of that
  assert.equal(tailShardSize({ pointSeconds: 0.0075, overheadSeconds: 0.02 }, 125), 27);
  assert.equal(tailShardSize({ pointSeconds: 0.0075, overheadSeconds: 0.02 }, 10), 10);
  // the body: ≤ 1 % overhead, but at least 16 shards
  assert.equal(shardSize({ pointSeconds: 0.0075, overheadSeconds: 0.02, remaining: 1996 }), 125);
  assert.equal(shardSize({ pointSeconds: 0.0075, overheadSeconds: 0.02, remaining: 10 ** 6 }), 267);
});
