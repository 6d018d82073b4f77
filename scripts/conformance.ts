/**
 * `npm run conformance`: rollcell against the reference implementations' own corpora (PyBaMM's experiment
 * strings and Experiment structures, the BPX examples and test documents of the bpx validator's and
 * PyBaMM's tests, the BDF reference datasets, the BDF files rollcell writes) — see
 * test/conformance/corpora/README.md. Prints `name: value unit` lines — per corpus its pass rate, the cases
 * passed and checked, and those passing only as a documented extension — and, as `#` comment lines, the
 * source of each corpus and each failing case (`--verbose`: every case). Exit 1 when a case fails that is not
 * one of the known differences (KNOWN_DIFFERENCES, listed with their reason).
 */
import { allCorpora, KNOWN_DIFFERENCES, passRate } from './conformance/suite.ts';

const verbose = process.argv.includes('--verbose');
const key = (corpus: string): string =>
  corpus
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
const t0 = performance.now();
let failed = 0;
let total = 0;
let unexpected = 0;
for (const r of allCorpora()) {
  const pass = r.cases.filter((c) => c.pass).length;
  failed += r.cases.length - pass;
  unexpected += r.cases.filter((c) => !c.pass && !(c.name in KNOWN_DIFFERENCES)).length;
  total += r.cases.length;
  const k = key(r.corpus);
  console.log(`# ${r.corpus} — ${r.source}`);
  console.log(`${k}.pass_rate: ${(100 * passRate(r)).toFixed(1)} %`);
  console.log(`${k}.passed: ${pass} cases`);
  console.log(`${k}.checked: ${r.cases.length} cases`);
  if (r.extensions !== undefined) console.log(`${k}.passed_as_documented_extension: ${r.extensions} cases`);
  for (const c of r.cases)
    if (!c.pass || verbose || (c.note && c.note.startsWith('extension')))
      console.log(
        `#   ${c.pass ? 'pass' : c.name in KNOWN_DIFFERENCES ? 'FAIL (known difference)' : 'FAIL'}  ${c.name}${c.note ? `  — ${c.note}` : ''}`,
      );
}
console.log(`all_corpora.pass_rate: ${((100 * (total - failed)) / Math.max(1, total)).toFixed(1)} %`);
console.log(`conformance_run_time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log(`new_differences: ${unexpected} cases`);
process.exitCode = unexpected ? 1 : 0;
