import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateStations, trySimulateStations, validateProcessInput } from '../../src/process/stations.ts';
import { presentLine, warningText } from '../../src/present/line.ts';
import { ProcessInputError } from '../../src/process/types.ts';
import { mechanicalProperties } from '../../src/materials/mechanics.ts';
import { arealHeatCapacity } from '../../src/process/thermal.ts';
import { formationEnthalpy, betaLimitedPhases, growthDRangeRT } from '../../src/process/alloying.ts';
import { patentExample } from './fixtures.ts';

test('the line block has the CONTRACT shape', () => {
  const r = simulateStations(patentExample());
  const L = presentLine(r);
  assert.deepEqual(
    L.stations.map((s) => s.id),
    ['236', '240'],
  );
  for (const s of L.stations) {
    for (const k of ['force_N', 'temperature_C', 'peak_pressure_MPa'] as const) assert.equal(typeof s[k], 'number');
    assert.equal(typeof s.bonded, 'boolean');
    for (const l of s.layers)
      assert.ok(
        typeof l.name === 'string' && l.thickness_out_um <= l.thickness_in_um,
        "typeof l.name === 'string' && l.thickness_out_um <= l.thickness_in_um",
      );
  }
  const f = L.anode.al_fractions;
  assert.ok(
    Math.abs(f.Al + f.LiAl + f.Li3Al2 + f.Li9Al4 - 1) < 1e-5,
    'Math.abs(f.Al + f.LiAl + f.Li3Al2 + f.Li9Al4 - 1) < 1e-5',
  );
  for (const k of ['thickness_um', 'li_diffusivity_cm2_s', 'alloying_complete_s', 'free_li_um'] as const)
    assert.ok(Number.isFinite(L.anode[k]), 'Number.isFinite(L.anode[k])');
  for (const c of [L.crack.sandwiched, L.crack.free_standing])
    assert.ok(c.risk >= 0 && c.risk <= 1, 'c.risk >= 0 && c.risk <= 1');
  assert.doesNotThrow(() => JSON.stringify(L));
  // patent example: Li deforms, Al and Cu stay elastic at 6 N/mm; anode within claim 12's 10–100 µm
  const s240 = L.stations[1]!;
  assert.equal(s240.li_yields, true);
  assert.equal(s240.al_yields, false);
  assert.ok(
    L.anode.thickness_um > 10 && L.anode.thickness_um < 100,
    'L.anode.thickness_um > 10 && L.anode.thickness_um < 100',
  );
});

test('in-situ first sheet runs station 222 first', () => {
  const inp = patentExample();
  inp.firstSheet.inSitu = true;
  inp.stations['222'] = { id: '222', force_N: 300, rollDiameter_m: 0.1, faceWidth_m: 0.3, temperature_K: 298.15 };
  const r = simulateStations(inp);
  assert.deepEqual(
    presentLine(r).stations.map((s) => s.id),
    ['222', '236', '240'],
  );
  // compaction is irreversible: 236 at the same force densifies the composite no further than 222 did
  const c222 = presentLine(r).stations[0]!.layers.find((l) => l.name === 'cathode')!;
  const c236 = presentLine(r).stations[1]!.layers.find((l) => l.name === 'cathode')!;
  assert.ok(c222.thickness_out_um < c222.thickness_in_um, 'c222.thickness_out_um < c222.thickness_in_um');
  assert.ok(c236.thickness_out_um <= c236.thickness_in_um, 'c236.thickness_out_um <= c236.thickness_in_um');
});

test('Al particles with the carrier still on at 236 is an error naming the field', () => {
  const inp = patentExample();
  inp.alSheet = {
    form: 'particles_binder',
    layer: { role: 'al', name: 'al', material: 'Al-particles', thickness_m: 15e-6, porosity: 0.4 },
    carrier: { thickness_m: 25e-6, removedBefore236: false },
  };
  const issues = validateProcessInput(inp);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]!.path, 'alSheet.carrier.removedBefore236');
  assert.throws(
    () => simulateStations(inp),
    (e: unknown) =>
      e instanceof ProcessInputError &&
      /alSheet\.carrier\.removedBefore236: .*\(got false; allowed true\)/.test(e.message),
  );
  const t = trySimulateStations(inp);
  assert.equal(t.ok, false);
  inp.alSheet.carrier!.removedBefore236 = true;
  const ok = simulateStations(inp);
  assert.equal(presentLine(ok).stations[0]!.layers[0]!.deformation, 'compaction');
});

test('bad numbers are error values with path, value and allowed range', () => {
  const inp = patentExample();
  inp.stations['240'].force_N = -5;
  inp.thirdSheet.li.thickness_m = Number.NaN;
  const issues = validateProcessInput(inp);
  const paths = issues.map((i) => i.path).sort();
  assert.deepEqual(paths, ['stations.240.force_N', 'thirdSheet.li.thickness_m']);
  assert.throws(() => simulateStations(inp), /stations\.240\.force_N: must be ≥ 0 \(got -5; allowed ≥ 0\)/);
  assert.throws(() => mechanicalProperties('unobtainium'), /unknown material id \(got 'unobtainium'; allowed Li, /);
});

test('melting flag: station 240 above 180.5 °C, and not at 100 °C from the recipe heating', () => {
  const hot = simulateStations(patentExample({ T240_K: 190 + 273.15 }));
  assert.ok(
    hot.warnings.some((w) => w.code === 'li_melting'),
    "hot.warnings.some((w) => w.code === 'li_melting')",
  );
  const mild = patentExample({ T240_K: 60 + 273.15 });
  mild.line.dwell_s = 0;
  const r = simulateStations(mild);
  assert.ok(!r.warnings.some((w) => w.code === 'li_melting'), "!r.warnings.some((w) => w.code === 'li_melting')");
});

test('downstream melting flag: only for the segments the web goes through, with the recipe field in its text', () => {
  const inp = patentExample();
  inp.line.dwellTemperature_K = 190 + 273.15;
  inp.line.storageTemperature_K = 190 + 273.15;
  inp.line.storage_s = 0; // an unwound web: no roll to melt in
  const melts = simulateStations(inp).warnings.filter((w) => w.code === 'li_melting' && w.where !== 'nip');
  assert.deepEqual(
    melts.map((w) => (w.code === 'li_melting' ? w.where : '')),
    ['dwell'],
  );
  assert.match(warningText(melts[0]!), /^line\.downstream\.temperature_C 190\.0 °C > 180\.5 °C/);
  inp.line.storage_s = 3600;
  const wound = simulateStations(inp).warnings.filter((w) => w.code === 'li_melting' && w.where === 'storage');
  assert.equal(wound.length, 1);
  assert.match(warningText(wound[0]!), /in the wound roll/);
});

test('reaction heat: adiabatic rise = Q/C_A; with fast kinetics a roll wound before alloying is done overheats', () => {
  // ≈ 41 kJ per mol LiAl formula unit (Dębski 2014, li-al.json)
  assert.ok(
    Math.abs(-formationEnthalpy(betaLimitedPhases(1, 1)) - 41.1e3) < 0.3e3,
    'Math.abs(-formationEnthalpy(betaLimitedPhases(1, 1)) - 41.1e3) < 0.3e3',
  );
  const inp = patentExample({ T240_K: 30 + 273.15 });
  inp.line.dwell_s = 0.01;
  inp.line.dwellTemperature_K = 298.15;
  inp.line.storage_s = 30 * 86400;
  // growth through bulk β (the fast end of the data), incubation 1 s
  inp.model = { alloyDRef_m2_s: growthDRangeRT()[1], incubationRT_s: 1 };
  const r = simulateStations(inp);
  const a = r.alloy!;
  assert.equal(a.extent, 1);
  const Q = a.heatFull_J_m2;
  const C = arealHeatCapacity(
    r.stations
      .find((x) => x.id === '240')!
      .roll.layers.map((l) => ({ material: l.material, thickness_m: l.thickness_out_m, porosity: l.porosity_out })),
  );
  assert.ok(Math.abs(a.adiabaticRise_K - Q / C) < 1e-9 * (Q / C), `${a.adiabaticRise_K} vs ${Q / C}`);
  // all the heat of the history, and no more, is the heat of the end state
  assert.ok(Math.abs(a.heatTotal_J_m2 - Q) < 1e-6 * Q, 'Math.abs(a.heatTotal_J_m2 - Q) < 1e-6 * Q');
  // datasheet: a representative stack rises ≈ 130 K adiabatically; this one is of that order
  assert.ok(a.adiabaticRise_K > 80 && a.adiabaticRise_K < 250, 'a.adiabaticRise_K > 80 && a.adiabaticRise_K < 250');
  // wound almost unreacted: the nearly adiabatic roll heats by a large part of ΔT_ad
  assert.equal(a.peakSegment, 'roll');
  assert.ok(a.peakT_K - 298.15 > 0.5 * a.adiabaticRise_K, `peak ${a.peakT_K} rise ${a.adiabaticRise_K}`);
});

test('third sheet turned over (Cu facing Al): no prelithiation, all Li left as metal, warning', () => {
  const inp = patentExample();
  inp.thirdSheet.orientation = 'cu_facing_al';
  const r = simulateStations(inp);
  assert.equal(presentLine(r).anode.al_fractions.Al, 1);
  assert.equal(r.cell.anodeLi_mol_m2, 0);
  assert.ok(
    r.warnings.some((w) => w.code === 'li_on_roll'),
    "r.warnings.some((w) => w.code === 'li_on_roll')",
  );
  assert.ok(
    r.warnings.some((w) => w.code === 'no_alloying'),
    "r.warnings.some((w) => w.code === 'no_alloying')",
  );
});

test('third sheet turned over (Cu facing Al): the produced stack reads Li (roll side) · Cu · Al anode · electrolyte, as it entered 240', () => {
  const inp = patentExample();
  inp.thirdSheet.orientation = 'cu_facing_al';
  const r = simulateStations(inp);
  const roles = r.cell.layers.map((l) => l.role);
  assert.deepEqual(roles.slice(0, 4), ['li', 'conductor', 'anode', 'electrolyte']);
  // the 240 nip's stack (top roll first) has the same order: Li, Cu, Al, first sheet
  const s240 = r.stations.find((s) => s.id === '240')!;
  assert.deepEqual(
    s240.roll.layers.slice(0, 3).map((l) => l.role),
    ['li', 'conductor', 'al'],
  );
  // interposed (the claim): Cu · anode · electrolyte, no separate Li layer
  const c = simulateStations(patentExample());
  assert.deepEqual(
    c.cell.layers.slice(0, 3).map((l) => l.role),
    ['conductor', 'anode', 'electrolyte'],
  );
});

test('patent force window: light lamination nip — Al foil and the composite are barely reduced at 236 (claim 3 not by plastic Al thinning)', () => {
  const r = simulateStations(patentExample({ force: 500 }));
  const s236 = presentLine(r).stations[0]!;
  assert.equal(s236.al_yields, false);
  assert.ok((s236.line_load_N_per_mm as number) <= 10, '(s236.line_load_N_per_mm as number) <= 10');
  const al = s236.layers[0]!;
  assert.equal(al.thickness_out_um, al.thickness_in_um);
});

test('Li mass fraction of the Li layer scales the Li delivered to the anode ([0199])', () => {
  const a = simulateStations(patentExample());
  const inp = patentExample();
  inp.thirdSheet.liMassFraction = 0.8;
  const b = simulateStations(inp);
  assert.ok(
    Math.abs(b.cell.anodeLi_mol_m2 / a.cell.anodeLi_mol_m2 - 0.8) < 1e-12,
    'Math.abs(b.cell.anodeLi_mol_m2 / a.cell.anodeLi_mol_m2 - 0.8) < 1e-12',
  );
  inp.thirdSheet.liMassFraction = 1.2;
  assert.throws(() => simulateStations(inp), /thirdSheet\.liMassFraction: must be in \(0, 1\]/);
});

test('Al temper: harder foil needs more pressure to yield (O < H14 < H18 reductions on a small-roll strip)', async () => {
  const { rollStack } = await import('../../src/process/rolling.ts');
  const red = (m: 'Al-O' | 'Al-H14' | 'Al-H18'): number =>
    rollStack(
      { id: '236', force_N: 500, rollDiameter_m: 0.005, faceWidth_m: 0.002, temperature_K: 298.15 },
      [{ role: 'al', name: 'al', material: m, thickness_m: 10e-6 }],
      { speed_m_s: 1 / 60, webWidth_m: 0.05 },
    ).layers[0]!.reduction;
  assert.ok(
    red('Al-O') > red('Al-H14') && red('Al-H14') > red('Al-H18'),
    "red('Al-O') > red('Al-H14') && red('Al-H14') > red('Al-H18')",
  );
});

test('Al placed on the cathode (not the claim): the stack order follows and the short circuit is flagged', () => {
  const inp = patentExample();
  inp.alSheet.placedOn = 'cathode';
  const r = simulateStations(inp);
  assert.deepEqual(
    presentLine(r).stations[0]!.layers.map((l) => l.name),
    ['al', 'cathode', 'electrolyte'],
  );
  assert.deepEqual(
    r.cell.layers.map((l) => l.name),
    ['cu', 'anode', 'cathode', 'electrolyte'],
  );
  assert.ok(
    r.warnings.some((w) => w.code === 'short_circuit'),
    "r.warnings.some((w) => w.code === 'short_circuit')",
  );
});
