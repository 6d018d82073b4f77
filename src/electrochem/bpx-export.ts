/**
 * A produced solid-state cell as a Battery Parameter eXchange document (BPX 1.1, the standard's
 * Parameterisation for the single-particle model), where the standard can express it, with the list of
 * what it cannot. Pure: SI parameters in (./ssb/params.ts), a JSON-ready document out; the document
 * passes the standard's validation (./bpx-schema.ts) and rollcell's BPX reader runs it with the SPM.
 *
 * BPX describes porous electrodes filled with a liquid electrolyte (DFN/SPMe) or particles without an
 * electrolyte (SPM). The all-solid-state cell maps onto the SPM set:
 *  - positive electrode: the composite cathode's active particles — thickness, radius, a = 3ε_AM/R,
 *    c_max, the stoichiometry window of the design (SOC 0 and 1), the OCP as a table of y, D_s and its
 *    activation energy, and the reaction rate constant k = 2·f·j0_ref/F (rollcell's j0 = j0_ref·2√(y(1−y))
 *    per true contact area, f the contact fraction at the stack pressure; BPX: i0 = F·k·√(θ(1−θ)));
 *  - negative electrode: the dense Li–Al layer, written as the sphere with the layer's volume-to-area
 *    ratio (R = 3L, a = 1/L: a·R/3 = 1) and the same diffusion time (D_sphere = 9·D_layer), c_max = x_ref·Al per volume with x_ref 1.25 × the Li/Al of the
 *    richest state reached (at least Li9Al4's 2.25), stoichiometry θ = x/x_ref, the OCP as a table of θ at the
 *    cell temperature, hysteresis as BPX 1.1 lithiation/delithiation branches, and k from the anode's
 *    (θ-independent) j0 matched at the middle of the window;
 *  - State: the cell as produced (SOC 0) at its temperature.
 * rollcell's own values that BPX has no field for are kept under User-defined (numbers, ignored by BPX
 * readers).
 */
import { F } from '../materials/constants.ts';
import { cathodeOcp } from '../materials/ocp/cathodes.ts';
import { liAlOcp } from '../materials/ocp/li-al.ts';
import { derive, type SsbCellParams } from './ssb/params.ts';
import { designWindow } from './ssb/common.ts';
import { toAh } from '../units/index.ts';

export interface BpxExport {
  /** the BPX document (JSON-ready) */
  readonly document: Record<string, unknown>;
  /** what the standard cannot express, and how the document approximates or leaves it out */
  readonly notExpressed: readonly string[];
}

const round = (x: number): number => Number(x.toPrecision(10));
const table = (xs: number[], f: (x: number) => number): { x: number[]; y: number[] } => ({
  x: xs.map(round),
  y: xs.map((x) => round(f(x))),
});
const grid = (a: number, b: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

/**
 * D_s(y) as a BPX expression in x (the stoichiometry): D·(floor + k·u²/(u² + w²)), u = 1 − x,
 * k = (1 − floor)(1 + w²) — ssb/common dsFactor; a constant where the material has no crossover
 */
function dsExpression(D: number, v: { readonly width: number; readonly floor: number } | null): number | string {
  if (!v) return round(D);
  const k = (1 - v.floor) * (1 + v.width * v.width);
  const w2 = v.width * v.width;
  return `${round(D)} * (${round(v.floor)} + ${round(k)} * (1 - x) * (1 - x) / ((1 - x) * (1 - x) + ${round(w2)}))`;
}

/** The BPX document of a solid-state cell (SPM parameter set) and what it leaves out. */
export function exportBpx(p: SsbCellParams, title = 'rollcell produced cell'): BpxExport {
  const d = derive(p);
  const ocpC = cathodeOcp(p.cathode.activeMaterial);
  const w = designWindow(p, ocpC);
  const nC = d.cathodeLi_mol_perY;
  const nAl = p.anode.al_mol_m2 * p.area_m2;
  const T = p.temperature_K;
  const c = p.cathode;
  const a = p.anode;
  // stoichiometries at SOC 0 (qLo) and SOC 1 (qHi)
  const y0 = w.y0 - w.qLo / nC;
  const y1 = w.y0 - w.qHi / nC;
  const x0 = w.x0 + w.qLo / nAl;
  const x1 = w.x0 + w.qHi / nAl;
  // headroom above the richest state: the surface runs ahead of the bulk on charge
  const xRef = 1.25 * Math.max(2.25, x1);
  const fc = Math.min(
    1,
    c.contactFractionRef * Math.pow(p.stackPressure_Pa / p.contact.pressureRef_Pa, p.contact.exponent),
  );
  const thMid = (0.5 * (x0 + x1)) / xRef;
  const La = a.thickness_m;
  const thetas = grid(0, 1, 201);
  const anodeU = (th: number, dir: number): number =>
    liAlOcp(Math.max(th * xRef, 1e-6), T, { hysteresis_V: a.hysteresis_V }, dir).U;
  const [yLo, yHi] = ocpC.validRange;
  const positive: Record<string, unknown> = {
    'Thickness [m]': round(c.thickness_m),
    'Particle radius [m]': round(c.particleRadius_m),
    'Surface area per unit volume [m-1]': round((3 * c.activeFraction) / c.particleRadius_m),
    'Maximum concentration [mol.m-3]': round(c.cMax_mol_m3),
    'Minimum stoichiometry': round(y1),
    'Maximum stoichiometry': round(y0),
    'OCP [V]': table(grid(Math.max(0, yLo), Math.min(1, yHi), 201), (y) => ocpC.U(y)),
    // the divacancy slowdown near full lithiation (ssb/common dsFactor) as a BPX function of x = y
    'Diffusivity [m2.s-1]': dsExpression(c.Ds.ref, c.DsVacancy),
    'Diffusivity activation energy [J.mol-1]': round(c.Ds.Ea_J_mol),
    'Reaction rate constant [mol.m-2.s-1]': round((2 * fc * c.j0.ref) / F),
    'Reaction rate constant activation energy [J.mol-1]': round(c.j0.Ea_J_mol),
  };
  const negative: Record<string, unknown> = {
    'Thickness [m]': round(La),
    'Particle radius [m]': round(3 * La),
    'Surface area per unit volume [m-1]': round(1 / La),
    'Maximum concentration [mol.m-3]': round((xRef * a.al_mol_m2) / La),
    'Minimum stoichiometry': round(x0 / xRef),
    'Maximum stoichiometry': round(x1 / xRef),
    'OCP [V]': table(thetas, (th) => anodeU(th, 0)),
    ...(a.hysteresis_V > 0
      ? {
          'OCP (lithiation) [V]': table(thetas, (th) => anodeU(th, 1)),
          'OCP (delithiation) [V]': table(thetas, (th) => anodeU(th, -1)),
        }
      : {}),
    // the sphere R = 3L diffuses over 3× the layer's length: D·(R/L)² keeps the diffusion time R²/D = L²/D_layer
    'Diffusivity [m2.s-1]': round(9 * a.D.ref),
    'Diffusivity activation energy [J.mol-1]': round(a.D.Ea_J_mol),
    'Reaction rate constant [mol.m-2.s-1]': round((d.fAnode * a.j0.ref) / (F * Math.sqrt(thMid * (1 - thMid)))),
    'Reaction rate constant activation energy [J.mol-1]': round(a.j0.Ea_J_mol),
  };
  const capacity_Ah = toAh((w.qHi - w.qLo) * F);
  const thickness =
    c.thickness_m +
    p.separator.thickness_m +
    La +
    p.collectors.cathodeCollectorThickness_m +
    p.collectors.anodeCollectorThickness_m;
  const document: Record<string, unknown> = {
    Header: {
      BPX: '1.1.1',
      Title: title,
      Description:
        'All-solid-state cell (composite cathode | solid electrolyte | Li–Al anode) produced by the rollcell line model, ' +
        'written as a BPX single-particle (SPM) parameter set.',
      Model: 'SPM',
    },
    Parameterisation: {
      Cell: {
        'Electrode area [m2]': round(p.area_m2),
        'Number of electrode pairs connected in parallel to make a cell': 1,
        'Lower voltage cut-off [V]': round(p.vMin_V),
        'Upper voltage cut-off [V]': round(p.vMax_V),
        'Nominal cell capacity [A.h]': round(capacity_Ah),
        'Reference temperature [K]': round(T),
        'Volume [m3]': round(p.area_m2 * thickness),
      },
      'Negative electrode': negative,
      'Positive electrode': positive,
      'User-defined': {
        description:
          'rollcell values BPX has no field for (numbers kept for reference; BPX readers ignore them): stack pressure, ' +
          'the solid electrolyte and the resistances of the cell',
        'rollcell: stack pressure [Pa]': round(p.stackPressure_Pa),
        'rollcell: solid electrolyte conductivity [S.m-1]': round(p.electrolyte.sigma.ref),
        'rollcell: solid electrolyte conductivity activation energy [J.mol-1]': round(p.electrolyte.sigma.Ea_J_mol),
        'rollcell: separator thickness [m]': round(p.separator.thickness_m),
        'rollcell: composite cathode ionic conductivity [S.m-1]': round(d.kappaEff),
        'rollcell: composite cathode electronic conductivity [S.m-1]': round(d.sigmaEff),
        'rollcell: cathode interphase resistance [Ohm.m2]': round(c.interphaseResistance_ohm_m2),
        'rollcell: anode interphase resistance [Ohm.m2]': round(a.interphaseResistance_ohm_m2),
        'rollcell: contact resistance [Ohm.m2]': round(p.collectors.contactResistance_ohm_m2),
        'rollcell: cathode contact fraction': round(fc),
        'rollcell: anode contact fraction': round(d.fAnode),
        'rollcell: anode Li/Al at stoichiometry 1': round(xRef),
      },
    },
    State: {
      'Initial conditions': { 'Initial state-of-charge': 0, 'Initial temperature [K]': round(T) },
      'Thermal environment': { 'Ambient temperature [K]': round(T) },
    },
  };
  const notExpressed = [
    'the solid electrolyte: BPX has a liquid Electrolyte (transference number < 1, concentration-dependent transport) ' +
      'for porous electrodes, or none (SPM); the separator and the composite cathode SE network (their ionic ' +
      'resistance) are left out of the SPM set (values under User-defined)',
    'the Li–Al anode is a dense layer with planar diffusion through its thickness; BPX has spherical particles: ' +
      'written as the sphere with the same volume-to-area ratio (R = 3L, a·R/3 = 1) and the same diffusion time (D·9)',
    "the anode's exchange current does not depend on its stoichiometry; BPX's i0 ∝ √(θ(1−θ)): k matched at the middle of the window",
    'the cathode|SE and anode|SE interphase resistances and the contact/collector resistance (no BPX field; values under User-defined)',
    'stack pressure and its effect on contact (the contact fractions at the produced stack pressure are folded into k)',
    'cell thickness, volume change with lithiation (Eq. 1 of [0178]) and mechanical properties',
    'ageing (interphase growth, contact loss, Li inventory loss) and plating',
    ...(c.cei.qMax_C_m2 > 0
      ? [
          'the cathode electrolyte interphase that forms on the first charge ' +
            `(SE oxidation, up to ${round(c.cei.qMax_C_m2)} C per m² of particle surface): BPX has no side reaction, ` +
            "so the document's first charge is the cell's less the CEI charge (a coated cathode has none)",
        ]
      : []),
    ...(a.hysteresis_V > 0
      ? ["the anode's OCP hysteresis as BPX 1.1 lithiation/delithiation branches, without a decay constant (0th order)"]
      : []),
  ];
  // the list travels in the Header's Description (User-defined holds numbers, functions and tables only)
  const header = document['Header'] as Record<string, unknown>;
  header['Description'] = `${String(header['Description'])} Not expressed: ${notExpressed.join('; ')}.`;
  return { document, notExpressed };
}
