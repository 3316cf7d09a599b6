// `launcher restart` and `launcher stop`: find the project's live session and send it a control.
import { LauncherError } from '../errors.js';
import type { LauncherPaths } from '../paths.js';
import type { RequestContext } from '../version/requested.js';
import { sendControl } from './control-client.js';
import { ControlMethods } from './control-server.js';
import { canonicalProjectRoot, findProjectRoot } from './project-root.js';
import { findProjectSession, readSession } from './registry.js';
import type { Session } from './session.js';

/** The live session of the project of `dir` (or the cwd), or null. */
export function projectSession(
  ctx: RequestContext,
  dir?: string,
): { projectRoot: string; session: Session | null } {
  const projectRoot = canonicalProjectRoot(findProjectRoot(ctx, dir));
  return { projectRoot, session: findProjectSession(ctx.paths, projectRoot) };
}

/**
 * Send `launcher/restart` or `launcher/stop` and wait until it has been carried out. Resolves to
 * false when the session ended before it could be reached (nothing left to act on).
 */
export async function controlSession(
  paths: LauncherPaths,
  session: Session,
  method: 'restart' | 'stop',
): Promise<boolean> {
  if (!session.control) {
    throw new LauncherError('E_SESSION', `session ${session.session} has no control socket`, {
      hint: 'It was started by a launcher without one; stop it with its own Ctrl-C or kill its pid.',
    });
  }
  try {
    await sendControl(session.control, ControlMethods[method]);
    return true;
  } catch (error) {
    // Found a moment ago, gone now: it ended on its own in between.
    if (readSession(paths, session.session) === null) return false;
    throw new LauncherError(
      'E_SESSION',
      `cannot ${method} session ${session.session} through ${session.control}: ${(error as Error).message}`,
      { hint: 'The session may have just ended: check with `launcher status`.', cause: error },
    );
  }
}
