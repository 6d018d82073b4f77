/** YAML mistakes a new user makes: one message with the line and column, not a cascade (issue 12). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { PATENT_YAML } from '../helpers.ts';

test('a recipe indented with tabs: one problem, with the line and column of the first tab and what to do', () => {
  const text = PATENT_YAML.replace(/^ {2}/gm, '\t');
  const firstTab = text.split('\n').findIndex((l) => l.startsWith('\t')) + 1;
  const r = parseRecipeText(text);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.problems.length, 1, r.problems.map((p) => p.problem).join('\n'));
  const p = r.problems[0]!;
  assert.equal(p.line, firstTab);
  assert.equal(p.column, 1);
  assert.match(p.problem, /Tabs are not allowed as indentation \(indent with spaces\) — \d+ more errors after it/);
});

test('a YAML alias inside its own anchor (a cycle) is one problem in every YAML reader, not a stack overflow', async () => {
  // before: the recipe's checks, the experiment file and --set walked the cyclic data until the stack ran out
  const r = parseRecipeText(`${PATENT_YAML}\nextra: &loop [*loop]\n`);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.problems[0]!.problem, /nesting too deep through YAML aliases .*a cycle/);
  const { parseExperimentFile } = await import('../../src/cycler/experiment-file.ts');
  const e = parseExperimentFile('- &c [Rest for 1 hour, *c]\n', 'yaml', 'exp.yaml');
  assert.ok(!e.ok, '!e.ok');
  if (!e.ok) assert.match(e.problems[0]!.problem, /nesting too deep .*a cycle/);
  const { parseSetFlags } = await import('../../src/cli/input.ts');
  assert.throws(() => parseSetFlags(['name=&a [*a]']), /--set name: the value nests too deep/);
  const { parseSet } = await import('../../src/cli/set.ts');
  assert.throws(() => parseSet('name=&a [*a]'), /--set name: .*nests too deep/);
  // shallow aliases still read
  const ok = parseRecipeText(`${PATENT_YAML}\n`.replace(/^name: (.*)$/m, 'name: &n $1'));
  assert.ok(ok.ok, ok.ok ? '' : JSON.stringify(ok.problems));
});
