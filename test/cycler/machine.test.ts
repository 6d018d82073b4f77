import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EcmModel, type EcmParams } from '../../src/cycler/ecm.ts';
import { runExperiment, type ExperimentResult } from '../../src/cycler/machine.ts';
import { firstCycleProtocol, parseExperiment } from '../../src/cycler/experiment.ts';
import { refSolve } from '../support/reference-dae.ts';
import type { CycleSummary } from '../../src/electrochem/model.ts';

// 1 Ah cell (Q = 3600 C, so 1C = 1 A); linear OCV 3.0 V → 4.2 V over SOC 0 → 1 (slope b = 1.2 V).
// Illustrative parameters (assumption) chosen so the analytic solutions are simple.
const a = 3.0;
const b = 1.2;
const Q = 3600;
const linear = (over: Partial<EcmParams> = {}): EcmModel =>
  new EcmModel({ capacity_C: Q, ocvSoc: [0, 1], ocvV: [a, a + b], R0_ohm: 0.05, R1_ohm: 0.02, tau1_s: 30, ...over });
const rel = (x: number, y: number): number => Math.abs(x - y) / Math.max(Math.abs(y), 1e-12);
const done = (r: ExperimentResult): ExperimentResult => {
  assert.notEqual(r.status, 'failed', r.reason);
  for (const k of ['time_s', 'voltage_V', 'current_A', 'charge_C', 'discharge_C'] as const)
    assert.ok(r.series[k].every(Number.isFinite), `${k} has a non-finite value`);
  return r;
};
const rowsOf = (r: ExperimentResult, step: number): number[] => {
  const s = r.steps.find((x) => x.index === step)!;
  return Array.from({ length: s.rowEnd - s.rowStart + 1 }, (_, k) => s.rowStart + k);
};

test('CC charge reaches the voltage cut-off at the analytic time (linear OCV + R0 + RC)', () => {
  const m = linear();
  const r = done(runExperiment(m, ['Charge at 1 A until 4 V (10 second period)'], { initialSoc: 0 }));
  // V(t) = a + b·t/Q + R1·I·(1 − e^{−t/τ}) + R0·I  = 4 V
  const V = (t: number): number => a + (b * t) / Q + 0.02 * (1 - Math.exp(-t / 30)) + 0.05;
  let lo = 0;
  let hi = 3600;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (V(mid) < 4) lo = mid;
    else hi = mid;
  }
  const st = r.steps[0]!;
  assert.equal(st.endReason, 'until 4 V');
  assert.ok(rel(st.end_s - st.start_s, lo) < 1e-4, `t = ${st.end_s} s, analytic ${lo} s`);
  assert.ok(Math.abs(st.endVoltage_V - 4) < 1e-5, `V_end = ${st.endVoltage_V}`);
  assert.ok(rel(st.charge_C, lo * 1) < 1e-4, `charge ${st.charge_C} C vs I·t = ${lo} C`);
  // every sample on the analytic curve
  for (const k of rowsOf(r, 1))
    assert.ok(
      Math.abs(r.series.voltage_V[k]! - V(r.series.time_s[k]!)) < 2e-5,
      'Math.abs(r.series.voltage_V[k]! - V(r.series.time_s[k]!)) < 2e-5',
    );
});

test('CV hold: current decays exponentially with τ = R0·Q/(dOCV/dSOC) and stops at the C-rate limit', () => {
  const m = linear({ R1_ohm: 0 });
  const r = done(
    runExperiment(m, [['Charge at 1 A until 4 V', 'Hold at 4 V until C/50 (5 second period)']], { initialSoc: 0 }),
  );
  const hold = r.steps[1]!;
  const tau = (0.05 * Q) / b; // 150 s
  assert.equal(hold.endReason, 'until 0.02C');
  assert.ok(
    Math.abs(hold.startCurrent_A - 1) < 1e-4,
    `I(0+) = ${hold.startCurrent_A} (continuous at the CC→CV switch)`,
  );
  assert.ok(
    rel(hold.end_s - hold.start_s, tau * Math.log(50)) < 1e-3,
    `hold lasted ${hold.end_s - hold.start_s} s, analytic ${tau * Math.log(50)} s`,
  );
  for (const k of rowsOf(r, 2)) {
    const t = r.series.time_s[k]! - hold.start_s;
    assert.ok(
      rel(r.series.current_A[k]!, Math.exp(-t / tau)) < 2e-3,
      `I(${t}) = ${r.series.current_A[k]} vs ${Math.exp(-t / tau)}`,
    );
    assert.ok(Math.abs(r.series.voltage_V[k]! - 4) < 1e-6, 'Math.abs(r.series.voltage_V[k]! - 4) < 1e-6');
  }
  // the charge passed in the hold is ∫ I0 e^{−t/τ} dt = τ·(1 − 1/50)
  assert.ok(rel(hold.charge_C, tau * (1 - 1 / 50)) < 1e-3, 'rel(hold.charge_C, tau * (1 - 1 / 50)) < 1e-3');
  // power and apparent-resistance ends of the same hold: |I·V| = 0.5 W ⇒ I = 0.125 A; |V/I| = 20 Ω ⇒ I = 0.2 A
  const rp = done(runExperiment(m, [['Charge at 1 A until 4 V', 'Hold at 4 V until 0.5 W']], { initialSoc: 0 }));
  const hp = rp.steps[1]!;
  assert.equal(hp.endReason, 'until 0.5 W');
  assert.ok(
    rel(hp.end_s - hp.start_s, tau * Math.log(1 / 0.125)) < 1e-3 && Math.abs(hp.endCurrent_A - 0.125) < 1e-5,
    'rel(hp.end_s - hp.start_s, tau * Math.log(1 / 0.125)) < 1e-3 && Math.abs(hp.endCurrent_A…',
  );
  const rr = done(runExperiment(m, [['Charge at 1 A until 4 V', 'Hold at 4 V until 20 Ohm']], { initialSoc: 0 }));
  const hr = rr.steps[1]!;
  assert.equal(hr.endReason, 'until 20 Ohm');
  assert.ok(Math.abs(hr.endVoltage_V / hr.endCurrent_A - 20) < 1e-3, `${hr.endVoltage_V / hr.endCurrent_A}`);
});

test('power step keeps I·V = P throughout (charge and discharge)', () => {
  const m = linear();
  const r = done(
    runExperiment(
      m,
      [['Discharge at 2 W for 10 minutes (10 second period)', 'Charge at 1500 mW for 5 minutes (10 second period)']],
      { initialSoc: 0.8 },
    ),
  );
  for (const k of rowsOf(r, 1))
    assert.ok(
      Math.abs(r.series.current_A[k]! * r.series.voltage_V[k]! + 2) < 1e-6,
      `P = ${r.series.current_A[k]! * r.series.voltage_V[k]!}`,
    );
  for (const k of rowsOf(r, 2))
    assert.ok(
      Math.abs(r.series.current_A[k]! * r.series.voltage_V[k]! - 1.5) < 1e-6,
      'Math.abs(r.series.current_A[k]! * r.series.voltage_V[k]! - 1.5) < 1e-6',
    );
  // energy out of the cell = 2 W × 600 s
  assert.ok(rel(r.steps[0]!.dischargeEnergy_J, 1200) < 1e-4, `E = ${r.steps[0]!.dischargeEnergy_J} J`);
  assert.ok(rel(r.steps[1]!.chargeEnergy_J, 450) < 1e-4, 'rel(r.steps[1]!.chargeEnergy_J, 450) < 1e-4');
});

test('resistance step: V = −I·R throughout and SOC follows the analytic exponential', () => {
  const m = linear({ R1_ohm: 0 });
  const R = 2;
  const r = done(runExperiment(m, ['Discharge at 2 Ohm for 1 hour (1 minute period)'], { initialSoc: 1 }));
  for (const k of rowsOf(r, 1))
    assert.ok(
      Math.abs(r.series.voltage_V[k]! + r.series.current_A[k]! * R) < 1e-7,
      'Math.abs(r.series.voltage_V[k]! + r.series.current_A[k]! * R) < 1e-7',
    );
  // I = −(a + b·s)/(R + R0), ds/dt = I/Q  →  s(t) + a/b = (s0 + a/b)·exp(−b t /(Q (R + R0)))
  const sEnd = (1 + a / b) * Math.exp((-b * 3600) / (Q * (R + 0.05))) - a / b;
  const last = r.series.time_s.length - 1;
  assert.ok(Math.abs(r.series.soc[last]! - sEnd) < 1e-5, `soc ${r.series.soc[last]} vs ${sEnd}`);
  assert.ok(Math.abs(r.finalState[0]! - sEnd) < 1e-5, 'Math.abs(r.finalState[0]! - sEnd) < 1e-5');
});

test('capacity conservation: ∫I dt equals the charge counters; SOC counter equals the model SOC', () => {
  const m = linear();
  const r = done(
    runExperiment(
      m,
      {
        steps: [
          [
            'Charge at 1C until 4.1 V',
            'Hold at 4.1 V until C/20',
            'Rest for 10 minutes',
            'Discharge at 0.5C until 3.2 V',
            'Discharge at 1 W for 10 minutes',
            'Rest for 5 minutes',
          ],
        ],
        period: '2 seconds',
      },
      { initialSoc: 0.05 },
    ),
  );
  const s = r.series;
  let q = 0;
  for (let k = 1; k < s.time_s.length; k++)
    q += 0.5 * (s.current_A[k]! + s.current_A[k - 1]!) * (s.time_s[k]! - s.time_s[k - 1]!);
  const last = s.time_s.length - 1;
  const net = s.charge_C[last]! - s.discharge_C[last]!;
  assert.ok(Math.abs(q - net) < 1e-3 * Q * 0.01, `trapezoid ${q} C vs counters ${net} C`);
  // per step counters add up to the series totals
  const sumIn = r.steps.reduce((x, st) => x + st.charge_C, 0);
  const sumOut = r.steps.reduce((x, st) => x + st.discharge_C, 0);
  assert.ok(
    Math.abs(sumIn - s.charge_C[last]!) < 1e-9 && Math.abs(sumOut - s.discharge_C[last]!) < 1e-9,
    'Math.abs(sumIn - s.charge_C[last]!) < 1e-9 && Math.abs(sumOut - s.discharge_C[last]!) < 1…',
  );
  // the coulomb-counted SOC equals the model's own SOC state
  assert.ok(Math.abs(s.soc[last]! - r.finalState[0]!) < 1e-6, `${s.soc[last]} vs ${r.finalState[0]}`);
  // counters are monotone
  for (let k = 1; k <= last; k++)
    assert.ok(
      s.charge_C[k]! >= s.charge_C[k - 1]! - 1e-9 && s.discharge_C[k]! >= s.discharge_C[k - 1]! - 1e-9,
      's.charge_C[k]! >= s.charge_C[k - 1]! - 1e-9 && s.discharge_C[k]! >= s.discharge_C[k - 1]!…',
    );
});

test('[0178] first cycle on the lossless ECM: CE ≤ 1, both steps end on their cut-offs', () => {
  // an NMC-like OCV table (assumption, illustrative shape)
  const m = new EcmModel({
    capacity_C: Q,
    ocvSoc: [0, 0.05, 0.2, 0.5, 0.8, 1],
    ocvV: [3.0, 3.45, 3.62, 3.8, 4.05, 4.35],
    R0_ohm: 0.03,
    R1_ohm: 0.02,
    tau1_s: 60,
  });
  for (const cut of [4.25, 4.4]) {
    const r = done(runExperiment(m, firstCycleProtocol(cut), { initialSoc: 0 }));
    assert.deepEqual(
      r.steps.map((s) => s.endReason),
      [`until ${cut} V`, 'until 0.02C', 'until 3 V'],
    );
    const c = r.cycles[0]!;
    const ce = c.discharge_C / c.charge_C;
    assert.ok(ce <= 1 + 1e-6 && ce > 0.9, `CE = ${ce}`);
    assert.ok(c.dischargeEnergy_J < c.chargeEnergy_J, 'a resistive cell returns less energy than it took');
  }
});

test('several terminations: the first reached ends the step; time limits; capacity and SOC terminations', () => {
  const m = linear();
  const r = done(
    runExperiment(
      m,
      [
        [
          'Charge at 1 A until 4.1 V or 50% SOC',
          'Charge at 1 A until 0.25 Ah',
          'Discharge at 2 A for 30 minutes or until 3 V',
          'Rest for 10 minutes',
        ],
      ],
      { initialSoc: 0 },
    ),
  );
  const [s1, s2, s3, s4] = r.steps;
  assert.equal(s1!.endReason, 'until 50% SOC');
  assert.ok(Math.abs(s1!.charge_C - 0.5 * Q) < 1e-2, `${s1!.charge_C}`);
  assert.equal(s2!.endReason, 'until 0.25 Ah');
  assert.ok(Math.abs(s2!.charge_C - 900) < 1e-2, 'Math.abs(s2!.charge_C - 900) < 1e-2');
  // from SOC 0.75 at 2 A: the 3 V cut-off comes first
  assert.equal(s3!.endReason, 'until 3 V');
  assert.ok(s3!.end_s - s3!.start_s < 1800, 's3!.end_s - s3!.start_s < 1800');
  assert.equal(s4!.endReason, 'duration');
  assert.ok(Math.abs(s4!.end_s - s4!.start_s - 600) < 1e-9, 'Math.abs(s4!.end_s - s4!.start_s - 600) < 1e-9');
});

test('CC-CV in one step equals the PyBaMM two-step CC then CV', () => {
  const m = linear();
  const one = done(runExperiment(m, ['Charge at 0.5C until 4.1 V then hold until C/20'], { initialSoc: 0 }));
  const two = done(runExperiment(m, [['Charge at 0.5C until 4.1 V', 'Hold at 4.1 V until C/20']], { initialSoc: 0 }));
  assert.equal(one.steps.length, 1);
  assert.equal(one.steps[0]!.mode, 'cccv');
  assert.equal(one.steps[0]!.endReason, 'until 4.1 V then until 0.05C');
  const q2 = two.steps[0]!.charge_C + two.steps[1]!.charge_C;
  assert.ok(rel(one.steps[0]!.charge_C, q2) < 1e-5, `${one.steps[0]!.charge_C} vs ${q2}`);
  assert.ok(
    Math.abs(one.steps[0]!.end_s - two.steps[1]!.end_s) < 1e-3 * two.steps[1]!.end_s,
    'Math.abs(one.steps[0]!.end_s - two.steps[1]!.end_s) < 1e-3 * two.steps[1]!.end_s',
  );
});

test('a termination already met at the start ends the step at once', () => {
  const m = linear();
  const r = done(runExperiment(m, [['Charge at 1 A until 3.5 V', 'Rest for 1 minute']], { initialSoc: 0.9 }));
  assert.match(r.steps[0]!.endReason, /^already met at the start: until 3.5 V/);
  assert.equal(r.steps[0]!.end_s, 0);
  assert.equal(r.steps[0]!.charge_C, 0);
});

class FadingEcm extends EcmModel {
  calls: CycleSummary[] = [];
  afterCycle(_y: Float64Array, c: CycleSummary): void {
    this.calls.push(c);
    this.capacity_C *= 0.95; // 5 % fade per cycle (test ageing hook)
  }
}

test('afterCycle is called per cycle with the cycle summary; "80% capacity" stops; repeat_until loops', () => {
  const m = new FadingEcm({ capacity_C: Q, ocvSoc: [0, 1], ocvV: [a, a + b], R0_ohm: 0.01, R1_ohm: 0, tau1_s: 10 });
  const r = done(
    runExperiment(
      m,
      {
        steps: [
          {
            repeat: 20,
            steps: ['Charge at 1C until 4.15 V', 'Hold at 4.15 V until C/50', 'Discharge at 1C until 3.05 V'],
          },
        ],
        termination: '80% capacity',
      },
      { initialSoc: 0 },
    ),
  );
  assert.equal(r.status, 'stopped');
  assert.match(r.reason!, /capacity .* < 80 % after cycle 6/);
  assert.equal(r.cycles.length, 6);
  assert.equal(m.calls.length, 6);
  m.calls.forEach((c, i) => {
    assert.equal(c.index, i + 1);
    assert.ok(
      Math.abs(c.discharge_C - r.cycles[i]!.discharge_C) < 1e-9,
      'Math.abs(c.discharge_C - r.cycles[i]!.discharge_C) < 1e-9',
    );
    assert.ok(c.duration_s > 0, 'c.duration_s > 0');
  });
  // discharge capacities fall by 5 % per cycle
  for (let i = 2; i < r.cycles.length; i++)
    assert.ok(
      Math.abs(r.cycles[i]!.discharge_C / r.cycles[i - 1]!.discharge_C - 0.95) < 0.01,
      'Math.abs(r.cycles[i]!.discharge_C / r.cycles[i - 1]!.discharge_C - 0.95) < 0.01',
    );
  const m2 = new FadingEcm({ capacity_C: Q, ocvSoc: [0, 1], ocvV: [a, a + b], R0_ohm: 0.01, R1_ohm: 0, tau1_s: 10 });
  const r2 = done(
    runExperiment(
      m2,
      [
        { repeat_until: 'capacity < 90 %', steps: ['Charge at 1C until 4.15 V', 'Discharge at 1C until 3.05 V'] },
        'Rest for 1 minute',
      ],
      { initialSoc: 0 },
    ),
  );
  assert.equal(r2.status, 'completed');
  // 0.95, 0.9025 of cycle 1 stay ≥ 90 %, cycle 4 (0.857) ends the loop; the top-level rest is cycle 5
  assert.equal(r2.cycles.length, 5);
  assert.ok(
    r2.cycles[3]!.discharge_C < 0.9 * r2.cycles[0]!.discharge_C &&
      r2.cycles[2]!.discharge_C >= 0.9 * r2.cycles[0]!.discharge_C,
    'r2.cycles[3]!.discharge_C < 0.9 * r2.cycles[0]!.discharge_C && r2.cycles[2]!.discharge_C…',
  );
  assert.equal(r2.cycles[4]!.charge_C + r2.cycles[4]!.discharge_C, 0);
});

test('time stop and failures are reported per step with a reason, never NaN', () => {
  const m = linear();
  const r = runExperiment(
    m,
    {
      steps: [{ repeat: 10, steps: ['Charge at 1C until 4.1 V', 'Discharge at 1C until 3.1 V'] }],
      termination: '2 hours',
    },
    { initialSoc: 0 },
  );
  assert.equal(r.status, 'stopped');
  assert.match(r.reason!, /experiment time limit 7200 s/);
  assert.ok(
    Math.abs(r.series.time_s[r.series.time_s.length - 1]! - 7200) < 1e-6,
    'Math.abs(r.series.time_s[r.series.time_s.length - 1]! - 7200) < 1e-6',
  );
  // missing drive cycle
  const d = runExperiment(m, ['Rest for 1 minute', 'Run drive cycle from nowhere.csv as current'], { initialSoc: 0.5 });
  assert.equal(d.status, 'failed');
  assert.equal(d.steps[1]!.status, 'failed');
  assert.match(d.steps[1]!.failure!, /drive cycle 'nowhere.csv' was not loaded/);
  // a solver that fails
  const f = runExperiment(m, ['Discharge at 1C until 3 V'], {
    initialSoc: 0.5,
    solver: (p, y0, o) =>
      o.tEnd < 1
        ? refSolve(p, y0, o)
        : {
            status: 'failed',
            message: 'Newton did not converge',
            t: [],
            y: [],
            tFinal: 12.5,
            yFinal: y0,
            events: [],
            stats: { steps: 0, rejectedSteps: 0, fEvals: 0, jacobianEvals: 0, factorisations: 0, newtonIterations: 0 },
          },
  });
  assert.equal(f.status, 'failed');
  assert.match(
    f.reason!,
    /step 1 \("Discharge at 1C until 3 V"\) failed: solver failed at t = 12.5 s into the step: Newton did not converge/,
  );
  assert.ok(
    f.steps.every((s) => Object.values(s).every((v) => typeof v !== 'number' || Number.isFinite(v))),
    "f.steps.every((s) => Object.values(s).every((v) => typeof v !== 'number' || Number.isFini…",
  );
  // a model that refuses a control
  const bad = runExperiment(m, ['Discharge at 1C for 1 minute', 'Discharge at 1 mOhm for 1 minute'], {
    initialSoc: 0.5,
    solver: refSolve,
  });
  assert.equal(bad.status, 'completed'); // 1 mΩ is a valid load for the ECM
});

test('drive cycle from a profile: looped, ∫I dt matches the profile integral', () => {
  const m = linear();
  const profile = { time_s: [0, 10, 20, 30], value: [-1, -1, 0.5, 0.5] };
  const r = done(
    runExperiment(m, ['Run drive cycle from p.csv as current for 60 seconds (1 second period)'], {
      initialSoc: 0.5,
      driveCycles: { 'p.csv': profile },
    }),
  );
  // one period: ∫ = −10 + (−1+0.5)/2·10 + 5 = −7.5 C; two periods in 60 s
  const last = r.series.time_s.length - 1;
  const net = r.series.charge_C[last]! - r.series.discharge_C[last]!;
  assert.ok(Math.abs(net + 15) < 1e-3, `net ${net} C`);
  assert.equal(r.steps[0]!.mode, 'drive_cycle');
  assert.ok(
    Math.abs(r.series.current_A[r.series.time_s.indexOf(5)]! + 1) < 1e-6,
    'Math.abs(r.series.current_A[r.series.time_s.indexOf(5)]! + 1) < 1e-6',
  );
});

test('the machine agrees with an independent reference solver on the [0178] protocol', () => {
  const m = new EcmModel({
    capacity_C: Q,
    ocvSoc: [0, 0.05, 0.2, 0.5, 0.8, 1],
    ocvV: [3.0, 3.45, 3.62, 3.8, 4.05, 4.35],
    R0_ohm: 0.03,
    R1_ohm: 0.02,
    tau1_s: 60,
  });
  const x = done(runExperiment(m, firstCycleProtocol(4.3), { initialSoc: 0 }));
  const y = done(runExperiment(m, firstCycleProtocol(4.3), { initialSoc: 0, solver: refSolve }));
  for (let i = 0; i < 3; i++) {
    assert.ok(
      rel(x.steps[i]!.charge_C + x.steps[i]!.discharge_C, y.steps[i]!.charge_C + y.steps[i]!.discharge_C) < 2e-3,
      `step ${i + 1}`,
    );
  }
});

test("series: 'none' keeps the same step and cycle records without the time series", () => {
  const m = linear();
  const exp = [['Charge at 1C until 4.1 V then hold until C/20', 'Rest for 10 minutes', 'Discharge at 1C until 3.1 V']];
  const full = done(runExperiment(m, exp, { initialSoc: 0 }));
  const lean = runExperiment(m, exp, { initialSoc: 0, series: 'none' });
  assert.equal(lean.status, 'completed');
  assert.equal(lean.series.time_s.length, 0);
  assert.ok(full.series.time_s.length > 100, 'full.series.time_s.length > 100');
  for (let i = 0; i < full.steps.length; i++) {
    const a = full.steps[i]!;
    const b = lean.steps[i]!;
    for (const k of [
      'charge_C',
      'discharge_C',
      'startVoltage_V',
      'endVoltage_V',
      'minVoltage_V',
      'maxVoltage_V',
      'startCurrent_A',
      'endCurrent_A',
      'end_s',
    ] as const) {
      assert.equal(b[k], a[k], `step ${i + 1} ${k}`);
    }
  }
  // and the step aggregates agree with the series
  const s = full.steps[0]!;
  assert.equal(s.startVoltage_V, full.series.voltage_V[s.rowStart]);
  assert.equal(s.endVoltage_V, full.series.voltage_V[s.rowEnd]);
  assert.equal(s.maxVoltage_V, Math.max(...full.series.voltage_V.slice(s.rowStart, s.rowEnd + 1)));
  assert.deepEqual(
    lean.cycles.map((c) => c.discharge_C),
    full.cycles.map((c) => c.discharge_C),
  );
});

test("records: 'none' keeps no step or cycle record, yet the hooks see the same records and the stops still act", () => {
  const m = new FadingEcm({ capacity_C: Q, ocvSoc: [0, 1], ocvV: [a, a + b], R0_ohm: 0.01, R1_ohm: 0, tau1_s: 10 });
  const exp = {
    steps: [{ repeat: 20, steps: ['Charge at 1C until 4.15 V', 'Discharge at 1C until 3.05 V'] }],
    termination: '80% capacity',
  };
  const full = done(runExperiment(m, exp, { initialSoc: 0, series: 'none' }));
  const m2 = new FadingEcm({ capacity_C: Q, ocvSoc: [0, 1], ocvV: [a, a + b], R0_ohm: 0.01, R1_ohm: 0, tau1_s: 10 });
  const seenSteps: unknown[] = [];
  const seenCycles: unknown[] = [];
  const lean = runExperiment(m2, exp, {
    initialSoc: 0,
    series: 'none',
    records: 'none',
    afterStep: (_y, s) => seenSteps.push(s),
    afterCycle: (y, c) => {
      seenCycles.push({ ...c });
      m2.afterCycle(y, { index: c.index, charge_C: c.charge_C, discharge_C: c.discharge_C, duration_s: 1 });
    },
  });
  assert.equal(lean.steps.length, 0);
  assert.equal(lean.cycles.length, 0);
  // the "80% capacity" stop compares with the first cycle, which is no longer in the result
  assert.equal(lean.status, 'stopped');
  assert.equal(lean.reason, full.reason);
  assert.deepEqual(seenSteps, full.steps);
  // each cycle's lowest and highest voltages come from its own steps
  assert.deepEqual(
    seenCycles.map((c) => [(c as { minVoltage_V: number }).minVoltage_V, (c as { maxVoltage_V: number }).maxVoltage_V]),
    full.cycles.map((c) => [c.minVoltage_V, c.maxVoltage_V]),
  );
  assert.deepEqual(lean.finalState, full.finalState);
});

test('a parsed experiment is compiled once and reused: the same results on cells of other capacities, in any order', () => {
  const parsed = parseExperiment([
    ['Charge at 0.5C until 4.1 V', 'Hold at 4.1 V until C/20', 'Discharge at 1C until 3.1 V'],
  ]);
  assert.ok(parsed.ok, 'parsed.ok');
  const cells = [Q, 0.5 * Q, 2 * Q, Q];
  // each cell on a fresh parse (a plan of its own) …
  const fresh = cells.map((c) =>
    runExperiment(linear({ capacity_C: c }), [
      ['Charge at 0.5C until 4.1 V', 'Hold at 4.1 V until C/20', 'Discharge at 1C until 3.1 V'],
    ]),
  );
  // … and all of them, alternating, on the one parsed experiment: the C-rates follow each cell's capacity
  const shared = cells.map((c) => runExperiment(linear({ capacity_C: c }), parsed.value));
  for (let i = 0; i < cells.length; i++) {
    assert.deepEqual(shared[i]!.steps, fresh[i]!.steps, `cell ${i + 1}`);
    assert.deepEqual(shared[i]!.series, fresh[i]!.series, `cell ${i + 1}`);
  }
  // the 1C discharge of the half-capacity cell draws half the current
  assert.ok(Math.abs(shared[1]!.steps[2]!.startCurrent_A + 0.5) < 1e-9, `${shared[1]!.steps[2]!.startCurrent_A} A`);
});

test("a step's summary comes from the rows it keeps: a dropped end row (a drive cycle's repeat, a CC phase before its CV) is not in it", () => {
  // a drive cycle repeated: the end row of each repeat is dropped (the next repeat starts at the same time,
  // with the profile's first current). Its voltage (after 10 s at +0.5 A, above every kept row) stayed in the
  // step's maximum until now; with records but no series the summary must be the same.
  const m = linear();
  const profile = { time_s: [0, 10, 20, 30], value: [-1, -1, 0.5, 0.5] };
  const steps = [
    'Run drive cycle from p.csv as current for 90 seconds (1 second period)',
    'Charge at 1 A until 4 V then hold until C/50',
    'Discharge at 1 A until 3.6 V',
  ];
  const opts = { initialSoc: 0.5, driveCycles: { 'p.csv': profile } };
  const r = done(runExperiment(m, steps, opts));
  assert.equal(r.steps.length, 3);
  for (const s of r.steps) {
    const V = rowsOf(r, s.index).map((k) => r.series.voltage_V[k]!);
    const I = rowsOf(r, s.index).map((k) => r.series.current_A[k]!);
    assert.deepEqual(
      [s.minVoltage_V, s.maxVoltage_V, s.startVoltage_V, s.endVoltage_V, s.startCurrent_A, s.endCurrent_A],
      [Math.min(...V), Math.max(...V), V[0], V.at(-1), I[0], I.at(-1)],
      `step ${s.index} (${s.text})`,
    );
  }
  const none = done(runExperiment(m, steps, { ...opts, series: 'none' }));
  assert.deepEqual(
    none.steps.map((s) => [s.minVoltage_V, s.maxVoltage_V, s.startVoltage_V, s.endVoltage_V]),
    r.steps.map((s) => [s.minVoltage_V, s.maxVoltage_V, s.startVoltage_V, s.endVoltage_V]),
  );
});
