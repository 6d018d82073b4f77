/**
 * Adapter from the station physics (src/process/stations.ts `simulateStations(ProcessInput)` → the typed
 * SI `LineResult`) to the production run's narrow `LinePhysics` interface.
 */
import { simulateStations } from '../stations.ts';
import type { LineResult, ProcessInput } from '../types.ts';
import { stationRecord } from '../../recipe/stations.ts';
import type { LinePhysics, PhysicsResult } from './physics.ts';

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

/** The station physics of src/process/stations.ts for one (perturbed) process input. */
export const stationPhysics: LinePhysics = (inp: ProcessInput): PhysicsResult => fromLineResult(simulateStations(inp));
