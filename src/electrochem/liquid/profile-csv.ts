/**
 * Reader for measured current/voltage traces in the About:Energy validation format:
 *   Time [s],I[A],U[V]
 * one row per sample, current negative on discharge (positive on charge, as everywhere in rollcell).
 * The voltage column is optional (a pure current profile may have only the first two columns).
 * Errors name the line (1-based) and the column.
 */

export interface CurrentProfile {
  readonly t_s: Float64Array;
  readonly I_A: Float64Array;
  /** measured terminal voltage, when the file has a U[V] column */
  readonly U_V?: Float64Array;
}

export class ProfileCsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileCsvError';
  }
}

const norm = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** Parse CSV text; `source` names the file in error messages. */
export function parseProfileCsv(text: string, source = 'profile.csv'): CurrentProfile {
  const lines = text.split(/\r?\n/);
  let li = 0;
  while (li < lines.length && lines[li]!.trim() === '') li++;
  if (li >= lines.length) throw new ProfileCsvError(`${source}: empty file (expected header "Time [s],I[A],U[V]")`);
  const header = lines[li]!.split(',').map(norm);
  const allowedT = ['time [s]', 'time [s] ', 't [s]'];
  const allowedI = ['i[a]', 'i [a]', 'current [a]'];
  const allowedU = ['u[v]', 'u [v]', 'voltage [v]'];
  if (header.length < 2 || !allowedT.includes(header[0]!) || !allowedI.includes(header[1]!))
    throw new ProfileCsvError(
      `${source}:${li + 1}: header must be "Time [s],I[A]" optionally followed by ",U[V]" (got "${lines[li]!.trim()}")`,
    );
  const hasU = header.length >= 3;
  if (hasU && !allowedU.includes(header[2]!))
    throw new ProfileCsvError(`${source}:${li + 1}: column 3 header must be "U[V]" (got "${header[2]}")`);
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
      throw new ProfileCsvError(`${source}:${k + 1}: expected ${ncol} columns (got ${cells.length})`);
    const vals: number[] = [];
    for (let c = 0; c < ncol; c++) {
      const s = cells[c]!.trim();
      const v = s === '' ? NaN : Number(s);
      if (!Number.isFinite(v))
        throw new ProfileCsvError(
          `${source}:${k + 1}: column ${c + 1} (${names[c]}) is not a finite number (got "${s}")`,
        );
      vals.push(v);
    }
    if (t.length > 0 && !(vals[0]! > t[t.length - 1]!))
      throw new ProfileCsvError(
        `${source}:${k + 1}: column 1 (Time [s]) must increase strictly (got ${vals[0]} after ${t[t.length - 1]})`,
      );
    t.push(vals[0]!);
    I.push(vals[1]!);
    if (hasU) U.push(vals[2]!);
  }
  if (t.length < 2) throw new ProfileCsvError(`${source}: needs at least 2 data rows (got ${t.length})`);
  return { t_s: Float64Array.from(t), I_A: Float64Array.from(I), ...(hasU ? { U_V: Float64Array.from(U) } : {}) };
}
