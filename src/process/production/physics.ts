/**
 * The narrow interface between the production run and the station physics (src/process/stations.ts):
 * the run perturbs the recipe for each cell (incoming sheet thicknesses, roll forces, nip temperatures,
 * line speed) and asks the physics for the cell it makes. `ProducedCellLike` is the subset of the SI
 * produced cell that production needs (structurally compatible with electrochem's ProducedCellSI).
 */
import type { Recipe } from '../../recipe/schema.ts';

export type StationId = '222' | '236' | '240';
export const STATION_IDS: readonly StationId[] = ['222', '236', '240'];

export interface ProducedCellLike {
  readonly area_m2: number;
  readonly cathodeThickness_m: number;
  readonly separatorThickness_m: number;
  readonly anodeThickness_m: number;
  readonly cathodeCollectorThickness_m?: number;
  readonly anodeCollectorThickness_m?: number;
  /** volume fraction of active material in the composite cathode */
  readonly cathodeActiveFraction: number;
  readonly activeMaterialId: string;
  readonly anodeAl_mol_m2: number;
  readonly anodeLi_mol_m2: number;
  readonly freeLi_m: number;
}

export interface PhysicsResult {
  cell: ProducedCellLike;
  /** whole cell stack thickness (collectors included), m */
  cellThickness_m: number;
  /** crack risk of the anode as made (sandwiched between Cu and the electrolyte), 0–1 */
  crackRisk: number;
  /** every station bonded its new interface */
  bonded: boolean;
  /** laminate thickness leaving each station, m (what an outfeed gauge sees) */
  afterStation_m: Partial<Record<StationId, number>>;
  /** the cell's layer stack, top to bottom, m */
  layers: { name: string; thickness_m: number }[];
}

/** line physics for one (perturbed) recipe: pure and deterministic */
export type LinePhysics = (recipe: Recipe) => PhysicsResult;

/** per-cell deviations applied to the recipe */
export interface Perturbation {
  /** relative thickness factors (1 = nominal) of the incoming layers */
  cathode: number;
  electrolyte: number;
  al: number;
  li: number;
  cu: number;
  force_N: Partial<Record<StationId, number>>;
  temperature_C: Partial<Record<StationId, number>>;
  speed_m_per_min: number;
}

/** A new recipe object with the perturbation applied (the base recipe is not modified). */
export function perturbRecipe(r: Recipe, p: Perturbation): Recipe {
  const fs = r.first_sheet;
  const c = fs.cathode;
  const cathode = { ...c };
  if (c.thickness_um !== undefined) cathode.thickness_um = c.thickness_um * p.cathode;
  if (c.loading_mg_cm2 !== undefined) cathode.loading_mg_cm2 = c.loading_mg_cm2 * p.cathode;
  const stations = { ...r.stations };
  for (const id of STATION_IDS) {
    const st = r.stations[id];
    if (!st) continue;
    const f = p.force_N[id];
    const T = p.temperature_C[id];
    stations[id] = { ...st, force_N: f ?? st.force_N, temperature_C: T ?? st.temperature_C };
  }
  return {
    ...r,
    first_sheet: {
      ...fs,
      cathode,
      electrolyte_layer: { ...fs.electrolyte_layer, thickness_um: fs.electrolyte_layer.thickness_um * p.electrolyte },
    },
    al_sheet: { ...r.al_sheet, thickness_um: r.al_sheet.thickness_um * p.al },
    third_sheet: {
      ...r.third_sheet,
      li_layer: { ...r.third_sheet.li_layer, thickness_um: r.third_sheet.li_layer.thickness_um * p.li },
      conductive_layer: { ...r.third_sheet.conductive_layer, thickness_um: r.third_sheet.conductive_layer.thickness_um * p.cu },
    },
    stations: stations as Recipe['stations'],
    line: { ...r.line, speed_m_per_min: p.speed_m_per_min },
  };
}

export function nominalPerturbation(r: Recipe): Perturbation {
  const force_N: Partial<Record<StationId, number>> = {};
  const temperature_C: Partial<Record<StationId, number>> = {};
  for (const id of STATION_IDS) {
    const st = r.stations[id];
    if (st) {
      force_N[id] = st.force_N;
      temperature_C[id] = st.temperature_C;
    }
  }
  return { cathode: 1, electrolyte: 1, al: 1, li: 1, cu: 1, force_N, temperature_C, speed_m_per_min: r.line.speed_m_per_min };
}
