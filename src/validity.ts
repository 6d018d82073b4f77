/**
 * Findings that make a result untrustworthy, as values: a physical impossibility (the line as set
 * cannot make the cell it describes, e.g. the Li melts) or a result outside a model's validity. They
 * never sit as a warning beside a clean headline: every cell they concern is out of spec (scrap cause
 * `physically_impossible`), and every claim they concern is "not evaluable" with the reason (the claims
 * take them as an input: ClaimInputs.findings, src/claims/index.ts withFindings).
 *
 * Producers: the line (its ProcessWarning codes are classified below — the map is exhaustive over the
 * codes, so a new code from the line physics must be classified here to compile), and any stage that
 * checks a model's validity (issue 16) by building findings with `finding()`.
 */
import type { ProcessWarning } from './process/types.ts';
import type { ClaimFinding } from './claims/index.ts';
import { warningText } from './present/line.ts';

export type FindingKind = ClaimFinding['kind'];

/**
 * A finding of the run: what the claims take (ClaimInputs.findings: kind, reason, the claims whose verdict
 * rests on it — they become "not evaluable" — and the claims that only cite it), with where it came from.
 */
export interface ValidityFinding extends ClaimFinding {
  /** the stage that found it: 'line', 'cycling', 'battery', … */
  readonly source: string;
  /** machine-readable code, e.g. 'li_melting_in_roll' */
  readonly code: string;
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

/** what of a battery run (its output block) lies outside the cell model's validity */
export interface BatteryValidityInput {
  results: {
    max_cell_c_rate: number;
    model_validity_c_rate: number;
    /** the step at which the pack could not be evaluated (the duty stopped there); absent when it ran whole */
    not_evaluable?: { t_s: number; serial: string; group: number; reason: string };
  };
  ageing: { years: number; validity: { inside: boolean; flags: readonly string[] } } | null;
}

/** the battery claims: their verdicts rest on a battery that was evaluated */
const BATTERY_CLAIMS: readonly number[] = [17, 18];

/**
 * The job's battery was not evaluated because the line's cell has no working Li–Al anode (battery/cells.ts
 * noWorkingAnode: why, the field and its value; `pack`: e.g. 8s2p): claims 17–18 rest on a battery of these
 * cells, so they are "not evaluable" with this reason (a claim already "not met" on its parent stays so, with
 * the reason as its first element). Outside validity, not impossible: the line makes that cell; the battery
 * model has no anode to run it on.
 */
export function noBatteryFinding(no: { path: string; reason: string; got: string }, pack: string): ValidityFinding {
  return finding(
    'outside_validity',
    'battery',
    'no_working_anode',
    `no battery: the line's cell has no working Li–Al anode (${no.reason}; ${no.path} = ${no.got}); ` +
      `the ${pack} pack is not evaluated`,
    BATTERY_CLAIMS,
  );
}

/**
 * The battery's findings (issue 16 item 4): cells driven above the SPMe's stated C-rate (the pack's duty
 * voltages, range and deratings at the peaks), and a multi-year projection outside the ageing model's
 * validity or fitted data — no claim's verdict rests on those (claims 17–18 judge the battery's make-up and
 * use); the claim chart cites them in those claims' evidence. A pack the model could not evaluate (the duty
 * stopped at `results.not_evaluable`) is another matter: claims 17–18 rest on it ("not evaluable", the reason).
 */
export function batteryFindings(b: BatteryValidityInput): ValidityFinding[] {
  const out: ValidityFinding[] = [];
  const ne = b.results.not_evaluable;
  if (ne)
    out.push(
      finding(
        'outside_validity',
        'battery',
        'pack_not_evaluable',
        `the pack could not be evaluated from t = ${ne.t_s} s on (cell ${ne.serial}, group ${ne.group}: ` +
          `${ne.reason}); the duty stopped there`,
        BATTERY_CLAIMS,
      ),
    );
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
