import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  barChart,
  decimate,
  esc,
  legendCorner,
  linePlot,
  niceStep,
  niceTicks,
  standaloneSvg,
  tickLabel,
} from '../../src/report/svg.ts';

test('esc escapes the five XML specials', () => {
  assert.equal(esc(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('niceTicks: covers the data, 1-2-2.5-5 steps, a handful of ticks, ticks on whole steps', () => {
  const cases: [number, number][] = [
    [0, 1],
    [3.0, 4.3],
    [-7.2, 13.9],
    [0.0012, 0.0047],
    [165.3, 186.8],
    [1e5, 3.3e6],
    [-5, -5],
    [42, 42],
    [0, 0],
  ];
  for (const [lo, hi] of cases) {
    const t = niceTicks(lo, hi);
    assert.ok(t.min <= Math.min(lo, hi) && t.max >= Math.max(lo, hi), `[${lo}, ${hi}] covered by [${t.min}, ${t.max}]`);
    const mant = t.step / Math.pow(10, Math.floor(Math.log10(t.step) + 1e-12));
    assert.ok(
      [1, 2, 2.5, 5, 10].some((m) => Math.abs(m - mant) < 1e-9),
      `step ${t.step} is nice`,
    );
    assert.ok(t.values.length >= 2 && t.values.length <= 8, `${t.values.length} ticks for [${lo}, ${hi}]`);
    for (const v of t.values)
      assert.ok(Math.abs(v / t.step - Math.round(v / t.step)) < 1e-6, `${v} on a whole step of ${t.step}`);
  }
  assert.deepEqual(niceTicks(0, 10).values, [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(NaN, 3).values, niceTicks(0, 1).values);
  assert.equal(niceStep(9, 4), 2.5);
});

test('tickLabel: decimals follow the step', () => {
  assert.equal(tickLabel(3.5, 0.5), '3.5');
  assert.equal(tickLabel(4, 0.5), '4.0');
  assert.equal(tickLabel(0.925, 0.025), '0.925');
  assert.equal(tickLabel(100, 50), '100');
  assert.equal(tickLabel(1e-12, 0.2), '0');
  assert.match(tickLabel(2e6, 1e6), /^2(\.0+)?e\+6$/);
});

test('decimate keeps the ends and at most max points', () => {
  const x = Array.from({ length: 10001 }, (_, i) => i);
  const d = decimate(x, x, 1000);
  assert.ok(d.x.length <= 1001, 'd.x.length <= 1001');
  assert.equal(d.x[0], 0);
  assert.equal(d.x.at(-1), 10000);
});

const points = (svg: string): [number, number][][] =>
  [...svg.matchAll(/<polyline[^>]*points="([^"]*)"/g)].map((m) =>
    m[1]!.split(' ').map((p) => p.split(',').map(Number) as [number, number]),
  );

test('linePlot: one polyline per series, points mapped linearly onto the frame, axis labels with units, legend', () => {
  const svg = linePlot({
    title: 'T',
    x: { label: 'capacity', unit: 'mAh' },
    y: { label: 'voltage', unit: 'V' },
    series: [
      { name: 'a', x: [0, 1, 2], y: [3, 3.5, 4] },
      { name: 'b <x>', x: [0, 2], y: [4, 3] },
    ],
  });
  const pl = points(svg);
  assert.equal(pl.length, 2);
  const [p0, p1, p2] = pl[0]!;
  // equal data steps → equal pixel steps (linear scale), y decreases upward
  assert.ok(
    Math.abs(p1![0] - p0![0] - (p2![0] - p1![0])) < 0.02,
    'Math.abs(p1![0] - p0![0] - (p2![0] - p1![0])) < 0.02',
  );
  assert.ok(p2![1] < p0![1], 'p2![1] < p0![1]');
  assert.match(svg, /class="axis-label x-label"[^>]*>capacity \/ mAh</);
  assert.match(svg, /class="axis-label y-label"[^>]*>voltage \/ V</);
  assert.match(svg, /class="legend"/);
  assert.match(svg, /b &lt;x&gt;/);
  assert.doesNotMatch(svg, /NaN|undefined/);
});

test('linePlot: non-finite points break the line; an empty plot says no data', () => {
  const svg = linePlot({
    x: { label: 'x' },
    y: { label: 'y' },
    series: [{ name: 's', x: [0, 1, 2, 3, 4], y: [1, 2, NaN, 3, 4] }],
  });
  assert.equal(points(svg).length, 2);
  const empty = linePlot({ x: { label: 'x' }, y: { label: 'y' }, series: [{ name: 's', x: [], y: [] }] });
  assert.match(empty, /no data/);
  assert.doesNotMatch(empty, /NaN/);
});

test('barChart: bar heights proportional to the values on a zero-based axis', () => {
  const svg = barChart({
    categories: ['a', 'b', 'c'],
    groups: [{ name: 'g', values: [1, 2, 4] }],
    y: { label: 'v', unit: 'µm' },
  });
  const h = [...svg.matchAll(/<rect class="bar"[^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(h.length, 3);
  assert.ok(Math.abs(h[1]! / h[0]! - 2) < 0.01 && Math.abs(h[2]! / h[0]! - 4) < 0.01, `heights ${h}`);
  const grouped = barChart({
    categories: ['a'],
    groups: [
      { name: 'g1', values: [1] },
      { name: 'g2', values: [NaN] },
    ],
    y: { label: 'v' },
  });
  assert.equal([...grouped.matchAll(/<rect class="bar"/g)].length, 1, 'a non-finite value draws no bar');
});

test('legendCorner avoids the corner where the data are', () => {
  const f = { width: 500, height: 300, left: 60, right: 480, top: 20, bottom: 250 };
  const items = [{ name: 'series one', color: '#000' }];
  const topRight = Array.from({ length: 50 }, (_, i) => [470 - i, 30 + (i % 5)] as const);
  const c = legendCorner(f, items, topRight);
  assert.notDeepEqual(c, { x: f.right - 6, y: f.top + 6 });
});

test('standaloneSvg: an XML declaration and a namespaced root, parseable as one element', () => {
  const s = standaloneSvg(
    linePlot({ x: { label: 'x' }, y: { label: 'y' }, series: [{ name: 'a', x: [0, 1], y: [0, 1] }] }),
  );
  assert.match(s, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  // balanced tags (a cheap well-formedness check): every non-self-closing open tag is closed
  const opens = [...s.matchAll(/<([a-zA-Z]+)(\s[^>]*)?(?<!\/)>/g)].map((m) => m[1]);
  const closes = [...s.matchAll(/<\/([a-zA-Z]+)>/g)].map((m) => m[1]);
  assert.deepEqual([...opens].sort(), [...closes].sort());
});
