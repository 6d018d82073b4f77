/**
 * The job-level evidence (stations.ts withJobEvidence) re-runs only what a what-if changes: the thermal bounds and
 * the growth-D scan re-run the nominal line's alloying history (res.alloyInput) under the other kinetics or
 * segments, the default D point is the nominal line itself, and the forces at the recipe's own μ are the ones
 * computed for the stations. Each must give exactly what re-running the whole line (or the force search) gives —
 * which fails if a station's result depended on the kinetics or the segments after the nip, or the reuse were
 * taken at another μ.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseRecipeText } from '../../src/recipe/index.ts';
import { processInputFromRecipe } from '../../src/process/from-recipe.ts';
import { forceForAlReduction, simulateStations, withJobEvidence, EVIDENCE_MU } from '../../src/process/stations.ts';
import { growthDRangeRT } from '../../src/process/alloying.ts';
import { verdictOverRange } from '../../src/process/assumptions.ts';
import { days } from '../../src/units/index.ts';
import { DEFAULT_AMBIENT_K } from '../../src/process/thermal.ts';
import type { LineResult, ProcessInput } from '../../src/process/types.ts';

const text = readFileSync(new URL('../../examples/patent-line.yaml', import.meta.url), 'utf8');
const example = (): ProcessInput => {
  const r = parseRecipeText(text);
  assert.ok(r.ok, 'r.ok');
  return processInputFromRecipe(r.recipe);
};
const withMu = (inp: ProcessInput, mu: number): ProcessInput => ({
  ...inp,
  stations: Object.fromEntries(
    Object.entries(inp.stations).map(([k, s]) => [k, s ? { ...s, friction: { ...s.friction, mu } } : s]),
  ) as ProcessInput['stations'],
});

/** the evidence's alloying figures and forces by re-running the whole line for every what-if */
function byWholeLine(inp: ProcessInput, res: LineResult, ev: LineResult) {
  const fast = { ...inp.model, alloyDRef_m2_s: growthDRangeRT()[1], incubationRT_s: 1 };
  const long = days(30);
  const amb = inp.line.ambient_K ?? DEFAULT_AMBIENT_K;
  const openWeb = simulateStations({
    ...inp,
    model: fast,
    line: { ...inp.line, dwell_s: long, dwellTemperature_K: amb, storage_s: 0, openSpan_m: undefined },
  });
  const wound = simulateStations({
    ...inp,
    model: fast,
    line: { ...inp.line, dwell_s: 0, storage_s: long, openSpan_m: undefined },
  });
  const ranges = EVIDENCE_MU.flatMap((mu) =>
    forceForAlReduction(withMu(inp, mu), res, 0.01).map((f) => ({ mu, ...f })),
  );
  const a = ev.evidence!.alloyFormedDependsOn[0]!.assumption;
  const growthD = verdictOverRange(
    a,
    (v) => 1 - simulateStations({ ...inp, model: { ...inp.model, alloyDRef_m2_s: v } }).anode.alFractions.Al >= 0.01,
    5,
  );
  return {
    openWebPeak_K: openWeb.anode.peakTemperature_K,
    woundPeak_K: wound.anode.peakTemperature_K,
    ranges,
    growthD,
  };
}

const cases: [string, () => ProcessInput][] = [
  ['the patent example (default μ 0.15 at both stations)', example],
  ['μ 0.05 given at both stations', () => withMu(example(), 0.05)],
  [
    'μ 0.05 at 236 only (no reuse)',
    () => {
      const inp = example();
      return { ...inp, stations: { ...inp.stations, '236': { ...inp.stations['236'], friction: { mu: 0.05 } } } };
    },
  ],
  [
    'a slow-growth default that the D scan flips (bisection on the history alone)',
    () => {
      const inp = example();
      return { ...inp, model: { ...inp.model, alloyDRef_m2_s: growthDRangeRT()[0] * 1e-3 } };
    },
  ],
  [
    'turned over: the Cu between Li and Al, no alloying',
    () => {
      const inp = example();
      return { ...inp, thirdSheet: { ...inp.thirdSheet, orientation: 'cu_facing_al' } };
    },
  ],
];

for (const [name, make] of cases)
  test(`job evidence re-runs only the what-if, with the whole line's figures exactly: ${name}`, () => {
    const inp = make();
    const res = simulateStations(inp);
    const ev = withJobEvidence(inp, res);
    const ref = byWholeLine(inp, res, ev);
    assert.equal(ev.anode.openWebPeak_K, ref.openWebPeak_K);
    assert.equal(ev.anode.woundPeak_K, ref.woundPeak_K);
    assert.deepEqual(ev.evidence!.alReduction, ref.ranges);
    assert.deepEqual(ev.evidence!.alloyFormedDependsOn[0], ref.growthD);
    if (name.startsWith('a slow-growth')) assert.equal(ref.growthD.flips, true); // the bisection ran
  });
