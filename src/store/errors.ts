/**
 * Errors of the run-history store: the condition of the database, found when it is opened, read or
 * written. `code` lets the CLI choose an exit code (2 = the user can fix it).
 *
 * Input errors are not StoreErrors: a `--db` value that cannot name a database (src/store/spec.ts) and a
 * record that cannot be stored (saveRun's checks, list limits) throw the one input error, `ProblemError`
 * (src/problems.ts: path, problem, got, allowed; CLI exit 2, HTTP 422). What stays here depends on the
 * database, not on what was typed: the same `--db` value and record work once the database is reachable,
 * undamaged, of a known schema, or holds the run asked for — so these are reported as the store's state.
 */
export type StoreErrorCode =
  | 'open_failed' // database could not be opened or migrated
  | 'newer_schema' // database written by a newer rollcell
  | 'not_found' // no run with that id / prefix
  | 'ambiguous' // prefix matches several runs
  | 'duplicate' // run id already exists
  | 'unavailable' // the server or the file cannot be reached or used as configured (fixable by the user)
  | 'corrupt'; // the database file is damaged: refused, never written into

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
  /** True for a database condition the user can fix (CLI exit code 2): a wrong id, a database not reachable or damaged. */
  get isUserError(): boolean {
    return (
      this.code === 'not_found' || this.code === 'ambiguous' || this.code === 'unavailable' || this.code === 'corrupt'
    );
  }
}
