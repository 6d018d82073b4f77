/**
 * The literature check's own logic (scripts/validate-ssb.ts): the anode's mean OCP over a cycled Li range,
 * the seed cell built through the line, and the published-figure records (src/electrochem/ssb/literature.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anodeMeanOcp_V, seedFromLine } from '../../scripts/validate-ssb.ts';
import { liAlPlateau_V, LI9AL4_PLATEAU_V } from '../../src/materials/ocp/index.ts';
import { cite, NCM811_VS_LI, P1, P2, P3, P6 } from '../../src/electrochem/ssb/literature.ts';

test('mean anode OCP over the α/β two-phase field is the Huggins plateau (within 1 mV)', () => {
  for (const T of [298.15, 323.15]) {
    const u = anodeMeanOcp_V(0.2, 0.8, T, 'rt');
    assert.ok(Math.abs(u - liAlPlateau_V(T)) < 1e-3, `T=${T}: ${u} vs ${liAlPlateau_V(T)}`);
  }
});

test('mean anode OCP: Li3Al2 + Li9Al4 plateau with the equilibrium phases, free Li (0 V) with the rt phases', () => {
  const eq = anodeMeanOcp_V(1.6, 2.2, 298.15, 'equilibrium');
  assert.ok(Math.abs(eq - LI9AL4_PLATEAU_V) < 1e-3, `equilibrium: ${eq}`);
  const rt = anodeMeanOcp_V(1.1, 1.4, 298.15, 'rt');
  assert.ok(Math.abs(rt) < 1e-3, `rt: ${rt}`);
  assert.throws(() => anodeMeanOcp_V(1, 1, 298.15, 'rt'), /xHigh > xLow/);
});

test('the line-built seed cell: Li-rich Li–Al (not the hand-entered x = 1.05), capacity and average voltage within 5 % of the published NCM811 figures', () => {
  const s = seedFromLine();
  // the line forms Li3Al2 from Li:Al ≈ 1.45 (examples/patent-line.yaml), not β-LiAl + free Li
  assert.ok(s.x0 > 1.3 && s.x0 < 1.6, `x0 = ${s.x0}`);
  assert.ok(s.xTop > s.x0 && s.xEnd < s.xTop, `x ${s.x0} → ${s.xTop} → ${s.xEnd}`);
  // the anode swings over the 0.10 / 0.05 V Li-rich plateaus (and a little free Li at the top of charge)
  assert.ok(s.anodeMean_V > 0 && s.anodeMean_V <= 0.1 + 1e-3, `anode mean ${s.anodeMean_V}`);
  const cap = s.rows.find((r) => r.quantity.startsWith('discharge capacity'))!;
  const v = s.rows.find((r) => r.quantity.startsWith('average discharge voltage'))!;
  assert.equal(cap.published, NCM811_VS_LI.practicalCapacity_mAh_g);
  assert.ok(Math.abs((v.published ?? NaN) - (NCM811_VS_LI.averageDischarge_V - s.anodeMean_V)) < 1e-12);
  assert.equal(cap.pass, true, `capacity ${cap.simulated}`);
  assert.equal(v.pass, true, `voltage ${v.simulated} vs ${v.published}`);
  // every compared row says where its number comes from; a row without a published number is not judged
  for (const r of s.rows) {
    if (r.published === null) assert.equal(r.pass, null);
    assert.ok(r.source.length > 0 && r.inputs.includes('examples/patent-line.yaml'));
  }
  assert.ok(!/free Li\)/.test(v.source) && /Li3Al2/.test(v.source), v.source);
});

test('published-figure records: a number names where it stands; a missing one says so and is not compared', () => {
  for (const c of [P1, P2, P3, P6]) {
    for (const [k, f] of Object.entries(c.figures)) {
      const s = cite(c, k);
      if (f.value === null) {
        assert.match(s, /no published value/);
        assert.match(s, /not compared/);
      } else {
        assert.match(f.where, /abstract|figure|table/i, `${c.id}.${k}`);
        assert.ok(Number.isFinite(f.value));
      }
    }
  }
  assert.throws(() => cite(P3, 'nope'), /P3 has no figure/);
  // P3's DOI is the ACS record's
  assert.match(cite(P3, 'arealCapacity3C'), /doi:10\.1021\/acsenergylett\.4c03250/);
});
