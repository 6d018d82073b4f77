/**
 * Interim stand-in for test/support/browser.ts (the set-up work: it lands the project's one Chromium
 * launcher). Same call shape, so the dashboard test switches to it by changing one import. Uses the
 * Chromium that @sparticuz/chromium ships inside node_modules (nothing downloaded).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export interface TestBrowser {
  page: Page;
  context: BrowserContext;
  newPage(): Promise<Page>;
  describe(): string;
  close(): Promise<void>;
}

export async function launchBrowser(
  o: { viewport?: { width: number; height: number }; args?: string[] } = {},
): Promise<TestBrowser> {
  const sparticuz = (await import('@sparticuz/chromium')).default;
  const exe = process.env['ROLLCELL_CHROMIUM'] ?? (await sparticuz.executablePath());
  const profile = mkdtempSync(join(tmpdir(), 'rollcell-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: exe,
    headless: true,
    viewport: o.viewport ?? { width: 1400, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
      '--no-zygote',
      ...(o.args ?? []),
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  return {
    page,
    context,
    newPage: () => context.newPage(),
    describe: () => `chromium ${exe}`,
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
