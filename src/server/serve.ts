/**
 * `rollcell serve`: opens the store, starts the job manager (worker threads) and the HTTP server on
 * 127.0.0.1 by default. On any other address a token is required (generated when not given) and
 * printed once with the dashboard's link.
 */
import { serve, type ServerType } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { openStore, parseDbSpec, type Store } from '../store/index.ts';
import { createApp } from './app.ts';
import { JobManager } from './jobs.ts';
import { LongJobs } from './studies.ts';
import { ensureWebBuilt } from './web-build.ts';
import { problem } from '../problems.ts';

export interface ServeOptions {
  db: string;
  port: number;
  host: string;
  token?: string;
  /** API only (no dashboard files) */
  noWeb?: boolean;
  concurrency?: number;
  log?: (s: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string | null;
  store: Store;
  jobs: JobManager;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1';
  return false;
}

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples', import.meta.url));

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const log = o.log ?? ((s: string) => process.stderr.write(s + '\n'));
  const spec = parseDbSpec(o.db);
  if (spec.kind === 'sqlite' && spec.path === ':memory:')
    throw problem(
      '--db',
      'an in-memory database cannot be shared with the run workers',
      ':memory:',
      'a SQLite file or a postgres:// URL (each run’s worker thread opens the database itself)',
    );
  const loopback = isLoopback(o.host);
  const token = loopback ? (o.token ?? null) : (o.token ?? randomBytes(24).toString('base64url'));
  const store = await openStore(o.db);
  let webDir: string | null = null;
  if (!o.noWeb) {
    const w = await ensureWebBuilt({ log });
    webDir = w.ok ? WEB_DIST : null;
    if (!w.ok) log(`rollcell serve: dashboard not available (${w.reason}); the API still works`);
  }
  const jobs = new JobManager({ dbSpec: o.db, ...(o.concurrency ? { concurrency: o.concurrency } : {}), log });
  const longJobs = new LongJobs({ store, dbSpec: o.db, log });
  const { app } = createApp({ store, jobs, longJobs, token, loopback, webDir, examplesDir: EXAMPLES_DIR, log });
  const server: ServerType = await new Promise((res, rej) => {
    const s = serve({ fetch: app.fetch, port: o.port, hostname: o.host }, () => res(s));
    s.once('error', rej);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const hostPart = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${hostPart}:${port}`;
  return {
    url,
    port,
    token,
    store,
    jobs,
    close: async () => {
      await jobs.close();
      await longJobs.close();
      await new Promise<void>((res) => server.close(() => res()));
      await store.close();
    },
  };
}
