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

/** OU/AR(1) field on a regular grid; independent restarts at `resets` (ascending grid positions). */
export class Ar1Field {
  readonly values: Float64Array;
  constructor(
    readonly x0: number,
    readonly dx: number,
    n: number,
    sigma: number,
    corr: number,
    rng: Rng,
    resets: readonly number[] = [],
  ) {
    this.values = new Float64Array(n);
    if (sigma === 0 || n === 0) return;
    const rho = Math.exp(-dx / corr);
    const innov = sigma * Math.sqrt(1 - rho * rho);
    let r = 0;
    let x = sigma * rng.normal();
    for (let k = 0; k < n; k++) {
      const pos = x0 + k * dx;
      if (r < resets.length && pos >= resets[r]!) {
        while (r < resets.length && pos >= resets[r]!) r++;
        x = sigma * rng.normal();
      } else if (k > 0) {
        x = rho * x + innov * rng.normal();
      }
      this.values[k] = x;
    }
  }

  /** value at position p (linear interpolation; held beyond the ends) */
  at(p: number): number {
    const v = this.values;
    if (v.length === 0) return 0;
    const u = (p - this.x0) / this.dx;
    if (u <= 0) return v[0]!;
    if (u >= v.length - 1) return v[v.length - 1]!;
    const i = Math.floor(u);
    const f = u - i;
    return v[i]! * (1 - f) + v[i + 1]! * f;
  }

  /** mean over [a, b] (trapezoid over grid nodes, with the interpolated ends) */
  mean(a: number, b: number): number {
    if (this.values.length === 0) return 0;
    if (b <= a) return this.at(a);
    const ia = Math.ceil((a - this.x0) / this.dx);
    const ib = Math.floor((b - this.x0) / this.dx);
    let acc = 0;
    let prevP = a;
    let prevV = this.at(a);
    for (let i = ia; i <= ib; i++) {
      const p = this.x0 + i * this.dx;
      if (p <= a || p >= b) continue;
      const vi = this.values[Math.min(Math.max(i, 0), this.values.length - 1)]!;
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
      (scale * cfg.md_sigma_pct) / 100,
      cfg.md_correlation_m,
      rng.fork(),
      rollStarts.slice(1),
    );
    const cdRng = rng.fork();
    this.cd = rollStarts.map(() => {
      const prof = new Float64Array(lanes);
      for (let l = 0; l < lanes; l++) {
        prof[l] = cfg.cd_profile_pct
          ? (scale * (cfg.cd_profile_pct[l] ?? 0)) / 100
          : (scale * cfg.cd_sigma_pct * cdRng.normal()) / 100;
      }
      return prof;
    });
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

  /** mean relative force ripple from eccentricity over the web interval [xa, xb] that passed the nip */
  rippleMean(xa: number, xb: number): number {
    if (this.eccentricity === 0) return 0;
    const k = (2 * Math.PI) / this.circumference_m;
    if (xb - xa < 1e-12) return this.eccentricity * Math.sin(k * xa + this.phase);
    return (this.eccentricity * (Math.cos(k * xa + this.phase) - Math.cos(k * xb + this.phase))) / (k * (xb - xa));
  }
}
