/**
 * Production campaigns in the run-history database (tables `campaigns` and `campaign_shards`,
 * migration 0006): one row per campaign, one per finished shard keyed by (campaign id, shard). Shard
 * writes are idempotent (`insert … on conflict do nothing`): a shard run twice leaves one row.
 */
import { sql, type Kysely } from 'kysely';
import type { StoreDatabase } from './schema.ts';
import { sha256Hex, storeKysely, strictJson } from './store.ts';
import type { Store } from './types.ts';

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

  constructor(store: Store) {
    this.#db = storeKysely(store);
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

  async hasShard(id: string, shard: number): Promise<boolean> {
    const r = await this.#db
      .selectFrom('campaign_shards')
      .select('shard')
      .where('campaign_id', '=', id)
      .where('shard', '=', shard)
      .executeTakeFirst();
    return r !== undefined;
  }

  async saveShard(id: string, shard: number, result: unknown): Promise<void> {
    await this.#db
      .insertInto('campaign_shards')
      .values({ campaign_id: id, shard, result_json: strictJson(result, `campaign shard ${shard}`) })
      .onConflict((oc) => oc.columns(['campaign_id', 'shard']).doNothing())
      .execute();
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
