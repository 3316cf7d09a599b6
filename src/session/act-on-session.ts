// `launcher restart` and `launcher stop`: find the project's live session and send it a control.
import { LauncherError } from '../errors.js';
import type { LauncherPaths } from '../paths.js';
import type { RequestContext } from '../version/requested.js';
import { ControlTimeout, sendControl } from './control-client.js';
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

/** Beyond the stop timeout: the time a stop takes besides waiting for the child to exit. */
const CONTROL_MARGIN_MS = 5000;
/** How long a session's launcher may take to answer the check that it is still there. */
const CONTROL_CHECK_MS = 2000;
/** Checks after which `stop`/`restart` give up even though the session still answers. */
const CONTROL_MAX_CHECKS = 5;

/**
 * Send `launcher/restart` or `launcher/stop` and wait until it has been carried out. Resolves to
 * false when the session ended before it could be reached (nothing left to act on).
 *
 * The answer comes once the child is gone, which takes at most the stop timeout (then it is
 * killed) and a little more; so after `stopTimeoutMs` + CONTROL_MARGIN_MS the session is checked
 * on. A launcher that does not answer even that (suspended with Ctrl-Z or SIGSTOP, or hung) is an
 * E_SESSION error naming its pid; one that does is waited for, a few times at most.
 */
export async function controlSession(
  paths: LauncherPaths,
  session: Session,
  method: 'restart' | 'stop',
  options: { stopTimeoutMs: number; onSlow?: (waitedMs: number) => void },
): Promise<boolean> {
  if (!session.control) {
    throw new LauncherError('E_SESSION', `session ${session.session} has no control socket`, {
      hint: 'It was started by a launcher without one; stop it with its own Ctrl-C or kill its pid.',
    });
  }
  try {
    await sendControl(
      session.control,
      ControlMethods[method],
      {},
      {
        waitMs: options.stopTimeoutMs + CONTROL_MARGIN_MS,
        checkMs: CONTROL_CHECK_MS,
        maxChecks: CONTROL_MAX_CHECKS,
        ...(options.onSlow ? { onSlow: options.onSlow } : {}),
      },
    );
    return true;
  } catch (error) {
    // Found a moment ago, gone now: it ended on its own in between.
    if (readSession(paths, session.session) === null) return false;
    if (error instanceof ControlTimeout) throw unanswered(session, method, error);
    throw new LauncherError(
      'E_SESSION',
      `cannot ${method} session ${session.session} through ${session.control}: ${(error as Error).message}`,
      { hint: 'The session may have just ended: check with `launcher status`.', cause: error },
    );
  }
}

function unanswered(session: Session, method: string, timeout: ControlTimeout): LauncherError {
  const pid = session.pid;
  const seconds = Math.round(timeout.waitedMs / 1000);
  const compiler =
    session.childPid === null ? 'its compiler' : `its compiler (pid ${session.childPid})`;
  if (!timeout.answering) {
    return new LauncherError(
      'E_SESSION',
      `session ${session.session} did not carry out launcher ${method} within ${seconds} s: ` +
        `its launcher (pid ${pid}) does not answer`,
      {
        hint:
          `It may be suspended (Ctrl-Z, SIGSTOP) or hung: \`ps -o pid,stat,args -p ${pid}\` shows ` +
          `it (state T: suspended). \`kill -CONT ${pid}\` lets it go on (it may then carry out ` +
          `the ${method} asked for); \`kill -KILL ${pid}\` ends it, and ${compiler} with it.`,
      },
    );
  }
  return new LauncherError(
    'E_SESSION',
    `session ${session.session} has not finished launcher ${method} after ${seconds} s, ` +
      `though its launcher (pid ${pid}) still answers`,
    {
      hint:
        `Its stop timeout may be longer than this one's, or ${compiler} may not die: ` +
        `\`launcher status\` shows how it is doing, and \`kill -KILL ${pid}\` ends the session.`,
    },
  );
}
