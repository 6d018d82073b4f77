import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileExpression, ExpressionError } from '../../src/electrochem/expr.ts';
import { BpxError, parseBpx, parseBpxText, tableFunction } from '../../src/electrochem/bpx.ts';
import { ocvAtSoc, socAtOcv, stoichiometricCapacity_C } from '../../src/electrochem/liquid/index.ts';

const BPX_TEXT = readFileSync(new URL('./fixtures/nmc_pouch_cell_BPX.json', import.meta.url), 'utf8');
const doc = (): Record<string, any> => JSON.parse(BPX_TEXT) as Record<string, any>;

const ev = (src: string, vars: Record<string, number> = {}): number => {
  const names = Object.keys(vars);
  return compileExpression(src, names).evaluate(Float64Array.from(names.map((k) => vars[k]!)));
};

test('expression parser: precedence, associativity, unary minus and functions as in Python', () => {
  assert.equal(ev('1 + 2 * 3'), 7);
  assert.equal(ev('(1 + 2) * 3'), 9);
  assert.equal(ev('2 ** 3 ** 2'), 512); // right-associative
  assert.equal(ev('2 ^ 3'), 8);
  assert.equal(ev('-2 ** 2'), -4); // unary minus binds looser than **
  assert.equal(ev('2 ** -1'), 0.5);
  assert.equal(ev('8 / 4 / 2'), 1);
  assert.equal(ev('1 - 2 - 3'), -4);
  assert.equal(ev('1e-3 * 2E+2'), 0.2);
  assert.ok(Math.abs(ev('exp(log(3)) + sqrt(16) + tanh(0) + cosh(0) + sinh(0) + abs(-2)') - 10) < 1e-12);
  assert.equal(ev('pow(2, 10) + min(3, 4) + max(3, 4)'), 1024 + 7);
  assert.ok(Math.abs(ev('x * (1 - x)', { x: 0.25 }) - 0.1875) < 1e-15);
  // the BPX entropic coefficient of the NMC file
  const x = 0.3;
  const want = (-0.1112 * x + 0.02914 + 0.3561 * Math.exp(-((x - 0.08309) ** 2) / 0.004616)) / 1000;
  assert.ok(
    Math.abs(ev('(-0.1112 * x + 0.02914 + 0.3561 * exp(-((x - 0.08309) ** 2) / 0.004616)) / 1000', { x }) - want) <
      1e-18,
  );
});

test('compiled BPX expressions equal the same formulas written in TypeScript', () => {
  const un = compileExpression(
    '9.47057878e-01 * exp(-1.59418743e+02  * x) - 3.50928033e+04 + 1.64230269e-01 * tanh(-4.55509094e+01 * (x - 3.24116012e-02 )) + 3.69968491e-02 * tanh(-1.96718868e+01 * (x - 1.68334476e-01)) + 1.91517003e+04 * tanh(3.19648312e+00 * (x - 1.85139824e+00)) + 5.42448511e+04 * tanh(-3.19009848e+00 * (x - 2.01660395e+00))',
    ['x'],
  ).evaluate;
  const unRef = (x: number): number =>
    9.47057878e-1 * Math.exp(-1.59418743e2 * x) -
    3.50928033e4 +
    1.64230269e-1 * Math.tanh(-4.55509094e1 * (x - 3.24116012e-2)) +
    3.69968491e-2 * Math.tanh(-1.96718868e1 * (x - 1.68334476e-1)) +
    1.91517003e4 * Math.tanh(3.19648312 * (x - 1.85139824)) +
    5.42448511e4 * Math.tanh(-3.19009848 * (x - 2.01660395));
  const ka = compileExpression('0.1297 * (x / 1000) ** 3 - 2.51 * (x / 1000) ** 1.5 + 3.329 * (x / 1000)', [
    'x',
  ]).evaluate;
  const kaRef = (c: number): number => 0.1297 * (c / 1000) ** 3 - 2.51 * (c / 1000) ** 1.5 + 3.329 * (c / 1000);
  const mixed = compileExpression('2 * x * x - sqrt(x) / (1 + x) + max(x, 0.5)', ['x']).evaluate; // not a term sum: interpreter
  for (let i = 0; i <= 100; i++) {
    const x = i / 100;
    assert.ok(Math.abs(un(Float64Array.of(x)) - unRef(x)) < 1e-9, `U_n(${x})`);
    const c = 100 + 30 * i;
    assert.ok(Math.abs(ka(Float64Array.of(c)) - kaRef(c)) < 1e-12, `κ(${c})`);
    assert.ok(Math.abs(mixed(Float64Array.of(x)) - (2 * x * x - Math.sqrt(x) / (1 + x) + Math.max(x, 0.5))) < 1e-15);
  }
  // two variables (c_e and T) use the general evaluator
  const two = compileExpression('1e-10 * exp(-2000 * (1 / T - 1 / 298.15)) * (c_e / 1000)', ['c_e', 'T']).evaluate;
  assert.ok(Math.abs(two(Float64Array.of(1000, 298.15)) - 1e-10) < 1e-24);
});

test('expression parser rejects what it does not understand, naming the field', () => {
  assert.throws(
    () => compileExpression('x +', ['x'], 'F.OCP [V]'),
    (e: unknown) => e instanceof ExpressionError && /F\.OCP \[V\]: unexpected end/.test(e.message),
  );
  assert.throws(
    () => compileExpression('foo(x)', ['x'], 'F.OCP'),
    /F\.OCP: unknown function in "foo\(x\)" \(got 'foo'; allowed exp, /,
  );
  assert.throws(() => compileExpression('y * 2', ['x'], 'F.OCP'), /F\.OCP: unknown variable .*\(got 'y'; allowed x/);
  assert.throws(() => compileExpression('x; process.exit()', ['x'], 'F'), /F: unexpected character .*\(got ';'/);
  assert.throws(() => compileExpression('(x + 1', ['x'], 'F'), /F: expected '\)'/);
  assert.throws(() => compileExpression('min(x)', ['x'], 'F'), /F: function min takes 2 arguments \(got 1\)/);
});

test('tables interpolate linearly and extrapolate linearly', () => {
  const f = tableFunction(Float64Array.from([0, 1, 3]), Float64Array.from([0, 2, 6]));
  assert.equal(f(0.5), 1);
  assert.equal(f(2), 4);
  assert.equal(f(4), 8);
  assert.equal(f(-1), -2);
});

test('the About:Energy NMC BPX file converts to SI parameters', () => {
  const p = parseBpxText(BPX_TEXT);
  assert.equal(p.bpxVersion, '0.1.0');
  assert.equal(p.cell.electrodePairs, 34);
  assert.equal(p.cell.nominalCapacity_Ah, 12.5);
  assert.equal(p.electrolyte.initialConcentration_mol_m3, 1000);
  // ε_s = a·R/3 (BPX convention)
  assert.ok(Math.abs(p.negative.activeFraction - (499522 * 4.12e-6) / 3) < 1e-12);
  assert.ok(Math.abs(p.positive.activeFraction - (432072 * 4.6e-6) / 3) < 1e-12);
  // electrolyte conductivity at 1 M: 0.1297 − 2.51 + 3.329 S/m
  assert.ok(Math.abs(p.electrolyte.conductivity(1000, 298.15) - (0.1297 - 2.51 + 3.329)) < 1e-12);
  // electrolyte diffusivity at 1 M
  assert.ok(Math.abs(p.electrolyte.diffusivity(1000, 298.15) - (8.794e-11 - 3.972e-10 + 4.862e-10)) < 1e-22);
  // the stoichiometry window spans the 2.7–4.2 V cut-offs of the file
  assert.ok(Math.abs(ocvAtSoc(p, 1) - 4.2) < 0.005, `OCV(SOC 1) = ${ocvAtSoc(p, 1)}`);
  assert.ok(Math.abs(ocvAtSoc(p, 0) - 2.7) < 0.005, `OCV(SOC 0) = ${ocvAtSoc(p, 0)}`);
  // balanced electrodes: the stoichiometric capacity is 13.19 Ah (nominal 12.5 Ah)
  assert.ok(Math.abs(stoichiometricCapacity_C(p) / 3600 - 13.187) < 0.01);
  // the file's own Validation section
  const v = p.validation!['1C discharge']!;
  assert.equal(v.t_s.length, 38);
  assert.equal(v.I_A[0], -12.5);
  assert.equal(v.T_K![0], 298.15);
  const soc = socAtOcv(p, 3.7);
  assert.ok(Math.abs(ocvAtSoc(p, soc) - 3.7) < 1e-9);
});

test('BPX 1.0 State placement of initial conditions and thermal state is read', () => {
  const d = doc();
  delete d['Parameterisation'].Cell['Ambient temperature [K]'];
  delete d['Parameterisation'].Cell['Initial temperature [K]'];
  delete d['Parameterisation'].Electrolyte['Initial concentration [mol.m-3]'];
  d['State'] = {
    'Initial conditions': {
      'Initial state-of-charge': 0.4,
      'Initial temperature [K]': 300,
      'Initial electrolyte concentration [mol.m-3]': 1100,
    },
    'Thermal state': { 'Ambient temperature [K]': 295, 'Heat transfer coefficient [W.m-2.K-1]': 12 },
  };
  const p = parseBpx(d);
  assert.equal(p.initialSoc, 0.4);
  assert.equal(p.cell.initialTemperature_K, 300);
  assert.equal(p.cell.ambientTemperature_K, 295);
  assert.equal(p.cell.heatTransferCoefficient_W_m2K, 12);
  assert.equal(p.electrolyte.initialConcentration_mol_m3, 1100);
});

test('BPX errors name the field, the bad value and what is allowed', () => {
  const cases: Array<[(d: Record<string, any>) => void, RegExp]> = [
    [
      (d) => delete d['Parameterisation']['Negative electrode']['Thickness [m]'],
      /Parameterisation\.Negative electrode\.Thickness \[m\]: missing/,
    ],
    [
      (d) => (d['Parameterisation']['Positive electrode']['Porosity'] = 1.5),
      /Parameterisation\.Positive electrode\.Porosity: out of range \(got 1\.5; allowed > 0 and ≤ 1\)/,
    ],
    [
      (d) => (d['Parameterisation']['Separator']['Thickness [m]'] = 'thin'),
      /Parameterisation\.Separator\.Thickness \[m\]: must be a finite number \(got "thin"; allowed a finite number\)/,
    ],
    [
      (d) => (d['Parameterisation']['Negative electrode']['OCP [V]'] = '0.1 * sin(x)'),
      /Parameterisation\.Negative electrode\.OCP \[V\]: unknown function .*\(got 'sin'/,
    ],
    [
      (d) => (d['Parameterisation']['Electrolyte']['Conductivity [S.m-1]'] = '1 + c'),
      /Parameterisation\.Electrolyte\.Conductivity \[S\.m-1\]: unknown variable .*\(got 'c'/,
    ],
    [
      (d) => (d['Parameterisation']['Positive electrode']['OCP [V]'] = { x: [0, 1], y: [4] }),
      /Parameterisation\.Positive electrode\.OCP \[V\]: x and y must have the same length \(got 2 and 1; allowed equal lengths\)/,
    ],
    [
      (d) => (d['Parameterisation']['Positive electrode']['OCP [V]'] = { x: [0, 0.5, 0.4], y: [4, 3.9, 3.8] }),
      /Parameterisation\.Positive electrode\.OCP \[V\]\.x\[2\]: must be strictly increasing/,
    ],
    [
      (d) => (d['Parameterisation']['Negative electrode']['Particle'] = {}),
      /Parameterisation\.Negative electrode\.Particle: blended electrodes .* not supported/,
    ],
    [
      (d) => (d['Parameterisation']['Cell']['Colour'] = 'red'),
      /Parameterisation\.Cell\.Colour: unsupported or unknown BPX field/,
    ],
    [(d) => (d['Header']['BPX'] = '2.0.0'), /Header\.BPX: unsupported version \(got 2\.0\.0; allowed 0\.x and 1\.x\)/],
    [(d) => delete d['Parameterisation']['Separator'], /Parameterisation\.Separator: missing/],
    [
      (d) => (d['Parameterisation']['Negative electrode']['Minimum stoichiometry'] = 0.9),
      /Parameterisation\.Negative electrode\.Maximum stoichiometry: must be > Minimum stoichiometry/,
    ],
    [
      (d) => (d['Parameterisation']['Negative electrode']['Surface area per unit volume [m-1]'] = 2e6),
      /Surface area per unit volume \[m-1\]: active fraction a·R\/3 plus porosity exceeds 1 \(got a·R\/3 = /,
    ],
    [
      (d) => d['Validation']['1C discharge']['Voltage [V]'].pop(),
      /Validation\.1C discharge\.Voltage \[V\]: must have the length of Time \[s\] \(got 37; allowed 38\)/,
    ],
    [
      (d) => (d['Validation']['C/20 discharge']['Current [A]'][3] = 'x'),
      /Validation\.C\/20 discharge\.Current \[A\]\[3\]: must be a finite number/,
    ],
  ];
  for (const [mutate, re] of cases) {
    const d = doc();
    mutate(d);
    assert.throws(
      () => parseBpx(d),
      (e: unknown) => e instanceof BpxError && re.test(e.message),
      `expected ${re}`,
    );
  }
  assert.throws(() => parseBpxText('{"Header": '), /BPX: not valid JSON/);
});
