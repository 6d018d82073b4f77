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
import { getMaterial } from '../../src/materials/library.ts';
import { MOLAR_MASS_AL, MOLAR_MASS_LI, mechanicalProperties } from '../../src/materials/mechanics.ts';
import { parseRecipeText } from '../../src/recipe/index.ts';

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
