/**
 * Claim chart for US 2025/0266422 A1, claims 1–20: each claim split into its elements, each element
 * evaluated against the recipe (what the line was told to do) and the run's typed SI results (what the line
 * physics, the cycler and the battery model say happened: ./inputs.ts `ClaimInputs`), with its evidence as
 * typed facts (`Evidence`). src/present/claims.ts writes the contract's `claims` block and the chart's text
 * from them (units, rounding, sentences); nothing here writes prose or converts to display units, except
 * a value into a window's own unit to compare it with the seed's window.
 *
 * Verdicts: an element is 'met', 'not met', or 'not evaluable' (the result it needs is absent from the
 * run — e.g. no line block, no cycling block). A claim is 'not met' when any element is not met,
 * otherwise 'not evaluable' when any element is not evaluable, otherwise 'met'. A dependent claim carries
 * its parent as an element, so it is met only if its parent is met and not met if its parent is not met.
 *
 * A stored run's claims are its stored `claims` block: they are evaluated once, by the job, on these results,
 * never again from a run's JSON (whose blocks are rounded presentations).
 *
 * Pure: no I/O. The windows come from ../recipe/windows.ts (the seed's paragraphs).
 */
import type { LayerRole as ContractLayerRole, Verdict } from '../contract.ts';
import { WINDOWS, inWindow, type ClaimWindow } from '../recipe/windows.ts';
import { getMaterial } from '../materials/library.ts';
import type { LineResult, StationResult } from '../process/types.ts';
import type { VerdictDependence } from '../process/assumptions.ts';
import type { BatteryResult } from '../battery/run.ts';
import type { CellDesign } from '../design/index.ts';
import { toUm } from '../units/index.ts';
import type { BandedVerdict, ClaimFinding, ClaimInputs, CyclingClaimInputs, ProductionClaimInputs } from './inputs.ts';
import type { StationId } from '../recipe/stations.ts';

export type { BandedVerdict, ClaimFinding, ClaimInputs, CyclingClaimInputs, ProductionClaimInputs } from './inputs.ts';

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
// the evaluation: verdicts with their evidence as typed facts (SI), for src/present/claims.ts

/** the seed's window a value was compared with: the value in the window's own unit (undefined: absent) */
export interface WindowFacts {
  readonly window: ClaimWindow;
  readonly value: number | undefined;
  readonly inside: boolean;
}

/** a thickness reduction through a station's nip: the selected layers, their summed thickness in → out */
export interface Reduction {
  readonly layers: StationResult['roll']['layers'];
  readonly in_m: number;
  readonly out_m: number;
  /** (in − out) / in */
  readonly fraction: number;
}

/** the fractions of the anode's Al atoms in each phase */
export type AlFractions = LineResult['anode']['alFractions'];

/** What an element's verdict rests on: typed facts, written as a sentence by src/present/claims.ts. */
export type Evidence =
  // claim 1 (and claims 19, 20): (a) the first composite sheet
  | { readonly kind: '1a.batch' }
  | { readonly kind: '1a.not_bonded_222'; readonly station: StationResult }
  | { readonly kind: '1a.supplied'; readonly station222: StationResult | null }
  // (b) the Al-containing sheet on the electrolyte
  | { readonly kind: '1b.batch' | '1b.not_on_electrolyte' | '1b.carrier_stays' | '1b.supplied' }
  // (c) roll bonding at 236
  | { readonly kind: '1c.batch' | '1c.no_line' }
  | { readonly kind: '1c.bond'; readonly station: StationResult }
  // (d) the third sheet, Li interposed
  | { readonly kind: '1d.batch' | '1d.not_interposed' | '1d.interposed' }
  // (e) roll bonding at 240 into a prelithiated anode
  | { readonly kind: '1e.batch' | '1e.not_interposed' | '1e.no_line' }
  | { readonly kind: '1e.not_bonded'; readonly station: StationResult }
  | {
      readonly kind: '1e.alloy';
      readonly station: StationResult;
      /** the fraction of the Al in a Li–Al phase, and the threshold it is compared with */
      readonly alloyed: number;
      readonly threshold: number;
      readonly fractions: AlFractions;
      readonly anodeThickness_m: number;
    }
  // a dependent claim's parent
  | { readonly kind: 'parent'; readonly parent: number; readonly verdict: Verdict }
  // claim 2: crack driving ratios G/Γ, sandwiched vs free-standing, and the assumptions scanned
  | { readonly kind: '2.no_line' }
  | {
      readonly kind: '2.crack';
      readonly sandwiched: number;
      readonly freeStanding: number;
      readonly dependences: readonly VerdictDependence[];
    }
  // claims 3 and 4: thickness reductions
  | { readonly kind: 'reduction.no_line'; readonly station: '236' | '240' }
  | {
      readonly kind: 'reduction';
      readonly what: 'al' | 'first_sheet';
      /** the first sheet includes a collector (claim 9) */
      readonly withCollector: boolean;
      readonly station: StationResult;
      readonly reduction: Reduction | undefined;
      readonly resolution: number;
    }
  // claims 5 and 6: the force set at 240 and what the line computed from it
  | ({ readonly kind: 'force_240'; readonly station: StationResult | null } & WindowFacts)
  // claim 7: heating at 240 (the set point, °C as the recipe states it)
  | { readonly kind: 'heating'; readonly temperature_C: number; readonly ambient_C: number; readonly heated: boolean }
  | { readonly kind: 'conductive_material'; readonly copper: boolean }
  | { readonly kind: 'collector'; readonly alContaining: boolean }
  | { readonly kind: '10a.particles' | '10a.no_particles' | '10b.removed' | '10b.kept' | '11.form' }
  | ({ readonly kind: 'anode_thickness' } & WindowFacts)
  | ({ readonly kind: 'specific_capacity'; readonly band: BandedVerdict | null } & WindowFacts)
  | ({ readonly kind: 'cell_thickness'; readonly from: 'line' | 'design' } & WindowFacts)
  | ({ readonly kind: 'stack_pressure' } & WindowFacts)
  | ({ readonly kind: 'c_rate'; readonly hasCycling: boolean; readonly band: BandedVerdict | null } & WindowFacts)
  | { readonly kind: '17.no_battery' }
  | { readonly kind: '17.cells'; readonly cells: number; readonly battery: BatteryResult | null }
  | { readonly kind: '18.no_battery' }
  | { readonly kind: '18.use'; readonly battery: BatteryResult | null }
  | { readonly kind: '19f.no_cycles'; readonly hasCycling: boolean }
  | { readonly kind: '19f.cycles'; readonly cycles: number; readonly ageing: CyclingClaimInputs['ageing'] }
  | { readonly kind: '20f.none_made' }
  // a finding the claim's verdict rests on (the claim's first element)
  | { readonly kind: 'validity'; readonly findings: readonly ClaimFinding[] }
  | { readonly kind: '20f.cell'; readonly design: CellDesign; readonly production: ProductionClaimInputs | null };

/** One element of a claim: the claim's words, the verdict, and the facts it rests on. */
export interface ElementEvaluation {
  readonly id: string;
  /** the element in the claim's words */
  readonly text: string;
  readonly verdict: Verdict;
  readonly evidence: Evidence;
  readonly paragraph?: string;
  /** assumptions whose documented range flips this verdict */
  readonly dependsOnAssumptions?: readonly string[];
}

/** One claim: its verdict from its elements (a dependent claim's first element is its parent). */
export interface ClaimEvaluation {
  readonly claim: number;
  readonly verdict: Verdict;
  readonly elements: readonly ElementEvaluation[];
  readonly dependsOn?: number;
  /** findings the claim's evidence cites but its verdict does not rest on */
  readonly outsideValidity?: readonly ClaimFinding[];
}

// ---------------------------------------------------------------------------------------------------------
// small helpers

const el = (id: string, text: string, verdict: Verdict, evidence: Evidence, paragraph?: string): ElementEvaluation =>
  paragraph === undefined ? { id, text, verdict, evidence } : { id, text, verdict, evidence, paragraph };

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

/** a value (in the window's unit; undefined when the run has none) against one of the seed's windows */
function windowFacts(w: ClaimWindow, value: number | undefined): WindowFacts {
  const v = value !== undefined && Number.isFinite(value) ? value : undefined;
  return { window: w, value: v, inside: v !== undefined && inWindow(w, v) };
}

const windowVerdict = (f: WindowFacts): Verdict =>
  f.value === undefined ? 'not evaluable' : f.inside ? 'met' : 'not met';

/**
 * The element's verdict over the band of the figure it rests on (issue 16 item 5): when the verdict flips
 * inside the band, the assumptions it depends on are listed. The element's own verdict stays the nominal one.
 */
function withBand(e: ElementEvaluation, b: BandedVerdict | null): ElementEvaluation {
  if (!b || e.verdict === 'not evaluable' || b.verdict.verdict !== 'depends') return e;
  return { ...e, dependsOnAssumptions: [...b.verdict.dependsOn] };
}

// ---------------------------------------------------------------------------------------------------------
// station layers: the role the line set on each layer (runs stored before roles existed read as 'other')

export type SectionRole = ContractLayerRole | 'other';

export function layerRole(l: { role?: ContractLayerRole }): SectionRole {
  return l.role ?? 'other';
}

function station(line: LineResult | null, id: StationId): StationResult | null {
  return line?.stations.find((s) => s.id === id) ?? null;
}

function reductionOf(s: StationResult, roles: readonly SectionRole[]): Reduction | undefined {
  const layers = s.roll.layers.filter((l) => roles.includes(l.role));
  if (layers.length === 0) return undefined;
  const tin = layers.reduce((a, l) => a + l.thickness_in_m, 0);
  const tout = layers.reduce((a, l) => a + l.thickness_out_m, 0);
  if (!(tin > 0) || !Number.isFinite(tout)) return undefined;
  return { layers, in_m: tin, out_m: tout, fraction: (tin - tout) / tin };
}

/** first composite sheet: the cathode, the electrolyte and (claim 9) the collector formed over the cathode */
const FIRST_SHEET_ROLES: readonly SectionRole[] = ['collector', 'cathode', 'electrolyte'];

function reductionElement(
  id: string,
  text: string,
  what: 'al' | 'first_sheet',
  withCollector: boolean,
  s: StationResult,
  paragraph: string,
): ElementEvaluation {
  const r = reductionOf(s, what === 'al' ? ['al'] : FIRST_SHEET_ROLES);
  const verdict: Verdict = !r ? 'not evaluable' : r.fraction >= THICKNESS_REDUCTION_RESOLUTION ? 'met' : 'not met';
  return el(
    id,
    text,
    verdict,
    { kind: 'reduction', what, withCollector, station: s, reduction: r, resolution: THICKNESS_REDUCTION_RESOLUTION },
    paragraph,
  );
}

// ---------------------------------------------------------------------------------------------------------
// claim 1's elements (also claims 19 and 20)

function claim1Elements(inp: ClaimInputs, prefix: string): ElementEvaluation[] {
  const r = inp.recipe;
  const line = inp.line;
  const continuous = r.line.mode === 'continuous';
  const out: ElementEvaluation[] = [];

  // (a) continuously supplying a first composite sheet: cathode layer + SE layer formed on the cathode
  {
    const text =
      'continuously supplying a first composite sheet comprising a cathode layer and a solid electrolyte layer formed on the cathode layer';
    const s222 = station(line, '222');
    if (!continuous) out.push(el(`${prefix}a`, text, 'not met', { kind: '1a.batch' }, '[0184]'));
    else if (r.first_sheet.supply === 'in_situ' && s222 && !s222.bond.bonded)
      out.push(el(`${prefix}a`, text, 'not met', { kind: '1a.not_bonded_222', station: s222 }, '[0189]'));
    else out.push(el(`${prefix}a`, text, 'met', { kind: '1a.supplied', station222: s222 }, '[0184]–[0189]'));
  }

  // (b) continuously supplying an Al-containing sheet placed on the SE layer
  {
    const text =
      'continuously supplying an aluminum-containing sheet over the first composite sheet such that it is placed on the solid electrolyte layer';
    const a = r.al_sheet;
    if (!continuous) out.push(el(`${prefix}b`, text, 'not met', { kind: '1b.batch' }, '[0190]'));
    else if (a.placed_on !== 'electrolyte_layer')
      out.push(el(`${prefix}b`, text, 'not met', { kind: '1b.not_on_electrolyte' }, '[0190]'));
    else if (a.form === 'particles_on_carrier' && a.carrier && a.carrier.removed_before === 'never')
      out.push(el(`${prefix}b`, text, 'not met', { kind: '1b.carrier_stays' }, '[0192]'));
    else out.push(el(`${prefix}b`, text, 'met', { kind: '1b.supplied' }, '[0190]'));
  }

  // (c) continuously roll-bonding at 236 → second composite sheet
  {
    const text =
      'continuously roll-bonding the aluminum-containing sheet and the first composite sheet to ' +
      'provide a second composite sheet (cathode, SE, Al-containing layer)';
    const s = station(line, '236');
    if (!continuous) out.push(el(`${prefix}c`, text, 'not met', { kind: '1c.batch' }, '[0193]'));
    else if (!s) out.push(el(`${prefix}c`, text, 'not evaluable', { kind: '1c.no_line' }, '[0193]–[0194]'));
    else
      out.push(
        el(`${prefix}c`, text, s.bond.bonded ? 'met' : 'not met', { kind: '1c.bond', station: s }, '[0193]–[0194]'),
      );
  }

  // (d) third composite sheet (Li layer + conductive layer), Li on the Al, Li interposed between Al and conductive layer
  const interposed = r.third_sheet.facing_al === 'li_layer';
  {
    const text =
      'continuously supplying a third composite sheet (lithium-containing layer + conductive ' +
      'layer) with the lithium-containing layer placed on the aluminum-containing layer and ' +
      'interposed between it and the conductive layer';
    if (!continuous) out.push(el(`${prefix}d`, text, 'not met', { kind: '1d.batch' }, '[0197]'));
    else if (!interposed) out.push(el(`${prefix}d`, text, 'not met', { kind: '1d.not_interposed' }, '[0197]'));
    else out.push(el(`${prefix}d`, text, 'met', { kind: '1d.interposed' }, '[0197]'));
  }

  // (e) roll-bonding at 240: Li + Al compressed together into a prelithiated anode, interposed between conductive layer and first sheet
  {
    const text =
      'continuously roll-bonding the second and third composite sheets so that the Li-containing ' +
      'and Al-containing layers are compressed together to form a prelithiated anode while ' +
      'interposed between the conductive layer and the first composite sheet';
    const s = station(line, '240');
    if (!continuous) out.push(el(`${prefix}e`, text, 'not met', { kind: '1e.batch' }, '[0200]'));
    else if (!interposed) out.push(el(`${prefix}e`, text, 'not met', { kind: '1e.not_interposed' }, '[0200]'));
    else if (!s || !line) out.push(el(`${prefix}e`, text, 'not evaluable', { kind: '1e.no_line' }, '[0200]'));
    else if (!s.bond.bonded)
      out.push(el(`${prefix}e`, text, 'not met', { kind: '1e.not_bonded', station: s }, '[0200]'));
    else {
      const f = line.anode.alFractions;
      const alloyed = f.LiAl + f.Li3Al2 + f.Li9Al4;
      out.push(
        el(
          `${prefix}e`,
          text,
          alloyed >= ALLOY_FORMED_MIN_FRACTION ? 'met' : 'not met',
          {
            kind: '1e.alloy',
            station: s,
            alloyed,
            threshold: ALLOY_FORMED_MIN_FRACTION,
            fractions: f,
            anodeThickness_m: line.anode.thickness_m,
          },
          '[0200]',
        ),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

function finish(claim: number, elements: ElementEvaluation[], parent?: ClaimEvaluation): ClaimEvaluation {
  const all = parent
    ? [
        el(`${claim}.parent`, `the method of claim ${parent.claim}`, parent.verdict, {
          kind: 'parent',
          parent: parent.claim,
          verdict: parent.verdict,
        }),
        ...elements,
      ]
    : elements;
  const verdict = combine(all.map((e) => e.verdict));
  return parent ? { claim, verdict, elements: all, dependsOn: parent.claim } : { claim, verdict, elements: all };
}

/**
 * Evaluate claims 1–20 of US 2025/0266422 A1 against a recipe and a run's typed results. Absent results
 * (line, cycling, battery, production) make the elements that need them 'not evaluable', with the reason.
 */
export function evaluateClaims(inp: ClaimInputs): ClaimEvaluation[] {
  const r = inp.recipe;
  const line = inp.line;
  const cyc = inp.cycling;
  const byNo = new Map<number, ClaimEvaluation>();
  const put = (c: ClaimEvaluation): void => {
    byNo.set(c.claim, c);
  };
  const P = (n: number): ClaimEvaluation => byNo.get(n)!;

  // claim 1
  put(finish(1, claim1Elements(inp, '1')));

  // claim 2: crack inhibition, sandwiched vs free-standing
  {
    const text =
      'roll bonding sandwiched between the conductive layer and the first composite sheet ' +
      'substantially inhibits crack formation in the prelithiated anode compared with Li and Al ' +
      'layers not so interposed';
    let e: ElementEvaluation;
    if (!line) e = el('2a', text, 'not evaluable', { kind: '2.no_line' }, '[0201]');
    else {
      // the uncapped driving ratios G/Γ (two capped risks of 1 would tie)
      const a = line.crack.sandwiched.ratio;
      const b = line.crack.free_standing.ratio;
      const deps = line.evidence?.claim2DependsOn ?? [];
      const flips = deps.filter((d) => d.flips);
      e = el(
        '2a',
        text,
        a < b ? 'met' : 'not met',
        { kind: '2.crack', sandwiched: a, freeStanding: b, dependences: deps },
        '[0201]',
      );
      if (flips.length > 0) e = { ...e, dependsOnAssumptions: flips.map((d) => d.assumption.id) };
    }
    put(finish(2, [e], P(1)));
  }

  // claims 3 and 4: thickness reduction at 236 and at 240
  for (const [claim, sid, para] of [
    [3, '236', '[0195]'],
    [4, '240', '[0202]'],
  ] as const) {
    const s = station(line, sid);
    const els: ElementEvaluation[] = [];
    const tAl = `roll bonding at ${sid} reduces the thickness of the aluminum-containing sheet`;
    const tFs = `roll bonding at ${sid} reduces the thickness of the first composite sheet`;
    if (!s) {
      const why: Evidence = { kind: 'reduction.no_line', station: sid };
      els.push(el(`${claim}a`, tAl, 'not evaluable', why, para), el(`${claim}b`, tFs, 'not evaluable', why, para));
    } else {
      const withCollector = r.first_sheet.current_collector !== undefined;
      els.push(reductionElement(`${claim}a`, tAl, 'al', withCollector, s, para));
      els.push(reductionElement(`${claim}b`, tFs, 'first_sheet', withCollector, s, para));
    }
    put(finish(claim, els, P(1)));
  }

  // claims 5 and 6: the force set at 240 (a set point, evaluated once in the run's windows) and what the
  // line physics computed from it: the nip pressure and the contact it acts over
  {
    const s = station(line, '240');
    const w = windowFacts(WINDOWS.force_240, r.stations['240'].force_N);
    const ev: Evidence = { kind: 'force_240', station: s, ...w };
    put(
      finish(
        5,
        [
          el(
            '5a',
            'roll bonding at 240 applies an isostatic pressure of 150–500 N',
            windowVerdict(w),
            ev,
            w.window.paragraph,
          ),
        ],
        P(1),
      ),
    );
    put(
      finish(
        6,
        [el('6a', 'roll bonding at 240 applies a force of 150–500 N', windowVerdict(w), ev, w.window.paragraph)],
        P(1),
      ),
    );
  }

  // claim 7: heating at 240
  {
    const T = r.stations['240'].temperature_C;
    const heated = T >= (WINDOWS.heating_240.min as number) && T > AMBIENT_C;
    put(
      finish(
        7,
        [
          el(
            '7a',
            'heating the second and third composite sheets while roll bonding at 240',
            heated ? 'met' : 'not met',
            { kind: 'heating', temperature_C: T, ambient_C: AMBIENT_C, heated },
            WINDOWS.heating_240.paragraph,
          ),
        ],
        P(1),
      ),
    );
  }

  // claim 8: Cu conductive layer
  {
    const copper = materialContains(r.third_sheet.conductive_layer.material, 'Cu');
    put(
      finish(
        8,
        [
          el(
            '8a',
            'the conductive layer comprises copper',
            copper ? 'met' : 'not met',
            { kind: 'conductive_material', copper },
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
    const alContaining = cc !== undefined && materialContains(cc.material, 'Al');
    put(
      finish(
        9,
        [
          el(
            '9a',
            'the first composite sheet comprises a second aluminum-containing sheet formed over the cathode layer',
            alContaining ? 'met' : 'not met',
            { kind: 'collector', alContaining },
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
    const particles = a.form === 'particles_on_carrier';
    const removed = particles && a.carrier !== undefined && a.carrier.removed_before !== 'never';
    put(
      finish(
        10,
        [
          el(
            '10a',
            'the aluminum-containing sheet comprises aluminum particles and a binder',
            particles ? 'met' : 'not met',
            { kind: particles ? '10a.particles' : '10a.no_particles' },
            '[0191]',
          ),
          el(
            '10b',
            'removing a plastic layer from the aluminum-containing sheet',
            removed ? 'met' : 'not met',
            { kind: removed ? '10b.removed' : '10b.kept' },
            '[0192]',
          ),
        ],
        P(1),
      ),
    );
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
          { kind: '11.form' },
          '[0191]',
        ),
      ],
      P(1),
    ),
  );

  // claim 12: anode thickness 10–100 µm (compared in the window's unit)
  {
    const w = windowFacts(WINDOWS.anode_thickness, line ? toUm(line.anode.thickness_m) : undefined);
    put(
      finish(
        12,
        [
          el(
            '12a',
            'the prelithiated anode is 10–100 µm thick',
            windowVerdict(w),
            { kind: 'anode_thickness', ...w },
            w.window.paragraph,
          ),
        ],
        P(1),
      ),
    );
  }

  // claim 13: specific capacity ≥ 100 mAh/g
  {
    const w = windowFacts(WINDOWS.specific_capacity, cyc?.dischargeCapacity_mAh_g ?? undefined);
    const band = cyc?.firstCycleBand ?? null;
    put(
      finish(
        13,
        [
          withBand(
            el(
              '13a',
              'the cell assembly formed by roll bonding at 240 has a specific capacity of at least 100 mAh/g',
              windowVerdict(w),
              { kind: 'specific_capacity', band, ...w },
              w.window.paragraph,
            ),
            band,
          ),
        ],
        P(1),
      ),
    );
  }

  // claim 14: cell thickness ≤ 1 mm: the layers leaving 240, else the design stack (rolling only thins it)
  {
    const s240 = station(line, '240');
    const fromLine = s240 !== null && s240.roll.layers.length > 0;
    const t_m = fromLine ? s240.roll.layers.reduce((a, l) => a + l.thickness_out_m, 0) : inp.design.thickness_m;
    const w = windowFacts(WINDOWS.cell_thickness, toUm(t_m));
    put(
      finish(
        14,
        [
          el(
            '14a',
            'the cell assembly is 1 mm thick or less',
            windowVerdict(w),
            { kind: 'cell_thickness', from: fromLine ? 'line' : 'design', ...w },
            w.window.paragraph,
          ),
        ],
        P(13),
      ),
    );
  }

  // claim 15: stack pressure 1–10 MPa (the recipe's, in the window's unit)
  {
    const w = windowFacts(WINDOWS.stack_pressure, r.cell.stack_pressure_MPa);
    put(
      finish(
        15,
        [
          el(
            '15a',
            'the cell assembly is under a pressure of 1–10 MPa',
            windowVerdict(w),
            { kind: 'stack_pressure', ...w },
            w.window.paragraph,
          ),
        ],
        P(13),
      ),
    );
  }

  // claim 16: C-rate ≥ 0.33
  {
    const rate = cyc?.rate;
    const ok = rate !== null && rate !== undefined && rate !== 'failed' ? rate : null;
    const w = windowFacts(WINDOWS.c_rate, ok?.highestCRate);
    const band = ok?.band ?? null;
    put(
      finish(
        16,
        [
          withBand(
            el(
              '16a',
              'the cell assembly has a C-rate of at least 0.33',
              windowVerdict(w),
              { kind: 'c_rate', hasCycling: cyc !== null, band, ...w },
              w.window.paragraph,
            ),
            band,
          ),
        ],
        P(13),
      ),
    );
  }

  // claim 17: ≥ 2 cell assemblies
  {
    const b = r.battery;
    const text = 'a solid state battery comprising at least two cell assemblies';
    const n = b ? b.series * b.parallel : 0;
    const e = !b
      ? el('17a', text, 'not met', { kind: '17.no_battery' }, '[0176]')
      : el('17a', text, n >= 2 ? 'met' : 'not met', { kind: '17.cells', cells: n, battery: inp.battery }, '[0176]');
    put(finish(17, [e], P(13)));
  }

  // claim 18: EV or wind/solar ESS
  {
    const b = r.battery;
    const text =
      'an electric vehicle, or an energy storage system for power from a wind and/or solar generator, comprising the battery';
    const e = !b
      ? el('18a', text, 'not met', { kind: '18.no_battery' })
      : el('18a', text, b.application !== 'other' ? 'met' : 'not met', { kind: '18.use', battery: inp.battery });
    put(finish(18, [e], P(17)));
  }

  // claim 19: method of use — the cells made by claim 1's method, repeatedly charged and discharged
  {
    const els = claim1Elements(inp, '19');
    const text = 'repeatedly charging and discharging the cell assembly';
    const ag = cyc?.ageing ?? null;
    if (!ag) els.push(el('19f', text, 'not evaluable', { kind: '19f.no_cycles', hasCycling: cyc !== null }, '[0183]'));
    else
      els.push(
        el(
          '19f',
          text,
          ag.cycles >= 2 ? 'met' : 'not met',
          { kind: '19f.cycles', cycles: ag.cycles, ageing: ag },
          '[0183]',
        ),
      );
    put(finish(19, els));
  }

  // claim 20: product-by-process
  {
    const els = claim1Elements(inp, '20');
    const p = inp.production;
    const none = p !== null && p.cellsTotal === 0;
    els.push(
      el(
        '20f',
        'a cell for a battery produced by that method',
        none ? 'not met' : 'met',
        none ? { kind: '20f.none_made' } : { kind: '20f.cell', design: inp.design, production: p },
        '[0184]',
      ),
    );
    put(finish(20, els));
  }

  return withFindings(
    [...byNo.values()].sort((a, b) => a.claim - b.claim),
    inp.findings,
  );
}

/**
 * The run's findings on the evaluated claims: a claim whose verdict rests on one turns from "met" to "not
 * evaluable" ("not met" stays: it does not rest on the result), with a `validity` element first; a claim that
 * only cites the figure keeps its verdict and lists the finding. Applied once every claim is evaluated, so a
 * dependent claim's parent element keeps the parent's verdict on the results (each claim carries the finding
 * itself).
 */
export function withFindings(claims: ClaimEvaluation[], findings: readonly ClaimFinding[]): ClaimEvaluation[] {
  if (findings.length === 0) return claims;
  return claims.map((c) => {
    const rests = findings.filter((f) => f.claims === 'all' || f.claims.includes(c.claim));
    const cited = findings.filter((f) => !rests.includes(f) && f.cites?.includes(c.claim));
    if (rests.length === 0 && cited.length === 0) return c;
    const out: ClaimEvaluation = cited.length ? { ...c, outsideValidity: cited } : c;
    if (rests.length === 0) return out;
    const validity = el(
      'validity',
      'the results the claim rests on are physically possible and inside the models’ validity',
      'not evaluable',
      { kind: 'validity', findings: rests },
    );
    return { ...out, verdict: c.verdict === 'met' ? 'not evaluable' : c.verdict, elements: [validity, ...c.elements] };
  });
}
