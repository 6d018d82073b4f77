/** The cycler's solid-state step runners (src/cycler/step-engines.ts) drive models through their capabilities. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSsbModel, patentExampleParams } from '../../src/electrochem/ssb/index.ts';
import { linearStepCell } from '../../src/electrochem/ssb/step-response.ts';
import { fastRunner } from '../../src/cycler/step-engines.ts';
import { runCycle } from '../../src/cycler/protocols.ts';
import { ProblemError } from '../../src/problems.ts';

const P = patentExampleParams();

test('the fast stepper needs a linear step response: a P2D is refused with a Problem naming the model', () => {
  const p2d = createSsbModel('p2d', P);
  assert.equal(linearStepCell(p2d), undefined);
  assert.throws(
    () => fastRunner(p2d),
    (e: unknown) =>
      e instanceof ProblemError &&
      /^model: ssb-p2d has no linear step response \(got ssb-p2d; allowed a solid-state spme or spm\)$/.test(e.message),
  );
});

test('a cycle through the LinearStepCell conserves lithium and its instantaneous voltage is the model voltage', () => {
  const m = createSsbModel('spme', P);
  const cell = linearStepCell(m);
  assert.ok(cell, 'cell');
  const y = m.initialState(0);
  // at rest the instantaneous voltage of the state is the model's own terminal voltage
  assert.equal(cell.instantVoltage(y, 0), m.voltage(y));
  const li0 = m.lithiumInventory_mol(y);
  const c = runCycle(fastRunner(m), m, y, 0.5, 0.5, { vMax_V: 4.3, vMin_V: 3.0 });
  assert.ok(c.discharge_C > 0.5 * m.nominalCapacity_C, `discharged ${c.discharge_C} C of ${m.nominalCapacity_C} C`);
  assert.ok(c.discharge_C <= c.charge_C, 'no more out than in');
  assert.ok(Math.abs(m.lithiumInventory_mol(y) - li0) / li0 < 1e-9, 'Li inventory kept');
});
