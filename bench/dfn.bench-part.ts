/**
 * Liquid-electrolyte model timings (part of `npm run bench:electrochem`): a 1C discharge of the
 * About:Energy 12.5 Ah NMC111/graphite cell (BPX file) from the fully charged state to the 2.7 V
 * cut-off, model build included, rtol 1e-6; median of 40 runs after a warm-up long enough for V8 to
 * finish optimising (30 runs of the DFN, 200 of the SPMe: with 5 the first of the timed runs still ran
 * partly unoptimised code). The fastest run is printed too (`*_min_ms`): the machine is shared, and the
 * minimum is the steadier figure for comparing versions; `*_cpu_min_ms` is the fastest run's CPU time
 * (user + system, the steadier one under load). `*_info`: the solver's counts of the last run (steps,
 * rejected steps, Newton iterations, residual evaluations, Jacobians, factorisations).
 * The DFN's particle rows are linear (constant D_s, isothermal): the solver keeps them out of its Newton
 * loop (src/numerics/condensed.ts LinearChains), which iterates on the 181 other unknowns.
 * DFN: 20 volumes per electrode, 10 in the separator, 10 per particle radius (n = 581 unknowns).
 * SPMe: same mesh (electrolyte in x, 10 per particle radius).
 * DFN blended (`dfn_blended_*`): the BPX blended-electrode example (the same cell with a positive of two
 * particle sizes), same mesh: one particle per material in each positive volume (n = 801 unknowns).
 *
 * Two tolerances per model:
 * - `<model>_1C_discharge_*`: rtol 1e-6 with the model's own per-unknown atol (the tolerance of
 *   `validate`, the fit and every drive in rollcell; unchanged);
 * - `<model>_1C_discharge_pybamm_tol_*`: PyBaMM's IDAKLUSolver defaults, rtol 1e-4 and atol 1e-6 on
 *   PyBaMM's scaled state (docs.pybamm.org, IDAKLU Solver: rtol=1e-4, atol=1e-6), i.e. the model option
 *   scaledAtol 1e-6: atol 1e-6·c_e0 = 1e-3 mol/m³ on c_e (the model's own value), 1e-6·c_max ≈ 0.03–0.05
 *   mol/m³ on c_s (PyBaMM's scale; the model's own 1e-3 is stricter), 1e-6 V on φ_e and φ_s (stricter
 *   than the model's own 1e-5 V); j keeps 1e-10 mol/m²/s and I 1e-5 A (PyBaMM has no state for either:
 *   nothing looser than PyBaMM). Not identical: PyBaMM's relative term on a potential is taken from its
 *   shift against a reference (φ_s,p − OCV_init, φ_e + U_n,init), rollcell's from |φ| itself, so on φ_s,p
 *   (≈ 3–4.2 V) rollcell's weight is up to 1e-4·4.2 V = 0.42 mV larger. That is why each line prints the
 *   accuracy it buys beside the time: `*_dV_vs_ref_max_mV`, the largest |ΔV| over the run's steps
 *   against a tight reference (rtol 1e-9, scaledAtol 1e-11, evaluated at the same times on its dense
 *   output), `*_dV_vs_rtol1e-6_max_mV` against the rtol 1e-6 solution (same way), and
 *   `*_capacity_vs_ref_mAh`, the discharge capacity to the cut-off minus the reference's.
 * The goal (≤ 3 ms, against PyBaMM 26.8 IDAKLU's 16–19 ms per hot solve) is answered by
 * `dfn_1C_discharge_pybamm_tol_min_ms`: PyBaMM's figure is a solve at its default tolerances, so this is
 * the like-for-like line; `dfn_1C_discharge_min_ms` is the stricter tolerance rollcell runs by default.
 */
import { readFileSync } from 'node:fs';
import { parseBpxText } from '../src/electrochem/bpx.ts';
import { createLiquidModel, type LiquidMesh, type LiquidModel } from '../src/electrochem/liquid/index.ts';
import { simulateConstantCurrent, type SimulationSeries } from '../src/cycler/profile-drive.ts';

const MESH: LiquidMesh = { negative: 20, separator: 10, positive: 20, particle: 10 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

/** a model of this part and a tolerance tag ('' or '_pybamm_tol') */
export type DischargeLine = { model: 'dfn' | 'spme' | 'dfn_blended'; tag: '' | '_pybamm_tol' };

/**
 * the lines of this part; only: the model/tolerance pairs to run (default all; `npm run bench:fit` runs
 * the goal line alone, { model: 'dfn', tag: '_pybamm_tol' })
 */
export async function bench(only?: readonly DischargeLine[]): Promise<string[]> {
  const text = readFileSync(
    new URL('../test/electrochem-liquid/fixtures/nmc_pouch_cell_BPX.json', import.meta.url),
    'utf8',
  );
  const params = parseBpxText(text);
  const blended = parseBpxText(
    readFileSync(
      new URL('../test/conformance/corpora/bpx/examples/nmc_pouch_cell_BPX_blended_electrode.json', import.meta.url),
      'utf8',
    ),
  );
  const I = -params.cell.nominalCapacity_Ah; // 1C, discharge
  const cutoff = params.cell.lowerCutoff_V;
  const lines: string[] = [];
  const warmup = { dfn: 30, spme: 200, dfn_blended: 30 } as const;
  const runs = 40;
  type Tol = { rtol: number; scaledAtol?: number };
  const build = (model: 'dfn' | 'spme' | 'dfn_blended', tol: Tol): LiquidModel => {
    const at = tol.scaledAtol !== undefined ? { scaledAtol: tol.scaledAtol } : {};
    return model === 'dfn_blended'
      ? createLiquidModel(blended, { model: 'dfn', mesh: MESH, ...at })
      : createLiquidModel(params, { model, mesh: MESH, ...at });
  };
  const solve = (m: LiquidModel, tol: Tol, tEval?: Float64Array): SimulationSeries =>
    simulateConstantCurrent(m, I, cutoff, { y0: m.initialState(1), rtol: tol.rtol, ...(tEval ? { tEval } : {}) });
  const STRICT: Tol = { rtol: 1e-6 };
  const PYBAMM: Tol = { rtol: 1e-4, scaledAtol: 1e-6 };
  const REF: Tol = { rtol: 1e-9, scaledAtol: 1e-11 };
  for (const model of ['dfn', 'spme', 'dfn_blended'] as const) {
    for (const [tag, tol] of [
      ['', STRICT],
      ['_pybamm_tol', PYBAMM],
    ] as const) {
      if (only && !only.some((o) => o.model === model && o.tag === tag)) continue;
      const run = (): { ms: number; cpu: number; r: SimulationSeries; n: number } => {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const m = build(model, tol);
        const r = solve(m, tol);
        const ms = performance.now() - t0;
        const cu = process.cpuUsage(c0);
        if (r.status !== 'event')
          throw new Error(`${model} 1C discharge did not reach the cut-off (${r.status}: ${r.message ?? ''})`);
        return { ms, cpu: (cu.user + cu.system) / 1000, r, n: m.n };
      };
      for (let i = 0; i < warmup[model]; i++) run();
      const times: number[] = [];
      const cpu: number[] = [];
      let last = run();
      for (let i = 0; i < runs; i++) {
        last = run();
        times.push(last.ms);
        cpu.push(last.cpu);
      }
      const st = last.r.stats;
      const tEnd = last.r.t_s[last.r.t_s.length - 1]!;
      const name = `${model}_1C_discharge${tag}`;
      lines.push(`${name}_ms: ${median(times).toFixed(2)} ms`);
      lines.push(`${name}_min_ms: ${Math.min(...times).toFixed(2)} ms`);
      lines.push(`${name}_cpu_min_ms: ${Math.min(...cpu).toFixed(2)} ms`);
      lines.push(
        `${name}_info: n=${last.n} steps=${st.steps} rejected=${st.rejectedSteps} newton=${st.newtonIterations} f=${st.fEvals} jacobians=${st.jacobianEvals} factorisations=${st.factorisations} t_end=${tEnd.toFixed(0)} s`,
      );
      // the accuracy this tolerance buys: the run's voltage at its own steps against the reference's and
      // the rtol 1e-6 solution's dense output at the same times, and the capacity to the cut-off
      const tSteps = last.r.t_s;
      const ref = solve(build(model, REF), REF, tSteps);
      const refEnd = solve(build(model, REF), REF);
      const dV = (other: SimulationSeries): number => {
        let worst = 0;
        const k = Math.min(other.t_s.length, tSteps.length);
        for (let i = 0; i < k; i++) {
          if (other.t_s[i] !== tSteps[i]) throw new Error(`${name}: output time ${i} differs (internal error)`);
          worst = Math.max(worst, Math.abs(other.V[i]! - last.r.V[i]!));
        }
        return worst;
      };
      lines.push(`${name}_dV_vs_ref_max_mV: ${(1e3 * dV(ref)).toFixed(4)} mV`);
      if (tag !== '')
        lines.push(
          `${name}_dV_vs_rtol1e-6_max_mV: ${(1e3 * dV(solve(build(model, STRICT), STRICT, tSteps))).toFixed(4)} mV`,
        );
      const capEnd = (r: SimulationSeries): number => Math.abs(r.capacity_Ah[r.capacity_Ah.length - 1]!);
      lines.push(`${name}_capacity_vs_ref_mAh: ${(1e3 * (capEnd(last.r) - capEnd(refEnd))).toFixed(4)} mAh`);
    }
  }
  return lines;
}

const isMain = process.argv[1] !== undefined && new URL(import.meta.url).pathname === process.argv[1];
if (isMain) for (const l of await bench()) console.log(l);
