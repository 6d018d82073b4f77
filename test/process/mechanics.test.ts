import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mechanicalProperties, MECHANICAL_IDS, LI_AL_PHASES, confinedModulus } from '../../src/materials/mechanics.ts';

test('every mechanical entry has value, unit and source; assumptions are flagged', () => {
  for (const id of MECHANICAL_IDS) {
    const m = mechanicalProperties(id);
    for (const k of [
      'youngsModulus',
      'poissonRatio',
      'density',
      'specificHeat',
      'thermalExpansion',
      'meltingPoint',
      'tensileStrength',
    ] as const) {
      const p = m[k];
      assert.ok(Number.isFinite(p.value) && p.value >= 0, `${id}.${k}`);
      assert.ok(p.unit.length > 0 && p.source.length > 0, `${id}.${k} unit/source`);
    }
  }
  // LiAl toughness has no source: it must say so
  assert.equal(mechanicalProperties('LiAl').fractureToughness?.assumption, true);
});

test('Li flow law and melting point as the brief fixes them; roll steel E = 210 GPa, ν = 0.3', () => {
  const li = mechanicalProperties('Li');
  assert.equal(li.flowLaw.kind, 'creep');
  if (li.flowLaw.kind === 'creep') {
    assert.equal(li.flowLaw.n.value, 6.6);
    assert.equal(li.flowLaw.Q.value, 37e3);
  }
  assert.ok(
    Math.abs(li.meltingPoint.value - (180.5 + 273.15)) < 1e-9,
    'Math.abs(li.meltingPoint.value - (180.5 + 273.15)) < 1e-9',
  );
  const r = mechanicalProperties('roll-steel');
  assert.equal(r.youngsModulus.value, 210e9);
  assert.equal(r.poissonRatio.value, 0.3);
});

test('phase molar volumes reproduce the datasheet densities (ρ = M/Vm)', () => {
  const MLi = 6.94e-3,
    MAl = 26.9815e-3;
  const rho = (xLi: number, ph: 'LiAl' | 'Li3Al2' | 'Li9Al4'): number =>
    (xLi * MLi + MAl) / LI_AL_PHASES[ph].molarVolume.value;
  assert.ok(Math.abs(rho(1, 'LiAl') - 1743) / 1743 < 0.005, "Math.abs(rho(1, 'LiAl') - 1743) / 1743 < 0.005");
  assert.ok(Math.abs(rho(1.5, 'Li3Al2') - 1485) / 1485 < 0.005, "Math.abs(rho(1.5, 'Li3Al2') - 1485) / 1485 < 0.005");
  assert.ok(Math.abs(rho(2.25, 'Li9Al4') - 1270) / 1270 < 0.005, "Math.abs(rho(2.25, 'Li9Al4') - 1270) / 1270 < 0.005");
  // +94.6 % volume per Al from Al to LiAl (datasheet §2.1)
  assert.ok(
    Math.abs(LI_AL_PHASES.LiAl.molarVolume.value / LI_AL_PHASES.Al.molarVolume.value - 1.946) < 0.002,
    'Math.abs(LI_AL_PHASES.LiAl.molarVolume.value / LI_AL_PHASES.Al.molarVolume.value - 1.946)…',
  );
});

test('confined modulus: ν = 0 gives E; ν → 0.5 stiffens without bound', () => {
  assert.equal(confinedModulus(70e9, 0), 70e9);
  assert.ok(confinedModulus(1e9, 0.49) > 10e9, 'confinedModulus(1e9, 0.49) > 10e9');
});

test('unknown id is a clear error', () => {
  assert.throws(
    () => mechanicalProperties('Al-T6'),
    /mechanics\.id: unknown material id \(got 'Al-T6'; allowed .*Al-O.*\)/,
  );
});
