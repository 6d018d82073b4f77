import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateStations } from '../../src/process/stations.ts';
import { presentLine } from '../../src/present/line.ts';
import { patentExample } from './fixtures.ts';
import { mulberry32 } from '../support/mulberry32.ts';

const rng = mulberry32;

function finiteDeep(x: unknown, path: string): void {
  if (typeof x === 'number') assert.ok(Number.isFinite(x), `${path} = ${x}`);
  else if (Array.isArray(x)) x.forEach((v, i) => finiteDeep(v, `${path}[${i}]`));
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) finiteDeep(v, `${path}.${k}`);
}

test('wide random inputs (forces 0–3000 N, 0–250 °C, rolls Ø 5–300 mm, webs 2–300 mm) never give NaN or throw; atoms and fractions stay consistent', () => {
  const r = rng(12345);
  const u = (a: number, b: number): number => a + (b - a) * r();
  for (let i = 0; i < 120; i++) {
    const inp = patentExample({
      force: u(0, 3000),
      T240_K: u(273.15, 523.15),
      speed_m_s: u(0.1, 20) / 60,
      webWidth_m: u(0.002, 0.3),
    });
    inp.stations['240'].rollDiameter_m = u(0.005, 0.3);
    inp.stations['236'].rollDiameter_m = u(0.005, 0.3);
    inp.thirdSheet.li.thickness_m = u(1, 60) * 1e-6;
    inp.alSheet.layer.thickness_m = u(2, 50) * 1e-6;
    inp.alSheet.layer.material = r() < 0.5 ? 'Al-O' : 'Al-H18';
    inp.line.dwell_s = u(0, 600);
    inp.line.storage_s = u(0, 86400 * 3);
    if (r() < 0.2) inp.thirdSheet.orientation = 'cu_facing_al';
    if (r() < 0.3) {
      inp.firstSheet.inSitu = true;
      inp.stations['222'] = {
        id: '222',
        force_N: u(0, 3000),
        rollDiameter_m: u(0.005, 0.3),
        faceWidth_m: 0.3,
        temperature_K: u(273.15, 400),
      };
    }
    const res = simulateStations(inp);
    finiteDeep(presentLine(res), 'line');
    finiteDeep(res.cell, 'cell');
    const f = presentLine(res).anode.al_fractions;
    assert.ok(Math.abs(f.Al + f.LiAl + f.Li3Al2 + f.Li9Al4 - 1) < 1e-5, `case ${i}`);
    for (const s of presentLine(res).stations)
      for (const l of s.layers)
        assert.ok(
          l.thickness_out_um > 0 && l.thickness_out_um <= l.thickness_in_um + 1e-9,
          `case ${i} ${s.id} ${l.name}`,
        );
    for (const c of [presentLine(res).crack.sandwiched, presentLine(res).crack.free_standing])
      assert.ok(c.risk >= 0 && c.risk <= 1, 'c.risk >= 0 && c.risk <= 1');
  }
});
