import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBpxText, type LiquidCellParams } from '../../src/electrochem/bpx.ts';
import { DfnModel } from '../../src/electrochem/liquid/dfn.ts';
import { dfnKernelRuns, useWasmDfnKernel, wasmDfnKernelAvailable } from '../../src/electrochem/liquid/dfn-kernel.ts';
import { simulateConstantCurrent } from '../../src/cycler/profile-drive.ts';
import { assertBitIdentical } from '../support/same-discharge.ts';
import type { LiquidMesh } from '../../src/electrochem/liquid/common.ts';

const read = (p: string): LiquidCellParams => parseBpxText(readFileSync(new URL(p, import.meta.url), 'utf8'));
const P = read('./fixtures/nmc_pouch_cell_BPX.json');
const BLEND = read('../conformance/corpora/bpx/examples/nmc_pouch_cell_BPX_blended_electrode.json');
const HYST = read('../conformance/corpora/bpx/examples/nmc_pouch_cell_BPX_user-defined_hysteresis.json');
const MESH: LiquidMesh = { negative: 20, separator: 10, positive: 20, particle: 10 };
const COARSE: LiquidMesh = { negative: 6, separator: 4, positive: 6, particle: 6 };

/** a 1C discharge with the kernel off, then on: both results and the kernel's completed calls while on */
function offOn(
  make: () => DfnModel,
  rtol = 1e-4,
): { js: ReturnType<typeof simulateConstantCurrent>; wasm: ReturnType<typeof simulateConstantCurrent>; runs: number } {
  const run = (on: boolean): ReturnType<typeof simulateConstantCurrent> => {
    const was = useWasmDfnKernel(on);
    try {
      const m = make();
      const I = -m.params.cell.nominalCapacity_Ah;
      return simulateConstantCurrent(m, I, m.params.cell.lowerCutoff_V, { y0: m.initialState(1), rtol });
    } finally {
      useWasmDfnKernel(was);
    }
  };
  const js = run(false);
  const before = dfnKernelRuns();
  const wasm = run(true);
  return { js, wasm, runs: dfnKernelRuns() - before };
}

test("the bench's DFN 1C discharge is bit for bit the same with the nonlinear residual's WebAssembly kernel as with its JavaScript path, and the kernel did every nonlinear evaluation", () => {
  assert.ok(wasmDfnKernelAvailable(), 'wasmDfnKernelAvailable()');
  const { js, wasm, runs } = offOn(() => new DfnModel(P, { mesh: MESH, scaledAtol: 1e-6 }));
  assertBitIdentical(js, wasm);
  // every Newton iteration's residual (fNonlinear) ran in the kernel
  assert.ok(runs >= js.stats.newtonIterations, `kernel runs ${runs}, Newton iterations ${js.stats.newtonIterations}`);
});

test('a blended DFN (two materials in the negative electrode) runs in the kernel too, bit for bit the same as without it', () => {
  const { js, wasm, runs } = offOn(() => new DfnModel(BLEND, { mesh: COARSE }), 1e-6);
  assertBitIdentical(js, wasm);
  assert.ok(runs > 0, 'runs > 0');
});

test('the kernel declines the models not of its kind (lumped thermal, OCP hysteresis, T ≠ T_ref): the same results, no kernel call', () => {
  const cases: Array<[string, () => DfnModel]> = [
    ['thermal', () => new DfnModel(P, { mesh: COARSE, thermal: true })],
    ['hysteresis', () => new DfnModel(HYST, { mesh: COARSE })],
    [
      'T ≠ T_ref',
      () => {
        const m = new DfnModel(P, { mesh: COARSE });
        m.setAmbientTemperature(308.15);
        return m;
      },
    ],
  ];
  for (const [name, make] of cases) {
    const { js, wasm, runs } = offOn(make);
    assertBitIdentical(js, wasm);
    assert.equal(runs, 0, name);
  }
});

test('the kernel declines a state outside its tables or window, and the JavaScript path gives its answer (the exact property functions; NaN outside the stoichiometry window)', () => {
  const m = new DfnModel(P, { mesh: MESH, scaledAtol: 1e-6 });
  const control = { mode: 'current', value: -5 } as const;
  const base = m.initialState(0.5);
  m.algebraicGuess(base, -5);
  const ce0 = P.electrolyte.initialConcentration_mol_m3;
  const states: Array<[string, Float64Array, boolean]> = [];
  states.push(['as is', base, true]);
  const hiCe = Float64Array.from(base);
  hiCe[m.iCe[25]!] = 8 * ce0; // its faces beyond the electrolyte tables' 4·c0
  states.push(['c_e beyond the tables', hiCe, false]);
  const hiJ = Float64Array.from(base);
  hiJ[m.iJ[3]!] = 1e3 * hiJ[m.iJ[3]!]!; // the surface stoichiometry far outside [0, 1]
  states.push(['θ outside its window', hiJ, false]);
  const hiJ2 = Float64Array.from(base);
  hiJ2[m.iJ[2]!] = 1e3 * hiJ2[m.iJ[2]!]!; // the same in the other lane of the kernel's pairs of entries
  states.push(['θ outside its window (lane 0)', hiJ2, false]);
  for (const [name, y, kernel] of states) {
    const eval_ = (on: boolean): { out: Float64Array; runs: number } => {
      const was = useWasmDfnKernel(on);
      try {
        const out = new Float64Array(m.n).fill(7); // the linear rows are left as they are
        const before = dfnKernelRuns();
        m.residual(0, y, control, out, true);
        return { out, runs: dfnKernelRuns() - before };
      } finally {
        useWasmDfnKernel(was);
      }
    };
    const js = eval_(false);
    const wasm = eval_(true);
    assert.equal(wasm.runs, kernel ? 1 : 0, name);
    for (let i = 0; i < m.n; i++)
      assert.ok(Object.is(wasm.out[i], js.out[i]), `${name}: f[${i}] ${wasm.out[i]} vs ${js.out[i]}`);
    if (name.startsWith('θ outside its window'))
      assert.ok(
        js.out.every((v) => Number.isNaN(v)),
        'js.out.every((v) => Number.isNaN(v))',
      );
    else
      assert.ok(
        js.out.every((v) => Number.isFinite(v)),
        'js.out.every((v) => Number.isFinite(v))',
      );
  }
});

test('a non-positive c_e gives the same non-finite rows in the kernel and its JavaScript path (log(0) = −∞, log(< 0) = NaN: the step fails, as with Math.log)', () => {
  const m = new DfnModel(P, { mesh: MESH, scaledAtol: 1e-6 });
  const control = { mode: 'current', value: -5 } as const;
  const base = m.initialState(0.5);
  m.algebraicGuess(base, -5);
  // a separator volume (25) and electrode volumes (5, 44: their kinetics take c_e/c_e0 as +0 there)
  for (const [k, ce] of [25, 5, 44].flatMap((k) => [0, -1, -0].map((ce) => [k, ce] as const))) {
    const y = Float64Array.from(base);
    y[m.iCe[k]!] = ce;
    const eval_ = (on: boolean): Float64Array => {
      const was = useWasmDfnKernel(on);
      try {
        const out = new Float64Array(m.n).fill(7);
        const before = dfnKernelRuns();
        m.residual(0, y, control, out, true);
        ranKernel = dfnKernelRuns() - before;
        return out;
      } finally {
        useWasmDfnKernel(was);
      }
    };
    let ranKernel = 0;
    const js = eval_(false);
    const wasm = eval_(true);
    assert.equal(ranKernel, 1, `c_e ${ce} in volume ${k}: the kernel ran`);
    for (let i = 0; i < m.n; i++)
      assert.ok(Object.is(wasm[i], js[i]), `c_e ${ce} in volume ${k}: f[${i}] ${wasm[i]} vs ${js[i]}`);
    assert.ok(!js.every((v) => Number.isFinite(v)), `c_e ${ce} in volume ${k}: some row of f is not finite`);
  }
});

test('the full residual (every row, the linear particle rows too) runs through the kernel, bit for bit the JavaScript path, at full, half and near-empty charge and a perturbed state', () => {
  for (const [params, mesh] of [
    [P, MESH],
    [BLEND, COARSE],
  ] as const) {
    const m = new DfnModel(params, { mesh, scaledAtol: 1e-6 });
    const I = -params.cell.nominalCapacity_Ah;
    const control = { mode: 'current', value: I } as const;
    // consistent states at three charges, and one with every unknown moved (c_e, c_s, φ and j off their balance)
    const states = [1, 0.5, 0.05].map((soc) => {
      const y = m.initialState(soc);
      m.algebraicGuess(y, I);
      return y;
    });
    const moved = Float64Array.from(states[1]!);
    for (let i = 0; i < moved.length; i++) moved[i] = moved[i]! * (1 + 1e-3 * Math.sin(i));
    states.push(moved);
    for (const y of states) {
      const eval_ = (on: boolean): { out: Float64Array; runs: number } => {
        const was = useWasmDfnKernel(on);
        try {
          const out = new Float64Array(m.n).fill(7);
          const before = dfnKernelRuns();
          m.residual(0, y, control, out);
          return { out, runs: dfnKernelRuns() - before };
        } finally {
          useWasmDfnKernel(was);
        }
      };
      const js = eval_(false);
      const wasm = eval_(true);
      assert.equal(wasm.runs, 1, 'the kernel ran the full residual');
      assert.equal(js.runs, 0, 'the kernel was off');
      for (let i = 0; i < m.n; i++)
        assert.ok(Object.is(wasm.out[i], js.out[i]), `f[${i}] ${wasm.out[i]} vs ${js.out[i]}`);
      // every row written (none left at the fill value)
      assert.ok(
        js.out.every((v) => v !== 7 && Number.isFinite(v)),
        'every row of the full residual written and finite',
      );
    }
  }
});

test('one-volume electrodes (φ_s rows that no face writes): the kernel gives the JavaScript path bit for bit, nonlinear and full residual', () => {
  const meshes: LiquidMesh[] = [
    { negative: 1, separator: 1, positive: 1, particle: 4 },
    { negative: 1, separator: 3, positive: 2, particle: 4 },
  ];
  const control = { mode: 'current', value: -5 } as const;
  for (const mesh of meshes) {
    const m = new DfnModel(P, { mesh });
    const y = m.initialState(0.5);
    m.algebraicGuess(y, -5);
    for (const nonlinearOnly of [true, false]) {
      const eval_ = (on: boolean): { out: Float64Array; runs: number } => {
        const was = useWasmDfnKernel(on);
        try {
          // a fill value in every row: a row the kernel neither zeroed nor wrote would keep it
          const out = new Float64Array(m.n).fill(7);
          const before = dfnKernelRuns();
          m.residual(0, y, control, out, nonlinearOnly);
          return { out, runs: dfnKernelRuns() - before };
        } finally {
          useWasmDfnKernel(was);
        }
      };
      const js = eval_(false);
      const wasm = eval_(true);
      const name = `${JSON.stringify(mesh)} nonlinearOnly ${nonlinearOnly}`;
      assert.equal(wasm.runs, 1, name);
      for (let i = 0; i < m.n; i++)
        assert.ok(Object.is(wasm.out[i], js.out[i]), `${name}: f[${i}] ${wasm.out[i]} vs ${js.out[i]}`);
    }
  }
});
