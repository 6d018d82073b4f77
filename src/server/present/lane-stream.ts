/**
 * One lane's SPC for the Shift view, accumulated a value at a time in memory that grows with the
 * subgroups, never with the values: each full subgroup's mean and range (16 B, SubgroupSeries, as the
 * CLI's production shift keeps them) and its standard deviation (4 B, for the S chart's points only —
 * s̄ is a float64 running sum), running sums for the means, variances, lag-1 products and capability
 * (CapabilityStream: Welford), the last 5 001 values (individuals and AR(1) residual charts), and a
 * running histogram. A snapshot is one pass over the subgroup means (the retrospective limits, rules,
 * EWMA and CUSUM need every mean against the limits of the shift so far: Montgomery §6.2) and returns
 * at most `maxPoints` chart points per series (the CLI's min–max decimation, src/process/production/spc.ts
 * `chartPicks`), so its size does not grow with the shift.
 *
 * Equal to the whole-array functions of ./control-charts.ts and ./spc.ts for the same values, with two
 * stated differences on long lanes: (1) the AR(1) residual chart's σ is the moving range of the last
 * 5 000 residuals (its centre is exact, from the running sums), (2) beyond 4 096 values the histogram's
 * counts come from a 1 024-bin running histogram whose range doubles as the data need, so a value within
 * ≈ 1/8 of a bar of a bar's edge may be counted in the next bar (the below-LSL / above-USL counts are exact).
 */
import {
  CapabilityStream,
  EwmaStream,
  SubgroupSeries,
  WesternElectricStream,
  capabilityPair,
  chartConstants,
  chartPicks,
} from '../../process/production/spc.ts';
import {
  NELSON_KEYS,
  NelsonStream,
  c4,
  histogram,
  histogramBars,
  individuals,
  type Histogram,
  type Limits,
  type NelsonFlags,
} from '../../process/production/control-charts.ts';
import type { LaneSpc } from './shift.ts';

/** values kept for the individuals chart (and one more for the AR(1) residuals) */
export const TAIL_VALUES = 5000;
/** values histogrammed exactly before the running histogram takes over */
const RAW_HISTOGRAM = 4096;
/** bins of the running histogram (even) */
const FINE_BINS = 1024;
const HIST_BARS = 30;

export class LaneStream {
  readonly n: number;
  readonly #sg: SubgroupSeries;
  #sds = new Float32Array(0);
  #sdSum = 0;
  readonly #buf: Float64Array;
  #j = 0;
  readonly #cap: CapabilityStream;
  // shifted running sums (y = x − K, K the first value) for the lag-1 autocorrelation and the AR(1) fit
  #N = 0;
  #K = 0;
  #S1 = 0;
  #S2 = 0;
  #SL = 0;
  #y0 = 0;
  #yLast = 0;
  readonly #ring = new Float64Array(TAIL_VALUES + 1);
  #lo = Infinity;
  #hi = -Infinity;
  #below = 0;
  #above = 0;
  #raw: number[] | null = [];
  #o = 0;
  #w = 1;
  readonly #bins = new Float64Array(FINE_BINS);

  constructor(
    n: number,
    readonly lsl?: number,
    readonly usl?: number,
  ) {
    this.n = n;
    this.#sg = new SubgroupSeries(n);
    this.#buf = new Float64Array(n);
    this.#cap = new CapabilityStream(n);
  }

  /** values so far */
  get count(): number {
    return this.#N;
  }

  /**
   * numbers (8 B) this lane keeps: its fixed buffers plus 2.5 per full subgroup (mean and range 8 B each,
   * standard deviation 4 B; the typed arrays grow by doubling, so up to twice that is allocated)
   */
  held(): number {
    return 2.5 * this.#sg.subgroups + this.#ring.length + this.#bins.length + (this.#raw?.length ?? 0) + this.n;
  }

  push(x: number): void {
    if (this.#N === 0) this.#K = x;
    const y = x - this.#K;
    if (this.#N === 0) this.#y0 = y;
    else this.#SL += y * this.#yLast;
    this.#S1 += y;
    this.#S2 += y * y;
    this.#yLast = y;
    this.#ring[this.#N % this.#ring.length] = x;
    this.#N++;
    this.#cap.push(x);
    if (x < this.#lo) this.#lo = x;
    if (x > this.#hi) this.#hi = x;
    if (this.lsl !== undefined && x < this.lsl) this.#below++;
    if (this.usl !== undefined && x > this.usl) this.#above++;
    this.#histPush(x);
    // the subgroup's standard deviation as ./control-charts.ts `xbarS` has it (two-pass about its mean)
    this.#buf[this.#j++] = x;
    this.#sg.push(x);
    if (this.#j === this.n) {
      let s = 0;
      for (let i = 0; i < this.n; i++) s += this.#buf[i]!;
      const m = s / this.n;
      let q = 0;
      for (let i = 0; i < this.n; i++) q += (this.#buf[i]! - m) ** 2;
      const sd = Math.sqrt(q / (this.n - 1));
      const k = this.#sg.subgroups - 1;
      if (k === this.#sds.length) {
        const a = new Float32Array(Math.max(64, 2 * k));
        a.set(this.#sds);
        this.#sds = a;
      }
      this.#sds[k] = sd;
      this.#sdSum += sd;
      this.#j = 0;
    }
  }

  #histPush(x: number): void {
    if (this.#raw) {
      this.#raw.push(x);
      if (this.#raw.length < RAW_HISTOGRAM) return;
      const span = Math.max(this.#hi - this.#lo, 1e-9 * Math.max(1, Math.abs(this.#lo)));
      this.#o = this.#lo - span / 2;
      this.#w = (2 * span) / FINE_BINS;
      const raw = this.#raw;
      this.#raw = null;
      for (const v of raw) this.#histPush(v);
      return;
    }
    const B = FINE_BINS;
    const b = this.#bins;
    while (x < this.#o || x >= this.#o + B * this.#w) {
      if (x < this.#o) {
        // double to the left: old bin i → B/2 + ⌊i/2⌋
        for (let i = B / 2; i < B; i++) b[i] = b[2 * (i - B / 2)]! + b[2 * (i - B / 2) + 1]!;
        b.fill(0, 0, B / 2);
        this.#o -= B * this.#w;
      } else {
        // double to the right: old bin i → ⌊i/2⌋
        for (let i = 0; i < B / 2; i++) b[i] = b[2 * i]! + b[2 * i + 1]!;
        b.fill(0, B / 2);
      }
      this.#w *= 2;
    }
    b[Math.min(B - 1, Math.floor((x - this.#o) / this.#w))]!++;
  }

  #histogram(): Histogram {
    const { lsl, usl } = this;
    if (this.#raw) return histogram(this.#raw, HIST_BARS, lsl, usl);
    // the bars of ./control-charts.ts `histogram` (same edges), filled from the running bins' centres
    const { edges, lo, w } = histogramBars(this.#lo, this.#hi, HIST_BARS, lsl, usl);
    const counts = new Array<number>(HIST_BARS).fill(0);
    for (let i = 0; i < FINE_BINS; i++) {
      const c = this.#bins[i]!;
      if (c === 0) continue;
      const mid = this.#o + (i + 0.5) * this.#w;
      counts[Math.min(HIST_BARS - 1, Math.max(0, Math.floor((mid - lo) / w)))]! += c;
    }
    return { edges, counts, below_lsl: this.#below, above_usl: this.#above };
  }

  /** the last min(count, m) values, oldest first */
  #tail(m: number): number[] {
    const N = this.#N;
    const L = this.#ring.length;
    const k = Math.min(N, m);
    const out = new Array<number>(k);
    for (let i = 0; i < k; i++) out[i] = this.#ring[(N - k + i) % L]!;
    return out;
  }

  /** the lane's SPC block (null below three subgroups) */
  snapshot(lane: number, ewmaLambda: number, ewmaL: number, maxPoints: number): LaneSpc | null {
    const n = this.n;
    const N = this.#N;
    if (N < 3 * n) return null;
    const sg = this.#sg;
    const k = sg.subgroups;
    const ch = sg.limits();
    const xbb = ch.grand_mean;
    const rbar = ch.r_bar;
    // X̄–S (Montgomery §6.3)
    const cc = c4(n);
    const sbar = this.#sdSum / k;
    const A3 = 3 / (cc * Math.sqrt(n));
    const wS = (3 * Math.sqrt(1 - cc * cc)) / cc;
    // honest limits (./control-charts.ts honestLimits): classical, batch means, AR(1)
    const sw = rbar / chartConstants(Math.min(10, Math.max(2, n))).d2;
    const classical: Limits = { center: xbb, ucl: xbb + (3 * sw) / Math.sqrt(n), lcl: xbb - (3 * sw) / Math.sqrt(n) };
    let qm = 0;
    let c0m = 0;
    let c1m = 0;
    for (let g = 0; g < k; g++) {
      const d = sg.mean(g) - xbb;
      qm += d * d;
      c0m += d * d;
      if (g > 0) c1m += d * (sg.mean(g - 1) - xbb);
    }
    const sm = Math.sqrt(qm / (k - 1));
    const r1m = c0m > 0 ? c1m / c0m : 0;
    const batch = { center: xbb, ucl: xbb + 3 * sm, lcl: xbb - 3 * sm, sigma_means: sm };
    const nu = this.#S1 / N; // mean − K
    const mu = this.#K + nu;
    const sxy = this.#SL - nu * (this.#S1 - this.#y0) - nu * (this.#S1 - this.#yLast) + (N - 1) * nu * nu;
    const sxx = this.#S2 - this.#yLast ** 2 - 2 * nu * (this.#S1 - this.#yLast) + (N - 1) * nu * nu;
    const c0 = this.#S2 - 2 * nu * this.#S1 + N * nu * nu;
    const r1v = c0 > 0 ? sxy / c0 : 0;
    const phi = sxx > 0 ? sxy / sxx : 0;
    const win = this.#tail(TAIL_VALUES + 1);
    const res: number[] = [];
    for (let i = 1; i < win.length; i++) res.push(win[i]! - mu - phi * (win[i - 1]! - mu));
    const ir = individuals(res.length >= 2 ? res : [0, 0]);
    // the residuals' centre from all of them: Σᵢ₌₁ eᵢ = Σ(yᵢ − ν) − φ Σ(yᵢ₋₁ − ν)
    const resCenter = (this.#S1 - this.#y0 - (N - 1) * nu - phi * (this.#S1 - this.#yLast - (N - 1) * nu)) / (N - 1);
    const arLimits: Limits =
      N - 1 > res.length ? { center: resCenter, ucl: resCenter + 3 * ir.sigma, lcl: resCenter - 3 * ir.sigma } : ir.x;
    const autocorrelated = Math.abs(r1v) > 2 / Math.sqrt(N) || Math.abs(r1m) > 2 / Math.sqrt(k);
    const method = autocorrelated ? 'batch means' : 'classical';
    const lim = autocorrelated ? batch : classical;
    const sigmaMeans = (lim.ucl - lim.center) / 3;
    // one pass over the means: out-of-limit counts, the rules, EWMA and CUSUM, the charted points
    const picks = chartPicks(sg, maxPoints);
    const all = picks === 'all';
    const P = all ? k : picks.length;
    const subgroup: number[] = [];
    const means: number[] = [];
    const ranges: number[] = [];
    const sds: number[] = [];
    const ez: number[] = [];
    const eu: number[] = [];
    const el: number[] = [];
    const cup: number[] = [];
    const clo: number[] = [];
    const flags: NelsonFlags = {
      rule1: [],
      rule2: [],
      rule3: [],
      rule4: [],
      rule5: [],
      rule6: [],
      rule7: [],
      rule8: [],
    };
    const nelsonCounts = [0, 0, 0, 0, 0, 0, 0, 0];
    const weCounts = { rule1: 0, rule2: 0, rule3: 0, rule4: 0 };
    const we = new WesternElectricStream(lim.center, sigmaMeans);
    const ne = new NelsonStream(lim.center, sigmaMeans);
    const ew = new EwmaStream(lim.center, sigmaMeans, ewmaLambda, ewmaL);
    const K = 0.5 * sigmaMeans;
    const H = 5 * sigmaMeans;
    let cp = 0;
    let cm = 0;
    let ewOut = 0;
    let cuOut = 0;
    let classicalOut = 0;
    let honestOut = 0;
    let pi = 0;
    for (let g = 0; g < k; g++) {
      const m = sg.mean(g);
      if (m > classical.ucl || m < classical.lcl) classicalOut++;
      if (m > lim.ucl || m < lim.lcl) honestOut++;
      const w = we.push(m);
      if (w.rule1) weCounts.rule1++;
      if (w.rule2) weCounts.rule2++;
      if (w.rule3) weCounts.rule3++;
      if (w.rule4) weCounts.rule4++;
      const nr = ne.push(m);
      if (nr !== 0) for (let b = 0; b < 8; b++) if (nr & (1 << b)) nelsonCounts[b]!++;
      const e = ew.push(m);
      if (e.out) ewOut++;
      cp = Math.max(0, m - (lim.center + K) + cp);
      cm = Math.max(0, lim.center - K - m + cm);
      if (sigmaMeans > 0 && (cp > H || cm > H)) cuOut++;
      if (pi < P && (all || picks[pi] === g)) {
        pi++;
        subgroup.push(g + 1);
        means.push(m);
        ranges.push(sg.range(g));
        sds.push(this.#sds[g]!);
        ez.push(e.z);
        eu.push(e.ucl);
        el.push(e.lcl);
        cup.push(cp);
        clo.push(cm);
        if (nr !== 0) for (let b = 0; b < 8; b++) if (nr & (1 << b)) flags[NELSON_KEYS[b]!].push(g);
      }
    }
    const tail = this.#tail(TAIL_VALUES);
    const ind = individuals(tail);
    const capRes = this.#cap.result(this.lsl, this.usl);
    const pp = capabilityPair(capRes.mean, capRes.sigma_overall, this.lsl, this.usl);
    const counts = Object.fromEntries(NELSON_KEYS.map((key, b) => [key, nelsonCounts[b]!]));
    return {
      lane,
      n_values: N,
      subgroups: k,
      chart: {
        subgroup,
        decimated: all
          ? null
          : `the lowest and highest subgroup mean of each run of ${Math.ceil(k / Math.floor(maxPoints / 2))} ` +
            `subgroups (${means.length} of ${k} points; at most ${maxPoints}); flags are listed for these points, ` +
            `counted over all subgroups`,
      },
      xbar_r: { means, ranges, xbar: ch.xbar, r: ch.r, western_electric: weCounts },
      xbar_s: {
        sds,
        xbar: { center: xbb, ucl: xbb + A3 * sbar, lcl: xbb - A3 * sbar },
        s: { center: sbar, ucl: (1 + wS) * sbar, lcl: Math.max(0, 1 - wS) * sbar },
      },
      honest: {
        method,
        note: autocorrelated
          ? `lag-1 autocorrelation ${r1v.toFixed(2)} (values), ${r1m.toFixed(2)} (subgroup means): ` +
            `the within-subgroup σ understates the spread of the means, so the X̄ ` +
            `limits use the stationary σ of the means (batch means; Montgomery §10.4, Runger & ` +
            `Willemain 1996); the AR(1) residual chart (φ = ${phi.toFixed(2)}) shows special causes`
          : `no significant lag-1 autocorrelation (|r₁| ≤ 2/√N): classical Shewhart limits (σ = R̄/d₂)`,
        r1_values: r1v,
        r1_means: r1m,
        limits: lim,
        classical_out_of_control: classicalOut,
        honest_out_of_control: honestOut,
        ar1_phi: phi,
        ar1_residuals: res.length > TAIL_VALUES ? res.slice(-TAIL_VALUES) : res,
        ar1_limits: arLimits,
      },
      nelson: { flags, counts },
      individuals: {
        values: ind.values,
        moving_ranges: ind.moving_ranges,
        x: ind.x,
        mr: ind.mr,
        truncated: tail.length < N,
      },
      ewma: { z: ez, ucl: eu, lcl: el, center: lim.center, out_of_control: ewOut },
      cusum: { upper: cup, lower: clo, h: H, out_of_control: cuOut },
      capability: {
        n: capRes.n,
        mean: capRes.mean,
        sigma_within: capRes.sigma_within,
        sigma_overall: capRes.sigma_overall,
        lsl: this.lsl ?? null,
        usl: this.usl ?? null,
        cp: capRes.cp ?? null,
        cpk: capRes.cpk ?? null,
        pp: pp.c,
        ppk: capRes.ppk ?? null,
      },
      histogram: this.#histogram(),
    };
  }
}
