/**
 * The narrow interface between the production run and the station physics (src/process/stations.ts):
 * the run perturbs the SI process input for each cell (incoming sheet thicknesses, roll forces, nip
 * temperatures, line speed) and asks the physics for the cell it makes (the one SI `ProducedCell` of
 * ../types.ts). No recipe round trip per cell.
 */
import type { ProcessWarning } from '../types.ts';
import type { AlloyExpansion } from '../alloy-expansion.ts';
import type { LayerInput, ProcessInput, ProducedCell, StationInput } from '../types.ts';
import { STATION_IDS, type StationId } from '../../recipe/stations.ts';
import {
  extentsOf,
  phasesAt,
  setAnodeFields,
  setCathodeFractions,
  stackOf,
  unalloyedPhases,
} from '../produced-cell.ts';
export { STATION_IDS, type StationId };

export interface PhysicsResult {
  cell: ProducedCell;
  /** whole cell stack thickness (collectors included), m */
  cellThickness_m: number;
  /** crack risk of the anode as made (sandwiched between Cu and the electrolyte), 0–1 */
  crackRisk: number;
  /** every station bonded its new interface */
  bonded: boolean;
  /** laminate thickness leaving each station, m (what an outfeed gauge sees) */
  afterStation_m: Partial<Record<StationId, number>>;
  /** the cell's layer stack, top to bottom, m */
  layers: { name: string; thickness_m: number }[];
  /** what the line physics flagged for this cell (absent from surrogates: the nominal cell's apply) */
  warnings?: ProcessWarning[];
}

/**
 * What the physics calls of one production run share (made by the run, dropped with it — never a global cache):
 * the run's nominal input, and what the physics computes once per run from it (the station physics: the
 * alloying history's expansion about the nominal cell, ../alloy-expansion.ts; null: none, every cell in full).
 */
export interface PhysicsRun {
  readonly nominal: ProcessInput;
  alloy?: AlloyExpansion | null;
}

/**
 * line physics for one (perturbed) SI process input: pure and deterministic (for a given run: a production run
 * passes its PhysicsRun, whose nominal the physics may expand about)
 */
export type LinePhysics = (inp: ProcessInput, run?: PhysicsRun) => PhysicsResult;

/** per-cell deviations applied to the SI process input */
export interface Perturbation {
  /** relative thickness factors (1 = nominal) of the incoming layers */
  cathode: number;
  electrolyte: number;
  al: number;
  li: number;
  cu: number;
  /** station set points, N and K */
  force_N: Partial<Record<StationId, number>>;
  temperature_K: Partial<Record<StationId, number>>;
  /** line speed, m s⁻¹ */
  speed_m_s: number;
}

const scaled = (l: LayerInput, f: number): LayerInput => (f === 1 ? l : { ...l, thickness_m: l.thickness_m * f });

/**
 * A new process input with the perturbation applied (the base is not modified). A speed change moves
 * the time the web spends in the open span before the winder (`line.openSpan_m`) between the dwell and
 * the wound storage, as the recipe → SI step does.
 */
export function perturbInput(base: ProcessInput, p: Perturbation): ProcessInput {
  const fs = base.firstSheet;
  const bs = base.stations;
  const s222 = bs['222'];
  // one literal per case, not a spread of the stations: their ids are array-index keys, which a spread copies on
  // V8's slow path (the same keys and values: a '222' key the base holds without a station stays as it is)
  const stations: ProcessInput['stations'] =
    s222 !== undefined || '222' in bs
      ? {
          '222': perturbStation(s222, p, '222'),
          '236': perturbStation(bs['236'], p, '236')!,
          '240': perturbStation(bs['240'], p, '240')!,
        }
      : { '236': perturbStation(bs['236'], p, '236')!, '240': perturbStation(bs['240'], p, '240')! };
  const ln = base.line;
  const line = { ...ln, speed_m_s: p.speed_m_s };
  if (ln.openSpan_m !== undefined && p.speed_m_s !== ln.speed_m_s) {
    const total = ln.dwell_s + ln.storage_s;
    const open = ln.openSpan_m / p.speed_m_s;
    line.dwell_s = Math.min(total, open);
    line.storage_s = Math.max(0, total - open);
  }
  return {
    ...base,
    firstSheet: {
      ...fs,
      cathode: scaled(fs.cathode, p.cathode),
      electrolyte: scaled(fs.electrolyte, p.electrolyte),
    },
    alSheet: { ...base.alSheet, layer: scaled(base.alSheet.layer, p.al) },
    thirdSheet: {
      ...base.thirdSheet,
      li: scaled(base.thirdSheet.li, p.li),
      conductor: scaled(base.thirdSheet.conductor, p.cu),
    },
    stations,
    line,
  };
}

/** a station's input at the perturbation's set points (absent: as it is) */
function perturbStation(st: StationInput | undefined, p: Perturbation, id: StationId): StationInput | undefined {
  if (!st) return st;
  const f = p.force_N[id];
  const T = p.temperature_K[id];
  return { ...st, force_N: f ?? st.force_N, temperature_K: T ?? st.temperature_K };
}

export function nominalPerturbation(inp: ProcessInput): Perturbation {
  const force_N: Partial<Record<StationId, number>> = {};
  const temperature_K: Partial<Record<StationId, number>> = {};
  for (const id of STATION_IDS) {
    const st = inp.stations[id];
    if (st) {
      force_N[id] = st.force_N;
      temperature_K[id] = st.temperature_K;
    }
  }
  return { cathode: 1, electrolyte: 1, al: 1, li: 1, cu: 1, force_N, temperature_K, speed_m_s: inp.line.speed_m_s };
}

// ------------------------------------------------------------------------------------- linear surrogate
/** the perturbation's coordinates, in a fixed order */
type Coord = { get: (p: Perturbation) => number; set: (p: Perturbation, v: number) => void; name: string };

function coords(inp: ProcessInput): Coord[] {
  const out: Coord[] = [];
  for (const k of ['cathode', 'electrolyte', 'al', 'li', 'cu'] as const)
    out.push({ name: k, get: (p) => p[k], set: (p, v) => (p[k] = v) });
  for (const id of STATION_IDS) {
    if (!inp.stations[id]) continue;
    out.push({ name: `force_${id}`, get: (p) => p.force_N[id]!, set: (p, v) => (p.force_N[id] = v) });
    out.push({ name: `temperature_${id}`, get: (p) => p.temperature_K[id]!, set: (p, v) => (p.temperature_K[id] = v) });
  }
  out.push({ name: 'speed', get: (p) => p.speed_m_s, set: (p, v) => (p.speed_m_s = v) });
  return out;
}

function clonePert(p: Perturbation): Perturbation {
  return { ...p, force_N: { ...p.force_N }, temperature_K: { ...p.temperature_K } };
}

/**
 * The surrogate's linearised outputs (indices into the flattened vector): what the line computes per cell and
 * the surrogate then maps through the line's own rules (produced-cell.ts) to every other field of the cell.
 */
const Y = {
  cellThickness: 0,
  crackRisk: 1,
  cathode: 2,
  separator: 3,
  cathodeCollector: 4,
  anodeCollector: 5,
  cathodePorosity: 6,
  separatorPorosity: 7,
  al: 8,
  li: 9,
  betaExtent: 10,
  liRichExtent: 11,
  liLayer: 12,
  after: 13,
} as const;

/** numeric outputs of a PhysicsResult, flattened (same order for every result of one recipe) */
function flatten(res: PhysicsResult): number[] {
  const c = res.cell;
  const x = extentsOf(c.anodePhases);
  const v = [
    res.cellThickness_m,
    res.crackRisk,
    c.cathodeThickness_m,
    c.separatorThickness_m,
    c.cathodeCollectorThickness_m,
    c.anodeCollectorThickness_m,
    c.cathodePorosity,
    c.separatorPorosity,
    c.anodeAl_mol_m2,
    c.anodeLi_mol_m2,
    x.beta,
    x.liRich,
    c.layers.find((l) => l.role === 'li')?.thickness_m ?? 0,
  ];
  for (const id of STATION_IDS) v.push(res.afterStation_m[id] ?? 0);
  for (const l of res.layers) v.push(l.thickness_m);
  return v;
}

/** x kept ≥ 0 */
const nn = (x: number): number => (x > 0 ? x : 0);
/** x kept in [0, 1] */
const frac = (x: number): number => Math.min(1, nn(x));

export interface LinearSurrogate {
  evaluate(p: Perturbation): PhysicsResult;
  /** coordinates and their half-steps used for the central differences */
  steps: { name: string; step: number }[];
  /** the full physics calls spent on calibration */
  calls: number;
  /** bonded flag differed somewhere in the calibration box (the surrogate then keeps the nominal flag) */
  bondedVaries: boolean;
}

/**
 * First-order Taylor surrogate of the station physics about the nominal recipe: ∂y/∂x by central
 * differences with half-steps `h` (one per coordinate, in the coordinate's units; ≈ 3σ of the run's
 * variability), of what the line computes per cell (`Y`: layer thicknesses and porosities, the anode's Al and
 * Li, the alloying extents ξβ and ξr, the crack risk, the gauges); every other field of the cell is derived
 * from those by the line's own rules (produced-cell.ts: the anode's phases by the phase rule, its thickness,
 * D, free Li and inventory; the composite's fractions; the stack and its thickness), so a surrogate cell is
 * as consistent as a full-physics one. Non-negative outputs are kept ≥ 0, porosities, extents and the crack
 * risk in [0, 1]. Its error against the full physics is measured on a sample of cells by runProduction and
 * reported.
 */
export function linearizePhysics(
  physics: LinePhysics,
  inp: ProcessInput,
  h: (name: string, nominal: number) => number,
): LinearSurrogate {
  const cs = coords(inp);
  const p0 = nominalPerturbation(inp);
  const base = physics(perturbInput(inp, p0));
  const y0 = flatten(base);
  const grads: Float64Array[] = [];
  const steps: { name: string; step: number }[] = [];
  let bondedVaries = false;
  let calls = 1;
  for (const c of cs) {
    const x0 = c.get(p0);
    const step = h(c.name, x0);
    steps.push({ name: c.name, step });
    const g = new Float64Array(y0.length);
    if (step > 0) {
      const pp = clonePert(p0);
      c.set(pp, x0 + step);
      const pm = clonePert(p0);
      c.set(pm, x0 - step);
      const rp = physics(perturbInput(inp, pp));
      const rm = physics(perturbInput(inp, pm));
      calls += 2;
      if (rp.bonded !== base.bonded || rm.bonded !== base.bonded) bondedVaries = true;
      const yp = flatten(rp);
      const ym = flatten(rm);
      if (yp.length !== y0.length || ym.length !== y0.length)
        throw new Error(
          'linearizePhysics: the physics returned a different layer count for a perturbed recipe (allowed: the same stack)',
        );
      for (let i = 0; i < y0.length; i++) g[i] = (yp[i]! - ym[i]!) / (2 * step);
    }
    grads.push(g);
  }
  const liFacing = inp.thirdSheet.orientation === 'li_facing_al';
  const vf = inp.firstSheet.composite.volumeFractions;
  const yLayers = Y.after + STATION_IDS.length;
  // the result's layers are the cell's stack (the station physics): then they follow the derived cell
  const sameStack =
    base.layers.length === base.cell.layers.length && base.layers.every((l, k) => l.name === base.cell.layers[k]!.name);
  // what is the same for every cell, once: the nominal coordinates, the nominal outputs, the gauged stations
  const x0s = Float64Array.from(cs, (c) => c.get(p0));
  const yNominal = Float64Array.from(y0);
  const gauged: { id: StationId; k: number }[] = [];
  STATION_IDS.forEach((id, k) => {
    if (base.afterStation_m[id] !== undefined) gauged.push({ id, k: Y.after + k });
  });
  // the linearised outputs of the cell under way (scratch: read into the cell, never handed out)
  const y = new Float64Array(y0.length);
  const evaluate = (p: Perturbation): PhysicsResult => {
    y.set(yNominal);
    for (let j = 0; j < cs.length; j++) {
      const dx = cs[j]!.get(p) - x0s[j]!;
      if (dx === 0) continue;
      const g = grads[j]!;
      for (let i = 0; i < y.length; i++) y[i] = y[i]! + g[i]! * dx;
    }
    const c = base.cell;
    // linearised: the layer thicknesses, porosities, the anode's Al and Li and the two alloying extents; the
    // anode's phases follow by the line's phase rule, and every other field from them as the station physics
    // derives it (produced-cell.ts). The cell's fields are set in the nominal cell's order (as a spread of it
    // with these fields after would give them).
    const nAl = nn(y[Y.al]!);
    const final = liFacing
      ? phasesAt(nn(y[Y.li]!), nAl, { beta: y[Y.betaExtent]!, liRich: y[Y.liRichExtent]! })
      : unalloyedPhases(0, nAl);
    const cathodePorosity = frac(y[Y.cathodePorosity]!);
    const crackRisk = frac(y[Y.crackRisk]!);
    const cell: ProducedCell = { ...c };
    cell.cathodeThickness_m = nn(y[Y.cathode]!);
    cell.cathodePorosity = cathodePorosity;
    setCathodeFractions(cell, vf, cathodePorosity);
    cell.separatorThickness_m = nn(y[Y.separator]!);
    cell.separatorPorosity = frac(y[Y.separatorPorosity]!);
    cell.cathodeCollectorThickness_m = nn(y[Y.cathodeCollector]!);
    cell.anodeCollectorThickness_m = nn(y[Y.anodeCollector]!);
    setAnodeFields(cell, final, nAl, liFacing, true);
    cell.crackRisk = crackRisk;
    const stack = stackOf(c.layers, cell, nn(y[Y.liLayer]!));
    cell.layers = stack.layers;
    cell.cellThickness_m = stack.cellThickness_m;
    const after: Partial<Record<StationId, number>> = {};
    for (const { id, k } of gauged) after[id] = nn(y[k]!);
    return {
      cell,
      cellThickness_m: sameStack ? stack.cellThickness_m : nn(y[Y.cellThickness]!),
      crackRisk,
      bonded: base.bonded,
      afterStation_m: after,
      layers: sameStack
        ? stack.layers.map((l) => ({ name: l.name, thickness_m: l.thickness_m }))
        : base.layers.map((l, k) => ({ name: l.name, thickness_m: nn(y[yLayers + k]!) })),
    };
  };
  return { evaluate, steps, calls, bondedVaries };
}
