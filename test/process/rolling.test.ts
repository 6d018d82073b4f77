import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rollStack, forceForReduction, flatteningRatio, HITCHCOCK_C } from '../../src/process/rolling.ts';
import type { LayerInput, StationInput } from '../../src/process/types.ts';

const ctx = { speed_m_s: 1 / 60, webWidth_m: 0.05 };
const st = (F: number, o: Partial<StationInput> = {}): StationInput => ({
  id: '240',
  force_N: F,
  rollDiameter_m: 0.1,
  faceWidth_m: 0.3,
  temperature_K: 373.15,
  ...o,
});
const li = (t = 13e-6, ys?: number): LayerInput => ({
  role: 'li',
  name: 'li',
  material: 'Li',
  thickness_m: t,
  ...(ys ? { mechanics: { yieldStress: ys } } : {}),
});
const stack240 = (): LayerInput[] => [
  { role: 'conductor', name: 'cu', material: 'Cu', thickness_m: 10e-6 },
  li(),
  { role: 'al', name: 'al', material: 'Al-O', thickness_m: 10e-6 },
  { role: 'electrolyte', name: 'se', material: 'sulfide-SE', thickness_m: 30e-6, porosity: 0.2 },
  { role: 'cathode', name: 'cathode', material: 'cathode-composite', thickness_m: 60e-6, porosity: 0.2 },
];

test('zero force gives no reduction and no pressure', () => {
  const r = rollStack(st(0), stack240(), ctx);
  assert.equal(r.peakPressure_Pa, 0);
  for (const l of r.layers) assert.equal(l.thickness_out_m, l.thickness_in_m);
});

test('reduction increases monotonically with force', () => {
  let prev = -1;
  let prevLi = -1;
  for (let F = 25; F <= 1000; F += 25) {
    const r = rollStack(st(F), stack240(), ctx);
    assert.ok(r.totalReduction > prev, `total reduction at ${F} N`);
    assert.ok(r.layers[1]!.reduction > prevLi, `Li reduction at ${F} N`);
    prev = r.totalReduction;
    prevLi = r.layers[1]!.reduction;
  }
});

test('reduction decreases with the flow stress of the soft layer', () => {
  const red = (ys: number): number =>
    rollStack(
      st(300),
      [
        { role: 'conductor', name: 'cu', material: 'Cu', thickness_m: 10e-6 },
        li(13e-6, ys),
        { role: 'al', name: 'al', material: 'Al-O', thickness_m: 10e-6 },
      ],
      ctx,
    ).layers[1]!.reduction;
  const a = red(0.4e6);
  const b = red(0.8e6);
  const c = red(1.6e6);
  assert.ok(a > b && b > c, `${a} > ${b} > ${c}`);
});

test('the soft Li layer takes most of the reduction in a Li/Al stack (from the per-layer pressure model)', () => {
  const r = rollStack(
    st(500, { faceWidth_m: 0.01 }),
    [li(20e-6), { role: 'al', name: 'al', material: 'Al-O', thickness_m: 20e-6 }],
    ctx,
  );
  const dLi = r.layers[0]!.thickness_in_m - r.layers[0]!.thickness_out_m;
  const dAl = r.layers[1]!.thickness_in_m - r.layers[1]!.thickness_out_m;
  assert.ok(dLi > 0);
  assert.ok(dLi > 10 * dAl, `Li ${dLi} vs Al ${dAl}`);
});

test('a very thin Li layer on thick annealed Al can flip: its friction hill makes the Al yield first', () => {
  // 1 µm Li on 200 µm O-temper Al, small roll, narrow strip: L/h of Li is huge, so Al must deform first
  const r = rollStack(
    st(500, { faceWidth_m: 0.002, rollDiameter_m: 0.01, temperature_K: 298.15 }),
    [li(1e-6), { role: 'al', name: 'al', material: 'Al-O', thickness_m: 200e-6 }],
    ctx,
  );
  assert.ok(r.layers[1]!.yielded, 'Al yields');
  const rel = (i: number): number => r.layers[i]!.reduction;
  assert.ok(rel(1) > 0);
  assert.ok(
    r.layers[1]!.thickness_in_m - r.layers[1]!.thickness_out_m >
      r.layers[0]!.thickness_in_m - r.layers[0]!.thickness_out_m,
  );
});

test('Al foil on the electrolyte composite stays elastic at 150–500 N on a wide web but yields on a narrow strip with a small roll (transition)', () => {
  const stack = (): LayerInput[] => [
    { role: 'al', name: 'al', material: 'Al-O', thickness_m: 10e-6 },
    { role: 'electrolyte', name: 'se', material: 'sulfide-SE', thickness_m: 30e-6, porosity: 0.2 },
    { role: 'cathode', name: 'cathode', material: 'cathode-composite', thickness_m: 60e-6, porosity: 0.2 },
  ];
  for (const web of [0.05, 0.2]) {
    for (const F of [150, 300, 500]) {
      const r = rollStack(st(F, { id: '236', temperature_K: 298.15 }), stack(), { ...ctx, webWidth_m: web });
      assert.equal(r.layers[0]!.yielded, false, `web ${web} m, ${F} N`);
      assert.ok(r.lineLoad_N_per_m <= 10e3);
    }
  }
  // 1 mm strip: sweep the roll diameter down; the Al must start to yield and keep yielding
  const diam = [0.1, 0.05, 0.02, 0.01, 0.005];
  const y = diam.map(
    (d) =>
      rollStack(st(500, { id: '236', temperature_K: 298.15, rollDiameter_m: d, faceWidth_m: 0.001 }), stack(), ctx)
        .layers[0]!.yielded,
  );
  assert.equal(y[0], false);
  assert.equal(y[y.length - 1], true);
  const first = y.indexOf(true);
  assert.ok(y.slice(first).every(Boolean), `once yielded, smaller rolls also yield: ${y}`);
  // Ø 5 mm: narrowing the strip (higher line load) never reduces the Al less
  let prev = -1;
  for (const w of [0.05, 0.02, 0.01, 0.005, 0.002, 0.001]) {
    const red = rollStack(
      st(500, { id: '236', temperature_K: 298.15, rollDiameter_m: 0.005, faceWidth_m: w }),
      stack(),
      ctx,
    ).layers[0]!.reduction;
    assert.ok(red >= prev, `w=${w}`);
    prev = red;
  }
  assert.ok(prev > 0.05);
});

test('bare Al foil reduction never falls as the line load rises (roll flattening does not lengthen the friction hill)', () => {
  for (const D of [0.1, 0.02, 0.005]) {
    let prev = -1;
    for (let w = 0.05; w >= 0.001; w *= 0.8) {
      const red = rollStack(
        st(500, { id: '236', temperature_K: 298.15, rollDiameter_m: D, faceWidth_m: w }),
        [{ role: 'al', name: 'al', material: 'Al-O', thickness_m: 10e-6 }],
        ctx,
      ).layers[0]!.reduction;
      assert.ok(red >= prev - 1e-12, `Ø${D} w=${w}: ${red} < ${prev}`);
      prev = red;
    }
  }
});

test('purely elastic stack: contact length equals the Winkler solution 2a = 2(3P′R′C/4)^(1/3)', () => {
  const layers: LayerInput[] = [{ role: 'anode', name: 'x', material: 'LiAl', thickness_m: 50e-6 }];
  const r = rollStack(st(300, { id: '236' }), layers, ctx);
  const E = 70e9,
    nu = 0.25;
  const M = (E * (1 - nu)) / ((1 + nu) * (1 - 2 * nu));
  const Rp = 0.05 * r.flattening;
  const a = Math.cbrt((0.75 * r.lineLoad_N_per_m * Rp * 50e-6) / M);
  assert.ok(Math.abs(r.contactLength_m - 2 * a) / (2 * a) < 1e-6, `${r.contactLength_m} vs ${2 * a}`);
  assert.ok(Math.abs(r.peakPressure_Pa - 1.5 * r.meanPressure_Pa) < 1e-6 * r.peakPressure_Pa);
  assert.ok(Math.abs(r.meanPressure_Pa * r.contactLength_m - r.lineLoad_N_per_m) < 1e-9 * r.lineLoad_N_per_m);
});

test('Hitchcock flattening: R′/R = 1 + C·P′/Δh, continuous at the Bohm–Flaxa switch', () => {
  assert.ok(Math.abs(flatteningRatio(5000, 5e-6) - (1 + (HITCHCOCK_C * 5000) / 5e-6)) < 1e-12);
  const dh = (HITCHCOCK_C * 1e4) / 4.235;
  const below = flatteningRatio(1e4, dh * 1.0001);
  const above = flatteningRatio(1e4, dh * 0.9999);
  assert.ok(Math.abs(below - above) < 1e-2, `${below} vs ${above}`);
  // process-models.md §1.2 table: P′ = 10 N/mm, Δh = 1 µm → R′/R ≈ 1.22
  assert.ok(Math.abs(flatteningRatio(1e4, 1e-6) - 1.22) < 0.01);
});

test('hotter Li deforms more (creep flow law, Q = 37 kJ/mol)', () => {
  const red = (T: number): number => rollStack(st(300, { temperature_K: T }), stack240(), ctx).layers[1]!.reduction;
  assert.ok(red(423.15) > red(373.15) && red(373.15) > red(303.15));
});

test('liquid Li (above 180.5 °C) is squeezed out of the nip', () => {
  const r = rollStack(st(300, { temperature_K: 473.15 }), stack240(), ctx);
  assert.equal(r.layers[1]!.mode, 'liquid');
  assert.ok(r.layers[1]!.thickness_out_m < 0.1 * r.layers[1]!.thickness_in_m);
});

test('forceForReduction inverts the force → reduction map', () => {
  const res = forceForReduction(st(300), stack240(), ctx, 0.08, 1);
  assert.ok('force_N' in res);
  if ('force_N' in res) {
    const r = rollStack(st(res.force_N), stack240(), ctx);
    assert.ok(Math.abs(r.layers[1]!.reduction - 0.08) < 1e-4);
  }
  const bad = forceForReduction(st(300), stack240(), ctx, 1.5);
  assert.ok('error' in bad && /targetReduction/.test(bad.error));
});
