import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerRole, THICKNESS_REDUCTION_RESOLUTION } from '../../src/claims/index.ts';
import { formatClaimChart } from '../../src/present/claims.ts';
import type { ClaimResult } from '../../src/contract.ts';
import type { ClaimInputs } from '../../src/claims/inputs.ts';
import type { VerdictDependence } from '../../src/process/assumptions.ts';
import { runJob } from '../../src/pipeline.ts';
import { claimsOf, loadExample, SYNTHETIC_CYCLING, syntheticInputs } from './fixtures.ts';

const claim = (cs: ClaimResult[], n: number): ClaimResult => {
  const c = cs.find((x) => x.claim === n);
  assert.ok(c, `claim ${n} present`);
  return c;
};
const element = (c: ClaimResult, id: string) => {
  const e = c.elements.find((x) => x.id === id);
  assert.ok(e, `element ${id} of claim ${c.claim}`);
  return e;
};

test('patent-line with a consistent line result: claim 1 met, each element with evidence and a paragraph', () => {
  const r = loadExample('patent-line.yaml');
  const cs = claimsOf(syntheticInputs(r));
  assert.deepEqual(
    cs.map((c) => c.claim),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  const c1 = claim(cs, 1);
  assert.equal(c1.verdict, 'met');
  assert.deepEqual(
    c1.elements.map((e) => e.id),
    ['1a', '1b', '1c', '1d', '1e'],
  );
  for (const e of c1.elements) {
    assert.equal(e.verdict, 'met', `${e.id}: ${e.evidence}`);
    assert.ok(e.evidence.length > 20, 'e.evidence.length > 20');
    assert.match(e.paragraph ?? '', /\[0\d{3}\]/);
  }
  assert.match(element(c1, '1c').evidence, /bonded = true/);
  assert.match(element(c1, '1e').evidence, /100 % of the Al lithiated/);
  // the patent example's choices: claims 5, 7, 8, 11 met; 9 (no cathode collector), 10 (foil) not met
  for (const n of [2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])
    assert.equal(claim(cs, n).verdict, 'met', `claim ${n}: ${claim(cs, n)['reason'] as string}`);
  assert.equal(claim(cs, 9).verdict, 'not met');
  assert.equal(claim(cs, 10).verdict, 'not met');
  assert.equal(claim(cs, 11).verdict, 'met');
});

test('not-interposed: claim 1 not met and the reason names the interposition element', () => {
  const r = loadExample('not-interposed.yaml');
  const cs = claimsOf(syntheticInputs(r, { alFractions: { Al: 1, LiAl: 0, Li3Al2: 0, Li9Al4: 0 } }));
  const c1 = claim(cs, 1);
  assert.equal(c1.verdict, 'not met');
  assert.equal(element(c1, '1d').verdict, 'not met');
  assert.match(element(c1, '1d').evidence, /NOT interposed/);
  assert.equal(element(c1, '1e').verdict, 'not met');
  assert.match(c1['reason'] as string, /1d: .*interposed/);
  // claims 19 and 20 repeat claim 1's elements
  assert.equal(claim(cs, 19).verdict, 'not met');
  assert.equal(claim(cs, 20).verdict, 'not met');
});

test('interposition fails even if a line model reported an alloy: the recipe geometry decides 1d/1e', () => {
  const r = loadExample('not-interposed.yaml');
  const c1 = claim(claimsOf(syntheticInputs(r)), 1);
  assert.equal(element(c1, '1e').verdict, 'not met');
});

test('force at 240 outside 150–500 N: claims 5 and 6 not met while claim 1 stays met', () => {
  const r = loadExample('patent-line.yaml');
  const at = (f: number): typeof r => ({
    ...r,
    stations: { ...r.stations, '240': { ...r.stations['240'], force_N: f } },
  });
  for (const f of [100, 650]) {
    const cs = claimsOf(syntheticInputs(at(f), { force240_N: f }));
    assert.equal(claim(cs, 1).verdict, 'met');
    assert.equal(claim(cs, 5).verdict, 'not met');
    assert.equal(claim(cs, 6).verdict, 'not met');
    assert.match(element(claim(cs, 5), '5a').evidence, new RegExp(`${f} N .*OUTSIDE the window 150–500 N`));
    assert.equal(element(claim(cs, 5), '5a').paragraph, '[0203]');
  }
  // boundaries are inside the window
  for (const f of [150, 500])
    assert.equal(claim(claimsOf(syntheticInputs(at(f), { force240_N: f })), 5).verdict, 'met');
});

test('absent cycling: claim 13 not evaluable with a reason; its dependants 14–18 follow', () => {
  const r = loadExample('patent-line.yaml');
  const cs = claimsOf(syntheticInputs(r, { cycling: null }));
  const c13 = claim(cs, 13);
  assert.equal(c13.verdict, 'not evaluable');
  assert.match(c13['reason'] as string, /no cycling results/);
  // 14 and 15 have their own elements met but inherit "not evaluable" from 13
  for (const n of [14, 15, 16, 17, 18]) assert.equal(claim(cs, n).verdict, 'not evaluable', `claim ${n}`);
  assert.equal(element(claim(cs, 14), '14a').verdict, 'met');
  assert.equal(element(claim(cs, 14), '14.parent').verdict, 'not evaluable');
  assert.equal(claim(cs, 19).verdict, 'not evaluable');
  assert.equal(claim(cs, 1).verdict, 'met');
});

test('no line results: the line-dependent elements are not evaluable, never assumed', () => {
  const r = loadExample('patent-line.yaml');
  // a run output without line (and so without cycling) results, as from a line-less what-if
  const { claimInputs } = runJob(r, { noCycling: true });
  const cs = claimsOf({ ...claimInputs, line: null });
  assert.equal(claim(cs, 1).verdict, 'not evaluable');
  assert.equal(element(claim(cs, 1), '1c').verdict, 'not evaluable');
  assert.equal(element(claim(cs, 1), '1d').verdict, 'met');
  for (const n of [2, 3, 4, 12]) assert.equal(claim(cs, n).verdict, 'not evaluable');
  assert.match(element(claim(cs, 3), '3a').evidence, /reduction is not assumed/);
  // recipe-only dependants: own element evaluated, claim not evaluable through the parent
  assert.equal(element(claim(cs, 8), '8a').verdict, 'met');
  assert.equal(claim(cs, 8).verdict, 'not evaluable');
  // a recipe element that fails makes the dependent claim not met whatever the parent
  assert.equal(claim(cs, 10).verdict, 'not met');
});

test('dependent-claim inheritance: a parent not met makes every dependant not met', () => {
  const r = loadExample('patent-line.yaml');
  const cs = claimsOf(syntheticInputs(r, { bonded: { '236': false } }));
  assert.equal(claim(cs, 1).verdict, 'not met');
  assert.match(element(claim(cs, 1), '1c').evidence, /bonded = false/);
  for (let n = 2; n <= 18; n++) {
    assert.equal(claim(cs, n).verdict, 'not met', `claim ${n}`);
    assert.equal(claim(cs, n)['depends_on'], n <= 13 ? 1 : n === 18 ? 17 : 13);
  }
  assert.equal(element(claim(cs, 8), '8a').verdict, 'met'); // own element still met
});

test('claims 3/4: a reduction below the resolution is not met; a real one is met', () => {
  const r = loadExample('patent-line.yaml');
  const tiny = THICKNESS_REDUCTION_RESOLUTION / 5;
  const cs = claimsOf(syntheticInputs(r, { reduction: { '236': tiny, '240': 0.05 } }));
  assert.equal(claim(cs, 3).verdict, 'not met');
  assert.match(element(claim(cs, 3), '3a').evidence, /below the resolution/);
  assert.equal(claim(cs, 4).verdict, 'met');
  assert.match(element(claim(cs, 4), '4b').evidence, /reduction 5 %/);
  const none = claimsOf(syntheticInputs(r, { reduction: { '240': 0 } }));
  assert.equal(claim(none, 4).verdict, 'not met');
});

test('claim 2: sandwiched crack risk must be below the free-standing risk', () => {
  const r = loadExample('patent-line.yaml');
  assert.equal(
    claim(claimsOf(syntheticInputs(r, { crack: { sandwiched: 0.1, free_standing: 0.7 } })), 2).verdict,
    'met',
  );
  assert.equal(
    claim(claimsOf(syntheticInputs(r, { crack: { sandwiched: 0.7, free_standing: 0.7 } })), 2).verdict,
    'not met',
  );
});

test('claim 2: the uncapped driving ratios decide, and an assumption that flips the verdict is named with its range', () => {
  const r = loadExample('patent-line.yaml');
  const inp = syntheticInputs(r);
  const line = inp.line!;
  const dep = (flips: boolean): VerdictDependence => ({
    assumption: {
      id: 'growthInPlaneFraction',
      label: 'in-plane share of the alloy growth strain',
      unit: '1',
      value: 0.1,
      range: [0, 1],
      scale: 'linear',
      source: 'assumption',
    },
    atDefault: true,
    atLow: true,
    atHigh: !flips,
    flips,
    flipsAt: flips ? 0.42 : null,
  });
  const withCrack = (s: number, f: number, flips: boolean): ClaimInputs => ({
    ...inp,
    line: {
      ...line,
      crack: {
        sandwiched: { ...line.crack.sandwiched, risk: Math.min(1, s), ratio: s },
        free_standing: { ...line.crack.free_standing, risk: Math.min(1, f), ratio: f },
      },
      evidence: {
        alReduction: [],
        narrowWeb: [],
        alloyFormedDependsOn: [],
        ...line.evidence,
        claim2DependsOn: [dep(flips)],
      },
    },
  });
  // both risks capped at 1: the driving ratios still order them
  const capped = claim(claimsOf(withCrack(1.5, 6, false)), 2);
  assert.equal(capped.verdict, 'met');
  assert.match(capped.elements.find((e) => e.id === '2a')!.evidence, /holds over the plausible range of in-plane/);
  const flipping = claim(claimsOf(withCrack(0.03, 0.06, true)), 2);
  assert.equal(flipping.verdict, 'met');
  const e = flipping.elements.find((x) => x.id === '2a')!;
  assert.match(e.evidence, /met, depends on in-plane share of the alloy growth strain .*changes at 0\.42 inside 0–1/);
  assert.deepEqual(e['depends_on_assumptions'], ['growthInPlaneFraction']);
});

test('claim 1e: bonded at 240 but no Li–Al phase → no prelithiated anode, not met', () => {
  const r = loadExample('patent-line.yaml');
  const c1 = claim(claimsOf(syntheticInputs(r, { alFractions: { Al: 0.999, LiAl: 0.001, Li3Al2: 0, Li9Al4: 0 } })), 1);
  assert.equal(element(c1, '1e').verdict, 'not met');
  assert.match(element(c1, '1e').evidence, /no prelithiated anode/);
});

test('claim 10 with the carrier example; claim 11 not met for particles; claim 9 with the Al collector', () => {
  const r = loadExample('al-particles-on-carrier.yaml');
  const cs = claimsOf(syntheticInputs(r));
  assert.equal(claim(cs, 10).verdict, 'met');
  assert.match(element(claim(cs, 10), '10b').evidence, /PET .*removed before station 236/);
  assert.equal(claim(cs, 11).verdict, 'not met');
  assert.equal(claim(cs, 1).verdict, 'met');
  const rc = loadExample('with-al-collector.yaml');
  const c9 = claim(claimsOf(syntheticInputs(rc)), 9);
  assert.equal(c9.verdict, 'met');
  assert.match(element(c9, '9a').evidence, /Al 12 µm/);
  // without the carrier there is no plastic layer to remove
  const noCarrier = { ...r, al_sheet: { ...r.al_sheet, carrier: undefined } };
  assert.equal(element(claim(claimsOf(syntheticInputs(noCarrier)), 10), '10b').verdict, 'not met');
});

test('claims 17/18 with the battery block', () => {
  const r = loadExample('patent-line.yaml');
  const cs = claimsOf(syntheticInputs(r));
  assert.match(element(claim(cs, 17), '17a').evidence, /96s2p = 192 cells/);
  assert.equal(claim(cs, 18).verdict, 'met');
  const one = { ...r, battery: { ...r.battery!, series: 1, parallel: 1 } };
  const c1 = claimsOf(syntheticInputs(one));
  assert.equal(claim(c1, 17).verdict, 'not met');
  assert.equal(claim(c1, 18).verdict, 'not met'); // inherits from 17
  const other = { ...r, battery: { ...r.battery!, application: 'other' as const } };
  const co = claimsOf(syntheticInputs(other));
  assert.equal(claim(co, 17).verdict, 'met');
  assert.equal(claim(co, 18).verdict, 'not met');
  const none = { ...r, battery: undefined };
  assert.match(element(claim(claimsOf(syntheticInputs(none)), 17), '17a').evidence, /no battery block/);
});

test('claims 7, 8, 12, 15, 16, 19 respond to their quantities', () => {
  const r = loadExample('patent-line.yaml');
  const cold = { ...r, stations: { ...r.stations, '240': { ...r.stations['240'], temperature_C: 25 } } };
  assert.equal(claim(claimsOf(syntheticInputs(cold)), 7).verdict, 'not met');
  const ni = { ...r, third_sheet: { ...r.third_sheet, conductive_layer: { material: 'Ni', thickness_um: 10 } } };
  assert.equal(claim(claimsOf(syntheticInputs(ni)), 8).verdict, 'not met');
  const lowP = { ...r, cell: { ...r.cell, stack_pressure_MPa: 0.5 } };
  assert.equal(claim(claimsOf(syntheticInputs(lowP)), 15).verdict, 'not met');
  const rate = (c: number) => ({
    highestCRate: c,
    band: { low: c, high: c, verdict: { verdict: c >= 0.33 ? 'met' : 'not met', dependsOn: [], text: '' } as const },
  });
  const slow = claimsOf(
    syntheticInputs(r, {
      cycling: {
        dischargeCapacity_mAh_g: 180,
        firstCycleBand: null,
        rate: rate(0.2),
        ageing: { ...SYNTHETIC_CYCLING.ageing!, cycles: 1 },
      },
    }),
  );
  assert.equal(claim(slow, 16).verdict, 'not met');
  assert.equal(claim(slow, 19).verdict, 'not met');
  const noRate = claimsOf(
    syntheticInputs(r, {
      cycling: { dischargeCapacity_mAh_g: 180, firstCycleBand: null, rate: null, ageing: null },
    }),
  );
  assert.equal(claim(noRate, 16).verdict, 'not evaluable');
  assert.match(claim(noRate, 16)['reason'] as string, /max_c_rate/);
  const thick = syntheticInputs(r, { reduction: { '240': 0 } });
  const line = thick.line!;
  assert.equal(
    claim(claimsOf({ ...thick, line: { ...line, anode: { ...line.anode, thickness_m: 120e-6 } } }), 12).verdict,
    'not met',
  );
});

test('layer roles come from the line, never from display names', () => {
  const r = loadExample('patent-line.yaml');
  const { output } = runJob(r, { runId: 't', noCycling: true });
  const roles = output.line!.stations.find((s) => s.id === '240')!.layers.map((l) => layerRole(l));
  assert.deepEqual(roles, ['conductor', 'li', 'al', 'electrolyte', 'cathode']);
  // a layer without a role (a run stored before roles existed) is 'other', whatever its name says
  assert.equal(layerRole({}), 'other');
  assert.deepEqual(
    (output.design.cell['layers'] as { role: string }[]).map((l) => l.role),
    ['cathode', 'electrolyte', 'al', 'li', 'conductor'],
  );
});

test('formatClaimChart: aligned columns, one row per element, summary line', () => {
  const r = loadExample('not-interposed.yaml');
  const cs = claimsOf(syntheticInputs(r));
  const txt = formatClaimChart(cs, 120);
  const lines = txt.split('\n');
  assert.ok(
    lines.every((l) => l.length <= 120),
    'no line longer than the width',
  );
  const verdictCol = lines[0]!.indexOf('verdict');
  const rows = lines.filter((l) => /^\s{2}\d+[a-z.]/.test(l));
  assert.ok(rows.length >= 20 * 1 + 3 * 5, 'rows.length >= 20 * 1 + 3 * 5');
  for (const l of rows) assert.match(l.slice(verdictCol), /^(met|not met|not evaluable)\s/);
  assert.match(lines.at(-1)!, /^20 claims: \d+ met, \d+ not met, \d+ not evaluable$/);
  assert.match(txt, /^1\s+NOT MET/m);
});

test('batch mode or an Al sheet placed on the cathode side: claim 1 not met, naming the element', () => {
  const r = loadExample('patent-line.yaml');
  const batch = { ...r, line: { ...r.line, mode: 'batch' as const } };
  const c1 = claim(claimsOf(syntheticInputs(batch)), 1);
  assert.equal(c1.verdict, 'not met');
  for (const e of c1.elements) {
    assert.equal(e.verdict, 'not met', e.id);
    assert.match(e.evidence, /line\.mode = batch/);
  }
  const wrongFace = { ...r, al_sheet: { ...r.al_sheet, placed_on: 'cathode_layer' as const } };
  const c1b = claim(claimsOf(syntheticInputs(wrongFace)), 1);
  assert.equal(c1b.verdict, 'not met');
  assert.equal(element(c1b, '1b').verdict, 'not met');
  assert.match(element(c1b, '1b').evidence, /not placed on the solid electrolyte layer/);
  assert.equal(element(c1b, '1a').verdict, 'met');
});

test('claims 17–18 quote the simulated pack and its duty profile when the run has a battery block', async () => {
  const { runBatteryCommand } = await import('../../src/pipeline.ts');
  const r = loadExample('patent-line.yaml');
  const small = {
    ...r,
    battery: { series: 2, parallel: 1, application: 'ess_wind' as const, interconnect_resistance_mOhm: 0.2 },
  };
  const inp = syntheticInputs(small);
  const before = element(claim(claimsOf(inp), 17), '17a').evidence;
  assert.doesNotMatch(before, /simulated/);
  const bat = runBatteryCommand(small, { profile: 'ess:wind', seed: 2 });
  const cs = claimsOf({ ...inp, battery: bat.result });
  const pack = bat.block.pack!;
  assert.match(
    element(claim(cs, 17), '17a').evidence,
    new RegExp(`2s1p = 2 cells .*simulated pack of design cells: .*–${pack.voltage_max_V.toPrecision(3)} V`),
  );
  assert.match(element(claim(cs, 18), '18a').evidence, /ess_wind .*simulated on ess:wind: round-trip efficiency \d/);
  assert.equal(claim(cs, 18).verdict, 'met');
});

test('claims 5–6 cite what the line computed from the 240 force (issue 13 item 11): the mean nip pressure and the contact it acts over', () => {
  const r = loadExample('patent-line.yaml');
  const at = (force_N: number) => {
    const out = runJob(
      { ...r, stations: { ...r.stations, '240': { ...r.stations['240'], force_N } } },
      { noCycling: true },
    ).output;
    const s = out.line!.stations.find((x) => x.id === '240')!;
    return { s, c5: element(claim(out.claims!, 5), '5a').evidence, c6: element(claim(out.claims!, 6), '6a').evidence };
  };
  const four = (x: number): string => String(Number(x.toPrecision(4)));
  const a = at(r.stations['240'].force_N);
  for (const e of [a.c5, a.c6]) {
    assert.ok(e.includes(`a mean nip pressure of ${four(a.s.mean_pressure_MPa!)} MPa`), e);
    assert.ok(e.includes(`over a contact ${four(a.s.contact_length_mm!)} mm long`), e);
  }
  // another force: the line computes another pressure, and the evidence follows it (not the set point alone)
  const b = at(400);
  assert.notEqual(b.s.mean_pressure_MPa, a.s.mean_pressure_MPa);
  assert.ok(b.c5.includes(`a mean nip pressure of ${four(b.s.mean_pressure_MPa!)} MPa`), b.c5);
});

test('the claims read typed SI results, never a run JSON: src/claims/ imports no output block type', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const dir = new URL('../../src/claims/', import.meta.url);
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const src = readFileSync(new URL(f, dir), 'utf8');
    assert.doesNotMatch(
      src,
      /\b(RunOutput|LineBlock|StationBlock|StationLayer|CyclingBlock|BatteryBlock|ProductionBlock)\b/,
      f,
    );
  }
  // the job's claims block is the presented evaluation of the typed inputs it returns
  const r = loadExample('with-al-collector.yaml');
  const res = runJob(r, { runId: 't', noCycling: true });
  assert.equal(res.output.validity, undefined); // no findings to apply over the chart
  assert.deepEqual(res.output.claims, claimsOf(res.claimInputs));
  assert.equal(res.claimInputs.line, res.process);
});
