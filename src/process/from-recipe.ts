/**
 * Recipe (external units) → ProcessInput (SI) for the station physics. The cathode thickness comes from
 * the design (a loading given in mg/cm² becomes a thickness there).
 */
import { problem } from '../problems.ts';
import type { Recipe } from '../recipe/schema.ts';
import type { MechanicalId } from '../materials/mechanics.ts';
import { designCell, type CellDesign } from '../design/index.ts';
import { celsius, fromPct, hours, MPa, mm, mPerMin, um } from '../units/index.ts';
import type { LayerInput, OperatingConditions, ProcessInput, StationInput } from './types.ts';
import type { StationId } from '../recipe/stations.ts';

/** Open web between rollers 240 and the winder, m (assumption: a 2 m span). */
export const OPEN_SPAN_TO_WINDER_M = 2;

const SULFIDES = new Set(['li6ps5cl', 'li3ps4', 'li10gep2s12']);
const OXIDES = new Set(['llzo', 'latp']);
const HALIDES = new Set(['li3incl6']);

/** Mechanical class of a solid electrolyte from the library id. */
export function electrolyteMechanics(id: string): MechanicalId {
  const k = id.toLowerCase();
  if (SULFIDES.has(k)) return 'sulfide-SE';
  if (OXIDES.has(k)) return 'oxide-SE';
  if (HALIDES.has(k)) return 'halide-SE';
  if (k.startsWith('peo')) return 'polymer-SE';
  throw problem(
    'electrolyte',
    'no mechanical class',
    JSON.stringify(id),
    'Li6PS5Cl, Li3PS4, Li10GeP2S12, LLZO, LATP, Li3InCl6, PEO-LiTFSI',
  );
}

/** Collector foils: Al collectors are hard-rolled (H18); Ti and Ag are approximated by Ni (assumption). */
export function collectorMechanics(id: string): MechanicalId {
  switch (id.toLowerCase()) {
    case 'al':
      return 'Al-H18';
    case 'cu':
      return 'Cu';
    case 'ss':
    case 'stainless_steel':
    case 'sus304':
    case 'steel':
      return 'SS';
    default:
      return 'Ni';
  }
}

function station(r: Recipe, id: StationId): StationInput | undefined {
  const s = r.stations[id];
  if (!s) return undefined;
  return {
    id,
    force_N: s.force_N,
    rollDiameter_m: mm(s.roll_diameter_mm),
    faceWidth_m: mm(s.face_width_mm),
    temperature_K: celsius(s.temperature_C),
    ...(s.friction_coefficient !== undefined ? { friction: { mu: s.friction_coefficient } } : {}),
  };
}

export function processInputFromRecipe(r: Recipe, d: CellDesign = designCell(r)): ProcessInput {
  const fs = r.first_sheet;
  const cathode: LayerInput = {
    role: 'cathode',
    name: 'cathode layer (202)',
    material: 'cathode-composite',
    thickness_m: d.cathode.thickness_m,
    porosity: fromPct(fs.cathode.porosity_pct),
  };
  const electrolyte: LayerInput = {
    role: 'electrolyte',
    name: 'solid electrolyte layer (206)',
    material: electrolyteMechanics(fs.electrolyte_layer.material),
    thickness_m: um(fs.electrolyte_layer.thickness_um),
    porosity: fromPct(fs.electrolyte_layer.porosity_pct),
  };
  const collector: LayerInput | undefined = fs.current_collector
    ? {
        role: 'collector',
        name: 'cathode current collector (208)',
        material: collectorMechanics(fs.current_collector.material),
        thickness_m: um(fs.current_collector.thickness_um),
      }
    : undefined;
  const a = r.al_sheet;
  const alLayer: LayerInput =
    a.form === 'foil'
      ? {
          role: 'al',
          name: 'Al foil (224)',
          material: a.temper === 'O' ? 'Al-O' : 'Al-H18',
          thickness_m: um(a.thickness_um),
        }
      : {
          role: 'al',
          name: 'Al particles + binder (224)',
          material: 'Al-particles',
          thickness_m: um(a.thickness_um),
          porosity: fromPct(a.particles?.porosity_pct ?? 30),
        };
  const t3 = r.third_sheet;
  const stations: ProcessInput['stations'] = { '236': station(r, '236')!, '240': station(r, '240')! };
  const s222 = station(r, '222');
  if (s222) stations['222'] = s222;
  const speed = mPerMin(r.line.speed_m_per_min);
  const T_down = celsius(r.line.downstream.temperature_C);
  const downstream_s = hours(r.line.downstream.dwell_h);
  const wound = r.line.downstream.wound;
  return {
    cell: { width_m: mm(r.cell.width_mm), length_m: mm(r.cell.length_mm) },
    firstSheet: {
      inSitu: fs.supply === 'in_situ',
      cathode,
      electrolyte,
      ...(collector ? { collector, collectorId: fs.current_collector!.material } : {}),
      composite: {
        activeMaterialId: fs.cathode.active_material,
        electrolyteId: fs.cathode.electrolyte,
        volumeFractions: d.cathode.volumeFractions,
        particleRadius_m: um(fs.cathode.particle_radius_um),
        coating: fs.cathode.coating,
      },
      electrolyteId: fs.electrolyte_layer.material,
    },
    alSheet: {
      form: a.form === 'foil' ? 'foil' : 'particles_binder',
      layer: alLayer,
      alMassFraction: fromPct(a.purity_pct) * (a.form === 'foil' ? 1 : 1 - fromPct(a.particles?.binder_wt_pct ?? 5)),
      ...(a.form === 'particles_on_carrier' && a.carrier
        ? {
            carrier: {
              thickness_m: um(a.carrier.thickness_um),
              removedBefore236: a.carrier.removed_before === '236',
            },
          }
        : {}),
    },
    thirdSheet: {
      li: {
        role: 'li',
        name: 'Li-containing layer (232)',
        material: 'Li',
        thickness_m: um(t3.li_layer.thickness_um),
      },
      conductor: {
        role: 'conductor',
        name: 'conductive layer (234)',
        material: collectorMechanics(t3.conductive_layer.material),
        thickness_m: um(t3.conductive_layer.thickness_um),
      },
      orientation: t3.facing_al === 'li_layer' ? 'li_facing_al' : 'cu_facing_al',
      conductorId: t3.conductive_layer.material,
      liMassFraction: fromPct(t3.li_layer.li_wt_pct),
    },
    stations,
    line: {
      speed_m_s: speed,
      webWidth_m: mm(r.line.web_width_mm),
      dwell_s: wound ? Math.min(downstream_s, OPEN_SPAN_TO_WINDER_M / speed) : downstream_s,
      ...(wound ? { openSpan_m: OPEN_SPAN_TO_WINDER_M } : {}),
      dwellTemperature_K: T_down,
      storage_s: wound ? Math.max(0, downstream_s - OPEN_SPAN_TO_WINDER_M / speed) : 0,
      storageTemperature_K: T_down,
      stackPressure_Pa: MPa(r.cell.stack_pressure_MPa),
    },
  };
}

/** The finished cell's operating conditions (stack pressure, temperature) in SI. */
export function operatingConditions(r: Recipe): OperatingConditions {
  return { stackPressure_Pa: MPa(r.cell.stack_pressure_MPa), temperature_K: celsius(r.cell.temperature_C) };
}
