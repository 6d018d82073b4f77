/**
 * rollcell's own fault and fuzz suite, at a large size (issue 22, item 11):
 *
 *   npm run fuzz                          # 10 000 cases, seed 1
 *   npm run fuzz -- --cases 2000 --seed 7 --time-limit 600 --workers 2
 *   npm run fuzz -- --only run,validate   # some families only
 *
 * Prints `name: value` lines: cases tried, handled, internal errors, crashes, hangs, data lost (and per
 * family, and the first findings with the family and case number that reproduce them: the same seed
 * and --only <family> run the same cases). Exit 1 when any of the four is not 0.
 * PostgreSQL: the server in ROLLCELL_PG_URL, else a throwaway one started from npm for the run.
 */
import { fuzz, formatReport, type Family } from '../test/fuzz/runner.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
};
const cases = Number(arg('cases', '10000'));
const seed = Number(arg('seed', '1'));
const timeLimit_s = Number(arg('time-limit', '7200'));
const workers = Number(arg('workers', '2'));
const only = arg('only', '') ? (arg('only', '').split(',') as Family[]) : undefined;
if (!(Number.isInteger(cases) && cases > 0 && Number.isInteger(seed) && timeLimit_s > 0 && workers >= 1)) {
  console.error('usage: npm run fuzz -- [--cases N] [--seed S] [--time-limit SECONDS] [--workers W] [--only f1,f2]');
  process.exit(2);
}
let pgUrl = process.env['ROLLCELL_PG_URL'];
let stop: (() => Promise<void>) | undefined;
if (!pgUrl && (!only || only.includes('kill9-postgres'))) {
  const { startPostgres } = await import('../test/support/postgres.ts');
  const c = await startPostgres({ database: 'fuzz' });
  pgUrl = c.url;
  stop = () => c.stop();
  console.log(`test servers: PostgreSQL: started ${c.describe()}`);
}
try {
  const r = await fuzz({ cases, seed, timeLimit_s, workers, pgUrl, only, log: (s) => console.log(s) });
  console.log(formatReport(r));
  process.exitCode = r.internal + r.crashes + r.hangs + r.dataLost === 0 ? 0 : 1;
} finally {
  await stop?.();
}
