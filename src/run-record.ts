/**
 * What a job stores besides its output JSON: the per-cell records of its production run, the cycles,
 * the time series and the pack's per-cell snapshots, in the store's shapes (nothing a user ran is lost).
 * Shared by `rollcell run` and `rollcell serve` so both store the same things.
 */
import type { JobResult } from './pipeline.ts';
import type { RunOutput } from './contract.ts';
import { ROLLCELL_VERSION } from './version.ts';
import type { ProductionCell } from './process/line.ts';
import { presentCell } from './present/production-cell.ts';
import type { CellRecord as StoredCell, CycleRecord as StoredCycle, TimeSeriesRecord } from './store/types.ts';

/** name of the time series that holds the pack's per-cell snapshots (columns t_s, V_k, SOC_k, T_k) */
export const BATTERY_CELLS_SERIES = 'battery cells';

/** The stored output of a failed run: the contract's required blocks, zeroed, and the reason. */
export function failedRunOutput(runId: string, reason: string): RunOutput {
  return {
    rollcell_version: ROLLCELL_VERSION,
    run_id: runId,
    design: {
      cell: { thickness_um: 0, area_cm2: 0, mass_g: 0 },
      cathode: { active_mass_mg_cm2: 0, areal_capacity_mAh_cm2: 0 },
      anode: { al_thickness_um: 0, li_thickness_um: 0, li_al_molar_ratio: 0 },
      np_ratio: 0,
      specific_energy_Wh_kg: 0,
      energy_density_Wh_L: 0,
    },
    error: reason,
  };
}

/**
 * A produced cell's record as the store keeps it: the presented record (src/present/production-cell.ts),
 * its verdict and key figures.
 */
export function storedCell(made: ProductionCell): StoredCell {
  const c = presentCell(made);
  return {
    ...c,
    verdict: c.in_spec ? 'in_spec' : `out_of_spec: ${c.causes.join(', ')}`,
    thickness_um: c.stack.cell_thickness_um,
    capacity_mAh: c.capacity_mAh,
  };
}

/**
 * For streamed cells (JobOptions.cellSink): a fresh mapper per pass over them that gives the first
 * in-spec cells the pack took their battery serial (JobResult.batteryCells), as runJob does to kept ones.
 */
export function batterySerials(res: JobResult): () => (c: StoredCell) => StoredCell {
  const b = res.batteryCells;
  return () => {
    let k = 0;
    return (c) => {
      if (!b || c['in_spec'] !== true || k >= b.count) return c;
      k++;
      const g = c.genealogy as Record<string, unknown> | undefined;
      return g ? { ...c, genealogy: { ...g, battery_serial: b.serial } } : c;
    };
  };
}

export function storedDetail(res: JobResult): {
  cells: StoredCell[];
  cycles: StoredCycle[];
  timeSeries: TimeSeriesRecord[];
} {
  const cells: StoredCell[] = (res.productionRun?.cells ?? []).map(storedCell);
  const cycles: StoredCycle[] = res.cycles.map((c) => ({
    cycle: c.index,
    charge_Ah: c.charge_Ah,
    discharge_Ah: c.discharge_Ah,
    coulombic_efficiency: c.ce,
    ...(c.resistance_mOhm !== undefined ? { resistance_mOhm: c.resistance_mOhm } : {}),
  }));
  const timeSeries: TimeSeriesRecord[] = res.timeSeries.map((t) => ({
    name: t.name,
    columns: {
      t_s: [...t.t_s],
      voltage_V: [...t.voltage_V],
      current_A: [...t.current_A],
      capacity_Ah: [...t.capacity_Ah],
    },
  }));
  const f = res.batteryFrames;
  if (f && f.time_s.length > 0) {
    const columns: Record<string, number[]> = { t_s: f.time_s };
    const n = f.serials.length;
    for (let k = 0; k < n; k++) columns[`V_${k}`] = f.voltage_V.map((row) => row[k]!);
    for (let k = 0; k < n; k++) columns[`SOC_${k}`] = f.soc_pct.map((row) => row[k]!);
    for (let k = 0; k < n; k++) columns[`T_${k}`] = f.temperature_C.map((row) => row[k]!);
    timeSeries.push({ name: BATTERY_CELLS_SERIES, columns });
  }
  return { cells, cycles, timeSeries };
}
