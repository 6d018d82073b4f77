/**
 * The reliability review's reproducers (issue 22; copies of ../shared/review/reliability-cases/ in
 * ./cases, the 40 000-key recipe generated here): each now exits 0 with a correct result or 2 with a
 * message in the contract's form naming the user's field (with its line), `validate` and `run` agree,
 * and nothing is stored for a refused run. The FIFO and /dev/zero cases are in files.test.ts, the
 * terminal escapes in a recipe name in output.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BPX_FIXTURE, cli, inputError, PATENT_YAML, testDir } from '../helpers.ts';

const CASES = new URL('./cases/', import.meta.url).pathname;
const c = (f: string): string => join(CASES, f);
const dir = testDir('rollcell-repro-');

/** exit 2 with the contract's `<path>: <problem> (got …; allowed …)`, no stack, no internal error */
function exit2(r: { code: number; stderr: string }, re: RegExp): void {
  inputError(r, re);
  assert.match(r.stderr, /\(got .+; allowed .+\)/);
  assert.doesNotMatch(r.stderr, /\bNaN\b/);
}

async function nothingStored(db: string): Promise<void> {
  const l = await cli(['runs', 'list', '--db', db]);
  assert.equal(l.code, 0, l.stderr);
  assert.match(l.stdout, /no runs stored yet/);
}

/** validate and run refuse the recipe alike, naming the field and its line; no run is stored */
async function refusedAlike(file: string, re: RegExp): Promise<void> {
  const v = await cli(['validate', c(file)]);
  exit2(v, re);
  assert.match(v.stderr, /\[line \d+\]/);
  const db = join(dir, `${file}.db`);
  const r = await cli(['run', c(file), '--db', db, '--out', join(dir, 'out'), '--no-production', '--no-battery']);
  exit2(r, re);
  assert.equal(r.stderr, v.stderr, 'run gives the same message as validate');
  await nothingStored(db);
}

test('D1a/D4c/D11: a 1e308 °C station, a 5e-324 m/min line, a 1e308 h dwell and a 0 MPa stack are refused by validate and run alike', async () => {
  await refusedAlike('dataloss-infinity-to-store-240-temperature.yaml', /stations\.240\.temperature_C: .*too large/);
  await refusedAlike('internal-error-speed-underflow.yaml', /line\.speed_m_per_min: .*too small/);
  await refusedAlike('internal-error-dwell-overflow.yaml', /line\.downstream\.dwell_h: .*too large/);
  await refusedAlike('validate-ok-run-exit2-stack-pressure-0.yaml', /cell\.stack_pressure_MPa: .*got 0/);
  await refusedAlike('mem-roll-length-1e-300.yaml', /line\.roll_length_m\.third_sheet: .*too small/);
});

test('D2/D4b/D6: Rest for 1e308 seconds, a 10⁹-cycle repeat and an unknown instruction are refused by validate and run alike', async () => {
  await refusedAlike(
    'crash-recipe-rest-1e308-seconds.yaml',
    /experiment: step "Rest for 1e308 seconds": step too long/,
  );
  await refusedAlike('hang-experiment-repeat-1e9.yaml', /experiment: too many cycles \(got 1\.00e\+9 cycles/);
  await refusedAlike(
    'validate-ok-run-exit1-bad-experiment-step.yaml',
    /experiment\.0: unknown instruction 'Frobnicate'/,
  );
});

test('D4/item 4: the 6-minute shift of 10 mm cells validates (its cells are streamed to the store); a 17-hour one and a cross-direction profile of the wrong length are refused by validate (they used to fail in run)', async () => {
  const ok = await cli(['validate', c('mem-6min-shift-10mm-cells.yaml')]);
  assert.equal(ok.code, 0, ok.stderr);
  const shift = await cli(['validate', c('mem-6min-shift-10mm-cells.yaml'), '--set', 'production.duration_h=17']);
  exit2(shift, /production\.duration_h: the production run would make too many cells \(got about 102000000 cells/);
  const cd = await cli(['validate', c('validate-ok-run-fails-cd-profile.yaml')]);
  exit2(cd, /variability\.sheets\.cathode\.cd_profile_pct: one value per lane is needed .*\[line \d+\]/);
});

test('D4a: a ready-made first sheet with a collector and an Al-particle sheet runs (no root-not-bracketed), with finite results', async () => {
  const db = join(dir, 'readymade.db');
  const r = await cli([
    'run',
    c('internal-error-readymade-collector-particles.yaml'),
    '--db',
    db,
    '--out',
    join(dir, 'out-readymade'),
    '--no-production',
    '--no-battery',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout) as { cycling: { discharge_capacity_mAh_g: number; charge_capacity_mAh_g: number } };
  assert.ok(
    o.cycling.discharge_capacity_mAh_g > 0 && Number.isFinite(o.cycling.discharge_capacity_mAh_g),
    'o.cycling.discharge_capacity_mAh_g > 0 && Number.isFinite(o.cycling.discharge_capacity_mA…',
  );
  assert.ok(
    o.cycling.charge_capacity_mAh_g > 0 && Number.isFinite(o.cycling.charge_capacity_mAh_g),
    'o.cycling.charge_capacity_mAh_g > 0 && Number.isFinite(o.cycling.charge_capacity_mAh_g)',
  );
  const l = await cli(['runs', 'list', '--db', db]);
  assert.match(l.stdout, /completed/);
});

test("D10: a recipe's drive-cycle file is loaded (relative to the recipe): 5 A for 20 s discharges 5·20/3600 A·h; the null CE says why", async () => {
  const r = await cli([
    'run',
    c('wrong-output-recipe-drive-cycle-never-loaded.yaml'),
    '--db',
    ':memory:',
    '--out',
    join(dir, 'out-drive'),
    '--no-production',
    '--no-battery',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout) as {
    warnings: string[];
    cycling: { experiment: { per_cycle: { charge_Ah: number; discharge_Ah: number; coulombic_efficiency: null }[] } };
  };
  const c1 = o.cycling.experiment.per_cycle[0]!;
  assert.ok(Math.abs(c1.discharge_Ah - (5 * 20) / 3600) < 1e-6, String(c1.discharge_Ah));
  assert.equal(c1.charge_Ah, 0);
  assert.equal(c1.coulombic_efficiency, null);
  assert.ok(
    o.warnings.some((w) => /coulombic efficiency not evaluable: the first cycle charges nothing/.test(w)),
    o.warnings.join('\n'),
  );
});

test('D8: an unknown key made of terminal escapes is printed escaped', async () => {
  const v = await cli(['validate', c('terminal-escape-unknown-key.yaml')]);
  assert.equal(v.code, 2);
  assert.ok(!v.stderr.includes('\x1b') && !v.stderr.includes('\x07'), 'no raw ESC or BEL reaches the terminal');
  assert.match(v.stderr, /\\x1b\]0;KEYPWN\\x07/);
});

test('D9: 40 000 unknown keys: the first 20 problems and a count, each with its line', async () => {
  const keys = Array.from({ length: 40000 }, (_, i) => `k${i}: 1`).join('\n');
  const f = join(dir, 'keys.yaml');
  writeFileSync(f, `${PATENT_YAML}\n${keys}\n`);
  const v = await cli(['validate', f]);
  assert.equal(v.code, 2, v.stderr);
  const lines = v.stderr.trim().split('\n');
  assert.equal(lines.length, 21, lines.slice(0, 3).join('\n'));
  assert.match(lines[0]!, /k0: unknown key \(got 1; allowed keys .*\) \[line \d+\]/);
  assert.match(lines[20]!, /39980 more problem\(s\) not shown \(got 40000 problems in all/);
});

test('D13/D1b: --out under /proc or onto /dev/null is refused before any work; nothing is stored', async () => {
  const db = join(dir, 'out.db');
  const recipe = new URL('../../examples/patent-line.yaml', import.meta.url).pathname;
  for (const out of ['/proc/rollcell-out', '/dev/null']) {
    const t0 = Date.now();
    const r = await cli(['run', recipe, '--out', out, '--db', db, '--no-production', '--no-battery']);
    exit2(r, /^--out: /);
    assert.ok(Date.now() - t0 < 20_000, 'refused before the line and the cycling run');
  }
  await nothingStored(db);
});

test('D2/D4c/D16 (BPX cell): a drive cycle with a 1e9 s gap, a capacity of 1e308 A·h and measured voltages of 1e308 V', async () => {
  const gap = await cli([
    'cycle',
    '--cell',
    BPX_FIXTURE,
    '--model',
    'spm',
    '--experiment',
    `Run drive cycle from ${c('crash-drive-cycle-time-gap.csv')} as current`,
  ]);
  exit2(gap, /--experiment: drive cycle '.*crash-drive-cycle-time-gap\.csv' is too long \(got 1000000000 s/);
  const cap = await cli([
    'cycle',
    '--cell',
    c('internal-error-bpx-capacity-1e308.json'),
    '--model',
    'spm',
    '--experiment',
    'Discharge at 1C until 2.7 V',
  ]);
  exit2(
    cap,
    /^--cell: Parameterisation\.Cell\.Nominal cell capacity \[A\.h\]: .*\(got 1e\+308; allowed > 0 and ≤ 100000\)/,
  );
  const rmse = await cli([
    'cycle',
    '--cell',
    BPX_FIXTURE,
    '--model',
    'spm',
    '--current-profile',
    c('null-rmse-measured-voltage-1e308.csv'),
    '--json',
  ]);
  exit2(
    rmse,
    /null-rmse-measured-voltage-1e308\.csv 'Voltage \/ V': too large to be a measurement .*\[line 40, column 3\]/,
  );
});

test('item 10: a power profile whose whole span is below one time step is refused naming the file (no null efficiency)', async () => {
  const recipe = new URL('../../examples/patent-line.yaml', import.meta.url).pathname;
  const r = await cli([
    'battery',
    recipe,
    '--profile',
    'csv',
    '--profile-csv',
    c('null-round-trip-efficiency-tiny-time-step.csv'),
    '--csv-column',
    'power_W',
    '--json',
  ]);
  exit2(r, /null-round-trip-efficiency-tiny-time-step\.csv: the CSV spans less than one time step/);
});
