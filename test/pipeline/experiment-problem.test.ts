/**
 * A recipe experiment's parse errors become the one error value (Problem) from the parser's own fields,
 * never from its message parsed back with a regular expression (issue 13 item 6): a value whose text holds
 * "; allowed" was split at it (got `{"x":"`, allowed `y"}`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExperiment, type ExperimentEntryInput } from '../../src/cycler/experiment.ts';
import { experimentProblem } from '../../src/pipeline.ts';
import type { Problem } from '../../src/problems.ts';

function problems(entries: unknown[]): Problem[] {
  const r = parseExperiment(entries as ExperimentEntryInput[]);
  assert.equal(r.ok, false);
  return r.ok ? [] : r.errors.map((e) => experimentProblem(e));
}

test('a value whose text holds "; allowed" is reported whole, with what is allowed', () => {
  const [p] = problems([{ string: 'Rest for 1 hour', tags: { x: '; allowed y' } }]);
  assert.deepEqual(p, {
    path: 'experiment.0.tags',
    problem: 'must be a string or a list of strings',
    got: '{"x":"; allowed y"}',
    allowed: 'a string or a list of strings',
  });
});

test('out-of-range values and size limits keep their problem, value and allowed range', () => {
  assert.deepEqual(problems([{ type: 'rest', duration: -5 }])[0], {
    path: 'experiment.0.duration',
    problem: 'time must be positive',
    got: '-5',
    allowed: 'a number of seconds > 0',
  });
  assert.deepEqual(problems([{ string: 'Rest for 1 hour', temperature: -3 }])[0], {
    path: 'experiment.0.temperature',
    problem: 'must be above absolute zero',
    got: '-3 K',
    allowed: '> 0 K',
  });
  const [size] = problems([
    { repeat: 1_000_000_000, steps: ['Discharge at 1C until 3 V', 'Charge at 1C until 4.2 V'] },
  ]);
  assert.equal(size!.path, 'experiment');
  assert.match(size!.got, /\d/);
  assert.doesNotMatch(size!.problem, /\(got /);
});
