/**
 * The body of test/data/handed.test.ts's worker thread (handed-worker.mjs): counts the data files it reads (node:fs patched before any
 * rollcell module loads), calls the loaders a job's threads use, and posts the files read and the values.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { parentPort } from 'node:worker_threads';

const reads: string[] = [];
const readFileSync = fs.readFileSync;
(fs as { readFileSync: unknown }).readFileSync = (...a: Parameters<typeof readFileSync>): unknown => {
  const file = String(a[0]);
  if (file.includes('/data/')) reads.push(file.slice(file.lastIndexOf('/data/') + 6));
  return readFileSync(...a);
};
syncBuiltinESMExports();

const { loadJobData } = await import('./job-data.ts');
const values = loadJobData();
parentPort!.postMessage({ reads, values });
