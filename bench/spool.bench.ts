/**
 * `npm run bench:spool` (node --import tsx bench/spool.bench.ts [cells]): the CPU cost of the cell spool
 * (src/store/spool.ts) that takes a long production run's cells to the store — write each record as the
 * line makes it, read it back as the rows saveRun inserts (no database: the spool's own cost). Two ways,
 * same records (the patent example's cells, cycled), same run:
 * - `spool_rows`: the spool as it is now — each record checked and serialised once into the store's row
 *   (`prepareCellRow`), spooled as a line of fields, read back without parsing the record;
 * - `spool_json_roundtrip` (before, kept here as the reference): each record written as a JSON line,
 *   parsed back, then checked and serialised by the store — three passes over every record.
 * Prints `name: value unit` lines, cells per CPU-second (min and median of 5). Never part of `npm test`.
 * The end-to-end figure is bench:api's `stream_cells_per_s` (a live server run with its spool).
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRecipeText } from '../src/recipe/parse.ts';
import { runJob } from '../src/pipeline.ts';
import { storedCell } from '../src/run-record.ts';
import { CellSpool, type CellRecord } from '../src/store/index.ts';
import { prepareCellRow } from '../src/store/store.ts';

const N = Number(process.argv[2] ?? 50_000);
const text = readFileSync(new URL('../examples/patent-line.yaml', import.meta.url), 'utf8');
const p = parseRecipeText(text);
if (!p.ok) throw new Error('example recipe');
const made: CellRecord[] = [];
runJob(p.recipe, {
  seed: 1,
  noCycling: true,
  battery: false,
  production: { web_length_m: 20 },
  cellSink: (c) => made.push(storedCell(c)),
});
const records = Array.from({ length: N }, (_, i) => made[i % made.length]!);
const dir = mkdtempSync(join(tmpdir(), 'rollcell-spool-bench-'));

async function rowsWay(): Promise<number> {
  const s = new CellSpool(dir);
  try {
    for (const c of records) s.add(c);
    let n = 0;
    for await (const ch of s.stream().rows()) n += ch.length;
    return n;
  } finally {
    s.dispose();
  }
}

/** the spool before: JSON lines of the records, parsed back, then prepared by the store */
async function jsonWay(): Promise<number> {
  const path = join(dir, 'cells.ndjson');
  const fd = openSync(path, 'w');
  let buf: string[] = [];
  let bytes = 0;
  for (const c of records) {
    const line = JSON.stringify(c) + '\n';
    buf.push(line);
    bytes += line.length;
    if (bytes >= 1 << 20) {
      writeSync(fd, buf.join(''));
      buf = [];
      bytes = 0;
    }
  }
  writeSync(fd, buf.join(''));
  closeSync(fd);
  const { createInterface } = await import('node:readline');
  const { createReadStream } = await import('node:fs');
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    if (line === '') continue;
    prepareCellRow(JSON.parse(line) as CellRecord, n++);
  }
  rmSync(path);
  return n;
}

try {
  for (const [name, way] of [
    ['spool_json_roundtrip', jsonWay],
    ['spool_rows', rowsWay],
  ] as const) {
    const rates: number[] = [];
    for (let k = 0; k < 5; k++) {
      const c0 = process.cpuUsage();
      const n = await way();
      const cpu = process.cpuUsage(c0);
      if (n !== N) throw new Error(`${name}: ${n} of ${N} cells`);
      rates.push(N / ((cpu.user + cpu.system) / 1e6));
    }
    rates.sort((a, b) => b - a);
    console.log(`${name}_cells_per_cpu_s: ${rates[0]!.toFixed(0)} cells/s (best of 5; median ${rates[2]!.toFixed(0)})`);
  }
  console.log(`spool_cells: ${N} cells (${made.length} distinct records of the patent example, cycled)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
