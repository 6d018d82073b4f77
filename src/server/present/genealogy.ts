/**
 * Genealogy: a cell → its parent rolls (with the machine-direction position on each roll and the
 * cross-direction lane position), the station readings at that position, its verdict and its battery;
 * a roll → all its cells. Pure functions over a run's stored cell records.
 */

export interface RollSummary {
  roll_id: string;
  sheet: string;
  lot: string;
  cells: number;
  cells_in_spec: number;
  md_min_m: number;
  md_max_m: number;
}

interface Parent {
  sheet: string;
  roll_id: string;
  lot: string;
  md_start_m: number;
  md_end_m: number;
}

const parentsOf = (c: Record<string, unknown>): Parent[] =>
  (((c['genealogy'] as Record<string, unknown> | undefined)?.['parents'] ?? []) as Parent[]).filter(
    (p) => typeof p?.roll_id === 'string',
  );

export function rollsOf(cells: readonly Record<string, unknown>[]): RollSummary[] {
  const m = new Map<string, RollSummary>();
  for (const c of cells) {
    for (const p of parentsOf(c)) {
      let r = m.get(p.roll_id);
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
        m.set(p.roll_id, r);
      }
      r.cells++;
      if (c['in_spec'] === true) r.cells_in_spec++;
      r.md_min_m = Math.min(r.md_min_m, p.md_start_m);
      r.md_max_m = Math.max(r.md_max_m, p.md_end_m);
    }
  }
  return [...m.values()].sort((a, b) => a.sheet.localeCompare(b.sheet) || a.roll_id.localeCompare(b.roll_id));
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

export function cellsOfRoll(cells: readonly Record<string, unknown>[], rollId: string): RollCell[] {
  const out: RollCell[] = [];
  for (const c of cells) {
    const p = parentsOf(c).find((x) => x.roll_id === rollId);
    if (!p) continue;
    const g = (c['genealogy'] ?? {}) as Record<string, unknown>;
    out.push({
      serial: String(c['serial']),
      lane: Number(c['lane'] ?? 0),
      md_start_m: p.md_start_m,
      md_end_m: p.md_end_m,
      cd_start_mm: Number(c['cd_start_mm'] ?? 0),
      cd_end_mm: Number(c['cd_end_mm'] ?? 0),
      in_spec: c['in_spec'] === true,
      verdict: String(c['verdict'] ?? ''),
      battery_serial: (g['battery_serial'] as string | null | undefined) ?? null,
    });
  }
  return out;
}

/** The pack cells of a run's battery in pack order (the in-spec cells the pack took carry its serial). */
export function packSerials(cells: readonly Record<string, unknown>[], batterySerial: string): string[] {
  return cells
    .filter((c) => (c['genealogy'] as Record<string, unknown> | undefined)?.['battery_serial'] === batterySerial)
    .map((c) => String(c['serial']));
}
