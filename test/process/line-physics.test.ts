/**
 * Issue 14 item 8: conservation through the line and in every production cell, continuity scans with a bound
 * on the jump between neighbouring inputs, and the input walk (every physical recipe input reaches the
 * physics and moves what it must).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, stringify } from 'yaml';
import { PATENT_YAML } from '../helpers.ts';
import { parseRecipeText, formatProblem } from '../../src/recipe/parse.ts';
import type { Recipe } from '../../src/recipe/schema.ts';
import { processInputFromRecipe } from '../../src/process/from-recipe.ts';
import { simulateStations } from '../../src/process/stations.ts';
import { fromLineResult } from '../../src/process/production/stations-adapter.ts';
import { runProduction } from '../../src/process/line.ts';
import type { LineResult, ProcessInput } from '../../src/process/types.ts';

type Obj = Record<string, any>;
const recipe = (fn: (o: Obj) => void = () => {}): Recipe => {
  const o = parse(PATENT_YAML) as Obj;
  fn(o);
  const p = parseRecipeText(stringify(o));
  if (!p.ok) throw new Error(p.problems.map(formatProblem).join('\n'));
  return p.recipe;
};
const line = (fn?: (o: Obj) => void): LineResult => simulateStations(processInputFromRecipe(recipe(fn)));

/** Li, Al atoms of a line result balanced against what was supplied (relative error) */
function balance(r: LineResult): { li: number; al: number } {
  const L = r.ledger.li;
  const liOut = L.anode_mol_m2 + L.rejectedToEdges_mol_m2 + L.onRollSide_mol_m2;
  const liIn = L.supplied_mol_m2 / L.elongation;
  const A = r.ledger.al;
  return {
    li: Math.abs(liOut - liIn) / liIn,
    al: Math.abs(A.anode_mol_m2 - A.supplied_mol_m2 / A.elongation) / A.supplied_mol_m2,
  };
}

test('Li and Al atoms are conserved to 1e-9 through the line: example, hot, cold, huge force, small rolls, narrow web', () => {
  const cases: [string, (o: Obj) => void][] = [
    ['example', () => {}],
    ['25 °C', (o) => (o.stations['240'].temperature_C = 25)],
    ['195 °C (Li melts in the nip)', (o) => (o.stations['240'].temperature_C = 195)],
    ['240 °C (outside the window)', (o) => (o.stations['240'].temperature_C = 240)],
    ['5 kN', (o) => (o.stations['240'].force_N = 5000)],
    [
      'Ø 20 mm rolls on a 20 mm web',
      (o) => ((o.stations['240'].roll_diameter_mm = 20), (o.line.web_width_mm = 20), (o.cell.width_mm = 15)),
    ],
    ['80 wt % Li', (o) => (o.third_sheet.li_layer.li_wt_pct = 80)],
    ['no storage', (o) => (o.line.downstream.dwell_h = 0)],
    ['Cu facing Al', (o) => (o.third_sheet.facing_al = 'conductive_layer')],
  ];
  for (const [name, fn] of cases) {
    const r = line(fn);
    const b = balance(r);
    assert.ok(b.li < 1e-9, `${name}: Li ${b.li}`);
    assert.ok(b.al < 1e-9, `${name}: Al ${b.al}`);
  }
  // the F1 case: with Cu and Al elastic, the anode holds exactly the supplied Li (nothing thinned away)
  const ex = line();
  assert.equal(ex.ledger.li.elongation, 1);
  assert.ok(
    Math.abs(ex.cell.anodeLi_mol_m2 / ex.ledger.li.supplied_mol_m2 - 1) < 1e-12,
    'Math.abs(ex.cell.anodeLi_mol_m2 / ex.ledger.li.supplied_mol_m2 - 1) < 1e-12',
  );
  // Li that melts in the nip is rejected to the web edges, accounted, and grows continuously with temperature
  const hot = line((o) => (o.stations['240'].temperature_C = 240));
  assert.ok(hot.ledger.li.rejectedToEdges_mol_m2 > 0, 'hot.ledger.li.rejectedToEdges_mol_m2 > 0');
});

test('every production cell conserves Li and Al to 1e-9 (station physics checked per cell)', () => {
  const r = recipe((o) => (o.production = { ...o.production, duration_h: 0.05 }));
  let n = 0;
  let worst = 0;
  runProduction(r, {
    seed: 7,
    web_length_m: 12,
    physics: (inp: ProcessInput) => {
      const res = simulateStations(inp);
      const b = balance(res);
      worst = Math.max(worst, b.li, b.al);
      n++;
      return fromLineResult(res);
    },
  });
  assert.ok(n > 100, `${n} cells`);
  assert.ok(worst < 1e-9, `worst relative imbalance ${worst}`);
});

/**
 * Continuity: no jump between neighbouring scan points larger than the local slope allows — each step must be
 * at most `k` times the larger of its two neighbouring steps (plus a floor relative to the scale).
 */
function assertNoCliff(name: string, xs: readonly number[], ys: readonly number[], k = 4): void {
  const scale = Math.max(...ys.map(Math.abs), 1e-300);
  for (let i = 1; i < ys.length - 2; i++) {
    const d = Math.abs(ys[i + 1]! - ys[i]!);
    const around = Math.max(Math.abs(ys[i]! - ys[i - 1]!), Math.abs(ys[i + 2]! - ys[i + 1]!));
    assert.ok(
      d <= k * around + 1e-6 * scale,
      `${name}: jump ${d.toExponential(3)} between x = ${xs[i]} and ${xs[i + 1]} vs neighbouring steps ${around.toExponential(3)}`,
    );
  }
}

function scan(name: string, xs: readonly number[], set: (o: Obj, x: number) => void): void {
  const rs = xs.map((x) => line((o) => set(o, x)));
  const outputs: [string, (r: LineResult) => number][] = [
    ['anode Li', (r) => r.cell.anodeLi_mol_m2],
    ['alloyed fraction', (r) => 1 - r.anode.alFractions.Al],
    ['anode thickness', (r) => r.anode.thickness_m],
    ['peak temperature', (r) => r.anode.peakTemperature_K],
    ['contact', (r) => r.anode.contactFraction],
    ['crack ratio sandwiched', (r) => r.crack.sandwiched.ratio],
    ['crack ratio free-standing', (r) => r.crack.free_standing.ratio],
  ];
  for (const [label, f] of outputs)
    assertNoCliff(
      `${name} → ${label}`,
      xs,
      rs.map((r) => f(r)),
    );
}

const range = (a: number, b: number, step: number): number[] => {
  const out: number[] = [];
  for (let x = a; x <= b + 1e-9; x += step) out.push(Number(x.toFixed(6)));
  return out;
};

test('continuity: station-240 force 5–800 N (the old 150 N bond cliff is gone)', () => {
  scan('force', range(5, 800, 15), (o, x) => (o.stations['240'].force_N = x));
});

test('continuity: station-240 temperature across Li melting (170–215 °C, 0.5 K steps), with the latent heat', () => {
  scan('T240', range(170, 215, 0.5), (o, x) => (o.stations['240'].temperature_C = x));
  // and from room temperature up (no prelithiation cliff at 25–30 °C)
  scan('T240 low', range(20, 60, 2), (o, x) => (o.stations['240'].temperature_C = x));
});

test('continuity: roll diameter 10–400 mm and the storage before use 0–72 h', () => {
  scan('roll diameter', range(10, 400, 10), (o, x) => (o.stations['240'].roll_diameter_mm = x));
  scan('storage', range(0, 72, 2), (o, x) => (o.line.downstream.dwell_h = x));
});

test('input walk: every physical recipe input reaches the physics and moves what it must', () => {
  const base = line();
  const st = (r: LineResult, id: string) => r.stations.find((s) => s.id === id)!;
  const walk: [string, (o: Obj) => void, (r: LineResult) => number][] = [
    [
      'first_sheet.cathode.thickness_um',
      (o) => (o.first_sheet.cathode.thickness_um *= 1.1),
      (r) => r.cell.cathodeThickness_m,
    ],
    [
      'first_sheet.cathode.porosity_pct',
      (o) => (o.first_sheet.cathode.porosity_pct += 5),
      (r) => r.cell.cathodePorosity,
    ],
    [
      'first_sheet.cathode.composition_wt_pct',
      (o) => (
        (o.first_sheet.cathode.composition_wt_pct.active = 75),
        (o.first_sheet.cathode.composition_wt_pct.electrolyte = 22)
      ),
      (r) => r.cell.cathodeActiveFraction,
    ],
    [
      'first_sheet.cathode.particle_radius_um',
      (o) => (o.first_sheet.cathode.particle_radius_um = 4),
      (r) => r.cell.cathodeParticleRadius_m,
    ],
    [
      'first_sheet.electrolyte_layer.thickness_um',
      (o) => (o.first_sheet.electrolyte_layer.thickness_um = 40),
      (r) => r.cell.separatorThickness_m,
    ],
    [
      'first_sheet.electrolyte_layer.porosity_pct',
      (o) => (o.first_sheet.electrolyte_layer.porosity_pct = 20),
      (r) => r.cell.separatorPorosity,
    ],
    ['al_sheet.thickness_um', (o) => (o.al_sheet.thickness_um = 12), (r) => r.cell.anodeAl_mol_m2],
    ['al_sheet.purity_pct', (o) => (o.al_sheet.purity_pct = 98), (r) => r.cell.anodeAl_mol_m2],
    ['al_sheet.temper', (o) => (o.al_sheet.temper = 'H18'), (r) => st(r, '236').roll.layers[0]!.minGauge_m!],
    [
      'third_sheet.li_layer.thickness_um',
      (o) => (o.third_sheet.li_layer.thickness_um = 22),
      (r) => r.cell.anodeLi_mol_m2,
    ],
    ['third_sheet.li_layer.li_wt_pct', (o) => (o.third_sheet.li_layer.li_wt_pct = 80), (r) => r.cell.liAlRatio],
    [
      'third_sheet.conductive_layer.thickness_um',
      (o) => (o.third_sheet.conductive_layer.thickness_um = 12),
      (r) => r.cell.anodeCollectorThickness_m,
    ],
    ['stations.222.force_N', (o) => (o.stations['222'].force_N = 2500), (r) => st(r, '222').roll.peakPressure_Pa],
    ['stations.236.force_N', (o) => (o.stations['236'].force_N = 400), (r) => st(r, '236').roll.peakPressure_Pa],
    ['stations.236.temperature_C', (o) => (o.stations['236'].temperature_C = 80), (r) => st(r, '236').bond.index],
    ['stations.240.force_N', (o) => (o.stations['240'].force_N = 400), (r) => st(r, '240').roll.peakPressure_Pa],
    ['stations.240.temperature_C', (o) => (o.stations['240'].temperature_C = 120), (r) => r.anode.peakTemperature_K],
    [
      'stations.240.roll_diameter_mm',
      (o) => (o.stations['240'].roll_diameter_mm = 150),
      (r) => st(r, '240').roll.contactLength_m,
    ],
    // stations.*.face_width_mm is validated ≥ the web width, so the contact width is always the web's (line.web_width_mm)
    [
      'stations.240.friction_coefficient',
      (o) => (o.stations['240'].friction_coefficient = 0.3),
      (r) => st(r, '240').roll.layers[2]!.faceFriction,
    ],
    ['line.speed_m_per_min', (o) => (o.line.speed_m_per_min = 2), (r) => st(r, '240').roll.nipTime_s],
    ['line.web_width_mm', (o) => (o.line.web_width_mm = 90), (r) => st(r, '240').roll.lineLoad_N_per_m],
    ['line.downstream.dwell_h', (o) => (o.line.downstream.dwell_h = 48), (r) => r.anode.extent],
    ['line.downstream.temperature_C', (o) => (o.line.downstream.temperature_C = 35), (r) => r.anode.extent],
    [
      'line.downstream.wound',
      (o) => (o.line.downstream.wound = false),
      (r) => r.anode.peakTemperature_K + r.anode.extent,
    ],
    ['cell.width_mm', (o) => (o.cell.width_mm = 70), (r) => r.cell.area_m2],
    ['cell.stack_pressure_MPa', (o) => (o.cell.stack_pressure_MPa = 10), (r) => r.crackInput.stackPressure_Pa],
  ];
  for (const [path, set, q] of walk) {
    const moved = q(line(set));
    const was = q(base);
    assert.ok(
      Number.isFinite(moved) && Math.abs(moved - was) > 1e-9 * Math.max(Math.abs(was), 1e-300),
      `${path}: ${was} → ${moved} (does not reach the physics)`,
    );
  }
});
