/**
 * Ageing against published data (issue 16): every point of data/ageing/datasets.json with the model's
 * retention at the recorded parameter values (data/ageing/mechanisms.json), its residual and its source,
 * labelled FITTED (scripts/fit-ageing.ts fitted the ageing laws to it) or PREDICTED (held out: the fit
 * never saw it). The held-out cell's stack pressure is not published: its prediction is also given over
 * the assumed pressure range, and the band over the ageing parameters' ranges (seeded sampling).
 * Prints `name: value unit` lines; the pass mark is ± 5 points (issue 16 item 3).
 *
 * A held-out point whose stack pressure is not published (P1) is not judged at the assumed value: the
 * model's prediction is the band over the pressure range, and the check is whether the published figure
 * lies inside it (issue 16: report it as a band over the unknown pressure, never tune to it). The pressure
 * at which the model would meet it is printed for information only; no default takes it.
 */
import { fileURLToPath } from 'node:url';
import { ageingDatasets } from '../src/electrochem/ssb/ageing-data.ts';
import { anodeMaterialFactors, defaultAgeingValues } from '../src/electrochem/ssb/ageing.ts';
import { ageingBand, ageingDataCoverage } from '../src/cycler/ageing-band.ts';
import { ageingWithMechanisms, NO_MECHANISMS, type AgeingMechanisms } from '../src/electrochem/ssb/ageing.ts';
import type { AgeingDataset } from '../src/electrochem/ssb/ageing-data.ts';
import { cycleAgeing } from '../src/cycler/protocols.ts';
import { createSpme } from '../src/electrochem/ssb/spme.ts';
import { celsius } from '../src/units/index.ts';
import { conditionsOf, datasetCell, evaluateDatasets, retentionAt } from './ageing-datasets.ts';
import { recordBenchmark } from './benchmarks.ts';

export interface AgeingValidationRow {
  readonly id: string;
  readonly role: 'fitted' | 'held-out';
  readonly cycles: number;
  readonly stackPressure_MPa: number;
  readonly model_pct: number;
  readonly published_pct: number;
  readonly residual_pts: number;
  readonly pass: boolean;
  /**
   * 'pass'/'fail' at the published conditions (± 5 points); for a point with an unpublished condition
   * (an assumed range): 'inside band' / 'outside band' over the assumed ranges (the point is not judged);
   * 'outside validity': the point's published conditions lie outside what the model and its fitted data
   * cover (printed with the reason and the model's mechanism breakdown, never counted as a pass or a fail)
   */
  readonly verdict: 'pass' | 'fail' | 'inside band' | 'outside band' | 'outside validity';
  /** the model's retention over the unpublished pressure range, % (low, high), and that range, MPa */
  readonly pressureBand?: {
    readonly low_pct: number;
    readonly high_pct: number;
    readonly range_MPa: readonly [number, number];
  };
  /**
   * the model's retention over every unpublished condition's assumed range (each over its range, the others
   * at their nominal value; the pressure over its grid), % — the band the verdict uses
   */
  readonly conditionBand?: { readonly low_pct: number; readonly high_pct: number; readonly over: string };
  /** why the point lies outside the model's validity or its fitted data */
  readonly outsideValidity?: readonly string[];
  readonly source: string;
}

/** the conditions of a dataset that are not published: an assumed value with a range */
export function unpublishedConditions(
  d: AgeingDataset,
): ('stack_pressure_MPa' | 'c_rate' | 'temperature_C' | 'areal_capacity_mAh_cm2')[] {
  const keys = ['stack_pressure_MPa', 'c_rate', 'temperature_C', 'areal_capacity_mAh_cm2'] as const;
  return keys.filter((k) => d.conditions[k].range !== undefined && /assumption/.test(d.conditions[k].note));
}

/**
 * What of a held-out point lies outside the model's validity or the fitted data (the C-rate span and
 * temperature span the fit saw: src/cycler/ageing-band.ts ageingDataCoverage): published
 * conditions only — an unpublished condition is a band, not a reason
 */
export function heldOutValidity(d: AgeingDataset): string[] {
  const cov = ageingDataCoverage();
  const out: string[] = [];
  const c = d.conditions.c_rate;
  const cUnpublished = c.range !== undefined && /assumption/.test(c.note);
  if (!cUnpublished && (c.value > cov.cRate[1] || c.value < cov.cRate[0]))
    out.push(
      `${c.value}C is outside the C-rates the ageing fit saw (${cov.cRate[0]}–${cov.cRate[1]}C) and ` +
        `${(c.value / SPME_MAX_C_RATE).toFixed(0)}× the SPMe's stated ${SPME_MAX_C_RATE}C`,
    );
  return out;
}

/** the SPMe's stated C-rate validity (src/electrochem/ssb/spme.ts `validity.maxCRate`) */
const SPME_MAX_C_RATE = createSpme(datasetCell(conditionsOf(ageingDatasets()[0]!), defaultAgeingValues())).validity
  .maxCRate;

/** the model's retention (%) over each unpublished condition's range (one at a time) at one point */
export function retentionOverConditions(d: AgeingDataset, cycles: number): { low: number; high: number; over: string } {
  const rs: number[] = [];
  const over: string[] = [];
  const pt = d.points.find((p) => p.cycles === cycles);
  for (const k of unpublishedConditions(d)) {
    const [a, b] = d.conditions[k].range!;
    if (k === 'stack_pressure_MPa') {
      if (pt?.stack_pressure_MPa !== undefined) continue;
      rs.push(...retentionOverPressure(d.id, cycles, pressureGrid([a, b])));
    } else
      for (const v of [a, b]) {
        const c = conditionsOf(d, pt?.stack_pressure_MPa);
        const cc =
          k === 'c_rate'
            ? { ...c, cRate: v }
            : k === 'temperature_C'
              ? { ...c, temperature_K: celsius(v) }
              : { ...c, areal_mAh_cm2: v };
        rs.push(retentionAt(cc, defaultAgeingValues(), [cycles])[0]!);
      }
    over.push(`${k} ${a}–${b}`);
  }
  return { low: Math.min(...rs), high: Math.max(...rs), over: over.join(', ') };
}

/** pressures (MPa) at which a held-out point with an unpublished pressure is evaluated: log-spaced over its range */
export function pressureGrid(range: readonly [number, number], n = 5): number[] {
  const [a, b] = range;
  return Array.from({ length: n }, (_, i) => a * (b / a) ** (i / (n - 1)));
}

/** the model's retention (%) at each pressure of the grid, for one point of a dataset */
export function retentionOverPressure(id: string, cycles: number, grid: readonly number[]): number[] {
  const d = ageingDatasets().find((x) => x.id === id)!;
  return grid.map((P) => retentionAt(conditionsOf(d, P), defaultAgeingValues(), [cycles])[0]!);
}

export function validateAgeing(): AgeingValidationRow[] {
  const sets = ageingDatasets();
  return evaluateDatasets(defaultAgeingValues()).map((q) => {
    const d = sets.find((x) => x.id === q.dataset)!;
    const pc = d.conditions.stack_pressure_MPa;
    const pt = d.points.find((p) => p.cycles === q.cycles);
    // a held-out point whose pressure is not published (an assumed range, no pressure given by the point) is
    // judged as a band; a fitted point's residual is the fit's, at the value the fit assumed
    const unknownP =
      d.role === 'held-out' && pc.range && pt?.stack_pressure_MPa === undefined && /assumption/.test(pc.note);
    let verdict: AgeingValidationRow['verdict'] = Math.abs(q.residual_pts) <= 5 ? 'pass' : 'fail';
    let pressureBand: AgeingValidationRow['pressureBand'];
    let conditionBand: AgeingValidationRow['conditionBand'];
    if (unknownP && pc.range) {
      const r = retentionOverPressure(d.id, q.cycles, pressureGrid(pc.range));
      const low = Math.min(...r, q.model_pct);
      const high = Math.max(...r, q.model_pct);
      pressureBand = { low_pct: low, high_pct: high, range_MPa: pc.range };
      verdict = low <= q.published_pct && q.published_pct <= high ? 'inside band' : 'outside band';
    }
    const others = unpublishedConditions(d).filter((k) => k !== 'stack_pressure_MPa');
    if (d.role === 'held-out' && others.length > 0) {
      // every unpublished condition over its assumed range: the band the verdict uses
      const b = retentionOverConditions(d, q.cycles);
      const low = Math.min(b.low, q.model_pct);
      const high = Math.max(b.high, q.model_pct);
      conditionBand = { low_pct: low, high_pct: high, over: b.over };
      verdict = low <= q.published_pct && q.published_pct <= high ? 'inside band' : 'outside band';
    }
    const outside = d.role === 'held-out' ? heldOutValidity(d) : [];
    if (outside.length) verdict = 'outside validity';
    return {
      verdict,
      ...(pressureBand ? { pressureBand } : {}),
      ...(conditionBand ? { conditionBand } : {}),
      ...(outside.length ? { outsideValidity: outside } : {}),
      id: q.dataset,
      role: q.role,
      cycles: q.cycles,
      stackPressure_MPa: q.stackPressure_MPa,
      model_pct: q.model_pct,
      published_pct: q.published_pct,
      residual_pts: q.residual_pts,
      pass: Math.abs(q.residual_pts) <= 5,
      source: `${d.citation}${d.doi ? `, doi:${d.doi}` : ' (DOI not in the stored copy)'} — ${d.points.find((p) => p.cycles === q.cycles)?.where ?? ''}; read in ${d.readIn}; conditions: ${Object.entries(
        d.conditions,
      )
        .map(([k, c]) => `${k} ${c.value}${c.range ? ` (${c.range[0]}–${c.range[1]})` : ''}: ${c.note}`)
        .join('; ')}`,
    };
  });
}

/**
 * Which mechanism makes the model's fade at a point: the retention with every mechanism, with none (the
 * protocol's own drift: the reference is cycle 1), and with each mechanism alone — to say why a point
 * outside validity is missed, never to tune to it
 */
/** a dataset's retention (%) after `cycles` at its nominal conditions with some mechanisms switched */
function retentionWith(d: AgeingDataset, cycles: number, m: Partial<AgeingMechanisms>): number {
  const c = conditionsOf(d);
  const base = datasetCell(c, defaultAgeingValues());
  const stride = Math.max(1, Math.floor(cycles / 200));
  const p = { ...base, ageing: ageingWithMechanisms(base.ageing, m) };
  const a = cycleAgeing(createSpme(p), {
    cycles: cycles + stride,
    cRate: c.cRate,
    cutoffs: { vMax_V: p.vMax_V, vMin_V: p.vMin_V },
    stride,
  });
  let k = 0;
  while (k + 1 < a.cycleIndex.length && a.cycleIndex[k + 1]! <= cycles) k++;
  return a.retention[k]! * 100;
}

/** what one mechanism alone costs at a dataset's point: its retention with only it on minus with none (points) */
export function mechanismBreakdownPoints(d: AgeingDataset, cycles: number, k: keyof AgeingMechanisms): number {
  return retentionWith(d, cycles, { ...NO_MECHANISMS, [k]: true }) - retentionWith(d, cycles, NO_MECHANISMS);
}

export function mechanismBreakdown(d: AgeingDataset, cycles: number): string[] {
  const c = conditionsOf(d);
  const run = (m: Partial<AgeingMechanisms>): number => retentionWith(d, cycles, m);
  const none = run(NO_MECHANISMS);
  const first = (() => {
    const base = datasetCell(c, defaultAgeingValues());
    const p = { ...base, ageing: ageingWithMechanisms(base.ageing, NO_MECHANISMS) };
    const a = cycleAgeing(createSpme(p), {
      cycles: 10,
      cRate: c.cRate,
      cutoffs: { vMax_V: p.vMax_V, vMin_V: p.vMin_V },
    });
    return Array.from(a.retention.slice(0, 10), (x) => (x * 100).toFixed(0));
  })();
  const alone = (Object.keys(NO_MECHANISMS) as (keyof AgeingMechanisms)[]).map(
    (k) => `${k} ${(run({ ...NO_MECHANISMS, [k]: true }) - none).toFixed(1)}`,
  );
  const pub = d.points.find((q) => q.cycles === cycles)?.retention_pct;
  const noContact = run({ contact_loss: false });
  const noContactVoids = run({ contact_loss: false, anode_voids: false });
  return [
    `${d.id}_model_all_mechanisms: ${run({}).toFixed(1)} % after ${cycles} cycles`,
    `${d.id}_model_no_ageing: ${none.toFixed(1)} % (no mechanism on: the model's own drift at ${c.cRate}C; ` +
      `first 10 cycles ${first.join(', ')} % of cycle 1 — cycle 1 at this rate is not a periodic state)`,
    `${d.id}_mechanism_alone_points: ${alone.join(', ')} (each mechanism alone, points vs no ageing)`,
    `${d.id}_pressure_law_ceiling: ${noContact.toFixed(1)} % (cathode contact loss off: the most any stack-pressure ` +
      `law of the cathode contact gives here, whatever its P0; published ${pub} %)`,
    `${d.id}_without_contact_loss_and_anode_voids: ${noContactVoids.toFixed(1)} % (also the anode-void law off; ` +
      `published ${pub} %)`,
  ];
}

/**
 * Issue 16: the interphase law rests on one best-in-class cell (Liu 2022). What the typical-cell check is
 * and why it is held out, not fitted — printed by `npm run validate`
 */
export const TYPICAL_CELL_CHECK =
  'typical_cell_check: LIC@NCA (80 % after 200 cycles at 0.2C) is the one typical (not best-in-class) sulfide cell ' +
  'with NCM/NCA, ≥ 100 cycles and a published retention found in the stored literature; it stays HELD OUT, not ' +
  'fitted: it is one point with its pressure, temperature, loading and anode unpublished (a fit would pin the ' +
  'interphase rate to assumed conditions), and it is already the check the interphase law fails (too ' +
  'optimistic). No second typical dataset with a readable figure was found (searched: Doux 2020, Koerver 2017, ' +
  'Jangid 2024 — coated only —, Kim 2021 LiNbO3-NCM622, Al–In foil cells 2023, Li–In ‖ NCM pellet cells; the ' +
  'interlaboratory study Puls et al., Nat. Energy 9 (2024) 1310 — NCM622 ‖ Li6PS5Cl ‖ In, 21 groups — is the ' +
  'right one, but the stored copy cuts its abstract before any number): the interphase rate of a typical cell ' +
  'stays unfitted, and the held-out LIC@NCA miss is the measure of it';

const entry = process.argv[1] ?? '';
const direct = entry && fileURLToPath(import.meta.url) === entry;
const viaValidate = entry.endsWith('validate.ts');
if (direct || viaValidate) {
  console.log('\n## Ageing: published retention, fitted and predicted (scripts/validate-ageing.ts)');
  const rows = validateAgeing();
  const pubOf: Record<string, string> = {
    yan2026_pressure: 'Yan 2026',
    liu2022_liin_ncm811: 'Liu 2022',
    p1_lial_ncm811: 'P1 (Li–Al, 2024/25)',
    p3_lial_scncm83: 'P3 Zhang 2025',
    xue2025_liga_ncm811: 'Xue 2025 (LiGa)',
    licnca_lpscl_2024: 'LIC@NCA (≈ 2024)',
  };
  const bandOf = (r: AgeingValidationRow): { low: number; high: number; over: string } | null =>
    r.conditionBand
      ? { low: r.conditionBand.low_pct, high: r.conditionBand.high_pct, over: r.conditionBand.over }
      : r.pressureBand
        ? {
            low: r.pressureBand.low_pct,
            high: r.pressureBand.high_pct,
            over: `stack_pressure_MPa ${r.pressureBand.range_MPa[0]}–${r.pressureBand.range_MPa[1]}`,
          }
        : null;
  const VERDICT = {
    pass: 'PASS',
    fail: 'FAIL',
    'inside band': 'INSIDE BAND',
    'outside band': 'OUTSIDE BAND',
    'outside validity': 'OUTSIDE VALIDITY',
  } as const;
  for (const r of rows) {
    const b = bandOf(r);
    recordBenchmark({
      id: r.id,
      publication: pubOf[r.id] ?? r.id,
      quantity: `retention after ${r.cycles} cycles${r.pressureBand ? '' : ` @ ${r.stackPressure_MPa} MPa`}`,
      model: b ? `${b.low.toFixed(1)}–${b.high.toFixed(1)} % over ${b.over}` : `${r.model_pct.toFixed(1)} %`,
      published: `${r.published_pct} %`,
      tolerance: r.outsideValidity
        ? `not judged: ${r.outsideValidity.join('; ')}`
        : b
          ? 'band (conditions unpublished)'
          : '± 5 points',
      verdict: VERDICT[r.verdict],
      label: r.role === 'fitted' ? 'FITTED' : 'PREDICTED',
      source: r.source,
    });
  }
  const tag = (r: AgeingValidationRow): string => (r.role === 'fitted' ? 'FITTED' : 'PREDICTED, held out');
  for (const r of rows) {
    const b = bandOf(r);
    if (b)
      console.log(
        `${r.id} [${tag(r)}] ${r.cycles} cycles, conditions NOT PUBLISHED (${b.over}): model ${b.low.toFixed(1)}–${b.high.toFixed(1)} % ` +
          `over the assumed ranges (${r.model_pct.toFixed(1)} % at the nominal values) ` +
          `vs published ${r.published_pct} % — ${VERDICT[r.verdict]} ` +
          '(the ± 5-point test needs the conditions: not judged at a point)',
      );
    else
      console.log(
        `${r.id} [${tag(r)}] ${r.cycles} cycles @ ${r.stackPressure_MPa} MPa: model ${r.model_pct.toFixed(1)} % vs published ${r.published_pct} % — residual ${r.residual_pts >= 0 ? '+' : ''}${r.residual_pts.toFixed(1)} points ${VERDICT[r.verdict]}${r.verdict === 'outside validity' ? '' : ' (± 5)'}`,
      );
    if (r.outsideValidity || r.verdict === 'outside band' || (r.role === 'held-out' && r.verdict === 'fail')) {
      if (r.outsideValidity)
        console.log(`  OUTSIDE VALIDITY: ${r.outsideValidity.join('; ')} — reported, not judged, never tuned to`);
      const d = ageingDatasets().find((x) => x.id === r.id)!;
      for (const line of mechanismBreakdown(d, r.cycles)) console.log(`  ${line}`);
    }
  }
  for (const d of ageingDatasets().filter((x) => x.role === 'held-out')) {
    const c = d.conditions.stack_pressure_MPa;
    if (!c.range) continue;
    for (const pt of d.points) {
      const grid = pressureGrid(c.range);
      const at = retentionOverPressure(d.id, pt.cycles, grid);
      console.log(
        `${d.id}_pressure_scan: ${grid.map((P, i) => `${P.toPrecision(2)} MPa ${at[i]!.toFixed(1)} %`).join(', ')} (published ${pt.retention_pct} %)`,
      );
      // where the model would meet the published figure (linear in log P between grid points): information only
      let meet: string = 'nowhere in the range';
      for (let i = 0; i + 1 < grid.length; i++) {
        const [a, b] = [at[i]! - pt.retention_pct, at[i + 1]! - pt.retention_pct];
        if (a === 0 || a * b < 0) {
          const f = a === 0 ? 0 : a / (a - b);
          meet = `≈ ${(grid[i]! * (grid[i + 1]! / grid[i]!) ** f).toPrecision(2)} MPa`;
          break;
        }
      }
      console.log(`${d.id}_model_meets_published_at: ${meet} (information only: not a fit, no default takes it)`);
      const cond = conditionsOf(d);
      const p = datasetCell(cond, defaultAgeingValues());
      const b = ageingBand(p, {
        cycles: pt.cycles,
        cRate: cond.cRate,
        cutoffs: { vMax_V: p.vMax_V, vMin_V: p.vMin_V },
        endOfLifeRetention: 0,
        samples: 8,
        seed: 1,
      });
      console.log(
        `${d.id}_band_over_parameters: ${(b.retention.low * 100).toFixed(1)}–${(b.retention.high * 100).toFixed(1)} % (median ${(b.retention.median * 100).toFixed(1)}, 8 seeded samples; published ${pt.retention_pct} % ${b.retention.low * 100 <= pt.retention_pct && pt.retention_pct <= b.retention.high * 100 ? 'inside' : 'OUTSIDE'})`,
      );
    }
  }
  // the anode each published cell runs with, and what its own void law makes of a cycle at the nominal conditions
  for (const d of ageingDatasets()) {
    const c = conditionsOf(d);
    const L = datasetCell(c, defaultAgeingValues()).anode.thickness_m;
    const f = anodeMaterialFactors(d.anode.material, 3600 / c.cRate, L);
    console.log(
      `${d.id}_anode: ${d.anode.material} (${d.anode.note}) — void rate ×${f.voidScale.toPrecision(2)} of Li–Al's, ` +
        `breathing strain ×${f.strainScale.toPrecision(3)} (Fo = D·t/L² ${f.fourier.toPrecision(3)} vs Li–Al ${f.fourierLiAl.toPrecision(3)} ` +
        `over a ${(1 / c.cRate).toPrecision(2)} h discharge through ${(L * 1e6).toFixed(0)} µm; data/ageing/anodes.json)`,
    );
  }
  console.log(TYPICAL_CELL_CHECK);
  const rms = (rr: AgeingValidationRow[]): number =>
    Math.sqrt(rr.reduce((s, r) => s + r.residual_pts ** 2, 0) / Math.max(1, rr.length));
  console.log(`ageing_fitted_rms_residual: ${rms(rows.filter((r) => r.role === 'fitted')).toFixed(2)} points`);
  const pointHeldOut = rows.filter((r) => r.role === 'held-out' && !bandOf(r) && r.verdict !== 'outside validity');
  console.log(
    pointHeldOut.length
      ? `ageing_held_out_rms_residual: ${rms(pointHeldOut).toFixed(2)} points`
      : 'ageing_held_out_rms_residual: none (every held-out point has an unpublished condition — judged as a band, above — or lies outside validity)',
  );
  for (const r of rows.filter((x) => x.pressureBand))
    console.log(
      `${r.id}_${r.cycles}_at_nominal_pressure_residual: ${r.residual_pts.toFixed(2)} points (at the assumed ${r.stackPressure_MPa} MPa; not a verdict)`,
    );
  for (const r of rows) console.log(`- [${r.id}] source: ${r.source}`);
}
