/**
 * Streaming a production run's cells (issue 22, item 4): with JobOptions.cellSink the records go to the
 * sink as they are made and are not kept, and the run is otherwise the same — every record, in order,
 * the production block, and the pack built from the same first in-spec cells (whose battery serial the
 * store sets from JobResult.batteryCells). Without a sink, a run past the kept-cells limit is refused
 * up front naming the field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJob, JOB_LIMITS } from '../../src/pipeline.ts';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { ProblemError } from '../../src/problems.ts';
import { batterySerials, storedCell, storedDetail } from '../../src/run-record.ts';
import type { ProductionCell } from '../../src/process/line.ts';
import { PATENT_YAML } from '../helpers.ts';
import { CellSpool } from '../../src/store/index.ts';
import { prepareCellRow } from '../../src/store/store.ts';

const small = PATENT_YAML.replace(
  'battery: { series: 96, parallel: 2, application: ev }',
  'battery: { series: 4, parallel: 2, application: ev }',
);

test('a streamed production run gives the sink every record the kept run holds, in order, and the same results', () => {
  const p = parseRecipeText(small);
  assert.ok(p.ok, p.ok ? '' : JSON.stringify(p.problems));
  if (!p.ok) return;
  const o = { seed: 3, runId: 'R1', noCycling: true, production: { web_length_m: 6 }, battery: true };
  const kept = runJob(p.recipe, o);
  const got: ProductionCell[] = [];
  const streamed = runJob(p.recipe, { ...o, cellSink: (c) => got.push(c) });
  assert.equal(streamed.productionRun!.cells.length, 0, 'no record kept');
  const keptCells = kept.productionRun!.cells;
  assert.ok(keptCells.length >= 40, `cells ${keptCells.length}`);
  assert.deepEqual(streamed.output.production, kept.output.production);
  assert.deepEqual(streamed.output.battery, kept.output.battery, 'the pack took the same cells');
  assert.deepEqual(streamed.batteryCells, { serial: 'BAT-R1', count: 8 });
  assert.deepEqual(kept.batteryCells, streamed.batteryCells);
  // what the store gets: the streamed records, with the battery serial set as it passes, equal the kept ones
  const mapper = batterySerials(streamed)();
  const stored = got.map((c) => mapper(JSON.parse(JSON.stringify(storedCell(c)))));
  const keptStored = JSON.parse(JSON.stringify(storedDetail(kept).cells));
  assert.deepEqual(stored, keptStored);
  assert.equal(stored.filter((c) => (c.genealogy as { battery_serial: string | null }).battery_serial).length, 8);
});

test("the spool keeps the store's rows: read back, with the pack's serials set from batteryCells, they are the kept run's stored records", async (t) => {
  const p = parseRecipeText(small);
  assert.ok(p.ok, 'p.ok');
  if (!p.ok) return;
  const o = { seed: 3, runId: 'R1', noCycling: true, production: { web_length_m: 6 }, battery: true };
  const kept = runJob(p.recipe, o);
  const spool = new CellSpool();
  t.after(() => spool.dispose());
  const streamed = runJob(p.recipe, { ...o, cellSink: (c) => spool.add(storedCell(c)) });
  const keptStored = storedDetail(kept).cells;
  const back: unknown[] = [];
  for await (const ch of spool.chunks(streamed.batteryCells)) back.push(...ch);
  assert.deepEqual(back, JSON.parse(JSON.stringify(keptStored)));
  // the rows are the ones saveRun makes of the kept records (same checks, same JSON text)
  let i = 0;
  const { rows } = spool.stream(streamed.batteryCells);
  for await (const ch of rows())
    for (const r of ch) {
      assert.deepEqual(r, prepareCellRow(keptStored[i]!, i));
      i++;
    }
  assert.equal(i, keptStored.length);
  // a record the store would refuse is refused as the line makes it, naming the field
  const fresh = new CellSpool();
  t.after(() => fresh.dispose());
  fresh.add(keptStored[0]!);
  assert.throws(
    () => fresh.add({ ...keptStored[0]!, thickness_um: Number.NaN }),
    /cells\[\d+\]\.thickness_um: must be a finite number/,
  );
});

test('without a sink, a production run past the kept-cells limit is refused up front naming the field', () => {
  const p = parseRecipeText(
    PATENT_YAML.replace('speed_m_per_min: 1', 'speed_m_per_min: 100').replace('length_mm: 100', 'length_mm: 10'),
  );
  assert.ok(p.ok, 'p.ok');
  if (!p.ok) return;
  // "up front": before the production run starts or makes a cell (it would make about 600000)
  let started = 0;
  let made = 0;
  assert.throws(
    () =>
      runJob(p.recipe, {
        noCycling: true,
        production: { duration_s: 3600 },
        onProductionStart: () => started++,
        onCell: () => made++,
      }),
    (e: unknown) => {
      assert.ok(e instanceof ProblemError, 'e instanceof ProblemError');
      assert.match(
        e.message,
        new RegExp(
          `production\\.duration_s: a production run whose cells are kept in memory would make too many cells ` +
            `\\(got about 600000 cells; allowed <= ${JOB_LIMITS.keptProductionCells} cells, or a cellSink`,
        ),
      );
      return true;
    },
  );
  assert.deepEqual({ started, made }, { started: 0, made: 0 }, 'refused before the production run started');
});
