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
    const nearest = nearestExisting(dir);
    if (nearest.at !== dir) return missingDirectory(name, dir, nearest);
    const what = `${name} directory ${dir} is writable`;
    const fix = `make it yours and writable (\`chown -R "$USER" ${dir} && chmod u+rwx ${dir}\`), or set LAUNCHER_HOME to a directory you own`;
    const blocked = blockedBy(dir, nearest);
    if (blocked) return fail(what, blocked.problem, blocked.fix);
    try {
      if ('error' in nearest) throw nearest.error;
      accessSync(dir, constants.W_OK | constants.X_OK);
      return ok(what);
    } catch (error) {
      return fail(what, (error as Error).message, fix);
    }
  });
}

/** Why a directory of launcher's cannot be one, and the fix: what stands in its way. */
export interface NotADirectory {
  readonly problem: string;
  readonly fix: string;
}

/**
 * Whether something other than a directory stands where `dir` must be a directory: `dir`
 * itself (`touch ~/.launcher/versions`), or a path above it. That is the user's set-up to fix,
 * not a bug of launcher's. Undefined when `dir` is a directory, or missing under one.
 */
export function notADirectory(dir: string): NotADirectory | undefined {
  return blockedBy(dir, nearestExisting(dir));
}

type Nearest = { at: string; isDirectory: boolean } | { at: string; error: Error };

// The path at or above `dir` that exists (a missing one, or one below a file, is passed over),
// or where the walk was stopped by another error (a permission, say).
function nearestExisting(dir: string): Nearest {
  let at = dir;
  for (;;) {
    try {
      return { at, isDirectory: statSync(at).isDirectory() };
    } catch (error) {
      const code = errnoCode(error);
      const parent = path.dirname(at);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === at)
        return { at, error: error as Error };
      at = parent;
    }
  }
}

function blockedBy(dir: string, nearest: Nearest): NotADirectory | undefined {
  if ('error' in nearest || nearest.isDirectory) return undefined;
  const { at } = nearest;
  return {
    problem:
      at === dir ? `${dir} is not a directory` : `${at}, on the way to it, is not a directory`,
    fix: `remove or rename ${at} (for example \`mv ${at} ${at}.old\`) so launcher can create the directory, or set LAUNCHER_HOME to a directory you own`,
  };
}

// A directory not made yet: launcher creates it (with its missing parents) on first use, if
// the nearest path that exists above it is a directory that lets it.
function missingDirectory(name: string, dir: string, nearest: Nearest): Finding {
  const what = `${name} directory ${dir} can be created on first use (it does not exist yet)`;
  const blocked = blockedBy(dir, nearest);
  if (blocked) return fail(what, blocked.problem, blocked.fix);
  try {
    if ('error' in nearest) throw nearest.error;
    accessSync(nearest.at, constants.W_OK | constants.X_OK);
    return ok(what);
  } catch (error) {
    return fail(
      what,
      `${nearest.at}, where it would be created, is not writable: ${(error as Error).message}`,
      `create it yourself (\`mkdir -p ${dir}\`) and make it yours, or set LAUNCHER_HOME to a directory you own`,
    );
  }
}
