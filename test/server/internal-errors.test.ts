/**
 * An internal error never reaches the client: the validate route's evaluation that fails for a reason of
 * its own is thrown to the server's error handler (until now its message went back as a Problem), which
 * logs it and answers a 500 naming nothing of it; the input's own errors stay the answer's Problems.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/server/app.ts';
import { recipeValidation } from '../../src/server/validate.ts';
import { ProblemError } from '../../src/problems.ts';
import type { JobManager } from '../../src/server/jobs.ts';
import { openStore } from '../../src/store/index.ts';

const PATENT = readFileSync(new URL('../../examples/patent-line.yaml', import.meta.url), 'utf8');
const SECRET = 'ENOENT /srv/secret/rollcell.db at internalThing (/opt/x.ts:3)';

test('validate: an internal failure of the evaluation is thrown, not answered with its message', () => {
  const boom = new TypeError(SECRET);
  assert.throws(
    () =>
      recipeValidation(PATENT, () => {
        throw boom;
      }),
    (e) => e === boom,
  );
});

test("validate: the evaluation's input errors are the answer's Problems, as the parser's are", () => {
  const p = { path: 'stations.240.force_N', problem: 'too low to bond', got: '1', allowed: '>= 150' };
  const r = recipeValidation(PATENT, () => {
    throw new ProblemError([p]);
  });
  assert.equal(r.ok, false);
  assert.deepEqual(r.problems, [p]);
  assert.deepEqual([r.windows, r.claims, r.line], [[], [], null]);
  const bad = recipeValidation('name: 3');
  assert.equal(bad.ok, false);
  assert.ok(bad.problems.length > 0, 'bad.problems.length > 0');
});

test('an internal error is a 500 with a neutral Problem, logged with its message, and the body names none of it', async () => {
  const logged: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'rollcell-internal-'));
  const store = await openStore(join(dir, 'r.db'));
  // the store fails for a reason of its own (as a full disk or a lost connection would)
  store.listRecipes = () => Promise.reject(new Error(SECRET));
  const { app } = createApp({
    store,
    jobs: {} as JobManager,
    token: null,
    loopback: false,
    webDir: null,
    log: (s) => logged.push(s),
  });
  const r = await app.request('/api/recipes');
  assert.equal(r.status, 500);
  assert.equal(r.headers.get('content-type'), 'application/problem+json');
  const text = await r.text();
  assert.doesNotMatch(text, /secret|ENOENT|\.ts/);
  assert.deepEqual(JSON.parse(text).problems, [
    { path: '', problem: 'internal error (the server log has the details)', got: '', allowed: '' },
  ]);
  assert.equal(logged.length, 1);
  assert.match(logged[0]!, /GET \/api\/recipes/);
  assert.ok(logged[0]!.includes(SECRET), 'logged[0]!.includes(SECRET)');
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
