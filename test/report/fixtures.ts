/**
 * Report fixtures: a run of examples/patent-line.yaml through runJob, with the synthetic consistent line
 * block of test/claims/fixtures.ts, and synthetic time-series / cycle records shaped like a first
 * CC-CV/CC cycle (smooth monotone curves between the cut-offs — rendering data, not a simulation).
 */
import type { Recipe } from '../../src/recipe/schema.ts';
import type { ReportCycle, ReportInput, ReportTimeSeries } from '../../src/report/index.ts';
import { claimsOf, loadExample, synthetic } from '../claims/fixtures.ts';
import type { BatteryResult } from '../../src/battery/run.ts';
import { runProduction } from '../../src/process/line.ts';
import { presentShift } from '../../src/present/production.ts';
import { runBatteryCommand } from '../../src/pipeline.ts';
import { standinPhysics } from '../production/standin.ts';

export function syntheticTimeSeries(q_Ah: number, vLo: number, vHi: number): ReportTimeSeries[] {
  const n = 200;
  const I = q_Ah / 10; // 0.1C
  const mk = (name: string, sign: 1 | -1): ReportTimeSeries => {
    const t: number[] = [];
    const v: number[] = [];
    const i: number[] = [];
    const q: number[] = [];
    for (let k = 0; k <= n; k++) {
      const s = k / n;
      t.push(s * 36000);
      q.push(s * q_Ah);
      const soc = sign > 0 ? s : 1 - s;
      v.push(vLo + (vHi - vLo) * (0.15 + 0.75 * soc + 0.1 * Math.pow(soc, 8)) - (sign > 0 ? 0 : 0.03));
      i.push(sign * I);
    }
    return { name, t_s: t, voltage_V: v, current_A: i, capacity_Ah: q };
  };
  return [mk('charge (CC-CV 0.1C)', 1), mk('discharge (CC 0.1C)', -1)];
}

export function syntheticCycles(q_Ah: number, n = 10): ReportCycle[] {
  return Array.from({ length: n }, (_, k) => {
    const d = q_Ah * (1 - 0.004 * k) * (k === 0 ? 0.89 : 1);
    const c = k === 0 ? q_Ah : d / 0.998;
    return { index: k + 1, discharge_Ah: d, charge_Ah: c, ce: d / c };
  });
}

/**
 * The report input of the patent example; with `production`, a short production run (the production
 * tests' stand-in station physics, 100 m of web, SPC chart series included) supplies the production block.
 */
export function patentReportInput(
  recipe: Recipe = loadExample('patent-line.yaml'),
  opts: { production?: boolean; battery?: boolean } = {},
): ReportInput {
  const { output, inputs } = synthetic(recipe);
  // a small pack (2s2p, solar-storage day) of the recipe's design cells: real pack physics, fast
  let battery: BatteryResult | null = null;
  if (opts.battery) {
    const bat = runBatteryCommand(
      { ...recipe, battery: { series: 2, parallel: 2, application: 'ess_solar', interconnect_resistance_mOhm: 0.2 } },
      { profile: 'ess:solar', seed: 5 },
    );
    output.battery = bat.block as unknown as Record<string, unknown>;
    battery = bat.result;
  }
  let production: { cellsTotal: number; cellsInSpec: number } | null = null;
  if (opts.production) {
    const block = presentShift(
      runProduction(recipe, {
        seed: 7,
        web_length_m: 100,
        physics: standinPhysics,
        keepCells: false,
        includeCharts: true,
      }),
    );
    output.production = block;
    production = { cellsTotal: block.cells_total, cellsInSpec: block.cells_in_spec };
  }
  output.claims = claimsOf({ ...inputs, battery, production });
  const q = Number(output.design.cell['capacity_mAh']) / 1000;
  return {
    output,
    recipe,
    timeSeries: syntheticTimeSeries(q, recipe.cycling.discharge_cutoff_V, recipe.cycling.charge_cutoff_V),
    cycles: syntheticCycles(q),
  };
}
