import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBpxText, type BpxElectrode, type BpxParticle, type LiquidCellParams } from '../../src/electrochem/bpx.ts';
import {
  BlendedSpmModel,
  createLiquidModel,
  DfnModel,
  stoichiometricCapacity_C,
} from '../../src/electrochem/liquid/index.ts';
import { simulateConstantCurrent } from '../../src/cycler/profile-drive.ts';
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
  assert.ok(m instanceof BlendedSpmModel, 'm instanceof BlendedSpmModel');
  const names = m.sides[1].map((p) => p.name);
  assert.deepEqual(names, ['Large Particles', 'Small Particles']);
  const y0 = m.initialState(1);
  const inv0 = m.lithiumInventory_mol(y0);
  const r = simulateConstantCurrent(m, -12.5, 2.7, { y0 });
  assert.equal(r.status, 'event', r.message);
  const yEnd = r.yFinal;
  const q = -r.capacity_Ah[r.capacity_Ah.length - 1]!;
  // lithium: what left the negative entered the positive (the cell's inventory holds)
  assert.ok(
    Math.abs(m.lithiumInventory_mol(yEnd) - inv0) / inv0 < 1e-6,
    'Math.abs(m.lithiumInventory_mol(yEnd) - inv0) / inv0 < 1e-6',
  );
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
  assert.ok(
    Math.abs(stoichiometricCapacity_C(BLEND) / stoichiometricCapacity_C(SINGLE) - 1) < 1e-9,
    'Math.abs(stoichiometricCapacity_C(BLEND) / stoichiometricCapacity_C(SINGLE) - 1) < 1e-9',
  );
});

test('a blended electrode runs in the DFN (one particle per material in each electrode volume); the lumped thermal SPM/SPMe refuse it with a path', () => {
  const m = createLiquidModel(BLEND, { model: 'dfn', mesh: MESH });
  assert.ok(m instanceof DfnModel, m.name);
  assert.deepEqual(
    m.mats[1].map((p) => p.name),
    ['Large Particles', 'Small Particles'],
  );
  // two materials of the positive: 2·(Nr + 1) unknowns in each positive volume instead of Nr + 1
  assert.equal(m.n - createLiquidModel(SINGLE, { model: 'dfn', mesh: MESH }).n, MESH.positive * (MESH.particle + 1));
  assert.throws(
    () => createLiquidModel(BLEND, { model: 'spm', thermal: true }),
    (e: unknown) => e instanceof ProblemError && /thermal/.test(e.message) && /dfn/.test(e.message),
  );
});

/** both electrodes' one material as two identical parts (fractions f of the surface area and volume) */
function splitBoth(p: LiquidCellParams, fNeg: number, fPos: number): LiquidCellParams {
  const split = (e: BpxElectrode, f: number): BpxElectrode => {
    const part = (name: string, s: number): BpxParticle => ({
      ...e.particles[0]!,
      name,
      surfaceArea_per_m: e.surfaceArea_per_m * s,
      activeFraction: e.activeFraction * s,
    });
    return { ...e, particles: [part('A', f), part('B', 1 - f)] };
  };
  return { ...p, negative: split(p.negative, fNeg), positive: split(p.positive, fPos) };
}

test('DFN: both electrodes split into two identical materials (0.3/0.7 and 0.5/0.5) run as the one-material DFN, isothermal and lumped thermal (1C discharge, to solver tolerance)', () => {
  const two = splitBoth(SINGLE, 0.3, 0.5);
  for (const thermal of [false, true]) {
    const one = createLiquidModel(SINGLE, { model: 'dfn', mesh: MESH, thermal });
    const m = createLiquidModel(two, { model: 'dfn', mesh: MESH, thermal });
    assert.ok(m instanceof DfnModel && m.mats[0].length === 2 && m.mats[1].length === 2, m.name);
    const tEval = Float64Array.from({ length: 80 }, (_, i) => i * 60);
    const a = simulateConstantCurrent(one, -12.5, 2.7, { tEval, rtol: 1e-6 });
    const b = simulateConstantCurrent(m, -12.5, 2.7, { tEval, rtol: 1e-6 });
    assert.equal(b.status, 'event', b.message);
    assert.equal(b.t_s.length, a.t_s.length);
    let dV = 0;
    let dT = 0;
    for (let i = 0; i < a.t_s.length - 1; i++) {
      dV = Math.max(dV, Math.abs(a.V[i]! - b.V[i]!));
      dT = Math.max(dT, Math.abs(a.T_K[i]! - b.T_K[i]!));
    }
    // rtol 1e-6 of ≈ 4 V is 4 µV per step: the two runs take different steps
    assert.ok(dV < 5e-5, `thermal ${thermal}: ${dV} V apart`);
    assert.ok(dT < 1e-3, `thermal ${thermal}: ${dT} K apart`);
    const qa = a.capacity_Ah[a.capacity_Ah.length - 1]!;
    const qb = b.capacity_Ah[b.capacity_Ah.length - 1]!;
    assert.ok(Math.abs(qb - qa) < 1e-4 * Math.abs(qa), `${qb} vs ${qa} A·h`);
    // lithium in the particles is conserved; the materials' currents add up to I
    assert.ok(
      Math.abs(m.lithiumInventory_mol(b.yFinal) / m.lithiumInventory_mol(m.initialState(1)) - 1) < 1e-6,
      'Math.abs(m.lithiumInventory_mol(b.yFinal) / m.lithiumInventory_mol(m.initialState(1)) - 1…',
    );
    const o = m.outputs(b.yFinal);
    assert.ok(Math.abs(o['cathode_a_I_A']! + o['cathode_b_I_A']! + 12.5) < 1e-6, JSON.stringify(o));
    assert.ok(Math.abs(o['anode_a_I_A']! + o['anode_b_I_A']! + 12.5) < 1e-6, JSON.stringify(o));
  }
});

test('DFN and SPMe of the BPX blended example agree at C/20 (within 1 mV all the way to the cut-off, capacity within 0.1 %)', () => {
  const tEval = Float64Array.from({ length: 260 }, (_, i) => i * 300);
  const d = simulateConstantCurrent(createLiquidModel(BLEND, { model: 'dfn', mesh: MESH }), -12.5 / 20, 2.7, { tEval });
  const s = simulateConstantCurrent(createLiquidModel(BLEND, { model: 'spme', mesh: MESH }), -12.5 / 20, 2.7, {
    tEval,
  });
  assert.equal(d.status, 'event', d.message);
  assert.equal(s.status, 'event', s.message);
  let worst = 0;
  for (let i = 0; i < Math.min(d.t_s.length, s.t_s.length) - 1; i++)
    worst = Math.max(worst, Math.abs(d.V[i]! - s.V[i]!));
  assert.ok(worst < 1e-3, `${worst} V apart`);
  const qd = d.capacity_Ah[d.capacity_Ah.length - 1]!;
  const qs = s.capacity_Ah[s.capacity_Ah.length - 1]!;
  assert.ok(Math.abs(qd - qs) < 1e-3 * Math.abs(qs), `${qd} vs ${qs} A·h`);
});

test("DFN: a blend of two different materials (NMC + LFP of the BPX examples) delivers at C/50 the sum of the materials' capacities between the cut-offs (equilibrium, within 0.5 %)", () => {
  const LFP = parseBpxText(read('../conformance/corpora/bpx/examples/lfp_18650_cell_BPX.json'));
  const nmc = SINGLE.positive;
  const lfp = LFP.positive;
  const epsL = 0.3 * nmc.activeFraction;
  const positive: BpxElectrode = {
    ...nmc,
    particles: [
      { ...nmc, name: 'NMC', surfaceArea_per_m: 0.7 * nmc.surfaceArea_per_m, activeFraction: 0.7 * nmc.activeFraction },
      { ...lfp, name: 'LFP', surfaceArea_per_m: (3 * epsL) / lfp.particleRadius_m, activeFraction: epsL },
    ],
  };
  const P: LiquidCellParams = { ...SINGLE, positive };
  const m = createLiquidModel(P, { model: 'dfn', mesh: MESH });
  assert.ok(m instanceof DfnModel, 'm instanceof DfnModel');
  const y0 = m.initialState(1);
  const r = simulateConstantCurrent(m, -12.5 / 50, 2.7, { y0 });
  assert.equal(r.status, 'event', r.message);
  const q = -r.capacity_Ah[r.capacity_Ah.length - 1]!;
  // the equilibrium answer from the materials' OCPs alone: Q = Σ_k C_k (θ_k(U₊) − θ_k,0) with U₊ = 2.7 V +
  // U₋(θ₋(Q)) at the cut-off, θ_k(U) the inverse of material k's OCP, C_k = F ε_k c_max,k L A
  const Tref = SINGLE.cell.referenceTemperature_K;
  const A = SINGLE.cell.electrodeArea_m2 * SINGLE.cell.electrodePairs;
  const F = 96485.33212;
  const thetaAt = (mat: BpxParticle, u: number): number => {
    let lo = 1e-9;
    let hi = 1 - 1e-9;
    for (let i = 0; i < 80; i++) {
      const mid = 0.5 * (lo + hi);
      if (mat.ocp(mid, Tref) > u) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  };
  const o0 = m.outputs(y0);
  const th0 = [o0['cathode_nmc_surface_x']!, o0['cathode_lfp_surface_x']!];
  const neg = SINGLE.negative;
  const Cneg = (F * neg.activeFraction * neg.maxConcentration_mol_m3 * neg.thickness_m * A) / 3600;
  const excess = (Q: number): number => {
    const uPos = 2.7 + neg.ocp(o0['anode_x']! - Q / Cneg, Tref);
    let s = 0;
    positive.particles.forEach((mat, k) => {
      const C = (F * mat.activeFraction * mat.maxConcentration_mol_m3 * positive.thickness_m * A) / 3600;
      s += C * (thetaAt(mat, uPos) - th0[k]!);
    });
    return s - Q;
  };
  let lo = 0;
  let hi = 20;
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi);
    if (excess(mid) > 0) lo = mid;
    else hi = mid;
  }
  const qEq = 0.5 * (lo + hi);
  assert.ok(Math.abs(q - qEq) < 5e-3 * qEq, `${q} A·h vs ${qEq} A·h at equilibrium`);
  // both materials took part: each took up lithium
  const o1 = m.outputs(r.yFinal);
  assert.ok(
    o1['cathode_nmc_surface_x']! > th0[0]! + 0.1 && o1['cathode_lfp_surface_x']! > th0[1]! + 0.1,
    "o1['cathode_nmc_surface_x']! > th0[0]! + 0.1 && o1['cathode_lfp_surface_x']! > th0[1]! +…",
  );
});
