/**
 * The built-in protocols are experiments in the language, run by the one step machine (src/cycler/machine.ts)
 * on a step engine (src/cycler/step-engines.ts): their text parses to the steps they mean, the machine
 * adds no step and loses no charge, an engine refuses what it cannot run, and the fast engine agrees with
 * the machine's own DAE phase on the same experiment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patentExampleParams } from '../../src/electrochem/ssb/params.ts';
import { createSpme } from '../../src/electrochem/ssb/spme.ts';
import { firstCycleProtocolStrings, parseExperiment } from '../../src/cycler/experiment.ts';
import { runExperiment } from '../../src/cycler/machine.ts';
import { cycleSteps, runCycle } from '../../src/cycler/protocols.ts';
import { fastRunner, type StepResult } from '../../src/cycler/step-engines.ts';
import { cRateCurrent_A } from '../../src/units/index.ts';

const P = patentExampleParams();
const CUT = { vMax_V: 4.3, vMin_V: 3.0, cvEndCRate: 0.05 };

test('a protocol cycle is experiment text that parses back to its numbers exactly (C/3 stays 1/3)', () => {
  const texts = cycleSteps(1 / 3, 0.7, CUT);
  assert.deepEqual(texts, [
    'Charge at 0.3333333333333333C until 4.3 V',
    'Hold at 4.3 V until 0.05C',
    'Discharge at 0.7C until 3 V',
  ]);
  const r = parseExperiment([texts]);
  assert.ok(r.ok, 'r.ok');
  const [cc, cv, dis] = r.value.blocks[0]!.steps;
  assert.deepEqual(cc!.control, { mode: 'c_rate', c_rate: 1 / 3 });
  assert.deepEqual(cc!.terminations, [{ kind: 'voltage', voltage_V: 4.3 }]);
  assert.deepEqual(cv!.control, { mode: 'voltage', voltage_V: 4.3 });
  assert.deepEqual(cv!.terminations, [{ kind: 'c_rate', c_rate: 0.05 }]);
  assert.deepEqual(dis!.control, { mode: 'c_rate', c_rate: -0.7 });
  // without a CV end the charge is CC only
  assert.equal(cycleSteps(0.5, 0.5, { vMax_V: 4.2, vMin_V: 3 }).length, 2);
});

test('the machine runs a protocol step for step: the engine sees exactly the CC, CV and CC steps, and no charge is lost', () => {
  const m = createSpme(P);
  const engine = fastRunner(m);
  const seen: { kind: string; current_A?: number; vCut_V?: number; iEnd_A?: number }[] = [];
  const results: StepResult[] = [];
  const spy = (y: Float64Array, s: Parameters<typeof engine>[1]): StepResult => {
    seen.push({ ...s });
    const r = engine(y, s);
    results.push(r);
    return r;
  };
  const y = m.initialState(0);
  const c = runCycle(spy, m, y, 0.5, 0.5, CUT);
  const I1 = cRateCurrent_A(m.nominalCapacity_C);
  assert.deepEqual(
    seen.map((s) => s.kind),
    ['cc', 'cv', 'cc'],
  );
  assert.equal(seen[0]!.current_A, 0.5 * I1);
  assert.equal(seen[0]!.vCut_V, 4.3);
  assert.equal(seen[1]!.iEnd_A, 0.05 * I1);
  assert.equal(seen[2]!.current_A, -0.5 * I1);
  assert.equal(seen[2]!.vCut_V, 3.0);
  // the cycle's figures are the engine's: charge in = CC + CV, charge out = the discharge, to the last bit
  assert.equal(c.charge_C, 0 + results[0]!.charge_C + results[1]!.charge_C);
  assert.equal(c.discharge_C, -results[2]!.charge_C);
  assert.equal(c.duration_s, results[0]!.duration_s + results[1]!.duration_s + results[2]!.duration_s);
  assert.ok(c.discharge_C > 0.5 * m.nominalCapacity_C, `${c.discharge_C} C`);

  // the same experiment through runExperiment with the engine: the step and cycle records balance
  const r = runExperiment(m, [cycleSteps(0.5, 0.5, CUT)], {
    engine: fastRunner(m),
    state: m.initialState(0),
    series: 'none',
  });
  assert.equal(r.status, 'completed', r.reason);
  assert.deepEqual(
    r.steps.map((s) => s.endReason),
    ['until 4.3 V', 'until 0.05C', 'until 3 V'],
  );
  const sum = (k: 'charge_C' | 'discharge_C'): number => r.steps.reduce((a, s) => a + s[k], 0);
  assert.ok(
    Math.abs(r.cycles[0]!.charge_C - sum('charge_C')) <= 1e-12 * sum('charge_C'),
    "Math.abs(r.cycles[0]!.charge_C - sum('charge_C')) <= 1e-12 * sum('charge_C')",
  );
  assert.ok(
    Math.abs(r.cycles[0]!.discharge_C - sum('discharge_C')) <= 1e-12 * sum('discharge_C'),
    "Math.abs(r.cycles[0]!.discharge_C - sum('discharge_C')) <= 1e-12 * sum('discharge_C')",
  );
  assert.equal(r.steps[2]!.charge_C, 0, 'a discharge puts no charge in');
  assert.ok(
    Math.abs(r.cycles[0]!.discharge_C - c.discharge_C) <= 1e-12 * c.discharge_C,
    'Math.abs(r.cycles[0]!.discharge_C - c.discharge_C) <= 1e-12 * c.discharge_C',
  );
});

test('an engine refuses a step it cannot run, naming the control and what it runs', () => {
  const m = createSpme(P);
  const r = runExperiment(m, ['Discharge at 0.1 W until 3 V'], {
    engine: fastRunner(m),
    state: m.initialState(1),
    series: 'none',
  });
  assert.equal(r.status, 'failed');
  assert.match(r.reason!, /step 1 \("Discharge at 0\.1 W until 3 V"\) failed: the step engine cannot run this step/);
  assert.match(r.reason!, /got power until 3 V/);
  assert.match(r.reason!, /allowed: a current or C-rate until one voltage/);
});

test("the fast engine agrees with the machine's own DAE phase on the same experiment (two independent solvers)", () => {
  // the [0178] first cycle (CC 0.1C to 4.3 V, hold to 0.02C, CC 0.1C to 3 V)
  const texts = firstCycleProtocolStrings(4.3, 3.0);
  const mFast = createSpme(P);
  const fast = runExperiment(mFast, [texts], { engine: fastRunner(mFast), state: mFast.initialState(0) });
  const mDae = createSpme(P);
  const dae = runExperiment(mDae, [texts], { initialSoc: 0, callAfterCycle: false });
  assert.equal(fast.status, 'completed', fast.reason);
  assert.equal(dae.status, 'completed', dae.reason);
  const rel = (a: number, b: number): number => Math.abs(a / b - 1);
  assert.ok(
    rel(fast.cycles[0]!.discharge_C, dae.cycles[0]!.discharge_C) < 2e-3,
    `${fast.cycles[0]!.discharge_C} vs ${dae.cycles[0]!.discharge_C} C`,
  );
  assert.ok(
    rel(fast.cycles[0]!.charge_C, dae.cycles[0]!.charge_C) < 2e-3,
    `${fast.cycles[0]!.charge_C} vs ${dae.cycles[0]!.charge_C} C`,
  );
  // the engine path records each phase's start and end (two rows per step)
  assert.equal(fast.series.time_s.length, 6);
  assert.equal(fast.finalState.length, 0, 'the state was the caller’s, updated in place');
});
