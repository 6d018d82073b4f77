import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createSsbModel,
  fastRunner,
  patentExampleParams,
  runCycle,
  withParams,
} from '../../src/electrochem/ssb/index.ts';

test('warmer cell delivers more at 1C (Arrhenius transport and kinetics)', () => {
  const caps: number[] = [];
  for (const T of [273.15, 298.15, 323.15]) {
    const m = createSsbModel('spme', withParams(patentExampleParams(), { temperature_K: T }));
    const y = m.initialState(0);
    const run = fastRunner(m as Parameters<typeof fastRunner>[0]);
    runCycle(run, m, y, 0.1, 0.1, { vMax_V: 4.3, vMin_V: 3.0, cvEndCRate: 0.02 });
    caps.push(runCycle(run, m, y, 0.1, 1, { vMax_V: 4.3, vMin_V: 3.0, cvEndCRate: 0.02 }).discharge_C);
  }
  assert.ok(caps[0]! < caps[1]! && caps[1]! < caps[2]!, caps.join(' < '));
});

test('createSsbModel names the bad kind', () => {
  assert.throws(
    () => createSsbModel('dfn' as 'p2d', patentExampleParams()),
    /model: unknown solid-state model \(got "dfn"; allowed p2d, spme, spm\)/,
  );
});
