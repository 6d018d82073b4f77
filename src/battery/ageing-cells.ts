/**
 * The pack's multi-year ageing, one cell at a time (issue 12): the projection (src/battery/run.ts) and its
 * band (src/battery/ageing-band.ts) age each cell on its own duty and measure its C/3 capacity at the
 * projection's points — the start, after formation (when there is one) and after each year. The cells are
 * independent of one another, so the work is a list of `CellAgeingWork` items, each plain data (it can be
 * sent to another thread), and `cellAgeingTrajectory` turns one item into that cell's capacities. The
 * order in which the items are computed, and where, does not change a single bit of any of them.
 */
import type { CycleSummary } from '../electrochem/model.ts';
import type { SsbSpme } from '../electrochem/ssb/spme.ts';
import { fastRunner } from '../cycler/step-engines.ts';
import { runCycle } from '../cycler/protocols.ts';
import { spmeOf, type CellSpec } from './cells.ts';
import { days } from '../units/index.ts';

/** one day of use of a cell, as its ageing sees it (SI): time under current, mean temperature, RMS current */
export interface AgeingDay {
  /** time under current in the day, s */
  readonly active_s: number;
  /** the day's mean temperature (under load and at rest), K */
  readonly temperature_K: number;
  /** RMS current under load, A */
  readonly rmsCurrent_A: number;
}

/**
 * The day's update of the ageing laws (SsbSpme.afterCycle): `charge_C` through the cell at its RMS current,
 * the rest of the day at rest at mid SOC, one temperature for the day (the Arrhenius factor's day mean:
 * assumption, ≤ 2 % from averaging T instead of the factor over a ±10 K swing).
 */
export function ageingDaySummary(d: AgeingDay, index: number, charge_C: number): CycleSummary {
  return {
    index,
    charge_C,
    discharge_C: charge_C,
    duration_s: days(1),
    rest_s: days(1) - d.active_s,
    restSoc: 0.5,
    meanSoc: 0.5,
    temperature_K: d.temperature_K,
    dischargeCurrent_A: d.rmsCurrent_A,
  };
}

/**
 * A cell's C/3 capacity in a state, C: CC charge to vMax + CV to C/20, CC discharge to vMin (SSB fast
 * stepper, 60 steps per sweep) — the pack projection's measurement.
 */
export function c3Capacity_C(m: SsbSpme, y: Float64Array, vMin_V: number, vMax_V: number): number {
  return runCycle(fastRunner(m, { stepsPerSweep: 60 }), m, y, 1 / 3, 1 / 3, {
    vMax_V,
    vMin_V,
    cvEndCRate: 0.05,
  }).discharge_C;
}

/** one cell's ageing over the projection: plain data (structured-cloneable) */
export interface CellAgeingWork {
  /** the cell (for a band draw: the representative cell with the drawn ageing parameters) */
  readonly spec: CellSpec;
  readonly day: AgeingDay;
  /** charge through the cell per day, C */
  readonly dailyCharge_C: number;
  readonly years: number;
  /** days of use before the reference capacity is measured (0: none; < 365) */
  readonly formationDays: number;
  /** the BMS cell window of the capacity measurement, V */
  readonly vMin_V: number;
  readonly vMax_V: number;
  /** a cell of the pack, or one of the band's draws (the longest items: a scheduler starts them first) */
  readonly role: 'cell' | 'draw';
}

/**
 * A cell's C/3 capacity at the projection's points (src/battery/ageing-band.ts trajectoryTimes): the
 * start, after formation (formationDays > 0), after each year, C. Deterministic: the same work gives the
 * same numbers, bit for bit, wherever and in whatever order it runs.
 */
export function cellAgeingTrajectory(w: CellAgeingWork): number[] {
  const m = spmeOf(w.spec);
  const y = m.initialState(0.5);
  const cap = (): number => c3Capacity_C(m, y, w.vMin_V, w.vMax_V);
  const out = [cap()];
  const f = w.formationDays;
  const q = w.dailyCharge_C;
  for (let yr = 1; yr <= w.years; yr++) {
    // the year's days in a row (afterCycles: the same state, bit for bit, as 365 afterCycle calls — checked
    // for the band's draws of the patent pack on ev:UDDS, ev:US06, ess:solar and ess:wind, 96 of 96 figures
    // each — with the day-invariant work done once); year 1 split at the end of formation
    const split = yr === 1 && f > 0 ? [f, 365 - f] : [365];
    let done = 0;
    for (const n of split) {
      m.afterCycles(y, ageingDaySummary(w.day, 365 * (yr - 1) + done + 1, q), n);
      done += n;
      if (done < 365) out.push(cap());
    }
    out.push(cap());
  }
  return out;
}
