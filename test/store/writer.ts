/**
 * Child process used by the store durability tests: opens a store and saves one generated run.
 *
 *   node --import tsx test/store/writer.ts <dbSpec> <seed> <nCells> [holdAtCells | staged]
 *
 * stdout protocol (one line each): `opened`, then — if holdAtCells is given — `holding <done>`
 * once at least holdAtCells cells are inserted (the write transaction is open at that moment);
 * it then waits for a line `continue` on stdin before going on. Finally `saved <runId>`.
 * The recipe text is unique per seed, so a run's recipe row is part of its own transaction.
 * With `staged` it saves the run in stages (Store.beginRun): its cells, then `staged <n>` (the transaction
 * open with the cells in it, the run row not yet written), waits for `continue`, then commits the rest.
 */
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import { openStore } from '../../src/store/index.ts';
import { prepareCellRow, prepareRunRows, storeKysely } from '../../src/store/store.ts';
import { makeInput } from './fixtures.ts';

async function main(): Promise<void> {
  const [spec, seedArg, nArg, holdArg] = process.argv.slice(2);
  if (!spec || !seedArg || !nArg) throw new Error('usage: writer.ts <dbSpec> <seed> <nCells> [holdAtCells]');
  const seed = Number(seedArg);
  const nCells = Number(nArg);
  const staged = holdArg === 'staged';
  const holdAt = holdArg === undefined || staged ? null : Number(holdArg);
  const lines = createInterface({ input: process.stdin });
  const waitContinue = () =>
    new Promise<void>((resolve) => {
      lines.on('line', (l) => {
        if (l.trim() === 'continue') resolve();
      });
    });
  const store = await openStore(spec);
  if (store.dialect === 'sqlite') {
    // a small page cache (500 KiB) makes a big transaction spill uncommitted pages into the WAL
    // file, as a 50 000-cell run does with the default cache: a kill then leaves half-written data
    // on disk, which recovery must ignore
    await sql`pragma cache_size = -500`.execute(storeKysely(store));
  }
  process.stdout.write('opened\n');
  const input = makeInput(seed, {
    cells: nCells,
    cycles: 200,
    points: 500,
    recipeText: `# writer seed ${seed}\nseed: ${seed}\n`,
  });
  if (staged) {
    const { cells = [], ...rest } = input;
    const rows = cells.map((c, i) => prepareCellRow(c, i));
    const run = await store.beginRun({ runId: `STAGED${seed}`, recipeText: input.recipeText, recipe: input.recipe });
    await run.addCells(
      (async function* () {
        for (let i = 0; i < rows.length; i += 1000) yield rows.slice(i, i + 1000);
      })(),
    );
    process.stdout.write(`staged ${run.cells}\n`);
    await waitContinue();
    await run.commit(
      prepareRunRows({ ...rest, runId: run.runId, cellStream: { count: rows.length, rows: async function* () {} } }),
    );
    process.stdout.write(`saved ${run.runId}\n`);
    await store.close();
    lines.close();
    return;
  }
  let held = false;
  const id = await store.saveRun(input, {
    onProgress: async (p) => {
      if (holdAt !== null && !held && p.phase === 'cells' && p.done >= holdAt) {
        held = true;
        process.stdout.write(`holding ${p.done}\n`);
        await waitContinue();
      }
    },
  });
  process.stdout.write(`saved ${id}\n`);
  await store.close();
  lines.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`writer failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
