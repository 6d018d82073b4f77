// The prebuilt CLI bundle (scripts/cli-bundle.mjs): a command never runs stale code. Built in a scratch
// project (two source files) so each case can edit sources freely; the real bin is checked at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { cliEntryUrl, cliStale, freshEntry, ROOT } from '../../scripts/cli-bundle.mjs';

type Bundle = {
  cliEntryUrl(root?: string): Promise<string | undefined>;
  cliStale(root?: string): boolean;
  freshEntry(root?: string): string | undefined;
  ROOT: string;
};
const lib: Bundle = { cliEntryUrl, cliStale, freshEntry, ROOT };

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'rollcell-bundle-'));
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(root, 'src', 'cli', 'main.ts'),
    "import { v } from './value.ts';\nexport const main = (): string => v;\n",
  );
  writeFileSync(join(root, 'src', 'cli', 'value.ts'), "export const v: string = 'one';\n");
  writeFileSync(join(root, 'src', 'cli', 'unused.ts'), 'export const u = 1;\n');
  return root;
}

async function runMain(root: string): Promise<string | undefined> {
  const url = await lib.cliEntryUrl(root);
  if (!url) return undefined;
  const m = (await import(url)) as { main(): string };
  return m.main();
}

test('bundle: built when missing, then fresh; an edit — even one that sets the modification time back — rebuilds it before it runs', async () => {
  const root = project();
  try {
    assert.equal(lib.cliStale(root), true);
    assert.equal(await runMain(root), 'one');
    assert.equal(lib.cliStale(root), false);
    const value = join(root, 'src', 'cli', 'value.ts');
    const before = statSync(value);
    // same size, modification time restored: only the change time tells
    writeFileSync(value, "export const v: string = 'two';\n");
    utimesSync(value, before.atime, before.mtime);
    assert.equal(lib.cliStale(root), true);
    assert.equal(await runMain(root), 'two');
    assert.equal(lib.cliStale(root), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('bundle: a source file added or removed makes it stale', async () => {
  const root = project();
  try {
    await runMain(root);
    assert.equal(lib.cliStale(root), false);
    unlinkSync(join(root, 'src', 'cli', 'unused.ts'));
    assert.equal(lib.cliStale(root), true);
    await runMain(root);
    writeFileSync(join(root, 'src', 'new.ts'), 'export const n = 2;\n');
    assert.equal(lib.cliStale(root), true);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('bundle: a source that does not build gives no bundle (the bin then runs the sources through tsx), never the old one', async () => {
  const root = project();
  try {
    assert.equal(await runMain(root), 'one');
    writeFileSync(join(root, 'src', 'cli', 'value.ts'), "export const v: string = 'three\n");
    assert.equal(await lib.cliEntryUrl(root), undefined);
    assert.equal(lib.freshEntry(root), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('bin: runs from the bundle, which it leaves fresh; ROLLCELL_NO_BUNDLE=1 runs the sources through tsx, same output', () => {
  const bin = join(lib.ROOT, 'bin', 'rollcell.js');
  const bundled = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  assert.equal(bundled.status, 0, bundled.stderr);
  assert.notEqual(lib.freshEntry(), undefined);
  const viaTsx = spawnSync(process.execPath, [bin, '--version'], {
    encoding: 'utf8',
    env: { ...process.env, ROLLCELL_NO_BUNDLE: '1' },
  });
  assert.equal(viaTsx.status, 0, viaTsx.stderr);
  assert.equal(bundled.stdout, viaTsx.stdout);
  assert.match(bundled.stdout, /^\d+\.\d+\.\d+\n$/);
});
