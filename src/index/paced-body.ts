// A response body that arrives too slowly has stalled, as curl's --speed-limit and --speed-time
// make it: undici's bodyTimeout measures only the silence between two chunks, so a server sending
// a byte a second would otherwise hold an install, and a shim call waiting on it, for ever.
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';

/** Below this many bytes a second, averaged over a window, a body has stalled (8 kbit/s). */
export const MIN_BYTES_PER_SECOND = 1024;

/** What a body must keep up with. */
export interface BodyPace {
  /** The window the speed is averaged over: the body timeout. */
  readonly windowMs: number;
  /** When set, the whole body must have arrived this long after it was first read. */
  readonly deadlineMs?: number | undefined;
}

/** A body that came too slowly: a network failure like a timeout (retried, then exit 5). */
export class TooSlowError extends Error {
  constructor(reason: string) {
    super(`too slow: ${reason}`);
  }
}

/** A response body: a stream, and a way to discard it that may keep the connection. */
export type ResponseBody = Readable & {
  dump(options?: { signal?: AbortSignal }): Promise<unknown>;
};

/**
 * How long the rest of a body nobody wants (an error page, a redirect's) may take to be read away,
 * which keeps its connection for the next request, before the connection is closed instead.
 */
const DISCARD_MS = 1000;

/**
 * Discard `raw`, undici's body: read away (up to undici's limit of 128 KiB) for DISCARD_MS at
 * most, then closed. Never waits longer, nor throws: a server trickling its error page would
 * otherwise hold the attempt, and its retries, for as long as it trickles.
 */
export async function discardBody(raw: ResponseBody): Promise<void> {
  await raw.dump({ signal: AbortSignal.timeout(DISCARD_MS) }).catch(() => {});
}

/** `raw`, failing with TooSlowError when it falls behind `pace` (see PacedBody). */
export function pacedBody(raw: ResponseBody, pace: BodyPace): ResponseBody {
  return new PacedBody(raw, pace);
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/**
 * The speed is checked at each chunk: a body that goes silent instead is ended by undici's
 * bodyTimeout, so no timer is needed. The clock starts at the first read, and `dump()` before it
 * is discardBody's, which keeps the connection for the next request when the rest comes soon.
 * Destroyed before it is read, it destroys the raw body, which closes the connection.
 */
class PacedBody extends Transform {
  readonly #raw: ResponseBody;
  readonly #pace: BodyPace;
  #start = 0;
  /** Whether the raw body is taken care of: piped into this one (at the first read), or dumped. */
  #handedOver = false;
  #windowStart = 0;
  #windowBytes = 0;

  constructor(raw: ResponseBody, pace: BodyPace) {
    super();
    this.#raw = raw;
    this.#pace = pace;
  }

  override _read(size: number): void {
    if (!this.#handedOver) {
      this.#handedOver = true;
      this.#start = this.#windowStart = performance.now();
      // A failure on either side (cut, timed out, too slow, the reader gone) destroys both.
      pipeline(this.#raw, this, () => {});
    }
    super._read(size);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const tooSlow = this.#check(chunk.length);
    if (tooSlow) done(tooSlow);
    else done(null, chunk);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Nothing else ends the raw body: unread, it would keep the connection busy until it is
    // garbage collected. Its "aborted" error is only the echo of this destroy.
    if (!this.#handedOver) this.#raw.on('error', () => {}).destroy();
    callback(error);
  }

  async dump(): Promise<void> {
    const handedOver = this.#handedOver;
    this.#handedOver = true;
    this.destroy();
    if (!handedOver) await discardBody(this.#raw);
  }

  #check(bytes: number): TooSlowError | undefined {
    const now = performance.now();
    const { windowMs, deadlineMs } = this.#pace;
    if (deadlineMs !== undefined && now - this.#start > deadlineMs) {
      return new TooSlowError(`not complete after ${seconds(deadlineMs)}`);
    }
    this.#windowBytes += bytes;
    const elapsed = now - this.#windowStart;
    if (elapsed < windowMs) return undefined;
    if (this.#windowBytes * 1000 < MIN_BYTES_PER_SECOND * elapsed) {
      return new TooSlowError(
        `${this.#windowBytes} bytes in ${seconds(elapsed)}, under the ${MIN_BYTES_PER_SECOND} bytes a second launcher needs`,
      );
    }
    this.#windowStart = now;
    this.#windowBytes = 0;
    return undefined;
  }
}
