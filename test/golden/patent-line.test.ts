/**
 * Golden output of the patent example's design and line (`rollcell run examples/patent-line.yaml
 * --json --seed 1 --no-production --no-battery`, blocks `design`, `line` and `windows`), compared field by
 * field with a relative tolerance: a refactor that changes no physics must leave these figures alone.
 * When the physics changes on purpose, regenerate the file deliberately and say why in the commit:
 *   ROLLCELL_UPDATE_GOLDEN=1 node scripts/run-tests.mjs test/golden
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { PATENT_YAML } from '../helpers.ts';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { runJob } from '../../src/pipeline.ts';
import { jsonDiff } from './diff.ts';

const FILE = new URL('./patent-line.golden.json', import.meta.url);
test('patent example: design, line and windows match the golden output (rel. 1e-9)', () => {
  const p = parseRecipeText(PATENT_YAML);
  if (!p.ok) throw new Error('the example recipe must parse');
  const out = runJob(p.recipe, { seed: 1, runId: 'golden', noCycling: true }).output;
  const now = JSON.parse(JSON.stringify({ design: out.design, line: out.line, windows: out.windows })) as unknown;
  if (process.env['ROLLCELL_UPDATE_GOLDEN'] === '1') writeFileSync(FILE, JSON.stringify(now, null, 1) + '\n');
  const want = JSON.parse(readFileSync(FILE, 'utf8')) as unknown;
  const d: string[] = [];
  jsonDiff(now, want, '', d);
  assert.deepEqual(d, [], `differences from test/golden/patent-line.golden.json:\n${d.slice(0, 40).join('\n')}`);
});
