/**
 * Variable-step, variable-order (1–5) BDF/NDF integrator for  M·y′ = f(t, y)  with a diagonal,
 * possibly singular M (semi-explicit index-1 DAEs).
 *
 * Method: the quasi-constant-step numerical differentiation formulas (NDF) in backward-difference form
 * with the κ coefficients, error constants, step-size change by the R·U transformation and order
 * selection of L. F. Shampine & M. W. Reichelt, "The MATLAB ODE Suite", SIAM J. Sci. Comput. 18(1)
 * (1997) 1–22, doi:10.1137/S1064827594276424 (the algorithm of MATLAB's ode15s and SciPy's `BDF`).
 * The mass matrix enters the corrector as  M·(d + ψ) = c·f(t, y),  c = h/α_k; algebraic rows are
 * divided by c (they read f_i = 0), so their part of the Newton matrix does not depend on h. The
 * simplified Newton iteration reuses J and the LU factors across steps: the matrix is refactorised
 * only when c has moved more than 30 % from the factorised value (the γ-ratio test of CVODE:
 * A. C. Hindmarsh et al., ACM TOMS 31 (2005) 363–396, doi:10.1145/1089014.1089020) or Newton fails,
 * and J is re-evaluated only when Newton fails with a factorisation that is already current.
 *
 * Consistent initialisation: damped Newton on the algebraic equations with the differential unknowns
 * fixed; the initial algebraic derivatives come from the differentiated constraints
 * (∂g/∂y · y′ = −∂g/∂t), so the first step's predictor is consistent.
 *
 * Events: g is checked at every accepted step; a sign change is located on the BDF interpolating
 * polynomial (dense output) with Brent's method.
 */
import type {
  DaeProblem,
  EventHit,
  EventSpec,
  SensitivitySpec,
  SolveOptions,
  SolveResult,
  SolveStats,
} from './types.ts';
import { createLinearSystem, type LinearSystem } from './system.ts';
import type { LinearChains } from './condensed.ts';
import { brent } from './roots.ts';
import { acquireState, type StateLease } from './state-kernel.ts';

const MAX_ORDER = 5;
const NEWTON_MAXITER = 4;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;
const EPS = 2.220446049250313e-16;
const SQRT_EPS = Math.sqrt(EPS);
/** refactorise when |c/c_LU − 1| exceeds this (CVODE's DGMAX) */
const LU_REUSE_TOL = 0.3;
/** do not increase the step for gains below this (saves factorisations) */
const MIN_GROWTH = 1.2;
/**
 * a terminal event is located when |g| ≤ this × |g's change over the step| (or when its bracket is
 * 1e-12 of t wide). A looser 1e-9 saves one more corrector solve on the BPX 1C discharge, but leaves a
 * CC phase's end voltage 5e-11 V past its cut-off, which the cycler's CC-CV bookkeeping (machine.ts: the
 * CC end row is popped from the series, not from the step's min/max) then reports as the step's maximum.
 */
const EVENT_G_TOL = 1e-12;
/** systems up to this size take the small-system paths (loops instead of typed-array builtins, …) */
const SMALL_N = 8;
/**
 * the shortcuts that give the same doubles as the plain operations (the small-system loops, the integer power of
 * Newton's convergence test, the triangular U of the step-size change); off: the plain operations (tests compare)
 */
let shortcuts = true;
let smallN = SMALL_N;

/** switches the exact shortcuts on or off (tests compare both bit for bit); returns the previous setting */
export function useBdfShortcuts(on: boolean): boolean {
  const was = shortcuts;
  shortcuts = on;
  smallN = on ? SMALL_N : 0;
  return was;
}

const KAPPA = [0, -0.185, -1 / 9, -0.0823, -0.0415, 0];
const GAMMA = new Float64Array(MAX_ORDER + 1);
for (let k = 1; k <= MAX_ORDER; k++) GAMMA[k] = GAMMA[k - 1]! + 1 / k;
const ALPHA = new Float64Array(MAX_ORDER + 1);
const ERROR_CONST = new Float64Array(MAX_ORDER + 2);
for (let k = 0; k <= MAX_ORDER; k++) {
  ALPHA[k] = (1 - KAPPA[k]!) * GAMMA[k]!;
  ERROR_CONST[k] = KAPPA[k]! * GAMMA[k]! + 1 / (k + 1);
}
ERROR_CONST[MAX_ORDER + 1] = 1 / (MAX_ORDER + 2);

/** Options beyond the shared SolveOptions (all optional). */
export interface DaeSolverOptions extends SolveOptions {
  /** include algebraic unknowns in the local error estimate (default true, as DASSL); false excludes them (IDA's suppressalg) */
  algebraicErrorControl?: boolean;
  /**
   * Newton convergence test with a remembered convergence rate (CVODE: ‖δ‖·min(1, rate) ≤ newtonTol,
   * the rate carried over from step to step and reset to 1 when the matrix is refactorised), so that a
   * good predictor converges in one iteration. newtonTol is in the weighted RMS norm of the error test
   * (CVODE uses 0.1 × the error-test tolerance; about 0.03–0.1 here). Absent (default): the strict test
   * of SciPy's BDF (tolerance max(10ε/rtol, min(0.03, √rtol)), at least two iterations unless the first
   * update is negligible).
   */
  newtonTol?: number;
  /**
   * shrink the step at once after an accepted step whose error estimate exceeds half the tolerance, by
   * IDA's rule (idaCompleteStep: h ← h·clamp((2·err + 1e-4)^(−1/(k+1)), 0.5, 0.9); Hindmarsh et al., ACM
   * TOMS 31 (2005) 363, doi:10.1145/1089014.1089020), rather than keeping h for order + 1 steps (SciPy's
   * BDF, the default) until a step fails its error test: where the error grows step by step (the knee of
   * a discharge), the rejected attempts — each a Newton solve, often a refactorisation — are saved
   */
  earlyShrink?: boolean;
  /**
   * the consistent initialisation keeps the J (and its factorisation) of an earlier Newton iterate, instead
   * of a fresh pair at the consistent point, when its iterates moved the state by less than this since
   * that J, relative (the steps' weighted RMS norms × rtol); the initial slope and the first step then
   * start from it. Default 0: always a fresh pair. The liquid constant-current driver passes 1e-3
   * (../cycler/profile-drive.ts LIQUID_INIT_J_KEEP)
   */
  initialJacobianKeep?: number;
  /**
   * Receives every output sample (accepted steps when saveSteps, tEval times, the terminal event)
   * instead of the result's t / y arrays, which then stay empty. y is a view into the solver's
   * workspace, valid only during the call (copy what you keep). Saves a copy of the state per sample
   * when the caller needs only a few outputs of it.
   */
  output?: (t: number, y: Float64Array, s?: readonly Float64Array[]) => void;
  /**
   * forward sensitivities ∂y/∂p (types.ts SensitivitySpec): integrated with the state, handed to output
   * (third argument, views valid only during the call) or returned in the result's s / sFinal
   */
  sensitivity?: SensitivitySpec;
  /**
   * times where f is not smooth in t (the kinks of a piecewise-linear set point, the jumps of a
   * piecewise-constant one), sorted in the direction of integration: no step crosses one, so that the
   * BDF history never spans a kink (steps across kinks fail the error test and are rejected, and the
   * order drops, one kink after the other). Times outside (t0, tEnd) are ignored.
   */
  breakpoints?: Float64Array | readonly number[];
}

/** workspace of the forward sensitivities of one solve */
interface SensWork {
  readonly np: number;
  readonly spec: SensitivitySpec;
  /** per parameter: the difference history (as D) */
  readonly D: Float64Array[];
  /** per parameter: the correction of the current step (as d) */
  readonly d: Float64Array[];
  /** per parameter: views of D[0..n) (the current sensitivities) */
  readonly cur: Float64Array[];
  /** per parameter: dense-output buffers */
  readonly out: Float64Array[];
  readonly atol: Float64Array;
  /** f at the step's solution, the right-hand side, predictor, ψ, error weights, the update */
  readonly fy: Float64Array;
  readonly F: Float64Array;
  readonly pred: Float64Array;
  readonly psi: Float64Array;
  readonly scale: Float64Array;
  readonly r: Float64Array;
  /** the state the corrector linearises about */
  readonly y: Float64Array;
  /** remembered convergence rate of the sensitivity corrector, and the factorisation it belongs to */
  crate: number;
  crateLu: number;
}

export interface DaeSolver {
  readonly n: number;
  /** the linear solver picked for the problem's structure */
  readonly linearSolver: string;
  solve(y0: Float64Array, opts: DaeSolverOptions): SolveResult;
}

/** a sign change of an event function from g0 to g1 in its direction (+1 rising, −1 falling, 0 both) */
function crosses(g0: number, g1: number, direction: -1 | 0 | 1): boolean {
  if (!(g0 !== 0 && g1 !== 0 ? g0 * g1 < 0 : g0 !== 0 && g1 === 0)) return false;
  return direction === 0 || (direction === 1) === g1 > g0;
}

/**
 * SciPy's test that Newton will not converge in the iterations left: (rate^p / (1 − rate))·dyNorm > tol
 * (0 ≤ rate < 1, p ≥ 1 an integer), the same boolean as with Math.pow. rate^p by p − 1 products, within
 * (p − 1)·1.2e-16 relative of Math.pow's rate^p (itself within 1 ulp); then the same operations. Only a
 * value within 1e-12 relative of tol (or an underflowing rate^p) is decided with Math.pow itself.
 */
function slowConvergence(rate: number, p: number, dyNorm: number, tol: number): boolean {
  if (!shortcuts) return (Math.pow(rate, p) / (1 - rate)) * dyNorm > tol;
  const q = intPow(rate, p);
  if (q > 1e-250) {
    const v = (q / (1 - rate)) * dyNorm;
    if (v > tol * (1 + 1e-12)) return true;
    if (v < tol * (1 - 1e-12)) return false;
  }
  return (Math.pow(rate, p) / (1 - rate)) * dyNorm > tol;
}

/**
 * the order selection of Shampine & Reichelt: −1, 0 or +1, the order whose step factor is the largest of
 * fM = errM^(−1/k) (hasM), f0 = err^(−1/(k+1)), fP = errP^(−1/(k+2)) (hasP), f0 on a tie with fM, fM on one with
 * fP (the plain comparisons below). Shortcut: a^(−1/p) > b^(−1/q) ⟺ b^p > a^q (positive a, b), the powers by
 * products (within 1e-15 relative) — decided so where the two sides differ by more than 1e-12 relative (the
 * factors then by more than 1e-12/42, far beyond Math.pow's 1 ulp) and the norms lie in [1e-40, 1e40]; otherwise
 * by the plain comparisons of Math.pow's factors. The same answer, two Math.pow fewer per selection
 */
function orderChange(errM: number, err: number, errP: number, k: number, hasM: boolean, hasP: boolean): number {
  if (shortcuts && inPowRange(err) && (!hasM || inPowRange(errM)) && (!hasP || inPowRange(errP))) {
    let delta = 0;
    let bBase = err;
    let bExp = k + 1;
    let decided = true;
    if (hasM) {
      const c = compareRoots(errM, k, err, k + 1);
      if (c === 0) decided = false;
      else if (c > 0) {
        delta = -1;
        bBase = errM;
        bExp = k;
      }
    }
    if (decided && hasP) {
      const c = compareRoots(errP, k + 2, bBase, bExp);
      if (c === 0) decided = false;
      else if (c > 0) delta = 1;
    }
    if (decided) return delta;
  }
  const fM = hasM ? Math.pow(errM, -1 / k) : 0;
  const f0 = Math.pow(err, -1 / (k + 1));
  const fP = hasP ? Math.pow(errP, -1 / (k + 2)) : 0;
  let delta = 0;
  let best = f0;
  if (fM > best) {
    best = fM;
    delta = -1;
  }
  if (fP > best) delta = 1;
  return delta;
}

const inPowRange = (x: number): boolean => x >= 1e-40 && x <= 1e40;

/** x^p (p ≥ 1 an integer) by p − 1 products */
function intPow(x: number, p: number): number {
  let q = x;
  for (let i = 1; i < p; i++) q *= x;
  return q;
}

/** the sign of a^(−1/p) − b^(−1/q) (b^p against a^q), 0 where the two lie within 1e-12 relative */
function compareRoots(a: number, p: number, b: number, q: number): number {
  const l = intPow(b, p);
  const r = intPow(a, q);
  if (l > r * (1 + 1e-12)) return 1;
  if (l < r * (1 - 1e-12)) return -1;
  return 0;
}

/** R(order, factor) of Shampine & Reichelt: (order+1)² entries, row-major, into out */
function computeR(order: number, factor: number, out: Float64Array): void {
  const s = order + 1;
  out.fill(0, 0, s * s);
  for (let j = 0; j < s; j++) out[j] = 1; // row 0
  for (let i = 1; i < s; i++) {
    for (let j = 1; j < s; j++) {
      const mij = (i - 1 - factor * j) / i;
      out[i * s + j] = out[(i - 1) * s + j]! * mij;
    }
    out[i * s] = 0;
  }
}

/** U = R(order, 1) of each order (constant) */
const U_OF_ORDER: readonly Float64Array[] = Array.from({ length: MAX_ORDER + 1 }, (_, order) => {
  const u = new Float64Array((order + 1) * (order + 1));
  computeR(order, 1, u);
  return u;
});

/** the plain R·U of Shampine & Reichelt into RU: R = R(order, factor) into R, the full sums over k */
function plainRU(order: number, factor: number, R: Float64Array, RU: Float64Array): void {
  const s = order + 1;
  const U = U_OF_ORDER[order]!;
  computeR(order, factor, R);
  for (let i = 0; i < s; i++)
    for (let j = 0; j < s; j++) {
      let acc = 0;
      for (let k = 0; k < s; k++) acc += R[i * s + k]! * U[k * s + j]!;
      RU[i * s + j] = acc;
    }
}

/** row 0 of R·U of each order: R's row 0 is all ones whatever the factor (the sums of plainRU, in its order) */
const RU_ROW0: readonly Float64Array[] = U_OF_ORDER.map((U, order) => {
  const s = order + 1;
  const row = new Float64Array(s);
  for (let j = 0; j < s; j++) {
    let acc = 0;
    for (let k = 0; k <= j; k++) acc += 1 * U[k * s + j]!;
    row[j] = acc;
  }
  return row;
});
/** a row of R (R[i][k] from R[i−1][k] in place) */
const R_ROW = new Float64Array(MAX_ORDER + 1);

/**
 * plainRU's doubles with fewer operations: U is upper triangular (its entries below the diagonal are ±0, so R's
 * finite terms times them add ±0 to a sum that starts at +0, which leaves it as it is): the sums run over k ≤ j;
 * R's column 0 is 0 below row 0 (its terms add +0 likewise) and its row 0 is all ones (RU_ROW0); R's entries
 * R[i][k] = R[i−1][k]·((i − 1 − factor·k)/i), the division by 1, 2 or 4 as the product with 1, 0.5 or 0.25 (the
 * same double: a power of two)
 */
function fastRU(order: number, factor: number, RU: Float64Array): void {
  const s = order + 1;
  const U = U_OF_ORDER[order]!;
  const row0 = RU_ROW0[order]!;
  const r = R_ROW;
  for (let j = 0; j < s; j++) RU[j] = row0[j]!;
  for (let k = 1; k < s; k++) r[k] = 1;
  for (let i = 1; i < s; i++) {
    const inv = i === 1 ? 1 : i === 2 ? 0.5 : i === 4 ? 0.25 : 0;
    for (let k = 1; k < s; k++) {
      const num = i - 1 - factor * k;
      r[k] = r[k]! * (inv !== 0 ? num * inv : num / i);
    }
    const o = i * s;
    RU[o] = 0;
    for (let j = 1; j < s; j++) {
      let acc = 0;
      for (let k = 1; k <= j; k++) acc += r[k]! * U[k * s + j]!;
      RU[o + j] = acc;
    }
  }
}

class BdfSolver implements DaeSolver {
  readonly n: number;
  readonly linearSolver: string;
  /** the problem being solved (solveDae hands a solver on to a new problem of the same layout: adopt) */
  private p: DaeProblem;
  /** a solve is running (its f may start a nested solve, which must not take this solver) */
  private busy = false;
  private readonly sys: LinearSystem;
  /** the problem's linear trees kept out of the Newton loop (null: none declared or none qualify) */
  private readonly chains: LinearChains | null;
  private m: Float64Array;
  private readonly isAlg: Uint8Array;
  private readonly nAlg: number;
  /** M = I (no mass matrix, or one of ones) */
  private readonly unitMass: boolean;
  private D: Float64Array;
  private readonly y: Float64Array;
  private yPred: Float64Array;
  private d: Float64Array;
  private psi: Float64Array;
  private scale: Float64Array;
  /** 1/scale of the predictor (set by predict() or updateD(); the Newton norm multiplies by it) */
  private invScale: Float64Array;
  /** the corrector's row weights for c = cwFor: c on differential rows, 1 on algebraic ones */
  private cw: Float64Array;
  private cwFor = NaN;
  /** c for which cw holds on the Newton loop's unknowns of the linear trees' reduced iteration (chains.keep) */
  private cwKeepFor = NaN;
  private fv: Float64Array;
  private readonly f1: Float64Array;
  private dy: Float64Array;
  private yTmp: Float64Array;
  private atolV: Float64Array;
  private readonly wIter: Float64Array;
  private readonly wInit: Float64Array;
  private readonly yOut: Float64Array;
  private readonly R: Float64Array;
  private RU: Float64Array;
  /** applyRU's workspace for orders without an unrolled case (allocated on first use) */
  private DtmpBuf: Float64Array | null = null;
  private readonly pcum: Float64Array;
  /** projection workspace (events on consistent states): residual and update */
  private readonly fp: Float64Array;
  private readonly dp: Float64Array;
  private DsaveBuf: Float64Array | null = null;
  /** the linear system holds the projection matrix diag(m) − diag(wInit)·J for this step's events */
  private projReady = false;
  private stats: SolveStats = {
    steps: 0,
    rejectedSteps: 0,
    fEvals: 0,
    jacobianEvals: 0,
    factorisations: 0,
    newtonIterations: 0,
  };
  private rtol = 1e-6;
  private errAlg = true;
  // Newton / LU state of the current solve (fields rather than closure variables: the step loop is
  // split into small methods so that V8 optimises them quickly)
  private luValid = false;
  private cLu = NaN;
  private crate = 1;
  private newtonTol = 1e-3;
  private remember = false;
  private nIter = 0;
  /** order for which yPred, ψ and scale already hold the next predictor (set by updateD, −1: none) */
  private predFor = -1;
  /** forward sensitivities of the current solve (null: none) */
  private sens: SensWork | null = null;
  /** the order selection's error norms at orders k − 1 and k + 1 of the last errorNorm(…, select) */
  private errM = 0;
  private errP = 0;
  /**
   * during a solve of a large system: its D, predictor, ψ, weights, d, yTmp, atol and RU in the thread's
   * WebAssembly arena, with the kernel's sweeps for updateD, applyRU and errorNorm (./state-kernel.ts);
   * null: the solver's own arrays and the JavaScript loops (small systems, no WebAssembly, nested solves)
   */
  private sa: StateLease | null = null;
  /** the solver's own arrays of those (used when no lease is held) */
  private readonly own: {
    readonly D: Float64Array;
    readonly yPred: Float64Array;
    readonly d: Float64Array;
    readonly psi: Float64Array;
    readonly scale: Float64Array;
    readonly invScale: Float64Array;
    readonly yTmp: Float64Array;
    readonly atolV: Float64Array;
    readonly RU: Float64Array;
    readonly m: Float64Array;
    readonly cw: Float64Array;
    readonly fv: Float64Array;
    readonly dy: Float64Array;
  };

  constructor(problem: DaeProblem) {
    const n = problem.n;
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`problem.n: must be an integer ≥ 1 (got ${n})`);
    if (typeof problem.f !== 'function') throw new TypeError('problem.f: must be a function f(t, y, out)');
    this.p = problem;
    this.n = n;
    this.sys = createLinearSystem(n, problem.structure, problem.massDiag);
    this.linearSolver = this.sys.describe();
    const lin = problem.linearRows;
    this.chains =
      lin && typeof problem.fNonlinear === 'function' && problem.jacobian && this.sys.linearChains
        ? this.sys.linearChains(lin)
        : null;
    if (this.chains)
      this.linearSolver += `, ${this.n - this.chains.keep.length} linear unknowns out of the Newton loop`;
    this.m = new Float64Array(n).fill(1);
    this.isAlg = new Uint8Array(n);
    let nAlg = 0;
    if (problem.massDiag) {
      if (problem.massDiag.length !== n)
        throw new RangeError(`problem.massDiag: length must be n = ${n} (got ${problem.massDiag.length})`);
      for (let i = 0; i < n; i++) {
        const v = problem.massDiag[i]!;
        if (!(Number.isFinite(v) && v >= 0))
          throw new RangeError(
            `problem.massDiag.${i}: must be finite and ≥ 0 (got ${v}; allowed 0 for algebraic, > 0 for differential)`,
          );
        this.m[i] = v;
        if (v === 0) {
          this.isAlg[i] = 1;
          nAlg++;
        }
      }
    }
    this.nAlg = nAlg;
    this.unitMass = this.m.every((v) => v === 1);
    this.D = new Float64Array((MAX_ORDER + 3) * n);
    this.y = new Float64Array(n);
    this.yPred = new Float64Array(n);
    this.d = new Float64Array(n);
    this.psi = new Float64Array(n);
    this.scale = new Float64Array(n);
    this.invScale = new Float64Array(n);
    this.cw = new Float64Array(n);
    this.fv = new Float64Array(n);
    this.f1 = new Float64Array(n);
    this.dy = new Float64Array(n);
    this.yTmp = new Float64Array(n);
    this.atolV = new Float64Array(n);
    this.wIter = new Float64Array(n);
    this.wInit = new Float64Array(n);
    for (let i = 0; i < n; i++) this.wInit[i] = this.isAlg[i] ? -1 : 0;
    this.yOut = new Float64Array(n);
    const s = MAX_ORDER + 1;
    this.R = new Float64Array(s * s);
    this.RU = new Float64Array(s * s);
    const { D, yPred, d, psi, scale, invScale, yTmp, atolV, RU, m, cw, fv, dy } = this;
    this.own = { D, yPred, d, psi, scale, invScale, yTmp, atolV, RU, m, cw, fv, dy };
    this.pcum = new Float64Array(MAX_ORDER + 1);
    this.fp = new Float64Array(n);
    this.dp = new Float64Array(n);
  }

  private evalF(t: number, y: Float64Array, out: Float64Array): void {
    this.p.f(t, y, out);
    this.stats.fEvals++;
  }

  private finite(v: Float64Array): boolean {
    for (let i = 0; i < this.n; i++) if (!Number.isFinite(v[i]!)) return false;
    return true;
  }

  /** J at (t, y); f0 = f(t, y) must be given for the finite-difference Jacobian */
  private evalJ(t: number, y: Float64Array, f0: Float64Array): void {
    const sys = this.sys;
    sys.clearJ();
    this.chains?.invalidate();
    this.stats.jacobianEvals++;
    if (this.p.jacobian) {
      const held = sys.linearRowsHeld === true;
      this.p.jacobian(t, y, sys);
      // the linear rows' entries: kept from the solve's first evaluation, put back after the others
      if (this.chains) {
        sys.endJ?.();
        // the state kernel's copy of J (its trees' factorisation reads it; held: their entries unchanged)
        if (this.sa !== null) this.sa.setJ(this.chains.jacobianValues, held);
      }
      return;
    }
    const n = this.n;
    const yt = this.yTmp;
    const f1 = this.f1;
    const dl = this.dy; // perturbations, reused
    yt.set(y);
    const { groupPtr, groupCols, colPtr, colRows } = sys;
    const nGroups = groupPtr.length - 1;
    for (let g = 0; g < nGroups; g++) {
      for (let q = groupPtr[g]!; q < groupPtr[g + 1]!; q++) {
        const j = groupCols[q]!;
        const typ = this.atolV[j]! / this.rtol;
        const ref = Math.max(Math.abs(y[j]!), typ, 1e-300);
        const yj = y[j]! + SQRT_EPS * ref;
        yt[j] = yj;
        dl[j] = yj - y[j]!;
      }
      this.evalF(t, yt, f1);
      for (let q = groupPtr[g]!; q < groupPtr[g + 1]!; q++) {
        const j = groupCols[q]!;
        const inv = 1 / dl[j]!;
        for (let e = colPtr[j]!; e < colPtr[j + 1]!; e++) {
          const i = colRows[e]!;
          const v = (f1[i]! - f0[i]!) * inv;
          if (v !== 0) sys.add(i, j, v);
        }
        yt[j] = y[j]!;
      }
    }
    void n;
  }

  /**
   * error weights scale = atol + rtol·|y| and the weighted RMS norm of C_k·d (the step's local error at
   * order k) in one sweep. select: the order selection follows this step if it is accepted, so the same
   * sweep also gives the norms it needs, which it would take of the history after updateD(k) —
   * errM = ‖C_{k−1}·D[k]‖ (D[k] + d there) and errP = ‖C_{k+1}·D[k+2]‖ (d − D[k+1] there), into
   * this.errM / this.errP — with the same operations, so the same doubles
   */
  private errorNorm(y: Float64Array, order: number, select: boolean): number {
    const { n, scale, atolV, d, isAlg, D } = this;
    const rtol = this.rtol;
    const all = this.errAlg;
    const mult = ERROR_CONST[order]!;
    const sa = this.sa;
    if (sa !== null && y === this.yTmp) {
      // the kernel's sweep (the same operations): the sums; the rows counted are all or the differential ones
      const cntK = all ? n : n - this.nAlg;
      const multM = select ? ERROR_CONST[order - 1]! : 0;
      const multP = select ? ERROR_CONST[order + 1]! : 0;
      const sK = sa.errorSums(order, rtol, all, mult, select, multM, multP);
      if (select) {
        const sums = sa.selectSums;
        this.errM = cntK > 0 ? Math.sqrt(sums[0]! / cntK) : 0;
        this.errP = cntK > 0 ? Math.sqrt(sums[1]! / cntK) : 0;
      }
      return cntK > 0 ? Math.sqrt(sK / cntK) : 0;
    }
    let s = 0;
    let cnt = 0;
    if (!select) {
      for (let i = 0; i < n; i++) {
        const w = atolV[i]! + rtol * Math.abs(y[i]!);
        scale[i] = w;
        if (!all && isAlg[i]) continue;
        const e = (mult * d[i]!) / w;
        s += e * e;
        cnt++;
      }
      return cnt > 0 ? Math.sqrt(s / cnt) : 0;
    }
    const multM = ERROR_CONST[order - 1]!;
    const multP = ERROR_CONST[order + 1]!;
    const ok = order * n;
    const o1 = (order + 1) * n;
    let sM = 0;
    let sP = 0;
    for (let i = 0; i < n; i++) {
      const w = atolV[i]! + rtol * Math.abs(y[i]!);
      scale[i] = w;
      if (!all && isAlg[i]) continue;
      const di = d[i]!;
      const e = (mult * di) / w;
      s += e * e;
      const eM = (multM * (D[ok + i]! + di)) / w;
      sM += eM * eM;
      const eP = (multP * (di - D[o1 + i]!)) / w;
      sP += eP * eP;
      cnt++;
    }
    this.errM = cnt > 0 ? Math.sqrt(sM / cnt) : 0;
    this.errP = cnt > 0 ? Math.sqrt(sP / cnt) : 0;
    return cnt > 0 ? Math.sqrt(s / cnt) : 0;
  }

  private normAll(v: Float64Array, scale: Float64Array): number {
    const n = this.n;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const e = v[i]! / scale[i]!;
      s += e * e;
    }
    return Math.sqrt(s / n);
  }

  /** A = diag(m) − diag(w)·J with w = c (differential rows) or 1 (algebraic rows), factorised */
  private factorIter(c: number): boolean {
    const { n, isAlg, wIter } = this;
    for (let i = 0; i < n; i++) wIter[i] = isAlg[i] ? 1 : c;
    this.stats.factorisations++;
    const ok = this.sys.factor(this.m, wIter, c);
    this.luValid = ok;
    this.cLu = c;
    this.crate = 1;
    return ok;
  }

  /** predictor y_pred = Σ D[0..order], its error scale, and ψ (row sweeps over D; same sums, same order) */
  private predict(order: number): void {
    const { n, D, yPred, scale, invScale, psi, atolV } = this;
    const rtol = this.rtol;
    if (this.predFor === order) {
      // yPred, ψ and the weights 1/scale were computed by updateD for this step (scale itself is first
      // read after errorNorm sets it)
      this.predFor = -1;
      return;
    }
    this.predFor = -1;
    const alpha = ALPHA[order]!;
    for (let i = 0; i < n; i++) {
      yPred[i] = D[i]!;
      psi[i] = 0;
    }
    for (let j = 1; j <= order; j++) {
      const o = j * n;
      const g = GAMMA[j]!;
      for (let i = 0; i < n; i++) {
        const v = D[o + i]!;
        yPred[i]! += v;
        psi[i]! += g * v;
      }
    }
    for (let i = 0; i < n; i++) {
      const w = atolV[i]! + rtol * Math.abs(yPred[i]!);
      scale[i] = w;
      invScale[i] = 1 / w;
      psi[i] = psi[i]! / alpha;
    }
  }

  /**
   * Simplified Newton iteration for the corrector at tNew with c = h/α (the matrix must be factorised);
   * leaves the solution in yTmp and the correction in d. Returns true when converged; this.nIter holds
   * the iterations done.
   */
  private newton(tNew: number, c: number, maxIter = NEWTON_MAXITER): boolean {
    const { n, d, yTmp: yNew, yPred, fv, dy, isAlg, m, psi, invScale, sys, stats, cw } = this;
    const ch = this.chains;
    if (ch !== null && sys.condensedActive !== false && ch.factor(m, c)) {
      if (c !== this.cwKeepFor) {
        const keep = ch.keep;
        for (let q = 0; q < keep.length; q++) cw[keep[q]!] = isAlg[keep[q]!] ? 1 : c;
        this.cwKeepFor = c;
        this.cwFor = NaN;
      }
      return this.newtonReduced(tNew, maxIter, ch);
    }
    if (c !== this.cwFor) {
      for (let i = 0; i < n; i++) cw[i] = isAlg[i] ? 1 : c;
      this.cwFor = c;
      this.cwKeepFor = c;
    }
    const unit = this.unitMass && n <= smallN;
    if (n <= smallN) {
      // a small system: the loop costs less than the calls of fill and set
      for (let i = 0; i < n; i++) {
        d[i] = 0;
        yNew[i] = yPred[i]!;
      }
    } else {
      d.fill(0);
      yNew.set(yPred);
    }
    let dyNormOld = -1;
    for (let k = 0; k < maxIter; k++) {
      this.nIter = k + 1;
      stats.newtonIterations++;
      this.evalF(tNew, yNew, fv);
      // residual of the corrector and the finiteness check of f in one sweep (v − v is NaN for ±Inf, NaN);
      // without a branch: an algebraic row has weight 1 and m = 0, so it reads f_i itself
      let bad = 0;
      if (unit) {
        // M = I: the weights are c and the masses 1 (1·x is x), the same doubles with two arrays fewer
        for (let i = 0; i < n; i++) {
          const v = fv[i]!;
          bad += v - v;
          dy[i] = c * v - (psi[i]! + d[i]!);
        }
      } else
        for (let i = 0; i < n; i++) {
          const v = fv[i]!;
          bad += v - v;
          dy[i] = cw[i]! * v - m[i]! * (psi[i]! + d[i]!);
        }
      if (bad !== 0) return false;
      sys.solve(dy);
      // the update is applied together with its norm; on a false return the caller restarts from the
      // predictor, so an update that fails the tests below is never used
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const v = dy[i]!;
        const e = v * invScale[i]!;
        sq += e * e;
        yNew[i]! += v;
        d[i]! += v;
      }
      const dyNorm = Math.sqrt(sq / n);
      const test = this.newtonTest(dyNorm, dyNormOld, k, maxIter);
      if (test !== 0) return test > 0;
      dyNormOld = dyNorm;
    }
    return false;
  }

  /**
   * the convergence test of Newton iteration k with update norm dyNorm (dyNormOld: the previous one,
   * −1 at the first): 1 converged, −1 failed (diverging, too slow, not finite), 0 go on
   */
  private newtonTest(dyNorm: number, dyNormOld: number, k: number, maxIter: number): number {
    if (!Number.isFinite(dyNorm)) return -1;
    const newtonTol = this.newtonTol;
    const rate = dyNormOld >= 0 ? dyNorm / dyNormOld : -1;
    if (this.remember) {
      // CVODE (cvNlsConvTest): divergence when the rate exceeds 2 (RDIV) after the first iteration
      if (rate >= 0) {
        this.crate = Math.max(0.3 * this.crate, rate);
        if (dyNorm > 2 * dyNormOld) return -1;
      }
      return dyNorm * Math.min(1, this.crate) <= newtonTol ? 1 : 0;
    }
    if (rate >= 0 && (rate >= 1 || slowConvergence(rate, maxIter - k, dyNorm, newtonTol))) return -1;
    if (dyNorm === 0 || (rate >= 0 && (rate / (1 - rate)) * dyNorm < newtonTol)) return 1;
    // first iteration: accept a tiny correction directly
    if (rate < 0 && dyNorm < 1e-3 * newtonTol) return 1;
    return 0;
  }

  /**
   * newton() with the problem's linear trees out of the loop (LinearChains, factorised for this c): each
   * tree is solved exactly for the step, its root set from its parent after every update; the iteration
   * and its norm run over the other unknowns and the roots (weighted RMS over those). Same tests and
   * results layout as newton().
   */
  private newtonReduced(tNew: number, maxIter: number, ch: LinearChains): boolean {
    const { d, yTmp: yNew, yPred, fv, dy, m, psi, invScale, stats, cw } = this;
    const { keep, rootV, rootP, alpha, beta } = ch;
    // the kept unknowns' corrector residual and update, compact in keep's order (dy's first nk entries)
    const nk = keep.length;
    const nR = rootV.length;
    const cnt = nk + nR;
    const fNon = this.p.fNonlinear!;
    const rs = ch.bandRowScale;
    const sa = this.sa;
    if (sa !== null) sa.chainRhs();
    else ch.rhs(m, yPred, psi);
    d.fill(0);
    yNew.set(yPred);
    if (sa !== null) return this.newtonReducedKernel(tNew, maxIter, ch, sa);
    for (let r = 0; r < nR; r++) {
      const v = rootV[r]!;
      const p = rootP[r]!;
      const x = alpha[r]! + (p >= 0 ? beta[r]! * yNew[p]! : 0);
      yNew[v] = x;
      d[v] = x - yPred[v]!;
    }
    let dyNormOld = -1;
    for (let k = 0; k < maxIter; k++) {
      this.nIter = k + 1;
      stats.newtonIterations++;
      stats.fEvals++;
      fNon(tNew, yNew, fv);
      let bad = 0;
      if (rs !== null) {
        // the band solve's row scaling in this sweep (the same products as LinearChains.solve's own)
        for (let q = 0; q < nk; q++) {
          const i = keep[q]!;
          const v = fv[i]!;
          bad += v - v;
          dy[q] = (cw[i]! * v - m[i]! * (psi[i]! + d[i]!)) * rs[q]!;
        }
        if (bad !== 0) return false;
        ch.solveScaled(dy);
      } else {
        for (let q = 0; q < nk; q++) {
          const i = keep[q]!;
          const v = fv[i]!;
          bad += v - v;
          dy[q] = cw[i]! * v - m[i]! * (psi[i]! + d[i]!);
        }
        if (bad !== 0) return false;
        ch.solve(dy);
      }
      let sq = 0;
      for (let q = 0; q < nk; q++) {
        const i = keep[q]!;
        const v = dy[q]!;
        const e = v * invScale[i]!;
        sq += e * e;
        yNew[i]! += v;
        d[i]! += v;
      }
      for (let r = 0; r < nR; r++) {
        const v = rootV[r]!;
        const p = rootP[r]!;
        const x = alpha[r]! + (p >= 0 ? beta[r]! * yNew[p]! : 0);
        const e = (x - yNew[v]!) * invScale[v]!;
        sq += e * e;
        yNew[v] = x;
        d[v] = x - yPred[v]!;
      }
      const dyNorm = Math.sqrt(sq / cnt);
      const test = this.newtonTest(dyNorm, dyNormOld, k, maxIter);
      if (test < 0) return false;
      if (test > 0) {
        ch.fill(yNew, yPred, d);
        return true;
      }
      dyNormOld = dyNorm;
    }
    return false;
  }

  /**
   * newtonReduced's iteration with its sweeps in the state kernel (the lease's arrays: the same
   * operations in the same order); ch.rhs has run and yNew, d hold the predictor and 0
   */
  private newtonReducedKernel(tNew: number, maxIter: number, ch: LinearChains, sa: StateLease): boolean {
    const { yTmp: yNew, fv, dy, stats } = this;
    const nk = ch.keep.length;
    const cnt = nk + ch.rootV.length;
    const fNon = this.p.fNonlinear!;
    const rs = ch.bandRowScale;
    // (α and β: the trees' own arrays are the lease's while it is attached)
    if (rs !== null) sa.rs.set(rs);
    // the roots from their parents' predictor (nk = 0: no kept update)
    sa.newtonUpdate(0);
    let dyNormOld = -1;
    for (let k = 0; k < maxIter; k++) {
      this.nIter = k + 1;
      stats.newtonIterations++;
      stats.fEvals++;
      fNon(tNew, yNew, fv);
      if (sa.newtonRhs(rs !== null) !== 0) return false;
      if (rs !== null) ch.solveScaled(dy);
      else ch.solve(dy);
      const dyNorm = Math.sqrt(sa.newtonUpdate(nk) / cnt);
      const test = this.newtonTest(dyNorm, dyNormOld, k, maxIter);
      if (test < 0) return false;
      if (test > 0) {
        sa.chainFill();
        return true;
      }
      dyNormOld = dyNorm;
    }
    return false;
  }

  /**
   * accepted step: D[order+2] ← d − D[order+1], D[order+1] ← d, then D[j] += D[j+1] for j = order..0;
   * in the same sweep the predictor of the next step at this order (yPred and ψ: the sums of predict(),
   * in the same order, and the Newton norm's weights invScale), used when the step size and order stay
   * (predFor; scale keeps the error weights of this step for the order selection). next: the order
   * selection follows this step — D[order+2] is read only when it raises the order (the next updateD's
   * D[order+1]; errorNorm took errP from d and D[order+1] itself), so other steps do not store it
   */
  private updateD(order: number, next: boolean): void {
    const { n, D, d, yPred, psi, invScale, atolV } = this;
    const rtol = this.rtol;
    const alpha = ALPHA[order]!;
    if (this.sa !== null && order >= 1 && order <= MAX_ORDER) {
      this.sa.updateD(order, next, rtol, alpha);
      this.predFor = order;
      return;
    }
    const o1 = (order + 1) * n;
    const o2 = (order + 2) * n;
    // unrolled per order (the sums in the order of predict(): y = D0 + D1 + …, ψ = 0 + γ1·D1 + …)
    const n1 = n;
    const n2 = 2 * n;
    const n3 = 3 * n;
    const n4 = 4 * n;
    const n5 = 5 * n;
    const g1 = GAMMA[1]!;
    const g2 = GAMMA[2]!;
    const g3 = GAMMA[3]!;
    const g4 = GAMMA[4]!;
    const g5 = GAMMA[5]!;
    switch (order) {
      case 1:
        for (let i = 0; i < n; i++) {
          const di = d[i]!;
          if (next) D[o2 + i] = di - D[o1 + i]!;
          D[o1 + i] = di;
          const a1 = D[n1 + i]! + di;
          D[n1 + i] = a1;
          const a0 = D[i]! + a1;
          D[i] = a0;
          const yp = a0 + a1;
          yPred[i] = yp;
          invScale[i] = 1 / (atolV[i]! + rtol * Math.abs(yp));
          psi[i] = (0 + g1 * a1) / alpha;
        }
        break;
      case 2:
        for (let i = 0; i < n; i++) {
          const di = d[i]!;
          if (next) D[o2 + i] = di - D[o1 + i]!;
          D[o1 + i] = di;
          const a2 = D[n2 + i]! + di;
          D[n2 + i] = a2;
          const a1 = D[n1 + i]! + a2;
          D[n1 + i] = a1;
          const a0 = D[i]! + a1;
          D[i] = a0;
          const yp = a0 + a1 + a2;
          yPred[i] = yp;
          invScale[i] = 1 / (atolV[i]! + rtol * Math.abs(yp));
          psi[i] = (0 + g1 * a1 + g2 * a2) / alpha;
        }
        break;
      case 3:
        for (let i = 0; i < n; i++) {
          const di = d[i]!;
          if (next) D[o2 + i] = di - D[o1 + i]!;
          D[o1 + i] = di;
          const a3 = D[n3 + i]! + di;
          D[n3 + i] = a3;
          const a2 = D[n2 + i]! + a3;
          D[n2 + i] = a2;
          const a1 = D[n1 + i]! + a2;
          D[n1 + i] = a1;
          const a0 = D[i]! + a1;
          D[i] = a0;
          const yp = a0 + a1 + a2 + a3;
          yPred[i] = yp;
          invScale[i] = 1 / (atolV[i]! + rtol * Math.abs(yp));
          psi[i] = (0 + g1 * a1 + g2 * a2 + g3 * a3) / alpha;
        }
        break;
      case 4:
        for (let i = 0; i < n; i++) {
          const di = d[i]!;
          if (next) D[o2 + i] = di - D[o1 + i]!;
          D[o1 + i] = di;
          const a4 = D[n4 + i]! + di;
          D[n4 + i] = a4;
          const a3 = D[n3 + i]! + a4;
          D[n3 + i] = a3;
          const a2 = D[n2 + i]! + a3;
          D[n2 + i] = a2;
          const a1 = D[n1 + i]! + a2;
          D[n1 + i] = a1;
          const a0 = D[i]! + a1;
          D[i] = a0;
          const yp = a0 + a1 + a2 + a3 + a4;
          yPred[i] = yp;
          invScale[i] = 1 / (atolV[i]! + rtol * Math.abs(yp));
          psi[i] = (0 + g1 * a1 + g2 * a2 + g3 * a3 + g4 * a4) / alpha;
        }
        break;
      case 5:
        for (let i = 0; i < n; i++) {
          const di = d[i]!;
          if (next) D[o2 + i] = di - D[o1 + i]!;
          D[o1 + i] = di;
          const a5 = D[n5 + i]! + di;
          D[n5 + i] = a5;
          const a4 = D[n4 + i]! + a5;
          D[n4 + i] = a4;
          const a3 = D[n3 + i]! + a4;
          D[n3 + i] = a3;
          const a2 = D[n2 + i]! + a3;
          D[n2 + i] = a2;
          const a1 = D[n1 + i]! + a2;
          D[n1 + i] = a1;
          const a0 = D[i]! + a1;
          D[i] = a0;
          const yp = a0 + a1 + a2 + a3 + a4 + a5;
          yPred[i] = yp;
          invScale[i] = 1 / (atolV[i]! + rtol * Math.abs(yp));
          psi[i] = (0 + g1 * a1 + g2 * a2 + g3 * a3 + g4 * a4 + g5 * a5) / alpha;
        }
        break;
      default:
        throw new RangeError(`order ${order} (internal error)`);
    }
    this.predFor = order;
  }

  /**
   * D[0..order] ← (R·U)ᵀ D[0..order] for a step-size change by factor; which: 0 the state and the
   * sensitivities, 1 the state only (the trial steps of the event search), 2 the sensitivities only
   */
  private changeD(order: number, factor: number, which: 0 | 1 | 2 = 0): void {
    if (shortcuts) fastRU(order, factor, this.RU);
    else plainRU(order, factor, this.R, this.RU);
    if (which !== 2) {
      // the state's history with the next predictor in the same sweep (predFor: predict() then returns at once)
      this.predFor = this.applyRU(this.D, order, true) ? order : -1;
    }
    const sw = this.sens;
    if (which !== 1 && sw) for (let i = 0; i < sw.np; i++) this.applyRU(sw.D[i]!, order);
  }

  /**
   * D[0..order] ← (R·U)ᵀ D[0..order] with RU computed by changeD; pred (the state's D only): in the same
   * sweep the predictor at this order, yPred = Σ D[0..order], ψ = Σ γ_j·D[j] / α and the error weights
   * scale and 1/scale of yPred — the sums of predict(), in the same order, so the same doubles. Returns
   * whether the predictor was set (pred, and an order with an unrolled case)
   */
  private applyRU(D: Float64Array, order: number, pred = false): boolean {
    const s = order + 1;
    const { RU, n, yPred, psi, scale, invScale, atolV } = this;
    const rtol = this.rtol;
    const alpha = ALPHA[order]!;
    if (pred && D === this.D && this.sa !== null && order >= 1 && order <= MAX_ORDER) {
      this.sa.applyRU(order, rtol, alpha);
      return true;
    }
    const g1 = GAMMA[1]!;
    const g2 = GAMMA[2]!;
    const g3 = GAMMA[3]!;
    const g4 = GAMMA[4]!;
    const g5 = GAMMA[5]!;
    // new D[j] = Σ_i RU[i][j] · D[i] (j ≥ 1; column 0 of RU is (1, 0, …): D[0] stays), one sweep,
    // unrolled per order, the terms summed in ascending i as before
    switch (order) {
      case 1: {
        const c01 = RU[1]!;
        const c11 = RU[3]!;
        for (let q = 0; q < n; q++) {
          const d0 = D[q]!;
          const d1 = D[1 * n + q]!;
          const e1 = 0 + c01 * d0 + c11 * d1;
          D[1 * n + q] = e1;
          if (pred) {
            const yp = d0 + e1;
            yPred[q] = yp;
            psi[q] = (0 + g1 * e1) / alpha;
            const w = atolV[q]! + rtol * Math.abs(yp);
            scale[q] = w;
            invScale[q] = 1 / w;
          }
        }
        break;
      }
      case 2: {
        const c01 = RU[1]!;
        const c02 = RU[2]!;
        const c11 = RU[4]!;
        const c12 = RU[5]!;
        const c21 = RU[7]!;
        const c22 = RU[8]!;
        for (let q = 0; q < n; q++) {
          const d0 = D[q]!;
          const d1 = D[1 * n + q]!;
          const d2 = D[2 * n + q]!;
          const e1 = 0 + c01 * d0 + c11 * d1 + c21 * d2;
          const e2 = 0 + c02 * d0 + c12 * d1 + c22 * d2;
          D[1 * n + q] = e1;
          D[2 * n + q] = e2;
          if (pred) {
            const yp = d0 + e1 + e2;
            yPred[q] = yp;
            psi[q] = (0 + g1 * e1 + g2 * e2) / alpha;
            const w = atolV[q]! + rtol * Math.abs(yp);
            scale[q] = w;
            invScale[q] = 1 / w;
          }
        }
        break;
      }
      case 3: {
        const c01 = RU[1]!;
        const c02 = RU[2]!;
        const c03 = RU[3]!;
        const c11 = RU[5]!;
        const c12 = RU[6]!;
        const c13 = RU[7]!;
        const c21 = RU[9]!;
        const c22 = RU[10]!;
        const c23 = RU[11]!;
        const c31 = RU[13]!;
        const c32 = RU[14]!;
        const c33 = RU[15]!;
        for (let q = 0; q < n; q++) {
          const d0 = D[q]!;
          const d1 = D[1 * n + q]!;
          const d2 = D[2 * n + q]!;
          const d3 = D[3 * n + q]!;
          const e1 = 0 + c01 * d0 + c11 * d1 + c21 * d2 + c31 * d3;
          const e2 = 0 + c02 * d0 + c12 * d1 + c22 * d2 + c32 * d3;
          const e3 = 0 + c03 * d0 + c13 * d1 + c23 * d2 + c33 * d3;
          D[1 * n + q] = e1;
          D[2 * n + q] = e2;
          D[3 * n + q] = e3;
          if (pred) {
            const yp = d0 + e1 + e2 + e3;
            yPred[q] = yp;
            psi[q] = (0 + g1 * e1 + g2 * e2 + g3 * e3) / alpha;
            const w = atolV[q]! + rtol * Math.abs(yp);
            scale[q] = w;
            invScale[q] = 1 / w;
          }
        }
        break;
      }
      case 4: {
        const c01 = RU[1]!;
        const c02 = RU[2]!;
        const c03 = RU[3]!;
        const c04 = RU[4]!;
        const c11 = RU[6]!;
        const c12 = RU[7]!;
        const c13 = RU[8]!;
        const c14 = RU[9]!;
        const c21 = RU[11]!;
        const c22 = RU[12]!;
        const c23 = RU[13]!;
        const c24 = RU[14]!;
        const c31 = RU[16]!;
        const c32 = RU[17]!;
        const c33 = RU[18]!;
        const c34 = RU[19]!;
        const c41 = RU[21]!;
        const c42 = RU[22]!;
        const c43 = RU[23]!;
        const c44 = RU[24]!;
        for (let q = 0; q < n; q++) {
          const d0 = D[q]!;
          const d1 = D[1 * n + q]!;
          const d2 = D[2 * n + q]!;
          const d3 = D[3 * n + q]!;
          const d4 = D[4 * n + q]!;
          const e1 = 0 + c01 * d0 + c11 * d1 + c21 * d2 + c31 * d3 + c41 * d4;
          const e2 = 0 + c02 * d0 + c12 * d1 + c22 * d2 + c32 * d3 + c42 * d4;
          const e3 = 0 + c03 * d0 + c13 * d1 + c23 * d2 + c33 * d3 + c43 * d4;
          const e4 = 0 + c04 * d0 + c14 * d1 + c24 * d2 + c34 * d3 + c44 * d4;
          D[1 * n + q] = e1;
          D[2 * n + q] = e2;
          D[3 * n + q] = e3;
          D[4 * n + q] = e4;
          if (pred) {
            const yp = d0 + e1 + e2 + e3 + e4;
            yPred[q] = yp;
            psi[q] = (0 + g1 * e1 + g2 * e2 + g3 * e3 + g4 * e4) / alpha;
            const w = atolV[q]! + rtol * Math.abs(yp);
            scale[q] = w;
            invScale[q] = 1 / w;
          }
        }
        break;
      }
      case 5: {
        const c01 = RU[1]!;
        const c02 = RU[2]!;
        const c03 = RU[3]!;
        const c04 = RU[4]!;
        const c05 = RU[5]!;
        const c11 = RU[7]!;
        const c12 = RU[8]!;
        const c13 = RU[9]!;
        const c14 = RU[10]!;
        const c15 = RU[11]!;
        const c21 = RU[13]!;
        const c22 = RU[14]!;
        const c23 = RU[15]!;
        const c24 = RU[16]!;
        const c25 = RU[17]!;
        const c31 = RU[19]!;
        const c32 = RU[20]!;
        const c33 = RU[21]!;
        const c34 = RU[22]!;
        const c35 = RU[23]!;
        const c41 = RU[25]!;
        const c42 = RU[26]!;
        const c43 = RU[27]!;
        const c44 = RU[28]!;
        const c45 = RU[29]!;
        const c51 = RU[31]!;
        const c52 = RU[32]!;
        const c53 = RU[33]!;
        const c54 = RU[34]!;
        const c55 = RU[35]!;
        for (let q = 0; q < n; q++) {
          const d0 = D[q]!;
          const d1 = D[1 * n + q]!;
          const d2 = D[2 * n + q]!;
          const d3 = D[3 * n + q]!;
          const d4 = D[4 * n + q]!;
          const d5 = D[5 * n + q]!;
          const e1 = 0 + c01 * d0 + c11 * d1 + c21 * d2 + c31 * d3 + c41 * d4 + c51 * d5;
          const e2 = 0 + c02 * d0 + c12 * d1 + c22 * d2 + c32 * d3 + c42 * d4 + c52 * d5;
          const e3 = 0 + c03 * d0 + c13 * d1 + c23 * d2 + c33 * d3 + c43 * d4 + c53 * d5;
          const e4 = 0 + c04 * d0 + c14 * d1 + c24 * d2 + c34 * d3 + c44 * d4 + c54 * d5;
          const e5 = 0 + c05 * d0 + c15 * d1 + c25 * d2 + c35 * d3 + c45 * d4 + c55 * d5;
          D[1 * n + q] = e1;
          D[2 * n + q] = e2;
          D[3 * n + q] = e3;
          D[4 * n + q] = e4;
          D[5 * n + q] = e5;
          if (pred) {
            const yp = d0 + e1 + e2 + e3 + e4 + e5;
            yPred[q] = yp;
            psi[q] = (0 + g1 * e1 + g2 * e2 + g3 * e3 + g4 * e4 + g5 * e5) / alpha;
            const w = atolV[q]! + rtol * Math.abs(yp);
            scale[q] = w;
            invScale[q] = 1 / w;
          }
        }
        break;
      }
      default: {
        const Dtmp = (this.DtmpBuf ??= new Float64Array((MAX_ORDER + 1) * n));
        Dtmp.fill(0, 0, s * n);
        for (let j = 0; j < s; j++) {
          const dst = j * n;
          for (let i = 0; i < s; i++) {
            const c = RU[i * s + j]!;
            if (c === 0) continue;
            const src = i * n;
            for (let q = 0; q < n; q++) Dtmp[dst + q]! += c * D[src + q]!;
          }
        }
        D.set(Dtmp.subarray(0, s * n), 0);
        return false;
      }
    }
    return pred;
  }

  /** the history D of the step being shortened onto a terminal event (allocated on first use) */
  private get Dsave(): Float64Array {
    return (this.DsaveBuf ??= new Float64Array((MAX_ORDER + 3) * this.n));
  }

  /**
   * The corrector's solution of the current step shortened to s·h (history D restored from Dsave
   * first): leaves the state in yTmp and the correction in d, and returns false when Newton fails.
   */
  private trialStep(tOld: number, h: number, s: number, order: number): boolean {
    this.D.set(this.Dsave.subarray(0, (order + 3) * this.n));
    this.changeD(order, s, 1);
    this.predict(order);
    const c = (s * h) / ALPHA[order]!;
    const tc = tOld + s * h;
    // as a step attempt: the stored LU, then a refactorisation for this c, then a fresh J
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!this.luValid || Math.abs(c / this.cLu - 1) > LU_REUSE_TOL) {
        if (!this.factorIter(c)) return false;
      }
      // a shortened step's predictor is an extrapolation over the knee the event sits in: more iterations
      if (this.newton(tc, c, 3 * NEWTON_MAXITER)) return true;
      if (Math.abs(c / this.cLu - 1) <= 1e-12) {
        if (attempt === 2) break;
        this.evalF(tc, this.yPred, this.fv);
        if (!this.finite(this.fv)) break;
        this.evalJ(tc, this.yPred, this.fv);
        attempt = 1;
      }
      this.luValid = false;
    }
    return false;
  }

  /**
   * Terminal events of a DAE, located on the corrector's solution rather than on the interpolating
   * polynomial (whose algebraic unknowns can be far off over a long step: the end of a discharge): the
   * step from tOld is re-solved with a shortened length s·h and g found on s by the secant through the
   * two latest trials while it stays inside the bracket, else by the Illinois variant of regula falsi on
   * the bracket (each trial one corrector solve; on the BPX cell's 1C discharge 6 trials where Illinois
   * alone took 8 to the same tolerance). Returns the event index and s (the state on the crossed side,
   * or on g = 0, is left in yTmp/d with D set for the step s·h), or null when no terminal event crosses
   * in the step. gNew holds each event's value at the step's end.
   */
  private locateTerminal(
    events: readonly EventSpec[],
    gPrev: Float64Array,
    gNew: Float64Array,
    tOld: number,
    h: number,
    order: number,
  ): { k: number; s: number } | null {
    let best: { k: number; s: number } | null = null;
    let saved = false;
    let lastS = 1;
    for (let k = 0; k < events.length; k++) {
      const ev = events[k]!;
      if (ev.terminal === false || !crosses(gPrev[k]!, gNew[k]!, ev.direction)) continue;
      if (!saved) {
        this.Dsave.set(this.D.subarray(0, (order + 3) * this.n));
        saved = true;
      }
      let sLo = 0;
      let gLo = gPrev[k]!;
      let sHi: number = best ? best.s : 1;
      let gHi = gNew[k]!;
      if (best) {
        // only a crossing before the earlier event's time matters
        if (!this.trialStep(tOld, h, sHi, order)) continue;
        lastS = sHi;
        gHi = ev.g(tOld + sHi * h, this.yTmp);
        if (!crosses(gLo, gHi, ev.direction)) continue;
      }
      let sEnd: number = sHi;
      let side = 0;
      // the two latest trials with a value of g (the secant's points; first the bracket's ends)
      let sA = sLo;
      let gA = gLo;
      let sB = sHi;
      let gB = gHi;
      for (let it = 0; it < 60; it++) {
        const w = sHi - sLo;
        let sc = sB - (gB * (sB - sA)) / (gB - gA);
        if (!(sc > sLo && sc < sHi)) {
          sc = sLo + (gLo * w) / (gLo - gHi);
          if (!(sc > sLo + 1e-6 * w && sc < sHi - 1e-6 * w))
            sc = Math.min(Math.max(sc, sLo + 1e-6 * w), sHi - 1e-6 * w);
          if (!Number.isFinite(sc)) sc = sLo + 0.5 * w;
        }
        const ok = this.trialStep(tOld, h, sc, order);
        lastS = sc;
        const gc = ok ? ev.g(tOld + sc * h, this.yTmp) : NaN;
        if (ok && gc === 0) {
          sEnd = sc;
          break;
        }
        if (ok) {
          sA = sB;
          gA = gB;
          sB = sc;
          gB = gc;
        }
        // a failed Newton is taken as beyond the event (the bracket shrinks towards the last good side)
        if (!ok || crosses(gLo, gc, ev.direction) || gc * gHi > 0) {
          sHi = sc;
          if (ok) gHi = gc;
          if (side === 1) gLo *= 0.5;
          side = 1;
        } else {
          sLo = sc;
          gLo = gc;
          if (side === -1) gHi *= 0.5;
          side = -1;
        }
        sEnd = sHi;
        const gTol = EVENT_G_TOL * Math.abs(gNew[k]! - gPrev[k]!);
        if ((sHi - sLo) * Math.abs(h) <= 1e-12 * Math.max(Math.abs(tOld), Math.abs(h)) || Math.abs(gc) <= gTol) {
          if (ok && Math.abs(gc) <= gTol) sEnd = sc;
          break;
        }
      }
      best = { k, s: sEnd };
    }
    if (best && lastS !== best.s && !this.trialStep(tOld, h, best.s, order)) return null;
    if (!best && saved) {
      this.D.set(this.Dsave.subarray(0, (order + 3) * this.n));
      this.predFor = -1;
    }
    return best;
  }

  /** dense output with the algebraic unknowns made consistent (event location and event states) */
  private denseState(t: number, tNew: number, h: number, order: number, out: Float64Array): void {
    this.dense(t, tNew, h, order, out);
    if (this.nAlg > 0 && t !== tNew) this.project(t, out);
  }

  /** dense output at time t of the step ending at tNew with signed step h and order k, into out */
  private dense(t: number, tNew: number, h: number, order: number, out: Float64Array): void {
    const { D, n, pcum } = this;
    let p = 1;
    for (let j = 0; j < order; j++) {
      p *= (t - (tNew - j * h)) / ((j + 1) * h);
      pcum[j] = p;
    }
    for (let q = 0; q < n; q++) {
      let v = D[q]!;
      for (let j = 1; j <= order; j++) v += D[j * n + q]! * pcum[j - 1]!;
      out[q] = v;
    }
  }

  // ---------------------------------------------------------------- forward sensitivities

  /** the sensitivity workspace for a solve with spec (reused when np and n match) */
  private sensSetup(spec: SensitivitySpec | undefined): void {
    if (!spec) {
      this.sens = null;
      return;
    }
    const n = this.n;
    const np = spec.np;
    if (!(Number.isInteger(np) && np >= 1))
      throw new RangeError(`opts.sensitivity.np: must be an integer ≥ 1 (got ${np})`);
    if (typeof spec.rhs !== 'function')
      throw new TypeError('opts.sensitivity.rhs: must be a function rhs(i, t, y, fy, s, out)');
    if (!Array.isArray(spec.s0) || spec.s0.length !== np)
      throw new RangeError(`opts.sensitivity.s0: must hold np = ${np} arrays (got ${spec.s0?.length})`);
    spec.s0.forEach((a, i) => {
      if (!(a instanceof Float64Array) || a.length !== n)
        throw new RangeError(`opts.sensitivity.s0.${i}: must be a Float64Array of length n = ${n}`);
      for (let q = 0; q < n; q++)
        if (!Number.isFinite(a[q]!))
          throw new RangeError(`opts.sensitivity.s0.${i}.${q}: must be finite (got ${a[q]})`);
    });
    let sw = this.sens;
    if (!sw || sw.np !== np) {
      const L = (MAX_ORDER + 3) * n;
      const D = Array.from({ length: np }, () => new Float64Array(L));
      sw = {
        np,
        spec,
        D,
        d: Array.from({ length: np }, () => new Float64Array(n)),
        cur: D.map((a) => a.subarray(0, n)),
        out: Array.from({ length: np }, () => new Float64Array(n)),
        atol: new Float64Array(n),
        fy: new Float64Array(n),
        F: new Float64Array(n),
        pred: new Float64Array(n),
        psi: new Float64Array(n),
        scale: new Float64Array(n),
        r: new Float64Array(n),
        y: new Float64Array(n),
        crate: 1,
        crateLu: -1,
      };
    } else sw = { ...sw, spec };
    const at = spec.atol;
    if (at === undefined) sw.atol.set(this.atolV);
    else if (typeof at === 'number') {
      if (!(at > 0 && Number.isFinite(at))) throw new RangeError(`opts.sensitivity.atol: must be > 0 (got ${at})`);
      sw.atol.fill(at);
    } else {
      if (at.length !== n) throw new RangeError(`opts.sensitivity.atol: must have length n = ${n} (got ${at.length})`);
      for (let q = 0; q < n; q++) {
        if (!(at[q]! > 0)) throw new RangeError(`opts.sensitivity.atol.${q}: must be > 0 (got ${at[q]})`);
        sw.atol[q] = at[q]!;
      }
    }
    for (let i = 0; i < np; i++) sw.D[i]!.fill(0);
    sw.crate = 1;
    sw.crateLu = -1;
    this.sens = sw;
  }

  /**
   * Consistent initial sensitivities (∂g/∂y·s + ∂g/∂p = 0 for the algebraic rows, Newton with the matrix
   * factorised by initialise()) and their initial derivatives into D[1] (unscaled: times h later).
   * fv = f(t0, y0). Returns null or a message.
   */
  private sensInit(t0: number, y: Float64Array, fv: Float64Array): string | null {
    const sw = this.sens!;
    const { n, isAlg, m, sys } = this;
    const { F, r } = sw;
    const hasAlg = this.nAlg > 0;
    for (let i = 0; i < sw.np; i++) {
      const D = sw.D[i]!;
      D.set(sw.spec.s0[i]!, 0);
      const s = sw.cur[i]!;
      if (hasAlg) {
        let ok = false;
        let prevBig = Infinity;
        for (let it = 0; it < 8; it++) {
          sw.spec.rhs(i, t0, y, fv, s, F);
          this.stats.sensitivityIterations!++;
          let big = 0;
          for (let q = 0; q < n; q++) r[q] = isAlg[q] ? -F[q]! : 0;
          sys.solve(r);
          for (let q = 0; q < n; q++) {
            if (!isAlg[q]) continue;
            const v = r[q]!;
            s[q]! += v;
            const e = Math.abs(v) / (sw.atol[q]! + this.rtol * Math.abs(s[q]!));
            if (!(e <= big)) big = Number.isNaN(e) ? Infinity : Math.max(big, e);
          }
          if (!Number.isFinite(big)) return `sensitivity ${i}: consistent initial values are not finite`;
          // converged, or stalled at the noise floor of a difference-quotient right-hand side (as in sensStep)
          if (big < 0.1 || (it > 0 && big > 0.5 * prevBig && big <= 10)) {
            ok = true;
            break;
          }
          prevBig = big;
        }
        if (!ok) return `sensitivity ${i}: consistent initial values did not converge`;
      }
      sw.spec.rhs(i, t0, y, fv, s, F);
      for (let q = 0; q < n; q++) D[n + q] = isAlg[q] ? 0 : F[q]! / m[q]!;
    }
    return null;
  }

  /**
   * The sensitivity corrector of the accepted step ending at tNew with signed step h and order (state
   * solution y): M·(d_s + ψ_s) = c·(∂f/∂y·s + ∂f/∂p), s = s_pred + d_s, by the simplified Newton iteration
   * with the state's matrix (refactorised, then with J at the solution, when it does not converge).
   * Leaves each correction in sens.d. Returns false when it fails.
   */
  private sensStep(tNew: number, h: number, order: number, yNew: Float64Array): boolean {
    const sw = this.sens!;
    const { n, isAlg, m, sys } = this;
    const { fy, F, pred, psi, scale, r, atol } = sw;
    // a copy: evalJ perturbs yTmp (the state's solution) for a finite-difference Jacobian
    const y = sw.y;
    y.set(yNew);
    const rtol = this.rtol;
    const c = h / ALPHA[order]!;
    const alpha = ALPHA[order]!;
    // CVODES's corrector tolerance for the sensitivities (0.1 of the error test's, as its states'),
    // or the state's own when that is looser
    const tol = Math.max(this.newtonTol, 0.1);
    this.evalF(tNew, y, fy);
    if (!this.finite(fy)) return false;
    for (let i = 0; i < sw.np; i++) {
      const D = sw.D[i]!;
      const d = sw.d[i]!;
      const s = sw.out[i]!; // the iterate
      for (let q = 0; q < n; q++) {
        pred[q] = D[q]!;
        psi[q] = 0;
      }
      for (let j = 1; j <= order; j++) {
        const o = j * n;
        const g = GAMMA[j]!;
        for (let q = 0; q < n; q++) {
          const v = D[o + q]!;
          pred[q]! += v;
          psi[q]! += g * v;
        }
      }
      for (let q = 0; q < n; q++) {
        psi[q] = psi[q]! / alpha;
        scale[q] = atol[q]! + rtol * Math.abs(pred[q]!);
      }
      let converged = false;
      for (let attempt = 0; attempt < 3 && !converged; attempt++) {
        if (attempt === 1 || !this.luValid) {
          if (!this.factorIter(c)) return false;
        } else if (attempt === 2) {
          this.evalJ(tNew, y, fy);
          if (!this.factorIter(c)) return false;
        }
        if (sw.crateLu !== this.stats.factorisations) {
          sw.crate = 1;
          sw.crateLu = this.stats.factorisations;
        }
        s.set(pred);
        d.fill(0);
        let old = -1;
        for (let k = 0; k < 2 * NEWTON_MAXITER; k++) {
          sw.spec.rhs(i, tNew, y, fy, s, F);
          this.stats.sensitivityIterations!++;
          for (let q = 0; q < n; q++) r[q] = isAlg[q] ? F[q]! : c * F[q]! - m[q]! * (psi[q]! + d[q]!);
          sys.solve(r);
          let sq = 0;
          for (let q = 0; q < n; q++) {
            const v = r[q]!;
            const e = v / scale[q]!;
            sq += e * e;
            s[q]! += v;
            d[q]! += v;
          }
          const nrm = Math.sqrt(sq / n);
          if (!Number.isFinite(nrm)) break;
          const rate = old >= 0 ? nrm / old : -1;
          if (rate >= 0) sw.crate = Math.max(0.3 * sw.crate, rate);
          if (
            nrm * Math.min(1, sw.crate) <= tol ||
            nrm === 0 ||
            (rate >= 0 && rate < 1 && (rate / (1 - rate)) * nrm <= tol)
          ) {
            converged = true;
            break;
          }
          if (rate >= 0) {
            // stalled: the noise floor of a difference-quotient right-hand side (roundoff of f over its
            // increment) — near the local error tolerance (the sensitivities are not error controlled,
            // and an error of a few local tolerances is far below what a fit can see), or at any level
            // once the matrix is fresh (J at the solution, factorised for this c: the linear iteration
            // then contracts strongly unless noise dominates its updates)
            if (rate > 0.5 && (nrm <= 10 || attempt === 2)) {
              converged = true;
              break;
            }
            if (rate > 0.9) break;
          }
          old = nrm;
        }
      }
      if (!converged) return false;
    }
    return true;
  }

  /** the sensitivities' histories after an accepted step (as updateD for the state) */
  private sensUpdate(order: number): void {
    const sw = this.sens!;
    const n = this.n;
    const o1 = (order + 1) * n;
    const o2 = (order + 2) * n;
    for (let i = 0; i < sw.np; i++) {
      const D = sw.D[i]!;
      const d = sw.d[i]!;
      for (let q = 0; q < n; q++) {
        const dq = d[q]!;
        D[o2 + q] = dq - D[o1 + q]!;
        D[o1 + q] = dq;
      }
      for (let j = order; j >= 0; j--) {
        const o = j * n;
        const o1j = (j + 1) * n;
        for (let q = 0; q < n; q++) D[o + q]! += D[o1j + q]!;
      }
    }
  }

  /** the sensitivities at t of the step ending at tNew (dense output of their histories) into sens.out */
  private sensDense(t: number, tNew: number, h: number, order: number): readonly Float64Array[] {
    const sw = this.sens!;
    if (t === tNew) return sw.cur;
    const { n, pcum } = this;
    let p = 1;
    for (let j = 0; j < order; j++) {
      p *= (t - (tNew - j * h)) / ((j + 1) * h);
      pcum[j] = p;
    }
    for (let i = 0; i < sw.np; i++) {
      const D = sw.D[i]!;
      const out = sw.out[i]!;
      for (let q = 0; q < n; q++) {
        let v = D[q]!;
        for (let j = 1; j <= order; j++) v += D[j * n + q]! * pcum[j - 1]!;
        out[q] = v;
      }
    }
    return sw.out;
  }

  /**
   * Makes the algebraic unknowns of y consistent with its differential ones at t (Newton on g(x, z) = 0
   * with x fixed), so that event functions are evaluated on states of the DAE rather than on the
   * interpolating polynomial of the algebraic unknowns, which is poor over long steps where they turn
   * sharply (the end of a discharge). J is evaluated at the first point of the step's event search
   * and the matrix diag(m) − diag(wInit)·J factorised once; chord iterations after that. Leaves y
   * unchanged when the iteration fails (the interpolated state is then used, as before).
   */
  private project(t: number, y: Float64Array): void {
    const { n, isAlg, sys, m, wInit, fp, dp, atolV } = this;
    const rtol = this.rtol;
    if (!this.projReady) {
      this.evalF(t, y, fp);
      if (!this.finite(fp)) return;
      this.evalJ(t, y, fp);
      this.luValid = false;
      this.stats.factorisations++;
      if (!sys.factor(m, wInit)) return;
      this.projReady = true;
    }
    const y0 = this.yTmp;
    y0.set(y);
    for (let it = 0; it < 10; it++) {
      this.evalF(t, y, fp);
      for (let i = 0; i < n; i++) dp[i] = isAlg[i] ? -fp[i]! : 0;
      sys.solve(dp);
      let sq = 0;
      for (let i = 0; i < n; i++) {
        if (!isAlg[i]) continue;
        const v = dp[i]!;
        y[i]! += v;
        const e = v / (atolV[i]! + rtol * Math.abs(y[i]!));
        sq += e * e;
      }
      const nrm = Math.sqrt(sq / this.nAlg);
      if (!Number.isFinite(nrm)) break;
      if (nrm < 1e-3) return;
    }
    y.set(y0);
  }

  /**
   * Newton on the algebraic equations with the differential unknowns fixed. Leaves J (at the last
   * iterate, or at an earlier one when the iterates since moved less than keepJ: initialJacobianKeep)
   * in the linear system and the matrix diag(m) − diag(wInit)·J factorised. Returns null on success or
   * a message.
   */
  private initialise(t0: number, y: Float64Array, doNewton: boolean, keepJ: number): string | null {
    const n = this.n;
    const { fv, dy, isAlg, sys, m, wInit, yTmp, scale } = this;
    this.evalF(t0, y, fv);
    if (!this.finite(fv)) return `f(t0, y0) is not finite`;
    this.evalJ(t0, y, fv);
    if (this.nAlg === 0) return null;
    if (!sys.factor(m, wInit))
      return 'the algebraic Jacobian ∂g/∂z is singular at t0 (index > 1 or a missing algebraic equation)';
    this.stats.factorisations++;
    if (!doNewton) return null;
    const resNorm = (v: Float64Array): number => {
      let s = 0;
      for (let i = 0; i < n; i++) if (isAlg[i]) s += v[i]! * v[i]!;
      return Math.sqrt(s);
    };
    let r = resNorm(fv);
    let prevStep = Infinity;
    // the iterates' movement since J was evaluated (weighted RMS norm)
    let moved = 0;
    const fTry = this.f1;
    for (let it = 0; it < 40; it++) {
      if (r === 0) return null;
      for (let i = 0; i < n; i++) dy[i] = isAlg[i] ? -fv[i]! : 0;
      sys.solve(dy);
      for (let i = 0; i < n; i++) scale[i] = this.atolV[i]! + this.rtol * Math.abs(y[i]!);
      const stepNorm = this.normAll(dy, scale);
      if (!Number.isFinite(stepNorm)) return 'Newton step for the algebraic unknowns is not finite';
      let lambda = 1;
      let accepted = false;
      let rTry = Infinity;
      for (let ls = 0; ls < 12; ls++) {
        for (let i = 0; i < n; i++) yTmp[i] = y[i]! + lambda * dy[i]!;
        this.evalF(t0, yTmp, fTry);
        rTry = this.finite(fTry) ? resNorm(fTry) : Infinity;
        if (rTry <= (1 - 1e-4 * lambda) * r || (stepNorm * lambda < 1e-3 && rTry <= r * 1.0000001)) {
          accepted = true;
          break;
        }
        lambda *= 0.5;
      }
      if (!accepted) {
        if (stepNorm < 1e-2) return null; // at roundoff level of the residual
        return `consistent initialisation: line search failed (algebraic residual ${r.toExponential(3)})`;
      }
      y.set(yTmp);
      fv.set(fTry);
      r = rTry;
      moved += stepNorm * lambda;
      if (stepNorm * lambda < 1e-4) break;
      // refresh J when Newton converges slowly (chord otherwise)
      if (lambda < 1 || stepNorm > 0.3 * prevStep) {
        this.evalJ(t0, y, fv);
        if (!sys.factor(m, wInit)) return 'the algebraic Jacobian ∂g/∂z is singular during initialisation';
        this.stats.factorisations++;
        moved = 0;
      }
      prevStep = stepNorm * lambda;
      if (it === 39)
        return `consistent initialisation did not converge in 40 Newton iterations (algebraic residual ${r.toExponential(3)})`;
    }
    // make sure the factorised matrix matches J at the final point (cheap relative to a failed first step),
    // unless the caller takes one as close as keepJ
    if (moved * this.rtol < keepJ) return null;
    this.evalJ(t0, y, fv);
    if (!sys.factor(m, wInit)) return 'the algebraic Jacobian ∂g/∂z is singular at the consistent point';
    this.stats.factorisations++;
    return null;
  }

  /**
   * Takes problem q for the next solves when it has this solver's layout — the same n, structure (a
   * sparse one's pattern arrays themselves), mass-matrix diagonal, linearRows array and the same kinds
   * of Jacobian and nonlinear part: everything the constructor derives from a problem besides the
   * functions it calls, so the solves are those of a solver built for q. False (nothing changed) when
   * the layout differs or a solve is running.
   */
  adopt(q: DaeProblem): boolean {
    const p = this.p;
    if (q === p) return !this.busy && q.n === this.n;
    if (this.busy || q.n !== this.n || q.linearRows !== p.linearRows) return false;
    if (!q.jacobian !== !p.jacobian || (typeof q.fNonlinear === 'function') !== (typeof p.fNonlinear === 'function'))
      return false;
    if (typeof q.f !== 'function') return false;
    const a = p.structure;
    const b = q.structure;
    if (a === undefined || b === undefined || a.kind !== 'sparse' || b.kind !== 'sparse') return false;
    if (a.rows !== b.rows || a.cols !== b.cols || !a.condense !== !b.condense) return false;
    const ma = p.massDiag;
    const mb = q.massDiag;
    if (ma !== mb) {
      if (ma === undefined || mb === undefined || ma.length !== mb.length) return false;
      for (let i = 0; i < ma.length; i++) if (ma[i] !== mb[i]) return false;
    }
    this.p = q;
    return true;
  }

  solve(y0: Float64Array, opts: DaeSolverOptions): SolveResult {
    const was = this.busy;
    this.busy = true;
    try {
      return this.leased(y0, opts);
    } finally {
      this.busy = was;
    }
  }

  private leased(y0: Float64Array, opts: DaeSolverOptions): SolveResult {
    // a large system's arrays in the thread's WebAssembly arena for this solve (the kernel's sweeps)
    const ch = this.chains;
    const st = ch ? ch.structure : null;
    const lease = acquireState(
      this.n,
      ch && st
        ? {
            nk: ch.keep.length,
            nR: ch.rootV.length,
            nl: st.lv.length,
            nRuns: st.runI0.length,
            nJ: ch.jacobianValues.length,
          }
        : undefined,
    );
    if (lease === null) return this.run(y0, opts);
    this.useArrays(lease);
    try {
      return this.run(y0, opts);
    } finally {
      lease.release();
      this.useArrays(null);
    }
  }

  /** the solve's arrays: the lease's (its isAlg set from the solver's), or the solver's own (null) */
  private useArrays(lease: StateLease | null): void {
    const a = lease ?? this.own;
    this.D = a.D;
    this.yPred = a.yPred;
    this.d = a.d;
    this.psi = a.psi;
    this.scale = a.scale;
    this.invScale = a.invScale;
    this.RU = a.RU;
    this.cw = a.cw;
    this.fv = a.fv;
    this.dy = a.dy;
    // the row weights' memo is for the arrays left behind
    this.cwFor = NaN;
    this.cwKeepFor = NaN;
    const own = this.own;
    if (lease) {
      this.yTmp = lease.y;
      this.atolV = lease.atol;
      lease.isAlg.set(this.isAlg);
      lease.m.set(own.m);
      this.m = lease.m;
      const ch = this.chains;
      if (ch) {
        const st = ch.structure;
        // with J's values as they stand (evalJ copies them again after every evaluation)
        lease.loadChains(ch, st);
        const cancel = st.cancel;
        const { piv, inv, upA, mul, mag, bx, alpha, beta } = lease;
        ch.attach({ piv, inv, upA, mul, mag, bx, alpha, beta, factor: (c) => lease.chainFactor(c, cancel) });
      }
    } else {
      this.yTmp = own.yTmp;
      this.atolV = own.atolV;
      this.m = own.m;
      this.chains?.attach(null);
    }
    this.sa = lease;
  }

  private run(y0: Float64Array, opts: DaeSolverOptions): SolveResult {
    const n = this.n;
    // ---------- validation ----------
    if (!(y0 instanceof Float64Array) || y0.length !== n)
      throw new RangeError(`y0: must be a Float64Array of length n = ${n} (got ${y0 && (y0 as Float64Array).length})`);
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(y0[i]!)) throw new RangeError(`y0.${i}: must be finite (got ${y0[i]})`);
    const t0 = opts.t0;
    const tEnd = opts.tEnd;
    if (!Number.isFinite(t0)) throw new RangeError(`opts.t0: must be finite (got ${t0})`);
    if (!Number.isFinite(tEnd)) throw new RangeError(`opts.tEnd: must be finite (got ${tEnd})`);
    const rtol = opts.rtol ?? 1e-6;
    if (!(rtol > 0 && rtol < 1)) throw new RangeError(`opts.rtol: must be in (0, 1) (got ${rtol})`);
    this.rtol = Math.max(rtol, 100 * EPS);
    const atol = opts.atol ?? 1e-8;
    if (typeof atol === 'number') {
      if (!(atol >= 0 && Number.isFinite(atol)))
        throw new RangeError(`opts.atol: must be finite and ≥ 0 (got ${atol})`);
      this.atolV.fill(atol);
    } else {
      if (atol.length !== n)
        throw new RangeError(`opts.atol: per-unknown atol must have length n = ${n} (got ${atol.length})`);
      for (let i = 0; i < n; i++) {
        if (!(atol[i]! >= 0 && Number.isFinite(atol[i]!)))
          throw new RangeError(`opts.atol.${i}: must be finite and ≥ 0 (got ${atol[i]})`);
        this.atolV[i] = atol[i]!;
      }
    }
    for (let i = 0; i < n; i++) if (this.atolV[i] === 0 && y0[i] === 0) this.atolV[i] = 1e-300; // avoid 0/0 in the norm
    const maxOrder = opts.maxOrder ?? MAX_ORDER;
    if (!(Number.isInteger(maxOrder) && maxOrder >= 1 && maxOrder <= MAX_ORDER))
      throw new RangeError(`opts.maxOrder: must be an integer in 1..5 (got ${maxOrder})`);
    const maxStep = opts.maxStep ?? Infinity;
    if (!(maxStep > 0)) throw new RangeError(`opts.maxStep: must be > 0 (got ${maxStep})`);
    const maxSteps = opts.maxSteps ?? 100000;
    if (!(maxSteps >= 1)) throw new RangeError(`opts.maxSteps: must be ≥ 1 (got ${maxSteps})`);
    if (opts.firstStep !== undefined && !(opts.firstStep > 0 && Number.isFinite(opts.firstStep)))
      throw new RangeError(`opts.firstStep: must be > 0 (got ${opts.firstStep})`);
    this.errAlg = opts.algebraicErrorControl ?? true;
    const keepJ = opts.initialJacobianKeep ?? 0;
    if (!(keepJ >= 0 && keepJ < 1))
      throw new RangeError(`opts.initialJacobianKeep: must be ≥ 0 and < 1 (got ${opts.initialJacobianKeep})`);
    const events: readonly EventSpec[] = opts.events ?? [];
    events.forEach((e, k) => {
      if (typeof e.g !== 'function') throw new TypeError(`opts.events.${k}.g: must be a function g(t, y)`);
      if (e.direction !== -1 && e.direction !== 0 && e.direction !== 1)
        throw new RangeError(`opts.events.${k}.direction: must be -1, 0 or 1 (got ${String(e.direction)})`);
    });
    const tdir = tEnd >= t0 ? 1 : -1;
    let tEval: Float64Array | null = null;
    if (opts.tEval) {
      tEval = Float64Array.from(opts.tEval);
      for (let i = 0; i < tEval.length; i++) {
        const v = tEval[i]!;
        if (!Number.isFinite(v)) throw new RangeError(`opts.tEval.${i}: must be finite (got ${v})`);
        if ((v - t0) * tdir < 0 || (v - tEnd) * tdir > 0)
          throw new RangeError(
            `opts.tEval.${i}: must lie within [t0, tEnd] (got ${v}; allowed ${Math.min(t0, tEnd)}..${Math.max(t0, tEnd)})`,
          );
        if (i > 0 && (v - tEval[i - 1]!) * tdir < 0)
          throw new RangeError(
            `opts.tEval.${i}: must be sorted in the direction of integration (got ${v} after ${tEval[i - 1]})`,
          );
      }
    }
    const saveSteps = opts.saveSteps ?? !tEval;
    let bps: Float64Array | null = null;
    if (opts.breakpoints && opts.breakpoints.length > 0) {
      bps = Float64Array.from(opts.breakpoints);
      for (let i = 0; i < bps.length; i++) {
        const v = bps[i]!;
        if (!Number.isFinite(v)) throw new RangeError(`opts.breakpoints.${i}: must be finite (got ${v})`);
        if (i > 0 && (v - bps[i - 1]!) * tdir < 0)
          throw new RangeError(
            `opts.breakpoints.${i}: must be sorted in the direction of integration (got ${v} after ${bps[i - 1]})`,
          );
      }
    }
    this.sensSetup(opts.sensitivity);
    const sw = this.sens;
    // the problem's linear rows are constant within a solve, not necessarily from one solve to the next
    this.sys.forgetLinearRows?.();

    this.stats = { steps: 0, rejectedSteps: 0, fEvals: 0, jacobianEvals: 0, factorisations: 0, newtonIterations: 0 };
    if (sw) this.stats.sensitivityIterations = 0;
    const stats = this.stats;
    const { D, y, yPred, scale, fv, m, isAlg, sys, atolV } = this;
    y.set(y0);
    const outT: number[] = [];
    const outY: Float64Array[] = [];
    const outS: Float64Array[][] = [];
    const sink = opts.output;
    const emit = (tt: number, v: Float64Array, S?: readonly Float64Array[]): void => {
      if (sink) sink(tt, v, S);
      else {
        outT.push(tt);
        outY.push(Float64Array.from(v));
        if (S) outS.push(S.map((a) => Float64Array.from(a)));
      }
    };
    const hits: EventHit[] = [];
    const finish = (
      status: SolveResult['status'],
      tF: number,
      yF: Float64Array,
      message?: string,
      sF?: readonly Float64Array[],
    ): SolveResult => {
      const r: SolveResult = {
        status,
        t: outT,
        y: outY,
        tFinal: tF,
        yFinal: Float64Array.from(yF),
        events: hits,
        stats: { ...stats },
      };
      if (message !== undefined) r.message = message;
      if (sw) {
        if (!sink) r.s = outS;
        r.sFinal = (sF ?? sw.cur).map((a) => Float64Array.from(a));
      }
      return r;
    };

    // ---------- consistent initialisation & initial derivative ----------
    const hasAlg = this.nAlg > 0;
    const initMsg = this.initialise(t0, y, hasAlg && opts.initialiseAlgebraic !== false, keepJ);
    if (initMsg) {
      emit(t0, y);
      return finish('failed', t0, y, initMsg);
    }
    // fv = f(t0, y) and J(t0, y) are current; matrix diag(m) − diag(wInit)J is factorised
    const yp = this.yOut; // temporarily holds y′(t0)
    if (hasAlg) {
      // ∂g/∂t by a forward difference in t
      const dt = SQRT_EPS * Math.max(Math.abs(t0), Math.abs(tEnd - t0) * 1e-3, 1e-8);
      this.evalF(t0 + dt, y, this.f1);
      for (let i = 0; i < n; i++) yp[i] = isAlg[i] ? -(this.f1[i]! - fv[i]!) / dt : fv[i]!;
      sys.solve(yp);
      if (!this.finite(yp)) for (let i = 0; i < n; i++) yp[i] = isAlg[i] ? 0 : fv[i]! / m[i]!;
    } else for (let i = 0; i < n; i++) yp[i] = fv[i]! / m[i]!;
    if (sw) {
      const msg = this.sensInit(t0, y, fv);
      if (msg) return finish('failed', t0, y, msg);
    }
    const S0 = sw ? sw.cur : undefined;

    if (saveSteps) emit(t0, y, S0);
    let iEval = 0;
    if (tEval) {
      while (iEval < tEval.length && tEval[iEval] === t0) {
        emit(t0, y, S0);
        iEval++;
      }
    }
    if (t0 === tEnd) return finish('done', t0, y);

    // event values at t0
    const nEv = events.length;
    const gPrev = new Float64Array(nEv);
    const gEnd = new Float64Array(nEv);
    for (let k = 0; k < nEv; k++) gPrev[k] = events[k]!.g(t0, y);

    // ---------- initial step (Hairer, Nørsett & Wanner, Solving ODEs I, §II.4) ----------
    const span = Math.abs(tEnd - t0);
    let hAbs: number;
    if (opts.firstStep !== undefined) hAbs = opts.firstStep;
    else {
      for (let i = 0; i < n; i++) scale[i] = atolV[i]! + this.rtol * Math.abs(y[i]!);
      const d0 = this.normAll(y, scale);
      const d1 = this.normAll(yp, scale);
      let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
      h0 = Math.min(h0, span, maxStep);
      const y1 = this.yTmp;
      for (let i = 0; i < n; i++) y1[i] = y[i]! + tdir * h0 * yp[i]!;
      this.evalF(t0 + tdir * h0, y1, this.f1);
      let s2 = 0;
      let cnt = 0;
      for (let i = 0; i < n; i++) {
        if (isAlg[i]) continue;
        const e = (this.f1[i]! / m[i]! - yp[i]!) / scale[i]!;
        s2 += e * e;
        cnt++;
      }
      const d2 = cnt > 0 ? Math.sqrt(s2 / cnt) / h0 : 0;
      const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 1 / 2);
      hAbs = Math.min(100 * h0, h1);
      if (!Number.isFinite(hAbs) || hAbs <= 0) hAbs = 1e-6;
    }
    hAbs = Math.min(hAbs, span, maxStep);

    // ---------- history ----------
    D.fill(0);
    this.predFor = -1;
    D.set(y, 0);
    for (let i = 0; i < n; i++) D[n + i] = tdir * hAbs * yp[i]!;
    if (sw)
      for (let k = 0; k < sw.np; k++) {
        const Ds = sw.D[k]!;
        for (let i = 0; i < n; i++) Ds[n + i] = tdir * hAbs * Ds[n + i]!;
        Ds.fill(0, 2 * n);
      }
    let t = t0;
    let order = 1;
    let nEqual = 0;
    // the next breakpoint strictly after t
    let iBp = 0;
    const nBp = bps ? bps.length : 0;
    while (iBp < nBp && (bps![iBp]! - t0) * tdir <= 0) iBp++;
    let jacCurrent = true; // J is at (t0, y0)
    let slowJ = false; // the last step converged only at its last Newton iteration
    this.luValid = false;
    this.cLu = NaN;
    const earlyShrink = opts.earlyShrink === true;
    const remember = opts.newtonTol !== undefined;
    if (remember && !(opts.newtonTol! > 0 && opts.newtonTol! < 1))
      throw new RangeError(`opts.newtonTol: must be in (0, 1) (got ${opts.newtonTol})`);
    this.remember = remember;
    this.newtonTol = remember
      ? opts.newtonTol!
      : Math.max((10 * EPS) / this.rtol, Math.min(0.03, Math.sqrt(this.rtol)));
    this.crate = 1; // remembered Newton convergence rate (remember mode)
    const yNew = this.yTmp; // the corrector's solution after newton()
    const D0 = D.subarray(0, n); // the current state (a view)
    const yOut = this.yOut;

    for (;;) {
      if (stats.steps >= maxSteps)
        return finish('failed', t, D0, `maximum number of steps (${maxSteps}) reached at t = ${t}`);
      const minStep = 10 * Math.max(Math.abs(t) * EPS, Number.MIN_VALUE);
      if (hAbs > maxStep) {
        this.changeD(order, maxStep / hAbs);
        hAbs = maxStep;
        nEqual = 0;
      } else if (hAbs < minStep) {
        this.changeD(order, minStep / hAbs);
        hAbs = minStep;
        nEqual = 0;
      }
      // ----- one step attempt loop -----
      let accepted = false;
      let h = 0;
      let tNew = t;
      let errNorm = 0;
      let safety = 0.9;
      while (!accepted) {
        if (hAbs < minStep)
          return finish('failed', t, D0, `step size became too small (${hAbs.toExponential(3)} s) at t = ${t}`);
        h = hAbs * tdir;
        tNew = t + h;
        if ((tNew - tEnd) * tdir > 0) {
          tNew = tEnd;
          this.changeD(order, Math.abs(tNew - t) / hAbs);
          nEqual = 0;
        }
        if (iBp < nBp) {
          // a breakpoint closer than the minimum step is passed over
          while (iBp < nBp && Math.abs(bps![iBp]! - t) < minStep) iBp++;
          if (iBp < nBp && (tNew - bps![iBp]!) * tdir > 0) {
            const factor = Math.abs(bps![iBp]! - t) / hAbs;
            tNew = bps![iBp]!;
            this.changeD(order, factor);
            nEqual = 0;
          }
        }
        h = tNew - t;
        hAbs = Math.abs(h);
        // predictor and ψ
        this.predict(order);
        const c = h / ALPHA[order]!;
        let converged = false;
        let nIter = 0;
        if (slowJ && !jacCurrent && this.p.jacobian) {
          // the last step needed every Newton iteration with an old J: evaluate it anew at this
          // predictor (an analytic J costs a few residuals; the old one would cost iterations and,
          // often, a failed attempt)
          this.evalJ(tNew, yPred, fv);
          jacCurrent = true;
          this.luValid = false;
        }
        slowJ = false;
        for (;;) {
          let ok = true;
          if (!this.luValid || Math.abs(c / this.cLu - 1) > LU_REUSE_TOL) ok = this.factorIter(c);
          if (ok) {
            // ----- simplified Newton -----
            converged = this.newton(tNew, c);
            nIter = this.nIter;
            if (converged && nIter >= NEWTON_MAXITER) slowJ = true;
          }
          if (converged) break;
          // failure: refresh the factorisation if stale, then J, then give up on this h
          if (ok && Math.abs(c / this.cLu - 1) > 1e-12) {
            this.luValid = false;
            continue;
          }
          if (!jacCurrent) {
            this.evalF(tNew, yPred, fv);
            if (this.finite(fv)) {
              this.evalJ(tNew, yPred, fv);
              jacCurrent = true;
              this.luValid = false;
              continue;
            }
          }
          break;
        }
        if (!converged) {
          stats.rejectedSteps++;
          // J was evaluated at this attempt's predictor, which may lie far off (an extrapolation over a
          // knee); the shorter step may evaluate it again at its own predictor
          jacCurrent = false;
          hAbs *= 0.5;
          this.changeD(order, 0.5);
          nEqual = 0;
          continue;
        }
        safety = (0.9 * (2 * NEWTON_MAXITER + 1)) / (2 * NEWTON_MAXITER + nIter);
        // the order selection runs after this step when it is accepted (nEqual + 1 ≥ order + 1)
        errNorm = this.errorNorm(yNew, order, nEqual >= order);
        if (errNorm > 1) {
          stats.rejectedSteps++;
          const factor = Math.max(MIN_FACTOR, safety * Math.pow(errNorm, -1 / (order + 1)));
          hAbs *= factor;
          this.changeD(order, factor);
          nEqual = 0;
          continue;
        }
        accepted = true;
      }
      // ----- a DAE's terminal events: shorten the step onto the first one (corrector solutions) -----
      let termK = -1;
      // gEnd holds g at the step's end, the corrector's solution (the same state as D[0] after updateD,
      // up to the rounding of its sums), unless a terminal event shortened the step
      let gEndValid = false;
      if (nEv > 0 && this.nAlg > 0) {
        gEndValid = true;
        for (let k = 0; k < nEv; k++) {
          const gk = events[k]!.g(tNew, yNew);
          if (Number.isNaN(gk))
            return finish('failed', t, D0, `event '${events[k]!.name}': g returned NaN at t = ${tNew}`);
          gEnd[k] = gk;
        }
        const hit = this.locateTerminal(events, gPrev, gEnd, t, h, order);
        if (hit) {
          gEndValid = false;
          termK = hit.k;
          if (hit.s !== 1) {
            h *= hit.s;
            tNew = t + h;
            hAbs = Math.abs(h);
            if (sw) this.changeD(order, hit.s, 2);
          }
        }
      }
      if (sw && !this.sensStep(tNew, h, order, yNew))
        return finish('failed', t, D0, `the sensitivity corrector did not converge at t = ${tNew}`);
      // ----- accepted: update the differences -----
      stats.steps++;
      nEqual++;
      const tOld = t;
      t = tNew;
      jacCurrent = false;
      this.updateD(order, nEqual >= order + 1);
      if (sw) this.sensUpdate(order);
      while (iBp < nBp && (bps![iBp]! - t) * tdir <= 0) iBp++;
      // ----- events (on the step's interpolating polynomial; a DAE's terminal event at the step's end) -----
      let stopT = NaN;
      this.projReady = false;
      if (nEv > 0) {
        let firstTerminal = Infinity; // in units of (te − tOld)·tdir
        let firstIdx = -1;
        // the crossings of this step (allocated on the first: most steps have none)
        let found: { k: number; te: number }[] | null = null;
        for (let k = 0; k < nEv; k++) {
          const ev = events[k]!;
          const gNew = gEndValid ? gEnd[k]! : ev.g(t, D0);
          if (Number.isNaN(gNew)) return finish('failed', t, D0, `event '${ev.name}': g returned NaN at t = ${t}`);
          const g0 = gPrev[k]!;
          const cross = k === termK || crosses(g0, gNew, ev.direction);
          if (gNew !== 0) gPrev[k] = gNew;
          if (!cross) continue;
          found ??= [];
          if (k === termK) {
            found.push({ k, te: t });
            firstTerminal = (t - tOld) * tdir;
            firstIdx = k;
            continue;
          }
          const fn = (tt: number): number => {
            this.denseState(tt, t, h, order, yOut);
            return ev.g(tt, yOut);
          };
          const r = brent(fn, tOld, t, { xtol: 1e-12 * Math.max(Math.abs(t), Math.abs(h)), rtol: 4 * EPS }, g0, gNew);
          found.push({ k, te: r.x });
          if (ev.terminal !== false && (r.x - tOld) * tdir < firstTerminal && termK < 0) {
            firstTerminal = (r.x - tOld) * tdir;
            firstIdx = k;
          }
        }
        if (found !== null) {
          found.sort((a, b) => (a.te - b.te) * tdir);
          const limit = firstIdx >= 0 ? tOld + tdir * firstTerminal : Infinity;
          for (const fnd of found) {
            if (firstIdx >= 0 && (fnd.te - limit) * tdir > 0) continue;
            if (fnd.te === t) yOut.set(D0);
            else this.denseState(fnd.te, t, h, order, yOut);
            hits.push({ name: events[fnd.k]!.name, t: fnd.te, y: Float64Array.from(yOut) });
          }
          if (firstIdx >= 0) stopT = limit;
        }
      }
      const tStop = Number.isNaN(stopT) ? t : stopT;
      // ----- outputs -----
      if (tEval) {
        while (iEval < tEval.length && (tEval[iEval]! - tStop) * tdir <= 0) {
          const te = tEval[iEval]!;
          if (te === t) emit(te, D0, sw ? sw.cur : undefined);
          else {
            this.dense(te, t, h, order, yOut);
            emit(te, yOut, sw ? this.sensDense(te, t, h, order) : undefined);
          }
          iEval++;
        }
      }
      if (!Number.isNaN(stopT)) {
        if (stopT === t) yOut.set(D0);
        else this.denseState(stopT, t, h, order, yOut);
        const Sstop = sw ? this.sensDense(stopT, t, h, order) : undefined;
        if (saveSteps) emit(stopT, yOut, Sstop);
        return finish('event', stopT, yOut, undefined, Sstop);
      }
      if (saveSteps) emit(t, D0, sw ? sw.cur : undefined);
      if (t === tEnd) return finish('done', t, D0);
      // ----- order and step-size selection -----
      if (nEqual < order + 1) {
        // IDA's rr = (2·err + 1e-4)^(−1/(k+1)) ≤ 1, i.e. 2·err + 1e-4 ≥ 1
        if (earlyShrink && 2 * errNorm + 1e-4 >= 1) {
          const factor = Math.min(0.9, Math.max(0.5, Math.pow(2 * errNorm + 1e-4, -1 / (order + 1))));
          hAbs *= factor;
          this.changeD(order, factor);
          nEqual = 0;
        }
        continue;
      }
      // (errorNorm computed both norms in its sweep of this step)
      const errM = order > 1 ? this.errM : Infinity;
      const errP = order < maxOrder ? this.errP : Infinity;
      const delta = orderChange(errM, errNorm, errP, order, order > 1, order < maxOrder);
      const best =
        delta === 0
          ? Math.pow(errNorm, -1 / (order + 1))
          : delta < 0
            ? Math.pow(errM, -1 / order)
            : Math.pow(errP, -1 / (order + 2));
      const factor = Math.min(MAX_FACTOR, safety * best);
      if (delta === 0 && factor >= 1 && factor < MIN_GROWTH) {
        nEqual = 0;
        continue;
      }
      order += delta;
      hAbs *= factor;
      this.changeD(order, factor);
      nEqual = 0;
    }
  }
}

const cache = new WeakMap<DaeProblem, BdfSolver>();
/**
 * one solver per sparse layout (its pattern's rows array): a model built again with the same layout —
 * the bench and every re-run of a cell — gets the workspace and the linear system's set-up of the last
 * one (BdfSolver.adopt) instead of building them anew
 */
const layoutCache = new WeakMap<Int32Array, BdfSolver>();

/** A solver with its workspace sized for the problem, reusable for many solves of it. */
export function createDaeSolver(problem: DaeProblem): DaeSolver {
  return new BdfSolver(problem);
}

/** Solves M·y′ = f(t, y) from y0 over [t0, tEnd] (workspace cached per problem object). */
export function solveDae(problem: DaeProblem, y0: Float64Array, opts: SolveOptions | DaeSolverOptions): SolveResult {
  let s = cache.get(problem);
  if (s === undefined || !s.adopt(problem)) {
    const st = problem.structure;
    const rows = st !== undefined && st.kind === 'sparse' ? st.rows : null;
    const pooled = rows !== null ? layoutCache.get(rows) : undefined;
    if (pooled !== undefined && pooled.adopt(problem)) s = pooled;
    else {
      s = new BdfSolver(problem);
      if (rows !== null && pooled === undefined) layoutCache.set(rows, s);
    }
    cache.set(problem, s);
  }
  return s.solve(y0, opts);
}
