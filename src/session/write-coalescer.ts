// Turn a burst of changes into few writes: write at once when idle, then at most once per interval.
export interface WriteCoalescerOptions {
  /** The shortest time between the starts of two writes (longer after a slow write, see below). */
  readonly intervalMs: number;
  /** Where a failed background write is reported; the change stays pending for the next try. */
  readonly onError?: (error: unknown) => void;
}

/**
 * A write blocks the process while it runs, so a slow one spaces out the next: after a write
 * that took d ms, the next starts no sooner than SLOW_WRITE_SPACING × d ms after it, up to
 * MAX_WRITE_SPACING_MS. (A project with 20 000 kept diagnostics writes 4 MB, ~40 ms a time, and
 * spent a third to half of the supervisor's time writing during a stream of updates.) The bound
 * keeps the kept file within ~0.5 s of the live state, which `launcher lsp`'s one-second hold of
 * live sets relies on (src/lsp/editor-view.ts).
 */
export const SLOW_WRITE_SPACING = 10;
export const MAX_WRITE_SPACING_MS = 400;

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
  /** When the last write started, on the monotonic clock (a change of the wall clock moves nothing). */
  #lastWrite = Number.NEGATIVE_INFINITY;
  /** How long the last write took, in ms. */
  #lastCost = 0;
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
    const slow = Math.min(SLOW_WRITE_SPACING * this.#lastCost, MAX_WRITE_SPACING_MS);
    const spacing = Math.max(this.#intervalMs, slow);
    const wait = this.#lastWrite + spacing - performance.now();
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
    const start = performance.now();
    this.#lastWrite = start;
    this.#writes++;
    try {
      this.#write();
    } finally {
      this.#lastCost = performance.now() - start;
    }
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
