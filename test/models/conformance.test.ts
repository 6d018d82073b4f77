/**
 * One conformance suite over every cell model (PyBaMM's StandardModelTest; Kysely's one suite over all
 * dialects): the solid-state P2D, SPMe and SPM on the patent example's cell (ageing off) and the liquid
 * DFN, SPMe and SPM on the BPX pouch cell are driven through the CellModel interface by the cycler and
 * held to the same limits:
 * - rest keeps the open-circuit voltage and the Li inventory;
 * - charge is conserved: the charge passed is ∫I dt, Li is neither made nor lost, and the same charge
 *   put back returns the cell to its starting open-circuit voltage;
 * - a cut-off is located where the voltage crosses it;
 * - the C/20 capacity between the cut-offs stays within the stoichiometric window and fills most of it;
 * - at C/20 the models of one family agree on the capacity;
 * - the voltage responds monotonically to the current.
 * A new model is one more line in MODELS and gets every check.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSsbModel, type SsbModelKind } from '../../src/electrochem/ssb/index.ts';
import { defaultAgeing, patentExampleParams, withParams } from '../../src/electrochem/ssb/params.ts';
import { NO_MECHANISMS } from '../../src/electrochem/ssb/ageing.ts';
import { parseBpxText } from '../../src/electrochem/bpx.ts';
import { createLiquidModel, stoichiometricCapacity_C } from '../../src/electrochem/liquid/index.ts';
import { runExperiment } from '../../src/cycler/index.ts';
import type { FullCellModel } from '../../src/electrochem/model.ts';

const F = 96485.33212; // C mol⁻¹ (CODATA 2018, exact)
const SSB = withParams(patentExampleParams(), { ageing: { ...defaultAgeing(), mechanisms: NO_MECHANISMS } });
const BPX = parseBpxText(
  readFileSync(new URL('../electrochem-liquid/fixtures/nmc_pouch_cell_BPX.json', import.meta.url), 'utf8'),
);

interface ModelCase {
  name: string;
  family: 'solid-state' | 'liquid';
  build: () => FullCellModel;
  /** the stoichiometric window between the cut-offs at rest, C */
  window_C: number;
  cutoffs_V: { min: number; max: number };
}

const ssb = (kind: SsbModelKind): ModelCase => {
  const w = createSsbModel(kind, SSB).core.window;
  return {
    name: `solid-state ${kind}`,
    family: 'solid-state',
    build: () => createSsbModel(kind, SSB),
    window_C: (w.qHi - w.qLo) * F,
    cutoffs_V: { min: SSB.vMin_V, max: SSB.vMax_V },
  };
};
const liquid = (kind: 'dfn' | 'spme' | 'spm'): ModelCase => ({
  name: `liquid ${kind}`,
  family: 'liquid',
  build: () => createLiquidModel(BPX, { model: kind }),
  window_C: stoichiometricCapacity_C(BPX),
  cutoffs_V: { min: BPX.cell.lowerCutoff_V, max: BPX.cell.upperCutoff_V },
});

const MODELS: ModelCase[] = [ssb('p2d'), ssb('spme'), ssb('spm'), liquid('dfn'), liquid('spme'), liquid('spm')];
/** C/20 capacity agreement within a family, relative to its most detailed model (the first listed) */
const FAMILY_AGREEMENT = { 'solid-state': 5e-3, liquid: 5e-4 } as const;

const opts = { callAfterCycle: false, series: 'none' } as const;
const c20: Record<string, number> = {};

for (const mc of MODELS) {
  test(`${mc.name}: rest keeps the open-circuit voltage and the Li inventory`, () => {
    const m = mc.build();
    const y0 = m.initialState(0.5);
    const r = runExperiment(m, ['Rest for 1 hour'], { ...opts, initialSoc: 0.5 });
    assert.equal(r.status, 'completed', r.reason);
    const y = Float64Array.from(r.finalState);
    assert.equal(m.current(y), 0);
    assert.ok(Math.abs(m.voltage(y) - m.voltage(y0)) < 1e-9, `ΔV ${m.voltage(y) - m.voltage(y0)} V`);
    assert.ok(
      Math.abs(m.lithiumInventory_mol(y) / m.lithiumInventory_mol(y0) - 1) < 1e-12,
      'Math.abs(m.lithiumInventory_mol(y) / m.lithiumInventory_mol(y0) - 1) < 1e-12',
    );
  });

  test(`${mc.name}: charge is conserved (∫I dt = the charge passed; the same charge back returns the OCV)`, () => {
    const m = mc.build();
    const y0 = m.initialState(0.5);
    const I = m.nominalCapacity_C / 3600 / 5;
    const r = runExperiment(
      m,
      ['Discharge at C/5 for 30 minutes', 'Charge at C/5 for 30 minutes', 'Rest for 3 hours'],
      {
        ...opts,
        initialSoc: 0.5,
      },
    );
    assert.equal(r.status, 'completed', r.reason);
    const [dis, chg] = r.steps;
    assert.ok(
      Math.abs(dis!.discharge_C / (I * 1800) - 1) < 1e-9,
      `discharge ${dis!.discharge_C} C vs I·t ${I * 1800} C`,
    );
    assert.ok(Math.abs(chg!.charge_C / (I * 1800) - 1) < 1e-9, `charge ${chg!.charge_C} C vs I·t ${I * 1800} C`);
    assert.equal(dis!.charge_C + chg!.discharge_C, 0);
    const y = Float64Array.from(r.finalState);
    assert.ok(Math.abs(m.lithiumInventory_mol(y) / m.lithiumInventory_mol(y0) - 1) < 1e-12, 'no Li made or lost');
    // relaxed after 3 h: back at the starting OCV (a leak of 1e-6 of the charge moved would show as ≈ µV)
    assert.ok(Math.abs(m.voltage(y) - m.voltage(y0)) < 5e-6, `ΔOCV ${m.voltage(y) - m.voltage(y0)} V`);
  });

  test(`${mc.name}: C/20 discharge ends at the cut-off, within the stoichiometric window`, () => {
    const m = mc.build();
    const r = runExperiment(m, [`Discharge at C/20 until ${mc.cutoffs_V.min} V`], { ...opts, initialSoc: 1 });
    assert.equal(r.status, 'completed', r.reason);
    const s = r.steps[0]!;
    assert.equal(s.endReason, `until ${mc.cutoffs_V.min} V`);
    assert.ok(Math.abs(s.endVoltage_V - mc.cutoffs_V.min) < 1e-6, `ended at ${s.endVoltage_V} V`);
    assert.ok(s.startVoltage_V <= mc.cutoffs_V.max + 1e-9, `starts at ${s.startVoltage_V} V`);
    // at C/20 the overpotentials are small: most of the window, never more (the solid-state cell leaves
    // ≈ 11 %: the CEI formed in the as-made cell holds Li, and solid diffusion is slow even at C/20)
    const q = s.discharge_C;
    assert.ok(q <= mc.window_C * (1 + 1e-9), `${q} C > window ${mc.window_C} C`);
    assert.ok(q >= 0.85 * mc.window_C, `${q} C < 85 % of the window ${mc.window_C} C`);
    c20[mc.name] = q;
  });

  test(`${mc.name}: the voltage falls with the discharge current and rises with the charge current`, () => {
    const at = (step: string): number => {
      const r = runExperiment(mc.build(), [step], { ...opts, initialSoc: 0.5 });
      assert.equal(r.status, 'completed', r.reason);
      return r.steps[0]!.endVoltage_V;
    };
    const rates = ['C/5', 'C/2', '1C', '2C'];
    const dis = rates.map((c) => at(`Discharge at ${c} for 60 seconds`));
    const chg = rates.map((c) => at(`Charge at ${c} for 60 seconds`));
    for (let k = 1; k < rates.length; k++) {
      assert.ok(dis[k]! < dis[k - 1]!, `discharge: ${rates[k]} ${dis[k]} V vs ${rates[k - 1]} ${dis[k - 1]} V`);
      assert.ok(chg[k]! > chg[k - 1]!, `charge: ${rates[k]} ${chg[k]} V vs ${rates[k - 1]} ${chg[k - 1]} V`);
    }
    assert.ok(chg[0]! > dis[0]!, 'chg[0]! > dis[0]!');
  });
}

test('at C/20 the models of one family agree on the capacity between the cut-offs', () => {
  for (const family of ['solid-state', 'liquid'] as const) {
    const names = MODELS.filter((m) => m.family === family).map((m) => m.name);
    for (const n of names) assert.ok(c20[n] !== undefined, `${n}: the C/20 test above ran`);
    const ref = c20[names[0]!]!;
    for (const n of names.slice(1))
      assert.ok(
        Math.abs(c20[n]! / ref - 1) < FAMILY_AGREEMENT[family],
        `${n}: ${c20[n]} C vs ${names[0]} ${ref} C (allowed ${FAMILY_AGREEMENT[family] * 100} %)`,
      );
  }
});
