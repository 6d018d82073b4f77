/**
 * One server request in its own process for bench/server-memory.bench.ts: opens the store, builds the
 * app (no job manager: stored runs only), GETs `path`, reads the whole body (bytes counted, not kept) and
 * prints {s, maxrss_kB, status, bytes}. Usage: node --import tsx bench/server-memory-child.ts <db> <path>
 * (path `-`: no request; `whole`: the run's cells loaded whole, as the endpoints did before they paged)
 */
import { openStore } from '../src/store/index.ts';
import { createApp } from '../src/server/app.ts';
import type { JobManager } from '../src/server/jobs.ts';

const [db, path] = process.argv.slice(2) as [string, string];
const store = await openStore(db);
const { app } = createApp({
  store,
  jobs: { get: () => undefined } as unknown as JobManager,
  token: null,
  loopback: true,
  webDir: null,
});
const t0 = performance.now();
let bytes = 0;
let status = 0;
if (path === 'whole') {
  // what every one of these endpoints did before they paged: the run's cells loaded whole (getCells)
  const [run] = await store.listRuns();
  bytes = (await store.listCells(run!.id)).length;
  status = 200;
} else if (path !== '-') {
  const res = await app.request(`http://localhost${path}`, { headers: { host: 'localhost' } });
  status = res.status;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
  }
}
const s = (performance.now() - t0) / 1000;
await store.close();
console.log(JSON.stringify({ s, maxrss_kB: process.resourceUsage().maxRSS, status, bytes }));
