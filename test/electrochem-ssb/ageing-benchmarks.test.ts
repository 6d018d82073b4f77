/**
 * The published retention benchmarks the ageing fit never saw (issue 16 item 3): P3 (≈ 100 % after 2000
 * cycles at 3C) lies outside the model's validity and is reported as such, with the mechanism that makes
 * the model's fade there; Xue 2025 (LiGa, 80 % after 1000 cycles at a published 1 MPa) is a prediction whose
 * unpublished C-rate and loading make a band. Neither is tuned to: the fit's datasets stay Yan and Liu.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageingDatasets } from '../../src/electrochem/ssb/ageing-data.ts';
import { heldOutValidity, mechanismBreakdown, unpublishedConditions } from '../../scripts/validate-ageing.ts';

const byId = (id: string) => ageingDatasets().find((d) => d.id === id)!;

test('held-out datasets: four publications the fit never saw, the fit keeps only Yan 2026 and Liu 2022', () => {
  const held = ageingDatasets().filter((d) => d.role === 'held-out');
  assert.deepEqual(held.map((d) => d.id).sort(), [
    'licnca_lpscl_2024',
    'p1_lial_ncm811',
    'p3_lial_scncm83',
    'xue2025_liga_ncm811',
  ]);
  assert.deepEqual(
    ageingDatasets()
      .filter((d) => d.role === 'fitted')
      .map((d) => d.id)
      .sort(),
    ['liu2022_liin_ncm811', 'yan2026_pressure'],
  );
});

test('P3 at 3C is outside validity (C-rate beyond the fitted data and the SPMe); P1 and Xue are not', () => {
  const p3 = heldOutValidity(byId('p3_lial_scncm83'));
  assert.equal(p3.length, 1);
  assert.match(p3[0]!, /3C is outside the C-rates the ageing fit saw \(0\.05–2C\)/);
  assert.deepEqual(heldOutValidity(byId('p1_lial_ncm811')), []);
  assert.deepEqual(heldOutValidity(byId('xue2025_liga_ncm811')), []);
  assert.deepEqual(heldOutValidity(byId('licnca_lpscl_2024')), []);
  // Xue publishes the pressure and the temperature: only the C-rate and the loading are bands
  assert.deepEqual(unpublishedConditions(byId('xue2025_liga_ncm811')), ['c_rate', 'areal_capacity_mAh_cm2']);
});

test('why the model misses P3: at 3C the interphase resistance dominates its fade and cycle 1 is not periodic', () => {
  const lines = mechanismBreakdown(byId('p3_lial_scncm83'), 2000);
  const none = Number(/no_ageing: ([\d.]+) %/.exec(lines[1]!)![1]);
  // without any ageing the 3C protocol alone drifts upward by more than the ± 5-point pass mark
  assert.ok(none > 105, `no-ageing drift ${none} %`);
  const alone = Object.fromEntries(
    lines[2]!
      .replace(/^.*: /, '')
      .replace(/ \(.*$/, '')
      .split(', ')
      .map((s) => {
        const [k, v] = s.split(' ');
        return [k!, Number(v)];
      }),
  );
  const worst = Object.entries(alone).sort((a, b) => a[1] - b[1])[0]!;
  assert.equal(worst[0], 'interphase', JSON.stringify(alone));
  assert.ok(worst[1] < -10, JSON.stringify(alone));
});

test('why the model misses Xue 2025 at 1 MPa: the cathode contact loss at 1 MPa, not its LiGa anode', () => {
  const d = byId('xue2025_liga_ncm811');
  assert.equal(d.anode.material, 'li-ga');
  const lines = mechanismBreakdown(d, 1000);
  const pct = (name: string): number => Number(new RegExp(`${name}: ([\\d.]+) %`).exec(lines.join('\n'))![1]);
  const published = d.points[0]!.retention_pct;
  // with every mechanism the model is more than 5 points below; any P0 of the contact law lies between
  // "all mechanisms" and "contact loss off"
  assert.ok(pct('model_all_mechanisms') < published - 5, lines.join('\n'));
  assert.ok(
    pct('model_all_mechanisms') < pct('pressure_law_ceiling'),
    "pct('model_all_mechanisms') < pct('pressure_law_ceiling')",
  );
  // with the anode its paper used (LiGa, Li diffusivity 3e-7 cm²/s: data/ageing/anodes.json) the void law no
  // longer makes part of the gap (as the Li–Al law it cost 7.7 points and left the ceiling at 75.7 %)
  assert.ok(Math.abs(pct('pressure_law_ceiling') - pct('without_contact_loss_and_anode_voids')) < 1, lines.join('\n'));
  assert.ok(Math.abs(pct('without_contact_loss_and_anode_voids') - published) < 5, lines.join('\n'));
  assert.ok(Math.abs(pct('pressure_law_ceiling') - published) < 5, lines.join('\n'));
});
