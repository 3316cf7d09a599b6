// What a shim call and `launcher exec` do: resolve the version, install it if missing, and run
// the bin under the supervisor as a session; the launcher then ends the way the child ended.
import path from 'node:path';
import { checkSwitches } from '../config/switches.js';
import type { LauncherContext } from '../context.js';
import {
  ensureVersion,
  type ProgressOutput,
  requireRequestOnline,
} from '../install/ensure-version.js';
import { LiveSession } from '../session/live-session.js';
import { exitLikeChild } from '../supervisor/exit-like-child.js';
import { type SupervisionSettings, settingsFromEnv } from '../supervisor/settings.js';
import type { SupervisorOutcome } from '../supervisor/types.js';
import { ownStderr } from '../util/own-stderr.js';
import { locateBin, locateSystemBin, requireBinName } from './locate-bin.js';
import { nextShimDepth, SHIM_DEPTH_VAR } from './shim-depth.js';

/** Everything needed to run one bin, before anything runs. */
export interface PreparedRun {
  readonly bin: string;
  readonly args: string[];
  readonly file: string;
  readonly version: string;
  readonly projectRoot: string;
  readonly env: NodeJS.ProcessEnv;
  readonly settings: SupervisionSettings;
}

/**
 * Resolve `bin` for the context's directory: the recursion guard, the supervision settings, the
 * request in force, the installed (or now installed) version, and the checked path of the bin.
 * The settings and switches are read first (unless the caller already did the settings) so that
 * a mistake in them is refused before anything is downloaded or installed.
 */
export async function prepareRun(
  ctx: LauncherContext,
  bin: string,
  args: string[],
  progress: ProgressOutput,
  settings: SupervisionSettings = settingsFromEnv(ctx.env, ctx.config),
): Promise<PreparedRun> {
  checkSwitches(ctx.env);
  requireBinName(bin);
  const depth = nextShimDepth(ctx.env, bin);
  const env = { ...ctx.env, [SHIM_DEPTH_VAR]: String(depth) };
  const sourced = await requireRequestOnline(ctx);
  const { projectRoot } = sourced;
  if (sourced.request.kind === 'system') {
    const file = locateSystemBin(ctx, bin, sourced);
    return { bin, args, file, version: 'system', projectRoot, env, settings };
  }
  const { version } = await ensureVersion(ctx, sourced, { progress });
  const file = locateBin(ctx, bin, version, sourced);
  return { bin, args, file, version, projectRoot, env, settings };
}

/** Run a prepared bin as a session and wait for the supervision to end. */
export async function superviseRun(
  ctx: LauncherContext,
  run: PreparedRun,
): Promise<SupervisorOutcome> {
  const live = await LiveSession.start({
    ctx,
    bin: run.bin,
    file: run.file,
    args: run.args,
    version: run.version,
    projectRoot: run.projectRoot,
    env: run.env,
    settings: run.settings,
    ...(run.version === 'system' ? {} : { pathPrepend: path.dirname(run.file) }),
    stopOnSignals: true,
  });
  return live.wait();
}

/** The whole shim call: prepare, supervise, then exit exactly like the child. */
export async function runBin(ctx: LauncherContext, bin: string, args: string[]): Promise<never> {
  const run = await prepareRun(ctx, bin, args, ownStderr);
  exitLikeChild(await superviseRun(ctx, run));
}
