/**
 * The architecture of DESIGN.md, enforced: a folder of src/ imports only from folders to its left in
 * the one flow (recipe → design → process → electrochem → cycler → battery → claims → present →
 * report/store → pipeline → study → server → cli), and from the base modules everything may use (materials,
 * units, numerics, problems, assets, version, progress); physics does no file I/O: node:fs only at the
 * edges (cli/, store/, server/, io/files.ts, the report's writer, cycler/io.ts, src/assets.ts, src/version.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** rank of each part of src/: an import may only go to a lower rank (or to the same part) */
const RANK: Record<string, number> = {
  // base modules: everything may use them (and they may use each other)
  materials: 0,
  units: 0,
  numerics: 0,
  'problems.ts': 0,
  'assets.ts': 0,
  'version.ts': 0,
  'progress.ts': 0,
  // verdicts under assumptions (figure at the nominal and at the ends of each assumption's range)
  'verdicts.ts': 0,
  // the edges' file safety (io/files.ts) and terminal-safe text (io/text.ts): base modules, but
  // importing io/files.ts is file I/O, allowed only where node:fs is (the test below)
  io: 0,
  // the flow, left to right
  recipe: 1,
  'contract.ts': 2,
  contract: 2,
  design: 3,
  process: 4,
  electrochem: 5,
  cycler: 6,
  // fitting models to measured data: liquid models (electrochem), the measured-data CSV reader (cycler)
  fit: 6.5,
  battery: 7,
  claims: 8,
  present: 9,
  // findings that make a result untrustworthy (from the line's warnings and the models' validity)
  'validity.ts': 9.5,
  report: 10,
  store: 10,
  // run exports (CSV, XLSX, Parquet tables) from stored runs
  export: 10,
  'pipeline.ts': 11,
  // studies (sweep, solve, optimise) run the pipeline many times and keep their points in the store
  study: 11.5,
  'run-record.ts': 12,
  // distributed studies: the queue and its workers over the study engine and the store
  jobs: 12.5,
  server: 13,
  cli: 14,
};
/**
 * files that live in a folder for what they are (a report) but sit later in the flow, with the rank they
 * have: the study report reads a study's plan and summary (study/), as the run report reads a run's.
 */
const FILE_RANK: Record<string, number> = {
  'report/study.ts': 11.5,
};
const FS_EDGES = [
  /^io\/files\.ts$/,
  /^cli\//,
  /^store\//,
  /^server\//,
  /^report\/write\.ts$/,
  /^cycler\/io\.ts$/,
  /^assets\.ts$/,
  /^version\.ts$/,
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith('.ts') ? [p] : [];
  });
}

const SRC = 'src';
const part = (rel: string): string => rel.split('/')[0]!;
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

const modules = files(SRC).map((f) => {
  const rel = relative(SRC, f).split('\\').join('/');
  const text = readFileSync(f, 'utf8');
  const specs = [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);
  return { rel, specs };
});

test('every part of src/ has a rank in the flow (a new folder must be placed in DESIGN.md and here)', () => {
  const unknown = [...new Set(modules.map((m) => part(m.rel)))].filter((p) => !(p in RANK));
  assert.deepEqual(unknown, []);
});

test('imports go only leftwards in the flow or to the base modules', () => {
  const bad: string[] = [];
  for (const { rel, specs } of modules) {
    const from = part(rel);
    for (const s of specs) {
      if (!s.startsWith('.')) continue;
      const target = normalize(join(dirname(rel), s))
        .split('\\')
        .join('/');
      if (target.startsWith('..')) continue; // outside src/ (package.json, data/ through assets.ts)
      const to = part(target);
      if (to === from) continue;
      const rankFrom = FILE_RANK[rel] ?? RANK[from];
      const rankTo = FILE_RANK[target] ?? RANK[to];
      if (rankTo === undefined || rankFrom === undefined) continue; // reported by the test above
      if (rankTo > rankFrom || (rankFrom === 0 && rankTo !== 0)) bad.push(`src/${rel} imports ${s} (${from} → ${to})`);
    }
  }
  assert.deepEqual(bad, []);
});

const doesFileIo = (s: string): boolean =>
  s === 'node:fs' || s === 'fs' || s.startsWith('node:fs/') || /(^|\/)io\/files\.ts$/.test(s);

test('node:fs (or io/files.ts) only at the edges (physics does no file I/O)', () => {
  const bad = modules
    .filter(({ specs }) => specs.some(doesFileIo))
    .map(({ rel }) => rel)
    .filter((rel) => !FS_EDGES.some((re) => re.test(rel)));
  assert.deepEqual(bad, []);
});

test('the import scan sees the imports it checks (a test that could not fail would be no test)', () => {
  const pipeline = modules.find((m) => m.rel === 'pipeline.ts')!;
  assert.ok(pipeline.specs.some((s) => s.startsWith('./process/')));
  const cycle = modules.find((m) => m.rel === 'cli/cycle.ts')!;
  assert.ok(cycle.specs.some(doesFileIo));
});

test('no line of src/ is longer than 160 characters', () => {
  const long: string[] = [];
  for (const f of files(SRC))
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((l, i) => {
        if (l.length > 160) long.push(`${relative('.', f)}:${i + 1} (${l.length})`);
      });
  assert.deepEqual(long, []);
});
