/**
 * The CLI's input helpers, shared by the commands: the one error value for a bad flag or file
 * (`ProblemError`, exit code 2 by type) and the recipe loader.
 */
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { concernsOverride } from '../recipe/parse.ts';
import type { Recipe } from '../recipe/schema.ts';
import { ProblemError, formatProblem, problem, type Problem } from '../problems.ts';
import { MAX_FILE_BYTES, readUserFile } from '../io/files.ts';
import { parseDecimal } from '../io/decimal.ts';
import { readDriveCycle } from '../cycler/io.ts';
import type { DriveCycle } from '../cycler/machine.ts';
import { parseJobRecipe } from '../pipeline.ts';

/** ends a command with an exit code after it has printed its own output (e.g. `bpx check` of a refused file) */
export class ExitStatus extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** `--limit <n>` of the list and show commands: a positive integer (a plain decimal), or an InputError */
export function parseLimit(v: string): number {
  const limit = parseDecimal(v);
  if (!Number.isInteger(limit) || limit < 1)
    throw inputError('--limit', 'must be a positive integer', JSON.stringify(v), '1, 2, 3, …');
  return limit;
}

/** a bad flag or file: `<path>: <problem> (got <value>; allowed <what>)`, exit code 2 */
export function inputError(path: string, what: string, got: string, allowed: string): ProblemError {
  return problem(path, what, got, allowed);
}

/**
 * A numeric flag: undefined when absent, else its value, a plain decimal number (src/io/decimal.ts: not 0x10,
 * not blank, not Infinity) which must lie in min … max and be whole when `integer` (else an InputError:
 * `<path>: <what> (got "<v>"; allowed <allowed>)`, allowed `<min> … <max>` unless given).
 */
export function numberFlag(
  v: string | undefined,
  path: string,
  min: number,
  max: number,
  integer: boolean,
  what = integer ? 'must be a whole number' : 'must be a number',
  allowed = `${min} … ${max}`,
): number | undefined {
  if (v === undefined) return undefined;
  const n = parseDecimal(v);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
    throw inputError(path, what, JSON.stringify(v), allowed);
  return n;
}

/** a numeric flag that has a default (commander fills it in): its value, as numberFlag reads it */
export function requiredNumberFlag(
  v: string,
  path: string,
  min: number,
  max: number,
  integer: boolean,
  what?: string,
  allowed?: string,
): number {
  return numberFlag(v, path, min, max, integer, what, allowed)!;
}

/** `--db` of a command that needs the PostgreSQL database its workers share; else an InputError saying why */
export function requirePostgres(db: string, why: string): void {
  if (!/^postgres(ql)?:\/\//i.test(db.trim()))
    throw inputError('--db', why, JSON.stringify(db), 'postgres://user@host:port/database');
}

/** the problems of e under a prefix (the flag that brought the input: `--cell`, `--experiment`), or e itself */
export function underFlag(flag: string, e: unknown): unknown {
  return e instanceof ProblemError ? new ProblemError(e.problems, e.prefix ? `${flag}: ${e.prefix}` : flag) : e;
}

/**
 * Problems from more than one source (the recipe file, `--set` flags), each printed with its own
 * prefix: `<file>: <problem>` or `--set <path=value>: <problem>`.
 */
export class SourcedProblemError extends ProblemError {
  constructor(
    problems: readonly Problem[],
    readonly sources: readonly string[],
  ) {
    super(problems);
    this.message = problems.map((p, i) => `${sources[i]}: ${formatProblem(p)}`).join('\n');
  }
}

/** One `--set <path>=<value>` flag: the raw text (for messages), the path and the value parsed as YAML. */
export interface SetFlag {
  raw: string;
  path: string;
  value: unknown;
}

/** Parses `--set` flags (value as YAML: 450, true, NCM811, [1, 2], {md_sigma_pct: 3}), or throws a ProblemError. */
export function parseSetFlags(raw: readonly string[] | undefined): SetFlag[] {
  const out: SetFlag[] = [];
  const bad: Problem[] = [];
  for (const r of raw ?? []) {
    const eq = r.indexOf('=');
    const path = eq > 0 ? r.slice(0, eq).trim() : '';
    if (!path || !/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(path)) {
      bad.push({
        path: '--set',
        problem: 'expected <path>=<value> with a dotted field path',
        got: JSON.stringify(r),
        allowed: 'e.g. --set stations.240.force_N=450 (paths as in `rollcell schema`)',
      });
      continue;
    }
    const text = r.slice(eq + 1);
    const doc = parseDocument(text, { prettyErrors: false });
    if (doc.errors.length > 0) {
      bad.push({
        path: `--set ${path}`,
        problem: 'the value is not valid YAML',
        got: JSON.stringify(text),
        allowed: 'a YAML value: 450, true, NCM811, "a text", [1, 2], {md_sigma_pct: 3}',
      });
      continue;
    }
    out.push({ raw: r, path, value: doc.toJS() as unknown });
  }
  if (bad.length) throw new ProblemError(bad);
  return out;
}

export interface LoadedRecipe {
  recipe: Recipe;
  /** the text as read (stored with the run), with the `--set` values written in when there are any */
  text: string;
  /** the drive cycles the recipe's experiment names, read relative to the recipe's directory */
  driveCycles: Record<string, DriveCycle>;
}

/**
 * Reads and validates a recipe file — the ONE validation `validate`, `run`, `cycle` and `battery` share
 * (and the server, through parseJobRecipe): the recipe's schema and cross-field checks, its experiment
 * steps, the drive-cycle files they name (read relative to the recipe's directory, as regular files under
 * the size cap) and the job limits. The file itself is read through the file-safety helper (a regular
 * file under 1 MB). `sets` (`--set`) are applied on top of the file before validation; a problem at an
 * overridden field names the flag, the others the file. Throws a ProblemError (exit 2) naming the file
 * or flag, the field and the line.
 */
export function loadRecipe(
  file: string,
  stages: { production?: boolean; battery?: boolean } = {},
  sets: readonly SetFlag[] = [],
): LoadedRecipe {
  const text = readUserFile(file, { field: 'recipe', maxBytes: MAX_FILE_BYTES.recipe, what: 'YAML recipe file' });
  const baseDir = dirname(resolve(file));
  const r = parseJobRecipe(text, {
    stages,
    readDriveCycle: (src) => readDriveCycle(src, baseDir, 'experiment'),
    overrides: sets,
  });
  if (!r.ok) {
    if (sets.length === 0) throw new ProblemError(r.problems, file);
    const origin = (p: Problem): string => {
      const f = [...sets].reverse().find((x) => concernsOverride(p.path, x.path));
      return f ? `--set ${f.raw}` : file;
    };
    throw new SourcedProblemError(r.problems, r.problems.map(origin));
  }
  return {
    recipe: r.recipe,
    text: sets.length ? effectiveText(file, text, sets) : text,
    driveCycles: r.driveCycles,
  };
}

/**
 * The recipe text with the `--set` values written into it (comments and layout kept), headed by a
 * comment naming the flags: what a run stores, so the stored recipe reproduces the run.
 */
function effectiveText(file: string, text: string, sets: readonly SetFlag[]): string {
  const doc = parseDocument(text);
  for (const f of sets) {
    let node: unknown = doc.contents;
    const keys = f.path.split('.');
    keys.forEach((k, i) => {
      const last = i === keys.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === k);
        if (last) {
          if (pair) pair.value = doc.createNode(f.value);
          else node.set(k, doc.createNode(f.value));
        } else if (pair && (isMap(pair.value) || isSeq(pair.value))) node = pair.value;
        else {
          const child = doc.createNode({});
          if (pair) pair.value = child;
          else node.set(k, child);
          node = child;
        }
      } else if (isSeq(node) && /^\d+$/.test(k)) {
        const idx = Number(k);
        if (last) node.set(idx, doc.createNode(f.value));
        else node = node.get(idx, true);
      }
    });
  }
  const head = `# ${file} with ${sets.map((f) => `--set ${f.raw}`).join(' ')}\n`;
  return head + doc.toString();
}

export function parseSeed(v: string): number {
  const n = parseDecimal(v);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1)
    throw inputError('--seed', 'must be a non-negative integer', JSON.stringify(v), '0 … 4294967295');
  return n;
}
