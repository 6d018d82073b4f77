/**
 * A small, independent reference DAE solver for the cycler's tests (M·y′ = f with diagonal M):
 * backward Euler with step doubling and Richardson extrapolation (2nd order), dense FD Jacobian,
 * linear interpolation for tEval, event location by bisection on the interpolant.
 * Used to cross-check the step machine independently of numerics/solveDae (pass it as RunOptions.solver);
 * dense linear algebra, so meant for small models (the ECM, the SPMe).
 */
import type { DaeProblem, SolveOptions, SolveResult, EventHit } from '../../src/numerics/types.ts';

function lu(A: Float64Array, n: number, piv: Int32Array): boolean {
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i * n + k]!) > Math.abs(A[p * n + k]!)) p = i;
    if (A[p * n + k] === 0) return false;
    piv[k] = p;
    if (p !== k)
      for (let j = 0; j < n; j++) {
        const t = A[k * n + j]!;
        A[k * n + j] = A[p * n + j]!;
        A[p * n + j] = t;
      }
    for (let i = k + 1; i < n; i++) {
      const m = (A[i * n + k]! /= A[k * n + k]!);
      for (let j = k + 1; j < n; j++) A[i * n + j]! -= m * A[k * n + j]!;
    }
  }
  return true;
}
function luSolve(A: Float64Array, n: number, piv: Int32Array, b: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const p = piv[k]!;
    if (p !== k) {
      const t = b[k]!;
      b[k] = b[p]!;
      b[p] = t;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) b[i]! -= A[i * n + j]! * b[j]!;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) b[i]! -= A[i * n + j]! * b[j]!;
    b[i]! /= A[i * n + i]!;
  }
}

export function refSolve(p: DaeProblem, y0in: Float64Array, o: SolveOptions): SolveResult {
  const n = p.n;
  const M = p.massDiag ?? new Float64Array(n).fill(1);
  const rtol = o.rtol ?? 1e-6;
  const atolOf = (i: number): number => (typeof o.atol === 'number' ? o.atol : o.atol ? o.atol[i]! : 1e-8);
  const f0 = new Float64Array(n),
    f1 = new Float64Array(n),
    r = new Float64Array(n);
  const J = new Float64Array(n * n),
    piv = new Int32Array(n);
  const stats = { steps: 0, rejectedSteps: 0, fEvals: 0, jacobianEvals: 0, factorisations: 0, newtonIterations: 0 };
  // Newton for  M(y − yp)/h − f(t, y) = 0  (h = Infinity → algebraic rows only, for initialisation)
  const dfdy = new Float64Array(n * n);
  const sink = {
    add: (i: number, j: number, v: number): void => {
      dfdy[i * n + j] = dfdy[i * n + j]! + v;
    },
  };
  const jacobianAt = (t: number, y: Float64Array): void => {
    stats.jacobianEvals++;
    dfdy.fill(0);
    if (p.jacobian) {
      p.jacobian(t, y, sink);
      return;
    }
    p.f(t, y, f0);
    stats.fEvals++;
    for (let j = 0; j < n; j++) {
      const yj = y[j]!;
      const d = 1e-7 * Math.max(1e-3, Math.abs(yj));
      y[j] = yj + d;
      p.f(t, y, f1);
      stats.fEvals++;
      y[j] = yj;
      for (let i = 0; i < n; i++) dfdy[i * n + j] = (f1[i]! - f0[i]!) / d;
    }
  };
  // modified Newton for  M(y − yp)/h − f(t, y) = 0  (h = Infinity → algebraic rows only, for initialisation)
  const newton = (t: number, yp: Float64Array, h: number, y: Float64Array, algOnly: boolean): boolean => {
    let fresh = false;
    const factor = (): boolean => {
      jacobianAt(t, y);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          J[i * n + j] = algOnly
            ? M[i]
              ? i === j
                ? 1
                : 0
              : -dfdy[i * n + j]!
            : (i === j ? M[i]! / h : 0) - dfdy[i * n + j]!;
        }
      stats.factorisations++;
      fresh = true;
      return lu(J, n, piv);
    };
    if (!factor()) return false;
    let prev = Infinity;
    for (let it = 0; it < 40; it++) {
      p.f(t, y, f0);
      stats.fEvals++;
      for (let i = 0; i < n; i++) r[i] = algOnly ? (M[i] ? 0 : -f0[i]!) : (M[i]! * (y[i]! - yp[i]!)) / h - f0[i]!;
      luSolve(J, n, piv, r);
      let dn = 0;
      for (let i = 0; i < n; i++) {
        y[i]! -= r[i]!;
        dn = Math.max(dn, Math.abs(r[i]!) / (atolOf(i) + rtol * Math.abs(y[i]!)));
      }
      stats.newtonIterations++;
      if (!y.every(Number.isFinite)) return false;
      if (dn < 1e-4) return true;
      if (dn > 0.5 * prev) {
        if (fresh && it > 0 && dn > prev) return false;
        if (!factor()) return false;
      } else fresh = false;
      prev = dn;
    }
    return false;
  };
  let t = o.t0;
  let y = Float64Array.from(y0in);
  if (o.initialiseAlgebraic !== false && !newton(t, y, Infinity, y, true))
    return {
      status: 'failed',
      message: 'initialisation failed',
      t: [],
      y: [],
      tFinal: t,
      yFinal: y,
      events: [],
      stats,
    };
  const outT: number[] = [];
  const outY: Float64Array[] = [];
  const tEval = o.tEval ? Array.from(o.tEval) : [];
  let ke = 0;
  const emit = (ta: number, ya: Float64Array, tb: number, yb: Float64Array, upto: number): void => {
    while (ke < tEval.length && tEval[ke]! <= upto + 1e-12 * Math.max(1, Math.abs(upto))) {
      const te = tEval[ke]!;
      const w = tb > ta ? (te - ta) / (tb - ta) : 1;
      const yi = new Float64Array(n);
      for (let i = 0; i < n; i++) yi[i] = ya[i]! + w * (yb[i]! - ya[i]!);
      outT.push(te);
      outY.push(yi);
      ke++;
    }
  };
  emit(t, y, t, y, t);
  const evs = o.events ?? [];
  let gPrev = evs.map((e) => e.g(t, y));
  let h = o.firstStep ?? Math.min(1e-3, (o.tEnd - o.t0) / 10);
  const maxStep = o.maxStep ?? Infinity;
  while (t < o.tEnd) {
    h = Math.min(h, maxStep, o.tEnd - t);
    if (stats.steps > (o.maxSteps ?? 100000))
      return { status: 'failed', message: 'too many steps', t: outT, y: outY, tFinal: t, yFinal: y, events: [], stats };
    const yBig = Float64Array.from(y);
    const ok1 = newton(t + h, y, h, yBig, false);
    const yHalf = Float64Array.from(y);
    const ok2 = ok1 && newton(t + h / 2, y, h / 2, yHalf, false);
    const ySmall = Float64Array.from(yHalf);
    const ok3 = ok2 && newton(t + h, yHalf, h / 2, ySmall, false);
    if (!ok3) {
      stats.rejectedSteps++;
      h /= 4;
      if (h < 1e-12 * Math.max(1, Math.abs(t)))
        return {
          status: 'failed',
          message: `step size too small at t=${t}`,
          t: outT,
          y: outY,
          tFinal: t,
          yFinal: y,
          events: [],
          stats,
        };
      continue;
    }
    let err = 0;
    for (let i = 0; i < n; i++)
      err = Math.max(err, Math.abs(ySmall[i]! - yBig[i]!) / (atolOf(i) + rtol * Math.abs(ySmall[i]!)));
    if (err > 1) {
      stats.rejectedSteps++;
      h *= Math.max(0.2, 0.9 / Math.sqrt(err));
      continue;
    }
    const yNew = new Float64Array(n);
    for (let i = 0; i < n; i++) yNew[i] = 2 * ySmall[i]! - yBig[i]!;
    stats.steps++;
    // events on the linear interpolant
    let hit: { k: number; tc: number } | undefined;
    const gNew = evs.map((e) => e.g(t + h, yNew));
    evs.forEach((e, k) => {
      const a = gPrev[k]!,
        b = gNew[k]!;
      const cross = (e.direction <= 0 && a > 0 && b <= 0) || (e.direction >= 0 && a < 0 && b >= 0);
      if (!cross) return;
      let lo = 0,
        hi = 1;
      const yi = new Float64Array(n);
      for (let it = 0; it < 60; it++) {
        const m = (lo + hi) / 2;
        for (let i = 0; i < n; i++) yi[i] = y[i]! + m * (yNew[i]! - y[i]!);
        const g = e.g(t + m * h, yi);
        if (g > 0 === a > 0) lo = m;
        else hi = m;
      }
      const tc = t + hi * h;
      if (!hit || tc < hit.tc) hit = { k, tc };
    });
    if (hit && evs[hit.k]!.terminal !== false) {
      const w = (hit.tc - t) / h;
      const ye = new Float64Array(n);
      for (let i = 0; i < n; i++) ye[i] = y[i]! + w * (yNew[i]! - y[i]!);
      emit(t, y, t + h, yNew, hit.tc);
      return {
        status: 'event',
        t: outT,
        y: outY,
        tFinal: hit.tc,
        yFinal: ye,
        events: [{ name: evs[hit.k]!.name, t: hit.tc, y: ye } as EventHit],
        stats,
      };
    }
    emit(t, y, t + h, yNew, t + h);
    t += h;
    y = yNew;
    gPrev = gNew;
    h *= Math.min(4, 0.9 / Math.sqrt(Math.max(err, 1e-10)));
  }
  return { status: 'done', t: outT, y: outY, tFinal: t, yFinal: y, events: [], stats };
}
