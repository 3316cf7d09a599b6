// The process's working directory, which may have been deleted under it, or have a name Node
// cannot decode.
import { statSync } from 'node:fs';
import { LauncherError } from '../errors.js';

/** `process.cwd()`, or undefined when it cannot be known (the directory was removed). */
export function workingDir(): string | undefined {
  try {
    return process.cwd();
  } catch {
    return undefined;
  }
}

/** The error for a command that needs the working directory when there is none. */
export function noWorkingDir(): LauncherError {
  return new LauncherError(
    'E_NO_CWD',
    'the current directory no longer exists (it was removed, or renamed away, after this shell entered it)',
    {
      hint: '`cd` into an existing directory (`cd "$PWD"` enters it again if it was recreated). Commands that only look up the version (current, which) also accept an absolute LAUNCHER_DIR instead.',
    },
  );
}

/**
 * Refuse to search from a working directory whose name was lost in decoding (E_CWD_NOT_UTF8,
 * exit 2). Node decodes the bytes of getcwd() as UTF-8, with U+FFFD for bytes that are not, so
 * `cwd` then names another directory or none: a search from it would pass over the project's
 * own version file and find a parent's. The string is looked at first, so a usual name costs no
 * system call; a name that really holds U+FFFD (valid UTF-8) is the directory `.` is, and passes.
 */
export function requireDecodedWorkingDir(cwd: string): void {
  if (!cwd.includes('\uFFFD') || sameDirectory(cwd, '.')) return;
  throw new LauncherError(
    'E_CWD_NOT_UTF8',
    `the current directory's path is not valid UTF-8 (Node reads it as ${cwd}), so launcher cannot look for its version file there, nor write one`,
    {
      hint: 'Rename the directory (or the one above it whose name is not UTF-8). To run the compiler there as it is, set LAUNCHER_VERSION to the version to use: no search is needed then.',
    },
  );
}

// Device and inode as bigints: an inode number may be past what a double holds exactly.
function sameDirectory(a: string, b: string): boolean {
  try {
    const [x, y] = [statSync(a, { bigint: true }), statSync(b, { bigint: true })];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}
