// The directories of a PATH value, telling whether two directories are one, as the system does,
// and finding a program the launcher runs for itself.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The entries of a PATH value, in order (empty ones kept). On Windows they are separated by `;`
 * outside double quotes, and the quotes are not part of the directory: cmd.exe and libuv accept
 * `"C:\Program Files\mycc";C:\Windows`, and a Windows path cannot hold a `"`.
 */
export function pathEntries(
  value: string | undefined,
  platform: NodeJS.Platform = process.platform,
): string[] {
  if (platform !== 'win32') return (value ?? '').split(path.posix.delimiter);
  return (value ?? '').split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/).map((dir) => dir.replaceAll('"', ''));
}

/** Whether two paths name one file by their spelling: Windows compares names without case. */
export function samePath(
  a: string,
  b: string,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (platform !== 'win32') return path.posix.resolve(a) === path.posix.resolve(b);
  return path.win32.resolve(a).toLowerCase() === path.win32.resolve(b).toLowerCase();
}

/** Where a POSIX system keeps its basic programs: the PATH to use when there is none. */
export const SYSTEM_PATH = '/usr/bin:/bin';

/**
 * The path of the program `name` in the first absolute directory of `searchPath` that has it as
 * an executable file, or undefined. Empty and relative entries (`::`, `.`, `bin`) are passed
 * over: they name the working directory or one below it, and a program the launcher runs for
 * itself (setpriv, touch, ps) must never be one a cloned project put there.
 */
export function findProgram(
  name: string,
  searchPath = process.env.PATH ?? SYSTEM_PATH,
): string | undefined {
  for (const dir of pathEntries(searchPath)) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Whether `file` is a file this process may execute (as for the shell: not a directory). */
export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
