/** Process helpers for the store tests: spawn writer children and follow their stdout protocol. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

const WRITER = fileURLToPath(new URL('./writer.ts', import.meta.url));

export interface Writer {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the first stdout line starting with `prefix` (rejects if the child exits first). */
  waitFor(prefix: string, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code/signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  send(line: string): void;
}

/** Spawn a writer child; it is SIGKILLed when the test ends if still alive (a failing test never leaves one behind). */
export function spawnWriter(
  t: TestContext,
  spec: string,
  seed: number,
  nCells: number,
  holdAtCells?: number | 'staged',
): Writer {
  const args = ['--import', 'tsx', WRITER, spec, String(seed), String(nCells)];
  if (holdAtCells !== undefined) args.push(String(holdAtCells));
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  const lines: string[] = [];
  const waiters: { prefix: string; resolve: (l: string) => void }[] = [];
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    out += d;
    let i: number;
    while ((i = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      lines.push(line);
      for (const w of waiters.slice()) {
        if (line.startsWith(w.prefix)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr.on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr: err }));
  });
  return {
    child,
    exited,
    send: (line) => child.stdin.write(`${line}\n`),
    waitFor(prefix, timeoutMs = 60_000) {
      const seen = lines.find((l) => l.startsWith(prefix));
      if (seen) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`writer: no '${prefix}' line within ${timeoutMs} ms; stderr: ${err}`)),
          timeoutMs,
        );
        waiters.push({
          prefix,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void exited.then((x) => {
          clearTimeout(timer);
          reject(
            new Error(`writer exited (code ${x.code}, signal ${x.signal}) before '${prefix}'; stderr: ${x.stderr}`),
          );
        });
      });
    },
  };
}
