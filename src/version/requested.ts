// Which request is in force, and where it came from: env > nearest version file > global default.
import { statSync } from 'node:fs';
import path from 'node:path';
import { errnoCode, isAccessDenied, LauncherError } from '../errors.js';
import type { LauncherPaths } from '../paths.js';
import { realPathOr } from '../util/real-path.js';
import { searchRefusal } from '../util/unsearchable-dir.js';
import { requireDecodedWorkingDir } from '../util/working-dir.js';
import { parseRequest, type Request } from './request.js';
import { findVersionFile, readVersionFile } from './version-file.js';

export type RequestSource = 'env' | 'file' | 'global';

/** A request together with its source (spec §9 `current --json`). */
export interface SourcedRequest {
  readonly request: Request;
  readonly source: RequestSource;
  /** The absolute path of the file it was read from, or `LAUNCHER_VERSION`. */
  readonly origin: string;
  /** The directory of the version file in use, else the start directory. */
  readonly projectRoot: string;
}

export interface RequestContext {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly paths: LauncherPaths;
  /** The tool's name, needed to read `.tool-versions`; undefined while unknown. */
  readonly tool: string | undefined;
  /**
   * Whether the tool's name can be learned (an index is configured). When it cannot, a
   * `.tool-versions` is passed over as the search meets it: no run could ever read it.
   */
  toolLearnable?(): boolean;
}

// An absolute LAUNCHER_DIR needs no working directory (which may be gone, or have a name Node
// cannot decode).
function absoluteLauncherDir(env: NodeJS.ProcessEnv): string | undefined {
  const dir = env.LAUNCHER_DIR;
  return dir && path.isAbsolute(dir) ? dir : undefined;
}

/** LAUNCHER_DIR as the user spelled it, made absolute (no link resolved); undefined when unset. */
function launcherDirAsGiven(ctx: Pick<RequestContext, 'env' | 'cwd'>): string | undefined {
  const dir = ctx.env.LAUNCHER_DIR;
  if (!dir) return undefined;
  return absoluteLauncherDir(ctx.env) ?? path.resolve(ctx.cwd, dir);
}

/**
 * Where the search for a version file starts: `LAUNCHER_DIR` when set, else the cwd. On POSIX
 * both are physical paths (the kernel knows no other cwd): LAUNCHER_DIR is resolved to its real
 * path, so that naming a directory through a symbolic link finds the same pin as `cd` into it.
 * One realpath(3), only when LAUNCHER_DIR is set. On Windows the cwd keeps the spelling it was
 * entered by (a subst drive, a junction), which realpath would resolve away, so LAUNCHER_DIR is
 * only made absolute there: `S:\` stays `S:\` as `cd /d S:\` leaves it.
 */
export function startDirectory(
  ctx: Pick<RequestContext, 'env' | 'cwd'>,
  platform: NodeJS.Platform = process.platform,
): string {
  const start = launcherDirAsGiven(ctx);
  if (start === undefined) return path.resolve(ctx.cwd);
  return platform === 'win32' ? path.resolve(start) : realPathOr(start);
}

/**
 * E_CWD_NOT_UTF8 (exit 2) when the search would start from a working directory whose name Node
 * could not decode: it would search another directory than the one the user is in.
 */
export function requireSearchableStart(ctx: Pick<RequestContext, 'env' | 'cwd'>): void {
  if (!absoluteLauncherDir(ctx.env)) requireDecodedWorkingDir(ctx.cwd);
}

/**
 * Throw E_NO_DIR (exit 2) unless `dir`, the start directory, is an existing directory. `hint`
 * says what to do. When it comes from LAUNCHER_DIR, the message names that variable and its
 * value as the user spelled it (made absolute), not the real path a link led to.
 */
export function requireDirectory(
  dir: string,
  ctx: Pick<RequestContext, 'env' | 'cwd'>,
  hint: string,
): void {
  const given = launcherDirAsGiven(ctx);
  const [shown, named] = given ? [given, ' named by LAUNCHER_DIR'] : [dir, ''];
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new LauncherError('E_NO_DIR', `the directory ${shown}${named} does not exist`, {
        hint,
      });
    // A directory on the way that may not be searched (a shell left in a project under a
    // directory closed since): said as such, as nothing needs creating.
    const refusal = isAccessDenied(error) ? searchRefusal(dir) : undefined;
    if (refusal !== undefined)
      throw new LauncherError(
        'E_NO_DIR',
        `cannot use the directory ${shown}${named}: ${refusal.why}`,
        {
          hint: `${refusal.fix}.`,
        },
      );
    // Not ours to look into otherwise (a link loop): as unusable, said as such.
    throw new LauncherError(
      'E_NO_DIR',
      `cannot use the directory ${shown}${named}: ${(error as Error).message}`,
      { hint },
    );
  }
  if (!isDirectory)
    throw new LauncherError('E_NO_DIR', `${shown}${named} is not a directory`, { hint });
}

/**
 * The request in force, or null when none is set anywhere. A `.tool-versions` met while the
 * tool's name is unknown is E_TOOL_UNKNOWN (exit 7), or passed over with `unknownTool` 'skip'.
 */
export function findRequest(
  ctx: RequestContext,
  unknownTool: 'throw' | 'skip' = 'throw',
): SourcedRequest | null {
  const start = startDirectory(ctx);
  const fromEnv = ctx.env.LAUNCHER_VERSION;
  // Non-empty wins (spec 2), so one of only spaces is an invalid request, not unset.
  const setByEnv = fromEnv !== undefined && fromEnv !== '';
  // LAUNCHER_VERSION needs no search, so it works where the search cannot.
  if (!setByEnv) requireSearchableStart(ctx);
  // Searching from the parents of a mistyped LAUNCHER_DIR could find another project's version
  // (rbenv refuses a missing RBENV_DIR too). One stat, only when it is set.
  if (ctx.env.LAUNCHER_DIR) {
    requireDirectory(
      start,
      ctx,
      'Point LAUNCHER_DIR at the project directory (the one that holds .tool-version), or unset it.',
    );
  }
  if (setByEnv) {
    return {
      request: parseRequest(fromEnv!, 'the environment variable LAUNCHER_VERSION'),
      source: 'env',
      origin: 'LAUNCHER_VERSION',
      projectRoot: start,
    };
  }
  // The tool's name may cost reading settings and receipts: ask for it only if needed. With no
  // index configured (a `system` default, say) nothing could ever tell whether a `.tool-versions`
  // names this tool, and an asdf user's file of other tools must not stop every run.
  const file = findVersionFile(
    start,
    () => ctx.tool,
    () => (unknownTool === 'skip' || ctx.toolLearnable?.() === false ? 'skip' : 'throw'),
  );
  if (file) {
    return {
      request: file.request,
      source: 'file',
      origin: file.file,
      projectRoot: path.dirname(file.file),
    };
  }
  const global = readVersionFile(ctx.paths.globalVersionFile);
  if (global)
    return { request: global.request, source: 'global', origin: global.file, projectRoot: start };
  return null;
}

/** Like findRequest, but a missing request is the documented error (exit 3). */
export function requireRequest(ctx: RequestContext): SourcedRequest {
  const found = findRequest(ctx);
  if (found) return found;
  throw new LauncherError(
    'E_NO_VERSION',
    `no version is set for ${startDirectory(ctx)} (no .tool-version here or above, and no global default)`,
    {
      hint:
        'Pin one for this project with `launcher local <version>`, or set a default for all ' +
        'projects with `launcher global <version>`.',
    },
  );
}

/** "set by /abs/.tool-version" — how every message names the origin of a request. */
export function describeOrigin(sourced: SourcedRequest): string {
  switch (sourced.source) {
    case 'env':
      return 'set by LAUNCHER_VERSION';
    case 'file':
      return `set by ${sourced.origin}`;
    case 'global':
      return `set by ${sourced.origin}, the global default`;
  }
}
