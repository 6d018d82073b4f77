/**
 * The HTTP API strict at its edges, on a real server (loopback, temp SQLite): every route's path
 * parameters, query and body are parsed by the zod schemas it declares — an unknown key, a key given
 * twice, a value of the wrong type or out of range is a 4xx whose Problems name the field, the value and
 * what is allowed — and valid requests still work; a run whose output breaks the output contract is
 * refused by the store and never served. (The runs read here are stored directly, as the CLI stores them:
 * no pipeline runs in this file.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../src/server/app.ts';
import type { RouteDef } from '../../src/server/openapi.ts';
import { storedRunSchema } from '../../src/server/schemas.ts';
import { ProblemError } from '../../src/problems.ts';
import { CampaignStore } from '../../src/store/index.ts';
import { makeInput } from '../store/fixtures.ts';
import { startTestServer, type TestServer } from './helpers.ts';

let t: TestServer;
let routes: RouteDef[] = [];
let runA = '';
let runB = '';

before(async () => {
  t = await startTestServer();
  routes = createApp({ store: t.srv.store, jobs: t.srv.jobs, token: null, loopback: true, webDir: null }).routes;
  runA = await t.srv.store.saveRun(makeInput(11, { cells: 20 }));
  runB = await t.srv.store.saveRun(makeInput(12, { cells: 20 }));
});
after(() => t.close());

interface P {
  path: string;
  problem: string;
  got: string;
  allowed: string;
}

/** the answer is a problem+json with `status` and a list of Problems, each with its four strings; returns them */
const problems = (r: { status: number; body: unknown; headers: Headers }, status: number): P[] => {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.headers.get('content-type'), 'application/problem+json');
  const b = r.body as { status: number; problems: P[] };
  assert.equal(b.status, status);
  assert.ok(Array.isArray(b.problems) && b.problems.length > 0, 'Array.isArray(b.problems) && b.problems.length > 0');
  for (const p of b.problems)
    for (const k of ['path', 'problem', 'got', 'allowed'] as const)
      assert.equal(typeof p[k], 'string', `${k} of ${JSON.stringify(p)}`);
  return b.problems;
};
/** the Problem at `path` */
const at = (ps: P[], path: string): P => {
  const p = ps.find((x) => x.path === path);
  assert.ok(p, `a Problem at ${path} in ${JSON.stringify(ps)}`);
  return p;
};

/** a route's path with its parameters filled with values that exist (or could) */
const fill = (path: string, over: Record<string, string> = {}): string =>
  path.replace(/:([A-Za-z_]+)/g, (_, k: string) =>
    encodeURIComponent(over[k] ?? { id: runA, name: 'cycle-1', version: '1', serial: 'R01-000001', roll: 'R1' }[k]!),
  );

test('every route refuses an unknown query key with a 400 Problem naming the key, its value and the keys it takes', async () => {
  assert.ok(routes.length >= 30, `${routes.length} routes`);
  for (const r of routes) {
    const url = `${fill(r.path)}?bogus_key=7`;
    const res = r.method === 'get' ? await t.json(url) : await t.post(url, {});
    const p = at(problems(res, 400), 'query.bogus_key');
    assert.match(p.problem, /unknown key/, `${r.method} ${r.path}`);
    assert.equal(p.got, '"7"');
    const keys = Object.keys(r.query?.shape ?? {});
    assert.equal(p.allowed, keys.length ? `keys ${keys.join(', ')}` : 'no extra keys', `${r.method} ${r.path}`);
  }
  // a page link's ?token= belongs to the security layer, not to the route
  assert.equal((await t.json('/api/health?token=abc')).status, 200);
});

test('a query key named like an inherited member (__proto__, constructor, toString) is an unknown key, not a 500', async () => {
  // before: the GET routes looked such a key up in the route's schema shape and met Object.prototype (or the
  // Object function): "Cannot read properties of undefined (reading 'type')", an internal error
  for (const r of routes)
    for (const key of ['__proto__', 'constructor', 'toString']) {
      const url = `${fill(r.path)}?${key}=7`;
      const res = r.method === 'get' ? await t.json(url) : await t.post(url, {});
      const p = at(problems(res, 400), `query.${key}`);
      assert.match(p.problem, /unknown key/, `${r.method} ${r.path} ?${key}`);
      assert.equal(p.got, '"7"');
    }
});

test('every POST route refuses an unknown body key, and a body that is not an object, naming the field', async () => {
  const posts = routes.filter((r) => r.method === 'post');
  assert.deepEqual(posts.map((r) => r.path).sort(), [
    '/api/campaigns',
    '/api/cycle',
    '/api/recipes',
    '/api/recipes/validate',
    '/api/runs',
    '/api/sweeps',
  ]);
  for (const r of posts) {
    const p = at(problems(await t.post(r.path, { text: 'name: x', bogus_key: [1, 2] }), 400), 'body.bogus_key');
    assert.match(p.problem, /unknown key/, r.path);
    assert.equal(p.got, 'a list of 2');
    assert.match(p.allowed, /^keys .*text/, r.path);
    const notObject = at(problems(await t.post(r.path, ['text']), 400), 'body');
    assert.equal(notObject.got, 'a list of 1', r.path);
    assert.equal(notObject.allowed, 'an object', r.path);
  }
});

test('every path parameter is parsed: a malformed id, an over-long name, a version below 1 are 400s naming the parameter', async () => {
  for (const r of routes.filter((x) => x.method === 'get' && x.path.includes(':'))) {
    for (const k of Object.keys(r.params?.shape ?? {})) {
      const bad = k === 'id' ? 'no such id' : k === 'version' ? '0' : 'x'.repeat(201);
      const p = at(problems(await t.json(fill(r.path, { [k]: bad })), 400), `params.${k}`);
      assert.equal(p.got, JSON.stringify(bad.length > 60 ? bad.slice(0, 57) + '...' : bad), `${r.path} ${k}`);
    }
  }
  const id = at(problems(await t.json('/api/runs/bad%20id!'), 400), 'params.id');
  assert.deepEqual(id, {
    path: 'params.id',
    problem: 'not in the allowed form',
    got: '"bad id!"',
    allowed: '1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit',
  });
  const v = at(problems(await t.json('/api/recipes/x/versions/0'), 400), 'params.version');
  assert.equal(v.allowed, '>= 1');
  assert.equal(
    at(problems(await t.json('/api/recipes/x/versions/two'), 400), 'params.version').problem,
    'not a plain decimal number',
  );
  // well formed but unknown: a 404 naming the parameter and the value, never the store's message (it names
  // the database's file)
  for (const url of [
    '/api/runs/NOPE0000',
    '/api/runs/NOPE0000/state',
    '/api/runs/NOPE0000/events',
    '/api/sweeps/NOPE0000',
  ])
    assert.deepEqual(at(problems(await t.json(url), 404), 'params.id').got, '"NOPE0000"', url);
  assert.doesNotMatch(JSON.stringify((await t.json('/api/runs/NOPE0000')).body), /\.db|rollcell-serve-/);
  const cmp = at(problems(await t.json(`/api/compare?ids=${runA},NOPE0000`), 404), 'query.ids');
  assert.equal(cmp.got, '"NOPE0000"');
  // a prefix of both stored runs is ambiguous: 409
  const common = [...runA].findIndex((ch, i) => ch !== runB[i]);
  if (common > 0) {
    const amb = at(problems(await t.json(`/api/runs/${runA.slice(0, common)}`), 409), 'params.id');
    assert.ok(amb.allowed.includes(runA) && amb.allowed.includes(runB), `the candidates named: ${amb.allowed}`);
  }
  at(problems(await t.json('/api/recipes/x/versions/3'), 404), 'params.version');
  at(problems(await t.json(`/api/runs/${runA}/cells/NOPE`), 404), 'params.serial');
  at(problems(await t.json(`/api/runs/${runA}/series/nope?y=voltage_V`), 404), 'params.name');
});

test('query values are parsed: the field, the value and what is allowed; a key given twice is refused', async () => {
  const limit0 = at(problems(await t.json('/api/runs?limit=0'), 400), 'query.limit');
  assert.deepEqual([limit0.got, limit0.allowed], ['"0"', '>= 1']);
  const limitAbc = at(problems(await t.json('/api/sweeps?limit=abc'), 400), 'query.limit');
  assert.deepEqual(
    [limitAbc.problem, limitAbc.got, limitAbc.allowed],
    ['not a plain decimal number', '"abc"', 'a decimal integer, >= 1 and <= 1000'],
  );
  const twice = at(problems(await t.json('/api/campaigns?limit=1&limit=2'), 400), 'query.limit');
  assert.deepEqual([twice.problem, twice.got], ['given more than once', '"1", "2"']);
  const format = at(problems(await t.json(`/api/runs/${runA}/export?format=pdf`), 400), 'query.format');
  assert.deepEqual([format.got, format.allowed], ['"pdf"', 'one of "json", "csv", "xlsx", "bdf"']);
  const what = problems(await t.json(`/api/runs/${runA}/export?what=cells,nope,spc,zz`), 400);
  assert.deepEqual(
    what.map((p) => [p.path, p.got]),
    [
      ['query.what', '"nope"'],
      ['query.what', '"zz"'],
    ],
  );
  assert.equal(what[0]!.allowed, 'one of "cells", "cycles", "series", "spc"');
  const ids = at(problems(await t.json(`/api/compare?ids=${runA},bad!id`), 400), 'query.ids');
  assert.equal(ids.got, '"bad!id"');
  const offset = at(problems(await t.json(`/api/runs/${runA}/cells?offset=-1&limit=5001`), 400), 'query.offset');
  assert.equal(offset.allowed, '>= 0');
  const px = at(problems(await t.json(`/api/runs/${runA}/series/cycle-1?y=voltage_V&px=5`), 400), 'query.px');
  assert.equal(px.allowed, '>= 10');
  const q = at(problems(await t.json(`/api/runs/${runA}/shift?quantity=nope`), 400), 'query.quantity');
  assert.match(q.allowed, /^one of .*"gauge_240_thickness_um"/);
  // several problems of one request come together
  const both = problems(await t.json(`/api/runs/${runA}/cells?offset=-1&limit=0&x=1`), 400);
  assert.deepEqual(both.map((p) => p.path).sort(), ['query.limit', 'query.offset', 'query.x']);
});

test('a blank number (?offset=, ?x0=) is refused, not read as 0; a window must not end before it starts', async () => {
  // zod's coercion reads '' as 0: the page, the window or the limit would be one nobody asked for
  const offset = at(problems(await t.json(`/api/runs/${runA}/cells?offset=&limit=2`), 400), 'query.offset');
  assert.deepEqual([offset.problem, offset.got, offset.allowed], ['no value given', '""', 'a number']);
  const series = `/api/runs/${runA}/series/cycle-1?y=voltage_V&px=10`;
  assert.deepEqual(
    problems(await t.json(`${series}&x0=&x1=%20`), 400).map((p) => p.path),
    ['query.x0', 'query.x1'],
  );
  at(problems(await t.json('/api/runs?limit='), 400), 'query.limit');
  // one problem per blank field, not a second 'out of range' from the 0 it would have been
  assert.equal(problems(await t.json('/api/runs?limit='), 400).length, 1);
  const x1 = at(problems(await t.json(`${series}&x0=300&x1=100`), 400), 'query.x1');
  assert.deepEqual([x1.got, x1.allowed], ['100', '>= x0 (300)']);
  assert.equal((await t.json(`${series}&x0=100&x1=300`)).status, 200);
});

test('the x axis of a series window is a column that never decreases (the window is found by bisection)', async () => {
  // voltage_V goes up and down: as an x axis the answer was a negative points_in_window and no points
  const x = at(
    problems(await t.json(`/api/runs/${runA}/series/cycle-1?x=voltage_V&y=current_A&px=10`), 400),
    'query.x',
  );
  assert.equal(x.got, '"voltage_V"');
  assert.match(x.problem, /decreases/);
  const ok = await t.json(`/api/runs/${runA}/series/cycle-1?x=t_s&y=current_A&px=10`);
  assert.equal(ok.status, 200);
  assert.ok(ok.body.points_in_window > 0, 'ok.body.points_in_window > 0');
});

test("a run without a production shift or a pack: the 404 names the route's parameter and the value given", async () => {
  const bare = makeInput(14, { cells: 4 });
  bare.runId = 'BARE0001';
  delete bare.output.production;
  delete bare.output.battery;
  bare.timeSeries = (bare.timeSeries ?? []).filter((s) => !('voltage_V' in s.columns));
  await t.srv.store.saveRun(bare);
  for (const url of ['/api/runs/BARE0001/shift', '/api/runs/BARE0001/battery']) {
    const p = at(problems(await t.json(url), 404), 'params.id');
    assert.equal(p.got, '"BARE0001"', url);
  }
  // no cycling series: the BDF export's 404 names the query parameter that asked for it
  const bdf = at(problems(await t.json('/api/runs/BARE0001/export?format=bdf'), 404), 'query.format');
  assert.equal(bdf.got, '"bdf"');
});

test('a BPX cell the parser refuses: each of its Problems at body.bpx.<field>, with the value found and what is allowed', async () => {
  // until now the first Problem's path carried every Problem's text, with no value and a generic 'allowed'
  const bpx = { Header: { BPX: 0.1, Model: 'DFN' }, Parameterisation: {} };
  const ps = problems(await t.post('/api/cycle', { bpx, model: 'dfn' }), 422);
  assert.ok(ps.length >= 4, JSON.stringify(ps));
  const cell = at(ps, 'body.bpx.Parameterisation.Cell');
  assert.equal(cell.problem, 'Field required');
  assert.equal(cell.got, 'undefined');
  assert.match(cell.allowed, /BPX standard/);
  at(ps, 'body.bpx.Parameterisation.Electrolyte');
  for (const p of ps) assert.doesNotMatch(p.problem, /\n|\(got /, p.path);
});

test('body values are parsed: the field, the value and what is allowed', async () => {
  const seed = at(problems(await t.post('/api/runs', { text: 'x', seed: -1 }), 400), 'body.seed');
  assert.deepEqual([seed.got, seed.allowed], ['-1', '>= 0']);
  const nested = at(problems(await t.post('/api/runs', { recipe: { name: 'a', bogus: 1 } }), 400), 'body.recipe.bogus');
  assert.deepEqual([nested.problem, nested.allowed], ['unknown key', 'keys name, version']);
  const model = at(problems(await t.post('/api/cycle', { text: 'x', model: 'pybamm' }), 400), 'body.model');
  assert.deepEqual([model.got, model.allowed], ['"pybamm"', 'one of "dfn", "spme", "spm", "p2d"']);
  const cells = at(problems(await t.post('/api/campaigns', { text: 'x', cells: 0 }), 400), 'body.cells');
  assert.deepEqual([cells.got, cells.allowed], ['0', '>= 1']);
  // a number past two upper bounds (zod's safe-integer range and the schema's 10⁹) is one problem, the tighter bound
  const huge = problems(await t.post('/api/campaigns', { text: 'x', cells: 1e300 }), 400);
  assert.deepEqual(
    huge.map((p) => [p.path, p.got, p.allowed]),
    [['body.cells', '1e+300', '<= 1000000000']],
  );
  const missing = at(problems(await t.post('/api/sweeps', { text: 'x' }), 400), 'body.study');
  assert.deepEqual(
    [missing.problem, missing.got, missing.allowed],
    ['required field is missing', 'nothing', 'a string'],
  );
  const name = at(problems(await t.post('/api/recipes', { text: 'x', name: '' }), 400), 'body.name');
  assert.equal(name.allowed, 'a non-empty string');
  // well formed but invalid content: 422 (the recipe's own Problems), never a 400
  problems(await t.post('/api/recipes', { text: 'name: 3' }), 422);
});

test('valid requests still work: reads, pages, exports and compare of stored runs', async () => {
  const run = await t.json(`/api/runs/${runA}`);
  assert.equal(run.status, 200);
  const parsed = storedRunSchema.safeParse(run.body);
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues[0]));
  const list = await t.json('/api/runs?limit=1');
  assert.equal(list.status, 200);
  assert.equal(list.body.runs.length, 1);
  const page = await t.json(`/api/runs/${runA}/cells?offset=1&limit=2`);
  assert.equal(page.status, 200);
  assert.deepEqual([page.body.total, page.body.cells.length, page.body.cells[0].serial], [20, 2, 'R01-000001']);
  const cell = await t.json(`/api/runs/${runA}/cells/R01-000003`);
  assert.equal(cell.status, 200);
  assert.equal(cell.body.cell.serial, 'R01-000003');
  const series = await t.json(`/api/runs/${runA}/series/cycle-1?y=voltage_V,current_A&px=10`);
  assert.equal(series.status, 200);
  assert.equal(series.body.points_total, 50);
  const csv = await fetch(`${t.base}/api/runs/${runA}/export?format=csv&what=cycles,cycles`);
  assert.equal(csv.status, 200);
  assert.equal((await csv.text()).trim().split('\n').length, 1 + 5, 'a header and the 5 cycles');
  const cmp = await t.json(`/api/compare?ids=${runA},${runB}`);
  assert.equal(cmp.status, 200);
  const v = await t.post('/api/recipes/validate', { text: 'name: 3' });
  assert.equal(v.status, 200);
  assert.equal(v.body.ok, false);
});

test('a run whose output breaks the output contract is not stored, and so never served', async () => {
  const bad = makeInput(13, { cells: 4 });
  bad.runId = 'CONTRACT0001';
  bad.output.line!.crack.free_standing.risk = -0.5;
  (bad.output.cycling as Record<string, unknown>)['capacity_mAh_per_g'] = 190;
  await assert.rejects(t.srv.store.saveRun(bad), (e: unknown) => {
    assert.ok(e instanceof ProblemError, 'e instanceof ProblemError');
    assert.deepEqual(e.problems.map((p) => p.path).sort(), [
      'output.cycling.capacity_mAh_per_g',
      'output.line.crack.free_standing.risk',
    ]);
    return true;
  });
  problems(await t.json('/api/runs/CONTRACT0001'), 404);
  const list = await t.json('/api/runs?limit=1000');
  assert.ok(
    !list.body.runs.some((r: { id: string }) => r.id === 'CONTRACT0001'),
    "!list.body.runs.some((r: { id: string }) => r.id === 'CONTRACT0001')",
  );
});

test('a query or path number is a plain decimal: 0x10, 0b1, spaces, Infinity are refused naming the field, value and range', async () => {
  // zod's coercion is Number(): it read 0x10 as 16 and ' 5 ' as 5
  for (const [url, path, got, allowed] of [
    ['/api/runs?limit=0x10', 'query.limit', '"0x10"', 'a decimal integer, >= 1 and <= 1000'],
    ['/api/sweeps?limit=%205%20', 'query.limit', '" 5 "', 'a decimal integer, >= 1 and <= 1000'],
    [`/api/runs/${runA}/cells?offset=0b1`, 'query.offset', '"0b1"', 'a decimal integer, >= 0'],
    [`/api/runs/${runA}/series/cycle-1?y=voltage_V&x0=Infinity`, 'query.x0', '"Infinity"', 'a decimal number'],
    ['/api/recipes/x/versions/0x1', 'params.version', '"0x1"', 'a decimal integer, >= 1'],
  ] as const) {
    const ps = problems(await t.json(url), 400);
    assert.equal(ps.length, 1, `${url}: ${JSON.stringify(ps)}`);
    assert.deepEqual(ps[0], { path, problem: 'not a plain decimal number', got, allowed }, url);
  }
  // decimals as a page or a plot sends them still work (a sign, a point, an exponent)
  assert.equal((await t.json('/api/runs?limit=%2B2')).body.runs.length, 2);
  const w = await t.json(`/api/runs/${runA}/series/cycle-1?y=voltage_V&px=10&x0=1e-7&x1=100.5`);
  assert.equal(w.status, 200, JSON.stringify(w.body));
});

test('compare refuses a run named twice, by the same id or by two prefixes of it', async () => {
  // until now ids=A,A compared a run with itself: a 200 showing no difference
  const same = at(problems(await t.json(`/api/compare?ids=${runA},${runA}`), 400), 'query.ids');
  assert.deepEqual(
    [same.problem, same.got, same.allowed],
    ['a run is named more than once', JSON.stringify(runA), '2 … 6 different runs'],
  );
  const prefixes = at(
    problems(await t.json(`/api/compare?ids=${runA},${runB},${runA.slice(0, 24)}`), 400),
    'query.ids',
  );
  assert.equal(prefixes.problem, `two of the ids name the same run (${runA})`);
  assert.equal(prefixes.got, `${JSON.stringify(runA)}, ${JSON.stringify(runA.slice(0, 24))}`);
});

test("a campaign whose stored recipe no longer validates: its rolls are a 409 naming the campaign and the recipe's Problems", async () => {
  // until now "campaign … has no such roll" (404), for every roll of it
  await new CampaignStore(t.srv.store).begin({
    id: 'c0ldrecipe00001',
    rollcellVersion: '0.0.1',
    recipeText: 'name: old',
    recipe: { rollcell_recipe: 1, name: 'old', stations: { '240': { force_N: -5 } } },
    seed: 1,
    cells: 100,
    shards: 1,
    shardLength_m: 10,
  });
  const ps = problems(await t.json('/api/campaigns/c0ldrecipe/rolls/FS-000001'), 409);
  assert.deepEqual([ps[0]!.path, ps[0]!.got], ['params.id', '"c0ldrecipe"']);
  assert.match(ps[0]!.problem, /recipe stored with campaign c0ldrecipe00001 no longer validates/);
  assert.ok(ps.length > 1, JSON.stringify(ps));
  for (const p of ps.slice(1)) assert.match(p.path, /^campaign\.recipe(\.|$)/);
});
