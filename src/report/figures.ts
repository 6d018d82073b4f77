/**
 * The report's two drawings in the style of the seed's figures:
 *  - FIG. 1: the cell's cross-section, drawn TO SCALE (one vertical px per µm × a stated scale) from the
 *    produced layers (line results after station 240) or, without line results, from the design stack;
 *  - FIG. 2: the line — unwinders, rollers 222 / 236 / 240, sheets 220, 224, 226, 230, 238 — with each
 *    station's result (force, peak pressure, temperature, bonded, thickness reduction).
 * Pure string builders; no I/O.
 */
import type { Recipe } from '../recipe/schema.ts';
import type { RunOutput, StationBlock } from '../contract.ts';
import { layerRole, type SectionRole as LayerRole } from '../claims/index.ts';
import type { LayerRole as ContractLayerRole } from '../contract.ts';
import { esc, niceStep } from './svg.ts';
import type { StationId } from '../recipe/stations.ts';

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';
const n2 = (x: number): string => (Math.round(x * 100) / 100).toString();
const fmt = (x: number, d = 3): string => (Number.isFinite(x) ? String(Number(x.toPrecision(d))) : '—');

export interface SectionLayer {
  name: string;
  role: LayerRole;
  thickness_um: number;
}

export interface CrossSection {
  /** 'line' = produced layers after station 240; 'design' = the recipe's stack before processing */
  source: 'line' | 'design';
  /** bottom (cathode side) to top (anode collector) */
  layers: SectionLayer[];
  note: string;
}

const ROLE_COLOR: Record<LayerRole, string> = {
  collector: '#b9bec6',
  cathode: '#3b3f58',
  electrolyte: '#e9d28a',
  al: '#c9ced6',
  carrier: '#eeeeee',
  li: '#a9cbe8',
  anode: '#7f8fa8',
  conductor: '#c87533',
  other: '#dddddd',
};

/** FIG. 1/2 reference numerals by role */
const ROLE_REF: Record<LayerRole, string> = {
  collector: '208 / 108',
  cathode: '202 / 102',
  electrolyte: '206 / 106',
  al: '224',
  carrier: '',
  li: '232',
  anode: '238 / 104',
  conductor: '234 / 110',
  other: '',
};

const STACK_ORDER: readonly LayerRole[] = [
  'collector',
  'cathode',
  'electrolyte',
  'al',
  'anode',
  'li',
  'conductor',
  'carrier',
  'other',
];

/**
 * The layers of the produced cell: the layers leaving station 240 (thickness_out_um). When the line
 * block reports the anode (line.anode.thickness_um) and station 240 still lists the Al and Li layers
 * separately, they are drawn as the one prelithiated anode 238 of the reported thickness (the alloy the
 * line made). Without line results: the design stack (before rolling).
 */
export function crossSectionLayers(output: RunOutput, recipe: Recipe): CrossSection {
  const s240 = output.line?.stations.find((s) => s.id === '240');
  if (output.line && s240 && s240.layers.length > 0) {
    const raw = s240.layers.map((l) => ({ name: l.name, role: layerRole(l), thickness_um: l.thickness_out_um }));
    const hasAl = raw.some((l) => l.role === 'al');
    const hasLi = raw.some((l) => l.role === 'li');
    const hasAnode = raw.some((l) => l.role === 'anode');
    let layers = raw;
    let note = 'produced layers leaving rollers 240 (line results)';
    const a = output.line.anode;
    // only when the anode is the Li + Al pair in contact (interposed); otherwise draw what the line reports
    if (
      !hasAnode &&
      hasAl &&
      hasLi &&
      recipe.third_sheet.facing_al === 'li_layer' &&
      Number.isFinite(a.thickness_um) &&
      a.thickness_um > 0
    ) {
      const f = a.al_fractions;
      const alloyed = f.LiAl + f.Li3Al2 + f.Li9Al4;
      if (alloyed > 0) {
        layers = raw.filter((l) => l.role !== 'al' && l.role !== 'li');
        layers.push({ name: 'prelithiated anode (238)', role: 'anode', thickness_um: a.thickness_um });
        note +=
          `; the Al (224) and Li (232) layers are drawn as the prelithiated anode 238 (` +
          `${fmt(a.thickness_um)} µm, ${fmt(100 * alloyed)} % of the Al alloyed)`;
      }
    }
    const order = (l: SectionLayer): number => STACK_ORDER.indexOf(l.role);
    // keep the reported order but make sure the stack reads cathode side → anode side
    if (recipe.third_sheet.facing_al === 'li_layer') layers = [...layers].sort((p, q) => order(p) - order(q));
    return { source: 'line', layers, note };
  }
  const dl = output.design.cell['layers'];
  const list = Array.isArray(dl) ? (dl as { name: string; role?: ContractLayerRole; thickness_um: number }[]) : [];
  return {
    source: 'design',
    layers: list.map((l) => ({
      name: l.name,
      role: layerRole(l),
      thickness_um: l.thickness_um,
    })),
    note: 'design stack before processing (no line results in this run)',
  };
}

/**
 * FIG. 1-style cross-section to scale: layer heights are `thickness_um × scale` px with one scale for
 * all layers, and a scale bar. Each layer rect carries data-thickness-um for checks.
 */
export function crossSectionSvg(cs: CrossSection, opts: { width?: number; maxHeight?: number } = {}): string {
  const width = opts.width ?? 640;
  const drawH = opts.maxHeight ?? 360;
  const total = cs.layers.reduce((s, l) => s + l.thickness_um, 0);
  const top = 34;
  const left = 60;
  const stackW = 220;
  const scale = total > 0 ? drawH / total : 1; // px per µm
  const height = top + total * scale + 56;
  const p: string[] = [
    `<svg class="cross-section" width="${width}" height="${n2(height)}" viewBox="0 0 ${width} ` +
      `${n2(height)}" role="img" aria-label="cell cross-section to scale" ${FONT} font-size="12" ` +
      `data-scale-px-per-um="${scale}">`,
    `<title>cell cross-section to scale</title><rect width="${width}" height="${n2(height)}" fill="#fff"/>`,
    `<text class="plot-title" x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">Cell cross-section (FIG. 1 ` +
      `style, to scale) — ${esc(cs.source === 'line' ? 'as produced' : 'design')}</text>`,
  ];
  // draw top = last layer (anode collector side), bottom = first (cathode side)
  let y = top;
  const labels: { y: number; text: string; color: string }[] = [];
  for (let i = cs.layers.length - 1; i >= 0; i--) {
    const l = cs.layers[i]!;
    const h = l.thickness_um * scale;
    const color = ROLE_COLOR[l.role];
    p.push(
      `<rect class="xs-layer" data-name="${esc(l.name)}" data-thickness-um="${l.thickness_um}" ` +
        `x="${left}" y="${n2(y)}" width="${stackW}" height="${h}" fill="${color}" stroke="#222" ` +
        `stroke-width="0.6"><title>${esc(`${l.name}: ${fmt(l.thickness_um, 4)} µm`)}</title></rect>`,
    );
    const ref = ROLE_REF[l.role];
    labels.push({
      y: y + h / 2,
      text: `${l.name}${ref && !l.name.includes(ref.split(' ')[0]!) ? ` [${ref}]` : ''} — ${fmt(l.thickness_um, 4)} µm`,
      color,
    });
    y += h;
  }
  // labels on the right, pushed apart to at least 15 px
  const minGap = 15;
  const ly = labels.map((l) => l.y);
  for (let i = 1; i < ly.length; i++) if (ly[i]! - ly[i - 1]! < minGap) ly[i] = ly[i - 1]! + minGap;
  const lx = left + stackW + 40;
  labels.forEach((l, i) => {
    p.push(
      `<line x1="${left + stackW}" y1="${n2(l.y)}" x2="${lx - 4}" y2="${n2(ly[i]!)}" stroke="#666" stroke-width="0.8"/>`,
    );
    p.push(`<text class="xs-label" x="${lx}" y="${n2(ly[i]!)}" dy="0.32em">${esc(l.text)}</text>`);
  });
  // scale bar
  const bar = niceStep(total / 4, 1);
  const barPx = bar * scale;
  const by = top + total * scale + 22;
  p.push(
    `<g class="scale-bar"><line x1="${left}" x2="${n2(left + barPx)}" y1="${n2(by)}" y2="${n2(by)}" stroke="#000" stroke-width="3"/>`,
  );
  p.push(`<text x="${n2(left + barPx + 8)}" y="${n2(by)}" dy="0.32em">${esc(`${fmt(bar)} µm`)}</text></g>`);
  p.push(
    `<text class="xs-note" x="${left}" y="${n2(by + 22)}" fill="#555" font-size="11">` +
      `${esc(`total ${fmt(total, 4)} µm (${cs.source === 'line' ? 'after rollers 240' : 'design, before rolling'})`)}` +
      `</text>`,
  );
  p.push('</svg>');
  return p.join('');
}

export interface StationView {
  id: StationId;
  force_N: number;
  temperature_C: number;
  peak_pressure_MPa?: number;
  bonded?: boolean;
  /** relative reduction of the whole laminate in the nip, (in − out)/in */
  reduction?: number;
  source: 'line' | 'recipe';
}

export function stationViews(output: RunOutput, recipe: Recipe): StationView[] {
  const ids: StationId[] =
    recipe.stations['222'] || recipe.first_sheet.supply === 'in_situ' ? ['222', '236', '240'] : ['236', '240'];
  const out: StationView[] = [];
  for (const id of ids) {
    const s: StationBlock | undefined = output.line?.stations.find((x) => x.id === id);
    if (s) {
      const tin = s.layers.reduce((a, l) => a + l.thickness_in_um, 0);
      const tout = s.layers.reduce((a, l) => a + l.thickness_out_um, 0);
      const v: StationView = {
        id,
        force_N: s.force_N,
        temperature_C: s.temperature_C,
        peak_pressure_MPa: s.peak_pressure_MPa,
        bonded: s.bonded,
        source: 'line',
      };
      if (tin > 0) v.reduction = (tin - tout) / tin;
      out.push(v);
    } else {
      const r = recipe.stations[id];
      if (r) out.push({ id, force_N: r.force_N, temperature_C: r.temperature_C, source: 'recipe' });
    }
  }
  return out;
}

/**
 * FIG. 2-style line drawing: unwinders feeding the sheets into the roller pairs 222 → 236 → 240, the
 * web leaving as the cell laminate with the prelithiated anode 238; each station with its results.
 */
export function lineDiagramSvg(output: RunOutput, recipe: Recipe): string {
  const W = 960;
  const H = 370;
  const webY = 210;
  const views = stationViews(output, recipe);
  const x = { '222': 290, '236': 520, '240': 760 } as const;
  const R = 22; // roller radius, px
  const p: string[] = [
    `<svg class="line-diagram" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="roll-to-roll line" ${FONT} font-size="12">`,
    `<title>roll-to-roll line (FIG. 2 style)</title><rect width="${W}" height="${H}" fill="#fff"/>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" ` +
      `markerUnits="userSpaceOnUse" markerWidth="14" markerHeight="14" ` +
      `orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>`,
    `<text class="plot-title" x="${W / 2}" y="18" text-anchor="middle" font-size="14" ` +
      `font-weight="600">The line (FIG. 2 style): ${esc(recipe.line.mode)}, ` +
      `${esc(fmt(recipe.line.speed_m_per_min))} m/min, web ${esc(fmt(recipe.line.web_width_mm))} ` +
      `mm</text>`,
  ];
  const unwinder = (cx: number, cy: number, label: string, sub: string): void => {
    p.push(
      `<g class="unwinder"><circle cx="${cx}" cy="${cy}" r="20" fill="#f4f4f4" stroke="#333"/><circle cx="${cx}" cy="${cy}" r="5" fill="#333"/>`,
    );
    p.push(
      `<text x="${cx}" y="${cy - 27}" text-anchor="middle" font-weight="600">${esc(label)}` +
        `</text><text x="${cx}" y="${cy + 36}" text-anchor="middle" font-size="11" fill="#444">` +
        `${esc(sub)}</text></g>`,
    );
  };
  const feed = (x1: number, y1: number, x2: number, y2: number, color: string): void => {
    p.push(
      `<path d="M${x1},${y1} C${n2((x1 + x2) / 2)},${y1} ${n2((x1 + x2) / 2)},${y2} ${x2},${y2}" fill="none" stroke="${color}" stroke-width="3"/>`,
    );
  };
  const rollers = (cx: number, id: string): void => {
    p.push(
      `<g class="rollers" data-station="${id}"><circle cx="${cx}" cy="${webY - R - 2}" r="${R}" ` +
        `fill="#dfe6ee" stroke="#333"/><circle cx="${cx}" cy="${webY + R + 2}" r="${R}" fill="#dfe6ee" ` +
        `stroke="#333"/>`,
    );
    p.push(
      `<text x="${cx}" y="${webY + 2 * R + 20}" text-anchor="middle" font-weight="700">rollers ${esc(id)}</text></g>`,
    );
  };
  const fs = recipe.first_sheet;
  // first composite sheet 220
  if (views.some((v) => v.id === '222')) {
    // the electrolyte on top (the Al and the third sheet are laid on it from above), the cathode below
    unwinder(60, 90, '206', `SE ${fs.electrolyte_layer.material}`);
    unwinder(60, 270, '204', `cathode ${fs.cathode.active_material}`);
    feed(80, 90, x['222'] - R, webY - 4, '#c9a94a');
    feed(80, 270, x['222'] - R, webY + 4, '#3b3f58');
    if (fs.current_collector) {
      unwinder(150, 320, '208', `${fs.current_collector.material} collector`);
      feed(170, 320, x['222'] - R, webY + 8, '#999');
    }
  } else {
    unwinder(120, webY, '220', 'first composite sheet (ready-made)');
  }
  p.push(
    `<line x1="${views.some((v) => v.id === '222') ? x['222'] : 140}" y1="${webY}" x2="${x['236']}" y2="${webY}" stroke="#3b3f58" stroke-width="4"/>`,
  );
  p.push(
    `<text x="${(x['222'] + x['236']) / 2}" y="${webY + 16}" text-anchor="middle" font-size="11">220 first composite sheet</text>`,
  );
  // Al sheet 224
  const a = recipe.al_sheet;
  const alLabel = a.form === 'foil' ? `Al foil ${fmt(a.thickness_um)} µm` : `Al particles ${fmt(a.thickness_um)} µm`;
  if (a.placed_on === 'electrolyte_layer') {
    unwinder(400, 70, '224', alLabel);
    feed(420, 70, x['236'] - R, webY - 4, '#9aa3ad');
  } else {
    unwinder(400, 320, '224', `${alLabel} (on the cathode side)`);
    feed(420, 320, x['236'] - R, webY + 4, '#9aa3ad');
  }
  if (a.form === 'particles_on_carrier' && a.carrier) {
    p.push(
      `<g class="carrier-rewind"><circle cx="455" cy="130" r="12" fill="#fff" stroke="#333" ` +
        `stroke-dasharray="3 2"/><text x="471" y="134" font-size="11">${esc(`${a.carrier.material} carrier removed`)}</text></g>`,
    );
  }
  p.push(`<line x1="${x['236']}" y1="${webY}" x2="${x['240']}" y2="${webY}" stroke="#59606e" stroke-width="5"/>`);
  p.push(
    `<text x="${(x['236'] + x['240']) / 2}" y="${webY + 16}" text-anchor="middle" font-size="11">226 second composite sheet</text>`,
  );
  // third sheet 230
  const t = recipe.third_sheet;
  unwinder(
    640,
    70,
    '230',
    `Li ${fmt(t.li_layer.thickness_um)} µm on ${t.conductive_layer.material} (` +
      `${t.facing_al === 'li_layer' ? 'Li facing Al' : `${t.conductive_layer.material} facing Al`})`,
  );
  feed(660, 70, x['240'] - R, webY - 4, '#c87533');
  p.push(
    `<line x1="${x['240']}" y1="${webY}" x2="${W - 30}" y2="${webY}" stroke="#7f8fa8" stroke-width="6" marker-end="url(#arrow)"/>`,
  );
  p.push(
    `<text x="${(x['240'] + W) / 2}" y="${webY + 16}" text-anchor="middle" font-size="11">cell laminate, anode 238</text>`,
  );
  for (const id of ['222', '236', '240'] as const) if (views.some((v) => v.id === id)) rollers(x[id], id);
  // results boxes above each station
  for (const v of views) {
    const cx = x[v.id];
    const lines = [
      `${fmt(v.force_N)} N, ${fmt(v.temperature_C)} °C`,
      v.peak_pressure_MPa !== undefined ? `peak ${fmt(v.peak_pressure_MPa)} MPa` : 'set point',
      v.bonded === undefined ? 'bond: no line result' : v.bonded ? 'bonded ✓' : 'NOT bonded ✗',
      v.reduction === undefined ? '' : `reduction ${fmt(100 * v.reduction)} %`,
    ].filter((s) => s.length > 0);
    const bx = cx - 62;
    const by = webY + 2 * R + 32;
    p.push(
      `<g class="station-result" data-station="${v.id}" data-source="${v.source}"><rect x="${bx}` +
        `" y="${by}" width="124" height="${lines.length * 14 + 8}" rx="4" fill="` +
        `${v.bonded === false ? '#fde2e1' : '#eef5ee'}" stroke="#888"/>`,
    );
    lines.forEach((s, i) =>
      p.push(`<text x="${cx}" y="${by + 15 + i * 14}" text-anchor="middle" font-size="11">${esc(s)}</text>`),
    );
    p.push('</g>');
  }
  p.push('</svg>');
  return p.join('');
}
