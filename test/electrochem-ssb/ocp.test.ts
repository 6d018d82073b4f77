import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cathodeOcp,
  cathodeOcpIds,
  liAlOcp,
  liAlPhaseFractions,
  liAlPlateau_V,
  MonotoneTable,
} from '../../src/materials/ocp/index.ts';
import { NMC811_CHEN2020 } from '../../src/materials/ocp/cathodes.ts';

test('Li–Al α/β plateau follows E = 451 − 0.220·T mV (Huggins) within 1 mV over 0.1 ≤ x ≤ 0.9', () => {
  for (const T of [273.15, 298.15, 323.15, 373.15]) {
    const E = 0.451 - 0.00022 * T;
    assert.ok(Math.abs(liAlPlateau_V(T) - E) < 1e-12);
    for (const x of [0.1, 0.3, 0.5, 0.7, 0.9]) {
      const U = liAlOcp(x, T).U;
      assert.ok(Math.abs(U - E) < 1e-3, `T=${T} x=${x}: U=${U} E=${E}`);
    }
  }
});

test('Li–Al OCP depends on Li/Al: α branch above the plateau, β slope below it, free Li at 0 V (C1)', () => {
  const T = 298.15;
  const plateau = liAlPlateau_V(T);
  assert.ok(liAlOcp(0.01, T).U > plateau + 0.03, 'dilute α branch lies above the plateau');
  const beta = liAlOcp(0.98, T).U;
  assert.ok(beta < plateau - 0.015 && beta > plateau - 0.06, `β slope tens of mV below the plateau (got ${beta})`);
  for (const x of [1.03, 1.2, 2]) assert.ok(Math.abs(liAlOcp(x, T).U) < 2e-3, `free Li at ~0 V for x=${x}`);
  const eq = liAlOcp(1.25, T, { phaseModel: 'equilibrium' }).U;
  assert.ok(Math.abs(eq - 0.1) < 2e-3, `Li3Al2 step at 0.1 V in the equilibrium model (got ${eq})`);
});

test('Li–Al OCP is non-increasing in x and its derivative matches finite differences', () => {
  const T = 298.15;
  let prev = Infinity;
  for (let x = 0.001; x < 2.5; x += 0.0005) {
    const { U, dUdx } = liAlOcp(x, T, { phaseModel: 'equilibrium' });
    assert.ok(U <= prev + 1e-9, `monotone at x=${x}`);
    prev = U;
    const h = 1e-7;
    const fd =
      (liAlOcp(x + h, T, { phaseModel: 'equilibrium' }).U - liAlOcp(x - h, T, { phaseModel: 'equilibrium' }).U) /
      (2 * h);
    assert.ok(Math.abs(fd - dUdx) <= 1e-4 * Math.max(1, Math.abs(fd)), `dU/dx at ${x}: ${dUdx} vs ${fd}`);
  }
});

test('Li–Al hysteresis lowers the lithiation branch and raises the delithiation branch by h/2', () => {
  const T = 298.15;
  const h = 0.03;
  const lith = liAlOcp(0.5, T, { hysteresis_V: h }, 1).U;
  const delith = liAlOcp(0.5, T, { hysteresis_V: h }, -1).U;
  assert.ok(Math.abs(delith - lith - h) < 1e-6);
  assert.ok(Math.abs(liAlOcp(1.5, T, { hysteresis_V: h }, 1).U) < 1e-3, 'free Li has no hysteresis');
});

test('Li–Al phase fractions sum to 1 and follow the lever rule', () => {
  for (const x of [0, 0.3, 0.5, 1, 1.3, 2, 2.5]) {
    for (const model of ['rt', 'equilibrium'] as const) {
      const f = liAlPhaseFractions(x, model);
      assert.ok(Math.abs(f.Al + f.LiAl + f.Li3Al2 + f.Li9Al4 - 1) < 1e-12);
    }
  }
  assert.equal(liAlPhaseFractions(1.2, 'rt').freeLi_per_Al.toFixed(6), '0.200000');
  assert.throws(() => liAlPhaseFractions(-0.1), /anode\.x: must be ≥ 0 \(got -0\.1/);
});

test('cathode registry: every OCP decreases with lithiation in its valid range; derivatives match', () => {
  for (const id of cathodeOcpIds()) {
    const o = cathodeOcp(id);
    const [a, b] = o.validRange;
    let prev = Infinity;
    for (let i = 0; i <= 200; i++) {
      const y = a + ((b - a) * i) / 200;
      const U = o.U(y);
      assert.ok(Number.isFinite(U) && U > 2 && U < 5.5, `${id} U(${y}) = ${U}`);
      assert.ok(U <= prev + 2e-3, `${id} non-increasing at y=${y}`);
      prev = U;
      const h = 1e-6;
      const fd = (o.U(y + h) - o.U(y - h)) / (2 * h);
      assert.ok(
        Math.abs(fd - o.dUdy(y)) <= 1e-3 * Math.max(1, Math.abs(fd)),
        `${id} dU/dy at ${y}: ${o.dUdy(y)} vs ${fd}`,
      );
    }
    assert.ok(o.source.length > 10);
  }
});

test('NCM811 OCP reproduces the Chen 2020 GITT table at its nodes', () => {
  const o = cathodeOcp('NCM811');
  for (let i = 1; i < NMC811_CHEN2020.x.length - 1; i += 7) {
    const y = NMC811_CHEN2020.x[i]!;
    if (y > 0.98) continue; // the site-exhaustion barrier acts above 0.985
    assert.ok(Math.abs(o.U(y) - NMC811_CHEN2020.y[i]!) < 2e-3, `y=${y}`);
  }
  assert.equal(cathodeOcp('NMC811'), o, 'NMC alias');
});

test('unknown cathode id gives an error naming the field, the value and the allowed ids', () => {
  assert.throws(
    () => cathodeOcp('NCM999'),
    /cathode\.active_material: unknown OCP id \(got "NCM999"; allowed .*NCM811.*LFP/,
  );
});

test('monotone table keeps monotone data monotone', () => {
  const t = new MonotoneTable([0, 1, 2, 3], [0, 1, 1, 5]);
  let prev = -Infinity;
  for (let x = 0; x <= 3; x += 0.01) {
    const v = t.eval(x).v;
    assert.ok(v >= prev - 1e-12);
    prev = v;
  }
});
