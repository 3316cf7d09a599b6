// Cleaning up after installers that died: staging and trash directories, partial downloads.
import { existsSync, readdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { type LauncherPaths, RECEIPT_FILE, versionDir } from '../paths.js';
import { isLeftoverLock, isLockHeld } from './install-lock.js';
import { downloadsRoot, type LeftoverKind, parseLeftover } from './layout.js';
import { removeOrWarn } from './remove-tree.js';

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}

/**
 * Whether a `.replaced-` copy is a whole version that the sweep would put back: it has its
 * receipt (a copy whose deletion was cut short lost its receipt first).
 */
export function canPutBack(replaced: string): boolean {
  return existsSync(path.join(replaced, RECEIPT_FILE));
}

/**
 * A reinstall killed between moving the old version aside and renaming the new one into place
 * left no version: the old one (if it was installed) goes back. True when it did.
 */
function putBack(paths: LauncherPaths, version: string, replaced: string): boolean {
  if (!canPutBack(replaced)) return false;
  try {
    // Fails when something is in the version's place (the reinstall got that far): then the
    // old copy is just removed.
    renameSync(replaced, versionDir(paths, version));
    return true;
  } catch {
    return false;
  }
}

/** A leftover under `versions/` that no live process works in; `lock`: a lock never put in place. */
export type Leftover =
  | { readonly path: string; readonly kind: LeftoverKind; readonly version: string }
  | { readonly path: string; readonly kind: 'lock' };

/**
 * The staging, trash and replaced directories under `versions/` of the versions whose lock no
 * other live process holds (`heldByOthers`), and the locks that were prepared but never put in
 * place: what the sweep removes, and what `launcher doctor` reports.
 */
export function findLeftovers(
  paths: LauncherPaths,
  heldByOthers: (version: string) => boolean,
): Leftover[] {
  const found: Leftover[] = [];
  for (const name of list(paths.versions)) {
    const target = path.join(paths.versions, name);
    const leftover = parseLeftover(name);
    if (leftover && !heldByOthers(leftover.version)) found.push({ path: target, ...leftover });
    else if (name.startsWith('.lock-') && isLeftoverLock(paths.versions, name)) {
      found.push({ path: target, kind: 'lock' });
    }
  }
  return found;
}

/** Whether a live process other than the caller (who holds `ownVersion`'s lock) holds a lock. */
export function otherHolders(paths: LauncherPaths, ownVersion?: string) {
  const held = new Map<string, boolean>();
  return (version: string): boolean => {
    if (version === ownVersion) return false;
    if (!held.has(version)) held.set(version, isLockHeld(paths, version));
    return held.get(version)!;
  };
}

/**
 * Remove what dead installers left (`findLeftovers`), and partial downloads in the cache of
 * every version whose lock no live process holds. `ownVersion` is the version whose lock the
 * caller holds: its staging leftovers are removed too, but its partial download is kept, because
 * the caller is about to resume it. Best effort: what cannot be deleted is passed to `warn`
 * (named, with how to delete it) and stays; it never fails the install that swept.
 */
export function sweepLeftovers(
  paths: LauncherPaths,
  ownVersion?: string,
  warn: (text: string) => void = () => {},
): string[] {
  const removed: string[] = [];
  const remove = (target: string) => {
    if (removeOrWarn(target, warn)) removed.push(target);
  };
  const heldByOthers = otherHolders(paths, ownVersion);
  for (const leftover of findLeftovers(paths, heldByOthers)) {
    if (leftover.kind === 'replaced' && putBack(paths, leftover.version, leftover.path)) continue;
    remove(leftover.path);
  }
  const downloads = downloadsRoot(paths);
  for (const version of list(downloads)) {
    if (version === ownVersion || heldByOthers(version)) continue;
    const dir = path.join(downloads, version);
    for (const name of list(dir)) {
      if (name.endsWith('.part') || name.endsWith('.part.json')) remove(path.join(dir, name));
    }
  }
  return removed;
}
