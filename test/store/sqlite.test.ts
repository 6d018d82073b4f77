/** The store suite on SQLite: each test gets a real database file in a fresh temp dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineStoreSuite } from './suite.ts';

defineStoreSuite({
  dialect: 'sqlite',
  freshSpec: async () => join(mkdtempSync(join(tmpdir(), 'rollcell-store-')), 'runs.db'),
  cleanup: async (spec) => rmSync(join(spec, '..'), { recursive: true, force: true }),
});
