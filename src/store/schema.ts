/**
 * Database schema of the run-history store: the Kysely table types and the ONE set of migrations
 * shared by SQLite and PostgreSQL (an in-code MigrationProvider; names sort in application order).
 *
 * Portability rules (both dialects run exactly the same DDL and queries):
 * - numbers are `double precision` (SQLite: REAL, 8-byte IEEE like JS numbers; PostgreSQL: float8,
 *   which node-postgres returns as a JS number) or `integer` (int4 in PG, returned as a number);
 *   never bigint (node-postgres returns int8 as a string);
 * - timestamps are ISO 8601 UTC text (sorts correctly, no driver Date conversion);
 * - booleans are integer 0/1; JSON documents are text (kept byte-exact, key order preserved).
 * Never edit a migration that has shipped: add a new one (older databases are migrated forward when
 * they are opened).
 */
import type { Kysely, Migration, MigrationProvider } from 'kysely';

export interface RecipesTable {
  hash: string; // sha256 hex of the submitted text (UTF-8)
  text: string;
  parsed_json: string;
  created_at: string;
}

export interface RunsTable {
  id: string;
  created_at: string;
  rollcell_version: string;
  recipe_hash: string;
  seed: number | null;
  status: string;
  output_json: string;
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
  // added by migration 0002 (default 0 for runs saved before it)
  n_cells: number;
  n_cycles: number;
  n_series: number;
}

export interface StationResultsTable {
  run_id: string;
  idx: number;
  station_id: string;
  force_N: number | null;
  temperature_C: number | null;
  peak_pressure_MPa: number | null;
  bonded: number | null;
  data_json: string;
}

export interface CellsTable {
  run_id: string;
  idx: number;
  serial: string;
  verdict: string;
  thickness_um: number | null;
  mass_g: number | null;
  capacity_mAh: number | null;
  specific_energy_Wh_kg: number | null;
  genealogy_json: string | null;
  data_json: string;
}

export interface CyclesTable {
  run_id: string;
  idx: number;
  cell_serial: string | null;
  cycle: number;
  charge_Ah: number;
  discharge_Ah: number;
  coulombic_efficiency: number | null;
  charge_Wh: number | null;
  discharge_Wh: number | null;
  data_json: string;
}

export interface TimeSeriesTable {
  run_id: string;
  idx: number;
  name: string;
  n_points: number;
  column_names: string; // JSON array of the column names, in order
  columns_json: string; // JSON object: column name → number[]
}

/** A study (sweep, solve, optimise): its definition and state; the points are in study_points. */
export interface StudiesTable {
  id: string; // deterministic: hash of recipe text, study definition, overrides and seed (re-running resumes it)
  created_at: string;
  updated_at: string;
  rollcell_version: string;
  kind: string; // 'sweep' | 'solve' | 'optimise'
  name: string;
  recipe_hash: string;
  study_text: string;
  study_json: string; // parsed study, overrides applied
  base_json: string; // recipe data every point starts from (YAML as parsed, --set applied)
  seed: number;
  design: string;
  columns_json: string; // JSON: {inputs: [...paths], outputs: [...columns]}
  n_points: number; // planned (sweeps); 0 for adaptive searches until they finish
  status: string; // 'running' | 'completed'
  summary_json: string | null; // sensitivity indices, solve answer, Pareto front
}

/** One point of a study: inputs, outputs (one cell per column) or the reason it failed. */
export interface StudyPointsTable {
  study_id: string;
  idx: number;
  status: string; // 'ok' | 'failed'
  seed: number;
  tag: string | null;
  inputs_json: string; // JSON array, in the order of columns_json.inputs
  outputs_json: string; // JSON array, in the order of columns_json.outputs
  error: string | null;
}

/**
 * Tries of a point by distributed workers that died while evaluating it (a crash, SIGKILL, out of
 * memory): a point whose worker died `retryLimit` times is recorded as failed ("poisoned") instead of
 * being tried again, so one bad point cannot block a study. Only retried shards write here.
 */
export interface StudyPointAttemptsTable {
  study_id: string;
  idx: number;
  attempts: number;
  last_try_at: string;
}

/** A production campaign (`rollcell run --campaign N`): its definition and joined summary. */
export interface CampaignsTable {
  id: string; // deterministic: hash of version, recipe text, seed and cells (re-running resumes it)
  created_at: string;
  updated_at: string;
  rollcell_version: string;
  recipe_hash: string;
  recipe_json: string; // the recipe every shard runs (as validated, overrides applied)
  seed: number;
  cells: number; // cell positions asked for
  shards: number;
  shard_length_m: number;
  status: string; // 'running' | 'completed'
  summary_json: string | null;
}

/** One shard of a campaign: its result (cells, SPC sums, rolls with campaign ids and lots, splices). */
export interface CampaignShardsTable {
  campaign_id: string;
  shard: number;
  result_json: string;
}

/**
 * One cell of a campaign with its genealogy (migration 0007): the campaign's parent roll ids per sheet
 * ('|'-joined when the cell spans a splice) with the MD position on the first, its lane and laminate
 * position, verdict and primary cause. Keyed by (campaign, shard, idx); a cell is found by its serial.
 */
export interface CampaignCellsTable {
  campaign_id: string;
  shard: number;
  idx: number;
  serial: string;
  lane: number;
  s_m: number;
  in_spec: number; // 0 | 1
  cause: string | null;
  fs_rolls: string;
  fs_md_m: number | null;
  al_rolls: string;
  al_md_m: number | null;
  lc_rolls: string;
  lc_md_m: number | null;
  splice: number; // 0 | 1
  anode_thickness_um: number | null;
  capacity_mAh: number | null;
}

export interface StoreDatabase {
  campaigns: CampaignsTable;
  campaign_cells: CampaignCellsTable;
  campaign_shards: CampaignShardsTable;
  studies: StudiesTable;
  study_points: StudyPointsTable;
  study_point_attempts: StudyPointAttemptsTable;
  recipes: RecipesTable;
  runs: RunsTable;
  station_results: StationResultsTable;
  cells: CellsTable;
  cycles: CyclesTable;
  time_series: TimeSeriesTable;
  recipe_versions: RecipeVersionsTable;
}

export interface RecipeVersionsTable {
  name: string;
  version: number;
  recipe_hash: string;
  created_at: string;
  note: string | null;
}

const DOUBLE = 'double precision' as const;

/* Migrations operate on an untyped database on purpose: they describe the schema as it was at the
   time they were written, not as it is now. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the tables as they were then, not today's typed schema
type AnyDb = Kysely<any>;

const m0001: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('recipes')
      .addColumn('hash', 'text', (c) => c.primaryKey())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('parsed_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('rollcell_version', 'text', (c) => c.notNull())
      .addColumn('recipe_hash', 'text', (c) => c.notNull().references('recipes.hash'))
      .addColumn('seed', DOUBLE)
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('output_json', 'text', (c) => c.notNull())
      .addColumn('cells_total', DOUBLE)
      .addColumn('cells_in_spec', DOUBLE)
      .addColumn('yield_pct', DOUBLE)
      .addColumn('specific_energy_Wh_kg', DOUBLE)
      .addColumn('energy_density_Wh_L', DOUBLE)
      .addColumn('np_ratio', DOUBLE)
      .addColumn('cell_thickness_um', DOUBLE)
      .addColumn('charge_capacity_mAh_g', DOUBLE)
      .addColumn('discharge_capacity_mAh_g', DOUBLE)
      .addColumn('coulombic_efficiency', DOUBLE)
      .addColumn('claims_met', 'integer')
      .addColumn('claims_total', 'integer')
      .execute();
    await db.schema.createIndex('runs_created_at_idx').on('runs').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('runs_recipe_hash_idx').on('runs').column('recipe_hash').execute();
    await db.schema
      .createTable('station_results')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('station_id', 'text', (c) => c.notNull())
      .addColumn('force_N', DOUBLE)
      .addColumn('temperature_C', DOUBLE)
      .addColumn('peak_pressure_MPa', DOUBLE)
      .addColumn('bonded', 'integer')
      .addColumn('data_json', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('station_results_pk', ['run_id', 'idx'])
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('station_results').execute();
    await db.schema.dropTable('runs').execute();
    await db.schema.dropTable('recipes').execute();
  },
};

const m0002: Migration = {
  async up(db: AnyDb) {
    for (const col of ['n_cells', 'n_cycles', 'n_series']) {
      await db.schema
        .alterTable('runs')
        .addColumn(col, 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    }
    await db.schema
      .createTable('cells')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('serial', 'text', (c) => c.notNull())
      .addColumn('verdict', 'text', (c) => c.notNull())
      .addColumn('thickness_um', DOUBLE)
      .addColumn('mass_g', DOUBLE)
      .addColumn('capacity_mAh', DOUBLE)
      .addColumn('specific_energy_Wh_kg', DOUBLE)
      .addColumn('genealogy_json', 'text')
      .addColumn('data_json', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('cells_pk', ['run_id', 'idx'])
      .execute();
    await db.schema.createIndex('cells_serial_idx').on('cells').columns(['run_id', 'serial']).execute();
    await db.schema
      .createTable('cycles')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('cell_serial', 'text')
      .addColumn('cycle', 'integer', (c) => c.notNull())
      .addColumn('charge_Ah', DOUBLE, (c) => c.notNull())
      .addColumn('discharge_Ah', DOUBLE, (c) => c.notNull())
      .addColumn('coulombic_efficiency', DOUBLE)
      .addColumn('charge_Wh', DOUBLE)
      .addColumn('discharge_Wh', DOUBLE)
      .addColumn('data_json', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('cycles_pk', ['run_id', 'idx'])
      .execute();
    await db.schema
      .createTable('time_series')
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('n_points', 'integer', (c) => c.notNull())
      .addColumn('column_names', 'text', (c) => c.notNull())
      .addColumn('columns_json', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('time_series_pk', ['run_id', 'idx'])
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('time_series').execute();
    await db.schema.dropTable('cycles').execute();
    await db.schema.dropTable('cells').execute();
    for (const col of ['n_series', 'n_cycles', 'n_cells']) {
      await db.schema.alterTable('runs').dropColumn(col).execute();
    }
  },
};

/** Named, versioned recipes (the dashboard's recipe store): name + version → the recipe text by hash. */
const m0003: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('recipe_versions')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('recipe_hash', 'text', (c) => c.notNull().references('recipes.hash'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addPrimaryKeyConstraint('recipe_versions_pk', ['name', 'version'])
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('recipe_versions').execute();
  },
};

/** Studies (sweep, solve, optimise) and their points. */
const m0004: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('studies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('rollcell_version', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('recipe_hash', 'text', (c) => c.notNull().references('recipes.hash'))
      .addColumn('study_text', 'text', (c) => c.notNull())
      .addColumn('study_json', 'text', (c) => c.notNull())
      .addColumn('base_json', 'text', (c) => c.notNull())
      .addColumn('seed', DOUBLE, (c) => c.notNull())
      .addColumn('design', 'text', (c) => c.notNull())
      .addColumn('columns_json', 'text', (c) => c.notNull())
      .addColumn('n_points', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('summary_json', 'text')
      .execute();
    await db.schema.createIndex('studies_created_at_idx').on('studies').columns(['created_at', 'id']).execute();
    await db.schema
      .createTable('study_points')
      .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id'))
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('seed', DOUBLE, (c) => c.notNull())
      .addColumn('tag', 'text')
      .addColumn('inputs_json', 'text', (c) => c.notNull())
      .addColumn('outputs_json', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('study_points_pk', ['study_id', 'idx'])
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('study_points').execute();
    await db.schema.dropTable('studies').execute();
  },
};

/** Tries of points by distributed workers (poisoned points, src/jobs/worker.ts). */
const m0005: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('study_point_attempts')
      .addColumn('study_id', 'text', (c) => c.notNull().references('studies.id'))
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_try_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('study_point_attempts_pk', ['study_id', 'idx'])
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('study_point_attempts').execute();
  },
};

/** Production campaigns and their shards (src/jobs/campaign.ts). */
const m0006: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('campaigns')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('rollcell_version', 'text', (c) => c.notNull())
      .addColumn('recipe_hash', 'text', (c) => c.notNull().references('recipes.hash'))
      .addColumn('recipe_json', 'text', (c) => c.notNull())
      .addColumn('seed', DOUBLE, (c) => c.notNull())
      .addColumn('cells', DOUBLE, (c) => c.notNull())
      .addColumn('shards', 'integer', (c) => c.notNull())
      .addColumn('shard_length_m', DOUBLE, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('summary_json', 'text')
      .execute();
    await db.schema
      .createTable('campaign_shards')
      .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id'))
      .addColumn('shard', 'integer', (c) => c.notNull())
      .addColumn('result_json', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('campaign_shards_pk', ['campaign_id', 'shard'])
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('campaign_shards').execute();
    await db.schema.dropTable('campaigns').execute();
  },
};

/** Per-cell genealogy of production campaigns (src/jobs/campaign.ts). */
const m0007: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('campaign_cells')
      .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id'))
      .addColumn('shard', 'integer', (c) => c.notNull())
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('serial', 'text', (c) => c.notNull())
      .addColumn('lane', 'integer', (c) => c.notNull())
      .addColumn('s_m', DOUBLE, (c) => c.notNull())
      .addColumn('in_spec', 'integer', (c) => c.notNull())
      .addColumn('cause', 'text')
      .addColumn('fs_rolls', 'text', (c) => c.notNull())
      .addColumn('fs_md_m', DOUBLE)
      .addColumn('al_rolls', 'text', (c) => c.notNull())
      .addColumn('al_md_m', DOUBLE)
      .addColumn('lc_rolls', 'text', (c) => c.notNull())
      .addColumn('lc_md_m', DOUBLE)
      .addColumn('splice', 'integer', (c) => c.notNull())
      .addColumn('anode_thickness_um', DOUBLE)
      .addColumn('capacity_mAh', DOUBLE)
      .addPrimaryKeyConstraint('campaign_cells_pk', ['campaign_id', 'shard', 'idx'])
      .execute();
    await db.schema
      .createIndex('campaign_cells_serial')
      .on('campaign_cells')
      .columns(['campaign_id', 'serial'])
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('campaign_cells').execute();
  },
};

/** All migrations, by name (applied in name order). */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_recipes_runs_stations': m0001,
  '0002_cells_cycles_time_series': m0002,
  '0003_recipe_versions': m0003,
  '0004_studies_points': m0004,
  '0005_study_point_attempts': m0005,
  '0006_campaigns': m0006,
  '0007_campaign_cells': m0007,
});

export const LATEST_MIGRATION = Object.keys(MIGRATIONS).sort().at(-1)!;

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};

/** Names of the tables the store owns (for tests and tooling). */
export const STORE_TABLES = [
  'recipes',
  'runs',
  'station_results',
  'cells',
  'cycles',
  'time_series',
  'recipe_versions',
  'studies',
  'study_points',
  'study_point_attempts',
  'campaigns',
  'campaign_shards',
  'campaign_cells',
] as const;
