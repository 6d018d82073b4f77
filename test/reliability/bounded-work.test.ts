/**
 * Long work in bounded memory (issue 22, item 4): the battery's pack trace keeps a fixed number of
 * numbers however many steps a run takes (a 365-day run made ≈ 2.5e8 steps and failed with "Maximum
 * call stack size exceeded" / an internal error), with exact extremes; experiment and job limits are
 * exit-2 problems naming the field, before any work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PackTrace, downsample as downsampleSI } from '../../src/battery/run.ts';
import { presentPackSeries } from '../../src/present/battery.ts';

/** the trace downsampled and presented as the battery block's series */
const downsample = (tr: PackTrace, n: number): ReturnType<typeof presentPackSeries> =>
  presentPackSeries(downsampleSI(tr, n));
import { parseExperiment } from '../../src/cycler/experiment.ts';
import { EXPERIMENT_LIMITS } from '../../src/cycler/limits.ts';
import { jobProblems, JOB_LIMITS } from '../../src/pipeline.ts';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { PATENT_YAML } from '../helpers.ts';

test('pack trace: 3 million steps held in at most 800 bins, extremes exact, short runs downsampled exactly as before', () => {
  const tr = new PackTrace(400);
  let vmin = Infinity;
  let vmax = -Infinity;
  let spread = 0;
  for (let i = 0; i < 3_000_000; i++) {
    const v = 3.6 + 0.5 * Math.sin(i / 977) + (i === 1_234_567 ? -0.4 : 0);
    const s = 0.5 + 0.4 * Math.cos(i / 1511);
    const d = 0.01 + (i === 2_222_222 ? 0.2 : 0);
    vmin = Math.min(vmin, v);
    vmax = Math.max(vmax, v + 0.01);
    spread = Math.max(spread, d);
    tr.push(i, 100 * v, -1, v, v + 0.01, s, s + d, 298);
  }
  assert.ok(tr.t.length <= 800, `bins ${tr.t.length}`);
  assert.equal(tr.m, 3_000_000);
  assert.equal(tr.vminAll, vmin, 'the dip at one step is kept');
  assert.equal(tr.vmaxAll, vmax);
  assert.ok(Math.abs(tr.socSpreadMax - spread) < 1e-12, 'Math.abs(tr.socSpreadMax - spread) < 1e-12');
  const series = downsample(tr, 400);
  assert.ok(
    series.time_s.length <= 400 && series.time_s.length >= 100,
    'series.time_s.length <= 400 && series.time_s.length >= 100',
  );
  assert.ok(Math.abs(series.time_s.at(-1)! - 2_999_999) <= 5, 'the series ends at the last step (6 digits)');
  assert.ok(Math.min(...series.cell_voltage_min_V) <= vmin + 1e-5, 'the dip shows in the series');
  // a short run: every step is its own bin, so the series is the plain stride downsampling
  const short = new PackTrace(400);
  for (let i = 0; i < 500; i++) short.push(i, i, 0, i, i, 0, 0, 300);
  assert.equal(short.t.length, 500);
  const ds = downsample(short, 400);
  assert.deepEqual(ds.time_s.slice(0, 3), [1, 3, 5], 'stride 2, last time of each pair');
});

test('experiment limits: 10⁹ repeats, a nested repeat of 10⁹ steps, a 1e308 s rest and a 6-million-point rest are refused before running', () => {
  const cases: [unknown, RegExp][] = [
    [
      [{ repeat: 1e9, steps: ['Discharge at 1C until 3 V'] }],
      /too many cycles \(got 1\.00e\+9 cycles; allowed <= 10000/,
    ],
    [[[{ repeat: 1e9, steps: ['Rest for 1 s'] }]], /too many steps in one cycle \(got 1000000000 × 1 step/],
    [['Rest for 1e308 seconds'], /step too long \(got 1\.00e\+308 s/],
    [
      ['Rest for 100000 hours'],
      /would record too many time-series points \(got about 6\.00e\+6 points.*"\(7 minute period\)"/,
    ],
  ];
  for (const [steps, re] of cases) {
    const t0 = Date.now();
    const r = parseExperiment(steps as never);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.errors.map((e) => e.message).join('\n'), re);
    assert.ok(Date.now() - t0 < 1000, 'refused at once');
  }
  assert.equal(
    parseExperiment(['Rest for 100000 hours (7 minute period)']).ok,
    true,
    'with the period it suggests it fits',
  );
  assert.equal(EXPERIMENT_LIMITS.seriesPoints, 1_000_000);
});

test('job limits: a 10⁹-cell pack and a shift over the streamed cap are exit-2 problems naming the field; the 571 000-cell shift is refused only where cells are kept (the server)', () => {
  const p = parseRecipeText(PATENT_YAML);
  assert.ok(p.ok, 'p.ok');
  if (!p.ok) return;
  const pack = jobProblems({ ...p.recipe, battery: { ...p.recipe.battery!, series: 1000, parallel: 1_000_000 } });
  assert.match(
    pack.map((x) => `${x.path}: ${x.problem} (got ${x.got})`).join('\n'),
    /battery\.parallel: pack too large to simulate cell by cell \(got 1000s1000000p = 1000000000 cells/,
  );
  const sixMinutes = {
    ...p.recipe,
    line: { ...p.recipe.line, speed_m_per_min: 100 },
    cell: { ...p.recipe.cell, width_mm: 10, length_mm: 10 },
    production: { ...(p.recipe.production ?? {}), duration_h: 0.1 } as never,
  };
  // the server's live Shift view holds running totals (O(subgroups)), so its limit is the CLI's: the
  // 6-minute shift of 600 000 cells runs there too, and a 17-hour one is refused with the store's reason
  assert.deepEqual(jobProblems(sixMinutes, undefined, { cellLimit: JOB_LIMITS.liveProductionCells }), []);
  const liveDay = jobProblems(
    { ...sixMinutes, production: { ...(p.recipe.production ?? {}), duration_h: 17 } as never },
    undefined,
    { cellLimit: JOB_LIMITS.liveProductionCells },
  );
  assert.match(
    liveDay.map((x) => `${x.path}: ${x.problem} (got ${x.got}; allowed ${x.allowed})`).join('\n'),
    /production\.duration_h: the production run would make too many cells \(got about 102000000 cells .*allowed <= 10000000 cells per run \(the store keeps every cell/,
  );
  // rollcell run streams the cells to the store: the 6-minute shift runs, a 17-hour one is over the cap
  assert.deepEqual(jobProblems(sixMinutes), [], 'streamed: the 6-minute shift of 10 mm cells runs');
  const day = jobProblems({ ...sixMinutes, production: { ...(p.recipe.production ?? {}), duration_h: 17 } as never });
  assert.match(
    day.map((x) => `${x.path}: ${x.problem} (got ${x.got}; allowed ${x.allowed})`).join('\n'),
    /production\.duration_h: the production run would make too many cells \(got about 102000000 cells .*allowed <= 10000000 cells per run \(the store keeps every cell: ≈ 4\.2 kB each on disk\): a shorter duration_h/,
  );
  assert.equal(jobProblems(p.recipe).length, 0, 'the example fits');
  assert.equal(JOB_LIMITS.liveProductionCells, JOB_LIMITS.productionCells);
  assert.equal(JOB_LIMITS.keptProductionCells, 100_000);
  assert.equal(JOB_LIMITS.productionCells, 10_000_000);
});
