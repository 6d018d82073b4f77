/**
 * The cycler's built-in protocols, written in the experiment language (./experiment.ts) and run by the
 * one step machine (./machine.ts runExperiment) on a step engine (./step-engines.ts: the fast stepper of
 * a model with a LinearStepCell, the SPMe/SPM; the solid-state DAE step on src/numerics for the P2D):
 *
 *  - `runCycle` — one cycle: "Charge at <C> until <vMax> V", optionally "Hold at <vMax> V until <C>",
 *    "Discharge at <C> until <vMin> V" (the battery's C/3 capacity checks, the tests' cycles);
 *  - `firstCycle` — the seed's [0178] protocol (firstCycleProtocolStrings: CC-CV 0.1C to the upper cut-off,
 *    0.02C end; CC 0.1C to 3 V) with the Eq. 1 volume-expansion rate (B − A)/A·100 from the thickness model;
 *  - `cycleAgeing` — `{repeat: N, steps: [the cycle]}` with the experiment stop "<EOL>% capacity", the
 *    ageing submodels applied after each cycle (capacity fade and DC resistance, the voltage step at the
 *    start of each discharge), optional cycle jumping (a stride);
 *  - `chargeFully` / `dischargeTo` — the rate search's C/10 charge with a C/50 end, and its discharges.
 *
 * The protocols' texts are parsed once per distinct text (a small cache); the figures are the engine's
 * step results (charge, energy, the voltage and current at each switch), so that a protocol run on the
 * machine gives the same numbers as the engine's own step sequence.
 */
import type { FullCellModel } from '../electrochem/model.ts';
import { problem } from '../problems.ts';
import { toG, toMAh, toPct } from '../units/index.ts';
import { firstCycleProtocolStrings, parseErrorProblem, parseExperiment } from './experiment.ts';
import type { Experiment, ExperimentEntryInput, ExperimentInput } from './experiment.ts';
import { ExperimentParseError, runExperiment, type ExperimentResult, type RunOptions } from './machine.ts';
import { engineFor, type StepResult, type StepRunner } from './step-engines.ts';

export interface CycleCutoffs {
  readonly vMax_V: number;
  readonly vMin_V: number;
  /** CV end current as a C-rate (e.g. 0.02); omit for CC-only charge */
  readonly cvEndCRate?: number;
}

export interface CycleOutcome {
  readonly charge_C: number;
  readonly discharge_C: number;
  readonly duration_s: number;
  readonly dischargeEnergy_J: number;
  readonly averageDischargeVoltage_V: number;
  /**
   * DC resistance (Ω) from the voltage step at the start of the discharge: (V_end,charge − V_start,discharge)
   * / (I_end,charge − I_discharge) — instantaneous in the fast stepper (ohmic, interphase and charge-transfer
   * parts, no solid diffusion); NaN when the current does not change
   */
  readonly dcResistance_ohm: number;
  /** the engine's result of each step of the cycle, in order */
  readonly steps: StepResult[];
}

// ------------------------------------------------------------------------------------- the texts
/** a number as the language reads it back to the same double (shortest round-trip form) */
const num = (x: number): string => String(x);
const rate = (c: number): string => `${num(c)}C`;

/** one cycle in the experiment language: CC charge to vMax (then a hold to the CV end), CC discharge to vMin */
export function cycleSteps(chargeCRate: number, dischargeCRate: number, cut: CycleCutoffs): string[] {
  return [
    `Charge at ${rate(chargeCRate)} until ${num(cut.vMax_V)} V`,
    ...(cut.cvEndCRate !== undefined ? [`Hold at ${num(cut.vMax_V)} V until ${rate(cut.cvEndCRate)}`] : []),
    `Discharge at ${rate(dischargeCRate)} until ${num(cut.vMin_V)} V`,
  ];
}

const parsed = new Map<string, Experiment>();
/** the parsed experiment of a protocol's text (parsed once; a text that does not parse is the caller's Problem) */
function experimentOf(input: ExperimentInput | ExperimentEntryInput[]): Experiment {
  const key = JSON.stringify(input);
  const hit = parsed.get(key);
  if (hit) return hit;
  const r = parseExperiment(input);
  if (!r.ok) throw new ExperimentParseError(r.errors.map(parseErrorProblem));
  if (parsed.size >= 512) parsed.clear();
  parsed.set(key, r.value);
  return r.value;
}

const noop = (): void => {};

/**
 * Runs a protocol on the machine with an engine, the state updated in place; `onStep` sees each of the
 * engine's step results. A protocol whose step fails throws the machine's reason (the protocols' callers
 * have no partial result to show).
 */
function runProtocol(
  model: FullCellModel,
  exp: Experiment,
  engine: StepRunner,
  y: Float64Array,
  onStep: (r: StepResult) => void,
  more: Pick<RunOptions, 'afterCycle' | 'afterStep'> = {},
): ExperimentResult {
  const run: StepRunner = (yy, step) => {
    const r = engine(yy, step);
    onStep(r);
    return r;
  };
  const res = runExperiment(model, exp, {
    engine: run,
    state: y,
    initialSoc: 0,
    series: 'none',
    records: 'none',
    recordOutputs: false,
    recordThickness: false,
    afterCycle: more.afterCycle ?? noop,
    afterStep: more.afterStep,
  });
  if (res.status === 'failed') throw new Error(res.reason ?? 'the protocol failed');
  return res;
}

/** a cycle's figures from the engine's results of its steps (the last one the discharge) */
function outcomeOf(steps: StepResult[]): CycleOutcome {
  let charge = 0;
  let dur = 0;
  for (const s of steps) {
    if (s.charge_C > 0) charge += s.charge_C;
    dur += s.duration_s;
  }
  const dis = steps[steps.length - 1]!;
  const discharge = -dis.charge_C;
  const last = steps[steps.length - 2]!;
  const dI = last.endCurrent_A - dis.startCurrent_A;
  return {
    charge_C: charge,
    discharge_C: discharge,
    duration_s: dur,
    dischargeEnergy_J: -dis.energy_J,
    // 0 when nothing was discharged (the step stopped at once)
    averageDischargeVoltage_V: discharge > 0 ? -dis.energy_J / discharge : 0,
    dcResistance_ohm: dI > 0 ? (last.endVoltage_V - dis.startVoltage_V) / dI : NaN,
    steps,
  };
}

/** the one-cycle experiment, kept for the last arguments (the battery measures every cell with the same cycle) */
let lastCycle:
  { c: number; d: number; vMax: number; vMin: number; cv: number | undefined; exp: Experiment } | undefined;
function cycleExperiment(chargeCRate: number, dischargeCRate: number, cut: CycleCutoffs): Experiment {
  const l = lastCycle;
  if (
    l &&
    l.c === chargeCRate &&
    l.d === dischargeCRate &&
    l.vMax === cut.vMax_V &&
    l.vMin === cut.vMin_V &&
    l.cv === cut.cvEndCRate
  )
    return l.exp;
  const exp = experimentOf([cycleSteps(chargeCRate, dischargeCRate, cut)]);
  lastCycle = { c: chargeCRate, d: dischargeCRate, vMax: cut.vMax_V, vMin: cut.vMin_V, cv: cut.cvEndCRate, exp };
  return exp;
}

/** the [0178] first-cycle experiment, kept for the last cut-offs (every cell of a run has the same) */
let lastFirstCycle: { vMax: number; vMin: number; exp: Experiment } | undefined;
function firstCycleExperiment(vMax_V: number, vMin_V: number): Experiment {
  const l = lastFirstCycle;
  if (l && l.vMax === vMax_V && l.vMin === vMin_V) return l.exp;
  const exp = experimentOf([firstCycleProtocolStrings(vMax_V, vMin_V)]);
  lastFirstCycle = { vMax: vMax_V, vMin: vMin_V, exp };
  return exp;
}

// ------------------------------------------------------------------------------------- protocols
/** one CC(-CV) charge + CC discharge cycle (cycleSteps) on the engine; y updated in place */
export function runCycle(
  run: StepRunner,
  model: FullCellModel,
  y: Float64Array,
  chargeCRate: number,
  dischargeCRate: number,
  cut: CycleCutoffs,
  /** called with the state at the end of the charge (e.g. to read the Li plated at the top of charge) */
  afterCharge?: (y: Float64Array) => void,
): CycleOutcome {
  const exp = cycleExperiment(chargeCRate, dischargeCRate, cut);
  const nCharge = cut.cvEndCRate !== undefined ? 2 : 1;
  const steps: StepResult[] = [];
  runProtocol(
    model,
    exp,
    run,
    y,
    (r) => steps.push(r),
    afterCharge
      ? {
          afterStep: (yy) => {
            if (steps.length === nCharge) afterCharge(yy);
          },
        }
      : {},
  );
  return outcomeOf(steps);
}

export interface FirstCycleResult extends CycleOutcome {
  readonly thicknessBefore_m: number;
  readonly thicknessAfter_m: number;
  /** Eq. 1 of [0178]: (B − A)/A·100 */
  readonly volumeExpansionRate_pct: number;
  readonly chargeCapacity_mAh_g: number;
  readonly dischargeCapacity_mAh_g: number;
  readonly coulombicEfficiency: number;
}

/** the seed's [0178] first cycle (firstCycleProtocolStrings): CC-CV 0.1C to vMax, 0.02C end; CC 0.1C to vMin */
export function firstCycle(
  run: StepRunner,
  model: FullCellModel,
  y: Float64Array,
  vMax_V = 4.3,
  vMin_V = 3.0,
): FirstCycleResult {
  if (!model.thickness_m || model.cathodeActiveMass_kg === undefined) {
    throw problem(
      'model',
      `${model.name} lacks thickness_m or cathodeActiveMass_kg`,
      'neither',
      'a solid-state model with both',
    );
  }
  const A = model.thickness_m(y);
  const steps: StepResult[] = [];
  let c: CycleOutcome | undefined;
  runProtocol(model, firstCycleExperiment(vMax_V, vMin_V), run, y, (r) => steps.push(r), {
    afterCycle: (yy) => {
      c = outcomeOf(steps);
      // no ageing in the first cycle: the cycle leaves its geometry (the anode's dealloying porosity, Eq. 1)
      model.recordCycleGeometry?.(yy, {
        index: 1,
        charge_C: c.charge_C,
        discharge_C: c.discharge_C,
        duration_s: c.duration_s,
      });
    },
  });
  const B = model.thickness_m(y);
  const mass_g = toG(model.cathodeActiveMass_kg);
  const out = c ?? outcomeOf(steps);
  return {
    ...out,
    thicknessBefore_m: A,
    thicknessAfter_m: B,
    volumeExpansionRate_pct: toPct((B - A) / A),
    chargeCapacity_mAh_g: toMAh(out.charge_C) / mass_g,
    dischargeCapacity_mAh_g: toMAh(out.discharge_C) / mass_g,
    coulombicEfficiency: out.charge_C > 0 ? out.discharge_C / out.charge_C : 0,
  };
}

/** "Charge at 0.1C until vMax V", "Hold at vMax V until C/50": the rate search's charged state; y updated in place */
export function chargeFully(run: StepRunner, model: FullCellModel, y: Float64Array, vMax_V: number): void {
  const exp = experimentOf([[`Charge at ${rate(0.1)} until ${num(vMax_V)} V`, `Hold at ${num(vMax_V)} V until 0.02C`]]);
  runProtocol(model, exp, run, y, () => {});
}

/** "Discharge at <C> until vMin V": the charge it delivers (C); y updated in place */
export function dischargeTo(
  run: StepRunner,
  model: FullCellModel,
  y: Float64Array,
  cRate: number,
  vMin_V: number,
): number {
  let q = 0;
  runProtocol(model, experimentOf([[`Discharge at ${rate(cRate)} until ${num(vMin_V)} V`]]), run, y, (r) => {
    q = -r.charge_C;
  });
  return q;
}

export interface AgeingRunOptions {
  readonly cycles: number;
  /** C-rate for charge and discharge */
  readonly cRate: number;
  readonly cutoffs: CycleCutoffs;
  /** state of charge to start from (default 0) */
  readonly soc0?: number;
  /**
   * end of life: stop after the first cycle whose discharge capacity falls below this fraction of the
   * first cycle's (0..1, e.g. 0.8); omitted or 0: run all `cycles`
   */
  readonly endOfLifeRetention?: number;
  /**
   * cycle jumping for long projections: each simulated cycle stands for `stride` cycles (its ageing update
   * applied `stride` times); results are per simulated cycle, `cycleIndex` gives the cycle each stands
   * for. Default 1 (every cycle simulated).
   */
  readonly stride?: number;
  /** temperature the cell ages at (K; default the model's own) */
  readonly ageingTemperature_K?: number;
  /** the SPMe fast stepper's steps per full sweep (default 150) */
  readonly stepsPerSweep?: number;
}
export interface AgeingRunResult {
  /** the cycle number (1-based) each entry stands for (k·stride + 1 with a stride) */
  readonly cycleIndex: Float64Array;
  /** per cycle run (length = cycles run, ≤ opts.cycles) */
  readonly discharge_C: Float64Array;
  readonly charge_C: Float64Array;
  readonly retention: Float64Array;
  readonly lithiumInventory_mol: Float64Array;
  /** DC resistance of each cycle from the voltage step at the start of its discharge (Ω; see CycleOutcome) */
  readonly resistance_ohm: Float64Array;
  /** the cycle (1-based) whose retention first fell below endOfLifeRetention; null if not reached */
  readonly endOfLifeCycle: number | null;
  readonly finalState: Float64Array;
}

/**
 * Long cycling with ageing (claim 19): `{repeat: ⌈cycles/stride⌉, steps: cycleSteps(C, C, cutoffs)}` with
 * the stop "<EOL>% capacity" (the first cycle whose discharge capacity falls below that fraction of the
 * first cycle's), ageing applied after each cycle through model.afterCycle (stride times with cycle
 * jumping). SPMe/SPM run on the fast stepper; other models (the P2D) on the DAE step.
 */
export function cycleAgeing(model: FullCellModel, opts: AgeingRunOptions): AgeingRunResult {
  if (!(Number.isInteger(opts.cycles) && opts.cycles >= 1))
    throw problem('cycles', 'must be an integer ≥ 1', String(opts.cycles), '1, 2, …');
  if (!(opts.cRate > 0)) throw problem('cRate', 'must be > 0', String(opts.cRate), '> 0');
  const eol = opts.endOfLifeRetention ?? 0;
  if (!(eol >= 0 && eol < 1))
    throw problem(
      'endOfLifeRetention',
      'must be within 0..1',
      String(opts.endOfLifeRetention),
      '0 ≤ x < 1, 0 = no stop',
    );
  const stride = opts.stride ?? 1;
  if (!(Number.isInteger(stride) && stride >= 1))
    throw problem('stride', 'must be an integer ≥ 1', String(opts.stride), '1, 2, …');
  const run = engineFor(model, opts.stepsPerSweep !== undefined ? { stepsPerSweep: opts.stepsPerSweep } : {});
  const y = model.initialState(opts.soc0 ?? 0);
  const n = Math.ceil(opts.cycles / stride);
  const exp = experimentOf({
    steps: [{ repeat: n, steps: cycleSteps(opts.cRate, opts.cRate, opts.cutoffs) }],
    ...(eol > 0 ? { termination: `${num(toPct(eol))}% capacity` } : {}),
  });
  const nCharge = opts.cutoffs.cvEndCRate !== undefined ? 2 : 1;
  const plated = (model as { lithiumMetal_mol_m2?(y: Float64Array): { plated: number } }).lithiumMetal_mol_m2;
  const area = (model as { area_m2?: number }).area_m2 ?? 1;
  let platedMol = 0;
  const idx = new Float64Array(n);
  const dis = new Float64Array(n);
  const ch = new Float64Array(n);
  const li = new Float64Array(n);
  const res = new Float64Array(n);
  let steps: StepResult[] = [];
  let ran = 0;
  const result = runProtocol(model, exp, run, y, (r) => steps.push(r), {
    ...(plated
      ? {
          afterStep: (yy: Float64Array): void => {
            if (steps.length === nCharge) platedMol = plated.call(model, yy).plated * area;
          },
        }
      : {}),
    afterCycle: (yy) => {
      const k = ran++;
      const c = outcomeOf(steps);
      steps = [];
      dis[k] = c.discharge_C;
      ch[k] = c.charge_C;
      res[k] = c.dcResistance_ohm;
      idx[k] = k * stride + 1;
      for (let r = 0; r < stride; r++)
        model.afterCycle?.(yy, {
          index: k * stride + r + 1,
          charge_C: c.charge_C,
          discharge_C: c.discharge_C,
          duration_s: c.duration_s,
          platedLi_mol: platedMol,
          ...(opts.ageingTemperature_K !== undefined ? { temperature_K: opts.ageingTemperature_K } : {}),
        });
      li[k] = model.lithiumInventory_mol(yy);
    },
  });
  // the experiment stops only on its "% capacity" stop (an engine checks no safety event)
  const eolCycle = result.status === 'stopped' && eol > 0 && ran > 1 ? (ran - 1) * stride + 1 : null;
  const ret = new Float64Array(ran);
  for (let k = 0; k < ran; k++) ret[k] = dis[k]! / dis[0]!;
  return {
    cycleIndex: idx.slice(0, ran),
    discharge_C: dis.slice(0, ran),
    charge_C: ch.slice(0, ran),
    retention: ret,
    lithiumInventory_mol: li.slice(0, ran),
    resistance_ohm: res.slice(0, ran),
    endOfLifeCycle: eolCycle,
    finalState: y,
  };
}
