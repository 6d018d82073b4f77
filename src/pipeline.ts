/**
 * The main job (DESIGN.md's one flow): recipe → design → line (stations 222 → 236 → 240, alloying,
 * cracking) → the produced cell → cycling on the solid-state model → claims.
 * Pure composition of the physics folders; the CLI adds storage and the report.
 */
import type { Recipe } from './recipe/schema.ts';
import type { BatteryBlock, CyclingBlock, RunOutput } from './contract.ts';
import { designCell, type CellDesign } from './design/index.ts';
import { designBlock } from './present/design.ts';
import type { WindowCheck } from './recipe/windows.ts';
import { evaluateWindows, windowWarning } from './claims/windows.ts';
import { presentLine, warningText } from './present/line.ts';
import { cyclingProtocolName, presentCycling, type CyclingResult } from './present/cycling.ts';
import { ROLLCELL_VERSION } from './version.ts';
import { evaluateClaims, type ClaimInputs, type CyclingClaimInputs } from './claims/index.ts';
import { presentClaims } from './present/claims.ts';
import type { ReportCycle, ReportTimeSeries } from './report/index.ts';
import { operatingConditions, processInputFromRecipe } from './process/from-recipe.ts';
import { simulateStations, withJobEvidence } from './process/stations.ts';
import type { LineResult, ProducedCell } from './process/types.ts';
import {
  createSsbModel,
  ssbParamsFromProducedCell,
  type SsbCellParams,
  type SsbModelKind,
} from './electrochem/ssb/index.ts';
import { cycleAgeing } from './cycler/protocols.ts';
import type { FullCellModel } from './electrochem/model.ts';
import { getMaterial } from './materials/library.ts';
import { runProduction, type ProductionRun } from './process/line.ts';
import {
  runAgeingWork,
  runBattery,
  startBattery,
  type BatteryCommandOptions,
  type BatteryProfileName,
  type BatteryResult,
  type C3Figures,
  type C3Work,
  type StartedBattery,
} from './battery/run.ts';
import type { CellAgeingWork } from './battery/ageing-cells.ts';
import { noWorkingAnode } from './battery/cells.ts';
import {
  batterySummaryText,
  presentBattery,
  presentCellFrames,
  presentPackBand,
  type CellFrames,
  type PackRunBlock,
} from './present/battery.ts';
import { presentProduction } from './present/production.ts';
import type { CapacityPosterior, ProductionCell as ProducedCellRecord, ProductionStart } from './process/line.ts';
import {
  runExperiment,
  firstCycleSummary,
  rateCapability,
  firstCycleProtocolStrings,
  type ExperimentResult,
} from './cycler/index.ts';
import { ageingWithMechanisms, ALL_MECHANISMS } from './electrochem/ssb/ageing.ts';
import { ageingBand, ageingValidity } from './cycler/ageing-band.ts';

import type { CellCore } from './electrochem/ssb/common.ts';
import { assessFirstCycle } from './electrochem/ssb/firstcycle.ts';
import { rateCapabilityBand } from './cycler/rate.ts';
import { firstCycleBand } from './cycler/first-cycle-band.ts';
import { createSpme } from './electrochem/ssb/spme.ts';
import { fastRunner } from './cycler/step-engines.ts';
import { firstCycle } from './cycler/protocols.ts';
import { posteriorModelParameters, withModelParameters } from './fit/ssb.ts';
import { stageTicker, type Progress } from './progress.ts';
import type { LineData } from './process/production/linedata.ts';
import {
  batteryFindings,
  classifyLineWarning,
  finding,
  lineFindings,
  noBatteryFinding,
  type ValidityFinding,
} from './validity.ts';
import { parseExperiment, type ExperimentEntryInput, type ParseError, type Experiment } from './cycler/experiment.ts';
import type { DriveCycle } from './cycler/machine.ts';
import { experimentSizeProblems } from './cycler/limits.ts';
import { parseProduction, parseVariability } from './process/production/config.ts';
import { ProblemError, type Problem } from './problems.ts';
import { parseRecipeText, type RecipeOverride } from './recipe/parse.ts';
import { mm, toAh } from './units/index.ts';

/**
 * Limits of one job, checked with the recipe (exit 2 naming the field) so that what validates also
 * runs in bounded memory and time. Choices, not physics:
 * - a pack of at most 10 000 cells (every cell is its own SPMe; a large EV pack has ≈ 7 000 cylindrical
 *   cells, a pouch-cell pack a few hundred);
 * - a production run of at most 10 000 000 cells. Its memory no longer grows with its cells: `rollcell run`
 *   and the server stream every cell's record into the store as it is made (JobOptions.cellSink), the
 *   variability fields are generated in a window along the web and SPC is accumulated online (16 B per
 *   subgroup of 5 cells), measured flat (`npm run bench:shift-memory`: peak RSS at 10⁵, 10⁶ and 5 × 10⁶
 *   positions, README). What does grow is the store on disk — every cell is kept, ≈ 4.2 kB per cell on
 *   SQLite (≈ 42 GB at the cap) plus ≈ 1.7 kB per cell of spool while the run lasts — and the time
 *   (≈ 30 k cells/s at linear fidelity): that is the reason for the cap;
 * - a library call without a cellSink keeps every record (≈ 7 kB each in memory): at most 100 000 cells;
 * - a server run streams its records to the store too; its live Shift view keeps running totals and
 *   per-lane SPC of the subgroups (ShiftStream, src/server/present/shift.ts: 2.5 numbers per subgroup and
 *   quantity, no per-cell record) and its event replay the last 20 000 cells: the same cap as the CLI;
 * - at most 10 000 roll changes in a production run (a roll shorter than a few metres is a typo).
 */
const HERE = ' here';
const STORE_REASON = ' (the store keeps every cell: ≈ 4.2 kB each on disk)';

export const JOB_LIMITS = {
  packCells: 10_000,
  productionCells: 10_000_000,
  keptProductionCells: 100_000,
  liveProductionCells: 10_000_000,
  rollChanges: 10_000,
} as const;

/**
 * Cell operating temperatures the solid-state cell models are used at, °C (assumption: their Arrhenius
 * parameters — electrolyte conductivity, Li–Al diffusivity, kinetics — rest on data between about
 * −20 and 100 °C; beyond ≈ 50 K outside it the extrapolation is not trusted, and towards 0 K it fails).
 */
export const CELL_TEMPERATURE_RANGE_C = [-40, 150] as const;

/** Coldest nip or dwell the line model evaluates, °C: 0.4 × T_m(Li) = 181.5 K (validity of the Li creep law). */
export const MIN_LINE_TEMPERATURE_C = -91.6;

/** An experiment parse error as the project's Problem, with the recipe's dotted path (`experiment.0`). */
export function experimentProblem(e: ParseError, fallbackPath = 'experiment'): Problem {
  const bracketPath = e.path ?? fallbackPath;
  const path = bracketPath.replace(/\[(\d+)\]/g, '.$1');
  // the parser's own fields where it has them (never the message parsed back: a value's text can hold "; allowed")
  if (e.detail) return { path, ...e.detail };
  let msg = e.message;
  for (const p of [bracketPath, path]) if (msg.startsWith(`${p}: `)) msg = msg.slice(p.length + 2);
  const grammar = 'a step in the experiment grammar (rollcell cycle --help; e.g. "Discharge at 1C until 3 V")';
  return {
    path,
    problem: e.input !== '' ? `${msg} at column ${e.column}` : msg,
    got: e.input !== '' ? JSON.stringify(e.input) : JSON.stringify(e.text),
    allowed: e.suggestion ? `${e.suggestion}; ${grammar}` : grammar,
  };
}

/**
 * Recipe text → a recipe the job can run, or the problems: the recipe's own validation plus the job's
 * (experiment steps, drive cycles, limits) — the ONE validation `validate`, `run`, `cycle`, `battery`
 * and the server share. `readDriveCycle` reads a drive-cycle file an experiment step names (the CLI
 * reads it relative to the recipe); without it such a step is refused (the server reads no file a
 * recipe names).
 */
export function parseJobRecipe(
  text: string,
  o: {
    stages?: Parameters<typeof jobProblems>[2];
    readDriveCycle?: (source: string) => DriveCycle;
    /** `--set` overrides applied on top of the text before validation */
    overrides?: readonly RecipeOverride[];
  } = {},
): ({ ok: true; recipe: Recipe } | { ok: false; problems: Problem[] }) & { driveCycles: Record<string, DriveCycle> } {
  const driveCycles: Record<string, DriveCycle> = {};
  const r = parseRecipeText(
    text,
    (recipe) => {
      const problems: Problem[] = [];
      for (const src of recipeDriveCycleSources(recipe)) {
        if (!o.readDriveCycle) {
          problems.push({
            path: 'experiment',
            problem: 'drive-cycle files are read only by the command line',
            got: JSON.stringify(src),
            allowed: 'experiment steps without "Run drive cycle from <file>" here',
          });
          continue;
        }
        try {
          driveCycles[src] = o.readDriveCycle(src);
        } catch (e) {
          if (e instanceof ProblemError) problems.push(...e.problems);
          else throw e;
        }
      }
      if (problems.length) return problems;
      return jobProblems(recipe, driveCycles, o.stages);
    },
    o.overrides,
  );
  return { ...r, driveCycles };
}

/** The recipe's experiment, parsed; undefined when the recipe has none (the default protocol runs). */
export function recipeExperiment(
  recipe: Recipe,
): { ok: true; value: Experiment } | { ok: false; problems: Problem[] } | undefined {
  if (!recipe.experiment) return undefined;
  const r = parseExperiment(recipe.experiment as ExperimentEntryInput[]);
  return r.ok ? r : { ok: false, problems: r.errors.map((e) => experimentProblem(e)) };
}

/** The drive-cycle files the recipe's experiment names (paths as written). */
export function recipeDriveCycleSources(recipe: Recipe): string[] {
  const r = recipeExperiment(recipe);
  if (!r?.ok) return [];
  const out = new Set<string>();
  for (const b of r.value.blocks)
    for (const s of b.steps) if (s.control.mode === 'drive_cycle') out.add(s.control.source);
  return [...out];
}

/** The web length, lanes and (about) the cells of a production run of the recipe, before it runs. */
function productionSize(
  recipe: Recipe,
  P: ReturnType<typeof parseProduction>,
  end: { web_length_m?: number; duration_s?: number },
): { web_m: number; lanes: number; cells: number } {
  const v = recipe.line.speed_m_per_min;
  const web_m = end.web_length_m ?? (end.duration_s !== undefined ? (v * end.duration_s) / 60 : v * 60 * P.duration_h);
  const lanes = Math.max(0, Math.floor((recipe.line.web_width_mm - 2 * P.edge_trim_mm) / recipe.cell.width_mm + 1e-9));
  return { web_m, lanes, cells: (web_m / mm(recipe.cell.length_mm)) * lanes };
}

/**
 * Everything a run checks before it starts, beyond the recipe's own validation: the experiment steps
 * (grammar and size, with the drive cycles when given) and the job limits. `validate` and `run` both
 * call it (through the CLI's loadRecipe), so what validates runs.
 */
export function jobProblems(
  recipe: Recipe,
  driveCycles?: Readonly<Record<string, DriveCycle>>,
  stages: {
    production?: JobOptions['production'];
    battery?: boolean;
    /** most cells a production run may make here (default JOB_LIMITS.productionCells: streamed to the store) */
    cellLimit?: number;
  } = {},
): Problem[] {
  const out: Problem[] = [];
  const exp = recipeExperiment(recipe);
  if (exp && !exp.ok) out.push(...exp.problems);
  else if (exp?.ok && driveCycles)
    for (const z of experimentSizeProblems(exp.value, driveCycles))
      out.push({
        path: 'experiment',
        problem: `${z.problem}${z.where !== 'experiment' ? ` at step ${z.where}` : ''}`,
        got: z.got,
        allowed: z.allowed,
      });
  // the line's flow laws hold down to ≈ 0.4 of lithium's melting point (power-law creep, LePage et al.
  // 2019; below it Li deforms by rate-independent slip the model does not describe, and the creep law's
  // Arrhenius factor overflows towards 0 K): a colder nip cannot be evaluated
  const cold: [string, number][] = [
    ...(['222', '236', '240'] as const).flatMap((id): [string, number][] => {
      const st = recipe.stations[id];
      return st ? [[`stations.${id}.temperature_C`, st.temperature_C]] : [];
    }),
    // the dwell's alloying kinetics (Arrhenius) underflow to a zero rate towards 0 K: same range
    ['line.downstream.temperature_C', recipe.line.downstream.temperature_C],
  ];
  for (const [path, T] of cold)
    if (T < MIN_LINE_TEMPERATURE_C)
      out.push({
        path,
        problem: "below the temperature range of the line model (lithium's power-law creep and alloying kinetics)",
        got: `${T} °C`,
        allowed: `>= ${MIN_LINE_TEMPERATURE_C} °C (0.4 × the melting point of Li, 453.65 K)`,
      });
  const Tc = recipe.cell.temperature_C;
  if (Tc < CELL_TEMPERATURE_RANGE_C[0] || Tc > CELL_TEMPERATURE_RANGE_C[1])
    out.push({
      path: 'cell.temperature_C',
      problem: 'outside the temperature range of the cell models',
      got: `${Tc} °C`,
      allowed:
        `${CELL_TEMPERATURE_RANGE_C[0]} … ${CELL_TEMPERATURE_RANGE_C[1]} °C ` +
        '(assumption: where their Arrhenius parameters are extrapolated at most ≈ 50 K beyond the data)',
    });
  // the posterior draws of the fitted model parameters: names and row lengths (the production run uses them)
  const post = recipe.cycling.model_parameters?.posterior;
  if (post)
    try {
      posteriorModelParameters(recipe.cycling.model_parameters, post);
    } catch (e) {
      if (e instanceof ProblemError) out.push(...e.problems);
      else throw e;
    }
  const b = recipe.battery;
  // the BMS window inside the cell's own cut-offs (the battery's check, here so validate finds it too)
  const bms = (b?.extras as { bms?: { cell_v_min_V?: number; cell_v_max_V?: number } } | undefined)?.bms;
  if (
    b &&
    stages.battery !== false &&
    bms?.cell_v_min_V !== undefined &&
    bms.cell_v_min_V < recipe.cycling.discharge_cutoff_V
  )
    out.push({
      path: 'battery.extras.bms.cell_v_min_V',
      problem: "below the cell's discharge cut-off",
      got: `${bms.cell_v_min_V} V`,
      allowed: `≥ cycling.discharge_cutoff_V = ${recipe.cycling.discharge_cutoff_V} V`,
    });
  if (
    b &&
    stages.battery !== false &&
    bms?.cell_v_max_V !== undefined &&
    bms.cell_v_max_V > recipe.cycling.charge_cutoff_V
  )
    out.push({
      path: 'battery.extras.bms.cell_v_max_V',
      problem: "above the cell's charge cut-off",
      got: `${bms.cell_v_max_V} V`,
      allowed: `≤ cycling.charge_cutoff_V = ${recipe.cycling.charge_cutoff_V} V`,
    });
  if (b && stages.battery !== false && b.series * b.parallel > JOB_LIMITS.packCells)
    out.push({
      path: b.series >= b.parallel ? 'battery.series' : 'battery.parallel',
      problem: 'pack too large to simulate cell by cell',
      got: `${b.series}s${b.parallel}p = ${b.series * b.parallel} cells`,
      allowed: `series × parallel <= ${JOB_LIMITS.packCells}`,
    });
  let P: ReturnType<typeof parseProduction> | undefined;
  try {
    P = stages.production === false ? undefined : parseProduction(recipe.production);
  } catch {
    P = undefined; // reported by the recipe's own validation
  }
  if (P) {
    // the run's own length (a run's duration_s / web_length_m override the recipe's duration_h, as in runJob)
    const end = typeof stages.production === 'object' ? stages.production : {};
    const { web_m, lanes, cells } = productionSize(recipe, P, end);
    // what the production run checks when it starts (process/line.ts), found up front so that validate
    // and run agree: a lane must fit, and a cross-direction profile has one value per lane
    if (2 * P.edge_trim_mm >= recipe.line.web_width_mm)
      out.push({
        path: 'production.edge_trim_mm',
        problem: 'the two edge trims take the whole web',
        got: `${P.edge_trim_mm} mm per side on a ${recipe.line.web_width_mm} mm web`,
        allowed:
          `< ${recipe.line.web_width_mm / 2} mm, and small enough to leave a ${recipe.cell.width_mm} mm lane: ` +
          `≤ ${((recipe.line.web_width_mm - recipe.cell.width_mm) / 2).toFixed(3)} mm`,
      });
    else if (lanes < 1)
      out.push({
        path: 'cell.width_mm',
        problem: 'no lane fits the web',
        got: `${recipe.cell.width_mm} mm on a ${recipe.line.web_width_mm} mm web with ${P.edge_trim_mm} mm edge trim per side`,
        allowed: `≤ ${(recipe.line.web_width_mm - 2 * P.edge_trim_mm).toFixed(3)} mm`,
      });
    let V: ReturnType<typeof parseVariability> | undefined;
    try {
      V = parseVariability(recipe.variability);
    } catch {
      V = undefined; // reported by the recipe's own validation
    }
    if (V && lanes >= 1)
      for (const [k, sheet] of Object.entries(V.sheets)) {
        const prof = sheet.cd_profile_pct;
        if (prof && prof.length !== lanes)
          out.push({
            path: `variability.sheets.${k}.cd_profile_pct`,
            problem: 'one value per lane is needed',
            got: `a list of ${prof.length}`,
            allowed:
              `a list of ${lanes} for ${lanes} lane(s) (${recipe.cell.width_mm} mm cells on a ` +
              `${recipe.line.web_width_mm} mm web less ${P.edge_trim_mm} mm edge trim per side)`,
          });
      }
    const cellLimit = stages.cellLimit ?? JOB_LIMITS.productionCells;
    if (cells > cellLimit) {
      const [field, length] =
        end.web_length_m !== undefined
          ? ['web_length_m', '']
          : end.duration_s !== undefined
            ? ['duration_s', ` for ${end.duration_s} s`]
            : ['duration_h', ` for ${P.duration_h} h`];
      out.push({
        path: `production.${field}`,
        problem: 'the production run would make too many cells',
        got:
          `about ${Math.round(cells)} cells (${+web_m.toPrecision(4)} m of web at ${recipe.line.speed_m_per_min} m/min` +
          `${length}, ${lanes} lane(s) of ${recipe.cell.width_mm} × ${recipe.cell.length_mm} mm cells)`,
        allowed:
          `<= ${cellLimit} cells per run${cellLimit < JOB_LIMITS.productionCells ? HERE : STORE_REASON}: ` +
          `a shorter ${field}${field === 'web_length_m' ? '' : ', a slower line'} or larger cells`,
      });
    }
    for (const k of ['first_sheet', 'al_sheet', 'third_sheet'] as const) {
      const len = recipe.line.roll_length_m[k];
      if (web_m / len > JOB_LIMITS.rollChanges)
        out.push({
          path: `line.roll_length_m.${k}`,
          problem: 'rolls so short that the production run would change rolls too often',
          got: `${len} m (about ${Math.round(web_m / len)} roll changes in ${+web_m.toPrecision(4)} m of web)`,
          allowed: `rolls of at least ${+(web_m / JOB_LIMITS.rollChanges).toPrecision(3)} m (<= ${JOB_LIMITS.rollChanges} roll changes per run)`,
        });
    }
  }
  return out;
}

/** samples of the ageing band (each a cycle-jumped SPMe run of at most 40 cycles): sized for the main job's speed */
const AGEING_BAND_SAMPLES = 8;
/** seeded joint draws of the first-cycle band (each one SPMe first cycle on the fast stepper, ≈ 10 ms) */
const FIRST_CYCLE_BAND_SAMPLES = 8;

const DEFAULT_PROFILE: Record<NonNullable<Recipe['battery']>['application'], BatteryProfileName> = {
  ev: 'ev:UDDS',
  ess_solar: 'ess:solar',
  ess_wind: 'ess:wind',
  other: 'ev:UDDS',
};

export interface JobOptions {
  seed?: number;
  runId?: string;
  /** skip the cycling (e.g. for quick what-ifs of the line only) */
  noCycling?: boolean;
  /**
   * run a production run of the recipe (`production` block; default duration production.duration_h)
   * and put its CONTRACT `production` block in the output. Off by default in the library (tests and
   * what-ifs stay fast); `rollcell run` turns it on. An object limits the run length.
   */
  production?: boolean | { web_length_m?: number; duration_s?: number };
  /** measured line data replacing the simulated variability of the production run (read by the edge) */
  lineData?: LineData;
  /**
   * run the recipe's battery (its `battery` block) on a duty profile (default by application: ev →
   * ev:UDDS, ess_solar → ess:solar, ess_wind → ess:wind, other → ev:UDDS) with cells from the
   * production run when there is one (else design cells with the stated spread). Off by default in
   * the library; `rollcell run` turns it on.
   */
  battery?: boolean | { profile?: BatteryProfileName; days?: number };
  /** the drive cycles the recipe's experiment names, read by the caller (the edge), by source as written */
  driveCycles?: Readonly<Record<string, DriveCycle>>;
  /**
   * compute the force each station would need for a 1 % Al reduction (default true). It only adds
   * evidence text to claims 3/4 (never a verdict); sweeps turn it off (it costs ≈ 20 ms of root finding).
   */
  reductionForces?: boolean;
  /** evaluate the claim chart (default true); a sweep whose outputs name no claim skips it */
  claims?: boolean;
  /** how the cycling runs (sampling of the series, model-parameter overrides); see CyclingOptions */
  cycling?: CyclingOptions;
  /** progress of each stage (line, cycling, production shift, battery), for the edges to show */
  progress?: Progress;
  /** keep per-cell pack snapshots (between N and 2N frames) for heatmaps: JobResult.batteryFrames */
  batteryFrames?: number;
  /** each produced cell as soon as the production run makes it (live shift views) */
  onCell?: (cell: ProducedCellRecord) => void;
  /**
   * stream the production run's cell records here as they are made instead of keeping them
   * (JobResult.productionRun.cells is then empty; the edge writes them to the store in chunks), so a
   * shift of any length up to JOB_LIMITS.productionCells runs in bounded memory. Without it the records
   * are kept, up to JOB_LIMITS.keptProductionCells. JobResult.batteryCells says which of them the pack took.
   */
  cellSink?: (cell: ProducedCellRecord) => void;
  /** the production run's timeline (stops, splices), before its first cell */
  onProductionStart?: (info: ProductionStart) => void;
}

export interface CyclingOptions {
  /**
   * 'full' (default): the experiment's series sampled every period (1 minute unless a step says
   * otherwise), as the report draws it; 'summary': sampled only at step ends (the solver takes the
   * same steps and locates the same events, so every capacity, CE and Eq. 1 figure is the same; the
   * series is not kept). Sweeps use 'summary': sampling a 20 h first cycle every minute is ¾ of its cost.
   */
  series?: 'full' | 'summary';
  /** change the cell-model parameters before the models are built (sensitivity studies of material/model parameters) */
  params?: (p: SsbCellParams) => SsbCellParams;
}

/** a step period longer than any step: the series holds the step ends only */
const SUMMARY_PERIOD = '100000 hours';

export interface JobResult {
  output: RunOutput;
  design: CellDesign;
  /** the line's typed SI result (stations, anode, cracking, the produced cell) */
  process: LineResult;
  /** the produced cell the cycling ran on (null when no cycling) */
  cellSI: ProducedCell | null;
  windows: WindowCheck[];
  warnings: string[];
  timeSeries: ReportTimeSeries[];
  cycles: ReportCycle[];
  experiment: ExperimentResult | null;
  /** the production run (when requested), with its per-cell records (none kept when JobOptions.cellSink took them) */
  productionRun: ProductionRun | null;
  /**
   * the pack took the first `count` in-spec cells of the production run, in order, as battery `serial`
   * (their genealogy.battery_serial); null when the pack was built from design cells or not run
   */
  batteryCells: { serial: string; count: number } | null;
  /** per-cell pack snapshots over the duty profile (when JobOptions.batteryFrames asked for them) */
  batteryFrames: CellFrames | null;
  /** the run's typed SI results the claim chart was (or would be, with JobOptions.claims false) evaluated on */
  claimInputs: ClaimInputs;
}

/** The line's station physics for a recipe. */
export function runLine(recipe: Recipe, design: CellDesign = designCell(recipe)): LineResult {
  return simulateStations(processInputFromRecipe(recipe, design));
}

/**
 * The solid-state model parameters of a cell the recipe's line produced (default: the line's nominal cell),
 * with the recipe's fitted `cycling.model_parameters` applied (src/fit/ssb.ts).
 */
export function recipeCellParams(recipe: Recipe, cell?: ProducedCell): SsbCellParams {
  const p = ssbParamsFromProducedCell(cell ?? runLine(recipe).cell, operatingConditions(recipe), getMaterial);
  return withModelParameters(p, recipe.cycling.model_parameters);
}

/**
 * The production run's posterior of the cell model's parameters (recipe `cycling.model_parameters.posterior`):
 * one [0178] first-cycle capacity model per draw, or undefined without a posterior.
 */
export function capacityPosterior(recipe: Recipe): CapacityPosterior | undefined {
  const mp = recipe.cycling.model_parameters;
  if (!mp?.posterior) return undefined;
  const c = recipe.cycling;
  const models = posteriorModelParameters(mp, mp.posterior).map((m) => (cell: ProducedCell) => {
    const p = withModelParameters(ssbParamsFromProducedCell(cell, operatingConditions(recipe), getMaterial), m);
    const model = createSpme(p);
    return firstCycle(fastRunner(model), model, model.initialState(0), c.charge_cutoff_V, c.discharge_cutoff_V)
      .discharge_C;
  });
  const names = mp.posterior.parameters.join(', ');
  return {
    models,
    source: `cycling.model_parameters.posterior: ${models.length} draws of ${names}${mp.posterior.source ? ` (${mp.posterior.source})` : ''}`,
  };
}

/** A fresh solid-state cell model of the cell the recipe's line produces (or of `cell`, when given). */
export function buildCellModel(
  recipe: Recipe,
  kind: SsbModelKind,
  cell?: ProducedCell,
  tune?: (p: SsbCellParams) => SsbCellParams,
): FullCellModel {
  const c = cell ?? runLine(recipe).cell;
  const p = recipeCellParams(recipe, c);
  return createSsbModel(kind, tune ? tune(p) : p);
}

/**
 * The full model the production run calibrates its per-cell capacity surrogate against: the [0178] first
 * cycle (CC-CV to the charge cut-off, CC to the discharge cut-off) of the produced cell on the solid-state
 * SPMe with its fast linear-response stepper (five calibration cells at run start), discharge capacity in C.
 */
export function firstCycleDischarge_C(recipe: Recipe, cell: ProducedCell): number {
  const c = recipe.cycling;
  const m = createSpme(recipeCellParams(recipe, cell));
  return firstCycle(fastRunner(m), m, m.initialState(0), c.charge_cutoff_V, c.discharge_cutoff_V).discharge_C;
}

export interface CyclingRun {
  block: CyclingBlock;
  experiment: ExperimentResult;
  timeSeries: ReportTimeSeries[];
  cycles: ReportCycle[];
  /** what could not be evaluated and why */
  notes: string[];
  /** figures outside a model's stated validity (src/validity.ts; they feed `output.validity`) */
  findings: ValidityFinding[];
  /** what the claims use of the cycling's typed results (claims 13, 16, 19) */
  claimInputs: CyclingClaimInputs;
}

/** What the claims use of the cycling's typed results: the first cycle, rate capability and ageing, unrounded. */
export function cyclingClaimInputs(
  c: Pick<CyclingResult, 'firstCycle' | 'firstCycleBand' | 'rate' | 'ageing'>,
): CyclingClaimInputs {
  const q = c.firstCycle.discharge_capacity_mAh_g;
  const fb = c.firstCycleBand;
  const a = c.ageing;
  let ageing: CyclingClaimInputs['ageing'] = null;
  if (a && a.run) {
    const n = a.result.discharge_C.length;
    ageing = {
      cycles: n,
      retention: a.result.retention[n - 1] ?? NaN,
      band: a.band ? { low: a.band.retention.low, high: a.band.retention.high } : null,
      validityFlags: a.flags.map((f) => f.text),
    };
  }
  return {
    dischargeCapacity_mAh_g: q !== null && Number.isFinite(q) ? q : null,
    firstCycleBand: fb ? { low: fb.capacity.low, high: fb.capacity.high, verdict: fb.claim13 } : null,
    rate: !c.rate
      ? null
      : c.rate.ok
        ? {
            highestCRate: c.rate.search.highestRate,
            band: { low: c.rate.band.band.low, high: c.rate.band.band.high, verdict: c.rate.band.claim16 },
          }
        : 'failed',
    ageing,
  };
}

/** the C-rate to which a cell model is stated valid (SPMe/SPM: `validity.maxCRate`; the P2D has no limit) */
export function statedMaxCRate(model: unknown): number {
  const v = (model as { validity?: { maxCRate?: unknown } }).validity?.maxCRate;
  return typeof v === 'number' ? v : Infinity;
}

/**
 * The recipe's experiment (default: [0178]), rate capability (claim 16) and ageing cycles (claim 19).
 * The experiment starts from the cell as produced (SOC 0: discharged, cathode lithiated, the Li in the
 * prelithiated anode) unless `cycling.initial_soc` says otherwise; the ageing cycles always start from
 * the fresh cell as produced.
 */
export function runCycling(
  recipe: Recipe,
  cell: ProducedCell,
  progress?: Progress,
  opts: CyclingOptions = {},
  driveCycles?: Readonly<Record<string, DriveCycle>>,
): CyclingRun {
  const c = recipe.cycling;
  const ticker = stageTicker(progress, 'cycling', 3, 'parts');
  // auto: the SPMe, switched to the P2D for an experiment with a step above the SPMe's validity (below)
  const kind: SsbModelKind = c.model === 'auto' ? 'spme' : c.model;
  const tune = opts.params;
  const summary = opts.series === 'summary';
  // the [0178] protocol as ONE cycle (a nested list: PyBaMM's convention makes each top-level entry a cycle)
  const steps = recipe.experiment ?? [firstCycleProtocolStrings(c.charge_cutoff_V, c.discharge_cutoff_V)];
  const initialSoc = c.initial_soc ?? 0;
  const plating = { action: c.plating ?? 'report' } as const;
  // summary sampling (sweeps) keeps no series, so the first-cycle assessment below is skipped there
  const experimentOn = (m: FullCellModel): ExperimentResult =>
    runExperiment(m, summary ? { steps, period: SUMMARY_PERIOD } : steps, {
      ...(summary ? { initialSoc, series: 'none' as const, recordOutputs: false } : { initialSoc }),
      ...(driveCycles && Object.keys(driveCycles).length ? { driveCycles } : {}),
      plating,
    });
  let model = buildCellModel(recipe, kind, cell, tune);
  let exp = experimentOn(model);
  const modelMaxC = statedMaxCRate(model);
  const oneC_A = model.nominalCapacity_C / 3600;
  const maxCOf = (e: ExperimentResult): number => {
    let m = 0;
    for (const i of e.series.current_A) m = Math.max(m, Math.abs(i) / oneC_A);
    return m;
  };
  let expMaxC = maxCOf(exp);
  // a step above the SPMe/SPM's stated C-rate (issue 16 item 4): the experiment runs again, whole, on the
  // P2D, which is valid there — automatic, and said in the output (cycling.experiment_model). The whole
  // experiment, not the step alone: the P2D cannot take over the SPMe's state mid-run. Only such
  // experiments pay the P2D's cost; the [0178] first cycle at 0.1C stays on the SPMe.
  let modelSwitch: CyclingResult['modelSwitch'] = null;
  if (c.model === 'auto' && expMaxC > modelMaxC * (1 + 1e-6) && !summary) {
    const from = { p2d: 'P2D', spme: 'SPMe', spm: 'SPM' }[kind];
    const stepMaxC = exp.steps.map((st) => {
      let m = 0;
      const t = exp.series.time_s;
      for (let i = 0; i < t.length; i++)
        if (t[i]! >= st.start_s && t[i]! <= st.end_s) m = Math.max(m, Math.abs(exp.series.current_A[i]!) / oneC_A);
      return { index: st.index, text: st.text, maxCRate: m };
    });
    model = buildCellModel(recipe, 'p2d', cell, tune);
    exp = experimentOn(model);
    modelSwitch = { from, modelMaxCRate: modelMaxC, experimentMaxCRate: expMaxC, steps: stepMaxC };
    expMaxC = maxCOf(exp);
  }
  const runKind: SsbModelKind = modelSwitch ? 'p2d' : kind;
  const fc = firstCycleSummary(exp);
  ticker.tick(1);
  // what ran outside the model's stated validity (issue 16 item 4): reported, never silent
  const findings: ValidityFinding[] = [];
  const modelName = { p2d: 'P2D', spme: 'SPMe', spm: 'SPM' }[runKind];
  if (!modelSwitch && expMaxC > modelMaxC * (1 + 1e-6))
    findings.push(
      finding(
        'outside_validity',
        'cycling',
        'experiment_c_rate_above_model_validity',
        `the experiment drove the cell at up to ${expMaxC.toPrecision(3)}C on the ${modelName}, stated valid ` +
          `to ${modelMaxC}C (capacity within 2 %, voltage within 20 mV of the P2D): its capacity, CE and Eq. 1 ` +
          'are outside validity (cycling.model: auto or p2d runs it on the P2D)',
        [13],
      ),
    );
  // the first cycle by mechanism, plating, host-based N/P (issue 15): from the as-made state only
  const core = (model as { core?: CellCore }).core;
  const fa = core && initialSoc === 0 ? assessFirstCycle(core, exp) : null;
  const assessment =
    fa && core
      ? {
          result: fa,
          cathodeActiveMass_kg: core.cathodeActiveMass_kg,
          coating: core.p.cathode.cei.coating,
          temperature_K: core.T,
        }
      : null;
  const recipeExp = Boolean(recipe.experiment);
  const s = exp.series;
  const timeSeries: ReportTimeSeries[] = [
    {
      name: cyclingProtocolName(recipeExp),
      t_s: s.time_s,
      voltage_V: s.voltage_V,
      current_A: s.current_A,
      capacity_Ah: s.charge_C.map((q, i) => toAh(q - (s.discharge_C[i] ?? 0))),
    },
  ];
  const cycles: ReportCycle[] = [];
  // the [0178] first cycle's capacity, CE and Eq. 1 with their band over the uncertain inputs (issue 16
  // item 5; SPMe fast stepper, one at a time and seeded joint draws) and claim 13's verdict over it — not in
  // a study's summary runs (their own sampling covers uncertainty), nor for a recipe's own experiment
  let fcBand: CyclingResult['firstCycleBand'] = null;
  if (!summary && !recipeExp && initialSoc === 0) {
    const p0 = ssbParamsFromProducedCell(cell, operatingConditions(recipe), getMaterial);
    fcBand = firstCycleBand(tune ? tune(p0) : p0, {
      vMax_V: c.charge_cutoff_V,
      vMin_V: c.discharge_cutoff_V,
      samples: FIRST_CYCLE_BAND_SAMPLES,
      seed: 1,
    });
  }
  let rate: CyclingResult['rate'] = null;
  if (c.rate_capability) {
    try {
      const rc = rateCapability(buildCellModel(recipe, kind, cell, tune), {
        chargeCutoff_V: c.charge_cutoff_V,
        dischargeCutoff_V: c.discharge_cutoff_V,
        fraction: 0.8,
        maxRate: 10,
        claimRate: 0.33,
      });
      // the band the uncertain inputs give (SPMe fast stepper), and claim 16's verdict over it
      const params = recipeCellParams(recipe, cell);
      const rb = rateCapabilityBand(params, {
        chargeCutoff_V: c.charge_cutoff_V,
        dischargeCutoff_V: c.discharge_cutoff_V,
        claimRate: 0.33,
      });
      rate = { ok: true, search: rc, band: rb };
      if (rc.highestRate > modelMaxC)
        findings.push(
          finding(
            'outside_validity',
            'cycling',
            'rate_capability_above_model_validity',
            `rate capability: the highest C-rate ${rc.highestRate.toPrecision(3)}C (and its band) comes from the ` +
              `${{ p2d: 'P2D', spme: 'SPMe', spm: 'SPM' }[kind]}, stated valid to ${modelMaxC}C: above it the figure is outside validity ` +
              `(claim 16's 0.33C is ${0.33 <= modelMaxC ? 'inside' : 'outside'}; cycling.model: p2d runs it on the P2D)`,
            0.33 <= modelMaxC ? [] : [16],
            0.33 <= modelMaxC ? [16] : [],
          ),
        );
    } catch (e) {
      // a cell that delivers nothing at the reference rate has no rate capability: the presenter says why
      rate = { ok: false, error: (e as Error).message };
    }
  }
  ticker.tick(2);
  let ageing: CyclingResult['ageing'] = null;
  if (c.ageing_cycles > 0 && !((fc.discharge_capacity_Ah ?? 0) > 0)) {
    ageing = { run: false, reason: 'no_first_discharge' };
  } else if (c.ageing_cycles > 0) {
    const mechanisms = { ...ALL_MECHANISMS, ...c.ageing_mechanisms };
    const eolPct = c.end_of_life_retention_pct ?? 80;
    const p0 = recipeCellParams(recipe, cell);
    const params = tune ? tune(p0) : p0;
    const model = createSsbModel(kind === 'p2d' ? 'spme' : kind, {
      ...params,
      ageing: ageingWithMechanisms(params.ageing, mechanisms),
    });
    const ag = cycleAgeing(model, {
      cycles: c.ageing_cycles,
      cRate: c.ageing_c_rate,
      cutoffs: { vMax_V: c.charge_cutoff_V, vMin_V: c.discharge_cutoff_V, cvEndCRate: 0.02 },
      endOfLifeRetention: eolPct / 100,
    });
    const n = ag.discharge_C.length;
    for (let i = 0; i < n; i++) {
      const q = ag.discharge_C[i]!;
      const ch = ag.charge_C[i]!;
      const R = ag.resistance_ohm[i]!;
      cycles.push({
        index: i + 1,
        discharge_Ah: toAh(q),
        charge_Ah: toAh(ch),
        ce: ch > 0 ? q / ch : 0,
        ...(Number.isFinite(R) ? { resistance_mOhm: R * 1000 } : {}),
      });
    }
    // the band over the ageing parameters' documented ranges (seeded sampling; not in a study's summary
    // runs, whose own sampling covers uncertainty) and the validity flags
    const ageParams = { ...params, ageing: ageingWithMechanisms(params.ageing, mechanisms) };
    const band = summary
      ? null
      : ageingBand(ageParams, {
          cycles: c.ageing_cycles,
          cRate: c.ageing_c_rate,
          cutoffs: { vMax_V: c.charge_cutoff_V, vMin_V: c.discharge_cutoff_V, cvEndCRate: 0.02 },
          endOfLifeRetention: eolPct / 100,
          reportAt: n,
          samples: AGEING_BAND_SAMPLES,
          seed: 1,
        });
    const flags = ageingValidity({
      cRate: c.ageing_c_rate,
      modelMaxCRate: (model as { validity?: { maxCRate: number } }).validity?.maxCRate ?? 0.5,
      temperature_K: params.temperature_K,
      stackPressure_Pa: params.stackPressure_Pa,
      cycles: c.ageing_cycles,
    });
    // the verdict of claim 19 (cycles ≥ 2) does not rest on the projection; its evidence cites the flags,
    // the block's notes keep them, and the job's warnings carry them once, as findings (runJob)
    for (const f of flags)
      findings.push(
        finding(
          'outside_validity',
          'ageing',
          `ageing_${f.quantity}_outside_validity`,
          `ageing projection (${c.ageing_cycles} cycles at ${c.ageing_c_rate}C): ${f.text.replace(/^outside validity: /, '')}`,
          [],
        ),
      );
    ageing = {
      run: true,
      modelName: model.name,
      cRate: c.ageing_c_rate,
      mechanisms,
      cyclesRequested: c.ageing_cycles,
      endOfLifeRetention_pct: eolPct,
      result: ag,
      band,
      flags,
    };
  }
  const { block, notes } = presentCycling({
    model: runKind,
    modelSwitch,
    recipeExperiment: recipeExp,
    initialSoc,
    cutoffs_V: { charge: c.charge_cutoff_V, discharge: c.discharge_cutoff_V },
    experiment: exp,
    firstCycle: fc,
    assessment,
    firstCycleBand: fcBand,
    rate,
    ageing,
  });
  const claimInputs = cyclingClaimInputs({ firstCycle: fc, firstCycleBand: fcBand, rate, ageing });
  ticker.end();
  return { block, experiment: exp, timeSeries, cycles, notes, findings, claimInputs };
}

/**
 * `rollcell battery`: the recipe's pack on a duty profile (src/battery/run.ts, SI), its `battery` block and
 * text summary (src/present/battery.ts), with the per-cell snapshots when asked.
 */
export function runBatteryCommand(
  recipe: Recipe,
  opts: BatteryCommandOptions,
): { result: BatteryResult; block: PackRunBlock; summary: string; cellFrames?: CellFrames } {
  return presentBatteryRun(runBattery(recipe, opts));
}

/** a pack run's SI result with its `battery` block, text summary and cell frames (src/present/battery.ts) */
function presentBatteryRun({ result, cellFrames }: ReturnType<typeof runBattery>): {
  result: BatteryResult;
  block: PackRunBlock;
  summary: string;
  cellFrames?: CellFrames;
} {
  const block = presentBattery(result);
  return {
    result,
    block,
    summary: batterySummaryText(block),
    ...(cellFrames ? { cellFrames: presentCellFrames(cellFrames) } : {}),
  };
}

/** What the cycling stage of a job needs (runCycling's arguments): a job hands it to whoever runs it. */
export interface JobCyclingRequest {
  recipe: Recipe;
  cell: ProducedCell;
  progress?: Progress;
  cycling?: CyclingOptions;
  driveCycles?: Readonly<Record<string, DriveCycle>>;
}

/**
 * The serial of a job's battery (its passport): the in-spec cells the pack took point to it
 * (JobResult.batteryCells). A staged save writes it into those cells' records before the job ends.
 */
export function jobBatterySerial(opts: Pick<JobOptions, 'runId' | 'seed'>): string {
  return `BAT-${opts.runId || `seed${opts.seed ?? 1}`}`;
}

/** Runs a job's cycling stage in this thread. */
export function runJobCycling(req: JobCyclingRequest): CyclingRun {
  return runCycling(req.recipe, req.cell, req.progress, req.cycling, req.driveCycles);
}

export function runJob(recipe: Recipe, opts: JobOptions = {}): JobResult {
  const job = startJob(recipe, opts, runJobCycling);
  job.batteryStage(opts.production ? job.productionHere() : null);
  return job.finish(null);
}

/**
 * The same job, with its cycling stage run by `cycling` (e.g. on a worker thread: src/cli/job-threads.ts)
 * while this thread runs the production shift and the battery: the cycling is independent of both, so
 * the result is the same as runJob's, key for key (the cycling block, its warnings and findings go where
 * runJob puts them). The cycling's progress events come when `cycling` reports them.
 *
 * With `production`, the production shift too runs elsewhere (a worker thread that streams the cell
 * records itself): the battery starts as soon as the shift has made the pack's n in-spec cells — the
 * same cells, in the same order, as in place — while the shift goes on, and the shift's result is put
 * where runJob puts it. `production` is used only when the job streams its records (opts.cellSink) and
 * has no per-cell or start callbacks (they cannot cross threads); the caller checks that.
 */
export async function runJobWith(
  recipe: Recipe,
  opts: JobOptions,
  cycling: (req: JobCyclingRequest) => Promise<CyclingRun>,
  production?: (req: JobProductionRequest, packCells: number) => ProductionElsewhere,
  battery?: BatteryElsewhere,
): Promise<JobResult> {
  let pending: Promise<CyclingRun> | null = null;
  const job = startJob(recipe, opts, (req) => {
    // started where runJob runs it; awaited once the production shift and the battery are done
    pending = cycling(req);
    pending.catch(() => {}); // a failure is thrown by the await below, not reported as unhandled meanwhile
    return null;
  });
  if (opts.production && production) {
    const limits = typeof opts.production === 'object' ? opts.production : {};
    const shift = production(
      {
        recipe,
        seed: opts.seed ?? 1,
        limits,
        keepCells: false,
        lineCell: job.lineCell,
        ...(opts.progress ? { progress: opts.progress } : {}),
        ...(opts.lineData ? { lineData: opts.lineData } : {}),
      },
      job.packCells,
    );
    shift.done.catch(() => {}); // thrown by the awaits below
    if (job.packCells > 0) {
      const first = await shift.firstInSpec;
      // fewer in-spec cells than the pack needs: known once the shift is over, with their count
      await job.batteryStageWith(
        first ? { inSpec: first.length, cells: first } : { inSpec: (await shift.done).inSpec },
        battery,
      );
    }
    job.applyProduction((await shift.done).run);
  } else await job.batteryStageWith(opts.production ? job.productionHere() : null, battery);
  return job.finish(pending ? await pending : null);
}

/**
 * The battery's multi-year projection done elsewhere (runJobWith; e.g. spread over the job's worker
 * threads): each work item's trajectory (src/battery/ageing-cells.ts cellAgeingTrajectory), in order,
 * with the 'battery: ageing' progress. Any runner that computes the same trajectories gives runJob's result.
 */
export type AgeingRunner = (work: readonly CellAgeingWork[], years: number, progress?: Progress) => Promise<number[][]>;

/**
 * Parts of the battery stage done elsewhere (runJobWith): its multi-year projection, and its C/3 measurement
 * when the duty does not need it (an EV profile: measured while the duty runs; battery/run.ts measurePackC3
 * gives the figures runJob measures in place).
 */
export interface BatteryElsewhere {
  ageing?: AgeingRunner;
  c3?: (work: C3Work, progress?: Progress) => Promise<C3Figures>;
}

/** What a job's production shift needs (runJobProduction's argument): a job hands it to whoever runs it. */
export interface JobProductionRequest {
  recipe: Recipe;
  seed: number;
  limits: { web_length_m?: number; duration_s?: number };
  lineData?: LineData;
  /**
   * the line's cell for the recipe (the job's `line` result): a thread that runs the shift builds the battery's
   * design pack on it to warm the projection's code, instead of running the line again (the shift ignores it)
   */
  lineCell?: ProducedCell;
  /** keep the cell records in the result (else they only go to onCell) */
  keepCells: boolean;
  onCell?: (cell: ProducedCellRecord) => void;
  onStart?: (info: ProductionStart) => void;
  progress?: Progress;
}

/** a production shift run elsewhere (runJobWith): the first n in-spec cells as soon as they exist, then the end */
export interface ProductionElsewhere {
  /** the pack's n in-spec cells, in order, as soon as the shift has made them; null when it made fewer */
  firstInSpec: Promise<ProducedCellRecord[] | null>;
  /** the shift's result (its records were streamed: run.cells is empty) and how many in-spec cells it made */
  done: Promise<{ run: ProductionRun; inSpec: number }>;
}

/** Runs a job's production shift in this thread (the seeded shift with the job's capacity model). */
export function runJobProduction(req: JobProductionRequest): ProductionRun {
  const { recipe } = req;
  const posterior = capacityPosterior(recipe);
  return runProduction(recipe, {
    seed: req.seed,
    includeCharts: true,
    capacityModel: (cell) => firstCycleDischarge_C(recipe, cell),
    ...(posterior ? { capacityPosterior: posterior } : {}),
    ...req.limits,
    ...(req.onCell ? { onCell: req.onCell } : {}),
    ...(req.keepCells ? {} : { keepCells: false }),
    ...(req.onStart ? { onStart: req.onStart } : {}),
    ...(req.progress ? { progress: req.progress } : {}),
    ...(req.lineData ? { lineData: req.lineData } : {}),
    isImpossible: (ws) => ws.some((w) => classifyLineWarning(w) === 'impossible'),
  });
}

/** where the pack's cells come from: the shift's in-spec count, and its first n in-spec cells when it made n */
interface PackSource {
  inSpec: number;
  cells?: ProducedCellRecord[] | undefined;
}

/** a job's stages after the line and the cycling's start (startJob), run in place or with the shift elsewhere */
interface JobFlow {
  /** cells the pack takes (0: no battery) */
  packCells: number;
  /** the line's cell for the recipe (the one the job cycles and builds its design pack on) */
  lineCell: ProducedCell;
  productionHere(): PackSource;
  applyProduction(run: ProductionRun): void;
  batteryStage(from: PackSource | null): void;
  /** the same battery stage, its multi-year projection's work done by `ageing` (in place without it) */
  batteryStageWith(from: PackSource | null, elsewhere?: BatteryElsewhere): Promise<void>;
  finish(later: CyclingRun | null): JobResult;
}

/**
 * A job up to the point where it needs the cycling's result. `cycling` runs the cycling stage at its place
 * in the flow and returns its result (runJob), or null when the result comes later, to `finish`.
 */
function startJob(recipe: Recipe, opts: JobOptions, cycling: (req: JobCyclingRequest) => CyclingRun | null): JobFlow {
  const lineTicker = stageTicker(opts.progress, 'line', 1, 'parts');
  const design = designCell(recipe);
  // the line, plus the job-level evidence the claims cite (claims 3/4 forces over μ, thermal bounds, what
  // claims 1 and 2 depend on) that only the single job needs
  const lineInput = processInputFromRecipe(recipe, design);
  const proc0 = simulateStations(lineInput);
  const proc = opts.reductionForces === false ? proc0 : withJobEvidence(lineInput, proc0);
  lineTicker.end();
  // what the line cannot make as described (src/validity.ts): cells out of spec, claims not evaluable;
  // they head the warnings (below), the line's other warnings follow
  const findings: ValidityFinding[] = lineFindings(proc.warnings);
  const warnings: string[] = [];
  for (const w of proc.warnings) if (classifyLineWarning(w) === null) warnings.push(warningText(w));
  const output: RunOutput = {
    rollcell_version: ROLLCELL_VERSION,
    run_id: opts.runId ?? '',
    design: designBlock(recipe, design),
    line: presentLine(proc),
    windows: [],
    warnings,
  };
  let cellSI: ProducedCell | null = null;
  let cyc: CyclingRun | null = null;
  const canCycle = proc.cell.bonded['240'] && recipe.third_sheet.facing_al === 'li_layer';
  // where the cycling's block, warnings and findings go when its result comes later (runJobWith)
  let cyclingAt: { warnings: number; findings: number } | null = null;
  const applyCycling = (c: CyclingRun): void => {
    cyc = c;
    output.cycling = c.block;
    // the ageing projection's validity notes are restated as findings (they lead the warnings, below)
    warnings.push(...c.notes.filter((n) => !n.startsWith('ageing: outside validity')));
    findings.push(...c.findings);
  };
  if (!opts.noCycling) {
    if (canCycle) {
      cellSI = proc.cell;
      const now = cycling({
        recipe,
        cell: cellSI,
        ...(opts.progress ? { progress: opts.progress } : {}),
        ...(opts.cycling ? { cycling: opts.cycling } : {}),
        ...(opts.driveCycles ? { driveCycles: opts.driveCycles } : {}),
      });
      if (now) applyCycling(now);
      else cyclingAt = { warnings: warnings.length, findings: findings.length };
    } else {
      warnings.push(
        'no cycling: the produced laminate has no working Li–Al anode against the electrolyte (station 240 not bonded or the Li layer not facing the Al)',
      );
    }
  }
  let prod: ProductionRun | null = null;
  // the in-spec cells the pack takes (first n, in order), kept aside when the records are streamed
  const packCells = opts.battery && recipe.battery ? recipe.battery.series * recipe.battery.parallel : 0;
  const limits = typeof opts.production === 'object' ? opts.production : {};

  /** the production shift in this thread; returns the in-spec cells and (when streamed) the first n of them */
  function productionHere(): PackSource {
    const inSpecKept: ProducedCellRecord[] = [];
    let inSpec = 0;
    const sink = opts.cellSink;
    if (!sink) {
      const { cells } = productionSize(recipe, parseProduction(recipe.production), limits);
      if (cells > JOB_LIMITS.keptProductionCells)
        throw new ProblemError([
          {
            path: `production.${limits.web_length_m !== undefined ? 'web_length_m' : limits.duration_s !== undefined ? 'duration_s' : 'duration_h'}`,
            problem: 'a production run whose cells are kept in memory would make too many cells',
            got: `about ${Math.round(cells)} cells`,
            allowed: `<= ${JOB_LIMITS.keptProductionCells} cells, or a cellSink that streams them (rollcell run does)`,
          },
        ]);
    }
    const onCell = (c: ProducedCellRecord): void => {
      if (c.inSpec && inSpec++ < packCells && sink) inSpecKept.push(c);
      sink?.(c);
      opts.onCell?.(c);
    };
    const run = runJobProduction({
      recipe,
      seed: opts.seed ?? 1,
      limits,
      ...(sink || opts.onCell ? { onCell } : {}),
      keepCells: !sink,
      ...(opts.onProductionStart ? { onStart: opts.onProductionStart } : {}),
      ...(opts.progress ? { progress: opts.progress } : {}),
      ...(opts.lineData ? { lineData: opts.lineData } : {}),
    });
    if (!sink) inSpec = run.cells.reduce((k, c) => k + (c.inSpec ? 1 : 0), 0);
    applyProduction(run);
    return { inSpec, cells: inSpec >= packCells ? (sink ? inSpecKept : run.cells) : undefined };
  }

  /** the production shift's result (made here or on another thread) into the output, before the battery's block */
  function applyProduction(run: ProductionRun): void {
    prod = run;
    output.production = presentProduction(run);
    // a shift that finished after the battery (on another thread) still comes before it in the output
    const { battery } = output;
    if (battery) {
      delete output.battery;
      output.battery = battery;
    }
  }

  let batteryFrames: CellFrames | null = null;
  let batteryCells: JobResult['batteryCells'] = null;
  let batteryBlock: BatteryBlock | null = null;
  let batteryResult: BatteryResult | null = null;
  /**
   * The battery on the shift's first n in-spec cells (`from.cells`, in order), or on design cells when
   * there was no shift or it made fewer than n in-spec cells (`from.inSpec` of them).
   */
  function batteryStage(from: PackSource | null): void {
    const st = batteryStart(from);
    if (!st) return;
    const plan = st.started.ageing;
    batteryEnd(st, plan ? runAgeingWork(plan.work, plan.years, opts.progress) : null);
  }

  async function batteryStageWith(from: PackSource | null, elsewhere: BatteryElsewhere = {}): Promise<void> {
    const { ageing, c3 } = elsewhere;
    let c3Figures: Promise<C3Figures> | null = null;
    const st = batteryStart(
      from,
      c3
        ? (work) => {
            c3Figures = c3(work, opts.progress);
            c3Figures.catch(() => {}); // thrown by the await below, once the duty is done
          }
        : undefined,
    );
    if (!st) return;
    const plan = st.started.ageing;
    const trajectories = plan
      ? ageing
        ? await ageing(plan.work, plan.years, opts.progress)
        : runAgeingWork(plan.work, plan.years, opts.progress)
      : null;
    batteryEnd(st, trajectories, (await (c3Figures as Promise<C3Figures> | null)) ?? undefined);
  }

  /** the battery up to its multi-year projection (startBattery), on the pack's cells */
  function batteryStart(
    from: PackSource | null,
    c3Elsewhere?: (work: C3Work) => void,
  ): { started: StartedBattery; cells: ProducedCellRecord[] | undefined; n: number } | null {
    if (!(opts.battery && recipe.battery)) return null;
    const bo = typeof opts.battery === 'object' ? opts.battery : {};
    const profile = bo.profile ?? DEFAULT_PROFILE[recipe.battery.application];
    const n = packCells;
    // the pack's cells are the line's: without a working anode there is no battery to evaluate (no invented one)
    const noAnode = noWorkingAnode(recipe, proc.cell);
    if (noAnode) {
      // carried once, as the finding (it leads the warnings): claims 17–18 rest on the battery
      findings.push(noBatteryFinding(noAnode, `${recipe.battery.series}s${recipe.battery.parallel}p`));
      return null;
    }
    const cells = from?.cells;
    if (from && !cells)
      warnings.push(
        `battery: the production run made ${from.inSpec} in-spec cells, fewer than the ${n} the ` +
          `${recipe.battery.series}s${recipe.battery.parallel}p pack needs; the pack is built from design ` +
          `cells with the stated spread`,
      );
    const started = startBattery(recipe, {
      profile,
      days: bo.days ?? 1,
      seed: opts.seed ?? 1,
      cells,
      // the cell the line made for the job (and its cycling): the design cells spread around it
      lineCell: proc.cell,
      ...(opts.progress ? { progress: opts.progress } : {}),
      ...(opts.batteryFrames ? { cellFrames: opts.batteryFrames } : {}),
      ...(c3Elsewhere ? { c3Elsewhere } : {}),
    });
    return { started, cells, n };
  }

  /** the battery's result, given its projection's trajectories, into the output */
  function batteryEnd(
    { started, cells, n }: { started: StartedBattery; cells: ProducedCellRecord[] | undefined; n: number },
    trajectories: number[][] | null,
    c3?: C3Figures,
  ): void {
    const bat = presentBatteryRun(started.finish(trajectories, c3));
    output.battery = bat.block;
    findings.push(...batteryFindings(bat.block));
    batteryBlock = bat.block;
    batteryResult = bat.result;
    batteryFrames = bat.cellFrames ?? null;
    if (cells) {
      // traceability (battery passport): the in-spec cells the pack took, in order, point to the battery
      // (streamed records get it when they are stored: JobResult.batteryCells)
      const serial = jobBatterySerial(opts);
      let k = 0;
      for (const c of cells) if (c.inSpec && k++ < n) c.genealogy.batterySerial = serial;
      batteryCells = { serial, count: n };
    }
  }

  return { packCells, lineCell: proc.cell, productionHere, applyProduction, batteryStage, batteryStageWith, finish };

  function finish(later: CyclingRun | null): JobResult {
    if (later && cyclingAt) {
      // the cycling's result in runJob's places: its block after the line, its warnings and findings
      // before the production's and the battery's
      const w = warnings.splice(cyclingAt.warnings);
      const f = findings.splice(cyclingAt.findings);
      applyCycling(later);
      warnings.push(...w);
      findings.push(...f);
      const { production, battery } = output;
      delete output.production;
      delete output.battery;
      if (production) output.production = production;
      if (battery) output.battery = battery;
    } else if (cyclingAt) throw new Error('runJobWith: the cycling stage gave no result');
    if (batteryBlock) {
      const pb = presentPackBand(batteryBlock, output.cycling?.first_cycle_band);
      if (pb) batteryBlock.band = pb;
      if (batteryCells) batteryBlock.battery_serial = batteryCells.serial;
    }
    // the seed's windows, evaluated once with every result of the run (their warnings lead the list)
    const cyc0 = output.cycling;
    const windows = evaluateWindows(recipe, design, proc, {
      specificCapacity_mAh_g: cyc0 ? cyc0.discharge_capacity_mAh_g : null,
      cRate: typeof cyc0?.max_c_rate === 'number' ? cyc0.max_c_rate : null,
    });
    output.windows = windows;
    warnings.unshift(...windows.filter((w) => !w.inside).map(windowWarning));
    // the claims on the run's typed results (never on its JSON); the presenter writes the block
    const pr: ProductionRun | null = prod;
    const claimInputs: ClaimInputs = {
      recipe,
      design,
      line: proc,
      cycling: cyc?.claimInputs ?? null,
      battery: batteryResult,
      production: pr ? { cellsTotal: pr.shift.cellsTotal, cellsInSpec: pr.shift.cellsInSpec } : null,
      findings,
    };
    if (opts.claims !== false) output.claims = presentClaims(evaluateClaims(claimInputs), claimInputs);
    if (findings.length) {
      output.validity = {
        findings: findings.map(({ cites, ...f }) => ({
          ...f,
          claims: f.claims === 'all' ? 'all' : [...f.claims],
          ...(cites ? { cites: [...cites] } : {}),
        })),
      };
      // the findings lead the warnings: no clean headline beside them
      warnings.unshift(
        ...findings.map(
          (f) => `${f.kind === 'impossible' ? 'PHYSICALLY IMPOSSIBLE' : 'OUTSIDE MODEL VALIDITY'}: ${f.reason}`,
        ),
      );
    }
    return {
      output,
      design,
      process: proc,
      cellSI,
      windows,
      warnings,
      timeSeries: cyc?.timeSeries ?? [],
      cycles: cyc?.cycles ?? [],
      experiment: cyc?.experiment ?? null,
      productionRun: prod,
      batteryCells,
      batteryFrames,
      claimInputs,
    };
  }
}
