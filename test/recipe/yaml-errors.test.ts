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
