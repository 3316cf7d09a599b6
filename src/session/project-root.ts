// Which project a directory belongs to: the directory of the version file in use, else itself.
import { statSync } from 'node:fs';
import path from 'node:path';
import { LauncherError } from '../errors.js';
import { realPathOr } from '../util/real-path.js';
import { requireDecodedWorkingDir } from '../util/working-dir.js';
import { findRequest, type RequestContext, startDirectory } from '../version/requested.js';

/** The error for a `dir` (resolved to `start`) that is not a directory. */
export type NotADirectory = (dir: string, start: string) => LauncherError;

// What `--dir DIR` says when DIR is no directory.
const notADirectoryForDir: NotADirectory = (dir, start) =>
  new LauncherError('E_USAGE', `--dir ${dir}: ${start} is not a directory`, {
    hint: 'Pass the directory of a project (or any directory inside it) to --dir.',
  });

/**
 * The project root of spec §8: the directory of the version file in use, else the start
 * directory (`dir` when given, else `LAUNCHER_DIR` or the cwd), also when no version is set at
 * all. An invalid version file is still an error: it is never silently skipped. A `dir` that
 * is not a directory is `notADirectory`'s error (by default worded for `--dir`).
 */
export function findProjectRoot(
  ctx: RequestContext,
  dir?: string,
  notADirectory: NotADirectory = notADirectoryForDir,
): string {
  const scoped = dir === undefined ? ctx : withStartDirectory(ctx, dir, notADirectory);
  // A `.tool-versions` of a tool not known yet pinned no session: nothing ran through it (the
  // first run learns the tool's name), so it is passed over rather than an error here.
  return findRequest(scoped, 'skip')?.projectRoot ?? startDirectory(scoped);
}

/** A context whose search starts in `dir` (what `--dir DIR` means), checked to be a directory. */
function withStartDirectory(
  ctx: RequestContext,
  dir: string,
  notADirectory: NotADirectory,
): RequestContext {
  // An absolute one needs no working directory (which may have been removed). A relative one is
  // refused from a working directory whose name was lost in decoding: resolved against Node's
  // string for it, it would name another directory, passed on as an absolute LAUNCHER_DIR.
  if (!path.isAbsolute(dir)) requireDecodedWorkingDir(ctx.cwd);
  const start = path.isAbsolute(dir) ? path.resolve(dir) : path.resolve(ctx.cwd, dir);
  let isDirectory = false;
  try {
    isDirectory = statSync(start).isDirectory();
  } catch {
    // Reported below, with the fix.
  }
  if (!isDirectory) throw notADirectory(dir, start);
  return {
    env: { ...ctx.env, LAUNCHER_DIR: start },
    get cwd() {
      return ctx.cwd;
    },
    paths: ctx.paths,
    get tool() {
      return ctx.tool;
    },
  };
}

/**
 * One spelling per directory, so that a session, its kept diagnostics and their readers agree
 * even when one of them reached the project through a symbolic link.
 */
export function canonicalProjectRoot(dir: string): string {
  return realPathOr(dir);
}
