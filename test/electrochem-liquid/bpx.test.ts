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
  assert.ok(
    Math.abs(ev('exp(log(3)) + sqrt(16) + tanh(0) + cosh(0) + sinh(0) + abs(-2)') - 10) < 1e-12,
    "Math.abs(ev('exp(log(3)) + sqrt(16) + tanh(0) + cosh(0) + sinh(0) + abs(-2)') - 10) < 1e-…",
  );
  assert.equal(ev('pow(2, 10) + min(3, 4) + max(3, 4)'), 1024 + 7);
  assert.ok(
    Math.abs(ev('x * (1 - x)', { x: 0.25 }) - 0.1875) < 1e-15,
    "Math.abs(ev('x * (1 - x)', { x: 0.25 }) - 0.1875) < 1e-15",
  );
  // the BPX entropic coefficient of the NMC file
  const x = 0.3;
  const want = (-0.1112 * x + 0.02914 + 0.3561 * Math.exp(-((x - 0.08309) ** 2) / 0.004616)) / 1000;
  assert.ok(
    Math.abs(ev('(-0.1112 * x + 0.02914 + 0.3561 * exp(-((x - 0.08309) ** 2) / 0.004616)) / 1000', { x }) - want) <
      1e-18,
    "Math.abs(ev('(-0.1112 * x + 0.02914 + 0.3561 * exp(-((x - 0.08309) ** 2) / 0.004616)) / 1…",
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
    assert.ok(
      Math.abs(mixed(Float64Array.of(x)) - (2 * x * x - Math.sqrt(x) / (1 + x) + Math.max(x, 0.5))) < 1e-15,
      'Math.abs(mixed(Float64Array.of(x)) - (2 * x * x - Math.sqrt(x) / (1 + x) + Math.max(x, 0.…',
    );
  }
  // two variables (c_e and T) use the general evaluator
  const two = compileExpression('1e-10 * exp(-2000 * (1 / T - 1 / 298.15)) * (c_e / 1000)', ['c_e', 'T']).evaluate;
  assert.ok(
    Math.abs(two(Float64Array.of(1000, 298.15)) - 1e-10) < 1e-24,
    'Math.abs(two(Float64Array.of(1000, 298.15)) - 1e-10) < 1e-24',
  );
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
  assert.ok(
    Math.abs(p.negative.activeFraction - (499522 * 4.12e-6) / 3) < 1e-12,
    'Math.abs(p.negative.activeFraction - (499522 * 4.12e-6) / 3) < 1e-12',
  );
  assert.ok(
    Math.abs(p.positive.activeFraction - (432072 * 4.6e-6) / 3) < 1e-12,
    'Math.abs(p.positive.activeFraction - (432072 * 4.6e-6) / 3) < 1e-12',
  );
  // electrolyte conductivity at 1 M: 0.1297 − 2.51 + 3.329 S/m
  assert.ok(
    Math.abs(p.electrolyte.conductivity(1000, 298.15) - (0.1297 - 2.51 + 3.329)) < 1e-12,
    'Math.abs(p.electrolyte.conductivity(1000, 298.15) - (0.1297 - 2.51 + 3.329)) < 1e-12',
  );
  // electrolyte diffusivity at 1 M
  assert.ok(
    Math.abs(p.electrolyte.diffusivity(1000, 298.15) - (8.794e-11 - 3.972e-10 + 4.862e-10)) < 1e-22,
    'Math.abs(p.electrolyte.diffusivity(1000, 298.15) - (8.794e-11 - 3.972e-10 + 4.862e-10)) <…',
  );
  // the stoichiometry window spans the 2.7–4.2 V cut-offs of the file
  assert.ok(Math.abs(ocvAtSoc(p, 1) - 4.2) < 0.005, `OCV(SOC 1) = ${ocvAtSoc(p, 1)}`);
  assert.ok(Math.abs(ocvAtSoc(p, 0) - 2.7) < 0.005, `OCV(SOC 0) = ${ocvAtSoc(p, 0)}`);
  // balanced electrodes: the stoichiometric capacity is 13.19 Ah (nominal 12.5 Ah)
  assert.ok(
    Math.abs(stoichiometricCapacity_C(p) / 3600 - 13.187) < 0.01,
    'Math.abs(stoichiometricCapacity_C(p) / 3600 - 13.187) < 0.01',
  );
  // the file's own Validation section
  const v = p.validation!['1C discharge']!;
  assert.equal(v.t_s.length, 38);
  assert.equal(v.I_A[0], -12.5);
  assert.equal(v.T_K![0], 298.15);
  const soc = socAtOcv(p, 3.7);
  assert.ok(Math.abs(ocvAtSoc(p, soc) - 3.7) < 1e-9, 'Math.abs(ocvAtSoc(p, soc) - 3.7) < 1e-9');
});

/** the fixture as a BPX 1.x document: State instead of the v0.x Cell temperatures and electrolyte concentration */
function v1(): Record<string, any> {
  const d = doc();
  d['Header']['BPX'] = '1.0.0';
  delete d['Parameterisation'].Cell['Ambient temperature [K]'];
  delete d['Parameterisation'].Cell['Initial temperature [K]'];
  delete d['Parameterisation'].Cell['Thermal conductivity [W.m-1.K-1]'];
  delete d['Parameterisation'].Electrolyte['Initial concentration [mol.m-3]'];
  return d;
}

test('BPX 1.x State (Initial conditions, Thermal environment) is read; every State field is optional', () => {
  const d = v1();
  d['State'] = {
    'Initial conditions': {
      'Initial state-of-charge': 0.4,
      'Initial temperature [K]': 300,
      'Initial electrolyte concentration [mol.m-3]': 1100,
    },
    'Thermal environment': { 'Ambient temperature [K]': 318, 'Heat transfer coefficient [W.m-2.K-1]': 12 },
  };
  const p = parseBpx(d);
  assert.equal(p.initialSoc, 0.4);
  assert.equal(p.cell.initialTemperature_K, 300);
  assert.equal(p.cell.ambientTemperature_K, 318);
  assert.equal(p.cell.heatTransferCoefficient_W_m2K, 12);
  assert.equal(p.electrolyte.initialConcentration_mol_m3, 1100);
  // no State at all: PyBaMM's defaults — temperatures at the reference temperature, 1 M, no SOC
  const q = parseBpx(v1());
  assert.equal(q.initialSoc, undefined);
  assert.equal(q.cell.ambientTemperature_K, 298.15);
  assert.equal(q.electrolyte.initialConcentration_mol_m3, 1000);
  // a v0.x file is converted as the reference does: its synthesised SOC 1 is not the file's own state
  const o = parseBpx(doc());
  assert.equal(o.initialSoc, undefined);
  assert.ok(
    o.warnings!.some((w) => /legacy BPX v0/.test(w)),
    'o.warnings!.some((w) => /legacy BPX v0/.test(w))',
  );
});

test("what the reference validator refuses is a BpxError with the validator's field path", () => {
  const cases: Array<[(d: Record<string, any>) => void, RegExp]> = [
    [
      (d) => delete d['Parameterisation']['Negative electrode']['Thickness [m]'],
      /Parameterisation\.Negative electrode\.Thickness \[m\]: Field required/,
    ],
    [
      (d) => (d['Parameterisation']['Separator']['Thickness [m]'] = 'thin'),
      /Parameterisation\.Separator\.Thickness \[m\]: Input should be a valid number.*\(got "thin"/,
    ],
    [
      (d) => (d['Parameterisation']['Electrolyte']['Conductivity [S.m-1]'] = '1 + c'),
      /Parameterisation\.Electrolyte\.Conductivity \[S\.m-1\]: Value error, Invalid Function/,
    ],
    [
      (d) => (d['Parameterisation']['Positive electrode']['OCP [V]'] = { x: [0, 1], y: [4] }),
      /Parameterisation\.Positive electrode\.OCP \[V\]\.y: Value error, x & y should be same length/,
    ],
    [
      (d) => (d['Parameterisation']['Cell']['Colour'] = 'red'),
      /Parameterisation\.Cell\.Colour: Extra inputs are not permitted/,
    ],
    [(d) => delete d['Parameterisation']['Separator'], /Parameterisation\.Separator: Field required/],
    [
      (d) => (d['Parameterisation']['Electrolyte']['Thermodynamic factor'] = 1),
      /Parameterisation\.Electrolyte\.Thermodynamic factor: Extra inputs are not permitted/,
    ],
    [
      (d) => (d['Validation']['C/20 discharge']['Current [A]'][3] = 'x'),
      /Validation\.C\/20 discharge\.Current \[A\]\.3: Input should be a valid number/,
    ],
  ];
  for (const [mutate, re] of cases) {
    const d = v1();
    mutate(d);
    assert.throws(
      () => parseBpx(d),
      (e: unknown) => e instanceof BpxError && re.test(e.message),
      `expected ${re}`,
    );
  }
  assert.throws(() => parseBpxText('{"Header": '), /BPX: not valid JSON/);
});

test('what the standard accepts but the physics doubts is a warning; what a model cannot run with is refused by the model', async () => {
  const { createLiquidModel } = await import('../../src/electrochem/liquid/index.ts');
  // a·R/3 + ε > 1: accepted by BPX and PyBaMM (18 of PyBaMM's test documents), a warning here
  const d = v1();
  d['Parameterisation']['Negative electrode']['Surface area per unit volume [m-1]'] = 600000;
  const p = parseBpx(d);
  assert.ok(
    p.warnings!.some((w) => /Negative electrode: active material a·R\/3 = .* > 1/.test(w)),
    'p.warnings!.some((w) => /Negative electrode: active material a·R\\/3 = .* > 1/.test(w))',
  );
  createLiquidModel(p, { model: 'spm' });
  // porosity 1.5 and an empty stoichiometry window: the standard accepts them, the DFN cannot run them
  const q = v1();
  q['Parameterisation']['Positive electrode']['Porosity'] = 1.5;
  q['Parameterisation']['Negative electrode']['Minimum stoichiometry'] = 0.9;
  const pq = parseBpx(q);
  assert.throws(
    () => createLiquidModel(pq, { model: 'dfn' }),
    (e: unknown) =>
      e instanceof Error &&
      /Parameterisation\.Positive electrode\.Porosity: not a value the dfn can run with \(got 1\.5; allowed 0 < value < 1\)/.test(
        e.message,
      ) &&
      /Parameterisation\.Negative electrode\.Maximum stoichiometry: .*\(got 0\.75668; allowed 0\.9 < value ≤ 1\)/.test(
        e.message,
      ),
  );
  // an SPM set runs the SPM, and says why not the DFN
  const spm = parseBpx(
    JSON.parse(
      readFileSync(new URL('../conformance/corpora/bpx/examples/nmc_pouch_cell_BPX_SPM.json', import.meta.url), 'utf8'),
    ),
  );
  assert.equal(spm.fullSet, false);
  createLiquidModel(spm, { model: 'spm' });
  assert.throws(() => createLiquidModel(spm, { model: 'dfn' }), /an SPM parameter set .* cannot run the dfn/);
});
