import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTimeline, timeAt } from '../../src/process/production/timeline.ts';
import { productionSchema } from '../../src/process/production/config.ts';
import { Rng } from '../../src/numerics/rng.ts';
import { runProduction } from '../../src/process/line.ts';
import { presentShift } from '../../src/present/production.ts';
import { standinPhysics } from './standin.ts';
import { recipeWith } from './helpers.ts';

const rolls = { first_sheet: 100, al_sheet: 250, third_sheet: 60 };

function tl(prod: Record<string, unknown>, end: { duration_s: number } | { web_length_m: number }) {
  return buildTimeline({
    speed_m_s: (1 / 60) * 6,
    rollLength_m: rolls,
    production: productionSchema.parse(prod),
    end,
    rng: new Rng(1),
  });
}

test('zero-speed splice: no stop while the festoon covers the splice time, a stop of the shortfall otherwise', () => {
  const a = tl({ splice: { mode: 'zero_speed', time_s: 40, festoon_s: 45 } }, { web_length_m: 400 });
  assert.equal(a.stops.length, 0);
  // roll ends before 400 m: first sheet 100, 200, 300; Al 250; third sheet 60, 120, …, 360 → 3 + 1 + 6 = 10 joints
  assert.equal(a.splices.length, 10);
  const b = tl({ splice: { mode: 'zero_speed', time_s: 70, festoon_s: 45 } }, { web_length_m: 400 });
  assert.equal(b.stops.length, 9); // the two rolls ending at 300 m are changed in one stop
  for (const s of b.stops) assert.ok(Math.abs(s.t1_s - s.t0_s - 25) < 1e-9, 'Math.abs(s.t1_s - s.t0_s - 25) < 1e-9');
  const c = tl({ splice: { mode: 'manual', roll_change_min: 10 } }, { web_length_m: 400 });
  assert.equal(c.stops.length, 9);
  assert.ok(Math.abs(c.downtime_s - 9 * 600) < 1e-6, 'Math.abs(c.downtime_s - 9 * 600) < 1e-6');
  // every (re)start ramps: 10 station runs, and the run takes longer by the downtime plus ramp losses (ramp_s/2 each)
  assert.equal(c.runs, 10);
  const v = 0.1;
  const ideal = 400 / v;
  assert.ok(Math.abs(c.tEnd_s - (ideal + 9 * 600 + (10 * 30) / 2)) < 1e-6, `${c.tEnd_s}`);
  const f = tl({ splice: { mode: 'flying' } }, { web_length_m: 400 });
  assert.equal(f.stops.length, 0);
});

test('time ↔ position map is monotone and inverts the motion (ramp: s = a t²/2)', () => {
  const a = tl({ ramp_s: 60 }, { duration_s: 600 });
  const acc = 0.1 / 60;
  const p = timeAt(a, 0.5 * acc * 20 * 20);
  assert.ok(
    Math.abs(p.t - 20) < 1e-9 && Math.abs(p.v - acc * 20) < 1e-12,
    'Math.abs(p.t - 20) < 1e-9 && Math.abs(p.v - acc * 20) < 1e-12',
  );
  let last = -1;
  for (let s = 0; s < a.sEnd_m; s += 0.37) {
    const t = timeAt(a, s).t;
    assert.ok(t >= last, 't >= last');
    last = t;
  }
  assert.ok(
    Math.abs(a.sEnd_m - (0.1 * 540 + 0.5 * 0.1 * 60)) < 1e-9,
    'Math.abs(a.sEnd_m - (0.1 * 540 + 0.5 * 0.1 * 60)) < 1e-9',
  );
});

test('unplanned stops lower availability; OEE = A·P·Q; cost categories add up to the total', () => {
  const r = recipeWith({ production: { breakdowns: { mtbf_h: 1, mttr_min: 10 } } });
  const run = runProduction(r, { seed: 21, duration_s: 4 * 3600, physics: standinPhysics });
  const o = presentShift(run).oee!;
  const downtime = run.timeline.stops.reduce((s, x) => s + x.t1_s - x.t0_s, 0);
  assert.ok(downtime > 0, 'downtime > 0');
  assert.ok(
    Math.abs(o['availability']! - (4 * 3600 - downtime) / (4 * 3600)) < 1e-5,
    "Math.abs(o['availability']! - (4 * 3600 - downtime) / (4 * 3600)) < 1e-5",
  );
  assert.ok(
    Math.abs(o['oee']! - o['availability']! * o['performance']! * o['quality']!) < 2e-6,
    "Math.abs(o['oee']! - o['availability']! * o['performance']! * o['quality']!) < 2e-6",
  );
  const c = run.cost;
  const cats = c.by_category_usd_per_kWh!;
  const sum = cats.materials + cats.scrap + cats.labour + cats.depreciation + cats.energy;
  assert.ok(
    Math.abs(sum - c.cost_per_kWh!) < 1e-9 * c.cost_per_kWh!,
    'Math.abs(sum - c.cost_per_kWh!) < 1e-9 * c.cost_per_kWh!',
  );
  // scrap cost ∝ scrapped area: web area − good-cell area
  const perM2 = c.materials.reduce((s, m) => s + m.cost_usd_per_m2, 0);
  const goodArea = presentShift(run).cells_in_spec * 0.08 * 0.1;
  assert.ok(
    Math.abs(c.run_total_usd.scrap - perM2 * ((presentShift(run)['web_length_m'] as number) * 0.1 - goodArea)) <
      1e-6 * c.run_total_usd.scrap + 1e-3,
    "Math.abs(c.run_total_usd.scrap - perM2 * ((presentShift(run)['web_length_m'] as number) *…",
  );
});
