/**
 * Literature check of the all-solid-state cell models (issue 5): the seed's example cell as the line
 * produces it from examples/patent-line.yaml (the `rollcell run` path; its first cycle, plating and rate
 * capability against their literature ranges are in scripts/validate-cell.ts; plus the older hand-entered
 * cell for comparison) and published Li–Al / Al-anode sulfide ASSB cells from
 * /work/shared/data/li-al-ssb-datasheet.md (§1.1, §7). Prints a table; `validateSsb()` returns the rows.
 * Comparisons that cannot fail are not made (issue 15, review F13): the Li–Al plateau is not checked against
 * the formula it is built from, an "expected" voltage built from this model's own anode OCP is not a
 * published value, and P1's loading is not a delivered capacity — those rows are shown without a verdict.
 * Published figures, their DOIs and where they stand (or that they were not found) live in
 * src/electrochem/ssb/literature.ts; a figure without a published value is printed but not compared.
 *
 * Run: node --import tsx scripts/validate-ssb.ts
 *
 * Which inputs are published and which are assumed is stated per case in `inputs`. A row passes when
 * |sim − published|/published ≤ tolerance (5 % for capacity/voltage/retention).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { liAlOcp } from '../src/materials/ocp/index.ts';
import { toCelsius } from '../src/units/index.ts';
import { parseRecipeText, formatProblem } from '../src/recipe/index.ts';
import { designCell } from '../src/design/index.ts';
import { runLine } from '../src/pipeline.ts';
import { operatingConditions } from '../src/process/from-recipe.ts';
import type { ProducedCell } from '../src/process/types.ts';
import { createSsbModel } from '../src/electrochem/ssb/index.ts';
import { getMaterial } from '../src/materials/library.ts';
import { runExperiment, firstCycleProtocolStrings, cycleMetrics, firstCycleSummary } from '../src/cycler/index.ts';
import { cite, NCM811_VS_LI, P1, P2, P3 } from '../src/electrochem/ssb/literature.ts';
import { daeRunner } from '../src/cycler/step-engines.ts';
import { cycleAgeing, firstCycle, runCycle } from '../src/cycler/protocols.ts';
import { SsbP2D } from '../src/electrochem/ssb/p2d.ts';
import {
  MOLAR_VOLUME,
  patentExampleParams,
  ssbParamsFromProducedCell,
  volumeFractionsFromWeights,
  withParams,
  patentExampleCell,
  type SsbCellParams,
} from '../src/electrochem/ssb/params.ts';
import { createSpme } from '../src/electrochem/ssb/spme.ts';
import { recordBenchmark } from './benchmarks.ts';

export interface ValidationRow {
  readonly case: string;
  readonly quantity: string;
  readonly simulated: number;
  readonly published: number | null;
  readonly unit: string;
  readonly tolerance: string;
  readonly pass: boolean | null;
  readonly source: string;
  readonly inputs: string;
}

const F = 96485.33212;

function row(
  c: string,
  quantity: string,
  simulated: number,
  published: number | null,
  unit: string,
  relTol: number | null,
  absTol: number | null,
  source: string,
  inputs: string,
): ValidationRow {
  let pass: boolean | null = null;
  let tolerance = '—';
  if (published !== null) {
    if (relTol !== null) {
      pass = Math.abs(simulated - published) <= relTol * Math.abs(published);
      tolerance = `±${(relTol * 100).toFixed(0)} %`;
    } else if (absTol !== null) {
      pass = Math.abs(simulated - published) <= absTol;
      tolerance = `±${absTol} ${unit}`;
    }
  }
  return { case: c, quantity, simulated, published, unit, tolerance, pass, source, inputs };
}

/** a NCM811-type composite cathode cell with a Li_xAl anode sized for the given areal capacity */
export function liAlCell(opts: {
  areal_mAh_cm2: number;
  xLiAl0: number;
  xLiAlMax: number;
  particleRadius_m: number;
  stackPressure_Pa: number;
  seSigma_S_m?: number;
  separator_m: number;
  anodeD_m2_s: number;
  cathodeDs_m2_s?: number;
  /** cathode active material (default NCM811) and its density / molar mass (DS §4.1) */
  active?: { id: string; density: number; molarMass: number };
  /** fixed Al foil thickness (m) instead of sizing the Al for xLiAl0 → xLiAlMax */
  al_m?: number;
}): SsbCellParams {
  const act = opts.active ?? { id: 'NCM811', density: 4780, molarMass: 0.09728 };
  const vf = volumeFractionsFromWeights(
    { active: 0.75, electrolyte: 0.2, carbon: 0.03, binder: 0.02 },
    { active: act.density, electrolyte: 1865, carbon: 1900, binder: 1780 },
    0.1,
  );
  // thickness from the areal capacity: practical 0.70 Li per formula unit between 3.0 and 4.3 V vs Li
  // (≈ 193 mAh/g; the OCP table's window) — assumption used only to size the electrode
  const cmax = act.density / act.molarMass;
  const qPerM2 = opts.areal_mAh_cm2 * 36000; // C m⁻² (1 mAh cm⁻² = 36 000 C m⁻²)
  const L = qPerM2 / (vf.active * cmax * F * 0.7);
  const liMoved = qPerM2 / F;
  const al = opts.al_m !== undefined ? opts.al_m / MOLAR_VOLUME.Al : liMoved / (opts.xLiAlMax - opts.xLiAl0);
  const cell: ProducedCell = {
    ...patentExampleCell(),
    area_m2: 1e-4,
    cathodeThickness_m: L,
    separatorThickness_m: opts.separator_m,
    anodeThickness_m: al * (MOLAR_VOLUME.Al + opts.xLiAl0 * (MOLAR_VOLUME.LiAl - MOLAR_VOLUME.Al)),
    cathodeActiveFraction: vf.active,
    cathodeElectrolyteFraction: vf.electrolyte,
    cathodeCarbonFraction: vf.carbon,
    cathodeBinderFraction: vf.binder,
    cathodePorosity: vf.porosity,
    activeMaterialId: act.id,
    electrolyteId: 'Li6PS5Cl',
    anodeAl_mol_m2: al,
    anodeLi_mol_m2: opts.xLiAl0 * al,
    phaseFractions: { Al: 1 - opts.xLiAl0, LiAl: opts.xLiAl0, Li3Al2: 0, Li9Al4: 0 },
    freeLi_m: 0,
    anodeD_m2_s: opts.anodeD_m2_s,
  };
  let p = ssbParamsFromProducedCell(cell, { stackPressure_Pa: opts.stackPressure_Pa, temperature_K: 298.15 });
  p = withParams(p, { cathode: { particleRadius_m: opts.particleRadius_m } });
  // cut-offs: the cathode's 3.0–4.3 V vs Li shifted by the α/β plateau (≈ 0.385 V) — assumption
  const Ua = liAlOcp(0.5 * (opts.xLiAl0 + opts.xLiAlMax), 298.15).U;
  p = withParams(p, { vMin_V: 3.0 - Ua, vMax_V: 4.3 - Ua });
  if (opts.cathodeDs_m2_s !== undefined)
    p = withParams(p, { cathode: { Ds: { ...p.cathode.Ds, ref: opts.cathodeDs_m2_s } } });
  if (opts.seSigma_S_m !== undefined)
    p = withParams(p, { electrolyte: { sigma: { ...p.electrolyte.sigma, ref: opts.seSigma_S_m } } });
  return p;
}

/** P3's cell (Li0.4Al ‖ SC-NCM83, its 3C row below; the inputs it states): also the solid-state DAE steps' test case */
export function p3Cell(): SsbCellParams {
  return liAlCell({
    areal_mAh_cm2: 4.6,
    xLiAl0: 0.4,
    xLiAlMax: 0.92,
    particleRadius_m: 2e-6,
    stackPressure_Pa: 10e6,
    seSigma_S_m: 0.5,
    separator_m: 30e-6,
    anodeD_m2_s: 1e-11,
    cathodeDs_m2_s: 9e-16,
  });
}

/**
 * Charge-weighted mean of the Li–Al OCP (V vs Li) over a Li/Al range [xLow, xHigh] (midpoint rule, 4000
 * panels): the anode's contribution to the average discharge voltage of a full cell whose anode swings
 * over that range.
 */
export function anodeMeanOcp_V(xLow: number, xHigh: number, T_K: number): number {
  if (!(Number.isFinite(xLow) && Number.isFinite(xHigh) && xHigh > xLow)) {
    throw new RangeError(`x range: must be finite with xHigh > xLow (got ${xLow}..${xHigh}; allowed xLow < xHigh)`);
  }
  const n = 4000;
  const h = (xHigh - xLow) / n;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += liAlOcp(xLow + (i + 0.5) * h, T_K, { hysteresis_V: 0 }).U;
  return sum / n;
}

/** the recipe file of the seed's example line (examples/patent-line.yaml) */
export const SEED_RECIPE_PATH = fileURLToPath(new URL('../examples/patent-line.yaml', import.meta.url));

export interface SeedLineCase {
  rows: ValidationRow[];
  /** Li/Al of the produced anode, at the top of charge, and after the discharge */
  x0: number;
  xTop: number;
  xEnd: number;
  /** charge-weighted mean anode OCP over the discharge (V vs Li) */
  anodeMean_V: number;
}

/**
 * The seed's example cell as the line produces it (the path `rollcell run` takes): recipe → designCell →
 * runLine → P2D with the materials library → the [0178] first-cycle protocol on the
 * cycler, starting from the cell as produced (SOC 0).
 */
export function seedFromLine(recipePath = SEED_RECIPE_PATH): SeedLineCase {
  const parsed = parseRecipeText(readFileSync(recipePath, 'utf8'));
  if (!parsed.ok) throw new Error(`${recipePath}: ${parsed.problems.map(formatProblem).join('; ')}`);
  const recipe = parsed.recipe;
  const design = designCell(recipe);
  const si = runLine(recipe, design).cell;
  const params = ssbParamsFromProducedCell(si, operatingConditions(recipe), getMaterial);
  const model = createSsbModel('spme', params);
  const c = recipe.cycling;
  const exp = runExperiment(model, [firstCycleProtocolStrings(c.charge_cutoff_V, c.discharge_cutoff_V)], {
    initialSoc: 0,
  });
  if (exp.status !== 'completed')
    throw new Error(`seed example: [0178] protocol did not complete (${exp.status}: ${exp.reason ?? ''})`);
  const m = cycleMetrics(exp, 1);
  const cyc = exp.cycles[0]!;
  const alMol = params.anode.al_mol_m2 * params.area_m2;
  const x0 = params.anode.li_mol_m2 / params.anode.al_mol_m2;
  const xTop = x0 + cyc.charge_C / F / alMol;
  const xEnd = xTop - cyc.discharge_C / F / alMol;
  const T = params.temperature_K;
  const anodeMean_V = anodeMeanOcp_V(xEnd, xTop, T);
  const pf = si.phaseFractions;
  const inputs =
    `built by the line from ${recipePath.replace(/^.*\/examples\//, 'examples/')} (recipe → designCell → runLine → SPMe, materials library): ` +
    `${recipe.first_sheet.cathode.active_material} ${Object.values(recipe.first_sheet.cathode.composition_wt_pct).join('/')} wt %, cathode ${(si.cathodeThickness_m * 1e6).toFixed(1)} µm at ${(si.cathodePorosity * 100).toFixed(1)} % porosity, ` +
    `SE ${(si.separatorThickness_m * 1e6).toFixed(1)} µm, anode ${(si.anodeThickness_m * 1e6).toFixed(1)} µm with Li:Al ${x0.toFixed(3)} ` +
    `(Al fractions: LiAl ${(pf.LiAl * 100).toFixed(0)} %, Li3Al2 ${(pf.Li3Al2 * 100).toFixed(0)} %, Li9Al4 ${(pf.Li9Al4 * 100).toFixed(0)} %; free Li ${(si.freeLi_m * 1e6).toFixed(2)} µm; room-temperature OCP: β host, Li metal beyond), ` +
    `${(params.stackPressure_Pa / 1e6).toFixed(0)} MPa, ${toCelsius(T).toFixed(0)} °C; [0178] protocol CC-CV 0.1C to ${c.charge_cutoff_V} V (0.02C), CC 0.1C to ${c.discharge_cutoff_V} V from SOC 0; ` +
    `anode Li:Al ${x0.toFixed(2)} → ${xTop.toFixed(2)} at the top of charge → ${xEnd.toFixed(2)}`;
  const cse = 'seed example, line-built (SPMe)';
  const rows = [
    row(
      cse,
      'discharge capacity, 1st cycle 0.1C',
      m.discharge_mAh_g ?? NaN,
      null,
      'mAh/g',
      null,
      null,
      `NCM811's practical ≈ ${NCM811_VS_LI.practicalCapacity_mAh_g} mAh/g to ~4.3 V vs Li is a liquid half-cell figure (DS §4.1; Noh et al., J. Power Sources 233 (2013) 121, doi:10.1016/j.jpowsour.2013.01.063), not this sulfide cell's first cycle (its CEI and the slow refill near full lithiation, scripts/validate-cell.ts) — shown, not compared`,
      inputs,
    ),
    row(
      cse,
      'average discharge voltage, 1st cycle 0.1C',
      m.meanDischargeVoltage_V ?? NaN,
      null,
      'V',
      null,
      null,
      `no published value for this cell: NCM811's ${NCM811_VS_LI.averageDischarge_V} V vs Li (Noh et al. 2013) minus this model's own anode OCP (${anodeMean_V.toFixed(3)} V mean over the discharge) would compare the model with itself (review F13) — shown, not compared`,
      inputs,
    ),
    row(
      cse,
      'claim 13: ≥ 100 mAh/g',
      m.discharge_mAh_g ?? NaN,
      null,
      'mAh/g',
      null,
      null,
      'claim 13 (line-built cell)',
      inputs,
    ),
    row(
      cse,
      'first-cycle CE',
      m.coulombicEfficiency ?? NaN,
      null,
      '1',
      null,
      null,
      'no published value for this cell; the sulfide-cell range (Jangid 2024) is compared in scripts/validate-cell.ts',
      inputs,
    ),
    row(
      cse,
      'Eq. 1 volume expansion rate',
      firstCycleSummary(exp).volume_expansion_rate_pct ?? NaN,
      null,
      '%',
      null,
      null,
      '[0178] (no published value)',
      inputs,
    ),
  ];
  return { rows, x0, xTop, xEnd, anodeMean_V };
}

export function validateSsb(): ValidationRow[] {
  const rows: ValidationRow[] = [];

  // ---------------------------------------------------------------- seed example cell as the line produces it, [0178] protocol
  rows.push(...seedFromLine().rows);

  // ---------------------------------------------------------------- hand-entered seed cell (patentExampleParams), for comparison
  {
    const p = patentExampleParams();
    const m = new SsbP2D(p);
    const y = m.initialState(0);
    const r = firstCycle(daeRunner(m), m, y, 4.3, 3.0);
    const inputs =
      'hand-entered (patentExampleParams, NOT the line-built cell): 75/20/3/2 wt % NCM811/Li6PS5Cl/C/PVDF, 60 µm, 10 % porosity, 30 µm SE, 10 µm Al + 13.1 µm Li → β-LiAl + free Li (x = 1.05, rt OCP: excess Li is Li metal at 0 V), 5 MPa, 25 °C, cut-off 4.3 V';
    const cse = 'seed, hand-entered params (P2D)';
    rows.push(
      row(
        cse,
        'discharge capacity, 1st cycle 0.1C',
        r.dischargeCapacity_mAh_g,
        null,
        'mAh/g',
        null,
        null,
        `NCM811's practical ≈ ${NCM811_VS_LI.practicalCapacity_mAh_g} mAh/g to ~4.3 V vs Li is a liquid half-cell figure (DS §4.1, cricutcom-setup.com/2313-0105/8/7/67), not a sulfide cell's first cycle (its CEI and the slow refill near full lithiation) — shown, not compared`,
        inputs,
      ),
    );
    rows.push(
      row(
        cse,
        'average discharge voltage',
        r.averageDischargeVoltage_V,
        null,
        'V',
        null,
        null,
        "NCM811 average 3.8 V vs Li is a liquid half-cell figure (Noh et al., J. Power Sources 233 (2013) 121); against this anode the cell voltage depends on the model's own anode OCP — shown, not compared",
        inputs,
      ),
    );
  }

  // ---------------------------------------------------------------- P1: Li0.5Al ‖ NCM811
  {
    const p = liAlCell({
      areal_mAh_cm2: 5,
      xLiAl0: 0.5,
      xLiAlMax: 0.92,
      particleRadius_m: 4e-6,
      stackPressure_Pa: 10e6,
      separator_m: 50e-6,
      anodeD_m2_s: 1e-11,
    });
    const inputs =
      'published: Li0.5Al, NCM811 loading 5 mAh/cm², 4 mA/cm² (0.8C), 83 % after 2000 cycles. assumed: D(Li–Al) 1e-7 cm²/s (upper end of claim window; P1 reports β-LiAl as a fast Li conductor and 7 mA/cm² rate), NCM811 particle radius 4 µm (D50 ≈ 8 µm, typical ASSB grade), composite 75/20/3/2 wt %, 50 µm Li6PS5Cl, Al sized for x = 0.5→0.92, 10 MPa, 25 °C, cut-offs 2.62–3.92 V (3.0–4.3 V vs Li)';
    const m = new SsbP2D(p);
    const y = m.initialState(0);
    const run = daeRunner(m);
    const I = 4 * 1e-3 * 1e4 * p.area_m2; // 4 mA/cm² in A
    runCycle(run, m, y, 0.1, 0.1, { vMax_V: p.vMax_V, vMin_V: p.vMin_V, cvEndCRate: 0.02 });
    const ch = run(y, { kind: 'cc', current_A: I, vCut_V: p.vMax_V });
    run(y, { kind: 'cv', voltage_V: p.vMax_V, iEnd_A: (0.02 * m.nominalCapacity_C) / 3600 });
    const dis = run(y, { kind: 'cc', current_A: -I, vCut_V: p.vMin_V });
    void ch;
    const areal = -dis.charge_C / 3.6 / (p.area_m2 * 1e4);
    rows.push(
      row(
        'P1 Li0.5Al‖NCM811 (P2D)',
        'areal capacity at 4 mA/cm²',
        areal,
        null,
        'mAh/cm²',
        null,
        null,
        `${cite(P1, 'loading')}. The delivered capacity at 4 mA/cm² is not stated (${P1.figures['deliveredCapacity']!.where}); a loading is not a delivered capacity (review F13) — shown, not compared`,
        inputs,
      ),
    );
    rows.push(
      row(
        'P1 Li0.5Al‖NCM811 (P2D)',
        'average discharge voltage at 4 mA/cm²',
        -dis.energy_J / -dis.charge_C,
        P1.figures['averageDischargeVoltage']!.value,
        'V',
        0.05,
        null,
        cite(P1, 'averageDischargeVoltage'),
        inputs,
      ),
    );
    const s = createSpme(p);
    const a = cycleAgeing(s, {
      cycles: 2000,
      cRate: (4e-3 * 1e4 * p.area_m2) / (s.nominalCapacity_C / 3600),
      cutoffs: { vMax_V: p.vMax_V, vMin_V: p.vMin_V },
    });
    rows.push(
      row(
        'P1 Li0.5Al‖NCM811 (SPMe + ageing)',
        'retention after 2000 cycles',
        a.retention[1999]! * 100,
        null,
        '%',
        null,
        null,
        `${cite(P1, 'retention2000')} — PREDICTED: held out of the ageing fit (scripts/fit-ageing.ts fits Yan 2026 and Liu 2022). ` +
          "P1's stack pressure is not published: judged in scripts/validate-ageing.ts as the band over the assumed " +
          '5–50 MPa (published 83 % inside or outside it), not at the assumed 10 MPa shown here',
        inputs,
      ),
    );
  }

  // ---------------------------------------------------------------- P3: Li0.4Al ‖ SC-NCM83
  {
    const p = p3Cell();
    const inputs =
      'published: Li0.4Al, single-crystal NCM83, Li10Si0.3PS6.7Cl1.8, 3C = 13.9 mA/cm² (→ 4.6 mAh/cm² nominal, C7), RT. assumed: D(Li–Al) 1e-7 cm²/s, NCM811 OCP for NCM83, CALIBRATED to this point: D_s(SC-NCM83) = 9e-16 m²/s at mid-window, with the divacancy slowdown D_s(y) near full lithiation and the composite tortuosity 6 (3e-16 with a constant D_s and Bruggeman before issue 15; inside the 1e-16–1e-15 m²/s GITT range usually reported for single-crystal NCM — so this row checks consistency, not prediction), SC radius 2 µm, σ_SE 5 mS/cm, 30 µm SE, 10 MPa, cut-offs 3.0–4.3 V vs Li';
    const m = new SsbP2D(p);
    const y = m.initialState(0);
    const run = daeRunner(m);
    runCycle(run, m, y, 0.1, 0.1, { vMax_V: p.vMax_V, vMin_V: p.vMin_V, cvEndCRate: 0.02 });
    const I = 13.9e-3 * 1e4 * p.area_m2;
    run(y, { kind: 'cc', current_A: (0.1 * m.nominalCapacity_C) / 3600, vCut_V: p.vMax_V });
    run(y, { kind: 'cv', voltage_V: p.vMax_V, iEnd_A: (0.02 * m.nominalCapacity_C) / 3600 });
    const dis = run(y, { kind: 'cc', current_A: -I, vCut_V: p.vMin_V });
    const areal = -dis.charge_C / 3.6 / (p.area_m2 * 1e4);
    rows.push(
      row(
        'P3 Li0.4Al‖SC-NCM83 (P2D)',
        'areal capacity at 13.9 mA/cm² (3C)',
        areal,
        2.1,
        'mAh/cm²',
        0.05,
        null,
        `${cite(P3, 'arealCapacity3C')} — CALIBRATED: D_s(SC-NCM83) was fitted to this point (consistency, not prediction). No second P3 point (${P3.figures['capacityOtherRate']!.where})`,
        inputs,
      ),
    );
    rows.push(
      row(
        'P3 Li0.4Al‖SC-NCM83 (P2D)',
        'average discharge voltage at 3C',
        -dis.energy_J / -dis.charge_C,
        P3.figures['averageDischargeVoltage']!.value,
        'V',
        0.05,
        null,
        cite(P3, 'averageDischargeVoltage'),
        inputs,
      ),
    );
  }

  // ---------------------------------------------------------------- P2: Al–In foil (not prelithiated) ‖ NCM622
  {
    const p = liAlCell({
      areal_mAh_cm2: 3,
      xLiAl0: 0,
      xLiAlMax: 0.9,
      particleRadius_m: 5e-6,
      stackPressure_Pa: 10e6,
      separator_m: 50e-6,
      anodeD_m2_s: 1e-11,
      active: { id: 'NCM622', density: 4700, molarMass: 0.09693 },
      al_m: 30e-6,
    });
    const inputs =
      'published: 30 µm Al94.5In5.5 foil, not prelithiated, Li6PS5Cl, NCM622, 6.5 mA/cm², "hundreds of stable cycles", "practically relevant areal capacity" (no number). assumed: In ignored (pure Al OCP), 3 mAh/cm² cathode, D(Li–Al) 1e-7 cm²/s, 10 MPa, cut-offs from 3.0–4.3 V vs Li shifted by the plateau';
    const m = new SsbP2D(p);
    const y = m.initialState(0);
    // rtol 1e-5: at 1e-4 the 6.5 mA/cm² discharge (≈ 2C, transport-limited) ends 2 % early (139.1 vs
    // 142.0 mAh/g, converged from 5e-5 on)
    const run = daeRunner(m, { rtol: 1e-5 });
    const first = runCycle(run, m, y, 0.1, 0.1, { vMax_V: p.vMax_V, vMin_V: p.vMin_V, cvEndCRate: 0.02 });
    run(y, { kind: 'cc', current_A: (0.1 * m.nominalCapacity_C) / 3600, vCut_V: p.vMax_V });
    run(y, { kind: 'cv', voltage_V: p.vMax_V, iEnd_A: (0.02 * m.nominalCapacity_C) / 3600 });
    const dis = run(y, { kind: 'cc', current_A: -6.5e-3 * 1e4 * p.area_m2, vCut_V: p.vMin_V });
    const mass_g = m.cathodeActiveMass_kg * 1000;
    rows.push(
      row(
        'P2 Al‖NCM622, no prelithiation (P2D)',
        'first-cycle CE (0.1C)',
        first.discharge_C / first.charge_C,
        P2.figures['firstCycleCE']!.value,
        '1',
        0.05,
        null,
        cite(P2, 'firstCycleCE'),
        inputs,
      ),
    );
    rows.push(
      row(
        'P2 Al‖NCM622, no prelithiation (P2D)',
        'specific capacity at 6.5 mA/cm²',
        -dis.charge_C / 3.6 / mass_g,
        P2.figures['specificCapacity']!.value,
        'mAh/g',
        0.05,
        null,
        cite(P2, 'specificCapacity'),
        inputs,
      ),
    );
    rows.push(
      row(
        'P2 Al‖NCM622, no prelithiation (P2D)',
        'average discharge voltage at 6.5 mA/cm²',
        -dis.energy_J / -dis.charge_C,
        P2.figures['averageDischargeVoltage']!.value,
        'V',
        0.05,
        null,
        cite(P2, 'averageDischargeVoltage'),
        inputs,
      ),
    );
  }

  return rows;
}

function fmt(v: number | null, d = 3): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toFixed(d);
}

// print when run directly or through scripts/validate.ts (which imports this file for its output)
const entry = process.argv[1] ?? '';
if (/validate(-ssb)?\.ts$/.test(entry)) {
  const rows = validateSsb();
  // the rows compared with a published figure go to validate's benchmark table (scripts/benchmarks.ts)
  for (const r of rows)
    if (r.published !== null && r.pass !== null)
      recordBenchmark({
        id: r.case,
        publication: r.case.startsWith('P3') ? 'P3 Zhang 2025' : r.case.split(' ')[0]!,
        quantity: r.quantity,
        model: `${r.simulated.toPrecision(4)} ${r.unit}`,
        published: `${r.published} ${r.unit}`,
        tolerance: r.tolerance,
        verdict: r.pass ? 'PASS' : 'FAIL',
        label: /CALIBRATED/.test(r.inputs) ? 'CALIBRATED' : 'PREDICTED',
        source: r.source,
      });
  const head = ['case', 'quantity', 'simulated', 'published', 'unit', 'tol', 'pass'];
  const body = rows.map((r) => [
    r.case,
    r.quantity,
    fmt(r.simulated),
    fmt(r.published),
    r.unit,
    r.tolerance,
    r.pass === null ? 'n/a' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(w[i]!)).join(' | ');
  console.log(line(head));
  console.log(w.map((x) => '-'.repeat(x)).join('-|-'));
  for (const b of body) console.log(line(b));
  console.log('\nInputs and sources:');
  const seen = new Set<string>();
  for (const r of rows) {
    const k = r.case + r.inputs;
    if (seen.has(k)) continue;
    seen.add(k);
    console.log(`- ${r.case}: ${r.inputs}`);
  }
  for (const r of rows) console.log(`- [${r.case} / ${r.quantity}] source: ${r.source}`);
  if (rows.some((r) => r.pass === false)) process.exitCode = 1;
}
