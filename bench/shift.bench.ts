/**
 * `npm run bench:shift` (node --import tsx bench/shift.bench.ts): an 8-hour shift of
 * examples/patent-line.yaml with ≥ 50 000 cells, each through the line physics (src/process/stations.ts)
 * and a per-cell capacity estimate. Prints `name: value` lines, among them `shift_cells: N` and
 * `shift_seconds: S`. Never part of `npm test`.
 *
 * Bench line (stated, not the example's pilot speed): the example's recipe with the line at
 * 12 m/min (the example runs 1 m/min; 12 m/min is just above the 1–10 m/min pilot range of
 * process-models §3.3, chosen so the example's own 80 × 100 mm cell on its 100 mm web gives > 50 000
 * cells in 8 h: 5 760 m of laminate → one lane × ~57 000 rows before splice/restart scrap).
 *
 * Per-cell electrochemistry: a surrogate Q = u·Q_stoich (src/process/production/capacity.ts) calibrated at
 * run start against the solid-state SPMe ([0178] first cycle, src/electrochem/ssb/) on five cells; its
 * error against the SPMe is printed for a sample of produced cells. Per-cell line physics: the run's
 * `production.fidelity` (`full` = every cell through simulateStations; `linear` = a first-order surrogate
 * calibrated at run start, selected with `--linear`) — `full` by default; with `--linear` the surrogate's
 * error against the full physics on sampled cells is printed.
 *
 * `shift_physics_call_ms` (mean, and median) is what a production cell's station physics costs: the call with the
 * run's PhysicsRun, as runProduction makes it (the alloying history from the run's expansion about its nominal
 * cell, src/process/alloy-expansion.ts). `shift_physics_standalone_call_ms` is a call outside a run (the CLI's
 * line, a job's nominal line): the alloying history's full solve. The cost of a production hour (instruction
 * counts, start-up cancelled out): bench/shift-hours.bench.ts.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseRecipeText } from '../src/recipe/index.ts';
import { runProduction } from '../src/process/line.ts';
import { presentShift } from '../src/present/production.ts';
import type { ProducedCell } from '../src/process/types.ts';
import { operatingConditions } from '../src/process/from-recipe.ts';
import { stationPhysics } from '../src/process/production/stations-adapter.ts';
import { processInputFromRecipe } from '../src/process/from-recipe.ts';
import type { LinePhysics, PhysicsRun } from '../src/process/production/physics.ts';
import { nominalPerturbation, perturbInput } from '../src/process/production/physics.ts';
import { stoichiometricCapacity_C } from '../src/process/production/capacity.ts';
import { ssbParamsFromProducedCell } from '../src/electrochem/ssb/params.ts';
import { createSpme } from '../src/electrochem/ssb/spme.ts';
import { fastRunner } from '../src/cycler/step-engines.ts';
import { firstCycle } from '../src/cycler/protocols.ts';

const SPEED_M_PER_MIN = 12;
const SHIFT_S = 8 * 3600;
const BUDGET_S = 60;

const obj = parse(readFileSync(new URL('../examples/patent-line.yaml', import.meta.url), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;
obj['line'] = { ...obj['line'], speed_m_per_min: SPEED_M_PER_MIN };

/** the [0178] first-cycle discharge capacity of a produced cell from the SSB SPMe, C */
function spmeCapacity_C(cell: ProducedCell): number {
  const m = createSpme(ssbParamsFromProducedCell(cell, conditions));
  return firstCycle(fastRunner(m), m, m.initialState(0), 4.3, 3.0).discharge_C;
}

// cost of one full-fidelity physics call of a production cell → fidelity
const probe = parseRecipeText(JSON.stringify(obj));
if (!probe.ok) throw new Error(probe.problems.map((p) => `${p.path}: ${p.problem}`).join('\n'));
const conditions = operatingConditions(probe.recipe);
const base = processInputFromRecipe(probe.recipe);
const nom = nominalPerturbation(base);
for (let i = 0; i < 300; i++) stationPhysics(perturbInput(base, { ...nom, li: 1 + 1e-3 * (i % 7) })); // JIT warm-up
/** mean and median ms of the station physics over ≥ 300 ms of calls (inputs of the Li thickness varied) */
function probeCalls(run?: PhysicsRun): { mean: number; median: number } {
  const t0 = performance.now();
  let calls = 0;
  const samples: number[] = [];
  while (performance.now() - t0 < 300 || calls < 5) {
    const inp = perturbInput(base, { ...nom, li: 1 + 1e-3 * (calls % 7) });
    const t1 = performance.now();
    stationPhysics(inp, run);
    samples.push(performance.now() - t1);
    calls++;
  }
  samples.sort((a, b) => a - b);
  return { mean: (performance.now() - t0) / calls, median: samples[samples.length >> 1]! };
}
// a production cell's call: with its run (runProduction's PhysicsRun), whose alloying history is the run's expansion
// about the nominal cell (src/process/alloy-expansion.ts; built by the first call, before the timing)
const probeRun: PhysicsRun = { nominal: base };
stationPhysics(perturbInput(base, nom), probeRun);
const cellCall = probeCalls(probeRun);
// a call outside any run (the CLI's `line`, a job's nominal line): the full alloying solve (src/process/alloying.ts)
const standaloneCall = probeCalls();
let physicsCalls = 0;
const countedPhysics: LinePhysics = (inp, run) => {
  physicsCalls++;
  return stationPhysics(inp, run);
};
// full station physics for every cell by default; `--linear` runs the first-order surrogate instead
const fidelity = process.argv.includes('--linear') ? 'linear' : 'full';
obj['production'] = { ...(obj['production'] ?? {}), fidelity };

const pr = parseRecipeText(JSON.stringify(obj));
if (!pr.ok) throw new Error(pr.problems.map((p) => `${p.path}: ${p.problem}`).join('\n'));
const recipe = pr.recipe;

const t0 = performance.now();
const run = runProduction(recipe, {
  seed: 2025,
  duration_s: SHIFT_S,
  physics: countedPhysics,
  capacityModel: spmeCapacity_C,
});
const seconds = (performance.now() - t0) / 1000;
const b = presentShift(run);

// capacity surrogate error against the SPMe on a sample of produced cells (outside the timed run)
const sample = 20;
let maxRel = 0;
let sumRel = 0;
const step = Math.max(1, Math.floor(run.cells.length / sample));
let n = 0;
for (let i = 0; i < run.cells.length && n < sample; i += step, n++) {
  const c = run.cells[i]!;
  // the produced cell the run made for this cell (SI)
  const res = { cell: c.cell };
  const qFull = spmeCapacity_C(res.cell);
  const qSur = run.capacity.estimate(res.cell);
  const rel = Math.abs(qSur / qFull - 1);
  maxRel = Math.max(maxRel, rel);
  sumRel += rel;
}

const pm = b['physics_model'] as { fidelity: string; error_vs_full?: Record<string, number> };
console.log(`shift_cells: ${b.cells_total}`);
console.log(`shift_seconds: ${seconds.toFixed(2)}`);
console.log(`shift_cells_per_second: ${(b.cells_total / seconds).toFixed(0)}`);
console.log(`shift_line_speed_m_per_min: ${SPEED_M_PER_MIN}`);
console.log(
  `shift_cell_format_mm: ${recipe.cell.width_mm}x${recipe.cell.length_mm} (${b['lanes']} lane(s) on ${recipe.line.web_width_mm} mm)`,
);
console.log(`shift_yield_pct: ${b.yield_pct}`);
console.log(`shift_oee: ${(b['oee'] as { oee: number }).oee}`);
console.log(`shift_cost_per_kWh_usd: ${b['cost_per_kWh']}`);
console.log(`shift_physics_call_ms: ${cellCall.mean.toFixed(3)}`);
console.log(`shift_physics_call_median_ms: ${cellCall.median.toFixed(3)}`);
console.log(`shift_physics_standalone_call_ms: ${standaloneCall.mean.toFixed(3)}`);
console.log(`shift_physics_standalone_call_median_ms: ${standaloneCall.median.toFixed(3)}`);
console.log(`shift_physics_fidelity: ${pm.fidelity}`);
console.log(`shift_physics_calls: ${physicsCalls}`);
if (pm.error_vs_full) {
  console.log(`shift_physics_surrogate_cells_checked: ${pm.error_vs_full['cells']}`);
  console.log(`shift_physics_surrogate_cell_thickness_max_rel_error: ${pm.error_vs_full['cell_thickness_max_rel']}`);
  console.log(`shift_physics_surrogate_anode_thickness_max_rel_error: ${pm.error_vs_full['anode_thickness_max_rel']}`);
  console.log(`shift_physics_surrogate_crack_risk_max_abs_error: ${pm.error_vs_full['crack_risk_max_abs']}`);
  console.log(`shift_physics_surrogate_bonded_mismatches: ${pm.error_vs_full['bonded_mismatch']}`);
}
console.log(
  `shift_capacity_model: ${run.capacity.kind} u=${run.capacity.utilisation.toFixed(5)} (SPMe [0178] first cycle, ${run.capacity.calibration_cells} calibration cells)`,
);
console.log(`shift_capacity_surrogate_sample_cells: ${n}`);
console.log(`shift_capacity_surrogate_max_rel_error: ${maxRel.toExponential(3)}`);
console.log(`shift_capacity_surrogate_mean_rel_error: ${(sumRel / Math.max(1, n)).toExponential(3)}`);
console.log(
  `shift_capacity_stoich_vs_spme_nominal: ${(stoichiometricCapacity_C(stationPhysics(perturbInput(base, nom)).cell) / 3.6).toFixed(4)} mAh vs ${(spmeCapacity_C(stationPhysics(perturbInput(base, nom)).cell) / 3.6).toFixed(4)} mAh`,
);
console.log(`shift_goal_met: ${b.cells_total >= 50000 && seconds <= BUDGET_S}`);
