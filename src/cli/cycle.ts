/**
 * `rollcell cycle`: runs an experiment (or a measured current profile) on one cell — a BPX cell with the
 * liquid DFN/SPMe/SPM, or the cell a recipe's line produces with the solid-state P2D/SPMe/SPM.
 * Writes Battery Data Format CSV (current positive on charge): the time series (`--csv`) and the
 * per-cycle summary (`--summary-csv`); `--compare <measured.csv>` reads a measured BDF CSV (or the
 * validation format `Time [s],I[A],U[V]`) and prints the voltage RMSE of the run against it.
 *
 * Start state: a recipe's cell starts as produced — discharged (SOC 0: cathode lithiated, the Li in the
 * prelithiated anode) — or at the recipe's `cycling.initial_soc`; a BPX cell from SOC 0 for the default
 * protocol, else from the experiment's natural start (0 when it begins with a charge, 1 otherwise;
 * 1 for a current profile). `--initial-soc` overrides all of these.
 */
import { dirname, resolve } from 'node:path';
import { checkOutputFile, MAX_FILE_BYTES, readUserFile, writeFileAtomic } from '../io/files.ts';
import { ProblemError } from '../problems.ts';
import { toAh, toCelsius, toWh } from '../units/index.ts';
import { experimentFormatOf, parseExperimentFile } from '../cycler/experiment-file.ts';
import { parseBpxText } from '../electrochem/bpx.ts';
import { createLiquidModel } from '../electrochem/liquid/index.ts';
import type { CurrentProfile } from '../electrochem/liquid/profile-csv.ts';
import { simulateCurrentProfile } from '../cycler/profile-drive.ts';
import type { FullCellModel } from '../electrochem/model.ts';
import {
  runExperiment,
  toBdfCsv,
  toCycleSummaryCsv,
  compareVoltage,
  loadDriveCycles,
  readBdfFile,
  csvProblem,
  firstCycleSummary,
  allCycleMetrics,
  parseExperiment,
  parseErrorProblem,
  type DriveCycle,
  type Experiment,
} from '../cycler/index.ts';
import { cycleSummaryColumns, parseCsvTable, parseDriveCycleCsv, toBdfTableCsv } from '../cycler/bdf.ts';
import { buildCellModel } from '../pipeline.ts';
import { experimentSizeProblems } from '../cycler/limits.ts';
import { parseDecimal } from '../io/decimal.ts';
import { parseIsoDateTime } from '../io/datetime.ts';
import { inputError, loadRecipe, parseSetFlags, underFlag } from './input.ts';
import { kv } from './table.ts';

export interface CycleOptions {
  cell: string;
  model: string;
  experiment?: string[];
  /** PyBaMM's experiment structure in YAML, JSON or text (src/cycler/experiment-file.ts) */
  experimentFile?: string;
  currentProfile?: string;
  csv?: string;
  /** per-cycle summary CSV (BDF-style names) */
  summaryCsv?: string;
  /** measured BDF CSV (or Time [s],I[A],U[V]) to compare the voltage with */
  compare?: string;
  /** initial state of charge, 0–1 (as typed on the command line) */
  initialSoc?: string;
  /** the run's start for `Unix Time / s` (ISO 8601 or Unix seconds; default now) */
  startTime?: string;
  json?: boolean;
  /** `--set` overrides of a recipe cell */
  set?: string[];
  /** replace existing output files (never an input or a database) */
  force?: boolean;
}

const BPX_MODELS = ['dfn', 'spme', 'spm'] as const;
const SSB_MODELS = ['p2d', 'spme', 'spm'] as const;

function readText(path: string, field: string, what: string, maxBytes: number = MAX_FILE_BYTES.csv): string {
  return readUserFile(path, { field, maxBytes, what });
}

/** the Unix seconds a --start-time may give: those of a JavaScript date (±8.64·10¹² s, about ±273 000 years) */
const MAX_UNIX_S = 8.64e12;

/**
 * `--start-time`: Unix seconds (a plain decimal) or an ISO 8601 date-time (one without a zone is UTC, as an
 * experiment step's `start_time`), or an InputError
 */
export function parseStartTime(v: string): number {
  const n = parseDecimal(v);
  const t = Number.isNaN(n) ? parseIsoDateTime(v) / 1000 : n;
  if (!(Math.abs(t) <= MAX_UNIX_S))
    throw inputError(
      '--start-time',
      Number.isNaN(t) ? 'not a date-time' : 'not a date JavaScript can hold',
      JSON.stringify(v),
      `ISO 8601 (2025-01-31T08:00:00Z) or Unix seconds (−${MAX_UNIX_S} … ${MAX_UNIX_S})`,
    );
  return t;
}

/** `--initial-soc`: a number 0–1, or an InputError */
export function parseInitialSoc(v: string): number {
  const x = parseDecimal(v);
  if (!(x >= 0 && x <= 1))
    throw inputError(
      '--initial-soc',
      'not a state of charge',
      JSON.stringify(v),
      'a number 0–1 (0 = discharged as produced, 1 = charged)',
    );
  return x;
}

/** reads a measured BDF CSV for --compare, or a ProblemError naming the file, line and column */
function readMeasured(path: string): { time_s: number[]; voltage_V: number[] } {
  return readBdfFile(path, '--compare');
}

function compareWith(
  path: string,
  predicted: { time_s: readonly number[]; voltage_V: readonly number[] },
): { voltage_rmse_mV: number; voltage_max_error_mV: number; compared_points: number; compared_with: string } {
  const measured = readMeasured(path);
  try {
    const c = compareVoltage(predicted, measured);
    return {
      voltage_rmse_mV: c.rmse_V * 1000,
      voltage_max_error_mV: c.maxAbsError_V * 1000,
      compared_points: c.points,
      compared_with: path,
    };
  } catch (e) {
    throw inputError(
      '--compare',
      (e as Error).message.replace(/^[^:]*: /, ''),
      JSON.stringify(path),
      'a measured CSV whose times overlap the run (Test Time / s from the start of the run)',
    );
  }
}

/**
 * The time series and the one-cycle summary of a current-profile run as BDF CSV (the columns of toBdfCsv
 * and toCycleSummaryCsv that a profile run has)
 */
function profileCsvs(
  t: ArrayLike<number>,
  V: ArrayLike<number>,
  I: ArrayLike<number>,
  T_K: ArrayLike<number>,
  ambient_K: number,
  startTime_s: number,
): { series: string; summary: string; charge_Ah: number; discharge_Ah: number } {
  const n = t.length;
  const qc = new Float64Array(n);
  const qd = new Float64Array(n);
  const ec = new Float64Array(n);
  const ed = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const dt = t[i]! - t[i - 1]!;
    const dq = toAh(0.5 * (I[i]! + I[i - 1]!) * dt);
    const de = toWh(0.5 * (I[i]! * V[i]! + I[i - 1]! * V[i - 1]!) * dt);
    qc[i] = qc[i - 1]! + (dq > 0 ? dq : 0);
    qd[i] = qd[i - 1]! + (dq < 0 ? -dq : 0);
    ec[i] = ec[i - 1]! + (de > 0 ? de : 0);
    ed[i] = ed[i - 1]! + (de < 0 ? -de : 0);
  }
  const ones = new Float64Array(n).fill(1);
  const temps = Array.from(T_K).some(Number.isFinite);
  const series = toBdfTableCsv(
    [
      'Test Time / s',
      'Unix Time / s',
      'Voltage / V',
      'Current / A',
      'Cycle Count / 1',
      'Step Count / 1',
      'Charging Capacity / Ah',
      'Discharging Capacity / Ah',
      'Charging Energy / Wh',
      'Discharging Energy / Wh',
      'Ambient Temperature / degC',
      ...(temps ? ['Surface Temperature / degC'] : []),
    ],
    [
      t,
      Array.from(t, (x) => startTime_s + x),
      V,
      I,
      ones,
      ones,
      qc,
      qd,
      ec,
      ed,
      new Float64Array(n).fill(toCelsius(ambient_K)),
      ...(temps ? [Array.from(T_K, toCelsius)] : []),
    ],
  );
  const k = n - 1;
  const QC = qc[k] ?? 0;
  const QD = qd[k] ?? 0;
  const EC = ec[k] ?? 0;
  const ED = ed[k] ?? 0;
  const summary = toBdfTableCsv(cycleSummaryColumns(true), [
    [1],
    [t[k] ?? 0],
    [startTime_s + (t[k] ?? 0)],
    [V[k] ?? NaN],
    [I[k] ?? NaN],
    [QC],
    [QD],
    [EC],
    [ED],
    [QC > 0 ? QD / QC : NaN],
    [EC > 0 ? ED / EC : NaN],
    [QC > 0 ? EC / QC : NaN],
    [QD > 0 ? ED / QD : NaN],
    [t[0] ?? 0],
  ]);
  return { series, summary, charge_Ah: QC, discharge_Ah: QD };
}

/**
 * `--current-profile`: a BDF CSV (Test Time / s and Current / A, or their notations; positive on
 * charge; a Voltage / V column is the measured voltage), the validation format `Time [s],I[A],U[V]`, or
 * a PyBaMM drive-cycle CSV (`#` comment lines, headerless rows; current positive on discharge, negated).
 */
function readCurrentProfile(path: string): CurrentProfile & { format: string } {
  const text = readText(path, '--current-profile', 'CSV file');
  const dc = parseDriveCycleCsv(text);
  if (dc.ok && dc.value.sign === 'discharge-positive') {
    if (dc.value.quantity && !/current/i.test(dc.value.quantity))
      throw inputError(
        '--current-profile',
        `a PyBaMM drive cycle of ${dc.value.quantity}, not a current`,
        JSON.stringify(path),
        'a current profile (time [s], current [A])',
      );
    return {
      t_s: Float64Array.from(dc.value.time_s),
      I_A: Float64Array.from(dc.value.value),
      format: 'PyBaMM drive cycle',
    };
  }
  const t = parseCsvTable(text, ['Test Time / s', 'Current / A']);
  if (!t.ok) throw new ProblemError(t.errors.map((e) => csvProblem(e, path)));
  const time = t.value.columns['Test Time / s']!;
  const cur = t.value.columns['Current / A']!;
  const U = t.value.columns['Voltage / V'];
  for (let i = 0; i < time.length; i++) {
    const bad = !Number.isFinite(time[i]!) || !Number.isFinite(cur[i]!) || (i > 0 && !(time[i]! > time[i - 1]!));
    if (bad)
      throw new ProblemError(
        csvProblem(
          {
            line: i + 2,
            column: t.value.header.indexOf(Number.isFinite(time[i]!) && i > 0 ? 'Test Time / s' : 'Current / A') + 1,
            problem: 'not a current profile row',
            got: `time ${time[i]}, current ${cur[i]}`,
            allowed: 'strictly increasing times and a current on every row',
          },
          path,
        ),
      );
  }
  if (time.length < 2) throw inputError('--current-profile', 'too few rows', String(time.length), '≥ 2 rows');
  return {
    t_s: Float64Array.from(time),
    I_A: Float64Array.from(cur),
    ...(U && U.every(Number.isFinite) ? { U_V: Float64Array.from(U) } : {}),
    format: t.value.rawHeader.some((h) => /^time \[s\]$/i.test(h)) ? 'Time [s],I[A],U[V]' : 'BDF',
  };
}

/** The model for `--cell` and `--model`, or a ProblemError. */
export function cellModelFor(
  cell: string,
  model: string,
  set: readonly string[] = [],
): {
  model: FullCellModel;
  kind: 'bpx' | 'recipe';
  /** the BPX file's warnings (validator and doubtful physics), the legacy-conversion note left out */
  notes?: string[];
  chargeCutoff_V: number;
  dischargeCutoff_V: number;
  initialSoc?: number;
} {
  if (/\.json$/i.test(cell)) {
    if (set.length)
      throw inputError(
        '--set',
        'overrides apply to a recipe, not to a BPX cell file',
        JSON.stringify(set[0]),
        'a recipe YAML for --cell, or no --set',
      );
    if (!(BPX_MODELS as readonly string[]).includes(model))
      throw inputError(
        '--model',
        'not a model for a BPX (liquid-electrolyte) cell',
        JSON.stringify(model),
        BPX_MODELS.join(', '),
      );
    let params;
    try {
      params = parseBpxText(readText(cell, '--cell', 'BPX JSON file', MAX_FILE_BYTES.bpx), cell);
    } catch (e) {
      throw underFlag('--cell', e);
    }
    let m: FullCellModel;
    try {
      m = createLiquidModel(params, { model: model as (typeof BPX_MODELS)[number] });
    } catch (e) {
      // values the standard accepts but the model cannot run with, by their BPX path in the --cell file
      throw underFlag('--cell', e);
    }
    // the cell's own cut-offs; the start state of the file's State (BPX 1.x), when it gives one
    return {
      model: m,
      kind: 'bpx',
      chargeCutoff_V: params.cell.upperCutoff_V,
      dischargeCutoff_V: params.cell.lowerCutoff_V,
      ...(params.initialSoc !== undefined ? { initialSoc: params.initialSoc } : {}),
      notes: (params.warnings ?? []).filter((w) => !/legacy BPX v0/.test(w)).map((w) => `BPX: ${w}`),
    };
  }
  if (!(SSB_MODELS as readonly string[]).includes(model))
    throw inputError(
      '--model',
      'not a model for the solid-state cell of a recipe',
      JSON.stringify(model),
      SSB_MODELS.join(', '),
    );
  const { recipe } = loadRecipe(cell, { production: false, battery: false }, parseSetFlags(set));
  const m = buildCellModel(recipe, model as (typeof SSB_MODELS)[number]);
  // a recipe's cell starts as produced (discharged) unless the recipe asks otherwise
  return {
    model: m,
    kind: 'recipe',
    chargeCutoff_V: recipe.cycling.charge_cutoff_V,
    dischargeCutoff_V: recipe.cycling.discharge_cutoff_V,
    initialSoc: recipe.cycling.initial_soc ?? 0,
  };
}

export function cycleCommand(o: CycleOptions, out: (s: string) => void): void {
  // output paths first: before any work, and never onto an input or a database
  const inputs = [o.cell, o.currentProfile, o.compare].filter((x): x is string => typeof x === 'string');
  if (o.csv) checkOutputFile(o.csv, { field: '--csv', force: o.force, inputs });
  if (o.summaryCsv) checkOutputFile(o.summaryCsv, { field: '--summary-csv', force: o.force, inputs });
  if (o.csv && o.summaryCsv && resolve(o.csv) === resolve(o.summaryCsv))
    throw inputError('--summary-csv', 'is the same file as --csv', JSON.stringify(o.summaryCsv), 'a different file');
  const socArg = o.initialSoc !== undefined ? parseInitialSoc(o.initialSoc) : undefined;
  // the Unix Time / s of the files: the run's own start (`--start-time`), else now
  const startTime_s = o.startTime !== undefined ? parseStartTime(o.startTime) : Math.round(Date.now()) / 1000;
  const { model, chargeCutoff_V, dischargeCutoff_V, initialSoc: cellSoc, notes } = cellModelFor(o.cell, o.model, o.set);
  const initialSoc = socArg ?? cellSoc;
  if (initialSoc !== undefined && !(initialSoc >= 0 && initialSoc <= 1))
    throw inputError(
      'State.Initial conditions.Initial state-of-charge',
      'must be between 0 and 1 to start from it (PyBaMM refuses it too)',
      String(initialSoc),
      '0–1, or --initial-soc to start elsewhere',
    );
  if (o.experimentFile && o.experiment?.length)
    throw inputError(
      '--experiment-file',
      'give either --experiment steps or an experiment file, not both',
      `${o.experiment.length} step(s) and ${JSON.stringify(o.experimentFile)}`,
      '--experiment … or --experiment-file <yaml|json|txt>',
    );
  if (o.currentProfile) {
    if (o.experimentFile)
      throw inputError(
        '--experiment-file',
        'give either an experiment file or a current profile, not both',
        JSON.stringify(o.experimentFile),
        '--experiment-file <file> or --current-profile <csv>',
      );
    if (o.experiment?.length)
      throw inputError(
        '--experiment',
        'give either experiment steps or a current profile, not both',
        `${o.experiment.length} step(s)`,
        '--experiment … or --current-profile <csv>',
      );
    const profile = readCurrentProfile(o.currentProfile);
    const s = simulateCurrentProfile(model, profile, initialSoc !== undefined ? { soc0: initialSoc } : {});
    const files = profileCsvs(s.t_s, s.V, s.I_A, s.T_K, model.ambientTemperature_K ?? NaN, startTime_s);
    const qc = files.charge_Ah;
    const qd = files.discharge_Ah;
    if (o.csv) writeOut('--csv', o.csv, files.series, o.force);
    if (o.summaryCsv) writeOut('--summary-csv', o.summaryCsv, files.summary, o.force);
    const cmp = o.compare
      ? compareWith(o.compare, { time_s: Array.from(s.t_s), voltage_V: Array.from(s.V) })
      : undefined;
    let rmse: number | undefined;
    if (profile.U_V) {
      // measured voltage interpolated at the model's times
      let se = 0;
      let n = 0;
      let j = 0;
      for (let i = 0; i < s.t_s.length; i++) {
        const t = s.t_s[i]!;
        while (j < profile.t_s.length - 2 && profile.t_s[j + 1]! < t) j++;
        const t0 = profile.t_s[j]!;
        const t1 = profile.t_s[j + 1] ?? t0;
        const w = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
        const u = profile.U_V[j]! * (1 - w) + (profile.U_V[j + 1] ?? profile.U_V[j]!) * w;
        se += (s.V[i]! - u) ** 2;
        n++;
      }
      rmse = Math.sqrt(se / Math.max(1, n));
    }
    const summary = {
      model: model.name,
      status: s.status,
      duration_s: s.t_s[s.t_s.length - 1] ?? 0,
      points: s.t_s.length,
      profile_format: profile.format,
      charge_Ah: qc,
      discharge_Ah: qd,
      ...(initialSoc !== undefined ? { initial_soc: initialSoc } : {}),
      ...(rmse !== undefined ? { voltage_rmse_mV: rmse * 1000 } : {}),
      ...(cmp ?? {}),
      ...(o.csv ? { csv: o.csv } : {}),
      ...(o.summaryCsv ? { summary_csv: o.summaryCsv } : {}),
    };
    out(
      o.json
        ? JSON.stringify(summary, null, 2)
        : kv(Object.entries(summary).map(([k, v]) => [k, v as number | string])),
    );
    return;
  }
  const steps = o.experiment?.length ? o.experiment : undefined;
  let driveCycles: Record<string, DriveCycle> | undefined;
  let experiment: Experiment | undefined;
  const warnings: string[] = [...(notes ?? [])];
  if (o.experimentFile) {
    const file = o.experimentFile;
    const format = experimentFormatOf(file);
    if (!format)
      throw inputError(
        '--experiment-file',
        'unknown file type',
        JSON.stringify(file),
        '.yaml, .yml, .json, .txt or .py',
      );
    const r = parseExperimentFile(
      readText(file, '--experiment-file', 'experiment file', MAX_FILE_BYTES.recipe),
      format,
      file,
    );
    if (!r.ok) throw new ProblemError(r.problems);
    experiment = r.value;
    driveCycles = loadDriveCycles(experiment, dirname(resolve(file)), '--experiment-file');
  } else if (steps) {
    // the --experiment steps form ONE cycle (use --experiment-file for PyBaMM's cycles, tuples and * N)
    const parsed = parseExperiment(steps);
    if (!parsed.ok) throw new ProblemError(parsed.errors.map(parseErrorProblem), '--experiment');
    experiment = parsed.value;
    const dirs = parsed.value.blocks[0]!.steps.map((x) => x.instruction).filter(
      (i) => i === 'charge' || i === 'discharge',
    );
    const turns = dirs.filter((d, k) => k > 0 && d === 'charge' && dirs[k - 1] === 'discharge').length;
    if (turns > 0)
      warnings.push(
        `the ${steps.length} --experiment steps form one cycle that charges again after discharging ` +
          `(${turns + 1} charge–discharge turns); its capacities add up over them — give the cycles as an ` +
          "--experiment-file (PyBaMM's list of tuples, * N)",
      );
    driveCycles = loadDriveCycles(parsed.value, process.cwd(), '--experiment');
  }
  if (experiment) {
    // the limits again with the drive cycles' lengths (refused before the run, not while it runs)
    const field = o.experimentFile ? '--experiment-file' : '--experiment';
    const size = experimentSizeProblems(experiment, driveCycles);
    if (size.length)
      throw new ProblemError(
        size.map((z) => ({ path: field, problem: `${z.problem} at ${z.where}`, got: z.got, allowed: z.allowed })),
      );
  }
  // the default protocol starts discharged; user steps from the cell's start state (recipe: as produced)
  const soc = initialSoc ?? (steps ? undefined : 0);
  let result;
  try {
    result = runExperiment(
      model,
      experiment ?? [
        [
          `Charge at 0.1C until ${chargeCutoff_V} V`,
          `Hold at ${chargeCutoff_V} V until 0.02C`,
          `Discharge at 0.1C until ${dischargeCutoff_V} V`,
        ],
      ],
      {
        ...(soc !== undefined ? { initialSoc: soc } : {}),
        ...(driveCycles && Object.keys(driveCycles).length ? { driveCycles } : {}),
      },
    );
  } catch (e) {
    throw underFlag('--experiment', e);
  }
  if (o.csv) writeOut('--csv', o.csv, toBdfCsv(result, { startTime_s }), o.force);
  if (o.summaryCsv) writeOut('--summary-csv', o.summaryCsv, toCycleSummaryCsv(result, { startTime_s }), o.force);
  const cmp = o.compare ? compareWith(o.compare, result.series) : undefined;
  const fc = firstCycleSummary(result);
  const perCycle = allCycleMetrics(result).map((m) => ({
    cycle: m.index,
    charge_Ah: m.charge_Ah,
    discharge_Ah: m.discharge_Ah,
    coulombic_efficiency: m.coulombicEfficiency,
  }));
  const summary = {
    model: model.name,
    status: result.status,
    ...(result.reason ? { reason: result.reason } : {}),
    initial_soc: result.initialSoc,
    ...fc,
    steps: result.steps.length,
    cycles: result.cycles.length,
    ...(warnings.length || result.warnings.length ? { warnings: [...warnings, ...result.warnings] } : {}),
    ...(cmp
      ? {
          voltage_rmse_mV: cmp.voltage_rmse_mV,
          voltage_max_error_mV: cmp.voltage_max_error_mV,
          compared_points: cmp.compared_points,
          compared_with: cmp.compared_with,
        }
      : {}),
    ...(o.csv ? { csv: o.csv } : {}),
    ...(o.summaryCsv ? { summary_csv: o.summaryCsv } : {}),
    per_cycle: perCycle,
  };
  out(
    o.json
      ? JSON.stringify(summary, null, 2)
      : kv(
          Object.entries(summary)
            .filter(([, v]) => typeof v !== 'object')
            .map(([k, v]) => [k, v as number | string]),
        ),
  );
}

/** writes an output file (checked up front by cycleCommand) through a temporary file and a rename */
function writeOut(option: string, path: string, text: string, force?: boolean): void {
  writeFileAtomic(path, text, { field: option, force });
}
