// What `launcher lsp` tells the editor's user about the compiler's session, from its state
// notifications: restarts (told apart by their cause) and giving up; and how a compiler it
// started itself ended.
import type { Session, SessionState } from '../session/session.js';
import { describeEnd } from '../supervisor/describe.js';
import type { SupervisorOutcome, SupervisorState } from '../supervisor/types.js';

/** LSP's MessageType. */
export const MessageType = { Error: 1, Warning: 2, Info: 3 } as const;

export interface Notice {
  readonly type: (typeof MessageType)[keyof typeof MessageType];
  readonly message: string;
}

export interface SessionNoticesOptions {
  /**
   * Whether to tell how the session ended (default true). The bridge's own `--start` session
   * is told of from its outcome instead, which has the exit code (startedEndNotice).
   */
  readonly tellsEnd?: boolean;
}

/**
 * Follows one session. The session object says how many restarts there were, not why, but the
 * states on the way do: a child that ended on its own (crashed, or hung and was stopped) waits
 * in `backoff` before its restart; a restart someone asked for (`launcher restart`, a control
 * client) goes from `stopping` straight to `starting`. A subscriber that fell behind may see
 * neither, and then hears only that there was a restart.
 *
 * A session that ends `failed` gave up on a crash loop only if it was restarted after a crash
 * before; otherwise its one child failed. That is worth a warning only for a compiler that had
 * served (a port was seen): the editor loses what it followed. A batch run failing is a check
 * that found errors (exit 1), which the diagnostics already show. The session object carries no
 * exit code, so the warning is told without one.
 */
export class SessionNotices {
  #last: Session | undefined;
  /** The states seen since the current child started. */
  #passed = new Set<SessionState>();
  /** Whether a restart after a crash was seen. */
  #crashRestarted = false;
  /** Whether the compiler's server was up at some point (the session had a port). */
  #served: boolean;
  readonly #tellsEnd: boolean;

  /** The state the subscription started from. */
  constructor(initial: Session, options: SessionNoticesOptions = {}) {
    this.#last = initial;
    this.#passed.add(initial.state);
    this.#served = initial.port !== null;
    this.#tellsEnd = options.tellsEnd ?? true;
  }

  /** One `launcher/state` notification; what to show, if anything. */
  next(session: Session): Notice | undefined {
    const previous = this.#last;
    this.#last = session;
    const name = `${session.tool ?? session.bin} ${session.version}`;
    this.#served ||= session.port !== null;
    if (previous && session.restarts !== previous.restarts) {
      const crashed = this.#passed.has('backoff');
      const asked = !crashed && this.#passed.has('stopping');
      this.#passed = new Set([session.state]);
      if (session.restarts < previous.restarts) return undefined; // started afresh: counted anew
      const which = `restart ${session.restarts}`;
      this.#crashRestarted ||= crashed;
      if (crashed)
        return {
          type: MessageType.Warning,
          message: `${name} stopped unexpectedly and was restarted (${which}).`,
        };
      return {
        type: MessageType.Info,
        message: asked
          ? `${name} was restarted as requested (${which}).`
          : `${name} was restarted (${which}).`,
      };
    }
    this.#passed.add(session.state);
    if (this.#tellsEnd && session.state === 'failed' && previous?.state !== 'failed') {
      if (session.restarts > 0 && this.#crashRestarted) return gaveUp(name, session.restarts);
      if (this.#served)
        return { type: MessageType.Warning, message: `${name} ended with an error.` };
    }
    return undefined;
  }
}

/** How a session `launcher lsp --start` started ended. */
export interface StartedEnd {
  readonly outcome: SupervisorOutcome;
  /** The state supervision ended in: `exited` (a normal end), or `failed`. */
  readonly state: SupervisorState;
  /** Whether supervision gave up restarting a compiler that kept crashing. */
  readonly gaveUp: boolean;
}

/**
 * What to tell when the compiler the bridge started has ended by itself: information for a
 * normal end, a warning for a failure, an error when the launcher gave up on a crash loop.
 */
export function startedEndNotice(name: string, end: StartedEnd): Notice {
  const next = 'launcher lsp now follows the other runs of the project.';
  const { outcome } = end;
  if (end.gaveUp && outcome.restarts > 0) {
    const notice = gaveUp(name, outcome.restarts);
    return { ...notice, message: `${notice.message} ${next}` };
  }
  const how = outcome.cause === 'stopped' ? 'was stopped' : describeEnd(outcome);
  return {
    type: end.state === 'failed' ? MessageType.Warning : MessageType.Info,
    message: `${name} ${how}. ${next}`,
  };
}

function gaveUp(name: string, restarts: number): Notice {
  const times = restarts === 1 ? '1 restart' : `${restarts} restarts`;
  return {
    type: MessageType.Error,
    message: `${name} keeps crashing; launcher gave up after ${times}.`,
  };
}
