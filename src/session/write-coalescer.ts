// Turn a burst of changes into few writes: write at once when idle, then at most once per interval.
export interface WriteCoalescerOptions {
  /** The shortest time between the starts of two writes (longer after a slow write, see below). */
  readonly intervalMs: number;
  /** Where a failed background write is reported; the change stays pending for the next try. */
  readonly onError?: (error: unknown) => void;
  /**
   * The write the coalescer makes by itself (not `flush()`), where that one could be held up by
   * another process (a lock it holds): it returns false instead of waiting, and is tried again
   * BUSY_RETRY_MS later, so the process never blocks on it. Default: `write`.
   */
  readonly tryWrite?: () => boolean;
}

/** How soon a write that `tryWrite` could not make is tried again. */
export const BUSY_RETRY_MS = 10;

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
  readonly #tryWrite: () => boolean;
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
    this.#tryWrite =
      options.tryWrite ??
      (() => {
        write();
        return true;
      });
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

  /** Write the pending change now, waiting if need be (throws what the write throws). */
  flush(): void {
    this.#writeNow(() => {
      this.#write();
      return true;
    });
  }

  /** Drop anything pending and ignore later changes. */
  close(): void {
    this.#cancelTimer();
    this.#closed = true;
    this.#dirty = false;
  }

  #writeNow(write: () => boolean): void {
    this.#cancelTimer();
    if (!this.#dirty || this.#closed) return;
    const start = performance.now();
    let busy = false;
    try {
      busy = !write();
    } finally {
      // A failed write counts as one, so a failing disk is not tried again at every change.
      if (!busy) {
        this.#lastWrite = start;
        this.#lastCost = performance.now() - start;
        this.#writes++;
      }
    }
    if (busy) {
      // Still pending; no write was made, so the spacing still counts from the last one.
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#flushReporting();
      }, BUSY_RETRY_MS);
      return;
    }
    this.#dirty = false;
  }

  #flushReporting(): void {
    try {
      this.#writeNow(this.#tryWrite);
    } catch (error) {
      this.#onError(error);
    }
  }

  #cancelTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
