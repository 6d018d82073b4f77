import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patentExampleParams } from '../../src/electrochem/ssb/params.ts';
import { createSpme } from '../../src/electrochem/ssb/spme.ts';
import { daeRunner } from '../../src/cycler/step-engines.ts';
import { firstCycle } from '../../src/cycler/protocols.ts';
import { runFirstCycle, firstCycleSummary } from '../../src/cycler/index.ts';

// The cycler drives the solid-state SPMe through the CellModel interface only (the machine's augmented DAE
// phase); the built-in first-cycle protocol on the DAE step engine (cycler/protocols.ts, cycler/step-engines.ts:
// its own CC/CV stepping, tolerances and charge quadrature) is an independent implementation of the [0178] steps.
test('[0178] first cycle on the solid-state SPMe agrees with the SSB runner (capacities, Eq. 1 expansion)', () => {
  const P = patentExampleParams();
  const m = createSpme(P);
  const r = runFirstCycle(m, 4.3, 3.0, { callAfterCycle: false });

  assert.equal(r.status, 'completed', r.reason);
  assert.deepEqual(
    r.steps.map((s) => s.endReason),
    ['until 4.3 V', 'until 0.02C', 'until 3 V'],
  );
  const m2 = createSpme(P);
  const ref = firstCycle(daeRunner(m2), m2, m2.initialState(0), 4.3, 3.0);
  const c = r.cycles[0]!;
  assert.ok(Math.abs(c.charge_C / ref.charge_C - 1) < 2e-3, `charge ${c.charge_C} C vs ${ref.charge_C} C`);
  assert.ok(
    Math.abs(c.discharge_C / ref.discharge_C - 1) < 2e-3,
    `discharge ${c.discharge_C} C vs ${ref.discharge_C} C`,
  );
  const s = firstCycleSummary(r);
  // a fully lithiated cathode cannot take back more than it gave: CE ≤ 1; the uncoated CEI and the slow
  // refill near full lithiation cost 10–25 % (Jangid 2024: 82 % uncoated, 92 % coated)
  assert.ok(s.coulombic_efficiency! <= 1 && s.coulombic_efficiency! > 0.7, `CE ${s.coulombic_efficiency}`);
  assert.ok(
    s.discharge_capacity_mAh_g! > 100 && s.discharge_capacity_mAh_g! < 250,
    `${s.discharge_capacity_mAh_g} mAh/g`,
  );
  assert.ok(s.volume_expansion.evaluable, 's.volume_expansion.evaluable');
  assert.ok(
    Math.abs(s.volume_expansion_rate_pct! - ref.volumeExpansionRate_pct) <
      0.02 * Math.abs(ref.volumeExpansionRate_pct) + 1e-4,
    `${s.volume_expansion_rate_pct} vs ${ref.volumeExpansionRate_pct}`,
  );
});
