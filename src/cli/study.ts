/**
 * `rollcell sweep | solve | optimise <recipe.yaml> <study.yaml>` and `rollcell studies …`: reads the
 * files, checks them (every problem names the study file and the field, exit 2), opens the store, runs
 * the study on a worker pool (every core by default) with progress on stderr, stores it, writes the
 * HTML report and the tables asked for.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ProblemError, formatProblem } from '../problems.ts';
import { MAX_RECIPE_BYTES } from '../recipe/parse.ts';
import { runSweep, runSolve, runOptimise, contextOf, type PreparedStudy, type StudyOutcome } from '../study/session.ts';
import type { Progress as StudyProgress } from '../study/engine.ts';
import { createReporter } from './progress.ts';
import { inlineExecutor, poolExecutor, defaultWorkers } from '../study/pool.ts';
import { openStore, StudyStore, type StudyKind, type StoredStudy } from '../store/index.ts';
import { parseSet } from './set.ts';
import { numberFlag, requiredNumberFlag, requirePostgres } from './input.ts';
import { prepareStudyText } from '../study/prepare.ts';
import { table, fmtNum } from './table.ts';
import { renderStudyReport } from '../report/study.ts';
import { toCsv, toParquet, toXlsx, type StudyTable } from '../report/study-table.ts';

function readText(file: string, role: string, what: string): string {
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    if (st.size > MAX_RECIPE_BYTES)
      throw new ProblemError({
        path: role,
        problem: 'file too large',
        got: `${st.size} bytes`,
        allowed: `<= ${MAX_RECIPE_BYTES} bytes`,
      });
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ProblemError) throw e;
    throw new ProblemError({
      path: role,
      problem: 'file not found or not readable',
      got: JSON.stringify(file),
      allowed: `an existing, readable ${what}`,
    });
  }
}

/** Reads the recipe and study files and checks them; throws ProblemError naming the file and the field. */
export function prepareStudy(
  kind: StudyKind,
  recipeFile: string,
  studyFile: string,
  sets: readonly string[] = [],
): PreparedStudy {
  const recipeText = readText(recipeFile, 'recipe', 'YAML recipe file');
  const studyText = readText(studyFile, 'study', 'YAML study file');
  return prepareStudyText(
    kind,
    { text: recipeText, name: recipeFile },
    { text: studyText, name: studyFile },
    sets.map(parseSet),
  );
}

/**
 * The study's progress on stderr through the project's reporter (src/cli/progress.ts: a bar with its ETA
 * on a terminal, a plain line every 10 s otherwise, nothing with --quiet), like every long command; when
 * the study ends, one line with the points done, the rate and the failures.
 */
function progressReporter(label: string, quiet = false): { update: (p: StudyProgress) => void; stop: () => void } {
  if (quiet) return { update: () => {}, stop: () => {} };
  const r = createReporter();
  let last: StudyProgress | undefined;
  return {
    update: (p) => {
      last = p;
      r.progress({ stage: label, done: p.done, total: p.total, unit: 'points' });
    },
    stop: () => {
      r.close();
      if (last)
        process.stderr.write(
          `${label}: ${last.done}/${last.total} points, ${last.points_per_s.toFixed(1)} points/s, failed ${last.failed}\n`,
        );
      last = undefined;
    },
  };
}

export interface StudyCommandOptions {
  db: string;
  out: string;
  /** enqueue the sweep's points as shards for `rollcell worker`s (PostgreSQL) and follow them */
  distributed?: boolean;
  shardPoints?: string;
  leaseS?: string;
  shardRetries?: string;
  workers?: string;
  set?: string[];
  csv?: string;
  xlsx?: string;
  parquet?: string;
  json?: boolean;
  quiet?: boolean;
}

function parseWorkers(v: string | undefined): number {
  if (v === undefined) return defaultWorkers();
  return requiredNumberFlag(
    v,
    '--workers',
    0,
    256,
    true,
    'must be a whole number of threads',
    '0 (this thread) … 256; default every core',
  );
}

/** checks --distributed and its options (before anything runs) */
function distributedOptions(
  kind: StudyKind,
  o: StudyCommandOptions,
): { shardPoints?: number; leaseSeconds?: number; retryLimit?: number } {
  if (kind !== 'sweep')
    throw new ProblemError({
      path: '--distributed',
      problem: `${kind} is an adaptive search (each round depends on the last) and runs on one machine`,
      got: kind,
      allowed: 'rollcell sweep … --distributed',
    });
  requirePostgres(o.db, '--distributed needs the PostgreSQL database the workers share');
  const shardPoints = numberFlag(o.shardPoints, '--shard-points', 1, 100_000, true);
  const leaseSeconds = numberFlag(o.leaseS, '--lease-s', 1, 86_400, true);
  const retryLimit = numberFlag(o.shardRetries, '--shard-retries', 2, 100, true);
  return {
    ...(retryLimit !== undefined ? { retryLimit } : {}),
    ...(shardPoints !== undefined ? { shardPoints } : {}),
    ...(leaseSeconds !== undefined ? { leaseSeconds } : {}),
  };
}

export async function studyCommand(
  kind: StudyKind,
  recipeFile: string,
  studyFile: string,
  o: StudyCommandOptions,
  out: (s: string) => void,
): Promise<void> {
  const workers = parseWorkers(o.workers);
  const dist = o.distributed ? distributedOptions(kind, o) : undefined;
  const ps = prepareStudy(kind, recipeFile, studyFile, o.set ?? []);
  const store = await openStore(o.db);
  const studies = new StudyStore(store);
  const prog = progressReporter(`${kind} ${ps.def.name}`, o.quiet === true);
  let res: StudyOutcome & { answer?: unknown; front?: unknown };
  if (dist) {
    const { JobQueue } = await import('../jobs/queue.ts');
    const { runDistributedSweep } = await import('../jobs/coordinator.ts');
    let queue;
    try {
      queue = await JobQueue.open(o.db);
    } catch (e) {
      prog.stop();
      await store.close();
      throw e;
    }
    const ac = new AbortController();
    const stop = (): void => ac.abort();
    process.once('SIGINT', stop);
    try {
      res = await runDistributedSweep(ps, {
        store: studies,
        queue,
        onProgress: prog.update,
        onNote: (l) => process.stderr.write(`${l}\n`),
        signal: ac.signal,
        ...dist,
      });
    } catch (e) {
      prog.stop();
      await queue.close();
      await store.close();
      throw e;
    } finally {
      process.off('SIGINT', stop);
    }
    prog.stop();
    await queue.close();
  } else {
    const ctx = contextOf(ps.sp);
    const executor = workers === 0 ? inlineExecutor(ctx) : poolExecutor(ctx, workers);
    try {
      const io = { store: studies, executor, onProgress: prog.update };
      res =
        kind === 'sweep'
          ? await runSweep(ps, io)
          : kind === 'solve'
            ? await runSolve(ps, io)
            : await runOptimise(ps, io);
    } finally {
      prog.stop();
      await executor.close();
    }
  }
  try {
    const stored = await studies.get(res.id);
    const files = await writeOutputs(stored, res.rows, o);
    if (o.json) {
      out(JSON.stringify({ study_id: res.id, resumed: res.resumed, db: o.db, files, summary: res.summary }, null, 2));
      return;
    }
    out(formatOutcome(ps, res, files, o.db));
  } finally {
    await store.close();
  }
}

async function writeOutputs(
  s: StoredStudy,
  rows: StudyOutcome['rows'],
  o: Pick<StudyCommandOptions, 'out' | 'csv' | 'xlsx' | 'parquet'>,
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const t = (): StudyTable => ({
    inputs: s.inputs,
    outputs: s.outputs,
    rows: rows.map((r) => ({ ...r, seed: (r as { seed?: number }).seed ?? 0 })),
  });
  try {
    mkdirSync(o.out, { recursive: true });
    const f = join(o.out, `study-${s.id}.html`);
    writeFileSync(f, renderStudyReport(s, rows));
    files['report'] = resolve(f);
    if (o.csv) {
      writeFileSync(o.csv, toCsv(t()));
      files['csv'] = resolve(o.csv);
    }
    if (o.xlsx) {
      writeFileSync(o.xlsx, await toXlsx(t()));
      files['xlsx'] = resolve(o.xlsx);
    }
    if (o.parquet) {
      writeFileSync(o.parquet, Buffer.from(toParquet(t())));
      files['parquet'] = resolve(o.parquet);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code && /^E(ACCES|NOENT|ROFS|ISDIR|NOTDIR|PERM)$/.test(err.code))
      throw new ProblemError({
        path: '--out/--csv/--xlsx/--parquet',
        problem: 'cannot write the file',
        got: `${err.path ?? ''} (${err.code})`,
        allowed: 'a writable path',
      });
    throw e;
  }
  return files;
}

function formatOutcome(
  ps: PreparedStudy,
  res: StudyOutcome & { answer?: unknown; front?: unknown },
  files: Record<string, string>,
  db: string,
): string {
  const s = res.summary;
  const lines: string[] = [];
  lines.push(
    `${ps.kind} "${ps.def.name}": ${s.points} points (${s.failed} failed)${res.resumed ? ', resumed' : ''}; ` +
      `design ${ps.def.design}, ${ps.sp.factors.length} inputs, seed ${ps.def.seed}`,
  );
  if (s.feasible)
    lines.push(
      `feasible window: ${s.feasible.count} of ${s.points} points meet ${Object.keys(s.feasible.bounds).join(', ')}`,
    );
  if (s.failures.length)
    lines.push(
      `most common failure (${s.failures[0]!.count}×, first at point ${s.failures[0]!.first_idx}): ${s.failures[0]!.first_error}`,
    );
  if (s.claims)
    lines.push(
      '',
      table(
        ['claim', s.claims.basis === 'probability' ? 'P(met)' : 'share met', '95 % interval', 'points'],
        s.claims.claims.map((c) => [
          c.what.replace('claims.', ''),
          c.p,
          `${fmtNum(c.ci[0], 3)} – ${fmtNum(c.ci[1], 3)}`,
          c.evaluated,
        ]),
      ),
    );
  if (s.sensitivity?.length) {
    for (const r of s.sensitivity.filter((x) => !/^claims\./.test(x.output)).slice(0, 4)) {
      const top = [...r.indices].sort((a, b) => b.ST - a.ST).slice(0, 8);
      lines.push(
        '',
        table(
          ['input', 'S1', 'S1 CI', 'ST', 'ST CI'],
          top.map((i) => [
            i.input,
            i.S1,
            `${fmtNum(i.S1_ci[0], 2)} – ${fmtNum(i.S1_ci[1], 2)}`,
            i.ST,
            `${fmtNum(i.ST_ci[0], 2)} – ${fmtNum(i.ST_ci[1], 2)}`,
          ]),
          `Sobol' indices of ${r.output} (${r.rows} base rows, ${Math.round(r.confidence * 100)} % bootstrap CIs)`,
        ),
      );
    }
  }
  const ans = res.answer as import('../study/session.ts').SolveAnswer | undefined;
  if (ans) {
    lines.push('', ans.message);
    if (ans.best) {
      lines.push(
        table(
          ['setting', 'value'],
          Object.entries(ans.best.settings).map(([k, v]) => [k, v]),
          ans.met ? 'best setting' : 'closest setting',
        ),
      );
      lines.push(
        table(
          ['output', 'value'],
          Object.entries(ans.best.outputs).map(([k, v]) => [k, v as number | string | null]),
        ),
      );
    }
  }
  const front = res.front as import('../study/session.ts').ParetoMember[] | undefined;
  if (front) {
    const objs = Object.keys(front[0]?.objectives ?? {});
    lines.push(
      '',
      table(
        ['point', ...objs],
        front.slice(0, 30).map((m) => [m.idx, ...objs.map((k) => m.objectives[k] ?? null)]),
        `Pareto front: ${front.length} settings (first 30; all in the report)`,
      ),
    );
  }
  lines.push('', `stored as study ${res.id} in ${db}`);
  for (const [k, f] of Object.entries(files)) lines.push(`${k}: ${f}`);
  return lines.join('\n');
}

export async function studiesList(db: string, limit: number, out: (s: string) => void): Promise<void> {
  const store = await openStore(db);
  try {
    const rows = await new StudyStore(store).list(limit);
    out(
      table(
        ['id', 'kind', 'name', 'design', 'points', 'failed', 'status', 'created'],
        rows.map((r) => [r.id, r.kind, r.name, r.design, r.n_done, r.n_failed, r.status, r.created_at.slice(0, 19)]),
      ),
    );
  } finally {
    await store.close();
  }
}

export async function studiesExport(
  db: string,
  id: string,
  o: { out: string; csv?: string; xlsx?: string; parquet?: string },
  out: (s: string) => void,
): Promise<void> {
  const store = await openStore(db);
  try {
    const ss = new StudyStore(store);
    const s = await ss.get(id);
    const rows = await ss.allPoints(s.id);
    const files = await writeOutputs(s, rows, o);
    out(
      Object.entries(files)
        .map(([k, f]) => `${k}: ${f}`)
        .join('\n'),
    );
  } finally {
    await store.close();
  }
}

export { formatProblem };
