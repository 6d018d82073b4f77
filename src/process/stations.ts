/**
 * The three roll gaps of FIG. 2 (US 2025/0266422 A1, [0184]–[0207]) and what happens after them:
 * station 222 (optional in-situ lamination of the first composite sheet), carrier check (claim 10, [0192]),
 * station 236 (Al-containing sheet onto the electrolyte), station 240 (Li-on-Cu sheet onto the Al, optionally
 * heated), then prelithiation (alloying.ts) with its heat (thermal.ts) and the crack assessment (cracking.ts).
 *
 * `simulateStations` returns the typed SI `LineResult` (stations, anode, cracking, the `ProducedCell`,
 * warnings as data); src/present/line.ts alone turns it into the public `line` block. Pure and deterministic.
 */
import { MOLAR_MASS_AL, MOLAR_MASS_LI, mechanicalProperties, MECHANICAL_IDS } from '../materials/mechanics.ts';
import { DEFAULT_MU, forceForReduction, rollStack, type RollResult } from './rolling.ts';
import { adhesionBond, liAlContact, type BondResult } from './bonding.ts';
import {
  alFractions,
  alInPhases,
  alloyHistory,
  equilibriumPhases,
  phaseVolumes,
  alloyData,
  growthDRangeRT,
  type AlloyHistoryFn,
  type AlloyKinetics,
  type AlloyResult,
  type AlloySegment,
  type PhaseAmounts,
} from './alloying.ts';
import {
  arealHeatCapacity,
  DEFAULT_AMBIENT_K,
  liMelting_K,
  NIP_CONTACT_CONDUCTANCE,
  nipTimeConstant,
  rollTimeConstant,
  webTimeConstant,
} from './thermal.ts';
import {
  crackRisk,
  crackToughness,
  CREEP_STRENGTH_PA,
  GROWTH_IN_PLANE_FRACTION,
  type CrackInput,
  type CrackLayer,
} from './cracking.ts';
import { verdictOverRange, type VerdictDependence } from './assumptions.ts';
import { anodeFields, cathodeFractions, unalloyedPhases } from './produced-cell.ts';
import { getMaterial } from '../materials/library.ts';
import { FARADAY_C_PER_MOL } from '../materials/constants.ts';
import { days } from '../units/index.ts';
import {
  ProcessInputError,
  type CathodeComposite,
  type CellLayer,
  type LayerInput,
  type LineEvidence,
  type LineResult,
  type ProcessInput,
  type ProcessIssue,
  type ProcessWarning,
  type ProducedCell,
  type ReductionForce,
  type StationId,
  type StationInput,
  type StationResult,
} from './types.ts';

// ------------------------------------------------------------------------------------ validation
function checkLayer(path: string, l: LayerInput | undefined, issues: ProcessIssue[]): void {
  if (!l) {
    issues.push({ path, message: 'is required', value: l, allowed: 'a layer' });
    return;
  }
  if (!MECHANICAL_IDS.includes(l.material))
    issues.push({
      path: `${path}.material`,
      message: 'unknown material id',
      value: l.material,
      allowed: MECHANICAL_IDS.join(', '),
    });
  if (!(Number.isFinite(l.thickness_m) && l.thickness_m > 0))
    issues.push({ path: `${path}.thickness_m`, message: 'must be > 0', value: l.thickness_m, allowed: '> 0' });
  if (l.porosity !== undefined && !(l.porosity >= 0 && l.porosity < 1))
    issues.push({ path: `${path}.porosity`, message: 'must be in [0, 1)', value: l.porosity, allowed: '0 ≤ ε < 1' });
}

function checkStation(path: string, s: StationInput | undefined, id: StationId, issues: ProcessIssue[]): void {
  if (!s) {
    issues.push({ path, message: 'is required', value: s, allowed: `a station ${id}` });
    return;
  }
  if (s.id !== id) issues.push({ path: `${path}.id`, message: 'does not match its key', value: s.id, allowed: id });
  if (!(Number.isFinite(s.force_N) && s.force_N >= 0))
    issues.push({ path: `${path}.force_N`, message: 'must be ≥ 0', value: s.force_N, allowed: '≥ 0' });
  if (!(Number.isFinite(s.rollDiameter_m) && s.rollDiameter_m > 0))
    issues.push({ path: `${path}.rollDiameter_m`, message: 'must be > 0', value: s.rollDiameter_m, allowed: '> 0' });
  if (!(Number.isFinite(s.faceWidth_m) && s.faceWidth_m > 0))
    issues.push({ path: `${path}.faceWidth_m`, message: 'must be > 0', value: s.faceWidth_m, allowed: '> 0' });
  if (!(Number.isFinite(s.temperature_K) && s.temperature_K > 0))
    issues.push({ path: `${path}.temperature_K`, message: 'must be > 0', value: s.temperature_K, allowed: '> 0 K' });
  const mu = s.friction?.mu;
  if (mu !== undefined && !(mu >= 0 && mu <= 1))
    issues.push({ path: `${path}.friction.mu`, message: 'must be in [0, 1]', value: mu, allowed: '0 ≤ μ ≤ 1' });
}

/** Every problem of the input as an error value (empty when valid). */
export function validateProcessInput(inp: ProcessInput): ProcessIssue[] {
  const issues: ProcessIssue[] = [];
  for (const k of ['width_m', 'length_m'] as const) {
    const v = inp.cell?.[k];
    if (!(Number.isFinite(v) && (v as number) > 0))
      issues.push({ path: `cell.${k}`, message: 'must be > 0', value: v, allowed: '> 0' });
  }
  const vf = inp.firstSheet?.composite?.volumeFractions;
  if (!vf)
    issues.push({ path: 'firstSheet.composite', message: 'is required', value: vf, allowed: 'the cathode make-up' });
  else {
    const sum = vf.active + vf.electrolyte + vf.conductive + vf.binder + vf.pores;
    if (!(Math.abs(sum - 1) <= 1e-9 && vf.active > 0 && vf.pores >= 0 && vf.pores < 1))
      issues.push({
        path: 'firstSheet.composite.volumeFractions',
        message: 'must be ≥ 0 and sum to 1 with active > 0 and pores < 1',
        value: JSON.stringify(vf),
        allowed: 'active + electrolyte + conductive + binder + pores = 1',
      });
    const rp = inp.firstSheet.composite.particleRadius_m;
    if (!(Number.isFinite(rp) && rp > 0))
      issues.push({ path: 'firstSheet.composite.particleRadius_m', message: 'must be > 0', value: rp, allowed: '> 0' });
  }
  checkLayer('firstSheet.cathode', inp.firstSheet?.cathode, issues);
  checkLayer('firstSheet.electrolyte', inp.firstSheet?.electrolyte, issues);
  if (inp.firstSheet?.collector) checkLayer('firstSheet.collector', inp.firstSheet.collector, issues);
  checkLayer('alSheet.layer', inp.alSheet?.layer, issues);
  checkLayer('thirdSheet.li', inp.thirdSheet?.li, issues);
  checkLayer('thirdSheet.conductor', inp.thirdSheet?.conductor, issues);
  if (inp.alSheet?.placedOn === 'cathode' && inp.firstSheet?.collector)
    issues.push({
      path: 'alSheet.placedOn',
      message: 'the cathode face is covered by the collector',
      value: 'cathode',
      allowed: "'electrolyte' (or no cathode collector)",
    });
  const wAl = inp.alSheet?.alMassFraction;
  if (wAl !== undefined && !(wAl > 0 && wAl <= 1))
    issues.push({ path: 'alSheet.alMassFraction', message: 'must be in (0, 1]', value: wAl, allowed: '0 < w ≤ 1' });
  const wLi = inp.thirdSheet?.liMassFraction;
  if (wLi !== undefined && !(wLi > 0 && wLi <= 1))
    issues.push({ path: 'thirdSheet.liMassFraction', message: 'must be in (0, 1]', value: wLi, allowed: '0 < w ≤ 1' });
  const al = inp.alSheet;
  if (al && al.form === 'particles_binder' && al.carrier && al.carrier.removedBefore236 !== true) {
    issues.push({
      path: 'alSheet.carrier.removedBefore236',
      message:
        'the plastic carrier of the Al-particle sheet must be peeled off before station 236 (claim ' +
        '10, [0192]); roll-bonding it on puts the film between Al and electrolyte',
      value: al.carrier.removedBefore236,
      allowed: 'true',
    });
  }
  if (al && al.form === 'foil' && al.carrier && al.carrier.removedBefore236 !== true) {
    issues.push({
      path: 'alSheet.carrier.removedBefore236',
      message: 'a carrier film still on the Al sheet at station 236',
      value: al.carrier.removedBefore236,
      allowed: 'true',
    });
  }
  if (inp.firstSheet?.inSitu) checkStation('stations.222', inp.stations?.['222'], '222', issues);
  checkStation('stations.236', inp.stations?.['236'], '236', issues);
  checkStation('stations.240', inp.stations?.['240'], '240', issues);
  const ln = inp.line;
  if (!ln) issues.push({ path: 'line', message: 'is required', value: ln, allowed: 'line settings' });
  else {
    const pos: [keyof typeof ln, number | undefined][] = [
      ['speed_m_s', ln.speed_m_s],
      ['webWidth_m', ln.webWidth_m],
      ['dwellTemperature_K', ln.dwellTemperature_K],
      ['storageTemperature_K', ln.storageTemperature_K],
    ];
    for (const [k, v] of pos)
      if (!(Number.isFinite(v) && (v as number) > 0))
        issues.push({ path: `line.${k}`, message: 'must be > 0', value: v, allowed: '> 0' });
    const nn: [keyof typeof ln, number | undefined][] = [
      ['dwell_s', ln.dwell_s],
      ['storage_s', ln.storage_s],
    ];
    for (const [k, v] of nn)
      if (!(Number.isFinite(v) && (v as number) >= 0))
        issues.push({ path: `line.${k}`, message: 'must be ≥ 0', value: v, allowed: '≥ 0' });
    const opt: [keyof typeof ln, number | undefined][] = [
      ['htc_W_m2K', ln.htc_W_m2K],
      ['rollOuterRadius_m', ln.rollOuterRadius_m],
      ['coreRadius_m', ln.coreRadius_m],
      ['ambient_K', ln.ambient_K],
    ];
    for (const [k, v] of opt)
      if (v !== undefined && !(Number.isFinite(v) && v > 0))
        issues.push({ path: `line.${k}`, message: 'must be > 0', value: v, allowed: '> 0' });
    const opt0: [keyof typeof ln, number | undefined][] = [
      ['webTension_N_per_m', ln.webTension_N_per_m],
      ['stackPressure_Pa', ln.stackPressure_Pa],
    ];
    for (const [k, v] of opt0)
      if (v !== undefined && !(Number.isFinite(v) && v >= 0))
        issues.push({ path: `line.${k}`, message: 'must be ≥ 0', value: v, allowed: '≥ 0' });
  }
  const mo = inp.model;
  if (mo) {
    const pos: [string, number | undefined][] = [
      ['alloyDRef_m2_s', mo.alloyDRef_m2_s],
      ['alloyEa_J_mol', mo.alloyEa_J_mol],
      ['liAlFractureToughness_Pa_m05', mo.liAlFractureToughness_Pa_m05],
    ];
    for (const [k, v] of pos)
      if (v !== undefined && !(Number.isFinite(v) && v > 0))
        issues.push({ path: `model.${k}`, message: 'must be > 0', value: v, allowed: '> 0' });
    const g = mo.growthInPlaneFraction;
    if (g !== undefined && !(g >= 0 && g <= 1))
      issues.push({ path: 'model.growthInPlaneFraction', message: 'must be in [0, 1]', value: g, allowed: '0..1' });
  }
  return issues;
}

// ------------------------------------------------------------------------------------ helpers
function after(l: LayerInput, r: RollResult, i: number): LayerInput {
  const o = r.layers[i]!;
  const out: LayerInput = { ...l, thickness_m: o.thickness_out_m };
  if (o.mode === 'compaction') {
    out.porosity = o.porosity_out;
    out.greenPorosity = l.greenPorosity ?? l.porosity ?? mechanicalPorosity(l);
    out.maxPressureSeen_Pa = o.maxPressureSeen_Pa;
  }
  return out;
}

/** the first-sheet layers after a nip, from their positions in the stack (offset = index of the first one) */
function updateFirst(
  first: LayerInput[],
  roll: RollResult,
  offset: number,
  se: LayerInput,
  cat: LayerInput,
  coll: LayerInput | undefined,
): [LayerInput, LayerInput, LayerInput | undefined] {
  let s2 = se;
  let c2 = cat;
  let k2 = coll;
  first.forEach((l, i) => {
    const a = after(l, roll, offset + i);
    if (l === se) s2 = a;
    else if (l === cat) c2 = a;
    else if (l === coll) k2 = a;
  });
  return [s2, c2, k2];
}

function mechanicalPorosity(l: LayerInput): number {
  const fl = mechanicalProperties(l.material).flowLaw;
  return fl.kind === 'compaction' ? fl.greenPorosity.value : 0;
}

function porosityOf(l: LayerInput): number {
  return l.porosity ?? mechanicalPorosity(l);
}

/** permanent thickness reduction of the first composite sheet (electrolyte + cathode + collector) */
function firstSheetReduction(roll: RollResult): number {
  let hin = 0;
  let hout = 0;
  for (const l of roll.layers) {
    if (l.role === 'cathode' || l.role === 'electrolyte' || l.role === 'collector') {
      hin += l.thickness_in_m;
      hout += l.thickness_out_m;
    }
  }
  return hin > 0 ? (hin - hout) / hin : 0;
}

function stationResult(
  st: StationInput,
  roll: RollResult,
  bond: BondResult,
  stack: readonly LayerInput[],
): StationResult {
  return {
    id: st.id,
    force_N: st.force_N,
    temperature_K: st.temperature_K,
    roll,
    bond,
    stack,
    firstSheetReduction: firstSheetReduction(roll),
  };
}

/** half of the [0178] C/10 cycle, s (the time a cycling stress has to relax by creep) */
const HALF_CYCLE_S = 36000;

/** Li the anode takes from the cathode on a full charge (practical capacity of its active material), mol m⁻² */
function cathodeLi_mol_m2(c: CathodeComposite, cat: LayerInput): number {
  let q: number;
  let rho: number;
  try {
    const am = getMaterial(c.activeMaterialId);
    q = (am.practicalCapacity ?? am.theoreticalCapacity)?.value ?? 0;
    rho = am.density.value;
  } catch {
    return 0;
  }
  const solids = 1 - c.volumeFractions.pores;
  const active = (c.volumeFractions.active / solids) * (1 - porosityOf(cat));
  return (cat.thickness_m * active * rho * q) / FARADAY_C_PER_MOL;
}

/** the alloying kinetics of the input's model overrides (defaults: the data of alloying.ts) */
export function alloyKinetics(inp: ProcessInput): AlloyKinetics {
  const m = inp.model;
  return {
    ...(m?.alloyDRef_m2_s !== undefined ? { dRef_m2_s: m.alloyDRef_m2_s } : {}),
    ...(m?.alloyEa_J_mol !== undefined ? { ea_J_mol: m.alloyEa_J_mol } : {}),
    ...(m?.incubationRT_s !== undefined ? { incubationRT_s: m.incubationRT_s } : {}),
  };
}

const n = (l: LayerInput, M: number): number =>
  (mechanicalProperties(l.material).density.value * l.thickness_m * (1 - porosityOf(l))) / M;

// ------------------------------------------------------------------------------------ main
/** what a caller may put in place of a part of the station physics */
export interface StationsOptions {
  /**
   * the alloying history (default alloying.ts `alloyHistory`, the full solve); a production run passes its
   * expansion about the nominal cell (alloy-expansion.ts), which falls back on the full solve outside its region
   */
  alloyHistory?: AlloyHistoryFn;
}

/** Run 222 (if in situ) → carrier check → 236 → 240 → alloying → cracking. Throws ProcessInputError on bad input. */
export function simulateStations(inp: ProcessInput, opts?: StationsOptions): LineResult {
  const issues = validateProcessInput(inp);
  if (issues.length) throw new ProcessInputError(issues);
  const warnings: ProcessWarning[] = [];
  const ctx = { speed_m_s: inp.line.speed_m_s, webWidth_m: inp.line.webWidth_m };
  const stations: StationResult[] = [];
  const fs = inp.firstSheet;
  let se = fs.electrolyte;
  let cat = fs.cathode;
  let coll = fs.collector;

  // ---- 222: SE on cathode (+ Al collector)
  if (fs.inSitu && inp.stations['222']) {
    const st = inp.stations['222'];
    const stack = coll ? [se, cat, coll] : [se, cat];
    const roll = rollStack(st, stack, ctx);
    const bond = adhesionBond(se.material, cat.material, roll.peakPressure_Pa, st.temperature_K);
    stations.push(stationResult(st, roll, bond, stack));
    se = after(se, roll, 0);
    cat = after(cat, roll, 1);
    if (coll) coll = after(coll, roll, 2);
    if (!bond.bonded)
      warnings.push({ code: 'not_bonded', station: '222', mechanism: bond.mechanism, index: bond.index });
  }

  // ---- 236: Al sheet onto the electrolyte (or, not as claimed, onto the cathode)
  let alL = inp.alSheet.layer;
  const onCathode = inp.alSheet.placedOn === 'cathode';
  {
    const st = inp.stations['236'];
    const first = onCathode ? [cat, se] : [se, cat, ...(coll ? [coll] : [])];
    const stack = [alL, ...first];
    const roll = rollStack(st, stack, ctx);
    const bond = adhesionBond(alL.material, first[0]!.material, roll.peakPressure_Pa, st.temperature_K);
    stations.push(stationResult(st, roll, bond, stack));
    alL = after(alL, roll, 0);
    [se, cat, coll] = updateFirst(first, roll, 1, se, cat, coll);
    if (onCathode) warnings.push({ code: 'short_circuit' });
    if (!bond.bonded)
      warnings.push({
        code: 'not_bonded',
        station: '236',
        mechanism: bond.mechanism,
        index: bond.index,
        partner: first[0]!.name,
      });
    if (roll.layers[0]!.yielded)
      warnings.push({ code: 'al_yields', station: '236', peakPressure_Pa: roll.peakPressure_Pa });
  }

  // ---- 240: Li/Cu sheet onto the Al
  const st240 = inp.stations['240'];
  const liFacing = inp.thirdSheet.orientation === 'li_facing_al';
  const liIn = inp.thirdSheet.li;
  let li = liIn;
  let cu = inp.thirdSheet.conductor;
  let s240: StationResult;
  {
    const top = liFacing ? [cu, li] : [li, cu];
    const first = onCathode ? [cat, se] : [se, cat, ...(coll ? [coll] : [])];
    const stack = [...top, alL, ...first];
    const roll = rollStack(st240, stack, ctx);
    const iLi = liFacing ? 1 : 0;
    let bond: BondResult;
    if (liFacing) {
      // real Li/Al contact by Li flow and creep in the nip (continuous); the alloying grows with it
      bond = liAlContact(
        roll.meanPressure_Pa,
        roll.nipTime_s,
        st240.temperature_K,
        inp.line.speed_m_s / roll.contactLength_m,
      );
    } else {
      bond = adhesionBond(cu.material, alL.material, roll.peakPressure_Pa, st240.temperature_K);
      warnings.push({ code: 'li_on_roll' });
    }
    s240 = stationResult(st240, roll, bond, stack);
    stations.push(s240);
    cu = after(cu, roll, liFacing ? 0 : 1);
    li = after(li, roll, iLi);
    alL = after(alL, roll, 2);
    [se, cat, coll] = updateFirst(first, roll, 3, se, cat, coll);
    if (!bond.bonded)
      warnings.push({ code: 'not_bonded', station: '240', mechanism: bond.mechanism, index: bond.index });
  }
  // only where the web spends time (the recipe gives one downstream temperature to both; an unwound web
  // has no storage segment)
  if (inp.line.dwell_s > 0 && inp.line.dwellTemperature_K > liMelting_K())
    warnings.push({ code: 'li_melting', where: 'dwell', temperature_K: inp.line.dwellTemperature_K });
  if (inp.line.storage_s > 0 && inp.line.storageTemperature_K > liMelting_K())
    warnings.push({ code: 'li_melting', where: 'storage', temperature_K: inp.line.storageTemperature_K });

  // ---- alloying downstream
  const wLi = inp.thirdSheet.liMassFraction ?? 1;
  const liSupplied = n(liIn, MOLAR_MASS_LI.value) * wLi;
  const nLi = n(li, MOLAR_MASS_LI.value) * wLi;
  const wAl = inp.alSheet.alMassFraction ?? 1;
  const nAl = n(alL, MOLAR_MASS_AL.value) * wAl;
  const ln = inp.line;
  const kin = alloyKinetics(inp);
  const webLayers = [cu, li, alL, se, cat, ...(coll ? [coll] : [])].map((l) => ({
    material: l.material,
    thickness_m: l.thickness_m,
    porosity: porosityOf(l),
  }));
  const C_A = arealHeatCapacity(webLayers);
  let webT = 0;
  for (const l of webLayers) webT += l.thickness_m;
  const ambient = ln.ambient_K ?? DEFAULT_AMBIENT_K;
  // nip: the metal layers (Cu, Li, Al) follow the heated roll through the contact conductance; the electrolyte
  // and cathode below heat through their thickness from the other roll; they mix at the exit (thermal.ts)
  const metal = webLayers.slice(0, 3);
  const rest = webLayers.slice(3);
  const C_metal = arealHeatCapacity(metal);
  const C_rest = C_A - C_metal;
  const tNip = s240.roll.nipTime_s;
  const tauRest = nipTimeConstant(rest);
  const T_restExit =
    st240.temperature_K - (st240.temperature_K - ambient) * (tauRest > 0 ? Math.exp(-tNip / tauRest) : 0);
  const segments: AlloySegment[] = [
    {
      kind: 'nip',
      duration_s: tNip,
      T_env_K: st240.temperature_K,
      tau_s: C_metal / NIP_CONTACT_CONDUCTANCE,
      heatCapacity_J_m2K: C_metal,
      exitMix: { heatCapacity_J_m2K: C_rest, T_K: T_restExit },
    },
    {
      kind: 'dwell',
      duration_s: ln.dwell_s,
      T_env_K: ln.dwellTemperature_K,
      tau_s: webTimeConstant(C_A, ln.htc_W_m2K ?? 10),
    },
    {
      kind: 'roll',
      duration_s: ln.storage_s,
      T_env_K: ln.storageTemperature_K,
      tau_s: rollTimeConstant(C_A, webT, ln.rollOuterRadius_m ?? 0.15),
    },
  ];
  let alloy: AlloyResult | null = null;
  let alloyInput: LineResult['alloyInput'] = null;
  let final: PhaseAmounts;
  if (liFacing) {
    alloyInput = [nLi, nAl, segments, C_A, ambient, s240.bond.index, kin];
    alloy = (opts?.alloyHistory ?? alloyHistory)(...alloyInput);
    final = alloy.final;
    if (alloy.rejected_mol_m2 > 0)
      warnings.push({
        code: 'li_melting',
        where: 'nip',
        temperature_K: st240.temperature_K,
        liquidFraction: alloy.nipLiquidFraction,
        rejected_mol_m2: alloy.rejected_mol_m2,
      });
    else if (st240.temperature_K > liMelting_K())
      warnings.push({ code: 'li_melting', where: 'nip', temperature_K: st240.temperature_K, liquidFraction: 0 });
    if (alloy.peakT_K > liMelting_K())
      warnings.push({
        code: 'li_melting_in_roll',
        peakTemperature_K: alloy.peakT_K,
        where: alloy.peakSegment,
        adiabaticRise_K: alloy.adiabaticRise_K,
      });
    if (alloy.extent < 1)
      warnings.push({ code: 'alloying_incomplete', extent: alloy.extent, complete_s: alloy.complete_s });
  } else {
    final = unalloyedPhases(nLi, nAl);
    warnings.push({ code: 'no_alloying', reason: 'cu_between' });
  }

  // ---- anode
  // the produced cell's anode fields (produced-cell.ts: the same derivation the production surrogate uses)
  const an = anodeFields(final, nAl, liFacing);
  const alOnly = an.anodePhases;
  const anodeT = an.anodeThickness_m;
  const D = an.anodeD_m2_s;
  const fr = an.phaseFractions;
  const freeLi_m = final.Li * alloyData().V_LI;

  // ---- cracking
  const end = alloy ? alloy.betaEnd : equilibriumPhases(0, nAl);
  const below: CrackLayer[] = (onCathode ? [cat, se] : [se, cat, ...(coll ? [coll] : [])]).map((l) => ({
    material: l.material,
    thickness_m: l.thickness_m,
    porosity: porosityOf(l),
  }));
  const historyTime = segments.reduce((t, g) => t + g.duration_s, 0);
  const crackInput: CrackInput = {
    above: [{ material: cu.material, thickness_m: cu.thickness_m }],
    below,
    nAl_mol_m2: nAl,
    end,
    extent: alloy ? Math.max(alloy.extent, 1e-6) : 1e-6,
    T_form_K: alloy ? alloy.peakT_K : st240.temperature_K,
    formationTime_s: alloy ? Math.min(alloy.complete_s, historyTime) : historyTime,
    webTension_N_per_m: ln.webTension_N_per_m ?? 100,
    coreRadius_m: ln.coreRadius_m ?? 0.0381,
    stackPressure_Pa: ln.stackPressure_Pa ?? 5e6,
    cycleLi_mol_m2: cathodeLi_mol_m2(fs.composite, cat),
    halfCycle_s: HALF_CYCLE_S,
    ...(inp.model?.liAlFractureToughness_Pa_m05 !== undefined
      ? { fractureToughness_Pa_m05: inp.model.liAlFractureToughness_Pa_m05 }
      : {}),
    ...(inp.model?.growthInPlaneFraction !== undefined
      ? { growthInPlaneFraction: inp.model.growthInPlaneFraction }
      : {}),
    ...(inp.model?.creepStrength_Pa !== undefined ? { creepStrength_Pa: inp.model.creepStrength_Pa } : {}),
  };
  const crack = crackRisk(crackInput);

  const firstRole = (l: LayerInput): CellLayer['role'] =>
    l === se ? 'electrolyte' : l === cat ? 'cathode' : 'collector';
  // top (the 240 roll) to bottom, as the sheets entered 240: interposed (the claim), Cu · anode · first sheet;
  // turned over (cu_facing_al), the Li layer faces the roll and the Cu meets the Al: Li · Cu · anode · first sheet
  const cellLayers: CellLayer[] = [
    ...(liFacing
      ? []
      : [{ role: 'li' as const, name: li.name, material: li.material, thickness_m: freeLi_m, porosity: 0 }]),
    { role: 'conductor', name: cu.name, material: cu.material, thickness_m: cu.thickness_m, porosity: 0 },
    { role: 'anode', name: 'anode', material: 'Li-Al', thickness_m: anodeT, porosity: 0 },
    ...(onCathode ? [cat, se] : [se, cat, ...(coll ? [coll] : [])]).map((l) => ({
      role: firstRole(l),
      name: l.name,
      material: l.material,
      thickness_m: l.thickness_m,
      porosity: porosityOf(l),
    })),
  ];
  let cellT = 0;
  for (const l of cellLayers) cellT += l.thickness_m;
  const s222 = stations.find((x) => x.id === '222');
  const bonded236 = stations.find((x) => x.id === '236')!.bond.bonded;
  // one literal per case, not a spread: the station ids are array-index keys, which a spread copies on V8's slow path
  const bondedFlags: ProducedCell['bonded'] = s222
    ? { '222': s222.bond.bonded, '236': bonded236, '240': s240.bond.bonded }
    : { '236': bonded236, '240': s240.bond.bonded };
  // composite volume fractions after densification: the solids keep their proportions, the pores shrink
  const vf = fs.composite.volumeFractions;
  const pCat = porosityOf(cat);
  const anodeLi = an.anodeLi_mol_m2;
  const elongationLi = liIn.thickness_m / li.thickness_m;
  const cf = cathodeFractions(vf, pCat);
  // one object literal with every field named (the fields of cathodeFractions and anodeFields in their order),
  // not spreads: a spread in the middle of a literal adds the rest of its fields one by one, out of the object;
  // the coating (a recipe's: 'none' at least) in the literal, taken out again only for an input without one
  const made: ProducedCell = {
    area_m2: inp.cell.width_m * inp.cell.length_m,
    layers: cellLayers,
    cellThickness_m: cellT,
    cathodeThickness_m: cat.thickness_m,
    cathodePorosity: pCat,
    cathodeActiveFraction: cf.cathodeActiveFraction,
    cathodeElectrolyteFraction: cf.cathodeElectrolyteFraction,
    cathodeCarbonFraction: cf.cathodeCarbonFraction,
    cathodeBinderFraction: cf.cathodeBinderFraction,
    activeMaterialId: fs.composite.activeMaterialId,
    electrolyteId: fs.composite.electrolyteId,
    cathodeParticleRadius_m: fs.composite.particleRadius_m,
    cathodeCoating: fs.composite.coating,
    cathodeCollectorThickness_m: coll ? coll.thickness_m : 0,
    cathodeCollectorMaterialId: coll ? (fs.collectorId ?? null) : null,
    separatorThickness_m: se.thickness_m,
    separatorPorosity: porosityOf(se),
    separatorElectrolyteId: fs.electrolyteId,
    anodeThickness_m: an.anodeThickness_m,
    anodeAl_mol_m2: an.anodeAl_mol_m2,
    anodeLi_mol_m2: an.anodeLi_mol_m2,
    liAlRatio: an.liAlRatio,
    anodePhases: an.anodePhases,
    phaseFractions: an.phaseFractions,
    freeLi_mol_m2: an.freeLi_mol_m2,
    freeLi_m: an.freeLi_m,
    liInventory_mol_m2: an.liInventory_mol_m2,
    anodeD_m2_s: an.anodeD_m2_s,
    anodePorosity: 0,
    anodeCollectorThickness_m: cu.thickness_m,
    anodeCollectorMaterialId: inp.thirdSheet.conductorId,
    bonded: bondedFlags,
    crackRisk: crack.sandwiched.risk,
  };
  // no coating given (a recipe's is 'none' at least): the cell has no cathodeCoating field
  const cell = fs.composite.coating ? made : withoutCathodeCoating(made);

  const soft = s240.roll.softLayer;
  /** Li metal's density, kg m⁻³ (mechanics.json) */
  const liDensity = mechanicalProperties('Li').density.value;
  return {
    stations,
    anode: {
      thickness_m: anodeT,
      diffusivity_m2_s: D,
      complete_s: alloy && Number.isFinite(alloy.complete_s) ? alloy.complete_s : null,
      freeLi_m: liFacing ? freeLi_m : 0,
      alFractions: fr,
      liAlRatio: nAl > 0 ? anodeLi / nAl : null,
      extent: alloy ? alloy.extent : 0,
      liRichExtent: alloy ? alloy.liRichExtent : 0,
      contactFraction: s240.bond.index,
      liInventory_mol_m2: cell.liInventory_mol_m2,
      li_mol_m2: cell.anodeLi_mol_m2,
      al_mol_m2: nAl,
      peakTemperature_K: alloy ? alloy.peakT_K : st240.temperature_K,
      peakWhere: alloy ? alloy.peakSegment : 'nip',
      adiabaticRise_K: alloy ? alloy.adiabaticRise_K : 0,
      openWebPeak_K: null,
      woundPeak_K: null,
      reactionHeat_J_m2: alloy ? alloy.heatTotal_J_m2 : 0,
      reactionHeatFull_J_m2: alloy ? alloy.heatFull_J_m2 : 0,
      nipLiquidFraction: alloy ? alloy.nipLiquidFraction : 0,
      extentAfter: alloy
        ? alloy.extentAfter.map((e) => ({ where: e.kind, extent: e.extent, temperature_K: e.T_end_K }))
        : [],
    },
    ledger: {
      li: {
        supplied_mol_m2: liSupplied,
        elongation: elongationLi,
        anode_mol_m2: anodeLi,
        rejectedToEdges_mol_m2: alloy ? alloy.rejected_mol_m2 : 0,
        onRollSide_mol_m2: liFacing ? 0 : nLi,
        edgeBand_m: soft ? soft.edgeBand_m : 0,
        edgeExtrusion_mol_per_m: soft ? (soft.edgeExtrusion_m2 * liDensity * wLi) / MOLAR_MASS_LI.value : 0,
        entryBead_mol_per_m: soft ? (soft.entryBead_m2 * liDensity * wLi) / MOLAR_MASS_LI.value : 0,
      },
      al: {
        supplied_mol_m2: n(inp.alSheet.layer, MOLAR_MASS_AL.value) * wAl,
        elongation: inp.alSheet.layer.thickness_m / alL.thickness_m,
        anode_mol_m2: alInPhases(alOnly),
      },
    },
    crack,
    crackInput,
    cell,
    warnings,
    alloy,
    alloyInput,
    anodePhases: phaseVolumes(alOnly),
  };
}

/** the cell without its `cathodeCoating` field (the other fields in their order) */
function withoutCathodeCoating(c: ProducedCell): ProducedCell {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) if (k !== 'cathodeCoating') out[k] = v;
  return out as unknown as ProducedCell;
}

/** Same as simulateStations but returns the input problems as a value instead of throwing. */
export function trySimulateStations(
  inp: ProcessInput,
): { ok: true; result: LineResult } | { ok: false; issues: ProcessIssue[] } {
  const issues = validateProcessInput(inp);
  if (issues.length) return { ok: false, issues };
  return { ok: true, result: simulateStations(inp) };
}

/**
 * Claims 3 and 4 evidence: the roll force each Al-bonding station (236, 240) would need, with its roll
 * geometry, temperature and incoming stack, for a permanent reduction `target` of the Al-containing
 * layer (e.g. 0.01 = 1 %). Pure; a few dozen nip solves per station, so it is run once per job, not per
 * production cell.
 */
export function forceForAlReduction(inp: ProcessInput, res: LineResult, target: number): ReductionForce[] {
  const ctx = { speed_m_s: inp.line.speed_m_s, webWidth_m: inp.line.webWidth_m };
  const out: ReductionForce[] = [];
  for (const id of ['236', '240'] as const) {
    const d = res.stations.find((s) => s.id === id);
    const st = inp.stations[id];
    if (!d) continue;
    const iAl = d.stack.findIndex((l) => l.role === 'al');
    if (iAl < 0) continue;
    const f = forceForReduction(st, d.stack, ctx, target, iAl, 1e7);
    if ('force_N' in f)
      out.push({ id, target, force_N: f.force_N, lineLoad_N_per_m: f.force_N / d.roll.contactWidth_m });
    else out.push({ id, target, force_N: null, lineLoad_N_per_m: null, note: f.error });
  }
  return out;
}

/** friction coefficients of the claims 3–4 evidence range (frictionless bound … dry steel on foil, assumption) */
export const EVIDENCE_MU = [0, 0.05, 0.15, 0.3] as const;
/** the seed's upper force (claims 5–6, [0196], [0203]) */
const SEED_MAX_FORCE_N = 500;

/**
 * The job-level evidence the claims cite, computed once per run (not per production cell):
 *  - claims 3–4: the force a 1 % Al reduction needs at 236 and 240 with the recipe's friction (on the
 *    stations) and over μ ∈ {0, 0.05, 0.15, 0.3}, and the web width below which the seed's 500 N would do it
 *    at μ = 0 (the line load scales with 1/width);
 *  - the thermal what-ifs with the fastest plausible kinetics (growth through bulk β, incubation 1 s): every
 *    alloying step after the nip in the open web, or wound at once — safety bounds;
 *  - what claim 1 (alloy formed) and claim 2 (sandwiched cracks less) depend on: verdict scans over the
 *    assumptions' ranges (assumptions.ts).
 */
export function withJobEvidence(inp: ProcessInput, res: LineResult): LineResult {
  const forces = forceForAlReduction(inp, res, 0.01);
  const ranges: LineEvidence['alReduction'] = [];
  /** the μ the recipe gives a station (rolling.ts: DEFAULT_MU when it gives none) */
  const recipeMu = (id: '236' | '240'): number | undefined => {
    const st = inp.stations[id];
    return st ? (st.friction?.mu ?? DEFAULT_MU) : undefined;
  };
  for (const mu of EVIDENCE_MU) {
    // the recipe's own μ at both stations: the forces are those just computed (the same call), not computed again
    const own = (['236', '240'] as const).every((id) => recipeMu(id) === undefined || recipeMu(id) === mu);
    const inpMu: ProcessInput = {
      ...inp,
      stations: Object.fromEntries(
        Object.entries(inp.stations).map(([k, st]) => [k, st ? { ...st, friction: { ...st.friction, mu } } : st]),
      ) as ProcessInput['stations'],
    };
    for (const f of own ? forces : forceForAlReduction(inpMu, res, 0.01)) ranges.push({ mu, ...f });
  }
  const narrowWeb: LineEvidence['narrowWeb'] = [];
  for (const id of ['236', '240'] as const) {
    const f0 = ranges.find((r) => r.id === id && r.mu === 0);
    const st = res.stations.find((s) => s.id === id);
    if (!f0 || !st) continue;
    narrowWeb.push({
      id,
      webWidth_m: f0.force_N !== null ? (st.roll.contactWidth_m * SEED_MAX_FORCE_N) / f0.force_N : null,
    });
  }
  // The alloying what-ifs below change only the kinetics and the segments after the nip: the line's stations, the
  // Li and Al that meet at 240 and the nip segment are the nominal line's (res.alloyInput), so they re-run the
  // history alone, not the line (test/process/line-evidence.test.ts: the same figures as the whole line re-run)
  const nominalHistory = (
    kin: AlloyKinetics,
    dwell: Partial<AlloySegment>,
    roll: Partial<AlloySegment>,
  ): AlloyResult => {
    const [nLi, nAl, [nip, dw, rl, ...more], C_A, T0, contact] = res.alloyInput!;
    if (!nip || !dw || !rl || more.length) throw new Error('withJobEvidence: the history must be nip, dwell, roll');
    return alloyHistory(nLi, nAl, [nip, { ...dw, ...dwell }, { ...rl, ...roll }], C_A, T0, contact, kin);
  };
  // thermal bounds with the fastest plausible kinetics: every step after the nip in the open web at ambient, or
  // wound at once (no alloying: the nip's temperature, as the line reports it)
  const fast = alloyKinetics({
    ...inp,
    model: { ...inp.model, alloyDRef_m2_s: growthDRangeRT()[1], incubationRT_s: 1 },
  });
  const long = days(30);
  const amb = inp.line.ambient_K ?? DEFAULT_AMBIENT_K;
  const openWebPeak = res.alloyInput
    ? nominalHistory(fast, { duration_s: long, T_env_K: amb }, { duration_s: 0 }).peakT_K
    : res.anode.peakTemperature_K;
  const woundPeak = res.alloyInput
    ? nominalHistory(fast, { duration_s: 0 }, { duration_s: long }).peakT_K
    : res.anode.peakTemperature_K;
  // claim 2: sandwiched cracks less than free-standing; claim 1: an alloy forms (≥ 1 % of the Al)
  const c = res.crackInput;
  const crackHolds = (patch: Partial<CrackInput>): boolean => {
    const r = crackRisk({ ...c, ...patch });
    return r.sandwiched.ratio < r.free_standing.ratio;
  };
  const prodK = crackToughness(c);
  const dRange = growthDRangeRT();
  const alloyed = (a: LineResult): number => 1 - a.anode.alFractions.Al;
  const depends: VerdictDependence[] = [
    verdictOverRange(
      {
        id: 'growthInPlaneFraction',
        label: 'in-plane share of the alloy growth strain',
        unit: '1',
        value: c.growthInPlaneFraction ?? GROWTH_IN_PLANE_FRACTION,
        range: [0, 1],
        scale: 'linear',
        source: 'assumption (cracking.ts)',
      },
      (v) => crackHolds({ growthInPlaneFraction: v }),
    ),
    verdictOverRange(
      {
        id: 'liAlFractureToughness',
        label: 'Li–Al fracture toughness',
        unit: 'Pa m^0.5',
        value: prodK,
        range: [0.5e6, 2e6],
        scale: 'log',
        source: 'assumption (mechanics.ts; li-al.json β mechanics 0.5–2 MPa√m)',
      },
      (v) => crackHolds({ fractureToughness_Pa_m05: v }),
    ),
    verdictOverRange(
      {
        id: 'creepStrength',
        label: 'creep strength of the alloy at 1e-6 s⁻¹',
        unit: 'Pa',
        value: c.creepStrength_Pa ?? CREEP_STRENGTH_PA,
        range: [5e6, 80e6],
        scale: 'log',
        source: 'assumption (cracking.ts)',
      },
      (v) => crackHolds({ creepStrength_Pa: v }),
    ),
  ];
  const dDefault = alloyKinetics(inp).dRef_m2_s ?? alloyData().D_REF_M2_S;
  const growthD: VerdictDependence = verdictOverRange(
    {
      id: 'alloyGrowthD',
      label: 'effective Li–Al growth diffusivity at 25 °C',
      unit: 'm^2 s^-1',
      value: dDefault,
      range: dRange,
      scale: 'log',
      source: 'li-al.json: measured 150 °C growth rate (Pereira-Ramos 1986) … bulk β D (Wen 1979, Ea assumed)',
    },
    // the default is the nominal line itself; no alloying (the Cu between): none at any D
    (v) =>
      (v === dDefault || !res.alloyInput
        ? alloyed(res)
        : 1 - alFractions(nominalHistory({ ...alloyKinetics(inp), dRef_m2_s: v }, {}, {}).final).Al) >= 0.01,
    5,
  );
  return {
    ...res,
    stations: res.stations.map((s) => {
      const f = forces.find((x) => x.id === s.id);
      return f ? { ...s, alReduction: f } : s;
    }),
    anode: { ...res.anode, openWebPeak_K: openWebPeak, woundPeak_K: woundPeak },
    evidence: { alReduction: ranges, narrowWeb, claim2DependsOn: depends, alloyFormedDependsOn: [growthD] },
  };
}
