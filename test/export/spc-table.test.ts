/**
 * The SPC export (`runs export --what spc`, the server's `export?what=spc`) writes every subgroup: on a
 * long shift, whose production block charts only a decimated subset, the stored cells pass once through
 * the production shift's own SPC (src/process/production/spc.ts), so the export has one row per subgroup,
 * the block's X̄/R limits, and at every subgroup the block charts exactly the block's mean, range and EWMA.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { runProduction } from '../../src/process/line.ts';
import { presentShift } from '../../src/present/production.ts';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { SPC_COLUMNS, spcRows, spcTable, type Row } from '../../src/export/tables.ts';
import { ProblemError } from '../../src/problems.ts';
import type { CellRecord } from '../../src/store/types.ts';
import { storedCell } from '../../src/run-record.ts';

const MEM_CASE = parse(
  readFileSync(
    new URL('../../../shared/review/reliability-cases/mem-6min-shift-10mm-cells.yaml', import.meta.url),
    'utf8',
  ),
) as Record<string, Record<string, unknown>>;

const shifts = new Map<number, ReturnType<typeof runShift>>();
const shift = (chartPoints = 0) =>
  shifts.get(chartPoints) ?? shifts.set(chartPoints, runShift(chartPoints)).get(chartPoints)!;
function runShift(chartPoints: number) {
  const r = parseRecipeText(JSON.stringify(MEM_CASE));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const run = runProduction(r.recipe, {
    seed: 7,
    duration_s: 20,
    includeCharts: true,
    ...(chartPoints ? { chartPoints } : {}),
  });
  return { output: { production: presentShift(run) }, cells: run.cells.map(storedCell) };
}

/** the cells in pages of 997 (not a multiple of the lanes or the subgroup size), counting the reads */
function pages(cells: readonly CellRecord[], reads: { n: number }) {
  return async function* () {
    reads.n++;
    for (let i = 0; i < cells.length; i += 997) yield cells.slice(i, i + 997);
  };
}

async function collect(g: AsyncIterable<Row>): Promise<Row[]> {
  const out: Row[] = [];
  for await (const r of g) out.push(r);
  return out;
}

type Lane = {
  lane: number;
  subgroups: number;
  xbar: { center: number; lcl: number; ucl: number };
  r: { center: number; lcl: number; ucl: number };
  ewma_out_of_control: number;
  charts: Record<string, number[]>;
};
const col = (name: string): number => SPC_COLUMNS.indexOf(name);

test('a long shift: one row per subgroup, the block’s limits, and the charted subgroups’ values to the bit', async () => {
  const { output, cells } = shift(40);
  const lanes = (output.production.spc as unknown as { lanes: Lane[] }).lanes;
  assert.ok(lanes.length >= 2, 'lanes.length >= 2');
  const reads = { n: 0 };
  const rows = await collect(spcTable(output, MEM_CASE['production'], pages(cells, reads)));
  assert.equal(reads.n, 1, 'the cells are read once');
  assert.equal(
    rows.length,
    lanes.reduce((s, l) => s + l.subgroups, 0),
    'one row per lane and subgroup',
  );
  assert.ok(spcRows(output).length < rows.length / 4, 'the block’s own chart is decimated');
  let at = 0;
  for (const ln of lanes) {
    const mine = rows.slice(at, at + ln.subgroups);
    at += ln.subgroups;
    assert.ok(ln.charts['subgroup']!.length <= 40 && ln.subgroups > 150, `lane ${ln.lane}: a decimated chart`);
    mine.forEach((r, i) => {
      assert.equal(r[col('lane')], ln.lane);
      assert.equal(r[col('subgroup')], i + 1);
      assert.deepEqual(
        [
          r[col('xbar_center')],
          r[col('xbar_lcl')],
          r[col('xbar_ucl')],
          r[col('r_center')],
          r[col('r_lcl')],
          r[col('r_ucl')],
        ],
        [ln.xbar.center, ln.xbar.lcl, ln.xbar.ucl, ln.r.center, ln.r.lcl, ln.r.ucl],
      );
    });
    ln.charts['subgroup']!.forEach((s, i) => {
      const r = mine[s - 1]!;
      assert.equal(r[col('mean')], ln.charts['means']![i], `lane ${ln.lane} subgroup ${s}: mean`);
      assert.equal(r[col('range')], ln.charts['ranges']![i]);
      assert.equal(r[col('ewma')], ln.charts['ewma']![i]);
      assert.equal(r[col('ewma_lcl')], ln.charts['ewma_lcl']![i]);
      assert.equal(r[col('ewma_ucl')], ln.charts['ewma_ucl']![i]);
    });
    // every subgroup, not only the charted ones: the EWMA points outside their limits are the block's count
    const out = mine.filter(
      (r) =>
        (r[col('ewma')] as number) > (r[col('ewma_ucl')] as number) ||
        (r[col('ewma')] as number) < (r[col('ewma_lcl')] as number),
    );
    assert.equal(out.length, ln.ewma_out_of_control, `lane ${ln.lane}: EWMA out-of-control subgroups`);
  }
});

test('a shift the block charts whole: the block’s rows, the cells not read', async () => {
  const { output, cells } = shift();
  const reads = { n: 0 };
  const rows = await collect(spcTable(output, MEM_CASE['production'], pages(cells, reads)));
  assert.equal(reads.n, 0);
  assert.deepEqual(rows, spcRows(output));
  // and the cells, streamed, give the same rows (the same SPC, the same values)
  const decimatedView = shift(40).output;
  const streamed = await collect(spcTable(decimatedView, MEM_CASE['production'], pages(cells, reads)));
  assert.deepEqual(streamed, rows);
});

test('a run whose cells were not all stored is refused, naming the lane and the counts', async () => {
  const { output, cells } = shift(40);
  const reads = { n: 0 };
  await assert.rejects(
    collect(spcTable(output, MEM_CASE['production'], pages(cells.slice(0, cells.length / 2), reads))),
    (e: unknown) =>
      e instanceof ProblemError &&
      /production\.spc\.lanes\[0\]: the run's stored cells do not give its production block's subgroups \(got \d+ subgroups; allowed \d+/.test(
        e.message,
      ),
  );
});
