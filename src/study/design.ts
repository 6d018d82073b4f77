/**
 * Designs: where a study's points sit. Each factor (a varied input) maps u ∈ [0, 1) to a value
 * (uniform or log-uniform range, list of levels, or a distribution's inverse CDF); the designs place
 * the u's: full grid (levels of every factor), Latin hypercube (seeded), Sobol' (quasi-random), the
 * Saltelli scheme for Sobol' indices (base matrices A and B and the d matrices A_B^(i)), or explicit
 * points. Every point is a pure function of (design, seed, index): any worker can compute any slice, and
 * the table does not depend on how the points were shared out.
 */
import quantile from '@stdlib/stats-base-dists-normal-quantile';
import cdf from '@stdlib/stats-base-dists-normal-cdf';
import { Rng } from '../numerics/rng.ts';
import { SobolSequence } from '../numerics/sobol.ts';
import type { DesignSpec, ParameterSpec } from './schema.ts';

export type Value = number | string;

/** default number of grid levels of a range or distribution without `n` */
export const DEFAULT_GRID_LEVELS = 5;

export interface Factor {
  /** recipe path (`stations.240.force_N`) or model parameter path (`model.cathode.Ds.ref`) */
  readonly path: string;
  readonly spec: ParameterSpec;
  /** unit for axes (from the field name or the library) */
  readonly unit: string;
  /** the factor's levels on a grid */
  levels(): Value[];
  /** u ∈ [0, 1) → value (samplers) */
  fromUnit(u: number): Value;
  /** whether the values are numbers (lists of names are categorical) */
  readonly numeric: boolean;
  /** lowest and highest value the factor can take (numeric factors; for axes) */
  readonly bounds: [number, number];
}

const normalQ = (p: number): number => quantile(p, 0, 1);
const normalP = (x: number): number => cdf(x, 0, 1);

/** the unit in a field name (`force_N` → N, `thickness_um` → µm) */
export function unitOfPath(path: string): string {
  const last = path.split('.').at(-1) ?? '';
  const m = /_(N|C|um|mm|m|MPa|Pa|pct|V|h|s|mAh_g|Wh_kg|Wh_L|m_per_min|mg_cm2|mAh|Ah|ohm_m2|kWh|N_per_mm)$/.exec(last);
  if (!m) return '';
  const map: Record<string, string> = {
    C: '°C',
    um: 'µm',
    pct: '%',
    mAh_g: 'mAh/g',
    Wh_kg: 'Wh/kg',
    Wh_L: 'Wh/L',
    m_per_min: 'm/min',
    mg_cm2: 'mg/cm²',
    ohm_m2: 'Ω m²',
    N_per_mm: 'N/mm',
  };
  return map[m[1]!] ?? m[1]!;
}

export function makeFactor(path: string, spec: ParameterSpec, unit = unitOfPath(path)): Factor {
  if (Array.isArray(spec)) {
    const list = spec as Value[];
    const numeric = list.every((v) => typeof v === 'number');
    const nums = list.filter((v): v is number => typeof v === 'number');
    return {
      path,
      spec,
      unit,
      numeric,
      bounds: numeric ? [Math.min(...nums), Math.max(...nums)] : [0, list.length - 1],
      levels: () => [...list],
      fromUnit: (u) => list[Math.min(list.length - 1, Math.floor(u * list.length))]!,
    };
  }
  if ('from' in spec) {
    const { from, to } = spec;
    const log = spec.scale === 'log';
    const n = spec.n ?? DEFAULT_GRID_LEVELS;
    const at = (u: number): number =>
      log ? Math.exp(Math.log(from) + u * (Math.log(to) - Math.log(from))) : from + u * (to - from);
    return {
      path,
      spec,
      unit,
      numeric: true,
      bounds: [Math.min(from, to), Math.max(from, to)],
      levels: () => (n === 1 ? [from] : Array.from({ length: n }, (_, i) => (i === n - 1 ? to : at(i / (n - 1))))),
      fromUnit: at,
    };
  }
  let inv: (u: number) => number;
  let bounds: [number, number];
  switch (spec.dist) {
    case 'uniform':
      inv = (u) => spec.low + u * (spec.high - spec.low);
      bounds = [spec.low, spec.high];
      break;
    case 'normal': {
      const pLo = spec.low !== undefined ? normalP((spec.low - spec.mean) / spec.sd) : 0;
      const pHi = spec.high !== undefined ? normalP((spec.high - spec.mean) / spec.sd) : 1;
      inv = (u) => spec.mean + spec.sd * normalQ(pLo + u * (pHi - pLo));
      bounds = [spec.low ?? spec.mean - 3 * spec.sd, spec.high ?? spec.mean + 3 * spec.sd];
      break;
    }
    case 'lognormal':
      inv = (u) => spec.median * Math.pow(spec.gsd, normalQ(u));
      bounds = [spec.median / spec.gsd ** 3, spec.median * spec.gsd ** 3];
      break;
    case 'triangular': {
      const { low: a, mode: c, high: b } = spec;
      const fc = (c - a) / (b - a);
      inv = (u) => (u < fc ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c)));
      bounds = [a, b];
      break;
    }
  }
  const n = spec.n ?? DEFAULT_GRID_LEVELS;
  return {
    path,
    spec,
    unit,
    numeric: true,
    bounds,
    levels: () => Array.from({ length: n }, (_, i) => inv((i + 0.5) / n)),
    // keep u off 0 so that unbounded inverse CDFs stay finite
    fromUnit: (u) => inv(Math.min(1 - 2 ** -53, Math.max(2 ** -33, u))),
  };
}

/** A design laid over factors: `size` points, `point(i)` their values in factor order. */
export interface Plan {
  readonly kind: DesignSpec['type'];
  readonly factors: readonly Factor[];
  readonly size: number;
  point(i: number): Value[];
  /** Saltelli layout: N base rows, each of d + 2 points [A, B, A_B^(1) … A_B^(d)] */
  readonly saltelli?: { N: number; d: number };
  /** the seed of point i (default: its own, from the study seed) */
  seedOf?(i: number): number;
  /** the replicate of point i, when the design is replicated */
  replicateOf?(i: number): number;
}

/**
 * `replicates` runs of every point of `plan` (point i is design point ⌊i / R⌋, replicate i mod R); with
 * common seeds, replicate r of every design point gets the same seed.
 */
export function replicated(plan: Plan, replicates: number, seeds: 'per_point' | 'common', seed: number): Plan {
  if (replicates === 1 && seeds === 'per_point') return plan;
  const R = replicates;
  return {
    kind: plan.kind,
    factors: plan.factors,
    size: plan.size * R,
    point: (i) => plan.point(Math.floor(i / R)),
    seedOf: (i) => (seeds === 'common' ? pointSeed(seed, 0x40000000 + (i % R)) : pointSeed(seed, i)),
    ...(R > 1 ? { replicateOf: (i: number) => i % R } : {}),
    ...(plan.saltelli && R === 1 ? { saltelli: plan.saltelli } : {}),
  };
}

/** counter-based uniform in [0, 1) from (seed, i, j): the same number whichever worker asks */
export function hashUniform(seed: number, i: number, j: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b) ^ Math.imul(j + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** a seed for point i of a study (production and battery variability of that point) */
export function pointSeed(studySeed: number, i: number): number {
  return Math.floor(hashUniform(studySeed, i, 0x5eed) * 4294967296) >>> 0;
}

export function makePlan(design: DesignSpec, factors: readonly Factor[], seed: number): Plan {
  const d = factors.length;
  switch (design.type) {
    case 'grid': {
      const levels = factors.map((f) => f.levels());
      const size = levels.reduce((n, l) => n * l.length, 1);
      return {
        kind: 'grid',
        factors,
        size,
        // mixed radix, the last factor fastest
        point: (i) => {
          const out: Value[] = new Array(d);
          let r = i;
          for (let j = d - 1; j >= 0; j--) {
            const l = levels[j]!;
            out[j] = l[r % l.length]!;
            r = Math.floor(r / l.length);
          }
          return out;
        },
      };
    }
    case 'lhs': {
      const n = design.n;
      const rng = new Rng(seed);
      const perms = factors.map(() => {
        const p = new Uint32Array(n);
        for (let i = 0; i < n; i++) p[i] = i;
        for (let i = n - 1; i > 0; i--) {
          const k = Math.floor(rng.uniform() * (i + 1));
          const t = p[i]!;
          p[i] = p[k]!;
          p[k] = t;
        }
        return p;
      });
      return {
        kind: 'lhs',
        factors,
        size: n,
        point: (i) => factors.map((f, j) => f.fromUnit((perms[j]![i]! + hashUniform(seed, i, j)) / n)),
      };
    }
    case 'sobol': {
      const s = new SobolSequence(Math.max(1, d));
      const u = new Float64Array(Math.max(1, d));
      // the origin is skipped (unbounded distributions have no value at u = 0)
      return {
        kind: 'sobol',
        factors,
        size: design.n,
        point: (i) => {
          s.point(i + 1, u);
          return factors.map((f, j) => f.fromUnit(u[j]!));
        },
      };
    }
    case 'saltelli': {
      const N = design.n;
      const s = new SobolSequence(2 * d);
      const u = new Float64Array(2 * d);
      return {
        kind: 'saltelli',
        factors,
        size: N * (d + 2),
        saltelli: { N, d },
        point: (i) => {
          const row = Math.floor(i / (d + 2));
          const k = i % (d + 2); // 0: A, 1: B, 2 + m: A with column m from B
          s.point(row + 1, u);
          return factors.map((f, j) => {
            const fromB = k === 1 || k === 2 + j;
            return f.fromUnit(u[fromB ? d + j : j]!);
          });
        },
      };
    }
    case 'points':
      return {
        kind: 'points',
        factors,
        size: design.points.length,
        point: (i) => factors.map((f) => design.points[i]![f.path]!),
      };
  }
}
