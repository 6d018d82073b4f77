/**
 * The three roll gaps of FIG. 2 (US 2025/0266422 A1, [0184]–[0207]) and what happens after them:
 * station 222 (optional in-situ lamination of the first composite sheet), carrier check (claim 10, [0192]),
 * station 236 (Al-containing sheet onto the electrolyte), station 240 (Li-on-Cu sheet onto the Al, optionally
 * heated), then prelithiation (alloying.ts) with its heat (thermal.ts) and the crack assessment (cracking.ts).
 *
 * `simulateStations` returns the CONTRACT `line` block and an SI `ProducedCell`. Pure and deterministic.
 */
import type { LineBlock, StationBlock } from '../contract.ts';
import {
  LI_AL_PHASES,
  MOLAR_MASS_AL,
  MOLAR_MASS_LI,
  mechanicalProperties,
  MECHANICAL_IDS,
} from '../materials/mechanics.ts';
import { ZERO_CELSIUS_K } from '../materials/constants.ts';
import { forceForReduction, rollStack, type RollResult } from './rolling.ts';
import { adhesionBond, coldWeldLi, type BondResult } from './bonding.ts';
import {
  alFractions,
  alloyHistory,
  anodeDiffusivity,
  anodeThickness,
  equilibriumPhases,
  liInPhases,
  liInventory,
  phaseVolumes,
  type AlloyResult,
  type PhaseAmounts,
} from './alloying.ts';
import { arealHeatCapacity, LI_MELTING_K, rollTimeConstant, webTimeConstant } from './thermal.ts';
import { crackRisk, type CrackConfigResult, type CrackLayer } from './cracking.ts';
import {
  ProcessInputError,
  type LayerInput,
  type ProcessInput,
  type ProcessIssue,
  type CellLayer,
  type ProcessWarning,
  type ProducedCell,
  type StationId,
  type StationInput,
} from './types.ts';

const um = (m: number): number => m * 1e6;
const toC = (K: number): number => K - ZERO_CELSIUS_K;
const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export interface StationDetail {
  roll: RollResult;
  bond: BondResult;
  /** the layers as they entered the nip (top roll first) */
  stack?: readonly LayerInput[];
}

export interface ProcessResult {
  line: LineBlock;
  cell: ProducedCell;
  warnings: ProcessWarning[];
  detail: {
    stations: Partial<Record<StationId, StationDetail>>;
    alloy: AlloyResult | null;
    anodePhases: { phase: string; n_mol_m2: number; Vm_m3_mol: number }[];
    crack: { sandwiched: CrackConfigResult; free_standing: CrackConfigResult };
  };
}

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
  const wLi = inp.thirdSheet?.liMassFraction;
  if (wLi !== undefined && !(wLi > 0 && wLi <= 1))
    issues.push({ path: 'thirdSheet.liMassFraction', message: 'must be in (0, 1]', value: wLi, allowed: '0 < w ≤ 1' });
  const al = inp.alSheet;
  if (al && al.form === 'particles_binder' && al.carrier && al.carrier.removedBefore236 !== true) {
    issues.push({
      path: 'alSheet.carrier.removedBefore236',
      message:
        'the plastic carrier of the Al-particle sheet must be peeled off before station 236 (claim 10, [0192]); roll-bonding it on puts the film between Al and electrolyte',
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

function stationBlock(
  st: StationInput,
  roll: RollResult,
  bond: BondResult,
  firstSheet: ReadonlySet<string>,
): StationBlock {
  const liIdx = roll.layers.findIndex((l) => l.material === 'Li');
  const alIdx = roll.layers.findIndex((l) => l.material.startsWith('Al'));
  const comp = roll.layers.filter((l) => l.mode === 'compaction');
  let solids = 0;
  let total = 0;
  for (const c of comp) {
    solids += c.thickness_out_m * (1 - c.porosity_out);
    total += c.thickness_out_m;
  }
  return {
    id: st.id,
    force_N: st.force_N,
    temperature_C: r6(toC(st.temperature_K)),
    peak_pressure_MPa: r6(roll.peakPressure_Pa / 1e6),
    bonded: bond.bonded,
    layers: roll.layers.map((l) => ({
      name: l.name,
      thickness_in_um: r6(um(l.thickness_in_m)),
      thickness_out_um: r6(um(l.thickness_out_m)),
      reduction_pct: r6(l.reduction * 100),
      yielded: l.yielded,
      deformation: l.mode,
      ...(l.mode === 'compaction'
        ? { porosity_in_pct: r6(l.porosity_in * 100), porosity_out_pct: r6(l.porosity_out * 100) }
        : {}),
    })),
    mean_pressure_MPa: r6(roll.meanPressure_Pa / 1e6),
    contact_length_mm: r6(roll.contactLength_m * 1e3),
    contact_width_mm: r6(roll.contactWidth_m * 1e3),
    line_load_N_per_mm: r6(roll.lineLoad_N_per_m / 1e3),
    roll_flattening: r6(roll.flattening),
    nip_time_ms: r6(roll.nipTime_s * 1e3),
    reduction_pct: r6(roll.totalReduction * 100),
    porosity_after_pct: total > 0 ? r6((1 - solids / total) * 100) : null,
    bond_mechanism: bond.mechanism,
    bond_strength_MPa: r6(bond.strength_Pa / 1e6),
    bond_index: r6(bond.index),
    al_reduction_pct: alIdx >= 0 ? r6(roll.layers[alIdx]!.reduction * 100) : null,
    first_sheet_reduction_pct: firstSheetReduction(roll, firstSheet),
    li_yields: liIdx >= 0 ? roll.layers[liIdx]!.yielded : null,
    al_yields: alIdx >= 0 ? roll.layers[alIdx]!.yielded : null,
  };
}

/** permanent thickness reduction of the first composite sheet (electrolyte + cathode + collector), % */
function firstSheetReduction(roll: RollResult, firstSheet: ReadonlySet<string>): number {
  let hin = 0;
  let hout = 0;
  for (const l of roll.layers) {
    if (firstSheet.has(l.name)) {
      hin += l.thickness_in_m;
      hout += l.thickness_out_m;
    }
  }
  return hin > 0 ? r6(((hin - hout) / hin) * 100) : 0;
}

const n = (l: LayerInput, M: number): number =>
  (mechanicalProperties(l.material).density.value * l.thickness_m * (1 - porosityOf(l))) / M;

// ------------------------------------------------------------------------------------ main
/** Run 222 (if in situ) → carrier check → 236 → 240 → alloying → cracking. Throws ProcessInputError on bad input. */
export function simulateStations(inp: ProcessInput): ProcessResult {
  const issues = validateProcessInput(inp);
  if (issues.length) throw new ProcessInputError(issues);
  const warnings: ProcessWarning[] = [];
  const ctx = { speed_m_s: inp.line.speed_m_s, webWidth_m: inp.line.webWidth_m };
  const details: Partial<Record<StationId, StationDetail>> = {};
  const blocks: StationBlock[] = [];
  const fs = inp.firstSheet;
  const firstNames: ReadonlySet<string> = new Set([
    fs.cathode.name,
    fs.electrolyte.name,
    ...(fs.collector ? [fs.collector.name] : []),
  ]);
  let se = fs.electrolyte;
  let cat = fs.cathode;
  let coll = fs.collector;

  // ---- 222: SE on cathode (+ Al collector)
  if (fs.inSitu && inp.stations['222']) {
    const st = inp.stations['222'];
    const stack = coll ? [se, cat, coll] : [se, cat];
    const roll = rollStack(st, stack, ctx);
    const bond = adhesionBond(se.material, cat.material, roll.peakPressure_Pa, st.temperature_K);
    details['222'] = { roll, bond };
    blocks.push(stationBlock(st, roll, bond, firstNames));
    se = after(se, roll, 0);
    cat = after(cat, roll, 1);
    if (coll) coll = after(coll, roll, 2);
    if (!bond.bonded)
      warnings.push({
        code: 'not_bonded',
        message: `station 222: electrolyte–cathode contact fraction ${bond.index.toFixed(3)} below the lamination threshold`,
      });
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
    details['236'] = { roll, bond, stack };
    blocks.push(stationBlock(st, roll, bond, firstNames));
    alL = after(alL, roll, 0);
    [se, cat, coll] = updateFirst(first, roll, 1, se, cat, coll);
    if (onCathode)
      warnings.push({
        code: 'short_circuit',
        message:
          'Al sheet placed on the cathode layer: the Li–Al anode touches the cathode with no electrolyte between (claim 1 places it on the electrolyte)',
      });
    if (!bond.bonded)
      warnings.push({
        code: 'not_bonded',
        message: `station 236: Al–${first[0]!.name} contact fraction ${bond.index.toFixed(3)} below the lamination threshold`,
      });
    if (roll.layers[0]!.yielded)
      warnings.push({
        code: 'al_yields',
        message: `station 236: the Al sheet yields (peak ${(roll.peakPressure_Pa / 1e6).toFixed(1)} MPa)`,
      });
  }

  // ---- 240: Li/Cu sheet onto the Al
  const st240 = inp.stations['240'];
  const liFacing = inp.thirdSheet.orientation === 'li_facing_al';
  let li = inp.thirdSheet.li;
  let cu = inp.thirdSheet.conductor;
  {
    const top = liFacing ? [cu, li] : [li, cu];
    const first = onCathode ? [cat, se] : [se, cat, ...(coll ? [coll] : [])];
    const stack = [...top, alL, ...first];
    const roll = rollStack(st240, stack, ctx);
    const iLi = liFacing ? 1 : 0;
    const liRes = roll.layers[iLi]!;
    let bond: BondResult;
    if (liFacing) {
      bond = coldWeldLi(
        liRes.reduction,
        roll.meanPressure_Pa,
        liRes.flowStress_Pa,
        st240.temperature_K,
        inp.alSheet.surface,
      );
    } else {
      bond = adhesionBond(cu.material, alL.material, roll.peakPressure_Pa, st240.temperature_K);
      warnings.push({
        code: 'li_on_roll',
        message:
          'third sheet turned over: Li faces the roll (sticks to bare rolls) and Cu separates Li from Al — no prelithiation (claim 1 requires Li facing the Al)',
      });
    }
    details['240'] = { roll, bond, stack };
    blocks.push(stationBlock(st240, roll, bond, firstNames));
    cu = after(cu, roll, liFacing ? 0 : 1);
    li = after(li, roll, iLi);
    alL = after(alL, roll, 2);
    [se, cat, coll] = updateFirst(first, roll, 3, se, cat, coll);
    if (liRes.reduction > 0 && liRes.mode !== 'liquid') {
      warnings.push({
        code: 'li_displaced',
        message: `station 240: Li thinned ${(liRes.reduction * 100).toFixed(2)} % while Cu and Al stay elastic; the displaced Li (${um(liRes.thickness_in_m - liRes.thickness_out_m).toFixed(3)} µm) must extrude backwards or to the web edges (edge bead)`,
      });
    }
    if (liRes.mode === 'liquid')
      warnings.push({
        code: 'li_melting',
        message: `station 240 at ${toC(st240.temperature_K).toFixed(1)} °C ≥ 180.5 °C: Li is liquid in the nip and is squeezed out (Stefan squeeze film) to ${um(liRes.thickness_out_m).toFixed(3)} µm`,
      });
    if (!bond.bonded)
      warnings.push({
        code: 'not_bonded',
        message: `station 240: ${bond.mechanism} criterion not met (index ${bond.index.toFixed(3)})`,
      });
  }
  for (const [id, st] of [
    ['222', inp.stations['222']],
    ['236', inp.stations['236']],
    ['240', st240],
  ] as const) {
    if (!st || (id === '222' && !fs.inSitu)) continue;
    if (st.temperature_K > LI_MELTING_K && id === '240') {
      if (!warnings.some((w) => w.code === 'li_melting'))
        warnings.push({
          code: 'li_melting',
          message: `station 240 heated to ${toC(st.temperature_K).toFixed(1)} °C > 180.5 °C (Li melting point)`,
        });
    }
    if (id !== '222' && (st.force_N < 150 || st.force_N > 500))
      warnings.push({
        code: 'out_of_window',
        message: `stations.${id}.force_N = ${st.force_N} N outside the seed's 150–500 N ([0196], [0203])`,
      });
    if (id === '240' && (toC(st.temperature_K) < 30 || toC(st.temperature_K) > 200))
      warnings.push({
        code: 'out_of_window',
        message: `stations.240 temperature ${toC(st.temperature_K).toFixed(1)} °C outside the seed's 30–200 °C ([0204])`,
      });
  }

  if (inp.line.dwellTemperature_K > LI_MELTING_K)
    warnings.push({
      code: 'li_melting',
      message: `line.dwellTemperature ${toC(inp.line.dwellTemperature_K).toFixed(1)} °C > 180.5 °C (Li melting point)`,
    });
  if (inp.line.storageTemperature_K > LI_MELTING_K)
    warnings.push({
      code: 'li_melting',
      message: `line.storageTemperature ${toC(inp.line.storageTemperature_K).toFixed(1)} °C > 180.5 °C (Li melting point)`,
    });

  // ---- alloying downstream
  const nLi = n(li, MOLAR_MASS_LI.value) * (inp.thirdSheet.liMassFraction ?? 1);
  const nAl = n(alL, MOLAR_MASS_AL.value);
  const bonded240 = details['240']!.bond.bonded;
  const ln = inp.line;
  const kin = {
    ...(inp.model?.alloyDRef_m2_s !== undefined ? { dRef_m2_s: inp.model.alloyDRef_m2_s } : {}),
    ...(inp.model?.alloyEa_J_mol !== undefined ? { ea_J_mol: inp.model.alloyEa_J_mol } : {}),
  };
  const webLayers = [cu, li, alL, se, cat, ...(coll ? [coll] : [])].map((l) => ({
    material: l.material,
    thickness_m: l.thickness_m,
    porosity: porosityOf(l),
  }));
  const C_A = arealHeatCapacity(webLayers);
  let webT = 0;
  for (const l of webLayers) webT += l.thickness_m;
  let alloy: AlloyResult | null = null;
  let thermalWhatIf: { openWebPeak_K: number; woundPeak_K: number } | null = null;
  let final: PhaseAmounts;
  if (liFacing && bonded240) {
    alloy = alloyHistory(
      nLi,
      nAl,
      [
        { kind: 'nip', duration_s: details['240']!.roll.nipTime_s, T_env_K: st240.temperature_K, tau_s: 0 },
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
      ],
      C_A,
      st240.temperature_K,
      kin,
    );
    final = alloy.final;
    // what-if bounds for safety: everything after the nip in the open web (held by convection) vs wound at once
    const tNip = details['240']!.roll.nipTime_s;
    const nip = { kind: 'nip' as const, duration_s: tNip, T_env_K: st240.temperature_K, tau_s: 0 };
    const long = Math.max(10 * alloy.complete_s, 3600);
    const openWeb = alloyHistory(
      nLi,
      nAl,
      [
        nip,
        {
          kind: 'dwell',
          duration_s: long,
          T_env_K: ln.ambient_K ?? 298.15,
          tau_s: webTimeConstant(C_A, ln.htc_W_m2K ?? 10),
        },
      ],
      C_A,
      st240.temperature_K,
      kin,
    );
    const wound = alloyHistory(
      nLi,
      nAl,
      [
        nip,
        {
          kind: 'roll',
          duration_s: long,
          T_env_K: ln.storageTemperature_K,
          tau_s: rollTimeConstant(C_A, webT, ln.rollOuterRadius_m ?? 0.15),
        },
      ],
      C_A,
      st240.temperature_K,
      kin,
    );
    thermalWhatIf = { openWebPeak_K: openWeb.peakT_K, woundPeak_K: wound.peakT_K };
    if (alloy.peakT_K > LI_MELTING_K) {
      warnings.push({
        code: 'li_melting_in_roll',
        message: `reaction heat raises the web to ${toC(alloy.peakT_K).toFixed(1)} °C in the ${alloy.peakSegment} (> 180.5 °C, Li melts; adiabatic rise ${alloy.adiabaticRise_K.toFixed(0)} K)`,
      });
    }
    if (alloy.extent < 1)
      warnings.push({
        code: 'alloying_incomplete',
        message: `alloying ${(alloy.extent * 100).toFixed(1)} % complete at the end of storage; complete after ${alloy.complete_s.toFixed(0)} s`,
      });
  } else {
    final = { Al: nAl, alpha: 0, xAlpha: 0, LiAl: 0, xBeta: 1, Li3Al2: 0, Li9Al4: 0, Li: nLi };
    warnings.push({
      code: 'no_alloying',
      message: liFacing
        ? 'Li–Al interface not bonded at station 240: no metallic contact, no prelithiation'
        : 'Cu between Li and Al: no prelithiation',
    });
  }

  // ---- anode
  const alOnly: PhaseAmounts = liFacing ? final : { ...final, Li: 0 };
  const anodeT = anodeThickness(alOnly);
  const D = anodeDiffusivity(alOnly, 298.15, kin);
  const fr = alFractions(alOnly);
  const freeLi_m = final.Li * LI_AL_PHASES.Li.molarVolume.value;
  const claimD = D * 1e4;
  if (anodeT < 10e-6 || anodeT > 100e-6)
    warnings.push({
      code: 'out_of_window',
      message: `anode thickness ${um(anodeT).toFixed(2)} µm outside claim 12's 10–100 µm`,
    });
  if (claimD < 1e-14 || claimD > 1e-7)
    warnings.push({
      code: 'out_of_window',
      message: `anode Li diffusivity ${claimD.toExponential(2)} cm²/s outside the seed's 1e-14–1e-7 cm²/s ([0120])`,
    });

  // ---- cracking
  const end = alloy ? alloy.end : equilibriumPhases(0, nAl);
  const below: CrackLayer[] = (onCathode ? [cat, se] : [se, cat, ...(coll ? [coll] : [])]).map((l) => ({
    material: l.material,
    thickness_m: l.thickness_m,
    porosity: porosityOf(l),
  }));
  const crack = crackRisk({
    above: [{ material: cu.material, thickness_m: cu.thickness_m }],
    below,
    nAl_mol_m2: nAl,
    end,
    extent: alloy ? Math.max(alloy.extent, 1e-6) : 1e-6,
    T_form_K: alloy ? alloy.peakT_K : st240.temperature_K,
    webTension_N_per_m: ln.webTension_N_per_m ?? 100,
    coreRadius_m: ln.coreRadius_m ?? 0.0381,
    stackPressure_Pa: ln.stackPressure_Pa ?? 5e6,
    ...(inp.model?.liAlFractureToughness_Pa_m05 !== undefined
      ? { fractureToughness_Pa_m05: inp.model.liAlFractureToughness_Pa_m05 }
      : {}),
    ...(inp.model?.growthInPlaneFraction !== undefined
      ? { growthInPlaneFraction: inp.model.growthInPlaneFraction }
      : {}),
  });

  const firstRole = (l: LayerInput): CellLayer['role'] =>
    l === se ? 'electrolyte' : l === cat ? 'cathode' : 'collector';
  const cellLayers: CellLayer[] = [
    { role: 'conductor', name: cu.name, material: cu.material, thickness_m: cu.thickness_m, porosity: 0 },
    { role: 'anode', name: 'anode', material: 'Li-Al', thickness_m: anodeT, porosity: 0 },
    ...(liFacing
      ? []
      : [{ role: 'li' as const, name: li.name, material: li.material, thickness_m: freeLi_m, porosity: 0 }]),
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
  const bondedFlags = {
    ...(details['222'] ? { '222': details['222'].bond.bonded } : {}),
    '236': details['236']!.bond.bonded,
    '240': details['240']!.bond.bonded,
  };
  // composite volume fractions after densification: the solids keep their proportions, the pores shrink
  const vf = fs.composite.volumeFractions;
  const pCat = porosityOf(cat);
  const kDense = (1 - pCat) / (1 - vf.pores);
  const anodeLi = liFacing ? liInPhases(final) : 0;
  const cell: ProducedCell = {
    area_m2: inp.cell.width_m * inp.cell.length_m,
    layers: cellLayers,
    cellThickness_m: cellT,
    cathodeThickness_m: cat.thickness_m,
    cathodePorosity: pCat,
    cathodeActiveFraction: vf.active * kDense,
    cathodeElectrolyteFraction: vf.electrolyte * kDense,
    cathodeCarbonFraction: vf.conductive * kDense,
    cathodeBinderFraction: 1 - pCat - (vf.active + vf.electrolyte + vf.conductive) * kDense,
    activeMaterialId: fs.composite.activeMaterialId,
    electrolyteId: fs.composite.electrolyteId,
    cathodeParticleRadius_m: fs.composite.particleRadius_m,
    ...(fs.composite.coating ? { cathodeCoating: fs.composite.coating } : {}),
    cathodeCollectorThickness_m: coll ? coll.thickness_m : 0,
    cathodeCollectorMaterialId: coll ? (fs.collectorId ?? null) : null,
    separatorThickness_m: se.thickness_m,
    separatorPorosity: porosityOf(se),
    separatorElectrolyteId: fs.electrolyteId,
    anodeThickness_m: anodeT,
    anodePorosity: 0,
    anodeAl_mol_m2: nAl,
    anodeLi_mol_m2: anodeLi,
    liAlRatio: nAl > 0 ? anodeLi / nAl : 0,
    anodePhases: { ...alOnly },
    phaseFractions: fr,
    freeLi_mol_m2: liFacing ? final.Li : 0,
    freeLi_m: liFacing ? freeLi_m : 0,
    liInventory_mol_m2: liFacing ? liInventory(final) : 0,
    anodeD_m2_s: D,
    anodeCollectorThickness_m: cu.thickness_m,
    anodeCollectorMaterialId: inp.thirdSheet.conductorId,
    bonded: bondedFlags,
    crackRisk: crack.sandwiched.risk,
  };

  const cr = (c: CrackConfigResult): Record<string, unknown> & { risk: number } => ({
    risk: r6(c.risk),
    energy_release_J_m2: r6(c.G_J_m2),
    toughness_J_m2: r6(c.Gamma_J_m2),
    stress_MPa: r6(c.sigma_max_Pa / 1e6),
    mode: c.mode,
    Z: r6(c.Z),
    critical_extent: r6(c.critical_extent),
    crack_spacing_um: c.crack_spacing_m === null ? null : r6(um(c.crack_spacing_m)),
    crack_density_per_mm: r6(c.crack_density_per_m / 1e3),
    isolated_fraction: c.isolated_fraction,
  });
  const line: LineBlock = {
    stations: blocks,
    anode: {
      thickness_um: r6(um(anodeT)),
      li_diffusivity_cm2_s: claimD,
      alloying_complete_s: alloy ? r6(alloy.complete_s) : -1,
      free_li_um: r6(um(liFacing ? freeLi_m : 0)),
      al_fractions: { Al: r6(fr.Al), LiAl: r6(fr.LiAl), Li3Al2: r6(fr.Li3Al2), Li9Al4: r6(fr.Li9Al4) },
      li_al_molar_ratio: nAl > 0 ? r6(nLi / nAl) : null,
      alloying_extent: alloy ? r6(alloy.extent) : 0,
      li_inventory_mol_m2: r6(cell.liInventory_mol_m2),
      li_in_anode_mol_m2: r6(cell.anodeLi_mol_m2),
      al_mol_m2: r6(nAl),
      peak_temperature_C: alloy ? r6(toC(alloy.peakT_K)) : r6(toC(st240.temperature_K)),
      peak_temperature_where: alloy ? alloy.peakSegment : 'nip',
      adiabatic_rise_K: alloy ? r6(alloy.adiabaticRise_K) : 0,
      open_web_peak_C: thermalWhatIf ? r6(toC(thermalWhatIf.openWebPeak_K)) : null,
      wound_at_once_peak_C: thermalWhatIf ? r6(toC(thermalWhatIf.woundPeak_K)) : null,
      reaction_heat_J_m2: alloy ? r6(alloy.heatTotal_J_m2) : 0,
      extent_after: alloy
        ? alloy.extentAfter.map((e) => ({ where: e.kind, extent: r6(e.extent), temperature_C: r6(toC(e.T_end_K)) }))
        : [],
    },
    crack: { sandwiched: cr(crack.sandwiched), free_standing: cr(crack.free_standing) },
    warnings: warnings.map((w) => ({ ...w })),
  };
  return { line, cell, warnings, detail: { stations: details, alloy, anodePhases: phaseVolumes(alOnly), crack } };
}

/** Same as simulateStations but returns the input problems as a value instead of throwing. */
export function trySimulateStations(
  inp: ProcessInput,
): { ok: true; result: ProcessResult } | { ok: false; issues: ProcessIssue[] } {
  const issues = validateProcessInput(inp);
  if (issues.length) return { ok: false, issues };
  return { ok: true, result: simulateStations(inp) };
}

/** the force a target Al reduction needs at one station */
export interface ReductionForce {
  id: '236' | '240';
  target_pct: number;
  /** null when no force below 10 MN reaches the target (see note) */
  force_N: number | null;
  line_load_N_per_mm: number | null;
  note?: string;
}

/**
 * Claims 3 and 4 evidence: the roll force each Al-bonding station (236, 240) would need, with its roll
 * geometry, temperature and incoming stack, for a permanent reduction `target` of the Al-containing
 * layer (e.g. 0.01 = 1 %). Pure; a few dozen nip solves per station, so it is run once per job, not per
 * production cell.
 */
export function forceForAlReduction(inp: ProcessInput, res: ProcessResult, target: number): ReductionForce[] {
  const ctx = { speed_m_s: inp.line.speed_m_s, webWidth_m: inp.line.webWidth_m };
  const out: ReductionForce[] = [];
  for (const id of ['236', '240'] as const) {
    const d = res.detail.stations[id];
    const st = inp.stations[id];
    if (!d?.stack) continue;
    const iAl = d.stack.findIndex((l) => l.material.startsWith('Al'));
    if (iAl < 0) continue;
    const f = forceForReduction(st, d.stack, ctx, target, iAl, 1e7);
    if ('force_N' in f)
      out.push({
        id,
        target_pct: target * 100,
        force_N: r6(f.force_N),
        line_load_N_per_mm: r6(f.force_N / (d.roll.contactWidth_m * 1e3)),
      });
    else out.push({ id, target_pct: target * 100, force_N: null, line_load_N_per_mm: null, note: f.error });
  }
  return out;
}
