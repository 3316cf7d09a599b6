// Doctor: the launcher's own directories are writable, or can be created where they are missing.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import type { LauncherPaths } from '../paths.js';
import { type Finding, fail, ok } from './check.js';

/**
 * One finding per directory of spec §1. Nothing is created: a missing directory (a fresh home)
 * is fine when the first install or session can create it, that is, when the nearest directory
 * that exists above it is writable.
 */
export function checkDirectories(paths: LauncherPaths): Finding[] {
  const dirs: [string, string][] = [
    ['versions', paths.versions],
    ['shims', paths.shims],
    ['cache', paths.cache],
    ['config', paths.config],
    ['state', paths.state],
  ];
  return dirs.map(([name, dir]) => {
    const what = `${name} directory ${dir} is writable`;
    const fix = `make it yours and writable (\`chown -R "$USER" ${dir} && chmod u+rwx ${dir}\`), or set LAUNCHER_HOME to a directory you own`;
    try {
      if (!statSync(dir).isDirectory()) return fail(what, 'it is not a directory', fix);
    } catch (error) {
      const code = errnoCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return fail(what, (error as Error).message, fix);
      return missingDirectory(name, dir);
    }
    try {
      accessSync(dir, constants.W_OK | constants.X_OK);
      return ok(what);
    } catch (error) {
      return fail(what, (error as Error).message, fix);
    }
  });
}

// A directory not made yet: launcher creates it (with its missing parents) on first use.
function missingDirectory(name: string, dir: string): Finding {
  const what = `${name} directory ${dir} can be created on first use (it does not exist yet)`;
  let above = path.dirname(dir);
  for (;;) {
    try {
      if (!statSync(above).isDirectory()) {
        return fail(
          what,
          `${above}, on the way to it, is not a directory`,
          `move ${above} out of the way, or set LAUNCHER_HOME to a directory you own`,
        );
      }
      accessSync(above, constants.W_OK | constants.X_OK);
      return ok(what);
    } catch (error) {
      const parent = path.dirname(above);
      const code = errnoCode(error);
      if ((code === 'ENOENT' || code === 'ENOTDIR') && parent !== above) {
        above = parent;
        continue;
      }
      return fail(
        what,
        `${above}, where it would be created, is not writable: ${(error as Error).message}`,
        `create it yourself (\`mkdir -p ${dir}\`) and make it yours, or set LAUNCHER_HOME to a directory you own`,
      );
    }
  }
}
