/**
 * The study report: one self-contained HTML file (inline CSS and SVG, no scripts or remote resources)
 * with the study's definition, what it found (claim probabilities, the feasible window, the solve
 * answer or the Pareto front, Sobol' indices) and its maps: heatmaps over two inputs with the
 * boundaries of claims 3, 4, 7, 12, 13, 14 and 16 and the feasible window, 1-D lines with bands,
 * parallel coordinates. Pure: renders stored data.
 */
import type { StoredStudy } from '../store/studies.ts';
import { esc, svgFigure as figure } from './svg.ts';
import {
  bandPlot,
  heatmap,
  paretoScatter,
  parallelCoordinates,
  sobolBars,
  type BandSeries,
  type Boundary,
} from './study-plots.ts';
import { planStudy, BOUNDARY_CLAIMS, UNCHECKED, type StudyPlan } from '../study/plan.ts';
import { isFeasible, valueOf, type Row, type StudySummary } from '../study/analyse.ts';
import type { Factor } from '../study/design.ts';
import type { Study } from '../study/schema.ts';
import { unitOfPath } from '../study/design.ts';
import { CLAIM_TITLES } from '../claims/index.ts';

const fmt = (x: unknown, d = 4): string =>
  typeof x === 'number' && Number.isFinite(x)
    ? String(Number(x.toPrecision(d)))
    : x === null || x === undefined
      ? '—'
      : String(x);

const CSS = `
:root{--fg:#1d1f24;--muted:#5b6170;--line:#d9dce3}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);margin:0;background:#f6f7f9;line-height:1.4}
header{background:#1f2a3a;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:#c9d2e0;font-size:13px}
main{max-width:1320px;margin:0 auto;padding:12px 20px 40px}
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:14px 18px;margin:16px 0}
h2{font-size:17px;margin:0 0 10px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.plots{display:flex;flex-wrap:wrap;gap:12px}
.plots figure{margin:0}
figcaption{font-size:12px;color:var(--muted);max-width:640px}
.note{font-size:12px;color:var(--muted)}
svg{max-width:100%;height:auto}
`;

function htmlTable(head: string[], rows: unknown[][]): string {
  const cell = (v: unknown): string =>
    typeof v === 'number'
      ? `<td class="num">${esc(fmt(v))}</td>`
      : `<td>${esc(v === null || v === undefined ? '—' : String(v))}</td>`;
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function specText(f: Factor): string {
  const s = f.spec;
  if (Array.isArray(s)) return `levels ${s.join(', ')}`;
  if ('from' in s) return `${s.from} … ${s.to}${s.scale === 'log' ? ' (log)' : ''}${s.n ? `, ${s.n} levels` : ''}`;
  switch (s.dist) {
    case 'uniform':
      return `uniform ${s.low} … ${s.high}`;
    case 'normal':
      return `normal mean ${s.mean}, sd ${s.sd}${s.low !== undefined || s.high !== undefined ? `, truncated ${s.low ?? '−∞'} … ${s.high ?? '∞'}` : ''}`;
    case 'lognormal':
      return `lognormal median ${s.median}, gsd ${s.gsd}`;
    case 'triangular':
      return `triangular ${s.low} / ${s.mode} / ${s.high}`;
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** bins of a factor for maps: the grid's own levels, else equal bins (log-spaced on a log scale) */
function binsOf(
  sp: StudyPlan,
  f: Factor,
  rows: readonly Row[],
  k: number,
): { centres: number[]; of: (v: number) => number } {
  const i = sp.factors.indexOf(f);
  const searched = sp.study.solve !== undefined || sp.study.optimise !== undefined;
  const vals = [...new Set(rows.map((r) => r.values[i] as number))].sort((a, b) => a - b);
  // a grid's own levels (a search's settings and any set of more than 60 values are binned)
  if (!searched && (sp.study.design.type === 'grid' || sp.study.design.type === 'points') && vals.length <= 60) {
    const at = new Map(vals.map((v, j) => [v, j]));
    return { centres: vals, of: (v) => at.get(v) ?? -1 };
  }
  const [lo, hi] = f.bounds;
  const log = !Array.isArray(f.spec) && 'from' in f.spec && f.spec.scale === 'log' && lo > 0;
  const tr = (v: number): number => (log ? Math.log(v) : v);
  const a = tr(lo);
  const b = tr(hi);
  const centres = Array.from({ length: k }, (_, j) => {
    const t = a + ((j + 0.5) * (b - a)) / k;
    return log ? Math.exp(t) : t;
  });
  return { centres, of: (v) => Math.min(k - 1, Math.max(0, Math.floor(((tr(v) - a) / (b - a || 1)) * k))) };
}

function quantileOf(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const x = q * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (x - lo) * (sorted[hi]! - sorted[lo]!);
}

function axisOf(path: string, unit: string): { label: string; unit: string } {
  return { label: path, unit };
}

function outputUnit(col: string): string {
  if (col === 'cost_per_kWh') return '$/kWh';
  if (col === 'claims_met') return 'claims';
  if (col.endsWith('.risk') || col.endsWith('coulombic_efficiency')) return '1';
  return unitOfPath(col);
}

function maps(sp: StudyPlan, rows: readonly Row[], feasibleBounds: StudyPlan['feasible']): string[] {
  const ok = rows.filter((r) => r.status === 'ok');
  const numF = sp.factors.filter((f) => f.numeric);
  const outs = sp.columns.filter(
    (c) => !/^claims\.\d+$/.test(c) && ok.some((r) => typeof valueOf(sp, r, c) === 'number'),
  );
  const figs: string[] = [];
  const hasWindow = Object.keys(feasibleBounds).length > 0;
  // 2-D heatmaps on the first two numeric inputs
  if (numF.length >= 2 && ok.length > 0) {
    const [fx, fy] = [numF[0]!, numF[1]!];
    const ix = sp.factors.indexOf(fx);
    const iy = sp.factors.indexOf(fy);
    const k = Math.max(4, Math.min(24, Math.round(Math.sqrt(rows.length / 4))));
    const bx = binsOf(sp, fx, rows, k);
    const by = binsOf(sp, fy, rows, k);
    const cells: Row[][][] = by.centres.map(() => bx.centres.map(() => []));
    for (const r of rows) {
      const a = bx.of(r.values[ix] as number);
      const b = by.of(r.values[iy] as number);
      if (a >= 0 && b >= 0) cells[b]![a]!.push(r);
    }
    const share = (rs: Row[], pred: (r: Row) => boolean): boolean | null =>
      rs.length ? rs.filter(pred).length * 2 >= rs.length : null;
    const boundaries: Boundary[] = BOUNDARY_CLAIMS.filter((c) => sp.columns.includes(`claims.${c}`)).map((c) => ({
      name: `claim ${c}: ${CLAIM_TITLES[c] ?? ''}`.slice(0, 76),
      inside: cells.map((row) =>
        row.map((rs) =>
          share(
            rs.filter((r) => r.status === 'ok'),
            (r) => valueOf(sp, r, `claims.${c}`) === 'met',
          ),
        ),
      ),
    }));
    const feasible = hasWindow
      ? cells.map((row) => row.map((rs) => share(rs, (r) => isFeasible(sp, r, feasibleBounds)) ?? false))
      : null;
    const others = sp.factors.length > 2 ? `; each cell the mean over the other ${sp.factors.length - 2} inputs` : '';
    for (const col of outs.slice(0, 6)) {
      const z = cells.map((row) =>
        row.map((rs) => {
          const v = rs.map((r) => num(valueOf(sp, r, col))).filter((x): x is number => x !== null);
          return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
        }),
      );
      figs.push(
        figure(
          heatmap({
            title: col,
            x: axisOf(fx.path, fx.unit),
            y: axisOf(fy.path, fy.unit),
            xs: bx.centres,
            ys: by.centres,
            z,
            zLabel: `${col.split('.').slice(-1)[0]}${outputUnit(col) ? ` / ${outputUnit(col)}` : ''}`,
            boundaries,
            feasible,
          }),
          `${col} over ${fx.path} × ${fy.path}${others}. ` +
            "Lines: where a claim's verdict changes between neighbouring cells (majority of the cell's points)." +
            (hasWindow
              ? ` Bold black edge: the feasible window (${Object.keys(feasibleBounds).join(', ')}); cells outside it are pale.`
              : ''),
        ),
      );
    }
  }
  // 1-D lines with bands
  for (const f of numF.slice(0, 2)) {
    const i = sp.factors.indexOf(f);
    const b = binsOf(sp, f, rows, 10);
    for (const col of outs.slice(0, numF.length >= 2 ? 3 : 6)) {
      const groups: number[][] = b.centres.map(() => []);
      const feas: boolean[][] = b.centres.map(() => []);
      for (const r of ok) {
        const j = b.of(r.values[i] as number);
        const v = num(valueOf(sp, r, col));
        if (j >= 0 && v !== null) groups[j]!.push(v);
        if (j >= 0) feas[j]!.push(isFeasible(sp, r, feasibleBounds));
      }
      const sorted = groups.map((g) => [...g].sort((x, y) => x - y));
      const s: BandSeries = {
        name: sp.factors.length > 1 || sp.study.replicates > 1 ? 'median' : col.split('.').slice(-1)[0]!,
        x: b.centres,
        mid: sorted.map((g) => quantileOf(g, 0.5)),
        lo: sorted.map((g) => quantileOf(g, 0.1)),
        hi: sorted.map((g) => quantileOf(g, 0.9)),
      };
      const window: [number, number][] = [];
      if (hasWindow) {
        const e = b.centres.map(
          (c, j) =>
            [
              j === 0 ? c : (b.centres[j - 1]! + c) / 2,
              j === b.centres.length - 1 ? c : (c + b.centres[j + 1]!) / 2,
            ] as [number, number],
        );
        feas.forEach((fs, j) => {
          if (fs.length && fs.every(Boolean)) window.push(e[j]!);
        });
      }
      figs.push(
        figure(
          bandPlot({
            title: `${col.split('.').slice(-2).join('.')} vs ${f.path.split('.').slice(-2).join('.')}`,
            x: axisOf(f.path, f.unit),
            y: { label: col, unit: outputUnit(col) },
            series: [s],
            bandLabel: `10–90 % over the ${sp.factors.length > 1 ? (sp.study.replicates > 1 ? 'other inputs and replicates' : 'other inputs') : 'replicates'}`,
            window,
          }),
          `${col} against ${f.path}` +
            (sp.factors.length > 1 || sp.study.replicates > 1
              ? ': median and 10–90 % band of the points in each bin ' +
                `(${sp.factors.length > 1 ? 'the other inputs vary' : `${sp.study.replicates} replicates`})`
              : '') +
            `.${hasWindow ? ' Green: bins where every point is feasible.' : ''}`,
        ),
      );
    }
  }
  // parallel coordinates
  if (sp.factors.length >= 2 && ok.length > 1) {
    const axCols = [...sp.factors.map((f) => f.path), ...outs.slice(0, 4)].slice(0, 14);
    const axesList = axCols.map((c) => {
      const f = sp.factors.find((x) => x.path === c);
      if (f && !f.numeric) {
        const cats = (Array.isArray(f.spec) ? f.spec : []).map(String);
        return { label: c, unit: '', lo: 0, hi: Math.max(1, cats.length - 1), categories: cats };
      }
      const vals = ok.map((r) => num(valueOf(sp, r, c))).filter((x): x is number => x !== null);
      return { label: c, unit: f ? f.unit : outputUnit(c), lo: Math.min(...vals), hi: Math.max(...vals) };
    });
    const bounds = hasWindow
      ? feasibleBounds
      : Object.fromEntries(
          BOUNDARY_CLAIMS.filter((c) => sp.columns.includes(`claims.${c}`)).map((c) => [`claims.${c}`, 'met' as const]),
        );
    const stride = Math.max(1, Math.ceil(ok.length / 1500));
    const lines = ok
      .filter((_, j) => j % stride === 0)
      .map((r) => ({
        v: axCols.map((c, j) => {
          const v = valueOf(sp, r, c);
          const a = axesList[j]!;
          if ('categories' in a && a.categories) return a.categories.indexOf(String(v));
          return num(v);
        }),
        cls: (Object.keys(bounds).length && isFeasible(sp, r, bounds) ? 'feasible' : 'other') as 'feasible' | 'other',
      }));
    const label = hasWindow ? 'feasible points' : `claims ${BOUNDARY_CLAIMS.join(', ')} met`;
    figs.push(
      figure(
        parallelCoordinates({
          title: 'parallel coordinates: inputs and outputs of every point',
          axes: axesList,
          lines,
          feasibleLabel: label,
        }),
        `Each line is one point${stride > 1 ? ` (every ${stride}th of ${ok.length})` : ''}; green: ${label}.`,
      ),
    );
  }
  return figs;
}

export function renderStudyReport(s: StoredStudy, rows: readonly Row[]): string {
  const study = s.study as Study;
  const sp = planStudy(study, s.base as Record<string, unknown>, UNCHECKED);
  const sum = (s.summary ?? {}) as Partial<StudySummary>;
  const recipeName = String((s.base as { name?: unknown }).name ?? '');
  const parts: string[] = [];
  parts.push(
    `<section><h2>Study</h2>${htmlTable(
      ['', ''],
      [
        ['study id', s.id],
        ['kind', s.kind],
        ['recipe', recipeName],
        ['design', `${study.design.type}${'n' in study.design ? `, n = ${study.design.n}` : ''}`],
        [
          'stages',
          [
            'line',
            ...Object.entries(study.stages)
              .filter(([, v]) => v)
              .map(([k, v]) => (typeof v === 'object' ? `${k} ${JSON.stringify(v)}` : k)),
          ].join(' + '),
        ],
        ['seed', s.seed],
        ['points', `${s.n_done} stored (${s.n_failed} failed)${s.n_points ? ` of ${s.n_points} planned` : ''}`],
        ['status', s.status],
        ['rollcell version', s.rollcell_version],
      ],
    )}</section>`,
  );
  parts.push(
    `<section><h2>Inputs</h2>${htmlTable(
      ['path', 'values', 'unit', 'source of the range'],
      sp.factors.map((f) => [f.path, specText(f), f.unit || '—', sp.sources[f.path] ?? 'study file']),
    )}</section>`,
  );
  if (sum.solve) {
    const a = sum.solve;
    parts.push(
      `<section id="solve"><h2>Solve</h2><p>${esc(a.message)}</p>${
        a.best
          ? htmlTable(
              ['', 'value'],
              [...Object.entries(a.best.settings), ...Object.entries(a.best.outputs)].map(([k, v]) => [k, v]),
            )
          : ''
      }${
        a.settings.length
          ? `<h3>Settings that meet every target</h3>${htmlTable(
              ['point', ...sp.factors.map((f) => f.path), 'objective'],
              a.settings.map((x) => [x.idx, ...sp.factors.map((f) => x.settings[f.path]), x.objective]),
            )}`
          : ''
      }</section>`,
    );
  }
  if (sum.pareto && study.optimise) {
    const objs = Object.keys(study.optimise.objectives);
    const figs: string[] = [];
    if (objs.length >= 2) {
      for (let j = 1; j < Math.min(objs.length, 4); j++) {
        const [ox, oy] = [objs[0]!, objs[j]!];
        figs.push(
          figure(
            paretoScatter({
              title: `${ox} vs ${oy}`,
              x: { label: ox, unit: outputUnit(ox) },
              y: { label: oy, unit: outputUnit(oy) },
              all: rows
                .filter((r) => r.status === 'ok')
                .map((r) => [num(valueOf(sp, r, ox)) ?? NaN, num(valueOf(sp, r, oy)) ?? NaN]),
              front: sum.pareto.map((m) => [m.objectives[ox] ?? NaN, m.objectives[oy] ?? NaN]),
            }),
            `Every evaluated setting (grey) and the Pareto front over all ${objs.length} objectives ` +
              `(${objs.map((o) => `${o} ${study.optimise!.objectives[o]}`).join(', ')}), projected on two of them.`,
          ),
        );
      }
    }
    parts.push(
      `<section id="pareto"><h2>Pareto front (${sum.pareto.length} settings)</h2><div class="plots">${figs.join('')}</div>${htmlTable(
        ['point', ...sp.factors.map((f) => f.path), ...objs],
        sum.pareto.map((m) => [
          m.idx,
          ...sp.factors.map((f) => m.settings[f.path]),
          ...objs.map((o) => m.objectives[o]),
        ]),
      )}</section>`,
    );
  }
  if (sum.claims) {
    parts.push(
      `<section><h2>Claims under these inputs</h2><p class="note">${
        sum.claims.basis === 'probability'
          ? 'Probability that each claim is met when the inputs vary over their ranges ' +
            '(sampled points; failed points count as not met), with the Wilson 95 % interval.'
          : sum.claims.basis === 'grid share'
            ? 'Share of the grid points at which each claim is met (a grid is not a probability distribution).'
            : 'Share of the settings the search evaluated at which each claim is met (a search is not a probability distribution).'
      }</p>${htmlTable(
        ['claim', 'title', sum.claims.basis === 'probability' ? 'P(met)' : 'share met', '95 % interval', 'points'],
        sum.claims.claims.map((c) => {
          const n = Number(c.what.replace('claims.', ''));
          return [n, CLAIM_TITLES[n] ?? '', c.p, `${fmt(c.ci[0], 3)} – ${fmt(c.ci[1], 3)}`, c.evaluated];
        }),
      )}</section>`,
    );
  }
  const figs = maps(sp, rows, sp.feasible);
  if (figs.length) parts.push(`<section id="maps"><h2>Maps</h2><div class="plots">${figs.join('')}</div></section>`);
  if (sum.sensitivity?.length) {
    const sf = sum.sensitivity
      .filter((r) => !/^claims\./.test(r.output) || r.variance > 0)
      .slice(0, 10)
      .map((r) =>
        figure(
          sobolBars({ title: `Sobol' indices of ${r.output}`, indices: r.indices, confidence: r.confidence }),
          `${r.rows} base rows (${r.rows_left_out} left out: a point failed or gave no number), ` +
            `${r.bootstrap} bootstrap resamples; estimators of Saltelli et al. (2010) and Jansen (1999).` +
            (/^claims\./.test(r.output) ? ' The output is the indicator "claim met" (1/0).' : ''),
        ),
      );
    parts.push(`<section id="sensitivity"><h2>Sensitivity</h2><div class="plots">${sf.join('')}</div></section>`);
  }
  if (sum.failures?.length)
    parts.push(
      `<section><h2>Failed points</h2>${htmlTable(
        ['count', 'first point', 'reason (as at the first point)'],
        sum.failures.map((f) => [f.count, f.first_idx, f.first_error ?? f.reason]),
      )}</section>`,
    );
  const head = ['idx', 'status', ...sp.factors.map((f) => f.path), ...sp.columns];
  const shown = rows.slice(0, 100);
  parts.push(
    `<section><h2>Points${rows.length > 100 ? ' (first 100; export the rest with rollcell studies export)' : ''}</h2><div style="overflow-x:auto">${htmlTable(
      head,
      shown.map((r) => [
        r.idx,
        r.status === 'ok' ? 'ok' : `failed: ${r.error ?? ''}`.slice(0, 120),
        ...r.values,
        ...r.outputs,
      ]),
    )}</div></section>`,
  );
  const page =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(`rollcell ${s.kind}: ${s.name}`)}</title>` +
    `<style>${CSS}</style></head><body><header><h1>${esc(`${s.kind}: ${s.name}`)}</h1>`;
  return `${page}<p>${esc(
    `recipe ${recipeName} · ${s.n_done} points · study ${s.id}`,
  )}</p></header><main>${parts.join('')}</main></body></html>`;
}
