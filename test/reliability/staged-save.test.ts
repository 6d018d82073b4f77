/**
 * The staged save of `rollcell run` (issue 12): the production shift's worker writes the shift's cells into
 * the run's save transaction while the battery still runs, and the end commits the rest in the same
 * transaction (src/cli/job-threads.ts StagedSave, Store.beginRun). The store then holds exactly the run a
 * plain save stores; a failure or a kill between the stages leaves no run, and every earlier run intact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import Database from 'better-sqlite3';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { runJobThreaded, StagedSave } from '../../src/cli/job-threads.ts';
import { CellSpool } from '../../src/store/spool.ts';
import { openStore, type RunRecordInput } from '../../src/store/index.ts';
import { prepareRunRows } from '../../src/store/store.ts';
import { failedRunOutput, storedDetail } from '../../src/run-record.ts';
import { patentObject, testDir } from '../helpers.ts';
import { testPostgres } from '../support/postgres.ts';
import { randomBytes } from 'node:crypto';

const skip = availableParallelism() < 2 ? 'one core: the job runs in one thread, nothing is staged' : false;
const dir = testDir('rollcell-staged-');
const BIN = fileURLToPath(new URL('../../bin/rollcell.js', import.meta.url));

function recipeText(): string {
  const r = patentObject();
  r.cycling = { ...r.cycling, ageing_cycles: 0, rate_capability: false };
  r.battery = { series: 2, parallel: 2, application: 'ess_solar', extras: { years: 1 } };
  r.production = { ...r.production, duration_h: 0.05 };
  return stringify(r);
}

/** every row of a SQLite store's tables, the run's id replaced (two runs of one job compare equal) */
function rowsOf(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    const runs = db.prepare('select * from runs').all() as { id: string; created_at: string }[];
    for (const t of ['runs', 'recipes', 'station_results', 'cells', 'cycles', 'time_series'])
      out[t] = (db.prepare(`select * from ${t} order by rowid`).all() as Record<string, unknown>[]).map((r) => {
        const { created_at: _c, ...rest } = r;
        return rest;
      });
    let s = JSON.stringify(out);
    for (const r of runs) s = s.split(r.id).join('<run>');
    return s;
  } finally {
    db.close();
  }
}

/** the job of `rollcell run` on the threads with a staged save, and the run's save input */
async function stagedJob(text: string, dbSpec: string, runId: string) {
  const p = parseRecipeText(text);
  if (!p.ok) throw new Error('recipe');
  const spool = new CellSpool(dir);
  const stage = new StagedSave(dbSpec, { runId, recipeText: text, recipe: p.recipe });
  const res = await runJobThreaded(p.recipe, { seed: 3, runId, production: true, battery: true }, spool, stage);
  const input: RunRecordInput = {
    recipeText: text,
    recipe: p.recipe,
    seed: 3,
    runId,
    output: res.output,
    ...storedDetail(res),
    cellStream: spool.stream(res.batteryCells),
  };
  return { stage, spool, res, input };
}

test(
  'staged save: the shift thread stages the cells, the commit stores exactly the run a plain save stores',
  { skip },
  async () => {
    const text = recipeText();
    const a = join(dir, 'staged.db');
    const b = join(dir, 'plain.db');
    for (const f of [a, b]) await (await openStore(f)).close();
    const { stage, spool, res, input } = await stagedJob(text, a, 'RUNSTAGED');
    try {
      assert.ok(stage.attached, "the save was staged on the shift's thread");
      assert.ok(res.batteryCells && res.batteryCells.count === 4, 'the pack took 4 of the shift cells');
      assert.ok(spool.count > 10, `${spool.count} cells`);
      const committed = await stage.commit(prepareRunRows(input), { cells: spool.count, battery: res.batteryCells });
      assert.equal(committed, true, 'stored by the staged save');
      const plain = await openStore(b);
      try {
        await plain.saveRun(input);
      } finally {
        await plain.close();
      }
      const staged = rowsOf(a);
      assert.ok(staged === rowsOf(b), 'the same rows, in the same order');
      const cells = (JSON.parse(staged) as { cells: { genealogy_json: string | null }[] }).cells;
      const named = cells.filter((c) => String(c.genealogy_json).includes('"battery_serial":"BAT-<run>"'));
      assert.equal(named.length, 4, "the pack's 4 cells point to the battery");
    } finally {
      await stage.abort();
      spool.dispose();
    }
  },
);

test(
  "staged save: a job that fails after its cells are staged, or cells that are not the run's, leave no run; earlier runs stay; the plain save then works",
  { skip },
  async () => {
    const text = recipeText();
    const f = join(dir, 'fail.db');
    const s = await openStore(f);
    try {
      const earlier = await s.saveRun({
        recipeText: 'x: 1\n',
        recipe: { x: 1 },
        seed: 1,
        runId: 'EARLIER',
        output: failedRunOutput('EARLIER', 'an earlier run'),
      });
      const before = rowsOf(f);
      // 1. the job failed after the shift (here: the caller gives up): rolled back
      let job = await stagedJob(text, f, 'RUNFAIL1');
      assert.ok(job.stage.attached, 'job.stage.attached');
      await job.stage.abort();
      job.spool.dispose();
      assert.equal(rowsOf(f), before, 'no trace of the run, not even its recipe row');
      // 2. the cells staged are not the run's (one more cell in the spool than staged): not committed, and the
      // plain save stores the run whole
      job = await stagedJob(text, f, 'RUNFAIL2');
      try {
        const n = job.spool.count;
        assert.equal(
          await job.stage.commit(prepareRunRows(job.input), { cells: n + 1, battery: job.res.batteryCells }),
          false,
        );
        assert.equal(rowsOf(f), before);
        await s.saveRun(job.input);
        assert.equal((await s.getRun('RUNFAIL2')).n_cells, n);
        assert.equal(await s.countCells('RUNFAIL2'), n);
        assert.deepEqual((await s.listRuns()).map((r) => r.id).sort(), [earlier, 'RUNFAIL2'].sort());
      } finally {
        await job.stage.abort();
        job.spool.dispose();
      }
    } finally {
      await s.close();
    }
  },
);

test(
  'staged save: `rollcell run` killed (SIGKILL) after its cells are staged leaves no half run; earlier runs intact',
  { skip },
  async () => {
    const text = recipeText();
    const rf = join(dir, 'kill.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(rf, text);
    const db = join(dir, 'kill.db');
    const s0 = await openStore(db);
    const earlier = await s0.saveRun({
      recipeText: 'x: 2\n',
      recipe: { x: 2 },
      seed: 1,
      runId: 'KEEP',
      output: failedRunOutput('KEEP', 'an earlier run'),
    });
    await s0.close();
    const before = rowsOf(db);
    const child = spawn(process.execPath, [BIN, 'run', rf, '--quiet', '--db', db, '--out', dir], {
      env: { ...process.env, ROLLCELL_TIMINGS: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    const killed = new Promise<string>((resolve) => {
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => {
        err += d;
        if (/timing: worker cells staged/.test(err) && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve(err);
        }
      });
      child.on('exit', () => resolve(err));
    });
    const seen = await killed;
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    assert.match(seen, /timing: worker cells staged/, seen);
    assert.equal(child.signalCode, 'SIGKILL', 'killed between the stages (before its commit)');
    assert.doesNotMatch(seen, /timing: worker staged save committed/);
    const s = await openStore(db);
    try {
      assert.deepEqual(
        (await s.listRuns()).map((r) => r.id),
        [earlier],
      );
    } finally {
      await s.close();
    }
    assert.equal(rowsOf(db), before, 'no trace of the killed run');
  },
);

test(
  "staged save on PostgreSQL: the worker's own connection stages the cells, the commit stores the run a plain save stores",
  { skip },
  async () => {
    const server = await testPostgres();
    const spec = (name: string): string => {
      const u = new URL(server.url);
      u.searchParams.set('schema', `rc_staged_${name}_${process.pid}_${randomBytes(3).toString('hex')}`);
      return u.toString();
    };
    const [a, b] = [spec('a'), spec('b')];
    const sa = await openStore(a);
    const sb = await openStore(b);
    const text = recipeText();
    const { stage, spool, res, input } = await stagedJob(text, a, 'PGSTAGED');
    try {
      assert.ok(stage.attached, 'stage.attached');
      assert.equal(
        await stage.commit(prepareRunRows(input), { cells: spool.count, battery: res.batteryCells }),
        true,
        'stored by the staged save',
      );
      await sb.saveRun(input); // the same run id, in the other schema
      const x = await sa.exportRun('PGSTAGED');
      const y = await sb.exportRun('PGSTAGED');
      assert.deepEqual({ ...x, run: { ...x.run, created_at: '' } }, { ...y, run: { ...y.run, created_at: '' } });
      assert.equal(x.cells.length, spool.count);
    } finally {
      await stage.abort();
      spool.dispose();
      for (const [s, sp] of [
        [sa, a],
        [sb, b],
      ] as const) {
        await s.close();
        const admin = new (await import('pg')).default.Client({ connectionString: server.url });
        await admin.connect();
        await admin.query(`drop schema if exists "${new URL(sp).searchParams.get('schema')!}" cascade`);
        await admin.end();
      }
    }
  },
);
