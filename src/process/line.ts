/**
 * A production run of the rollcell line (FIG. 2 of US 2025/0266422 A1 run continuously for hours):
 * unwinders with finite rolls, splices, stops and speed ramps (discrete events, ./production/timeline.ts),
 * and in between a continuous web from which cells are cut in the recipe's format, each evaluated through
 * the line physics with its own perturbed inputs (incoming sheet thickness MD + CD, roll force with
 * eccentricity ripple, nip temperature, line speed — ./production/variability.ts, or measured series
 * from a line-data CSV, ./production/linedata.ts). Every cell carries its layer stack, station history,
 * genealogy (parent roll IDs with MD position and lane, lots, station run, splice flag, serial, a slot
 * for the battery serial) and an in/out-of-spec verdict with its failing causes.
 *
 * Figures: yield, scrap Pareto, throughput, OEE, SPC (X̄–R, EWMA, Cp/Cpk per lane), web tension per span,
 * cost per kWh by BatPaC category, as a typed `ProductionShift` (src/present/production.ts writes the
 * CONTRACT `production` block). Pure and deterministic: the
 * same recipe, options and seed give the identical run.
 *
 * Web accounting (exact): web length = Σ cell rows × cell length + splice zones + restart zones + fragments
 * (pieces shorter than a cell between scrap zones, and the tail); web width = lanes × cell width + edge trim.
 */
import type { Recipe } from '../recipe/schema.ts';
import { SCRAP_CAUSES } from '../contract.ts';
import { designCell, type CellDesign } from '../design/index.ts';
import { getMaterial } from '../materials/library.ts';
import { Rng } from '../numerics/rng.ts';
import {
  ConfigError,
  parseProduction,
  parseVariability,
  type Production,
  type Variability,
} from './production/config.ts';
import { ProcessInputError } from './types.ts';
import { buildTimeline, timeAt, SHEETS, type SheetId, type Timeline } from './production/timeline.ts';
import { SheetField, StationSignal } from './production/variability.ts';
import { interpSeries, type LineData } from './production/linedata.ts';
import {
  STATION_IDS,
  linearizePhysics,
  nominalPerturbation,
  perturbInput,
  type LinePhysics,
  type PhysicsRun,
  type PhysicsResult,
  type Perturbation,
  type StationId,
} from './production/physics.ts';
import type { ProducedCell } from './types.ts';
import { processInputFromRecipe } from './from-recipe.ts';
import { fromPct, hours as hoursToS, mAh, mAhPerG, mm, mPerMin, toHours, toKWh, um } from '../units/index.ts';
import { gaugeReading } from './production/gauge.ts';
import { STATIONS, stationRecord } from '../recipe/stations.ts';
import { stationPhysics } from './production/stations-adapter.ts';
import {
  calibrateCapacity,
  type CapacityModel,
  type CapacityPosterior,
  type CapacitySurrogate,
} from './production/capacity.ts';
import {
  CapabilityStream,
  chartPicks,
  SubgroupSeries,
  subgroupPoints,
  WesternElectricStream,
  type Capability,
} from './production/spc.ts';
import { tensionReport, type TensionReport } from './production/web.ts';
import { costRollup, type CostBreakdown } from './production/cost.ts';
import { problem } from '../problems.ts';
import { stageTicker, type Progress } from '../progress.ts';
import type { ProcessWarning } from './types.ts';

export type { LinePhysics, PhysicsResult } from './production/physics.ts';
export type { CapacityModel, CapacityPosterior } from './production/capacity.ts';

export type LayerKey = 'cathode' | 'electrolyte' | 'al' | 'li' | 'cu';
const LAYERS: readonly LayerKey[] = ['cathode', 'electrolyte', 'al', 'li', 'cu'];
/** which unwinder feeds each incoming layer */
const LAYER_SHEET: Record<LayerKey, SheetId> = {
  cathode: 'first_sheet',
  electrolyte: 'first_sheet',
  al: 'al_sheet',
  li: 'third_sheet',
  cu: 'third_sheet',
};

/** layers in the laminate after each station (for the outfeed gauge's spot term) */
const LAYERS_AFTER: Record<StationId, LayerKey[]> = {
  '222': ['cathode', 'electrolyte'],
  '236': ['cathode', 'electrolyte', 'al'],
  '240': ['cathode', 'electrolyte', 'al', 'li', 'cu'],
};
const SHEET_CODE: Record<SheetId, string> = { first_sheet: 'FS', al_sheet: 'AL', third_sheet: 'LC' };

/** why a cell is out of spec: the contract's list, which is also the priority for a cell's primary cause */
export type ScrapCause = (typeof SCRAP_CAUSES)[number];
const CAUSE_ORDER: readonly ScrapCause[] = SCRAP_CAUSES;

export interface ParentRoll {
  sheet: SheetId;
  rollId: string;
  lot: string;
  /** MD position of the cell on that roll, m from the roll's start */
  mdStart_m: number;
  mdEnd_m: number;
}

/** one station's state as this cell passed it, and its outfeed gauge's reading */
export interface CellAtStation {
  id: StationId;
  /** when the cell's centre passed the station, s from the run's start */
  time_s: number;
  force_N: number;
  temperature_K: number;
  /** the outfeed gauge's reading (laminate thickness + spot deviation + noise + drift), m; null: no gauge */
  gauge_m: number | null;
}

/**
 * A cell of a production run, typed and in SI: the produced cell as the line physics made it, its place on
 * the web, its station history, genealogy and verdict. src/present/production-cell.ts writes the public
 * (stored) record from it: units in the names, 6 significant digits.
 */
export interface ProductionCell {
  serial: string;
  index: number;
  row: number;
  lane: number;
  /** laminate MD interval, m */
  sStart_m: number;
  sEnd_m: number;
  /** CD interval on the web, m from the operator-side edge */
  cdStart_m: number;
  cdEnd_m: number;
  /** the produced cell (SI), as the line physics made it for this cell */
  cell: ProducedCell;
  /** whole cell stack thickness (collectors included) as the line physics gives it, m */
  cellThickness_m: number;
  /** the layer stack, top to bottom, m */
  layers: readonly { name: string; thickness_m: number }[];
  /** incoming sheet layer thicknesses for this cell (nominal × (1 + MD + CD deviation)), m */
  incomingThickness_m: Record<LayerKey, number>;
  /** first-cycle discharge capacity (the run's capacity surrogate), C */
  capacity_C: number;
  /** capacity per mass of cathode active material, C/kg */
  specificCapacity_C_per_kg: number;
  /** capacity × the design's average voltage, J */
  energy_J: number;
  crackRisk: number;
  bonded: boolean;
  defects: number;
  stations: CellAtStation[];
  /** line speed at the cell's centre, m/s */
  speed_m_s: number;
  genealogy: {
    material_lots: Partial<Record<SheetId, string[]>>;
    parents: ParentRoll[];
    stationRun: string;
    /** when the cell's centre passed station 240, s */
    time_s: number;
    splice: boolean;
    /** the battery that took the cell (set by the job when the pack takes it) */
    batterySerial: string | null;
  };
  inSpec: boolean;
  causes: ScrapCause[];
}

export interface ProductionOptions {
  seed: number;
  /** run length: a duration (s) or a web length (m); default: production.duration_h of the recipe */
  duration_s?: number;
  web_length_m?: number;
  /** the station physics for one perturbed recipe (default: src/process/stations.ts through ./production/stations-adapter.ts) */
  physics?: LinePhysics;
  /** full electrochemical capacity model used to calibrate the per-cell surrogate */
  capacityModel?: CapacityModel;
  /**
   * the posterior of the fitted model parameters (one full model per draw, with capacityModel): each
   * cell's capacity uses a draw picked by the run's seeded RNG, so the capacity distribution includes
   * the parameter uncertainty (production/capacity.ts)
   */
  capacityPosterior?: CapacityPosterior;
  /** measured series replacing simulated variability */
  lineData?: LineData;
  /**
   * keep per-cell records in the result (default true). False with `onCell`: the records are streamed
   * to the caller (e.g. into the store) and not kept, so memory does not grow with the cells' records
   * (≈ 7 kB each); SPC keeps each lane's gauge subgroup means and ranges (16 B per subgroup) and running
   * statistics, and the variability fields a window along the web, so a run's memory hardly grows with its cells.
   */
  keepCells?: boolean;
  /**
   * include the SPC chart series (default false: summaries only): every subgroup up to `chartPoints`
   * per lane, beyond that a min–max decimation to at most `chartPoints` points (`charts.subgroup` then
   * numbers them; every cell's gauge reading is in its record)
   */
  includeCharts?: boolean;
  /** most points of a lane's SPC chart series (default CHART_POINTS) */
  chartPoints?: number;
  /** progress of the shift (stage 'production shift', in cells), for the edges to show */
  progress?: Progress;
  /**
   * a cell the line physically cannot make as described (e.g. its Li melts): out of spec with cause
   * physically_impossible (src/validity.ts decides from the line's warnings)
   */
  isImpossible?: (warnings: readonly ProcessWarning[]) => boolean;
  /** called with each cell as soon as it is made, kept or not (live views, streaming to the store) */
  onCell?: (cell: ProductionCell) => void;
  /** called once the run's event timeline is known, before the first cell (for live views) */
  onStart?: (info: ProductionStart) => void;
}

/** what a run knows before its first cell (for live views; SI: src/present/production.ts presents it) */
export interface ProductionStart {
  planned_s: number;
  lanes: number;
  /** the line's set speed, m/s */
  speed_m_s: number;
  /** the cut cell's length along the web, m */
  cellLength_m: number;
  stops: Timeline['stops'];
  splices: Timeline['splices'];
}

export interface StationState {
  t0_s: number;
  t1_s: number;
  state: 'ramping' | 'running' | 'stopped';
  cause?: string;
  run: number;
}

/** one scrap cause of the shift: cells (primary cause) or web (zones, fragments, edge trim) */
export interface ShiftScrap {
  cause: ScrapCause | 'splice_zone' | 'restart_zone' | 'fragment' | 'edge_trim';
  cells: number;
  /** the web it took, in cells' worth of area */
  cellEquivalents: number;
  webArea_m2: number;
}

/** one lane's X̄–R and EWMA chart of the 240 outfeed gauge's readings, m */
export interface ShiftSpcLane {
  lane: number;
  limits: ReturnType<SubgroupSeries['limits']>;
  xbarOutOfControl: number;
  westernElectric: { rule1: number; rule2: number; rule3: number; rule4: number };
  ewmaOutOfControl: number;
  /** the chart's points (null: not asked for); all subgroups, or a decimation of `subgroups` to `maxPoints` */
  charts: {
    all: boolean;
    subgroup: number[];
    means: number[];
    ranges: number[];
    ewma: number[];
    ewmaUcl: number[];
    ewmaLcl: number[];
    subgroups: number;
    maxPoints: number;
  } | null;
}

/**
 * What a production shift made, typed and unrounded: counts, lengths in m, areas in m², times in s, the OEE
 * factors as fractions; the capability of the cells' true thicknesses in m and capacity in C. The 240 gauge's
 * SPC (X̄–R, EWMA, variance) charts the gauge's readings in m, quantised at the gauge's resolution
 * (./production/gauge.ts; the stored record's reading: the SPC export recomputes it from the store).
 * src/present/production.ts writes the contract's `production` block from it.
 */
export interface ProductionShift {
  seed: number;
  cellsTotal: number;
  cellsInSpec: number;
  planned_s: number;
  webLength_m: number;
  webWidth_m: number;
  cellWidth_m: number;
  cellLength_m: number;
  cellArea_m2: number;
  lanes: number;
  rows: number;
  /** web length in whole cell rows, splice and restart zones, fragments (web length = their sum) */
  cellRows_m: number;
  spliceZones_m: number;
  restartZones_m: number;
  fragments_m: number;
  edgeTrim_m2: number;
  goodArea_m2: number;
  /** energy of the in-spec cells at the design's average voltage, kWh (the cost roll-up's unit) */
  goodEnergy_kWh: number;
  /** scrap by cause, largest first */
  scrap: ShiftScrap[];
  /** every cause that failed a cell (a cell may fail several), in the contract's order */
  outOfSpecCauses: { cause: ScrapCause; cells: number }[];
  oee: { availability: number; performance: number; quality: number };
  events: {
    splices: number;
    stops: number;
    stationRuns: number;
    downtime_s: number;
    rollsUsed: Record<SheetId, number>;
  };
  spc: {
    subgroupSize: number;
    lanes: ShiftSpcLane[];
    /** the 240 gauge's variance between lane means (CD) and within lanes (MD + residual), m², and its mean, m */
    gaugeVariance: { cdVariance: number; mdVariance: number; mean: number } | null;
  };
  /** per lane: capability of the true cell and anode thickness (m) and the capacity (C) */
  capability: {
    lane: number;
    cellThickness: Capability | null;
    anodeThickness: Capability | null;
    capacity: Capability | null;
  }[];
  /** the linear surrogate of the line physics (fidelity: linear) and its measured error; null: full physics */
  surrogate: {
    calls: number;
    bondedVaries: boolean;
    steps: { name: string; step: number }[];
    errorVsFull: {
      cells: number;
      cell_thickness_max_rel: number;
      anode_thickness_max_rel: number;
      crack_risk_max_abs: number;
      bonded_mismatch: number;
    };
  } | null;
  lineData: { rows: number; stations: string[] } | null;
}

export interface ProductionRun {
  shift: ProductionShift;
  cells: ProductionCell[];
  timeline: {
    splices: Timeline['splices'];
    stops: Timeline['stops'];
    station_states: StationState[];
    rolls: Record<
      SheetId,
      { roll_id: string; lot: string; laminate_start_m: number; length_m: number; used_m: number }[]
    >;
  };
  capacity: CapacitySurrogate;
  tension: TensionReport;
  cost: CostBreakdown;
  /**
   * the run's configuration as the recipe states it: the production and variability blocks (parsed), and the
   * line's set speed and formats in the recipe's units (echoed by the block as given)
   */
  config: {
    production: Production;
    variability: Variability;
    line: { speed_m_per_min: number; web_width_mm: number; cell_width_mm: number; cell_length_mm: number };
  };
}

/**
 * The least steps the run takes through the line physics when it builds its capacity calibration and, with
 * fidelity `linear`, its surrogate — whatever the variability's σ (a σ of 0, or a line-data run whose measured
 * perturbations the σ does not describe, would otherwise give five identical calibration cells and zero
 * gradients). Each is a step size, not a bound on any σ: the cells themselves are perturbed by the full σ.
 * Choices (numerical): the physics is smooth over these ranges (the surrogate's own error check,
 * `surrogate.*_max_rel`, reports how well), plausible 0.5–5 % and 0.5–5 K.
 */
export const MIN_CALIBRATION_STEP = {
  /** the capacity calibration's cathode-thickness step (the five cells at 1 + z·step, z = −2…2), fraction */
  cathode: 0.02,
  /** the surrogate's central-difference step of a roll force, fraction of the set force */
  force: 0.02,
  /** the surrogate's step of a nip temperature, K */
  temperature_K: 1,
  /** the surrogate's step of an incoming sheet's thickness factor, fraction */
  sheet: 0.01,
} as const;

/** most points per lane of the SPC chart series a production block carries (a choice: a readable chart) */
export const CHART_POINTS = 1000;

export function rollId(sheet: SheetId, idx: number): string {
  return `${SHEET_CODE[sheet]}-${String(idx + 1).padStart(4, '0')}`;
}
function lotOf(P: Production, sheet: SheetId, idx: number): string {
  return `${P.lots[sheet]}-${String(Math.floor(idx / P.lots.rolls_per_lot) + 1).padStart(3, '0')}`;
}

/** roll index of an unwinder at laminate position s (rolls start at `starts`) */
function rollIndexAt(starts: readonly number[], s: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const m = (lo + hi + 1) >> 1;
    if (starts[m]! <= s) lo = m;
    else hi = m - 1;
  }
  return lo;
}

interface Interval {
  s0: number;
  s1: number;
}

/** good intervals between the (merged) scrap zones, and scrap length by cause (overlaps to the earlier zone) */
function cutPlan(tl: Timeline): { good: Interval[]; zoneLength: { splice: number; restart: number } } {
  const end = tl.sEnd_m;
  const zoneLength = { splice: 0, restart: 0 };
  const good: Interval[] = [];
  let covered = 0; // web up to here is assigned (good interval start or zone end)
  for (const z of tl.scrap) {
    const a = Math.max(0, Math.min(z.s0, end));
    const b = Math.max(0, Math.min(z.s1, end));
    if (b <= covered) continue;
    if (a > covered) good.push({ s0: covered, s1: a });
    zoneLength[z.cause] += b - Math.max(a, covered);
    covered = b;
  }
  if (end > covered) good.push({ s0: covered, s1: end });
  return { good, zoneLength };
}

function stationStates(tl: Timeline): StationState[] {
  const out: StationState[] = [];
  for (const g of tl.segments) {
    const state = g.a > 0 ? 'ramping' : 'running';
    const last = out[out.length - 1];
    if (last && last.state === state && last.run === g.run && Math.abs(last.t1_s - g.t0) < 1e-9) last.t1_s = g.t1;
    else out.push({ t0_s: g.t0, t1_s: g.t1, state, run: g.run });
  }
  for (const s of tl.stops) out.push({ t0_s: s.t0_s, t1_s: s.t1_s, state: 'stopped', cause: s.cause, run: -1 });
  out.sort((a, b) => a.t0_s - b.t0_s || (a.state === 'stopped' ? -1 : 1));
  return out;
}

/** Runs a production shift (or a web length) of the recipe. Throws on invalid configuration. */
export function runProduction(recipe: Recipe, options: ProductionOptions): ProductionRun {
  const basePhysics = options.physics ?? stationPhysics;
  // a sampled cell the line cannot take (σ so large that a thickness or force turns negative) is a
  // problem of the variability settings, reported as such — not an internal error
  const physics: LinePhysics = (r) => {
    try {
      return basePhysics(r, run);
    } catch (e) {
      if (e instanceof ProcessInputError) {
        throw new ConfigError(
          e.issues.map((i) => ({
            path: 'variability',
            problem: `a sampled cell is outside what the line can take — ${i.path} = ${String(i.value)}`,
            got: `scale ${String((recipe.variability as { scale?: number } | undefined)?.scale ?? 1)} with the recipe's σ`,
            allowed: `σ and scale small enough that every sampled thickness, force and temperature stays physical: ${i.allowed}`,
          })),
        );
      }
      throw e;
    }
  };
  const opts = { ...options, physics };
  const P = parseProduction(recipe.production);
  const V = parseVariability(recipe.variability);
  const rng = new Rng(opts.seed);
  const design: CellDesign = designCell(recipe);
  // the one recipe → SI step; every cell perturbs this SI input directly
  const base = processInputFromRecipe(recipe, design);
  /** what this run's physics calls share (the physics above reads it: no cell is made before this line) */
  const run: PhysicsRun = { nominal: base };
  const vSet = mPerMin(recipe.line.speed_m_per_min);
  const W = mm(recipe.line.web_width_mm);
  const cw = mm(recipe.cell.width_mm);
  const cl = mm(recipe.cell.length_mm);
  const trim = mm(P.edge_trim_mm);
  const lanes = Math.floor((W - 2 * trim + 1e-12) / cw);
  if (2 * P.edge_trim_mm >= recipe.line.web_width_mm) {
    throw new ConfigError([
      {
        path: 'production.edge_trim_mm',
        problem: 'the two edge trims take the whole web',
        got: `${P.edge_trim_mm} mm per side on a ${recipe.line.web_width_mm} mm web`,
        allowed:
          `< ${recipe.line.web_width_mm / 2} mm, and small enough to leave a ` +
          `${recipe.cell.width_mm} mm lane: ≤ ` +
          `${((recipe.line.web_width_mm - recipe.cell.width_mm) / 2).toFixed(3)} mm`,
      },
    ]);
  }
  if (lanes < 1) {
    throw problem(
      'cell.width_mm',
      'no lane fits the web',
      `${recipe.cell.width_mm} mm on a ${recipe.line.web_width_mm} mm web with ${P.edge_trim_mm} mm edge trim per side`,
      `≤ ${(recipe.line.web_width_mm - 2 * P.edge_trim_mm).toFixed(3)} mm`,
    );
  }
  const cdOffset = (W - lanes * cw) / 2;
  let end: { duration_s: number } | { web_length_m: number };
  if (opts.web_length_m !== undefined) end = { web_length_m: opts.web_length_m };
  else end = { duration_s: opts.duration_s ?? hoursToS(P.duration_h) };
  const tl = buildTimeline({
    speed_m_s: vSet,
    rollLength_m: recipe.line.roll_length_m,
    production: P,
    end,
    rng: rng.fork(),
  });
  const planned_s = 'duration_s' in end ? end.duration_s : tl.tEnd_s;
  opts.onStart?.({
    planned_s,
    lanes,
    speed_m_s: vSet,
    cellLength_m: cl,
    stops: tl.stops,
    splices: tl.splices,
  });

  // ---------------------------------------------------------------- variability fields
  const scale = V.scale;
  const spot = mm(V.gauge.spot_mm);
  let minCorr = Infinity;
  for (const k of LAYERS) minCorr = Math.min(minCorr, V.sheets[k].md_correlation_m);
  const dx = Math.max(1e-3, Math.min(spot, cl / 4, minCorr / 5));
  const fields = {} as Record<LayerKey, SheetField>;
  const fieldRng = rng.fork();
  for (const k of LAYERS) {
    const prof = V.sheets[k].cd_profile_pct;
    if (prof && prof.length !== lanes)
      throw problem(
        `variability.sheets.${k}.cd_profile_pct`,
        'one value per lane is needed',
        `a list of ${prof.length}`,
        `a list of ${lanes} for ${lanes} lane(s)`,
      );
  }
  for (const k of LAYERS)
    fields[k] = new SheetField(
      V.sheets[k],
      scale,
      tl.sEnd_m + cl,
      dx,
      tl.rolls[LAYER_SHEET[k]].starts_m,
      lanes,
      fieldRng.fork(),
    );
  const sigRng = rng.fork();
  const signals = {} as Record<StationId, StationSignal>;
  for (const id of STATION_IDS) {
    const st = recipe.stations[id];
    const circ = Math.PI * (st ? mm(st.roll_diameter_mm) : 0.1);
    signals[id] = new StationSignal(
      fromPct(scale * V.stations.force_sigma_pct),
      scale * V.stations.temperature_sigma_C,
      V.stations.correlation_time_s,
      fromPct(scale * V.stations.eccentricity_pct),
      circ,
      tl.tEnd_s + 1,
      sigRng.fork(),
    );
  }
  const gaugeRng = rng.fork();
  const defectRng = rng.fork();
  // the posterior draw of each cell's model parameters (forked last, and only with a posterior: the other
  // streams, and a run without one, are unchanged)
  const drawRng = opts.capacityPosterior ? rng.fork() : null;
  const nominal = nominalPerturbation(base);
  const nominalThickness: Record<LayerKey, number> = {
    cathode: base.firstSheet.cathode.thickness_m,
    electrolyte: base.firstSheet.electrolyte.thickness_m,
    al: base.alSheet.layer.thickness_m,
    li: base.thirdSheet.li.thickness_m,
    cu: base.thirdSheet.conductor.thickness_m,
  };
  const LD = opts.lineData;
  const span236_240 = P.spans_m['236_240'];
  const span222_236 = P.spans_m['222_236'];
  const offsetTo240: Record<StationId, number> = { '222': span222_236 + span236_240, '236': span236_240, '240': 0 };

  // ---------------------------------------------------------------- capacity surrogate (calibrated at run start)
  const calib: ProducedCell[] = [];
  {
    const k = [-2, -1, 0, 1, 2];
    for (const z of k) {
      const p: Perturbation = {
        ...nominal,
        force_N: { ...nominal.force_N },
        temperature_K: { ...nominal.temperature_K },
      };
      const f = 1 + z * Math.max(MIN_CALIBRATION_STEP.cathode, fromPct(scale * V.sheets.cathode.md_sigma_pct));
      p.cathode = f;
      calib.push(opts.physics(perturbInput(base, p)).cell);
    }
  }
  const capModel = calibrateCapacity(calib, opts.capacityModel, opts.capacityPosterior);
  // the nominal cell's warnings stand for cells whose physics is a surrogate (fidelity: linear)
  const nominalWarnings = opts.isImpossible ? (opts.physics(perturbInput(base, nominal)).warnings ?? []) : [];

  // ---------------------------------------------------------------- per-cell physics: full, or linear surrogate
  let evalPhysics = (p: Perturbation): PhysicsResult => opts.physics(perturbInput(base, p));
  let surrogate: ReturnType<typeof linearizePhysics> | undefined;
  const expectedCells = Math.max(1, Math.floor((lanes * tl.sEnd_m) / cl));
  const checkEvery = Math.max(1, Math.ceil(expectedCells / 50));
  const sErr = {
    cells: 0,
    cell_thickness_max_rel: 0,
    anode_thickness_max_rel: 0,
    crack_risk_max_abs: 0,
    bonded_mismatch: 0,
  };
  if (P.fidelity === 'linear') {
    const stepOf = (name: string, x0: number): number => {
      if (name === 'speed') return 0.1 * x0;
      if (name.startsWith('force_'))
        return (
          x0 *
          Math.max(
            MIN_CALIBRATION_STEP.force,
            fromPct(3 * scale * (V.stations.force_sigma_pct + V.stations.eccentricity_pct)),
          )
        );
      // a σ in °C is a σ in K (a temperature difference)
      if (name.startsWith('temperature_'))
        return Math.max(MIN_CALIBRATION_STEP.temperature_K, 3 * scale * V.stations.temperature_sigma_C);
      const sv = V.sheets[name as LayerKey];
      return Math.max(MIN_CALIBRATION_STEP.sheet, fromPct(3 * scale * (sv.md_sigma_pct + sv.cd_sigma_pct)));
    };
    surrogate = linearizePhysics(opts.physics, base, stepOf);
    evalPhysics = surrogate.evaluate;
  }
  const avgV = design.averageVoltage_V;

  // ---------------------------------------------------------------- cutting and per-cell evaluation
  const { good, zoneLength } = cutPlan(tl);
  const spec = recipe.spec ?? {};
  // the spec's limits in SI, once (the verdicts and the capability compare SI values)
  const umOrUndef = (x: number | undefined): number | undefined => (x === undefined ? undefined : um(x));
  const specSI = {
    crackRiskMax: spec.crack_risk_max,
    cellThickness: { min: umOrUndef(spec.cell_thickness_um?.min), max: umOrUndef(spec.cell_thickness_um?.max) },
    anodeThickness: { min: umOrUndef(spec.anode_thickness_um?.min), max: umOrUndef(spec.anode_thickness_um?.max) },
    capacityMin_C: spec.capacity_mAh_min === undefined ? undefined : mAh(spec.capacity_mAh_min),
    specificCapacityMin_C_per_kg: spec.capacity_mAh_g_min === undefined ? undefined : mAhPerG(spec.capacity_mAh_g_min),
  };
  const cells: ProductionCell[] = [];
  const keep = opts.keepCells !== false;
  let fragment = 0;
  let rows = 0;
  let cellsTotal = 0;
  let cellsGood = 0;
  let goodCapacity_C = 0;
  const causeCount = new Map<ScrapCause, number>();
  const primaryCount = new Map<ScrapCause, number>();
  // per-lane SPC / capability, accumulated as the cells are made (in row order): the gauge's subgroup
  // means and ranges (16 B per subgroup) and running statistics — no per-cell series is kept
  const n = P.spc.subgroup_size;
  const laneGauge = Array.from({ length: lanes }, () => new SubgroupSeries(n));
  const laneGaugeStats = Array.from({ length: lanes }, () => new CapabilityStream(n));
  const laneCell = Array.from({ length: lanes }, () => new CapabilityStream(n));
  const laneAnode = Array.from({ length: lanes }, () => new CapabilityStream(n));
  const laneCap = Array.from({ length: lanes }, () => new CapabilityStream(n));
  const joints = tl.splices.map((s) => s.s_m);
  const cellArea = cw * cl;

  // the gauge spot's deviation after each station (STATION_IDS order) for the row under way (scratch)
  const spotDevRow = new Float64Array(STATION_IDS.length);
  // each station's force and temperature for the row under way (scratch, STATION_IDS order; undefined: no station)
  const forceRow: (number | undefined)[] = [undefined, undefined, undefined];
  const temperatureRow: (number | undefined)[] = [undefined, undefined, undefined];
  const ticker = stageTicker(opts.progress, 'production shift', lanes * Math.floor(tl.sEnd_m / cl), 'cells');
  for (const g of good) {
    const n = Math.floor((g.s1 - g.s0) / cl + 1e-9);
    fragment += g.s1 - g.s0 - n * cl;
    for (let k = 0; k < n; k++) {
      const sa = g.s0 + k * cl;
      const sb = sa + cl;
      const sc = 0.5 * (sa + sb);
      const row = rows++;
      ticker.tick(lanes * row);
      const tc = timeAt(tl, sc);
      const tStation: Record<StationId, number> = {
        '222': timeAt(tl, sc - offsetTo240['222']).t,
        '236': timeAt(tl, sc - offsetTo240['236']).t,
        '240': tc.t,
      };
      // the fields are read along the web in order: what lies behind this row (less the gauge spot) is dropped
      for (const key of LAYERS) fields[key].release(Math.min(sa, sc - spot / 2));
      for (const id of STATION_IDS) signals[id].release(tStation[id]);
      const v = Math.max(tc.v, 1e-3 * vSet);
      // splice joints inside the cell (only possible when splice zones are not cut out)
      let splice = false;
      for (const j of joints) if (j > sa && j < sb) splice = true;
      // roll genealogy (per sheet; a spliced cell has two parents on that sheet)
      const parents: ParentRoll[] = [];
      const lotsUsed: Partial<Record<SheetId, string[]>> = {};
      const rollAtCentre = {} as Record<SheetId, number>;
      for (const sh of SHEETS) {
        const starts = tl.rolls[sh].starts_m;
        const ia = rollIndexAt(starts, sa);
        const ib = rollIndexAt(starts, Math.max(sa, sb - 1e-12));
        rollAtCentre[sh] = rollIndexAt(starts, sc);
        for (let ri = ia; ri <= ib; ri++) {
          const r0 = starts[ri]!;
          const lot = lotOf(P, sh, ri);
          parents.push({
            sheet: sh,
            rollId: rollId(sh, ri),
            lot,
            mdStart_m: Math.max(sa, r0) - r0,
            mdEnd_m: Math.min(sb, ri + 1 < starts.length ? starts[ri + 1]! : Infinity) - r0,
          });
          const l = (lotsUsed[sh] ??= []);
          if (!l.includes(lot)) l.push(lot);
        }
      }
      // station states for this cell (force with eccentricity ripple, temperature) — or measured series
      // (each a record made at once by stationRecord from the row's scratch, STATION_IDS order)
      for (let si = 0; si < STATION_IDS.length; si++) {
        const id = STATION_IDS[si]!;
        const st = base.stations[id];
        forceRow[si] = undefined;
        temperatureRow[si] = undefined;
        if (!st) continue;
        const m = LD?.stations[id];
        const ts = tStation[id];
        const sig = signals[id];
        forceRow[si] = m?.force
          ? interpSeries(m.force, ts)
          : st.force_N * (1 + sig.force.at(ts) + sig.rippleMean(sa - offsetTo240[id], sb - offsetTo240[id]));
        temperatureRow[si] = m?.temperature
          ? interpSeries(m.temperature, ts)
          : st.temperature_K + sig.temperature.at(ts);
      }
      const force_N = stationRecord(forceRow[0], forceRow[1], forceRow[2]);
      const temperature_K = stationRecord(temperatureRow[0], temperatureRow[1], temperatureRow[2]);
      // each layer's MD deviation over the cell and under the gauge spot: the same for every lane of the row
      const mdCell = {} as Record<LayerKey, number>;
      const mdSpot = {} as Record<LayerKey, number>;
      for (const key of LAYERS) {
        mdCell[key] = fields[key].md.mean(sa, sb);
        if (!LD) mdSpot[key] = fields[key].md.mean(sc - spot / 2, sc + spot / 2);
      }
      // the gauge spot's deviation from the cell's mean thickness after each station (from the MD fields of the
      // layers it has seen; none with measured line data): the same for every lane of the row
      for (let si = 0; si < STATION_IDS.length; si++) {
        let dev = 0;
        if (!LD)
          for (const key of LAYERS_AFTER[STATION_IDS[si]!]) dev += nominalThickness[key] * (mdSpot[key] - mdCell[key]);
        spotDevRow[si] = dev;
      }
      for (let lane = 0; lane < lanes; lane++) {
        const rel = {} as Record<LayerKey, number>;
        for (const key of LAYERS) rel[key] = mdCell[key] + fields[key].cd[rollAtCentre[LAYER_SHEET[key]]]![lane]!;
        if (LD) {
          for (const id of STATION_IDS) {
            const th = LD.stations[id]?.thickness;
            if (!th) continue;
            const keys = STATIONS[id].incoming;
            const nom = keys.reduce((s, kk) => s + nominalThickness[kk], 0);
            const ratio = interpSeries(th, tStation[id]) / nom;
            for (const kk of keys) rel[kk] = ratio - 1 + fields[kk].cd[rollAtCentre[LAYER_SHEET[kk]]]![lane]!;
          }
        }
        const pert: Perturbation = {
          cathode: 1 + rel.cathode,
          electrolyte: 1 + rel.electrolyte,
          al: 1 + rel.al,
          li: 1 + rel.li,
          cu: 1 + rel.cu,
          force_N,
          temperature_K,
          speed_m_s: v,
        };
        for (const key of LAYERS) {
          if (!(pert[key] > 0))
            throw new ConfigError([
              {
                path: `variability.sheets.${key}`,
                problem: 'sampled a non-positive thickness',
                got: `a thickness factor ${pert[key]}`,
                allowed: 'md_sigma_pct, cd_sigma_pct or cd_profile_pct small enough that the thickness stays > 0',
              },
            ]);
        }
        const res = evalPhysics(pert);
        if (surrogate && cellsTotal % checkEvery === 0) {
          const full = opts.physics(perturbInput(base, pert));
          const rel = (a: number, b: number): number => (b !== 0 ? Math.abs(a / b - 1) : Math.abs(a));
          sErr.cells++;
          sErr.cell_thickness_max_rel = Math.max(
            sErr.cell_thickness_max_rel,
            rel(res.cellThickness_m, full.cellThickness_m),
          );
          sErr.anode_thickness_max_rel = Math.max(
            sErr.anode_thickness_max_rel,
            rel(res.cell.anodeThickness_m, full.cell.anodeThickness_m),
          );
          sErr.crack_risk_max_abs = Math.max(sErr.crack_risk_max_abs, Math.abs(res.crackRisk - full.crackRisk));
          if (res.bonded !== full.bonded) sErr.bonded_mismatch++;
        }
        const c = res.cell;
        const nDraws = capModel.draws?.utilisation.length ?? 0;
        const capC = capModel.estimate(c, drawRng && nDraws > 0 ? Math.floor(drawRng.uniform() * nDraws) : undefined);
        const activeMass_kg =
          c.cathodeThickness_m * c.area_m2 * c.cathodeActiveFraction * activeDensity(c.activeMaterialId);
        const specCap = capC / activeMass_kg;
        const defects = defectRng.poisson(scale * V.defects.rate_per_m2 * cellArea);
        // gauges: outfeed reading after each station = laminate thickness + spot-vs-cell deviation + noise + drift
        const atStations: CellAtStation[] = [];
        let gauge240: number | null = null;
        for (let si = 0; si < STATION_IDS.length; si++) {
          const id = STATION_IDS[si]!;
          if (!recipe.stations[id]) continue;
          const after = res.afterStation_m[id];
          let gauge: number | null = null;
          if (after !== undefined) {
            const ts = tStation[id];
            const spotDev = spotDevRow[si]!;
            gauge = gaugeReading(
              after +
                spotDev +
                um(scale * (V.gauge.noise_um * gaugeRng.normal() + toHours(V.gauge.drift_um_per_h * ts))),
            );
            if (id === '240') gauge240 = gauge;
          }
          atStations.push({
            id,
            time_s: tStation[id],
            force_N: force_N[id]!,
            temperature_K: temperature_K[id]!,
            gauge_m: gauge,
          });
        }
        // verdict (against the spec in SI)
        const causes: ScrapCause[] = [];
        const cellT = res.cellThickness_m;
        const anT = c.anodeThickness_m;
        if (opts.isImpossible?.(res.warnings ?? nominalWarnings)) causes.push('physically_impossible');
        if (splice) causes.push('splice');
        if (defects > 0) causes.push('defect');
        if (!res.bonded) causes.push('not_bonded');
        if (specSI.crackRiskMax !== undefined && res.crackRisk > specSI.crackRiskMax) causes.push('crack_risk');
        if (specSI.cellThickness.max !== undefined && cellT > specSI.cellThickness.max)
          causes.push('cell_thickness_high');
        if (specSI.cellThickness.min !== undefined && cellT < specSI.cellThickness.min)
          causes.push('cell_thickness_low');
        if (specSI.anodeThickness.max !== undefined && anT > specSI.anodeThickness.max)
          causes.push('anode_thickness_high');
        if (specSI.anodeThickness.min !== undefined && anT < specSI.anodeThickness.min)
          causes.push('anode_thickness_low');
        if (specSI.capacityMin_C !== undefined && capC < specSI.capacityMin_C) causes.push('capacity_low');
        if (specSI.specificCapacityMin_C_per_kg !== undefined && specCap < specSI.specificCapacityMin_C_per_kg)
          causes.push('specific_capacity_low');
        const inSpec = causes.length === 0;
        cellsTotal++;
        if (inSpec) {
          cellsGood++;
          goodCapacity_C += capC;
        } else {
          for (const cc of causes) causeCount.set(cc, (causeCount.get(cc) ?? 0) + 1);
          const prim = CAUSE_ORDER.find((x) => causes.includes(x))!;
          primaryCount.set(prim, (primaryCount.get(prim) ?? 0) + 1);
        }
        if (gauge240 !== null) {
          // the gauge's SPC charts its readings (quantised at its resolution, m), which the stored record holds
          laneGauge[lane]!.push(gauge240);
          laneGaugeStats[lane]!.push(gauge240);
        }
        laneCell[lane]!.push(cellT);
        laneAnode[lane]!.push(anT);
        laneCap[lane]!.push(capC);
        if (keep || opts.onCell) {
          const index = cellsTotal - 1;
          const serial = `${P.serial_prefix}-${opts.seed}-${String(index + 1).padStart(7, '0')}`;
          const made: ProductionCell = {
            serial,
            index,
            row,
            lane,
            sStart_m: sa,
            sEnd_m: sb,
            cdStart_m: cdOffset + lane * cw,
            cdEnd_m: cdOffset + (lane + 1) * cw,
            cell: c,
            cellThickness_m: res.cellThickness_m,
            layers: res.layers,
            incomingThickness_m: {
              cathode: nominalThickness.cathode * pert.cathode,
              electrolyte: nominalThickness.electrolyte * pert.electrolyte,
              al: nominalThickness.al * pert.al,
              li: nominalThickness.li * pert.li,
              cu: nominalThickness.cu * pert.cu,
            },
            capacity_C: capC,
            specificCapacity_C_per_kg: specCap,
            energy_J: capC * avgV,
            crackRisk: res.crackRisk,
            bonded: res.bonded,
            defects,
            stations: atStations,
            speed_m_s: v,
            genealogy: {
              material_lots: lotsUsed,
              parents,
              stationRun: `RUN-${tc.run + 1}`,
              time_s: tc.t,
              splice,
              batterySerial: null,
            },
            inSpec,
            causes,
          };
          if (keep) cells.push(made);
          opts.onCell?.(made);
        }
      }
    }
  }
  ticker.end();

  // ---------------------------------------------------------------- figures (typed, unrounded: src/present/production.ts writes the block)
  const webLength = tl.sEnd_m;
  const rowsLength = rows * cl;
  const edgeTrim_m2 = (W - lanes * cw) * rowsLength;
  const cellEq = (len: number): number => (len * W) / cellArea;
  const scrap: ShiftScrap[] = [];
  for (const c of CAUSE_ORDER) {
    const n = primaryCount.get(c) ?? 0;
    if (n > 0) scrap.push({ cause: c, cells: n, cellEquivalents: n, webArea_m2: n * cellArea });
  }
  const zone = (cause: ScrapCause | 'splice_zone' | 'restart_zone' | 'fragment', len: number): void => {
    if (len > 0) scrap.push({ cause, cells: 0, cellEquivalents: cellEq(len), webArea_m2: len * W });
  };
  zone('splice_zone', zoneLength.splice);
  zone('restart_zone', zoneLength.restart);
  zone('fragment', fragment);
  if (edgeTrim_m2 > 0)
    scrap.push({ cause: 'edge_trim', cells: 0, cellEquivalents: edgeTrim_m2 / cellArea, webArea_m2: edgeTrim_m2 });
  scrap.sort((a, b) => b.cellEquivalents - a.cellEquivalents);

  const goodArea = cellsGood * cellArea;
  const goodEnergy_kWh = toKWh(goodCapacity_C * avgV);
  const availability = planned_s > 0 ? tl.running_s / planned_s : 0;
  const performance = tl.running_s > 0 ? webLength / (vSet * tl.running_s) : 0;
  const possibleCells = (lanes * webLength) / cl;
  const quality = possibleCells > 0 ? cellsGood / possibleCells : 0;

  // SPC per lane: X̄–R of the 240 outfeed gauge, EWMA, capability of true cell/anode thickness and capacity
  const chartPoints = opts.chartPoints ?? CHART_POINTS;
  const spcLanes: ShiftSpcLane[] = [];
  for (let l = 0; l < lanes; l++) {
    const sg = laneGauge[l]!;
    if (laneGaugeStats[l]!.count < n) continue;
    const ch = sg.limits();
    const k = sg.subgroups;
    const we = new WesternElectricStream(ch.xbar.center, (ch.xbar.ucl - ch.xbar.center) / 3);
    const rules = { rule1: 0, rule2: 0, rule3: 0, rule4: 0 };
    let xbarOut = 0;
    let ewmaOut = 0;
    // the chart's points: every subgroup, or (beyond chartPoints) the lowest and highest mean of each bucket
    const picks = opts.includeCharts ? chartPicks(sg, chartPoints) : null;
    const charts = { subgroup: [] as number[], means: [] as number[], ranges: [] as number[] };
    const ewz: number[] = [];
    const ewu: number[] = [];
    const ewl: number[] = [];
    let pi = 0;
    for (const { g, mean: m, range, outOfControl, ewma: e } of subgroupPoints(
      sg,
      ch,
      P.spc.ewma_lambda,
      P.spc.ewma_L,
    )) {
      if (outOfControl) xbarOut++;
      const w = we.push(m);
      for (const r of ['rule1', 'rule2', 'rule3', 'rule4'] as const) if (w[r]) rules[r]++;
      if (e.out) ewmaOut++;
      if (picks && (picks === 'all' || picks[pi] === g)) {
        pi++;
        charts.subgroup.push(g + 1);
        charts.means.push(m);
        charts.ranges.push(range);
        ewz.push(e.z);
        ewu.push(e.ucl);
        ewl.push(e.lcl);
      }
    }
    spcLanes.push({
      lane: l,
      limits: ch,
      xbarOutOfControl: xbarOut,
      westernElectric: rules,
      ewmaOutOfControl: ewmaOut,
      charts: picks
        ? {
            all: picks === 'all',
            subgroup: charts.subgroup,
            means: charts.means,
            ranges: charts.ranges,
            ewma: ewz,
            ewmaUcl: ewu,
            ewmaLcl: ewl,
            subgroups: k,
            maxPoints: chartPoints,
          }
        : null,
    });
  }
  // gauge variance decomposition (process-models §3.4): σ²_total = σ²_CD (between lane means) + σ²_MD+res (within lanes)
  let gaugeVariance: ProductionShift['spc']['gaugeVariance'] = null;
  {
    const ls = laneGaugeStats.filter((x) => x.count >= 2);
    if (ls.length) {
      const means = ls.map((x) => x.mean);
      const within = ls.map((x) => x.variance);
      const grand = means.reduce((a, b) => a + b, 0) / means.length;
      const cdVar = ls.length > 1 ? means.reduce((a, b) => a + (b - grand) ** 2, 0) / (ls.length - 1) : 0;
      const mdVar = within.reduce((a, b) => a + b, 0) / within.length;
      gaugeVariance = { cdVariance: cdVar, mdVariance: mdVar, mean: grand };
    }
  }
  const cap = (x: CapabilityStream, lim?: { min?: number; max?: number }): Capability | null =>
    x.count >= 2 ? x.result(lim?.min, lim?.max) : null;
  const capabilityLanes: ProductionShift['capability'] = [];
  for (let l = 0; l < lanes; l++) {
    capabilityLanes.push({
      lane: l,
      cellThickness: cap(laneCell[l]!, specSI.cellThickness),
      anodeThickness: cap(laneAnode[l]!, specSI.anodeThickness),
      capacity: cap(laneCap[l]!, { min: specSI.capacityMin_C }),
    });
  }
  const tension = tensionReport(recipe, P);
  const cost = costRollup(recipe, design, P, {
    webArea_m2: webLength * W,
    goodArea_m2: goodArea,
    goodEnergy_kWh,
    planned_s,
  });

  const shift: ProductionShift = {
    seed: opts.seed,
    cellsTotal,
    cellsInSpec: cellsGood,
    planned_s,
    webLength_m: webLength,
    webWidth_m: W,
    cellWidth_m: cw,
    cellLength_m: cl,
    cellArea_m2: cellArea,
    lanes,
    rows,
    cellRows_m: rowsLength,
    spliceZones_m: zoneLength.splice,
    restartZones_m: zoneLength.restart,
    fragments_m: fragment,
    edgeTrim_m2,
    goodArea_m2: goodArea,
    goodEnergy_kWh,
    scrap,
    outOfSpecCauses: CAUSE_ORDER.filter((c) => causeCount.has(c)).map((c) => ({ cause: c, cells: causeCount.get(c)! })),
    oee: { availability, performance, quality },
    events: {
      splices: tl.splices.length,
      stops: tl.stops.length,
      stationRuns: tl.runs,
      downtime_s: tl.downtime_s,
      rollsUsed: Object.fromEntries(SHEETS.map((s) => [s, tl.rolls[s].starts_m.length])) as Record<SheetId, number>,
    },
    spc: { subgroupSize: n, lanes: spcLanes, gaugeVariance },
    capability: capabilityLanes,
    surrogate: surrogate
      ? { calls: surrogate.calls, bondedVaries: surrogate.bondedVaries, steps: surrogate.steps, errorVsFull: sErr }
      : null,
    lineData: LD ? { rows: LD.rows, stations: Object.keys(LD.stations) } : null,
  };

  const rollsOut = {} as ProductionRun['timeline']['rolls'];
  for (const sh of SHEETS) {
    const st = tl.rolls[sh].starts_m;
    rollsOut[sh] = st.map((s0, i) => ({
      roll_id: rollId(sh, i),
      lot: lotOf(P, sh, i),
      laminate_start_m: s0,
      length_m: tl.rolls[sh].length_m,
      used_m: Math.min(tl.sEnd_m, i + 1 < st.length ? st[i + 1]! : Infinity) - s0,
    }));
  }
  return {
    shift,
    cells,
    timeline: { splices: tl.splices, stops: tl.stops, station_states: stationStates(tl), rolls: rollsOut },
    capacity: capModel,
    tension,
    cost,
    config: {
      production: P,
      variability: V,
      line: {
        speed_m_per_min: recipe.line.speed_m_per_min,
        web_width_mm: recipe.line.web_width_mm,
        cell_width_mm: recipe.cell.width_mm,
        cell_length_mm: recipe.cell.length_mm,
      },
    },
  };
}

const densityCache = new Map<string, number>();
function activeDensity(id: string): number {
  let d = densityCache.get(id);
  if (d === undefined) {
    d = getMaterial(id).density.value;
    densityCache.set(id, d);
  }
  return d;
}
