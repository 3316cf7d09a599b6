// Writes JSON-RPC messages as LSP base-protocol frames, one stream write per message.
import type { Writable } from 'node:stream';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-jsonrpc/node';
import { ProtocolError } from './frame-reader.js';

/**
 * vscode-jsonrpc's stream writer waits for each write to finish before the next one starts,
 * which caps a flood of notifications at one message per event-loop turn. This one frames the
 * message into a single buffer and hands it to the socket (or an LSP server's stdout) at once;
 * the stream keeps the order.
 */
export class FrameWriter extends AbstractMessageWriter implements MessageWriter {
  readonly #stream: Writable;
  readonly #maxBytes: number;
  readonly #dispatched: ((message: Message) => void) | undefined;
  #corked = false;
  /** How many frames were handed to the stream, and the last of them whose write called back. */
  #written = 0;
  #settled = 0;
  /**
   * The `flushed()` calls still waiting, each for the frame that was the last written when it
   * was made (a stream calls back its writes in order, but for one after end(): see #settle).
   * Only the LSP bridge waits, at its end: the other writers pay only the count for it, not a
   * promise per write.
   */
  #waiting: Array<{ readonly upTo: number; readonly resolve: () => void }> = [];

  /**
   * `dispatched` hears of each message once it is on the stream, or dropped because the stream
   * is closed already: either way, nothing sent later can reach the peer before it.
   */
  constructor(stream: Writable, maxBytes: number, dispatched?: (message: Message) => void) {
    super();
    this.#stream = stream;
    this.#maxBytes = maxBytes;
    this.#dispatched = dispatched;
    // Only the reader announces the close, once every message received has been handled.
    stream.on('error', (error) => this.fireError(error));
  }

  write(message: Message): Promise<void> {
    let json = JSON.stringify(message);
    let length = Buffer.byteLength(json, 'utf8');
    if (length > this.#maxBytes) {
      const problem = `message of ${length} bytes is over the limit of ${this.#maxBytes} bytes`;
      // Sending it would only make the peer close the connection. A response is answered with
      // an error instead, so the request does not wait for ever; anything else is refused here.
      if (!isResponse(message)) return Promise.reject(new ProtocolError(problem));
      json = JSON.stringify({
        jsonrpc: '2.0',
        id: message.id,
        error: { code: INTERNAL_ERROR, message: `the response was too large: ${problem}` },
      });
      length = Buffer.byteLength(json, 'utf8');
    }
    const header = `Content-Length: ${length}\r\n\r\n`;
    const frame = Buffer.allocUnsafe(header.length + length);
    frame.write(header, 0, 'latin1');
    frame.write(json, header.length, 'utf8');
    const stream = this.#stream;
    if (stream.destroyed) {
      // A peer that hung up before reading this (a compiler that sent its hello and its
      // diagnostics, then exited) is still told of it: what it sent is still to be handled.
      this.#dispatched?.(message);
      return Promise.reject(new Error('the connection is closed'));
    }
    // Messages written in the same tick leave in one system call (a flood of diagnostics would
    // otherwise pay one each); the batch is flushed before anything else runs.
    if (!this.#corked) {
      this.#corked = true;
      stream.cork();
      process.nextTick(() => {
        this.#corked = false;
        stream.uncork();
      });
    }
    const number = ++this.#written;
    const sent = new Promise<void>((resolve, reject) => {
      stream.write(frame, (error) => {
        if (error) reject(error);
        else resolve();
        this.#settle(number);
      });
    });
    this.#dispatched?.(message);
    return sent;
  }

  /**
   * Settles once every frame written so far has been handed to the system, or has failed to be
   * (the reader went away). A process that exits sooner loses what its streams still hold.
   */
  flushed(): Promise<void> {
    if (this.#settled === this.#written) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push({ upTo: this.#written, resolve }));
  }

  /** Frame `number`'s write called back: the waits for it, or for an earlier frame, are over. */
  #settle(number: number): void {
    // Out of order at times (a write after end() is called back at once): never backwards.
    this.#settled = Math.max(this.#settled, number);
    while (this.#waiting.length > 0 && this.#waiting[0]!.upTo <= number) {
      this.#waiting.shift()!.resolve();
    }
  }

  end(): void {
    this.#stream.end();
  }
}

// JSON-RPC's "Internal error".
const INTERNAL_ERROR = -32603;

function isResponse(message: Message): message is Message & { id: number | string | null } {
  return 'id' in message && !('method' in message) && ('result' in message || 'error' in message);
}
