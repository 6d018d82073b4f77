import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateStations } from '../../src/process/stations.ts';
import { crackRisk, crackToughness, laminate } from '../../src/process/cracking.ts';
import { betaLimitedPhases, equilibriumPhases, phaseVolumes } from '../../src/process/alloying.ts';
import { mechanicalProperties } from '../../src/materials/mechanics.ts';
import type { CrackInput } from '../../src/process/cracking.ts';

const base = (o: Partial<CrackInput> = {}): CrackInput => ({
  above: [{ material: 'Cu', thickness_m: 10e-6 }],
  below: [
    { material: 'sulfide-SE', thickness_m: 30e-6 },
    { material: 'cathode-composite', thickness_m: 60e-6, porosity: 0.2 },
  ],
  nAl_mol_m2: 1,
  end: betaLimitedPhases(1, 1),
  extent: 1,
  T_form_K: 298.15,
  formationTime_s: 3600,
  webTension_N_per_m: 100,
  coreRadius_m: 0.0381,
  stackPressure_Pa: 0,
  cycleLi_mol_m2: 0,
  halfCycle_s: 36000,
  ...o,
});
import { patentExample } from './fixtures.ts';

test('patent-like example: sandwiched Li–Al cracks less than free-standing, and the model says why', () => {
  const r = simulateStations(patentExample());
  const { sandwiched: s, free_standing: f } = r.crack;
  assert.ok(s.ratio < f.ratio, `${s.ratio} < ${f.ratio}`);
  // why: the free bilayer bends while the alloy grows and puts its face in tension; the bonded alloy is held
  // in compression while it forms but is pulled in tension when it gives Li back on the first cycles — its
  // worst case. It still cracks less because a crack bounded on both faces (tunnel, Z = π/4) releases a
  // quarter of what a through crack from the same flaws does in a free sheet (Z = π)
  assert.equal(s.critical, 'cycling');
  assert.equal(f.critical, 'formation');
  assert.ok(f.sigma_max_Pa > 0, 'f.sigma_max_Pa > 0');
  assert.equal(s.mode, 'tunnel');
  assert.equal(f.mode, 'through_crack');
  assert.ok(s.Z < f.Z, 's.Z < f.Z');
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
  assert.ok(Math.abs(sTop - (E * e) / 4) < 1e-6 * E * e, 'Math.abs(sTop - (E * e) / 4) < 1e-6 * E * e');
  assert.ok(Math.abs(sIfTop + (E * e) / 2) < 1e-6 * E * e, 'Math.abs(sIfTop + (E * e) / 2) < 1e-6 * E * e');
  assert.ok(Math.abs(sIfBot - (E * e) / 2) < 1e-6 * E * e, 'Math.abs(sIfBot - (E * e) / 2) < 1e-6 * E * e');
  assert.ok(Math.abs(r.k - (3 * e) / (4 * t)) < 1e-9 * (e / t), 'Math.abs(r.k - (3 * e) / (4 * t)) < 1e-9 * (e / t)');
});

test('the same web tension loads a free-standing film far more than the laminate that shares it', () => {
  const N = 2000;
  const h = 19.46e-6;
  const Ea = 93e9;
  const free = laminate([{ E: Ea, t: h, e: 0 }], N, undefined);
  // ε₀ is the strain at z = 0 (bottom face); at mid-thickness the free film carries σ = N/h exactly
  assert.ok(
    Math.abs(Ea * (free.e0 + (free.k * h) / 2) - N / h) < 1e-9 * (N / h),
    'Math.abs(Ea * (free.e0 + (free.k * h) / 2) - N / h) < 1e-9 * (N / h)',
  );
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
  assert.ok(Ea * sand.e0 < 0.5 * (N / h), 'Ea * sand.e0 < 0.5 * (N / h)');
  // and the free-standing driving force never falls when the web tension rises
  let prev = -1;
  for (const T of [0, 100, 500, 2000]) {
    const c = crackRisk(
      base({ webTension_N_per_m: T, coreRadius_m: 1, below: [{ material: 'sulfide-SE', thickness_m: 30e-6 }] }),
    );
    assert.ok(c.free_standing.G_J_m2 >= prev, 'c.free_standing.G_J_m2 >= prev');
    prev = c.free_standing.G_J_m2;
  }
});

test('crack risk is in [0, 1] and a hotter formation temperature (more cooling mismatch) never lowers the sandwich driving force', () => {
  let prev = -1;
  for (const T of [300, 350, 400, 450]) {
    const c = crackRisk(base({ T_form_K: T }));
    for (const x of [c.sandwiched, c.free_standing])
      assert.ok(
        x.risk >= 0 && x.risk <= 1 && x.ratio >= x.risk - 1e-15,
        'x.risk >= 0 && x.risk <= 1 && x.ratio >= x.risk - 1e-15',
      );
    assert.ok(c.sandwiched.G_J_m2 >= prev - 1e-15, 'c.sandwiched.G_J_m2 >= prev - 1e-15');
    prev = c.sandwiched.G_J_m2;
  }
});

test('like with like: the same stress in the same layer gives the free-standing through crack 4× the tunnel-crack G (same flaws a₀ = h)', () => {
  // pure web tension on a single alloy layer (no growth, no cooling): both configurations see N/h in the alloy
  const c = crackRisk(
    base({ above: [], below: [], growthInPlaneFraction: 0, webTension_N_per_m: 500, coreRadius_m: 1e9 }),
  );
  assert.ok(
    Math.abs(c.free_standing.G_J_m2 / c.sandwiched.G_J_m2 - 4) < 1e-9,
    'Math.abs(c.free_standing.G_J_m2 / c.sandwiched.G_J_m2 - 4) < 1e-9',
  );
});

test('growth stress relaxes by creep: forming slowly gives a lower growth stress than forming fast (no clamp)', () => {
  const slow = crackRisk(base({ growthInPlaneFraction: 0.5, formationTime_s: 1e6 }));
  const fast = crackRisk(base({ growthInPlaneFraction: 0.5, formationTime_s: 1 }));
  assert.ok(
    fast.free_standing.G_J_m2 > slow.free_standing.G_J_m2,
    'fast.free_standing.G_J_m2 > slow.free_standing.G_J_m2',
  );
  // and the creep strength moves it continuously (no saturation at a strength value)
  const a = crackRisk(base({ growthInPlaneFraction: 0.5, creepStrength_Pa: 10e6 })).free_standing.G_J_m2;
  const b = crackRisk(base({ growthInPlaneFraction: 0.5, creepStrength_Pa: 20e6 })).free_standing.G_J_m2;
  const c2 = crackRisk(base({ growthInPlaneFraction: 0.5, creepStrength_Pa: 40e6 })).free_standing.G_J_m2;
  assert.ok(a < b && b < c2, `${a} ${b} ${c2}`);
});

test('the first cycles: delithiation of a bonded alloy with Al left puts it in tension (sandwiched), evaluated with formation', () => {
  const noCycle = crackRisk(base({ end: betaLimitedPhases(0.5, 1), extent: 0.5 }));
  const cycle = crackRisk(base({ end: betaLimitedPhases(0.5, 1), extent: 0.5, cycleLi_mol_m2: 0.3 }));
  assert.equal(noCycle.sandwiched.cyclingRatio, 0);
  assert.ok(cycle.sandwiched.cyclingRatio > 0, 'cycle.sandwiched.cyclingRatio > 0');
  assert.ok(cycle.sandwiched.ratio >= noCycle.sandwiched.ratio, 'cycle.sandwiched.ratio >= noCycle.sandwiched.ratio');
});

test('claim 2 sensitivity: the verdict (sandwiched < free-standing) is scanned over each assumption range and can flip', async () => {
  const { verdictOverRange } = await import('../../src/process/assumptions.ts');
  // a synthetic verdict that flips at 0.4 inside 0–1: the scan finds it
  const d = verdictOverRange(
    { id: 'x', label: 'x', unit: '1', value: 0.1, range: [0, 1], scale: 'linear', source: 'test' },
    (v) => v < 0.4,
  );
  assert.equal(d.flips, true);
  assert.ok(Math.abs(d.flipsAt! - 0.4) < 1e-6, 'Math.abs(d.flipsAt! - 0.4) < 1e-6');
  assert.equal(d.atDefault, true);
  assert.equal(d.atHigh, false);
  // the patent example's evidence scans f_ip, K_Ic and the creep strength
  const { readFileSync } = await import('node:fs');
  const { parseRecipeText } = await import('../../src/recipe/index.ts');
  const { processInputFromRecipe } = await import('../../src/process/from-recipe.ts');
  const { withJobEvidence } = await import('../../src/process/stations.ts');
  const p = parseRecipeText(readFileSync(new URL('../../examples/patent-line.yaml', import.meta.url), 'utf8'));
  assert.ok(p.ok, 'p.ok');
  const inp = processInputFromRecipe(p.recipe);
  const ev = withJobEvidence(inp, simulateStations(inp)).evidence!;
  assert.deepEqual(
    ev.claim2DependsOn.map((x) => x.assumption.id),
    ['growthInPlaneFraction', 'liAlFractureToughness', 'creepStrength'],
  );
  for (const x of ev.claim2DependsOn) assert.equal(x.atDefault, true);
});

// ── analytic cases and limits of the crack mechanics ────────────────────────────────────────────────────────

const quiet = (o: Partial<CrackInput> = {}): CrackInput =>
  base({
    growthInPlaneFraction: 0,
    T_form_K: 298.15,
    webTension_N_per_m: 0,
    coreRadius_m: 1e12,
    stackPressure_Pa: 0,
    cycleLi_mol_m2: 0,
    ...o,
  });

test('no load at all (no growth strain, formed at 25 °C, no tension, flat, no cycling): no driving force in either configuration', () => {
  const c = crackRisk(quiet());
  for (const x of [c.sandwiched, c.free_standing]) {
    assert.ok(Math.abs(x.G_J_m2) < 1e-18, `${x.G_J_m2}`);
    assert.ok(x.risk < 1e-15, 'x.risk < 1e-15');
    assert.equal(x.crack_spacing_m, null);
    assert.equal(x.crack_density_per_m, 0);
  }
});

test("Timoshenko's bimetal with unequal layers: curvature κ = 6Δε(1+m)²/(h[3(1+m)² + (1+mn)(m² + 1/(mn))])", () => {
  for (const [t1, t2, E1, E2] of [
    [10e-6, 20e-6, 70e9, 120e9],
    [5e-6, 50e-6, 200e9, 20e9],
    [30e-6, 3e-6, 40e9, 93e9],
  ] as const) {
    const de = 2e-3;
    const r = laminate(
      [
        { E: E1, t: t1, e: 0 },
        { E: E2, t: t2, e: de },
      ],
      0,
      undefined,
    );
    const m = t1 / t2;
    const n = E1 / E2;
    const h = t1 + t2;
    const k = (6 * de * (1 + m) ** 2) / (h * (3 * (1 + m) ** 2 + (1 + m * n) * (m * m + 1 / (m * n))));
    assert.ok(Math.abs(r.k - k) < 1e-9 * k, `${r.k} vs ${k}`);
  }
});

test('thin alloy film on a thick substrate cooled by ΔT: σ = E/(1−ν)·(α_f − α_s)·ΔT (equibiaxial modulus, Stoney limit)', () => {
  // 0.05 mol/m² of Al → ≈ 1 µm of β-LiAl on 5 mm of Cu, formed at 125 °C and cooled to 25 °C
  const film = mechanicalProperties('LiAl');
  const cu = mechanicalProperties('Cu');
  const dT = -100;
  const c = crackRisk(
    quiet({
      above: [],
      below: [{ material: 'Cu', thickness_m: 5e-3 }],
      nAl_mol_m2: 0.05,
      end: betaLimitedPhases(0.05, 0.05),
      T_form_K: 398.15,
    }),
  );
  const E = film.youngsModulus.value;
  const nu = film.poissonRatio.value;
  const expected = (E / (1 - nu)) * (film.thermalExpansion.value - cu.thermalExpansion.value) * -dT;
  assert.ok(expected > 0, 'LiAl expands more than Cu: cooling puts the film in tension');
  assert.ok(
    Math.abs(c.sandwiched.sigma_max_Pa - expected) < 2e-3 * expected,
    `${c.sandwiched.sigma_max_Pa} vs ${expected}`,
  );
  // a uniaxial (E/(1−ν²)) or plain-E modulus would be 7–25 % off
  assert.ok(
    Math.abs(c.sandwiched.sigma_max_Pa - (expected * (1 - nu)) / (1 - nu * nu)) > 0.05 * expected,
    'Math.abs(c.sandwiched.sigma_max_Pa - (expected * (1 - nu)) / (1 - nu * nu)) > 0.05 * expe…',
  );
});

test('bending on the winding core: a free alloy sheet of thickness h carries ±E/(1−ν²)·h/(2R) at its faces (cylindrical bending of a wide web)', () => {
  // no Al left (nAl = 0 beyond the product): a single alloy ply
  const end = betaLimitedPhases(1, 1);
  const h = phaseVolumes(end)
    .filter((p) => p.phase !== 'Li' && p.phase !== 'Al')
    .reduce((s, p) => s + p.n_mol_m2 * p.Vm_m3_mol, 0);
  const R = 0.05;
  const c = crackRisk(quiet({ nAl_mol_m2: 0, end, coreRadius_m: R }));
  const p = mechanicalProperties('LiAl');
  const Eps = p.youngsModulus.value / (1 - p.poissonRatio.value ** 2);
  const expected = (Eps * h) / (2 * R);
  assert.ok(
    Math.abs(c.free_standing.sigma_max_Pa - expected) < 1e-9 * expected,
    'Math.abs(c.free_standing.sigma_max_Pa - expected) < 1e-9 * expected',
  );
  // and a through crack of half-length h in a sheet: G = π σ² h / E′, against Γ = K_Ic²/E′
  const K = p.fractureToughness!.value;
  assert.ok(
    Math.abs(c.free_standing.ratio - (Math.PI * expected ** 2 * h) / K ** 2) < 1e-9 * c.free_standing.ratio,
    'Math.abs(c.free_standing.ratio - (Math.PI * expected ** 2 * h) / K ** 2) < 1e-9 * c.free_…',
  );
});

test('Norton creep (n = 4): when creep limits the growth stress, forming 16× slower halves the stress and quarters G', () => {
  const slowCreep = (t: number): CrackInput =>
    quiet({ growthInPlaneFraction: 0.5, creepStrength_Pa: 1e4, formationTime_s: t });
  const a = crackRisk(slowCreep(100)).free_standing;
  const b = crackRisk(slowCreep(1600)).free_standing;
  assert.ok(a.G_J_m2 > 0, 'a.G_J_m2 > 0');
  assert.ok(Math.abs(a.sigma_max_Pa / b.sigma_max_Pa - 2) < 1e-3, `${a.sigma_max_Pa / b.sigma_max_Pa}`);
  assert.ok(Math.abs(a.G_J_m2 / b.G_J_m2 - 4) < 2e-3, `${a.G_J_m2 / b.G_J_m2}`);
  // the elastic limit: a creep strength far above the elastic stress no longer matters
  const e1 = crackRisk(quiet({ growthInPlaneFraction: 0.5, creepStrength_Pa: 1e15 })).free_standing.G_J_m2;
  const e2 = crackRisk(quiet({ growthInPlaneFraction: 0.5, creepStrength_Pa: 1e17 })).free_standing.G_J_m2;
  assert.ok(e1 > 0 && Math.abs(e1 / e2 - 1) < 1e-4, `${e1} ${e2}`);
});

test('a fully converted free sheet with only its own growth strain is stress-free (uniform eigenstrain, free to expand)', () => {
  const end = betaLimitedPhases(1, 1);
  const c = crackRisk(quiet({ nAl_mol_m2: 0, end, growthInPlaneFraction: 1, creepStrength_Pa: 1e15 }));
  // (round-off only: the elastic growth stress scale E/(1−ν)·e is ~10 GPa here)
  assert.ok(Math.abs(c.free_standing.sigma_max_Pa) < 1e-3, `${c.free_standing.sigma_max_Pa}`);
  // bonded to the Cu and the electrolyte it is held: compressed while it forms, so still no tensile driving force
  assert.ok(c.sandwiched.sigma_max_Pa < 0, 'c.sandwiched.sigma_max_Pa < 0');
  assert.equal(c.sandwiched.G_J_m2, 0);
});

test('stack pressure and toughness: pressure never raises the sandwiched driving force and leaves the free sheet alone; G/Γ ∝ 1/K_Ic²', () => {
  const loaded = (o: Partial<CrackInput>): CrackInput =>
    base({ end: betaLimitedPhases(0.5, 1), extent: 0.5, cycleLi_mol_m2: 0.3, ...o });
  let prev = Infinity;
  const free0 = crackRisk(loaded({ stackPressure_Pa: 0 })).free_standing.G_J_m2;
  for (const p of [0, 1e6, 5e6, 20e6]) {
    const c = crackRisk(loaded({ stackPressure_Pa: p }));
    assert.ok(c.sandwiched.G_J_m2 <= prev + 1e-15, 'c.sandwiched.G_J_m2 <= prev + 1e-15');
    assert.equal(c.free_standing.G_J_m2, free0);
    prev = c.sandwiched.G_J_m2;
  }
  const k1 = crackRisk(loaded({ fractureToughness_Pa_m05: 0.5e6 }));
  const k2 = crackRisk(loaded({ fractureToughness_Pa_m05: 2e6 }));
  assert.equal(k1.sandwiched.G_J_m2, k2.sandwiched.G_J_m2);
  assert.ok(
    Math.abs(k1.sandwiched.ratio / k2.sandwiched.ratio - 16) < 1e-9,
    'Math.abs(k1.sandwiched.ratio / k2.sandwiched.ratio - 16) < 1e-9',
  );
});

test('crack spacing once G > Γ: fragments shrink as the driving force grows, and the bonded layer keeps contact (not isolated)', () => {
  const loaded = (K: number): CrackInput =>
    base({ end: betaLimitedPhases(0.5, 1), extent: 0.5, cycleLi_mol_m2: 0.3, fractureToughness_Pa_m05: K });
  const g = crackRisk(loaded(1e6)).sandwiched;
  assert.ok(g.G_J_m2 > 0, 'g.G_J_m2 > 0');
  // toughness values putting G/Γ at 1.01, 2, 10 and 100
  const K1 = 1e6 * Math.sqrt(g.ratio);
  let prevS = Infinity;
  for (const r of [1.01, 2, 10, 100]) {
    const s = crackRisk(loaded(K1 / Math.sqrt(r))).sandwiched;
    assert.ok(Math.abs(s.ratio - r) < 1e-9 * r, 'Math.abs(s.ratio - r) < 1e-9 * r');
    assert.equal(s.risk, 1);
    assert.ok(
      s.crack_spacing_m !== null && s.crack_spacing_m > 0 && s.crack_spacing_m < prevS,
      's.crack_spacing_m !== null && s.crack_spacing_m > 0 && s.crack_spacing_m < prevS',
    );
    assert.equal(s.isolated_fraction, 0);
    prevS = s.crack_spacing_m!;
  }
  // below Γ no cracks form
  assert.equal(crackRisk(loaded(K1 / Math.sqrt(0.99))).sandwiched.crack_spacing_m, null);
});

test('continuity: the driving ratios have no jumps over the in-plane growth share, the formation temperature and the web tension', () => {
  const scan = (f: (x: number) => CrackInput, xs: number[]): void => {
    const ys = xs.map((x) => {
      const c = crackRisk(f(x));
      return [c.sandwiched.ratio, c.free_standing.ratio] as const;
    });
    for (const k of [0, 1] as const)
      for (let i = 1; i + 2 < ys.length; i++) {
        const d = Math.abs(ys[i + 1]![k] - ys[i]![k]);
        const around = Math.max(Math.abs(ys[i]![k] - ys[i - 1]![k]), Math.abs(ys[i + 2]![k] - ys[i + 1]![k]));
        assert.ok(d <= 3 * around + 1e-12, `jump ${d} vs neighbours ${around} at ${xs[i]}`);
      }
  };
  const lin = (a: number, b: number, n: number): number[] =>
    Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
  scan(
    (x) => base({ growthInPlaneFraction: x, cycleLi_mol_m2: 0.3, end: betaLimitedPhases(0.5, 1), extent: 0.5 }),
    lin(0, 1, 81),
  );
  scan((x) => base({ T_form_K: x }), lin(290, 460, 86));
  scan((x) => base({ webTension_N_per_m: x }), lin(0, 3000, 61));
});

test('the toughness the claim 2 evidence reports as default is the one crackRisk uses (the product phase’s, here Li₃Al₂)', () => {
  const c = base({ end: equilibriumPhases(1.45, 1) }); // Li:Al 1.45: mostly Li₃Al₂
  const K = crackToughness(c);
  assert.equal(K, mechanicalProperties('Li3Al2').fractureToughness!.value);
  assert.notEqual(K, mechanicalProperties('LiAl').fractureToughness!.value);
  const byDefault = crackRisk(c);
  const stated = crackRisk({ ...c, fractureToughness_Pa_m05: K });
  assert.equal(byDefault.sandwiched.Gamma_J_m2, stated.sandwiched.Gamma_J_m2);
  assert.equal(byDefault.free_standing.ratio, stated.free_standing.ratio);
});

test('claim 2 evidence: the Li–Al toughness it reports and scans from is the product phase’s (it reported 1 MPa√m for every phase)', async () => {
  const { withJobEvidence } = await import('../../src/process/stations.ts');
  const inp = patentExample();
  const res = simulateStations(inp);
  const li3al2 = { ...res, crackInput: { ...res.crackInput, end: equilibriumPhases(1.45, 1) } };
  const dep = withJobEvidence(inp, li3al2).evidence!.claim2DependsOn.find(
    (x) => x.assumption.id === 'liAlFractureToughness',
  )!;
  assert.equal(dep.assumption.value, mechanicalProperties('Li3Al2').fractureToughness!.value);
});
