/**
 * A stored run's tables streamed from the store into a table writer (CSV, JSON, XLSX: ./writers.ts), cells
 * a page at a time: what `rollcell runs export --what …` and the server's `/api/runs/{id}/export?what=…`
 * write, in memory that does not grow with the run's cells.
 */
import type { CellRecord, Store } from '../store/types.ts';
import {
  CELL_COLUMNS,
  CYCLE_COLUMNS,
  SPC_COLUMNS,
  cellRow,
  cycleRow,
  seriesColumns,
  seriesRows,
  spcTable,
  type ExportWhat,
} from './tables.ts';
import type { TableSink } from './writers.ts';

/** cells read from the store per page */
export const EXPORT_PAGE_CELLS = 500;

/** a run's cells in production order, `size` at a time (one page in memory) */
export async function* cellPages(
  store: Pick<Store, 'listCells'>,
  id: string,
  size = EXPORT_PAGE_CELLS,
): AsyncGenerator<CellRecord[]> {
  for (let offset = 0; ; offset += size) {
    const page = await store.listCells(id, { offset, limit: size });
    if (page.length === 0) return;
    yield page;
    if (page.length < size) return;
  }
}

/** the tables `what` of run `id` into `sink` (closed at the end), reading `page` cells at a time */
export async function writeTables(
  store: Pick<Store, 'getRun' | 'listCells' | 'listCycles' | 'getTimeSeries'>,
  id: string,
  what: readonly ExportWhat[],
  sink: TableSink,
  page = EXPORT_PAGE_CELLS,
): Promise<void> {
  const run = await store.getRun(id);
  for (const w of what) {
    if (w === 'cells') {
      await sink.table('cells', CELL_COLUMNS);
      for await (const cells of cellPages(store, run.id, page)) for (const c of cells) await sink.row(cellRow(c));
    } else if (w === 'cycles') {
      await sink.table('cycles', CYCLE_COLUMNS);
      for (const c of await store.listCycles(run.id)) await sink.row(cycleRow(c));
    } else if (w === 'series') {
      const all = await store.getTimeSeries(run.id);
      const cols = seriesColumns(all);
      await sink.table('series', cols);
      for (const s of all) for (const r of seriesRows(s, cols)) await sink.row(r);
    } else {
      await sink.table('spc', SPC_COLUMNS);
      const production = (run.recipe.parsed as Record<string, unknown> | null)?.['production'];
      for await (const r of spcTable(run.output, production, () => cellPages(store, run.id, page))) await sink.row(r);
    }
  }
  await sink.close();
}
