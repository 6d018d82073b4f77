import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alloyHistory,
  alFractions,
  anodeDiffusivity,
  anodeThickness,
  equilibriumPhases,
  liInPhases,
  alInPhases,
  phaseVolumes,
  stateAtExtent,
  type AlloySegment,
} from '../../src/process/alloying.ts';
import { LI_AL_PHASES } from '../../src/materials/mechanics.ts';
import { simulateStations } from '../../src/process/stations.ts';
import { presentLine } from '../../src/present/line.ts';
import { patentExample } from './fixtures.ts';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

test('Li and Al atoms are conserved through alloying to 1e-12 relative (every composition, every extent)', () => {
  const nAl = 1.0003;
  for (const x of [0, 0.02, 0.05, 0.3, 0.95, 0.97, 1, 1.2, 1.5, 2, 2.25, 3.7]) {
    const nLi = x * nAl;
    const end = equilibriumPhases(nLi, nAl);
    for (const xi of [0, 1e-6, 0.123, 0.5, 0.999, 1]) {
      const s = stateAtExtent(nLi, nAl, end, xi);
      assert.ok(rel(alInPhases(s), nAl) < 1e-12, `Al x=${x} ξ=${xi}`);
      if (nLi > 0) assert.ok(rel(liInPhases(s), nLi) < 1e-12, `Li x=${x} ξ=${xi}`);
    }
  }
  // and through the full line model
  const r = simulateStations(patentExample());
  const a = r.alloy!;
  assert.ok(rel(liInPhases(a.final), r.cell.anodeLi_mol_m2) < 1e-12);
  assert.ok(rel(alInPhases(a.final), r.cell.anodeAl_mol_m2) < 1e-12);
});

test('anode thickness equals Σ nᵢ·Vm,ᵢ of the phases', () => {
  const s = stateAtExtent(1.3, 1, equilibriumPhases(1.3, 1), 0.6);
  let sum = 0;
  for (const p of phaseVolumes(s)) sum += p.n_mol_m2 * p.Vm_m3_mol;
  assert.ok(rel(anodeThickness(s), sum) < 1e-14);
  const r = simulateStations(patentExample());
  let t = 0;
  for (const p of r.anodePhases) t += p.n_mol_m2 * p.Vm_m3_mol;
  assert.ok(rel(r.cell.anodeThickness_m, t) < 1e-12);
  assert.ok(Math.abs(presentLine(r).anode.thickness_um - t * 1e6) < 1e-5);
});

test('Li:Al = 1 gives all β-LiAl at completion with the lattice molar volume', () => {
  const e = equilibriumPhases(2, 2);
  const f = alFractions(e);
  assert.equal(f.LiAl, 1);
  assert.equal(f.Al + f.Li3Al2 + f.Li9Al4, 0);
  assert.equal(e.Li, 0);
  assert.ok(rel(anodeThickness(e), 2 * LI_AL_PHASES.LiAl.molarVolume.value) < 1e-12);
  // 10 µm Al + 13 µm Li → ≈ 19.5 µm LiAl (datasheet §2.1)
  const nAl = 10e-6 / LI_AL_PHASES.Al.molarVolume.value;
  const nLi = 13e-6 / LI_AL_PHASES.Li.molarVolume.value;
  const t = anodeThickness(equilibriumPhases(nLi, nAl));
  assert.ok(Math.abs(t - 19.5e-6) < 0.2e-6, `${t}`);
});

test('lever rule: Li:Al = 0.5 gives α + β; excess Li is left as metal beyond Li9Al4', () => {
  const e = equilibriumPhases(0.5, 1);
  assert.ok(Math.abs(e.LiAl - 0.5) < 1e-12 && Math.abs(e.alpha - 0.5) < 1e-12);
  const x = equilibriumPhases(3, 1);
  assert.equal(x.Li9Al4, 1);
  assert.ok(Math.abs(x.Li - 0.75) < 1e-12);
});

test('higher temperature or longer time never gives less alloy', () => {
  const segs = (T: number, t: number): AlloySegment[] => [{ kind: 'nip', duration_s: t, T_env_K: T, tau_s: 0 }];
  let prev = -1;
  for (const T of [290, 303, 323, 353, 373, 403, 433, 453]) {
    const x = alloyHistory(0.9, 1, segs(T, 2), 200, T).extent;
    assert.ok(x >= prev, `T=${T}`);
    prev = x;
  }
  prev = -1;
  for (const t of [0.01, 0.1, 1, 10, 100]) {
    const x = alloyHistory(0.9, 1, segs(353, t), 200, 353).extent;
    assert.ok(x >= prev, `t=${t}`);
    prev = x;
  }
});

test('through the line: hotter nip or slower line never gives less alloy (Li in excess isolates the kinetics)', () => {
  const run = (T: number, v: number): number => {
    const inp = patentExample({ T240_K: T, speed_m_s: v });
    inp.thirdSheet.li.thickness_m = 40e-6; // x > 2.25: end state fixed (all Al → Li9Al4)
    inp.line.dwell_s = 0;
    inp.line.storage_s = 0;
    const r = simulateStations(inp);
    const f = presentLine(r).anode.al_fractions;
    return 1 - f.Al;
  };
  let prev = -1;
  for (const T of [303.15, 323.15, 348.15, 373.15, 423.15]) {
    const a = run(T, 1 / 60);
    assert.ok(a >= prev, `T=${T}: ${a} < ${prev}`);
    prev = a;
  }
  prev = -1;
  for (const v of [10 / 60, 5 / 60, 2 / 60, 1 / 60, 0.5 / 60]) {
    const a = run(373.15, v);
    assert.ok(a >= prev, `v=${v}: ${a} < ${prev}`);
    prev = a;
  }
});

test('anode diffusivity: Bruggeman medium between α and β values, in the seed window for β-rich anodes', () => {
  const beta = anodeDiffusivity(equilibriumPhases(1, 1));
  assert.ok(Math.abs(beta - 1e-13) / 1e-13 < 1e-9);
  const twoPhase = anodeDiffusivity(equilibriumPhases(0.5, 1));
  assert.ok(twoPhase < beta && twoPhase > 1e-13 * 1e-10);
  const alphaOnly = anodeDiffusivity(equilibriumPhases(0.01, 1));
  assert.ok(alphaOnly < twoPhase);
  const cm2 = twoPhase * 1e4;
  assert.ok(cm2 >= 1e-14 && cm2 <= 1e-7, `${cm2}`);
});

test('uncertain kinetics are inputs: a slower D_eff leaves the same recipe less alloyed at the end of the line', () => {
  const base = patentExample();
  base.line.dwell_s = 0;
  base.line.storage_s = 600;
  const fast = simulateStations(base);
  const slow = simulateStations({ ...base, model: { alloyDRef_m2_s: 1e-15 } });
  assert.ok(slow.alloy!.extent < fast.alloy!.extent);
  assert.ok(presentLine(slow).anode.alloying_complete_s > presentLine(fast).anode.alloying_complete_s);
  assert.throws(() => simulateStations({ ...base, model: { alloyEa_J_mol: -1 } }), /model\.alloyEa_J_mol: must be > 0/);
});
