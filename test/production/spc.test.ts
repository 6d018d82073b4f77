import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartConstants, chartConstantsTable, xbarR, ewma, capability } from '../../src/process/production/spc.ts';

test('chart constants agree with their definitions A2 = 3/(d2√n), D3 = max(0, 1−3d3/d2), D4 = 1+3d3/d2', () => {
  for (const c of Object.values(chartConstantsTable())) {
    assert.ok(Math.abs(c.A2 - 3 / (c.d2 * Math.sqrt(c.n))) < 2e-3, `A2 n=${c.n}`);
    assert.ok(Math.abs(c.D4 - (1 + (3 * c.d3) / c.d2)) < 3e-3, `D4 n=${c.n}`);
    assert.ok(Math.abs(c.D3 - Math.max(0, 1 - (3 * c.d3) / c.d2)) < 3e-3, `D3 n=${c.n}`);
  }
});

test('the chart constants are read from data/spc/chart-constants.json: n = 2…10, Montgomery’s n = 5 row, others refused', () => {
  assert.deepEqual(Object.keys(chartConstantsTable()).map(Number), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(chartConstants(5), { n: 5, A2: 0.577, D3: 0, D4: 2.114, d2: 2.326, d3: 0.864 });
  assert.throws(
    () => chartConstants(11),
    /spc\.subgroup_size: no tabulated constants \(got 11; allowed integer 2\.\.10\)/,
  );
});

test('X̄–R limits on a known data set (hand calculation)', () => {
  // subgroups of 5: {1,2,3,4,5}, {2,3,4,5,6}, {3,3,3,3,13}: means 3, 4, 5; ranges 4, 4, 10
  const x = [1, 2, 3, 4, 5, 2, 3, 4, 5, 6, 3, 3, 3, 3, 13];
  const c = xbarR(x, 5);
  assert.equal(c.subgroups, 3);
  assert.ok(Math.abs(c.grand_mean - 4) < 1e-12, 'Math.abs(c.grand_mean - 4) < 1e-12');
  assert.ok(Math.abs(c.r_bar - 6) < 1e-12, 'Math.abs(c.r_bar - 6) < 1e-12');
  assert.ok(Math.abs(c.xbar.ucl - (4 + 0.577 * 6)) < 1e-12, 'Math.abs(c.xbar.ucl - (4 + 0.577 * 6)) < 1e-12'); // 7.462
  assert.ok(Math.abs(c.xbar.lcl - (4 - 0.577 * 6)) < 1e-12, 'Math.abs(c.xbar.lcl - (4 - 0.577 * 6)) < 1e-12'); // 0.538
  assert.ok(Math.abs(c.r.ucl - 2.114 * 6) < 1e-12, 'Math.abs(c.r.ucl - 2.114 * 6) < 1e-12'); // 12.684
  assert.equal(c.r.lcl, 0);
  assert.ok(Math.abs(c.sigma_within - 6 / 2.326) < 1e-12, 'Math.abs(c.sigma_within - 6 / 2.326) < 1e-12');
  assert.deepEqual(c.out_of_control, []);
  // a fourth subgroup at 20: X̿ = 8, R̄ = 4.5, limits 8 ± 0.577·4.5 = [5.4035, 10.5965] → all four outside
  const y = [...x, 20, 20, 20, 20, 20];
  const cy = xbarR(y, 5);
  assert.ok(
    Math.abs(cy.xbar.ucl - 10.5965) < 1e-9 && Math.abs(cy.xbar.lcl - 5.4035) < 1e-9,
    'Math.abs(cy.xbar.ucl - 10.5965) < 1e-9 && Math.abs(cy.xbar.lcl - 5.4035) < 1e-9',
  );
  assert.deepEqual(cy.out_of_control, [0, 1, 2, 3]);
  // a range beyond D4·R̄ is flagged: ranges 1, 1, 1, 10 → R̄ = 3.25, UCL_R = 6.8705
  const z = [0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 10, 0, 0, 0];
  assert.ok(xbarR(z, 5).out_of_control.includes(3), 'xbarR(z, 5).out_of_control.includes(3)');
});

test('EWMA limits approach L·σ·√(λ/(2−λ)) and a sustained shift is detected', () => {
  const n = 200;
  const data = Array.from({ length: n }, (_, i) => (i < 100 ? 10 : 11.5));
  const e = ewma(data, 10, 1, 0.2, 3);
  assert.ok(Math.abs(e.ucl[0]! - 10 - 3 * 0.2) < 1e-12, 'Math.abs(e.ucl[0]! - 10 - 3 * 0.2) < 1e-12'); // first limit: Lσλ
  assert.ok(
    Math.abs(e.ucl[n - 1]! - 10 - 3 * Math.sqrt(0.2 / 1.8)) < 1e-9,
    'Math.abs(e.ucl[n - 1]! - 10 - 3 * Math.sqrt(0.2 / 1.8)) < 1e-9',
  );
  assert.equal(e.out_of_control.length > 0, true);
  assert.ok(
    e.out_of_control[0]! >= 100 && e.out_of_control[0]! < 110,
    'e.out_of_control[0]! >= 100 && e.out_of_control[0]! < 110',
  );
});

test('Cp/Cpk from the within-subgroup σ, one-sided specs give Cpk only', () => {
  // subgroups of 2 with range 2 each → R̄ = 2, σ̂ = 2/1.128 (n = 2 used when fewer than 2n values)
  const x = [9, 11, 9, 11];
  const c = capability(x, 4, 16, 5);
  const s = 2 / 1.128;
  assert.ok(Math.abs(c.cp! - 12 / (6 * s)) < 1e-12, 'Math.abs(c.cp! - 12 / (6 * s)) < 1e-12');
  assert.ok(Math.abs(c.cpk! - 6 / (3 * s)) < 1e-12, 'Math.abs(c.cpk! - 6 / (3 * s)) < 1e-12');
  const one = capability(x, undefined, 13, 5);
  assert.equal(one.cp, undefined);
  assert.ok(Math.abs(one.cpk! - 3 / (3 * s)) < 1e-12, 'Math.abs(one.cpk! - 3 / (3 * s)) < 1e-12');
  assert.ok(
    Math.abs(one.ppk! - 3 / (3 * Math.sqrt(4 / 3))) < 1e-12,
    'Math.abs(one.ppk! - 3 / (3 * Math.sqrt(4 / 3))) < 1e-12',
  );
});

test('Western Electric rules fire on the patterns they describe', async () => {
  const { westernElectric } = await import('../../src/process/production/spc.ts');
  const w = westernElectric(
    [0, 0, 3.5, 0, 2.5, 2.2, 0, 1.5, 1.2, 1.1, 1.3, 0, 0.1, 0.2, 0.1, 0.3, 0.2, 0.1, 0.2, 0.4],
    0,
    1,
  );
  assert.deepEqual(w.rule1, [2]);
  assert.ok(w.rule2.includes(5), 'w.rule2.includes(5)');
  assert.ok(w.rule3.includes(10), 'w.rule3.includes(10)');
  assert.ok(w.rule4.includes(19), 'w.rule4.includes(19)');
  assert.deepEqual(westernElectric([0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5], 0, 1), {
    rule1: [],
    rule2: [],
    rule3: [],
    rule4: [],
  });
});
