/**
 * Extreme and inconsistent input on the production, battery and cycle paths: each is an input error
 * (exit 2, the field, the value, what is allowed) — never an internal error, a stack trace or nonsense.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { cli, inputError, patentObject, testDir } from '../helpers.ts';

const dir = testDir('rollcell-extremes-');
let k = 0;
function recipe(edit: (r: Record<string, any>) => void): string {
  const r = patentObject();
  r.battery = { series: 2, parallel: 2, application: 'ev', interconnect_resistance_mOhm: 0.2 };
  r.production = { duration_h: 0.05 };
  r.cycling = { ...(r.cycling ?? {}), ageing_cycles: 0, rate_capability: false };
  edit(r);
  const f = join(dir, `r${k++}.yaml`);
  writeFileSync(f, stringify(r));
  return f;
}

test('validate: out-of-range battery and production settings name the field and the allowed range', async () => {
  inputError(
    await cli(['validate', recipe((r) => (r.battery.interconnect_resistance_mOhm = 1e9))]),
    /battery\.interconnect_resistance_mOhm: .*got 1000000000; allowed <= 100/,
  );
  inputError(
    await cli(['validate', recipe((r) => (r.battery.extras = { thermal: { ambient_C: -300 } }))]),
    /battery\.extras\.thermal\.ambient_C: .*got -300; allowed >= -60/,
  );
  inputError(
    await cli(['validate', recipe((r) => (r.battery.extras = { thermal: { heat_capacity_J_kgK: 1e-9 } }))]),
    /heat_capacity_J_kgK: .*allowed >= 100/,
  );
  inputError(
    await cli(['validate', recipe((r) => (r.battery.extras = { bms: { bleed_resistance_ohm: 1e-9 } }))]),
    /bleed_resistance_ohm: .*allowed >= 1/,
  );
  inputError(
    await cli([
      'validate',
      recipe((r) => (r.battery.extras = { wind: { cut_in_m_s: 30, rated_m_s: 12, cut_out_m_s: 5 } })),
    ]),
    /battery\.extras\.wind\.rated_m_s: turbine speeds must satisfy cut_in_m_s < rated_m_s < cut_out_m_s/,
  );
  inputError(
    await cli(['validate', recipe((r) => (r.production.duration_h = 1000))]),
    /production\.duration_h: .*got 1000; allowed <= 168/,
  );
});

test('battery: a BMS window wider than the cell cut-offs, and a speed trace with negative speeds, are input errors', async () => {
  inputError(
    await cli([
      'battery',
      recipe((r) => (r.battery.extras = { bms: { cell_v_min_V: 1, cell_v_max_V: 4.2 } })),
      '--profile',
      'ev:UDDS',
    ]),
    /battery\.extras\.bms\.cell_v_min_V: below the cell's discharge cut-off \(got 1 V; allowed ≥ cycling\.discharge_cutoff_V = 3 V\)/,
  );
  const csv = join(dir, 'neg.csv');
  writeFileSync(csv, '0,-50\n10,-60\n');
  inputError(
    await cli(['battery', recipe(() => {}), '--profile', 'csv', '--profile-csv', csv, '--csv-column', 'speed_km_h']),
    /speed trace: speed must be ≥ 0/,
  );
  // a profile spanning 30 years of seconds is refused at once, not simulated for hours
  const long = join(dir, 'long.csv');
  writeFileSync(long, '0,-1000\n1000000000,-1000\n');
  inputError(
    await cli(['battery', recipe(() => {}), '--profile', 'csv', '--profile-csv', long, '--csv-column', 'power_W']),
    /long\.csv: the CSV spans 1000000000 s .*allowed ≤ 2678400/,
  );
});

test('run: variability so large that a sampled thickness turns negative is a variability error, not an internal one', async () => {
  const r = await cli([
    'run',
    recipe((x) => (x.variability = { scale: 50 })),
    '--db',
    join(dir, 'v.db'),
    '--out',
    join(dir, 'out'),
    '--no-battery',
  ]);
  inputError(r, /variability/);
  assert.match(r.stderr, /allowed .*(small enough|stays)/);
});

test('cycle: an output path that cannot be written is an input error naming the option', async () => {
  const ex = new URL('../../examples/patent-line.yaml', import.meta.url).pathname;
  inputError(
    await cli(['cycle', '--cell', ex, '--model', 'spm', '--summary-csv', join(dir, 'no-such-dir', 'x.csv')]),
    /--summary-csv: directory ".*no-such-dir" does not exist \(got ".*x\.csv"; allowed a new file in an existing, writable directory/,
  );
  inputError(
    await cli(['cycle', '--cell', ex, '--model', 'spm', '--csv', dir]),
    /--csv: a directory is there; rollcell writes regular files only/,
  );
});

test('battery: a profile with no energy flow has an undefined round-trip efficiency (null), not 0 %', async () => {
  const csv = join(dir, 'zero.csv');
  writeFileSync(csv, '0,0\n600,0\n');
  const r = await cli([
    'battery',
    recipe(() => {}),
    '--profile',
    'csv',
    '--profile-csv',
    csv,
    '--csv-column',
    'power_W',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const b = JSON.parse(r.stdout) as { results: { round_trip_efficiency: number | null; energy_out_kWh: number } };
  assert.equal(b.results.energy_out_kWh, 0);
  assert.equal(b.results.round_trip_efficiency, null);
});

test('run: edge trims wider than the web name production.edge_trim_mm, not the cell width', async () => {
  const r = await cli([
    'run',
    recipe((x) => (x.production.edge_trim_mm = 200)),
    '--db',
    join(dir, 'e.db'),
    '--out',
    join(dir, 'out'),
    '--no-battery',
  ]);
  inputError(
    r,
    /production\.edge_trim_mm: the two edge trims take the whole web \(got 200 mm per side on a 100 mm web; allowed < 50 mm/,
  );
});
