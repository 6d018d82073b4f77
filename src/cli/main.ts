/**
 * rollcell command line. Exit codes: 0 success; 2 invalid input (one line per problem on stderr:
 * `<path>: <problem> (got <value>; allowed <what>)`); 1 internal error. Never a stack trace unless
 * ROLLCELL_DEBUG=1.
 */
import { Writable } from 'node:stream';
import { Command, CommanderError, Option } from 'commander';
import { join } from 'node:path';
import { ProblemError } from '../problems.ts';
import { checkOutputDir, stageFile, type StagedFile } from '../io/files.ts';
import { escapeJsonControls, safeText } from '../io/text.ts';
import { recipeJsonSchema } from '../recipe/schema.ts';
import { runOutputJsonSchema } from '../contract.ts';
import { allMaterials } from '../materials/library.ts';
import { runJob } from '../pipeline.ts';
import { releaseJobWorkers, runJobThreaded, StagedSave, warmJobWorkers } from './job-threads.ts';
import { renderReport } from '../report/index.ts';
import { formatSummary } from './summary.ts';
import { ROLLCELL_VERSION } from '../version.ts';
import { table, fmtNum } from './table.ts';
import { createReporter, type Reporter } from './progress.ts';
import { loadLineData, type LoadedLineData } from './line-data.ts';
import { addExamples } from './examples.ts';
import { markTiming } from './timings.ts';
import type { ExportCliOptions } from './export.ts';
import { BATTERY_PROFILES } from '../battery/run.ts';
import type { JobResult } from '../pipeline.ts';
import type { Progress } from '../progress.ts';
import {
  ExitStatus,
  inputError,
  loadRecipe,
  numberFlag,
  parseLimit,
  parseSeed,
  parseSetFlags,
  requiredNumberFlag,
  type LoadedRecipe,
} from './input.ts';
import { parseDecimal } from '../io/decimal.ts';
import {
  openStore,
  newRunId,
  StoreError,
  formatRunList,
  formatRun,
  formatDiff,
  CellSpool,
  parseDbSpec,
  type SaveProgress,
  type Store,
} from '../store/index.ts';
import { maskSpec } from '../store/index.ts';
import { prepareRunRows } from '../store/store.ts';
import type { StudyCommandOptions } from './study.ts';

/** per-cell records, cycles and time series of a run, in the store's shapes (moved to ../run-record.ts) */
export { storedDetail } from '../run-record.ts';
import { failedRunOutput, storedDetail } from '../run-record.ts';
import { toGPerCm3, toMAhPerG, toMScm } from '../units/index.ts';

/** The first non-finite number in a value (its path), or undefined: NaN and ±Infinity never reach the store. */
export function firstNonFinite(v: unknown, path = 'output', depth = 0): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : `${path} = ${v}`;
  if (v === null || typeof v !== 'object' || depth > 64) return undefined;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const a = v as ArrayLike<unknown>;
    for (let i = 0; i < a.length; i++) {
      const r = firstNonFinite(a[i], `${path}[${i}]`, depth + 1);
      if (r) return r;
    }
    return undefined;
  }
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const r = firstNonFinite(x, `${path}.${k}`, depth + 1);
    if (r) return r;
  }
  return undefined;
}

/** An internal defect found while finishing a run (exit 1, but the run is recorded as failed). */
export class RunDefectError extends Error {}

/**
 * Runs the job and stores it. Nothing a user ran is lost and nothing half-done is left:
 * - the run is stored as completed, with its report written to a temporary file first and moved into
 *   place only once the run is committed (never a report without a run);
 * - a run that fails (bad input found late, a defect, a non-finite number, a report that cannot be
 *   written) is stored as failed with the reason, and no report is left;
 * - when the store itself fails (disk full, database gone), nothing is left and the message says so.
 * With `o.dbSpec` (the store's spec as given: a file or a server, not `:memory:`) and a production shift on its
 * own thread, the save is staged: that thread writes the shift's cells into the run's save transaction while
 * the battery runs (StagedSave), and the end commits the rest of the run in the same transaction; any
 * failure of the stages falls back to the plain save. Either way the run is stored whole or not at all.
 */
export async function runAndStore(
  store: Store,
  runId: string,
  loaded: LoadedRecipe,
  seed: number,
  o: { production: boolean; battery: boolean; dbSpec?: string },
  outDir: string,
  progress?: Progress,
  lineData?: LoadedLineData,
): Promise<JobResult> {
  const { recipe, text, driveCycles } = loaded;
  let staged: StagedFile | undefined;
  let saved = false;
  // the production run's cells go to a spool file as the line makes them and from there into the store
  // in chunks: memory stays bounded whatever the shift's length
  const spool = o.production ? new CellSpool() : undefined;
  const stage =
    spool && o.dbSpec !== undefined && stageable(o.dbSpec)
      ? new StagedSave(o.dbSpec, { runId, recipeText: text, recipe: recipe as unknown })
      : undefined;
  try {
    // the cycling stage and the production shift (writing its records to the spool) on worker threads
    // while this one runs the battery, from the shift's first in-spec cells on
    const res = await runJobThreaded(
      recipe,
      {
        seed,
        runId,
        production: o.production,
        battery: o.battery,
        batteryFrames: 60,
        driveCycles,
        ...(progress ? { progress } : {}),
        ...(lineData ? { lineData: lineData.data } : {}),
      },
      spool,
      stage,
    );
    if (lineData && res.output.production) {
      // which file fed the run (the block already counts its rows and stations)
      const ld = res.output.production.line_data;
      res.output.production.line_data = {
        ...(ld ?? { rows: 0, stations: [] }),
        file: lineData.file,
        source: lineData.source,
        sha256: lineData.sha256,
      };
    }
    markTiming('job done');
    const bad = firstNonFinite(res.output);
    if (bad)
      throw new RunDefectError(
        `the run produced a non-finite number (${bad}); this is a defect of rollcell, please report it with the recipe`,
      );
    const reportPath = join(outDir, `${runId}.html`);
    res.output.report = reportPath;
    const html = renderReport({ output: res.output, recipe, timeSeries: res.timeSeries, cycles: res.cycles });
    staged = stageFile(reportPath, html, { field: '--out' });
    markTiming('report rendered');
    const input = {
      recipeText: text,
      recipe: recipe as unknown,
      seed,
      runId,
      output: res.output,
      ...storedDetail(res),
      ...(spool ? { cellStream: spool.stream(res.batteryCells) } : {}),
    };
    // the staged save's last stage (its cells are in), else the whole save here
    if (stage?.attached && spool)
      saved = await stage.commit(prepareRunRows(input), { cells: spool.count, battery: res.batteryCells });
    if (!saved)
      await store.saveRun(input, {
        ...(progress ? { onProgress: savingProgress(progress) } : {}),
        ...(stage?.mayHaveLanded ? { mayExist: true } : {}),
      });
    saved = true;
    staged.commit();
    markTiming('saved');
    return res;
  } catch (e) {
    staged?.abort();
    // the staged save rolled back (and its write lock released) before the failed run is recorded
    await stage?.abort().catch(() => {});
    if (!saved) {
      const reason = e instanceof Error ? e.message : String(e);
      try {
        await store.saveRun({
          recipeText: text,
          recipe: recipe as unknown,
          seed,
          runId,
          status: 'failed',
          output: failedRunOutput(runId, reason),
        });
      } catch (e2) {
        // the store itself failed: say so, with the original reason first
        const why = e2 instanceof Error ? e2.message : String(e2);
        if (e instanceof ProblemError)
          throw new ProblemError(
            [
              ...e.problems,
              {
                path: '--db',
                problem: 'the failed run could not be recorded either',
                got: JSON.stringify(why),
                allowed: 'a database that takes writes',
              },
            ],
            e.prefix,
          );
        throw new Error(`${reason}; the failed run could not be recorded either: ${why}`, { cause: e2 });
      }
    }
    throw e;
  } finally {
    await stage?.abort().catch(() => {});
    spool?.dispose();
  }
}

/**
 * whether a run's save can be staged on another thread's connection: a file or a server, not a private
 * `:memory:`; ROLLCELL_STAGED_SAVE=0 turns it off (the whole save at the end, as before: e.g. to keep a
 * shared SQLite file's write lock free while a long job runs)
 */
function stageable(dbSpec: string): boolean {
  if (process.env['ROLLCELL_STAGED_SAVE'] === '0') return false;
  try {
    const spec = parseDbSpec(dbSpec);
    return spec.kind === 'postgres' || spec.path !== ':memory:';
  } catch {
    return false;
  }
}

/** the save's progress (cells in chunks, a long production run's take a while) as the job's 'saving' stage */
function savingProgress(progress: Progress): (p: SaveProgress) => void {
  return (p) => {
    if (p.phase === 'cells') progress({ stage: 'saving cells', done: p.done, total: p.total, unit: 'cells' });
  };
}

/** the options of `rollcell run` as commander gives them */
interface RunCommandOptions {
  set?: string[];
  lineData?: string;
  json?: boolean;
  seed: string;
  db: string;
  out: string;
  production: boolean;
  battery: boolean;
  quiet?: boolean;
  campaign?: string;
}

/** how the CLI runs: progress shown on stderr (the rollcell bin) or not (in-process callers, tests) */
export interface MainOptions {
  progress?: boolean;
  /** where streamed output (exports) goes (default process.stdout) */
  stdout?: Writable & { isTTY?: boolean };
}

/** `--line-data <file>`: measured series for the production run */
const LINE_DATA_OPTION = [
  '--line-data <file>',
  "CSV of measured gauge/force/temperature series replacing the simulated variability of the production run (overrides the recipe's production.line_data)",
] as const;

/** commander's collector of a repeatable option (`--set`, `--experiment`, `--data`) */
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `--set <path=value>` (repeatable): every command that takes a recipe */
const SET_OPTION = [
  '--set <path=value>',
  'override a recipe field, validated like the file (repeatable; paths as in `rollcell schema`), e.g. --set stations.240.force_N=450',
  collect,
] as const;

export function buildProgram(out: (s: string) => void, mo: MainOptions = {}): Command {
  const reporterFor = (quiet: boolean | undefined): Reporter =>
    createReporter({ quiet: quiet === true || !mo.progress });
  const program = new Command();
  program
    .name('rollcell')
    .description(
      'Digital twin of a roll-to-roll all-solid-state cell line with an in-situ prelithiated Li–Al anode (US 2025/0266422 A1)',
    )
    .version(ROLLCELL_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => out(s.replace(/\n$/, '')),
      writeErr: (s) => process.stderr.write(safeText(s)),
    });

  program
    .command('run')
    .description('the main job: recipe → line → cells → cycling → claims → report, stored in the database')
    .argument('<recipe>', 'recipe YAML file')
    .option('--json', 'print the result as one JSON object (CONTRACT.md)')
    .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
    .option('--out <dir>', 'directory for the HTML report', 'out')
    .option('--seed <n>', 'seed of the random number generator', '1')
    .option('--no-production', 'skip the production run (the `production` block)')
    .option('--no-battery', "skip the battery's duty-profile run (the `battery` block)")
    .option('-q, --quiet', 'no progress on stderr')
    .option(...SET_OPTION)
    .option(...LINE_DATA_OPTION)
    .option(
      '--campaign <cells>',
      'a production campaign of this many cells in whole-roll shards (on `rollcell worker`s with --db postgres://…)',
    )
    .action(async (file: string, o: RunCommandOptions) => {
      markTiming('command parsed');
      // the job's first worker thread (the shift's, else the cycling's) loads its code while this one reads
      // the recipe and opens the store
      if (o.campaign === undefined && (o.production || o.battery)) warmJobWorkers(1);
      try {
        await runCommand(file, o);
      } finally {
        releaseJobWorkers();
      }
    });

  async function runCommand(file: string, o: RunCommandOptions): Promise<void> {
    // every check before any work: the recipe (one validation with `validate`) with its `--set`
    // overrides, the line data, the seed, the report directory and the database (opened and
    // integrity-checked)
    const loaded = loadRecipe(file, { production: o.production, battery: o.battery }, parseSetFlags(o.set));
    const { recipe } = loaded;
    markTiming('recipe loaded');
    if (o.lineData !== undefined && !o.production)
      throw inputError(
        '--line-data',
        'measured line data feed the production run, which --no-production turns off',
        JSON.stringify(o.lineData),
        '--line-data without --no-production',
      );
    const lineData = o.production ? loadLineData(file, recipe, o.lineData) : undefined;
    const seed = parseSeed(o.seed);
    if (o.campaign !== undefined) {
      const { campaignCommand, parseCampaignCells } = await import('./campaign.ts');
      const cells = parseCampaignCells(o.campaign);
      const reporter = reporterFor(o.quiet);
      try {
        await campaignCommand(
          recipe,
          loaded.text,
          cells,
          { db: o.db, seed, json: o.json === true },
          out,
          reporter.progress,
        );
      } finally {
        reporter.close();
      }
      return;
    }
    const outDir = checkOutputDir(o.out, '--out');
    const store = await openStore(o.db);
    markTiming('store open');
    try {
      const runId = newRunId();
      const reporter = reporterFor(o.quiet);
      let res;
      try {
        res = await runAndStore(
          store,
          runId,
          loaded,
          seed,
          { production: o.production, battery: o.battery, dbSpec: o.db },
          outDir,
          reporter.progress,
          lineData,
        );
      } finally {
        reporter.close();
      }
      out(
        o.json
          ? JSON.stringify(res.output, null, 2)
          : formatSummary(recipe, res) +
              `\n\nreport: ${res.output.report}\nstored as run ${runId} in ${maskSpec(o.db)}`,
      );
      markTiming('printed');
    } finally {
      await store.close();
      markTiming('store closed');
    }
  }

  const runs = program.command('runs').description('run history: list / show <id> / diff <a> <b> / export <id>');
  const withStore = async <T>(db: string, fn: (s: Store) => Promise<T>): Promise<T> => {
    const store = await openStore(db);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  runs
    .command('list')
    .description('the stored runs, newest first')
    .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
    .option('--limit <n>', 'how many', '20')
    .action(async (o: { db: string; limit: string }) => {
      const limit = parseLimit(o.limit);
      out(await withStore(o.db, async (s) => formatRunList(await s.listRuns({ limit }))));
    });
  runs
    .command('show')
    .description('one run (an id prefix is enough)')
    .argument('<id>')
    .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
    .option('--json', 'the stored result JSON')
    .action(async (id: string, o: { db: string; json?: boolean }) => {
      out(
        await withStore(o.db, async (s) => {
          const r = await s.getRun(id);
          return o.json ? JSON.stringify(r.output, null, 2) : formatRun(r);
        }),
      );
    });
  runs
    .command('campaigns')
    .description('the stored production campaigns (rollcell run --campaign N), newest first')
    .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
    .option('--limit <n>', 'how many', '20')
    .action(async (o: { db: string; limit: string }) => {
      const limit = parseLimit(o.limit);
      const { campaignsList } = await import('./campaign.ts');
      await campaignsList(o.db, limit, out);
    });
  runs
    .command('campaign')
    .description(
      "a stored campaign (an id prefix is enough): its control charts and capability, one cell's genealogy " +
        '(--cell), or the cells made from a roll across shards (--roll)',
    )
    .argument('<id>')
    .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
    .option('--cell <serial>', "one cell's parent rolls with MD positions, lane and verdict")
    .option('--roll <roll id>', 'the cells made from a roll (FS-000001, AL-000042, LC-000007)')
    .option('--limit <n>', 'rows shown in text (--json gives all)', '20')
    .option('--json', 'as JSON')
    .action(async (id: string, o: import('./campaign.ts').CampaignShowOptions) => {
      const { campaignShow } = await import('./campaign.ts');
      await campaignShow(id, o, out);
    });
  runs
    .command('diff')
    .description('what changed between two runs')
    .argument('<a>')
    .argument('<b>')
    .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
    .action(async (a: string, b: string, o: { db: string }) => {
      out(await withStore(o.db, async (s) => formatDiff(await s.diffRuns(a, b))));
    });
  runs
    .command('export')
    .description(
      'a run as JSON (the whole run), CSV (one table) or XLSX (a worksheet per table), streamed: cells (one row per cell ' +
        'with genealogy, gauge and station readings, verdict and causes), cycles, series, spc',
    )
    .argument('<id>', 'run id (a prefix is enough)')
    .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
    .option('--format <format>', 'json, csv or xlsx (default: from the --out extension, else json)')
    .option(
      '--what <table>',
      'cells, cycles, series or spc (repeatable or comma-separated; default: everything)',
      collect,
    )
    .option('--out <file>', 'write to this file (written completely, then renamed into place) instead of stdout')
    .option('--force', 'overwrite an existing --out file')
    .action(async (id: string, o: { db: string } & ExportCliOptions) => {
      const { exportCommand } = await import('./export.ts');
      // the bin streams to stdout; an in-process caller (out callback) gets the text in one piece
      let text = '';
      const sink =
        mo.stdout ??
        new Writable({
          write(chunk: Buffer | string, _enc, cb) {
            text += chunk.toString();
            cb();
          },
        });
      const path = await withStore(o.db, (s) => exportCommand(s, id, o, sink));
      if (!mo.stdout && !o.out) out(text.replace(/\n$/, ''));
      if (path) process.stderr.write(`exported to ${path}\n`);
    });
  runs
    .command('delete')
    .description('delete a run with its cells, cycles and series')
    .argument('<id>', 'run id (a prefix is enough)')
    .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
    .action(async (id: string, o: { db: string }) => {
      const r = await withStore(o.db, (s) => s.deleteRun(id));
      out(`deleted run ${r.runs.join(', ')} (${r.cells} cells, ${r.cycles} cycles, ${r.time_series} series)`);
    });
  runs
    .command('prune')
    .description('delete all but the newest N runs')
    .requiredOption('--keep <n>', 'how many of the newest runs to keep')
    .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
    .action(async (o: { db: string; keep: string }) => {
      const keep = parseDecimal(o.keep);
      if (!Number.isInteger(keep) || keep < 0)
        throw inputError('--keep', 'must be a whole number of runs', JSON.stringify(o.keep), '0, 1, 2, …');
      const r = await withStore(o.db, (s) => s.pruneRuns(keep));
      out(
        `deleted ${r.runs.length} run(s) (${r.cells} cells, ${r.cycles} cycles, ${r.time_series} series); kept the newest ${keep}`,
      );
    });

  program
    .command('cycle')
    .description(
      'run an experiment (or a measured current profile) on one cell: a BPX cell (dfn|spme|spm) or the cell a recipe produces (p2d|spme|spm)',
    )
    .requiredOption('--cell <file>', 'recipe YAML or BPX JSON')
    .requiredOption('--model <model>', 'p2d, spme, spm (recipe) or dfn, spme, spm (BPX)')
    .option('--experiment <step>', 'an experiment step (repeatable), PyBaMM syntax', collect)
    .option(
      '--experiment-file <file>',
      "PyBaMM's experiment structure: YAML/JSON (list of steps and cycles, Experiment.to_config) " +
        'or text (pybamm.Experiment([...]) Python, or one step per line); every entry is a cycle',
    )
    .option(
      '--current-profile <csv>',
      'drive the cell with a current trace: a BDF CSV (Test Time / s, Current / A[, Voltage / V]; discharge negative), ' +
        'Time [s],I[A][,U[V]], or a PyBaMM drive-cycle CSV (positive on discharge, as PyBaMM)',
    )
    .option('--csv <out.csv>', 'write the time series as Battery Data Format CSV')
    .option('--summary-csv <out.csv>', 'write the per-cycle summary (capacities, CE, energies, mean voltages) as CSV')
    .option(
      '--compare <measured.csv>',
      'measured BDF CSV (or Time [s],I[A],U[V]) to compare with: prints the voltage RMSE',
    )
    .option('--initial-soc <soc>', 'start state of charge 0–1 (default: a recipe cell as produced, discharged = 0)')
    .option(...SET_OPTION)
    .option(
      '--start-time <time>',
      "the run's start for the files' Unix Time / s: ISO 8601 or Unix seconds (default now)",
    )
    .option('--json', 'print the summary as JSON')
    .option('--force', 'replace existing --csv/--summary-csv files (never an input or a database)')
    .action(
      async (o: {
        cell: string;
        model: string;
        experiment?: string[];
        experimentFile?: string;
        currentProfile?: string;
        csv?: string;
        summaryCsv?: string;
        compare?: string;
        initialSoc?: string;
        set?: string[];
        startTime?: string;
        json?: boolean;
        force?: boolean;
      }) => {
        const { cycleCommand } = await import('./cycle.ts');
        cycleCommand(o, out);
      },
    );

  const bpx = program
    .command('bpx')
    .description('Battery Parameter eXchange files: check a file against the standard, export a recipe cell');
  bpx
    .command('check')
    .description(
      "what the BPX standard's reference validator (bpx 1.1.1) says of a file: accepted or refused, with its field paths " +
        'and warnings; and which rollcell models run it (exit 2 when refused)',
    )
    .argument('<file>', 'BPX JSON (or YAML) file')
    .option('--v-tol <V>', "tolerance of the validator's voltage-limit check, V", '0.001')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, o: { vTol?: string; json?: boolean }) => {
      const { bpxCheckCommand } = await import('./bpx.ts');
      const code = bpxCheckCommand(file, o, out);
      if (code !== 0) throw new ExitStatus(code);
    });
  bpx
    .command('export')
    .description(
      "the cell a recipe's line produces as a BPX 1.1 file (an SPM parameter set: what the standard can express of a solid-state cell; the rest is listed)",
    )
    .argument('<recipe>', 'recipe YAML file')
    .option('--out <file.json>', 'write the BPX file there (else the document goes to stdout)')
    .option('--json', 'print the summary as JSON (with --out)')
    .option('--force', 'replace an existing --out file (never the recipe or a database)')
    .action(async (file: string, o: { out?: string; json?: boolean; force?: boolean }) => {
      const { bpxExportCommand } = await import('./bpx.ts');
      await bpxExportCommand(file, o, out);
    });

  program
    .command('fit')
    .description(
      "fit a cell's parameters to measured data: a BPX liquid cell's fields to current profiles, or a recipe's " +
        'solid-state cell (ageing.<id>, rate.<field>) to fade curves and rate tests; weighted least squares, ' +
        'forward-sensitivity or difference Jacobian, 95 % intervals or why a parameter is not identifiable, RMSE per ' +
        'block before and after, an HTML fit report',
    )
    .requiredOption(
      '--cell <bpx.json|recipe.yaml>',
      'the BPX file of a liquid cell, or a recipe (its solid-state cell)',
    )
    .option(
      '--data <csv>',
      'measured data: a profile (time, current, voltage) for a BPX cell; a fade curve (cycle, retention) or a ' +
        'rate test (C-rate, retention) for a recipe; repeat for several',
      collect,
      [],
    )
    .option(
      '--params <name:lower:upper[:log]>',
      'a BPX field (alias such as negative.diffusivity, or its path) or a recipe model parameter ' +
        '(ageing.cei_kR, rate.anode_D_um2_s) with bounds; repeat for several',
      collect,
      [],
    )
    .option('--model <m>', 'BPX cell: dfn (default), spme or spm; recipe cell: spme')
    .option('--method <m>', 'lm (Levenberg–Marquardt), cmaes, or mcmc (LM, then adaptive Metropolis)', 'lm')
    .option('--hold-out <csv>', 'a profile not fitted, only compared after the fit; repeat for several', collect, [])
    .option('--points <n>', 'fit points per profile (measured samples thinned to about n)', '400')
    .option('--samples <n>', 'with --method mcmc: chain length', '20000')
    .option('--seed <n>', 'seed of cmaes and mcmc', '1')
    .option(
      '--out <file>',
      'write the fitted BPX document (BPX cell) or a recipe patch of cycling.model_parameters (recipe) there',
    )
    .option('--report <fit.html>', 'write the HTML fit report there (data vs model, cost, traces, correlation)')
    .option('--force', 'replace an existing --out file (never an input or a database)')
    .option('--json', 'print the result as JSON')
    .action(async (o: import('./fit.ts').FitCliOptions) => {
      const { fitCommand } = await import('./fit.ts');
      await fitCommand(o, out);
    });

  program
    .command('battery')
    .description(
      "the recipe's battery (its battery block) on a duty profile: EV drive cycle or a solar/wind storage day",
    )
    .argument('<recipe>', 'recipe YAML file with a battery block')
    .requiredOption('--profile <name>', `duty profile: ${BATTERY_PROFILES.join(', ')}`)
    .option('--days <n>', 'days of the profile (EV: drive-cycle repeats per day until the pack is empty)', '1')
    .option('--seed <n>', 'seed of the random number generator (cell spread, clouds, wind)', '1')
    .option(
      '--cells <source>',
      "'design' (design cell with the stated spread) or 'production' (in-spec cells of a production run)",
      'design',
    )
    .option('--profile-csv <file>', 'with --profile csv: time [s] and one value column')
    .option(
      '--csv-column <kind>',
      'what the CSV value column is: power_W, power_kW, current_A, speed_km_h, speed_m_s, speed_mph',
      'power_W',
    )
    .option('--json', 'print the battery block as JSON')
    .option('-q, --quiet', 'no progress on stderr')
    .option(...SET_OPTION)
    .option(...LINE_DATA_OPTION)
    .action(
      async (
        file: string,
        o: {
          profile: string;
          days: string;
          seed: string;
          cells: string;
          profileCsv?: string;
          csvColumn?: string;
          json?: boolean;
          quiet?: boolean;
          set?: string[];
          lineData?: string;
        },
      ) => {
        const { recipe } = loadRecipe(file, { production: o.cells === 'production' }, parseSetFlags(o.set));
        const lineData = o.cells === 'production' ? loadLineData(file, recipe, o.lineData) : undefined;
        const { batteryCommand } = await import('./battery.ts');
        const reporter = reporterFor(o.quiet);
        try {
          const r = batteryCommand(recipe, { ...o, seed: parseSeed(o.seed) }, reporter.progress, lineData?.data);
          out(r.text);
          // ran, but the pack could not be evaluated to the end: exit 2 naming the cell, time and why
          if (r.notEvaluable) throw r.notEvaluable;
        } finally {
          reporter.close();
        }
      },
    );

  const studyOptions = (c: Command): Command =>
    c
      .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
      .option('--out <dir>', 'directory for the HTML study report', 'out')
      .option('--workers <n>', 'worker threads (default: every core; 0 = this thread)')
      .option('--set <path=value>', 'change a recipe value for every point (repeatable)', collect)
      .option('--csv <file>', 'write the table of points as CSV')
      .option('--xlsx <file>', 'write the table of points as XLSX')
      .option('--parquet <file>', 'write the table of points as Parquet')
      .option('--json', 'print the study summary as JSON')
      .option('-q, --quiet', 'no progress on stderr')
      .option(
        '--distributed',
        'sweep only: enqueue the points as shards for `rollcell worker`s (needs --db postgres://…)',
      )
      .option('--shard-points <n>', 'with --distributed: points per shard (default: sized so the queue costs ≤ 1 %)')
      .option('--lease-s <s>', 'with --distributed: seconds a worker holds a shard before it is run again elsewhere')
      .option(
        '--shard-retries <n>',
        'with --distributed: retries of a shard; a point whose worker died this often is poisoned',
        '3',
      );
  for (const [kind, what] of [
    ['sweep', 'run a study: recipe paths over ranges/lists/distributions on a grid, LHS, Sobol or Saltelli design'],
    ['solve', "find the settings that meet the study's targets under its constraints (or the closest point)"],
    ['optimise', "a Pareto front of the study's objectives (NSGA-II)"],
  ] as const) {
    studyOptions(
      program
        .command(kind)
        .description(what)
        .argument('<recipe>', 'recipe YAML file')
        .argument('<study>', 'study YAML file'),
    ).action(async (recipe: string, study: string, o: StudyCommandOptions) => {
      const { studyCommand } = await import('./study.ts');
      await studyCommand(kind, recipe, study, o, out);
    });
  }
  program
    .command('worker')
    .description('a scale-out worker: runs the shards of distributed sweeps queued in the PostgreSQL database')
    .requiredOption('--db <spec>', 'the postgres:// URL the sweeps were enqueued in')
    .option('--concurrency <n>', 'shards run at once, one thread each (default: every core)')
    .option('--reconnect-s <s>', 'seconds to keep retrying a lost database connection before exiting', '60')
    .option('--idle-exit-s <s>', 'exit after this many seconds with nothing to do (default: run until stopped)')
    .option('-q, --quiet', 'no log lines on stderr')
    .action(async (o: import('./worker.ts').WorkerCommandOptions) => {
      const { workerCommand } = await import('./worker.ts');
      await workerCommand(o, out);
    });
  const studies = program.command('studies').description('stored studies: list / export <id>');
  studies
    .command('list')
    .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
    .option('--limit <n>', 'how many', '20')
    .action(async (o: { db: string; limit: string }) => {
      const limit = parseLimit(o.limit);
      const { studiesList } = await import('./study.ts');
      await studiesList(o.db, limit, out);
    });
  studies
    .command('export')
    .description('the HTML report and the table (CSV/XLSX/Parquet) of a stored study (an id prefix is enough)')
    .argument('<id>')
    .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
    .option('--out <dir>', 'directory for the HTML study report', 'out')
    .option('--csv <file>', 'CSV file')
    .option('--xlsx <file>', 'XLSX file')
    .option('--parquet <file>', 'Parquet file')
    .action(async (id: string, o: { db: string; out: string; csv?: string; xlsx?: string; parquet?: string }) => {
      const { studiesExport } = await import('./study.ts');
      await studiesExport(o.db, id, o, out);
    });

  program
    .command('serve')
    .description('the web dashboard and HTTP API (OpenAPI at /api/openapi.json); 127.0.0.1 by default')
    .option('--db <spec>', 'SQLite file or postgres:// URL', './rollcell.db')
    .option('--port <n>', 'TCP port (0: any free port)', '8080')
    .option('--host <addr>', 'address to bind; any non-loopback address requires a token', '127.0.0.1')
    .option('--token <t>', 'token required on every request (generated when binding a non-loopback address)')
    .option('--concurrency <n>', 'runs computed at once (worker threads; default cores − 1)')
    .action(async (o: { db: string; port: string; host: string; token?: string; concurrency?: string }) => {
      const port = requiredNumberFlag(o.port, '--port', 0, 65535, true, 'not a TCP port');
      const concurrency = numberFlag(o.concurrency, '--concurrency', 1, 256, true, 'not a worker count');
      if (o.token !== undefined && (o.token.length < 16 || !/^[\x21-\x7e]+$/.test(o.token)))
        throw inputError(
          '--token',
          'too short or not printable',
          `${o.token.length} characters`,
          '≥ 16 printable ASCII characters',
        );
      const { startServer } = await import('../server/serve.ts');
      let srv;
      try {
        srv = await startServer({
          db: o.db,
          port,
          host: o.host,
          ...(o.token ? { token: o.token } : {}),
          ...(concurrency ? { concurrency } : {}),
        });
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EADDRINUSE') throw inputError('--port', 'already in use', String(port), 'a free port (or 0)');
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
          throw inputError(
            '--host',
            'not an address of this machine',
            JSON.stringify(o.host),
            '127.0.0.1, ::1, 0.0.0.0 or a local address',
          );
        throw e;
      }
      out(
        `rollcell serve: ${srv.url}/${srv.token ? `?token=${srv.token}` : ''}\n  API: ${srv.url}` +
          `/api/openapi.json · database: ${srv.store.spec}` +
          `${srv.token ? '\n  token required (X-Rollcell-Token header for the API)' : ''}`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          void srv.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });

  program
    .command('validate')
    .description(
      "check a recipe: exit 0 when valid (stdout stays empty); the line's warnings that `run` would print (the seed's windows, Li melting, …) go to stderr",
    )
    .argument('<recipe>', 'recipe YAML file')
    .option(...SET_OPTION)
    .action((file: string, o: { set?: string[] }) => {
      const { recipe } = loadRecipe(file, {}, parseSetFlags(o.set));
      // the line's physics (no cycling, no production): the same warnings `run` prints about the line
      const warnings = runJob(recipe, { noCycling: true }).warnings;
      for (const w of warnings) process.stderr.write(`${file}: warning: ${w}\n`);
    });

  program
    .command('schema')
    .description(
      'print the recipe JSON Schema (for editor autocompletion), or with --output the JSON Schema of `rollcell run --json`',
    )
    .option('--output', 'the output contract (`rollcell run --json`) instead of the recipe')
    .action((o: { output?: boolean }) =>
      out(JSON.stringify(o.output ? runOutputJsonSchema() : recipeJsonSchema(), null, 2)),
    );

  program
    .command('materials')
    .description('list the material library with sources')
    .addOption(new Option('--kind <kind>', 'only this kind'))
    .option('--json', 'as JSON')
    .action((o: { kind?: string; json?: boolean }) => {
      const kinds = [...new Set(allMaterials().map((m) => m.kind))].sort();
      if (o.kind !== undefined && !kinds.includes(o.kind as (typeof kinds)[number]))
        throw inputError('--kind', 'unknown kind of material', JSON.stringify(o.kind), kinds.join(', '));
      const ms = allMaterials().filter((m) => !o.kind || m.kind === o.kind);
      if (o.json) return out(JSON.stringify(ms, null, 2));
      out(
        table(
          ['id', 'kind', 'density g/cm³', 'q_theor mAh/g', 'q_pract mAh/g', 'E_avg V', 'σ_ion mS/cm'],
          ms.map((m) => [
            m.id,
            m.kind,
            toGPerCm3(m.density.value),
            m.theoreticalCapacity ? toMAhPerG(m.theoreticalCapacity.value) : null,
            m.practicalCapacity ? toMAhPerG(m.practicalCapacity.value) : null,
            m.averagePotential?.value,
            m.ionicConductivity ? Number(fmtNum(toMScm(m.ionicConductivity.value))) : null,
          ]),
        ),
      );
    });
  addExamples(program);
  return program;
}

export async function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s + '\n'),
  mo: MainOptions = {},
): Promise<number> {
  // everything printed goes through here: control characters escaped (a recipe name cannot drive the
  // terminal), credentials redacted from messages
  const print = (s: string): void => out(escapeJsonControls(s));
  const say = (s: string): void => void process.stderr.write(safeText(s) + '\n');
  const program = buildProgram(print, mo);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return 0;
      return 2; // commander already printed the message
    }
    if (e instanceof ExitStatus) return e.code;
    if (e instanceof ProblemError) {
      say(e.message);
      return 2;
    }
    if (e instanceof StoreError && e.isUserError) {
      say(e.message);
      return 2;
    }
    const err = e as Error;
    say(`rollcell: internal error: ${err?.message ?? String(e)}`);
    if (process.env['ROLLCELL_DEBUG'] === '1' && err?.stack) say(err.stack);
    return 1;
  }
}
