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
  | 'not_found' // no run, study or campaign with that id / prefix
  | 'ambiguous' // prefix matches several runs, studies or campaigns (StoreError.matches names them)
  | 'duplicate' // run id already exists
  | 'unavailable' // the server or the file cannot be reached or used as configured (fixable by the user)
  | 'corrupt'; // the database file is damaged: refused, never written into

/** the ids an ambiguous prefix matches: the first ones in id order, and whether there are more */
export interface PrefixMatches {
  ids: readonly string[];
  more: boolean;
}

/** most ids an ambiguous prefix's error names */
export const PREFIX_MATCHES_SHOWN = 10;

/** An ambiguous prefix's matches from the rows it found (the first PREFIX_MATCHES_SHOWN + 1 ids in id order). */
export function prefixMatches(rows: readonly { id: string }[]): PrefixMatches {
  return { ids: rows.slice(0, PREFIX_MATCHES_SHOWN).map((r) => r.id), more: rows.length > PREFIX_MATCHES_SHOWN };
}

/** the matches as a message names them: `A, B, C`, or `A, B, …` when there are more */
export function matchesText(m: PrefixMatches): string {
  return m.ids.join(', ') + (m.more ? ', …' : '');
}

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** code 'ambiguous': the ids the prefix matches (an HTTP 409 names them) */
  readonly matches: PrefixMatches | undefined;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown; matches?: PrefixMatches }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
    this.matches = options?.matches;
  }
  /** True for a database condition the user can fix (CLI exit code 2): a wrong id, a database not reachable or damaged. */
  get isUserError(): boolean {
    return (
      this.code === 'not_found' || this.code === 'ambiguous' || this.code === 'unavailable' || this.code === 'corrupt'
    );
  }
}
