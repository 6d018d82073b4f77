/**
 * Per-cell genealogy / quality table as CSV text (one row per cell, units in the headers), for MES-style
 * traceability screens and battery-passport feeds (process-models §5.4: per cell its material lots,
 * parent roll IDs with MD positions and CD lane, station run, splice flag, serial, battery serial).
 * Returns a string; writing it is the caller's job (physics does no I/O).
 */
import type { CellRecord } from '../line.ts';
import { SHEETS } from './timeline.ts';

function q(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

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
