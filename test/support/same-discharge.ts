import assert from 'node:assert/strict';
import type { SimulationSeries } from '../../src/cycler/profile-drive.ts';

/** Two discharges that reached the cut-off with the same solver counts and bit-identical outputs (t, V). */
export function assertBitIdentical(a: SimulationSeries, b: SimulationSeries): void {
  assert.equal(a.status, 'event');
  assert.deepEqual(b.stats, a.stats);
  assert.equal(b.V.length, a.V.length);
  for (let i = 0; i < a.V.length; i++) {
    assert.ok(Object.is(b.t_s[i], a.t_s[i]), `t at output ${i}`);
    assert.ok(Object.is(b.V[i], a.V[i]), `V at output ${i}: ${b.V[i]} vs ${a.V[i]}`);
  }
}
