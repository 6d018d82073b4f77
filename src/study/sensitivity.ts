/**
 * Variance-based sensitivity: first-order and total Sobol' indices from a Saltelli design, with
 * bootstrap confidence intervals, and the probability that each claim is met under the inputs' ranges.
 *
 * Estimators (Saltelli et al., "Variance based sensitivity analysis of model output. Design and
 * estimator for the total sensitivity index", Comput. Phys. Commun. 181 (2010) 259,
 * doi:10.1016/j.cpc.2009.09.018, Table 2): first order S_i = mean(f_B (f_ABi − f_A)) / V (their (b)),
 * total S_Ti = mean((f_A − f_ABi)²) / (2V) (Jansen 1999, their (f)), V the variance of f over A and B.
 * Confidence intervals: percentile bootstrap over the N base rows (Archer, Saltelli & Sobol', J. Stat.
 * Comput. Simul. 58 (1997) 99), seeded. Rows where any of the d + 2 points failed or gave no number are
 * left out (and counted). Pure.
 */
import { Rng } from '../numerics/rng.ts';

export interface SobolIndex {
  input: string;
  S1: number;
  S1_ci: [number, number];
  ST: number;
  ST_ci: [number, number];
}

export interface SobolResult {
  output: string;
  /** base rows used (all d + 2 points finite) */
  rows: number;
  rows_left_out: number;
  variance: number;
  mean: number;
  confidence: number;
  bootstrap: number;
  indices: SobolIndex[];
}

function estimate(
  fA: Float64Array,
  fB: Float64Array,
  fAB: Float64Array[],
  rows: ArrayLike<number>,
): { V: number; mean: number; S1: number[]; ST: number[] } {
  const n = rows.length;
  let s = 0;
  let s2 = 0;
  for (let k = 0; k < n; k++) {
    const r = rows[k]!;
    s += fA[r]! + fB[r]!;
    s2 += fA[r]! * fA[r]! + fB[r]! * fB[r]!;
  }
  const mean = s / (2 * n);
  const V = s2 / (2 * n) - mean * mean;
  const S1: number[] = [];
  const ST: number[] = [];
  for (const col of fAB) {
    let a = 0;
    let b = 0;
    for (let k = 0; k < n; k++) {
      const r = rows[k]!;
      const ab = col[r]!;
      a += fB[r]! * (ab - fA[r]!);
      b += (fA[r]! - ab) * (fA[r]! - ab);
    }
    S1.push(V > 0 ? a / n / V : 0);
    ST.push(V > 0 ? b / (2 * n) / V : 0);
  }
  return { V, mean, S1, ST };
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const x = q * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (x - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Sobol' indices of one output from Saltelli-ordered values: `y[row·(d+2) + k]`, k = 0 (A), 1 (B),
 * 2 + i (A with column i from B); null/NaN where a point failed.
 */
export function sobolIndices(
  y: ArrayLike<number | null>,
  N: number,
  inputs: readonly string[],
  opts: { output?: string; bootstrap?: number; confidence?: number; seed?: number } = {},
): SobolResult {
  const d = inputs.length;
  const fA = new Float64Array(N);
  const fB = new Float64Array(N);
  const fAB = inputs.map(() => new Float64Array(N));
  const good: number[] = [];
  let scale: { mean: number; sd: number };
  for (let r = 0; r < N; r++) {
    let ok = true;
    const at = (k: number): number => {
      const v = y[r * (d + 2) + k];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        ok = false;
        return 0;
      }
      return v;
    };
    fA[r] = at(0);
    fB[r] = at(1);
    for (let i = 0; i < d; i++) fAB[i]![r] = at(2 + i);
    if (ok) good.push(r);
  }
  // standardise (as SALib does): the estimators' expectations do not change, their variance at small N
  // falls a lot when the output's mean is large against its spread
  {
    let m = 0;
    let m2 = 0;
    for (const r of good) {
      m += fA[r]! + fB[r]!;
      m2 += fA[r]! * fA[r]! + fB[r]! * fB[r]!;
    }
    const n2 = 2 * Math.max(1, good.length);
    const mean = m / n2;
    const sd = Math.sqrt(Math.max(0, m2 / n2 - mean * mean)) || 1;
    const z = (a: Float64Array): void => {
      for (let r = 0; r < N; r++) a[r] = (a[r]! - mean) / sd;
    };
    z(fA);
    z(fB);
    fAB.forEach(z);
    scale = { mean, sd };
  }
  const B = opts.bootstrap ?? 200;
  const conf = opts.confidence ?? 0.95;
  const est = estimate(fA, fB, fAB, good);
  const bootS1 = inputs.map(() => new Float64Array(B));
  const bootST = inputs.map(() => new Float64Array(B));
  const rng = new Rng(opts.seed ?? 1);
  const idx = new Uint32Array(good.length);
  for (let b = 0; b < B && good.length > 1; b++) {
    for (let k = 0; k < good.length; k++) idx[k] = good[Math.floor(rng.uniform() * good.length)]!;
    const e = estimate(fA, fB, fAB, idx);
    for (let i = 0; i < d; i++) {
      bootS1[i]![b] = e.S1[i]!;
      bootST[i]![b] = e.ST[i]!;
    }
  }
  const lo = (1 - conf) / 2;
  const ci = (arr: Float64Array): [number, number] => {
    if (good.length <= 1 || B === 0) return [NaN, NaN];
    const s = Float64Array.from(arr).sort();
    return [percentile(s, lo), percentile(s, 1 - lo)];
  };
  return {
    output: opts.output ?? 'y',
    rows: good.length,
    rows_left_out: N - good.length,
    variance: est.V * scale.sd * scale.sd,
    mean: scale.mean + est.mean * scale.sd,
    confidence: conf,
    bootstrap: B,
    indices: inputs.map((input, i) => ({
      input,
      S1: est.S1[i]!,
      S1_ci: ci(bootS1[i]!),
      ST: est.ST[i]!,
      ST_ci: ci(bootST[i]!),
    })),
  };
}

export interface Probability {
  what: string;
  met: number;
  evaluated: number;
  p: number;
  /** Wilson score interval */
  ci: [number, number];
}

/** Wilson score interval of a binomial proportion (Wilson, J. Am. Stat. Assoc. 22 (1927) 209). */
export function wilson(k: number, n: number, z = 1.959963984540054): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const den = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / den;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  // exact ends at k = 0 and k = n (the formula leaves rounding dust there)
  return [k === 0 ? 0 : Math.max(0, c - h), k === n ? 1 : Math.min(1, c + h)];
}

/** the probability that a verdict column is 'met' (points that failed count as not met) */
export function probabilityMet(what: string, verdicts: readonly unknown[]): Probability {
  const n = verdicts.length;
  const k = verdicts.filter((v) => v === 'met').length;
  return { what, met: k, evaluated: n, p: n ? k / n : NaN, ci: wilson(k, n) };
}
