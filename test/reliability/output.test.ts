/**
 * What rollcell echoes (issue 22, items 6 and 7): credentials never appear in stdout, stderr, the report,
 * the stored run or its export (a password in the --db URL, secret-looking environment variables); the
 * process environment is never stored or printed; control characters in recipe names and keys reach
 * the terminal only as visible escapes; recipe text renders in the report as text (no markup).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, quickRecipeFile, testDir } from '../helpers.ts';
import { testPostgres } from '../support/postgres.ts';
import { escapeControls, escapeJsonControls, redactSecrets } from '../../src/io/text.ts';

const dir = testDir('rollcell-output-');
const quickRecipe = (name: string, edit?: (r: Record<string, any>) => void): string => quickRecipeFile(dir, name, edit);

const ESC = '\u001b]0;PWNED-TITLE\u0007 \u001b[2J\u001b[31mRED\u001b[0m \u001b]52;c;cHduZWQ=\u0007 \u202e \u0085';
// raw control characters a terminal would act on (C0 except tab/newline, DEL, C1, bidi overrides)
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

test('text helpers: controls become visible escapes, JSON stays valid and equal, URL passwords and secret parameters are redacted', () => {
  assert.equal(escapeControls('a\u001b[2Jb\tc\nd\u202e'), 'a\\x1b[2Jb\tc\nd\\u202e');
  const json = JSON.stringify({ name: ESC });
  const safe = escapeJsonControls(json);
  assert.doesNotMatch(safe, RAW);
  assert.deepEqual(JSON.parse(safe), { name: ESC }, 'lossless for JSON');
  assert.equal(
    redactSecrets('stored in postgres://alice:hunter2@db:5432/x and postgresql://:pw@h/y?password=p2&sslmode=require'),
    'stored in postgres://alice:***@db:5432/x and postgresql://:***@h/y?password=***&sslmode=require',
  );
  assert.equal(redactSecrets('token=abc123 api_key=XYZ'), 'token=*** api_key=***');
});

test('terminal escapes in a recipe name and in an unknown key are printed escaped (validate, run, --json)', async () => {
  const bad = quickRecipe('esc-key.yaml', (r) => (r[`${ESC}key`] = 1));
  const v = await cli(['validate', bad]);
  assert.equal(v.code, 2);
  assert.doesNotMatch(v.stderr, RAW, 'no raw control character on stderr');
  assert.match(v.stderr, /\\x1b\]0;PWNED-TITLE\\x07/);
  const named = quickRecipe('esc-name.yaml', (r) => {
    r.name = `T ${ESC}`;
    r.description = ESC;
  });
  const runArgs = [
    'run',
    named,
    '--db',
    join(dir, 'esc.db'),
    '--out',
    join(dir, 'out'),
    '--no-production',
    '--no-battery',
  ];
  const run = await cli(runArgs);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stdout + run.stderr, RAW, 'no raw control character on stdout/stderr');
  assert.match(run.stdout, /\\u001b\]0;PWNED-TITLE/);
  const j = await cli([...runArgs, '--json']);
  assert.equal(j.code, 0, j.stderr);
  assert.doesNotMatch(j.stdout, RAW);
  const shown = await cli([
    'runs',
    'show',
    (JSON.parse(j.stdout) as { run_id: string }).run_id,
    '--db',
    join(dir, 'esc.db'),
  ]);
  assert.doesNotMatch(shown.stdout, RAW);
});

test('recipe text with <script> and SVG payloads renders in the report as text (end to end)', async () => {
  const xss = '<script>alert(1)</script><svg onload=alert(2)><img src=x onerror=alert(3)>';
  const f = quickRecipe('xss.yaml', (r) => {
    r.name = xss;
    r.description = `"><svg/onload=alert(4)> ${xss}`;
  });
  const out = join(dir, 'xss-out');
  const r = await cli([
    'run',
    f,
    '--json',
    '--db',
    join(dir, 'xss.db'),
    '--out',
    out,
    '--no-production',
    '--no-battery',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync((JSON.parse(r.stdout) as { report: string }).report, 'utf8');
  // no element the payload could have opened, and no event-handler attribute on any element
  assert.ok(!/<script|<img|<svg[^>]*\son\w+=/i.test(html), 'no injected element');
  assert.ok(!/<[a-z][^<>]*\son(load|error)\s*=/i.test(html), 'no event-handler attribute');
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
});

test('secrets: a password in the --db URL and secret-looking environment variables appear nowhere rollcell writes', async () => {
  const pg = await testPostgres();
  const u = new URL(pg.url);
  u.username = u.username || 'postgres';
  u.password = 'hunter2-db-secret';
  u.searchParams.set('schema', `sec_${process.pid}`);
  const db = u.toString();
  const env = {
    PGPASSWORD: 'env-pgpassword-secret',
    AWS_SECRET_ACCESS_KEY: 'env-aws-secret',
    ROLLCELL_API_TOKEN: 'env-token-secret',
    DATABASE_URL: 'postgres://x:env-url-secret@h/db',
  };
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  try {
    const f = quickRecipe('secret.yaml');
    const out = join(dir, 'secret-out');
    const r = await cli(['run', f, '--db', db, '--out', out, '--no-production', '--no-battery']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /stored as run \w+ in postgres:\/\/postgres:\*\*\*@/);
    const id = /stored as run (\w+)/.exec(r.stdout)![1]!;
    const report = readFileSync(/report: (.*)/.exec(r.stdout)![1]!, 'utf8');
    const shown = await cli(['runs', 'show', id, '--db', db, '--json']);
    const exported = await cli(['runs', 'export', id, '--db', db]);
    const list = await cli(['runs', 'list', '--db', db]);
    const failed = await cli(['runs', 'show', 'NOSUCHRUN', '--db', db]);
    const everything = [r.stdout, r.stderr, report, shown.stdout, exported.stdout, list.stdout, failed.stderr].join(
      '\n',
    );
    for (const secret of ['hunter2-db-secret', ...Object.values(env).map((v) => v.replace(/^.*:(.*)@.*$/, '$1'))])
      assert.ok(!everything.includes(secret), `"${secret}" leaked`);
    assert.ok(
      !everything.includes('PGPASSWORD') && !everything.includes('AWS_SECRET_ACCESS_KEY'),
      'no environment dump',
    );
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});
