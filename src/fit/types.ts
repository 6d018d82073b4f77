/**
 * Types of the fitting layer (rollcell fit): parameters with bounds (optionally log-scaled), the data
 * blocks a model is fitted to, and the problem interface the optimisers and the sampler drive.
 * Optimisers work in internal coordinates x: x = ln p for a log-scaled parameter, x = p otherwise.
 */

export interface ParameterSpec {
  /** the name as the user gave it (alias or path) */
  readonly name: string;
  /** the resolved field (full path) for reports */
  readonly path: string;
  /** bounds in the parameter's own units (for a function-valued BPX field: of its multiplier) */
  readonly lower: number;
  readonly upper: number;
  /** fit ln p instead of p */
  readonly log: boolean;
  /** start value (default: the cell's own value, clamped into the bounds) */
  readonly initial: number;
  /** unit for reports ('' dimensionless, '×' a multiplier of a function) */
  readonly unit: string;
}

/** a parameter as a fit asks for it: name, bounds, scale and an optional start (default the cell's own value) */
export interface ParameterRequest {
  readonly name: string;
  readonly lower: number;
  readonly upper: number;
  readonly log?: boolean;
  readonly initial?: number;
}

/** one measured series the model is compared with (a profile's voltage, a fade curve, a rate test) */
export interface FitBlock {
  readonly name: string;
  /** the data file it came from */
  readonly source: string;
  readonly quantity: 'voltage' | 'retention' | 'capacity';
  /** unit of data and model values (V, %, A·h) */
  readonly unit: string;
  /** abscissa: label and unit (time / s, cycle, C-rate) */
  readonly xLabel: string;
  readonly xUnit: string;
  /** abscissa and measured values at the fit points */
  readonly x: Float64Array;
  readonly data: Float64Array;
  /** relative weight of the block in the objective (default 1; each block is a mean over its points) */
  readonly weight: number;
  /** the data's reading error (block unit), when known: the noise of the intervals is never below it */
  readonly noiseFloor?: number;
}

/** a model evaluation: the model's values at each block's fit points, and their derivatives */
export interface Evaluation {
  readonly ok: boolean;
  readonly message?: string;
  /** per block, the model at the fit points (NaN where the model stopped early) */
  readonly model: readonly Float64Array[];
  /** per block, per parameter: ∂model/∂x_i (internal coordinates), when asked for */
  readonly jacobian?: readonly (readonly Float64Array[])[];
  /** model solver statistics (steps etc.), for reports */
  readonly work?: { readonly solves: number; readonly steps: number };
}

export interface FitProblem {
  readonly parameters: readonly ParameterSpec[];
  readonly blocks: readonly FitBlock[];
  /** evaluates the model at internal coordinates x; jacobian: with ∂model/∂x */
  evaluate(x: Float64Array, jacobian: boolean): Promise<Evaluation>;
}

/** internal coordinate of a value */
export function toInternal(p: ParameterSpec, v: number): number {
  return p.log ? Math.log(v) : v;
}
/** value of an internal coordinate */
export function fromInternal(p: ParameterSpec, x: number): number {
  return p.log ? Math.exp(x) : x;
}
export function internalBounds(p: ParameterSpec): [number, number] {
  return [toInternal(p, p.lower), toInternal(p, p.upper)];
}

/**
 * the weighted least-squares objective Σ_b w_b/N_b · Σ_k (m_k − d_k)² (each block a mean square, so a
 * long profile does not drown a short one); Infinity when the model failed or left points out
 */
export function objective(blocks: readonly FitBlock[], ev: Evaluation): number {
  if (!ev.ok) return Infinity;
  let s = 0;
  for (let b = 0; b < blocks.length; b++) {
    const blk = blocks[b]!;
    const m = ev.model[b]!;
    let q = 0;
    for (let k = 0; k < blk.data.length; k++) {
      const d = m[k]! - blk.data[k]!;
      if (!Number.isFinite(d)) return Infinity;
      q += d * d;
    }
    s += (blk.weight * q) / blk.data.length;
  }
  return s;
}

/** root-mean-square difference of each block (model units) */
export function blockRmse(blocks: readonly FitBlock[], ev: Evaluation): number[] {
  return blocks.map((blk, b) => {
    const m = ev.model[b]!;
    let q = 0;
    let n = 0;
    for (let k = 0; k < blk.data.length; k++) {
      const d = m[k]! - blk.data[k]!;
      if (!Number.isFinite(d)) continue;
      q += d * d;
      n++;
    }
    return n > 0 ? Math.sqrt(q / n) : NaN;
  });
}
