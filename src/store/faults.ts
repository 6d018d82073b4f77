/**
 * Database faults: which errors are transient (retry the whole transaction after a back-off: a server
 * restart, a dropped connection, a serialization failure), which are the user's configuration (exit 2
 * saying what to fix: connection refused, unknown host, missing database, unknown role, wrong password,
 * disk full), and the retry loop itself.
 *
 * PostgreSQL SQLSTATE codes: https://www.postgresql.org/docs/current/errcodes-appendix.html
 * SQLite result codes: https://www.sqlite.org/rescode.html
 */

/** Connection-level and server-side codes after which the same transaction may simply be run again. */
const TRANSIENT = new Set([
  // socket level (node)
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED', // a restarting server refuses for a moment
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // class 08: connection exception
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  // class 57: operator intervention (admin/crash shutdown, cannot connect now: starting up)
  '57P01',
  '57P02',
  '57P03',
  // class 40: transaction rollback (serialization failure, deadlock)
  '40001',
  '40P01',
  // class 53: too many connections
  '53300',
]);

const TRANSIENT_MESSAGE = new RegExp(
  [
    'Connection terminated',
    'terminating connection',
    'server closed the connection',
    'Client has encountered a connection error',
    'timeout exceeded when trying to connect',
    'the database system is (starting up|shutting down|in recovery mode)',
  ].join('|'),
  'i',
);

function codesOf(e: unknown, depth = 0): string[] {
  if (depth > 5 || e === null || typeof e !== 'object') return [];
  const out: string[] = [];
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') out.push(code);
  if (e instanceof AggregateError) for (const x of e.errors) out.push(...codesOf(x, depth + 1));
  const cause = (e as { cause?: unknown }).cause;
  if (cause !== undefined) out.push(...codesOf(cause, depth + 1));
  return out;
}

function messagesOf(e: unknown, depth = 0): string {
  if (depth > 5 || e === null || e === undefined) return '';
  if (typeof e !== 'object') return String(e);
  let s = e instanceof Error ? e.message : '';
  if (e instanceof AggregateError) for (const x of e.errors) s += ` ${messagesOf(x, depth + 1)}`;
  const cause = (e as { cause?: unknown }).cause;
  if (cause !== undefined) s += ` ${messagesOf(cause, depth + 1)}`;
  return s;
}

/** True when running the same transaction again may succeed. */
export function isTransient(e: unknown): boolean {
  return codesOf(e).some((c) => TRANSIENT.has(c)) || TRANSIENT_MESSAGE.test(messagesOf(e));
}

/**
 * What the user should fix for a configuration or environment error, or undefined when the error is
 * not one (then it is a defect, or a transient fault that outlasted the retries).
 */
export function whatToFix(e: unknown): string | undefined {
  const codes = codesOf(e);
  const has = (...c: string[]) => codes.some((x) => c.includes(x));
  if (has('ECONNREFUSED'))
    return 'connection refused: is the PostgreSQL server running, and are the host and port in --db right?';
  if (has('ENOTFOUND', 'EAI_AGAIN')) return 'unknown host: check the host name in --db';
  if (has('ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'))
    return 'the server cannot be reached (timeout or no route): check the host, port and network';
  if (has('3D000')) return 'the database does not exist: create it (createdb <name>) or fix its name in --db';
  if (has('28000', '28P01'))
    return 'the server refused the user or password: check the user and password in --db (or PGPASSWORD / ~/.pgpass)';
  if (has('42501')) return 'the user may not create the tables: grant it CREATE on the database or schema';
  if (has('53300')) return 'the server has too many connections: try again later or raise max_connections';
  if (has('57P03', '57P01', '57P02')) return 'the server is starting up or shutting down: try again in a moment';
  if (has('SQLITE_FULL', 'ENOSPC')) return 'disk full: free space on the disk that holds the database';
  if (has('SQLITE_READONLY', 'EROFS', 'EACCES')) return 'the database file or its directory is read-only';
  if (has('SQLITE_CANTOPEN')) return 'the database file cannot be opened: check the path and permissions';
  if (has('SQLITE_CORRUPT', 'SQLITE_NOTADB')) return 'the database file is damaged or not a SQLite database';
  if (/self[- ]signed certificate|SSL|certificate/i.test(messagesOf(e)))
    return 'the TLS connection failed: check sslmode and the server certificate';
  return undefined;
}

export interface RetryOptions {
  /** attempts in all (default 6) */
  attempts?: number;
  /** first back-off, ms; doubled each time (default 250 ms: 0.25, 0.5, 1, 2, 4 s ≈ 8 s in all) */
  firstDelay_ms?: number;
  /** called before each retry (for a message or a test) */
  onRetry?: (attempt: number, error: unknown, delay_ms: number) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `fn` and runs it again after a back-off while it fails transiently. */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions = {}): Promise<T> {
  const attempts = o.attempts ?? 6;
  let delay = o.firstDelay_ms ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= attempts || !isTransient(e)) throw e;
      o.onRetry?.(attempt, e, delay);
      await sleep(delay);
      delay *= 2;
    }
  }
}
