/**
 * The study report's figures as stand-alone SVG: heatmaps over two inputs with claim boundaries and the
 * feasible window, 1-D lines with bands, parallel coordinates, Sobol' index bars with confidence
 * intervals, and a Pareto scatter. Every plot has axes with units and a legend. Pure.
 */
import { PALETTE, axes, esc, legend, niceTicks, tickLabel, type Axis, type Frame, type LegendItem } from './svg.ts';

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';
const n2 = (x: number): string => (Math.round(x * 100) / 100).toString();

function open(width: number, height: number, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-label="${esc(title)}" ${FONT} font-size="12"><title>${esc(title)}</title>` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>` +
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">${esc(title)}</text>`
  );
}

/**
 * Viridis colour map, 9 stops (van der Walt & Smith, matplotlib 2015; perceptually uniform and
 * readable in grey and by colour-blind readers).
 */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  const ch = (s: string, k: number): number => parseInt(s.slice(1 + 2 * k, 3 + 2 * k), 16);
  const c = [0, 1, 2].map((k) => Math.round(ch(a, k) + f * (ch(b, k) - ch(a, k))));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** cell edges around sorted centres (midpoints; the ends extended by half a spacing) */
function edges(c: readonly number[]): number[] {
  if (c.length === 1) {
    const d = c[0] === 0 ? 0.5 : Math.abs(c[0]!) * 0.05;
    return [c[0]! - d, c[0]! + d];
  }
  const e = [c[0]! - (c[1]! - c[0]!) / 2];
  for (let i = 0; i < c.length - 1; i++) e.push((c[i]! + c[i + 1]!) / 2);
  e.push(c[c.length - 1]! + (c[c.length - 1]! - c[c.length - 2]!) / 2);
  return e;
}

export interface Boundary {
  name: string;
  /** [iy][ix]: inside (claim met) or not; null where unknown */
  inside: (boolean | null)[][];
  color?: string;
}

export interface HeatmapOptions {
  title: string;
  x: Axis;
  y: Axis;
  /** cell centres, increasing */
  xs: number[];
  ys: number[];
  /** [iy][ix] values (null: no value) */
  z: (number | null)[][];
  zLabel: string;
  boundaries: Boundary[];
  /** [iy][ix] feasible; null: no window given */
  feasible: boolean[][] | null;
  width?: number;
  height?: number;
}

const DASHES = ['', '7 4', '2 3', '10 3 2 3', '5 5', '1 2', '12 4'];

export function heatmap(o: HeatmapOptions): string {
  const width = o.width ?? 640;
  const nLegend = o.boundaries.length + (o.feasible ? 2 : 0) + 1;
  const plotH = o.height ?? 360;
  const height = plotH + 16 * nLegend + 12;
  const f: Frame = { width, height: plotH, left: 64, right: width - 100, top: 30, bottom: plotH - 46 };
  const ex = edges(o.xs);
  const ey = edges(o.ys);
  const xt = niceTicks(ex[0]!, ex[ex.length - 1]!);
  const yt = niceTicks(ey[0]!, ey[ey.length - 1]!);
  const xtt = { ...xt, min: ex[0]!, max: ex[ex.length - 1]! };
  const ytt = { ...yt, min: ey[0]!, max: ey[ey.length - 1]! };
  xtt.values = xt.values.filter((v) => v >= xtt.min - 1e-12 && v <= xtt.max + 1e-12);
  ytt.values = yt.values.filter((v) => v >= ytt.min - 1e-12 && v <= ytt.max + 1e-12);
  const ax = axes(f, xtt, ytt, o.x, o.y);
  let zlo = Infinity;
  let zhi = -Infinity;
  for (const row of o.z)
    for (const v of row)
      if (v !== null && Number.isFinite(v)) {
        zlo = Math.min(zlo, v);
        zhi = Math.max(zhi, v);
      }
  const hasZ = zlo <= zhi;
  const zt = hasZ ? niceTicks(zlo, zhi, 5) : niceTicks(0, 1, 5);
  const span = zt.max - zt.min || 1;
  const p: string[] = [open(width, height, o.title)];
  // cells
  for (let iy = 0; iy < o.ys.length; iy++)
    for (let ix = 0; ix < o.xs.length; ix++) {
      const v = o.z[iy]![ix];
      const x0 = ax.sx(ex[ix]!);
      const x1 = ax.sx(ex[ix + 1]!);
      const y0 = ax.sy(ey[iy + 1]!);
      const y1 = ax.sy(ey[iy]!);
      const fill = v === null || v === undefined || !Number.isFinite(v) ? '#d0d0d0' : viridis((v - zt.min) / span);
      p.push(
        `<rect x="${n2(x0)}" y="${n2(y0)}" width="${n2(x1 - x0 + 0.4)}" height="${n2(y1 - y0 + 0.4)}" fill="${fill}"/>`,
      );
      if (o.feasible && !o.feasible[iy]![ix])
        p.push(
          `<rect x="${n2(x0)}" y="${n2(y0)}" width="${n2(x1 - x0 + 0.4)}" height="${n2(y1 - y0 + 0.4)}" fill="#fff" fill-opacity="0.55"/>`,
        );
    }
  p.push(ax.svg);
  // boundary segments between neighbouring cells whose verdicts differ
  const seg = (grid: (boolean | null)[][], color: string, dash: string, w: number): void => {
    const d: string[] = [];
    for (let iy = 0; iy < o.ys.length; iy++)
      for (let ix = 0; ix < o.xs.length; ix++) {
        const a = grid[iy]![ix];
        if (a === null || a === undefined) continue;
        if (ix + 1 < o.xs.length) {
          const b = grid[iy]![ix + 1];
          if (b !== null && b !== undefined && a !== b) {
            const x = n2(ax.sx(ex[ix + 1]!));
            d.push(`M${x} ${n2(ax.sy(ey[iy]!))}V${n2(ax.sy(ey[iy + 1]!))}`);
          }
        }
        if (iy + 1 < o.ys.length) {
          const b = grid[iy + 1]![ix];
          if (b !== null && b !== undefined && a !== b) {
            const y = n2(ax.sy(ey[iy + 1]!));
            d.push(`M${n2(ax.sx(ex[ix]!))} ${y}H${n2(ax.sx(ex[ix + 1]!))}`);
          }
        }
      }
    if (d.length)
      p.push(
        `<path d="${d.join('')}" fill="none" stroke="${color}" stroke-width="${w}" stroke-linecap="square"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      );
  };
  const items: LegendItem[] = [];
  o.boundaries.forEach((b, i) => {
    const color = b.color ?? PALETTE[(i + 1) % PALETTE.length]!;
    const dash = DASHES[i % DASHES.length]!;
    const present = b.inside.some((r) => r.some((v) => v === true)) && b.inside.some((r) => r.some((v) => v === false));
    if (present) seg(b.inside, color, dash, 2.5);
    items.push({
      name: `${b.name}${present ? ' (boundary)' : b.inside.some((r) => r.some((v) => v === true)) ? ' (met everywhere)' : ' (met nowhere)'}`,
      color,
      ...(dash ? { dash } : {}),
    });
  });
  if (o.feasible) {
    seg(o.feasible, '#000', '', 3.5);
    items.push({ name: 'feasible window (edge)', color: '#000' });
    items.push({ name: 'outside the window (pale)', color: '#e8e8e8', kind: 'box' });
  }
  items.push({ name: 'no value (point failed)', color: '#d0d0d0', kind: 'box' });
  // colour bar
  const cbx = f.right + 14;
  const cbh = Math.min(180, f.bottom - f.top);
  const steps = 40;
  for (let k = 0; k < steps; k++) {
    const y = f.top + (cbh * (steps - 1 - k)) / steps;
    p.push(
      `<rect x="${cbx}" y="${n2(y)}" width="14" height="${n2(cbh / steps + 0.5)}" fill="${viridis(k / (steps - 1))}"/>`,
    );
  }
  p.push(`<rect x="${cbx}" y="${f.top}" width="14" height="${cbh}" fill="none" stroke="#333"/>`);
  for (const v of zt.values) {
    const y = f.top + cbh * (1 - (v - zt.min) / span);
    p.push(
      `<line x1="${cbx + 14}" x2="${cbx + 18}" y1="${n2(y)}" y2="${n2(y)}" stroke="#333"/>` +
        `<text x="${cbx + 21}" y="${n2(y)}" dy="0.32em" font-size="11">${esc(tickLabel(v, zt.step))}</text>`,
    );
  }
  p.push(`<text x="${cbx}" y="${f.top + cbh + 16}" font-size="11">${esc(o.zLabel.split(' / ')[0]!)}</text>`);
  if (o.zLabel.includes(' / '))
    p.push(`<text x="${cbx}" y="${f.top + cbh + 30}" font-size="11">/ ${esc(o.zLabel.split(' / ')[1]!)}</text>`);
  // legend below the plot, two columns
  items.forEach((it, k) => {
    const x = 24;
    const y = plotH + 2 + k * 16;
    if (it.kind === 'box')
      p.push(
        `<rect x="${x + 2}" y="${y + 3}" width="18" height="10" fill="${esc(it.color)}" stroke="#999" stroke-width="0.5"/>`,
      );
    else
      p.push(
        `<line x1="${x}" x2="${x + 22}" y1="${y + 8}" y2="${y + 8}" stroke="${esc(it.color)}" stroke-width="2.5"` +
          `${it.dash ? ` stroke-dasharray="${esc(it.dash)}"` : ''}/>`,
      );
    p.push(`<text x="${x + 28}" y="${y + 8}" dy="0.32em" font-size="11">${esc(it.name)}</text>`);
  });
  p.push('</svg>');
  return p.join('');
}

export interface BandSeries {
  name: string;
  x: number[];
  mid: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
  color?: string;
}

/** lines (median) with shaded bands (e.g. 10–90 % over the other inputs) */
export function bandPlot(o: {
  title: string;
  x: Axis;
  y: Axis;
  series: BandSeries[];
  bandLabel: string;
  window?: [number, number][] | undefined;
  width?: number;
  height?: number;
}): string {
  const width = o.width ?? 540;
  const height = o.height ?? 330;
  const f: Frame = { width, height, left: 64, right: width - 16, top: 30, bottom: height - 46 };
  const xs = o.series.flatMap((s) => s.x);
  const ys = o.series
    .flatMap((s) => [...s.lo, ...s.hi, ...s.mid])
    .filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0 || ys.length === 0)
    return `${open(width, 120, o.title)}<text x="${width / 2}" y="70" text-anchor="middle">no data</text></svg>`;
  const xt = niceTicks(Math.min(...xs), Math.max(...xs));
  const yt = niceTicks(Math.min(...ys), Math.max(...ys));
  const ax = axes(f, xt, yt, o.x, o.y);
  const p: string[] = [open(width, height, o.title)];
  const items: LegendItem[] = [];
  if (o.window?.length) {
    for (const [a, b] of o.window)
      p.push(
        `<rect x="${n2(ax.sx(a))}" y="${f.top}" width="${n2(Math.max(1, ax.sx(b) - ax.sx(a)))}" ` +
          `height="${f.bottom - f.top}" fill="#009E73" fill-opacity="0.12"/>`,
      );
    items.push({ name: 'feasible window', color: '#009E7340', kind: 'box' });
  }
  p.push(ax.svg);
  o.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    const up: string[] = [];
    const dn: string[] = [];
    s.x.forEach((x, k) => {
      if (s.lo[k] !== null && s.hi[k] !== null) {
        up.push(`${n2(ax.sx(x))},${n2(ax.sy(s.hi[k]!))}`);
        dn.unshift(`${n2(ax.sx(x))},${n2(ax.sy(s.lo[k]!))}`);
      }
    });
    const hasBand = s.lo.some((v, k) => v !== null && s.hi[k] !== null && s.hi[k]! > v);
    if (hasBand && up.length > 1)
      p.push(`<polygon points="${[...up, ...dn].join(' ')}" fill="${color}" fill-opacity="0.18" stroke="none"/>`);
    let d = '';
    let pen = false;
    s.x.forEach((x, k) => {
      const v = s.mid[k];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${n2(ax.sx(x))} ${n2(ax.sy(v))}`;
      pen = true;
      p.push(`<circle cx="${n2(ax.sx(x))}" cy="${n2(ax.sy(v))}" r="2.6" fill="${color}"/>`);
    });
    p.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    items.push({ name: s.name, color });
    if (hasBand) items.push({ name: `${s.name}: ${o.bandLabel}`, color: `${color}40`, kind: 'box' });
  });
  p.push(legend(items, f.right - 6, f.top + 6));
  p.push('</svg>');
  return p.join('');
}

export interface ParallelAxis {
  label: string;
  unit: string;
  lo: number;
  hi: number;
  /** category names of a categorical axis (values are indices) */
  categories?: string[];
}

export function parallelCoordinates(o: {
  title: string;
  axes: ParallelAxis[];
  /** rows of values (null = missing) and their class */
  lines: { v: (number | null)[]; cls: 'feasible' | 'other' }[];
  feasibleLabel: string;
  width?: number;
  height?: number;
}): string {
  const width = o.width ?? Math.max(640, 140 * o.axes.length + 60);
  const height = o.height ?? 380;
  const top = 56;
  const bottom = height - 64;
  const left = 60;
  const right = width - 60;
  const xs = o.axes.map((_, i) =>
    o.axes.length === 1 ? (left + right) / 2 : left + (i * (right - left)) / (o.axes.length - 1),
  );
  const p: string[] = [open(width, height, o.title)];
  // numeric axes span nice ticks around their data
  const ticks = o.axes.map((a) => (a.categories ? null : niceTicks(a.lo, a.hi, 5)));
  const span = o.axes.map((a, i) => (ticks[i] ? [ticks[i].min, ticks[i].max] : [a.lo, a.hi]) as [number, number]);
  const yOf = (a: ParallelAxis, v: number): number => {
    const [lo, hi] = span[o.axes.indexOf(a)]!;
    return hi > lo ? bottom - ((v - lo) / (hi - lo)) * (bottom - top) : (top + bottom) / 2;
  };
  const draw = (cls: 'feasible' | 'other'): void => {
    const color = cls === 'feasible' ? '#009E73' : '#9aa0a6';
    const op = cls === 'feasible' ? 0.55 : 0.25;
    const d: string[] = [];
    for (const l of o.lines) {
      if (l.cls !== cls) continue;
      let s = '';
      let pen = false;
      l.v.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) {
          pen = false;
          return;
        }
        s += `${pen ? 'L' : 'M'}${n2(xs[i]!)} ${n2(yOf(o.axes[i]!, v))}`;
        pen = true;
      });
      d.push(s);
    }
    if (d.length)
      p.push(`<path d="${d.join('')}" fill="none" stroke="${color}" stroke-opacity="${op}" stroke-width="1"/>`);
  };
  draw('other');
  draw('feasible');
  o.axes.forEach((a, i) => {
    const x = n2(xs[i]!);
    p.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${bottom}" stroke="#333"/>`);
    if (a.categories) {
      a.categories.forEach((c, k) => {
        const y = n2(yOf(a, k));
        p.push(
          `<line x1="${x}" x2="${n2(xs[i]! - 4)}" y1="${y}" y2="${y}" stroke="#333"/>` +
            `<text x="${n2(xs[i]! - 6)}" y="${y}" dy="0.32em" text-anchor="end" font-size="10">${esc(c)}</text>`,
        );
      });
    } else {
      const t = ticks[i]!;
      for (const v of t.values) {
        const y = n2(yOf(a, v));
        p.push(
          `<line x1="${x}" x2="${n2(xs[i]! - 4)}" y1="${y}" y2="${y}" stroke="#333"/>` +
            `<text x="${n2(xs[i]! - 6)}" y="${y}" dy="0.32em" text-anchor="end" font-size="10">` +
            `${esc(tickLabel(v, t.step))}</text>`,
        );
      }
    }
    const parts = a.label.split('.');
    const name = parts[parts.length - 1]!;
    p.push(
      `<text x="${x}" y="${bottom + 16}" text-anchor="middle" font-size="11">${esc(name)}${esc(a.unit ? ` / ${a.unit}` : '')}</text>`,
    );
    p.push(
      `<text x="${x}" y="${bottom + 30}" text-anchor="middle" font-size="10" fill="#555">${esc(parts.slice(0, -1).join('.'))}</text>`,
    );
  });
  p.push(
    legend(
      [
        { name: o.feasibleLabel, color: '#009E73' },
        { name: 'other points', color: '#9aa0a6' },
      ],
      width - 8,
      26,
    ),
  );
  p.push('</svg>');
  return p.join('');
}

/** Sobol' indices (first order and total) with confidence intervals, largest total first */
export function sobolBars(o: {
  title: string;
  indices: { input: string; S1: number; S1_ci: [number, number]; ST: number; ST_ci: [number, number] }[];
  confidence: number;
  width?: number;
}): string {
  const rows = [...o.indices].sort((a, b) => b.ST - a.ST).slice(0, 20);
  const width = o.width ?? 640;
  const rowH = 22;
  const left = 250;
  const top = 34;
  const height = top + rows.length * rowH + 108;
  const right = width - 30;
  const all = rows.flatMap((r) => [r.S1, r.ST, ...r.S1_ci, ...r.ST_ci]).filter(Number.isFinite);
  const t = niceTicks(Math.min(0, ...all), Math.max(0.1, ...all), 6);
  const sx = (v: number): number => left + ((v - t.min) / (t.max - t.min)) * (right - left);
  const p: string[] = [open(width, height, o.title)];
  const bottom = top + rows.length * rowH;
  for (const v of t.values) {
    const x = n2(sx(v));
    p.push(
      `<line x1="${x}" x2="${x}" y1="${top}" y2="${bottom}" stroke="#e4e4e4"/>` +
        `<text x="${x}" y="${bottom + 14}" text-anchor="middle" font-size="11">${esc(tickLabel(v, t.step))}</text>`,
    );
  }
  p.push(`<line x1="${n2(sx(0))}" x2="${n2(sx(0))}" y1="${top}" y2="${bottom}" stroke="#333"/>`);
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    p.push(
      `<text x="${left - 8}" y="${y + rowH / 2}" dy="0.32em" text-anchor="end" font-size="11">${esc(r.input)}</text>`,
    );
    const bar = (v: number, ci: [number, number], dy: number, color: string): void => {
      const x0 = sx(Math.min(0, v));
      p.push(`<rect x="${n2(x0)}" y="${y + dy}" width="${n2(Math.abs(sx(v) - sx(0)))}" height="8" fill="${color}"/>`);
      if (Number.isFinite(ci[0]) && Number.isFinite(ci[1]))
        p.push(
          `<path d="M${n2(sx(ci[0]))} ${y + dy + 4}H${n2(sx(ci[1]))}` +
            `M${n2(sx(ci[0]))} ${y + dy + 1}V${y + dy + 7}M${n2(sx(ci[1]))} ${y + dy + 1}V${y + dy + 7}" ` +
            `stroke="#222" stroke-width="1.2" fill="none"/>`,
        );
    };
    bar(r.S1, r.S1_ci, 3, PALETTE[0]);
    bar(r.ST, r.ST_ci, 12, PALETTE[1]);
  });
  p.push(
    `<text x="${n2((left + right) / 2)}" y="${bottom + 32}" text-anchor="middle">Sobol' index / 1 (share of the output variance)</text>`,
  );
  p.push(
    legend(
      [
        { name: 'first order S1', color: PALETTE[0], kind: 'box' },
        { name: 'total ST', color: PALETTE[1], kind: 'box' },
        { name: `${Math.round(o.confidence * 100)} % bootstrap CI`, color: '#222' },
      ],
      right,
      top + rows.length * rowH + 44,
    ),
  );
  p.push('</svg>');
  return p.join('');
}

/** all evaluated points and the Pareto front on two objectives */
export function paretoScatter(o: {
  title: string;
  x: Axis;
  y: Axis;
  all: [number, number][];
  front: [number, number][];
  width?: number;
  height?: number;
}): string {
  const width = o.width ?? 540;
  const height = o.height ?? 360;
  const f: Frame = { width, height, left: 64, right: width - 16, top: 30, bottom: height - 46 };
  const pts = [...o.all, ...o.front].filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  if (pts.length === 0)
    return `${open(width, 120, o.title)}<text x="${width / 2}" y="70" text-anchor="middle">no data</text></svg>`;
  const xt = niceTicks(Math.min(...pts.map((q) => q[0])), Math.max(...pts.map((q) => q[0])));
  const yt = niceTicks(Math.min(...pts.map((q) => q[1])), Math.max(...pts.map((q) => q[1])));
  const ax = axes(f, xt, yt, o.x, o.y);
  const p: string[] = [open(width, height, o.title), ax.svg];
  for (const [a, b] of o.all)
    if (Number.isFinite(a) && Number.isFinite(b))
      p.push(`<circle cx="${n2(ax.sx(a))}" cy="${n2(ax.sy(b))}" r="2.2" fill="#9aa0a6" fill-opacity="0.6"/>`);
  const fr = [...o.front].sort((a, b) => a[0] - b[0]);
  for (const [a, b] of fr)
    p.push(
      `<circle cx="${n2(ax.sx(a))}" cy="${n2(ax.sy(b))}" r="4" fill="${PALETTE[1]}" stroke="#000" stroke-width="0.6"/>`,
    );
  p.push(
    legend(
      [
        { name: 'evaluated settings', color: '#9aa0a6', kind: 'box' },
        { name: 'Pareto front (all objectives)', color: PALETTE[1], kind: 'box' },
      ],
      f.right - 6,
      f.top + 6,
    ),
  );
  p.push('</svg>');
  return p.join('');
}
