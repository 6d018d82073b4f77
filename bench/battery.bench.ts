/**
 * Battery benchmark: a 96s2p pack of the example recipe's cells (design cells, seeded spread, full
 * SPMe per cell) over one UDDS cycle under pack power control, BMS and thermal on. Prints
 *   pack_96s2p_udds_s: <wall-clock seconds>
 * plus the single-cell reduced-form check: none — each pack cell IS the SPMe of src/electrochem/ssb,
 * so the error of the pack's cell model vs the SPMe is zero by construction; instead the pack stepper
 * (backward Euler, dt = 1 s) is compared with the SSB module's own fast stepper on one cell.
 * Run: node --import tsx bench/battery.bench.ts
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { recipeSchema } from '../src/recipe/schema.ts';
import { buildPack } from '../src/battery/run.ts';
import { driveCycle } from '../src/battery/profiles.ts';
import { parseBatteryExtras } from '../src/battery/config.ts';
import { designCells, spmeOf } from '../src/battery/cells.ts';
import { Pack } from '../src/battery/pack.ts';
import { FastStepper } from '../src/cycler/step-engines.ts';

const recipe = recipeSchema.parse(
  parse(readFileSync(new URL('../examples/patent-line.yaml', import.meta.url), 'utf8')),
);
const ex = parseBatteryExtras({});
const prof = driveCycle('UDDS', ex.vehicle, 1);

// warm-up (JIT) on a small pack, then the timed run
{
  const w = buildPack(
    { ...recipe, battery: { series: 4, parallel: 2, application: 'ev', interconnect_resistance_mOhm: 0.2 } },
    { seed: 2 },
  );
  for (let i = 0; i < 200; i++) w.pack.stepPower(prof.power_W[i]! / 24, 1);
}
const built = buildPack(recipe, { seed: 1 });
const t0 = performance.now();
for (let i = 0; i < prof.power_W.length; i++) built.pack.stepPower(prof.power_W[i]!, 1);
const s = (performance.now() - t0) / 1000;
console.log(`pack_96s2p_udds_s: ${s.toFixed(3)}`);
console.log(`udds_steps: ${prof.power_W.length}`);
console.log(`udds_deratings: ${built.pack.deratings.length}`);
console.log(`udds_energy_out_kWh: ${(built.pack.energyOut_J / 3.6e6).toFixed(4)}`);

// one cell: pack stepper (1 s steps at the cell's current) vs the SSB fast stepper (CC 1C discharge)
const spec = designCells(recipe, 2, ex.cell_layers, { capacity_sigma_pct: 0, resistance_sigma_pct: 0 }, 1);
const p2 = new Pack(spec, { series: 2, parallel: 1, cellConnection_ohm: 0, seriesLink_ohm: 0, balancing: false });
const m = spmeOf(spec[0]!);
const I1 = m.nominalCapacity_C / 3600;
const y = m.initialState(1);
const fs = new FastStepper(m, { stepsPerSweep: 3600 });
let maxErr = 0;
for (let k = 0; k < 1800; k++) {
  p2.stepCurrent(-I1, 1);
  fs.run(y, { kind: 'cc', current_A: -I1, vCut_V: 2.0, maxTime_s: 1 });
  maxErr = Math.max(maxErr, Math.abs(p2.V[0]! - m.voltage(y)));
}
console.log(`pack_cell_vs_ssb_fast_stepper_max_dV_mV (1C, 30 min, dt 1 s): ${(maxErr * 1e3).toFixed(4)}`);
