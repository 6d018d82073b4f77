/**
 * A battery pack: Ns parallel groups in series, Np cells per group, every cell its own solid-state SPMe
 * (src/electrochem/ssb/spme.ts — the full SPMe, not a reduced form).
 *
 * Time stepping (backward Euler, the same discretisation as the cycler's fast step engine,
 * cycler/step-engines.ts): each cell is a LinearStepCell (../electrochem/model.ts, the cycler's capability:
 * prepare / evaluate / commit, the SPMe's SpmeLinearStep in ../electrochem/ssb/step-response.ts): over a
 * step dt its end state is
 * base_k + I_k·g_k (the model's own step response, once per cell and step) and its terminal voltage
 * V_k(I_k) follows from the SPMe's voltage function. Kirchhoff for each group g (cells k in g, each with
 * its own connection resistance r_c to the group busbar, a bleed resistor R_b across the busbar when
 * balancing):
 *     V_k(I_k) + r_c·I_k = V_bus,g  for every k in g,     Σ_k I_k = I − s_g·V_bus,g / R_b
 * (s_g = 1 while group g bleeds). Solved by Newton on the cell currents of all groups at once: each
 * cell's V_k is linearised at its trial current, the linear system is solved exactly for every V_bus,
 * iterated (damped when an update makes the residual grow) to |ΔI_k| ≤ 1e-8·(|I| + 1 A), with the
 * error left after an update estimated from the convergence rate (the loop is the numerics' Newton
 * iteration, src/numerics/newton-system.ts; the pack supplies the linearisation, the per-group solve and the
 * tests). Under power control the pack current is an unknown of the same iteration: on the linearisation
 * V_pack = α + β·I, and P = V_pack·I is solved as a quadratic. Every iteration starts from the previous linearisation (the predictor), so a step
 * typically costs two voltage evaluations per cell.
 * The string: V_pack = Σ_g V_bus,g + I·(Ns − 1)·r_s (r_s: the group-to-group link).
 *
 * BMS: cell voltage limits (vMin, vMax). A requested current that would take any cell past a limit in
 * this step is derated to the largest |I| that keeps every cell inside (Newton on the limiting cell's
 * voltage inside a bracket, Illinois steps when Newton stalls: src/numerics/roots.ts newton) and
 * the derating is recorded (time, requested, delivered, limiting cell, which limit) — never silently.
 * Passive balancing (while charging or at rest): a group's bleed resistor is switched on while its rest-
 * voltage estimate exceeds the lowest group's by more than the threshold.
 *
 * Thermal (optional, one-way: temperatures are reported, the electrochemistry stays at the recipe
 * temperature): lumped m·c_p per cell, heat I_k·(V_k − V_k⁰) + r_c·I_k² (V_k⁰: the voltage at zero
 * current with the same surface concentrations, i.e. kinetic + ohmic heat; entropic heat neglected),
 * convection h·2A to ambient, conduction G to the neighbouring cells in build order; backward Euler
 * (tridiagonal).
 */
import type { SsbSpme } from '../electrochem/ssb/spme.ts';
import { F } from '../materials/constants.ts';
import type { CellSpec } from './cells.ts';
import { spmeOf } from './cells.ts';
import { problem, ProblemError } from '../problems.ts';
import { mV } from '../units/index.ts';
import type { LinearStepCell } from '../electrochem/model.ts';
import { SpmeLinearStep } from '../electrochem/ssb/step-response.ts';
import { newton, NewtonSearch } from '../numerics/roots.ts';
import { tridiagonalSolve } from '../numerics/tridiagonal.ts';
import { newtonIteration, type NewtonIterationOptions, type NewtonProblem } from '../numerics/newton-system.ts';

/**
 * The pack solver's tolerance policy (the default of PackOptions.tolerance): every step's cell currents
 * are solved until the error left in each, estimated from the cells' curvature or from the contraction
 * of the last two Newton updates, is ≤ 1e-5·(|I| + 1 A), and under power control the pack current's
 * ≤ 1e-6·(|I| + 1 mA) — about 10 µV of cell voltage at the example cells' resistance, far inside the BMS's
 * 0.1 mV acceptance band. Energies, charges, the hottest cell's temperature and the times of the
 * deratings agree with a tight solve (1e-10) of the same pack to ≤ 1e-4 relative
 * (test/battery/tolerance.test.ts); charge and energy are conserved exactly at any tolerance (the
 * committed currents sum to the pack current, and each cell's voltage is its bus voltage less its
 * connection drop on the same linearisation).
 */
export const PACK_TOLERANCE = 1e-5;

/**
 * What a derating COUNT counts (the `deratings` list records every BMS intervention, however small): a
 * step on which the BMS delivered less than 99 % of the demand (current, or power under power control),
 * and per cell, such a step on which the cell was within 1 mV of the voltage limit hit. Both are fixed
 * targets far from the solver's 0.1 mV acceptance band, so a round-off change cannot move a count (a
 * derating landing at −0.02 or −0.08 mV inside the limit is the same event); a count moves only when a
 * demand or a cell voltage crosses one of them.
 */
export const DERATING_COUNT_SHORT = 0.01;
export const DERATING_COUNT_WINDOW_V = mV(1);

/** the steps that count as deratings (DERATING_COUNT_SHORT), in total and per cell at each limit */
export interface DeratingCounts {
  total: number;
  /** at v_min, or p_max while discharging */
  discharge: number;
  /** at v_max, or p_max while charging */
  charge: number;
  /** per cell: counted steps on which it was within DERATING_COUNT_WINDOW_V of v_min / v_max */
  readonly cellVMin: Uint32Array;
  readonly cellVMax: Uint32Array;
  /** per cell: the sum of its distances to the limit over those steps (V; ranks cells counted equally often) */
  readonly cellVMinDistance: Float64Array;
  readonly cellVMaxDistance: Float64Array;
}

/** factor on the estimated error left after a Newton update before it is compared with the tolerance */
const ERR_SAFETY = 2;
/** the BMS's acceptance band below a voltage limit: a derated solution lies in (−ACCEPT_BAND_V, 0] of it */
const ACCEPT_BAND_V = mV(0.1);
/** where a derated current is placed: the middle of the acceptance band */
const DERATE_TARGET_V = mV(0.05);
/**
 * powerSafe's search: relative tolerance on the pack current (the power iteration's, 1e-9), the current scale
 * (A) of its absolute tolerance and of its first step up — 1 mA, an assumption covering packs from a high
 * series resistance (1 kΩ: mA) to EV packs (100 A); a step doubles from there — and its evaluations at most
 */
const POWER_SAFE_RTOL = 1e-9;
const POWER_SAFE_SCALE_A = 1e-3;
const POWER_SAFE_EVALUATIONS = 100;

/**
 * The pack's Newton iterations (numerics newtonIteration): the Kirchhoff solve at a pack current, 201 updates
 * at most, damped down to λ = 1/1024; the power iteration, 8 updates, stalled after two that did not contract
 * (ρ > 0.9: the iteration is cycling, a demand at or past the pack's power capability, and would not settle in
 * the updates left — the safeguarded path decides now rather than after 8 wasted linearisations); the limit
 * iteration, 12 updates (after the predictor's, where a step starts held at the limit)
 */
const KIRCHHOFF_ITERATION: NewtonIterationOptions = { maxIter: 201, minLambda: 1 / 1024 };
const POWER_ITERATION: NewtonIterationOptions = { maxIter: 8, stallRate: 0.9 };
const LIMIT_ITERATION: NewtonIterationOptions = { maxIter: 12 };
const LIMIT_ITERATION_PREDICTED: NewtonIterationOptions = { maxIter: 12, predicted: true };

/**
 * The current at which a pack linear in its current, V = α + β·I, delivers the power P = V·I: the root of
 * β·I² + α·I − P = 0 on the branch through rest, written 2P/(α + √(α² + 4βP)) (no cancellation at small
 * P); NaN when there is none (P beyond the pack's capability, or no positive open-circuit voltage α)
 */
function currentForPower(alpha: number, beta: number, P: number): number {
  const d = alpha * alpha + 4 * beta * P;
  return d >= 0 && alpha > 0 ? (2 * P) / (alpha + Math.sqrt(d)) : NaN;
}

/** where and why a pack could not be evaluated (PackNotEvaluable) */
export interface NotEvaluable {
  /** the time of the step that failed (s from the start of the duty) */
  readonly t_s: number;
  /** the cell that cannot be evaluated (index in build order) and its series group */
  readonly cell: number;
  readonly group: number;
  /** the pack current tried (A, positive on charge) */
  readonly current_A: number;
  readonly reason: string;
}

/**
 * A pack state no current can be solved for: a cell outside the states its model can describe at every
 * current the BMS may choose, rest included (its own state not finite, say) — the battery cannot be
 * evaluated from here on. A ProblemError (the CLI's exit 2, the server's 4xx) that names the cell.
 */
export class PackNotEvaluable extends ProblemError {
  readonly at: NotEvaluable;
  constructor(at: NotEvaluable) {
    super({
      path: `battery.cells[${at.cell}]`,
      problem: `cannot be evaluated at t = ${at.t_s} s (group ${at.group}): ${at.reason}`,
      got: `pack current ${at.current_A} A`,
      allowed: 'cell states inside the cell model (a derated current, or rest, the BMS can hold)',
    });
    this.at = at;
  }
}

/** a pack cell: the LinearStepCell capability with its predictor (linearAt) */
type PackCell = LinearStepCell & { linearAt(I: number): void; readonly evaluatedAt: number };

export interface PackOptions {
  readonly series: number;
  readonly parallel: number;
  /** resistance of each cell's connection to its group busbar (Ω) */
  readonly cellConnection_ohm: number;
  /** resistance of each group-to-group series link (Ω) */
  readonly seriesLink_ohm: number;
  readonly vMin_V?: number;
  readonly vMax_V?: number;
  readonly bleed_ohm?: number;
  readonly balanceThreshold_V?: number;
  readonly balancing?: boolean;
  readonly initialSoc?: number;
  /**
   * the solver's tolerance: the error left in each cell's current, relative to |I| + 1 A (the pack
   * current's: a tenth of it, relative to |I| + 1 mA); default PACK_TOLERANCE. A tight value (1e-10) is
   * the reference solve the tests compare the default with.
   */
  readonly tolerance?: number;
  readonly thermal?: {
    readonly ambient_K: number;
    readonly heatCapacity_J_kgK: number;
    readonly h_W_m2K: number;
    readonly neighbour_W_K: number;
  };
}

export interface Derating {
  readonly t_s: number;
  readonly requested_A: number;
  readonly delivered_A: number;
  /** index of the cell that hit the limit */
  readonly cell: number;
  /**
   * the cell voltage limit hit, or `p_max`: the demand is beyond the most power the pack can deliver or
   * take at all (past that current its terminal voltage falls faster than the current grows)
   */
  readonly limit: 'v_min' | 'v_max' | 'p_max';
  /** for power-controlled steps: requested and delivered pack power (W, positive on charge) */
  readonly requested_W?: number;
  readonly delivered_W?: number;
}

export interface StepReport {
  readonly I_A: number;
  readonly V_pack_V: number;
  readonly derated: boolean;
}

export class Pack {
  readonly Ns: number;
  readonly Np: number;
  readonly n: number;
  readonly specs: readonly CellSpec[];
  readonly models: SsbSpme[];
  readonly y: Float64Array[];
  readonly rc: number;
  readonly rs: number;
  readonly vMin: number;
  readonly vMax: number;
  readonly bleedR: number;
  readonly threshold: number;
  balancing: boolean;
  /** cell currents, voltages of the last committed step */
  readonly I: Float64Array;
  readonly V: Float64Array;
  readonly Vbus: Float64Array;
  readonly bleeding: Uint8Array;
  readonly T: Float64Array;
  // accumulators (SI)
  t = 0;
  readonly cellCharge_C: Float64Array;
  readonly cellEnergy_J: Float64Array;
  readonly cellThroughput_C: Float64Array;
  packEnergy_J = 0;
  packCharge_C = 0;
  energyIn_J = 0;
  energyOut_J = 0;
  interconnectLoss_J = 0;
  bleedLoss_J = 0;
  bleedCharge_C = 0;
  readonly deratings: Derating[] = [];
  /** the deratings that count (DERATING_COUNT_SHORT, DERATING_COUNT_WINDOW_V) */
  readonly deratingCounts: DeratingCounts;
  private readonly steppers: PackCell[];
  private readonly sK: Float64Array;
  private readonly aK: Float64Array;
  private readonly gS: Float64Array;
  private readonly gA: Float64Array;
  private readonly trialI: Float64Array;
  private readonly prevI: Float64Array;
  private readonly stepI: Float64Array;
  /** Kirchhoff residual of the last linearisation: largest spread of V_k + r_c·I_k within a group (V) */
  private residual = 0;
  private readonly trialV: Float64Array;
  private readonly trialBus: Float64Array;
  /**
   * per cell: the current at which its present linearisation is exact, and how much its slope changed
   * from the linearisation before (Ω) — the curvature seen between the two, for the error estimate
   */
  private readonly linI: Float64Array;
  private readonly dSlope: Float64Array;
  /** per cell: the distance (A) between its last two linearisation points, over which dSlope was seen */
  private readonly spanI: Float64Array;
  /** estimated error left in the cell currents (A) and in the pack current (A) after the last update */
  private errCell = Infinity;
  private errPack = Infinity;
  /** whether aK/sK hold a linearisation of the prepared step (false: the last step's or none) */
  private stepLin = false;
  private readonly thermal: PackOptions['thermal'];
  private readonly heatCap: Float64Array;
  private readonly hA: Float64Array;
  private lastDt = -1;
  private lastI = 0;
  /** zero-current voltage of each cell's committed surface state (BMS rest-voltage estimate, heat) */
  readonly V0: Float64Array;
  private fresh = true;
  /** PackOptions.tolerance */
  private readonly tol: number;

  constructor(cells: readonly CellSpec[], o: PackOptions) {
    const { series: Ns, parallel: Np } = o;
    if (!(Number.isInteger(Ns) && Ns >= 1))
      throw problem('battery.series', 'must be an integer ≥ 1', String(Ns), '1, 2, …');
    if (!(Number.isInteger(Np) && Np >= 1))
      throw problem('battery.parallel', 'must be an integer ≥ 1', String(Np), '1, 2, …');
    if (Ns * Np < 2)
      throw problem('battery', 'needs at least two cells', `${Ns}s${Np}p`, 'series × parallel ≥ 2, claim 17');
    if (cells.length !== Ns * Np)
      throw problem('cells', 'must number series × parallel', String(cells.length), String(Ns * Np));
    for (const [k, v] of [
      ['cellConnection_ohm', o.cellConnection_ohm],
      ['seriesLink_ohm', o.seriesLink_ohm],
    ] as const) {
      if (!(Number.isFinite(v) && v >= 0)) throw problem(`battery.${k}`, 'must be ≥ 0', String(v), '≥ 0');
    }
    this.Ns = Ns;
    this.Np = Np;
    this.n = Ns * Np;
    this.specs = cells;
    this.models = cells.map(spmeOf);
    const soc0 = o.initialSoc ?? 1;
    if (!(soc0 >= 0 && soc0 <= 1)) throw problem('battery.initial_soc', 'must be in [0, 1]', String(soc0), '0..1');
    this.y = this.models.map((m) => m.initialState(soc0));
    this.rc = o.cellConnection_ohm;
    this.rs = o.seriesLink_ohm;
    const p0 = cells[0]!.params;
    this.vMin = o.vMin_V ?? p0.vMin_V;
    this.vMax = o.vMax_V ?? p0.vMax_V;
    if (!(this.vMax > this.vMin))
      throw problem(
        'battery.extras.bms.cell_v_max_V',
        'must be > cell_v_min_V',
        `${this.vMax} ≤ ${this.vMin}`,
        `> ${this.vMin}`,
      );
    this.bleedR = o.bleed_ohm ?? 39;
    this.threshold = o.balanceThreshold_V ?? 0.005;
    this.balancing = o.balancing ?? true;
    this.tol = o.tolerance ?? PACK_TOLERANCE;
    if (!(this.tol > 0 && this.tol < 1))
      throw problem('battery.tolerance', 'must be in (0, 1)', String(this.tol), 'e.g. 1e-5');
    this.I = new Float64Array(this.n);
    this.V = new Float64Array(this.n);
    for (let k = 0; k < this.n; k++) this.V[k] = this.models[k]!.voltage(this.y[k]!);
    this.Vbus = new Float64Array(Ns);
    for (let gi = 0; gi < Ns; gi++) this.Vbus[gi] = this.V[gi * Np]!;
    this.bleeding = new Uint8Array(Ns);
    this.cellCharge_C = new Float64Array(this.n);
    this.cellEnergy_J = new Float64Array(this.n);
    this.cellThroughput_C = new Float64Array(this.n);
    // one stepResponse scratch for all cells (prepared one after another): it stays in cache
    const work = new Float64Array(6 * Math.max(...this.models.map((m) => m.n)));
    this.steppers = this.models.map((m) => new SpmeLinearStep(m, work));
    this.sK = new Float64Array(this.n);
    this.aK = new Float64Array(this.n);
    this.gS = new Float64Array(Ns);
    this.gA = new Float64Array(Ns);
    this.trialI = new Float64Array(this.n);
    this.prevI = new Float64Array(this.n);
    this.stepI = new Float64Array(this.n);
    this.trialV = new Float64Array(this.n);
    this.trialBus = new Float64Array(Ns);
    this.deratingCounts = {
      total: 0,
      discharge: 0,
      charge: 0,
      cellVMin: new Uint32Array(this.n),
      cellVMax: new Uint32Array(this.n),
      cellVMinDistance: new Float64Array(this.n),
      cellVMaxDistance: new Float64Array(this.n),
    };
    this.linI = new Float64Array(this.n);
    this.dSlope = new Float64Array(this.n);
    this.spanI = new Float64Array(this.n);
    this.V0 = Float64Array.from(this.V);
    this.thermal = o.thermal;
    this.T = new Float64Array(this.n).fill(o.thermal?.ambient_K ?? p0.temperature_K);
    this.heatCap = new Float64Array(this.n);
    this.hA = new Float64Array(this.n);
    if (o.thermal) {
      for (let k = 0; k < this.n; k++) {
        this.heatCap[k] = cells[k]!.mass_kg * o.thermal.heatCapacity_J_kgK;
        const face = cells[k]!.footprint_m2; // both faces of the pouch cool
        this.hA[k] = 2 * o.thermal.h_W_m2K * face;
      }
    }
  }

  /** cell k's group and position */
  group(k: number): number {
    return Math.floor(k / this.Np);
  }

  /** nominal (design-window) capacity of each cell, C */
  cellCapacity_C(k: number): number {
    return this.models[k]!.nominalCapacity_C;
  }

  /** state of charge of cell k (fraction of its own design window) from its anode Li content */
  soc(k: number): number {
    const m = this.models[k]!;
    const y = this.y[k]!;
    let xm = 0;
    for (let i = 0; i < m.na; i++) xm += y[m.offA + i]!;
    xm /= m.na;
    const w = m.core.window;
    const q = (xm - w.x0) * m.core.nAl;
    return (q - w.qLo) / (w.qHi - w.qLo);
  }

  /** Li moved into the anode (C) — ∫I dt of the cell must equal its change */
  anodeCharge_C(k: number): number {
    const m = this.models[k]!;
    const y = this.y[k]!;
    let xs = 0;
    for (let i = 0; i < m.na; i++) xs += y[m.offA + i]!;
    return (xs / m.na) * m.core.nAl * F;
  }

  private prepare(dt: number): void {
    for (let k = 0; k < this.n; k++) this.steppers[k]!.prepare(this.y[k]!, dt);
    this.lastDt = dt;
    this.fresh = true;
    this.stepLin = false;
  }

  /**
   * The predictor of a step's first solve: every cell's last evaluation linearised in its voltage
   * function's inputs and carried to the prepared step (linearAt: no model evaluation), summed per
   * group as linearise does. False when a cell has none or it is not usable (then the warm start).
   */
  private predictLinear(bleed: Uint8Array): boolean {
    const rc = this.rc;
    const Np = this.Np;
    for (let gi = 0; gi < this.Ns; gi++) {
      const o = gi * Np;
      let S = bleed[gi] ? 1 / this.bleedR : 0;
      let A = 0;
      for (let j = 0; j < Np; j++) {
        const k = o + j;
        const v = this.steppers[k]!;
        const Ik = this.I[k]!;
        v.linearAt(Ik);
        const sk = v.dVdI + rc;
        if (!(sk > 0) || !Number.isFinite(v.V)) return false;
        const ak = v.V + rc * Ik - sk * Ik;
        this.sK[k] = sk;
        this.aK[k] = ak;
        this.linI[k] = v.evaluatedAt;
        S += 1 / sk;
        A += ak / sk;
      }
      this.gS[gi] = S;
      this.gA[gi] = A;
    }
    this.dSlope.fill(0);
    return true;
  }

  /** dV_pack/dI of the last solve (Ω) */
  private slope = 0;
  /** V_pack of the last solve (V) */
  private lastVp = 0;
  /** the last linearisation as V_pack ≈ α + β·I (the next step's predictor) */
  private lastAlpha = 0;
  private lastBeta = 0;
  private linValid = false;

  /** warm start of the cell currents for pack current I: the last committed split (first solve of a step) or the last trial, shifted per group to sum to I */
  private warmStart(I: number, bleed: Uint8Array): void {
    const Np = this.Np;
    const src = this.fresh ? this.I : this.trialI;
    this.fresh = false;
    for (let gi = 0; gi < this.Ns; gi++) {
      const o = gi * Np;
      const Gb = bleed[gi] ? 1 / this.bleedR : 0;
      let sum = 0;
      for (let j = 0; j < Np; j++) sum += src[o + j]!;
      const shift = (I - Gb * this.Vbus[gi]! - sum) / Np;
      for (let j = 0; j < Np; j++) this.trialI[o + j] = src[o + j]! + shift;
    }
  }

  /**
   * Linearise every cell at its trial current, V_k(I_k) ≈ V_k + s_k·(I_k' − I_k) with s_k = dV_k/dI + r_c
   * (the connection resistance included), and sum each group's conductances. False (failedCell set)
   * when a cell's trial state is outside its model.
   */
  private linearise(I: number, bleed: Uint8Array): boolean {
    const rc = this.rc;
    const Np = this.Np;
    let res = 0;
    for (let gi = 0; gi < this.Ns; gi++) {
      const o = gi * Np;
      let S = bleed[gi] ? 1 / this.bleedR : 0;
      let A = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let j = 0; j < Np; j++) {
        const k = o + j;
        const Ik = this.trialI[k]!;
        const v = this.steppers[k]!;
        v.evaluate(Ik);
        const sk = v.dVdI + rc;
        if (!(sk > 0) || !Number.isFinite(v.V)) {
          this.fail(
            k,
            I,
            Number.isFinite(v.V) ? 'its voltage falls as the current rises' : 'its voltage is not finite',
          );
          return false;
        }
        const u = v.V + rc * Ik;
        if (u < lo) lo = u;
        if (u > hi) hi = u;
        const ak = u - sk * Ik;
        // the slope's change since the cell's previous linearisation (at linI), for the error estimate
        // (the first of a step compares with the last step's slope carried over, which also holds the
        // change of state: an overestimate of the curvature, on the safe side)
        const ds = sk - this.sK[k]!;
        this.dSlope[k] = ds < 0 ? -ds : ds;
        this.spanI[k] = Math.abs(Ik - this.linI[k]!);
        this.linI[k] = Ik;
        this.sK[k] = sk;
        this.aK[k] = ak;
        S += 1 / sk;
        A += ak / sk;
      }
      this.gS[gi] = S;
      this.gA[gi] = A;
      if (hi - lo > res) res = hi - lo;
    }
    this.residual = res;
    this.stepLin = true;
    return true;
  }

  /**
   * Kirchhoff for pack current I on the linearisation: V_bus,g = (I + Σ a_k/s_k)/(Σ 1/s_k + G_b),
   * I_k = (V_bus,g − a_k)/s_k; the cell voltages are taken from the linearisation (V_k = V_bus − r_c·I_k
   * holds exactly). Returns the largest change of a cell current.
   */
  private distribute(I: number): number {
    const Np = this.Np;
    const rc = this.rc;
    let Vp = 0;
    let slope = 0;
    let md = 0;
    let mdCell = 0;
    let eCell = 0;
    let eBus = 0;
    for (let gi = 0; gi < this.Ns; gi++) {
      const o = gi * Np;
      const S = this.gS[gi]!;
      const Vbus = (I + this.gA[gi]!) / S;
      let eg = 0;
      for (let j = 0; j < Np; j++) {
        const k = o + j;
        const sk = this.sK[k]!;
        const In = (Vbus - this.aK[k]!) / sk;
        const d = Math.abs(In - this.trialI[k]!);
        if (!(d <= md)) {
          md = d;
          mdCell = k;
        }
        // the linearisation's voltage error at In: ½·V''·d² with V'' ≈ (slope change)/(distance) seen
        // between the cell's last two linearisations; over a distance shorter than d, the slope change
        // over d bounds it (first order: ½·Δs·d)
        const span = this.spanI[k]!;
        const den = span > d ? span : d;
        if (den > 0) {
          const ev = (0.5 * this.dSlope[k]! * d * d) / den;
          if (ev > eg) eg = ev;
          const ei = ev / sk;
          if (ei > eCell) eCell = ei;
        }
        this.trialI[k] = In;
        this.trialV[k] = Vbus - rc * In;
      }
      eBus += eg;
      this.trialBus[gi] = Vbus;
      Vp += Vbus;
      slope += 1 / S;
    }
    this.slope = slope + (this.Ns - 1) * this.rs;
    this.lastVp = Vp + I * (this.Ns - 1) * this.rs;
    this.lastBeta = this.slope;
    this.lastAlpha = this.lastVp - this.slope * I;
    this.linValid = true;
    this.errCell = eCell;
    // at fixed power P = V_pack·I: an error ΔV in the pack voltage moves I by I·ΔV/(V_pack + I·dV_pack/dI)
    const dP = Math.abs(this.lastVp + I * this.slope);
    this.errPack = dP > 0 ? (Math.abs(I) * eBus) / dP : Infinity;
    this.mdCell = mdCell;
    return md;
  }

  /**
   * Kirchhoff solve of every group at pack current I (into trialI/trialV/trialBus); returns V_pack.
   * Newton on each cell's linearised V_k(I_k); stops when the update |ΔI_k| ≤ 1e-8·(|I| + 1 A): the
   * next update would be O(|ΔI|²·V''/V') ≈ 1e-16 A, far below rounding, so the cell voltages are taken
   * from the last linearisation, which makes V_bus = V_k + r_c·I_k hold exactly for every cell.
   */
  private solve(I: number, bleed: Uint8Array): number {
    const V = this.solveFrom(I, bleed, this.linValid);
    // a start from the last linearisation (e.g. at a rejected current past a limit) can put one cell
    // of a group outside its model: start again from the committed split before calling I infeasible
    if (this.failedCell >= 0) {
      this.fresh = true;
      return this.solveFrom(I, bleed, false);
    }
    return V;
  }

  /**
   * Newton on the cell currents at pack current I (numerics newtonIteration on `kirchhoff`). Start: the split
   * the last linearisation gives for I (predictor), or the committed split shifted to sum to I.
   */
  private solveFrom(I: number, bleed: Uint8Array, predict: boolean): number {
    this.failedCell = -1;
    if (!this.stepLin && predict && this.predictLinear(bleed)) {
      // the step's first solve: the cells' last linearisations carried to this step
      this.distribute(I);
      this.fresh = false;
    } else if (predict) {
      this.distribute(I);
      this.fresh = false;
    } else this.warmStart(I, bleed);
    this.itI = I;
    this.itBleed = bleed;
    this.itTol = this.tol * (Math.abs(I) + 1);
    const status = newtonIteration(this.kirchhoff, KIRCHHOFF_ITERATION);
    if (status === 'converged') return this.lastVp;
    // a cell left its model (linearise set failedCell); else the cell whose current moved most in the last
    // update is the one the iteration cannot settle
    if (status === 'failed' && this.failedCell >= 0) return NaN;
    return this.fail(this.mdCell, I, 'the Kirchhoff solve of its group did not settle in 200 Newton updates');
  }

  /** the pack current, bleed switches and tolerance (A) of the Newton iteration under way */
  private itI = 0;
  private itBleed: Uint8Array = new Uint8Array(0);
  private itTol = 0;
  /**
   * The Kirchhoff solve at pack current itI as a Newton problem (numerics newtonIteration): each cell linearised
   * at its trial current, the linear system solved exactly per group (distribute), damped where an update made
   * the Kirchhoff residual (spread of V_k + r_c·I_k within a group) larger — cells at a steep part of their
   * curves, e.g. extreme currents, can make the plain iteration cycle; the blends keep Σ I_k = I. Converged
   * when the update, or the error left after it estimated from the convergence rate, is within the
   * tolerance, or after a full update the error left estimated from each cell's curvature is.
   */
  private readonly kirchhoff: NewtonProblem = {
    setup: () => this.linearise(this.itI, this.itBleed),
    solve: () => {
      this.prevI.set(this.trialI);
      const md = this.distribute(this.itI);
      for (let k = 0; k < this.n; k++) this.stepI[k] = this.trialI[k]! - this.prevI[k]!;
      return md;
    },
    converged: (md, left, full) => md * left <= this.itTol || (full && ERR_SAFETY * this.errCell <= this.itTol),
    residual: () => this.residual,
    backtrack: (lambda) => {
      for (let k = 0; k < this.n; k++) this.trialI[k] = this.prevI[k]! + lambda * this.stepI[k]!;
    },
  };

  /** cell whose model left its valid state in the last solve (−1: none), and why */
  private failedCell = -1;
  private failedSign = 0;
  private failedWhy = '';
  /** the cell of the largest current update of the last distribute */
  private mdCell = 0;
  /**
   * The trial current drives a cell outside the states its model can describe (no finite voltage, a
   * voltage falling with the current, or a group whose Kirchhoff solve does not settle): counted as a
   * limit violation, so the BMS derates below it.
   */
  private fail(cell: number, I: number, why: string): number {
    this.failedCell = cell;
    this.failedSign = I < 0 ? -1 : 1;
    this.failedWhy = why;
    this.fresh = true;
    return NaN;
  }

  /** the pack cannot be evaluated at pack current I: which cell, and why (PackNotEvaluable) */
  private notEvaluable(I: number): PackNotEvaluable {
    const k = this.failedCell >= 0 ? this.failedCell : this.mdCell;
    return new PackNotEvaluable({
      t_s: this.t,
      cell: k,
      group: this.group(k),
      current_A: I,
      reason: this.failedWhy || 'no consistent current found',
    });
  }

  /** a solve whose result is committed must have succeeded */
  private solveStrict(I: number, bleed: Uint8Array): number {
    const V = this.solve(I, bleed);
    if (this.failedCell >= 0) throw this.notEvaluable(I);
    return V;
  }

  /** V_pack of the solution derate() left in the trial state at current I (which must be a consistent one) */
  private derated(I: number): number {
    if (this.failedCell >= 0) throw this.notEvaluable(I);
    return this.lastVp;
  }

  /** most violating cell at the trial solution: signed excess (>0 = violated) and the cell */
  private violation(): { excess: number; cell: number; limit: 'v_min' | 'v_max' } {
    if (this.failedCell >= 0)
      return { excess: Infinity, cell: this.failedCell, limit: this.failedSign < 0 ? 'v_min' : 'v_max' };
    let ex = -Infinity;
    let cell = 0;
    let limit: 'v_min' | 'v_max' = 'v_min';
    for (let k = 0; k < this.n; k++) {
      const V = this.trialV[k]!;
      const lo = this.vMin - V;
      const hi = V - this.vMax;
      if (lo > ex) {
        ex = lo;
        cell = k;
        limit = 'v_min';
      }
      if (hi > ex) {
        ex = hi;
        cell = k;
        limit = 'v_max';
      }
    }
    return { excess: ex, cell, limit };
  }

  /** d(excess)/dI of a cell's limit at the last solve: dV_k/dI = (1 − r_c/s_k)/S_g (sign by limit) */
  private excessSlope(cell: number, limit: 'v_min' | 'v_max'): number {
    const dV = (1 - this.rc / this.sK[cell]!) / this.gS[this.group(cell)]!;
    return limit === 'v_min' ? -dV : dV;
  }

  private updateBleed(): void {
    this.bleeding.fill(0);
    // balance while charging or at rest (the last step's pack current ≥ 0), as passive-balancing BMSs do
    if (!this.balancing || this.lastI < 0) return;
    // the BMS compares the groups' rest-voltage estimates (zero-current voltage of each cell's present
    // surface state, averaged over the group), so load-dependent drops do not trigger bleeding
    const est = this.restVoltageEstimates();
    let lo = Infinity;
    for (let gi = 0; gi < this.Ns; gi++) lo = Math.min(lo, est[gi]!);
    for (let gi = 0; gi < this.Ns; gi++) if (est[gi]! - lo > this.threshold) this.bleeding[gi] = 1;
  }

  /**
   * After prepare: a BMS suspends a group's bleed for the step when the bleed alone would take one of its
   * cells below v_min (or out of its model) — checked at the group's share of the bleed current at the last
   * bus voltage. For cells of a very small capacity the fixed bleed resistor is a load of several C, and at
   * rest with it no state inside the limits exists (fuzz seed 2 run #7: a 0.1 µm cathode, 39 Ω ≈ 7C); on the
   * example packs the bleed is far below C/100 and this does not act (their figures are unchanged).
   */
  private limitBleed(): void {
    const Np = this.Np;
    for (let gi = 0; gi < this.Ns; gi++) {
      if (!this.bleeding[gi]) continue;
      const Ik = -this.Vbus[gi]! / (this.bleedR * Np);
      for (let j = 0; j < Np; j++) {
        const v = this.steppers[gi * Np + j]!;
        v.evaluate(Ik);
        if (!(v.V > this.vMin)) {
          this.bleeding[gi] = 0;
          break;
        }
      }
    }
  }

  /**
   * Advance dt at the requested pack current (A, positive on charge), derating if a cell limit would be
   * crossed. Returns the delivered current and the pack voltage.
   */
  stepCurrent(Ireq: number, dt: number): StepReport {
    if (!Number.isFinite(Ireq)) throw problem('pack current', 'must be finite', String(Ireq), 'a finite number of A');
    if (!(dt > 0)) throw problem('dt_s', 'must be > 0', String(dt), '> 0');
    this.updateBleed();
    this.prepare(dt);
    this.limitBleed();
    const held = this.heldAt;
    this.heldAt = null;
    // held at a limit in the last step: that limit's current first (as stepPower does)
    const limit = Ireq < 0 ? 'v_min' : 'v_max';
    if (
      held === limit &&
      Ireq !== 0 &&
      this.linValid &&
      this.startFromCommitted() &&
      this.predictLinear(this.bleeding)
    ) {
      const If = this.limitFast(this.lastI, limit, true);
      if (If !== null && Math.abs(If) < Math.abs(Ireq) && Math.sign(If) === Math.sign(Ireq))
        return this.commitCurrentDerating(Ireq, If, this.lastVp, limit, dt);
    }
    const Vp = this.solve(Ireq, this.bleeding);
    const v = this.violation();
    if (v.excess > 0) {
      const If = this.limitFast(Ireq, v.limit);
      const I = If ?? this.derate(Ireq, v.excess);
      // a cell that could not be evaluated at the demand is the one that limits (not whichever cell is
      // closest to a limit at the derated current)
      return this.commitCurrentDerating(Ireq, I, this.derated(I), v.limit, dt, v.excess === Infinity ? v.cell : -1);
    }
    this.commit(Ireq, Vp, dt);
    return { I_A: Ireq, V_pack_V: Vp, derated: false };
  }

  /** record a current-controlled step derated to I at a voltage limit, and commit it */
  private commitCurrentDerating(
    Ireq: number,
    I: number,
    Vp: number,
    limit: 'v_min' | 'v_max',
    dt: number,
    failed = -1,
  ): StepReport {
    const cell = failed >= 0 ? failed : this.violation().cell;
    this.deratings.push({ t_s: this.t, requested_A: Ireq, delivered_A: I, cell, limit });
    this.countDerating(Ireq, I, limit);
    this.heldAt = limit;
    this.commit(I, Vp, dt);
    return { I_A: I, V_pack_V: Vp, derated: true };
  }

  /**
   * Advance dt at a requested pack terminal power (W, positive on charge): a fast joint Newton iteration
   * (powerFast), falling back to a safeguarded one (powerSafe) at steep parts of the cells' curves. A
   * current that would take a cell past a limit is derated to the largest |I| that keeps every cell
   * inside, and the derating is recorded with both powers; a demand the pack cannot meet at all is such
   * a derating too, never an error.
   */
  stepPower(Preq: number, dt: number): StepReport & { P_W: number } {
    if (!Number.isFinite(Preq)) throw problem('pack power', 'must be finite', String(Preq), 'a finite number of W');
    if (!(dt > 0)) throw problem('dt_s', 'must be > 0', String(dt), '> 0');
    this.updateBleed();
    this.prepare(dt);
    this.limitBleed();
    const bleed = this.bleeding;
    const limit = Preq < 0 ? 'v_min' : 'v_max';
    const held = this.heldAt;
    this.heldAt = null;
    // the last step was held at this limit: the limit's current moves little from step to step (it does
    // not depend on the demand), so it is found first, from the last step's linearisation carried to
    // this one — when it delivers less than the demand, that is this step's derating
    if (held === limit && Preq !== 0 && this.linValid && this.startFromCommitted() && this.predictLinear(bleed)) {
      const If = this.limitFast(this.lastI, limit, true);
      if (
        If !== null &&
        Math.abs(If * this.lastVp) < Math.abs(Preq) &&
        this.lastVp + If * this.slope > 0 &&
        Math.sign(If) === Math.sign(Preq)
      ) {
        const Vp = this.lastVp;
        this.recordPowerDerating(Preq, If, Vp, limit);
        this.heldAt = limit;
        this.commit(If, Vp, dt);
        return { I_A: If, V_pack_V: Vp, derated: true, P_W: If * Vp };
      }
    }
    let V0 = 0;
    for (let gi = 0; gi < this.Ns; gi++) V0 += this.Vbus[gi]!;
    const I0 = Preq / V0;
    let I = this.powerFast(Preq, I0, bleed);
    let Vp: number;
    let derated = false;
    // the fast iteration did not settle (cells at a steep part of their curves, typically a demand past a
    // voltage limit): the current at the limit when that delivers less than the demand (and the pack is
    // short of its maximum power there), else the safeguarded path
    const Ilim =
      I === null && Preq !== 0 && this.failedCell < 0
        ? this.limitFast(this.lastPowerI === this.lastPowerI ? this.lastPowerI : I0, limit)
        : null;
    if (
      I === null &&
      Ilim !== null &&
      Math.abs(Ilim * this.lastVp) < Math.abs(Preq) &&
      this.lastVp + Ilim * this.slope > 0
    ) {
      I = Ilim;
      Vp = this.lastVp;
      this.recordPowerDerating(Preq, I, Vp, limit);
      this.heldAt = limit;
      derated = true;
    } else if (I === null) {
      const r = this.powerSafe(Preq, I0, bleed);
      I = r.I;
      Vp = r.Vp;
      derated = r.derated;
    } else {
      Vp = this.lastVp;
      const v = this.violation();
      if (v.excess > 0) {
        const Ilim = this.limitFast(I, v.limit) ?? this.derate(I, v.excess);
        Vp = this.derated(Ilim);
        this.recordPowerDerating(Preq, Ilim, Vp, v.limit);
        I = Ilim;
        derated = true;
        this.heldAt = v.limit;
      }
    }
    this.commit(I, Vp, dt);
    return { I_A: I, V_pack_V: Vp, derated, P_W: I * Vp };
  }

  /**
   * Count a derating when the delivered share of the demand (requested and delivered in the same unit)
   * is short by more than DERATING_COUNT_SHORT, and for each cell within DERATING_COUNT_WINDOW_V of the
   * limit at the trial solution (the delivered one).
   */
  private countDerating(requested: number, delivered: number, limit: Derating['limit']): void {
    if (!(Math.abs(requested - delivered) > DERATING_COUNT_SHORT * Math.abs(requested))) return;
    const c = this.deratingCounts;
    c.total++;
    const discharge = limit === 'v_min' || (limit === 'p_max' && delivered < 0);
    if (discharge) c.discharge++;
    else c.charge++;
    if (limit === 'p_max' || this.failedCell >= 0) return;
    for (let k = 0; k < this.n; k++) {
      const V = this.trialV[k]!;
      const dMin = V - this.vMin;
      const dMax = this.vMax - V;
      if (limit === 'v_min' && dMin < DERATING_COUNT_WINDOW_V) {
        c.cellVMin[k]!++;
        c.cellVMinDistance[k] = c.cellVMinDistance[k]! + dMin;
      }
      if (limit === 'v_max' && dMax < DERATING_COUNT_WINDOW_V) {
        c.cellVMax[k]!++;
        c.cellVMaxDistance[k] = c.cellVMaxDistance[k]! + dMax;
      }
    }
  }

  private recordPowerDerating(Preq: number, I: number, Vp: number, limit: Derating['limit'], failed = -1): void {
    this.countDerating(Preq, I * Vp, limit);
    this.deratings.push({
      t_s: this.t,
      requested_A: Preq / Vp,
      delivered_A: I,
      cell: failed >= 0 ? failed : this.violation().cell,
      limit,
      requested_W: Preq,
      delivered_W: I * Vp,
    });
  }

  /**
   * The fast path of stepPower: Newton on all unknowns at once. Every cell is linearised at its trial
   * current, which makes the pack voltage affine in the pack current, V_pack = α + β·I, so P = V_pack·I
   * is a quadratic solved exactly for I (the root continuous with P/α); the cell currents follow by
   * Kirchhoff and are re-linearised, until |ΔI_k| ≤ 1e-8·(|I| + 1 A) and |ΔI| ≤ 1e-9·(|I| + 1 mA) — the
   * same fixed point and tolerances as the nested solve (numerics newtonIteration on `powerIteration`). Null
   * when it has not settled in 8 iterations, stalled, or a cell left its model (then the safeguarded path
   * decides), or stopped past a voltage limit (lastPowerI: the iterate there).
   */
  private powerFast(Preq: number, I0: number, bleed: Uint8Array): number | null {
    this.failedCell = -1;
    this.lastPowerI = NaN;
    let I = I0;
    if (this.linValid && this.predictLinear(bleed)) {
      // predictor: every cell's last linearisation carried to this step (no model evaluation) gives
      // V_pack ≈ α + β·I, solved for P, and the split of that current between the cells of each group
      const Ip = this.linearisedPowerCurrent(Preq);
      if (Ip === Ip) I = Ip;
      this.distribute(I);
      this.fresh = false;
    } else if (this.linValid && this.lastBeta > 0) {
      // the last linearisation (previous step) as V_pack ≈ α + β·I
      const Ip = currentForPower(this.lastAlpha, this.lastBeta, Preq);
      if (Ip === Ip) I = Ip;
      this.distribute(I);
      this.fresh = false;
    } else this.warmStart(I, bleed);
    this.itI = I;
    this.itBleed = bleed;
    this.itPreq = Preq;
    const status = newtonIteration(this.powerIteration, POWER_ITERATION);
    return status === 'converged' ? this.itI : null;
  }

  /** the power demand of the power iteration under way (W), and its last update of the pack current (A) */
  private itPreq = 0;
  private itDI = 0;
  /**
   * powerFast as a Newton problem: every cell linearised at its trial current; the pack current for the
   * demand on that linearisation (linearisedPowerCurrent: none beyond the pack's power capability) and its
   * split by Kirchhoff. Converged when the cell currents' update and the pack current's, or the errors left
   * after them estimated from the convergence rate of the last two updates, are within the tolerances, or
   * the errors left estimated from each cell's curvature are. Stopped when an iterate's cells lie past the
   * limit of the demand's direction by more than the BMS's band, on a linearisation taken at the previous
   * iterate: the demand is (almost always) one the BMS derates — the limit's current is found from here
   * (stepPower) rather than after the power iteration has converged, or cycled, past it.
   */
  private readonly powerIteration: NewtonProblem = {
    setup: () => this.linearise(this.itI, this.itBleed),
    solve: () => {
      const In = this.linearisedPowerCurrent(this.itPreq);
      if (!(In === In)) return NaN; // beyond the pack's power capability on this linearisation
      const md = this.distribute(In);
      this.itDI = Math.abs(In - this.itI);
      this.itI = In;
      return md;
    },
    converged: (md, left) => {
      const I = this.itI;
      const tolC = this.tol * (Math.abs(I) + 1);
      const tolP = 0.1 * this.tol * (Math.abs(I) + 1e-3);
      if (md * left <= tolC && this.itDI * left <= tolP) return true;
      return ERR_SAFETY * this.errCell <= tolC && ERR_SAFETY * this.errPack <= tolP;
    },
    proceed: () => {
      if (this.pastLimit(this.itPreq < 0 ? 'v_min' : 'v_max') <= ACCEPT_BAND_V) return true;
      this.lastPowerI = this.itI;
      return false;
    },
  };

  /**
   * The pack current that delivers Preq on the cells' present linearisations: each group is
   * V_bus,g = (I + A_g)/S_g, so V_pack = α + β·I with α = Σ A_g/S_g, β = Σ 1/S_g + (Ns − 1)·r_s
   * (currentForPower; NaN beyond the pack's power capability on them)
   */
  private linearisedPowerCurrent(Preq: number): number {
    let alpha = 0;
    let beta = (this.Ns - 1) * this.rs;
    for (let gi = 0; gi < this.Ns; gi++) {
      alpha += this.gA[gi]! / this.gS[gi]!;
      beta += 1 / this.gS[gi]!;
    }
    return currentForPower(alpha, beta, Preq);
  }

  /**
   * The safeguarded path of stepPower: the numerics' safeguarded Newton (src/numerics/roots.ts newton) on the
   * delivered power's shortfall over |I| (powerAt: every point an exact Kirchhoff solve), in the bracket from
   * rest (delivering nothing) to the open side, first step on a 1 mA scale. A point where more |I| delivers less
   * (past the pack's maximum power point) counts as too much current, so a demand beyond the maximum power
   * closes the bracket there ('p_max'). A point that takes a cell past a limit (or out of its model) stops the
   * search with the current derated below it: when that does not deliver the demand, the step is derated
   * there and recorded — a demand the pack cannot meet is a BMS limit; else the search goes on below it from
   * the derated current (from the middle of the bracket where the derated current is still outside a model).
   */
  private powerSafe(Preq: number, I0: number, bleed: Uint8Array): { I: number; Vp: number; derated: boolean } {
    const sgn = Preq < 0 ? -1 : 1;
    const s = this.powerSearch;
    this.psPreq = Preq;
    this.psSgn = sgn;
    this.psBleed = bleed;
    this.psEnough = Infinity;
    // the bracket on |I| and f at its ends: at rest the pack delivers nothing (f = −|Preq|, not evaluated)
    let lo = 0;
    let fLo = -Math.abs(Preq);
    let hi = Infinity;
    let fHi = NaN;
    let u = Math.abs(I0);
    // the search restarted below a current derated at a limit, at most POWER_SAFE_EVALUATIONS evaluations in all
    for (let left = POWER_SAFE_EVALUATIONS; ;) {
      s.maxIter = Math.max(0, left - 1);
      this.psStop = false;
      newton(this.powerAt, s, u, lo, hi, undefined, undefined, fLo, fHi);
      left -= s.iterations + 1;
      if (s.neg !== lo) {
        lo = s.neg;
        fLo = s.fNeg;
      }
      if (s.status === 'converged' && this.psStop) {
        const Ilim = this.psIlim;
        if (this.psFailed) {
          // even the derated current is outside a cell's model: the bracket's upper end, and its middle next
          if (Math.abs(Ilim) < s.pos) {
            hi = Math.abs(Ilim);
            fHi = Infinity;
          } else {
            hi = s.pos;
            fHi = s.fPos;
          }
          if (hi - lo <= s.xtol + s.rtol * hi) return this.maxPowerDerating(Preq, sgn * lo, bleed);
          u = 0.5 * (lo + hi);
        } else {
          const Vp = this.psVp;
          if (Math.abs(Ilim * Vp) < Math.abs(Preq) * (1 - POWER_SAFE_RTOL) || Math.abs(Ilim) <= lo) {
            this.recordPowerDerating(Preq, Ilim, Vp, this.psLimit, this.psCell);
            return { I: Ilim, Vp, derated: true };
          }
          // the derated current delivers the demand: the root lies below the point past the limit
          hi = s.x;
          fHi = Infinity;
          u = Math.abs(Ilim);
        }
        if (left > 0) continue;
        break;
      }
      if (s.status === 'converged') {
        // a Newton step within the tolerance (x its end), f = 0, or the bracket closed: on a demand met at its
        // upper end, or else at the maximum power point (the upper end delivers less than the lower)
        const closed = s.x === s.neg || s.x === s.pos;
        if (closed && !s.accepted && s.pos !== this.psEnough) return this.maxPowerDerating(Preq, sgn * s.neg, bleed);
        const I = sgn * s.x;
        return { I, Vp: this.solveStrict(I, bleed), derated: false };
      }
      if (s.status !== 'max-iterations') {
        this.failedWhy = `the power search ended '${s.status}' at ${sgn * s.x} A`;
        throw this.notEvaluable(sgn * s.x);
      }
      lo = s.neg;
      hi = s.pos;
      break;
    }
    // the bracket closed on the maximum power point without reaching the demand
    if (Number.isFinite(hi)) return this.maxPowerDerating(Preq, sgn * lo, bleed);
    this.failedWhy = `no current delivers ${Preq} W (last tried ${sgn * s.x} A)`;
    throw this.notEvaluable(sgn * s.x);
  }

  /**
   * powerSafe's search (one per pack, reused): x = |I| in A, Newton steps to 1e-9·(|I| + 1 mA) as the pack
   * iterations' tolerance, a 1 mA scale for the first step up (a pack of high resistance runs on mA), stopped
   * at a point past a limit (psStop) for powerSafe to decide there
   */
  private readonly powerSearch = new NewtonSearch({
    xtol: POWER_SAFE_RTOL * POWER_SAFE_SCALE_A,
    rtol: POWER_SAFE_RTOL,
    scale: POWER_SAFE_SCALE_A,
    accept: () => this.psStop,
  });
  /** the power demand (W) of powerSafe's search under way, its sign, and the bleed switches */
  private psPreq = 0;
  private psSgn = 1;
  private psBleed: Uint8Array = new Uint8Array(0);
  /** powerAt stopped at a point past a limit: the current derated below it, V_pack there, the limit, the cell */
  private psStop = false;
  private psIlim = 0;
  private psVp = 0;
  private psFailed = false;
  private psLimit: 'v_min' | 'v_max' = 'v_min';
  private psCell = -1;
  /** the smallest |I| evaluated that delivers at least the demand (∞: none) */
  private psEnough = Infinity;
  /**
   * powerSafe's function of u = |I|: the shortfall sgn·(V_pack·I − P_req) (< 0: short), its slope
   * d(sgn·P)/du = V_pack + I·dV_pack/dI into s.df; past the maximum power point (the slope ≤ 0) a shortfall
   * counts as too much current (its sign and slope turned: the Newton step is the same). At a point past a
   * limit: derate() below it, the result kept for powerSafe and the search stopped (psStop).
   */
  private readonly powerAt = (u: number, s: NewtonSearch): number => {
    const I = this.psSgn * u;
    const Vp = this.solve(I, this.psBleed);
    const v = this.violation();
    if (v.excess > 0) {
      const Ilim = this.derate(I, v.excess);
      // the derating search can end on a trial state outside a cell's model: solve there afresh
      if (this.failedCell >= 0) this.solve(Ilim, this.psBleed);
      this.psFailed = this.failedCell >= 0;
      this.psIlim = Ilim;
      this.psVp = this.psFailed ? NaN : this.derated(Ilim);
      this.psLimit = v.limit;
      this.psCell = v.excess === Infinity ? v.cell : -1;
      this.psStop = true;
      s.df = NaN;
      return Infinity;
    }
    const g = this.psSgn * (Vp * I - this.psPreq);
    const dP = Vp + I * this.slope;
    if (g >= 0 && u < this.psEnough) this.psEnough = u;
    if (g >= 0 || dP > 0) {
      s.df = dP;
      return g;
    }
    s.df = -dP;
    return -g;
  };

  /** the voltage limit the last step's current was derated to (null: none) */
  private heldAt: 'v_min' | 'v_max' | null = null;

  /** the trial cell currents set to the last committed step's (a start for limitFast); always true */
  private startFromCommitted(): boolean {
    this.trialI.set(this.I);
    this.fresh = false;
    return true;
  }

  /** the last iterate of powerFast when it stopped past a voltage limit (NaN otherwise) */
  private lastPowerI = NaN;

  /** the largest excess over one voltage limit at the trial solution (V, > 0: past it) */
  private pastLimit(limit: 'v_min' | 'v_max'): number {
    let ex = -Infinity;
    for (let k = 0; k < this.n; k++) {
      const e = limit === 'v_min' ? this.vMin - this.trialV[k]! : this.trialV[k]! - this.vMax;
      if (e > ex) ex = e;
    }
    return ex;
  }

  /** a demand beyond the pack's maximum power: delivered at the current of the most power, recorded */
  private maxPowerDerating(Preq: number, I: number, bleed: Uint8Array): { I: number; Vp: number; derated: true } {
    const Vp = this.solveStrict(I, bleed);
    this.recordPowerDerating(Preq, I, Vp, 'p_max');
    return { I, Vp, derated: true };
  }

  /**
   * Largest |I| ≤ |Ireq| (same sign) keeping every cell inside its limits in this step, given the excess
   * at Ireq from the solve just done (> 0: violated): the numerics' safeguarded Newton
   * (src/numerics/roots.ts newton) on the limiting cell's excess aimed at the middle of the acceptance band
   * (its slope from the linearised Kirchhoff solve), inside the bracket [rest, Ireq] — Illinois steps when
   * Newton does not at least halve the excess, bisection while the violating end is outside the model —
   * stopped by the BMS's acceptance test, an excess in (−0.1 mV, 0]. When the bracket closes first, the
   * feasible end. On return the trial solution (trialI/V, lastVp) is the one at the returned current.
   */
  private derate(Ireq: number, fReq: number): number {
    if (Ireq === 0 || !(fReq > 0)) return Ireq;
    const s = this.derating;
    s.xtol = 1e-9 * (Math.abs(Ireq) + 1e-6);
    // the first Newton step from Ireq, its slope from the linearisation in place (as the caller left it); the
    // end at rest is evaluated only when a step needs it
    const f0 = fReq + DERATE_TARGET_V;
    let df0 = NaN;
    if (Number.isFinite(fReq)) {
      this.excessPoint(s);
      df0 = s.df;
    }
    newton(this.excessAt, s, Ireq, 0, Ireq, f0, df0);
    if (s.status === 'not-finite') {
      this.failedWhy = `the derating search met a voltage that is not a number at ${s.x} A`;
      throw this.notEvaluable(s.x);
    }
    // even at rest a cell is outside: deliver nothing (recorded by the caller)
    if (s.status === 'no-sign-change') return 0;
    if (s.accepted) return s.x; // the trial solution is there (the last point evaluated)
    const I = s.neg; // the feasible side
    if (s.last !== I) {
      this.solve(I, this.bleeding);
      if (I === 0 && this.violation().excess > 0) return 0;
    }
    return I;
  }

  /**
   * derate's search (one per pack, reused: nothing allocated per derating): the BMS's acceptance band as the
   * stop, to 1e-9 of the demand (xtol, set per search), at most 60 evaluations
   */
  private readonly derating = new NewtonSearch({
    rtol: 0,
    maxIter: 60,
    stepStop: false,
    accept: (_I, g) => g - DERATE_TARGET_V <= 0 && g - DERATE_TARGET_V > -ACCEPT_BAND_V,
  });
  /** derate's function: the most violating cell's excess at pack current I (solved afresh), its slope to s.df */
  private readonly excessAt = (I: number, s: NewtonSearch): number => {
    this.solve(I, this.bleeding);
    return this.excessPoint(s);
  };

  /**
   * the most violating cell's excess at the trial solution, shifted by the derating target; its slope into s.df
   * (NaN where a cell is outside its model)
   */
  private excessPoint(s: NewtonSearch): number {
    const v = this.violation();
    s.df = Number.isFinite(v.excess) ? this.excessSlope(v.cell, v.limit) : NaN;
    return v.excess + DERATE_TARGET_V;
  }

  /**
   * The current of the voltage limit `limit` in this step, by Newton on all unknowns at once: every cell
   * is linearised at its trial current, on which each cell's voltage is affine in the pack current
   * (V_k = V_bus,g·(1 − r_c/s_k) + r_c·a_k/s_k, V_bus,g = (I + Σ a/s)/Σ 1/s), so the pack current at
   * which the first cell reaches the target 0.05 mV inside the limit is found exactly on it; the cell
   * currents follow by Kirchhoff and are re-linearised until they are solved to the pack's tolerance and
   * the most violating cell lies inside the BMS's acceptance band (−0.1 mV, 0]. I gives the sign of the
   * current (the search stays on it). On success the trial solution is the one at the returned current;
   * null when it does not settle in 12 linearisations or a cell leaves its model (then derate decides).
   * Numerics newtonIteration on `limitIteration`.
   */
  private limitFast(I: number, limit: 'v_min' | 'v_max', predicted = false): number | null {
    const sgn = I < 0 ? -1 : 1;
    if ((limit === 'v_min') !== sgn < 0) return null;
    this.itI = I;
    this.itSgn = sgn;
    this.itTarget = limit === 'v_min' ? this.vMin + DERATE_TARGET_V : this.vMax - DERATE_TARGET_V;
    const status = newtonIteration(this.limitIteration, predicted ? LIMIT_ITERATION_PREDICTED : LIMIT_ITERATION);
    return status === 'converged' ? this.itI : null;
  }

  /** the direction of the current and the target cell voltage of the limit iteration under way */
  private itSgn = 0;
  private itTarget = 0;
  /**
   * limitFast as a Newton problem: every cell linearised at its trial current; the pack current at which the
   * first cell (the one closest to rest) reaches the target on that linearisation, and its split by Kirchhoff
   * (no update: a cell whose voltage falls with the current, or a current of the wrong sign). Converged when
   * the cell currents are solved to the pack's tolerance (the update or the error left after it, from the
   * convergence rate or the cells' curvature), the pack current moved by ≤ 1e-3·(|I| + 1 A), and the most
   * violating cell lies inside the BMS's acceptance band (−0.1 mV, 0].
   */
  private readonly limitIteration: NewtonProblem = {
    setup: () => this.linearise(this.itI, this.bleeding),
    solve: () => {
      const rc = this.rc;
      const Np = this.Np;
      const sgn = this.itSgn;
      const target = this.itTarget;
      let In = NaN;
      for (let gi = 0; gi < this.Ns; gi++) {
        const S = this.gS[gi]!;
        const A = this.gA[gi]!;
        for (let j = 0; j < Np; j++) {
          const k = gi * Np + j;
          const sk = this.sK[k]!;
          const f = 1 - rc / sk;
          if (!(f > 0)) return NaN;
          const Ik = ((target - (rc * this.aK[k]!) / sk) / f) * S - A;
          if (!(In === In) || sgn * Ik < sgn * In) In = Ik;
        }
      }
      if (!Number.isFinite(In) || sgn * In <= 0) return NaN;
      const md = this.distribute(In);
      this.itDI = Math.abs(In - this.itI);
      this.itI = In;
      return md;
    },
    converged: (md, left) => {
      const I = this.itI;
      const tolC = this.tol * (Math.abs(I) + 1);
      if ((md * left <= tolC || ERR_SAFETY * this.errCell <= tolC) && this.itDI <= 1e-3 * (Math.abs(I) + 1)) {
        const e = this.violation().excess;
        return e <= 0 && e > -ACCEPT_BAND_V;
      }
      return false;
    },
  };

  private commit(I: number, Vp: number, dt: number): void {
    const rc = this.rc;
    let icLoss = 0;
    for (let k = 0; k < this.n; k++) {
      const Ik = this.trialI[k]!;
      const m = this.models[k]!;
      const y = this.y[k]!;
      this.steppers[k]!.commit(y, Ik);
      this.V0[k] = m.restVoltage(y[m.nr - 1]!, y[m.offA]!);
      const V = this.trialV[k]!;
      this.I[k] = Ik;
      this.V[k] = V;
      this.cellCharge_C[k] = this.cellCharge_C[k]! + Ik * dt;
      this.cellThroughput_C[k] = this.cellThroughput_C[k]! + Math.abs(Ik) * dt;
      this.cellEnergy_J[k] = this.cellEnergy_J[k]! + V * Ik * dt;
      icLoss += rc * Ik * Ik * dt;
    }
    let bleed = 0;
    let bleedQ = 0;
    for (let gi = 0; gi < this.Ns; gi++) {
      this.Vbus[gi] = this.trialBus[gi]!;
      if (this.bleeding[gi]) {
        bleed += ((this.Vbus[gi]! * this.Vbus[gi]!) / this.bleedR) * dt;
        bleedQ += (this.Vbus[gi]! / this.bleedR) * dt;
      }
    }
    icLoss += I * I * (this.Ns - 1) * this.rs * dt;
    this.interconnectLoss_J += icLoss;
    this.bleedLoss_J += bleed;
    this.bleedCharge_C += bleedQ;
    this.packEnergy_J += Vp * I * dt;
    this.packCharge_C += I * dt;
    this.lastI = I;
    if (I > 0) this.energyIn_J += Vp * I * dt;
    else this.energyOut_J -= Vp * I * dt;
    if (this.thermal) this.thermalStep(dt);
    this.t += dt;
  }

  /** scratch of the thermal step's tridiagonal solve, allocated once per pack (not per step) */
  private thermalScratch: { sub: Float64Array; dia: Float64Array; sup: Float64Array; rhs: Float64Array } | null = null;
  private thermalStep(dt: number): void {
    const th = this.thermal!;
    const n = this.n;
    const G = th.neighbour_W_K;
    const { sub, dia, sup, rhs } = (this.thermalScratch ??= {
      sub: new Float64Array(n),
      dia: new Float64Array(n),
      sup: new Float64Array(n),
      rhs: new Float64Array(n),
    });
    for (let k = 0; k < n; k++) {
      const Ik = this.I[k]!;
      const q = Ik * (this.V[k]! - this.V0[k]!) + this.rc * Ik * Ik;
      const C = this.heatCap[k]! / dt;
      const gl = k > 0 ? G : 0;
      const gr = k < n - 1 ? G : 0;
      sub[k] = -gl;
      sup[k] = -gr;
      dia[k] = C + this.hA[k]! + gl + gr;
      rhs[k] = C * this.T[k]! + this.hA[k]! * th.ambient_K + q;
    }
    tridiagonalSolve(sub, dia, sup, rhs, this.T, n);
  }

  /** per group: mean zero-current voltage of its cells' committed surface states (V) */
  restVoltageEstimates(): Float64Array {
    const out = new Float64Array(this.Ns);
    for (let k = 0; k < this.n; k++) out[this.group(k)] = out[this.group(k)]! + this.V0[k]! / this.Np;
    return out;
  }

  /** rest for dt (balancing active) */
  rest(dt: number): StepReport {
    return this.stepCurrent(0, dt);
  }

  get prepared(): number {
    return this.lastDt;
  }
}
