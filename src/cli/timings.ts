/**
 * Where a command's wall time goes (issue 12): with ROLLCELL_TIMINGS=1 the CLI writes one line per phase
 * boundary to stderr, `timing: <phase> <ms> ms, cpu <ms> ms`: the milliseconds since the process started
 * (performance.now(): its origin is the process's start) and the CPU the process used so far (user +
 * system, all its threads). `npm run bench:main` reads them to split
 * `rollcell run` into process start and module load, recipe, store open, job, report, save and exit.
 * Off (one env lookup) otherwise.
 */
const ON = process.env['ROLLCELL_TIMINGS'] === '1';

/** writes `timing: <phase> <ms since process start> ms, cpu <ms> ms` to stderr when ROLLCELL_TIMINGS=1 */
export function markTiming(phase: string): void {
  if (!ON) return;
  const c = process.cpuUsage();
  process.stderr.write(
    `timing: ${phase} ${performance.now().toFixed(1)} ms, cpu ${((c.user + c.system) / 1000).toFixed(1)} ms\n`,
  );
}
