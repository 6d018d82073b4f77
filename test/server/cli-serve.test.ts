import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from '../helpers.ts';
import { isLoopback } from '../../src/server/serve.ts';

test('rollcell serve: bad flags exit 2 naming the flag, the value and what is allowed', async () => {
  const port = await cli(['serve', '--port', '99999']);
  assert.equal(port.code, 2);
  assert.match(port.stderr, /^--port: not a TCP port \(got "99999"; allowed 0 … 65535\)/);
  const tok = await cli(['serve', '--host', '0.0.0.0', '--token', 'short']);
  assert.equal(tok.code, 2);
  assert.match(tok.stderr, /^--token: too short/);
  const mem = await cli(['serve', '--db', ':memory:', '--port', '0']);
  assert.equal(mem.code, 2);
  assert.match(mem.stderr, /^--db: an in-memory database cannot be shared with the run workers \(got :memory:;/);
});

test('loopback addresses are recognised; everything else needs a token', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) assert.ok(!isLoopback(h), h);
});
