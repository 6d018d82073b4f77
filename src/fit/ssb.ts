/**
 * The fit problem of a solid-state cell (the cell a recipe's line produces) against a published or
 * measured fade curve (capacity retention against cycle) and a rate test (capacity retention against
 * C-rate), through the same optimisers, intervals and report as the liquid cell's profiles.
 *
 * Parameter space (names as the recipe's `cycling.model_parameters` fields, so that a fit's result is a
 * recipe patch):
 *  - `ageing.<id>`: the ageing mechanisms' parameters of data/ageing/mechanisms.json (SI, as there), e.g.
 *    `ageing.cei_kR` (interphase resistance growth), `ageing.cathode_contact_lambda`, `ageing.aei_kLi`;
 *  - `rate.<id>`: the rate-capability inputs of src/cycler/rate.ts, units in the name:
 *    `rate.anode_D_um2_s`, `rate.ionic_tortuosity`, `rate.cathode_Ds_um2_s`, `rate.anode_j0_A_m2` (µm²/s:
 *    the recipe refuses magnitudes below 1e-9 in a field's unit, and diffusivities are 1e-15…1e-10 m²/s).
 * Model of each block (the SPMe of the cell with its fast stepper):
 *  - fade: `cycleAgeing` (CC-CV charge to the charge cut-off, CC discharge, ageing after each cycle; cycle
 *    jumping with a stride of max(1, ⌊N/200⌋) for long curves, as scripts/ageing-datasets.ts) at the
 *    data's `c_rate` (else the recipe's ageing C-rate), `stack_pressure_MPa` and `temperature_C` when the
 *    file's metadata give them; retention in % of the first cycle, interpolated at the measured cycles;
 *  - rate: CC-CV charge at C/10 to the charge cut-off (0.02C end), then a CC discharge at each measured
 *    C-rate from that charged state to the discharge cut-off; capacity in % of the lowest measured rate's.
 * A file's `# reading_error: <number> …` line sets the block's noise floor for the intervals (./stats.ts).
 * The Jacobian is by forward differences in internal coordinates (step 1e-4 of the bounds' span; the
 * fade model's cycle jumping and the cut-off events make it piecewise smooth only). Pure: parameters and
 * data in, evaluations out.
 */
import { ProblemError } from '../problems.ts';
import { parseDecimal } from '../io/decimal.ts';
import { ZERO_CELSIUS_K } from '../materials/constants.ts';
import { createSpme } from '../electrochem/ssb/spme.ts';
import { cycleAgeing } from '../cycler/protocols.ts';
import { ageingWithValues } from '../electrochem/ssb/ageing.ts';
import {
  AGEING_PARAMETER_IDS,
  ageingParameterRecords,
  type AgeingParameterId,
} from '../electrochem/ssb/ageing-data.ts';
import { dischargeFromCharged, rateParameters, withRateParameter } from '../cycler/rate.ts';
import { withParams, type SsbCellParams } from '../electrochem/ssb/params.ts';
import type { FadeData, RateData } from './data.ts';
import { MPa, celsius } from '../units/index.ts';
import {
  fromInternal,
  internalBounds,
  type Evaluation,
  type FitBlock,
  type FitProblem,
  type ParameterRequest,
  type ParameterSpec,
} from './types.ts';

/** the rate parameters as recipe fields (unit in the name) → the id of src/cycler/rate.ts */
export const RATE_FIELDS = {
  anode_D_um2_s: 'anode_D',
  ionic_tortuosity: 'ionic_tortuosity',
  cathode_Ds_um2_s: 'cathode_Ds',
  anode_j0_A_m2: 'anode_j0',
} as const;
export type RateField = keyof typeof RATE_FIELDS;
/** field value × this = the SI value of rate.ts (µm²/s → m²/s) */
const RATE_TO_SI: Record<RateField, number> = {
  anode_D_um2_s: 1e-12,
  ionic_tortuosity: 1,
  cathode_Ds_um2_s: 1e-12,
  anode_j0_A_m2: 1,
};
const RATE_UNITS: Record<RateField, string> = {
  anode_D_um2_s: 'µm²/s',
  ionic_tortuosity: '1',
  cathode_Ds_um2_s: 'µm²/s',
  anode_j0_A_m2: 'A/m²',
};

/** values of the recipe's `cycling.model_parameters` block */
export interface SsbModelParameters {
  readonly ageing?: Partial<Record<AgeingParameterId, number>>;
  readonly rate?: Partial<Record<RateField, number>>;
}

/** the recipe's `cycling.model_parameters.posterior`: MCMC draws of fitted parameters (names as --params takes them) */
export interface SsbPosterior {
  readonly parameters: readonly string[];
  readonly samples: readonly (readonly number[])[];
  readonly source?: string;
}

/**
 * The model parameters of each posterior draw: the recipe's block with the draw's values in place of the
 * fitted ones. ProblemError naming `<where>.parameters.<i>` (a name that is not a solid-state parameter, or
 * twice) or `<where>.samples.<k>` (a row whose length is not the parameters').
 */
export function posteriorModelParameters(
  base: SsbModelParameters | undefined,
  post: SsbPosterior,
  where = `${RECIPE_PARAMETER_ROOT}.posterior`,
): SsbModelParameters[] {
  const fields = post.parameters.map((n, i) => resolveSsbField(n, `${where}.parameters.${i}`));
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    const key = `${f.group}.${f.id}`;
    if (seen.has(key))
      throw new ProblemError({
        path: `${where}.parameters.${i}`,
        problem: 'a parameter named twice',
        got: JSON.stringify(post.parameters[i]),
        allowed: 'each parameter once',
      });
    seen.add(key);
  });
  return post.samples.map((row, k) => {
    if (row.length !== fields.length)
      throw new ProblemError({
        path: `${where}.samples.${k}`,
        problem: 'a draw with the wrong number of values',
        got: `${row.length} values`,
        allowed: `${fields.length} (one per posterior.parameters entry)`,
      });
    const ageing: Record<string, number> = { ...(base?.ageing ?? {}) };
    const rate: Record<string, number> = { ...(base?.rate ?? {}) };
    fields.forEach((f, i) => ((f.group === 'ageing' ? ageing : rate)[f.id] = row[i]!));
    return { ageing, rate } as SsbModelParameters;
  });
}

/** the recipe path of a fit parameter name (`ageing.cei_kR` → `cycling.model_parameters.ageing.cei_kR`) */
export const RECIPE_PARAMETER_ROOT = 'cycling.model_parameters';

interface SsbField {
  readonly group: 'ageing' | 'rate';
  readonly id: string;
  readonly unit: string;
}

const allowedNames = (): string =>
  [...AGEING_PARAMETER_IDS.map((k) => `ageing.${k}`), ...Object.keys(RATE_FIELDS).map((k) => `rate.${k}`)].join(', ');

/** resolves `ageing.<id>` / `rate.<field>` (optionally prefixed with cycling.model_parameters.) */
export function resolveSsbField(name: string, where: string): SsbField {
  const n = name.startsWith(`${RECIPE_PARAMETER_ROOT}.`) ? name.slice(RECIPE_PARAMETER_ROOT.length + 1) : name;
  const [group, id, ...rest] = n.split('.');
  if (rest.length === 0 && group === 'ageing' && (AGEING_PARAMETER_IDS as readonly string[]).includes(id ?? ''))
    return { group, id: id!, unit: ageingParameterRecords()[id as AgeingParameterId].unit };
  if (rest.length === 0 && group === 'rate' && id !== undefined && id in RATE_FIELDS)
    return { group, id, unit: RATE_UNITS[id as RateField] };
  throw new ProblemError({
    path: where,
    problem: 'not a parameter of the solid-state cell',
    got: JSON.stringify(name),
    allowed: allowedNames(),
  });
}

/** the cell's value of a field */
function valueOf(p: SsbCellParams, f: SsbField): number {
  if (f.group === 'ageing') return p.ageing.values[f.id as AgeingParameterId];
  const id = RATE_FIELDS[f.id as RateField];
  return rateParameters(p).find((q) => q.id === id)!.nominal / RATE_TO_SI[f.id as RateField];
}

/** the cell with the recipe's `cycling.model_parameters` applied (every value positive and finite) */
export function withModelParameters(p: SsbCellParams, m: SsbModelParameters | undefined): SsbCellParams {
  if (!m) return p;
  let q = p;
  const ag = m.ageing ?? {};
  if (Object.keys(ag).length) q = withParams(q, { ageing: ageingWithValues(q.ageing, ag) });
  for (const [k, v] of Object.entries(m.rate ?? {}))
    if (v !== undefined) q = withRateParameter(q, RATE_FIELDS[k as RateField], v * RATE_TO_SI[k as RateField]);
  return q;
}

export interface SsbFitOptions {
  /** the cell (the recipe's produced cell with the recipe's model parameters applied) */
  readonly cell: SsbCellParams;
  readonly parameters: readonly ParameterRequest[];
  readonly fades: readonly { readonly name: string; readonly data: FadeData; readonly weight?: number }[];
  readonly rates: readonly { readonly name: string; readonly data: RateData; readonly weight?: number }[];
  /** cut-offs (V) and the ageing C-rate when a fade file does not give one */
  readonly chargeCutoff_V: number;
  readonly dischargeCutoff_V: number;
  readonly ageingCRate: number;
}

export interface SsbFitProblem extends FitProblem {
  /** the model parameters (recipe block) at internal coordinates x */
  modelParametersAt(x: ArrayLike<number>): SsbModelParameters;
}

/** the leading number of a `# reading_error: 0.5 % points; …` line (the data's reading error), if any */
const readingError = (meta: Readonly<Record<string, string>>): number | undefined => {
  const m = /^\s*([0-9.]+(?:e[-+]?\d+)?)/i.exec(meta['reading_error'] ?? '');
  const v = m ? Number(m[1]) : NaN;
  return v > 0 ? v : undefined;
};

const floor = (meta: Readonly<Record<string, string>>): { noiseFloor?: number } => {
  const e = readingError(meta);
  return e !== undefined ? { noiseFloor: e } : {};
};

/**
 * A `# key: value` number of the data's metadata: a plain decimal (a blank `# temperature_C:` was read as 0 °C,
 * `0x1` as 1) above `above` when given (the recipe's own bound for the field), else a ProblemError naming the
 * file and key.
 */
const metaNumber = (
  meta: Readonly<Record<string, string>>,
  key: string,
  source: string,
  above?: { value: number; why: string },
): number | undefined => {
  const s = meta[key];
  if (s === undefined) return undefined;
  const v = parseDecimal(s);
  if (Number.isNaN(v) || (above !== undefined && !(v > above.value)))
    throw new ProblemError({
      path: `${source}: # ${key}`,
      problem: Number.isNaN(v) ? 'not a number' : 'out of range',
      got: JSON.stringify(s),
      allowed: above ? `a number > ${above.value} (${above.why})` : 'a plain decimal number',
    });
  return v;
};

/** the fade block's run conditions from the file's metadata (else the cell's and recipe's) */
function fadeConditions(
  d: FadeData,
  o: SsbFitOptions,
): { cRate: number; stackPressure_Pa?: number; temperature_K?: number } {
  const cRate = metaNumber(d.meta, 'c_rate', d.source) ?? o.ageingCRate;
  if (!(cRate > 0 && cRate <= 10))
    throw new ProblemError({
      path: `${d.source}: # c_rate`,
      problem: 'out of range',
      got: String(cRate),
      allowed: '0 < C-rate ≤ 10',
    });
  const P = metaNumber(d.meta, 'stack_pressure_MPa', d.source, { value: 0, why: 'as cell.stack_pressure_MPa' });
  const T = metaNumber(d.meta, 'temperature_C', d.source, { value: -ZERO_CELSIUS_K, why: 'above absolute zero' });
  return {
    cRate,
    ...(P !== undefined ? { stackPressure_Pa: MPa(P) } : {}),
    ...(T !== undefined ? { temperature_K: celsius(T) } : {}),
  };
}

/** retention (%) of the cell at the given cycles (sorted or not) */
export function fadeModel(
  p: SsbCellParams,
  cycles: Float64Array,
  c: { cRate: number; chargeCutoff_V: number; dischargeCutoff_V: number },
): Float64Array {
  const nMax = Math.max(...cycles);
  const stride = Math.max(1, Math.floor(nMax / 200));
  const m = createSpme(p);
  const a = cycleAgeing(m, {
    cycles: Math.ceil(nMax / stride) * stride + stride,
    cRate: c.cRate,
    cutoffs: { vMax_V: c.chargeCutoff_V, vMin_V: c.dischargeCutoff_V, cvEndCRate: 0.02 },
    stride,
  });
  const idx = a.cycleIndex;
  return Float64Array.from(cycles, (n) => {
    if (idx.length === 0) return NaN;
    let k = 0;
    while (k + 1 < idx.length && idx[k + 1]! <= n) k++;
    if (k + 1 >= idx.length) return n <= idx[k]! + stride ? a.retention[k]! * 100 : NaN;
    const f = (n - idx[k]!) / (idx[k + 1]! - idx[k]!);
    return (a.retention[k]! * (1 - f) + a.retention[k + 1]! * f) * 100;
  });
}

/** capacity at each C-rate after a C/10 CC-CV charge, in % of the lowest rate's */
export function rateModel(
  p: SsbCellParams,
  rates: Float64Array,
  c: { chargeCutoff_V: number; dischargeCutoff_V: number },
): Float64Array {
  const q = dischargeFromCharged(p, c);
  const ref = q(Math.min(...rates));
  return Float64Array.from(rates, (r) => (ref > 0 ? (q(r) / ref) * 100 : NaN));
}

export function ssbFitProblem(o: SsbFitOptions): SsbFitProblem {
  const specs: ParameterSpec[] = [];
  const fields: SsbField[] = [];
  o.parameters.forEach((p, i) => {
    const where = `params.${i}`;
    const f = resolveSsbField(p.name, `${where}.name`);
    const log = p.log ?? false;
    if (!(Number.isFinite(p.lower) && Number.isFinite(p.upper) && p.lower < p.upper))
      throw new ProblemError({
        path: where,
        problem: 'invalid bounds',
        got: `${p.lower}..${p.upper}`,
        allowed: 'finite lower < upper',
      });
    if (!(log ? p.lower > 0 : p.lower >= 0))
      throw new ProblemError({
        path: `${where}.lower`,
        problem: 'invalid bounds',
        got: String(p.lower),
        allowed: log ? '> 0 for a log-scaled parameter' : '≥ 0 (no solid-state model parameter is negative)',
      });
    const init = p.initial ?? valueOf(o.cell, f);
    specs.push({
      name: p.name,
      path: `${RECIPE_PARAMETER_ROOT}.${f.group}.${f.id}`,
      lower: p.lower,
      upper: p.upper,
      log,
      initial: Math.min(Math.max(init, p.lower), p.upper),
      unit: f.unit === '1' ? '' : f.unit,
    });
    fields.push(f);
  });
  const fadeCond = o.fades.map((f) => fadeConditions(f.data, o));
  const blocks: FitBlock[] = [
    ...o.fades.map((f): FitBlock => ({
      name: f.name,
      source: f.data.source,
      quantity: 'retention',
      unit: '%',
      xLabel: 'cycle',
      xUnit: '1',
      x: f.data.cycle,
      data: f.data.retention_pct,
      weight: f.weight ?? 1,
      ...floor(f.data.meta),
    })),
    ...o.rates.map((r): FitBlock => ({
      name: r.name,
      source: r.data.source,
      quantity: 'retention',
      unit: '%',
      xLabel: 'C-rate',
      xUnit: '1',
      x: r.data.cRate,
      data: r.data.retention_pct,
      weight: r.weight ?? 1,
      ...floor(r.data.meta),
    })),
  ];
  const modelParametersAt = (x: ArrayLike<number>): SsbModelParameters => {
    const ageing: Record<string, number> = {};
    const rate: Record<string, number> = {};
    fields.forEach((f, i) => ((f.group === 'ageing' ? ageing : rate)[f.id] = fromInternal(specs[i]!, x[i]!)));
    return {
      ...(Object.keys(ageing).length ? { ageing } : {}),
      ...(Object.keys(rate).length ? { rate } : {}),
    } as SsbModelParameters;
  };
  const cut = { chargeCutoff_V: o.chargeCutoff_V, dischargeCutoff_V: o.dischargeCutoff_V };
  const models = (x: ArrayLike<number>): Float64Array[] => {
    const p = withModelParameters(o.cell, modelParametersAt(x));
    return [
      ...o.fades.map((f, b) => {
        const c = fadeCond[b]!;
        const pb =
          c.stackPressure_Pa !== undefined || c.temperature_K !== undefined
            ? withParams(p, {
                ...(c.stackPressure_Pa !== undefined ? { stackPressure_Pa: c.stackPressure_Pa } : {}),
                ...(c.temperature_K !== undefined ? { temperature_K: c.temperature_K } : {}),
              })
            : p;
        return fadeModel(pb, f.data.cycle, { ...cut, cRate: c.cRate });
      }),
      ...o.rates.map((r) => rateModel(p, r.data.cRate, cut)),
    ];
  };
  const steps = specs.map((s) => {
    const [lo, hi] = internalBounds(s);
    return 1e-4 * (hi - lo);
  });
  let solves = 0;
  return {
    parameters: specs,
    blocks,
    modelParametersAt,
    async evaluate(x: Float64Array, jacobian: boolean): Promise<Evaluation> {
      let model: Float64Array[];
      try {
        model = models(x);
        solves++;
      } catch (e) {
        return { ok: false, message: e instanceof Error ? e.message : String(e), model: [] };
      }
      if (!jacobian) return { ok: true, model, work: { solves, steps: 0 } };
      const jac: Float64Array[][] = blocks.map(() => []);
      for (let i = 0; i < specs.length; i++) {
        const [, hi] = internalBounds(specs[i]!);
        // step inward at the upper bound
        const h = x[i]! + steps[i]! > hi ? -steps[i]! : steps[i]!;
        const xp = Float64Array.from(x);
        xp[i]! += h;
        let mp: Float64Array[];
        try {
          mp = models(xp);
          solves++;
        } catch (e) {
          return { ok: false, message: e instanceof Error ? e.message : String(e), model };
        }
        mp.forEach((m, b) => jac[b]!.push(Float64Array.from(m, (v, k) => (v - model[b]![k]!) / h)));
      }
      return { ok: true, model, jacobian: jac, work: { solves, steps: 0 } };
    },
  };
}
