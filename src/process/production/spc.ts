import { z } from 'zod';
import { assetChecked } from '../../assets.ts';
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

/** the tabulated constants, n = 2…10 (Montgomery 2013 Appendix VI / ASTM MNL 7A: source in the file) */
export const CHART_CONSTANTS_FILE = 'spc/chart-constants.json';

const constantsFile = z.object({
  source: z.string().min(1),
  note: z.string(),
  constants: z
    .array(
      z.strictObject({
        n: z.number().int().gte(2),
        A2: z.number().gt(0),
        D3: z.number().gte(0),
        D4: z.number().gt(1),
        d2: z.number().gt(0),
        d3: z.number().gt(0),
      }),
    )
    .min(1),
});

let table: Readonly<Record<number, ChartConstants>> | undefined;

/** the control-chart constants by subgroup size (data/spc/chart-constants.json), read and checked once */
export function chartConstantsTable(): Readonly<Record<number, ChartConstants>> {
  if (!table) {
    const data = assetChecked(constantsFile, CHART_CONSTANTS_FILE);
    table = Object.freeze(Object.fromEntries(data.constants.map((c) => [c.n, Object.freeze(c)])));
  }
  return table;
}

export function chartConstants(n: number): ChartConstants {
  const c = chartConstantsTable()[n];
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

/**
 * Consecutive subgroups of size n formed online (a trailing incomplete subgroup is not counted): each value
 * in, and for each full subgroup its mean and range kept in a typed array (16 bytes per subgroup; with
 * `keep: false` only the running sums, for σ_within). The X̄–R limits are those of the whole series
 * (a retrospective, phase-I analysis of the shift: Montgomery §6.2), so they are known at the end.
 */
export class SubgroupSeries {
  readonly n: number;
  readonly #c: ChartConstants;
  readonly #keep: boolean;
  #means = new Float64Array(0);
  #ranges = new Float64Array(0);
  #k = 0;
  #sumMeans = 0;
  #sumRanges = 0;
  #j = 0;
  #s = 0;
  #lo = Infinity;
  #hi = -Infinity;
  constructor(n: number, o: { keep?: boolean } = {}) {
    this.#c = chartConstants(n);
    this.n = n;
    this.#keep = o.keep !== false;
  }

  push(x: number): void {
    this.#s += x;
    if (x < this.#lo) this.#lo = x;
    if (x > this.#hi) this.#hi = x;
    if (++this.#j < this.n) return;
    const mean = this.#s / this.n;
    const range = this.#hi - this.#lo;
    if (this.#keep) {
      if (this.#k === this.#means.length) {
        const cap = Math.max(64, 2 * this.#k);
        const m = new Float64Array(cap);
        const r = new Float64Array(cap);
        m.set(this.#means);
        r.set(this.#ranges);
        this.#means = m;
        this.#ranges = r;
      }
      this.#means[this.#k] = mean;
      this.#ranges[this.#k] = range;
    }
    this.#k++;
    this.#sumMeans += mean;
    this.#sumRanges += range;
    this.#j = 0;
    this.#s = 0;
    this.#lo = Infinity;
    this.#hi = -Infinity;
  }

  /** full subgroups so far */
  get subgroups(): number {
    return this.#k;
  }
  /** mean of subgroup g (kept series only) */
  mean(g: number): number {
    return this.#means[g]!;
  }
  /** range of subgroup g (kept series only) */
  range(g: number): number {
    return this.#ranges[g]!;
  }
  /** R̄ (0 before the first subgroup) */
  get rBar(): number {
    return this.#k > 0 ? this.#sumRanges / this.#k : 0;
  }

  /** the X̄–R limits of the subgroups so far (at least one) */
  limits(): Omit<XbarRChart, 'means' | 'ranges' | 'out_of_control'> {
    const k = this.#k;
    if (k < 1) throw problem('spc', 'need at least one full subgroup', `${this.#j} values`, `≥ ${this.n}`);
    const c = this.#c;
    const xbb = this.#sumMeans / k;
    const rbar = this.#sumRanges / k;
    return {
      n: this.n,
      subgroups: k,
      grand_mean: xbb,
      r_bar: rbar,
      sigma_within: rbar / c.d2,
      xbar: { center: xbb, ucl: xbb + c.A2 * rbar, lcl: xbb - c.A2 * rbar },
      r: { center: rbar, ucl: c.D4 * rbar, lcl: c.D3 * rbar },
    };
  }

  /** whether subgroup g's mean or range falls outside the limits `lim` (Western Electric rule 1) */
  outOfControl(g: number, lim: Omit<XbarRChart, 'means' | 'ranges' | 'out_of_control'>): boolean {
    const eps = 1e-12 * (Math.abs(lim.grand_mean) + lim.r_bar);
    const m = this.#means[g]!;
    const r = this.#ranges[g]!;
    return m > lim.xbar.ucl + eps || m < lim.xbar.lcl - eps || r > lim.r.ucl + eps || r < lim.r.lcl - eps;
  }
}

/** X̄–R chart of consecutive subgroups of size n (a trailing incomplete subgroup is dropped). */
export function xbarR(data: ArrayLike<number>, n: number): XbarRChart {
  const sg = new SubgroupSeries(n);
  for (let i = 0; i < data.length; i++) sg.push(data[i]!);
  const lim = sg.limits();
  const k = sg.subgroups;
  const means: number[] = new Array(k);
  const ranges: number[] = new Array(k);
  const ooc: number[] = [];
  for (let g = 0; g < k; g++) {
    means[g] = sg.mean(g);
    ranges[g] = sg.range(g);
    if (sg.outOfControl(g, lim)) ooc.push(g);
  }
  return { ...lim, means, ranges, out_of_control: ooc };
}

/**
 * The subgroups a control chart of at most `max` points draws: all of them ('all'), or beyond `max` the
 * lowest and the highest mean of each run of ⌈k / ⌊max/2⌋⌉ consecutive subgroups (min–max decimation keeps
 * every excursion visible), as ascending subgroup indices.
 */
export function chartPicks(sg: Pick<SubgroupSeries, 'subgroups' | 'mean'>, max: number): 'all' | number[] {
  const k = sg.subgroups;
  if (k <= max) return 'all';
  const run = Math.ceil(k / Math.floor(max / 2));
  const out: number[] = [];
  for (let g0 = 0; g0 < k; g0 += run) {
    let lo = g0;
    let hi = g0;
    for (let g = g0 + 1; g < Math.min(k, g0 + run); g++) {
      if (sg.mean(g) < sg.mean(lo)) lo = g;
      if (sg.mean(g) > sg.mean(hi)) hi = g;
    }
    if (lo === hi) out.push(lo);
    else out.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  return out;
}

/** one subgroup of a lane's X̄–R and EWMA charts */
export interface SubgroupPoint {
  /** 0-based subgroup index */
  g: number;
  mean: number;
  range: number;
  /** mean or range outside the series' X̄–R limits (Western Electric rule 1) */
  outOfControl: boolean;
  /** the EWMA of the means so far, its limits and whether it is outside them */
  ewma: { z: number; ucl: number; lcl: number; out: boolean };
}

/**
 * Every subgroup of a series against the series' own X̄–R limits `lim` (sg.limits()), with the EWMA of the
 * means (target X̿, σ = σ_within/√n, weight λ, width L): the points the production block's charts draw
 * (decimated beyond its chart size) and count, and the SPC export writes (every one).
 */
export function* subgroupPoints(
  sg: SubgroupSeries,
  lim: ReturnType<SubgroupSeries['limits']>,
  lambda: number,
  L: number,
): Generator<SubgroupPoint> {
  const ew = new EwmaStream(lim.grand_mean, lim.sigma_within / Math.sqrt(sg.n), lambda, L);
  for (let g = 0; g < lim.subgroups; g++) {
    const mean = sg.mean(g);
    yield { g, mean, range: sg.range(g), outOfControl: sg.outOfControl(g, lim), ewma: ew.push(mean) };
  }
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

/** An EWMA chart point by point: `push` returns the point's statistic, its limits and whether it is outside. */
export class EwmaStream {
  #z: number;
  #w = 1;
  constructor(
    readonly target: number,
    readonly sigma: number,
    readonly lambda: number,
    readonly L: number,
  ) {
    if (!(lambda > 0 && lambda <= 1)) throw problem('spc.ewma_lambda', 'out of range', String(lambda), '0 < λ ≤ 1');
    this.#z = target;
  }

  push(x: number): { z: number; ucl: number; lcl: number; out: boolean } {
    const lambda = this.lambda;
    this.#z = lambda * x + (1 - lambda) * this.#z;
    this.#w *= (1 - lambda) * (1 - lambda);
    const h = this.L * this.sigma * Math.sqrt((lambda / (2 - lambda)) * (1 - this.#w));
    const z = this.#z;
    return { z, ucl: this.target + h, lcl: this.target - h, out: z > this.target + h || z < this.target - h };
  }
}

/** EWMA chart of individual values (or subgroup means with sigma = σ/√n). */
export function ewma(data: ArrayLike<number>, target: number, sigma: number, lambda: number, L: number): EwmaChart {
  const e = new EwmaStream(target, sigma, lambda, L);
  const z: number[] = [];
  const ucl: number[] = [];
  const lcl: number[] = [];
  const ooc: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const p = e.push(data[i]!);
    z.push(p.z);
    ucl.push(p.ucl);
    lcl.push(p.lcl);
    if (p.out) ooc.push(i);
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
  return capabilityOf(x.length, mean, sw, sd, lsl, usl);
}

function capabilityOf(
  len: number,
  mean: number,
  sw: number,
  sd: number,
  lsl: number | undefined,
  usl: number | undefined,
): Capability {
  const out: Capability = { n: len, mean, sigma_within: sw, sigma_overall: sd };
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
 * `capability` of a series seen one value at a time, in memory that does not grow with it: the mean is
 * the running sum over the count (the same figure), σ_overall by Welford's update (B. P. Welford,
 * Technometrics 4 (1962) 419: equal to the two-pass σ to rounding, ≈ 1e-15 relative), σ_within from
 * running range sums of subgroups of n and of 2.
 */
export class CapabilityStream {
  #len = 0;
  #sum = 0;
  #wMean = 0;
  #m2 = 0;
  readonly #byN: SubgroupSeries;
  readonly #by2: SubgroupSeries;
  constructor(readonly n = 5) {
    this.#byN = new SubgroupSeries(n, { keep: false });
    this.#by2 = new SubgroupSeries(2, { keep: false });
  }

  push(x: number): void {
    this.#len++;
    this.#sum += x;
    const d = x - this.#wMean;
    this.#wMean += d / this.#len;
    this.#m2 += d * (x - this.#wMean);
    this.#byN.push(x);
    this.#by2.push(x);
  }

  get count(): number {
    return this.#len;
  }
  /** mean so far (Σx / count, as `capability` has it) */
  get mean(): number {
    return this.#sum / this.#len;
  }
  /** sample standard deviation so far (0 below two values) */
  get sd(): number {
    return this.#len > 1 ? Math.sqrt(this.#m2 / (this.#len - 1)) : 0;
  }
  /** sample variance so far (0 below two values) */
  get variance(): number {
    return this.#len > 1 ? this.#m2 / (this.#len - 1) : 0;
  }

  result(lsl: number | undefined, usl: number | undefined): Capability {
    const len = this.#len;
    let sw = 0;
    if (len >= 2 * this.n) sw = this.#byN.rBar / chartConstants(this.n).d2;
    else if (len >= 2) sw = this.#by2.rBar / chartConstants(2).d2;
    return capabilityOf(len, this.mean, sw, this.sd, lsl, usl);
  }
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
  const we = new WesternElectricStream(c, sigma);
  for (let i = 0; i < x.length; i++) {
    const f = we.push(x[i]!);
    if (f.rule1) out.rule1.push(i);
    if (f.rule2) out.rule2.push(i);
    if (f.rule3) out.rule3.push(i);
    if (f.rule4) out.rule4.push(i);
  }
  return out;
}

/** The Western Electric rules point by point (the last eight points kept): which rules the new point ends. */
export class WesternElectricStream {
  readonly #z = new Float64Array(8);
  #i = 0;
  constructor(
    readonly c: number,
    readonly sigma: number,
  ) {}

  push(x: number): { rule1: boolean; rule2: boolean; rule3: boolean; rule4: boolean } {
    const i = this.#i++;
    if (!(this.sigma > 0)) return { rule1: false, rule2: false, rule3: false, rule4: false };
    const z = this.#z;
    z[i & 7] = (x - this.c) / this.sigma;
    // counts over the last 3, 5 and 8 points (no closures: this runs once per subgroup per snapshot)
    let hi2 = 0;
    let lo2 = 0;
    let hi1 = 0;
    let lo1 = 0;
    let pos = 0;
    let neg = 0;
    for (let j = Math.max(0, i - 7); j <= i; j++) {
      const v = z[j & 7]!;
      if (j >= i - 2) {
        if (v > 2) hi2++;
        else if (v < -2) lo2++;
      }
      if (j >= i - 4) {
        if (v > 1) hi1++;
        else if (v < -1) lo1++;
      }
      if (v > 0) pos++;
      else if (v < 0) neg++;
    }
    const zi = z[i & 7]!;
    return {
      rule1: Math.abs(zi) > 3,
      rule2: i >= 2 && (hi2 >= 2 || lo2 >= 2),
      rule3: i >= 4 && (hi1 >= 4 || lo1 >= 4),
      rule4: i >= 7 && (pos === 8 || neg === 8),
    };
  }
}
