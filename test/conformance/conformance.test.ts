/**
 * The conformance suite at a small size (`npm run conformance` runs all of it and prints the pass rates):
 * PyBaMM's experiment strings and structures, the BPX test documents and examples, two of the BDF
 * reference datasets, and the BDF files rollcell writes. Every case passes except the differences listed
 * below with their reason — a new difference fails, and a fixed one must leave the list.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bdfDatasets,
  bdfWrittenFiles,
  bpxExamples,
  bpxTestDocuments,
  KNOWN_DIFFERENCES,
  passRate,
  pybammBpxDocuments,
  pybammExperimentStrings,
  pybammExperimentStructures,
  type CorpusResult,
} from '../../scripts/conformance/suite.ts';

const KNOWN = KNOWN_DIFFERENCES;

function check(r: CorpusResult): void {
  for (const c of r.cases) {
    if (c.pass) assert.ok(!(c.name in KNOWN), `${r.corpus}: '${c.name}' passes now — remove it from KNOWN`);
    else assert.ok(c.name in KNOWN, `${r.corpus}: ${c.name} — ${c.note}`);
  }
}

test("PyBaMM's experiment strings: ≥ 99 % mean the same (accepted or refused alike, same step)", () => {
  const r = pybammExperimentStrings();
  assert.ok(r.cases.length > 150, `${r.cases.length} strings`);
  assert.ok(passRate(r) >= 0.99, `${(100 * passRate(r)).toFixed(1)} %`);
  check(r);
});

test("PyBaMM's Experiment structures: the same cycles from the same Python text", () => {
  const r = pybammExperimentStructures();
  assert.ok(r.cases.length > 100, 'r.cases.length > 100');
  check(r);
});

test('BPX: the verdicts, field paths and warnings of the reference validator on its own and PyBaMM’s test documents', () => {
  const a = bpxTestDocuments();
  const b = pybammBpxDocuments();
  assert.ok(a.cases.length >= 60 && b.cases.length >= 25, 'a.cases.length >= 60 && b.cases.length >= 25');
  check(a);
  check(b);
});

test('BPX examples load and run (v0.x converted as the reference does)', () => check(bpxExamples()));

test('BDF: two reference datasets round-trip; the CSVs rollcell writes pass the validator clean', () => {
  const d = bdfDatasets(['LiGrR2032', 'SLPBA842124HV']);
  assert.equal(d.cases.length, 2);
  check(d);
  check(bdfWrittenFiles());
});
