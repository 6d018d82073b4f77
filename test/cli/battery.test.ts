import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { cli, patentObject, testDir } from '../helpers.ts';

const dir = testDir('rollcell-battery-cli-');

/** the patent example with a small pack (and optionally a short production run) */
function recipeFile(name: string, edit: (r: Record<string, any>) => void): string {
  const r = patentObject();
  r.battery = { series: 2, parallel: 2, application: 'ess_solar', interconnect_resistance_mOhm: 0.2 };
  r.cycling = { ...(r.cycling ?? {}), ageing_cycles: 20, rate_capability: false };
  edit(r);
  const f = join(dir, name);
  writeFileSync(f, stringify(r));
  return f;
}

test('battery --json: a 2s2p pack on a solar-storage day; finite figures, conservation closes, pack voltage = series × cell window', async () => {
  const f = recipeFile('small.yaml', () => {});
  const r = await cli(['battery', f, '--profile', 'ess:solar', '--json', '--seed', '3']);
  assert.equal(r.code, 0, r.stderr);
  const b = JSON.parse(r.stdout) as Record<string, any>;
  assert.equal(b.profile, 'ess:solar');
  assert.equal(b.pack.series, 2);
  assert.equal(b.pack.parallel, 2);
  assert.equal(b.pack.cells, 4);
  assert.equal(b.pack.cell_source, 'design');
  // the BMS window of every cell is the recipe's cycling cut-offs (3.0–4.3 V): pack window = 2 × that
  assert.ok(
    Math.abs(b.pack.voltage_min_V - 2 * 3.0) < 1e-9 && Math.abs(b.pack.voltage_max_V - 2 * 4.3) < 1e-9,
    `${b.pack.voltage_min_V}–${b.pack.voltage_max_V}`,
  );
  assert.ok(
    b.results.cell_voltage_min_V >= 3.0 - 1e-6 && b.results.cell_voltage_max_V <= 4.3 + 1e-6,
    'b.results.cell_voltage_min_V >= 3.0 - 1e-6 && b.results.cell_voltage_max_V <= 4.3 + 1e-6',
  );
  const scale = Math.max(1, b.results.throughput_kWh * 3.6e6);
  assert.ok(
    Math.abs(b.results.conservation.energy_balance_error_J) < 1e-6 * scale,
    JSON.stringify(b.results.conservation),
  );
  assert.ok(
    b.results.round_trip_efficiency > 0.5 && b.results.round_trip_efficiency <= 1,
    'b.results.round_trip_efficiency > 0.5 && b.results.round_trip_efficiency <= 1',
  );
  assert.match(b.limiting_cell.serial, /\S/);
});

test('battery: bad flags and a recipe without a battery exit 2 with the field, the value and what is allowed', async () => {
  const f = recipeFile('small2.yaml', () => {});
  let r = await cli(['battery', f, '--profile', 'ev:FTP75']);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /--profile: unknown duty profile \(got "ev:FTP75"; allowed ev:UDDS, ev:US06, ev:WLTC, ess:solar, ess:wind, csv\)/,
  );
  r = await cli(['battery', f, '--profile', 'ess:wind', '--days', '0']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--days: .*got "0"; allowed 1 … 365/);
  r = await cli(['battery', f, '--profile', 'ess:wind', '--cells', 'lab']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--cells: unknown cell source \(got "lab"/);
  r = await cli(['battery', f, '--profile', 'csv']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--profile-csv: the csv profile needs a file/);
  const none = recipeFile('nobattery.yaml', (x) => delete x.battery);
  r = await cli(['battery', none, '--profile', 'ev:UDDS']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /battery: the recipe has no battery block/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/); // no stack trace
});

test('battery --profile csv: a malformed CSV is an input error naming the line and the column', async () => {
  const f = recipeFile('small3.yaml', () => {});
  const csv = join(dir, 'p.csv');
  writeFileSync(csv, '# time [s], power [W]\n0,-10\n1,oops\n');
  const r = await cli(['battery', f, '--profile', 'csv', '--profile-csv', csv, '--csv-column', 'power_W']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /p\.csv \(value\): not a finite number \(got "oops".*\[line 3, column 2\]/);
});

test('run with a short production run: production block, every cell stored with its genealogy, battery built from in-spec production cells', async () => {
  const f = recipeFile('prod.yaml', (x) => {
    x.production = { duration_h: 0.1 };
  });
  const db = join(dir, 'runs.db');
  const r = await cli(['run', f, '--json', '--db', db, '--out', join(dir, 'out')]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, any>;
  const p = out.production;
  assert.ok(p.cells_total > 4, `cells ${p.cells_total}`);
  assert.equal(p.cells_total, p.cells_in_spec + p.cells_out_of_spec);
  assert.ok(
    Math.abs(p.yield_pct - (100 * p.cells_in_spec) / p.cells_total) < 1e-3,
    'Math.abs(p.yield_pct - (100 * p.cells_in_spec) / p.cells_total) < 1e-3',
  );
  assert.equal(out.battery.pack.cell_source, 'production');
  // the limiting cell traces back to its parent rolls on the line
  const g = out.battery.limiting_cell.genealogy;
  assert.deepEqual(
    g.parents.map((q: Record<string, any>) => q.sheet).sort(),
    ['al_sheet', 'first_sheet', 'third_sheet'],
    JSON.stringify(g),
  );
  for (const par of g.parents) {
    assert.match(par.roll_id, /-\d{4}$/);
    assert.ok(
      par.md_start_m >= 0 && par.md_start_m <= p.web_length_m,
      'par.md_start_m >= 0 && par.md_start_m <= p.web_length_m',
    );
  }
  const ex = await cli(['runs', 'export', out.run_id, '--db', db]);
  assert.equal(ex.code, 0, ex.stderr);
  const bundle = JSON.parse(ex.stdout) as Record<string, any>;
  assert.equal(bundle.cells.length, p.cells_total);
  assert.ok(
    bundle.cells.some((c: Record<string, any>) => c.serial === out.battery.limiting_cell.serial),
    'bundle.cells.some((c: Record<string, any>) => c.serial === out.battery.limiting_cell.seri…',
  );
  // passport: exactly the pack's cells (the first series × parallel in-spec cells) point to the battery
  const inPack = bundle.cells.filter(
    (c: Record<string, any>) => c.genealogy.battery_serial === out.battery.battery_serial,
  );
  assert.equal(inPack.length, 4);
  assert.ok(
    inPack.every((c: Record<string, any>) => c.in_spec),
    'inPack.every((c: Record<string, any>) => c.in_spec)',
  );
  assert.ok(
    inPack.some((c: Record<string, any>) => c.serial === out.battery.limiting_cell.serial),
    'inPack.some((c: Record<string, any>) => c.serial === out.battery.limiting_cell.serial)',
  );
  assert.ok(
    bundle.cycles.length >= 1 && bundle.time_series.length >= 1,
    'bundle.cycles.length >= 1 && bundle.time_series.length >= 1',
  );
});

test('run --no-production --no-battery leaves both blocks out', async () => {
  const f = recipeFile('plain.yaml', () => {});
  const r = await cli([
    'run',
    f,
    '--json',
    '--db',
    join(dir, 'plain.db'),
    '--out',
    join(dir, 'out'),
    '--no-production',
    '--no-battery',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, any>;
  assert.equal(out.production, undefined);
  assert.equal(out.battery, undefined);
});

test('battery --profile ev:US06 on a 24s2p pack: a demand the pack cannot follow is a reported BMS derating, not an internal error (issue 12)', async () => {
  // before: "internal error: pack: power -4698.77 W not reached" (exit 1): the per-group Newton cycled
  // at the extreme cell currents of US06's peaks
  const f = recipeFile('us06.yaml', (r) => {
    r.battery = { series: 24, parallel: 2, application: 'ev', extras: { years: 0 } };
  });
  const r = await cli(['battery', f, '--profile', 'ev:US06', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const b = JSON.parse(r.stdout) as Record<string, any>;
  assert.ok(b.results.deratings.count > 0, 'the peaks are derated');
  assert.ok(b.results.deratings.energy_not_delivered_Wh > 0, 'b.results.deratings.energy_not_delivered_Wh > 0');
  assert.ok(
    b.results.cell_voltage_min_V >= 3.0 - 1e-6,
    `cells stay inside the BMS window (${b.results.cell_voltage_min_V} V)`,
  );
  assert.ok(b.results.ev.range_km > 0, 'b.results.ev.range_km > 0');
  const scale = Math.max(1, b.results.throughput_kWh * 3.6e6);
  assert.ok(
    Math.abs(b.results.conservation.energy_balance_error_J) < 1e-6 * scale,
    'Math.abs(b.results.conservation.energy_balance_error_J) < 1e-6 * scale',
  );
});

test('battery: a pack the model could not evaluate to the end prints the duty up to the stop, then exits 2 naming why', async () => {
  const f = recipeFile('not-evaluable.yaml', (r) => {
    r.battery = { series: 2, parallel: 2, application: 'ev', interconnect_resistance_mOhm: 0.2 };
  });
  // fault injection: at the duty's 300th power step cell 3's state stops being a number
  const { Pack } = await import('../../src/battery/pack.ts');
  const orig = Pack.prototype.stepPower;
  let n = 0;
  Pack.prototype.stepPower = function (this: InstanceType<typeof Pack>, P: number, dt: number) {
    if (++n === 300) this.y[3]![this.models[3]!.nr - 1] = NaN;
    return orig.call(this, P, dt);
  };
  let r: Awaited<ReturnType<typeof cli>>;
  try {
    r = await cli(['battery', f, '--profile', 'ev:UDDS', '--json', '--days', '1']);
  } finally {
    Pack.prototype.stepPower = orig;
  }
  assert.equal(r.code, 2, r.stderr);
  const b = JSON.parse(r.stdout) as Record<string, any>;
  assert.equal(b.results.not_evaluable.cell, 3);
  assert.equal(b.results.not_evaluable.t_s, 299);
  assert.match(
    r.stderr,
    /^battery\.cells\[3\]: cannot be evaluated at t = 299 s \(group 1\): its voltage is not finite.* \(got pack current .* A; allowed cell states inside the cell model/m,
  );
  // the same pack without the fault runs to the end and exits 0
  const ok = await cli(['battery', f, '--profile', 'ev:UDDS', '--json', '--days', '1']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as Record<string, any>).results.not_evaluable, undefined);
});
