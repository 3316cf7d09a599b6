// Waiting for a directory to change: what a process waiting for a lock sleeps on, so that fifteen
// waiters of one install cost nothing while it runs and see its end at once.
import { type FSWatcher, watch } from 'node:fs';

/**
 * Tells whether a directory's entries changed since the last `reset()`, and waits for the next
 * change. Built on fs.watch (inotify, kqueue, ReadDirectoryChangesW): where that is missing or
 * fails (some network file systems report nothing), `wait` still ends after its timeout, so
 * callers must look again then.
 */
export class DirChange {
  #watcher: FSWatcher | undefined;
  #changed = false;
  #wake: (() => void) | undefined;

  private constructor() {}

  /** Watch `dir`; undefined where it cannot be watched. */
  static watch(dir: string): DirChange | undefined {
    const change = new DirChange();
    try {
      change.#watcher = watch(dir, () => change.#notice());
    } catch {
      return undefined;
    }
    // A watcher that fails (its directory removed, say) only means waiting for the timeouts.
    change.#watcher.on('error', () => change.close());
    return change;
  }

  /** Forget the changes seen so far: call it just before looking at the directory. */
  reset(): void {
    this.#changed = false;
  }

  /**
   * Resolves at once if the directory changed since `reset()`, else at its next change, after
   * `ms`, when `signal` aborts (the caller checks the signal), or when another wait begins.
   */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    // One wait at a time: an earlier one still pending ends now.
    this.#wake?.();
    if (this.#changed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }

  /** Stop watching; a pending `wait` ends. */
  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#wake?.();
  }

  #notice(): void {
    this.#changed = true;
    this.#wake?.();
  }
}
