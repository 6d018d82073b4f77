/**
 * THE presenter of the cycling: turns the typed results of the run's cycling (src/pipeline.ts
 * `runCycling`: the experiment, the first-cycle assessment, rate capability and ageing, in SI) into the
 * public `cycling` block of `rollcell run --json` (CONTRACT.md names, units in the names, 6 significant
 * digits) and the cycling's notes as sentences. Nothing else converts cycling results to external units.
 */
import type { CyclingBlock } from '../contract.ts';
import { allCycleMetrics, type ExperimentResult, type RateCapabilityResult } from '../cycler/index.ts';
import type { firstCycleSummary } from '../cycler/index.ts';
import type { ProducedCellFirstCycle } from '../electrochem/ssb/firstcycle.ts';
import type { PlatingAssessment } from '../electrochem/ssb/plating.ts';
import { perGram } from '../electrochem/ssb/firstcycle.ts';
import { molM2ToMAhCm2 } from '../electrochem/ssb/plating.ts';
import type { rateCapabilityBand } from '../cycler/rate.ts';
import type { FirstCycleBand } from '../cycler/first-cycle-band.ts';
import type { AssumedParameter, BandedFigure } from '../verdicts.ts';
import type { AgeingBand, ageingValidity } from '../cycler/ageing-band.ts';
import type { AgeingRunResult } from '../cycler/protocols.ts';
import type { AgeingMechanisms } from '../electrochem/ssb/ageing-data.ts';
import { toAh, toCelsius, toUm } from '../units/index.ts';
import { sig } from './round.ts';

/** 6 significant digits (the cycling block's rounding) */
/** A/m² → mA/cm² */
const toMAPerCm2 = (i_A_m2: number): number => i_A_m2 / 10;

/** an uncertain input of a band, as the JSON lists it (first-cycle and rate-capability bands alike):
 * a copy of its six public fields only, whatever else the object carries */
function presentParameter(q: AssumedParameter): NonNullable<CyclingBlock['first_cycle_band']>['parameters'][number] {
  const range = [q.range[0], q.range[1]];
  return { id: q.id, description: q.description, unit: q.unit, nominal: q.nominal, range, source: q.source };
}

/** The plating assessment of a run as a sentence (thickness in µm, current densities in mA/cm²). */
export function platingText(a: PlatingAssessment): string {
  if (!a.plated) return 'no Li plating: the anode potential stayed above 0 V vs Li and the host took all the Li';
  const um = (m: number): string => toUm(m).toFixed(2);
  const ma = (i_A_m2: number, digits: number): string => toMAPerCm2(i_A_m2).toPrecision(digits);
  return (
    `Li plates at the separator: up to ${um(a.maxPlated_m)} µm of Li metal (${um(a.endPlated_m)} µm left at the end); ` +
    `local current ${ma(a.maxPlatingCurrent_A_m2, 3)} mA/cm² while plating vs CCD ${ma(a.ccd.value, 3)} mA/cm² ` +
    `(range ${ma(a.ccd.range[0], 2)}–${ma(a.ccd.range[1], 2)}) — ` +
    (a.risk === 'dendrite'
      ? 'above the CCD: dendrite / short-circuit risk'
      : 'below the CCD: a dense Li layer, stripped first on discharge')
  );
}

/** What the run's cycling computed, typed and in SI (capacities in C, resistances in Ω, lengths in m). */
export interface CyclingResult {
  /** the solid-state model the experiment ran on (p2d, spme, spm) */
  readonly model: string;
  /**
   * the experiment switched to the P2D because a step went above the recipe model's stated C-rate
   * (issue 16 item 4): the model it left, its limit, and each step's highest C-rate on that first run
   */
  readonly modelSwitch?: {
    readonly from: string;
    readonly modelMaxCRate: number;
    readonly experimentMaxCRate: number;
    readonly steps: readonly { readonly index: number; readonly text: string; readonly maxCRate: number }[];
  } | null;
  /** true when the recipe gave its own experiment (else the [0178] first cycle) */
  readonly recipeExperiment: boolean;
  readonly initialSoc: number;
  readonly cutoffs_V: { readonly charge: number; readonly discharge: number };
  readonly experiment: ExperimentResult;
  readonly firstCycle: ReturnType<typeof firstCycleSummary>;
  /** the first cycle by mechanism, plating and host N/P (from the as-made state only) */
  readonly assessment: {
    readonly result: ProducedCellFirstCycle;
    readonly cathodeActiveMass_kg: number;
    readonly coating: string;
    readonly temperature_K: number;
  } | null;
  /**
   * the [0178] first cycle's capacity, CE and Eq. 1 with their band and claim 13's verdict over it (SPMe
   * fast stepper; null in a study's summary runs and for a recipe's own experiment)
   */
  readonly firstCycleBand?: FirstCycleBand | null;
  /** rate capability (claim 16): null when the recipe did not ask for it */
  readonly rate:
    | { readonly ok: true; readonly search: RateCapabilityResult; readonly band: ReturnType<typeof rateCapabilityBand> }
    | { readonly ok: false; readonly error: string }
    | null;
  /** the ageing cycles (claim 19): null when none were asked for */
  readonly ageing:
    | { readonly run: false; readonly reason: 'no_first_discharge' }
    | {
        readonly run: true;
        readonly modelName: string;
        readonly cRate: number;
        readonly mechanisms: AgeingMechanisms;
        readonly cyclesRequested: number;
        readonly endOfLifeRetention_pct: number;
        readonly result: AgeingRunResult;
        /** the retention band over the ageing parameters' ranges (null in a study's summary runs) */
        readonly band: AgeingBand | null;
        readonly flags: ReturnType<typeof ageingValidity>;
      }
    | null;
}

/** The protocol's name as the block and the report's series name it. */
export function cyclingProtocolName(recipeExperiment: boolean): string {
  return recipeExperiment ? 'recipe experiment' : '[0178] first cycle';
}

/** The `cycling` block and the cycling's notes (sentences for the warnings). */
export function presentCycling(c: CyclingResult): { block: CyclingBlock; notes: string[] } {
  const exp = c.experiment;
  const fc = c.firstCycle;
  const block: CyclingBlock = {
    model: c.model,
    protocol: cyclingProtocolName(c.recipeExperiment),
    status: exp.status,
    ...(exp.reason ? { reason: exp.reason } : {}),
    charge_capacity_mAh_g: fc.charge_capacity_mAh_g ?? NaN,
    discharge_capacity_mAh_g: fc.discharge_capacity_mAh_g ?? NaN,
    coulombic_efficiency: fc.coulombic_efficiency ?? NaN,
    volume_expansion_rate_pct: fc.volume_expansion_rate_pct ?? NaN,
    ...(fc.volume_expansion.evaluable
      ? {
          thickness_before_um: sig(fc.volume_expansion.before_um),
          thickness_after_um: sig(fc.volume_expansion.after_um),
        }
      : { volume_expansion_note: fc.volume_expansion.reason }),
    charge_capacity_Ah: fc.charge_capacity_Ah,
    discharge_capacity_Ah: fc.discharge_capacity_Ah,
    charge_cutoff_V: c.cutoffs_V.charge,
    discharge_cutoff_V: c.cutoffs_V.discharge,
    // every cycle of the experiment (the figures above are its first cycle)
    experiment: {
      initial_soc: c.initialSoc,
      cycles: exp.cycles.length,
      per_cycle: allCycleMetrics(exp).map((m) => ({
        cycle: m.index,
        charge_Ah: sig(m.charge_Ah),
        discharge_Ah: sig(m.discharge_Ah),
        coulombic_efficiency:
          m.coulombicEfficiency === null || !Number.isFinite(m.coulombicEfficiency) ? null : sig(m.coulombicEfficiency),
      })),
    },
  };
  // NaN never leaves rollcell: a figure the run could not produce is null with a reason
  for (const k of [
    'charge_capacity_mAh_g',
    'discharge_capacity_mAh_g',
    'coulombic_efficiency',
    'volume_expansion_rate_pct',
  ] as const) {
    const v = block[k];
    if (v !== null && Number.isFinite(v)) block[k] = sig(v);
    else (block as Record<string, unknown>)[k] = null;
  }
  const notes: string[] = [];
  const sw = c.modelSwitch;
  if (sw) {
    // which steps ran on which model (issue 16 item 4): the whole experiment ran on the P2D
    block.experiment_model = {
      model: 'p2d',
      switched_from: sw.from.toLowerCase(),
      reason:
        `a step reached ${sig(sw.experimentMaxCRate)}C, above the ${sw.from}'s stated ${sw.modelMaxCRate}C ` +
        '(capacity within 2 %, voltage within 20 mV of the P2D): the whole experiment ran on the P2D',
      steps: sw.steps.map((st) => ({
        step: st.index,
        text: st.text,
        c_rate_max: sig(st.maxCRate),
        model: 'p2d',
        above_switched_model_validity: st.maxCRate > sw.modelMaxCRate * (1 + 1e-6),
      })),
    };
    notes.push(
      `the experiment ran on the P2D (automatic): it reached ${sig(sw.experimentMaxCRate)}C, above the ` +
        `${sw.from}'s stated ${sw.modelMaxCRate}C`,
    );
  }
  // the first cycle's coulombic efficiency is null when the experiment charges nothing (e.g. a
  // discharge-only drive cycle) or discharges nothing: say so, a null is never left unexplained
  if (fc.coulombic_efficiency === null || fc.coulombic_efficiency === undefined)
    notes.push(
      `coulombic efficiency not evaluable: the first cycle ${
        !((fc.charge_capacity_Ah ?? 0) > 0) ? 'charges nothing' : 'discharges nothing'
      } (charge ${sig(fc.charge_capacity_Ah ?? 0)} Ah, discharge ${sig(fc.discharge_capacity_Ah ?? 0)} Ah)`,
    );
  // the first cycle by mechanism, plating, host-based N/P and the literature range (issue 15)
  if (c.assessment) {
    const fa = c.assessment.result;
    const g = (q: number): number => sig(perGram(q, c.assessment!.cathodeActiveMass_kg));
    block['first_cycle_loss'] = {
      charge_mAh_g: g(fa.loss.charge_C),
      discharge_mAh_g: g(fa.loss.discharge_C),
      cei_mAh_g: g(fa.loss.cei_C),
      kinetic_recoverable_mAh_g: g(fa.loss.kinetic_C),
      cathode_stoichiometry_start: sig(fa.loss.yStart),
      cathode_stoichiometry_end: sig(fa.loss.yEnd),
      coating: c.assessment.coating,
      literature_ce: { low: fa.ceRange.low, high: fa.ceRange.high, source: fa.ceRange.source },
    };
    block['np_ratio_host'] = sig(fa.np.np);
    block['anode_host'] = {
      x_host: fa.np.xHost,
      li_al_as_made: sig(fa.np.x0),
      host_left_mAh_cm2: sig(molM2ToMAhCm2(fa.np.hostLeft_mol_m2)),
      charge_mAh_cm2: sig(molM2ToMAhCm2(fa.np.charge_mol_m2)),
      np_empty_al_host: sig(fa.np.npEmptyAl),
    };
    const pl = fa.plating;
    block['plating'] = {
      plated: pl.plated,
      max_plated_li_um: sig(toUm(pl.maxPlated_m)),
      end_plated_li_um: sig(toUm(pl.endPlated_m)),
      onset_s: pl.onset_s === null ? null : sig(pl.onset_s),
      min_anode_potential_V: Number.isFinite(pl.minAnodePotential_V) ? sig(pl.minAnodePotential_V) : null,
      max_plating_current_mA_cm2: sig(toMAPerCm2(pl.maxPlatingCurrent_A_m2)),
      ccd_mA_cm2: sig(toMAPerCm2(pl.ccd.value)),
      ccd_range_mA_cm2: [sig(toMAPerCm2(pl.ccd.range[0])), sig(toMAPerCm2(pl.ccd.range[1]))],
      ccd_source: pl.ccd.source,
      risk: pl.risk,
      text: platingText(pl),
    };
    if (pl.plated) notes.push(`Li plating in the first cycle: ${platingText(pl)}`);
    if (fa.np.np < 1)
      notes.push(
        `N/P from the host capacity left after prelithiation is ${fa.np.np.toFixed(2)} ` +
          `(Li:Al ${fa.np.x0.toFixed(3)} as made, host full at ${fa.np.xHost} at ` +
          `${toCelsius(c.assessment.temperature_K).toFixed(0)} °C): ` +
          (fa.np.np < 1e-9 ? 'every charge plates Li metal' : 'the rest of each charge plates Li metal'),
      );
  }
  if (c.firstCycleBand) {
    const fb = c.firstCycleBand;
    const fig = (b: BandedFigure): { nominal: number; low: number; high: number } => ({
      nominal: sig(b.nominal),
      low: sig(b.low),
      high: sig(b.high),
    });
    block['first_cycle_band'] = {
      model: 'ssb-spme',
      method:
        `the [0178] first cycle on the SPMe fast stepper: nominal, each of the ${fb.capacity.parameters.length} ` +
        `uncertain inputs at either end of its range, and ${fb.samples} seeded joint draws (seed ${fb.seed})`,
      discharge_capacity_mAh_g: fig(fb.capacity),
      coulombic_efficiency: fig(fb.ce),
      volume_expansion_rate_pct: fig(fb.eq1),
      claim_13: fb.claim13.text,
      claim_13_verdict: fb.claim13.verdict,
      depends_on: [...fb.claim13.dependsOn],
      samples: fb.samples,
      seed: fb.seed,
      parameters: fb.capacity.parameters.map(presentParameter),
      points: fb.capacity.points.map((q, i) => ({
        parameter: q.parameter,
        at: q.at,
        discharge_capacity_mAh_g: sig(q.value),
        coulombic_efficiency: sig(fb.ce.points[i]!.value),
        volume_expansion_rate_pct: sig(fb.eq1.points[i]!.value),
      })),
    };
  }
  if (c.rate && c.rate.ok) {
    const rc = c.rate.search;
    const rb = c.rate.band;
    block['max_c_rate'] = sig(rc.highestRate);
    block['rate_capability'] = {
      reference_rate_C: rc.referenceRate,
      reference_capacity_Ah: sig(rc.referenceCapacity_Ah),
      fraction: rc.fraction,
      at_search_limit: rc.atSearchLimit,
      meets_0_33C: rc.meetsClaimRate,
      evaluations: rc.evaluations.map((e) => ({ c_rate: sig(e.rate), capacity_Ah: sig(e.capacity_Ah), ok: e.ok })),
      // the band the uncertain inputs give (SPMe fast stepper), and claim 16's verdict over it
      band: {
        model: 'ssb-spme',
        nominal_c_rate: sig(rb.band.nominal),
        low_c_rate: sig(rb.band.low),
        high_c_rate: sig(rb.band.high),
        claim_16: rb.claim16.text,
        claim_16_verdict: rb.claim16.verdict,
        depends_on: [...rb.claim16.dependsOn],
        parameters: rb.band.parameters.map(presentParameter),
        points: rb.band.points.map((q) => ({ parameter: q.parameter, at: q.at, c_rate: sig(q.value) })),
      },
    };
  } else if (c.rate) {
    // a cell that delivers nothing at the reference rate has no rate capability: null with the reason
    block['max_c_rate'] = null;
    block['rate_capability'] = { error: c.rate.error };
    notes.push(`rate capability not evaluable (${c.rate.error.replace(/^rate capability: /, '')})`);
  }
  const a = c.ageing;
  if (a && !a.run) notes.push(`ageing cycles not run: the cell delivered no discharge capacity in the first cycle`);
  else if (a && a.run) {
    const ag = a.result;
    const n = ag.discharge_C.length;
    const R0 = ag.resistance_ohm[0] ?? NaN;
    const R1 = ag.resistance_ohm[n - 1] ?? NaN;
    const fin = (x: number): number | null => (Number.isFinite(x) ? sig(x) : null);
    block['cycles'] = n;
    type AgeingBlock = NonNullable<CyclingBlock['ageing']>;
    // validity is written last (after the bands), as the block has always listed it
    const ageBlock: Omit<AgeingBlock, 'validity'> & Partial<Pick<AgeingBlock, 'validity'>> = {
      model: a.modelName,
      c_rate: a.cRate,
      mechanisms: a.mechanisms,
      cycles: n,
      cycles_requested: a.cyclesRequested,
      capacity_retention_pct: sig((ag.retention[n - 1] ?? NaN) * 100),
      first_discharge_Ah: sig(toAh(ag.discharge_C[0] ?? 0)),
      last_discharge_Ah: sig(toAh(ag.discharge_C[n - 1] ?? 0)),
      // DC resistance from the voltage step at the start of each discharge (instantaneous: ohmic, interphase, charge transfer)
      dc_resistance_first_mOhm: fin(R0 * 1000),
      dc_resistance_last_mOhm: fin(R1 * 1000),
      resistance_growth_pct: fin((R1 / R0 - 1) * 100),
      end_of_life_retention_pct: a.endOfLifeRetention_pct,
      cycles_to_end_of_life: ag.endOfLifeCycle,
    };
    const ab = a.band;
    if (ab) {
      const eols = ab.endOfLifeCycles;
      const reached = eols.filter((e): e is number => e !== null);
      ageBlock['capacity_retention_band_pct'] = {
        at_cycle: n,
        low: sig(ab.retention.low * 100),
        median: sig(ab.retention.median * 100),
        high: sig(ab.retention.high * 100),
        samples: ab.samples.length,
        seed: ab.seed,
        method:
          `seeded sampling of the ${ab.parameters.length} ageing parameters over their documented ranges ` +
          `(data/ageing/mechanisms.json), SPMe with cycle jumping every ${ab.stride} cycles`,
        most_sensitive: ab.sensitivity.map((q) => ({ parameter: q.parameter, correlation: sig(q.correlation) })),
      };
      ageBlock['cycles_to_end_of_life_band'] = {
        reached_in_samples: reached.length,
        samples: eols.length,
        low: reached.length ? Math.min(...reached) : null,
        high: reached.length === eols.length && reached.length ? Math.max(...reached) : null,
      };
    }
    ageBlock['validity'] = {
      inside: a.flags.length === 0,
      flags: a.flags.map((f) => ({ quantity: f.quantity, value: sig(f.value), allowed: f.allowed, text: f.text })),
    };
    block['ageing'] = ageBlock as AgeingBlock;
    for (const f of a.flags) notes.push(`ageing: ${f.text}`);
  }
  if (notes.length) block['notes'] = notes;
  return { block, notes };
}
