import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { recipeSchema, type Recipe } from '../../src/recipe/schema.ts';
import { designCells, spmeOf } from '../../src/battery/cells.ts';
import {
  FORMATION_SETTLED,
  formationDays,
  packAgeingBand,
  scaledPackRetention,
  trajectoryTimes,
  yearsToEndOfLife,
  type PackAgeingBandInput,
} from '../../src/battery/ageing-band.ts';
import { runBatteryCommand } from '../../src/pipeline.ts';
import { batterySummaryText as summaryText } from '../../src/present/battery.ts';
import { fastRunner } from '../../src/cycler/step-engines.ts';
import { runCycle } from '../../src/cycler/protocols.ts';
import type { SsbSpme } from '../../src/electrochem/ssb/spme.ts';
import type { CycleSummary } from '../../src/electrochem/model.ts';
import { celsius } from '../../src/units/index.ts';

const RECIPE: Recipe = recipeSchema.parse(
  parse(readFileSync(new URL('../../examples/patent-line.yaml', import.meta.url), 'utf8')),
);

test('yearsToEndOfLife: linear interpolation between yearly points; null when the horizon ends above end of life', () => {
  assert.ok(
    Math.abs(yearsToEndOfLife([1, 0.9, 0.7], 0.8)! - 1.5) < 1e-12,
    'Math.abs(yearsToEndOfLife([1, 0.9, 0.7], 0.8)! - 1.5) < 1e-12',
  );
  assert.equal(yearsToEndOfLife([1, 0.95, 0.9], 0.8), null);
  assert.ok(
    Math.abs(yearsToEndOfLife([1, 0.6], 0.8)! - 0.5) < 1e-12,
    'Math.abs(yearsToEndOfLife([1, 0.6], 0.8)! - 0.5) < 1e-12',
  );
});

test('scaledPackRetention: a draw outliving a nominal cell that died keeps the last pack-to-cell factor (was NaN: 0/0)', () => {
  // the 8s2p pack of the server tests: the nominal representative cell dies in year 5, one draw lives to year 7
  const pack = [1, 0.8, 0.6, 0.3, 0];
  const nominal = [100, 80, 50, 25, 0];
  const outliving = [100, 90, 70, 40, 20];
  const ret = scaledPackRetention(pack, nominal, outliving);
  assert.ok(ret.every(Number.isFinite), ret.join(' '));
  // up to year 3 the pack follows the nominal ratio pack/cell; in year 4 the factor of year 3 (0.3/0.25) holds
  assert.ok(Math.abs(ret[2]! - 0.7 * (0.6 / 0.5)) < 1e-12, 'Math.abs(ret[2]! - 0.7 * (0.6 / 0.5)) < 1e-12');
  assert.ok(Math.abs(ret[4]! - 0.2 * (0.3 / 0.25)) < 1e-12, 'Math.abs(ret[4]! - 0.2 * (0.3 / 0.25)) < 1e-12');
  // a drawn cell as dead as the nominal one gives a dead pack, and the nominal draw reproduces the nominal pack
  assert.deepEqual(scaledPackRetention(pack, nominal, [100, 50, 0, 0, 0]).slice(2), [0, 0, 0]);
  const same = scaledPackRetention(pack, nominal, nominal);
  for (let k = 0; k < 4; k++) assert.ok(Math.abs(same[k]! - pack[k]!) < 1e-12, 'Math.abs(same[k]! - pack[k]!) < 1e-12');
});

/** the band's input for one design cell on a synthetic day: `hours` h at `current_A` and T, the rest at 25 °C */
function input(temperature_C: number, years: number): PackAgeingBandInput {
  const spec = designCells(RECIPE, 1, 10, { capacity_sigma_pct: 0, resistance_sigma_pct: 0 }, 1)[0]!;
  const cap = (m: SsbSpme, y: Float64Array): number =>
    runCycle(fastRunner(m, { stepsPerSweep: 60 }), m, y, 1 / 3, 1 / 3, {
      vMax_V: spec.params.vMax_V,
      vMin_V: spec.params.vMin_V,
      cvEndCRate: 0.05,
    }).discharge_C;
  const m0 = spmeOf(spec);
  const q = 0.8 * m0.nominalCapacity_C;
  const active = 4 * 3600;
  const Tm = (celsius(temperature_C) * active + celsius(25) * (86400 - active)) / 86400;
  const day = (index: number, c: number): CycleSummary => ({
    index,
    charge_C: c,
    discharge_C: c,
    duration_s: 86400,
    rest_s: 86400 - active,
    restSoc: 0.5,
    meanSoc: 0.5,
    temperature_K: Tm,
    dischargeCurrent_A: q / active,
  });
  // the nominal trajectory, as the pack run measures it for its cells
  const y = m0.initialState(0.5);
  const nominal = [cap(m0, y)];
  for (let yr = 1, i = 0; yr <= years; yr++) {
    for (let d = 0; d < 365; d++) m0.afterCycle(y, day(++i, q));
    nominal.push(cap(m0, y));
  }
  return {
    spec,
    day,
    dailyCharge_C: q,
    years,
    capacity_C: cap,
    packByYear_C: nominal,
    nominalCellByYear_C: nominal,
    endOfLifeRetention: 0.8,
    samples: 4,
    seed: 3,
  };
}

test('pack ageing band: seeded, contains the nominal projection, and a hotter duty ages faster (Arrhenius)', () => {
  const cool = input(25, 3);
  const a = packAgeingBand(cool, 0)!;
  const b = packAgeingBand(cool, 0)!;
  assert.deepEqual(a, b, 'same seed, same band');
  const r = a.capacity_retention_pct_after_years;
  assert.ok(r.low <= r.nominal && r.nominal <= r.high, JSON.stringify(r));
  assert.ok(r.low < r.high, 'the ageing parameters move the retention');
  const y = a.years_to_end_of_life;
  assert.equal(y.horizon_years, 3);
  if (y.low !== null && y.high !== null) assert.ok(y.low <= y.high, 'y.low <= y.high');
  for (const s of a.sensitivity)
    assert.ok(Math.abs(s.correlation) <= 1 + 1e-12, 'Math.abs(s.correlation) <= 1 + 1e-12');
  const hot = packAgeingBand(input(45, 3), 0)!;
  assert.ok(
    hot.capacity_retention_pct_after_years.median < r.median,
    `median retention at 45 °C ${hot.capacity_retention_pct_after_years.median} % vs 25 °C ${r.median} %`,
  );
});

test("the pack run's ageing carries years to end of life with its band, and the band holds the nominal", () => {
  const rec: Recipe = {
    ...RECIPE,
    battery: { series: 2, parallel: 1, application: 'ess_solar', interconnect_resistance_mOhm: 0.2 },
  };
  const out = runBatteryCommand(rec, { profile: 'ess:solar', days: 1, seed: 9, extras: { cell_layers: 10, years: 3 } });
  const ag = out.block.ageing!;
  const band = ag.band!;
  assert.ok(band, 'a band on the projection');
  assert.equal(band.years_to_end_of_life.nominal, ag.years_to_end_of_life);
  assert.equal(band.capacity_retention_pct_after_years.nominal, ag.capacity_retention_pct_after_years);
  const rr = band.capacity_retention_pct_after_years;
  assert.ok(rr.low <= rr.nominal && rr.nominal <= rr.high, JSON.stringify(rr));
  assert.equal(ag.end_of_life_retention_pct, 80);
  assert.match(summaryText(out.block), /end of life: .* years to 80 % \(band /);
});

test("yearsToEndOfLife with the formation point: interpolation on the points' own times", () => {
  const t = trajectoryTimes(2, 73);
  assert.deepEqual(t, [0, 0.2, 1, 2]);
  // from 0.9 at 0.2 years to 0.7 at 1 year: 0.8 is crossed half way, at 0.6 years
  assert.ok(
    Math.abs(yearsToEndOfLife([1, 0.9, 0.7, 0.6], 0.8, t)! - 0.6) < 1e-12,
    'Math.abs(yearsToEndOfLife([1, 0.9, 0.7, 0.6], 0.8, t)! - 0.6) < 1e-12',
  );
  assert.deepEqual(trajectoryTimes(2, 0), [0, 1, 2]);
});

test('formationDays: the cycles for the contact loss to settle to 95 % of its asymptote; none when the law is off', () => {
  for (const nc of [5, 20, 100]) {
    const n = formationDays(true, nc);
    const left = (k: number): number => (1 - 1 / nc) ** k;
    // after n cycles at most 5 % of the asymptote is left, after n − 1 more than 5 %
    assert.ok(left(n) <= 1 - FORMATION_SETTLED && left(n - 1) > 1 - FORMATION_SETTLED, `${nc}: ${n}`);
  }
  assert.equal(formationDays(true, 20), 59);
  assert.equal(formationDays(false, 20), 0);
  assert.equal(formationDays(true, 1e6), 364, 'formation ends inside the first year');
});

test('the first-year step is the contact loss settling once: referenced after formation, reported as the formation loss', () => {
  const rec: Recipe = {
    ...RECIPE,
    battery: { series: 2, parallel: 1, application: 'ess_solar', interconnect_resistance_mOhm: 0.2 },
  };
  const out = runBatteryCommand(rec, { profile: 'ess:solar', days: 1, seed: 9, extras: { cell_layers: 10, years: 3 } });
  const ag = out.block.ageing!;
  assert.equal(ag.formation_days, 59);
  const fresh = ag.capacity_Ah_by_year[0]!;
  const formed = ag.capacity_Ah_after_formation!;
  const loss = ag.formation_loss_pct!;
  const y1 = ag.capacity_Ah_by_year[1]!;
  const last = ag.capacity_Ah_by_year[ag.capacity_Ah_by_year.length - 1]!;
  assert.ok(Math.abs(loss - (1 - formed / fresh) * 100) < 0.01, JSON.stringify(ag));
  // a step, not a steady fade: the capacity falls at least 10× faster per day during formation than in the
  // rest of year 1 (the contact loss has settled; what is left is the interphase and the anode)
  const during = (fresh - formed) / 59;
  const after = (formed - y1) / (365 - 59);
  assert.ok(loss > 2, `formation loss ${loss} %`);
  assert.ok(during > 10 * after, `per day: ${during} Ah during formation vs ${after} Ah after`);
  // retention and years to end of life are referenced to the capacity after formation; the fresh-referenced
  // figures stay beside them, and the band carries the formation loss with its nominal inside
  assert.ok(
    Math.abs(ag.capacity_retention_pct_after_years - (last / formed) * 100) < 0.01,
    'Math.abs(ag.capacity_retention_pct_after_years - (last / formed) * 100) < 0.01',
  );
  assert.ok(
    Math.abs(ag.capacity_retention_pct_after_years_vs_fresh! - (last / fresh) * 100) < 0.01,
    'Math.abs(ag.capacity_retention_pct_after_years_vs_fresh! - (last / fresh) * 100) < 0.01',
  );
  assert.match(ag.retention_reference!, /after formation: 59 days/);
  const fl = ag.band!.formation_loss_pct!;
  assert.ok(fl.low <= fl.nominal && fl.nominal <= fl.high, JSON.stringify(fl));
  assert.ok(Math.abs(fl.nominal - loss) < 0.01, 'Math.abs(fl.nominal - loss) < 0.01');
  assert.match(summaryText(out.block), /of the capacity after formation \(59 days; formation loss/);
});

test('the formation split of year 1 (59 + 306 daily updates) gives the same cell as 365 updates in one call', () => {
  const inp = input(25, 1);
  const a = spmeOf(inp.spec);
  const ya = a.initialState(0.5);
  const b = spmeOf(inp.spec);
  const yb = b.initialState(0.5);
  a.afterCycles(ya, inp.day(1, inp.dailyCharge_C), 365);
  b.afterCycles(yb, inp.day(1, inp.dailyCharge_C), 59);
  b.afterCycles(yb, inp.day(60, inp.dailyCharge_C), 306);
  assert.deepEqual(Array.from(yb), Array.from(ya));
  assert.equal(inp.capacity_C(b, yb), inp.capacity_C(a, ya));
});
