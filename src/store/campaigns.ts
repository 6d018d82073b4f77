/**
 * Production campaigns in the run-history database (tables `campaigns` and `campaign_shards`,
 * migration 0006; `campaign_cells`, migration 0007): one row per campaign, one per finished shard keyed
 * by (campaign id, shard), one per cell with its genealogy. A shard and its cells are written in one
 * transaction, and only when the shard row is new (`insert … on conflict do nothing`): a shard run twice
 * leaves one row and one set of cells.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CampaignCellsTable, StoreDatabase } from './schema.ts';
import { sha256Hex, storeKysely, strictJson } from './store.ts';
import type { Store } from './types.ts';
import { CAMPAIGN_IDS, findByIdPrefix } from './id-prefix.ts';

export interface CampaignDefinition {
  id: string;
  rollcellVersion: string;
  recipeText: string;
  recipe: unknown;
  seed: number;
  cells: number;
  shards: number;
  shardLength_m: number;
}

/** A cell of a campaign with its genealogy, as stored (the campaign's roll ids and positions). */
export interface CampaignCellRow {
  shard: number;
  idx: number;
  serial: string;
  lane: number;
  s_m: number;
  in_spec: boolean;
  cause: string | null;
  rolls: { first_sheet: string; al_sheet: string; third_sheet: string };
  md_m: { first_sheet: number | null; al_sheet: number | null; third_sheet: number | null };
  splice: boolean;
  anode_thickness_um: number | null;
  capacity_mAh: number | null;
}

export interface CampaignListRow {
  id: string;
  created_at: string;
  updated_at: string;
  cells: number;
  shards: number;
  shards_done: number;
  status: string;
  seed: number;
}

const CELLS_PER_INSERT = 1000;
const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

function cellOf(r: Selectable<CampaignCellsTable>): CampaignCellRow {
  const n = (x: number | string | null): number | null => (x === null ? null : Number(x));
  return {
    shard: Number(r.shard),
    idx: Number(r.idx),
    serial: r.serial,
    lane: Number(r.lane),
    s_m: Number(r.s_m),
    in_spec: Number(r.in_spec) === 1,
    cause: r.cause,
    rolls: { first_sheet: r.fs_rolls, al_sheet: r.al_rolls, third_sheet: r.lc_rolls },
    md_m: { first_sheet: n(r.fs_md_m), al_sheet: n(r.al_md_m), third_sheet: n(r.lc_md_m) },
    splice: Number(r.splice) === 1,
    anode_thickness_um: n(r.anode_thickness_um),
    capacity_mAh: n(r.capacity_mAh),
  };
}

/** the cells' input to saveShard (structurally the campaign engine's CampaignCell) */
export interface CampaignCellInput {
  shard: number;
  idx: number;
  serial: string;
  lane: number;
  s_m: number;
  in_spec: boolean;
  cause: string | null;
  rolls: { first_sheet: string; al_sheet: string; third_sheet: string };
  md_m: { first_sheet: number; al_sheet: number; third_sheet: number };
  splice: boolean;
  anode_thickness_um: number;
  capacity_mAh: number;
}

export interface StoredCampaign {
  id: string;
  rollcell_version: string;
  recipe_text: string;
  /** the recipe every shard runs (plain JSON) */
  recipe: unknown;
  seed: number;
  cells: number;
  shards: number;
  shard_length_m: number;
  status: string;
  summary: unknown;
}

/** A deterministic campaign id: the same recipe, seed, cells and version give the same id (and resume). */
export function campaignId(parts: readonly string[]): string {
  return `c${sha256Hex(parts.join('\u0000')).slice(0, 15)}`;
}

export class CampaignStore {
  readonly #db: Kysely<StoreDatabase>;
  /** the database, as messages name it */
  readonly spec: string;

  constructor(store: Store) {
    this.#db = storeKysely(store);
    this.spec = store.spec;
  }

  /** Creates the campaign or finds it; returns the shards already stored. */
  async begin(def: CampaignDefinition): Promise<{ created: boolean; done: Set<number> }> {
    const now = new Date().toISOString();
    const hash = sha256Hex(def.recipeText);
    const created = await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('recipes')
        .values({ hash, text: def.recipeText, parsed_json: strictJson(def.recipe, 'recipe'), created_at: now })
        .onConflict((oc) => oc.column('hash').doNothing())
        .execute();
      const r = await trx
        .insertInto('campaigns')
        .values({
          id: def.id,
          created_at: now,
          updated_at: now,
          rollcell_version: def.rollcellVersion,
          recipe_hash: hash,
          recipe_json: strictJson(def.recipe, 'recipe'),
          seed: def.seed,
          cells: def.cells,
          shards: def.shards,
          shard_length_m: def.shardLength_m,
          status: 'running',
          summary_json: null,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    });
    const rows = await this.#db
      .selectFrom('campaign_shards')
      .select('shard')
      .where('campaign_id', '=', def.id)
      .execute();
    return { created, done: new Set(rows.map((r) => Number(r.shard))) };
  }

  async get(id: string): Promise<StoredCampaign> {
    const r = await this.#db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const rec = await this.#db
      .selectFrom('recipes')
      .select('text')
      .where('hash', '=', r.recipe_hash)
      .executeTakeFirstOrThrow();
    return {
      id: r.id,
      rollcell_version: r.rollcell_version,
      recipe_text: rec.text,
      recipe: JSON.parse(r.recipe_json) as unknown,
      seed: Number(r.seed),
      cells: Number(r.cells),
      shards: Number(r.shards),
      shard_length_m: Number(r.shard_length_m),
      status: r.status,
      summary: r.summary_json === null ? null : (JSON.parse(r.summary_json) as unknown),
    };
  }

  /**
   * A campaign by its id or an unambiguous id prefix (case-insensitive: campaign ids are lower case), as the
   * runs' and studies' lookups: StoreError 'not_found', or 'ambiguous' naming the campaigns the prefix matches.
   */
  async find(idOrPrefix: string): Promise<StoredCampaign> {
    const id = await findByIdPrefix(CAMPAIGN_IDS, idOrPrefix, this.spec, (forms, limit) =>
      this.#db
        .selectFrom('campaigns')
        .select('id')
        .where(sql<string>`substr(${sql.ref('id')}, 1, ${sql.lit(forms[0]!.length)})`, 'in', forms)
        .orderBy('id')
        .limit(limit)
        .execute(),
    );
    return this.get(id);
  }

  async hasShard(id: string, shard: number): Promise<boolean> {
    const r = await this.#db
      .selectFrom('campaign_shards')
      .select('shard')
      .where('campaign_id', '=', id)
      .where('shard', '=', shard)
      .executeTakeFirst();
    return r !== undefined;
  }

  /** Stores a shard's result and its cells in one transaction (nothing when the shard is already stored). */
  async saveShard(id: string, shard: number, result: unknown, cells: readonly CampaignCellInput[] = []): Promise<void> {
    const json = strictJson(result, `campaign shard ${shard}`);
    await this.#db.transaction().execute(async (trx) => {
      const r = await trx
        .insertInto('campaign_shards')
        .values({ campaign_id: id, shard, result_json: json })
        .onConflict((oc) => oc.columns(['campaign_id', 'shard']).doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return;
      for (let i = 0; i < cells.length; i += CELLS_PER_INSERT) {
        await trx
          .insertInto('campaign_cells')
          .values(
            cells.slice(i, i + CELLS_PER_INSERT).map((c) => ({
              campaign_id: id,
              shard: c.shard,
              idx: c.idx,
              serial: c.serial,
              lane: c.lane,
              s_m: c.s_m,
              in_spec: c.in_spec ? 1 : 0,
              cause: c.cause,
              fs_rolls: c.rolls.first_sheet,
              fs_md_m: num(c.md_m.first_sheet),
              al_rolls: c.rolls.al_sheet,
              al_md_m: num(c.md_m.al_sheet),
              lc_rolls: c.rolls.third_sheet,
              lc_md_m: num(c.md_m.third_sheet),
              splice: c.splice ? 1 : 0,
              anode_thickness_um: num(c.anode_thickness_um),
              capacity_mAh: num(c.capacity_mAh),
            })),
          )
          .execute();
      }
    });
  }

  /** A cell by its serial (undefined when the campaign has no such cell). */
  async cell(id: string, serial: string): Promise<CampaignCellRow | undefined> {
    const r = await this.#db
      .selectFrom('campaign_cells')
      .selectAll()
      .where('campaign_id', '=', id)
      .where('serial', '=', serial)
      .executeTakeFirst();
    return r ? cellOf(r) : undefined;
  }

  /**
   * The cells made from a roll (its id as `FS-000001`, `AL-000042`, `LC-000007`), in production order;
   * `shard` (the one shard that holds the roll, see shardOfRoll) narrows the search to that shard.
   */
  async cellsOfRoll(id: string, rollId: string, shard?: number, limit = 100_000): Promise<CampaignCellRow[]> {
    const col = rollId.startsWith('FS-') ? 'fs_rolls' : rollId.startsWith('AL-') ? 'al_rolls' : 'lc_rolls';
    let q = this.#db.selectFrom('campaign_cells').selectAll().where('campaign_id', '=', id);
    if (shard !== undefined) q = q.where('shard', '=', shard);
    const rows = await q
      .where((eb) => eb.or([eb(col, '=', rollId), eb(col, 'like', `${rollId}|%`), eb(col, 'like', `%|${rollId}`)]))
      .orderBy('shard')
      .orderBy('idx')
      .limit(limit)
      .execute();
    return rows.map(cellOf);
  }

  async countCells(id: string): Promise<number> {
    const r = await this.#db
      .selectFrom('campaign_cells')
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .where('campaign_id', '=', id)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Campaigns, newest first, with their shards done. */
  async list(limit = 50): Promise<CampaignListRow[]> {
    const rows = await this.#db
      .selectFrom('campaigns')
      .select(['id', 'created_at', 'updated_at', 'cells', 'shards', 'status', 'seed'])
      .select((eb) =>
        eb
          .selectFrom('campaign_shards')
          .select(sql<number>`cast(count(*) as integer)`.as('n'))
          .whereRef('campaign_shards.campaign_id', '=', 'campaigns.id')
          .as('shards_done'),
      )
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      created_at: r.created_at,
      updated_at: r.updated_at,
      cells: Number(r.cells),
      shards: Number(r.shards),
      shards_done: Number(r.shards_done ?? 0),
      status: r.status,
      seed: Number(r.seed),
    }));
  }

  async countShards(id: string): Promise<number> {
    const r = await this.#db
      .selectFrom('campaign_shards')
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .where('campaign_id', '=', id)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** every shard's result, in shard order */
  async shards(id: string): Promise<unknown[]> {
    const rows = await this.#db
      .selectFrom('campaign_shards')
      .select(['result_json'])
      .where('campaign_id', '=', id)
      .orderBy('shard')
      .execute();
    return rows.map((r) => JSON.parse(r.result_json) as unknown);
  }

  async finish(id: string, summary: unknown): Promise<void> {
    await this.#db
      .updateTable('campaigns')
      .set({ status: 'completed', updated_at: new Date().toISOString(), summary_json: strictJson(summary, 'campaign') })
      .where('id', '=', id)
      .execute();
  }
}
