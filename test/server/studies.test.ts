/**
 * Sweeps and production campaigns over the HTTP API on the embedded SQLite (they run on this server's
 * worker threads): started, followed by SSE to `done`, read back with the same rows the CLI stores, listed,
 * with the per-cell genealogy and campaign-wide SPC of a campaign; bad requests are Problems naming the
 * field. (Through PostgreSQL the same calls go to the queue: src/jobs/coordinator.ts and
 * src/jobs/campaign-coordinator.ts, tested with real workers in test/jobs/distributed.test.ts.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PATENT, readEvents, startTestServer, type TestServer } from './helpers.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t?.close();
});

// 48 line-only points on a 6 × 8 grid
const STUDY = `name: api sweep
parameters:
  stations.240.force_N: [150, 200, 250, 300, 400, 500]
  stations.240.temperature_C: [60, 80, 100, 120, 140, 150, 160, 170]
outputs: [line.anode.thickness_um, claims.6]
`;

test('a sweep started over the API runs on the local pool, streams progress to done, and reads back every point', async () => {
  const r = await t.post('/api/sweeps', { text: PATENT, study: STUDY });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.distributed, false);
  const id = r.body.study_id as string;
  assert.match(id, /^s[0-9a-f]{15}$/);
  const events = await readEvents(t.base + r.body.events);
  assert.equal(events.at(-1)!.event, 'done', JSON.stringify(events.at(-1)));
  const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.done as number);
  assert.ok(progress.length >= 1 && progress.at(-1) === 48, `progress ${progress.join(',')}`);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]!, 'progress never goes back');
  const s = await t.json(`/api/sweeps/${id}`);
  assert.equal(s.status, 200);
  assert.equal(s.body.status, 'completed');
  assert.deepEqual(s.body.inputs, ['stations.240.force_N', 'stations.240.temperature_C']);
  assert.equal(s.body.points.length, 48);
  assert.deepEqual(
    s.body.points.map((p: { idx: number }) => p.idx),
    Array.from({ length: 48 }, (_, i) => i),
  );
  // the grid's values, every point with an anode thickness
  assert.deepEqual(s.body.points[0].values, [150, 60]);
  for (const p of s.body.points) assert.ok(typeof p.outputs[0] === 'number' && p.outputs[0] > 0, JSON.stringify(p));
  const list = await t.json('/api/sweeps');
  assert.ok(
    list.body.sweeps.some((x: { id: string }) => x.id === id),
    'list.body.sweeps.some((x: { id: string }) => x.id === id)',
  );
  // the same request again: the stored study (nothing re-run), done at once
  const again = await t.post('/api/sweeps', { text: PATENT, study: STUDY });
  assert.equal(again.body.study_id, id);
  const ev2 = await readEvents(t.base + again.body.events);
  assert.equal(ev2.at(-1)!.event, 'done');
});

test('sweep and campaign requests that cannot run are Problems naming the field', async () => {
  const badStudy = await t.post('/api/sweeps', {
    text: PATENT,
    study: STUDY.replace('stations.240.force_N', 'stations.240.nope'),
  });
  assert.equal(badStudy.status, 422);
  assert.match(badStudy.body.problems[0].path, /^body\.study\.parameters/);
  const noStudy = await t.post('/api/sweeps', { text: PATENT });
  assert.equal(noStudy.status, 400);
  assert.equal(noStudy.body.problems[0].path, 'body.study');
  const zero = await t.post('/api/campaigns', { text: PATENT, cells: 0 });
  assert.equal(zero.status, 400);
  assert.equal(zero.body.problems[0].path, 'body.cells');
  const badRecipe = await t.post('/api/campaigns', {
    text: PATENT.replace('thickness_um: 30', 'thickness_um: 0'),
    cells: 10,
  });
  assert.equal(badRecipe.status, 422);
  assert.equal((await t.json('/api/sweeps/nope')).status, 404);
  assert.equal((await t.json('/api/campaigns/nope')).status, 404);
});

test('a campaign started over the API runs its whole-roll shards off the request thread; its cells, rolls and control charts are read back', async () => {
  const text = PATENT.replace(
    /roll_length_m: \{[^}]*\}/,
    'roll_length_m: { first_sheet: 10, al_sheet: 20, third_sheet: 5 }',
  );
  const r = await t.post('/api/campaigns', { text, cells: 1000, seed: 1 });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  assert.equal(r.body.shards, 5);
  const id = r.body.campaign_id as string;
  // the server answers while the shards run
  assert.equal((await t.json('/api/health')).status, 200);
  const events = await readEvents(t.base + r.body.events);
  assert.equal(events.at(-1)!.event, 'done', JSON.stringify(events.at(-1)));
  assert.ok(
    events.some((e) => e.event === 'progress' && e.data.unit === 'shards' && e.data.total === 5),
    "events.some((e) => e.event === 'progress' && e.data.unit === 'shards' && e.data.total ===…",
  );
  const c = await t.json(`/api/campaigns/${id}`);
  assert.equal(c.status, 200);
  assert.equal(c.body.status, 'completed');
  assert.equal(c.body.shards_done, 5);
  const chart = c.body.summary.spc.anode_thickness_um;
  assert.deepEqual(chart.rolls, ['AL-000001', 'AL-000002', 'AL-000003', 'AL-000004', 'AL-000005']);
  assert.ok(
    chart.ucl > chart.center && chart.center > chart.lcl,
    'chart.ucl > chart.center && chart.center > chart.lcl',
  );
  // a roll's cells, and one cell's parents: the same roll at the same MD position
  const roll = await t.json(`/api/campaigns/${id}/rolls/AL-000003`);
  assert.equal(roll.status, 200);
  assert.equal(roll.body.cells.length, chart.n[2], 'the cells of AL-000003 are the ones behind its point on the chart');
  const first = roll.body.cells[0];
  const cell = await t.json(`/api/campaigns/${id.slice(0, 8)}/cells/${first.serial}`);
  assert.equal(cell.status, 200);
  assert.equal(cell.body.rolls.al_sheet, 'AL-000003');
  assert.equal(cell.body.shard, 2, 'AL-000003 is the third 20-m roll: shard 2');
  assert.equal((await t.json(`/api/campaigns/${id}/rolls/AL-000099`)).status, 404);
  assert.equal((await t.json(`/api/campaigns/${id}/cells/nope`)).status, 404);
  const list = await t.json('/api/campaigns');
  assert.ok(
    list.body.campaigns.some((x: { id: string; shards_done: number }) => x.id === id && x.shards_done === 5),
    'list.body.campaigns.some((x: { id: string; shards_done: number }) => x.id === id && x.sha…',
  );
});
