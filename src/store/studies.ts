/**
 * Studies in the run-history database (tables `studies` and `study_points`, migration 0004): one row
 * per study with its definition, one row per point keyed by (study id, point index). Writes are
 * idempotent — a point already stored is kept, never duplicated (insert … on conflict do nothing) — so
 * an interrupted study resumes where it stopped, and two writers of the same point (a retried shard)
 * leave one row. Same Kysely layer and dialect rules as ./store.ts.
 */
import { sql, type Kysely } from 'kysely';
import { STUDY_IDS, findByIdPrefix } from './id-prefix.ts';
import type { StoreDatabase, StudiesTable } from './schema.ts';
import { sha256Hex, storeKysely, strictJson } from './store.ts';
import type { Store } from './types.ts';

export type StudyKind = 'sweep' | 'solve' | 'optimise';
export type StudyStatus = 'running' | 'completed';
export type StoredCell = number | string | boolean | null;

export interface StudyDefinition {
  id: string;
  kind: StudyKind;
  name: string;
  rollcellVersion: string;
  recipeText: string;
  /** the recipe as parsed (plain JSON) */
  recipe: unknown;
  studyText: string;
  /** the parsed study (plain JSON) */
  study: unknown;
  /** recipe data every point starts from */
  base: unknown;
  seed: number;
  design: string;
  inputs: string[];
  outputs: string[];
  /** planned points (0 when not known in advance) */
  nPoints: number;
}

export interface StudyPointRow {
  idx: number;
  status: 'ok' | 'failed';
  seed: number;
  tag?: string | undefined;
  values: (number | string)[];
  outputs: StoredCell[];
  error?: string | undefined;
}

export interface StudySummaryRow {
  id: string;
  created_at: string;
  updated_at: string;
  kind: StudyKind;
  name: string;
  seed: number;
  design: string;
  status: StudyStatus;
  n_points: number;
  n_done: number;
  n_failed: number;
}

export interface StoredStudy extends StudySummaryRow {
  rollcell_version: string;
  recipe_hash: string;
  recipe_text: string;
  study_text: string;
  study: unknown;
  base: unknown;
  inputs: string[];
  outputs: string[];
  summary: unknown;
}

const ROWS_PER_INSERT = 500;

/** A deterministic study id: the same recipe, study, overrides and seed give the same id (and resume). */
export function studyId(kind: StudyKind, parts: readonly string[]): string {
  return `${kind[0]}${sha256Hex(parts.join('\u0000')).slice(0, 15)}`;
}

export class StudyStore {
  readonly #db: Kysely<StoreDatabase>;
  readonly spec: string;

  constructor(store: Store) {
    this.#db = storeKysely(store);
    this.spec = store.spec;
  }

  /**
   * Creates the study, or finds it (same id): returns the indices of the points already stored, so the
   * caller runs only the rest.
   */
  async begin(def: StudyDefinition): Promise<{ created: boolean; done: Set<number>; failed: number }> {
    const now = new Date().toISOString();
    const recipeHash = sha256Hex(def.recipeText);
    const row: StudiesTable = {
      id: def.id,
      created_at: now,
      updated_at: now,
      rollcell_version: def.rollcellVersion,
      kind: def.kind,
      name: def.name,
      recipe_hash: recipeHash,
      study_text: def.studyText,
      study_json: strictJson(def.study, 'study'),
      base_json: strictJson(def.base, 'base recipe'),
      seed: def.seed,
      design: def.design,
      columns_json: JSON.stringify({ inputs: def.inputs, outputs: def.outputs }),
      n_points: def.nPoints,
      status: 'running',
      summary_json: null,
    };
    const created = await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('recipes')
        .values({
          hash: recipeHash,
          text: def.recipeText,
          parsed_json: strictJson(def.recipe, 'recipe'),
          created_at: now,
        })
        .onConflict((oc) => oc.column('hash').doNothing())
        .execute();
      const existing = await trx.selectFrom('studies').select('id').where('id', '=', def.id).executeTakeFirst();
      if (existing) return false;
      await trx.insertInto('studies').values(row).execute();
      return true;
    });
    const rows = await this.#db
      .selectFrom('study_points')
      .select(['idx', 'status'])
      .where('study_id', '=', def.id)
      .execute();
    return {
      created,
      done: new Set(rows.map((r) => Number(r.idx))),
      failed: rows.filter((r) => r.status === 'failed').length,
    };
  }

  /** Stores finished points (one transaction; a point already stored is left as it is). */
  async savePoints(id: string, points: readonly StudyPointRow[]): Promise<void> {
    if (points.length === 0) return;
    const rows = points.map((p) => ({
      study_id: id,
      idx: p.idx,
      status: p.status,
      seed: p.seed,
      tag: p.tag ?? null,
      inputs_json: strictJson(p.values, `point ${p.idx} inputs`),
      outputs_json: strictJson(p.outputs, `point ${p.idx} outputs`),
      error: p.error ?? null,
    }));
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        await trx
          .insertInto('study_points')
          .values(rows.slice(i, i + ROWS_PER_INSERT))
          .onConflict((oc) => oc.columns(['study_id', 'idx']).doNothing())
          .execute();
      }
      await trx.updateTable('studies').set({ updated_at: new Date().toISOString() }).where('id', '=', id).execute();
    });
  }

  /** Marks the study completed and stores its summary (sensitivity, answer, front). */
  async finish(id: string, summary: unknown, nPoints?: number): Promise<void> {
    await this.#db
      .updateTable('studies')
      .set({
        status: 'completed',
        updated_at: new Date().toISOString(),
        summary_json: summary === undefined ? null : strictJson(summary, 'study summary'),
        ...(nPoints !== undefined ? { n_points: nPoints } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /** a study id or a unique prefix of one (as typed) → the id (store/id-prefix.ts) */
  #resolve(idOrPrefix: string): Promise<string> {
    return findByIdPrefix(STUDY_IDS, idOrPrefix, this.spec, (forms, limit) =>
      this.#db
        .selectFrom('studies')
        .select('id')
        .where(sql<string>`substr(${sql.ref('id')}, 1, ${sql.lit(forms[0]!.length)})`, 'in', forms)
        .orderBy('id')
        .limit(limit)
        .execute(),
    );
  }

  /** The indices stored among [from, to). */
  async storedIn(id: string, from: number, to: number): Promise<Set<number>> {
    const rows = await this.#db
      .selectFrom('study_points')
      .select('idx')
      .where('study_id', '=', id)
      .where('idx', '>=', from)
      .where('idx', '<', to)
      .execute();
    return new Set(rows.map((r) => Number(r.idx)));
  }

  /** How many points are stored, and how many of them failed. */
  counts(id: string): Promise<{ done: number; failed: number }> {
    return this.#counts(id);
  }

  /**
   * Counts one more try of a point by a distributed worker (before it starts the point) and returns
   * the tries so far, this one included. A point whose worker died that many times is poisoned.
   */
  async countTry(id: string, idx: number): Promise<number> {
    const now = new Date().toISOString();
    const r = await this.#db
      .insertInto('study_point_attempts')
      .values({ study_id: id, idx, attempts: 1, last_try_at: now })
      .onConflict((oc) =>
        oc.columns(['study_id', 'idx']).doUpdateSet({
          attempts: sql<number>`study_point_attempts.attempts + 1`,
          last_try_at: now,
        }),
      )
      .returning('attempts')
      .executeTakeFirstOrThrow();
    return Number(r.attempts);
  }

  async #counts(id: string): Promise<{ done: number; failed: number }> {
    const r = await this.#db
      .selectFrom('study_points')
      .select([
        sql<number>`cast(count(*) as integer)`.as('n'),
        sql<number>`cast(coalesce(sum(case when status = 'failed' then 1 else 0 end), 0) as integer)`.as('f'),
      ])
      .where('study_id', '=', id)
      .executeTakeFirstOrThrow();
    return { done: Number(r.n), failed: Number(r.f) };
  }

  async list(limit = 20): Promise<StudySummaryRow[]> {
    const rows = await this.#db
      .selectFrom('studies')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    const out: StudySummaryRow[] = [];
    for (const r of rows) {
      const c = await this.#counts(r.id);
      out.push({
        id: r.id,
        created_at: r.created_at,
        updated_at: r.updated_at,
        kind: r.kind as StudyKind,
        name: r.name,
        seed: Number(r.seed),
        design: r.design,
        status: r.status as StudyStatus,
        n_points: Number(r.n_points),
        n_done: c.done,
        n_failed: c.failed,
      });
    }
    return out;
  }

  async get(idOrPrefix: string): Promise<StoredStudy> {
    const id = await this.#resolve(idOrPrefix);
    const r = await this.#db.selectFrom('studies').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const rec = await this.#db
      .selectFrom('recipes')
      .select('text')
      .where('hash', '=', r.recipe_hash)
      .executeTakeFirstOrThrow();
    const c = await this.#counts(id);
    const cols = JSON.parse(r.columns_json) as { inputs: string[]; outputs: string[] };
    return {
      id,
      created_at: r.created_at,
      updated_at: r.updated_at,
      kind: r.kind as StudyKind,
      name: r.name,
      seed: Number(r.seed),
      design: r.design,
      status: r.status as StudyStatus,
      n_points: Number(r.n_points),
      n_done: c.done,
      n_failed: c.failed,
      rollcell_version: r.rollcell_version,
      recipe_hash: r.recipe_hash,
      recipe_text: rec.text,
      study_text: r.study_text,
      study: JSON.parse(r.study_json) as unknown,
      base: JSON.parse(r.base_json) as unknown,
      inputs: cols.inputs,
      outputs: cols.outputs,
      summary: r.summary_json === null ? null : (JSON.parse(r.summary_json) as unknown),
    };
  }

  /** The study's points in index order, a page at a time (memory bounded however many points). */
  async *points(id: string, pageSize = 2000): AsyncGenerator<StudyPointRow> {
    let after = -1;
    for (;;) {
      const rows = await this.#db
        .selectFrom('study_points')
        .selectAll()
        .where('study_id', '=', id)
        .where('idx', '>', after)
        .orderBy('idx')
        .limit(pageSize)
        .execute();
      for (const r of rows) {
        yield {
          idx: Number(r.idx),
          status: r.status as 'ok' | 'failed',
          seed: Number(r.seed),
          tag: r.tag ?? undefined,
          values: JSON.parse(r.inputs_json) as (number | string)[],
          outputs: JSON.parse(r.outputs_json) as StoredCell[],
          error: r.error ?? undefined,
        };
      }
      if (rows.length < pageSize) return;
      after = Number(rows[rows.length - 1]!.idx);
    }
  }

  /** every point (for analyses that need them all: the report, Sobol indices) */
  async allPoints(id: string): Promise<StudyPointRow[]> {
    const out: StudyPointRow[] = [];
    for await (const p of this.points(id)) out.push(p);
    return out;
  }
}
