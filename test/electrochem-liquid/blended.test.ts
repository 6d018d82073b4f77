import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBpxText, type BpxElectrode, type LiquidCellParams } from '../../src/electrochem/bpx.ts';
import {
  BlendedSpmModel,
  createLiquidModel,
  simulateConstantCurrent,
  stoichiometricCapacity_C,
} from '../../src/electrochem/liquid/index.ts';
import { solveDae } from '../../src/numerics/index.ts';
import { ProblemError } from '../../src/problems.ts';

const read = (p: string): string => readFileSync(new URL(p, import.meta.url), 'utf8');
const SINGLE = parseBpxText(read('./fixtures/nmc_pouch_cell_BPX.json'));
const BLEND = parseBpxText(read('../conformance/corpora/bpx/examples/nmc_pouch_cell_BPX_blended_electrode.json'));
const MESH = { negative: 6, separator: 3, positive: 6, particle: 8 };

/** the positive electrode's one material as two identical halves (each half the surface area and volume) */
function splitPositive(p: LiquidCellParams): LiquidCellParams {
  const e = p.positive;
  const half = (name: string) => ({
    ...e.particles[0]!,
    name,
    surfaceArea_per_m: e.surfaceArea_per_m / 2,
    activeFraction: e.activeFraction / 2,
  });
  const positive: BpxElectrode = { ...e, particles: [half('A'), half('B')] };
  return { ...p, positive };
}

test('a material split into two identical halves runs as the one-material SPM and SPMe (1C discharge)', () => {
  for (const electrolyte of [false, true]) {
    const kind = electrolyte ? 'spme' : 'spm';
    const one = createLiquidModel(SINGLE, { model: kind, mesh: MESH });
    const two = createLiquidModel(splitPositive(SINGLE), { model: kind, mesh: MESH });
    assert.ok(two instanceof BlendedSpmModel, two.name);
    const tEval = Float64Array.from({ length: 80 }, (_, i) => i * 60);
    const a = simulateConstantCurrent(one, -12.5, 2.7, { tEval });
    const b = simulateConstantCurrent(two, -12.5, 2.7, { tEval });
    assert.equal(b.status, 'event', b.message);
    const qa = -a.capacity_Ah[a.capacity_Ah.length - 1]!;
    const qb = -b.capacity_Ah[b.capacity_Ah.length - 1]!;
    assert.ok(Math.abs(qb - qa) / qa < 1e-3, `${kind}: ${qb} A·h vs ${qa} A·h`);
    // the voltage at the same times, all the way down
    let worst = 0;
    for (let i = 0; i < Math.min(a.t_s.length, b.t_s.length) - 1; i++)
      worst = Math.max(worst, Math.abs(a.V[i]! - b.V[i]!));
    assert.ok(worst < 1e-3, `${kind}: ${worst} V apart`);
  }
});

test('BPX blended example (two particle sizes): the current splits by surface area at first and by capacity later, the materials trade lithium at rest, lithium is conserved', () => {
  const m = createLiquidModel(BLEND, { model: 'spme', mesh: MESH });
  assert.ok(m instanceof BlendedSpmModel);
  const names = m.sides[1].map((p) => p.name);
  assert.deepEqual(names, ['Large Particles', 'Small Particles']);
  const y0 = m.initialState(1);
  const inv0 = m.lithiumInventory_mol(y0);
  const r = simulateConstantCurrent(m, -12.5, 2.7, { y0 });
  assert.equal(r.status, 'event', r.message);
  const yEnd = r.yFinal;
  const q = -r.capacity_Ah[r.capacity_Ah.length - 1]!;
  // lithium: what left the negative entered the positive (the cell's inventory holds)
  assert.ok(Math.abs(m.lithiumInventory_mol(yEnd) - inv0) / inv0 < 1e-6);
  // charge passed against the negative's lithium lost
  const negLi = (y: Float64Array): number => {
    let s = 0;
    for (const ph of m.sides[0]) {
      let c = 0;
      for (let i = 0; i < m.nr; i++) c += ph.vol[i]! * y[ph.b + i]!;
      s += (ph.p.activeFraction * BLEND.negative.thickness_m * c) / (ph.Rp ** 3 / 3);
    }
    return s * m.area_m2;
  };
  const passed = ((negLi(y0) - negLi(yEnd)) * 96485.33212) / 3600;
  assert.ok(Math.abs(passed - q) / q < 1e-3, `${passed} vs ${q} A·h`);
  // the current's split between the materials: by surface area at first (same state, OCP and kinetics:
  // the same flux), by capacity once the small particles have caught up with the large ones' surface
  const [large, small] = m.sides[1];
  const yg = y0.slice();
  m.algebraicGuess(yg, -12.5);
  const early = solveDae(m.problem({ mode: 'current', value: -12.5 }), yg, {
    t0: 0,
    tEnd: 600,
    atol: m.atol,
    rtol: 1e-6,
    tEval: Float64Array.from([1, 600]),
  });
  const share = (y: Float64Array): number => {
    const o = m.outputs(y);
    return o['cathode_small_particles_I_A']! / (o['cathode_small_particles_I_A']! + o['cathode_large_particles_I_A']!);
  };
  const byArea = small!.a / (small!.a + large!.a);
  const byCapacity = small!.w / (small!.w + large!.w);
  assert.ok(Math.abs(share(early.y[0]!) - byArea) < 0.05, `after 1 s: ${share(early.y[0]!)} vs ${byArea}`);
  assert.ok(Math.abs(share(early.y[1]!) - byCapacity) < 0.03, `after 600 s: ${share(early.y[1]!)} vs ${byCapacity}`);
  // at the end of discharge the materials are apart; at rest they move towards one potential, the
  // currents of the two equal and opposite
  const rest = solveDae(m.problem({ mode: 'rest', value: 0 }), yEnd, { t0: 0, tEnd: 3600, atol: m.atol, rtol: 1e-6 });
  assert.equal(rest.status, 'done');
  const o1 = m.outputs(rest.yFinal);
  const iL = o1['cathode_large_particles_I_A']!;
  const iS = o1['cathode_small_particles_I_A']!;
  assert.ok(Math.abs(iL + iS) < 1e-9 + 1e-6 * Math.abs(iL), `${iL} + ${iS}`);
  const oEnd = m.outputs(yEnd);
  const gap = (o: Record<string, number>): number =>
    Math.abs(o['cathode_large_particles_surface_x']! - o['cathode_small_particles_surface_x']!);
  assert.ok(gap(o1) < gap(oEnd) / 10, `surface gap ${gap(oEnd)} → ${gap(o1)} after an hour's rest`);
});

test('the blended example against its one-material twin (the file: "equivalent chemistry"): C/5 capacity within 1 %', () => {
  const a = simulateConstantCurrent(createLiquidModel(SINGLE, { model: 'spme', mesh: MESH }), -2.5, 2.7);
  const b = simulateConstantCurrent(createLiquidModel(BLEND, { model: 'spme', mesh: MESH }), -2.5, 2.7);
  const qa = -a.capacity_Ah[a.capacity_Ah.length - 1]!;
  const qb = -b.capacity_Ah[b.capacity_Ah.length - 1]!;
  assert.ok(Math.abs(qb - qa) / qa < 0.01, `${qb} vs ${qa} A·h`);
  // the stoichiometric capacity counts every material of a blend (the same total as the twin's)
  assert.ok(Math.abs(stoichiometricCapacity_C(BLEND) / stoichiometricCapacity_C(SINGLE) - 1) < 1e-9);
});

test('a blended electrode: the DFN and the lumped thermal model refuse it with a path (spm and spme run it)', () => {
  assert.throws(
    () => createLiquidModel(BLEND, { model: 'dfn' }),
    (e: unknown) =>
      e instanceof ProblemError && /Positive electrode\.Particle/.test(e.message) && /spm, spme/.test(e.message),
  );
  assert.throws(() => createLiquidModel(BLEND, { model: 'spm', thermal: true }), ProblemError);
});
