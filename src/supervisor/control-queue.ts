// One ordered queue for every control (start, stop, restart, signal) and the supervisor's own steps.

/**
 * Runs tasks one at a time, in the order they were sent. A task's promise settles when that
 * task has been carried out; a failed task does not stop the ones behind it.
 */
export class ControlQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;
  readonly #onIdle: () => void;

  /** `onIdle` runs each time the last queued task has settled. */
  constructor(onIdle: () => void) {
    this.#onIdle = onIdle;
  }

  /** Whether a task is running or waiting. */
  get busy(): boolean {
    return this.#pending > 0;
  }

  push<T>(task: () => Promise<T>): Promise<T> {
    this.#pending += 1;
    const result = this.#tail.then(task);
    this.#tail = result
      .catch(() => {})
      .finally(() => {
        this.#pending -= 1;
        if (this.#pending === 0) this.#onIdle();
      });
    return result;
  }
}
