/**
 * `runs export` (json | csv | xlsx; cells | cycles | series | spc), `runs delete`, `runs prune`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { cli, testDir } from '../helpers.ts';
import { openStore } from '../../src/store/index.ts';
import { CELL_COLUMNS } from '../../src/export/tables.ts';
import { makeInput } from '../store/fixtures.ts';

const dir = testDir('rollcell-export-');
const example = new URL('../../examples/patent-line.yaml', import.meta.url).pathname;
const db = join(dir, 'runs.db');

/** one real run with a short production shift (shared by the export tests) */
let runId = '';
async function theRun(): Promise<string> {
  if (runId) return runId;
  const r = await cli([
    'run',
    example,
    '--json',
    '--no-battery',
    '--db',
    db,
    '--out',
    join(dir, 'out'),
    '--set',
    'production.duration_h=0.05',
    '--set',
    'cycling.ageing_cycles=3',
    '--set',
    'cycling.rate_capability=false',
  ]);
  assert.equal(r.code, 0, r.stderr);
  runId = (JSON.parse(r.stdout) as { run_id: string }).run_id;
  return runId;
}

/** RFC 4180 reader for the test (quoted fields with doubled quotes) */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        f += '"';
        i++;
      } else if (ch === '"') q = false;
      else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(f);
      f = '';
    } else if (ch === '\n') {
      row.push(f.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      f = '';
    } else f += ch;
  }
  return rows;
}

test('runs export --what cells --format csv: one row per cell with genealogy, every station reading, verdict and causes', async () => {
  const id = await theRun();
  const out = join(dir, 'cells.csv');
  const r = await cli(['runs', 'export', id.slice(0, 10), '--db', db, '--what', 'cells', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const rows = readCsv(readFileSync(out, 'utf8'));
  assert.deepEqual(rows[0], [...CELL_COLUMNS]);
  const store = await openStore(db);
  try {
    const cells = await store.listCells(id);
    assert.equal(rows.length - 1, cells.length, 'one row per stored cell');
    const col = (name: string): number => rows[0]!.indexOf(name);
    cells.forEach((c, i) => {
      const row = rows[i + 1]!;
      const rec = c as unknown as Record<string, any>;
      assert.equal(row[col('serial')], c.serial);
      assert.equal(row[col('lane')], String(rec.lane));
      assert.equal(
        row[col('first_sheet_rolls')],
        rec.genealogy.parents
          .filter((p: any) => p.sheet === 'first_sheet')
          .map((p: any) => p.roll_id)
          .join('|'),
      );
      for (const st of rec.stations) {
        assert.equal(Number(row[col(`station_${st.id}_force_N`)]), st.force_N);
        assert.equal(Number(row[col(`station_${st.id}_temperature_C`)]), st.temperature_C);
        if (st.gauge_thickness_um !== null)
          assert.equal(Number(row[col(`station_${st.id}_gauge_um`)]), st.gauge_thickness_um);
      }
      assert.equal(row[col('in_spec')], String(rec.in_spec));
      assert.equal(row[col('verdict')], c.verdict);
      assert.equal(row[col('causes')], rec.causes.join('|'));
      assert.equal(Number(row[col('capacity_mAh')]), c.capacity_mAh);
    });
  } finally {
    await store.close();
  }
});

test('runs export --format xlsx: a real workbook with a worksheet per table (cells, cycles, series, spc) and their rows', async () => {
  const id = await theRun();
  const out = join(dir, 'run.xlsx');
  const r = await cli(['runs', 'export', id, '--db', db, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(out).subarray(0, 2).toString('latin1'), 'PK', 'a zip container (OOXML), not CSV');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(out);
  assert.deepEqual(
    wb.worksheets.map((w) => w.name),
    ['cells', 'cycles', 'series', 'spc'],
  );
  const store = await openStore(db);
  try {
    const cells = await store.listCells(id);
    const cyc = await store.listCycles(id);
    const ws = wb.getWorksheet('cells')!;
    assert.equal(ws.rowCount, cells.length + 1);
    assert.equal(ws.getRow(2).getCell(1).value, cells[0]!.serial);
    assert.equal(wb.getWorksheet('cycles')!.rowCount, cyc.length + 1);
    assert.ok(wb.getWorksheet('series')!.rowCount > 10, "wb.getWorksheet('series')!.rowCount > 10");
    assert.ok(wb.getWorksheet('spc')!.rowCount >= 2, 'X̄–R subgroups');
  } finally {
    await store.close();
  }
});

test('runs export (json): the streamed document equals the store’s whole-run export; --what cycles gives the rows', async () => {
  const store = await openStore(join(dir, 'fx.db'));
  const id = await store.saveRun(makeInput(5, { cells: 1234, cycles: 7, points: 40 }));
  const whole = await store.exportRun(id);
  await store.close();
  const out = join(dir, 'bundle.json');
  const r = await cli(['runs', 'export', id, '--db', join(dir, 'fx.db'), '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), JSON.parse(JSON.stringify(whole)));
  const c = await cli([
    'runs',
    'export',
    id,
    '--db',
    join(dir, 'fx.db'),
    '--what',
    'cycles',
    '--out',
    join(dir, 'cyc.json'),
  ]);
  assert.equal(c.code, 0, c.stderr);
  const rows = JSON.parse(readFileSync(join(dir, 'cyc.json'), 'utf8')) as { cycle: number }[];
  assert.deepEqual(
    rows.map((x) => x.cycle),
    whole.cycles.map((x) => x.cycle),
  );
});

test('runs export: bad flags, an existing --out and an unknown run are exit 2 and write nothing', async () => {
  const id = await theRun();
  const existing = join(dir, 'keep.csv');
  writeFileSync(existing, 'precious');
  const cases: [string[], RegExp][] = [
    [['--format', 'pdf'], /--format: unknown export format \(got "pdf"; allowed json, csv, xlsx\)/],
    [['--what', 'cellz'], /--what: unknown table \(got "cellz"; allowed cells, cycles, series, spc\)/],
    [
      ['--format', 'csv', '--what', 'cells,cycles', '--out', join(dir, 'two.csv')],
      /--what: a CSV file holds one table/,
    ],
    [['--what', 'cells', '--out', existing], /--out: the file exists \(nothing was overwritten\)/],
  ];
  for (const [args, re] of cases) {
    const r = await cli(['runs', 'export', id, '--db', db, ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, re);
  }
  assert.equal(readFileSync(existing, 'utf8'), 'precious');
  const u = await cli(['runs', 'export', 'ZZZZ', '--db', db, '--what', 'cells', '--out', join(dir, 'none.csv')]);
  assert.equal(u.code, 2);
  assert.equal(existsSync(join(dir, 'none.csv')), false);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes('.tmp-')),
    [],
    'no temp files left',
  );
});

test('runs delete and runs prune --keep N remove runs with their cells, cycles and series (and unused recipe texts)', async () => {
  const f = join(dir, 'prune.db');
  const store = await openStore(f);
  const ids: string[] = [];
  for (let i = 0; i < 4; i++)
    ids.push(
      await store.saveRun({
        ...makeInput(10 + i, { cells: 30, recipeText: `name: r${i}\n` }),
        createdAt: new Date(Date.UTC(2026, 0, 1 + i)),
      }),
    );
  await store.close();
  const d = await cli(['runs', 'delete', ids[1]!.slice(0, 12), '--db', f]);
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, new RegExp(`deleted run ${ids[1]} \\(30 cells, \\d+ cycles, \\d+ series\\)`));
  const p = await cli(['runs', 'prune', '--keep', '1', '--db', f]);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /deleted 2 run\(s\)/);
  const s = await openStore(f);
  try {
    assert.deepEqual(
      (await s.listRuns()).map((r) => r.id),
      [ids[3]],
      'only the newest is left',
    );
    await assert.rejects(s.listCells(ids[0]!), /no run matches/);
    const k = (s as unknown as { kysely: { selectFrom(t: string): any } }).kysely;
    assert.equal((await k.selectFrom('cells').selectAll().execute()).length, 30);
    assert.equal(
      (await k.selectFrom('recipes').selectAll().execute()).length,
      1,
      'recipe texts of deleted runs are gone',
    );
  } finally {
    await s.close();
  }
  const bad = await cli(['runs', 'prune', '--keep', '-1', '--db', f]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--keep: must be a whole number of runs/);
});
