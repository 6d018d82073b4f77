/**
 * The interface every cell model (liquid DFN/SPMe/SPM, solid-state P2D/SPMe/SPM) offers to the
 * cycler and the battery. SI units; current is POSITIVE ON CHARGE and negative on discharge
 * (Battery Data Format convention), everywhere in rollcell.
 */
import type { DaeProblem } from '../numerics/types.ts';

export type ControlMode = 'current' | 'voltage' | 'power' | 'resistance' | 'rest';

/**
 * What the cycler imposes during a step. value: A (current), V (voltage), W (power, positive on
 * charge), Ω (resistance: a load with V = −I·R on discharge). 'rest' = zero current.
 * A function value gives a time-dependent set point (t in s from the start of the step's solve).
 */
export interface Control {
  readonly mode: ControlMode;
  readonly value: number | ((t: number) => number);
}

export interface CellModel {
  readonly name: string;
  /** nominal (design) capacity used to turn C-rates into currents, A·h → stored in C (coulomb) */
  readonly nominalCapacity_C: number;
  /** number of unknowns in the state vector */
  readonly n: number;
  /** a DAE with the given control; the state vector layout is the same for every control */
  problem(control: Control): DaeProblem;
  /** a state at rest at the given state of charge (0..1 of the model's stoichiometric window) */
  initialState(soc: number): Float64Array;
  /** terminal voltage (V) */
  voltage(y: Float64Array): number;
  /** terminal current (A, positive on charge) */
  current(y: Float64Array): number;
  /** moles of cyclable lithium in the electrodes (and electrolyte, if it stores any) */
  lithiumInventory_mol(y: Float64Array): number;
  /** named outputs for plots and CSV (units in the names: e.g. anode_surface_x, T_K) */
  outputs?(y: Float64Array): Record<string, number>;
  /** per-unknown absolute tolerances, if the model knows its scales */
  readonly atol?: Float64Array;
}
