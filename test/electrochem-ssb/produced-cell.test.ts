/**
 * The produced cell (issue 15 item 8): facts that could fail — site limits (y ≤ 1, CE ≤ 1), Eq. 1 with
 * trapped Li, plating whenever Li exceeds the host, N/P from the host left after prelithiation, inputs
 * that move results in the physical direction, the literature comparisons with their sources, the
 * cycler's plating stop/derate, and solving (or a clear "not evaluable") across documented ranges.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  createSsbModel,
  patentExampleCell,
  patentExampleConditions,
  patentExampleParams,
  ssbParamsFromProducedCell,
  withParams,
  type SsbCellParams,
} from '../../src/electrochem/ssb/index.ts';
import { fastRunner } from '../../src/cycler/step-engines.ts';
import { firstCycle } from '../../src/cycler/protocols.ts';
import { SsbSpme } from '../../src/electrochem/ssb/spme.ts';
import { SsbP2D } from '../../src/electrochem/ssb/p2d.ts';
import { daeRunner } from '../../src/cycler/step-engines.ts';
import { hostNpRatio, criticalCurrentDensity, assessPlating } from '../../src/electrochem/ssb/plating.ts';
import { platingText } from '../../src/present/cycling.ts';
import { highestCRate, rateCapabilityBand } from '../../src/cycler/rate.ts';
import { assessFirstCycle } from '../../src/electrochem/ssb/firstcycle.ts';
import { JANGID2024 } from '../../src/electrochem/ssb/literature.ts';
import { liAlHostLimit } from '../../src/materials/ocp/index.ts';
import { runExperiment, firstCycleProtocolStrings, firstCycleSummary } from '../../src/cycler/index.ts';
import { parseRecipeText } from '../../src/recipe/index.ts';
import { runLine } from '../../src/pipeline.ts';
import { operatingConditions } from '../../src/process/from-recipe.ts';
import { getMaterial } from '../../src/materials/library.ts';
import type { Recipe } from '../../src/recipe/schema.ts';

const P = patentExampleParams();
const coated = (p: SsbCellParams): SsbCellParams =>
  withParams(p, { cathode: { cei: { ...p.cathode.cei, qMax_C_m2: 0 } } });

/** an anode with room in its host: Li:Al 0.3 on 2.5× the Al (no Li beyond β-LiAl at RT) */
const roomy = (p: SsbCellParams): SsbCellParams =>
  withParams(p, {
    anode: { li_mol_m2: 0.3 * 2.5 * p.anode.al_mol_m2, al_mol_m2: 2.5 * p.anode.al_mol_m2, freeLi_m: 0 },
  });

function recipeVariant(edit: (r: Recipe) => void): Recipe {
  const parsed = parseRecipeText(readFileSync(new URL('../../examples/patent-line.yaml', import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error('example recipe does not parse');
  const r = structuredClone(parsed.recipe);
  edit(r);
  return r;
}
function lineCellParams(r: Recipe): SsbCellParams {
  return ssbParamsFromProducedCell(runLine(r).cell, operatingConditions(r), getMaterial);
}

test('a cathode that starts fully lithiated never takes back more Li than it gave: y ≤ 1 and CE ≤ 1 at any rate and temperature', () => {
  for (const T of [273.15, 298.15, 333.15]) {
    for (const rate of [0.02, 0.1, 1]) {
      for (const p0 of [P, coated(P), roomy(coated(P))]) {
        const p = withParams(p0, { temperature_K: T });
        const m = new SsbSpme(p, { nr: 8, na: 8 }, 'spme');
        const y = m.initialState(0);
        const run = fastRunner(m);
        const I1 = m.nominalCapacity_C / 3600;
        const ch = run(y, { kind: 'cc', current_A: rate * I1, vCut_V: 4.3 });
        const cv = run(y, { kind: 'cv', voltage_V: 4.3, iEnd_A: 0.02 * I1 });
        const dis = run(y, { kind: 'cc', current_A: -rate * I1, vCut_V: 3.0 });
        const ce = -dis.charge_C / (ch.charge_C + cv.charge_C);
        assert.ok(ce <= 1 && ce > 0, `T ${T} K, ${rate}C: CE ${ce}`);
        // the mean stoichiometry never passes the site limit; the surface only by a numerical sliver
        const o = m.outputs(y);
        assert.ok(o['cathode_mean_stoich']! <= 1, `mean y ${o['cathode_mean_stoich']}`);
        assert.ok(o['cathode_surface_stoich']! <= 1 + 2e-3, `surface y ${o['cathode_surface_stoich']}`);
      }
    }
  }
});

test('the first-cycle loss splits into the CEI (irreversible, uncoated only) and the kinetic part near y → 1 (recoverable)', () => {
  for (const p of [P, coated(P)]) {
    const m = createSsbModel('spme', p);
    const exp = runExperiment(m, [firstCycleProtocolStrings(4.3, 3.0)], { initialSoc: 0 });
    const a = assessFirstCycle((m as SsbSpme).core, exp)!;
    const c = exp.cycles[0]!;
    // charge in − charge out = CEI + Li the cathode did not get back (exact bookkeeping of the model)
    assert.ok(
      Math.abs(c.charge_C - c.discharge_C - a.loss.cei_C - a.loss.kinetic_C) < 1e-9 * c.charge_C,
      'Math.abs(c.charge_C - c.discharge_C - a.loss.cei_C - a.loss.kinetic_C) < 1e-9 * c.charge_C',
    );
    if (p === P) assert.ok(a.loss.cei_C > 0.02 * c.charge_C, `uncoated CEI ${a.loss.cei_C / c.charge_C}`);
    else assert.equal(a.loss.cei_C, 0);
    assert.ok(
      a.loss.kinetic_C > 0 && a.loss.yEnd < a.loss.yStart,
      'a.loss.kinetic_C > 0 && a.loss.yEnd < a.loss.yStart',
    );
  }
  // the kinetic part comes back on a slower discharge; the CEI's does not (its Li sits in the anode)
  const m = createSsbModel('spme', coated(P)) as SsbSpme;
  const y = m.initialState(0);
  const run = fastRunner(m);
  const I1 = m.nominalCapacity_C / 3600;
  run(y, { kind: 'cc', current_A: 0.1 * I1, vCut_V: 4.3 });
  run(y, { kind: 'cv', voltage_V: 4.3, iEnd_A: 0.02 * I1 });
  const q1 = -run(y, { kind: 'cc', current_A: -0.1 * I1, vCut_V: 3.0 }).charge_C;
  const q2 = -run(y, { kind: 'cc', current_A: -0.005 * I1, vCut_V: 3.0 }).charge_C;
  assert.ok(q2 > 0.02 * q1, `a C/200 tail recovers ${q2 / q1} of the C/10 discharge`);
});

test('literature: the produced cell lands in the sulfide-cell first-cycle CE range, uncoated below coated (Jangid et al., Nat. Commun. 15 (2024) 10233, doi:10.1038/s41467-024-54331-w: 82.2 ± 0.3 % uncoated, 91.6 ± 0.5 % Nb2O5-coated)', () => {
  assert.equal(JANGID2024.doi, '10.1038/s41467-024-54331-w');
  const r = recipeVariant(() => {});
  const ce: Record<string, number> = {};
  for (const coating of ['none', 'Nb2O5'] as const) {
    const cell = { ...runLine(r).cell, cathodeCoating: coating };
    const m = createSsbModel('spme', ssbParamsFromProducedCell(cell, operatingConditions(r), getMaterial));
    const exp = runExperiment(m, [firstCycleProtocolStrings(4.3, 3.0)], { initialSoc: 0 });
    ce[coating] = firstCycleSummary(exp).coulombic_efficiency!;
  }
  // the CEI charge is calibrated on the paper's gap; the kinetic part is not: both land within ±3 points
  assert.ok(Math.abs(ce['none']! - 0.822) < 0.03, `uncoated CE ${ce['none']} vs 0.822`);
  assert.ok(Math.abs(ce['Nb2O5']! - 0.916) < 0.03, `coated CE ${ce['Nb2O5']} vs 0.916`);
  assert.ok(ce['none']! < ce['Nb2O5']!, "ce['none']! < ce['Nb2O5']!");
});

test('Eq. 1 of [0178]: A is the sum of the produced layers; Li trapped in the anode makes B ≥ A', () => {
  const r = recipeVariant(() => {});
  const cell = runLine(r).cell;
  const params = ssbParamsFromProducedCell(cell, operatingConditions(r), getMaterial);
  const m = createSsbModel('spme', params);
  const layers = cell.layers.reduce((t, l) => t + l.thickness_m, 0);
  const A = m.thickness_m!(m.initialState(0));
  // no collector the line did not make: A within the elastic compliance of the produced stack (< 0.1 %)
  assert.equal(cell.cathodeCollectorThickness_m, 0);
  assert.ok(Math.abs(A / layers - 1) < 1e-3, `A ${A} vs produced layers ${layers}`);
  for (const p of [params, coated(params), roomy(coated(params))]) {
    const mm = createSsbModel('spme', p);
    const f = firstCycle(fastRunner(mm as SsbSpme), mm, mm.initialState(0));
    assert.ok(f.coulombicEfficiency < 1 && f.volumeExpansionRate_pct > 0, `Eq. 1 ${f.volumeExpansionRate_pct} %`);
  }
});

test('N/P from the host capacity left after prelithiation (hand calculation), not from the Al', () => {
  const m = createSsbModel('spme', P) as SsbSpme;
  const np = hostNpRatio(P, m.core.window);
  const x0 = P.anode.li_mol_m2 / P.anode.al_mol_m2;
  assert.equal(np.xHost, liAlHostLimit(298.15));
  assert.equal(np.xHost, 1); // β-LiAl: Li3Al2 does not form electrochemically at RT (shared Li–Al data)
  assert.ok(x0 > 1 && np.np === 0, 'x0 = 1.05: the prelithiation has filled the RT host');
  const r = roomy(P);
  const mr = createSsbModel('spme', r) as SsbSpme;
  const npr = hostNpRatio(r, mr.core.window);
  const hand = ((1 - 0.3) * r.anode.al_mol_m2 * r.area_m2) / (mr.core.window.qHi - mr.core.window.qLo);
  assert.ok(Math.abs(npr.np / hand - 1) < 1e-12, `${npr.np} vs ${hand}`);
  assert.ok(npr.npEmptyAl > npr.np, 'the empty Al overstates the room');
});

test('plating is reported whenever Li exceeds the host: none while the host has room, the excess plates when it has not', () => {
  // room for the whole charge: no plating
  const rc = roomy(coated(P));
  const m1 = createSsbModel('spme', rc) as SsbSpme;
  const e1 = runExperiment(m1, [firstCycleProtocolStrings(4.3, 3.0)], { initialSoc: 0 });
  const a1 = assessFirstCycle(m1.core, e1)!;
  assert.ok(a1.np.np > 1, 'a1.np.np > 1');
  assert.equal(a1.plating.plated, false, platingText(a1.plating));
  // the host full as made (x0 = 1.05 at RT): the whole charge plates, and the plated amount is the charge
  const m2 = createSsbModel('spme', coated(P)) as SsbSpme;
  const e2 = runExperiment(m2, [firstCycleProtocolStrings(4.3, 3.0)], { initialSoc: 0 });
  const a2 = assessFirstCycle(m2.core, e2)!;
  const charged = e2.cycles[0]!.charge_C / 96485.33212 / P.area_m2; // mol m⁻²
  assert.equal(a2.plating.plated, true);
  assert.ok(Math.abs(a2.plating.maxPlated_mol_m2 / charged - 1) < 0.02, `${a2.plating.maxPlated_mol_m2} vs ${charged}`);
  assert.ok(
    a2.plating.onset_s !== null && a2.plating.minAnodePotential_V <= 0,
    'a2.plating.onset_s !== null && a2.plating.minAnodePotential_V <= 0',
  );
  // a host with room for half the charge: the other half plates
  const half = withParams(coated(P), {
    anode: {
      li_mol_m2: (1 - (0.5 * charged) / (2 * P.anode.al_mol_m2)) * 2 * P.anode.al_mol_m2,
      al_mol_m2: 2 * P.anode.al_mol_m2,
      freeLi_m: 0,
    },
  });
  const m3 = createSsbModel('spme', half) as SsbSpme;
  const e3 = runExperiment(m3, [firstCycleProtocolStrings(4.3, 3.0)], { initialSoc: 0 });
  const a3 = assessFirstCycle(m3.core, e3)!;
  const ch3 = e3.cycles[0]!.charge_C / 96485.33212 / P.area_m2;
  const room = (1 - half.anode.li_mol_m2 / half.anode.al_mol_m2) * half.anode.al_mol_m2;
  assert.ok(
    Math.abs(a3.plating.maxPlated_mol_m2 - (ch3 - room)) < 0.05 * ch3,
    `${a3.plating.maxPlated_mol_m2} vs ${ch3 - room}`,
  );
});

test('the critical current density rises with stack pressure and temperature; plating above it is a dendrite risk', () => {
  const c5 = criticalCurrentDensity(5e6, 298.15);
  assert.ok(Math.abs(c5.value - 10) < 1e-9, 'Kasemchainan 2019 order of magnitude: 1 mA/cm² at 5 MPa, 25 °C');
  assert.ok(
    criticalCurrentDensity(10e6, 298.15).value > c5.value,
    'criticalCurrentDensity(10e6, 298.15).value > c5.value',
  );
  assert.ok(
    criticalCurrentDensity(5e6, 333.15).value > c5.value,
    'criticalCurrentDensity(5e6, 333.15).value > c5.value',
  );
  assert.ok(c5.range[0] < c5.value && c5.range[1] > c5.value, 'c5.range[0] < c5.value && c5.range[1] > c5.value');
  const s = (i: number) => ({
    time_s: [0, 1],
    current_A: [1, 1],
    outputs: { plated_li_mol_m2: [0, 0.1], anode_potential_V: [-0.01, -0.01], anode_local_current_A_m2: [i, i] },
  });
  assert.equal(assessPlating(s(5), 5e6, 298.15).risk, 'plating');
  assert.equal(assessPlating(s(30), 5e6, 298.15).risk, 'dendrite');
  assert.throws(() => criticalCurrentDensity(0, 298.15), /stackPressure_Pa: must be > 0 \(got 0/);
});

test('the cycler stops a charge at Li plating ("until Li plating") or derates it (plating policy)', () => {
  const m = createSsbModel('spme', roomy(coated(P)));
  const stop = runExperiment(m, [['Charge at 0.5C until 4.3 V or Li plating']], { initialSoc: 0 });
  assert.equal(stop.status, 'completed');
  // a roomy host: the charge reaches 4.3 V first
  assert.match(stop.steps[0]!.endReason, /4\.3 V/);
  const full = createSsbModel('spme', coated(P));
  const r = runExperiment(full, [['Charge at 0.5C until 4.3 V or Li plating']], { initialSoc: 0 });
  assert.match(r.steps[0]!.endReason, /Li plating/);
  assert.ok(r.cycles[0]!.charge_C < 0.05 * full.nominalCapacity_C, 'stopped near the start: the host is full');
  const d = runExperiment(createSsbModel('spme', coated(P)), [['Charge at 0.5C until 4.3 V']], {
    initialSoc: 0,
    plating: { action: 'derate', factor: 0.5, minCRate: 0.1 },
  });
  assert.match(d.steps[0]!.endReason, /lowest derated current/);
  assert.ok(
    d.steps[0]!.warnings.some((w) => /derated 2×/.test(w)),
    d.steps[0]!.warnings.join('; '),
  );
  assert.throws(
    () => runExperiment(createSsbModel('spme', P), [['Charge at 0.5C until Li platting']]),
    /Li platting|plating/,
  );
});

test('inputs reach the model: a smaller particle radius raises the rate capability; a more porous separator and a more tortuous composite lower it; the coating removes the CEI', () => {
  const base = recipeVariant(() => {});
  const pBase = lineCellParams(base);
  const pSmall = lineCellParams(recipeVariant((r) => (r.first_sheet.cathode.particle_radius_um = 1)));
  const pBig = lineCellParams(recipeVariant((r) => (r.first_sheet.cathode.particle_radius_um = 8)));
  assert.equal(pSmall.cathode.particleRadius_m, 1e-6);
  assert.equal(pBig.cathode.particleRadius_m, 8e-6);
  const opts = { chargeCutoff_V: 4.3, dischargeCutoff_V: 3.0, tolerance: 0.02 };
  const rS = highestCRate(pSmall, opts).highestRate;
  const rB = highestCRate(pBase, opts).highestRate;
  const rL = highestCRate(pBig, opts).highestRate;
  assert.ok(rS > rB && rB > rL, `radius 1/2.5/8 µm: ${rS} > ${rB} > ${rL}`);
  // the separator's porosity is the line's, not a constant; more pores, more ionic resistance
  const pPor = lineCellParams(recipeVariant((r) => (r.first_sheet.electrolyte_layer.porosity_pct = 30)));
  assert.ok(
    pPor.separator.porosity > pBase.separator.porosity,
    `${pPor.separator.porosity} vs ${pBase.separator.porosity}`,
  );
  const dcr = (p: SsbCellParams): number => {
    const m = new SsbSpme(p, {}, 'spme');
    const y = m.initialState(0.5);
    return m.voltageFrom(y[m.nr - 1]!, y[m.offA]!, 0).dI;
  };
  assert.ok(dcr(pPor) > dcr(pBase), `DCR ${dcr(pPor)} vs ${dcr(pBase)} Ω`);
  assert.ok(
    dcr(withParams(pBase, { cathode: { ionicTortuosity: 12 } })) > dcr(pBase),
    'dcr(withParams(pBase, { cathode: { ionicTortuosity: 12 } })) > dcr(pBase)',
  );
  const pCoat = lineCellParams(recipeVariant((r) => (r.first_sheet.cathode.coating = 'Nb2O5')));
  assert.equal(pCoat.cathode.cei.qMax_C_m2, 0);
  assert.ok(pBase.cathode.cei.qMax_C_m2 > 0, 'pBase.cathode.cei.qMax_C_m2 > 0');
});

test('rate capability (claim 16) is reported with the band of its uncertain inputs; the verdict names a parameter that flips it', () => {
  const rb = rateCapabilityBand(P, { chargeCutoff_V: 4.3, dischargeCutoff_V: 3.0, claimRate: 0.33 });
  assert.ok(
    rb.band.low <= rb.band.nominal && rb.band.nominal <= rb.band.high,
    'rb.band.low <= rb.band.nominal && rb.band.nominal <= rb.band.high',
  );
  assert.equal(rb.band.points.length, 2 * rb.band.parameters.length);
  for (const p of rb.band.parameters)
    assert.ok(p.source.length > 10 && p.range[0] < p.range[1], 'p.source.length > 10 && p.range[0] < p.range[1]');
  // a claim rate inside the band is "depends on" the parameter(s) whose ends straddle it
  const mid = Math.sqrt(rb.band.low * rb.band.high);
  const rb2 = rateCapabilityBand(P, { chargeCutoff_V: 4.3, dischargeCutoff_V: 3.0, claimRate: mid });
  assert.equal(rb2.claim16.verdict, 'depends');
  assert.ok(
    rb2.claim16.dependsOn.length > 0 && /depends on/.test(rb2.claim16.text),
    'rb2.claim16.dependsOn.length > 0 && /depends on/.test(rb2.claim16.text)',
  );
});

test('robustness: across the documented ranges every run solves or ends with a clear reason (never a throw or NaN)', () => {
  const cases: Array<[string, SsbCellParams]> = [];
  for (const D of [1e-16, 1e-14, 1e-12, 1e-10])
    cases.push([`anode D ${D}`, withParams(P, { anode: { D: { ...P.anode.D, ref: D } } })]);
  for (const R of [0.5e-6, 10e-6]) cases.push([`radius ${R}`, withParams(P, { cathode: { particleRadius_m: R } })]);
  for (const T of [273.15, 333.15]) cases.push([`T ${T}`, withParams(P, { temperature_K: T })]);
  for (const Pa of [1e6, 10e6]) cases.push([`P ${Pa}`, withParams(P, { stackPressure_Pa: Pa })]);
  for (const tau of [3, 12]) cases.push([`tau ${tau}`, withParams(P, { cathode: { ionicTortuosity: tau } })]);
  for (const kind of ['spme', 'p2d'] as const) {
    for (const [name, p] of kind === 'p2d' ? cases.filter(([n]) => /anode D|radius/.test(n)) : cases) {
      const m = createSsbModel(kind, p, { nx: 5, nr: 6, na: 6 });
      const r = runExperiment(m, [firstCycleProtocolStrings(4.3, 3.0)], { initialSoc: 0, rtol: 1e-5 });
      assert.ok(
        r.status === 'completed' || (r.status === 'failed' && (r.reason ?? '').length > 20),
        `${kind} ${name}: ${r.reason}`,
      );
      if (r.status === 'completed') {
        const s = firstCycleSummary(r);
        assert.ok(
          Number.isFinite(s.coulombic_efficiency!) && s.coulombic_efficiency! <= 1,
          `${kind} ${name}: CE ${s.coulombic_efficiency}`,
        );
      }
    }
  }
});

test('robustness: the P2D runner solves the knee at the end of a 2C discharge from a charged (formed) state on every grid', () => {
  // the knee where the particle surfaces fill (y → 1) one after another: with the remembered-rate Newton
  // test alone these runs failed on half of the grids ("step size became too small"); the runner re-solves
  // such a step with the strict test
  for (const [nx, nr] of [
    [6, 6],
    [10, 10],
  ])
    for (const soc of [1, 0.999]) {
      const m = new SsbP2D(P, { nx, nr, na: 6 });
      const y = m.initialState(soc);
      const r = daeRunner(m)(y, { kind: 'cc', current_A: (-2 * m.nominalCapacity_C) / 3600, vCut_V: 3.0 });
      assert.equal(r.stoppedBy, 'cutoff');
      assert.ok(-r.charge_C > 0.4 * m.nominalCapacity_C, `${nx}/${nr} soc ${soc}: ${-r.charge_C} C`);
    }
});

test('the produced cell the example recipe makes: host-based N/P and plating reach the run JSON (pipeline)', async () => {
  const { runCycling } = await import('../../src/pipeline.ts');
  const r = recipeVariant((x) => {
    x.cycling.rate_capability = false;
    x.cycling.ageing_cycles = 0;
  });
  const run = runCycling(r, runLine(r).cell);
  const b = run.block as Record<string, unknown>;
  assert.equal(typeof b['np_ratio_host'], 'number');
  const pl = b['plating'] as { plated: boolean; max_plated_li_um: number; risk: string };
  assert.equal(pl.plated, true);
  assert.ok(pl.max_plated_li_um > 1, 'pl.max_plated_li_um > 1');
  const fl = b['first_cycle_loss'] as { cei_mAh_g: number; kinetic_recoverable_mAh_g: number };
  assert.ok(
    fl.cei_mAh_g > 0 && fl.kinetic_recoverable_mAh_g > 0,
    'fl.cei_mAh_g > 0 && fl.kinetic_recoverable_mAh_g > 0',
  );
  assert.ok(
    run.notes.some((n) => /plating/.test(n)),
    'run.notes.some((n) => /plating/.test(n))',
  );
  void patentExampleCell;
  void patentExampleConditions;
});
