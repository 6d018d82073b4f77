import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProfileCsv, ProfileCsvError } from '../../src/electrochem/liquid/index.ts';
import { profileInterpolant } from '../../src/cycler/profile-drive.ts';

test('profile CSV in the About:Energy format is read (discharge negative)', () => {
  const p = parseProfileCsv('Time [s],I[A],U[V]\n0,-0.0058,4.1937\n0.002,-12.49,4.1413\n10,-12.5,4.10\n', 'x.csv');
  assert.deepEqual(Array.from(p.t_s), [0, 0.002, 10]);
  assert.deepEqual(Array.from(p.I_A), [-0.0058, -12.49, -12.5]);
  assert.deepEqual(Array.from(p.U_V!), [4.1937, 4.1413, 4.1]);
  const q = parseProfileCsv('Time [s],I[A]\r\n0,1\r\n5,2\r\n');
  assert.equal(q.U_V, undefined);
  const f = profileInterpolant(q.t_s, q.I_A);
  assert.equal(f(2.5), 1.5);
  assert.equal(f(10), 2);
});

test('malformed profile CSV: errors name the line and the column', () => {
  const bad: Array<[string, RegExp]> = [
    ['Time,I\n0,1\n', /^x\.csv: unknown header \(got "Time,I"; allowed "Time \[s\],I\[A\]".*\[line 1\]$/],
    [
      'Time [s],I[A],U[V]\n0,-1,4.1\n1,abc,4.0\n',
      /^x\.csv \(I\[A\]\): not a finite number \(got "abc".*\[line 3, column 2\]$/,
    ],
    ['Time [s],I[A],U[V]\n0,-1,4.1\n1,-1\n', /^x\.csv: wrong number of columns \(got 2; allowed 3 .*\[line 3\]$/],
    [
      'Time [s],I[A],U[V]\n0,-1,4.1\n0,-1,4.0\n',
      /^x\.csv \(Time \[s\]\): must increase strictly \(got 0 after 0; allowed > 0\) \[line 3, column 1\]$/,
    ],
    ['Time [s],I[A],U[V]\n0,-1,\n', /^x\.csv \(U\[V\]\): not a finite number .*\[line 2, column 3\]$/],
    // a hexadecimal or spelled-out number is not a measured value (Number() read 0x10 as 16)
    [
      'Time [s],I[A],U[V]\n0,-1,4.1\n1,0x10,4.0\n',
      /^x\.csv \(I\[A\]\): not a finite number \(got "0x10".*\[line 3, column 2\]$/,
    ],
    ['Time [s],I[A],U[V]\n0,-1,4\n', /x\.csv: needs at least 2 data rows/],
    ['', /x\.csv: empty file/],
    // a voltage of 1e308 would turn the RMSE into Infinity (printed as null): refused with its place
    [
      'Time [s],I[A],U[V]\n0,-1,4.1\n1,-1,1e308\n',
      /U\[V\]\): too large to be a measurement \(got 1e308; allowed a magnitude ≤ 1000\) \[line 3, column 3\]/,
    ],
  ];
  for (const [text, re] of bad)
    assert.throws(
      () => parseProfileCsv(text, 'x.csv'),
      (e: unknown) => e instanceof ProfileCsvError && re.test(e.message),
      `expected ${re}`,
    );
});
