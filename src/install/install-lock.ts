// One installer per version across processes. A lock is a directory holding one file,
// `owner-<nonce>`, that names its owner (pid and process start time). It is made complete under
// a temporary name and renamed into place, and a lock whose owner is gone is removed by that
// owner's file name, so no process can ever remove a lock it did not judge (docs/install.md).
import {
  existsSync,
  lstatSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode, fileSystemRefusal } from '../errors.js';
import type { LauncherPaths } from '../paths.js';
import { isSameProcessAlive, ownStartTime, uptimeNowMs } from '../session/process-identity.js';
import { namesIn } from '../util/names-in.js';
import { makeOwnDir } from '../util/own-dir.js';
import { randomHex } from '../util/random.js';
import { readSmallFile } from '../util/read-small-file.js';
import { DirChange } from './dir-change.js';
import { lockFile } from './layout.js';

/** What the holder of a version's lock does with the version, for the notes of its waiters. */
export type LockOperation = 'install' | 'uninstall';

/**
 * What a lock's owner file holds. `nonce` tells two holders with the same pid apart; `uptimeMs`
 * (the machine's, at `acquiredAt`; absent in an older launcher's record) tells a restart since.
 * `operation` is absent in an older launcher's record and in the locks of other work (rehash).
 */
export interface LockOwner {
  readonly pid: number;
  readonly startTime: string | null;
  readonly nonce: string;
  readonly acquiredAt: string;
  readonly uptimeMs?: number;
  readonly operation?: LockOperation;
}

/** A held lock; `release` removes it only while it is still ours. */
export interface VersionLock {
  readonly file: string;
  readonly owner: LockOwner;
  /** Whether it is still ours: false once another process took it over. */
  held(): boolean;
  release(): void;
}

export interface AcquireOptions {
  readonly signal?: AbortSignal | undefined;
  /** Recorded in the owner file, so that waiters can say what they wait for. */
  readonly operation?: LockOperation;
  /**
   * Called once per distinct owner we end up waiting for (`unreadable`: a lock this process
   * may not read, whose owner it cannot judge and so waits for).
   */
  readonly onWait?: (owner: LockOwner | 'unreadable', file: string) => void;
  /**
   * How often a waiter looks again where the lock's directory cannot be watched (default 25 ms).
   * Where it can, a waiter looks again at each change of that directory (a lock released, a
   * version renamed into place) and every 500 ms in case the owner died.
   */
  readonly pollMs?: number;
  /**
   * Checked while waiting: once it holds, the lock is no longer needed and `null` is returned.
   * Installers pass "the version is installed", so the waiters of one install all finish as soon
   * as its receipt appears, instead of taking the lock one after another.
   */
  readonly unneeded?: () => boolean;
}

// How often a waiter watching the lock's directory looks again without a change: a lock's owner
// that dies changes nothing there.
const WATCHED_LOOK_MS = 500;

const OWNER_PREFIX = 'owner-';
const PREPARED = /\.tmp-[0-9a-f]{16}$/;

// An owner file that is not a launcher's record (garbled, or a lock file of an older launcher
// that was still empty) counts as dead once it is this old.
const GARBLED_GRACE_MS = 2000;

/** What is at a lock's path. `record`: the owner file (or an older launcher's plain lock file). */
type LockState =
  | { readonly kind: 'free' }
  | { readonly kind: 'unreadable' }
  | { readonly kind: 'held'; readonly owner: LockOwner | null; readonly record: string };

function inspectLock(file: string): LockState {
  let entries: string[];
  try {
    entries = readdirSync(file);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return { kind: 'free' };
    // A plain file: the lock of an older launcher, or something left in its place.
    if (code === 'ENOTDIR') return readRecord(file);
    return { kind: 'unreadable' };
  }
  if (entries.length === 0) return { kind: 'free' };
  const entry = entries.find((name) => name.startsWith(OWNER_PREFIX));
  // No owner file: no launcher holds this lock (a lock is put in place with its owner file and
  // loses it only on release or takeover), but what someone else left in it keeps the directory
  // from ever being replaced. Judged like a garbled owner record: by its age, and removed by name.
  if (entry === undefined)
    return { kind: 'held', owner: null, record: path.join(file, entries[0]!) };
  return readRecord(path.join(file, entry));
}

// An owner record is a line of JSON; anything larger is not one.
const MAX_RECORD_BYTES = 64 * 1024;

function readRecord(record: string): LockState {
  // Read as a version file is: a FIFO in a lock's place would block a plain read for good, deaf
  // to Ctrl-C. What is no regular file, or no record, is garbled: judged by its age.
  const content = readSmallFile(record, MAX_RECORD_BYTES);
  // Released (or removed as dead) while we looked.
  if (content.status === 'absent') return { kind: 'free' };
  if (content.status === 'unreadable' && content.denied) return { kind: 'unreadable' };
  let owner: LockOwner | null = null;
  try {
    const data = JSON.parse(content.status === 'text' ? content.text : '') as LockOwner;
    if (Number.isSafeInteger(data.pid) && typeof data.nonce === 'string') owner = data;
  } catch {}
  return { kind: 'held', owner, record };
}

/**
 * Who holds a lock: 'absent' when nobody does, null when its owner record is not a launcher's
 * (judged by its age), 'unreadable' when this process may not read it (another user's lock in a
 * shared home: its owner may well be alive, so it is never removed).
 */
export function readLockOwner(file: string): LockOwner | null | 'absent' | 'unreadable' {
  const state = inspectLock(file);
  if (state.kind === 'free') return 'absent';
  return state.kind === 'unreadable' ? 'unreadable' : state.owner;
}

function isAlive(state: LockState): boolean {
  if (state.kind !== 'held') return state.kind === 'unreadable';
  return state.owner === null
    ? !isOld(state.record)
    : isSameProcessAlive(state.owner.pid, state.owner.startTime, {
        at: state.owner.acquiredAt,
        uptimeMs: state.owner.uptimeMs,
      });
}

/** True when the lock of `version` is held by a running process. */
export function isLockHeld(paths: LauncherPaths, version: string): boolean {
  return isAlive(inspectLock(lockFile(paths, version)));
}

function isOld(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs > GARBLED_GRACE_MS;
  } catch {
    return true;
  }
}

// Remove a directory if it is empty; one that is not (a new lock, moved in meanwhile) stays.
function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOTDIR') {
      throw error;
    }
  }
}

/**
 * Remove a lock whose owner is gone, by the name of that owner's file: if another process took
 * the lock meanwhile, the lock in place holds a file of another name, which stays, and so does
 * its directory (only an empty one is removed).
 */
function removeDead(file: string, record: string): void {
  try {
    // Inside the lock's directory, by its own name (a stray entry may be a directory); the old
    // plain lock file only by unlink, which cannot remove a lock directory put in its place.
    if (record === file) unlinkSync(record);
    else rmSync(record, { recursive: true, force: true });
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'ENOENT' && !(record === file && isDirectory(file))) throw error;
    // Else an older launcher's lock file that a lock directory has replaced meanwhile.
  }
  if (record !== file) removeIfEmpty(file);
}

function isDirectory(file: string): boolean {
  try {
    return lstatSync(file).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The lock as it will be put in place: a directory holding our owner file, under a name of our
 * own beside the lock (`sweepLeftovers` removes one left by a killed process).
 */
function prepare(file: string, owner: LockOwner): string {
  const ready = `${file}.tmp-${owner.nonce}`;
  makeOwnDir(ready, false);
  const record = path.join(ready, `${OWNER_PREFIX}${owner.nonce}`);
  try {
    // Not 0666 under umask 000: another user could make a live owner look dead, and take over.
    writeFileSync(record, `${JSON.stringify(owner)}\n`, { mode: 0o644 });
  } catch (error) {
    removeQuietly(ready);
    // A full disk fails the write, whose error names no file: this one is worth naming, as it
    // stops even an uninstall that would free space.
    throw (
      fileSystemRefusal(error, {
        file: record,
        noRoom: `It is the owner file of the lock ${file}, which every install, uninstall and rehash takes: it needs a few bytes there.`,
      }) ?? error
    );
  }
  return ready;
}

// Cleaning up must not hide what went wrong, nor undo a lock already taken.
function removeQuietly(target: string): void {
  try {
    rmSync(target, { recursive: true, force: true });
  } catch {}
}

// Put the prepared lock in place: rename(2) replaces nothing but an empty directory, so this
// succeeds only while nobody holds the lock, and the lock appears with its owner already in it.
// Returns undefined once placed, else the error, for a caller that finds the lock free after all.
function tryPlace(ready: string, file: string): unknown {
  try {
    renameSync(ready, file);
    return undefined;
  } catch (error) {
    const code = errnoCode(error);
    // Held (a lock directory with its owner, or an older launcher's lock file); on Windows also
    // a free but empty directory, which rename does not replace.
    if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'ENOTDIR' || code === 'EPERM') {
      return error;
    }
    throw error;
  }
}

/**
 * Whether `name`, in the directory `dir`, is a prepared lock left by a process killed before
 * it put the lock in place: its owner is gone (or it is still empty after the grace period).
 */
export function isLeftoverLock(dir: string, name: string): boolean {
  if (!PREPARED.test(name)) return false;
  const prepared = path.join(dir, name);
  const state = inspectLock(prepared);
  if (state.kind === 'free') return isOld(prepared);
  return state.kind === 'held' && !isAlive(state);
}

// Prepared locks left beside `file` by killed processes: removed by whoever next holds it, as
// far as it may (another user's may not be).
function removeLeftovers(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.tmp-`;
  for (const name of namesIn(dir)) {
    if (name.startsWith(prefix) && isLeftoverLock(dir, name)) removeQuietly(path.join(dir, name));
  }
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
  makeOwnDir(paths.versions);
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

function newOwner(operation?: LockOperation): LockOwner {
  return {
    pid: process.pid,
    startTime: ownStartTime(),
    nonce: randomHex(8),
    acquiredAt: new Date().toISOString(),
    uptimeMs: uptimeNowMs(),
    ...(operation ? { operation } : {}),
  };
}

// The lock just placed: prepared locks of killed processes beside it are cleaned up first.
function heldLock(file: string, owner: LockOwner): VersionLock {
  removeLeftovers(file);
  const record = path.join(file, `${OWNER_PREFIX}${owner.nonce}`);
  return { file, owner, held: () => existsSync(record), release: () => release(file, owner) };
}

async function takeLock(file: string, options: AcquireOptions): Promise<VersionLock | null> {
  const owner = newOwner(options.operation);
  const ready = prepare(file, owner);
  let placed = false;
  // Made when a wait begins: waiters sleep until the lock's directory changes.
  let change: DirChange | undefined | null = null;
  try {
    let toldAbout: string | undefined;
    // Placing failed yet the lock was free: more than a few times in a row, and the failure is
    // not the lock's (a directory we may not change, say).
    let unexplained = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      change?.reset();
      const failure = tryPlace(ready, file);
      if (failure === undefined) {
        placed = true;
        return heldLock(file, owner);
      }
      const state = inspectLock(file);
      if (state.kind === 'free') {
        if (++unexplained > 3) throw failure;
        // An empty directory: left by a release cut short, or not replaced by rename (Windows).
        removeIfEmpty(file);
        // A moment for whatever got in the way (on Windows, a scanner holding the directory).
        if (unexplained > 1) await sleep(5 * unexplained, undefined, { signal: options.signal });
        continue;
      }
      unexplained = 0;
      if (state.kind === 'held' && !isAlive(state)) {
        removeDead(file, state.record);
        continue;
      }
      const current = state.kind === 'held' ? state.owner : 'unreadable';
      const who = current === 'unreadable' ? current : current?.nonce;
      if (who !== undefined && who !== toldAbout) {
        toldAbout = who;
        options.onWait?.(current as LockOwner | 'unreadable', file);
      }
      if (options.unneeded?.()) return null;
      if (change === null) {
        change = DirChange.watch(path.dirname(file));
        // What changed before the watch began went unseen: look again at once.
        if (change) continue;
      }
      if (change) await change.wait(WATCHED_LOOK_MS, options.signal);
      else await sleep(options.pollMs ?? 25, undefined, { signal: options.signal });
    }
  } finally {
    change?.close();
    if (!placed) removeQuietly(ready);
  }
}

export interface TryLockOptions {
  /**
   * Asked about a live owner that holds the lock: true takes it over as well (for a lock only
   * ever held for a short step, an owner stuck holding it, say a stopped process). The taker
   * must then expect the old owner to go on (see VersionLock.held).
   */
  readonly abandoned?: (owner: LockOwner) => boolean;
}

/**
 * The same lock (its directory must exist), taken only if it can be had now: null while a live
 * process holds it. For work that must never wait (the kept diagnostics, written from the
 * launcher's event loop), which tries again later instead. A lock whose owner is gone is taken
 * over as acquireLock does.
 */
export function tryLock(file: string, options: TryLockOptions = {}): VersionLock | null {
  const owner = newOwner();
  const ready = prepare(file, owner);
  let placed = false;
  try {
    let failure: unknown;
    // A few tries: each removes what stood in the way (an empty directory, a dead owner's lock).
    for (let tries = 0; tries < 4; tries++) {
      failure = tryPlace(ready, file);
      if (failure === undefined) {
        placed = true;
        return heldLock(file, owner);
      }
      const state = inspectLock(file);
      if (state.kind === 'free') removeIfEmpty(file);
      else if (state.kind === 'held' && (!isAlive(state) || isAbandoned(state, options))) {
        removeDead(file, state.record);
      } else return null;
    }
    throw failure;
  } finally {
    if (!placed) removeQuietly(ready);
  }
}

function isAbandoned(state: LockState & { kind: 'held' }, options: TryLockOptions): boolean {
  return state.owner !== null && options.abandoned?.(state.owner) === true;
}

/** Who holds a lock, for the notes of those who wait for it. */
export function lockHolder(owner: LockOwner | 'unreadable', file: string): string {
  return owner === 'unreadable'
    ? `the owner of ${file} (a lock launcher cannot read; remove it if no install is running)`
    : `process ${owner.pid}`;
}

// What the holder of a version's lock is doing, by its record's `operation`; an unknown one (or
// none, as in an older launcher's record) is not guessed, nor printed.
const DOING: Record<LockOperation, string> = {
  install: 'is installing',
  uninstall: 'is uninstalling',
};

/**
 * The note of a process waiting for the lock of `label` ("mycc 1.4.2"): whom it waits for, and
 * what that one is doing with the version when its record says.
 */
export function versionLockWaitNote(
  owner: LockOwner | 'unreadable',
  file: string,
  label: string,
): string {
  const operation = owner === 'unreadable' ? undefined : owner.operation;
  const doing =
    operation !== undefined && Object.hasOwn(DOING, operation)
      ? DOING[operation]
      : 'holds the lock of';
  return `launcher: waiting for ${lockHolder(owner, file)}, which ${doing} ${label}…\n`;
}

// Our owner file goes first, then the directory if it is empty: a lock another process put in
// place meanwhile (the moment ours was empty) is not removed. Releasing never throws: callers
// release in `finally`, and a lock that could not be removed is judged dead once we are gone.
function release(file: string, owner: LockOwner): void {
  try {
    rmSync(path.join(file, `${OWNER_PREFIX}${owner.nonce}`), { force: true });
    removeIfEmpty(file);
  } catch {}
}
