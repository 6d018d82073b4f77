/**
 * Ageing mechanisms, their fit and their band (issue 16 item 6): facts that could fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ALL_MECHANISMS,
  FRESH_DEGRADATION,
  NO_MECHANISMS,
  defaultAgeingParams,
  defaultAgeingValues,
  degrade,
  sideReactionLi_mol_m2,
  type AgeingInputs,
} from '../../src/electrochem/ssb/ageing.ts';
import { ageingDatasets, ageingParameterRecords } from '../../src/electrochem/ssb/ageing-data.ts';
import { ageingBand, ageingValidity } from '../../src/cycler/ageing-band.ts';
import { evaluateDatasets, conditionsOf, datasetCell } from '../../scripts/ageing-datasets.ts';

const A = defaultAgeingParams();
const REST: AgeingInputs = {
  cycling_s: 0,
  meanSoc: 0.5,
  rest_s: 30 * 86400,
  restSoc: 0.5,
  temperature_K: 298.15,
  stackPressure_Pa: 5e6,
  cathodeStrain: 0,
  anodeStrain: 0,
  dischargeCurrent_A_m2: 0,
  platedLi_mol_m2: 0,
};
const CYCLE: AgeingInputs = {
  ...REST,
  cycling_s: 6 * 3600,
  rest_s: 0,
  cathodeStrain: 0.03,
  anodeStrain: 0.3,
  dischargeCurrent_A_m2: 10,
};
const lostAfter = (inp: AgeingInputs, n = 12, a = A): number => {
  let s = FRESH_DEGRADATION;
  for (let k = 0; k < n; k++) s = degrade(s, inp, a);
  return sideReactionLi_mol_m2(s);
};

test('calendar fade grows with temperature and with SOC, and stops with calendar ageing off', () => {
  const base = lostAfter(REST);
  assert.ok(base > 0, 'base > 0');
  const hot = lostAfter({ ...REST, temperature_K: 318.15 });
  const cold = lostAfter({ ...REST, temperature_K: 278.15 });
  // parabolic growth: the Li bound grows with √(rate), ≈ ×1.46 per +20 K at Ea = 30 kJ/mol
  assert.ok(hot > 1.3 * base && cold < base / 1.3, `25 °C ${base}, 45 °C ${hot}, 5 °C ${cold}`);
  const full = lostAfter({ ...REST, restSoc: 1 });
  const empty = lostAfter({ ...REST, restSoc: 0 });
  assert.ok(full > 1.5 * base && empty < base / 1.5, `SOC 0.5 ${base}, 1 ${full}, 0 ${empty}`);
  assert.equal(lostAfter(REST, 12, { ...A, mechanisms: { ...ALL_MECHANISMS, calendar: false } }), 0);
  // parabolic: four times the time, twice the loss (one mechanism: the cathode interphase's Li)
  const cei = { ...A, mechanisms: { ...NO_MECHANISMS, li_inventory: true, calendar: true } };
  const one = lostAfter(REST, 1, cei);
  const four = lostAfter({ ...REST, rest_s: 4 * REST.rest_s }, 1, cei);
  assert.ok(Math.abs(four / one - 2) < 1e-9, `√t: ${four / one}`);
});

test('contact loss falls with stack pressure, anode voids grow with current, dead Li is a fraction of the plated Li; nothing heals', () => {
  const run = (inp: AgeingInputs, n = 100) => {
    let s = FRESH_DEGRADATION;
    for (let k = 0; k < n; k++) {
      const t = degrade(s, inp, A);
      for (const key of ['cathodeLoss', 'anodeLoss', 'liCei_mol_m2', 'liAei_mol_m2', 'liDead_mol_m2'] as const)
        assert.ok(t[key] >= s[key], `${key} decreased`);
      s = t;
    }
    return s;
  };
  const lo = run({ ...CYCLE, stackPressure_Pa: 1e6 });
  const hi = run({ ...CYCLE, stackPressure_Pa: 100e6 });
  assert.ok(lo.cathodeLoss > 2 * hi.cathodeLoss, `cathode ${lo.cathodeLoss} vs ${hi.cathodeLoss}`);
  assert.ok(lo.anodeLoss > 2 * hi.anodeLoss, `anode ${lo.anodeLoss} vs ${hi.anodeLoss}`);
  const slow = run(CYCLE);
  const fast = run({ ...CYCLE, dischargeCurrent_A_m2: 100 });
  assert.ok(fast.anodeLoss > 1.5 * slow.anodeLoss, `voids at 10 vs 100 A/m²: ${slow.anodeLoss} ${fast.anodeLoss}`);
  const pl = run({ ...CYCLE, platedLi_mol_m2: 1e-3 }, 10);
  assert.ok(
    Math.abs(pl.liDead_mol_m2 - 10 * 1e-3 * defaultAgeingValues().dead_li_fraction) < 1e-15,
    'Math.abs(pl.liDead_mol_m2 - 10 * 1e-3 * defaultAgeingValues().dead_li_fraction) < 1e-15',
  );
  assert.throws(() => degrade(FRESH_DEGRADATION, { ...CYCLE, rest_s: -1 }, A), /ageing\.rest_s: .*got -1/);
});

test('every ageing parameter has a value inside its range, a unit and a source; datasets name their source', () => {
  const rec = ageingParameterRecords();
  for (const [k, r] of Object.entries(rec)) {
    assert.ok(r.range[0] <= r.value && r.value <= r.range[1], k);
    assert.ok(r.source.length > 20 && r.unit.length > 0, k);
  }
  const sets = ageingDatasets();
  assert.ok(
    sets.filter((d) => d.role === 'fitted').length >= 2 && sets.some((d) => d.role === 'held-out'),
    "sets.filter((d) => d.role === 'fitted').length >= 2 && sets.some((d) => d.role === 'held-…",
  );
  for (const d of sets) assert.ok(d.citation.length > 20 && d.readIn.length > 10, d.id);
});

test('retention falls with lower stack pressure by the magnitude of the data it was fitted to (Yan 2026)', () => {
  const r = evaluateDatasets(defaultAgeingValues(), ['fitted']).filter((q) => q.dataset === 'yan2026_pressure');
  const at0 = r.find((q) => q.stackPressure_MPa === 0)!;
  const at125 = r.find((q) => q.stackPressure_MPa === 125)!;
  const published = at125.published_pct - at0.published_pct; // 17 points
  const model = at125.model_pct - at0.model_pct;
  assert.ok(Math.abs(model - published) < 2, `model drop ${model.toFixed(2)} vs published ${published} points`);
});

test('the fit reproduces its recorded residuals (data/ageing/fit.json) with the values of mechanisms.json', () => {
  const fit = JSON.parse(readFileSync(new URL('../../data/ageing/fit.json', import.meta.url), 'utf8')) as {
    fitted: Record<string, { value: number }>;
    residuals: { dataset: string; cycles: number; stack_pressure_MPa: number; residual_pts: number }[];
  };
  const v = defaultAgeingValues() as Record<string, number>;
  for (const [k, f] of Object.entries(fit.fitted))
    assert.ok(Math.abs(v[k]! / f.value - 1) < 1e-3, `${k}: mechanisms.json ${v[k]} vs fit ${f.value}`);
  for (const q of evaluateDatasets(defaultAgeingValues(), ['fitted'])) {
    const rec = fit.residuals.find(
      (r) => r.dataset === q.dataset && r.cycles === q.cycles && r.stack_pressure_MPa === q.stackPressure_MPa,
    )!;
    assert.ok(
      Math.abs(q.residual_pts - rec.residual_pts) < 0.3,
      `${q.dataset} ${q.cycles}: ${q.residual_pts} vs ${rec.residual_pts}`,
    );
    assert.ok(Math.abs(q.residual_pts) < 1, `fitted point off by ${q.residual_pts} points`);
  }
});

test('the band over the parameter ranges contains the fitted datasets', () => {
  for (const d of ageingDatasets().filter((x) => x.role === 'fitted'))
    for (const pt of d.points) {
      const c = conditionsOf(d, pt.stack_pressure_MPa);
      const p = datasetCell(c, defaultAgeingValues());
      const b = ageingBand(p, {
        cycles: pt.cycles,
        cRate: c.cRate,
        cutoffs: { vMax_V: p.vMax_V, vMin_V: p.vMin_V },
        endOfLifeRetention: 0,
        samples: 6,
        seed: 3,
        maxSimulatedCycles: 25,
      });
      const r = pt.retention_pct / 100;
      assert.ok(
        b.retention.low - 0.01 <= r && r <= b.retention.high + 0.01,
        `${d.id} ${pt.cycles} cycles: ${pt.retention_pct} % outside [${(b.retention.low * 100).toFixed(1)}, ${(b.retention.high * 100).toFixed(1)}]`,
      );
    }
});

test('a projection outside validity is flagged with what is outside; inside gives no flag', () => {
  const inside = ageingValidity({
    cRate: 0.33,
    modelMaxCRate: 0.5,
    temperature_K: 298.15,
    stackPressure_Pa: 5e6,
    cycles: 200,
  });
  assert.deepEqual(inside, []);
  const out = ageingValidity({
    cRate: 2,
    modelMaxCRate: 0.5,
    temperature_K: 318.15,
    stackPressure_Pa: 5e6,
    cycles: 50000,
  });
  assert.deepEqual(
    out.map((f) => f.quantity),
    ['c_rate', 'temperature', 'cycles'],
  );
  assert.match(out[0]!.text, /outside validity: 2\.00C is above the SPMe's stated 0\.5C/);
});
