/**
 * A battery pack: Ns parallel groups in series, Np cells per group, every cell its own solid-state SPMe
 * (src/electrochem/ssb/spme.ts — the full SPMe, not a reduced form).
 *
 * Time stepping (backward Euler, the same discretisation as the SSB fast stepper in cycle.ts): over a
 * step dt the SPMe's particle and anode diffusion are linear in the cell current, so each cell's end
 * state is base_k + I_k·g_k (two tridiagonal solves, once per cell and step) and its terminal voltage
 * V_k(I_k) follows from the SPMe's voltage function. Kirchhoff for each group g (cells k in g, each with
 * its own connection resistance r_c to the group busbar, a bleed resistor R_b across the busbar when
 * balancing):
 *     V_k(I_k) + r_c·I_k = V_bus,g  for every k in g,     Σ_k I_k = I − s_g·V_bus,g / R_b
 * (s_g = 1 while group g bleeds). Solved by Newton on (I_k, V_bus) jointly: each cell's V_k is
 * linearised, the linear system is solved exactly for V_bus, iterated to |ΔI_k| ≤ 1e-12·(|I|+1e-3) A.
 * The string: V_pack = Σ_g V_bus,g + I·(Ns − 1)·r_s (r_s: the group-to-group link).
 *
 * BMS: cell voltage limits (vMin, vMax). A requested current that would take any cell past a limit in
 * this step is derated to the largest |I| that keeps every cell inside (Illinois root finding on I) and
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
  readonly limit: 'v_min' | 'v_max';
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
  private readonly base: Float64Array[];
  private readonly g: Float64Array[];
  private readonly work: Float64Array;
  private readonly trialI: Float64Array;
  private readonly trialV: Float64Array;
  private readonly trialBus: Float64Array;
  private readonly thermal: PackOptions['thermal'];
  private readonly heatCap: Float64Array;
  private readonly hA: Float64Array;
  private lastDt = -1;
  private lastI = 0;
  private readonly aBuf: Float64Array;
  private readonly sBuf: Float64Array;
  /** zero-current voltage of each cell's committed surface state (BMS rest-voltage estimate, heat) */
  readonly V0: Float64Array;
  private fresh = true;

  constructor(cells: readonly CellSpec[], o: PackOptions) {
    const { series: Ns, parallel: Np } = o;
    if (!(Number.isInteger(Ns) && Ns >= 1))
      throw new RangeError(`battery.series: must be an integer ≥ 1 (got ${Ns}; allowed 1, 2, …)`);
    if (!(Number.isInteger(Np) && Np >= 1))
      throw new RangeError(`battery.parallel: must be an integer ≥ 1 (got ${Np}; allowed 1, 2, …)`);
    if (Ns * Np < 2)
      throw new RangeError(
        `battery: needs at least two cells (got ${Ns}s${Np}p; allowed series × parallel ≥ 2, claim 17)`,
      );
    if (cells.length !== Ns * Np)
      throw new RangeError(`cells: must number series × parallel (got ${cells.length}; allowed ${Ns * Np})`);
    for (const [k, v] of [
      ['cellConnection_ohm', o.cellConnection_ohm],
      ['seriesLink_ohm', o.seriesLink_ohm],
    ] as const) {
      if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`battery.${k}: must be ≥ 0 (got ${v}; allowed ≥ 0)`);
    }
    this.Ns = Ns;
    this.Np = Np;
    this.n = Ns * Np;
    this.specs = cells;
    this.models = cells.map(spmeOf);
    const soc0 = o.initialSoc ?? 1;
    if (!(soc0 >= 0 && soc0 <= 1))
      throw new RangeError(`battery.initial_soc: must be in [0, 1] (got ${soc0}; allowed 0..1)`);
    this.y = this.models.map((m) => m.initialState(soc0));
    this.rc = o.cellConnection_ohm;
    this.rs = o.seriesLink_ohm;
    const p0 = cells[0]!.params;
    this.vMin = o.vMin_V ?? p0.vMin_V;
    this.vMax = o.vMax_V ?? p0.vMax_V;
    if (!(this.vMax > this.vMin))
      throw new RangeError(
        `battery.extras.bms.cell_v_max_V: must be > cell_v_min_V (got ${this.vMax} ≤ ${this.vMin}; allowed > ${this.vMin})`,
      );
    this.bleedR = o.bleed_ohm ?? 39;
    this.threshold = o.balanceThreshold_V ?? 0.005;
    this.balancing = o.balancing ?? true;
    this.I = new Float64Array(this.n);
    this.V = new Float64Array(this.n);
    for (let k = 0; k < this.n; k++) this.V[k] = this.models[k]!.voltage(this.y[k]!);
    this.Vbus = new Float64Array(Ns);
    for (let gi = 0; gi < Ns; gi++) this.Vbus[gi] = this.V[gi * Np]!;
    this.bleeding = new Uint8Array(Ns);
    this.cellCharge_C = new Float64Array(this.n);
    this.cellEnergy_J = new Float64Array(this.n);
    this.cellThroughput_C = new Float64Array(this.n);
    const nn = this.models[0]!.n;
    this.base = this.models.map(() => new Float64Array(nn));
    this.g = this.models.map(() => new Float64Array(nn));
    this.work = new Float64Array(6 * nn);
    this.trialI = new Float64Array(this.n);
    this.trialV = new Float64Array(this.n);
    this.trialBus = new Float64Array(Ns);
    this.aBuf = new Float64Array(Np);
    this.sBuf = new Float64Array(Np);
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
    for (let k = 0; k < this.n; k++) this.models[k]!.stepResponse(this.y[k]!, dt, this.base[k]!, this.g[k]!, this.work);
    this.lastDt = dt;
    this.fresh = true;
  }

  /** V_k(I) after the prepared step: value and dV/dI */
  private cellV(k: number, I: number): { V: number; d: number } {
    const m = this.models[k]!;
    const b = this.base[k]!;
    const g = this.g[k]!;
    const ic = m.nr - 1;
    const ia = m.offA;
    const v = m.voltageFrom(b[ic]! + I * g[ic]!, b[ia]! + I * g[ia]!, I, m.stepSide_A_m2);
    return { V: v.V, d: v.dc * g[ic]! + v.dx * g[ia]! + v.dI };
  }

  /** dV_pack/dI of the last solve (Ω) */
  private slope = 0;

  /**
   * Kirchhoff solve of every group at pack current I (into trialI/trialV/trialBus); returns V_pack.
   * Newton on each cell's linearised V_k(I_k); stops when the update |ΔI_k| ≤ 1e-8·(|I| + 1 A): the
   * next update would be O(|ΔI|²·V''/V') ≈ 1e-16 A, far below rounding, so the cell voltages are taken
   * from the last linearisation, which makes V_bus = V_k + r_c·I_k hold exactly for every cell.
   */
  private solve(I: number, bleed: Uint8Array): number {
    this.failedCell = -1;
    const Np = this.Np;
    const rc = this.rc;
    const tol = 1e-8 * (Math.abs(I) + 1);
    const fresh = this.fresh;
    this.fresh = false;
    const a = this.aBuf;
    const s = this.sBuf;
    let Vp = 0;
    let slope = 0;
    for (let gi = 0; gi < this.Ns; gi++) {
      const o = gi * Np;
      const Gb = bleed[gi] ? 1 / this.bleedR : 0;
      // warm start: the last committed split (first solve of a step) or the last trial, shifted to sum to I
      const src = fresh ? this.I : this.trialI;
      let sum = 0;
      for (let j = 0; j < Np; j++) sum += src[o + j]!;
      for (let j = 0; j < Np; j++) this.trialI[o + j] = src[o + j]! + (I - Gb * this.Vbus[gi]! - sum) / Np;
      let Vbus = 0;
      let S = 0;
      for (let it = 0; ; it++) {
        S = Gb;
        let A = 0;
        for (let j = 0; j < Np; j++) {
          const Ik = this.trialI[o + j]!;
          const v = this.cellV(o + j, Ik);
          const sk = v.d + rc;
          if (!(sk > 0) || !Number.isFinite(v.V)) return this.fail(o + j, I);
          s[j] = sk;
          a[j] = v.V + rc * Ik - sk * Ik;
          S += 1 / sk;
          A += a[j]! / sk;
        }
        Vbus = (I + A) / S;
        let md = 0;
        for (let j = 0; j < Np; j++) {
          const In = (Vbus - a[j]!) / s[j]!;
          md = Math.max(md, Math.abs(In - this.trialI[o + j]!));
          this.trialI[o + j] = In;
        }
        if (md <= tol) break;
        if (it >= 50 || !Number.isFinite(md)) return this.fail(o, I);
      }
      for (let j = 0; j < Np; j++) this.trialV[o + j] = Vbus - rc * this.trialI[o + j]!;
      this.trialBus[gi] = Vbus;
      Vp += Vbus;
      slope += 1 / S;
    }
    this.slope = slope + (this.Ns - 1) * this.rs;
    return Vp + I * (this.Ns - 1) * this.rs;
  }

  /** cell whose model left its valid state in the last solve (−1: none) */
  private failedCell = -1;
  private failedSign = 0;
  /**
   * The trial current drives a cell outside the states its model can describe (no finite voltage or
   * a non-converging group): counted as a limit violation, so the BMS derates below it.
   */
  private fail(cell: number, I: number): number {
    this.failedCell = cell;
    this.failedSign = I < 0 ? -1 : 1;
    this.fresh = true;
    return NaN;
  }

  /** a solve whose result is committed must have succeeded */
  private solveStrict(I: number, bleed: Uint8Array): number {
    const V = this.solve(I, bleed);
    if (this.failedCell >= 0)
      throw new Error(
        `pack: no consistent solution for cell ${this.failedCell} at pack current ${I} A (state outside the cell model's window)`,
      );
    return V;
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
      if (lo > ex) ((ex = lo), (cell = k), (limit = 'v_min'));
      if (hi > ex) ((ex = hi), (cell = k), (limit = 'v_max'));
    }
    return { excess: ex, cell, limit };
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
   * Advance dt at the requested pack current (A, positive on charge), derating if a cell limit would be
   * crossed. Returns the delivered current and the pack voltage.
   */
  stepCurrent(Ireq: number, dt: number): StepReport {
    if (!Number.isFinite(Ireq))
      throw new RangeError(`pack current: must be finite (got ${Ireq}; allowed a finite number of A)`);
    if (!(dt > 0)) throw new RangeError(`dt_s: must be > 0 (got ${dt}; allowed > 0)`);
    this.updateBleed();
    this.prepare(dt);
    let Vp = this.solve(Ireq, this.bleeding);
    let I = Ireq;
    const v = this.violation();
    let derated = false;
    if (v.excess > 0) {
      I = this.derate(Ireq);
      Vp = this.solveStrict(I, this.bleeding);
      derated = true;
      const w = this.violation();
      this.deratings.push({ t_s: this.t, requested_A: Ireq, delivered_A: I, cell: w.cell, limit: v.limit });
    }
    this.commit(I, Vp, dt);
    return { I_A: I, V_pack_V: Vp, derated };
  }

  /**
   * Advance dt at a requested pack terminal power (W, positive on charge): Newton on
   * P(I) = V_pack(I)·I with dV_pack/dI from the group solves. If a cell limit caps |I| below the
   * current that delivers P, the step is derated to that limit and recorded with both powers.
   */
  stepPower(Preq: number, dt: number): StepReport & { P_W: number } {
    if (!Number.isFinite(Preq))
      throw new RangeError(`pack power: must be finite (got ${Preq}; allowed a finite number of W)`);
    if (!(dt > 0)) throw new RangeError(`dt_s: must be > 0 (got ${dt}; allowed > 0)`);
    this.updateBleed();
    this.prepare(dt);
    let V0 = 0;
    for (let gi = 0; gi < this.Ns; gi++) V0 += this.Vbus[gi]!;
    let I = Preq / V0;
    let Vp = V0;
    let derated = false;
    let cap = Infinity; // |I| above which a cell limit is crossed (found lazily)
    for (let it = 0; it < 40; it++) {
      Vp = this.solve(I, this.bleeding);
      const v = this.violation();
      if (v.excess > 0) {
        const Ilim = this.derate(I);
        cap = Math.abs(Ilim);
        Vp = this.solveStrict(Ilim, this.bleeding);
        if (Math.abs(Ilim * Vp) < Math.abs(Preq) * (1 - 1e-9)) {
          const w = this.violation();
          this.deratings.push({
            t_s: this.t,
            requested_A: Preq / Vp,
            delivered_A: Ilim,
            cell: w.cell,
            limit: v.limit,
            requested_W: Preq,
            delivered_W: Ilim * Vp,
          });
          I = Ilim;
          derated = true;
          break;
        }
        I = Ilim;
      }
      const r = Vp * I - Preq;
      const dI = -r / (Vp + I * this.slope);
      let In = I + dI;
      if (Math.abs(In) > cap) In = Math.sign(In) * cap;
      if (Math.abs(dI) <= 1e-9 * (Math.abs(I) + 1e-3)) {
        I = In;
        Vp = this.solveStrict(I, this.bleeding);
        break;
      }
      I = In;
      if (it === 39) throw new Error(`pack: power ${Preq} W not reached (I = ${I} A, V = ${Vp} V)`);
    }
    this.commit(I, Vp, dt);
    return { I_A: I, V_pack_V: Vp, derated, P_W: I * Vp };
  }

  /** largest |I| ≤ |Ireq| (same sign) keeping every cell inside its limits in this step (Illinois) */
  private derate(Ireq: number): number {
    const f = (I: number): number => {
      this.solve(I, this.bleeding);
      return this.violation().excess;
    };
    let a = 0;
    let fa = f(0);
    if (fa > 0) return 0; // even at rest a cell is outside: deliver nothing (recorded by the caller)
    let b = Ireq;
    if (b === 0) return 0;
    let fb = f(b);
    if (fb <= 0) return b; // the requested current is feasible after all (no bracket to search)
    let side = 0;
    for (let it = 0; it < 60; it++) {
      // regula falsi while both ends are finite; bisection while the upper end is outside the model
      const c = Number.isFinite(fb) ? b - (fb * (b - a)) / (fb - fa) : 0.5 * (a + b);
      const fc = f(c);
      if (fc > 0) {
        b = c;
        fb = fc;
        if (side === -1 && Number.isFinite(fb)) fa /= 2;
        side = -1;
      } else {
        a = c;
        fa = fc;
        if (side === 1) fb /= 2;
        side = 1;
      }
      if ((fc <= 0 && fc > -1e-4) || Math.abs(b - a) < 1e-9 * (Math.abs(Ireq) + 1e-6)) break;
    }
    return a; // the feasible side
  }

  private commit(I: number, Vp: number, dt: number): void {
    const rc = this.rc;
    let icLoss = 0;
    for (let k = 0; k < this.n; k++) {
      const Ik = this.trialI[k]!;
      const m = this.models[k]!;
      const y = this.y[k]!;
      const b = this.base[k]!;
      const g = this.g[k]!;
      for (let i = 0; i < m.iI; i++) y[i] = b[i]! + Ik * g[i]!;
      y[m.iI] = Ik;
      this.V0[k] = m.voltageFrom(y[m.nr - 1]!, y[m.offA]!, 0).V;
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

  private thermalStep(dt: number): void {
    const th = this.thermal!;
    const n = this.n;
    const G = th.neighbour_W_K;
    const sub = new Float64Array(n);
    const dia = new Float64Array(n);
    const sup = new Float64Array(n);
    const rhs = new Float64Array(n);
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
    // Thomas
    for (let k = 1; k < n; k++) {
      const w = sub[k]! / dia[k - 1]!;
      dia[k] = dia[k]! - w * sup[k - 1]!;
      rhs[k] = rhs[k]! - w * rhs[k - 1]!;
    }
    this.T[n - 1] = rhs[n - 1]! / dia[n - 1]!;
    for (let k = n - 2; k >= 0; k--) this.T[k] = (rhs[k]! - sup[k]! * this.T[k + 1]!) / dia[k]!;
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
