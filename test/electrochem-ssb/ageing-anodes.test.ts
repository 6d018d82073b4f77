/**
 * The anode void law per anode material (issue 16; data/ageing/anodes.json): each material's breathing
 * strain and void rate follow from its own volume per Li and Li diffusivity, the published cells run
 * with the anode their paper used, and Li–Al (the line's anode) keeps the law as written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FRESH_DEGRADATION,
  anodeMaterialFactors,
  applyAgeing,
  defaultAgeingParams,
  degrade,
  type AgeingInputs,
} from '../../src/electrochem/ssb/ageing.ts';
import { ANODE_MATERIALS, ageingDatasets, anodeMaterialRecords } from '../../src/electrochem/ssb/ageing-data.ts';
import { conditionsOf, datasetCell } from '../../scripts/ageing-datasets.ts';
import { mechanismBreakdownPoints } from '../../scripts/validate-ageing.ts';
import { defaultAgeingValues } from '../../src/electrochem/ssb/ageing.ts';
import { createSpme } from '../../src/electrochem/ssb/spme.ts';

const CYCLE: AgeingInputs = {
  cycling_s: 4 * 3600,
  meanSoc: 0.5,
  rest_s: 0,
  restSoc: 0.5,
  temperature_K: 298.15,
  stackPressure_Pa: 1e6,
  cathodeStrain: 0,
  anodeStrain: 0.2,
  dischargeCurrent_A_m2: 10,
  platedLi_mol_m2: 0,
};

const anodeLossAfter = (scale: number, n = 500): number => {
  let s = FRESH_DEGRADATION;
  for (let k = 0; k < n; k++) s = degrade(s, { ...CYCLE, anodeVoidScale: scale }, defaultAgeingParams());
  return s.anodeLoss;
};

test('Li–Al keeps the void law as written: factors exactly 1, and a cell that names li-al ages bit for bit as one that names none', () => {
  const f = anodeMaterialFactors('li-al', 7200, 30e-6);
  assert.equal(f.strainScale, 1);
  assert.equal(f.voidScale, 1);
  const c = conditionsOf(ageingDatasets().find((d) => d.id === 'p1_lial_ncm811')!);
  const named = createSpme(datasetCell({ ...c, anodeMaterial: 'li-al' }, defaultAgeingValues()));
  const plain = createSpme(datasetCell({ ...c, anodeMaterial: undefined }, defaultAgeingValues()));
  const cycle = { index: 1, charge_C: 50, discharge_C: 50, duration_s: 7200, meanSoc: 0.5, dischargeCurrent_A: 0.01 };
  for (let k = 0; k < 5; k++) {
    applyAgeing(named.core, cycle, { removeLi: () => undefined });
    applyAgeing(plain.core, cycle, { removeLi: () => undefined });
  }
  assert.deepEqual(named.core.ageing.degradation, plain.core.ageing.degradation);
  assert.ok(named.core.ageing.degradation.anodeLoss > 0, 'the Li–Al cell does lose anode contact');
});

test('void rate per material follows its Li diffusivity and volume per Li: Li–In, LiGa < Li–Al < Li metal', () => {
  const rec = anodeMaterialRecords();
  // a 2-hour discharge through a 30 µm anode
  const f = Object.fromEntries(ANODE_MATERIALS.map((m) => [m, anodeMaterialFactors(m, 7200, 30e-6)]));
  // Fo = D·t/L²: LiGa (Xue 2025: 3e-7 cm²/s) and InLi (5.5e-7 cm²/s) resupply their surface over a discharge,
  // Li metal's self-diffusion (5.7e-11 cm²/s) does not
  assert.ok(f['li-ga']!.fourier > 100 && f['li-in']!.fourier > 100, `${f['li-ga']!.fourier}, ${f['li-in']!.fourier}`);
  assert.ok(f['li-metal']!.fourier < 1, "f['li-metal']!.fourier < 1");
  assert.ok(f['li-ga']!.voidScale < 0.1 && f['li-in']!.voidScale < 0.1, JSON.stringify(f));
  assert.ok(f['li-metal']!.voidScale > 5, `Li metal ${f['li-metal']!.voidScale}`);
  // the alloys' strain per Li is below Li–Al's (their Li takes less volume), Li metal's above
  assert.ok(
    f['li-ga']!.strainScale < f['li-in']!.strainScale && f['li-in']!.strainScale < 1,
    "f['li-ga']!.strainScale < f['li-in']!.strainScale && f['li-in']!.strainScale < 1",
  );
  assert.ok(f['li-metal']!.strainScale > 1.3, "f['li-metal']!.strainScale > 1.3");
  assert.ok(
    rec['li-ga'].li_volume_m3_mol.value < rec['li-al'].li_volume_m3_mol.value,
    "rec['li-ga'].li_volume_m3_mol.value < rec['li-al'].li_volume_m3_mol.value",
  );
  const loss = ANODE_MATERIALS.map((m) => anodeLossAfter(f[m]!.voidScale));
  const [lial, liin, liga, limetal] = loss as [number, number, number, number];
  assert.ok(Math.max(liga, liin) < lial / 10 && lial < limetal, `anode contact lost: ${loss.join(', ')}`);
  // InLi's D (5.5e-7 cm²/s) is above LiGa's (3e-7): it loses the least
  assert.ok(liin < liga, 'liin < liga');
  // a slower discharge lets the alloy resupply more: its void rate falls with the discharge time
  assert.ok(
    anodeMaterialFactors('li-ga', 36000, 30e-6).voidScale < anodeMaterialFactors('li-ga', 720, 30e-6).voidScale,
    "anodeMaterialFactors('li-ga', 36000, 30e-6).voidScale < anodeMaterialFactors('li-ga', 720…",
  );
});

test('every published cell runs with the anode its paper used (or an assumption that says so)', () => {
  const anode = Object.fromEntries(ageingDatasets().map((d) => [d.id, d.anode]));
  assert.equal(anode['xue2025_liga_ncm811']!.material, 'li-ga');
  assert.equal(anode['liu2022_liin_ncm811']!.material, 'li-in');
  assert.equal(anode['p1_lial_ncm811']!.material, 'li-al');
  assert.equal(anode['p3_lial_scncm83']!.material, 'li-al');
  for (const d of ageingDatasets())
    assert.ok(/published|ASSUMPTION/.test(d.anode.note), `${d.id}: the anode note says published or assumption`);
  const c = conditionsOf(ageingDatasets().find((d) => d.id === 'xue2025_liga_ncm811')!);
  assert.equal(datasetCell(c, defaultAgeingValues()).ageing.anodeMaterial, 'li-ga');
});

test('Xue 2025 with its LiGa anode: the anode-void law costs under 1 point over 1000 cycles (7.7 points as Li–Al)', () => {
  const d = ageingDatasets().find((x) => x.id === 'xue2025_liga_ncm811')!;
  const ga = mechanismBreakdownPoints(d, 1000, 'anode_voids');
  const al = mechanismBreakdownPoints(
    { ...d, anode: { material: 'li-al', note: 'published: test' } },
    1000,
    'anode_voids',
  );
  assert.ok(ga > -1, `LiGa voids alone ${ga} points`);
  assert.ok(al < -4, `as Li–Al the voids alone cost ${al} points`);
});

test('bad anode inputs are refused naming the field', () => {
  assert.throws(() => anodeMaterialFactors('li-ga', 7200, 0), /ageing\.anodeThickness_m: .*got 0/);
  assert.throws(() => anodeMaterialFactors('li-ga', -1, 30e-6), /ageing\.discharge_s: .*got -1/);
});
