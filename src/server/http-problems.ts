/**
 * Errors → HTTP responses. Every error a user can cause is the CLI's `Problem` value (src/problems.ts)
 * carried in an RFC 9457 `application/problem+json` body, mapped by type (never by parsing messages):
 * 400 malformed request (bad JSON, a parameter of the wrong type), 404 unknown run/recipe/route,
 * 409 conflict (ambiguous id prefix, a run still in progress), 413 body too large, 422 a well-formed
 * request whose recipe or content is invalid, 501 an extension not available yet. Anything else is a
 * 500 without internals (the server logs it).
 */
import type { z } from 'zod';
import { ProblemError, formatProblem, type Problem } from '../problems.ts';
import { StoreError, matchesText } from '../store/index.ts';
import { zodProblems } from '../recipe/zod-problems.ts';

export type HttpStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 501 | 503;

const TITLES: Record<HttpStatus, string> = {
  400: 'Bad request',
  401: 'Token required',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Invalid input',
  429: 'Too many requests',
  500: 'Internal error',
  501: 'Not implemented',
  503: 'Unavailable',
};

/** An HTTP error that carries Problems. */
export class HttpProblem extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly problems: readonly Problem[],
  ) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'HttpProblem';
  }
}

export function httpProblem(status: HttpStatus, path: string, what: string, got: string, allowed: string): HttpProblem {
  return new HttpProblem(status, [{ path, problem: what, got, allowed }]);
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  problems: Problem[];
}

export function problemBody(status: HttpStatus, problems: readonly Problem[]): ProblemBody {
  return {
    type: status === 422 ? 'https://rollcell.dev/problems/invalid-input' : 'about:blank',
    title: TITLES[status],
    status,
    detail: problems.map(formatProblem).join('\n'),
    problems: [...problems],
  };
}

/**
 * zod issues of a request part (`params`, `query` or `body`) → Problems, through the recipe's converter
 * (src/recipe/zod-problems.ts, the one for every input): the field's path from the part (`query.limit`,
 * `body.recipe.name`), the value found, and what is allowed; an unknown key is a Problem of its own naming
 * the key and the keys the route takes.
 */
export function requestProblems(
  where: 'params' | 'query' | 'body',
  err: z.ZodError,
  data: unknown,
  schema: z.ZodType,
): Problem[] {
  return zodProblems(err, data, schema, where, 50, {
    outOfRange: 'out of range',
    see: 'see the route in /api/openapi.json',
  }).slice(0, 50);
}

/**
 * Why a run worker failed, for the job: a ProblemError is the input's (its Problems, exit 2 in the CLI);
 * anything else is internal (the CLI's exit 1, logged by the job manager) — whatever its class or name.
 */
export function runFailure(e: unknown): { problems: Problem[]; internal: boolean; message: string } {
  if (e instanceof ProblemError) return { problems: [...e.problems], internal: false, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { problems: [{ path: '', problem: message, got: '', allowed: '' }], internal: true, message };
}

/** Any thrown value → status + Problems (internal errors get a generic Problem; log the original). */
export function toHttp(e: unknown): { status: HttpStatus; problems: Problem[]; internal: boolean } {
  if (e instanceof HttpProblem) return { status: e.status, problems: [...e.problems], internal: false };
  if (e instanceof ProblemError) return { status: 422, problems: [...e.problems], internal: false };
  if (e instanceof StoreError) {
    const msg = e.message;
    if (e.code === 'not_found')
      return {
        status: 404,
        problems: [{ path: 'id', problem: msg, got: '', allowed: 'an existing run id or a unique prefix' }],
        internal: false,
      };
    if (e.code === 'ambiguous')
      return {
        status: 409,
        problems: [
          {
            path: 'id',
            problem: msg,
            got: '',
            allowed: e.matches ? `a longer prefix: one of ${matchesText(e.matches)}` : 'a longer prefix',
          },
        ],
        internal: false,
      };
    if (e.code === 'duplicate')
      return { status: 409, problems: [{ path: 'id', problem: msg, got: '', allowed: 'a new id' }], internal: false };
  }
  return {
    status: 500,
    problems: [{ path: '', problem: 'internal error (the server log has the details)', got: '', allowed: '' }],
    internal: true,
  };
}
