// The prebuilt CLI bundle (dist/cli/): the TypeScript sources of the command line, compiled and bundled by
// esbuild once (at `npm ci` through `prepare`, before `npm test`, and by bin/rollcell.js itself whenever a
// source changed), so that a command does not transpile ~200 .ts files through tsx on every start.
//
// Never stale: dist/cli/stamp.json lists every input of the bundle (src/**, package.json,
// package-lock.json, tsconfig.json and this file) with its size and modification and change times. The bin
// compares that list with the files on disk on every start (a few ms): any difference — a file edited,
// added, removed, touched, or restored with an older time — makes the bundle stale, and the bin rebuilds it
// (about 0.5 s) or, when it cannot (esbuild missing, a build error), runs the sources through tsx as before.
//
// What is bundled: our sources and the pure-JS packages the everyday commands load (BUNDLED below, with
// their own dependencies). Everything else stays an import of node_modules: native modules
// (better-sqlite3), the embedded PostgreSQL, playwright, pg/pg-boss, exceljs, piscina, Vite/Svelte, Hono.
// Dynamic `import()`s become separate chunks (code splitting), so a command loads only what it uses.
// `import.meta.url` in a bundled source is rewritten to that source file's own URL, so files found
// relative to a source (data/, web/dist, the worker entries) are found as before.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** pure-JS packages bundled into the CLI (with everything they import); all other packages stay external */
export const BUNDLED = new Set(['commander', 'yaml', 'zod', 'kysely', 'cli-progress', '@stdlib']);

/** the bundle's entry points: the command line, and the worker thread of a job's cycling stage */
const ENTRIES = { main: 'src/cli/main.ts', 'job-worker': 'src/cli/job-worker.ts' };

const outDir = (root) => join(root, 'dist', 'cli');
const stampFile = (root) => join(outDir(root), 'stamp.json');

function walk(dir, out) {
  let names;
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const d of names) {
    const p = join(dir, d.name);
    if (d.isDirectory()) walk(p, out);
    else out.push(p);
  }
}

/** Every input of the bundle with its size and modification time, as one comparable string. */
export function inputManifest(root = ROOT) {
  const files = [];
  walk(join(root, 'src'), files);
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', join('scripts', 'cli-bundle.mjs')])
    files.push(join(root, f));
  const lines = [];
  for (const f of files.sort()) {
    let s;
    try {
      s = statSync(f);
    } catch {
      continue;
    }
    // ctime too: a write changes it even when the modification time is set back (`touch -d`, `cp -p`)
    lines.push(`${relative(root, f).split(sep).join('/')} ${s.size} ${s.mtimeMs} ${s.ctimeMs}`);
  }
  return lines.join('\n');
}

function readStamp(root) {
  try {
    const s = JSON.parse(readFileSync(stampFile(root), 'utf8'));
    return typeof s?.entry === 'string' && typeof s?.inputs === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bundle's entry file (`main`, or `job-worker`: the worker thread of a job's cycling stage) when it
 * is built from exactly the sources on disk, else undefined.
 */
export function freshEntry(root = ROOT, name = 'main') {
  const s = readStamp(root);
  if (!s || s.inputs !== inputManifest(root)) return undefined;
  const file = name === 'main' ? s.entry : s.entries?.[name];
  if (typeof file !== 'string') return undefined;
  const entry = join(outDir(root), file);
  return existsSync(entry) ? entry : undefined;
}

/**
 * The job-worker entry of the same build as the main entry `mainEntryUrl` (cliEntryUrl's): read from the
 * stamp without walking the sources again, or undefined when the stamp now names another build.
 * bin/rollcell.js hands it to the job's worker threads (ROLLCELL_JOB_WORKER_ENTRY), so that each runs the
 * build the command runs and none checks the sources again (≈ 300 files stat'ed per thread).
 */
export function jobWorkerEntryOf(mainEntryUrl, root = ROOT) {
  const s = readStamp(root);
  const file = s?.entries?.['job-worker'];
  if (!s || typeof file !== 'string' || pathToFileURL(join(outDir(root), s.entry)).href !== mainEntryUrl)
    return undefined;
  const entry = join(outDir(root), file);
  return existsSync(entry) ? entry : undefined;
}

/** Whether the bundle must be (re)built. */
export const cliStale = (root = ROOT) => freshEntry(root) === undefined;

/** the package (or scope) of a bare import specifier: '@stdlib/x/y' → '@stdlib', 'kysely/helpers' → 'kysely' */
const packageOf = (spec) => spec.split('/')[0];

/**
 * Builds the bundle into dist/cli/ and returns its entry file. Safe while other processes run the old
 * bundle: chunk and entry names carry a hash of their content (a name never changes meaning), the stamp
 * that points to the new entry is replaced atomically, and only files of earlier builds older than
 * 10 minutes are removed.
 */
export async function buildCli(root = ROOT) {
  const inputs = inputManifest(root); // before the build: a file edited during it makes the next start rebuild
  const { build } = await import('esbuild');
  const out = outDir(root);
  mkdirSync(out, { recursive: true });
  const srcDir = join(root, 'src') + sep;
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES)
        .map(([name, file]) => [name, join(root, file)])
        .filter(([, file]) => existsSync(file)),
    ),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir: out,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'silent',
    // bundled CommonJS packages call require() for Node's built-ins
    banner: {
      js: "import { createRequire as __rollcellCreateRequire } from 'node:module'; const require = __rollcellCreateRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'rollcell',
        setup(b) {
          // bare imports from our sources: bundled when listed in BUNDLED, else left to node_modules;
          // imports from inside a bundled package are bundled with it
          b.onResolve({ filter: /^[^./]/ }, (a) => {
            if (a.path.startsWith('node:') || a.importer.includes(`${sep}node_modules${sep}`)) return undefined;
            return BUNDLED.has(packageOf(a.path)) ? undefined : { path: a.path, external: true };
          });
          // import.meta.url → the source file's own URL (relative to the bundle, so the checkout can move)
          b.onLoad({ filter: /\.ts$/ }, (a) => {
            let contents = readFileSync(a.path, 'utf8');
            if (a.path.startsWith(srcDir) && contents.includes('import.meta.url')) {
              const rel = relative(out, a.path).split(sep).join('/');
              contents = contents.replaceAll(
                'import.meta.url',
                `new URL(${JSON.stringify(rel)}, import.meta.url).href`,
              );
            }
            return { contents, loader: 'ts' };
          });
        },
      },
    ],
  });
  // each file is written under a temporary name and renamed: a process loading the bundle meanwhile never
  // reads a half-written file (a name that exists already has the same content: it is kept)
  const written = new Set();
  for (const f of result.outputFiles) {
    written.add(f.path);
    if (existsSync(f.path)) continue;
    const t = `${f.path}.${process.pid}.tmp`;
    writeFileSync(t, f.contents);
    renameSync(t, f.path);
  }
  const entries = {};
  for (const [name, file] of Object.entries(ENTRIES)) {
    const o = Object.entries(result.metafile.outputs).find(([f, o]) => o.entryPoint === file && f.endsWith('.js'));
    if (o) entries[name] = relative(out, join(root, o[0]));
  }
  if (!entries.main) throw new Error('esbuild produced no entry');
  const entry = join(out, entries.main);
  const tmp = `${stampFile(root)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ entry: entries.main, entries, inputs }) + '\n');
  renameSync(tmp, stampFile(root));
  const old = Date.now() - 10 * 60_000;
  for (const n of readdirSync(out)) {
    const p = join(out, n);
    if (written.has(p) || n === 'stamp.json') continue;
    try {
      if (statSync(p).mtimeMs < old) unlinkSync(p);
    } catch {
      // another process removed it
    }
  }
  return entry;
}

/**
 * The bundle's entry as a file URL, rebuilt first when stale; undefined when it cannot be built (the bin
 * then runs the sources through tsx). ROLLCELL_DEBUG=1 says why.
 */
export async function cliEntryUrl(root = ROOT) {
  let entry = freshEntry(root);
  if (!entry) {
    try {
      entry = await buildCli(root);
    } catch (e) {
      if (process.env.ROLLCELL_DEBUG === '1')
        process.stderr.write(`rollcell: CLI bundle not built (${e?.message ?? e}); running the sources through tsx\n`);
      return undefined;
    }
  }
  return pathToFileURL(entry).href;
}
