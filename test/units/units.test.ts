/** The unit helpers at the edges (src/units): conversions by exact powers of ten give the correctly rounded value. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MPa, Wh, days, kmPerH, mOhm, mV, mph, toDays, toKm, toMPa } from '../../src/units/index.ts';
import { ageingValidity } from '../../src/cycler/ageing-band.ts';

test('Pa → MPa is the correctly rounded quotient (a multiplication by the inexact 1e-6 is not)', () => {
  assert.equal(toMPa(1e5), 0.1); // 1e5 × 1e-6 = 0.09999999999999999
  assert.equal(toMPa(140.3e6), 140.3); // 140.3e6 × 1e-6 = 140.29999999999998
  assert.equal(toMPa(MPa(7)), 7);
  assert.equal(toMPa(0), 0);
});

test('the ageing validity flag reports the stack pressure in MPa as the user wrote it', () => {
  const [flag] = ageingValidity({
    cRate: 0.3,
    modelMaxCRate: 0.5,
    temperature_K: 298.15,
    stackPressure_Pa: 140.3e6,
    cycles: 10,
  });
  assert.equal(flag?.quantity, 'stack_pressure');
  assert.equal(flag.value, 140.3);
  assert.match(flag.text, /^outside validity: 140 MPa is above the fitted pressure series \(0–\d+ MPa\)$/);
});

test('battery units: a day is 86 400 s, 1 mile = 1609.344 m (international mile), 1 Wh = 3600 J, km/h and milli-units', () => {
  assert.equal(days(1), 86400);
  assert.equal(toDays(days(31)), 31);
  assert.ok(Math.abs(mph(1) * 3600 - 1609.344) < 1e-9, '1 mph over an hour is one international mile');
  assert.equal(kmPerH(36), 10);
  assert.equal(toKm(42195), 42.195);
  assert.equal(Wh(1), 3600);
  assert.equal(mOhm(200), 0.2);
  assert.equal(mV(5), 0.005);
});
