/**
 * Size limits of an experiment: what a run may ask of memory and time, checked before it starts
 * (exit 2 naming the step) and again while it runs (a step that would pass a limit ends the experiment
 * with the reason, never an out-of-memory crash or an endless loop).
 *
 * The numbers are choices, not physics; each is far beyond a real test plan and keeps one run in a few
 * hundred MB:
 * - cycles: 10 000 (a long cycle-life test is 1 000–5 000 cycles; the recipe's ageing cycles, which
 *   record no time series, have their own limit of 100 000);
 * - steps in one cycle, nested repeats expanded: 10 000; steps in all: 100 000;
 * - one step's duration: 100 000 h (11.4 years; calendar-ageing tests run ≤ 2 years);
 * - recorded time-series points: 1 000 000 (≈ 20 columns × 8 bytes × 10⁶ ≈ 160 MB in memory and about
 *   as much again as JSON in the store); a longer test gives its steps a longer period, e.g.
 *   "Rest for 100000 hours (1 hour period)".
 */
import type { DriveCycle } from './machine.ts';
import type { Experiment, StepAst } from './experiment.ts';
import { hours, toHours, toMinutes } from '../units/index.ts';

export const EXPERIMENT_LIMITS = {
  cycles: 10_000,
  stepsPerCycle: 10_000,
  steps: 100_000,
  stepDuration_s: hours(100_000),
  seriesPoints: 1_000_000,
} as const;

export interface SizeProblem {
  /** where: `experiment[2]` or the step's text */
  where: string;
  problem: string;
  got: string;
  allowed: string;
}

const fmt = (n: number): string => (n >= 1e6 ? n.toExponential(2) : String(Math.round(n)));

/** duration and recording period of a step, when they are known before it runs */
function stepExtent(
  s: StepAst,
  expPeriod_s: number,
  driveCycles?: Readonly<Record<string, DriveCycle>>,
): { duration_s?: number; period_s: number } {
  const c = s.control;
  if (c.mode === 'drive_cycle') {
    const dc = driveCycles?.[c.source];
    if (!dc || dc.time_s.length < 2)
      return {
        ...(s.duration_s !== undefined ? { duration_s: s.duration_s } : {}),
        period_s: s.period_s ?? expPeriod_s,
      };
    let minDt = Infinity;
    for (let i = 1; i < dc.time_s.length; i++) minDt = Math.min(minDt, dc.time_s[i]! - dc.time_s[i - 1]!);
    return {
      duration_s: s.duration_s ?? dc.time_s[dc.time_s.length - 1]!,
      period_s: s.period_s ?? Math.min(expPeriod_s, minDt),
    };
  }
  const cvDur = s.cv?.duration_s;
  const duration_s = s.duration_s !== undefined ? s.duration_s + (cvDur ?? 0) : undefined;
  return { ...(duration_s !== undefined ? { duration_s } : {}), period_s: s.period_s ?? expPeriod_s };
}

/**
 * What an experiment asks for beyond the limits (empty when it fits). Steps that run "until …" have no
 * known length: the runner's own guard stops them at the point limit.
 */
export function experimentSizeProblems(
  exp: Experiment,
  driveCycles?: Readonly<Record<string, DriveCycle>>,
  loopCycles = 1000,
): SizeProblem[] {
  const L = EXPERIMENT_LIMITS;
  const out: SizeProblem[] = [];
  let cycles = 0;
  let steps = 0;
  let points = 0;
  let worst: { text: string; points: number; period_s: number } | undefined;
  for (const b of exp.blocks) {
    const n = b.kind === 'cycles' ? b.repeat : loopCycles;
    cycles += n;
    steps += n * b.steps.length;
    for (const s of b.steps) {
      const { duration_s, period_s } = stepExtent(s, exp.period_s, driveCycles);
      if (duration_s === undefined) continue;
      if (!(duration_s <= L.stepDuration_s))
        out.push({
          where: JSON.stringify(s.text),
          problem: 'step too long',
          got: `${fmt(duration_s)} s (${fmt(toHours(duration_s))} h)`,
          allowed: `<= ${toHours(L.stepDuration_s)} h per step`,
        });
      const p = period_s > 0 ? Math.ceil(duration_s / period_s) + 1 : Infinity;
      points += n * p;
      if (!worst || p > worst.points) worst = { text: s.text, points: p, period_s };
    }
  }
  if (cycles > L.cycles)
    out.push({
      where: 'experiment',
      problem: 'too many cycles',
      got: `${fmt(cycles)} cycles`,
      allowed: `<= ${L.cycles} cycles in one experiment`,
    });
  else if (steps > L.steps)
    out.push({
      where: 'experiment',
      problem: 'too many steps',
      got: `${fmt(steps)} steps (cycles × steps per cycle)`,
      allowed: `<= ${L.steps} steps in one experiment`,
    });
  if (out.length === 0 && points > L.seriesPoints && worst) {
    const longer = Math.max(1, Math.ceil(toMinutes((worst.period_s * points) / L.seriesPoints)));
    out.push({
      where: JSON.stringify(worst.text),
      problem: 'the experiment would record too many time-series points',
      got: `about ${fmt(points)} points at a ${worst.period_s} s period`,
      allowed: `<= ${L.seriesPoints} points: give the long steps a longer period, e.g. "(${longer} minute period)"`,
    });
  }
  return out;
}

/** The same check as a one-line message per problem (`<where>: <problem> (got …; allowed …)`). */
export function formatSizeProblem(p: SizeProblem): string {
  return `${p.where}: ${p.problem} (got ${p.got}; allowed ${p.allowed})`;
}
