/**
 * A campaign by its id or a prefix of one, as runs and studies are found: an unknown prefix is a
 * StoreError 'not_found' (HTTP 404), an ambiguous one a StoreError 'ambiguous' naming the campaigns it
 * matches (HTTP 409, the CLI's exit 2 with the ids) — until now an ambiguous prefix was a 404 'no such
 * campaign' on the API, and neither the API nor the CLI named the candidates.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, testDir } from '../helpers.ts';
import { CampaignStore, StoreError, openStore, type Store } from '../../src/store/index.ts';
import { createApp } from '../../src/server/app.ts';
import { JobManager } from '../../src/server/jobs.ts';

const db = join(testDir('rollcell-campaign-find-'), 'c.db');
let store: Store;
let cs: CampaignStore;
const IDS = ['c1a0000000000001', 'c1a0000000000002', 'c1b0000000000003', 'c2', 'c2ff000000000004'];

before(async () => {
  store = await openStore(db);
  cs = new CampaignStore(store);
  for (const id of IDS)
    await cs.begin({
      id,
      rollcellVersion: 'test',
      recipeText: `name: ${id}\n`,
      recipe: { name: id },
      seed: 1,
      cells: 10,
      shards: 1,
      shardLength_m: 100,
    });
});
after(() => store.close());

test('a campaign prefix: unique → the campaign (any case), an exact id first, unknown → not_found', async () => {
  assert.equal((await cs.find('c1b')).id, 'c1b0000000000003');
  assert.equal((await cs.find('C1B')).id, 'c1b0000000000003', 'campaign ids are lower case; prefixes are any case');
  assert.equal((await cs.find('c2')).id, 'c2', 'an id that is also the prefix of another is that campaign');
  for (const q of ['c9', 'c1_', '']) {
    await assert.rejects(cs.find(q), (e: unknown) => {
      assert.ok(e instanceof StoreError && e.code === 'not_found', `${JSON.stringify(q)}: ${String(e)}`);
      return true;
    });
  }
});

test('an ambiguous campaign prefix names the campaigns it matches: the store, the CLI (exit 2), the API (409)', async () => {
  await assert.rejects(cs.find('c1a'), (e: unknown) => {
    assert.ok(e instanceof StoreError && e.code === 'ambiguous', String(e));
    assert.deepEqual(e.matches, { ids: ['c1a0000000000001', 'c1a0000000000002'], more: false });
    assert.match(e.message, /got 'c1a'.*c1a0000000000001, c1a0000000000002/);
    return true;
  });
  const r = await cli(['runs', 'campaign', 'c1a', '--db', db]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /prefix is ambiguous.*c1a0000000000001, c1a0000000000002/);

  const jobs = new JobManager({ dbSpec: db, log: () => {} });
  const { app } = createApp({ store, jobs, token: null, loopback: true, webDir: null });
  const get = async (url: string) => {
    const res = await app.request(url, { headers: { host: 'localhost' } });
    return {
      status: res.status,
      body: (await res.json()) as { problems: { path: string; got: string; allowed: string }[] },
    };
  };
  const amb = await get('/api/campaigns/c1a');
  assert.equal(amb.status, 409, JSON.stringify(amb.body));
  assert.deepEqual(amb.body.problems, [
    {
      path: 'params.id',
      problem: 'the prefix names more than one campaign',
      got: '"c1a"',
      allowed: 'a longer prefix: one of c1a0000000000001, c1a0000000000002',
    },
  ]);
  assert.equal((await get('/api/campaigns/c1a/cells/X-1')).status, 409);
  const unknown = await get('/api/campaigns/c9');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.problems[0]!.path, 'params.id');
  assert.equal(unknown.body.problems[0]!.got, '"c9"');
  assert.equal((await get('/api/campaigns/c1b')).status, 200);
});

test('runs campaign --limit is a positive decimal integer: anything else exits 2 naming --limit, the value and what is allowed', async () => {
  // until now parseInt: 5abc was 5, 0x10 was 0 (no rows shown), -1 showed all but the last row
  for (const bad of ['5abc', '-1', '0x10', '0', '2.5', ' 7', '']) {
    const r = await cli(['runs', 'campaign', 'c1b', '--db', db, '--limit', bad]);
    assert.equal(r.code, 2, `--limit ${JSON.stringify(bad)}: ${r.stderr}`);
    assert.equal(
      r.stderr.trim(),
      `--limit: must be a positive integer (got ${JSON.stringify(bad)}; allowed 1, 2, 3, …)`,
      JSON.stringify(bad),
    );
  }
  // the list commands' --limit is the same parser: 0x10 was read as 16
  for (const args of [
    ['runs', 'list'],
    ['runs', 'campaigns'],
  ]) {
    const r = await cli([...args, '--db', db, '--limit', '0x10']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^--limit: must be a positive integer \(got "0x10"/);
  }
  const ok = await cli(['runs', 'campaigns', '--db', db, '--limit', '2']);
  assert.equal(ok.code, 0, ok.stderr);
});
