/**
 * `npm run validate`: the liquid DFN against the measured BPX cell (five profiles, RMSE per profile,
 * overlay SVGs), the solid-state literature check (published Li–Al / Al-anode cells) and the produced
 * cell's first cycle, plating and rate capability beside their literature ranges (scripts/validate-cell.ts),
 * and the ageing laws against published retention data, fitted and held out (scripts/validate-ageing.ts).
 */
const parts = ['./validate-dfn.ts', './validate-ssb.ts', './validate-cell.ts', './validate-ageing.ts'];
let failed = 0;
for (const p of parts) {
  try {
    await import(p);
  } catch (e) {
    failed++;
    console.error(`${p}: ${(e as Error).message}`);
  }
}
// the published solid-state benchmarks the parts compared, as one table (issue 16 item 3)
const { printBenchmarks } = await import('./benchmarks.ts');
printBenchmarks();
process.exitCode = failed ? 1 : (process.exitCode ?? 0);
