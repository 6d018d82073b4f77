import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMeasuredData } from '../../src/fit/data.ts';
import { applyBpxValues, resolveBpxField, type BpxDocument } from '../../src/fit/bpx-space.ts';
import { ProblemError } from '../../src/problems.ts';
import { solveDae, type DaeProblem } from '../../src/numerics/index.ts';

const DATA = '/work/shared/validation/about-energy-nmc';

const problemOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ProblemError, String(e));
    return e.message;
  }
  assert.fail('no error');
};

test('measured data: the About:Energy layout, a BDF profile, a fade curve and a rate test are read with their metadata', () => {
  const p = parseMeasuredData(readFileSync(`${DATA}/NMC_25degC_1C.csv`, 'utf8'), 'NMC_25degC_1C.csv');
  assert.equal(p.kind, 'profile');
  if (p.kind !== 'profile') return;
  assert.equal(p.t_s.length, 3730);
  assert.ok(Math.abs(p.U_V[0]! - 4.193675688) < 1e-12, 'Math.abs(p.U_V[0]! - 4.193675688) < 1e-12');
  const f = parseMeasuredData(
    '# source: test\nCycle Count / 1,Capacity Retention / %\n1,100\n50,97.5\n100,95\n',
    'f.csv',
  );
  assert.equal(f.kind, 'fade');
  if (f.kind === 'fade') {
    assert.deepEqual(Array.from(f.retention_pct), [100, 97.5, 95]);
    assert.equal(f.meta['source'], 'test');
  }
  const r = parseMeasuredData('C-rate / 1,Discharging Capacity / Ah\n0.1,2\n1,1.8\n2,1.5\n', 'r.csv');
  assert.equal(r.kind, 'rate');
  if (r.kind === 'rate') assert.deepEqual(Array.from(r.retention_pct), [100, 90, 75]);
});

test('bad data files are errors that name the file, the line and what is allowed', () => {
  assert.match(
    problemOf(() => parseMeasuredData('# only a comment\n', 'e.csv')),
    /e\.csv.*no data/,
  );
  assert.match(
    problemOf(() => parseMeasuredData('a,b\n1,2\n3,4\n', 'k.csv')),
    /k\.csv.*unknown kind of data/,
  );
  const m = problemOf(() =>
    parseMeasuredData('Test Time / s,Current / A,Voltage / V\n0,1,3.5\n10,1,3.6\n5,1,3.7\n', 'p.csv'),
  );
  assert.match(m, /p\.csv 'Test Time \/ s'.*must increase/);
  assert.match(m, /line 4/);
  assert.match(
    problemOf(() => parseMeasuredData('Time [s],I[A],U[V]\n0,1,3.5\n10,1,-1\n', 'v.csv')),
    /Voltage \/ V.*must be > 0/,
  );
  assert.match(
    problemOf(() => parseMeasuredData('Cycle Count / 1,Capacity Retention / %\n1,100\n2.5,99\n', 'c.csv')),
    /not a cycle number/,
  );
  assert.match(
    problemOf(() => parseMeasuredData('Cycle Count / 1,Other\n1,100\n2,99\n', 'x.csv')),
    /missing a capacity column/,
  );
});

test('BPX parameter space: aliases and paths resolve; values and function multipliers are written back; unknown names are errors', () => {
  const doc = JSON.parse(readFileSync(`${DATA}/nmc_pouch_cell_BPX.json`, 'utf8')) as BpxDocument;
  const d = resolveBpxField(doc, 'negative.diffusivity', 'params.0');
  const same = resolveBpxField(doc, 'Negative electrode.Diffusivity [m2.s-1]', 'params.1');
  assert.equal(d.path, same.path);
  assert.equal(d.path, 'Parameterisation.Negative electrode.Diffusivity [m2.s-1]');
  const k = resolveBpxField(doc, 'positive.particle_radius', 'params.2');
  assert.equal(k.kind, 'value');
  assert.ok(k.reference > 1e-7 && k.reference < 1e-4, 'k.reference > 1e-7 && k.reference < 1e-4');
  const out = applyBpxValues(doc, [k, d], [2e-6, 1.5]);
  const pe = (out['Parameterisation'] as Record<string, Record<string, unknown>>)['Positive electrode']!;
  assert.equal(pe['Particle radius [m]'], 2e-6);
  const ne = (out['Parameterisation'] as Record<string, Record<string, unknown>>)['Negative electrode']!;
  const orig = (doc['Parameterisation'] as Record<string, Record<string, unknown>>)['Negative electrode']!;
  const before = orig['Diffusivity [m2.s-1]'];
  if (d.kind === 'factor') {
    if (typeof before === 'string') assert.equal(ne['Diffusivity [m2.s-1]'], `1.5 * (${before})`);
  } else assert.equal(ne['Diffusivity [m2.s-1]'], 1.5);
  // the input document is not modified
  assert.equal(orig['Diffusivity [m2.s-1]'], before);
  assert.match(
    problemOf(() => resolveBpxField(doc, 'negative.nonsense', 'params.3')),
    /params\.3: not a field of the BPX file/,
  );
  assert.match(
    problemOf(() => resolveBpxField(doc, 'Header.Title', 'params.4')),
    /params\.4: not a model parameter/,
  );
});

test('breakpoints: steps end at the kinks of a piecewise-linear forcing — same answer, fewer rejected steps; unsorted is an error', () => {
  // y′ = g(t), g a triangle wave with kinks every 1 s: y(10) = ∫g = 5 exactly
  const kinks = Array.from({ length: 9 }, (_, k) => k + 1);
  const g = (t: number): number => {
    const u = t - Math.floor(t);
    return Math.floor(t) % 2 === 0 ? u : 1 - u;
  };
  const p: DaeProblem = {
    n: 1,
    f(t, _y, o) {
      o[0] = g(t);
    },
  };
  const opts = { t0: 0, tEnd: 10, rtol: 1e-8, atol: 1e-10 };
  const free = solveDae(p, Float64Array.from([0]), opts);
  const bp = solveDae(p, Float64Array.from([0]), { ...opts, breakpoints: kinks });
  assert.equal(bp.status, 'done');
  assert.ok(Math.abs(bp.yFinal[0]! - 5) < 1e-7, `${bp.yFinal[0]}`);
  assert.ok(Math.abs(free.yFinal[0]! - 5) < 1e-6, 'Math.abs(free.yFinal[0]! - 5) < 1e-6');
  assert.ok(
    bp.stats.rejectedSteps < free.stats.rejectedSteps,
    `${bp.stats.rejectedSteps} vs ${free.stats.rejectedSteps}`,
  );
  assert.throws(
    () => solveDae(p, Float64Array.from([0]), { ...opts, breakpoints: [2, 1] }),
    /breakpoints\.1: must be sorted/,
  );
});

test('a BPX document parsed again gives the same OCP and property functions (a fit re-parses per evaluation; the tables cached per function are reused)', async () => {
  const { parseBpx } = await import('../../src/electrochem/bpx.ts');
  const { applyBpxValues: apply, resolveBpxField: resolve } = await import('../../src/fit/bpx-space.ts');
  const doc = JSON.parse(readFileSync(`${DATA}/nmc_pouch_cell_BPX.json`, 'utf8')) as BpxDocument;
  const a = parseBpx(doc);
  // a fit's next point: a scalar field changed, the expressions as they were
  const b = parseBpx(
    apply(doc, [resolve(doc, 'negative.diffusivity', 'p')], [a.negative.diffusivity(0.5, 298.15) * 2]),
  );
  assert.equal(b.positive.ocp, a.positive.ocp);
  assert.equal(b.negative.ocp, a.negative.ocp);
  assert.equal(b.electrolyte.conductivity, a.electrolyte.conductivity);
  // and still the right function
  assert.ok(
    Math.abs(b.positive.ocp(0.5, 298.15) - a.positive.ocp(0.5, 298.15)) === 0,
    'Math.abs(b.positive.ocp(0.5, 298.15) - a.positive.ocp(0.5, 298.15)) === 0',
  );
});
