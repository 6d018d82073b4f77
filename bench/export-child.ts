/**
 * One export in its own process for bench/export.bench.ts; prints {s, maxrss_kB}.
 * Usage: node --import tsx bench/export-child.ts <mode> <db> <run id> <out file>
 */
import { writeFileSync } from 'node:fs';
import { openStore } from '../src/store/index.ts';
import { main } from '../src/cli/main.ts';

const [mode, db, id, out] = process.argv.slice(2) as [string, string, string, string];
const t0 = performance.now();
if (mode === 'old_in_memory_json') {
  // what `runs export` did before the streamed export: the whole run in memory, then one string
  const s = await openStore(db);
  writeFileSync(out, JSON.stringify(await s.exportRun(id), null, 2));
  await s.close();
} else {
  const args: Record<string, string[]> = {
    json: ['--format', 'json'],
    csv_cells: ['--format', 'csv', '--what', 'cells'],
    xlsx_all: ['--format', 'xlsx'],
  };
  const code = await main(['runs', 'export', id, '--db', db, '--out', out, ...args[mode]!], () => {});
  if (code !== 0) process.exit(code);
}
console.log(JSON.stringify({ s: (performance.now() - t0) / 1000, maxrss_kB: process.resourceUsage().maxRSS }));
