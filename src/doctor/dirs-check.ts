// Doctor: the launcher's own directories exist (created when missing) and are writable.
import { accessSync, constants, mkdirSync } from 'node:fs';
import type { LauncherPaths } from '../paths.js';
import { type Finding, fail, ok } from './check.js';

/** One finding per directory of spec §1. */
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
    try {
      // Creating a missing one is what the first install or session would do anyway. The state
      // directory is created private; an existing one is left as it is (the socket check
      // reports a loose mode instead of changing it behind the user's back).
      mkdirSync(dir, { recursive: true, mode: name === 'state' ? 0o700 : 0o777 });
      accessSync(dir, constants.W_OK | constants.X_OK);
      return ok(what);
    } catch (error) {
      return fail(
        what,
        (error as Error).message,
        `make it yours and writable (\`chown -R "$USER" ${dir} && chmod u+rwx ${dir}\`), or set LAUNCHER_HOME to a directory you own`,
      );
    }
  });
}
