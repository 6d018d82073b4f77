/**
 * rollcell's cycler: the PyBaMM-compatible experiment language, the step machine that runs it on any
 * CellModel, metrics (capacity, CE, energy, DCIR, Eq. 1 expansion, rate capability), BDF CSV I/O, and an
 * equivalent-circuit cell model. The default experiment is the first-cycle protocol of [0178].
 */
export {
  parseExperiment,
  parseStep,
  parseStop,
  parseLoopCondition,
  formatParseError,
  parseErrorProblem,
  firstCycleProtocol,
  firstCycleProtocolStrings,
  formatStep,
  editDistance,
  closest,
} from './experiment.ts';
export type {
  Experiment,
  ExperimentInput,
  ExperimentEntryInput,
  ExperimentStop,
  StepAst,
  StepControl,
  Termination,
  CvPhase,
  CycleBlock,
  LoopBlock,
  LoopCondition,
  ParseError,
  Parsed,
} from './experiment.ts';
export { runExperiment, ExperimentParseError } from './machine.ts';
export type { RunOptions, ExperimentResult, StepRecord, CycleRecord, Series, DriveCycle, SolveFn } from './machine.ts';
export {
  stepMetrics,
  cycleMetrics,
  allCycleMetrics,
  allStepMetrics,
  capacityRetention,
  dcInternalResistance,
  volumeExpansionRate,
  rateCapability,
  firstCycleSummary,
} from './metrics.ts';
export type {
  ChargeFigures,
  StepMetrics,
  CycleMetrics,
  DcirResult,
  ExpansionRate,
  RateCapabilityOptions,
  RateCapabilityResult,
} from './metrics.ts';
export {
  BDF_REQUIRED,
  toBdfCsv,
  toCycleSummaryCsv,
  parseBdfCsv,
  parseCsvTable,
  parseDriveCycleCsv,
  compareVoltage,
  formatCsvError,
  csvProblem,
} from './bdf.ts';
export type { BdfSeries, CsvError, CsvTable, VoltageComparison } from './bdf.ts';
export { loadDriveCycles, readBdfFile } from './io.ts';
export { EcmModel } from './ecm.ts';
export type { EcmParams } from './ecm.ts';

import { firstCycleProtocol } from './experiment.ts';
import { runExperiment, type ExperimentResult, type RunOptions } from './machine.ts';
import type { CellModel, CellModelExtras } from '../electrochem/model.ts';

/**
 * The seed's first cycle ([0178]): CC-CV charge at 0.1C to `chargeCutoff_V` (4.25–4.4 V) with a 0.02C end,
 * then CC discharge at 0.1C to `dischargeCutoff_V` (3 V), from a discharged cell (SOC 0).
 */
export function runFirstCycle(
  model: CellModel & CellModelExtras,
  chargeCutoff_V = 4.3,
  dischargeCutoff_V = 3.0,
  opts: RunOptions = {},
): ExperimentResult {
  return runExperiment(model, firstCycleProtocol(chargeCutoff_V, dischargeCutoff_V), { initialSoc: 0, ...opts });
}

import { parseExperiment, type Experiment, type Parsed } from './experiment.ts';

/**
 * The experiment of `rollcell cycle`: the `--experiment "<step>"` strings in order as one cycle, then
 * `--current-profile <csv>` as a drive-cycle step (current, positive on charge); neither given → the
 * [0178] first-cycle protocol at `chargeCutoff_V`. Load the profile with loadDriveCycles(exp, cwd).
 */
export function experimentFromCli(
  steps: readonly string[],
  currentProfile?: string,
  chargeCutoff_V = 4.3,
  dischargeCutoff_V = 3.0,
): Parsed<Experiment> {
  if (steps.length === 0 && currentProfile === undefined)
    return { ok: true, value: firstCycleProtocol(chargeCutoff_V, dischargeCutoff_V) };
  const list: string[] = [...steps];
  if (currentProfile !== undefined) {
    const src = /\s/.test(currentProfile) ? `"${currentProfile.replace(/"/g, '')}"` : currentProfile;
    list.push(`Run drive cycle from ${src} as current`);
  }
  const r = parseExperiment([list], '--experiment');
  if (r.ok) return r;
  // name the CLI flag and position instead of the list path
  return {
    ok: false,
    errors: r.errors.map((e) => {
      const k = /\[0\]\[(\d+)\]/.exec(e.path ?? '');
      const i = k ? Number(k[1]) : -1;
      const path =
        i >= 0 && i < steps.length
          ? `--experiment #${i + 1}`
          : i >= steps.length
            ? '--current-profile'
            : (e.path ?? '--experiment');
      return { ...e, path };
    }),
  };
}
