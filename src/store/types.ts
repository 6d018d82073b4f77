/**
 * Public types of the run-history store (src/store/). Everything here is plain JSON-serialisable
 * data; units are in the field names (SI inside the physics, named units at this edge).
 */
import type { RunOutput, StationBlock } from '../contract.ts';
import type { StoreDatabase } from './schema.ts';

/** A cell's row as the store inserts it, less its run id and index (what a CellSpool keeps). */
export type CellRow = Omit<StoreDatabase['cells'], 'run_id' | 'idx'>;

export type { RunOutput };

export type { CellRecord, CycleRecord, JsonObject, JsonValue } from './records.ts';
import type { CellRecord, CycleRecord } from './records.ts';

/** Run status. `completed`: the pipeline finished; `failed`: it stopped with an error (output may be partial). */
export type RunStatus = 'completed' | 'failed';

/** A named time series in columnar form, e.g. {name: "cycle-1", columns: {t_s: […], voltage_V: […]}}. */
export interface TimeSeriesRecord {
  name: string;
  /** Column name (with unit) → values; all columns have the same length. */
  columns: Record<string, number[]>;
}

/** What `store.saveRun` takes. */
export interface RunRecordInput {
  /** The recipe exactly as submitted (YAML/JSON text). */
  recipeText: string;
  /** The parsed recipe (plain JSON). */
  recipe: unknown;
  /** RNG seed of the run (an integer), or null when none was used. */
  seed: number | null;
  /** The full result JSON of `rollcell run --json`. */
  output: RunOutput;
  cells?: CellRecord[];
  /**
   * The cells of a long production run, streamed instead of `cells` (never both): `count` records, read
   * in chunks from `chunks()` inside the save's transaction — or `count` rows already checked and
   * serialised by `prepareCellRow` (a CellSpool's `stream()`), from `rows()`. The function is called again
   * when the save is retried, so it must start from the first cell each time (e.g. read a spool file:
   * ./spool.ts).
   */
  cellStream?:
    | { count: number; chunks: () => AsyncIterable<CellRecord[]> }
    | { count: number; rows: () => AsyncIterable<CellRow[]> };
  cycles?: CycleRecord[];
  timeSeries?: TimeSeriesRecord[];
  /** Defaults to 'completed'. */
  status?: RunStatus;
  /**
   * Run id to use (must not exist yet). Defaults to a fresh `newRunId()`. The CLI should create the
   * id with `newRunId()` first, put it into `output.run_id`, and pass it here so both agree.
   */
  runId?: string;
  /** Creation time; defaults to now. */
  createdAt?: Date;
}

/** Progress of a `saveRun`, reported between batches (inside the transaction). */
export interface SaveProgress {
  phase: 'recipe' | 'run' | 'stations' | 'cells' | 'cycles' | 'time_series' | 'commit';
  done: number;
  total: number;
}

export interface SaveOptions {
  /**
   * Called between batches, inside the open transaction; `saveRun` awaits a returned promise
   * (used by the CLI for a progress bar and by the durability tests to hold a transaction open).
   */
  onProgress?: (p: SaveProgress) => void | Promise<void>;
  /**
   * An earlier attempt at this very run (its own id) may have committed, e.g. a staged save whose commit
   * failed without an answer (a connection lost during COMMIT): a run with this id already stored is that
   * attempt's, and the save does nothing (otherwise an existing id is a 'duplicate' error).
   */
  mayExist?: boolean;
}

/** What a staged save starts with (Store.beginRun): the run's id and its recipe. */
export interface StagedRunHead {
  runId: string;
  /** The recipe exactly as submitted. */
  recipeText: string;
  /** The parsed recipe (plain JSON). */
  recipe: unknown;
}

/**
 * A run saved in stages (Store.beginRun) on one connection in ONE open write transaction: its cells first,
 * while the rest of the run is still being computed, then the rest of its rows and the run row's content
 * (`commit`) in the same transaction, which commits them all. Until then no reader sees any of it, and a
 * process that dies or a stage that fails leaves nothing (SQLite and PostgreSQL roll the transaction back).
 * SQLite: the transaction holds the database's write lock from beginRun to commit/abort (other writers
 * wait, up to SQLITE_BUSY_TIMEOUT_MS; readers are not blocked).
 */
export interface StagedRun {
  readonly runId: string;
  /** cells staged so far */
  readonly cells: number;
  /** appends the rows (already checked and serialised by `prepareCellRow`) after those staged before */
  addCells(rows: AsyncIterable<CellRow[]>): Promise<void>;
  /**
   * the run's other rows (its stations, cycles, time series and the run row's content: `prepareRunRows` of
   * the same run, checked on the caller's side) and COMMIT; refused (and rolled back) when they are not
   * this run's, or when its cell count differs from the cells staged
   */
  commit(rows: PreparedRunRows): Promise<void>;
  /** rolls everything back (safe to call more than once, and after a failed commit) */
  abort(): Promise<void>;
}

/** A run's rows but its cells (prepareRunRows): built and checked before they are written. */
export interface PreparedRunRows {
  id: string;
  recipeHash: string;
  recipeRow: StoreDatabase['recipes'];
  runRow: StoreDatabase['runs'];
  stations: StoreDatabase['station_results'][];
  cycles: StoreDatabase['cycles'][];
  series: StoreDatabase['time_series'][];
}

/** Summary columns of a run (for lists and queries); null where the output lacks the field. */
export interface RunSummaryFigures {
  cells_total: number | null;
  cells_in_spec: number | null;
  yield_pct: number | null;
  specific_energy_Wh_kg: number | null;
  energy_density_Wh_L: number | null;
  np_ratio: number | null;
  cell_thickness_um: number | null;
  charge_capacity_mAh_g: number | null;
  discharge_capacity_mAh_g: number | null;
  coulombic_efficiency: number | null;
  claims_met: number | null;
  claims_total: number | null;
}

/** One row of `listRuns`. */
export interface RunSummary extends RunSummaryFigures {
  id: string;
  /** ISO 8601 UTC. */
  created_at: string;
  rollcell_version: string;
  recipe_hash: string;
  seed: number | null;
  status: RunStatus;
  n_cells: number;
  n_cycles: number;
  n_series: number;
}

export interface StationResultRecord {
  station_id: string;
  force_N: number | null;
  temperature_C: number | null;
  peak_pressure_MPa: number | null;
  bonded: boolean | null;
  /** The station block as in the output (`line.stations[i]`, stored as given). */
  data: StationBlock;
}

/** What `getRun` returns. */
export interface StoredRun extends RunSummary {
  recipe: { hash: string; text: string; parsed: unknown };
  output: RunOutput;
  stations: StationResultRecord[];
}

/** What `exportRun` returns: everything about one run, as one JSON document. */
export interface RunExport {
  format: 'rollcell-run-export';
  format_version: 1;
  run: RunSummary;
  recipe: { hash: string; text: string; parsed: unknown };
  output: RunOutput;
  stations: StationResultRecord[];
  cells: CellRecord[];
  cycles: CycleRecord[];
  time_series: TimeSeriesRecord[];
}

/** A changed numeric leaf. `delta_pct` is null when the old value is 0. */
export interface NumericChange {
  path: string;
  old: number;
  new: number;
  delta: number;
  delta_pct: number | null;
}

/** A changed non-numeric leaf (or a leaf whose type changed). */
export interface ValueChange {
  path: string;
  old: unknown;
  new: unknown;
}

export interface JsonDiff {
  numeric: NumericChange[];
  changed: ValueChange[];
  /** Paths present in b only, with b's value. */
  added: { path: string; value: unknown }[];
  /** Paths present in a only, with a's value. */
  removed: { path: string; value: unknown }[];
}

/** What `diffRuns(a, b)` returns: b relative to a. */
export interface RunDiff {
  a: RunSummary;
  b: RunSummary;
  same_recipe: boolean;
  output: JsonDiff;
  recipe: JsonDiff;
}

export interface ListRunsOptions {
  /** Most recent first; default 50. */
  limit?: number;
}

export type StoreDialect = 'sqlite' | 'postgres';

/** One stored version of a named recipe. */
export interface RecipeVersion {
  name: string;
  /** 1, 2, 3, … per name */
  version: number;
  hash: string;
  /** ISO 8601 UTC */
  created_at: string;
  note: string | null;
}

/** A named recipe with its newest version. */
export interface RecipeEntry extends RecipeVersion {
  versions: number;
}

export interface ListCellsOptions {
  /** first cell index (0-based, in production order); default 0 */
  offset?: number;
  /** default: all */
  limit?: number;
  /**
   * only the cells whose serial contains this text (case-sensitive); offset and limit then count the
   * matching cells, in production order
   */
  serialContains?: string;
}

/** What `deleteRun` / `pruneRuns` removed. */
export interface DeleteResult {
  runs: string[];
  cells: number;
  cycles: number;
  time_series: number;
  /** recipe texts no remaining run or named recipe version used */
  recipes: number;
}

export interface Store {
  readonly dialect: StoreDialect;
  /** The spec it was opened with, password masked. */
  readonly spec: string;
  saveRun(input: RunRecordInput, options?: SaveOptions): Promise<string>;
  /**
   * Starts a staged save of a new run (StagedRun): the recipe row and the run's id are written in an open
   * write transaction on a connection of its own; the cells follow (`addCells`), the rest at `commit`. A run
   * with this id already stored is a 'duplicate' StoreError.
   */
  beginRun(head: StagedRunHead): Promise<StagedRun>;
  listRuns(options?: ListRunsOptions): Promise<RunSummary[]>;
  /** Accepts a full id or a unique prefix (case-insensitive). */
  getRun(idOrPrefix: string): Promise<StoredRun>;
  /** Resolve a full id or unique prefix to the full id. */
  resolveRunId(idOrPrefix: string): Promise<string>;
  diffRuns(a: string, b: string): Promise<RunDiff>;
  exportRun(idOrPrefix: string): Promise<RunExport>;
  /** Deletes a run (an id prefix is enough) with its cells, cycles, series and station results. */
  deleteRun(idOrPrefix: string): Promise<DeleteResult>;
  /** Deletes all but the newest `keep` runs (0: all). */
  pruneRuns(keep: number): Promise<DeleteResult>;
  /** The cells of a run in production order (full records as saved). */
  listCells(idOrPrefix: string, options?: ListCellsOptions): Promise<CellRecord[]>;
  /** How many cells a run has (with `serialContains`: how many of them match). */
  countCells(idOrPrefix: string, options?: Pick<ListCellsOptions, 'serialContains'>): Promise<number>;
  /** One cell of a run by serial, or null. */
  getCell(idOrPrefix: string, serial: string): Promise<CellRecord | null>;
  /** The cycles of a run. */
  listCycles(idOrPrefix: string): Promise<CycleRecord[]>;
  /** The time series of a run (all, or the one named). */
  getTimeSeries(idOrPrefix: string, name?: string): Promise<TimeSeriesRecord[]>;
  /**
   * Store a version of a named recipe: a new version when the text differs from the newest one, else
   * the newest version unchanged (`created: false`). The text must already be valid (the caller checks).
   */
  saveRecipeVersion(input: {
    name: string;
    text: string;
    parsed: unknown;
    note?: string;
  }): Promise<RecipeVersion & { created: boolean }>;
  /** Named recipes, newest change first. */
  listRecipes(): Promise<RecipeEntry[]>;
  /** The versions of one named recipe, newest first (empty when the name is unknown). */
  listRecipeVersions(name: string): Promise<RecipeVersion[]>;
  /** One version (newest when omitted) with its text, or null. */
  getRecipeVersion(name: string, version?: number): Promise<(RecipeVersion & { text: string; parsed: unknown }) | null>;
  close(): Promise<void>;
}
