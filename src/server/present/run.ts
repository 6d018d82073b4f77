/**
 * The Run view's derived plots: voltage against capacity per half-cycle and the differential capacity
 * dQ/dV (capacity in equal voltage bins over the bin width — the usual incremental-capacity analysis;
 * Dubarry et al., J. Power Sources 219 (2012) 204–216), from a stored cycling series. Pure.
 */

export interface HalfCycle {
  kind: 'charge' | 'discharge';
  /** capacity passed since the start of this half-cycle, Ah */
  q_Ah: number[];
  voltage_V: number[];
}

/** Splits a series (t, V, I with I > 0 on charge) into charge and discharge halves (rests dropped). */
export function halfCycles(t: ArrayLike<number>, v: ArrayLike<number>, i: ArrayLike<number>): HalfCycle[] {
  const out: HalfCycle[] = [];
  let cur: HalfCycle | null = null;
  let q = 0;
  for (let k = 1; k < t.length; k++) {
    const I = 0.5 * (i[k]! + i[k - 1]!);
    const kind = I > 0 ? 'charge' : I < 0 ? 'discharge' : null;
    if (kind === null) continue;
    if (!cur || cur.kind !== kind) {
      cur = { kind, q_Ah: [0], voltage_V: [v[k - 1]!] };
      out.push(cur);
      q = 0;
    }
    q += (Math.abs(I) * (t[k]! - t[k - 1]!)) / 3600;
    cur.q_Ah.push(q);
    cur.voltage_V.push(v[k]!);
  }
  return out.filter((h) => h.q_Ah.length > 2);
}

export interface Dqdv {
  kind: 'charge' | 'discharge';
  voltage_V: number[];
  dqdv_Ah_per_V: number[];
}

/** dQ/dV of one half-cycle: capacity gained in each of `bins` voltage bins, divided by the bin width. */
export function dqdv(h: HalfCycle, bins = 80): Dqdv {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of h.voltage_V) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  if (!(hi > lo)) return { kind: h.kind, voltage_V: [], dqdv_Ah_per_V: [] };
  const w = (hi - lo) / bins;
  const acc = new Array<number>(bins).fill(0);
  for (let k = 1; k < h.q_Ah.length; k++) {
    const dq = h.q_Ah[k]! - h.q_Ah[k - 1]!;
    const vm = 0.5 * (h.voltage_V[k]! + h.voltage_V[k - 1]!);
    acc[Math.min(bins - 1, Math.max(0, Math.floor((vm - lo) / w)))]! += dq;
  }
  return {
    kind: h.kind,
    voltage_V: acc.map((_, b) => lo + (b + 0.5) * w),
    dqdv_Ah_per_V: acc.map((a) => a / w),
  };
}
