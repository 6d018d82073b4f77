import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, stringify } from 'yaml';
import { parseRecipeText } from '../../src/recipe/index.ts';
import { runJob } from '../../src/pipeline.ts';
import { PATENT_YAML } from '../helpers.ts';

const run = (T: number): ReturnType<typeof runJob> => {
  const o = parse(PATENT_YAML) as Record<string, any>;
  o.stations['240'].temperature_C = T;
  o.cycling = { ...(o.cycling ?? {}), ageing_cycles: 10 };
  const r = parseRecipeText(stringify(o));
  assert.ok(r.ok, 'r.ok');
  return runJob(r.recipe);
};

/** every number in the output is finite (JSON would silently turn NaN into null) */
function allFinite(v: unknown, path = 'output', bad: string[] = []): string[] {
  if (typeof v === 'number' && !Number.isFinite(v)) bad.push(path);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) allFinite(x, `${path}.${k}`, bad);
  return bad;
}

test("station 240 above Li's melting point (190 °C, inside the seed's 30–200 °C): flagged; the nip does not melt the Li before it leaves, so the anode still forms — no crash, no NaN", () => {
  const { output, warnings } = run(190);
  assert.ok(
    warnings.some((w) => /190\.0 °C > 180\.5 °C/.test(w)),
    warnings.join('\n'),
  );
  assert.ok(output.line!.anode.al_fractions.Al < 0.99, 'output.line!.anode.al_fractions.Al < 0.99');
  assert.equal(output.claims!.find((c) => c.claim === 1)!.verdict, 'met');
  assert.deepEqual(allFinite(output), []);
});

test('far above the melting point (260 °C) the molten Li is rejected at the 240 inlet to the web edges: accounted, not lost; no NaN', () => {
  const { output, process } = run(260);
  const L = process.ledger.li;
  assert.ok(L.rejectedToEdges_mol_m2 > 0, 'L.rejectedToEdges_mol_m2 > 0');
  assert.ok(
    Math.abs(L.anode_mol_m2 + L.rejectedToEdges_mol_m2 - L.supplied_mol_m2) < 1e-9 * L.supplied_mol_m2,
    'Math.abs(L.anode_mol_m2 + L.rejectedToEdges_mol_m2 - L.supplied_mol_m2) < 1e-9 * L.suppli…',
  );
  const ledger = output.line!['li_ledger'] as Record<string, number>;
  assert.ok(ledger['rejected_to_web_edges_mol_m2']! > 0, "ledger['rejected_to_web_edges_mol_m2']! > 0");
  assert.deepEqual(allFinite(output), []);
});
