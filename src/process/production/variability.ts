/**
 * Variability sources of a production run, all from the seeded RNG:
 * - incoming sheet thickness in machine direction: a stationary Ornstein–Uhlenbeck process along each
 *   parent roll, sampled exactly on a grid as AR(1): x_{k+1} = ρx_k + σ√(1−ρ²)·ε, ρ = exp(−Δs/ℓ)
 *   (Uhlenbeck & Ornstein, Phys. Rev. 36 (1930) 823; exact discretisation e.g. Gillespie, Phys. Rev. E 54
 *   (1996) 2084). Every new roll starts an independent realisation drawn from the stationary law;
 * - cross direction: a per-roll, per-lane profile N(0, σ_CD²) (or the recipe's explicit profile);
 * - roll force and nip temperature: OU processes in time per station;
 * - roll eccentricity: a force ripple F·e·sin(2πx/(πD) + φ) at one roll revolution (process-models §3.1:
 *   "tension from roll eccentricity also becomes a force ripple in the nip").
 * Fields are relative deviations (fraction of nominal) except temperature (K).
 */
import type { Rng } from '../../numerics/rng.ts';
import type { SheetVariability } from './config.ts';
import { fromPct } from '../../units/index.ts';

/** grid values generated (and released) per block of a field */
const BLOCK = 4096;

/**
 * OU/AR(1) field on a regular grid of n nodes; independent restarts at `resets` (ascending grid
 * positions). The values are generated lazily, block by block in grid order, from the field's own RNG
 * stream, so they are the same whatever the order of the reads; blocks wholly before a position given to
 * `release` are dropped, so a caller that reads along the web in order holds only a window of the field
 * (memory bounded whatever the web's length).
 */
export class Ar1Field {
  readonly length: number;
  readonly #sigma: number;
  readonly #rho: number;
  readonly #innov: number;
  readonly #rng: Rng;
  readonly #resets: readonly number[];
  /** blocks #first … #first + #blocks.length − 1 */
  #blocks: Float64Array[] = [];
  #first = 0;
  /** next grid node to generate, the AR(1) state and the next restart */
  #k = 0;
  #x = 0;
  #r = 0;
  constructor(
    readonly x0: number,
    readonly dx: number,
    n: number,
    sigma: number,
    corr: number,
    rng: Rng,
    resets: readonly number[] = [],
  ) {
    this.length = n;
    this.#sigma = sigma;
    this.#rho = Math.exp(-dx / corr);
    this.#innov = sigma * Math.sqrt(1 - this.#rho * this.#rho);
    this.#rng = rng;
    this.#resets = resets;
  }

  /** the value at grid node i (0 ≤ i < length) */
  value(i: number): number {
    if (this.#sigma === 0) return 0;
    const b = Math.floor(i / BLOCK);
    while (b >= this.#first + this.#blocks.length) this.#generate();
    if (b < this.#first)
      throw new Error(`Ar1Field: node ${i} was released (fields are read along the web in order; a defect)`);
    return this.#blocks[b - this.#first]![i - b * BLOCK]!;
  }

  #generate(): void {
    const n = this.length;
    const block = new Float64Array(BLOCK);
    const rng = this.#rng;
    const resets = this.#resets;
    const end = Math.min(n, this.#k + BLOCK);
    let x = this.#x;
    let r = this.#r;
    for (let k = this.#k, j = 0; k < end; k++, j++) {
      const pos = this.x0 + k * this.dx;
      if (k === 0) x = this.#sigma * rng.normal();
      if (r < resets.length && pos >= resets[r]!) {
        while (r < resets.length && pos >= resets[r]!) r++;
        x = this.#sigma * rng.normal();
      } else if (k > 0) {
        x = this.#rho * x + this.#innov * rng.normal();
      }
      block[j] = x;
    }
    this.#k = Math.max(end, this.#k + BLOCK);
    this.#x = x;
    this.#r = r;
    this.#blocks.push(block);
  }

  /** grid nodes held in memory now (generated and not released) */
  get held(): number {
    return this.#blocks.length * BLOCK;
  }

  /** the field is read no more before position p: blocks wholly before it are dropped */
  release(p: number): void {
    const i = Math.floor((p - this.x0) / this.dx) - 1;
    const b = Math.floor(i / BLOCK);
    while (this.#first < b && this.#blocks.length > 0) {
      this.#blocks.shift();
      this.#first++;
    }
  }

  /** value at position p (linear interpolation; held beyond the ends) */
  at(p: number): number {
    const n = this.length;
    if (n === 0) return 0;
    const u = (p - this.x0) / this.dx;
    if (u <= 0) return this.value(0);
    if (u >= n - 1) return this.value(n - 1);
    const i = Math.floor(u);
    const f = u - i;
    return this.value(i) * (1 - f) + this.value(i + 1) * f;
  }

  /** mean over [a, b] (trapezoid over grid nodes, with the interpolated ends) */
  mean(a: number, b: number): number {
    const n = this.length;
    if (n === 0) return 0;
    if (b <= a) return this.at(a);
    const ia = Math.ceil((a - this.x0) / this.dx);
    const ib = Math.floor((b - this.x0) / this.dx);
    let acc = 0;
    let prevP = a;
    let prevV = this.at(a);
    for (let i = ia; i <= ib; i++) {
      const p = this.x0 + i * this.dx;
      if (p <= a || p >= b) continue;
      const vi = this.value(Math.min(Math.max(i, 0), n - 1));
      acc += 0.5 * (prevV + vi) * (p - prevP);
      prevP = p;
      prevV = vi;
    }
    const vb = this.at(b);
    acc += 0.5 * (prevV + vb) * (b - prevP);
    return acc / (b - a);
  }
}

/** MD field + per-roll CD profile of one sheet layer (relative deviations). */
export class SheetField {
  readonly md: Ar1Field;
  /** cd[roll][lane] */
  readonly cd: Float64Array[];
  constructor(
    cfg: SheetVariability,
    scale: number,
    length_m: number,
    dx: number,
    rollStarts: readonly number[],
    lanes: number,
    rng: Rng,
  ) {
    const n = Math.max(2, Math.ceil(length_m / dx) + 2);
    this.md = new Ar1Field(
      0,
      dx,
      n,
      fromPct(scale * cfg.md_sigma_pct),
      cfg.md_correlation_m,
      rng.fork(),
      rollStarts.slice(1),
    );
    const cdRng = rng.fork();
    this.cd = rollStarts.map(() => {
      const prof = new Float64Array(lanes);
      for (let l = 0; l < lanes; l++) {
        prof[l] = cfg.cd_profile_pct
          ? fromPct(scale * (cfg.cd_profile_pct[l] ?? 0))
          : fromPct(scale * cfg.cd_sigma_pct * cdRng.normal());
      }
      return prof;
    });
  }

  /** the MD field is read no more before web position p (m) */
  release(p: number): void {
    this.md.release(p);
  }
}

/** Force (relative) and temperature (K) fluctuations of one station in time. */
export class StationSignal {
  readonly force: Ar1Field;
  readonly temperature: Ar1Field;
  readonly phase: number;
  constructor(
    forceSigma: number,
    tempSigma_K: number,
    corr_s: number,
    readonly eccentricity: number,
    readonly circumference_m: number,
    duration_s: number,
    rng: Rng,
  ) {
    const dt = Math.min(1, corr_s / 10);
    const n = Math.max(2, Math.ceil(duration_s / dt) + 2);
    this.force = new Ar1Field(0, dt, n, forceSigma, corr_s, rng.fork());
    this.temperature = new Ar1Field(0, dt, n, tempSigma_K, corr_s, rng.fork());
    this.phase = 2 * Math.PI * rng.uniform();
  }

  /** the signals are read no more before time t (s) */
  release(t: number): void {
    this.force.release(t);
    this.temperature.release(t);
  }

  /** mean relative force ripple from eccentricity over the web interval [xa, xb] that passed the nip */
  rippleMean(xa: number, xb: number): number {
    if (this.eccentricity === 0) return 0;
    const k = (2 * Math.PI) / this.circumference_m;
    if (xb - xa < 1e-12) return this.eccentricity * Math.sin(k * xa + this.phase);
    return (this.eccentricity * (Math.cos(k * xa + this.phase) - Math.cos(k * xb + this.phase))) / (k * (xb - xa));
  }
}
