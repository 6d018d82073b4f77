/**
 * The published solid-state benchmarks `npm run validate` reproduces (issue 16 item 3), collected from the
 * validation parts as they run and printed once at the end as one table: what was compared, the model
 * against the published figure, the tolerance (capacity ± 5 %, retention ± 5 points), the verdict, whether
 * the figure was FITTED/CALIBRATED (the model was adjusted to it) or PREDICTED (never seen by a fit), and
 * the source. A figure whose condition is not published (a stack pressure) is judged as the band over the
 * assumed range, never at a point.
 */
export type BenchmarkLabel = 'FITTED' | 'CALIBRATED' | 'PREDICTED';
export type BenchmarkVerdict = 'PASS' | 'FAIL' | 'INSIDE BAND' | 'OUTSIDE BAND' | 'OUTSIDE VALIDITY';

export interface Benchmark {
  readonly id: string;
  /** short name of the publication (e.g. "Yan 2026"), to count independent sources */
  readonly publication: string;
  readonly quantity: string;
  /** the model's figure: a value, or a band "low–high" */
  readonly model: string;
  readonly published: string;
  readonly tolerance: string;
  readonly verdict: BenchmarkVerdict;
  readonly label: BenchmarkLabel;
  readonly source: string;
}

const recorded: Benchmark[] = [];

export function recordBenchmark(b: Benchmark): void {
  recorded.push(b);
}

export function benchmarks(): readonly Benchmark[] {
  return recorded;
}

/** the table, and `name: value unit` lines with the counts */
export function printBenchmarks(): void {
  const rows = benchmarks();
  console.log('\n## Published solid-state benchmarks (issue 16 item 3)');
  const head = ['benchmark', 'quantity', 'model', 'published', 'tolerance', 'verdict', 'label'];
  const body = rows.map((r) => [r.id, r.quantity, r.model, r.published, r.tolerance, r.verdict, r.label]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(w[i]!)).join(' | ');
  console.log(line(head));
  console.log(w.map((x) => '-'.repeat(x)).join('-|-'));
  for (const b of body) console.log(line(b));
  const papers = new Set(rows.map((r) => r.publication));
  console.log(`benchmarks_compared: ${rows.length} figures from ${papers.size} publications`);
  console.log(
    `benchmarks_pass_or_inside_band: ${rows.filter((r) => r.verdict === 'PASS' || r.verdict === 'INSIDE BAND').length} of ${rows.length}`,
  );
  const pred = rows.filter((r) => r.label === 'PREDICTED');
  const ok = (r: Benchmark): boolean => r.verdict === 'PASS' || r.verdict === 'INSIDE BAND';
  console.log(`benchmarks_predicted: ${pred.length} (never seen by a fit)`);
  console.log(
    `benchmarks_predicted_pass_or_inside_band: ${pred.filter(ok).length} of ${pred.length} ` +
      `(${pred.filter((r) => r.verdict === 'OUTSIDE VALIDITY').length} outside the model's validity: reported, not judged)`,
  );
  console.log(
    `benchmarks_fitted_or_calibrated_pass: ${rows.filter((r) => r.label !== 'PREDICTED' && ok(r)).length} of ${rows.filter((r) => r.label !== 'PREDICTED').length}`,
  );
  for (const r of rows) console.log(`- [${r.id} / ${r.quantity}] ${r.source}`);
}
