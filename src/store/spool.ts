/**
 * A spool of cell rows on disk: a long production run checks and serialises each cell record into the
 * store's row as the line makes it (`prepareCellRow`: the same checks and the same `data_json` text
 * saveRun would make) and writes it here as one line (in 1 MB writes); the store reads the rows back in
 * chunks inside the save's transaction (RunRecordInput.cellStream `rows`), with no JSON round trip of the
 * records. Memory stays bounded whatever the shift's length, and the save keeps its rule — it commits the
 * whole run or leaves nothing — because the spool can be read again when a save is retried. The spool is
 * a private temporary file, removed by `dispose()`.
 *
 * A line is nine tab-separated fields: in-spec flag (1/0), thickness_um, mass_g, capacity_mAh,
 * specific_energy_Wh_kg (empty for null; numbers as JavaScript prints them, which read back exactly),
 * the serial and the verdict as JSON strings, genealogy_json (empty for null) and data_json. JSON text
 * never holds a raw tab or newline (JSON.stringify escapes control characters), so the fields need no
 * escaping.
 */
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { prepareCellRow, strictJson } from './store.ts';
import type { CellRecord, CellRow } from './types.ts';

/** bytes buffered before a write */
const WRITE_BYTES = 1 << 20;
/** records per chunk read back */
const CHUNK_CELLS = 1000;

/** The cells a pack took: the first `count` in-spec cells get `genealogy.battery_serial = serial`. */
export interface BatteryCells {
  serial: string;
  count: number;
}

const numField = (v: number | null): string => (v === null ? '' : String(v));

/** the record checked and serialised into its row (a bad field is a ProblemError naming `cells[idx]…`), as a spool line */
function spoolLine(cell: CellRecord, idx: number): string {
  const r = prepareCellRow(cell, idx);
  return (
    `${cell['in_spec'] === true ? 1 : 0}\t${numField(r.thickness_um)}\t${numField(r.mass_g)}\t` +
    `${numField(r.capacity_mAh)}\t${numField(r.specific_energy_Wh_kg)}\t${JSON.stringify(r.serial)}\t` +
    `${JSON.stringify(r.verdict)}\t${r.genealogy_json ?? ''}\t${r.data_json}\n`
  );
}
const numOf = (s: string): number | null => (s === '' ? null : Number(s));

export class CellSpool {
  readonly #dir: string;
  readonly #path: string;
  /** this side's writer (null while the file is lent to another thread, and once finished) */
  #writer: SpoolWriter | null;
  /** records in the file from writers closed so far (this side's before a lend, the other thread's) */
  #closed = 0;
  #lent = false;
  #finished = false;

  /** a new spool in a private directory under `dir` (default: the system's temporary directory) */
  constructor(dir: string = tmpdir()) {
    this.#dir = mkdtempSync(join(dir, 'rollcell-cells-'));
    this.#path = join(this.#dir, 'cells.tsv');
    closeSync(openSync(this.#path, 'wx', 0o600));
    this.#writer = new SpoolWriter(this.#path, 0);
  }

  /** records written so far */
  get count(): number {
    return this.#closed + (this.#writer?.count ?? 0);
  }

  /** check and serialise the record into its row (a bad field is a ProblemError naming `cells[i]…`) and spool it */
  add(cell: CellRecord): void {
    if (this.#finished) throw new Error('cell spool: add after finish');
    if (this.#lent || !this.#writer) throw new Error('cell spool: add while another thread writes it (lend … settle)');
    this.#writer.add(cell);
  }

  /** closes this side's writer (its buffer written), adding its records to the closed count */
  #closeWriter(): void {
    if (!this.#writer) return;
    const w = this.#writer;
    this.#writer = null;
    this.#closed += w.close();
  }

  /**
   * Lends the spool's file to another thread of this process (a production shift on a worker thread):
   * what this side buffered is written and its file closed first, and the file's path is returned for a
   * SpoolWriter there. Until `settle` this side adds nothing; the caller must stop that thread before
   * disposing the spool.
   */
  lend(): string {
    if (this.#finished) throw new Error('cell spool: lend after finish');
    if (this.#lent) throw new Error('cell spool: already lent');
    this.#closeWriter();
    this.#lent = true;
    return this.#path;
  }

  /**
   * the other thread finished and closed its SpoolWriter after writing `count` records; this side appends
   * after them again
   */
  settle(count: number): void {
    if (!this.#lent) throw new Error('cell spool: settle without lend');
    if (!Number.isInteger(count) || count < 0) throw new Error(`cell spool: settle with ${count} records`);
    this.#lent = false;
    this.#closed += count;
    this.#writer = new SpoolWriter(this.#path, this.#closed);
  }

  /** write what is buffered and close the file (the spool is then read-only) */
  finish(): void {
    if (this.#finished) return;
    if (this.#lent) throw new Error('cell spool: finish while another thread writes it (lend … settle)');
    this.#closeWriter();
    this.#finished = true;
  }

  /**
   * The rows in chunks, from the first; the first `battery.count` in-spec cells get the pack's serial
   * in their genealogy (as runJob gives kept records: only those rows are parsed and serialised again).
   * Every call reads the file again from its start.
   */
  async *rows(battery?: BatteryCells | null): AsyncGenerator<CellRow[]> {
    this.finish();
    yield* readSpoolRows(this.#path, battery);
  }

  /** the records in chunks, from the first (each row's data_json parsed: for reading a spool back, not for saving) */
  async *chunks(battery?: BatteryCells | null): AsyncGenerator<CellRecord[]> {
    for await (const rows of this.rows(battery)) yield rows.map((r) => JSON.parse(r.data_json) as CellRecord);
  }

  /** the spool as the store's streamed cell rows (RunRecordInput.cellStream), with the pack's serials */
  stream(battery?: BatteryCells | null): { count: number; rows: () => AsyncIterable<CellRow[]> } {
    this.finish();
    return { count: this.#closed, rows: () => this.rows(battery) };
  }

  /** close and remove the spool (safe to call more than once) */
  dispose(): void {
    const w = this.#writer;
    this.#writer = null;
    this.#finished = true;
    if (w) {
      try {
        w.close();
      } catch {
        /* already closed, or the disk is gone: the spool is removed anyway */
      }
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/**
 * A spool file's rows in chunks, from the first (CellSpool.rows; a staged save on the thread that wrote the
 * file reads it here); the first `battery.count` in-spec cells get `genealogy.battery_serial`.
 */
export async function* readSpoolRows(path: string, battery?: BatteryCells | null): AsyncGenerator<CellRow[]> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let chunk: CellRow[] = [];
  let taken = 0;
  try {
    for await (const line of rl) {
      if (line === '') continue;
      const f = line.split('\t');
      if (f.length !== 9) throw new Error(`cell spool: a damaged line (${f.length} fields, not 9)`);
      const row: CellRow = {
        serial: JSON.parse(f[5]!) as string,
        verdict: JSON.parse(f[6]!) as string,
        thickness_um: numOf(f[1]!),
        mass_g: numOf(f[2]!),
        capacity_mAh: numOf(f[3]!),
        specific_energy_Wh_kg: numOf(f[4]!),
        genealogy_json: f[7] === '' ? null : f[7]!,
        data_json: f[8]!,
      };
      if (battery && f[0] === '1' && taken < battery.count) {
        taken++;
        const c = JSON.parse(row.data_json) as Record<string, unknown>;
        const g = c['genealogy'] as Record<string, unknown> | undefined;
        if (g) {
          c['genealogy'] = { ...g, battery_serial: battery.serial };
          row.genealogy_json = strictJson(c['genealogy'], `cells.genealogy`);
          row.data_json = strictJson(c, 'cells');
        }
      }
      chunk.push(row);
      if (chunk.length >= CHUNK_CELLS) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length) yield chunk;
  } finally {
    rl.close();
  }
}

/**
 * The spool's one buffered writer: appends cell records to the spool's file in its format (one row line
 * each, checked and serialised here, 1 MB writes); `close()` writes the rest and returns how many it wrote.
 * CellSpool writes through one; the production shift on a worker thread (src/cli/job-worker.ts) opens one
 * on a spool lent to it (CellSpool.lend: its path) and hands its count to CellSpool.settle.
 */
export class SpoolWriter {
  #fd: number | null;
  #buf: string[] = [];
  #bufBytes = 0;
  #count = 0;

  /** `first`: the spool's count when it was lent (the index a bad record's error names) */
  constructor(
    path: string,
    readonly first = 0,
  ) {
    this.#fd = openSync(path, 'a');
  }

  /** records added so far (written or buffered) */
  get count(): number {
    return this.#count;
  }

  add(cell: CellRecord): void {
    if (this.#fd === null) throw new Error('spool writer: add after close');
    const line = spoolLine(cell, this.first + this.#count);
    this.#buf.push(line);
    this.#bufBytes += line.length;
    this.#count++;
    if (this.#bufBytes >= WRITE_BYTES) this.#flush();
  }

  #flush(): void {
    if (this.#fd === null || this.#buf.length === 0) return;
    writeSync(this.#fd, this.#buf.join(''));
    this.#buf = [];
    this.#bufBytes = 0;
  }

  /** writes what is buffered, closes the file and returns the records written (safe to call again) */
  close(): number {
    if (this.#fd !== null) {
      try {
        this.#flush();
      } finally {
        closeSync(this.#fd);
        this.#fd = null;
      }
    }
    return this.#count;
  }
}
