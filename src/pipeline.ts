/**
 * The main job (DESIGN.md's one flow): recipe → design → line (stations 222 → 236 → 240, alloying,
 * cracking) → the produced cell → cycling on the solid-state model → claims.
 * Pure composition of the physics folders; the CLI adds storage and the report.
 */
import type { Recipe } from './recipe/schema.ts';
import type { CyclingBlock, RunOutput } from './contract.ts';
import { designBlock, designCell, type CellDesign } from './design/index.ts';
import type { WindowCheck } from './recipe/windows.ts';
import { evaluateWindows, windowWarning } from './claims/windows.ts';
import { presentLine, warningText } from './present/line.ts';
import { ROLLCELL_VERSION } from './version.ts';
import { evaluateClaims } from './claims/index.ts';
import type { ReportCycle, ReportTimeSeries } from './report/index.ts';
import { operatingConditions, processInputFromRecipe } from './process/from-recipe.ts';
import { simulateStations, withJobEvidence } from './process/stations.ts';
import type { LineResult, ProducedCell } from './process/types.ts';
import {
  createSsbModel,
  ssbParamsFromProducedCell,
  cycleAgeing,
  type SsbCellParams,
  type SsbModelKind,
} from './electrochem/ssb/index.ts';
import type { FullCellModel } from './electrochem/model.ts';
import { getMaterial } from './materials/library.ts';
import { runProduction, type ProductionRun } from './process/line.ts';
import { runBatteryCommand, type BatteryProfileName, type CellFrames } from './battery/run.ts';
import type { CellRecord as ProducedCellRecord, ProductionStart } from './process/line.ts';
import {
  runExperiment,
  firstCycleSummary,
  rateCapability,
  firstCycleProtocolStrings,
  allCycleMetrics,
  type ExperimentResult,
} from './cycler/index.ts';
import { ageingWithMechanisms, ALL_MECHANISMS } from './electrochem/ssb/ageing.ts';
import { createSpme } from './electrochem/ssb/spme.ts';
import { fastRunner, firstCycle } from './electrochem/ssb/cycle.ts';
import { stageTicker, type Progress } from './progress.ts';

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
  /**
   * run the recipe's battery (its `battery` block) on a duty profile (default by application: ev →
   * ev:UDDS, ess_solar → ess:solar, ess_wind → ess:wind, other → ev:UDDS) with cells from the
   * production run when there is one (else design cells with the stated spread). Off by default in
   * the library; `rollcell run` turns it on.
   */
  battery?: boolean | { profile?: BatteryProfileName; days?: number };
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
  /** the production run (when requested), with its per-cell records */
  productionRun: ProductionRun | null;
  /** per-cell pack snapshots over the duty profile (when JobOptions.batteryFrames asked for them) */
  batteryFrames: CellFrames | null;
}

/** The line's station physics for a recipe. */
export function runLine(recipe: Recipe, design: CellDesign = designCell(recipe)): LineResult {
  return simulateStations(processInputFromRecipe(recipe, design));
}

/** A fresh solid-state cell model of the cell the recipe's line produces (or of `cell`, when given). */
export function buildCellModel(
  recipe: Recipe,
  kind: SsbModelKind,
  cell?: ProducedCell,
  tune?: (p: SsbCellParams) => SsbCellParams,
): FullCellModel {
  const c = cell ?? runLine(recipe).cell;
  const p = ssbParamsFromProducedCell(c, operatingConditions(recipe), getMaterial);
  return createSsbModel(kind, tune ? tune(p) : p);
}

const r6 = (x: number): number => Number(x.toPrecision(6));

/**
 * The full model the production run calibrates its per-cell capacity surrogate against: the [0178] first
 * cycle (CC-CV to the charge cut-off, CC to the discharge cut-off) of the produced cell on the solid-state
 * SPMe with its fast linear-response stepper (five calibration cells at run start), discharge capacity in C.
 */
export function firstCycleDischarge_C(recipe: Recipe, cell: ProducedCell): number {
  const c = recipe.cycling;
  const m = createSpme(ssbParamsFromProducedCell(cell, operatingConditions(recipe), getMaterial));
  return firstCycle(fastRunner(m), m, m.initialState(0), c.charge_cutoff_V, c.discharge_cutoff_V).discharge_C;
}

export interface CyclingRun {
  block: CyclingBlock;
  experiment: ExperimentResult;
  timeSeries: ReportTimeSeries[];
  cycles: ReportCycle[];
  /** what could not be evaluated and why */
  notes: string[];
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
): CyclingRun {
  const c = recipe.cycling;
  const ticker = stageTicker(progress, 'cycling', 3, 'parts');
  const kind = c.model;
  const tune = opts.params;
  const summary = opts.series === 'summary';
  // the [0178] protocol as ONE cycle (a nested list: PyBaMM's convention makes each top-level entry a cycle)
  const steps = recipe.experiment ?? [firstCycleProtocolStrings(c.charge_cutoff_V, c.discharge_cutoff_V)];
  const initialSoc = c.initial_soc ?? 0;
  const exp = runExperiment(
    buildCellModel(recipe, kind, cell, tune),
    summary ? { steps, period: SUMMARY_PERIOD } : steps,
    summary ? { initialSoc, series: 'none', recordOutputs: false } : { initialSoc },
  );
  const fc = firstCycleSummary(exp);
  ticker.tick(1);
  const block: CyclingBlock = {
    model: kind,
    protocol: recipe.experiment ? 'recipe experiment' : '[0178] first cycle',
    status: exp.status,
    ...(exp.reason ? { reason: exp.reason } : {}),
    charge_capacity_mAh_g: fc.charge_capacity_mAh_g ?? NaN,
    discharge_capacity_mAh_g: fc.discharge_capacity_mAh_g ?? NaN,
    coulombic_efficiency: fc.coulombic_efficiency ?? NaN,
    volume_expansion_rate_pct: fc.volume_expansion_rate_pct ?? NaN,
    ...(fc.volume_expansion.evaluable
      ? { thickness_before_um: r6(fc.volume_expansion.before_um), thickness_after_um: r6(fc.volume_expansion.after_um) }
      : { volume_expansion_note: fc.volume_expansion.reason }),
    charge_capacity_Ah: fc.charge_capacity_Ah,
    discharge_capacity_Ah: fc.discharge_capacity_Ah,
    charge_cutoff_V: c.charge_cutoff_V,
    discharge_cutoff_V: c.discharge_cutoff_V,
    // every cycle of the experiment (the figures above are its first cycle)
    experiment: {
      initial_soc: initialSoc,
      cycles: exp.cycles.length,
      per_cycle: allCycleMetrics(exp).map((m) => ({
        cycle: m.index,
        charge_Ah: r6(m.charge_Ah),
        discharge_Ah: r6(m.discharge_Ah),
        coulombic_efficiency:
          m.coulombicEfficiency === null || !Number.isFinite(m.coulombicEfficiency) ? null : r6(m.coulombicEfficiency),
      })),
    },
  };
  // NaN never leaves rollcell: a figure the run could not produce is null with a reason
  for (const k of [
    'charge_capacity_mAh_g',
    'discharge_capacity_mAh_g',
    'coulombic_efficiency',
    'volume_expansion_rate_pct',
  ] as const) {
    const v = block[k];
    if (Number.isFinite(v)) block[k] = r6(v);
    else (block as Record<string, unknown>)[k] = null;
  }
  const s = exp.series;
  const timeSeries: ReportTimeSeries[] = [
    {
      name: block['protocol'] as string,
      t_s: s.time_s,
      voltage_V: s.voltage_V,
      current_A: s.current_A,
      capacity_Ah: s.charge_C.map((q, i) => (q - (s.discharge_C[i] ?? 0)) / 3600),
    },
  ];
  const cycles: ReportCycle[] = [];
  const notes: string[] = [];
  if (c.rate_capability) {
    try {
      const rc = rateCapability(buildCellModel(recipe, kind, cell, tune), {
        chargeCutoff_V: c.charge_cutoff_V,
        dischargeCutoff_V: c.discharge_cutoff_V,
        fraction: 0.8,
        maxRate: 10,
        claimRate: 0.33,
      });
      block['max_c_rate'] = r6(rc.highestRate);
      block['rate_capability'] = {
        reference_rate_C: rc.referenceRate,
        reference_capacity_Ah: r6(rc.referenceCapacity_Ah),
        fraction: rc.fraction,
        at_search_limit: rc.atSearchLimit,
        meets_0_33C: rc.meetsClaimRate,
        evaluations: rc.evaluations.map((e) => ({ c_rate: r6(e.rate), capacity_Ah: r6(e.capacity_Ah), ok: e.ok })),
      };
    } catch (e) {
      // a cell that delivers nothing at the reference rate has no rate capability: null with the reason
      block['max_c_rate'] = null;
      block['rate_capability'] = { error: (e as Error).message };
      notes.push(`rate capability not evaluable (${(e as Error).message.replace(/^rate capability: /, '')})`);
    }
  }
  ticker.tick(2);
  if (c.ageing_cycles > 0 && !((fc.discharge_capacity_Ah ?? 0) > 0)) {
    notes.push(`ageing cycles not run: the cell delivered no discharge capacity in the first cycle`);
  } else if (c.ageing_cycles > 0) {
    const mechanisms = { ...ALL_MECHANISMS, ...c.ageing_mechanisms };
    const eolPct = c.end_of_life_retention_pct ?? 80;
    const p0 = ssbParamsFromProducedCell(cell, operatingConditions(recipe), getMaterial);
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
        discharge_Ah: q / 3600,
        charge_Ah: ch / 3600,
        ce: ch > 0 ? q / ch : 0,
        ...(Number.isFinite(R) ? { resistance_mOhm: R * 1000 } : {}),
      });
    }
    const R0 = ag.resistance_ohm[0] ?? NaN;
    const R1 = ag.resistance_ohm[n - 1] ?? NaN;
    const fin = (x: number): number | null => (Number.isFinite(x) ? r6(x) : null);
    block['cycles'] = n;
    block['ageing'] = {
      model: model.name,
      c_rate: c.ageing_c_rate,
      mechanisms,
      cycles: n,
      cycles_requested: c.ageing_cycles,
      capacity_retention_pct: r6((ag.retention[n - 1] ?? NaN) * 100),
      first_discharge_Ah: r6((ag.discharge_C[0] ?? 0) / 3600),
      last_discharge_Ah: r6((ag.discharge_C[n - 1] ?? 0) / 3600),
      // DC resistance from the voltage step at the start of each discharge (instantaneous: ohmic, interphase, charge transfer)
      dc_resistance_first_mOhm: fin(R0 * 1000),
      dc_resistance_last_mOhm: fin(R1 * 1000),
      resistance_growth_pct: fin((R1 / R0 - 1) * 100),
      end_of_life_retention_pct: eolPct,
      cycles_to_end_of_life: ag.endOfLifeCycle,
    };
  }
  if (notes.length) block['notes'] = notes;
  ticker.end();
  return { block, experiment: exp, timeSeries, cycles, notes };
}

export function runJob(recipe: Recipe, opts: JobOptions = {}): JobResult {
  const lineTicker = stageTicker(opts.progress, 'line', 1, 'parts');
  const design = designCell(recipe);
  // the line, plus the job-level evidence the claims cite (claims 3/4 forces over μ, thermal bounds, what
  // claims 1 and 2 depend on) that only the single job needs
  const lineInput = processInputFromRecipe(recipe, design);
  const proc0 = simulateStations(lineInput);
  const proc = opts.reductionForces === false ? proc0 : withJobEvidence(lineInput, proc0);
  lineTicker.end();
  const warnings: string[] = [];
  for (const w of proc.warnings) warnings.push(warningText(w));
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
  if (!opts.noCycling) {
    if (canCycle) {
      cellSI = proc.cell;
      cyc = runCycling(recipe, cellSI, opts.progress, opts.cycling);
      output.cycling = cyc.block;
      warnings.push(...cyc.notes);
    } else {
      warnings.push(
        'no cycling: the produced laminate has no working Li–Al anode against the electrolyte (station 240 not bonded or the Li layer not facing the Al)',
      );
    }
  }
  let prod: ProductionRun | null = null;
  if (opts.production) {
    const lim = typeof opts.production === 'object' ? opts.production : {};
    prod = runProduction(recipe, {
      seed: opts.seed ?? 1,
      includeCharts: true,
      capacityModel: (cell) => firstCycleDischarge_C(recipe, cell),
      ...lim,
      ...(opts.onCell ? { onCell: opts.onCell } : {}),
      ...(opts.onProductionStart ? { onStart: opts.onProductionStart } : {}),
      ...(opts.progress ? { progress: opts.progress } : {}),
    });
    output.production = prod.block;
    // the stops of the shift (the block counts them; the dashboard's Shift view draws them)
    output.production['stops'] = prod.timeline.stops.map((s) => ({
      cause: s.cause,
      t0_s: r6(s.t0_s),
      t1_s: r6(s.t1_s),
      s_m: r6(s.s_m),
    }));
  }
  let batteryFrames: CellFrames | null = null;
  if (opts.battery && recipe.battery) {
    const bo = typeof opts.battery === 'object' ? opts.battery : {};
    const profile = bo.profile ?? DEFAULT_PROFILE[recipe.battery.application];
    const n = recipe.battery.series * recipe.battery.parallel;
    const inSpec = prod ? prod.cells.reduce((k, c) => k + (c.in_spec ? 1 : 0), 0) : 0;
    const cells = prod && inSpec >= n ? prod.cells : undefined;
    if (prod && !cells)
      warnings.push(
        `battery: the production run made ${inSpec} in-spec cells, fewer than the ${n} the ` +
          `${recipe.battery.series}s${recipe.battery.parallel}p pack needs; the pack is built from design ` +
          `cells with the stated spread`,
      );
    const bat = runBatteryCommand(recipe, {
      profile,
      days: bo.days ?? 1,
      seed: opts.seed ?? 1,
      cells,
      ...(opts.progress ? { progress: opts.progress } : {}),
      ...(opts.batteryFrames ? { cellFrames: opts.batteryFrames } : {}),
    });
    output.battery = bat.block as unknown as Record<string, unknown>;
    batteryFrames = bat.cellFrames ?? null;
    if (cells) {
      // traceability (battery passport): the in-spec cells the pack took, in order, point to the battery
      const serial = `BAT-${opts.runId || `seed${opts.seed ?? 1}`}`;
      let k = 0;
      for (const c of cells) if (c.in_spec && k++ < n) c.genealogy.battery_serial = serial;
      (output.battery as Record<string, unknown>)['battery_serial'] = serial;
    }
  }
  // the seed's windows, evaluated once with every result of the run (their warnings lead the list)
  const cyc0 = output.cycling;
  const windows = evaluateWindows(recipe, design, proc, {
    specificCapacity_mAh_g: cyc0 ? cyc0.discharge_capacity_mAh_g : null,
    cRate: typeof cyc0?.['max_c_rate'] === 'number' ? cyc0['max_c_rate'] : null,
  });
  output.windows = windows;
  warnings.unshift(...windows.filter((w) => !w.inside).map(windowWarning));
  if (opts.claims !== false) output.claims = evaluateClaims(recipe, output);
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
    batteryFrames,
  };
}
