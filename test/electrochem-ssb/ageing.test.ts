/**
 * Ageing cycles (claim 19): switchable mechanisms, the resistance-growth curve and the end-of-life stop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patentExampleParams, withParams, createSsbModel } from '../../src/electrochem/ssb/index.ts';
import { fastRunner } from '../../src/cycler/step-engines.ts';
import { cycleAgeing, runCycle } from '../../src/cycler/protocols.ts';
import {
  ageingWithMechanisms,
  ageingWithValues,
  ALL_MECHANISMS,
  NO_MECHANISMS,
  type AgeingMechanisms,
} from '../../src/electrochem/ssb/ageing.ts';
import { derive, type SsbCellParams } from '../../src/electrochem/ssb/params.ts';
import type { SsbSpme } from '../../src/electrochem/ssb/spme.ts';

const P = patentExampleParams();
const CUT = { vMax_V: 4.3, vMin_V: 3.0, cvEndCRate: 0.02 };
const OFF: AgeingMechanisms = NO_MECHANISMS;

function age(mech: AgeingMechanisms, cycles = 60, p: SsbCellParams = P, endOfLifeRetention?: number) {
  const m = createSsbModel('spme', withParams(p, { ageing: ageingWithMechanisms(p.ageing, mech) }));
  return cycleAgeing(m, {
    cycles,
    cRate: 0.5,
    cutoffs: CUT,
    ...(endOfLifeRetention !== undefined ? { endOfLifeRetention } : {}),
  });
}
const fade = (a: { retention: Float64Array }): number => 1 - a.retention[a.retention.length - 1]!;

test('all mechanisms on leaves the ageing parameters as they are (the default numbers do not move)', () => {
  assert.deepEqual(ageingWithMechanisms(P.ageing, ALL_MECHANISMS), P.ageing);
});

test('switching a mechanism off removes its fade; all off keeps ≈ 100 % retention and a constant resistance', () => {
  const none = age(OFF);
  assert.ok(fade(none) < 1e-6 && fade(none) > -1e-6, `retention all off ${none.retention.at(-1)}`);
  const r0 = none.resistance_ohm[0]!;
  for (const r of none.resistance_ohm) assert.ok(Math.abs(r / r0 - 1) < 1e-6, `resistance all off ${r} vs ${r0}`);
  const all = age(ALL_MECHANISMS);
  const noContact = age({ ...ALL_MECHANISMS, contact_loss: false });
  const contactOnly = age({ ...OFF, contact_loss: true });
  const interphaseOnly = age({ ...OFF, interphase: true });
  const liOnly = age({ ...OFF, li_inventory: true });
  assert.ok(fade(all) > fade(noContact) + 1e-3, `all ${fade(all)} vs without contact loss ${fade(noContact)}`);
  assert.ok(fade(contactOnly) > 1e-3, `contact loss alone ${fade(contactOnly)}`);
  assert.ok(fade(interphaseOnly) > 0 && fade(interphaseOnly) < fade(all), `interphase alone: ${fade(interphaseOnly)}`);
  // the patent cell's anode holds Li beyond its host (a reservoir): Li lost to side reactions comes out
  // of it first, so capacity does not fall yet — but it never rises
  assert.ok(fade(liOnly) > -1e-6 && fade(liOnly) < fade(all), `li_inventory alone: fade ${fade(liOnly)}`);
  // Li is lost only with li_inventory on (contact loss takes the Li of the isolated particles with them)
  assert.ok(
    Math.abs(interphaseOnly.lithiumInventory_mol.at(-1)! - interphaseOnly.lithiumInventory_mol[0]!) <
      1e-10 * interphaseOnly.lithiumInventory_mol[0]!,
    'Math.abs(interphaseOnly.lithiumInventory_mol.at(-1)! - interphaseOnly.lithiumInventory_mo…',
  );
  assert.ok(
    liOnly.lithiumInventory_mol.at(-1)! < liOnly.lithiumInventory_mol[0]!,
    'liOnly.lithiumInventory_mol.at(-1)! < liOnly.lithiumInventory_mol[0]!',
  );
  // no mechanism raises capacity from one cycle to the next (from the second cycle: the first starts
  // from the pristine, full cathode and forms the CEI)
  for (const a of [all, noContact, contactOnly, interphaseOnly, liOnly]) {
    for (let k = 2; k < a.discharge_C.length; k++)
      assert.ok(a.discharge_C[k]! <= a.discharge_C[k - 1]! * (1 + 1e-9), `cycle ${k + 1} capacity rose`);
  }
});

test('DC resistance grows monotonically with interphase growth on, and more than without it', () => {
  const ip = age({ ...OFF, interphase: true });
  for (let k = 1; k < ip.resistance_ohm.length; k++)
    assert.ok(
      ip.resistance_ohm[k]! > ip.resistance_ohm[k - 1]!,
      `cycle ${k + 1}: ${ip.resistance_ohm[k]} ≤ ${ip.resistance_ohm[k - 1]}`,
    );
  const all = age(ALL_MECHANISMS);
  for (let k = 1; k < all.resistance_ohm.length; k++)
    assert.ok(
      all.resistance_ohm[k]! > all.resistance_ohm[k - 1]!,
      'all.resistance_ohm[k]! > all.resistance_ohm[k - 1]!',
    );
  const growth = (a: { resistance_ohm: Float64Array }): number => a.resistance_ohm.at(-1)! / a.resistance_ohm[0]! - 1;
  const noIp = age({ ...ALL_MECHANISMS, interphase: false });
  assert.ok(growth(ip) > 0.01, `interphase growth ${growth(ip)}`);
  assert.ok(growth(all) > growth(noIp) + 0.5 * growth(ip), `all ${growth(all)} vs no interphase ${growth(noIp)}`);
});

test('the DC resistance is the voltage step at the start of the discharge over the current step', () => {
  const m = createSsbModel('spme', P) as SsbSpme;
  const y = m.initialState(0);
  const c = runCycle(fastRunner(m), m, y, 0.5, 0.5, CUT);
  const cv = c.steps[1]!;
  const dis = c.steps[2]!;
  assert.equal(cv.kind, 'cv');
  assert.ok(
    Math.abs(cv.endCurrent_A - 0.02 * (m.nominalCapacity_C / 3600)) < 1e-6 * cv.endCurrent_A,
    `CV end ${cv.endCurrent_A} A`,
  );
  assert.ok(
    Math.abs(dis.startCurrent_A + 0.5 * (m.nominalCapacity_C / 3600)) < 1e-12,
    'Math.abs(dis.startCurrent_A + 0.5 * (m.nominalCapacity_C / 3600)) < 1e-12',
  );
  assert.ok(dis.startVoltage_V < cv.endVoltage_V, 'the voltage drops when the discharge starts');
  assert.ok(
    Math.abs(c.dcResistance_ohm - (cv.endVoltage_V - dis.startVoltage_V) / (cv.endCurrent_A - dis.startCurrent_A)) <
      1e-12 * c.dcResistance_ohm,
    'Math.abs(c.dcResistance_ohm - (cv.endVoltage_V - dis.startVoltage_V) / (cv.endCurrent_A -…',
  );
  // a cell with four times the cathode interphase resistance shows a higher DC resistance (the composite's
  // ionic path, with its measured tortuosity, carries most of it)
  const thick = createSsbModel(
    'spme',
    withParams(P, { cathode: { interphaseResistance_ohm_m2: 4 * P.cathode.interphaseResistance_ohm_m2 } }),
  ) as SsbSpme;
  const y2 = thick.initialState(0);
  const c2 = runCycle(fastRunner(thick), thick, y2, 0.5, 0.5, CUT);
  assert.ok(c2.dcResistance_ohm > c.dcResistance_ohm * 1.05, `${c2.dcResistance_ohm} vs ${c.dcResistance_ohm}`);
});

test('end of life: ageing stops after the first cycle below the retention threshold', () => {
  // a fast-fading cell: contact loss at 5× the default magnitude and no pressure relief
  const fast = withParams(P, {
    ageing: ageingWithValues(P.ageing, { cathode_contact_lambda: 30, cathode_contact_P0: 1e9 }),
  });
  const a = age(ALL_MECHANISMS, 500, fast, 0.9);
  const n = a.retention.length;
  assert.ok(n < 500, `ran ${n} cycles`);
  assert.equal(a.endOfLifeCycle, n);
  assert.ok(a.retention[n - 1]! < 0.9, `last retention ${a.retention[n - 1]}`);
  for (let k = 0; k < n - 1; k++) assert.ok(a.retention[k]! >= 0.9, `cycle ${k + 1} below EOL ${a.retention[k]}`);
  assert.equal(a.discharge_C.length, n);
  assert.equal(a.resistance_ohm.length, n);
  // the same run without a stop goes on below the threshold; a threshold never reached runs every cycle
  const b = age(ALL_MECHANISMS, n + 5, fast);
  assert.equal(b.endOfLifeCycle, null);
  assert.ok(b.retention.at(-1)! < a.retention[n - 1]!, 'b.retention.at(-1)! < a.retention[n - 1]!');
  const c = age(ALL_MECHANISMS, 20, P, 0.8);
  assert.equal(c.endOfLifeCycle, null);
  assert.equal(c.retention.length, 20);
  assert.throws(() => age(ALL_MECHANISMS, 5, P, 1.2), /endOfLifeRetention: .*got 1\.2.*allowed/);
});

test('after ageing updates the model uses derive(p, ageing state) exactly (refreshDerived updates only the state-dependent fields)', () => {
  const m = createSsbModel('spme', P) as SsbSpme;
  const y = m.initialState(0.5);
  for (let k = 0; k < 40; k++)
    m.afterCycle(y, { index: k, charge_C: 2000, discharge_C: 2000, duration_s: 86400, rest_s: 80000, meanSoc: 0.5 });
  const st = m.core.ageing;
  assert.ok(st.extraRc > 0 && st.anodeContact < 1, 'the updates aged the interphase and the anode contact');
  const want = derive(m.core.p, { extraRc: st.extraRc, anodeContactRetention: st.anodeContact });
  assert.deepEqual({ ...m.core.d }, { ...want });
});

test('afterCycles(y, cycle, n) leaves the same state as n afterCycle calls, bit for bit (every mechanism switch)', () => {
  const cycle = {
    index: 1,
    charge_C: 900,
    discharge_C: 900,
    duration_s: 86400,
    rest_s: 84000,
    restSoc: 0.5,
    meanSoc: 0.55,
    temperature_K: 305,
    dischargeCurrent_A: 0.4,
    platedLi_mol: 1e-6,
  };
  const variants: AgeingMechanisms[] = [
    ALL_MECHANISMS,
    OFF,
    { ...ALL_MECHANISMS, li_inventory: false },
    { ...ALL_MECHANISMS, calendar: false, anode_voids: false },
    { ...ALL_MECHANISMS, contact_loss: false, interphase: false },
  ];
  for (const mech of variants) {
    const p = withParams(P, { ageing: ageingWithMechanisms(P.ageing, mech) });
    const a = createSsbModel('spme', p) as SsbSpme;
    const b = createSsbModel('spme', p) as SsbSpme;
    const ya = a.initialState(0.5);
    const yb = b.initialState(0.5);
    for (let k = 0; k < 500; k++) a.afterCycle(ya, { ...cycle, index: k + 1 });
    b.afterCycles(yb, cycle, 200);
    b.afterCycles(yb, cycle, 300);
    assert.deepEqual(Array.from(yb), Array.from(ya), `state, ${JSON.stringify(mech)}`);
    assert.deepEqual({ ...b.core.ageing }, { ...a.core.ageing }, `ageing state, ${JSON.stringify(mech)}`);
    assert.deepEqual({ ...b.core.d }, { ...a.core.d }, `derived parameters, ${JSON.stringify(mech)}`);
  }
  const m = createSsbModel('spme', P) as SsbSpme;
  assert.throws(() => m.afterCycles(m.initialState(0.5), cycle, 1.5), /ageing\.days: .*got 1\.5.*allowed/);
  assert.throws(() => m.afterCycles(m.initialState(0.5), { ...cycle, rest_s: -1 }, 3), /ageing\.rest_s/);
});
