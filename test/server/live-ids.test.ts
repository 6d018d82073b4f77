/**
 * The routes of runs, sweeps and campaigns in progress find them as the routes of stored ones do: by the
 * id or a unique prefix of it (case as the store takes it), and a prefix that names more than one — jobs
 * in the server's memory or records stored — is a 409 naming them all. The jobs here are the managers'
 * records, put in place (no pipeline runs): what is tested is how a route finds them.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../src/server/app.ts';
import type { Job, JobEvent, JobManager } from '../../src/server/jobs.ts';
import type { LongJob, LongJobEvent, LongJobs } from '../../src/server/studies.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.ts';
import { makeInput } from '../store/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'rollcell-live-ids-'));
let store: Store;
let stored = '';
const runs = new Map<string, Job>();
const long = new Map<string, LongJob>();
let app: ReturnType<typeof createApp>['app'];

const job = (runId: string, state: Job['state']): Job => ({
  runId,
  state,
  stage: state === 'running' ? 'line' : null,
  error: null,
  problems: [],
  cellsSeen: 7,
  replayCells: 0,
  start: null,
  tNow: 0,
  live: null,
  events: [
    { event: 'state', data: { state, stage: 'line' } },
    { event: 'done', data: { run_id: runId } },
  ],
  listeners: new Set(),
  task: { runId, text: '', seed: 1, production: false, battery: false },
  finishedAt: null,
});
const longJob = (kind: 'sweep' | 'campaign', id: string): LongJob => ({
  kind,
  id,
  state: 'running',
  distributed: false,
  progress: null,
  problems: [],
  last: { event: 'done', data: { id } },
  listeners: new Set(),
});

before(async () => {
  store = await openStore(join(dir, 'r.db'));
  stored = await store.saveRun(makeInput(21, { cells: 4 }));
  // the run manager and the sweep/campaign manager, as far as the routes read them
  const jobs = {
    get: (id: string) => runs.get(id),
    list: () => [...runs.values()],
    subscribe: (id: string, f: (e: JobEvent) => void) => {
      for (const e of runs.get(id)?.events ?? []) f(e);
      return () => {};
    },
    liveShift: () => null,
  } as unknown as JobManager;
  const longJobs = {
    get: (kind: string, id: string) => long.get(`${kind}:${id}`),
    active: (kind: string) => [...long.values()].filter((j) => j.kind === kind && j.state === 'running'),
    subscribe: (j: LongJob, f: (e: LongJobEvent) => void) => {
      if (j.last) f(j.last);
      return () => {};
    },
  } as unknown as LongJobs;
  app = createApp({ store, jobs, longJobs, token: null, loopback: false, webDir: null }).app;
  // runs in progress: one alone under its prefix, two sharing one, one sharing its first 25 characters with the
  // stored run; a sweep and a campaign running, not stored yet
  runs.set('ZZZZ0000000000000000000001', job('ZZZZ0000000000000000000001', 'running'));
  runs.set('YYYY1000000000000000000001', job('YYYY1000000000000000000001', 'running'));
  runs.set('YYYY2000000000000000000001', job('YYYY2000000000000000000001', 'queued'));
  const twin = stored.slice(0, 25) + (stored.endsWith('0') ? '1' : '0');
  runs.set(twin, job(twin, 'running'));
  long.set('sweep:s0123456789abcdef', longJob('sweep', 's0123456789abcdef'));
  long.set('campaign:cfedcba9876543210', longJob('campaign', 'cfedcba9876543210'));
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = async (path: string) => {
  const r = await app.request(path);
  const text = await r.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* an event stream */
  }
  return { status: r.status, body };
};

test('a run in progress is found by a unique prefix of its id, in either case, on every route that reads it', async () => {
  // until now only the exact id: a prefix answered 404 "no stored run" for a run that was running
  for (const prefix of ['ZZZZ', 'zzzz', 'ZZZZ000']) {
    const s = await get(`/api/runs/${prefix}/state`);
    assert.equal(s.status, 200, JSON.stringify(s.body));
    assert.deepEqual([s.body.run_id, s.body.state, s.body.cells], ['ZZZZ0000000000000000000001', 'running', 7]);
  }
  const ev = await get('/api/runs/zzzz/events');
  assert.equal(ev.status, 200);
  assert.match(ev.body, /event: done\ndata: \{"run_id":"ZZZZ0000000000000000000001"\}/);
  const run = await get('/api/runs/ZZZZ');
  assert.equal(run.status, 409);
  assert.equal(run.body.problems[0].problem, 'the run is still in progress');
  assert.match(run.body.problems[0].allowed, /\/api\/runs\/ZZZZ0000000000000000000001\/events/);
  const shift = await get('/api/runs/ZZZZ/shift');
  assert.equal(shift.status, 409);
  assert.match(shift.body.problems[0].problem, /not started its production shift/);
  const cmp = await get(`/api/compare?ids=${stored},ZZZZ`);
  assert.equal(cmp.status, 409);
  assert.equal(cmp.body.problems[0].path, 'query.ids');
});

test('a prefix of two runs in progress, or of one in progress and one stored, is a 409 naming both', async () => {
  for (const url of ['/api/runs/YYYY/state', '/api/runs/YYYY/events', '/api/runs/YYYY', '/api/runs/YYYY/shift']) {
    const r = await get(url);
    assert.equal(r.status, 409, url);
    const p = r.body.problems[0];
    assert.deepEqual([p.path, p.problem, p.got], ['params.id', 'the prefix names more than one run', '"YYYY"'], url);
    assert.equal(p.allowed, 'a longer prefix: one of YYYY1000000000000000000001, YYYY2000000000000000000001', url);
  }
  // the stored run and the one in progress share 25 characters: the store alone would have answered the stored one
  const r = await get(`/api/runs/${stored.slice(0, 25)}/state`);
  assert.equal(r.status, 409, JSON.stringify(r.body));
  const allowed: string = r.body.problems[0].allowed;
  assert.ok(allowed.includes(stored) && allowed.includes([...runs.keys()][3]!), allowed);
  // either one by its full id
  assert.equal((await get(`/api/runs/${stored}/state`)).body.state, 'completed');
  assert.equal((await get(`/api/runs/${[...runs.keys()][3]}/state`)).body.state, 'running');
});

test('a sweep or campaign running here is found by a unique prefix of its id before it is stored', async () => {
  const sw = await get('/api/sweeps/s0123/events');
  assert.equal(sw.status, 200, JSON.stringify(sw.body));
  assert.match(sw.body, /event: done\ndata: \{"id":"s0123456789abcdef"\}/);
  const k = await get('/api/campaigns/CFEDC/events');
  assert.equal(k.status, 200, JSON.stringify(k.body));
  assert.match(k.body, /event: done\ndata: \{"id":"cfedcba9876543210"\}/);
  const none = await get('/api/campaigns/c0000/events');
  assert.equal(none.status, 404);
});
