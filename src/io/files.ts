/**
 * File safety at the edges (CLI, server, scripts): the ONE way rollcell reads a file a user names and
 * writes a file a user asks for.
 *
 * Reading (`readUserFile`): regular files only, checked on the open descriptor (no race between the
 * check and the read), opened non-blocking so a FIFO is refused at once instead of waiting for a
 * writer; a size cap per kind of file checked before anything is read (`/dev/zero`, a 10 GB log or a
 * FIFO are refused in milliseconds); UTF-8 text (a byte-order mark is dropped; a binary file is
 * refused). Every refusal is a `ProblemError` naming the option, the path and what is allowed.
 *
 * Writing (`checkOutputFile` up front, then `writeFileAtomic`): a path is checked BEFORE any work is
 * done — its directory exists, is writable and is not on a virtual file system (/proc, /sys, /dev …);
 * an existing file is never replaced unless `--force`, and never when it is one of the command's
 * inputs or a database (not even with `--force`); the file is written to a temporary file beside it,
 * flushed, and renamed into place (no-clobber without `--force`), so a crash or a full disk leaves the
 * old file or nothing, never half a file.
 */
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  statfsSync,
  unlinkSync,
  writeSync,
  accessSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { problem } from '../problems.ts';

const MiB = 1024 * 1024;

/**
 * Size caps (bytes) per kind of input file. Choices, not physics: each is ~10–100× the largest real
 * file of its kind we know of, and small enough that reading and parsing it stays well under 1 GB of
 * memory (a CSV line costs ~10× its bytes once split and parsed).
 */
export const MAX_FILE_BYTES = {
  /** a recipe: real ones are a few kB */
  recipe: 1_000_000,
  /** a BPX parameter set: the About:Energy cell is ~60 kB */
  bpx: 16 * MiB,
  /** measured / drive-cycle / duty-profile / line-data CSVs: 10⁶ rows of 7 columns ≈ 60 MB */
  csv: 64 * MiB,
} as const;

function human(bytes: number): string {
  return bytes >= MiB ? `${+(bytes / MiB).toFixed(1)} MiB` : `${bytes} bytes`;
}

function kindOf(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export interface ReadOptions {
  /** the option or field that named the file (`--cell`, `--current-profile`, `experiment[0]`) */
  field: string;
  /** size cap in bytes (see MAX_FILE_BYTES) */
  maxBytes: number;
  /** what the file should be, for messages ("CSV file", "BPX JSON file") */
  what: string;
}

/** Text of a user-named file, or a ProblemError naming the option, the path and why. */
export function readUserFile(path: string, o: ReadOptions): string {
  const shown = JSON.stringify(path);
  const allowed = `a regular ${o.what} of at most ${human(o.maxBytes)}`;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once (it would otherwise block forever)
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES' || code === 'EPERM'
          ? 'file not readable (permission denied)'
          : code === 'ENOTDIR'
            ? 'a part of the path is not a directory'
            : code === 'ELOOP'
              ? 'too many symbolic links'
              : code === 'ENXIO'
                ? 'not a regular file (a socket or a device without a reader)'
                : `file cannot be opened (${code ?? 'error'})`;
    throw problem(o.field, why, shown, allowed);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw problem(o.field, `not a regular file (${kindOf(st)})`, shown, allowed);
    if (st.size > o.maxBytes) throw problem(o.field, 'file too large', `${shown}, ${human(st.size)}`, allowed);
    // read to EOF, but never more than the cap (a file that grows while we read is cut off and refused)
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(Math.min(Math.max(st.size + 1, 4096), o.maxBytes + 1));
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        throw problem(o.field, `file cannot be read (${code ?? (e as Error).message})`, shown, allowed);
      }
      if (n === 0) break;
      total += n;
      if (total > o.maxBytes) throw problem(o.field, 'file too large (it grew while being read)', shown, allowed);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    const bytes = Buffer.concat(chunks, total);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw problem(o.field, 'not UTF-8 text (a binary file?)', shown, `${allowed}, UTF-8 text`);
    }
    if (text.includes('\u0000')) throw problem(o.field, 'contains NUL bytes (a binary file?)', shown, allowed);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    closeSync(fd);
  }
}

/* ------------------------------------------------------------------ output paths */

/** statfs magic numbers of virtual file systems nothing should be written to (linux/magic.h). */
const VIRTUAL_FS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0x65735543, 'fusectl'],
  [0x1cd1, 'devpts'],
  [0x42494e4d, 'binfmt_misc'],
]);

/** Why a directory must not receive files, or null. */
function virtualFsReason(dir: string): string | null {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    real = dir;
  }
  try {
    const name = VIRTUAL_FS.get(Number(statfsSync(real).type));
    if (name) return `it is on the ${name} virtual file system`;
  } catch {
    /* statfs not available: fall back to the path */
  }
  if (/^\/(proc|sys)(\/|$)/.test(real)) return 'it is on a virtual file system';
  if (/^\/dev(\/|$)/.test(real) && !/^\/dev\/shm(\/|$)/.test(real)) return 'it is under /dev (devices, not files)';
  return null;
}

/** The nearest existing ancestor of a path (the path itself when it exists). */
function existingAncestor(abs: string): string {
  let p = abs;
  for (;;) {
    try {
      statSync(p);
      return p;
    } catch {
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

function isSqliteFile(path: string): boolean {
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const b = Buffer.alloc(16);
      return readSync(fd, b, 0, 16, 0) === 16 && b.toString('latin1') === SQLITE_MAGIC;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

function sameFile(a: Stats, path: string): boolean {
  try {
    const b = statSync(path);
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

export interface OutputCheck {
  /** the option that named the path (`--csv`, `--out`) */
  field: string;
  /** replace an existing regular file (never an input or a database) */
  force?: boolean;
  /** the command's input files (never overwritten, not even with --force) */
  inputs?: readonly string[];
}

/**
 * Checks, before any work, that `path` can receive a new file: the directory exists and is writable,
 * is not on a virtual file system, and the path is not an existing file (unless `force`), an input of
 * the command or a database. Returns the absolute path. Throws a ProblemError naming the option.
 */
export function checkOutputFile(path: string, o: OutputCheck): string {
  const shown = JSON.stringify(path);
  const allowed = `a new file in an existing, writable directory${o.force ? '' : ' (--force replaces an existing file)'}`;
  if (typeof path !== 'string' || path.trim() === '') throw problem(o.field, 'empty path', shown, allowed);
  const abs = resolve(path);
  let st: Stats | undefined;
  try {
    st = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw problem(o.field, `cannot be checked (${code ?? 'error'})`, shown, allowed);
  }
  if (st) {
    if (!st.isFile())
      throw problem(o.field, `${kindOf(st)} is there; rollcell writes regular files only`, shown, allowed);
    for (const input of o.inputs ?? [])
      if (sameFile(st, input))
        throw problem(o.field, 'is an input of this command and would be overwritten', shown, 'a different file');
    if (isSqliteFile(abs))
      throw problem(o.field, 'is a database file and would be overwritten', shown, 'a different file');
    if (!o.force) throw problem(o.field, 'file exists (not overwritten)', shown, allowed);
  }
  checkDirectory(dirname(abs), o.field, shown, allowed);
  return abs;
}

/**
 * Checks, before any work, that `dir` is (or can be created as) a writable directory outside the
 * virtual file systems; returns its absolute path. The directory is not created here.
 */
export function checkOutputDir(dir: string, field: string): string {
  const shown = JSON.stringify(dir);
  const allowed = 'a writable directory (created when missing) on a real file system';
  if (typeof dir !== 'string' || dir.trim() === '') throw problem(field, 'empty path', shown, allowed);
  const abs = resolve(dir);
  let st: Stats | undefined;
  try {
    st = statSync(abs);
  } catch {
    st = undefined;
  }
  if (st && !st.isDirectory()) throw problem(field, `${kindOf(st)} is there, not a directory`, shown, allowed);
  checkDirectory(st ? abs : existingAncestor(abs), field, shown, allowed);
  return abs;
}

function checkDirectory(dir: string, field: string, shown: string, allowed: string): void {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch {
    throw problem(field, `directory ${JSON.stringify(dir)} does not exist`, shown, allowed);
  }
  if (!st.isDirectory()) throw problem(field, `${JSON.stringify(dir)} is not a directory`, shown, allowed);
  const v = virtualFsReason(dir);
  if (v) throw problem(field, `cannot write there: ${v}`, shown, allowed);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw problem(field, `directory ${JSON.stringify(dir)} is not writable`, shown, allowed);
  }
}

function writeError(field: string, path: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'disk full'
      : code === 'EDQUOT'
        ? 'disk quota exceeded'
        : code === 'EROFS'
          ? 'read-only file system'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code === 'EEXIST'
              ? 'file appeared while writing (not overwritten)'
              : code === 'ENOENT'
                ? 'its directory disappeared'
                : `write failed (${code ?? (e as Error).message})`;
  return problem(field, `${why}; nothing was written`, JSON.stringify(path), 'a writable file on a disk with space');
}

export interface WriteOptions {
  field: string;
  /** replace an existing file (the caller checked it up front with checkOutputFile) */
  force?: boolean;
}

/** A file written to a temporary name beside its destination, waiting to be moved into place. */
export interface StagedFile {
  /** the destination (absolute) */
  readonly path: string;
  /** move it into place (no-clobber unless force); a ProblemError naming the option when that fails */
  commit(): void;
  /** remove the temporary file (safe to call twice, and after commit) */
  abort(): void;
}

/**
 * Writes `data` to a temporary file in the destination's directory (created when missing), flushed to
 * disk; `commit()` moves it into place. Lets a caller make a file appear only after something else has
 * succeeded (the report appears only once its run is stored). On a write failure nothing is left.
 */
export function stageFile(path: string, data: string | Uint8Array | Iterable<string>, o: WriteOptions): StagedFile {
  const abs = resolve(path);
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  let done = false;
  const removeTmp = (): void => {
    try {
      unlinkSync(tmp);
    } catch {
      /* not there */
    }
  };
  try {
    mkdirSync(dirname(abs), { recursive: true });
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    const put = (chunk: string | Uint8Array): void => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let off = 0;
      while (off < b.length) off += writeSync(fd!, b, off, b.length - off);
    };
    if (typeof data === 'string' || data instanceof Uint8Array) put(data);
    else for (const chunk of data) put(chunk);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
  } catch (e) {
    if (fd !== undefined)
      try {
        closeSync(fd);
      } catch {
        /* ignore */
      }
    removeTmp();
    throw writeError(o.field, path, e);
  }
  return {
    path: abs,
    commit(): void {
      if (done) return;
      try {
        if (o.force) renameSync(tmp, abs);
        else {
          linkSync(tmp, abs); // fails with EEXIST instead of replacing a file that appeared meanwhile
          unlinkSync(tmp);
        }
        done = true;
      } catch (e) {
        removeTmp();
        done = true;
        throw writeError(o.field, path, e);
      }
    },
    abort(): void {
      if (!done) removeTmp();
      done = true;
    },
  };
}

/**
 * Writes `data` to `path` through a temporary file in the same directory, flushed to disk, then moved
 * into place: without `force` it never replaces a file that appeared meanwhile. On any failure the
 * temporary file is removed and nothing is left at `path`.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | Iterable<string>, o: WriteOptions): void {
  stageFile(path, data, o).commit();
}
