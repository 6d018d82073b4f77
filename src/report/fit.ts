/**
 * The fit report of `rollcell fit --report fit.html`: one self-contained HTML file (inline CSS and SVG, no
 * scripts or remote resources) with the fitted parameters (95 % intervals or why not identifiable), the
 * data against the model before and after the fit for every block (voltage profiles, fade curves, rate
 * tests; held-out blocks marked), the objective against the iteration, the parameters' traces (position
 * within their bounds, log-scaled where the parameter is fitted in log), the correlation matrix of the
 * estimates and, after a posterior chain, its traces. Pure: renders plain data (FitReportInput).
 */
import { esc, linePlot, PALETTE, svgFigure as figure } from './svg.ts';

export interface FitReportBlock {
  readonly name: string;
  readonly heldOut: boolean;
  /** what is compared: voltage, retention, capacity */
  readonly quantity: string;
  readonly unit: string;
  readonly xLabel: string;
  readonly xUnit: string;
  readonly x: readonly number[];
  readonly data: readonly number[];
  /** model before (the file's/recipe's values) and after the fit, at x (NaN where it stopped) */
  readonly before: readonly number[];
  readonly after: readonly number[];
  /** RMSE before and after, in `rmseUnit` */
  readonly rmseBefore: number;
  readonly rmseAfter: number;
  readonly rmseUnit: string;
}

export interface FitReportParameter {
  readonly name: string;
  readonly path: string;
  readonly unit: string;
  readonly log: boolean;
  readonly lower: number;
  readonly upper: number;
  readonly initial: number;
  readonly value: number;
  readonly ci95: readonly [number, number] | null;
  readonly identifiable: boolean;
  readonly reason?: string;
  readonly atBound: 'lower' | 'upper' | null;
}

export interface FitReportInput {
  readonly title: string;
  readonly cell: string;
  readonly model: string;
  readonly method: string;
  readonly message: string;
  readonly converged: boolean;
  readonly evaluations: number;
  readonly seconds: number;
  readonly parameters: readonly FitReportParameter[];
  readonly blocks: readonly FitReportBlock[];
  /** per iteration: objective at the accepted point and the point (parameter units) */
  readonly history: readonly {
    readonly iteration: number;
    readonly cost: number;
    readonly values: readonly number[];
  }[];
  /** correlation of the estimates (row-major np×np; NaN where undefined) */
  readonly correlation: readonly number[];
  readonly correlatedPairs: readonly { readonly a: string; readonly b: string; readonly r: number }[];
  /** a posterior chain (parameter units, row-major kept×np), when sampled */
  readonly chain?: {
    readonly samples: readonly number[];
    readonly kept: number;
    readonly acceptance: number;
    readonly seconds: number;
    readonly summary: readonly {
      readonly name: string;
      readonly median: number;
      readonly q025: number;
      readonly q975: number;
    }[];
  };
  /** what --out wrote (a fitted BPX file or a recipe patch), and how to use it */
  readonly output?: { readonly path: string; readonly how: string };
  /** notes the report must carry (assumptions, intervals as lower bounds, …) */
  readonly notes: readonly string[];
}

const fmt = (x: number, d = 4): string => (Number.isFinite(x) ? String(Number(x.toPrecision(d))) : '—');

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
td.bad{color:#b00020}
.plots{display:flex;flex-wrap:wrap;gap:12px}
.plots figure{margin:0}
figcaption{font-size:12px;color:var(--muted);max-width:560px}
.note{font-size:12px;color:var(--muted)}
svg{max-width:100%;height:auto}
`;

/** position of v within [lower, upper] (0 … 1), on a log scale for a log-scaled parameter */
export function positionInBounds(p: Pick<FitReportParameter, 'log' | 'lower' | 'upper'>, v: number): number {
  return p.log
    ? (Math.log(v) - Math.log(p.lower)) / (Math.log(p.upper) - Math.log(p.lower))
    : (v - p.lower) / (p.upper - p.lower);
}

function blockPlot(b: FitReportBlock, i: number): string {
  const x = [...b.x];
  return linePlot({
    title: `${b.name}${b.heldOut ? ' (held out)' : ''}`,
    width: 600,
    height: 320,
    x: { label: b.xLabel, unit: b.xUnit },
    y: { label: b.quantity, unit: b.unit },
    series: [
      {
        name: 'measured',
        x,
        y: [...b.data],
        color: '#000000',
        markers: b.x.length <= 40,
        noLine: b.x.length <= 40,
      },
      { name: 'model before fit', x, y: [...b.before], color: PALETTE[1], dash: '6 3' },
      { name: b.heldOut ? 'model after fit (not fitted)' : 'model after fit', x, y: [...b.after] },
    ],
    legend: true,
    className: `fit-block fit-block-${i}`,
  });
}

function costPlot(h: FitReportInput['history']): string {
  const pts = h.filter((r) => Number.isFinite(r.cost) && r.cost > 0);
  return linePlot({
    title: 'objective against iteration',
    width: 600,
    height: 320,
    x: { label: 'iteration', unit: '1' },
    y: { label: 'log10 of the objective (weighted mean square)', unit: '1' },
    series: [
      {
        name: 'objective at the accepted point',
        x: pts.map((r) => r.iteration),
        y: pts.map((r) => Math.log10(r.cost)),
        markers: true,
      },
    ],
    legend: true,
    className: 'fit-cost',
  });
}

function tracePlot(
  params: readonly FitReportParameter[],
  xs: readonly number[],
  values: (i: number) => readonly number[],
  title: string,
  xLabel: string,
  cls: string,
): string {
  return linePlot({
    title,
    width: 600,
    height: 320,
    x: { label: xLabel, unit: '1' },
    y: { label: 'position within the bounds (log where fitted in log)', unit: '1', min: 0, max: 1 },
    series: params.map((p, i) => ({
      name: p.name,
      x: [...xs],
      y: values(i).map((v) => positionInBounds(p, v)),
      markers: xs.length <= 60,
    })),
    legend: true,
    className: cls,
  });
}

/** diverging colour for r in [−1, 1]: blue (−1) – white (0) – red (+1) */
function rColor(r: number): string {
  if (!Number.isFinite(r)) return '#d0d0d0';
  const t = Math.max(-1, Math.min(1, r));
  const mix = (a: number, b: number, f: number): number => Math.round(a + (b - a) * f);
  const [r0, g0, b0] = t < 0 ? [33, 102, 172] : [178, 24, 43];
  const f = Math.abs(t);
  return `rgb(${mix(255, r0, f)},${mix(255, g0, f)},${mix(255, b0, f)})`;
}

/** the correlation matrix as a labelled grid with a colour bar (correlation / 1) */
export function correlationMatrix(names: readonly string[], r: readonly number[]): string {
  const n = names.length;
  const cell = Math.max(34, Math.min(64, Math.floor(360 / Math.max(1, n))));
  const labelW = 8 + 6.6 * Math.max(4, ...names.map((s) => s.length));
  const left = labelW + 24;
  const top = 40;
  const gridW = cell * n;
  const width = Math.ceil(left + gridW + 110);
  const height = Math.ceil(top + gridW + labelW + 30);
  const p: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="plot correlation-matrix fit-correlation" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" role="img" aria-label="correlation of the estimates" ` +
      `font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">` +
      `<title>correlation of the estimates</title><rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>` +
      `<text class="plot-title" x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">correlation of the estimates</text>`,
  ];
  for (let i = 0; i < n; i++) {
    const y = top + i * cell;
    p.push(
      `<text class="axis-label row-label" x="${left - 6}" y="${y + cell / 2}" dy="0.32em" text-anchor="end">${esc(names[i]!)}</text>`,
    );
    const x = left + i * cell + cell / 2;
    const yl = top + gridW + 6;
    p.push(
      `<text class="axis-label col-label" x="${x}" y="${yl}" text-anchor="end" dy="0.32em" transform="rotate(-90 ${x} ${yl})">${esc(names[i]!)}</text>`,
    );
    for (let j = 0; j < n; j++) {
      const v = r[i * n + j]!;
      const xx = left + j * cell;
      p.push(
        `<rect class="corr-cell" x="${xx}" y="${y}" width="${cell}" height="${cell}" fill="${rColor(v)}" stroke="#fff"/>`,
        `<text x="${xx + cell / 2}" y="${y + cell / 2}" dy="0.32em" text-anchor="middle" font-size="11" ` +
          `fill="${Math.abs(v) > 0.6 ? '#fff' : '#222'}">${Number.isFinite(v) ? v.toFixed(2) : '—'}</text>`,
      );
    }
  }
  // colour bar
  const bx = left + gridW + 24;
  const bh = Math.max(120, gridW);
  for (let k = 0; k < 20; k++) {
    const v = 1 - (2 * (k + 0.5)) / 20;
    p.push(`<rect x="${bx}" y="${top + (k * bh) / 20}" width="16" height="${bh / 20 + 0.5}" fill="${rColor(v)}"/>`);
  }
  for (const v of [1, 0.5, 0, -0.5, -1])
    p.push(`<text class="tick" x="${bx + 20}" y="${top + ((1 - v) / 2) * bh}" dy="0.32em">${v}</text>`);
  const cy = top + bh / 2;
  p.push(
    `<text class="axis-label legend-label" x="${bx + 60}" y="${cy}" text-anchor="middle" transform="rotate(-90 ${bx + 60} ${cy})">correlation / 1</text>`,
  );
  p.push('</svg>');
  return p.join('');
}

function table(head: readonly string[], rows: readonly (readonly { v: string; cls?: string }[])[]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td${c.cls ? ` class="${c.cls}"` : ''}>${esc(c.v)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function renderFitReport(f: FitReportInput): string {
  const np = f.parameters.length;
  const paramRows = f.parameters.map((p) => [
    { v: p.name },
    { v: p.unit || '1' },
    { v: `${fmt(p.lower, 3)} … ${fmt(p.upper, 3)}${p.log ? ' (log)' : ''}` },
    { v: fmt(p.initial), cls: 'num' },
    { v: fmt(p.value), cls: 'num' },
    p.identifiable && p.ci95
      ? { v: `${fmt(p.ci95[0], 3)} … ${fmt(p.ci95[1], 3)}`, cls: 'num' }
      : { v: `not identifiable: ${p.reason ?? ''}`, cls: 'bad' },
    { v: p.atBound ? `at its ${p.atBound} bound` : '' },
  ]);
  const blockRows = f.blocks.map((b) => [
    { v: b.name },
    { v: b.heldOut ? 'held out' : 'fitted' },
    { v: `${b.quantity} / ${b.unit}` },
    { v: String(b.x.length), cls: 'num' },
    { v: `${fmt(b.rmseBefore)} → ${fmt(b.rmseAfter)} ${b.rmseUnit}`, cls: 'num' },
  ]);
  const h = f.history;
  const sections: string[] = [];
  sections.push(
    `<section><h2>Parameters</h2>${table(['parameter', 'unit', 'bounds', 'start', 'fitted', '95 % interval', ''], paramRows)}` +
      (f.correlatedPairs.length
        ? `<p class="note">Correlated pairs (|r| &gt; 0.95), not identifiable separately from these data: ${f.correlatedPairs
            .map((q) => esc(`${q.a} & ${q.b} (r = ${q.r.toFixed(3)})`))
            .join('; ')}.</p>`
        : '') +
      `</section>`,
  );
  sections.push(
    `<section><h2>Data against model</h2>${table(['block', 'role', 'quantity', 'points', 'RMSE before → after'], blockRows)}` +
      `<div class="plots">${f.blocks
        .map((b, i) =>
          figure(
            blockPlot(b, i),
            `${b.name}: measured (black), the model with the starting values (dashed) and with the fitted values` +
              `${b.heldOut ? ' — this block was not fitted, only compared' : ''}.`,
          ),
        )
        .join('')}</div></section>`,
  );
  sections.push(
    `<section><h2>Convergence</h2><div class="plots">${figure(
      costPlot(h),
      'The objective Σ_b w_b·mean((model − data)²) at the accepted point of each iteration (log10).',
    )}${figure(
      tracePlot(
        f.parameters,
        h.map((r) => r.iteration),
        (i) => h.map((r) => r.values[i]!),
        'parameter traces',
        'iteration',
        'fit-traces',
      ),
      'Each parameter at each iteration as its position within its bounds (0 = lower, 1 = upper; log scale for log-fitted parameters).',
    )}${
      np > 0
        ? figure(
            correlationMatrix(
              f.parameters.map((p) => p.name),
              f.correlation,
            ),
            'Correlation of the estimates from the Fisher information at the optimum (|r| > 0.95: not identifiable separately).',
          )
        : ''
    }</div></section>`,
  );
  if (f.chain && f.chain.kept > 0) {
    const c = f.chain;
    const stride = Math.max(1, Math.floor(c.kept / 1500));
    const idx: number[] = [];
    for (let k = 0; k < c.kept; k += stride) idx.push(k);
    sections.push(
      `<section><h2>Posterior chain</h2><p class="note">${c.kept} samples kept, ` +
        `acceptance ${(c.acceptance * 100).toFixed(1)} %, ${c.seconds.toFixed(1)} s.</p>` +
        table(
          ['parameter', 'median', '2.5 %', '97.5 %'],
          c.summary.map((q) => [
            { v: q.name },
            { v: fmt(q.median), cls: 'num' },
            { v: fmt(q.q025), cls: 'num' },
            { v: fmt(q.q975), cls: 'num' },
          ]),
        ) +
        `<div class="plots">${figure(
          tracePlot(
            f.parameters,
            idx,
            (i) => idx.map((k) => c.samples[k * np + i]!),
            'posterior chain traces',
            'sample',
            'fit-chain',
          ),
          'The adaptive Metropolis chain, each parameter as its position within its bounds.',
        )}</div></section>`,
    );
  }
  if (f.output) sections.push(`<section><h2>Output</h2><p>${esc(f.output.path)}: ${esc(f.output.how)}</p></section>`);
  if (f.notes.length)
    sections.push(
      `<section><h2>Notes</h2><ul>${f.notes.map((n) => `<li class="note">${esc(n)}</li>`).join('')}</ul></section>`,
    );
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(f.title)}</title>` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><style>${CSS}</style></head><body>` +
    `<header><h1>${esc(f.title)}</h1><p>${esc(
      `${f.cell} · model ${f.model} · method ${f.method} · ${f.message} (${f.converged ? 'converged' : 'not converged'}) · ` +
        `${f.evaluations} model evaluations in ${f.seconds.toFixed(1)} s`,
    )}</p></header><main>${sections.join('')}</main></body></html>\n`
  );
}
