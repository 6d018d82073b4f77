/**
 * Tabulated open-circuit potentials for the liquid models' inner loops: a piecewise-cubic Hermite
 * interpolant of U_ref(θ) at the reference temperature on a uniform grid over the stoichiometries the
 * physical stoichiometries [0, 1] (the exact function outside, e.g. during Newton iterations), with
 * node slopes from 6th-order central differences of the node values. A fitted BPX OCP (sums of tanh/exp terms) costs 4–8
 * transcendental calls per evaluation; the table costs one polynomial.
 *
 * Accuracy is checked when the table is built: the interpolant is compared with the exact function at
 * every interval midpoint (where a cubic Hermite interpolant's error peaks); if anywhere it differs by
 * more than OCP_TABLE_TOL (a tabulated BPX OCP with kinks, a steep fit), the exact function is used
 * instead. The derivative of the interpolant is exact for the interpolant, so residual and Jacobian
 * stay consistent.
 *
 * The same tables serve the electrolyte properties of c_e (diffusivity, conductivity, thermodynamic
 * factor) over [c0/20, 4·c0], checked to a relative PROPERTY_TABLE_RTOL.
 *
 * Tables are cached per function, reference temperature and range: models built again from the same
 * parsed parameters reuse them.
 */
import type { PropertyFn } from '../bpx.ts';

/** largest allowed |table − exact| at the check points (V) */
export const OCP_TABLE_TOL = 1e-7;
const X0 = 0;
const X1 = 1;
const INTERVALS = 2048;
/** ghost nodes on each side for the node slopes */
const G = 3;

export interface OcpTable {
  readonly x0: number;
  readonly invh: number;
  readonly nInt: number;
  /** power-basis coefficients per interval: U = c0 + u(c1 + u(c2 + u c3)), u ∈ [0, 1) */
  readonly c: Float64Array;
  readonly f: PropertyFn;
  readonly Tref: number;
  /** largest |table − exact| found at the check points (V) */
  readonly maxError: number;
}

const cache = new WeakMap<PropertyFn, Map<string, OcpTable | null>>();

/**
 * Hermite table of f(·, Tref) on [lo, hi] with n intervals; null when |table − exact| at an interval
 * midpoint exceeds tolAbs + tolRel·max|f(node)|.
 */
function build(
  f: PropertyFn,
  Tref: number,
  lo: number,
  hi: number,
  n: number,
  tolAbs: number,
  tolRel: number,
): OcpTable | null {
  const h = (hi - lo) / n;
  // values on the grid plus G ghost nodes each side; slopes by 6th-order central differences of them
  const y = new Float64Array(n + 1 + 2 * G);
  for (let i = 0; i < y.length; i++) y[i] = f(lo + (i - G) * h, Tref);
  const d = new Float64Array(n + 1); // slope per unit u (×h)
  for (let i = 0; i <= n; i++) {
    const k = i + G;
    d[i] = (45 * (y[k + 1]! - y[k - 1]!) - 9 * (y[k + 2]! - y[k - 2]!) + (y[k + 3]! - y[k - 3]!)) / 60;
  }
  const c = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    const y0 = y[i + G]!;
    const y1 = y[i + 1 + G]!;
    const d0 = d[i]!;
    const d1 = d[i + 1]!;
    c[4 * i] = y0;
    c[4 * i + 1] = d0;
    c[4 * i + 2] = 3 * (y1 - y0) - 2 * d0 - d1;
    c[4 * i + 3] = 2 * (y0 - y1) + d0 + d1;
  }
  let fmax = 0;
  for (let i = G; i <= n + G; i++) fmax = Math.max(fmax, Math.abs(y[i]!));
  const tol = tolAbs + tolRel * fmax;
  let maxError = 0;
  for (let i = 0; i < n; i++) {
    // a cubic Hermite interpolant's error term ∝ u²(1−u)² peaks at the midpoint
    const b = 4 * i;
    const v = c[b]! + 0.5 * (c[b + 1]! + 0.5 * (c[b + 2]! + 0.5 * c[b + 3]!));
    const e = Math.abs(v - f(lo + (i + 0.5) * h, Tref));
    if (!(e <= maxError)) maxError = e; // NaN too
  }
  if (!(maxError <= tol)) return null;
  return { x0: lo, invh: 1 / h, nInt: n, c, f, Tref, maxError };
}

function cached(f: PropertyFn, key: string, make: () => OcpTable | null): OcpTable | null {
  let m = cache.get(f);
  if (!m) {
    m = new Map();
    cache.set(f, m);
  }
  let t = m.get(key);
  if (t === undefined) {
    t = make();
    m.set(key, t);
  }
  return t;
}

/** the OCP table of f(·, Tref) over θ ∈ [0, 1], or null when it does not meet OCP_TABLE_TOL (use f then) */
export function ocpTable(f: PropertyFn, Tref: number): OcpTable | null {
  return cached(f, `ocp ${Tref}`, () => build(f, Tref, X0, X1, INTERVALS, OCP_TABLE_TOL, 0));
}

/** largest allowed |table − exact| of an electrolyte property, relative to its largest value on the table */
export const PROPERTY_TABLE_RTOL = 1e-9;

/**
 * Table of an electrolyte property f(c_e, Tref) over [c0/20, 4·c0] (c0 the initial concentration;
 * exact outside), or null when it does not meet PROPERTY_TABLE_RTOL (e.g. a tabulated property with
 * kinks) — use f then.
 */
export function electrolyteTable(f: PropertyFn, Tref: number, c0: number): OcpTable | null {
  return cached(f, `ce ${Tref} ${c0}`, () => build(f, Tref, c0 / 20, 4 * c0, INTERVALS, 0, PROPERTY_TABLE_RTOL));
}

/** the tabulated function's value (exact function outside its range) */
export function tableValue(t: OcpTable, x: number): number {
  const s = (x - t.x0) * t.invh;
  if (!(s >= 0 && s < t.nInt)) return t.f(x, t.Tref);
  const i = s | 0;
  const u = s - i;
  const c = t.c;
  const b = 4 * i;
  return c[b]! + u * (c[b + 1]! + u * (c[b + 2]! + u * c[b + 3]!));
}

/** slope of the table (central difference of the exact function outside its range) */
export function tableSlope(t: OcpTable, x: number): number {
  const s = (x - t.x0) * t.invh;
  if (!(s >= 0 && s < t.nInt)) {
    const h = 1e-6 * Math.max(Math.abs(x), 1);
    return (t.f(x + h, t.Tref) - t.f(x - h, t.Tref)) / (2 * h);
  }
  const i = s | 0;
  const u = s - i;
  const c = t.c;
  const b = 4 * i;
  return (c[b + 1]! + u * (2 * c[b + 2]! + 3 * u * c[b + 3]!)) * t.invh;
}

/** a property at T_ref: its table when there is one, else the function itself */
export function propertyValue(t: OcpTable | null, f: PropertyFn, x: number, Tref: number): number {
  return t ? tableValue(t, x) : f(x, Tref);
}

/** its slope in x: the table's, else a central difference with step 1e-6·max(|x|, 1) */
export function propertySlope(t: OcpTable | null, f: PropertyFn, x: number, Tref: number): number {
  if (t) return tableSlope(t, x);
  const h = 1e-6 * Math.max(Math.abs(x), 1);
  return (f(x + h, Tref) - f(x - h, Tref)) / (2 * h);
}
