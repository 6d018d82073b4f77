#!/usr/bin/env node
// rollcell CLI entry. It runs the prebuilt bundle of the sources (dist/cli/, built at `npm ci`), rebuilt
// first when any source changed since it was built (scripts/cli-bundle.mjs: never stale code); when the
// bundle cannot be built, or with ROLLCELL_NO_BUNDLE=1, it runs the TypeScript sources through tsx.
import { cliEntryUrl, jobWorkerEntryOf } from '../scripts/cli-bundle.mjs';

// ROLLCELL_TIMINGS=1: phase boundaries on stderr, ms since the process started (src/cli/timings.ts)
const timing =
  process.env.ROLLCELL_TIMINGS === '1'
    ? (phase) => {
        const c = process.cpuUsage();
        process.stderr.write(
          `timing: ${phase} ${performance.now().toFixed(1)} ms, cpu ${((c.user + c.system) / 1000).toFixed(1)} ms\n`,
        );
      }
    : () => {};
timing('bin started');
process.on('exit', () => timing('exit'));

// A reader that stops early (`rollcell runs export <id> | head`) closes the pipe: that is not an
// error of ours — stop quietly instead of printing an EPIPE stack trace.
process.stdout.on('error', (e) => {
  if (e && e.code === 'EPIPE') process.exit(0);
  throw e;
});

const entry = process.env.ROLLCELL_NO_BUNDLE === '1' ? undefined : await cliEntryUrl();
timing('bundle checked');
let main;
if (entry) {
  // the job's worker threads run the same build (src/cli/job-worker.mjs), without checking the sources again
  const workerEntry = jobWorkerEntryOf(entry);
  if (workerEntry) process.env.ROLLCELL_JOB_WORKER_ENTRY = workerEntry;
  // stack traces (ROLLCELL_DEBUG=1) point into the sources, not the bundle
  if (process.env.ROLLCELL_DEBUG === '1') process.setSourceMapsEnabled(true);
  ({ main } = await import(entry));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
timing('cli loaded');
// the bin shows progress of long work on stderr (a bar on a terminal, plain lines otherwise; --quiet: none)
process.exitCode = await main(process.argv.slice(2), undefined, { progress: true, stdout: process.stdout });
