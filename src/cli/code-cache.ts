// Runs a CommonJS file with a V8 code cache: the bytecode a previous run compiled is read back
// instead of compiling the source again. Node 20 has no compile cache of its own for user code
// (module.enableCompileCache() came with Node 22), and the CLI's start-up was mostly compiling:
// see "The CLI runs from a V8 code cache" in docs/architecture.md.
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** Set to `0` to never read or write the CLI's code cache. */
export const CODE_CACHE_VAR = 'LAUNCHER_CODE_CACHE';

/** The cache's file extension. */
const EXTENSION = '.v8cache';

// A writer killed half-way leaves its temporary file; one older than this is no one's any more.
const STALE_TEMP_MS = 60_000;

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
 * source's identity (device, inode, size, modification time) and the Node version: V8 itself
 * checks only the source's length, so an edited or replaced file must never meet an old cache.
 * `dir` must be private to the user (created 0700, owned by them, writable by no one else),
 * since V8 runs the bytecode it reads there as if compiled from the source; otherwise it is
 * neither read nor written. Without `dir` the file just runs.
 */
export function loadWithCodeCache(
  file: string,
  dir: string | undefined,
  name: string,
): CachedModule {
  const code = readFileSync(file, 'utf8');
  const key = dir === undefined ? undefined : cacheKey(file);
  // A missing directory is created (private) when the cache is saved.
  const usable = key !== undefined && (dirState(dir!) ?? 'missing') !== 'unsafe';
  const cacheFile = usable ? path.join(dir!, `${name}.${key}${EXTENSION}`) : undefined;
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // none yet (or unreadable): compiled from the source, and saved at the end
    }
  }
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
      writeCache(dir!, cacheFile!, key!, script.createCachedData());
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

// The source's identity, fit for a file name. Undefined when it cannot be had.
function cacheKey(file: string): string | undefined {
  try {
    const st = statSync(file, { bigint: true });
    return `${process.version}-${process.arch}-${st.dev}-${st.ino}-${st.size}-${st.mtimeNs}`;
  } catch {
    return undefined;
  }
}

// Private: a real directory (not a link) of this user's that no one else may write to. Where
// there are no uids (Windows), the home's own ACLs rule. Undefined when there is nothing there.
function dirState(dir: string): 'private' | 'unsafe' | undefined {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(dir, { throwIfNoEntry: false });
  } catch {
    return 'unsafe'; // a file where a parent directory should be, say
  }
  if (!st) return undefined;
  const uid = process.getuid?.();
  const own = uid === undefined || (st.uid === uid && (st.mode & 0o022) === 0);
  return st.isDirectory() && own ? 'private' : 'unsafe';
}

// Write the cache all at once (a temporary file renamed into place, as concurrent runs may write
// the same one), then remove the caches of other sources or Node versions and stale temporaries.
function writeCache(dir: string, cacheFile: string, key: string, data: Buffer): void {
  // The cache directory and its parent are made if missing, but nothing above them: a cache
  // never creates a home that is not there.
  mkdirIfMissing(path.dirname(dir), 0o777);
  mkdirIfMissing(dir, 0o700);
  if (dirState(dir) !== 'private') return;
  const temp = `${cacheFile}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temp, data, { mode: 0o600, flag: 'wx' });
    renameSync(temp, cacheFile);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  for (const entry of readdirSync(dir)) {
    const stale = entry.endsWith(EXTENSION)
      ? !entry.endsWith(`.${key}${EXTENSION}`)
      : entry.endsWith('.tmp') && isOlderThan(path.join(dir, entry), STALE_TEMP_MS);
    if (stale) rmSync(path.join(dir, entry), { force: true });
  }
}

function mkdirIfMissing(dir: string, mode: number): void {
  try {
    mkdirSync(dir, { mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function isOlderThan(file: string, ms: number): boolean {
  const st = statSync(file, { throwIfNoEntry: false });
  return st !== undefined && Date.now() - st.mtimeMs > ms;
}
