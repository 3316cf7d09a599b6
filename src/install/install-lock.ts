// One installer per version across processes: a lock file created with O_EXCL that names its
// owner (pid and process start time), taken over when that owner is gone.
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode } from '../errors.js';
import type { LauncherPaths } from '../paths.js';
import { isSameProcessAlive, ownStartTime } from '../session/process-identity.js';
import { randomHex } from '../util/random.js';
import { lockFile } from './layout.js';

/** What a lock file holds. `nonce` tells two holders with the same pid apart. */
export interface LockOwner {
  readonly pid: number;
  readonly startTime: string | null;
  readonly nonce: string;
  readonly acquiredAt: string;
}

/** A held lock; `release` removes it only while it is still ours. */
export interface VersionLock {
  readonly file: string;
  readonly owner: LockOwner;
  release(): void;
}

export interface AcquireOptions {
  readonly signal?: AbortSignal | undefined;
  /**
   * Called once per distinct owner we end up waiting for (`unreadable`: a lock file this process
   * may not read, whose owner it cannot judge and so waits for).
   */
  readonly onWait?: (owner: LockOwner | 'unreadable', file: string) => void;
  /**
   * How often a waiter looks again (default 25 ms). A waiter finishes up to this long after the
   * install it waits for; one look is a few small file reads.
   */
  readonly pollMs?: number;
  /**
   * Checked while waiting: once it holds, the lock is no longer needed and `null` is returned.
   * Installers pass "the version is installed", so the waiters of one install all finish as soon
   * as its receipt appears, instead of taking the lock one after another.
   */
  readonly unneeded?: () => boolean;
}

// A lock file is written right after it is created; one that is still empty after this long
// was left by a process killed in between.
const EMPTY_LOCK_GRACE_MS = 2000;

/**
 * The owner recorded in a lock file: 'absent' when there is none, null when it holds no owner
 * (empty or torn: judged by its age), 'unreadable' when this process may not read it (another
 * user's lock in a shared home: its owner may well be alive, so it is never taken over).
 */
export function readLockOwner(file: string): LockOwner | null | 'absent' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return errnoCode(error) === 'ENOENT' ? 'absent' : 'unreadable';
  }
  try {
    const data = JSON.parse(text) as LockOwner;
    return Number.isSafeInteger(data.pid) && typeof data.nonce === 'string' ? data : null;
  } catch {
    return null;
  }
}

/** True when the lock of `version` is held by a running process. */
export function isLockHeld(paths: LauncherPaths, version: string): boolean {
  const file = lockFile(paths, version);
  const owner = readLockOwner(file);
  if (owner === 'absent') return false;
  if (owner === 'unreadable') return true;
  return owner === null ? !isEmptyAndOld(file) : isSameProcessAlive(owner.pid, owner.startTime);
}

function isEmptyAndOld(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs > EMPTY_LOCK_GRACE_MS;
  } catch {
    return true;
  }
}

function tryCreate(file: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Remove a lock whose owner is gone. It is moved aside first and its nonce compared: if another
 * waiter took the lock over in between, we moved a live lock, and it is linked back at once.
 */
function takeOver(file: string, stale: LockOwner | null): void {
  const aside = `${file}.stale-${randomHex(6)}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = readLockOwner(aside);
  const wasStale =
    stale === null
      ? moved === null
      : moved !== null && typeof moved === 'object' && moved.nonce === stale.nonce;
  if (!wasStale) {
    try {
      linkSync(aside, file);
    } catch {
      // A third process created a fresh lock meanwhile; the one we moved stays with its owner's
      // rename check (see docs/install.md, "the lock").
    }
  }
  rmSync(aside, { force: true });
}

/**
 * Take the lock of `version`, waiting (polling) while a live process holds it. A lock whose
 * owner is dead (or whose pid now belongs to another process) is taken over.
 */
export async function acquireVersionLock(
  paths: LauncherPaths,
  version: string,
  options: AcquireOptions & { unneeded: () => boolean },
): Promise<VersionLock | null>;
export async function acquireVersionLock(
  paths: LauncherPaths,
  version: string,
  options?: AcquireOptions & { unneeded?: undefined },
): Promise<VersionLock>;
export async function acquireVersionLock(
  paths: LauncherPaths,
  version: string,
  options: AcquireOptions = {},
): Promise<VersionLock | null> {
  mkdirSync(paths.versions, { recursive: true });
  return takeLock(lockFile(paths, version), options);
}

/**
 * The same lock for any file (its directory must exist): how other work that must not run twice
 * at once (rehash) takes turns, with the same owner checks and takeover.
 */
export async function acquireLock(
  file: string,
  options: AcquireOptions & { unneeded: () => boolean },
): Promise<VersionLock | null>;
export async function acquireLock(
  file: string,
  options?: AcquireOptions & { unneeded?: undefined },
): Promise<VersionLock>;
export async function acquireLock(
  file: string,
  options: AcquireOptions = {},
): Promise<VersionLock | null> {
  return takeLock(file, options);
}

async function takeLock(file: string, options: AcquireOptions): Promise<VersionLock | null> {
  const owner: LockOwner = {
    pid: process.pid,
    startTime: ownStartTime(),
    nonce: randomHex(8),
    acquiredAt: new Date().toISOString(),
  };
  let toldAbout: string | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    if (tryCreate(file, owner)) return { file, owner, release: () => releaseIfOurs(file, owner) };
    const current = readLockOwner(file);
    if (current === 'absent') continue;
    const alive =
      current === 'unreadable' ||
      (current === null
        ? !isEmptyAndOld(file)
        : isSameProcessAlive(current.pid, current.startTime));
    if (!alive) {
      takeOver(file, current as LockOwner | null);
      continue;
    }
    const who = current === 'unreadable' ? current : current?.nonce;
    if (who !== undefined && who !== toldAbout) {
      toldAbout = who;
      options.onWait?.(current as LockOwner | 'unreadable', file);
    }
    if (options.unneeded?.()) return null;
    await sleep(options.pollMs ?? 25, undefined, { signal: options.signal });
  }
}

/** Who holds a lock, for the notes of those who wait for it. */
export function lockHolder(owner: LockOwner | 'unreadable', file: string): string {
  return owner === 'unreadable'
    ? `the owner of ${file} (a file launcher may not read; remove it if no install is running)`
    : `process ${owner.pid}`;
}

function releaseIfOurs(file: string, owner: LockOwner): void {
  const current = readLockOwner(file);
  if (current !== null && typeof current === 'object' && current.nonce === owner.nonce) {
    rmSync(file, { force: true });
  }
}
