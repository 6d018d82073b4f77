/** The cell spool (src/store/spool.ts): one buffered writer on either side of a lend. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CellSpool, SpoolWriter } from '../../src/store/spool.ts';
import { ProblemError } from '../../src/problems.ts';
import { makeCells } from './fixtures.ts';

const serials = async (spool: CellSpool): Promise<string[]> => {
  const out: string[] = [];
  for await (const ch of spool.chunks()) for (const c of ch) out.push(c.serial);
  return out;
};

test('cells added after a lend is settled follow the other thread’s cells (none overwritten)', async (t) => {
  const cells = makeCells(7, 3);
  const spool = new CellSpool();
  t.after(() => spool.dispose());
  for (const c of cells.slice(0, 3)) spool.add(c);
  const w = new SpoolWriter(spool.lend(), spool.count);
  for (const c of cells.slice(3, 5)) w.add(c);
  spool.settle(w.close());
  assert.equal(spool.count, 5);
  for (const c of cells.slice(5)) spool.add(c);
  assert.equal(spool.count, 7);
  assert.deepEqual(
    await serials(spool),
    cells.map((c) => c.serial),
  );
});

test('a bad record names its index in the whole spool, before and after a lend', (t) => {
  const cells = makeCells(4, 5);
  const spool = new CellSpool();
  t.after(() => spool.dispose());
  spool.add(cells[0]!);
  const w = new SpoolWriter(spool.lend(), spool.count);
  w.add(cells[1]!);
  const bad = { ...cells[2]!, thickness_um: Number.NaN };
  assert.throws(
    () => w.add(bad),
    (e: unknown) => e instanceof ProblemError && /^cells\[2\]/.test(e.problems[0]!.path),
  );
  spool.settle(w.close());
  assert.throws(
    () => spool.add(bad),
    (e: unknown) => e instanceof ProblemError && /^cells\[2\]/.test(e.problems[0]!.path),
  );
  assert.throws(() => spool.lend() && spool.add(cells[3]!), /add while another thread writes it/);
});
