/**
 * `npm run bench:api`: latency of the HTTP API and the dashboard on this machine, end to end over
 * loopback HTTP (a real `rollcell serve` with a temp SQLite database). Prints `name: value unit` lines:
 * - api_read_run_p50_ms / _p95_ms: GET /api/runs/{id} of a stored run with a production shift, read
 *   from the store each time (run cache off) — goal p95 ≤ 50 ms; api_read_run_cached_p95_ms with the cache
 * - api_dfn_p50_ms / _p95_ms: POST /api/cycle, a 1C discharge of the BPX NMC cell on the DFN, request to
 *   response (parse BPX, build, solve, downsample) — goal p95 ≤ 50 ms
 * - series_1e6_full_p95_ms / series_1e6_zoom_p95_ms: GET of a 10⁶-point stored trace, M4-downsampled to
 *   1 200 px, the whole trace and a moving zoom window (what pan/zoom asks for)
 * - stream_cells_per_s: cell records per second received by an SSE client during a live production run
 *   (linear surrogate, 4 lanes, so the simulation outruns the stream) — goal ≥ 5 000
 * - first_paint_ms / run_view_ready_ms: a stored run's page in headless Chromium (first contentful paint;
 *   the claim chart drawn) — goal ≤ 1 000 ms; skipped when no browser starts
 * Timings on the shared 2-core machine are noisy: repeat and quote min/median.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../src/server/serve.ts';
import { createApp } from '../src/server/app.ts';
import { serve } from '@hono/node-server';
import { newRunId } from '../src/store/index.ts';
import { ROLLCELL_VERSION } from '../src/version.ts';

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const line = (name: string, v: number, unit: string) => console.log(`${name}: ${Number(v.toPrecision(4))} ${unit}`);

// a keep-alive socket the server closed while this process was busy (a long synchronous save) resets
// once; retry that request on a new connection
const realFetch = globalThis.fetch;
globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
  try {
    return await realFetch(input, init);
  } catch (e) {
    if ((e as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw e;
    return realFetch(input, init);
  }
};

const PATENT = readFileSync(new URL('../examples/patent-line.yaml', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'rollcell-bench-api-'));
const db = join(dir, 'bench.db');
const srv = await startServer({ db, port: 0, host: '127.0.0.1', log: () => {} });
const base = srv.url;
const post = (path: string, body: unknown) =>
  fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** POST /api/runs; a refused run throws with its problems (never a stream of an unknown id: 0 cells, NaN) */
async function startRun(body: Record<string, unknown>): Promise<{ run_id: string }> {
  const r = await post('/api/runs', body);
  if (r.status !== 202) throw new Error(`run refused (${r.status}): ${await r.text()}`);
  return (await r.json()) as { run_id: string };
}

async function waitDone(id: string, onCells?: (n: number) => void): Promise<void> {
  const r = await fetch(`${base}/api/runs/${id}/events`);
  if (!r.ok) throw new Error(`events of run ${id}: ${r.status} ${await r.text()}`);
  const reader = r.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buf += dec.decode(value, { stream: true });
    let k;
    while ((k = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, k);
      buf = buf.slice(k + 2);
      const ev = /^event: (.*)$/m.exec(block)?.[1];
      if (ev === 'cells' && onCells) {
        const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as { batch: { index: number[] } };
        onCells(data.batch.index.length);
      }
      if (ev === 'done') return;
      if (ev === 'failed') throw new Error(`run failed: ${block}`);
    }
  }
}

try {
  // ---------------------------------------------------------------- a stored run (8-h shift of the patent line)
  const small = PATENT.replace(
    'battery: { series: 96, parallel: 2, application: ev }',
    'battery: { series: 8, parallel: 2, application: ev }',
  );
  const r0 = await startRun({ text: small, production: { duration_s: 3600 }, battery: true });
  await waitDone(r0.run_id);
  const runId = r0.run_id;
  const size = (await (await fetch(`${base}/api/runs/${runId}`)).text()).length;
  line('stored_run_json_kB', size / 1024, 'kB');

  // reads with the run cache off (each read goes to the store) — a second app on the same store
  const cold = createApp({
    store: srv.store,
    jobs: srv.jobs,
    token: null,
    loopback: true,
    webDir: null,
    runCacheSize: 0,
  });
  const coldSrv = await new Promise<ReturnType<typeof serve>>((res) => {
    const s = serve({ fetch: cold.app.fetch, port: 0, hostname: '127.0.0.1' }, () => res(s));
  });
  const coldAddr = coldSrv.address() as { port: number };
  const reads = async (url: string, n: number): Promise<number[]> => {
    const ts: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const r = await fetch(url);
      await r.arrayBuffer();
      ts.push(performance.now() - t0);
    }
    return ts;
  };
  await reads(`http://127.0.0.1:${coldAddr.port}/api/runs/${runId}`, 5);
  const coldTs = await reads(`http://127.0.0.1:${coldAddr.port}/api/runs/${runId}`, 100);
  line('api_read_run_p50_ms', pct(coldTs, 50), 'ms');
  line('api_read_run_p95_ms', pct(coldTs, 95), 'ms');
  const warmTs = await reads(`${base}/api/runs/${runId}`, 100);
  line('api_read_run_cached_p95_ms', pct(warmTs, 95), 'ms');
  coldSrv.close();

  // ---------------------------------------------------------------- single-cell DFN
  const bpx = JSON.parse(
    readFileSync(new URL('../test/electrochem-liquid/fixtures/nmc_pouch_cell_BPX.json', import.meta.url), 'utf8'),
  );
  const dfn: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    const r = await post('/api/cycle', { bpx, model: 'dfn', experiment: ['Discharge at 1C until 2.5 V'] });
    const j = (await r.json()) as { status: string };
    if (j.status !== 'completed') throw new Error('DFN did not complete');
    if (i >= 10) dfn.push(performance.now() - t0);
  }
  line('api_dfn_p50_ms', pct(dfn, 50), 'ms');
  line('api_dfn_p95_ms', pct(dfn, 95), 'ms');

  // ---------------------------------------------------------------- a 10⁶-point trace
  const n = 1_000_000;
  const t = new Array<number>(n);
  const v = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    t[i] = i * 0.1;
    v[i] = 3.7 + 0.4 * Math.sin(i / 20000) + 0.01 * Math.sin(i / 7);
  }
  const bigId = newRunId();
  await srv.store.saveRun({
    recipeText: 'synthetic 10⁶-point trace (bench)',
    recipe: { name: 'bench trace' },
    seed: null,
    runId: bigId,
    output: {
      rollcell_version: ROLLCELL_VERSION,
      run_id: bigId,
      design: {
        cell: { thickness_um: 0, area_cm2: 0, mass_g: 0 },
        cathode: { active_mass_mg_cm2: 0, areal_capacity_mAh_cm2: 0 },
        anode: { al_thickness_um: 0, li_thickness_um: 0, li_al_molar_ratio: 0 },
        np_ratio: 0,
        specific_energy_Wh_kg: 0,
        energy_density_Wh_L: 0,
      },
    },
    timeSeries: [{ name: 'trace', columns: { t_s: t, voltage_V: v } }],
  });
  const first = performance.now();
  await (await fetch(`${base}/api/runs/${bigId}/series/trace?y=voltage_V&px=1200`)).arrayBuffer();
  line('series_1e6_first_load_ms', performance.now() - first, 'ms');
  const full = await reads(`${base}/api/runs/${bigId}/series/trace?y=voltage_V&px=1200`, 30);
  line('series_1e6_full_p95_ms', pct(full, 95), 'ms');
  const zoom: number[] = [];
  for (let i = 0; i < 60; i++) {
    const x0 = (i / 60) * 90_000;
    const t0 = performance.now();
    const r = await fetch(`${base}/api/runs/${bigId}/series/trace?y=voltage_V&px=1200&x0=${x0}&x1=${x0 + 10_000}`);
    const j = (await r.json()) as { points_returned: number };
    if (j.points_returned > 4800) throw new Error('not downsampled');
    zoom.push(performance.now() - t0);
  }
  line('series_1e6_zoom_p95_ms', pct(zoom, 95), 'ms');

  // ---------------------------------------------------------------- live stream rate
  const fast = PATENT.replace('speed_m_per_min: 1', 'speed_m_per_min: 20')
    .replace('width_mm: 80', 'width_mm: 20')
    .replace('length_mm: 100', 'length_mm: 20')
    .replace('production: { duration_h: 8, fidelity: full }', 'production: { duration_h: 8, fidelity: linear }');
  // a 10-minute live run of the recipe's 8-h shift (1.9 M cells): the cap counts the run's duration_s
  const rs = await startRun({ text: fast, production: { duration_s: 600 }, battery: false });
  let got = 0;
  let tFirst = 0;
  let tLast = 0;
  await waitDone(rs.run_id, (k) => {
    const now = performance.now();
    if (got === 0) tFirst = now;
    got += k;
    tLast = now;
  });
  line('stream_cells', got, 'cells');
  line('stream_cells_per_s', got / ((tLast - tFirst) / 1000), 'cells/s');

  // ---------------------------------------------------------------- first paint of a stored run in a browser
  try {
    const { launchBrowser } = await import('../test/support/browser.ts');
    const b = await launchBrowser();
    try {
      const page = b.page;
      await page.goto(`${base}/runs/${runId}`); // warm the server and the browser's code cache
      await page.locator('[data-testid=claim-chart]').waitFor();
      const fp: number[] = [];
      const ready: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = Date.now();
        await page.goto(`${base}/runs/${runId}?i=${i}`, { waitUntil: 'commit' });
        await page.locator('[data-testid=claim-chart]').waitFor();
        ready.push(Date.now() - t0);
        fp.push(
          await page.evaluate(
            () =>
              (performance.getEntriesByName('first-contentful-paint')[0] as { startTime: number } | undefined)
                ?.startTime ?? NaN,
          ),
        );
      }
      line('first_paint_ms', pct(fp, 50), 'ms');
      line('run_view_ready_ms', pct(ready, 50), 'ms');
    } finally {
      await b.close();
    }
  } catch (e) {
    console.log(`first_paint_ms: skipped (${(e as Error).message.split('\n')[0]})`);
  }
} finally {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
}
