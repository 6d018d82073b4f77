/**
 * Seeded pseudo-random numbers (production runs, cell-to-cell spread, profiles): xoshiro128** (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 47 (2021) 36, doi:10.1145/3460772), seeded through
 * splitmix32 (a 32-bit variant of Steele, Lea & Flood's SplitMix, OOPSLA 2014, doi:10.1145/2660193.2660195).
 *
 * Only 32-bit integer arithmetic (Math.imul, >>>) is used for the state, so the integer stream is
 * bit-identical on every platform; uniforms are k/2³² exactly. Normals use the Marsaglia polar method
 * (one Math.log + one Math.sqrt per pair, no trigonometry).
 */

/** splitmix32 step: returns [next state, output]. */
function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [state, z >>> 0];
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  /** `seed`: any finite number; its integer part (mod 2³²) and fractional bits are both used. */
  constructor(seed: number) {
    if (!Number.isFinite(seed))
      throw new RangeError(`seed: must be a finite number (got ${seed}; allowed finite integer)`);
    const lo = Math.floor(seed) >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let st = lo ^ Math.imul(hi, 0x27d4eb2d);
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [s, z] = splitmix32(st);
      st = s;
      out.push(z);
    }
    this.s0 = out[0]!;
    this.s1 = out[1]!;
    this.s2 = out[2]!;
    this.s3 = out[3]!;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero state is forbidden
  }

  /** next 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** uniform in [0, 1) */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** standard normal N(0, 1) (Marsaglia polar method). */
  /**
   * A value in [lo, hi] from one uniform draw: log-uniform for a positive range (the ranges of uncertain
   * physical parameters span orders of magnitude), uniform otherwise.
   */
  inRange(lo: number, hi: number): number {
    const u = this.uniform();
    return lo > 0 ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
  }

  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u: number;
    let v: number;
    let q: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    this.spare = v * f;
    return u * f;
  }

  /** exponential with the given mean */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** Poisson count with mean λ (Knuth's product method for λ < 30, normal approximation above). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda >= 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const L = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.uniform();
    } while (p > L);
    return k - 1;
  }

  /** an independent child stream (for one variability source), derived from this stream */
  fork(): Rng {
    return new Rng((this.nextU32() ^ Math.imul(this.nextU32(), 0x9e3779b1)) >>> 0);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
