/**
 * Findings that make a result untrustworthy, as values: a physical impossibility (the line as set
 * cannot make the cell it describes, e.g. the Li melts) or a result outside a model's validity. They
 * never sit as a warning beside a clean headline: every cell they concern is out of spec (scrap cause
 * `physically_impossible`), and every claim they concern is "not evaluable" with the reason.
 *
 * Producers: the line (its ProcessWarning codes are classified below — the map is exhaustive over the
 * codes, so a new code from the line physics must be classified here to compile), and any stage that
 * checks a model's validity (issue 16) by building findings with `finding()`.
 */
import type { ProcessWarning } from './process/types.ts';
import { warningText } from './present/line.ts';

export type FindingKind = 'impossible' | 'outside_validity';

export interface ValidityFinding {
  kind: FindingKind;
  /** the stage that found it: 'line', 'cycling', 'battery', … */
  source: string;
  /** machine-readable code, e.g. 'li_melting_in_roll' */
  code: string;
  /** the sentence a user reads */
  reason: string;
  /** the claims whose verdict rests on it (they become "not evaluable"): 'all', or claim numbers */
  claims: 'all' | readonly number[];
  /**
   * claims whose evidence cites the figure but whose verdict does not rest on it: the verdict stands, the
   * evidence says the figure is outside validity (and the claim lists it under `outside_validity`)
   */
  cites?: readonly number[];
}

/**
 * How each line warning counts: a physical impossibility for the cell as described (the claims and the
 * cells made under it cannot stand), or a plain warning (null). Exhaustive over the codes: a new code from
 * the line physics must be classified here to compile.
 */
export function classifyLineWarning(w: ProcessWarning): FindingKind | null {
  switch (w.code) {
    case 'li_melting':
      // the nip: the line models it (molten Li rejected at the inlet to the web edges and accounted, or the
      // nip too short to melt it), so the cells it makes stand; liquid Li during dwell or storage does not
      return w.where === 'nip' ? null : 'impossible';
    case 'li_melting_in_roll':
      return 'impossible'; // the reaction heat melts the Li in the wound roll / dwell
    case 'short_circuit': // a design the claims already judge (claim 1: anode on the electrolyte)
    case 'not_bonded': // judged per cell (not_bonded scrap) and by the claims' bonding elements
    case 'al_yields':
    case 'li_on_roll':
    case 'alloying_incomplete':
    case 'no_alloying':
      return null;
  }
}

export function finding(
  kind: FindingKind,
  source: string,
  code: string,
  reason: string,
  claims: 'all' | readonly number[] = 'all',
  cites: readonly number[] = [],
): ValidityFinding {
  return cites.length ? { kind, source, code, reason, claims, cites } : { kind, source, code, reason, claims };
}

/** the findings among the line's warnings */
export function lineFindings(warnings: readonly ProcessWarning[]): ValidityFinding[] {
  const out: ValidityFinding[] = [];
  for (const w of warnings) {
    const kind = classifyLineWarning(w);
    if (kind) out.push(finding(kind, 'line', w.code, warningText(w)));
  }
  return out;
}

export interface ClaimLike {
  claim: number;
  verdict: 'met' | 'not met' | 'not evaluable';
  elements: { id: string; text: string; verdict: string; evidence: string }[];
}

/**
 * Claims a finding concerns: a "met" becomes "not evaluable" (the result it rests on cannot stand), with
 * a `validity` element giving the reason first; "not met" stays (it does not rest on the result).
 */
export function applyFindingsToClaims<C extends ClaimLike>(claims: C[], findings: readonly ValidityFinding[]): C[] {
  if (findings.length === 0) return claims;
  return claims.map((c0) => {
    const fs = findings.filter((f) => f.claims === 'all' || f.claims.includes(c0.claim));
    const cited = findings.filter((f) => !fs.includes(f) && f.cites?.includes(c0.claim));
    const c = cited.length ? citeOutsideValidity(c0, cited) : c0;
    if (fs.length === 0) return c;
    const evidence = fs
      .map((f) => `${f.kind === 'impossible' ? 'physically impossible' : 'outside model validity'}: ${f.reason}`)
      .join('; ');
    const element = {
      id: 'validity',
      text: 'the results the claim rests on are physically possible and inside the models’ validity',
      verdict: 'not evaluable' as const,
      evidence,
    };
    return {
      ...c,
      verdict: c.verdict === 'met' ? 'not evaluable' : c.verdict,
      elements: [element, ...c.elements],
    };
  });
}

/** what of a battery run (its output block) lies outside the cell model's validity */
export interface BatteryValidityInput {
  results: { max_cell_c_rate: number; model_validity_c_rate: number };
  ageing: { years: number; validity: { inside: boolean; flags: readonly string[] } } | null;
}

/**
 * The battery's findings (issue 16 item 4): cells driven above the SPMe's stated C-rate (the pack's duty
 * voltages, range and deratings at the peaks), and a multi-year projection outside the ageing model's
 * validity or fitted data. No claim's verdict rests on them (claims 17–18 judge the battery's make-up and
 * use); the claim chart cites them in those claims' evidence.
 */
export function batteryFindings(b: BatteryValidityInput): ValidityFinding[] {
  const out: ValidityFinding[] = [];
  const { max_cell_c_rate: c, model_validity_c_rate: lim } = b.results;
  if (c > lim)
    out.push(
      finding(
        'outside_validity',
        'battery',
        'duty_c_rate_above_model_validity',
        `the duty drove cells at up to ${c.toPrecision(3)}C, above the per-cell SPMe's stated ${lim}C ` +
          '(no P2D per cell in a pack): voltages, deratings and range at the peaks are outside validity',
        [],
        [17, 18],
      ),
    );
  if (b.ageing && !b.ageing.validity.inside)
    for (const f of b.ageing.validity.flags)
      out.push(
        finding(
          'outside_validity',
          'battery',
          'pack_ageing_outside_validity',
          `${b.ageing.years}-year projection: ${f.replace(/^outside validity: /, '')}`,
          [],
          [17, 18],
        ),
      );
  return out;
}

/** a claim whose evidence cites figures outside validity: its last element says so, the claim lists them */
function citeOutsideValidity<C extends ClaimLike>(c: C, fs: readonly ValidityFinding[]): C {
  const text = fs.map((f) => f.reason).join('; ');
  const last = c.elements.length - 1;
  return {
    ...c,
    outside_validity: fs.map((f) => f.reason),
    elements: c.elements.map((e, i) =>
      i === last
        ? { ...e, evidence: `${e.evidence}; outside model validity (the verdict does not rest on it): ${text}` }
        : e,
    ),
  };
}
