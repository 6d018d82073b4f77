/**
 * The one error value for bad input, wherever it comes from (recipe, CLI flags, CSV and BPX files,
 * study files, HTTP bodies): the field's path, what is wrong, the value found and what is allowed.
 * Printed as `<path>: <problem> (got <value>; allowed <what>) [line N, column C]`; the CLI maps a
 * `ProblemError` to exit code 2 and the server to HTTP 4xx, by type, never by parsing the message.
 */

export interface Problem {
  /** dotted path of the field (`stations.240.force_N`), a flag (`--seed`) or a file role; '' for the whole input */
  path: string;
  problem: string;
  got: string;
  allowed: string;
  line?: number;
  column?: number;
}

export function formatProblem(p: Problem): string {
  const where = p.path === '' ? '(recipe)' : p.path;
  const at = p.line ? ` [line ${p.line}${p.column ? `, column ${p.column}` : ''}]` : '';
  return `${where}: ${p.problem} (got ${p.got}; allowed ${p.allowed})${at}`;
}

/** Thrown for invalid input; carries the problems as values. */
export class ProblemError extends Error {
  readonly problems: readonly Problem[];
  constructor(
    problems: Problem | readonly Problem[],
    readonly prefix?: string,
  ) {
    const list = Array.isArray(problems) ? (problems as readonly Problem[]) : [problems as Problem];
    super(list.map((p) => (prefix ? `${prefix}: ` : '') + formatProblem(p)).join('\n'));
    this.name = 'ProblemError';
    this.problems = list;
  }
}

/** Shorthand for one problem. */
export function problem(path: string, what: string, got: string, allowed: string, line?: number): ProblemError {
  return new ProblemError(
    line === undefined ? { path, problem: what, got, allowed } : { path, problem: what, got, allowed, line },
  );
}
