/**
 * The architecture of DESIGN.md, enforced: a folder of src/ imports only from folders to its left in
 * the one flow (recipe → design → process → electrochem → cycler → battery → claims → present →
 * report/store → pipeline → study → server → cli), and from the base modules everything may use (materials,
 * units, numerics, problems, assets, version, progress); physics does no file I/O: node:fs only at the
 * edges (cli/, store/, server/, io/files.ts, the report's writer, cycler/io.ts, src/assets.ts, src/version.ts);
 * scalar root finding (Newton, bisection, a bracket grown until f changes sign) only in src/numerics/.
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
  assert.ok(
    pipeline.specs.some((s) => s.startsWith('./process/')),
    "pipeline.specs.some((s) => s.startsWith('./process/'))",
  );
  const cycle = modules.find((m) => m.rel === 'cli/cycle.ts')!;
  assert.ok(cycle.specs.some(doesFileIo), 'cycle.specs.some(doesFileIo)');
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

/**
 * No bare unit conversion in physics (issue 13 item 7): the physics folders convert with the named helpers
 * of src/units/ (fromPct, toHours, kW, days, …), never with a bare factor. A conversion is a bare 1e2, 1e3,
 * 1e4, 1e6, 1e9, 1000, 3600, 86400, 100, 60, 3.6, 3.6e3 or 3.6e6 multiplying or dividing, a bare 1e-2, 1e-3,
 * 1e-4, 1e-6 or 1e-9 multiplying after (or dividing by) a value, or a 273.15 anywhere; comments and string literals are not read. A number
 * that is a coefficient and not a unit conversion is allowed here by file and line text, with its reason.
 */
const PHYSICS_DIRS = ['process', 'electrochem', 'battery', 'design', 'materials', 'production', 'cycler'];
const BARE_FACTOR = new RegExp(
  '[*/]\\s*(?:1e2|1e3|1e4|1e6|1e9|1e-2|1e-3|1e-4|1e-6|1e-9|1000|3600|86400|100|60|3\\.6|3\\.6e3|3\\.6e6)(?![\\w.])' +
    '|(?<![\\w.])(?:1e2|1e3|1e4|1e6|1e9|1000|3600|86400|100|3\\.6|3\\.6e3|3\\.6e6)\\s*\\*' +
    '|(?<![\\w.])273\\.15(?![\\w.])' +
    '|\\?\\s*(?:1e3|1e6|1000|3600|100)\\s*:',
);
const NOT_A_CONVERSION: { file: string; line: RegExp; why: string }[] = [
  { file: 'materials/constants.ts', line: /ZERO_CELSIUS_K = 273\.15/, why: 'the definition the units helpers use' },
  {
    file: 'electrochem/liquid/ocp-table.ts',
    line: /\) \/ 60;$/,
    why: 'the 6th-order central difference stencil (45, −9, 1)/60',
  },
  { file: 'electrochem/ssb/spme.ts', line: /1e-3 \* 1e-3/, why: 'ε² of the smooth j₀ floor (a dimensionless ε)' },
  { file: 'cycler/machine.ts', line: /tEnd \* 1e-3/, why: "the consistency probe's span, a fraction of the step" },
];
/** the source with comments blanked and string literals emptied (line numbers kept) */
const codeLines = (text: string): string[] =>
  text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .split('\n')
    .map((l) => l.replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\\n]|\\.)*`/g, "''").replace(/\/\/.*$/, ''));
const bareFactors = (rel: string, text: string): string[] =>
  codeLines(text).flatMap((l, i) =>
    BARE_FACTOR.test(l) && !NOT_A_CONVERSION.some((a) => rel.endsWith(a.file) && a.line.test(l.trim()))
      ? [`${rel}:${i + 1}: ${l.trim()}`]
      : [],
  );

test('no bare unit conversion factor in the physics folders (src/units/ names each one)', () => {
  const bad: string[] = [];
  for (const d of PHYSICS_DIRS) {
    const dir = join(SRC, d);
    try {
      statSync(dir);
    } catch {
      continue;
    }
    for (const f of files(dir)) bad.push(...bareFactors(relative(SRC, f), readFileSync(f, 'utf8')));
  }
  assert.deepEqual(bad, []);
});

test('the bare-factor scan finds what it looks for (and skips comments, strings and the allowed coefficients)', () => {
  const planted = [
    'const t_h = t_s / 3600;',
    'const x = thickness_um * 1e-6;',
    'const T = t_C + 273.15;',
    'const f = (scale * sigma_pct) / 100;',
    'const k = kw ? 1000 : 1;',
    'const P = 1e3 * p_kW;',
    'const e_kWh = e_J / 3.6e6;',
    'const a_m2 = a_cm2 * 1e-4;',
  ];
  for (const l of planted) assert.equal(bareFactors('process/x.ts', l).length, 1, l);
  const fine = [
    '// t_s / 3600 in a comment',
    "const note = 'a 1e-6 S/cm film';",
    'const h = 1e-6 * Math.max(Math.abs(x), 1);',
    'const tol = Math.max(1e-9, 1e-7 * q);',
    'const q = Ah(x);',
  ];
  for (const l of fine) assert.deepEqual(bareFactors('process/x.ts', l), [], l);
  assert.deepEqual(bareFactors('cycler/machine.ts', 'const tProbe = Math.min(1e-3, tEnd * 1e-3);'), []);
});

/**
 * Scalar root finding lives in src/numerics/ (issue 13 item 4: one root finder). Outside it, no iteration-counter
 * loop (`for (let it …` / `for (let iter …`: this code base's spelling of a solver's loop) and no `while` loop whose
 * body grows a quantity geometrically (`x *= k`: a bracket search). Known exceptions are counted per file, each
 * with its reason; an exception that no longer occurs must be removed from the list.
 */
const LOOP_EXCEPTIONS: Record<string, { it?: number; grow?: number; why: string }> = {
  'server/present/lane-stream.ts': {
    grow: 1,
    why: 'a live histogram doubles its range until it holds the value: no root is searched',
  },
};

/** the balanced {…} block that starts at the first '{' at or after i */
function blockAt(text: string, i: number): string {
  const s = text.indexOf('{', i);
  if (s < 0) return '';
  let depth = 0;
  for (let k = s; k < text.length; k++) {
    if (text[k] === '{') depth++;
    else if (text[k] === '}' && --depth === 0) return text.slice(s, k + 1);
  }
  return text.slice(s);
}

/** the solver loops of a source text: iteration-counter loops and geometrically growing while loops */
function solverLoops(text: string): { it: number; grow: number } {
  const it = [...text.matchAll(/\bfor \(let (?:it|iter)\b/g)].length;
  const grow = [...text.matchAll(/\bwhile \(([^\n]*)\) \{/g)].filter((m) =>
    /\b[\w.#]+ \*= /.test(blockAt(text, m.index + m[0].length - 1)),
  ).length;
  return { it, grow };
}

test('no Newton, bisection or bracket-growing loop outside src/numerics/ (issue 13 item 4)', () => {
  const bad: string[] = [];
  const seen = new Set<string>();
  for (const f of files(SRC)) {
    const rel = relative(SRC, f).split('\\').join('/');
    if (part(rel) === 'numerics') continue;
    const n = solverLoops(readFileSync(f, 'utf8'));
    const allowed = LOOP_EXCEPTIONS[rel];
    if (allowed) seen.add(rel);
    if (n.it !== (allowed?.it ?? 0))
      bad.push(`src/${rel}: ${n.it} iteration-counter loop(s), allowed ${allowed?.it ?? 0}`);
    if (n.grow !== (allowed?.grow ?? 0))
      bad.push(`src/${rel}: ${n.grow} growing while loop(s), allowed ${allowed?.grow ?? 0}`);
  }
  for (const rel of Object.keys(LOOP_EXCEPTIONS)) if (!seen.has(rel)) bad.push(`src/${rel}: listed but gone`);
  assert.deepEqual(
    bad,
    [],
    'route the loop through src/numerics/roots.ts (newton, growBracket, …) or list it with why',
  );
});

test('the functions whose root-finding loops moved into numerics hold no loop again', () => {
  const where: [string, string][] = [
    ['electrochem/ssb/common.ts', 'dsPhiInv'],
    ['electrochem/ssb/common.ts', 'dsPhiShift'],
    ['process/rolling.ts', 'solvePhi'],
    ['process/rolling.ts', 'forceForReduction'],
  ];
  for (const [file, name] of where) {
    const text = readFileSync(join(SRC, file), 'utf8');
    const at = text.search(new RegExp(`\\bfunction ${name}\\(`));
    assert.ok(at >= 0, `src/${file} defines ${name}`);
    // the body: the first block that opens a line (a return type's braces close on theirs)
    const body = blockAt(text, text.indexOf(' {\n', at));
    assert.ok(body.length > 50, `${name}'s body found`);
    assert.ok(!/\b(?:for|while) \(|\bdo \{/.test(body), `${name} (src/${file}) loops again: use src/numerics/roots.ts`);
  }
});

test('the loop scan sees the loops it checks (the removed loops, as they read, are caught)', () => {
  // dsPhiInv's Newton and the contact length's bracket growth before they moved into numerics
  const oldNewton = `for (let it = 0; it < 100; it++) {
    const g = dsPhi(v, y) - phi;
    if (g > 0) hi = Math.min(hi, y);
  }`;
  const oldGrow = `let fhi = f(Lhi);
      while (fhi > 0) {
        Lhi *= 2;
        fhi = f(Lhi);
      }`;
  assert.deepEqual(solverLoops(oldNewton), { it: 1, grow: 0 });
  assert.deepEqual(solverLoops(oldGrow), { it: 0, grow: 1 });
  // and numerics itself has such loops (brent, illinois, bisect…)
  assert.ok(
    solverLoops(readFileSync(join(SRC, 'numerics/roots.ts'), 'utf8')).it >= 3,
    "solverLoops(readFileSync(join(SRC, 'numerics/roots.ts'), 'utf8')).it >= 3",
  );
});
