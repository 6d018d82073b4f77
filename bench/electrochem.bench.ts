/**
 * `npm run bench:electrochem`: prints `name: value unit` lines from every electrochemistry benchmark
 * part (solver, liquid DFN/SPMe, solid-state P2D/SPMe and long cycling). Never part of `npm test`.
 */
const parts = ['./numerics.bench-part.ts', './dfn.bench-part.ts', './ssb.bench-part.ts'];

let failed = 0;
for (const p of parts) {
  try {
    const mod = (await import(p)) as { bench: () => Promise<string[]> };
    for (const line of await mod.bench()) console.log(line);
  } catch (e) {
    failed++;
    console.error(`${p}: ${(e as Error).message}`);
  }
}
process.exitCode = failed ? 1 : 0;
