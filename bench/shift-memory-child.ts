/**
 * One `rollcell run` in its own process for bench/shift-memory.bench.ts; prints {s, maxrss_kB, cells}.
 * Usage: node --import tsx bench/shift-memory-child.ts <recipe> <db> <out dir> <duration_h>
 */
import { main } from '../src/cli/main.ts';

const [recipe, db, outDir, hours] = process.argv.slice(2) as [string, string, string, string];
const t0 = performance.now();
let json = '';
const code = await main(
  ['run', recipe, '--db', db, '--out', outDir, '--no-battery', '--json', '--set', `production.duration_h=${hours}`],
  (s) => (json += s),
);
if (code !== 0) {
  console.error(json);
  process.exit(code);
}
const out = JSON.parse(json) as { production?: { cells_total?: number } };
console.log(
  JSON.stringify({
    s: (performance.now() - t0) / 1000,
    maxrss_kB: process.resourceUsage().maxRSS,
    cells: out.production?.cells_total ?? 0,
  }),
);
