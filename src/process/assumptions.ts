/**
 * "This verdict depends on assumption X over its range R": a small, general mechanism. An assumption is a
 * named model parameter with its default, plausible range and source; `verdictOverRange` evaluates a yes/no
 * verdict across the range (log- or linearly spaced points) and, when the verdict changes inside the range,
 * locates where by bisection. Claims cite the result ("met, depends on …"); the validity/ageing work can use
 * the same scan for bands.
 */
import { bisectTest } from '../numerics/roots.ts';

export interface Assumption {
  id: string;
  /** what it is, in words */
  label: string;
  /** SI unit of the value */
  unit: string;
  value: number;
  range: readonly [number, number];
  scale: 'linear' | 'log';
  source: string;
}

export interface VerdictDependence {
  assumption: Assumption;
  /** the verdict at the default value */
  atDefault: boolean;
  /** the verdict at the ends of the range */
  atLow: boolean;
  atHigh: boolean;
  /** the verdict is not the same everywhere in the range */
  flips: boolean;
  /** where the verdict changes (closest change to the default), or null */
  flipsAt: number | null;
}

function point(a: Assumption, f: number): number {
  const [lo, hi] = a.range;
  return a.scale === 'log' ? Math.exp(Math.log(lo) + f * (Math.log(hi) - Math.log(lo))) : lo + f * (hi - lo);
}

/** Scan a yes/no verdict over an assumption's range (n points plus the default); bisection for the change. */
export function verdictOverRange(a: Assumption, holds: (v: number) => boolean, n = 9): VerdictDependence {
  const atDefault = holds(a.value);
  const vals: number[] = [];
  for (let i = 0; i < n; i++) vals.push(point(a, i / (n - 1)));
  const res = vals.map(holds);
  const flips = res.some((r) => r !== atDefault);
  let flipsAt: number | null = null;
  if (flips) {
    // the change nearest the default: walk out from the default on both sides
    let best: [number, number] | null = null;
    let bestDist = Infinity;
    for (let i = 0; i < n; i++) {
      if (res[i] === atDefault) continue;
      const v = vals[i]!;
      const d = Math.abs(Math.log(Math.abs(v) + 1e-300) - Math.log(Math.abs(a.value) + 1e-300));
      if (d < bestDist) {
        bestDist = d;
        best = [a.value, v];
      }
    }
    if (best) {
      const [x0, x1] = best;
      const geometric = a.scale === 'log' && x0 > 0 && x1 > 0;
      const b = bisectTest((m) => holds(m) === atDefault, x0, x1, {
        midpoint: geometric ? 'geometric' : 'arithmetic',
        maxIter: 40,
      });
      flipsAt = 0.5 * (b.keep + b.drop);
    }
  }
  return { assumption: a, atDefault, atLow: res[0]!, atHigh: res[n - 1]!, flips, flipsAt };
}
