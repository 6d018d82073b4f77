/**
 * A real headless Chromium for tests, driven by playwright-core. No apt, no root, no environment
 * variables, no browser download at install or run time.
 *
 * API (for every engineer's tests):
 *
 *   import { launchBrowser } from '../support/browser.ts';
 *
 *   const browser = await launchBrowser();            // { page, context, newPage(), describe(), close() }
 *   try {
 *     await browser.page.goto(url);
 *     ...
 *   } finally {
 *     await browser.close();                          // closes Chromium and deletes its profile dir
 *   }
 *
 * Which Chromium, in this order: the executable named by `ROLLCELL_CHROMIUM` (the user's override); a
 * system Chromium on the PATH (`chromium`, `chromium-browser`, `google-chrome-stable`,
 * `google-chrome`) when it starts; else the headless Chromium that the npm package
 * `@sparticuz/chromium` ships inside node_modules (brotli-compressed; unpacked once into
 * node_modules/.cache/ — or the temp dir when node_modules is read-only — with the NSS libraries and
 * fonts packed beside it, so it runs on a machine without any system libraries for a browser).
 *
 * Every launch gets a fresh profile dir and the flags that keep Chromium off the network
 * (STACK.md: no background networking, component updates, sync or QUIC).
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** A Chromium executable and the environment it needs. */
export interface ChromiumExecutable {
  path: string;
  /** 'ROLLCELL_CHROMIUM' | 'system' | 'npm @sparticuz/chromium <version>' */
  source: string;
  /** extra environment for the browser process */
  env: Record<string, string>;
}

export interface TestBrowser {
  /** the first page of a fresh browser context */
  page: Page;
  context: BrowserContext;
  chromium: ChromiumExecutable;
  /** the browser's version, e.g. "153.0.8010.0" */
  version: string;
  newPage(): Promise<Page>;
  /** one line saying which browser this is, for the test output */
  describe(): string;
  /** closes the browser and deletes its profile dir; safe to call twice */
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
  /** extra Chromium command-line flags */
  args?: string[];
}

/** The flags every launch gets: headless on any machine, and nothing fetched from the network. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

const require = createRequire(import.meta.url);

/** on PATH? */
function which(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return null;
}

function systemCandidates(): ChromiumExecutable[] {
  const out: ChromiumExecutable[] = [];
  const override = process.env['ROLLCELL_CHROMIUM'];
  if (override) out.push({ path: override, source: 'ROLLCELL_CHROMIUM', env: {} });
  for (const n of ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']) {
    const p = which(n);
    if (p && !out.some((c) => c.path === p)) out.push({ path: p, source: `system ${p}`, env: {} });
  }
  return out;
}

/**
 * Reads a ustar archive (the packaged font and library archives: regular files and directories only)
 * into `dest`. The archives ship inside @sparticuz/chromium; nothing else is ever unpacked with this.
 */
function untar(buf: Buffer, dest: string): void {
  let off = 0;
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const str = (a: number, n: number): string => h.toString('utf8', a, a + n).replace(/\0.*$/s, '');
    const size = parseInt(str(124, 12).trim() || '0', 8);
    const type = str(156, 1) || '0';
    const prefix = str(345, 155);
    const name = (prefix ? prefix + '/' : '') + str(0, 100);
    const mode = parseInt(str(100, 8).trim() || '644', 8);
    off += 512;
    if (name.split('/').includes('..') || name.startsWith('/')) throw new Error(`untar: unsafe path ${name}`);
    const target = join(dest, name);
    if (type === '5') mkdirSync(target, { recursive: true });
    else if (type === '0') {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, buf.subarray(off, off + size), { mode: mode & 0o755 });
    }
    off += Math.ceil(size / 512) * 512;
  }
}

/** The Chromium that @sparticuz/chromium ships, unpacked once per version into a cache dir. */
export function packagedChromium(): ChromiumExecutable {
  // the package exports only its entry (build/index.js); its package.json and bin/ sit one level above
  const pkgJson = join(dirname(dirname(require.resolve('@sparticuz/chromium'))), 'package.json');
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const bin = join(dirname(pkgJson), 'bin');
  const source = `npm @sparticuz/chromium ${version}`;
  const candidates = [
    join(dirname(dirname(dirname(pkgJson))), '.cache', `rollcell-chromium-${version}`),
    join(tmpdir(), `rollcell-chromium-${version}-${process.getuid?.() ?? 0}`),
  ];
  const envFor = (dir: string): Record<string, string> => ({
    LD_LIBRARY_PATH: [join(dir, 'lib'), process.env['LD_LIBRARY_PATH'] ?? ''].filter(Boolean).join(':'),
    FONTCONFIG_FILE: join(dir, 'fonts.conf'),
  });
  for (const dir of candidates)
    if (existsSync(join(dir, 'complete'))) return { path: join(dir, 'chromium'), source, env: envFor(dir) };
  let lastError: unknown = null;
  for (const dir of candidates) {
    const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    try {
      mkdirSync(tmp, { recursive: true });
      writeFileSync(join(tmp, 'chromium'), brotliDecompressSync(readFileSync(join(bin, 'chromium.br'))), {
        mode: 0o755,
      });
      chmodSync(join(tmp, 'chromium'), 0o755);
      untar(brotliDecompressSync(readFileSync(join(bin, 'fonts.tar.br'))), tmp);
      // NSS/NSPR/expat built for Amazon Linux 2023 (glibc ≥ 2.34): used on machines without them
      untar(brotliDecompressSync(readFileSync(join(bin, 'al2023.tar.br'))), tmp);
      writeFileSync(
        join(tmp, 'fonts.conf'),
        [
          '<?xml version="1.0"?>',
          '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
          '<fontconfig>',
          `  <dir>${join(dir, 'fonts')}</dir>`,
          '  <dir>/usr/share/fonts</dir>',
          `  <cachedir>${join(dir, 'fontconfig-cache')}</cachedir>`,
          '</fontconfig>',
          '',
        ].join('\n'),
      );
      writeFileSync(join(tmp, 'complete'), source + '\n');
      try {
        renameSync(tmp, dir);
      } catch (e) {
        // another test process unpacked it at the same time: use theirs
        rmSync(tmp, { recursive: true, force: true });
        if (!existsSync(join(dir, 'complete'))) throw e;
      }
      return { path: join(dir, 'chromium'), source, env: envFor(dir) };
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      lastError = e;
    }
  }
  throw new Error(`test Chromium: could not unpack ${source} into ${candidates.join(' or ')}: ${String(lastError)}`);
}

async function launchWith(exe: ChromiumExecutable, opts: LaunchOptions): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'rollcell-chromium-profile-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: exe.path,
      headless: true,
      args: [...CHROMIUM_FLAGS, ...(opts.args ?? [])],
      env: { ...process.env, HOME: profile, ...exe.env } as Record<string, string>,
      viewport: opts.viewport ?? { width: 1200, height: 900 },
      timeout: 60_000,
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const version = context.browser()?.version() ?? 'unknown version';
  let closed = false;
  return {
    page,
    context,
    chromium: exe,
    version,
    newPage: () => context.newPage(),
    describe: () => `Chromium ${version} (${exe.source}${exe.source.startsWith('npm') ? `, ${exe.path}` : ''})`,
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Launches a headless Chromium with a fresh profile: a system one when present and working, else the packaged one. */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<TestBrowser> {
  const failures: string[] = [];
  for (const exe of systemCandidates()) {
    try {
      return await launchWith(exe, opts);
    } catch (e) {
      if (exe.source === 'ROLLCELL_CHROMIUM') throw e; // an explicit choice is never silently replaced
      failures.push(`${exe.source}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return await launchWith(packagedChromium(), opts);
  } catch (e) {
    throw new Error(
      `test Chromium: no browser could be started.${failures.length ? ` Tried ${failures.join('; ')}; then` : ''} ` +
        `the packaged one: ${(e as Error).message}`,
      { cause: e },
    );
  }
}
