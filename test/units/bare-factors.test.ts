/**
 * Units at the edge (issue 13 item 7): the physics of design/, process/, electrochem/, the cycler and battery/
 * convert units only through the named helpers of src/units (and the temperatures of materials/constants), never
 * with a bare factor —
 * × or ÷ 3600, 3.6, 36000, 1000, 1e3, 1e6, 60 or 100, or a literal 273.15 / 298.15. The unit tables of the
 * experiment language (a table of names → factors, not a × or ÷) are the edge itself and do not count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const DIRS = ['src/design', 'src/process', 'src/electrochem', 'src/cycler', 'src/battery'];
/**
 * files not yet checked, each with why: process/line.ts (the production run's variability in % and the gauge
 * drift per hour, 6 lines) is being rewritten for the SI production cell record (issue 13 item 1)
 */
const PENDING = ['src/process/line.ts'];
const BARE = /[*/]\s*(3600|3\.6|36000|1000|1e3|1e6|60|100)\b(?![.\d])|\b(273|298)\.15\b/;
/** lines whose factor is not a unit conversion: a finite-difference stencil's denominator */
const ALLOWED = [/^\s*d\[i\] = \(45 \* \(y\[k \+ 1\]! - y\[k - 1\]!\).*\/ 60;$/];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : n.endsWith('.ts') ? [p] : [];
  });
}

/** the code of a line: no line comment, no doc-comment line */
function code(line: string): string {
  if (/^\s*(\*|\/\*|\/\/)/.test(line)) return '';
  const i = line.indexOf('//');
  return i >= 0 && !/['"`][^'"`]*\/\/[^'"`]*['"`]/.test(line) ? line.slice(0, i) : line;
}

function bareFactorLines(dirs: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of dirs)
    for (const f of tsFiles(join(ROOT, d))) {
      if (PENDING.includes(relative(ROOT, f))) continue;
      const lines = readFileSync(f, 'utf8').split('\n');
      lines.forEach((l, k) => {
        const c = code(l);
        if (BARE.test(c) && !ALLOWED.some((a) => a.test(c))) out.push(`${relative(ROOT, f)}:${k + 1}: ${l.trim()}`);
      });
    }
  return out;
}

test('no bare unit factor in design/, process/, electrochem/, cycler/ or battery/ (units go through src/units)', () => {
  assert.deepEqual(bareFactorLines(DIRS), []);
});

test('the check finds a bare factor where there is one', () => {
  assert.ok(BARE.test('const q_C = capacity_Ah * 3600;'), "BARE.test('const q_C = capacity_Ah * 3600;')");
  assert.ok(BARE.test('value: o.stackPressure_Pa / 1e6,'), "BARE.test('value: o.stackPressure_Pa / 1e6,')");
  assert.ok(BARE.test('const T = t_C + 273.15;'), "BARE.test('const T = t_C + 273.15;')");
  assert.ok(!BARE.test('const h = 1e-6 * Math.max(Math.abs(x), 1);'), 'a tolerance is not a unit');
  assert.ok(!BARE.test('const k = x * 1000.5;'), "!BARE.test('const k = x * 1000.5;')");
});
