/**
 * Progress of long work on stderr: nothing for the first few seconds (short commands stay quiet),
 * then one line every 10 s with the fraction done and an estimate of the time left. Plain lines, so
 * they read the same in a terminal, a log and CI; stdout (the result, --json) is never touched.
 */
export interface Progress {
  update(done: number, total: number, unit: string): void;
  finish(): void;
}

export function progressLine(
  label: string,
  write: (s: string) => void = (s) => void process.stderr.write(s),
): Progress {
  const t0 = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(done, total, unit) {
      const now = Date.now();
      if (now - t0 < 3000 || now - last < 10_000) return;
      last = now;
      shown = true;
      const f = total > 0 ? Math.min(1, done / total) : 0;
      const left = f > 0 ? ((now - t0) / f - (now - t0)) / 1000 : NaN;
      const eta = Number.isFinite(left)
        ? `, about ${left < 120 ? `${left.toFixed(0)} s` : `${(left / 60).toFixed(0)} min`} left`
        : '';
      write(`${label}: ${done}/${total} ${unit}${total === 1 ? '' : 's'} (${(f * 100).toFixed(0)} %)${eta}\n`);
    },
    finish() {
      if (shown) write(`${label}: done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    },
  };
}
