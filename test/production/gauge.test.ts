/**
 * The outfeed gauges read at their resolution (src/process/production/gauge.ts): every reading is the
 * nearest multiple of it, the SPC charts those readings in m, and the stored cell record (µm, 6 significant
 * digits) gives each one back to the bit, which is what lets the SPC export recompute the charts from the store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProduction } from '../../src/process/line.ts';
import { GAUGE_RESOLUTION_M, gaugeReading } from '../../src/process/production/gauge.ts';
import { Rng } from '../../src/numerics/rng.ts';
import { sig } from '../../src/present/round.ts';
import { toUm, um } from '../../src/units/index.ts';
import { standinPhysics } from './standin.ts';
import { recipeWith, recordsOf } from './helpers.ts';

test('a reading is the nearest multiple of the resolution (within half a step, and a reading reads as itself)', () => {
  const rng = new Rng(3);
  for (let i = 0; i < 2000; i++) {
    const x = um(1 + 500 * rng.uniform());
    const q = gaugeReading(x);
    assert.ok(Math.abs(q - x) <= GAUGE_RESOLUTION_M / 2 + 1e-20, `${x} → ${q}`);
    assert.equal(gaugeReading(q), q);
    assert.ok(
      Math.abs(q / GAUGE_RESOLUTION_M - Math.round(q / GAUGE_RESOLUTION_M)) < 1e-6,
      'Math.abs(q / GAUGE_RESOLUTION_M - Math.round(q / GAUGE_RESOLUTION_M)) < 1e-6',
    );
  }
});

test('the record’s µm at 6 significant digits gives every reading below 10 mm back to the bit', () => {
  const rng = new Rng(5);
  for (let i = 0; i < 20000; i++) {
    // log-uniform over 1 µm … 9.99 mm
    const q = gaugeReading(um(10 ** (4 * rng.uniform()) * 0.999));
    assert.equal(gaugeReading(um(sig(toUm(q)))), q, `${q} m`);
  }
  // and a record of too few digits would not: 4 significant digits lose 0.01 µm above 100 µm
  const q = gaugeReading(um(123.45));
  assert.notEqual(gaugeReading(um(sig(toUm(q), 4))), q);
});

test('a run’s gauge readings are the resolution’s multiples, and its stored records hold them to the bit', () => {
  const run = runProduction(recipeWith(), { seed: 11, web_length_m: 40, physics: standinPhysics });
  const records = recordsOf(run);
  assert.ok(run.cells.length > 100, 'run.cells.length > 100');
  let n = 0;
  run.cells.forEach((c, i) =>
    c.stations.forEach((s, k) => {
      if (s.gauge_m === null) return;
      n++;
      assert.equal(gaugeReading(s.gauge_m), s.gauge_m);
      const stored = records[i]!.stations[k]!.gauge_thickness_um!;
      assert.equal(gaugeReading(um(stored)), s.gauge_m);
    }),
  );
  assert.ok(n >= 2 * run.cells.length, `${n} readings`);
});
