// The child's end of the channel: what a compiler calls to report back to its launcher.
import type { Socket } from 'node:net';
import { ErrorCodes, type MessageConnection, ResponseError } from 'vscode-jsonrpc/node';
import { ProtocolError } from '../ipc/frame-reader.js';
import { type Diagnostic, type LogLevel, Methods, type ReadyParams } from '../ipc/protocol.js';

/** The child's connection to its launcher (spec §7). */
export interface WorkerConnection {
  /** The session id the launcher gave in its answer to the hello. */
  readonly session: string;
  /** The child's server is up: the launcher records the port and its state becomes ready. */
  ready(info: ReadyParams): void;
  /** Replace the diagnostics of one document (LSP semantics: `[]` clears them). */
  publishDiagnostics(uri: string, diagnostics: Diagnostic[], version?: number): void;
  log(level: LogLevel, message: string): void;
  /**
   * Settles once this process's send buffer is below the socket's high-water mark (at once when
   * it is), or the connection has ended. The launcher reads no faster than it handles messages,
   * so a compiler that floods it awaits this now and then to keep its own memory bounded.
   */
  drained(): Promise<void>;
  /**
   * Run `handler` when the launcher asks the child to stop. The answer goes out first; when the
   * handler settles the process exits (0, or 1 if it threw). Without a handler: exit 0 at once.
   */
  onShutdown(handler: (reason: string) => void | Promise<void>): void;
  /** Answer a request the launcher forwards (say from an IDE); unknown ones get -32601. */
  onRequest(method: string, handler: (params: unknown) => unknown | Promise<unknown>): void;
  /** Say goodbye: pending messages are flushed, heartbeats stop, and the lifeline is cut. */
  close(): void;
}

export interface WorkerSettings {
  name: string;
  heartbeatMs: number;
  lifeline: boolean;
}

/**
 * The connection after a successful hello. Neither the socket nor the heartbeat timer keeps the
 * process alive: a compiler ends when its own work ends. Messages still being written do keep
 * it alive, so nothing sent before a natural exit is lost.
 */
export class Worker implements WorkerConnection {
  readonly session: string;
  readonly #connection: MessageConnection;
  readonly #socket: Socket;
  readonly #settings: WorkerSettings;
  readonly #handlers = new Map<string, (params: unknown) => unknown>();
  #heartbeat: NodeJS.Timeout | undefined;
  #onShutdown: ((reason: string) => void | Promise<void>) | undefined;
  #closing = false;
  #shuttingDown = false;
  /** The wait for the socket's buffer to empty, shared by every `drained()` meanwhile. */
  #draining: Promise<void> | undefined;

  constructor(
    connection: MessageConnection,
    socket: Socket,
    session: string,
    settings: WorkerSettings,
  ) {
    this.#connection = connection;
    this.#socket = socket;
    this.session = session;
    this.#settings = settings;
    this.#handlers.set(Methods.shutdown, (params: unknown) => {
      const reason = (params as { reason?: unknown } | null)?.reason;
      // The answer is written right after this returns; the handler runs after that.
      setImmediate(() => void this.#shutDown(typeof reason === 'string' ? reason : 'shutdown'));
      return {};
    });
    this.#handlers.set(Methods.ping, () => ({}));
    // One handler for all: it sees the params exactly as sent (vscode-jsonrpc spreads arrays).
    connection.onRequest((method, params) => {
      const handler = this.#handlers.get(method);
      if (!handler) throw new ResponseError(ErrorCodes.MethodNotFound, `unknown method ${method}`);
      return handler(params);
    });
    connection.onClose(() => this.#lost());
    socket.unref();
    if (settings.heartbeatMs > 0) {
      this.#heartbeat = setInterval(() => this.#send(Methods.heartbeat, {}), settings.heartbeatMs);
      this.#heartbeat.unref();
    }
  }

  ready(info: ReadyParams): void {
    this.#send(Methods.ready, info);
  }

  publishDiagnostics(uri: string, diagnostics: Diagnostic[], version?: number): void {
    this.#send(
      Methods.publishDiagnostics,
      version === undefined ? { uri, diagnostics } : { uri, version, diagnostics },
    );
  }

  log(level: LogLevel, message: string): void {
    this.#send(Methods.log, { level, message });
  }

  drained(): Promise<void> {
    const socket = this.#socket;
    if (!socket.writableNeedDrain || socket.destroyed) return Promise.resolve();
    this.#draining ??= new Promise<void>((resolve) => {
      // An ending socket emits no 'drain': 'finish' says its buffer is out, 'close' that it
      // never will be.
      const done = () => {
        socket.off('drain', done).off('finish', done).off('close', done);
        this.#draining = undefined;
        resolve();
      };
      socket.on('drain', done).on('finish', done).on('close', done);
    });
    return this.#draining;
  }

  onShutdown(handler: (reason: string) => void | Promise<void>): void {
    this.#onShutdown = handler;
  }

  onRequest(method: string, handler: (params: unknown) => unknown | Promise<unknown>): void {
    this.#handlers.set(method, handler);
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    clearInterval(this.#heartbeat);
    // end() flushes what is queued, then half-closes; the launcher sees the end of the stream.
    this.#socket.end();
  }

  // Once closed, messages are dropped: the launcher is gone or was told goodbye. One too large
  // for the protocol is dropped too (sending it would cost the connection), but not silently.
  #send(method: string, params: unknown): void {
    if (this.#closing || this.#socket.destroyed) return;
    this.#connection.sendNotification(method, params).catch((error: unknown) => {
      if (error instanceof ProtocolError) {
        process.stderr.write(`${this.#settings.name}: ${method} not sent: ${error.message}\n`);
      }
    });
  }

  async #shutDown(reason: string): Promise<void> {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    let code = 0;
    try {
      await this.#onShutdown?.(reason);
    } catch (error) {
      process.stderr.write(`${this.#settings.name}: shutdown failed: ${String(error)}\n`);
      code = 1;
    }
    this.close();
    process.exitCode = code;
    // Exit once the goodbye is written; a launcher that stopped reading cannot hold us here.
    const exit = () => process.exit(code);
    if (this.#socket.writableFinished || this.#socket.destroyed) exit();
    this.#socket.once('finish', exit).once('close', exit);
    setTimeout(exit, 1000).unref();
  }

  // The lifeline: a supervised compiler does not outlive its launcher.
  #lost(): void {
    clearInterval(this.#heartbeat);
    if (this.#closing || !this.#settings.lifeline) return;
    process.stderr.write(`${this.#settings.name}: lost the connection to the launcher; exiting\n`);
    process.exit(1);
  }
}
