/**
 * A job's cycling stage on a worker thread (src/cli/job-threads.ts): takes one request, runs it with
 * pipeline's runJobCycling — the same code runJob runs in place — and posts back its progress events and
 * then its result, or the error (a ProblemError's problems, else the message and stack).
 */
import { parentPort } from 'node:worker_threads';
import { runJobCycling, type JobCyclingRequest } from '../pipeline.ts';
import { ProblemError } from '../problems.ts';

/** what job-threads.ts sends: the request without its progress callback, and whether to report progress */
export type CyclingTask = Omit<JobCyclingRequest, 'progress'> & { progress: boolean };

/** what the worker posts back: progress events, then exactly one result or error */
export type CyclingReply =
  | { progress: Parameters<NonNullable<JobCyclingRequest['progress']>>[0] }
  | { result: ReturnType<typeof runJobCycling> }
  | { problems: ProblemError['problems']; prefix?: string }
  | { error: { message: string; stack?: string } };

const port = parentPort;
if (!port) throw new Error('src/cli/job-worker.ts runs on a worker thread');
port.once('message', (task: CyclingTask) => {
  const post = (m: CyclingReply): void => port.postMessage(m);
  try {
    const { progress, ...req } = task;
    post({ result: runJobCycling(progress ? { ...req, progress: (e) => post({ progress: e }) } : req) });
  } catch (e) {
    if (e instanceof ProblemError) post({ problems: e.problems, ...(e.prefix ? { prefix: e.prefix } : {}) });
    else
      post({
        error: {
          message: (e as Error)?.message ?? String(e),
          ...((e as Error)?.stack ? { stack: (e as Error).stack } : {}),
        },
      });
  }
});
