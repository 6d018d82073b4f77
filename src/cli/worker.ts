/**
 * `rollcell worker --db postgres://…`: a scale-out worker (src/jobs/worker.ts) with its options
 * checked, log lines on stderr, and a clean stop on SIGINT/SIGTERM (the shards in hand are finished
 * and written; a second signal stops at once and leaves them to their leases). Exit 3 when the
 * database stays unreachable, with a message naming it.
 */
import { ExitStatus, numberFlag, requirePostgres } from './input.ts';

export interface WorkerCommandOptions {
  db: string;
  concurrency?: string;
  reconnectS?: string;
  idleExitS?: string;
  quiet?: boolean;
}

export async function workerCommand(o: WorkerCommandOptions, out: (s: string) => void): Promise<void> {
  requirePostgres(o.db, 'a worker takes its shards from the PostgreSQL queue');
  const seconds = 'must be a number of seconds';
  const concurrency = numberFlag(o.concurrency, '--concurrency', 1, 256, true);
  const reconnectSeconds = numberFlag(o.reconnectS, '--reconnect-s', 0, 86_400, false, seconds);
  const idleExitSeconds = numberFlag(o.idleExitS, '--idle-exit-s', 0, 86_400 * 365, false, seconds);
  const { runWorker, LostDatabaseError, isConnectionError } = await import('../jobs/worker.ts');
  const ac = new AbortController();
  const onSignal = (): void => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('rollcell worker: stopping after the shards in hand (signal again to stop now)\n');
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // fault injection for the scale-out tests: ROLLCELL_WORKER_DIE_AT=<study id>:<point index> kills this
  // process (SIGKILL, as a crash would) when it is about to evaluate that point
  const dieAt = process.env['ROLLCELL_WORKER_DIE_AT'];
  const log = o.quiet ? undefined : (l: string): void => void process.stderr.write(`${l}\n`);
  try {
    const s = await runWorker({
      db: o.db,
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(reconnectSeconds !== undefined ? { reconnectSeconds } : {}),
      ...(idleExitSeconds !== undefined ? { idleExitSeconds } : {}),
      signal: ac.signal,
      ...(log ? { log } : {}),
      ...(dieAt
        ? {
            beforePoint: (id: string, idx: number) => {
              if (`${id}:${idx}` === dieAt) process.kill(process.pid, 'SIGKILL');
            },
          }
        : {}),
    });
    out(JSON.stringify(s));
  } catch (e) {
    if (e instanceof LostDatabaseError || isConnectionError(e)) {
      process.stderr.write(
        `${e instanceof LostDatabaseError ? e.message : `rollcell worker: cannot reach the database: ${(e as Error).message}`}\n`,
      );
      throw new ExitStatus(3);
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
