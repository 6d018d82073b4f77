/**
 * Adapter from the station physics (src/process/stations.ts: `simulateStations(recipe)` → the CONTRACT
 * `line` block + an SI produced cell) to the production run's narrow `LinePhysics` interface.
 *
 * The stations module is owned by another area; it is loaded here by a runtime import so that this
 * adapter (and the production run) still compiles while that module is being written. `stationPhysics`
 * throws a clear error when the module or its function is missing.
 */
import type { Recipe } from '../../recipe/schema.ts';
import type { LineBlock } from '../../contract.ts';
import type { LinePhysics, PhysicsResult, ProducedCellLike, StationId } from './physics.ts';

type SimulateStations = (recipe: Recipe) => unknown;

let simulate: SimulateStations | undefined;
let loadError: string | undefined;
try {
  const spec = '../stations.ts';
  const mod = (await import(spec)) as Record<string, unknown>;
  if (typeof mod['simulateStations'] === 'function') simulate = mod['simulateStations'] as SimulateStations;
  else loadError = 'src/process/stations.ts has no simulateStations export';
} catch (e) {
  loadError = `src/process/stations.ts could not be loaded (${(e as Error).message.split('\n')[0]})`;
}

function isCell(x: unknown): x is ProducedCellLike {
  return typeof x === 'object' && x !== null && typeof (x as Record<string, unknown>)['cathodeThickness_m'] === 'number' && typeof (x as Record<string, unknown>)['anodeThickness_m'] === 'number';
}

/** Maps a ProcessResult (line block + SI produced cell) to the production PhysicsResult. */
export function fromProcessResult(res: unknown): PhysicsResult {
  if (typeof res !== 'object' || res === null) throw new Error('simulateStations: returned no object');
  const o = res as Record<string, unknown>;
  const line = o['line'] as LineBlock | undefined;
  if (!line || !Array.isArray(line.stations)) throw new Error('simulateStations: result has no `line` block with stations');
  const cell = Object.values(o).find(isCell);
  if (!cell) throw new Error('simulateStations: result has no SI produced cell (an object with cathodeThickness_m, anodeThickness_m, …)');
  const cellThickness = cell.cathodeThickness_m + cell.separatorThickness_m + cell.anodeThickness_m + (cell.cathodeCollectorThickness_m ?? 0) + (cell.anodeCollectorThickness_m ?? 0);
  const after: Partial<Record<StationId, number>> = {};
  for (const st of line.stations) {
    const sum = st.layers.reduce((s, l) => s + l.thickness_out_um, 0);
    after[st.id] = sum * 1e-6;
  }
  const layers: PhysicsResult['layers'] = [];
  if (cell.cathodeCollectorThickness_m) layers.push({ name: 'cathode current collector', thickness_m: cell.cathodeCollectorThickness_m });
  layers.push({ name: 'cathode layer', thickness_m: cell.cathodeThickness_m });
  layers.push({ name: 'solid electrolyte layer', thickness_m: cell.separatorThickness_m });
  layers.push({ name: 'Li–Al anode', thickness_m: cell.anodeThickness_m });
  if (cell.anodeCollectorThickness_m) layers.push({ name: 'conductive layer', thickness_m: cell.anodeCollectorThickness_m });
  return {
    cell,
    cellThickness_m: cellThickness,
    crackRisk: line.crack.sandwiched.risk,
    bonded: line.stations.every((s) => s.bonded),
    afterStation_m: after,
    layers,
  };
}

/** The station physics of src/process/stations.ts as a LinePhysics. */
export const stationPhysics: LinePhysics = (recipe: Recipe): PhysicsResult => {
  if (!simulate) throw new Error(`production: no line physics available: ${loadError ?? 'unknown'}`);
  return fromProcessResult(simulate(recipe));
};

export const stationPhysicsAvailable = (): boolean => simulate !== undefined;
