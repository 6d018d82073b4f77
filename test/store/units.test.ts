/** Store parts that need no database server: run ids, JSON diff, --db parsing/errors, text renderers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  diffJson,
  formatDiff,
  formatRun,
  formatRunList,
  isRunId,
  newRunId,
  openStore,
  parseDbSpec,
  runIdTime,
  StoreError,
  unitOf,
  fmtNum,
} from '../../src/store/index.ts';
import { makeInput, makeOutput } from './fixtures.ts';
import { ProblemError } from '../../src/problems.ts';

test('run ids are 26-char Crockford base32, sort by creation time, and are unique', () => {
  const t0 = Date.UTC(2026, 10, 25, 5, 0, 0);
  const ids: string[] = [];
  for (let i = 0; i < 5000; i++) ids.push(newRunId(t0 + Math.floor(i / 100))); // 100 ids per millisecond
  for (const id of ids) assert.ok(isRunId(id), id);
  assert.equal(new Set(ids).size, ids.length, 'no duplicates');
  assert.deepEqual(ids.slice().sort(), ids, 'lexicographic order = creation order, also within one millisecond');
  assert.equal(runIdTime(ids[0]!), t0);
  assert.equal(runIdTime(ids.at(-1)!), t0 + 49);
  // a later time always sorts after, even though the random part is arbitrary
  assert.ok(newRunId(t0 + 10_000) > ids.at(-1)!, 'newRunId(t0 + 10_000) > ids.at(-1)!');
  assert.throws(() => newRunId(-1), /now must be an integer millisecond time/);
  assert.equal(runIdTime('not-an-id'), null);
});

test('diffJson: numeric changes with Δ and Δ%, keyed arrays, index arrays, added/removed, ignore', () => {
  const a = {
    x: 10,
    z: 0,
    s: 'a',
    arr: [1, 2, 3],
    st: [
      { id: 'b', f_N: 1 },
      { id: 'a', f_N: 2 },
    ],
    gone: true,
    run_id: 'A',
  };
  const b = {
    x: 12.5,
    z: 4,
    s: 'b',
    arr: [1, 5],
    st: [
      { id: 'a', f_N: 2 },
      { id: 'b', f_N: 3 },
      { id: 'c', f_N: 9 },
    ],
    new: null,
    run_id: 'B',
  };
  const d = diffJson(a, b, { ignore: ['run_id'] });
  assert.deepEqual(d.numeric, [
    { path: 'x', old: 10, new: 12.5, delta: 2.5, delta_pct: 25 },
    { path: 'z', old: 0, new: 4, delta: 4, delta_pct: null },
    { path: 'arr[1]', old: 2, new: 5, delta: 3, delta_pct: 150 },
    { path: 'st[id=b].f_N', old: 1, new: 3, delta: 2, delta_pct: 200 },
  ]);
  assert.deepEqual(d.changed, [{ path: 's', old: 'a', new: 'b' }]);
  assert.deepEqual(d.removed, [
    { path: 'arr[2]', value: 3 },
    { path: 'gone', value: true },
  ]);
  assert.deepEqual(d.added, [
    { path: 'st[id=c]', value: { id: 'c', f_N: 9 } },
    { path: 'new', value: null },
  ]);
  // negative old value: Δ% relative to |old|
  assert.equal(diffJson({ v: -4 }, { v: -2 }).numeric[0]!.delta_pct, 50);
  // type change is a value change, not numeric
  assert.deepEqual(diffJson({ v: 1 }, { v: '1' }).changed, [{ path: 'v', old: 1, new: '1' }]);
  const same = diffJson(makeOutput(3), makeOutput(3));
  assert.equal(same.numeric.length + same.changed.length + same.added.length + same.removed.length, 0);
});

test('--db: unsupported schemes and unusable paths are refused with a message naming the value', async () => {
  const expectBad = async (spec: string, re: RegExp) =>
    assert.rejects(openStore(spec), (e: unknown) => {
      // an input error, like every other: the one ProblemError naming --db, the value and what is allowed
      assert.ok(e instanceof ProblemError, String(e));
      assert.ok(!(e instanceof StoreError), '!(e instanceof StoreError)');
      assert.equal(e.problems.length, 1);
      assert.equal(e.problems[0]!.path, '--db');
      assert.ok(e.problems[0]!.got.length > 0 && e.problems[0]!.allowed.length > 0, e.message);
      assert.match(e.message, re);
      assert.match(e.message, /\(got .*; allowed .+\)$/);
      return true;
    });
  // what the file at a well-formed path turns out to be when opened (not a database, refused by the OS) is
  // the database's condition, not the input's: a StoreError the user can fix (exit 2), naming the value
  const expectUnusable = async (spec: string, re: RegExp) =>
    assert.rejects(openStore(spec), (e: unknown) => {
      assert.ok(e instanceof StoreError, String(e));
      assert.equal(e.code, 'unavailable');
      assert.equal(e.isUserError, true);
      assert.match(e.message, re);
      return true;
    });
  await expectBad(
    'mysql://root:secret@db.example/rollcell',
    /--db: unsupported database 'mysql:\/\/' \(got 'mysql:\/\/root:\*\*\*@db\.example\/rollcell'/,
  );
  await expectBad(
    '/nonexistent-dir-xyz/sub/runs.db',
    /cannot create the SQLite file: directory '\/nonexistent-dir-xyz\/sub' does not exist \(got '\/nonexistent-dir-xyz\/sub\/runs\.db'/,
  );
  // a place where no user can create files (procfs): the OS refuses, the message names the value
  // (a normal user is refused by the path check; root passes it and the OS refuses the open)
  await (process.getuid?.() === 0 ? expectUnusable : expectBad)(
    '/proc/rollcell-store-test.db',
    /--db: cannot (open|create) the SQLite file.*'\/proc\/rollcell-store-test\.db'/,
  );
  await expectBad('', /--db: must be a SQLite file path or a postgres:\/\/ URL \(got ""/);
  const dir = mkdtempSync(join(tmpdir(), 'rollcell-spec-'));
  try {
    await expectBad(dir, new RegExp(`a directory, not a database file \\(got '${dir}'`));
    const notDb = join(dir, 'notes.txt');
    writeFileSync(
      notDb,
      'this is not a database, just text that is long enough to have a header..........\n'.repeat(20),
    );
    if (process.getuid?.() !== 0) {
      // (root may write anywhere, so a read-only directory only stops a normal user)
      const ro = join(dir, 'ro');
      mkdirSync(ro, { mode: 0o555 });
      await expectBad(join(ro, 'runs.db'), /directory '.*ro' is not writable/);
    }
    await expectUnusable(
      notDb,
      /--db: (cannot (use|open) the (SQLite file|database) \(|)the file is not a SQLite database.*\(got '.*notes\.txt'/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(
    () => parseDbSpec('postgres://u@h/db?schema=bad-name'),
    /schema must be a plain lower-case identifier \(got 'bad-name'/,
  );
  assert.deepEqual(parseDbSpec('postgresql://u:pw@h:5/db?schema=s1&sslmode=disable'), {
    kind: 'postgres',
    connectionString: 'postgresql://u:pw@h:5/db?sslmode=disable',
    schema: 's1',
    display: 'postgresql://u:***@h:5/db?schema=s1&sslmode=disable',
  });
});

test('--db: an unreachable PostgreSQL server is a clear error naming the URL (password masked)', async () => {
  // port 1 on loopback: nothing listens there, the connection is refused at once
  await assert.rejects(openStore('postgres://rollcell:hunter2@127.0.0.1:1/nowhere'), (e: unknown) => {
    assert.ok(e instanceof StoreError, 'e instanceof StoreError');
    // the user's to fix (exit 2), and the message says what to check
    assert.equal(e.code, 'unavailable');
    assert.equal(e.isUserError, true);
    assert.match(
      e.message,
      /cannot connect to PostgreSQL: connection refused: is the PostgreSQL server running, and are the host and port in --db right\? \(got 'postgres:\/\/rollcell:\*\*\*@127\.0\.0\.1:1\/nowhere': .*ECONNREFUSED/,
    );
    assert.doesNotMatch(e.message, /hunter2/);
    return true;
  });
});

test('units come from field names; numbers are shown to 6 significant digits', () => {
  assert.deepEqual(unitOf('force_N'), { label: 'force', unit: 'N' });
  assert.deepEqual(unitOf('temperature_C'), { label: 'temperature', unit: '°C' });
  assert.deepEqual(unitOf('li_diffusivity_cm2_s'), { label: 'li_diffusivity', unit: 'cm²/s' });
  assert.deepEqual(unitOf('specific_energy_Wh_kg'), { label: 'specific_energy', unit: 'Wh/kg' });
  assert.deepEqual(unitOf('areal_capacity_mAh_cm2'), { label: 'areal_capacity', unit: 'mAh/cm²' });
  assert.deepEqual(unitOf('thickness_um'), { label: 'thickness', unit: 'µm' });
  assert.deepEqual(unitOf('np_ratio'), { label: 'np_ratio', unit: '' });
  assert.equal(fmtNum(12345.6789), '12345.7');
  assert.equal(fmtNum(0.1 + 0.2), '0.3');
  assert.equal(fmtNum(1.234e-9), '1.234e-9');
  assert.equal(fmtNum(42), '42');
  assert.equal(fmtNum(null), '–');
});

function storedRunOf(seed: number) {
  const input = makeInput(seed, { cells: 3 });
  return {
    id: `RUN${seed}AAAAAAAAAAAAAAAAAAAAAA`.slice(0, 26),
    created_at: '2026-11-25T05:00:00.000Z',
    rollcell_version: '0.1.0',
    recipe_hash: 'ab'.repeat(32),
    seed,
    status: 'completed' as const,
    cells_total: 1000,
    cells_in_spec: 965,
    yield_pct: 96.5,
    specific_energy_Wh_kg: input.output.design.specific_energy_Wh_kg,
    energy_density_Wh_L: input.output.design.energy_density_Wh_L,
    np_ratio: input.output.design.np_ratio,
    cell_thickness_um: 98.7,
    charge_capacity_mAh_g: 200,
    discharge_capacity_mAh_g: 190.25,
    coulombic_efficiency: 0.95125,
    claims_met: 1,
    claims_total: 2,
    n_cells: 3,
    n_cycles: 5,
    n_series: 2,
    recipe: { hash: 'ab'.repeat(32), text: input.recipeText, parsed: input.recipe },
    output: input.output,
    stations: input.output.line!.stations.map((s) => ({
      station_id: s.id,
      force_N: s.force_N,
      temperature_C: s.temperature_C,
      peak_pressure_MPa: s.peak_pressure_MPa,
      bonded: s.bonded,
      data: s,
    })),
  };
}

test('formatRunList: one aligned row per run with units in the header', () => {
  const runs = [storedRunOf(1), storedRunOf(2)].map(({ recipe: _r, output: _o, stations: _s, ...sum }) => sum);
  const txt = formatRunList(runs);
  const lines = txt.split('\n');
  assert.match(
    lines[0]!,
    /^id\s+created \(UTC\)\s+status\s+seed\s+cells\s+yield %\s+Wh\/kg\s+Wh\/L\s+N\/P\s+dis\. mAh\/g\s+CE %\s+claims met\s+recipe$/,
  );
  assert.equal(lines.length, 5); // header, rule, 2 rows, count
  assert.match(
    lines[2]!,
    /^RUN1A+\s+2026-11-25 05:00:00\s+completed\s+1\s+1000\s+96\.50\s+\d+\.\d\s+\d+\.\d\s+1\.\d{3}\s+190\.3\s+95\.13\s+1\/2\s+abababab/,
  );
  // aligned: every column of each row starts at the same offset as its header
  const col = (l: string, re: RegExp) => l.search(re);
  assert.equal(col(lines[2]!, /completed/), col(lines[0]!, /status/));
  assert.equal(col(lines[3]!, /completed/), col(lines[0]!, /status/));
  assert.equal(lines[4], '2 runs');
  assert.match(formatRunList([]), /no runs stored yet/);
});

test('formatRun: sections with values and units; formatDiff: changed fields with unit, a, b, Δ, Δ%', () => {
  const run = storedRunOf(4);
  const txt = formatRun(run);
  assert.match(txt, /^run RUN4A+ {2}\(completed\)$/m);
  assert.match(txt, /^ {2}seed {6}4$/m);
  assert.match(txt, /^design$/m);
  assert.match(txt, /^ {4}area +100 cm²$/m);
  assert.match(txt, /^ {2}station +force N +T °C +peak pressure MPa +bonded$/m);
  assert.match(txt, /^ {2}240 +\d+(\.\d+)? +105 +\d+(\.\d+)? +yes$/m);
  assert.match(txt, /^ {2}yield +96\.5 %$/m);
  assert.match(txt, /^ {6}1 +met +1\/1$/m);

  const b = storedRunOf(4);
  b.output = makeOutput(4, { force_N: 15000 });
  const f0 = run.output.line!.stations[2]!.force_N;
  const diff = {
    a: run,
    b: { ...b, id: 'RUN5BBBBBBBBBBBBBBBBBBBBBB' },
    same_recipe: true,
    output: diffJson(run.output, b.output, { ignore: ['run_id'] }),
    recipe: diffJson(run.recipe.parsed, b.recipe.parsed),
  };
  const dtxt = formatDiff(diff);
  assert.match(dtxt, /^recipe: identical text$/m);
  assert.match(dtxt, /^ {2}field +unit +a +b +Δ +Δ%$/m);
  const row = dtxt.split('\n').find((l) => l.includes('line.stations[id=240].force_N'));
  assert.ok(row, dtxt);
  assert.match(
    row,
    new RegExp(
      `line\\.stations\\[id=240\\]\\.force_N +N +${fmtNum(f0).replace('.', '\\.')} +15000 +\\+${fmtNum(15000 - f0, 4).replace('.', '\\.')} +\\+[\\d.]+%$`,
    ),
  );
  assert.match(dtxt, /^1 number changed, 0 other values changed, 0 added, 0 removed; 0 arrays with changed elements$/m);
  const none = formatDiff({ ...diff, output: diffJson(run.output, run.output) });
  assert.match(none, /^results: identical$/m);
});
