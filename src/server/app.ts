/**
 * The HTTP API and the dashboard's static files (hono). Routes are declared once (`RouteDef`, with zod
 * schemas) and both registered and documented from that declaration (GET /api/openapi.json).
 *
 * Security: every response carries a Content-Security-Policy that allows only this origin (no remote
 * scripts, styles, fonts or connections; no inline script); nothing from a recipe or a run is ever
 * sent as HTML (the API speaks JSON, the dashboard renders text). On loopback the Host header must
 * name loopback (DNS rebinding); on any other address a token is required for every request — a header
 * (X-Rollcell-Token or Authorization: Bearer) or, for page loads, the `?token=` link once, which sets
 * an HttpOnly SameSite=Strict cookie. State-changing requests always need the token in a header (a
 * cookie alone never suffices: no CSRF by form) and a JSON body (a cross-site form cannot send one).
 * Request bodies are size-limited.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { readFileSync, existsSync, statSync, createReadStream, readdirSync } from 'node:fs';
import { join, resolve, extname, normalize } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { ROLLCELL_VERSION } from '../version.ts';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { z } from 'zod';
import { formatProblem } from '../recipe/parse.ts';
import { recipeJsonSchema } from '../recipe/schema.ts';
import { parseJobRecipe, JOB_LIMITS } from '../pipeline.ts';
import { allMaterials } from '../materials/library.ts';
import {
  matchesText,
  newRunId,
  prefixMatches,
  sha256Hex,
  StoreError,
  type PrefixMatches,
  type Store,
  type StoredRun,
} from '../store/index.ts';
import { BATTERY_CELLS_SERIES } from '../run-record.ts';
import { parseBpxObject } from './bpx.ts';
import { recipeValidation } from './validate.ts';
import { HttpProblem, httpProblem, problemBody, requestProblems, toHttp, type HttpStatus } from './http-problems.ts';
import { openApiDocument, type RouteDef } from './openapi.ts';
import * as S from './schemas.ts';
import { JobManager, type JobEvent } from './jobs.ts';
import { LongJobs, type LongJob, type LongJobEvent } from './studies.ts';
import { StudyStore } from '../store/studies.ts';
import { CAMPAIGN_IDS, RUN_IDS, STUDY_IDS, idForms, matchIdPrefix } from '../store/id-prefix.ts';
import { CampaignStore } from '../store/index.ts';
import { prepareStudyText } from '../study/prepare.ts';
import { planCampaign, shardOfRoll } from '../jobs/campaign.ts';
import { campaignIdOf } from '../jobs/campaign-coordinator.ts';
import { validateRecipeData } from '../recipe/parse.ts';
import { ProblemError } from '../problems.ts';
import { m4 } from './present/downsample.ts';
import { shiftCellOf, ShiftStream, SPC_QUANTITIES, type ShiftContext, type SpcQuantity } from './present/shift.ts';
import { genealogyOf } from '../store/records.ts';
import { RollsTally, batterySerialOf, rollCellOf, type RollCell, type RollSummary } from './present/genealogy.ts';
import { comparePayload } from './present/compare.ts';
import { halfCycles, dqdv } from './present/run.ts';
import { seriesBdf, writeCellsCsv, writeRunJson, writeRunXlsx } from './export.ts';
import { cellPages, writeTables } from '../export/stream.ts';
import { EXPORT_WHATS } from '../export/tables.ts';
import { sinkFor, xlsxSink } from '../export/writers.ts';
import { runExperiment, firstCycleSummary, parseExperiment, ExperimentParseError } from '../cycler/index.ts';
import { createLiquidModel } from '../electrochem/liquid/index.ts';
import { simulateConstantCurrent } from '../cycler/profile-drive.ts';

import { buildCellModel } from '../pipeline.ts';
import type { Problem } from '../problems.ts';
import { unwrapSchema } from '../recipe/zod-problems.ts';
import { parseDecimal } from '../io/decimal.ts';

/** largest JSON body (a recipe is ≤ 1 MB of YAML; JSON quoting adds a little) */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** cells read from the store per page for a stored run's Shift view */
/** cells read from the store per page by every endpoint that goes through a run's cells */
export const CELL_PAGE = 1000;
/** largest upload (a BPX cell file) */
export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action " +
  "'self'; frame-ancestors 'none'";

export interface AppOptions {
  store: Store;
  jobs: JobManager;
  /** sweeps and campaigns started over the API (default: run here on the store, none distributed) */
  longJobs?: LongJobs;
  /** required token (null: none — only allowed on loopback) */
  token: string | null;
  /** loopback binding: the Host header must name loopback */
  loopback: boolean;
  /** built dashboard (index.html + assets/); null: API only */
  webDir: string | null;
  /** example recipes offered in the Recipe view */
  examplesDir?: string;
  log?: (s: string) => void;
  /** stored runs kept parsed in memory (runs are immutable once stored); 0 reads the store every time */
  runCacheSize?: number;
  /** cells read from the store per page (default CELL_PAGE): no endpoint holds more of a run's cells */
  cellPage?: number;
}

/* ------------------------------------------------------------------ small LRU caches of immutable run data */

class Lru<V> {
  readonly #m = new Map<string, V>();
  constructor(readonly size: number) {}
  get(k: string): V | undefined {
    const v = this.#m.get(k);
    if (v !== undefined) {
      this.#m.delete(k);
      this.#m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    if (this.size <= 0) return;
    this.#m.delete(k);
    this.#m.set(k, v);
    while (this.#m.size > this.size) this.#m.delete(this.#m.keys().next().value!);
  }
}

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(c: Context, name: string): string | undefined {
  const h = c.req.header('cookie') ?? '';
  for (const part of h.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export function createApp(o: AppOptions): { app: Hono; routes: RouteDef[] } {
  const app = new Hono();
  const routes: RouteDef[] = [];
  const runCache = new Lru<StoredRun>(o.runCacheSize ?? 16);
  // what a scan of a run's cells found (small: one entry per roll, one serial per pack cell)
  const rollsCache = new Lru<RollSummary[]>(8);
  const packCache = new Lru<string[]>(8);
  const PAGE = o.cellPage ?? CELL_PAGE;
  const seriesCache = new Lru<Record<string, Float64Array>>(8);
  const shiftCache = new Lru<ReturnType<ShiftStream['payload']>>(8);
  const modelCache = new Lru<ReturnType<typeof createLiquidModel>>(4);

  /* ---------------------------------------------------------------- errors */
  const problemResponse = (c: Context, status: HttpStatus, problems: readonly Problem[]) =>
    c.body(JSON.stringify(problemBody(status, problems)), status, { 'content-type': 'application/problem+json' });
  app.onError((e, c) => {
    const h = toHttp(e);
    if (h.internal) o.log?.(`internal error on ${c.req.method} ${c.req.path}: ${(e as Error)?.stack ?? String(e)}`);
    return problemResponse(c, h.status, h.problems);
  });
  app.notFound((c) =>
    problemResponse(c, 404, [
      { path: 'url', problem: 'no such route', got: `${c.req.method} ${c.req.path}`, allowed: 'see /api/openapi.json' },
    ]),
  );

  /* ---------------------------------------------------------------- security */
  app.use('*', async (c, next) => {
    if (o.loopback) {
      const host = c.req.header('host') ?? '';
      if (!LOOPBACK_HOSTS.test(host))
        throw httpProblem(
          403,
          'Host',
          'the server is bound to loopback; requests must name a loopback host',
          JSON.stringify(host),
          'localhost, 127.0.0.1 or [::1]',
        );
    }
    const mutating = !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method);
    if (o.token) {
      const header = c.req.header('x-rollcell-token') ?? c.req.header('authorization')?.replace(/^Bearer\s+/i, '');
      const q = c.req.query('token');
      const ck = cookie(c, 'rollcell_token');
      const ok = (v: string | undefined) => v !== undefined && safeEqual(v, o.token!);
      if (mutating) {
        if (!ok(header))
          throw httpProblem(
            401,
            'X-Rollcell-Token',
            'state-changing requests need the token in a header',
            header ? 'a wrong token' : 'no token header',
            'the token printed by rollcell serve, in X-Rollcell-Token',
          );
      } else if (!ok(header) && !ok(ck)) {
        if (ok(q)) {
          // a page link with ?token=: remember it in an HttpOnly cookie and drop it from the URL
          const url = new URL(c.req.url);
          url.searchParams.delete('token');
          c.header('set-cookie', `rollcell_token=${encodeURIComponent(o.token)}; HttpOnly; SameSite=Strict; Path=/`);
          return c.redirect(url.pathname + url.search, 303);
        }
        throw httpProblem(
          401,
          'token',
          'this server needs a token',
          'none',
          'X-Rollcell-Token header, or open the link with ?token=… that rollcell serve printed',
        );
      }
    }
    if (mutating && c.req.path.startsWith('/api/')) {
      const ct = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (ct !== 'application/json')
        throw httpProblem(415, 'Content-Type', 'request bodies are JSON', JSON.stringify(ct), 'application/json');
    }
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
  });
  const tooLarge = (max: number) => (c: Context) =>
    problemResponse(c, 413, [
      {
        path: 'body',
        problem: 'request body too large',
        got: `${c.req.header('content-length') ?? 'more than allowed'} bytes`,
        allowed: `≤ ${max} bytes`,
      },
    ]);
  app.use('/api/cycle', bodyLimit({ maxSize: MAX_UPLOAD_BYTES, onError: tooLarge(MAX_UPLOAD_BYTES) }));
  app.use('/api/*', async (c, next) => {
    if (c.req.path === '/api/cycle') return next();
    return bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge(MAX_BODY_BYTES) })(c, next);
  });

  /* ---------------------------------------------------------------- helpers */
  /**
   * Every route's path parameters, query and body are parsed by the zod schemas it declares (the ones the
   * OpenAPI document shows), strictly: an unknown key, a key given twice, a value of the wrong type or out
   * of range is a 400 whose Problems name the field (`params.id`, `query.limit`, `body.seed`), the value
   * and what is allowed — all the request's problems at once. A route without parameters or a query
   * declares NONE and refuses any. Handlers get the parsed values, typed by their schemas.
   */
  type Part = 'params' | 'query' | 'body';
  const NONE = z.strictObject({});
  const parsePart = <T extends z.ZodType>(
    schema: T,
    v: unknown,
    where: Part,
    problems: Problem[],
  ): z.output<T> | undefined => {
    const r = schema.safeParse(v);
    if (r.success) return r.data;
    // a field refused before parsing (plainNumbers) is left out of `v`: not a second Problem as a missing one
    const refused = new Set(problems.map((p) => p.path));
    problems.push(...requestProblems(where, r.error, v, schema).filter((p) => !refused.has(p.path)));
    return undefined;
  };
  /**
   * what a number field of a query or path takes, from its schema: `a decimal integer, >= 1 and <= 1000`
   * (the bounds it declares; an integer's default bounds, the safe-integer range, are not named)
   */
  const numberRange = (s: z.ZodType): string => {
    const n = unwrapSchema(s) as z.ZodNumber;
    const int = n.isInt;
    const bound = (op: string, v: number | null) =>
      v === null || !Number.isFinite(v) || (int && Math.abs(v) === Number.MAX_SAFE_INTEGER) ? [] : [`${op} ${v}`];
    const range = [...bound('>=', n.minValue), ...bound('<=', n.maxValue)];
    return (int ? 'a decimal integer' : 'a decimal number') + (range.length ? `, ${range.join(' and ')}` : '');
  };
  /**
   * path parameters or a query without the values of its number fields that are not plain decimal numbers,
   * each refused with a Problem naming the field, the value and the range it takes: zod's coercion (`Number`)
   * reads a blank as 0 (a window, page or version nobody asked for) and also takes `0x10`, `0b1`, ` 5 ` and
   * `Infinity`, none of which a user means as a decimal number
   */
  const plainNumbers = (
    schema: z.ZodObject,
    v: Record<string, string>,
    where: Part,
    problems: Problem[],
  ): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) {
      const s = schema.shape[k];
      if (s === undefined || unwrapSchema(s).def.type !== 'number') out[k] = x;
      else if (x.trim() === '')
        problems.push({
          path: `${where}.${k}`,
          problem: 'no value given',
          got: JSON.stringify(x),
          allowed: 'a number',
        });
      else if (Number.isNaN(parseDecimal(x)))
        problems.push({
          path: `${where}.${k}`,
          problem: 'not a plain decimal number',
          got: JSON.stringify(x),
          allowed: numberRange(s),
        });
      else out[k] = x;
    }
    return out;
  };
  /** the query as an object; a key given twice is refused (which one counts would be a guess) */
  const queryOf = (c: Context, problems: Problem[]): Record<string, string> => {
    const entries: [string, string][] = [];
    for (const [k, vs] of Object.entries(c.req.queries())) {
      if (k === 'token') continue; // the security layer's (a page link's ?token=), not the route's
      if (vs.length === 1) entries.push([k, vs[0]!]);
      else
        problems.push({
          path: `query.${k}`,
          problem: 'given more than once',
          got: vs.map((v) => JSON.stringify(v)).join(', '),
          allowed: 'each query parameter once',
        });
    }
    return Object.fromEntries(entries);
  };
  const body = async (c: Context): Promise<unknown> => {
    try {
      return await c.req.json();
    } catch {
      throw httpProblem(400, 'body', 'not valid JSON', 'unparsable text', 'a JSON object');
    }
  };
  /**
   * a comma-separated query value (`what=cells,spc`, `ids=a,b`), each item parsed by `item`: the items, or a
   * 400 whose Problems name the parameter, each bad item and what is allowed
   */
  const listOf = <T extends z.ZodType>(key: string, value: string, item: T): z.output<T>[] => {
    const out: z.output<T>[] = [];
    const problems: Problem[] = [];
    for (const v of value.split(',').map((w) => w.trim())) {
      if (v === '') continue;
      const r = item.safeParse(v);
      if (r.success) out.push(r.data);
      else problems.push(...requestProblems('query', r.error, v, item).map((p) => ({ ...p, path: `query.${key}` })));
    }
    if (problems.length) throw new HttpProblem(400, problems);
    return out;
  };
  type Handler<In> = (c: Context, req: In) => Response | Promise<Response>;
  type Declared = Omit<RouteDef, 'method' | 'params' | 'query' | 'body'>;
  /** a GET route: its path parameters and query parsed by `params` and `query` (NONE: it takes none) */
  const get = <P extends z.ZodObject, Q extends z.ZodObject>(
    r: Declared & { params: P; query: Q },
    h: Handler<{ params: z.output<P>; query: z.output<Q> }>,
  ): void => {
    routes.push({ ...r, method: 'get' });
    app.get(r.path, (c) => {
      const problems: Problem[] = [];
      const params = parsePart(r.params, plainNumbers(r.params, c.req.param(), 'params', problems), 'params', problems);
      const query = parsePart(
        r.query,
        plainNumbers(r.query, queryOf(c, problems), 'query', problems),
        'query',
        problems,
      );
      if (params === undefined || query === undefined || problems.length) throw new HttpProblem(400, problems);
      return h(c, { params, query });
    });
  };
  /** a POST route: no path parameters, no query, a JSON body parsed by `body` */
  const post = <B extends z.ZodType>(r: Declared & { body: B }, h: Handler<z.output<B>>): void => {
    routes.push({ ...r, method: 'post' });
    app.post(r.path, async (c) => {
      const problems: Problem[] = [];
      parsePart(NONE, queryOf(c, problems), 'query', problems);
      const b = await body(c);
      const parsed = parsePart(r.body, b, 'body', problems);
      if (parsed === undefined || problems.length) throw new HttpProblem(400, problems);
      return h(c, parsed);
    });
  };
  /**
   * a store lookup by id or prefix: unknown is a 404, an ambiguous prefix a 409, each a Problem naming the
   * parameter (`params.id`, `query.ids`) and the value given — never the store's own message (it names the
   * database's file or URL)
   */
  const lookup = async <T>(
    what: 'run' | 'study' | 'campaign',
    id: string,
    where: string,
    find: () => Promise<T>,
  ): Promise<T> => {
    try {
      return await find();
    } catch (e) {
      if (e instanceof StoreError && e.code === 'not_found')
        throw httpProblem(
          404,
          where,
          `no stored ${what} has this id or prefix`,
          JSON.stringify(id),
          `a ${what} id or a unique prefix of one`,
        );
      if (e instanceof StoreError && e.code === 'ambiguous') throw ambiguous(what, id, where, e.matches);
      throw e;
    }
  };
  const ambiguous = (what: 'run' | 'study' | 'campaign', id: string, where: string, m?: PrefixMatches) =>
    httpProblem(
      409,
      where,
      `the prefix names more than one ${what}`,
      JSON.stringify(id),
      m ? `a longer prefix: one of ${matchesText(m)}` : 'a longer prefix',
    );
  /**
   * The job in this server's memory (a run queued, running or finished a moment ago; a sweep or campaign
   * running) that an id or a unique prefix of one names, found by the store's rule (store/id-prefix.ts:
   * `forms` from idForms, the spellings the store matches; an id that is also the prefix of a longer one is
   * that id): undefined when no job matches — the caller asks the store. A prefix that names more than one —
   * jobs here or records stored (`stored` resolves the prefix in the store) — is a 409 naming them all.
   */
  const liveJob = async <J>(
    what: 'run' | 'study' | 'campaign',
    id: string,
    where: string,
    forms: readonly string[],
    jobs: readonly { id: string; job: J }[],
    stored: () => Promise<string>,
  ): Promise<J | undefined> => {
    const m = matchIdPrefix(
      forms,
      jobs.map((j) => j.id),
    );
    if (m.found === 'none') return undefined;
    const job = (x: string): J => jobs.find((j) => j.id === x)!.job;
    if (m.found === 'one' && m.exact) return job(m.id);
    // a prefix of jobs here: of one record only if the store holds no other with it
    const ids = new Set(m.found === 'one' ? [m.id] : m.ids);
    try {
      ids.add(await stored());
    } catch (e) {
      if (!(e instanceof StoreError) || (e.code !== 'not_found' && e.code !== 'ambiguous')) throw e;
      for (const x of e.matches?.ids ?? []) ids.add(x);
    }
    if (ids.size === 1 && m.found === 'one') return job(m.id);
    throw ambiguous(what, id, where, prefixMatches([...ids].sort().map((x) => ({ id: x }))));
  };
  /** the run job that an id or a unique prefix names (run ids are upper case; the store matches either case) */
  const runJobOf = (id: string, where = 'params.id') =>
    liveJob(
      'run',
      id,
      where,
      idForms(RUN_IDS, id),
      o.jobs.list().map((j) => ({ id: j.runId, job: j })),
      () => o.store.resolveRunId(id),
    );
  const storedRun = (id: string, where = 'params.id') => lookup('run', id, where, () => o.store.getRun(id));
  const getRun = async (id: string, where = 'params.id'): Promise<StoredRun> => {
    const hit = runCache.get(id);
    if (hit) return hit;
    const job = await runJobOf(id, where);
    if (job && (job.state === 'queued' || job.state === 'running'))
      throw httpProblem(
        409,
        where,
        'the run is still in progress',
        JSON.stringify(id),
        `a finished run (follow /api/runs/${job.runId}/events)`,
      );
    const r = await storedRun(job?.runId ?? id, where);
    runCache.set(r.id, r);
    if (r.id !== id) runCache.set(id, r);
    return r;
  };
  /** a run's stored cells in production order, a page at a time: memory bounded by a page, never the run */
  const pagesOf = (runId: string) => cellPages(o.store, runId, PAGE);
  /** the rolls of a run's cells (one scan, then cached: one entry per roll) */
  const rollsOfRun = async (runId: string): Promise<RollSummary[]> => {
    let r = rollsCache.get(runId);
    if (!r) {
      const t = new RollsTally();
      for await (const page of pagesOf(runId)) for (const c of page) t.push(c);
      r = t.result();
      rollsCache.set(runId, r);
    }
    return r;
  };
  /**
   * the serials of a run's pack cells in pack order: the cells carrying the battery's serial (the pack takes
   * the shift's first in-spec cells, so the scan stops once it has the pack's count), cached
   */
  const packSerialsOf = async (run: StoredRun): Promise<string[]> => {
    const bat = run.output.battery;
    const bserial = bat?.battery_serial;
    if (!bserial) return [];
    let serials = packCache.get(run.id);
    if (!serials) {
      const want = bat?.pack?.cells ?? Infinity;
      serials = [];
      scan: for await (const page of pagesOf(run.id))
        for (const c of page) {
          if (batterySerialOf(c) === bserial) serials.push(String(c.serial));
          if (serials.length >= want) break scan;
        }
      packCache.set(run.id, serials);
    }
    return serials;
  };
  /** a download streamed to the client as `write` produces it (it waits while the client is behind) */
  const download = (c: Context, type: string, file: string, write: (out: Writable) => Promise<void>): Response => {
    const out = new PassThrough();
    write(out).then(
      () => {
        if (!out.writableEnded) out.end();
      },
      (e: unknown) => {
        o.log?.(`export ${file} failed: ${(e as Error)?.stack ?? String(e)}`);
        out.destroy(e instanceof Error ? e : new Error(String(e)));
      },
    );
    return c.body(Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>, 200, {
      'content-type': type,
      'content-disposition': `attachment; filename="${file}"`,
    });
  };
  const getSeries = async (id: string, name: string): Promise<Record<string, Float64Array>> => {
    const run = await getRun(id);
    const key = `${run.id}\u0000${name}`;
    let s = seriesCache.get(key);
    if (!s) {
      const [ts] = await o.store.getTimeSeries(run.id, name);
      if (!ts)
        throw httpProblem(
          404,
          'params.name',
          'no such series in this run',
          JSON.stringify(name),
          'see /api/runs/{id}/series',
        );
      s = Object.fromEntries(Object.entries(ts.columns).map(([k, v]) => [k, Float64Array.from(v)]));
      seriesCache.set(key, s);
    }
    return s;
  };
  const recipeResult = (text: string, stages?: Pick<z.infer<typeof S.runRequestSchema>, 'production' | 'battery'>) => {
    // the CLI's validation (experiment steps, limits), so the API runs nothing `validate` refuses; a run's
    // stages and shift length are checked as the run will use them (its duration_s, not the recipe's)
    const r = parseJobRecipe(text, stages ? { stages: { ...stages, cellLimit: JOB_LIMITS.liveProductionCells } } : {});
    if (!r.ok)
      throw new HttpProblem(
        422,
        r.problems.map((p) =>
          /^production\.(duration_s|web_length_m)$/.test(p.path) ? { ...p, path: `body.${p.path}` } : p,
        ),
      );
    return r.recipe;
  };
  /** a run, sweep or campaign id (or a unique prefix of one): the store's run-id form */
  const ID = z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, '1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit')
    .describe('an id, or a unique prefix of one');
  /** a name, serial, roll or series name in a path */
  const NAME = z.string().min(1).max(200);
  const idParam = z.strictObject({ id: ID });
  const limitQuery = z.strictObject({ limit: z.coerce.number().int().gte(1).lte(1000).default(50) });

  /* ---------------------------------------------------------------- meta */
  get(
    {
      path: '/api/health',
      summary: 'liveness and versions',
      tags: ['meta'],
      params: NONE,
      query: NONE,
      responses: { 200: { description: 'ok', schema: z.object({ ok: z.boolean(), version: z.string() }) } },
    },
    (c) => c.json({ ok: true, version: ROLLCELL_VERSION }),
  );
  get(
    {
      path: '/api/openapi.json',
      summary: 'this document (OpenAPI 3.1, generated from the zod schemas)',
      tags: ['meta'],
      params: NONE,
      query: NONE,
      responses: { 200: { description: 'OpenAPI document' } },
    },
    (c) => c.json(openApiDocument(routes, { tokenRequired: o.token !== null })),
  );
  get(
    {
      path: '/api/schema/recipe',
      summary: 'the recipe JSON Schema (the Recipe view’s form is generated from it)',
      tags: ['recipes'],
      params: NONE,
      query: NONE,
      responses: { 200: { description: 'JSON Schema' } },
    },
    (c) => c.json(recipeJsonSchema()),
  );

  /* ---------------------------------------------------------------- recipes */
  post(
    {
      path: '/api/recipes/validate',
      summary: 'validate a recipe; windows and claim verdicts from a line-only evaluation',
      tags: ['recipes'],
      body: S.validateRequestSchema,
      mutates: false,
      responses: { 200: { description: 'validation result (ok or the problems)', schema: S.validateResponseSchema } },
    },
    (c, { text }) => c.json(recipeValidation(text)),
  );
  post(
    {
      path: '/api/recipes',
      summary: 'store a recipe: a new version when the text changed',
      tags: ['recipes'],
      body: S.recipeSaveRequestSchema,
      mutates: true,
      responses: {
        201: { description: 'stored version', schema: S.recipeVersionSchema.extend({ created: z.boolean() }) },
      },
    },
    async (c, req) => {
      const recipe = recipeResult(req.text);
      const v = await o.store.saveRecipeVersion({
        name: req.name ?? recipe.name,
        text: req.text,
        parsed: recipe,
        ...(req.note ? { note: req.note } : {}),
      });
      return c.json(v, v.created ? 201 : 200);
    },
  );
  get(
    {
      path: '/api/recipes',
      summary: 'stored recipes (newest change first)',
      tags: ['recipes'],
      params: NONE,
      query: NONE,
      responses: { 200: { description: 'recipes', schema: z.array(S.recipeEntrySchema) } },
    },
    async (c) => c.json(await o.store.listRecipes()),
  );
  get(
    {
      path: '/api/recipes/:name',
      summary: 'the versions of a stored recipe, newest first',
      tags: ['recipes'],
      params: z.strictObject({ name: NAME }),
      query: NONE,
      responses: { 200: { description: 'versions', schema: z.array(S.recipeVersionSchema) } },
    },
    async (c, { params: { name } }) => {
      const v = await o.store.listRecipeVersions(name);
      if (v.length === 0)
        throw httpProblem(
          404,
          'params.name',
          'no stored recipe of this name',
          JSON.stringify(name),
          'see GET /api/recipes',
        );
      return c.json(v);
    },
  );
  get(
    {
      path: '/api/recipes/:name/versions/:version',
      summary: 'one version with its text',
      tags: ['recipes'],
      params: z.strictObject({ name: NAME, version: z.coerce.number().int().gte(1) }),
      query: NONE,
      responses: { 200: { description: 'the version', schema: S.recipeVersionSchema.extend({ text: z.string() }) } },
    },
    async (c, { params: p }) => {
      const v = await o.store.getRecipeVersion(p.name, p.version);
      if (!v)
        throw httpProblem(
          404,
          'params.version',
          'no such recipe version',
          `${p.name} v${p.version}`,
          'see GET /api/recipes/{name}',
        );
      return c.json(v);
    },
  );
  get(
    {
      path: '/api/examples',
      summary: 'example recipes shipped with rollcell',
      tags: ['recipes'],
      params: NONE,
      query: NONE,
      responses: {
        200: { description: 'examples', schema: z.array(z.object({ file: z.string(), text: z.string() })) },
      },
    },
    (c) => {
      const dir = o.examplesDir;
      if (!dir || !existsSync(dir)) return c.json([]);
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort();
      return c.json(files.map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') })));
    },
  );

  /* ---------------------------------------------------------------- runs */
  post(
    {
      path: '/api/runs',
      summary: 'start a run (off the request thread); follow it at /api/runs/{id}/events',
      tags: ['runs'],
      body: S.runRequestSchema,
      mutates: true,
      responses: { 202: { description: 'queued', schema: S.runStartedSchema } },
    },
    async (c, req) => {
      let text = req.text;
      if (text === undefined && req.recipe) {
        const v = await o.store.getRecipeVersion(req.recipe.name, req.recipe.version);
        if (!v)
          throw httpProblem(
            404,
            'body.recipe',
            'no such stored recipe',
            JSON.stringify(req.recipe),
            'a name from GET /api/recipes',
          );
        text = v.text;
      }
      if (text === undefined)
        throw httpProblem(
          400,
          'body',
          'a run needs a recipe',
          'neither text nor recipe',
          'text (YAML) or recipe {name, version?}',
        );
      recipeResult(text, req); // invalid recipes and runs are refused up front (422), never queued
      const runId = newRunId();
      const job = o.jobs.submit({ runId, text, seed: req.seed, production: req.production, battery: req.battery });
      return c.json(
        { run_id: runId, status: job.state === 'running' ? 'running' : 'queued', events: `/api/runs/${runId}/events` },
        202,
      );
    },
  );
  get(
    {
      path: '/api/runs',
      summary: 'stored runs (newest first) and the runs in progress',
      tags: ['runs'],
      params: NONE,
      query: limitQuery,
      responses: {
        200: {
          description: 'runs',
          schema: z.strictObject({ runs: z.array(S.runListEntrySchema), active: z.array(S.jobStateSchema) }),
        },
      },
    },
    async (c, { query: q }) => {
      const runs = await o.store.listRuns({ limit: q.limit });
      const names = new Map<string, string>();
      // the recipe name of each run, for the list (one small query per distinct recipe would be overkill: read from the run cache or leave blank)
      for (const r of runs) {
        const cached = runCache.get(r.id);
        if (cached) names.set(r.id, recipeNameSchema.safeParse(cached.recipe.parsed).data?.name ?? '');
      }
      const active = o.jobs
        .list()
        .filter((j) => j.state === 'queued' || j.state === 'running')
        .map((j) => ({ run_id: j.runId, state: j.state, stage: j.stage, cells: j.cellsSeen, error: j.error }));
      return c.json({ runs: runs.map((r) => ({ ...r, recipe_name: names.get(r.id) ?? null })), active });
    },
  );
  get(
    {
      path: '/api/runs/:id/state',
      summary: 'state of a run: queued, running (stage), completed or failed',
      tags: ['runs'],
      params: idParam,
      query: NONE,
      responses: { 200: { description: 'state', schema: S.jobStateSchema } },
    },
    async (c, { params: { id } }) => {
      const job = await runJobOf(id);
      if (job)
        return c.json({
          run_id: job.runId,
          state: job.state,
          stage: job.stage,
          cells: job.cellsSeen,
          error: job.problems.map(formatProblem).join('\n') || null,
        });
      const r = await storedRun(id);
      return c.json({
        run_id: r.id,
        state: r.status,
        stage: null,
        cells: r.n_cells,
        error: r.output.error ?? null,
      });
    },
  );
  get(
    {
      path: '/api/runs/:id/events',
      summary:
        'server-sent events of a run: state, shift-start, cells (columnar batches), shift (live Shift snapshot), done | failed',
      tags: ['runs'],
      params: idParam,
      query: NONE,
      responses: { 200: { description: 'text/event-stream', contentType: 'text/event-stream' } },
    },
    async (c, { params: { id } }) => {
      const job = await runJobOf(id);
      if (!job) {
        const r = await storedRun(id); // 404 when unknown
        return streamSSE(c, async (s) => {
          await s.writeSSE({
            event: r.status === 'failed' ? 'failed' : 'done',
            data: JSON.stringify(
              r.status === 'failed'
                ? {
                    problems: [
                      {
                        path: '',
                        problem: r.output.error ?? 'failed',
                        got: '',
                        allowed: '',
                      },
                    ],
                  }
                : { run_id: r.id },
            ),
          });
        });
      }
      return streamSSE(c, (s) => followEvents<JobEvent>(s, (f) => o.jobs.subscribe(job.runId, f)));
    },
  );
  get(
    {
      path: '/api/runs/:id',
      summary: 'a stored run: summary, recipe, output (CONTRACT.md), stations',
      tags: ['runs'],
      params: idParam,
      query: NONE,
      responses: { 200: { description: 'the run', schema: S.storedRunSchema } },
    },
    async (c, { params }) => c.json(await getRun(params.id)),
  );
  get(
    {
      path: '/api/runs/:id/series',
      summary: 'the time series of a run (names, columns, points)',
      tags: ['runs'],
      params: idParam,
      query: NONE,
      responses: {
        200: {
          description: 'series',
          schema: z.array(z.object({ name: z.string(), columns: z.array(z.string()), points: z.number().int() })),
        },
      },
    },
    async (c, { params }) => {
      const run = await getRun(params.id);
      const all = await o.store.getTimeSeries(run.id);
      return c.json(
        all.map((s) => ({
          name: s.name,
          columns: Object.keys(s.columns),
          points: Object.values(s.columns)[0]?.length ?? 0,
        })),
      );
    },
  );
  get(
    {
      path: '/api/runs/:id/series/:name',
      summary: 'one series in a window, min/max-per-pixel downsampled (M4) for drawing',
      tags: ['runs'],
      params: z.strictObject({ id: ID, name: NAME }),
      query: S.seriesQuerySchema,
      responses: { 200: { description: 'columns', schema: S.seriesResponseSchema } },
    },
    async (c, { params, query: q }) => {
      const name = params.name;
      const s = await getSeries(params.id, name);
      const x = s[q.x];
      if (!x) throw httpProblem(400, 'query.x', 'no such column', JSON.stringify(q.x), Object.keys(s).join(', '));
      // the window and the per-pixel buckets are found by bisection along x (m4): x must not decrease
      for (let i = 1; i < x.length; i++)
        if (!(x[i]! >= x[i - 1]!))
          throw httpProblem(
            400,
            'query.x',
            `the column decreases (point ${i}: ${x[i]} after ${x[i - 1]}), so it cannot be the x axis`,
            JSON.stringify(q.x),
            'a column that never decreases (t_s)',
          );
      if (q.x0 !== undefined && q.x1 !== undefined && q.x1 < q.x0)
        throw httpProblem(400, 'query.x1', 'the window ends before it starts', String(q.x1), `>= x0 (${q.x0})`);
      const ys = q.y.split(',').filter(Boolean);
      for (const y of ys)
        if (!s[y]) throw httpProblem(400, 'query.y', 'no such column', JSON.stringify(y), Object.keys(s).join(', '));
      const x0 = q.x0 ?? x[0] ?? 0;
      const x1 = q.x1 ?? x[x.length - 1] ?? 0;
      const d = m4(x, s[ys[0] ?? q.x]!, x0, x1, q.px);
      const columns: Record<string, number[]> = { [q.x]: d.index.map((i) => x[i]!) };
      for (const y of ys) columns[y] = d.index.map((i) => s[y]![i]!);
      return c.json({
        name,
        x: q.x,
        columns,
        points_total: x.length,
        points_in_window: d.points_in_window,
        points_returned: d.index.length,
      });
    },
  );
  get(
    {
      path: '/api/runs/:id/vq',
      summary: 'voltage vs capacity per half-cycle and dQ/dV of the cycling series',
      tags: ['runs'],
      params: idParam,
      query: NONE,
      responses: { 200: { description: 'half-cycles and dQ/dV' } },
    },
    async (c, { params }) => {
      const run = await getRun(params.id);
      const all = await o.store.getTimeSeries(run.id);
      const ts = all.find((s) => s.columns['voltage_V'] && s.columns['current_A']);
      if (!ts) return c.json({ name: null, halves: [], dqdv: [] });
      const halves = halfCycles(ts.columns['t_s']!, ts.columns['voltage_V']!, ts.columns['current_A']!);
      const thin = (h: (typeof halves)[number]) => {
        const d = m4(h.q_Ah, h.voltage_V, -Infinity, Infinity, 400);
        return { kind: h.kind, q_Ah: d.index.map((i) => h.q_Ah[i]!), voltage_V: d.index.map((i) => h.voltage_V[i]!) };
      };
      return c.json({ name: ts.name, halves: halves.map(thin), dqdv: halves.map((h) => dqdv(h)) });
    },
  );
  get(
    {
      path: '/api/runs/:id/cycles',
      summary: 'the ageing cycles: capacity, CE, resistance per cycle',
      tags: ['runs'],
      params: idParam,
      query: NONE,
      responses: { 200: { description: 'cycles' } },
    },
    async (c, { params }) => {
      const run = await getRun(params.id);
      return c.json(await o.store.listCycles(run.id));
    },
  );
  /** a stored run's recipe name (the recipe as saved, of any version) */
  const recipeNameSchema = z.object({ name: z.string() });
  /** the parts of a stored run's recipe the Shift view reads (the recipe as saved, of any version; the rest ignored) */
  const limits = z.object({ min: z.number().optional(), max: z.number().optional() });
  const shiftRecipeSchema = z.object({
    spec: z
      .object({
        cell_thickness_um: limits.optional(),
        anode_thickness_um: limits.optional(),
        capacity_mAh_min: z.number().optional(),
      })
      .optional(),
    production: z
      .object({ spc: z.object({ ewma_lambda: z.number().optional(), ewma_L: z.number().optional() }).optional() })
      .optional(),
  });
  const shiftQuery = z
    .object({
      quantity: z
        .enum(Object.keys(SPC_QUANTITIES) as [SpcQuantity, ...SpcQuantity[]])
        .default('gauge_240_thickness_um'),
    })
    .strict();
  get(
    {
      path: '/api/runs/:id/shift',
      summary: 'the Shift view: output vs pace, OEE, Paretos, SPC per lane (live while the run goes)',
      tags: ['runs'],
      params: idParam,
      query: shiftQuery,
      responses: { 200: { description: 'shift payload' } },
    },
    async (c, { params: { id }, query: q }) => {
      const job = await runJobOf(id);
      if (job && job.state !== 'completed' && job.state !== 'failed') {
        const live = o.jobs.liveShift(job.runId, q.quantity);
        if (!live)
          throw httpProblem(
            409,
            'params.id',
            'the run has not started its production shift yet',
            JSON.stringify(id),
            'retry after the shift-start event',
          );
        return c.json(live);
      }
      const run = await getRun(job?.runId ?? id);
      const key = `${run.id}\u0000${q.quantity}`;
      let p = shiftCache.get(key);
      if (!p) {
        const prod = run.output.production;
        if (!prod)
          throw httpProblem(
            404,
            'params.id',
            'this run has no production shift',
            JSON.stringify(id),
            'a run started with production',
          );
        // the recipe as parsed when the run was saved (any version's): the parts the Shift reads, or none
        const parsedRecipe = shiftRecipeSchema.safeParse(run.recipe.parsed);
        const recipe = parsedRecipe.success ? parsedRecipe.data : {};
        const ctx: ShiftContext = {
          planned_s: prod.duration_s ?? 0,
          lanes: prod.lanes ?? 1,
          speed_m_per_min: prod.speed_m_per_min ?? 1,
          cell_length_mm: prod.cell_format_mm?.length ?? 100,
          stops: (prod.stops ?? []).map((s) => ({ cause: s.cause, t0_s: s.t0_s, t1_s: s.t1_s })),
          spec: recipe.spec ?? {},
          subgroup_size: prod.spc?.subgroup_size ?? 5,
          ewma_lambda: recipe.production?.spc?.ewma_lambda ?? 0.2,
          ewma_L: recipe.production?.spc?.ewma_L ?? 3,
          ...(prod.scrap_by_cause ? { scrap_by_cause: prod.scrap_by_cause } : {}),
          ...(prod.oee ? { oee: prod.oee } : {}),
          t_now_s: prod.duration_s ?? 0,
          done: true,
        };
        // the stored cells in pages, in production order, through the live view's ShiftStream: memory
        // bounded by the subgroups, and the payload the live view ended with
        const stream = new ShiftStream(ctx, [q.quantity]);
        for await (const page of pagesOf(run.id)) for (const c of page) stream.push(shiftCellOf(c));
        p = stream.payload(ctx, q.quantity);
        shiftCache.set(key, p);
      }
      return c.json(p);
    },
  );
  const pageQuery = z
    .object({
      offset: z.coerce.number().int().gte(0).default(0),
      limit: z.coerce.number().int().gte(1).lte(5000).default(200),
      q: z.string().max(100).optional(),
    })
    .strict();
  const rollCellsQuery = z
    .object({
      offset: z.coerce.number().int().gte(0).default(0),
      limit: z.coerce.number().int().gte(1).lte(5000).default(1000),
    })
    .strict();
  get(
    {
      path: '/api/runs/:id/cells',
      summary: 'the cells of a run (page), optionally filtered by serial substring',
      tags: ['genealogy'],
      params: idParam,
      query: pageQuery,
      responses: { 200: { description: 'cells' } },
    },
    async (c, { params, query: q }) => {
      const run = await getRun(params.id);
      // one page from the store (a serial filter is applied there), and the total the filter matches
      const filter = q.q ? { serialContains: q.q } : {};
      const cells = await o.store.listCells(run.id, { offset: q.offset, limit: q.limit, ...filter });
      const total = q.q ? await o.store.countCells(run.id, filter) : run.n_cells;
      const page = cells.map((x) => ({
        serial: x.serial,
        lane: x.lane,
        in_spec: x.in_spec,
        verdict: x.verdict,
        time_s: genealogyOf(x).time_s,
        battery_serial: batterySerialOf(x),
      }));
      return c.json({ total, offset: q.offset, limit: q.limit, cells: page });
    },
  );
  get(
    {
      path: '/api/runs/:id/cells/:serial',
      summary: 'one cell: parent rolls (MD/CD position), station readings, verdict, battery',
      tags: ['genealogy'],
      params: z.strictObject({ id: ID, serial: NAME }),
      query: NONE,
      responses: { 200: { description: 'cell record' } },
    },
    async (c, { params }) => {
      const run = await getRun(params.id);
      const serial = params.serial;
      const cell = await o.store.getCell(run.id, serial);
      if (!cell)
        throw httpProblem(
          404,
          'params.serial',
          'no cell with this serial in the run',
          JSON.stringify(serial),
          'a serial from /api/runs/{id}/cells',
        );
      const bat = run.output.battery;
      const bs = batterySerialOf(cell);
      let position: number | null = null;
      if (bs) position = (await packSerialsOf(run)).indexOf(serial);
      const pack = bat?.pack;
      return c.json({
        cell,
        battery: bs
          ? {
              battery_serial: bs,
              position,
              group: pack && position !== null ? Math.floor(position / pack.parallel) : null,
              limiting: bat?.limiting_cell?.serial === serial,
            }
          : null,
      });
    },
  );
  get(
    {
      path: '/api/runs/:id/rolls',
      summary: 'the parent rolls of a run’s cells',
      tags: ['genealogy'],
      params: idParam,
      query: NONE,
      responses: { 200: { description: 'rolls' } },
    },
    async (c, { params }) => c.json(await rollsOfRun((await getRun(params.id)).id)),
  );
  get(
    {
      path: '/api/runs/:id/rolls/:roll',
      summary: 'a roll → its cells with their MD/CD positions (page: offset + limit, with the total)',
      tags: ['genealogy'],
      params: z.strictObject({ id: ID, roll: NAME }),
      query: rollCellsQuery,
      responses: { 200: { description: 'cells of the roll' } },
    },
    async (c, { params, query: q }) => {
      const roll = params.roll;
      const run = await getRun(params.id);
      // one pass over the run's cells in pages: the roll's summary, its cell count and the page asked for
      const tally = new RollsTally();
      const out: RollCell[] = [];
      let total = 0;
      for await (const page of pagesOf(run.id))
        for (const x of page) {
          const rc = rollCellOf(x, roll);
          if (!rc) continue;
          tally.push(x);
          if (total++ >= q.offset && out.length < q.limit) out.push(rc);
        }
      const r = tally.result().find((x) => x.roll_id === roll);
      if (!r)
        throw httpProblem(
          404,
          'params.roll',
          'no cell of this run comes from this roll',
          JSON.stringify(roll),
          'a roll id from /api/runs/{id}/rolls',
        );
      return c.json({ roll: r, total, offset: q.offset, limit: q.limit, cells: out });
    },
  );
  get(
    {
      path: '/api/runs/:id/battery',
      summary: 'the pack over its duty profile: per-cell voltage, SOC and temperature frames (series × parallel)',
      tags: ['runs'],
      params: idParam,
      query: NONE,
      responses: { 200: { description: 'battery frames' } },
    },
    async (c, { params }) => {
      const run = await getRun(params.id);
      const bat = run.output.battery;
      const pack = bat?.pack;
      if (!bat || !pack)
        throw httpProblem(
          404,
          'params.id',
          'this run has no battery pack',
          JSON.stringify(params.id),
          'a run with a battery block',
        );
      const [ts] = await o.store.getTimeSeries(run.id, BATTERY_CELLS_SERIES);
      const n = pack.cells;
      const frames = ts
        ? {
            time_s: ts.columns['t_s']!,
            voltage_V: ts.columns['t_s']!.map((_, f) => Array.from({ length: n }, (_, k) => ts.columns[`V_${k}`]![f]!)),
            soc_pct: ts.columns['t_s']!.map((_, f) => Array.from({ length: n }, (_, k) => ts.columns[`SOC_${k}`]![f]!)),
            temperature_C: ts.columns['t_s']!.map((_, f) =>
              Array.from({ length: n }, (_, k) => ts.columns[`T_${k}`]![f]!),
            ),
          }
        : null;
      const serials = bat.battery_serial ? await packSerialsOf(run) : [];
      return c.json({
        series: pack.series,
        parallel: pack.parallel,
        serials,
        frames,
        block: { ...bat, series: undefined },
        profile_series: bat.series,
        // the run's validity findings about the pack, shown beside the pack's figures
        validity: (run.output.validity?.findings ?? []).filter((f) => f.source === 'battery'),
      });
    },
  );
  const exportQuery = z
    .object({ format: S.exportFormatSchema.default('json'), what: z.string().max(100).optional() })
    .strict();
  get(
    {
      path: '/api/runs/:id/export',
      summary:
        'download a run, streamed: json (everything), csv (cells), xlsx (workbook), bdf (cycling series, Battery ' +
        'Data Format); with what=cells,cycles,series,spc the tables of `rollcell runs export --what` (json, csv: ' +
        'one table, xlsx), spc with every subgroup',
      tags: ['runs'],
      params: idParam,
      query: exportQuery,
      responses: { 200: { description: 'file', contentType: 'application/octet-stream' } },
    },
    async (c, { params, query: q }) => {
      const run = await getRun(params.id);
      const name = `rollcell-${run.id}`;
      const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      if (q.what !== undefined) {
        const what = [...new Set(listOf('what', q.what, z.enum(EXPORT_WHATS)))];
        if (what.length === 0)
          throw httpProblem(400, 'query.what', 'no table named', '""', `one or more of ${EXPORT_WHATS.join(', ')}`);
        if (q.format === 'bdf')
          throw httpProblem(400, 'query.format', 'tables are written as json, csv or xlsx', 'bdf', 'json, csv, xlsx');
        if (q.format === 'csv' && what.length !== 1)
          throw httpProblem(
            400,
            'query.what',
            'a CSV file holds one table',
            what.join(','),
            `one of ${EXPORT_WHATS.join(', ')} (several at once: format=xlsx)`,
          );
        const fmt = q.format;
        const type = fmt === 'json' ? 'application/json' : fmt === 'csv' ? 'text/csv; charset=utf-8' : XLSX;
        return download(c, type, `${name}-${what.join('-')}.${fmt}`, (out) =>
          writeTables(o.store, run.id, what, sinkFor(fmt, out, what.length), PAGE),
        );
      }
      if (q.format === 'json')
        return download(c, 'application/json', `${name}.json`, (out) =>
          writeRunJson(o.store, run, pagesOf(run.id), out),
        );
      if (q.format === 'csv')
        return download(c, 'text/csv; charset=utf-8', `${name}-cells.csv`, (out) =>
          writeCellsCsv(pagesOf(run.id), out),
        );
      if (q.format === 'xlsx')
        return download(c, XLSX, `${name}.xlsx`, (out) => writeRunXlsx(o.store, run, pagesOf(run.id), xlsxSink(out)));
      const dl = (type: string, file: string, data: string) =>
        c.body(data, 200, { 'content-type': type, 'content-disposition': `attachment; filename="${file}"` });
      const all = await o.store.getTimeSeries(run.id);
      const ts = all.find((s) => s.columns['voltage_V'] && s.columns['current_A']);
      if (!ts)
        throw httpProblem(
          404,
          'query.format',
          'this run has no cycling series to export as BDF',
          '"bdf"',
          'json, csv or xlsx',
        );
      return dl('text/csv; charset=utf-8', `${name}-bdf.csv`, seriesBdf(ts));
    },
  );
  get(
    {
      path: '/api/compare',
      summary: 'runs side by side: changed inputs first, key output deltas, claims',
      tags: ['runs'],
      params: NONE,
      query: S.compareQuerySchema,
      responses: { 200: { description: 'comparison' } },
    },
    async (c, { query: q }) => {
      const ids = listOf('ids', q.ids, ID);
      if (ids.length < 2 || ids.length > 6)
        throw httpProblem(
          400,
          'query.ids',
          'compare needs 2 … 6 runs',
          String(ids.length),
          '2 … 6 comma-separated run ids',
        );
      // a run compared with itself shows no difference and hides the comparison asked for: each run once,
      // whether named twice the same way or by two prefixes of its id
      const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
      if (twice.length)
        throw httpProblem(
          400,
          'query.ids',
          'a run is named more than once',
          [...new Set(twice)].map((id) => JSON.stringify(id)).join(', '),
          '2 … 6 different runs',
        );
      const runs: StoredRun[] = [];
      for (const id of ids) runs.push(await getRun(id, 'query.ids'));
      const same = runs.findIndex((r, i) => runs.findIndex((x) => x.id === r.id) !== i);
      if (same >= 0)
        throw httpProblem(
          400,
          'query.ids',
          `two of the ids name the same run (${runs[same]!.id})`,
          ids
            .filter((_, i) => runs[i]!.id === runs[same]!.id)
            .map((id) => JSON.stringify(id))
            .join(', '),
          '2 … 6 different runs',
        );
      return c.json(comparePayload(runs));
    },
  );

  /* ---------------------------------------------------------------- materials, single-cell experiments */
  get(
    {
      path: '/api/materials',
      summary: 'the material library with sources',
      tags: ['materials'],
      params: NONE,
      query: NONE,
      responses: { 200: { description: 'materials', schema: z.array(S.materialSchema) } },
    },
    (c) => c.json(allMaterials()),
  );
  post(
    {
      path: '/api/cycle',
      summary: 'run an experiment on one cell (a BPX cell with dfn/spme/spm, or a recipe’s cell with p2d/spme/spm)',
      tags: ['cells'],
      body: S.cycleRequestSchema,
      mutates: true,
      responses: { 200: { description: 'result', schema: S.cycleResponseSchema } },
    },
    async (c, req) => {
      const t0 = performance.now();
      let model;
      if (req.bpx) {
        if (req.model === 'p2d')
          throw httpProblem(
            422,
            'body.model',
            'p2d is the solid-state model of a recipe cell',
            'p2d',
            'dfn, spme or spm for a BPX cell',
          );
        // a BPX cell is parsed and its model built once per content (models are reusable across solves)
        const key = `${req.model}\u0000${sha256Hex(JSON.stringify(req.bpx))}`;
        model = modelCache.get(key);
        if (!model) {
          model = createLiquidModel(parseBpxObject(req.bpx), { model: req.model });
          modelCache.set(key, model);
        }
      } else if (req.text !== undefined) {
        if (req.model === 'dfn')
          throw httpProblem(
            422,
            'body.model',
            'dfn is the liquid model of a BPX cell',
            'dfn',
            'p2d, spme or spm for a recipe cell',
          );
        model = buildCellModel(recipeResult(req.text), req.model);
      } else
        throw httpProblem(
          400,
          'body',
          'a cell is needed',
          'neither bpx nor text',
          'bpx (a BPX object) or text (a recipe)',
        );
      const steps = req.experiment ?? ['Discharge at 1C until 2.5 V'];
      // fast path: one constant-current step to a voltage cut-off on a BPX cell is a single DAE solve
      // with a terminal event (the same solver and mesh as the cycler, without its step machine)
      if (req.bpx && req.initial_soc === undefined) {
        // one step, once, with one plain voltage cut-off and nothing else that would end or change it (a CV
        // phase, a time limit, a comparison operator, a temperature): anything more goes through the cycler
        const ex = parseExperiment(steps);
        const b = ex.ok && ex.value.blocks.length === 1 ? ex.value.blocks[0] : undefined;
        const st = b?.kind === 'cycles' && b.repeat === 1 && b.steps.length === 1 ? b.steps[0] : undefined;
        const cut = st?.terminations.length === 1 ? st.terminations[0] : undefined;
        const ctl = st?.control;
        if (
          st &&
          st.cv === undefined &&
          st.duration_s === undefined &&
          st.temperature_K === undefined &&
          ex.ok &&
          ex.value.temperature_K === undefined &&
          cut?.kind === 'voltage' &&
          cut.operator === undefined &&
          (ctl?.mode === 'c_rate' || ctl?.mode === 'current')
        ) {
          const cap = model.nominalCapacity_C / 3600;
          const I = ctl.mode === 'c_rate' ? ctl.c_rate * cap : ctl.current_A;
          const r = simulateConstantCurrent(model, I, cut.voltage_V, {
            y0: model.initialState(I < 0 ? 1 : 0),
          });
          const d = m4(r.t_s, r.V, -Infinity, Infinity, Math.ceil(req.points / 4));
          const q = Math.abs(r.capacity_Ah[r.capacity_Ah.length - 1] ?? 0);
          return c.json({
            model: req.model,
            status: r.status === 'failed' ? 'failed' : 'completed',
            summary: {
              step: st.text,
              stopped_by: r.status === 'event' ? `voltage ${cut.voltage_V} V` : r.status,
              [I < 0 ? 'discharge_capacity_Ah' : 'charge_capacity_Ah']: q,
              duration_s: r.t_s[r.t_s.length - 1] ?? 0,
              initial_soc: I < 0 ? 1 : 0,
              points: r.t_s.length,
            },
            series: {
              time_s: d.index.map((i) => r.t_s[i]!),
              voltage_V: d.index.map((i) => r.V[i]!),
              current_A: d.index.map((i) => r.I_A[i]!),
            },
            elapsed_ms: performance.now() - t0,
          });
        }
      }
      let res;
      try {
        res = runExperiment(
          model,
          steps,
          req.initial_soc !== undefined ? { initialSoc: req.initial_soc } : req.bpx ? { initialSoc: 1 } : {},
        );
      } catch (e) {
        if (e instanceof ExperimentParseError)
          throw httpProblem(
            422,
            'body.experiment',
            e.message,
            JSON.stringify(steps),
            'PyBaMM-style steps (src/cycler/README.md)',
          );
        throw e;
      }
      const s = res.series;
      const d = m4(s.time_s, s.voltage_V, -Infinity, Infinity, Math.ceil(req.points / 4));
      const fc = firstCycleSummary(res);
      return c.json({
        model: res.model,
        status: res.status,
        summary: { ...fc, initial_soc: res.initialSoc, points: s.time_s.length },
        series: {
          time_s: d.index.map((i) => s.time_s[i]!),
          voltage_V: d.index.map((i) => s.voltage_V[i]!),
          current_A: d.index.map((i) => s.current_A[i]!),
        },
        elapsed_ms: performance.now() - t0,
      });
    },
  );

  /* ---------------------------------------------------------------- sweeps and campaigns (issue 18) */
  const long = o.longJobs ?? new LongJobs({ store: o.store, ...(o.log ? { log: o.log } : {}) });
  const sseOf = (c: Context, job: LongJob) =>
    streamSSE(c, (s) => followEvents<LongJobEvent>(s, (f) => long.subscribe(job, f)));
  const finishedSse = (c: Context, event: 'done' | 'failed', data: unknown) =>
    streamSSE(c, async (s) => {
      await s.writeSSE({ event, data: JSON.stringify(data) });
    });
  /**
   * the sweep or campaign this server is running (or ran: an exact id) that an id or a unique prefix names,
   * as the store finds stored ones (`forms`: the spellings the store matches); undefined when none does
   */
  const longJobOf = (
    kind: 'sweep' | 'campaign',
    id: string,
    forms: readonly string[],
    stored: () => Promise<string>,
  ): Promise<LongJob | undefined> => {
    const exact = forms.map((f) => long.get(kind, f)).find((j) => j !== undefined);
    if (exact) return Promise.resolve(exact);
    const running = long.active(kind).map((j) => ({ id: j.id, job: j }));
    return liveJob(kind === 'sweep' ? 'study' : 'campaign', id, 'params.id', forms, running, stored);
  };
  const studies = new StudyStore(o.store);
  const campaigns = new CampaignStore(o.store);
  const getStudy = async (id: string) => {
    const st = await lookup('study', id, 'params.id', () => studies.get(id));
    if (st.kind !== 'sweep')
      throw httpProblem(404, 'params.id', 'not a sweep', JSON.stringify(id), 'a sweep id from GET /api/sweeps');
    return st;
  };
  post(
    {
      path: '/api/sweeps',
      summary:
        'start (or resume) a sweep: with SQLite on the local pool of worker threads, with PostgreSQL through the ' +
        'queue to the rollcell workers; follow it at /api/sweeps/{id}/events',
      tags: ['sweeps'],
      body: S.sweepRequestSchema,
      mutates: true,
      responses: { 202: { description: 'started or followed', schema: S.sweepStartedSchema } },
    },
    async (c, req) => {
      let ps;
      try {
        ps = prepareStudyText('sweep', { text: req.text, name: 'body.text' }, { text: req.study, name: 'body.study' });
      } catch (e) {
        if (e instanceof ProblemError) {
          const where = e.prefix === 'body.study' ? 'body.study' : 'body.text';
          throw new HttpProblem(
            422,
            e.problems.map((p) => ({ ...p, path: p.path ? `${where}.${p.path}` : where })),
          );
        }
        throw e;
      }
      const { job } = long.startSweep(ps);
      return c.json(
        {
          study_id: ps.id,
          status: job.state === 'completed' ? 'completed' : 'running',
          distributed: job.distributed,
          events: `/api/sweeps/${ps.id}/events`,
        },
        202,
      );
    },
  );
  get(
    {
      path: '/api/sweeps',
      summary: 'stored sweeps (newest first) and the sweeps this server is running',
      tags: ['sweeps'],
      params: NONE,
      query: limitQuery,
      responses: { 200: { description: 'sweeps' } },
    },
    async (c, { query: q }) => {
      const rows = (await studies.list(q.limit)).filter((r) => r.kind === 'sweep');
      return c.json({
        sweeps: rows,
        active: long.active('sweep').map((j) => ({ study_id: j.id, progress: j.progress })),
      });
    },
  );
  get(
    {
      path: '/api/sweeps/:id',
      summary:
        'a sweep: its definition, columns, the points stored so far (inputs and outputs, in index order) and, once complete, its summary',
      tags: ['sweeps'],
      params: idParam,
      query: NONE,
      responses: { 200: { description: 'the sweep' } },
    },
    async (c, { params }) => {
      const st = await getStudy(params.id);
      const points = await studies.allPoints(st.id);
      const job = long.get('sweep', st.id);
      return c.json({
        id: st.id,
        name: st.name,
        status: job?.state === 'running' ? 'running' : st.status,
        design: st.design,
        seed: st.seed,
        n_points: st.n_points,
        n_done: points.length,
        inputs: st.inputs,
        outputs: st.outputs,
        study: st.study,
        points: points.map((p) => ({
          idx: p.idx,
          status: p.status,
          values: p.values,
          outputs: p.outputs,
          ...(p.error ? { error: p.error } : {}),
        })),
        summary: st.summary,
      });
    },
  );
  get(
    {
      path: '/api/sweeps/:id/events',
      summary: 'server-sent events of a sweep: progress (points done of total), note, done | failed',
      tags: ['sweeps'],
      params: idParam,
      query: NONE,
      responses: { 200: { description: 'text/event-stream', contentType: 'text/event-stream' } },
    },
    async (c, { params: { id } }) => {
      const job = await longJobOf('sweep', id, idForms(STUDY_IDS, id), async () => (await studies.get(id)).id);
      if (job) return sseOf(c, job);
      const st = await getStudy(id);
      // a sweep this server ran that a prefix names (it has finished: a running one is found above)
      const ran = long.get('sweep', st.id);
      if (ran) return sseOf(c, ran);
      if (st.status === 'completed') return finishedSse(c, 'done', { id: st.id });
      return finishedSse(c, 'failed', {
        problems: [
          {
            path: 'id',
            problem: 'this sweep is not complete and not running on this server',
            got: st.id,
            allowed: 'POST /api/sweeps with the same recipe and study resumes it',
          },
        ],
        internal: false,
      });
    },
  );
  post(
    {
      path: '/api/campaigns',
      summary:
        'start (or resume) a production campaign of N cell positions in whole-roll shards: with SQLite on a worker ' +
        'thread here, with PostgreSQL through the queue to the rollcell workers; follow it at /api/campaigns/{id}/events',
      tags: ['campaigns'],
      body: S.campaignRequestSchema,
      mutates: true,
      responses: { 202: { description: 'started or followed', schema: S.campaignStartedSchema } },
    },
    async (c, req) => {
      const recipe = recipeResult(req.text);
      let plan;
      try {
        plan = planCampaign(recipe, req.cells);
      } catch (e) {
        if (e instanceof ProblemError)
          throw new HttpProblem(
            422,
            e.problems.map((p) => ({ ...p, path: p.path === '--campaign' ? 'body.cells' : `body.text.${p.path}` })),
          );
        throw e;
      }
      const id = campaignIdOf(recipe, req.text, req.seed, req.cells);
      const { job } = long.startCampaign(id, recipe, req.text, req.cells, req.seed);
      return c.json(
        {
          campaign_id: id,
          status: job.state === 'completed' ? 'completed' : 'running',
          distributed: job.distributed,
          shards: plan.shards,
          events: `/api/campaigns/${id}/events`,
        },
        202,
      );
    },
  );
  get(
    {
      path: '/api/campaigns',
      summary: 'stored production campaigns (newest first) and the ones this server is running',
      tags: ['campaigns'],
      params: NONE,
      query: limitQuery,
      responses: { 200: { description: 'campaigns' } },
    },
    async (c, { query: q }) => {
      return c.json({
        campaigns: await campaigns.list(q.limit),
        active: long.active('campaign').map((j) => ({ campaign_id: j.id, progress: j.progress })),
      });
    },
  );
  const getCampaign = (id: string) => lookup('campaign', id, 'params.id', () => campaigns.find(id));
  get(
    {
      path: '/api/campaigns/:id',
      summary:
        'a campaign (an id prefix is enough): plan, status and, once complete, its summary with the campaign-wide control charts and capability (summary.spc)',
      tags: ['campaigns'],
      params: idParam,
      query: NONE,
      responses: { 200: { description: 'the campaign' } },
    },
    async (c, { params }) => {
      const k = await getCampaign(params.id);
      const job = long.get('campaign', k.id);
      return c.json({
        id: k.id,
        status: job?.state === 'running' ? 'running' : k.status,
        cells: k.cells,
        shards: k.shards,
        shards_done: await campaigns.countShards(k.id),
        shard_length_m: k.shard_length_m,
        seed: k.seed,
        rollcell_version: k.rollcell_version,
        summary: k.summary,
      });
    },
  );
  get(
    {
      path: '/api/campaigns/:id/events',
      summary: 'server-sent events of a campaign: progress (shards done of total), note, done | failed',
      tags: ['campaigns'],
      params: idParam,
      query: NONE,
      responses: { 200: { description: 'text/event-stream', contentType: 'text/event-stream' } },
    },
    async (c, { params: { id } }) => {
      const job = await longJobOf('campaign', id, idForms(CAMPAIGN_IDS, id), async () => (await campaigns.find(id)).id);
      if (job) return sseOf(c, job);
      const k = await getCampaign(id);
      // a campaign this server ran that a prefix names (it has finished: a running one is found above)
      const ran = long.get('campaign', k.id);
      if (ran) return sseOf(c, ran);
      if (k.status === 'completed') return finishedSse(c, 'done', { id: k.id });
      return finishedSse(c, 'failed', {
        problems: [
          {
            path: 'id',
            problem: 'this campaign is not complete and not running on this server',
            got: k.id,
            allowed: 'POST /api/campaigns with the same recipe, cells and seed resumes it',
          },
        ],
        internal: false,
      });
    },
  );
  get(
    {
      path: '/api/campaigns/:id/cells/:serial',
      summary: "one campaign cell's genealogy: parent rolls per sheet with MD positions, lane, verdict",
      tags: ['campaigns', 'genealogy'],
      params: z.strictObject({ id: ID, serial: NAME }),
      query: NONE,
      responses: { 200: { description: 'the cell', schema: S.campaignCellSchema } },
    },
    async (c, { params }) => {
      const k = await getCampaign(params.id);
      const serial = params.serial;
      const cell = await campaigns.cell(k.id, serial);
      if (!cell)
        throw httpProblem(
          404,
          'params.serial',
          `campaign ${k.id} has no such cell`,
          JSON.stringify(serial),
          'a serial from GET /api/campaigns/{id}/rolls/{roll}',
        );
      return c.json(cell);
    },
  );
  get(
    {
      path: '/api/campaigns/:id/rolls/:roll',
      summary: 'the cells made from a campaign roll (FS-000001, AL-000042, LC-000007), whichever shard made them',
      tags: ['campaigns', 'genealogy'],
      params: z.strictObject({ id: ID, roll: NAME }),
      query: NONE,
      responses: {
        200: {
          description: 'the roll and its cells',
          schema: z.object({ roll_id: z.string(), cells: z.array(S.campaignCellSchema) }),
        },
      },
    },
    async (c, { params }) => {
      const k = await getCampaign(params.id);
      const roll = params.roll;
      const v = validateRecipeData(structuredClone(k.recipe));
      // the recipe stored with the campaign (by an older rollcell, or edited in the database) that this version
      // refuses: its rolls cannot be planned, which is the campaign's state, not a roll that does not exist
      if (!v.ok)
        throw new HttpProblem(409, [
          {
            path: 'params.id',
            problem: `the recipe stored with campaign ${k.id} no longer validates, so its rolls cannot be planned`,
            got: JSON.stringify(params.id),
            allowed: `a campaign whose stored recipe rollcell ${ROLLCELL_VERSION} accepts (start it again with a valid recipe)`,
          },
          ...v.problems.map((p) => ({ ...p, path: p.path ? `campaign.recipe.${p.path}` : 'campaign.recipe' })),
        ]);
      const shard = shardOfRoll(planCampaign(v.recipe, k.cells), roll);
      if (shard === null)
        throw httpProblem(
          404,
          'params.roll',
          `campaign ${k.id} has no such roll`,
          JSON.stringify(roll),
          'FS-000001, AL-000042, LC-000007: a sheet code and a roll number of this campaign',
        );
      return c.json({ roll_id: roll, cells: await campaigns.cellsOfRoll(k.id, roll, shard) });
    },
  );

  /* ---------------------------------------------------------------- the dashboard */
  if (o.webDir) {
    const root = resolve(o.webDir);
    const indexPath = join(root, 'index.html');
    const index = existsSync(indexPath) ? readFileSync(indexPath, 'utf8') : null;
    app.get('*', async (c) => {
      const p = c.req.path;
      if (p.startsWith('/api/')) return c.notFound();
      if (p.startsWith('/assets/') || /\.(png|svg|ico)$/.test(p)) {
        const f = normalize(join(root, p));
        if (!f.startsWith(root + '/') || !existsSync(f) || !statSync(f).isFile()) return c.notFound();
        const type = MIME[extname(f)] ?? 'application/octet-stream';
        return c.body(Readable.toWeb(createReadStream(f)) as ReadableStream, 200, {
          'content-type': type,
          'cache-control': p.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      }
      if (!index)
        return problemResponse(c, 503, [
          {
            path: 'web',
            problem: 'the dashboard is not built',
            got: indexPath,
            allowed: 'npm ci (builds it) or npm run build:web',
          },
        ]);
      // the token (when one is needed) goes to the page so its scripts can send it in the header
      const html = index.replace(
        '<meta name="rollcell-token" content="">',
        `<meta name="rollcell-token" content="${o.token ?? ''}">`,
      );
      return c.html(html, 200, { 'cache-control': 'no-cache' });
    });
  }
  return { app, routes };
}

/**
 * Streams a job's events to an SSE client until its 'done' or 'failed' event or until the client goes,
 * with a ping after 15 s of silence (keep-alive); `subscribe` registers the listener, returns its unsubscribe.
 */
async function followEvents<E extends { event: string; data: unknown }>(
  s: SSEStreamingApi,
  subscribe: (listener: (e: E) => void) => () => void,
): Promise<void> {
  const queue: E[] = [];
  let wake: (() => void) | null = null;
  let ended = false;
  const unsubscribe = subscribe((e) => {
    queue.push(e);
    wake?.();
  });
  s.onAbort(() => {
    ended = true;
    unsubscribe();
    wake?.();
  });
  let seq = 0;
  while (!ended) {
    while (queue.length) {
      const e = queue.shift()!;
      await s.writeSSE({ event: e.event, data: JSON.stringify(e.data), id: String(seq++) });
      if (e.event === 'done' || e.event === 'failed') ended = true;
    }
    if (ended) break;
    await new Promise<void>((res) => {
      wake = res;
      setTimeout(res, 15_000).unref(); // keep-alive
    });
    wake = null;
    if (queue.length === 0 && !ended) await s.writeSSE({ event: 'ping', data: '{}' });
  }
  unsubscribe();
}
