/**
 * End-to-end: a report generated from examples/patent-line.yaml (runJob + the claim chart + renderReport
 * + writeReport) opened in a real headless browser (test/support/browser.ts: a system Chromium when
 * present, else the one the npm package @sparticuz/chromium ships). Checks that every plot is rendered
 * with a non-zero box, axis labels are visible, nothing is fetched from the network and nothing is
 * logged as an error; saves a screenshot to test-output/report.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderReport, writeReport } from '../../src/report/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { patentReportInput } from './fixtures.ts';

test(
  'report opens in headless chromium: plots rendered, axis labels visible, no network, no console errors',
  { timeout: 120_000 },
  async (t) => {
    const tmp = mkdtempSync(join(tmpdir(), 'rollcell-report-'));
    const input = patentReportInput(undefined, { production: true, battery: true });
    const path = writeReport(tmp, 'patent-line', renderReport(input));
    const browser = await launchBrowser({ viewport: { width: 1200, height: 900 } });
    t.diagnostic(browser.describe());
    try {
      const page = browser.page;
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });

      const svgs = await page.$$eval('svg', (els) =>
        els.map((e) => ({
          cls: e.getAttribute('class') ?? '',
          w: e.getBoundingClientRect().width,
          h: e.getBoundingClientRect().height,
        })),
      );
      for (const cls of [
        'cross-section',
        'line-diagram',
        'plot-voltage',
        'plot-thickness',
        'plot-phases',
        'plot-crack',
        'plot-fade',
        'plot-ce',
        'plot-spc',
        'plot-pareto',
      ]) {
        const s = svgs.find((x) => x.cls.split(/\s+/).includes(cls));
        assert.ok(s, `svg.${cls} present (found: ${svgs.map((x) => x.cls).join(' | ')})`);
        assert.ok(s.w > 100 && s.h > 100, `svg.${cls} has a non-zero box (${s.w}×${s.h})`);
      }
      // drawn content: polylines and bars have non-zero boxes
      const marks = await page.$$eval('svg.line-plot polyline, svg.bar-chart rect.bar, rect.xs-layer', (els) =>
        els
          .map((e) => (e as unknown as { getBBox(): { width: number; height: number } }).getBBox())
          .map((b) => ({ w: b.width, h: b.height })),
      );
      assert.ok(marks.length > 20, `plot marks drawn (${marks.length})`);
      assert.ok(marks.filter((b) => b.w > 0 || b.h > 0).length === marks.length, 'every plot mark has a non-empty box');
      // axis labels visible, with units
      const labels = await page.$$eval('svg .axis-label', (els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect();
          const st = (
            globalThis as unknown as {
              getComputedStyle(x: unknown): { visibility: string; display: string; opacity: string };
            }
          ).getComputedStyle(e);
          return {
            text: e.textContent ?? '',
            w: r.width,
            h: r.height,
            visible: st.visibility !== 'hidden' && st.display !== 'none' && st.opacity !== '0',
          };
        }),
      );
      assert.ok(labels.length >= 12, `axis labels (${labels.length})`);
      for (const l of labels.filter((x) => x.text.length > 0))
        assert.ok(l.visible && l.w > 5 && l.h > 5, `axis label "${l.text}" visible (${l.w}×${l.h})`);
      for (const want of ['cell voltage / V', 'capacity / mAh', 'thickness / µm', 'crack risk / 1'])
        assert.ok(
          labels.some((l) => l.text === want),
          `axis label "${want}"`,
        );
      // the claim chart rendered its 20 claims
      assert.equal(await page.locator('table.claim-chart tr.claim-row').count(), 20);
      assert.deepEqual(requests, [], 'no network requests');
      assert.deepEqual(errors, [], 'no console errors');

      const out = resolve('test-output');
      mkdirSync(out, { recursive: true });
      await page.screenshot({ path: join(out, 'report.png'), fullPage: true });
      assert.ok(existsSync(join(out, 'report.png')), "existsSync(join(out, 'report.png'))");
    } finally {
      await browser.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  },
);
