/**
 * All-solid-state pseudo-two-dimensional (P2D) cell model.
 *
 * Geometry (x from the cathode collector): composite cathode [0, L_c] | SE separator [L_c, L_c + L_s]
 * | Li–Al anode (planar, 1-D Li diffusion across its thickness) | Cu.
 *
 * Equations (SI; current density i = I/A, POSITIVE ON CHARGE):
 *  - active particles (one per cathode node, Fickian, spherical finite volumes in r):
 *      ∂c/∂t = (1/r²)∂/∂r(D_s r² ∂c/∂r),  D_s ∂c/∂r|_R = −f_c·j/F
 *    f_c: fraction of the particle surface in ionic contact; j: reaction current density per contact
 *    area (oxidation positive).
 *  - ionic conduction in the SE network, transference number 1 (no concentration equation):
 *      ∂i_e/∂x = a·j,  i_e = −κ_eff ∂φ_e/∂x,  κ_eff = σ_SE·ε_SE^b (Bruggeman, b = 1.5)
 *  - electronic conduction: ∂i_s/∂x = −a·j, i_s = −σ_eff ∂φ_s/∂x, σ_eff = Σ σ_k ε_k^b (carbon + AM)
 *  - Butler–Volmer with an interphase resistance in series:
 *      φ_s − φ_e − U_c(y_surf) − R_int·j = (2RT/F)·asinh(j/(2 j0(y_surf)))
 *  - separator: ohmic, κ_sep = σ_SE·(1 − φ_sep)^b
 *  - anode: Li/Al ratio x(z) with ∂x/∂t = D_a ∂²x/∂z² (Lagrangian in the Al lattice), Li entering at the
 *    SE side; OCP U_a(x_surf) (materials/ocp/li-al.ts), Butler–Volmer + interphase resistance at the
 *    anode|SE contact (contact fraction f_a). The anode collector is ground (φ = 0).
 *  - stack pressure: contact fractions f ∝ P^0.5 (R_int ∝ P^−0.5, arXiv:2501.00600, DS §4.3).
 *  - Arrhenius temperature dependence of σ_SE, D_s, D_a, j0 (params.ts).
 *  - terminal current I is an algebraic unknown closed by the control equation.
 *
 *  - D_s(y) near full lithiation (divacancy hops), the CEI side current per volume (dQ_k/dt, SE oxidation
 *    on charge) in parallel to a·j in the charge balances, and the anode's host saturation with Li metal
 *    beyond x_host: the same submodels as the SPMe (spme.ts header).
 *
 * Unknowns: per cathode node k: [c_0 … c_{Nr−1}, φ_s, φ_e, j, Q_k]; then anode x_0 … x_{Na−1} (x_0 at the SE);
 * then I. Jacobian: analytic, sparse (banded cathode blocks bordered by I and the anode column).
 * Li is conserved exactly by the discretisation: the anode gains Σ_k (a_k j_k + Q̇_k) h_k/F, the cathode
 * loses Σ a_k j_k h_k/F and the SE gives up Σ Q̇_k h_k/F.
 */
import { F } from '../../materials/constants.ts';
import type { DaeProblem, JacobianSink } from '../../numerics/types.ts';
import type { Control, CycleSummary, FullCellModel } from '../model.ts';
import { applyAgeing } from './ageing.ts';
import { CellCore, bvEta, cathodeJ0, hostX } from './common.ts';
import type { SsbCellParams } from './params.ts';
import { problem } from '../../problems.ts';
import { cRateCurrent_A } from '../../units/index.ts';

export interface P2dOptions {
  /** cathode nodes across the thickness (default 8) */
  readonly nx?: number;
  /** radial shells per particle (default 8) */
  readonly nr?: number;
  /** anode finite volumes (default 8) */
  readonly na?: number;
}

export function controlValue(c: Control, t: number): number {
  return typeof c.value === 'function' ? c.value(t) : c.value;
}

export class SsbP2D implements FullCellModel {
  readonly name = 'ssb-p2d';
  readonly core: CellCore;
  readonly nx: number;
  readonly nr: number;
  readonly na: number;
  readonly n: number;
  readonly atol: Float64Array;
  private readonly B: number;
  private readonly offA: number;
  private readonly iI: number;
  // particle geometry (normalised by 4π): face areas r², shell volumes Δ(r³)/3
  private readonly faceA: Float64Array;
  private readonly shellV: Float64Array;
  private readonly dr: number;
  /** scratch: the Kirchhoff potential Φ of each shell of one particle (residual) */
  private readonly phiShell: Float64Array;
  private rows?: Int32Array;
  private cols?: Int32Array;

  constructor(params: SsbCellParams, opts: P2dOptions = {}) {
    this.core = new CellCore(params);
    this.nx = opts.nx ?? 8;
    this.nr = opts.nr ?? 8;
    this.na = opts.na ?? 8;
    for (const [k, v] of [
      ['nx', this.nx],
      ['nr', this.nr],
      ['na', this.na],
    ] as const) {
      if (!(Number.isInteger(v) && v >= 2)) throw problem(`p2d.${k}`, 'must be an integer ≥ 2', String(v), '2, 3, …');
    }
    this.B = this.nr + 4;
    this.offA = this.nx * this.B;
    this.iI = this.offA + this.na;
    this.n = this.iI + 1;
    const R = params.cathode.particleRadius_m;
    this.dr = R / this.nr;
    this.faceA = new Float64Array(this.nr + 1);
    this.shellV = new Float64Array(this.nr);
    this.phiShell = new Float64Array(this.nr);
    for (let i = 0; i <= this.nr; i++) this.faceA[i] = (i * this.dr) ** 2;
    for (let i = 0; i < this.nr; i++) this.shellV[i] = (((i + 1) * this.dr) ** 3 - (i * this.dr) ** 3) / 3;
    const cmax = params.cathode.cMax_mol_m3;
    this.atol = new Float64Array(this.n);
    for (let k = 0; k < this.nx; k++) {
      const o = k * this.B;
      for (let i = 0; i < this.nr; i++) this.atol[o + i] = 1e-7 * cmax;
      this.atol[o + this.nr] = 1e-6;
      this.atol[o + this.nr + 1] = 1e-6;
      this.atol[o + this.nr + 2] = 1e-6;
      this.atol[o + this.nr + 3] = 1e-3;
    }
    for (let m = 0; m < this.na; m++) this.atol[this.offA + m] = 1e-9;
    this.atol[this.iI] = 1e-9 * Math.max(1e-3, cRateCurrent_A(this.core.nominalCapacity_C));
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

  // ------------------------------------------------------------------ state access
  private h(): number {
    return this.core.p.cathode.thickness_m / this.nx;
  }
  /** reaction area per composite volume in contact (m⁻¹), including loss of active material */
  private a(): number {
    return this.core.d.aCath * this.core.ageing.activeScale;
  }
  private fc(): number {
    const c = this.core.p.cathode;
    return (this.core.d.aCath * c.particleRadius_m) / (3 * c.activeFraction);
  }
  /** anode surface Li/Al, extrapolated with the entering flux (i/F) */
  private anodeSurfaceX(y: Float64Array, i: number): { xs: number; dxdx0: number; dxdi: number } {
    const p = this.core.p;
    const La = p.anode.thickness_m;
    const dz = La / this.na;
    const cAl = p.anode.al_mol_m2 / La;
    const k = dz / (2 * this.core.d.Da * cAl * F);
    const hx = hostX(y[this.offA]!, this.core.xHost);
    return { xs: y[this.offA]! + k * i * hx.s, dxdx0: 1 + k * i * hx.ds, dxdi: k * hx.s };
  }
  private cSurf(y: Float64Array, k: number): number {
    const o = k * this.B;
    const j = y[o + this.nr + 2]!;
    return this.core.surfaceC(y[o + this.nr - 1]!, (0.5 * this.dr * this.fc() * j) / F).cs;
  }
  /** CEI capacity per composite volume (C m⁻³): q_max × particle surface per volume */
  private ceiCapacity(): number {
    const c = this.core.p.cathode;
    return (c.cei.qMax_C_m2 * 3 * c.activeFraction * this.core.ageing.activeScale) / c.particleRadius_m;
  }
  /** Li the CEI's SE oxidation sent into the anode (mol, whole cell) */
  ceiLithium_mol(y: Float64Array): number {
    let q = 0;
    for (let k = 0; k < this.nx; k++) q += y[k * this.B + this.nr + 3]!;
    return (q * this.h() * this.core.p.area_m2) / F;
  }

  /** SE potential at the anode interface (V vs anode collector) and its derivatives */
  private phiEAnode(y: Float64Array): { v: number; dx0: number; dI: number } {
    const core = this.core;
    const A = core.p.area_m2;
    const I = y[this.iI]!;
    const i = I / A;
    const fa = core.d.fAnode;
    const ja = -i / fa; // anode oxidation current per contact area
    const s = this.anodeSurfaceX(y, i);
    const dir = CellCore.direction(i); // hysteresis branch from the sign of i
    const ua = core.Ua(s.xs, dir.dir);
    const bv = bvEta(ja, core.d.j0a, core.T);
    const v = -ua.U - core.d.Ra * ja - bv.eta;
    const dja_di = -1 / fa;
    const dv_di = -ua.dUdx * s.dxdi - ua.dUdDirection * dir.d - (core.d.Ra + bv.dj) * dja_di;
    return { v, dx0: -ua.dUdx * s.dxdx0, dI: dv_di / A };
  }

  /** anode potential vs Li/Li⁺ at the separator (V): Li plates when it falls below 0 (CellModel.platingIndicator) */
  platingIndicator(y: Float64Array): number {
    return -this.phiEAnode(y).v;
  }

  voltage(y: Float64Array): number {
    const A = this.core.p.area_m2;
    const i = y[this.iI]! / A;
    const o = 0;
    return y[o + this.nr]! + i * (this.h() / (2 * this.core.d.sigmaEff) + this.core.d.Rcc);
  }
  current(y: Float64Array): number {
    return y[this.iI]!;
  }

  lithiumInventory_mol(y: Float64Array): number {
    const c = this.core.p.cathode;
    const vp = c.particleRadius_m ** 3 / 3;
    const perNode = (c.activeFraction * this.core.ageing.activeScale * this.h() * this.core.p.area_m2) / vp;
    let cath = 0;
    for (let k = 0; k < this.nx; k++) {
      const o = k * this.B;
      let s = 0;
      for (let r = 0; r < this.nr; r++) s += this.shellV[r]! * y[o + r]!;
      cath += s * perNode;
    }
    let an = 0;
    for (let m = 0; m < this.na; m++) an += y[this.offA + m]!;
    an *= this.core.nAl / this.na;
    return cath + an - this.ceiLithium_mol(y);
  }

  /** Li metal in the anode (mol m⁻²): deposited at the separator (plated) and the rest beyond the host (free) */
  lithiumMetal_mol_m2(y: Float64Array): { plated: number; free: number } {
    return this.core.lithiumMetal(this.anodeX(y));
  }

  /** mean cathode stoichiometry (volume average over all particles) */
  cathodeMeanY(y: Float64Array): number {
    const c = this.core.p.cathode;
    const vp = c.particleRadius_m ** 3 / 3;
    let s = 0;
    for (let k = 0; k < this.nx; k++) for (let r = 0; r < this.nr; r++) s += this.shellV[r]! * y[k * this.B + r]!;
    return s / (vp * this.nx * c.cMax_mol_m3);
  }
  anodeX(y: Float64Array): Float64Array {
    return y.subarray(this.offA, this.offA + this.na);
  }

  outputs(y: Float64Array): Record<string, number> {
    const A = this.core.p.area_m2;
    const i = y[this.iI]! / A;
    const ax = this.anodeX(y);
    let xm = 0;
    for (const v of ax) xm += v;
    xm /= ax.length;
    const cmax = this.core.p.cathode.cMax_mol_m3;
    const d = this.core.d;
    const ua = this.core.Ua(this.anodeSurfaceX(y, i).xs, CellCore.direction(i).dir).U;
    const ja = -i / d.fAnode;
    const li = this.lithiumMetal_mol_m2(y);
    let qc = 0;
    for (let k = 0; k < this.nx; k++) qc += y[k * this.B + this.nr + 3]!;
    return {
      voltage_V: this.voltage(y),
      current_A: y[this.iI]!,
      anode_surface_x: this.anodeSurfaceX(y, i).xs,
      anode_mean_x: xm,
      anode_ocp_V: ua,
      anode_potential_V: ua + d.Ra * ja + bvEta(ja, d.j0a, this.core.T).eta,
      anode_local_current_A_m2: Math.abs(i) / d.fAnode,
      plated_li_mol_m2: li.plated,
      free_li_mol_m2: li.free,
      cei_charge_C_m2: qc * this.h(),
      cathode_surface_stoich_sep: this.cSurf(y, this.nx - 1) / cmax,
      cathode_surface_stoich_cc: this.cSurf(y, 0) / cmax,
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
    applyAgeing(this.core, cycle, {
      removeLi: (mol) => this.removeAnodeLi(y, mol),
    });
  }

  /** take Li out of the anode uniformly (Li consumed by side reactions) */
  removeAnodeLi(y: Float64Array, mol: number): void {
    const dx = mol / this.core.nAl;
    for (let m = 0; m < this.na; m++) y[this.offA + m] = y[this.offA + m]! - dx;
  }

  /**
   * Rest state at a state of charge of the design window: soc = 0 as produced (no CEI yet), soc > 0 a
   * formed cell (CEI at its capacity, its Li in the anode) — as the SPMe's initialState.
   */
  initialState(soc: number): Float64Array {
    const { y: ys, x: xRest } = this.core.restStoich(soc);
    const y = new Float64Array(this.n);
    const cmax = this.core.p.cathode.cMax_mol_m3;
    const Q = soc > 0 ? this.ceiCapacity() : 0;
    const x = xRest + (Q * this.nx * this.h() * this.core.p.area_m2) / F / this.core.nAl;
    const Uc = this.core.ocpC.U(ys);
    const xs = this.core.initialAnodeProfile(x, this.na);
    const Ua = this.core.Ua(xs[0]!).U; // the potential at the SE interface
    for (let k = 0; k < this.nx; k++) {
      const o = k * this.B;
      for (let r = 0; r < this.nr; r++) y[o + r] = ys * cmax;
      y[o + this.nr] = Uc - Ua;
      y[o + this.nr + 1] = -Ua;
      y[o + this.nr + 2] = 0;
      y[o + this.nr + 3] = Q;
    }
    for (let m = 0; m < this.na; m++) y[this.offA + m] = xs[m]!;
    y[this.iI] = 0;
    return y;
  }

  /**
   * Algebraic unknowns near their consistent values for a control (see CellModel.consistentGuess):
   * for an imposed current, I and a uniform reaction j = i/(a·L_c) — the solid-state transport makes
   * the reaction nearly uniform at the rates this guess matters for — then φ_e from the separator and
   * composite ohmic drops and φ_s from each node's kinetics (Butler–Volmer, interphase, OCP at the
   * Kirchhoff surface concentration). Rest: j = 0. Voltage, power and resistance controls keep the
   * previous state (already consistent after the preceding step).
   */
  consistentGuess(control: Control, y: Float64Array): void {
    let I: number;
    if (control.mode === 'current') I = controlValue(control, 0);
    else if (control.mode === 'rest') I = 0;
    else return;
    const core = this.core;
    const d = core.d;
    const p = core.p;
    const A = p.area_m2;
    const i = I / A;
    const nr = this.nr;
    const B = this.B;
    const h = this.h();
    const a = this.a();
    const fc = this.fc();
    const cmax = p.cathode.cMax_mol_m3;
    const cap = this.ceiCapacity();
    y[this.iI] = I;
    const pe = this.phiEAnode(y);
    const L = p.cathode.thickness_m;
    // side currents at the present state; the intercalation share of the current, spread uniformly
    let side = 0;
    for (let k = 0; k < this.nx; k++) side += core.cei(y[k * B + nr - 1]!, y[k * B + nr + 3]!, cap).rate * h;
    const j = (i - side) / (a * L);
    const kap = d.kappaEff;
    // ionic current at the node centres falls linearly from i (separator side) to 0 (collector side)
    let phiE = pe.v + i * (p.separator.thickness_m / d.kappaSep + h / (2 * kap));
    for (let k = this.nx - 1; k >= 0; k--) {
      const o = k * B;
      if (k < this.nx - 1) {
        const ie = (i * (k + 1)) / this.nx; // current through the face between k and k+1
        phiE += (ie * h) / kap;
      }
      const cl = y[o + nr - 1]!;
      const sc = core.surfaceC(cl, (0.5 * this.dr * fc * j) / F);
      const ys = sc.cs / cmax;
      const j0 = cathodeJ0(d.j0c, ys);
      const eta = bvEta(j, j0.j0, core.T).eta;
      y[o + nr + 1] = phiE;
      y[o + nr + 2] = j;
      y[o + nr] = phiE + core.ocpC.U(ys) + d.Rc * j + eta;
    }
  }

  // ------------------------------------------------------------------ DAE
  problem(control: Control): DaeProblem {
    const n = this.n;
    const mass = new Float64Array(n);
    for (let k = 0; k < this.nx; k++) {
      for (let r = 0; r < this.nr; r++) mass[k * this.B + r] = 1;
      mass[k * this.B + this.nr + 3] = 1;
    }
    for (let m = 0; m < this.na; m++) mass[this.offA + m] = 1;
    if (!this.rows) this.buildStructure();
    const self = this;
    return {
      n,
      massDiag: mass,
      f(t: number, y: Float64Array, out: Float64Array): void {
        self.residual(control, t, y, out);
      },
      jacobian(t: number, y: Float64Array, sink: JacobianSink): void {
        self.jac(control, t, y, sink);
      },
      // the particle chains are condensed onto their surface flux before a bordered-banded LU of the
      // potentials, reaction currents, anode and current (numerics/condensed.ts): about a third of the
      // work of a bordered-banded LU of the node-major ordering, whose potentials couple across nodes
      structure: { kind: 'sparse', rows: this.rows!, cols: this.cols!, condense: true },
    };
  }

  private buildStructure(): void {
    const seen = new Set<number>();
    const rows: number[] = [];
    const cols: number[] = [];
    const y = this.initialState(0.5);
    const n = this.n;
    const sink: JacobianSink = {
      add(i: number, j: number): void {
        const key = i * n + j;
        if (!seen.has(key)) {
          seen.add(key);
          rows.push(i);
          cols.push(j);
        }
      },
    };
    for (const mode of ['current', 'voltage', 'power', 'resistance', 'rest'] as const) {
      this.jac({ mode, value: 1 }, 0, y, sink);
    }
    this.rows = Int32Array.from(rows);
    this.cols = Int32Array.from(cols);
  }

  residual(control: Control, t: number, y: Float64Array, out: Float64Array): void {
    const core = this.core;
    const d = core.d;
    const p = core.p;
    const A = p.area_m2;
    const nr = this.nr;
    const B = this.B;
    const h = this.h();
    const a = this.a();
    const fc = this.fc();
    const T = core.T;
    const cmax = p.cathode.cMax_mol_m3;
    const I = y[this.iI]!;
    const i = I / A;
    const sig = d.sigmaEff;
    const kap = d.kappaEff;
    const pe = this.phiEAnode(y);
    const rPath = h / (2 * kap) + p.separator.thickness_m / d.kappaSep;
    const cap = this.ceiCapacity();
    let sumAJ = 0;
    for (let k = 0; k < this.nx; k++) {
      const o = k * B;
      const j = y[o + nr + 2]!;
      const cl = y[o + nr - 1]!;
      const side = core.cei(cl, y[o + nr + 3]!, cap).rate; // A m⁻³
      const src = a * j + side; // charge per volume leaving the solid for the SE
      sumAJ += src * h;
      // particle: Φ once per shell, then the fluxes between neighbours
      const phiR = this.phiShell;
      for (let r = 0; r < nr; r++) phiR[r] = core.dsPhi(y[o + r]!);
      for (let r = 0; r < nr; r++) {
        let flux = 0; // into shell (per 4π); Kirchhoff form A_f·(Φ(c_b) − Φ(c))/Δr
        const phi = phiR[r]!;
        if (r > 0) flux += (this.faceA[r]! * (phiR[r - 1]! - phi)) / this.dr;
        if (r < nr - 1) flux += (this.faceA[r + 1]! * (phiR[r + 1]! - phi)) / this.dr;
        else flux -= (this.faceA[nr]! * fc * j) / F;
        out[o + r] = flux / this.shellV[r]!;
      }
      // electronic
      const ps = y[o + nr]!;
      const pe_k = y[o + nr + 1]!;
      const isLeft = k === 0 ? i : (-sig * (ps - y[o - B + nr]!)) / h;
      const isRight = k === this.nx - 1 ? 0 : (-sig * (y[o + B + nr]! - ps)) / h;
      out[o + nr] = isRight - isLeft + src * h;
      // ionic
      const ieLeft = k === 0 ? 0 : (-kap * (pe_k - y[o - B + nr + 1]!)) / h;
      const ieRight = k === this.nx - 1 ? (pe_k - pe.v) / rPath : (-kap * (y[o + B + nr + 1]! - pe_k)) / h;
      out[o + nr + 1] = ieRight - ieLeft - src * h;
      // kinetics
      core.surfaceAt(cl, (0.5 * this.dr * fc * j) / F);
      const ys = core.scCs / cmax;
      const j0 = cathodeJ0(d.j0c, ys);
      const bv = bvEta(j, j0.j0, T);
      out[o + nr + 2] = ps - pe_k - core.ocpC.U(ys) - d.Rc * j - bv.eta;
      // CEI
      out[o + nr + 3] = side;
    }
    // anode: host-Li diffusion between volumes, everything that left the cathode side entering volume 0
    const La = p.anode.thickness_m;
    const dz = La / this.na;
    const G = d.Da / (dz * dz);
    const xh = core.xHost;
    const oA = this.offA;
    for (let m = 0; m < this.na; m++) out[oA + m] = 0;
    let hPrev = 0;
    for (let m = 0; m < this.na; m++) {
      const hm = hostX(y[oA + m]!, xh).h;
      if (m > 0) {
        const fl = G * (hPrev - hm);
        out[oA + m] = out[oA + m]! + fl;
        out[oA + m - 1] = out[oA + m - 1]! - fl;
      }
      hPrev = hm;
    }
    out[oA] = out[oA]! + (sumAJ / F) * (this.na / p.anode.al_mol_m2);
    out[this.iI] = this.controlResidual(control, t, y);
  }

  /**
   * control equation; current and power rows are written per unit area (A m⁻², W m⁻²) so every
   * algebraic residual is of order one in SI (flux rows in A m⁻², kinetics and voltage rows in V) —
   * this keeps residual-norm line searches (consistent initialisation) well scaled.
   */
  private controlResidual(control: Control, t: number, y: Float64Array): number {
    const I = y[this.iI]!;
    const A = this.core.p.area_m2;
    switch (control.mode) {
      case 'current':
        return (I - controlValue(control, t)) / A;
      case 'voltage':
        return this.voltage(y) - controlValue(control, t);
      case 'power':
        return (this.voltage(y) * I - controlValue(control, t)) / A;
      case 'resistance':
        return this.voltage(y) + I * controlValue(control, t);
      case 'rest':
        return I / A;
      default:
        throw problem(
          'control.mode',
          'unknown',
          String(String((control as Control).mode)),
          'current, voltage, power, resistance, rest',
        );
    }
  }

  private jac(control: Control, t: number, y: Float64Array, sink: JacobianSink): void {
    const core = this.core;
    const d = core.d;
    const p = core.p;
    const A = p.area_m2;
    const nr = this.nr;
    const B = this.B;
    const h = this.h();
    const a = this.a();
    const fc = this.fc();
    const T = core.T;
    const cmax = p.cathode.cMax_mol_m3;
    const sig = d.sigmaEff;
    const kap = d.kappaEff;
    const iI = this.iI;
    const pe = this.phiEAnode(y);
    const rPath = h / (2 * kap) + p.separator.thickness_m / d.kappaSep;
    const inflowScale = (1 / F) * (this.na / p.anode.al_mol_m2);
    const cap = this.ceiCapacity();
    for (let k = 0; k < this.nx; k++) {
      const o = k * B;
      const iS = o + nr;
      const iE = o + nr + 1;
      const iJ = o + nr + 2;
      const iQ = o + nr + 3;
      const cl = y[o + nr - 1]!;
      const side = core.cei(cl, y[iQ]!, cap);
      for (let r = 0; r < nr; r++) {
        const v = this.shellV[r]!;
        const Dr = core.dsAt(y[o + r]!);
        let diag = 0;
        if (r > 0) {
          const g = this.faceA[r]! / this.dr / v;
          sink.add(o + r, o + r - 1, g * core.dsAt(y[o + r - 1]!));
          diag -= g * Dr;
        }
        if (r < nr - 1) {
          const g = this.faceA[r + 1]! / this.dr / v;
          sink.add(o + r, o + r + 1, g * core.dsAt(y[o + r + 1]!));
          diag -= g * Dr;
        } else sink.add(o + r, iJ, -(this.faceA[nr]! * fc) / F / v);
        sink.add(o + r, o + r, diag);
      }
      // electronic row
      let dS = 0;
      if (k === 0) sink.add(iS, iI, -1 / A);
      else {
        sink.add(iS, iS - B, -sig / h);
        dS += sig / h;
      }
      if (k < this.nx - 1) {
        sink.add(iS, iS + B, -sig / h);
        dS += sig / h;
      }
      sink.add(iS, iS, dS);
      sink.add(iS, iJ, a * h);
      sink.add(iS, iQ, side.dQ * h);
      sink.add(iS, o + nr - 1, side.dc * h);
      // ionic row
      let dE = 0;
      if (k > 0) {
        sink.add(iE, iE - B, -kap / h);
        dE += kap / h;
      }
      if (k < this.nx - 1) {
        sink.add(iE, iE + B, -kap / h);
        dE += kap / h;
      } else {
        dE += 1 / rPath;
        sink.add(iE, this.offA, -pe.dx0 / rPath);
        sink.add(iE, iI, -pe.dI / rPath);
      }
      sink.add(iE, iE, dE);
      sink.add(iE, iJ, -a * h);
      sink.add(iE, iQ, -side.dQ * h);
      sink.add(iE, o + nr - 1, -side.dc * h);
      // kinetics row
      const j = y[iJ]!;
      const kk = (0.5 * this.dr * fc) / F;
      core.surfaceAt(cl, kk * j);
      const dcs_dj = core.scDN * kk;
      const dcs_dc = core.scDc;
      const ys = core.scCs / cmax;
      const j0 = cathodeJ0(d.j0c, ys);
      const bv = bvEta(j, j0.j0, T);
      const dgdy = -(core.ocpC.dUdy(ys) + bv.dj0 * j0.d);
      sink.add(iJ, iS, 1);
      sink.add(iJ, iE, -1);
      sink.add(iJ, o + nr - 1, (dgdy * dcs_dc) / cmax);
      sink.add(iJ, iJ, -d.Rc - bv.dj + (dgdy * dcs_dj) / cmax);
      // CEI row
      sink.add(iQ, iQ, side.dQ);
      sink.add(iQ, o + nr - 1, side.dc);
      // anode inflow from this node's reaction and side current
      sink.add(this.offA, iJ, a * h * inflowScale);
      sink.add(this.offA, iQ, side.dQ * h * inflowScale);
      sink.add(this.offA, o + nr - 1, side.dc * h * inflowScale);
    }
    const La = p.anode.thickness_m;
    const dz = La / this.na;
    const G = d.Da / (dz * dz);
    const xh = core.xHost;
    for (let m = 0; m < this.na; m++) {
      const row = this.offA + m;
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
    // control row
    const Rv = this.h() / (2 * sig) + d.Rcc; // dV/di
    const V = this.voltage(y);
    const I = y[iI]!;
    switch (control.mode) {
      case 'current':
      case 'rest':
        sink.add(iI, iI, 1 / A);
        sink.add(iI, nr, 0);
        break;
      case 'voltage':
        sink.add(iI, nr, 1);
        sink.add(iI, iI, Rv / A);
        break;
      case 'power':
        sink.add(iI, nr, I / A);
        sink.add(iI, iI, (V + (I * Rv) / A) / A);
        break;
      case 'resistance': {
        const Rl = controlValue(control, t);
        sink.add(iI, nr, 1);
        sink.add(iI, iI, Rv / A + Rl);
        break;
      }
    }
  }
}
