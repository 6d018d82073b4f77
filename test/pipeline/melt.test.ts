import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, stringify } from 'yaml';
import { parseRecipeText } from '../../src/recipe/index.ts';
import { runJob } from '../../src/pipeline.ts';
import { PATENT_YAML } from '../helpers.ts';

test("station 240 above Li's melting point (190 °C, inside the seed's 30–200 °C): flagged, claim 1 not met, the Li-free Al plates the first charge (reported), rate capability finite or null with a reason — no crash, no NaN", () => {
  const o = parse(PATENT_YAML) as Record<string, any>;
  o.stations['240'].temperature_C = 190;
  o.cycling = { ...(o.cycling ?? {}), ageing_cycles: 10 };
  const r = parseRecipeText(stringify(o));
  assert.ok(r.ok);
  const { output, warnings } = runJob(r.recipe);
  assert.ok(
    warnings.some((w) => /190\.0 °C ≥ 180\.5 °C: Li is liquid/.test(w)),
    warnings.join('\n'),
  );
  // the molten Li is squeezed out of the nip: (almost) no Li–Al phase forms
  assert.ok(output.line!.anode.al_fractions.Al > 0.99);
  assert.equal(output.claims!.find((c) => c.claim === 1)!.verdict, 'not met');
  const cyc = output.cycling as Record<string, unknown>;
  // the Li-free Al foil (the line gives it D ≈ 1e-23 m²/s) cannot take the first charge's Li into the
  // alloy: it plates at the separator as Li metal, reported as plating (an anode-free cell), and the
  // discharge strips it — the rate capability is that of the plated cell, or null with the reason
  const pl = cyc['plating'] as { plated: boolean; max_plated_li_um: number };
  assert.equal(pl.plated, true);
  assert.ok(pl.max_plated_li_um > 1, `${pl.max_plated_li_um} µm`);
  assert.ok(
    warnings.some((w) => /Li plating in the first cycle/.test(w)),
    warnings.join('\n'),
  );
  const rate = cyc['max_c_rate'];
  if (rate === null)
    assert.ok(
      warnings.some((w) => /rate capability not evaluable/.test(w)),
      warnings.join('\n'),
    );
  else assert.ok(typeof rate === 'number' && rate > 0, String(rate));
  // every number in the output is finite (JSON would silently turn NaN into null)
  const bad: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number' && !Number.isFinite(v)) bad.push(path);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(output, 'output');
  assert.deepEqual(bad, []);
});
