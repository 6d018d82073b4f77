import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseStep,
  parseStop,
  parseLoopCondition,
  parseExperiment,
  formatParseError,
  firstCycleProtocol,
  editDistance,
  formatStep,
  type StepAst,
} from '../../src/cycler/experiment.ts';

const ok = (s: string): StepAst => {
  const r = parseStep(s);
  if (!r.ok) assert.fail(`${s}: ${formatParseError(r.errors[0]!)}`);
  return r.value;
};
const near = (a: number, b: number, rel = 1e-12): void =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

// Every example string of PyBaMM's step grammar (pybamm/experiment/step/base_step.py `_examples`,
// experiment.py examples of v21.11–v23.4, the Experiment docstrings), with the AST each must give.
// Signs: rollcell current/power are positive on CHARGE.
const PYBAMM: [string, Partial<StepAst> & { control: StepAst['control'] }][] = [
  ['Discharge at 1C for 0.5 hours', { control: { mode: 'c_rate', c_rate: -1 }, duration_s: 1800 }],
  ['Discharge at C/20 for 0.5 hours', { control: { mode: 'c_rate', c_rate: -0.05 }, duration_s: 1800 }],
  ['Charge at 0.5 C for 45 minutes', { control: { mode: 'c_rate', c_rate: 0.5 }, duration_s: 2700 }],
  ['Discharge at 1 A for 0.5 hours', { control: { mode: 'current', current_A: -1 }, duration_s: 1800 }],
  ['Discharge at 1 A for 90 seconds', { control: { mode: 'current', current_A: -1 }, duration_s: 90 }],
  ['Charge at 200 mA for 45 minutes', { control: { mode: 'current', current_A: 0.2 }, duration_s: 2700 }],
  [
    'Charge at 200mA for 45 minutes (1 minute period)',
    { control: { mode: 'current', current_A: 0.2 }, duration_s: 2700, period_s: 60 },
  ],
  ['Discharge at 1W for 0.5 hours', { control: { mode: 'power', power_W: -1 }, duration_s: 1800 }],
  ['Discharge at 1 W for 0.5 hours', { control: { mode: 'power', power_W: -1 }, duration_s: 1800 }],
  ['Charge at 200mW for 45 minutes', { control: { mode: 'power', power_W: 0.2 }, duration_s: 2700 }],
  ['Charge at 200 mW for 45 minutes', { control: { mode: 'power', power_W: 0.2 }, duration_s: 2700 }],
  ['Rest for 10 minutes', { control: { mode: 'rest' }, duration_s: 600 }],
  ['Rest for 10 minutes (5 minute period)', { control: { mode: 'rest' }, duration_s: 600, period_s: 300 }],
  ['Hold at 1V for 20 seconds', { control: { mode: 'voltage', voltage_V: 1 }, duration_s: 20 }],
  ['Hold at 1 V for 20 seconds', { control: { mode: 'voltage', voltage_V: 1 }, duration_s: 20 }],
  [
    'Charge at 1 C until 4.1V',
    { control: { mode: 'c_rate', c_rate: 1 }, terminations: [{ kind: 'voltage', voltage_V: 4.1 }] },
  ],
  [
    'Charge at 1 C until 4.1 V',
    { control: { mode: 'c_rate', c_rate: 1 }, terminations: [{ kind: 'voltage', voltage_V: 4.1 }] },
  ],
  [
    'Hold at 4.1 V until 50mA',
    { control: { mode: 'voltage', voltage_V: 4.1 }, terminations: [{ kind: 'current', current_A: 0.05 }] },
  ],
  [
    'Hold at 4.1 V until 50 mA',
    { control: { mode: 'voltage', voltage_V: 4.1 }, terminations: [{ kind: 'current', current_A: 0.05 }] },
  ],
  [
    'Hold at 3V until C/50',
    { control: { mode: 'voltage', voltage_V: 3 }, terminations: [{ kind: 'c_rate', c_rate: 0.02 }] },
  ],
  [
    'Discharge at C/3 for 2 hours or until 2.5 V',
    {
      control: { mode: 'c_rate', c_rate: -1 / 3 },
      duration_s: 7200,
      terminations: [{ kind: 'voltage', voltage_V: 2.5 }],
    },
  ],
  [
    'Discharge at 1C for 1 hour or until 3.0V',
    { control: { mode: 'c_rate', c_rate: -1 }, duration_s: 3600, terminations: [{ kind: 'voltage', voltage_V: 3 }] },
  ],
  [
    'Discharge at 1C for 3600 seconds or until 2.5V',
    { control: { mode: 'c_rate', c_rate: -1 }, duration_s: 3600, terminations: [{ kind: 'voltage', voltage_V: 2.5 }] },
  ],
  [
    'Charge at 0.5C until 4.2V',
    { control: { mode: 'c_rate', c_rate: 0.5 }, terminations: [{ kind: 'voltage', voltage_V: 4.2 }] },
  ],
  [
    'Hold at 4.2V until 50mA',
    { control: { mode: 'voltage', voltage_V: 4.2 }, terminations: [{ kind: 'current', current_A: 0.05 }] },
  ],
  [
    'Hold at 4.2V until C/20',
    { control: { mode: 'voltage', voltage_V: 4.2 }, terminations: [{ kind: 'c_rate', c_rate: 0.05 }] },
  ],
  ['Charge at 2A for 30 minutes', { control: { mode: 'current', current_A: 2 }, duration_s: 1800 }],
  [
    'Discharge at C/5 for 10 hours or until 3.3V',
    {
      control: { mode: 'c_rate', c_rate: -0.2 },
      duration_s: 36000,
      terminations: [{ kind: 'voltage', voltage_V: 3.3 }],
    },
  ],
  ['Rest for 1 hour', { control: { mode: 'rest' }, duration_s: 3600 }],
  ['Rest for 3600 seconds', { control: { mode: 'rest' }, duration_s: 3600 }],
  [
    'Discharge at 1C for 0.5 hours at 27oC',
    { control: { mode: 'c_rate', c_rate: -1 }, duration_s: 1800, temperature_K: 300.15 },
  ],
  [
    'Charge at 0.5 C for 45 minutes at -5oC',
    { control: { mode: 'c_rate', c_rate: 0.5 }, duration_s: 2700, temperature_K: 268.15 },
  ],
  [
    'Discharge at 1 A for 0.5 hours at -5.1oC',
    { control: { mode: 'current', current_A: -1 }, duration_s: 1800, temperature_K: 268.05 },
  ],
  [
    'Charge at 200 mA for 45 minutes at 10.2oC (1 minute period)',
    { control: { mode: 'current', current_A: 0.2 }, duration_s: 2700, temperature_K: 283.35, period_s: 60 },
  ],
  [
    'Discharge at C/3 for 2 hours or until 2.5 V at 26oC',
    {
      control: { mode: 'c_rate', c_rate: -1 / 3 },
      duration_s: 7200,
      terminations: [{ kind: 'voltage', voltage_V: 2.5 }],
      temperature_K: 299.15,
    },
  ],
  ['Run US06 (A)', { control: { mode: 'drive_cycle', source: 'US06', quantity: 'current' } }],
  [
    'Run US06 (A) for 20 seconds',
    { control: { mode: 'drive_cycle', source: 'US06', quantity: 'current' }, duration_s: 20 },
  ],
  [
    'Run US06 (V) for 45 minutes',
    { control: { mode: 'drive_cycle', source: 'US06', quantity: 'voltage' }, duration_s: 2700 },
  ],
  [
    'Run US06 (W) for 2 hours',
    { control: { mode: 'drive_cycle', source: 'US06', quantity: 'power' }, duration_s: 7200 },
  ],
  [
    'Run US06 (A) at -5oC',
    { control: { mode: 'drive_cycle', source: 'US06', quantity: 'current' }, temperature_K: 268.15 },
  ],
  [
    'Discharge at 4 Ohm for 10 hours or until 3 V',
    {
      control: { mode: 'resistance', resistance_ohm: 4 },
      duration_s: 36000,
      terminations: [{ kind: 'voltage', voltage_V: 3 }],
    },
  ],
];

test('every PyBaMM example string parses into the right AST', () => {
  for (const [s, want] of PYBAMM) {
    const got = ok(s);
    assert.equal(got.text, s);
    assert.equal(got.control.mode, want.control.mode, s);
    for (const [k, v] of Object.entries(want.control)) {
      const g = (got.control as unknown as Record<string, unknown>)[k];
      if (typeof v === 'number') near(g as number, v);
      else assert.equal(g, v, `${s}: control.${k}`);
    }
    if (want.duration_s !== undefined) near(got.duration_s!, want.duration_s);
    else assert.equal(got.duration_s, undefined, s);
    if (want.period_s !== undefined) near(got.period_s!, want.period_s);
    if (want.temperature_K !== undefined) near(got.temperature_K!, want.temperature_K, 1e-9);
    else assert.equal(got.temperature_K, undefined, s);
    const terms = want.terminations ?? [];
    assert.equal(got.terminations.length, terms.length, s);
    terms.forEach((t, i) => {
      const g = got.terminations[i] as unknown as Record<string, number | string>;
      for (const [k, v] of Object.entries(t)) {
        if (typeof v === 'number') near(g[k] as number, v);
        else assert.equal(g[k], v);
      }
    });
  }
});

test('rollcell extensions: CC-CV in one step, several terminations, SOC, capacity, drive cycle files, °C', () => {
  const cccv = ok('Charge at 0.1C until 4.3 V then hold until 0.02C');
  assert.deepEqual(cccv.control, { mode: 'c_rate', c_rate: 0.1 });
  assert.deepEqual(cccv.cv, { voltage_V: 4.3, terminations: [{ kind: 'c_rate', c_rate: 0.02 }] });
  const cccv2 = ok('Charge at 1 A until 4.2 V then hold at 4.15 V until 50 mA or for 2 hours');
  assert.equal(cccv2.cv!.voltage_V, 4.15);
  near(cccv2.cv!.terminations[0]!.kind === 'current' ? cccv2.cv!.terminations[0]!.current_A : NaN, 0.05);
  assert.equal(cccv2.cv!.duration_s, 7200);
  const multi = ok('Charge at 1 A until 4.2 V or 50 mA');
  assert.deepEqual(
    multi.terminations.map((t) => t.kind),
    ['voltage', 'current'],
  );
  const multi2 = ok('Discharge at 2 A until 3 V or 80% SOC or for 30 minutes');
  assert.deepEqual(
    multi2.terminations.map((t) => t.kind),
    ['voltage', 'soc'],
  );
  assert.equal(multi2.duration_s, 1800);
  assert.deepEqual(ok('Charge at 0.5C until 80% SOC').terminations, [{ kind: 'soc', soc: 0.8 }]);
  assert.deepEqual(ok('Discharge at 1C until 2 Ah').terminations, [{ kind: 'capacity', charge_C: 7200 }]);
  assert.deepEqual(ok('Discharge at 1C until 2 A.h').terminations, [{ kind: 'capacity', charge_C: 7200 }]);
  near((ok('Discharge at 1C until 500 mAh').terminations[0] as { charge_C: number }).charge_C, 1800);
  assert.deepEqual(ok('Hold at 4.3 V until 0.5 W').terminations, [{ kind: 'power', power_W: 0.5 }]);
  assert.deepEqual(ok('Hold at 4.3 V until 2 Ohm').terminations, [{ kind: 'resistance', resistance_ohm: 2 }]);
  assert.deepEqual(ok('Hold at 4.3 V until 500 mW or 1 A').terminations, [
    { kind: 'power', power_W: 0.5 },
    { kind: 'current', current_A: 1 },
  ]);
  near(
    (ok('Discharge at 0.1C until 150 mAh/g').terminations[0] as { charge_C_per_kg: number }).charge_C_per_kg,
    540000,
  );
  assert.deepEqual(ok('Run drive cycle from data/us06.csv as current').control, {
    mode: 'drive_cycle',
    source: 'data/us06.csv',
    quantity: 'current',
  });
  assert.deepEqual(ok("Run drive cycle from 'my profile.csv' as power for 1 hour").control, {
    mode: 'drive_cycle',
    source: 'my profile.csv',
    quantity: 'power',
  });
  near(ok('Rest for 1 hour at 25 °C').temperature_K!, 298.15, 1e-9);
  near(ok('Rest for 1 hour at 298.15 K').temperature_K!, 298.15, 1e-9);
  near(ok('Discharge at 2 Ohm for 10 minutes').duration_s!, 600);
  near((ok('Discharge at 500 mOhm for 1 minute').control as { resistance_ohm: number }).resistance_ohm, 0.5);
  near((ok('Hold at 4.2 V until 500 μA').terminations[0] as { current_A: number }).current_A, 5e-4);
  near((ok('Hold at 4.2 V until 500 µA').terminations[0] as { current_A: number }).current_A, 5e-4);
  near((ok('Charge at 0.5 W for 1 day').control as { power_W: number }).power_W, 0.5);
  assert.equal(ok('charge at 1C until 4.2 V').instruction, 'charge'); // case-insensitive instructions
});

test('experiment stops (PyBaMM termination=) and loop conditions', () => {
  const s = (x: string): unknown => {
    const r = parseStop(x);
    if (!r.ok) assert.fail(formatParseError(r.errors[0]!));
    return r.value;
  };
  assert.deepEqual(s('80% capacity'), { kind: 'capacity_fraction', fraction: 0.8 });
  assert.deepEqual(s('4 Ah capacity'), { kind: 'capacity', charge_C: 14400 });
  assert.deepEqual(s('4 A.h capacity'), { kind: 'capacity', charge_C: 14400 });
  assert.deepEqual(s('4Ah capacity'), { kind: 'capacity', charge_C: 14400 });
  assert.deepEqual(s('2.5 V'), { kind: 'voltage', voltage_V: 2.5 });
  assert.deepEqual(s('100 hours'), { kind: 'time', time_s: 360000 });
  assert.deepEqual(s('60 minutes'), { kind: 'time', time_s: 3600 });
  const c = parseLoopCondition('repeat until capacity < 80 %');
  assert.ok(c.ok, 'c.ok');
  assert.deepEqual(c.value, { kind: 'capacity_fraction', fraction: 0.8 });
  const c2 = parseLoopCondition('capacity < 2 Ah');
  assert.ok(
    c2.ok && c2.value.kind === 'capacity' && c2.value.charge_C === 7200,
    "c2.ok && c2.value.kind === 'capacity' && c2.value.charge_C === 7200",
  );
});

test('experiments: consecutive strings are one cycle, lists are one cycle, {repeat} is N cycles, {repeat_until} loops', () => {
  const r = parseExperiment({
    steps: [
      'Rest for 1 hour',
      ['Charge at 1C until 4.2 V', 'Hold at 4.2 V until C/50'],
      {
        repeat: 3,
        steps: ['Discharge at 1C until 3 V', { repeat: 2, steps: ['Rest for 1 minute', 'Charge at 1 A for 1 minute'] }],
      },
      { repeat_until: 'capacity < 80 %', steps: ['Charge at 1C until 4.2 V', 'Discharge at 1C until 3 V'] },
    ],
    termination: ['80% capacity', '1000 hours'],
    period: '10 seconds',
    temperature: '25oC',
  });
  assert.ok(r.ok, r.ok ? '' : r.errors.map(formatParseError).join('\n'));
  const e = r.value;
  assert.equal(e.blocks.length, 4);
  assert.deepEqual(
    e.blocks.map((b) => b.kind),
    ['cycles', 'cycles', 'cycles', 'loop'],
  );
  assert.deepEqual(
    e.blocks.map((b) => b.steps.length),
    [1, 2, 5, 2],
  );
  assert.equal(e.blocks[2]!.kind === 'cycles' && e.blocks[2]!.repeat, 3);
  assert.equal(e.blocks[2]!.steps.length, 5); // 1 + 2×2 expanded nested repeat
  assert.equal(e.period_s, 10);
  near(e.temperature_K!, 298.15, 1e-9);
  assert.equal(e.stops.length, 2);
  // a newline-separated string
  // consecutive top-level strings are one cycle (the recipe's plain list); groups start new cycles
  const t = parseExperiment('Charge at 1C until 4.2 V\n# comment\nDischarge at 1C until 3 V');
  assert.ok(
    t.ok && t.value.blocks.length === 1 && t.value.blocks[0]!.steps.length === 2,
    't.ok && t.value.blocks.length === 1 && t.value.blocks[0]!.steps.length === 2',
  );
  const u = parseExperiment([
    'Charge at 1C until 4.2 V',
    'Discharge at 1C until 3 V',
    { repeat: 3, steps: ['Rest for 1 hour'] },
    'Rest for 2 hours',
    'Rest for 3 hours',
  ]);
  assert.ok(u.ok, 'u.ok');
  if (u.ok)
    assert.deepEqual(
      u.value.blocks.map((b) => [b.kind === 'cycles' ? b.repeat : 0, b.steps.length]),
      [
        [1, 2],
        [3, 1],
        [1, 2],
      ],
    );
});

test('default experiment is the [0178] first-cycle protocol and checks the 4.25–4.4 V window', () => {
  const e = firstCycleProtocol(4.25);
  assert.equal(e.blocks.length, 1);
  const st = e.blocks[0]!.steps;
  assert.deepEqual(
    st.map((s) => s.control),
    [
      { mode: 'c_rate', c_rate: 0.1 },
      { mode: 'voltage', voltage_V: 4.25 },
      { mode: 'c_rate', c_rate: -0.1 },
    ],
  );
  assert.deepEqual(st[1]!.terminations, [{ kind: 'c_rate', c_rate: 0.02 }]);
  assert.deepEqual(st[2]!.terminations, [{ kind: 'voltage', voltage_V: 3 }]);
  assert.throws(
    () => firstCycleProtocol(4.5),
    /charge_cutoff_V: must be within the \[0178\] window 4.25–4.4 V \(got 4.5/,
  );
});

test('edit distance', () => {
  assert.equal(editDistance('Dischrge', 'Discharge'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
});

// ≥ 30 malformed strings with the expected message, 1-based column and suggestion
const BAD: [string, RegExp, number, RegExp?][] = [
  ['Dischrge at 1C for 1 hour', /unknown instruction 'Dischrge'/, 1, /did you mean 'Discharge'\?/],
  ['Chrage at 1C for 1 hour', /unknown instruction 'Chrage'/, 1, /did you mean 'Charge'\?/],
  ['Rset for 1 hour', /unknown instruction 'Rset'/, 1, /did you mean 'Rest'\?/],
  ['Hodl at 4.2 V for 1 hour', /unknown instruction 'Hodl'/, 1, /did you mean 'Hold'\?/],
  ['Fly at 1C for 1 hour', /unknown instruction 'Fly'/, 1, /instructions: Charge, Discharge, Hold, Rest, Run/],
  ['Charge 1C until 4.2 V', /expected 'at' after 'Charge', found '1'/, 8],
  [
    'Charge at C until 4.2 V',
    /expected a value with a unit after 'Charge at', found 'C'/,
    11,
    /a C-rate needs a number: write '1C' or 'C\/20'/,
  ],
  ['Discharge at fast for 1 hour', /expected a value with a unit/, 14, /e\.g\. '1 A', '0\.5C'/],
  ['Charge at 0.1 until 4.2 V', /missing unit after '0.1'/, 11, /write '0.1C' or '0.1 A' or '0.1 W'/],
  ['Charge at 1C until 4.2', /missing unit after '4.2' in the termination/, 20, /missing unit: write '4.2 V'/],
  ['Hold at 4.2 until 50 mA', /missing unit after '4.2'/, 9, /write '4.2 V'/],
  ['Charge at 1C for 30', /missing time unit after '30'/, 18, /'30 minutes'/],
  ['Charge at 1C for 30 minuts', /unknown time unit 'minuts'/, 21, /did you mean 'minutes?'\?/],
  ['Charge at 1 Amp for 1 hour', /unknown unit 'Amp'/, 13, /allowed units: C, A, mA/],
  ['Charge at 1 v for 1 hour', /unknown unit 'v'/, 13, /did you mean 'V'\?/],
  ['Charge at 1C untill 4.2 V', /unexpected 'untill'/, 14, /did you mean 'until'\?/],
  ['Charge at 1C fro 1 hour', /unexpected 'fro'/, 14, /did you mean 'for'\?/],
  ['Charge at 1C', /a step needs 'for <time>' or 'until <condition>'/, 13, /'Charge at 1C for 1 hour'/],
  ['Hold at 1 A for 1 hour', /'Hold' takes a voltage, got '1 A'/, 9, /Hold at 4.2 V/],
  ['Charge at 4.2 V for 1 hour', /'Charge' cannot be voltage-controlled/, 11, /Hold at 4.2 V until/],
  ['Charge at 2 Ohm for 1 hour', /'Charge' through a resistance is not possible/, 11, /Discharge at 2 Ohm/],
  ['Discharge at -1 A for 1 hour', /value must be > 0/, 14, /'Charge'\/'Discharge' gives the direction/],
  ['Discharge at 0 A for 1 hour', /value must be > 0/, 14],
  ['Charge at C/0 until 4.2 V', /C-rate divisor must be > 0/, 13],
  ['Charge at 1C until 80%', /'%' in a termination must be followed by 'SOC'/, 22, /write '80% SOC'/],
  ['Charge at 1C until 80% SCO', /'%' in a termination must be followed by 'SOC'/, 22, /did you mean 'SOC'\?/],
  ['Charge at 1C until 120% SOC', /SOC must be within 0–100 %/, 20],
  ['Charge at 1C until 1 hour', /a time after 'until'/, 20, /write 'for 1 hour'/],
  ['Charge at 1C until 4.2 V until 50 mA', /a second 'until'/, 26, /join terminations with 'or'/],
  ['Charge at 1C for 1 hour for 2 hours', /a second 'for' duration/, 25],
  ['Charge at 1C until 4.2 V or', /expected 'until' or 'for' after 'or'|expected a termination value/, 28],
  [
    'Charge at 1C until 2 parsecs',
    /unknown unit 'parsecs' in the termination/,
    22,
    /allowed: V, mV, A, mA, C, W, mW, Ohm, %, Ah, mAh, mAh\/g/,
  ],
  ['Charge at 1C until 5 kg', /unknown unit 'kg' in the termination/, 22],
  ['Rest for 1 hour at 25 C', /'C' after 'at' reads as a C-rate, not a temperature/, 23, /write '25 °C' or '25oC'/],
  ['Rest for 1 hour at 25 F', /unknown temperature unit 'F'/, 23],
  ['Rest for 1 hour at -300 oC', /temperature must be above absolute zero/, 20],
  ['Rest until 50 mA', /a rest has zero current/, 1, /Rest for <time>/],
  ['Hold at 4.2 V until 4.1 V', /a voltage hold cannot terminate on a voltage/, 1],
  ['Charge at 1C for 1 hour (1 minute)', /expected 'period'/, 34, /write '\(1 minute period\)'|did you mean/],
  ['Charge at 1C for 1 hour (1 minute period', /expected '\)' after 'period'/, 41],
  ['Charge at 1C until 4.3 V then until 0.02C', /expected 'hold' after 'then'/, 31],
  ['Charge at 1C until 80% SOC then hold until 0.02C', /'then hold' needs the hold voltage/, 33],
  ['Charge at 1C until 4.3 V then hold', /the hold needs 'until <current>' or 'for <time>'/, 35],
  ['Run drive cycle from us06.csv', /missing 'as current' or 'as power'/, 30],
  ['Run drive cycle from us06.csv as speed', /a drive cycle is applied 'as current'/, 34],
  ['Run US06 (X)', /expected '\(A\)', '\(W\)' or '\(V\)'/, 11],
  ['Charge at 1C until 4.2 V $', /unexpected character '\$'/, 26],
  ['', /empty step/, 1],
  ['4.2 V', /a step starts with an instruction, found '4.2'/, 1],
  ['Charge at 1C for 0 hours', /duration must be > 0/, 18],
];

test(`≥ 30 malformed strings give their message, column and suggestion (${BAD.length} cases)`, () => {
  assert.ok(BAD.length >= 30, 'BAD.length >= 30');
  for (const [s, msg, col, sug] of BAD) {
    const r = parseStep(s);
    assert.equal(r.ok, false, `${s} should not parse`);
    if (r.ok) continue;
    const e = r.errors[0]!;
    assert.match(e.message, msg, `${s}: message was "${e.message}"`);
    assert.equal(e.column, col, `${s}: column (message "${e.message}", text '${e.text}')`);
    if (sug) assert.match(e.suggestion ?? '', sug, `${s}: suggestion was "${e.suggestion}"`);
    assert.equal(e.input, s);
    assert.ok(!formatParseError(e).includes('NaN'), "!formatParseError(e).includes('NaN')");
  }
});

test('malformed experiments: errors carry the path; stops and loops are checked', () => {
  const r = parseExperiment({
    steps: [
      'Charge at 1C until 4.2 V',
      { repeat: 0, steps: ['Rest for 1 hour'] },
      ['Rest for 1 hour', 'Dischrge at 1C until 3 V'],
    ],
    termination: ['80 % capcity', '4 Wh capacity'],
  });
  assert.equal(r.ok, false);
  if (r.ok) return;
  const lines = r.errors.map(formatParseError);
  assert.equal(lines.length, 4, lines.join('\n'));
  assert.match(lines[0]!, /^experiment\[1\]\.repeat: .*must be an integer ≥ 1 \(got 0/);
  assert.match(
    lines[1]!,
    /^experiment\[2\]\[1\]: unknown instruction 'Dischrge' at column 1 .*did you mean 'Discharge'\?/,
  );
  assert.match(lines[2]!, /^experiment\.termination\[0\]: expected 'capacity'.*did you mean 'capacity'\?/);
  assert.match(lines[3]!, /^experiment\.termination\[1\]: unknown unit 'Wh'/);
  const l = parseLoopCondition('capacity > 80 %');
  assert.ok(
    !l.ok && /expected '<' after 'capacity'/.test(l.errors[0]!.message) && l.errors[0]!.column === 10,
    "!l.ok && /expected '<' after 'capacity'/.test(l.errors[0]!.message) && l.errors[0]!.colum…",
  );
  const l2 = parseExperiment([{ repeat_until: 'capcity < 80 %', steps: ['Rest for 1 hour'] }]);
  assert.ok(
    !l2.ok && /did you mean 'capacity'/.test(formatParseError(l2.errors[0]!)),
    "!l2.ok && /did you mean 'capacity'/.test(formatParseError(l2.errors[0]!))",
  );
  const e3 = parseExperiment([]);
  assert.ok(
    !e3.ok && /must be a non-empty list/.test(e3.errors[0]!.message),
    '!e3.ok && /must be a non-empty list/.test(e3.errors[0]!.message)',
  );
  const e4 = parseExperiment({ steps: ['Rest for 1 hour'], period: '1 fortnight' });
  assert.ok(
    !e4.ok && /unknown time unit 'fortnight'/.test(e4.errors[0]!.message) && e4.errors[0]!.path === 'experiment.period',
    "!e4.ok && /unknown time unit 'fortnight'/.test(e4.errors[0]!.message) && e4.errors[0]!.pa…",
  );
});

test('formatStep gives canonical strings that parse back to the same AST', () => {
  const all = [
    ...PYBAMM.map(([s]) => s),
    'Charge at 0.1C until 4.3 V then hold until 0.02C',
    'Charge at 1 A until 4.2 V then hold at 4.15 V until 50 mA or for 2 hours',
    'Discharge at 2 A until 3 V or 80% SOC or for 30 minutes',
    'Discharge at 0.1C until 150 mAh/g',
    'Discharge at 1C until 2 Ah',
    'Hold at 4.3 V until 0.5 W or 2 Ohm',
    "Run drive cycle from 'my profile.csv' as power for 1 hour",
    'Rest for 1 hour at 25 °C',
  ];
  for (const s of all) {
    const a = ok(s);
    const f = formatStep(a);
    const b = ok(f);
    assert.deepEqual({ ...b, text: '' }, { ...a, text: '' }, `${s} → ${f}`);
  }
  assert.equal(
    formatStep(ok('Charge at 0.1C until 4.3 V then hold until 0.02C')),
    'Charge at 0.1C until 4.3 V then hold at 4.3 V until 0.02C',
  );
});

test('fuzz: mutated step strings never throw and never give a non-finite number', () => {
  // deterministic LCG (seeded) mutations of valid strings: deletions, insertions, swaps, truncations
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const alphabet = 'abcCVAWmhs0123456789./%() -°Ωuntilforatholdthen';
  const base = [
    ...PYBAMM.map(([s]) => s),
    'Charge at 0.1C until 4.3 V then hold until 0.02C',
    'Discharge at 2 A until 3 V or 80% SOC or for 30 minutes',
  ];
  const finite = (x: unknown): boolean => {
    if (typeof x === 'number') return Number.isFinite(x);
    if (x && typeof x === 'object') return Object.values(x).every(finite);
    return true;
  };
  let parsed = 0;
  for (let k = 0; k < 3000; k++) {
    let s = base[Math.floor(rnd() * base.length)]!;
    const edits = 1 + Math.floor(rnd() * 3);
    for (let e = 0; e < edits; e++) {
      const i = Math.floor(rnd() * (s.length + 1));
      const op = rnd();
      if (op < 0.35) s = s.slice(0, i) + s.slice(i + 1);
      else if (op < 0.7) s = s.slice(0, i) + alphabet[Math.floor(rnd() * alphabet.length)]! + s.slice(i);
      else if (op < 0.9 && i < s.length - 1) s = s.slice(0, i) + s[i + 1]! + s[i]! + s.slice(i + 2);
      else s = s.slice(0, i);
    }
    const r = parseStep(s);
    if (r.ok) {
      parsed++;
      assert.ok(finite(r.value), `${s} → ${JSON.stringify(r.value)}`);
      assert.ok(
        r.value.terminations.length > 0 ||
          r.value.duration_s !== undefined ||
          r.value.control.mode === 'drive_cycle' ||
          r.value.cv !== undefined,
        s,
      );
    } else {
      const e = r.errors[0]!;
      assert.ok(e.column >= 1 && e.column <= s.length + 1, `${s}: column ${e.column}`);
      assert.ok(e.message.length > 0 && !/undefined|NaN/.test(formatParseError(e)), `${s}: ${formatParseError(e)}`);
    }
  }
  assert.ok(parsed > 100 && parsed < 3000, `${parsed} of 3000 mutations parsed`);
});

test('experimentFromCli: steps as one cycle, --current-profile as a drive-cycle step, default [0178] protocol', async () => {
  const { experimentFromCli } = await import('../../src/cycler/index.ts');
  const d = experimentFromCli([]);
  assert.ok(
    d.ok && d.value.blocks[0]!.steps.length === 3 && d.value.blocks[0]!.steps[1]!.control.mode === 'voltage',
    'd.ok && d.value.blocks[0]!.steps.length === 3 && d.value.blocks[0]!.steps[1]!.control.mod…',
  );
  const e = experimentFromCli(['Rest for 1 minute', 'Discharge at 1C until 3 V'], 'data/my profile.csv');
  assert.ok(e.ok, 'e.ok');
  if (e.ok) {
    assert.equal(e.value.blocks.length, 1);
    assert.deepEqual(
      e.value.blocks[0]!.steps.map((s) => s.control.mode),
      ['rest', 'c_rate', 'drive_cycle'],
    );
    assert.deepEqual(e.value.blocks[0]!.steps[2]!.control, {
      mode: 'drive_cycle',
      source: 'data/my profile.csv',
      quantity: 'current',
    });
  }
  const bad = experimentFromCli(['Rest for 1 minute', 'Dischrge at 1C until 3 V']);
  assert.ok(
    !bad.ok &&
      bad.errors[0]!.path === '--experiment #2' &&
      /did you mean 'Discharge'/.test(formatParseError(bad.errors[0]!)),
    "!bad.ok && bad.errors[0]!.path === '--experiment #2' && /did you mean 'Discharge'/.test(f…",
  );
});

test('a step start_time: strict ISO 8601 (no zone = UTC) or Unix seconds; a day that does not exist or a loose date is refused', () => {
  const start = (t: unknown) => parseExperiment([{ string: 'Rest for 1 hour', start_time: t }]);
  const at = (t: unknown): number | undefined => {
    const r = start(t);
    assert.ok(r.ok, r.ok ? '' : r.errors.map(formatParseError).join('\n'));
    return r.value.blocks[0]!.steps[0]!.startTime_s;
  };
  assert.equal(at('2023-01-01T08:00:00'), 1672560000);
  assert.equal(at('2023-01-01T09:00:00+01:00'), 1672560000);
  assert.equal(at(1672560000), 1672560000);
  assert.equal(at('0001-01-01T09:00:00'), -62135564400); // datetime(1, 1, 1, 9, 0, 0) of PyBaMM's examples
  // Date.parse took these: 2 March, 2001-03-07, 2001-01-01
  for (const bad of ['2023-02-30T08:00:00', 'March 7', '1', '2023-01-01T25:00:00']) {
    const r = start(bad);
    assert.ok(!r.ok, bad);
    assert.match(formatParseError(r.errors[0]!), /start_time.*should be a date-time \(ISO 8601/, bad);
  }
});

test('a number that overflows to Infinity (1e999) is a parse error at its column, not an infinite C-rate or duration', () => {
  // before: `Discharge at 1e999 C until 3 V` parsed (c_rate −Infinity) and `rollcell cycle` exited 0 after
  // "experiment time limit Infinity s reached"
  for (const [s, col] of [
    ['Discharge at 1e999 C until 3 V', 14],
    ['Charge at -1e999 A until 4.2 V', 12],
    ['Rest for 1e999 seconds', 10],
    ['Discharge at 1C until 1e999 V', 23],
  ] as const) {
    const r = parseStep(s);
    assert.ok(!r.ok, s);
    if (!r.ok) {
      assert.match(r.errors[0]!.message, /too large \(overflows to Infinity\)/, s);
      assert.equal(r.errors[0]!.column, col, s);
    }
  }
  assert.ok(parseStep('Discharge at 1e300 C until 3 V').ok, "parseStep('Discharge at 1e300 C until 3 V').ok"); // finite: the step's own limits judge it
});
