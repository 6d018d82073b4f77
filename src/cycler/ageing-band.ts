/**
 * Ageing projections with their band and validity (issue 16 items 4–5): the retention after N cycles and
 * the cycles to end of life of a cell, at the nominal ageing parameters and over the plausible ranges of
 * data/ageing/mechanisms.json by seeded sampling (each parameter drawn independently, log-uniform for a
 * positive range, uniform otherwise; the same seed gives the same band). Long runs use cycle jumping
 * (cycleAgeing's `stride`) so that a sample costs at most `maxSimulatedCycles` electrochemical cycles.
 *
 * Validity: the SPMe's stated C-rate limit (spme.ts `validity`), the temperature, stack pressure and cycle
 * count the fitted data cover (data/ageing/datasets.json). A projection outside it is run (the laws are
 * continuous) but flagged with what is outside and by how much — never silently.
 */
import { Rng } from '../numerics/index.ts';
import type { AssumedParameter } from '../verdicts.ts';
import {
  ageingDatasets,
  ageingParameterRecords,
  AGEING_PARAMETER_IDS,
  type AgeingParameterId,
} from '../electrochem/ssb/ageing-data.ts';
import { ageingWithValues } from '../electrochem/ssb/ageing.ts';
import { cycleAgeing, type AgeingRunResult, type CycleCutoffs } from './protocols.ts';
import type { SsbCellParams } from '../electrochem/ssb/params.ts';
import { createSpme } from '../electrochem/ssb/spme.ts';
import { problem } from '../problems.ts';
import { celsius, MPa, toCelsius, toMPa } from '../units/index.ts';

export interface AgeingDataCoverage {
  readonly temperature_K: readonly [number, number];
  readonly stackPressure_Pa: readonly [number, number];
  /** the longest fitted point (cycles) */
  readonly cycles: number;
  readonly cRate: readonly [number, number];
}
let coverage: AgeingDataCoverage | null = null;
/**
 * the conditions the fitted ageing data cover (data/ageing/datasets.json, role `fitted`: Yan 2026,
 * Liu 2022): the span of their nominal conditions, stated ranges and per-point pressures
 */
export function ageingDataCoverage(): AgeingDataCoverage {
  if (coverage) return coverage;
  const fitted = ageingDatasets().filter((d) => d.role === 'fitted');
  const span = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];
  const values = (c: { value: number; range?: [number, number] | undefined }): number[] => [
    c.value,
    ...(c.range ?? []),
  ];
  const T = span(fitted.flatMap((d) => values(d.conditions.temperature_C)));
  const P = span(
    fitted.flatMap((d) => [
      ...values(d.conditions.stack_pressure_MPa),
      ...d.points.flatMap((p) => (p.stack_pressure_MPa === undefined ? [] : [p.stack_pressure_MPa])),
    ]),
  );
  coverage = {
    temperature_K: [celsius(T[0]), celsius(T[1])],
    stackPressure_Pa: [MPa(P[0]), MPa(P[1])],
    cycles: Math.max(...fitted.flatMap((d) => d.points.map((p) => p.cycles))),
    cRate: span(fitted.flatMap((d) => values(d.conditions.c_rate))),
  };
  return coverage;
}

export interface ValidityFlag {
  readonly quantity: 'c_rate' | 'temperature' | 'stack_pressure' | 'cycles';
  readonly value: number;
  readonly allowed: string;
  readonly text: string;
}

/** what of an ageing projection lies outside the model's validity or the fitted data */
export function ageingValidity(o: {
  cRate: number;
  modelMaxCRate: number;
  temperature_K: number;
  stackPressure_Pa: number;
  cycles: number;
}): ValidityFlag[] {
  const out: ValidityFlag[] = [];
  const cov = ageingDataCoverage();
  if (o.cRate > o.modelMaxCRate)
    out.push({
      quantity: 'c_rate',
      value: o.cRate,
      allowed: `≤ ${o.modelMaxCRate}C (SPMe vs P2D)`,
      text:
        `outside validity: ${o.cRate.toPrecision(3)}C is above the SPMe's stated ${o.modelMaxCRate}C ` +
        '(capacity within 2 %, voltage within 20 mV of the P2D)',
    });
  if (o.temperature_K < cov.temperature_K[0] || o.temperature_K > cov.temperature_K[1])
    out.push({
      quantity: 'temperature',
      value: toCelsius(o.temperature_K),
      allowed: `${toCelsius(cov.temperature_K[0])}–${toCelsius(cov.temperature_K[1])} °C (fitted ageing data)`,
      text:
        `outside validity: ageing at ${toCelsius(o.temperature_K).toFixed(1)} °C, ` +
        `the fitted ageing data are at ${toCelsius(cov.temperature_K[0])}–${toCelsius(cov.temperature_K[1])} °C ` +
        '(the Arrhenius factor, Ea an assumption, extrapolates)',
    });
  if (o.stackPressure_Pa > cov.stackPressure_Pa[1])
    out.push({
      quantity: 'stack_pressure',
      value: toMPa(o.stackPressure_Pa),
      allowed: `${toMPa(cov.stackPressure_Pa[0])}–${toMPa(cov.stackPressure_Pa[1])} MPa`,
      text:
        `outside validity: ${toMPa(o.stackPressure_Pa).toFixed(0)} MPa is above the fitted pressure series ` +
        `(${toMPa(cov.stackPressure_Pa[0])}–${toMPa(cov.stackPressure_Pa[1])} MPa)`,
    });
  if (o.cycles > cov.cycles)
    out.push({
      quantity: 'cycles',
      value: o.cycles,
      allowed: `≤ ${cov.cycles}`,
      text: `outside validity: ${o.cycles} cycles is beyond the longest fitted dataset (${cov.cycles})`,
    });
  return out;
}

export interface AgeingBandOptions {
  readonly cycles: number;
  readonly cRate: number;
  readonly cutoffs: CycleCutoffs;
  /** end of life as a retention fraction (0..1; 0 = none) */
  readonly endOfLifeRetention: number;
  readonly samples?: number;
  readonly seed?: number;
  /** electrochemical cycles per sample at most (cycle jumping beyond); default 40 */
  readonly maxSimulatedCycles?: number;
  readonly temperature_K?: number;
  /** cycle at which the retention is reported (default `cycles`; e.g. where the nominal run stopped) */
  readonly reportAt?: number;
}

export interface AgeingBand {
  /** retention (0..1) after `reportAt` cycles: the samples' lowest, median and highest */
  readonly retention: { readonly low: number; readonly median: number; readonly high: number };
  /** first cycle below the end of life, per sample (null: not reached within the cycles) */
  readonly endOfLifeCycles: readonly (number | null)[];
  /** retention of each sample (0..1), in draw order */
  readonly samples: readonly number[];
  readonly seed: number;
  readonly stride: number;
  readonly parameters: readonly AssumedParameter[];
  /** the parameters that move the retention most (|correlation| over the samples, largest first) */
  readonly sensitivity: readonly { readonly parameter: string; readonly correlation: number }[];
}

/** the uncertain ageing parameters with their documented ranges (all of data/ageing/mechanisms.json) */
export function ageingUncertainParameters(): AssumedParameter[] {
  const rec = ageingParameterRecords();
  return AGEING_PARAMETER_IDS.filter((k) => rec[k].range[0] < rec[k].range[1]).map((k) => ({
    id: k,
    description: rec[k].description,
    unit: rec[k].unit,
    nominal: rec[k].value,
    range: rec[k].range,
    source: `${rec[k].kind}: ${rec[k].source}`,
  }));
}

/** one seeded draw of the uncertain ageing parameters: the values, and the row (log for a positive range) */
export interface AgeingDraw {
  readonly values: Partial<Record<AgeingParameterId, number>>;
  readonly row: readonly number[];
}

/**
 * `samples` seeded draws over the documented ranges (each parameter independently, log-uniform for a
 * positive range, uniform otherwise): the one sampler of the cell's and the pack's ageing bands
 */
export function drawAgeingSamples(pars: readonly AssumedParameter[], samples: number, seed: number): AgeingDraw[] {
  const rng = new Rng(seed);
  const out: AgeingDraw[] = [];
  for (let s = 0; s < samples; s++) {
    const values: Partial<Record<AgeingParameterId, number>> = {};
    const row: number[] = [];
    for (const q of pars) {
      const x = rng.inRange(q.range[0], q.range[1]);
      values[q.id as AgeingParameterId] = x;
      row.push(q.range[0] > 0 ? Math.log(x) : x);
    }
    out.push({ values, row });
  }
  return out;
}

/** Pearson correlation of each drawn (log) parameter with an outcome over the samples, largest |r| first */
export function parameterSensitivity(
  pars: readonly AssumedParameter[],
  draws: readonly AgeingDraw[],
  outcome: readonly number[],
): { parameter: string; correlation: number }[] {
  const mean = (a: readonly number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
  const mr = mean(outcome);
  return pars
    .map((q, j) => {
      const col = draws.map((d) => d.row[j]!);
      const mc = mean(col);
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < outcome.length; i++) {
        sxy += (col[i]! - mc) * (outcome[i]! - mr);
        sxx += (col[i]! - mc) ** 2;
        syy += (outcome[i]! - mr) ** 2;
      }
      return { parameter: q.id, correlation: sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0 };
    })
    .sort((a, b) => Math.abs(b.correlation) - Math.abs(a.correlation));
}

/** retention (0..1) at `cycles` and the first cycle below eol (interpolated on the cycle index) */
export function retentionAtCycles(a: AgeingRunResult, cycles: number, eol: number): { r: number; eol: number | null } {
  const idx = a.cycleIndex;
  const ret = a.retention;
  let k = 0;
  while (k + 1 < idx.length && idx[k + 1]! <= cycles) k++;
  const f = k + 1 < idx.length ? (cycles - idx[k]!) / (idx[k + 1]! - idx[k]!) : 0;
  const r = ret[k]! * (1 - f) + (k + 1 < idx.length ? ret[k + 1]! * f : 0);
  let e: number | null = null;
  if (eol > 0)
    for (let j = 1; j < ret.length; j++)
      if (ret[j]! < eol) {
        const g = (ret[j - 1]! - eol) / (ret[j - 1]! - ret[j]!);
        e = Math.round(idx[j - 1]! + g * (idx[j]! - idx[j - 1]!));
        break;
      }
  return { r, eol: e !== null && e <= cycles ? e : null };
}

/** the retention band of a cell over the ageing parameters' ranges (seeded sampling) */
export function ageingBand(params: SsbCellParams, o: AgeingBandOptions): AgeingBand {
  const samples = o.samples ?? 8;
  const seed = o.seed ?? 1;
  if (!(Number.isInteger(samples) && samples >= 2))
    throw problem('samples', 'must be an integer ≥ 2', String(samples), '2, 3, …');
  const maxSim = o.maxSimulatedCycles ?? 40;
  const stride = Math.max(1, Math.ceil(o.cycles / maxSim));
  const pars = ageingUncertainParameters();
  const draws = drawAgeingSamples(pars, samples, seed);
  const rs: number[] = [];
  const eols: (number | null)[] = [];
  for (const d of draws) {
    const m = createSpme({ ...params, ageing: ageingWithValues(params.ageing, d.values) });
    const a = cycleAgeing(m, {
      cycles: o.cycles + stride,
      cRate: o.cRate,
      cutoffs: o.cutoffs,
      stride,
      stepsPerSweep: 60,
      ...(o.temperature_K !== undefined ? { ageingTemperature_K: o.temperature_K } : {}),
    });
    const x = retentionAtCycles(a, o.cycles, o.endOfLifeRetention);
    rs.push(retentionAtCycles(a, o.reportAt ?? o.cycles, 0).r);
    eols.push(x.eol);
  }
  const sorted = [...rs].sort((a, b) => a - b);
  const med =
    sorted.length % 2
      ? sorted[(sorted.length - 1) / 2]!
      : 0.5 * (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!);
  const sens = parameterSensitivity(pars, draws, rs);
  return {
    retention: { low: sorted[0]!, median: med, high: sorted[sorted.length - 1]! },
    endOfLifeCycles: eols,
    samples: rs,
    seed,
    stride,
    parameters: pars,
    sensitivity: sens.slice(0, 3),
  };
}
