// The shim path's entry to installing: the installed version that satisfies the request, or an
// auto-install of the best one from the index. Loads the HTTP and archive code only to install.
import { autoInstallEnabled } from '../config/switches.js';
import type { LauncherContext } from '../context.js';
import { isLauncherError, LauncherError } from '../errors.js';
import { versionDir } from '../paths.js';
import { resolveInstalled } from '../store/installed.js';
import { describeOrigin, requireRequest, type SourcedRequest } from '../version/requested.js';

/**
 * Where install progress, waiting notes and warnings go (normally stderr); null for silence. A
 * function is called only when there is something to say: a shim call that installs nothing
 * never creates `process.stderr` (a pipe's stream costs start-up time).
 */
export type ProgressOutput = NodeJS.WritableStream | null | (() => NodeJS.WritableStream);

export interface EnsureOptions {
  readonly progress: ProgressOutput;
  /** No progress output; waiting notes and warnings still appear. */
  readonly quiet?: boolean;
}

/** The version to run, its directory, and whether this call installed it. */
export interface EnsuredVersion {
  readonly version: string;
  readonly dir: string;
  readonly installedNow: boolean;
}

/**
 * The request in force (exit 3 when none), for the runs that may use the network (a shim call,
 * `exec`, `install`): a `.tool-versions` met while the tool's name is unknown (a fresh home, an
 * index not cached yet) makes it load the index, which names the tool, and search again. When
 * that fails, the error says both: which file needed it, and why the index could not be had.
 */
export async function requireRequestOnline(ctx: LauncherContext): Promise<SourcedRequest> {
  let unknown: LauncherError;
  try {
    return requireRequest(ctx);
  } catch (error) {
    if (!isLauncherError(error) || error.code !== 'E_TOOL_UNKNOWN') throw error;
    unknown = error;
  }
  const { loadIndex } = await import('../index/load-index.js');
  try {
    ctx.learnIndex((await loadIndex(ctx)).index);
  } catch (error) {
    if (!isLauncherError(error)) throw error;
    throw new LauncherError(error.code, `${unknown.message}; and ${error.message}`, {
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      cause: error,
    });
  }
  return requireRequest(ctx);
}

/**
 * Resolve `sourced` to an installed version: the highest installed one that satisfies it (no
 * network), else — when auto-install is on — the highest satisfying version of the index, which
 * is installed first. Errors: E_NOT_INSTALLED / E_OFFLINE (exit 7), E_NO_MATCH (exit 4), and
 * those of installing (exit 2, 5, 6). A `system` request is not for this function (E_BAD_REQUEST).
 */
export async function ensureVersion(
  ctx: LauncherContext,
  sourced: SourcedRequest,
  options: EnsureOptions,
): Promise<EnsuredVersion> {
  const installed = resolveInstalled(ctx.paths, sourced.request);
  if (installed !== null) {
    return { version: installed, dir: versionDir(ctx.paths, installed), installedNow: false };
  }
  const origin = describeOrigin(sourced);
  if (!autoInstallEnabled(ctx.env)) {
    throw new LauncherError(
      'E_NOT_INSTALLED',
      `no installed version satisfies ${sourced.request.raw} (${origin}), and auto-install is off (LAUNCHER_AUTO_INSTALL=0)`,
      {
        hint: 'Run `launcher install` in this directory to install it, or unset LAUNCHER_AUTO_INSTALL.',
      },
    );
  }
  const { installRequest } = await import('./install-request.js');
  const progress = typeof options.progress === 'function' ? options.progress() : options.progress;
  let outcome: Awaited<ReturnType<typeof installRequest>>;
  try {
    outcome = await installRequest(
      ctx,
      { request: sourced.request, origin },
      { output: progress, quiet: options.quiet },
    );
  } catch (error) {
    if (!isLauncherError(error) || error.code !== 'E_OFFLINE') throw error;
    throw new LauncherError(
      'E_OFFLINE',
      `no installed version satisfies ${sourced.request.raw} (${origin}); ${error.message}`,
      { hint: error.hint, cause: error },
    );
  }
  if (outcome.installedNow && !options.quiet) {
    progress?.write(`launcher: installed ${outcome.tool} ${outcome.version}\n`);
  }
  return { version: outcome.version, dir: outcome.dir, installedNow: outcome.installedNow };
}
