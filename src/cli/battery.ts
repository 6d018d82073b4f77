/**
 * `rollcell battery <recipe.yaml> --profile ev:UDDS|ev:US06|ev:WLTC|ess:solar|ess:wind|csv [--days N]
 * [--json] [--seed N] [--cells design|production] [--profile-csv <file> --csv-column <kind>]`:
 * the recipe's pack (its `battery` block) on a duty profile. I/O edge only; the work is
 * src/battery/run.ts (SI) and src/present/battery.ts (the block and the summary).
 */
import type { Progress } from '../progress.ts';
import type { LineData } from '../process/production/linedata.ts';
import { MAX_FILE_BYTES, readUserFile } from '../io/files.ts';
import type { Recipe } from '../recipe/schema.ts';
import { BATTERY_PROFILES, type BatteryCommandOptions, type BatteryProfileName } from '../battery/run.ts';
import { PackNotEvaluable } from '../battery/pack.ts';
import { runBatteryCommand } from '../pipeline.ts';
import { runProduction } from '../process/line.ts';
import { problem } from '../problems.ts';
import { requiredNumberFlag } from './input.ts';

export interface BatteryCliOptions {
  profile: string;
  days: string;
  seed: number;
  json?: boolean;
  cells: string;
  profileCsv?: string;
  csvColumn?: string;
}

const CSV_COLUMNS = ['power_W', 'power_kW', 'current_A', 'speed_km_h', 'speed_m_s', 'speed_mph'] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];

const bad = problem;

/** the options checked and converted; throws a ProblemError naming the flag */
export function batteryOptions(
  recipe: Recipe,
  o: BatteryCliOptions,
): { opts: BatteryCommandOptions; fromProduction: boolean } {
  if (!recipe.battery)
    throw bad(
      'battery',
      'the recipe has no battery block',
      'nothing',
      'battery: { series, parallel, application, interconnect_resistance_mOhm } with series × parallel ≥ 2',
    );
  if (!(BATTERY_PROFILES as readonly string[]).includes(o.profile))
    throw bad('--profile', 'unknown duty profile', JSON.stringify(o.profile), BATTERY_PROFILES.join(', '));
  const days = requiredNumberFlag(o.days, '--days', 1, 365, true, 'must be a whole number of days');
  if (o.cells !== 'design' && o.cells !== 'production')
    throw bad(
      '--cells',
      'unknown cell source',
      JSON.stringify(o.cells),
      "'design' (design cell with the stated spread) or 'production' (in-spec cells of a production run)",
    );
  let csv: BatteryCommandOptions['csv'];
  if (o.profile === 'csv') {
    if (!o.profileCsv)
      throw bad('--profile-csv', 'the csv profile needs a file', 'nothing', 'a CSV of time [s] and one value column');
    const column = o.csvColumn ?? 'power_W';
    if (!(CSV_COLUMNS as readonly string[]).includes(column))
      throw bad('--csv-column', 'unknown column kind', JSON.stringify(column), CSV_COLUMNS.join(', '));
    const text = readUserFile(o.profileCsv, { field: '--profile-csv', maxBytes: MAX_FILE_BYTES.csv, what: 'CSV file' });
    csv = { text, column: column as CsvColumn, name: o.profileCsv };
  } else if (o.profileCsv)
    throw bad(
      '--profile-csv',
      'only used with --profile csv',
      JSON.stringify(o.profileCsv),
      `--profile csv (got --profile ${o.profile})`,
    );
  return {
    opts: { profile: o.profile as BatteryProfileName, days, seed: o.seed, csv },
    fromProduction: o.cells === 'production',
  };
}

/**
 * runs the command; returns the text to print and, when the pack could not be evaluated (the duty stopped at
 * `results.not_evaluable`), the Problem that says so — the caller prints the text (the duty up to the stop)
 * and then exits 2 with it, as when the same Problem escapes (bad input anywhere below is a ProblemError)
 */
export function batteryCommand(
  recipe: Recipe,
  o: BatteryCliOptions,
  progress?: Progress,
  lineData?: LineData,
): { text: string; notEvaluable: PackNotEvaluable | null } {
  const { opts, fromProduction } = batteryOptions(recipe, o);
  const cells = fromProduction
    ? runProduction(recipe, { seed: o.seed, ...(progress ? { progress } : {}), ...(lineData ? { lineData } : {}) })
        .cells
    : undefined;
  const { block, summary, result } = runBatteryCommand(recipe, { ...opts, cells, ...(progress ? { progress } : {}) });
  const ne = result.duty.notEvaluable;
  return {
    text: o.json ? JSON.stringify(block, null, 2) : summary,
    notEvaluable: ne ? new PackNotEvaluable(ne) : null,
  };
}
