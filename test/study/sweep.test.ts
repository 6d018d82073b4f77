import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parquetReadObjects } from 'hyparquet';
import ExcelJS from 'exceljs';
import { PATENT_YAML, cli, testDir } from '../helpers.ts';
import { openStore, StudyStore } from '../../src/store/index.ts';
import { parseStudyText, planStudy } from '../../src/study/plan.ts';
import { contextOf, runSweep, type PreparedStudy } from '../../src/study/session.ts';
import { inlineExecutor, poolExecutor } from '../../src/study/pool.ts';
import type { Executor } from '../../src/study/engine.ts';
import { toCsv } from '../../src/report/study-table.ts';
import { renderStudyReport } from '../../src/report/study.ts';
import { ROLLCELL_VERSION } from '../../src/version.ts';

const base = parse(PATENT_YAML) as Record<string, unknown>;
const tmp = (): string => testDir('rollcell-study-');

function prepared(studyText: string, id: string): PreparedStudy {
  const study = parseStudyText(studyText);
  const sp = planStudy(study, base, {});
  return {
    id,
    kind: 'sweep',
    sp,
    def: {
      id,
      kind: 'sweep',
      name: study.name,
      rollcellVersion: ROLLCELL_VERSION,
      recipeText: PATENT_YAML,
      recipe: base,
      studyText,
      study,
      base,
      seed: study.seed,
      design: study.design.type,
      inputs: sp.factors.map((f) => f.path),
      outputs: sp.columns,
      nPoints: sp.plan.size,
    },
  };
}

async function sweepCsv(ps: PreparedStudy, executor: Executor, db: string, signal?: AbortSignal): Promise<string> {
  const store = await openStore(db);
  try {
    const res = await runSweep(ps, {
      store: new StudyStore(store),
      executor,
      batchSize: 2,
      ...(signal ? { signal } : {}),
    });
    return toCsv({ inputs: ps.def.inputs, outputs: ps.def.outputs, rows: res.rows.map((r) => ({ ...r, seed: 0 })) });
  } finally {
    await executor.close();
    await store.close();
  }
}

const GRID_2D = `
name: 2-D grid
seed: 5
parameters:
  stations.240.force_N: {from: 200, to: 450, n: 3}
  stations.240.temperature_C: [80, 120]
stages: {first_cycle: true}
outputs: [line.anode.thickness_um, cycling.discharge_capacity_mAh_g, claims, claims_met]
`;

test('a 2-D sweep with 1 and with 2 worker threads gives identical tables', async () => {
  const ps = prepared(GRID_2D, 'stest-workers');
  const dir = tmp();
  const one = await sweepCsv(ps, poolExecutor(contextOf(ps.sp), 1), join(dir, 'one.db'));
  const two = await sweepCsv(ps, poolExecutor(contextOf(ps.sp), 2), join(dir, 'two.db'));
  assert.equal(one.trim().split('\n').length, 1 + 6);
  assert.equal(two, one);
  // the points did run the physics: a capacity for every cell that cycles
  assert.match(one, /\n0,ok,,\d+,200,80,[\d.]+,[\d.]+,/);
});

test('a failing point is recorded with its reason and the study goes on', async () => {
  const ps = prepared(
    `
name: with a bad level
parameters:
  third_sheet.li_layer.li_wt_pct: [90, 120, 100]
outputs: [line.anode.thickness_um]
`,
    'stest-fail',
  );
  const dir = tmp();
  const store = await openStore(join(dir, 'f.db'));
  try {
    const res = await runSweep(ps, { store: new StudyStore(store), executor: inlineExecutor(contextOf(ps.sp)) });
    assert.deepEqual(
      res.rows.map((r) => r.status),
      ['ok', 'failed', 'ok'],
    );
    assert.match(
      res.rows[1]!.error!,
      /third_sheet\.li_layer\.li_wt_pct: out of the physical range \(got 120; allowed <= 100\)/,
    );
    assert.equal(res.rows[1]!.outputs[0], null);
    assert.equal(typeof res.rows[2]!.outputs[0], 'number');
    assert.equal(res.summary.failed, 1);
    assert.equal((await new StudyStore(store).get('stest-fail')).status, 'completed');
  } finally {
    await store.close();
  }
});

test('a resumed study matches an uninterrupted one (stored points are kept, the rest is run)', async () => {
  const text = GRID_2D.replace('first_cycle: true', 'first_cycle: false').replace(
    ', cycling.discharge_capacity_mAh_g',
    '',
  );
  const dir = tmp();
  const whole = await sweepCsv(
    prepared(text, 'stest-whole'),
    inlineExecutor(contextOf(prepared(text, 'x').sp)),
    join(dir, 'w.db'),
  );
  const ps = prepared(text, 'stest-resume');
  const db = join(dir, 'r.db');
  // interrupted after the second batch
  const ac = new AbortController();
  let batches = 0;
  const inner = inlineExecutor(contextOf(ps.sp));
  const interrupting: Executor = {
    parallelism: 1,
    run: async (b) => {
      const r = await inner.run(b);
      if (++batches === 2) ac.abort();
      return r;
    },
    close: () => Promise.resolve(),
  };
  const part = await sweepCsv(ps, interrupting, db, ac.signal);
  const partRows = part.trim().split('\n').length - 1;
  assert.ok(partRows >= 2 && partRows < 6, `interrupted after ${partRows} points`);
  {
    const store = await openStore(db);
    const s = await new StudyStore(store).get('stest-resume');
    assert.equal(s.status, 'running');
    await store.close();
  }
  // resumed: only the missing points run
  let evaluated = 0;
  const counting: Executor = {
    parallelism: 1,
    run: async (b) => {
      evaluated += b.length;
      return inner.run(b);
    },
    close: () => Promise.resolve(),
  };
  const resumed = await sweepCsv(ps, counting, db);
  assert.equal(evaluated, 6 - partRows);
  assert.equal(resumed, whole);
});

test('rollcell sweep: study errors exit 2 naming the study file and field; --set applies to every point', async () => {
  const dir = tmp();
  const recipe = join(dir, 'r.yaml');
  writeFileSync(recipe, PATENT_YAML);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(
    bad,
    'name: x\nparameters:\n  stations.240.forc_N: [200, 300]\n  cell.stack_pressure_MPa: {from: 1, to: 10, scale: cubic}\n',
  );
  const r = await cli(['sweep', recipe, bad, '--db', join(dir, 'a.db'), '--out', dir, '--workers', '0']);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: parameters\\.cell\\.stack_pressure_MPa\\.scale`),
  );
  const bad2 = join(dir, 'bad2.yaml');
  writeFileSync(
    bad2,
    'name: x\nparameters:\n  stations.240.forc_N: [200, 300]\noutputs: [line.anode.thicknes_um, cycling.max_c_rate]\n',
  );
  const r2 = await cli(['sweep', recipe, bad2, '--db', join(dir, 'a.db'), '--out', dir, '--workers', '0']);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /bad2\.yaml: parameters\.stations\.240\.forc_N: not a recipe field .*did you mean "force_N"/);
  assert.match(r2.stderr, /bad2\.yaml: outputs\.1: needs the first_cycle stage/);
  const badSet = await cli(['sweep', recipe, bad2, '--set', 'stations.240.forceN=3', '--workers', '0']);
  assert.equal(badSet.code, 2);
  assert.match(badSet.stderr, /--set stations\.240\.forceN: not a recipe field/);
  const ok = join(dir, 'ok.yaml');
  writeFileSync(
    ok,
    'name: pressure\nparameters:\n  cell.stack_pressure_MPa: [2, 8]\noutputs: [line.stations.240.temperature_C, claims.7]\n',
  );
  const csv = join(dir, 'o.csv');
  const pq = join(dir, 'o.parquet');
  const xl = join(dir, 'o.xlsx');
  const r3 = await cli([
    'sweep',
    recipe,
    ok,
    '--db',
    join(dir, 'a.db'),
    '--out',
    dir,
    '--workers',
    '0',
    '--set',
    'stations.240.temperature_C=25',
    '--csv',
    csv,
    '--parquet',
    pq,
    '--xlsx',
    xl,
  ]);
  assert.equal(r3.code, 0, r3.stderr);
  assert.match(r3.stderr, /sweep pressure: 2\/2 points/, 'progress on stderr');
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(lines.length, 3);
  // 25 °C at 240 is not heating: claim 7 not met at every point
  assert.match(lines[1]!, /,2,25,not met,$/);
  const rows = await parquetReadObjects({ file: new Uint8Array(readFileSync(pq)).buffer });
  assert.deepEqual(
    rows.map((x) => [x['cell.stack_pressure_MPa'], x['claims.7']]),
    [
      [2, 'not met'],
      [8, 'not met'],
    ],
  );
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(xl);
  assert.equal(wb.worksheets[0]!.getRow(3).getCell(5).value, 8);
  // the same command again finds the stored study and runs nothing new
  const r4 = await cli([
    'sweep',
    recipe,
    ok,
    '--db',
    join(dir, 'a.db'),
    '--out',
    dir,
    '--workers',
    '0',
    '--set',
    'stations.240.temperature_C=25',
    '--quiet',
  ]);
  assert.match(r4.stdout, /2 points \(0 failed\), resumed/);
  assert.equal(r4.stderr, '', '--quiet: no progress');
});

test('the study report draws a heatmap with axes, units, claim boundaries and the feasible window', async () => {
  const ps = prepared(
    `
name: map
parameters:
  stations.240.force_N: {from: 150, to: 500, n: 4}
  stations.240.temperature_C: {from: 30, to: 200, n: 4}
outputs: [line.anode.thickness_um, claims]
feasible:
  line.anode.free_li_um: {max: 0}
`,
    'stest-report',
  );
  ps.sp.columns.push('line.anode.free_li_um');
  ps.def.outputs = ps.sp.columns;
  const dir = tmp();
  const store = await openStore(join(dir, 'm.db'));
  try {
    const ss = new StudyStore(store);
    const res = await runSweep(ps, { store: ss, executor: inlineExecutor(contextOf(ps.sp)) });
    const html = renderStudyReport(await ss.get(ps.id), res.rows);
    assert.match(html, /<svg[^>]*aria-label="line\.anode\.thickness_um"/);
    assert.match(html, /stations\.240\.force_N \/ N/);
    assert.match(html, /stations\.240\.temperature_C \/ °C/);
    assert.match(html, /claim 12: prelithiated anode 10–100 µm/);
    assert.match(html, /feasible window \(edge\)/);
    assert.match(html, /parallel coordinates/);
    assert.doesNotMatch(html, /<script/);
  } finally {
    await store.close();
  }
});
