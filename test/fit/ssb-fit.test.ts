import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseJobRecipe, recipeCellParams } from '../../src/pipeline.ts';
import { fadeModel, rateModel, ssbFitProblem, withModelParameters } from '../../src/fit/ssb.ts';
import { levenbergMarquardt } from '../../src/fit/lm.ts';
import { fisherAnalysis } from '../../src/fit/stats.ts';
import { toInternal } from '../../src/fit/types.ts';
import { AGEING_PARAMETER_IDS } from '../../src/electrochem/ssb/ageing-data.ts';
import { AGEING_PARAMETER_FIELDS } from '../../src/recipe/schema.ts';
import { rateParameters } from '../../src/cycler/rate.ts';
import { ProblemError } from '../../src/problems.ts';
import type { FadeData, RateData } from '../../src/fit/data.ts';

const RECIPE = readFileSync(new URL('../../examples/patent-line.yaml', import.meta.url), 'utf8');
const load = (sets: { path: string; value: unknown }[] = []) => {
  const r = parseJobRecipe(RECIPE, { stages: { production: false, battery: false }, overrides: sets });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  return r.recipe;
};
const CUT = { chargeCutoff_V: 4.3, dischargeCutoff_V: 3.0 };

/** a fit of the contact-loss magnitude to one fade file f.csv with the given metadata lines and points */
const fadeProblem = (
  cell: ReturnType<typeof recipeCellParams>,
  meta: Record<string, string>,
  cycle: number[],
  retention_pct: number[],
) =>
  ssbFitProblem({
    cell,
    parameters: [{ name: 'ageing.cathode_contact_lambda', lower: 2, upper: 8 }],
    fades: [
      {
        name: 'f',
        data: {
          kind: 'fade',
          source: 'f.csv',
          cycle: Float64Array.from(cycle),
          retention_pct: Float64Array.from(retention_pct),
          meta,
        },
      },
    ],
    rates: [],
    ...CUT,
    ageingCRate: 0.33,
  });

test("the recipe's ageing parameter fields are the ageing model's parameter ids", () => {
  assert.deepEqual([...AGEING_PARAMETER_FIELDS], [...AGEING_PARAMETER_IDS]);
});

test('recipe cycling.model_parameters reach the cell model (set with --set): the rate test changes', () => {
  const base = recipeCellParams(load());
  const set = recipeCellParams(
    load([
      { path: 'cycling.model_parameters.rate.cathode_Ds_um2_s', value: 8e-3 },
      { path: 'cycling.model_parameters.ageing.cathode_contact_lambda', value: 5 },
    ]),
  );
  assert.equal(rateParameters(set).find((q) => q.id === 'cathode_Ds')!.nominal, 8e-15);
  assert.equal(set.ageing.values.cathode_contact_lambda, 5);
  assert.notEqual(base.ageing.values.cathode_contact_lambda, 5);
  const rates = Float64Array.from([0.1, 1, 2]);
  // a faster cathode keeps more capacity at 2C
  assert.ok(
    rateModel(set, rates, CUT)[2]! > rateModel(base, rates, CUT)[2]! + 1,
    'rateModel(set, rates, CUT)[2]! > rateModel(base, rates, CUT)[2]! + 1',
  );
  // an unknown model parameter is the recipe's error
  const bad = parseJobRecipe(RECIPE, {
    stages: { production: false, battery: false },
    overrides: [{ path: 'cycling.model_parameters.ageing.nonsense', value: 1 }],
  });
  assert.equal(bad.ok, false);
});

test('solid-state fit: cathode diffusivity (rate test) and contact-loss magnitude (fade curve) recovered from noisy synthetic data, within their 95 % intervals', async () => {
  const cell = recipeCellParams(load());
  const truth = { rate: { cathode_Ds_um2_s: 8e-3 }, ageing: { cathode_contact_lambda: 4.6 } };
  const tcell = withModelParameters(cell, truth);
  const rates = Float64Array.from([0.1, 0.2, 0.5, 1, 1.5, 2, 3]);
  const cycles = Float64Array.from([1, 4, 8, 12, 16, 20, 25, 30]);
  // deterministic "noise" of ±0.15 % points (a fixed sequence; seeded data as in the other recovery tests)
  const noise = [0.12, -0.09, 0.15, -0.14, 0.05, -0.03, 0.1, -0.11];
  const r0 = rateModel(tcell, rates, CUT);
  const f0 = fadeModel(tcell, cycles, { ...CUT, cRate: 0.33 });
  const rate: RateData = {
    kind: 'rate',
    source: 'synthetic-rate.csv',
    cRate: rates,
    capacity_Ah: null,
    retention_pct: Float64Array.from(r0, (v, k) => (k === 0 ? v : v + noise[k]!)),
    meta: {},
  };
  const fade: FadeData = {
    kind: 'fade',
    source: 'synthetic-fade.csv',
    cycle: cycles,
    retention_pct: Float64Array.from(f0, (v, k) => (k === 0 ? v : v + noise[(k + 3) % noise.length]!)),
    meta: { c_rate: '0.33' },
  };
  const problem = ssbFitProblem({
    cell,
    parameters: [
      { name: 'rate.cathode_Ds_um2_s', lower: 1e-3, upper: 3e-2, log: true },
      { name: 'ageing.cathode_contact_lambda', lower: 2, upper: 8 },
    ],
    fades: [{ name: 'fade', data: fade }],
    rates: [{ name: 'rate', data: rate }],
    ...CUT,
    ageingCRate: 0.33,
  });
  const x0 = Float64Array.from(problem.parameters, (p) => toInternal(p, p.initial));
  const res = await levenbergMarquardt(problem, x0, { maxIterations: 20 });
  assert.ok(Number.isFinite(res.cost), res.message);
  const fa = fisherAnalysis(problem, res.x, res.evaluation);
  const [ds, lam] = fa.estimates;
  assert.ok(ds!.identifiable && lam!.identifiable, JSON.stringify(fa.estimates));
  assert.ok(ds!.ci95![0] <= 8e-3 && 8e-3 <= ds!.ci95![1], `Ds ${ds!.value} [${ds!.ci95}]`);
  assert.ok(lam!.ci95![0] <= 4.6 && 4.6 <= lam!.ci95![1], `λ ${lam!.value} [${lam!.ci95}]`);
  // started away from the truth (4e-3 µm²/s, 3.42) and moved to it
  assert.ok(
    Math.abs(Math.log(ds!.value / 8e-3)) < 0.25 && Math.abs(lam!.value - 4.6) < 0.4,
    'Math.abs(Math.log(ds!.value / 8e-3)) < 0.25 && Math.abs(lam!.value - 4.6) < 0.4',
  );
  // the patch the fit writes is the recipe block
  const m = problem.modelParametersAt(res.x);
  assert.equal(m.rate!.cathode_Ds_um2_s, ds!.value);
  assert.equal(m.ageing!.cathode_contact_lambda, lam!.value);
});

test('solid-state fit: unknown names and bad bounds are errors naming params.<i> and what is allowed', () => {
  const cell = recipeCellParams(load());
  const mk =
    (name: string, lower: number, upper: number, log = false) =>
    () =>
      ssbFitProblem({
        cell,
        parameters: [{ name, lower, upper, log }],
        fades: [],
        rates: [],
        ...CUT,
        ageingCRate: 0.33,
      });
  assert.throws(mk('ageing.nonsense', 0, 1), (e: unknown) => {
    assert.ok(e instanceof ProblemError, 'e instanceof ProblemError');
    assert.match(
      e.message,
      /params\.0\.name: not a parameter of the solid-state cell.*ageing\.cei_kR.*rate\.anode_D_um2_s/,
    );
    return true;
  });
  assert.throws(mk('rate.ionic_tortuosity', 5, 3), /params\.0: invalid bounds/);
  assert.throws(mk('ageing.cei_kR', 0, 1e-5, true), /params\.0\.lower: invalid bounds.*> 0 for a log-scaled/);
  assert.throws(mk('ageing.cei_kR', -1, 1e-5), /params\.0\.lower: invalid bounds/);
});

test("a fade file's # c_rate / stack_pressure_MPa / temperature_C: blank, hexadecimal or out of range is an error naming the file and key", () => {
  // before: Number() read a blank `# temperature_C:` as 0 °C, `# c_rate: 0x1` as 1 C, and a stack pressure ≤ 0
  // was silently raised to 0.1 MPa
  const cell = recipeCellParams(load());
  const fit = (meta: Record<string, string>) => () => fadeProblem(cell, meta, [0, 100], [100, 95]);
  const cases: [Record<string, string>, RegExp][] = [
    [{ temperature_C: '' }, /f\.csv: # temperature_C: not a number \(got ""; allowed a number > -273\.15/],
    [{ temperature_C: '-300' }, /f\.csv: # temperature_C: out of range \(got "-300"/],
    [{ c_rate: '0x1' }, /f\.csv: # c_rate: not a number \(got "0x1"; allowed a plain decimal number\)/],
    [{ stack_pressure_MPa: '0' }, /f\.csv: # stack_pressure_MPa: out of range \(got "0"; allowed a number > 0/],
    [{ stack_pressure_MPa: 'Infinity' }, /f\.csv: # stack_pressure_MPa: not a number/],
  ];
  for (const [meta, re] of cases)
    assert.throws(fit(meta), (e: unknown) => e instanceof ProblemError && re.test(e.message), JSON.stringify(meta));
  assert.doesNotThrow(fit({ c_rate: '.5', stack_pressure_MPa: '5', temperature_C: '-20' }));
});

test("a fade file's stack pressure below 0.1 MPa is the pressure the model runs at (it was silently raised to 0.1 MPa)", async () => {
  // the recipe allows any stack pressure > 0 (cell.stack_pressure_MPa), so a fade file's may be 0.05 MPa too; the
  // anode's void growth goes as P0/(P0 + P), so 0.05 and 0.1 MPa give different fade curves
  const cell = recipeCellParams(load());
  const fade = async (P: string) => {
    const problem = fadeProblem(cell, { stack_pressure_MPa: P }, [0, 50, 100], [100, 97, 95]);
    const ev = await problem.evaluate(Float64Array.of(toInternal(problem.parameters[0]!, 4.6)), false);
    assert.ok(ev.ok, `the fade model runs at ${P} MPa: ${ev.message}`);
    return ev.model[0]![2]!;
  };
  const [low, floor, high] = [await fade('0.05'), await fade('0.1'), await fade('5')];
  assert.notEqual(low, floor, `retention at cycle 100: ${low} % at 0.05 MPa, ${floor} % at 0.1 MPa`);
  // more pressure keeps more contact: the order of the three is the physics' (not an artefact of a floor)
  assert.ok(low < floor && floor < high, `retention ${low} < ${floor} < ${high} % at 0.05 < 0.1 < 5 MPa`);
});

test("intervals of an exactly determined fit come from the data's reading error, not from a zero residual", async () => {
  const cell = recipeCellParams(load());
  const rates = Float64Array.from([0.1, 2]);
  const exact = rateModel(withModelParameters(cell, { rate: { cathode_Ds_um2_s: 6e-3 } }), rates, CUT);
  const run = async (meta: Record<string, string>) => {
    const problem = ssbFitProblem({
      cell,
      parameters: [{ name: 'rate.cathode_Ds_um2_s', lower: 1e-3, upper: 3e-2, log: true }],
      fades: [],
      rates: [
        {
          name: 'r',
          data: { kind: 'rate', source: 'r.csv', cRate: rates, capacity_Ah: null, retention_pct: exact, meta },
        },
      ],
      ...CUT,
      ageingCRate: 0.33,
    });
    const x0 = Float64Array.from(problem.parameters, (p) => toInternal(p, p.initial));
    const res = await levenbergMarquardt(problem, x0);
    return fisherAnalysis(problem, res.x, res.evaluation);
  };
  const fa = await run({ reading_error: '0.5 % points (rounding)' });
  assert.equal(fa.noise[0], 0.5);
  const [lo, hi] = fa.estimates[0]!.ci95!;
  // ±0.5 % points at 2C is several per cent of Ds: a real interval around the truth
  assert.ok(lo < 6e-3 && 6e-3 < hi && hi / lo > 1.02, `[${lo}, ${hi}]`);
  // without a reading error the residual (≈ 0) is all there is
  const bare = await run({});
  assert.ok(bare.noise[0]! < 0.01, String(bare.noise[0]));
});
