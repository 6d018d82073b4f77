/**
 * The material data files against each other (review of session 8, data suspects): a value computed from
 * other values of the data files (a mixture, a composite, a compound) agrees with what those values give,
 * and a property stored in two files has one value. None of these compares a model with its own formula:
 * each pits one data record against the records it must be consistent with, so a change to either side
 * that breaks the physics fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { getMaterial } from '../../src/materials/library.ts';
import {
  MOLAR_MASS_AL,
  MOLAR_MASS_LI,
  mechanicalProperties,
  type MechanicalId,
} from '../../src/materials/mechanics.ts';
import { arrhenius, liAlData } from '../../src/materials/li-al.ts';
import { REFERENCE_TEMPERATURE_K } from '../../src/materials/constants.ts';
import { parseRecipeText } from '../../src/recipe/index.ts';
import { parseProduction } from '../../src/process/production/config.ts';
import { tensionReport } from '../../src/process/production/web.ts';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** the patent-line example's cathode composite: constituent library ids and their volume fractions (dense) */
function exampleComposite(): { id: string; phi: number }[] {
  const text = readFileSync(new URL('../../examples/patent-line.yaml', import.meta.url), 'utf8');
  const r = parseRecipeText(text);
  assert.ok(r.ok, 'the example parses');
  const c = r.recipe.first_sheet.cathode;
  const w = c.composition_wt_pct;
  const parts = [
    { id: c.active_material, w: w.active },
    { id: c.electrolyte, w: w.electrolyte },
    { id: c.conductive_additive, w: w.conductive },
    { id: c.binder, w: w.binder },
  ].filter((p): p is { id: string; w: number } => p.id !== undefined && p.w > 0);
  const vol = parts.map((p) => ({ id: p.id, v: p.w / getMaterial(p.id).density.value }));
  const total = vol.reduce((s, p) => s + p.v, 0);
  return vol.map((p) => ({ id: p.id, phi: p.v / total }));
}

test("the cathode composite's dense density is the rule of mixtures of the example's constituents (library densities)", () => {
  const parts = exampleComposite();
  assert.ok(parts.length >= 3, 'active material, electrolyte and at least one more constituent');
  const mix = parts.reduce((s, p) => s + p.phi * getMaterial(p.id).density.value, 0);
  const rho = mechanicalProperties('cathode-composite').density.value;
  assert.ok(rel(rho, mix) < 5e-4, `cathode-composite density ${rho} kg/m³ vs Σφρ = ${mix.toFixed(1)} kg/m³`);
});

test("the cathode composite's dense Young's modulus lies between the Reuss and Voigt bounds of its constituents", () => {
  const parts = exampleComposite();
  const E = (id: string): number => {
    const e = getMaterial(id).youngsModulus;
    assert.ok(e, `${id} has a Young's modulus in library.json`);
    return e.value;
  };
  const voigt = parts.reduce((s, p) => s + p.phi * E(p.id), 0);
  const reuss = 1 / parts.reduce((s, p) => s + p.phi / E(p.id), 0);
  const m = mechanicalProperties('cathode-composite').youngsModulus;
  assert.ok(reuss <= m.value && m.value <= voigt, `E ${m.value / 1e9} GPa in [${reuss / 1e9}, ${voigt / 1e9}] GPa`);
  // the stated plausible range stays inside the bounds: no arrangement of these dense phases is softer or stiffer
  assert.ok(m.range, 'the assumption carries its range');
  assert.ok(m.range[0] >= reuss * (1 - 0.01) && m.range[1] <= voigt * (1 + 0.01), `range ${m.range.join('–')} Pa`);
});

test('the Li–Al compounds’ specific heats are the Neumann–Kopp sum of Li and Al (as the Al–Li CALPHAD assessment has them)', () => {
  const cpLi = mechanicalProperties('Li').specificHeat.value;
  const cpAl = mechanicalProperties('Al-O').specificHeat.value;
  const mLi = MOLAR_MASS_LI.value;
  const mAl = MOLAR_MASS_AL.value;
  for (const [id, nLi, nAl] of [
    ['LiAl', 1, 1],
    ['Li3Al2', 3, 2],
    ['Li9Al4', 9, 4],
  ] as const) {
    const nk = (nLi * mLi * cpLi + nAl * mAl * cpAl) / (nLi * mLi + nAl * mAl);
    const cp = mechanicalProperties(id).specificHeat.value;
    assert.ok(rel(cp, nk) < 5e-3, `${id}: ${cp} J/(kg K) vs Neumann–Kopp ${nk.toFixed(0)} J/(kg K)`);
  }
});

const rawJson = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(`../../data/materials/${name}`, import.meta.url), 'utf8')) as Record<string, any>;
/** library.json materials that mechanics.json also holds (the same material, or its class for the electrolytes) */
const SAME_MATERIAL: Record<string, MechanicalId> = {
  Li: 'Li',
  Al: 'Al-O',
  'alpha-Al': 'Al-O',
  Cu: 'Cu',
  Ni: 'Ni',
  SS: 'SS',
  LiAl: 'LiAl',
  Li3Al2: 'Li3Al2',
  Li9Al4: 'Li9Al4',
  Li6PS5Cl: 'sulfide-SE',
  LLZO: 'oxide-SE',
  Li3InCl6: 'halide-SE',
  'PEO-LiTFSI': 'polymer-SE',
};

test("an elastic modulus or a foil's yield lives in one data file: library.json names mechanics.json's record, li-al.json holds no modulus", () => {
  const lib = Object.fromEntries((rawJson('library.json')['materials'] as any[]).map((m) => [m.id as string, m]));
  for (const [id, mech] of Object.entries(SAME_MATERIAL)) {
    assert.deepEqual(lib[id].youngsModulus, { same_as: `mechanics.json#${mech}.youngsModulus` }, `library ${id}`);
    const loaded = getMaterial(id).youngsModulus!;
    const held = mechanicalProperties(mech).youngsModulus;
    assert.equal(loaded.value, held.value, `${id}: the loaded modulus is mechanics.json's`);
    assert.equal(loaded.unit, held.unit);
    assert.ok(loaded.source.startsWith(held.source), `${id} keeps the record's source`);
  }
  // the foils' yield stress: their flow law's initial yield (Hollomon) or reference flow stress (Li, creep)
  for (const [id, ref] of [
    ['Li', 'Li.flowLaw.sigmaRef'],
    ['Al', 'Al-O.flowLaw.yieldStress'],
    ['Cu', 'Cu.flowLaw.yieldStress'],
    ['Ni', 'Ni.flowLaw.yieldStress'],
    ['SS', 'SS.flowLaw.yieldStress'],
  ] as const)
    assert.deepEqual(lib[id].yieldStress, { same_as: `mechanics.json#${ref}` }, `library ${id} yield`);
  // no Young's modulus or fracture toughness anywhere in li-al.json (mechanics.json holds the Li–Al phases' and Li's)
  const keys: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (k === 'youngsModulus' || k === 'fractureToughness') keys.push(`${path}.${k}`);
        walk(x, `${path}.${k}`);
      }
  };
  walk(rawJson('li-al.json')['phases'], 'phases');
  assert.deepEqual(keys, []);
});

test('a property still stored in two data files has one value there (density, melting point, Poisson ratio, heat capacity)', () => {
  for (const [id, mech] of Object.entries(SAME_MATERIAL)) {
    const a = getMaterial(id) as unknown as Record<string, { value: number } | undefined>;
    const b = mechanicalProperties(mech) as unknown as Record<string, { value: number } | undefined>;
    for (const k of ['density', 'meltingPoint']) {
      if (a[k] && b[k]) assert.equal(a[k].value, b[k].value, `library ${id}.${k} vs mechanics ${mech}.${k}`);
    }
  }
  const phases = liAlData().phases as unknown as Record<string, Record<string, unknown>>;
  const LI_AL: Record<string, MechanicalId> = {
    alpha: 'Al-O',
    beta: 'LiAl',
    Li3Al2: 'Li3Al2',
    Li9Al4: 'Li9Al4',
    Li: 'Li',
  };
  let compared = 0;
  for (const [ph, mech] of Object.entries(LI_AL)) {
    const p = phases[ph]!;
    const own = { ...(p['mechanics'] as Record<string, unknown> | undefined), ...p } as Record<string, unknown>;
    const m = mechanicalProperties(mech) as unknown as Record<string, { value: number } | undefined>;
    for (const k of ['density', 'meltingPoint', 'poissonRatio', 'specificHeat', 'youngsModulus']) {
      const x = own[k] as { value: number } | undefined;
      if (x && m[k]) {
        compared++;
        assert.ok(
          rel(x.value, m[k].value) < 1e-9,
          `li-al.json ${ph}.${k} ${x.value} vs mechanics ${mech}.${k} ${m[k].value}`,
        );
      }
    }
  }
  assert.ok(compared >= 6, `${compared} shared properties compared`);
});

test('the β-LiAl Li diffusivity at 25 °C has one value: li-al.json, which the ageing data quote and the library no longer repeats', () => {
  const dBeta = arrhenius(liAlData().phases.beta.diffusion, REFERENCE_TEMPERATURE_K);
  for (const id of ['LiAl', 'alpha-Al', 'Li3Al2', 'Li9Al4'])
    assert.equal(getMaterial(id).liDiffusivity, undefined, `library ${id} holds no Li diffusivity of its own`);
  // data/ageing/anodes.json quotes it rounded to two figures
  const anodes = JSON.parse(readFileSync(new URL('../../data/ageing/anodes.json', import.meta.url), 'utf8')) as Record<
    string,
    any
  >;
  const quoted = anodes['anodes']['li-al'];
  assert.ok(
    rel(quoted.li_diffusivity_m2_s.value, dBeta) < 0.03,
    `ageing ${quoted.li_diffusivity_m2_s.value} vs ${dBeta}`,
  );
});

test('a library property naming a record mechanics.json does not hold is refused with a Problem naming the field', () => {
  const lib = new URL('../../src/materials/library.ts', import.meta.url).href;
  const script = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const orig = fs.readFileSync;
    fs.readFileSync = (p, ...a) => {
      const t = orig(p, ...a);
      return /materials[\\/\\\\]library\\.json$/.test(String(p)) ? String(t).replace('mechanics.json#Cu.', 'mechanics.json#Cuu.') : t;
    };
    syncBuiltinESMExports();
    const l = await import(${JSON.stringify(lib)});
    try { l.getMaterial('Cu'); console.log('loaded'); } catch (e) { console.log(e.name + ': ' + e.message); }`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout.trim().split('\n').pop()!,
    /^ProblemError: data\/materials\/library\.json: materials\.\d+\.youngsModulus\.same_as: names no property of data\/materials\/mechanics\.json.*Cuu/,
  );
});

test('a foil has one yield stress: the web-tension check carries the roll gap’s initial yield (each Al temper, Ni, SS, Cu, Li)', () => {
  const text = readFileSync(new URL('../../examples/patent-line.yaml', import.meta.url), 'utf8');
  const base = parseRecipeText(text);
  assert.ok(base.ok, 'base.ok');
  const P = parseProduction(undefined);
  const initialYield = (id: MechanicalId): number => {
    const fl = mechanicalProperties(id).flowLaw;
    return fl.kind === 'hollomon' ? fl.yieldStress.value : fl.kind === 'creep' ? fl.sigmaRef.value : NaN;
  };
  for (const [temper, id] of [
    ['O', 'Al-O'],
    ['H14', 'Al-H14'],
    ['H18', 'Al-H18'],
  ] as const) {
    for (const [cond, cid] of [
      ['Cu', 'Cu'],
      ['Ni', 'Ni'],
      ['SS', 'SS'],
    ] as const) {
      const r = structuredClone(base.recipe);
      if (r.al_sheet.form !== 'foil') assert.fail('the example has an Al foil');
      r.al_sheet.temper = temper;
      r.third_sheet.conductive_layer.material = cond;
      const spans = tensionReport(r, P).spans;
      const yieldOf = (layer: string): number | undefined =>
        spans.flatMap((s) => s.carriers).find((c) => c.layer === layer)?.yield_Pa;
      assert.equal(yieldOf('Al foil'), initialYield(id), `Al ${temper}`);
      assert.equal(yieldOf(cond), initialYield(cid), cond);
      assert.equal(yieldOf('Li layer'), initialYield('Li'), 'Li');
    }
  }
});
