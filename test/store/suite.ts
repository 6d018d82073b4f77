/**
 * The store test suite, ONE function run on every dialect (sqlite.test.ts on a real temp file,
 * postgres.test.ts on a fresh schema of a real server). Durability and concurrency are tested with
 * real child processes (test/store/writer.ts).
 */
import { test as nodeTest, type TestContext } from 'node:test';

/** Every store test gets a time limit, so a hang shows as a failure instead of a stuck run. */
const test = (name: string, fn: (t: TestContext) => Promise<void>) => nodeTest(name, { timeout: 120_000 }, fn);
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { Migrator, sql } from 'kysely';
import {
  openStore,
  StoreError,
  CellSpool,
  type CellRow,
  type RunRecordInput,
  type Store,
  type StoreDialect,
} from '../../src/store/index.ts';
import { connectKysely, prepareCellRow, prepareRunRows, storeKysely } from '../../src/store/store.ts';
import { MIGRATIONS, migrationProvider, STORE_TABLES } from '../../src/store/schema.ts';
import { makeCells, makeInput, makeOutput, RECIPE_TEXT } from './fixtures.ts';
import { spawnWriter } from './helpers.ts';
import { ProblemError } from '../../src/problems.ts';

export interface DialectHarness {
  dialect: StoreDialect;
  /** A spec naming a fresh, empty database (SQLite temp file / PostgreSQL schema). */
  freshSpec(): Promise<string>;
  /** Drop what freshSpec created. */
  cleanup(spec: string): Promise<void>;
}

async function withStore<T>(
  h: DialectHarness,
  t: TestContext,
  fn: (store: Store, spec: string) => Promise<T>,
): Promise<T> {
  const spec = await h.freshSpec();
  t.after(() => h.cleanup(spec));
  const store = await openStore(spec);
  try {
    return await fn(store, spec);
  } finally {
    await store.close();
  }
}

async function count(store: Store, table: (typeof STORE_TABLES)[number], runId?: string): Promise<number> {
  const where = runId === undefined ? sql`` : sql`where run_id = ${runId}`;
  const r = await sql<{ n: number }>`select cast(count(*) as integer) as n from ${sql.table(table)} ${where}`.execute(
    storeKysely(store),
  );
  return Number(r.rows[0]!.n);
}

async function orphanRows(store: Store): Promise<number> {
  const db = storeKysely(store);
  let n = 0;
  for (const table of ['station_results', 'cells', 'cycles', 'time_series'] as const) {
    const r = await db
      .selectFrom(table)
      .select(sql<number>`cast(count(*) as integer)`.as('n'))
      .where('run_id', 'not in', db.selectFrom('runs').select('id'))
      .executeTakeFirstOrThrow();
    n += Number(r.n);
  }
  const r = await db
    .selectFrom('runs')
    .select(sql<number>`cast(count(*) as integer)`.as('n'))
    .where('recipe_hash', 'not in', db.selectFrom('recipes').select('hash'))
    .executeTakeFirstOrThrow();
  return n + Number(r.n);
}

export function defineStoreSuite(h: DialectHarness): void {
  const d = h.dialect;

  test(`[${d}] migrations create every table on an empty database and are idempotent`, async (t) => {
    const spec = await h.freshSpec();
    t.after(() => h.cleanup(spec));
    const s1 = await openStore(spec);
    for (const table of STORE_TABLES) assert.equal(await count(s1, table), 0, `table ${table} exists and is empty`);
    const id = await s1.saveRun(makeInput(11));
    await s1.close();
    // open twice more (second and third open must neither fail nor re-run migrations nor lose data)
    for (let i = 0; i < 2; i++) {
      const s = await openStore(spec);
      const names = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
        storeKysely(s),
      );
      assert.deepEqual(
        names.rows.map((r) => r.name),
        Object.keys(MIGRATIONS).sort(),
      );
      assert.equal((await s.listRuns()).length, 1);
      assert.equal((await s.getRun(id)).n_cells, 20);
      await s.close();
    }
  });

  test(`[${d}] a database at an older schema version is migrated forward on open, keeping its runs`, async (t) => {
    const spec = await h.freshSpec();
    t.after(() => h.cleanup(spec));
    // build a database as the first released schema left it, with one run saved by that version
    const raw = await connectKysely(spec);
    const schema = d === 'postgres' ? (new URL(spec).searchParams.get('schema') ?? 'public') : undefined;
    const m = new Migrator({ db: raw, provider: migrationProvider, migrationTableSchema: schema });
    const first = Object.keys(MIGRATIONS).sort()[0]!;
    const res = await m.migrateTo(first);
    assert.equal(res.error, undefined);
    const out = makeOutput(5);
    out.run_id = 'OLDRUN0001';
    await sql`insert into recipes (hash, text, parsed_json, created_at) values ('h0', 'old: 1', '{"old":1}', '2025-01-01T00:00:00.000Z')`.execute(
      raw,
    );
    await sql`insert into runs (id, created_at, rollcell_version, recipe_hash, seed, status, output_json, yield_pct)
              values ('OLDRUN0001', '2025-01-01T00:00:00.000Z', '0.0.9', 'h0', 3, 'completed', ${JSON.stringify(out)}, 96.5)`.execute(
      raw,
    );
    await raw.destroy();

    const store = await openStore(spec);
    try {
      const old = await store.getRun('OLDRUN');
      assert.equal(old.rollcell_version, '0.0.9');
      assert.deepEqual(old.output, out);
      assert.equal(old.n_cells, 0, 'column added by the later migration defaults to 0 for old runs');
      assert.equal(old.yield_pct, 96.5);
      const exp = await store.exportRun('OLDRUN0001');
      assert.deepEqual(exp.cells, []);
      // and the migrated database takes new runs with cells
      const id = await store.saveRun(makeInput(6, { cells: 30 }));
      assert.equal((await store.exportRun(id)).cells.length, 30);
      assert.equal((await store.listRuns()).length, 2);
    } finally {
      await store.close();
    }
  });

  test(`[${d}] a database written by a newer rollcell is refused and left unmodified`, async (t) => {
    const spec = await h.freshSpec();
    t.after(() => h.cleanup(spec));
    const s = await openStore(spec);
    await s.saveRun(makeInput(1));
    await sql`insert into kysely_migration (name, timestamp) values ('9999_from_the_future', '2030-01-01T00:00:00.000Z')`.execute(
      storeKysely(s),
    );
    await s.close();
    await assert.rejects(openStore(spec), (e: unknown) => {
      assert.ok(e instanceof StoreError, 'e instanceof StoreError');
      assert.equal(e.code, 'newer_schema');
      assert.match(e.message, /newer rollcell/);
      assert.match(e.message, /9999_from_the_future/);
      return true;
    });
    const raw = await connectKysely(spec);
    const n = await sql<{ n: number }>`select cast(count(*) as integer) as n from runs`.execute(raw);
    assert.equal(Number(n.rows[0]!.n), 1);
    await raw.destroy();
  });

  test(`[${d}] save → list → get → export round-trips exactly what was saved`, async (t) => {
    await withStore(h, t, async (store) => {
      const input = makeInput(42, { cells: 1500, cycles: 120, points: 300 });
      const createdAt = new Date('2026-03-04T05:06:07.089Z');
      const id = await store.saveRun({ ...input, createdAt });
      assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);

      const list = await store.listRuns({ limit: 10 });
      assert.equal(list.length, 1);
      const s = list[0]!;
      assert.equal(s.id, id);
      assert.equal(s.created_at, createdAt.toISOString());
      assert.equal(s.seed, 42);
      assert.equal(s.status, 'completed');
      assert.equal(s.rollcell_version, '0.1.0');
      // summary columns are the exact doubles of the output (no float32 or decimal rounding)
      assert.equal(s.specific_energy_Wh_kg, input.output.design.specific_energy_Wh_kg);
      assert.equal(s.energy_density_Wh_L, input.output.design.energy_density_Wh_L);
      assert.equal(s.np_ratio, input.output.design.np_ratio);
      assert.equal(s.cell_thickness_um, input.output.design.cell.thickness_um);
      assert.equal(s.coulombic_efficiency, input.output.cycling!.coulombic_efficiency);
      assert.equal(s.yield_pct, 96.5);
      assert.equal(s.cells_in_spec, input.output.production!.cells_in_spec);
      assert.equal(s.claims_met, 1);
      assert.equal(s.claims_total, 2);
      assert.deepEqual([s.n_cells, s.n_cycles, s.n_series], [1500, 120, 2]);

      const got = await store.getRun(id);
      assert.deepEqual(got.output, input.output);
      assert.equal(JSON.stringify(got.output), JSON.stringify(input.output), 'key order preserved too');
      assert.equal(got.recipe.text, RECIPE_TEXT);
      assert.deepEqual(got.recipe.parsed, input.recipe);
      assert.equal(got.stations.length, 3);
      const st240 = got.stations.find((x) => x.station_id === '240')!;
      const out240 = input.output.line!.stations.find((x) => x.id === '240')!;
      assert.equal(st240.force_N, out240.force_N);
      assert.equal(st240.peak_pressure_MPa, out240.peak_pressure_MPa);
      assert.equal(st240.temperature_C, 105);
      assert.equal(st240.bonded, true);
      assert.equal(got.stations.find((x) => x.station_id === '236')!.bonded, false);
      assert.deepEqual(st240.data, out240);

      const exp = await store.exportRun(id);
      assert.equal(exp.format, 'rollcell-run-export');
      assert.deepEqual(exp.cells, input.cells);
      assert.deepEqual(exp.cycles, input.cycles);
      assert.deepEqual(exp.time_series, input.timeSeries);
      assert.deepEqual(exp.output, input.output);
      // the bundle is plain JSON: it survives a JSON round trip unchanged
      assert.deepEqual(JSON.parse(JSON.stringify(exp)), exp);
      // key figure columns of cells are queryable and exact
      const db = storeKysely(store);
      const c = await db
        .selectFrom('cells')
        .selectAll()
        .where('run_id', '=', id)
        .where('serial', '=', input.cells![777]!.serial)
        .executeTakeFirstOrThrow();
      assert.equal(c.thickness_um, input.cells![777]!.thickness_um);
      assert.equal(c.verdict, input.cells![777]!.verdict);
      assert.deepEqual(JSON.parse(c.genealogy_json!), input.cells![777]!.genealogy);
      const cy = await db
        .selectFrom('cycles')
        .selectAll()
        .where('run_id', '=', id)
        .where('cycle', '=', 100)
        .executeTakeFirstOrThrow();
      assert.equal(cy.discharge_Ah, input.cycles![99]!.discharge_Ah);
      assert.equal(cy.coulombic_efficiency, input.cycles![99]!.coulombic_efficiency);
    });
  });

  test(`[${d}] listCells pages (offset + limit) and a serial filter, countCells counts them (plain text, no wildcards)`, async (t) => {
    await withStore(h, t, async (store) => {
      const cells = makeCells(120, 5);
      cells[7] = { ...cells[7]!, serial: 'R01-a%_b' };
      const id = await store.saveRun({ ...makeInput(5), cells });
      assert.equal(await store.countCells(id), 120);
      assert.deepEqual(
        (await store.listCells(id, { offset: 30, limit: 25 })).map((c) => c.serial),
        cells.slice(30, 55).map((c) => c.serial),
      );
      const has1 = cells.filter((c) => c.serial.includes('1'));
      assert.equal(await store.countCells(id, { serialContains: '1' }), has1.length);
      assert.deepEqual(
        (await store.listCells(id, { serialContains: '1', offset: 3, limit: 4 })).map((c) => c.serial),
        has1.slice(3, 7).map((c) => c.serial),
      );
      // LIKE's wildcards are plain characters here, and the match is case-sensitive
      assert.equal(await store.countCells(id, { serialContains: '%_' }), 1);
      assert.equal(await store.countCells(id, { serialContains: '_' }), 1);
      assert.equal(await store.countCells(id, { serialContains: 'r01' }), 0);
    });
  });

  test(`[${d}] cells streamed from a spool in chunks are stored exactly as a cells array is; a stream short of its count leaves nothing`, async (t) => {
    await withStore(h, t, async (store) => {
      const cells = makeCells(2500, 7);
      const asArray = await store.saveRun({ ...makeInput(7), cells });
      const spool = new CellSpool();
      t.after(() => spool.dispose());
      for (const c of cells) spool.add(c);
      const phases: number[] = [];
      const streamed = await store.saveRun(
        { ...makeInput(7), cells: [], cellStream: spool.stream() },
        { onProgress: (p) => void (p.phase === 'cells' && phases.push(p.done)) },
      );
      const a = await store.exportRun(asArray);
      const b = await store.exportRun(streamed);
      assert.equal(b.cells.length, 2500);
      assert.deepEqual(b.cells, a.cells);
      assert.equal((await store.getRun(streamed)).n_cells, 2500);
      assert.ok(phases.length >= 3 && phases.at(-1) === 2500, `progress in chunks: ${phases.join(',')}`);
      // a spool read again (a retried save) starts from its first cell
      const again: string[] = [];
      for await (const ch of spool.chunks()) for (const c of ch) again.push(c.serial);
      assert.deepEqual(
        again,
        cells.map((c) => c.serial),
      );
      // a stream that gives fewer cells than its count: refused, nothing of the run is left
      const before = await count(store, 'cells');
      const short = { count: 2501, chunks: () => spool.chunks() };
      await assert.rejects(store.saveRun({ ...makeInput(8), cells: [], cellStream: short }), (e: unknown) => {
        // an input error (the stream and its count disagree): the one ProblemError, naming both
        assert.ok(e instanceof ProblemError, 'e instanceof ProblemError');
        assert.equal(e.problems[0]!.path, 'cellStream');
        assert.match(
          e.message,
          /cellStream: gave 2500 cells, not its count; the run was not stored \(got 2500 cells; allowed exactly its count, 2501\)/,
        );
        return true;
      });
      assert.equal(await count(store, 'cells'), before);
      assert.equal((await store.listRuns()).length, 2);
      assert.equal(await orphanRows(store), 0);
    });
  });

  test(`[${d}] runs are listed newest first and limit is honoured`, async (t) => {
    await withStore(h, t, async (store) => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        // a failed run is history too: it is kept and listed with its status
        const status = i === 2 ? ('failed' as const) : undefined;
        ids.push(
          await store.saveRun({ ...makeInput(i, { cells: 2 }), status, createdAt: new Date(Date.UTC(2026, 0, 1 + i)) }),
        );
      }
      const all = await store.listRuns();
      assert.deepEqual(
        all.map((r) => r.id),
        ids.slice().reverse(),
      );
      assert.deepEqual(
        all.map((r) => r.status),
        ['completed', 'failed', 'completed', 'completed'],
      );
      assert.deepEqual(
        (await store.listRuns({ limit: 2 })).map((r) => r.id),
        [ids[3], ids[2]],
      );
      await assert.rejects(store.listRuns({ limit: 0 }), /limit: must be a positive integer \(got 0/);
    });
  });

  test(`[${d}] a recipe is stored once per content hash`, async (t) => {
    await withStore(h, t, async (store) => {
      const a = await store.saveRun(makeInput(1));
      const b = await store.saveRun(makeInput(2)); // same recipe text, other seed
      const c = await store.saveRun(
        makeInput(3, { recipeText: `${RECIPE_TEXT}# a comment changes the submitted text\n` }),
      );
      assert.equal(await count(store, 'recipes'), 2);
      assert.equal(await count(store, 'runs'), 3);
      const [ra, rb, rc] = [await store.getRun(a), await store.getRun(b), await store.getRun(c)];
      assert.equal(ra.recipe_hash, rb.recipe_hash);
      assert.notEqual(ra.recipe_hash, rc.recipe_hash);
      // sha256 of the UTF-8 text, as documented
      const { createHash } = await import('node:crypto');
      assert.equal(ra.recipe_hash, createHash('sha256').update(RECIPE_TEXT, 'utf8').digest('hex'));
      const diff = await store.diffRuns(a, b);
      assert.equal(diff.same_recipe, true);
      assert.equal((await store.diffRuns(a, c)).same_recipe, false);
    });
  });

  test(`[${d}] runs are found by id prefix; an ambiguous or unknown prefix is a clear error`, async (t) => {
    await withStore(h, t, async (store) => {
      await store.saveRun({ ...makeInput(1, { cells: 1 }), runId: 'ABCD1111' });
      await store.saveRun({ ...makeInput(2, { cells: 1 }), runId: 'ABCE2222' });
      const gen = await store.saveRun(makeInput(3, { cells: 1 }));
      assert.equal((await store.getRun('ABCD')).id, 'ABCD1111');
      assert.equal((await store.getRun('ABCE2222')).id, 'ABCE2222');
      assert.equal((await store.getRun(gen.slice(0, 20).toLowerCase())).id, gen, 'prefixes are case-insensitive');
      assert.equal(await store.resolveRunId(gen), gen);
      await assert.rejects(store.getRun('ABC'), (e: unknown) => {
        assert.ok(e instanceof StoreError, 'e instanceof StoreError');
        assert.equal(e.code, 'ambiguous');
        assert.match(e.message, /prefix is ambiguous, it matches .*got 'ABC'/);
        assert.match(e.message, /ABCD1111/);
        assert.match(e.message, /ABCE2222/);
        return true;
      });
      await assert.rejects(
        store.getRun('ZZZZ'),
        (e: unknown) =>
          e instanceof StoreError && e.code === 'not_found' && /no run matches it .*got 'ZZZZ'/.test(e.message),
      );
      await assert.rejects(store.exportRun(''), (e: unknown) => e instanceof StoreError && e.code === 'not_found');
      await assert.rejects(
        store.saveRun({ ...makeInput(4, { cells: 1 }), runId: 'ABCD1111' }),
        (e: unknown) =>
          e instanceof StoreError && e.code === 'duplicate' && /'ABCD1111' already exists/.test(e.message),
      );
      assert.equal(await count(store, 'runs'), 3, 'the refused duplicate left nothing behind');
      assert.equal(await count(store, 'cells'), 3);
    });
  });

  test(`[${d}] diff reports the changed numeric fields with old, new, Δ and Δ%`, async (t) => {
    await withStore(h, t, async (store) => {
      const inA = makeInput(9, { cells: 3 });
      const inB = makeInput(9, { cells: 3 });
      inB.output = makeOutput(9, { force_N: 15000, yield_pct: 90 });
      const f0 = inA.output.line!.stations[2]!.force_N;
      inB.recipeText = RECIPE_TEXT.replace('12000', '15000');
      inB.recipe = { ...(inA.recipe as Record<string, unknown>), stations: { '240': { force_N: 15000 } } };
      inB.output.claims![1]!.verdict = 'met';
      const a = await store.saveRun(inA);
      const b = await store.saveRun(inB);
      // a field this version requires missing and a top-level block it does not know (another build's run read
      // by this one): saveRun refuses both (the output contract), so they are written to the row itself
      const { volume_expansion_rate_pct: _gone, ...cycling } = inB.output.cycling!;
      const newer = { ...inB.output, cycling, extra_block: { note_pct: 1 } };
      await sql`update runs set output_json = ${JSON.stringify(newer)} where id = ${b}`.execute(storeKysely(store));
      const diff = await store.diffRuns(a.slice(0, 24), b);
      assert.equal(diff.a.id, a);
      assert.equal(diff.b.id, b);
      const byPath = new Map(diff.output.numeric.map((c) => [c.path, c]));
      assert.deepEqual([...byPath.keys()].sort(), ['line.stations[id=240].force_N', 'production.yield_pct']);
      const force = byPath.get('line.stations[id=240].force_N')!;
      assert.equal(force.old, f0);
      assert.equal(force.new, 15000);
      assert.equal(force.delta, 15000 - f0);
      assert.equal(force.delta_pct, ((15000 - f0) / f0) * 100);
      const y = byPath.get('production.yield_pct')!;
      assert.deepEqual([y.old, y.new, y.delta], [96.5, 90, -6.5]);
      assert.ok(
        Math.abs(y.delta_pct! - (-6.5 / 96.5) * 100) < 1e-12,
        'Math.abs(y.delta_pct! - (-6.5 / 96.5) * 100) < 1e-12',
      );
      assert.deepEqual(diff.output.changed, [{ path: 'claims[claim=2].verdict', old: 'not met', new: 'met' }]);
      assert.deepEqual(diff.output.removed, [{ path: 'cycling.volume_expansion_rate_pct', value: 3.3 }]);
      assert.deepEqual(diff.output.added, [{ path: 'extra_block', value: { note_pct: 1 } }]);
      assert.equal(diff.same_recipe, false);
      assert.deepEqual(
        diff.recipe.numeric.map((c) => [c.path, c.old, c.new]),
        [['stations["240"].force_N', 12000, 15000]],
      );
      // a run compared with itself has no differences
      const self = await store.diffRuns(a, a);
      assert.equal(
        self.output.numeric.length + self.output.changed.length + self.output.added.length + self.output.removed.length,
        0,
      );
    });
  });

  test(`[${d}] an output that breaks the output contract is refused with each path, and nothing is written`, async (t) => {
    await withStore(h, t, async (store) => {
      const bad = makeInput(1, { cells: 5 });
      (bad.output as Record<string, unknown>)['extra_block'] = { note_pct: 1 };
      bad.output.line!.crack.sandwiched.risk = 1.5;
      delete (bad.output.design.cell as Partial<typeof bad.output.design.cell>).mass_g;
      await assert.rejects(store.saveRun(bad), (e: unknown) => {
        assert.ok(e instanceof ProblemError, String(e));
        const byPath = new Map(e.problems.map((p) => [p.path, p]));
        assert.deepEqual([...byPath.keys()].sort(), [
          'output.design.cell.mass_g',
          'output.extra_block',
          'output.line.crack.sandwiched.risk',
        ]);
        assert.match(byPath.get('output.extra_block')!.problem, /unknown key.*not stored/);
        assert.match(byPath.get('output.extra_block')!.allowed, /rollcell_version.*design.*error/);
        assert.equal(byPath.get('output.line.crack.sandwiched.risk')!.got, '1.5');
        assert.equal(byPath.get('output.line.crack.sandwiched.risk')!.allowed, '<= 1');
        assert.match(byPath.get('output.design.cell.mass_g')!.problem, /required field is missing/);
        return true;
      });
      // the staged save's last stage checks the same (its rows are refused before COMMIT)
      assert.throws(() => prepareRunRows({ ...bad, cells: [] }), ProblemError);
      for (const table of STORE_TABLES) assert.equal(await count(store, table), 0, `${table} is empty`);
      // the same run within the contract is stored
      const good = makeInput(1, { cells: 5 });
      await store.saveRun(good);
      assert.equal(await count(store, 'runs'), 1);
    });
  });

  test(`[${d}] input that JSON cannot hold exactly is refused with its path, and nothing is written`, async (t) => {
    await withStore(h, t, async (store) => {
      const bad = makeInput(1, { cells: 5 });
      (bad.output.design as Record<string, unknown>).np_ratio = Number.NaN;
      await assert.rejects(
        store.saveRun(bad),
        (e: unknown) =>
          e instanceof ProblemError &&
          e.problems[0]?.path === 'output.design.np_ratio' &&
          /output\.design\.np_ratio: must be a finite number \(got NaN/.test(e.message),
      );
      const bad2 = makeInput(1, { cells: 5 });
      bad2.cells![3]!.thickness_um = Number.POSITIVE_INFINITY;
      await assert.rejects(
        store.saveRun(bad2),
        /cells\[3\]\.thickness_um: must be a finite number \(got null|cells\[3\]\.thickness_um: must be a finite number/,
      );
      const bad3 = makeInput(1, { cells: 5 });
      bad3.timeSeries![0]!.columns.voltage_V!.pop();
      await assert.rejects(store.saveRun(bad3), /timeSeries\[0\]\.columns\.voltage_V: length 49 differs/);
      await assert.rejects(store.saveRun({ ...makeInput(1), seed: 1.5 }), /seed: must be an integer or null \(got 1.5/);
      for (const table of STORE_TABLES) assert.equal(await count(store, table), 0, table);
    });
  });

  test(`[${d}] kill -9 of a writer in mid-transaction leaves no half run; earlier runs survive; the database still works`, async (t) => {
    await withStore(h, t, async (store, spec) => {
      const keep = makeInput(100, { cells: 500 });
      const keptId = await store.saveRun(keep);
      const walBefore = d === 'sqlite' ? statSync(`${spec}-wal`).size : 0;
      const w = spawnWriter(t, spec, 7, 20_000, 12_000);
      const held = await w.waitFor('holding');
      assert.ok(
        Number(held.split(' ')[1]) >= 12_000,
        'the child has inserted at least 12 000 cells in its open transaction',
      );
      if (d === 'sqlite') {
        // the open transaction has already spilled uncommitted pages into the WAL file, so the
        // kill leaves real half-written data on disk that recovery must ignore
        assert.ok(
          statSync(`${spec}-wal`).size > walBefore + 1_000_000,
          `WAL holds uncommitted pages (${walBefore} → ${statSync(`${spec}-wal`).size} bytes)`,
        );
      }
      // a reader meanwhile sees only the committed run
      assert.deepEqual(
        (await store.listRuns()).map((r) => r.id),
        [keptId],
      );
      w.child.kill('SIGKILL');
      const ex = await w.exited;
      assert.equal(ex.signal, 'SIGKILL');

      const after = await openStore(spec); // reopening after the crash works (SQLite: WAL recovery)
      try {
        const runs = await after.listRuns();
        assert.deepEqual(
          runs.map((r) => r.id),
          [keptId],
          'no trace of the killed run',
        );
        assert.equal(await count(after, 'cells'), 500);
        assert.equal(await count(after, 'recipes'), 1, "the killed run's recipe row was rolled back too");
        assert.equal(await count(after, 'cycles'), keep.cycles!.length);
        assert.equal(await orphanRows(after), 0);
        assert.deepEqual((await after.exportRun(keptId)).cells, keep.cells);
        if (d === 'sqlite') {
          const ic = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(storeKysely(after));
          assert.equal(ic.rows[0]!.integrity_check, 'ok');
        }
        // and it still takes new runs
        const next = await after.saveRun(makeInput(101, { cells: 50 }));
        assert.equal((await after.getRun(next)).n_cells, 50);
      } finally {
        await after.close();
      }
    });
  });

  /** the run's cells as rows in chunks (a staged save's cells), and its rows but the cells */
  const stagedParts = (input: RunRecordInput, id: string) => {
    const rows = (input.cells ?? []).map((c, i) => prepareCellRow(c, i));
    const chunks = async function* (): AsyncGenerator<CellRow[]> {
      for (let i = 0; i < rows.length; i += 700) yield rows.slice(i, i + 700);
    };
    const { cells: _c, ...rest } = input;
    const rest2 = { ...rest, runId: id };
    return {
      chunks,
      rows: (count = rows.length) => prepareRunRows({ ...rest2, cellStream: { count, rows: chunks } }),
    };
  };

  test(`[${d}] a staged save (cells first, the run row and the rest at commit) stores exactly what saveRun stores, seen by no reader before its commit`, async (t) => {
    await withStore(h, t, async (store, spec) => {
      const input = makeInput(61, { cells: 1800, cycles: 40, points: 120 });
      const plain = await store.saveRun({ ...input, runId: 'PLAIN61' });
      const parts = stagedParts(input, 'STAGED61');
      const run = await store.beginRun({ runId: 'STAGED61', recipeText: input.recipeText, recipe: input.recipe });
      await run.addCells(parts.chunks());
      assert.equal(run.cells, 1800);
      // another connection (another process would be the same) sees only the committed run meanwhile
      const reader = await openStore(spec, { integrityCheck: false });
      try {
        assert.deepEqual(
          (await reader.listRuns()).map((r) => r.id),
          [plain],
        );
        assert.equal(await count(reader, 'cells', 'STAGED61'), 0);
        await run.commit(parts.rows());
        const a = await reader.exportRun(plain);
        const b = await reader.exportRun('STAGED61');
        assert.deepEqual({ ...b, run: { ...b.run, id: a.run.id, created_at: a.run.created_at } }, a);
        const [sa, sb] = [await reader.getRun(plain), await reader.getRun('STAGED61')];
        assert.deepEqual({ ...sb, id: sa.id, created_at: sa.created_at }, sa);
        assert.equal(await orphanRows(reader), 0);
      } finally {
        await reader.close();
      }
    });
  });

  test(`[${d}] a staged save that fails between its stages leaves no run, earlier runs intact, and the store takes the next run`, async (t) => {
    await withStore(h, t, async (store) => {
      const keep = makeInput(70, { cells: 300 });
      const kept = await store.saveRun(keep);
      const tables = async () => Promise.all(STORE_TABLES.map((x) => count(store, x)));
      const before = await tables();
      const input = makeInput(71, { cells: 900, recipeText: '# staged 71\n' });
      // 1. aborted after its cells (the job failed after the shift)
      let parts = stagedParts(input, 'ABORT71');
      let run = await store.beginRun({ runId: 'ABORT71', recipeText: input.recipeText, recipe: input.recipe });
      await run.addCells(parts.chunks());
      await run.abort();
      await run.abort(); // twice is harmless
      assert.deepEqual(await tables(), before, 'nothing of the aborted run, not even its recipe row');
      // 2. a commit whose cell count is not the cells staged: refused, rolled back
      parts = stagedParts(input, 'COUNT71');
      run = await store.beginRun({ runId: 'COUNT71', recipeText: input.recipeText, recipe: input.recipe });
      await run.addCells(parts.chunks());
      await assert.rejects(run.commit(parts.rows(901)), (e: unknown) => {
        assert.ok(e instanceof ProblemError, 'e instanceof ProblemError');
        assert.match(e.message, /cellStream: gave 900 cells, not its count; the run was not stored/);
        return true;
      });
      await assert.rejects(run.commit(parts.rows()), /commit after its end/);
      assert.deepEqual(await tables(), before);
      // 3. the rows of another run at commit: refused, rolled back
      run = await store.beginRun({ runId: 'OTHER71', recipeText: input.recipeText, recipe: input.recipe });
      await run.addCells(parts.chunks());
      await assert.rejects(run.commit(parts.rows()), /the rows given at commit are run COUNT71's/);
      assert.deepEqual(await tables(), before);
      // 4. a cell row the database refuses (a serial of the wrong type) fails the stage, rolled back
      run = await store.beginRun({ runId: 'BAD71', recipeText: input.recipeText, recipe: input.recipe });
      await assert.rejects(
        run.addCells(
          (async function* () {
            yield [
              {
                serial: null as unknown as string,
                verdict: 'x',
                thickness_um: null,
                mass_g: null,
                capacity_mAh: null,
                specific_energy_Wh_kg: null,
                genealogy_json: null,
                data_json: '{}',
              },
            ];
          })(),
        ),
        (e: unknown) => e instanceof StoreError,
      );
      assert.deepEqual(await tables(), before);
      // 5. an id already stored: refused at the start
      await assert.rejects(
        store.beginRun({ runId: kept, recipeText: input.recipeText, recipe: input.recipe }),
        (e: unknown) => e instanceof StoreError && e.code === 'duplicate',
      );
      assert.deepEqual(await tables(), before);
      assert.deepEqual((await store.exportRun(kept)).cells, keep.cells);
      // the write lock is released each time: the next runs land, staged and not
      parts = stagedParts(input, 'NEXT71');
      run = await store.beginRun({ runId: 'NEXT71', recipeText: input.recipeText, recipe: input.recipe });
      await run.addCells(parts.chunks());
      await run.commit(parts.rows());
      assert.equal((await store.getRun('NEXT71')).n_cells, 900);
      assert.equal((await store.getRun(await store.saveRun(makeInput(72, { cells: 10 })))).n_cells, 10);
    });
  });

  test(`[${d}] kill -9 of a staged save between its stages (cells in, run row not yet) leaves no trace; earlier runs survive`, async (t) => {
    await withStore(h, t, async (store, spec) => {
      const keep = makeInput(80, { cells: 400 });
      const keptId = await store.saveRun(keep);
      const w = spawnWriter(t, spec, 81, 15_000, 'staged');
      assert.equal(await w.waitFor('staged'), 'staged 15000');
      assert.deepEqual(
        (await store.listRuns()).map((r) => r.id),
        [keptId],
      );
      w.child.kill('SIGKILL');
      assert.equal((await w.exited).signal, 'SIGKILL');
      const after = await openStore(spec);
      try {
        assert.deepEqual(
          (await after.listRuns()).map((r) => r.id),
          [keptId],
          'no trace of the killed run',
        );
        assert.equal(await count(after, 'cells'), 400);
        assert.equal(await count(after, 'recipes'), 1);
        assert.equal(await orphanRows(after), 0);
        assert.deepEqual((await after.exportRun(keptId)).cells, keep.cells);
        // a staged save that is let go on commits the whole run
        const w2 = spawnWriter(t, spec, 82, 3000, 'staged');
        await w2.waitFor('staged');
        w2.send('continue');
        assert.equal(await w2.waitFor('saved'), 'saved STAGED82');
        assert.equal((await after.getRun('STAGED82')).n_cells, 3000);
      } finally {
        await after.close();
      }
    });
  });

  test(`[${d}] two processes writing runs at once on a fresh database both land`, async (t) => {
    const spec = await h.freshSpec();
    t.after(() => h.cleanup(spec));
    const n = 15_000;
    // both children open the (not yet migrated) database and write at the same time
    const ws = [spawnWriter(t, spec, 21, n), spawnWriter(t, spec, 22, n)];
    const ids = await Promise.all(ws.map((w) => w.waitFor('saved', 120_000)));
    const exits = await Promise.all(ws.map((w) => w.exited));
    for (const x of exits) assert.equal(x.code, 0, x.stderr);
    const store = await openStore(spec);
    try {
      const runs = await store.listRuns();
      assert.deepEqual(runs.map((r) => r.id).sort(), ids.map((l) => l.split(' ')[1]).sort());
      for (const r of runs) {
        assert.equal(r.n_cells, n);
        assert.equal(await count(store, 'cells', r.id), n);
        assert.equal(await count(store, 'cycles', r.id), 200);
        assert.equal(await count(store, 'time_series', r.id), 2);
      }
      assert.equal(await count(store, 'recipes'), 2);
      assert.equal(await orphanRows(store), 0);
    } finally {
      await store.close();
    }
  });

  test(`[${d}] a reader in another process sees either nothing or the whole run`, async (t) => {
    await withStore(h, t, async (store, spec) => {
      const n = 12_000;
      const w = spawnWriter(t, spec, 31, n, 4_000);
      await w.waitFor('holding');
      // the writer's transaction is open with ≥ 4 000 cells inserted: none of it is visible
      assert.equal((await store.listRuns()).length, 0);
      assert.equal(await count(store, 'cells'), 0);
      assert.equal(await count(store, 'recipes'), 0);
      w.send('continue');
      // keep reading while the writer inserts the rest and commits: every observation is all or nothing
      const observations = new Set<string>();
      let done = false;
      void w.waitFor('saved', 120_000).then(
        () => (done = true),
        () => (done = true),
      );
      while (!done) {
        // two statements are two snapshots (READ COMMITTED): read the cells first, so that a commit
        // landing between the reads can only make the run appear, never hide it behind its cells
        const cells = await count(store, 'cells');
        const runs = await store.listRuns();
        // the run row is the second statement of the transaction; cells may only exist with it
        if (cells > 0) assert.equal(runs.length, 1, 'cells visible without their run');
        if (runs.length === 0) {
          observations.add('nothing');
        } else {
          assert.equal(runs.length, 1);
          const exp = await store.exportRun(runs[0]!.id);
          assert.equal(exp.cells.length, n, 'a visible run has all its cells');
          assert.equal(exp.cycles.length, 200);
          assert.equal(exp.time_series.length, 2);
          observations.add('whole');
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const ex = await w.exited;
      assert.equal(ex.code, 0, ex.stderr);
      const runs = await store.listRuns();
      assert.equal(runs.length, 1);
      assert.equal((await store.exportRun(runs[0]!.id)).cells.length, n);
      assert.deepEqual(await store.exportRun(runs[0]!.id).then((e) => e.cells[n - 1]), makeCells(n, 32)[n - 1]);
      assert.ok(observations.has('nothing'), 'the reader ran while the transaction was open');
    });
  });

  test(`[${d}] deleteRun and pruneRuns remove runs with everything they own, keep the rest and shared recipe texts`, async (t) => {
    await withStore(h, t, async (store) => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++)
        ids.push(
          await store.saveRun({
            ...makeInput(40 + i, {
              cells: 12,
              cycles: 3,
              points: 5,
              recipeText: i < 2 ? 'name: shared\n' : `name: r${i}\n`,
            }),
            createdAt: new Date(Date.UTC(2026, 0, 1 + i)),
          }),
        );
      const del = await store.deleteRun(ids[0]!);
      assert.deepEqual(del.runs, [ids[0]]);
      assert.equal(del.cells, 12);
      assert.equal(del.recipes, 0, 'the shared recipe text is still used by run 2');
      assert.equal(await count(store, 'cells', ids[0]), 0);
      assert.equal(await count(store, 'cells', ids[1]), 12);
      const pr = await store.pruneRuns(2);
      assert.deepEqual(pr.runs, [ids[1]]);
      assert.equal(pr.recipes, 1, 'the shared recipe text went with its last run');
      assert.deepEqual(
        (await store.listRuns()).map((r) => r.id),
        [ids[3], ids[2]],
      );
      assert.equal(await orphanRows(store), 0);
      await assert.rejects(store.deleteRun(ids[0]!), /no run matches/);
      await assert.rejects(store.pruneRuns(-1), /keep: must be an integer >= 0/);
    });
  });
}
