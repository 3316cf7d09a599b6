// The `system` request: the first executable of the bin's name on PATH, skipping our own shims.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { realPathOr } from '../util/real-path.js';
import { isExecutableFile, pathEntries, samePath } from '../util/search-path.js';

/**
 * Absolute path of the first `name` on PATH outside `shimsDir`, or null. A PATH entry is the
 * shims directory when it is the same directory by its real path: a link to it (or a home
 * spelled through one, as /tmp is on macOS) would otherwise lead back into our own shims. So
 * is a file whose real path is in the shims directory (a link to one shim, left in another
 * PATH directory). A copy of a shim cannot be told apart; the recursion guard stops that one.
 * Only a file with an execute permission counts, as for the shell: not a directory.
 */
export function findSystemBin(
  name: string,
  env: NodeJS.ProcessEnv,
  shimsDir: string,
): string | null {
  // A missing or unreadable directory is compared by its spelling: it holds nothing to run anyway.
  const shims = realPathOr(shimsDir);
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of pathEntries(env.PATH)) {
    if (!dir || !path.isAbsolute(dir) || samePath(realPathOr(dir), shims)) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate) && !linksIntoShims(candidate, shims)) return candidate;
    }
  }
  return null;
}

// Only a candidate that is about to be chosen pays for its real path, and only on this path
// (the `system` request and doctor), never on a managed version's run.
function linksIntoShims(file: string, shims: string): boolean {
  try {
    return samePath(path.dirname(realpathSync.native(file)), shims);
  } catch {
    return false;
  }
}
