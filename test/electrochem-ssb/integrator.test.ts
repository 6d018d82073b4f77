import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSsbModel, patentExampleParams, withParams } from '../../src/electrochem/ssb/index.ts';
import { fastRunner } from '../../src/cycler/step-engines.ts';
import { runCycle } from '../../src/cycler/protocols.ts';
import { daeRunner } from '../../src/cycler/step-engines.ts';
import { firstCycle } from '../../src/cycler/protocols.ts';
import { SsbP2D } from '../../src/electrochem/ssb/p2d.ts';

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

test('P2D [0178] first cycle through solveDae: the discharge capacity at the drivers’ rtol 1e-4 is within 1e-4 of an rtol 1e-7 solution (the solver refreshes a stale J after a step that needed every Newton iteration)', () => {
  const p = patentExampleParams();
  const m = new SsbP2D(p);
  const cap = (rtol: number): number =>
    firstCycle(daeRunner(m, { rtol }), m, m.initialState(0)).dischargeCapacity_mAh_g;
  const loose = cap(1e-4);
  const tight = cap(1e-7);
  assert.ok(Math.abs(loose / tight - 1) < 1e-4, `${loose} vs ${tight} mAh/g`);
});
