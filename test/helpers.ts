import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { main } from '../src/cli/main.ts';
import { parseRecipeText } from '../src/recipe/parse.ts';
import type { Recipe } from '../src/recipe/schema.ts';

export const PATENT_YAML = readFileSync(new URL('../examples/patent-line.yaml', import.meta.url), 'utf8');
export const patentObject = (): Record<string, any> => parse(PATENT_YAML) as Record<string, any>;
/** the About:Energy BPX cell (test/electrochem-liquid/fixtures, in the checkout) */
export const BPX_FIXTURE = fileURLToPath(
  new URL('./electrochem-liquid/fixtures/nmc_pouch_cell_BPX.json', import.meta.url),
);

/**
 * A fresh folder `<tmpdir>/<prefix>XXXXXX` that is deleted when the calling test file's tests have ended, so a
 * test run leaves nothing behind (the CLI tests' folders, with their stores and reports, held ~20 MB each). Set
 * ROLLCELL_KEEP_TEST_DIRS=1 to keep them, e.g. to look at a failing run's output.
 */
export function testDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (process.env['ROLLCELL_KEEP_TEST_DIRS'] !== '1') after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The patent example with quick cycling (no ageing cycles, no rate-capability search), edited, written
 * as `dir/name`; returns its path.
 */
export function quickRecipeFile(dir: string, name: string, edit: (r: Record<string, any>) => void = () => {}): string {
  const r = patentObject();
  r.cycling = { ...(r.cycling ?? {}), ageing_cycles: 0, rate_capability: false };
  edit(r);
  const f = join(dir, name);
  writeFileSync(f, stringify(r));
  return f;
}

/**
 * The patent example with quick cycling (no ageing cycles, no rate-capability search), edited and parsed
 * (as quickRecipeFile, without the file).
 */
export function quickRecipe(edit: (r: Record<string, any>) => void = () => {}): Recipe {
  const r = patentObject();
  r.cycling = { ...r.cycling, ageing_cycles: 0, rate_capability: false };
  edit(r);
  const p = parseRecipeText(stringify(r));
  if (!p.ok) throw new Error('recipe');
  return p.recipe;
}

/** A refused input: exit 2, the message matches, no internal error and no stack trace. */
export function inputError(r: { code: number; stderr: string }, re: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, re);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
}

/** Runs the CLI in-process; returns exit code, stdout and stderr. */
export async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const origErr = process.stderr.write.bind(process.stderr);
  (process.stderr as unknown as { write: (s: string) => boolean }).write = (s: string) => {
    stderr += s;
    return true;
  };
  try {
    const code = await main(args, (s) => {
      stdout += s + '\n';
    });
    return { code, stdout, stderr };
  } finally {
    (process.stderr as unknown as { write: typeof origErr }).write = origErr;
  }
}
