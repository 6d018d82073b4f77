/**
 * Public types of the stiff integrator. Problems are written as  M·y′ = f(t, y)  with a diagonal
 * mass matrix M (1 for differential unknowns, 0 for algebraic ones: semi-explicit index-1 DAEs).
 * All arrays are Float64Array and the solver never allocates inside its Newton loop.
 */

/** Structure of ∂f/∂y, used to pick the linear solver and the finite-difference colouring. */
export type JacobianStructure =
  | { kind: 'dense' }
  /** nonzeros only for  i − lower ≤ j ≤ i + upper */
  | { kind: 'banded'; lower: number; upper: number }
  /**
   * general sparsity: for entry k, (rows[k], cols[k]) is a structural nonzero. Typical use: a banded
   * model bordered by a few global unknowns (terminal current, temperature).
   */
  | {
      kind: 'sparse';
      rows: Int32Array;
      cols: Int32Array;
      /**
       * eliminate the differential unknowns that hang off the rest of the graph as trees (particle
       * concentration chains, …) before a bordered-banded LU of the remainder (./condensed.ts);
       * default false (plain bordered-banded LU)
       */
      condense?: boolean;
    };

/** Where an analytic Jacobian writes ∂f_i/∂y_j. Entries not written are zero. */
export interface JacobianSink {
  add(i: number, j: number, value: number): void;
  /**
   * true when the sink already holds the entries of the problem's linearRows from an earlier evaluation
   * of this solve (constant by that declaration): jacobian may then leave those rows out (whatever it
   * adds to them is replaced by the held values)
   */
  readonly linearRowsHeld?: boolean;
  /**
   * optional: adds count entries at once, entry q = (rows[q], cols[q], values[q]) in the order of q — the same
   * sums as count add() calls in that order. A jacobian that writes a fixed sequence of entries passes the
   * same rows and cols arrays at every call, so that the sink can place the values by a map made once
   */
  addSequence?(rows: Int32Array, cols: Int32Array, values: Float64Array, count: number): void;
}

export interface DaeProblem {
  /** number of unknowns */
  readonly n: number;
  /** diagonal of M: 1 (differential) or 0 (algebraic); absent ⇒ identity (pure ODE) */
  readonly massDiag?: Float64Array;
  /** f(t, y) written into out (length n) */
  f(t: number, y: Float64Array, out: Float64Array): void;
  /** optional analytic ∂f/∂y; without it the solver uses a coloured finite-difference Jacobian */
  jacobian?(t: number, y: Float64Array, sink: JacobianSink): void;
  /** structure of ∂f/∂y (default dense) */
  readonly structure?: JacobianStructure;
  /**
   * rows that are exactly linear and homogeneous in y with constant coefficients, f_v(y) = Σ_u J_vu·y_u,
   * J_vu as the analytic jacobian writes them (1 = such a row; e.g. the particle diffusion of a DFN with
   * a constant diffusivity, isothermal). With a condensed structure the solver takes the trees of such
   * unknowns out of its Newton loop (./condensed.ts LinearChains): needs jacobian and fNonlinear.
   */
  readonly linearRows?: Uint8Array;
  /** f(t, y) on every row except the linearRows (their entries of out are left as they are) */
  fNonlinear?(t: number, y: Float64Array, out: Float64Array): void;
}

/** A scalar function of the state whose zero crossing is an event (cut-off voltage, current, time). */
export interface EventSpec {
  readonly name: string;
  g(t: number, y: Float64Array): number;
  /** +1: only rising crossings, −1: only falling, 0: both */
  readonly direction: -1 | 0 | 1;
  /** stop the integration at the event (default true) */
  readonly terminal?: boolean;
}

export interface SolveOptions {
  t0: number;
  tEnd: number;
  rtol?: number; // default 1e-6
  atol?: number | Float64Array; // default 1e-8
  /** maximum step size (s); default unbounded */
  maxStep?: number;
  /** initial step (s); default chosen from the initial derivative */
  firstStep?: number;
  /** maximum BDF/NDF order, 1..5 (default 5) */
  maxOrder?: number;
  events?: readonly EventSpec[];
  /** output times: the result samples the dense output at these times (in addition to steps if saveSteps) */
  tEval?: Float64Array | readonly number[];
  /** store every accepted step (default true when tEval is absent) */
  saveSteps?: boolean;
  /** maximum number of steps before failing (default 100000) */
  maxSteps?: number;
  /** make algebraic unknowns consistent at t0 (default true) */
  initialiseAlgebraic?: boolean;
}

export interface EventHit {
  name: string;
  t: number;
  y: Float64Array;
}

export interface SolveStats {
  steps: number;
  rejectedSteps: number;
  fEvals: number;
  jacobianEvals: number;
  factorisations: number;
  newtonIterations: number;
  /** iterations of the sensitivity corrector, summed over the parameters (0 without sensitivities) */
  sensitivityIterations?: number;
}

/**
 * Forward sensitivities s_i = ∂y/∂p_i of M·y′ = f(t, y, p) for np parameters: M·s_i′ = ∂f/∂y·s_i + ∂f/∂p_i,
 * integrated by the staggered direct method (after each accepted step of y, the same BDF/NDF formula
 * with the same Newton matrix; Caracotsios & Stewart, Comput. Chem. Eng. 9 (1985) 359,
 * doi:10.1016/0098-1354(85)85014-6; the scheme of CVODES/IDAS, Serban & Hindmarsh, ASME IDETC 2005,
 * doi:10.1115/DETC2005-85597). The sensitivities are not part of the local error test (CVODES's
 * errconS = false): the step sizes are those of the state alone.
 */
export interface SensitivitySpec {
  /** number of parameters */
  readonly np: number;
  /** ∂y0/∂p_i (np arrays of length n); the algebraic components are made consistent with the others */
  readonly s0: readonly Float64Array[];
  /**
   * the sensitivity right-hand side of parameter i: out = ∂f/∂y(t, y)·s + ∂f/∂p_i(t, y), with fy = f(t, y)
   * given (so that a directional difference [f(t, y + δs; p + δe_i) − fy]/δ costs one evaluation of f:
   * ./sensitivity.ts)
   */
  rhs(i: number, t: number, y: Float64Array, fy: Float64Array, s: Float64Array, out: Float64Array): void;
  /** absolute tolerance of the sensitivity corrector (default: the state's atol) */
  readonly atol?: number | Float64Array;
}

export interface SolveResult {
  status: 'done' | 'event' | 'failed';
  message?: string;
  /** sampled times and states (row i: y at t[i]) */
  t: number[];
  y: Float64Array[];
  /** final time and state (the event point when status is 'event') */
  tFinal: number;
  yFinal: Float64Array;
  events: EventHit[];
  stats: SolveStats;
  /** with sensitivities and no output callback: the sensitivities at each sample (row i: np arrays at t[i]) */
  s?: Float64Array[][];
  /** with sensitivities: ∂y/∂p_i at tFinal */
  sFinal?: Float64Array[];
}
