/**
 * One server run in its own process for bench/shift-memory.bench.ts (`--live`): `startServer` on a temp
 * SQLite database, POST /api/runs of the recipe with its production.duration_h set to `duration_h`
 * (production only), an SSE client that
 * counts the cells and keeps only the newest Shift snapshot, and the process's peak RSS (the HTTP thread
 * and the run's worker thread together). Prints {s, maxrss_kB, cells, snapshots, shift_bytes}.
 * Usage: node --import tsx bench/live-shift-memory-child.ts <recipe> <db> <duration_h>
 */
import { readFileSync } from 'node:fs';
import { startServer } from '../src/server/serve.ts';

const [recipe, db, hours] = process.argv.slice(2) as [string, string, string];
const text = readFileSync(recipe, 'utf8').replace(/duration_h: [0-9.e+-]+/, `duration_h: ${hours}`);
if (!text.includes(`duration_h: ${hours}`)) throw new Error('the recipe has no production.duration_h to set');
const srv = await startServer({ db, port: 0, host: '127.0.0.1', log: () => {}, noWeb: true });
try {
  const t0 = performance.now();
  const r = await fetch(`${srv.url}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      text,
      production: true,
      battery: false,
    }),
  });
  const started = (await r.json()) as { run_id?: string };
  if (r.status !== 202 || !started.run_id) throw new Error(`run not accepted: ${r.status} ${JSON.stringify(started)}`);
  const ev = await fetch(`${srv.url}/api/runs/${started.run_id}/events`);
  const reader = ev.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  let cells = 0;
  let snapshots = 0;
  let shiftBytes = 0;
  let last = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let k;
    while ((k = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, k);
      buf = buf.slice(k + 2);
      const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? 'message';
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('');
      last = event;
      if (event === 'cells') cells += (JSON.parse(data) as { batch: { index: number[] } }).batch.index.length;
      else if (event === 'shift') {
        snapshots++;
        shiftBytes = Math.max(shiftBytes, data.length);
      } else if (event === 'failed') throw new Error(data);
    }
  }
  if (last !== 'done') throw new Error(`the run ended with '${last}'`);
  console.log(
    JSON.stringify({
      s: (performance.now() - t0) / 1000,
      maxrss_kB: process.resourceUsage().maxRSS,
      cells,
      snapshots,
      shift_bytes: shiftBytes,
    }),
  );
} finally {
  await srv.close();
}
