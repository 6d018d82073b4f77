/**
 * A job's worker threads take the data files their parent has checked from their start (workerData,
 * src/assets.ts checkedOnce / checkedDataForWorker) instead of reading and checking them again (≈ 40 ms CPU
 * per thread); a worker started without them reads and checks the files itself. Either way the values are
 * the parent's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { checkedDataForWorker } from '../../src/assets.ts';
import { loadJobData } from './job-data.ts';

const CHECKED_FILES = [
  'materials/library.json',
  'materials/mechanics.json',
  'materials/li-al.json',
  'materials/ssb-cathodes.json',
  'ageing/mechanisms.json',
  'ageing/datasets.json',
  'spc/chart-constants.json',
];

const inWorker = (workerData: unknown): Promise<{ reads: string[]; values: Record<string, unknown> }> =>
  new Promise((resolve, reject) => {
    const w = new Worker(new URL('./handed-worker.mjs', import.meta.url), { workerData });
    w.once('message', (m: { reads: string[]; values: Record<string, unknown> }) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });

test("a worker started with its parent's checked data reads none of those files; one started alone checks them", async () => {
  const values = loadJobData();
  const handed = await inWorker(checkedDataForWorker());
  assert.deepEqual(
    handed.reads.filter((f) => CHECKED_FILES.includes(f)),
    [],
    `files read by the worker: ${handed.reads.join(', ')}`,
  );
  assert.deepEqual(handed.values, values);
  const alone = await inWorker(undefined);
  assert.deepEqual(
    CHECKED_FILES.filter((f) => !alone.reads.includes(f)),
    [],
    `files read by the worker: ${alone.reads.join(', ')}`,
  );
  assert.deepEqual(alone.values, values);
});
