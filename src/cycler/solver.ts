/**
 * The solver the step machine uses by default. Points at numerics' solveDae once that module exists;
 * until then (parallel development) the cycler's own reference solver (backward Euler with step doubling and
 * Richardson extrapolation, dense finite-difference Jacobian) stands in: fine for small models (the ECM),
 * too slow for P2D meshes.
 */
export { refSolve as defaultSolver } from './ref-solver.ts';
