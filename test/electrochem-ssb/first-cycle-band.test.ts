/**
 * The first cycle's headline figures with their band (issue 16 item 5): capacity, CE and Eq. 1 of the
 * [0178] first cycle over the documented ranges of the uncertain inputs (one at a time and seeded joint
 * draws), and claim 13 marked "depends on <parameter>" when its verdict flips inside the band.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quickRecipe } from '../helpers.ts';
import { runJob, runLine } from '../../src/pipeline.ts';
import { presentPackBand as packBand } from '../../src/present/battery.ts';
import { operatingConditions } from '../../src/process/from-recipe.ts';
import { getMaterial } from '../../src/materials/library.ts';
import { ssbParamsFromProducedCell, withParams } from '../../src/electrochem/ssb/params.ts';
import { firstCycleBand, firstCycleParameters } from '../../src/cycler/first-cycle-band.ts';

const seedRecipe = quickRecipe;
const recipe = seedRecipe();
const params = ssbParamsFromProducedCell(runLine(recipe).cell, operatingConditions(recipe), getMaterial);
const opts = { vMax_V: 4.3, vMin_V: 3.0, samples: 4, seed: 1 };

test('the band holds the nominal and every point; seeded: the same seed gives the same draws, another seed others', () => {
  const b = firstCycleBand(params, opts);
  for (const f of [b.capacity, b.ce, b.eq1]) {
    assert.ok(f.low <= f.nominal && f.nominal <= f.high, 'f.low <= f.nominal && f.nominal <= f.high');
    for (const q of f.points) assert.ok(f.low <= q.value && q.value <= f.high, 'f.low <= q.value && q.value <= f.high');
  }
  for (const j of b.joint)
    assert.ok(
      b.capacity.low <= j.dischargeCapacity_mAh_g && j.dischargeCapacity_mAh_g <= b.capacity.high,
      'b.capacity.low <= j.dischargeCapacity_mAh_g && j.dischargeCapacity_mAh_g <= b.capacity.hi…',
    );
  assert.deepEqual(firstCycleBand(params, opts).joint, b.joint);
  assert.notDeepEqual(firstCycleBand(params, { ...opts, seed: 2 }).joint, b.joint);
  assert.ok(b.capacity.high - b.capacity.low > 1, 'the uncertain inputs move the capacity');
});

test('physics of the band: more CEI charge lowers the CE and raises Eq. 1; a faster cathode delivers more; a coated cathode has no CEI parameter', () => {
  const b = firstCycleBand(params, opts);
  const at = (f: typeof b.ce, id: string): number[] => f.points.filter((q) => q.parameter === id).map((q) => q.value);
  const [ceLo, ceHi] = at(b.ce, 'cei_qmax');
  assert.ok(ceHi! < ceLo!, `CE at 600 C/m² ${ceHi} < at 150 C/m² ${ceLo}`);
  const [eLo, eHi] = at(b.eq1, 'cei_qmax');
  assert.ok(eHi! > eLo!, `Eq. 1 at 600 C/m² ${eHi} > at 150 C/m² ${eLo} (more Li left in the anode)`);
  const [cLo, cHi] = at(b.capacity, 'cathode_Ds');
  assert.ok(cHi! > cLo!, `capacity at D_s ×3 ${cHi} > at ÷3 ${cLo}`);
  const coated = withParams(params, { cathode: { cei: { ...params.cathode.cei, qMax_C_m2: 0 } } });
  assert.ok(
    !firstCycleParameters(coated).some((q) => q.id === 'cei_qmax'),
    "!firstCycleParameters(coated).some((q) => q.id === 'cei_qmax')",
  );
  assert.ok(
    firstCycleParameters(params).some((q) => q.id === 'cei_qmax'),
    "firstCycleParameters(params).some((q) => q.id === 'cei_qmax')",
  );
});

test('claim 13 over the band: met for ≥ 100 mAh/g; a threshold inside the band makes it "depends on" the parameter that crosses it', () => {
  const b = firstCycleBand(params, opts);
  assert.equal(b.claim13.verdict, 'met');
  const mid = 0.5 * (b.capacity.nominal + b.capacity.high);
  const d = firstCycleBand(params, { ...opts, claimCapacity_mAh_g: mid });
  assert.equal(d.claim13.verdict, 'depends');
  assert.ok(d.claim13.dependsOn.includes('cathode_Ds'), d.claim13.text);
  assert.match(d.claim13.text, /^not met, depends on cathode_Ds \(met at 1\.\d+e-14 m²\/s\)/);
});

test('the run carries the band in cycling.first_cycle_band, claim 13 cites it; a recipe experiment has none', () => {
  const out = runJob(recipe, { seed: 1 }).output;
  const fb = out.cycling!.first_cycle_band!;
  const cap = out.cycling!.discharge_capacity_mAh_g!;
  assert.ok(
    fb['discharge_capacity_mAh_g']!.low <= cap && cap <= fb['discharge_capacity_mAh_g']!.high,
    "fb['discharge_capacity_mAh_g']!.low <= cap && cap <= fb['discharge_capacity_mAh_g']!.high",
  );
  assert.ok(
    fb['coulombic_efficiency']!.low < fb['coulombic_efficiency']!.high,
    "fb['coulombic_efficiency']!.low < fb['coulombic_efficiency']!.high",
  );
  assert.equal(fb['claim_13_verdict'] as unknown, 'met');
  const c13 = out.claims!.find((c) => c.claim === 13)!;
  assert.match(c13.elements.at(-1)!.evidence, /met over the band 1\d\d(\.\d+)?–1\d\d(\.\d+)? mAh\/g/);
  const own = runJob(
    seedRecipe((r) => {
      r.experiment = [['Charge at 0.1C until 4.3 V', 'Discharge at 0.1C until 3.0 V']];
    }),
    { seed: 1 },
  ).output;
  assert.equal(own.cycling!['first_cycle_band'], undefined);
});

test("the pack's energy and range band scales with the cells' capacity band (first order); none without a band", () => {
  const bat = { pack: { energy_C3_kWh: 4.707 }, results: { ev: { range_km: 32.93 } } };
  const fb = { discharge_capacity_mAh_g: { nominal: 186.8, low: 177.1, high: 193.6 } };
  const pb = packBand(bat, fb)!;
  assert.ok(
    Math.abs(pb['range_km']!.low - (32.93 * 177.1) / 186.8) < 1e-3,
    "Math.abs(pb['range_km']!.low - (32.93 * 177.1) / 186.8) < 1e-3",
  );
  assert.ok(
    Math.abs(pb['range_km']!.high - (32.93 * 193.6) / 186.8) < 1e-3,
    "Math.abs(pb['range_km']!.high - (32.93 * 193.6) / 186.8) < 1e-3",
  );
  assert.equal(pb['range_km']!.nominal, 32.93);
  assert.ok(
    pb['energy_C3_kWh']!.low < 4.707 && 4.707 < pb['energy_C3_kWh']!.high,
    "pb['energy_C3_kWh']!.low < 4.707 && 4.707 < pb['energy_C3_kWh']!.high",
  );
  assert.equal(packBand(bat, undefined), null);
  assert.equal(packBand({ pack: { energy_C3_kWh: 1 }, results: {} }, fb)!['range_km'], undefined);
});
