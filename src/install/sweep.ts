// Cleaning up after installers that died: staging and trash directories, partial downloads.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { type LauncherPaths, RECEIPT_FILE, versionDir } from '../paths.js';
import { isLeftoverLock, isLockHeld } from './install-lock.js';
import { downloadsRoot, parseLeftover } from './layout.js';

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}

/**
 * A reinstall killed between moving the old version aside and renaming the new one into place
 * left no version: the old one (if it was installed) goes back. True when it did.
 */
function putBack(paths: LauncherPaths, version: string, replaced: string): boolean {
  if (!existsSync(path.join(replaced, RECEIPT_FILE))) return false;
  try {
    // Fails when something is in the version's place (the reinstall got that far): then the
    // old copy is just removed.
    renameSync(replaced, versionDir(paths, version));
    return true;
  } catch {
    return false;
  }
}

/**
 * Remove what dead installers left: staging and trash directories under `versions/`, and partial
 * downloads in the cache, of every version whose lock no live process holds, and locks that
 * were prepared but never put in place. `ownVersion` is the version whose lock the caller holds:
 * its staging leftovers are removed too, but its partial download is kept, because the caller is
 * about to resume it.
 */
export function sweepLeftovers(paths: LauncherPaths, ownVersion?: string): string[] {
  const removed: string[] = [];
  const remove = (target: string) => {
    rmSync(target, { recursive: true, force: true, maxRetries: 2 });
    removed.push(target);
  };
  const held = new Map<string, boolean>();
  const heldByOthers = (version: string) => {
    if (version === ownVersion) return false;
    if (!held.has(version)) held.set(version, isLockHeld(paths, version));
    return held.get(version)!;
  };

  for (const name of list(paths.versions)) {
    const target = path.join(paths.versions, name);
    const leftover = parseLeftover(name);
    if (leftover && !heldByOthers(leftover.version)) {
      if (leftover.kind === 'replaced' && putBack(paths, leftover.version, target)) continue;
      remove(target);
    } else if (name.startsWith('.lock-') && isLeftoverLock(paths.versions, name)) remove(target);
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
