// Turn a burst of changes into few writes: write at once when idle, then at most once per interval.
export interface WriteCoalescerOptions {
  /** The shortest time between two writes. */
  readonly intervalMs: number;
  /** Where a failed background write is reported; the change stays pending for the next try. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Rate-limits a synchronous `write` (leading and trailing edge): the first change of a burst is
 * written immediately, the rest of the burst once the interval is over, so the last state always
 * reaches the disk. Synchronous so `flush()` also works in an exit handler.
 */
export class WriteCoalescer {
  readonly #write: () => void;
  readonly #intervalMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #lastWrite = Number.NEGATIVE_INFINITY;
  #dirty = false;
  #closed = false;
  #writes = 0;

  constructor(write: () => void, options: WriteCoalescerOptions) {
    this.#write = write;
    this.#intervalMs = options.intervalMs;
    this.#onError = options.onError ?? (() => {});
  }

  /** How many writes were made so far (for tests and benchmarks). */
  get writes(): number {
    return this.#writes;
  }

  /** Whether a change is waiting to be written. */
  get pending(): boolean {
    return this.#dirty;
  }

  /** Note a change: written now when the last write is old enough, else when the interval ends. */
  touch(): void {
    if (this.#closed) return;
    this.#dirty = true;
    if (this.#timer) return;
    const wait = this.#lastWrite + this.#intervalMs - Date.now();
    if (wait <= 0) {
      this.#flushReporting();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flushReporting();
    }, wait);
  }

  /** Write the pending change now (throws what the write throws). */
  flush(): void {
    this.#cancelTimer();
    if (!this.#dirty || this.#closed) return;
    this.#lastWrite = Date.now();
    this.#writes++;
    this.#write();
    this.#dirty = false;
  }

  /** Drop anything pending and ignore later changes. */
  close(): void {
    this.#cancelTimer();
    this.#closed = true;
    this.#dirty = false;
  }

  #flushReporting(): void {
    try {
      this.flush();
    } catch (error) {
      this.#onError(error);
    }
  }

  #cancelTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
