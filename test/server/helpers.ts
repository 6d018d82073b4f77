/**
 * One server for the dashboard's tests: a temp SQLite database, `startServer` on a free loopback port,
 * and a few stored runs (small: a 5-minute shift, an 8s2p pack, 20 ageing cycles) made through the API.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/server/serve.ts';

export const PATENT = readFileSync(new URL('../../examples/patent-line.yaml', import.meta.url), 'utf8');

/** the patent example, made small for tests: an 8s2p pack and 20 ageing cycles */
export function smallRecipe(name?: string, extra = ''): string {
  let t = PATENT.replace(
    'battery: { series: 96, parallel: 2, application: ev }',
    'battery: { series: 8, parallel: 2, application: ev }',
  ).replace(
    'cycling: { model: spme, charge_cutoff_V: 4.3, discharge_cutoff_V: 3.0 }',
    'cycling: { model: spme, charge_cutoff_V: 4.3, discharge_cutoff_V: 3.0, ageing_cycles: 20 }',
  );
  if (name !== undefined) t = t.replace(/^name: .*$/m, `name: ${JSON.stringify(name)}`);
  return t + extra;
}

export interface TestServer {
  srv: RunningServer;
  base: string;
  dir: string;
  json<T = any>(path: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }>;
  post<T = any>(path: string, body: unknown): Promise<{ status: number; body: T; headers: Headers }>;
  /** start a run through the API and wait for its SSE `done`/`failed`; returns the run id */
  run(body: Record<string, unknown>): Promise<{ id: string; events: { event: string; data: any }[] }>;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcell-serve-'));
  const srv = await startServer({ db: join(dir, 'r.db'), port: 0, host: '127.0.0.1', log: () => {} });
  const base = srv.url;
  const json = async (path: string, init?: RequestInit) => {
    const r = await fetch(base + path, init);
    const text = await r.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: r.status, body: body as any, headers: r.headers };
  };
  const post = (path: string, body: unknown) =>
    json(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const run = async (body: Record<string, unknown>) => {
    const r = await post('/api/runs', body);
    if (r.status !== 202) throw new Error(`run not accepted: ${r.status} ${JSON.stringify(r.body)}`);
    const id = r.body.run_id as string;
    const events = await readEvents(base + `/api/runs/${id}/events`);
    return { id, events };
  };
  return {
    srv,
    base,
    dir,
    json,
    post,
    run,
    close: async () => {
      await srv.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** reads an SSE stream to its end (`done` or `failed`), at most 120 s */
export async function readEvents(url: string): Promise<{ event: string; data: any }[]> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), 120_000);
  const r = await fetch(url, { signal: ctrl.signal });
  const out: { event: string; data: any }[] = [];
  const reader = r.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let k;
      while ((k = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, k);
        buf = buf.slice(k + 2);
        let event = 'message';
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data += line.slice(5).trim();
        }
        out.push({ event, data: data ? JSON.parse(data) : null });
      }
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}
