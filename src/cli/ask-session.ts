// What `launcher restart` and `launcher stop` share: asking a live session, and saying how it went.
import { controlSession } from '../session/act-on-session.js';
import type { Session } from '../session/session.js';
import { stopTimeoutSetting } from '../supervisor/settings.js';
import type { LauncherCommand } from './launcher-command.js';

const WORDS = {
  restart: { doing: 'restarting', done: 'restarted' },
  stop: { doing: 'stopping', done: 'stopped' },
} as const;

/**
 * Ask `session` to restart or stop, and wait until it has: a note on stderr while a slow one
 * still answers, and one when it is done. False, with no note, when the session ended before it
 * could be reached: what that means is the command's to say.
 */
export async function askSession(
  command: Pick<LauncherCommand, 'launcher' | 'note'>,
  session: Session,
  method: 'restart' | 'stop',
): Promise<boolean> {
  const { env, config, paths } = command.launcher;
  const { doing, done } = WORDS[method];
  // The wait for the answer is bounded by the stop timeout (see controlSession).
  const stopTimeoutMs = stopTimeoutSetting(env, config);
  const onSlow = (ms: number) =>
    command.note(
      `session ${session.session} (pid ${session.pid}) is still ${doing} after ${Math.round(ms / 1000)} s; it answers, so waiting on`,
    );
  if (!(await controlSession(paths, session, method, { stopTimeoutMs, onSlow }))) return false;
  command.note(
    `${done} ${session.tool ?? session.bin} ${session.version} (session ${session.session})`,
  );
  return true;
}
