// The launcher's signals while it supervises: the ones that stop the run, and the ones it passes on.
import type { Supervisor } from './supervisor.js';

/** The signals that stop a supervised run (spec §6). */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Signals meant for the child that stop nothing: the child decides what they mean (a JVM prints
 * its threads on Ctrl-\ and runs on), and the launcher supervises on and ends like it.
 */
const PASSED_ON_SIGNALS: readonly NodeJS.Signals[] = ['SIGQUIT'];

/**
 * While a child runs, turn the launcher's SIGINT/SIGTERM/SIGHUP into a graceful stop that
 * passes the same signal on (a child sharing the terminal is not sent Ctrl-C twice: see
 * `Supervisor.stop`), and pass SIGQUIT on without stopping (`Supervisor.forward`). Returns a
 * function that removes the handlers.
 */
export function stopOnSignals(supervisor: Supervisor): () => void {
  const stops = STOP_SIGNALS.map((signal) => {
    const handler = () =>
      void supervisor.stop(`the launcher received ${signal}`, { signal }).catch(() => {});
    return [signal, handler] as const;
  });
  const passes = PASSED_ON_SIGNALS.map(
    (signal) => [signal, () => supervisor.forward(signal)] as const,
  );
  const handlers = [...stops, ...passes];
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
