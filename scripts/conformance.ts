/**
 * `npm run conformance`: rollcell against the reference implementations' own corpora (PyBaMM's experiment
 * strings and Experiment structures, the BPX examples and test documents of the bpx validator's and
 * PyBaMM's tests, the BDF reference datasets, the BDF files rollcell writes) — see
 * test/conformance/corpora/README.md. Prints `name: value unit` lines (pass rate per corpus) and each
 * failing case; `--verbose` lists every case.
 */
import { allCorpora, passRate } from './conformance/suite.ts';

const verbose = process.argv.includes('--verbose');
const t0 = performance.now();
let failed = 0;
for (const r of allCorpora()) {
  const pass = r.cases.filter((c) => c.pass).length;
  failed += r.cases.length - pass;
  const ext = r.extensions ? ` (${r.extensions} as documented extensions)` : '';
  console.log(`${r.corpus}: ${(100 * passRate(r)).toFixed(1)} % (${pass}/${r.cases.length})${ext}  [${r.source}]`);
  for (const c of r.cases)
    if (!c.pass || verbose || (c.note && c.note.startsWith('extension')))
      console.log(`  ${c.pass ? 'pass' : 'FAIL'}  ${c.name}${c.note ? `  — ${c.note}` : ''}`);
}
console.log(`conformance run: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exitCode = failed ? 1 : 0;
