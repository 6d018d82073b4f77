import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from '../helpers.ts';

const example = new URL('../../examples/patent-line.yaml', import.meta.url).pathname;

test('validate prints the warnings run would print (here: the reaction heat melts the Li in a roll wound at 10 m/min and stored at 150 °C) on stderr, exit 0, stdout empty', async () => {
  const r = await cli([
    'validate',
    example,
    '--set',
    'line.speed_m_per_min=10',
    '--set',
    'line.downstream.temperature_C=150',
  ]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /patent-line\.yaml: warning: PHYSICALLY IMPOSSIBLE: reaction heat raises the web to [\d.]+ °C in the roll \(> 180\.5 °C, Li melts/,
  );
  const w = await cli(['validate', example, '--set', 'stations.240.force_N=100']);
  assert.equal(w.code, 0);
  assert.match(w.stderr, /warning: .*outside the seed's window 150–500 N/);
});
