/**
 * File I/O at the cycler's edge (the CLI and the pipeline use it; physics stays pure):
 * loads the drive-cycle CSVs an experiment names, and reads measured BDF CSVs — through the one
 * file-safety helper (regular files under a size cap, src/io/files.ts). Errors are ProblemErrors naming
 * the file, the line and the column, under the option or field that named the file.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Experiment } from './experiment.ts';
import type { DriveCycle } from './machine.ts';
import { csvProblem, parseBdfCsv, parseDriveCycleCsv, type BdfSeries } from './bdf.ts';
import { MAX_FILE_BYTES, readUserFile } from '../io/files.ts';
import { ProblemError, type Problem } from '../problems.ts';
import { EXPERIMENT_LIMITS } from './limits.ts';
import { toHours } from '../units/index.ts';

/** Reads one drive-cycle CSV (`src` as written in the step, relative to `baseDir`); errors under `field`. */
export function readDriveCycle(src: string, baseDir: string, field: string): DriveCycle {
  const path = isAbsolute(src) ? src : resolve(baseDir, src);
  let text: string;
  try {
    text = readUserFile(path, { field, maxBytes: MAX_FILE_BYTES.csv, what: 'drive-cycle CSV file' });
  } catch (e) {
    if (!(e instanceof ProblemError)) throw e;
    throw new ProblemError(e.problems.map((p) => ({ ...p, problem: `drive cycle '${src}': ${p.problem}` })));
  }
  const r = parseDriveCycleCsv(text);
  if (!r.ok)
    throw new ProblemError(
      r.errors.map((x) => csvProblem(x, src)),
      field,
    );
  const T = r.value.time_s[r.value.time_s.length - 1]!;
  if (!(T <= EXPERIMENT_LIMITS.stepDuration_s))
    throw new ProblemError({
      path: field,
      problem: `drive cycle '${src}' is too long`,
      got: `${T} s`,
      allowed: `<= ${EXPERIMENT_LIMITS.stepDuration_s} s (${toHours(EXPERIMENT_LIMITS.stepDuration_s)} h)`,
    });
  return { time_s: r.value.time_s, value: r.value.value };
}

/** Reads every 'Run drive cycle from <file> as …' source of the experiment (paths relative to baseDir). */
export function loadDriveCycles(
  exp: Experiment,
  baseDir = process.cwd(),
  field = '--experiment',
): Record<string, DriveCycle> {
  const out: Record<string, DriveCycle> = {};
  const problems: Problem[] = [];
  let prefix: string | undefined;
  for (const b of exp.blocks) {
    for (const s of b.steps) {
      if (s.control.mode !== 'drive_cycle' || s.control.data || out[s.control.source]) continue;
      try {
        out[s.control.source] = readDriveCycle(s.control.source, baseDir, field);
      } catch (e) {
        if (!(e instanceof ProblemError)) throw e;
        problems.push(...e.problems);
        prefix ??= e.prefix;
      }
    }
  }
  if (problems.length) throw new ProblemError(problems, prefix);
  return out;
}

/** Reads a measured BDF CSV (or a `Time [s],I[A],U[V]` file); errors name the option, file, line and column. */
export function readBdfFile(path: string, field = '--compare'): BdfSeries {
  const text = readUserFile(path, { field, maxBytes: MAX_FILE_BYTES.csv, what: 'BDF CSV file' });
  const r = parseBdfCsv(text);
  if (!r.ok)
    throw new ProblemError(
      r.errors.map((x) => csvProblem(x, path)),
      field,
    );
  return r.value;
}
