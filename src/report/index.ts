/**
 * The run report: ONE self-contained HTML file per run (inline CSS and SVG; no scripts, fonts, images or
 * anything else from the network — a Content-Security-Policy of default-src 'none' says so to the
 * browser). Sections: summary; the cell's cross-section to scale (FIG. 1 style); the line (FIG. 2 style)
 * with each station's results; plots (voltage vs capacity, per-layer thickness through the stations,
 * anode phase fractions, crack risk, capacity fade, SPC); the claim chart; the seed's windows.
 *
 * `renderReport` is pure; `writeReport` is the only I/O (the edge).
 */
import type { Recipe } from '../recipe/schema.ts';
import type { ClaimResult, RunOutput, StationBlock } from '../contract.ts';
import { WINDOWS, inWindow, windowText, type ClaimWindow, type WindowCheck } from '../recipe/windows.ts';
import type { SectionRole as LayerRole } from '../claims/index.ts';
import { barChart, esc, inlineSvg as inline, linePlot, PALETTE, svgFigure as figure, type Series } from './svg.ts';
import { crossSectionLayers, crossSectionSvg, lineDiagramSvg } from './figures.ts';

export interface ReportTimeSeries {
  name: string;
  t_s: readonly number[];
  voltage_V: readonly number[];
  current_A: readonly number[];
  capacity_Ah: readonly number[];
}

export interface ReportCycle {
  index: number;
  discharge_Ah: number;
  charge_Ah: number;
  ce: number;
  /** DC resistance of the cycle (voltage step at the start of its discharge), mΩ */
  resistance_mOhm?: number;
}

export interface ReportInput {
  output: RunOutput;
  recipe: Recipe;
  timeSeries?: readonly ReportTimeSeries[];
  cycles?: readonly ReportCycle[];
}

const fmt = (x: unknown, d = 4): string =>
  typeof x === 'number' && Number.isFinite(x) ? String(Number(x.toPrecision(d))) : '—';

const CSS = `
:root{--fg:#1d1f24;--muted:#5b6170;--met:#1b7f3b;--notmet:#b3261e;--ne:#8a6d00;--line:#d9dce3}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);margin:0;background:#f6f7f9;line-height:1.4}
header{background:#1f2a3a;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:#c9d2e0;font-size:13px}
main{max-width:1240px;margin:0 auto;padding:12px 20px 40px}
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:14px 18px;margin:16px 0}
h2{font-size:17px;margin:0 0 10px}
h3{font-size:14px;margin:14px 0 6px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.kv{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:6px 18px;font-size:13px}
.kv div{border-bottom:1px dotted var(--line);padding:2px 0;display:flex;justify-content:space-between;gap:8px}
.kv span:first-child{color:var(--muted)}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
.v-met{background:#e3f3e8;color:var(--met)}.v-not-met{background:#fbe4e2;color:var(--notmet)}.v-not-evaluable{background:#fbf3d5;color:var(--ne)}
.plots{display:flex;flex-wrap:wrap;gap:12px}
.plots figure{margin:0;width:540px}
.plots figure:has(svg[width="640"]){width:640px}
figcaption{font-size:12px;color:var(--muted)}
.note{font-size:12px;color:var(--muted)}
tr.claim-row td{border-top:2px solid #c9ced8}
tr.el-row td{font-size:12px;color:#333}
tr.el-row td:first-child{padding-left:22px}
svg{max-width:100%;height:auto}
`;

function badge(v: string): string {
  return `<span class="badge v-${v.replace(/\s+/g, '-')}">${esc(v)}</span>`;
}

function kv(rows: readonly (readonly [string, string])[]): string {
  return `<div class="kv">${rows.map(([k, v]) => `<div><span>${esc(k)}</span><span>${esc(v)}</span></div>`).join('')}</div>`;
}

// ---------------------------------------------------------------------------------------------------------

function summary(inp: ReportInput, claims: readonly ClaimResult[] | null): string {
  const { output: o, recipe: r } = inp;
  const d = o.design;
  const rows: [string, string][] = [
    ['run id', o.run_id || '—'],
    ['rollcell version', o.rollcell_version],
    ['cathode', `${r.first_sheet.cathode.active_material} + ${r.first_sheet.cathode.electrolyte}`],
    [
      'electrolyte layer',
      `${r.first_sheet.electrolyte_layer.material} ${fmt(r.first_sheet.electrolyte_layer.thickness_um)} µm`,
    ],
    [
      'anode (as supplied)',
      `Al ${fmt(d.anode.al_thickness_um)} µm + Li ${fmt(d.anode.li_thickness_um)} µm on ${r.third_sheet.conductive_layer.material}`,
    ],
    ['Li:Al molar ratio', fmt(d.anode.li_al_molar_ratio)],
    ['N/P ratio', fmt(d.np_ratio)],
    ['cell area', `${fmt(d.cell.area_cm2)} cm²`],
    ['cell thickness as supplied (design)', `${fmt(d.cell.thickness_um)} µm`],
    ['cell mass (design)', `${fmt(d.cell.mass_g)} g`],
    ['specific energy (design)', `${fmt(d.specific_energy_Wh_kg)} Wh/kg`],
    ['energy density (design)', `${fmt(d.energy_density_Wh_L)} Wh/L`],
  ];
  if (typeof d.cell['capacity_mAh'] === 'number')
    rows.push(['cell capacity (design)', `${fmt(d.cell['capacity_mAh'])} mAh`]);
  if (o.line) {
    rows.push(['anode as made', `${fmt(o.line.anode.thickness_um)} µm, free Li ${fmt(o.line.anode.free_li_um)} µm`]);
    rows.push([
      'crack risk sandwiched / free',
      `${fmt(o.line.crack.sandwiched.risk, 3)} / ${fmt(o.line.crack.free_standing.risk, 3)}`,
    ]);
  }
  if (o.cycling) {
    // with the band over the uncertain inputs where the run has one (issue 16 item 5)
    type Fig = { low?: unknown; high?: unknown } | undefined;
    const fb = o.cycling['first_cycle_band'] as Record<string, Fig> | undefined;
    const bandText = (f: Fig, unit = ''): string =>
      typeof f?.low === 'number' && typeof f.high === 'number' ? ` (band ${fmt(f.low)}–${fmt(f.high)}${unit})` : '';
    rows.push([
      'discharge capacity',
      `${fmt(o.cycling.discharge_capacity_mAh_g)} mAh/g${bandText(fb?.['discharge_capacity_mAh_g'], ' mAh/g')}`,
    ]);
    rows.push(['charge capacity', `${fmt(o.cycling.charge_capacity_mAh_g)} mAh/g`]);
    rows.push([
      'coulombic efficiency',
      `${fmt(o.cycling.coulombic_efficiency)}${bandText(fb?.['coulombic_efficiency'])}`,
    ]);
    rows.push([
      'volume expansion (Eq. 1)',
      `${fmt(o.cycling.volume_expansion_rate_pct)} %${bandText(fb?.['volume_expansion_rate_pct'], ' %')}`,
    ]);
    // rate capability and cycle retention, each with its band (issue 16 item 5: every headline with its band)
    const cy = o.cycling as Record<string, unknown>;
    const rate = cy['max_c_rate'];
    const rb = (cy['rate_capability'] as { band?: { low_c_rate?: unknown; high_c_rate?: unknown } } | undefined)?.band;
    if (typeof rate === 'number')
      rows.push([
        'rate capability (highest C-rate with 80 % of the C/10 capacity)',
        `${fmt(rate)} C${bandText(rb ? { low: rb.low_c_rate, high: rb.high_c_rate } : undefined, ' C')}`,
      ]);
    const ag = cy['ageing'] as
      | {
          cycles?: unknown;
          capacity_retention_pct?: unknown;
          capacity_retention_band_pct?: { low?: unknown; high?: unknown; samples?: unknown };
        }
      | undefined;
    if (typeof ag?.capacity_retention_pct === 'number' && typeof ag.cycles === 'number') {
      const b = ag.capacity_retention_band_pct;
      rows.push([
        `capacity retention after ${ag.cycles} cycles (a projection)`,
        `${fmt(ag.capacity_retention_pct)} %${bandText(b, ' %')}` +
          (typeof b?.samples === 'number' ? ` over the ageing parameters' ranges, ${b.samples} seeded samples` : ''),
      ]);
    }
  }
  if (o.production) {
    rows.push(['cells made / in spec', `${o.production.cells_total} / ${o.production.cells_in_spec}`]);
    rows.push(['yield', `${fmt(o.production.yield_pct)} %`]);
  }
  if (r.battery) rows.push(['battery', `${r.battery.series}s${r.battery.parallel}p, ${r.battery.application}`]);
  const n = (v: string): number => (claims ?? []).filter((c) => c.verdict === v).length;
  rows.push([
    'claims',
    claims ? `${n('met')} met, ${n('not met')} not met, ${n('not evaluable')} not evaluable` : NOT_EVALUATED_IN_RUN,
  ]);
  const c1 = claims?.find((c) => c.claim === 1);
  const absent = (['line', 'cycling', 'production', 'battery'] as const).filter((k) => o[k] === undefined);
  const warnings = Array.isArray(o['warnings'])
    ? (o['warnings'] as unknown[]).filter((w): w is string => typeof w === 'string')
    : [];
  return (
    `<section id="summary"><h2>Summary</h2>
<p>Claim 1 (the method of the seed, US 2025/0266422 A1): ${c1 ? badge(c1.verdict) : claims ? '—' : esc(NOT_EVALUATED_IN_RUN)}` +
    `${c1 && c1.verdict !== 'met' ? ` <span class="note">${esc(String(c1['reason'] ?? ''))}</span>` : ''}` +
    `</p>
${kv(rows)}
${absent.length ? `<p class="note">Not in this run (sections that need them say so): ${esc(absent.join(', '))}.</p>` : ''}` +
    `
${validityList(o.validity?.findings ?? [])}` +
    `
${warnings.length ? `<h3>Warnings</h3><ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}` +
    `
</section>`
  );
}

/** the run's validity findings (src/validity.ts): what each concerns and which claims it touches */
function validityList(fs: NonNullable<RunOutput['validity']>['findings']): string {
  if (fs.length === 0) return '';
  const claimsOf = (f: (typeof fs)[number]): string => {
    if (f.kind === 'impossible' || f.claims === 'all' || f.claims.length)
      return `claims ${f.claims === 'all' ? 'all' : f.claims.join(', ')} not evaluable`;
    return f.cites?.length
      ? `cited in the evidence of claims ${f.cites.join(', ')}; no verdict rests on it`
      : 'no claim verdict rests on it';
  };
  const items = fs.map(
    (f) =>
      `<li><b>${f.kind === 'impossible' ? 'physically impossible' : 'outside model validity'}</b> (${esc(f.source)}): ` +
      `${esc(f.reason)} <span class="note">${esc(claimsOf(f))}</span></li>`,
  );
  return `<h3>Validity</h3><ul>${items.join('')}</ul>`;
}

function stationTable(stations: readonly StationBlock[]): string {
  const rows = stations
    .map((s) => {
      const tin = s.layers.reduce((a, l) => a + l.thickness_in_um, 0);
      const tout = s.layers.reduce((a, l) => a + l.thickness_out_um, 0);
      return (
        `<tr><td>${esc(s.id)}</td><td class="num">${fmt(s.force_N)}</td><td class="num">` +
        `${fmt(s.peak_pressure_MPa)}</td><td class="num">${fmt(s.temperature_C)}</td><td>` +
        `${s.bonded ? 'yes' : '<b>no</b>'}</td><td class="num">${fmt(tin)} → ${fmt(tout)}</td><td ` +
        `class="num">${tin > 0 ? fmt((100 * (tin - tout)) / tin, 3) : '—'}</td></tr>`
      );
    })
    .join('');
  return (
    `<table class="stations"><thead><tr><th>station</th><th>force / N</th><th>peak pressure / ` +
    `MPa</th><th>temperature / °C</th><th>bonded</th><th>laminate in → out / ` +
    `µm</th><th>reduction / %</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

const SHORT: Record<LayerRole, string> = {
  collector: 'collector 208',
  cathode: 'cathode 202',
  electrolyte: 'SE 206',
  al: 'Al 224',
  carrier: 'carrier',
  li: 'Li 232',
  anode: 'anode 238',
  conductor: 'conductive 234',
  other: 'other',
};

/** per-layer thickness through the stations: supplied, after 222, after 236, after 240 */
export function thicknessThroughStations(stations: readonly StationBlock[]): {
  layers: string[];
  stages: string[];
  values: number[][];
} {
  const order: string[] = [];
  const supplied = new Map<string, number>();
  for (const s of stations)
    for (const l of s.layers)
      if (!supplied.has(l.name)) {
        supplied.set(l.name, l.thickness_in_um);
        order.push(l.name);
      }
  const stages = ['supplied', ...stations.map((s) => `after ${s.id}`)];
  const cur = new Map<string, number>();
  const values: number[][] = [order.map((n) => supplied.get(n)!)];
  for (const s of stations) {
    for (const l of s.layers) cur.set(l.name, l.thickness_out_um);
    values.push(order.map((n) => cur.get(n) ?? NaN));
  }
  return { layers: order, stages, values };
}

function plots(inp: ReportInput): string {
  const { output: o, recipe: r } = inp;
  const figs: string[] = [];
  const notes: string[] = [];
  // voltage vs capacity
  const ts = (inp.timeSeries ?? []).filter((s) => s.voltage_V.length > 0);
  if (ts.length > 0) {
    const series: Series[] = ts.map((s, i) => ({
      name: s.name,
      x: s.capacity_Ah.map((q) => q * 1000),
      y: s.voltage_V,
      color: PALETTE[i % PALETTE.length]!,
    }));
    figs.push(
      figure(
        linePlot({
          title: 'Voltage vs capacity',
          x: { label: 'capacity', unit: 'mAh' },
          y: { label: 'cell voltage', unit: 'V' },
          series,
          hlines: [
            {
              value: r.cycling.charge_cutoff_V,
              label: `charge cut-off ${r.cycling.charge_cutoff_V} V`,
              color: '#b3261e',
            },
            {
              value: r.cycling.discharge_cutoff_V,
              label: `discharge cut-off ${r.cycling.discharge_cutoff_V} V`,
              color: '#8a6d00',
            },
          ],
          className: 'plot-voltage',
        }),
        `Cell voltage against the capacity passed in each step of the protocol (` +
          `${r.experiment ? 'recipe experiment' : 'the [0178] first-cycle protocol: CC-CV 0.1C, 0.02C end; CC 0.1C to the discharge cut-off'}` +
          `).`,
      ),
    );
  } else notes.push('voltage vs capacity: no time series in this run');
  // thickness through the stations
  if (o.line && o.line.stations.length > 0) {
    const t = thicknessThroughStations(o.line.stations);
    const roleOf = new Map<string, LayerRole>();
    for (const s of o.line.stations) for (const l of s.layers) roleOf.set(l.name, l.role ?? 'other');
    const cats = t.layers.map((n) => {
      const role = roleOf.get(n) ?? 'other';
      return role === 'other' ? n : SHORT[role];
    });
    figs.push(
      figure(
        barChart({
          title: 'Layer thickness through the stations',
          categories: cats,
          groups: t.stages.map((s, i) => ({ name: s, values: t.values[i]! })),
          xLabel: 'layer',
          y: { label: 'thickness', unit: 'µm' },
          className: 'plot-thickness',
        }),
        'Each layer as supplied and as it leaves each roller pair (line results); a layer not yet in the laminate has no bar.',
      ),
    );
    const f = o.line.anode.al_fractions;
    figs.push(
      figure(
        barChart({
          title: 'Anode phase fractions after the line',
          categories: ['Al (α)', 'LiAl (β)', 'Li3Al2', 'Li9Al4'],
          groups: [{ name: 'fraction of Al atoms', values: [f.Al, f.LiAl, f.Li3Al2, f.Li9Al4], color: '#7f8fa8' }],
          xLabel: 'phase',
          y: { label: 'fraction of the anode Al', unit: '1', min: 0, max: 1 },
          valueLabels: true,
          legend: false,
          className: 'plot-phases',
        }),
        `Fraction of the anode's Al atoms in each phase (sums to 1); anode ` +
          `${fmt(o.line.anode.thickness_um)} µm, free Li ${fmt(o.line.anode.free_li_um)} µm, alloying ` +
          `complete after ${fmt(o.line.anode.alloying_complete_s)} s.`,
      ),
    );
    const crackMax = r.spec?.crack_risk_max;
    figs.push(
      figure(
        barChart({
          title: 'Crack risk of the prelithiated anode',
          categories: ['sandwiched (Cu | anode | SE)', 'free-standing Li + Al'],
          groups: [
            {
              name: 'crack risk',
              values: [o.line.crack.sandwiched.risk, o.line.crack.free_standing.risk],
              color: '#D55E00',
            },
          ],
          xLabel: 'roll bonding configuration',
          y: { label: 'crack risk', unit: '1', min: 0, max: 1 },
          valueLabels: true,
          ...(crackMax !== undefined
            ? { hlines: [{ value: crackMax, label: `spec max ${crackMax}`, color: '#b3261e' }] }
            : {}),
          className: 'plot-crack',
        }),
        'Claim 2 / [0201]: roll bonding the Li and Al between the conductive layer and the first composite sheet against the same layers bonded free-standing.',
      ),
    );
  } else notes.push('thickness through the stations, anode phases, crack risk: no line results in this run');
  // capacity fade
  const cy = inp.cycles ?? [];
  if (cy.length > 0) {
    const idx = cy.map((c) => c.index);
    const fadeBand = (o.cycling?.['ageing'] as Record<string, unknown> | undefined)?.['capacity_retention_band_pct'] as
      { low: number; high: number; samples: number } | undefined;
    figs.push(
      figure(
        linePlot({
          title: 'Capacity over cycles',
          x: { label: 'cycle', unit: '1' },
          y: { label: 'capacity', unit: 'mAh' },
          series: [
            { name: 'discharge', x: idx, y: cy.map((c) => c.discharge_Ah * 1000), markers: true },
            { name: 'charge', x: idx, y: cy.map((c) => c.charge_Ah * 1000), markers: true, dash: '5 3' },
            ...(fadeBand
              ? [
                  {
                    name: `band over the ageing parameters (${fadeBand.samples} samples)`,
                    x: [idx[idx.length - 1]!, idx[idx.length - 1]!],
                    y: [fadeBand.low, fadeBand.high].map((r) => (cy[0]!.discharge_Ah * 1000 * r) / 100),
                    markers: true,
                    color: '#CC79A7',
                  },
                ]
              : []),
          ],
          className: 'plot-fade',
        }),
        'Charge and discharge capacity of each cycle.' +
          (fadeBand
            ? ` The vertical bar at the last cycle is the retention band (${fadeBand.low.toFixed(1)}–` +
              `${fadeBand.high.toFixed(1)} %) from seeded sampling of the ageing parameters over their documented ranges.`
            : ''),
      ),
    );
    figs.push(
      figure(
        linePlot({
          title: 'Coulombic efficiency',
          x: { label: 'cycle', unit: '1' },
          y: { label: 'coulombic efficiency', unit: '1' },
          series: [{ name: 'CE', x: idx, y: cy.map((c) => c.ce), markers: true, color: '#009E73' }],
          legend: false,
          className: 'plot-ce',
        }),
        'Discharge over charge capacity of each cycle.',
      ),
    );
    const rc = cy.filter((c) => c.resistance_mOhm !== undefined && Number.isFinite(c.resistance_mOhm));
    if (rc.length > 0) {
      const ag = o.cycling?.['ageing'] as { resistance_growth_pct?: number | null } | undefined;
      figs.push(
        figure(
          linePlot({
            title: 'DC resistance over cycles',
            x: { label: 'cycle', unit: '1' },
            y: { label: 'DC resistance', unit: 'mΩ' },
            series: [
              {
                name: 'DC resistance',
                x: rc.map((c) => c.index),
                y: rc.map((c) => c.resistance_mOhm!),
                markers: true,
                color: '#CC79A7',
              },
            ],
            legend: false,
            className: 'plot-resistance',
          }),
          `Resistance growth: DC resistance of each cycle from the voltage step at the start of its ` +
            (`discharge (ΔV/ΔI, instantaneous: ohmic, interphase and charge-transfer parts)` +
              `${typeof ag?.resistance_growth_pct === 'number' ? `; +${fmt(ag.resistance_growth_pct, 3)} % over the run` : ''}` +
              `.`),
        ),
      );
    } else notes.push('resistance growth: no resistance records in this run');
  } else notes.push('capacity fade: no cycle records in this run');
  // SPC
  const spc = (o.production?.['spc'] as { lanes?: unknown[] } | undefined)?.lanes ?? [];
  let spcCount = 0;
  for (const lane of spc.slice(0, 2)) {
    const L = lane as {
      lane?: number;
      quantity?: string;
      xbar?: { center: number; ucl: number; lcl: number };
      charts?: {
        subgroup?: number[];
        means?: number[];
        ewma?: number[];
        ewma_ucl?: number[];
        ewma_lcl?: number[];
        decimated?: string;
      };
    };
    const means = L.charts?.means;
    if (!means || !L.xbar) continue;
    spcCount++;
    // a long shift's chart is decimated (at most CHART_POINTS points, numbered by `subgroup`)
    const i = L.charts?.subgroup ?? means.map((_, k) => k + 1);
    const series: Series[] = [{ name: 'subgroup mean', x: i, y: means, markers: true }];
    if (L.charts?.ewma) series.push({ name: 'EWMA', x: i, y: L.charts.ewma, color: '#009E73' });
    if (L.charts?.ewma_ucl)
      series.push({ name: 'EWMA limits', x: i, y: L.charts.ewma_ucl, color: '#009E73', dash: '2 3' });
    if (L.charts?.ewma_lcl)
      series.push({
        name: 'EWMA lower limit',
        x: i,
        y: L.charts.ewma_lcl,
        color: '#009E73',
        dash: '2 3',
        inLegend: false,
      });
    const q = (L.quantity ?? 'value').replace(/_um$/, '').replace(/_/g, ' ');
    figs.push(
      figure(
        linePlot({
          title: `SPC X̄ chart, lane ${L.lane ?? '?'}`,
          x: { label: 'subgroup', unit: '1' },
          y: { label: q, unit: /_um$/.test(L.quantity ?? '') ? 'µm' : '1' },
          series,
          hlines: [
            { value: L.xbar.ucl, label: 'UCL', color: '#b3261e' },
            { value: L.xbar.lcl, label: 'LCL', color: '#b3261e' },
            { value: L.xbar.center, label: 'CL', color: '#555', dash: '1 0' },
          ],
          className: 'plot-spc',
        }),
        'X̄ chart of the station-240 outfeed gauge with its 3σ limits (Montgomery, App. VI) and the EWMA' +
          (L.charts?.decimated ? ` — decimated: ${L.charts.decimated}.` : '.'),
      ),
    );
  }
  if (spcCount === 0) notes.push('SPC charts: no production run with charts in this run');
  return (
    `<section id="plots"><h2>Plots</h2><div class="plots">${figs.join('\n')}</div>` +
    `${notes.length ? `<p class="note">${esc(notes.join('; '))}.</p>` : ''}</section>`
  );
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const obj = (x: unknown): Record<string, unknown> | undefined =>
  x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;

/** what the production run made: counts, yield, OEE, throughput, cost, scrap Pareto (when the run has a production block) */
function productionSection(o: RunOutput): string {
  const p = o.production;
  if (!p) return '';
  const rows: [string, string][] = [
    ['cells made', String(p.cells_total)],
    ['cells in spec', String(p.cells_in_spec)],
    ['yield', `${fmt(p.yield_pct)} %`],
  ];
  const add = (k: string, v: number | undefined, unit = ''): void => {
    if (v !== undefined) rows.push([k, `${fmt(v)}${unit}`]);
  };
  add('material yield', num(p['material_yield_pct']), ' %');
  add('web length', num(p['web_length_m']), ' m');
  add('duration', num(p['duration_s']) !== undefined ? num(p['duration_s'])! / 3600 : undefined, ' h');
  const oee = obj(p['oee']);
  if (oee) {
    add('availability', num(oee['availability']));
    add('performance', num(oee['performance']));
    add('quality', num(oee['quality']));
    add('OEE', num(oee['oee']));
  }
  const th = obj(p['throughput']);
  if (th) {
    add('good cells per hour', num(th['good_cells_per_h']));
    add('good energy', num(th['good_energy_kWh']), ' kWh');
  }
  add('cost', num(p['cost_per_kWh']), ' USD/kWh');
  const pu = obj(obj(p['capacity_model'])?.['parameter_uncertainty']);
  if (pu)
    rows.push([
      'cell capacities',
      `include the fit's parameter uncertainty: ${fmt(num(pu['draws']) ?? 0)} posterior draws, utilisation ` +
        `${fmt(num(pu['utilisation_p2_5']) ?? NaN)}–${fmt(num(pu['utilisation_p97_5']) ?? NaN)} (2.5–97.5 %)`,
    ]);
  const pareto = Array.isArray(p['scrap_by_cause'])
    ? (p['scrap_by_cause'] as unknown[]).map(obj).filter((x): x is Record<string, unknown> => x !== undefined)
    : [];
  const causes = pareto.filter((r) => typeof r['cause'] === 'string' && num(r['cell_equivalents']) !== undefined);
  const chart =
    causes.length > 0
      ? figure(
          barChart({
            title: 'Scrap by cause (Pareto)',
            categories: causes.map((r) => String(r['cause']).replace(/_/g, ' ')),
            groups: [{ name: 'scrap', values: causes.map((r) => num(r['cell_equivalents'])!), color: '#CC79A7' }],
            xLabel: 'cause',
            y: { label: 'scrap', unit: 'cell equivalents' },
            legend: false,
            valueLabels: true,
            className: 'plot-pareto',
            width: 640,
          }),
          'Scrap of the production run by primary cause, in cell equivalents (web area over cell area), largest first.',
        )
      : '<p class="note">No scrap in this run.</p>';
  return `<section id="production"><h2>Production run</h2>${kv(rows)}<div class="plots">${chart}</div></section>`;
}

/** the battery of the produced cells on its duty profile (claims 17–18), when the run has a battery block */
function batterySection(o: RunOutput): string {
  const b = obj(o.battery);
  if (!b) return '';
  const pack = obj(b['pack']) ?? {};
  const res = obj(b['results']) ?? {};
  const lim = obj(b['limiting_cell']);
  const ageing = obj(b['ageing']);
  const rows: [string, string][] = [
    ['profile', String(b['profile'] ?? '—')],
    ['pack', `${String(pack['series'])}s${String(pack['parallel'])}p of ${String(pack['cell_source'] ?? '?')} cells`],
  ];
  const add = (k: string, v: number | undefined, unit = ''): void => {
    if (v !== undefined) rows.push([k, `${fmt(v)}${unit}`]);
  };
  add('pack voltage min', num(pack['voltage_min_V']), ' V');
  add('pack voltage max', num(pack['voltage_max_V']), ' V');
  add('capacity at C/3', num(pack['capacity_C3_Ah']), ' Ah');
  add('energy at C/3', num(pack['energy_C3_kWh']), ' kWh');
  add('pack mass', num(pack['mass_kg']), ' kg');
  add('specific energy', num(pack['specific_energy_Wh_kg']), ' Wh/kg');
  const ev = obj(res['ev']);
  if (ev) {
    add('EV range per charge', num(ev['range_km']), ' km');
    const rb = obj(obj(b['band'])?.['range_km']);
    if (rb && num(rb['low']) !== undefined && num(rb['high']) !== undefined)
      rows.push([
        'EV range band (first order: the cells’ capacity band)',
        `${fmt(num(rb['low'])!)}–${fmt(num(rb['high'])!)} km`,
      ]);
    add('consumption', num(ev['consumption_Wh_per_km']), ' Wh/km');
  }
  add('energy throughput', num(res['throughput_kWh']), ' kWh');
  add('round-trip efficiency', num(res['round_trip_efficiency']));
  add('SOC spread, max', num(res['soc_spread_max_pct']), ' %');
  const der = obj(res['deratings']);
  if (der) add('BMS deratings', num(der['count']));
  if (lim) rows.push(['limiting cell', `${String(lim['serial'])}: ${String(lim['reason'])}`]);
  if (ageing)
    add(
      `capacity retention after ${String(ageing['years'])} years`,
      num(ageing['capacity_retention_pct_after_years']),
      ' %',
    );
  // the band over the ageing parameters' ranges (issue 16 item 5): never a single-point retention alone
  const ab = obj(ageing?.['band']);
  const abr = obj(ab?.['capacity_retention_pct_after_years']);
  const aby = obj(ab?.['years_to_end_of_life']);
  if (ab && abr && aby) {
    const lo = num(abr['low']);
    const hi = num(abr['high']);
    if (lo !== undefined && hi !== undefined)
      rows.push([
        `capacity retention after ${String(ageing?.['years'])} years, band (${String(ab['samples'])} seeded draws over the ageing parameters’ ranges)`,
        `${fmt(lo)}–${fmt(hi)} %`,
      ]);
    const yr = (k: string): string => {
      const v = num(aby[k]);
      return v === undefined ? `> ${String(aby['horizon_years'])}` : fmt(v);
    };
    const sens = Array.isArray(ab['sensitivity']) ? (ab['sensitivity'] as { parameter?: string }[]) : [];
    const fd = num(ab['formation_days']);
    const fl = obj(ab['formation_loss_pct']);
    if (fd !== undefined && fd > 0 && fl)
      rows.push([
        `formation loss (the cathode contact loss settling in the first ${fmt(fd)} days; ` +
          'the reference for retention and end of life is the capacity after it)',
        `${fmt(num(fl['nominal']) ?? NaN)} % (band ${fmt(num(fl['low']) ?? NaN)}–${fmt(num(fl['high']) ?? NaN)} %)`,
      ]);
    const refCap = fd !== undefined && fd > 0 ? 'C/3 capacity after formation' : 'first C/3 capacity';
    rows.push([
      `years to end of life (${String(ab['end_of_life_retention_pct'])} % of the ${refCap})`,
      `${yr('nominal')} (band ${yr('low')}–${yr('high')}${sens[0]?.parameter ? `; most sensitive: ${sens[0].parameter}` : ''})`,
    ]);
  }
  const ser = obj(b['series']);
  const figs: string[] = [];
  const arr = (k: string): number[] | undefined => {
    const v = ser?.[k];
    return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x))
      ? (v as number[])
      : undefined;
  };
  const t = arr('time_s');
  const th = t?.map((x) => x / 3600);
  /** highest and lowest cell of the pack over time */
  const band = (
    lo: number[] | undefined,
    hi: number[] | undefined,
    title: string,
    y: { label: string; unit: string },
    cls: string,
    caption: string,
  ): void => {
    if (!th || !lo || !hi) return;
    const series = [
      { name: 'highest cell', x: th, y: hi, color: '#D55E00' },
      { name: 'lowest cell', x: th, y: lo, color: '#0072B2' },
    ];
    figs.push(figure(linePlot({ title, x: { label: 'time', unit: 'h' }, y, series, className: cls }), caption));
  };
  band(
    arr('cell_voltage_min_V'),
    arr('cell_voltage_max_V'),
    'Cell voltage: lowest and highest cell',
    { label: 'cell voltage', unit: 'V' },
    'plot-battery-voltage',
    'Highest and lowest cell voltage in the pack over the duty profile; the BMS limits the pack current when a cell reaches its window.',
  );
  band(
    arr('soc_min_pct'),
    arr('soc_max_pct'),
    'State of charge spread',
    { label: 'SOC', unit: '%' },
    'plot-battery-soc',
    'Highest and lowest cell state of charge: the spread comes from the cell-to-cell variation of the line and is narrowed by passive balancing.',
  );
  const capY = Array.isArray(ageing?.['capacity_Ah_by_year'])
    ? (ageing!['capacity_Ah_by_year'] as unknown[]).filter((x): x is number => typeof x === 'number')
    : [];
  if (capY.length > 1) {
    figs.push(
      figure(
        linePlot({
          title: 'Pack capacity by year',
          x: { label: 'year', unit: '1' },
          y: { label: 'capacity', unit: 'Ah' },
          series: [{ name: 'capacity', x: capY.map((_, i) => i), y: capY, markers: true, color: '#009E73' }],
          legend: false,
          className: 'plot-battery-ageing',
        }),
        'Pack capacity after each year of the duty profile, from the cell ageing submodels (interphase growth, contact loss, Li inventory loss).',
      ),
    );
  }
  return `<section id="battery"><h2>Battery (claims 17–18)</h2>${kv(rows)}<div class="plots">${figs.join('\n')}</div></section>`;
}

/**
 * What the report says of a run whose output has no `claims` block (a run stored before claims existed, or
 * run without them): a stored run's claims ARE its stored block, never evaluated again from its JSON (the
 * blocks are rounded presentations, and the claims may have changed since): no verdict is guessed.
 */
export const NOT_EVALUATED_IN_RUN = 'not evaluated in this stored run';

function claimTable(claims: readonly ClaimResult[] | null): string {
  if (!claims)
    return (
      `<section id="claims"><h2>Claim chart (US 2025/0266422 A1, claims 1–20)</h2>` +
      `<p class="note">Claims ${NOT_EVALUATED_IN_RUN}: its output has no claims block, and a stored run's ` +
      `claims are its stored claims block (they are not evaluated again from its results).</p></section>`
    );
  const rows: string[] = [];
  for (const c of claims) {
    const title = typeof c['title'] === 'string' ? (c['title'] as string) : '';
    const dep = typeof c['depends_on'] === 'number' ? ` (depends on claim ${c['depends_on'] as number})` : '';
    rows.push(
      `<tr class="claim-row" data-claim="${c.claim}" data-verdict="${esc(c.verdict)}"><td><b>` +
        `${c.claim}</b></td><td>${badge(c.verdict)}</td><td colspan="2"><b>${esc(title)}</b>${esc(dep)}` +
        `</td></tr>`,
    );
    for (const e of c.elements)
      rows.push(
        `<tr class="el-row"><td>${esc(e.id)}</td><td>${badge(e.verdict)}</td><td>${esc(e.text)}` +
          `<br><span class="note">${esc(e.evidence)}</span></td><td>${esc(e.paragraph ?? '')}</td></tr>`,
      );
  }
  return (
    `<section id="claims"><h2>Claim chart (US 2025/0266422 A1, claims 1–20)</h2>
<p class="note">An element is “not evaluable” when the result it needs is absent from this run; ` +
    `a dependent claim is met only if its parent is met.</p>
<table class="claim-chart"><thead><tr><th>claim / element</th><th>verdict</th><th>element and ` +
    `evidence</th><th>paragraph</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`
  );
}

/** the run's windows as evaluated once by the pipeline (claims/windows.ts), by window id */
function windowValues(o: RunOutput): Partial<Record<keyof typeof WINDOWS, { value: number; source: string }>> {
  const list = Array.isArray(o['windows']) ? (o['windows'] as WindowCheck[]) : [];
  const v: Partial<Record<keyof typeof WINDOWS, { value: number; source: string }>> = {};
  for (const w of list)
    if (w.id in WINDOWS) v[w.id as keyof typeof WINDOWS] = { value: w.value, source: w.source ?? 'recipe' };
  return v;
}

function windowsTable(o: RunOutput): string {
  const vals = windowValues(o);
  const rows = (Object.entries(WINDOWS) as [keyof typeof WINDOWS, ClaimWindow][]).map(([k, w]) => {
    const v = vals[k];
    const inside = v ? inWindow(w, v.value) : undefined;
    return (
      `<tr data-window="${esc(w.id)}"><td>${esc(w.quantity)}</td><td class="num">` +
      `${esc(windowText(w))}</td><td>${esc(w.paragraph)}</td><td>${w.claim ?? '—'}</td><td ` +
      `class="num">${v ? `${fmt(v.value)} ${esc(w.unit)}` : '—'}</td><td>` +
      `${v ? esc(v.source) : 'not in this run'}</td><td>` +
      `${inside === undefined ? '—' : inside ? badge('met').replace('>met<', '>inside<') : badge('not met').replace('>not met<', '>outside<')}` +
      `</td></tr>`
    );
  });
  return (
    `<section id="windows"><h2>The seed's windows</h2><table ` +
    `class="windows"><thead><tr><th>quantity</th><th>window</th><th>paragraph</th><th>claim</th><th>this ` +
    `run</th><th>from</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`
  );
}

/** Render the run report as one self-contained HTML document. */
export function renderReport(input: ReportInput): string {
  const { output: o, recipe: r } = input;
  // a stored run's claims are its stored block (DESIGN: claims are evaluated once, by the job, on its SI results)
  const claims = o.claims ?? null;
  const cs = crossSectionLayers(o, r);
  const title = `rollcell report — ${r.name}`;
  const lineSection = `<section id="line"><h2>The line</h2>${inline(lineDiagramSvg(o, r))}${
    o.line
      ? stationTable(o.line.stations)
      : '<p class="note">No line results in this run: the drawing shows the recipe set points; bonding, pressures and reductions need the line model.</p>'
  }</section>`;
  return (
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ` +
    `'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style></head>
<body><header><h1>${esc(title)}</h1><p>${esc(r.description ?? '')}${r.description ? ' · ' : ''}` +
    `run ${esc(o.run_id || '—')} · rollcell ${esc(o.rollcell_version)}</p></header>
<main>
${summary(input, claims)}
<section id="cross-section"><h2>Cell cross-section</h2>${inline(crossSectionSvg(cs))}<p ` +
    `class="note">${esc(cs.note)}. Layer heights share one scale (see the scale bar).</p></section>
${lineSection}
${productionSection(o)}
${batterySection(o)}
${plots(input)}
${claimTable(claims)}
${windowsTable(o)}
</main></body></html>
`
  );
}

export { writeReport } from './write.ts';
export { crossSectionLayers, crossSectionSvg, lineDiagramSvg } from './figures.ts';
