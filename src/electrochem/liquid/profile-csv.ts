/**
 * Reader for measured current/voltage traces in the About:Energy validation format:
 *   Time [s],I[A],U[V]
 * one row per sample, current negative on discharge (positive on charge, as everywhere in rollcell).
 * The voltage column is optional (a pure current profile may have only the first two columns).
 * Errors name the line (1-based) and the column.
 */
import { ProblemError, type Problem } from '../../problems.ts';
import { parseDecimal } from '../../io/decimal.ts';

export interface CurrentProfile {
  readonly t_s: Float64Array;
  readonly I_A: Float64Array;
  /** measured terminal voltage, when the file has a U[V] column */
  readonly U_V?: Float64Array;
}

/** a malformed current-profile CSV: the one error value, with the file's line (and column) */
export class ProfileCsvError extends ProblemError {
  constructor(p: Problem) {
    super(p);
    this.name = 'ProfileCsvError';
  }
}

const norm = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Largest magnitudes accepted per column (time s, current A, voltage V): choices far beyond any cell
 * test (absolute Unix times ≈ 1.7e9 s fit), small enough that squares and sums stay finite (a voltage of
 * 1e308 made the RMSE Infinity, printed as null).
 */
export const PROFILE_MAX_ABS = [1e10, 1e5, 1e3] as const;

/** Parse CSV text; `source` names the file in error messages. */
export function parseProfileCsv(text: string, source = 'profile.csv'): CurrentProfile {
  const lines = text.split(/\r?\n/);
  let li = 0;
  while (li < lines.length && lines[li]!.trim() === '') li++;
  if (li >= lines.length)
    throw new ProfileCsvError({
      path: source,
      problem: 'empty file',
      got: 'no lines',
      allowed: 'a header "Time [s],I[A],U[V]", then rows',
    });
  const header = lines[li]!.split(',').map(norm);
  const allowedT = ['time [s]', 'time [s] ', 't [s]'];
  const allowedI = ['i[a]', 'i [a]', 'current [a]'];
  const allowedU = ['u[v]', 'u [v]', 'voltage [v]'];
  if (header.length < 2 || !allowedT.includes(header[0]!) || !allowedI.includes(header[1]!))
    throw new ProfileCsvError({
      path: source,
      problem: 'unknown header',
      got: `"${lines[li]!.trim()}"`,
      allowed: '"Time [s],I[A]" optionally followed by ",U[V]"',
      line: li + 1,
    });
  const hasU = header.length >= 3;
  if (hasU && !allowedU.includes(header[2]!))
    throw new ProfileCsvError({
      path: source,
      problem: 'unknown column 3 header',
      got: `"${header[2]}"`,
      allowed: '"U[V]"',
      line: li + 1,
      column: 3,
    });
  const ncol = hasU ? 3 : 2;
  const names = ['Time [s]', 'I[A]', 'U[V]'];
  const t: number[] = [];
  const I: number[] = [];
  const U: number[] = [];
  for (let k = li + 1; k < lines.length; k++) {
    const raw = lines[k]!;
    if (raw.trim() === '') continue;
    const cells = raw.split(',');
    if (cells.length !== ncol && !(cells.length > ncol && cells.slice(ncol).every((c) => c.trim() === '')))
      throw new ProfileCsvError({
        path: source,
        problem: 'wrong number of columns',
        got: String(cells.length),
        allowed: `${ncol} (as the header)`,
        line: k + 1,
      });
    const vals: number[] = [];
    for (let c = 0; c < ncol; c++) {
      const s = cells[c]!.trim();
      const v = parseDecimal(s);
      if (!Number.isFinite(v))
        throw new ProfileCsvError({
          path: `${source} (${names[c]})`,
          problem: 'not a finite number',
          got: `"${s}"`,
          allowed: 'a finite decimal number',
          line: k + 1,
          column: c + 1,
        });
      if (Math.abs(v) > PROFILE_MAX_ABS[c]!)
        throw new ProfileCsvError({
          path: `${source} (${names[c]})`,
          problem: 'too large to be a measurement',
          got: s,
          allowed: `a magnitude ≤ ${PROFILE_MAX_ABS[c]}`,
          line: k + 1,
          column: c + 1,
        });
      vals.push(v);
    }
    if (t.length > 0 && !(vals[0]! > t[t.length - 1]!))
      throw new ProfileCsvError({
        path: `${source} (Time [s])`,
        problem: 'must increase strictly',
        got: `${vals[0]} after ${t[t.length - 1]}`,
        allowed: `> ${t[t.length - 1]}`,
        line: k + 1,
        column: 1,
      });
    t.push(vals[0]!);
    I.push(vals[1]!);
    if (hasU) U.push(vals[2]!);
  }
  if (t.length < 2)
    throw new ProfileCsvError({
      path: source,
      problem: 'needs at least 2 data rows',
      got: String(t.length),
      allowed: '≥ 2',
    });
  return { t_s: Float64Array.from(t), I_A: Float64Array.from(I), ...(hasU ? { U_V: Float64Array.from(U) } : {}) };
}
