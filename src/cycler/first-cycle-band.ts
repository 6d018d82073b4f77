/**
 * The first cycle's headline figures with their band (issue 16 item 5): the [0178] first cycle's
 * discharge capacity (claim 13: ≥ 100 mAh/g), coulombic efficiency and Eq. 1 volume expansion rate, on the
 * SPMe's fast stepper (one first cycle ≈ ms), for the nominal cell, with each uncertain input at either end
 * of its documented range (one at a time: which parameter moves a figure, and whether it flips claim 13),
 * and for `samples` seeded joint draws over all the ranges at once (log-uniform for positive ranges; the
 * interactions). The band is the lowest and highest over all of them.
 *
 * Uncertain inputs: those of the rate capability (src/cycler/rate.ts `rateParameters`: the anode's
 * Li diffusivity, the composite's ionic tortuosity, the cathode's solid diffusivity, the anode's exchange
 * current) and, for an uncoated cathode, the CEI's charge per area (`CEI_QMAX_RANGE_C_M2`, params.ts: the
 * assumed radius and charge capacity of the calibration to Jangid 2024).
 */
import { Rng } from '../numerics/index.ts';
import { band, verdictOverBand, type AssumedParameter, type BandedFigure, type DependentVerdict } from '../verdicts.ts';
import { fastRunner } from './step-engines.ts';
import { firstCycle } from './protocols.ts';
import { CEI_QMAX_RANGE_C_M2, type SsbCellParams } from '../electrochem/ssb/params.ts';
import { atRangeEnds, rateParameters, withParameter } from './rate.ts';
import { SsbSpme } from '../electrochem/ssb/spme.ts';

export interface FirstCycleFigures {
  readonly dischargeCapacity_mAh_g: number;
  readonly coulombicEfficiency: number;
  readonly volumeExpansionRate_pct: number;
}

export interface FirstCycleBand {
  readonly capacity: BandedFigure;
  readonly ce: BandedFigure;
  readonly eq1: BandedFigure;
  /** the figures of the seeded joint draws, in draw order */
  readonly joint: readonly FirstCycleFigures[];
  readonly samples: number;
  readonly seed: number;
  /** claim 13 (≥ `claimCapacity_mAh_g`) over the band: met / not met / depends on <parameter> */
  readonly claim13: DependentVerdict;
  readonly claimCapacity_mAh_g: number;
}

/** the [0178] first cycle of a cell on the SPMe fast stepper, from the cell as produced (SOC 0) */
export function firstCycleFigures(p: SsbCellParams, vMax_V: number, vMin_V: number): FirstCycleFigures {
  const m = new SsbSpme(p, {}, 'spme');
  const r = firstCycle(fastRunner(m), m, m.initialState(0), vMax_V, vMin_V);
  return {
    dischargeCapacity_mAh_g: r.dischargeCapacity_mAh_g,
    coulombicEfficiency: r.coulombicEfficiency,
    volumeExpansionRate_pct: r.volumeExpansionRate_pct,
  };
}

/** the uncertain inputs of the first cycle, with their ranges */
export function firstCycleParameters(p: SsbCellParams): AssumedParameter[] {
  const out = rateParameters(p);
  if (p.cathode.cei.qMax_C_m2 > 0)
    out.push({
      id: 'cei_qmax',
      description: 'charge per particle area the cathode–electrolyte interphase takes on the first charge',
      unit: 'C/m²',
      nominal: p.cathode.cei.qMax_C_m2,
      range: [
        Math.min(CEI_QMAX_RANGE_C_M2[0], p.cathode.cei.qMax_C_m2),
        Math.max(CEI_QMAX_RANGE_C_M2[1], p.cathode.cei.qMax_C_m2),
      ],
      source:
        'calibrated to Jangid et al., Nat. Commun. 15 (2024) 10233 (CE 82.2 % uncoated vs 91.6 % coated); range from the ' +
        'assumed particle radius and charge capacity (params.ts ceiDefaults)',
    });
  return out;
}

/**
 * The first cycle's capacity, CE and Eq. 1 with their band, and claim 13's verdict over it. A joint draw
 * that flips claim 13 where no single parameter does makes the verdict depend on all of them jointly.
 */
export function firstCycleBand(
  p: SsbCellParams,
  opts: { vMax_V: number; vMin_V: number; samples?: number; seed?: number; claimCapacity_mAh_g?: number },
): FirstCycleBand {
  const samples = opts.samples ?? 8;
  const seed = opts.seed ?? 1;
  const claimCap = opts.claimCapacity_mAh_g ?? 100;
  const pars = firstCycleParameters(p);
  const run = (q: SsbCellParams): FirstCycleFigures => firstCycleFigures(q, opts.vMax_V, opts.vMin_V);
  const nominal = run(p);
  const oat = atRangeEnds(p, pars, run);
  const rng = new Rng(seed);
  const joint: FirstCycleFigures[] = [];
  for (let k = 0; k < samples; k++) {
    let q = p;
    for (const par of pars) q = withParameter(q, par.id, rng.inRange(par.range[0], par.range[1]));
    joint.push(run(q));
  }
  const figure = (key: keyof FirstCycleFigures): BandedFigure => {
    const b = band(
      nominal[key],
      oat.map((o) => ({ parameter: o.parameter, at: o.at, value: o.value[key] })),
      pars,
    );
    const js = joint.map((j) => j[key]).filter((v) => Number.isFinite(v));
    return { ...b, low: Math.min(b.low, ...js), high: Math.max(b.high, ...js) };
  };
  const capacity = figure('dischargeCapacity_mAh_g');
  const test = (v: number): boolean => v >= claimCap;
  let claim13 = verdictOverBand(capacity, test);
  if (claim13.verdict !== 'depends' && joint.some((j) => test(j.dischargeCapacity_mAh_g) !== test(capacity.nominal))) {
    const ids = pars.map((q) => q.id);
    claim13 = {
      verdict: 'depends',
      dependsOn: ids,
      text: `${test(capacity.nominal) ? 'met' : 'not met'}, depends on ${ids.join(', ')} jointly (seeded draws)`,
    };
  }
  return {
    capacity,
    ce: figure('coulombicEfficiency'),
    eq1: figure('volumeExpansionRate_pct'),
    joint,
    samples,
    seed,
    claim13,
    claimCapacity_mAh_g: claimCap,
  };
}
