// Runs a CommonJS file with a V8 code cache: the bytecode a previous run compiled is read back
// instead of compiling the source again. Node 20 has no compile cache of its own for user code
// (module.enableCompileCache() came with Node 22), and the CLI's start-up was mostly compiling,
// as is loading a library: see "The CLI runs from a V8 code cache" in docs/architecture.md.
// (node:vm is fetched when first used: the shim's start-up snapshot bundles this module, and
// need not hold it.)
import {
  type BigIntStats,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { launcherPaths } from '../paths.js';
import { writeFileAtomic } from './atomic-write.js';

/** Set to `0` to never read or write a code cache. */
const CODE_CACHE_VAR = 'LAUNCHER_CODE_CACHE';

// When a run saves a code cache it had none of: long enough for the code to have got going,
// short enough that V8 has not yet dropped any of what got it there (see `saveWithin`).
export const SAVE_CACHE_AFTER_MS = 100;

/** The directory of the code caches, or undefined when there is none to use. */
export function codeCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env[CODE_CACHE_VAR] === '0') return undefined;
  try {
    return path.join(launcherPaths(env).cache, 'code');
  } catch {
    return undefined; // the command itself reports a home it cannot use
  }
}

/**
 * Require one of the libraries bundled into dist/lib/ (`relative` to the bundle `from`, which
 * is its `__filename`), through the code cache: undici, for one, takes ~48 ms to load without
 * it and ~25 ms with it here.
 */
export function loadLibrary(relative: string, from: string): unknown {
  const file = path.resolve(path.dirname(from), relative);
  // Once per process, as require() would: a second load would make a second set of classes.
  if (!libraries.has(file)) {
    const loaded = loadWithCodeCache(
      file,
      codeCacheDir(process.env),
      `lib-${path.basename(file, '.cjs')}`,
    );
    loaded.saveWithin(SAVE_CACHE_AFTER_MS);
    libraries.set(file, loaded.exports);
  }
  return libraries.get(file);
}

const libraries = new Map<string, unknown>();

/** The cache's file extension. */
const EXTENSION = '.v8cache';

// A writer killed half-way leaves its temporary file; one older than this is no one's any more.
const STALE_TEMP_MS = 60_000;

// The cache of another source or Node version is removed once it has not been written for this
// long: not at once, as two copies of launcher (or two Node versions) may share one home, and
// would otherwise remove each other's cache at every run.
const OTHER_KEY_MS = 24 * 60 * 60_000;

/**
 * The line the build appends to a bundle to name its content (`stampBuildId` in
 * scripts/bundle-options.mjs): a packed release keeps one modification time for every version
 * of a file.
 */
const BUILD_ID_MARK = '\n//# launcherBuild=';

/** What became of the cache in a load. */
export type CacheUse = 'off' | 'none' | 'used' | 'rejected';

export interface CachedModule {
  /** The file's `module.exports`. */
  readonly exports: unknown;
  /**
   * `off`: no cache dir, or one that is not private; `none`: no cache for this source yet;
   * `rejected` by V8 (rebuilt by `save`).
   */
  readonly cache: CacheUse;
  /**
   * Write the cache if this run had none or V8 rejected it (once; later calls do nothing). The
   * cache holds the functions compiled by then. Never throws: a cache is only ever a speed-up.
   * Creates the cache directory (0700) and its parent if missing, never anything above them.
   */
  save(): void;
  /** `save()` after `ms`, or at exit if that comes first. */
  saveWithin(ms: number): void;
}

// The parameters a CommonJS module's code sees, as Node's own wrapper gives them.
const HEAD = '(function (exports, require, module, __filename, __dirname) {';
const TAIL = '\n})';

/**
 * Load `file` (CommonJS) with the code cache `name` in `dir`. The cache file's name carries the
 * source's build id (its `BUILD_ID_MARK` line, if any) and identity (device, inode, size,
 * modification time), the Node version and Node's flags: V8 itself checks only the source's
 * length, so an edited or replaced file must never meet an old cache. `dir` must be private to
 * the user, since V8 runs the bytecode it reads there as if compiled from the source: theirs,
 * writable by no one else, and so is every directory above it (see `dirState`); so must the
 * cache file be. Otherwise nothing is read or written there. Without `dir` the file just runs.
 */
export function loadWithCodeCache(
  file: string,
  dir: string | undefined,
  name: string,
): CachedModule {
  // The source and its identity through one descriptor: the key always names the code read.
  const fd = openSync(file, 'r');
  let code: string;
  let st: BigIntStats;
  try {
    st = fstatSync(fd, { bigint: true });
    code = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const key = dir === undefined ? undefined : cacheKey(st, code);
  // Every use of the directory goes through the real path of what exists above it: a link
  // on the way, in a directory someone else may change, could be pointed elsewhere between
  // the check and the use.
  if (dir !== undefined) dir = underRealParent(dir);
  const state = key === undefined || dir === undefined ? 'unsafe' : dirState(dir);
  // A missing directory is created (private) when the cache is saved.
  const cacheFile = state === 'unsafe' ? undefined : path.join(dir!, `${name}.${key}${EXTENSION}`);
  const cachedData = state === 'private' ? readPrivateFile(cacheFile!) : undefined;
  const vm = process.getBuiltinModule('node:vm');
  const { createRequire } = process.getBuiltinModule('node:module');
  const script = new vm.Script(HEAD + code + TAIL, {
    filename: file,
    // Column numbers in stack traces are those of the file, not of the wrapped text.
    columnOffset: -HEAD.length,
    cachedData,
  });
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(
    module.exports,
    module.exports,
    createRequire(file),
    module,
    file,
    path.dirname(file),
  );
  const cache: CacheUse =
    cacheFile === undefined
      ? 'off'
      : cachedData === undefined
        ? 'none'
        : script.cachedDataRejected
          ? 'rejected'
          : 'used';
  let saved = cacheFile === undefined || cache === 'used';
  const save = () => {
    if (saved) return;
    saved = true;
    try {
      writeCache(dir!, cacheFile!, key!, () => script.createCachedData());
    } catch {
      // no cache this time (a read-only home, a full disk): the next run compiles again
    }
  };
  return {
    get exports() {
      return module.exports;
    },
    cache,
    save,
    saveWithin(ms) {
      if (saved) return;
      const timer = setTimeout(save, ms).unref();
      process.once('exit', () => {
        clearTimeout(timer);
        save();
      });
    },
  };
}

// The source's identity, fit for a file name.
function cacheKey(st: BigIntStats, code: string): string {
  const at = code.lastIndexOf(BUILD_ID_MARK);
  const build = at < 0 ? '' : /^[0-9a-f]{1,64}/.exec(code.slice(at + BUILD_ID_MARK.length))?.[0];
  return `${process.version}-${process.arch}${nodeFlags()}-${build ? `${build}-` : ''}${st.dev}-${st.ino}-${st.size}-${st.mtimeNs}`;
}

// Node's flags (command line and NODE_OPTIONS) as a short hash, empty when there are none. V8
// refuses a cache made under other flags: runs with and without, say, --max-old-space-size
// would otherwise replace each other's cache at every run. (FNV-1a: node:crypto costs ~3 ms.)
function nodeFlags(): string {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join('\0');
  if (flags === '') return '';
  let hash = 0x811c9dc5;
  for (let i = 0; i < flags.length; i++) hash = Math.imul(hash ^ flags.charCodeAt(i), 0x01000193);
  return `-f${(hash >>> 0).toString(16)}`;
}

// The nearest directory above `dir` that exists (the cache may create those below it).
function nearestExistingParent(dir: string): string {
  let above = path.dirname(dir);
  while (!lstatSync(above, { throwIfNoEntry: false }) && path.dirname(above) !== above)
    above = path.dirname(above);
  return above;
}

// `dir` with the directories above it that exist replaced by their real path (`dir` itself is
// not resolved: a link there is refused). Undefined when that cannot be had.
function underRealParent(dir: string): string | undefined {
  try {
    const existing = nearestExistingParent(dir);
    return path.join(realpathSync(existing), path.relative(existing, dir));
  } catch {
    return undefined;
  }
}

// Whether `dir` can hold a cache. 'private': a real directory (not a link) of this user's that
// no one else may write to. Undefined: missing, where it may be created. Either way, every
// directory above it must be one that only this user or root may change (or sticky, like /tmp,
// where others cannot move what is ours): otherwise someone could put another directory in its
// place between our check and our use. Where there are no uids (Windows), the home's ACLs rule.
//
// "No one else" spares the user's private group, which has no one else in it: under the umask
// 002 of user private groups (several Linux distributions) the home and the directories other
// programs make in it are group-writable. Whether a group is private cannot be known; the
// convention is taken: the user's primary group (from the password database, not the current
// group, which `newgrp` changes) with the user's own number, on a directory of the user's. A
// shared primary group (`users`) is not trusted: its members could swap the directory.
function dirState(dir: string): 'private' | 'unsafe' | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return lstatSync(dir, { throwIfNoEntry: false }) ? 'private' : undefined;
  const othersMayWrite = (st: Stats) =>
    (st.mode & 0o002) !== 0 ||
    ((st.mode & 0o020) !== 0 && !(st.uid === uid && st.gid === uid && privateGroup(uid)));
  const sticky = (st: Stats) => (st.mode & 0o1000) !== 0;
  try {
    // From the nearest directory above that exists, whose path `underRealParent` has made real.
    let above = nearestExistingParent(dir);
    for (;;) {
      const st = lstatSync(above);
      if ((st.uid !== uid && st.uid !== 0) || (othersMayWrite(st) && !sticky(st))) return 'unsafe';
      const parent = path.dirname(above);
      if (parent === above) break;
      above = parent;
    }
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (!st) return undefined;
    return st.isDirectory() && st.uid === uid && !othersMayWrite(st) ? 'private' : 'unsafe';
  } catch {
    return 'unsafe'; // a parent missing, or a file where a directory should be
  }
}

// Whether the user's primary group has the user's number, as user private groups have (looked up
// only for a group-writable directory).
function privateGroup(uid: number): boolean {
  try {
    return process.getBuiltinModule('node:os').userInfo().gid === uid;
  } catch {
    return false;
  }
}

// A cache file's content, if it is a regular file of this user's, written by no one else and
// linked once (not a link to another file), read through the one descriptor that was checked.
function readPrivateFile(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined; // none yet (or unreadable): compiled from the source, and saved later
  }
  try {
    const st = fstatSync(fd);
    const uid = process.getuid?.();
    const own = uid === undefined || (st.uid === uid && (st.mode & 0o022) === 0);
    return st.isFile() && own && st.nlink === 1 ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

// Write the cache all at once (a temporary file renamed into place, as concurrent runs may write
// the same one), then remove stale temporaries and the caches of other sources or Node versions.
function writeCache(dir: string, cacheFile: string, key: string, cached: () => Buffer): void {
  // The cache directory and its parent are made if missing, but nothing above them: a cache
  // never creates a home that is not there.
  mkdirIfMissing(path.dirname(dir), 0o755);
  mkdirIfMissing(dir, 0o700);
  if (dirState(dir) !== 'private') return;
  // Only now: making the data takes a few milliseconds, wasted where there is no directory.
  writeFileAtomic(cacheFile, cached(), 0o600);
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    const stale = entry.endsWith(EXTENSION)
      ? !entry.endsWith(`.${key}${EXTENSION}`) && isOlderThan(file, OTHER_KEY_MS)
      : entry.endsWith('.tmp') && isOlderThan(file, STALE_TEMP_MS);
    if (stale) rmSync(file, { force: true });
  }
}

function mkdirIfMissing(dir: string, mode: number): void {
  try {
    mkdirSync(dir, { mode });
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  }
}

function isOlderThan(file: string, ms: number): boolean {
  const st = lstatSync(file, { throwIfNoEntry: false });
  return st !== undefined && Date.now() - st.mtimeMs > ms;
}
