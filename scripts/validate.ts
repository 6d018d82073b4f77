/**
 * `npm run validate`: the liquid DFN against the measured BPX cell (five profiles, RMSE per profile,
 * overlay SVGs) and the solid-state literature check (specific capacity, average voltage, Li–Al plateau).
 */
const parts = ['./validate-dfn.ts', './validate-ssb.ts'];
let failed = 0;
for (const p of parts) {
  try {
    await import(p);
  } catch (e) {
    failed++;
    console.error(`${p}: ${(e as Error).message}`);
  }
}
process.exitCode = failed ? 1 : (process.exitCode ?? 0);
