import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Rng } from '../../src/numerics/index.ts';
import { parseMeasuredData, type ProfileData } from '../../src/fit/data.ts';
import { liquidFitProblem } from '../../src/fit/liquid.ts';
import { levenbergMarquardt } from '../../src/fit/lm.ts';
import { fisherAnalysis } from '../../src/fit/stats.ts';
import { toInternal } from '../../src/fit/types.ts';
import type { BpxDocument } from '../../src/fit/bpx-space.ts';
import { ProblemError } from '../../src/problems.ts';

const DATA = '/work/shared/validation/about-energy-nmc';
const doc = JSON.parse(readFileSync(`${DATA}/nmc_pouch_cell_BPX.json`, 'utf8')) as BpxDocument;
const full = parseMeasuredData(readFileSync(`${DATA}/NMC_25degC_1C.csv`, 'utf8'), 'NMC_25degC_1C.csv') as ProfileData;
/** the first 15 min of the measured 1C discharge */
const cut = (p: ProfileData, tEnd: number): ProfileData => {
  const n = p.t_s.findIndex((t) => t > tEnd);
  return { ...p, t_s: p.t_s.slice(0, n), I_A: p.I_A.slice(0, n), U_V: p.U_V.slice(0, n) };
};
const oneC = cut(full, 900);
const PARAMS = [
  { name: 'positive.diffusivity', lower: 1e-15, upper: 1e-12, log: true },
  { name: 'negative.rate_constant', lower: 1e-7, upper: 1e-4, log: true },
  { name: 'electrolyte.conductivity', lower: 0.2, upper: 5, log: true },
];

// The centred differences are of genuinely tight solves: rtol 1e-10 and an absolute tolerance of 1e-13 on
// the scaled state (c/c_max, c_e/c_e0, V). With the model's own atol (1e-3 mol/m³ on c_s) a small rtol
// alone does not tighten them: their noise divided by 2h scattered ∂V/∂ln D_p by up to ±3 % from point to
// point (2.5 % at 599 s with the default band solve, 1.9 % with a rounding-level change of it), which the
// old 3 % tolerance sat just above. Tight, they agree with the forward sensitivities to ≈ 0.03 % of the
// largest value (all three parameters, with or without that rounding change); 0.2 % leaves 10× room for
// rounding and still catches a real defect (a directional-difference step δ of 1e-2 instead of 1e-6 misses
// by 0.5 %, a missing ∂f/∂p term by far more).
test('liquid fit: the forward-sensitivity Jacobian of the SPMe voltage agrees with centred differences of tight solves', async () => {
  const prob = liquidFitProblem({
    doc,
    model: 'spme',
    profiles: [{ name: '1C', data: oneC, stride: 30 }],
    parameters: PARAMS,
  });
  const fd = liquidFitProblem({
    doc,
    model: 'spme',
    profiles: [{ name: '1C', data: oneC, stride: 30 }],
    parameters: PARAMS,
    rtol: 1e-10,
    scaledAtol: 1e-13,
  });
  const x0 = Float64Array.from(prob.parameters, (p) => toInternal(p, p.initial));
  const ev = await prob.evaluate(x0, true);
  assert.ok(ev.ok, ev.message);
  const h = 1e-2;
  for (let i = 0; i < x0.length; i++) {
    const xp = Float64Array.from(x0);
    const xm = Float64Array.from(x0);
    xp[i]! += h;
    xm[i]! -= h;
    const [ep, em] = [await fd.evaluate(xp, false), await fd.evaluate(xm, false)];
    const J = ev.jacobian![0]![i]!;
    let scale = 0;
    for (const v of J) scale = Math.max(scale, Math.abs(v));
    assert.ok(scale > 1e-4, `parameter ${i} moves the voltage`);
    for (let k = 1; k < J.length; k++) {
      const want = (ep.model[0]![k]! - em.model[0]![k]!) / (2 * h);
      assert.ok(
        Math.abs(J[k]! - want) < 0.002 * scale,
        `∂V/∂x${i} at ${prob.blocks[0]!.x[k]} s: ${J[k]} vs FD ${want}`,
      );
    }
  }
});

test('liquid fit: known SPMe parameters are recovered from synthetic noisy voltages, within their 95 % intervals', async () => {
  // data made by the model at known parameters, plus 2 mV Gaussian noise
  const truth = [8e-14, 2e-6, 0.43];
  const RECOVER = [PARAMS[0]!, PARAMS[1]!, { name: 'positive.sto_min', lower: 0.38, upper: 0.46 }];
  const gen = liquidFitProblem({ doc, model: 'spme', profiles: [{ name: '1C', data: oneC }], parameters: RECOVER });
  const made = await gen.evaluate(
    Float64Array.from(gen.parameters, (p, i) => toInternal(p, truth[i]!)),
    false,
  );
  assert.ok(made.ok, 'made.ok');
  const rng = new Rng(21);
  const synthetic: ProfileData = { ...oneC, U_V: Float64Array.from(made.model[0]!, (v) => v + 0.002 * rng.normal()) };
  const prob = liquidFitProblem({
    doc,
    model: 'spme',
    profiles: [{ name: 'synthetic 1C', data: synthetic, stride: 5 }],
    parameters: RECOVER,
  });
  const x0 = Float64Array.from(prob.parameters, (p) => toInternal(p, p.initial));
  const r = await levenbergMarquardt(prob, x0, { maxIterations: 25 });
  assert.ok(r.converged, r.message);
  const fa = fisherAnalysis(prob, r.x, r.evaluation);
  fa.estimates.forEach((e, i) => {
    assert.ok(e.identifiable, `${e.name}: ${e.reason}`);
    assert.ok(e.ci95![0] <= truth[i]! && truth[i]! <= e.ci95![1], `${e.name}: ${truth[i]} in ${e.ci95}`);
  });
  // on a constant-current segment the negative kinetics and the electrolyte conductivity act alike (both
  // an overpotential ∝ I): the pair is flagged as not identifiable instead of getting intervals
  const pair = liquidFitProblem({
    doc,
    model: 'spme',
    profiles: [{ name: 'synthetic 1C', data: synthetic, stride: 5 }],
    parameters: PARAMS,
  });
  const xp = Float64Array.from(pair.parameters, (p) => toInternal(p, p.initial));
  const fp = fisherAnalysis(pair, xp, await pair.evaluate(xp, true));
  assert.ok(
    fp.correlatedPairs.some(
      (q) => [q.a, q.b].sort().join() === 'electrolyte.conductivity,negative.rate_constant' && Math.abs(q.r) > 0.95,
    ),
    JSON.stringify(fp.correlatedPairs),
  );
  assert.equal(fp.estimates[1]!.ci95, null);
});

test('liquid fit: bad bounds and unknown parameters are errors naming params.<i>', () => {
  const mk = (p: { name: string; lower: number; upper: number; log?: boolean }) => () =>
    liquidFitProblem({ doc, profiles: [{ name: '1C', data: oneC }], parameters: [p] });
  const msg = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof ProblemError, 'e instanceof ProblemError');
      return e.message;
    }
    return assert.fail('no error');
  };
  assert.match(msg(mk({ name: 'negative.diffusivity', lower: 2, upper: 1 })), /params\.0: invalid bounds/);
  assert.match(
    msg(mk({ name: 'negative.diffusivity', lower: 0, upper: 1, log: true })),
    /params\.0\.lower: invalid bounds/,
  );
  assert.match(msg(mk({ name: 'negative.bogus', lower: 0, upper: 1 })), /params\.0\.name: not a field of the BPX file/);
});
