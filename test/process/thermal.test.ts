/**
 * The lumped enthalpy step with Li melting (src/process/thermal.ts enthalpyStep): with no exchange (τ = ∞)
 * the web's enthalpy C_A·T + L·n_liquid rises by exactly the step's source, whether the step melts Li,
 * freezes it, or alloys Li that was molten (the free Li falls below the liquid: that liquid's latent heat
 * is released, since the formation enthalpy passed in is the one from solid Li).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enthalpyStep, LI_LATENT_HEAT_J_MOL, LI_MELTING_K } from '../../src/process/thermal.ts';

const C_A = 120; // J m⁻² K⁻¹, a ≈ 60 µm web
const L = LI_LATENT_HEAT_J_MOL;
const H = (T: number, nLiq: number): number => C_A * T + L * nLiq;

test('enthalpyStep conserves C_A·T + L·n_liquid with no exchange: melting, freezing, alloyed liquid', () => {
  const cases = [
    // heating across the melting point with free Li: part melts, T held at the melting point
    { T: LI_MELTING_K - 1, nLiq: 0, dQ: 300, nFree: 1e-3 },
    // cooling below it: the liquid freezes back
    { T: LI_MELTING_K + 0.1, nLiq: 5e-4, dQ: -400, nFree: 1e-3 },
    // alloying consumed molten Li (free 2e-4 < liquid 6e-4): its latent heat goes to the web
    { T: LI_MELTING_K, nLiq: 6e-4, dQ: 50, nFree: 2e-4 },
    // all the free Li alloyed, well above the melting point
    { T: 470, nLiq: 3e-4, dQ: 20, nFree: 0 },
  ];
  for (const c of cases) {
    const r = enthalpyStep(c.T, c.nLiq, c.dQ, 1e-3, C_A, Infinity, 300, c.nFree);
    assert.ok(r.nLiquid >= 0 && r.nLiquid <= c.nFree + 1e-18, `liquid within the free Li: ${JSON.stringify(c)}`);
    const err = H(r.T, r.nLiquid) - (H(c.T, c.nLiq) + c.dQ);
    assert.ok(Math.abs(err) < 1e-9 * Math.abs(H(c.T, c.nLiq)), `enthalpy error ${err} J/m² for ${JSON.stringify(c)}`);
  }
});

test('molten Li that alloys heats the web by its latent heat (L per mol, over C_A)', () => {
  const T0 = 500;
  const consumed = 4e-4;
  const r = enthalpyStep(T0, consumed, 0, 1e-3, C_A, Infinity, 300, 0);
  assert.equal(r.nLiquid, 0);
  assert.ok(Math.abs(r.T - (T0 + (consumed * L) / C_A)) < 1e-9, `T ${r.T} K`);
});
