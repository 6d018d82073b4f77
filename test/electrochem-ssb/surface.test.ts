/**
 * The particle surface from the outer shell: dsPhiShift (the arctangent-free inverse the SPMe's voltage
 * uses) against the Kirchhoff potential itself and against the general inverse dsPhiInv.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dsLaw, dsPhi, dsPhiInv, dsPhiShift, type CellCore } from '../../src/electrochem/ssb/common.ts';
import { createSsbModel, patentExampleParams } from '../../src/electrochem/ssb/index.ts';
import type { SsbSpme } from '../../src/electrochem/ssb/spme.ts';
import { Rng } from '../../src/numerics/rng.ts';

test('dsPhiShift solves φ(y) − φ(y0) = r to round-off and agrees with dsPhiInv (series and arctangent branches)', () => {
  const rng = new Rng(7);
  for (const law of [
    { width: 0.25, floor: 0.01 },
    { width: 0.5, floor: 0.05 },
  ]) {
    const v = dsLaw(law)!;
    let series = 0;
    let atan = 0;
    for (let i = 0; i < 4000; i++) {
      const y0 = 0.02 + 0.95 * rng.uniform();
      const r = (rng.uniform() - 0.5) * 10 ** (-1 - 7 * rng.uniform());
      const y = dsPhiShift(v, y0, r);
      if (Number.isNaN(y)) {
        assert.ok(dsPhiInv(v, dsPhi(v, y0) + r, y0) >= 1 - 1e-12, `NaN only past y = 1 (y0 ${y0}, r ${r})`);
        continue;
      }
      const z = Math.abs(((y - y0) * law.width) / (law.width ** 2 + (1 - y) * (1 - y0)));
      if (z < 0.05) series++;
      else atan++;
      // the residual is evaluated with two φ values, so it carries their round-off (~1e-16)
      assert.ok(Math.abs(dsPhi(v, y) - dsPhi(v, y0) - r) < 2e-15, `residual at y0 ${y0}, r ${r}`);
      const p0 = dsPhi(v, y0);
      assert.ok(Math.abs(y - dsPhiInv(v, p0 + r, y0, p0)) < 1e-13, `vs dsPhiInv at y0 ${y0}, r ${r}`);
    }
    assert.ok(series > 1000 && atan > 30, `both branches exercised (${series} series, ${atan} arctangent)`);
  }
});

test('dsPhiShift: zero shift gives the shell itself; at or past full lithiation it declines (NaN) and the caller falls back', () => {
  const v = dsLaw({ width: 0.25, floor: 0.01 })!;
  assert.equal(dsPhiShift(v, 0.4, 0), 0.4);
  assert.ok(Number.isNaN(dsPhiShift(v, 1, 1e-3)), 'Number.isNaN(dsPhiShift(v, 1, 1e-3))');
  assert.ok(Number.isNaN(dsPhiShift(v, 0.999, 0.5)), 'Number.isNaN(dsPhiShift(v, 0.999, 0.5))');
});

test('kirchhoffLinear: D per shell and the neighbour differences of Φ − D·c, against Φ itself (also past full lithiation)', () => {
  const core = createSsbModel('spme', patentExampleParams()).core as CellCore;
  const cmax = core.p.cathode.cMax_mol_m3;
  const y = Float64Array.from([0.3, 0.31, 0.35, 0.5, 0.7, 0.9, 0.98, 0.9999, 1.002, 0.95].map((s) => s * cmax));
  const nr = y.length;
  const out = new Float64Array(3 * nr);
  core.kirchhoffLinear(y, nr, out, 0, nr);
  for (let r = 0; r < nr; r++) assert.equal(out[r], core.dsAt(y[r]!), `D at shell ${r}`);
  for (let r = 0; r < nr - 1; r++) {
    const want =
      core.dsPhi(y[r + 1]!) - core.dsAt(y[r + 1]!) * y[r + 1]! - (core.dsPhi(y[r]!) - core.dsAt(y[r]!) * y[r]!);
    const scale = core.d.Ds * cmax;
    assert.ok(Math.abs(out[nr + r]! - want) <= 1e-14 * scale, `ρ difference ${r}: ${out[nr + r]} vs ${want}`);
  }
});

test("SPMe restVoltage (the pack's zero-current voltage) is exactly voltageAt at zero current, on and past the D_s law's range", () => {
  const m = createSsbModel('spme', patentExampleParams()) as SsbSpme;
  const rng = new Rng(11);
  const cmax = m.core.p.cathode.cMax_mol_m3;
  let n = 0;
  for (let i = 0; i < 400; i++) {
    // stoichiometries across the window and a few at or past full lithiation (the fallback path)
    const y = i % 50 === 0 ? 1 + 0.01 * rng.uniform() : 0.2 + 0.79 * rng.uniform();
    const x0 = 0.05 + 2 * rng.uniform();
    m.voltageAt(y * cmax, x0, 0);
    assert.equal(m.restVoltage(y * cmax, x0), m.vV, `y = ${y}, x0 = ${x0}`);
    n++;
  }
  assert.equal(n, 400);
});
