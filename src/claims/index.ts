/**
 * Claim chart for US 2025/0266422 A1, claims 1–20: each claim split into its elements, each element
 * evaluated against the recipe (what the line was told to do) and the run's results (what the line
 * physics, the cycler and the battery model say happened), with evidence (value, window, paragraph).
 *
 * Verdicts: an element is 'met', 'not met', or 'not evaluable' (the result it needs is absent from the
 * run — e.g. no line block, no cycling block). A claim is 'not met' when any element is not met,
 * otherwise 'not evaluable' when any element is not evaluable, otherwise 'met'. A dependent claim carries
 * its parent as an element, so it is met only if its parent is met and not met if its parent is not met.
 *
 * Pure: no I/O. The windows come from ../recipe/windows.ts (the seed's paragraphs).
 */
import type { Recipe } from '../recipe/schema.ts';
import type {
  ClaimElement,
  ClaimResult,
  CyclingBlock,
  LayerRole as ContractLayerRole,
  LineBlock,
  RunOutput,
  StationBlock,
  StationLayer,
  Verdict,
} from '../contract.ts';
import { WINDOWS, inWindow, windowText, type ClaimWindow } from '../recipe/windows.ts';
import { getMaterial } from '../materials/library.ts';

/**
 * Smallest relative thickness reduction counted as "reduces a thickness" (claims 3, 4): 0.1 %. Assumption —
 * about the repeatability of a contact micrometer on a 100 µm laminate (±0.1 µm), i.e. below it a
 * reduction could not be shown by the measurement the seed names in [0178].
 */
export const THICKNESS_REDUCTION_RESOLUTION = 0.001;

/**
 * Smallest fraction of the anode's Al atoms in a Li–Al phase (LiAl, Li3Al2, Li9Al4) counted as "a
 * prelithiated anode formed" (claim 1, last element; [0200] "a metal alloy formed from the lithium
 * containing layer and the aluminum containing layer"): 1 %. Assumption — about the XRD detection
 * limit of a second phase (≈1 vol %).
 */
export const ALLOY_FORMED_MIN_FRACTION = 0.01;

/** Ambient reference for "heating" (claim 7): 25 °C. Assumption (IUPAC standard ambient temperature, 298.15 K). */
export const AMBIENT_C = 25;

export const CLAIM_PARENTS: Readonly<Record<number, number | undefined>> = {
  2: 1,
  3: 1,
  4: 1,
  5: 1,
  6: 1,
  7: 1,
  8: 1,
  9: 1,
  10: 1,
  11: 1,
  12: 1,
  13: 1,
  14: 13,
  15: 13,
  16: 13,
  17: 13,
  18: 17,
};

/** One-line summary of each claim (for the chart and the report). */
export const CLAIM_TITLES: Readonly<Record<number, string>> = {
  1: 'method of making a cell: continuous supply, roll bonding at 236 and 240, prelithiated anode',
  2: 'sandwiched roll bonding inhibits cracking of the prelithiated anode',
  3: 'roll bonding at 236 reduces the thickness of the Al sheet and the first composite sheet',
  4: 'roll bonding at 240 reduces the thickness of the Al sheet and the first composite sheet',
  5: 'isostatic pressure at 240 of 150–500 N',
  6: 'force at 240 of 150–500 N',
  7: 'heating while roll bonding at 240',
  8: 'the conductive layer comprises copper',
  9: 'the first composite sheet has a second Al-containing sheet over the cathode',
  10: 'Al particles + binder, plastic layer removed',
  11: 'the Al-containing sheet is an Al foil',
  12: 'prelithiated anode 10–100 µm thick',
  13: 'cell assembly with a specific capacity of at least 100 mAh/g',
  14: 'cell assembly 1 mm thick or less',
  15: 'cell assembly under 1–10 MPa',
  16: 'cell assembly C-rate of at least 0.33',
  17: 'solid state battery of at least two cell assemblies of claim 13',
  18: 'electric vehicle or wind/solar energy storage system with the battery of claim 17',
  19: 'method of use: repeatedly charging and discharging cells made by the method',
  20: 'a cell produced by the method (product-by-process)',
};

// ---------------------------------------------------------------------------------------------------------
// small helpers

const el = (id: string, text: string, verdict: Verdict, evidence: string, paragraph?: string): ClaimElement =>
  paragraph === undefined ? { id, text, verdict, evidence } : { id, text, verdict, evidence, paragraph };

const fmt = (x: number, digits = 3): string => {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return x.toExponential(2);
  return String(Number(x.toPrecision(digits + 1)));
};

const pctText = (f: number): string => `${fmt(100 * f, 3)} %`;

/** whether a material (library id) contains a chemical element, by its formula (falls back to the id) */
export function materialContains(id: string, element: string): boolean {
  const re = new RegExp(`${element}(?![a-z])`);
  let formula: string;
  try {
    formula = getMaterial(id).formula ?? id;
  } catch {
    formula = id;
  }
  return re.test(formula) || re.test(id);
}

/** combine element verdicts into a claim verdict */
export function combine(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.some((v) => v === 'not met')) return 'not met';
  if (verdicts.some((v) => v === 'not evaluable')) return 'not evaluable';
  return 'met';
}

function windowElement(
  id: string,
  text: string,
  w: ClaimWindow,
  value: number | undefined,
  source: string,
  absentWhy: string,
): ClaimElement {
  if (value === undefined || !Number.isFinite(value)) return el(id, text, 'not evaluable', absentWhy, w.paragraph);
  const inside = inWindow(w, value);
  return el(
    id,
    text,
    inside ? 'met' : 'not met',
    `${w.quantity} = ${fmt(value)} ${w.unit} (${source}); ${inside ? 'inside' : 'OUTSIDE'} the window ${windowText(w)}`,
    w.paragraph,
  );
}

// ---------------------------------------------------------------------------------------------------------
// station layers: the role the line set on each layer (runs stored before roles existed read as 'other')

export type SectionRole = ContractLayerRole | 'other';

export function layerRole(l: { role?: ContractLayerRole }): SectionRole {
  return l.role ?? 'other';
}

function station(line: LineBlock | undefined, id: '222' | '236' | '240'): StationBlock | undefined {
  return line?.stations.find((s) => s.id === id);
}

interface Reduction {
  in_um: number;
  out_um: number;
  fraction: number;
}

function reductionOf(layers: readonly StationLayer[], roles: readonly SectionRole[]): Reduction | undefined {
  const sel = layers.filter((l) => roles.includes(layerRole(l)));
  if (sel.length === 0) return undefined;
  const tin = sel.reduce((s, l) => s + l.thickness_in_um, 0);
  const tout = sel.reduce((s, l) => s + l.thickness_out_um, 0);
  if (!(tin > 0) || !Number.isFinite(tout)) return undefined;
  return { in_um: tin, out_um: tout, fraction: (tin - tout) / tin };
}

/** first composite sheet: the cathode, the electrolyte and (claim 9) the collector formed over the cathode */
const FIRST_SHEET_ROLES: readonly SectionRole[] = ['collector', 'cathode', 'electrolyte'];

function reductionElement(
  id: string,
  text: string,
  what: string,
  r: Reduction | undefined,
  st: StationBlock,
  paragraph: string,
): ClaimElement {
  if (!r)
    return el(
      id,
      text,
      'not evaluable',
      `station ${st.id} reports no ${what} layer (layers: ${st.layers.map((l) => l.name).join(', ') || 'none'})`,
      paragraph,
    );
  const ok = r.fraction >= THICKNESS_REDUCTION_RESOLUTION;
  let ev =
    `${what} ${fmt(r.in_um)} → ${fmt(r.out_um)} µm at ${st.id}: reduction ` +
    `${pctText(r.fraction)} (${ok ? '≥' : 'below'} the resolution ` +
    `${pctText(THICKNESS_REDUCTION_RESOLUTION)})`;
  // what it would take: the force for a 1 % Al reduction with this station's rolls (line model)
  const need = st.al_reduction_1pct_force_N;
  const load = st.al_reduction_1pct_line_load_N_per_mm;
  if (!ok && /Al/.test(what) && typeof need === 'number')
    ev +=
      `; a 1 % Al reduction would need ≈ ${fmt(need)} N` +
      `${typeof load === 'number' ? ` (${fmt(load)} N/mm)` : ''} at these rolls, vs ${fmt(st.force_N)}` +
      ` N set`;
  return el(id, text, ok ? 'met' : 'not met', ev, paragraph);
}

// ---------------------------------------------------------------------------------------------------------
// claim 1's elements (also claims 19 and 20)

function claim1Elements(r: Recipe, o: RunOutput, prefix: string): ClaimElement[] {
  const line = o.line;
  const continuous = r.line.mode === 'continuous';
  const modeText = `line.mode = ${r.line.mode}`;
  const out: ClaimElement[] = [];

  // (a) continuously supplying a first composite sheet: cathode layer + SE layer formed on the cathode
  {
    const text =
      'continuously supplying a first composite sheet comprising a cathode layer and a solid electrolyte layer formed on the cathode layer';
    const fs = r.first_sheet;
    const comp =
      `cathode ${fs.cathode.active_material} ` +
      `${fs.cathode.thickness_um !== undefined ? `${fs.cathode.thickness_um} µm` : `${fs.cathode.loading_mg_cm2} mg/cm²`}` +
      ` + ${fs.electrolyte_layer.material} ${fs.electrolyte_layer.thickness_um} µm, supply ` +
      `${fs.supply}`;
    const s222 = station(line, '222');
    if (!continuous)
      out.push(
        el(`${prefix}a`, text, 'not met', `${modeText}: the sheets are not supplied continuously; ${comp}`, '[0184]'),
      );
    else if (fs.supply === 'in_situ' && s222 && !s222.bonded)
      out.push(
        el(
          `${prefix}a`,
          text,
          'not met',
          `${modeText}; the cathode and electrolyte layers did NOT bond at rollers 222 (bonded ` +
            `= false, peak ${fmt(s222.peak_pressure_MPa)} MPa): no first composite sheet forms`,
          '[0189]',
        ),
      );
    else
      out.push(
        el(
          `${prefix}a`,
          text,
          'met',
          `${modeText}; ${comp}${s222 ? `; rollers 222 bonded (peak ${fmt(s222.peak_pressure_MPa)} MPa)` : ''}`,
          '[0184]–[0189]',
        ),
      );
  }

  // (b) continuously supplying an Al-containing sheet placed on the SE layer
  {
    const text =
      'continuously supplying an aluminum-containing sheet over the first composite sheet such that it is placed on the solid electrolyte layer';
    const a = r.al_sheet;
    const desc = `al_sheet.form = ${a.form}, ${a.thickness_um} µm, al_sheet.placed_on = ${a.placed_on}`;
    if (!continuous) out.push(el(`${prefix}b`, text, 'not met', `${modeText}; ${desc}`, '[0190]'));
    else if (a.placed_on !== 'electrolyte_layer')
      out.push(
        el(
          `${prefix}b`,
          text,
          'not met',
          `${desc}: the Al sheet is not placed on the solid electrolyte layer`,
          '[0190]',
        ),
      );
    else if (a.form === 'particles_on_carrier' && a.carrier && a.carrier.removed_before === 'never')
      out.push(
        el(
          `${prefix}b`,
          text,
          'not met',
          `${desc}; the plastic carrier stays between the Al layer and the electrolyte (al_sheet.carrier.removed_before = never)`,
          '[0192]',
        ),
      );
    else out.push(el(`${prefix}b`, text, 'met', `${modeText}; ${desc}`, '[0190]'));
  }

  // (c) continuously roll-bonding at 236 → second composite sheet
  {
    const text =
      'continuously roll-bonding the aluminum-containing sheet and the first composite sheet to ' +
      'provide a second composite sheet (cathode, SE, Al-containing layer)';
    const s = station(line, '236');
    const set = `rollers 236 set to ${r.stations['236'].force_N} N, ${r.stations['236'].temperature_C} °C`;
    if (!continuous) out.push(el(`${prefix}c`, text, 'not met', `${modeText}; ${set}`, '[0193]'));
    else if (!s)
      out.push(
        el(
          `${prefix}c`,
          text,
          'not evaluable',
          `${set}, but the run has no line results for station 236 (whether the Al bonds to the electrolyte needs the line model)`,
          '[0193]–[0194]',
        ),
      );
    else if (!s.bonded)
      out.push(
        el(
          `${prefix}c`,
          text,
          'not met',
          `station 236: bonded = false at ${fmt(s.force_N)} N, peak ${fmt(s.peak_pressure_MPa)} MPa — no second composite sheet forms`,
          '[0193]–[0194]',
        ),
      );
    else
      out.push(
        el(
          `${prefix}c`,
          text,
          'met',
          `station 236: bonded = true at ${fmt(s.force_N)} N, peak ${fmt(s.peak_pressure_MPa)} MPa, ${fmt(s.temperature_C)} °C`,
          '[0193]–[0194]',
        ),
      );
  }

  // (d) third composite sheet (Li layer + conductive layer), Li on the Al, Li interposed between Al and conductive layer
  const interposed = r.third_sheet.facing_al === 'li_layer';
  {
    const text =
      'continuously supplying a third composite sheet (lithium-containing layer + conductive ' +
      'layer) with the lithium-containing layer placed on the aluminum-containing layer and ' +
      'interposed between it and the conductive layer';
    const t = r.third_sheet;
    const desc =
      `third sheet: Li layer ${t.li_layer.thickness_um} µm (${t.li_layer.li_wt_pct} ` +
      `wt % Li) on ${t.conductive_layer.material} ${t.conductive_layer.thickness_um} µm, ` +
      `third_sheet.facing_al = ${t.facing_al}`;
    if (!continuous) out.push(el(`${prefix}d`, text, 'not met', `${modeText}; ${desc}`, '[0197]'));
    else if (!interposed)
      out.push(
        el(
          `${prefix}d`,
          text,
          'not met',
          `${desc}: the conductive layer, not the Li-containing layer, meets the Al — the Li-containing ` +
            `layer is NOT interposed between the Al-containing layer and the conductive layer`,
          '[0197]',
        ),
      );
    else
      out.push(
        el(
          `${prefix}d`,
          text,
          'met',
          `${modeText}; ${desc}: Li-containing layer interposed between the Al-containing layer and the conductive layer`,
          '[0197]',
        ),
      );
  }

  // (e) roll-bonding at 240: Li + Al compressed together into a prelithiated anode, interposed between conductive layer and first sheet
  {
    const text =
      'continuously roll-bonding the second and third composite sheets so that the Li-containing ' +
      'and Al-containing layers are compressed together to form a prelithiated anode while ' +
      'interposed between the conductive layer and the first composite sheet';
    const s = station(line, '240');
    const set = `rollers 240 set to ${r.stations['240'].force_N} N, ${r.stations['240'].temperature_C} °C`;
    if (!continuous) out.push(el(`${prefix}e`, text, 'not met', `${modeText}; ${set}`, '[0200]'));
    else if (!interposed)
      out.push(
        el(
          `${prefix}e`,
          text,
          'not met',
          `third_sheet.facing_al = ${r.third_sheet.facing_al}: the Li-containing and Al-containing layers are not in contact, so they are not ` +
            `compressed together and are not interposed between the conductive layer and the first ` +
            `composite sheet`,
          '[0200]',
        ),
      );
    else if (!s || !line)
      out.push(
        el(
          `${prefix}e`,
          text,
          'not evaluable',
          `${set}, but the run has no line results for station 240 and the anode (bond and Li–Al alloy formation need the line model)`,
          '[0200]',
        ),
      );
    else if (!s.bonded)
      out.push(
        el(
          `${prefix}e`,
          text,
          'not met',
          `station 240: bonded = false at ${fmt(s.force_N)} N, peak ${fmt(s.peak_pressure_MPa)} MPa — the third sheet does not bond`,
          '[0200]',
        ),
      );
    else {
      const f = line.anode.al_fractions;
      const alloyed = f.LiAl + f.Li3Al2 + f.Li9Al4;
      const phases = `al_fractions Al ${fmt(f.Al)}, LiAl ${fmt(f.LiAl)}, Li3Al2 ${fmt(f.Li3Al2)}, Li9Al4 ${fmt(f.Li9Al4)}`;
      if (!(alloyed >= ALLOY_FORMED_MIN_FRACTION))
        out.push(
          el(
            `${prefix}e`,
            text,
            'not met',
            `station 240 bonded, but only ${pctText(alloyed)} of the Al is in a Li–Al phase (< ` +
              `${pctText(ALLOY_FORMED_MIN_FRACTION)}): no prelithiated anode forms (${phases})`,
            '[0200]',
          ),
        );
      else
        out.push(
          el(
            `${prefix}e`,
            text,
            'met',
            `station 240: bonded = true at ${fmt(s.force_N)} N, peak ${fmt(s.peak_pressure_MPa)}` +
              ` MPa, ${fmt(s.temperature_C)} °C; Li–Al alloy formed: ${pctText(alloyed)} of the Al lithiated (` +
              `${phases}); anode ${fmt(line.anode.thickness_um)} µm between ` +
              `${r.third_sheet.conductive_layer.material} and the electrolyte`,
            '[0200]',
          ),
        );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

function parentElement(claim: number, parent: ClaimResult): ClaimElement {
  const v = parent.verdict;
  const why = v === 'met' ? 'is met' : v === 'not met' ? 'is NOT met' : 'is not evaluable';
  return el(
    `${claim}.parent`,
    `the method of claim ${parent.claim}`,
    v,
    `claim ${parent.claim} ${why}${v === 'met' ? '' : ` (see claim ${parent.claim})`}`,
  );
}

function reasonOf(verdict: Verdict, elements: readonly ClaimElement[]): string {
  if (verdict === 'met') return 'every element is met';
  const bad = elements.filter((e) => e.verdict === verdict);
  return bad.map((e) => `${e.id}: ${e.evidence}`).join('; ');
}

function finish(claim: number, elements: ClaimElement[], parent?: ClaimResult): ClaimResult {
  const all = parent ? [parentElement(claim, parent), ...elements] : elements;
  const verdict = combine(all.map((e) => e.verdict));
  const res: ClaimResult = {
    claim,
    verdict,
    elements: all,
    title: CLAIM_TITLES[claim],
    reason: reasonOf(verdict, all),
  };
  if (parent) res.depends_on = parent.claim;
  return res;
}

/** a verdict scan over an assumption, as the line block presents it (`claim2_depends_on`) */
interface Dependence {
  parameter: string;
  label: string;
  unit: string;
  value: number;
  range: [number, number];
  flips: boolean;
  flipsAt: number | null;
}

/** the line block's verdict scans over the assumptions (`claim2_depends_on`) */
function crackDependences(raw: LineBlock['crack']['claim2_depends_on']): Dependence[] {
  return (raw ?? []).map((d) => ({
    parameter: d.parameter,
    label: d.label,
    unit: d.unit,
    value: d.value,
    range: [d.range[0]!, d.range[1]!],
    flips: d.flips_in_range,
    flipsAt: d.flips_at,
  }));
}

const unitText = (u: string): string => (u === '1' || u === '' ? '' : ` ${u}`);
const rangeText = (d: Dependence): string => `${fmt(d.range[0])}–${fmt(d.range[1])}${unitText(d.unit)}`;
const dependenceText = (d: Dependence): string =>
  `${d.label} (assumed ${fmt(d.value)}${unitText(d.unit)}; ` +
  `the verdict changes at ${d.flipsAt === null ? '?' : fmt(d.flipsAt)}${unitText(d.unit)} inside ${rangeText(d)})`;

/**
 * Evaluate claims 1–20 of US 2025/0266422 A1 against a recipe and a run's output. Absent result blocks
 * (line, cycling, battery) make the elements that need them 'not evaluable', with the reason.
 */
export function evaluateClaims(recipe: Recipe, output: RunOutput): ClaimResult[] {
  const r = recipe;
  const o = output;
  const line = o.line;
  const cyc = o.cycling;
  const byNo = new Map<number, ClaimResult>();
  const put = (c: ClaimResult): void => {
    byNo.set(c.claim, c);
  };
  const P = (n: number): ClaimResult => byNo.get(n)!;

  // claim 1
  put(finish(1, claim1Elements(r, o, '1')));

  // claim 2: crack inhibition, sandwiched vs free-standing
  {
    const text =
      'roll bonding sandwiched between the conductive layer and the first composite sheet ' +
      'substantially inhibits crack formation in the prelithiated anode compared with Li and Al ' +
      'layers not so interposed';
    let e: ClaimElement;
    if (!line) e = el('2a', text, 'not evaluable', 'the run has no line results (crack model)', '[0201]');
    else {
      // the uncapped driving ratios G/Γ when the block has them (two capped risks of 1 would tie)
      const ratio = (c: LineBlock['crack']['sandwiched']): number => c.driving_ratio ?? c.risk;
      const a = ratio(line.crack.sandwiched);
      const b = ratio(line.crack.free_standing);
      const ok = a < b;
      const deps = crackDependences(line.crack.claim2_depends_on);
      const flips = deps.filter((d) => d.flips);
      let ev = `crack driving ratio G/Γ sandwiched ${fmt(a)} ${ok ? '<' : '≥'} free-standing ${fmt(b)}${ok && b > 0 ? ` (${pctText(1 - a / b)} lower)` : ''}`;
      if (flips.length > 0)
        ev += `; ${ok ? 'met' : 'not met'}, depends on ${flips.map(dependenceText).join(' and on ')}`;
      else if (deps.length > 0)
        ev += `; the verdict holds over the plausible range of ${deps.map((d) => `${d.label} (${rangeText(d)})`).join(', ')}`;
      e = el('2a', text, ok ? 'met' : 'not met', ev, '[0201]');
      if (flips.length > 0) e.depends_on_assumptions = flips.map((d) => d.parameter);
    }
    put(finish(2, [e], P(1)));
  }

  // claims 3 and 4: thickness reduction at 236 and at 240
  for (const [claim, sid, para] of [
    [3, '236', '[0195]'],
    [4, '240', '[0202]'],
  ] as const) {
    const s = station(line, sid);
    const els: ClaimElement[] = [];
    const tAl = `roll bonding at ${sid} reduces the thickness of the aluminum-containing sheet`;
    const tFs = `roll bonding at ${sid} reduces the thickness of the first composite sheet`;
    if (!s) {
      const why = `the run has no line results for station ${sid} (layer thickness in/out); a reduction is not assumed`;
      els.push(el(`${claim}a`, tAl, 'not evaluable', why, para), el(`${claim}b`, tFs, 'not evaluable', why, para));
    } else {
      els.push(reductionElement(`${claim}a`, tAl, 'Al-containing', reductionOf(s.layers, ['al']), s, para));
      els.push(
        reductionElement(
          `${claim}b`,
          tFs,
          'first composite sheet (cathode + electrolyte' +
            (r.first_sheet.current_collector ? ' + collector' : '') +
            ')',
          reductionOf(s.layers, FIRST_SHEET_ROLES),
          s,
          para,
        ),
      );
    }
    put(finish(claim, els, P(1)));
  }

  // claims 5 and 6: the force set at 240 (a set point, evaluated once in the run's windows) and what the
  // line physics computed from it: the nip pressure and the contact it acts over
  {
    const s = station(line, '240');
    const f = r.stations['240'].force_N;
    const pm = s?.mean_pressure_MPa;
    const L = s?.contact_length_mm;
    const w = s?.contact_width_mm;
    const nip = !s
      ? '; no line results in this run (the nip pressure it gives needs the line model)'
      : `; the line computed from it ` +
        (pm !== undefined
          ? `a mean nip pressure of ${fmt(pm)} MPa (peak ${fmt(s.peak_pressure_MPa)} MPa)`
          : `a peak nip pressure of ${fmt(s.peak_pressure_MPa)} MPa`) +
        `${L !== undefined && w !== undefined ? ` over a contact ${fmt(L)} mm long and ${fmt(w)} mm wide` : ''}`;
    const src = `set point stations.240.force_N${nip}`;
    put(
      finish(
        5,
        [
          windowElement(
            '5a',
            'roll bonding at 240 applies an isostatic pressure of 150–500 N',
            WINDOWS.force_240,
            f,
            src,
            '',
          ),
        ],
        P(1),
      ),
    );
    put(
      finish(
        6,
        [windowElement('6a', 'roll bonding at 240 applies a force of 150–500 N', WINDOWS.force_240, f, src, '')],
        P(1),
      ),
    );
  }

  // claim 7: heating at 240
  {
    const T = r.stations['240'].temperature_C;
    const src = 'set point stations.240.temperature_C';
    const ok = T >= (WINDOWS.heating_240.min as number) && T > AMBIENT_C;
    const upper =
      T > (WINDOWS.heating_240.max as number)
        ? `; above the ${WINDOWS.heating_240.max} °C end of [0204]'s range, which claim 7 does not limit`
        : '';
    put(
      finish(
        7,
        [
          el(
            '7a',
            'heating the second and third composite sheets while roll bonding at 240',
            ok ? 'met' : 'not met',
            `nip temperature ${fmt(T)} °C (${src}); heating means above ambient (${AMBIENT_C} ` +
              `°C) and at least ${WINDOWS.heating_240.min} °C: ${ok ? 'heated' : 'NOT heated'}${upper}`,
            WINDOWS.heating_240.paragraph,
          ),
        ],
        P(1),
      ),
    );
  }

  // claim 8: Cu conductive layer
  {
    const m = r.third_sheet.conductive_layer.material;
    const ok = materialContains(m, 'Cu');
    put(
      finish(
        8,
        [
          el(
            '8a',
            'the conductive layer comprises copper',
            ok ? 'met' : 'not met',
            `third_sheet.conductive_layer.material = ${m}${ok ? '' : ' (no copper)'}`,
            '[0198]',
          ),
        ],
        P(1),
      ),
    );
  }

  // claim 9: a second Al-containing sheet formed over the cathode layer
  {
    const cc = r.first_sheet.current_collector;
    const ok = cc !== undefined && materialContains(cc.material, 'Al');
    const ev = cc
      ? `first_sheet.current_collector = ${cc.material} ${cc.thickness_um} µm${ok ? '' : ' (not Al-containing)'}`
      : 'first_sheet.current_collector is absent: no second Al-containing sheet over the cathode';
    put(
      finish(
        9,
        [
          el(
            '9a',
            'the first composite sheet comprises a second aluminum-containing sheet formed over the cathode layer',
            ok ? 'met' : 'not met',
            ev,
            '[0185], [0188]',
          ),
        ],
        P(1),
      ),
    );
  }

  // claim 10: Al particles + binder; a plastic layer removed
  {
    const a = r.al_sheet;
    const els: ClaimElement[] = [];
    if (a.form === 'particles_on_carrier') {
      const p = a.particles;
      els.push(
        el(
          '10a',
          'the aluminum-containing sheet comprises aluminum particles and a binder',
          'met',
          `al_sheet.form = particles_on_carrier; binder ${p?.binder ?? 'PVDF (default)'} ` +
            `${p?.binder_wt_pct ?? 5} wt %, particles ${p?.particle_diameter_um ?? 3} µm`,
          '[0191]',
        ),
      );
    } else
      els.push(
        el(
          '10a',
          'the aluminum-containing sheet comprises aluminum particles and a binder',
          'not met',
          `al_sheet.form = ${a.form}: no Al particles and binder`,
          '[0191]',
        ),
      );
    if (a.form === 'particles_on_carrier' && a.carrier && a.carrier.removed_before !== 'never')
      els.push(
        el(
          '10b',
          'removing a plastic layer from the aluminum-containing sheet',
          'met',
          `carrier ${a.carrier.material} ${a.carrier.thickness_um} µm removed before station ${a.carrier.removed_before}`,
          '[0192]',
        ),
      );
    else
      els.push(
        el(
          '10b',
          'removing a plastic layer from the aluminum-containing sheet',
          'not met',
          a.carrier
            ? `carrier ${a.carrier.material} removed_before = ${a.carrier.removed_before}`
            : 'al_sheet.carrier is absent: no plastic layer is removed',
          '[0192]',
        ),
      );
    put(finish(10, els, P(1)));
  }

  // claim 11: Al foil
  put(
    finish(
      11,
      [
        el(
          '11a',
          'the aluminum-containing sheet comprises an aluminum foil',
          r.al_sheet.form === 'foil' ? 'met' : 'not met',
          `al_sheet.form = ${r.al_sheet.form}` +
            `${r.al_sheet.form === 'foil' ? `, ${r.al_sheet.thickness_um} µm, ${r.al_sheet.purity_pct} % Al, temper ${r.al_sheet.temper}` : ''}`,
          '[0191]',
        ),
      ],
      P(1),
    ),
  );

  // claim 12: anode thickness 10–100 µm
  put(
    finish(
      12,
      [
        windowElement(
          '12a',
          'the prelithiated anode is 10–100 µm thick',
          WINDOWS.anode_thickness,
          line?.anode.thickness_um,
          'line result line.anode.thickness_um',
          'the run has no line results (line.anode.thickness_um): the prelithiated anode is made at 240 and its thickness needs the line model',
        ),
      ],
      P(1),
    ),
  );

  // claim 13: specific capacity ≥ 100 mAh/g
  put(
    finish(
      13,
      [
        withBandVerdict(
          windowElement(
            '13a',
            'the cell assembly formed by roll bonding at 240 has a specific capacity of at least 100 mAh/g',
            WINDOWS.specific_capacity,
            cyc?.discharge_capacity_mAh_g ?? undefined,
            'cycling.discharge_capacity_mAh_g, per g of cathode active material',
            'the run has no cycling results (cycling.discharge_capacity_mAh_g): the capacity needs the cycler',
          ),
          firstCycleBandOf(cyc?.first_cycle_band),
        ),
      ],
      P(1),
    ),
  );

  // claim 14: cell thickness ≤ 1 mm
  {
    const s240 = station(line, '240');
    let t: number;
    let src: string;
    if (s240 && s240.layers.length > 0) {
      t = s240.layers.reduce((s, l) => s + l.thickness_out_um, 0);
      src = 'sum of the layers leaving station 240';
    } else {
      t = o.design.cell.thickness_um;
      src = 'design stack before rolling (roll bonding only thins it)';
    }
    put(
      finish(
        14,
        [windowElement('14a', 'the cell assembly is 1 mm thick or less', WINDOWS.cell_thickness, t, src, '')],
        P(13),
      ),
    );
  }

  // claim 15: stack pressure 1–10 MPa
  put(
    finish(
      15,
      [
        windowElement(
          '15a',
          'the cell assembly is under a pressure of 1–10 MPa',
          WINDOWS.stack_pressure,
          r.cell.stack_pressure_MPa,
          'recipe cell.stack_pressure_MPa',
          '',
        ),
      ],
      P(13),
    ),
  );

  // claim 16: C-rate ≥ 0.33
  {
    const f = typeof cyc?.max_c_rate === 'number' ? { name: 'max_c_rate', value: cyc.max_c_rate } : undefined;
    put(
      finish(
        16,
        [
          withBandVerdict(
            windowElement(
              '16a',
              'the cell assembly has a C-rate of at least 0.33',
              WINDOWS.c_rate,
              f?.value,
              `cycling.${f?.name ?? 'max_c_rate'}`,
              cyc
                ? 'the cycling results carry no rate-capability figure (cycling.max_c_rate): the C-rate the cell sustains is not known'
                : 'the run has no cycling results (cycling.max_c_rate)',
            ),
            rateBandOf(cyc?.rate_capability),
          ),
        ],
        P(13),
      ),
    );
  }

  // claim 17: ≥ 2 cell assemblies
  {
    const b = r.battery;
    let e: ClaimElement;
    if (!b)
      e = el(
        '17a',
        'a solid state battery comprising at least two cell assemblies',
        'not met',
        'the recipe has no battery block: no battery is made of these cells',
        '[0176]',
      );
    else {
      const n = b.series * b.parallel;
      e = el(
        '17a',
        'a solid state battery comprising at least two cell assemblies',
        n >= 2 ? 'met' : 'not met',
        `battery ${b.series}s${b.parallel}p = ${n} cell${n === 1 ? '' : 's'} (${n >= 2 ? '≥' : '<'} 2)${batteryEvidence(o)}`,
        '[0176]',
      );
    }
    put(finish(17, [e], P(13)));
  }

  // claim 18: EV or wind/solar ESS
  {
    const b = r.battery;
    const names: Record<string, string> = {
      ev: 'electric vehicle',
      ess_solar: 'energy storage for a solar power generator',
      ess_wind: 'energy storage for a wind generator',
      other: 'other use',
    };
    let e: ClaimElement;
    const text =
      'an electric vehicle, or an energy storage system for power from a wind and/or solar generator, comprising the battery';
    if (!b) e = el('18a', text, 'not met', 'the recipe has no battery block');
    else {
      const ok = b.application !== 'other';
      e = el(
        '18a',
        text,
        ok ? 'met' : 'not met',
        `battery.application = ${b.application} (${names[b.application]})${batteryUseEvidence(o)}`,
      );
    }
    put(finish(18, [e], P(17)));
  }

  // claim 19: method of use — the cells made by claim 1's method, repeatedly charged and discharged
  {
    const els = claim1Elements(r, o, '19');
    const f = cyc?.cycles !== undefined ? { name: 'cycles', value: cyc.cycles } : undefined;
    const text = 'repeatedly charging and discharging the cell assembly';
    if (!f)
      els.push(
        el(
          '19f',
          text,
          'not evaluable',
          cyc
            ? 'the cycling results do not say how many cycles were run (cycling.cycles)'
            : 'the run has no cycling results',
          '[0183]',
        ),
      );
    else
      els.push(
        el(
          '19f',
          text,
          f.value >= 2 ? 'met' : 'not met',
          `cycling.${f.name} = ${f.value} (${f.value >= 2 ? '≥' : '<'} 2: ${f.value >= 2 ? 'repeated' : 'not repeated'})${ageingEvidence(cyc)}`,
          '[0183]',
        ),
      );
    put(finish(19, els));
  }

  // claim 20: product-by-process
  {
    const els = claim1Elements(r, o, '20');
    const p = o.production;
    const ev =
      `the run's cell: ${fmt(o.design.cell.thickness_um)} µm, ` +
      `${fmt(o.design.cell.area_cm2)} cm² (design)` +
      `${p ? `; production made ${p.cells_total} cells, ${p.cells_in_spec} in spec` : ''}`;
    els.push(
      el(
        '20f',
        'a cell for a battery produced by that method',
        p && p.cells_total === 0 ? 'not met' : 'met',
        p && p.cells_total === 0 ? 'the production run made no cells' : ev,
        '[0184]',
      ),
    );
    put(finish(20, els));
  }

  return [...byNo.values()].sort((a, b) => a.claim - b.claim);
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

/** a claim's verdict over the band of the figure it rests on (issue 16 item 5), as the cycling block gives it */
interface BandVerdictInput {
  verdict: string;
  text: string;
  dependsOn: string[];
  low: number;
  high: number;
  unit: string;
}

/** `cycling.first_cycle_band`'s verdict for claim 13 over the band of the specific capacity */
function firstCycleBandOf(b: CyclingBlock['first_cycle_band']): BandVerdictInput | null {
  if (!b) return null;
  const f = b.discharge_capacity_mAh_g;
  return {
    verdict: b.claim_13_verdict,
    text: b.claim_13,
    dependsOn: b.depends_on,
    low: f.low,
    high: f.high,
    unit: 'mAh/g',
  };
}

/** `cycling.rate_capability.band`'s verdict for claim 16 */
function rateBandOf(rc: CyclingBlock['rate_capability']): BandVerdictInput | null {
  if (!rc || !('band' in rc)) return null;
  const b = rc.band;
  return {
    verdict: b.claim_16_verdict,
    text: b.claim_16,
    dependsOn: b.depends_on,
    low: b.low_c_rate,
    high: b.high_c_rate,
    unit: 'C',
  };
}

/**
 * The element's evidence with the verdict over the band: "met, depends on <parameter> (…)" when the verdict
 * flips inside the band (and `depends_on_assumptions` lists them), else that it holds over the band. The
 * element's own verdict stays the nominal one.
 */
function withBandVerdict(e: ClaimElement, b: BandVerdictInput | null): ClaimElement {
  if (!b || e.verdict === 'not evaluable') return e;
  const range = `${fmt(b.low)}–${fmt(b.high)} ${b.unit}`;
  if (b.verdict === 'depends')
    return { ...e, evidence: `${e.evidence}; band ${range}: ${b.text}`, depends_on_assumptions: b.dependsOn };
  return { ...e, evidence: `${e.evidence}; ${b.verdict} over the band ${range} (the inputs' documented ranges)` };
}

/** what the simulated pack did (run output `battery` block), appended to claim 17's evidence */
function batteryEvidence(o: RunOutput): string {
  const p = o.battery?.pack;
  if (!p) return '';
  return (
    `; simulated pack of ${p.cell_source} cells: ` +
    `${p.voltage_min_V.toPrecision(3)}–${p.voltage_max_V.toPrecision(3)} V, ` +
    `${p.energy_C3_kWh.toPrecision(3)} kWh at C/3`
  );
}

/** the duty-profile result (run output `battery` block), appended to claim 18's evidence */
function batteryUseEvidence(o: RunOutput): string {
  const b = o.battery;
  if (!b?.profile || !b.results) return '';
  const ev = b.results.ev?.range_km;
  const rte = b.results.round_trip_efficiency;
  const life = batteryLifeEvidence(o);
  if (typeof ev === 'number') return `; simulated on ${b.profile}: ${ev.toPrecision(3)} km per charge${life}`;
  if (typeof rte === 'number')
    return `; simulated on ${b.profile}: round-trip efficiency ${(100 * rte).toPrecision(3)} %${life}`;
  return life;
}

/**
 * The pack's years to end of life with its band (run output battery.ageing.band, issue 16 item 5), for
 * claim 18's evidence: information beside the verdict (claim 18 sets no service life, so nothing flips)
 */
function batteryLifeEvidence(o: RunOutput): string {
  const band = o.battery?.ageing?.band;
  if (!band) return '';
  const y = band.years_to_end_of_life;
  const f = (v: number | null): string => (typeof v === 'number' ? v.toFixed(1) : `> ${String(y.horizon_years)}`);
  const s = band.sensitivity[0]?.parameter;
  return (
    `; ${f(y.nominal)} years to ${String(band.end_of_life_retention_pct)} % ` +
    (band.formation_days && band.formation_loss_pct?.nominal !== undefined
      ? `of the capacity after formation (formation loss ${band.formation_loss_pct.nominal.toFixed(1)} % in ${band.formation_days} days) `
      : 'capacity ') +
    `(band ${f(y.low)}–${f(y.high)} over the ageing parameters' ranges${s ? `, most sensitive: ${s}` : ''}; no service life is claimed)`
  );
}

/**
 * What the repeated cycling did to the cell, for claim 19's evidence: the retention with its band and the
 * validity of the projection (issue 16) — the verdict (cycles ≥ 2) does not depend on it.
 */
function ageingEvidence(cyc: CyclingBlock | undefined): string {
  const ag = cyc?.ageing;
  if (!ag) return '';
  const b = ag.capacity_retention_band_pct;
  const parts: string[] = [
    `retention ${ag.capacity_retention_pct.toFixed(1)} % after ${String(ag.cycles)} cycles` +
      (b ? ` (band ${b.low.toFixed(1)}–${b.high.toFixed(1)} % over the ageing parameters' ranges)` : ''),
  ];
  if (!ag.validity.inside) parts.push(ag.validity.flags.map((f) => f.text).join('; '));
  return `; ${parts.join('; ')}`;
}
