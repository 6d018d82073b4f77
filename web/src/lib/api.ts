// The dashboard's only way to the server: JSON over fetch, the token (when the server needs one) in a
// header, errors as the server's Problem values.
export interface Problem {
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

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problems: Problem[],
  ) {
    super(problems.map(formatProblem).join('\n') || `HTTP ${status}`);
  }
}

const token = document.querySelector('meta[name="rollcell-token"]')?.getAttribute('content') ?? '';
const headers = (extra: Record<string, string> = {}): Record<string, string> =>
  token ? { 'X-Rollcell-Token': token, ...extra } : extra;

async function handle<T>(r: Response): Promise<T> {
  if (r.ok) return (await r.json()) as T;
  let problems: Problem[] = [];
  try {
    problems = ((await r.json()) as { problems?: Problem[] }).problems ?? [];
  } catch {
    /* not a problem body */
  }
  throw new ApiError(r.status, problems);
}

export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return handle<T>(await fetch(path, { headers: headers(), ...(signal ? { signal } : {}) }));
}

export async function post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return handle<T>(
    await fetch(path, {
      method: 'POST',
      headers: headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    }),
  );
}

/** Server-sent events of a run (EventSource cannot send headers: a token-protected server sets a cookie on the page load). */
export function events(runId: string, on: Record<string, (data: unknown) => void>): () => void {
  const es = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
  for (const [name, fn] of Object.entries(on)) es.addEventListener(name, (e) => fn(JSON.parse((e as MessageEvent).data)));
  es.addEventListener('done', () => es.close());
  es.addEventListener('failed', () => es.close());
  return () => es.close();
}

export const fmt = (x: unknown, digits = 4): string => {
  if (x === null || x === undefined) return '—';
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) return '—';
    if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) return x.toExponential(2);
    return Number(x.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 6 });
  }
  return String(x);
};
