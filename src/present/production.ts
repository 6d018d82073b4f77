/**
 * The presenter of the production shift's job-level parts: the shift's stops (the block counts them; the
 * dashboard's Shift view draws them) and whether the OEE counts unplanned stops. The rest of the
 * `production` block is still written by src/process/line.ts `runProduction` (issue 13 item 1: left).
 */
import type { ProductionBlock } from '../contract.ts';
import type { ProductionRun } from '../process/line.ts';
import type { Production } from '../process/production/config.ts';

const r6 = (x: number): number => Number(x.toPrecision(6));

/** whether the OEE counts unplanned stops: without them it is an upper bound (issue 12) */
export function unplannedStopsText(b: Production['breakdowns']): string {
  return b.mtbf_h > 0
    ? `on: MTBF ${b.mtbf_h} h, MTTR ${b.mttr_min} min (production.breakdowns)`
    : 'off (production.breakdowns.mtbf_h = 0): availability counts only splices and roll changes, so the OEE is an upper bound';
}

/** The job's `production` block: the shift's block with its stops and the OEE's note on unplanned stops. */
export function presentProduction(run: ProductionRun, breakdowns: Production['breakdowns']): ProductionBlock {
  const b = run.block;
  return {
    ...b,
    ...(b.oee ? { oee: { ...b.oee, unplanned_stops: unplannedStopsText(breakdowns) } } : {}),
    stops: run.timeline.stops.map((s) => ({ cause: s.cause, t0_s: r6(s.t0_s), t1_s: r6(s.t1_s), s_m: r6(s.s_m) })),
  };
}
