// The `system` request: the first executable of the bin's name on PATH, skipping our own shims.
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Absolute path of the first `name` on PATH outside `shimsDir`, or null. A PATH entry is the
 * shims directory when it is the same directory by its real path: a link to it (or a home
 * spelled through one, as /tmp is on macOS) would otherwise lead back into our own shims.
 * Only a file with an execute permission counts, as for the shell: not a directory.
 */
export function findSystemBin(
  name: string,
  env: NodeJS.ProcessEnv,
  shimsDir: string,
): string | null {
  const shims = realDir(shimsDir);
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir) || realDir(dir) === shims) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

function realDir(dir: string): string {
  try {
    return realpathSync.native(dir);
  } catch {
    // missing or unreadable: compared by its spelling, and it holds nothing to run anyway
    return path.resolve(dir);
  }
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
