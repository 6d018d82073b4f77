/**
 * A small variable-step backward-Euler DAE integrator (M·y′ = f(t, y), diagonal M) with modified Newton
 * (dense LU reused across steps), local-error control from the predictor–corrector difference, and
 * terminal events located by secant iteration on the step length.
 *
 * It exists so the solid-state models can run (and be tested) without the general BDF solver, and is
 * fast for the SSB models because their differential equations are linear: the only nonlinear rows are
 * the kinetics, so one LU per many steps suffices. Linear invariants (Li conservation) are exact to
 * round-off because constant Jacobian rows are reproduced exactly by a reused LU.
 */
import type { DaeProblem, EventSpec, JacobianSink } from '../../numerics/types.ts';

export interface BeOptions {
  readonly t0?: number;
  readonly tEnd: number;
  readonly rtol?: number;
  readonly atol?: number | Float64Array;
  readonly firstStep?: number;
  readonly maxStep?: number;
  readonly events?: readonly EventSpec[];
  readonly maxSteps?: number;
  /** called after each accepted step (t, y) */
  readonly onStep?: (t: number, y: Float64Array) => void;
}

export interface BeResult {
  readonly status: 'done' | 'event' | 'failed';
  readonly message?: string;
  readonly t: number;
  readonly y: Float64Array;
  readonly event?: string;
  readonly steps: number;
  readonly factorisations: number;
}

class DenseLU {
  readonly n: number;
  readonly a: Float64Array;
  readonly piv: Int32Array;
  constructor(n: number) {
    this.n = n;
    this.a = new Float64Array(n * n);
    this.piv = new Int32Array(n);
  }
  factor(): boolean {
    const n = this.n;
    const a = this.a;
    for (let k = 0; k < n; k++) {
      let p = k;
      let max = Math.abs(a[k * n + k]!);
      for (let i = k + 1; i < n; i++) {
        const v = Math.abs(a[i * n + k]!);
        if (v > max) {
          max = v;
          p = i;
        }
      }
      if (max === 0) return false;
      this.piv[k] = p;
      if (p !== k) {
        for (let j = 0; j < n; j++) {
          const t = a[k * n + j]!;
          a[k * n + j] = a[p * n + j]!;
          a[p * n + j] = t;
        }
      }
      const inv = 1 / a[k * n + k]!;
      for (let i = k + 1; i < n; i++) {
        const l = a[i * n + k]! * inv;
        if (l === 0) continue;
        a[i * n + k] = l;
        const ri = i * n;
        const rk = k * n;
        for (let j = k + 1; j < n; j++) a[ri + j] = a[ri + j]! - l * a[rk + j]!;
      }
    }
    return true;
  }
  solve(b: Float64Array): void {
    const n = this.n;
    const a = this.a;
    for (let k = 0; k < n; k++) {
      const p = this.piv[k]!;
      if (p !== k) {
        const t = b[k]!;
        b[k] = b[p]!;
        b[p] = t;
      }
    }
    for (let i = 0; i < n; i++) {
      let s = b[i]!;
      const ri = i * n;
      for (let j = 0; j < i; j++) s -= a[ri + j]! * b[j]!;
      b[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = b[i]!;
      const ri = i * n;
      for (let j = i + 1; j < n; j++) s -= a[ri + j]! * b[j]!;
      b[i] = s / a[ri + i]!;
    }
  }
}

export function integrateBE(problem: DaeProblem, y0: Float64Array, opts: BeOptions): BeResult {
  const n = problem.n;
  const M = problem.massDiag ?? new Float64Array(n).fill(1);
  const rtol = opts.rtol ?? 1e-4;
  const atolV = new Float64Array(n);
  if (opts.atol instanceof Float64Array) atolV.set(opts.atol);
  else atolV.fill(opts.atol ?? 1e-8);
  const t0 = opts.t0 ?? 0;
  const tEnd = opts.tEnd;
  const maxStep = opts.maxStep ?? (tEnd - t0) / 10;
  const lu = new DenseLU(n);
  let luDt = -1;
  let factorisations = 0;
  const y = Float64Array.from(y0);
  const yPrev = new Float64Array(n);
  const yNew = new Float64Array(n);
  const yPred = new Float64Array(n);
  const f = new Float64Array(n);
  const r = new Float64Array(n);
  let t = t0;
  let h = Math.min(opts.firstStep ?? Math.min(1, maxStep), maxStep);
  let hPrev = 0;
  let steps = 0;
  const events = opts.events ?? [];
  const gPrev = events.map((e) => e.g(t, y));
  const sink: JacobianSink = {
    add(i: number, j: number, v: number): void {
      lu.a[i * n + j] = lu.a[i * n + j]! - luDt * v;
    },
  };
  const factorAt = (tt: number, yy: Float64Array, dt: number): boolean => {
    lu.a.fill(0);
    luDt = dt;
    for (let i = 0; i < n; i++) lu.a[i * n + i] = M[i]!;
    if (!problem.jacobian) throw new Error('integrateBE: the problem needs an analytic jacobian');
    problem.jacobian(tt, yy, sink);
    factorisations++;
    return lu.factor();
  };
  /** Newton for M(yNew − y) − dt·f(t+dt, yNew) = 0 starting from yNew; returns convergence */
  const newton = (tt: number, dt: number, base: Float64Array): boolean => {
    // attempt 0: modified Newton with the stored LU (refactored if h changed);
    // attempt 1: full Newton from the current iterate (refactor every iteration)
    for (let attempt = 0; attempt < 2; attempt++) {
      if (attempt === 0 && luDt !== dt) {
        if (!factorAt(tt, yNew, dt)) return false;
      }
      let prevNorm = Infinity;
      let ok = false;
      const maxIt = attempt === 0 ? 6 : 15;
      for (let it = 0; it < maxIt; it++) {
        if (attempt === 1 && !factorAt(tt, yNew, dt)) return false;
        problem.f(tt, yNew, f);
        for (let i = 0; i < n; i++) r[i] = -(M[i]! * (yNew[i]! - base[i]!) - dt * f[i]!);
        lu.solve(r);
        let norm = 0;
        for (let i = 0; i < n; i++) {
          yNew[i] = yNew[i]! + r[i]!;
          const w = atolV[i]! + rtol * Math.abs(yNew[i]!);
          const e = r[i]! / w;
          norm += e * e;
        }
        norm = Math.sqrt(norm / n);
        if (process.env.BE_DEBUG) console.log('newton', tt, dt, attempt, it, norm);
        if (!Number.isFinite(norm)) break;
        if (norm < 1e-3 || (it > 0 && norm < 0.05 && norm / prevNorm < 0.5)) {
          // one more sweep so the algebraic rows are tightly satisfied
          problem.f(tt, yNew, f);
          for (let i = 0; i < n; i++) r[i] = -(M[i]! * (yNew[i]! - base[i]!) - dt * f[i]!);
          lu.solve(r);
          for (let i = 0; i < n; i++) yNew[i] = yNew[i]! + r[i]!;
          ok = true;
          break;
        }
        if (attempt === 0 && it > 1 && norm > 0.5 * prevNorm) break;
        prevNorm = norm;
      }
      if (ok) return true;
      if (!Number.isFinite(prevNorm)) yNew.set(yPred);
    }
    return false;
  };
  const maxSteps = opts.maxSteps ?? 100000;
  while (t < tEnd) {
    if (steps >= maxSteps) return { status: 'failed', message: `maxSteps ${maxSteps} reached at t = ${t}`, t, y, steps, factorisations };
    if (t + h > tEnd) h = tEnd - t;
    // predictor
    for (let i = 0; i < n; i++) yPred[i] = hPrev > 0 ? y[i]! + (h / hPrev) * (y[i]! - yPrev[i]!) : y[i]!;
    yNew.set(yPred);
    const ok = newton(t + h, h, y);
    if (!ok) {
      h *= 0.25;
      if (h < 1e-10 * Math.max(1, Math.abs(t))) return { status: 'failed', message: `step size underflow at t = ${t}`, t, y, steps, factorisations };
      continue;
    }
    // local error ≈ h/(h + hPrev)·(yNew − yPred) on differential components
    let err = 0;
    let cnt = 0;
    if (hPrev > 0) {
      const c = h / (h + hPrev);
      for (let i = 0; i < n; i++) {
        if (M[i] === 0) continue;
        const w = atolV[i]! + rtol * Math.abs(yNew[i]!);
        const e = (c * (yNew[i]! - yPred[i]!)) / w;
        err += e * e;
        cnt++;
      }
      err = Math.sqrt(err / Math.max(1, cnt));
    }
    if (err > 1) {
      h *= Math.max(0.2, 0.9 / Math.sqrt(err));
      continue;
    }
    // events
    let hit = -1;
    for (let k = 0; k < events.length; k++) {
      const e = events[k]!;
      const g1 = e.g(t + h, yNew);
      const g0 = gPrev[k]!;
      const crossed = (g0 < 0 && g1 >= 0 && e.direction !== -1) || (g0 > 0 && g1 <= 0 && e.direction !== 1);
      if (crossed) {
        hit = k;
        break;
      }
    }
    if (hit >= 0) {
      const e = events[hit]!;
      let hLo = 0;
      let gLo = gPrev[hit]!;
      let hHi = h;
      let gHi = e.g(t + h, yNew);
      const yHi = Float64Array.from(yNew);
      for (let it = 0; it < 40; it++) {
        let hc = hLo + (gLo * (hHi - hLo)) / (gLo - gHi);
        hc = Math.min(Math.max(hc, hLo + 1e-4 * (hHi - hLo)), hHi - 1e-4 * (hHi - hLo));
        for (let i = 0; i < n; i++) yNew[i] = y[i]! + (hc / hHi) * (yHi[i]! - y[i]!);
        if (!newton(t + hc, hc, y)) break;
        const gc = e.g(t + hc, yNew);
        if (Math.abs(gc) < 1e-9 || hHi - hLo < 1e-9 * Math.max(1, t)) {
          hHi = hc;
          yHi.set(yNew);
          break;
        }
        if ((gc >= 0) === (gHi >= 0)) {
          hHi = hc;
          gHi = gc;
          yHi.set(yNew);
        } else {
          hLo = hc;
          gLo = gc;
        }
      }
      y.set(yHi);
      t += hHi;
      steps++;
      opts.onStep?.(t, y);
      return { status: 'event', event: e.name, t, y, steps, factorisations };
    }
    yPrev.set(y);
    y.set(yNew);
    t += h;
    hPrev = h;
    steps++;
    for (let k = 0; k < events.length; k++) gPrev[k] = events[k]!.g(t, y);
    opts.onStep?.(t, y);
    // keep h piecewise constant so the LU (which depends on h) is reused; double when the error allows
    if (err < 0.25) h = Math.min(maxStep, 2 * h);
  }
  return { status: 'done', t, y, steps, factorisations };
}
