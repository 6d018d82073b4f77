/**
 * The solver the step machine uses by default: numerics' variable-order BDF/NDF solveDae.
 * (The cycler's own reference solver, ref-solver.ts, cross-checks it in the tests.)
 */
export { solveDae as defaultSolver } from '../numerics/index.ts';
