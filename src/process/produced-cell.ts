/**
 * The produced cell's derived fields, from the state the line computes — one set of functions for the station
 * physics (stations.ts) and the production run's linear surrogate (production/physics.ts), so that a surrogate
 * cell is as consistent as a full-physics one:
 * - the anode's fields from its final phases (thickness, Li, D, fractions, free Li, inventory: alloying.ts);
 * - the phases themselves from the anode's Li and Al and the two alloying extents (the line's phase rule,
 *   alloying.ts stateAt between the β-limited and the equilibrium end states) and those extents back from
 *   the phases;
 * - the densified composite's volume fractions from its porosity (the solids keep their proportions);
 * - the layer stack and its thickness from the cell's layer thicknesses and porosities.
 */
import {
  alFractions,
  alInPhases,
  anodeDiffusivity,
  anodeThickness,
  betaLimitedPhases,
  equilibriumPhases,
  liInPhases,
  liInventory,
  stateAt,
  alloyData,
} from './alloying.ts';
import { REFERENCE_TEMPERATURE_K } from '../materials/constants.ts';
import type { CathodeComposite, CellLayer, PhaseAmounts, ProducedCell } from './types.ts';

/** the anode's fields of a ProducedCell */
export type AnodeFields = Pick<
  ProducedCell,
  | 'anodeThickness_m'
  | 'anodeAl_mol_m2'
  | 'anodeLi_mol_m2'
  | 'liAlRatio'
  | 'anodePhases'
  | 'phaseFractions'
  | 'freeLi_mol_m2'
  | 'freeLi_m'
  | 'liInventory_mol_m2'
  | 'anodeD_m2_s'
>;

/**
 * The anode of a produced cell from the final phases of the Al and Li that met at 240 (`final`: free Li in
 * `final.Li`; `nAl`: its Al, mol m⁻²). Interposed (`liFacing`), the anode is all of them; turned over (the Cu between), the Li stays a
 * separate layer on the roll side and the anode is the Al alone (no Li, no free Li, no inventory).
 */
export function anodeFields(final: PhaseAmounts, nAl: number, liFacing: boolean): AnodeFields {
  return setAnodeFields({} as AnodeFields, final, nAl, liFacing, false);
}

/**
 * anodeFields written into `out` (its fields set in anodeFields' order; returns `out`). With `owned` (a
 * `final` that nobody else holds, e.g. phasesAt's fresh result) an interposed anode's phases are `final`
 * itself instead of a copy.
 */
export function setAnodeFields<T extends AnodeFields>(
  out: T,
  final: PhaseAmounts,
  nAl: number,
  liFacing: boolean,
  owned: boolean,
): T {
  const alOnly: PhaseAmounts = liFacing ? (owned ? final : { ...final }) : { ...final, Li: 0 };
  const nLi = liFacing ? liInPhases(final) : 0;
  out.anodeThickness_m = anodeThickness(alOnly);
  out.anodeAl_mol_m2 = nAl;
  out.anodeLi_mol_m2 = nLi;
  out.liAlRatio = nAl > 0 ? nLi / nAl : 0;
  out.anodePhases = alOnly;
  out.phaseFractions = alFractions(alOnly);
  out.freeLi_mol_m2 = liFacing ? final.Li : 0;
  out.freeLi_m = liFacing ? final.Li * alloyData().V_LI : 0;
  out.liInventory_mol_m2 = liFacing ? liInventory(final) : 0;
  out.anodeD_m2_s = anodeDiffusivity(alOnly, REFERENCE_TEMPERATURE_K);
  return out;
}

/** the phases of Al and Li that never met (the Cu between them): all Al unreacted, all Li metal */
export function unalloyedPhases(nLi: number, nAl: number): PhaseAmounts {
  return { Al: nAl, alpha: 0, xAlpha: 0, LiAl: 0, xBeta: 1, Li3Al2: 0, Li9Al4: 0, Li: nLi };
}

/** the alloying extents of a state: β growth ξβ and Li-rich conversion ξr, each 0..1 */
export interface AlloyExtents {
  beta: number;
  liRich: number;
}

/** v kept in [0, 1] */
const c01 = (v: number): number => (v > 0 ? (v < 1 ? v : 1) : 0);

/**
 * The phases of nLi Li and nAl Al (mol m⁻²) at the extents ξβ, ξr: the line's phase rule (alloying.ts stateAt
 * between the β-limited and the equilibrium end states of those amounts) — exact in Li and Al.
 */
export function phasesAt(nLi: number, nAl: number, x: AlloyExtents): PhaseAmounts {
  return stateAt(nLi, nAl, betaLimitedPhases(nLi, nAl), equilibriumPhases(nLi, nAl), c01(x.beta), c01(x.liRich));
}

/**
 * The extents of a state made by that rule (the inverse of phasesAt): ξβ = 1 − unreacted Al / Al; ξr = the
 * Li-rich phases' share of the equilibrium state's, over ξβ (0 where the equilibrium state has none: then it
 * equals the β-limited one and ξr does not matter).
 */
export function extentsOf(a: PhaseAmounts): AlloyExtents {
  const nAl = alInPhases(a);
  if (!(nAl > 0)) return { beta: 1, liRich: 0 };
  const beta = 1 - a.Al / nAl;
  const eq = equilibriumPhases(liInPhases(a), nAl);
  const rich = eq.Li3Al2 + eq.Li9Al4;
  const liRich = rich > 0 && beta > 0 ? (a.Li3Al2 + a.Li9Al4) / (beta * rich) : 0;
  return { beta, liRich };
}

/** the densified composite's fields of a ProducedCell */
export type CathodeFractionFields = Pick<
  ProducedCell,
  'cathodeActiveFraction' | 'cathodeElectrolyteFraction' | 'cathodeCarbonFraction' | 'cathodeBinderFraction'
>;

/** the densified composite's volume fractions at porosity p: the solids keep the supplied proportions */
export function cathodeFractions(vf: CathodeComposite['volumeFractions'], porosity: number): CathodeFractionFields {
  return setCathodeFractions({} as CathodeFractionFields, vf, porosity);
}

/** cathodeFractions written into `out` (its fields set in cathodeFractions' order; returns `out`) */
export function setCathodeFractions<T extends CathodeFractionFields>(
  out: T,
  vf: CathodeComposite['volumeFractions'],
  porosity: number,
): T {
  const kDense = (1 - porosity) / (1 - vf.pores);
  out.cathodeActiveFraction = vf.active * kDense;
  out.cathodeElectrolyteFraction = vf.electrolyte * kDense;
  out.cathodeCarbonFraction = vf.conductive * kDense;
  out.cathodeBinderFraction = 1 - porosity - (vf.active + vf.electrolyte + vf.conductive) * kDense;
  return out;
}

/**
 * The cell's stack with each layer's thickness (and porosity) taken from the cell's fields by its role (the
 * separate Li layer of a turned-over third sheet: `liLayer_m`), and its total thickness.
 */
export function stackOf(
  layers: readonly CellLayer[],
  c: Pick<
    ProducedCell,
    | 'anodeCollectorThickness_m'
    | 'anodeThickness_m'
    | 'cathodeThickness_m'
    | 'cathodePorosity'
    | 'separatorThickness_m'
    | 'separatorPorosity'
    | 'cathodeCollectorThickness_m'
  >,
  liLayer_m: number,
): { layers: CellLayer[]; cellThickness_m: number } {
  const out: CellLayer[] = [];
  let total = 0;
  for (const l of layers) {
    let t = l.thickness_m;
    let p = l.porosity;
    if (l.role === 'conductor') t = c.anodeCollectorThickness_m;
    else if (l.role === 'anode') t = c.anodeThickness_m;
    else if (l.role === 'li') t = liLayer_m;
    else if (l.role === 'cathode') {
      t = c.cathodeThickness_m;
      p = c.cathodePorosity;
    } else if (l.role === 'electrolyte') {
      t = c.separatorThickness_m;
      p = c.separatorPorosity;
    } else if (l.role === 'collector') t = c.cathodeCollectorThickness_m;
    out.push({ ...l, thickness_m: t, porosity: p });
    total += t;
  }
  return { layers: out, cellThickness_m: total };
}
