/**
 * The live Shift view's running state (src/server/present/shift.ts ShiftStream, lane-stream.ts): equal to
 * the whole-array SPC functions for the same cells, bounded — it holds O(subgroups), never O(cells), and a
 * payload has at most CHART_POINTS points per chart whatever the shift's length — and decimated as the
 * CLI's production block is (chartPicks).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShiftStream, type ShiftCell, type ShiftContext } from '../../src/server/present/shift.ts';
import { TAIL_VALUES } from '../../src/server/present/lane-stream.ts';
import { SubgroupSeries, chartPicks, ewma, westernElectric, xbarR } from '../../src/process/production/spc.ts';
import {
  capabilityIndices,
  cusum,
  histogram,
  honestLimits,
  individuals,
  nelson,
  xbarS,
} from '../../src/process/production/control-charts.ts';
import { CHART_POINTS } from '../../src/process/line.ts';
import { Rng } from '../../src/numerics/rng.ts';

const ctx = (lanes: number, done = false): ShiftContext => ({
  planned_s: 3600,
  lanes,
  speed_m_per_min: 10,
  cell_length_mm: 100,
  stops: [{ cause: 'splice', t0_s: 100, t1_s: 160 }],
  spec: { cell_thickness_um: { min: 99, max: 101.5 }, anode_thickness_um: { min: 20 }, capacity_mAh_min: 50 },
  subgroup_size: 5,
  ewma_lambda: 0.2,
  ewma_L: 3,
  done,
});

/** cells of `lanes` lanes in production order; the gauge follows an AR(1) wander (φ = 0.9) plus noise */
function* cells(count: number, lanes: number, seed = 3): Generator<ShiftCell> {
  const rng = new Rng(seed);
  const ar = Array.from({ length: lanes }, () => 0);
  for (let i = 0; i < count; i++) {
    const lane = i % lanes;
    ar[lane] = 0.9 * ar[lane]! + 0.2 * rng.normal();
    const g = 100 + ar[lane]! + 0.1 * rng.normal();
    const inSpec = g > 99.4;
    yield {
      index: i,
      lane,
      t_s: Math.floor(i / lanes) * 0.6,
      cell_um: g + 0.05 * rng.normal(),
      anode_um: 25 + 0.3 * rng.normal(),
      gauge_um: i % 97 === 13 ? null : g,
      capacity_mAh: 60 + rng.normal(),
      in_spec: inSpec,
      cause: inSpec ? '' : i % 2 ? 'thickness' : 'capacity',
    };
  }
}

const close = (a: number, b: number, rel = 1e-9, what = '') =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
const closeAll = (a: readonly number[], b: readonly number[], rel = 1e-9, what = '') => {
  assert.equal(a.length, b.length, `${what}: lengths`);
  a.forEach((v, i) => close(v, b[i]!, rel, `${what}[${i}]`));
};

test('a lane of up to 5 000 values: the payload equals the whole-array SPC functions of those values', () => {
  const lanes = 2;
  const all = [...cells(8000, lanes)];
  const s = new ShiftStream(ctx(lanes));
  for (const c of all) s.push(c);
  const p = s.payload(ctx(lanes), 'gauge_240_thickness_um');
  assert.equal(p.cells_total, 8000);
  assert.equal(p.cells_in_spec, all.filter((c) => c.in_spec).length);
  assert.deepEqual(
    Object.fromEntries(p.scrap_pareto.map((r) => [r.cause, r.cell_equivalents])),
    Object.fromEntries(
      ['thickness', 'capacity'].map((k) => [k, all.filter((c) => !c.in_spec && c.cause === k).length]),
    ),
  );
  for (let l = 0; l < lanes; l++) {
    const x = all.filter((c) => c.lane === l && c.gauge_um !== null).map((c) => c.gauge_um!);
    assert.ok(x.length < 4096, 'below the running histogram');
    const L = p.spc!.lanes[l]!;
    const r = xbarR(x, 5);
    const sx = xbarS(x, 5);
    const h = honestLimits(x, 5);
    assert.equal(L.n_values, x.length);
    assert.equal(L.subgroups, r.subgroups);
    assert.deepEqual(
      L.chart.subgroup,
      r.means.map((_, g) => g + 1),
    );
    assert.equal(L.chart.decimated, null);
    assert.deepEqual(L.xbar_r.means, r.means);
    assert.deepEqual(L.xbar_r.ranges, r.ranges);
    assert.deepEqual(L.xbar_r.xbar, r.xbar);
    closeAll(L.xbar_s.sds, sx.sds, 1e-6, 'sds (float32 chart points)');
    close(L.xbar_s.s.center, sx.s.center, 1e-12, 's̄');
    close(L.xbar_s.xbar.ucl, sx.xbar.ucl, 1e-12, 'X̄–S UCL');
    assert.equal(L.honest.method, h.method);
    assert.equal(h.method, 'batch means', 'the AR(1) data are autocorrelated');
    close(L.honest.r1_values, h.r1_values, 1e-9, 'r1 values');
    close(L.honest.r1_means, h.r1_means, 1e-12, 'r1 means');
    close(L.honest.ar1_phi, h.ar1.phi, 1e-9, 'φ');
    closeAll(L.honest.ar1_residuals, h.ar1.residuals, 1e-9, 'AR(1) residuals');
    close(L.honest.ar1_limits.ucl, h.ar1.limits.ucl, 1e-9, 'AR(1) UCL');
    const lim = h.batch_means;
    close(L.honest.limits.ucl, lim.ucl, 1e-12, 'batch-means UCL');
    const sm = (lim.ucl - lim.center) / 3;
    const we = westernElectric(r.means, lim.center, sm);
    assert.deepEqual(L.xbar_r.western_electric, {
      rule1: we.rule1.length,
      rule2: we.rule2.length,
      rule3: we.rule3.length,
      rule4: we.rule4.length,
    });
    const nf = nelson(r.means, lim.center, sm);
    assert.deepEqual(L.nelson.flags, nf);
    const ew = ewma(r.means, lim.center, sm, 0.2, 3);
    closeAll(L.ewma.z, ew.z, 1e-12, 'EWMA');
    assert.equal(L.ewma.out_of_control, ew.out_of_control.length);
    const cu = cusum(r.means, lim.center, sm);
    closeAll(L.cusum.upper, cu.upper, 1e-9, 'CUSUM C⁺');
    assert.equal(L.cusum.out_of_control, cu.out_of_control.length);
    const ind = individuals(x);
    assert.deepEqual(L.individuals.values, ind.values);
    assert.deepEqual(L.individuals.x, ind.x);
    assert.equal(L.individuals.truncated, false);
    const cap = capabilityIndices(x, 99, 101.5, 5);
    close(L.capability.sigma_overall, cap.sigma_overall, 1e-12, 'σ overall');
    close(L.capability.sigma_within, cap.sigma_within, 1e-12, 'σ within');
    assert.deepEqual(L.histogram, histogram(x, 30, 99, 101.5));
    close(L.capability.cpk!, cap.cpk!, 1e-9, 'Cpk');
  }
});

test('long lanes: AR(1) centre and histogram from running totals (counts within a bar), individuals the last 5 000', () => {
  const all = [...cells(30_000, 1, 9)];
  const s = new ShiftStream(ctx(1), ['cell_thickness_um']);
  for (const c of all) s.push(c);
  const L = s.payload(ctx(1), 'cell_thickness_um').spc!.lanes[0]!;
  const x = all.map((c) => c.cell_um);
  const h = honestLimits(x, 5);
  const mr = h.ar1.residuals;
  close(L.honest.ar1_limits.center, mr.reduce((a, b) => a + b, 0) / mr.length, 1e-9, 'AR(1) centre, all residuals');
  closeAll(L.honest.ar1_residuals, mr.slice(-TAIL_VALUES), 1e-9, 'last residuals');
  assert.equal(L.individuals.values.length, TAIL_VALUES);
  assert.equal(L.individuals.truncated, true);
  assert.deepEqual(L.individuals.values, x.slice(-TAIL_VALUES));
  const exact = histogram(x, 30, 99, 101.5);
  assert.deepEqual(L.histogram.edges, exact.edges);
  assert.equal(L.histogram.below_lsl, exact.below_lsl);
  assert.equal(L.histogram.above_usl, exact.above_usl);
  assert.equal(
    L.histogram.counts.reduce((a, b) => a + b, 0),
    x.length,
  );
  // only values near a bar's edge may move to the next bar: a few percent of them at most
  const moved = L.histogram.counts.reduce((a, c, i) => a + Math.abs(c - exact.counts[i]!), 0) / 2;
  assert.ok(moved <= 0.05 * x.length, `${moved} of ${x.length} counted in a neighbouring bar`);
  const cap = capabilityIndices(x, 99, 101.5, 5);
  close(L.capability.cpk!, cap.cpk!, 1e-9, 'Cpk');
  close(L.capability.ppk!, cap.ppk!, 1e-9, 'Ppk');
  close(L.capability.pp!, cap.pp!, 1e-9, 'Pp');
});

test('a long shift: charts decimated as the CLI does (chartPicks), counts over every subgroup, flags on charted points', () => {
  const all = [...cells(40_000, 2, 5)];
  const s = new ShiftStream(ctx(2), ['capacity_mAh']);
  for (const c of all) s.push(c);
  const p = s.payload(ctx(2), 'capacity_mAh');
  for (const L of p.spc!.lanes) {
    const x = all.filter((c) => c.lane === L.lane).map((c) => c.capacity_mAh);
    const sg = new SubgroupSeries(5);
    for (const v of x) sg.push(v);
    const picks = chartPicks(sg, CHART_POINTS);
    assert.ok(picks !== 'all' && L.chart.decimated !== null, "picks !== 'all' && L.chart.decimated !== null");
    assert.deepEqual(
      L.chart.subgroup,
      picks.map((g) => g + 1),
    );
    assert.ok(
      L.xbar_r.means.length <= CHART_POINTS && L.ewma.z.length === L.xbar_r.means.length,
      'L.xbar_r.means.length <= CHART_POINTS && L.ewma.z.length === L.xbar_r.means.length',
    );
    const r = xbarR(x, 5);
    assert.deepEqual(
      L.xbar_r.means,
      picks.map((g) => r.means[g]!),
    );
    const lim = L.honest.limits;
    const nf = nelson(r.means, lim.center, (lim.ucl - lim.center) / 3);
    for (const [k, v] of Object.entries(nf)) {
      assert.equal(L.nelson.counts[k], v.length, `Nelson ${k} counted over all subgroups`);
      const charted = new Set(picks);
      assert.deepEqual(
        L.nelson.flags[k as keyof typeof nf],
        v.filter((g: number) => charted.has(g)),
      );
    }
    const ew = ewma(r.means, lim.center, (lim.ucl - lim.center) / 3, 0.2, 3);
    closeAll(
      L.ewma.z,
      picks.map((g) => ew.z[g]!),
      1e-12,
      'EWMA at the charted subgroups',
    );
    assert.equal(L.ewma.out_of_control, ew.out_of_control.length);
  }
  assert.ok(p.pace.t_s.length <= 1201 + 1, `pace ${p.pace.t_s.length} points`);
  assert.equal(p.pace.cells.at(-1), 40_000);
});

test('what the live state holds grows with the subgroups (≤ 2.5 numbers each), not with the cells', () => {
  const lanes = 4;
  const s = new ShiftStream(ctx(lanes));
  const held: { cells: number; held: number; subgroups: number }[] = [];
  const marks = new Set([20_000, 200_000]);
  let i = 0;
  for (const c of cells(200_000, lanes, 11)) {
    s.push(c);
    if (marks.has(++i)) {
      let subgroups = 0;
      for (const q of s.quantities)
        subgroups += s.payload(ctx(lanes), q).spc!.lanes.reduce((a, L) => a + L.subgroups, 0);
      held.push({ cells: i, held: s.held(), subgroups });
    }
  }
  const [a, b] = held as [(typeof held)[0], (typeof held)[0]];
  const growth = b.held - a.held;
  // 4 quantities per cell: a state that kept each cell's values would grow by ≥ 4 numbers per cell
  assert.ok(
    growth <= 2.5 * (b.subgroups - a.subgroups) + 2048,
    `grew ${growth} numbers for ${b.subgroups - a.subgroups} subgroups`,
  );
  assert.ok(growth / (b.cells - a.cells) < 2.1, `${(growth / (b.cells - a.cells)).toFixed(2)} numbers per cell`);
  // and a payload's size does not grow with the shift
  const size = (n: number) => {
    const t = new ShiftStream(ctx(lanes), ['gauge_240_thickness_um']);
    for (const c of cells(n, lanes, 11)) t.push(c);
    return JSON.stringify(t.payload(ctx(lanes))).length;
  };
  const s1 = size(50_000);
  const s2 = size(200_000);
  assert.ok(s2 < 1.1 * s1, `payload ${s1} → ${s2} bytes`);
});
