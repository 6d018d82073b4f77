// Worker-thread entry of a job's cycling stage (src/cli/job-threads.ts): the CLI bundle's `job-worker`
// entry when the bundle is built from the sources on disk (as bin/rollcell.js runs it), else the
// sources through tsx. Kept in .mjs so that a plain `node` worker can start it.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { freshEntry } from '../../scripts/cli-bundle.mjs';

// the build the command runs (bin/rollcell.js names it), else the bundle when it is fresh, else the sources
const given = process.env.ROLLCELL_JOB_WORKER_ENTRY;
const entry =
  process.env.ROLLCELL_NO_BUNDLE === '1'
    ? undefined
    : given && existsSync(given)
      ? given
      : freshEntry(undefined, 'job-worker');
if (entry) await import(pathToFileURL(entry).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./job-worker.ts');
}
