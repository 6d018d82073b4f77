/**
 * Adapter from the station physics (src/process/stations.ts `simulateStations(ProcessInput)` → the typed
 * SI `LineResult`) to the production run's narrow `LinePhysics` interface.
 */
import { simulateStations } from '../stations.ts';
import type { LineResult, ProcessInput } from '../types.ts';
import { stationRecord } from '../../recipe/stations.ts';
import type { LinePhysics, PhysicsResult, PhysicsRun } from './physics.ts';
import { alloyHistory, type AlloyHistoryFn } from '../alloying.ts';
import { expandAlloyHistory } from '../alloy-expansion.ts';

/** Maps a LineResult to the production PhysicsResult. */
export function fromLineResult(res: LineResult): PhysicsResult {
  // the laminate leaving each station, made as one record (stationRecord), not an id assigned at a time
  let a222: number | undefined;
  let a236: number | undefined;
  let a240: number | undefined;
  let bonded = true;
  for (const st of res.stations) {
    let t = 0;
    for (const l of st.roll.layers) t += l.thickness_out_m;
    if (st.id === '222') a222 = t;
    else if (st.id === '236') a236 = t;
    else a240 = t;
    bonded &&= st.bond.bonded;
  }
  const after = stationRecord(a222, a236, a240);
  return {
    cell: res.cell,
    cellThickness_m: res.cell.cellThickness_m,
    crackRisk: res.crack.sandwiched.risk,
    bonded,
    afterStation_m: after,
    layers: res.cell.layers.map((l) => ({ name: l.name, thickness_m: l.thickness_m })),
    warnings: res.warnings,
  };
}

/**
 * The station physics of src/process/stations.ts for one (perturbed) process input. Within a production run
 * (run given) the alloying history is the run's expansion about its nominal cell (../alloy-expansion.ts: built
 * on the first call from the run's nominal input; cells outside its region, and the nominal cell itself, get the
 * full solve).
 */
export const stationPhysics: LinePhysics = (inp: ProcessInput, run?: PhysicsRun): PhysicsResult =>
  fromLineResult(simulateStations(inp, run ? { alloyHistory: runAlloyHistory(run) } : undefined));

/** the run's alloying history: its expansion (built once, from the nominal input's call) or the full solve */
function runAlloyHistory(run: PhysicsRun): AlloyHistoryFn {
  if (run.alloy === undefined) {
    run.alloy = null;
    simulateStations(run.nominal, {
      alloyHistory: (...args) => {
        run.alloy = expandAlloyHistory(...args);
        return run.alloy?.nominal ?? alloyHistory(...args);
      },
    });
  }
  return run.alloy?.history ?? alloyHistory;
}
