/**
 * The interface every cell model (liquid DFN/SPMe/SPM, solid-state P2D/SPMe/SPM) offers to the
 * cycler and the battery. SI units; current is POSITIVE ON CHARGE and negative on discharge
 * (Battery Data Format convention), everywhere in rollcell.
 */
import type { DaeProblem } from '../numerics/types.ts';
import type { LinearStepSystem } from '../numerics/linear-step.ts';

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
  /**
   * Optional: move the algebraic unknowns of y (in place) close to their consistent values for a new
   * control, from the model's own physics (e.g. a uniform reaction distribution for an imposed
   * current). The cycler calls it at every control switch before the solver's consistent
   * initialisation, which then only polishes. Differential unknowns must not change.
   */
  consistentGuess?(control: Control, y: Float64Array): void;
}

/** What the cycler tells a model after each full cycle (SI). */
export interface CycleSummary {
  /** 1-based cycle index */
  readonly index: number;
  readonly charge_C: number; // charge passed on charge (C, ≥ 0)
  readonly discharge_C: number; // charge passed on discharge (C, ≥ 0)
  readonly duration_s: number;
  /** of duration_s, the time at rest (s; calendar ageing) and the SOC of that rest (0..1) */
  readonly rest_s?: number;
  readonly restSoc?: number;
  /** mean state of charge while cycling (0..1; default 0.5) */
  readonly meanSoc?: number;
  /** temperature the cell aged at (K; default the model's own — e.g. the pack's thermal model) */
  readonly temperature_K?: number;
  /** mean discharge current (A, magnitude; default from the discharge charge over half the cycle) */
  readonly dischargeCurrent_A?: number;
  /** Li plated at the top of the cycle's charge (mol; dead-Li ageing) */
  readonly platedLi_mol?: number;
}

/**
 * Optional capabilities a model may offer; the cycler uses them when present.
 * Implemented by the solid-state cell models (ageing, thickness for Eq. 1 of [0178]).
 */
export interface CellModelExtras {
  /** apply degradation submodels after a cycle; may change parameters and the state in place */
  afterCycle?(y: Float64Array, cycle: CycleSummary): void;
  /**
   * record what a cycle leaves in the cell's geometry without ageing it (the anode's residual porosity
   * after dealloying, for Eq. 1's B); afterCycle does this too
   */
  recordCycleGeometry?(y: Float64Array, cycle: CycleSummary): void;
  /** cell thickness (m) at state y under the fixture's stack pressure, for the Eq. 1 expansion rate */
  thickness_m?(y: Float64Array): number;
  /**
   * Li plating indicator (V): the anode's potential vs Li/Li⁺ at the separator. It falls through 0 V when
   * Li metal starts to deposit there (the host lattice's surface is full, or the overpotential drives the
   * electrode below the Li/Li⁺ potential). The cycler's "until Li plating" and its plating policy use it.
   */
  platingIndicator?(y: Float64Array): number;
  /** mass of cathode active material (kg), for mAh/g */
  readonly cathodeActiveMass_kg?: number;
  /** electrode (cell) area (m²), for mAh/cm² */
  readonly area_m2?: number;
  /**
   * Sets the ambient (chamber) temperature, K, for the problems built from now on: an isothermal model
   * runs at it (PyBaMM's isothermal models: T = ambient), a lumped-thermal model exchanges heat with it.
   * The cycler calls it per step with the step's or the experiment's temperature.
   */
  setAmbientTemperature?(T_K: number): void;
  /** the ambient temperature the model runs at now, K */
  readonly ambientTemperature_K?: number;
  /**
   * The model's own voltage limits (V), e.g. a BPX cell's lower and upper cut-offs. As in PyBaMM's
   * experiments, the cycler stops a step (and the experiment, as infeasible) 1 V beyond them when no
   * termination of the step was met first ("Minimum voltage [V]" / "Maximum voltage [V]" events).
   */
  readonly voltageLimits_V?: { readonly min: number; readonly max: number };
  /**
   * A scalar that stays positive while the state is inside the model's valid range and falls through
   * zero at its edge (e.g. a surface stoichiometry reaching 0 or 1): the cycler ends the step there as
   * infeasible instead of letting the solver fail.
   */
  validityMargin?(y: Float64Array): number;
}

export type FullCellModel = CellModel & CellModelExtras;

/**
 * Optional capability of a model whose backward-Euler step over dt is linear in the current (the SPMe and
 * SPM: the particle and anode equations for a current known up to the scalar I), so that a step's end
 * state is base + I·g and its terminal voltage a scalar function of I. The cycler's fast stepper drives a
 * cell through it without knowing the model's state layout: prepare a step, evaluate trial currents,
 * commit one (the battery pack, src/battery/pack.ts, drives each of its cells through it too). It is the
 * numerics' LinearStepSystem with the current as the input and the terminal voltage as the output.
 */
export interface LinearStepCell extends LinearStepSystem {
  /** prepare a step of length dt (s) from state y */
  prepare(y: Float64Array, dt: number): void;
  /** the terminal voltage at the end of the prepared step at current I (A) into V, and dV/dI (Ω) into dVdI */
  evaluate(I: number): void;
  readonly V: number;
  readonly dVdI: number;
  /** write the end state of the prepared step at current I into y */
  commit(y: Float64Array, I: number): void;
  /** the terminal voltage of state y with the current I switched on at once (the same state, no step) */
  instantVoltage(y: Float64Array, I: number): number;
  // as a LinearStepSystem (src/numerics/linear-step.ts, the engine the cycler's fast stepper runs on): the
  // input is the current, `output` and `dOutput` are V and dVdI, `instantOutput` is instantVoltage
  /**
   * optional predictor: V and dVdI at current I of the prepared step from the last evaluation's
   * linearisation (no model evaluation; NaN before any evaluation)
   */
  linearAt?(I: number): void;
  /** optional: the current of the last evaluate (A; NaN before any) */
  readonly evaluatedAt?: number;
}
