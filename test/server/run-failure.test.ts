/**
 * A run worker's failure is classified by the one error value (issue 13 item 6): a ProblemError is an input
 * problem; anything else is internal, whatever its class or name. The worker used to take any RangeError
 * (and anything named 'ConfigError') for an input problem, so a defect in the physics was told to the user
 * as "see the recipe field named" and never reached the server log, while the CLI calls it an internal error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFailure } from '../../src/server/http-problems.ts';
import { problem } from '../../src/problems.ts';
import { ConfigError } from '../../src/process/production/config.ts';

test('a ProblemError (and its subclasses) is the input’s: its Problems, not internal', () => {
  const p = runFailure(problem('stations.240.force_N', 'must be > 0', '-1', '> 0'));
  assert.equal(p.internal, false);
  assert.deepEqual(p.problems, [{ path: 'stations.240.force_N', problem: 'must be > 0', got: '-1', allowed: '> 0' }]);
  const c = runFailure(new ConfigError([{ path: 'production.spc', problem: 'bad', got: 'x', allowed: 'y' }]));
  assert.equal(c.internal, false);
  assert.equal(c.problems[0]!.path, 'production.spc');
});

test('a RangeError or an error that only calls itself ConfigError is internal (logged, exit 1 in the CLI)', () => {
  for (const e of [
    new RangeError('spc: need ≥ 3 subgroups (got 2 of 5)'),
    Object.assign(new Error('x'), { name: 'ConfigError' }),
    'a string',
  ]) {
    const f = runFailure(e);
    assert.equal(f.internal, true, String(e));
    assert.equal(f.problems.length, 1);
    assert.equal(f.problems[0]!.allowed, '');
  }
});
