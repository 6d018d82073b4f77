/**
 * Genealogy: a cell → its parent rolls (with the machine-direction position on each roll and the
 * cross-direction lane position), the station readings at that position, its verdict and its battery;
 * a roll → all its cells. Pure functions over a run's stored cell records, each usable a cell at a time (the
 * server pages through a run's cells: memory bounded by a page, never by the run).
 */
import type { ParentRollRecord } from '../../present/production-cell.ts';
import { genealogyOf, type CellRecord } from '../../store/records.ts';

export interface RollSummary {
  roll_id: string;
  sheet: string;
  lot: string;
  cells: number;
  cells_in_spec: number;
  md_min_m: number;
  md_max_m: number;
}

/** the fields of a stored cell the genealogy reads */
export type GenealogyCell = Pick<
  CellRecord,
  'serial' | 'verdict' | 'lane' | 'cd_start_mm' | 'cd_end_mm' | 'in_spec' | 'genealogy'
>;

/** the cell's parent rolls (a genealogy that is not rollcell's may have none or others: those without a roll id are skipped) */
const parentsOf = (c: GenealogyCell): ParentRollRecord[] =>
  (genealogyOf(c).parents ?? []).filter((p) => typeof p?.roll_id === 'string');

/** the rolls' summaries a cell at a time (the server reads a run's cells page by page) */
export class RollsTally {
  readonly #m = new Map<string, RollSummary>();
  push(c: GenealogyCell): void {
    for (const p of parentsOf(c)) {
      let r = this.#m.get(p.roll_id);
      if (!r) {
        r = {
          roll_id: p.roll_id,
          sheet: p.sheet,
          lot: p.lot,
          cells: 0,
          cells_in_spec: 0,
          md_min_m: Infinity,
          md_max_m: -Infinity,
        };
        this.#m.set(p.roll_id, r);
      }
      r.cells++;
      if (c.in_spec === true) r.cells_in_spec++;
      r.md_min_m = Math.min(r.md_min_m, p.md_start_m);
      r.md_max_m = Math.max(r.md_max_m, p.md_end_m);
    }
  }
  /** the rolls by sheet, then roll id */
  result(): RollSummary[] {
    return [...this.#m.values()].sort((a, b) => a.sheet.localeCompare(b.sheet) || a.roll_id.localeCompare(b.roll_id));
  }
}

export interface RollCell {
  serial: string;
  lane: number;
  md_start_m: number;
  md_end_m: number;
  cd_start_mm: number;
  cd_end_mm: number;
  in_spec: boolean;
  verdict: string;
  battery_serial: string | null;
}

/** a cell as one of roll `rollId`'s cells (its MD position on that roll), or null when it is not */
export function rollCellOf(c: GenealogyCell, rollId: string): RollCell | null {
  const p = parentsOf(c).find((x) => x.roll_id === rollId);
  if (!p) return null;
  return {
    serial: String(c.serial),
    lane: Number(c.lane ?? 0),
    md_start_m: p.md_start_m,
    md_end_m: p.md_end_m,
    cd_start_mm: Number(c.cd_start_mm ?? 0),
    cd_end_mm: Number(c.cd_end_mm ?? 0),
    in_spec: c.in_spec === true,
    verdict: String(c.verdict ?? ''),
    battery_serial: genealogyOf(c).battery_serial ?? null,
  };
}

/** the battery a cell went into (its serial), or null */
export const batterySerialOf = (c: Pick<CellRecord, 'genealogy'>): string | null =>
  genealogyOf(c).battery_serial ?? null;
