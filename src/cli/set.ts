/**
 * `--set path=value`: a recipe value from the command line (`--set stations.240.force_N=350`). The value
 * is read as a YAML scalar (350 → number, true → boolean, NCM811 → text); the path must be a recipe
 * field. Applied to the recipe data before validation, so a bad value gets the recipe's own message.
 */
import { parse as parseYaml } from 'yaml';
import { problem } from '../problems.ts';
import { recipeLeaf, setPath } from '../study/paths.ts';
import { MAX_DEPTH, deeperThan } from '../recipe/parse.ts';

export interface SetOverride {
  path: string;
  value: unknown;
}

export function parseSet(s: string): SetOverride {
  const eq = s.indexOf('=');
  if (eq <= 0) throw problem('--set', 'expected path=value', JSON.stringify(s), 'e.g. --set stations.240.force_N=350');
  const path = s.slice(0, eq).trim();
  const leaf = recipeLeaf(path);
  if (!leaf.ok) throw problem(`--set ${path}`, 'not a recipe field', JSON.stringify(path), leaf.why);
  let value: unknown;
  try {
    value = parseYaml(s.slice(eq + 1), { maxAliasCount: 100 });
  } catch {
    value = s.slice(eq + 1);
  }
  if (deeperThan(value, MAX_DEPTH))
    throw problem(
      `--set ${path}`,
      'the value nests too deep (or is a YAML alias inside its own anchor, a cycle)',
      JSON.stringify(s.slice(eq + 1)),
      `<= ${MAX_DEPTH} levels, each alias outside the node its anchor names`,
    );
  return { path, value };
}

/** applies overrides to recipe data (in place) */
export function applySets(data: Record<string, unknown>, sets: readonly SetOverride[]): void {
  for (const o of sets) setPath(data, o.path, o.value);
}
