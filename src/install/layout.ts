// Names the installer uses beside the versions (staging, trash, locks) and in the download cache.
import { rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { LauncherPaths } from '../paths.js';
import { randomHex } from '../util/random.js';

// Leftover names end in 12 hex characters, so versions with dashes (2.0.0-rc.1) parse back.
const LEFTOVER = /^\.(staging|trash|replaced)-(.+)-([0-9a-f]{12})$/;

/** What a leftover directory beside the versions was, when its run died. */
export type LeftoverKind = 'staging' | 'trash' | 'replaced';
const LOCK_PREFIX = '.lock-';

/** A fresh staging directory for `version`, inside `versions/` so the final rename is atomic. */
export function newStagingDir(paths: LauncherPaths, version: string): string {
  return path.join(paths.versions, `.staging-${version}-${randomHex(6)}`);
}

/** Where an uninstalled version goes before it is deleted. */
export function newTrashDir(paths: LauncherPaths, version: string): string {
  return path.join(paths.versions, `.trash-${version}-${randomHex(6)}`);
}

/**
 * Where a reinstall (`--force`) moves the version it replaces until the new one is in place. A
 * run killed between the two renames leaves it here with no version in its place: the sweep
 * then puts it back, where it would delete a trash directory.
 */
export function newReplacedDir(paths: LauncherPaths, version: string): string {
  return path.join(paths.versions, `.replaced-${version}-${randomHex(6)}`);
}

/** A leftover directory's name, split into its kind and version; null for anything else. */
export function parseLeftover(name: string): { kind: LeftoverKind; version: string } | null {
  const match = LEFTOVER.exec(name);
  return match ? { kind: match[1] as LeftoverKind, version: match[2]! } : null;
}

/** The lock that serialises installs (and uninstalls) of one version across processes. */
export function lockFile(paths: LauncherPaths, version: string): string {
  return path.join(paths.versions, `${LOCK_PREFIX}${version}`);
}

/** The download cache of one version: `cache/downloads/<version>/`. */
export function downloadDir(paths: LauncherPaths, version: string): string {
  return path.join(paths.cache, 'downloads', version);
}

/**
 * Remove the directory of `file` (a version's download cache) if nothing is left in it: a
 * failed install keeps no empty directory behind. Anything in the way (a partial download kept
 * for resuming, a racing process) keeps it.
 */
export function dropDirIfEmpty(file: string): void {
  try {
    rmdirSync(path.dirname(file));
  } catch {
    // not empty, or already gone
  }
}

/** The downloads cache root, for the sweep of leftovers. */
export function downloadsRoot(paths: LauncherPaths): string {
  return path.join(paths.cache, 'downloads');
}

// The most of the URL's file name an archive's name keeps: with the checksum's 17 characters
// before it and a partial download's longest suffix (`.part.own.part`) after it, the 255 bytes
// a file name may have. Only names that could not be used at all are shortened: an archive
// cached under a long name by an earlier launcher is still found.
const MAX_NAME_FROM_URL = 255 - 17 - '.part.own.part'.length;

/**
 * The verified archive of an artifact: named by its checksum (so a re-published build is a new
 * file) and the URL's (percent-encoded) file name (so a person browsing the cache knows what it
 * is). A name too long for that keeps its beginning and its end (the platform and the
 * extension), joined by `_`.
 */
export function archiveFile(
  paths: LauncherPaths,
  version: string,
  sha256: string,
  url: URL,
): string {
  let base = path.posix.basename(url.pathname).replace(/[^A-Za-z0-9._-]/g, '_') || 'archive';
  if (base.length > MAX_NAME_FROM_URL) {
    const head = Math.ceil(MAX_NAME_FROM_URL / 2);
    base = `${base.slice(0, head)}_${base.slice(-(MAX_NAME_FROM_URL - head - 1))}`;
  }
  return path.join(downloadDir(paths, version), `${sha256.slice(0, 16)}-${base}`);
}

/**
 * The partial download of an archive, the validators needed to resume it, and the copy that makes
 * a partial others may write the user's own (ending in `.part`, so the sweep takes it too).
 */
export function partialFiles(archive: string): { part: string; meta: string; copy: string } {
  return {
    part: `${archive}.part`,
    meta: `${archive}.part.json`,
    copy: `${archive}.part.own.part`,
  };
}

/**
 * Delete files of a partial download (`partialFiles`), or whatever is in their place: a
 * directory there (made by hand, say) would otherwise fail every install of the version, and
 * the download cache is launcher's own.
 */
export function removePartial(...files: string[]): void {
  for (const file of files) rmSync(file, { recursive: true, force: true });
}
