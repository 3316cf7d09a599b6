// `launcher restart` and `launcher stop`: find the project's live session and send it a control.
import { LauncherError } from '../errors.js';
import type { RequestContext } from '../version/requested.js';
import { sendControl } from './control-client.js';
import { ControlMethods } from './control-server.js';
import { canonicalProjectRoot, findProjectRoot } from './project-root.js';
import { findProjectSession } from './registry.js';
import type { Session } from './session.js';

/** The live session of the project of `dir` (or the cwd), or null. */
export function projectSession(
  ctx: RequestContext,
  dir?: string,
): { projectRoot: string; session: Session | null } {
  const projectRoot = canonicalProjectRoot(findProjectRoot(ctx, dir));
  return { projectRoot, session: findProjectSession(ctx.paths, projectRoot) };
}

/** Send `launcher/restart` or `launcher/stop` and wait until it has been carried out. */
export async function controlSession(session: Session, method: 'restart' | 'stop'): Promise<void> {
  if (!session.control) {
    throw new LauncherError('E_SESSION', `session ${session.session} has no control socket`, {
      hint: 'It was started by a launcher without one; stop it with its own Ctrl-C or kill its pid.',
    });
  }
  try {
    await sendControl(session.control, ControlMethods[method]);
  } catch (error) {
    throw new LauncherError(
      'E_SESSION',
      `cannot ${method} session ${session.session} through ${session.control}: ${(error as Error).message}`,
      { hint: 'The session may have just ended: check with `launcher status`.', cause: error },
    );
  }
}
