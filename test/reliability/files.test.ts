/**
 * Hostile files and output paths (issue 22, items 1, 3 and 8): every data-file option reads regular
 * files only, under a size cap, refused before reading (a FIFO or /dev/zero at once); every output flag
 * refuses, before any work, to write onto an input, a database, an existing file (unless --force), a
 * device or a virtual file system; files appear whole or not at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BPX_FIXTURE, cli, inputError, quickRecipeFile, testDir } from '../helpers.ts';
import { checkOutputDir, checkOutputFile, readUserFile, stageFile, writeFileAtomic } from '../../src/io/files.ts';
import { ProblemError } from '../../src/problems.ts';
import { openStore } from '../../src/store/index.ts';

const dir = testDir('rollcell-files-');
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

const quickRecipe = (name: string, edit?: (r: Record<string, any>) => void): string => quickRecipeFile(dir, name, edit);

test('readUserFile: a FIFO is refused at once (no writer needed), /dev/zero and a directory too, a large file before reading', () => {
  const fifo = join(dir, 'pipe.csv');
  execFileSync('mkfifo', [fifo]);
  const t0 = Date.now();
  const o = { field: '--current-profile', maxBytes: 1000, what: 'CSV file' };
  assert.throws(() => readUserFile(fifo, o), /--current-profile: not a regular file \(a FIFO \(named pipe\)\)/);
  assert.ok(Date.now() - t0 < 2000, 'no wait for a writer');
  assert.throws(() => readUserFile('/dev/zero', o), /not a regular file \(a character device\)/);
  assert.throws(() => readUserFile(dir, o), /not a regular file \(a directory\)/);
  const big = join(dir, 'big.csv');
  writeFileSync(big, '');
  truncateSync(big, 5_000_000_000); // a sparse 5 GB file: refused by its size, never read
  assert.throws(
    () => readUserFile(big, o),
    (e: unknown) =>
      e instanceof ProblemError &&
      /file too large \(got ".*big\.csv", 4768\.4 MiB; allowed a regular CSV file of at most 1000 bytes\)/.test(
        e.message,
      ),
  );
  assert.throws(() => readUserFile(join(dir, 'missing.csv'), o), /file not found \(got ".*missing\.csv"/);
  writeFileSync(join(dir, 'bin.csv'), Buffer.from([0x54, 0xff, 0xfe, 0x00]));
  assert.throws(() => readUserFile(join(dir, 'bin.csv'), o), /not UTF-8 text/);
  writeFileSync(join(dir, 'bom.csv'), '\ufeffa,b\n');
  assert.equal(readUserFile(join(dir, 'bom.csv'), o), 'a,b\n', 'a byte-order mark is dropped');
});

test('cycle: every data-file option refuses a FIFO and /dev/zero with exit 2 in well under a second of reading', async () => {
  const fifo = join(dir, 'pipe2.csv');
  execFileSync('mkfifo', [fifo]);
  const recipe = quickRecipe('cyc.yaml');
  inputError(await cli(['cycle', '--cell', fifo, '--model', 'spm']), /recipe: not a regular file \(a FIFO/);
  inputError(
    await cli(['cycle', '--cell', '/dev/zero', '--model', 'spm']),
    /not a regular file \(a character device\)/,
  );
  inputError(
    await cli(['cycle', '--cell', recipe, '--model', 'spm', '--compare', '/dev/zero']),
    /--compare: not a regular file \(a character device\)/,
  );
  inputError(
    await cli(['battery', recipe, '--profile', 'csv', '--profile-csv', fifo]),
    /--profile-csv: not a regular file/,
  );
  inputError(await cli(['validate', fifo]), /recipe: not a regular file/);
  inputError(
    await cli(['cycle', '--cell', BPX_FIXTURE, '--model', 'spm', '--current-profile', fifo]),
    /--current-profile: not a regular file/,
  );
  inputError(
    await cli(['cycle', '--cell', BPX_FIXTURE, '--model', 'spm', '--current-profile', '/dev/zero']),
    /--current-profile: not a regular file \(a character device\)/,
  );
  // a drive cycle named in an experiment
  inputError(
    await cli(['cycle', '--cell', recipe, '--model', 'spm', '--experiment', `Run drive cycle from ${fifo} as current`]),
    /--experiment: drive cycle '.*pipe2\.csv': not a regular file/,
  );
  // and in a recipe: validate and run refuse it alike (one validation)
  const withDc = quickRecipe('dc.yaml', (r) => (r.experiment = [`Run drive cycle from ${fifo} as current`]));
  inputError(await cli(['validate', withDc]), /experiment: drive cycle '.*pipe2\.csv': not a regular file/);
});

test('output paths: an input, a database, an existing file (without --force), a device and /proc are refused before any work', async () => {
  const recipe = quickRecipe('out.yaml');
  const before = sha(recipe);
  // onto the input recipe: refused even with --force
  for (const force of [[], ['--force']]) {
    inputError(
      await cli(['cycle', '--cell', recipe, '--model', 'spm', '--csv', recipe, ...force]),
      /--csv: is an input of this command and would be overwritten/,
    );
  }
  assert.equal(sha(recipe), before, 'the recipe is untouched');
  // onto a run-history database: refused even with --force
  const db = join(dir, 'history.db');
  const s = await openStore(db);
  await s.close();
  const dbBefore = sha(db);
  inputError(
    await cli(['cycle', '--cell', recipe, '--model', 'spm', '--summary-csv', db, '--force']),
    /--summary-csv: is a database file and would be overwritten/,
  );
  assert.equal(sha(db), dbBefore, 'the database is untouched');
  // an existing file: only with --force
  const old = join(dir, 'old.csv');
  writeFileSync(old, 'keep me\n');
  inputError(
    await cli(['cycle', '--cell', recipe, '--model', 'spm', '--csv', old]),
    /--csv: file exists \(not overwritten\)/,
  );
  assert.equal(readFileSync(old, 'utf8'), 'keep me\n');
  const t0 = Date.now();
  inputError(
    await cli(['cycle', '--cell', recipe, '--model', 'spm', '--csv', '/dev/full']),
    /--csv: a character device is there/,
  );
  inputError(
    await cli(['cycle', '--cell', recipe, '--model', 'spm', '--csv', '/proc/rollcell.csv']),
    /--csv: cannot write there: it is on the proc virtual file system/,
  );
  inputError(
    await cli(['run', recipe, '--out', '/proc/rollcell-out', '--db', ':memory:', '--no-production', '--no-battery']),
    /--out: cannot write there: it is on the proc virtual file system/,
  );
  inputError(
    await cli(['run', recipe, '--out', '/dev/null', '--db', ':memory:', '--no-production', '--no-battery']),
    /--out: a character device is there, not a directory/,
  );
  inputError(
    await cli(['run', recipe, '--out', recipe, '--db', ':memory:', '--no-production', '--no-battery']),
    /--out: a regular file is there, not a directory/,
  );
  assert.ok(Date.now() - t0 < 20_000, 'refused before the simulation ran');
  // with --force an existing (non-input, non-database) file is replaced, whole
  const r = await cli(['cycle', '--cell', recipe, '--model', 'spm', '--csv', old, '--force']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(old, 'utf8'), /^Test Time \/ s,/);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary file left behind',
  );
});

test('writeFileAtomic / stageFile: no-clobber without force, nothing left on failure, the file appears only on commit', () => {
  const p = join(dir, 'atomic.txt');
  writeFileAtomic(p, 'one', { field: '--x' });
  assert.throws(
    () => writeFileAtomic(p, 'two', { field: '--x' }),
    /--x: file appeared while writing \(not overwritten\)/,
  );
  assert.equal(readFileSync(p, 'utf8'), 'one');
  writeFileAtomic(p, 'three', { field: '--x', force: true });
  assert.equal(readFileSync(p, 'utf8'), 'three');
  const q = join(dir, 'staged.txt');
  const st = stageFile(q, 'report', { field: '--out' });
  assert.equal(existsSync(q), false, 'not there before commit');
  st.commit();
  assert.equal(readFileSync(q, 'utf8'), 'report');
  const z = stageFile(join(dir, 'aborted.txt'), 'x', { field: '--out' });
  z.abort();
  assert.equal(existsSync(join(dir, 'aborted.txt')), false);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
  );
  // /dev/full as a directory for a temp file is impossible; a full disk is simulated by a write that fails
  assert.throws(
    () => checkOutputFile(join(dir, 'no', 'such', 'dir.csv'), { field: '--csv' }),
    /directory ".*such" does not exist/,
  );
  assert.equal(checkOutputDir(join(dir, 'new', 'reports'), '--out'), join(dir, 'new', 'reports'));
});
