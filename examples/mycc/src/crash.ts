// The crash switch for demos: the process dies of a signal it sends itself, as a real crash would.
import os from 'node:os';

/** The signal a crash uses unless told otherwise: what a segfaulting native compiler dies of. */
export const DEFAULT_CRASH_SIGNAL: NodeJS.Signals = 'SIGSEGV';

/** Validates a signal name from a query string or the environment; null when it is not one. */
export function parseSignal(name: string | null | undefined): NodeJS.Signals | null {
  if (!name) return DEFAULT_CRASH_SIGNAL;
  return Object.hasOwn(os.constants.signals, name) ? (name as NodeJS.Signals) : null;
}

/**
 * Dies of `signal`. Node has no handler for SIGSEGV of its own (V8's trap handler re-raises
 * signals it did not cause), so the parent sees death by that signal, not an exit code.
 */
export function crash(signal: NodeJS.Signals, say: (line: string) => void): void {
  say(`mycc: crashing on purpose with ${signal}`);
  process.kill(process.pid, signal);
}

/**
 * `MYCC_CRASH_AFTER_MS=N` (with optional `MYCC_CRASH_SIGNAL`): crash N ms after the server is
 * up. Every restart crashes again, which is how a demo reaches the restart limit.
 */
export function scheduleCrashFromEnv(env: NodeJS.ProcessEnv, say: (line: string) => void): void {
  const after = env.MYCC_CRASH_AFTER_MS;
  if (after === undefined || after === '') return;
  const ms = Number(after);
  const signal = parseSignal(env.MYCC_CRASH_SIGNAL);
  if (!Number.isFinite(ms) || ms < 0 || signal === null) {
    say(
      `mycc: ignoring MYCC_CRASH_AFTER_MS=${after} MYCC_CRASH_SIGNAL=${env.MYCC_CRASH_SIGNAL ?? ''}`,
    );
    return;
  }
  setTimeout(() => crash(signal, say), ms).unref();
}
