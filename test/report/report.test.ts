import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReport, writeReport, thicknessThroughStations } from '../../src/report/index.ts';
import { crossSectionLayers } from '../../src/report/figures.ts';
import { runJob } from '../../src/pipeline.ts';
import { loadExample, syntheticOutput } from '../claims/fixtures.ts';
import { patentReportInput } from './fixtures.ts';

const input = patentReportInput(undefined, { production: true, battery: true });
const html = renderReport(input);

test('self-contained: no http(s) reference, no script, no external stylesheet, font or image; a CSP forbids loads', () => {
  assert.doesNotMatch(html, /https?:\/\//i);
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|<object|@import|@font-face/i);
  assert.doesNotMatch(html, /\b(src|href|xlink:href)\s*=/i);
  // the only url() references are to in-document fragments (clip paths, markers)
  for (const m of html.matchAll(/url\(([^)]*)\)/g)) assert.match(m[1]!, /^#[\w-]+$/);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.doesNotMatch(html, /NaN|undefined|\[object Object\]/);
});

test('every section is present: summary, cross-section, line, plots, claim chart, windows', () => {
  for (const id of ['summary', 'cross-section', 'line', 'production', 'battery', 'plots', 'claims', 'windows'])
    assert.match(html, new RegExp(`<section id="${id}">`));
  for (const cls of [
    'plot-voltage',
    'plot-thickness',
    'plot-phases',
    'plot-crack',
    'plot-fade',
    'plot-ce',
    'plot-spc',
    'plot-pareto',
    'plot-battery-voltage',
    'plot-battery-soc',
    'plot-battery-ageing',
  ])
    assert.match(html, new RegExp(`class="plot [^"]*${cls}`), cls);
  assert.equal([...html.matchAll(/<tr class="claim-row"/g)].length, 20);
  // the line drawing labels the seed's reference numerals and each station's result
  for (const s of [
    '204',
    '206',
    '224',
    '230',
    'rollers 222',
    'rollers 236',
    'rollers 240',
    '220 first composite sheet',
    '226 second composite sheet',
    'anode 238',
  ])
    assert.ok(html.includes(s), s);
  assert.equal([...html.matchAll(/class="station-result" data-station="\d+" data-source="line"/g)].length, 3);
  assert.match(html, /reduction 5 %/);
});

function sectionLayers(h: string): { name: string; t: number; height: number }[] {
  return [
    ...h.matchAll(/<rect class="xs-layer" data-name="([^"]*)" data-thickness-um="([^"]*)"[^>]*height="([^"]*)"/g),
  ].map((m) => ({ name: m[1]!, t: Number(m[2]), height: Number(m[3]) }));
}

test('cross-section is to scale: layer heights in the same ratios as the produced thicknesses', () => {
  const r = loadExample('patent-line.yaml');
  const out = syntheticOutput(r); // reductions 2 % at 222, 3 % at 236, 5 % at 240
  const layers = sectionLayers(renderReport({ output: out, recipe: r }));
  const k = 0.98 * 0.97 * 0.95;
  const want: Record<string, number> = {
    'cathode layer (202)': 60 * k,
    'solid electrolyte layer (206)': 30 * k,
    'conductive layer (234)': 10 * 0.95,
    'prelithiated anode (238)': out.line!.anode.thickness_um,
  };
  assert.deepEqual(layers.map((l) => l.name).sort(), Object.keys(want).sort());
  for (const l of layers) assert.ok(Math.abs(l.t - want[l.name]!) < 1e-9, `${l.name}: ${l.t} vs ${want[l.name]}`);
  const scale = layers[0]!.height / layers[0]!.t;
  for (const l of layers)
    assert.ok(Math.abs(l.height / l.t - scale) < 1e-9 * scale, `${l.name} drawn at the common scale`);
  // cathode : electrolyte = 2 : 1 as supplied and as rolled (same reductions)
  const h = Object.fromEntries(layers.map((l) => [l.name, l.height]));
  assert.ok(
    Math.abs(h['cathode layer (202)']! / h['solid electrolyte layer (206)']! - 2) < 1e-9,
    "Math.abs(h['cathode layer (202)']! / h['solid electrolyte layer (206)']! - 2) < 1e-9",
  );
});

test('without line results the cross-section is the design stack, to scale, and says so', () => {
  const r = loadExample('with-al-collector.yaml');
  const { output } = runJob(r, { noCycling: true });
  delete output.line;
  const h = renderReport({ output, recipe: r });
  const layers = sectionLayers(h);
  assert.deepEqual(
    layers.map((l) => l.t).sort((a, b) => a - b),
    [10, 10, 12, 20, 30, 60],
  );
  const scale = layers[0]!.height / layers[0]!.t;
  for (const l of layers)
    assert.ok(Math.abs(l.height - l.t * scale) < 1e-9 * l.height, 'Math.abs(l.height - l.t * scale) < 1e-9 * l.height');
  assert.match(h, /design stack before processing/);
  assert.match(h, /No line results in this run/);
  assert.match(h, /data-source="recipe"/);
  assert.equal(crossSectionLayers(output, r).source, 'design');
  assert.match(h, /no time series in this run/);
  assert.doesNotMatch(h, /https?:\/\/|NaN/);
});

test('user strings are escaped: a recipe name with <script> cannot inject markup', () => {
  const r = loadExample('patent-line.yaml');
  const evil = { ...r, name: '<script>alert("x")</script> & co', description: '<img src=x onerror=alert(1)>' };
  const out = syntheticOutput(evil);
  const h = renderReport({
    output: { ...out, run_id: '"><svg onload=alert(2)>' },
    recipe: evil,
    timeSeries: [
      { name: '</title><script>', t_s: [0, 1], voltage_V: [3, 4], current_A: [1, 1], capacity_Ah: [0, 0.1] },
    ],
  });
  assert.doesNotMatch(h, /<script/i);
  assert.doesNotMatch(h, /<img/i);
  assert.doesNotMatch(h, /<svg onload/i);
  assert.match(h, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; co/);
  assert.match(h, /&lt;\/title&gt;&lt;script&gt;/);
});

test('a station that did not bond is shown as such, and claim 1 is not met in the summary', () => {
  const r = loadExample('patent-line.yaml');
  const h = renderReport({ output: syntheticOutput(r, { bonded: { '240': false } }), recipe: r });
  assert.match(h, /NOT bonded/);
  assert.match(h, /Claim 1 \(the method of the seed[^<]*<span class="badge v-not-met">not met/);
});

test('thickness through the stations: supplied = first thickness in, each stage = that station’s out', () => {
  const r = loadExample('patent-line.yaml');
  const t = thicknessThroughStations(syntheticOutput(r).line!.stations);
  assert.deepEqual(t.stages, ['supplied', 'after 222', 'after 236', 'after 240']);
  const i = t.layers.indexOf('Al foil (224)');
  assert.equal(t.values[0]![i], 10);
  assert.ok(Number.isNaN(t.values[1]![i]!), 'the Al is not in the laminate after 222');
  assert.ok(Math.abs(t.values[2]![i]! - 9.7) < 1e-12, 'Math.abs(t.values[2]![i]! - 9.7) < 1e-12');
  assert.ok(Math.abs(t.values[3]![i]! - 9.7 * 0.95) < 1e-12, 'Math.abs(t.values[3]![i]! - 9.7 * 0.95) < 1e-12');
});

test('writeReport writes <dir>/<runId>.html and rejects a run id that could leave the directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcell-wr-'));
  try {
    const p = writeReport(join(dir, 'sub'), 'run-1', '<!doctype html><p>x</p>');
    assert.equal(p, join(dir, 'sub', 'run-1.html'));
    assert.equal(readFileSync(p, 'utf8'), '<!doctype html><p>x</p>');
    assert.throws(() => writeReport(dir, '../evil', 'x'), /runId: .*got "\.\.\/evil"/);
    assert.throws(() => writeReport(dir, '', 'x'), /runId/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('battery section: the limiting cell is named with its reason, and no battery block means no section', () => {
  const b = input.output.battery as { limiting_cell: { serial: string }; pack: { series: number; parallel: number } };
  const sec = html.slice(
    html.indexOf('<section id="battery">'),
    html.indexOf('</section>', html.indexOf('<section id="battery">')),
  );
  assert.ok(sec.includes(`${b.limiting_cell.serial}: `), 'limiting cell serial shown');
  assert.ok(
    sec.includes(`${b.pack.series}s${b.pack.parallel}p`),
    'sec.includes(`${b.pack.series}s${b.pack.parallel}p`)',
  );
  const without = renderReport({ ...input, output: { ...input.output, battery: undefined } });
  assert.doesNotMatch(without, /<section id="battery">/);
});

test('a run without a claims block: the report says the claims were not evaluated in it, and guesses no verdict', () => {
  // a stored run's claims are its stored block; the report never evaluates them again from the JSON
  const { claims: _dropped, ...output } = input.output;
  const page = renderReport({ ...input, output });
  assert.match(page, /<section id="claims">/);
  assert.match(page, /Claims not evaluated in this stored run/);
  assert.doesNotMatch(page, /class="claim-row"/);
  assert.doesNotMatch(page, /\d+ met, \d+ not met/);
  // with the block, the chart is the block's
  assert.match(html, /class="claim-row" data-claim="1"/);
});

test('the summary gives the rate capability and the cycle retention each with its band (issue 16 item 5)', () => {
  const cy = input.output.cycling as Record<string, unknown>;
  const withBands = {
    ...input,
    output: {
      ...input.output,
      cycling: {
        ...cy,
        max_c_rate: 1.86,
        rate_capability: { ...(cy['rate_capability'] as object), band: { low_c_rate: 0.84, high_c_rate: 4.29 } },
        ageing: {
          ...(cy['ageing'] as object),
          cycles: 60,
          capacity_retention_pct: 78.8,
          capacity_retention_band_pct: { low: 7.8, median: 80.7, high: 94.7, samples: 8 },
        },
      },
    },
  } as typeof input;
  const h = renderReport(withBands);
  const summaryHtml = h.slice(h.indexOf('<section id="summary">'), h.indexOf('</section>'));
  assert.match(
    summaryHtml,
    /rate capability \(highest C-rate with 80 % of the C\/10 capacity\)<\/span><span>1\.86 C \(band 0\.84–4\.29 C\)/,
  );
  assert.match(
    summaryHtml,
    /capacity retention after 60 cycles \(a projection\)<\/span><span>78\.8 % \(band 7\.8–94\.7 %\) over the ageing parameters&#39;? ranges, 8 seeded samples/,
  );
});
