/**
 * Control charts beyond ./spc.ts (X̄–R, EWMA, capability, Western Electric): X̄–S, individuals and
 * moving range (I–MR), tabular CUSUM, the Nelson rules, autocorrelation, and limits that stay honest
 * for autocorrelated web data. Pure functions of arrays; the dashboard and the report draw what these
 * return and compute nothing themselves.
 *
 * Sources:
 * - c₄, A₃, B₃, B₄ (X̄–S): Montgomery, *Introduction to Statistical Quality Control*, 7th ed. (Wiley 2013),
 *   §6.3 and Appendix VI: c₄ = √(2/(n−1))·Γ(n/2)/Γ((n−1)/2), A₃ = 3/(c₄√n), B₃ = max(0, 1 − 3√(1−c₄²)/c₄),
 *   B₄ = 1 + 3√(1−c₄²)/c₄ (the tabulated values are these, rounded to 3 decimals).
 * - I–MR: σ̂ = MR̄/d₂ with d₂ = 1.128 (n = 2), MR chart UCL = D₄·MR̄ = 3.267·MR̄ (Montgomery §6.4).
 * - Tabular CUSUM: C⁺ᵢ = max(0, xᵢ − (μ₀ + K) + C⁺ᵢ₋₁), C⁻ᵢ = max(0, (μ₀ − K) − xᵢ + C⁻ᵢ₋₁), K = kσ, H = hσ,
 *   k = 0.5, h = 5 (Montgomery §9.1.2, Table 9.3 ARL₀ ≈ 465).
 * - Nelson rules: L. S. Nelson, "The Shewhart control chart — tests for special causes", J. Qual. Technol.
 *   16 (1984) 237–239 (rules 1–8 as numbered there).
 * - Autocorrelated data: web gauge readings follow the sheets' AR(1) machine-direction variation, so the
 *   within-subgroup spread (R̄/d₂, s̄/c₄) understates the spread of subgroup means and Shewhart limits
 *   built from it flag most subgroups (Montgomery §10.4; Alwan & Roberts, J. Bus. Econ. Stat. 6 (1988)
 *   87–95). Two honest alternatives are returned: (a) limits for the subgroup means from the stationary
 *   (overall) standard deviation of the means themselves, which includes the machine-direction wander
 *   (Montgomery §10.4.1; the batch-means idea of Runger & Willemain, IIE Trans. 28 (1996) 483–487 — the
 *   moving range of strongly autocorrelated means would understate it again); (b) the AR(1) residual
 *   (special-cause) chart — an individuals chart of eₜ = (xₜ − μ̂) − φ̂(xₜ₋₁ − μ̂) (Alwan & Roberts 1988).
 */
import { capabilityPair, chartConstants } from './spc.ts';

/** lnΓ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error < 1e-13 over the range used here) */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** c₄(n): E[s] = c₄σ for normal samples of size n ≥ 2 */
export function c4(n: number): number {
  if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`c4: subgroup size (got ${n}; allowed integer ≥ 2)`);
  return Math.sqrt(2 / (n - 1)) * Math.exp(lnGamma(n / 2) - lnGamma((n - 1) / 2));
}

export interface Limits {
  center: number;
  ucl: number;
  lcl: number;
}

export interface XbarSChart {
  n: number;
  subgroups: number;
  means: number[];
  sds: number[];
  s_bar: number;
  sigma_within: number;
  xbar: Limits;
  s: Limits;
}

function subgroupStats(x: ArrayLike<number>, n: number): { means: number[]; sds: number[]; ranges: number[] } {
  const k = Math.floor(x.length / n);
  const means: number[] = [];
  const sds: number[] = [];
  const ranges: number[] = [];
  for (let g = 0; g < k; g++) {
    let s = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < n; j++) {
      const v = x[g * n + j]!;
      s += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const m = s / n;
    let q = 0;
    for (let j = 0; j < n; j++) q += (x[g * n + j]! - m) ** 2;
    means.push(m);
    sds.push(Math.sqrt(q / (n - 1)));
    ranges.push(hi - lo);
  }
  return { means, sds, ranges };
}

const mean = (a: readonly number[]): number => a.reduce((s, v) => s + v, 0) / a.length;

/** X̄–S chart of consecutive subgroups of size n (2 … 25; a trailing incomplete subgroup is dropped). */
export function xbarS(x: ArrayLike<number>, n: number): XbarSChart {
  if (!(Number.isInteger(n) && n >= 2 && n <= 25))
    throw new RangeError(`spc.subgroup_size: X̄–S needs 2 … 25 (got ${n}; allowed integer 2..25)`);
  const { means, sds } = subgroupStats(x, n);
  if (means.length < 1) throw new RangeError(`spc: need one full subgroup (got ${x.length} values; allowed ≥ ${n})`);
  const c = c4(n);
  const sbar = mean(sds);
  const xbb = mean(means);
  const A3 = 3 / (c * Math.sqrt(n));
  const w = (3 * Math.sqrt(1 - c * c)) / c;
  return {
    n,
    subgroups: means.length,
    means,
    sds,
    s_bar: sbar,
    sigma_within: sbar / c,
    xbar: { center: xbb, ucl: xbb + A3 * sbar, lcl: xbb - A3 * sbar },
    s: { center: sbar, ucl: (1 + w) * sbar, lcl: Math.max(0, 1 - w) * sbar },
  };
}

export interface IndividualsChart {
  values: number[];
  moving_ranges: number[];
  mr_bar: number;
  sigma: number;
  x: Limits;
  mr: Limits;
}

/** Individuals and moving-range chart (σ̂ = MR̄/1.128). */
export function individuals(x: ArrayLike<number>): IndividualsChart {
  if (x.length < 2) throw new RangeError(`spc: an individuals chart needs ≥ 2 values (got ${x.length})`);
  const values = Array.from(x);
  const mr: number[] = [];
  for (let i = 1; i < values.length; i++) mr.push(Math.abs(values[i]! - values[i - 1]!));
  const mrBar = mean(mr);
  const k = chartConstants(2);
  const sigma = mrBar / k.d2;
  const c = mean(values);
  return {
    values,
    moving_ranges: mr,
    mr_bar: mrBar,
    sigma,
    x: { center: c, ucl: c + 3 * sigma, lcl: c - 3 * sigma },
    mr: { center: mrBar, ucl: k.D4 * mrBar, lcl: 0 },
  };
}

export interface CusumChart {
  target: number;
  sigma: number;
  k: number;
  h: number;
  upper: number[];
  lower: number[];
  /** indices where C⁺ or C⁻ exceeds H = hσ */
  out_of_control: number[];
}

/** Tabular CUSUM of x about `target` with reference value kσ and decision interval hσ. */
export function cusum(x: ArrayLike<number>, target: number, sigma: number, k = 0.5, h = 5): CusumChart {
  const upper: number[] = [];
  const lower: number[] = [];
  const ooc: number[] = [];
  let cp = 0;
  let cm = 0;
  const K = k * sigma;
  const H = h * sigma;
  for (let i = 0; i < x.length; i++) {
    cp = Math.max(0, x[i]! - (target + K) + cp);
    cm = Math.max(0, target - K - x[i]! + cm);
    upper.push(cp);
    lower.push(cm);
    if (sigma > 0 && (cp > H || cm > H)) ooc.push(i);
  }
  return { target, sigma, k, h, upper, lower, out_of_control: ooc };
}

/** Indices (the point that completes the pattern) flagged by each Nelson rule. */
export interface NelsonFlags {
  /** 1: one point beyond 3σ */
  rule1: number[];
  /** 2: nine points in a row on the same side of the centre line */
  rule2: number[];
  /** 3: six points in a row steadily increasing or decreasing */
  rule3: number[];
  /** 4: fourteen points in a row alternating up and down */
  rule4: number[];
  /** 5: two of three points beyond 2σ on the same side */
  rule5: number[];
  /** 6: four of five points beyond 1σ on the same side */
  rule6: number[];
  /** 7: fifteen points in a row within 1σ (either side) */
  rule7: number[];
  /** 8: eight points in a row beyond 1σ, on either side */
  rule8: number[];
}

export const NELSON_RULES: Readonly<Record<keyof NelsonFlags, string>> = {
  rule1: 'one point beyond 3σ',
  rule2: 'nine in a row on one side of the centre',
  rule3: 'six in a row increasing or decreasing',
  rule4: 'fourteen in a row alternating',
  rule5: 'two of three beyond 2σ, same side',
  rule6: 'four of five beyond 1σ, same side',
  rule7: 'fifteen in a row within 1σ',
  rule8: 'eight in a row beyond 1σ, either side',
};

/** Nelson's eight rules on chart points x with centre c and the points' own σ. */
export function nelson(x: ArrayLike<number>, c: number, sigma: number): NelsonFlags {
  const f: NelsonFlags = { rule1: [], rule2: [], rule3: [], rule4: [], rule5: [], rule6: [], rule7: [], rule8: [] };
  if (!(sigma > 0)) return f;
  const s = new NelsonStream(c, sigma);
  for (let i = 0; i < x.length; i++) {
    const r = s.push(x[i]!);
    if (r === 0) continue;
    for (let k = 0; k < 8; k++) if (r & (1 << k)) f[NELSON_KEYS[k]!].push(i);
  }
  return f;
}

/** the rules in bit order of NelsonStream.push (bit k = rule k + 1) */
export const NELSON_KEYS = ['rule1', 'rule2', 'rule3', 'rule4', 'rule5', 'rule6', 'rule7', 'rule8'] as const;

/**
 * Nelson's eight rules point by point in constant memory (the last few points kept): `push` returns a
 * bit set of the rules the new point completes (bit k = rule k + 1; 0 when none, or when σ ≤ 0).
 */
export class NelsonStream {
  readonly #z = new Float64Array(8);
  #i = 0;
  #x1 = NaN; // x[i−1]
  #x2 = NaN; // x[i−2]
  #side = 0; // run length on one side (signed)
  #trend = 0; // run of increases (+) or decreases (−), in steps
  #alt = 0; // points in the current alternating run
  #inner = 0;
  #outer = 0;
  constructor(
    readonly c: number,
    readonly sigma: number,
  ) {}

  push(x: number): number {
    const i = this.#i++;
    const x1 = this.#x1;
    const x2 = this.#x2;
    this.#x2 = x1;
    this.#x1 = x;
    if (!(this.sigma > 0)) return 0;
    const z = this.#z;
    const v = (x - this.c) / this.sigma;
    z[i & 7] = v;
    let r = 0;
    if (Math.abs(v) > 3) r |= 1;
    const side = this.#side;
    this.#side = v > 0 ? (side > 0 ? side + 1 : 1) : v < 0 ? (side < 0 ? side - 1 : -1) : 0;
    if (Math.abs(this.#side) >= 9) r |= 2;
    if (i > 0) {
      const d = x - x1;
      const t = this.#trend;
      this.#trend = d > 0 ? (t > 0 ? t + 1 : 1) : d < 0 ? (t < 0 ? t - 1 : -1) : 0;
      if (Math.abs(this.#trend) >= 5) r |= 4; // 5 steps = 6 points
      if (i > 1) {
        const d0 = x1 - x2;
        const a = this.#alt;
        this.#alt = d !== 0 && d0 !== 0 && Math.sign(d) !== Math.sign(d0) ? (a === 0 ? 3 : a + 1) : 0;
        if (this.#alt >= 14) r |= 8;
      }
    }
    // counts over the last 3 and 5 points (no closures: this runs once per subgroup per snapshot)
    let hi2 = 0;
    let lo2 = 0;
    let hi1 = 0;
    let lo1 = 0;
    for (let j = Math.max(0, i - 4); j <= i; j++) {
      const u = z[j & 7]!;
      if (j >= i - 2) {
        if (u > 2) hi2++;
        else if (u < -2) lo2++;
      }
      if (u > 1) hi1++;
      else if (u < -1) lo1++;
    }
    if (i >= 2 && (hi2 >= 2 || lo2 >= 2)) r |= 16;
    if (i >= 4 && (hi1 >= 4 || lo1 >= 4)) r |= 32;
    this.#inner = Math.abs(v) < 1 ? this.#inner + 1 : 0;
    if (this.#inner >= 15) r |= 64;
    this.#outer = Math.abs(v) > 1 ? this.#outer + 1 : 0;
    if (this.#outer >= 8) r |= 128;
    return r;
  }
}

/** Sample autocorrelation at lags 1…maxLag (biased estimator, Box & Jenkins). */
export function autocorrelation(x: ArrayLike<number>, maxLag: number): number[] {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i]!;
  m /= n;
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (x[i]! - m) ** 2;
  const out: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let ck = 0;
    for (let i = k; i < n; i++) ck += (x[i]! - m) * (x[i - k]! - m);
    out.push(c0 > 0 ? ck / c0 : 0);
  }
  return out;
}

export interface HonestLimits {
  /** lag-1 autocorrelation of the individual values, and of the subgroup means */
  r1_values: number;
  r1_means: number;
  /** |r1| beyond 2/√N: the independence behind the classical limits does not hold */
  autocorrelated: boolean;
  /** classical limits (σ from within subgroups, R̄/d₂): valid for independent data only */
  classical: Limits;
  /** batch-means limits: σ of the subgroup means from their own moving range */
  batch_means: Limits & { sigma_means: number };
  /** AR(1) residual chart of the individual values */
  ar1: { phi: number; mean: number; residuals: number[]; limits: Limits; sigma: number };
  /** which limits the dashboard draws, and why */
  method: 'classical' | 'batch means';
  note: string;
}

/**
 * Limits for the X̄ chart of subgroups of size n that stay honest when the data are autocorrelated
 * (see the module header). The classical limits are used when neither the values nor the means show
 * significant lag-1 autocorrelation; else the batch-means limits.
 */
export function honestLimits(x: ArrayLike<number>, n: number): HonestLimits {
  const { means, ranges } = subgroupStats(x, n);
  if (means.length < 3) throw new RangeError(`spc: need ≥ 3 subgroups (got ${means.length} of ${n})`);
  const kc = chartConstants(Math.min(10, Math.max(2, n)));
  const xbb = mean(means);
  const rbar = mean(ranges);
  const sw = rbar / kc.d2;
  const classical = { center: xbb, ucl: xbb + (3 * sw) / Math.sqrt(n), lcl: xbb - (3 * sw) / Math.sqrt(n) };
  const r1v = autocorrelation(x, 1)[0] ?? 0;
  const r1m = autocorrelation(means, 1)[0] ?? 0;
  let q = 0;
  for (const m of means) q += (m - xbb) ** 2;
  const sm = Math.sqrt(q / (means.length - 1));
  const batch = { center: xbb, ucl: xbb + 3 * sm, lcl: xbb - 3 * sm, sigma_means: sm };
  // AR(1) by least squares on the centred values
  const N = x.length;
  let mu = 0;
  for (let i = 0; i < N; i++) mu += x[i]!;
  mu /= N;
  let sxy = 0;
  let sxx = 0;
  for (let i = 1; i < N; i++) {
    sxy += (x[i]! - mu) * (x[i - 1]! - mu);
    sxx += (x[i - 1]! - mu) ** 2;
  }
  const phi = sxx > 0 ? sxy / sxx : 0;
  const res: number[] = [];
  for (let i = 1; i < N; i++) res.push(x[i]! - mu - phi * (x[i - 1]! - mu));
  const ir = individuals(res.length >= 2 ? res : [0, 0]);
  const autocorrelated = Math.abs(r1v) > 2 / Math.sqrt(N) || Math.abs(r1m) > 2 / Math.sqrt(means.length);
  return {
    r1_values: r1v,
    r1_means: r1m,
    autocorrelated,
    classical,
    batch_means: batch,
    ar1: { phi, mean: mu, residuals: res, limits: ir.x, sigma: ir.sigma },
    method: autocorrelated ? 'batch means' : 'classical',
    note: autocorrelated
      ? `lag-1 autocorrelation ${r1v.toFixed(2)} (values), ${r1m.toFixed(2)} (subgroup means): ` +
        `the within-subgroup σ understates the spread of the means, so the X̄ ` +
        `limits use the stationary σ of the means (batch means; Montgomery §10.4, Runger & ` +
        `Willemain 1996); the AR(1) residual chart (φ = ${phi.toFixed(2)}) shows special causes`
      : `no significant lag-1 autocorrelation (|r₁| ≤ 2/√N): classical Shewhart limits (σ = R̄/d₂)`,
  };
}

export interface Histogram {
  edges: number[];
  counts: number[];
  below_lsl: number;
  above_usl: number;
}

/**
 * The bars of a histogram of data in [lo, hi]: `bins` equal bins over the data and the spec limits within 3
 * data spans of it (a limit 10 spans away would squash the bars), padded by 2 % each side.
 */
export function histogramBars(
  lo: number,
  hi: number,
  bins: number,
  lsl?: number,
  usl?: number,
): { edges: number[]; lo: number; w: number } {
  const span = Math.max(hi - lo, 1e-12);
  if (lsl !== undefined && Number.isFinite(lsl) && lsl >= lo - 3 * span) lo = Math.min(lo, lsl);
  if (usl !== undefined && Number.isFinite(usl) && usl <= hi + 3 * span) hi = Math.max(hi, usl);
  if (!(hi > lo)) hi = lo + 1;
  const pad = (hi - lo) * 0.02;
  lo -= pad;
  hi += pad;
  const w = (hi - lo) / bins;
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * w), lo, w };
}

/** Histogram with `bins` equal bins spanning the data and the spec limits within 3 data spans of it. */
export function histogram(x: ArrayLike<number>, bins: number, lsl?: number, usl?: number): Histogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    lo = Math.min(lo, x[i]!);
    hi = Math.max(hi, x[i]!);
  }
  const { edges, lo: first, w } = histogramBars(lo, hi, bins, lsl, usl);
  lo = first;
  const counts = new Array<number>(bins).fill(0);
  let below = 0;
  let above = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / w)))]!++;
    if (lsl !== undefined && v < lsl) below++;
    if (usl !== undefined && v > usl) above++;
  }
  return { edges, counts, below_lsl: below, above_usl: above };
}

export interface CapabilityIndices {
  n: number;
  mean: number;
  sigma_within: number;
  sigma_overall: number;
  lsl: number | null;
  usl: number | null;
  /** potential (within σ) and performance (overall σ) indices; null when not defined (one-sided, σ = 0) */
  cp: number | null;
  cpk: number | null;
  pp: number | null;
  ppk: number | null;
}

/**
 * Cp, Cpk (σ within = R̄/d₂ of subgroups of n, AIAG SPC manual 2nd ed.) and Pp, Ppk (overall sample σ)
 * against [lsl, usl]; one-sided specs give only the *k indices (the one available side).
 */
export function capabilityIndices(x: ArrayLike<number>, lsl?: number, usl?: number, n = 5): CapabilityIndices {
  const N = x.length;
  let m = 0;
  for (let i = 0; i < N; i++) m += x[i]!;
  m /= N;
  let q = 0;
  for (let i = 0; i < N; i++) q += (x[i]! - m) ** 2;
  const so = N > 1 ? Math.sqrt(q / (N - 1)) : 0;
  const g = N >= 2 * n ? n : 2;
  const { ranges } = subgroupStats(x, g);
  const sw = ranges.length ? mean(ranges) / chartConstants(g).d2 : 0;
  const w = capabilityPair(m, sw, lsl, usl);
  const o = capabilityPair(m, so, lsl, usl);
  return {
    n: N,
    mean: m,
    sigma_within: sw,
    sigma_overall: so,
    lsl: lsl ?? null,
    usl: usl ?? null,
    cp: w.c,
    cpk: w.ck,
    pp: o.c,
    ppk: o.ck,
  };
}
