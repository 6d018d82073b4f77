/**
 * A spool of cell records on disk: a long production run writes each record here as the line makes it
 * (one JSON line each, in 1 MB writes), and the store reads them back in chunks inside the save's
 * transaction (RunRecordInput.cellStream). Memory stays bounded whatever the shift's length, and the
 * save keeps its rule — it commits the whole run or leaves nothing — because the spool can be read again
 * when a save is retried. The spool is a private temporary file, removed by `dispose()`.
 */
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CellRecord } from './types.ts';

/** bytes buffered before a write */
const WRITE_BYTES = 1 << 20;
/** records per chunk read back */
const CHUNK_CELLS = 1000;

export class CellSpool {
  readonly #dir: string;
  readonly #path: string;
  #fd: number | null;
  #buf: string[] = [];
  #bufBytes = 0;
  #count = 0;
  #lent = false;

  /** a new spool in a private directory under `dir` (default: the system's temporary directory) */
  constructor(dir: string = tmpdir()) {
    this.#dir = mkdtempSync(join(dir, 'rollcell-cells-'));
    this.#path = join(this.#dir, 'cells.ndjson');
    this.#fd = openSync(this.#path, 'wx', 0o600);
  }

  /** records written so far */
  get count(): number {
    return this.#count;
  }

  add(cell: CellRecord): void {
    if (this.#fd === null) throw new Error('cell spool: add after finish');
    if (this.#lent) throw new Error('cell spool: add while another thread writes it (lend … settle)');
    const line = JSON.stringify(cell) + '\n';
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

  /**
   * Lends the spool's file to another thread of this process (a production shift on a worker thread):
   * what this side buffered is written first, and the file's path is returned for a SpoolWriter there.
   * Until `settle` this side adds nothing; the caller must stop that thread before disposing the spool.
   */
  lend(): string {
    if (this.#fd === null) throw new Error('cell spool: lend after finish');
    if (this.#lent) throw new Error('cell spool: already lent');
    this.#flush();
    this.#lent = true;
    return this.#path;
  }

  /** the other thread finished and closed its SpoolWriter after writing `count` records */
  settle(count: number): void {
    if (!this.#lent) throw new Error('cell spool: settle without lend');
    if (!Number.isInteger(count) || count < 0) throw new Error(`cell spool: settle with ${count} records`);
    this.#lent = false;
    this.#count += count;
  }

  /** write what is buffered and close the file (the spool is then read-only) */
  finish(): void {
    if (this.#fd === null) return;
    if (this.#lent) throw new Error('cell spool: finish while another thread writes it (lend … settle)');
    this.#flush();
    closeSync(this.#fd);
    this.#fd = null;
  }

  /**
   * The records in chunks, from the first, each passed through `map` (e.g. to set the battery serial of
   * the cells a pack took); every call reads the file again from its start.
   */
  async *chunks(map: () => (c: CellRecord) => CellRecord = () => (c) => c): AsyncGenerator<CellRecord[]> {
    this.finish();
    const f = map();
    const rl = createInterface({ input: createReadStream(this.#path, { encoding: 'utf8' }), crlfDelay: Infinity });
    let chunk: CellRecord[] = [];
    try {
      for await (const line of rl) {
        if (line === '') continue;
        chunk.push(f(JSON.parse(line) as CellRecord));
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

  /** the spool as the store's streamed cells (RunRecordInput.cellStream) */
  stream(map?: () => (c: CellRecord) => CellRecord): { count: number; chunks: () => AsyncIterable<CellRecord[]> } {
    this.finish();
    return { count: this.#count, chunks: () => this.chunks(map) };
  }

  /** close and remove the spool (safe to call more than once) */
  dispose(): void {
    if (this.#fd !== null) {
      try {
        closeSync(this.#fd);
      } catch {
        /* already closed */
      }
      this.#fd = null;
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/**
 * Appends cell records to a spool lent to this thread (CellSpool.lend: its path), in the spool's format
 * (one JSON line each, 1 MB writes); `close()` writes the rest and returns how many it wrote, for
 * CellSpool.settle. Used by the production shift on a worker thread (src/cli/job-worker.ts).
 */
export class SpoolWriter {
  #fd: number | null;
  #buf: string[] = [];
  #bufBytes = 0;
  #count = 0;

  constructor(path: string) {
    this.#fd = openSync(path, 'a');
  }

  add(cell: CellRecord): void {
    if (this.#fd === null) throw new Error('spool writer: add after close');
    const line = JSON.stringify(cell) + '\n';
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
