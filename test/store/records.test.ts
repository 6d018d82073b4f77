/**
 * The store's record schemas (src/store/records.ts): the fields it reads are checked with a Problem naming
 * the field, the value and what is allowed; everything else a record carries is kept as given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareCellRow } from '../../src/store/store.ts';
import { cellRecordFieldsOk, cellRecordSchema, checkRecord, cycleRecordSchema } from '../../src/store/records.ts';
import { ProblemError } from '../../src/problems.ts';
import type { CellRecord } from '../../src/store/types.ts';

const refused = (f: () => unknown, re: RegExp): void =>
  assert.throws(f, (e: unknown) => e instanceof ProblemError && re.test(e.message));

test('a cell: serial, verdict, genealogy and the key figures are checked, each bad one named', () => {
  const ok: CellRecord = { serial: 'S-1', verdict: 'in_spec', thickness_um: 98.5 };
  refused(() => prepareCellRow({ ...ok, serial: '' }, 4), /^cells\[4\]\.serial: must be a non-empty string \(got ""/);
  refused(
    () => prepareCellRow({ ...ok, verdict: 3 as unknown as string }, 0),
    /^cells\[0\]\.verdict: must be a string \(got 3; allowed a string\)/,
  );
  refused(
    () => prepareCellRow({ ...ok, mass_g: Number.NaN }, 2),
    /^cells\[2\]\.mass_g: must be a finite number \(got null; allowed finite numbers\)/,
  );
  refused(
    () => prepareCellRow({ ...ok, genealogy: [] as unknown as CellRecord['genealogy'] }, 1),
    /^cells\[1\]\.genealogy: must be an object \(got \[\]; allowed an object\)/,
  );
  refused(() => prepareCellRow(null as unknown as CellRecord, 7), /^cells\[7\]: must be an object/);
  // null is an absent figure, as before
  assert.equal(prepareCellRow({ ...ok, thickness_um: null }, 0).thickness_um, null);
});

test("the plain check of a cell (prepareCellRow skips the schema when it passes) gives the schema's answer", () => {
  const ok: CellRecord = { serial: 'S-1', verdict: 'in_spec', thickness_um: 98.5, genealogy: { lane: 1 } };
  const bad: unknown[] = [];
  const good: unknown[] = [
    ok,
    { serial: 'S', verdict: '' },
    { ...ok, thickness_um: null, mass_g: undefined, capacity_mAh: 0, specific_energy_Wh_kg: -1 },
    { ...ok, genealogy: undefined, extra: { a: [1, 'x'] } },
    { ...ok, genealogy: {}, extra: {}, lane: 'anything else', stack: [Number.NaN] },
    Object.assign(Object.create(null) as object, { serial: 'S-3', verdict: 'x' }),
  ];
  for (const [k, v] of [
    ['serial', ''],
    ['serial', 5],
    ['serial', undefined],
    ['serial', new String('S')],
    ['verdict', null],
    ['verdict', undefined],
    ['genealogy', []],
    ['genealogy', null],
    ['genealogy', 'lane 1'],
    ['extra', []],
    ['extra', null],
    ['extra', 3],
  ] as const)
    bad.push({ ...ok, [k]: v });
  for (const f of ['thickness_um', 'mass_g', 'capacity_mAh', 'specific_energy_Wh_kg'])
    for (const v of [Number.NaN, Infinity, -Infinity, '98.5', true, {}, 10n]) bad.push({ ...ok, [f]: v });
  bad.push(null, undefined, 'S-1', [], [ok], 42);
  for (const v of good) {
    assert.equal(cellRecordSchema.safeParse(v).success, true, `the schema takes ${String(JSON.stringify(v))}`);
    assert.equal(cellRecordFieldsOk(v), true, `the plain check takes ${String(JSON.stringify(v))}`);
  }
  for (const v of bad) {
    const what =
      typeof v === 'object' && v !== null
        ? Object.entries(v).find(
            ([k]) => !(k in ok) || (v as Record<string, unknown>)[k] !== (ok as Record<string, unknown>)[k],
          )
        : v;
    assert.equal(cellRecordSchema.safeParse(v).success, false, `the schema refuses ${String(what)}`);
    assert.equal(cellRecordFieldsOk(v), false, `the plain check refuses ${String(what)}`);
  }
});

test('a cell whose figures JSON cannot hold is named by its path, in the genealogy or the record', () => {
  const ok: CellRecord = { serial: 'S-1', verdict: 'in_spec', genealogy: { lane: 1, parents: [{ md_start_m: 0 }] } };
  const row = prepareCellRow(ok, 0);
  assert.equal(row.genealogy_json, JSON.stringify(ok.genealogy));
  assert.equal(row.data_json, JSON.stringify(ok));
  refused(
    () => prepareCellRow({ ...ok, genealogy: { lane: 1, parents: [{ md_start_m: Number.NaN }] } }, 3),
    /^cells\[3\]\.genealogy\.parents\[0\]\.md_start_m: must be a finite number/,
  );
  refused(
    () => prepareCellRow({ ...ok, extra: { when: Infinity } } as CellRecord, 5),
    /^cells\[5\]\.extra\.when: must be a finite number/,
  );
});

test("a cell's own fields travel verbatim in `extra`, and a produced cell's record is kept whole", () => {
  const c: CellRecord = {
    serial: 'S-2',
    verdict: 'out_of_spec: defect',
    lane: 3,
    in_spec: false,
    extra: { defects: ['pinhole'], operator: { shift: 'B' } },
  };
  const row = prepareCellRow(c, 0);
  assert.deepEqual(JSON.parse(row.data_json), c);
});

test('a cycle: the cycle index must be an integer, the charges finite, the serial a string', () => {
  const ok = { cycle: 1, charge_Ah: 0.4, discharge_Ah: 0.39 };
  checkRecord(cycleRecordSchema, { ...ok, resistance_mOhm: 12, extra: { note: 'x' } }, 'cycles[0]');
  refused(
    () => checkRecord(cycleRecordSchema, { ...ok, cycle: 1.5 }, 'cycles[3]'),
    /^cycles\[3\]\.cycle: must be an integer \(got 1\.5; allowed integers\)/,
  );
  refused(
    () => checkRecord(cycleRecordSchema, { ...ok, charge_Ah: Infinity }, 'cycles[0]'),
    /^cycles\[0\]\.charge_Ah: must be a finite number/,
  );
  refused(
    () => checkRecord(cycleRecordSchema, { ...ok, cell_serial: 5 }, 'cycles[1]'),
    /^cycles\[1\]\.cell_serial: must be a string \(got 5; allowed a string\)/,
  );
});
