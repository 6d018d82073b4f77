/**
 * Number flags are read as plain decimals (src/io/decimal.ts) and date-times as ISO 8601 (src/io/datetime.ts):
 * `0x10`, a blank, `Infinity`, a fraction where a count is needed, `March 7` are each an input error (exit 2,
 * the flag, the value as typed, what is allowed) — never a stack trace, NaN or a value nobody typed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli, inputError } from '../helpers.ts';
import { parseInitialSoc, parseStartTime } from '../../src/cli/cycle.ts';
import { parseParamSpec } from '../../src/cli/fit.ts';
import { ProblemError } from '../../src/problems.ts';

const EXAMPLE = new URL('../../examples/patent-line.yaml', import.meta.url).pathname;

/** the CLI's answer to one flag value: exit 2 naming the flag and quoting the value */
async function refused(args: string[], flag: string, value: string, allowed: RegExp): Promise<void> {
  const r = await cli(args);
  const got = JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  inputError(r, new RegExp(`${flag}: .*\\(got ${got}; allowed ${allowed.source}`));
}

test('fit --points/--samples/--seed: hexadecimal, blank, Infinity and fractions are refused before any file is read', async () => {
  const fit = (flag: string, v: string): string[] => [
    'fit',
    '--cell',
    '/nonexistent/cell.json',
    '--data',
    '/nonexistent/data.csv',
    '--params',
    'x:1:2',
    flag,
    v,
  ];
  for (const v of ['0x10', '', 'Infinity', '400.5', ' 400'])
    await refused(fit('--points', v), '--points', v, /10 … 1000000/);
  for (const v of ['0x100', '', '1e300', '200.5']) await refused(fit('--samples', v), '--samples', v, /100 … 1000000/);
  // the seed as every command's --seed: a whole number 0 … 2³² − 1 (a negative one was taken before)
  for (const v of ['0x1', '', '-1', '1.5', 'Infinity']) await refused(fit('--seed', v), '--seed', v, /0 … 4294967295/);
});

test('fit --params: a bound that is blank or not a plain decimal is refused (name::1 was read as lower = 0)', () => {
  for (const s of ['x::1', 'x:0x1:2', 'x:1:Infinity', 'x: :1'])
    assert.throws(
      () => parseParamSpec(s, 0),
      (e: unknown) => e instanceof ProblemError && /--params\.0: invalid bounds/.test(e.message),
      s,
    );
  assert.deepEqual(parseParamSpec('x:1e-15:.5:log', 0), { name: 'x', lower: 1e-15, upper: 0.5, log: true });
});

test('battery --days: a fraction, hexadecimal or blank is refused, not rounded or read as 16 / 0', async () => {
  for (const v of ['1.5', '0x10', '', 'Infinity'])
    await refused(['battery', EXAMPLE, '--profile', 'ess:solar', '--days', v], '--days', v, /1 … 365/);
});

test('bpx check --v-tol: not a plain decimal is named as such; a negative one as before', async () => {
  for (const v of ['0x1', '', 'Infinity', 'abc'])
    await refused(['bpx', 'check', '/nonexistent/cell.json', '--v-tol', v], '--v-tol', v, /a tolerance ≥ 0 V/);
  const r = await cli(['bpx', 'check', '/nonexistent/cell.json', '--v-tol', '0x1']);
  assert.match(r.stderr, /--v-tol: not a plain decimal number/);
});

test('cycle --start-time: Unix seconds or ISO 8601 only; a zone-less time is UTC whatever the host zone', async () => {
  for (const v of ['March 7', 'foo 12', '0x10', '', '2025-02-30T00:00:00Z', '2025-01-31T24:00:00Z', '1e300'])
    await refused(
      ['cycle', '--cell', EXAMPLE, '--model', 'spm', '--start-time', v],
      '--start-time',
      v,
      /ISO 8601 .* or Unix seconds/,
    );
  const tz = process.env['TZ'];
  try {
    process.env['TZ'] = 'Asia/Tokyo'; // Date.parse would read a zone-less time 9 h earlier here
    assert.equal(parseStartTime('2025-01-31T08:00:00'), 1738310400);
    assert.equal(parseStartTime('2025-01-31T08:00:00Z'), 1738310400);
    assert.equal(parseStartTime('2025-01-31T09:00:00+01:00'), 1738310400);
    assert.equal(parseStartTime('2025-01-31'), 1738281600);
    assert.equal(parseStartTime('1738310400'), 1738310400);
    assert.equal(parseStartTime('1'), 1); // Unix seconds, not 2001-01-01 as Date.parse reads it
  } finally {
    if (tz === undefined) delete process.env['TZ'];
    else process.env['TZ'] = tz;
  }
});

test('cycle --initial-soc: hexadecimal, blank and Infinity are refused; plain decimals 0–1 are read', async () => {
  for (const v of ['0x1', ' ', 'Infinity', '1.5'])
    await refused(
      ['cycle', '--cell', EXAMPLE, '--model', 'spm', '--initial-soc', v],
      '--initial-soc',
      v,
      /a number 0–1/,
    );
  assert.equal(parseInitialSoc('.5'), 0.5);
  assert.equal(parseInitialSoc('1e-1'), 0.1);
});

test('study --workers and serve --port/--concurrency: hexadecimal, blank, Infinity and fractions are refused', async () => {
  for (const v of ['0x2', '', '1.5', 'Infinity'])
    await refused(
      ['sweep', EXAMPLE, '/nonexistent/study.yaml', '--workers', v],
      '--workers',
      v,
      /0 \(this thread\) … 256/,
    );
  for (const v of ['0x1F90', '', '80.5', 'Infinity']) await refused(['serve', '--port', v], '--port', v, /0 … 65535/);
  for (const v of ['0x2', '', '2.5', 'Infinity'])
    await refused(['serve', '--port', '0', '--concurrency', v], '--concurrency', v, /1 … 256/);
});
