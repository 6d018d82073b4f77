/**
 * The output contract (src/contract.ts) against real run outputs: every example's run validates, and a
 * run mutated against the contract (a missing name, a value out of range, an unknown verdict, an unknown
 * block) does not. The full run of the patent example with the battery is checked in test/cli/run.test.ts
 * (the pack's duty profile is the costly stage); here every example runs the line, a short production
 * shift and the claims, and the patent example also cycles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { loadExample } from '../claims/fixtures.ts';
import { runJob } from '../../src/pipeline.ts';
import { checkRunOutput, runOutputJsonSchema, runOutputSchema, type RunOutput } from '../../src/contract.ts';

const EXAMPLES = readdirSync(new URL('../../examples/', import.meta.url)).filter((f) => f.endsWith('.yaml'));

const clone = (o: RunOutput): Record<string, any> => JSON.parse(JSON.stringify(o)) as Record<string, any>;

let patent: RunOutput | null = null;

test('every example run (line, production shift, claims) satisfies the output contract', () => {
  assert.ok(EXAMPLES.length >= 4, `examples found: ${EXAMPLES.join(', ')}`);
  for (const f of EXAMPLES) {
    const recipe = loadExample(f);
    const cycle = f === 'patent-line.yaml';
    const out = runJob(recipe, {
      seed: 1,
      runId: `contract-${f}`,
      noCycling: !cycle,
      production: { duration_s: 60 },
      cycling: { series: 'summary' },
    }).output;
    assert.ok(out.line && out.production && out.claims && out.windows, `${f}: the blocks under test are present`);
    if (cycle) assert.ok(out.cycling, 'the patent example cycles');
    // through JSON, as users read it
    assert.deepEqual(checkRunOutput(JSON.parse(JSON.stringify(out))), [], f);
    if (cycle) patent = out;
  }
});

test('a run mutated against the contract is refused, naming the field', () => {
  assert.ok(patent, 'the patent run of the test above');
  const base = patent;
  const cases: [string, (o: Record<string, any>) => void, RegExp][] = [
    ['a required name removed', (o) => delete o.design.np_ratio, /^design\.np_ratio: /],
    ['a risk above 1', (o) => (o.line.crack.sandwiched.risk = 1.5), /^line\.crack\.sandwiched\.risk: /],
    ['an unknown verdict', (o) => (o.claims[0].verdict = 'maybe'), /^claims\.0\.verdict: /],
    [
      'an unknown element verdict',
      (o) => (o.claims[0].elements[0].verdict = 'ok'),
      /^claims\.0\.elements\.0\.verdict: /,
    ],
    ['an unknown station', (o) => (o.line.stations[0].id = '999'), /^line\.stations\.0\.id: /],
    ['an unknown layer role', (o) => (o.line.stations[0].layers[0].role = 'separator'), /\.layers\.0\.role: /],
    ['an unknown phase', (o) => (o.line.anode.al_fractions.LiAl2 = 0), /^line\.anode\.al_fractions: /],
    ['a number as text', (o) => (o.production.yield_pct = '93.1'), /^production\.yield_pct: /],
    ['a NaN', (o) => (o.cycling.coulombic_efficiency = Number.NaN), /^cycling\.coulombic_efficiency: /],
    ['a yield over 100 %', (o) => (o.production.yield_pct = 101), /^production\.yield_pct: /],
    ['an unknown top-level block', (o) => (o.extra = {}), /^\(root\): .*extra/],
    [
      'a finding of an unknown kind',
      (o) => (o.validity = { findings: [{ kind: 'odd', source: 'line', code: 'x', reason: 'r', claims: 'all' }] }),
      /^validity\.findings\.0\.kind: /,
    ],
  ];
  for (const [what, mutate, path] of cases) {
    const o = clone(base);
    mutate(o);
    const problems = checkRunOutput(o);
    assert.ok(problems.length > 0, `${what}: refused`);
    assert.ok(
      problems.some((p) => path.test(p)),
      `${what}: names the field (${problems.join('; ')})`,
    );
  }
  // every block is closed (issue 13 item 3): a field the contract does not name is refused wherever it is
  // added, at any depth (it must be named in src/contract.ts first); the unmutated run still passes
  assert.ok(runOutputSchema.safeParse(clone(base)).success, 'runOutputSchema.safeParse(clone(base)).success');
  const added: [string, (o: Record<string, any>) => void, RegExp][] = [
    ['the line anode', (o) => (o.line.anode.new_figure_um = 1), /^line\.anode: .*new_figure_um/],
    ['a station', (o) => (o.line.stations[2].new_figure = 1), /^line\.stations\.2: .*new_figure/],
    ['a layer', (o) => (o.line.stations[0].layers[0].new_figure = 1), /^line\.stations\.0\.layers\.0: /],
    ['the design', (o) => (o.design.cell.new_figure = 1), /^design\.cell: .*new_figure/],
    ['the production block', (o) => (o.production.new_figure = 1), /^production: .*new_figure/],
    ['the OEE', (o) => (o.production.oee.new_figure = 1), /^production\.oee: .*new_figure/],
    ['a lane capability', (o) => (o.production.capability[0].new_figure = 1), /^production\.capability\.0: /],
    ['the cycling block', (o) => (o.cycling.new_figure = 1), /^cycling: .*new_figure/],
    ['the experiment', (o) => (o.cycling.experiment.new_figure = 1), /^cycling\.experiment: .*new_figure/],
    ['a claim', (o) => (o.claims[0].new_figure = 1), /^claims\.0: .*new_figure/],
    ['a claim element', (o) => (o.claims[0].elements[0].new_figure = 1), /^claims\.0\.elements\.0: /],
    ['a window', (o) => (o.windows[0].new_figure = 1), /^windows\.0: .*new_figure/],
    ['an unknown scrap cause', (o) => (o.production.out_of_spec_causes.odd = 1), /^production\.out_of_spec_causes/],
  ];
  for (const [where, mutate, path] of added) {
    const o = clone(base);
    mutate(o);
    const problems = checkRunOutput(o);
    assert.ok(
      problems.some((p) => path.test(p)),
      `a field added to ${where} is refused, naming it (${problems.join('; ')})`,
    );
  }
});

test('`rollcell schema --output` is the JSON Schema of the same contract (required names, enums, ranges)', () => {
  const s = runOutputJsonSchema() as any;
  assert.equal(s.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.equal(s.additionalProperties, false, 'the top level is closed');
  assert.deepEqual(s.required, ['rollcell_version', 'run_id', 'design']);
  const line = s.properties.line;
  assert.deepEqual(line.properties.stations.items.properties.id.enum, ['222', '236', '240']);
  assert.deepEqual(Object.keys(line.properties.anode.properties.al_fractions.properties), [
    'Al',
    'LiAl',
    'Li3Al2',
    'Li9Al4',
  ]);
  const risk = line.properties.crack.properties.sandwiched.properties.risk;
  assert.deepEqual([risk.minimum, risk.maximum], [0, 1]);
  assert.deepEqual(s.properties.claims.items.properties.verdict.enum, ['met', 'not met', 'not evaluable']);
  assert.deepEqual(s.properties.design.required, [
    'cell',
    'cathode',
    'anode',
    'np_ratio',
    'specific_energy_Wh_kg',
    'energy_density_Wh_L',
  ]);
});
