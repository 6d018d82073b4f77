/**
 * What a finished study says: how many points ran and failed (and why, most common first), which
 * points are feasible, Sobol' indices of each numeric output (Saltelli designs), and the probability
 * that each claim is met under the inputs' ranges (sampling designs). Pure: takes the stored rows.
 */
import type { Bound } from './schema.ts';
import type { StudyPlan } from './plan.ts';
import { meets } from './plan.ts';
import { probabilityMet, sobolIndices, type Probability, type SobolResult } from './sensitivity.ts';
import type { ParetoMember, SolveAnswer } from './session.ts';

export interface Row {
  idx: number;
  status: 'ok' | 'failed';
  tag?: string | undefined;
  values: (number | string)[];
  outputs: (number | string | boolean | null)[];
  error?: string | undefined;
}

export interface StudySummary {
  points: number;
  failed: number;
  /** most common failure reasons */
  /** failure reasons with their numbers replaced by # (grouped), and the first point that failed so */
  failures: { reason: string; count: number; first_idx: number; first_error: string }[];
  feasible: { bounds: Record<string, Bound>; count: number } | null;
  /** Sobol' indices per numeric output (Saltelli designs) */
  sensitivity?: SobolResult[];
  /** P(claim met) under the inputs' distributions (sampling designs), or the share of grid points */
  claims?: { basis: 'probability' | 'grid share' | 'share of the evaluated settings'; claims: Probability[] };
  /** a `solve` study's answer (src/study/session.ts) */
  solve?: SolveAnswer;
  /** an `optimise` study's Pareto front */
  pareto?: ParetoMember[];
}

/** a value of a row by column name (input or output) */
export function valueOf(sp: Pick<StudyPlan, 'factors' | 'columns'>, row: Row, col: string): unknown {
  const i = sp.factors.findIndex((f) => f.path === col);
  if (i >= 0) return row.values[i];
  const j = sp.columns.indexOf(col);
  return j >= 0 ? row.outputs[j] : undefined;
}

export function isFeasible(
  sp: Pick<StudyPlan, 'factors' | 'columns'>,
  row: Row,
  bounds: Record<string, Bound>,
): boolean {
  if (row.status !== 'ok') return false;
  return Object.entries(bounds).every(([k, b]) => meets(valueOf(sp, row, k), b));
}

export function summarise(sp: StudyPlan, rows: readonly Row[]): StudySummary {
  const failedRows = rows.filter((r) => r.status === 'failed');
  const reasons = new Map<string, { count: number; first_idx: number; first_error: string }>();
  for (const r of failedRows) {
    // one reason whatever the numbers in it (a root finder's bracket values differ from point to point)
    const k = (r.error ?? 'unknown').replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi, '#').slice(0, 300);
    const e = reasons.get(k);
    if (e) e.count++;
    else reasons.set(k, { count: 1, first_idx: r.idx, first_error: (r.error ?? 'unknown').slice(0, 500) });
  }
  const out: StudySummary = {
    points: rows.length,
    failed: failedRows.length,
    failures: [...reasons.entries()]
      .map(([reason, v]) => ({ reason, ...v }))
      .sort((a, b) => b.count - a.count || a.first_idx - b.first_idx)
      .slice(0, 20),
    feasible: Object.keys(sp.feasible).length
      ? { bounds: sp.feasible, count: rows.filter((r) => isFeasible(sp, r, sp.feasible)).length }
      : null,
  };
  const design = sp.study.design;
  const claimCols = sp.columns.filter((c) => /^claims\.\d+$/.test(c));
  if (design.type === 'saltelli' && sp.plan.saltelli) {
    const { N, d } = sp.plan.saltelli;
    const byIdx = new Map(rows.map((r) => [r.idx, r]));
    out.sensitivity = [];
    sp.columns.forEach((col, j) => {
      const y: (number | null)[] = new Array(N * (d + 2));
      let numeric = 0;
      for (let i = 0; i < N * (d + 2); i++) {
        const r = byIdx.get(i);
        let v = r && r.status === 'ok' ? r.outputs[j] : null;
        // a claim verdict enters as the indicator of "met"
        if (typeof v === 'string' && /^claims\.\d+$/.test(col)) v = v === 'met' ? 1 : 0;
        if (typeof v === 'boolean') v = v ? 1 : 0;
        y[i] = typeof v === 'number' ? v : null;
        if (typeof v === 'number') numeric++;
      }
      if (numeric === 0) return;
      out.sensitivity!.push(
        sobolIndices(
          y,
          N,
          sp.factors.map((f) => f.path),
          { output: col, bootstrap: design.bootstrap, confidence: design.confidence, seed: sp.study.seed },
        ),
      );
    });
  }
  if (claimCols.length) {
    // independent draws: every sampling design's points; of a Saltelli design, the A and B rows only
    const pool =
      design.type === 'saltelli' && sp.plan.saltelli ? rows.filter((r) => r.idx % (sp.plan.saltelli!.d + 2) < 2) : rows;
    out.claims = {
      basis:
        sp.study.solve || sp.study.optimise
          ? 'share of the evaluated settings'
          : design.type === 'grid' || design.type === 'points'
            ? 'grid share'
            : 'probability',
      claims: claimCols.map((c) => {
        const j = sp.columns.indexOf(c);
        return probabilityMet(
          c,
          pool.map((r) => (r.status === 'ok' ? r.outputs[j] : 'failed')),
        );
      }),
    };
  }
  return out;
}
