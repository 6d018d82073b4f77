// A node:test reporter that records each test file's wall time (from its process start to its end) and the
// slowest top-level tests, and writes them as JSON to ROLLCELL_TEST_TIMES (scripts/run-tests.mjs adds it when
// that variable is set). Used to see where the suite's time goes: `ROLLCELL_TEST_TIMES=/tmp/t.json npm test`.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

export default async function* testTimes(source) {
  const t0 = Date.now();
  const files = new Map();
  const tests = [];
  const file = (path) => {
    const name = relative(process.cwd(), path);
    let r = files.get(name);
    if (!r) files.set(name, (r = { start_s: 0, end_s: 0, wall_s: 0, tests: 0, failed: 0 }));
    return r;
  };
  for await (const ev of source) {
    const d = ev.data ?? {};
    if (!d.file) continue;
    const r = file(d.file);
    if (d.name === d.file) {
      // the file itself, as node's runner sees it: dequeued when its process starts, complete when it ends
      if (ev.type === 'test:dequeue') r.start_s = (Date.now() - t0) / 1000;
      if (ev.type === 'test:complete') {
        r.end_s = (Date.now() - t0) / 1000;
        r.wall_s = (d.details?.duration_ms ?? 0) / 1000;
      }
    } else if ((ev.type === 'test:pass' || ev.type === 'test:fail') && d.nesting === 0) {
      r.tests++;
      if (ev.type === 'test:fail') r.failed++;
      tests.push({ file: relative(process.cwd(), d.file), name: d.name, s: (d.details?.duration_ms ?? 0) / 1000 });
    }
  }
  const byWall = [...files].sort((a, b) => b[1].wall_s - a[1].wall_s);
  tests.sort((a, b) => b.s - a.s);
  const out = {
    total_s: (Date.now() - t0) / 1000,
    files: Object.fromEntries(byWall),
    slowestTests: tests.slice(0, 50),
  };
  const path = process.env.ROLLCELL_TEST_TIMES ?? 'test-times.json';
  writeFileSync(path, JSON.stringify(out, null, 1) + '\n');
  yield `test times: each file's wall time and the slowest tests written to ${path}\n`;
}
