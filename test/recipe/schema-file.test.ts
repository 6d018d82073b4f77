import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { recipeJsonSchema } from '../../src/recipe/schema.ts';

test('schema/recipe.schema.json (what the examples point editors to) is the current recipe schema — regenerate with `npm run schema`', () => {
  const committed = JSON.parse(
    readFileSync(new URL('../../schema/recipe.schema.json', import.meta.url), 'utf8'),
  ) as unknown;
  assert.deepEqual(committed, recipeJsonSchema());
  for (const f of ['patent-line', 'al-particles-on-carrier', 'with-al-collector', 'not-interposed']) {
    const head = readFileSync(new URL(`../../examples/${f}.yaml`, import.meta.url), 'utf8').split('\n')[0];
    assert.equal(head, '# yaml-language-server: $schema=../schema/recipe.schema.json', f);
  }
});
