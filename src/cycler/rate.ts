/**
 * Rate capability (claim 16: ≥ 0.33C) with the band its uncertain inputs give. The highest C-rate that
 * still delivers 80 % of the C/10 capacity (the cycler's definition, cycler/metrics.ts rateCapability),
 * found by bisection on log(C-rate) on the SPMe's fast stepper (one discharge ≈ ms), for the nominal
 * parameters and with each uncertain parameter at either end of its plausible range:
 *  - the anode's Li diffusivity (β-LiAl at the cell temperature: shared Li–Al data, extrapolated with an
 *    assumed Ea — the range spans ~3 decades);
 *  - the composite's ionic tortuosity factor (3–12, Minnmann et al. 2021, recalled);
 *  - the cathode's solid diffusivity (CHEN's fit, ÷3–×3: assumption for a different NCM811 grade);
 *  - the anode's exchange-current density (1–10 mA cm⁻², datasheet §4.3, assumption).
 * The anode's diffusivity moves the rate only while the host carries Li: in a cell whose anode holds Li
 * beyond the host's saturation in every volume (the seed's prelithiated cell: Li/Al ≈ 1.55 > x_host = 1)
 * the host flux is zero (spme.ts anodeResidual, h(x) = x_host throughout) and the surface is Li metal, so
 * both anode_D points equal the nominal — the parameter reaches the model (Derived.Da) but has no effect.
 * The verdict on claim 16 is "met", "not met" or "met/not met, depends on <parameter>" (src/verdicts.ts).
 */
import { arrhenius as dataArrhenius, arrheniusBounds, liAlData } from '../materials/li-al.ts';
import { band, verdictOverBand, type AssumedParameter, type BandedFigure, type DependentVerdict } from '../verdicts.ts';
import { fastRunner, type StepRunner } from './step-engines.ts';
import { chargeFully, dischargeTo } from './protocols.ts';
import { arrhenius, withParams, type SsbCellParams } from '../electrochem/ssb/params.ts';
import { SsbSpme } from '../electrochem/ssb/spme.ts';
import { problem } from '../problems.ts';
import { bisectTest } from '../numerics/roots.ts';

export interface RateSearch {
  readonly highestRate: number;
  readonly atSearchLimit: boolean;
  readonly referenceCapacity_C: number;
}

/**
 * The discharge capacity (C) of the cell at a C-rate, each discharge from the same charged state (C/10 CC
 * to the charge cut-off, then CV to C/50: the protocol chargeFully) down to the discharge cut-off
 * (dischargeTo), run by the step machine on the SPMe's fast stepper.
 */
export function dischargeFromCharged(
  p: SsbCellParams,
  cut: { chargeCutoff_V: number; dischargeCutoff_V: number },
): (cRate: number) => number {
  const m = new SsbSpme(p, {}, 'spme');
  const run: StepRunner = fastRunner(m);
  const y = m.initialState(0);
  chargeFully(run, m, y, cut.chargeCutoff_V);
  const charged = Float64Array.from(y);
  return (cRate) => dischargeTo(run, m, Float64Array.from(charged), cRate, cut.dischargeCutoff_V);
}

/** highest C-rate delivering `fraction` of the C/10 capacity (SPMe fast stepper, bisection on log rate) */
export function highestCRate(
  p: SsbCellParams,
  opts: { chargeCutoff_V: number; dischargeCutoff_V: number; fraction?: number; maxRate?: number; tolerance?: number },
): RateSearch {
  const fraction = opts.fraction ?? 0.8;
  const maxRate = opts.maxRate ?? 10;
  const tol = opts.tolerance ?? 0.01;
  const q = dischargeFromCharged(p, opts);
  const qRef = q(0.1);
  if (!(qRef > 0)) return { highestRate: 0, atSearchLimit: false, referenceCapacity_C: qRef };
  const ok = (r: number): boolean => q(r) >= fraction * qRef;
  if (ok(maxRate)) return { highestRate: maxRate, atSearchLimit: true, referenceCapacity_C: qRef };
  const { keep } = bisectTest(ok, 0.1, maxRate, { midpoint: 'geometric', rtol: tol });
  return { highestRate: keep, atSearchLimit: false, referenceCapacity_C: qRef };
}

/** the uncertain inputs of the rate capability, at the cell's temperature, with their ranges */
export function rateParameters(p: SsbCellParams): AssumedParameter[] {
  const d = liAlData();
  const T = p.temperature_K;
  const beta = d.phases.beta.diffusion;
  const [dLo, dHi] = arrheniusBounds(beta, T);
  const Da = arrhenius(p.anode.D, T);
  const Ds = p.cathode.Ds.ref;
  return [
    {
      id: 'anode_D',
      description: 'Li chemical diffusivity in the β-LiAl host at the cell temperature',
      unit: 'm²/s',
      nominal: Da,
      range: [Math.min(dLo, Da), Math.max(dHi, Da)],
      source:
        `shared Li–Al data, β-LiAl ${beta.quantity} D (${beta.method}): ${dataArrhenius(beta, T).toExponential(2)} m²/s ` +
        `at ${T.toFixed(0)} K, range from its Ea and reference ranges`,
    },
    {
      id: 'ionic_tortuosity',
      description: 'tortuosity factor of the SE network in the composite cathode',
      unit: '1',
      nominal: p.cathode.ionicTortuosity,
      range: [3, 12],
      source: 'Minnmann et al., J. Electrochem. Soc. 168 (2021) 040537 (NCM–Li6PS5Cl composites, τ ≈ 3–12; recalled)',
    },
    {
      id: 'cathode_Ds',
      description: 'Li diffusivity of the cathode active material (mid window)',
      unit: 'm²/s',
      nominal: Ds,
      range: [Ds / 3, Ds * 3],
      source: 'CHEN fit 4e-15 m²/s; ÷3–×3 for another NCM811 grade (assumption)',
    },
    {
      id: 'anode_j0',
      description: 'exchange-current density at the anode|SE interface',
      unit: 'A/m²',
      nominal: p.anode.j0.ref,
      range: [10, 100],
      source: 'datasheet §4.3: ~1–10 mA cm⁻² (assumption)',
    },
  ];
}

/** the cell with one uncertain parameter (an id of `rateParameters`, or `cei_qmax`) set to `v` */
export function withParameter(p: SsbCellParams, id: string, v: number): SsbCellParams {
  switch (id) {
    case 'cei_qmax':
      return withParams(p, { cathode: { cei: { ...p.cathode.cei, qMax_C_m2: v } } });
    case 'anode_D':
      return withParams(p, { anode: { D: { ref: v, Ea_J_mol: p.anode.D.Ea_J_mol, Tref_K: p.temperature_K } } });
    case 'ionic_tortuosity':
      return withParams(p, { cathode: { ionicTortuosity: v } });
    case 'cathode_Ds':
      return withParams(p, { cathode: { Ds: { ...p.cathode.Ds, ref: v } } });
    case 'anode_j0':
      return withParams(p, { anode: { j0: { ...p.anode.j0, ref: v } } });
    default:
      throw problem(
        'parameter',
        'unknown rate parameter',
        JSON.stringify(id),
        'anode_D, ionic_tortuosity, cathode_Ds, anode_j0, cei_qmax',
      );
  }
}

/** the cell with one rate parameter (an id of rateParameters) set to v (its unit there); the fit's recipe overrides use it */
export const withRateParameter = withParameter;

/**
 * `f` of the cell with each uncertain parameter (an id `withParameter` knows) at either end of its range,
 * one at a time, in the order of `pars` and of each range (the points of a band, src/verdicts.ts `band`)
 */
export function atRangeEnds<T>(
  p: SsbCellParams,
  pars: readonly AssumedParameter[],
  f: (q: SsbCellParams) => T,
): { parameter: string; at: number; value: T }[] {
  return pars.flatMap((par) =>
    par.range.map((at) => ({ parameter: par.id, at, value: f(withParameter(p, par.id, at)) })),
  );
}

export interface RateBand {
  readonly band: BandedFigure;
  readonly claim16: DependentVerdict;
  /** the C-rate of claim 16 */
  readonly claimRate: number;
}

/** highest C-rate of the nominal cell and with each uncertain parameter at both ends; claim 16's verdict over it */
export function rateCapabilityBand(
  p: SsbCellParams,
  opts: { chargeCutoff_V: number; dischargeCutoff_V: number; claimRate?: number; maxRate?: number },
): RateBand {
  const claimRate = opts.claimRate ?? 0.33;
  const nominal = highestCRate(p, opts).highestRate;
  const pars = rateParameters(p);
  const points = atRangeEnds(p, pars, (q) => highestCRate(q, opts).highestRate);
  const b = band(nominal, points, pars);
  return { band: b, claim16: verdictOverBand(b, (r) => r >= claimRate), claimRate };
}
