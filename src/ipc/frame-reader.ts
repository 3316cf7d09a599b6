// Reads LSP base-protocol frames from a socket or a server's stdin, refusing anything malformed or
// over the size limit.
import {
  AbstractMessageReader,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageConnection,
  type MessageReader,
} from 'vscode-jsonrpc/node';

/** A broken frame or message: the connection that sent it is closed, nothing else is affected. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/**
 * A notification the reader queues behind the last real message when the stream closes. The
 * connection announces its close only when this comes out of its queue, so every message that
 * arrived before the close is handled first (vscode-jsonrpc drops its queue on close).
 */
const END_OF_STREAM = '$/launcher/endOfStream';

/**
 * The same for a fault: queued behind the messages that arrived complete before it, so they are
 * handled first (protocol §2); the reader reports the fault when this comes out of the queue.
 */
const PROTOCOL_FAULT = '$/launcher/protocolFault';

/**
 * A notification the reader queues after every CHECKPOINT_EVERY messages (and when it pauses):
 * when it comes out of the connection's queue, everything delivered before it has been handled.
 * vscode-jsonrpc handles one queued message per turn of the event loop, however fast they come;
 * the reader counts what it delivered against the last checkpoint handled, and stops reading
 * while too many wait (see FrameReader). Counting at checkpoints rather than per message stays
 * right when vscode-jsonrpc queues nothing for a message (a `$/cancelRequest` for a request
 * already running) or one entry for two (a repeated request id).
 */
const CHECKPOINT = '$/launcher/checkpoint';

// Messages delivered but not yet handled, counted and in bytes (their frames): when either
// reaches its high water mark the source is paused, and it is resumed once both are down to
// their low ones. Memory is then bounded by the window, the source's own buffers and the chunk
// being parsed. The count bounds a flood of small messages, the bytes one of large messages
// (a thousand of up to 16 MiB each would be no bound at all); a single message larger than the
// byte window still goes through, and the source pauses after it.
const HIGH_WATER = 1000;
const LOW_WATER = 100;
const HIGH_WATER_BYTES = 8 * 1024 * 1024;
const LOW_WATER_BYTES = 1024 * 1024;
// A checkpoint follows every CHECKPOINT_EVERY messages, and the first message that brings the
// bytes delivered since the last one to CHECKPOINT_BYTES.
const CHECKPOINT_EVERY = 100;
const CHECKPOINT_BYTES = 512 * 1024;

/** A checkpoint's params: found by identity, so no peer can send one (JSON makes new objects). */
interface Checkpoint {
  /** Messages, and their frames' bytes, delivered before it. */
  readonly delivered: number;
  readonly deliveredBytes: number;
}

// Headers are a line or two; a peer that sends kilobytes without a blank line is not speaking LSP.
const MAX_HEADER_BYTES = 8 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A socket, or any stream of bytes (an LSP server's stdin: a pipe, a file, a terminal). Paused,
 * it stops emitting 'data' (and so 'end'); a socket then stops reading, and its peer's writes
 * wait.
 */
type ByteSource = Pick<NodeJS.ReadableStream, 'on' | 'off' | 'pause' | 'resume'>;

export interface FrameReaderOptions {
  /**
   * Judges the first message before anything sees it: a reason it returns is a ProtocolError.
   * vscode-jsonrpc answers some messages itself (responses, `$/` notifications) without ever
   * showing them to its handlers, so a rule about the first message goes here.
   */
  readonly checkFirst?: (message: Message) => string | undefined;
  /**
   * The end of the input is its close ('end', not only 'close'): for a stdin read from a file,
   * which ends without closing. Not for a socket, whose peer may half-close and still read.
   */
  readonly endIsClose?: boolean;
}

/**
 * vscode-jsonrpc's own reader has no size limit and buffers headers without bound, so this one
 * replaces it: Content-Length is checked before a single body byte is kept, bodies must be UTF-8
 * JSON-RPC 2.0, and the first fault stops reading and fires a ProtocolError once the messages
 * before it have been handled (see `serve`). Once served, it also reads no faster than the
 * connection handles messages (see CHECKPOINT): a flooding peer waits instead of filling memory.
 */
export class FrameReader extends AbstractMessageReader implements MessageReader {
  readonly #socket: ByteSource;
  readonly #endIsClose: boolean;
  readonly #maxBytes: number;
  #chunks: Buffer[] = [];
  #size = 0;
  #bodyLength = -1;
  /** The headers' length of the frame whose body is awaited. */
  #headerBytes = 0;
  #failed = false;
  #fault: ProtocolError | undefined;
  /** The source closed (or ended, with `endIsClose`). */
  #ended = false;
  /** The end-of-stream marker was delivered. */
  #endDelivered = false;
  #closed = false;
  #callback: DataCallback | undefined;
  /** Set by `serve`: without it no checkpoint would ever be handled, so none is sent. */
  #flowControl = false;
  /** Messages delivered to the connection, and how many of those are known to be handled. */
  #delivered = 0;
  #handled = 0;
  /** The same in bytes: the frames of those messages, headers included. */
  #deliveredBytes = 0;
  #handledBytes = 0;
  /** Checkpoints delivered and not yet handled, oldest first. */
  #checkpoints: Checkpoint[] = [];
  /** The source is paused and buffered bytes are left unparsed until enough are handled. */
  #paused = false;
  #checkFirst: ((message: Message) => string | undefined) | undefined;

  constructor(socket: ByteSource, maxBytes: number, options: FrameReaderOptions = {}) {
    super();
    this.#socket = socket;
    this.#maxBytes = maxBytes;
    this.#checkFirst = options.checkFirst;
    this.#endIsClose = options.endIsClose ?? false;
  }

  listen(callback: DataCallback): Disposable {
    this.#callback = callback;
    const onData = (chunk: Buffer) => this.#onData(chunk);
    const onError = (error: Error) => this.fireError(error);
    // The marker waits behind complete frames still buffered while paused (a partial frame
    // left at the end is dropped).
    const onClose = () => {
      if (this.#ended) return;
      this.#ended = true;
      this.#pump();
    };
    this.#socket.on('data', onData).on('error', onError).on('close', onClose);
    if (this.#endIsClose) this.#socket.on('end', onClose);
    return {
      dispose: () => {
        this.#socket.off('data', onData).off('error', onError).off('close', onClose);
        this.#socket.off('end', onClose);
      },
    };
  }

  /** The end-of-stream marker came out of the connection's queue: now the stream is closed. */
  finish(): void {
    if (!this.#ended || this.#closed) return;
    this.#closed = true;
    this.fireClose();
  }

  /** The fault's marker came out of the connection's queue: now the fault is reported. */
  fault(): void {
    const fault = this.#fault;
    this.#fault = undefined;
    if (fault) this.fireError(fault);
  }

  /** Route the markers of a connection reading from this reader to it, and pace the reading. */
  serve(connection: MessageConnection): void {
    connection.onNotification(END_OF_STREAM, () => this.finish());
    connection.onNotification(PROTOCOL_FAULT, () => this.fault());
    connection.onNotification(CHECKPOINT, (params: unknown) => this.#checkpointHandled(params));
    this.#flowControl = true;
  }

  #onData(chunk: Buffer): void {
    if (this.#failed) return;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    this.#pump();
  }

  // Parses what is buffered until it runs out, a fault, or the window is full; then, at the
  // end of the input, queues the end-of-stream marker behind it all.
  #pump(): void {
    if (this.#paused) return;
    try {
      while (!this.#failed && this.#size > 0 && this.#next() && !this.#paused) {}
    } catch (error) {
      this.#failed = true;
      this.#chunks = [];
      this.#size = 0;
      this.#fault = error instanceof ProtocolError ? error : new ProtocolError(String(error));
      this.#callback?.({ jsonrpc: '2.0', method: PROTOCOL_FAULT } as Message);
    }
    if (this.#paused || !this.#ended || this.#endDelivered) return;
    this.#endDelivered = true;
    this.#callback?.({ jsonrpc: '2.0', method: END_OF_STREAM } as Message);
  }

  // Hands a message (`frameBytes` long on the wire) to the connection; with a full window,
  // stops reading until it drains.
  #deliver(message: Message, frameBytes: number): void {
    this.#callback?.(message);
    if (!this.#flowControl) return;
    this.#delivered++;
    this.#deliveredBytes += frameBytes;
    const full =
      this.#delivered - this.#handled >= HIGH_WATER ||
      this.#deliveredBytes - this.#handledBytes >= HIGH_WATER_BYTES;
    const sinceCheckpoint =
      this.#deliveredBytes - (this.#checkpoints.at(-1)?.deliveredBytes ?? this.#handledBytes);
    if (full || this.#delivered % CHECKPOINT_EVERY === 0 || sinceCheckpoint >= CHECKPOINT_BYTES)
      this.#queueCheckpoint();
    if (!full) return;
    this.#paused = true;
    this.#socket.pause();
  }

  #queueCheckpoint(): void {
    const last = this.#checkpoints.at(-1);
    if (last?.delivered === this.#delivered) return;
    const checkpoint: Checkpoint = {
      delivered: this.#delivered,
      deliveredBytes: this.#deliveredBytes,
    };
    this.#checkpoints.push(checkpoint);
    this.#callback?.({ jsonrpc: '2.0', method: CHECKPOINT, params: checkpoint } as Message);
  }

  // A checkpoint came out of the queue: what was delivered before it is handled.
  #checkpointHandled(params: unknown): void {
    if (params !== this.#checkpoints[0]) return;
    const checkpoint = this.#checkpoints.shift()!;
    this.#handled = checkpoint.delivered;
    this.#handledBytes = checkpoint.deliveredBytes;
    if (
      !this.#paused ||
      this.#delivered - this.#handled > LOW_WATER ||
      this.#deliveredBytes - this.#handledBytes > LOW_WATER_BYTES
    )
      return;
    this.#paused = false;
    // Bytes read before the pause go first; they may fill the window again.
    this.#pump();
    if (!this.#paused) this.#socket.resume();
  }

  // Takes one step (a header or a body) when enough bytes are there; false when it must wait.
  #next(): boolean {
    if (this.#bodyLength < 0) {
      const buffer = this.#flatten();
      const end = buffer.indexOf(HEADER_END);
      if (end < 0 || end > MAX_HEADER_BYTES) {
        if (end > MAX_HEADER_BYTES || buffer.length > MAX_HEADER_BYTES + HEADER_END.length)
          throw new ProtocolError('malformed frame: no end of headers within 8 KiB');
        return false;
      }
      this.#bodyLength = this.#contentLength(buffer.toString('latin1', 0, end));
      this.#headerBytes = end + HEADER_END.length;
      this.#consume(this.#headerBytes);
    }
    if (this.#size < this.#bodyLength) return false;
    const body = this.#flatten().subarray(0, this.#bodyLength);
    this.#consume(this.#bodyLength);
    this.#bodyLength = -1;
    const message = parseMessage(body);
    const check = this.#checkFirst;
    this.#checkFirst = undefined;
    const refused = check?.(message);
    if (refused !== undefined) throw new ProtocolError(refused);
    this.#deliver(message, this.#headerBytes + body.length);
    return true;
  }

  #contentLength(headers: string): number {
    let length: number | undefined;
    for (const line of headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new ProtocolError(`malformed frame: bad header line "${line}"`);
      if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
      const value = line.slice(colon + 1).trim();
      if (!/^\d{1,10}$/.test(value))
        throw new ProtocolError(`malformed frame: Content-Length "${value}" is not a number`);
      length = Number(value);
    }
    if (length === undefined) throw new ProtocolError('malformed frame: no Content-Length header');
    if (length > this.#maxBytes)
      throw new ProtocolError(
        `message of ${length} bytes is over the limit of ${this.#maxBytes} bytes`,
      );
    return length;
  }

  #flatten(): Buffer {
    if (this.#chunks.length !== 1) this.#chunks = [Buffer.concat(this.#chunks, this.#size)];
    return this.#chunks[0]!;
  }

  #consume(bytes: number): void {
    const rest = this.#flatten().subarray(bytes);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#size = rest.length;
  }
}

function parseMessage(body: Buffer): Message {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch (error) {
    throw new ProtocolError(`bad JSON in message body: ${(error as Error).message}`);
  }
  if (!isJsonRpcMessage(value)) throw new ProtocolError('message is not JSON-RPC 2.0');
  return value;
}

function isJsonRpcMessage(value: unknown): value is Message {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return false;
  const id = m.id;
  const validId = typeof id === 'string' || typeof id === 'number';
  if (typeof m.method === 'string') return id === undefined || validId;
  return (validId || id === null) && ('result' in m || 'error' in m);
}
