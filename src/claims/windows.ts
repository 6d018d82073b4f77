/**
 * The seed's windows evaluated ONCE per run: each window of ../recipe/windows.ts gets its value and the
 * value's source (a set point of the station table, a line result, the design, the cycling, the battery).
 * The run's `windows` block, its window warnings, the claim chart and the report all read this list.
 */
import type { Recipe } from '../recipe/schema.ts';
import type { CellDesign } from '../design/index.ts';
import type { LineResult } from '../process/types.ts';
import { STATIONS } from '../recipe/stations.ts';
import { WINDOWS, checkWindow, type WindowCheck } from '../recipe/windows.ts';
import { toCm2PerS, toUm } from '../units/index.ts';

export interface WindowResults {
  /** first-cycle specific discharge capacity, mAh/g */
  specificCapacity_mAh_g?: number | null;
  /** highest C-rate of the rate-capability test */
  cRate?: number | null;
}

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

export function evaluateWindows(
  r: Recipe,
  d: CellDesign,
  line: LineResult | null,
  more: WindowResults = {},
): WindowCheck[] {
  const s240 = STATIONS['240'].windows;
  const s236 = STATIONS['236'].windows;
  const out: WindowCheck[] = [
    checkWindow(WINDOWS[s240.force!], r.stations['240'].force_N, 'set point stations.240.force_N'),
    checkWindow(WINDOWS[s236.force!], r.stations['236'].force_N, 'set point stations.236.force_N'),
    checkWindow(WINDOWS[s240.temperature!], r.stations['240'].temperature_C, 'set point stations.240.temperature_C'),
    checkWindow(WINDOWS.li_content, r.third_sheet.li_layer.li_wt_pct, 'recipe'),
    line
      ? checkWindow(WINDOWS.cell_thickness, toUm(line.cell.cellThickness_m), 'line result')
      : checkWindow(WINDOWS.cell_thickness, toUm(d.thickness_m), 'design'),
    checkWindow(WINDOWS.stack_pressure, r.cell.stack_pressure_MPa, 'recipe'),
    checkWindow(WINDOWS.charge_cutoff, r.cycling.charge_cutoff_V, 'recipe'),
  ];
  if (line) {
    out.push(checkWindow(WINDOWS.anode_thickness, toUm(line.cell.anodeThickness_m), 'line result'));
    if (line.anode.diffusivity_m2_s > 0)
      out.push(checkWindow(WINDOWS.anode_diffusivity, toCm2PerS(line.anode.diffusivity_m2_s), 'line result'));
  }
  if (finite(more.specificCapacity_mAh_g))
    out.push(checkWindow(WINDOWS.specific_capacity, more.specificCapacity_mAh_g, 'cycling'));
  if (finite(more.cRate)) out.push(checkWindow(WINDOWS.c_rate, more.cRate, 'cycling'));
  if (r.battery)
    out.push(checkWindow(WINDOWS.battery_voltage, d.averageVoltage_V * r.battery.series, 'design × series'));
  return out;
}

/** the warning sentence of a window the run's value falls outside */
export function windowWarning(w: WindowCheck): string {
  return `${w.quantity} ${w.value.toPrecision(4)} ${w.unit} is outside the seed's window ${w.window} (${w.paragraph})`;
}
