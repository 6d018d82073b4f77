/**
 * THE presenter of a production run's cells: turns the typed SI `ProductionCell` of src/process/line.ts
 * `runProduction` into the public cell record the store keeps and the run export writes (units in the field
 * names, 6 significant digits), and the records into the per-cell genealogy CSV. The physics never writes
 * these records; the store and the edges take them from here.
 */
import type { LayerKey, ProductionCell, ScrapCause } from '../process/line.ts';
import type { StationId } from '../process/production/physics.ts';
import { SHEETS, type SheetId } from '../process/production/timeline.ts';
import { toCelsius, toMAh, toMAhPerG, toMm, toMPerMin, toUm, toWh } from '../units/index.ts';
import { sig } from './round.ts';

/** a parent roll of a cell, as the record writes it */
export interface ParentRollRecord {
  sheet: SheetId;
  roll_id: string;
  lot: string;
  /** MD position of the cell on that roll, m from the roll's start */
  md_start_m: number;
  md_end_m: number;
}

/** A produced cell's public record (CONTRACT: the store's `cells` rows, the run export's cells). */
export interface CellRecord {
  serial: string;
  index: number;
  row: number;
  lane: number;
  /** laminate MD interval, m */
  s_start_m: number;
  s_end_m: number;
  /** CD interval on the web, mm from the operator-side edge */
  cd_start_mm: number;
  cd_end_mm: number;
  stack: {
    cell_thickness_um: number;
    anode_thickness_um: number;
    cathode_thickness_um: number;
    separator_thickness_um: number;
    free_li_um: number;
    layers: { name: string; thickness_um: number }[];
  };
  /** incoming sheet layer thicknesses for this cell (nominal × (1 + MD + CD deviation)), µm */
  incoming_thickness_um: Record<LayerKey, number>;
  capacity_mAh: number;
  specific_capacity_mAh_g: number;
  energy_Wh: number;
  crack_risk: number;
  bonded: boolean;
  defects: number;
  stations: {
    id: StationId;
    time_s: number;
    force_N: number;
    temperature_C: number;
    gauge_thickness_um: number | null;
  }[];
  speed_m_per_min: number;
  genealogy: {
    serial: string;
    material_lots: Partial<Record<SheetId, string[]>>;
    parents: ParentRollRecord[];
    lane: number;
    station_run: string;
    time_s: number;
    splice: boolean;
    battery_serial: string | null;
  };
  in_spec: boolean;
  causes: ScrapCause[];
}

/** a length in µm as the record writes it (6 significant digits) */
const um6 = (x_m: number): number => sig(toUm(x_m));

/** The public record of a produced cell: external units, 6 significant digits. */
export function presentCell(c: ProductionCell): CellRecord {
  const p = c.cell;
  const g = c.genealogy;
  const inc = c.incomingThickness_m;
  return {
    serial: c.serial,
    index: c.index,
    row: c.row,
    lane: c.lane,
    s_start_m: sig(c.sStart_m),
    s_end_m: sig(c.sEnd_m),
    cd_start_mm: sig(toMm(c.cdStart_m)),
    cd_end_mm: sig(toMm(c.cdEnd_m)),
    stack: {
      cell_thickness_um: um6(c.cellThickness_m),
      anode_thickness_um: um6(p.anodeThickness_m),
      cathode_thickness_um: um6(p.cathodeThickness_m),
      separator_thickness_um: um6(p.separatorThickness_m),
      free_li_um: um6(p.freeLi_m),
      layers: c.layers.map((l) => ({ name: l.name, thickness_um: um6(l.thickness_m) })),
    },
    incoming_thickness_um: {
      cathode: um6(inc.cathode),
      electrolyte: um6(inc.electrolyte),
      al: um6(inc.al),
      li: um6(inc.li),
      cu: um6(inc.cu),
    },
    capacity_mAh: sig(toMAh(c.capacity_C)),
    specific_capacity_mAh_g: sig(toMAhPerG(c.specificCapacity_C_per_kg)),
    energy_Wh: sig(toWh(c.energy_J)),
    crack_risk: sig(c.crackRisk),
    bonded: c.bonded,
    defects: c.defects,
    stations: c.stations.map((s) => ({
      id: s.id,
      time_s: sig(s.time_s),
      force_N: sig(s.force_N),
      temperature_C: sig(toCelsius(s.temperature_K)),
      gauge_thickness_um: s.gauge_m === null ? null : um6(s.gauge_m),
    })),
    speed_m_per_min: sig(toMPerMin(c.speed_m_s)),
    genealogy: {
      serial: c.serial,
      material_lots: g.material_lots,
      parents: g.parents.map((r) => ({
        sheet: r.sheet,
        roll_id: r.rollId,
        lot: r.lot,
        md_start_m: sig(r.mdStart_m),
        md_end_m: sig(r.mdEnd_m),
      })),
      lane: c.lane,
      station_run: g.stationRun,
      time_s: sig(g.time_s),
      splice: g.splice,
      battery_serial: g.batterySerial,
    },
    in_spec: c.inSpec,
    causes: c.causes,
  };
}

function q(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Per-cell genealogy / quality table as CSV text (one row per cell, units in the headers), for MES-style
 * traceability screens and battery-passport feeds (process-models §5.4: per cell its material lots,
 * parent roll IDs with MD positions and CD lane, station run, splice flag, serial, battery serial).
 * Returns a string; writing it is the caller's job.
 */
export function genealogyCsv(cells: readonly CellRecord[]): string {
  const head = [
    'serial',
    'battery_serial',
    'lane',
    'laminate_start_m',
    'laminate_end_m',
    'cd_start_mm',
    'cd_end_mm',
    ...SHEETS.flatMap((s) => [`${s}_roll_ids`, `${s}_md_start_m`, `${s}_md_end_m`, `${s}_lots`]),
    'station_run',
    'time_240_s',
    'splice',
    'force_240_N',
    'temperature_240_C',
    'gauge_240_thickness_um',
    'cell_thickness_um',
    'anode_thickness_um',
    'capacity_mAh',
    'crack_risk',
    'in_spec',
    'causes',
  ];
  const lines = [head.join(',')];
  for (const c of cells) {
    const g = c.genealogy;
    const s240 = c.stations.find((s) => s.id === '240');
    const per = SHEETS.flatMap((sh) => {
      const ps = g.parents.filter((p) => p.sheet === sh);
      return [
        ps.map((p) => p.roll_id).join('|'),
        String(ps[0]?.md_start_m ?? ''),
        String(ps[ps.length - 1]?.md_end_m ?? ''),
        (g.material_lots[sh] ?? []).join('|'),
      ];
    });
    const row = [
      c.serial,
      g.battery_serial ?? '',
      String(c.lane),
      String(c.s_start_m),
      String(c.s_end_m),
      String(c.cd_start_mm),
      String(c.cd_end_mm),
      ...per,
      g.station_run,
      String(g.time_s),
      String(g.splice),
      String(s240?.force_N ?? ''),
      String(s240?.temperature_C ?? ''),
      String(s240?.gauge_thickness_um ?? ''),
      String(c.stack.cell_thickness_um),
      String(c.stack.anode_thickness_um),
      String(c.capacity_mAh),
      String(c.crack_risk),
      String(c.in_spec),
      c.causes.join('|'),
    ];
    lines.push(row.map(q).join(','));
  }
  return lines.join('\n') + '\n';
}
