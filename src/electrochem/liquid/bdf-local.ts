/**
 * A small variable-step BDF2 integrator for semi-explicit index-1 DAEs M·y′ = f(t, y) (diagonal M),
 * with Newton iterations on a banded (partial pivoting, LAPACK gbtrf layout) or dense LU. It is the
 * liquid models' fallback when the project's stiff solver (src/numerics) is not available and a
 * cross-check for it; it implements the same DaeProblem / SolveOptions / SolveResult types.
 *
 * Method: backward Euler start, then variable-step BDF2 (e.g. Hairer & Wanner, Solving ODEs II,
 * §III.5); local error estimated from the difference between the corrector and a quadratic predictor
 * (Milne's device, error constant 2/11 for equal steps). Events: sign change of g between steps,
 * located by bisection on the interpolant between the last two states (linear in t).
 */
import type { DaeProblem, EventHit, SolveOptions, SolveResult, SolveStats } from '../../numerics/types.ts';

interface Lin {
  factor(): boolean;
  solve(b: Float64Array): void;
  clear(): void;
  add(i: number, j: number, v: number): void;
}

function bandedLU(n: number, kl: number, ku: number): Lin {
  const ld = 2 * kl + ku + 1;
  const a = new Float64Array(ld * n);
  const piv = new Int32Array(n);
  const idx = (i: number, j: number): number => kl + ku + i - j + j * ld;
  return {
    clear: () => a.fill(0),
    add: (i, j, v) => {
      if (i - j > kl || j - i > ku) return; // outside the declared band: ignored (inexact Newton matrix)
      a[idx(i, j)] = a[idx(i, j)]! + v;
    },
    factor: () => {
      for (let k = 0; k < n; k++) {
        const km = Math.min(kl, n - 1 - k);
        let p = k;
        let best = Math.abs(a[idx(k, k)]!);
        for (let i = k + 1; i <= k + km; i++) {
          const v = Math.abs(a[idx(i, k)]!);
          if (v > best) {
            best = v;
            p = i;
          }
        }
        piv[k] = p;
        if (best === 0 || !Number.isFinite(best)) return false;
        const jmax = Math.min(n - 1, k + kl + ku);
        if (p !== k) {
          for (let j = k; j <= jmax; j++) {
            const t = a[idx(k, j)]!;
            a[idx(k, j)] = a[idx(p, j)]!;
            a[idx(p, j)] = t;
          }
        }
        const inv = 1 / a[idx(k, k)]!;
        for (let i = k + 1; i <= k + km; i++) a[idx(i, k)] = a[idx(i, k)]! * inv;
        for (let j = k + 1; j <= jmax; j++) {
          const akj = a[idx(k, j)]!;
          if (akj === 0) continue;
          const base = kl + ku + j * ld - j;
          for (let i = k + 1; i <= k + km; i++) a[base + i] = a[base + i]! - a[idx(i, k)]! * akj;
        }
      }
      return true;
    },
    solve: (b) => {
      for (let k = 0; k < n; k++) {
        const p = piv[k]!;
        if (p !== k) {
          const t = b[k]!;
          b[k] = b[p]!;
          b[p] = t;
        }
        const km = Math.min(kl, n - 1 - k);
        const bk = b[k]!;
        if (bk !== 0) for (let i = k + 1; i <= k + km; i++) b[i] = b[i]! - a[idx(i, k)]! * bk;
      }
      for (let k = n - 1; k >= 0; k--) {
        let s = b[k]!;
        const jmax = Math.min(n - 1, k + kl + ku);
        for (let j = k + 1; j <= jmax; j++) s -= a[idx(k, j)]! * b[j]!;
        b[k] = s / a[idx(k, k)]!;
      }
    },
  };
}

function denseLU(n: number): Lin {
  const a = new Float64Array(n * n);
  const piv = new Int32Array(n);
  return {
    clear: () => a.fill(0),
    add: (i, j, v) => {
      a[i * n + j] = a[i * n + j]! + v;
    },
    factor: () => {
      for (let k = 0; k < n; k++) {
        let p = k;
        let best = Math.abs(a[k * n + k]!);
        for (let i = k + 1; i < n; i++) {
          const v = Math.abs(a[i * n + k]!);
          if (v > best) {
            best = v;
            p = i;
          }
        }
        piv[k] = p;
        if (best === 0 || !Number.isFinite(best)) return false;
        if (p !== k)
          for (let j = 0; j < n; j++) {
            const t = a[k * n + j]!;
            a[k * n + j] = a[p * n + j]!;
            a[p * n + j] = t;
          }
        const inv = 1 / a[k * n + k]!;
        for (let i = k + 1; i < n; i++) {
          const l = a[i * n + k]! * inv;
          if (l === 0) continue;
          a[i * n + k] = l;
          for (let j = k + 1; j < n; j++) a[i * n + j] = a[i * n + j]! - l * a[k * n + j]!;
        }
      }
      return true;
    },
    solve: (b) => {
      for (let k = 0; k < n; k++) {
        const p = piv[k]!;
        if (p !== k) {
          const t = b[k]!;
          b[k] = b[p]!;
          b[p] = t;
        }
        for (let i = k + 1; i < n; i++) b[i] = b[i]! - a[i * n + k]! * b[k]!;
      }
      for (let k = n - 1; k >= 0; k--) {
        let s = b[k]!;
        for (let j = k + 1; j < n; j++) s -= a[k * n + j]! * b[j]!;
        b[k] = s / a[k * n + k]!;
      }
    },
  };
}

export function solveDaeLocal(problem: DaeProblem, y0: Float64Array, opts: SolveOptions): SolveResult {
  const n = problem.n;
  const rtol = opts.rtol ?? 1e-6;
  const atolOpt = opts.atol ?? 1e-8;
  const atol = typeof atolOpt === 'number' ? new Float64Array(n).fill(atolOpt) : atolOpt;
  const M = problem.massDiag ?? new Float64Array(n).fill(1);
  const st = problem.structure ?? { kind: 'dense' as const };
  const lin = st.kind === 'banded' ? bandedLU(n, st.lower, st.upper) : denseLU(n);
  const stats: SolveStats = {
    steps: 0,
    rejectedSteps: 0,
    fEvals: 0,
    jacobianEvals: 0,
    factorisations: 0,
    newtonIterations: 0,
  };
  const maxStep = opts.maxStep ?? Infinity;
  const maxSteps = opts.maxSteps ?? 100000;
  const events = opts.events ?? [];
  const tEval = opts.tEval ? Array.from(opts.tEval) : undefined;
  const saveSteps = opts.saveSteps ?? !tEval;
  const fbuf = new Float64Array(n);
  const J = { add: (i: number, j: number, v: number) => lin.add(i, j, -v) };
  const jacobianInto = (t: number, y: Float64Array, c: number): void => {
    lin.clear();
    stats.jacobianEvals++;
    if (problem.jacobian) problem.jacobian(t, y, J);
    else {
      // plain finite differences (slow; every liquid model provides an analytic Jacobian)
      const f0 = new Float64Array(n);
      const f1 = new Float64Array(n);
      problem.f(t, y, f0);
      const yy = y.slice();
      for (let j = 0; j < n; j++) {
        const h = 1e-7 * Math.max(Math.abs(y[j]!), 1e-5);
        yy[j] = y[j]! + h;
        problem.f(t, yy, f1);
        yy[j] = y[j]!;
        for (let i = 0; i < n; i++) if (f1[i] !== f0[i]) lin.add(i, j, -(f1[i]! - f0[i]!) / h);
      }
      stats.fEvals += n + 1;
    }
    for (let i = 0; i < n; i++) if (M[i] !== 0) lin.add(i, i, c * M[i]!);
    stats.factorisations++;
  };

  const t0 = opts.t0;
  const tEnd = opts.tEnd;
  const y = y0.slice();
  // consistent algebraic unknowns
  if (opts.initialiseAlgebraic !== false) {
    for (let it = 0; it < 30; it++) {
      problem.f(t0, y, fbuf);
      stats.fEvals++;
      let res = 0;
      for (let i = 0; i < n; i++) if (M[i] === 0) res = Math.max(res, Math.abs(fbuf[i]!));
      lin.clear();
      if (problem.jacobian) problem.jacobian(t0, y, { add: (i, j, v) => (M[i] === 0 ? lin.add(i, j, v) : undefined) });
      for (let i = 0; i < n; i++) if (M[i] !== 0) lin.add(i, i, 1);
      if (!lin.factor()) break;
      for (let i = 0; i < n; i++) fbuf[i] = M[i] === 0 ? -fbuf[i]! : 0;
      lin.solve(fbuf);
      let dmax = 0;
      for (let i = 0; i < n; i++) {
        y[i] = y[i]! + fbuf[i]!;
        dmax = Math.max(dmax, Math.abs(fbuf[i]!) / (atol[i]! + rtol * Math.abs(y[i]!)));
      }
      if (dmax < 1e-3 || res === 0) break;
    }
  }
  const out: SolveResult = { status: 'done', t: [], y: [], tFinal: t0, yFinal: y.slice(), events: [], stats };
  const push = (t: number, yy: Float64Array): void => {
    out.t.push(t);
    out.y.push(yy.slice());
  };
  let evalIdx = 0;
  if (tEval) {
    while (evalIdx < tEval.length && tEval[evalIdx]! <= t0) {
      if (tEval[evalIdx] === t0) push(t0, y);
      evalIdx++;
    }
  } else if (saveSteps) push(t0, y);

  // history
  let yPrev = y.slice(); // y_{n-1}
  let yPrev2 = y.slice(); // y_{n-2}
  let tPrev = t0;
  let tPrev2 = t0;
  let order = 1;
  let tCur = t0;
  const yCur = y.slice();
  let h = opts.firstStep ?? Math.min(1e-3 * Math.max(1, Math.abs(tEnd - t0)) * 1e-3, maxStep, tEnd - t0);
  const ynew = new Float64Array(n);
  const ypred = new Float64Array(n);
  const rhsConst = new Float64Array(n);
  const del = new Float64Array(n);
  let jacC = NaN; // α0/h of the current factorisation
  let jacFresh = false;
  let gPrev = events.map((e) => e.g(t0, y));

  while (tCur < tEnd) {
    if (stats.steps >= maxSteps) {
      out.status = 'failed';
      out.message = `maximum number of steps (${maxSteps}) reached at t = ${tCur}`;
      break;
    }
    if (h > maxStep) h = maxStep;
    if (tCur + h > tEnd) h = tEnd - tCur;
    // coefficients: M(α0 y + α1 y_n + α2 y_{n−1})/h = f
    let a0: number, a1: number, a2: number;
    const w = order === 2 ? h / (tCur - tPrev) : 0;
    if (order === 1) {
      a0 = 1;
      a1 = -1;
      a2 = 0;
      for (let i = 0; i < n; i++)
        ypred[i] = yCur[i]! + (((yCur[i]! - yPrev[i]!) * h) / Math.max(tCur - tPrev, 1e-300)) * (tCur > tPrev ? 1 : 0);
    } else {
      a0 = (1 + 2 * w) / (1 + w);
      a1 = -(1 + w);
      a2 = (w * w) / (1 + w);
      // quadratic predictor through (tPrev2, tPrev, tCur)
      const tn = tCur + h;
      const l0 = ((tn - tPrev) * (tn - tCur)) / ((tPrev2 - tPrev) * (tPrev2 - tCur));
      const l1 = ((tn - tPrev2) * (tn - tCur)) / ((tPrev - tPrev2) * (tPrev - tCur));
      const l2 = ((tn - tPrev2) * (tn - tPrev)) / ((tCur - tPrev2) * (tCur - tPrev));
      const ok = tPrev2 < tPrev;
      for (let i = 0; i < n; i++)
        ypred[i] = ok
          ? l0 * yPrev2[i]! + l1 * yPrev[i]! + l2 * yCur[i]!
          : yCur[i]! + ((yCur[i]! - yPrev[i]!) * h) / (tCur - tPrev);
    }
    const c = a0 / h;
    for (let i = 0; i < n; i++) rhsConst[i] = (a1 * yCur[i]! + a2 * yPrev[i]!) / h;
    ynew.set(ypred);
    const tn = tCur + h;
    if (!(Math.abs(c - jacC) <= 0.2 * jacC) || !jacFresh) {
      jacobianInto(tn, ynew, c);
      if (!lin.factor()) {
        h *= 0.25;
        jacFresh = false;
        if (h < 1e-12) {
          out.status = 'failed';
          out.message = `singular iteration matrix at t = ${tCur}`;
          break;
        }
        continue;
      }
      jacC = c;
      jacFresh = true;
    }
    // Newton (iteration matrix built with jacC; scaled by c/jacC mismatch is tolerated)
    let converged = false;
    let prevNorm = Infinity;
    for (let it = 0; it < 6; it++) {
      problem.f(tn, ynew, fbuf);
      stats.fEvals++;
      stats.newtonIterations++;
      for (let i = 0; i < n; i++) del[i] = fbuf[i]! - (M[i] !== 0 ? M[i]! * (c * ynew[i]! + rhsConst[i]!) : 0);
      lin.solve(del);
      let nrm = 0;
      for (let i = 0; i < n; i++) {
        ynew[i] = ynew[i]! + del[i]!;
        const s = del[i]! / (atol[i]! + rtol * Math.abs(ynew[i]!));
        nrm += s * s;
      }
      nrm = Math.sqrt(nrm / n);
      if (!Number.isFinite(nrm)) break;
      if (nrm < 0.03 || (it > 0 && nrm < 0.3 && (nrm * (nrm / prevNorm)) / (1 - nrm / prevNorm) < 0.03)) {
        converged = true;
        break;
      }
      if (it > 1 && nrm > 2 * prevNorm) break;
      prevNorm = nrm;
    }
    if (!converged) {
      stats.rejectedSteps++;
      if (jacFresh && Math.abs(c - jacC) < 1e-12 * c) h *= 0.3;
      jacFresh = false;
      if (h < 1e-12 * Math.max(1, Math.abs(tEnd))) {
        out.status = 'failed';
        out.message = `Newton iterations failed to converge at t = ${tCur} (step ${h})`;
        break;
      }
      continue;
    }
    // error estimate
    const kErr = order === 1 ? 0.5 : 2 / 11;
    // local error of the differential unknowns only (algebraic ones follow them: IDA's "suppressalg"),
    // so that kinks of a piecewise-linear set point do not force tiny steps
    let err = 0;
    let nd = 0;
    for (let i = 0; i < n; i++) {
      if (M[i] === 0) continue;
      const s = (kErr * (ynew[i]! - ypred[i]!)) / (atol[i]! + rtol * Math.max(Math.abs(ynew[i]!), Math.abs(yCur[i]!)));
      err += s * s;
      nd++;
    }
    err = Math.sqrt(err / Math.max(nd, 1));
    if (order === 1 && stats.steps === 0) err = Math.min(err, 0.5); // first step: no history for the predictor
    if (err > 1) {
      stats.rejectedSteps++;
      h *= Math.max(0.2, 0.9 * Math.pow(err, -1 / (order + 1)));
      jacFresh = false;
      continue;
    }
    // accept
    stats.steps++;
    // events
    let stopAt: EventHit | undefined;
    if (events.length) {
      for (let e = 0; e < events.length; e++) {
        const ev = events[e]!;
        const g1 = ev.g(tn, ynew);
        const g0 = gPrev[e]!;
        const rising = g0 < 0 && g1 >= 0;
        const falling = g0 > 0 && g1 <= 0;
        if ((ev.direction >= 0 && rising) || (ev.direction <= 0 && falling)) {
          // bisection on the linear interpolant
          let lo = 0;
          let hi = 1;
          const yi = new Float64Array(n);
          for (let it = 0; it < 50; it++) {
            const m = 0.5 * (lo + hi);
            for (let i = 0; i < n; i++) yi[i] = yCur[i]! + m * (ynew[i]! - yCur[i]!);
            const gm = ev.g(tCur + m * h, yi);
            if ((g0 < 0 && gm < 0) || (g0 > 0 && gm > 0)) lo = m;
            else hi = m;
          }
          for (let i = 0; i < n; i++) yi[i] = yCur[i]! + hi * (ynew[i]! - yCur[i]!);
          const hit: EventHit = { name: ev.name, t: tCur + hi * h, y: yi };
          out.events.push(hit);
          if (ev.terminal !== false && (!stopAt || hit.t < stopAt.t)) stopAt = hit;
        }
        gPrev[e] = g1;
      }
    }
    const tStop = stopAt ? stopAt.t : tn;
    if (tEval) {
      while (evalIdx < tEval.length && tEval[evalIdx]! <= tStop) {
        const te = tEval[evalIdx]!;
        const m = (te - tCur) / h;
        const yi = new Float64Array(n);
        for (let i = 0; i < n; i++) yi[i] = yCur[i]! + m * (ynew[i]! - yCur[i]!);
        push(te, yi);
        evalIdx++;
      }
    }
    if (stopAt) {
      if (saveSteps) push(stopAt.t, stopAt.y);
      out.status = 'event';
      out.tFinal = stopAt.t;
      out.yFinal = stopAt.y;
      return out;
    }
    if (saveSteps) push(tn, ynew);
    yPrev2.set(yPrev);
    tPrev2 = tPrev;
    yPrev.set(yCur);
    tPrev = tCur;
    yCur.set(ynew);
    tCur = tn;
    order = 2;
    const fac = Math.min(3, Math.max(0.2, 0.9 * Math.pow(Math.max(err, 1e-10), -1 / 3)));
    // keep the factorisation when the change is small
    h = fac > 1.2 || fac < 1 ? h * fac : h;
    void yPrev2;
  }
  out.tFinal = tCur;
  out.yFinal = yCur.slice();
  if (out.status !== 'failed') out.status = 'done';
  return out;
}
