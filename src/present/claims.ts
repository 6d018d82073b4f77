/**
 * THE presenter of the claim chart: turns the typed evaluation of src/claims/ (verdicts with their evidence as
 * SI facts) into the public `claims` block of `rollcell run --json` (CONTRACT.md names) and the chart's aligned
 * text. Units, rounding and sentences live here only. The figures it quotes are the ones the run's blocks
 * show, with the same rounding (the line block's 6 decimals in µm, MPa, °C, mm; the cycling's, the design's
 * and the battery's 6 significant digits), so that a chart and its blocks agree figure for figure.
 */
import type { ClaimElement, ClaimResult, Verdict } from '../contract.ts';
import type { StationResult } from '../process/types.ts';
import type { VerdictDependence } from '../process/assumptions.ts';
import type { BatteryResult } from '../battery/run.ts';
import {
  CLAIM_TITLES,
  type BandedVerdict,
  type ClaimEvaluation,
  type ClaimInputs,
  type CyclingClaimInputs,
  type ElementEvaluation,
  type Evidence,
  type Reduction,
  type WindowFacts,
} from '../claims/index.ts';
import { WINDOWS, windowText } from '../recipe/windows.ts';
import { toCelsius, toCm2, toKm, toKWh, toMm, toMPa, toUm } from '../units/index.ts';
import { sig } from './round.ts';
import { lineRound } from './line.ts';

/** 6 significant digits: the cycling, design and battery blocks' rounding */

/** a figure in evidence: 4 significant digits, exponent form outside 1e-3 … 1e5 */
const fmt = (x: number, digits = 3): string => {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return x.toExponential(2);
  return String(Number(x.toPrecision(digits + 1)));
};

const pctText = (f: number): string => `${fmt(100 * f, 3)} %`;

// the line block's figures of a station, as it shows them
const peakMPa = (s: StationResult): number => lineRound(toMPa(s.roll.peakPressure_Pa));
const stationC = (s: StationResult): number => lineRound(toCelsius(s.temperature_K));
const layerUm = (m: number): number => lineRound(toUm(m));

// ---------------------------------------------------------------------------------------------------------
// claim 1's descriptions of the recipe (what the line was told to do)

function modeText(inp: ClaimInputs): string {
  return `line.mode = ${inp.recipe.line.mode}`;
}

function firstSheetText(inp: ClaimInputs): string {
  const fs = inp.recipe.first_sheet;
  return (
    `cathode ${fs.cathode.active_material} ` +
    `${fs.cathode.thickness_um !== undefined ? `${fs.cathode.thickness_um} µm` : `${fs.cathode.loading_mg_cm2} mg/cm²`}` +
    ` + ${fs.electrolyte_layer.material} ${fs.electrolyte_layer.thickness_um} µm, supply ` +
    `${fs.supply}`
  );
}

function alSheetText(inp: ClaimInputs): string {
  const a = inp.recipe.al_sheet;
  return `al_sheet.form = ${a.form}, ${a.thickness_um} µm, al_sheet.placed_on = ${a.placed_on}`;
}

function setText(inp: ClaimInputs, id: '236' | '240'): string {
  const s = inp.recipe.stations[id];
  return `rollers ${id} set to ${s.force_N} N, ${s.temperature_C} °C`;
}

function thirdSheetText(inp: ClaimInputs): string {
  const t = inp.recipe.third_sheet;
  return (
    `third sheet: Li layer ${t.li_layer.thickness_um} µm (${t.li_layer.li_wt_pct} ` +
    `wt % Li) on ${t.conductive_layer.material} ${t.conductive_layer.thickness_um} µm, ` +
    `third_sheet.facing_al = ${t.facing_al}`
  );
}

// ---------------------------------------------------------------------------------------------------------
// evidence sentences

function reductionText(e: Extract<Evidence, { kind: 'reduction' }>): string {
  const st = e.station;
  const what =
    e.what === 'al'
      ? 'Al-containing'
      : 'first composite sheet (cathode + electrolyte' + (e.withCollector ? ' + collector' : '') + ')';
  const r = quotedReduction(e.reduction);
  if (!r)
    return `station ${st.id} reports no ${what} layer (layers: ${st.roll.layers.map((l) => l.name).join(', ') || 'none'})`;
  const ok = e.reduction !== undefined && e.reduction.fraction >= e.resolution;
  let ev =
    `${what} ${fmt(r.in_um)} → ${fmt(r.out_um)} µm at ${st.id}: reduction ` +
    `${pctText(r.fraction)} (${ok ? '≥' : 'below'} the resolution ` +
    `${pctText(e.resolution)})`;
  // what it would take: the force for a 1 % Al reduction with this station's rolls (line model)
  const f = st.alReduction;
  if (!ok && e.what === 'al' && f && f.force_N !== null)
    ev +=
      `; a 1 % Al reduction would need ≈ ${fmt(lineRound(f.force_N))} N` +
      `${f.lineLoad_N_per_m !== null ? ` (${fmt(lineRound(f.lineLoad_N_per_m / 1e3))} N/mm)` : ''} at these rolls, vs ${fmt(st.force_N)}` +
      ` N set`;
  return ev;
}

/** a reduction as the line block shows its layers (µm to 6 decimals), summed */
function quotedReduction(r: Reduction | undefined): { in_um: number; out_um: number; fraction: number } | undefined {
  if (!r) return undefined;
  const tin = r.layers.reduce((s, l) => s + layerUm(l.thickness_in_m), 0);
  const tout = r.layers.reduce((s, l) => s + layerUm(l.thickness_out_m), 0);
  return { in_um: tin, out_um: tout, fraction: tin > 0 ? (tin - tout) / tin : 0 };
}

const unitText = (u: string): string => (u === '1' || u === '' ? '' : ` ${u}`);
const rangeText = (d: VerdictDependence): string =>
  `${fmt(d.assumption.range[0])}–${fmt(d.assumption.range[1])}${unitText(d.assumption.unit)}`;
const dependenceText = (d: VerdictDependence): string =>
  `${d.assumption.label} (assumed ${fmt(d.assumption.value)}${unitText(d.assumption.unit)}; ` +
  `the verdict changes at ${d.flipsAt === null ? '?' : fmt(d.flipsAt)}${unitText(d.assumption.unit)} inside ${rangeText(d)})`;

function crackText(e: Extract<Evidence, { kind: '2.crack' }>, verdict: Verdict): string {
  // the driving ratios as the line block shows them
  const a = lineRound(e.sandwiched);
  const b = lineRound(e.freeStanding);
  const ok = verdict === 'met';
  const flips = e.dependences.filter((d) => d.flips);
  let ev = `crack driving ratio G/Γ sandwiched ${fmt(a)} ${ok ? '<' : '≥'} free-standing ${fmt(b)}${ok && b > 0 ? ` (${pctText(1 - a / b)} lower)` : ''}`;
  if (flips.length > 0) ev += `; ${ok ? 'met' : 'not met'}, depends on ${flips.map(dependenceText).join(' and on ')}`;
  else if (e.dependences.length > 0)
    ev += `; the verdict holds over the plausible range of ${e.dependences.map((d) => `${d.assumption.label} (${rangeText(d)})`).join(', ')}`;
  return ev;
}

/** a window element: the value against the seed's window, or why the run has none */
function windowEvidence(w: WindowFacts, quoted: number | undefined, source: string, absentWhy: string): string {
  if (w.value === undefined || quoted === undefined) return absentWhy;
  return `${w.window.quantity} = ${fmt(quoted)} ${w.window.unit} (${source}); ${w.inside ? 'inside' : 'OUTSIDE'} the window ${windowText(w.window)}`;
}

/** the nip the line computed from the force set at 240 (claims 5–6) */
function nipText(s: StationResult | null): string {
  if (!s) return '; no line results in this run (the nip pressure it gives needs the line model)';
  const r = s.roll;
  return (
    `; the line computed from it a mean nip pressure of ${fmt(lineRound(toMPa(r.meanPressure_Pa)))} MPa (peak ${fmt(peakMPa(s))} MPa)` +
    ` over a contact ${fmt(lineRound(toMm(r.contactLength_m)))} mm long and ${fmt(lineRound(toMm(r.contactWidth_m)))} mm wide`
  );
}

/** the element's evidence with the verdict over the band of its figure (issue 16 item 5) */
function bandText(ev: string, e: ElementEvaluation, b: BandedVerdict | null, unit: string): string {
  if (!b || e.verdict === 'not evaluable') return ev;
  const range = `${fmt(sig(b.low))}–${fmt(sig(b.high))} ${unit}`;
  if (b.verdict.verdict === 'depends') return `${ev}; band ${range}: ${b.verdict.text}`;
  return `${ev}; ${b.verdict.verdict} over the band ${range} (the inputs' documented ranges)`;
}

/** a cycling figure against its window (as the cycling block shows it), with the verdict over its band */
function cyclingWindow(
  e: ElementEvaluation,
  ev: WindowFacts & { readonly band: BandedVerdict | null },
  source: string,
  absentWhy: string,
  unit: string,
): string {
  const quoted = ev.value === undefined ? undefined : sig(ev.value);
  return bandText(windowEvidence(ev, quoted, source, absentWhy), e, ev.band, unit);
}

/** what the simulated pack did, appended to claim 17's evidence (as the battery block shows it) */
function batteryEvidence(b: BatteryResult | null): string {
  if (!b) return '';
  const p = b.pack;
  return (
    `; simulated pack of ${p.cellSource} cells: ` +
    `${sig(p.voltageMin_V).toPrecision(3)}–${sig(p.voltageMax_V).toPrecision(3)} V, ` +
    `${sig(toKWh(p.energyC3_J)).toPrecision(3)} kWh at C/3`
  );
}

/** the duty-profile result, appended to claim 18's evidence */
function batteryUseEvidence(b: BatteryResult | null): string {
  if (!b) return '';
  const d = b.duty;
  const life = batteryLifeEvidence(b);
  if (d.ev)
    return `; simulated on ${b.profile}: ${Number(toKm(d.ev.range_m).toPrecision(5)).toPrecision(3)} km per charge${life}`;
  if (d.roundTripEfficiency !== null)
    return `; simulated on ${b.profile}: round-trip efficiency ${(100 * Number(d.roundTripEfficiency.toPrecision(5))).toPrecision(3)} %${life}`;
  return life;
}

/**
 * The pack's years to end of life with its band (issue 16 item 5), for claim 18's evidence: information
 * beside the verdict (claim 18 sets no service life, so nothing flips)
 */
function batteryLifeEvidence(b: BatteryResult): string {
  const band = b.ageing?.band;
  if (!band) return '';
  const y = band.years_to_end_of_life;
  const f = (v: number | null): string => (typeof v === 'number' ? v.toFixed(1) : `> ${String(y.horizon_years)}`);
  const s = band.sensitivity[0]?.parameter;
  return (
    `; ${f(y.nominal)} years to ${String(band.end_of_life_retention_pct)} % ` +
    (band.formation_days
      ? `of the capacity after formation (formation loss ${band.formation_loss_pct.nominal.toFixed(1)} % in ${band.formation_days} days) `
      : 'capacity ') +
    `(band ${f(y.low)}–${f(y.high)} over the ageing parameters' ranges${s ? `, most sensitive: ${s}` : ''}; no service life is claimed)`
  );
}

/**
 * What the repeated cycling did to the cell, for claim 19's evidence: the retention with its band and the
 * validity of the projection (issue 16) — the verdict (cycles ≥ 2) does not depend on it.
 */
function ageingEvidence(ag: CyclingClaimInputs['ageing']): string {
  if (!ag) return '';
  const pct1 = (f: number): string => sig(f * 100).toFixed(1);
  const parts: string[] = [
    `retention ${pct1(ag.retention)} % after ${String(ag.cycles)} cycles` +
      (ag.band ? ` (band ${pct1(ag.band.low)}–${pct1(ag.band.high)} % over the ageing parameters' ranges)` : ''),
  ];
  if (ag.validityFlags.length > 0) parts.push(ag.validityFlags.join('; '));
  return `; ${parts.join('; ')}`;
}

const APPLICATION_NAMES: Readonly<Record<string, string>> = {
  ev: 'electric vehicle',
  ess_solar: 'energy storage for a solar power generator',
  ess_wind: 'energy storage for a wind generator',
  other: 'other use',
};

/** One element's evidence as a sentence. */
export function evidenceText(e: ElementEvaluation, inp: ClaimInputs): string {
  const r = inp.recipe;
  const ev = e.evidence;
  switch (ev.kind) {
    case '1a.batch':
      return `${modeText(inp)}: the sheets are not supplied continuously; ${firstSheetText(inp)}`;
    case '1a.not_bonded_222':
      return (
        `${modeText(inp)}; the cathode and electrolyte layers did NOT bond at rollers 222 (bonded ` +
        `= false, peak ${fmt(peakMPa(ev.station))} MPa): no first composite sheet forms`
      );
    case '1a.supplied':
      return `${modeText(inp)}; ${firstSheetText(inp)}${ev.station222 ? `; rollers 222 bonded (peak ${fmt(peakMPa(ev.station222))} MPa)` : ''}`;
    case '1b.batch':
    case '1b.supplied':
      return `${modeText(inp)}; ${alSheetText(inp)}`;
    case '1b.not_on_electrolyte':
      return `${alSheetText(inp)}: the Al sheet is not placed on the solid electrolyte layer`;
    case '1b.carrier_stays':
      return `${alSheetText(inp)}; the plastic carrier stays between the Al layer and the electrolyte (al_sheet.carrier.removed_before = never)`;
    case '1c.batch':
      return `${modeText(inp)}; ${setText(inp, '236')}`;
    case '1c.no_line':
      return `${setText(inp, '236')}, but the run has no line results for station 236 (whether the Al bonds to the electrolyte needs the line model)`;
    case '1c.bond': {
      const s = ev.station;
      return s.bond.bonded
        ? `station 236: bonded = true at ${fmt(s.force_N)} N, peak ${fmt(peakMPa(s))} MPa, ${fmt(stationC(s))} °C`
        : `station 236: bonded = false at ${fmt(s.force_N)} N, peak ${fmt(peakMPa(s))} MPa — no second composite sheet forms`;
    }
    case '1d.batch':
      return `${modeText(inp)}; ${thirdSheetText(inp)}`;
    case '1d.not_interposed':
      return (
        `${thirdSheetText(inp)}: the conductive layer, not the Li-containing layer, meets the Al — the Li-containing ` +
        `layer is NOT interposed between the Al-containing layer and the conductive layer`
      );
    case '1d.interposed':
      return `${modeText(inp)}; ${thirdSheetText(inp)}: Li-containing layer interposed between the Al-containing layer and the conductive layer`;
    case '1e.batch':
      return `${modeText(inp)}; ${setText(inp, '240')}`;
    case '1e.not_interposed':
      return (
        `third_sheet.facing_al = ${r.third_sheet.facing_al}: the Li-containing and Al-containing layers are not in contact, so they are not ` +
        `compressed together and are not interposed between the conductive layer and the first ` +
        `composite sheet`
      );
    case '1e.no_line':
      return `${setText(inp, '240')}, but the run has no line results for station 240 and the anode (bond and Li–Al alloy formation need the line model)`;
    case '1e.not_bonded':
      return `station 240: bonded = false at ${fmt(ev.station.force_N)} N, peak ${fmt(peakMPa(ev.station))} MPa — the third sheet does not bond`;
    case '1e.alloy': {
      const s = ev.station;
      // the phase fractions as the line block shows them
      const f = {
        Al: lineRound(ev.fractions.Al),
        LiAl: lineRound(ev.fractions.LiAl),
        Li3Al2: lineRound(ev.fractions.Li3Al2),
        Li9Al4: lineRound(ev.fractions.Li9Al4),
      };
      const alloyed = f.LiAl + f.Li3Al2 + f.Li9Al4;
      const phases = `al_fractions Al ${fmt(f.Al)}, LiAl ${fmt(f.LiAl)}, Li3Al2 ${fmt(f.Li3Al2)}, Li9Al4 ${fmt(f.Li9Al4)}`;
      if (e.verdict !== 'met')
        return (
          `station 240 bonded, but only ${pctText(alloyed)} of the Al is in a Li–Al phase (< ` +
          `${pctText(ev.threshold)}): no prelithiated anode forms (${phases})`
        );
      return (
        `station 240: bonded = true at ${fmt(s.force_N)} N, peak ${fmt(peakMPa(s))}` +
        ` MPa, ${fmt(stationC(s))} °C; Li–Al alloy formed: ${pctText(alloyed)} of the Al lithiated (` +
        `${phases}); anode ${fmt(layerUm(ev.anodeThickness_m))} µm between ` +
        `${r.third_sheet.conductive_layer.material} and the electrolyte`
      );
    }
    case 'parent': {
      const v = ev.verdict;
      const why = v === 'met' ? 'is met' : v === 'not met' ? 'is NOT met' : 'is not evaluable';
      return `claim ${ev.parent} ${why}${v === 'met' ? '' : ` (see claim ${ev.parent})`}`;
    }
    case '2.no_line':
      return 'the run has no line results (crack model)';
    case '2.crack':
      return crackText(ev, e.verdict);
    case 'reduction.no_line':
      return `the run has no line results for station ${ev.station} (layer thickness in/out); a reduction is not assumed`;
    case 'reduction':
      return reductionText(ev);
    case 'force_240':
      return windowEvidence(ev, ev.value, `set point stations.240.force_N${nipText(ev.station)}`, '');
    case 'heating': {
      const T = ev.temperature_C;
      const w = WINDOWS.heating_240;
      const upper = T > w.max ? `; above the ${w.max} °C end of [0204]'s range, which claim 7 does not limit` : '';
      return (
        `nip temperature ${fmt(T)} °C (set point stations.240.temperature_C); heating means above ambient (${ev.ambient_C} ` +
        `°C) and at least ${w.min} °C: ${ev.heated ? 'heated' : 'NOT heated'}${upper}`
      );
    }
    case 'conductive_material': {
      const m = r.third_sheet.conductive_layer.material;
      return `third_sheet.conductive_layer.material = ${m}${ev.copper ? '' : ' (no copper)'}`;
    }
    case 'collector': {
      const cc = r.first_sheet.current_collector;
      return cc
        ? `first_sheet.current_collector = ${cc.material} ${cc.thickness_um} µm${ev.alContaining ? '' : ' (not Al-containing)'}`
        : 'first_sheet.current_collector is absent: no second Al-containing sheet over the cathode';
    }
    case '10a.particles': {
      const p = r.al_sheet.form === 'particles_on_carrier' ? r.al_sheet.particles : undefined;
      return (
        `al_sheet.form = particles_on_carrier; binder ${p?.binder ?? 'PVDF (default)'} ` +
        `${p?.binder_wt_pct ?? 5} wt %, particles ${p?.particle_diameter_um ?? 3} µm`
      );
    }
    case '10a.no_particles':
      return `al_sheet.form = ${r.al_sheet.form}: no Al particles and binder`;
    case '10b.removed': {
      const c = r.al_sheet.carrier!;
      return `carrier ${c.material} ${c.thickness_um} µm removed before station ${c.removed_before}`;
    }
    case '10b.kept': {
      const c = r.al_sheet.carrier;
      return c
        ? `carrier ${c.material} removed_before = ${c.removed_before}`
        : 'al_sheet.carrier is absent: no plastic layer is removed';
    }
    case '11.form': {
      const a = r.al_sheet;
      return (
        `al_sheet.form = ${a.form}` +
        `${a.form === 'foil' ? `, ${a.thickness_um} µm, ${a.purity_pct} % Al, temper ${a.temper}` : ''}`
      );
    }
    case 'anode_thickness':
      return windowEvidence(
        ev,
        ev.value === undefined ? undefined : lineRound(ev.value),
        'line result line.anode.thickness_um',
        'the run has no line results (line.anode.thickness_um): the prelithiated anode is made at 240 and its thickness needs the line model',
      );
    case 'specific_capacity':
      return cyclingWindow(
        e,
        ev,
        'cycling.discharge_capacity_mAh_g, per g of cathode active material',
        'the run has no cycling results (cycling.discharge_capacity_mAh_g): the capacity needs the cycler',
        'mAh/g',
      );
    case 'cell_thickness':
      // the line block's layers leaving 240 (µm to 6 decimals), summed; or the design block's stack
      return windowEvidence(
        ev,
        ev.from === 'line' ? lineStackUm(inp) : sig(toUm(inp.design.thickness_m)),
        ev.from === 'line'
          ? 'sum of the layers leaving station 240'
          : 'design stack before rolling (roll bonding only thins it)',
        '',
      );
    case 'stack_pressure':
      return windowEvidence(ev, ev.value, 'recipe cell.stack_pressure_MPa', '');
    case 'c_rate':
      return cyclingWindow(
        e,
        ev,
        'cycling.max_c_rate',
        ev.hasCycling
          ? 'the cycling results carry no rate-capability figure (cycling.max_c_rate): the C-rate the cell sustains is not known'
          : 'the run has no cycling results (cycling.max_c_rate)',
        'C',
      );
    case '17.no_battery':
      return 'the recipe has no battery block: no battery is made of these cells';
    case '17.cells': {
      const b = r.battery!;
      const n = ev.cells;
      return `battery ${b.series}s${b.parallel}p = ${n} cell${n === 1 ? '' : 's'} (${n >= 2 ? '≥' : '<'} 2)${batteryEvidence(ev.battery)}`;
    }
    case '18.no_battery':
      return 'the recipe has no battery block';
    case '18.use': {
      const app = r.battery!.application;
      return `battery.application = ${app} (${APPLICATION_NAMES[app]})${batteryUseEvidence(ev.battery)}`;
    }
    case '19f.no_cycles':
      return ev.hasCycling
        ? 'the cycling results do not say how many cycles were run (cycling.cycles)'
        : 'the run has no cycling results';
    case '19f.cycles': {
      const n = ev.cycles;
      return `cycling.cycles = ${n} (${n >= 2 ? '≥' : '<'} 2: ${n >= 2 ? 'repeated' : 'not repeated'})${ageingEvidence(ev.ageing)}`;
    }
    case '20f.none_made':
      return 'the production run made no cells';
    case 'validity':
      return ev.findings
        .map((f) => `${f.kind === 'impossible' ? 'physically impossible' : 'outside model validity'}: ${f.reason}`)
        .join('; ');
    case '20f.cell': {
      const p = ev.production;
      return (
        `the run's cell: ${fmt(sig(toUm(ev.design.thickness_m)))} µm, ` +
        `${fmt(sig(toCm2(ev.design.area_m2)))} cm² (design)` +
        `${p ? `; production made ${p.cellsTotal} cells, ${p.cellsInSpec} in spec` : ''}`
      );
    }
  }
}

/** the cell leaving 240 as the line block shows its layers (µm to 6 decimals), summed */
function lineStackUm(inp: ClaimInputs): number {
  const s = inp.line?.stations.find((x) => x.id === '240');
  return (s?.roll.layers ?? []).reduce((a, l) => a + layerUm(l.thickness_out_m), 0);
}

function reasonOf(verdict: Verdict, elements: readonly ClaimElement[]): string {
  if (verdict === 'met') return 'every element is met';
  const bad = elements.filter((e) => e.verdict === verdict);
  return bad.map((e) => `${e.id}: ${e.evidence}`).join('; ');
}

/** The contract's `claims` block of an evaluation. */
export function presentClaims(claims: readonly ClaimEvaluation[], inp: ClaimInputs): ClaimResult[] {
  return claims.map((c) => {
    const elements: ClaimElement[] = c.elements.map((e) => {
      const out: ClaimElement = { id: e.id, text: e.text, verdict: e.verdict, evidence: evidenceText(e, inp) };
      if (e.paragraph !== undefined) out.paragraph = e.paragraph;
      if (e.dependsOnAssumptions) out.depends_on_assumptions = [...e.dependsOnAssumptions];
      return out;
    });
    const res: ClaimResult = {
      claim: c.claim,
      verdict: c.verdict,
      elements,
      title: CLAIM_TITLES[c.claim],
      reason: reasonOf(c.verdict, elements),
    };
    if (c.dependsOn !== undefined) res.depends_on = c.dependsOn;
    const cited = c.outsideValidity ?? [];
    if (cited.length > 0) {
      // the figures its evidence cites are outside validity: the last element says so, the claim lists them
      const text = cited.map((f) => f.reason).join('; ');
      const last = elements[elements.length - 1];
      if (last) last.evidence = `${last.evidence}; outside model validity (the verdict does not rest on it): ${text}`;
      res.outside_validity = cited.map((f) => f.reason);
    }
    return res;
  });
}

// ---------------------------------------------------------------------------------------------------------
// text renderer

function wrap(s: string, width: number): string[] {
  const words = s.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur.length === 0) cur = w;
    else if (cur.length + 1 + w.length <= width) cur += ' ' + w;
    else {
      lines.push(cur);
      cur = w;
    }
  }
  if (cur.length > 0 || lines.length === 0) lines.push(cur);
  // hard-break words longer than the width
  return lines.flatMap((l) => (l.length <= width ? [l] : (l.match(new RegExp(`.{1,${width}}`, 'g')) ?? [l])));
}

/**
 * Aligned text table of a claim chart: one block per claim (verdict, title), then one row per element
 * (id, verdict, evidence wrapped to the width, paragraph).
 */
export function formatClaimChart(claims: readonly ClaimResult[], width = 110): string {
  const idW = Math.max(6, ...claims.flatMap((c) => c.elements.map((e) => e.id.length + 2)));
  const vW = 'not evaluable'.length;
  const pW = Math.max(9, ...claims.flatMap((c) => c.elements.map((e) => (e.paragraph ?? '').length)));
  const evW = Math.max(30, width - idW - vW - pW - 6);
  const rule = '-'.repeat(idW + vW + evW + pW + 6);
  const row = (a: string, b: string, c: string, d: string): string =>
    `${a.padEnd(idW)}  ${b.padEnd(vW)}  ${c.padEnd(evW)}  ${d}`.trimEnd();
  const out: string[] = [row('claim', 'verdict', 'element / evidence', 'paragraph'), rule];
  for (const c of claims) {
    const title = c.title ?? '';
    const dep = c.depends_on !== undefined ? ` (depends on ${c.depends_on})` : '';
    const head = wrap(`${title}${dep}`, evW);
    out.push(row(String(c.claim), c.verdict.toUpperCase(), head[0] ?? '', ''));
    for (const l of head.slice(1)) out.push(row('', '', l, ''));
    for (const e of c.elements) {
      const lines = wrap(`${e.text} — ${e.evidence}`, evW - 2);
      out.push(row(`  ${e.id}`, e.verdict, `  ${lines[0] ?? ''}`, e.paragraph ?? ''));
      for (const l of lines.slice(1)) out.push(row('', '', `  ${l}`, ''));
    }
    out.push(rule);
  }
  const n = (v: Verdict): number => claims.filter((c) => c.verdict === v).length;
  out.push(`${claims.length} claims: ${n('met')} met, ${n('not met')} not met, ${n('not evaluable')} not evaluable`);
  return out.join('\n');
}
