/**
 * The recipe's cycling block through runCycling: start state of the recipe experiment, its per-cycle
 * results, the ageing mechanisms switched from the recipe, resistance growth and the end-of-life stop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { patentObject } from '../helpers.ts';
import { parseRecipeText, formatProblem } from '../../src/recipe/parse.ts';
import type { Recipe } from '../../src/recipe/schema.ts';
import { designCell } from '../../src/design/index.ts';
import { designBlock } from '../../src/present/design.ts';
import { runLine, runCycling } from '../../src/pipeline.ts';
import { renderReport } from '../../src/report/index.ts';

type Obj = Record<string, any>;
function recipe(fn: (r: Obj) => void): Recipe {
  const o = patentObject();
  fn(o);
  const p = parseRecipeText(stringify(o));
  if (!p.ok) throw new Error(p.problems.map(formatProblem).join('\n'));
  return p.recipe;
}
const base = { model: 'spme', charge_cutoff_V: 4.3, discharge_cutoff_V: 3.0, rate_capability: false };
const r0 = recipe((r) => (r.cycling = { ...base, ageing_cycles: 0 }));
const design = designCell(r0);
// the produced cell with its anode diffusivity raised to the β-LiAl working value (1e-9 cm²/s): these tests
// isolate the ageing and experiment bookkeeping from the slow anode transport the line's phases give
const cellSI = { ...runLine(r0, design).cell, anodeD_m2_s: 1e-13 };

test('a recipe experiment starts from the cell as produced (discharged) and reports every cycle', () => {
  const steps = {
    repeat: 2,
    steps: ['Discharge at 0.2C until 3 V', 'Charge at 0.2C until 4.3 V', 'Discharge at 0.2C until 3 V'],
  };
  const rec = recipe((r) => {
    r.cycling = { ...base, ageing_cycles: 0 };
    r.experiment = [steps];
  });
  const run = runCycling(rec, cellSI);
  const first = run.experiment.steps[0]!;
  // as produced the cathode is lithiated: the first discharge has nothing to give
  assert.match(first.endReason, /already met|until 3 V/);
  assert.ok(
    first.discharge_C < 1e-6 * (run.experiment.cycles[0]!.charge_C + 1),
    `first discharge ${first.discharge_C} C`,
  );
  const e = run.block['experiment'] as {
    initial_soc: number;
    cycles: number;
    per_cycle: { cycle: number; charge_Ah: number; discharge_Ah: number; coulombic_efficiency: number | null }[];
  };
  assert.equal(e.initial_soc, 0);
  assert.equal(e.cycles, 2);
  assert.deepEqual(
    e.per_cycle.map((c) => c.cycle),
    [1, 2],
  );
  for (const c of e.per_cycle) {
    assert.ok(c.charge_Ah > 0.1 && c.discharge_Ah > 0.1, JSON.stringify(c));
    assert.ok(c.coulombic_efficiency! <= 1.0001, JSON.stringify(c));
  }
  // cycle 1 loses the CEI's Li and the kinetic part near y → 1 (uncoated NCM in a sulfide cell: first-cycle
  // CE 0.82–0.92, Jangid et al., Nat. Commun. 15 (2024) 10233); cycle 2 is near-reversible
  assert.ok(e.per_cycle[0]!.coulombic_efficiency! > 0.75, JSON.stringify(e.per_cycle[0]));
  assert.ok(e.per_cycle[1]!.coulombic_efficiency! > 0.95, JSON.stringify(e.per_cycle[1]));
  // the first-cycle figures are those of cycle 1
  assert.ok(
    Math.abs((run.block['charge_capacity_Ah'] as number) - e.per_cycle[0]!.charge_Ah) < 1e-5,
    "Math.abs((run.block['charge_capacity_Ah'] as number) - e.per_cycle[0]!.charge_Ah) < 1e-5",
  );
  // asked to start charged, the first discharge delivers the cell's capacity
  const charged = runCycling(
    recipe((r) => {
      r.cycling = { ...base, ageing_cycles: 0, initial_soc: 1 };
      r.experiment = [steps];
    }),
    cellSI,
  );
  assert.equal((charged.block['experiment'] as { initial_soc: number }).initial_soc, 1);
  assert.ok(
    charged.experiment.steps[0]!.discharge_C / 3600 > 0.5 * e.per_cycle[0]!.discharge_Ah,
    `${charged.experiment.steps[0]!.discharge_C / 3600} Ah`,
  );
});

test('ageing from the recipe: mechanisms off keep 100 %, resistance grows with them on, the report plots it', () => {
  const off = runCycling(
    recipe(
      (r) =>
        (r.cycling = {
          ...base,
          ageing_cycles: 30,
          ageing_mechanisms: {
            interphase: false,
            contact_loss: false,
            li_inventory: false,
            anode_interphase: false,
            anode_voids: false,
            calendar: false,
          },
        }),
    ),
    cellSI,
  );
  const agOff = off.block['ageing'] as Record<string, any>;
  assert.ok(Math.abs(agOff['capacity_retention_pct'] - 100) < 1e-3, `retention ${agOff['capacity_retention_pct']}`);
  assert.ok(Math.abs(agOff['resistance_growth_pct']) < 1e-3, `resistance growth ${agOff['resistance_growth_pct']}`);
  assert.deepEqual(agOff['mechanisms'], {
    interphase: false,
    contact_loss: false,
    li_inventory: false,
    anode_interphase: false,
    anode_voids: false,
    calendar: false,
  });
  const rec = recipe((r) => (r.cycling = { ...base, ageing_cycles: 30, ageing_mechanisms: { contact_loss: false } }));
  const on = runCycling(rec, cellSI);
  const ag = on.block['ageing'] as Record<string, any>;
  assert.deepEqual(ag['mechanisms'], {
    interphase: true,
    contact_loss: false,
    li_inventory: true,
    anode_interphase: true,
    anode_voids: true,
    calendar: true,
  });
  assert.ok(ag['capacity_retention_pct'] < 100, "ag['capacity_retention_pct'] < 100");
  assert.ok(ag['resistance_growth_pct'] > 0.5, `growth ${ag['resistance_growth_pct']} %`);
  assert.ok(
    ag['dc_resistance_last_mOhm'] > ag['dc_resistance_first_mOhm'],
    "ag['dc_resistance_last_mOhm'] > ag['dc_resistance_first_mOhm']",
  );
  assert.equal(ag['end_of_life_retention_pct'], 80);
  assert.equal(ag['cycles_to_end_of_life'], null);
  assert.equal(on.cycles.length, 30);
  for (let k = 1; k < on.cycles.length; k++)
    assert.ok(
      on.cycles[k]!.resistance_mOhm! > on.cycles[k - 1]!.resistance_mOhm!,
      'on.cycles[k]!.resistance_mOhm! > on.cycles[k - 1]!.resistance_mOhm!',
    );
  const html = renderReport({
    output: { rollcell_version: 't', run_id: 't', design: designBlock(rec, design), cycling: on.block },
    recipe: rec,
    cycles: on.cycles,
  });
  assert.match(html, /class="plot [^"]*plot-resistance/);
});

test('end of life from the recipe: the ageing stops at the first cycle below the threshold', () => {
  const run = runCycling(
    recipe((r) => (r.cycling = { ...base, ageing_cycles: 400, end_of_life_retention_pct: 99.5 })),
    cellSI,
  );
  const ag = run.block['ageing'] as Record<string, any>;
  const n = ag['cycles'] as number;
  assert.ok(n < 400, `ran ${n}`);
  assert.equal(ag['cycles_to_end_of_life'], n);
  assert.equal(ag['cycles_requested'], 400);
  assert.ok(ag['capacity_retention_pct'] < 99.5, "ag['capacity_retention_pct'] < 99.5");
  const d0 = run.cycles[0]!.discharge_Ah;
  for (const c of run.cycles.slice(0, -1)) assert.ok(c.discharge_Ah / d0 >= 0.995, `cycle ${c.index}`);
});

test('bad cycling input names the field, the value and what is allowed', () => {
  const bad = (fn: (r: Obj) => void): string => {
    const o = patentObject();
    fn(o);
    const p = parseRecipeText(stringify(o));
    assert.equal(p.ok, false);
    return p.ok ? '' : p.problems.map(formatProblem).join('\n');
  };
  assert.match(
    bad((r) => (r.cycling = { ...base, end_of_life_retention_pct: 120 })),
    /cycling\.end_of_life_retention_pct.*120/,
  );
  assert.match(
    bad((r) => (r.cycling = { ...base, initial_soc: -0.1 })),
    /cycling\.initial_soc.*-0\.1/,
  );
  assert.match(
    bad((r) => (r.cycling = { ...base, ageing_mechanisms: { interphase: 'yes' } })),
    /cycling\.ageing_mechanisms\.interphase/,
  );
  assert.match(
    bad((r) => (r.cycling = { ...base, ageing_mechanisms: { sei: true } })),
    /cycling\.ageing_mechanisms.*sei/,
  );
});

test('ageing outside validity is flagged in the block and the notes; the band brackets the nominal retention', () => {
  const run = runCycling(
    recipe((r) => (r.cycling = { ...base, ageing_cycles: 20, ageing_c_rate: 1 })),
    cellSI,
  );
  const ag = run.block['ageing'] as Record<string, any>;
  assert.equal(ag['validity']['inside'], false);
  assert.deepEqual(
    ag['validity']['flags'].map((f: { quantity: string }) => f.quantity),
    ['c_rate'],
  );
  assert.ok(
    run.notes.some((n) => /^ageing: outside validity: 1\.00C is above the SPMe's stated 0\.5C/.test(n)),
    "run.notes.some((n) => /^ageing: outside validity: 1\\.00C is above the SPMe's stated 0\\.5C…",
  );
  const inside = runCycling(
    recipe((r) => (r.cycling = { ...base, ageing_cycles: 20 })),
    cellSI,
  );
  const ai = inside.block['ageing'] as Record<string, any>;
  assert.equal(ai['validity']['inside'], true);
  const b = ai['capacity_retention_band_pct'];
  assert.equal(b['at_cycle'], ai['cycles']);
  assert.ok(
    b['low'] <= b['median'] && b['median'] <= b['high'] && b['high'] <= 100 + 1e-9,
    "b['low'] <= b['median'] && b['median'] <= b['high'] && b['high'] <= 100 + 1e-9",
  );
  assert.ok(b['high'] - b['low'] > 0.1, `band ${b['low']}–${b['high']}`);
  // the report draws the band at the last cycle of the fade plot and says what it is
  const html = renderReport({
    output: {
      rollcell_version: 't',
      run_id: 't',
      design: designBlock(
        recipe(() => {}),
        design,
      ),
      cycling: inside.block,
    },
    recipe: recipe(() => {}),
    cycles: inside.cycles,
  });
  assert.match(html, /retention band \(\d+\.\d–\d+\.\d %\) from seeded sampling/);
});
