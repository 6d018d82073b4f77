/**
 * A failing assert must fail fast, not look like a hang. Without a message, `assert(x)` / `assert.ok(x)` make
 * node (20) search the caller's source for the expression to print: under tsx the call site is a position in
 * tsx's one-line output, far past the end of the .ts file's line, and node re-parses the file from every token
 * before it — minutes for a test file of a few hundred lines (last session: 14 minutes, then killed). The other
 * assert functions build their message from the values. So every assert.ok has a message, and eslint's
 * no-restricted-syntax rule (eslint.config.js) refuses one without; test/support/assert-search.ts times both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { testDir } from '../helpers.ts';
import { bigFailingAssert } from './assert-search.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('eslint refuses a message-less assert(x), assert.ok(x), assert.ok(x, undefined) and a bare ok import', async () => {
  const eslint = new ESLint({ cwd: ROOT });
  const [r] = await eslint.lintText(
    [
      "import assert from 'node:assert/strict';",
      "import { ok } from 'node:assert';",
      'export function f(x: number): void {',
      '  assert.ok(x > 0);',
      '  assert(x > 0);',
      '  assert.ok(x > 0, undefined);',
      "  assert.ok(x > 0, 'x > 0');",
      "  assert(x > 0, 'x > 0');",
      '  assert.equal(x, 1);',
      '  assert.deepEqual([x], [1]);',
      "  ok(x, 'x');",
      '}',
      '',
    ].join('\n'),
    { filePath: join(ROOT, 'test', 'assert-message-probe.test.ts') },
  );
  const lines = r!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.line);
  assert.deepEqual(lines, [2, 4, 5, 6], JSON.stringify(r!.messages));
});

test('a failing assert.ok with a message, through tsx, in a long file: exits 1 with that message (no source search)', () => {
  const dir = testDir('rollcell-assert-');
  const file = join(dir, 'fails.ts');
  writeFileSync(file, bigFailingAssert(600, true));
  // the time limit only stops a hang (node's search took minutes here without the message): it is no timing
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.signal, null, `killed after 120 s (a hang: node searching the source for the expression?)`);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /AssertionError \[ERR_ASSERTION\]: v > 100 \(the fixture fails on purpose\)/);
});
