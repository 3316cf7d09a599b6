// The launcher's signals while it supervises: the ones that stop the run.
import type { Supervisor } from './supervisor.js';

/** The signals that stop a supervised run (spec §6). */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * While a child runs, turn the launcher's SIGINT/SIGTERM/SIGHUP into a graceful stop that
 * passes the same signal on (a child sharing the terminal is not sent Ctrl-C twice: see
 * `Supervisor.stop`). Returns a function that removes the handlers.
 */
export function stopOnSignals(supervisor: Supervisor): () => void {
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () =>
      void supervisor.stop(`the launcher received ${signal}`, { signal }).catch(() => {});
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
