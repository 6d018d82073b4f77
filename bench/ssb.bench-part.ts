/**
 * Solid-state cell benchmarks (issue 5/6): the seed's [0178] first cycle (CC-CV 0.1C to 4.3 V with a
 * 0.02C end, CC 0.1C to 3 V) with the P2D and the SPMe, and 1000 ageing cycles of the SPMe-class model.
 * Goals: ≤ 20 ms, ≤ 1 ms, ≤ 10 s. Medians over repeated runs after a warm-up.
 *
 * Solvers: the P2D runs on the project's solver (src/numerics solveDae: variable-order BDF/NDF, the
 * particle chains condensed before a bordered-banded LU, terminal events on the corrector's solution);
 * the SPMe on its linear-implicit stepper (src/cycler/step-engines.ts FastStepper on src/numerics/linear-step.ts, run by the
 * step machine through src/cycler/protocols.ts).
 */
import { daeRunner, fastRunner } from '../src/cycler/step-engines.ts';
import { cycleAgeing, firstCycle } from '../src/cycler/protocols.ts';
import { SsbP2D } from '../src/electrochem/ssb/p2d.ts';
import { patentExampleParams } from '../src/electrochem/ssb/params.ts';
import { createSpme } from '../src/electrochem/ssb/spme.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function bench(): Promise<string[]> {
  const p = patentExampleParams();
  const p2d = new SsbP2D(p);
  const spme = createSpme(p);
  /** median wall time (ms) and median process CPU time (ms) — CPU time is less sensitive to a loaded machine */
  const timeIt = (fn: () => void, reps: number): number => {
    const ts: number[] = [];
    const cs: number[] = [];
    for (let k = 0; k < reps; k++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      fn();
      ts.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cs.push((c.user + c.system) / 1000);
    }
    lastCpu = median(cs);
    return median(ts);
  };
  let lastCpu = 0;
  const runP2d = daeRunner(p2d);
  const runSpme = fastRunner(spme);
  let p2dCap = 0;
  let spmeCap = 0;
  for (let k = 0; k < 6; k++) {
    firstCycle(runP2d, p2d, p2d.initialState(0));
    firstCycle(runSpme, spme, spme.initialState(0));
  }
  const tP2d = timeIt(() => {
    p2dCap = firstCycle(runP2d, p2d, p2d.initialState(0)).dischargeCapacity_mAh_g;
  }, 15);
  const cP2d = lastCpu;
  const tSpme = timeIt(() => {
    spmeCap = firstCycle(runSpme, spme, spme.initialState(0)).dischargeCapacity_mAh_g;
  }, 51);
  const cSpme = lastCpu;
  let retention = 0;
  const tAge = timeIt(() => {
    const m = createSpme(p);
    const a = cycleAgeing(m, { cycles: 1000, cRate: 0.5, cutoffs: { vMax_V: 4.3, vMin_V: 3.0 } });
    retention = a.retention[999]!;
  }, 3);
  const cAge = lastCpu;
  return [
    `ssb_p2d_first_cycle_ms: ${tP2d.toFixed(2)} ms (cpu ${cP2d.toFixed(2)} ms; goal ≤ 20; ${p2d.n} unknowns, solveDae BDF/NDF + condensed bordered-banded LU; discharge ${p2dCap.toFixed(1)} mAh/g)`,
    `ssb_spme_first_cycle_ms: ${tSpme.toFixed(3)} ms (cpu ${cSpme.toFixed(3)} ms; goal ≤ 1; discharge ${spmeCap.toFixed(1)} mAh/g)`,
    `ssb_1000_cycles_s: ${(tAge / 1000).toFixed(3)} s (cpu ${(cAge / 1000).toFixed(3)} s; goal ≤ 10; 0.5C CC/CC 3.0–4.3 V, all ageing submodels on, retention ${(retention * 100).toFixed(1)} %)`,
  ];
}

if (/ssb\.bench-part\.ts$/.test(process.argv[1] ?? '')) {
  for (const line of await bench()) console.log(line);
}
