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
    (signal): Handler => [signal, () => void supervisor.forward(signal)],
  );
  // Sharing the terminal's group, the child is stopped, continued and told of resizes by the
  // terminal itself, and the launcher keeps the kernel's own, immediate, stop.
  const own = supervisor.processGroup === 'own';
  const handlers = [...stops, ...passes];
  if (own) handlers.push(['SIGWINCH', () => void supervisor.forward('SIGWINCH')]);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  if (own) suspendWith(supervisor);
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    if (own) suspendWithout(supervisor);
  };
}

/**
 * The supervisors of this process whose child leads a group of its own. The terminal sends
 * Ctrl-Z to its foreground group only, the launcher's: one listener serves them all, so that
 * one SIGTSTP stops the process once and each child once.
 */
const suspendable = new Set<Supervisor>();
let suspending = false;
// The order in which the last SIGTSTP and the last SIGCONT came: the later one is the last word.
let signalCount = 0;
let lastStopAt = 0;
let lastContinueAt = 0;

function suspendWith(supervisor: Supervisor): void {
  if (suspendable.size === 0) {
    process.on('SIGTSTP', onSuspend);
    process.on('SIGCONT', onContinue);
  }
  suspendable.add(supervisor);
}

function suspendWithout(supervisor: Supervisor): void {
  if (suspendable.delete(supervisor) && suspendable.size === 0) {
    process.off('SIGTSTP', onSuspend);
    process.off('SIGCONT', onContinue);
  }
}

function onContinue(): void {
  lastContinueAt = ++signalCount;
}

function onSuspend(): void {
  lastStopAt = ++signalCount;
  // One stop at a time: those that come meanwhile only move the last word.
  if (suspending) return;
  suspending = true;
  // Once every other listener of this SIGTSTP has run (an embedder's, giving the terminal back).
  setImmediate(
    () =>
      void suspendAll().finally(() => {
        suspending = false;
      }),
  );
}

/**
 * Stop each child's group, then this process as the terminal asked; once it runs again (`fg`,
 * `bg`, SIGCONT), so does each child.
 */
async function suspendAll(): Promise<void> {
  const supervisors = [...suspendable];
  // Each group gets SIGTSTP, then SIGSTOP (`Supervisor.forward`): a launcher there stops its own
  // child's group before it is stopped. Only then does this process stop.
  await Promise.all(supervisors.map((supervisor) => supervisor.forward('SIGTSTP')));
  // SIGSTOP, which nothing can catch: a SIGTSTP sent to ourselves goes to every SIGTSTP
  // listener of the process (ours, any other's) rather than stopping it, and would come back
  // here for ever. On Linux a process stops before its kill() of itself returns, so the next
  // line runs once it has been continued. Not when a SIGCONT came after the last SIGTSTP while
  // the children were being stopped (up to 500 ms): it found nothing stopped then, and this
  // stop would last until someone continued the process again. Signals sent within the same
  // instant may reach their listeners out of order (Node takes them on several threads): then,
  // as for any program that stops itself after catching SIGTSTP, the last one may not win.
  if (lastContinueAt < lastStopAt) process.kill(process.pid, 'SIGSTOP');
  for (const supervisor of supervisors) void supervisor.forward('SIGCONT');
}
