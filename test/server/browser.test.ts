/**
 * The dashboard in a real headless Chromium (playwright-core), one server and one browser for the
 * suite: every view loads with no console error and no request leaves the server's origin; a recipe edit
 * shows its validation message; a run started from the browser finishes and appears in the list; the
 * genealogy drill-down reaches a roll; a sweep started from the browser fills its heatmap with the claim
 * boundaries; a <script> or SVG payload in a recipe's name never executes.
 * ROLLCELL_SCREENSHOTS=<dir> saves a PNG of each view (the README's pictures: docs/screenshots/).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { startTestServer, smallRecipe, type TestServer } from './helpers.ts';

interface RunRead {
  output: { validity?: { findings: { source: string; reason: string }[] } };
}

const shots = process.env['ROLLCELL_SCREENSHOTS'];
let t: TestServer;
let b: TestBrowser;
let page: Page;
const errors: string[] = [];
const foreign: string[] = [];
let runA = '';
let runB = '';
const XSS = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2"><svg onload="window.__xss=3">`;

async function shot(name: string): Promise<void> {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function visit(path: string, ready: string): Promise<void> {
  errors.length = 0;
  await page.goto(t.base + path, { waitUntil: 'domcontentloaded' });
  await page.locator(ready).first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  assert.deepEqual(errors, [], `no console errors on ${path}`);
}

before(async () => {
  t = await startTestServer();
  // two small stored runs (one with a battery) made through the API, and one whose name is a payload
  runA = (
    await t.run({ text: smallRecipe('patent line (small)'), seed: 1, production: { duration_s: 3600 }, battery: true })
  ).id;
  runB = (
    await t.run({
      text: smallRecipe('patent line (small)').replace('temperature_C: 100 }', 'temperature_C: 140 }'),
      seed: 2,
      production: { duration_s: 300 },
      battery: false,
    })
  ).id;
  b = await launchBrowser({ viewport: { width: 1400, height: 1000 }, args: ['--lang=en-US'] });
  page = b.page;
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(t.base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:'))
      foreign.push(r.url());
  });
});
after(async () => {
  await b?.close();
  await t?.close();
});

test('every view loads with no console error and no remote request', { timeout: 180_000 }, async () => {
  await visit('/', '[data-testid=runs-table] tr[data-run]');
  await shot('runs');
  await visit('/recipe', '[data-testid=valid]');
  await page.locator('[data-testid=claims] .claim').first().waitFor();
  await shot('recipe');
  await visit(`/runs/${runA}`, '[data-testid=claim-chart]');
  for (const id of [
    'line-diagram',
    'layer-stack',
    'anode-phases',
    'plot-vq',
    'plot-dqdv',
    'plot-capacity',
    'plot-ce',
    'plot-resistance',
    'plot-trace',
  ])
    assert.ok(await page.locator(`[data-testid=${id}]`).isVisible(), `${id} drawn`);
  assert.ok((await page.locator('[data-testid=plot-vq] .u-legend').textContent())!.includes('charge'), 'V–Q legend');
  assert.ok(
    (await page.locator('[data-testid=plot-vq] .u-label').allTextContents()).some((s) => s.includes('capacity / mAh')),
    'axis label with unit',
  );
  await shot('run');
  await visit(`/runs/${runA}/shift`, '[data-testid=plot-xbar]');
  assert.match((await page.locator('[data-testid=spc-method]').textContent())!, /Limits: (classical|batch means)/);
  for (const id of [
    'plot-pace',
    'pareto-scrap',
    'plot-r',
    'plot-s',
    'plot-individuals',
    'plot-ewma',
    'plot-cusum',
    'capability',
    'histogram',
    'rules',
  ])
    assert.ok(await page.locator(`[data-testid=${id}]`).isVisible(), `${id} drawn`);
  await shot('shift');
  // validity findings sit beside the figures they affect: each cycling one once in the cycling section,
  // each battery one on the Battery view (and counted on the run's Battery link)
  const findings =
    ((await (await fetch(`${t.base}/api/runs/${runA}`)).json()) as RunRead).output.validity?.findings ?? [];
  const bySource = (s: string) => findings.filter((f) => f.source === s);
  assert.ok(bySource('battery').length > 0, 'the small pack is driven above the SPMe validity: a battery finding');
  await visit(`/runs/${runA}`, '[data-testid=claim-chart]');
  const flags = await page.locator('[data-testid=validity-flag]').allTextContents();
  for (const f of bySource('cycling')) assert.equal(flags.filter((x) => x.endsWith(f.reason)).length, 1, f.reason);
  assert.match(
    (await page.locator(`a[href="/runs/${runA}/battery"]`).textContent())!,
    new RegExp(`\\(${bySource('battery').length} outside validity\\)`),
  );
  await visit(`/runs/${runA}/battery`, '[data-testid=time-slider]');
  const batteryFlags = await page.locator('[data-testid=battery-validity]').allTextContents();
  assert.deepEqual(
    batteryFlags.map((x) => x.replace(/^OUTSIDE MODEL VALIDITY: |^PHYSICALLY IMPOSSIBLE: /, '')),
    bySource('battery').map((f) => f.reason),
  );
  await page.locator('[data-testid=time-slider]').fill('30');
  assert.ok((await page.locator('rect.hcell').count()) >= 3 * 16, 'three 8×2 heatmaps');
  await shot('battery');
  await visit(`/compare?ids=${runA},${runB}`, '[data-testid=compare-table]');
  assert.match(
    (await page.locator('[data-testid=compare-table]').textContent())!,
    /stations\["240"\]\.temperature_C|seed/,
  );
  await shot('compare');
  await visit(`/runs/${runA}/genealogy`, '[data-testid=cells] a');
  assert.deepEqual(foreign, [], 'no request left the origin');
});

test('a recipe edit shows its validation message (the CLI’s)', { timeout: 60_000 }, async () => {
  await visit('/recipe', '[data-testid=valid]');
  const f = page.locator('[data-path="stations.240.force_N"] input');
  await f.fill('-5');
  await f.press('Enter');
  await f.blur();
  const msg = page.locator('[data-testid=problem]').first();
  await msg.waitFor({ timeout: 15_000 });
  assert.match((await msg.textContent())!, /^stations\.240\.force_N: .* \(got -5; allowed >= 0\)/);
  assert.match(await page.locator('[data-testid=yaml]').inputValue(), /force_N: -5/);
  await f.fill('450');
  await f.blur();
  await page.locator('[data-testid=valid]').waitFor({ timeout: 15_000 });
});

test('the genealogy drill-down reaches a roll, and the roll lists the cell', { timeout: 60_000 }, async () => {
  await visit(`/runs/${runA}/genealogy`, '[data-testid=cells] a');
  const serial = (await page.locator('[data-testid=cell-link]').first().textContent())!;
  await page.locator('[data-testid=cell-link]').first().click();
  await page.locator('[data-testid=cell-title]').waitFor();
  await shot('genealogy');
  await page.locator('[data-testid=roll-link]').first().click();
  await page.locator('[data-testid=roll-title]').waitFor();
  await shot('genealogy-roll');
  assert.match(page.url(), /\/genealogy\/roll\//);
  assert.ok(
    (await page.locator('[data-testid=roll-cells]').textContent())!.includes(serial),
    "(await page.locator('[data-testid=roll-cells]').textContent())!.includes(serial)",
  );
  assert.deepEqual(errors, []);
});

test('a run started from the browser finishes and appears in the list', { timeout: 120_000 }, async () => {
  await visit('/', '[data-testid=start-run]');
  await page.locator('[data-testid=run-production]').selectOption('300');
  await page.locator('[data-testid=start-run]').click();
  await page.waitForURL(/\/runs\/[0-9A-Z]+\/shift$/);
  const id = page.url().split('/').at(-2)!;
  await page.locator('[data-testid=plot-xbar]').waitFor({ timeout: 90_000 });
  await visit('/', `[data-testid=runs-table] tr[data-run="${id}"]`);
  assert.match((await page.locator(`tr[data-run="${id}"]`).textContent())!, /completed/);
});

test(
  'a sweep started from the browser fills its heatmap and draws the claim boundaries',
  { timeout: 120_000 },
  async () => {
    await visit('/sweeps', '[data-testid=start-sweep]');
    await page.locator('select').first().selectOption('patent-line.yaml');
    await page.locator('[data-testid=start-sweep]').click();
    await page.waitForURL(/\/sweeps\/s[0-9a-f]{15}$/);
    const id = page.url().split('/').at(-1)!;
    // the default study: 8 Li × 6 Al thicknesses; claim 1 flips across it (line-only points)
    await page.locator('[data-testid=heat-cell]').nth(47).waitFor({ state: 'attached', timeout: 90_000 });
    assert.equal(await page.locator('[data-testid=heat-cell]').count(), 48);
    await page
      .locator('[data-testid=sweep-status]')
      .filter({ hasText: '48 of 48 points' })
      .waitFor({ timeout: 30_000 });
    assert.ok((await page.locator('[data-testid=claim-boundary]').count()) > 0, 'a claim boundary is drawn');
    assert.match((await page.locator('[data-testid=heat-legend]').textContent())!, /claims\.1 boundary/);
    assert.deepEqual(errors, []);
    await shot('sweep');
    await visit('/sweeps', `[data-testid=sweeps-table] tr[data-sweep="${id}"]`);
  },
);

test(
  'a <script> or SVG payload in a recipe name renders as text and never executes',
  { timeout: 120_000 },
  async () => {
    const r = await t.post('/api/recipes', { name: XSS, text: smallRecipe(XSS, `# ${XSS}\n`) });
    assert.equal(r.status, 201);
    const run = await t.run({ text: smallRecipe(XSS), production: false, battery: false });
    await visit(`/runs/${run.id}`, '[data-testid=run-title]');
    assert.equal(await page.locator('[data-testid=run-title]').evaluate((e) => e.firstChild?.textContent?.trim()), XSS);
    await visit(`/recipe/${encodeURIComponent(XSS)}`, '[data-testid=valid]');
    assert.ok(
      (await page.locator('[data-testid=yaml]').inputValue()).includes(XSS),
      "(await page.locator('[data-testid=yaml]').inputValue()).includes(XSS)",
    );
    await visit('/', '[data-testid=runs-table] tr[data-run]');
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss),
      undefined,
      'no payload ran',
    );
    assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script in the document');
  },
);
