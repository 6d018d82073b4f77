/**
 * The held-out P1 point (83 % after 2000 cycles; its stack pressure is not published) is judged as the
 * model's band over the assumed pressure range, not at the assumed value (issue 16 item 4): the band
 * is the model's retention at log-spaced pressures over the range, it rises with pressure (contact loss
 * falls), and it is reported with the verdict inside/outside — never tuned to the point.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageingDatasets } from '../../src/electrochem/ssb/ageing-data.ts';
import { pressureGrid, retentionOverPressure } from '../../scripts/validate-ageing.ts';

test('P1 (pressure unpublished): the retention band over 5–50 MPa rises with pressure and holds the published 83 %', () => {
  const d = ageingDatasets().find((x) => x.id === 'p1_lial_ncm811')!;
  assert.equal(d.role, 'held-out');
  const range = d.conditions.stack_pressure_MPa.range!;
  assert.deepEqual(range, [5, 50]);
  const grid = pressureGrid(range);
  assert.equal(grid.length, 5);
  assert.ok(
    Math.abs(grid[0]! - 5) < 1e-12 && Math.abs(grid[4]! - 50) < 1e-9,
    'Math.abs(grid[0]! - 5) < 1e-12 && Math.abs(grid[4]! - 50) < 1e-9',
  );
  const r = retentionOverPressure(d.id, 2000, grid);
  for (let i = 1; i < r.length; i++) assert.ok(r[i]! > r[i - 1]!, `retention rises with pressure: ${r.join(', ')}`);
  const published = d.points[0]!.retention_pct;
  // at the assumed 10 MPa the point test fails (−11 points): the published value lies inside the band
  assert.ok(r[0]! < published && published < r[4]!, `band ${r[0]}–${r[4]} % vs published ${published} %`);
  assert.ok(r[4]! - r[0]! > 10, 'the unknown pressure moves the prediction by more than the ± 5-point pass mark');
});
