/**
 * Single-particle models of the all-solid-state cell (same parameters and state conventions as the
 * P2D in p2d.ts): one representative cathode particle (spherical finite volumes), the Li–Al anode's
 * 1-D diffusion, Butler–Volmer + interphase resistance at both interfaces, terminal current algebraic.
 *
 *  - SPM: no ohmic losses in the solid electrolyte or the electronic network (κ, σ → ∞); only the
 *    lumped collector/contact resistance.
 *  - SPMe: SPM + leading-order ohmic correction of the composite (uniform reaction distribution:
 *    ΔV = i·L_c/3·(1/κ_eff + 1/σ_eff)) and of the separator (i·L_s/κ_sep). With transference number 1
 *    there is no electrolyte concentration, so this is the whole "electrolyte" correction.
 *
 * Beyond the original single-particle model (issue 15):
 *  - D_s(y) falls near full lithiation (divacancy hops, CathodeParams.DsVacancy): faces take D at the
 *    mean of their two shells, the surface extrapolation D at the outer shell;
 *  - the cathode–electrolyte interphase (CEI) on charge: a side current i_side = dQ/dt (Q: SE-oxidation
 *    charge per m² geometric, a differential unknown) runs in parallel to the intercalation current; the
 *    particle receives (i − i_side)/a, the anode all of i (the SE's Li⁺ ends there);
 *  - the anode's host lattice saturates at x_host (the Li-richest phase at T): the diffusion flux carries
 *    the host's Li, h(x) = min(x, x_host), so Li beyond x_host stays where it arrived as Li metal —
 *    plated at the SE interface (first volume) or the line's free Li (last volumes). Plated Li strips
 *    first on discharge (the surface OCP is 0 V while the first volume holds metal).
 *
 * State: [c_0 … c_{nr−1} (particle shells), x_0 … x_{na−1} (anode, x_0 at the SE), Q (CEI), I].
 *
 * Validity (see `validity`): the reaction must be nearly uniform through the composite cathode, i.e.
 *   ν² = a·L_c²·(1/κ_eff + 1/σ_eff) / (R_int + RT/(F·j0)) ≲ 1
 * (ratio of transport to interfacial resistance, Newman & Tobias, J. Electrochem. Soc. 109 (1962) 1183),
 * and the particle-diffusion time must not vary through the electrode; in practice ≤ 0.5C for the seed's
 * cell (tested against the P2D in test/electrochem-ssb). The SPM additionally neglects the ohmic drop,
 * so its voltage error grows like i·(L_c/3κ + L_s/κ_sep).
 */
import { F, R } from '../../materials/constants.ts';
import type { DaeProblem, JacobianSink } from '../../numerics/types.ts';
import { tridiagonalSolve2, tridiagonalSolve2Last } from '../../numerics/tridiagonal.ts';
import type { Control, CycleSummary, FullCellModel } from '../model.ts';
import { applyAgeing, applyAgeingDays } from './ageing.ts';
import { CellCore, HOST_W, bvEta, hostX } from './common.ts';
import { controlValue } from './p2d.ts';
import type { Derived, SsbCellParams } from './params.ts';
import { problem } from '../../problems.ts';
import { cRateCurrent_A } from '../../units/index.ts';

export interface SpmeOptions {
  readonly nr?: number;
  readonly na?: number;
}

export interface Validity {
  /** Newman's ν² at the reference state; the SPMe needs ν² ≲ 1 */
  readonly nu2: number;
  /** highest C-rate at which the model is claimed to match the P2D (capacity within 2 %, voltage within 20 mV) */
  readonly maxCRate: number;
  readonly note: string;
}

export class SsbSpme implements FullCellModel {
  readonly name: string;
  readonly variant: 'spme' | 'spm';
  readonly core: CellCore;
  readonly nr: number;
  readonly na: number;
  readonly n: number;
  readonly atol: Float64Array;
  readonly iQ: number;
  readonly iI: number;
  readonly offA: number;
  /** side (CEI) current density of the last fast-stepper step (A m⁻²), for voltageFrom in the stepper and the pack */
  stepSide_A_m2 = 0;
  private readonly faceA: Float64Array;
  /** faceA / dr per face, and shellV / dt per shell for the step length shellDt (stepResponse) */
  private readonly faceK: Float64Array;
  private readonly shellVdt: Float64Array;
  private shellDt = NaN;
  private readonly shellV: Float64Array;
  private readonly dr: number;
  /** scratch: the Kirchhoff potential Φ of each shell (residual) */
  private readonly phiShell: Float64Array;

  constructor(params: SsbCellParams, opts: SpmeOptions = {}, variant: 'spme' | 'spm' = 'spme') {
    this.variant = variant;
    this.name = `ssb-${variant}`;
    this.core = new CellCore(params);
    this.nr = opts.nr ?? 10;
    this.na = opts.na ?? 10;
    for (const [k, v] of [
      ['nr', this.nr],
      ['na', this.na],
    ] as const) {
      if (!(Number.isInteger(v) && v >= 2))
        throw problem(`${variant}.${k}`, 'must be an integer ≥ 2', String(v), '2, 3, …');
    }
    this.offA = this.nr;
    this.iQ = this.nr + this.na;
    this.iI = this.iQ + 1;
    this.n = this.iI + 1;
    const R = params.cathode.particleRadius_m;
    this.dr = R / this.nr;
    this.faceA = new Float64Array(this.nr + 1);
    this.shellV = new Float64Array(this.nr);
    this.phiShell = new Float64Array(this.nr);
    for (let i = 0; i <= this.nr; i++) this.faceA[i] = (i * this.dr) ** 2;
    for (let i = 0; i < this.nr; i++) this.shellV[i] = (((i + 1) * this.dr) ** 3 - (i * this.dr) ** 3) / 3;
    this.faceK = new Float64Array(this.nr + 1);
    for (let i = 0; i <= this.nr; i++) this.faceK[i] = this.faceA[i]! / this.dr;
    this.shellVdt = new Float64Array(this.nr);
    this.atol = new Float64Array(this.n);
    for (let i = 0; i < this.nr; i++) this.atol[i] = 1e-7 * params.cathode.cMax_mol_m3;
    for (let m = 0; m < this.na; m++) this.atol[this.offA + m] = 1e-9;
    this.atol[this.iQ] = 1e-6;
    this.atol[this.iI] = 1e-9 * Math.max(1e-3, cRateCurrent_A(this.core.nominalCapacity_C));
    this.ocpC = this.core.ocpC;
  }

  get validity(): Validity {
    const d = this.core.d;
    const c = this.core.p.cathode;
    const rct = d.Rc + (R * this.core.T) / (F * d.j0c);
    const nu2 = (d.aCath * c.thickness_m ** 2 * (1 / d.kappaEff + 1 / d.sigmaEff)) / rct;
    return {
      nu2,
      maxCRate: this.variant === 'spme' ? 0.5 : 0.2,
      note:
        this.variant === 'spme'
          ? 'uniform reaction through the composite (ν² ≲ 1), particle diffusion uniform in x; ohmic SE/electronic drop at leading order'
          : 'as SPMe and additionally negligible ohmic drop in the SE network and separator (i·(L_c/3κ + L_s/κ_sep) ≪ RT/F)',
    };
  }

  get nominalCapacity_C(): number {
    return this.core.nominalCapacity_C;
  }
  get cathodeActiveMass_kg(): number {
    return this.core.cathodeActiveMass_kg;
  }
  get area_m2(): number {
    return this.core.p.area_m2;
  }

  /** ohmic resistance (Ω m²) */
  rOhm(): number {
    const d = this.core.d;
    const p = this.core.p;
    if (this.variant === 'spm') return d.Rcc;
    return (
      (p.cathode.thickness_m / 3) * (1 / d.kappaEff + 1 / d.sigmaEff) + p.separator.thickness_m / d.kappaSep + d.Rcc
    );
  }
  /** reaction area per geometric area (m² m⁻²) */
  areaRatio(): number {
    return this.core.d.aCath * this.core.ageing.activeScale * this.core.p.cathode.thickness_m;
  }
  fc(): number {
    const c = this.core.p.cathode;
    return (this.core.d.aCath * c.particleRadius_m) / (3 * c.activeFraction);
  }
  /** CEI capacity (C m⁻² geometric): q_max × the particle surface per geometric area */
  ceiCapacity(): number {
    const c = this.core.p.cathode;
    return (c.cei.qMax_C_m2 * 3 * c.activeFraction * this.core.ageing.activeScale * c.thickness_m) / c.particleRadius_m;
  }
  /** the CEI side current density (A m⁻² geometric) at the outer shell's concentration and the CEI charge */
  sideCurrent(cLast: number, Q: number): { i: number; dc: number; dQ: number } {
    const r = this.core.cei(cLast, Q, this.ceiCapacity());
    return { i: r.rate, dc: r.dc, dQ: r.dQ };
  }
  /** anode Li/Al at the SE surface: x_0 + k·i·s(x_0), s = ∂h/∂x (0 once the first volume holds Li metal) */
  private anodeSurface(x0: number, i: number): { xs: number; dx0: number; di: number; kx: number } {
    const p = this.core.p;
    const La = p.anode.thickness_m;
    const kx = La / this.na / (2 * this.core.d.Da * (p.anode.al_mol_m2 / La) * F);
    const h = hostX(x0, this.core.xHost);
    return { xs: x0 + kx * i * h.s, dx0: 1 + kx * i * h.ds, di: kx * h.s, kx };
  }

  /**
   * Terminal voltage from the particle's last shell, the anode's first volume, the current (A) and the
   * CEI side current density (A m⁻², default 0), with derivatives.
   */
  voltageFrom(
    cLast: number,
    x0: number,
    I: number,
    iSide = 0,
  ): { V: number; dc: number; dx: number; dI: number; dSide: number } {
    this.voltageAt(cLast, x0, I, iSide);
    return { V: this.vV, dc: this.vDc, dx: this.vDx, dI: this.vDI, dSide: this.vDSide };
  }
  /** voltageFrom's results (scratch of voltageAt) */
  vV = 0;
  vDc = 0;
  vDx = 0;
  vDI = 0;
  vDSide = 0;
  /**
   * voltageFrom into the fields vV, vDc, vDx, vDI, vDSide: the hot path of the pack and the fast stepper
   * (one call per cell per trial current), without allocation. The same arithmetic as the helpers it
   * inlines (surfaceC, cathodeJ0, bvEta, anodeSurface, direction, Ua), so the figures are unchanged.
   */
  voltageAt(cLast: number, x0: number, I: number, iSide = 0): void {
    const core = this.core;
    if (core.d !== this.cD || core.ageing.activeScale !== this.cScale) this.refreshConstants();
    const d = core.d;
    const A = this.cA;
    const i = I / A;
    const ar = this.cAr;
    const j = (i - iSide) / ar;
    const cmax = this.cCmax;
    const k = this.cK;
    core.surfaceAt(cLast, k * j);
    const ys = core.scCs / cmax;
    const dys_dc = core.scDc / cmax;
    const dys_dj = (core.scDN * k) / cmax;
    // cathodeJ0(d.j0c, ys)
    const sy = ys * (1 - ys);
    const r = Math.sqrt(sy * sy + 1e-3 * 1e-3);
    const qy = 0.5 * (sy + r);
    const sq = Math.sqrt(qy);
    const j0 = 2 * d.j0c * sq;
    const j0d = (d.j0c * (0.5 * (1 + sy / r) * (1 - 2 * ys))) / sq;
    // bvEta(j, j0, T)
    const kT = this.cKT;
    const sc = j / (2 * j0);
    const qc = Math.sqrt(1 + sc * sc);
    const etaC = kT * Math.asinh(sc);
    const etaCdj = kT / (qc * 2 * j0);
    const etaCdj0 = (kT / qc) * (-j / (2 * j0 * j0));
    const o = this.ocpC;
    let ocV: number;
    let ocD: number;
    if (o.evalTo) {
      const e = this.ocpOut;
      o.evalTo(ys, e);
      ocV = e[0]!;
      ocD = e[1]!;
    } else if (o.eval) {
      const e = o.eval(ys);
      ocV = e.v;
      ocD = e.d;
    } else {
      ocV = o.U(ys);
      ocD = o.dUdy(ys);
    }
    const dUc = ocD + etaCdj0 * j0d; // ∂(U_c + η_c)/∂y_s
    const fa = d.fAnode;
    const ja = -i / fa;
    // anodeSurface(x0, i), hostX inlined (the same arithmetic, no allocation)
    const kx = this.cKx;
    const hu = (x0 - this.cXHost) / HOST_W;
    let hs = 0;
    let hds = 0;
    if (hu < -30) hs = 1;
    else if (!(hu > 30)) {
      const e = Math.exp(hu);
      hs = 1 / (1 + e);
      hds = (-hs * (1 - hs)) / HOST_W;
    }
    const xs = x0 + kx * i * hs;
    const sdx0 = 1 + kx * i * hds;
    const sdi = kx * hs;
    // CellCore.direction(i)
    const dir = Math.tanh(i);
    const dirD = 1 - dir * dir;
    if (!Number.isFinite(xs)) core.Ua(xs, dir); // throws the problem that names the field
    const ua = core.ua;
    ua.at(xs, dir);
    // bvEta(ja, j0a, T)
    const j0a = d.j0a;
    const sa = ja / (2 * j0a);
    const qa = Math.sqrt(1 + sa * sa);
    const etaA = kT * Math.asinh(sa);
    const etaAdj = kT / (qa * 2 * j0a);
    const rOhm = this.cROhm;
    const V = ocV + etaC + d.Rc * j - ua.U - d.Ra * ja - etaA + i * rOhm;
    const dVdj = dUc * dys_dj + etaCdj + d.Rc; // per unit j
    const dVdi = dVdj / ar - ua.dUdx * sdi - ua.dUdDirection * dirD + (d.Ra + etaAdj) / fa + rOhm;
    this.vV = V;
    this.vDc = dUc * dys_dc;
    this.vDx = -ua.dUdx * sdx0;
    this.vDI = dVdi / A;
    this.vDSide = -dVdj / ar;
  }
  /**
   * voltageAt(cLast, x0, 0).vV, the voltage at zero current of a state (the pack's rest-voltage estimate
   * and heat reference: once per cell and step), without the terms that vanish at zero current. What
   * remains is the same arithmetic, so it is the same double: the surface shift at zero flux returns
   * the outer shell's stoichiometry exactly (dsPhiShift's Newton stops at Δ = +0), and the kinetic and
   * ohmic terms are signed zeros, kept in the sum as voltageAt adds them. voltageAt itself where the
   * D_s law is absent, the shell is at or past full lithiation or x0 is not finite.
   */
  restVoltage(cLast: number, x0: number): number {
    const core = this.core;
    if (core.d !== this.cD || core.ageing.activeScale !== this.cScale) this.refreshConstants();
    const cmax = this.cCmax;
    const y0 = cLast / cmax;
    if (!core.hasDsLaw || !(y0 < 1) || !Number.isFinite(x0)) {
      this.voltageAt(cLast, x0, 0);
      return this.vV;
    }
    const ys = (cmax * y0) / cmax; // c_s = c_max·y_s, then y_s = c_s/c_max as voltageAt takes it
    const o = this.ocpC;
    let ocV: number;
    if (o.evalTo) {
      o.evalTo(ys, this.ocpOut);
      ocV = this.ocpOut[0]!;
    } else ocV = o.eval ? o.eval(ys).v : o.U(ys);
    const ua = core.ua;
    ua.at(x0 + 0, 0); // x_s = x0 + k_x·0·s, direction tanh(0) = 0
    const d = core.d;
    // ocV + η_c(+0) + R_c·j(+0) − U_a − R_a·j_a(−0) − η_a(−0) + i(+0)·R_ohm, as voltageAt sums them
    return ocV + 0 + d.Rc * 0 - ua.U - d.Ra * -0 - -0 + 0 * this.cROhm;
  }
  /**
   * The per-model constants of voltageAt and stepResponse (the same expressions as areaRatio, fc,
   * rOhm, ceiCapacity, anodeSurface): they change only with the ageing state (core.d, activeScale), so
   * they are computed again only when that changes — the hot paths read them instead.
   */
  private refreshConstants(): void {
    const core = this.core;
    const d = core.d;
    const p = core.p;
    this.cD = d;
    this.cScale = core.ageing.activeScale;
    this.cA = p.area_m2;
    this.cAr = this.areaRatio();
    this.cFc = this.fc();
    this.cCmax = p.cathode.cMax_mol_m3;
    this.cK = (0.5 * this.dr * this.cFc) / F;
    this.cKT = (2 * R * core.T) / F;
    const La = p.anode.thickness_m;
    this.cKx = La / this.na / (2 * d.Da * (p.anode.al_mol_m2 / La) * F);
    this.cROhm = this.rOhm();
    this.cXHost = core.xHost;
    this.cCap = this.ceiCapacity();
    this.cSurf = (this.faceA[this.nr]! * this.cFc) / F / this.cAr;
    const dz = La / this.na;
    this.cG = d.Da / (dz * dz);
    this.cGa = (1 / (F * p.area_m2)) * (this.na / p.anode.al_mol_m2);
  }
  private cD: Derived | null = null;
  private cScale = NaN;
  private cA = 0;
  private cAr = 0;
  private cFc = 0;
  private cCmax = 0;
  private cK = 0;
  private cKT = 0;
  private cKx = 0;
  private cROhm = 0;
  private cXHost = 0;
  private cCap = 0;
  private cSurf = 0;
  private cG = 0;
  private cGa = 0;
  private readonly ocpC: CellCore['ocpC'];
  private readonly ocpOut = new Float64Array(2);
  /** cathode OCP and its slope at y in one evaluation where the curve offers it */
  private ocpEval(y: number): { v: number; d: number } {
    const o = this.core.ocpC;
    return o.eval ? o.eval(y) : { v: o.U(y), d: o.dUdy(y) };
  }

  voltage(y: Float64Array): number {
    const cl = y[this.nr - 1]!;
    const x0 = y[this.offA]!;
    const I = y[this.iI]!;
    const Q = y[this.iQ]!;
    // the residual just computed V at these inputs (a DAE solver's f is followed by the cycler's voltage
    // of the same state): reuse it while the inputs and the ageing state it depends on are the same
    const k = this.resV;
    if (
      k.d === this.core.d &&
      k.scale === this.core.ageing.activeScale &&
      k.cl === cl &&
      k.x0 === x0 &&
      k.I === I &&
      k.Q === Q
    )
      return k.V;
    return this.voltageFrom(cl, x0, I, this.sideCurrent(cl, Q).i).V;
  }
  /** the last residual's voltage and what it was computed from (voltage) */
  private readonly resV = { d: null as Derived | null, scale: NaN, cl: NaN, x0: NaN, I: NaN, Q: NaN, V: NaN };
  current(y: Float64Array): number {
    return y[this.iI]!;
  }
  cathodeMeanY(y: Float64Array): number {
    const c = this.core.p.cathode;
    let s = 0;
    for (let r = 0; r < this.nr; r++) s += this.shellV[r]! * y[r]!;
    return s / ((c.particleRadius_m ** 3 / 3) * c.cMax_mol_m3);
  }
  anodeX(y: Float64Array): Float64Array {
    return y.subarray(this.offA, this.offA + this.na);
  }
  /** Li the CEI's SE oxidation sent into the anode (mol, whole cell) */
  ceiLithium_mol(y: Float64Array): number {
    return (y[this.iQ]! * this.core.p.area_m2) / F;
  }
  /**
   * Li the cell started with in its electrodes (mol): cathode + anode − the Li that SE oxidation added
   * to the anode. Conserved exactly by the model equations; only ageing changes it.
   */
  lithiumInventory_mol(y: Float64Array): number {
    let an = 0;
    for (let m = 0; m < this.na; m++) an += y[this.offA + m]!;
    an *= this.core.nAl / this.na;
    return this.cathodeMeanY(y) * this.core.nC * this.core.ageing.activeScale + an - this.ceiLithium_mol(y);
  }
  /** Li metal in the anode (mol m⁻²): deposited at the separator (plated) and the rest beyond the host (free) */
  lithiumMetal_mol_m2(y: Float64Array): { plated: number; free: number } {
    return this.core.lithiumMetal(this.anodeX(y));
  }

  /** anode potential vs Li/Li⁺ at the separator (V): Li plates when it falls below 0 (CellModel.platingIndicator) */
  platingIndicator(y: Float64Array): number {
    const d = this.core.d;
    const i = y[this.iI]! / this.core.p.area_m2;
    const s = this.anodeSurface(y[this.offA]!, i);
    const ja = -i / d.fAnode;
    return this.core.Ua(s.xs, CellCore.direction(i).dir).U + d.Ra * ja + bvEta(ja, d.j0a, this.core.T).eta;
  }
  outputs(y: Float64Array): Record<string, number> {
    const I = y[this.iI]!;
    const A = this.core.p.area_m2;
    const i = I / A;
    const d = this.core.d;
    const cl = y[this.nr - 1]!;
    const side = this.sideCurrent(cl, y[this.iQ]!).i;
    const j = (i - side) / this.areaRatio();
    const cs = this.core.surfaceC(cl, (0.5 * this.dr * this.fc() * j) / F).cs;
    const s = this.anodeSurface(y[this.offA]!, i);
    const ua = this.core.Ua(s.xs, CellCore.direction(i).dir).U;
    const ja = -i / d.fAnode;
    let xm = 0;
    for (let m = 0; m < this.na; m++) xm += y[this.offA + m]!;
    const li = this.lithiumMetal_mol_m2(y);
    return {
      voltage_V: this.voltage(y),
      current_A: I,
      anode_surface_x: s.xs,
      anode_mean_x: xm / this.na,
      anode_ocp_V: ua,
      // anode potential vs Li/Li⁺ at the SE interface: below 0 V Li metal deposits (plating)
      anode_potential_V: ua + d.Ra * ja + bvEta(ja, d.j0a, this.core.T).eta,
      anode_local_current_A_m2: Math.abs(i) / d.fAnode,
      plated_li_mol_m2: li.plated,
      free_li_mol_m2: li.free,
      cei_charge_C_m2: y[this.iQ]!,
      cathode_surface_stoich: cs / this.core.p.cathode.cMax_mol_m3,
      cathode_mean_stoich: this.cathodeMeanY(y),
      thickness_m: this.thickness_m(y),
      lithium_inventory_mol: this.lithiumInventory_mol(y),
      T_K: this.core.T,
    };
  }
  thickness_m(y: Float64Array): number {
    return this.core.thickness(this.cathodeMeanY(y), this.anodeX(y));
  }
  recordCycleGeometry(y: Float64Array, cycle: CycleSummary): void {
    this.core.recordSwing(this.anodeX(y), cycle);
  }
  afterCycle(y: Float64Array, cycle: CycleSummary): void {
    this.core.recordSwing(this.anodeX(y), cycle);
    this.ageingY = y;
    applyAgeing(this.core, cycle, this.ageingHooks);
    this.ageingY = null;
  }
  /**
   * `days` afterCycle updates with the same cycle (a pack's daily duty over a year): the same figures as
   * calling afterCycle that often (applyAgeingDays), with the day-invariant work done once
   */
  afterCycles(y: Float64Array, cycle: CycleSummary, days: number): void {
    const xs = this.anodeX(y); // a view: it follows the state as the days remove Li
    this.ageingY = y;
    applyAgeingDays(this.core, cycle, days, this.ageingHooks, () => this.core.recordSwing(xs, cycle));
    this.ageingY = null;
  }
  /** the state afterCycle is ageing, for the hooks (one hooks object per model: no closure per update) */
  private ageingY: Float64Array | null = null;
  private readonly ageingHooks = {
    removeLi: (mol: number): void => {
      const y = this.ageingY!;
      const dx = mol / this.core.nAl;
      for (let m = 0; m < this.na; m++) y[this.offA + m] = y[this.offA + m]! - dx;
    },
  };
  /**
   * Rest state at a state of charge of the design window. soc = 0 is the cell as produced (pristine,
   * no CEI yet); a charged rest state (soc > 0) is a formed cell: it was charged once, its CEI formed —
   * the [0178] first charge saturates it (Q reaches the capacity within 0.01 %) — and the Li that SE
   * oxidation released went into the anode with the charge.
   */
  initialState(soc: number): Float64Array {
    const { y: ys, x: xRest } = this.core.restStoich(soc);
    const y = new Float64Array(this.n);
    for (let r = 0; r < this.nr; r++) y[r] = ys * this.core.p.cathode.cMax_mol_m3;
    const Q = soc > 0 ? this.ceiCapacity() : 0;
    y[this.iQ] = Q;
    const x = xRest + (Q * this.core.p.area_m2) / F / this.core.nAl;
    const xs = this.core.initialAnodeProfile(x, this.na);
    for (let m = 0; m < this.na; m++) y[this.offA + m] = xs[m]!;
    return y;
  }

  // -------------------------------------------------------------- DAE form (for the general solver)
  problem(control: Control): DaeProblem {
    const n = this.n;
    const mass = new Float64Array(n);
    for (let i = 0; i < this.iI; i++) mass[i] = 1;
    const rows: number[] = [];
    const cols: number[] = [];
    const add = (r: number, c: number): void => {
      rows.push(r);
      cols.push(c);
    };
    // structure: tridiagonal particle + tridiagonal anode + CEI + I column + control row
    const nr = this.nr;
    for (let r = 0; r < nr; r++) for (const c of [r - 1, r, r + 1]) if (c >= 0 && c < nr) add(r, c);
    add(nr - 1, this.iI);
    add(nr - 1, this.iQ);
    for (let m = 0; m < this.na; m++)
      for (const c of [m - 1, m, m + 1]) if (c >= 0 && c < this.na) add(this.offA + m, this.offA + c);
    add(this.offA, this.iI);
    add(this.iQ, this.iQ);
    add(this.iQ, nr - 1);
    add(this.iI, nr - 1);
    add(this.iI, this.offA);
    add(this.iI, this.iQ);
    add(this.iI, this.iI);
    const self = this;
    return {
      n,
      massDiag: mass,
      structure: { kind: 'sparse', rows: Int32Array.from(rows), cols: Int32Array.from(cols) },
      f(t: number, y: Float64Array, out: Float64Array): void {
        self.residual(control, t, y, out);
      },
      jacobian(t: number, y: Float64Array, sink: JacobianSink): void {
        self.jac(control, t, y, sink);
      },
    };
  }

  private residual(control: Control, t: number, y: Float64Array, out: Float64Array): void {
    const p = this.core.p;
    const nr = this.nr;
    const I = y[this.iI]!;
    const A = p.area_m2;
    const i = I / A;
    const cl = y[nr - 1]!;
    const side = this.sideCurrent(cl, y[this.iQ]!);
    const j = (i - side.i) / this.areaRatio();
    const fc = this.fc();
    // Kirchhoff form: flux = A_f·(Φ(c_b) − Φ(c))/Δr, exact for any D(c) in steady state; Φ once per shell
    const phiR = this.phiShell;
    for (let r = 0; r < nr; r++) phiR[r] = this.core.dsPhi(y[r]!);
    for (let r = 0; r < nr; r++) {
      let flux = 0;
      const phi = phiR[r]!;
      if (r > 0) flux += (this.faceA[r]! * (phiR[r - 1]! - phi)) / this.dr;
      if (r < nr - 1) flux += (this.faceA[r + 1]! * (phiR[r + 1]! - phi)) / this.dr;
      else flux -= (this.faceA[nr]! * fc * j) / F;
      out[r] = flux / this.shellV[r]!;
    }
    this.anodeResidual(y, i, out);
    out[this.iQ] = side.i;
    this.voltageAt(cl, y[this.offA]!, I, side.i);
    const V = this.vV;
    const k = this.resV;
    k.d = this.core.d;
    k.scale = this.core.ageing.activeScale;
    k.cl = cl;
    k.x0 = y[this.offA]!;
    k.I = I;
    k.Q = y[this.iQ]!;
    k.V = V;
    // current and power rows per unit area (A m⁻², W m⁻²), as in the P2D
    switch (control.mode) {
      case 'current':
        out[this.iI] = (I - controlValue(control, t)) / A;
        break;
      case 'voltage':
        out[this.iI] = V - controlValue(control, t);
        break;
      case 'power':
        out[this.iI] = (V * I - controlValue(control, t)) / A;
        break;
      case 'resistance':
        out[this.iI] = V + I * controlValue(control, t);
        break;
      case 'rest':
        out[this.iI] = I / A;
        break;
      default:
        throw problem(
          'control.mode',
          'unknown',
          String(String((control as Control).mode)),
          'current, voltage, power, resistance, rest',
        );
    }
  }

  /** anode rows: host-Li diffusion between volumes, all of i entering the first volume */
  private anodeResidual(y: Float64Array, i: number, out: Float64Array): void {
    const p = this.core.p;
    const dz = p.anode.thickness_m / this.na;
    const G = this.core.d.Da / (dz * dz);
    const xh = this.core.xHost;
    const o = this.offA;
    let hPrev = 0;
    for (let m = 0; m < this.na; m++) out[o + m] = 0;
    for (let m = 0; m < this.na; m++) {
      const h = hostX(y[o + m]!, xh).h;
      if (m > 0) {
        const fl = G * (hPrev - h); // flux from m−1 into m
        out[o + m] = out[o + m]! + fl;
        out[o + m - 1] = out[o + m - 1]! - fl;
      }
      hPrev = h;
    }
    out[o] = out[o]! + (i / F) * (this.na / p.anode.al_mol_m2);
  }

  private jac(control: Control, t: number, y: Float64Array, sink: JacobianSink): void {
    const p = this.core.p;
    const nr = this.nr;
    const A = p.area_m2;
    const ar = this.areaRatio();
    const fc = this.fc();
    const I = y[this.iI]!;
    const cl = y[nr - 1]!;
    const side = this.sideCurrent(cl, y[this.iQ]!);
    for (let r = 0; r < nr; r++) {
      const v = this.shellV[r]!;
      const Dr = this.core.dsAt(y[r]!);
      let diag = 0;
      // face between shell r and a neighbour b: flux into r = A_f·(Φ(c_b) − Φ(c_r))/dr
      if (r > 0) {
        const k = this.faceA[r]! / this.dr / v;
        sink.add(r, r - 1, k * this.core.dsAt(y[r - 1]!));
        diag -= k * Dr;
      }
      if (r < nr - 1) {
        const k = this.faceA[r + 1]! / this.dr / v;
        sink.add(r, r + 1, k * this.core.dsAt(y[r + 1]!));
        diag -= k * Dr;
      } else {
        const k = -(this.faceA[nr]! * fc) / F / v / ar; // ∂/∂j of the surface flux term, j = (I/A − i_side)/ar
        sink.add(r, this.iI, k / A);
        sink.add(r, this.iQ, -k * side.dQ);
        diag += -k * side.dc;
      }
      sink.add(r, r, diag);
    }
    const dz = p.anode.thickness_m / this.na;
    const G = this.core.d.Da / (dz * dz);
    const xh = this.core.xHost;
    const o = this.offA;
    for (let m = 0; m < this.na; m++) {
      const row = o + m;
      let diag = 0;
      const sm = hostX(y[row]!, xh).s;
      if (m > 0) {
        sink.add(row, row - 1, G * hostX(y[row - 1]!, xh).s);
        diag -= G * sm;
      }
      if (m < this.na - 1) {
        sink.add(row, row + 1, G * hostX(y[row + 1]!, xh).s);
        diag -= G * sm;
      }
      sink.add(row, row, diag);
    }
    sink.add(o, this.iI, (1 / (F * A)) * (this.na / p.anode.al_mol_m2));
    sink.add(this.iQ, this.iQ, side.dQ);
    sink.add(this.iQ, nr - 1, side.dc);
    const v = this.voltageFrom(cl, y[o]!, I, side.i);
    // the voltage's total derivative in c_last and Q includes the side current's dependence on them
    const vc = v.dc + v.dSide * side.dc;
    const vq = v.dSide * side.dQ;
    switch (control.mode) {
      case 'current':
      case 'rest':
        sink.add(this.iI, this.iI, 1 / A);
        break;
      case 'voltage':
        sink.add(this.iI, nr - 1, vc);
        sink.add(this.iI, o, v.dx);
        sink.add(this.iI, this.iQ, vq);
        sink.add(this.iI, this.iI, v.dI);
        break;
      case 'power':
        sink.add(this.iI, nr - 1, (vc * I) / A);
        sink.add(this.iI, o, (v.dx * I) / A);
        sink.add(this.iI, this.iQ, (vq * I) / A);
        sink.add(this.iI, this.iI, (v.dI * I + v.V) / A);
        break;
      case 'resistance':
        sink.add(this.iI, nr - 1, vc);
        sink.add(this.iI, o, v.dx);
        sink.add(this.iI, this.iQ, vq);
        sink.add(this.iI, this.iI, v.dI + controlValue(control, t));
        break;
    }
  }

  // -------------------------------------------------------------- fast dedicated stepper
  /**
   * Backward-Euler step of the particle + anode diffusion for a current that is known up to the scalar
   * I: the new state is base + I·g (two tridiagonal solves). The state-dependent coefficients — D_s at
   * the faces, the anode host slope s(x), the CEI rate — are taken at the start of the step (linearly
   * implicit); the CEI charge is advanced by backward Euler with its rate constant frozen. Used through
   * the LinearStepCell (step-response.ts) by the cycler's fast step engine (cycler/step-engines.ts) and by
   * the pack (battery/stepper.ts); the DAE above is the same model for the general BDF solver.
   */
  stepResponse(y: Float64Array, dt: number, base: Float64Array, g: Float64Array, work: Float64Array): void {
    const core = this.core;
    if (core.d !== this.cD || core.ageing.activeScale !== this.cScale) this.refreshConstants();
    const nr = this.nr;
    const n = this.n;
    const A = this.cA;
    // CEI: Q' = (Q + dt·r·cap)/(1 + dt·r) with r frozen at the start of the step
    const Q = y[this.iQ]!;
    const cap = this.cCap;
    const cl = y[nr - 1]!;
    const r0 = cap > Q ? core.ceiRate(cl, Q, cap) / (cap - Q) : 0;
    const Qn = r0 > 0 ? (Q + dt * r0 * cap) / (1 + dt * r0) : Q;
    const iSide = (Qn - Q) / dt;
    this.stepSide_A_m2 = iSide;
    // work layout (offsets, no views): sub [0, n), dia [n, 2n), sup [2n, 3n), Thomas scratch and the
    // anode's h⁰ − s⁰x⁰ [3n, 4n), D⁰ then the anode's s⁰ [4n, 5n), ρ then Thomas scratch [5n, 6n)
    const oDia = n;
    const oSup = 2 * n;
    const oD0 = 4 * n;
    const oRho = 5 * n;
    // particle: (V_r/dt)(c' − c) = Σ faces; matrix M c' = V/dt c + b·I
    const surf = this.cSurf;
    // Kirchhoff potential linearised at the start: Φ(c) ≈ (Φ⁰ − D⁰c⁰) + D⁰c; only the differences
    // ρ_{r+1} − ρ_r of ρ = Φ⁰ − D⁰c⁰ between neighbouring shells enter
    core.kirchhoffLinear(y, nr, work, oD0, oRho);
    const faceK = this.faceK;
    const vdt = this.shellVdt;
    if (dt !== this.shellDt) {
      for (let r = 0; r < nr; r++) vdt[r] = this.shellV[r]! / dt;
      this.shellDt = dt;
    }
    for (let r = 0; r < nr; r++) {
      const v = vdt[r]!;
      let d0 = v;
      let rhs = v * y[r]!;
      work[r] = 0;
      work[oSup + r] = 0;
      if (r > 0) {
        const k = faceK[r]!;
        work[r] = -k * work[oD0 + r - 1]!;
        d0 += k * work[oD0 + r]!;
        rhs -= k * work[oRho + r - 1]!;
      }
      if (r < nr - 1) {
        const k = faceK[r + 1]!;
        work[oSup + r] = -k * work[oD0 + r + 1]!;
        d0 += k * work[oD0 + r]!;
        rhs += k * work[oRho + r]!;
      }
      work[oDia + r] = d0;
      base[r] = rhs + (r === nr - 1 ? surf * iSide : 0);
      g[r] = r === nr - 1 ? -surf / A : 0;
    }
    tridiagonalSolve2Last(work, n, base, g, 0, nr, 3 * n);
    // anode: host flux G·(h_{m−1} − h_m) linearised at the start: h ≈ (h⁰ − s⁰x⁰) + s⁰x (hostX inlined:
    // the same arithmetic, no allocation)
    const G = this.cG;
    const xh = this.cXHost;
    const o = this.offA;
    const na = this.na;
    const oSl = 4 * n; // s⁰ per volume
    const oRr = 3 * n; // h⁰ − s⁰x⁰ per volume
    for (let m = 0; m < na; m++) {
      const x = y[o + m]!;
      const u = (x - xh) / HOST_W;
      let h: number;
      let sl: number;
      if (u > 30) {
        h = xh;
        sl = 0;
      } else if (u < -30) {
        h = x;
        sl = 1;
      } else {
        const e = Math.exp(u);
        sl = 1 / (1 + e);
        h = x - HOST_W * Math.log1p(e);
      }
      work[oSl + m] = sl;
      work[oRr + m] = h - sl * x;
    }
    const ga = this.cGa;
    for (let m = 0; m < na; m++) {
      let d0 = 1 / dt;
      let rhs = y[o + m]! / dt;
      work[o + m] = 0;
      work[oSup + o + m] = 0;
      if (m > 0) {
        work[o + m] = -G * work[oSl + m - 1]!;
        d0 += G * work[oSl + m]!;
        rhs += G * (work[oRr + m - 1]! - work[oRr + m]!);
      }
      if (m < na - 1) {
        work[oSup + o + m] = -G * work[oSl + m + 1]!;
        d0 += G * work[oSl + m]!;
        rhs += G * (work[oRr + m + 1]! - work[oRr + m]!);
      }
      work[oDia + o + m] = d0;
      base[o + m] = rhs;
      g[o + m] = m === 0 ? ga : 0;
    }
    tridiagonalSolve2(work, n, base, g, o, na, 5 * n);
    base[this.iQ] = Qn;
    g[this.iQ] = 0;
  }
}

export function createSpme(params: SsbCellParams, opts: SpmeOptions = {}): SsbSpme {
  return new SsbSpme(params, opts, 'spme');
}
