import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLineData, LineDataError, interpSeries } from '../../src/process/production/linedata.ts';
import { runProduction } from '../../src/process/line.ts';
import { standinPhysics } from './standin.ts';
import { recipeWith, recordsOf } from './helpers.ts';

const HEADER = 'time_s,station,force_N,temperature_C,thickness_um';

function errorOf(text: string): LineDataError {
  try {
    parseLineData(text);
  } catch (e) {
    assert.ok(e instanceof LineDataError, String(e));
    return e;
  }
  assert.fail('no error');
}

test('malformed line-data CSV: errors name the line and the column', () => {
  let e = errorOf(`${HEADER}\n0,240,300,100,30\n1,240,abc,100,30\n`);
  assert.equal(e.line, 3);
  assert.equal(e.column, 'force_N');
  assert.match(
    e.message,
    /^line data\.force_N: not a number \(got "abc"; allowed a finite decimal number\) \[line 3\]$/,
  );
  e = errorOf(`# comment\n${HEADER}\n0,240,300,100\n`);
  assert.equal(e.line, 3);
  assert.match(e.message, /wrong number of fields \(got 4; allowed 5 as in the header on line 2\)/);
  e = errorOf(`time_s,station,force_kN\n0,240,0.3\n`);
  assert.equal(e.line, 1);
  assert.equal(e.column, 'force_kN');
  e = errorOf(`${HEADER}\n0,241,300,100,30\n`);
  assert.equal(e.column, 'station');
  assert.match(e.message, /allowed 222, 236, 240/);
  e = errorOf(`${HEADER}\n5,240,300,100,30\n\n4,240,300,100,30\n`);
  assert.equal(e.line, 4);
  assert.equal(e.column, 'time_s');
  e = errorOf(`${HEADER}\n0,240,-3,100,30\n`);
  assert.equal(e.column, 'force_N');
  e = errorOf(`${HEADER}\n0,240,300,-300,30\n`);
  assert.equal(e.column, 'temperature_C');
  e = errorOf(`${HEADER}\n0,240,300,100,1e\n`);
  assert.equal(e.column, 'thickness_um');
  e = errorOf(`${HEADER}\n,240,300,100,30\n`);
  assert.equal(e.column, 'time_s');
  e = errorOf(``);
  assert.equal(e.line, 1);
});

test('a valid file parses, empty fields are "not measured", series interpolate', () => {
  const d = parseLineData(`${HEADER}\n0,240,300,100,\n10,240,320,,\n0,222,400,25,90\n`);
  assert.equal(d.rows, 3);
  const f = d.stations['240']!.force!;
  assert.equal(interpSeries(f, 5), 310);
  assert.equal(interpSeries(f, 50), 320);
  assert.equal(d.stations['240']!.temperature!.t.length, 1);
  assert.ok(
    Math.abs(d.stations['222']!.thickness!.v[0]! - 90e-6) < 1e-18,
    "Math.abs(d.stations['222']!.thickness!.v[0]! - 90e-6) < 1e-18",
  );
});

test('measured series replace simulated variability in a run', () => {
  const csv = `${HEADER}\n0,240,280,90,\n100000,240,280,90,\n0,236,310,30,\n`;
  const run = runProduction(recipeWith(), {
    seed: 2,
    web_length_m: 30,
    physics: standinPhysics,
    lineData: parseLineData(csv),
  });
  for (const c of recordsOf(run)) {
    const s240 = c.stations.find((s) => s.id === '240')!;
    assert.equal(s240.force_N, 280);
    assert.ok(Math.abs(s240.temperature_C - 90) < 1e-9, 'Math.abs(s240.temperature_C - 90) < 1e-9');
    assert.equal(c.stations.find((s) => s.id === '236')!.force_N, 310);
    assert.notEqual(c.stations.find((s) => s.id === '222')!.force_N, 400); // not measured: simulated around 400 N
  }
});

test('genealogy CSV: one row per cell, same column count on every row, roll IDs of spliced cells joined', async () => {
  const { genealogyCsv } = await import('../../src/present/production-cell.ts');
  const r = recipeWith({
    line: {
      speed_m_per_min: 1,
      web_width_mm: 100,
      roll_length_m: { first_sheet: 7.05, al_sheet: 1000, third_sheet: 300 },
      downstream: { dwell_h: 24, temperature_C: 25, wound: true },
    },
    production: { splice: { scrap_length_m: 0 } },
  });
  const run = runProduction(r, { seed: 3, web_length_m: 12, physics: standinPhysics });
  const rows = genealogyCsv(recordsOf(run)).trimEnd().split('\n');
  assert.equal(rows.length, recordsOf(run).length + 1);
  const n = rows[0]!.split(',').length;
  for (const row of rows) assert.equal(row.split(',').length, n);
  assert.ok(
    rows.some((row) => row.includes('FS-0001|FS-0002')),
    "rows.some((row) => row.includes('FS-0001|FS-0002'))",
  );
});
