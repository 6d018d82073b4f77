/**
 * Measured line data from the recipe (`production.line_data`, relative to the recipe) and from the
 * command line (`--line-data`, which wins); a bad file is exit 2 naming the file, the line and the column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, quickRecipeFile, testDir } from '../helpers.ts';
import { openStore } from '../../src/store/index.ts';

const dir = testDir('rollcell-linedata-');
mkdirSync(join(dir, 'data'));
const csv = (force: number): string =>
  `# measured at the pilot line\ntime_s,station,force_N,temperature_C\n0,240,${force},\n30,240,${force},100\n0,236,310,\n`;
writeFileSync(join(dir, 'data', 'shift.csv'), csv(333));
writeFileSync(join(dir, 'other.csv'), csv(444));
writeFileSync(join(dir, 'bad.csv'), 'time_s,station,force_N\n0,240,300\n1,240,-3\n');

const recipe = (lineData?: string): string =>
  quickRecipeFile(dir, `r-${Math.random().toString(36).slice(2)}.yaml`, (r) => {
    r.production = { ...(r.production ?? {}), duration_h: 0.05, ...(lineData ? { line_data: lineData } : {}) };
    r.battery = undefined;
  });

async function forces240(db: string, runId: string): Promise<number[]> {
  const s = await openStore(db);
  try {
    const cells = await s.listCells(runId);
    return cells.map(
      (c) =>
        (c as unknown as { stations: { id: string; force_N: number }[] }).stations.find((x) => x.id === '240')!.force_N,
    );
  } finally {
    await s.close();
  }
}

test('production.line_data (relative to the recipe) feeds the run: every cell saw the measured 240 force; --line-data overrides it', async () => {
  const f = recipe('data/shift.csv');
  const db = join(dir, 'ld.db');
  const a = await cli(['run', f, '--json', '--db', db, '--out', join(dir, 'out')]);
  assert.equal(a.code, 0, a.stderr);
  const oa = JSON.parse(a.stdout) as Record<string, any>;
  assert.equal(oa.production.line_data.rows, 3);
  assert.deepEqual(oa.production.line_data.stations.sort(), ['236', '240']);
  assert.equal(oa.production.line_data.file, 'data/shift.csv');
  assert.equal(oa.production.line_data.source, 'production.line_data');
  assert.match(oa.production.line_data.sha256, /^[0-9a-f]{64}$/);
  const fa = await forces240(db, oa.run_id);
  assert.ok(fa.length > 0 && fa.every((x) => x === 333), `measured force in every cell (${fa.slice(0, 3)})`);

  const b = await cli([
    'run',
    f,
    '--json',
    '--db',
    db,
    '--out',
    join(dir, 'out'),
    '--line-data',
    join(dir, 'other.csv'),
  ]);
  assert.equal(b.code, 0, b.stderr);
  const ob = JSON.parse(b.stdout) as Record<string, any>;
  assert.equal(ob.production.line_data.source, '--line-data');
  assert.ok(
    (await forces240(db, ob.run_id)).every((x) => x === 444),
    '(await forces240(db, ob.run_id)).every((x) => x === 444)',
  );
});

test('a bad line-data file is exit 2 naming the file, the line and the column; a missing one names the path', async () => {
  const f = recipe();
  const r = await cli(['run', f, '--line-data', join(dir, 'bad.csv'), '--db', join(dir, 'x.db')]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr.trim(),
    /bad\.csv: --line-data: column force_N: must be > 0 \(got -3; allowed > 0\) \[line 3\]$/,
  );
  const g = recipe('data/none.csv');
  const m = await cli(['validate', g]);
  assert.equal(m.code, 0, 'validate checks the recipe; the run reads the file');
  const n = await cli(['run', g, '--db', join(dir, 'x.db')]);
  assert.equal(n.code, 2);
  assert.match(n.stderr, /production\.line_data: file not found or not readable \(got ".*data\/none\.csv"/);
  const o = await cli(['run', f, '--no-production', '--line-data', join(dir, 'other.csv'), '--db', join(dir, 'x.db')]);
  assert.equal(o.code, 2);
  assert.match(o.stderr, /--line-data: measured line data feed the production run/);
});
