// Ctrl-C and kill during an install: stop the work, let it clean up, then die of the same signal.
import { setTimeout as sleep } from 'node:timers/promises';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The abort reason when a signal stops an install. */
class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = 'Interrupted';
  }
}

/**
 * Run `work` with an AbortSignal that fires on SIGINT/SIGTERM/SIGHUP instead of the default
 * death, so the work can remove what it started (its `finally` blocks run). Once it has settled,
 * the signal is raised again with our handlers gone, so the process dies of it and the shell sees
 * 128+N. If someone else handles that signal and we survive, the interruption is thrown.
 */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    received ??= signal;
    controller.abort(new Interrupted(signal));
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  let result: T;
  try {
    result = await work(controller.signal);
  } catch (error) {
    if (!received) throw error;
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
  if (received) {
    process.kill(process.pid, received);
    await sleep(1000);
    throw new Interrupted(received);
  }
  return result!;
}
