/**
 * The head of the `rollcell-run-export` document (RunExport without its cells, cycles and time series):
 * one place for its format name, version and key order, which Store.exportRun, the CLI's streamed bundle
 * (cli/export.ts) and the server's streamed download (server/export.ts) all write.
 */
import type { RunExport, StoredRun } from './types.ts';

export type RunExportHead = Omit<RunExport, 'cells' | 'cycles' | 'time_series'>;

export function runExportHead(run: StoredRun): RunExportHead {
  const { recipe, output, stations, ...summary } = run;
  return { format: 'rollcell-run-export', format_version: 1, run: summary, recipe, output, stations };
}
