import { test } from 'node:test';
import { refSolve } from '../support/reference-dae.ts';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBpx, parseBpxText } from '../../src/electrochem/bpx.ts';
import { OCP_TABLE_TOL } from '../../src/electrochem/liquid/ocp-table.ts';
import {
  createLiquidModel,
  DfnModel,
  ocvAtSoc,
  ocp,
  stoichiometricCapacity_C,
  type LiquidMesh,
} from '../../src/electrochem/liquid/index.ts';
import { dfnKernelRuns } from '../../src/electrochem/liquid/dfn-kernel.ts';
import { simulateConstantCurrent, simulateCurrentProfile } from '../../src/cycler/profile-drive.ts';
import { assertBitIdentical } from '../support/same-discharge.ts';
import { solveDae } from '../../src/numerics/index.ts';
import { CondensedCore } from '../../src/numerics/condensed.ts';
import { useWasmBandKernel, wasmBandKernelAvailable } from '../../src/numerics/band-kernel.ts';
import { useWasmStateKernel, wasmStateKernelAvailable } from '../../src/numerics/state-kernel.ts';
import type { CellModel, Control } from '../../src/electrochem/model.ts';

const P = parseBpxText(readFileSync(new URL('./fixtures/nmc_pouch_cell_BPX.json', import.meta.url), 'utf8'));
const COARSE: LiquidMesh = { negative: 6, separator: 3, positive: 6, particle: 6 };
const I1C = -12.5;

function fdJacobianError(
  m: CellModel & { n: number },
  y: Float64Array,
  control: Control,
): { err: string; max: number } {
  const pr = m.problem(control);
  const J = new Map<number, number>();
  pr.jacobian!(0, y, { add: (i, j, v) => J.set(i * m.n + j, (J.get(i * m.n + j) ?? 0) + v) });
  const f1 = new Float64Array(m.n);
  const f2 = new Float64Array(m.n);
  let max = 0;
  let err = '';
  for (let j = 0; j < m.n; j++) {
    const h = 1e-6 * Math.max(Math.abs(y[j]!), 1e-3);
    const yp = y.slice();
    yp[j] = yp[j]! + h;
    const ym = y.slice();
    ym[j] = ym[j]! - h;
    pr.f(0, yp, f1);
    pr.f(0, ym, f2);
    for (let i = 0; i < m.n; i++) {
      const fd = (f1[i]! - f2[i]!) / (2 * h);
      const an = J.get(i * m.n + j) ?? 0;
      const scale = Math.max(Math.abs(fd), Math.abs(an));
      if (scale < 1e-9) continue;
      const e = Math.abs(fd - an) / scale;
      if (e > max) {
        max = e;
        err = `(${i},${j}) fd ${fd} analytic ${an}`;
      }
    }
  }
  return { err, max };
}

test('every model is at equilibrium at rest (f = 0) and its analytic Jacobian matches finite differences', () => {
  for (const [model, thermal] of [
    ['dfn', false],
    ['spme', false],
    ['spm', false],
    ['dfn', true],
    ['spme', true],
  ] as const) {
    const m = createLiquidModel(P, { model, mesh: COARSE, thermal });
    for (const soc of [0.05, 0.5, 1]) {
      const y = m.initialState(soc);
      const out = new Float64Array(m.n);
      m.problem({ mode: 'rest', value: 0 }).f(0, y, out);
      const worst = Math.max(...Array.from(out, Math.abs));
      assert.ok(worst < 1e-9, `${model} soc ${soc}: max |f| = ${worst}`);
      // the models evaluate U_ref(θ) from a table checked to OCP_TABLE_TOL (0.1 µV) against the expression
      assert.ok(
        Math.abs(m.voltage(y) - ocvAtSoc(P, soc)) < 2 * OCP_TABLE_TOL,
        `${model}: rest voltage is the OCV (${m.voltage(y) - ocvAtSoc(P, soc)} V off)`,
      );
    }
    // a state away from equilibrium, under load
    const y = m.initialState(0.6);
    const res = simulateConstantCurrent(m, 2 * I1C, 2.5, { y0: y, tEnd_s: 300 });
    for (const control of [
      { mode: 'current', value: 2 * I1C },
      { mode: 'voltage', value: 3.8 },
      { mode: 'power', value: -50 },
      { mode: 'resistance', value: 0.2 },
    ] as const) {
      const { err, max } = fdJacobianError(m, res.yFinal, control);
      assert.ok(max < 1e-3, `${model}${thermal ? ' thermal' : ''} ${control.mode}: Jacobian mismatch ${max} at ${err}`);
    }
  }
});

test('cyclable lithium is conserved to 1e-10 over a full discharge/charge cycle (all models, DFN also lumped-thermal)', () => {
  for (const [model, thermal] of [
    ['dfn', false],
    ['dfn', true],
    ['spme', false],
    ['spm', false],
  ] as const) {
    const m = createLiquidModel(P, { model, mesh: COARSE, thermal });
    const y0 = m.initialState(1);
    const n0 = m.lithiumInventory_mol(y0);
    const d = simulateConstantCurrent(m, I1C, 2.8, { y0 });
    assert.equal(d.status, 'event');
    const c = simulateConstantCurrent(m, -I1C, 4.15, { y0: d.yFinal });
    assert.equal(c.status, 'event');
    const n1 = m.lithiumInventory_mol(c.yFinal);
    assert.ok(
      Math.abs(n1 - n0) / n0 < 1e-10,
      `${model}${thermal ? ' thermal' : ''}: relative Li change ${(n1 - n0) / n0}`,
    );
    // and the Li really moved between the electrodes in between
    const o = m.outputs!(d.yFinal);
    assert.ok(o['anode_x']! < 0.1, `${model}: negative electrode delithiated (x = ${o['anode_x']})`);
  }
});

test('DFN mesh refinement converges: < 1 mV between the two finest meshes at 1C', () => {
  // from 300 s on: at the instant of the current step the particle surface gradient is unbounded and
  // the finite-volume surface value converges only as O(Δr) (4.0922, 4.0963, 4.0984, 4.0994 V for
  // 5, 10, 20, 40 shells)
  const tEval = Float64Array.from([0, 300, 1200, 2400, 3300]);
  const meshes: LiquidMesh[] = [
    { negative: 5, separator: 3, positive: 5, particle: 5 },
    { negative: 10, separator: 5, positive: 10, particle: 10 },
    { negative: 20, separator: 10, positive: 20, particle: 20 },
  ];
  const V = meshes.map((mesh) => {
    const m = createLiquidModel(P, { model: 'dfn', mesh });
    const r = simulateCurrentProfile(
      m,
      { t_s: Float64Array.from([0, 3400]), I_A: Float64Array.from([I1C, I1C]) },
      { tEval },
    );
    assert.equal(r.V.length, tEval.length);
    return r.V;
  });
  const diff = (a: Float64Array, b: Float64Array): number =>
    Math.max(...Array.from(a, (v, i) => (i === 0 ? 0 : Math.abs(v - b[i]!))));
  const d12 = diff(V[0]!, V[1]!);
  const d23 = diff(V[1]!, V[2]!);
  assert.ok(d23 < 1e-3, `finest meshes differ by ${(d23 * 1000).toFixed(3)} mV`);
  assert.ok(d23 < d12, `refinement converges (${d12} then ${d23})`);
});

test("the DFN reproduces the BPX file's own Validation data (C/20 and 1C), and that RMSE is mesh-converged", () => {
  const rmse = (key: string, mesh: LiquidMesh): number => {
    const v = P.validation![key]!;
    const r = simulateCurrentProfile(createLiquidModel(P, { model: 'dfn', mesh }), { t_s: v.t_s, I_A: v.I_A });
    assert.equal(r.V.length, v.t_s.length, `${key}: the model covers every sample`);
    let s = 0;
    for (let i = 0; i < r.V.length; i++) s += (r.V[i]! - v.V[i]!) ** 2;
    return Math.sqrt(s / r.V.length) * 1000;
  };
  const meshes: LiquidMesh[] = [
    { negative: 10, separator: 5, positive: 10, particle: 10 },
    { negative: 20, separator: 10, positive: 20, particle: 20 },
    { negative: 40, separator: 20, positive: 40, particle: 40 },
  ];
  const r1 = meshes.map((m) => rmse('1C discharge', m));
  const d12 = Math.abs(r1[1]! - r1[0]!);
  const d23 = Math.abs(r1[2]! - r1[1]!);
  // the discretisation moves the RMSE by a fraction of a millivolt and less with each refinement
  assert.ok(d23 < 0.25 && d23 < d12, `1C RMSE ${r1.map((x) => x.toFixed(3)).join(', ')} mV`);
  // BPX parameters as given, SOC 1 at the start, isothermal: the DFN follows the measured discharges
  // of the file's Validation section (100 s / 1000 s samples, down to the 2.7 V knee)
  assert.ok(r1[1]! < 21, `1C RMSE ${r1[1]!.toFixed(2)} mV`);
  const r20 = rmse('C/20 discharge', meshes[1]!);
  assert.ok(r20 < 18.5, `C/20 RMSE ${r20.toFixed(2)} mV`);
});

test('at C/20 SPM, SPMe and DFN agree within 5 mV, and the DFN capacity is the stoichiometric one within 0.5 %', () => {
  const Ic20 = I1C / 20;
  const tEval = Float64Array.from({ length: 31 }, (_, i) => (i === 0 ? 0 : 1000 + (i - 1) * 2400));
  const res = (['dfn', 'spme', 'spm'] as const).map((model) => {
    const m = createLiquidModel(P, { model, mesh: COARSE });
    return simulateCurrentProfile(
      m,
      { t_s: Float64Array.from([0, 75000]), I_A: Float64Array.from([Ic20, Ic20]) },
      { tEval },
    );
  });
  for (const r of res.slice(1)) {
    for (let i = 0; i < tEval.length; i++)
      assert.ok(Math.abs(r.V[i]! - res[0]!.V[i]!) < 5e-3, `t = ${tEval[i]}: ${r.V[i]} vs DFN ${res[0]!.V[i]}`);
  }
  const m = createLiquidModel(P, { model: 'dfn', mesh: COARSE });
  const d = simulateConstantCurrent(m, Ic20, P.cell.lowerCutoff_V, { y0: m.initialState(1) });
  const q = (-d.capacity_Ah[d.capacity_Ah.length - 1]! * 3600) / stoichiometricCapacity_C(P);
  assert.ok(Math.abs(q - 1) < 0.005, `C/20 capacity / stoichiometric capacity = ${q}`);
});

test('open-circuit rest after a discharge relaxes to the OCV of the mean stoichiometries', () => {
  const m = createLiquidModel(P, { model: 'dfn', mesh: COARSE });
  const d = simulateConstantCurrent(m, 2 * I1C, 2.5, { y0: m.initialState(0.9), tEnd_s: 900 });
  const rest = m.problem({ mode: 'rest', value: 0 });
  const r = solveDae(rest, d.yFinal, { t0: 0, tEnd: 6 * 3600, rtol: 1e-7, atol: m.atol!, tEval: [1, 6 * 3600] });
  assert.equal(r.status, 'done');
  const o = m.outputs!(r.yFinal);
  const Tref = P.cell.referenceTemperature_K;
  const ocvBulk = ocp(P.positive, o['cathode_x']!, Tref, Tref) - ocp(P.negative, o['anode_x']!, Tref, Tref);
  const v1 = m.voltage(r.y[0]!);
  const vEnd = m.voltage(r.yFinal);
  assert.ok(Math.abs(vEnd - ocvBulk) < 1e-3, `after 6 h: V = ${vEnd}, OCV = ${ocvBulk}`);
  assert.ok(vEnd > v1 + 0.01, `voltage recovers on rest (${v1} → ${vEnd})`);
  assert.equal(m.current(r.yFinal), 0);
});

test('voltage, power and resistance control hold their set points', () => {
  const m = createLiquidModel(P, { model: 'dfn', mesh: COARSE });
  const y0 = m.initialState(0.5);
  const run = (control: Control, tEnd: number) =>
    solveDae(m.problem(control), y0, { t0: 0, tEnd, rtol: 1e-7, atol: m.atol!, tEval: [tEnd / 2, tEnd] });
  const cv = run({ mode: 'voltage', value: 4.0 }, 1800);
  for (const y of cv.y) assert.ok(Math.abs(m.voltage(y) - 4.0) < 1e-8, 'Math.abs(m.voltage(y) - 4.0) < 1e-8');
  assert.ok(
    m.current(cv.y[0]!) > m.current(cv.y[1]!) && m.current(cv.y[1]!) > 0,
    'CV charge: current positive and decaying',
  );
  const cp = run({ mode: 'power', value: -40 }, 1200);
  for (const y of cp.y)
    assert.ok(Math.abs(m.current(y) * m.voltage(y) + 40) < 1e-6, 'Math.abs(m.current(y) * m.voltage(y) + 40) < 1e-6');
  const cr = run({ mode: 'resistance', value: 0.5 }, 1200);
  for (const y of cr.y)
    assert.ok(Math.abs(m.voltage(y) + m.current(y) * 0.5) < 1e-8, 'Math.abs(m.voltage(y) + m.current(y) * 0.5) < 1e-8');
  assert.ok(m.current(cr.y[1]!) < 0, 'a resistive load discharges the cell');
});

test('a constant current profile reproduces the constant-current discharge; the independent reference solver (test/support) agrees with the project solver', () => {
  const m = createLiquidModel(P, { model: 'spme', mesh: COARSE });
  const tEval = Float64Array.from([0, 100, 1000, 2000, 3000]);
  const a = simulateCurrentProfile(
    m,
    { t_s: Float64Array.from([0, 3600]), I_A: Float64Array.from([I1C, I1C]) },
    { tEval },
  );
  const b = simulateConstantCurrent(m, I1C, 2.7, { y0: m.initialState(1), tEval });
  const c = simulateConstantCurrent(m, I1C, 2.7, { y0: m.initialState(1), tEval, solver: refSolve });
  for (let i = 0; i < tEval.length; i++) {
    assert.ok(Math.abs(a.V[i]! - b.V[i]!) < 1e-4, 'Math.abs(a.V[i]! - b.V[i]!) < 1e-4');
    assert.ok(Math.abs(c.V[i]! - b.V[i]!) < 2e-4, `reference ${c.V[i]} vs project ${b.V[i]}`);
    assert.ok(
      Math.abs(b.capacity_Ah[i]! - (I1C * tEval[i]!) / 3600) < 1e-9 + 1e-6 * Math.abs(b.capacity_Ah[i]!),
      'Math.abs(b.capacity_Ah[i]! - (I1C * tEval[i]!) / 3600) < 1e-9 + 1e-6 * Math.abs(b.capacit…',
    );
  }
});

test('lumped thermal: the cell warms on a 2C discharge, more with a smaller heat-transfer coefficient, and not at rest', () => {
  const rise = (h: number): number => {
    const m = createLiquidModel(P, { model: 'spme', mesh: COARSE, thermal: { h_W_m2K: h } });
    const r = simulateConstantCurrent(m, 2 * I1C, 3.0, { y0: m.initialState(1) });
    return Math.max(...Array.from(r.T_K)) - P.cell.initialTemperature_K;
  };
  const r10 = rise(10);
  const r50 = rise(50);
  assert.ok(r10 > 1 && r10 < 40, `ΔT(h=10) = ${r10} K`);
  assert.ok(r50 > 0 && r50 < r10, `ΔT(h=50) = ${r50} K < ΔT(h=10)`);
  const m = new DfnModel(P, { mesh: COARSE, thermal: true });
  const r = solveDae(m.problem({ mode: 'rest', value: 0 }), m.initialState(0.5), {
    t0: 0,
    tEnd: 3600,
    atol: m.atol,
    tEval: [3600],
  });
  assert.ok(
    Math.abs(m.temperature(r.yFinal) - P.cell.initialTemperature_K) < 1e-9,
    'Math.abs(m.temperature(r.yFinal) - P.cell.initialTemperature_K) < 1e-9',
  );
});

test('a BPX file with tabulated OCPs and diffusivity gives the same cell as the expressions (table support end to end)', () => {
  const doc = JSON.parse(
    readFileSync(new URL('./fixtures/nmc_pouch_cell_BPX.json', import.meta.url), 'utf8'),
  ) as Record<string, any>;
  const xs = Array.from({ length: 401 }, (_, i) => i / 400);
  const T = P.cell.referenceTemperature_K;
  doc['Parameterisation']['Positive electrode']['OCP [V]'] = { x: xs, y: xs.map((x) => P.positive.ocp(x, T)) };
  const cs = Array.from({ length: 41 }, (_, i) => 50 * i);
  doc['Parameterisation']['Electrolyte']['Diffusivity [m2.s-1]'] = {
    x: cs,
    y: cs.map((c) => P.electrolyte.diffusivity(c, T)),
  };
  const Q = parseBpx(doc);
  const tEval = Float64Array.from([0, 600, 1800, 3000]);
  const a = simulateConstantCurrent(createLiquidModel(P, { model: 'dfn', mesh: COARSE }), I1C, 2.7, { tEval });
  const b = simulateConstantCurrent(createLiquidModel(Q, { model: 'dfn', mesh: COARSE }), I1C, 2.7, { tEval });
  for (let i = 0; i < tEval.length; i++)
    assert.ok(Math.abs(a.V[i]! - b.V[i]!) < 1e-3, `t = ${tEval[i]}: ${a.V[i]} vs table ${b.V[i]}`);
});

test('an exhausted electrode ends the drivers at the stoichiometry limit; f is never finite garbage beyond it', () => {
  for (const model of ['dfn', 'spme', 'spm'] as const) {
    const m = createLiquidModel(P, { model, mesh: COARSE });
    const y0 = m.initialState(0.02);
    // no voltage cut-off: only the particle surface can stop a 2C discharge of an almost empty cell
    const r = simulateConstantCurrent(m, 2 * I1C, -100, { y0, tEnd_s: 600 });
    assert.equal(r.status, 'event', `${model}: ${r.status} ${r.message ?? ''}`);
    const margin = (m as unknown as { stoichiometryMargin(y: Float64Array): number }).stoichiometryMargin(r.yFinal);
    assert.ok(Math.abs(margin - 1e-5) < 1e-7, `${model}: margin ${margin} at the end`);
    assert.ok(
      r.t_s[r.t_s.length - 1]! < 600 && Number.isFinite(r.V[r.V.length - 1]!),
      'r.t_s[r.t_s.length - 1]! < 600 && Number.isFinite(r.V[r.V.length - 1]!)',
    );
    // a state beyond the limit has no finite residual
    const bad = r.yFinal.slice();
    const cs = model === 'dfn' ? (m as DfnModel).iCs[0]! : 0;
    for (let i = 0; i < COARSE.particle; i++) bad[cs + i] = -0.05 * P.negative.maxConcentration_mol_m3;
    const out = new Float64Array(m.n);
    m.problem({ mode: 'current', value: 2 * I1C }).f(0, bad, out);
    assert.ok(
      out.every((v) => Number.isNaN(v)),
      `${model}: f beyond the limit`,
    );
  }
});

test('model options are checked', () => {
  assert.throws(
    () => createLiquidModel(P, { mesh: { particle: 1 } }),
    /mesh\.particle: must be an integer ≥ 2 \(got 1\)/,
  );
  assert.throws(
    () => createLiquidModel(P, { mesh: { negative: 2.5 } }),
    /mesh\.negative: must be an integer ≥ 1 \(got 2\.5\)/,
  );
  assert.throws(() => createLiquidModel(P, { model: 'p3d' as 'dfn' }), /model: unknown liquid model 'p3d'/);
  const m = createLiquidModel(P, { mesh: COARSE });
  assert.throws(() => m.initialState(1.2), /soc: must be within 0\.\.1 \(got 1\.2\)/);
  assert.throws(() => m.problem({ mode: 'resistance', value: -1 }), /control\.value: resistance must be > 0/);
  for (const v of [0, -1e-6, 1, NaN])
    assert.throws(
      () => createLiquidModel(P, { mesh: COARSE, scaledAtol: v }),
      new RegExp(`scaledAtol: must be a tolerance \\(got ${v}; allowed 0 < scaledAtol < 1\\)`),
    );
});

test("PyBaMM's default tolerances (rtol 1e-4, scaledAtol 1e-6): the 1C DFN discharge stays within 0.1 mV and 0.01 % capacity of the rtol 1e-6 one in fewer steps", () => {
  const run = (rtol: number, scaledAtol?: number) => {
    const m = createLiquidModel(P, { mesh: COARSE, ...(scaledAtol !== undefined ? { scaledAtol } : {}) });
    return simulateConstantCurrent(m, I1C, P.cell.lowerCutoff_V, { y0: m.initialState(1), rtol });
  };
  const strict = run(1e-6);
  const loose = run(1e-4, 1e-6);
  assert.equal(loose.status, 'event');
  assert.ok(loose.stats.steps < 0.8 * strict.stats.steps, `${loose.stats.steps} vs ${strict.stats.steps} steps`);
  // the strict run's dense output at the loose run's steps
  const m = createLiquidModel(P, { mesh: COARSE });
  const at = simulateConstantCurrent(m, I1C, P.cell.lowerCutoff_V, {
    y0: m.initialState(1),
    rtol: 1e-6,
    tEval: loose.t_s,
  });
  let worst = 0;
  for (let i = 0; i < at.t_s.length; i++) worst = Math.max(worst, Math.abs(at.V[i]! - loose.V[i]!));
  assert.ok(at.t_s.length >= loose.t_s.length - 1 && worst < 1e-4, `max |ΔV| ${worst} V over ${at.t_s.length} times`);
  const cap = (r: typeof strict) => Math.abs(r.capacity_Ah[r.capacity_Ah.length - 1]!);
  assert.ok(Math.abs(cap(loose) / cap(strict) - 1) < 1e-4, `${cap(loose)} vs ${cap(strict)} A·h`);
});

test('DFN algebraic starting guess: the consistent initial state and the voltage after the first seconds are the same as when starting from rest', () => {
  const m = createLiquidModel(P, { model: 'dfn', mesh: COARSE }) as DfnModel;
  const y0 = m.initialState(0.9);
  const guess = y0.slice();
  m.algebraicGuess(guess, 2 * I1C);
  // the guess itself is close: pore-wall fluxes carry the current
  assert.equal(guess[m.iI], 2 * I1C);
  const problem = m.problem({ mode: 'current', value: 2 * I1C });
  const opts = { t0: 0, tEnd: 5, rtol: 1e-8, atol: m.atol, tEval: [0, 5] };
  const a = solveDae(problem, y0, opts);
  const b = solveDae(problem, guess, opts);
  assert.equal(a.status, 'done');
  assert.equal(b.status, 'done');
  for (const k of [0, 1])
    assert.ok(
      Math.abs(m.voltage(a.y[k]!) - m.voltage(b.y[k]!)) < 1e-6,
      `t = ${opts.tEval[k]} s: ${m.voltage(a.y[k]!)} vs ${m.voltage(b.y[k]!)}`,
    );
  assert.ok(
    b.stats.fEvals < a.stats.fEvals,
    `fewer f evaluations from the guess (${b.stats.fEvals} vs ${a.stats.fEvals})`,
  );
});

test('DFN algebraic starting guess: its charge balances hold exactly, and it lies within 1 % of the ohmic drops and 2 % of the reaction distribution from the consistent state (DFN, blended, lumped thermal; discharge and charge)', () => {
  const BLEND = parseBpxText(
    readFileSync(
      new URL('../conformance/corpora/bpx/examples/nmc_pouch_cell_BPX_blended_electrode.json', import.meta.url),
      'utf8',
    ),
  );
  const MESH: LiquidMesh = { negative: 20, separator: 10, positive: 20, particle: 10 };
  const cases: Array<[string, DfnModel, number, number]> = [
    ['DFN 1C discharge', new DfnModel(P, { mesh: MESH, scaledAtol: 1e-6 }), 1, I1C],
    ['DFN 2C discharge', new DfnModel(P, { mesh: MESH }), 0.9, 2 * I1C],
    ['DFN 1C charge', new DfnModel(P, { mesh: MESH }), 0.1, -I1C],
    ['DFN lumped thermal', new DfnModel(P, { mesh: MESH, thermal: true }), 1, I1C],
    ['blended DFN', new DfnModel(BLEND, { mesh: MESH }), 1, I1C],
    ['blended DFN lumped thermal', new DfnModel(BLEND, { mesh: MESH, thermal: true }), 0.8, I1C],
  ];
  for (const [name, m, soc, I] of cases) {
    const y = m.initialState(soc);
    m.algebraicGuess(y, I);
    const control = { mode: 'current', value: I } as const;
    const pr = m.problem(control);
    // the electrolyte and solid charge balances (every φ row but the gauge's) hold for the guess's fluxes
    const out = new Float64Array(m.n);
    pr.f(0, y, out);
    const idis = Math.abs(I) / m.area_m2;
    for (let k = 0; k < m.nx; k++) {
      assert.ok(
        Math.abs(out[m.iPe[k]!]!) < 1e-9 * idis,
        `${name}: electrolyte charge balance ${out[m.iPe[k]!]} in volume ${k}`,
      );
      if (m.iPs[k]! >= 0)
        assert.ok(
          Math.abs(out[m.iPs[k]!]!) < 1e-9 * idis,
          `${name}: solid charge balance ${out[m.iPs[k]!]} in volume ${k}`,
        );
    }
    // the consistent state at t = 0 (the solver's initialisation, tight tolerance)
    const r = solveDae(pr, y, { t0: 0, tEnd: 1e-9, rtol: 1e-8, atol: m.atol, tEval: [0] });
    assert.equal(r.status, 'done', name);
    const yc = r.y[0]!;
    let dPhi = 0;
    let dJ = 0;
    let jMax = 0;
    let peMin = Infinity;
    let peMax = -Infinity;
    for (let k = 0; k < m.nx; k++) {
      const pe = yc[m.iPe[k]!]!;
      peMin = Math.min(peMin, pe);
      peMax = Math.max(peMax, pe);
      dPhi = Math.max(dPhi, Math.abs(pe - y[m.iPe[k]!]!));
      if (m.iPs[k]! < 0) continue;
      dPhi = Math.max(dPhi, Math.abs(yc[m.iPs[k]!]! - y[m.iPs[k]!]!));
      const nm = m.mats[m.dom[k] === 0 ? 0 : 1].length;
      for (let q = 0; q < nm; q++) {
        const ij = m.iJ[k]! + q * m.stride;
        dJ = Math.max(dJ, Math.abs(yc[ij]! - y[ij]!));
        jMax = Math.max(jMax, Math.abs(yc[ij]!));
      }
    }
    // the electrolyte's potential drop across the cell at the consistent state: ≈ 10 mV per C here
    const drop = peMax - peMin;
    assert.ok(drop > 5e-3, `${name}: φ_e drop ${drop} V`);
    assert.ok(
      dPhi < 0.01 * drop,
      `${name}: potentials ${dPhi * 1e3} mV from the consistent state (drop ${drop * 1e3} mV)`,
    );
    assert.ok(dJ < 0.02 * jMax, `${name}: fluxes ${dJ / jMax} of the largest from the consistent state`);
  }
});

test('DFN linear particle rows (DaeProblem.linearRows): f = J·y exactly there, fNonlinear = f elsewhere, and the discharge is the same with them out of the Newton loop', () => {
  const m = new DfnModel(P, { mesh: COARSE });
  const pr = m.problem({ mode: 'current', value: I1C });
  const lin = pr.linearRows!;
  assert.ok(lin && pr.fNonlinear, 'an isothermal DFN with constant D_s declares its particle rows linear');
  let nLin = 0;
  for (let i = 0; i < m.n; i++) nLin += lin[i]!;
  assert.equal(nLin, (COARSE.negative + COARSE.positive) * COARSE.particle);
  // a state off any solution: shells perturbed, fluxes non-zero
  const y = m.initialState(0.6);
  for (let i = 0; i < m.n; i++) if (lin[i]) y[i] = y[i]! * (1 + 0.01 * Math.sin(7 * i));
  for (let k = 0; k < m.nx; k++) if (m.iJ[k]! >= 0) y[m.iJ[k]!] = 1e-5 * Math.cos(k);
  const J = new Map<number, number>();
  pr.jacobian!(0, y, { add: (i, j, v) => J.set(i * m.n + j, (J.get(i * m.n + j) ?? 0) + v) });
  const f = new Float64Array(m.n);
  pr.f(0, y, f);
  const Jy = new Float64Array(m.n);
  for (const [key, v] of J) Jy[Math.floor(key / m.n)]! += v * y[key % m.n]!;
  let scale = 0;
  let err = 0;
  for (let i = 0; i < m.n; i++)
    if (lin[i]) {
      scale = Math.max(scale, Math.abs(f[i]!));
      err = Math.max(err, Math.abs(f[i]! - Jy[i]!));
    }
  assert.ok(scale > 0 && err < 1e-9 * scale, `linear rows: |f − J·y| = ${err} (|f| up to ${scale})`);
  const g = new Float64Array(m.n).fill(12345);
  pr.fNonlinear!(0, y, g);
  for (let i = 0; i < m.n; i++) {
    if (lin[i]) assert.equal(g[i], 12345, `fNonlinear leaves linear row ${i} alone`);
    else assert.equal(g[i], f[i], `fNonlinear row ${i}`);
  }
  // the same discharge with every unknown in the Newton loop (no linearRows)
  const full = (p: typeof pr, y0: Float64Array, o: Parameters<typeof solveDae>[2]) =>
    solveDae({ ...p, linearRows: undefined, fNonlinear: undefined }, y0, o);
  const a = simulateConstantCurrent(m, I1C, 2.7, { y0: m.initialState(1) });
  const b = simulateConstantCurrent(m, I1C, 2.7, { y0: m.initialState(1), solver: full });
  const tA = a.t_s[a.t_s.length - 1]!;
  const tB = b.t_s[b.t_s.length - 1]!;
  assert.ok(Math.abs(tA - tB) < 1e-5 * tB, `cut-off at ${tA} vs ${tB} s`);
  const qA = a.capacity_Ah[a.capacity_Ah.length - 1]!;
  const qB = b.capacity_Ah[b.capacity_Ah.length - 1]!;
  assert.ok(Math.abs(qA - qB) < 1e-5 * Math.abs(qB), `capacity ${qA} vs ${qB} Ah`);
  // thermal: D_s follows T, so no row is declared linear
  assert.equal(
    new DfnModel(P, { mesh: COARSE, thermal: true }).problem({ mode: 'current', value: I1C }).linearRows,
    undefined,
  );
});

test('DFN Jacobian with the linear rows held by the solver (JacobianSink.linearRowsHeld): it leaves out exactly those rows, and a discharge is bit for bit the one whose Jacobian writes every row each time', () => {
  const m = new DfnModel(P, { mesh: COARSE });
  const pr = m.problem({ mode: 'current', value: I1C });
  const lin = pr.linearRows!;
  const y = m.initialState(0.6);
  const collect = (held: boolean): Map<number, number> => {
    const J = new Map<number, number>();
    pr.jacobian!(0, y, {
      add: (i, j, v) => J.set(i * m.n + j, (J.get(i * m.n + j) ?? 0) + v),
      linearRowsHeld: held,
    });
    return J;
  };
  const full = collect(false);
  const held = collect(true);
  let nLinear = 0;
  for (const [key, v] of full) {
    if (lin[Math.floor(key / m.n)]) {
      nLinear++;
      assert.ok(!held.has(key), `entry ${key} of a linear row left out`);
    } else assert.equal(held.get(key), v, `entry ${key}`);
  }
  assert.ok(nLinear > 0, 'nLinear > 0');
  for (const key of held.keys()) assert.ok(full.has(key), 'full.has(key)');
  // the solver with a sink the model cannot see through (every row written at every evaluation)
  const writeAll = (p: typeof pr, y0: Float64Array, o: Parameters<typeof solveDae>[2]) =>
    solveDae({ ...p, jacobian: (t, yy, sink) => p.jacobian!(t, yy, { add: (i, j, v) => sink.add(i, j, v) }) }, y0, o);
  const mesh: LiquidMesh = { negative: 20, separator: 10, positive: 20, particle: 10 };
  const mb = createLiquidModel(P, { model: 'dfn', mesh, scaledAtol: 1e-6 });
  const a = simulateConstantCurrent(mb, I1C, P.cell.lowerCutoff_V, { y0: mb.initialState(1), rtol: 1e-4 });
  const b = simulateConstantCurrent(mb, I1C, P.cell.lowerCutoff_V, {
    y0: mb.initialState(1),
    rtol: 1e-4,
    solver: writeAll,
  });
  assertBitIdentical(a, b);
});

test('DFN Jacobian as one sequence (JacobianSink.addSequence, placed by the condensed system’s map) is the per-entry one bit for bit: isothermal and lumped-thermal, held linear rows or not, every control mode, several states', () => {
  for (const thermal of [false, true]) {
    const m = new DfnModel(P, { mesh: COARSE, thermal });
    const y1 = m.initialState(0.3);
    const y2 = m.initialState(0.9);
    for (let i = 0; i < m.n; i++) y2[i] = y2[i]! * (1 + 0.01 * Math.sin(3 * i));
    const y3 = simulateConstantCurrent(m, 2 * I1C, 2.5, { y0: m.initialState(0.6), tEnd_s: 200 }).yFinal;
    for (const control of [
      { mode: 'current', value: I1C },
      { mode: 'voltage', value: 3.7 },
      { mode: 'power', value: -40 },
      { mode: 'resistance', value: 0.3 },
    ] as const) {
      const pr = m.problem(control);
      const st = pr.structure!;
      assert.ok(st.kind === 'sparse', 'the DFN declares a sparse (condensed) structure');
      for (const held of thermal ? [false] : [false, true])
        for (const y of [y1, y2, y3]) {
          const seq = new CondensedCore(m.n, st.rows, st.cols, pr.massDiag);
          const one = new CondensedCore(m.n, st.rows, st.cols, pr.massDiag);
          let sequences = 0;
          pr.jacobian!(1, y, {
            add: (i, j, v) => seq.add(i, j, v),
            addSequence: (r, c, v, k) => {
              sequences++;
              seq.addSequence(r, c, v, k);
            },
            linearRowsHeld: held,
          });
          pr.jacobian!(1, y, { add: (i, j, v) => one.add(i, j, v), linearRowsHeld: held });
          assert.equal(sequences, 1, 'one call');
          const what = `${thermal ? 'thermal' : 'isothermal'} ${control.mode} held ${held}`;
          seq.J.forEach((x, q) => assert.ok(Object.is(x, one.J[q]), `${what}: J[${q}] ${x} vs ${one.J[q]}`));
        }
    }
  }
});

/** the bench's DFN 1C discharge (20/10/20 volumes, 10 per particle) with a WebAssembly kernel switched off, then on */
function dfn1cKernelOffOn(
  use: (on: boolean) => boolean,
): [ReturnType<typeof simulateConstantCurrent>, ReturnType<typeof simulateConstantCurrent>] {
  const mesh: LiquidMesh = { negative: 20, separator: 10, positive: 20, particle: 10 };
  const run = (wasm: boolean): ReturnType<typeof simulateConstantCurrent> => {
    const was = use(wasm);
    try {
      const m = createLiquidModel(P, { model: 'dfn', mesh, scaledAtol: 1e-6 });
      return simulateConstantCurrent(m, I1C, P.cell.lowerCutoff_V, { y0: m.initialState(1), rtol: 1e-4 });
    } finally {
      use(was);
    }
  };
  return [run(false), run(true)];
}

test("the bench's DFN 1C discharge (20/10/20 volumes, 10 per particle) is bit for bit the same with the band solve's WebAssembly kernel as with its JavaScript loops", () => {
  assert.ok(wasmBandKernelAvailable(), 'wasmBandKernelAvailable()');
  const [js, wasm] = dfn1cKernelOffOn(useWasmBandKernel);
  assertBitIdentical(js, wasm);
});

test("the bench's DFN 1C discharge is bit for bit the same with the integrator's WebAssembly sweeps (updateD, applyRU, errorNorm) as with its JavaScript loops", () => {
  assert.ok(wasmStateKernelAvailable(), 'wasmStateKernelAvailable()');
  const [js, wasm] = dfn1cKernelOffOn(useWasmStateKernel);
  assertBitIdentical(js, wasm);
});

test('DFN models built again from one parameter object share its build while its values stay, and see a value changed in place', () => {
  const text = readFileSync(new URL('./fixtures/nmc_pouch_cell_BPX.json', import.meta.url), 'utf8');
  const p = parseBpxText(text);
  const a = new DfnModel(p, { mesh: COARSE });
  const b = new DfnModel(p, { mesh: COARSE });
  assert.equal(b.massDiag, a.massDiag);
  assert.equal(b.atol, a.atol);
  // other options are other builds
  assert.notEqual(new DfnModel(p, { mesh: COARSE, scaledAtol: 1e-6 }).atol, a.atol);
  assert.notEqual(new DfnModel(p, { mesh: { ...COARSE, positive: 5 } }).n, a.n);
  // a thickness and an OCP changed in place (the types say readonly; JavaScript lets a caller do it)
  const dxA = Float64Array.from(a.dx);
  const neg = p.negative as { thickness_m: number; ocp: (x: number, T: number) => number };
  neg.thickness_m *= 1.5;
  const ocp0 = neg.ocp;
  neg.ocp = (x, T) => ocp0(x, T) + 0.01;
  const c = new DfnModel(p, { mesh: COARSE });
  const fresh = parseBpxText(text);
  const fn = fresh.negative as { thickness_m: number; ocp: (x: number, T: number) => number };
  fn.thickness_m *= 1.5;
  fn.ocp = neg.ocp;
  const ref = new DfnModel(fresh, { mesh: COARSE });
  assert.deepEqual(c.dx, ref.dx);
  assert.deepEqual(c.gFace, ref.gFace);
  assert.notDeepEqual(c.dx, dxA);
  assert.deepEqual(a.dx, dxA, 'the first model keeps its build');
  const run = (m: DfnModel) => simulateConstantCurrent(m, I1C, 3.0, { rtol: 1e-6 });
  const rc = run(c);
  const rr = run(ref);
  assert.deepEqual(rc.V, rr.V);
  assert.deepEqual(rc.t_s, rr.t_s);
  assert.notDeepEqual(rc.V, run(a).V);
});

test("DFN models of one build share its residual kernel only while the values it reads besides the build's stay: a rate constant and t+ changed in place reach the kernel", () => {
  const text = readFileSync(new URL('./fixtures/nmc_pouch_cell_BPX.json', import.meta.url), 'utf8');
  const p = parseBpxText(text);
  const run = (m: DfnModel) => simulateConstantCurrent(m, I1C, 3.0, { rtol: 1e-4 });
  const k0 = dfnKernelRuns();
  const ra = run(new DfnModel(p, { mesh: COARSE }));
  assert.ok(dfnKernelRuns() > k0, 'the discharge runs on the kernel');
  // neither value is an input of the shared build (DfnBuild): only the kernel's constants carry them
  const neg = p.negative as { rateConstant_mol_m2_s: number };
  const ely = p.electrolyte as { transferenceNumber: number };
  neg.rateConstant_mol_m2_s *= 0.25;
  ely.transferenceNumber += 0.05;
  const rc = run(new DfnModel(p, { mesh: COARSE }));
  const fresh = parseBpxText(text);
  (fresh.negative as { rateConstant_mol_m2_s: number }).rateConstant_mol_m2_s = neg.rateConstant_mol_m2_s;
  (fresh.electrolyte as { transferenceNumber: number }).transferenceNumber = ely.transferenceNumber;
  assertBitIdentical(rc, run(new DfnModel(fresh, { mesh: COARSE })));
  const end = (r: typeof ra): number => r.t_s[r.t_s.length - 1]!;
  assert.ok(Math.abs(end(rc) - end(ra)) > 1, `the changed values change the discharge (${end(rc)} vs ${end(ra)} s)`);
});
