import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cathodeOcp, liAlOcp } from '../../src/materials/ocp/index.ts';
import { daeRunner, fastRunner } from '../../src/cycler/step-engines.ts';
import { cycleAgeing, firstCycle, runCycle } from '../../src/cycler/protocols.ts';
import { SsbP2D } from '../../src/electrochem/ssb/p2d.ts';
import {
  patentExampleCell,
  patentExampleConditions,
  patentExampleParams,
  ssbParamsFromProducedCell,
  withParams,
  defaultAgeing,
  type SsbCellParams,
} from '../../src/electrochem/ssb/params.ts';
import { SsbSpm } from '../../src/electrochem/ssb/spm.ts';
import { NO_MECHANISMS } from '../../src/electrochem/ssb/ageing.ts';
import { createSpme } from '../../src/electrochem/ssb/spme.ts';

const P = patentExampleParams();
const CUT = { vMax_V: 4.3, vMin_V: 3.0 };
const noAgeing = (p: SsbCellParams): SsbCellParams =>
  withParams(p, {
    ageing: { ...defaultAgeing(), mechanisms: NO_MECHANISMS },
  });

for (const kind of ['p2d', 'spme', 'spm'] as const)
  test(`${kind}: analytic Jacobian matches finite differences for every control mode (with anode hysteresis on)`, () => {
    const ph = withParams(P, { anode: { hysteresis_V: 0.03, li_mol_m2: 0.5 * P.anode.al_mol_m2, freeLi_m: 0 } });
    const m =
      kind === 'p2d'
        ? new SsbP2D(ph, { nx: 4, nr: 4, na: 4 })
        : kind === 'spme'
          ? createSpme(ph, { nr: 4, na: 4 })
          : new SsbSpm(ph, { nr: 4, na: 4 });
    const y = m.initialState(0.4);
    // reaction currents (P2D), a CEI half formed, Li metal beyond the host in the first anode volume
    if (kind === 'p2d')
      for (let k = 0; k < 4; k++) {
        y[k * 8 + 6] = 0.3 * (k + 1);
        y[k * 8 + 7] = 1e6 * (k + 1);
      }
    else y[m.n - 2] = 50;
    y[m.n - 1] = 2e-4;
    const a0 = kind === 'p2d' ? 4 * 8 : 4;
    y[a0] = 1.3;
    y[a0 + 1] = 0.999;
    for (const mode of ['current', 'voltage', 'power', 'resistance', 'rest'] as const) {
      const pr = m.problem({ mode, value: mode === 'resistance' ? 50 : 1e-3 });
      const f0 = new Float64Array(m.n);
      pr.f(0, y, f0);
      const J = new Map<number, number>();
      pr.jacobian!(0, y, { add: (i, j, v) => J.set(i * m.n + j, (J.get(i * m.n + j) ?? 0) + v) });
      for (let j = 0; j < m.n; j++) {
        const yp = Float64Array.from(y);
        const h = 1e-6 * Math.max(1e-3, Math.abs(y[j]!));
        yp[j] = yp[j]! + h;
        const f1 = new Float64Array(m.n);
        pr.f(0, yp, f1);
        for (let i = 0; i < m.n; i++) {
          const fd = (f1[i]! - f0[i]!) / h;
          const an = J.get(i * m.n + j) ?? 0;
          assert.ok(
            Math.abs(fd - an) <= 1e-3 * (Math.abs(fd) + Math.abs(an)) + 1e-6,
            `${mode} ∂f${i}/∂y${j}: ${an} vs ${fd}`,
          );
        }
      }
    }
  });

test('at rest the terminal voltage equals cathode OCP − anode OCP at the separator (P2D, SPMe, SPM)', () => {
  // a coated cathode: no CEI, so a rest state is a steady state
  const Pc = withParams(P, { cathode: { cei: { ...P.cathode.cei, qMax_C_m2: 0 } } });
  for (const soc of [0, 0.3, 0.7, 1]) {
    for (const m of [new SsbP2D(Pc, { nx: 4, nr: 4, na: 4 }), createSpme(Pc), new SsbSpm(Pc)]) {
      const y = m.initialState(soc);
      const { y: ys } = m.core.restStoich(soc);
      const xs = m.outputs!(y)['anode_surface_x']!;
      const ocv = cathodeOcp('NCM811').U(ys) - liAlOcp(xs, P.temperature_K).U;
      assert.ok(Math.abs(m.voltage(y) - ocv) < 1e-12, `${m.name} soc=${soc}`);
      // and the rest residual vanishes (a consistent state)
      const f = new Float64Array(m.n);
      m.problem({ mode: 'rest', value: 0 }).f(0, y, f);
      for (const v of f) assert.ok(Math.abs(v) < 1e-9, 'Math.abs(v) < 1e-9');
    }
  }
  // fully charged: 4.3 V by construction of the design window
  assert.ok(
    Math.abs(createSpme(Pc).voltage(createSpme(Pc).initialState(1)) - 4.3) < 1e-6,
    'Math.abs(createSpme(Pc).voltage(createSpme(Pc).initialState(1)) - 4.3) < 1e-6',
  );
});

test('P2D conserves lithium to 1e-10 (relative) over a full CC-CV/CC cycle; the [0178] protocol runs', () => {
  const m = new SsbP2D(noAgeing(P), { nx: 6, nr: 6, na: 6 });
  const y = m.initialState(0);
  const li0 = m.lithiumInventory_mol(y);
  const r = firstCycle(daeRunner(m), m, y);
  const li1 = m.lithiumInventory_mol(y);
  assert.ok(Math.abs(li1 - li0) / li0 < 1e-10, `ΔLi/Li = ${(li1 - li0) / li0}`);
  assert.ok(r.chargeCapacity_mAh_g > 150 && r.chargeCapacity_mAh_g < 250, `charge ${r.chargeCapacity_mAh_g} mAh/g`);
  // an uncoated cathode: the CEI and the slow refill near full lithiation cost 10–30 % (Jangid 2024: 82 %)
  assert.ok(r.coulombicEfficiency > 0.7 && r.coulombicEfficiency < 0.95, `CE ${r.coulombicEfficiency}`);
  assert.equal(r.steps.map((s) => s.stoppedBy).join(','), 'cutoff,current,cutoff');
  // Eq. 1: Li left in the anode after the first cycle (CE < 1) ⇒ the cell ends slightly thicker
  assert.ok(r.volumeExpansionRate_pct > 0 && r.volumeExpansionRate_pct < 5, `expansion ${r.volumeExpansionRate_pct} %`);
  assert.ok(r.thicknessBefore_m < 1e-3, 'claim 14: cell ≤ 1 mm');
});

test('claims 13/16 window: the seed example delivers ≥ 100 mAh/g at 0.33C', () => {
  const m = createSpme(P);
  const y = m.initialState(0);
  const run = fastRunner(m);
  runCycle(run, m, y, 0.1, 0.1, { ...CUT, cvEndCRate: 0.02 });
  const c = runCycle(run, m, y, 0.33, 0.33, CUT);
  const mAh_g = c.discharge_C / 3.6 / (m.cathodeActiveMass_kg * 1000);
  assert.ok(mAh_g >= 100 && mAh_g < 220, `${mAh_g} mAh/g`);
});

test('SPMe conserves lithium over cycles (fast stepper) and ageing only removes lithium', () => {
  const m = createSpme(noAgeing(P));
  const y = m.initialState(0);
  const li0 = m.lithiumInventory_mol(y);
  const run = fastRunner(m);
  for (let k = 0; k < 3; k++) runCycle(run, m, y, 0.5, 0.5, { ...CUT, cvEndCRate: 0.05 });
  assert.ok(
    Math.abs(m.lithiumInventory_mol(y) - li0) / li0 < 1e-12,
    'Math.abs(m.lithiumInventory_mol(y) - li0) / li0 < 1e-12',
  );
  const aged = createSpme(P);
  const a = cycleAgeing(aged, { cycles: 20, cRate: 0.5, cutoffs: CUT });
  for (let k = 1; k < 20; k++)
    assert.ok(
      a.lithiumInventory_mol[k]! < a.lithiumInventory_mol[k - 1]!,
      'a.lithiumInventory_mol[k]! < a.lithiumInventory_mol[k - 1]!',
    );
});

test('without the CEI, a slow CC-CV charge moves the stoichiometric design capacity within 1 % (P2D and SPMe)', () => {
  const Pi = withParams(P, { cathode: { cei: { ...P.cathode.cei, qMax_C_m2: 0 } } });
  for (const m of [new SsbP2D(Pi, { nx: 5, nr: 6, na: 5 }), createSpme(Pi)]) {
    const y = m.initialState(0);
    const run = m instanceof SsbP2D ? daeRunner(m) : fastRunner(m);
    const I1 = m.nominalCapacity_C / 3600;
    const q =
      run(y, { kind: 'cc', current_A: 0.05 * I1, vCut_V: CUT.vMax_V }).charge_C +
      run(y, { kind: 'cv', voltage_V: CUT.vMax_V, iEnd_A: 0.002 * I1 }).charge_C;
    const design = m.nominalCapacity_C;
    assert.ok(Math.abs(q / design - 1) < 0.01, `${m.name}: ${q / design}`);
    // design capacity itself is the stoichiometric one: ε·L·A·c_max·F·Δy
    const { y: y0 } = m.core.restStoich(0);
    const { y: y1 } = m.core.restStoich(1);
    const c_ = Pi.cathode;
    const stoich = c_.activeFraction * c_.thickness_m * Pi.area_m2 * c_.cMax_mol_m3 * 96485.33212 * (y0 - y1);
    assert.ok(Math.abs(stoich / design - 1) < 1e-9, 'Math.abs(stoich / design - 1) < 1e-9');
  }
});

test('SPMe and SPM agree with the P2D up to their stated C-rate limits (capacity 2 %, mean voltage 20 mV)', () => {
  const spme = createSpme(P, { nr: 6, na: 6 });
  const spm = new SsbSpm(P, { nr: 6, na: 6 });
  // ν² (transport over interfacial resistance) is ≈ 2 with the measured composite tortuosity: the reaction
  // is not uniform through the composite, and the agreement below is what shows the SPMe still holds
  assert.ok(spme.validity.nu2 > 0.5 && spme.validity.nu2 < 5, `ν² = ${spme.validity.nu2}`);
  for (const reduced of [spme, spm]) {
    const rate = reduced.validity.maxCRate;
    const res: Array<{ q: number; v: number }> = [];
    for (const m of [new SsbP2D(P, { nx: 6, nr: 6, na: 6 }), reduced]) {
      const y = m.initialState(0);
      const run = m instanceof SsbP2D ? daeRunner(m) : fastRunner(m);
      runCycle(run, m, y, 0.1, 0.1, { ...CUT, cvEndCRate: 0.02 });
      const c = runCycle(run, m, y, 0.1, rate, { ...CUT, cvEndCRate: 0.02 });
      res.push({ q: c.discharge_C, v: c.averageDischargeVoltage_V });
    }
    const [ref, o] = res as [{ q: number; v: number }, { q: number; v: number }];
    assert.ok(Math.abs(o.q / ref.q - 1) < 0.02, `${reduced.name} at ${rate}C: capacity ${o.q} vs ${ref.q}`);
    assert.ok(Math.abs(o.v - ref.v) < 0.02, `${reduced.name} at ${rate}C: mean voltage ${o.v} vs ${ref.v}`);
  }
});

test('beyond its validity the SPM misses the ohmic drop the P2D resolves (2C)', () => {
  // mean discharge voltage at 2C down to 3.3 V (above the knee where the particle surfaces fill, y → 1,
  // and the capacity is set by solid diffusion in both models): the SPM lacks the composite's
  // electrolyte drop, ≈ 0.1 V here
  const res: number[] = [];
  for (const m of [new SsbP2D(P, { nx: 6, nr: 6, na: 6 }), new SsbSpm(P, { nr: 6, na: 6 })]) {
    const y = m.initialState(1);
    const run = m instanceof SsbP2D ? daeRunner(m) : fastRunner(m);
    const r = run(y, { kind: 'cc', current_A: (-2 * m.nominalCapacity_C) / 3600, vCut_V: 3.3 });
    res.push(r.energy_J / r.charge_C);
  }
  assert.ok(res[1]! > res[0]! + 0.05, `SPM ${res[1]} V vs P2D ${res[0]} V`);
});

test('capacity is limited by the electrode that runs out first (N/P < 1 and > 1)', () => {
  // a cathode made partly delithiated (y = 0.3) against an anode holding little (N/P < 1) or much Li
  // (coated: no CEI, whose film would form at once on a cathode made at 4.2 V)
  // (a constant D_s: the divacancy slowdown near y = 1 would leave the last few % unfilled at 0.02C)
  const base = withParams(noAgeing(P), {
    cathode: { yPristine: 0.3, DsVacancy: null, cei: { ...P.cathode.cei, qMax_C_m2: 0 } },
  });
  const nAlm2 = base.anode.al_mol_m2;
  const cathodeRoom = base.cathode.activeFraction * base.cathode.thickness_m * base.cathode.cMax_mol_m3 * (1 - 0.3); // mol m⁻²
  for (const ratio of [0.4, 3]) {
    const li = ratio * cathodeRoom;
    const p = withParams(base, { anode: { li_mol_m2: li, al_mol_m2: Math.max(nAlm2, 2 * li) } });
    const m = createSpme(p);
    // start from the as-made state (q = 0: nothing moved yet)
    const w = m.core.window;
    const y = m.initialState(-w.qLo / (w.qHi - w.qLo));
    const d = fastRunner(m)(y, { kind: 'cc', current_A: (-0.02 * m.nominalCapacity_C) / 3600, vCut_V: 3.0 });
    const q = -d.charge_C / p.area_m2 / 96485.33212; // mol m⁻²
    const limit = Math.min(li, cathodeRoom);
    assert.ok(Math.abs(q / limit - 1) < 0.03, `ratio ${ratio}: delivered ${q} vs limit ${limit}`);
  }
});

test('higher stack pressure never lowers capacity at a fixed rate', () => {
  let prev = 0;
  for (const Pa of [1e6, 2e6, 5e6, 10e6, 20e6]) {
    const m = createSpme(withParams(P, { stackPressure_Pa: Pa }));
    const y = m.initialState(0);
    const run = fastRunner(m);
    runCycle(run, m, y, 0.1, 0.1, { ...CUT, cvEndCRate: 0.02 });
    const c = runCycle(run, m, y, 0.1, 1, { ...CUT, cvEndCRate: 0.02 });
    assert.ok(c.discharge_C >= prev - 1e-9, `P = ${Pa} Pa: ${c.discharge_C} < ${prev}`);
    prev = c.discharge_C;
  }
});

test('ageing: discharge capacity never increases from cycle to cycle; higher pressure slows contact-loss fade', () => {
  const ret: number[] = [];
  for (const Pa of [2e6, 10e6]) {
    const p = withParams(P, {
      stackPressure_Pa: Pa,
      ageing: { ...defaultAgeing(), mechanisms: { ...defaultAgeing().mechanisms, interphase: false } },
    });
    const m = createSpme(p);
    const a = cycleAgeing(m, { cycles: 150, cRate: 0.5, cutoffs: CUT });
    // the first cycle starts from the pristine, full cathode (slow Li diffusion near y = 1 limits its charge
    // at 0.5C; the CEI forms): ageing is judged from the second cycle on
    for (let k = 2; k < 150; k++) assert.ok(a.discharge_C[k]! <= a.discharge_C[k - 1]! * (1 + 1e-9), `cycle ${k + 1}`);
    ret.push(a.retention[149]!);
  }
  assert.ok(ret[1]! > ret[0]!, `retention at 10 MPa ${ret[1]} must exceed 2 MPa ${ret[0]}`);
  // all submodels on: still monotone
  const a = cycleAgeing(createSpme(P), { cycles: 100, cRate: 0.5, cutoffs: CUT });
  for (let k = 2; k < 100; k++)
    assert.ok(
      a.discharge_C[k]! <= a.discharge_C[k - 1]! * (1 + 1e-9),
      'a.discharge_C[k]! <= a.discharge_C[k - 1]! * (1 + 1e-9)',
    );
});

test('without ageing the capacity stays constant cycle to cycle', () => {
  const a = cycleAgeing(createSpme(noAgeing(P)), { cycles: 10, cRate: 0.5, cutoffs: CUT });
  for (let k = 2; k < 10; k++)
    assert.ok(
      Math.abs(a.discharge_C[k]! / a.discharge_C[1]! - 1) < 1e-6,
      'Math.abs(a.discharge_C[k]! / a.discharge_C[1]! - 1) < 1e-6',
    );
});

test('thickness: lithiating the Al anode thickens the cell by the molar-volume change', () => {
  const m = createSpme(noAgeing(P));
  const y0 = m.initialState(0);
  const y1 = m.initialState(1);
  const dq = (m.core.window.qHi - m.core.window.qLo) / P.area_m2; // mol Li m⁻² moved to the anode
  const dt = m.thickness_m(y1) - m.thickness_m(y0);
  // free Li (x > 1): +V_m(Li) per mol; the NCM811 shrink (−5.1 % × ε_AM) offsets part of it
  const liGrowth = dq * 12.998e-6;
  assert.ok(dt > 0 && dt < liGrowth, `Δt = ${dt} m, Li metal alone ${liGrowth} m`);
  assert.ok(m.thickness_m(y0) > 100e-6 && m.thickness_m(y0) < 1e-3, 'claim 14: ≤ 1 mm');
});

test('produced-cell input is validated with field paths', () => {
  const c = patentExampleCell();
  assert.throws(
    () => ssbParamsFromProducedCell({ ...c, cathodeThickness_m: -1 }, patentExampleConditions()),
    /cell\.cathodeThickness_m: must be > 0 \(got -1; allowed > 0\)/,
  );
  assert.throws(
    () => ssbParamsFromProducedCell({ ...c, cathodePorosity: 0.5 }, patentExampleConditions()),
    /cell\.cathode volume fractions: must sum to 1/,
  );
  assert.throws(
    () => ssbParamsFromProducedCell({ ...c, activeMaterialId: 'XYZ' }, patentExampleConditions()),
    /cell\.activeMaterialId: unknown cathode active material \(got "XYZ"/,
  );
  assert.throws(() => createSpme(P).initialState(1.5), /soc: must be in \[0, 1\] \(got 1\.5/);
});

test('materials library values flow into the parameters; unknown electrolytes are rejected', async () => {
  const { getMaterial } = await import('../../src/materials/library.ts');
  const base = ssbParamsFromProducedCell(patentExampleCell(), patentExampleConditions(), getMaterial);
  assert.ok(Math.abs(base.cathode.cMax_mol_m3 - 4780 / 0.09728) / base.cathode.cMax_mol_m3 < 0.01, 'c_max = ρ/M');
  const lgps = ssbParamsFromProducedCell(
    { ...patentExampleCell(), electrolyteId: 'LGPS' },
    patentExampleConditions(),
    getMaterial,
  );
  assert.ok(lgps.electrolyte.sigma.ref > 5 * base.electrolyte.sigma.ref, 'LGPS conducts better than Li6PS5Cl');
  // better SE ⇒ no less capacity at 1C
  const cap = (p: SsbCellParams): number => {
    const m = createSpme(p);
    const y = m.initialState(1);
    return -fastRunner(m)(y, { kind: 'cc', current_A: -m.nominalCapacity_C / 3600, vCut_V: 3.0 }).charge_C;
  };
  assert.ok(cap(lgps) >= cap(base), 'cap(lgps) >= cap(base)');
  assert.throws(
    () =>
      ssbParamsFromProducedCell(
        { ...patentExampleCell(), electrolyteId: 'Unobtainium' },
        patentExampleConditions(),
        getMaterial,
      ),
    /cell\.electrolyteId: not in the materials library \(got "Unobtainium"/,
  );
  assert.throws(
    () =>
      ssbParamsFromProducedCell(
        { ...patentExampleCell(), electrolyteId: 'PVDF' },
        patentExampleConditions(),
        getMaterial,
      ),
    /cell\.electrolyteId: material has no ionic conductivity/,
  );
});

test('after a pulse and a long rest the voltage relaxes to U_c(mean y) − U_a(anode surface)', () => {
  // coated (no CEI: an uncoated cathode keeps oxidising the SE at rest, a slow self-discharge)
  const Pc = withParams(noAgeing(P), { cathode: { cei: { ...P.cathode.cei, qMax_C_m2: 0 } } });
  for (const m of [createSpme(Pc), new SsbP2D(Pc, { nx: 4, nr: 5, na: 4 })]) {
    const y = m.initialState(0.8);
    const run = m instanceof SsbP2D ? daeRunner(m) : fastRunner(m);
    run(y, { kind: 'cc', current_A: -m.nominalCapacity_C / 3600, vCut_V: 3.0, maxTime_s: 1800 });
    run(y, { kind: 'rest', time_s: 48 * 3600 });
    const o = m.outputs(y);
    // the particles relax to their mean; the anode's host relaxes too, but Li metal beyond the host is
    // immobile (it only dissolves where the host has room), so the anode side is read at its surface
    const ocv = cathodeOcp('NCM811').U(o['cathode_mean_stoich']!) - liAlOcp(o['anode_surface_x']!, P.temperature_K).U;
    assert.ok(Math.abs(m.voltage(y) - ocv) < 1e-3, `${m.name}: V ${m.voltage(y)} vs OCV ${ocv}`);
    assert.equal(m.current(y), 0);
  }
});
