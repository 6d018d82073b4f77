/**
 * Shows the progress of long work on the command line (the edge for src/progress.ts). On a terminal:
 * one bar per stage with its ETA (cli-progress); when stderr is not a terminal (a log, CI): plain
 * lines, the first after `quietFor_ms` of a stage and then every `interval_ms`, and a closing line for
 * a stage that printed; `--quiet`: nothing. Always on stderr, so `--json` output on stdout stays clean.
 * Reusable by every long command (run, battery, sweep, campaign, fit): create one, pass
 * `reporter.progress` down, call `reporter.close()` when the command ends.
 */
import cliProgress from 'cli-progress';
import type { Progress, ProgressEvent } from '../progress.ts';

export interface ReporterOptions {
  /** where to write (default process.stderr) */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  quiet?: boolean;
  /** force terminal or plain mode (default: the stream's isTTY) */
  tty?: boolean;
  /** plain mode: first line of a stage after this long (default 2000 ms), then every interval_ms (default 10 000 ms) */
  quietFor_ms?: number;
  interval_ms?: number;
  /** clock (tests) */
  now?: () => number;
}

export interface Reporter {
  progress: Progress;
  /** ends the current stage (closes its bar) */
  close(): void;
}

export const fmtDuration = (s: number): string => {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  return m < 120 ? `${m} min ${Math.round(s - 60 * m)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
};

export function createReporter(o: ReporterOptions = {}): Reporter {
  if (o.quiet) return { progress: () => {}, close: () => {} };
  const stream = o.stream ?? process.stderr;
  const tty = o.tty ?? stream.isTTY === true;
  return tty ? barReporter(stream) : lineReporter(stream, o);
}

function barReporter(stream: NodeJS.WritableStream): Reporter {
  let bar: cliProgress.SingleBar | null = null;
  let stage = '';
  const close = (): void => {
    if (bar) bar.stop();
    bar = null;
    stage = '';
  };
  return {
    progress(e: ProgressEvent): void {
      if (e.stage !== stage) {
        close();
        stage = e.stage;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${e.stage.padEnd(24)} [{bar}] {percentage}% | ETA {eta_formatted} | {value}/{total} ${e.unit ?? ''}`,
            barsize: 24,
            hideCursor: false,
            clearOnComplete: false,
            etaBuffer: 50,
            fps: 5,
            formatValue: (v: number, _o: unknown, type: string) =>
              type === 'value' || type === 'total' ? String(Math.round(v * 100) / 100) : String(v),
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(e.total, e.done);
        return;
      }
      bar?.update(e.done);
    },
    close,
  };
}

function lineReporter(stream: NodeJS.WritableStream, o: ReporterOptions): Reporter {
  const now = o.now ?? (() => Date.now());
  const quietFor = o.quietFor_ms ?? 2000;
  const interval = o.interval_ms ?? 10_000;
  let stage = '';
  let t0 = 0;
  let lastLine = -Infinity;
  let printed = false;
  const line = (s: string): void => {
    stream.write(`rollcell: ${s}\n`);
  };
  const close = (): void => {
    if (stage && printed) line(`${stage}: done in ${fmtDuration((now() - t0) / 1000)}`);
    stage = '';
    printed = false;
  };
  return {
    progress(e: ProgressEvent): void {
      const t = now();
      if (e.stage !== stage) {
        close();
        stage = e.stage;
        t0 = t;
        lastLine = -Infinity;
      }
      const elapsed = t - t0;
      if (elapsed < quietFor || t - lastLine < interval) return;
      lastLine = t;
      printed = true;
      const f = e.total > 0 ? Math.min(1, e.done / e.total) : 0;
      const eta = f > 0 ? ((elapsed / f) * (1 - f)) / 1000 : NaN;
      const unit = e.unit && e.unit !== '%' ? ` (${fmt(e.done)}/${fmt(e.total)} ${e.unit})` : '';
      line(`${e.stage}: ${(f * 100).toFixed(0)} %${unit}, ETA ${fmtDuration(eta)}`);
    },
    close,
  };
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(3));
