/**
 * How long a failing assert.ok takes to fail through tsx, with and without a message, in a generated .ts file of
 * `n` typed functions (test/support/assert-message.test.ts says why). Run:
 *   node --import tsx test/support/assert-search.ts [n=600] [limit_s=60]
 * It prints `name: value unit` lines; the message-less run is stopped at the limit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** a .ts file of `n` typed functions whose last statement is a failing assert.ok, with or without a message */
export function bigFailingAssert(n: number, withMessage: boolean): string {
  const lines = ["import assert from 'node:assert/strict';", 'interface P { a: number; b: string }'];
  for (let i = 0; i < n; i++)
    lines.push(`export function f${i}(x: number, p: P): number { const y: number[] = [x, p.a]; return y[0]! + ${i}; }`);
  lines.push("const v: number = f3(1, { a: 1, b: 'x' });");
  lines.push(withMessage ? "assert.ok(v > 100, 'v > 100 (the fixture fails on purpose)');" : 'assert.ok(v > 100);');
  return lines.join('\n') + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 600);
  const limit_s = Number(process.argv[3] ?? 60);
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'rollcell-assert-'));
  try {
    for (const withMessage of [true, false]) {
      const file = join(dir, `fails-${withMessage}.ts`);
      writeFileSync(file, bigFailingAssert(n, withMessage));
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, timeout: limit_s * 1000 });
      const s = (performance.now() - t0) / 1000;
      const what = withMessage ? 'with a message' : 'without a message';
      console.log(
        `failing assert.ok ${what} (${n} functions): ${r.signal ? `> ${limit_s} (stopped)` : s.toFixed(2)} s`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
