/** Errors of the run-history store. `code` lets the CLI choose an exit code (2 = invalid input). */
export type StoreErrorCode =
  | 'bad_spec' // --db value not understood / not usable
  | 'open_failed' // database could not be opened or migrated
  | 'newer_schema' // database written by a newer rollcell
  | 'not_found' // no run with that id / prefix
  | 'ambiguous' // prefix matches several runs
  | 'invalid_input' // saveRun input not storable
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
  /** True for errors caused by what the user typed (CLI exit code 2). */
  get isUserError(): boolean {
    return (
      this.code === 'bad_spec' ||
      this.code === 'not_found' ||
      this.code === 'ambiguous' ||
      this.code === 'invalid_input' ||
      this.code === 'unavailable' ||
      this.code === 'corrupt'
    );
  }
}
