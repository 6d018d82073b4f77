/**
 * Adapter from the station physics (src/process/stations.ts `simulateStations(ProcessInput)` → the typed
 * SI `LineResult`) to the production run's narrow `LinePhysics` interface.
 */
import { simulateStations } from '../stations.ts';
import type { LineResult, ProcessInput } from '../types.ts';
import type { LinePhysics, PhysicsResult, StationId } from './physics.ts';

/** Maps a LineResult to the production PhysicsResult. */
export function fromLineResult(res: LineResult): PhysicsResult {
  const after: Partial<Record<StationId, number>> = {};
  let bonded = true;
  for (const st of res.stations) {
    let t = 0;
    for (const l of st.roll.layers) t += l.thickness_out_m;
    after[st.id] = t;
    bonded &&= st.bond.bonded;
  }
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
