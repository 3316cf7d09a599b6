// The shim's start-up snapshot (docs/architecture.md): a V8 heap with the shim's code already
// loaded and run once, which Node can start from (`node --snapshot-blob`) in about the time of
// an empty script. Built by the first shim call that finds it missing or out of date, kept in
// the cache, used by the POSIX shim only while the Node binary and launcher's code are the ones
// it was built from. Everything here is best effort: without a snapshot, shims still work.
import { chmodSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import type { LauncherPaths } from '../paths.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { isOrphanedTemporary } from '../util/orphaned-temporary.js';
import { makeOwnDir } from '../util/own-dir.js';
import { findProgram, SYSTEM_PATH } from '../util/search-path.js';

/** Set to `0` to never build or use the snapshot. */
const SNAPSHOT_VAR = 'LAUNCHER_SHIM_SNAPSHOT';

/** Where the snapshot of one home lives (the shims name the blob; the rest is ours). */
export function snapshotFiles(paths: LauncherPaths): {
  dir: string;
  blob: string;
  stamp: string;
  failed: string;
} {
  const dir = path.join(paths.cache, 'shim-snapshot');
  return {
    dir,
    blob: path.join(dir, 'shim.blob'),
    stamp: path.join(dir, 'shim.json'),
    failed: path.join(dir, 'failed.json'),
  };
}

/** The file the snapshot is built from: all of the shim's code in one CommonJS file. */
function snapshotSource(): string {
  return path.join(packageRoot(), 'dist', 'shim-snapshot', 'snapshot.cjs');
}

/**
 * What a snapshot depends on, as a string to compare: the Node binary (path, version and file
 * identity) and launcher's code (the source file's identity). Undefined when the source is missing.
 */
function snapshotIdentity(): string | undefined {
  const source = fileIdentity(snapshotSource());
  const node = fileIdentity(process.execPath);
  if (!source || !node) return undefined;
  return JSON.stringify({
    node: process.execPath,
    nodeVersion: process.version,
    nodeFile: node,
    source,
  });
}

/**
 * A file's identity: replaced, rebuilt or reinstalled, it differs. Undefined when missing. (A
 * plain stat, to the microsecond: every snapshot-started call checks its source with it.)
 */
export function fileIdentity(file: string): string | undefined {
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}` : undefined;
}

/**
 * Why this environment does not use a snapshot, or undefined when it does. NODE_OPTIONS may carry
 * V8 flags, and Node refuses (exit 14) a snapshot built under other flags, so the POSIX shim
 * starts without the snapshot whenever NODE_OPTIONS is set; Windows shims never use one.
 */
export function snapshotOff(env: NodeJS.ProcessEnv): string | undefined {
  if (process.platform === 'win32') return 'Windows shims start without a snapshot';
  if (env[SNAPSHOT_VAR] === '0') return `${SNAPSHOT_VAR}=0`;
  if (env.NODE_OPTIONS)
    return 'NODE_OPTIONS is set, and Node only starts a snapshot under the flags it was built with';
  return undefined;
}

export type SnapshotState =
  | { readonly state: 'ready' }
  | { readonly state: 'missing' | 'stale' }
  | { readonly state: 'failed'; readonly reason: string };

/**
 * What a build takes from the caller's environment, and nothing else: the PATH it finds `touch`
 * in (and its warm-up, setpriv), and the TMPDIR its warm-up works in. A failed build is recorded
 * with them, as a failure may be theirs alone (docs/architecture.md).
 */
function buildEnvironment(env: NodeJS.ProcessEnv): { PATH: string; TMPDIR?: string } {
  return { PATH: env.PATH ?? SYSTEM_PATH, ...(env.TMPDIR ? { TMPDIR: env.TMPDIR } : {}) };
}

/**
 * Whether the snapshot can be used: its stamp names the current Node and code, and the blob's
 * modification time is the Node binary's (what the POSIX shim checks before using it). A failed
 * build counts for calls in the environment it failed in (`env`'s PATH and TMPDIR) only.
 */
export function snapshotState(
  paths: LauncherPaths,
  env: NodeJS.ProcessEnv = process.env,
): SnapshotState {
  const files = snapshotFiles(paths);
  const identity = snapshotIdentity();
  const blob = statSync(files.blob, { bigint: true, throwIfNoEntry: false });
  const node = statSync(process.execPath, { bigint: true });
  const stamp = readJson(files.stamp);
  if (
    blob &&
    stamp?.identity === identity &&
    stamp?.blobIno === String(blob.ino) &&
    blob.mtimeNs === node.mtimeNs
  ) {
    return { state: 'ready' };
  }
  const failed = readJson(files.failed);
  if (
    failed !== undefined &&
    failed.identity === identity &&
    JSON.stringify(failed.environment) === JSON.stringify(buildEnvironment(env))
  ) {
    return { state: 'failed', reason: String(failed.reason) };
  }
  return { state: blob ? 'stale' : 'missing' };
}

/**
 * Build the snapshot if it is missing or out of date, unless building it already failed for
 * this Node, code and environment (`launcher rehash` forgets such a failure). Never throws.
 */
export async function refreshSnapshot(paths: LauncherPaths): Promise<SnapshotState> {
  let state: SnapshotState;
  try {
    state = snapshotState(paths);
    if (state.state === 'ready' || state.state === 'failed') return state;
    await buildSnapshot(paths);
    return snapshotState(paths);
  } catch (error) {
    return { state: 'failed', reason: (error as Error).message };
  }
}

/**
 * Forget a failed build, so the next shim call tries again. (A stale snapshot stays: shims may
 * be starting from it this very moment, and it runs the current code when launcher changed.)
 */
export function forgetSnapshotFailure(paths: LauncherPaths): void {
  try {
    rmSync(snapshotFiles(paths).failed, { force: true });
  } catch {
    // A cache that cannot be written cannot hold a snapshot either: nothing to retry.
  }
}

// Runs `node --build-snapshot` on the source (which also runs the shim once, on a throwaway
// home, so the code is compiled in the snapshot), gives the blob the Node binary's modification
// time, writes the stamp, and renames the blob into place. A failure is recorded, with the
// environment it happened in, not thrown.
async function buildSnapshot(paths: LauncherPaths): Promise<void> {
  // Loaded here: every command that rehashes imports this module, and only a build spawns.
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const files = snapshotFiles(paths);
  const identity = snapshotIdentity();
  if (identity === undefined) return;
  const environment = buildEnvironment(process.env);
  makeOwnDir(files.dir);
  removeSnapshotLeftovers(paths);
  // Sixteen shims started at once on a fresh home (make -j16) need one build, not sixteen: the
  // others run without the snapshot meanwhile. The install lock's mechanism (owner pid and
  // start time, takeover of a dead owner); loaded here, as builds are rare.
  const { acquireLock } = await import('../install/install-lock.js');
  const lock = await acquireLock(path.join(files.dir, 'building'), { unneeded: () => true });
  if (lock === null) return;
  const tmp = `${files.blob}.${process.pid}.tmp`;
  try {
    const built = spawnSync(
      process.execPath,
      ['--snapshot-blob', tmp, '--build-snapshot', snapshotSource()],
      {
        cwd: files.dir,
        // Only what the build needs: nothing of the caller's environment ends up in the heap,
        // and no NODE_OPTIONS changes the flags the snapshot is tied to. Without Node's warnings
        // that some built-in modules are not verified in snapshots (several lines each), so
        // that the last lines of a failed build's output say what went wrong; a call started
        // from the snapshot shows warnings as its own environment says.
        env: { ...environment, NODE_NO_WARNINGS: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: BUILD_TIMEOUT_MS,
        encoding: 'utf8',
      },
    );
    if (built.status !== 0 || !statSync(tmp, { throwIfNoEntry: false })) {
      const detail = built.error?.message ?? lastLines(built.stderr);
      throw new Error(`node --build-snapshot failed (${built.status ?? built.signal}): ${detail}`);
    }
    // `touch -r` copies the time to the nanosecond, as the shim's `test -nt`/`-ot` compare it. A
    // file system with coarser times (NTFS under WSL, some NFS) cannot hold it: the shim would
    // never use the snapshot and every call would build it again, so that is a failed build.
    // (By its path: see findProgram.) A PATH without one (`PATH= mycc` in a script) has the
    // system's, from the directories the default PATH names.
    const touch = findProgram('touch', environment.PATH) ?? findProgram('touch', SYSTEM_PATH);
    if (touch === undefined) {
      throw new Error('no touch in an absolute PATH directory, nor in /usr/bin or /bin');
    }
    const touched = spawnSync(touch, ['-r', process.execPath, tmp], { stdio: 'ignore' });
    if (touched.status !== 0) throw new Error('touch -r could not date the snapshot');
    const node = statSync(process.execPath, { bigint: true }).mtimeNs;
    if (statSync(tmp, { bigint: true }).mtimeNs !== node) {
      throw new Error(`${files.dir} cannot hold the Node binary's modification time exactly`);
    }
    // Node creates the blob with whatever the umask leaves (0666 under umask 000): another user
    // who could write it would run code in every shim call. chmod keeps the modification time.
    chmodSync(tmp, 0o644);
    // The blob first, then the stamp naming it: a stamp never vouches for another blob.
    renameSync(tmp, files.blob);
    const blobIno = String(statSync(files.blob, { bigint: true }).ino);
    writeFileAtomic(files.stamp, `${JSON.stringify({ identity, blobIno })}\n`);
    // Once built, no call builds again: what builds killed meanwhile left must go now.
    removeSnapshotLeftovers(paths);
  } catch (error) {
    rmSync(tmp, { force: true });
    writeFileAtomic(
      files.failed,
      `${JSON.stringify({ identity, environment, reason: (error as Error).message })}\n`,
    );
  } finally {
    lock.release();
  }
}

const BUILD_TIMEOUT_MS = 60_000;

/**
 * Remove the temporary files of builds killed half-way (Ctrl-C or kill during a shim's first
 * call): each blob is about 5 MB. Run by each build, before and after it, and by rehash; never
 * by a call that does not build. Never throws.
 */
export function removeSnapshotLeftovers(paths: LauncherPaths): void {
  const { dir } = snapshotFiles(paths);
  try {
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.tmp') && isLeftover(path.join(dir, name))) {
        rmSync(path.join(dir, name), { force: true });
      }
    }
  } catch {
    // No cache yet, or one we may not change: nothing we could remove.
  }
}

// A temporary file is named after the launcher that builds (the lock's owner), so it goes once
// that process runs no more. One whose pid another process has taken since goes once an hour
// old, no build taking that long (by the change time: a finished blob carries the Node binary's
// modification time). A builder outlives its launcher killed by SIGKILL by a second or so, and
// may write its blob after this ran: the next build or rehash removes that one.
function isLeftover(file: string): boolean {
  if (isOrphanedTemporary(path.basename(file))) return true;
  return (statSync(file, { throwIfNoEntry: false })?.ctimeMs ?? Infinity) < Date.now() - 3_600_000;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function lastLines(text: string | undefined): string {
  return (text ?? '').trim().split('\n').slice(-3).join(' / ') || 'no output';
}
