/**
 * Property (issue 22, item 2): every recipe the seeded generator of valid recipes makes either runs
 * (exit 0) or is refused with exit 2 naming the user's field — never exit 1. The generator draws fields
 * from the recipe's JSON Schema bounds (edges, decades around the defaults, the extreme magnitudes);
 * `npm run fuzz` runs hundreds of these, this test a few on every `npm test`.
 * Reproduce a failure: `node --import tsx -e "…runCase('run', SEED, INDEX, '/tmp/x')"` with the numbers below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCase } from './cases.ts';
import { testDir } from '../helpers.ts';

const SEED = Number(process.env['ROLLCELL_FUZZ_SEED'] ?? 20260);
const N = 5;
const dir = testDir('rollcell-property-');

test(
  `valid recipes run or are refused with exit 2, never exit 1 (${N} generated, seed ${SEED})`,
  { timeout: 600_000 },
  async () => {
    const failures: string[] = [];
    const outcomes: string[] = [];
    for (let i = 0; i < N; i++) {
      const r = await runCase('run', SEED, i, dir);
      outcomes.push(r.outcome);
      if (r.outcome === 'internal') failures.push(`case ${i}: ${r.detail}`);
    }
    assert.deepEqual(failures, [], failures.join('\n'));
    assert.ok(outcomes.includes('ok'), `at least one generated recipe ran (${outcomes.join(', ')})`);
  },
);
