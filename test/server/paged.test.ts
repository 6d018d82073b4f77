/**
 * Every endpoint that goes through a stored run's cells reads them from the store one page at a time
 * (issue: a 10⁷-cell run must not be loaded whole): a recording store checks that no call asks for more
 * than a page, that no two pages are in flight at once and that nothing loads the whole run
 * (`exportRun`, `listCells` without a limit); and the pages give what the whole run gives — the cells
 * list with its total (and a serial filter), the rolls, a roll's cells (paged), the pack's serials and a
 * cell's place in the pack, and the exports (the JSON bundle byte for byte as `exportRun`, the cells CSV,
 * the workbook, the CLI's tables).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { cli, testDir } from '../helpers.ts';
import { openStore, type CellRecord, type Store } from '../../src/store/index.ts';
import { createApp } from '../../src/server/app.ts';
import type { JobManager } from '../../src/server/jobs.ts';

const PAGE = 40;
const dir = testDir('rollcell-paged-');
const db = join(dir, 'runs.db');
const example = new URL('../../examples/patent-line.yaml', import.meta.url).pathname;

const r = await cli([
  'run',
  example,
  '--json',
  '--db',
  db,
  '--out',
  join(dir, 'out'),
  '--set',
  'production.duration_h=0.5',
  '--set',
  'battery.series=4',
  '--set',
  'cycling.ageing_cycles=3',
  '--set',
  'cycling.rate_capability=false',
]);
assert.equal(r.code, 0, r.stderr);
const runId = (JSON.parse(r.stdout) as { run_id: string }).run_id;
const store = await openStore(db);
after(() => store.close());
const all = (await store.listCells(runId)) as (CellRecord & Record<string, any>)[];

/** the store as the app sees it: every call recorded, pages checked */
const calls: { method: string; args: unknown[] }[] = [];
let inFlight = 0;
let maxInFlight = 0;
const recording = new Proxy(store, {
  get(target, key) {
    const v = Reflect.get(target, key, target) as unknown;
    if (typeof v !== 'function') return v;
    return async (...args: unknown[]) => {
      calls.push({ method: String(key), args });
      if (key !== 'listCells') return (v as (...a: unknown[]) => unknown).apply(target, args);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      } finally {
        inFlight--;
      }
    };
  },
}) as Store;
const noJobs = { get: () => undefined, list: () => [] } as unknown as JobManager;
const logs: string[] = [];
const { app } = createApp({
  store: recording,
  jobs: noJobs,
  token: null,
  loopback: true,
  webDir: null,
  cellPage: PAGE,
  log: (s) => logs.push(s),
});
const get = (path: string) => app.request(`http://localhost${path}`, { headers: { host: 'localhost' } });
const json = async (path: string) => {
  const res = await get(path);
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return (await res.json()) as any;
};

/** the calls `f` made: each listCells asks for at most a page, one at a time; nothing loads the run whole */
async function paged<T>(what: string, f: () => Promise<T>): Promise<T> {
  calls.length = 0;
  maxInFlight = 0;
  const out = await f();
  for (const c of calls) {
    assert.notEqual(c.method, 'exportRun', `${what}: exportRun loads every cell`);
    if (c.method !== 'listCells') continue;
    const o = (c.args[1] ?? {}) as { limit?: number };
    assert.ok(o.limit !== undefined && o.limit <= Math.max(PAGE, 100), `${what}: listCells asked for ${o.limit} cells`);
  }
  assert.ok(maxInFlight <= 1, `${what}: ${maxInFlight} pages in flight at once`);
  return out;
}

const parentsOf = (c: Record<string, any>): string[] =>
  ((c['genealogy']?.['parents'] ?? []) as { roll_id: string }[]).map((p) => p.roll_id);

test('the run has more cells than a page (so every scan takes several pages)', () => {
  assert.ok(all.length > 4 * PAGE, `${all.length} cells`);
});

test('cells: a page with the total, and a serial filter counted in the store', async () => {
  const p = await paged('cells', () => json(`/api/runs/${runId}/cells?offset=7&limit=30`));
  assert.equal(p.total, all.length);
  assert.equal(p.limit, 30);
  assert.deepEqual(
    p.cells.map((c: { serial: string }) => c.serial),
    all.slice(7, 37).map((c) => c.serial),
  );
  const part = all[5]!.serial.slice(-2);
  const match = all.filter((c) => c.serial.includes(part));
  const f = await paged('cells?q', () => json(`/api/runs/${runId}/cells?q=${part}&offset=1&limit=3`));
  assert.equal(f.total, match.length);
  assert.deepEqual(
    f.cells.map((c: { serial: string }) => c.serial),
    match.slice(1, 4).map((c) => c.serial),
  );
});

test('rolls and a roll’s cells (paged, with the total)', async () => {
  const rolls = await paged('rolls', () => json(`/api/runs/${runId}/rolls`));
  assert.ok(rolls.length >= 3, 'rolls.length >= 3');
  for (const roll of rolls) assert.equal(roll.cells, all.filter((c) => parentsOf(c).includes(roll.roll_id)).length);
  const big = rolls.reduce((a: any, b: any) => (b.cells > a.cells ? b : a));
  const want = all.filter((c) => parentsOf(c).includes(big.roll_id)).map((c) => c.serial);
  const got: string[] = [];
  for (let offset = 0; offset < want.length; offset += 25) {
    const p = await paged('rolls/:roll', () =>
      json(`/api/runs/${runId}/rolls/${encodeURIComponent(big.roll_id)}?offset=${offset}&limit=25`),
    );
    assert.equal(p.total, want.length);
    assert.deepEqual(p.roll, big);
    got.push(...p.cells.map((c: { serial: string }) => c.serial));
  }
  assert.deepEqual(got, want);
  const none = await get(`/api/runs/${runId}/rolls/NO-SUCH-ROLL`);
  assert.equal(none.status, 404);
});

test('the pack’s serials and a cell’s place in the pack', async () => {
  const bat = await paged('battery', () => json(`/api/runs/${runId}/battery`));
  const packed = all.filter((c) => c['genealogy']?.['battery_serial']).map((c) => c.serial);
  assert.equal(packed.length, bat.series * bat.parallel);
  assert.deepEqual(bat.serials, packed);
  const last = packed[packed.length - 1]!;
  const cell = await paged('cells/:serial', () => json(`/api/runs/${runId}/cells/${encodeURIComponent(last)}`));
  assert.equal(cell.battery.position, packed.length - 1);
});

test('exports: the JSON bundle byte for byte as exportRun, the cells CSV, the workbook, the CLI’s tables', async () => {
  const bundle = await paged('export json', async () => (await get(`/api/runs/${runId}/export?format=json`)).text());
  const whole = JSON.stringify(await store.exportRun(runId));
  assert.ok(
    bundle === whole,
    `the JSON bundle differs from exportRun's (${bundle.length} vs ${whole.length} characters)`,
  );
  const csv = await paged('export csv', async () => (await get(`/api/runs/${runId}/export?format=csv`)).text());
  const lines = csv.split('\n');
  assert.equal(lines.length, all.length + 2, 'header, a line per cell, a final newline');
  assert.equal(lines[1]!.split(',')[0], all[0]!.serial);
  assert.equal(lines[all.length]!.split(',')[0], all[all.length - 1]!.serial);
  const xlsx = await paged('export xlsx', async () =>
    Buffer.from(await (await get(`/api/runs/${runId}/export?format=xlsx`)).arrayBuffer()),
  );
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
  assert.deepEqual(
    wb.worksheets.map((w) => w.name),
    ['summary', 'cells', 'cycles', 'series'],
  );
  assert.equal(wb.getWorksheet('cells')!.rowCount, all.length + 1);
  assert.equal(
    wb
      .getWorksheet('cells')!
      .getRow(all.length + 1)
      .getCell(1).value,
    all[all.length - 1]!.serial,
  );
  const table = await paged('export what=cells', async () =>
    (await get(`/api/runs/${runId}/export?format=csv&what=cells`)).text(),
  );
  assert.equal(table.trimEnd().split('\r\n').length, all.length + 1);
  const spc = await (await get(`/api/runs/${runId}/export?format=json&what=spc`)).json();
  assert.ok(
    Array.isArray(spc) && spc.length > 0 && 'xbar_ucl' in spc[0],
    "Array.isArray(spc) && spc.length > 0 && 'xbar_ucl' in spc[0]",
  );
  const bad = await get(`/api/runs/${runId}/export?format=csv&what=cells,spc`);
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /query\.what: a CSV file holds one table/);
});

test('a download the client abandons stops: no more pages are read, and the writer ends', async () => {
  calls.length = 0;
  const res = await get(`/api/runs/${runId}/export?format=csv`);
  const reader = res.body!.getReader();
  await reader.read();
  await reader.cancel();
  const deadline = Date.now() + 5000;
  while (!logs.some((l) => /closed before the export ended/.test(l)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  assert.ok(
    logs.some((l) => /closed before the export ended/.test(l)),
    `the writer saw the close: ${logs.join(' | ')}`,
  );
  const pages = calls.filter((c) => c.method === 'listCells').length;
  assert.ok(pages < all.length / PAGE, `${pages} pages read of ${Math.ceil(all.length / PAGE)}`);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(calls.filter((c) => c.method === 'listCells').length, pages, 'nothing read after the close');
});
