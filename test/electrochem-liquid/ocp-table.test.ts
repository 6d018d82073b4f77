import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBpxText } from '../../src/electrochem/bpx.ts';
import {
  OCP_TABLE_TOL,
  PROPERTY_TABLE_RTOL,
  electrolyteTable,
  ocpTable,
  tableSlope,
  tableValue,
} from '../../src/electrochem/liquid/ocp-table.ts';

const params = parseBpxText(readFileSync(new URL('./fixtures/nmc_pouch_cell_BPX.json', import.meta.url), 'utf8'));
const Tref = params.cell.referenceTemperature_K;

test('OCP table of the BPX NMC cell: value within 0.1 µV and slope within 0.1 % of the exact expression over [0, 1]; exact outside', () => {
  for (const e of [params.negative, params.positive]) {
    const t = ocpTable(e.ocp, Tref);
    assert.ok(t, 'table built');
    assert.ok(t.maxError <= OCP_TABLE_TOL, 't.maxError <= OCP_TABLE_TOL');
    for (let i = 0; i <= 5000; i++) {
      const x = i / 5000 - 1e-9 * (i === 5000 ? 1 : 0);
      const u = e.ocp(x, Tref);
      assert.ok(Math.abs(tableValue(t, x) - u) <= OCP_TABLE_TOL, `U(${x}): table ${tableValue(t, x)} vs ${u}`);
      const du = (e.ocp(x + 1e-6, Tref) - e.ocp(x - 1e-6, Tref)) / 2e-6;
      assert.ok(
        Math.abs(tableSlope(t, x) - du) <= 1e-3 * Math.abs(du) + 1e-4,
        `dU/dθ(${x}): table ${tableSlope(t, x)} vs ${du}`,
      );
    }
    for (const x of [-0.005, 1.005]) assert.equal(tableValue(t, x), e.ocp(x, Tref));
  }
});

test('OCP table: a function with a kink (tabulated OCP) is not tabulated', () => {
  const kinked = (x: number): number => 4 - 0.5 * x + 0.2 * Math.abs(x - 0.4137);
  assert.equal(ocpTable(kinked, 298.15), null);
});

test('electrolyte property tables of the BPX NMC cell: diffusivity and conductivity within 1e-9 relative over [c0/20, 4·c0]; exact outside', () => {
  const ely = params.electrolyte;
  const c0 = ely.initialConcentration_mol_m3;
  for (const f of [ely.diffusivity, ely.conductivity]) {
    const t = electrolyteTable(f, Tref, c0);
    assert.ok(t, 'table built');
    let fmax = 0;
    for (let c = c0 / 20; c <= 4 * c0; c += 1) fmax = Math.max(fmax, Math.abs(f(c, Tref)));
    for (let c = c0 / 20; c < 4 * c0; c += 0.737)
      assert.ok(Math.abs(tableValue(t, c) - f(c, Tref)) <= PROPERTY_TABLE_RTOL * fmax, `c = ${c}`);
    for (const c of [c0 / 40, 5 * c0]) assert.equal(tableValue(t, c), f(c, Tref));
  }
});
