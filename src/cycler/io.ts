/**
 * File I/O at the cycler's edge (the CLI and the pipeline use it; physics stays pure):
 * loads the drive-cycle CSVs an experiment names, and reads measured BDF CSVs.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Experiment } from './experiment.ts';
import type { DriveCycle } from './machine.ts';
import { formatCsvError, parseBdfCsv, parseDriveCycleCsv, type BdfSeries } from './bdf.ts';

/** Reads every 'Run drive cycle from <file> as …' source of the experiment (paths relative to baseDir). */
export function loadDriveCycles(exp: Experiment, baseDir = process.cwd()): Record<string, DriveCycle> {
  const out: Record<string, DriveCycle> = {};
  for (const b of exp.blocks) {
    for (const s of b.steps) {
      if (s.control.mode !== 'drive_cycle' || out[s.control.source]) continue;
      const src = s.control.source;
      const path = isAbsolute(src) ? src : resolve(baseDir, src);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        throw new Error(
          `drive cycle '${src}': cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
      }
      const r = parseDriveCycleCsv(text);
      if (!r.ok) throw new Error(r.errors.map((x) => formatCsvError(x, src)).join('\n'));
      out[src] = r.value;
    }
  }
  return out;
}

/** Reads a measured BDF CSV (or a `Time [s],I[A],U[V]` file); errors name the file, line and column. */
export function readBdfFile(path: string): BdfSeries {
  const r = parseBdfCsv(readFileSync(path, 'utf8'));
  if (!r.ok) throw new Error(r.errors.map((x) => formatCsvError(x, path)).join('\n'));
  return r.value;
}
