/**
 * Stiff-integrator timings (part of `npm run bench:electrochem`), through src/numerics solveDae:
 *  - Robertson's kinetics (stiff ODE, analytic Jacobian) from t = 0 to 4e10 at rtol 1e-8;
 *  - Robertson as an index-1 DAE (y3 algebraic, coloured finite-difference Jacobian) to 4e10, rtol 1e-8;
 *  - Van der Pol μ = 1000 over two periods (t = 0..3000) at rtol 1e-6 with a zero-crossing event.
 * Median of 20 runs after 5 warm-up runs; each line also reports steps (and checks the answer against
 * the reference used by test/numerics/bdf.test.ts, so a wrong fast run cannot pass unnoticed).
 */
import { solveDae, type SolveOptions, type SolveResult } from '../src/numerics/index.ts';
import { robertson, robertsonDae, ROB4E10, vanDerPol } from '../test/numerics/problems.ts';

const MU = 1000;
const vdp = vanDerPol(MU);
const ROB4E10_Y1 = ROB4E10[0];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

function time(run: () => SolveResult, check: (r: SolveResult) => string | null): { ms: number; r: SolveResult } {
  for (let i = 0; i < 5; i++) run();
  const ts: number[] = [];
  let r = run();
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    r = run();
    ts.push(performance.now() - t0);
  }
  const bad = check(r);
  if (bad) throw new Error(bad);
  return { ms: median(ts), r };
}

export async function bench(): Promise<string[]> {
  const lines: string[] = [];
  const robAtol = Float64Array.from([1e-14, 1e-18, 1e-14]);
  const robOpts: SolveOptions = { t0: 0, tEnd: 4e10, rtol: 1e-8, atol: robAtol, saveSteps: false };
  const checkRob = (r: SolveResult): string | null =>
    r.status !== 'done'
      ? `robertson: ${r.status} ${r.message ?? ''}`
      : Math.abs(r.yFinal[0]! / ROB4E10_Y1 - 1) > 1e-4
        ? `robertson: y1(4e10) = ${r.yFinal[0]} (reference ${ROB4E10_Y1})`
        : null;
  const a = time(() => solveDae(robertson, Float64Array.from([1, 0, 0]), robOpts), checkRob);
  lines.push(`robertson_ode_ms: ${a.ms.toFixed(3)} ms`);
  lines.push(`robertson_ode_info: steps=${a.r.stats.steps} f=${a.r.stats.fEvals} lu=${a.r.stats.factorisations}`);
  const b = time(() => solveDae(robertsonDae, Float64Array.from([1, 0, 0]), robOpts), checkRob);
  lines.push(`robertson_dae_ms: ${b.ms.toFixed(3)} ms`);
  lines.push(`robertson_dae_info: steps=${b.r.stats.steps} f=${b.r.stats.fEvals} lu=${b.r.stats.factorisations}`);
  const ev = { name: 'x=0', g: (_t: number, y: Float64Array) => y[0]!, direction: -1 as const, terminal: false };
  const c = time(
    () =>
      solveDae(vdp, Float64Array.from([2, 0]), {
        t0: 0,
        tEnd: 3000,
        rtol: 1e-6,
        atol: 1e-8,
        events: [ev],
        saveSteps: false,
      }),
    // SciPy Radau (rtol 1e-10): first downward zero crossing at t = 807.0847
    (r) =>
      r.status !== 'done'
        ? `vdp: ${r.status}`
        : r.events.length !== 2 || Math.abs(r.events[0]!.t - 807.0847) > 0.1
          ? `vdp: crossings ${r.events.map((e) => e.t).join(', ')}`
          : null,
  );
  lines.push(`vdp_mu1000_ms: ${c.ms.toFixed(3)} ms`);
  lines.push(`vdp_mu1000_info: steps=${c.r.stats.steps} f=${c.r.stats.fEvals} lu=${c.r.stats.factorisations}`);
  return lines;
}

const isMain = process.argv[1] !== undefined && new URL(import.meta.url).pathname === process.argv[1];
if (isMain) for (const l of await bench()) console.log(l);
