import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EcmModel, type EcmParams } from '../../src/cycler/ecm.ts';
import { runExperiment, type ExperimentResult } from '../../src/cycler/machine.ts';
import {
  cycleMetrics,
  stepMetrics,
  dcInternalResistance,
  volumeExpansionRate,
  rateCapability,
  firstCycleSummary,
  capacityRetention,
} from '../../src/cycler/metrics.ts';
import {
  toBdfCsv,
  parseBdfCsv,
  toCycleSummaryCsv,
  compareVoltage,
  parseDriveCycleCsv,
  formatCsvError,
  BDF_REQUIRED,
} from '../../src/cycler/bdf.ts';
import { runFirstCycle } from '../../src/cycler/index.ts';
import type { CycleSummary } from '../../src/electrochem/model.ts';
import { testDir } from '../helpers.ts';

const Q = 3600;
const ecm = (over: Partial<EcmParams> = {}): EcmModel =>
  new EcmModel({ capacity_C: Q, ocvSoc: [0, 1], ocvV: [3.0, 4.2], R0_ohm: 0.05, R1_ohm: 0.02, tau1_s: 30, ...over });

test('capacities in Ah, mAh/g (cathode active mass), mAh/cm² (area); CE and mean voltages', () => {
  // 1 Ah cell with 5 g of cathode active material over 100 cm² (illustrative, assumption)
  const m = ecm({ cathodeActiveMass_kg: 5e-3, area_m2: 1e-2 });
  const r = runExperiment(
    m,
    [['Charge at 0.5C until 4.1 V', 'Hold at 4.1 V until C/50', 'Discharge at 0.5C until 3.1 V']],
    { initialSoc: 0 },
  );
  assert.equal(r.status, 'completed', r.reason);
  const c = cycleMetrics(r, 1);
  assert.ok(
    Math.abs(c.charge_Ah - r.cycles[0]!.charge_C / 3600) < 1e-12,
    'Math.abs(c.charge_Ah - r.cycles[0]!.charge_C / 3600) < 1e-12',
  );
  assert.ok(Math.abs(c.charge_mAh_g! - (c.charge_Ah * 1000) / 5) < 1e-9, `${c.charge_mAh_g}`);
  assert.ok(
    Math.abs(c.discharge_mAh_cm2! - (c.discharge_Ah * 1000) / 100) < 1e-9,
    'Math.abs(c.discharge_mAh_cm2! - (c.discharge_Ah * 1000) / 100) < 1e-9',
  );
  assert.ok(
    c.coulombicEfficiency! <= 1 + 1e-9 && c.coulombicEfficiency! > 0.8,
    'c.coulombicEfficiency! <= 1 + 1e-9 && c.coulombicEfficiency! > 0.8',
  );
  assert.ok(c.meanChargeVoltage_V! > c.meanDischargeVoltage_V!, 'charge above discharge voltage for a resistive cell');
  assert.ok(
    c.meanDischargeVoltage_V! > 3.1 && c.meanDischargeVoltage_V! < 4.1,
    'c.meanDischargeVoltage_V! > 3.1 && c.meanDischargeVoltage_V! < 4.1',
  );
  assert.ok(c.energyEfficiency! < c.coulombicEfficiency!, 'c.energyEfficiency! < c.coulombicEfficiency!');
  const s = stepMetrics(r, 3);
  assert.equal(s.charge_Ah, 0);
  assert.equal(s.coulombicEfficiency, null);
  assert.ok(Math.abs(s.discharge_Ah - c.discharge_Ah) < 1e-12, 'Math.abs(s.discharge_Ah - c.discharge_Ah) < 1e-12');
  assert.deepEqual(capacityRetention(r), [1]);
  // without mass/area the specific figures are null, not NaN
  const r2 = runExperiment(ecm(), ['Discharge at 1C for 1 minute'], { initialSoc: 0.5 });
  assert.equal(cycleMetrics(r2, 1).discharge_mAh_g, null);
  assert.throws(() => cycleMetrics(r2, 7), /cycleIndex: no cycle 7/);
});

test('DCIR from a pulse equals R0 + R1·(1 − e^{−t/τ}) + (dOCV/dSOC)·t/Q', () => {
  const m = ecm();
  const r = runExperiment(m, [['Rest for 10 minutes', 'Discharge at 2 A for 30 seconds (0.5 second period)']], {
    initialSoc: 0.5,
  });
  assert.equal(r.status, 'completed', r.reason);
  for (const t of [0.5, 1, 10, 30]) {
    const d = dcInternalResistance(r, 2, t);
    const want = 0.05 + 0.02 * (1 - Math.exp(-t / 30)) + (1.2 * t) / Q;
    assert.ok(Math.abs(d.resistance_ohm - want) < 2e-5, `t=${t}: ${d.resistance_ohm} vs ${want}`);
    assert.ok(Math.abs(d.deltaI_A + 2) < 1e-9, 'Math.abs(d.deltaI_A + 2) < 1e-9');
  }
  assert.throws(() => dcInternalResistance(r, 1, 1), /first step/);
  assert.throws(() => dcInternalResistance(r, 2, 31), /after_s: must be within the pulse/);
});

class SwellingEcm extends EcmModel {
  swell_m = 0;
  // thickness of an illustrative 100 µm cell: +2 % reversible with SOC, +0.5 µm irreversible per cycle (test hooks)
  thickness_m(y: Float64Array): number {
    return 100e-6 * (1 + 0.02 * y[0]!) + this.swell_m;
  }
  afterCycle(_y: Float64Array, _c: CycleSummary): void {
    this.swell_m += 0.5e-6;
  }
}

test('Eq. 1 volume expansion rate (B − A)/A·100 over the [0178] first cycle; not evaluable without thickness', () => {
  const m = new SwellingEcm({ capacity_C: Q, ocvSoc: [0, 1], ocvV: [3.0, 4.4], R0_ohm: 0.02, R1_ohm: 0, tau1_s: 10 });
  const r = runFirstCycle(m, 4.3, 3.0);
  assert.equal(r.status, 'completed', r.reason);
  const e = volumeExpansionRate(r);
  assert.ok(e.evaluable, 'e.evaluable');
  if (!e.evaluable) return;
  const socEnd = r.finalState[0]!;
  const B = 100e-6 * (1 + 0.02 * socEnd) + 0.5e-6;
  assert.ok(Math.abs(e.before_um - 100) < 1e-9, 'Math.abs(e.before_um - 100) < 1e-9');
  assert.ok(Math.abs(e.rate_pct - ((B - 100e-6) / 100e-6) * 100) < 1e-9, `${e.rate_pct}`);
  const sum = firstCycleSummary(r);
  assert.equal(sum.volume_expansion_rate_pct, e.rate_pct);
  const plain = runFirstCycle(ecm({ ocvV: [3.0, 4.4] }), 4.3, 3.0);
  const ne = volumeExpansionRate(plain);
  assert.equal(ne.evaluable, false);
  assert.match(!ne.evaluable ? ne.reason : '', /gives no cell thickness/);
  assert.equal(firstCycleSummary(plain).volume_expansion_rate_pct, null);
});

test('rate capability: bisection finds the analytic highest C-rate delivering 80 % of the C/10 capacity', () => {
  // R1 = 0, linear OCV a + b·s: a discharge at I from s0 ends at s = R0·I/b, so Q(r) = Q·(s0 − R0·r/b) (1C = 1 A)
  const R0 = 0.5;
  const b = 1.2;
  const m = ecm({ R0_ohm: R0, R1_ohm: 0 });
  const res = rateCapability(m, { chargeCutoff_V: 4.2, dischargeCutoff_V: 3.0, tolerance: 0.005 });
  const s0 = 1 - (R0 * 0.02) / b; // after the C/50-terminated hold at 4.2 V
  const qRef = s0 - (R0 * 0.1) / b;
  const rStar = ((s0 - 0.8 * qRef) * b) / R0;
  assert.ok(Math.abs(res.referenceCapacity_Ah - qRef) < 1e-4, `${res.referenceCapacity_Ah} vs ${qRef}`);
  assert.ok(Math.abs(res.highestRate / rStar - 1) < 0.01, `${res.highestRate} vs ${rStar}`);
  assert.equal(res.meetsClaimRate, rStar >= 0.33);
  assert.ok(
    res.evaluations.length > 3 && res.evaluations.length < 40,
    'res.evaluations.length > 3 && res.evaluations.length < 40',
  );
  // a discharge the model cannot run counts as not delivering (here: a model that refuses more than 2 A)
  class Limited extends EcmModel {
    override problem(c: Parameters<EcmModel['problem']>[0]): ReturnType<EcmModel['problem']> {
      if (c.mode === 'current' && typeof c.value === 'number' && Math.abs(c.value) > 2)
        throw new RangeError(`control.value: beyond 2 A (got ${c.value})`);
      return super.problem(c);
    }
  }
  const lim = rateCapability(
    new Limited({ capacity_C: Q, ocvSoc: [0, 1], ocvV: [3.0, 4.2], R0_ohm: 0.05, R1_ohm: 0, tau1_s: 30 }),
    { chargeCutoff_V: 4.2, dischargeCutoff_V: 3.0 },
  );
  assert.ok(Math.abs(lim.highestRate / 2 - 1) < 0.01 && lim.highestRate <= 2, `${lim.highestRate}`);
  assert.ok(
    lim.evaluations.some((e) => !e.ok && /beyond 2 A/.test(e.failure ?? '')),
    "lim.evaluations.some((e) => !e.ok && /beyond 2 A/.test(e.failure ?? ''))",
  );
  // a low-resistance cell hits the search limit
  const good = rateCapability(ecm({ R0_ohm: 0.001, R1_ohm: 0 }), {
    chargeCutoff_V: 4.2,
    dischargeCutoff_V: 3.0,
    maxRate: 5,
  });
  assert.ok(
    good.atSearchLimit && good.highestRate === 5 && good.meetsClaimRate,
    'good.atSearchLimit && good.highestRate === 5 && good.meetsClaimRate',
  );
});

function sample(): ExperimentResult {
  const r = runExperiment(
    ecm(),
    {
      steps: [
        { repeat: 2, steps: ['Charge at 1C until 4.1 V', 'Hold at 4.1 V until C/20', 'Discharge at 1C until 3.1 V'] },
      ],
      period: '30 seconds',
    },
    { initialSoc: 0 },
  );
  assert.equal(r.status, 'completed', r.reason);
  return r;
}

test('BDF round trip: write then read back gives the same numbers; current positive on charge', () => {
  const r = sample();
  const csv = toBdfCsv(r);
  const header = csv.split('\n')[0]!.split(',');
  for (const c of BDF_REQUIRED) assert.ok(header.includes(c), c);
  const back = parseBdfCsv(csv);
  assert.ok(back.ok, back.ok ? '' : back.errors.map((e) => formatCsvError(e)).join('\n'));
  if (!back.ok) return;
  const v = back.value;
  assert.deepEqual(v.time_s, r.series.time_s);
  assert.deepEqual(v.voltage_V, r.series.voltage_V);
  assert.deepEqual(v.current_A, r.series.current_A);
  assert.deepEqual(v.cycle, r.series.cycle);
  assert.deepEqual(v.step, r.series.step);
  assert.deepEqual(
    v.chargeCapacity_Ah,
    r.series.charge_C.map((x) => x / 3600),
  );
  assert.deepEqual(
    v.dischargeCapacity_Ah,
    r.series.discharge_C.map((x) => x / 3600),
  );
  assert.deepEqual(v.columns['soc'], r.series.outputs['soc']);
  // charge steps have positive current in the file
  const k = r.series.step.indexOf(1) + 1;
  assert.ok(v.current_A[k]! > 0, 'v.current_A[k]! > 0');
  // cycle summary
  const sum = toCycleSummaryCsv(r).trim().split('\n');
  assert.equal(sum.length, 3);
  // per-cycle values under the spec's per-cycle names, on the record at the cycle's end
  const sh = sum[0]!.split(',');
  assert.deepEqual(sh.slice(0, 8), [
    'Cycle Count / 1',
    'Test Time / s',
    'Voltage / V',
    'Current / A',
    'Cycle Charging Capacity / Ah',
    'Cycle Discharging Capacity / Ah',
    'Cycle Charging Energy / Wh',
    'Cycle Discharging Energy / Wh',
  ]);
  assert.equal(
    Number(sum[2]!.split(',')[sh.indexOf('Cycle Discharging Capacity / Ah')]),
    r.cycles[1]!.discharge_C / 3600,
  );
  assert.equal(Number(sum[2]!.split(',')[sh.indexOf('Test Time / s')]), r.cycles[1]!.end_s);
});

test('BDF import errors name line and column; measured vs predicted RMSE', () => {
  const bad = 'Test Time / s,Voltage / V,Current / A\n0,4.1,1\n1,abc,1\n2,4.0\n';
  const r = parseBdfCsv(bad);
  assert.ok(!r.ok, '!r.ok');
  if (r.ok) return;
  assert.equal(
    formatCsvError(r.errors[0]!, 'm.csv'),
    "m.csv 'Voltage / V': not a finite number (got 'abc'; allowed a finite number) [line 3, column 2]",
  );
  assert.match(
    formatCsvError(r.errors[1]!),
    /wrong number of fields \(got 2; allowed 3 \(as the header\)\) \[line 4, column 3\]/,
  );
  // a hexadecimal cell is not a measured number (Number() read 0x10 as 16)
  const hex = parseBdfCsv('Test Time / s,Voltage / V,Current / A\n0,4.1,1\n1,4.0,0x10\n');
  assert.ok(!hex.ok, '!hex.ok');
  if (!hex.ok)
    assert.match(
      formatCsvError(hex.errors[0]!, 'm.csv'),
      /'Current \/ A': not a finite number \(got '0x10'.*\[line 3, column 3\]/,
    );
  const miss = parseBdfCsv('Time,Voltage / V\n0,1\n');
  assert.ok(
    !miss.ok &&
      /missing column 'Test Time \/ s' \(got 'Time', 'Voltage \/ V'; allowed/.test(formatCsvError(miss.errors[0]!)) &&
      miss.errors[0]!.line === 1,
    "!miss.ok && /missing column 'Test Time \\/ s' \\(got 'Time', 'Voltage \\/ V'; allowed/.test(…",
  );
  const back = parseBdfCsv('Test Time / s,Voltage / V,Current / A\n0,4,1\n2,4,1\n1,4,1\n');
  assert.ok(
    !back.ok && back.errors[0]!.line === 4 && /time goes backwards/.test(back.errors[0]!.problem),
    '!back.ok && back.errors[0]!.line === 4 && /time goes backwards/.test(back.errors[0]!.prob…',
  );
  // the shared validation files (About:Energy, ../shared/validation) use `Time [s],I[A],U[V]`; their first lines:
  const val = 'Time [s],I[A],U[V]\n0,-0.00584834,4.193675688\n0.002,-12.4946539,4.14132665\n';
  const mv = parseBdfCsv(val);
  assert.ok(
    mv.ok &&
      mv.value.time_s.length === 2 &&
      mv.value.current_A[1] === -12.4946539 &&
      mv.value.voltage_V[1] === 4.14132665,
    'mv.ok && mv.value.time_s.length === 2 && mv.value.current_A[1] === -12.4946539 && mv.valu…',
  );
  // RMSE: identical → 0; shifted by 10 mV → 0.01 V
  const s = sample();
  // (rows at a step switch share a time with different voltages, the IR jump; compare the other rows)
  const t = s.series.time_s;
  const keep = t.map((_, k) => k).filter((k) => t[k] !== t[k - 1] && t[k] !== t[k + 1]);
  const meas = { time_s: keep.map((k) => t[k]!), voltage_V: keep.map((k) => s.series.voltage_V[k]!) };
  const same = compareVoltage(s.series, meas);
  assert.ok(
    same.rmse_V < 1e-15 && same.points === keep.length && keep.length > 100,
    'same.rmse_V < 1e-15 && same.points === keep.length && keep.length > 100',
  );
  const shifted = compareVoltage(s.series, { time_s: meas.time_s, voltage_V: meas.voltage_V.map((x) => x + 0.01) });
  assert.ok(
    Math.abs(shifted.rmse_V - 0.01) < 1e-12 && Math.abs(shifted.maxAbsError_V - 0.01) < 1e-12,
    'Math.abs(shifted.rmse_V - 0.01) < 1e-12 && Math.abs(shifted.maxAbsError_V - 0.01) < 1e-12',
  );
  const dc = parseDriveCycleCsv('Time [s],I[A],U[V]\n5,-1,4\n6,-2,4\n7,0,4\n');
  assert.ok(
    dc.ok && dc.value.time_s[0] === 0 && dc.value.value[1] === -2,
    'dc.ok && dc.value.time_s[0] === 0 && dc.value.value[1] === -2',
  );
});

test('io: drive cycles named by an experiment load from disk; measured-file errors name file, line and column', async () => {
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { parseExperiment } = await import('../../src/cycler/experiment.ts');
  const { loadDriveCycles, readBdfFile } = await import('../../src/cycler/io.ts');
  const dir = testDir('cycler-');
  writeFileSync(join(dir, 'pulse.csv'), 'Time [s],I[A]\n0,-1\n10,-1\n10.5,0\n20,0\n');
  const e = parseExperiment(['Run drive cycle from pulse.csv as current']);
  assert.ok(e.ok, 'e.ok');
  if (!e.ok) return;
  const dc = loadDriveCycles(e.value, dir);
  assert.deepEqual(dc['pulse.csv'], { time_s: [0, 10, 10.5, 20], value: [-1, -1, 0, 0] });
  const r = runExperiment(ecm(), e.value, { initialSoc: 0.5, driveCycles: dc });
  assert.equal(r.status, 'completed', r.reason);
  // ∫I dt = −10 − 0.25 = −10.25 C
  const last = r.series.time_s.length - 1;
  assert.ok(
    Math.abs(r.series.charge_C[last]! - r.series.discharge_C[last]! + 10.25) < 1e-3,
    'Math.abs(r.series.charge_C[last]! - r.series.discharge_C[last]! + 10.25) < 1e-3',
  );
  const missing = parseExperiment(['Run drive cycle from nope.csv as current']);
  assert.ok(missing.ok, 'missing.ok');
  if (missing.ok)
    assert.throws(
      () => loadDriveCycles(missing.value, dir),
      /drive cycle 'nope.csv': file not found \(got ".*nope\.csv"; allowed a regular drive-cycle CSV file/,
    );
  writeFileSync(join(dir, 'bad.csv'), 'Test Time / s,Voltage / V,Current / A\n0,4.1,1\n1,4.1,x\n');
  assert.throws(
    () => readBdfFile(join(dir, 'bad.csv')),
    /bad\.csv 'Current \/ A': not a finite number \(got 'x'; allowed a finite number\) \[line 3, column 3\]/,
  );
});
