import { problem } from '../../problems.ts';
/**
 * Statistical process control: X̄–R charts, EWMA charts, process capability.
 *
 * Control-chart constants for subgroup size n (A₂, D₃, D₄, d₂, d₃): Montgomery, *Introduction to
 * Statistical Quality Control*, 7th ed. (Wiley 2013), Appendix Table VI; identical to ASTM MNL 7A,
 * *Manual on Presentation of Data and Control Chart Analysis* (8th ed. 2010), Table 49. A₂ = 3/(d₂√n),
 * D₃ = max(0, 1 − 3d₃/d₂), D₄ = 1 + 3d₃/d₂ (the tabulated values are these, rounded to 3 decimals).
 * EWMA: z_i = λx_i + (1−λ)z_{i−1}, limits μ₀ ± Lσ√(λ/(2−λ)·(1−(1−λ)^{2i})) (Montgomery §9.2).
 * Capability: Cp = (USL−LSL)/6σ̂, Cpk = min(USL−μ, μ−LSL)/3σ̂ with σ̂ = R̄/d₂ (within), Ppk with the
 * overall sample σ (AIAG SPC manual, 2nd ed. 2005). One-sided specs give Cpu or Cpl only.
 */

export interface ChartConstants {
  n: number;
  A2: number;
  D3: number;
  D4: number;
  d2: number;
  d3: number;
}

/** Montgomery (2013) Appendix VI / ASTM MNL 7A, n = 2…10 */
export const CHART_CONSTANTS: Readonly<Record<number, ChartConstants>> = {
  2: { n: 2, A2: 1.88, D3: 0, D4: 3.267, d2: 1.128, d3: 0.853 },
  3: { n: 3, A2: 1.023, D3: 0, D4: 2.574, d2: 1.693, d3: 0.888 },
  4: { n: 4, A2: 0.729, D3: 0, D4: 2.282, d2: 2.059, d3: 0.88 },
  5: { n: 5, A2: 0.577, D3: 0, D4: 2.114, d2: 2.326, d3: 0.864 },
  6: { n: 6, A2: 0.483, D3: 0, D4: 2.004, d2: 2.534, d3: 0.848 },
  7: { n: 7, A2: 0.419, D3: 0.076, D4: 1.924, d2: 2.704, d3: 0.833 },
  8: { n: 8, A2: 0.373, D3: 0.136, D4: 1.864, d2: 2.847, d3: 0.82 },
  9: { n: 9, A2: 0.337, D3: 0.184, D4: 1.816, d2: 2.97, d3: 0.808 },
  10: { n: 10, A2: 0.308, D3: 0.223, D4: 1.777, d2: 3.078, d3: 0.797 },
};

export function chartConstants(n: number): ChartConstants {
  const c = CHART_CONSTANTS[n];
  if (!c) throw problem('spc.subgroup_size', 'no tabulated constants', String(n), 'integer 2..10');
  return c;
}

export interface XbarRChart {
  n: number;
  subgroups: number;
  grand_mean: number;
  r_bar: number;
  sigma_within: number;
  xbar: { center: number; ucl: number; lcl: number };
  r: { center: number; ucl: number; lcl: number };
  means: number[];
  ranges: number[];
  /** indices of subgroups whose mean or range falls outside its limits (Western Electric rule 1) */
  out_of_control: number[];
}

/** X̄–R chart of consecutive subgroups of size n (a trailing incomplete subgroup is dropped). */
export function xbarR(data: ArrayLike<number>, n: number): XbarRChart {
  const c = chartConstants(n);
  const k = Math.floor(data.length / n);
  if (k < 1) throw problem('spc', 'need at least one full subgroup', `${data.length} values`, `≥ ${n}`);
  const means: number[] = new Array(k);
  const ranges: number[] = new Array(k);
  for (let g = 0; g < k; g++) {
    let s = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < n; j++) {
      const x = data[g * n + j]!;
      s += x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    means[g] = s / n;
    ranges[g] = hi - lo;
  }
  const xbb = means.reduce((a, b) => a + b, 0) / k;
  const rbar = ranges.reduce((a, b) => a + b, 0) / k;
  const xbar = { center: xbb, ucl: xbb + c.A2 * rbar, lcl: xbb - c.A2 * rbar };
  const r = { center: rbar, ucl: c.D4 * rbar, lcl: c.D3 * rbar };
  const eps = 1e-12 * (Math.abs(xbb) + rbar);
  const ooc: number[] = [];
  for (let g = 0; g < k; g++) {
    if (
      means[g]! > xbar.ucl + eps ||
      means[g]! < xbar.lcl - eps ||
      ranges[g]! > r.ucl + eps ||
      ranges[g]! < r.lcl - eps
    )
      ooc.push(g);
  }
  return {
    n,
    subgroups: k,
    grand_mean: xbb,
    r_bar: rbar,
    sigma_within: rbar / c.d2,
    xbar,
    r,
    means,
    ranges,
    out_of_control: ooc,
  };
}

export interface EwmaChart {
  lambda: number;
  L: number;
  target: number;
  sigma: number;
  z: number[];
  ucl: number[];
  lcl: number[];
  out_of_control: number[];
}

/** EWMA chart of individual values (or subgroup means with sigma = σ/√n). */
export function ewma(data: ArrayLike<number>, target: number, sigma: number, lambda: number, L: number): EwmaChart {
  if (!(lambda > 0 && lambda <= 1)) throw problem('spc.ewma_lambda', 'out of range', String(lambda), '0 < λ ≤ 1');
  const z: number[] = [];
  const ucl: number[] = [];
  const lcl: number[] = [];
  const ooc: number[] = [];
  let zi = target;
  let w = 1;
  for (let i = 0; i < data.length; i++) {
    zi = lambda * data[i]! + (1 - lambda) * zi;
    w *= (1 - lambda) * (1 - lambda);
    const h = L * sigma * Math.sqrt((lambda / (2 - lambda)) * (1 - w));
    z.push(zi);
    ucl.push(target + h);
    lcl.push(target - h);
    if (zi > target + h || zi < target - h) ooc.push(i);
  }
  return { lambda, L, target, sigma, z, ucl, lcl, out_of_control: ooc };
}

export interface Capability {
  n: number;
  mean: number;
  sigma_within: number;
  sigma_overall: number;
  lsl?: number;
  usl?: number;
  /** two-sided only */
  cp?: number;
  /** min of the available one-sided indices */
  cpk?: number;
  ppk?: number;
}

function sampleSigma(x: ArrayLike<number>): { mean: number; sd: number } {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  const mean = s / x.length;
  let q = 0;
  for (let i = 0; i < x.length; i++) q += (x[i]! - mean) ** 2;
  return { mean, sd: x.length > 1 ? Math.sqrt(q / (x.length - 1)) : 0 };
}

/**
 * Capability of `x` against [lsl, usl] (either may be absent). σ_within = R̄/d₂ from consecutive
 * subgroups of size n (moving range of 2 if fewer than n values). Indices are omitted (undefined) when σ = 0.
 */
export function capability(x: ArrayLike<number>, lsl: number | undefined, usl: number | undefined, n = 5): Capability {
  const { mean, sd } = sampleSigma(x);
  let sw = 0;
  if (x.length >= 2 * n) sw = xbarR(x, n).sigma_within;
  else if (x.length >= 2) sw = xbarR(x, 2).sigma_within;
  const out: Capability = { n: x.length, mean, sigma_within: sw, sigma_overall: sd };
  if (lsl !== undefined) out.lsl = lsl;
  if (usl !== undefined) out.usl = usl;
  const w = capabilityPair(mean, sw, lsl, usl);
  if (w.c !== null) out.cp = w.c;
  if (w.ck !== null) out.cpk = w.ck;
  const o = capabilityPair(mean, sd, lsl, usl);
  if (o.ck !== null) out.ppk = o.ck;
  return out;
}

/**
 * The two capability indices of a process of mean μ and σ against [lsl, usl] (either may be absent):
 * c = (USL−LSL)/6σ (two-sided specs only) and ck = min(USL−μ, μ−LSL)/3σ over the sides given — Cp/Cpk
 * with σ within, Pp/Ppk with σ overall (AIAG SPC manual, 2nd ed. 2005). null where not defined (σ ≤ 0).
 */
export function capabilityPair(
  mean: number,
  sigma: number,
  lsl: number | undefined,
  usl: number | undefined,
): { c: number | null; ck: number | null } {
  if (!(sigma > 0)) return { c: null, ck: null };
  const parts: number[] = [];
  if (usl !== undefined) parts.push((usl - mean) / (3 * sigma));
  if (lsl !== undefined) parts.push((mean - lsl) / (3 * sigma));
  return {
    c: usl !== undefined && lsl !== undefined ? (usl - lsl) / (6 * sigma) : null,
    ck: parts.length ? Math.min(...parts) : null,
  };
}

export interface RuleViolations {
  /** rule 1: one point beyond 3σ */
  rule1: number[];
  /** rule 2: two of three consecutive points beyond 2σ on the same side (index of the third) */
  rule2: number[];
  /** rule 3: four of five consecutive points beyond 1σ on the same side (index of the fifth) */
  rule3: number[];
  /** rule 4: eight consecutive points on the same side of the centre line (index of the eighth) */
  rule4: number[];
}

/**
 * Western Electric run rules (Western Electric, *Statistical Quality Control Handbook*, 1956; Montgomery
 * §5.3.6) on a chart of points x with centre c and the points' own σ (for X̄: σ̂/√n = A₂R̄/3).
 */
export function westernElectric(x: ArrayLike<number>, c: number, sigma: number): RuleViolations {
  const out: RuleViolations = { rule1: [], rule2: [], rule3: [], rule4: [] };
  if (!(sigma > 0)) return out;
  const z = Array.from({ length: x.length }, (_, i) => (x[i]! - c) / sigma);
  const count = (from: number, to: number, pred: (v: number) => boolean): number => {
    let k = 0;
    for (let j = Math.max(0, from); j <= to; j++) if (pred(z[j]!)) k++;
    return k;
  };
  for (let i = 0; i < z.length; i++) {
    if (Math.abs(z[i]!) > 3) out.rule1.push(i);
    if (i >= 2 && (count(i - 2, i, (v) => v > 2) >= 2 || count(i - 2, i, (v) => v < -2) >= 2)) out.rule2.push(i);
    if (i >= 4 && (count(i - 4, i, (v) => v > 1) >= 4 || count(i - 4, i, (v) => v < -1) >= 4)) out.rule3.push(i);
    if (i >= 7 && (count(i - 7, i, (v) => v > 0) === 8 || count(i - 7, i, (v) => v < 0) === 8)) out.rule4.push(i);
  }
  return out;
}
