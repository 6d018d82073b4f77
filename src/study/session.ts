/**
 * Running a study against its store: a sweep (every point of the design), a solve (targets under
 * constraints → the settings that meet them, or the closest point) or an optimise (a Pareto front by
 * NSGA-II). The store and the executor are passed in (I/O stays at the edges); a study re-run with the
 * same id picks up the stored points and evaluates only the rest, and adaptive searches replay their
 * stored points, so a resumed study gives the table an uninterrupted one would.
 */
import type { StudyDefinition, StudyKind, StudyStore } from '../store/studies.ts';
import { SobolSequence } from '../numerics/sobol.ts';
import { pointSeed } from './design.ts';
import { runPoints, runTasks, type Executor, type Progress } from './engine.ts';
import { meets, violation, type StudyPlan } from './plan.ts';
import type { PointContext, PointResult, PointTask } from './point.ts';
import { nsga2 } from './nsga2.ts';
import { summarise, valueOf, type Row, type StudySummary } from './analyse.ts';

export interface PreparedStudy {
  id: string;
  kind: StudyKind;
  sp: StudyPlan;
  def: StudyDefinition;
}

export interface StudyIO {
  store: StudyStore;
  executor: Executor;
  onProgress?: (p: Progress) => void;
  batchSize?: number;
  signal?: AbortSignal;
}

export interface StudyOutcome {
  id: string;
  resumed: boolean;
  progress: Progress;
  rows: Row[];
  summary: StudySummary;
}

/** what a worker needs for the points of a study */
export function contextOf(sp: StudyPlan): PointContext {
  return { base: sp.base, stages: sp.study.stages, paths: sp.factors.map((f) => f.path), columns: sp.columns };
}

function toRow(r: PointResult): Row {
  return { idx: r.idx, status: r.status, tag: r.tag, values: r.values, outputs: r.outputs, error: r.error };
}

/** the tag of a sweep's point i (its Saltelli matrix), when the design has tags */
export function sweepTagOf(sp: StudyPlan): ((i: number) => string) | undefined {
  const saltelli = sp.plan.saltelli;
  return saltelli
    ? (i: number): string => {
        const k = i % (saltelli.d + 2);
        return k === 0 ? 'A' : k === 1 ? 'B' : `AB${k - 1}`;
      }
    : undefined;
}

/** A sweep whose points are all stored (by this process or by workers): its rows and summary; marks it completed. */
export async function concludeSweep(
  ps: PreparedStudy,
  store: StudyStore,
): Promise<{ rows: Row[]; summary: StudySummary }> {
  const rows = (await store.allPoints(ps.id)) as Row[];
  const summary = summarise(ps.sp, rows);
  if (rows.length === ps.sp.plan.size) await store.finish(ps.id, summary);
  return { rows, summary };
}

export async function runSweep(ps: PreparedStudy, io: StudyIO): Promise<StudyOutcome> {
  const { sp } = ps;
  const b = await io.store.begin(ps.def);
  const tagOf = sweepTagOf(sp);
  const progress = await runPoints(sp.plan, sp.study.seed, {
    executor: io.executor,
    sink: (results) => io.store.savePoints(ps.id, results),
    done: b.done,
    alreadyFailed: b.failed,
    ...(io.batchSize ? { batchSize: io.batchSize } : {}),
    ...(io.onProgress ? { onProgress: io.onProgress } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    ...(tagOf ? { tagOf } : {}),
  });
  const { rows, summary } = await concludeSweep(ps, io.store);
  return { id: ps.id, resumed: !b.created, progress, rows, summary };
}

/**
 * Evaluation through the store: stored points are replayed, new ones evaluated and stored. `progress` is this
 * session's (points evaluated now, not the replayed ones), reported to io.onProgress after every batch.
 */
function cachedEvaluator(
  ps: PreparedStudy,
  io: StudyIO,
  stored: Map<number, Row>,
  total: number,
): { evaluate: (tasks: PointTask[]) => Promise<Row[]>; progress: () => Progress } {
  const t0 = performance.now();
  let evaluated = 0;
  const progress = (): Progress => {
    const elapsed = (performance.now() - t0) / 1000;
    const rate = elapsed > 0 ? evaluated / elapsed : 0;
    return {
      done: stored.size,
      total,
      failed: [...stored.values()].filter((r) => r.status === 'failed').length,
      evaluated,
      elapsed_s: elapsed,
      points_per_s: rate,
      eta_s: rate > 0 ? Math.max(0, total - stored.size) / rate : null,
    };
  };
  const evaluate = async (tasks: PointTask[]): Promise<Row[]> => {
    const missing = tasks.filter((t) => !stored.has(t.idx));
    if (missing.length) {
      const res = await runTasks(missing, io.executor, io.batchSize);
      await io.store.savePoints(ps.id, res);
      for (const r of res) stored.set(r.idx, toRow(r));
      evaluated += res.length;
    }
    io.onProgress?.(progress());
    return tasks.map((t) => stored.get(t.idx)!);
  };
  return { evaluate, progress };
}

function taskAt(sp: StudyPlan, idx: number, u: ArrayLike<number>, tag: string): PointTask {
  return { idx, values: sp.factors.map((f, j) => f.fromUnit(u[j]!)), seed: pointSeed(sp.study.seed, idx), tag };
}

export interface SolveAnswer {
  met: boolean;
  message: string;
  best: {
    idx: number;
    settings: Record<string, number | string>;
    outputs: Record<string, unknown>;
    violation: number;
  } | null;
  /** the settings that meet every target, best first (at most 10) */
  settings: { idx: number; settings: Record<string, number | string>; objective: number | null }[];
}

export async function runSolve(ps: PreparedStudy, io: StudyIO): Promise<StudyOutcome & { answer: SolveAnswer }> {
  const { sp } = ps;
  const s = sp.study.solve!;
  const b = await io.store.begin(ps.def);
  const stored = new Map<number, Row>(((await io.store.allPoints(ps.id)) as Row[]).map((r) => [r.idx, r]));
  const d = sp.factors.length;
  const m = Math.max(8, 2 * d + 2);
  const rounds = Math.ceil(s.refine / m);
  const total = s.evaluations + rounds * m;
  const { evaluate, progress } = cachedEvaluator(ps, io, stored, total);
  const objCol = s.minimise ?? s.maximise;
  const sign = s.maximise ? -1 : 1;
  const merit = (r: Row): [number, number] => {
    if (r.status !== 'ok') return [1e12, Infinity];
    let v = 0;
    for (const [k, bd] of Object.entries(s.targets)) v += violation(valueOf(sp, r, k), bd);
    const o = objCol === undefined ? 0 : valueOf(sp, r, objCol);
    return [v, typeof o === 'number' ? sign * o : Infinity];
  };
  const cmp = (a: Row, c: Row): number => {
    const [va, oa] = merit(a);
    const [vc, oc] = merit(c);
    return va - vc || oa - oc || a.idx - c.idx;
  };
  const seq = new SobolSequence(Math.max(1, d));
  const u = new Float64Array(Math.max(1, d));
  const us = new Map<number, Float64Array>();
  const explore: PointTask[] = [];
  for (let i = 0; i < s.evaluations; i++) {
    seq.point(i + 1, u);
    us.set(i, Float64Array.from(u));
    explore.push(taskAt(sp, i, u, 'explore'));
  }
  let rows = await evaluate(explore);
  let best = [...rows].sort(cmp)[0]!;
  let next = s.evaluations;
  for (let r = 0; r < rounds; r++) {
    const w = 0.25 * 0.5 ** r;
    const centre = us.get(best.idx)!;
    const tasks: PointTask[] = [];
    for (let k = 0; k < m; k++) {
      seq.point(s.evaluations + r * m + k + 1, u);
      const v = new Float64Array(d);
      for (let j = 0; j < d; j++) v[j] = Math.min(1 - 1e-12, Math.max(0, centre[j]! + (2 * u[j]! - 1) * w));
      us.set(next, v);
      tasks.push(taskAt(sp, next++, v, `refine ${r + 1}`));
    }
    rows = await evaluate(tasks);
    const cand = [...rows].sort(cmp)[0]!;
    if (cmp(cand, best) < 0) best = cand;
  }
  const all = [...stored.values()].sort((a, c) => a.idx - c.idx);
  const settingsOf = (r: Row): Record<string, number | string> =>
    Object.fromEntries(sp.factors.map((f, j) => [f.path, r.values[j]!]));
  const ok = all.filter(
    (r) => r.status === 'ok' && Object.entries(s.targets).every(([k, bd]) => meets(valueOf(sp, r, k), bd)),
  );
  ok.sort(cmp);
  const [bv] = merit(best);
  const outputs = Object.fromEntries(
    [...Object.keys(s.targets), ...(objCol ? [objCol] : [])].map((k) => [k, valueOf(sp, best, k)]),
  );
  const met = ok.length > 0;
  const unmet = Object.entries(s.targets)
    .filter(([k, bd]) => !meets(valueOf(sp, best, k), bd))
    .map(([k]) => `${k} = ${JSON.stringify(valueOf(sp, best, k))}`);
  const answer: SolveAnswer = {
    met,
    message: met
      ? `${ok.length} of ${all.length} settings meet every target` +
        (objCol ? `; the best by ${s.minimise ? 'least' : 'most'} ${objCol} is point ${ok[0]!.idx}` : '')
      : `no setting in the searched ranges meets every target (${all.length} evaluated); ` +
        `the closest is point ${best.idx}, which misses ${unmet.join(', ')}`,
    best: best.status === 'ok' ? { idx: best.idx, settings: settingsOf(best), outputs, violation: bv } : null,
    settings: ok.slice(0, 10).map((r) => {
      const o = objCol === undefined ? null : valueOf(sp, r, objCol);
      return { idx: r.idx, settings: settingsOf(r), objective: typeof o === 'number' ? o : null };
    }),
  };
  const summary = { ...summarise(sp, all), solve: answer };
  await io.store.finish(ps.id, summary, all.length);
  return { id: ps.id, resumed: !b.created, progress: progress(), rows: all, summary, answer };
}

export interface ParetoMember {
  idx: number;
  settings: Record<string, number | string>;
  objectives: Record<string, number>;
}

export async function runOptimise(ps: PreparedStudy, io: StudyIO): Promise<StudyOutcome & { front: ParetoMember[] }> {
  const { sp } = ps;
  const o = sp.study.optimise!;
  const b = await io.store.begin(ps.def);
  const stored = new Map<number, Row>(((await io.store.allPoints(ps.id)) as Row[]).map((r) => [r.idx, r]));
  const P = o.population;
  const total = P * o.generations;
  const { evaluate, progress } = cachedEvaluator(ps, io, stored, total);
  const objs = Object.entries(o.objectives);
  const d = sp.factors.length;
  const seq = new SobolSequence(Math.max(1, d));
  const initial = Array.from({ length: P }, (_, i) => Array.from(seq.point(i + 1)).slice(0, d));
  const pop = await nsga2({
    population: P,
    generations: o.generations,
    seed: sp.study.seed,
    initial,
    evaluate: async (genes, gen) => {
      const tasks = genes.map((g, j) => taskAt(sp, gen * P + j, g, `gen ${gen}`));
      const rows = await evaluate(tasks);
      return rows.map((r) => {
        if (r.status !== 'ok') return { f: objs.map(() => Infinity), violation: 1e12, ref: r.idx };
        let v = 0;
        for (const [k, bd] of Object.entries(o.constraints)) v += violation(valueOf(sp, r, k), bd);
        const f = objs.map(([k, dir]) => {
          const x = valueOf(sp, r, k);
          return typeof x === 'number' ? (dir === 'max' ? -x : x) : Infinity;
        });
        if (f.some((x) => !Number.isFinite(x))) v += 1e6;
        return { f, violation: v, ref: r.idx };
      });
    },
  });
  const front: ParetoMember[] = pop
    .filter((m) => m.rank === 0 && m.violation === 0)
    .map((m) => {
      const r = stored.get(m.ref!)!;
      return {
        idx: r.idx,
        settings: Object.fromEntries(sp.factors.map((f, j) => [f.path, r.values[j]!])),
        objectives: Object.fromEntries(objs.map(([k]) => [k, valueOf(sp, r, k) as number])),
      };
    })
    .sort((a, c) => a.idx - c.idx);
  // one entry per distinct point (elitism can carry a parent twice)
  const seen = new Set<number>();
  const unique = front.filter((m) => (seen.has(m.idx) ? false : (seen.add(m.idx), true)));
  const all = [...stored.values()].sort((a, c) => a.idx - c.idx);
  const summary = { ...summarise(sp, all), pareto: unique };
  await io.store.finish(ps.id, summary, all.length);
  return { id: ps.id, resumed: !b.created, progress: progress(), rows: all, summary, front: unique };
}
