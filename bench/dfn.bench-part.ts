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
 */
import { readFileSync } from 'node:fs';
import { parseBpxText } from '../src/electrochem/bpx.ts';
import { createLiquidModel, type LiquidMesh } from '../src/electrochem/liquid/index.ts';
import { simulateConstantCurrent, type SimulationSeries } from '../src/cycler/profile-drive.ts';

const MESH: LiquidMesh = { negative: 20, separator: 10, positive: 20, particle: 10 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

export async function bench(): Promise<string[]> {
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
  const lines: string[] = [];
  const warmup = { dfn: 30, spme: 200, dfn_blended: 30 } as const;
  const runs = 40;
  for (const model of ['dfn', 'spme', 'dfn_blended'] as const) {
    const run = (): { ms: number; cpu: number; stats: SimulationSeries['stats']; n: number; tEnd: number } => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const m =
        model === 'dfn_blended'
          ? createLiquidModel(blended, { model: 'dfn', mesh: MESH })
          : createLiquidModel(params, { model, mesh: MESH });
      const r = simulateConstantCurrent(m, I, params.cell.lowerCutoff_V, { y0: m.initialState(1), rtol: 1e-6 });
      const ms = performance.now() - t0;
      const cu = process.cpuUsage(c0);
      if (r.status !== 'event')
        throw new Error(`${model} 1C discharge did not reach the cut-off (${r.status}: ${r.message ?? ''})`);
      return { ms, cpu: (cu.user + cu.system) / 1000, stats: r.stats, n: m.n, tEnd: r.t_s[r.t_s.length - 1]! };
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
    const st = last.stats;
    lines.push(`${model}_1C_discharge_ms: ${median(times).toFixed(2)} ms`);
    lines.push(`${model}_1C_discharge_min_ms: ${Math.min(...times).toFixed(2)} ms`);
    lines.push(`${model}_1C_discharge_cpu_min_ms: ${Math.min(...cpu).toFixed(2)} ms`);
    lines.push(
      `${model}_1C_discharge_info: n=${last.n} steps=${st.steps} rejected=${st.rejectedSteps} newton=${st.newtonIterations} f=${st.fEvals} jacobians=${st.jacobianEvals} factorisations=${st.factorisations} t_end=${last.tEnd.toFixed(0)} s`,
    );
  }
  return lines;
}

const isMain = process.argv[1] !== undefined && new URL(import.meta.url).pathname === process.argv[1];
if (isMain) for (const l of await bench()) console.log(l);
