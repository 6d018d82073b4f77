/**
 * A date-time as a person types it on a command line: ISO 8601 `YYYY-MM-DD`, optionally with `THH:MM`,
 * `:SS`, a fraction of a second and a zone (`Z`, `+01:00`, `+0100`); one without a zone is UTC (as the
 * experiment's `start_time` reads it). `Date.parse` also takes `March 7`, `foo 12` (both in 2001), `1`
 * (2001-01-01) and `2025-02-30` (as 2 March), and reads a zone-less time in the host's zone; none of those
 * is what anyone means, so the edges read date-times through this.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|([+-])(\d{2}):?(\d{2}))?$/i;

const MS_PER_MINUTE = 60_000;

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, month: number): number =>
  month === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** Unix milliseconds of an ISO 8601 date-time, or NaN for any other text or a day, hour or zone that does not exist */
export function parseIsoDateTime(text: string): number {
  const m = ISO.exec(text);
  if (!m) return NaN;
  const part = (i: number): number => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [part(1), part(2), part(3), part(4), part(5), part(6)];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59)
    return NaN;
  const zoneHours = part(10);
  const zoneMinutes = part(11);
  if (zoneHours > 23 || zoneMinutes > 59) return NaN;
  const offsetMinutes = (m[9] === '-' ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // not Date.UTC: it reads years 0–99 as 1900–1999
  d.setUTCHours(hour, minute, second, Math.floor(Number(m[7] ?? 0) * 1000));
  return d.getTime() - offsetMinutes * MS_PER_MINUTE;
}
