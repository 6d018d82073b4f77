// The fixed steps of `npm test` before the tests: the type check (tsc) on one core while prettier then eslint run
// on the other (they were one after another: ≈ 2 min of one core with the second idle), then the web and CLI
// bundles when stale. Each tool keeps a cache under node_modules/.cache/rollcell-checks/ (tsc's build info,
// prettier's and eslint's content-keyed caches), so a second run checks only what changed; a fresh clone has no
// cache and does the whole work, with the same verdicts. Each step's output is printed when it ends, with its
// time; the exit status is the first failing step's (or 0).
// Usage: node scripts/checks.mjs
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';

// one cache folder per checkout: worktrees whose node_modules are hard-linked copies (cp -al) of another's would
// otherwise write the same cache files in place
const CACHE = `node_modules/.cache/rollcell-checks/${createHash('sha1').update(process.cwd()).digest('hex').slice(0, 12)}`;
mkdirSync(CACHE, { recursive: true });
const DIRS = ['src', 'test', 'bench', 'scripts', 'bin'];
const bin = (name) => `node_modules/.bin/${name}`;

/** runs one command, its output kept and printed at its end with its time; resolves to its exit status */
function step(name, cmd, args) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => (out += `${e.message}\n`));
    child.on('close', (code, signal) => {
      const status = code ?? (signal ? 1 : 0);
      process.stdout.write(out);
      console.log(
        `checks: ${name} ${status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      resolve(status);
    });
  });
}
const sequence = async (...steps) => {
  for (const s of steps) {
    const status = await s();
    if (status !== 0) return status;
  }
  return 0;
};

const statuses = await Promise.all([
  step('tsc', bin('tsc'), ['--noEmit', '-p', '.', '--incremental', '--tsBuildInfoFile', `${CACHE}/tsbuildinfo`]),
  sequence(
    () =>
      step('prettier', bin('prettier'), [
        '--check',
        '--log-level',
        'warn',
        '--cache',
        '--cache-strategy',
        'content',
        '--cache-location',
        `${CACHE}/prettier`,
        ...DIRS,
      ]),
    () =>
      step('eslint', bin('eslint'), [
        '--max-warnings',
        '0',
        '--cache',
        '--cache-strategy',
        'content',
        '--cache-location',
        `${CACHE}/eslint`,
        ...DIRS,
      ]),
  ),
]);
const failed = statuses.find((s) => s !== 0);
if (failed !== undefined) process.exit(failed);
process.exit(
  await sequence(
    () => step('web bundle', process.execPath, ['scripts/build-web.mjs', '--if-stale']),
    () => step('cli bundle', process.execPath, ['scripts/build-cli.mjs', '--if-stale']),
  ),
);
