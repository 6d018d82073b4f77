/**
 * File I/O at the cycler's edge (the CLI and the pipeline use it; physics stays pure):
 * loads the drive-cycle CSVs an experiment names, and reads measured BDF CSVs.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Experiment } from './experiment.ts';
import type { DriveCycle } from './machine.ts';
import { csvProblem, parseBdfCsv, parseDriveCycleCsv, type BdfSeries } from './bdf.ts';
import { ProblemError, problem } from '../problems.ts';

/** Reads every 'Run drive cycle from <file> as …' source of the experiment (paths relative to baseDir). */
export function loadDriveCycles(exp: Experiment, baseDir = process.cwd()): Record<string, DriveCycle> {
  const out: Record<string, DriveCycle> = {};
  for (const b of exp.blocks) {
    for (const s of b.steps) {
      if (s.control.mode !== 'drive_cycle' || s.control.data || out[s.control.source]) continue;
      const src = s.control.source;
      const path = isAbsolute(src) ? src : resolve(baseDir, src);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        throw problem(
          `drive cycle '${src}'`,
          `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
          JSON.stringify(src),
          'a readable CSV file (relative to the working directory)',
        );
      }
      const r = parseDriveCycleCsv(text);
      if (!r.ok) throw new ProblemError(r.errors.map((x) => csvProblem(x, src)));
      out[src] = { time_s: r.value.time_s, value: r.value.value };
    }
  }
  return out;
}

/** Reads a measured BDF CSV (or a `Time [s],I[A],U[V]` file); errors name the file, line and column. */
export function readBdfFile(path: string): BdfSeries {
  const r = parseBdfCsv(readFileSync(path, 'utf8'));
  if (!r.ok) throw new ProblemError(r.errors.map((x) => csvProblem(x, path)));
  return r.value;
}
