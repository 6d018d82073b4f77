// Scale-out against a real PostgreSQL (test/support/postgres.ts): distributed sweeps run by worker
// processes give the table of a single-machine run, lose and duplicate nothing when a worker is killed
// with SIGKILL mid-shard or the coordinator is killed and started again, record a poisoned point and go
// on, and a worker that loses its database exits with a message naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { testPostgres, startPostgres } from '../support/postgres.ts';
import { PATENT_YAML, cli, testDir } from '../helpers.ts';
import { prepareStudyText } from '../../src/study/prepare.ts';
import { JobQueue, queueSchema } from '../../src/jobs/queue.ts';
import { runWorker } from '../../src/jobs/worker.ts';
import { runDistributedSweep } from '../../src/jobs/coordinator.ts';
import { openStore, StudyStore } from '../../src/store/index.ts';

const BIN = new URL('../../bin/rollcell.js', import.meta.url).pathname;
const server = await testPostgres();
const admin = new pg.Pool({ connectionString: server.url, max: 2 });
admin.on('error', () => {});
test.after(() => admin.end());

// 48 line-only points on a 6 × 8 grid (a few ms each)
const STUDY = `name: scale
parameters:
  stations.240.force_N: [150, 200, 250, 300, 400, 500]
  stations.240.temperature_C: [60, 80, 100, 120, 140, 150, 160, 170]
outputs: [line.anode.thickness_um, line.anode.free_li_um, claims.6]
`;

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function rollcell(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function until(what: string, f: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!(await f())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function setup(): { dir: string; recipe: string; study: string; db: string; schema: string; id: string } {
  const schema = `rc_scale_${process.pid}_${randomBytes(3).toString('hex')}`;
  const u = new URL(server.url);
  u.searchParams.set('schema', schema);
  const dir = testDir('rollcell-scale-');
  const recipe = join(dir, 'r.yaml');
  const study = join(dir, 's.yaml');
  writeFileSync(recipe, PATENT_YAML);
  writeFileSync(study, STUDY);
  const id = prepareStudyText('sweep', { text: PATENT_YAML, name: recipe }, { text: STUDY, name: study }).id;
  return { dir, recipe, study, db: u.toString(), schema, id };
}

async function cleanup(schema: string): Promise<void> {
  await admin.query(`drop schema if exists "${schema}" cascade`);
  await admin.query(`drop schema if exists "${queueSchema(schema)}" cascade`);
}

async function shardStates(schema: string, id: string): Promise<Record<string, number>> {
  try {
    const r = await admin.query(
      `select state, count(*)::int as n from "${queueSchema(schema)}".job where data->>'study_id' = $1 group by state`,
      [id],
    );
    return Object.fromEntries(r.rows.map((x: { state: string; n: number }) => [x.state, x.n]));
  } catch {
    return {};
  }
}

async function pointRows(schema: string, id: string): Promise<{ n: number; distinct: number }> {
  const r = await admin.query(
    `select count(*)::int as n, count(distinct idx)::int as d from "${schema}".study_points where study_id = $1`,
    [id],
  );
  return { n: r.rows[0].n, distinct: r.rows[0].d };
}

test('[postgres] a sweep on worker processes equals the single-machine table: a worker SIGKILLed mid-shard and a killed, restarted coordinator lose and duplicate nothing', async () => {
  const s = setup();
  try {
    // the reference: the same sweep in this process, on SQLite, one thread
    const ref = await cli([
      'sweep',
      s.recipe,
      s.study,
      '--db',
      join(s.dir, 'ref.db'),
      '--out',
      s.dir,
      '--workers',
      '0',
      '--csv',
      join(s.dir, 'ref.csv'),
    ]);
    assert.equal(ref.code, 0, ref.stderr);
    assert.match(ref.stdout, new RegExp(`stored as study ${s.id}`));

    const sweepArgs = ['sweep', s.recipe, s.study, '--db', s.db, '--out', s.dir, '--distributed'];
    const shardArgs = ['--shard-points', '6', '--lease-s', '2'];
    // a coordinator enqueues 8 shards, then is killed before any worker ran
    const c1 = rollcell([...sweepArgs, ...shardArgs]);
    await until('shards enqueued', async () => (await shardStates(s.schema, s.id))['created'] === 8);
    c1.child.kill('SIGKILL');
    await c1.exit;

    // worker 1 dies (SIGKILL, as a crash) when it reaches point 20, in the middle of its shard [18, 24)
    const w1 = rollcell(['worker', '--db', s.db, '--concurrency', '1'], { ROLLCELL_WORKER_DIE_AT: `${s.id}:20` });
    const d1 = await w1.exit;
    assert.equal(d1.signal, 'SIGKILL', w1.stderr());
    const held = await shardStates(s.schema, s.id);
    assert.equal(held['active'], 1, `the dead worker's shard is still leased: ${JSON.stringify(held)}`);
    assert.equal(
      (await pointRows(s.schema, s.id)).n,
      18,
      'the three shards before it are stored, nothing of the fourth',
    );

    // the coordinator again (same command): it follows the queued shards; two workers share the rest
    const c2 = rollcell([...sweepArgs, ...shardArgs, '--csv', join(s.dir, 'dist.csv')]);
    const w2 = rollcell(['worker', '--db', s.db, '--concurrency', '1', '--idle-exit-s', '20']);
    const w3 = rollcell(['worker', '--db', s.db, '--concurrency', '1', '--idle-exit-s', '20']);
    const e2 = await c2.exit;
    assert.equal(e2.code, 0, c2.stderr());
    assert.match(c2.stdout(), /48 points \(0 failed\), resumed/);
    for (const w of [w2, w3]) w.child.kill('SIGTERM');
    const [x2, x3] = await Promise.all([w2.exit, w3.exit]);
    assert.equal(x2.code, 0, w2.stderr());
    assert.equal(x3.code, 0, w3.stderr());
    // the four shards never started and the dead worker's shard, run again after its lease
    const ran = [w2, w3].map((w) => (JSON.parse(w.stdout().trim().split('\n').at(-1)!) as { shards: number }).shards);
    assert.ok(ran[0]! + ran[1]! >= 5, `the workers ran ${ran.join(' + ')} shards`);

    assert.deepEqual(await pointRows(s.schema, s.id), { n: 48, distinct: 48 });
    assert.equal(
      readFileSync(join(s.dir, 'dist.csv'), 'utf8'),
      readFileSync(join(s.dir, 'ref.csv'), 'utf8'),
      'the distributed table is the single-machine table, bit for bit',
    );
    const states = await shardStates(s.schema, s.id);
    assert.equal(states['completed'], 8, JSON.stringify(states));
  } finally {
    await cleanup(s.schema);
  }
});

test('[postgres] a point that kills every worker that tries it is recorded as poisoned and the study completes', async () => {
  const s = setup();
  try {
    const args = ['sweep', s.recipe, s.study, '--db', s.db, '--out', s.dir, '--distributed'];
    const c = rollcell([...args, '--shard-points', '12', '--lease-s', '1', '--shard-retries', '2']);
    const die = { ROLLCELL_WORKER_DIE_AT: `${s.id}:30` };
    // first try and first retry: the worker dies at point 30
    for (let k = 0; k < 2; k++) {
      const w = rollcell(['worker', '--db', s.db, '--concurrency', '1'], die);
      const x = await w.exit;
      assert.equal(x.signal, 'SIGKILL', w.stderr());
    }
    // the second retry records it without trying it again
    const w = rollcell(['worker', '--db', s.db, '--concurrency', '1', '--idle-exit-s', '20'], die);
    const e = await c.exit;
    assert.equal(e.code, 0, c.stderr());
    assert.match(c.stdout(), /48 points \(1 failed\)/);
    w.child.kill('SIGTERM');
    await w.exit;
    const r = await admin.query(`select idx, status, error from "${s.schema}".study_points where status = 'failed'`);
    assert.equal(r.rows.length, 1);
    assert.equal(r.rows[0].idx, 30);
    assert.match(r.rows[0].error, /^poisoned: the workers that tried this point died/);
  } finally {
    await cleanup(s.schema);
  }
});

test('[postgres] a worker whose database goes away exits after --reconnect-s with a message naming it', async () => {
  const own = await startPostgres();
  try {
    const w = rollcell(['worker', '--db', own.url, '--concurrency', '1', '--reconnect-s', '2']);
    await until('the worker to start', async () => /rollcell worker .*database/.test(w.stderr()));
    await own.kill('SIGKILL');
    const x = await w.exit;
    assert.equal(x.code, 3, w.stderr());
    assert.match(
      w.stderr(),
      /rollcell worker: lost the connection to postgres:\/\/postgres@127\.0\.0\.1:\d+\/rollcell_test and could not get it back within 2 s \(last error: .+\)/,
    );
  } finally {
    await own.stop();
  }
});

test('[postgres] processes opening the queue of a fresh database at the same moment all open it (no deadlock installing it)', async () => {
  const s = setup();
  try {
    const opened = await Promise.allSettled(
      [0, 1, 2].map(() => JobQueue.open(s.db, { maintenanceIntervalSeconds: 3600 })),
    );
    for (const q of opened) if (q.status === 'fulfilled') await q.value.close();
    assert.deepEqual(
      opened.map((q) => (q.status === 'fulfilled' ? 'open' : String(q.reason))),
      ['open', 'open', 'open'],
    );
  } finally {
    await cleanup(s.schema);
  }
});

test('[postgres] an idle worker claims queued shards at once (NOTIFY), not at its next poll; the coordinator sees the last shard at once', async () => {
  const s = setup();
  const ac = new AbortController();
  const store = await openStore(s.db);
  const queue = await JobQueue.open(s.db);
  // both poll every 60 s: before the wake-ups the study took ≥ 60 s (the worker slept through the enqueue,
  // the coordinator through the last shard)
  const worker = runWorker({ db: s.db, concurrency: 1, pollSeconds: 60, signal: ac.signal });
  try {
    await new Promise((r) => setTimeout(r, 1500)); // the worker found the queue empty and sleeps
    const ps = prepareStudyText('sweep', { text: PATENT_YAML, name: s.recipe }, { text: STUDY, name: s.study });
    const t0 = performance.now();
    const r = await runDistributedSweep(ps, { store: new StudyStore(store), queue, shardPoints: 12, pollSeconds: 60 });
    const seconds = (performance.now() - t0) / 1000;
    assert.equal(r.rows.length, 48);
    assert.equal(r.shards, 4);
    assert.ok(seconds < 30, `the study took ${seconds.toFixed(1)} s with 60 s polls`);
  } finally {
    ac.abort();
    const w = await worker;
    assert.equal(w.points, 48);
    assert.equal(w.studies.length, 1);
    assert.equal(w.studies[0]!.timing.first_shard_points, 12);
    await queue.close();
    await store.close();
    await cleanup(s.schema);
  }
});

test('[postgres] --distributed is checked before anything runs', async () => {
  const s = setup();
  const a = await cli(['sweep', s.recipe, s.study, '--db', join(s.dir, 'x.db'), '--distributed']);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /--db: --distributed needs the PostgreSQL database the workers share \(got ".*x\.db"/);
  const b = await cli(['sweep', s.recipe, s.study, '--db', s.db, '--distributed', '--shard-retries', '1']);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /--shard-retries: must be a whole number \(got "1"; allowed 2 … 100\)/);
  const c = await cli(['worker', '--db', 'rollcell.db']);
  assert.equal(c.code, 2);
  assert.match(c.stderr, /--db: a worker takes its shards from the PostgreSQL queue/);
  const d = await cli(['worker', '--db', s.db, '--reconnect-s', '-1']);
  assert.equal(d.code, 2);
  assert.match(d.stderr, /--reconnect-s: must be a number of seconds \(got "-1"; allowed 0 … 86400\)/);
  const e = await cli(['worker', '--db', s.db, '--concurrency', '1.5']);
  assert.equal(e.code, 2);
  assert.match(e.stderr, /--concurrency: must be a whole number \(got "1\.5"; allowed 1 … 256\)/);
});

test('[postgres] a production campaign on a worker equals the same campaign run here; rolls, lots and splices join across its whole-roll shards', async () => {
  const s = setup();
  try {
    // rolls of 10, 20 and 5 m: shards of 20 m of laminate (200 cell positions), 5 shards for 1000
    const text = PATENT_YAML.replace(
      /roll_length_m: \{[^}]*\}/,
      'roll_length_m: { first_sheet: 10, al_sheet: 20, third_sheet: 5 }',
    );
    assert.notEqual(text, PATENT_YAML);
    writeFileSync(s.recipe, text);
    const here = await cli(['run', s.recipe, '--campaign', '1000', '--db', join(s.dir, 'c.db'), '--json']);
    assert.equal(here.code, 0, here.stderr);
    const a = JSON.parse(here.stdout) as {
      campaign_id: string;
      plan: { shards: number; shard_length_m: number };
      summary: {
        cells_total: number;
        rolls: Record<string, number>;
        lots: { lot: string; rolls: number }[];
        splices: number;
      };
    };
    assert.deepEqual([a.plan.shards, a.plan.shard_length_m], [5, 20]);
    // 100 m of laminate: 10, 5 and 20 whole rolls, every lot of 10 rolls (the default) counted once
    assert.deepEqual(a.summary.rolls, { first_sheet: 10, al_sheet: 5, third_sheet: 20 });
    assert.deepEqual(
      a.summary.lots.map((l) => `${l.lot}:${l.rolls}`),
      ['LOT-CAT-001:10', 'LOT-AL-001:5', 'LOT-LICU-001:10', 'LOT-LICU-002:10'],
    );
    // every roll change of the campaign: 9 + 4 + 19 inside or at the boundaries of the shards
    assert.equal(a.summary.splices, 32);

    // the worker starts together with the coordinator on this fresh database (the natural order: both
    // open the queue at once; JobQueue.open installs it under an advisory lock, commit 18646a2)
    const dist = rollcell(['run', s.recipe, '--campaign', '1000', '--db', s.db, '--json']);
    const w = rollcell(['worker', '--db', s.db, '--concurrency', '1', '--idle-exit-s', '20']);
    const e = await dist.exit;
    assert.equal(e.code, 0, dist.stderr());
    w.child.kill('SIGTERM');
    await w.exit;
    const b = JSON.parse(dist.stdout()) as typeof a;
    assert.equal(b.campaign_id, a.campaign_id);
    assert.deepEqual(b.summary, a.summary, 'the same campaign, shard by shard, whoever ran it');
    // the worker stored every cell's genealogy once, next to its shard
    const g = await admin.query(
      `select count(*)::int as n, count(distinct serial)::int as d from "${s.schema}".campaign_cells where campaign_id = $1`,
      [b.campaign_id],
    );
    assert.deepEqual(g.rows[0], { n: b.summary.cells_total, d: b.summary.cells_total });
  } finally {
    await cleanup(s.schema);
  }
});
