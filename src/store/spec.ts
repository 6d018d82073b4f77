/**
 * Parsing of the `--db` value: a SQLite file path (default `./rollcell.db`; `:memory:` and a
 * `sqlite:` prefix are accepted) or a PostgreSQL URL (`postgres://…` / `postgresql://…`, with an
 * optional `?schema=<name>` query parameter selecting the schema the tables live in).
 */
import { existsSync, statSync, accessSync, constants as fsConstants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { problem } from '../problems.ts';

export const DEFAULT_DB_SPEC = './rollcell.db';

export type DbSpec =
  | { kind: 'sqlite'; path: string; display: string }
  | { kind: 'postgres'; connectionString: string; schema: string; display: string };

const ALLOWED = 'a SQLite file path such as ./rollcell.db, or postgres://user@host:port/database';

/** The spec with any password replaced by ***, for messages. */
export function maskSpec(spec: string): string {
  return spec.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/**
 * Parse and check a `--db` value; a value that cannot be used throws a ProblemError (src/problems.ts: the
 * one input error, CLI exit 2) naming `--db`, the value (password masked) and what is allowed.
 */
export function parseDbSpec(spec: string): DbSpec {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw problem('--db', `must be a SQLite file path or a postgres:// URL`, JSON.stringify(spec), ALLOWED);
  }
  const s = spec.trim();
  const shown = maskSpec(s);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      throw problem('--db', `not a valid PostgreSQL URL`, `'${shown}'`, ALLOWED);
    }
    if (!url.hostname && !url.searchParams.get('host')) {
      throw problem('--db', `PostgreSQL URL has no host`, `'${shown}'`, ALLOWED);
    }
    const schema = url.searchParams.get('schema') ?? 'public';
    // lower case only: the name goes unquoted into search_path, where PostgreSQL folds case
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw problem('--db', `schema must be a plain lower-case identifier`, `'${schema}' in '${shown}'`, 'a-z, 0-9, _');
    }
    url.searchParams.delete('schema');
    return { kind: 'postgres', connectionString: url.toString(), schema, display: shown };
  }
  if (scheme !== undefined && scheme !== 'sqlite') {
    throw problem('--db', `unsupported database '${scheme}://'`, `'${shown}'`, ALLOWED);
  }
  let path = s;
  if (/^sqlite:/i.test(path)) path = path.replace(/^sqlite:(\/\/)?/i, '');
  if (path === ':memory:') return { kind: 'sqlite', path, display: ':memory:' };
  if (path === '') throw problem('--db', `empty SQLite path`, `'${s}'`, ALLOWED);
  const abs = resolve(path);
  if (existsSync(abs)) {
    const st = statSync(abs);
    if (st.isDirectory()) {
      throw problem('--db', `a directory, not a database file`, `'${s}'`, ALLOWED);
    }
    if (!st.isFile()) {
      throw problem('--db', `not a regular file (a device, FIFO or socket)`, `'${s}'`, ALLOWED);
    }
    try {
      accessSync(abs, fsConstants.R_OK | fsConstants.W_OK);
    } catch {
      throw problem(
        '--db',
        `the SQLite file is not readable and writable by this user`,
        `'${s}'`,
        'a file this user may read and write',
      );
    }
  } else {
    const dir = dirname(abs);
    if (!existsSync(dir)) {
      throw problem(
        '--db',
        `cannot create the SQLite file: directory '${dir}' does not exist`,
        `'${s}'`,
        'a new file in an existing, writable directory',
      );
    }
    if (!statSync(dir).isDirectory()) {
      throw problem(
        '--db',
        `cannot create the SQLite file: '${dir}' is not a directory`,
        `'${s}'`,
        'a new file in an existing, writable directory',
      );
    }
    try {
      accessSync(dir, fsConstants.W_OK);
    } catch {
      throw problem(
        '--db',
        `cannot create the SQLite file: directory '${dir}' is not writable`,
        `'${s}'`,
        'a new file in an existing, writable directory',
      );
    }
  }
  return { kind: 'sqlite', path: abs, display: s };
}
