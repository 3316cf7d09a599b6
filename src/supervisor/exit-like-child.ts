// The launcher's own ending: the same exit code as the child, or death by the same signal.
import { constants as osConstants } from 'node:os';
import { sleepSync } from '../util/sleep-sync.js';
import type { SupervisorOutcome } from './types.js';

const noop = () => {};

/**
 * Exit the current process the way the child ended, so a shell sees the child's status (128+N
 * for a signal). The signal's default action is restored first: Node ignores SIGPIPE and SIGXFSZ
 * and starts its inspector on SIGUSR1 (a debugger port open on this machine), and listeners of
 * our own may be installed. Listening to a signal replaces Node's disposition with libuv's
 * handler, and removing the last listener sets the default back, so a listener is added and all
 * are removed. If the process survives its own signal anyway, it exits 128+N.
 */
export function exitLikeChild(outcome: Pick<SupervisorOutcome, 'code' | 'signal'>): never {
  const { signal } = outcome;
  if (signal) {
    // SIGKILL can be neither listened to nor ignored.
    if (signal !== 'SIGKILL') process.on(signal, noop);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    // Delivery to ourselves can land on another thread a moment later: give it that moment.
    sleepSync(200);
    process.exit(128 + (osConstants.signals[signal] ?? 0));
  }
  process.exit(outcome.code ?? 1);
}
