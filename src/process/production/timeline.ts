/**
 * Discrete-event timeline of a production run: unwinders with finite rolls, splices / roll changes,
 * unplanned stops, restarts with a linear speed ramp. Between events the web moves continuously;
 * the result is a piecewise-quadratic map between time t and web length s that has passed station
 * 240 (the laminate coordinate every cell is cut from).
 *
 * Conventions and simplifications (stated, not hidden):
 * - All three input webs advance with the laminate (no stretch); roll j of an unwinder with roll
 *   length L covers laminate positions [j·L, (j+1)·L). Thread-up leaders are outside the run.
 * - Stops are instantaneous (deceleration within ~1 s neglected); restarts ramp linearly from 0 to the
 *   set speed over `ramp_s`.
 * - Zero-speed splice: the expiring roll stops for `time_s` while the festoon (`festoon_s` of line at
 *   set speed, process-models §3.2) feeds the line; if time_s > festoon_s the line stops at the joint for
 *   the shortfall. Flying splice: no stop. Manual roll change: the line stops for `roll_change_min`.
 * - Unplanned stops: exponential times between failures in running time (MTBF) and exponential repair
 *   times (MTTR) — the usual constant-hazard assumption (assumption).
 */
import type { Rng } from '../../numerics/rng.ts';
import type { Production } from './config.ts';
import { problem } from '../../problems.ts';
import { hours, minutes, toMPerMin } from '../../units/index.ts';

import { SHEETS, type SheetId } from '../../recipe/stations.ts';
export { SHEETS, type SheetId };

export interface MotionSegment {
  t0: number;
  t1: number;
  s0: number;
  s1: number;
  v0: number;
  /** acceleration, m s⁻² */
  a: number;
  /** index of the station run (continuous run between stops) */
  run: number;
}

export interface SpliceEvent {
  sheet: SheetId;
  /** laminate position of the joint, m */
  s_m: number;
  t_s: number;
  /** roll index that expired; the new roll is from_roll + 1 */
  from_roll: number;
  /** line stop caused, s */
  downtime_s: number;
}

export interface StopEvent {
  cause: 'splice' | 'roll_change' | 'breakdown';
  t0_s: number;
  t1_s: number;
  s_m: number;
}

export interface ScrapZone {
  cause: 'splice' | 'restart';
  s0: number;
  s1: number;
}

export interface Timeline {
  segments: MotionSegment[];
  splices: SpliceEvent[];
  stops: StopEvent[];
  /** scrap zones of the laminate (sorted, possibly overlapping) */
  scrap: ScrapZone[];
  /** rolls used per sheet (count) and their laminate start positions */
  rolls: Record<SheetId, { length_m: number; starts_m: number[] }>;
  tEnd_s: number;
  sEnd_m: number;
  /** number of station runs (starts) */
  runs: number;
  /** time at set speed is `running` ; ramps are counted as running */
  running_s: number;
  downtime_s: number;
}

export interface TimelineInput {
  speed_m_s: number;
  rollLength_m: Record<SheetId, number>;
  production: Production;
  end: { duration_s: number } | { web_length_m: number };
  rng: Rng;
}

function timeToDistance(v: number, a: number, d: number): number {
  if (d <= 0) return 0;
  if (a === 0) return d / v;
  return (-v + Math.sqrt(v * v + 2 * a * d)) / a;
}

export function buildTimeline(inp: TimelineInput): Timeline {
  const { speed_m_s: vSet, production: P, rng } = inp;
  if (!(vSet > 0)) throw problem('line.speed_m_per_min', 'must be > 0', String(toMPerMin(vSet)), '> 0');
  const tLimit = 'duration_s' in inp.end ? inp.end.duration_s : Infinity;
  const sLimit = 'web_length_m' in inp.end ? inp.end.web_length_m : Infinity;
  if ('duration_s' in inp.end && !(tLimit > 0)) throw problem('duration_s', 'must be > 0', String(tLimit), '> 0');
  if ('web_length_m' in inp.end && !(sLimit > 0)) throw problem('web_length_m', 'must be > 0', String(sLimit), '> 0');
  const accel = P.ramp_s > 0 ? vSet / P.ramp_s : Infinity;
  const mtbf = hours(P.breakdowns.mtbf_h);
  const brkRng = rng.fork();

  const segments: MotionSegment[] = [];
  const splices: SpliceEvent[] = [];
  const stops: StopEvent[] = [];
  const scrap: ScrapZone[] = [];
  const rolls = {} as Timeline['rolls'];
  const nextEnd = {} as Record<SheetId, number>;
  const rollIdx = {} as Record<SheetId, number>;
  for (const sh of SHEETS) {
    const L = inp.rollLength_m[sh];
    if (!(L > 0)) throw problem(`line.roll_length_m.${sh}`, 'must be > 0', String(L), '> 0');
    rolls[sh] = { length_m: L, starts_m: [0] };
    nextEnd[sh] = L;
    rollIdx[sh] = 0;
  }

  let t = 0;
  let s = 0;
  let v = 0;
  let run = 0;
  let running = 0;
  let downtime = 0;
  let ttf = mtbf > 0 ? brkRng.exponential(mtbf) : Infinity; // running time to next failure
  const restart = (): void => {
    if (P.restart_scrap_m > 0) scrap.push({ cause: 'restart', s0: s, s1: s + P.restart_scrap_m });
    v = P.ramp_s > 0 ? 0 : vSet;
  };
  restart();
  const stop = (cause: StopEvent['cause'], dur: number): void => {
    if (!(dur > 0)) return;
    const t1 = Math.min(t + dur, tLimit);
    stops.push({ cause, t0_s: t, t1_s: t1, s_m: s });
    downtime += t1 - t;
    t = t1;
    if (t < tLimit) {
      run++;
      restart();
    }
  };

  let guard = 0;
  while (t < tLimit && s < sLimit) {
    if (++guard > 10_000_000) throw new Error('production timeline: too many events (check roll lengths and speed)');
    const a = v < vSet ? accel : 0;
    // phase horizon: end of acceleration
    const dtPhase = a > 0 ? (vSet - v) / a : Infinity;
    let sE = Infinity;
    for (const sh of SHEETS) if (nextEnd[sh] < sE) sE = nextEnd[sh];
    const dtRoll = timeToDistance(v, a, sE - s);
    const dtEnd = Math.min(tLimit - t, timeToDistance(v, a, sLimit - s));
    const dtFail = ttf;
    const dt = Math.min(dtPhase, dtRoll, dtEnd, dtFail);
    const kind = dt === dtEnd ? 'end' : dt === dtRoll ? 'roll' : dt === dtFail ? 'fail' : 'phase';
    let s1 = s + v * dt + 0.5 * a * dt * dt;
    if (kind === 'roll') s1 = sE;
    if (kind === 'end') s1 = Math.min(s1, sLimit);
    if (dt > 0) segments.push({ t0: t, t1: t + dt, s0: s, s1, v0: v, a, run });
    t += dt;
    running += dt;
    ttf -= dt;
    v = Math.min(vSet, v + a * dt);
    s = s1;
    if (kind === 'phase') {
      v = vSet;
      continue;
    }
    if (kind === 'end') break;
    if (kind === 'fail') {
      ttf = brkRng.exponential(mtbf);
      stop('breakdown', brkRng.exponential(minutes(P.breakdowns.mttr_min)));
      continue;
    }
    // roll end on one (or more) unwinders at the same position: rolls are changed in parallel (one stop, the longest)
    let dtStop = 0;
    let cause: StopEvent['cause'] = 'splice';
    for (const sh of SHEETS) {
      if (nextEnd[sh] !== sE) continue;
      const from = rollIdx[sh];
      rollIdx[sh] = from + 1;
      rolls[sh].starts_m.push(sE);
      nextEnd[sh] = sE + rolls[sh].length_m;
      let dt1 = 0;
      if (P.splice.mode === 'manual') {
        dt1 = minutes(P.splice.roll_change_min);
        cause = 'roll_change';
      } else if (P.splice.mode === 'zero_speed') {
        dt1 = Math.max(0, P.splice.time_s - P.splice.festoon_s);
      }
      dtStop = Math.max(dtStop, dt1);
      splices.push({ sheet: sh, s_m: sE, t_s: t, from_roll: from, downtime_s: dt1 });
      if (P.splice.scrap_length_m > 0)
        scrap.push({
          cause: 'splice',
          s0: Math.max(0, sE - P.splice.scrap_length_m / 2),
          s1: sE + P.splice.scrap_length_m / 2,
        });
    }
    if (dtStop > 0 && t < tLimit) stop(cause, dtStop);
  }
  scrap.sort((x, y) => x.s0 - y.s0);
  return {
    segments,
    splices,
    stops,
    scrap,
    rolls,
    tEnd_s: t,
    sEnd_m: s,
    runs: run + 1,
    running_s: running,
    downtime_s: downtime,
  };
}

/** Time at which laminate position s passed station 240, and the station run (binary search). */
export function timeAt(tl: Timeline, s: number): { t: number; v: number; run: number } {
  const seg = tl.segments;
  if (seg.length === 0) return { t: 0, v: 0, run: 0 };
  if (s <= seg[0]!.s0) return { t: seg[0]!.t0, v: seg[0]!.v0, run: seg[0]!.run };
  let lo = 0;
  let hi = seg.length - 1;
  while (lo < hi) {
    const m = (lo + hi + 1) >> 1;
    if (seg[m]!.s0 <= s) lo = m;
    else hi = m - 1;
  }
  const g = seg[lo]!;
  const d = Math.min(s, g.s1) - g.s0;
  const tau = timeToDistance(g.v0, g.a, d);
  return { t: g.t0 + tau, v: g.v0 + g.a * tau, run: g.run };
}
