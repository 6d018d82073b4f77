/**
 * rollcell's stiff integrator and numerical utilities (see DESIGN.md, `numerics/`).
 *  - solveDae / createDaeSolver: variable-order BDF/NDF for M·y′ = f(t, y), M diagonal (index-1 DAEs)
 *  - the linear-step engine (LinearStepEngine: a system whose step is linear in one scalar input)
 *  - Newton's iteration on a system the caller linearises and solves (newtonIteration: the loop, the error-left
 *    estimate, damping, stall detection; the battery pack's Kirchhoff solves)
 *  - dense, banded, bordered-banded and tridiagonal LU; root finding (the one safeguarded scalar newton and its
 *    inlinable newtonHot, growBracket, fixedPoint, brent, illinois, bisection); a crossing
 *    inside a fixed step (locateCrossing); table interpolation; a seeded RNG
 *
 * This folder is the only place that steps a DAE, factors a matrix or locates an event.
 */
export type {
  DaeProblem,
  EventHit,
  EventSpec,
  JacobianSink,
  JacobianStructure,
  SensitivitySpec,
  SolveOptions,
  SolveResult,
  SolveStats,
} from './types.ts';
export { solveDae, createDaeSolver, type DaeSolver, type DaeSolverOptions } from './bdf.ts';
export { directionalSensitivityRhs } from './sensitivity.ts';
export { locateCrossing, type CrossingOptions } from './crossing.ts';
export {
  LinearStepEngine,
  type LinearStepSystem,
  type LinearStepTimes,
  type LinearStepRun,
  type OutputCutoff,
  type InputStop,
} from './linear-step.ts';
export {
  newtonIteration,
  type NewtonProblem,
  type NewtonIterationOptions,
  type NewtonIterationStatus,
} from './newton-system.ts';
export { tridiagonalSolve, tridiagonalSolve2, tridiagonalSolve2Last } from './tridiagonal.ts';
export { createLinearSystem, type LinearSystem } from './system.ts';
export {
  denseLuFactor,
  denseLuSolve,
  BandLu,
  BorderedBandLu,
  chooseBorderedLayout,
  type BorderedLayout,
} from './linalg.ts';
export {
  brent,
  illinois,
  newton,
  newtonHot,
  NewtonSearch,
  growBracket,
  fixedPoint,
  bisect,
  bisectTest,
  type BisectTestOptions,
  type FixedPointResult,
  type GrowBracketOptions,
  type GrowBracketResult,
  type GrowBracketStatus,
  type NewtonFunction,
  type NewtonSettings,
  type NewtonStatus,
  type RootOptions,
  type RootResult,
} from './roots.ts';
export {
  linearInterpolant,
  pchipInterpolant,
  pchipSlopes,
  interpLinear,
  interpPchip,
  findInterval,
  type Interpolant,
  type TableOptions,
  type Extrapolation,
} from './interp.ts';
export { Rng } from './rng.ts';
export { symmetricEigen, cholesky, solveSpd, type SymmetricEigen } from './dense.ts';
export {
  levenbergMarquardt,
  boundedLevenbergMarquardt,
  type LsqOptions,
  type LsqResult,
  type LsqPoint,
  type LsqIteration,
  type BoundedLsqOptions,
  type BoundedLsqResult,
} from './lsq.ts';
