/**
 * End-to-end: the HTML fit report of a real `rollcell fit` (a recipe's solid-state cell fitted to a rate
 * test, then a short posterior chain) opened in a real headless browser (test/support/browser.ts). Checks
 * that every plot (data vs model, objective vs iteration, parameter traces, correlation matrix, chain
 * traces) is rendered with a non-zero box, the axis labels with units are visible, nothing is fetched
 * from the network and nothing is logged as an error; saves a screenshot to test-output/fit-report.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli } from '../helpers.ts';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { launchBrowser } from '../support/browser.ts';

test(
  'fit report opens in headless chromium: data vs model, cost, traces, correlation and chain plots drawn, axis labels visible, no network, no console errors',
  { timeout: 180_000 },
  async (t) => {
    const tmp = mkdtempSync(join(tmpdir(), 'rollcell-fit-report-'));
    const rate = join(tmp, 'rate.csv');
    writeFileSync(
      rate,
      '# source: synthetic\nC-rate / 1,Capacity Retention / %\n0.1,100\n0.2,97.67\n0.5,93.71\n1,89.77\n2,84.55\n3,80.56\n',
    );
    const html = join(tmp, 'fit.html');
    const patch = join(tmp, 'patch.yaml');
    const r = await cli([
      'fit',
      '--cell',
      join(process.cwd(), 'examples', 'patent-line.yaml'),
      '--data',
      rate,
      '--params',
      'rate.cathode_Ds_um2_s:1e-3:3e-2:log',
      '--params',
      'rate.ionic_tortuosity:3:12',
      '--method',
      'mcmc',
      '--samples',
      '200',
      '--report',
      html,
      '--out',
      patch,
    ]);
    assert.equal(r.code, 0, r.stderr);
    // issue 21 item 2: the recipe patch carries the posterior draws, and the patched recipe is valid
    const mp = (parse(readFileSync(patch, 'utf8')) as { cycling: { model_parameters: Record<string, unknown> } })
      .cycling.model_parameters;
    const post = mp['posterior'] as { parameters: string[]; samples: number[][]; source: string };
    assert.deepEqual(post.parameters, ['rate.cathode_Ds_um2_s', 'rate.ionic_tortuosity']);
    assert.ok(post.samples.length >= 20 && post.samples.length <= 200, `${post.samples.length} draws`);
    for (const row of post.samples) {
      assert.equal(row.length, 2);
      assert.ok(row[0]! >= 1e-3 && row[0]! <= 3e-2 && row[1]! >= 3 && row[1]! <= 12, JSON.stringify(row));
    }
    assert.ok(new Set(post.samples.map((q) => q.join())).size > 1, 'the draws differ');
    assert.match(post.source, /mcmc of patent-line\.yaml on rate\.csv, seed 1/);
    const recipe = parse(readFileSync(join(process.cwd(), 'examples', 'patent-line.yaml'), 'utf8')) as {
      cycling: Record<string, unknown>;
    };
    recipe.cycling['model_parameters'] = mp;
    const merged = parseRecipeText(stringify(recipe));
    assert.ok(merged.ok, JSON.stringify(!merged.ok && merged.problems));
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
    t.diagnostic(browser.describe());
    try {
      const page = browser.page;
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (q) => {
        if (!q.url().startsWith('file:')) requests.push(q.url());
      });
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      const svgs = await page.$$eval('svg', (els) =>
        els.map((e) => ({
          cls: e.getAttribute('class') ?? '',
          w: e.getBoundingClientRect().width,
          h: e.getBoundingClientRect().height,
        })),
      );
      for (const cls of ['fit-block', 'fit-cost', 'fit-traces', 'fit-correlation', 'fit-chain']) {
        const s = svgs.find((x) => x.cls.split(/\s+/).includes(cls));
        assert.ok(s, `svg.${cls} present (found: ${svgs.map((x) => x.cls).join(' | ')})`);
        assert.ok(s.w > 100 && s.h > 100, `svg.${cls} has a non-zero box (${s.w}×${s.h})`);
      }
      // measured points, model lines and correlation cells are drawn
      const marks = await page.$$eval('svg.fit-block polyline, svg.fit-block circle, rect.corr-cell', (els) =>
        els.map((e) => {
          const b = (e as unknown as { getBBox(): { width: number; height: number } }).getBBox();
          return {
            tag: e.tagName,
            width: b.width,
            height: b.height,
            at: e.getAttribute('points') ?? e.getAttribute('cx'),
          };
        }),
      );
      assert.ok(marks.length >= 6 + 2 + 4, `marks drawn (${marks.length})`);
      assert.ok(
        marks.every((b) => b.width > 0 || b.height > 0),
        'every mark has a non-empty box',
      );
      assert.equal(await page.locator('rect.corr-cell').count(), 4, '2 × 2 correlation cells');
      const labels = await page.$$eval('svg .axis-label', (els) =>
        els.map((e) => {
          const b = e.getBoundingClientRect();
          return { text: e.textContent ?? '', w: b.width, h: b.height };
        }),
      );
      for (const l of labels) assert.ok(l.w > 5 && l.h > 5, `axis label "${l.text}" visible (${l.w}×${l.h})`);
      for (const want of ['C-rate / 1', 'retention / %', 'iteration / 1', 'correlation / 1', 'sample / 1'])
        assert.ok(
          labels.some((l) => l.text === want),
          `axis label "${want}" (found ${labels.map((l) => l.text).join(' | ')})`,
        );
      // legends name measured data and the model before/after
      const legend = await page.$$eval('svg.fit-block .legend text', (els) => els.map((e) => e.textContent ?? ''));
      for (const want of ['measured', 'model before fit', 'model after fit']) assert.ok(legend.includes(want), want);
      assert.deepEqual(requests, [], 'no network requests');
      assert.deepEqual(errors, [], 'no console errors');
      const out = resolve('test-output');
      mkdirSync(out, { recursive: true });
      await page.screenshot({ path: join(out, 'fit-report.png'), fullPage: true });
    } finally {
      await browser.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  },
);
