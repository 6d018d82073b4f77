/**
 * The fit problem of a liquid-electrolyte cell (BPX document) against measured current profiles: the
 * parameters are fields of the BPX document (./bpx-space.ts), the model is the liquid DFN/SPMe/SPM of
 * ../electrochem/liquid driven by each profile's measured current, and the Jacobian ∂V/∂x comes from
 * forward sensitivities integrated by the one solver (simulateProfileSensitivities: the sensitivity
 * equations with right-hand sides from directional differences of the model at x + δ·e_i). Each profile
 * is one block of the objective; its fit points are the measured samples (optionally every k-th).
 * Where the model stops before the end of a profile (a particle surface reaches its stoichiometry
 * limit) the remaining points are NaN and the objective is infinite there (the optimisers step back).
 * Pure: documents and data in, evaluations out (no I/O).
 */
import { parseBpx } from '../electrochem/bpx.ts';
import { ProblemError } from '../problems.ts';
import { createLiquidModel, type LiquidMesh, type LiquidModel } from '../electrochem/liquid/index.ts';
import { simulateProfileSensitivities } from '../cycler/profile-sensitivity.ts';
import { applyBpxValues, resolveBpxField, type BpxDocument, type BpxField } from './bpx-space.ts';
import {
  fromInternal,
  type Evaluation,
  type FitBlock,
  type FitProblem,
  type ParameterRequest,
  type ParameterSpec,
} from './types.ts';
import type { ProfileData } from './data.ts';

export interface ProfileBlockInput {
  readonly name: string;
  readonly data: ProfileData;
  /** use every stride-th measured sample as a fit point (default 1) */
  readonly stride?: number;
  readonly weight?: number;
}

export interface LiquidFitOptions {
  readonly doc: BpxDocument;
  /** parameters: BPX field name (alias or path) with bounds and scale; the initial value defaults to the file's */
  readonly parameters: readonly ParameterRequest[];
  readonly profiles: readonly ProfileBlockInput[];
  readonly model?: 'dfn' | 'spme' | 'spm';
  readonly mesh?: Partial<LiquidMesh>;
  /** solver relative tolerance (default 1e-6) */
  readonly rtol?: number;
  /**
   * absolute tolerance on the scaled state (LiquidModelOptions.scaledAtol: c/c_max, c_e/c_e0, V) instead
   * of the model's own atol; for tight reference solves (a small rtol alone is limited by the atol)
   */
  readonly scaledAtol?: number;
  /** directional-difference step in internal coordinates (default 1e-6) */
  readonly delta?: number;
}

export interface LiquidFitProblem extends FitProblem {
  readonly fields: readonly BpxField[];
  /** the BPX document at internal coordinates x */
  documentAt(x: ArrayLike<number>): BpxDocument;
}

/** the parameter specs of a fit, with bounds checked (ProblemError naming params.<i>) */
export function liquidParameterSpecs(
  doc: BpxDocument,
  params: LiquidFitOptions['parameters'],
): { specs: ParameterSpec[]; fields: BpxField[] } {
  const specs: ParameterSpec[] = [];
  const fields: BpxField[] = [];
  params.forEach((p, i) => {
    const where = `params.${i}`;
    const f = resolveBpxField(doc, p.name, `${where}.name`);
    const log = p.log ?? false;
    if (!(Number.isFinite(p.lower) && Number.isFinite(p.upper) && p.lower < p.upper))
      throw new BoundsError(where, `${p.lower}..${p.upper}`, 'finite lower < upper');
    if (log && !(p.lower > 0))
      throw new BoundsError(`${where}.lower`, String(p.lower), '> 0 for a log-scaled parameter');
    const init = p.initial ?? f.reference;
    const initial = Math.min(Math.max(init, p.lower), p.upper);
    specs.push({
      name: p.name,
      path: f.path,
      lower: p.lower,
      upper: p.upper,
      log,
      initial,
      unit: f.kind === 'factor' ? '×' : (/\[([^\]]+)\]$/.exec(f.path)?.[1] ?? ''),
    });
    fields.push(f);
  });
  return { specs, fields };
}

class BoundsError extends ProblemError {
  constructor(path: string, got: string, allowed: string) {
    super({ path, problem: 'invalid bounds', got, allowed });
  }
}

export function liquidFitProblem(opts: LiquidFitOptions): LiquidFitProblem {
  const { specs, fields } = liquidParameterSpecs(opts.doc, opts.parameters);
  const kind = opts.model ?? 'dfn';
  const delta = opts.delta ?? 1e-6;
  const blocks: FitBlock[] = opts.profiles.map((p) => {
    const stride = Math.max(1, Math.floor(p.stride ?? 1));
    const idx: number[] = [];
    for (let k = 0; k < p.data.t_s.length; k += stride) idx.push(k);
    if (idx[idx.length - 1] !== p.data.t_s.length - 1) idx.push(p.data.t_s.length - 1);
    return {
      name: p.name,
      source: p.data.source,
      quantity: 'voltage',
      unit: 'V',
      xLabel: 'time',
      xUnit: 's',
      x: Float64Array.from(idx, (k) => p.data.t_s[k]!),
      data: Float64Array.from(idx, (k) => p.data.U_V[k]!),
      weight: p.weight ?? 1,
    };
  });
  const documentAt = (x: ArrayLike<number>): BpxDocument =>
    applyBpxValues(
      opts.doc,
      fields,
      specs.map((s, i) => fromInternal(s, x[i]!)),
    );
  const build = (x: ArrayLike<number>): { model: LiquidModel; soc0: number } => {
    const params = parseBpx(documentAt(x));
    return {
      model: createLiquidModel(params, {
        model: kind,
        thermal: false,
        ...(opts.mesh ? { mesh: opts.mesh } : {}),
        ...(opts.scaledAtol !== undefined ? { scaledAtol: opts.scaledAtol } : {}),
      }),
      soc0: params.initialSoc ?? 1,
    };
  };
  let solves = 0;
  let steps = 0;
  return {
    parameters: specs,
    blocks,
    fields,
    documentAt,
    async evaluate(x: Float64Array, jacobian: boolean): Promise<Evaluation> {
      let base: { model: LiquidModel; soc0: number };
      let plus: { model: LiquidModel; soc0: number }[] = [];
      try {
        base = build(x);
        if (jacobian)
          plus = specs.map((_s, i) => {
            const xp = Float64Array.from(x);
            xp[i]! += delta;
            return build(xp);
          });
      } catch (e) {
        return { ok: false, message: e instanceof Error ? e.message : String(e), model: [] };
      }
      const y0 = base.model.initialState(base.soc0);
      const s0 = plus.map((p) => {
        const yp = p.model.initialState(p.soc0);
        return yp.map((v, q) => (v - y0[q]!) / delta);
      });
      const model: Float64Array[] = [];
      const jac: Float64Array[][] = [];
      let ok = true;
      let message: string | undefined;
      for (let b = 0; b < blocks.length; b++) {
        const blk = blocks[b]!;
        const prof = opts.profiles[b]!.data;
        const r = simulateProfileSensitivities(
          base.model,
          jacobian ? plus.map((p) => p.model) : [],
          jacobian ? specs.map(() => delta) : [],
          { t_s: prof.t_s, I_A: prof.I_A },
          { y0, s0: jacobian ? s0 : [], tEval: blk.x, rtol: opts.rtol ?? 1e-6 },
        );
        solves++;
        steps += r.stats.steps;
        if (r.status === 'failed') {
          ok = false;
          message = `${blk.name}: ${r.message ?? 'the solver failed'}`;
        }
        const m = new Float64Array(blk.x.length).fill(NaN);
        m.set(r.V.subarray(0, Math.min(r.V.length, m.length)));
        model.push(m);
        if (jacobian)
          jac.push(
            r.dV.map((d) => {
              const a = new Float64Array(blk.x.length).fill(NaN);
              a.set(d.subarray(0, Math.min(d.length, a.length)));
              return a;
            }),
          );
      }
      return {
        ok,
        ...(message !== undefined ? { message } : {}),
        model,
        ...(jacobian ? { jacobian: jac } : {}),
        work: { solves, steps },
      };
    },
  };
}
