// The HTTP API served on PostgreSQL sends a sweep through the job queue to a `rollcell worker` process
// (started together with the request, on a fresh schema) and follows it by SSE to done; the stored table
// is complete with no duplicate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { testPostgres } from '../support/postgres.ts';
import { PATENT_YAML } from '../helpers.ts';
import { startServer } from '../../src/server/serve.ts';
import { queueSchema } from '../../src/jobs/queue.ts';
import { readEvents } from '../server/helpers.ts';

const BIN = new URL('../../bin/rollcell.js', import.meta.url).pathname;
const STUDY = `name: api distributed
parameters:
  stations.240.force_N: [150, 200, 250, 300, 400, 500]
  stations.240.temperature_C: [60, 80, 100, 120, 140, 150, 160, 170]
outputs: [line.anode.thickness_um, claims.6]
`;

test('[postgres] POST /api/sweeps on a PostgreSQL server goes to the rollcell worker through the queue and completes', async () => {
  const server = await testPostgres();
  const schema = `rc_api_${process.pid}_${randomBytes(3).toString('hex')}`;
  const u = new URL(server.url);
  u.searchParams.set('schema', schema);
  const db = u.toString();
  const admin = new pg.Pool({ connectionString: server.url, max: 1 });
  admin.on('error', () => {});
  const srv = await startServer({ db, port: 0, host: '127.0.0.1', noWeb: true, log: () => {} });
  const w = spawn(process.execPath, [BIN, 'worker', '--db', db, '--concurrency', '1', '--idle-exit-s', '60'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let werr = '';
  w.stderr!.on('data', (d: Buffer) => (werr += d.toString()));
  const wexit = new Promise<number | null>((res) => w.on('exit', (c) => res(c)));
  try {
    const r = await fetch(`${srv.url}/api/sweeps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: PATENT_YAML, study: STUDY }),
    });
    const body = (await r.json()) as { study_id: string; distributed: boolean; events: string };
    assert.equal(r.status, 202, JSON.stringify(body));
    assert.equal(body.distributed, true);
    const events = await readEvents(srv.url + body.events);
    assert.equal(events.at(-1)!.event, 'done', `${JSON.stringify(events.at(-1))}\n${werr}`);
    const rows = await admin.query(
      `select count(*)::int as n, count(distinct idx)::int as d from "${schema}".study_points where study_id = $1`,
      [body.study_id],
    );
    assert.deepEqual(rows.rows[0], { n: 48, d: 48 });
    // the worker ran shards (the coordinator runs 4 probe points itself)
    const jobs = await admin.query(
      `select count(*)::int as n from "${queueSchema(schema)}".job where state = 'completed' and data->>'study_id' = $1`,
      [body.study_id],
    );
    assert.ok(jobs.rows[0].n >= 1, werr);
    const s = await (await fetch(`${srv.url}/api/sweeps/${body.study_id}`)).json();
    assert.equal((s as { status: string }).status, 'completed');
  } finally {
    w.kill('SIGTERM');
    await wexit;
    await srv.close();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.query(`drop schema if exists "${queueSchema(schema)}" cascade`);
    await admin.end();
  }
});
