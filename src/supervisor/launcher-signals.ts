// The launcher's signals while it supervises: the ones that stop the run, and the ones it passes on.
import type { Supervisor } from './supervisor.js';

/** The signals that stop a supervised run (spec §6). */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Signals meant for the child that stop nothing: the child decides what they mean (a JVM prints
 * its threads on Ctrl-\ and runs on), and the launcher supervises on and ends like it.
 */
const PASSED_ON_SIGNALS: readonly NodeJS.Signals[] = ['SIGQUIT'];

type Handler = readonly [NodeJS.Signals, () => void];

/**
 * While a child runs, turn the launcher's SIGINT/SIGTERM/SIGHUP into a graceful stop that
 * passes the same signal on (a child sharing the terminal is not sent Ctrl-C twice: see
 * `Supervisor.stop`), and pass SIGQUIT on without stopping (`Supervisor.forward`). A child in
 * a group of its own also gets what the terminal sends to the launcher's group alone: Ctrl-Z
 * and `fg`, and window resizes. Returns a function that removes the handlers.
 */
export function stopOnSignals(supervisor: Supervisor): () => void {
  const stops = STOP_SIGNALS.map((signal): Handler => {
    const handler = () =>
      void supervisor.stop(`the launcher received ${signal}`, { signal }).catch(() => {});
    return [signal, handler];
  });
  const passes = PASSED_ON_SIGNALS.map(
    (signal): Handler => [signal, () => supervisor.forward(signal)],
  );
  // Sharing the terminal's group, the child is stopped, continued and told of resizes by the
  // terminal itself, and the launcher keeps the kernel's own, immediate, stop.
  const jobs = supervisor.processGroup === 'own' ? jobControl(supervisor) : [];
  const handlers = [...stops, ...passes, ...jobs];
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/**
 * Ctrl-Z and window resizes for a child in a group of its own: the terminal signals only its
 * foreground group, the launcher's. On SIGTSTP the child's group is stopped, then the launcher
 * stops itself as the terminal asked; once it runs again (`fg`, `bg`, SIGCONT), so does the child.
 */
function jobControl(supervisor: Supervisor): Handler[] {
  const suspend = () => {
    // SIGSTOP, since the child's group has no terminal: POSIX has such a group ignore SIGTSTP.
    supervisor.forward('SIGSTOP');
    // Stop the default way, so the shell sees a job stopped by SIGTSTP: with no listener left,
    // the signal's default action is back. On Linux a process stops before its kill() of
    // itself returns, so the next line runs once it has been continued (or at once, should
    // the kernel drop the stop because no shell could continue the launcher's group).
    process.off('SIGTSTP', suspend);
    process.kill(process.pid, 'SIGTSTP');
    process.on('SIGTSTP', suspend);
    supervisor.forward('SIGCONT');
  };
  return [
    ['SIGTSTP', suspend],
    ['SIGWINCH', () => supervisor.forward('SIGWINCH')],
  ];
}
