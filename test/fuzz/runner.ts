/**
 * The fault and fuzz suite's runner (issue 22, item 11): seeded, bounded in time, with a plan of case
 * families sized from the number of cases asked for. In-process families run in worker processes
 * (./worker.ts) with a time limit per case; the process families (hostile file arguments and output
 * paths, kill -9 at points of a run on SQLite and PostgreSQL, concurrent writers) spawn the real CLI.
 *
 * Outcomes: handled (exit 0 or 2 as it should), internal errors (exit 1, a message out of the contract's
 * form, a non-finite result), crashes (a process that died: out of memory, a native abort), hangs (past
 * the time limit), data lost (an input or a database changed or damaged, a committed run gone or half
 * there, a concurrent writer's run missing).
 */
import { fork, spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { FuzzRng, exampleObject } from './generate.ts';
import { IN_PROCESS_FAMILIES, messageProblems, type InProcessFamily, type Outcome } from './cases.ts';
import { openStore } from '../../src/store/index.ts';
import { BPX_FIXTURE } from '../helpers.ts';

export const PROCESS_FAMILIES = ['cli-files', 'kill9-sqlite', 'kill9-postgres', 'concurrent'] as const;
export type Family = InProcessFamily | (typeof PROCESS_FAMILIES)[number];
export type Verdict = 'handled' | 'internal' | 'crash' | 'hang' | 'data-lost';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** stop starting new cases after this many seconds (the report says how many ran) */
  timeLimit_s: number;
  /** parallel worker processes for the in-process families */
  workers: number;
  /** a PostgreSQL URL for the PostgreSQL families (else they are left out and the report says so) */
  pgUrl?: string;
  /** per-case limits, s */
  caseTimeout_s?: Partial<Record<Family, number>>;
  /** print a line per finding and a progress line now and then */
  log?: (s: string) => void;
  /** only these families */
  only?: readonly Family[];
}

export interface Finding {
  family: Family;
  index: number;
  verdict: Exclude<Verdict, 'handled'>;
  detail: string;
}

export interface FuzzReport {
  seed: number;
  planned: number;
  tried: number;
  handled: number;
  internal: number;
  crashes: number;
  hangs: number;
  dataLost: number;
  byFamily: Record<string, { tried: number; ok: number; exit2: number; bad: number }>;
  findings: Finding[];
  skipped: string[];
  seconds: number;
}

/** How many cases of each family for a run of `n` (weights; the process families are costly). */
export function plan(n: number, withPg: boolean): [Family, number][] {
  const w: [Family, number][] = [
    ['validate', 0.52],
    ['run', 0.04],
    ['csv', 0.17],
    ['bpx', 0.1],
    ['experiment', 0.14],
    ['cli-files', 0.015],
    ['kill9-sqlite', 0.002],
    ['kill9-postgres', withPg ? 0.002 : 0],
    ['concurrent', 0.001],
  ];
  const out: [Family, number][] = w.map(([f, x]) => [f, Math.max(x > 0 ? 1 : 0, Math.floor(n * x))]);
  // the rest goes to validate, so the total is n
  const total = out.reduce((a, [, k]) => a + k, 0);
  out[0]![1] += n - total;
  return out.filter(([, k]) => k > 0);
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'rollcell.js');
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const sha = (f: string): string =>
  existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : 'absent';

/* ------------------------------------------------------------------ in-process families: a worker pool */

class Worker {
  child!: ChildProcess;
  ready!: Promise<void>;
  busy = false;
  served = 0;
  #stderr = '';
  #pending?: {
    id: number;
    resolve: (r: { verdict: Verdict; outcome?: Outcome; detail: string }) => void;
    timer: NodeJS.Timeout;
  };
  constructor() {
    this.#spawn();
  }
  #spawn(): void {
    this.#stderr = '';
    this.served = 0;
    // a memory blow-up past 2 GB is a crash of the case (the issue counted 6 past 2 GB)
    this.child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx', '--max-old-space-size=2048', '--stack-size=2000'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      cwd: ROOT,
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (d: string) => {
      this.#stderr = (this.#stderr + d).slice(-2000);
    });
    this.ready = new Promise<void>((resolve) => {
      const on = (m: { ready?: boolean }) => {
        if (m.ready) {
          this.child.off('message', on);
          resolve();
        }
      };
      this.child.on('message', on);
    });
    this.child.on('message', (m: { id?: number; outcome?: Outcome; detail?: string }) => {
      const p = this.#pending;
      if (!p || m.id !== p.id) return;
      clearTimeout(p.timer);
      this.#pending = undefined;
      p.resolve({
        verdict: m.outcome === 'internal' ? 'internal' : 'handled',
        outcome: m.outcome!,
        detail: m.detail ?? '',
      });
    });
    this.child.on('exit', (code, signal) => {
      const p = this.#pending;
      if (p) {
        clearTimeout(p.timer);
        this.#pending = undefined;
        p.resolve({
          verdict: 'crash',
          detail: `worker died (code ${code}, signal ${signal}): ${this.#stderr.trim().split('\n').slice(-3).join(' | ')}`,
        });
      }
    });
  }
  async run(
    id: number,
    family: InProcessFamily,
    seed: number,
    index: number,
    dir: string,
    timeout_s: number,
  ): Promise<{ verdict: Verdict; outcome?: Outcome; detail: string }> {
    await this.ready;
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.served >= 300) {
      this.kill();
      this.#spawn();
      await this.ready;
    }
    this.served++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending = undefined;
        this.kill();
        this.#spawn();
        resolve({ verdict: 'hang', detail: `no answer within ${timeout_s} s` });
      }, timeout_s * 1000);
      this.#pending = { id, resolve, timer };
      this.child.send({ id, family, seed, index, dir });
    });
  }
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/* ------------------------------------------------------------------ process families */

interface Proc {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runCli(
  args: string[],
  timeout_s: number,
  env: NodeJS.ProcessEnv = process.env,
): { child: ChildProcess; done: Promise<Proc> } {
  const child = spawn(process.execPath, ['--max-old-space-size=2048', BIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => (stdout += d));
  child.stderr!.on('data', (d: string) => (stderr = (stderr + d).slice(-20000)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeout_s * 1000);
  const done = new Promise<Proc>((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    }),
  );
  return { child, done };
}

function classifyProc(p: Proc): { verdict: Verdict; detail: string } {
  if (p.timedOut) return { verdict: 'hang', detail: 'past the time limit' };
  if (p.signal || (p.code !== 0 && p.code !== 1 && p.code !== 2))
    return {
      verdict: 'crash',
      detail: `exit ${p.code} signal ${p.signal}: ${p.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}`,
    };
  if (p.code === 1) return { verdict: 'internal', detail: p.stderr.trim().split('\n')[0]!.slice(0, 300) };
  if (p.code === 2) {
    const bad = messageProblems(p.stderr);
    if (bad.length) return { verdict: 'internal', detail: bad[0]! };
  }
  return { verdict: 'handled', detail: `exit ${p.code}` };
}

/** A process case's own folder `dir/name` with a cheap recipe in it (quick cycling). */
function caseFolder(dir: string, name: string, rng: FuzzRng): { d: string; recipe: string } {
  const r = exampleObject(rng.pick(['patent-line.yaml', 'with-al-collector.yaml']));
  r.cycling = { ...(r.cycling ?? {}), ageing_cycles: 0, rate_capability: false };
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const recipe = join(d, 'recipe.yaml');
  writeFileSync(recipe, stringify(r));
  return { d, recipe };
}

/** hostile file arguments and output paths: exit 0 or 2 quickly, no input or database changed */
async function cliFilesCase(
  seed: number,
  index: number,
  dir: string,
  timeout_s: number,
): Promise<{ verdict: Verdict; detail: string }> {
  const rng = new FuzzRng(seed, index + 3_000_000);
  const { d, recipe } = caseFolder(dir, `cli-${index}`, rng);
  const db = join(d, 'runs.db');
  const s = await openStore(db);
  await s.close();
  const fifo = join(d, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const big = join(d, 'big.csv');
  writeFileSync(big, '');
  truncateSync(big, 3_000_000_000);
  const loop = join(d, 'loop');
  symlinkSync(loop, loop);
  const unreadable = join(d, 'unreadable.csv');
  writeFileSync(unreadable, 'Time [s],I[A]\n0,1\n1,1\n');
  chmodSync(unreadable, 0);
  const binary = join(d, 'binary.csv');
  writeFileSync(binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  const hostileIn = [
    fifo,
    '/dev/zero',
    '/dev/urandom',
    d,
    big,
    loop,
    unreadable,
    binary,
    join(d, 'missing.csv'),
    '',
    '-',
  ];
  const existing = join(d, 'existing.csv');
  writeFileSync(existing, 'keep\n');
  const hostileOut = [
    recipe,
    db,
    existing,
    '/dev/full',
    '/dev/null',
    '/proc/rollcell.csv',
    '/sys/rollcell.csv',
    d,
    join(d, 'no', 'such', 'x.csv'),
    '',
  ];
  const which = rng.int(9);
  let args: string[];
  const hin = rng.pick(hostileIn);
  const hout = rng.pick(hostileOut);
  if (which === 0) args = ['validate', hin];
  else if (which === 1) args = ['cycle', '--cell', hin, '--model', 'spm'];
  else if (which === 2) args = ['cycle', '--cell', BPX_FIXTURE, '--model', 'spm', '--current-profile', hin];
  else if (which === 3) args = ['cycle', '--cell', recipe, '--model', 'spm', '--compare', hin];
  else if (which === 4) args = ['battery', recipe, '--profile', 'csv', '--profile-csv', hin];
  else if (which === 5)
    args = ['cycle', '--cell', recipe, '--model', 'spm', '--experiment', `Run drive cycle from ${hin} as current`];
  else if (which === 6)
    args = [
      'cycle',
      '--cell',
      recipe,
      '--model',
      'spm',
      rng.pick(['--csv', '--summary-csv']),
      hout,
      ...(rng.chance(0.5) ? ['--force'] : []),
    ];
  else if (which === 7) args = ['run', recipe, '--db', db, '--out', hout, '--no-production', '--no-battery'];
  else
    args = [
      'run',
      recipe,
      '--db',
      rng.pick([recipe, d, '/dev/full', join(d, 'no', 'x.db'), '/proc/x.db', binary]),
      '--out',
      join(d, 'out'),
      '--no-production',
      '--no-battery',
    ];
  const before = { recipe: sha(recipe), db: sha(db), existing: sha(existing), binary: sha(binary) };
  const p = await runCli(args, timeout_s).done;
  const v = classifyProc(p);
  const after = { recipe: sha(recipe), db: sha(db), existing: sha(existing), binary: sha(binary) };
  const forced = args.includes('--force') && args.includes(existing);
  for (const k of Object.keys(before) as (keyof typeof before)[]) {
    if (k === 'existing' && forced) continue;
    if (k === 'db' && args[0] === 'run' && args[3] === db) continue; // a run may store into its own --db
    if (before[k] !== after[k]) return { verdict: 'data-lost', detail: `${k} changed by: rollcell ${args.join(' ')}` };
  }
  try {
    chmodSync(unreadable, 0o644);
    rmSync(d, { recursive: true, force: true });
  } catch {
    /* best effort */
  }
  return { verdict: v.verdict, detail: `${v.detail}: rollcell ${args.map((a) => JSON.stringify(a)).join(' ')}` };
}

/** kill -9 of `rollcell run` at a random moment of it; the database keeps its earlier run whole and no half run */
async function kill9Case(
  db: string,
  seed: number,
  index: number,
  dir: string,
  timeout_s: number,
): Promise<{ verdict: Verdict; detail: string }> {
  const rng = new FuzzRng(seed, index + 4_000_000);
  const { d, recipe } = caseFolder(dir, `kill-${index}`, rng);
  // a committed run first
  const t0 = Date.now();
  const first = await runCli(['run', recipe, '--db', db, '--out', join(d, 'out'), '--no-battery', '--json'], timeout_s)
    .done;
  const firstRun_ms = Date.now() - t0;
  if (first.code !== 0)
    return { ...classifyProc(first), detail: `the first run failed: ${first.stderr.slice(0, 200)}` };
  const keptId = (JSON.parse(first.stdout) as { run_id: string }).run_id;
  const s0 = await openStore(db);
  const kept = await s0.exportRun(keptId);
  const before = (await s0.listRuns({ limit: 1000 })).length;
  await s0.close();
  // the moment: anywhere in the second, identical run (start-up, line, cycling, shift, the save at its end)
  const delay_ms = Math.round(rng.next() * firstRun_ms);
  const { child, done } = runCli(['run', recipe, '--db', db, '--out', join(d, 'out'), '--no-battery'], timeout_s);
  const t = setTimeout(() => child.kill('SIGKILL'), delay_ms);
  const p = await done;
  clearTimeout(t);
  const killed = p.signal === 'SIGKILL';
  if (!killed && p.code !== 0)
    return { ...classifyProc(p), detail: `the second run failed: ${p.stderr.slice(0, 200)}` };
  let s;
  try {
    s = await openStore(db);
  } catch (e) {
    return {
      verdict: 'data-lost',
      detail: `the database no longer opens after kill -9 at ${delay_ms} ms: ${String(e)}`,
    };
  }
  try {
    const runs = await s.listRuns({ limit: 1000 });
    const again = await s.exportRun(keptId);
    if (JSON.stringify(again) !== JSON.stringify(kept))
      return { verdict: 'data-lost', detail: `the committed run changed after kill -9 at ${delay_ms} ms` };
    if (runs.length < before || runs.length > before + 1)
      return { verdict: 'data-lost', detail: `runs ${before} → ${runs.length} after kill -9 at ${delay_ms} ms` };
    for (const r of runs) {
      const x = await s.exportRun(r.id);
      if (x.cells.length !== r.n_cells || x.cycles.length !== r.n_cycles || x.time_series.length !== r.n_series)
        return { verdict: 'data-lost', detail: `run ${r.id} is half there after kill -9 at ${delay_ms} ms` };
    }
    return {
      verdict: 'handled',
      detail: `${killed ? `killed at ${delay_ms} ms` : 'finished before the kill'}; ${runs.length} run(s) whole`,
    };
  } finally {
    await s.close();
  }
}

/** three `rollcell run` at once into one database: all three land */
async function concurrentCase(
  db: string,
  seed: number,
  index: number,
  dir: string,
  timeout_s: number,
): Promise<{ verdict: Verdict; detail: string }> {
  const rng = new FuzzRng(seed, index + 5_000_000);
  const { d, recipe } = caseFolder(dir, `conc-${index}`, rng);
  const s0 = await openStore(db);
  const before = (await s0.listRuns({ limit: 1000 })).length;
  await s0.close();
  const ps = await Promise.all(
    [1, 2, 3].map(
      (k) =>
        runCli(['run', recipe, '--db', db, '--out', join(d, 'out'), '--no-battery', '--seed', String(k)], timeout_s)
          .done,
    ),
  );
  for (const p of ps) {
    const v = classifyProc(p);
    if (v.verdict !== 'handled' || p.code !== 0)
      return {
        verdict: v.verdict === 'handled' ? 'internal' : v.verdict,
        detail: `a concurrent writer: ${v.detail} ${p.stderr.slice(0, 200)}`,
      };
  }
  const s = await openStore(db);
  try {
    const after = (await s.listRuns({ limit: 1000 })).length;
    if (after !== before + 3) return { verdict: 'data-lost', detail: `3 concurrent runs, ${after - before} stored` };
    return { verdict: 'handled', detail: '3 concurrent runs stored' };
  } finally {
    await s.close();
  }
}

/* ------------------------------------------------------------------ the run */

export async function fuzz(o: FuzzOptions): Promise<FuzzReport> {
  const t0 = Date.now();
  const log = o.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'rollcell-fuzz-'));
  const timeouts: Record<Family, number> = {
    validate: 60,
    run: 300,
    csv: 120,
    bpx: 120,
    experiment: 120,
    'cli-files': 120,
    'kill9-sqlite': 300,
    'kill9-postgres': 300,
    concurrent: 600,
    ...o.caseTimeout_s,
  };
  const planned = plan(o.cases, Boolean(o.pgUrl)).filter(([f]) => !o.only || o.only.includes(f));
  const skipped: string[] = [];
  if (!o.pgUrl) skipped.push('kill9-postgres (no PostgreSQL server given)');
  const report: FuzzReport = {
    seed: o.seed,
    planned: planned.reduce((a, [, k]) => a + k, 0),
    tried: 0,
    handled: 0,
    internal: 0,
    crashes: 0,
    hangs: 0,
    dataLost: 0,
    byFamily: {},
    findings: [],
    skipped,
    seconds: 0,
  };
  const record = (family: Family, index: number, verdict: Verdict, detail: string, outcome?: Outcome): void => {
    report.tried++;
    const fam = (report.byFamily[family] ??= { tried: 0, ok: 0, exit2: 0, bad: 0 });
    fam.tried++;
    if (verdict === 'handled') {
      report.handled++;
      if (outcome === 'handled') fam.exit2++;
      else fam.ok++;
      return;
    }
    fam.bad++;
    if (verdict === 'internal') report.internal++;
    if (verdict === 'crash') report.crashes++;
    if (verdict === 'hang') report.hangs++;
    if (verdict === 'data-lost') report.dataLost++;
    report.findings.push({ family, index, verdict, detail });
    log(`  ${verdict}: ${family} #${index} (seed ${o.seed}): ${detail}`);
  };
  const outOfTime = () => (Date.now() - t0) / 1000 > o.timeLimit_s;

  // in-process families, interleaved over a pool of workers
  const queue: [InProcessFamily, number][] = [];
  for (const [f, k] of planned)
    if ((IN_PROCESS_FAMILIES as readonly string[]).includes(f))
      for (let i = 0; i < k; i++) queue.push([f as InProcessFamily, i]);
  // interleave deterministically so a time limit cuts every family alike
  const rng = new FuzzRng(o.seed, 99);
  for (let i = queue.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [queue[i], queue[j]] = [queue[j]!, queue[i]!];
  }
  const workers = Array.from({ length: Math.max(1, o.workers) }, () => new Worker());
  let next = 0;
  let lastLog = Date.now();
  await Promise.all(
    workers.map(async (w) => {
      for (;;) {
        if (outOfTime()) return;
        const k = next++;
        if (k >= queue.length) return;
        const [family, index] = queue[k]!;
        const r = await w.run(k, family, o.seed, index, join(dir, 'cases'), timeouts[family]);
        record(family, index, r.verdict, r.detail, r.outcome);
        if (Date.now() - lastLog > 30_000) {
          lastLog = Date.now();
          log(`  … ${report.tried} of ${report.planned} cases in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        }
      }
    }),
  );
  for (const w of workers) w.kill();

  // process families, one after another (each spawns the real CLI)
  for (const [family, k] of planned) {
    if ((IN_PROCESS_FAMILIES as readonly string[]).includes(family)) continue;
    for (let i = 0; i < k && !outOfTime(); i++) {
      try {
        let r: { verdict: Verdict; detail: string };
        if (family === 'cli-files') r = await cliFilesCase(o.seed, i, dir, timeouts[family]);
        else if (family === 'kill9-sqlite')
          r = await kill9Case(join(dir, `kill9-${i}.db`), o.seed, i, dir, timeouts[family]);
        else if (family === 'kill9-postgres') {
          const u = new URL(o.pgUrl!);
          u.searchParams.set('schema', `fuzz_${process.pid}_${o.seed}_${i}`);
          r = await kill9Case(u.toString(), o.seed, i, dir, timeouts[family]);
        } else r = await concurrentCase(join(dir, `conc-${i}.db`), o.seed, i, dir, timeouts[family]);
        record(family, i, r.verdict, r.detail, r.verdict === 'handled' ? 'ok' : undefined);
      } catch (e) {
        record(family, i, 'internal', `the case itself failed: ${String(e).slice(0, 300)}`);
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  report.seconds = (Date.now() - t0) / 1000;
  return report;
}

/** The report as `name: value` lines (the figures the issue asks for first). */
export function formatReport(r: FuzzReport): string {
  const lines = [
    `fuzz_seed: ${r.seed}`,
    `cases_planned: ${r.planned}`,
    `cases_tried: ${r.tried}`,
    `handled: ${r.handled}`,
    `internal_errors: ${r.internal}`,
    `crashes: ${r.crashes}`,
    `hangs: ${r.hangs}`,
    `data_lost: ${r.dataLost}`,
    `seconds: ${r.seconds.toFixed(1)}`,
  ];
  for (const [f, x] of Object.entries(r.byFamily))
    lines.push(`family ${f}: ${x.tried} tried, ${x.ok} ok (exit 0), ${x.exit2} refused (exit 2), ${x.bad} failures`);
  for (const s of r.skipped) lines.push(`skipped: ${s}`);
  for (const f of r.findings.slice(0, 40)) lines.push(`finding: ${f.verdict} ${f.family} #${f.index}: ${f.detail}`);
  if (r.findings.length > 40) lines.push(`finding: … and ${r.findings.length - 40} more`);
  return lines.join('\n');
}
