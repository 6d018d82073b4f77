/**
 * PyBaMM's experiment structure and step options: cycles as PyBaMM forms them (list entries, tuples,
 * `* N`), experiment files (YAML, JSON, Python text), typed steps and step keywords, operator
 * terminations, PyBaMM's default durations, step temperatures applied, infeasible stops, and a voltage
 * hold started far from the present voltage (inrush current).
 * Expected values come from PyBaMM's own tests (pybamm-team/PyBaMM 7c9f5bd,
 * packages/pybamm/tests/unit/test_experiments/test_experiment.py and test_experiment_steps.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseExperiment, defaultDuration_s, parseStepEntry, type Experiment } from '../../src/cycler/experiment.ts';
import { parseExperimentFile } from '../../src/cycler/experiment-file.ts';
import { runExperiment } from '../../src/cycler/index.ts';
import { parseBpxText } from '../../src/electrochem/bpx.ts';
import { createLiquidModel, socAtOcv } from '../../src/electrochem/liquid/index.ts';

const BPX = new URL('../../../shared/validation/about-energy-nmc/nmc_pouch_cell_BPX.json', import.meta.url);

/** cycle lengths as PyBaMM's Experiment.cycle_lengths (repeat blocks expanded) */
function cycleLengths(e: Experiment): number[] {
  const out: number[] = [];
  for (const b of e.blocks) for (let r = 0; r < (b.kind === 'cycles' ? b.repeat : 1); r++) out.push(b.steps.length);
  return out;
}

function file(text: string, format: 'yaml' | 'json' | 'txt'): Experiment {
  const r = parseExperimentFile(text, format, 'exp');
  if (!r.ok) assert.fail(JSON.stringify(r.problems));
  return r.value;
}

test('cycles as PyBaMM forms them: test_cycle_unpacking gives cycle_lengths [2, 1, 1]', () => {
  // ("x") in Python is a string, not a tuple: a cycle of one step
  const py = file(
    `pybamm.Experiment([
      ("Discharge at C/20 for 0.5 hours", "Charge at C/5 for 45 minutes"),
      ("Discharge at C/20 for 0.5 hours"),
      "Charge at C/5 for 45 minutes",
    ])`,
    'txt',
  );
  assert.deepEqual(cycleLengths(py), [2, 1, 1]);
  const yaml = file(
    '- [Discharge at C/20 for 0.5 hours, Charge at C/5 for 45 minutes]\n- Discharge at C/20 for 0.5 hours\n- Charge at C/5 for 45 minutes\n',
    'yaml',
  );
  assert.deepEqual(cycleLengths(yaml), [2, 1, 1]);
  // the steps as test_cycle_unpacking asserts them (PyBaMM's CRate 0.05 discharge = rollcell −0.05)
  assert.deepEqual(py.blocks[0]!.steps[0]!.control, { mode: 'c_rate', c_rate: -0.05 });
  assert.equal(py.blocks[0]!.steps[0]!.duration_s, 1800);
  assert.deepEqual(py.blocks[0]!.steps[1]!.control, { mode: 'c_rate', c_rate: 0.2 });
  assert.equal(py.blocks[0]!.steps[1]!.duration_s, 2700);
});

test('`* N` repeats: a list of one tuple * 3 is 3 cycles, a list of 5 strings * 3 is 15; plain lines are cycles', () => {
  const t = file(
    `[("Discharge at C/10 for 10 hours or until 3.3 V", "Rest for 1 hour", "Charge at 1 A until 4.1 V",
       "Hold at 4.1 V until 50 mA", "Rest for 1 hour")] * 3 + ["Discharge at 1C until 3.3 V"]`,
    'txt',
  );
  assert.deepEqual(cycleLengths(t), [5, 5, 5, 1]);
  assert.equal(t.blocks[0]!.kind === 'cycles' && t.blocks[0]!.repeat, 3); // kept as one block
  const l = file(
    `["Discharge at 1C until 3.2 V", "Rest for 2 hours", "Charge at C/3 until 4 V", "Hold at 4 V until 5 mA", "Rest for 2 hours"] * 3`,
    'txt',
  );
  assert.equal(cycleLengths(l).length, 15);
  assert.deepEqual(cycleLengths(file('# a comment\nDischarge at 1C until 3 V\n\nRest for 1 hour\n', 'txt')), [1, 1]);
  // the recipe's rule stays: consecutive strings form one cycle
  const g = parseExperiment(['Charge at 1C until 4.1 V', 'Discharge at 1C until 3 V']);
  assert.ok(g.ok, 'g.ok');
  assert.deepEqual(cycleLengths(g.value), [2]);
});

test('Experiment keywords and step keywords: period, temperature, termination, tags', () => {
  const e = file(
    `pybamm.Experiment(
      [(pybamm.step.string("Discharge at 1C until 2.5 V", temperature="10oC", period="10 seconds", tags=["rpt"]),
        pybamm.step.c_rate(-0.5, termination="> 4.1 V"),
        pybamm.step.voltage(4.1, termination="C/50"))],
      period="30 seconds", temperature="25oC", termination=["80% capacity", "2.5 V"])`,
    'txt',
  );
  assert.equal(e.period_s, 30);
  assert.ok(Math.abs(e.temperature_K! - 298.15) < 1e-9, 'Math.abs(e.temperature_K! - 298.15) < 1e-9');
  assert.deepEqual(
    e.stops.map((s) => s.kind),
    ['capacity_fraction', 'voltage'],
  );
  const [a, b, c] = e.blocks[0]!.steps;
  assert.ok(Math.abs(a!.temperature_K! - 283.15) < 1e-9, 'Math.abs(a!.temperature_K! - 283.15) < 1e-9');
  assert.equal(a!.period_s, 10);
  assert.deepEqual(a!.tags, ['rpt']);
  // PyBaMM's c_rate(-0.5) is a charge at 0.5C; its "> 4.1 V" ends the step when V rises above 4.1 V
  assert.deepEqual(b!.control, { mode: 'c_rate', c_rate: 0.5 });
  assert.deepEqual(b!.terminations, [{ kind: 'voltage', voltage_V: 4.1, operator: '>' }]);
  assert.deepEqual(c!.terminations, [{ kind: 'c_rate', c_rate: 0.02 }]);
  // PyBaMM refuses a period both in the string and as a keyword, and temperature in the string is ours
  const dup = parseStepEntry({ string: 'Discharge at 1C for 1 hour (1 minute period)', period: 60 }, 's');
  assert.ok(
    !dup.ok && /Period cannot be specified both/.test(dup.errors[0]!.message),
    '!dup.ok && /Period cannot be specified both/.test(dup.errors[0]!.message)',
  );
  const term = parseStepEntry({ string: 'Discharge at 1C for 1 hour', termination: '2.5 V' }, 's');
  assert.ok(
    !term.ok && /TypeError/.test(term.errors[0]!.message),
    '!term.ok && /TypeError/.test(term.errors[0]!.message)',
  );
});

test("PyBaMM's Experiment.to_config records (values positive on discharge) and drive-cycle rows", () => {
  const e = file(
    JSON.stringify({
      cycles: [
        [
          {
            type: 'c-rate',
            value: 1,
            terminations: [{ type: 'voltage', value: 2.5 }],
            description: 'Discharge at 1C until 2.5 V',
          },
          { type: 'current', value: -2, duration: 600, terminations: [{ type: 'current', value: 0.5, operator: '<' }] },
          {
            type: 'current',
            value: [
              [0, 1],
              [10, -1],
              [20, 0],
            ],
          },
          { type: 'rest', duration: '10 minutes' },
        ],
      ],
      period: 1,
    }),
    'json',
  );
  const s = e.blocks[0]!.steps;
  assert.equal(s[0]!.text, 'Discharge at 1C until 2.5 V');
  assert.deepEqual(s[0]!.control, { mode: 'c_rate', c_rate: -1 });
  assert.deepEqual(s[1]!.control, { mode: 'current', current_A: 2 });
  assert.deepEqual(s[1]!.terminations, [{ kind: 'current', current_A: 0.5, operator: '<' }]);
  assert.deepEqual(s[2]!.control, {
    mode: 'drive_cycle',
    source: 'inline',
    quantity: 'current',
    data: { time_s: [0, 10, 20], value: [-1, 1, 0] },
  });
  assert.equal(s[3]!.duration_s, 600);
  const bad = parseExperimentFile('[{"type": "current", "value": [[1, 1], [2, 2]]}]', 'json', 'x.json');
  assert.ok(
    !bad.ok && /Drive cycle must start at t=0/.test(bad.problems[0]!.problem),
    '!bad.ok && /Drive cycle must start at t=0/.test(bad.problems[0]!.problem)',
  );
  assert.equal(!bad.ok && bad.problems[0]!.line, 1);
});

test('errors in experiment files name the file position', () => {
  const r = parseExperimentFile(
    '- Discharge at 1C until 3 V\n- [Rest for 1 hour, Chrge at 1C until 4.2 V]\n',
    'yaml',
    'p.yaml',
  );
  assert.ok(!r.ok, '!r.ok');
  assert.equal(r.problems[0]!.path, 'p.yaml[1][1]');
  assert.equal(r.problems[0]!.line, 2);
  assert.match(r.problems[0]!.allowed, /did you mean 'Charge'/);
  const t = parseExperimentFile('[("Rest for 1 hour", drive_cycle)]', 'txt', 'p.txt');
  assert.ok(
    !t.ok && t.problems[0]!.line === 1 && t.problems[0]!.column === 22,
    '!t.ok && t.problems[0]!.line === 1 && t.problems[0]!.column === 22',
  );
  assert.match(!t.ok ? t.problems[0]!.problem : '', /Python variable/);
});

test("PyBaMM's default durations: 2/|C| hours for a C-rate step, 24 hours otherwise (test_step_string, test_specific_steps)", () => {
  // "Charge at 1 C until 4.1V" → duration 7200; "Hold at 4.1 V until 50mA" → 3600·24
  assert.equal(defaultDuration_s({ mode: 'c_rate', c_rate: 1 }), 7200);
  assert.equal(defaultDuration_s({ mode: 'c_rate', c_rate: -1 / 3 }), 6 * 3600);
  assert.equal(defaultDuration_s({ mode: 'voltage', voltage_V: 4.1 }), 24 * 3600);
  assert.equal(defaultDuration_s({ mode: 'current', current_A: 1 }), 24 * 3600);
});

const params = parseBpxText(readFileSync(BPX, 'utf8'));

test('a step temperature reaches the model: "… at 10oC" runs as the cell whose ambient is 283.15 K, and Arrhenius lowers the voltage', () => {
  const at10 = runExperiment(createLiquidModel(params, { model: 'spme' }), ['Discharge at 1C for 20 minutes at 10oC'], {
    initialSoc: 1,
  });
  const cold = createLiquidModel(
    { ...params, cell: { ...params.cell, ambientTemperature_K: 283.15 } },
    { model: 'spme' },
  );
  const ref = runExperiment(cold, ['Discharge at 1C for 20 minutes'], { initialSoc: 1 });
  const warm = runExperiment(createLiquidModel(params, { model: 'spme' }), ['Discharge at 1C for 20 minutes'], {
    initialSoc: 1,
  });
  assert.equal(at10.steps[0]!.temperature_K, 283.15);
  const n = at10.series.voltage_V.length;
  assert.equal(n, ref.series.voltage_V.length);
  for (let i = 0; i < n; i++)
    assert.ok(
      Math.abs(at10.series.voltage_V[i]! - ref.series.voltage_V[i]!) < 1e-9,
      'Math.abs(at10.series.voltage_V[i]! - ref.series.voltage_V[i]!) < 1e-9',
    );
  // colder: slower kinetics and transport, lower voltage under load (by tens of mV at 1C)
  const k = Math.floor(n / 2);
  assert.ok(
    warm.series.voltage_V[k]! - at10.series.voltage_V[k]! > 0.02,
    `${warm.series.voltage_V[k]} vs ${at10.series.voltage_V[k]}`,
  );
});

test('a discharge longer than the charge lasts stops on the model limit (PyBaMM: infeasible), not with a solver failure', () => {
  const r = runExperiment(createLiquidModel(params, { model: 'spme' }), ['Discharge at 1C for 2 hours'], {
    initialSoc: 1,
  });
  assert.equal(r.status, 'stopped');
  assert.match(r.reason!, /experiment infeasible/);
  assert.equal(r.steps[0]!.status, 'ok');
  assert.ok(
    r.steps[0]!.end_s > 3000 && r.steps[0]!.end_s < 7200,
    'r.steps[0]!.end_s > 3000 && r.steps[0]!.end_s < 7200',
  );
  // no termination and no 'for': the default duration (2 h at 1C) ends the experiment as infeasible
  const d = runExperiment(
    createLiquidModel(params, { model: 'spm' }),
    ['Rest for 1 minute', 'Hold at 3.9 V until 1e-9 A'],
    {
      initialSoc: 0.5,
      maxStepDuration_s: 600,
    },
  );
  assert.equal(d.status, 'stopped');
  assert.match(d.reason!, /default duration/);
});

test('Hold at 4.0 V from 3.79 V draws the inrush current and runs (DFN)', () => {
  const m = createLiquidModel(params, { model: 'dfn' });
  const r = runExperiment(m, ['Hold at 4.0 V until 50 mA'], { initialSoc: socAtOcv(params, 3.79) });
  assert.equal(r.status, 'completed', r.reason);
  assert.ok(r.steps[0]!.startCurrent_A > 10, `inrush ${r.steps[0]!.startCurrent_A} A`);
  assert.ok(Math.abs(r.steps[0]!.startVoltage_V - 4) < 1e-6, 'Math.abs(r.steps[0]!.startVoltage_V - 4) < 1e-6');
  assert.match(r.steps[0]!.endReason, /until 0.05 A/);
});
