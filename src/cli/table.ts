/** Aligned plain-text tables for the CLI (numbers right-aligned, long text wrapped). */
import { TEXT_COLUMN_WIDTH, columnWidths, wrapRow } from '../store/format.ts';
export type Cell = string | number | boolean | null | undefined;

export function fmtNum(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}

export function table(headers: string[], rows: Cell[][], title?: string): string {
  const str = (c: Cell): string =>
    c === null || c === undefined ? '—' : typeof c === 'number' ? fmtNum(c) : String(c);
  // long text wraps at word boundaries inside its column (continuation lines), never mid-word; text
  // columns narrow until the table fits TABLE_MAX_WIDTH
  const strs = rows.map((r) => r.map(str));
  const wrapAt = columnWidths(headers, strs, TEXT_COLUMN_WIDTH);
  const cells = strs.flatMap((r) => wrapRow(r, wrapAt));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const isNum = headers.map((_, i) =>
    rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined),
  );
  const line = (r: string[]): string =>
    r
      .map((c, i) => (isNum[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  if (title) out.push(title);
  out.push(line(headers), widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of cells) out.push(line(r));
  return out.join('\n');
}

/** Two-column key/value table. */
export function kv(rows: [string, Cell, string?][], title?: string): string {
  return table(
    ['quantity', 'value', 'unit'],
    rows.map(([k, v, u]) => [k, v, u ?? '']),
    title,
  );
}
