import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateStations } from '../../src/process/stations.ts';
import { crackRisk, laminate } from '../../src/process/cracking.ts';
import { equilibriumPhases } from '../../src/process/alloying.ts';
import { patentExample } from './fixtures.ts';

test('patent-like example: sandwiched Li–Al cracks less than free-standing, and the model says why', () => {
  const r = simulateStations(patentExample());
  const { sandwiched: s, free_standing: f } = r.crack;
  assert.ok(s.risk < f.risk, `${s.risk} < ${f.risk}`);
  // why: (1) the bonded Cu and electrolyte composite hold the growing alloy in compression, the free bilayer bends
  // and puts the alloy's outer face in tension; (2) tunnel crack Z = π/4 vs an uncapped through crack
  assert.ok(s.sigma_max_Pa < f.sigma_max_Pa);
  assert.ok(f.sigma_max_Pa > 0);
  assert.equal(s.mode, 'tunnel');
  assert.equal(f.mode, 'through_crack');
  assert.ok(s.Z < f.Z);
  assert.equal(s.isolated_fraction, 0);
});

test("laminate solver reproduces Timoshenko's bimetal: equal layers, eigenstrain e in the top one", () => {
  const e = 0.01;
  const t = 10e-6;
  const E = 100e9;
  const r = laminate(
    [
      { E, t, e: 0 },
      { E, t, e },
    ],
    0,
    undefined,
  );
  // ε₀ at z = 0 (bottom face) and κ: stresses +e/4·E at the top face, −e/2·E in the top layer at the interface
  const sTop = E * (r.e0 + r.k * 2 * t - e);
  const sIfTop = E * (r.e0 + r.k * t - e);
  const sIfBot = E * (r.e0 + r.k * t);
  assert.ok(Math.abs(sTop - (E * e) / 4) < 1e-6 * E * e);
  assert.ok(Math.abs(sIfTop + (E * e) / 2) < 1e-6 * E * e);
  assert.ok(Math.abs(sIfBot - (E * e) / 2) < 1e-6 * E * e);
  assert.ok(Math.abs(r.k - (3 * e) / (4 * t)) < 1e-9 * (e / t));
});

test('the same web tension loads a free-standing film far more than the laminate that shares it', () => {
  const N = 2000;
  const h = 19.46e-6;
  const Ea = 93e9;
  const free = laminate([{ E: Ea, t: h, e: 0 }], N, undefined);
  // ε₀ is the strain at z = 0 (bottom face); at mid-thickness the free film carries σ = N/h exactly
  assert.ok(Math.abs(Ea * (free.e0 + (free.k * h) / 2) - N / h) < 1e-9 * (N / h));
  const sand = laminate(
    [
      { E: 74e9, t: 10e-6, e: 0 },
      { E: Ea, t: h, e: 0 },
      { E: 31e9, t: 30e-6, e: 0 },
      { E: 40e9, t: 60e-6, e: 0 },
    ],
    N,
    0,
  );
  assert.ok(Ea * sand.e0 < 0.5 * (N / h));
  // and the free-standing driving force never falls when the web tension rises
  const end = equilibriumPhases(1, 1);
  let prev = -1;
  for (const T of [0, 100, 500, 2000]) {
    const c = crackRisk({
      above: [{ material: 'Cu', thickness_m: 10e-6 }],
      below: [{ material: 'sulfide-SE', thickness_m: 30e-6 }],
      nAl_mol_m2: 1,
      end,
      extent: 1,
      T_form_K: 298.15,
      webTension_N_per_m: T,
      coreRadius_m: 1,
      stackPressure_Pa: 0,
    });
    assert.ok(c.free_standing.G_J_m2 >= prev);
    prev = c.free_standing.G_J_m2;
  }
});

test('crack risk is in [0, 1] and a hotter formation temperature (more cooling mismatch) never lowers the sandwich driving force', () => {
  const end = equilibriumPhases(1, 1);
  let prev = -1;
  for (const T of [300, 350, 400, 450]) {
    const c = crackRisk({
      above: [{ material: 'Cu', thickness_m: 10e-6 }],
      below: [
        { material: 'sulfide-SE', thickness_m: 30e-6 },
        { material: 'cathode-composite', thickness_m: 60e-6, porosity: 0.2 },
      ],
      nAl_mol_m2: 1,
      end,
      extent: 1,
      T_form_K: T,
      webTension_N_per_m: 100,
      coreRadius_m: 0.0381,
      stackPressure_Pa: 0,
    });
    for (const x of [c.sandwiched, c.free_standing]) assert.ok(x.risk >= 0 && x.risk <= 1);
    assert.ok(c.sandwiched.G_J_m2 >= prev - 1e-15);
    prev = c.sandwiched.G_J_m2;
  }
});
