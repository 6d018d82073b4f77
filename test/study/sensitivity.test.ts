import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFactor, makePlan } from '../../src/study/design.ts';
import { sobolIndices, wilson } from '../../src/study/sensitivity.ts';
import { SobolSequence } from '../../src/numerics/sobol.ts';

// Ishigami & Homma (1990), a = 7, b = 0.1, x ∈ [−π, π]³; analytic indices from Sobol' & Levitan,
// Comput. Phys. Commun. 117 (1999) 52: V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2, V1 = (1 + bπ⁴/5)²/2,
// V2 = a²/8, V3 = 0, V13 = 8b²π⁸/225.
const a = 7;
const b = 0.1;
const PI = Math.PI;
const V = (a * a) / 8 + (b * PI ** 4) / 5 + (b * b * PI ** 8) / 18 + 0.5;
const V1 = 0.5 * (1 + (b * PI ** 4) / 5) ** 2;
const V2 = (a * a) / 8;
const V13 = (8 * b * b * PI ** 8) / 225;
const EXACT = {
  S1: [V1 / V, V2 / V, 0],
  ST: [(V1 + V13) / V, V2 / V, V13 / V],
};
const ishigami = (x: number[]): number => Math.sin(x[0]!) + a * Math.sin(x[1]!) ** 2 + b * x[2]! ** 4 * Math.sin(x[0]!);

test('Sobol indices of the Ishigami function are recovered within their bootstrap confidence intervals', () => {
  const factors = ['x1', 'x2', 'x3'].map((p) => makeFactor(p, { from: -PI, to: PI, scale: 'linear' }));
  const N = 4096;
  const plan = makePlan({ type: 'saltelli', n: N, bootstrap: 400, confidence: 0.95 }, factors, 7);
  assert.equal(plan.size, N * 5);
  const y = new Float64Array(plan.size);
  for (let i = 0; i < plan.size; i++) y[i] = ishigami(plan.point(i) as number[]);
  const r = sobolIndices(y, N, ['x1', 'x2', 'x3'], { bootstrap: 400, confidence: 0.95, seed: 3 });
  assert.equal(r.rows, N);
  assert.ok(Math.abs(r.variance - V) / V < 0.02, `variance ${r.variance} vs ${V}`);
  r.indices.forEach((ix, i) => {
    const s1 = EXACT.S1[i]!;
    const st = EXACT.ST[i]!;
    assert.ok(ix.S1_ci[0] <= s1 && s1 <= ix.S1_ci[1], `S1 x${i + 1}: ${s1} not in [${ix.S1_ci}] (est ${ix.S1})`);
    assert.ok(ix.ST_ci[0] <= st && st <= ix.ST_ci[1], `ST x${i + 1}: ${st} not in [${ix.ST_ci}] (est ${ix.ST})`);
    // and the intervals are informative (narrower than 0.1), not trivially wide
    assert.ok(ix.S1_ci[1] - ix.S1_ci[0] < 0.1 && ix.ST_ci[1] - ix.ST_ci[0] < 0.1, `CI widths x${i + 1}`);
  });
});

test('rows with a failed point are left out of the estimate and counted', () => {
  const factors = ['x1', 'x2', 'x3'].map((p) => makeFactor(p, { from: -PI, to: PI, scale: 'linear' }));
  const N = 256;
  const plan = makePlan({ type: 'saltelli', n: N, bootstrap: 0, confidence: 0.95 }, factors, 1);
  const y: (number | null)[] = [];
  for (let i = 0; i < plan.size; i++) y.push(ishigami(plan.point(i) as number[]));
  y[3 * 5 + 2] = null;
  y[10 * 5] = Number.NaN;
  const r = sobolIndices(y, N, ['x1', 'x2', 'x3'], { bootstrap: 0 });
  assert.equal(r.rows, N - 2);
  assert.equal(r.rows_left_out, 2);
});

test("Sobol' points equal scipy.stats.qmc.Sobol(scramble=False) (Joe–Kuo 6.21201 direction numbers)", () => {
  // reference values printed by scipy 1.17.1: Sobol(d=40, scramble=False).fast_forward(1000).random(1)
  const ref1000 = [
    0.2197265625, 0.0966796875, 0.5185546875, 0.6767578125, 0.2802734375, 0.9072265625, 0.0458984375, 0.8994140625,
    0.5009765625, 0.0693359375, 0.0849609375, 0.2548828125, 0.1611328125, 0.3837890625, 0.1435546875, 0.3701171875,
    0.7197265625, 0.3447265625, 0.9912109375, 0.7255859375, 0.5224609375, 0.5498046875, 0.9501953125, 0.5400390625,
    0.5830078125, 0.9072265625, 0.0400390625, 0.9794921875, 0.0595703125, 0.3408203125, 0.1474609375, 0.1455078125,
    0.2958984375, 0.5927734375, 0.8017578125, 0.7705078125, 0.8486328125, 0.8310546875, 0.3076171875, 0.4794921875,
  ];
  // …fast_forward(123457), dimensions 31–40
  const ref123457 = [
    /* eslint-disable no-loss-of-precision -- exact dyadic values (k/2^16) as scipy prints them; the rule's
       rounding misreads ties */
    0.17432403564453125, 0.5757064819335938, 0.7630996704101562, 0.5589675903320312, 0.5125961303710938,
    0.9022445678710938, 0.6886520385742188, 0.9676589965820312, 0.7220535278320312, 0.8709793090820312,
    /* eslint-enable no-loss-of-precision */
  ];
  const s = new SobolSequence(40);
  assert.deepEqual(Array.from(s.point(1000)), ref1000);
  assert.deepEqual(Array.from(s.point(123457)).slice(30), ref123457);
});

test('Wilson interval: known values (Newcombe, Stat. Med. 17 (1998) 857, Table I: 81/263 → 0.2553–0.3662)', () => {
  const [lo, hi] = wilson(81, 263);
  assert.ok(Math.abs(lo - 0.2553) < 5e-4 && Math.abs(hi - 0.3662) < 5e-4, `${lo} ${hi}`);
});
