/**
 * A small, dependency-free SVG plotting module: line plots with several series, grouped bar charts,
 * axes with "nice" ticks (1-2-5 steps), legends, and XML escaping. Every function returns an SVG string
 * that stands alone (inline in an HTML page or written to a .svg file) and uses no fonts, scripts or
 * resources from the network. Pure: no I/O.
 *
 * Used by the run report (./index.ts) and by the validation scripts.
 */

/** Colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2008). */
export const PALETTE = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#000000',
  '#F0E442',
] as const;

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/** Escape a string for XML/HTML text and attribute values. */
export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * An SVG string ready to inline in an HTML page: the namespace attribute stripped (inline SVG in HTML is in
 * the SVG namespace without it, and the page stays free of URLs).
 */
export function inlineSvg(svg: string): string {
  return svg.replace(/ xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '');
}

/** an inlined SVG plot with its caption (escaped) as an HTML figure */
export function svgFigure(svg: string, caption: string): string {
  return `<figure>${inlineSvg(svg)}<figcaption>${esc(caption)}</figcaption></figure>`;
}

export interface Ticks {
  min: number;
  max: number;
  step: number;
  values: number[];
}

/** 1, 2, 2.5, 5 × 10ⁿ step for a span and a wanted number of intervals */
export function niceStep(span: number, intervals: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, intervals);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  const nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nf * mag;
}

/**
 * Nice axis ticks covering [lo, hi]: the range is widened outward to whole steps. A degenerate range
 * (lo = hi) is widened by ±1 step of its magnitude; non-finite input gives [0, 1].
 */
export function niceTicks(lo: number, hi: number, maxTicks = 6): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return niceTicks(0, 1, maxTicks);
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const step = niceStep(hi - lo, Math.max(1, maxTicks - 1));
  const min = Math.floor(lo / step + 1e-9) * step;
  const max = Math.ceil(hi / step - 1e-9) * step;
  const n = Math.round((max - min) / step);
  const values: number[] = [];
  for (let i = 0; i <= n; i++) values.push(roundTo(min + i * step, step));
  return { min, max, step, values };
}

function roundTo(x: number, step: number): number {
  const d = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(x.toFixed(Math.min(12, d)));
}

/** tick label: as many decimals as the step needs, exponent form for very large/small magnitudes */
export function tickLabel(x: number, step: number): string {
  if (x === 0 || Math.abs(x) < 1e-9 * Math.abs(step)) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(Math.max(0, Math.min(3, Math.ceil(Math.log10(a / step)))));
  const e = Math.floor(Math.log10(step) + 1e-9);
  const mant = step / Math.pow(10, e);
  const dec = Math.max(0, -e + (Math.abs(mant - 2.5) < 1e-6 ? 1 : 0));
  return x.toFixed(Math.min(10, dec));
}

const n2 = (x: number): string => (Math.round(x * 100) / 100).toString();

export interface Axis {
  label: string;
  /** unit shown in brackets after the label */
  unit?: string;
  /** fixed range; otherwise from the data (nice-rounded) */
  min?: number;
  max?: number;
}

export interface Series {
  name: string;
  x: readonly number[];
  y: readonly number[];
  color?: string;
  /** SVG stroke-dasharray, e.g. "6 3" */
  dash?: string;
  /** draw point markers */
  markers?: boolean;
  /** no line between points (markers only) */
  noLine?: boolean;
  /** list in the legend (default true) */
  inLegend?: boolean;
}

export interface RefLine {
  value: number;
  label?: string;
  color?: string;
  dash?: string;
}

export interface LinePlotOptions {
  title?: string;
  width?: number;
  height?: number;
  x: Axis;
  y: Axis;
  series: readonly Series[];
  /** horizontal reference lines (limits, windows) */
  hlines?: readonly RefLine[];
  /** show the legend (default: when more than one series or any reference line is labelled) */
  legend?: boolean;
  /** extra CSS class on the <svg> */
  className?: string;
}

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function frame(width: number, height: number, hasTitle: boolean): Frame {
  return { width, height, left: 64, right: width - 16, top: hasTitle ? 30 : 12, bottom: height - 46 };
}

function axisLabel(a: Axis): string {
  return a.unit ? `${a.label} / ${a.unit}` : a.label;
}

function svgOpen(width: number, height: number, title: string | undefined, cls: string): string {
  const label = title ?? 'plot';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="${esc(cls)}" width="${width}" height="` +
    `${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}" ${FONT} ` +
    `font-size="12"><title>${esc(label)}</title><rect x="0" y="0" width="${width}" height="${height}` +
    `" fill="#fff"/>${
      title
        ? `<text class="plot-title" x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">${esc(title)}</text>`
        : ''
    }`
  );
}

/** Axes with ticks, grid and labels; returns the SVG and the scales. */
export function axes(
  f: Frame,
  xt: Ticks,
  yt: Ticks,
  xAxis: Axis,
  yAxis: Axis,
  xCategorical?: readonly string[],
): { svg: string; sx: (x: number) => number; sy: (y: number) => number } {
  const sx = (x: number): number => f.left + ((x - xt.min) / (xt.max - xt.min)) * (f.right - f.left);
  const sy = (y: number): number => f.bottom - ((y - yt.min) / (yt.max - yt.min)) * (f.bottom - f.top);
  const p: string[] = ['<g class="axes">'];
  for (const v of yt.values) {
    const y = n2(sy(v));
    p.push(`<line x1="${f.left}" x2="${f.right}" y1="${y}" y2="${y}" stroke="#e4e4e4"/>`);
    p.push(`<line x1="${f.left - 5}" x2="${f.left}" y1="${y}" y2="${y}" stroke="#333"/>`);
    p.push(
      `<text class="tick" x="${f.left - 8}" y="${y}" dy="0.32em" text-anchor="end">${esc(tickLabel(v, yt.step))}</text>`,
    );
  }
  if (!xCategorical) {
    for (const v of xt.values) {
      const x = n2(sx(v));
      p.push(`<line x1="${x}" x2="${x}" y1="${f.top}" y2="${f.bottom}" stroke="#f0f0f0"/>`);
      p.push(`<line x1="${x}" x2="${x}" y1="${f.bottom}" y2="${f.bottom + 5}" stroke="#333"/>`);
      p.push(
        `<text class="tick" x="${x}" y="${f.bottom + 17}" text-anchor="middle">${esc(tickLabel(v, xt.step))}</text>`,
      );
    }
  }
  p.push(
    `<rect x="${f.left}" y="${f.top}" width="${n2(f.right - f.left)}" height="${n2(f.bottom - f.top)}" fill="none" stroke="#333"/>`,
  );
  p.push(
    `<text class="axis-label x-label" x="${n2((f.left + f.right) / 2)}" y="${f.height - 8}" text-anchor="middle">${esc(axisLabel(xAxis))}</text>`,
  );
  const cy = n2((f.top + f.bottom) / 2);
  p.push(
    `<text class="axis-label y-label" x="14" y="${cy}" text-anchor="middle" transform="rotate(-90 14 ${cy})">${esc(axisLabel(yAxis))}</text>`,
  );
  p.push('</g>');
  return { svg: p.join(''), sx, sy };
}

/** approximate advance of a 12 px sans-serif character, px — assumption, for layout only */
const LEGEND_CHAR_W = 6.6;

export interface LegendItem {
  name: string;
  color: string;
  dash?: string;
  /** 'line' (default) or 'box' */
  kind?: 'line' | 'box';
}

/** A legend box anchored at its top-right corner (x, y). */
export function legend(items: readonly LegendItem[], x: number, y: number): string {
  if (items.length === 0) return '';
  const { w, h } = legendSize(items);
  const x0 = n2(x - w);
  const p = [
    `<g class="legend"><rect x="${x0}" y="${y}" width="${n2(w)}" height="${h}" fill="#fff" fill-opacity="0.88" stroke="#bbb"/>`,
  ];
  items.forEach((it, i) => {
    const yy = y + 12 + i * 16;
    if (it.kind === 'box')
      p.push(`<rect x="${n2(x - w + 8)}" y="${yy - 5}" width="18" height="10" fill="${esc(it.color)}"/>`);
    else
      p.push(
        `<line x1="${n2(x - w + 6)}" x2="${n2(x - w + 28)}" y1="${yy}" y2="${yy}" stroke="` +
          `${esc(it.color)}" stroke-width="2"${it.dash ? ` stroke-dasharray="${esc(it.dash)}"` : ''}/>`,
      );
    p.push(`<text x="${n2(x - w + 34)}" y="${yy}" dy="0.32em">${esc(it.name)}</text>`);
  });
  p.push('</g>');
  return p.join('');
}

function extent(vals: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of vals) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

/** Decimate a polyline to at most `max` points (keeps the first and last and every k-th point). */
export function decimate(x: readonly number[], y: readonly number[], max = 1500): { x: number[]; y: number[] } {
  const n = Math.min(x.length, y.length);
  if (n <= max) return { x: x.slice(0, n), y: y.slice(0, n) };
  const k = Math.ceil(n / max);
  const ox: number[] = [];
  const oy: number[] = [];
  for (let i = 0; i < n; i += k) {
    ox.push(x[i]!);
    oy.push(y[i]!);
  }
  if ((n - 1) % k !== 0) {
    ox.push(x[n - 1]!);
    oy.push(y[n - 1]!);
  }
  return { x: ox, y: oy };
}

/**
 * Line plot of several series on common axes. Non-finite points break the line. A plot with no finite
 * point says "no data".
 */
export function linePlot(o: LinePlotOptions): string {
  const width = o.width ?? 540;
  const height = o.height ?? 320;
  const f = frame(width, height, o.title !== undefined);
  const series = o.series.map((s, i) => ({
    ...s,
    color: s.color ?? PALETTE[i % PALETTE.length]!,
    ...decimate(s.x, s.y),
  }));
  const [x0, x1] = extent(series.flatMap((s) => s.x.filter((_, i) => Number.isFinite(s.y[i]!))));
  const [y0, y1] = extent([
    ...series.flatMap((s) => s.y.filter((_, i) => Number.isFinite(s.x[i]!))),
    ...(o.hlines ?? []).map((h) => h.value),
  ]);
  const noData = !Number.isFinite(x0) || !Number.isFinite(y0);
  const xt = niceTicks(o.x.min ?? (noData ? 0 : x0), o.x.max ?? (noData ? 1 : x1));
  const yt = niceTicks(o.y.min ?? (noData ? 0 : y0), o.y.max ?? (noData ? 1 : y1));
  if (o.x.min !== undefined) xt.min = o.x.min;
  if (o.x.max !== undefined) xt.max = o.x.max;
  if (o.y.min !== undefined) yt.min = o.y.min;
  if (o.y.max !== undefined) yt.max = o.y.max;
  xt.values = xt.values.filter((v) => v >= xt.min - 1e-9 * xt.step && v <= xt.max + 1e-9 * xt.step);
  yt.values = yt.values.filter((v) => v >= yt.min - 1e-9 * yt.step && v <= yt.max + 1e-9 * yt.step);
  const ax = axes(f, xt, yt, o.x, o.y);
  const p: string[] = [svgOpen(width, height, o.title, `plot line-plot ${o.className ?? ''}`.trim()), ax.svg];
  const clipId = `clip${Math.abs(hash(`${width}x${height}|${o.title ?? ''}`))}`;
  p.push(
    `<defs><clipPath id="${clipId}"><rect x="${f.left}" y="${f.top}" width="${n2(f.right - f.left)}" height="${n2(f.bottom - f.top)}"/></clipPath></defs>`,
  );
  p.push(`<g class="series-group" clip-path="url(#${clipId})">`);
  for (const h of o.hlines ?? []) {
    const y = n2(ax.sy(h.value));
    p.push(refLine(f, Number(y), h));
  }
  for (const s of series) {
    const segs: string[] = [];
    let cur: string[] = [];
    const pts: string[] = [];
    for (let i = 0; i < s.x.length; i++) {
      const xv = s.x[i]!;
      const yv = s.y[i]!;
      if (!Number.isFinite(xv) || !Number.isFinite(yv)) {
        if (cur.length) segs.push(cur.join(' '));
        cur = [];
        continue;
      }
      const px = n2(ax.sx(xv));
      const py = n2(ax.sy(yv));
      cur.push(`${px},${py}`);
      if (s.markers) pts.push(`<circle cx="${px}" cy="${py}" r="3" fill="${esc(s.color)}"/>`);
    }
    if (cur.length) segs.push(cur.join(' '));
    p.push(`<g class="series" data-name="${esc(s.name)}">`);
    if (!s.noLine)
      for (const seg of segs)
        p.push(
          `<polyline fill="none" stroke="${esc(s.color)}" stroke-width="1.8"${s.dash ? ` stroke-dasharray="${esc(s.dash)}"` : ''} points="${seg}"/>`,
        );
    p.push(pts.join(''), '</g>');
  }
  p.push('</g>');
  if (noData)
    p.push(
      `<text class="no-data" x="${n2((f.left + f.right) / 2)}" y="${n2((f.top + f.bottom) / 2)}" text-anchor="middle" fill="#888">no data</text>`,
    );
  const items: LegendItem[] = [
    ...series
      .filter((s) => s.inLegend !== false)
      .map((s) => ({ name: s.name, color: s.color, ...(s.dash ? { dash: s.dash } : {}) })),
  ];
  if (o.legend ?? items.length > 1) {
    const pts: [number, number][] = [];
    for (const s of series)
      for (let i = 0; i < s.x.length; i++)
        if (Number.isFinite(s.x[i]!) && Number.isFinite(s.y[i]!)) pts.push([ax.sx(s.x[i]!), ax.sy(s.y[i]!)]);
    for (const h of o.hlines ?? [])
      for (let k = 0; k <= 20; k++) pts.push([f.left + ((f.right - f.left) * k) / 20, ax.sy(h.value)]);
    const c = legendCorner(f, items, pts);
    p.push(legend(items, c.x, c.y));
  }
  p.push('</svg>');
  return p.join('');
}

/** legend box size for a list of items (same layout as `legend`) */
export function legendSize(items: readonly LegendItem[]): { w: number; h: number } {
  return { w: Math.max(0, ...items.map((i) => i.name.length)) * LEGEND_CHAR_W + 40, h: items.length * 16 + 8 };
}

/** the plot corner (top-right, top-left, bottom-right, bottom-left) whose legend box covers the fewest data points */
export function legendCorner(
  f: Frame,
  items: readonly LegendItem[],
  pts: readonly (readonly [number, number])[],
): { x: number; y: number } {
  const { w, h } = legendSize(items);
  const corners = [
    { x: f.right - 6, y: f.top + 6 },
    { x: f.left + 6 + w, y: f.top + 6 },
    { x: f.right - 6, y: f.bottom - 6 - h },
    { x: f.left + 6 + w, y: f.bottom - 6 - h },
  ];
  let best = corners[0]!;
  let bestN = Infinity;
  for (const c of corners) {
    const n = pts.filter(([px, py]) => px >= c.x - w - 4 && px <= c.x + 4 && py >= c.y - 4 && py <= c.y + h + 4).length;
    if (n < bestN) {
      bestN = n;
      best = c;
    }
  }
  return best;
}

export interface BarGroup {
  name: string;
  values: readonly number[];
  color?: string;
}

export interface BarChartOptions {
  title?: string;
  width?: number;
  height?: number;
  /** one label per category on the x axis */
  categories: readonly string[];
  /** one entry per series; bars of a category are drawn side by side */
  groups: readonly BarGroup[];
  /** stack the groups instead of placing them side by side */
  stacked?: boolean;
  xLabel?: string;
  y: Axis;
  hlines?: readonly RefLine[];
  legend?: boolean;
  /** print each bar's value above it */
  valueLabels?: boolean;
  className?: string;
}

/** Grouped (or stacked) bar chart with a value axis starting at zero (or below, for negative values). */
export function barChart(o: BarChartOptions): string {
  const width = o.width ?? 540;
  const height = o.height ?? 320;
  const f = frame(width, height, o.title !== undefined);
  const groups = o.groups.map((g, i) => ({ ...g, color: g.color ?? PALETTE[i % PALETTE.length]! }));
  const nc = o.categories.length;
  const vals: number[] = [0, ...(o.hlines ?? []).map((h) => h.value)];
  if (o.stacked)
    for (let c = 0; c < nc; c++)
      vals.push(groups.reduce((s, g) => s + (Number.isFinite(g.values[c]!) ? g.values[c]! : 0), 0));
  else for (const g of groups) vals.push(...g.values.filter((v) => Number.isFinite(v)));
  const [lo, hi] = extent(vals);
  const yt = niceTicks(o.y.min ?? lo, o.y.max ?? hi);
  if (o.y.min !== undefined) yt.min = o.y.min;
  if (o.y.max !== undefined) yt.max = o.y.max;
  yt.values = yt.values.filter((v) => v >= yt.min - 1e-9 * yt.step && v <= yt.max + 1e-9 * yt.step);
  const xt: Ticks = { min: 0, max: Math.max(1, nc), step: 1, values: [] };
  const ax = axes(f, xt, yt, { label: o.xLabel ?? '' }, o.y, o.categories);
  const p: string[] = [svgOpen(width, height, o.title, `plot bar-chart ${o.className ?? ''}`.trim()), ax.svg];
  const slot = (f.right - f.left) / Math.max(1, nc);
  const inner = slot * 0.72;
  const bw = o.stacked ? inner : inner / Math.max(1, groups.length);
  const y0 = ax.sy(Math.max(yt.min, Math.min(yt.max, 0)));
  const barPts: [number, number][] = [];
  for (let c = 0; c < nc; c++) {
    const cx = f.left + slot * (c + 0.5);
    p.push(
      `<text class="tick category" x="${n2(cx)}" y="${f.bottom + 17}" text-anchor="middle">${esc(o.categories[c]!)}</text>`,
    );
    let stackBase = 0;
    groups.forEach((g, gi) => {
      const v = g.values[c];
      if (v === undefined || !Number.isFinite(v)) return;
      const base = o.stacked ? stackBase : 0;
      const top = base + v;
      if (o.stacked) stackBase = top;
      const x = o.stacked ? cx - inner / 2 : cx - inner / 2 + gi * bw;
      const ya = ax.sy(Math.max(base, top));
      const yb = o.stacked ? ax.sy(Math.min(base, top)) : v >= 0 ? y0 : ax.sy(v);
      const yTop = v >= 0 || o.stacked ? ya : y0;
      const h = Math.max(0.5, Math.abs(yb - yTop));
      for (let k = 0; k <= 4; k++)
        for (let m = 0; m <= 2; m++) barPts.push([x + (bw * 0.92 * m) / 2, Math.min(yTop, yb) + (h * k) / 4]);
      p.push(
        `<rect class="bar" data-series="${esc(g.name)}" data-category="${esc(o.categories[c]!)}` +
          `" x="${n2(x)}" y="${n2(Math.min(yTop, yb))}" width="${n2(bw * 0.92)}" height="${n2(h)}" fill="` +
          `${esc(g.color)}"><title>${esc(`${g.name} — ${o.categories[c]!}: ${v}`)}</title></rect>`,
      );
      const vy = Math.min(yTop, yb) - 3 < f.top + 10 ? Math.min(yTop, yb) + 12 : Math.min(yTop, yb) - 3;
      if (o.valueLabels)
        p.push(
          `<text class="value" x="${n2(x + (bw * 0.92) / 2)}" y="${n2(vy)}" text-anchor="middle" font-size="10">${esc(tickLabel(v, yt.step / 10))}</text>`,
        );
    });
  }
  for (const h of o.hlines ?? []) {
    const y = n2(ax.sy(h.value));
    p.push(refLine(f, Number(y), h));
  }
  const items: LegendItem[] = [...groups.map((g) => ({ name: g.name, color: g.color, kind: 'box' as const }))];
  for (const hl of o.hlines ?? [])
    for (let k = 0; k <= 20; k++) barPts.push([f.left + ((f.right - f.left) * k) / 20, ax.sy(hl.value)]);
  const barLegend = legendCorner(f, items, barPts);
  if (o.legend ?? items.length > 1) p.push(legend(items, barLegend.x, barLegend.y));
  p.push('</svg>');
  return p.join('');
}

/** a horizontal reference line across the frame, its label written just above its right end */
function refLine(f: Frame, y: number, h: RefLine): string {
  const color = esc(h.color ?? '#888');
  const lbl = h.label
    ? `<text class="ref-label" x="${f.right - 4}" y="${n2(y - 4 < f.top + 10 ? y + 12 : y - 4)}` +
      `" text-anchor="end" font-size="10" fill="${color}">${esc(h.label)}</text>`
    : '';
  return (
    `<line class="ref-line" x1="${f.left}" x2="${f.right}" y1="${n2(y)}" y2="${n2(y)}" ` +
    `stroke="${color}" stroke-dasharray="${esc(h.dash ?? '5 4')}"/>${lbl}`
  );
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** A plot as a stand-alone .svg file's text (XML declaration + the SVG, which already carries its namespace). */
export function standaloneSvg(svg: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
}
