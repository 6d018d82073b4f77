import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const bin = new URL('../../bin/rollcell.js', import.meta.url).pathname;

test('a reader that closes the pipe early (`rollcell schema | head -c 10`) ends the command quietly: exit 0, no EPIPE stack trace', async () => {
  const child = spawn(process.execPath, [bin, 'schema'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader is gone before the first write
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
