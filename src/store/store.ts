/**
 * The run-history store: one Kysely query layer over SQLite (better-sqlite3, default) or
 * PostgreSQL (pg), one set of migrations (./schema.ts).
 *
 * Durability and concurrency:
 * - a run (recipe, run row, stations, cells, cycles, time series) is written in ONE transaction:
 *   a process killed mid-write leaves no trace of that run, and readers never see part of it;
 * - SQLite: WAL journal (readers do not block the writer and see the last committed state),
 *   synchronous=FULL (a committed run survives power loss), busy_timeout so a second writer waits
 *   for the first; writes start with BEGIN IMMEDIATE (take the write lock up front: no deadlock
 *   between two deferred transactions upgrading to write), reads run in one deferred transaction
 *   (one snapshot);
 * - PostgreSQL: a plain transaction per run; reads run in a REPEATABLE READ, READ ONLY transaction;
 * - migrations run under a lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: Kysely's advisory lock), so
 *   two processes opening a fresh database at once both succeed; an older database is migrated
 *   forward when opened; a database written by a newer rollcell is refused (not modified).
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { runExportHead } from './run-export.ts';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import { StoreError } from './errors.ts';
import { RUN_IDS, findByIdPrefix } from './id-prefix.ts';
import { cellRecordFieldsOk, cellRecordSchema, checkRecord, cycleRecordSchema } from './records.ts';
import { problem, ProblemError } from '../problems.ts';
import { diffJson } from './diff.ts';
import { newRunId } from './ids.ts';
import { migrationProvider, MIGRATIONS, type StoreDatabase, type RunsTable } from './schema.ts';
import { parseDbSpec, type DbSpec } from './spec.ts';
import { isTransient, whatToFix, withRetries } from './faults.ts';
import { runOutputSchema, type StationBlock } from '../contract.ts';
import { zodProblems } from '../recipe/zod-problems.ts';
import type {
  DeleteResult,
  CellRecord,
  CellRow,
  CycleRecord,
  ListCellsOptions,
  ListRunsOptions,
  PreparedRunRows,
  RecipeEntry,
  RecipeVersion,
  RunDiff,
  RunExport,
  RunOutput,
  RunRecordInput,
  RunStatus,
  RunSummary,
  SaveOptions,
  SaveProgress,
  StagedRun,
  StagedRunHead,
  StationResultRecord,
  Store,
  StoreDialect,
  StoredRun,
  TimeSeriesRecord,
} from './types.ts';

/** How long a SQLite writer waits for another process's write transaction, ms (assumption: a 50 000-cell run commits in well under this). */
export const SQLITE_BUSY_TIMEOUT_MS = 120_000;
/** Upper bound on bound parameters per INSERT (SQLite's default limit is 32 766, PostgreSQL's 65 535). */
const MAX_PARAMS_PER_STATEMENT = 30_000;
const MAX_ROWS_PER_STATEMENT = 1_000;

type Db = Kysely<StoreDatabase>;

/* ------------------------------------------------------------------ helpers */

function describeError(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) return e.errors.map(describeError).join('; ');
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const msg = e.message || String(code ?? e.name);
    return typeof code === 'string' && !msg.includes(code) ? `${msg} (${code})` : msg;
  }
  return String(e);
}

/** JSON.stringify that refuses values JSON cannot hold exactly (NaN, ±Infinity, undefined in arrays, functions, bigint). */
export function strictJson(value: unknown, what: string): string {
  const check = (v: unknown, path: string): void => {
    switch (typeof v) {
      case 'number':
        if (!Number.isFinite(v)) {
          throw problem(
            path,
            'must be a finite number',
            String(v),
            'finite numbers, JSON cannot store NaN or Infinity',
          );
        }
        return;
      case 'string':
      case 'boolean':
        return;
      case 'bigint':
      case 'function':
      case 'symbol':
        throw problem(
          path,
          'cannot be stored as JSON',
          `a ${typeof v}`,
          'numbers, strings, booleans, null, arrays, objects',
        );
      case 'undefined':
        return; // dropped by JSON for object members, like JSON.stringify does
      default:
        if (v === null) return;
        if (Array.isArray(v)) {
          v.forEach((x, i) => {
            if (x === undefined) throw problem(`${path}[${i}]`, 'undefined array element', 'undefined', 'JSON values');
            check(x, `${path}[${i}]`);
          });
          return;
        }
        if (v instanceof Date) return;
        if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return;
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) check(x, `${path}.${k}`);
    }
  };
  // the walk that names the bad path builds a path string per value: run it only when the quick walk
  // finds something JSON cannot hold (the saved cells of a long shift are checked value by value)
  if (!jsonSafe(value)) check(value, what);
  const s = JSON.stringify(value);
  if (s === undefined) throw problem(what, 'is not JSON-serialisable', typeof value, 'a JSON value');
  return s;
}

/** whether strictJson's check would pass `v` (no NaN/Infinity, bigint, function, symbol, undefined array element) */
function jsonSafe(v: unknown): boolean {
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v);
    case 'string':
    case 'boolean':
    case 'undefined':
      return true;
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const x: unknown = v[i];
          if (x === undefined || !jsonSafe(x)) return false;
        }
        return true;
      }
      if (v instanceof Date || typeof (v as { toJSON?: unknown }).toJSON === 'function') return true;
      const o = v as Record<string, unknown>;
      for (const k in o) if (Object.hasOwn(o, k) && !jsonSafe(o[k])) return false;
      return true;
    }
    default:
      return false;
  }
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function summaryFigures(
  output: RunOutput,
): Pick<
  RunsTable,
  | 'cells_total'
  | 'cells_in_spec'
  | 'yield_pct'
  | 'specific_energy_Wh_kg'
  | 'energy_density_Wh_L'
  | 'np_ratio'
  | 'cell_thickness_um'
  | 'charge_capacity_mAh_g'
  | 'discharge_capacity_mAh_g'
  | 'coulombic_efficiency'
  | 'claims_met'
  | 'claims_total'
> {
  const design = obj(output.design);
  const production = obj(output.production);
  const cycling = obj(output.cycling);
  const claims = Array.isArray(output.claims) ? output.claims : null;
  return {
    cells_total: num(production?.cells_total),
    cells_in_spec: num(production?.cells_in_spec),
    yield_pct: num(production?.yield_pct),
    specific_energy_Wh_kg: num(design?.specific_energy_Wh_kg),
    energy_density_Wh_L: num(design?.energy_density_Wh_L),
    np_ratio: num(design?.np_ratio),
    cell_thickness_um: num(obj(design?.cell)?.thickness_um),
    charge_capacity_mAh_g: num(cycling?.charge_capacity_mAh_g),
    discharge_capacity_mAh_g: num(cycling?.discharge_capacity_mAh_g),
    coulombic_efficiency: num(cycling?.coulombic_efficiency),
    claims_met: claims ? claims.filter((c) => obj(c)?.verdict === 'met').length : null,
    claims_total: claims ? claims.length : null,
  };
}

const RUN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Rows of one run, built and checked before the transaction starts (keeps the transaction short). */
interface PreparedRun extends PreparedRunRows {
  cells: StoreDatabase['cells'][];
}

/**
 * A run's rows but its cells, built and checked as saveRun checks them (a bad field is the same
 * ProblemError): the last stage of a staged save (StagedRun.commit). The cells are given as a
 * `cellStream` whose count becomes the run's n_cells (they were staged before); `cells` must be absent.
 */
export function prepareRunRows(input: RunRecordInput): PreparedRunRows {
  if (input?.cells !== undefined && input.cells.length > 0)
    throw problem(
      'cells',
      'a staged save takes its cells before, not with the run',
      `${input.cells.length} cells`,
      'none',
    );
  const { cells: _none, ...rows } = prepareRun(input);
  return rows;
}

/**
 * A run's output checked against the output contract (src/contract.ts, the schema of `rollcell run --json`)
 * before anything is written: a block or field the contract does not name, a missing one, a value of the
 * wrong type or out of its range is a ProblemError naming each path (`output.line.crack.sandwiched.risk`),
 * the value and what is allowed, and the run is not stored (the check runs before the transaction opens).
 * What the store keeps, the API serves as `storedRunSchema`'s output and `rollcell runs export` writes.
 */
function checkOutputContract(out: unknown): void {
  const r = runOutputSchema.safeParse(out);
  if (!r.success)
    throw new ProblemError(
      zodProblems(r.error, out, runOutputSchema, 'output', 20, {
        see: 'the output contract (rollcell schema --output)',
      })
        .slice(0, 20)
        .map((p) => ({ ...p, problem: `${p.problem} (output contract); the run was not stored` })),
    );
}

function prepareRun(input: RunRecordInput): PreparedRun {
  if (typeof input !== 'object' || input === null) {
    throw problem(
      'saveRun',
      'input must be an object',
      input === null ? 'null' : typeof input,
      'a RunRecordInput object',
    );
  }
  if (typeof input.recipeText !== 'string') {
    throw problem('recipeText', 'must be the recipe text as submitted', typeof input.recipeText, 'a string');
  }
  if (input.recipe === undefined) {
    throw problem('recipe', 'the parsed recipe is missing', 'undefined', 'a JSON object');
  }
  const out = input.output;
  if (obj(out) === undefined) {
    throw problem(
      'output',
      'must be the RunOutput object of rollcell run --json',
      out === null ? 'null' : typeof out,
      'an object',
    );
  }
  if (typeof out.rollcell_version !== 'string' || out.rollcell_version === '') {
    throw problem(
      'output.rollcell_version',
      'must be a non-empty string',
      JSON.stringify(out.rollcell_version) ?? 'undefined',
      'a version string such as 0.3.0',
    );
  }
  const seed = input.seed;
  if (seed !== null && (typeof seed !== 'number' || !Number.isSafeInteger(seed))) {
    throw problem('seed', 'must be an integer or null', JSON.stringify(seed) ?? String(seed), 'safe integers');
  }
  const status: RunStatus = input.status ?? 'completed';
  if (status !== 'completed' && status !== 'failed') {
    throw problem('status', "must be 'completed' or 'failed'", String(JSON.stringify(status)), "'completed', 'failed'");
  }
  const id = input.runId ?? newRunId();
  if (typeof id !== 'string' || !RUN_ID_RE.test(id)) {
    throw problem(
      'runId',
      "must be 1-64 characters of letters, digits, '_', '.', '-'",
      String(JSON.stringify(id)),
      '1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit',
    );
  }
  const created = input.createdAt ?? new Date();
  if (!(created instanceof Date) || Number.isNaN(created.getTime())) {
    throw problem('createdAt', 'must be a valid Date', String(created), 'a Date with a valid time');
  }
  const createdAt = created.toISOString();

  const outputJson = strictJson(out, 'output');
  checkOutputContract(out);
  const recipeJson = strictJson(input.recipe, 'recipe');
  const recipeHash = sha256Hex(input.recipeText);

  const stationsIn = Array.isArray(obj(out.line)?.stations) ? (obj(out.line)!.stations as unknown[]) : [];
  const stations = stationsIn.map((st, idx) => {
    const s = obj(st) ?? {};
    const bonded = s.bonded;
    return {
      run_id: id,
      idx,
      station_id: String(s.id ?? idx),
      force_N: num(s.force_N),
      temperature_C: num(s.temperature_C),
      peak_pressure_MPa: num(s.peak_pressure_MPa),
      bonded: typeof bonded === 'boolean' ? (bonded ? 1 : 0) : null,
      data_json: JSON.stringify(st),
    };
  });

  const cellsIn = input.cells ?? [];
  if (!Array.isArray(cellsIn)) throw problem('cells', 'must be an array of cell records', typeof cellsIn, 'an array');
  const cells = cellsIn.map((c, idx) => prepareCell(id, c, idx));
  const streamed = input.cellStream;
  if (streamed !== undefined) {
    if (cellsIn.length > 0)
      throw problem(
        'cellStream',
        'give the cells either as cells or as cellStream, not both',
        `${cellsIn.length} cells and a cellStream`,
        'cells or cellStream',
      );
    const fn = 'rows' in streamed ? streamed.rows : streamed.chunks;
    if (!Number.isSafeInteger(streamed.count) || streamed.count < 0 || typeof fn !== 'function')
      throw problem(
        'cellStream',
        'must be { count, chunks }',
        `count ${JSON.stringify(streamed.count)}`,
        'an integer >= 0 and a function',
      );
  }

  const cyclesIn = input.cycles ?? [];
  if (!Array.isArray(cyclesIn))
    throw problem('cycles', 'must be an array of cycle records', typeof cyclesIn, 'an array');
  const cycles = cyclesIn.map((c, idx) => {
    const path = `cycles[${idx}]`;
    checkRecord(cycleRecordSchema, c, path);
    const charge = c.charge_Ah;
    const discharge = c.discharge_Ah;
    let ce = c.coulombic_efficiency ?? null;
    if (ce === null && charge > 0) ce = discharge / charge;
    return {
      run_id: id,
      idx,
      cell_serial: c.cell_serial ?? null,
      cycle: c.cycle,
      charge_Ah: charge,
      discharge_Ah: discharge,
      coulombic_efficiency: ce,
      charge_Wh: c.charge_Wh ?? null,
      discharge_Wh: c.discharge_Wh ?? null,
      data_json: strictJson(c, path),
    };
  });

  const seriesIn = input.timeSeries ?? [];
  if (!Array.isArray(seriesIn)) throw problem('timeSeries', 'must be an array', typeof seriesIn, 'an array');
  const names = new Set<string>();
  const series = seriesIn.map((ts, idx) => {
    const path = `timeSeries[${idx}]`;
    if (typeof ts?.name !== 'string' || ts.name === '') {
      throw problem(
        `${path}.name`,
        'must be a non-empty string',
        JSON.stringify(ts?.name) ?? 'undefined',
        'a non-empty string',
      );
    }
    if (names.has(ts.name)) throw problem(`${path}.name`, 'duplicate series name', `'${ts.name}'`, 'unique names');
    names.add(ts.name);
    const cols = obj(ts.columns);
    if (cols === undefined)
      throw problem(`${path}.columns`, 'must be an object of column name → number[]', typeof ts.columns, 'an object');
    let n: number | null = null;
    for (const [k, arr] of Object.entries(cols)) {
      if (!Array.isArray(arr) && !(ArrayBuffer.isView(arr) && !(arr instanceof DataView))) {
        throw problem(
          `${path}.columns.${k}`,
          'must be an array of numbers',
          typeof arr,
          'an array or typed array of numbers',
        );
      }
      const len = (arr as ArrayLike<number>).length;
      if (n !== null && len !== n) {
        throw problem(
          `${path}.columns.${k}`,
          `length ${len} differs from the other columns (${n}); all columns must have the same length`,
          `${len} values`,
          `${n} values`,
        );
      }
      n = len;
    }
    const plain: Record<string, number[]> = {};
    for (const [k, arr] of Object.entries(cols)) plain[k] = Array.from(arr as ArrayLike<number>);
    return {
      run_id: id,
      idx,
      name: ts.name,
      n_points: n ?? 0,
      column_names: JSON.stringify(Object.keys(plain)),
      columns_json: strictJson(plain, `${path}.columns`),
    };
  });

  return {
    id,
    recipeHash,
    recipeRow: { hash: recipeHash, text: input.recipeText, parsed_json: recipeJson, created_at: createdAt },
    runRow: {
      id,
      created_at: createdAt,
      rollcell_version: out.rollcell_version,
      recipe_hash: recipeHash,
      seed,
      status,
      output_json: outputJson,
      ...summaryFigures(out),
      n_cells: streamed ? streamed.count : cells.length,
      n_cycles: cycles.length,
      n_series: series.length,
    },
    stations,
    cells,
    cycles,
    series,
  };
}

/** One cell record → its row (validated; the whole record is kept as JSON). */
function prepareCell(id: string, c: CellRecord, idx: number): StoreDatabase['cells'] {
  return { run_id: id, idx, ...prepareCellRow(c, idx) };
}

/** A cell record checked and turned into its row (`cells[idx]` names a bad field), as saveRun does. */
export function prepareCellRow(c: CellRecord, idx: number): CellRow {
  const path = `cells[${idx}]`;
  // the plain check first (a long shift saves every cell); a record it refuses gets the schema's named Problem
  if (!cellRecordFieldsOk(c)) checkRecord(cellRecordSchema, c, path);
  // one walk of the whole record (its genealogy with it) for what JSON cannot hold; a record that fails it, or
  // a value JSON.stringify leaves out, goes through strictJson part by part, which names the bad path
  const whole = jsonSafe(c);
  const g = c.genealogy;
  const gJson =
    g !== undefined && whole && Object.prototype.propertyIsEnumerable.call(c, 'genealogy')
      ? JSON.stringify(g)
      : undefined;
  return {
    serial: c.serial,
    verdict: c.verdict,
    thickness_um: c.thickness_um ?? null,
    mass_g: c.mass_g ?? null,
    capacity_mAh: c.capacity_mAh ?? null,
    specific_energy_Wh_kg: c.specific_energy_Wh_kg ?? null,
    genealogy_json: g === undefined ? null : (gJson ?? strictJson(g, `${path}.genealogy`)),
    data_json: (whole ? JSON.stringify(c) : undefined) ?? strictJson(c, path),
  };
}

const SUMMARY_COLUMNS = [
  'runs.id',
  'runs.created_at',
  'runs.rollcell_version',
  'runs.recipe_hash',
  'runs.seed',
  'runs.status',
  'runs.cells_total',
  'runs.cells_in_spec',
  'runs.yield_pct',
  'runs.specific_energy_Wh_kg',
  'runs.energy_density_Wh_L',
  'runs.np_ratio',
  'runs.cell_thickness_um',
  'runs.charge_capacity_mAh_g',
  'runs.discharge_capacity_mAh_g',
  'runs.coulombic_efficiency',
  'runs.claims_met',
  'runs.claims_total',
  'runs.n_cells',
  'runs.n_cycles',
  'runs.n_series',
] as const;

type SummaryRow = Omit<RunsTable, 'output_json'>;

function toSummary(r: SummaryRow): RunSummary {
  return {
    id: r.id,
    created_at: r.created_at,
    rollcell_version: r.rollcell_version,
    recipe_hash: r.recipe_hash,
    seed: r.seed === null ? null : Number(r.seed),
    status: r.status as RunStatus,
    cells_total: r.cells_total,
    cells_in_spec: r.cells_in_spec,
    yield_pct: r.yield_pct,
    specific_energy_Wh_kg: r.specific_energy_Wh_kg,
    energy_density_Wh_L: r.energy_density_Wh_L,
    np_ratio: r.np_ratio,
    cell_thickness_um: r.cell_thickness_um,
    charge_capacity_mAh_g: r.charge_capacity_mAh_g,
    discharge_capacity_mAh_g: r.discharge_capacity_mAh_g,
    coulombic_efficiency: r.coulombic_efficiency,
    claims_met: r.claims_met === null ? null : Number(r.claims_met),
    claims_total: r.claims_total === null ? null : Number(r.claims_total),
    n_cells: Number(r.n_cells),
    n_cycles: Number(r.n_cycles),
    n_series: Number(r.n_series),
  };
}

function toStation(r: StoreDatabase['station_results']): StationResultRecord {
  return {
    station_id: r.station_id,
    force_N: r.force_N,
    temperature_C: r.temperature_C,
    peak_pressure_MPa: r.peak_pressure_MPa,
    bonded: r.bonded === null ? null : Number(r.bonded) !== 0,
    data: JSON.parse(r.data_json) as StationBlock,
  };
}

/* ------------------------------------------------------------------ store */

class KyselyStore implements Store {
  readonly dialect: StoreDialect;
  readonly spec: string;
  readonly #db: Db;
  #closed = false;

  constructor(dialect: StoreDialect, spec: string, db: Db) {
    this.dialect = dialect;
    this.spec = spec;
    this.#db = db;
  }

  /** The Kysely instance (for tests and tooling in this folder). */
  get kysely(): Db {
    this.#check();
    return this.#db;
  }

  #check(): void {
    if (this.#closed) throw new StoreError('open_failed', `store ${this.spec} is closed`);
  }

  /** Run fn in one write transaction on one reserved connection. */
  async #write<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    this.#check();
    return this.#db.connection().execute(async (conn) => {
      await sql.raw(this.dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
      let result: T;
      try {
        result = await fn(conn);
      } catch (e) {
        try {
          await sql.raw('rollback').execute(conn);
        } catch {
          /* the original error matters more */
        }
        throw e;
      }
      await sql.raw('commit').execute(conn);
      return result;
    });
  }

  /**
   * One write transaction held open on one reserved connection across calls (a staged save): `conn` runs
   * its statements, `end(true)` commits, `end(false)` rolls back (and a failed commit is rolled back).
   */
  async #hold(): Promise<{ conn: Db; end: (commit: boolean) => Promise<void> }> {
    this.#check();
    let decide!: (commit: boolean) => void;
    const decision = new Promise<boolean>((r) => (decide = r));
    let opened!: (conn: Db) => void;
    let notOpened!: (e: unknown) => void;
    const connection = new Promise<Db>((resolve, reject) => {
      opened = resolve;
      notOpened = reject;
    });
    const done = this.#db.connection().execute(async (conn) => {
      await sql.raw(this.dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
      opened(conn);
      if (await decision) {
        try {
          await sql.raw('commit').execute(conn);
          return;
        } catch (e) {
          await sql
            .raw('rollback')
            .execute(conn)
            .catch(() => {});
          throw e;
        }
      }
      await sql.raw('rollback').execute(conn);
    });
    // a BEGIN that fails ends the transaction before it opened
    done.catch(notOpened);
    const conn = await connection;
    let ended: Promise<void> | null = null;
    return {
      conn,
      end: (commit) => {
        if (!ended) {
          decide(commit);
          ended = done;
        }
        return ended;
      },
    };
  }

  /** Run fn in one read-only snapshot (all its queries see the same committed state). */
  async #read<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    this.#check();
    return withRetries(() => this.#readOnce(fn));
  }

  async #readOnce<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return this.#db.connection().execute(async (conn) => {
      await sql
        .raw(this.dialect === 'sqlite' ? 'begin' : 'begin transaction isolation level repeatable read, read only')
        .execute(conn);
      try {
        const r = await fn(conn);
        await sql.raw('commit').execute(conn);
        return r;
      } catch (e) {
        try {
          await sql.raw('rollback').execute(conn);
        } catch {
          /* ignore */
        }
        throw e;
      }
    });
  }

  async saveRun(input: RunRecordInput, options: SaveOptions = {}): Promise<string> {
    const p = prepareRun(input);
    const progress = async (phase: SaveProgress['phase'], done: number, total: number) => {
      if (options.onProgress) await options.onProgress({ phase, done, total });
    };
    try {
      // one transaction, run again after a back-off when it fails transiently (a server restart, a
      // dropped connection): it either commits or leaves nothing, so running it again is safe
      await withRetries((attempt) =>
        this.#write(async (db) => {
          await insertRecipe(db, p.recipeRow);
          await progress('recipe', 1, 1);
          // a retry after a connection lost during COMMIT: the run may have landed; its id is ours alone
          if (await this.#runExists(db, p.id, attempt > 1 || options.mayExist === true)) return;
          await db.insertInto('runs').values(p.runRow).execute();
          await progress('run', 1, 1);
          await insertStations(db, p, progress);
          await insertBatched(db, 'cells', p.cells, 10, (d, t) => progress('cells', d, t));
          if (input.cellStream) {
            // streamed cells (a long production run): read again from their source on every attempt, in chunks
            const cs = input.cellStream;
            const total = cs.count;
            // prepared rows (a CellSpool's: checked and serialised as the line made them) or records
            let n = 0;
            const source: AsyncIterable<CellRow[]> =
              'rows' in cs ? cs.rows() : mapChunks(cs.chunks(), (c) => prepareCellRow(c, n++));
            const idx = await insertCellRows(db, p.id, 0, source, total, (d) => progress('cells', d, total));
            if (idx !== total)
              throw problem(
                'cellStream',
                `gave ${idx} cells, not its count; the run was not stored`,
                `${idx} cells`,
                `exactly its count, ${total}`,
              );
          }
          await insertCyclesAndSeries(db, p, progress);
          await progress('commit', 0, 1);
        }),
      );
    } catch (e) {
      throw this.#saveError(e, p.id);
    }
    return p.id;
  }

  /** a failed save's error: a StoreError or ProblemError as it is, else a StoreError saying what to fix */
  #saveError(e: unknown, id: string): Error {
    if (e instanceof StoreError || e instanceof ProblemError) return e;
    const fix = whatToFix(e);
    return new StoreError(
      fix || isTransient(e) ? 'unavailable' : 'open_failed',
      `--db: saving run ${id} to ${this.spec} failed` +
        (fix ? `: ${fix}` : isTransient(e) ? ' after retries: the database kept failing' : '') +
        `; the run was not stored (got ${describeError(e)}; allowed a database that accepts the write: fix it and run again)`,
      { cause: e },
    );
  }

  /** whether a run with this id is stored: true only when `ours` (an earlier attempt at it), else a 'duplicate' error */
  async #runExists(db: Db, id: string, ours: boolean): Promise<boolean> {
    const existing = await db.selectFrom('runs').select('id').where('id', '=', id).executeTakeFirst();
    if (existing && ours) return true;
    if (existing)
      throw new StoreError('duplicate', `runId: run '${id}' already exists in ${this.spec} (allowed a new id)`);
    return false;
  }

  async beginRun(head: StagedRunHead): Promise<StagedRun> {
    const id = head?.runId;
    if (typeof id !== 'string' || !RUN_ID_RE.test(id))
      throw problem(
        'runId',
        "must be 1-64 characters of letters, digits, '_', '.', '-'",
        String(JSON.stringify(id)),
        '1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit',
      );
    if (typeof head.recipeText !== 'string')
      throw problem('recipeText', 'must be the recipe text as submitted', typeof head.recipeText, 'a string');
    const recipeHash = sha256Hex(head.recipeText);
    const createdAt = new Date().toISOString();
    const recipeRow = {
      hash: recipeHash,
      text: head.recipeText,
      parsed_json: strictJson(head.recipe, 'recipe'),
      created_at: createdAt,
    };
    const held = await this.#hold();
    const { conn } = held;
    let cells = 0;
    let over = false;
    // one stage at a time on the connection (a commit waits for the cells being added)
    let queue: Promise<unknown> = Promise.resolve();
    const serial = <T>(f: () => Promise<T>): Promise<T> => {
      const r = queue.then(f);
      queue = r.catch(() => {});
      return r;
    };
    const fail = async (e: unknown): Promise<never> => {
      over = true;
      await held.end(false).catch(() => {});
      throw this.#saveError(e, id);
    };
    try {
      await insertRecipe(conn, recipeRow);
      await this.#runExists(conn, id, false);
      // the run's row, its content written at commit (the same transaction: no reader sees it before);
      // the cells' rows refer to it
      await conn
        .insertInto('runs')
        .values({
          id,
          created_at: createdAt,
          rollcell_version: '',
          recipe_hash: recipeHash,
          seed: null,
          status: 'failed',
          output_json: '{}',
          ...summaryFigures({} as RunOutput),
          n_cells: 0,
          n_cycles: 0,
          n_series: 0,
        })
        .execute();
    } catch (e) {
      return fail(e);
    }
    return {
      runId: id,
      get cells() {
        return cells;
      },
      addCells: (rows) =>
        serial(async () => {
          if (over) throw new Error(`staged run ${id}: addCells after its end`);
          try {
            cells = await insertCellRows(conn, id, cells, rows, Infinity, async () => {});
          } catch (e) {
            return fail(e);
          }
        }),
      commit: (p) =>
        serial(async () => {
          if (over) throw new Error(`staged run ${id}: commit after its end`);
          try {
            if (p.id !== id || p.recipeHash !== recipeHash)
              throw new Error(`staged run ${id}: the rows given at commit are run ${p.id}'s`);
            if (p.runRow.n_cells !== cells)
              throw problem(
                'cellStream',
                `gave ${cells} cells, not its count; the run was not stored`,
                `${cells} cells`,
                `exactly its count, ${p.runRow.n_cells}`,
              );
            const quiet = async (): Promise<void> => {};
            await insertStations(conn, p, quiet);
            await insertCyclesAndSeries(conn, p, quiet);
            const { id: _id, ...content } = p.runRow;
            await conn.updateTable('runs').set(content).where('id', '=', id).execute();
          } catch (e) {
            return fail(e);
          }
          over = true;
          try {
            await held.end(true);
          } catch (e) {
            throw this.#saveError(e, id);
          }
        }),
      abort: async () => {
        if (over) return;
        over = true;
        await held.end(false);
      },
    };
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunSummary[]> {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1) {
      throw problem('limit', 'must be a positive integer', String(limit), '>= 1');
    }
    this.#check();
    const rows = await this.#db
      .selectFrom('runs')
      .select(SUMMARY_COLUMNS)
      .orderBy('runs.created_at', 'desc')
      .orderBy('runs.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toSummary);
  }

  /** a run id or a unique prefix of one (either case: run ids are upper case) → the id (store/id-prefix.ts) */
  #resolve(db: Db, idOrPrefix: string): Promise<string> {
    return findByIdPrefix(RUN_IDS, idOrPrefix, this.spec, async (forms, limit) => {
      // the exact id first (an indexed lookup), else the ids with the prefix
      const exact = await db.selectFrom('runs').select('id').where('id', 'in', forms).execute();
      if (exact.length === 1) return exact;
      return db
        .selectFrom('runs')
        .select('id')
        .where(sql<string>`substr(${sql.ref('id')}, 1, ${sql.lit(forms[0]!.length)})`, 'in', forms)
        .orderBy('id')
        .limit(limit)
        .execute();
    });
  }

  async resolveRunId(idOrPrefix: string): Promise<string> {
    return this.#read((db) => this.#resolve(db, idOrPrefix));
  }

  async #getRun(db: Db, idOrPrefix: string): Promise<StoredRun> {
    const id = await this.#resolve(db, idOrPrefix);
    const r = await db
      .selectFrom('runs')
      .innerJoin('recipes', 'recipes.hash', 'runs.recipe_hash')
      .select([
        ...SUMMARY_COLUMNS,
        'runs.output_json',
        'recipes.text as recipe_text',
        'recipes.parsed_json as recipe_json',
      ])
      .where('runs.id', '=', id)
      .executeTakeFirstOrThrow();
    const stations = await db
      .selectFrom('station_results')
      .selectAll()
      .where('run_id', '=', id)
      .orderBy('idx')
      .execute();
    return {
      ...toSummary(r),
      recipe: { hash: r.recipe_hash, text: r.recipe_text, parsed: JSON.parse(r.recipe_json) as unknown },
      output: JSON.parse(r.output_json) as RunOutput,
      stations: stations.map(toStation),
    };
  }

  async getRun(idOrPrefix: string): Promise<StoredRun> {
    return this.#read((db) => this.#getRun(db, idOrPrefix));
  }

  async diffRuns(a: string, b: string): Promise<RunDiff> {
    const [ra, rb] = await this.#read(async (db) => [await this.#getRun(db, a), await this.#getRun(db, b)] as const);
    const strip = (r: StoredRun) => {
      const { recipe: _r, output: _o, stations: _s, ...summary } = r;
      return summary;
    };
    return {
      a: strip(ra),
      b: strip(rb),
      same_recipe: ra.recipe_hash === rb.recipe_hash,
      output: diffJson(ra.output, rb.output, { ignore: ['run_id'] }),
      recipe: diffJson(ra.recipe.parsed, rb.recipe.parsed),
    };
  }

  async exportRun(idOrPrefix: string): Promise<RunExport> {
    return this.#read(async (db) => {
      const run = await this.#getRun(db, idOrPrefix);
      const cells = await db
        .selectFrom('cells')
        .select('data_json')
        .where('run_id', '=', run.id)
        .orderBy('idx')
        .execute();
      const cycles = await db
        .selectFrom('cycles')
        .select('data_json')
        .where('run_id', '=', run.id)
        .orderBy('idx')
        .execute();
      const series = await db
        .selectFrom('time_series')
        .select(['name', 'columns_json'])
        .where('run_id', '=', run.id)
        .orderBy('idx')
        .execute();
      return {
        ...runExportHead(run),
        cells: cells.map((c) => JSON.parse(c.data_json) as CellRecord),
        cycles: cycles.map((c) => JSON.parse(c.data_json) as CycleRecord),
        time_series: series.map((s): TimeSeriesRecord => ({
          name: s.name,
          columns: JSON.parse(s.columns_json) as Record<string, number[]>,
        })),
      };
    });
  }

  async deleteRun(idOrPrefix: string): Promise<DeleteResult> {
    return this.#write(async (db) => {
      const id = await this.#resolve(db, idOrPrefix);
      return this.#deleteIds(db, [id]);
    });
  }

  async pruneRuns(keep: number): Promise<DeleteResult> {
    if (!Number.isInteger(keep) || keep < 0)
      throw problem('keep', 'must be an integer >= 0', String(keep), '0, 1, 2, …');
    return this.#write(async (db) => {
      const all = await db
        .selectFrom('runs')
        .select('id')
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return this.#deleteIds(
        db,
        all.slice(keep).map((r) => r.id),
      );
    });
  }

  /** deletes runs with everything they own; recipe texts no run or named version uses any more go too */
  async #deleteIds(db: Db, ids: string[]): Promise<DeleteResult> {
    const out: DeleteResult = { runs: [], cells: 0, cycles: 0, time_series: 0, recipes: 0 };
    for (let i = 0; i < ids.length; i += 200) {
      const chunk = ids.slice(i, i + 200);
      const hashes = (await db.selectFrom('runs').select('recipe_hash').where('id', 'in', chunk).execute()).map(
        (r) => r.recipe_hash,
      );
      for (const [table, key] of [
        ['cells', 'cells'],
        ['cycles', 'cycles'],
        ['time_series', 'time_series'],
      ] as const) {
        const r = await db.deleteFrom(table).where('run_id', 'in', chunk).executeTakeFirst();
        out[key] += Number(r.numDeletedRows);
      }
      await db.deleteFrom('station_results').where('run_id', 'in', chunk).execute();
      await db.deleteFrom('runs').where('id', 'in', chunk).execute();
      out.runs.push(...chunk);
      const unused = [...new Set(hashes)];
      if (unused.length) {
        const r = await db
          .deleteFrom('recipes')
          .where('hash', 'in', unused)
          .where('hash', 'not in', db.selectFrom('runs').select('recipe_hash'))
          .where('hash', 'not in', db.selectFrom('recipe_versions').select('recipe_hash'))
          .executeTakeFirst();
        out.recipes += Number(r.numDeletedRows);
      }
    }
    return out;
  }

  async listCells(idOrPrefix: string, options: ListCellsOptions = {}): Promise<CellRecord[]> {
    const offset = options.offset ?? 0;
    const limit = options.limit;
    if (!Number.isInteger(offset) || offset < 0)
      throw problem('offset', 'must be an integer >= 0', String(offset), '0, 1, 2, …');
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
      throw problem('limit', 'must be a positive integer', String(limit), '>= 1');
    return this.#read(async (db) => {
      const id = await this.#resolve(db, idOrPrefix);
      const part = options.serialContains;
      if (part === undefined || part === '') {
        let q = db
          .selectFrom('cells')
          .select('data_json')
          .where('run_id', '=', id)
          .where('idx', '>=', offset)
          .orderBy('idx');
        if (limit !== undefined) q = q.where('idx', '<', offset + limit);
        const rows = await q.execute();
        return rows.map((r) => JSON.parse(r.data_json) as CellRecord);
      }
      let q = db
        .selectFrom('cells')
        .select('data_json')
        .where('run_id', '=', id)
        .where(this.#serialContains(part))
        .orderBy('idx')
        .offset(offset);
      if (limit !== undefined) q = q.limit(limit);
      const rows = await q.execute();
      return rows.map((r) => JSON.parse(r.data_json) as CellRecord);
    });
  }

  async countCells(idOrPrefix: string, options: Pick<ListCellsOptions, 'serialContains'> = {}): Promise<number> {
    return this.#read(async (db) => {
      const id = await this.#resolve(db, idOrPrefix);
      const part = options.serialContains;
      let q = db
        .selectFrom('cells')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('run_id', '=', id);
      if (part !== undefined && part !== '') q = q.where(this.#serialContains(part));
      const r = await q.executeTakeFirst();
      return Number(r?.n ?? 0);
    });
  }

  /** serial contains `part` (plain text, case-sensitive: no LIKE wildcards) */
  #serialContains(part: string) {
    return this.dialect === 'sqlite'
      ? sql<boolean>`instr(serial, ${part}) > 0`
      : sql<boolean>`strpos(serial, ${part}) > 0`;
  }

  async getCell(idOrPrefix: string, serial: string): Promise<CellRecord | null> {
    return this.#read(async (db) => {
      const id = await this.#resolve(db, idOrPrefix);
      const r = await db
        .selectFrom('cells')
        .select('data_json')
        .where('run_id', '=', id)
        .where('serial', '=', serial)
        .executeTakeFirst();
      return r ? (JSON.parse(r.data_json) as CellRecord) : null;
    });
  }

  async listCycles(idOrPrefix: string): Promise<CycleRecord[]> {
    return this.#read(async (db) => {
      const id = await this.#resolve(db, idOrPrefix);
      const rows = await db.selectFrom('cycles').select('data_json').where('run_id', '=', id).orderBy('idx').execute();
      return rows.map((r) => JSON.parse(r.data_json) as CycleRecord);
    });
  }

  async getTimeSeries(idOrPrefix: string, name?: string): Promise<TimeSeriesRecord[]> {
    return this.#read(async (db) => {
      const id = await this.#resolve(db, idOrPrefix);
      let q = db.selectFrom('time_series').select(['name', 'columns_json']).where('run_id', '=', id);
      if (name !== undefined) q = q.where('name', '=', name);
      const rows = await q.orderBy('idx').execute();
      return rows.map((s) => ({ name: s.name, columns: JSON.parse(s.columns_json) as Record<string, number[]> }));
    });
  }

  async saveRecipeVersion(input: {
    name: string;
    text: string;
    parsed: unknown;
    note?: string;
  }): Promise<RecipeVersion & { created: boolean }> {
    if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 200)
      throw problem(
        'name',
        'must be a non-empty name of at most 200 characters',
        String(JSON.stringify(input.name)),
        '1-200 characters',
      );
    if (typeof input.text !== 'string') throw problem('text', 'must be the recipe text', typeof input.text, 'a string');
    const name = input.name.trim();
    const hash = sha256Hex(input.text);
    const parsedJson = strictJson(input.parsed, 'recipe');
    const createdAt = new Date().toISOString();
    const note = input.note ?? null;
    return this.#write(async (db) => {
      await db
        .insertInto('recipes')
        .values({ hash, text: input.text, parsed_json: parsedJson, created_at: createdAt })
        .onConflict((oc) => oc.column('hash').doNothing())
        .execute();
      const last = await db
        .selectFrom('recipe_versions')
        .selectAll()
        .where('name', '=', name)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (last && last.recipe_hash === hash)
        return {
          name,
          version: Number(last.version),
          hash,
          created_at: last.created_at,
          note: last.note,
          created: false,
        };
      const version = last ? Number(last.version) + 1 : 1;
      await db
        .insertInto('recipe_versions')
        .values({ name, version, recipe_hash: hash, created_at: createdAt, note })
        .execute();
      return { name, version, hash, created_at: createdAt, note, created: true };
    });
  }

  async listRecipes(): Promise<RecipeEntry[]> {
    return this.#read(async (db) => {
      const rows = await db.selectFrom('recipe_versions').selectAll().orderBy('name').orderBy('version').execute();
      const by = new Map<string, RecipeEntry>();
      for (const r of rows)
        by.set(r.name, {
          name: r.name,
          version: Number(r.version),
          hash: r.recipe_hash,
          created_at: r.created_at,
          note: r.note,
          versions: (by.get(r.name)?.versions ?? 0) + 1,
        });
      return [...by.values()].sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
    });
  }

  async listRecipeVersions(name: string): Promise<RecipeVersion[]> {
    return this.#read(async (db) => {
      const rows = await db
        .selectFrom('recipe_versions')
        .selectAll()
        .where('name', '=', name)
        .orderBy('version', 'desc')
        .execute();
      return rows.map((r) => ({
        name: r.name,
        version: Number(r.version),
        hash: r.recipe_hash,
        created_at: r.created_at,
        note: r.note,
      }));
    });
  }

  async getRecipeVersion(
    name: string,
    version?: number,
  ): Promise<(RecipeVersion & { text: string; parsed: unknown }) | null> {
    return this.#read(async (db) => {
      let q = db
        .selectFrom('recipe_versions')
        .innerJoin('recipes', 'recipes.hash', 'recipe_versions.recipe_hash')
        .select([
          'recipe_versions.name',
          'recipe_versions.version',
          'recipe_versions.recipe_hash',
          'recipe_versions.created_at',
          'recipe_versions.note',
          'recipes.text',
          'recipes.parsed_json',
        ])
        .where('recipe_versions.name', '=', name);
      if (version !== undefined) q = q.where('recipe_versions.version', '=', version);
      const r = await q.orderBy('recipe_versions.version', 'desc').limit(1).executeTakeFirst();
      if (!r) return null;
      return {
        name: r.name,
        version: Number(r.version),
        hash: r.recipe_hash,
        created_at: r.created_at,
        note: r.note,
        text: r.text,
        parsed: JSON.parse(r.parsed_json) as unknown,
      };
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.destroy();
  }
}

type BatchTable = 'station_results' | 'cells' | 'cycles';

async function* mapChunks<A, B>(src: AsyncIterable<A[]>, f: (a: A) => B): AsyncGenerator<B[]> {
  for await (const chunk of src) yield chunk.map(f);
}

async function insertBatched<T extends BatchTable>(
  db: Db | Transaction<StoreDatabase>,
  table: T,
  rows: StoreDatabase[T][],
  columns: number,
  onBatch: (done: number, total: number) => Promise<void>,
): Promise<void> {
  const size = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS_PER_STATEMENT / columns)));
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    // the row types of the three tables are distinct; Kysely cannot relate a generic T to its insert type
    await db
      .insertInto(table)
      .values(chunk as never)
      .execute();
    await onBatch(Math.min(i + size, rows.length), rows.length);
  }
}

/** the run's recipe row, kept when the same recipe text is stored already */
async function insertRecipe(db: Db, row: StoreDatabase['recipes']): Promise<void> {
  await db
    .insertInto('recipes')
    .values(row)
    .onConflict((oc) => oc.column('hash').doNothing())
    .execute();
}

/**
 * Streamed cell rows into the run's cells from index `first` on, in order; stops after more than `max`
 * rows (a source giving more than its count); returns the index after the last row inserted.
 */
async function insertCellRows(
  db: Db,
  id: string,
  first: number,
  source: AsyncIterable<CellRow[]>,
  max: number,
  onChunk: (done: number) => Promise<void>,
): Promise<number> {
  let idx = first;
  for await (const chunk of source) {
    const rows = chunk.map((r) => ({ run_id: id, idx: idx++, ...r }));
    await insertBatched(db, 'cells', rows, 10, async () => {});
    await onChunk(idx);
    if (idx > max) break;
  }
  return idx;
}

type SaveStage = (phase: SaveProgress['phase'], done: number, total: number) => Promise<void>;

/** the run's station results */
async function insertStations(db: Db, p: PreparedRunRows, progress: SaveStage): Promise<void> {
  await insertBatched(db, 'station_results', p.stations, 8, (d, t) => progress('stations', d, t));
}

/** the run's cycles and time series (after its cells) */
async function insertCyclesAndSeries(db: Db, p: PreparedRunRows, progress: SaveStage): Promise<void> {
  await insertBatched(db, 'cycles', p.cycles, 10, (d, t) => progress('cycles', d, t));
  for (let i = 0; i < p.series.length; i++) {
    await db.insertInto('time_series').values(p.series[i]!).execute();
    await progress('time_series', i + 1, p.series.length);
  }
}

/* ------------------------------------------------------------------ open + migrate */

async function executedMigrations(db: Db, dialect: StoreDialect, schema: string): Promise<string[] | null> {
  // null: no migration table yet (fresh database)
  const exists =
    dialect === 'sqlite'
      ? await sql<{
          n: number;
        }>`select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db)
      : await sql<{
          n: number;
        }>`select cast(count(*) as integer) as n from information_schema.tables where table_schema = ${schema} and table_name = 'kysely_migration'`.execute(
          db,
        );
  if (Number(exists.rows[0]?.n ?? 0) === 0) return null;
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

function checkNotNewer(executed: string[] | null, display: string): void {
  const unknown = (executed ?? []).filter((n) => !Object.hasOwn(MIGRATIONS, n));
  if (unknown.length > 0) {
    throw new StoreError(
      'newer_schema',
      `--db: the database was written by a newer rollcell (unknown schema migration ${unknown.join(', ')}); ` +
        `it was not modified (got '${display}'; allowed a database of this rollcell version or older: upgrade rollcell)`,
    );
  }
}

async function migrate(db: Db, dialect: StoreDialect, schema: string, display: string): Promise<void> {
  const before = await executedMigrations(db, dialect, schema);
  checkNotNewer(before, display);
  const all = Object.keys(MIGRATIONS);
  if (before !== null && all.every((n) => before.includes(n))) return; // up to date: no lock needed
  if (dialect === 'sqlite') {
    await db.connection().execute(async (conn) => {
      await sql.raw('begin immediate').execute(conn);
      try {
        // another process may have migrated while we waited for the lock
        checkNotNewer(await executedMigrations(conn, dialect, schema), display);
        // Kysely's SQLite adapter has no cross-process lock and runs migrations without a
        // transaction; the BEGIN IMMEDIATE above provides both
        const m = new Migrator({ db: conn, provider: migrationProvider, disableTransactions: true });
        const res = await m.migrateToLatest();
        if (res.error) throw res.error;
        await sql.raw('commit').execute(conn);
      } catch (e) {
        try {
          await sql.raw('rollback').execute(conn);
        } catch {
          /* ignore */
        }
        throw e;
      }
    });
  } else {
    // PostgreSQL: Kysely's Migrator takes an advisory lock and runs all pending migrations in one transaction
    const res = await new Migrator({ db, provider: migrationProvider, migrationTableSchema: schema }).migrateToLatest();
    if (res.error) throw res.error;
  }
}

/**
 * Refuses a damaged SQLite file before anything is written to it (not even the journal mode): SQLite's
 * `PRAGMA quick_check` reads every page of every table and index (O(file size): ≈ 0.1 s per 100 MB;
 * measured in bench/store-open.bench.ts) and finds zeroed or torn pages, broken b-trees and bad records.
 * It skips only the UNIQUE/index-content cross-check of `integrity_check`, which costs O(N log N).
 */
export function checkIntegrity(raw: Database.Database, display: string): void {
  let problems: string[];
  try {
    problems = (raw.pragma('quick_check(10)') as { quick_check: string }[]).map((r) => String(r.quick_check));
  } catch (e) {
    problems = [describeError(e)];
  }
  if (problems.length === 1 && problems[0] === 'ok') return;
  raw.close();
  const notDb = problems.some((x) => /not a database|file is encrypted/i.test(x));
  if (notDb)
    throw new StoreError(
      'unavailable',
      `--db: the file is not a SQLite database; it was not modified (got '${display}': ${problems[0]}; ` +
        'allowed a rollcell SQLite database, or a path where a new one is made)',
    );
  const details = problems
    .map((x) =>
      x
        .replace(/\*\*\* in database \w+ \*\*\*/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((x) => x !== '');
  throw new StoreError(
    'corrupt',
    `--db: database '${display}' is damaged; it was not modified ` +
      `(got ${details.slice(0, 3).join('; ')}${details.length > 3 ? '; …' : ''}; ` +
      `allowed an undamaged SQLite file: restore it from a backup, or recover what is readable with ` +
      `\`sqlite3 '${display}' .recover\` into a new file)`,
  );
}

function openSqlite(spec: Extract<DbSpec, { kind: 'sqlite' }>, integrityCheck = true): Db {
  let raw: Database.Database;
  try {
    raw = new Database(spec.path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  } catch (e) {
    throw new StoreError(
      'unavailable',
      `--db: cannot open the SQLite file (got '${spec.display}': ${describeError(e)}; ` +
        'allowed a readable and writable SQLite file, or a new path in a writable directory)',
      { cause: e },
    );
  }
  raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  if (spec.path !== ':memory:' && integrityCheck) checkIntegrity(raw, spec.display);
  try {
    if (spec.path !== ':memory:') {
      const mode = raw.pragma('journal_mode = WAL', { simple: true });
      if (String(mode).toLowerCase() !== 'wal') {
        throw new Error(`could not switch to WAL journal mode (got ${String(mode)})`);
      }
    }
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = ON');
  } catch (e) {
    raw.close();
    const msg = describeError(e);
    const hint = /not a database|file is encrypted/i.test(msg) ? ' (the file is not a SQLite database)' : '';
    throw new StoreError(
      'unavailable',
      `--db: cannot use the SQLite file${hint} (got '${spec.display}': ${msg}; allowed a rollcell SQLite database on a local file system)`,
      { cause: e },
    );
  }
  return new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: raw }) });
}

async function openPostgres(spec: Extract<DbSpec, { kind: 'postgres' }>): Promise<Db> {
  // loaded only for a PostgreSQL store: a SQLite run (the default) does not pay for it
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: spec.connectionString,
    max: 4,
    options: `-c search_path=${spec.schema}`,
    application_name: 'rollcell',
    connectionTimeoutMillis: 15_000,
  });
  // idle clients can be cut by the server (restart, admin); without a listener that would crash the process
  pool.on('error', () => {});
  // so can a client checked out between two queries (a restart mid-save: EPIPE, ECONNRESET): the next
  // query fails with the error and the transaction is run again; the event itself must not crash us
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    // create the schema if needed; concurrent creators can race on the catalog's unique index
    await withRetries(
      async () => {
        for (let attempt = 0; ; attempt++) {
          try {
            await sql`create schema if not exists ${sql.id(spec.schema)}`.execute(db);
            break;
          } catch (e) {
            const code = (e as { code?: string }).code;
            if ((code === '23505' || code === '42P06') && attempt < 3) continue;
            throw e;
          }
        }
      },
      { attempts: 3, firstDelay_ms: 200 },
    );
  } catch (e) {
    await db.destroy().catch(() => {});
    const fix = whatToFix(e);
    throw new StoreError(
      fix ? 'unavailable' : 'open_failed',
      `--db: cannot connect to PostgreSQL${fix ? `: ${fix}` : ''} (got '${spec.display}': ${describeError(e)}; ` +
        'allowed a reachable PostgreSQL server and database)',
      { cause: e },
    );
  }
  return db;
}

export interface OpenOptions {
  /**
   * SQLite: refuse a damaged file before anything is written, not even the journal mode (default
   * true; tools that only inspect a file may turn it off). `PRAGMA quick_check` reads every page once:
   * its cost grows with the file (figures from `npm run bench:store-open` in the README).
   */
  integrityCheck?: boolean;
}

/**
 * Open (and create or migrate forward) the run-history database named by `dbSpec`: a SQLite file
 * path (default `./rollcell.db`) or a `postgres://…` URL (optional `?schema=name`).
 */
export async function openStore(dbSpec: string, options: OpenOptions = {}): Promise<Store> {
  const spec = parseDbSpec(dbSpec);
  const db = spec.kind === 'sqlite' ? openSqlite(spec, options.integrityCheck ?? true) : await openPostgres(spec);
  const schema = spec.kind === 'postgres' ? spec.schema : 'main';
  try {
    await migrate(db, spec.kind, schema, spec.display);
  } catch (e) {
    await db.destroy().catch(() => {});
    if (e instanceof StoreError) throw e;
    const msg = describeError(e);
    const hint = /not a database|file is encrypted/i.test(msg) ? ' (the file is not a SQLite database)' : '';
    const fix = whatToFix(e);
    throw new StoreError(
      spec.kind === 'sqlite' || fix ? 'unavailable' : 'open_failed',
      `--db: cannot open the database${hint}${fix && !hint ? `: ${fix}` : ''} (got '${spec.display}': ${msg}; allowed ` +
        `${spec.kind === 'sqlite' ? 'a rollcell SQLite database, or a new path' : 'a reachable PostgreSQL database rollcell may write to'})`,
      { cause: e },
    );
  }
  return new KyselyStore(spec.kind, spec.display, db);
}

/**
 * A Kysely connection to the database named by `dbSpec` WITHOUT migrating it (tests and tooling
 * only: e.g. to build an old-schema database, or to inspect one). Close it with `destroy()`.
 */
export async function connectKysely(dbSpec: string): Promise<Kysely<StoreDatabase>> {
  const spec = parseDbSpec(dbSpec);
  return spec.kind === 'sqlite' ? openSqlite(spec) : openPostgres(spec);
}

/** The Kysely instance behind a store opened by openStore (tests and tooling only). */
export function storeKysely(store: Store): Kysely<StoreDatabase> {
  if (!(store instanceof KyselyStore)) throw new TypeError('storeKysely: not a store opened by openStore');
  return store.kysely;
}
