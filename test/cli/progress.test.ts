import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReporter } from '../../src/cli/progress.ts';
import { parseRecipeText } from '../../src/recipe/parse.ts';
import { runJob } from '../../src/pipeline.ts';
import type { ProgressEvent } from '../../src/progress.ts';
import { patentObject } from '../helpers.ts';
import { stringify } from 'yaml';

function sink(isTTY: boolean): { stream: NodeJS.WritableStream & { isTTY: boolean }; text: () => string } {
  let text = '';
  const stream = {
    isTTY,
    columns: 120,
    write(s: string): boolean {
      text += s;
      return true;
    },
    on: () => stream,
    once: () => stream,
    removeListener: () => stream,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  } as unknown as NodeJS.WritableStream & { isTTY: boolean };
  return { stream, text: () => text };
}

test('progress, not a terminal: silent for short stages, then plain lines with percentage and ETA, and a closing line', () => {
  const s = sink(false);
  let t = 0;
  const r = createReporter({ stream: s.stream, now: () => t, quietFor_ms: 2000, interval_ms: 10_000 });
  r.progress({ stage: 'line', done: 0, total: 1 });
  t = 500;
  r.progress({ stage: 'line', done: 1, total: 1 });
  r.progress({ stage: 'production shift', done: 0, total: 1000, unit: 'cells' });
  assert.equal(s.text(), '', 'a stage shorter than 2 s prints nothing');
  t = 3000; // 2.5 s into the shift, 25 % done → ETA 7.5 s
  r.progress({ stage: 'production shift', done: 250, total: 1000, unit: 'cells' });
  t = 4000;
  r.progress({ stage: 'production shift', done: 300, total: 1000, unit: 'cells' }); // within 10 s: no line
  t = 13_500;
  r.progress({ stage: 'production shift', done: 900, total: 1000, unit: 'cells' });
  t = 14_000;
  r.close();
  assert.deepEqual(s.text().trim().split('\n'), [
    'rollcell: production shift: 25 % (250/1000 cells), ETA 7.5 s',
    'rollcell: production shift: 90 % (900/1000 cells), ETA 1.4 s',
    'rollcell: production shift: done in 14 s',
  ]);
});

test('progress on a terminal: a bar per stage with its ETA; --quiet: nothing at all', () => {
  const s = sink(true);
  const r = createReporter({ stream: s.stream, tty: true });
  r.progress({ stage: 'battery: ageing', done: 0, total: 10, unit: 'years' });
  r.progress({ stage: 'battery: ageing', done: 5, total: 10, unit: 'years' });
  r.close();
  assert.match(s.text(), /battery: ageing\s+\[[█░]+\] \d+% \| ETA \S+ \| \d+\/10 years/);
  const q = sink(true);
  const quiet = createReporter({ stream: q.stream, tty: true, quiet: true });
  quiet.progress({ stage: 'x', done: 1, total: 2 });
  quiet.close();
  assert.equal(q.text(), '');
});

test('runJob reports every stage in order (line, cycling, production shift, battery), done never past total, each ending at its total', () => {
  const r = patentObject();
  r.battery = { series: 2, parallel: 2, application: 'ess_solar', extras: { years: 1 } };
  r.cycling = { ...r.cycling, ageing_cycles: 5, rate_capability: false };
  const p = parseRecipeText(stringify(r));
  if (!p.ok) throw new Error(p.problems.map((x) => x.problem).join('\n'));
  const events: ProgressEvent[] = [];
  runJob(p.recipe, { seed: 1, production: { duration_s: 120 }, battery: true, progress: (e) => events.push(e) });
  const stages = [...new Set(events.map((e) => e.stage))];
  assert.deepEqual(stages, [
    'line',
    'cycling',
    'production shift',
    'battery: C/3 capacity',
    'battery: duty profile',
    'battery: ageing',
  ]);
  for (const st of stages) {
    const es = events.filter((e) => e.stage === st);
    for (const e of es) assert.ok(e.done >= 0 && e.done <= e.total, `${st}: ${e.done}/${e.total}`);
    for (let i = 1; i < es.length; i++) assert.ok(es[i]!.done >= es[i - 1]!.done, `${st} never goes back`);
    assert.equal(es[es.length - 1]!.done, es[es.length - 1]!.total, `${st} ends at its total`);
  }
});
