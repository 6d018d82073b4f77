import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { assetText } from '../../src/assets.ts';
import { nmc811Chen2020 } from '../../src/materials/ocp/cathodes.ts';

const sha256 = (b: string | Uint8Array): string => createHash('sha256').update(b).digest('hex');

// The SHA-256 of the data rollcell was built with (taken from the .ts modules that embedded them before
// the data moved to data/): a changed number in a file fails here.
test('packaged drive cycles are byte for byte the ones rollcell was built with', () => {
  assert.equal(
    sha256(assetText('drive-cycles/udds.csv')),
    '9fe6558c17aad3cc08109186923aeb7459cd3097a381c44e854bf22dd12a5a2a',
  );
  assert.equal(
    sha256(assetText('drive-cycles/us06.csv')),
    '5909eb2ec7983fae86a050ff3b35a2041d0ab698710a6b0f95d5816e348077ba',
  );
  assert.equal(
    sha256(assetText('drive-cycles/wltc.csv')),
    'a3f483821c0e0ad0a4c6420dfbc2a46e3d727a9b10998497750b3b52e9d155c1',
  );
});

test('the NMC811 (Chen 2020) OCP table has the values rollcell was built with', () => {
  const { x, y } = nmc811Chen2020();
  assert.equal(x.length, 238);
  assert.equal(y.length, 238);
  const bytes = new Uint8Array([
    ...new Uint8Array(Float64Array.from(x).buffer),
    ...new Uint8Array(Float64Array.from(y).buffer),
  ]);
  assert.equal(sha256(bytes), '883aba8d01b76ed02fbdc6119a0fd2865ed3799a6c7c825c701f87a64ba861c9');
  // the file's own "extra points to avoid extrapolation" stay first and last
  assert.deepEqual([x[0], y[0], x[237], y[237]], [0.248797280909757, 4.4, 1.0, 3.52302166875714]);
});

test('the solid-state cathode defaults and the SPC chart constants are the values rollcell was built with', () => {
  // taken from the tables that src/electrochem/ssb/params.ts and src/process/production/spc.ts embedded before
  const cath = (
    JSON.parse(assetText('materials/ssb-cathodes.json')) as { cathodes: Record<string, Record<string, number>> }
  ).cathodes;
  assert.deepEqual(Object.keys(cath), ['NCM811', 'NCM622', 'NCM111', 'NCA', 'LCO', 'LFP', 'LNMO']);
  const fields = ['density_kg_m3', 'molarMass_kg_mol', 'radius_m', 'Ds_m2_s', 'Ds_Ea_J_mol', 'j0_A_m2', 'j0_Ea_J_mol'];
  const nums = Object.values(cath).flatMap((c) => [...fields, 'volumeChange', 'yRefVolume', 'yMin'].map((f) => c[f]!));
  assert.equal(
    sha256(new Uint8Array(Float64Array.from(nums).buffer)),
    '740d15a35ccf5e0ff57ca18872cbf495bad5af3c90134542a4433c44352cedf8',
  );
  const spc = (JSON.parse(assetText('spc/chart-constants.json')) as { constants: Record<string, number>[] }).constants;
  assert.deepEqual(
    spc.map((c) => [c['n'], c['A2'], c['D3'], c['D4'], c['d2'], c['d3']]),
    [
      [2, 1.88, 0, 3.267, 1.128, 0.853],
      [3, 1.023, 0, 2.574, 1.693, 0.888],
      [4, 0.729, 0, 2.282, 2.059, 0.88],
      [5, 0.577, 0, 2.114, 2.326, 0.864],
      [6, 0.483, 0, 2.004, 2.534, 0.848],
      [7, 0.419, 0.076, 1.924, 2.704, 0.833],
      [8, 0.373, 0.136, 1.864, 2.847, 0.82],
      [9, 0.337, 0.184, 1.816, 2.97, 0.808],
      [10, 0.308, 0.223, 1.777, 3.078, 0.797],
    ],
  );
});

test('a data path outside data/ is refused', () => {
  assert.throws(() => assetText('../package.json'), /must stay inside data/);
  assert.throws(() => assetText('/etc/passwd'), /must stay inside data/);
});
