/**
 * The literature check's own logic (scripts/validate-ssb.ts): the anode's mean OCP over a cycled Li range,
 * the seed cell built through the line, and the published-figure records (src/electrochem/ssb/literature.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anodeMeanOcp_V, seedFromLine } from '../../scripts/validate-ssb.ts';
import { validateCell } from '../../scripts/validate-cell.ts';
import { liAlPlateau_V } from '../../src/materials/ocp/index.ts';
import { cite, NCM811_VS_LI, P1, P2, P3, P6, JANGID2024 } from '../../src/electrochem/ssb/literature.ts';

test('mean anode OCP: the α/β plateau over the two-phase field, Li metal (0 V) beyond the room-temperature host', () => {
  for (const T of [298.15, 323.15]) {
    const u = anodeMeanOcp_V(0.2, 0.8, T);
    assert.ok(Math.abs(u - liAlPlateau_V(T)) < 1e-3, `T=${T}: ${u} vs ${liAlPlateau_V(T)}`);
  }
  const beyond = anodeMeanOcp_V(1.1, 1.4, 298.15);
  assert.ok(Math.abs(beyond) < 1e-3, `beyond the β host at RT: ${beyond}`);
  assert.throws(() => anodeMeanOcp_V(1, 1, 298.15), /xHigh > xLow/);
});

test('the line-built seed cell: figures without an independent published value for this cell are shown, not judged', () => {
  const s = seedFromLine();
  assert.ok(s.x0 > 1.3 && s.x0 < 1.7, `x0 = ${s.x0}`);
  assert.ok(s.xTop > s.x0 && s.xEnd < s.xTop, `x ${s.x0} → ${s.xTop} → ${s.xEnd}`);
  const cap = s.rows.find((r) => r.quantity.startsWith('discharge capacity'))!;
  // a liquid half-cell capacity is not this sulfide cell's first cycle
  assert.equal(cap.published, null);
  assert.match(cap.source, new RegExp(`${NCM811_VS_LI.practicalCapacity_mAh_g} mAh/g`));
  assert.ok(cap.simulated > 150 && cap.simulated < 210, `capacity ${cap.simulated}`);
  // an "expected" voltage made of the model's own anode OCP is not a published value (review F13)
  const v = s.rows.find((r) => r.quantity.startsWith('average discharge voltage'))!;
  assert.equal(v.published, null);
  assert.equal(v.pass, null);
  for (const r of s.rows) {
    if (r.published === null) assert.equal(r.pass, null);
    assert.ok(
      r.source.length > 0 && r.inputs.includes('examples/patent-line.yaml'),
      "r.source.length > 0 && r.inputs.includes('examples/patent-line.yaml')",
    );
  }
});

test('validate-cell: the produced cell beside its literature ranges — CE, plating against the CCD, rate band with its parameters', () => {
  const v = validateCell();
  const [u, c] = v.cases;
  assert.ok(u!.ce < c!.ce && u!.ce <= 1 && c!.ce <= 1, 'u!.ce < c!.ce && u!.ce <= 1 && c!.ce <= 1');
  const r = u!.assessment.ceRange;
  assert.equal(r.low, JANGID2024.figures['firstCycleCE_uncoated']!.value! - 0.003);
  assert.match(r.source, /10\.1038\/s41467-024-54331-w/);
  assert.ok(u!.eq1_pct > 0, 'Li left in the anode thickens the cell');
  assert.ok(u!.assessment.plating.plated && u!.assessment.np.np < 1, 'the example plates: its host is full as made');
  assert.ok(
    v.rate.band.low <= v.rate.band.nominal && v.rate.band.nominal <= v.rate.band.high,
    'v.rate.band.low <= v.rate.band.nominal && v.rate.band.nominal <= v.rate.band.high',
  );
  assert.ok(
    v.rate.band.parameters.every((p) => p.source.length > 10),
    'v.rate.band.parameters.every((p) => p.source.length > 10)',
  );
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
        assert.ok(Number.isFinite(f.value), 'Number.isFinite(f.value)');
      }
    }
  }
  assert.throws(() => cite(P3, 'nope'), /P3 has no figure/);
  // P3's DOI is the ACS record's
  assert.match(cite(P3, 'arealCapacity3C'), /doi:10\.1021\/acsenergylett\.4c03250/);
});
